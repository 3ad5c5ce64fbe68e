/* check_rule.c - the v211 rule on exec events: what matches, what is
 * excluded, and how a verdict is described. */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkrun.h"
#include "rule.h"

#define MAX_ARGV 8

/* One exec event with storage for its argv. */
struct ev {
	struct kme_exec ex;
	struct kme_str argv[MAX_ARGV];
};

static struct kme_config *def;

static void def_setup(void)
{
	struct kme_err err;

	ck_assert_msg(cfg_load_default(&def, &err) == 0, "%s", err.msg);
}

static void def_teardown(void)
{
	cfg_free(def);
	def = NULL;
}

static struct kme_str S(const char *s)
{
	return (struct kme_str){ s, strlen(s) };
}

/* A successful exec of `name` by uid 1000 from an interactive bash; argv
 * follows (NULL-terminated). */
static void ev_init(struct ev *e, const char *name, ...)
{
	va_list ap;
	const char *a;

	memset(e, 0, sizeof(*e));
	e->ex.success = true;
	e->ex.proc.pid = 4242;
	e->ex.proc.name = S(name);
	e->ex.proc.executable = S("/usr/sbin/whatever");
	e->ex.uid = e->ex.euid = e->ex.gid = e->ex.egid = 1000;
	e->ex.auid = 1000;
	e->ex.ppid = 4000;
	e->ex.parent.pid = 4000;
	e->ex.parent.name = S("bash");
	e->ex.parent.executable = S("/usr/bin/bash");
	e->ex.parent_source = KME_PARENT_AUDIT;
	va_start(ap, name);
	while ((a = va_arg(ap, const char *)) != NULL) {
		ck_assert_uint_lt(e->ex.proc.args.n, MAX_ARGV);
		e->argv[e->ex.proc.args.n++] = S(a);
	}
	va_end(ap);
	e->ex.proc.args.v = e->argv;
}

static enum rule_verdict eval(const struct kme_config *cfg, struct ev *e)
{
	struct rule_result res;

	rule_eval(cfg, &e->ex, &res);
	ck_assert_int_eq(res.verdict == RULE_NO_MATCH, res.match == NULL);
	ck_assert_int_eq(res.verdict == RULE_EXCLUDED, res.excl != NULL);
	return res.verdict;
}

static struct kme_config *parse(const char *text)
{
	struct kme_config *cfg = NULL;
	struct kme_err err;

	ck_assert_msg(cfg_parse("/etc/audit/audisp-kmod-enum.conf", text,
				strlen(text), &cfg, &err) == 0, "%s", err.msg);
	return cfg;
}

/* ---- what matches -------------------------------------------------------- */

START_TEST(test_lsmod_matches)
{
	struct ev e;

	ev_init(&e, "lsmod", "lsmod", NULL);
	ck_assert_int_eq(eval(def, &e), RULE_MATCH);
}
END_TEST

START_TEST(test_modinfo_matches_with_any_args)
{
	struct ev e;

	ev_init(&e, "modinfo", "modinfo", "-F", "version", "e1000e", NULL);
	ck_assert_int_eq(eval(def, &e), RULE_MATCH);
}
END_TEST

START_TEST(test_kmod_list_matches)
{
	struct ev e;

	ev_init(&e, "kmod", "kmod", "list", NULL);
	ck_assert_int_eq(eval(def, &e), RULE_MATCH);
}
END_TEST

START_TEST(test_depmod_dash_a_matches)
{
	struct ev e;

	ev_init(&e, "depmod", "depmod", "-a", NULL);
	ck_assert_int_eq(eval(def, &e), RULE_MATCH);
}
END_TEST

START_TEST(test_depmod_all_matches_in_any_position)
{
	struct ev e;

	ev_init(&e, "depmod", "/sbin/depmod", "-b", "/tmp/root", "--all", NULL);
	ck_assert_int_eq(eval(def, &e), RULE_MATCH);
}
END_TEST

START_TEST(test_argv0_list_counts_as_an_argument)
{
	struct ev e;

	/* process.args includes argv[0]: KQL sees "list" among the values */
	ev_init(&e, "kmod", "list", NULL);
	ck_assert_int_eq(eval(def, &e), RULE_MATCH);
}
END_TEST

/* ---- look-alikes that do not match ----------------------------------- */

START_TEST(test_kmod_static_nodes_does_not_match)
{
	struct ev e;

	ev_init(&e, "kmod", "kmod", "static-nodes", "--format=tmpfiles", NULL);
	ck_assert_int_eq(eval(def, &e), RULE_NO_MATCH);
}
END_TEST

START_TEST(test_kmod_args_are_case_sensitive)
{
	struct ev e;

	ev_init(&e, "kmod", "kmod", "List", NULL);
	ck_assert_int_eq(eval(def, &e), RULE_NO_MATCH);
}
END_TEST

START_TEST(test_kmod_without_args_does_not_match)
{
	struct ev e;

	ev_init(&e, "kmod", NULL);
	ck_assert_int_eq(eval(def, &e), RULE_NO_MATCH);
}
END_TEST

START_TEST(test_depmod_capital_a_does_not_match)
{
	struct ev e;

	ev_init(&e, "depmod", "depmod", "-A", NULL);
	ck_assert_int_eq(eval(def, &e), RULE_NO_MATCH);
}
END_TEST

START_TEST(test_depmod_combined_flags_do_not_match)
{
	struct ev e;

	ev_init(&e, "depmod", "depmod", "-an", NULL);
	ck_assert_int_eq(eval(def, &e), RULE_NO_MATCH);
}
END_TEST

START_TEST(test_depmod_all_inside_a_longer_arg_does_not_match)
{
	struct ev e;

	ev_init(&e, "depmod", "depmod", "--all-the-things", "x--all", NULL);
	ck_assert_int_eq(eval(def, &e), RULE_NO_MATCH);
}
END_TEST

START_TEST(test_name_prefix_and_case_do_not_match)
{
	struct ev e;

	ev_init(&e, "lsmodx", "lsmodx", NULL);
	ck_assert_int_eq(eval(def, &e), RULE_NO_MATCH);
	ev_init(&e, "lsmo", "lsmo", NULL);
	ck_assert_int_eq(eval(def, &e), RULE_NO_MATCH);
	ev_init(&e, "LSMOD", "LSMOD", NULL);
	ck_assert_int_eq(eval(def, &e), RULE_NO_MATCH);
}
END_TEST

START_TEST(test_name_only_in_argv0_does_not_match)
{
	struct ev e;

	/* process.name is what counts, not what argv[0] claims */
	ev_init(&e, "busybox", "lsmod", NULL);
	ck_assert_int_eq(eval(def, &e), RULE_NO_MATCH);
}
END_TEST

START_TEST(test_name_with_embedded_nul_does_not_match)
{
	static const char bin[] = "lsmod\0evil";
	struct ev e;

	ev_init(&e, "lsmod", "lsmod", NULL);
	e.ex.proc.name = (struct kme_str){ bin, sizeof(bin) - 1 };
	ck_assert_int_eq(eval(def, &e), RULE_NO_MATCH);
}
END_TEST

START_TEST(test_absent_name_does_not_match)
{
	struct ev e;

	ev_init(&e, "lsmod", "lsmod", NULL);
	e.ex.proc.name = KME_STR_NULL;
	ck_assert_int_eq(eval(def, &e), RULE_NO_MATCH);
}
END_TEST

START_TEST(test_failed_exec_never_matches)
{
	struct ev e;

	ev_init(&e, "lsmod", "lsmod", NULL);
	e.ex.success = false;
	ck_assert_int_eq(eval(def, &e), RULE_NO_MATCH);
	ev_init(&e, "kmod", "kmod", "list", NULL);
	e.ex.success = false;
	ck_assert_int_eq(eval(def, &e), RULE_NO_MATCH);
}
END_TEST

START_TEST(test_repeated_match_name_tries_each_entry)
{
	struct kme_config *cfg = parse("match = kmod list\nmatch = kmod show\n");
	struct ev e;

	ev_init(&e, "kmod", "kmod", "show", NULL);
	ck_assert_int_eq(eval(cfg, &e), RULE_MATCH);
	cfg_free(cfg);
}
END_TEST

/* ---- exclusions ------------------------------------------------------- */

static const char *const v211_parent_names[] = {
	"mkinitramfs", "cryptroot", "framebuffer", "dracut", "jem",
	"thin-provisioning-tools", "readykernel", "lvm2", "vz-start", "iscsi",
	"mdadm", "ovalprobes", "bcache", "plymouth", "dkms", "overlayroot",
	"weak-modules", "zfs", "systemd", "whoopsie-upload-all", "kdumpctl",
	"apport-gtk", "casper", "rear", "kernel-install", "newrelic-infra",
};

START_TEST(test_each_v211_parent_name_excludes)
{
	struct rule_result res;
	struct ev e;
	size_t i, n = sizeof(v211_parent_names) / sizeof(v211_parent_names[0]);

	ck_assert_uint_eq(n, 26);
	for (i = 0; i < n; i++) {
		ev_init(&e, "depmod", "depmod", "-a", NULL);
		e.ex.parent.name = S(v211_parent_names[i]);
		rule_eval(def, &e.ex, &res);
		ck_assert_msg(res.verdict == RULE_EXCLUDED, "%s not excluded",
			      v211_parent_names[i]);
		ck_assert_int_eq(res.excl->kind, CFG_EXCL_PARENT_NAME);
		ck_assert_str_eq(res.excl->pattern, v211_parent_names[i]);
	}
}
END_TEST

START_TEST(test_parent_name_is_exact)
{
	struct ev e;

	ev_init(&e, "lsmod", "lsmod", NULL);
	e.ex.parent.name = S("dkms2");
	ck_assert_int_eq(eval(def, &e), RULE_MATCH);
	e.ex.parent.name = S("DKMS");
	ck_assert_int_eq(eval(def, &e), RULE_MATCH);
	e.ex.parent.name = S("dkm");
	ck_assert_int_eq(eval(def, &e), RULE_MATCH);
}
END_TEST

START_TEST(test_comm_prefix_excludes_long_parent_name)
{
	struct ev e;

	ev_init(&e, "lsmod", "lsmod", NULL);
	e.ex.parent.name = S("whoopsie-upload");
	e.ex.parent.name_is_comm = true;
	ck_assert_int_eq(eval(def, &e), RULE_EXCLUDED);
	e.ex.parent.name = S("thin-provisioni");
	ck_assert_int_eq(eval(def, &e), RULE_EXCLUDED);
}
END_TEST

START_TEST(test_comm_prefix_needs_name_is_comm)
{
	struct ev e;

	/* a full name (from the path) that is only the prefix is another name */
	ev_init(&e, "lsmod", "lsmod", NULL);
	e.ex.parent.name = S("whoopsie-upload");
	e.ex.parent.name_is_comm = false;
	ck_assert_int_eq(eval(def, &e), RULE_MATCH);
}
END_TEST

START_TEST(test_comm_prefix_needs_all_15_bytes)
{
	struct ev e;

	ev_init(&e, "lsmod", "lsmod", NULL);
	e.ex.parent.name_is_comm = true;
	e.ex.parent.name = S("whoopsie-upl");
	ck_assert_int_eq(eval(def, &e), RULE_MATCH);
	e.ex.parent.name = S("whoopsie-uploaX");
	ck_assert_int_eq(eval(def, &e), RULE_MATCH);
	/* a short excluded name still needs the whole comm */
	e.ex.parent.name = S("dkms");
	ck_assert_int_eq(eval(def, &e), RULE_EXCLUDED);
	e.ex.parent.name = S("dkmsx");
	ck_assert_int_eq(eval(def, &e), RULE_MATCH);
}
END_TEST

static enum rule_verdict eval_parent_exe(const char *exe)
{
	struct ev e;

	ev_init(&e, "depmod", "depmod", "-a", NULL);
	e.ex.parent.name = S("linux-modules-6");
	e.ex.parent.name_is_comm = true;
	e.ex.parent.executable = S(exe);
	return eval(def, &e);
}

START_TEST(test_dpkg_glob_excludes_modules_scripts)
{
	ck_assert_int_eq(eval_parent_exe(
		"/var/lib/dpkg/info/linux-modules-6.1.0-9-generic.postinst"),
		RULE_EXCLUDED);
	ck_assert_int_eq(eval_parent_exe(
		"/var/lib/dpkg/info/linux-modules-extra-6.1.0-9-generic.postrm"),
		RULE_EXCLUDED);
}
END_TEST

START_TEST(test_glob_star_matches_slash)
{
	ck_assert_int_eq(eval_parent_exe(
		"/var/lib/dpkg/info/linux-modules-x/y-generic.postinst"),
		RULE_EXCLUDED);
}
END_TEST

START_TEST(test_dpkg_glob_does_not_exclude_other_packages)
{
	ck_assert_int_eq(eval_parent_exe(
		"/var/lib/dpkg/info/linux-image-6.1.0-9-generic.postinst"),
		RULE_MATCH);
	ck_assert_int_eq(eval_parent_exe(
		"/var/lib/dpkg/info/linux-modules-6.1.0-9-amd64.postinst"),
		RULE_MATCH);
	ck_assert_int_eq(eval_parent_exe(
		"/tmp/var/lib/dpkg/info/linux-modules-6.1.0-9-generic.postinst"),
		RULE_MATCH);
}
END_TEST

START_TEST(test_glob_never_matches_value_with_nul)
{
	static const char bin[] =
		"/var/lib/dpkg/info/linux-modules-1-generic.postinst\0/x";
	struct ev e;

	ev_init(&e, "depmod", "depmod", "-a", NULL);
	e.ex.parent.executable = (struct kme_str){ bin, sizeof(bin) - 1 };
	ck_assert_int_eq(eval(def, &e), RULE_MATCH);
}
END_TEST

START_TEST(test_absent_parent_is_never_excluded)
{
	struct ev e;

	ev_init(&e, "lsmod", "lsmod", NULL);
	e.ex.parent.name = KME_STR_NULL;
	e.ex.parent.executable = KME_STR_NULL;
	e.ex.parent.pid = -1;
	e.ex.parent_source = KME_PARENT_UNKNOWN;
	ck_assert_int_eq(eval(def, &e), RULE_MATCH);
}
END_TEST

START_TEST(test_exclude_user_by_uid)
{
	struct kme_config *cfg = parse("match = lsmod\nexclude_user = 4242\n");
	struct ev e;

	ev_init(&e, "lsmod", "lsmod", NULL);
	e.ex.uid = 4242;
	ck_assert_int_eq(eval(cfg, &e), RULE_EXCLUDED);
	e.ex.uid = 42420;
	ck_assert_int_eq(eval(cfg, &e), RULE_MATCH);
	e.ex.uid = KME_ID_UNSET;
	ck_assert_int_eq(eval(cfg, &e), RULE_MATCH);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_exclude_user_by_event_user_name)
{
	struct kme_config *cfg = parse("match = lsmod\nexclude_user = nagios\n");
	struct ev e;

	ev_init(&e, "lsmod", "lsmod", NULL);
	e.ex.user_name = S("nagios");
	ck_assert_int_eq(eval(cfg, &e), RULE_EXCLUDED);
	e.ex.user_name = S("nagios2");
	ck_assert_int_eq(eval(cfg, &e), RULE_MATCH);
	cfg_free(cfg);
}
END_TEST

/* The rule itself never asks the user database (NSS could stall the
 * input): without a name on the event (the engine's lookup, engine.h),
 * an exclusion by name does not apply. */
START_TEST(test_exclude_user_by_name_needs_the_name_on_the_event)
{
	struct kme_config *cfg = parse("match = lsmod\nexclude_user = root\n");
	struct ev e;

	ev_init(&e, "lsmod", "lsmod", NULL);
	e.ex.uid = 0;
	ck_assert_int_eq(eval(cfg, &e), RULE_MATCH);
	e.ex.user_name = S("root");
	ck_assert_int_eq(eval(cfg, &e), RULE_EXCLUDED);
	e.ex.user_name = S("alice");
	ck_assert_int_eq(eval(cfg, &e), RULE_MATCH);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_exclude_executable)
{
	struct kme_config *cfg = parse("match = lsmod\n"
				       "exclude_executable = /opt/*/bin/lsmod\n");
	struct ev e;

	ev_init(&e, "lsmod", "lsmod", NULL);
	e.ex.proc.executable = S("/opt/agent/bin/lsmod");
	ck_assert_int_eq(eval(cfg, &e), RULE_EXCLUDED);
	e.ex.proc.executable = S("/opt/a/b/bin/lsmod");
	ck_assert_int_eq(eval(cfg, &e), RULE_EXCLUDED);
	e.ex.proc.executable = S("/usr/sbin/lsmod");
	ck_assert_int_eq(eval(cfg, &e), RULE_MATCH);
	e.ex.proc.executable = KME_STR_NULL;
	ck_assert_int_eq(eval(cfg, &e), RULE_MATCH);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_first_exclusion_in_config_order_wins)
{
	struct kme_config *cfg = parse("match = lsmod\n"
				       "exclude_user = 1000\n"
				       "exclude_parent_name = bash\n");
	struct rule_result res;
	struct ev e;

	ev_init(&e, "lsmod", "lsmod", NULL);
	rule_eval(cfg, &e.ex, &res);
	ck_assert_int_eq(res.verdict, RULE_EXCLUDED);
	ck_assert_ptr_eq(res.excl, &cfg->excls[0]);
	cfg_free(cfg);
}
END_TEST

/* ---- rule_watches_name ---------------------------------------------- */

START_TEST(test_watches_the_configured_names_only)
{
	static const char bin[] = "kmod\0";

	ck_assert(rule_watches_name(def, S("lsmod")));
	ck_assert(rule_watches_name(def, S("kmod")));
	ck_assert(rule_watches_name(def, S("depmod")));
	ck_assert(!rule_watches_name(def, S("lsmo")));
	ck_assert(!rule_watches_name(def, S("bash")));
	ck_assert(!rule_watches_name(def, KME_STR_NULL));
	ck_assert(!rule_watches_name(def, (struct kme_str){ bin, 5 }));
}
END_TEST

/* ---- arguments beyond the stored ones (kme_args.seen) ---------------- */

/* The default config's argument values, as the engine gives them to the
 * exec decoder; e's args say which were seen anywhere in argv. */
struct watched {
	struct kme_argset set;
	bool seen[8];
};

static void watch(struct watched *w, struct ev *e, const char *seen_value)
{
	struct kme_err err;
	size_t i;

	ck_assert_msg(rule_argset_new(def, &w->set, &err) == 0, "%s", err.msg);
	ck_assert_uint_le(w->set.n, 8);
	for (i = 0; i < w->set.n; i++)
		w->seen[i] = seen_value != NULL &&
			     w->set.v[i].len == strlen(seen_value) &&
			     memcmp(w->set.v[i].p, seen_value, w->set.v[i].len) == 0;
	e->ex.proc.args.watched = &w->set;
	e->ex.proc.args.seen = w->seen;
}

START_TEST(test_argset_holds_each_configured_argument_once)
{
	struct kme_config *cfg = parse("match = kmod list\nmatch = depmod --all -a\n"
				       "match = kmod list -a\nmatch = lsmod\n");
	struct kme_argset set;
	struct kme_err err;

	ck_assert_msg(rule_argset_new(cfg, &set, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(set.n, 3);
	ck_assert_mem_eq(set.v[0].p, "list", 4);
	ck_assert_mem_eq(set.v[1].p, "--all", 5);
	ck_assert_mem_eq(set.v[2].p, "-a", 2);
	rule_argset_free(&set);
	ck_assert_uint_eq(set.n, 0);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_argument_seen_beyond_the_stored_ones_matches)
{
	struct watched w;
	struct rule_result res;
	struct ev e;
	char buf[256];

	/* kmod x x ... list: 270002 arguments, "x"s stored, "list" not. */
	ev_init(&e, "kmod", "kmod", "x", "x", NULL);
	e.ex.proc.args.truncated = true;
	e.ex.proc.args.argc = 270002;
	ck_assert_int_eq(eval(def, &e), RULE_NO_MATCH); /* what was stored */
	watch(&w, &e, "list");
	rule_eval(def, &e.ex, &res);
	ck_assert_int_eq(res.verdict, RULE_MATCH);
	ck_assert_str_eq(res.arg, "list");
	ck_assert(res.arg_unstored);
	rule_describe(&res, buf, sizeof(buf));
	ck_assert_msg(strstr(buf, "; 'list' is beyond the 3 stored arguments "
			     "(argc 270002)") != NULL, "%s", buf);
	rule_argset_free(&w.set);
}
END_TEST

START_TEST(test_argument_watched_and_not_seen_does_not_match)
{
	struct watched w;
	struct ev e;

	ev_init(&e, "depmod", "depmod", "-A", NULL);
	watch(&w, &e, NULL);
	ck_assert_int_eq(eval(def, &e), RULE_NO_MATCH);
	rule_argset_free(&w.set);
}
END_TEST

START_TEST(test_stored_argument_matches_and_is_not_called_unstored)
{
	struct watched w;
	struct rule_result res;
	struct ev e;

	ev_init(&e, "depmod", "depmod", "-a", NULL);
	watch(&w, &e, "-a");
	rule_eval(def, &e.ex, &res);
	ck_assert_int_eq(res.verdict, RULE_MATCH);
	ck_assert(!res.arg_unstored);
	rule_argset_free(&w.set);
}
END_TEST

/* ---- rule_describe -------------------------------------------------- */

START_TEST(test_describe_match)
{
	struct rule_result res;
	struct ev e;
	char buf[256], want[256];

	ev_init(&e, "lsmod", "lsmod", NULL);
	rule_eval(def, &e.ex, &res);
	snprintf(want, sizeof(want), "match 'lsmod' (<built-in>:%d)",
		 res.match->origin.line);
	ck_assert_str_eq(rule_describe(&res, buf, sizeof(buf)), want);

	ev_init(&e, "depmod", "depmod", "-a", NULL);
	rule_eval(def, &e.ex, &res);
	snprintf(want, sizeof(want), "match 'depmod --all -a' (<built-in>:%d)",
		 res.match->origin.line);
	ck_assert_str_eq(rule_describe(&res, buf, sizeof(buf)), want);
}
END_TEST

START_TEST(test_describe_exclusion_names_key_pattern_and_place)
{
	struct kme_config *cfg = parse("match = lsmod\n\n"
				       "exclude_parent_name = cron dkms\n");
	struct rule_result res;
	struct ev e;
	char buf[256];

	ev_init(&e, "lsmod", "lsmod", NULL);
	e.ex.parent.name = S("dkms");
	rule_eval(cfg, &e.ex, &res);
	ck_assert_str_eq(rule_describe(&res, buf, sizeof(buf)),
			 "excluded by exclude_parent_name 'dkms' "
			 "(/etc/audit/audisp-kmod-enum.conf:3)");
	cfg_free(cfg);
}
END_TEST

START_TEST(test_describe_no_match)
{
	struct rule_result res;
	struct ev e;
	char buf[64];

	ev_init(&e, "bash", "bash", NULL);
	rule_eval(def, &e.ex, &res);
	ck_assert_str_eq(rule_describe(&res, buf, sizeof(buf)), "no match");
}
END_TEST

START_TEST(test_describe_truncates_to_the_buffer)
{
	struct rule_result res;
	struct ev e;
	char buf[16];

	memset(buf, 'Z', sizeof(buf));
	ev_init(&e, "depmod", "depmod", "--all", NULL);
	rule_eval(def, &e.ex, &res);
	ck_assert_str_eq(rule_describe(&res, buf, 10), "match 'de");
	ck_assert_int_eq(buf[10], 'Z');
	ck_assert_str_eq(rule_describe(&res, buf, 1), "");
	buf[0] = 'Z';
	rule_describe(&res, buf, 0);
	ck_assert_int_eq(buf[0], 'Z');
}
END_TEST

/* What the decision rested on, for the --explain cases of issue 9. */
START_TEST(test_describe_says_the_executable_is_the_resolved_exe)
{
	struct rule_result res;
	struct ev e;
	char buf[512];

	ev_init(&e, "lsmod", "./lsmod", NULL);
	e.ex.proc.executable = S("/usr/bin/kmod");
	e.ex.proc.exe_resolved = true;
	rule_eval(def, &e.ex, &res);
	rule_describe(&res, buf, sizeof(buf));
	ck_assert_msg(strstr(buf, "; process.executable is the resolved exe") != NULL,
		      "%s", buf);
}
END_TEST

START_TEST(test_describe_says_paths_with_dotdot_are_kept)
{
	struct rule_result res;
	struct ev e;
	char buf[512];

	ev_init(&e, "lsmod", "lsmod", NULL);
	e.ex.parent.name = S("linux-modules-9-generic.postinst");
	e.ex.parent.executable = S("/tmp/d/t/s/../../../../../var/lib/dpkg/info/"
				   "linux-modules-9-generic.postinst");
	rule_eval(def, &e.ex, &res);
	ck_assert_int_eq(res.verdict, RULE_MATCH);
	rule_describe(&res, buf, sizeof(buf));
	ck_assert_msg(strstr(buf, "'..' is not collapsed") != NULL, "%s", buf);
	/* ".." inside a name is not a component. */
	e.ex.parent.executable = S("/opt/a..b/x");
	rule_eval(def, &e.ex, &res);
	ck_assert(!res.dots);
}
END_TEST

START_TEST(test_describe_says_how_the_parent_was_decided)
{
	struct rule_result res;
	struct ev e;
	char buf[512];

	ev_init(&e, "lsmod", "lsmod", NULL);
	e.ex.parent.pid = 7871;
	e.ex.parent_note = KME_PNOTE_FORK_REUSED;
	e.ex.parent_creator = 7870;
	rule_eval(def, &e.ex, &res);
	rule_describe(&res, buf, sizeof(buf));
	ck_assert_msg(strstr(buf, "; parent pid 7871 is a fork of pid 7870") != NULL,
		      "%s", buf);
	ck_assert_msg(strstr(buf, "stale") != NULL, "%s", buf);
	e.ex.parent_note = KME_PNOTE_UNSEEN;
	rule_eval(def, &e.ex, &res);
	rule_describe(&res, buf, sizeof(buf));
	ck_assert_msg(strstr(buf, "fork records would name it") != NULL, "%s", buf);
}
END_TEST


/* ---- v215 exclusions, event_action (issue 12) ---------------------------- */

static const struct kme_str parent_argv_dpkg[] = {
	{ "/bin/sh", 7 }, { "/var/lib/dpkg/info/x.postinst", 29 },
	{ "configure", 9 },
};

START_TEST(test_parent_args_glob_excludes_on_any_element)
{
	struct kme_config *cfg = parse(
		"match = lsmod\nexclude_parent_args = /var/lib/dpkg/info/*\n");
	struct ev e;

	ev_init(&e, "lsmod", "lsmod", NULL);
	e.ex.parent.args = (struct kme_args){ .v = parent_argv_dpkg, .n = 3 };
	ck_assert_int_eq(eval(cfg, &e), RULE_EXCLUDED);
	/* KQL wildcard: '*' crosses '/' */
	e.ex.parent.args.v = (const struct kme_str[]){
		S("sh"), S("/var/lib/dpkg/info/a/b/c") };
	e.ex.parent.args.n = 2;
	ck_assert_int_eq(eval(cfg, &e), RULE_EXCLUDED);
	e.ex.parent.args.v = (const struct kme_str[]){
		S("sh"), S("/var/lib/dpkg/inf") };
	ck_assert_int_eq(eval(cfg, &e), RULE_MATCH);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_parent_args_exact_value_is_exact)
{
	struct kme_config *cfg = parse(
		"match = lsmod\nexclude_parent_args = longhorn-manager\n");
	struct ev e;

	ev_init(&e, "lsmod", "lsmod", NULL);
	e.ex.parent.args.v = (const struct kme_str[]){
		S("longhorn-manager"), S("daemon") };
	e.ex.parent.args.n = 2;
	ck_assert_int_eq(eval(cfg, &e), RULE_EXCLUDED);
	e.ex.parent.args.v = (const struct kme_str[]){
		S("/usr/local/bin/longhorn-manager"), S("daemon") };
	ck_assert_int_eq(eval(cfg, &e), RULE_MATCH);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_unknown_parent_args_never_exclude)
{
	struct kme_config *cfg = parse(
		"match = lsmod\nexclude_parent_args = *\n");
	struct ev e;

	ev_init(&e, "lsmod", "lsmod", NULL);
	e.ex.parent = (struct kme_proc){ .pid = 4000 };
	ck_assert_int_eq(eval(cfg, &e), RULE_MATCH);
	/* a NUL byte inside an argument: never judged on its prefix */
	e.ex.parent.args.v = (const struct kme_str[]){ { "a\0b", 3 } };
	e.ex.parent.args.n = 1;
	cfg_free(cfg);
	cfg = parse("match = lsmod\nexclude_parent_args = a\n");
	ck_assert_int_eq(eval(cfg, &e), RULE_MATCH);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_entry_leader_executable_excludes_a_known_leader_only)
{
	struct kme_config *cfg = parse("match = lsmod\n"
		"exclude_entry_leader_executable = /usr/libexec/gnome-terminal-server\n");
	struct ev e;

	ev_init(&e, "lsmod", "lsmod", NULL);
	e.ex.entry_leader.proc.pid = 1500;
	e.ex.entry_leader.proc.executable = S("/usr/libexec/gnome-terminal-server");
	ck_assert_int_eq(eval(cfg, &e), RULE_EXCLUDED);
	/* unknown (pid -1) never excludes, whatever the strings say */
	e.ex.entry_leader.proc.pid = -1;
	ck_assert_int_eq(eval(cfg, &e), RULE_MATCH);
	e.ex.entry_leader.proc.pid = 1500;
	e.ex.entry_leader.proc.executable = S("/usr/bin/sshd");
	ck_assert_int_eq(eval(cfg, &e), RULE_MATCH);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_event_action_without_exec_matches_nothing)
{
	struct kme_config *cfg = parse("match = lsmod\nevent_action = exec_event\n");
	struct ev e;

	ev_init(&e, "lsmod", "lsmod", NULL);
	ck_assert_int_eq(eval(cfg, &e), RULE_NO_MATCH);
	cfg_free(cfg);
	cfg = parse("match = lsmod\nevent_action = exec\n");
	ck_assert_int_eq(eval(cfg, &e), RULE_MATCH);
	cfg_free(cfg);
}
END_TEST

/* ---- the hardened match (match_multicall) --------------------------------- */

static struct kme_config *hardened(void)
{
	return parse("match = lsmod\nmatch = modinfo\nmatch = kmod list\n"
		     "match = depmod --all -a\n"
		     "exclude_parent_name = dkms\n"
		     "match_multicall = yes\n");
}

/* An exec of the resolved binary exe, as process.name `name`, with argv. */
static void mc_init(struct ev *e, const char *exe, const char *name,
		    const char *a0, const char *a1)
{
	ev_init(e, name, a0, a1, NULL);
	e->ex.exe = S(exe);
}

static enum rule_verdict mc_eval(const struct kme_config *cfg, struct ev *e,
				 const char *want_tool)
{
	struct rule_result res;

	rule_eval(cfg, &e->ex, &res);
	if (res.verdict != RULE_NO_MATCH && want_tool != NULL) {
		ck_assert(res.multicall);
		ck_assert_uint_eq(res.tool.len, strlen(want_tool));
		ck_assert(memcmp(res.tool.p, want_tool, res.tool.len) == 0);
	}
	return res.verdict;
}

START_TEST(test_multicall_kmod_run_as_lsmod_matches)
{
	struct kme_config *cfg = hardened();
	struct ev e;

	/* exec -a lsmod /usr/bin/kmod: process.name kmod, argv [lsmod] */
	mc_init(&e, "/usr/bin/kmod", "kmod", "lsmod", NULL);
	ck_assert_int_eq(eval(def, &e), RULE_NO_MATCH);  /* v211 misses it */
	ck_assert_int_eq(mc_eval(cfg, &e, "lsmod"), RULE_MATCH);
	/* a name no match line watches: only the resolved binary is */
	e.ex.proc.name = S("x");
	ck_assert(rule_watches(cfg, &e.ex));
	ck_assert(!rule_watches(def, &e.ex));
	cfg_free(cfg);
}
END_TEST

START_TEST(test_multicall_renamed_link_run_as_kmod_list_matches)
{
	struct kme_config *cfg = hardened();
	struct ev e;

	/* a symlink /tmp/x -> kmod, run as `kmod list` (exec -a kmod /tmp/x list) */
	mc_init(&e, "/usr/bin/kmod", "x", "kmod", "list");
	ck_assert_int_eq(eval(def, &e), RULE_NO_MATCH);
	ck_assert_int_eq(mc_eval(cfg, &e, "kmod"), RULE_MATCH);
	/* the same link run as /tmp/x/../modinfo-ish path names: basename */
	mc_init(&e, "/usr/bin/kmod", "x", "/some/dir/modinfo", "ext4");
	ck_assert_int_eq(mc_eval(cfg, &e, "modinfo"), RULE_MATCH);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_multicall_kmod_under_another_name_does_nothing)
{
	struct kme_config *cfg = hardened();
	struct rule_result res;
	struct ev e;

	/* exec -a x /usr/bin/kmod list: kmod 30 says "x is not a kmod
	 * command" (exit 254) and lists nothing; v211's plain match alerts
	 * anyway (process.name kmod, an argument 'list'), and so does every
	 * profile: the multicall branch is not what decides. */
	mc_init(&e, "/usr/bin/kmod", "kmod", "x", "list");
	rule_eval(cfg, &e.ex, &res);
	ck_assert_int_eq(res.verdict, RULE_MATCH);
	ck_assert(!res.multicall);
	/* the same through a link named y: nothing runs, nothing matches */
	mc_init(&e, "/usr/bin/kmod", "y", "x", "list");
	ck_assert_int_eq(mc_eval(cfg, &e, NULL), RULE_NO_MATCH);
	/* kmod static-nodes; depmod -A through kmod */
	mc_init(&e, "/usr/bin/kmod", "kmod", "kmod", "static-nodes");
	ck_assert_int_eq(mc_eval(cfg, &e, NULL), RULE_NO_MATCH);
	mc_init(&e, "/usr/bin/kmod", "depmod", "depmod", "-A");
	ck_assert_int_eq(mc_eval(cfg, &e, NULL), RULE_NO_MATCH);
	mc_init(&e, "/usr/bin/kmod", "kmod", "depmod", "-a");
	ck_assert_int_eq(mc_eval(cfg, &e, "depmod"), RULE_MATCH);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_multicall_busybox_applets)
{
	struct kme_config *cfg = hardened();
	struct ev e;

	mc_init(&e, "/usr/bin/busybox", "busybox", "busybox", "lsmod");
	ck_assert_int_eq(eval(def, &e), RULE_NO_MATCH);
	ck_assert_int_eq(mc_eval(cfg, &e, "lsmod"), RULE_MATCH);
	mc_init(&e, "/usr/bin/busybox", "busybox", "busybox", "modinfo");
	ck_assert_int_eq(mc_eval(cfg, &e, "modinfo"), RULE_MATCH);
	mc_init(&e, "/bin/busybox", "x", "-lsmod", NULL);
	ck_assert_int_eq(mc_eval(cfg, &e, "lsmod"), RULE_MATCH);
	mc_init(&e, "/usr/bin/busybox", "busybox", "busybox", "ls");
	ck_assert_int_eq(mc_eval(cfg, &e, NULL), RULE_NO_MATCH);
	mc_init(&e, "/usr/bin/busybox", "busybox", "busybox", NULL);
	ck_assert_int_eq(mc_eval(cfg, &e, NULL), RULE_NO_MATCH);
	/* kmod's style is not busybox's: no '-' stripping, no applet shift */
	mc_init(&e, "/usr/bin/kmod", "kmod", "-lsmod", NULL);
	ck_assert_int_eq(mc_eval(cfg, &e, NULL), RULE_NO_MATCH);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_multicall_keeps_the_exclusions_and_needs_the_switch)
{
	struct kme_config *cfg = hardened();
	struct ev e;

	mc_init(&e, "/usr/bin/kmod", "kmod", "lsmod", NULL);
	e.ex.parent.name = S("dkms");
	ck_assert_int_eq(mc_eval(cfg, &e, "lsmod"), RULE_EXCLUDED);
	e.ex.parent.name = S("bash");
	/* another binary, or the switch off: nothing */
	e.ex.exe = S("/tmp/kmod");
	e.ex.proc.name = S("x");
	ck_assert_int_eq(mc_eval(cfg, &e, NULL), RULE_NO_MATCH);
	ck_assert(!rule_watches(cfg, &e.ex));
	e.ex.exe = S("/usr/bin/kmod");
	ck_assert_int_eq(mc_eval(def, &e, NULL), RULE_NO_MATCH);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_describe_says_the_run_under_name_and_behaviour)
{
	struct kme_config *cfg = hardened();
	struct rule_result res;
	struct ev e;
	char buf[512];

	mc_init(&e, "/usr/bin/kmod", "kmod", "ls\nmod", NULL);
	e.argv[0] = S("lsmod");
	rule_eval(cfg, &e.ex, &res);
	ck_assert_int_eq(res.verdict, RULE_MATCH);
	ck_assert_str_eq(rule_describe(&res, buf, sizeof(buf)),
		"match 'lsmod' (/etc/audit/audisp-kmod-enum.conf:1); multicall "
		"binary /usr/bin/kmod run as 'lsmod' does what 'lsmod' does");
	cfg_free(cfg);
}
END_TEST

static Suite *rule_suite(void)
{
	Suite *s = suite_create("rule");
	TCase *tc;

	tc = tcase_create("match");
	tcase_add_checked_fixture(tc, def_setup, def_teardown);
	tcase_add_test(tc, test_lsmod_matches);
	tcase_add_test(tc, test_modinfo_matches_with_any_args);
	tcase_add_test(tc, test_kmod_list_matches);
	tcase_add_test(tc, test_depmod_dash_a_matches);
	tcase_add_test(tc, test_depmod_all_matches_in_any_position);
	tcase_add_test(tc, test_argv0_list_counts_as_an_argument);
	tcase_add_test(tc, test_kmod_static_nodes_does_not_match);
	tcase_add_test(tc, test_kmod_args_are_case_sensitive);
	tcase_add_test(tc, test_kmod_without_args_does_not_match);
	tcase_add_test(tc, test_depmod_capital_a_does_not_match);
	tcase_add_test(tc, test_depmod_combined_flags_do_not_match);
	tcase_add_test(tc, test_depmod_all_inside_a_longer_arg_does_not_match);
	tcase_add_test(tc, test_name_prefix_and_case_do_not_match);
	tcase_add_test(tc, test_name_only_in_argv0_does_not_match);
	tcase_add_test(tc, test_name_with_embedded_nul_does_not_match);
	tcase_add_test(tc, test_absent_name_does_not_match);
	tcase_add_test(tc, test_failed_exec_never_matches);
	tcase_add_test(tc, test_repeated_match_name_tries_each_entry);
	tcase_add_test(tc, test_watches_the_configured_names_only);
	tcase_add_test(tc, test_argset_holds_each_configured_argument_once);
	tcase_add_test(tc, test_argument_seen_beyond_the_stored_ones_matches);
	tcase_add_test(tc, test_argument_watched_and_not_seen_does_not_match);
	tcase_add_test(tc, test_stored_argument_matches_and_is_not_called_unstored);
	suite_add_tcase(s, tc);

	tc = tcase_create("exclusions");
	tcase_add_checked_fixture(tc, def_setup, def_teardown);
	tcase_add_test(tc, test_each_v211_parent_name_excludes);
	tcase_add_test(tc, test_parent_name_is_exact);
	tcase_add_test(tc, test_comm_prefix_excludes_long_parent_name);
	tcase_add_test(tc, test_comm_prefix_needs_name_is_comm);
	tcase_add_test(tc, test_comm_prefix_needs_all_15_bytes);
	tcase_add_test(tc, test_dpkg_glob_excludes_modules_scripts);
	tcase_add_test(tc, test_glob_star_matches_slash);
	tcase_add_test(tc, test_dpkg_glob_does_not_exclude_other_packages);
	tcase_add_test(tc, test_glob_never_matches_value_with_nul);
	tcase_add_test(tc, test_absent_parent_is_never_excluded);
	tcase_add_test(tc, test_exclude_user_by_uid);
	tcase_add_test(tc, test_exclude_user_by_event_user_name);
	tcase_add_test(tc, test_exclude_user_by_name_needs_the_name_on_the_event);
	tcase_add_test(tc, test_exclude_executable);
	tcase_add_test(tc, test_first_exclusion_in_config_order_wins);
	suite_add_tcase(s, tc);

	tc = tcase_create("describe");
	tcase_add_checked_fixture(tc, def_setup, def_teardown);
	tcase_add_test(tc, test_describe_match);
	tcase_add_test(tc, test_describe_exclusion_names_key_pattern_and_place);
	tcase_add_test(tc, test_describe_no_match);
	tcase_add_test(tc, test_describe_truncates_to_the_buffer);
	tcase_add_test(tc, test_describe_says_the_executable_is_the_resolved_exe);
	tcase_add_test(tc, test_describe_says_paths_with_dotdot_are_kept);
	tcase_add_test(tc, test_describe_says_how_the_parent_was_decided);
	suite_add_tcase(s, tc);

	tc = tcase_create("profiles");
	tcase_add_checked_fixture(tc, def_setup, def_teardown);
	tcase_add_test(tc, test_parent_args_glob_excludes_on_any_element);
	tcase_add_test(tc, test_parent_args_exact_value_is_exact);
	tcase_add_test(tc, test_unknown_parent_args_never_exclude);
	tcase_add_test(tc, test_entry_leader_executable_excludes_a_known_leader_only);
	tcase_add_test(tc, test_event_action_without_exec_matches_nothing);
	tcase_add_test(tc, test_multicall_kmod_run_as_lsmod_matches);
	tcase_add_test(tc, test_multicall_renamed_link_run_as_kmod_list_matches);
	tcase_add_test(tc, test_multicall_kmod_under_another_name_does_nothing);
	tcase_add_test(tc, test_multicall_busybox_applets);
	tcase_add_test(tc, test_multicall_keeps_the_exclusions_and_needs_the_switch);
	tcase_add_test(tc, test_describe_says_the_run_under_name_and_behaviour);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run(rule_suite());
}
