/* check_limit.c - at most N alerts per fixed interval of event time,
 * counted here or by a shared counter. */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "checkrun.h"
#include "limit.h"

#define T0 1795728600 /* a multiple of 300 */

/* Allow n alerts at time t; returns how many were allowed. */
static unsigned allow_n(struct lim_state *l, int64_t t, unsigned n)
{
	unsigned ok = 0, i;

	for (i = 0; i < n; i++)
		ok += lim_allow(l, t) ? 1 : 0;
	return ok;
}

START_TEST(test_first_hundred_allowed_hundred_first_refused)
{
	struct lim_state l;
	int64_t start = 0;
	uint64_t count = 0;

	lim_init(&l, 100, 300);
	ck_assert_uint_eq(allow_n(&l, T0 + 10, 100), 100);
	ck_assert(!lim_allow(&l, T0 + 299));
	ck_assert_uint_eq(l.over_total, 1);
	ck_assert_uint_eq(l.over_window, 1);
	/* Nothing to report while the interval is still open. */
	ck_assert(!lim_take_report(&l, false, &start, &count));
}
END_TEST

START_TEST(test_next_interval_is_allowed_again)
{
	struct lim_state l;

	lim_init(&l, 100, 300);
	ck_assert_uint_eq(allow_n(&l, T0, 105), 100);
	ck_assert(lim_allow(&l, T0 + 300));
	ck_assert_uint_eq(allow_n(&l, T0 + 599, 99), 99);
	ck_assert(!lim_allow(&l, T0 + 599));
	ck_assert_uint_eq(l.over_total, 6);
}
END_TEST

START_TEST(test_report_names_the_interval_and_its_count_once)
{
	struct lim_state l;
	int64_t start = 0;
	uint64_t count = 0;

	lim_init(&l, 100, 300);
	ck_assert_uint_eq(allow_n(&l, T0 + 42, 107), 100);
	ck_assert(lim_allow(&l, T0 + 300 + 5)); /* closes the first interval */
	ck_assert(lim_take_report(&l, false, &start, &count));
	ck_assert_int_eq(start, T0);
	ck_assert_uint_eq(count, 7);
	ck_assert(!lim_take_report(&l, false, &start, &count));
	ck_assert(!lim_take_report(&l, true, &start, &count));
}
END_TEST

START_TEST(test_interval_without_refusals_gives_no_report)
{
	struct lim_state l;
	int64_t start = 0;
	uint64_t count = 0;

	lim_init(&l, 100, 300);
	ck_assert_uint_eq(allow_n(&l, T0, 100), 100);
	ck_assert(lim_allow(&l, T0 + 900));
	ck_assert(!lim_take_report(&l, false, &start, &count));
	ck_assert(!lim_take_report(&l, true, &start, &count));
}
END_TEST

START_TEST(test_at_exit_reports_the_current_interval)
{
	struct lim_state l;
	int64_t start = 0;
	uint64_t count = 0;

	lim_init(&l, 3, 300);
	ck_assert_uint_eq(allow_n(&l, T0 + 600 + 1, 5), 3);
	ck_assert(!lim_take_report(&l, false, &start, &count));
	ck_assert(lim_take_report(&l, true, &start, &count));
	ck_assert_int_eq(start, T0 + 600);
	ck_assert_uint_eq(count, 2);
	ck_assert(!lim_take_report(&l, true, &start, &count));
	ck_assert_uint_eq(l.over_total, 2);
}
END_TEST

START_TEST(test_unreported_intervals_are_folded_not_lost)
{
	struct lim_state l;
	int64_t start = 0;
	uint64_t count = 0;

	lim_init(&l, 1, 300);
	ck_assert_uint_eq(allow_n(&l, T0, 3), 1);       /* 2 refused */
	ck_assert_uint_eq(allow_n(&l, T0 + 300, 4), 1); /* 3 refused */
	ck_assert(lim_allow(&l, T0 + 600));
	ck_assert(lim_take_report(&l, false, &start, &count));
	ck_assert_int_eq(start, T0); /* the oldest unreported interval */
	ck_assert_uint_eq(count, 5);
	ck_assert_uint_eq(l.over_total, 5);
}
END_TEST

START_TEST(test_max_zero_means_unlimited)
{
	struct lim_state l;
	int64_t start = 0;
	uint64_t count = 0;

	lim_init(&l, 0, 300);
	ck_assert_uint_eq(allow_n(&l, T0, 100000), 100000);
	ck_assert_uint_eq(l.over_total, 0);
	ck_assert(!lim_take_report(&l, true, &start, &count));
}
END_TEST

START_TEST(test_out_of_order_event_counts_against_current_interval)
{
	struct lim_state l;

	lim_init(&l, 2, 300);
	ck_assert(lim_allow(&l, T0 + 300));
	ck_assert(lim_allow(&l, T0 + 10)); /* older: same (current) interval */
	ck_assert(!lim_allow(&l, T0 + 20));
	ck_assert(!lim_allow(&l, T0 + 301));
	ck_assert_int_eq(l.window_start, T0 + 300);
	ck_assert_uint_eq(l.over_window, 2);
}
END_TEST

START_TEST(test_negative_times_use_floor_intervals)
{
	struct lim_state l;
	int64_t start = 0;
	uint64_t count = 0;

	lim_init(&l, 1, 300);
	ck_assert(lim_allow(&l, -1));
	ck_assert_int_eq(l.window_start, -300);
	ck_assert(!lim_allow(&l, -300)); /* same interval [-300, 0) */
	ck_assert(lim_allow(&l, 0));     /* next interval */
	ck_assert(lim_take_report(&l, false, &start, &count));
	ck_assert_int_eq(start, -300);
	ck_assert_uint_eq(count, 1);
	ck_assert_int_eq(l.window_start, 0);
	ck_assert(!lim_allow(&l, 299)); /* [0, 300) already used its one */
	ck_assert(lim_allow(&l, 300));
}
END_TEST

START_TEST(test_extreme_times_do_not_overflow)
{
	struct lim_state l;

	/* Times come from hostile log files in replay: the window arithmetic
	 * must stay defined (this test is meaningful under -fsanitize=undefined). */
	lim_init(&l, 1, 300);
	ck_assert(lim_allow(&l, INT64_MIN));
	ck_assert_int_le(l.window_start, 0);
	lim_init(&l, 1, 300);
	ck_assert(lim_allow(&l, INT64_MAX));
	ck_assert(!lim_allow(&l, INT64_MAX));
	/* Beyond any real time, times are clamped (to 2^62 s): the window
	 * still starts at or before the event. */
	ck_assert_int_le(l.window_start, INT64_MAX);
	ck_assert_int_gt(l.window_start, ((int64_t)1 << 62) - 300);
}
END_TEST

START_TEST(test_nonpositive_interval_is_made_positive)
{
	struct lim_state l;

	lim_init(&l, 1, 0);
	ck_assert_int_gt(l.interval, 0);
	ck_assert(lim_allow(&l, T0));
	ck_assert(!lim_allow(&l, T0));
	lim_init(&l, 1, -5);
	ck_assert_int_gt(l.interval, 0);
	ck_assert(lim_allow(&l, T0));
}
END_TEST

/* The program's times are milliseconds (event time sec * 1000 + msec): an
 * interval of 5 minutes is 300000 ms and ends at its exact millisecond. */
START_TEST(test_interval_ends_at_its_millisecond)
{
	const int64_t t0 = (int64_t)T0 * 1000;  /* a multiple of 300000 */
	struct lim_state l;
	int64_t start = 0;
	uint64_t count = 0;

	lim_init(&l, 1, 300000);
	ck_assert(lim_allow(&l, t0 + 83));
	ck_assert(!lim_allow(&l, t0 + 299999));     /* same interval */
	ck_assert(lim_allow(&l, t0 + 300000));      /* the next one */
	ck_assert(lim_take_report(&l, false, &start, &count));
	ck_assert_int_eq(start, t0);
	ck_assert_uint_eq(count, 1);
}
END_TEST

/* ---- a shared counter -------------------------------------------------- */

/* A fake fleet: `others` alerts counted elsewhere in every interval; the
 * intervals it was asked about are recorded. */
struct fleet {
	uint64_t others, counted;
	int64_t start, interval;
	bool down;
	unsigned asked;
};

static int fleet_count(void *arg, int64_t start, int64_t interval,
		       uint64_t *n)
{
	struct fleet *f = arg;

	f->asked++;
	if (f->down)
		return -1;
	if (start != f->start)
		f->counted = 0;
	f->start = start;
	f->interval = interval;
	*n = f->others + ++f->counted;
	return 0;
}

START_TEST(test_a_shared_counter_decides_with_the_fleets_count)
{
	struct fleet f = { .others = 98 };
	const struct lim_shared sh = { fleet_count, &f };
	struct lim_state l;
	int64_t start;
	uint64_t count;

	lim_init(&l, 100, 300000);
	lim_share(&l, &sh);
	ck_assert_uint_eq(allow_n(&l, 1795728600123, 5), 2);
	ck_assert_int_eq(f.start, 1795728600000);
	ck_assert_int_eq(f.interval, 300000);
	/* Its refusals are the caller's to count and report. */
	ck_assert_uint_eq(l.over_total, 0);
	ck_assert(!lim_take_report(&l, true, &start, &count));
}
END_TEST

START_TEST(test_a_shared_counter_that_cannot_answer_leaves_it_local)
{
	struct fleet f = { .others = 1000, .down = true };
	const struct lim_shared sh = { fleet_count, &f };
	struct lim_state l;

	lim_init(&l, 2, 300);
	lim_share(&l, &sh);
	ck_assert_uint_eq(allow_n(&l, T0, 3), 2);
	ck_assert_uint_eq(f.asked, 3);
	ck_assert_uint_eq(l.over_total, 1);
	f.down = false;
	ck_assert(!lim_allow(&l, T0 + 300));     /* 1000 elsewhere */
	lim_share(&l, NULL);
	ck_assert(lim_allow(&l, T0 + 300));
	ck_assert_uint_eq(f.asked, 4);
}
END_TEST

START_TEST(test_no_limit_never_asks_the_shared_counter)
{
	struct fleet f = { .others = 1000 };
	const struct lim_shared sh = { fleet_count, &f };
	struct lim_state l;

	lim_init(&l, 0, 300);
	lim_share(&l, &sh);
	ck_assert_uint_eq(allow_n(&l, T0, 5), 5);
	ck_assert_uint_eq(f.asked, 0);
}
END_TEST

static Suite *limit_suite(void)
{
	Suite *s = suite_create("limit");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_first_hundred_allowed_hundred_first_refused);
	tcase_add_test(tc, test_next_interval_is_allowed_again);
	tcase_add_test(tc, test_report_names_the_interval_and_its_count_once);
	tcase_add_test(tc, test_interval_without_refusals_gives_no_report);
	tcase_add_test(tc, test_at_exit_reports_the_current_interval);
	tcase_add_test(tc, test_unreported_intervals_are_folded_not_lost);
	tcase_add_test(tc, test_max_zero_means_unlimited);
	tcase_add_test(tc, test_out_of_order_event_counts_against_current_interval);
	tcase_add_test(tc, test_negative_times_use_floor_intervals);
	tcase_add_test(tc, test_extreme_times_do_not_overflow);
	tcase_add_test(tc, test_nonpositive_interval_is_made_positive);
	tcase_add_test(tc, test_interval_ends_at_its_millisecond);
	suite_add_tcase(s, tc);

	tc = tcase_create("shared");
	tcase_add_test(tc, test_a_shared_counter_decides_with_the_fleets_count);
	tcase_add_test(tc, test_a_shared_counter_that_cannot_answer_leaves_it_local);
	tcase_add_test(tc, test_no_limit_never_asks_the_shared_counter);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run(limit_suite());
}
