/* cfgrule.c - several rules in one configuration (see cfg.h, "Several
 * rules", and cfgparse.h): the rule blocks (rule = NAME), the keys of rule
 * types, watched files and proven exclusions, the checks of the whole
 * configuration's rules, and the process-wide settings an added rule
 * shares with the first one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfgparse.h"

#define OFF(f) offsetof(struct kme_config, f)

static const char *const type_names[CFG_RULE__COUNT] = {
	[CFG_RULE_EXEC] = "exec",
	[CFG_RULE_FILE_OPEN] = "file_open",
};

const char *cfg_rule_type_name(enum cfg_rule_type t)
{
	return (unsigned)t < CFG_RULE__COUNT ? type_names[t] : "?";
}

/* The process-wide fields (the keys of process scope) an added rule takes
 * from the first rule: copied as they are, strings borrowed (cr_disown). */
static const struct {
	size_t off, size;
} shared[] = {
#define SHARED(f) { OFF(f), sizeof(((struct kme_config *)0)->f) }
	SHARED(alert_format), SHARED(starters), SHARED(nstarters),
	SHARED(eoe_timeout), SHARED(local_node), SHARED(max_alert_size),
	SHARED(new_terms_store), SHARED(output_queue),
	SHARED(process_table_memory), SHARED(process_table_size),
	SHARED(redis_command_timeout), SHARED(redis_connect_timeout),
	SHARED(redis_key_prefix), SHARED(redis_password_file),
	SHARED(state_save_interval), SHARED(syslog_facility),
	SHARED(syslog_priority),
#undef SHARED
};

/* What an added rule must set itself: who it is and where its history
 * lives (the defaults are the first rule's identity). */
static const char *const own_keys[] = {
	"rule_id", "rule_name", "rule_version", "rule_description",
	"rule_reference", "state_file",
};

/* ---- the rule blocks --------------------------------------------------- */

/* A rule's name: what --explain, messages and derived state files show. */
static bool label_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= CFG_MAX_LABEL &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789._-") == n && s[0] != '.' && s[0] != '-';
}

static struct cp_scope *new_scope(struct parser *p, const char *label)
{
	struct kme_config *top = p->top.cfg;
	struct cp_scope *sc = calloc(1, sizeof(*sc));

	if (sc == NULL || (sc->cfg = calloc(1, sizeof(*sc->cfg))) == NULL) {
		free(sc);
		p->oom = true;
		cp_perr(p, "out of memory");
		return NULL;
	}
	sc->cfg->main = top;
	top->rules[top->nrules] = sc->cfg;
	p->added[top->nrules++] = sc;
	if ((sc->cfg->label = cp_dup(p, label)) == NULL ||
	    (sc->cfg->path = cp_dup(p, p->origin)) == NULL)
		return NULL;
	return sc;
}

int cr_set_rule(struct parser *p, const struct cfg_key *k, char *val)
{
	struct kme_config *top = p->top.cfg;
	struct cp_scope *sc = NULL;
	size_t i;

	if (!label_ok(val)) {
		cp_perr(p, "%s: '%.*s' is not a rule name (letters, digits, "
			 "'.', '_', '-'; at most %d bytes)", k->name,
			 CFG_SHOW_VALUE, val, CFG_MAX_LABEL);
		return -1;
	}
	for (i = 0; i < top->nrules && sc == NULL; i++)
		if (strcmp(top->rules[i]->label, val) == 0)
			sc = p->added[i];
	if (sc == NULL && top->nrules == CFG_MAX_RULES - 1) {
		cp_perr(p, "%s: too many rules (limit %d, the first included)",
			 k->name, CFG_MAX_RULES);
		return -1;
	}
	if (sc == NULL && (sc = new_scope(p, val)) == NULL)
		return -1;
	p->cur = sc;
	p->cfg = sc->cfg;
	return 0;
}

int cr_set_type(struct parser *p, const struct cfg_key *k, char *val)
{
	size_t t;

	for (t = 0; t < CFG_RULE__COUNT; t++)
		if (strcmp(type_names[t], val) == 0) {
			p->cfg->rule_type = (enum cfg_rule_type)t;
			return 0;
		}
	cp_perr(p, "%s: unknown value '%.*s' (exec or file_open)", k->name,
		 CFG_SHOW_VALUE, val);
	return -1;
}

bool cr_key_allowed(struct parser *p, const struct cfg_key *k)
{
	if (p->cur == &p->top || k->scope != CFG_SCOPE_PROCESS)
		return true;
	cp_perr(p, "%s is the process's setting, shared by every rule: set it "
		 "outside rule blocks (here: rule %s)", k->name, p->cfg->label);
	return false;
}

/* ---- watched files and trusted directories ------------------------------ */

/* An absolute path as a path rule names it: no ".", "..", empty component
 * or trailing '/' (the alerts report it as file.path, and trust.h compares
 * directories component by component), no space. */
static bool clean_path(const char *s)
{
	const char *c = s;

	if (s[0] != '/' || strpbrk(s, " \t") != NULL)
		return false;
	if (s[1] == '\0')
		return true;
	while (*c == '/') {
		const char *e = strchr(c + 1, '/');
		size_t n = e ? (size_t)(e - c - 1) : strlen(c + 1);

		if (n == 0 || (n == 1 && c[1] == '.') ||
		    (n == 2 && c[1] == '.' && c[2] == '.'))
			return false;
		if (e == NULL)
			break;
		c = e;
	}
	return true;
}

/* An audit key as auditctl -k takes it: printable, no space, at most 255
 * bytes (the kernel's AUDIT_MAX_KEY_LEN is 256). */
static bool key_ok(const char *s)
{
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return n > 0 && n <= 255;
}

int cr_set_watch(struct parser *p, const struct cfg_key *k, char *val)
{
	struct kme_config *cfg = p->cfg;
	struct cfg_watch *w;
	char *rest = val, *path = cv_next_word(&rest);
	char *key = path ? cv_next_word(&rest) : NULL;

	if (path == NULL || !clean_path(path) || key == NULL || !key_ok(key) ||
	    cv_next_word(&rest) != NULL) {
		cp_perr(p, "%s: expected 'PATH KEY' (an absolute path without "
			 "'.', '..' or empty components, and an audit key), got "
			 "'%.*s'", k->name, CFG_SHOW_VALUE, val);
		return -1;
	}
	if (!cv_list_left(p, k, cfg->nwatches))
		return -1;
	if ((w = cp_grow(p, cfg->watches, cfg->nwatches, sizeof(*w))) == NULL)
		return -1;
	cfg->watches = w;
	w = &cfg->watches[cfg->nwatches++];
	w->origin.file = p->origin;
	w->origin.line = p->line;
	if ((w->path = cp_dup(p, path)) == NULL ||
	    (w->key = cp_dup(p, key)) == NULL)
		return -1;
	return 0;
}

/* A trusted_dir word: a clean absolute directory. */
static int check_dir(struct parser *p, const struct cfg_key *k, const char *w)
{
	if (clean_path(w))
		return 0;
	cp_perr(p, "%s: '%.*s' is not an absolute directory without '.', '..' "
		 "or empty components", k->name, CFG_SHOW_VALUE, w);
	return -1;
}

int cr_set_dirs(struct parser *p, const struct cfg_key *k, char *val)
{
	return cv_append_words(p, k, &p->cfg->trusted_dirs,
			       &p->cfg->ntrusted_dirs, val, check_dir);
}

/* ---- the checks of the whole configuration ------------------------------ */

static const char *rule_name_of(const struct kme_config *r)
{
	return r->label != NULL ? r->label : "(the first)";
}

/* What a rule's type needs, and keys that belong to the other type. */
static void check_type(struct parser *p, const struct kme_config *r)
{
	const char *n = rule_name_of(r);

	if (r->main != NULL && r->rule_type != CFG_RULE_FILE_OPEN)
		cp_perr(p, "rule %s: an added rule watches files (rule_type = "
			 "file_open); only the first rule watches execs", n);
	if (r->rule_type == CFG_RULE_EXEC) {
		if (r->nwatches > 0)
			cp_perr(p, "rule %s: file_watch needs rule_type = "
				 "file_open", n);
		return;
	}
	if (r->nwatches == 0)
		cp_perr(p, "rule %s: a file_open rule needs file_watch lines", n);
	if (r->nmatches > 0 || r->match_multicall)
		cp_perr(p, "rule %s: match lines and match_multicall need "
			 "rule_type = exec", n);
}

/* An added rule names itself: the keys of own_keys, in its own block.
 * false (said) when it does not. */
static bool check_own(struct parser *p, const struct cp_scope *sc,
		      const struct cfg_key *keys, size_t nkeys)
{
	bool named = true;
	size_t i, j;

	for (i = 0; i < sizeof(own_keys) / sizeof(own_keys[0]); i++)
		for (j = 0; j < nkeys; j++)
			if (strcmp(keys[j].name, own_keys[i]) == 0 &&
			    sc->seen[j] == 0) {
				cp_perr(p, "rule %s: %s not set (an added rule "
					 "names itself and its history)",
					 sc->cfg->label, own_keys[i]);
				named = false;
			}
	return named;
}

/* No two rules share a history: a state file, or an identity (Redis keys
 * and the state file's guard are made of id and version). */
static void check_apart(struct parser *p, const struct kme_config *a,
			const struct kme_config *b)
{
	if (a->state_file != NULL && b->state_file != NULL &&
	    strcmp(a->state_file, b->state_file) == 0)
		cp_perr(p, "rules %s and %s share the state file %s",
			 rule_name_of(a), rule_name_of(b), a->state_file);
	if (a->rule_id != NULL && b->rule_id != NULL && a->rule_version &&
	    b->rule_version && strcmp(a->rule_id, b->rule_id) == 0 &&
	    strcmp(a->rule_version, b->rule_version) == 0)
		cp_perr(p, "rules %s and %s share the identity %s v%s (their "
			 "histories would mix)", rule_name_of(a),
			 rule_name_of(b), a->rule_id, a->rule_version);
}

void cr_finish(struct parser *p, const struct cfg_key *keys, size_t nkeys)
{
	struct kme_config *top = p->top.cfg;
	const struct kme_config *a, *b;
	bool named = true;
	size_t i, j, s;

	p->line = 0;
	for (i = 0; (a = cfg_rule(top, i)) != NULL; i++) {
		check_type(p, a);
		if (i > 0 && !check_own(p, p->added[i - 1], keys, nkeys))
			named = false;
	}
	/* (A rule that did not name itself has the first rule's names:
	 * that it shares them is no news.) */
	for (i = 0; named && (a = cfg_rule(top, i)) != NULL; i++)
		for (j = i + 1; (b = cfg_rule(top, j)) != NULL; j++)
			check_apart(p, a, b);
	for (i = 0; i < top->nrules; i++)
		for (s = 0; s < sizeof(shared) / sizeof(shared[0]); s++)
			memcpy((char *)top->rules[i] + shared[s].off,
			       (const char *)top + shared[s].off, shared[s].size);
}

void cr_free_scopes(struct parser *p)
{
	size_t i;

	for (i = 0; i < p->top.cfg->nrules; i++) {
		free(p->added[i]);
		p->added[i] = NULL;
	}
}

void cr_disown(struct kme_config *cfg)
{
	size_t s;

	if (cfg->main == NULL)
		return;
	for (s = 0; s < sizeof(shared) / sizeof(shared[0]); s++)
		memset((char *)cfg + shared[s].off, 0, shared[s].size);
}
