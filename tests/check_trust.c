/* check_trust.c - exclusions that prove themselves: the executable's own
 * name, a trusted directory, and (live) a chain of root's objects nobody
 * else may write, links followed; remembered per (pid, path). */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfgtest.h"
#include "checkrun.h"
#include "trust.h"

static struct kme_config *cfg;
static struct tu_checker *tc;
static char why[TU_WHY_MAX];

static struct kme_str S(const char *s)
{
	return (struct kme_str){ s, strlen(s) };
}

static void setup(void)
{
	struct kme_err err;

	cfg = parse_ok("match = lsmod\ntrusted_exclusions = yes\n");
	tc = tu_new("/proc", &err);
	ck_assert_ptr_nonnull(tc);
}

static void teardown(void)
{
	tu_free(tc);
	cfg_free(cfg);
}

/* Does executable exe (of this process, from the audit stream) prove a
 * name exclusion of `name` (NULL: an executable one)? checker: tc, or
 * NULL for checks 1-3 only. */
static int prove(struct tu_checker *checker, const char *exe, const char *name)
{
	struct kme_proc p = { .pid = getpid(), .executable = S(exe) };
	struct tu_subject s = { &p, KME_PARENT_AUDIT, true };

	why[0] = '\0';
	return tu_prove(checker, cfg, &s, name, why, sizeof(why));
}

START_TEST(test_a_name_proves_only_as_the_files_own_name)
{
	ck_assert_int_eq(prove(NULL, "/usr/sbin/dkms", "dkms"), 0);
	ck_assert_int_eq(prove(NULL, "/usr/bin/dash", "dkms"), -1);
	ck_assert_str_eq(why, "its executable /usr/bin/dash is not a file named "
			 "'dkms' (the name comes from argv[0], a link or a comm)");
	/* a comm cut to 15 bytes proves nothing: the file's whole name does */
	ck_assert_int_eq(prove(NULL, "/usr/bin/whoopsie-upload", "whoopsie-upload-all"), -1);
	ck_assert_int_eq(prove(NULL, "/usr/bin/whoopsie-upload-all", "whoopsie-upload-all"), 0);
}
END_TEST

START_TEST(test_a_path_outside_the_trusted_dirs_is_refused)
{
	ck_assert_int_eq(prove(NULL, "/tmp/x/dkms", "dkms"), -1);
	ck_assert_str_eq(why, "/tmp/x/dkms is not in a trusted_dir");
	/* directories are compared component by component */
	ck_assert_int_eq(prove(NULL, "/usr/libfoo/dkms", "dkms"), -1);
	ck_assert_int_eq(prove(NULL, "/usr/lib/x/y/dkms", "dkms"), 0);
	ck_assert_int_eq(prove(NULL, "/var/lib/dpkg/info/linux-modules-9-generic.postinst", NULL), 0);
	ck_assert_int_eq(prove(NULL, "/var/lib/dpkg/infox/dkms", "dkms"), -1);
	/* a directory itself is no file in it */
	ck_assert_int_eq(prove(NULL, "/usr/lib", "lib"), -1);
}
END_TEST

START_TEST(test_dots_empty_components_and_relative_paths_never_prove)
{
	static const char *const bad[] = {
		"/usr/lib/../../tmp/x/dkms", "/usr/lib/./dkms", "/usr//lib/dkms",
		"usr/lib/dkms", "/usr/lib/dkms/", "/usr/lib/..", "/",
	};
	static const char nul[] = "/usr/lib/dkms\0/tmp";
	struct kme_proc p = { .pid = 1, .executable = { nul, sizeof(nul) - 1 } };
	struct tu_subject s = { &p, KME_PARENT_AUDIT, true };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(prove(NULL, bad[i], NULL) == -1, "%s proved", bad[i]);
		ck_assert_ptr_nonnull(strstr(why, "is not a plain absolute path"));
	}
	ck_assert_int_eq(tu_prove(NULL, cfg, &s, NULL, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "'/usr/lib/dkms?/tmp' is not a plain absolute path "
			 "(relative, '.', '..' or empty components)");
}
END_TEST

START_TEST(test_an_unknown_executable_never_proves)
{
	struct kme_proc p = { .pid = -1 };
	struct tu_subject s = { &p, KME_PARENT_UNKNOWN, true };

	ck_assert_int_eq(tu_prove(tc, cfg, &s, "dkms", why, sizeof(why)), -1);
	ck_assert_str_eq(why, "its executable is not known");
}
END_TEST

START_TEST(test_trusted_dir_is_configuration)
{
	cfg_free(cfg);
	cfg = parse_ok("match = lsmod\ntrusted_dir = /opt/vendor /\n");
	ck_assert_int_eq(prove(NULL, "/opt/vendor/bin/dkms", "dkms"), 0);
	ck_assert_int_eq(prove(NULL, "/tmp/dkms", "dkms"), 0); /* "/" trusts all */
	cfg_free(cfg);
	cfg = parse_ok("match = lsmod\ntrusted_dir = /opt/vendor\n");
	ck_assert_int_eq(prove(NULL, "/usr/bin/dkms", "dkms"), -1);
}
END_TEST

START_TEST(test_another_hosts_process_is_judged_by_its_path_alone)
{
	struct kme_proc p = { .pid = 1, .executable = S("/usr/lib/no-such-dir/dkms") };
	struct tu_subject s = { &p, KME_PARENT_AUDIT, false };
	struct tu_stats st;

	ck_assert_int_eq(tu_prove(tc, cfg, &s, "dkms", why, sizeof(why)), 0);
	tu_stats(tc, &st);
	ck_assert_uint_eq(st.walks, 0);
	/* ... as is every process in a replay (no /proc) */
	s.local = true;
	ck_assert_int_eq(prove(NULL, "/usr/lib/no-such-dir/dkms", "dkms"), 0);
}
END_TEST

START_TEST(test_live_a_root_chain_proves_links_followed)
{
	struct tu_stats st;

	/* /usr/bin/sh -> dash; on a merged-/usr system /bin -> usr/bin too */
	ck_assert_msg(prove(tc, "/usr/bin/sh", "sh") == 0, "%s", why);
	ck_assert_msg(prove(tc, "/bin/sh", "sh") == 0, "%s", why);
	tu_stats(tc, &st);
	ck_assert_uint_eq(st.walks, 2);
	ck_assert_uint_eq(st.refused, 0);
}
END_TEST

START_TEST(test_live_a_missing_file_or_a_world_writable_dir_is_refused)
{
	char dir[] = "/tmp/kme-check-trust.XXXXXX", path[PATH_MAX];

	ck_assert_int_eq(prove(tc, "/usr/lib/kme-no-such-dir/dkms", "dkms"), -1);
	ck_assert_str_eq(why, "/usr/lib/kme-no-such-dir: No such file or directory");
	/* /tmp (1777) on the way: whoever may write there may swap the file */
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/dkms", dir);
	cfg_free(cfg);
	cfg = parse_ok("match = lsmod\ntrusted_dir = /tmp\n");
	ck_assert_int_eq(prove(tc, path, "dkms"), -1);
	ck_assert_str_eq(why, "/tmp is writable by group or others (mode 1777)");
	rmdir(dir);
}
END_TEST

START_TEST(test_live_a_cmdline_path_needs_the_exe_link_to_confirm_it)
{
	struct kme_proc p = { .pid = getpid(), .executable = S("/usr/bin/dash") };
	struct tu_subject s = { &p, KME_PARENT_PROCFS, true };

	/* this process runs the suite, not dash: an argv[0] proves nothing */
	ck_assert_int_eq(tu_prove(tc, cfg, &s, "dash", why, sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "known from /proc by its cmdline, which "
				     "its exe link ("));
	/* the exe link itself (exe_resolved) needs no confirmation */
	p.exe_resolved = true;
	ck_assert_msg(tu_prove(tc, cfg, &s, "dash", why, sizeof(why)) == 0, "%s", why);
}
END_TEST

START_TEST(test_walks_are_remembered_per_pid_and_path_and_bounded)
{
	struct kme_proc p = { .executable = S("/usr/bin/sh") };
	struct tu_subject s = { &p, KME_PARENT_AUDIT, true };
	struct tu_stats st;
	int i;

	for (i = 0; i < 3; i++) {
		p.pid = 100;
		ck_assert_int_eq(tu_prove(tc, cfg, &s, "sh", why, sizeof(why)), 0);
	}
	tu_stats(tc, &st);
	ck_assert_uint_eq(st.walks, 1);
	ck_assert_uint_eq(st.hits, 2);
	for (i = 0; i < TU_CACHE + 10; i++) {
		p.pid = 1000 + i;
		ck_assert_int_eq(tu_prove(tc, cfg, &s, "sh", why, sizeof(why)), 0);
	}
	tu_stats(tc, &st);
	ck_assert_uint_eq(st.cached, TU_CACHE);
	ck_assert_uint_eq(st.evictions, 11);
	ck_assert_uint_eq(st.walks, TU_CACHE + 11);
}
END_TEST

START_TEST(test_an_argument_proves_as_a_path)
{
	struct kme_proc p = { .pid = getpid(), .executable = S("/usr/bin/sh") };
	struct tu_subject s = { &p, KME_PARENT_AUDIT, true };

	ck_assert_int_eq(tu_prove_arg(NULL, cfg, &s, S("/var/lib/dpkg/info/x.postinst"),
				      why, sizeof(why)), 0);
	ck_assert_int_eq(tu_prove_arg(NULL, cfg, &s, S("longhorn-manager"), why,
				      sizeof(why)), -1);
	ck_assert_int_eq(tu_prove_arg(NULL, cfg, &s, S("/var/tmp/rpm-tmp.1"), why,
				      sizeof(why)), -1);
	/* live, it must exist */
	ck_assert_int_eq(tu_prove_arg(tc, cfg, &s, S("/var/lib/dpkg/info/kme-no-such.postinst"),
				      why, sizeof(why)), -1);
	ck_assert_str_eq(why, "/var/lib/dpkg/info/kme-no-such.postinst: No such "
			 "file or directory");
}
END_TEST

/* ---- as root: objects of other owners ------------------------------------ */

static char rdir[64];

static void root_setup(void)
{
	setup();
	snprintf(rdir, sizeof(rdir), "/run/kme-check-trust.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(rdir));
	ck_assert_int_eq(chmod(rdir, 0755), 0);
	cfg_free(cfg);
	cfg = parse_ok("match = lsmod\ntrusted_dir = /run /tmp\n");
}

static void root_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", rdir);
	ck_assert_int_eq(system(cmd), 0);
	teardown();
}

/* rdir/name, made by `sh -c CMD` with $F its path. */
static const char *make(const char *name, const char *cmd)
{
	static char path[128];
	char sh[512];

	snprintf(path, sizeof(path), "%s/%s", rdir, name);
	snprintf(sh, sizeof(sh), "F='%s'; %s", path, cmd);
	ck_assert_int_eq(system(sh), 0);
	return path;
}

START_TEST(test_root_a_file_of_another_owner_is_refused)
{
	const char *f = make("dkms", "cp /bin/true \"$F\" && chown 65534 \"$F\"");
	char want[256];

	ck_assert_int_eq(prove(tc, f, "dkms"), -1);
	snprintf(want, sizeof(want), "%s is owned by uid 65534, not root", f);
	ck_assert_str_eq(why, want);
	f = make("ok", "cp /bin/true \"$F\" && chmod 0755 \"$F\"");
	ck_assert_msg(prove(tc, f, "ok") == 0, "%s", why);
	f = make("gw", "cp /bin/true \"$F\" && chmod 0775 \"$F\"");
	ck_assert_int_eq(prove(tc, f, "gw"), -1);
	ck_assert_ptr_nonnull(strstr(why, "writable by group or others (mode 0775)"));
}
END_TEST

START_TEST(test_root_a_link_is_checked_for_its_owner_and_then_its_target)
{
	const char *f = make("dracut", "ln -s /bin/sh \"$F\" && chown -h 65534 \"$F\"");
	char want[256];

	/* a user's link named dracut to a root's shell, in a root's directory */
	ck_assert_int_eq(prove(tc, f, "dracut"), -1);
	snprintf(want, sizeof(want), "%s is owned by uid 65534, not root", f);
	ck_assert_str_eq(why, want);
	/* root's link: its target's way is walked too */
	f = make("sh-link", "ln -s ../../bin/sh \"$F\"");
	ck_assert_msg(prove(tc, f, "sh-link") == 0, "%s", why);
	f = make("to-tmp", "touch /tmp/kme-check-trust-target && ln -s "
		 "/tmp/kme-check-trust-target \"$F\"");
	ck_assert_int_eq(prove(tc, f, "to-tmp"), -1);
	ck_assert_str_eq(why, "/tmp is writable by group or others (mode 1777)");
	unlink("/tmp/kme-check-trust-target");
	f = make("loop", "ln -s loop \"$F\"");
	ck_assert_int_eq(prove(tc, f, "loop"), -1);
	ck_assert_str_eq(why, "more than 40 symbolic links");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("trust");
	TCase *tc1 = tcase_create("paths");
	TCase *tc2 = tcase_create("live");
	TCase *tc3;

	tcase_add_checked_fixture(tc1, setup, teardown);
	tcase_add_test(tc1, test_a_name_proves_only_as_the_files_own_name);
	tcase_add_test(tc1, test_a_path_outside_the_trusted_dirs_is_refused);
	tcase_add_test(tc1, test_dots_empty_components_and_relative_paths_never_prove);
	tcase_add_test(tc1, test_an_unknown_executable_never_proves);
	tcase_add_test(tc1, test_trusted_dir_is_configuration);
	tcase_add_test(tc1, test_another_hosts_process_is_judged_by_its_path_alone);
	tcase_add_test(tc1, test_an_argument_proves_as_a_path);
	suite_add_tcase(s, tc1);
	tcase_add_checked_fixture(tc2, setup, teardown);
	tcase_add_test(tc2, test_live_a_root_chain_proves_links_followed);
	tcase_add_test(tc2, test_live_a_missing_file_or_a_world_writable_dir_is_refused);
	tcase_add_test(tc2, test_live_a_cmdline_path_needs_the_exe_link_to_confirm_it);
	tcase_add_test(tc2, test_walks_are_remembered_per_pid_and_path_and_bounded);
	suite_add_tcase(s, tc2);
	if (ck_can(geteuid() == 0, "trust: objects of other owners (needs root)")) {
		tc3 = tcase_create("root");
		tcase_add_checked_fixture(tc3, root_setup, root_teardown);
		tcase_add_test(tc3, test_root_a_file_of_another_owner_is_refused);
		tcase_add_test(tc3, test_root_a_link_is_checked_for_its_owner_and_then_its_target);
		suite_add_tcase(s, tc3);
	}
	return ck_run(s);
}
