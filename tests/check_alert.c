/* check_alert.c - one alert fitted to max_alert_size (alert.h): the
 * ladder of caps, the forms it takes, and the markers it leaves. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "alert.h"
#include "alerttest.h"
#include "checkrun.h"

static char bigs[4][3000];
static struct kme_str many[64];

/* n args: "lsmod", then n-1 args of len bytes of 'a'. */
static void long_args(size_t n, size_t len)
{
	size_t i;

	ck_assert_uint_le(n, 64);
	ck_assert_uint_le(len, sizeof(bigs[0]));
	memset(bigs[0], 'a', sizeof(bigs[0]));
	many[0] = S("lsmod");
	for (i = 1; i < n; i++)
		many[i] = (struct kme_str){ bigs[0], len };
	ex.proc.args = (struct kme_args){ .v = many, .n = n };
}

/* alert_render, then parse; the line is within max. */
static yajl_val fit(size_t max, enum alert_form want)
{
	char err[256];

	cfg.max_alert_size = max;
	yajl_tree_free(doc);
	doc = NULL;
	ck_assert_int_eq(alert_render(&out, &ctx, CFG_FORMAT_JSON, &ex, &term,
				      &seen), want);
	ck_assert_uint_le(out.len, max);
	assert_one_clean_line(&out);
	doc = yajl_tree_parse(out.p, err, sizeof(err));
	ck_assert_msg(doc != NULL, "invalid JSON (%s): %s", err, out.p);
	return doc;
}

START_TEST(test_fit_small_alert_is_whole_and_unmarked)
{
	yajl_val d = fit(7168, ALERT_WHOLE);

	ck_assert_ptr_null(at(d, "audisp_kmod_enum.args_clipped"));
	ck_assert_ptr_null(at(d, "audisp_kmod_enum.args_omitted"));
	ck_assert(YAJL_IS_FALSE(at(d, "audisp_kmod_enum.args_truncated")));
}
END_TEST

START_TEST(test_fit_long_args_are_clipped_to_ignore_above_first)
{
	yajl_val d, a;

	long_args(3, 3000);
	d = fit(7168, ALERT_CLIPPED);
	a = arr_at(d, "process.args", 3);
	ck_assert_str_eq(elem_str(a, 0), "lsmod");
	ck_assert_uint_eq(strlen(elem_str(a, 1)), 1024);
	ck_assert_uint_eq(strlen(elem_str(a, 2)), 1024);
	ck_assert_int_eq(int_at(d, "process.args_count"), 3);
	a = arr_at(d, "audisp_kmod_enum.args_clipped", 2);
	ck_assert_int_eq(YAJL_GET_INTEGER(a->u.array.values[0]), 1);
	ck_assert_int_eq(YAJL_GET_INTEGER(a->u.array.values[1]), 2);
	ck_assert_int_eq(int_at(d, "audisp_kmod_enum.args_clipped_count"), 2);
	ck_assert_int_eq(int_at(d, "audisp_kmod_enum.args_clip_bytes"), 1024);
	ck_assert(YAJL_IS_TRUE(at(d, "audisp_kmod_enum.args_truncated")));
	ck_assert_ptr_null(at(d, "audisp_kmod_enum.args_omitted"));
	ck_assert_uint_eq(strlen(str_at(d, "process.command_line")),
			  5 + 1 + 1024 + 1 + 1024);
}
END_TEST

START_TEST(test_fit_clips_further_when_1024_is_not_enough)
{
	yajl_val d;

	long_args(6, 3000);
	d = fit(7168, ALERT_CLIPPED);
	arr_at(d, "process.args", 6);
	ck_assert_int_lt(int_at(d, "audisp_kmod_enum.args_clip_bytes"), 1024);
	ck_assert_uint_eq(strlen(elem_str(at(d, "process.args"), 5)),
			  (size_t)int_at(d, "audisp_kmod_enum.args_clip_bytes"));
}
END_TEST

START_TEST(test_fit_lists_at_most_16_clipped_indices_but_counts_all)
{
	yajl_val d;

	long_args(41, 200);
	d = fit(60 * 1024, ALERT_WHOLE);
	arr_at(d, "process.args", 41);
	d = fit(8000, ALERT_CLIPPED);
	arr_at(d, "process.args", 41);
	arr_at(d, "audisp_kmod_enum.args_clipped", 16);
	ck_assert_int_eq(int_at(d, "audisp_kmod_enum.args_clipped_count"), 40);
}
END_TEST

START_TEST(test_fit_never_cuts_inside_a_utf8_sequence)
{
	static char eur[3000];
	yajl_val d;
	size_t i;

	for (i = 0; i + 3 <= sizeof(eur); i += 3)
		memcpy(eur + i, "\xe2\x82\xac", 3);   /* U+20AC, 3 bytes */
	many[0] = S("lsmod");
	many[1] = (struct kme_str){ eur, 2999 };
	ex.proc.args = (struct kme_args){ .v = many, .n = 2 };
	cfg.max_alert_size = 4096;
	d = fit(4096, ALERT_CLIPPED);
	ck_assert_ptr_null(strstr(out.p, "\\x"));  /* no escaped bytes */
	ck_assert_uint_eq(strlen(elem_str(at(d, "process.args"), 1)) % 3, 0);
}
END_TEST

/* 200,000 args cannot all be listed in 7 KiB: the first are, args_count is
 * still the real argc, and args_omitted makes up the difference. */
START_TEST(test_fit_huge_argc_lists_first_args_and_keeps_real_count)
{
	struct kme_str *v = malloc(200000 * sizeof(*v));
	yajl_val d, a;
	size_t i;

	ck_assert_ptr_nonnull(v);
	v[0] = S("kmod");
	for (i = 1; i < 200000; i++)
		v[i] = S("list");
	ex.proc.args = (struct kme_args){ .v = v, .n = 200000 };
	d = fit(7168, ALERT_PARTIAL);
	a = at(d, "process.args");
	ck_assert(YAJL_IS_ARRAY(a));
	ck_assert_uint_gt(a->u.array.len, 100);
	ck_assert_int_eq(int_at(d, "process.args_count"), 200000);
	ck_assert_int_eq(int_at(d, "audisp_kmod_enum.args_omitted"),
			 200000 - (long long)a->u.array.len);
	ck_assert(YAJL_IS_TRUE(at(d, "audisp_kmod_enum.args_truncated")));
	/* The executable and the term are kept whole. */
	ck_assert_str_eq(str_at(d, "process.executable"), "/usr/sbin/lsmod");
	ck_assert_ptr_null(at(d, "audisp_kmod_enum.strings_clipped"));
	/* argc beyond what the decoder stored counts as omitted too. */
	ex.proc.args.argc = 300000;
	d = fit(7168, ALERT_PARTIAL);
	ck_assert_int_eq(int_at(d, "process.args_count"), 300000);
	ck_assert_int_eq(int_at(d, "audisp_kmod_enum.args_omitted"),
			 300000 - (long long)at(d, "process.args")->u.array.len);
	free(v);
}
END_TEST

START_TEST(test_fit_long_paths_are_clipped_after_args)
{
	static char path[3000];
	yajl_val d;

	memset(path, 'p', sizeof(path));
	path[0] = '/';
	ex.proc.executable = (struct kme_str){ path, sizeof(path) };
	ex.parent.executable = (struct kme_str){ path, sizeof(path) };
	ex.proc.cwd = (struct kme_str){ path, sizeof(path) };
	term.v[0] = ex.proc.executable;
	term.v[1] = ex.parent.executable;
	d = fit(7168, ALERT_CLIPPED);
	ck_assert(YAJL_IS_TRUE(at(d, "audisp_kmod_enum.strings_clipped")));
	ck_assert_uint_le(strlen(str_at(d, "process.executable")), 1024);
}
END_TEST

START_TEST(test_fit_bound_below_the_fixed_part_is_too_large)
{
	cfg.max_alert_size = 300;
	ck_assert_int_eq(alert_render(&out, &ctx, CFG_FORMAT_JSON, &ex, &term,
				      &seen), ALERT_TOO_LARGE);
	ck_assert_uint_eq(out.len, 0);
}
END_TEST

START_TEST(test_fit_text_obeys_the_same_bound)
{
	long_args(6, 3000);
	cfg.max_alert_size = 4096;
	ck_assert_int_eq(alert_render(&out, &ctx, CFG_FORMAT_TEXT, &ex, &term,
				      &seen), ALERT_CLIPPED);
	ck_assert_uint_le(out.len, 4096);
	assert_one_clean_line(&out);
	ck_assert_ptr_nonnull(strstr(out.p, " [args truncated] [5 args clipped to "));
	cfg.max_alert_size = 7168;
	ck_assert_int_eq(alert_render(&out, &ctx, CFG_FORMAT_TEXT, &ex, &term,
				      &seen), ALERT_CLIPPED);
	ck_assert_ptr_nonnull(strstr(out.p, " [5 args clipped to 1024 bytes]"));
}
END_TEST

START_TEST(test_fit_every_bound_gives_a_valid_line_within_it)
{
	size_t max;

	long_args(20, 2500);
	for (max = 4096; max <= 60 * 1024; max += 1999) {
		cfg.max_alert_size = max;
		yajl_tree_free(doc);
		doc = NULL;
		ck_assert_int_ne(alert_render(&out, &ctx, CFG_FORMAT_JSON, &ex,
					      &term, &seen), ALERT_TOO_LARGE);
		ck_assert_uint_le(out.len, max);
		fit(max, alert_render(&out, &ctx, CFG_FORMAT_JSON, &ex, &term,
				      &seen));
		ck_assert_int_eq(int_at(doc, "process.args_count"), 20);
	}
}
END_TEST

START_TEST(test_form_names)
{
	ck_assert_str_eq(alert_form_name(ALERT_WHOLE), "whole");
	ck_assert_str_eq(alert_form_name(ALERT_CLIPPED), "clipped");
	ck_assert_str_eq(alert_form_name(ALERT_PARTIAL), "partial");
	ck_assert_str_eq(alert_form_name(ALERT_TOO_LARGE), "too large");
	ck_assert_str_eq(alert_form_name((enum alert_form)9), "?");
}
END_TEST

static Suite *alert_suite(void)
{
	Suite *s = suite_create("alert");
	TCase *f = tcase_create("fit");

	tcase_add_checked_fixture(f, setup, teardown);
	tcase_set_timeout(f, 60);
	tcase_add_test(f, test_fit_small_alert_is_whole_and_unmarked);
	tcase_add_test(f, test_fit_long_args_are_clipped_to_ignore_above_first);
	tcase_add_test(f, test_fit_clips_further_when_1024_is_not_enough);
	tcase_add_test(f, test_fit_lists_at_most_16_clipped_indices_but_counts_all);
	tcase_add_test(f, test_fit_never_cuts_inside_a_utf8_sequence);
	tcase_add_test(f, test_fit_huge_argc_lists_first_args_and_keeps_real_count);
	tcase_add_test(f, test_fit_long_paths_are_clipped_after_args);
	tcase_add_test(f, test_fit_bound_below_the_fixed_part_is_too_large);
	tcase_add_test(f, test_fit_text_obeys_the_same_bound);
	tcase_add_test(f, test_fit_every_bound_gives_a_valid_line_within_it);
	tcase_add_test(f, test_form_names);
	suite_add_tcase(s, f);
	return s;
}

int main(void)
{
	return ck_run(alert_suite());
}
