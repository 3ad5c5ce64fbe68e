/* check_cmdline.c - the command line: which mode each option selects, what
 * may be combined, where files may be given, and what is refused. */
#include <config.h>

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkrun.h"
#include "cmdline.h"
#include "log.h"

/* What cl_parse said (log.h), the last message. */
static char g_said[512];

static void catch_log(void *arg, int prio, const char *line)
{
	(void)arg;
	(void)prio;
	snprintf(g_said, sizeof(g_said), "%s", line);
}

/* Parse the NULL-terminated arguments after the program's name. The
 * options borrow argv (o->files points into it): it outlives the parse. */
static char *argv[32];

static int parse(struct cl_options *o, ...)
{
	int argc = 1;
	va_list ap;

	argv[0] = "audisp-kmod-enum";
	va_start(ap, o);
	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	g_said[0] = '\0';
	log_to_fn(catch_log, NULL);
	return cl_parse(argc, argv, o);
}

START_TEST(test_no_option_is_plugin_mode)
{
	struct cl_options o;

	ck_assert_int_eq(parse(&o, NULL), 0);
	ck_assert_int_eq(o.mode, CL_PLUGIN);
	ck_assert_int_eq(o.action, ENG_ALERT);
	ck_assert_ptr_null(o.config);
	ck_assert_int_eq(o.nfiles, 0);
}
END_TEST

START_TEST(test_replay_takes_files_in_order_and_its_options)
{
	struct cl_options o;

	ck_assert_int_eq(parse(&o, "--replay", "-c", "k.conf", "--state", "s.json",
			       "--host", "web01", "--store", "file", "a.log",
			       "b.log", NULL), 0);
	ck_assert_int_eq(o.mode, CL_REPLAY);
	ck_assert_str_eq(o.config, "k.conf");
	ck_assert_str_eq(o.state, "s.json");
	ck_assert_str_eq(o.host, "web01");
	ck_assert_str_eq(o.store, "file");
	ck_assert_int_eq(o.nfiles, 2);
	ck_assert_str_eq(o.files[0], "a.log");
	ck_assert_str_eq(o.files[1], "b.log");
}
END_TEST

START_TEST(test_replay_and_learn_take_a_zone_and_the_progress_line)
{
	struct cl_options o;

	ck_assert_int_eq(parse(&o, "--replay", NULL), 0);
	ck_assert_ptr_null(o.tz);
	ck_assert_int_eq(o.progress, RP_PROGRESS_AUTO);
	ck_assert_int_eq(parse(&o, "--replay", "--tz", "Europe/Paris",
			       "--no-progress", "dir", NULL), 0);
	ck_assert_str_eq(o.tz, "Europe/Paris");
	ck_assert_int_eq(o.progress, RP_PROGRESS_OFF);
	ck_assert_int_eq(o.nfiles, 1);
	ck_assert_int_eq(parse(&o, "--learn", "--progress", NULL), 0);
	ck_assert_int_eq(o.progress, RP_PROGRESS_ON);
	/* Long options only: no letter stands for them. */
	ck_assert_int_eq(parse(&o, "--replay", "-z", "UTC", NULL), -1);
}
END_TEST

START_TEST(test_all_and_explain_are_replay_with_their_action)
{
	struct cl_options o;

	ck_assert_int_eq(parse(&o, "--all", NULL), 0);
	ck_assert_int_eq(o.mode, CL_REPLAY);
	ck_assert_int_eq(o.action, ENG_ALL);
	ck_assert_int_eq(parse(&o, "-r", "-e", NULL), 0);
	ck_assert_int_eq(o.mode, CL_REPLAY);
	ck_assert_int_eq(o.action, ENG_EXPLAIN);
	ck_assert_int_eq(parse(&o, "--learn", NULL), 0);
	ck_assert_int_eq(o.mode, CL_LEARN);
	ck_assert_int_eq(o.action, ENG_LEARN);
}
END_TEST

START_TEST(test_all_and_explain_exclude_each_other)
{
	struct cl_options o;

	ck_assert_int_eq(parse(&o, "--all", "--explain", NULL), -1);
	ck_assert_str_eq(g_said, "--all and --explain exclude each other");
}
END_TEST

START_TEST(test_two_modes_are_refused)
{
	struct cl_options o;

	ck_assert_int_eq(parse(&o, "--replay", "--dump-state", NULL), -1);
	ck_assert_ptr_nonnull(strstr(g_said, "only one of"));
	ck_assert_int_eq(parse(&o, "--learn", "--all", NULL), -1);
	ck_assert_int_eq(parse(&o, "--check-config", "--migrate-state", "f",
			       NULL), -1);
}
END_TEST

START_TEST(test_files_need_replay_or_learn)
{
	struct cl_options o;

	ck_assert_int_eq(parse(&o, "audit.log", NULL), -1);
	ck_assert_str_eq(g_said, "unexpected argument 'audit.log' (files need "
			 "--replay or --learn)");
	ck_assert_int_eq(parse(&o, "--dump-state", "x", NULL), -1);
	ck_assert_int_eq(parse(&o, "--learn", "x", NULL), 0);
	ck_assert_int_eq(o.nfiles, 1);
}
END_TEST

START_TEST(test_a_zone_and_the_progress_line_need_replay_or_learn)
{
	struct cl_options o;

	ck_assert_int_eq(parse(&o, "--tz", "UTC", NULL), -1);
	ck_assert_str_eq(g_said, "--tz, --progress and --no-progress need "
			 "--replay or --learn");
	ck_assert_int_eq(parse(&o, "--dump-state", "--progress", NULL), -1);
	ck_assert_int_eq(parse(&o, "--check-config", "--no-progress", NULL), -1);
}
END_TEST

START_TEST(test_migrate_state_names_its_file)
{
	struct cl_options o;

	ck_assert_int_eq(parse(&o, "-M", "old.json", "--store", "unix:///r.sock",
			       NULL), 0);
	ck_assert_int_eq(o.mode, CL_MIGRATE);
	ck_assert_str_eq(o.migrate, "old.json");
	ck_assert_str_eq(o.store, "unix:///r.sock");
}
END_TEST

START_TEST(test_an_unknown_option_is_refused)
{
	struct cl_options o;

	ck_assert_int_eq(parse(&o, "--frobnicate", NULL), -1);
	ck_assert_int_eq(parse(&o, "-c", NULL), -1);   /* its argument missing */
}
END_TEST

START_TEST(test_version_and_help_say_all_there_is)
{
	struct cl_options o;
	char *out = NULL;
	size_t len = 0;
	FILE *saved = stdout;

	stdout = open_memstream(&out, &len);
	ck_assert_int_eq(parse(&o, "--version", NULL), 1);
	ck_assert_int_eq(parse(&o, "--help", NULL), 1);
	fclose(stdout);
	stdout = saved;
	ck_assert_ptr_nonnull(strstr(out, "audisp-kmod-enum " PACKAGE_VERSION "\n"));
	ck_assert_ptr_nonnull(strstr(out, "Usage: audisp-kmod-enum"));
	ck_assert_ptr_nonnull(strstr(out, "Exit status:"));
	free(out);
}
END_TEST

static Suite *cmdline_suite(void)
{
	Suite *s = suite_create("cmdline");
	TCase *tc = tcase_create("modes");

	tcase_add_test(tc, test_no_option_is_plugin_mode);
	tcase_add_test(tc, test_replay_takes_files_in_order_and_its_options);
	tcase_add_test(tc, test_replay_and_learn_take_a_zone_and_the_progress_line);
	tcase_add_test(tc, test_all_and_explain_are_replay_with_their_action);
	tcase_add_test(tc, test_migrate_state_names_its_file);
	tcase_add_test(tc, test_version_and_help_say_all_there_is);
	suite_add_tcase(s, tc);
	tc = tcase_create("refused");
	tcase_add_test(tc, test_all_and_explain_exclude_each_other);
	tcase_add_test(tc, test_two_modes_are_refused);
	tcase_add_test(tc, test_files_need_replay_or_learn);
	tcase_add_test(tc, test_a_zone_and_the_progress_line_need_replay_or_learn);
	tcase_add_test(tc, test_an_unknown_option_is_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run(cmdline_suite());
}
