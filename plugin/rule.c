/* rule.c - evaluate the configured rule on one exec event (see rule.h).
 *
 * Everything here compares bytes with their lengths: event strings are
 * attacker-chosen and may contain NUL bytes. Config strings are C strings
 * (the parser rejects control bytes), so strlen() is safe on them only.
 */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule.h"

static const char *const excl_key[CFG_EXCL__COUNT] = {
	[CFG_EXCL_PARENT_NAME] = "exclude_parent_name",
	[CFG_EXCL_PARENT_EXECUTABLE] = "exclude_parent_executable",
	[CFG_EXCL_EXECUTABLE] = "exclude_executable",
	[CFG_EXCL_USER] = "exclude_user",
	[CFG_EXCL_PARENT_ARGS] = "exclude_parent_args",
	[CFG_EXCL_ENTRY_LEADER_EXECUTABLE] = "exclude_entry_leader_executable",
};

/* fnmatch() sees a C string: a value with an embedded NUL would be judged
 * on its prefix only, so a binary value could be excluded by a pattern that
 * matches only its harmless-looking beginning. Such a value never matches. */
static bool glob_match(const char *pattern, struct kme_str s)
{
	if (s.p == NULL || memchr(s.p, '\0', s.len) != NULL)
		return false;
	return fnmatch(pattern, s.p, 0) == 0;
}

/* By name, the event's user_name: the record's own (ENRICHED) or, in
 * plugin mode for this host's events, the one the engine found without
 * waiting (idname.h). A name not known (yet) excludes nothing. */
static bool user_match(const struct cfg_excl *e, const struct kme_exec *ex)
{
	if (e->is_uid)
		return ex->uid != KME_ID_UNSET && ex->uid == e->uid;
	return ex->user_name.p != NULL && kme_str_is(ex->user_name, e->pattern);
}

/* Any stored argument of the parent (argv[0] included). Arguments beyond
 * what the process table stores (proctable.h) are not seen: they can only
 * fail to exclude, never exclude wrongly. */
static bool any_arg_match(const char *pattern, const struct kme_args *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (glob_match(pattern, a->v[i]))
			return true;
	return false;
}

static bool excl_applies(const struct cfg_excl *e, const struct kme_exec *ex)
{
	switch (e->kind) {
	case CFG_EXCL_PARENT_NAME:
		return kme_proc_named(&ex->parent, e->pattern);
	case CFG_EXCL_PARENT_EXECUTABLE:
		return glob_match(e->pattern, ex->parent.executable);
	case CFG_EXCL_EXECUTABLE:
		return glob_match(e->pattern, ex->proc.executable);
	case CFG_EXCL_USER:
		return user_match(e, ex);
	case CFG_EXCL_PARENT_ARGS:
		return any_arg_match(e->pattern, &ex->parent.args);
	case CFG_EXCL_ENTRY_LEADER_EXECUTABLE:
		/* Unknown (pid -1) never excludes. */
		return ex->entry_leader.proc.pid > 0 &&
		       glob_match(e->pattern, ex->entry_leader.proc.executable);
	case CFG_EXCL__COUNT:
		break;
	}
	return false;
}

/* Is val one of the arguments? The watch flags cover every argument, the
 * stored ones only what was stored: a value the decoder watched and did not
 * see is nowhere in argv. */
static bool arg_present(const struct kme_args *a, const char *val,
			bool *unstored)
{
	size_t i;
	bool seen = false;

	*unstored = false;
	if (a->watched != NULL && a->seen != NULL) {
		for (i = 0; i < a->watched->n; i++) {
			if (!kme_str_is(a->watched->v[i], val))
				continue;
			if (!a->seen[i])
				return false; /* in no argument at all */
			seen = true;
			break;
		}
	}
	for (i = 0; i < a->n; i++)
		if (kme_str_is(a->v[i], val))
			return true;
	*unstored = seen;
	return seen;
}

/* Any argv element (argv[0] included) equals any of the match's args. */
static bool args_match(const struct cfg_match *m, const struct kme_args *a,
		       struct rule_result *res)
{
	size_t j;
	bool unstored;

	if (m->nargs == 0)
		return true;
	for (j = 0; j < m->nargs; j++) {
		if (arg_present(a, m->args[j], &unstored)) {
			res->arg = m->args[j];
			res->arg_unstored = unstored;
			return true;
		}
	}
	return false;
}

/* A path component "." or "..": kept as executed, never collapsed. */
static bool has_dots(struct kme_str p)
{
	size_t i = 0, j;

	while (i < p.len) {
		for (j = i; j < p.len && p.p[j] != '/'; j++)
			;
		if ((j - i == 1 && p.p[i] == '.') ||
		    (j - i == 2 && p.p[i] == '.' && p.p[i + 1] == '.'))
			return true;
		i = j + 1;
	}
	return false;
}

/* The facts rule_describe reports next to the decision. */
static void note_facts(const struct kme_exec *ex, struct rule_result *res)
{
	res->argc = kme_args_count(&ex->proc.args);
	res->stored = ex->proc.args.n;
	res->exe_resolved = ex->proc.exe_resolved;
	res->parent_exe_resolved = ex->parent.exe_resolved;
	res->dots = has_dots(ex->proc.executable) || has_dots(ex->parent.executable);
	res->parent_note = ex->parent_note;
	res->parent_pid = ex->parent.pid;
	res->parent_creator = ex->parent_creator;
}

/* The first match line for (name, args); several entries may name one
 * program (OR): try each. */
static const struct cfg_match *match_of(const struct kme_config *cfg,
					struct kme_str name,
					const struct kme_args *args,
					struct rule_result *res)
{
	size_t i;

	for (i = 0; i < cfg->nmatches; i++)
		if (kme_str_is(name, cfg->matches[i].name) &&
		    args_match(&cfg->matches[i], args, res))
			return &cfg->matches[i];
	return NULL;
}

const struct cfg_multicall *rule_multicall_of(const struct kme_config *cfg,
					      struct kme_str exe)
{
	size_t i;

	for (i = 0; i < cfg->nmulticall; i++)
		if (kme_str_is(exe, cfg->multicall[i].path))
			return &cfg->multicall[i];
	return NULL;
}

/* The hardened match: what the multi-call binary ex->exe will run, as the
 * binary itself decides it (see rule.h), judged by the match lines. */
static const struct cfg_match *multicall_match(const struct kme_config *cfg,
					       const struct kme_exec *ex,
					       struct rule_result *res)
{
	const struct cfg_multicall *mc;
	const struct kme_args *a = &ex->proc.args;
	struct kme_args shifted;
	struct kme_str run_as, tool;
	const struct cfg_match *m;

	if (!cfg->match_multicall || a->n == 0)
		return NULL;
	if ((mc = rule_multicall_of(cfg, ex->exe)) == NULL &&
	    (mc = ex->same_file_as) == NULL)
		return NULL;
	run_as = tool = kme_str_base(a->v[0]);
	if (mc->style == CFG_MC_BUSYBOX && tool.len > 0 && tool.p[0] == '-') {
		tool.p++;
		tool.len--;
	}
	if (mc->style == CFG_MC_BUSYBOX && kme_str_is(tool, "busybox")) {
		/* "busybox APPLET ARGS": the applet sees argv[1..]. */
		if (a->n < 2)
			return NULL;
		tool = kme_str_base(a->v[1]);
		shifted = *a;
		shifted.v++;
		shifted.n--;
		if (shifted.argc > 0)
			shifted.argc--;
		a = &shifted;
	}
	/* kmod run as "kmod" is the match line "kmod list" itself; run as a
	 * tool's name it is that tool; any other name fails (kmod 30:
	 * "x is not a kmod command", exit 254) and enumerates nothing. */
	if ((m = match_of(cfg, tool, a, res)) == NULL)
		return NULL;
	res->multicall = true;
	res->mc = mc;
	res->same_file = mc != rule_multicall_of(cfg, ex->exe);
	res->run_as = run_as;
	res->tool = tool;
	return m;
}

static bool action_accepted(const struct kme_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nevent_actions; i++)
		if (strcmp(cfg->event_actions[i], RULE_EVENT_ACTION) == 0)
			return true;
	return false;
}

void rule_eval(const struct kme_config *cfg, const struct kme_exec *ex,
	       struct rule_result *res)
{
	const struct cfg_match *m;
	size_t i;

	memset(res, 0, sizeof(*res));
	res->verdict = RULE_NO_MATCH;
	if (!ex->success)
		return;
	note_facts(ex, res);
	if (!action_accepted(cfg))
		return;
	m = match_of(cfg, ex->proc.name, &ex->proc.args, res);
	if (m == NULL)
		m = multicall_match(cfg, ex, res);
	if (m == NULL)
		return;
	res->match = m;
	res->verdict = RULE_MATCH;
	for (i = 0; i < cfg->nexcls; i++) {
		if (excl_applies(&cfg->excls[i], ex)) {
			res->verdict = RULE_EXCLUDED;
			res->excl = &cfg->excls[i];
			return;
		}
	}
}

int rule_argset_new(const struct kme_config *cfg, struct kme_argset *out,
		    struct kme_err *err)
{
	struct kme_str *v;
	size_t total = 0, n = 0, i, j, k;

	*out = (struct kme_argset){ NULL, 0 };
	for (i = 0; i < cfg->nmatches; i++)
		total += cfg->matches[i].nargs;
	if (total == 0)
		return 0;
	v = calloc(total, sizeof(*v));
	if (v == NULL)
		return kme_errf(err, "rule: out of memory for %zu argument values", total);
	for (i = 0; i < cfg->nmatches; i++) {
		for (j = 0; j < cfg->matches[i].nargs; j++) {
			const char *a = cfg->matches[i].args[j];

			for (k = 0; k < n; k++)
				if (kme_str_is(v[k], a))
					break;
			if (k == n)
				v[n++] = (struct kme_str){ a, strlen(a) };
		}
	}
	out->v = v;
	out->n = n;
	return 0;
}

void rule_argset_free(struct kme_argset *set)
{
	if (set == NULL)
		return;
	free((void *)set->v);
	set->v = NULL;
	set->n = 0;
}

bool rule_watches_name(const struct kme_config *cfg, struct kme_str name)
{
	size_t i;

	for (i = 0; i < cfg->nmatches; i++)
		if (kme_str_is(name, cfg->matches[i].name))
			return true;
	return false;
}

bool rule_watches(const struct kme_config *cfg, const struct kme_exec *ex)
{
	return rule_watches_name(cfg, ex->proc.name) ||
	       (cfg->match_multicall &&
		(rule_multicall_of(cfg, ex->exe) != NULL ||
		 ex->same_file_as != NULL));
}

/* Append to buf[*len..size) as snprintf does, keeping *len <= size - 1. */
static void put(char *buf, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void put(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (*len + 1 >= size)
		return;
	va_start(ap, fmt);
	r = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	*len += (size_t)r;
	if (*len >= size)
		*len = size - 1;
}

/* s as printable ASCII for one explain line (others as '?'), cut to fit. */
static const char *printable(struct kme_str s, char *out, size_t size)
{
	size_t i;

	for (i = 0; i < s.len && i + 1 < size; i++)
		out[i] = s.p[i] > 0x20 && s.p[i] < 0x7f ? s.p[i] : '?';
	out[i] = '\0';
	return out;
}

/* What the decision rested on, when it is not plain. */
static void describe_facts(const struct rule_result *res, char *buf,
			   size_t size, size_t *len)
{
	char run_as[65], tool[65];

	if (res->multicall && res->mc != NULL)
		put(buf, size, len, "; multicall binary %s%s run as '%s' "
		    "does what '%s' does", res->mc->path,
		    res->same_file ? " (the same file: device and inode)" : "",
		    printable(res->run_as, run_as, sizeof(run_as)),
		    printable(res->tool, tool, sizeof(tool)));
	if (res->arg != NULL && res->arg_unstored)
		put(buf, size, len,
		    "; '%s' is beyond the %zu stored arguments (argc %zu)",
		    res->arg, res->stored, res->argc);
	if (res->exe_resolved)
		put(buf, size, len, "; process.executable is the resolved exe: "
		    "the path as run is not known as an absolute path");
	if (res->parent_exe_resolved)
		put(buf, size, len, "; process.parent.executable is the resolved "
		    "exe: the path as run is not known as an absolute path");
	if (res->dots)
		put(buf, size, len, "; paths kept as executed: '..' is not "
		    "collapsed (it may follow a symlink)");
	switch (res->parent_note) {
	case KME_PNOTE_FORK:
		put(buf, size, len, "; parent pid %d is a fork of pid %d that "
		    "never exec'd (a subshell): its creator's identity",
		    (int)res->parent_pid, (int)res->parent_creator);
		break;
	case KME_PNOTE_FORK_REUSED:
		put(buf, size, len, "; parent pid %d is a fork of pid %d that "
		    "never exec'd, made after an earlier process had that pid: "
		    "that identity was stale", (int)res->parent_pid,
		    (int)res->parent_creator);
		break;
	case KME_PNOTE_UNSEEN:
		put(buf, size, len, "; parent pid %d: the stream shows neither "
		    "its exec nor a fork by a known process (a subshell? fork "
		    "records would name it): unknown", (int)res->parent_pid);
		break;
	case KME_PNOTE_REPARENTED:
		put(buf, size, len, "; ppid %d is a reaper (the parent exited "
		    "first) and no fork record names the creator: unknown",
		    (int)res->parent_pid);
		break;
	case KME_PNOTE_NONE:
		break;
	}
}

const char *rule_describe(const struct rule_result *res, char *buf, size_t size)
{
	const struct cfg_match *m = res->match;
	const struct cfg_excl *e = res->excl;
	size_t len = 0, i;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	switch (res->verdict) {
	case RULE_MATCH:
		if (m == NULL)
			break;
		put(buf, size, &len, "match '%s", m->name);
		for (i = 0; i < m->nargs; i++)
			put(buf, size, &len, " %s", m->args[i]);
		put(buf, size, &len, "' (%s:%d)", m->origin.file,
		    m->origin.line);
		describe_facts(res, buf, size, &len);
		return buf;
	case RULE_EXCLUDED:
		if (e == NULL || (unsigned)e->kind >= CFG_EXCL__COUNT)
			break;
		put(buf, size, &len, "excluded by %s '%s' (%s:%d)",
		    excl_key[e->kind], e->pattern, e->origin.file,
		    e->origin.line);
		describe_facts(res, buf, size, &len);
		return buf;
	case RULE_NO_MATCH:
		break;
	}
	put(buf, size, &len, "no match");
	describe_facts(res, buf, size, &len);
	return buf;
}
