/* check_idname.c - names of uids and gids: the local files at once, NSS
 * only on the resolver thread, never waiting for it.
 *
 * The files of most tests are written by the test (root's, 0644: the module
 * refuses a file root does not own, so those cases need root; without root
 * the suite runs the rest and exits 77, a skip that fails under CI=true).
 * NSS is a function of the test's: it answers from a table, after a delay
 * or only when the test lets it.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "idname.h"

static char g_dir[] = "/tmp/check_idname.XXXXXX";
static char g_passwd[256], g_group[256];

static void put(const char *path, const char *content, mode_t mode)
{
	char tmp[300];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	ck_assert_ptr_nonnull(f);
	fputs(content, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(tmp, mode), 0);
	ck_assert_int_eq(rename(tmp, path), 0);
}

static const char PASSWD[] =
	"root:x:0:0:root:/root:/bin/bash\n"
	"# a comment:x:4000:4000::/:/bin/sh\n"
	"+nisuser:x:4001:4001::/:/bin/sh\n"
	"alice:x:1000:1000:Alice:/home/alice:/bin/bash\n"
	"alice2:x:1000:1000:the first line wins:/:/bin/sh\n"
	"bob:x:1001:1001::/home/bob";   /* no final newline */
static const char GROUP[] =
	"root:x:0:\n"
	"staff:x:50\n"                  /* ends after the gid */
	"users:x:100:alice,bob\n";

/* ---- a fake NSS ------------------------------------------------------------ */

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cv = PTHREAD_COND_INITIALIZER;
static int g_delay_ms;          /* each answer takes this long */
static bool g_hold;             /* answers wait until released */
static int g_calls;

static int fake_nss(enum idn_kind kind, uint32_t id, char *out, size_t size)
{
	struct timespec d = { g_delay_ms / 1000, (g_delay_ms % 1000) * 1000000L };

	pthread_mutex_lock(&g_mu);
	g_calls++;
	while (g_hold)
		pthread_cond_wait(&g_cv, &g_mu);
	pthread_mutex_unlock(&g_mu);
	if (g_delay_ms > 0)
		nanosleep(&d, NULL);
	if (id == 4242) {
		snprintf(out, size, "%s", kind == IDN_USER ? "ldapuser" : "ldapgroup");
		return 1;
	}
	if (id == 6666)
		return -1;
	return 0;
}

static void release(void)
{
	pthread_mutex_lock(&g_mu);
	g_hold = false;
	pthread_cond_broadcast(&g_cv);
	pthread_mutex_unlock(&g_mu);
}

static struct idn_cache *cache(bool nss, size_t entries)
{
	struct idn_opts o = { .passwd_path = g_passwd, .group_path = g_group,
			      .max_entries = entries, .ttl_ms = 600000,
			      .negative_ttl_ms = 60000, .use_nss = nss,
			      .nss = fake_nss };
	struct kme_err err = { "" };
	struct idn_cache *c = idn_new(&o, &err);

	ck_assert_msg(c != NULL, "%s", err.msg);
	return c;
}

static void setup(void)
{
	snprintf(g_passwd, sizeof(g_passwd), "%s/passwd", g_dir);
	snprintf(g_group, sizeof(g_group), "%s/group", g_dir);
	put(g_passwd, PASSWD, 0644);
	put(g_group, GROUP, 0644);
	g_delay_ms = 0;
	g_hold = false;
	g_calls = 0;
}

/* Poll lookups (deadline 5 s) until id is no longer pending. */
static enum idn_result wait_answer(struct idn_cache *c, enum idn_kind k,
				   uint32_t id, int64_t now, char *name)
{
	int64_t deadline = clk_mono_ms() + 5000;
	enum idn_result r;

	while ((r = idn_lookup(c, k, id, now, name)) == IDN_PENDING &&
	       clk_mono_ms() < deadline) {
		struct timespec d = { 0, 2000000 };

		nanosleep(&d, NULL);
	}
	return r;
}

/* ---- the local files ------------------------------------------------------- */

START_TEST(test_local_users_and_groups_are_named_from_the_files)
{
	struct idn_cache *c = cache(true, 64);
	char name[IDN_NAME_MAX];
	struct idn_stats st;

	ck_assert_int_eq(idn_lookup(c, IDN_USER, 0, 1, name), IDN_FOUND);
	ck_assert_str_eq(name, "root");
	ck_assert_int_eq(idn_lookup(c, IDN_USER, 1001, 1, name), IDN_FOUND);
	ck_assert_str_eq(name, "bob");
	ck_assert_int_eq(idn_lookup(c, IDN_GROUP, 50, 1, name), IDN_FOUND);
	ck_assert_str_eq(name, "staff");
	ck_assert_int_eq(idn_lookup(c, IDN_GROUP, 100, 1, name), IDN_FOUND);
	ck_assert_str_eq(name, "users");
	idn_get_stats(c, &st);
	ck_assert_uint_eq(st.file_answers, 4);
	ck_assert_uint_eq(st.nss_asked, 0);
	ck_assert_int_eq(g_calls, 0);
	idn_free(c);
}
END_TEST

START_TEST(test_the_first_line_of_an_id_wins_and_comments_and_compat_lines_do_not_count)
{
	struct idn_cache *c = cache(false, 64);
	char name[IDN_NAME_MAX];

	ck_assert_int_eq(idn_lookup(c, IDN_USER, 1000, 1, name), IDN_FOUND);
	ck_assert_str_eq(name, "alice");
	ck_assert_int_eq(idn_lookup(c, IDN_USER, 4000, 1, name), IDN_NONE);
	ck_assert_int_eq(idn_lookup(c, IDN_USER, 4001, 1, name), IDN_NONE);
	idn_free(c);
}
END_TEST

START_TEST(test_a_second_lookup_is_a_cache_hit)
{
	struct idn_cache *c = cache(false, 64);
	char name[IDN_NAME_MAX];
	struct idn_stats st;

	ck_assert_int_eq(idn_lookup(c, IDN_USER, 1000, 1, name), IDN_FOUND);
	ck_assert_int_eq(idn_lookup(c, IDN_USER, 1000, 2, name), IDN_FOUND);
	ck_assert_str_eq(name, "alice");
	idn_get_stats(c, &st);
	ck_assert_uint_eq(st.hits, 1);
	ck_assert_uint_eq(st.file_answers, 1);
	idn_free(c);
}
END_TEST

START_TEST(test_a_changed_file_is_read_again_after_a_second)
{
	struct idn_cache *c = cache(false, 64);
	char name[IDN_NAME_MAX];

	ck_assert_int_eq(idn_lookup(c, IDN_USER, 1000, 1000, name), IDN_FOUND);
	ck_assert_str_eq(name, "alice");
	put(g_passwd, "carol:x:1000:1000::/:/bin/sh\n", 0644);
	/* Within IDN_STAT_MS the file is not looked at again. */
	ck_assert_int_eq(idn_lookup(c, IDN_USER, 1000, 1000 + IDN_STAT_MS - 1,
				    name), IDN_FOUND);
	ck_assert_str_eq(name, "alice");
	ck_assert_int_eq(idn_lookup(c, IDN_USER, 1000, 1000 + IDN_STAT_MS,
				    name), IDN_FOUND);
	ck_assert_str_eq(name, "carol");
	idn_free(c);
}
END_TEST

START_TEST(test_a_file_others_can_write_is_refused_and_counted)
{
	struct idn_cache *c;
	char name[IDN_NAME_MAX];
	struct idn_stats st;

	put(g_passwd, "mallory:x:0:0::/:/bin/sh\n", 0666);
	c = cache(false, 64);
	ck_assert_int_eq(idn_lookup(c, IDN_USER, 0, 1, name), IDN_NONE);
	ck_assert_int_eq(idn_lookup(c, IDN_USER, 1, 2, name), IDN_NONE);
	idn_get_stats(c, &st);
	ck_assert_uint_eq(st.file_errors, 1);
	idn_free(c);
}
END_TEST

START_TEST(test_a_missing_file_gives_no_names_and_is_counted_once)
{
	struct idn_cache *c;
	char name[IDN_NAME_MAX];
	struct idn_stats st;

	ck_assert_int_eq(unlink(g_group), 0);
	c = cache(false, 64);
	ck_assert_int_eq(idn_lookup(c, IDN_GROUP, 0, 1, name), IDN_NONE);
	ck_assert_int_eq(idn_lookup(c, IDN_GROUP, 1, 5000, name), IDN_NONE);
	idn_get_stats(c, &st);
	ck_assert_uint_eq(st.file_errors, 1);
	idn_free(c);
}
END_TEST

START_TEST(test_an_overlong_name_is_never_cut_into_another)
{
	char text[IDN_NAME_MAX + 64];
	struct idn_cache *c;
	char name[IDN_NAME_MAX];

	memset(text, 'a', IDN_NAME_MAX);
	snprintf(text + IDN_NAME_MAX, sizeof(text) - IDN_NAME_MAX,
		 ":x:7:7::/:/bin/sh\n");
	put(g_passwd, text, 0644);
	c = cache(false, 64);
	ck_assert_int_eq(idn_lookup(c, IDN_USER, 7, 1, name), IDN_NONE);
	idn_free(c);
}
END_TEST

/* ---- NSS, off the caller's thread ------------------------------------------ */

START_TEST(test_a_slow_nss_never_delays_the_lookup)
{
	struct idn_cache *c;
	char name[IDN_NAME_MAX];
	int64_t t0, took;
	struct idn_stats st;

	g_delay_ms = 300;
	c = cache(true, 64);
	t0 = clk_mono_ms();
	ck_assert_int_eq(idn_lookup(c, IDN_USER, 4242, 1, name), IDN_PENDING);
	ck_assert_int_eq(idn_lookup(c, IDN_GROUP, 4242, 1, name), IDN_PENDING);
	took = clk_mono_ms() - t0;
	ck_assert_int_lt(took, 50);
	ck_assert_int_eq(wait_answer(c, IDN_USER, 4242, 2, name), IDN_FOUND);
	ck_assert_str_eq(name, "ldapuser");
	ck_assert_int_eq(wait_answer(c, IDN_GROUP, 4242, 2, name), IDN_FOUND);
	ck_assert_str_eq(name, "ldapgroup");
	idn_get_stats(c, &st);
	ck_assert_uint_eq(st.nss_asked, 2);
	ck_assert_uint_eq(st.nss_answers, 2);
	idn_free(c);
}
END_TEST

START_TEST(test_a_pending_id_is_asked_once)
{
	struct idn_cache *c;
	char name[IDN_NAME_MAX];
	struct idn_stats st;
	int i;

	g_hold = true;
	c = cache(true, 64);
	for (i = 0; i < 10; i++)
		ck_assert_int_eq(idn_lookup(c, IDN_USER, 4242, 1 + i, name),
				 IDN_PENDING);
	idn_get_stats(c, &st);
	ck_assert_uint_eq(st.nss_asked, 1);
	release();
	ck_assert_int_eq(wait_answer(c, IDN_USER, 4242, 20, name), IDN_FOUND);
	idn_free(c);
}
END_TEST

START_TEST(test_no_such_id_and_a_failing_nss_are_remembered_for_the_negative_ttl)
{
	struct idn_cache *c = cache(true, 64);
	char name[IDN_NAME_MAX];
	struct idn_stats st;

	ck_assert_int_eq(idn_lookup(c, IDN_USER, 5555, 1, name), IDN_PENDING);
	ck_assert_int_eq(wait_answer(c, IDN_USER, 5555, 2, name), IDN_NONE);
	ck_assert_int_eq(idn_lookup(c, IDN_USER, 6666, 3, name), IDN_PENDING);
	ck_assert_int_eq(wait_answer(c, IDN_USER, 6666, 4, name), IDN_NONE);
	idn_get_stats(c, &st);
	ck_assert_uint_eq(st.nss_asked, 2);
	/* Asked again once the negative time to live is over. */
	ck_assert_int_eq(idn_lookup(c, IDN_USER, 6666, 4 + 60000, name),
			 IDN_PENDING);
	idn_get_stats(c, &st);
	ck_assert_uint_eq(st.nss_asked, 3);
	idn_free(c);
}
END_TEST

START_TEST(test_a_full_question_queue_drops_and_counts_without_waiting)
{
	struct idn_cache *c;
	char name[IDN_NAME_MAX];
	struct idn_stats st;
	int64_t t0 = clk_mono_ms();
	uint32_t id;

	g_hold = true;
	c = cache(true, 1024);
	for (id = 10000; id < 10000 + IDN_QUEUE + 10; id++)
		ck_assert_int_eq(idn_lookup(c, IDN_USER, id, 1, name),
				 IDN_PENDING);
	ck_assert_int_lt(clk_mono_ms() - t0, 100);
	idn_get_stats(c, &st);
	ck_assert_uint_eq(st.nss_asked, IDN_QUEUE);
	ck_assert_uint_eq(st.nss_dropped, 10);
	release();
	idn_free(c);
}
END_TEST

START_TEST(test_free_returns_while_nss_is_stuck)
{
	struct idn_cache *c;
	char name[IDN_NAME_MAX];
	int64_t t0;

	g_hold = true;
	c = cache(true, 64);
	ck_assert_int_eq(idn_lookup(c, IDN_USER, 4242, 1, name), IDN_PENDING);
	/* The thread is inside NSS once the fake counted the call. */
	t0 = clk_mono_ms();
	for (;;) {
		int calls;

		pthread_mutex_lock(&g_mu);
		calls = g_calls;
		pthread_mutex_unlock(&g_mu);
		if (calls > 0 || clk_mono_ms() - t0 > 5000)
			break;
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
	ck_assert_int_eq(g_calls, 1);
	t0 = clk_mono_ms();
	idn_free(c);
	ck_assert_int_lt(clk_mono_ms() - t0, 500);
	release();   /* the thread then frees what it shared */
}
END_TEST

START_TEST(test_a_full_set_replaces_its_least_recently_used_entry)
{
	struct idn_cache *c = cache(false, 4);  /* one set of four ways */
	char name[IDN_NAME_MAX];
	struct idn_stats st;
	uint32_t id;

	for (id = 0; id < 4; id++)
		idn_lookup(c, IDN_USER, 20000 + id, 1, name);
	idn_lookup(c, IDN_USER, 20000, 2, name);  /* 20001 is now oldest */
	idn_lookup(c, IDN_USER, 20004, 3, name);
	idn_get_stats(c, &st);
	ck_assert_uint_eq(st.evictions, 1);
	ck_assert_uint_eq(st.hits, 1);
	idn_lookup(c, IDN_USER, 20000, 4, name);
	idn_get_stats(c, &st);
	ck_assert_uint_eq(st.hits, 2);
	idn_free(c);
}
END_TEST

START_TEST(test_the_system_nss_names_root)
{
	struct idn_opts o = { .max_entries = 16, .ttl_ms = 1000,
			      .negative_ttl_ms = 1000, .use_nss = true,
			      .passwd_path = "/nonexistent/passwd",
			      .group_path = "/nonexistent/group" };
	struct idn_cache *c = idn_new(&o, NULL);
	char name[IDN_NAME_MAX];

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(idn_lookup(c, IDN_USER, 0, 1, name), IDN_PENDING);
	ck_assert_int_eq(wait_answer(c, IDN_USER, 0, 2, name), IDN_FOUND);
	ck_assert_str_eq(name, "root");
	idn_free(c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("idname");
	TCase *f = tcase_create("files"), *n = tcase_create("nss"),
	      *m = tcase_create("memory");
	SRunner *sr;
	bool root = geteuid() == 0;
	int failed;

	if (mkdtemp(g_dir) == NULL)
		return EXIT_FAILURE;
	tcase_add_checked_fixture(f, setup, NULL);
	tcase_add_test(f, test_local_users_and_groups_are_named_from_the_files);
	tcase_add_test(f, test_the_first_line_of_an_id_wins_and_comments_and_compat_lines_do_not_count);
	tcase_add_test(f, test_a_second_lookup_is_a_cache_hit);
	tcase_add_test(f, test_a_changed_file_is_read_again_after_a_second);
	tcase_add_test(f, test_a_file_others_can_write_is_refused_and_counted);
	tcase_add_test(f, test_a_missing_file_gives_no_names_and_is_counted_once);
	tcase_add_test(f, test_an_overlong_name_is_never_cut_into_another);
	tcase_add_checked_fixture(n, setup, NULL);
	tcase_add_test(n, test_a_slow_nss_never_delays_the_lookup);
	tcase_add_test(n, test_a_pending_id_is_asked_once);
	tcase_add_test(n, test_no_such_id_and_a_failing_nss_are_remembered_for_the_negative_ttl);
	tcase_add_test(n, test_a_full_question_queue_drops_and_counts_without_waiting);
	tcase_add_test(n, test_free_returns_while_nss_is_stuck);
	tcase_add_test(n, test_the_system_nss_names_root);
	tcase_add_checked_fixture(m, setup, NULL);
	tcase_add_test(m, test_a_full_set_replaces_its_least_recently_used_entry);
	/* The files cases need root-owned files: root only. */
	if (root)
		suite_add_tcase(s, f);
	suite_add_tcase(s, n);
	suite_add_tcase(s, m);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_dir);
		if (system(cmd) != 0)
			failed++;
	}
	if (failed != 0)
		return EXIT_FAILURE;
	if (!root) {
		printf("# SKIP: the local-file cases need root-owned files\n");
		return 77;
	}
	return EXIT_SUCCESS;
}
