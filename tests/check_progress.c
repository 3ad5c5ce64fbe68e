/* check_progress.c - the progress line: its figures, its form on a terminal
 * and elsewhere, and its erasure. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkrun.h"
#include "progress.h"

START_TEST(test_line_gives_share_sizes_rates_alerts_and_time_left)
{
	struct pg_state p;
	struct pg_figures f = { .bytes = 50 * 1048576, .total = 200 * 1048576,
				.records = 1230000, .alerts = 12 };

	pg_start(&p, stderr, false);
	/* A quarter in 10 s: 30 s left. */
	ck_assert_str_eq(pg_format(&p, &f, 10000),
			 "replay  25% 50.0/200.0 MiB  1.23M records 123k/s 5.2 MB/s  12 alerts  0:30 left");
}
END_TEST

START_TEST(test_unknown_total_gives_no_share_and_no_time_left)
{
	struct pg_state p;
	struct pg_figures f = { .bytes = 1048576, .total = -1, .records = 999, .alerts = 1 };

	pg_start(&p, stderr, false);
	ck_assert_str_eq(pg_format(&p, &f, 2000),
			 "replay 1.0 MiB  999 records 500/s 0.5 MB/s  1 alert");
}
END_TEST

START_TEST(test_terminal_line_is_redrawn_in_place_and_erased)
{
	struct pg_state p;
	struct pg_figures f = { .bytes = 1, .total = 2, .records = 1 };
	char *buf = NULL, want[512], *text;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	pg_start(&p, fp, true);
	pg_draw(&p, &f);
	text = strdup(p.line);
	pg_clear(&p);
	pg_clear(&p); /* erased once */
	fclose(fp);
	/* Drawn from column 0 over what was there, the cursor left at column
	 * 0 (a line written next replaces it), no newline; then erased. */
	snprintf(want, sizeof(want), "\r\033[K%s\r\r\033[K", text);
	ck_assert_str_eq(buf, want);
	ck_assert(strncmp(text, "replay  50%", 11) == 0);
	free(text);
	free(buf);
}
END_TEST

START_TEST(test_elsewhere_each_line_ends_with_a_newline)
{
	struct pg_state p;
	struct pg_figures f = { .bytes = 1, .total = -1, .records = 1 };
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	pg_start(&p, fp, false);
	pg_draw(&p, &f);
	pg_clear(&p); /* nothing to erase on a pipe */
	fclose(fp);
	ck_assert_ptr_null(strchr(buf, '\r'));
	ck_assert_int_eq(buf[len - 1], '\n');
	free(buf);
}
END_TEST

START_TEST(test_a_line_is_due_once_its_interval_has_passed)
{
	struct pg_state p;

	pg_start(&p, stderr, true);
	ck_assert_int_eq(p.next_ms - p.start_ms, PG_TTY_MS);
	p.next_ms = INT64_MAX;
	ck_assert(!pg_due(&p));
	p.next_ms = 0; /* the interval has passed */
	ck_assert(pg_due(&p));
	/* The next one is an interval away. */
	ck_assert_int_ge(p.next_ms, p.start_ms + PG_TTY_MS);
	pg_start(&p, stderr, false);
	ck_assert_int_eq(p.next_ms - p.start_ms, PG_PIPE_MS);
}
END_TEST

static Suite *progress_suite(void)
{
	Suite *s = suite_create("progress");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_line_gives_share_sizes_rates_alerts_and_time_left);
	tcase_add_test(tc, test_unknown_total_gives_no_share_and_no_time_left);
	tcase_add_test(tc, test_terminal_line_is_redrawn_in_place_and_erased);
	tcase_add_test(tc, test_elsewhere_each_line_ends_with_a_newline);
	tcase_add_test(tc, test_a_line_is_due_once_its_interval_has_passed);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run(progress_suite());
}
