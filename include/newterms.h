/* newterms.h - the new-terms history: has this term been seen lately?
 *
 * A term is the tuple of the configured new_terms_fields of an exec event
 * (default: process.executable, process.parent.executable). An absent field
 * is a value of its own ("unknown parent" is a term; a documented deviation
 * from Kibana, which skips such documents).
 *
 * Stream semantics of Kibana's new_terms rule: an event at time t is new iff
 * its term was not seen in [t - window, t); every call refreshes the term's
 * last-seen time (to max(last_seen, t)), so times are event times and a replay
 * decides as live would have.
 *
 * The store is an interface so that a fleet-wide backend can replace the local
 * file; nt_store_file is the one backend today.
 */
#ifndef KME_NEWTERMS_H
#define KME_NEWTERMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "err.h"
#include "kme.h"

/* What the store knew of a term before this sighting. */
struct nt_seen {
	bool known;           /* the term was in the store (any age) */
	bool is_new;          /* alert-worthy: not seen in [t - window, t) */
	int64_t first_seen;   /* valid when known */
	int64_t last_seen;    /* valid when known: previous last-seen time */
	uint64_t count;       /* sightings before this one */
};

/* Counters of a store, for the summary line. */
struct nt_stats {
	size_t terms;         /* terms held now */
	uint64_t evicted;     /* terms dropped because max_terms was reached */
	uint64_t expired;     /* terms pruned as older than the window */
	uint64_t saves;       /* successful saves */
	uint64_t save_errors; /* failed saves (the previous file is intact) */
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
};

struct nt_store {
	const struct nt_store_ops *ops;
};

/* Build the term of ex for the configured fields. Values borrow from ex.
 * A numeric field (user.id) is formatted into `scratch` (>= 16 bytes per
 * numeric field; 64 bytes suffice for any config). */
void nt_term_of(const struct kme_config *cfg, const struct kme_exec *ex,
		struct nt_term *term, char *scratch, size_t scratch_size);

/* A store backed by a JSON state file (yajl), or memory only when path is
 * NULL. window, max_terms and the identity (rule id + version + term field
 * names) come from cfg: a file written under another identity is not reused.
 *
 * Opening loads the file when it exists. A file that is unreadable as state
 * (garbage, oversized, wrong identity) is not an error: it is renamed aside to
 * PATH.bad-<unixtime> (PATH.old-<unixtime> when it is valid state of another
 * rule id, rule version or field list), the store starts empty, and `notice`
 * says so (empty string when all went well; a file holding more than
 * max_terms terms keeps the most recent ones, also with a notice). A state directory that does not exist is
 * created 0700. A symlink at the state path or its temp file is never
 * followed. Returns NULL and fills err on errors that make the store unusable
 * (e.g. a group/world-writable state directory).
 *
 * save(): writes PATH.tmp (O_NOFOLLOW|O_EXCL, 0600), fsyncs, renames over
 * PATH, fsyncs the directory. */
struct nt_store *nt_store_file_open(const char *path,
				    const struct kme_config *cfg,
				    char *notice, size_t notice_size,
				    struct kme_err *err);

/* The same store, for reading only (--dump-state): nothing is created,
 * renamed or written; a file unusable as state is reported in notice and
 * left in place; save() fails. */
struct nt_store *nt_store_file_open_ro(const char *path,
				       const struct kme_config *cfg,
				       char *notice, size_t notice_size,
				       struct kme_err *err);

/* Convenience wrappers over s->ops. */
int nt_check_touch(struct nt_store *s, const struct nt_term *term, int64_t t,
		   struct nt_seen *seen, struct kme_err *err);
size_t nt_expire(struct nt_store *s, int64_t now);
int nt_save(struct nt_store *s, struct kme_err *err);
void nt_stats(const struct nt_store *s, struct nt_stats *out);
void nt_destroy(struct nt_store *s);

#endif
