/* check_alertclip.c - caps, cuts and the clip markers of an alert render
 * (alertclip.h). */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "alertclip.h"
#include "alerttest.h"
#include "checkrun.h"
#include "jsondoc.h"

START_TEST(test_cut_keeps_what_fits_whole)
{
	ck_assert_uint_eq(kme_cut("lsmod", 5, 5), 5);
	ck_assert_uint_eq(kme_cut("lsmod", 5, SIZE_MAX), 5);
	ck_assert_uint_eq(kme_cut("lsmod", 5, 3), 3);
}
END_TEST

START_TEST(test_cut_never_splits_a_utf8_sequence)
{
	static const char s[] = "a\xe2\x82\xac" "b";   /* a, U+20AC, b */

	ck_assert_uint_eq(kme_cut(s, 5, 1), 1);
	ck_assert_uint_eq(kme_cut(s, 5, 2), 1);
	ck_assert_uint_eq(kme_cut(s, 5, 3), 1);
	ck_assert_uint_eq(kme_cut(s, 5, 4), 4);
}
END_TEST

/* A run of continuation bytes is no sequence: cut at the cap (each byte is
 * U+FFFD anyway). */
START_TEST(test_cut_inside_stray_continuation_bytes_is_the_cap)
{
	static const char s[] = "\x80\x80\x80\x80\x80\x80\x80\x80";

	ck_assert_uint_eq(kme_cut(s, 8, 6), 6);
}
END_TEST

START_TEST(test_listed_is_at_most_the_list_cap)
{
	struct ac_caps c = ac_whole;

	ck_assert_uint_eq(ac_listed(&ex.proc.args, &c), 1);
	c.list = 0;
	ck_assert_uint_eq(ac_listed(&ex.proc.args, &c), 0);
}
END_TEST

START_TEST(test_clipped_args_are_named_up_to_16_and_all_counted)
{
	struct ac_clips k = { 0 };
	size_t i;

	for (i = 0; i < 20; i++)
		ac_note_arg(&k, i + 1, false, 16, true);
	ac_note_arg(&k, 0, true, 16, true);
	ck_assert_uint_eq(k.proc, 20);
	ck_assert_uint_eq(k.nidx, AC_CLIP_IDX);
	ck_assert_uint_eq(k.idx[0], 1);
	ck_assert_uint_eq(k.idx[AC_CLIP_IDX - 1], AC_CLIP_IDX);
	ck_assert_uint_eq(k.parent, 1);
}
END_TEST

/* The markers alone, as the members of one object. */
static const char *json_markers(const struct ac_caps *c,
				const struct ac_clips *k)
{
	struct jd w;

	buf_reset(&out);
	jd_init(&w, &out);
	jd_open(&w, NULL, "{");
	ac_json_markers(&w, &ex, c, k);
	jd_close(&w, "}");
	ck_assert_int_eq(jd_end(&w), 0);
	return out.p;
}

START_TEST(test_json_markers_of_a_whole_render_say_only_not_truncated)
{
	struct ac_clips k = { 0 };

	ck_assert_str_eq(json_markers(&ac_whole, &k), "{\"args_truncated\":false}");
}
END_TEST

START_TEST(test_json_markers_of_the_decoders_cut_say_truncated)
{
	struct ac_clips k = { 0 };

	ex.parent.args.truncated = true;
	ck_assert_str_eq(json_markers(&ac_whole, &k), "{\"args_truncated\":true}");
}
END_TEST

START_TEST(test_json_markers_name_every_cut)
{
	struct ac_caps c = { .arg = 16, .str = 64, .list = 1 };
	struct ac_clips k = { 0 };

	args[1] = S("-v");
	ex.proc.args.n = 2;
	pargs[1] = S("-c");
	ex.parent.args.n = 2;
	ac_note_arg(&k, 0, false, 16, true);
	ac_note_arg(&k, 0, true, 16, true);
	k.strings = true;
	ck_assert_str_eq(json_markers(&c, &k),
		"{\"args_truncated\":true,\"args_clipped\":[0],"
		"\"args_clipped_count\":1,\"parent_args_clipped_count\":1,"
		"\"args_clip_bytes\":16,\"parent_args_clip_bytes\":16,"
		"\"args_omitted\":1,"
		"\"parent_args_omitted\":1,\"strings_clipped\":true}");
}
END_TEST

/* A parent arg the process table kept as a prefix (pidtab.h), in an alert
 * rendered whole: the parent's clip is named, no render cap is. */
START_TEST(test_json_markers_of_a_parent_arg_clipped_by_the_table)
{
	struct ac_clips k = { 0 };

	ex.parent.args.truncated = true;    /* the table's flag */
	ac_note_arg(&k, 2, true, 1024, false);
	ck_assert_str_eq(json_markers(&ac_whole, &k),
		"{\"args_truncated\":true,\"parent_args_clipped_count\":1,"
		"\"parent_args_clip_bytes\":1024}");
}
END_TEST

START_TEST(test_text_markers_of_a_whole_render_are_none)
{
	struct ac_clips k = { 0 };

	ck_assert_int_eq(ac_text_markers(&out, &ex, &ac_whole, &k), 0);
	ck_assert_uint_eq(out.len, 0);
}
END_TEST

START_TEST(test_text_markers_name_every_cut)
{
	struct ac_caps c = { .arg = 16, .str = 64, .list = 1 };
	struct ac_clips k = { 0 };

	args[1] = S("-v");
	ex.proc.args.n = 2;
	ac_note_arg(&k, 0, false, 16, true);
	k.strings = true;
	ck_assert_int_eq(ac_text_markers(&out, &ex, &c, &k), 0);
	ck_assert_str_eq(out.p, " [args truncated] [1 args clipped to 16 bytes]"
			 " [1 of 2 args not shown] [strings clipped]");
}
END_TEST

START_TEST(test_text_markers_bound_reached_returns_minus_one)
{
	struct ac_clips k = { 0 };
	struct kme_buf small;

	ex.proc.args.truncated = true;
	k.strings = true;
	buf_init(&small, 20);
	ck_assert_int_eq(ac_text_markers(&small, &ex, &ac_whole, &k), -1);
	ck_assert_str_eq(small.p, " [args truncated]");  /* a prefix */
	buf_free(&small);
}
END_TEST

static Suite *alertclip_suite(void)
{
	Suite *s = suite_create("alertclip");
	TCase *c = tcase_create("caps");
	TCase *m = tcase_create("markers");

	tcase_add_checked_fixture(c, setup, teardown);
	tcase_add_test(c, test_cut_keeps_what_fits_whole);
	tcase_add_test(c, test_cut_never_splits_a_utf8_sequence);
	tcase_add_test(c, test_cut_inside_stray_continuation_bytes_is_the_cap);
	tcase_add_test(c, test_listed_is_at_most_the_list_cap);
	tcase_add_test(c, test_clipped_args_are_named_up_to_16_and_all_counted);
	suite_add_tcase(s, c);

	tcase_add_checked_fixture(m, setup, teardown);
	tcase_add_test(m, test_json_markers_of_a_whole_render_say_only_not_truncated);
	tcase_add_test(m, test_json_markers_of_the_decoders_cut_say_truncated);
	tcase_add_test(m, test_json_markers_name_every_cut);
	tcase_add_test(m, test_json_markers_of_a_parent_arg_clipped_by_the_table);
	tcase_add_test(m, test_text_markers_of_a_whole_render_are_none);
	tcase_add_test(m, test_text_markers_name_every_cut);
	tcase_add_test(m, test_text_markers_bound_reached_returns_minus_one);
	suite_add_tcase(s, m);
	return s;
}

int main(void)
{
	return ck_run(alertclip_suite());
}
