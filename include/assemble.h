/* assemble.h - records to complete audit events, through libauparse's feed API.
 *
 * Records are fed one line at a time; libauparse groups them by event serial
 * and hands out each event when it is complete: on its EOE record or on a
 * terminal record such as PROCTITLE (delivered at once, not on the next
 * record), and at as_flush(). Events that never get their last record are
 * completed by the record filter (recfilter.h), which feeds a synthetic EOE
 * when an event has been idle (by records, or by the wall clock in live
 * mode). libauparse's own timeout is set out of the way (100 years), and its
 * wall-clock aging (auparse_feed_age_events) is never used: both judge an
 * event by its own time stamp, so they would cut an event early when a
 * record with a later stamp slips between its records (a host whose clock
 * is ahead, on an aggregator), or when a late event arrives (a sender's
 * queue flushed after an outage, a host whose clock is behind) and a tick
 * falls between its records.
 *
 * The event callback runs synchronously inside as_line/as_flush with
 * the auparse cursor on the event's first record; the auparse_state_t is
 * borrowed for the duration of the call only.
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

typedef void (*as_event_fn)(void *arg, auparse_state_t *au);

struct as_stats {
	uint64_t records;   /* lines fed */
	uint64_t events;    /* events delivered */
};

struct as_assembler;

/* NULL with err set on failure (auparse_init). */
struct as_assembler *as_new(as_event_fn fn, void *arg, struct kme_err *err);
void as_free(struct as_assembler *a);

/* Feed one record (without its '\n'). */
void as_line(struct as_assembler *a, const char *line, size_t len);

/* End of input: complete every pending event. */
void as_flush(struct as_assembler *a);

void as_stats(const struct as_assembler *a, struct as_stats *out);

#endif
