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
 * Argument conditions see every argument, not only the stored ones: the
 * exec decoder is given rule_argset()'s values and reports which of them it
 * saw anywhere in argv (kme_args.seen); stored arguments are compared too,
 * for events built without a watch set.
 *
 * event_action: every exec this plugin sees is event.action "exec"
 * (RULE_EVENT_ACTION); a config whose event_action list lacks it matches
 * nothing.
 *
 * Hardened match (match_multicall = yes): an exec whose resolved binary
 * (SYSCALL exe) is one of multicall_binary is judged by what that binary
 * will do, dispatched as the binary dispatches (kmod: basename(argv[0]) is
 * the tool, "kmod" runs argv[1]'s command; busybox: basename(argv[0]) minus
 * a leading '-' is the applet, "busybox" runs basename(argv[1]) with
 * argv[1..]); the match lines then apply to that tool name and those
 * arguments. In live mode the engine also sets ex->same_file_as when the
 * executed file is one of them by device and inode (a hard link under
 * another name: multicall.h). It is tried only when the plain match (on
 * process.name) fails;
 * res->multicall says it decided. A renamed copy of a binary is not its
 * path: it is not seen (README, "Profiles").
 *
 * Pure functions of their inputs: no I/O, no allocation except
 * rule_argset_new. Cost O(matches * args-per-match * watched values +
 * exclusions) per call, plus a scan of the stored arguments when an event has
 * no watch set. exclude_user by name compares ex->user_name (the record's
 * ENRICHED name, or the engine's lookup in plugin mode): an event without a
 * name is not excluded by name.
 */
#ifndef KME_RULE_H
#define KME_RULE_H

#include "cfg.h"
#include "err.h"
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
	/* Why, for rule_describe (facts of the event, not decisions): */
	const char *arg;                /* the argument that met the condition */
	/* The hardened match decided (match_multicall): */
	bool multicall;
	const struct cfg_multicall *mc; /* the binary (borrowed from cfg) */
	struct kme_str run_as;          /* basename(argv[0]) it was run under */
	struct kme_str tool;            /* what it dispatched to ("lsmod") */
	bool same_file;                 /* found by device and inode (live:
					   ex->same_file_as), not by exe */
	bool arg_unstored;              /* ... seen only beyond the stored ones */
	size_t argc, stored;            /* real and stored argument counts */
	bool exe_resolved, parent_exe_resolved; /* see kme_proc */
	bool dots;                      /* an executable holds "." or ".."
					   components, kept as executed */
	enum kme_parent_note parent_note;
	int32_t parent_pid, parent_creator;
};

/* Evaluate cfg's rule on ex (including ex->parent). Failed execs
 * (ex->success false) never match: they are not process starts. */
void rule_eval(const struct kme_config *cfg, const struct kme_exec *ex,
	       struct rule_result *res);

/* The distinct argument values of cfg's match lines, for the exec decoder
 * (ev_builder_watch). out->v is allocated (rule_argset_free), its strings
 * borrowed from cfg. -1 with err set on ENOMEM. O(values^2). */
int rule_argset_new(const struct kme_config *cfg, struct kme_argset *out,
		    struct kme_err *err);
void rule_argset_free(struct kme_argset *set);

/* Cheap pre-check used before a parent lookup: could an exec whose
 * process.name is `name` ever match? O(matches). */
bool rule_watches_name(const struct kme_config *cfg, struct kme_str name);

/* The same for a whole exec: its name, or (match_multicall) its resolved
 * binary. O(matches + multicall binaries). */
bool rule_watches(const struct kme_config *cfg, const struct kme_exec *ex);

#define RULE_EVENT_ACTION "exec"

/* The multicall binary entry for a resolved exe, or NULL. O(binaries). */
const struct cfg_multicall *rule_multicall_of(const struct kme_config *cfg,
					      struct kme_str exe);

/* Describe res in one line for --explain, e.g.
 * "excluded by exclude_parent_name 'dkms' (<built-in>:40)", followed by what
 * the decision rested on when it is not plain: "; 'list' is beyond the 262144
 * stored arguments (argc 270002)", "; process.executable is the resolved exe
 * (the path as run could not be made absolute)", "; paths kept as executed:
 * '..' is not collapsed", "; parent pid N is a fork of pid M ...".
 * Writes at most size bytes including the NUL; returns buf. */
const char *rule_describe(const struct rule_result *res, char *buf, size_t size);

#endif
