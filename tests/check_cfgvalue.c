/* check_cfgvalue.c - the configuration's values, kind by kind: numbers,
 * durations and sizes and their bounds, words, term fields, threat and
 * author lists, paths, store URLs and the profile keys; each bad value is
 * an error that names its key and quotes the value. */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "cfg.h"
#include "cfgtest.h"
#include "checkrun.h"

START_TEST(test_several_techniques_and_authors_append)
{
	struct kme_config *cfg = parse_ok(
		"match = lsmod\n"
		"rule_author = Elastic\n"
		"rule_author = Site SOC team\n"
		"threat_technique = T1082 https://attack.mitre.org/techniques/T1082/ System Information Discovery\n"
		"threat_technique = T1518 https://attack.mitre.org/techniques/T1518/ Software Discovery\n"
		"rule_severity = low\n"
		"max_alert_size = 16K\n");

	ck_assert_uint_eq(cfg->nrule_authors, 2);
	ck_assert_str_eq(cfg->rule_authors[1], "Site SOC team");
	ck_assert_uint_eq(cfg->ntechniques, 2);
	ck_assert_str_eq(cfg->techniques[1].id, "T1518");
	ck_assert_str_eq(cfg->techniques[1].name, "Software Discovery");
	ck_assert_str_eq(cfg->techniques[1].reference,
			 "https://attack.mitre.org/techniques/T1518/");
	ck_assert_uint_eq(cfg->ntactics, 1);  /* the default */
	ck_assert_uint_eq(cfg->rule_severity_num, 21);
	ck_assert_uint_eq(cfg->max_alert_size, 16 * 1024);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_threat_entry_without_name_is_an_error)
{
	parse_fails("match = lsmod\nthreat_tactic = TA0007 https://x/\n",
		    "threat_tactic: expected 'ID REFERENCE NAME'");
	parse_fails("match = lsmod\nthreat_technique = T1082\n",
		    "threat_technique: expected 'ID REFERENCE NAME'");
}
END_TEST

START_TEST(test_threat_and_author_lists_are_bounded)
{
	char text[8192];
	size_t n = 0;
	int i;

	n += (size_t)snprintf(text + n, sizeof(text) - n, "match = lsmod\n");
	for (i = 0; i <= CFG_MAX_THREAT; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "threat_technique = T%04d https://x/ N\n", i);
	parse_fails(text, "threat_technique: too many entries (limit 16)");
	n = (size_t)snprintf(text, sizeof(text), "match = lsmod\n");
	for (i = 0; i <= CFG_MAX_THREAT; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "rule_author = A%d\n", i);
	parse_fails(text, "rule_author: too many entries (limit 16)");
}
END_TEST

START_TEST(test_max_alert_size_out_of_range)
{
	parse_fails("match = lsmod\nmax_alert_size = 4095\n",
		    "max_alert_size: value '4095' out of range (4096..61440)");
	parse_fails("match = lsmod\nmax_alert_size = 61441\n",
		    "max_alert_size: value '61441' out of range (4096..61440)");
}
END_TEST

START_TEST(test_term_field_names)
{
	ck_assert_str_eq(cfg_term_field_name(CFG_TF_EXECUTABLE),
			 "process.executable");
	ck_assert_str_eq(cfg_term_field_name(CFG_TF_NAME), "process.name");
	ck_assert_str_eq(cfg_term_field_name(CFG_TF_PARENT_EXECUTABLE),
			 "process.parent.executable");
	ck_assert_str_eq(cfg_term_field_name(CFG_TF_PARENT_NAME),
			 "process.parent.name");
	ck_assert_str_eq(cfg_term_field_name(CFG_TF_USER_ID), "user.id");
	ck_assert_str_eq(cfg_term_field_name(CFG_TF_HOST_NAME), "host.name");
}
END_TEST

START_TEST(test_list_keys_append)
{
	struct kme_config *cfg = parse_ok(
		"match = lsmod\n"
		"exclude_parent_name = a b\n"
		"new_terms_fields = process.name\n"
		"exclude_parent_name = c\n"
		"new_terms_fields = user.id host.name\n");
	ck_assert_uint_eq(cfg->nexcls, 3);
	ck_assert_str_eq(cfg->excls[2].pattern, "c");
	ck_assert_int_eq(cfg->excls[2].origin.line, 4);
	ck_assert_uint_eq(cfg->nterm_fields, 3);
	ck_assert_int_eq(cfg->term_fields[0], CFG_TF_NAME);
	ck_assert_int_eq(cfg->term_fields[1], CFG_TF_USER_ID);
	ck_assert_int_eq(cfg->term_fields[2], CFG_TF_HOST_NAME);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_sizes_names_and_formats)
{
	struct kme_config *cfg = parse_ok(
		"match = lsmod\n"
		"process_table_memory = 1G\n"
		"syslog_facility = local3\n"
		"syslog_priority = info\n"
		"alert_format = text\n"
		"max_alerts = 0\n"
		"rule_severity = critical\n");
	ck_assert_uint_eq(cfg->process_table_memory, 1024UL * 1024 * 1024);
	ck_assert_int_eq(cfg->syslog_facility, LOG_LOCAL3);
	ck_assert_int_eq(cfg->syslog_priority, LOG_INFO);
	ck_assert_int_eq(cfg->alert_format, CFG_FORMAT_TEXT);
	ck_assert_uint_eq(cfg->max_alerts, 0);
	ck_assert_str_eq(cfg->rule_severity, "critical");
	cfg_free(cfg);

	cfg = parse_ok("match = lsmod\nprocess_table_memory = 65536\n");
	ck_assert_uint_eq(cfg->process_table_memory, 65536);
	cfg_free(cfg);
	cfg = parse_ok("match = lsmod\nprocess_table_memory = 640K\n");
	ck_assert_uint_eq(cfg->process_table_memory, 640 * 1024);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_durations_accept_units)
{
	int64_t v;

	ck_assert_int_eq(cfg_parse_duration("14d", &v), 0);
	ck_assert_int_eq(v, 14 * 86400 * 1000LL);  /* held in ms */
	ck_assert_int_eq(cfg_parse_duration("36h", &v), 0);
	ck_assert_int_eq(v, 36 * 3600 * 1000LL);
	ck_assert_int_eq(cfg_parse_duration("90m", &v), 0);
	ck_assert_int_eq(v, 90 * 60 * 1000);
	ck_assert_int_eq(cfg_parse_duration("600s", &v), 0);
	ck_assert_int_eq(v, 600 * 1000);
	ck_assert_int_eq(cfg_parse_duration("600", &v), 0);
	ck_assert_int_eq(v, 600 * 1000);
	ck_assert_int_eq(cfg_parse_duration("0", &v), 0);
	ck_assert_int_eq(v, 0);
	/* The most seconds whose milliseconds fit in an int64_t. */
	ck_assert_int_eq(cfg_parse_duration("9223372036854775", &v), 0);
	ck_assert_int_eq(v, 9223372036854775000LL);
}
END_TEST

START_TEST(test_durations_reject_bad_syntax_and_overflow)
{
	static const char *const bad[] = {
		"", "d", "14x", "14dd", "14 d", " 14d", "-1", "+1", "1.5h",
		"1h30m", "0x10", "14D", "9223372036854775808",
		"9223372036854776", "9223372036854775807",
		"106751991167301d", "99999999999999999999999",
	};
	size_t i;
	int64_t v = 42;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(cfg_parse_duration(bad[i], &v) == -1,
			      "'%s' accepted", bad[i]);
		ck_assert_int_eq(v, 42);
	}
}
END_TEST

START_TEST(test_bad_duration_names_key_and_value)
{
	struct kme_err err;

	parse_fail("match = lsmod\nhistory_window = 14x\n", &err);
	ck_assert_str_eq(err.msg,
			 "t.conf:2: history_window: invalid duration '14x'");
}
END_TEST

START_TEST(test_duration_out_of_range)
{
	struct kme_err err;

	parse_fail("match = lsmod\nalert_interval = 0\n", &err);
	ck_assert_str_eq(err.msg, "t.conf:2: alert_interval: value '0' out "
			 "of range (1..86400)");
}
END_TEST

START_TEST(test_integer_overflow_is_an_error)
{
	struct kme_err err;

	parse_fail("match = lsmod\nmax_alerts = 99999999999999999999999\n",
		   &err);
	ck_assert_str_eq(err.msg, "t.conf:2: max_alerts: invalid integer "
			 "'99999999999999999999999'");
	parse_fail("match = lsmod\nmax_alerts = 4294967296\n", &err);
	ck_assert_str_eq(err.msg, "t.conf:2: max_alerts: value '4294967296' "
			 "out of range (0..1000000)");
	parse_fail("match = lsmod\nprocess_table_memory = 17179869184G\n",
		   &err);
	ck_assert_ptr_nonnull(strstr(err.msg, "process_table_memory"));
}
END_TEST

START_TEST(test_integers_are_decimal_only)
{
	static const char *const bad[] = {
		"match = lsmod\nmax_terms = 0x10\n",
		"match = lsmod\nmax_terms = -1\n",
		"match = lsmod\nmax_terms = +5\n",
		"match = lsmod\nmax_terms = 1e6\n",
		"match = lsmod\nmax_terms = 10 20\n",
		"match = lsmod\nprocess_table_memory = 48m\n",
		"match = lsmod\nprocess_table_memory = 1T\n",
	};
	struct kme_err err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		parse_fail(bad[i], &err);
		ck_assert_msg(strstr(err.msg, "t.conf:2: ") == err.msg,
			      "%s", err.msg);
	}
}
END_TEST

START_TEST(test_unknown_value_names_are_errors)
{
	struct kme_err err;

	parse_fail("match = lsmod\nsyslog_facility = local8\n"
		   "syslog_priority = warn\nalert_format = xml\n"
		   "rule_severity = Medium\n", &err);
	ck_assert_str_eq(err.msg,
			 "t.conf:2: syslog_facility: unknown value 'local8'\n"
			 "t.conf:3: syslog_priority: unknown value 'warn'\n"
			 "t.conf:4: alert_format: unknown value 'xml'\n"
			 "t.conf:5: rule_severity: unknown value 'Medium'");
}
END_TEST

START_TEST(test_bad_term_field_name)
{
	struct kme_err err;

	parse_fail("match = lsmod\nnew_terms_fields = process.pid\n", &err);
	ck_assert_str_eq(err.msg, "t.conf:2: new_terms_fields: unknown field "
			 "'process.pid'");
}
END_TEST

START_TEST(test_too_many_term_fields)
{
	struct kme_err err;

	parse_fail("match = lsmod\nnew_terms_fields = process.executable "
		   "process.name process.parent.executable\n"
		   "new_terms_fields = process.parent.name user.id\n", &err);
	ck_assert_str_eq(err.msg, "t.conf:3: new_terms_fields: too many "
			 "fields (limit 4)");
}
END_TEST

START_TEST(test_duplicate_term_field)
{
	struct kme_err err;

	parse_fail("match = lsmod\nnew_terms_fields = user.id\n"
		   "new_terms_fields = user.id\n", &err);
	ck_assert_str_eq(err.msg, "t.conf:3: new_terms_fields: duplicate "
			 "field 'user.id'");
}
END_TEST

START_TEST(test_bad_uid_and_relative_state_file)
{
	struct kme_err err;

	parse_fail("match = lsmod\nexclude_user = 4294967295\n"
		   "state_file = state.json\n", &err);
	ck_assert_str_eq(err.msg,
			 "t.conf:2: exclude_user: uid '4294967295' out of "
			 "range (0..4294967294)\n"
			 "t.conf:3: state_file: 'state.json' is not an "
			 "absolute path");
}
END_TEST

START_TEST(test_entries_are_bounded)
{
	static char text[10001 * 10 + 1];
	struct kme_config *cfg;
	struct kme_err err;
	size_t i;

	for (i = 0; i < 10000; i++)
		memcpy(text + i * 10, "match = a\n", 10);
	text[10000 * 10] = '\0';
	cfg = parse_ok(text);
	ck_assert_uint_eq(cfg->nmatches, 10000);
	cfg_free(cfg);

	memcpy(text + 10000 * 10, "match = a\n", 11);
	parse_fail(text, &err);
	ck_assert_str_eq(err.msg, "t.conf:10001: too many match and exclusion "
			 "entries (limit 10000)");
}
END_TEST

START_TEST(test_new_profile_keys_parse)
{
	struct kme_config *c = parse_ok(
		"match = lsmod\n"
		"exclude_parent_args = /var/lib/dpkg/info/* longhorn-manager\n"
		"exclude_entry_leader_executable = /usr/libexec/gnome-terminal-server\n"
		"entry_leader_starters = sshd login\n"
		"entry_leader_starters = tmux\n"
		"event_action = exec\n"
		"threat_technique = T1082 https://attack.mitre.org/techniques/T1082/ System Information Discovery\n"
		"threat_technique = T1518.001 https://attack.mitre.org/techniques/T1518/001/ Security Software Discovery\n"
		"multicall_binary = /opt/kmod\n"
		"match_multicall = yes\n");

	ck_assert_uint_eq(c->nexcls, 3);
	ck_assert_int_eq(c->excls[0].kind, CFG_EXCL_PARENT_ARGS);
	ck_assert_str_eq(c->excls[1].pattern, "longhorn-manager");
	ck_assert_int_eq(c->excls[2].kind, CFG_EXCL_ENTRY_LEADER_EXECUTABLE);
	ck_assert_uint_eq(c->nstarters, 3);
	ck_assert_str_eq(c->starters[2], "tmux");
	ck_assert_uint_eq(c->ntechniques, 2);
	ck_assert_str_eq(c->techniques[1].id, "T1518.001");
	ck_assert_str_eq(c->techniques[1].name, "Security Software Discovery");
	ck_assert_uint_eq(c->nmulticall, 1);
	ck_assert_int_eq(c->multicall[0].style, CFG_MC_KMOD);
	ck_assert_int_eq(c->match_multicall, true);
	cfg_free(c);
}
END_TEST

START_TEST(test_new_profile_keys_reject_bad_values)
{
	struct kme_err err;

	parse_fail("match = lsmod\nthreat_technique = T10 https://x/ Short\n", &err);
	ck_assert_str_eq(err.msg, "t.conf:2: threat_technique: 'T10' is not an "
			 "ATT&CK technique id (T1234 or T1234.001)");
	parse_fail("match = lsmod\nthreat_technique = T1082\n", &err);
	ck_assert_str_eq(err.msg, "t.conf:2: threat_technique: expected 'ID "
			 "REFERENCE NAME', got 'T1082'");
	parse_fail("match = lsmod\nmulticall_binary = /usr/bin/toybox\n", &err);
	ck_assert_str_eq(err.msg, "t.conf:2: multicall_binary: '/usr/bin/toybox': "
			 "the binary's name must be kmod or busybox (how it dispatches)");
	parse_fail("match = lsmod\nmulticall_binary = kmod\n", &err);
	ck_assert_str_eq(err.msg, "t.conf:2: multicall_binary: 'kmod' is not an "
			 "absolute path");
	parse_fail("match = lsmod\nmatch_multicall = maybe\n", &err);
	ck_assert_str_eq(err.msg, "t.conf:2: match_multicall: unknown value 'maybe'");
	parse_fail("match = lsmod\ninclude = profiles/v215.conf\n", &err);
	ck_assert_str_eq(err.msg, "t.conf:2: include: 'profiles/v215.conf' is not "
			 "an absolute path");
}
END_TEST

START_TEST(test_store_keys_default_and_parse)
{
	struct kme_config *cfg = parse_ok("match = lsmod\n");

	ck_assert_str_eq(cfg->new_terms_store, "file");
	ck_assert_str_eq(cfg->redis_key_prefix, "kme:");
	ck_assert_ptr_null(cfg->redis_password_file);
	ck_assert_int_eq(cfg->redis_connect_timeout, 50);
	ck_assert_int_eq(cfg->redis_command_timeout, 50);
	cfg_free(cfg);
	cfg = parse_ok("match = lsmod\n"
		       "new_terms_store = unix:///run/redis/redis.sock?db=2\n"
		       "redis_password_file = /etc/audit/kme-redis.pw\n"
		       "redis_key_prefix = fleet1:\n"
		       "redis_connect_timeout = 1s\n"
		       "redis_command_timeout = 20ms\n");
	ck_assert_str_eq(cfg->new_terms_store, "unix:///run/redis/redis.sock?db=2");
	ck_assert_str_eq(cfg->redis_password_file, "/etc/audit/kme-redis.pw");
	ck_assert_str_eq(cfg->redis_key_prefix, "fleet1:");
	ck_assert_int_eq(cfg->redis_connect_timeout, 1000);
	ck_assert_int_eq(cfg->redis_command_timeout, 20);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_store_keys_refuse_bad_values)
{
	static const char *const bad[] = {
		"new_terms_store = redis://h:0\n",
		"new_terms_store = rediss://h\n",
		"new_terms_store = memory\n",
		"redis_password_file = relative/pw\n",
		"redis_key_prefix = a b\n",
		"redis_key_prefix = "
		"0123456789012345678901234567890123456789012345678901234567890123x\n",
		"redis_connect_timeout = 0\n",
		"redis_connect_timeout = 61s\n",
		"redis_command_timeout = 5m\n",
		"redis_command_timeout = -1\n",
	};
	char text[256];
	struct kme_err err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "match = lsmod\n%s", bad[i]);
		parse_fail(text, &err);
		ck_assert_msg(strstr(err.msg, "t.conf:2: ") != NULL, "%s: %s",
			      bad[i], err.msg);
	}
}
END_TEST

static Suite *cfgvalue_suite(void)
{
	Suite *s = suite_create("cfgvalue");
	TCase *tc;

	tc = tcase_create("values");
	tcase_add_test(tc, test_several_techniques_and_authors_append);
	tcase_add_test(tc, test_threat_entry_without_name_is_an_error);
	tcase_add_test(tc, test_threat_and_author_lists_are_bounded);
	tcase_add_test(tc, test_max_alert_size_out_of_range);
	tcase_add_test(tc, test_term_field_names);
	tcase_add_test(tc, test_list_keys_append);
	tcase_add_test(tc, test_sizes_names_and_formats);
	tcase_add_test(tc, test_durations_accept_units);
	tcase_add_test(tc, test_durations_reject_bad_syntax_and_overflow);
	tcase_add_test(tc, test_bad_duration_names_key_and_value);
	tcase_add_test(tc, test_duration_out_of_range);
	tcase_add_test(tc, test_integer_overflow_is_an_error);
	tcase_add_test(tc, test_integers_are_decimal_only);
	tcase_add_test(tc, test_unknown_value_names_are_errors);
	tcase_add_test(tc, test_bad_term_field_name);
	tcase_add_test(tc, test_too_many_term_fields);
	tcase_add_test(tc, test_duplicate_term_field);
	tcase_add_test(tc, test_bad_uid_and_relative_state_file);
	tcase_add_test(tc, test_entries_are_bounded);
	tcase_add_test(tc, test_new_profile_keys_parse);
	tcase_add_test(tc, test_new_profile_keys_reject_bad_values);
	tcase_add_test(tc, test_store_keys_default_and_parse);
	tcase_add_test(tc, test_store_keys_refuse_bad_values);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run(cfgvalue_suite());
}
