/* rule.c - evaluate the configured rule on one exec event (see rule.h).
 *
 * Everything here compares bytes with their lengths: event strings are
 * attacker-chosen and may contain NUL bytes. Config strings are C strings
 * (the parser rejects control bytes), so strlen() is safe on them only.
 */
#include <fnmatch.h>
#include <stdarg.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule.h"

/* The kernel's task comm holds 15 bytes plus the NUL (TASK_COMM_LEN). */
#define COMM_MAX 15

static const char *const excl_key[CFG_EXCL__COUNT] = {
	[CFG_EXCL_PARENT_NAME] = "exclude_parent_name",
	[CFG_EXCL_PARENT_EXECUTABLE] = "exclude_parent_executable",
	[CFG_EXCL_EXECUTABLE] = "exclude_executable",
	[CFG_EXCL_USER] = "exclude_user",
};

static bool str_eq(struct kme_str s, const char *c)
{
	size_t n = strlen(c);

	return s.p != NULL && s.len == n && memcmp(s.p, c, n) == 0;
}

/* fnmatch() sees a C string: a value with an embedded NUL would be judged
 * on its prefix only, so a binary value could be excluded by a pattern that
 * matches only its harmless-looking beginning. Such a value never matches. */
static bool glob_match(const char *pattern, struct kme_str s)
{
	if (s.p == NULL || memchr(s.p, '\0', s.len) != NULL)
		return false;
	return fnmatch(pattern, s.p, 0) == 0;
}

/* A parent known only by its comm shows at most 15 bytes of its name: a
 * longer excluded name must then match on its first 15 bytes, and the comm
 * must be exactly that long (a shorter comm is the whole name). */
static bool parent_name_match(const char *pattern, const struct kme_proc *pp)
{
	size_t n = strlen(pattern);

	if (pp->name.p == NULL)
		return false;
	if (pp->name_is_comm && n > COMM_MAX)
		return pp->name.len == COMM_MAX &&
		       memcmp(pp->name.p, pattern, COMM_MAX) == 0;
	return str_eq(pp->name, pattern);
}

/* The name comes from the event (ENRICHED) when it has one; otherwise, for
 * the local host's events only, from the local user database. That lookup can do I/O (NSS), which is why it is
 * reached only for events that already matched a watched program. */
static bool user_match(const struct cfg_excl *e, const struct kme_exec *ex)
{
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (e->is_uid)
		return ex->uid != KME_ID_UNSET && ex->uid == e->uid;
	if (ex->user_name.p != NULL)
		return str_eq(ex->user_name, e->pattern);
	/* Another host's uid is not this machine's user: by name, it is
	 * excluded only where its own record named it (ENRICHED). */
	if (ex->uid == KME_ID_UNSET || ex->remote)
		return false;
	if (getpwuid_r(ex->uid, &pw, buf, sizeof(buf), &res) != 0 || res == NULL)
		return false;
	return strcmp(res->pw_name, e->pattern) == 0;
}

static bool excl_applies(const struct cfg_excl *e, const struct kme_exec *ex)
{
	switch (e->kind) {
	case CFG_EXCL_PARENT_NAME:
		return parent_name_match(e->pattern, &ex->parent);
	case CFG_EXCL_PARENT_EXECUTABLE:
		return glob_match(e->pattern, ex->parent.executable);
	case CFG_EXCL_EXECUTABLE:
		return glob_match(e->pattern, ex->proc.executable);
	case CFG_EXCL_USER:
		return user_match(e, ex);
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
			if (!str_eq(a->watched->v[i], val))
				continue;
			if (!a->seen[i])
				return false; /* in no argument at all */
			seen = true;
			break;
		}
	}
	for (i = 0; i < a->n; i++)
		if (str_eq(a->v[i], val))
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

void rule_eval(const struct kme_config *cfg, const struct kme_exec *ex,
	       struct rule_result *res)
{
	const struct cfg_match *m = NULL;
	size_t i;

	memset(res, 0, sizeof(*res));
	res->verdict = RULE_NO_MATCH;
	if (!ex->success)
		return;
	note_facts(ex, res);
	/* Several entries may name one program (OR): try each. */
	for (i = 0; i < cfg->nmatches && m == NULL; i++)
		if (str_eq(ex->proc.name, cfg->matches[i].name) &&
		    args_match(&cfg->matches[i], &ex->proc.args, res))
			m = &cfg->matches[i];
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
				if (str_eq(v[k], a))
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
		if (str_eq(name, cfg->matches[i].name))
			return true;
	return false;
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

/* What the decision rested on, when it is not plain. */
static void describe_facts(const struct rule_result *res, char *buf,
			   size_t size, size_t *len)
{
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
