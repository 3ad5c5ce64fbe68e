/* check_clock.c - the clocks and the time formats. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checkrun.h"
#include "clock.h"

START_TEST(test_rfc3339_epoch_and_known_dates)
{
	char ts[CLK_RFC3339_SIZE];

	clk_rfc3339(0, 0, ts);
	ck_assert_str_eq(ts, "1970-01-01T00:00:00.000Z");
	clk_rfc3339(1795728867, 245, ts);
	ck_assert_str_eq(ts, "2026-11-26T21:34:27.245Z");
	clk_rfc3339(1709164800, 7, ts);
	ck_assert_str_eq(ts, "2024-02-29T00:00:00.007Z");
	clk_rfc3339(-1, 999, ts);
	ck_assert_str_eq(ts, "1969-12-31T23:59:59.999Z");
}
END_TEST

START_TEST(test_rfc3339_out_of_range_is_clamped)
{
	char ts[CLK_RFC3339_SIZE];

	clk_rfc3339(INT64_MAX, 0, ts);
	ck_assert_str_eq(ts, "9999-12-31T23:59:59.999Z");
	clk_rfc3339(253402300800, 0, ts);
	ck_assert_str_eq(ts, "9999-12-31T23:59:59.999Z");
	clk_rfc3339(INT64_MIN, 500, ts);
	ck_assert_str_eq(ts, "0001-01-01T00:00:00.000Z");
	clk_rfc3339(0, 1000, ts);
	ck_assert_str_eq(ts, "1970-01-01T00:00:00.999Z");
}
END_TEST

START_TEST(test_rfc3339_ms_splits_negative_times_downwards)
{
	char ts[CLK_RFC3339_SIZE];

	clk_rfc3339_ms(1795728867245, ts);
	ck_assert_str_eq(ts, "2026-11-26T21:34:27.245Z");
	clk_rfc3339_ms(-1, ts);
	ck_assert_str_eq(ts, "1969-12-31T23:59:59.999Z");
	clk_rfc3339_ms(-1000, ts);
	ck_assert_str_eq(ts, "1969-12-31T23:59:59.000Z");
	clk_rfc3339_ms(INT64_MIN, ts);
	ck_assert_str_eq(ts, "0001-01-01T00:00:00.000Z");
}
END_TEST

/* CLOCK_REALTIME in milliseconds, read here. Not time(2): glibc serves it
 * from the coarse clock, which may still say second S a few milliseconds
 * into S+1 (a trixie build root failed so: t 1796650763002, after ...000). */
static int64_t realtime_ms(void)
{
	struct timespec ts;

	ck_assert_int_eq(clock_gettime(CLOCK_REALTIME, &ts), 0);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

START_TEST(test_wall_clock_is_the_realtime_clock_in_ms)
{
	int64_t before = realtime_ms(), t = clk_wall_ms(), after = realtime_ms();

	ck_assert_int_ge(t, before);
	ck_assert_int_le(t, after);
}
END_TEST

START_TEST(test_monotonic_clock_never_goes_back)
{
	int64_t a = clk_mono_ms(), b = clk_mono_ms();

	ck_assert_int_gt(a, 0);
	ck_assert_int_ge(b, a);
}
END_TEST

/* The microsecond clock is the millisecond one, finer. */
START_TEST(test_microsecond_clock_is_the_monotonic_clock_finer)
{
	int64_t ms = clk_mono_ms(), us = clk_mono_us(), ms2 = clk_mono_ms();

	ck_assert_int_ge(us / 1000, ms);
	ck_assert_int_le(us / 1000, ms2);
	ck_assert_int_ge(clk_mono_us(), us);
}
END_TEST

START_TEST(test_syslog_stamp_is_local_time_as_syslog_writes_it)
{
	char s[CLK_SYSLOG_SIZE], want[CLK_SYSLOG_SIZE];
	struct tm tm;
	time_t now;
	int tries;

	/* The second may turn between the two readings: try again then. */
	for (tries = 0; tries < 3; tries++) {
		now = time(NULL);
		clk_syslog_now(s);
		ck_assert_ptr_nonnull(localtime_r(&now, &tm));
		strftime(want, sizeof(want), "%b %e %H:%M:%S", &tm);
		if (time(NULL) == now)
			break;
	}
	ck_assert_uint_eq(strlen(s), 15);
	ck_assert_str_eq(s, want);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("clock");
	TCase *f = tcase_create("formats"), *c = tcase_create("clocks");

	tcase_add_test(f, test_rfc3339_epoch_and_known_dates);
	tcase_add_test(f, test_rfc3339_out_of_range_is_clamped);
	tcase_add_test(f, test_rfc3339_ms_splits_negative_times_downwards);
	tcase_add_test(f, test_syslog_stamp_is_local_time_as_syslog_writes_it);
	suite_add_tcase(s, f);
	tcase_add_test(c, test_wall_clock_is_the_realtime_clock_in_ms);
	tcase_add_test(c, test_monotonic_clock_never_goes_back);
	tcase_add_test(c, test_microsecond_clock_is_the_monotonic_clock_finer);
	suite_add_tcase(s, c);
	return ck_run(s);
}
