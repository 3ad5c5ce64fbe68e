/* check_alerttext.c - the text form of an alert (alerttext.h). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "alerttext.h"
#include "alerttest.h"
#include "checkrun.h"

START_TEST(test_text_line_reads_as_documented)
{
	ck_assert_int_eq(at_line(&out, &ctx, &ex, NULL, &ac_whole), 0);
	ck_assert_str_eq(out.p,
		"kernel module enumeration: /usr/sbin/lsmod (lsmod) pid 2223 "
		"by /usr/bin/bash pid 2203 [audit] uid 0 auid 1000 tty pts0 "
		"event 1795728867.245:6 cmd 'lsmod'");
}
END_TEST

START_TEST(test_text_line_with_history_and_unknowns)
{
	ex.ppid = -1;
	memset(&ex.parent, 0, sizeof(ex.parent));
	ex.parent_source = KME_PARENT_UNKNOWN;
	ex.auid = KME_ID_UNSET;
	ex.tty = KME_STR_NULL;
	ex.node = S("fwd");
	ex.proc.args.truncated = true;
	ck_assert_int_eq(at_line(&out, &ctx, &ex, &seen, &ac_whole), 0);
	ck_assert_str_eq(out.p,
		"kernel module enumeration: /usr/sbin/lsmod (lsmod) pid 2223 "
		"by ? pid ? [unknown] uid 0 auid unset node fwd "
		"event 1795728867.245:6 cmd 'lsmod' [args truncated] "
		"last seen 2026-09-21T14:13:20.000Z");
}
END_TEST

START_TEST(test_text_line_has_no_control_bytes)
{
	args[0] = S("lsmod\nFAKE: kernel module enumeration");
	args[1] = S("\x1b[31m\x1d\x7f\xc2\x9b\xff");
	ex.proc.args.n = 2;
	ex.parent.executable = S("/bin/\rsh");
	ex.tty = S("pts/0\n");
	ck_assert_int_eq(at_line(&out, &ctx, &ex, &seen, &ac_whole), 0);
	assert_one_clean_line(&out);
	ck_assert_ptr_nonnull(strstr(out.p, "cmd 'lsmod\\u000aFAKE: kernel"));
	ck_assert_ptr_nonnull(strstr(out.p, "by /bin/\\u000dsh pid"));
	ck_assert_ptr_null(strstr(out.p, "\xc2\x9b"));
}
END_TEST

/* Bytes FF FE are U+FFFD, counted in a marker; the typed text \xff\xfe is
 * written as text (its backslashes escaped), no marker. */
START_TEST(test_text_line_shows_invalid_bytes_as_fffd_and_says_so)
{
	args[1] = S("\xff\xfe");
	ex.proc.args.n = 2;
	ck_assert_int_eq(at_line(&out, &ctx, &ex, NULL, &ac_whole), 0);
	ck_assert_ptr_nonnull(strstr(out.p, "cmd 'lsmod \xef\xbf\xbd\xef\xbf\xbd'"));
	ck_assert_ptr_nonnull(strstr(out.p, " [2 bytes not UTF-8 shown as U+FFFD]"));
	args[1] = S("\\xff\\xfe");
	buf_reset(&out);
	ck_assert_int_eq(at_line(&out, &ctx, &ex, NULL, &ac_whole), 0);
	ck_assert_ptr_nonnull(strstr(out.p, "cmd 'lsmod \\\\xff\\\\xfe'"));
	ck_assert_ptr_null(strstr(out.p, "not UTF-8"));
}
END_TEST

START_TEST(test_text_bound_reached_returns_minus_one)
{
	struct kme_buf small;

	buf_init(&small, 40);
	ck_assert_int_eq(at_line(&small, &ctx, &ex, &seen, &ac_whole), -1);
	ck_assert_uint_le(small.len, 40);
	buf_free(&small);
}
END_TEST

static Suite *alerttext_suite(void)
{
	Suite *s = suite_create("alerttext");
	TCase *x = tcase_create("text");

	tcase_add_checked_fixture(x, setup, teardown);
	tcase_add_test(x, test_text_line_reads_as_documented);
	tcase_add_test(x, test_text_line_with_history_and_unknowns);
	tcase_add_test(x, test_text_line_has_no_control_bytes);
	tcase_add_test(x, test_text_line_shows_invalid_bytes_as_fffd_and_says_so);
	tcase_add_test(x, test_text_bound_reached_returns_minus_one);
	suite_add_tcase(s, x);
	return s;
}

int main(void)
{
	return ck_run(alerttext_suite());
}
