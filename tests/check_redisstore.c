/* check_redisstore.c - the Redis store without a server: the key layout
 * (identity namespaces, hashing, bounds), and the local fallback when
 * Redis does not answer (decisions, the bounded queue, counters, one
 * message). A server's behaviour is tests/redis.sh's. */
#include <config.h>

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"
#include "log.h"
#include "redisstore.h"
#include "termtab.h"

#define T0 ((int64_t)1700000000000)

static struct kme_config *config(void)
{
	struct kme_config *cfg = NULL;
	struct kme_err err = { "" };

	ck_assert_msg(cfg_load_default(&cfg, &err) == 0, "%s", err.msg);
	return cfg;
}

static struct nt_term term2(const char *a, const char *b)
{
	struct nt_term t = { .n = 2 };

	t.v[0] = a ? (struct kme_str){ a, strlen(a) } : KME_STR_NULL;
	t.v[1] = b ? (struct kme_str){ b, strlen(b) } : KME_STR_NULL;
	return t;
}

/* The key of term under cfg, as a C string (keys are text). */
static char *key_of(const struct kme_config *cfg, const char *prefix,
		    struct nt_term t)
{
	struct kme_buf key, enc;
	char *s;

	buf_init(&key, 2 * TT_KEY_MAX);
	buf_init(&enc, TT_KEY_MAX);
	ck_assert_int_eq(rs_key_of(cfg, prefix, &t, &key, &enc), 0);
	s = strndup(key.p, key.len);
	buf_free(&key);
	buf_free(&enc);
	return s;
}

START_TEST(test_key_is_prefix_identity_and_a_128_bit_hash)
{
	struct kme_config *cfg = config();
	char *k = key_of(cfg, "kme:", term2("/usr/sbin/lsmod", "/bin/bash"));
	const char *ns = "kme:2d8043ed-5bda-4caf-801c-c1feb7410504:211:"
			 "process.executable,process.parent.executable:t:";
	size_t i;

	ck_assert_msg(strncmp(k, ns, strlen(ns)) == 0, "%s", k);
	ck_assert_uint_eq(strlen(k), strlen(ns) + 32);
	for (i = strlen(ns); k[i]; i++)
		ck_assert(strchr("0123456789abcdef", k[i]) != NULL);
	free(k);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_same_term_same_key_on_every_host)
{
	/* Fixed hash keys: two processes (two hosts) agree. */
	struct kme_config *cfg = config();
	char *a = key_of(cfg, "kme:", term2("/usr/sbin/lsmod", "/bin/bash"));
	char *b = key_of(cfg, "kme:", term2("/usr/sbin/lsmod", "/bin/bash"));

	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_identity_change_is_another_namespace)
{
	struct kme_config *cfg = config();
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

/* The unknown value (absent or empty, newterms.h) has one key; a value cut
 * at another place is another term. */
START_TEST(test_unknown_values_share_a_key_shifted_values_do_not)
{
	struct kme_config *cfg = config();
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
	struct kme_config *cfg = config();
	struct kme_buf key, enc;
	struct nt_term t = term2("a", "b");
	char *big = malloc(TT_KEY_MAX + 1);

	buf_init(&key, 2 * TT_KEY_MAX);
	buf_init(&enc, TT_KEY_MAX);
	t.n = 1;
	ck_assert_int_eq(rs_key_of(cfg, "kme:", &t, &key, &enc), -1);
	memset(big, 'x', TT_KEY_MAX);
	big[TT_KEY_MAX] = '\0';
	t = term2(big, "b");
	ck_assert_int_eq(rs_key_of(cfg, "kme:", &t, &key, &enc), -1);
	buf_free(&key);
	buf_free(&enc);
	free(big);
	cfg_free(cfg);
}
END_TEST

#ifdef HAVE_HIREDIS

static int said;
static char last_said[KME_LOG_MAX];

static void catch_log(void *arg, int prio, const char *line)
{
	(void)arg;
	(void)prio;
	said++;
	snprintf(last_said, sizeof(last_said), "%s", line);
}

/* A store whose Redis is a socket path nobody listens on. */
static struct nt_store *down_store(const struct kme_config *cfg,
				   char *dir, size_t size)
{
	struct kme_err err = { "" };
	char url[256];
	struct rs_opts o = { .url = url, .rate_limit = true };
	struct nt_store *s;

	snprintf(dir, size, "/tmp/check_redisstore.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(url, sizeof(url), "unix://%s/none.sock", dir);
	s = rs_open(cfg, &o, &err);
	ck_assert_msg(s != NULL, "%s", err.msg);
	return s;
}

START_TEST(test_down_at_start_decides_locally_and_says_so_once)
{
	struct kme_config *cfg = config();
	struct nt_term t = term2("/usr/sbin/lsmod", "/bin/bash");
	struct kme_err err = { "" };
	struct nt_seen seen;
	struct nt_stats st;
	struct nt_store *s;
	char dir[64];
	bool allowed;
	int i;

	said = 0;
	log_to_fn(catch_log, NULL);
	s = down_store(cfg, dir, sizeof(dir));
	ck_assert_int_eq(said, 1);
	ck_assert_ptr_nonnull(strstr(last_said, "deciding with local history"));
	ck_assert_ptr_nonnull(strstr(last_said, dir));
	ck_assert_int_eq(nt_check_touch(s, &t, T0, &seen, &err), 0);
	ck_assert(seen.is_new);
	ck_assert(seen.local);
	ck_assert_int_eq(nt_check_touch(s, &t, T0 + 1000, &seen, &err), 0);
	ck_assert(!seen.is_new);
	ck_assert(seen.known);
	ck_assert(seen.local);
	ck_assert_int_eq(seen.last_seen, T0);
	for (i = 0; i < 50; i++)
		nt_check_touch(s, &t, T0 + 2000 + i, &seen, &err);
	/* Down: the fleet's rate limit cannot decide; the caller limits. */
	ck_assert_int_eq(nt_rate_allow(s, T0, &allowed), -1);
	nt_stats(s, &st);
	ck_assert(st.shared);
	ck_assert_uint_eq(st.fallbacks, 52);
	ck_assert_uint_ge(st.errors, 1);
	ck_assert_uint_eq(st.pushed, 0);
	ck_assert_int_eq(said, 1);  /* once, not once per event */
	nt_destroy(s);
	log_to_stderr();
	rmdir(dir);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_local_queue_is_bounded_and_overflow_counted)
{
	struct kme_config *cfg = config();
	struct kme_err err = { "" };
	struct nt_seen seen;
	struct nt_stats st;
	struct nt_store *s;
	char dir[64], exe[32];
	int i;

	cfg->max_terms = 3;
	log_to_fn(catch_log, NULL);
	s = down_store(cfg, dir, sizeof(dir));
	for (i = 0; i < 5; i++) {
		struct nt_term t;

		snprintf(exe, sizeof(exe), "/tmp/lsmod%d", i);
		t = term2(exe, "/bin/sh");
		ck_assert_int_eq(nt_check_touch(s, &t, T0 + i, &seen, &err), 0);
	}
	nt_stats(s, &st);
	ck_assert_uint_eq(st.terms, 3);
	ck_assert_uint_eq(st.dropped, 2);
	nt_destroy(s);
	log_to_stderr();
	rmdir(dir);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_required_store_fails_when_redis_does_not_answer)
{
	struct kme_config *cfg = config();
	struct kme_err err = { "" };
	struct rs_opts o = { .url = "unix:///nonexistent/kme-check.sock",
			     .require = true };

	ck_assert_ptr_null(rs_open(cfg, &o, &err));
	ck_assert_msg(strstr(err.msg, "unix:///nonexistent/kme-check.sock") !=
		      NULL, "%s", err.msg);
	cfg_free(cfg);
}
END_TEST

/* The password file is checked like the config file. */
START_TEST(test_password_file_must_be_private_and_not_a_link)
{
	struct kme_config *cfg = config();
	struct kme_err err = { "" };
	struct rs_opts o = { .url = "unix:///nonexistent/kme-check.sock" };
	char dir[64], pw[96], link[96];
	struct nt_store *s;
	FILE *fp;

	snprintf(dir, sizeof(dir), "/tmp/check_redisstore.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(pw, sizeof(pw), "%s/pw", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	fp = fopen(pw, "w");
	fputs("secret\n", fp);
	fclose(fp);
	ck_assert_int_eq(symlink(pw, link), 0);
	log_to_fn(catch_log, NULL);

	chmod(pw, 0640);
	cfg->redis_password_file = strdup(pw);
	ck_assert_ptr_null(rs_open(cfg, &o, &err));
	ck_assert_msg(strstr(err.msg, "group or others") != NULL, "%s", err.msg);
	chmod(pw, 0600);
	s = rs_open(cfg, &o, &err);
	ck_assert_msg(s != NULL, "%s", err.msg);
	nt_destroy(s);
	free(cfg->redis_password_file);
	cfg->redis_password_file = strdup(link);
	ck_assert_ptr_null(rs_open(cfg, &o, &err));
	ck_assert_msg(strstr(err.msg, "symbolic link") != NULL, "%s", err.msg);
	free(cfg->redis_password_file);
	cfg->redis_password_file = strdup(dir);
	ck_assert_ptr_null(rs_open(cfg, &o, &err));
	ck_assert_msg(strstr(err.msg, "not a regular file") != NULL, "%s",
		      err.msg);
	log_to_stderr();
	unlink(link);
	unlink(pw);
	rmdir(dir);
	cfg_free(cfg);
}
END_TEST

#endif

int main(void)
{
	Suite *s = suite_create("redisstore");
	TCase *tc = tcase_create("keys");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_key_is_prefix_identity_and_a_128_bit_hash);
	tcase_add_test(tc, test_same_term_same_key_on_every_host);
	tcase_add_test(tc, test_identity_change_is_another_namespace);
	tcase_add_test(tc, test_unknown_values_share_a_key_shifted_values_do_not);
	tcase_add_test(tc, test_term_of_wrong_shape_or_size_has_no_key);
	suite_add_tcase(s, tc);
#ifdef HAVE_HIREDIS
	tc = tcase_create("fallback");
	tcase_add_test(tc, test_down_at_start_decides_locally_and_says_so_once);
	tcase_add_test(tc, test_local_queue_is_bounded_and_overflow_counted);
	tcase_add_test(tc, test_required_store_fails_when_redis_does_not_answer);
	tcase_add_test(tc, test_password_file_must_be_private_and_not_a_link);
	suite_add_tcase(s, tc);
#endif
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
