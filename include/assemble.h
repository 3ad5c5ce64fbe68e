/* assemble.h - records to complete audit events, through libauparse's feed API.
 *
 * Records are fed one line at a time; libauparse groups them by event serial
 * and hands out each event when it is complete: on its EOE record or on a
 * terminal record such as PROCTITLE (delivered at once, not on the next
 * record), and at as_flush(). Events that never get their last record are
 * completed by the record filter (recfilter.h), which feeds a synthetic EOE
 * when an event has been idle (by records, or by the wall clock in live
 * mode). libauparse's own timeout is set out of the way (100 years; one
 * year where long has 32 bits, see assemble.c), and its
 * wall-clock aging (auparse_feed_age_events) is never used: both judge an
 * event by its own time stamp, so they would cut an event early when a
 * record with a later stamp slips between its records (a host whose clock
 * is ahead, on an aggregator), or when a late event arrives (a sender's
 * queue flushed after an outage, a host whose clock is behind) and a tick
 * falls between its records.
 *
 * One libauparse parser per host. On an aggregator's stream every record
 * begins "node=NAME "; the assembler strips that prefix and feeds the rest to
 * the parser of host NAME, so that libauparse never parses, copies and
 * compares the node of every record (two thirds of what a multi-host stream
 * cost over one host's, measured: bench/hosts.sh, README "Performance"), and
 * an event of one host that waits for its last record never holds back
 * another host's events (libauparse 3.0.9 hands events out in order within
 * one parser). Events of different hosts are never grouped together: they
 * are in different parsers. Records without node= (this machine's), and
 * those whose node name is empty, longer than AS_NODE_MAX or not followed by
 * a space, go unchanged to one shared parser, where libauparse tells their
 * nodes apart itself.
 *
 * Bounded: at most AS_PARSERS per-host parsers (about 4 KiB each in
 * libauparse 3.0.9, plus the records of their pending events, which the
 * record filter bounds). A new host beyond that takes the least recently fed
 * parser: its pending events are completed as they are (auparse_flush_feed,
 * and the emptied parser serves the new host: no allocation) and counted in
 * `parser_evictions`; their later records, if any, arrive as
 * a new event without its SYSCALL record, which decides nothing. O(node
 * length) per record: the most recently fed host is compared first, then
 * SipHash under a random key (node names are chosen by the senders).
 *
 * The event callback runs synchronously inside as_line/as_flush with
 * the auparse cursor on the event's first record; the auparse_state_t is
 * borrowed for the duration of the call only. `node` is the host whose
 * prefix was stripped (owned by the assembler, valid during the call), or
 * absent (KME_STR_NULL) for the shared parser's events, whose node, if any,
 * libauparse reports itself (auparse_get_timestamp()->host).
 *
 * libauparse (3.0.9) is not thread-safe and its EOE timeout is process-global:
 * use one assembler per process.
 */
#ifndef KME_ASSEMBLE_H
#define KME_ASSEMBLE_H

#include <auparse.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "kme.h"

#define AS_PARSERS 1024
#define AS_NODE_MAX 255

typedef void (*as_event_fn)(void *arg, auparse_state_t *au, struct kme_str node);

struct as_stats {
	uint64_t records;   /* lines fed */
	uint64_t events;    /* events delivered */
	uint64_t parsers;   /* per-host parsers held now */
	uint64_t parser_evictions; /* per-host parsers taken for a new host */
};

struct as_assembler;

/* NULL with err set on failure (allocation, auparse_init). */
struct as_assembler *as_new(as_event_fn fn, void *arg, struct kme_err *err);
void as_free(struct as_assembler *a);

/* Feed one record (without its '\n'). */
void as_line(struct as_assembler *a, const char *line, size_t len);

/* End of input: complete every pending event (the shared parser's first, then
 * the hosts' from the least recently fed). Feed nothing after it. */
void as_flush(struct as_assembler *a);

void as_stats(const struct as_assembler *a, struct as_stats *out);

#endif
