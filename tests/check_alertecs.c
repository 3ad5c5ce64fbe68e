/* check_alertecs.c - the ECS JSON document of an alert (alertecs.h). */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "alertecs.h"
#include "alerttest.h"
#include "checkrun.h"

/* Element i of array a. */
static yajl_val elem(yajl_val a, size_t i)
{
	ck_assert_uint_lt(i, a->u.array.len);
	return a->u.array.values[i];
}

/* Render ex as JSON, check it is one clean line, and parse it. */
static yajl_val render(const struct nt_seen *s)
{
	char err[256];

	buf_reset(&out);
	yajl_tree_free(doc);
	ck_assert_int_eq(ae_json(&out, &ctx, &ex, &term, s, &ac_whole), 0);
	ck_assert_uint_eq(strlen(out.p), out.len);
	assert_one_clean_line(&out);
	doc = yajl_tree_parse(out.p, err, sizeof(err));
	ck_assert_msg(doc != NULL, "invalid JSON (%s): %s", err, out.p);
	ck_assert(YAJL_IS_OBJECT(doc));
	return doc;
}

START_TEST(test_json_carries_event_and_timestamp)
{
	yajl_val d = render(&seen);

	ck_assert_str_eq(str_at(d, "@timestamp"), "2026-11-26T21:34:27.245Z");
	ck_assert_str_eq(str_at(d, "event.kind"), "alert");
	ck_assert_str_eq(elem_str(arr_at(d, "event.category", 1), 0), "process");
	ck_assert_str_eq(elem_str(arr_at(d, "event.type", 1), 0), "start");
	ck_assert_str_eq(str_at(d, "event.action"), "exec");
	ck_assert_str_eq(str_at(d, "event.id"), "1795728867.245:6");
	ck_assert_str_eq(str_at(d, "event.module"), "audisp_kmod_enum");
	ck_assert_str_eq(str_at(d, "event.provider"), "auditd");
	ck_assert_str_eq(str_at(d, "event.dataset"), "audisp_kmod_enum.alert");
	ck_assert_str_eq(str_at(d, "event.outcome"), "success");
	ck_assert_str_eq(str_at(d, "event.created"), "2026-11-26T21:34:28.999Z");
	ck_assert_str_eq(str_at(d, "ecs.version"), AE_ECS_VERSION);
	ck_assert_str_eq(str_at(d, "message"), "Enumeration of Kernel Modules");
	ck_assert_str_eq(str_at(d, "host.name"), "web01");
	ck_assert_str_eq(str_at(d, "host.hostname"), "web01");
	ck_assert_str_eq(str_at(d, "host.os.type"), "linux");
	ck_assert_str_eq(str_at(d, "agent.type"), "audisp-kmod-enum");
	ck_assert_str_eq(str_at(d, "agent.name"), "web01");
	ck_assert_uint_gt(strlen(str_at(d, "agent.version")), 0);
	ck_assert_ptr_null(at(d, "event.ingested"));
	ck_assert_ptr_null(at(d, "host.id"));
}
END_TEST

START_TEST(test_json_top_level_fields_are_in_documented_order)
{
	static const char *const order[] = {
		"@timestamp", "ecs", "message", "event", "host", "agent",
		"process", "user", "group", "auditd", "rule", "threat",
		"audisp_kmod_enum",
	};
	yajl_val d = render(&seen);
	size_t i;

	ck_assert_uint_eq(d->u.object.len, sizeof(order) / sizeof(order[0]));
	for (i = 0; i < d->u.object.len; i++)
		ck_assert_str_eq(d->u.object.keys[i], order[i]);
}
END_TEST

START_TEST(test_json_process_fields)
{
	yajl_val d;

	args[1] = S("-v");
	ex.proc.args.n = 2;
	d = render(&seen);
	ck_assert_int_eq(int_at(d, "process.pid"), 2223);
	ck_assert_str_eq(str_at(d, "process.name"), "lsmod");
	ck_assert_str_eq(str_at(d, "process.executable"), "/usr/sbin/lsmod");
	ck_assert_str_eq(elem_str(arr_at(d, "process.args", 2), 0), "lsmod");
	ck_assert_str_eq(elem_str(arr_at(d, "process.args", 2), 1), "-v");
	ck_assert_int_eq(int_at(d, "process.args_count"), 2);
	ck_assert_str_eq(str_at(d, "process.command_line"), "lsmod -v");
	ck_assert_str_eq(str_at(d, "process.working_directory"), "/root");
}
END_TEST

START_TEST(test_json_parent_fields)
{
	yajl_val d = render(&seen);

	ck_assert_int_eq(int_at(d, "process.parent.pid"), 2203);
	ck_assert_str_eq(str_at(d, "process.parent.name"), "bash");
	ck_assert_str_eq(str_at(d, "process.parent.executable"), "/usr/bin/bash");
	ck_assert_str_eq(elem_str(arr_at(d, "process.parent.args", 1), 0), "-bash");
	ck_assert_int_eq(int_at(d, "process.parent.args_count"), 1);
	ck_assert_str_eq(str_at(d, "process.parent.command_line"), "-bash");
	ck_assert_str_eq(str_at(d, "audisp_kmod_enum.parent_source"), "audit");
}
END_TEST

START_TEST(test_json_identity_fields_are_keyword_strings)
{
	yajl_val d = render(&seen);

	ck_assert_str_eq(str_at(d, "user.id"), "0");
	ck_assert_str_eq(str_at(d, "user.name"), "root");
	ck_assert_str_eq(str_at(d, "user.effective.id"), "0");
	ck_assert_str_eq(str_at(d, "user.effective.name"), "root");
	ck_assert_str_eq(str_at(d, "auditd.data.auid"), "1000");
	ck_assert_str_eq(str_at(d, "group.id"), "0");
	ck_assert_str_eq(str_at(d, "auditd.session"), "3");
	ck_assert_str_eq(str_at(d, "auditd.data.tty"), "pts0");
	ck_assert_ptr_null(at(d, "auditd.tty"));
	/* the login user as Auditbeat writes it; no name in a RAW record */
	ck_assert_str_eq(str_at(d, "user.audit.id"), "1000");
	ck_assert_ptr_null(at(d, "user.audit.name"));
	ex.auser_name = S("alice");
	d = render(&seen);
	ck_assert_str_eq(str_at(d, "user.audit.name"), "alice");
	ex.auid = KME_ID_UNSET;     /* no login: no user.audit, no "unset" */
	d = render(&seen);
	ck_assert_ptr_null(at(d, "user.audit"));
}
END_TEST

START_TEST(test_json_rule_and_threat)
{
	yajl_val d = render(&seen);

	ck_assert_str_eq(str_at(d, "rule.id"), "2d8043ed-5bda-4caf-801c-c1feb7410504");
	ck_assert_str_eq(str_at(d, "rule.name"), "Enumeration of Kernel Modules");
	ck_assert_str_eq(str_at(d, "rule.version"), "211");
	ck_assert_str_eq(str_at(d, "rule.description"), "Our own words.");
	ck_assert_str_eq(str_at(d, "rule.reference"), "https://example.org/rule");
	ck_assert_str_eq(str_at(d, "rule.ruleset"), "Elastic prebuilt rules");
	ck_assert_str_eq(elem_str(arr_at(d, "rule.author", 1), 0), "Elastic");
	ck_assert_ptr_null(at(d, "rule.severity"));
	ck_assert_ptr_null(at(d, "rule.risk_score"));
	ck_assert_int_eq(int_at(d, "event.severity"), 47);
	ck_assert_int_eq(int_at(d, "event.risk_score"), 47);
	ck_assert_str_eq(str_at(d, "audisp_kmod_enum.severity"), "medium");
	ck_assert_str_eq(str_at(d, "threat.framework"), "MITRE ATT&CK");
	ck_assert_str_eq(elem_str(arr_at(d, "threat.tactic.id", 1), 0), "TA0007");
	ck_assert_str_eq(elem_str(arr_at(d, "threat.tactic.name", 1), 0),
			 "Discovery");
	ck_assert_str_eq(elem_str(arr_at(d, "threat.tactic.reference", 1), 0),
			 "https://attack.mitre.org/tactics/TA0007/");
	ck_assert_str_eq(elem_str(arr_at(d, "threat.technique.id", 1), 0), "T1082");
	ck_assert_str_eq(elem_str(arr_at(d, "threat.technique.name", 1), 0),
			 "System Information Discovery");
	ck_assert_str_eq(elem_str(arr_at(d, "threat.technique.reference", 1), 0),
			 "https://attack.mitre.org/techniques/T1082/");
}
END_TEST

START_TEST(test_json_several_techniques_are_parallel_arrays)
{
	yajl_val d;

	cfg.techniques[1] = (struct cfg_threat){ "T1518",
		"https://attack.mitre.org/techniques/T1518/",
		"Software Discovery" };
	cfg.ntechniques = 2;
	d = render(&seen);
	ck_assert_str_eq(elem_str(arr_at(d, "threat.technique.id", 2), 1), "T1518");
	ck_assert_str_eq(elem_str(arr_at(d, "threat.technique.name", 2), 1),
			 "Software Discovery");
	ck_assert_str_eq(elem_str(arr_at(d, "threat.technique.reference", 2), 1),
			 "https://attack.mitre.org/techniques/T1518/");
	arr_at(d, "threat.tactic.id", 1);
}
END_TEST

START_TEST(test_json_no_threat_entries_omits_threat)
{
	yajl_val d;

	cfg.ntactics = cfg.ntechniques = 0;
	d = render(&seen);
	ck_assert_ptr_null(at(d, "threat"));
}
END_TEST

START_TEST(test_json_process_user_is_effective_and_real_user_is_uid)
{
	yajl_val d;

	ex.uid = 1000;
	ex.euid = 0;
	ex.gid = 1000;
	ex.egid = 27;
	ex.user_name = S("alice");
	d = render(&seen);
	ck_assert_str_eq(str_at(d, "process.user.id"), "0");
	/* The name we know is the real uid's: not given to another euid. */
	ck_assert_ptr_null(at(d, "process.user.name"));
	ck_assert_str_eq(str_at(d, "process.real_user.id"), "1000");
	ck_assert_str_eq(str_at(d, "process.real_user.name"), "alice");
	ck_assert_str_eq(str_at(d, "process.group.id"), "27");
	ck_assert_str_eq(str_at(d, "process.real_group.id"), "1000");
	ck_assert_str_eq(str_at(d, "user.id"), "1000");
	ck_assert_str_eq(str_at(d, "user.effective.id"), "0");
	ck_assert_ptr_null(at(d, "user.effective.name"));
	ck_assert_str_eq(str_at(d, "group.id"), "1000");
	ck_assert_ptr_null(at(d, "group.name"));  /* never known here */
	ck_assert_ptr_null(at(d, "process.group.name"));
}
END_TEST

START_TEST(test_json_effective_user_and_group_names_where_known)
{
	yajl_val d;

	ex.uid = 1000;
	ex.euid = 0;
	ex.gid = 1000;
	ex.egid = 27;
	ex.user_name = S("alice");
	ex.euser_name = S("root");
	ex.group_name = S("alice");
	ex.egroup_name = S("sudo");
	d = render(&seen);
	ck_assert_str_eq(str_at(d, "process.user.name"), "root");
	ck_assert_str_eq(str_at(d, "process.real_user.name"), "alice");
	ck_assert_str_eq(str_at(d, "process.group.name"), "sudo");
	ck_assert_str_eq(str_at(d, "process.real_group.name"), "alice");
	ck_assert_str_eq(str_at(d, "user.effective.name"), "root");
	ck_assert_str_eq(str_at(d, "group.name"), "alice");
}
END_TEST

START_TEST(test_json_failed_exec_has_outcome_failure)
{
	yajl_val d;

	ex.success = false;
	d = render(&seen);
	ck_assert_str_eq(str_at(d, "event.outcome"), "failure");
}
END_TEST

START_TEST(test_json_reason_is_one_sentence_about_the_event)
{
	yajl_val d = render(&seen);

	ck_assert_str_eq(str_at(d, "event.reason"),
		"kernel module enumeration: /usr/sbin/lsmod was run by "
		"/usr/bin/bash as uid 0 (root), login uid 1000 on web01");
}
END_TEST

START_TEST(test_json_reason_cuts_long_values_and_says_unknown)
{
	static char big[2000];
	yajl_val d;

	memset(big, 'x', sizeof(big) - 1);
	big[0] = '/';
	ex.proc.executable = (struct kme_str){ big, sizeof(big) - 1 };
	memset(&ex.parent, 0, sizeof(ex.parent));
	ex.ppid = -1;
	ex.uid = ex.auid = KME_ID_UNSET;
	ctx.hostname = NULL;
	d = render(&seen);
	ck_assert_uint_lt(strlen(str_at(d, "event.reason")), 400);
	ck_assert_ptr_nonnull(strstr(str_at(d, "event.reason"),
		"... was run by an unknown parent on an unknown host"));
}
END_TEST

START_TEST(test_json_host_id_only_for_events_of_this_host)
{
	yajl_val d;

	ctx.host_id = "0123456789abcdef0123456789abcdef";
	d = render(&seen);
	ck_assert_str_eq(str_at(d, "host.id"), ctx.host_id);
	ex.node = S("web01");  /* node == local_node: the engine says local */
	ex.remote = false;
	d = render(&seen);
	ck_assert_str_eq(str_at(d, "host.id"), ctx.host_id);
	ex.node = S("web02");  /* another host's record (an aggregator) */
	ex.remote = true;
	d = render(&seen);
	ck_assert_ptr_null(at(d, "host.id"));
	ck_assert_str_eq(str_at(d, "host.name"), "web02");
}
END_TEST

START_TEST(test_json_new_terms_with_history)
{
	yajl_val d = render(&seen), f;

	ck_assert_ptr_null(at(d, "kibana"));
	f = arr_at(d, "audisp_kmod_enum.new_terms.fields", 2);
	ck_assert_str_eq(elem_str(f, 0), "process.executable");
	ck_assert_str_eq(elem_str(f, 1), "process.parent.executable");
	f = arr_at(d, "audisp_kmod_enum.new_terms.values", 2);
	ck_assert_str_eq(elem_str(f, 0), "/usr/sbin/lsmod");
	ck_assert_str_eq(elem_str(f, 1), "/usr/bin/bash");
	ck_assert_str_eq(str_at(d, "audisp_kmod_enum.new_terms.previous_last_seen"),
			 "2026-09-21T14:13:20.000Z");
	ck_assert_str_eq(str_at(d, "audisp_kmod_enum.new_terms.first_seen"),
			 "2023-11-14T22:13:20.000Z");
	ck_assert_int_eq(int_at(d, "audisp_kmod_enum.new_terms.count"), 4);
	ck_assert(YAJL_IS_FALSE(at(d, "audisp_kmod_enum.args_truncated")));
	ck_assert_str_eq(str_at(d, "audisp_kmod_enum.mode"), "live");
}
END_TEST

START_TEST(test_json_never_seen_term_has_null_history)
{
	yajl_val d;

	seen = (struct nt_seen){ .known = false, .is_new = true };
	d = render(&seen);
	ck_assert(YAJL_IS_NULL(at(d, "audisp_kmod_enum.new_terms.previous_last_seen")));
	ck_assert(YAJL_IS_NULL(at(d, "audisp_kmod_enum.new_terms.first_seen")));
	ck_assert_int_eq(int_at(d, "audisp_kmod_enum.new_terms.count"), 0);
}
END_TEST

START_TEST(test_json_all_mode_omits_history_but_keeps_term)
{
	yajl_val d;

	ctx.mode = "all";
	d = render(NULL);
	arr_at(d, "audisp_kmod_enum.new_terms.fields", 2);
	arr_at(d, "audisp_kmod_enum.new_terms.values", 2);
	arr_at(d, "audisp_kmod_enum.new_terms.values", 2);
	ck_assert_ptr_null(at(d, "audisp_kmod_enum.new_terms.previous_last_seen"));
	ck_assert_ptr_null(at(d, "audisp_kmod_enum.new_terms.first_seen"));
	ck_assert_ptr_null(at(d, "audisp_kmod_enum.new_terms.count"));
	ck_assert_str_eq(str_at(d, "audisp_kmod_enum.mode"), "all");
}
END_TEST

/* An unknown term value (newterms.h) is "", never null: the values line up
 * with the fields in every consumer. */
START_TEST(test_json_unknown_term_value_is_the_empty_string)
{
	yajl_val d, v;

	term.v[1] = KME_STR_NULL;
	d = render(&seen);
	v = arr_at(d, "audisp_kmod_enum.new_terms.values", 2);
	ck_assert_str_eq(elem_str(v, 0), "/usr/sbin/lsmod");
	ck_assert_str_eq(elem_str(v, 1), "");
	ck_assert_ptr_null(strstr(out.p, "null]"));
}
END_TEST

START_TEST(test_json_unknown_parent_is_omitted)
{
	yajl_val d;

	ex.ppid = -1;
	memset(&ex.parent, 0, sizeof(ex.parent));
	ex.parent.pid = -1;
	ex.parent_source = KME_PARENT_UNKNOWN;
	d = render(&seen);
	ck_assert(YAJL_IS_OBJECT(at(d, "process")));
	ck_assert_ptr_null(at(d, "process.parent"));
	ck_assert_ptr_null(strstr(out.p, "\"parent\""));
	ck_assert_str_eq(str_at(d, "audisp_kmod_enum.parent_source"), "unknown");
}
END_TEST

START_TEST(test_json_unknown_parent_with_ppid_has_pid_only)
{
	yajl_val d, p;

	memset(&ex.parent, 0, sizeof(ex.parent));
	ex.parent.pid = -1;
	ex.parent_source = KME_PARENT_UNKNOWN;
	d = render(&seen);
	p = at(d, "process.parent");
	ck_assert(YAJL_IS_OBJECT(p));
	ck_assert_uint_eq(p->u.object.len, 1);
	ck_assert_int_eq(int_at(d, "process.parent.pid"), 2203);
}
END_TEST

START_TEST(test_json_parent_without_args_omits_arg_fields)
{
	yajl_val d;

	ex.parent.args = (struct kme_args){ .v = NULL, .n = 0 };
	ex.parent_source = KME_PARENT_PROCFS;
	d = render(&seen);
	ck_assert_str_eq(str_at(d, "process.parent.executable"), "/usr/bin/bash");
	ck_assert_ptr_null(at(d, "process.parent.args"));
	ck_assert_ptr_null(at(d, "process.parent.args_count"));
	ck_assert_ptr_null(at(d, "process.parent.command_line"));
	ck_assert_str_eq(str_at(d, "audisp_kmod_enum.parent_source"), "procfs");
}
END_TEST

START_TEST(test_json_process_with_argc_zero_has_empty_args)
{
	yajl_val d;

	ex.proc.args.n = 0;
	d = render(&seen);
	arr_at(d, "process.args", 0);
	ck_assert_int_eq(int_at(d, "process.args_count"), 0);
	ck_assert_ptr_null(at(d, "process.command_line"));
}
END_TEST

START_TEST(test_json_unset_ids_and_absent_strings_are_omitted)
{
	yajl_val d;

	ex.uid = ex.euid = ex.gid = ex.egid = ex.auid = ex.ses = KME_ID_UNSET;
	ex.tty = KME_STR_NULL;
	ex.user_name = KME_STR_NULL;
	ex.proc.cwd = KME_STR_NULL;
	ex.proc.pid = -1;
	d = render(&seen);
	ck_assert_ptr_null(at(d, "user"));
	ck_assert_ptr_null(at(d, "group"));
	ck_assert_ptr_null(at(d, "auditd"));
	ck_assert_ptr_null(at(d, "process.working_directory"));
	ck_assert_ptr_null(at(d, "process.pid"));
	ck_assert_ptr_null(strstr(out.p, "\"\""));
}
END_TEST

START_TEST(test_json_partly_set_ids)
{
	yajl_val d;

	ex.auid = KME_ID_UNSET;
	ex.euid = 1000;
	ex.ses = KME_ID_UNSET;
	d = render(&seen);
	ck_assert_str_eq(str_at(d, "user.effective.id"), "1000");
	ck_assert_ptr_null(at(d, "auditd.data.auid"));
	ck_assert_ptr_null(at(d, "auditd.session"));
	ck_assert_str_eq(str_at(d, "auditd.data.tty"), "pts0");
}
END_TEST

START_TEST(test_json_node_is_host_name)
{
	yajl_val d;

	ex.node = S("fwd-host");
	d = render(&seen);
	ck_assert_str_eq(str_at(d, "host.name"), "fwd-host");
	ctx.hostname = NULL;
	ex.node = KME_STR_NULL;
	d = render(&seen);
	ck_assert_ptr_null(at(d, "host.name"));
	ck_assert_ptr_null(at(d, "host.hostname"));
	ck_assert_str_eq(str_at(d, "host.os.type"), "linux");
}
END_TEST

START_TEST(test_json_hostile_args_stay_one_valid_line)
{
	yajl_val d, a;

	args[0] = S("lsmod\n{\"forged\":1}");
	args[1] = S("a\x1d" "b\x1b[2Jc\r");
	args[2] = S("\xff\xc0\x80\xed\xa0\x80" "ok\xe2\x80\xa8");
	args[3] = S("q\"\\");
	ex.proc.args.n = 4;
	ex.proc.executable = S("/tmp/\x1b]0;x\x07lsmod");
	ex.proc.cwd = S("/tmp/\nfake");
	ex.parent.name = S("sh\x85");
	d = render(&seen);
	a = arr_at(d, "process.args", 4);
	ck_assert_str_eq(elem_str(a, 0), "lsmod\n{\"forged\":1}");
	ck_assert_str_eq(elem_str(a, 1), "a\x1d" "b\x1b[2Jc\r");
	/* Each byte that is not UTF-8 (FF, an overlong C0 80, a surrogate ED
	 * A0 80) is U+FFFD; the raw bytes are in invalid_utf8. */
	ck_assert_str_eq(elem_str(a, 2), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
			 "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdok\xe2\x80\xa8");
	ck_assert_str_eq(elem_str(a, 3), "q\"\\");
	ck_assert_str_eq(str_at(d, "process.command_line"),
			 "lsmod\n{\"forged\":1} a\x1d" "b\x1b[2Jc\r "
			 "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
			 "\xef\xbf\xbdok\xe2\x80\xa8 q\"\\");
	ck_assert_str_eq(str_at(elem(arr_at(d, "audisp_kmod_enum.invalid_utf8.values", 2),
				     0), "hex"), "ffc080eda0806f6be280a8");
	ck_assert_str_eq(str_at(d, "process.executable"), "/tmp/\x1b]0;x\x07lsmod");
	ck_assert_str_eq(str_at(d, "process.working_directory"), "/tmp/\nfake");
	ck_assert_ptr_null(at(d, "forged"));
	/* U+0085 and U+2028 are escaped, not raw, in the line. */
	ck_assert_ptr_null(strstr(out.p, "\xc2\x85"));
	ck_assert_ptr_null(strstr(out.p, "\xe2\x80\xa8"));
}
END_TEST

/* Issue 21: argument bytes FF FE and the typed text \xff\xfe were one and
 * the same string. Now the bytes are U+FFFD twice, named (field, index) and
 * kept in hex; the text stays text and is named nowhere. */
START_TEST(test_json_invalid_bytes_cannot_pass_for_text)
{
	yajl_val d, v, f;

	args[1] = S("\xff\xfe");
	args[2] = S("\\xff\\xfe");
	ex.proc.args.n = 3;
	d = render(&seen);
	v = arr_at(d, "process.args", 3);
	ck_assert_str_eq(elem_str(v, 1), "\xef\xbf\xbd\xef\xbf\xbd");
	ck_assert_str_eq(elem_str(v, 2), "\\xff\\xfe");
	f = arr_at(d, "audisp_kmod_enum.invalid_utf8.fields", 2);
	ck_assert_str_eq(elem_str(f, 0), "process.args");
	ck_assert_str_eq(elem_str(f, 1), "process.command_line");
	v = arr_at(d, "audisp_kmod_enum.invalid_utf8.values", 1);
	ck_assert_str_eq(str_at(elem(v, 0), "field"), "process.args");
	ck_assert_int_eq(int_at(elem(v, 0), "index"), 1);
	ck_assert_str_eq(str_at(elem(v, 0), "hex"), "fffe");
	ck_assert_ptr_null(at(d, "audisp_kmod_enum.invalid_utf8.values_omitted"));
	/* the typed text alone: nothing to flag */
	ex.proc.args.n = 1;
	args[0] = S("\\xff\\xfe");
	d = render(&seen);
	ck_assert_ptr_null(at(d, "audisp_kmod_enum.invalid_utf8"));
}
END_TEST

/* Any string field: a path, the parent's name, the term's value; past 16
 * values only the count grows. */
START_TEST(test_json_invalid_bytes_in_any_field_are_named)
{
	static struct kme_str many[40];
	yajl_val d, f;
	size_t i;

	ex.proc.executable = S("/tmp/\xc3(");
	term.v[0] = ex.proc.executable;
	ex.parent.name = S("b\x80sh");
	for (i = 0; i < 40; i++)
		many[i] = S("\xfe");
	ex.proc.args = (struct kme_args){ .v = many, .n = 40 };
	d = render(&seen);
	f = at(d, "audisp_kmod_enum.invalid_utf8.fields");
	ck_assert(YAJL_IS_ARRAY(f));
	ck_assert_str_eq(elem_str(f, 0), "event.reason");
	ck_assert_str_eq(elem_str(f, 1), "process.executable");
	ck_assert_str_eq(elem_str(f, 2), "process.args");
	ck_assert_str_eq(elem_str(f, 3), "process.command_line");
	ck_assert_str_eq(elem_str(f, 4), "process.parent.name");
	ck_assert_str_eq(elem_str(f, 5), "audisp_kmod_enum.new_terms.values");
	ck_assert_uint_eq(f->u.array.len, 6);
	arr_at(d, "audisp_kmod_enum.invalid_utf8.values", JD_BAD_MAX);
	/* reason, executable, 40 args, parent name, term value = 44 */
	ck_assert_int_eq(int_at(d, "audisp_kmod_enum.invalid_utf8.values_omitted"),
			 44 - JD_BAD_MAX);
}
END_TEST

/* The fields issue 21 adds, from what the records say. */
START_TEST(test_json_sequence_architecture_title_saved_ids)
{
	yajl_val d;

	ex.arch = "x86_64";
	ex.title = S("lsmod -v");
	ex.suid = 0;
	ex.sgid = 7;
	d = render(&seen);
	ck_assert_int_eq(int_at(d, "event.sequence"), 6);
	ck_assert_str_eq(str_at(d, "host.architecture"), "x86_64");
	ck_assert_str_eq(str_at(d, "process.title"), "lsmod -v");
	ck_assert_str_eq(str_at(d, "process.saved_user.id"), "0");
	ck_assert_str_eq(str_at(d, "process.saved_group.id"), "7");
	ex.arch = NULL;
	ex.title = KME_STR_NULL;
	ex.suid = ex.sgid = KME_ID_UNSET;
	ex.serial = UINT64_MAX;     /* not a long: left out */
	d = render(&seen);
	ck_assert_ptr_null(at(d, "host.architecture"));
	ck_assert_ptr_null(at(d, "process.title"));
	ck_assert_ptr_null(at(d, "process.saved_user"));
	ck_assert_ptr_null(at(d, "event.sequence"));
}
END_TEST

/* process.interactive: a controlling terminal; process.tty its device
 * where the kernel fixes the numbers. */
START_TEST(test_json_terminal_and_interactive)
{
	static const struct {
		const char *tty;
		long long major, minor;   /* -1: no numbers */
	} cases[] = {
		{ "pts0", 136, 0 }, { "pts300", 136, 300 }, { "tty1", 4, 1 },
		{ "ttyS0", 4, 64 }, { "ttyUSB0", -1, -1 }, { "pts", -1, -1 },
		{ "pts1x", -1, -1 }, { "tty64", -1, -1 },
	};
	yajl_val d;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ex.tty = (struct kme_str){ cases[i].tty, strlen(cases[i].tty) };
		d = render(&seen);
		ck_assert(YAJL_IS_TRUE(at(d, "process.interactive")));
		if (cases[i].major < 0) {
			ck_assert_msg(at(d, "process.tty") == NULL, "%s", cases[i].tty);
			continue;
		}
		ck_assert_int_eq(int_at(d, "process.tty.char_device.major"),
				 cases[i].major);
		ck_assert_int_eq(int_at(d, "process.tty.char_device.minor"),
				 cases[i].minor);
	}
	ex.tty = KME_STR_NULL;
	d = render(&seen);
	ck_assert(YAJL_IS_FALSE(at(d, "process.interactive")));
	ck_assert_ptr_null(at(d, "process.tty"));
}
END_TEST

/* Entity ids and starts of the process, its parent (with its own ids and
 * working directory) and its entry leader; the start tokens they came
 * from. host.name is web01 (ctx.hostname). */
START_TEST(test_json_entity_ids_starts_and_parent_identity)
{
	char id[64];
	yajl_val d;

	ex.proc.start = (struct kme_start){ KME_START_AUDIT, 1795728867245LL, 6, NULL };
	ex.parent.pid = 2203;
	ex.parent.start = (struct kme_start){ KME_START_PROCFS, 1795728000500LL,
					      987654, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0" };
	ex.parent.cred = (struct kme_cred){ true, 1000, 0, 1001, 0 };
	ex.parent.cwd = S("/home/alice");
	ex.entry_leader.proc = ex.parent;
	ex.entry_leader.how = "child_of_starter";
	d = render(&seen);
	ck_assert_uint_eq(strlen(str_at(d, "process.entity_id")), 32);
	ck_assert_str_eq(str_at(d, "process.start"), "2026-11-26T21:34:27.245Z");
	ck_assert_uint_eq(strlen(str_at(d, "process.parent.entity_id")), 32);
	ck_assert_str_ne(str_at(d, "process.entity_id"),
			 str_at(d, "process.parent.entity_id"));
	ck_assert_str_eq(str_at(d, "process.parent.start"), "2026-11-26T21:20:00.500Z");
	ck_assert_str_eq(str_at(d, "process.parent.working_directory"), "/home/alice");
	ck_assert_str_eq(str_at(d, "process.parent.user.id"), "0");
	ck_assert_str_eq(str_at(d, "process.parent.real_user.id"), "1000");
	ck_assert_str_eq(str_at(d, "process.parent.group.id"), "0");
	ck_assert_str_eq(str_at(d, "process.parent.real_group.id"), "1001");
	ck_assert_str_eq(str_at(d, "process.entry_leader.entity_id"),
			 str_at(d, "process.parent.entity_id"));
	ck_assert_str_eq(str_at(d, "process.entry_leader.start"), "2026-11-26T21:20:00.500Z");
	ck_assert_str_eq(str_at(d, "audisp_kmod_enum.entity.process"),
			 "audit:1795728867.245:6");
	ck_assert_str_eq(str_at(d, "audisp_kmod_enum.entity.parent"),
			 "procfs:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0:987654");
	/* the same records on another host: other ids */
	snprintf(id, sizeof(id), "%s", str_at(d, "process.entity_id"));
	ex.node = S("web02");
	d = render(&seen);
	ck_assert_str_ne(str_at(d, "process.entity_id"), id);
}
END_TEST

START_TEST(test_json_unknown_starts_give_no_entity)
{
	yajl_val d = render(&seen);

	ck_assert_ptr_null(at(d, "process.entity_id"));
	ck_assert_ptr_null(at(d, "process.start"));
	ck_assert_ptr_null(at(d, "process.parent.entity_id"));
	ck_assert_ptr_null(at(d, "process.parent.user"));
	ck_assert_ptr_null(at(d, "audisp_kmod_enum.entity"));
}
END_TEST

START_TEST(test_json_truncated_args_are_flagged)
{
	yajl_val d;

	ex.proc.args.truncated = true;
	d = render(&seen);
	ck_assert(YAJL_IS_TRUE(at(d, "audisp_kmod_enum.args_truncated")));
	ex.proc.args.truncated = false;
	ex.parent.args.truncated = true;
	d = render(&seen);
	ck_assert(YAJL_IS_TRUE(at(d, "audisp_kmod_enum.args_truncated")));
}
END_TEST

START_TEST(test_json_extreme_times_stay_valid)
{
	static const int64_t times[] = { 0, -1, INT64_MIN, INT64_MAX,
					 253402300800, -62135596801 };
	size_t i;
	yajl_val d;

	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		ex.sec = times[i];
		ex.msec = 4000000000u;
		seen.first_seen = times[i];
		seen.last_seen = times[i];
		d = render(&seen);
		ck_assert_uint_eq(strlen(str_at(d, "@timestamp")), 24);
	}
	ex.sec = INT64_MIN;
	ex.msec = 5;
	ex.serial = UINT64_MAX;
	d = render(&seen);
	ck_assert_str_eq(str_at(d, "event.id"),
			 "-9223372036854775808.005:18446744073709551615");
}
END_TEST

START_TEST(test_json_bound_reached_returns_minus_one)
{
	struct kme_buf small;

	buf_init(&small, 200);
	ck_assert_int_eq(ae_json(&small, &ctx, &ex, &term, &seen, &ac_whole), -1);
	ck_assert(small.overflow);
	ck_assert_uint_le(small.len, 200);
	buf_free(&small);
}
END_TEST

START_TEST(test_parent_source_names)
{
	ck_assert_str_eq(kme_parent_source_name(KME_PARENT_UNKNOWN), "unknown");
	ck_assert_str_eq(kme_parent_source_name(KME_PARENT_AUDIT), "audit");
	ck_assert_str_eq(kme_parent_source_name(KME_PARENT_PROCFS), "procfs");
	ck_assert_str_eq(kme_parent_source_name((enum kme_parent_source)77),
			 "unknown");
}
END_TEST

static Suite *alertecs_suite(void)
{
	Suite *s = suite_create("alertecs");
	TCase *j = tcase_create("json");
	TCase *t = tcase_create("names");

	tcase_add_checked_fixture(j, setup, teardown);
	tcase_add_test(j, test_json_carries_event_and_timestamp);
	tcase_add_test(j, test_json_top_level_fields_are_in_documented_order);
	tcase_add_test(j, test_json_process_fields);
	tcase_add_test(j, test_json_parent_fields);
	tcase_add_test(j, test_json_identity_fields_are_keyword_strings);
	tcase_add_test(j, test_json_rule_and_threat);
	tcase_add_test(j, test_json_several_techniques_are_parallel_arrays);
	tcase_add_test(j, test_json_no_threat_entries_omits_threat);
	tcase_add_test(j, test_json_process_user_is_effective_and_real_user_is_uid);
	tcase_add_test(j, test_json_effective_user_and_group_names_where_known);
	tcase_add_test(j, test_json_failed_exec_has_outcome_failure);
	tcase_add_test(j, test_json_reason_is_one_sentence_about_the_event);
	tcase_add_test(j, test_json_reason_cuts_long_values_and_says_unknown);
	tcase_add_test(j, test_json_host_id_only_for_events_of_this_host);
	tcase_add_test(j, test_json_new_terms_with_history);
	tcase_add_test(j, test_json_never_seen_term_has_null_history);
	tcase_add_test(j, test_json_all_mode_omits_history_but_keeps_term);
	tcase_add_test(j, test_json_unknown_term_value_is_the_empty_string);
	tcase_add_test(j, test_json_unknown_parent_is_omitted);
	tcase_add_test(j, test_json_unknown_parent_with_ppid_has_pid_only);
	tcase_add_test(j, test_json_parent_without_args_omits_arg_fields);
	tcase_add_test(j, test_json_process_with_argc_zero_has_empty_args);
	tcase_add_test(j, test_json_unset_ids_and_absent_strings_are_omitted);
	tcase_add_test(j, test_json_partly_set_ids);
	tcase_add_test(j, test_json_node_is_host_name);
	tcase_add_test(j, test_json_hostile_args_stay_one_valid_line);
	tcase_add_test(j, test_json_invalid_bytes_cannot_pass_for_text);
	tcase_add_test(j, test_json_invalid_bytes_in_any_field_are_named);
	tcase_add_test(j, test_json_sequence_architecture_title_saved_ids);
	tcase_add_test(j, test_json_terminal_and_interactive);
	tcase_add_test(j, test_json_entity_ids_starts_and_parent_identity);
	tcase_add_test(j, test_json_unknown_starts_give_no_entity);
	tcase_add_test(j, test_json_truncated_args_are_flagged);
	tcase_add_test(j, test_json_extreme_times_stay_valid);
	tcase_add_test(j, test_json_bound_reached_returns_minus_one);
	suite_add_tcase(s, j);

	tcase_add_test(t, test_parent_source_names);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return ck_run(alertecs_suite());
}
