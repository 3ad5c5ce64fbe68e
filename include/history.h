/* history.h - the new-terms history a run asks for, opened in one place
 * (plugin/history.c, prefix hist_): which store (memory, the state file,
 * Redis) the mode, the options and the configuration choose, how it is
 * opened, and what goes with it (the fleet's alert counter, the Redis
 * connection both share).
 *
 * The choice, by use:
 *   Redis when --store gives a URL, or new_terms_store does (except in
 *   replay, which shares history only when told with --store):
 *     plugin, replay   the shared store (redisstore.h), falling back
 *                      locally while Redis does not answer, and the
 *                      fleet's alert counter (redisrate.h); the plugin's
 *                      store reconnects and pushes in slices (RS_SLICED:
 *                      nt_tick between reads), replay's as it decides
 *                      (RS_BLOCKING);
 *     learn            the shared store, write-behind; Redis must answer;
 *     dump             a listing of the shared history (redisadmin.h);
 *                      Redis must answer;
 *     migrate          the connection only (hist_migrate); Redis must
 *                      answer.
 *   Otherwise the state file (statefile.h): --state, else state_file;
 *     plugin, learn    the file, locked (a reload takes over prev's lock);
 *     replay           the file when --state is given, else memory only;
 *     dump             the file read only;
 *     migrate          refused: it needs a Redis store.
 * A mode that writes to a state file that is not configured (no path)
 * keeps its history in memory.
 *
 * Ownership: the history owns its store, counter and connection and
 * borrows cfg and the strings of its hist_opts, which must outlive it (a reload opens a new history for the
 * new configuration, then closes the old one). Errors: NULL or -1 with
 * err filled, the caller decides; messages are the stores'. Cost: opening
 * loads the state file or, for a dump, lists Redis (O(terms)).
 */
#ifndef KME_HISTORY_H
#define KME_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"
#include "err.h"
#include "limit.h"
#include "newterms.h"

enum hist_use {
	HIST_PLUGIN = 0,  /* the plugin: records from auditd */
	HIST_REPLAY,      /* --replay */
	HIST_LEARN,       /* --learn */
	HIST_DUMP,        /* --dump-state */
	HIST_MIGRATE,     /* --migrate-state */
};

struct hist_opts {
	enum hist_use use;
	const char *state;        /* --state FILE, or NULL */
	const char *store;        /* --store URL (or "file"), or NULL */
	/* When the history asked for cannot be opened, say why (log.h) and
	 * keep it in memory instead of failing (the plugin's start: auditd
	 * would only restart it to fail again). */
	bool memory_fallback;
};

struct history;

/* The history o asks for under cfg. prev: the running history (a reload;
 * NULL at start), whose state file lock passes on when the file is the
 * same. NULL with err filled. */
struct history *hist_open(const struct hist_opts *o,
			  const struct kme_config *cfg, struct history *prev,
			  struct kme_err *err);

/* Close without saving (nt_save first when that is wanted); a Redis store
 * pushes what it decided locally while its connection is up. NULL is
 * fine. */
void hist_close(struct history *h);

/* The store (NULL for HIST_MIGRATE, which has none). */
struct nt_store *hist_store(const struct history *h);

/* The fleet's alert counter for limit.h, NULL when alerts are counted by
 * this process alone. */
const struct lim_shared *hist_rate(const struct history *h);

/* Where the history lives, for messages: the Redis URL (password masked)
 * or the state file's path. */
const char *hist_where(const struct history *h);

/* --migrate-state: every term of the state file at path (read only),
 * merged into the Redis history h; *n terms sent. 0, or -1 with err. */
int hist_migrate(struct history *h, const char *path, size_t *n,
		 struct kme_err *err);

#endif
