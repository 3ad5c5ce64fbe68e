/* check_localnode.c - who this machine is: the node name its auditd
 * writes, its machine id, and the three together as a mode sees them. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkrun.h"
#include "localnode.h"

static int parse(const char *text, struct ln_conf *c)
{
	struct kme_err err = { "" };

	return ln_parse(text, strlen(text), c, &err);
}

static void resolve(const struct ln_conf *c, char *out, size_t size)
{
	struct kme_err err = { "" };

	ck_assert_msg(ln_resolve(c, out, size, &err) == 0, "%s", err.msg);
}

START_TEST(test_no_name_format_is_none_and_no_node_name)
{
	struct ln_conf c;
	char out[256] = "junk";

	ck_assert_int_eq(parse("log_format = ENRICHED\nflush = INCREMENTAL_ASYNC\n", &c), 0);
	ck_assert_int_eq(c.format, LN_NONE);
	resolve(&c, out, sizeof(out));
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_user_format_takes_the_name_key_in_any_case)
{
	struct ln_conf c;
	char out[256];

	ck_assert_int_eq(parse("# a comment\nNAME_FORMAT = USER\n  name  =  web-01.example\n", &c), 0);
	ck_assert_int_eq(c.format, LN_USER);
	resolve(&c, out, sizeof(out));
	ck_assert_str_eq(out, "web-01.example");
}
END_TEST

START_TEST(test_hostname_format_is_gethostname)
{
	struct ln_conf c;
	char out[256], host[256];

	ck_assert_int_eq(parse("name_format = hostname\n", &c), 0);
	resolve(&c, out, sizeof(out));
	ck_assert_int_eq(gethostname(host, sizeof(host)), 0);
	ck_assert_str_eq(out, host);
}
END_TEST

START_TEST(test_last_name_format_wins_as_in_auditd)
{
	struct ln_conf c;

	ck_assert_int_eq(parse("name_format = hostname\nname_format = none\n", &c), 0);
	ck_assert_int_eq(c.format, LN_NONE);
}
END_TEST

START_TEST(test_unknown_name_format_is_refused_with_its_value)
{
	struct kme_err err = { "" };
	struct ln_conf c;
	const char *text = "name_format = bogus\n";

	ck_assert_int_eq(ln_parse(text, strlen(text), &c, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "bogus"));
}
END_TEST

START_TEST(test_user_format_without_a_name_is_refused)
{
	struct kme_err err = { "" };
	struct ln_conf c;
	char out[256];

	ck_assert_int_eq(parse("name_format = user\n", &c), 0);
	ck_assert_int_eq(ln_resolve(&c, out, sizeof(out), &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "no name"));
}
END_TEST

START_TEST(test_name_longer_than_the_room_is_refused)
{
	struct kme_err err = { "" };
	struct ln_conf c;
	char out[4];

	ck_assert_int_eq(parse("name_format = user\nname = toolong\n", &c), 0);
	ck_assert_int_eq(ln_resolve(&c, out, sizeof(out), &err), -1);
}
END_TEST

START_TEST(test_lines_without_key_equals_value_are_skipped)
{
	struct ln_conf c;

	ck_assert_int_eq(parse("name_format\nname_format =\n= user\nname_format user\n", &c), 0);
	ck_assert_int_eq(c.format, LN_NONE);
}
END_TEST

START_TEST(test_missing_file_is_auditds_default_none)
{
	struct kme_err err = { "" };
	char out[256] = "junk";

	ck_assert_int_eq(ln_from_file("/nonexistent/auditd.conf", out, sizeof(out), &err), 0);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_file_is_read_and_resolved)
{
	char path[] = "/tmp/kme-ln-XXXXXX", out[256];
	struct kme_err err = { "" };
	int fd = mkstemp(path);
	const char *text = "name_format = user\nname = aggr-7\n";

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	ck_assert_msg(ln_from_file(path, out, sizeof(out), &err) == 0, "%s", err.msg);
	ck_assert_str_eq(out, "aggr-7");
	unlink(path);
}
END_TEST

START_TEST(test_unreadable_path_is_an_error_naming_it)
{
	struct kme_err err = { "" };
	char out[256];

	/* A directory cannot be read as a file. */
	ck_assert_int_eq(ln_from_file("/", out, sizeof(out), &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "/"));
}
END_TEST

/* ---- the machine id and the whole identity ---------------------------- */

/* The machine id that a file holding text gives ("" for none). */
static const char *machine_id_of(const char *text, size_t len, char out[33])
{
	char path[] = "/tmp/kme-mid-XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, len), (int)len);
	close(fd);
	ln_machine_id(path, out);
	unlink(path);
	return out;
}

START_TEST(test_machine_id_is_32_lowercase_hex_digits)
{
	static const char id[] = "0123456789abcdef0123456789abcdef";
	char out[33];

	ck_assert_str_eq(machine_id_of(id, 32, out), id);
	ck_assert_str_eq(machine_id_of("0123456789abcdef0123456789abcdef\n", 33, out), id);
}
END_TEST

START_TEST(test_anything_else_is_no_machine_id)
{
	char out[33];

	ck_assert_str_eq(machine_id_of("0123456789ABCDEF0123456789abcdef\n", 33, out), "");
	ck_assert_str_eq(machine_id_of("0123456789abcdef0123456789abcde\n", 32, out), "");
	ck_assert_str_eq(machine_id_of("0123456789abcdef0123456789abcdef0\n", 34, out), "");
	ck_assert_str_eq(machine_id_of("0123456789abcdef\0" "23456789abcdef0\n", 33, out), "");
	ck_assert_str_eq(machine_id_of("uninitialized\n", 14, out), "");
	ln_machine_id("/nonexistent/machine-id", out);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_self_takes_the_given_host_and_node)
{
	struct kme_err err = { "" };
	struct ln_self s;

	ck_assert_int_eq(ln_self(&s, "golden-host", "aggr-7", false, &err), 0);
	ck_assert_str_eq(s.host, "golden-host");
	ck_assert_str_eq(s.node, "aggr-7");
	ck_assert_str_eq(s.host_id, ""); /* replay: the log comes from anywhere */
}
END_TEST

START_TEST(test_self_in_replay_is_this_host_and_no_node)
{
	struct kme_err err = { "" };
	struct ln_self s;
	char host[256];

	ck_assert_int_eq(gethostname(host, sizeof(host)), 0);
	ck_assert_int_eq(ln_self(&s, NULL, NULL, false, &err), 0);
	ck_assert_str_eq(s.host, host);
	ck_assert_str_eq(s.node, "");
	ck_assert_str_eq(s.host_id, "");
}
END_TEST

START_TEST(test_self_in_plugin_mode_reads_this_machines_id)
{
	struct kme_err err = { "" };
	struct ln_self s;
	char id[33];

	ln_machine_id(LN_MACHINE_ID_PATH, id);
	ck_assert_int_eq(ln_self(&s, "h", "n", true, &err), 0);
	ck_assert_str_eq(s.host_id, id);
	ck_assert_str_eq(s.node, "n"); /* the configured name wins */
}
END_TEST

static Suite *localnode_suite(void)
{
	Suite *s = suite_create("localnode");
	TCase *tc = tcase_create("auditd.conf");

	tcase_add_test(tc, test_no_name_format_is_none_and_no_node_name);
	tcase_add_test(tc, test_user_format_takes_the_name_key_in_any_case);
	tcase_add_test(tc, test_hostname_format_is_gethostname);
	tcase_add_test(tc, test_last_name_format_wins_as_in_auditd);
	tcase_add_test(tc, test_unknown_name_format_is_refused_with_its_value);
	tcase_add_test(tc, test_user_format_without_a_name_is_refused);
	tcase_add_test(tc, test_name_longer_than_the_room_is_refused);
	tcase_add_test(tc, test_lines_without_key_equals_value_are_skipped);
	tcase_add_test(tc, test_missing_file_is_auditds_default_none);
	tcase_add_test(tc, test_file_is_read_and_resolved);
	tcase_add_test(tc, test_unreadable_path_is_an_error_naming_it);
	suite_add_tcase(s, tc);
	tc = tcase_create("self");
	tcase_add_test(tc, test_machine_id_is_32_lowercase_hex_digits);
	tcase_add_test(tc, test_anything_else_is_no_machine_id);
	tcase_add_test(tc, test_self_takes_the_given_host_and_node);
	tcase_add_test(tc, test_self_in_replay_is_this_host_and_no_node);
	tcase_add_test(tc, test_self_in_plugin_mode_reads_this_machines_id);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run(localnode_suite());
}
