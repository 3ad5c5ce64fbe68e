/* histtest.h - helpers shared by the history suites (check_termtab.c,
 * check_newterms.c, check_statefile.c, check_history.c and the Redis
 * suites): terms, the shipped configuration, and what the code under test
 * logged. */
#ifndef KME_HISTTEST_H
#define KME_HISTTEST_H

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "cfg.h"
#include "log.h"
#include "term.h"

/* A term of two values; NULL is an absent value. The values are borrowed
 * from a and b. */
static inline struct nt_term term2(const char *a, const char *b)
{
	struct nt_term t = { .n = 2 };

	t.v[0] = a ? (struct kme_str){ a, strlen(a) } : KME_STR_NULL;
	t.v[1] = b ? (struct kme_str){ b, strlen(b) } : KME_STR_NULL;
	return t;
}

/* The built-in (shipped) configuration; the caller frees it. */
static inline struct kme_config *shipped_config(void)
{
	struct kme_config *cfg = NULL;
	struct kme_err err = { "" };

	ck_assert_msg(cfg_load_default(&cfg, &err) == 0, "%s", err.msg);
	return cfg;
}

/* What was logged (log.h) since ht_catch_log: how many messages, the
 * last one, and all of them (one a line, bounded). */
static struct {
	int n;
	char last[KME_LOG_MAX];
	char all[8192];
} ht_log;

static inline void ht_log_line(void *arg, int prio, const char *line)
{
	size_t len = strlen(ht_log.all);

	(void)arg;
	(void)prio;
	ht_log.n++;
	snprintf(ht_log.last, sizeof(ht_log.last), "%s", line);
	snprintf(ht_log.all + len, sizeof(ht_log.all) - len, "%s\n", line);
}

static inline void ht_catch_log(void)
{
	memset(&ht_log, 0, sizeof(ht_log));
	log_to_fn(ht_log_line, NULL);
}

#endif
