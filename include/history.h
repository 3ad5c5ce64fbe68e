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

/* The history o asks for under cfg: one per rule of cfg (cfg_rule order),
 * each its own (an added rule's --state FILE is FILE.NAME; --migrate-state
 * takes the first rule's only). prev: the running history (a reload; NULL
 * at start): each rule's state file store takes over the running one of
 * the rule of the same name (its lock, and its table when the file and
 * identity are the same: statefile.h), or has it saved first; what the
 * running rules that no new rule takes over learned is saved. NULL with
 * err filled (every rule's history or none). */
struct history *hist_open(const struct hist_opts *o,
			  const struct kme_config *cfg, struct history *prev,
			  struct kme_err *err);

/* Close every rule's history without saving (hist_save first when that is
 * wanted); a Redis store pushes what it decided locally while its
 * connection is up. NULL is fine. */
void hist_close(struct history *h);

/* Rule i's history (0: h itself), NULL past the last. hist_store,
 * hist_rate and hist_where of it are that rule's. */
struct history *hist_rule(const struct history *h, size_t i);

/* nt_save every rule's history, each failure said (log.h, the stores'
 * messages name their files). -1 when one failed (the others are still
 * saved). */
int hist_save(struct history *h);

/* Plugin mode, between reads: every rule's store's tick (nt_tick), within
 * budget_ms in all: each is given what the ones before it left; when none
 * is left the others come first at the next call. What a store says (a
 * background save that failed) is logged. True while a store has work
 * under way (call again soon). O(rules). */
bool hist_tick(struct history *h, int64_t budget_ms);

/* Start every rule's background save (nt_save_background); failures are
 * logged. */
void hist_save_background(struct history *h);

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
