/* check_filerule.c - the rules that watch files: which opens they look at
 * (the audit key decides), who opened the file (the process table), and
 * their exclusions, proven or not. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cfgtest.h"
#include "checkrun.h"
#include "filerule.h"

/* A file rule as the profiles write one. */
#define RULE(extra) \
	"match = lsmod\n" \
	"rule = kmod-proc\nrule_type = file_open\nrule_id = r\nrule_name = n\n" \
	"rule_version = 1\nrule_description = d\nrule_reference = x\n" \
	"state_file = /tmp/kme-p.json\n" \
	"file_watch = /proc/modules kmod-enum-proc\n" \
	"file_watch = /sys/module kmod-enum-sysmod\n" extra

static struct kme_config *cfg;
static const struct kme_config *fr;
static struct pt_table *pt;

static struct kme_str S(const char *s)
{
	return (struct kme_str){ s, strlen(s) };
}

static void use(const char *text)
{
	cfg_free(cfg);
	cfg = parse_ok(text);
	fr = cfg_rule(cfg, 1);
	ck_assert_ptr_nonnull(fr);
}

static void setup(void)
{
	struct kme_err err;

	cfg = NULL;
	use(RULE(""));
	pt = pt_new(64, 1 << 20, NULL, NULL, &err);
	ck_assert_ptr_nonnull(pt);
}

static void teardown(void)
{
	pt_free(pt);
	cfg_free(cfg);
}

/* pid's exec of path (argv[0] its basename) by ppid, into the table. */
static void exec_of(int32_t pid, int32_t ppid, const char *path)
{
	struct kme_exec ex;
	struct kme_str argv[1];

	memset(&ex, 0, sizeof(ex));
	ex.success = true;
	ex.sec = 1000;
	ex.proc.pid = pid;
	ex.ppid = ex.parent.pid = ppid;
	ex.proc.executable = S(path);
	ex.proc.name = argv[0] = kme_str_base(S(path));
	ex.proc.args = (struct kme_args){ .v = argv, .n = 1 };
	pt_record_exec(pt, &ex);
}

/* An open by pid (child of ppid) with one key; comm and exe as logged. */
static void open_by(struct oe_event *o, int32_t pid, int32_t ppid,
		    const char *key, const char *comm, const char *exe)
{
	memset(o, 0, sizeof(*o));
	o->ex.success = true;
	o->ex.sec = 2000;
	o->ex.proc.pid = pid;
	o->ex.ppid = o->ex.parent.pid = ppid;
	o->ex.comm = S(comm);
	o->ex.exe = S(exe);
	o->ex.proc.cwd = S("/root");
	o->ex.entry_leader.proc.pid = -1;
	o->file.keys[0] = S(key);
	o->file.nkeys = 1;
	o->file.opened_as = S("/proc/modules");
}

static enum rule_verdict judge(struct oe_event *o, struct rule_result *res)
{
	struct rule_env env = { NULL, KME_PARENT_UNKNOWN };

	ck_assert(fr_watches(fr, o));
	env.self_source = fr_identify(pt, o);
	fr_eval(fr, o, &env, res);
	return res->verdict;
}

START_TEST(test_the_audit_key_decides_which_file_was_opened)
{
	struct oe_event o;

	open_by(&o, 10, 1, "kmod-enum-sysmod", "ls", "/usr/bin/ls");
	ck_assert(fr_watches(fr, &o));
	ck_assert_str_eq(o.file.watch->path, "/sys/module");
	open_by(&o, 10, 1, "audit_proc", "cat", "/usr/bin/cat");
	ck_assert(!fr_watches(fr, &o));
	/* the first rule watches execs, never files */
	open_by(&o, 10, 1, "kmod-enum-proc", "cat", "/usr/bin/cat");
	ck_assert(!fr_watches(cfg, &o));
	ck_assert(fr_watches(fr, &o));
}
END_TEST

START_TEST(test_the_opener_is_the_process_tables_and_its_parent_too)
{
	struct oe_event o;
	struct rule_result res;

	exec_of(20, 1, "/usr/bin/bash");
	exec_of(21, 20, "/tmp/t/cat-link");   /* a link to cat, as executed */
	open_by(&o, 21, 20, "kmod-enum-proc", "cat-link", "/usr/bin/cat");
	ck_assert_int_eq(judge(&o, &res), RULE_MATCH);
	ck_assert(kme_str_is(o.ex.proc.executable, "/tmp/t/cat-link"));
	ck_assert(kme_str_is(o.ex.proc.name, "cat-link"));
	ck_assert(kme_str_is(o.ex.proc.cwd, "/root"));
	ck_assert(kme_str_is(o.ex.parent.executable, "/usr/bin/bash"));
	ck_assert_int_eq(o.ex.parent_source, KME_PARENT_AUDIT);
	ck_assert_ptr_eq(res.watch, &fr->watches[0]);
	ck_assert(!kme_str_present(res.opened_as));
}
END_TEST

START_TEST(test_an_opener_the_table_does_not_know_is_the_records)
{
	struct oe_event o;
	struct rule_env env = { NULL, KME_PARENT_UNKNOWN };

	open_by(&o, 30, 29, "kmod-enum-proc", "python3", "/usr/bin/python3.11");
	ck_assert(fr_watches(fr, &o));
	ck_assert_int_eq(fr_identify(pt, &o), KME_PARENT_UNKNOWN);
	(void)env;
	ck_assert(kme_str_is(o.ex.proc.executable, "/usr/bin/python3.11"));
	ck_assert(o.ex.proc.exe_resolved && o.ex.proc.name_is_comm);
	ck_assert(kme_str_is(o.ex.proc.name, "python3"));
	ck_assert_int_eq(o.ex.parent_source, KME_PARENT_UNKNOWN);
}
END_TEST

START_TEST(test_v111_excludes_by_name_hardened_asks_for_proof)
{
	struct oe_event o;
	struct rule_result res;

	use(RULE("exclude_name = python* chef-client\n"));
	exec_of(40, 1, "/tmp/u/python3");      /* a copy of cat named python3 */
	open_by(&o, 40, 1, "kmod-enum-proc", "python3", "/tmp/u/python3");
	ck_assert_int_eq(judge(&o, &res), RULE_EXCLUDED);
	ck_assert_str_eq(rule_excl_key(res.excl->kind), "exclude_name");
	use(RULE("exclude_name = chef-client\ntrusted_exclusions = yes\n"));
	exec_of(41, 1, "/tmp/u/chef-client");
	open_by(&o, 41, 1, "kmod-enum-proc", "chef-client", "/tmp/u/chef-client");
	ck_assert_int_eq(judge(&o, &res), RULE_MATCH);
	ck_assert_ptr_nonnull(res.refused);
	ck_assert_str_eq(res.refused_why, "/tmp/u/chef-client is not in a trusted_dir");
	exec_of(42, 1, "/usr/lib/chef/chef-client");
	open_by(&o, 42, 1, "kmod-enum-proc", "chef-client", "/usr/lib/chef/chef-client");
	ck_assert_int_eq(judge(&o, &res), RULE_EXCLUDED);
	/* known only by the record: a comm over a resolved binary proves nothing */
	open_by(&o, 43, 1, "kmod-enum-proc", "chef-client", "/usr/bin/cat");
	ck_assert_int_eq(judge(&o, &res), RULE_MATCH);
	ck_assert_ptr_nonnull(strstr(res.refused_why, "is not a file named 'chef-client'"));
}
END_TEST

START_TEST(test_another_name_for_the_file_is_reported)
{
	struct oe_event o;
	struct rule_result res;
	char buf[512];

	open_by(&o, 50, 1, "kmod-enum-proc", "cat", "/usr/bin/cat");
	o.file.opened_as = S("/proc/self/../modules");
	ck_assert_int_eq(judge(&o, &res), RULE_MATCH);
	ck_assert(kme_str_is(res.opened_as, "/proc/self/../modules"));
	rule_describe(&res, buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "open of watched file /proc/modules (key "
				     "kmod-enum-proc, t.conf:"));
	ck_assert_ptr_nonnull(strstr(buf, "; opened as '/proc/self/../modules'"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("filerule");
	TCase *tc = tcase_create("rule");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_the_audit_key_decides_which_file_was_opened);
	tcase_add_test(tc, test_the_opener_is_the_process_tables_and_its_parent_too);
	tcase_add_test(tc, test_an_opener_the_table_does_not_know_is_the_records);
	tcase_add_test(tc, test_v111_excludes_by_name_hardened_asks_for_proof);
	tcase_add_test(tc, test_another_name_for_the_file_is_reported);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
