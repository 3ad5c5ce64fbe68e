/* execargs.h - argv of one exec event from its EXECVE records.
 *
 * The kernel logs argv as `argc=N a0=.. a1=..`; each value quoted ("...") or,
 * when it holds a space, a quote, a control or a non-ASCII byte, as hex. An
 * argument too long for one record is logged as `aN_len=L` then pieces
 * `aN[0]=HEX aN[1]=HEX ...`, which may continue in the next EXECVE record of
 * the same event. libauparse does not join them; this module does.
 *
 * Two jobs, with different bounds:
 *   - Storing: at most EA_MAX_ARGS arguments and EA_MAX_BYTES bytes of decoded
 *     strings are kept (for the process table and the alert). What does not
 *     fit sets kme_args.truncated; kme_args.argc keeps the real count.
 *   - Watching: every argument, stored or not, however many, is compared with
 *     the watched values (ea_watch: the values the rule's argument conditions
 *     name), and kme_args.seen says which of them appeared. This costs one
 *     length comparison per argument and value, and memory bounded by the
 *     longest watched value: an attacker cannot push `list` out of the rule's
 *     sight by putting 300,000 arguments before it.
 *
 * Nothing is dropped silently: inconsistencies (missing, duplicate or
 * out-of-order pieces, a length that does not add up, arguments missing or
 * beyond argc, undecodable values) make the event malformed. A hole between
 * logged arguments is stored as an empty string; arguments that argc promises
 * beyond the last logged one are not invented (kme_args.n counts what was
 * logged and stored).
 *
 * Memory is reused from event to event: steady state allocates nothing.
 */
#ifndef KME_EXECARGS_H
#define KME_EXECARGS_H

#include <auparse.h>
#include <stdbool.h>

#include "err.h"
#include "kme.h"

#define EA_MAX_ARGS (256 * 1024)
#define EA_MAX_BYTES (4 * 1024 * 1024)

struct kme_buf;
struct ea_args;

struct ea_args *ea_new(struct kme_err *err);
void ea_free(struct ea_args *a);

/* Compare every argument of later events with set's values (borrowed: set
 * must stay valid until the next ea_watch; NULL watches nothing). -1 with err
 * set on ENOMEM, and then nothing is watched. Cost O(set). */
int ea_watch(struct ea_args *a, const struct kme_argset *set,
	     struct kme_err *err);

/* Start a new event (forgets the previous one's arguments). */
void ea_begin(struct ea_args *a);

/* Add the EXECVE record under au's cursor (the cursor's field position is
 * moved). Cost O(record bytes). */
void ea_record(struct ea_args *a, auparse_state_t *au);

/* The event's argv. Strings and flags are borrowed from a until the next
 * ea_begin. Returns true when the EXECVE records were inconsistent. */
bool ea_finish(struct ea_args *a, struct kme_args *out);

/* Decode one audit field value: "quoted" -> the bytes between the quotes;
 * even-length hex -> its bytes; "(null)" -> absent (returns 1); anything else
 * is kept as is and returns 2 (unexpected form). 0 on a normal decode, -1
 * when out's bound is reached. Appends to out. */
int ea_decode_value(const char *raw, struct kme_buf *out);

#endif
