/* newterms.h - the new-terms history: has this term been seen lately?
 * The store interface every backend implements, the term of an event, and
 * the simplest backend, memory only (plugin/newterms.c, prefix nt_).
 *
 * A term is the tuple of the configured new_terms_fields of an exec event
 * (default: process.executable, process.parent.executable). An absent field
 * is a value of its own ("unknown parent" is a term; a documented deviation
 * from Kibana, which skips such documents).
 *
 * The unknown value: a field the event has no value for (an unknown parent,
 * an unset uid), or whose value is empty (an empty name is no name: no known
 * value is ever ""). All unknown values of a field are one value, equal to
 * no string, the same everywhere: absent or empty here, tag 0 in the term
 * encoding (termtab.h) -- what the Redis store hashes into its keys and
 * keeps in its hashes -- and written "" in every JSON and listing: the
 * alert's new_terms.values, the state file (which also reads the null of
 * its versions 1 and 2), --dump-state.
 *
 * Stream semantics of Kibana's new_terms rule: an event at time t is new iff
 * its term was not seen in [t - window, t); every call refreshes the term's
 * last-seen time (to max(last_seen, t)), so times are event times and a replay
 * decides as live would have. Every time here (t, first/last seen, the
 * window) is in milliseconds since the epoch: the event's audit stamp
 * sec * 1000 + msec.
 *
 * The store is an interface so that a fleet-wide backend can replace the local
 * file. Every backend keeps its terms in a term table (termtab.h), which
 * holds the semantics above. The backends, bottom up:
 *   memory     nt_store_memory_open (here): the history of one run;
 *   state file statefile.h: a table persisted in a crash-safe JSON file;
 *   Redis      redisstore.h: shared by a fleet, a local table as fallback.
 * Which one a run uses is history.h's decision.
 *
 * Error contract, for every backend: check_touch returns -1 only on ENOMEM
 * or for a term it can never hold (over 32 KiB encoded, or with a number of
 * values other than the store's fields); the event then counts as new.
 * Everything else a backend meets (a shared store down, refusing, or
 * holding another term at this term's key) is decided inside it, as a
 * value: seen says what it decided, its stats count what went wrong.
 */
#ifndef KME_NEWTERMS_H
#define KME_NEWTERMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
#include "err.h"
#include "kme.h"
#include "term.h"

struct tt_table;

/* A tick's share of the plugin's input loop (nt_tick's budget). */
#define NT_TICK_BUDGET 5          /* ms */

/* Counters of a store, for the summary line. */
struct nt_stats {
	size_t terms;         /* terms held now */
	uint64_t evicted;     /* terms dropped because max_terms was reached */
	uint64_t expired;     /* terms pruned as older than the window */
	uint64_t saves;       /* successful saves */
	uint64_t save_errors; /* failed saves (the previous file is intact) */
	/* A shared store (redisstore.h); zero for the others. */
	bool shared;
	uint64_t fallbacks;   /* sightings decided locally (store down) */
	uint64_t errors;      /* failed connects, commands, pushes; keys
	                       * held by another term */
	uint64_t pushed;      /* locally decided terms pushed when back */
	uint64_t dropped;     /* sightings lost: the local queue overflowed */
};

struct nt_store;

struct nt_store_ops {
	/* Look up term, report what was known in *seen, then record a sighting
	 * at t. -1 (with err) only on ENOMEM, or for a term over 32 KiB or
	 * with a number of values other than the store's fields: seen->is_new
	 * is then set (the event alerts). Never -1 for a backend's own
	 * trouble (see the error contract above). */
	int (*check_touch)(struct nt_store *s, const struct nt_term *term,
			   int64_t t, struct nt_seen *seen, struct kme_err *err);
	/* Drop terms whose last_seen < now - window. Returns how many. O(terms). */
	size_t (*expire)(struct nt_store *s, int64_t now);
	/* Persist (no-op for memory stores). On failure the previous persisted
	 * copy is intact. O(terms) and does I/O: never call per event. */
	int (*save)(struct nt_store *s, struct kme_err *err);
	/* Optional (NULL: save is the only way, and cheap or done in tick):
	 * start persisting without waiting for the I/O (the file store forks
	 * a child that writes a copy-on-write snapshot: bgsave.h). 0 started,
	 * 1 when one is already running (another follows once it ends), -1
	 * with err when none could start (the caller may save()). O(expired)
	 * plus a fork on the caller's path. */
	int (*save_background)(struct nt_store *s, struct kme_err *err);
	/* Optional (NULL: none): the store's work between reads of its input,
	 * from the plugin's housekeeping. The file store reaps a background
	 * save and starts the one asked for meanwhile; the Redis store
	 * reconnects and pushes its local decisions, a slice at a time. Takes
	 * at most budget_ms of the caller's time (measured: it never waits for
	 * a server or the disk beyond it, and checks the clock as it works;
	 * the scheduler aside). 1 while work is under way that another call
	 * would advance (call again soon), 0 when idle until something
	 * happens, -1 with err when something failed that must be said (a
	 * background save: counted in save_errors, the previous file
	 * intact). */
	int (*tick)(struct nt_store *s, int64_t budget_ms, struct kme_err *err);
	/* Optional: is a background save running? */
	bool (*saving)(const struct nt_store *s);
	void (*stats)(const struct nt_store *s, struct nt_stats *out);
	/* Visit every term (for --dump-state). Order unspecified. */
	void (*foreach)(const struct nt_store *s,
			void (*fn)(void *arg, const struct nt_term *term,
				   int64_t first_seen, int64_t last_seen,
				   uint64_t count),
			void *arg);
	void (*destroy)(struct nt_store *s);
};

struct nt_store {
	const struct nt_store_ops *ops;
};

/* Build the term of ex for the configured fields. Values borrow from ex.
 * A numeric field (user.id) is formatted into `scratch` (>= 16 bytes per
 * numeric field; 64 bytes suffice for any config). */
void nt_term_of(const struct kme_config *cfg, const struct kme_exec *ex,
		struct nt_term *term, char *scratch, size_t scratch_size);

/* A store in memory only (termtab.h): the history of one run; save() does
 * nothing and succeeds. NULL with err set on a config the table refuses,
 * or ENOMEM. */
struct nt_store *nt_store_memory_open(const struct kme_config *cfg,
				      struct kme_err *err);

/* The same over the table tt, which the store now owns (also on failure:
 * NULL with err on ENOMEM, tt freed). For a history read from elsewhere
 * into a table (redisadmin.h's listing). */
struct nt_store *nt_store_memory_of(struct tt_table *tt, struct kme_err *err);

/* Convenience wrappers over s->ops. */
int nt_check_touch(struct nt_store *s, const struct nt_term *term, int64_t t,
		   struct nt_seen *seen, struct kme_err *err);
size_t nt_expire(struct nt_store *s, int64_t now);
int nt_save(struct nt_store *s, struct kme_err *err);
/* save_background when the store has one, else save (0 or -1). */
int nt_save_background(struct nt_store *s, struct kme_err *err);
/* tick when the store has one, else 0 (idle). */
int nt_tick(struct nt_store *s, int64_t budget_ms, struct kme_err *err);
bool nt_saving(const struct nt_store *s);
void nt_stats(const struct nt_store *s, struct nt_stats *out);
void nt_foreach(const struct nt_store *s,
		void (*fn)(void *arg, const struct nt_term *term,
			   int64_t first_seen, int64_t last_seen,
			   uint64_t count),
		void *arg);
void nt_destroy(struct nt_store *s);

#endif
