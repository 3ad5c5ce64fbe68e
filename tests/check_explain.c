/* check_explain.c - the lines of --explain: every field named, values
 * escaped so that a line splits unambiguously, an absent value "?", an
 * added rule and a watched file named; the detail of a known term (the
 * window, the time before, a saturated distance, the rule's facts) and of
 * an alert that does not go out whole. */
#include <check.h>
#include <string.h>

#include "checkrun.h"
#include "explain.h"
#include "openevent.h"

static struct kme_str S(const char *s)
{
	return (struct kme_str){ s, strlen(s) };
}

/* An exec of lsmod by bash, as the engine hands it. */
static struct kme_exec lsmod(void)
{
	struct kme_exec ex;

	memset(&ex, 0, sizeof(ex));
	ex.sec = 1795728867;
	ex.msec = 245;
	ex.serial = 6;
	ex.proc.pid = 2223;
	ex.proc.name = S("lsmod");
	ex.proc.executable = S("/usr/sbin/lsmod");
	ex.parent.pid = 2203;
	ex.parent.name = S("bash");
	ex.parent.executable = S("/usr/bin/bash");
	ex.parent_source = KME_PARENT_AUDIT;
	ex.proc.cwd = S("/root");
	return ex;
}

static char *line_of(struct kme_buf *b)
{
	ck_assert_int_eq(buf_putc(b, '\0'), 0);
	return b->p;
}

START_TEST(test_a_line_names_every_field_in_order)
{
	struct kme_exec ex = lsmod();
	struct kme_buf b;

	buf_init(&b, 4096);
	xp_line(&b, &ex, NULL, NULL, "alert", "new term (never seen)");
	ck_assert_str_eq(line_of(&b),
			 "2026-11-26T21:34:27.245Z 1795728867.245:6 pid=2223 "
			 "name=lsmod exe=/usr/sbin/lsmod ppid=2203 "
			 "parent_name=bash parent_exe=/usr/bin/bash "
			 "source=audit cwd=/root => alert: new term (never seen)");
	buf_free(&b);
}
END_TEST

START_TEST(test_values_with_spaces_quotes_or_a_question_mark_are_json_strings)
{
	struct kme_exec ex = lsmod();
	struct kme_buf b;
	char *l;

	ex.node = S("agg-a");
	ex.proc.name = S("two words");
	ex.parent.name = S("?");
	ex.parent.executable = KME_STR_NULL;
	ex.proc.cwd = S("");
	buf_init(&b, 4096);
	xp_line(&b, &ex, NULL, NULL, "no match", "x");
	l = line_of(&b);
	ck_assert_ptr_nonnull(strstr(l, ":6 host=agg-a pid=2223 "));
	ck_assert_ptr_nonnull(strstr(l, " name=\"two words\" "));
	ck_assert_ptr_nonnull(strstr(l, " parent_name=\"?\" "));
	ck_assert_ptr_nonnull(strstr(l, " parent_exe=? "));   /* absent */
	ck_assert_ptr_nonnull(strstr(l, " cwd=\"\" => "));
	buf_free(&b);
}
END_TEST

START_TEST(test_control_bytes_never_reach_the_line)
{
	struct kme_exec ex = lsmod();
	struct kme_buf b;

	ex.proc.executable = S("/tmp/a\nb\x1b");
	buf_init(&b, 4096);
	xp_line(&b, &ex, NULL, NULL, "alert", "x");
	ck_assert_ptr_null(memchr(b.p, '\n', b.len));
	ck_assert_ptr_null(memchr(b.p, 0x1b, b.len));
	ck_assert_ptr_nonnull(strstr(line_of(&b), " exe=/tmp/a\\u000ab\\u001b "));
	buf_free(&b);
}
END_TEST

START_TEST(test_an_added_rule_and_the_watched_file_are_named)
{
	static const struct cfg_watch w = { .path = "/proc/modules",
					    .key = "kmod-enum-proc" };
	struct kme_exec ex = lsmod();
	struct kme_file f;
	struct kme_buf b;

	memset(&f, 0, sizeof(f));
	f.opened_as = S("/proc/self/../modules");
	buf_init(&b, 4096);
	xp_line(&b, &ex, "kmod-proc", &f, "alert", "x");
	/* Without the rule's watch: the name as opened. */
	ck_assert_ptr_nonnull(strstr(line_of(&b), " source=audit rule=kmod-proc "
				     "file=/proc/self/../modules cwd=/root "));
	f.watch = &w;
	xp_line(&b, &ex, "kmod-proc", &f, "alert", "x");
	ck_assert_ptr_nonnull(strstr(line_of(&b), " file=/proc/modules cwd="));
	buf_free(&b);
}
END_TEST

START_TEST(test_a_known_term_says_when_and_the_window)
{
	struct nt_seen seen = { .known = true, .count = 3,
				.first_seen = 1795728000000LL,
				.last_seen = 1795728860000LL };
	char d[768];

	xp_known(d, sizeof(d), &seen, 1795728867245LL, 14LL * 86400000, NULL,
		 false);
	ck_assert_str_eq(d, "term last seen 2026-11-26T21:34:20.000Z, 7245 ms "
			 "before, within the 1209600000 ms window (3 time(s) "
			 "since 2026-11-26T21:20:00.000Z)");
	xp_known(d, sizeof(d), &seen, 1795728867245LL, 1000, NULL, true);
	ck_assert_ptr_nonnull(strstr(d, "new term (last seen "));
	ck_assert_ptr_nonnull(strstr(d, "outside the 1000 ms window; 3 time(s)"));
}
END_TEST

START_TEST(test_a_hostile_distance_saturates)
{
	struct nt_seen seen = { .known = true, .count = 1,
				.first_seen = INT64_MIN, .last_seen = INT64_MIN };
	char d[768];

	xp_known(d, sizeof(d), &seen, INT64_MAX, 1000, NULL, true);
	ck_assert_ptr_nonnull(strstr(d, ", 9223372036854775807 ms before,"));
}
END_TEST

START_TEST(test_a_known_term_keeps_the_rules_facts)
{
	static const struct cfg_watch w = { .path = "/proc/modules",
					    .key = "kmod-enum-proc",
					    .origin = { "t.conf", 4 } };
	struct nt_seen seen = { .known = true, .count = 1 };
	struct rule_result rr;
	char d[768];

	memset(&rr, 0, sizeof(rr));
	rr.verdict = RULE_MATCH;
	rr.watch = &w;
	xp_known(d, sizeof(d), &seen, 0, 1000, &rr, false);
	ck_assert_ptr_null(strchr(d, ';'));    /* nothing to add */
	rr.opened_as = S("/proc/self/../modules");
	xp_known(d, sizeof(d), &seen, 0, 1000, &rr, false);
	ck_assert_ptr_nonnull(strstr(d, "); opened as '/proc/self/../modules'"));
}
END_TEST

START_TEST(test_an_alert_that_does_not_fit_says_its_form)
{
	char d[256] = "new term (never seen)";

	xp_fit(d, sizeof(d), ALERT_WHOLE, 7168, 3);
	ck_assert_str_eq(d, "new term (never seen)");
	xp_fit(d, sizeof(d), ALERT_PARTIAL, 7168, 270000);
	ck_assert_str_eq(d, "new term (never seen); the alert is larger than "
			 "max_alert_size (7168): it goes out with the first "
			 "args only (args_count 270000)");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("explain");
	TCase *tc = tcase_create("lines");

	tcase_add_test(tc, test_a_line_names_every_field_in_order);
	tcase_add_test(tc, test_values_with_spaces_quotes_or_a_question_mark_are_json_strings);
	tcase_add_test(tc, test_control_bytes_never_reach_the_line);
	tcase_add_test(tc, test_an_added_rule_and_the_watched_file_are_named);
	tcase_add_test(tc, test_a_known_term_says_when_and_the_window);
	tcase_add_test(tc, test_a_hostile_distance_saturates);
	tcase_add_test(tc, test_a_known_term_keeps_the_rules_facts);
	tcase_add_test(tc, test_an_alert_that_does_not_fit_says_its_form);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
