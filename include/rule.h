/* rule.h - the detection rule: does this exec match, and is it excluded?
 *
 * Semantics are KQL on keyword fields (see rule.md): exact, case-sensitive
 * comparisons; an argument condition holds when any argv element (argv[0]
 * included) equals one of the listed values; globs are fnmatch() without
 * FNM_PATHNAME so `*` also matches `/`; an absent field never satisfies an
 * exclusion ("not (...)" on a missing field is true).
 *
 * Parent names known only as a 15-byte kernel comm (parent.name_is_comm): an
 * excluded name longer than 15 bytes matches on its first 15 bytes, so
 * "whoopsie-upload-all" excludes a parent whose comm is "whoopsie-upload".
 *
 * Pure functions of their inputs: no allocation, no I/O. Cost O(matches +
 * exclusions * argc) per call. One exception: exclude_user by name, on an
 * event without user_name, resolves ex->uid with getpwuid_r() (NSS, may do
 * I/O); this happens only for events that already matched a program.
 */
#ifndef KME_RULE_H
#define KME_RULE_H

#include "cfg.h"
#include "kme.h"

enum rule_verdict {
	RULE_NO_MATCH = 0,  /* not a watched program (or condition unmet) */
	RULE_MATCH,         /* matched and no exclusion applies */
	RULE_EXCLUDED,      /* matched, but an exclusion applies */
};

struct rule_result {
	enum rule_verdict verdict;
	const struct cfg_match *match;  /* the entry that matched, or NULL */
	const struct cfg_excl *excl;    /* the exclusion that applied, or NULL */
};

/* Evaluate cfg's rule on ex (including ex->parent). Failed execs
 * (ex->success false) never match: they are not process starts. */
void rule_eval(const struct kme_config *cfg, const struct kme_exec *ex,
	       struct rule_result *res);

/* Cheap pre-check used before a parent lookup: could an exec whose
 * process.name is `name` ever match? O(matches). */
bool rule_watches_name(const struct kme_config *cfg, struct kme_str name);

/* Describe res in one line for --explain, e.g.
 * "excluded by exclude_parent_name 'dkms' (<built-in>:40)".
 * Writes at most size bytes including the NUL; returns buf. */
const char *rule_describe(const struct rule_result *res, char *buf, size_t size);

#endif
