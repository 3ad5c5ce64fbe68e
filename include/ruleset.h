/* ruleset.h - the rules one engine runs, each with its own history and
 * alert counter (plugin/ruleset.c, prefix rl_).
 *
 * A configuration holds one rule or more (cfg.h, "Several rules"): rule 0
 * is the first (exec or file_open), the others watch files. Each rule
 * decides alone -- its match, exclusions, new-terms fields, window, history
 * (state file or Redis namespace: its own, history.h) and max_alerts per
 * alert_interval -- so the same event may be an alert of one rule and a
 * repeat of another. The engine (engine.h) dispatches each event to the
 * rules that watch its kind; this module holds their state.
 *
 * Histories are the caller's (rl_set_store), borrowed; a rule given none
 * keeps one in memory (made at its first use, owned here): a replay without
 * a state file, or a test. Rate limits restart when the rules are rebuilt
 * (a reload), as the single rule's always did.
 *
 * Cost: O(rules) per call; rl_init allocates nothing but what it is told
 * to hold. Errors: none but ENOMEM of a memory history (rl_store). Rate
 * limit reports go to the log (log.h), prefixed with the rule's name.
 */
#ifndef KME_RULESET_H
#define KME_RULESET_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"
#include "err.h"
#include "limit.h"
#include "newterms.h"

#define RL_MAX_KEYS 32           /* audit keys of all file rules */

struct rl_rule {
	const struct kme_config *cfg;  /* borrowed */
	struct nt_store *store;        /* its history: the caller's, or own */
	struct nt_store *own;          /* the memory history made here */
	struct lim_state lim;          /* its alerts per interval */
	const struct lim_shared *rate; /* the fleet's counter, or NULL */
	bool said_full;                /* its history's first eviction said */
};

struct rl_set {
	struct rl_rule r[CFG_MAX_RULES];
	size_t n;
	size_t nfile;                  /* file_open rules among them */
	const char *keys[RL_MAX_KEYS]; /* the audit keys they watch (borrowed
					  from the config) */
	size_t nkeys;
	bool proof;                    /* a rule wants its exclusions proven
					  (trusted_exclusions, trust.h) */
};

/* The rules of cfg (rule 0 and its added rules). A rule of the same name
 * as one s held before (the first rule: the first) keeps the history and
 * counter it was given, until rl_set_store; the others have none yet.
 * Memory histories made here are freed. s must be zeroed before its
 * first rl_init; the configuration s held must still be alive (its names
 * are compared). */
void rl_init(struct rl_set *s, const struct kme_config *cfg);

/* Rule i's history and the fleet's alert counter (NULL: counted here).
 * Out of range: ignored. */
void rl_set_store(struct rl_set *s, size_t i, struct nt_store *store,
		  const struct lim_shared *rate);

/* Rule r's history: the one set, else one in memory (made now). NULL with
 * err on ENOMEM. */
struct nt_store *rl_store(struct rl_rule *r, struct kme_err *err);

/* Free the memory histories made here. */
void rl_free(struct rl_set *s);

/* The histories' counters, summed over the rules. */
void rl_stats(const struct rl_set *s, struct nt_stats *sum);

/* "rule NAME: " for an added rule, "" for the first: a prefix for the
 * rule's messages. */
const char *rl_prefix(const struct rl_rule *r, char *buf, size_t size);

/* The first eviction from rule r's full history, said once per rule (a
 * rule that a reload keeps stays said): anyone who can run programs can
 * fill a history (each new parent path of lsmod is a new term), and an
 * administrator must learn that it happens (term_evictions counts every
 * eviction; an evicted term alerts again when next seen). Cheap: one
 * stats call, none once said. */
void rl_note_full(struct rl_rule *r);

/* Log each rule's alerts over max_alerts in an interval that has ended
 * (every interval's at_exit), once (limit.h's reports). */
void rl_report_limits(struct rl_set *s, bool at_exit);

#endif
