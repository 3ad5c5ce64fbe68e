/* cfgtest.h - parsing helpers shared by the configuration suites
 * (check_config.c, check_cfgvalue.c). */
#ifndef KME_CFGTEST_H
#define KME_CFGTEST_H

#include <check.h>
#include <string.h>

#include "cfg.h"

static inline struct kme_config *parse_ok(const char *text)
{
	struct kme_config *cfg = NULL;
	struct kme_err err = { "" };
	int rc = cfg_parse("t.conf", text, strlen(text), &cfg, &err);

	ck_assert_msg(rc == 0, "parse failed: %s", err.msg);
	ck_assert_ptr_nonnull(cfg);
	return cfg;
}

/* Parse text of len bytes that must fail; err.msg is returned in *err. */
static inline void parse_fail_len(const char *text, size_t len, struct kme_err *err)
{
	struct kme_config *sentinel = (struct kme_config *)&sentinel;
	struct kme_config *cfg = sentinel;

	memset(err, 0, sizeof(*err));
	ck_assert_int_eq(cfg_parse("t.conf", text, len, &cfg, err), -1);
	ck_assert_ptr_eq(cfg, sentinel); /* *out untouched on failure */
	ck_assert_str_ne(err->msg, "");
}

static inline void parse_fail(const char *text, struct kme_err *err)
{
	parse_fail_len(text, strlen(text), err);
}

/* A parse that must fail with a message containing want. */
static inline void parse_fails(const char *text, const char *want)
{
	struct kme_err err;

	parse_fail(text, &err);
	ck_assert_msg(strstr(err.msg, want) != NULL, "'%s' not in '%s'", want,
		      err.msg);
}

#endif
