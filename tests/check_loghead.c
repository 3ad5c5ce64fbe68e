/* check_loghead.c - the form of a log line: raw, ausearch -i, ausearch's
 * decorations and summaries, or none. The lines are copied from real
 * output (tests/data/interp/). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "checkrun.h"
#include "loghead.h"

static enum lh_kind parse(const char *s, struct lh_head *h)
{
	return lh_parse(s, strlen(s), h);
}

START_TEST(test_raw_record_gives_node_type_stamp_and_body)
{
	const char *l = "node=kme-agg-a type=SYSCALL msg=audit(1795729587.581:2069): arch=c000003e";
	struct lh_head h;

	ck_assert_int_eq(parse(l, &h), LH_RAW);
	ck_assert(kme_str_is(h.node, "kme-agg-a"));
	ck_assert(kme_str_is(h.type, "SYSCALL"));
	ck_assert_int_eq(h.sec, 1795729587);
	ck_assert_uint_eq(h.msec, 581);
	ck_assert_uint_eq(h.serial, 2069);
	ck_assert_str_eq(l + h.body, "arch=c000003e");
}
END_TEST

START_TEST(test_interpreted_record_gives_its_local_stamp)
{
	const char *l = "type=EXECVE msg=audit(12/07/26 04:33:28.314:341537) : argc=8 a0=kmod";
	struct lh_head h;

	ck_assert_int_eq(parse(l, &h), LH_INTERP);
	ck_assert(!kme_str_present(h.node));
	ck_assert(kme_str_is(h.type, "EXECVE"));
	ck_assert(kme_str_is(h.local, "12/07/26 04:33:28"));
	ck_assert_uint_eq(h.msec, 314);
	ck_assert_uint_eq(h.serial, 341537);
	ck_assert_str_eq(l + h.body, "argc=8 a0=kmod");
}
END_TEST

START_TEST(test_four_digit_year_of_en_us_is_interpreted_too)
{
	const char *l = "type=SYSCALL msg=audit(03/29/2023 17:59:15.456:5288) : arch=x86_64 syscall=execve";
	struct lh_head h;

	ck_assert_int_eq(parse(l, &h), LH_INTERP);
	ck_assert(kme_str_is(h.local, "03/29/2023 17:59:15"));
	ck_assert_uint_eq(h.serial, 5288);
}
END_TEST

START_TEST(test_ausearch_decorations_and_summaries_are_named)
{
	struct lh_head h;

	ck_assert_int_eq(parse("----", &h), LH_SEPARATOR);
	ck_assert_int_eq(parse("time->Thu Nov 26 21:46:27 2026", &h), LH_TIMELINE);
	ck_assert_int_eq(parse("At 21:46:27 11/26/26 root successfully executed /usr/bin/bash ", &h),
			 LH_TEXT);
	ck_assert_int_eq(parse("NODE,EVENT,DATE,TIME,SERIAL_NUM,EVENT_KIND,SESSION", &h), LH_CSV);
	ck_assert_str_eq(lh_kind_name(LH_INTERP), "ausearch -i record");
}
END_TEST

START_TEST(test_broken_headers_are_not_records)
{
	static const char *const bad[] = {
		"", "-----", "hello world", "type=SYSCALL", "type= msg=audit(1.2:3): x",
		"type=SYSCALL msg=audit(1.2:3) x", "type=SYSCALL msg=audit(1.2345:3): x",
		"type=SYSCALL msg=audit(x.2:3): x", "node=a", "node=a type=X msg=audit(1.2:):",
		"type=SYSCALL msg=audit(12/07/26 04:33:28.314:) : x",
		"type=SYSCALL msg=audit(12/07/26.314:5) : x",
		"type=SYSCALL msg=audit(12/07/26 04:33:28:5) : x",
		"type=SYSCALL msg=audit(12/07/26 04:33:28.3141:5) : x",
		"At noon", "\x1f\x8b\x08\x00",
	};
	struct lh_head h;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(parse(bad[i], &h) == LH_OTHER, "'%s' taken as %s", bad[i],
			      lh_kind_name(h.kind));
}
END_TEST

static Suite *loghead_suite(void)
{
	Suite *s = suite_create("loghead");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_raw_record_gives_node_type_stamp_and_body);
	tcase_add_test(tc, test_interpreted_record_gives_its_local_stamp);
	tcase_add_test(tc, test_four_digit_year_of_en_us_is_interpreted_too);
	tcase_add_test(tc, test_ausearch_decorations_and_summaries_are_named);
	tcase_add_test(tc, test_broken_headers_are_not_records);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run(loghead_suite());
}
