/* newterms.h - the new-terms history: has this term been seen lately?
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
 * holds the semantics above; the state file (statefile.c) persists one.
 */
#ifndef KME_NEWTERMS_H
#define KME_NEWTERMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
#include "err.h"
#include "kme.h"

/* What the store knew of a term before this sighting. */
struct nt_seen {
	bool known;           /* the term was in the store (any age) */
	bool is_new;          /* alert-worthy: not seen in [t - window, t) */
	int64_t first_seen;   /* valid when known */
	int64_t last_seen;    /* valid when known: previous last-seen time */
	uint64_t count;       /* sightings before this one */
	bool local;           /* a shared store decided without the shared
	                       * history (Redis unreachable: local fallback) */
};

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
	uint64_t errors;      /* failed connects, commands, pushes */
	uint64_t pushed;      /* locally decided terms pushed when back */
	uint64_t dropped;     /* sightings lost: the local queue overflowed */
};

/* The term values of one event, borrowed from the event. */
struct nt_term {
	struct kme_str v[CFG_MAX_TERM_FIELDS];
	size_t n;
};

struct nt_store;

struct nt_store_ops {
	/* Look up term, report what was known in *seen, then record a sighting
	 * at t. -1 only on ENOMEM, or for a term over 32 KiB or with a number
	 * of values other than the store's fields (the event is then treated
	 * as new: seen->is_new is set). */
	int (*check_touch)(struct nt_store *s, const struct nt_term *term,
			   int64_t t, struct nt_seen *seen, struct kme_err *err);
	/* Drop terms whose last_seen < now - window. Returns how many. O(terms). */
	size_t (*expire)(struct nt_store *s, int64_t now);
	/* Persist (no-op for memory stores). On failure the previous persisted
	 * copy is intact. O(terms) and does I/O: never call per event. */
	int (*save)(struct nt_store *s, struct kme_err *err);
	void (*stats)(const struct nt_store *s, struct nt_stats *out);
	/* Visit every term (for --dump-state). Order unspecified. */
	void (*foreach)(const struct nt_store *s,
			void (*fn)(void *arg, const struct nt_term *term,
				   int64_t first_seen, int64_t last_seen,
				   uint64_t count),
			void *arg);
	void (*destroy)(struct nt_store *s);
	/* Optional (NULL: none): the rate limit shared by the fleet. 0 with
	 * *allowed set, or -1 when the store cannot decide now (the caller
	 * then limits locally). Counts the alert either way. */
	int (*rate_allow)(struct nt_store *s, int64_t t, bool *allowed);
};

struct nt_store {
	const struct nt_store_ops *ops;
};

/* Build the term of ex for the configured fields. Values borrow from ex.
 * A numeric field (user.id) is formatted into `scratch` (>= 16 bytes per
 * numeric field; 64 bytes suffice for any config). */
void nt_term_of(const struct kme_config *cfg, const struct kme_exec *ex,
		struct nt_term *term, char *scratch, size_t scratch_size);

/* A store in memory only (termtab.h): the history of one run. NULL with
 * err set on a config the table refuses, or ENOMEM. */
struct nt_store *nt_store_memory_open(const struct kme_config *cfg,
				      struct kme_err *err);

/* The store backed by the JSON state file at path (statefile.c; the same
 * as nt_store_memory_open when path is NULL). window, max_terms and the
 * identity (rule id + version + term field names) come from cfg.
 *
 * In this order, and nothing is changed before the lock is held:
 *   1. the state directory is opened (created 0700 when missing) and must
 *      be ours alone: else NULL with err ("refusing state directory");
 *   2. the lock PATH.lock is taken (flock, never through a symlink) and
 *      held until nt_destroy: when another process holds it, NULL with err
 *      ("in use by another audisp-kmod-enum") and nothing touched; when no
 *      lock file can be made (a read-only directory, where nothing can be
 *      saved either) the store goes on unlocked, with a warning logged;
 *      when prev (may be NULL) is a file store holding the lock of this
 *      same file, the lock passes from prev to the new store (a reload)
 *      once the open succeeds: prev must then be destroyed, not saved;
 *   3. the file is loaded when it exists. A file that is not usable as
 *      state (garbage, a symlink, not a regular file, oversized) is renamed
 *      aside to PATH.bad-<unixtime>, valid state of another rule id, rule
 *      version, field list or format to PATH.old-<unixtime>, the store
 *      starts empty and a warning is logged (log.h); so is keeping only the
 *      most recent max_terms terms of a larger file.
 * NULL with err on errors that make the store unusable.
 *
 * save(): expires at the latest event time seen, then replaces PATH
 * through safefile.h (PATH.tmp, fsync, rename, fsync of the directory):
 * on failure the previous file is intact. */
struct nt_store *nt_store_file_open(const char *path,
				    const struct kme_config *cfg,
				    struct nt_store *prev,
				    struct kme_err *err);

/* The same store, for reading only (--dump-state): no lock is taken and
 * nothing is created, renamed or written; a file unusable as state is
 * reported (log.h) and left in place; save() fails. */
struct nt_store *nt_store_file_open_ro(const char *path,
				       const struct kme_config *cfg,
				       struct kme_err *err);

/* Convenience wrappers over s->ops. */
int nt_check_touch(struct nt_store *s, const struct nt_term *term, int64_t t,
		   struct nt_seen *seen, struct kme_err *err);
size_t nt_expire(struct nt_store *s, int64_t now);
int nt_save(struct nt_store *s, struct kme_err *err);
void nt_stats(const struct nt_store *s, struct nt_stats *out);
void nt_foreach(const struct nt_store *s,
		void (*fn)(void *arg, const struct nt_term *term,
			   int64_t first_seen, int64_t last_seen,
			   uint64_t count),
		void *arg);
void nt_destroy(struct nt_store *s);
/* -1 when s has no shared rate limit or cannot decide now. */
int nt_rate_allow(struct nt_store *s, int64_t t, bool *allowed);

#endif
