/* termtab.h - the new-terms table: which term was seen when, in memory only
 * (plugin/termtab.c, prefix tt_). The leaf of the history layer: a data
 * structure that knows nothing of stores, configuration or files.
 *
 * The semantics of every new-terms store live here, with no I/O, so that the
 * memory store (newterms.h), the state file (statefile.h) and the Redis
 * store's local fallback (redisstore.h) decide alike: an event at
 * time t is new iff its term was not seen in [t - window, t); every sighting
 * refreshes the term's last-seen time to max(last_seen, t) and its
 * first-seen time to min(first_seen, t). Only last_seen is kept, so a term
 * last seen after t (events delivered out of order) counts as seen in
 * [t - window, t). Times are plain integers in whatever unit the caller
 * uses consistently (milliseconds since the epoch in this program); the
 * table only compares and subtracts them, without overflow.
 *
 * Memory: one allocation per term (entry header + encoded key, at most
 * TT_KEY_MAX bytes), a bucket array of at most the next power of two above
 * 2 * max_terms pointers, and a doubly linked list in touch order: at
 * max_terms the least recently touched term is evicted in O(1) and counted.
 * Touch order approximates "least recently seen": an out-of-order event
 * moves its term to the young end although its last_seen may not change.
 *
 * Hashing is SipHash-2-4 with a random key per table (siphash.h): terms are
 * attacker-chosen paths.
 *
 * Key encoding (tt_key_put): for each value, one tag byte (0 unknown: an
 * absent or empty value, newterms.h; 1 present); a present value follows as
 * LEB128 length, the bytes and a NUL (so a decoded kme_str keeps
 * p[len] == '\0'). The number of values is fixed per table, so the encoding
 * is unambiguous for arbitrary bytes; the Redis store hashes it into its
 * keys (redisstore.h), so an unknown value has one key there too.
 *
 * Sightings since the last tt_mark_clean() are counted per term (pending),
 * so that a backend that shares the history elsewhere (a fleet store) can
 * push what was decided locally, a slice at a time if it likes: the table
 * keeps one walk that survives changes between its steps (tt_walk_start).
 *
 * Errors: -1 with err filled (messages begin "new-terms store: "). Not
 * thread-safe.
 */
#ifndef KME_TERMTAB_H
#define KME_TERMTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "term.h"

#define TT_KEY_MAX (32u << 10)   /* encoded bytes of one term */

struct tt_table;

/* The table's counters. */
struct tt_stats {
	size_t terms;         /* terms held now */
	uint64_t evicted;     /* dropped because max_terms was reached */
	uint64_t expired;     /* pruned by tt_expire */
};

/* A table for terms of nfields values (1..NT_MAX_FIELDS), a window
 * >= 0 and at most max_terms terms (0 is taken as 1). NULL with err set on
 * bad arguments or ENOMEM. */
struct tt_table *tt_new(size_t nfields, int64_t window, size_t max_terms,
			struct kme_err *err);
void tt_free(struct tt_table *t);

/* Report in *seen what was known of term before this sighting, then record
 * a sighting at time `when`. -1 (seen->is_new set: the caller alerts) for a
 * term with a number of values other than the table's, a term longer than
 * TT_KEY_MAX encoded bytes, or ENOMEM. */
int tt_check_touch(struct tt_table *t, const struct nt_term *term,
		   int64_t when, struct nt_seen *seen, struct kme_err *err);

/* Drop every term whose last_seen < now - window; returns how many (also
 * counted in stats.expired). O(terms). */
size_t tt_expire(struct tt_table *t, int64_t now);

/* The same from the least recently touched end only, stopping at the first
 * term still inside the window: O(expired + 1). Touch order is time order
 * but for events delivered out of order, so a term this leaves behind is
 * one that a later out-of-order sighting touched: it still decides right
 * (check_touch compares last_seen) and goes at the next tt_expire or
 * eviction. For callers that must not scan every term (the plugin's
 * periodic save). */
size_t tt_expire_oldest(struct tt_table *t, int64_t now);

/* A new window (>= 0) and max_terms (0 is taken as 1) for a table in use
 * (a reload that keeps the history): beyond the new max_terms, the least
 * recently touched terms are evicted and counted. O(evicted). */
void tt_retune(struct tt_table *t, int64_t window, size_t max_terms);

/* Drop every term (counters are kept; high water is reset). */
void tt_clear(struct tt_table *t);

void tt_stats(const struct tt_table *t, struct tt_stats *out);

/* The latest time the table has seen (sightings and added terms); INT64_MIN
 * when none. A backend expires at this time, not the wall clock, so that a
 * replay of old logs keeps what live would have kept. */
int64_t tt_high_water(const struct tt_table *t);

size_t tt_nfields(const struct tt_table *t);
int64_t tt_window(const struct tt_table *t);
size_t tt_max_terms(const struct tt_table *t);

/* ---- loading from storage ---------------------------------------------- */

/* Append one value of a term to key (p NULL or len 0: unknown). -1 when key's bound
 * is reached (build keys in a buffer bounded to TT_KEY_MAX) or ENOMEM. */
int tt_key_put(struct kme_buf *key, const char *p, size_t len);

/* Make room for about n terms (never beyond max_terms): spares rehashes
 * when the count is known in advance. Failure only costs speed. */
void tt_reserve(struct tt_table *t, size_t n);

/* Add a stored term: key holds nfields values built with tt_key_put.
 * Terms are added as the most recently touched, so adding oldest first
 * restores the eviction order; at max_terms the oldest is evicted (and
 * counted). The term is not pending. Returns 0; 1 when the table already
 * holds the term (nothing changed); -1 on ENOMEM. first <= last and
 * count >= 1 are the caller's to check. */
int tt_add(struct tt_table *t, const char *key, size_t keylen, int64_t first,
	   int64_t last, uint64_t count);

/* ---- walking ------------------------------------------------------------- */

struct tt_item {
	struct nt_term term;      /* borrowed from the table */
	const char *key;          /* the term encoded (tt_key_put), borrowed */
	size_t keylen;
	int64_t first, last;
	uint64_t count;           /* all sightings known */
	uint32_t pending;         /* sightings since the last tt_mark_clean */
};

struct tt_iter {
	const void *next;
	size_t nfields;
};

/* Walk the terms from the least to the most recently touched. The table
 * must not change during the walk. */
void tt_iter_init(const struct tt_table *t, struct tt_iter *it);
bool tt_iter_next(struct tt_iter *it, struct tt_item *out);

/* Call fn for every term, least recently touched first (a store's
 * foreach). */
void tt_foreach(const struct tt_table *t,
		void (*fn)(void *arg, const struct nt_term *term,
			   int64_t first_seen, int64_t last_seen,
			   uint64_t count),
		void *arg);

/* Terms with pending sightings, and forgetting them (after a push). */
size_t tt_pending_terms(const struct tt_table *t);
void tt_mark_clean(struct tt_table *t);

/* ---- the walk of a sliced push ------------------------------------------ */

/* The table's one walk, which the table may change under (touches, new
 * terms, evictions, expiry, tt_clear) between its steps: it visits the
 * terms from the least to the most recently touched; a term touched or
 * added after the walk passed it (it moves to the young end) is visited
 * again; a term dropped before its visit is not. So when tt_walk_next
 * says the end, every term held has been visited since its last touch.
 * Starting again restarts from the oldest. O(1) per step; costs the
 * table one pointer, nothing per term. */
void tt_walk_start(struct tt_table *t);
void tt_walk_stop(struct tt_table *t);
/* The next term into *out, its pending sightings taken: out->pending
 * says how many (0 for a term with none), the term has none left. false
 * at the end (the walk stays open: a later touch is visited). out
 * borrows from the table until it next changes. */
bool tt_walk_next(struct tt_table *t, struct tt_item *out);

/* A new table holding every term of t, in the same order, and t left
 * empty (its counters, walk and settings kept): a table to empty later,
 * a slice at a time (tt_shed). O(1); NULL on ENOMEM (t unchanged). */
struct tt_table *tt_split(struct tt_table *t);

/* Drop up to n terms, the least recently touched first (not counted as
 * evicted or expired: a table emptied a slice at a time). Returns how
 * many are left. O(n). */
size_t tt_shed(struct tt_table *t, size_t n);

/* Give back n pending sightings of the term whose key (tt_key_put, as
 * tt_item's) is key: a push taken from the walk that did not reach its
 * destination. false (nothing changed) when the table no longer holds
 * the term (evicted or expired since: counted as such). O(key). */
bool tt_restore_pending(struct tt_table *t, const char *key, size_t keylen,
			uint32_t n);

#endif
