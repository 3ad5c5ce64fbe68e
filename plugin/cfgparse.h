/* cfgparse.h - the configuration parser's own parts, private to it (so
 * not in include/): only config.c, cfgvalue.c and cfgparse.c include it.
 *
 * Three files make the configuration (cfg.h is its public face), each
 * depending only on the ones below it:
 *   config.c    the files, their lines, the key table (struct cfg_key),
 *               the defaults and includes;
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

struct name_val {
	const char *name;
	int val;
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

#endif
