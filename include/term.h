/* term.h - a new term and what a history knew of it: the values every
 * layer of the history passes around (the term table, termtab.h, at the
 * bottom; the store interface, newterms.h; the engine and the alert above).
 * Types only: no code, no allocation.
 *
 * A term is the tuple of the configured new_terms_fields of an exec event
 * (newterms.h builds it). Its values are borrowed byte strings (kme.h): an
 * absent value (p NULL) differs from an empty one. Times are milliseconds
 * since the epoch (event time).
 */
#ifndef KME_TERM_H
#define KME_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kme.h"

#define NT_MAX_FIELDS 4          /* values of a term (cfg.h's bound) */

/* The values of one term, borrowed from whoever hands the term out (the
 * event, or a table during a walk). */
struct nt_term {
	struct kme_str v[NT_MAX_FIELDS];
	size_t n;
};

/* What a history knew of a term before this sighting. */
struct nt_seen {
	bool known;           /* the term was in the history (any age) */
	bool is_new;          /* alert-worthy: not seen in [t - window, t) */
	int64_t first_seen;   /* valid when known */
	int64_t last_seen;    /* valid when known: previous last-seen time */
	uint64_t count;       /* sightings before this one */
	bool local;           /* a shared history decided without the shared
	                       * copy (Redis unreachable: local fallback) */
};

#endif
