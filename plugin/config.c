/* config.c - parse the configuration file into a struct kme_config.
 *
 * The format and the keys are described in cfg.h and
 * audisp-kmod-enum.conf(5). The parser is a loop over lines and a sorted key
 * table (searched with bsearch); each key names its handler, where the value
 * goes, its bounds and its default. Every error of a file is collected, and a
 * file with any error yields no config at all.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "cfg.h"
#include "redisurl.h"

/* The state directory is a configure-time choice (--with-statedir); the
 * build should pass it as -DKME_STATEDIR so that the fallback default below
 * equals the @statedir@ substituted into the shipped file. check_config
 * verifies that they agree. */
#ifndef KME_STATEDIR
#define KME_STATEDIR "/var/lib/audisp-kmod-enum"
#endif

#define CFG_MAX_SIZE    (1024 * 1024)  /* bytes of one file */
#define CFG_MAX_LINE    4096           /* bytes of one line, newline excluded */
#define CFG_MAX_LINES   100000
#define CFG_MAX_ENTRIES 10000          /* match + exclusion entries */
#define CFG_SHOW_VALUE  64             /* bytes of a bad value quoted back */

/* Space kept free at the end of err->msg for the "(N more errors)" line. */
#define ERR_TRAILER 40

struct name_val {
	const char *name;
	int val;
};

static const struct name_val facility_names[] = {
	{ "auth", LOG_AUTH },         { "authpriv", LOG_AUTHPRIV },
	{ "cron", LOG_CRON },         { "daemon", LOG_DAEMON },
	{ "ftp", LOG_FTP },           { "kern", LOG_KERN },
	{ "local0", LOG_LOCAL0 },     { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 },     { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 },     { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 },     { "local7", LOG_LOCAL7 },
	{ "lpr", LOG_LPR },           { "mail", LOG_MAIL },
	{ "news", LOG_NEWS },         { "syslog", LOG_SYSLOG },
	{ "user", LOG_USER },         { "uucp", LOG_UUCP },
	{ NULL, 0 }
};

static const struct name_val priority_names[] = {
	{ "alert", LOG_ALERT },   { "crit", LOG_CRIT },
	{ "debug", LOG_DEBUG },   { "emerg", LOG_EMERG },
	{ "err", LOG_ERR },       { "info", LOG_INFO },
	{ "notice", LOG_NOTICE }, { "warning", LOG_WARNING },
	{ NULL, 0 }
};

static const struct name_val format_names[] = {
	{ "json", CFG_FORMAT_JSON }, { "text", CFG_FORMAT_TEXT }, { NULL, 0 }
};

/* Elastic's severity levels and the numbers its detection engine gives them
 * (and maps back from event.severity in the "External Alerts" rule). */
static const struct name_val severity_names[] = {
	{ "low", 21 }, { "medium", 47 }, { "high", 73 }, { "critical", 99 },
	{ NULL, 0 }
};

static const struct name_val bool_names[] = {
	{ "yes", 1 }, { "no", 0 }, { NULL, 0 }
};

/* A multi-call binary's dispatch style is named by its own basename. */
static const struct name_val mc_style_names[] = {
	{ "kmod", CFG_MC_KMOD }, { "busybox", CFG_MC_BUSYBOX }, { NULL, 0 }
};

static const char *const term_field_names[CFG_TF__COUNT] = {
	[CFG_TF_EXECUTABLE] = "process.executable",
	[CFG_TF_NAME] = "process.name",
	[CFG_TF_PARENT_EXECUTABLE] = "process.parent.executable",
	[CFG_TF_PARENT_NAME] = "process.parent.name",
	[CFG_TF_USER_ID] = "user.id",
	[CFG_TF_HOST_NAME] = "host.name",
};

struct parser;
struct cfg_key;

/* A handler stores `val` (trimmed, non-empty, NUL-terminated, may be
 * modified) into p->cfg, or reports the error with perr() and returns -1. */
typedef int (*key_handler)(struct parser *p, const struct cfg_key *k, char *val);

struct cfg_key {
	const char *name;
	key_handler set;
	bool list;                 /* may repeat; each occurrence appends */
	size_t off;                /* field in struct kme_config */
	int64_t min, max;          /* bounds of numeric values */
	const struct name_val *names; /* allowed words, NULL = any */
	enum cfg_excl_kind excl;   /* for exclude_* keys */
	const char *dflt;          /* value when a file lacks the key; NULL = none */
};

#define CFG_MAX_KEYS 64

struct parser {
	const char *name;          /* file name for messages */
	int line;                  /* current line; 0 = not tied to a line */
	struct kme_config *cfg;
	int seen[CFG_MAX_KEYS];    /* first line of each key (by table index) */
	unsigned seen_file[CFG_MAX_KEYS]; /* ... in which file (file_id) */
	unsigned file_id;          /* the file being parsed; 1 = the top one */
	unsigned nfile_ids;
	int depth;                 /* include nesting */
	bool check_owner;          /* includes are held to cfg_load's checks */
	bool replacing;            /* the key was set by another file before:
				      one-value lists start over */
	const char *origin;        /* name for origins (owned by the config) */
	bool entries_full;         /* "too many entries" already reported */
	bool oom;
	unsigned nerr, dropped;
	size_t used;               /* bytes of err->msg in use */
	struct kme_err *err;
};

static void perr(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Record one error; keep whole messages while they fit in err->msg, count
 * the rest. The first message is always kept (truncated if need be). */
static void perr(struct parser *p, const char *fmt, ...)
{
	char msg[KME_ERR_MAX];
	size_t n, room;
	int r;
	va_list ap;

	p->nerr++;
	if (p->err == NULL)
		return;
	if (p->line > 0)
		r = snprintf(msg, sizeof(msg), "%s:%d: ", p->name, p->line);
	else
		r = snprintf(msg, sizeof(msg), "%s: ", p->name);
	n = r < 0 ? 0 : (size_t)r;
	if (n >= sizeof(msg))
		n = sizeof(msg) - 1;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	n = strlen(msg);

	if (p->used == 0) {
		room = KME_ERR_MAX - ERR_TRAILER - 1;
		if (n > room)
			n = room;
		memcpy(p->err->msg, msg, n);
		p->err->msg[n] = '\0';
		p->used = n;
		return;
	}
	/* Once one is dropped, all later ones are: the shown ones stay the
	 * first ones, in line order. */
	if (p->dropped > 0 || p->used + 1 + n + ERR_TRAILER >= KME_ERR_MAX) {
		p->dropped++;
		return;
	}
	p->err->msg[p->used++] = '\n';
	memcpy(p->err->msg + p->used, msg, n + 1);
	p->used += n;
}

static void perr_finish(struct parser *p)
{
	if (p->err == NULL || p->dropped == 0)
		return;
	snprintf(p->err->msg + p->used, KME_ERR_MAX - p->used,
		 "\n(%u more errors not shown)", p->dropped);
}

/* ---- value syntax ---------------------------------------------------- */

/* Decimal digits only (no sign, no spaces, no base prefix); -1 on an empty
 * string, another character, or a value above UINT64_MAX. *end is set to
 * the first non-digit. */
static int parse_digits(const char *s, uint64_t *out, const char **end)
{
	uint64_t v = 0;
	const char *q = s;

	for (; *q >= '0' && *q <= '9'; q++) {
		unsigned d = (unsigned)(*q - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (q == s)
		return -1;
	*out = v;
	*end = q;
	return 0;
}

struct unit {
	char suffix;
	uint64_t mult;
};

static const struct unit duration_units[] = {
	{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 0, 0 }
};

static const struct unit size_units[] = {
	{ 'K', 1024 }, { 'M', 1024 * 1024 }, { 'G', 1024 * 1024 * 1024 },
	{ 0, 0 }
};

/* digits, then nothing or exactly one suffix from units; result <= max. */
static int parse_scaled(const char *s, const struct unit *units,
			uint64_t max, uint64_t *out)
{
	const struct unit *u;
	const char *end;
	uint64_t v, mult = 1;

	if (parse_digits(s, &v, &end) == -1)
		return -1;
	if (*end != '\0') {
		for (u = units; u->suffix != 0 && u->suffix != *end; u++)
			;
		if (u->suffix == 0 || end[1] != '\0')
			return -1;
		mult = u->mult;
	}
	if (v > max / mult)
		return -1;
	*out = v * mult;
	return 0;
}

int cfg_parse_duration(const char *s, int64_t *out)
{
	uint64_t v;

	if (parse_scaled(s, duration_units, INT64_MAX / 1000, &v) == -1)
		return -1;
	*out = (int64_t)v * 1000;
	return 0;
}

static const struct name_val *find_name(const struct name_val *t,
					const char *s)
{
	for (; t->name != NULL; t++)
		if (strcmp(t->name, s) == 0)
			return t;
	return NULL;
}

/* Split off the next space- or tab-separated word of *s; NULL at the end. */
static char *next_word(char **s)
{
	char *w = *s + strspn(*s, " \t");
	char *e;

	if (*w == '\0')
		return NULL;
	e = w + strcspn(w, " \t");
	*s = *e != '\0' ? e + 1 : e;
	*e = '\0';
	return w;
}

static void *field(struct parser *p, const struct cfg_key *k)
{
	return (char *)p->cfg + k->off;
}

static char *dup_or_oom(struct parser *p, const char *s)
{
	char *d = strdup(s);

	if (d == NULL) {
		p->oom = true;
		perr(p, "out of memory");
	}
	return d;
}

/* ---- handlers -------------------------------------------------------- */

static int check_range(struct parser *p, const struct cfg_key *k,
		       const char *val, uint64_t v)
{
	if ((k->min > 0 && v < (uint64_t)k->min) || v > (uint64_t)k->max) {
		perr(p, "%s: value '%.*s' out of range (%lld..%lld)", k->name,
		     CFG_SHOW_VALUE, val, (long long)k->min, (long long)k->max);
		return -1;
	}
	return 0;
}

/* Numeric keys: integer, duration or byte size, all bounded by min..max. */
static int parse_number(struct parser *p, const struct cfg_key *k,
			const char *val, const struct unit *units,
			const char *what, uint64_t *v)
{
	if (parse_scaled(val, units, UINT64_MAX, v) == -1) {
		perr(p, "%s: invalid %s '%.*s'", k->name, what,
		     CFG_SHOW_VALUE, val);
		return -1;
	}
	return check_range(p, k, val, *v);
}

static const struct unit no_units[] = { { 0, 0 } };

static int set_u32(struct parser *p, const struct cfg_key *k, char *val)
{
	uint64_t v;

	if (parse_number(p, k, val, no_units, "integer", &v) == -1)
		return -1;
	*(uint32_t *)field(p, k) = (uint32_t)v;
	return 0;
}

static int set_size(struct parser *p, const struct cfg_key *k, char *val)
{
	uint64_t v;

	if (parse_number(p, k, val, no_units, "integer", &v) == -1)
		return -1;
	*(size_t *)field(p, k) = (size_t)v;
	return 0;
}

static int set_bytes(struct parser *p, const struct cfg_key *k, char *val)
{
	uint64_t v;

	if (parse_number(p, k, val, size_units, "size", &v) == -1)
		return -1;
	if (v > SIZE_MAX) {
		perr(p, "%s: size '%.*s' too large for this system", k->name,
		     CFG_SHOW_VALUE, val);
		return -1;
	}
	*(size_t *)field(p, k) = (size_t)v;
	return 0;
}

/* Given in seconds (s/m/h/d), bounded in seconds (the key table's min and
 * max), held in milliseconds like every time of the program. */
static int set_duration(struct parser *p, const struct cfg_key *k, char *val)
{
	uint64_t v;

	if (parse_number(p, k, val, duration_units, "duration", &v) == -1)
		return -1;
	*(int64_t *)field(p, k) = (int64_t)v * 1000;
	return 0;
}

static const struct name_val *lookup_word(struct parser *p,
					  const struct cfg_key *k,
					  const char *val)
{
	const struct name_val *nv = find_name(k->names, val);

	if (nv == NULL)
		perr(p, "%s: unknown value '%.*s'", k->name, CFG_SHOW_VALUE,
		     val);
	return nv;
}

static int set_int_name(struct parser *p, const struct cfg_key *k, char *val)
{
	const struct name_val *nv = lookup_word(p, k, val);

	if (nv == NULL)
		return -1;
	*(int *)field(p, k) = nv->val;
	return 0;
}

static int set_format(struct parser *p, const struct cfg_key *k, char *val)
{
	const struct name_val *nv = lookup_word(p, k, val);

	if (nv == NULL)
		return -1;
	p->cfg->alert_format = (enum cfg_format)nv->val;
	return 0;
}

/* Free text (rule_name has spaces); restricted to k->names when given. */
static int set_string(struct parser *p, const struct cfg_key *k, char *val)
{
	char **dst = field(p, k);
	char *s;

	if (k->names != NULL && lookup_word(p, k, val) == NULL)
		return -1;
	if ((s = dup_or_oom(p, val)) == NULL)
		return -1;
	free(*dst);
	*dst = s;
	return 0;
}

/* rule_severity: the word, and its number for event.severity. */
static int set_severity(struct parser *p, const struct cfg_key *k, char *val)
{
	const struct name_val *nv = lookup_word(p, k, val);

	if (nv == NULL || set_string(p, k, val) == -1)
		return -1;
	p->cfg->rule_severity_num = (uint32_t)nv->val;
	return 0;
}

/* rule_author: each occurrence appends one whole value (spaces kept). */
static int set_author(struct parser *p, const struct cfg_key *k, char *val)
{
	struct kme_config *cfg = p->cfg;

	if (cfg->nrule_authors == CFG_MAX_THREAT) {
		perr(p, "%s: too many entries (limit %d)", k->name, CFG_MAX_THREAT);
		return -1;
	}
	if ((cfg->rule_authors[cfg->nrule_authors] = dup_or_oom(p, val)) == NULL)
		return -1;
	cfg->nrule_authors++;
	return 0;
}

/* An ATT&CK id: TA + 4 digits (tactic), or T + 4 digits, maybe .NNN for a
 * sub-technique (technique). */
static bool attack_id_ok(const char *id, bool tactic)
{
	size_t pre = tactic ? 2 : 1, n = strlen(id);

	if (strncmp(id, tactic ? "TA" : "T", pre) != 0 ||
	    strspn(id + pre, "0123456789") != 4)
		return false;
	if (n == pre + 4)
		return true;
	return !tactic && n == 9 && id[5] == '.' &&
	       strspn(id + 6, "0123456789") == 3;
}

/* threat_tactic / threat_technique = ID REFERENCE NAME...: the name is the
 * rest of the line (ATT&CK names have spaces). */
static int set_threat(struct parser *p, const struct cfg_key *k, char *val)
{
	struct kme_config *cfg = p->cfg;
	bool tactic = k->off == offsetof(struct kme_config, tactics);
	struct cfg_threat *t = tactic ? cfg->tactics : cfg->techniques;
	size_t *n = tactic ? &cfg->ntactics : &cfg->ntechniques;
	char *rest = val, *id, *ref;

	if (p->replacing) {        /* a later file's list replaces this one */
		while (*n > 0) {
			(*n)--;
			free(t[*n].id);
			free(t[*n].reference);
			free(t[*n].name);
			t[*n] = (struct cfg_threat){ NULL, NULL, NULL };
		}
	}
	id = next_word(&rest);
	ref = next_word(&rest);
	if (rest != NULL)
		rest += strspn(rest, " \t");
	if (id == NULL || ref == NULL || rest == NULL || *rest == '\0') {
		perr(p, "%s: expected 'ID REFERENCE NAME', got '%.*s'", k->name,
		     CFG_SHOW_VALUE, val);
		return -1;
	}
	if (!attack_id_ok(id, tactic)) {
		perr(p, "%s: '%.*s' is not an ATT&CK %s id (%s)", k->name,
		     CFG_SHOW_VALUE, id, tactic ? "tactic" : "technique",
		     tactic ? "TA0007" : "T1234 or T1234.001");
		return -1;
	}
	if (*n == CFG_MAX_THREAT) {
		perr(p, "%s: too many entries (limit %d)", k->name, CFG_MAX_THREAT);
		return -1;
	}
	t += *n;
	if ((t->id = dup_or_oom(p, id)) == NULL ||
	    (t->reference = dup_or_oom(p, ref)) == NULL ||
	    (t->name = dup_or_oom(p, rest)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

/* A node name as auditd writes it after "node=": one word, at most 255
 * bytes (hosttab.h: longer names are never a host). */
static int set_node(struct parser *p, const struct cfg_key *k, char *val)
{
	if (strpbrk(val, " \t") != NULL || strlen(val) > 255) {
		perr(p, "%s: '%.*s' is not a node name (one word, at most 255 "
		     "bytes)", k->name, CFG_SHOW_VALUE, val);
		return -1;
	}
	return set_string(p, k, val);
}

static int set_path(struct parser *p, const struct cfg_key *k, char *val)
{
	if (val[0] != '/' || strpbrk(val, " \t") != NULL) {
		perr(p, "%s: '%.*s' is not an absolute path", k->name,
		     CFG_SHOW_VALUE, val);
		return -1;
	}
	return set_string(p, k, val);
}

/* new_terms_store: "file" or a URL redisurl.h accepts. */
static int set_store(struct parser *p, const struct cfg_key *k, char *val)
{
	struct ru_url u;
	struct kme_err uerr = { "" };

	if (ru_parse(val, &u, &uerr) < 0) {
		perr(p, "%s", uerr.msg);
		return -1;
	}
	return set_string(p, k, val);
}

/* redis_key_prefix: one word of printable ASCII, bounded. */
static int set_prefix(struct parser *p, const struct cfg_key *k, char *val)
{
	size_t i, n = strlen(val);

	for (i = 0; i < n; i++)
		if ((unsigned char)val[i] <= 0x20 ||
		    (unsigned char)val[i] >= 0x7f)
			break;
	if (n > 64 || i < n) {
		perr(p, "%s: printable ASCII without spaces, at most 64 bytes",
		     k->name);
		return -1;
	}
	return set_string(p, k, val);
}

/* A short timeout in milliseconds: "50ms", "2s" or "50" (ms), within the
 * key's min..max (ms). */
static int set_ms(struct parser *p, const struct cfg_key *k, char *val)
{
	uint64_t v;
	const char *end;

	if (parse_digits(val, &v, &end) < 0 || v > 3600000 ||
	    !(strcmp(end, "") == 0 || strcmp(end, "ms") == 0 ||
	      strcmp(end, "s") == 0)) {
		perr(p, "%s: '%.*s' is not a timeout (e.g. 50ms, 1s)",
		     k->name, CFG_SHOW_VALUE, val);
		return -1;
	}
	if (strcmp(end, "s") == 0)
		v *= 1000;
	if ((int64_t)v < k->min || (int64_t)v > k->max) {
		perr(p, "%s: %llums out of range %lld..%lldms", k->name,
		     (unsigned long long)v, (long long)k->min,
		     (long long)k->max);
		return -1;
	}
	*(int64_t *)field(p, k) = (int64_t)v;
	return 0;
}

static bool entries_left(struct parser *p)
{
	if (p->cfg->nmatches + p->cfg->nexcls < CFG_MAX_ENTRIES)
		return true;
	if (!p->entries_full)
		perr(p, "too many match and exclusion entries (limit %d)",
		     CFG_MAX_ENTRIES);
	p->entries_full = true;
	return false;
}

/* Grow an array by one element; the new element is zeroed. The capacity is
 * implied by the count (4, 8, 16, ...), and counts are bounded by
 * CFG_MAX_ENTRIES, so the size computation never overflows. On failure the
 * array is unchanged (still owned by the config). */
static void *grow(struct parser *p, void *arr, size_t n, size_t size)
{
	void *na;

	if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
		na = realloc(arr, (n == 0 ? 4 : n * 2) * size);
		if (na == NULL) {
			p->oom = true;
			perr(p, "out of memory");
			return NULL;
		}
		arr = na;
	}
	memset((char *)arr + n * size, 0, size);
	return arr;
}

static int set_match(struct parser *p, const struct cfg_key *k, char *val)
{
	struct kme_config *cfg = p->cfg;
	struct cfg_match *m;
	char *rest = val, *w;
	size_t nwords = 0, i;

	(void)k;
	if (!entries_left(p))
		return -1;
	if ((m = grow(p, cfg->matches, cfg->nmatches, sizeof(*m))) == NULL)
		return -1;
	cfg->matches = m;
	m = &cfg->matches[cfg->nmatches++];
	m->origin.file = p->origin;
	m->origin.line = p->line;

	/* One slot per word: the name's slot pays for the NULL terminator. */
	for (w = val; *w != '\0'; w++)
		if ((w == val || w[-1] == ' ' || w[-1] == '\t') &&
		    *w != ' ' && *w != '\t')
			nwords++;
	if ((m->args = calloc(nwords, sizeof(*m->args))) == NULL) {
		p->oom = true;
		perr(p, "out of memory");
		return -1;
	}
	w = next_word(&rest);
	if ((m->name = dup_or_oom(p, w)) == NULL)
		return -1;
	for (i = 0; (w = next_word(&rest)) != NULL; i++) {
		if ((m->args[i] = dup_or_oom(p, w)) == NULL)
			return -1;
		m->nargs++;
	}
	return 0;
}

static int set_excl(struct parser *p, const struct cfg_key *k, char *val)
{
	struct kme_config *cfg = p->cfg;
	struct cfg_excl *e;
	const char *end;
	uint64_t uid;
	char *rest = val, *w;

	while ((w = next_word(&rest)) != NULL) {
		if (!entries_left(p))
			return -1;
		if ((e = grow(p, cfg->excls, cfg->nexcls, sizeof(*e))) == NULL)
			return -1;
		cfg->excls = e;
		e = &cfg->excls[cfg->nexcls++];
		e->kind = k->excl;
		e->origin.file = p->origin;
		e->origin.line = p->line;
		if ((e->pattern = dup_or_oom(p, w)) == NULL)
			return -1;
		if (k->excl != CFG_EXCL_USER || strspn(w, "0123456789") != strlen(w))
			continue;
		/* (uid_t)-1 means "unset" in audit records: not a user. */
		if (parse_digits(w, &uid, &end) == -1 || uid >= UINT32_MAX) {
			perr(p, "%s: uid '%.*s' out of range (0..%u)", k->name,
			     CFG_SHOW_VALUE, w, UINT32_MAX - 1);
			return -1;
		}
		e->is_uid = true;
		e->uid = (uint32_t)uid;
	}
	return 0;
}

static int set_fields(struct parser *p, const struct cfg_key *k, char *val)
{
	struct kme_config *cfg = p->cfg;
	char *rest = val, *w;
	size_t f, i;
	int rc = 0;

	if (p->replacing)
		cfg->nterm_fields = 0;
	while ((w = next_word(&rest)) != NULL) {
		for (f = 0; f < CFG_TF__COUNT; f++)
			if (strcmp(term_field_names[f], w) == 0)
				break;
		if (f == CFG_TF__COUNT) {
			perr(p, "%s: unknown field '%.*s'", k->name,
			     CFG_SHOW_VALUE, w);
			rc = -1;
			continue;
		}
		for (i = 0; i < cfg->nterm_fields; i++)
			if (cfg->term_fields[i] == (enum cfg_term_field)f)
				break;
		if (i < cfg->nterm_fields) {
			perr(p, "%s: duplicate field '%s'", k->name, w);
			rc = -1;
			continue;
		}
		if (cfg->nterm_fields == CFG_MAX_TERM_FIELDS) {
			perr(p, "%s: too many fields (limit %d)", k->name,
			     CFG_MAX_TERM_FIELDS);
			return -1;
		}
		cfg->term_fields[cfg->nterm_fields++] = (enum cfg_term_field)f;
	}
	return rc;
}


/* ---- keys of the rule profiles (issue 12) ------------------------------ */

/* The profile lists are bounded each on its own (not counted with the
 * match and exclusion entries). */
static bool list_left(struct parser *p, const struct cfg_key *k, size_t n)
{
	if (n < CFG_MAX_ENTRIES)
		return true;
	perr(p, "%s: too many values (limit %d)", k->name, CFG_MAX_ENTRIES);
	return false;
}

static void free_words(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Append every word of val to *v (count *n); a key set by an earlier file
 * starts over (one-value lists, see cfg.h). */
static int append_words(struct parser *p, const struct cfg_key *k,
			char ***v, size_t *n, char *val)
{
	char *rest = val, *w, **nv;

	if (p->replacing) {
		free_words(*v, *n);
		*v = NULL;
		*n = 0;
	}
	while ((w = next_word(&rest)) != NULL) {
		if (!list_left(p, k, *n))
			return -1;
		if ((nv = grow(p, *v, *n, sizeof(*nv))) == NULL)
			return -1;
		*v = nv;
		if ((nv[*n] = dup_or_oom(p, w)) == NULL)
			return -1;
		(*n)++;
	}
	return 0;
}

static int set_actions(struct parser *p, const struct cfg_key *k, char *val)
{
	return append_words(p, k, &p->cfg->event_actions, &p->cfg->nevent_actions,
			    val);
}

static int set_starters(struct parser *p, const struct cfg_key *k, char *val)
{
	return append_words(p, k, &p->cfg->starters, &p->cfg->nstarters, val);
}

static void free_multicall(struct kme_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nmulticall; i++)
		free(cfg->multicall[i].path);
	free(cfg->multicall);
	cfg->multicall = NULL;
	cfg->nmulticall = 0;
}

/* Absolute paths whose basename names the dispatch style (kmod, busybox):
 * the resolved binary keeps its own name, whatever it was run as. */
static int set_multicall(struct parser *p, const struct cfg_key *k, char *val)
{
	struct kme_config *cfg = p->cfg;
	struct cfg_multicall *m;
	const struct name_val *nv;
	char *rest = val, *w;
	int rc = 0;

	if (p->replacing)
		free_multicall(cfg);
	while ((w = next_word(&rest)) != NULL) {
		const char *base = strrchr(w, '/');

		if (w[0] != '/' || base == NULL) {
			perr(p, "%s: '%.*s' is not an absolute path", k->name,
			     CFG_SHOW_VALUE, w);
			rc = -1;
			continue;
		}
		if ((nv = find_name(mc_style_names, base + 1)) == NULL) {
			perr(p, "%s: '%.*s': the binary's name must be kmod or "
			     "busybox (how it dispatches)", k->name,
			     CFG_SHOW_VALUE, w);
			rc = -1;
			continue;
		}
		if (!list_left(p, k, cfg->nmulticall))
			return -1;
		if ((m = grow(p, cfg->multicall, cfg->nmulticall, sizeof(*m))) == NULL)
			return -1;
		cfg->multicall = m;
		m = &cfg->multicall[cfg->nmulticall++];
		m->style = (enum cfg_mc_style)nv->val;
		if ((m->path = dup_or_oom(p, w)) == NULL)
			return -1;
	}
	return rc;
}

static int set_bool(struct parser *p, const struct cfg_key *k, char *val)
{
	const struct name_val *nv = lookup_word(p, k, val);

	if (nv == NULL)
		return -1;
	*(bool *)field(p, k) = nv->val != 0;
	return 0;
}

static void parse_text(struct parser *p, const char *text, size_t len);
static int read_file(const char *path, bool check_owner, char **text,
		     size_t *len, struct kme_err *err);

/* Parse another file here: its own name and lines in messages, its name
 * kept in the config for origins. */
static int set_include(struct parser *p, const struct cfg_key *k, char *val)
{
	struct kme_config *cfg = p->cfg;
	const char *saved_name = p->name, *saved_origin = p->origin;
	int saved_line = p->line;
	unsigned saved_id = p->file_id;
	struct kme_err ferr;
	char *text = NULL, *name, **nf;
	size_t len = 0;

	if (val[0] != '/' || strpbrk(val, " \t") != NULL) {
		perr(p, "%s: '%.*s' is not an absolute path", k->name,
		     CFG_SHOW_VALUE, val);
		return -1;
	}
	if (p->depth >= CFG_MAX_INCLUDE_DEPTH) {
		perr(p, "%s: '%.*s': nested too deeply (limit %d; a loop?)",
		     k->name, CFG_SHOW_VALUE, val, CFG_MAX_INCLUDE_DEPTH);
		return -1;
	}
	if (cfg->nfiles >= CFG_MAX_FILES) {
		perr(p, "%s: too many included files (limit %d)", k->name,
		     CFG_MAX_FILES);
		return -1;
	}
	if (read_file(val, p->check_owner, &text, &len, &ferr) < 0) {
		perr(p, "%s: %s", k->name, ferr.msg);
		return -1;
	}
	if (len > CFG_MAX_SIZE) {
		perr(p, "%s: %s: too large (limit %d bytes)", k->name, val,
		     CFG_MAX_SIZE);
		free(text);
		return -1;
	}
	if ((nf = grow(p, cfg->files, cfg->nfiles, sizeof(*nf))) == NULL ||
	    (cfg->files = nf, name = dup_or_oom(p, val)) == NULL) {
		free(text);
		return -1;
	}
	cfg->files[cfg->nfiles++] = name;
	p->depth++;
	p->name = p->origin = name;
	p->line = 0;
	p->file_id = ++p->nfile_ids;
	parse_text(p, text, len);
	p->depth--;
	p->name = saved_name;
	p->origin = saved_origin;
	p->line = saved_line;
	p->file_id = saved_id;
	free(text);
	return 0;
}

/* ---- the key table (sorted by name: bsearch) ------------------------- */

#define OFF(f) offsetof(struct kme_config, f)

/* Written for this project (not Elastic's text, which is under the Elastic
 * License): what the rule looks for and why it matters. */
#define RULE_DESCRIPTION \
	"Flags a program that lists or inspects the kernel modules of a Linux " \
	"host (lsmod, modinfo, kmod list, depmod --all/-a) when this pair of " \
	"program and parent program has not been seen on the host within the " \
	"history window. Intruders enumerate modules to learn what the kernel " \
	"runs (security modules, drivers, a loaded rootkit) before they act; " \
	"routine callers such as initramfs and DKMS tools are excluded."
#define RULE_REFERENCE \
	"https://github.com/elastic/detection-rules/blob/main/rules/linux/" \
	"discovery_kernel_module_enumeration.toml"
#define DAY (86400LL)

static const struct cfg_key keys[] = {
	{ "alert_format", set_format, false, 0, 0, 0, format_names, 0, "json" },
	{ "alert_interval", set_duration, false, OFF(alert_interval), 1, DAY,
	  NULL, 0, "5m" },
	{ "entry_leader_starters", set_starters, true, 0, 0, 0, NULL, 0,
	  "sshd sshd-session login systemd containerd-shim "
	  "containerd-shim-runc-v2 conmon tmux screen" },
	{ "eoe_timeout", set_duration, false, OFF(eoe_timeout), 1, 3600,
	  NULL, 0, "2s" },
	{ "event_action", set_actions, true, 0, 0, 0, NULL, 0,
	  "exec exec_event" },
	{ "exclude_entry_leader_executable", set_excl, true, 0, 0, 0, NULL,
	  CFG_EXCL_ENTRY_LEADER_EXECUTABLE, NULL },
	{ "exclude_executable", set_excl, true, 0, 0, 0, NULL,
	  CFG_EXCL_EXECUTABLE, NULL },
	{ "exclude_parent_args", set_excl, true, 0, 0, 0, NULL,
	  CFG_EXCL_PARENT_ARGS, NULL },
	{ "exclude_parent_executable", set_excl, true, 0, 0, 0, NULL,
	  CFG_EXCL_PARENT_EXECUTABLE, NULL },
	{ "exclude_parent_name", set_excl, true, 0, 0, 0, NULL,
	  CFG_EXCL_PARENT_NAME, NULL },
	{ "exclude_user", set_excl, true, 0, 0, 0, NULL, CFG_EXCL_USER, NULL },
	{ "history_window", set_duration, false, OFF(history_window), 1,
	  3650 * DAY, NULL, 0, "14d" },
	{ "include", set_include, true, 0, 0, 0, NULL, 0, NULL },
	{ "local_node", set_node, false, OFF(local_node), 0, 0, NULL, 0,
	  NULL },
	{ "match", set_match, true, 0, 0, 0, NULL, 0, NULL },
	{ "match_multicall", set_bool, false, OFF(match_multicall), 0, 0,
	  bool_names, 0, "no" },
	{ "max_alert_size", set_bytes, false, OFF(max_alert_size),
	  CFG_MIN_ALERT_SIZE, CFG_MAX_ALERT_SIZE, NULL, 0, "7168" },
	{ "max_alerts", set_u32, false, OFF(max_alerts), 0, 1000000, NULL, 0,
	  "100" },
	{ "max_terms", set_size, false, OFF(max_terms), 1, 100000000, NULL, 0,
	  "1000000" },
	{ "multicall_binary", set_multicall, true, 0, 0, 0, NULL, 0,
	  "/usr/bin/kmod /bin/kmod /usr/sbin/kmod /sbin/kmod "
	  "/usr/bin/busybox /bin/busybox /usr/sbin/busybox /sbin/busybox" },
	{ "new_terms_fields", set_fields, true, 0, 0, 0, NULL, 0,
	  "process.executable process.parent.executable" },
	{ "new_terms_store", set_store, false, OFF(new_terms_store), 0, 0,
	  NULL, 0, "file" },
	{ "output_queue", set_size, false, OFF(output_queue), 1, 1000000, NULL,
	  0, "10000" },
	{ "process_table_memory", set_bytes, false, OFF(process_table_memory),
	  64 * 1024, 64LL * 1024 * 1024 * 1024, NULL, 0, "48M" },
	{ "process_table_size", set_size, false, OFF(process_table_size), 16,
	  16 * 1024 * 1024, NULL, 0, "65536" },
	{ "redis_command_timeout", set_ms, false, OFF(redis_command_timeout),
	  1, 60000, NULL, 0, "50ms" },
	{ "redis_connect_timeout", set_ms, false, OFF(redis_connect_timeout),
	  1, 60000, NULL, 0, "50ms" },
	{ "redis_key_prefix", set_prefix, false, OFF(redis_key_prefix), 0, 0,
	  NULL, 0, "kme:" },
	{ "redis_password_file", set_path, false, OFF(redis_password_file), 0,
	  0, NULL, 0, NULL },
	{ "rule_author", set_author, true, 0, 0, 0, NULL, 0, "Elastic" },
	{ "rule_description", set_string, false, OFF(rule_description), 0, 0,
	  NULL, 0, RULE_DESCRIPTION },
	{ "rule_id", set_string, false, OFF(rule_id), 0, 0, NULL, 0,
	  "2d8043ed-5bda-4caf-801c-c1feb7410504" },
	{ "rule_name", set_string, false, OFF(rule_name), 0, 0, NULL, 0,
	  "Enumeration of Kernel Modules" },
	{ "rule_reference", set_string, false, OFF(rule_reference), 0, 0, NULL,
	  0, RULE_REFERENCE },
	{ "rule_risk_score", set_u32, false, OFF(rule_risk_score), 0, 100,
	  NULL, 0, "47" },
	{ "rule_ruleset", set_string, false, OFF(rule_ruleset), 0, 0, NULL, 0,
	  "Elastic prebuilt rules" },
	{ "rule_severity", set_severity, false, OFF(rule_severity), 0, 0,
	  severity_names, 0, "medium" },
	{ "rule_version", set_string, false, OFF(rule_version), 0, 0, NULL, 0,
	  "211" },
	{ "state_file", set_path, false, OFF(state_file), 0, 0, NULL, 0,
	  KME_STATEDIR "/state.json" },
	{ "state_save_interval", set_duration, false, OFF(state_save_interval),
	  1, DAY, NULL, 0, "60s" },
	{ "syslog_facility", set_int_name, false, OFF(syslog_facility), 0, 0,
	  facility_names, 0, "authpriv" },
	{ "syslog_priority", set_int_name, false, OFF(syslog_priority), 0, 0,
	  priority_names, 0, "warning" },
	{ "threat_framework", set_string, false, OFF(threat_framework), 0, 0,
	  NULL, 0, "MITRE ATT&CK" },
	{ "threat_tactic", set_threat, true, OFF(tactics), 0, 0, NULL, 0,
	  "TA0007 https://attack.mitre.org/tactics/TA0007/ Discovery" },
	{ "threat_technique", set_threat, true, OFF(techniques), 0, 0, NULL, 0,
	  "T1082 https://attack.mitre.org/techniques/T1082/ "
	  "System Information Discovery" },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

_Static_assert(NKEYS <= CFG_MAX_KEYS, "CFG_MAX_KEYS too small for the key table");

static int key_cmp(const void *a, const void *b)
{
	return strcmp(a, ((const struct cfg_key *)b)->name);
}

/* ---- the parser ------------------------------------------------------ */

static void parse_line(struct parser *p, char *s)
{
	const struct cfg_key *k;
	char *key, *eq, *val, *e;
	size_t idx;

	s += strspn(s, " \t");
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	if (*s == '\0' || *s == '#')
		return;

	if ((eq = strchr(s, '=')) == NULL) {
		perr(p, "expected 'key = value'");
		return;
	}
	key = s;
	for (e = eq; e > key && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*e = '\0';
	val = eq + 1 + strspn(eq + 1, " \t");
	if (*key == '\0') {
		perr(p, "missing key before '='");
		return;
	}
	k = bsearch(key, keys, NKEYS, sizeof(keys[0]), key_cmp);
	if (k == NULL) {
		perr(p, "unknown key '%.*s'", CFG_SHOW_VALUE, key);
		return;
	}
	idx = (size_t)(k - keys);
	/* Once per file; across files (include) the later line wins. */
	if (!k->list && p->seen[idx] != 0 && p->seen_file[idx] == p->file_id) {
		perr(p, "duplicate key '%s' (first at line %d)", k->name,
		     p->seen[idx]);
		return;
	}
	p->replacing = p->seen[idx] != 0 && p->seen_file[idx] != p->file_id;
	if (p->seen[idx] == 0 || p->seen_file[idx] != p->file_id) {
		p->seen[idx] = p->line;
		p->seen_file[idx] = p->file_id;
	}
	if (*val == '\0') {
		perr(p, "%s: missing value", k->name);
		return;
	}
	k->set(p, k, val);
}

/* Split text into lines and check each before it is parsed: bounded length,
 * no control byte (NUL included) but tab. */
static void parse_text(struct parser *p, const char *text, size_t len)
{
	char line[CFG_MAX_LINE + 1];
	size_t pos = 0, n, i;
	const char *nl;

	while (pos < len && !p->oom) {
		nl = memchr(text + pos, '\n', len - pos);
		n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
		if (p->line == CFG_MAX_LINES) {
			p->line = 0;
			perr(p, "too many lines (limit %d)", CFG_MAX_LINES);
			return;
		}
		p->line++;
		if (n > CFG_MAX_LINE) {
			perr(p, "line too long (%zu bytes, limit %d)", n,
			     CFG_MAX_LINE);
			pos += n + 1;
			continue;
		}
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)text[pos + i];

			if ((c < 0x20 && c != '\t') || c == 0x7f)
				break;
		}
		if (i < n) {
			perr(p, "control byte 0x%02x at column %zu",
			     (unsigned char)text[pos + i], i + 1);
		} else {
			memcpy(line, text + pos, n);
			line[n] = '\0';
			parse_line(p, line);
		}
		pos += n + 1;
	}
}

/* Keys a file did not set take the shipped defaults (the same handlers parse
 * them, so a default obeys the same rules as a value from a file). */
static void apply_defaults(struct parser *p)
{
	char val[CFG_MAX_LINE + 1];
	size_t i;

	p->line = 0;
	for (i = 0; i < NKEYS && !p->oom; i++) {
		if (p->seen[i] != 0 || keys[i].dflt == NULL)
			continue;
		if (strlen(keys[i].dflt) >= sizeof(val)) {
			perr(p, "%s: built-in default too long", keys[i].name);
			continue;
		}
		strcpy(val, keys[i].dflt);
		p->replacing = false;
		keys[i].set(p, &keys[i], val);
	}
}

static int parse_all(const char *name, const char *text, size_t len,
		     bool check_owner, struct kme_config **out,
		     struct kme_err *err)
{
	struct parser p;

	memset(&p, 0, sizeof(p));
	p.name = name;
	p.err = err;
	if (err != NULL)
		err->msg[0] = '\0';
	if (len > CFG_MAX_SIZE) {
		return kme_errf(err, "%s: too large (%zu bytes, limit %d)",
				name, len, CFG_MAX_SIZE);
	}
	if ((p.cfg = calloc(1, sizeof(*p.cfg))) == NULL ||
	    (p.cfg->path = strdup(name)) == NULL) {
		cfg_free(p.cfg);
		return kme_errf(err, "%s: out of memory", name);
	}
	p.origin = p.cfg->path;
	p.file_id = p.nfile_ids = 1;
	p.check_owner = check_owner;

	parse_text(&p, text, len);
	p.line = 0;
	if (p.cfg->nmatches == 0 && !p.oom)
		perr(&p, "no match rules");
	if (p.nerr == 0)
		apply_defaults(&p);
	if (p.nerr != 0) {
		perr_finish(&p);
		cfg_free(p.cfg);
		return -1;
	}
	*out = p.cfg;
	return 0;
}

int cfg_parse(const char *name, const char *text, size_t len,
	      struct kme_config **out, struct kme_err *err)
{
	return parse_all(name, text, len, false, out, err);
}

/* Read a whole config file into *text (malloc'd, caller frees), refusing
 * what cfg_load refuses. */
static int read_file(const char *path, bool check_owner, char **textp,
		     size_t *lenp, struct kme_err *err)
{
	struct stat st;
	const char *why = NULL;
	char *text = NULL;
	size_t len = 0;
	ssize_t r;
	int fd, rc = -1;

	/* O_NONBLOCK: a FIFO planted at the path must not hang the open. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1) {
		if (errno == ELOOP)
			return kme_errf(err, "%s: refusing config: symbolic link",
					path);
		return kme_errnof(err, errno, "%s: open", path);
	}
	if (fstat(fd, &st) == -1) {
		kme_errnof(err, errno, "%s: fstat", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode))
		why = "not a regular file";
	else if (check_owner && st.st_uid != 0)
		why = "not owned by root";
	else if (check_owner && (st.st_mode & S_IWGRP))
		why = "group-writable";
	else if (check_owner && (st.st_mode & S_IWOTH))
		why = "world-writable";
	else if (st.st_size > CFG_MAX_SIZE)
		why = "larger than 1 MiB";
	if (why != NULL) {
		kme_errf(err, "%s: refusing config: %s", path, why);
		goto out;
	}

	/* One byte more than the limit tells a file that grew since fstat. */
	if ((text = malloc(CFG_MAX_SIZE + 1)) == NULL) {
		kme_errf(err, "%s: out of memory", path);
		goto out;
	}
	while (len <= CFG_MAX_SIZE) {
		r = read(fd, text + len, CFG_MAX_SIZE + 1 - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			kme_errnof(err, errno, "%s: read", path);
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	*textp = text;
	*lenp = len;
	text = NULL;
	rc = 0;
out:
	free(text);
	close(fd);
	return rc;
}

int cfg_load(const char *path, bool check_owner, struct kme_config **out,
	     struct kme_err *err)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (read_file(path, check_owner, &text, &len, err) < 0)
		return -1;
	rc = parse_all(path, text, len, check_owner, out, err);
	free(text);
	return rc;
}

int cfg_load_default(struct kme_config **out, struct kme_err *err)
{
	return cfg_parse("<built-in>", cfg_default_text,
			 strlen(cfg_default_text), out, err);
}

const char *cfg_term_field_name(enum cfg_term_field f)
{
	if ((unsigned)f >= CFG_TF__COUNT)
		return "?";
	return term_field_names[f];
}

void cfg_free(struct kme_config *cfg)
{
	size_t i, j;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->nmatches; i++) {
		free(cfg->matches[i].name);
		for (j = 0; cfg->matches[i].args != NULL &&
			    j < cfg->matches[i].nargs; j++)
			free(cfg->matches[i].args[j]);
		free(cfg->matches[i].args);
	}
	free(cfg->matches);
	for (i = 0; i < cfg->nexcls; i++)
		free(cfg->excls[i].pattern);
	free(cfg->excls);
	free(cfg->state_file);
	free(cfg->local_node);
	free(cfg->new_terms_store);
	free(cfg->redis_password_file);
	free(cfg->redis_key_prefix);
	free(cfg->rule_id);
	free(cfg->rule_name);
	free(cfg->rule_version);
	free(cfg->rule_severity);
	free(cfg->rule_description);
	free(cfg->rule_reference);
	free(cfg->rule_ruleset);
	for (i = 0; i < cfg->nrule_authors; i++)
		free(cfg->rule_authors[i]);
	free(cfg->threat_framework);
	for (i = 0; i < CFG_MAX_THREAT; i++) {
		free(cfg->tactics[i].id);
		free(cfg->tactics[i].reference);
		free(cfg->tactics[i].name);
		free(cfg->techniques[i].id);
		free(cfg->techniques[i].reference);
		free(cfg->techniques[i].name);
	}
	free_words(cfg->event_actions, cfg->nevent_actions);
	free_words(cfg->starters, cfg->nstarters);
	free_multicall(cfg);
	free_words(cfg->files, cfg->nfiles);
	free(cfg->path);
	free(cfg);
}
