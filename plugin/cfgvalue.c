/* cfgvalue.c - the configuration's values (see cfgparse.h): numbers,
 * durations and sizes with their bounds, words from a key's list, paths,
 * URLs, and the list keys (match, exclusions, term fields, multi-call
 * binaries). Every value is hostile text: lengths are checked and a bad
 * value is quoted back at most CFG_SHOW_VALUE bytes long. The two value
 * functions of cfg.h are here: cfg_parse_duration, cfg_term_field_name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfgparse.h"
#include "redisurl.h"

/* A multi-call binary's dispatch style is named by its own basename. */
static const struct name_val mc_style_names[] = {
	{ "kmod", CFG_MC_KMOD }, { "busybox", CFG_MC_BUSYBOX }, { NULL, 0 }
};

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
char *cv_next_word(char **s)
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

/* ---- handlers -------------------------------------------------------- */

static int check_range(struct parser *p, const struct cfg_key *k,
		       const char *val, uint64_t v)
{
	if ((k->min > 0 && v < (uint64_t)k->min) || v > (uint64_t)k->max) {
		cp_perr(p, "%s: value '%.*s' out of range (%lld..%lld)", k->name,
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
		cp_perr(p, "%s: invalid %s '%.*s'", k->name, what,
		         CFG_SHOW_VALUE, val);
		return -1;
	}
	return check_range(p, k, val, *v);
}

static const struct unit no_units[] = { { 0, 0 } };

int cv_set_u32(struct parser *p, const struct cfg_key *k, char *val)
{
	uint64_t v;

	if (parse_number(p, k, val, no_units, "integer", &v) == -1)
		return -1;
	*(uint32_t *)field(p, k) = (uint32_t)v;
	return 0;
}

int cv_set_size(struct parser *p, const struct cfg_key *k, char *val)
{
	uint64_t v;

	if (parse_number(p, k, val, no_units, "integer", &v) == -1)
		return -1;
	*(size_t *)field(p, k) = (size_t)v;
	return 0;
}

int cv_set_bytes(struct parser *p, const struct cfg_key *k, char *val)
{
	uint64_t v;

	if (parse_number(p, k, val, size_units, "size", &v) == -1)
		return -1;
	if (v > SIZE_MAX) {
		cp_perr(p, "%s: size '%.*s' too large for this system", k->name,
		         CFG_SHOW_VALUE, val);
		return -1;
	}
	*(size_t *)field(p, k) = (size_t)v;
	return 0;
}

/* Given in seconds (s/m/h/d), bounded in seconds (the key table's min and
 * max), held in milliseconds like every time of the program. */
int cv_set_duration(struct parser *p, const struct cfg_key *k, char *val)
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
		cp_perr(p, "%s: unknown value '%.*s'", k->name, CFG_SHOW_VALUE,
		         val);
	return nv;
}

int cv_set_int_name(struct parser *p, const struct cfg_key *k, char *val)
{
	const struct name_val *nv = lookup_word(p, k, val);

	if (nv == NULL)
		return -1;
	*(int *)field(p, k) = nv->val;
	return 0;
}

int cv_set_format(struct parser *p, const struct cfg_key *k, char *val)
{
	const struct name_val *nv = lookup_word(p, k, val);

	if (nv == NULL)
		return -1;
	p->cfg->alert_format = (enum cfg_format)nv->val;
	return 0;
}

/* Free text (rule_name has spaces); restricted to k->names when given. */
int cv_set_string(struct parser *p, const struct cfg_key *k, char *val)
{
	char **dst = field(p, k);
	char *s;

	if (k->names != NULL && lookup_word(p, k, val) == NULL)
		return -1;
	if ((s = cp_dup(p, val)) == NULL)
		return -1;
	free(*dst);
	*dst = s;
	return 0;
}

/* rule_severity: the word, and its number for event.severity. */
int cv_set_severity(struct parser *p, const struct cfg_key *k, char *val)
{
	const struct name_val *nv = lookup_word(p, k, val);

	if (nv == NULL || cv_set_string(p, k, val) == -1)
		return -1;
	p->cfg->rule_severity_num = (uint32_t)nv->val;
	return 0;
}

/* rule_author: each occurrence appends one whole value (spaces kept). */
int cv_set_author(struct parser *p, const struct cfg_key *k, char *val)
{
	struct kme_config *cfg = p->cfg;

	if (cfg->nrule_authors == CFG_MAX_THREAT) {
		cp_perr(p, "%s: too many entries (limit %d)", k->name, CFG_MAX_THREAT);
		return -1;
	}
	if ((cfg->rule_authors[cfg->nrule_authors] = cp_dup(p, val)) == NULL)
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
int cv_set_threat(struct parser *p, const struct cfg_key *k, char *val)
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
	id = cv_next_word(&rest);
	ref = cv_next_word(&rest);
	if (rest != NULL)
		rest += strspn(rest, " \t");
	if (id == NULL || ref == NULL || rest == NULL || *rest == '\0') {
		cp_perr(p, "%s: expected 'ID REFERENCE NAME', got '%.*s'", k->name,
		         CFG_SHOW_VALUE, val);
		return -1;
	}
	if (!attack_id_ok(id, tactic)) {
		cp_perr(p, "%s: '%.*s' is not an ATT&CK %s id (%s)", k->name,
		         CFG_SHOW_VALUE, id, tactic ? "tactic" : "technique",
		         tactic ? "TA0007" : "T1234 or T1234.001");
		return -1;
	}
	if (*n == CFG_MAX_THREAT) {
		cp_perr(p, "%s: too many entries (limit %d)", k->name, CFG_MAX_THREAT);
		return -1;
	}
	t += *n;
	if ((t->id = cp_dup(p, id)) == NULL ||
	    (t->reference = cp_dup(p, ref)) == NULL ||
	    (t->name = cp_dup(p, rest)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

/* A node name as auditd writes it after "node=": one word, at most 255
 * bytes (hosttab.h: longer names are never a host). */
int cv_set_node(struct parser *p, const struct cfg_key *k, char *val)
{
	if (strpbrk(val, " \t") != NULL || strlen(val) > 255) {
		cp_perr(p, "%s: '%.*s' is not a node name (one word, at most 255 "
		         "bytes)", k->name, CFG_SHOW_VALUE, val);
		return -1;
	}
	return cv_set_string(p, k, val);
}

int cv_set_path(struct parser *p, const struct cfg_key *k, char *val)
{
	if (val[0] != '/' || strpbrk(val, " \t") != NULL) {
		cp_perr(p, "%s: '%.*s' is not an absolute path", k->name,
		         CFG_SHOW_VALUE, val);
		return -1;
	}
	return cv_set_string(p, k, val);
}

/* new_terms_store: "file" or a URL redisurl.h accepts. */
int cv_set_store(struct parser *p, const struct cfg_key *k, char *val)
{
	struct ru_url u;
	struct kme_err uerr = { "" };

	if (ru_parse(val, &u, &uerr) < 0) {
		cp_perr(p, "%s", uerr.msg);
		return -1;
	}
	return cv_set_string(p, k, val);
}

/* redis_key_prefix: one word of printable ASCII, bounded. */
int cv_set_prefix(struct parser *p, const struct cfg_key *k, char *val)
{
	size_t i, n = strlen(val);

	for (i = 0; i < n; i++)
		if ((unsigned char)val[i] <= 0x20 ||
		    (unsigned char)val[i] >= 0x7f)
			break;
	if (n > 64 || i < n) {
		cp_perr(p, "%s: printable ASCII without spaces, at most 64 bytes",
		         k->name);
		return -1;
	}
	return cv_set_string(p, k, val);
}

/* A short timeout in milliseconds: "50ms", "2s" or "50" (ms), within the
 * key's min..max (ms). */
int cv_set_ms(struct parser *p, const struct cfg_key *k, char *val)
{
	uint64_t v;
	const char *end;

	if (parse_digits(val, &v, &end) < 0 || v > 3600000 ||
	    !(strcmp(end, "") == 0 || strcmp(end, "ms") == 0 ||
	      strcmp(end, "s") == 0)) {
		cp_perr(p, "%s: '%.*s' is not a timeout (e.g. 50ms, 1s)",
		         k->name, CFG_SHOW_VALUE, val);
		return -1;
	}
	if (strcmp(end, "s") == 0)
		v *= 1000;
	if ((int64_t)v < k->min || (int64_t)v > k->max) {
		cp_perr(p, "%s: %llums out of range %lld..%lldms", k->name,
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
		cp_perr(p, "too many match and exclusion entries (limit %d)",
		         CFG_MAX_ENTRIES);
	p->entries_full = true;
	return false;
}

int cv_set_match(struct parser *p, const struct cfg_key *k, char *val)
{
	struct kme_config *cfg = p->cfg;
	struct cfg_match *m;
	char *rest = val, *w;
	size_t nwords = 0, i;

	(void)k;
	if (!entries_left(p))
		return -1;
	if ((m = cp_grow(p, cfg->matches, cfg->nmatches, sizeof(*m))) == NULL)
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
		cp_perr(p, "out of memory");
		return -1;
	}
	w = cv_next_word(&rest);
	if ((m->name = cp_dup(p, w)) == NULL)
		return -1;
	for (i = 0; (w = cv_next_word(&rest)) != NULL; i++) {
		if ((m->args[i] = cp_dup(p, w)) == NULL)
			return -1;
		m->nargs++;
	}
	return 0;
}

int cv_set_excl(struct parser *p, const struct cfg_key *k, char *val)
{
	struct kme_config *cfg = p->cfg;
	struct cfg_excl *e;
	const char *end;
	uint64_t uid;
	char *rest = val, *w;

	while ((w = cv_next_word(&rest)) != NULL) {
		if (!entries_left(p))
			return -1;
		if ((e = cp_grow(p, cfg->excls, cfg->nexcls, sizeof(*e))) == NULL)
			return -1;
		cfg->excls = e;
		e = &cfg->excls[cfg->nexcls++];
		e->kind = k->excl;
		e->origin.file = p->origin;
		e->origin.line = p->line;
		if ((e->pattern = cp_dup(p, w)) == NULL)
			return -1;
		if (k->excl != CFG_EXCL_USER || strspn(w, "0123456789") != strlen(w))
			continue;
		/* (uid_t)-1 means "unset" in audit records: not a user. */
		if (parse_digits(w, &uid, &end) == -1 || uid >= UINT32_MAX) {
			cp_perr(p, "%s: uid '%.*s' out of range (0..%u)", k->name,
			         CFG_SHOW_VALUE, w, UINT32_MAX - 1);
			return -1;
		}
		e->is_uid = true;
		e->uid = (uint32_t)uid;
	}
	return 0;
}

static const char *const term_field_names[CFG_TF__COUNT] = {
	[CFG_TF_EXECUTABLE] = "process.executable",
	[CFG_TF_NAME] = "process.name",
	[CFG_TF_PARENT_EXECUTABLE] = "process.parent.executable",
	[CFG_TF_PARENT_NAME] = "process.parent.name",
	[CFG_TF_USER_ID] = "user.id",
	[CFG_TF_HOST_NAME] = "host.name",
};

const char *cfg_term_field_name(enum cfg_term_field f)
{
	if ((unsigned)f >= CFG_TF__COUNT)
		return "?";
	return term_field_names[f];
}

int cv_set_fields(struct parser *p, const struct cfg_key *k, char *val)
{
	struct kme_config *cfg = p->cfg;
	char *rest = val, *w;
	size_t f, i;
	int rc = 0;

	if (p->replacing)
		cfg->nterm_fields = 0;
	while ((w = cv_next_word(&rest)) != NULL) {
		for (f = 0; f < CFG_TF__COUNT; f++)
			if (strcmp(cfg_term_field_name((enum cfg_term_field)f), w) == 0)
				break;
		if (f == CFG_TF__COUNT) {
			cp_perr(p, "%s: unknown field '%.*s'", k->name,
			         CFG_SHOW_VALUE, w);
			rc = -1;
			continue;
		}
		for (i = 0; i < cfg->nterm_fields; i++)
			if (cfg->term_fields[i] == (enum cfg_term_field)f)
				break;
		if (i < cfg->nterm_fields) {
			cp_perr(p, "%s: duplicate field '%s'", k->name, w);
			rc = -1;
			continue;
		}
		if (cfg->nterm_fields == CFG_MAX_TERM_FIELDS) {
			cp_perr(p, "%s: too many fields (limit %d)", k->name,
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
bool cv_list_left(struct parser *p, const struct cfg_key *k, size_t n)
{
	if (n < CFG_MAX_ENTRIES)
		return true;
	cp_perr(p, "%s: too many values (limit %d)", k->name, CFG_MAX_ENTRIES);
	return false;
}

void cv_free_words(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Append every word of val to *v (count *n); a key set by an earlier file
 * starts over (one-value lists, see cfg.h). */
int cv_append_words(struct parser *p, const struct cfg_key *k, char ***v,
		    size_t *n, char *val, cv_word_check check)
{
	char *rest = val, *w, **nv;

	if (p->replacing) {
		cv_free_words(*v, *n);
		*v = NULL;
		*n = 0;
	}
	while ((w = cv_next_word(&rest)) != NULL) {
		if ((check != NULL && check(p, k, w) < 0) || !cv_list_left(p, k, *n))
			return -1;
		if ((nv = cp_grow(p, *v, *n, sizeof(*nv))) == NULL)
			return -1;
		*v = nv;
		if ((nv[*n] = cp_dup(p, w)) == NULL)
			return -1;
		(*n)++;
	}
	return 0;
}

int cv_set_actions(struct parser *p, const struct cfg_key *k, char *val)
{
	return cv_append_words(p, k, &p->cfg->event_actions,
			       &p->cfg->nevent_actions, val, NULL);
}

int cv_set_starters(struct parser *p, const struct cfg_key *k, char *val)
{
	return cv_append_words(p, k, &p->cfg->starters, &p->cfg->nstarters,
			       val, NULL);
}

void cv_free_multicall(struct kme_config *cfg)
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
int cv_set_multicall(struct parser *p, const struct cfg_key *k, char *val)
{
	struct kme_config *cfg = p->cfg;
	struct cfg_multicall *m;
	const struct name_val *nv;
	char *rest = val, *w;
	int rc = 0;

	if (p->replacing)
		cv_free_multicall(cfg);
	while ((w = cv_next_word(&rest)) != NULL) {
		const char *base = strrchr(w, '/');

		if (w[0] != '/' || base == NULL) {
			cp_perr(p, "%s: '%.*s' is not an absolute path", k->name,
			         CFG_SHOW_VALUE, w);
			rc = -1;
			continue;
		}
		if ((nv = find_name(mc_style_names, base + 1)) == NULL) {
			cp_perr(p, "%s: '%.*s': the binary's name must be kmod or "
			         "busybox (how it dispatches)", k->name,
			         CFG_SHOW_VALUE, w);
			rc = -1;
			continue;
		}
		if (!cv_list_left(p, k, cfg->nmulticall))
			return -1;
		if ((m = cp_grow(p, cfg->multicall, cfg->nmulticall, sizeof(*m))) == NULL)
			return -1;
		cfg->multicall = m;
		m = &cfg->multicall[cfg->nmulticall++];
		m->style = (enum cfg_mc_style)nv->val;
		if ((m->path = cp_dup(p, w)) == NULL)
			return -1;
	}
	return rc;
}

int cv_set_bool(struct parser *p, const struct cfg_key *k, char *val)
{
	const struct name_val *nv = lookup_word(p, k, val);

	if (nv == NULL)
		return -1;
	*(bool *)field(p, k) = nv->val != 0;
	return 0;
}
