/* cfgparse.h - the configuration parser's own parts, private to it (so
 * not in include/): only config.c, cfgvalue.c and cfgparse.c include it.
 *
 * Four files make the configuration (cfg.h is its public face), each
 * depending only on the ones below it:
 *   config.c    the files, their lines, the key table (struct cfg_key),
 *               the defaults and includes;
 *   cfgrule.c   several rules: the rule blocks (scopes), the keys of rules
 *               and proven exclusions (cr_), the checks of a whole
 *               configuration's rules, and what an added rule shares;
 *   cfgvalue.c  the handler of each kind of value (cv_), and the names of
 *               the term fields;
 *   cfgparse.c  the parser's state (struct parser): its error list (cp_perr)
 *               and the allocations that mark it out of memory (cp_).
 *
 * A handler stores val (trimmed, non-empty, NUL-terminated; it may modify
 * it) into p->cfg and returns 0, or reports each error with cp_perr() and
 * returns -1. Whatever it allocates belongs to the config, on error too
 * (cfg_free releases it); out of memory sets p->oom. Cost O(value length);
 * list keys append to arrays that double (amortised O(1) per entry), at
 * most CFG_MAX_ENTRIES match and exclusion entries.
 */
#ifndef KME_CFGPARSE_H
#define KME_CFGPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"

#define CFG_MAX_ENTRIES 10000          /* match + exclusion entries */
#define CFG_SHOW_VALUE  64             /* bytes of a bad value quoted back */
#define CFG_MAX_LINE    4096           /* bytes of one line, newline excluded */

struct name_val {
	const char *name;
	int val;
};

/* Whose a key's value is. */
enum cfg_scope {
	CFG_SCOPE_RULE = 0,        /* each rule's own (set in its block) */
	CFG_SCOPE_PROCESS,         /* the process's: outside rule blocks only;
				      added rules share it */
};

struct parser;
struct cfg_key;

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
	enum cfg_scope scope;      /* whose setting it is (cfg.h, "Several
				      rules") */
};

#define CFG_MAX_KEYS 64

/* The keys one rule has seen: its config and, by key table index, the
 * first line of each key and in which file (file_id). */
struct cp_scope {
	struct kme_config *cfg;
	int seen[CFG_MAX_KEYS];
	unsigned seen_file[CFG_MAX_KEYS];
};

struct parser {
	const char *name;          /* file name for messages */
	int line;                  /* current line; 0 = not tied to a line */
	struct kme_config *cfg;    /* the rule being configured (cur->cfg) */
	struct cp_scope *cur;      /* ... and its keys */
	struct cp_scope top;       /* the first rule (and the process) */
	struct cp_scope *added[CFG_MAX_RULES - 1]; /* the added rules', in the
				      order of top.cfg->rules */
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

/* ---- cfgparse.c --------------------------------------------------------- */

/* Record one error of the file being parsed, at its current line: whole
 * messages are kept while they fit in p->err (the first always, truncated
 * if need be), the rest counted (p->nerr counts them all). */
void cp_perr(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Close the error list: "(N more errors not shown)" when some were
 * dropped. */
void cp_finish(struct parser *p);

/* A copy of s owned by the config; NULL (reported, p->oom) when out of
 * memory. */
char *cp_dup(struct parser *p, const char *s);
/* arr with room for element n, zeroed; NULL (reported, p->oom, arr still
 * owned by the config) when out of memory. */
void *cp_grow(struct parser *p, void *arr, size_t n, size_t size);

/* ---- cfgvalue.c --------------------------------------------------------- */

void cv_free_words(char **v, size_t n);
void cv_free_multicall(struct kme_config *cfg);

/* The handlers, one per kind of value. */
int cv_set_u32(struct parser *p, const struct cfg_key *k, char *val);
int cv_set_size(struct parser *p, const struct cfg_key *k, char *val);
int cv_set_bytes(struct parser *p, const struct cfg_key *k, char *val);
int cv_set_duration(struct parser *p, const struct cfg_key *k, char *val);
int cv_set_int_name(struct parser *p, const struct cfg_key *k, char *val);
int cv_set_format(struct parser *p, const struct cfg_key *k, char *val);
int cv_set_string(struct parser *p, const struct cfg_key *k, char *val);
int cv_set_severity(struct parser *p, const struct cfg_key *k, char *val);
int cv_set_author(struct parser *p, const struct cfg_key *k, char *val);
int cv_set_threat(struct parser *p, const struct cfg_key *k, char *val);
int cv_set_node(struct parser *p, const struct cfg_key *k, char *val);
int cv_set_path(struct parser *p, const struct cfg_key *k, char *val);
int cv_set_store(struct parser *p, const struct cfg_key *k, char *val);
int cv_set_prefix(struct parser *p, const struct cfg_key *k, char *val);
int cv_set_ms(struct parser *p, const struct cfg_key *k, char *val);
int cv_set_match(struct parser *p, const struct cfg_key *k, char *val);
int cv_set_excl(struct parser *p, const struct cfg_key *k, char *val);
int cv_set_fields(struct parser *p, const struct cfg_key *k, char *val);
int cv_set_actions(struct parser *p, const struct cfg_key *k, char *val);
int cv_set_starters(struct parser *p, const struct cfg_key *k, char *val);
int cv_set_multicall(struct parser *p, const struct cfg_key *k, char *val);
int cv_set_bool(struct parser *p, const struct cfg_key *k, char *val);
/* Every word of val appended to *v (one-value list: a later file's lines
 * replace an earlier file's). check, when not NULL, judges each word
 * first: -1 after reporting it (cp_perr) stops there. */
typedef int (*cv_word_check)(struct parser *p, const struct cfg_key *k,
			     const char *word);
int cv_append_words(struct parser *p, const struct cfg_key *k, char ***v,
		    size_t *n, char *val, cv_word_check check);
/* The next blank-separated word of *s, NUL-terminated in place, *s moved
 * past it; NULL at the end. */
char *cv_next_word(char **s);
/* Room for one more of k's n values? Reported (cp_perr) when not. */
bool cv_list_left(struct parser *p, const struct cfg_key *k, size_t n);

/* ---- cfgrule.c ---------------------------------------------------------- */

/* The handlers of the keys of several rules (cfg.h). */
int cr_set_rule(struct parser *p, const struct cfg_key *k, char *val);
int cr_set_type(struct parser *p, const struct cfg_key *k, char *val);
int cr_set_watch(struct parser *p, const struct cfg_key *k, char *val);
int cr_set_dirs(struct parser *p, const struct cfg_key *k, char *val);

/* Is key k allowed where the parser is now? (Reported when not.) */
bool cr_key_allowed(struct parser *p, const struct cfg_key *k);

/* After every line and default: each rule's checks (what its type needs,
 * an added rule's identity, no history shared), then the process-wide
 * settings copied into the added rules. Errors reported. */
void cr_finish(struct parser *p, const struct cfg_key *keys, size_t nkeys);

/* Free the added rules' parser scopes (not their configs). */
void cr_free_scopes(struct parser *p);

/* An added rule's borrowed fields are not its own to free: called by
 * cfg_free before it frees a config's fields. */
void cr_disown(struct kme_config *cfg);

#endif
