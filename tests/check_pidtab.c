/* check_pidtab.c - the pid table: (host, pid) -> entry, LRU, bounded in
 * entries and bytes, evictions counted (pidtab.h). */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkrun.h"
#include "pidtab.h"

#define MAXA 128

static const struct ht_ref local = { HT_LOCAL, 0 };
static const struct ht_ref other = { 1, 0 };

static struct kme_str S(const char *s)
{
	return (struct kme_str){ s, strlen(s) };
}

static struct pd_table *table(size_t entries, size_t bytes)
{
	struct kme_err err = { "" };
	struct pd_table *t = pd_new(entries, bytes, &err);

	ck_assert_msg(t != NULL, "pd_new: %s", err.msg);
	return t;
}

/* An identity: exe (its base name as the name) and the NULL-terminated
 * args, whose kme_str are kept in argv (MAXA of them). */
static struct pd_ident ident(const char *exe, const char *const *args,
			     struct kme_str *argv)
{
	const char *slash = strrchr(exe, '/');
	size_t n = 0;

	while (args[n] != NULL && n < MAXA) {
		argv[n] = S(args[n]);
		n++;
	}
	return (struct pd_ident){ .exe = S(exe),
				  .name = S(slash ? slash + 1 : exe),
				  .argv = argv, .nargs = n };
}

/* A new entry for local pid with that identity; returns the entry. */
static struct pd_entry *put(struct pd_table *t, int32_t pid, const char *exe,
			    const char *const *args)
{
	struct kme_str argv[MAXA];
	struct pd_ident id = ident(exe, args, argv);
	struct pd_entry *e = pd_add(t, local, pid);

	ck_assert_ptr_nonnull(e);
	pd_set_identity(t, e, &id);
	return e;
}

static const char *const bash_args[] = { "-bash", NULL };

START_TEST(test_table_of_four_holds_four_processes)
{
	struct pd_table *t = table(4, 0);
	struct pd_stats st;
	int32_t pid;

	for (pid = 1001; pid <= 1004; pid++)
		put(t, pid, "/usr/bin/bash", bash_args);
	pd_stats(t, &st);
	ck_assert_uint_eq(st.entries, 4);
	ck_assert_uint_eq(st.evicted, 0);
	for (pid = 1001; pid <= 1004; pid++) {
		struct pd_entry *e = pd_find(t, local, pid);

		ck_assert_msg(e != NULL && e->has_identity, "pid %d lost", (int)pid);
		ck_assert(kme_str_is(e->exe, "/usr/bin/bash"));
	}
	pd_free(t);
}
END_TEST

START_TEST(test_lru_evicts_the_least_recently_used)
{
	struct pd_table *t = table(4, 0);
	struct pd_stats st;
	int32_t pid;

	for (pid = 1001; pid <= 1004; pid++)
		put(t, pid, "/usr/bin/bash", bash_args);
	pd_touch(t, pd_find(t, local, 1001)); /* now the most recently used */
	put(t, 1005, "/usr/bin/bash", bash_args);
	pd_stats(t, &st);
	ck_assert_uint_eq(st.evicted, 1);
	ck_assert_uint_eq(st.entries, 4);
	ck_assert_ptr_null(pd_find(t, local, 1002));
	ck_assert_ptr_nonnull(pd_find(t, local, 1001));
	ck_assert_ptr_nonnull(pd_find(t, local, 1003));
	ck_assert_ptr_nonnull(pd_find(t, local, 1005));
	pd_free(t);
}
END_TEST

START_TEST(test_same_pid_of_two_hosts_is_two_entries)
{
	struct pd_table *t = table(10, 0);
	struct pd_entry *a = pd_add(t, local, 4242), *b = pd_add(t, other, 4242);

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_ne(a, b);
	ck_assert_ptr_eq(pd_find(t, local, 4242), a);
	ck_assert_ptr_eq(pd_find(t, other, 4242), b);
	ck_assert_ptr_null(pd_find(t, (struct ht_ref){ 1, 1 }, 4242));
	pd_free(t);
}
END_TEST

START_TEST(test_a_new_entry_is_empty_and_the_callers_facts_zero)
{
	struct pd_table *t = table(10, 0);
	struct pd_entry *e = put(t, 100, "/usr/bin/bash", bash_args);

	e->ppid = 77;
	e->learned = 5;
	pd_remove(t, e);
	e = pd_add(t, local, 100);
	ck_assert(!e->has_identity);
	ck_assert_int_eq(e->ppid, 0);
	ck_assert_int_eq(e->learned, 0);
	ck_assert_int_eq(e->pid, 100);
	pd_free(t);
}
END_TEST

START_TEST(test_removed_entry_is_gone_uncounted_and_its_bytes_freed)
{
	struct pd_table *t = table(10, 0);
	struct pd_stats st;

	put(t, 100, "/usr/bin/bash", bash_args);
	pd_remove(t, pd_find(t, local, 100));
	pd_stats(t, &st);
	ck_assert_ptr_null(pd_find(t, local, 100));
	ck_assert_uint_eq(st.entries, 0);
	ck_assert_uint_eq(st.bytes, 0);
	ck_assert_uint_eq(st.evicted, 0);
	pd_free(t);
}
END_TEST

START_TEST(test_memory_bound_evicts_and_bounds_bytes)
{
	static const char *const args[] = { "/usr/bin/python3", "-m", "some.module",
					    "--with-an-option=and-a-value", NULL };
	struct pd_table *t = table(1000, 2000);
	struct pd_stats st;
	struct pd_entry *e;
	int32_t pid;

	for (pid = 100; pid < 200; pid++) {
		put(t, pid, "/usr/lib/some/long/path/to/a/program", args);
		pd_stats(t, &st);
		ck_assert_uint_le(st.bytes, 2000);
	}
	ck_assert_uint_gt(st.evicted, 0);
	ck_assert_uint_lt(st.entries, 100);
	e = pd_find(t, local, 199); /* the newest survives */
	ck_assert(e != NULL && e->has_identity);
	ck_assert_uint_eq(e->nargs, 4);
	ck_assert_ptr_null(pd_find(t, local, 100)); /* the oldest does not */
	pd_free(t);
}
END_TEST

START_TEST(test_identity_larger_than_memory_bound_is_not_kept)
{
	static const char *const args[] = { "/bin/sh", "/usr/sbin/mkinitramfs",
					    "-o", "/boot/initrd.img", NULL };
	struct pd_table *t = table(100, 40);
	struct pd_stats st;
	struct pd_entry *e;

	put(t, 300, "/usr/sbin/a-very-long-program-name-indeed", args);
	pd_stats(t, &st);
	ck_assert_uint_le(st.bytes, 40);
	e = pd_find(t, local, 300);  /* the entry stays, without identity */
	ck_assert_ptr_nonnull(e);
	ck_assert(!e->has_identity);
	ck_assert(!kme_str_present(e->exe));
	pd_free(t);
}
END_TEST

/* A fork copies its parent's identity out of the table: the copy is made
 * before the byte bound evicts the parent. */
START_TEST(test_identity_copied_from_an_entry_survives_that_entrys_eviction)
{
	static const char *const args[] = { "/bin/sh", "/usr/sbin/mkinitramfs",
					    "-o", "/boot/initrd.img", NULL };
	struct pd_table *t;
	struct pd_entry *p, *c;
	struct pd_stats st;
	struct pd_ident id;

	t = table(100, 0);
	put(t, 100, "/usr/sbin/mkinitramfs", args);
	pd_stats(t, &st);
	pd_free(t);
	t = table(100, st.bytes * 2 - 1);   /* room for one identity only */
	p = put(t, 100, "/usr/sbin/mkinitramfs", args);
	id = (struct pd_ident){ .exe = p->exe, .name = p->name,
				.argv = p->argv, .nargs = p->nargs,
				.argc = p->argc };
	c = pd_add(t, local, 101);
	pd_set_identity(t, c, &id);
	pd_stats(t, &st);
	ck_assert_uint_eq(st.evicted, 1);
	ck_assert_ptr_null(pd_find(t, local, 100));
	ck_assert(kme_str_is(c->exe, "/usr/sbin/mkinitramfs"));
	ck_assert_uint_eq(c->nargs, 4);
	ck_assert(kme_str_is(c->argv[3], "/boot/initrd.img"));
	pd_free(t);
}
END_TEST

START_TEST(test_args_are_cut_at_max_args_and_flagged)
{
	static char words[PD_MAX_ARGS + 20][8];
	const char *args[PD_MAX_ARGS + 21];
	struct pd_table *t = table(100, 0);
	struct pd_entry *e;
	size_t i;

	for (i = 0; i < PD_MAX_ARGS + 20; i++) {
		snprintf(words[i], sizeof(words[i]), "w%zu", i);
		args[i] = words[i];
	}
	args[PD_MAX_ARGS + 20] = NULL;
	e = put(t, 100, "/usr/bin/xargs", args);
	ck_assert_uint_eq(e->nargs, PD_MAX_ARGS);
	ck_assert(e->args_truncated);
	ck_assert_uint_eq(e->argc, PD_MAX_ARGS + 20);  /* the real count */
	ck_assert(kme_str_is(e->argv[0], "w0"));
	ck_assert(kme_str_is(e->argv[7], "w7"));
	pd_free(t);
}
END_TEST

/* Ten 500-byte arguments (5,010 bytes) do not fit PD_MAX_ARG_BYTES: each
 * is clipped by the alerts' ladder (1024, 512, 256, 128...) to the first
 * cap under which all fit (128: 1,290 bytes), none dropped. */
START_TEST(test_args_over_max_bytes_are_clipped_not_dropped)
{
	static char big[10][501];
	const char *args[11];
	struct pd_table *t = table(100, 0);
	struct pd_entry *e;
	size_t i;

	for (i = 0; i < 10; i++) {
		memset(big[i], 'a' + (int)i, 500);
		args[i] = big[i];
	}
	args[10] = NULL;
	e = put(t, 100, "/usr/bin/xargs", args);
	ck_assert(e->args_truncated);
	ck_assert_uint_eq(e->nargs, 10);
	ck_assert_uint_eq(e->argc, 10);
	for (i = 0; i < e->nargs; i++) {
		ck_assert_uint_eq(e->argv[i].len, 128);
		ck_assert_int_eq(e->argv[i].p[0], 'a' + (int)i);
		ck_assert_int_eq(e->argv[i].p[128], '\0');
	}
	ck_assert_uint_eq(e->args_clipped, 0x3ff);
	ck_assert_uint_eq(e->args_clip, 128);
	pd_free(t);
}
END_TEST

/* Issue 21's case: `sh -c SCRIPT` with a 9,030-byte script kept its first
 * two arguments only; now the script is there, cut to 1,024 bytes, the
 * only one clipped. */
START_TEST(test_one_long_argument_is_clipped_to_1024_the_others_whole)
{
	static char script[9031];
	const char *args[] = { "/tmp/p12", "-c", script, NULL };
	struct pd_table *t = table(100, 0);
	struct pd_entry *e;

	memset(script, 'x', 9030);
	e = put(t, 100, "/bin/sh", args);
	ck_assert_uint_eq(e->nargs, 3);
	ck_assert(kme_str_is(e->argv[0], "/tmp/p12"));
	ck_assert(kme_str_is(e->argv[1], "-c"));
	ck_assert_uint_eq(e->argv[2].len, 1024);
	ck_assert_uint_eq(e->args_clipped, 4);
	ck_assert_uint_eq(e->args_clip, 1024);
	ck_assert(e->args_truncated);
	pd_free(t);
}
END_TEST

/* A cut never splits a UTF-8 sequence: 1,023 ASCII bytes then U+20AC is
 * cut before the euro sign, at 1,023 bytes. */
START_TEST(test_clipped_argument_ends_on_a_utf8_boundary)
{
	static char arg[3000];
	const char *args[] = { "sh", arg, NULL };
	struct pd_table *t = table(100, 0);
	struct pd_entry *e;

	memset(arg, 'y', sizeof(arg) - 1);
	memcpy(arg + 1023, "\xe2\x82\xac", 3);
	e = put(t, 100, "/bin/sh", args);
	ck_assert_uint_eq(e->argv[1].len, 1023);
	ck_assert_uint_eq(e->args_clipped, 2);
	pd_free(t);
}
END_TEST

/* A fork copies its parent's identity: the clipped marks go with it. */
START_TEST(test_a_copy_keeps_the_clipped_marks_and_the_cwd)
{
	static char script[3000];
	const char *args[] = { "sh", "-c", script, NULL };
	struct pd_table *t = table(100, 0);
	struct pd_entry *p, *c;
	struct pd_ident id;

	memset(script, 'z', sizeof(script) - 1);
	p = put(t, 100, "/bin/sh", args);
	id = (struct pd_ident){ .exe = p->exe, .name = p->name, .cwd = S("/srv"),
				.argv = p->argv, .nargs = p->nargs, .argc = p->argc,
				.truncated = p->args_truncated,
				.clipped = p->args_clipped, .clip_bytes = p->args_clip };
	c = pd_add(t, local, 101);
	pd_set_identity(t, c, &id);
	ck_assert_uint_eq(c->args_clipped, 4);
	ck_assert_uint_eq(c->args_clip, 1024);
	ck_assert(c->args_truncated);
	ck_assert(kme_str_is(c->cwd, "/srv"));
	pd_free(t);
}
END_TEST

START_TEST(test_truncated_flag_of_the_identity_is_kept)
{
	static const char *const args[] = { "a", "b", NULL };
	struct kme_str argv[MAXA];
	struct pd_table *t = table(100, 0);
	struct pd_ident id = ident("/usr/bin/prog", args, argv);
	struct pd_entry *e = pd_add(t, local, 100);

	id.truncated = true;
	pd_set_identity(t, e, &id);
	ck_assert_uint_eq(e->nargs, 2);
	ck_assert(e->args_truncated);
	pd_free(t);
}
END_TEST

START_TEST(test_exe_longer_than_path_max_is_not_kept)
{
	static char longexe[PD_MAX_PATH + 100];
	struct pd_table *t = table(100, 0);
	struct pd_entry *e;

	memset(longexe, 'd', sizeof(longexe) - 1);
	longexe[0] = '/';
	e = put(t, 100, longexe, bash_args);
	ck_assert(!kme_str_present(e->exe));
	pd_free(t);
}
END_TEST

START_TEST(test_pids_below_1_are_never_found_or_added)
{
	struct pd_table *t = table(100, 0);
	struct pd_stats st;

	ck_assert_ptr_null(pd_add(t, local, 0));
	ck_assert_ptr_null(pd_add(t, local, -5));
	ck_assert_ptr_null(pd_add(t, local, INT32_MIN));
	ck_assert_ptr_null(pd_find(t, local, 0));
	ck_assert_ptr_null(pd_find(t, local, -1));
	pd_stats(t, &st);
	ck_assert_uint_eq(st.entries, 0);
	pd_free(t);
}
END_TEST

START_TEST(test_100k_distinct_pids_into_1000_entries_stay_bounded)
{
	struct pd_table *t = table(1000, 0);
	struct pd_stats st;
	int32_t pid;

	for (pid = 2; pid < 100002; pid++)
		put(t, pid, "/usr/bin/bash", bash_args);
	pd_stats(t, &st);
	ck_assert_uint_le(st.entries, 1000);
	ck_assert_uint_ge(st.evicted, 99000);
	ck_assert_ptr_nonnull(pd_find(t, local, 100001));
	ck_assert_ptr_null(pd_find(t, local, 2));
	pd_free(t);
}
END_TEST

START_TEST(test_free_null_is_harmless)
{
	pd_free(NULL);
}
END_TEST

static Suite *pidtab_suite(void)
{
	Suite *s = suite_create("pidtab");
	TCase *k = tcase_create("keys");
	TCase *b = tcase_create("bounds");

	tcase_add_test(k, test_same_pid_of_two_hosts_is_two_entries);
	tcase_add_test(k, test_a_new_entry_is_empty_and_the_callers_facts_zero);
	tcase_add_test(k, test_removed_entry_is_gone_uncounted_and_its_bytes_freed);
	tcase_add_test(k, test_pids_below_1_are_never_found_or_added);
	tcase_add_test(k, test_free_null_is_harmless);
	suite_add_tcase(s, k);

	tcase_add_test(b, test_table_of_four_holds_four_processes);
	tcase_add_test(b, test_lru_evicts_the_least_recently_used);
	tcase_add_test(b, test_memory_bound_evicts_and_bounds_bytes);
	tcase_add_test(b, test_identity_larger_than_memory_bound_is_not_kept);
	tcase_add_test(b, test_identity_copied_from_an_entry_survives_that_entrys_eviction);
	tcase_add_test(b, test_args_are_cut_at_max_args_and_flagged);
	tcase_add_test(b, test_args_over_max_bytes_are_clipped_not_dropped);
	tcase_add_test(b, test_one_long_argument_is_clipped_to_1024_the_others_whole);
	tcase_add_test(b, test_clipped_argument_ends_on_a_utf8_boundary);
	tcase_add_test(b, test_a_copy_keeps_the_clipped_marks_and_the_cwd);
	tcase_add_test(b, test_truncated_flag_of_the_identity_is_kept);
	tcase_add_test(b, test_exe_longer_than_path_max_is_not_kept);
	tcase_add_test(b, test_100k_distinct_pids_into_1000_entries_stay_bounded);
	tcase_set_timeout(b, 30);
	suite_add_tcase(s, b);
	return s;
}

int main(void)
{
	return ck_run(pidtab_suite());
}
