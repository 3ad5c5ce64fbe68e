/* check_rediskey.c - the names of the fleet's history in Redis: known
 * answers (every version of the plugin must name a term alike, or a
 * mixed-version fleet splits its history), identity namespaces, the SCAN
 * pattern, bounds. No server. */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "checkrun.h"
#include "rediskey.h"
#include "termtab.h"
#include "histtest.h"

/* The key of term under cfg, as a C string (keys are text). */
static char *key_of(const struct kme_config *cfg, const char *prefix,
		    struct nt_term t)
{
	struct kme_buf key, enc;
	char *s;

	buf_init(&key, 2 * TT_KEY_MAX);
	buf_init(&enc, TT_KEY_MAX);
	ck_assert_int_eq(rk_key_of(cfg, prefix, &t, &key, &enc), 0);
	s = strndup(key.p, key.len);
	buf_free(&key);
	buf_free(&enc);
	return s;
}

/* ---- known answers ------------------------------------------------------- */

/* Computed once (and checked against an independent SipHash-2-4 of the
 * documented encoding) and written down: a change to the encoding, the
 * hash, its keys or the layout fails here. Never update these to make the
 * test pass: a fleet of mixed versions would split its history. */
START_TEST(test_known_key_of_a_term)
{
	struct kme_config *cfg = shipped_config();
	char *k = key_of(cfg, rk_prefix(cfg),
			 term2("/usr/sbin/lsmod", "/usr/bin/bash"));

	ck_assert_str_eq(k, "kme:2d8043ed-5bda-4caf-801c-c1feb7410504:211:"
			 "process.executable,process.parent.executable:t:"
			 "1eb048771251db27cd754564810cafb2");
	free(k);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_known_key_of_a_term_with_an_absent_value)
{
	struct kme_config *cfg = shipped_config();
	char *k = key_of(cfg, rk_prefix(cfg), term2("/usr/sbin/lsmod", NULL));

	ck_assert_str_eq(k, "kme:2d8043ed-5bda-4caf-801c-c1feb7410504:211:"
			 "process.executable,process.parent.executable:t:"
			 "20dff5c57ff21999358ec566b0f60e26");
	free(k);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_known_key_of_a_term_with_host_name)
{
	struct kme_config *cfg = shipped_config();
	struct nt_term t = term2("/usr/sbin/lsmod", "/usr/bin/bash");
	char *k;

	cfg->term_fields[2] = CFG_TF_HOST_NAME;
	cfg->nterm_fields = 3;
	t.v[2] = (struct kme_str){ "web01", 5 };
	t.n = 3;
	k = key_of(cfg, rk_prefix(cfg), t);
	ck_assert_str_eq(k, "kme:2d8043ed-5bda-4caf-801c-c1feb7410504:211:"
			 "process.executable,process.parent.executable,"
			 "host.name:t:98a6f5419e863546e91954e0becd35ac");
	free(k);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_known_key_of_a_rate_interval)
{
	struct kme_config *cfg = shipped_config();
	struct kme_buf k;

	buf_init(&k, 4096);
	ck_assert_int_eq(rk_rate_key(cfg, rk_prefix(cfg), 300000,
				     1700000100000, &k), 0);
	ck_assert_int_eq(buf_putc(&k, '\0'), 0);
	ck_assert_str_eq(k.p, "kme:2d8043ed-5bda-4caf-801c-c1feb7410504:211:"
			 "rate:300000:1700000100000");
	ck_assert_int_eq(rk_rate_key(cfg, "fleet1:", 1, -7, &k), 0);
	ck_assert_int_eq(buf_putc(&k, '\0'), 0);
	ck_assert_str_eq(k.p, "fleet1:2d8043ed-5bda-4caf-801c-c1feb7410504:"
			 "211:rate:1:-7");
	buf_free(&k);
	cfg_free(cfg);
}
END_TEST

/* ---- layout ------------------------------------------------------------------ */

START_TEST(test_default_prefix_is_kme_and_the_config_wins)
{
	struct kme_config *cfg = shipped_config();

	free(cfg->redis_key_prefix);
	cfg->redis_key_prefix = NULL;
	ck_assert_str_eq(rk_prefix(cfg), "kme:");
	cfg->redis_key_prefix = strdup("fleet1:");
	ck_assert_str_eq(rk_prefix(cfg), "fleet1:");
	cfg_free(cfg);
}
END_TEST

START_TEST(test_identity_change_is_another_namespace)
{
	struct kme_config *cfg = shipped_config();
	struct nt_term t = term2("/usr/sbin/lsmod", "/bin/bash");
	char *base = key_of(cfg, "kme:", t), *k;

	free(cfg->rule_version);
	cfg->rule_version = strdup("215");
	k = key_of(cfg, "kme:", t);
	ck_assert_str_ne(base, k);
	ck_assert_ptr_nonnull(strstr(k, ":215:"));
	free(k);
	free(cfg->rule_version);
	cfg->rule_version = strdup("211");
	cfg->term_fields[1] = CFG_TF_PARENT_NAME;
	k = key_of(cfg, "kme:", t);
	ck_assert_str_ne(base, k);
	ck_assert_ptr_nonnull(strstr(k, "process.parent.name"));
	free(k);
	cfg->term_fields[1] = CFG_TF_PARENT_EXECUTABLE;
	k = key_of(cfg, "fleet1:", t);
	ck_assert(strncmp(k, "fleet1:", 7) == 0);
	ck_assert_str_eq(k + 7, base + 4);
	free(k);
	free(base);
	cfg_free(cfg);
}
END_TEST

/* The unknown value (absent or empty, newterms.h) has one key -- the one
 * pinned above for an absent value, so the histories Redis holds stay
 * valid; a value cut at another place is another term. */
START_TEST(test_unknown_values_share_a_key_shifted_values_do_not)
{
	struct kme_config *cfg = shipped_config();
	char *a = key_of(cfg, "kme:", term2("/usr/sbin/lsmod", NULL));
	char *b = key_of(cfg, "kme:", term2("/usr/sbin/lsmod", ""));
	char *c = key_of(cfg, "kme:", term2("/usr/sbin/lsmo", "d"));
	char *d = key_of(cfg, "kme:", term2("/usr/sbin/lsmod", "d"));

	ck_assert_str_eq(a, b);
	ck_assert_str_ne(a, d);
	ck_assert_str_ne(c, d);
	free(a);
	free(b);
	free(c);
	free(d);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_term_of_wrong_shape_or_size_has_no_key)
{
	struct kme_config *cfg = shipped_config();
	struct kme_buf key, enc;
	struct nt_term t = term2("a", "b");
	char *big = malloc(TT_KEY_MAX + 1);

	buf_init(&key, 2 * TT_KEY_MAX);
	buf_init(&enc, TT_KEY_MAX);
	t.n = 1;
	ck_assert_int_eq(rk_key_of(cfg, "kme:", &t, &key, &enc), -1);
	memset(big, 'x', TT_KEY_MAX);
	big[TT_KEY_MAX] = '\0';
	t = term2(big, "b");
	ck_assert_int_eq(rk_key_of(cfg, "kme:", &t, &key, &enc), -1);
	buf_free(&key);
	buf_free(&enc);
	free(big);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_pattern_matches_the_namespace_with_glob_bytes_escaped)
{
	struct kme_config *cfg = shipped_config();
	struct kme_buf p;

	free(cfg->rule_version);
	cfg->rule_version = strdup("2[1]*?");
	buf_init(&p, 4096);
	ck_assert_int_eq(rk_pattern(cfg, "a\\b:", &p), 0);
	ck_assert_int_eq(buf_putc(&p, '\0'), 0);
	ck_assert_str_eq(p.p, "a\\\\b:2d8043ed-5bda-4caf-801c-c1feb7410504:"
			 "2\\[1\\]\\*\\?:process.executable,"
			 "process.parent.executable:t:*");
	/* A bound too small for the namespace is an error, not a cut. */
	buf_free(&p);
	buf_init(&p, 16);
	ck_assert_int_eq(rk_pattern(cfg, "kme:", &p), -1);
	buf_free(&p);
	cfg_free(cfg);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rediskey");
	TCase *tc = tcase_create("known answers");

	tcase_add_test(tc, test_known_key_of_a_term);
	tcase_add_test(tc, test_known_key_of_a_term_with_an_absent_value);
	tcase_add_test(tc, test_known_key_of_a_term_with_host_name);
	tcase_add_test(tc, test_known_key_of_a_rate_interval);
	suite_add_tcase(s, tc);
	tc = tcase_create("layout");
	tcase_add_test(tc, test_default_prefix_is_kme_and_the_config_wins);
	tcase_add_test(tc, test_identity_change_is_another_namespace);
	tcase_add_test(tc, test_unknown_values_share_a_key_shifted_values_do_not);
	tcase_add_test(tc, test_term_of_wrong_shape_or_size_has_no_key);
	tcase_add_test(tc, test_pattern_matches_the_namespace_with_glob_bytes_escaped);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
