/* check_logset.c - replay inputs in time order, whatever their names, and
 * the same records twice found and kept out. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "checkrun.h"
#include "interpfield.h"
#include "logset.h"

static char dir[] = "/tmp/kme-check-logset.XXXXXX";

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
	strcpy(dir + strlen(dir) - 6, "XXXXXX");
}

static void put(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void put_gz(const char *name, const char *text)
{
	char path[256];
	gzFile f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = gzopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	gzputs(f, text);
	gzclose(f);
}

#define REC(t, s) "type=SYSCALL msg=audit(" t ":" s "): arch=c000003e syscall=59\n"

static const char *base(const struct ls_entry *e)
{
	return strrchr(e->path, '/') + 1;
}

START_TEST(test_a_directory_is_ordered_by_first_event_not_by_name)
{
	struct kme_err err = { "" };
	struct ls_set s;
	char sub[300];

	/* auditd's rotation: the newest is audit.log, the oldest the highest
	 * number; logrotate compressed one. */
	put("audit.log", REC("1700000300.000", "30"));
	put("audit.log.1", REC("1700000200.000", "20"));
	put_gz("audit.log.2.gz", REC("1700000100.500", "10"));
	put("audit.log.3", "");
	put("notes.txt", "not a log\n");
	ck_assert_int_eq(mkdir(strcat(strcpy(sub, dir), "/hostb"), 0700), 0);
	ls_init(&s, false);
	ck_assert_int_eq(ls_add(&s, dir, &err), 0);
	ck_assert_int_eq(ls_prescan(&s, &err), 0);
	ck_assert_uint_eq(s.n, 5);
	ck_assert_str_eq(base(&s.e[0]), "audit.log.2.gz");
	ck_assert_int_eq(s.e[0].fmt, IN_GZIP);
	ck_assert_int_eq(s.e[0].first_ms, 1700000100500);
	ck_assert_str_eq(base(&s.e[1]), "audit.log.1");
	ck_assert_str_eq(base(&s.e[2]), "audit.log");
	/* No time: last, in the order given (names, for a directory). */
	ck_assert_str_eq(base(&s.e[3]), "audit.log.3");
	ck_assert_int_eq(s.e[3].form, LS_EMPTY);
	ck_assert_str_eq(base(&s.e[4]), "notes.txt");
	ck_assert_int_eq(s.e[4].form, LS_UNKNOWN);
	/* A subdirectory is not read, but counted and named. */
	ck_assert_uint_eq(s.not_files, 1);
	ck_assert_str_eq(s.first_not_file, sub);
	ls_free(&s);
}
END_TEST

START_TEST(test_forms_are_known_from_the_first_lines)
{
	struct kme_err err = { "" };
	struct ls_set s;
	char path[256];
	size_t i;

	put("a", "----\ntime->Mon Dec  7 04:33:28 2026\n" REC("1796636008.334", "7"));
	put("b", "----\ntype=CWD msg=audit(12/07/26 04:33:28.314:341537) : cwd=/tmp \n");
	put("c", "At 21:46:27 11/26/26 root successfully executed /usr/bin/bash \n");
	put("d", "NODE,EVENT,DATE,TIME,SERIAL_NUM,EVENT_KIND\n");
	ck_assert_int_eq(ipf_set_zone("America/New_York", &err), 0);
	ls_init(&s, true);
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%c", dir, (int)('a' + i));
		ck_assert_int_eq(ls_add(&s, path, &err), 0);
	}
	ck_assert_int_eq(ls_prescan(&s, &err), 0);
	/* b's first event is 09:33:28.314Z, before a's .334. */
	ck_assert_str_eq(base(&s.e[0]), "b");
	ck_assert_int_eq(s.e[0].form, LS_INTERP);
	ck_assert_int_eq(s.e[0].first_ms, 1796636008314);
	ck_assert_int_eq(s.e[1].form, LS_AUSEARCH);
	ck_assert_int_eq(s.e[2].form, LS_TEXT);
	ck_assert_int_eq(s.e[3].form, LS_CSV);
	ls_free(&s);
}
END_TEST

START_TEST(test_missing_inputs_stay_in_the_set_with_their_reason)
{
	struct kme_err err = { "" };
	struct ls_set s;

	ls_init(&s, false);
	ck_assert_int_eq(ls_add(&s, "/nonexistent/audit.log", &err), 0);
	ck_assert_int_eq(ls_prescan(&s, &err), 0);
	ck_assert(s.e[0].unopened);
	ck_assert_msg(strstr(s.e[0].error, "/nonexistent/audit.log: open") != NULL, "%s",
		      s.e[0].error);
	ls_free(&s);
	ls_init(&s, false);
	ck_assert_int_eq(ls_add(&s, dir, &err), -1);
	ck_assert_msg(strstr(err.msg, "no regular file") != NULL, "%s", err.msg);
	ls_free(&s);
}
END_TEST

/* Replay the set's records as the replay does, returning how many were new. */
static size_t replay(struct ls_set *s, const char *const *files[], size_t nfiles)
{
	size_t i, j, fresh = 0;

	for (i = 0; i < nfiles; i++) {
		ls_begin(s, i);
		for (j = 0; files[i][j]; j++) {
			const char *l = files[i][j];
			int64_t ms = atoll(strchr(l, '(') + 1) * 1000 +
				     atoi(strchr(l, '.') + 1);

			fresh += ls_record(s, l, strlen(l), ms) == LS_NEW;
		}
		ls_end(s);
	}
	return fresh;
}

static void two_entries(struct ls_set *s, int64_t first0, int64_t first1)
{
	ls_init(s, false);
	s->e = calloc(2, sizeof(*s->e));
	s->n = s->cap = 2;
	s->e[0] = (struct ls_entry){ .path = strdup("a"), .has_time = true, .first_ms = first0 };
	s->e[1] = (struct ls_entry){ .path = strdup("b"), .has_time = true, .first_ms = first1 };
}

START_TEST(test_a_copy_of_a_file_is_all_duplicates)
{
	static const char *const a[] = { "type=X msg=audit(100.001:1): a",
					 "type=X msg=audit(100.002:2): b",
					 "type=X msg=audit(100.003:3): c", NULL };
	const char *const *files[] = { a, a };
	struct ls_set s;

	two_entries(&s, 100001, 100001);
	ck_assert_uint_eq(replay(&s, files, 2), 3);
	ck_assert_uint_eq(s.e[1].duplicates, 3);
	ck_assert_uint_eq(s.e[1].dup_of, 0);
	ck_assert_uint_eq(s.e[1].overlap_new, 0);
	ls_free(&s);
}
END_TEST

START_TEST(test_an_event_cut_by_rotation_is_not_a_duplicate)
{
	/* Event 2's second record went to the next file; nothing repeats. */
	static const char *const a[] = { "type=X msg=audit(100.001:1): a",
					 "type=SYSCALL msg=audit(100.002:2): b", NULL };
	static const char *const b[] = { "type=PATH msg=audit(100.002:2): c",
					 "type=X msg=audit(100.003:3): d", NULL };
	const char *const *files[] = { a, b };
	struct ls_set s;

	two_entries(&s, 100001, 100002);
	ck_assert_uint_eq(replay(&s, files, 2), 4);
	ck_assert_uint_eq(s.e[1].duplicates, 0);
	ck_assert_uint_eq(s.e[1].overlap_new, 0);
	ls_free(&s);
}
END_TEST

START_TEST(test_overlapping_copies_replay_each_record_once)
{
	static const char *const a[] = { "type=X msg=audit(100.001:1): a",
					 "type=X msg=audit(100.002:2): b",
					 "type=X msg=audit(100.003:3): c", NULL };
	static const char *const b[] = { "type=X msg=audit(100.002:2): b",
					 "type=X msg=audit(100.003:3): c",
					 "type=X msg=audit(100.004:4): d", NULL };
	const char *const *files[] = { a, b };
	struct ls_set s;

	two_entries(&s, 100001, 100002);
	ck_assert_uint_eq(replay(&s, files, 2), 4);
	ck_assert_uint_eq(s.e[1].duplicates, 2);
	ls_free(&s);
}
END_TEST

START_TEST(test_another_sources_records_in_the_span_are_new_and_counted)
{
	static const char *const a[] = { "type=X msg=audit(100.001:1): a",
					 "type=X msg=audit(100.009:2): b", NULL };
	static const char *const b[] = { "node=other type=X msg=audit(100.005:1): x",
					 "node=other type=X msg=audit(100.010:2): y", NULL };
	const char *const *files[] = { a, b };
	struct ls_set s;

	two_entries(&s, 100001, 100005);
	ck_assert_uint_eq(replay(&s, files, 2), 4);
	ck_assert_uint_eq(s.e[1].duplicates, 0);
	ck_assert_uint_eq(s.e[1].overlap_new, 1);
	ls_free(&s);
}
END_TEST

static Suite *logset_suite(void)
{
	Suite *s = suite_create("logset");
	TCase *tf = tcase_create("files");
	TCase *to = tcase_create("overlap");

	tcase_add_checked_fixture(tf, setup, teardown);
	tcase_add_test(tf, test_a_directory_is_ordered_by_first_event_not_by_name);
	tcase_add_test(tf, test_forms_are_known_from_the_first_lines);
	tcase_add_test(tf, test_missing_inputs_stay_in_the_set_with_their_reason);
	suite_add_tcase(s, tf);
	tcase_add_test(to, test_a_copy_of_a_file_is_all_duplicates);
	tcase_add_test(to, test_an_event_cut_by_rotation_is_not_a_duplicate);
	tcase_add_test(to, test_overlapping_copies_replay_each_record_once);
	tcase_add_test(to, test_another_sources_records_in_the_span_are_new_and_counted);
	suite_add_tcase(s, to);
	return s;
}

int main(void)
{
	return ck_run(logset_suite());
}
