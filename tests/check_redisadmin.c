/* check_redisadmin.c - the whole shared history at once, against a real
 * redis-server started here (tests/redistest.h): a state file imported
 * (--migrate-state) reads back as the same listing (--dump-state), hashes
 * that are not our terms are left out, a listing beyond max_terms says
 * so, and a Redis that does not answer is the command's failure. */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "checkrun.h"
#include "histtest.h"
#include "log.h"
#include "redisadmin.h"
#include "statefile.h"

#define T0 ((int64_t)1700000000000)
#define NS "kme:2d8043ed-5bda-4caf-801c-c1feb7410504:211:" \
	   "process.executable,process.parent.executable:t:"

#ifdef HAVE_HIREDIS
#include "redistest.h"

/* A state file at path holding n terms /opt/tI/lsmod, bash, each seen
 * twice (T0 + I, T0 + 2I). */
static void state_file(const struct kme_config *cfg, const char *path, int n)
{
	struct kme_err err = { "" };
	struct nt_store *s = sf_open(path, cfg, NULL, &err);
	struct nt_seen seen;
	char exe[32];
	int i;

	ck_assert_msg(s != NULL, "%s", err.msg);
	for (i = 0; i < n; i++) {
		struct nt_term t;

		snprintf(exe, sizeof(exe), "/opt/t%d/lsmod", i);
		t = term2(exe, "/usr/bin/bash");
		ck_assert_int_eq(nt_check_touch(s, &t, T0 + i, &seen, &err), 0);
		ck_assert_int_eq(nt_check_touch(s, &t, T0 + 2 * i, &seen, &err),
				 0);
	}
	ck_assert_msg(nt_save(s, &err) == 0, "%s", err.msg);
	nt_destroy(s);
}

/* Such a state file in the server's directory, imported into Redis
 * through c, then removed. */
static void imported(const struct kme_config *cfg, struct rc_conn *c, int n)
{
	char path[128];
	struct nt_store *src;
	struct kme_err err = { "" };
	size_t sent;

	snprintf(path, sizeof(path), "%s/state.json", rt.dir);
	state_file(cfg, path, n);
	src = sf_open_ro(path, cfg, &err);
	ck_assert_msg(src != NULL, "%s", err.msg);
	ck_assert_msg(ra_import(c, cfg, src, &sent, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(sent, (size_t)n);
	nt_destroy(src);
	unlink(path);
}

/* How many terms a listing of cfg's identity holds (*loaded: how many it
 * read). */
static size_t listed(struct rc_conn *c, const struct kme_config *cfg,
		     size_t *loaded)
{
	struct kme_err err = { "" };
	struct nt_store *listing = ra_listing(c, cfg, loaded, &err);
	struct nt_stats st;

	ck_assert_msg(listing != NULL, "%s", err.msg);
	nt_stats(listing, &st);
	nt_destroy(listing);
	return st.terms;
}

struct sum {
	unsigned n;
	uint64_t count;
	int64_t first, last;
};

static void add_up(void *arg, const struct nt_term *t, int64_t first,
		   int64_t last, uint64_t count)
{
	struct sum *s = arg;

	ck_assert_uint_eq(t->n, 2);
	ck_assert_str_eq(t->v[1].p, "/usr/bin/bash");
	s->n++;
	s->count += count;
	s->first += first - T0;
	s->last += last - T0;
}

START_TEST(test_an_imported_state_file_lists_the_same_terms)
{
	struct kme_config *cfg = shipped_config();
	struct rc_conn *c = rt_conn(rt.url, true);
	struct kme_err err = { "" };
	struct sum sum = { 0, 0, 0, 0 };
	struct nt_store *listing;
	size_t loaded;

	imported(cfg, c, 2500);
	ck_assert_int_eq(rt_int("DBSIZE"), 2500);
	/* In the namespace, but not terms of ours: skipped, not fatal. */
	rt_ok("SET " NS "junk x");
	rt_ok("HSET " NS "partial v x f 1");
	rt_ok("HSET " NS "late v x f 9 l 1 c 1");
	listing = ra_listing(c, cfg, &loaded, &err);
	ck_assert_msg(listing != NULL, "%s", err.msg);
	ck_assert_uint_eq(loaded, 2500);
	nt_foreach(listing, add_up, &sum);
	ck_assert_uint_eq(sum.n, 2500);
	ck_assert_uint_eq(sum.count, 2 * 2500);
	ck_assert_int_eq(sum.first, 2500 * 2499 / 2);        /* sum of I */
	ck_assert_int_eq(sum.last, 2 * (2500 * 2499 / 2));   /* sum of 2I */
	nt_destroy(listing);
	rc_free(c);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_a_listing_beyond_max_terms_keeps_max_terms_and_says_so)
{
	struct kme_config *cfg = shipped_config();
	struct rc_conn *c = rt_conn(rt.url, true);
	size_t loaded;

	imported(cfg, c, 20);
	cfg->max_terms = 5;
	ht_catch_log();
	ck_assert_uint_eq(listed(c, cfg, &loaded), 5);
	log_to_stderr();
	ck_assert_uint_eq(loaded, 20);
	ck_assert_msg(strstr(ht_log.all, "holds more than max_terms=5 terms; "
			     "listing 5 of them") != NULL, "%s", ht_log.all);
	rc_free(c);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_another_identity_is_not_listed)
{
	struct kme_config *cfg = shipped_config();
	struct rc_conn *c = rt_conn(rt.url, true);
	size_t loaded;

	imported(cfg, c, 3);
	free(cfg->rule_version);
	cfg->rule_version = strdup("215");
	ck_assert_uint_eq(listed(c, cfg, &loaded), 0);
	rc_free(c);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_a_redis_that_does_not_answer_fails_the_command)
{
	struct kme_config *cfg = shipped_config();
	struct rc_conn *c;
	struct kme_err err = { "" };
	struct nt_store *mem = nt_store_memory_open(cfg, &err);
	size_t n;

	ht_catch_log();
	c = rt_conn("unix:///nonexistent/kme-check.sock", false);
	log_to_stderr();
	ck_assert_ptr_null(ra_listing(c, cfg, &n, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "not answering"));
	ck_assert_int_eq(ra_import(c, cfg, mem, &n, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "not answering"));
	nt_destroy(mem);
	rc_free(c);
	cfg_free(cfg);
}
END_TEST

#endif /* HAVE_HIREDIS */

int main(void)
{
	Suite *s = suite_create("redisadmin");
	TCase *tc;

#ifdef HAVE_HIREDIS
	tc = rt_tcase("server");
	tcase_add_test(tc, test_an_imported_state_file_lists_the_same_terms);
	tcase_add_test(tc, test_a_listing_beyond_max_terms_keeps_max_terms_and_says_so);
	tcase_add_test(tc, test_another_identity_is_not_listed);
	tcase_add_test(tc, test_a_redis_that_does_not_answer_fails_the_command);
	suite_add_tcase(s, tc);
#else
	tc = tcase_create("none");   /* the admin tools need a Redis build */
	suite_add_tcase(s, tc);
#endif
	return ck_run(s);
}
