/* check_proctable.c - parents for exec events: the policy over the pid
 * table (the table's own bounds are check_pidtab.c's).
 *
 * Every table here but the "live" case's is made with procroot NULL, so /proc
 * is never read: what the table knows comes from the stream alone (replay).
 * Times are event times: exec events in seconds (+ msec), fork records in
 * milliseconds, as the engine passes them.
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "checkrun.h"
#include "hosttab.h"
#include "pidtab.h"
#include "proctable.h"

#define MAXA 128
#define KEEP 8

/* A process start to feed the table, with storage for its strings. */
struct px {
	struct kme_exec ex;
	struct kme_str argv[MAXA];
};

static struct kme_str S(const char *s)
{
	return (struct kme_str){ s, strlen(s) };
}

/* exe may be NULL (absent); args is NULL-terminated. */
static void px_set(struct px *p, int32_t pid, int32_t ppid, int64_t sec,
		   const char *exe, const char *const *args)
{
	size_t n = 0;

	memset(p, 0, sizeof(*p));
	p->ex.sec = sec;
	p->ex.success = true;
	p->ex.proc.pid = pid;
	p->ex.ppid = ppid;
	if (exe != NULL) {
		const char *slash = strrchr(exe, '/');

		p->ex.proc.executable = S(exe);
		p->ex.proc.name = S(slash ? slash + 1 : exe);
	}
	while (args != NULL && args[n] != NULL && n < MAXA) {
		p->argv[n] = S(args[n]);
		n++;
	}
	p->ex.proc.args = (struct kme_args){ .v = p->argv, .n = n };
	p->ex.parent.pid = -1;
}

/* The parent as resolved, copied out (the table's strings are borrowed). */
struct parent {
	enum kme_parent_source source;
	enum kme_parent_note note;
	int32_t pid, creator;
	size_t argc;
	bool exe_resolved;
	bool has_exe, has_name, truncated;
	char exe[PD_MAX_PATH + 1], name[PD_MAX_PATH + 1];
	size_t nargs, arglen[KEEP];
	char arg[KEEP][PD_MAX_ARG_BYTES + 1];
	struct kme_start start;   /* boot borrowed from the table */
	struct kme_cred cred;
};

static void copy_parent(const struct kme_exec *ex, struct parent *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	out->source = ex->parent_source;
	out->note = ex->parent_note;
	out->creator = ex->parent_creator;
	out->pid = ex->parent.pid;
	out->argc = kme_args_count(&ex->parent.args);
	out->exe_resolved = ex->parent.exe_resolved;
	out->has_exe = kme_str_present(ex->parent.executable);
	out->has_name = kme_str_present(ex->parent.name);
	if (out->has_exe) {
		ck_assert_uint_le(ex->parent.executable.len, PD_MAX_PATH);
		memcpy(out->exe, ex->parent.executable.p, ex->parent.executable.len);
	}
	if (out->has_name) {
		ck_assert_uint_le(ex->parent.name.len, PD_MAX_PATH);
		memcpy(out->name, ex->parent.name.p, ex->parent.name.len);
	}
	out->nargs = ex->parent.args.n;
	out->truncated = ex->parent.args.truncated;
	out->start = ex->parent.start;
	out->cred = ex->parent.cred;
	for (i = 0; i < out->nargs && i < KEEP; i++) {
		ck_assert_uint_le(ex->parent.args.v[i].len, PD_MAX_ARG_BYTES);
		out->arglen[i] = ex->parent.args.v[i].len;
		memcpy(out->arg[i], ex->parent.args.v[i].p, ex->parent.args.v[i].len);
	}
}

/* What the engine does with one exec event: observe its SYSCALL, resolve
 * the parent, remember the process. */
static void exec_event(struct pt_table *t, struct px *p, struct parent *out)
{
	struct parent dummy;

	pt_observe(t, KME_STR_NULL, p->ex.proc.pid, p->ex.ppid);
	pt_resolve_parent(t, &p->ex);
	copy_parent(&p->ex, out ? out : &dummy);
	pt_record_exec(t, &p->ex);
}

/* The same at sec.msec. */
static void px_set_ms(struct px *p, int32_t pid, int32_t ppid, int64_t sec,
		      uint32_t msec, const char *exe, const char *const *args)
{
	px_set(p, pid, ppid, sec, exe, args);
	p->ex.msec = msec;
}

/* Record an exec without looking at its parent. */
static void record(struct pt_table *t, int32_t pid, int32_t ppid, int64_t sec,
		   const char *exe, const char *const *args)
{
	struct px p;

	px_set(&p, pid, ppid, sec, exe, args);
	pt_record_exec(t, &p.ex);
}

/* Resolve the parent of a (hypothetical) child exec with this ppid. */
static void parent_of(struct pt_table *t, int32_t pid, int32_t ppid,
		      struct parent *out)
{
	static const char *const args[] = { "lsmod", NULL };
	struct px p;

	px_set(&p, pid, ppid, 1000, "/usr/sbin/lsmod", args);
	pt_resolve_parent(t, &p.ex);
	copy_parent(&p.ex, out);
}

static struct pt_table *table(size_t entries, size_t bytes)
{
	struct kme_err err = { "" };
	struct pt_table *t = pt_new(entries, bytes, NULL, NULL, &err);

	ck_assert_msg(t != NULL, "pt_new: %s", err.msg);
	return t;
}

static const char *const mkinitramfs_args[] = { "/bin/sh", "/usr/sbin/mkinitramfs",
						"-o", "/boot/initrd.img", NULL };
static const char *const bash_args[] = { "-bash", NULL };

/* ---- resolving parents ------------------------------------------------- */

START_TEST(test_child_of_recorded_exec_gets_audit_parent_identity)
{
	struct pt_table *t = table(100, 0);
	struct parent p;

	record(t, 100, 50, 10, "/usr/sbin/mkinitramfs", mkinitramfs_args);
	parent_of(t, 101, 100, &p);
	ck_assert_int_eq(p.source, KME_PARENT_AUDIT);
	ck_assert_int_eq(p.pid, 100);
	ck_assert(p.has_exe);
	ck_assert_str_eq(p.exe, "/usr/sbin/mkinitramfs");
	ck_assert_str_eq(p.name, "mkinitramfs");
	ck_assert_uint_eq(p.nargs, 4);
	ck_assert_str_eq(p.arg[0], "/bin/sh");
	ck_assert_str_eq(p.arg[2], "-o");
	ck_assert_str_eq(p.arg[3], "/boot/initrd.img");
	ck_assert(!p.truncated);
	pt_free(t);
}
END_TEST

START_TEST(test_unknown_parent_is_unknown_with_ppid_as_pid)
{
	struct pt_table *t = table(100, 0);
	struct parent p;

	record(t, 100, 50, 10, "/usr/bin/bash", bash_args);
	parent_of(t, 201, 555, &p);
	ck_assert_int_eq(p.source, KME_PARENT_UNKNOWN);
	ck_assert_int_eq(p.pid, 555);
	ck_assert(!p.has_exe);
	ck_assert(!p.has_name);
	ck_assert_uint_eq(p.nargs, 0);
	pt_free(t);
}
END_TEST

START_TEST(test_ppid_1_is_unknown_and_counted_as_reparented)
{
	static const char *const init_args[] = { "/sbin/init", NULL };
	struct pt_table *t = table(100, 0);
	struct pt_stats st;
	struct parent p;

	record(t, 1, 0, 1, "/usr/lib/systemd/systemd", init_args);
	parent_of(t, 300, 1, &p);
	/* init adopted it: its identity (and exclusions) must not leak. */
	ck_assert_int_eq(p.source, KME_PARENT_UNKNOWN);
	ck_assert(!p.has_exe);
	ck_assert(!p.has_name);
	pt_stats(t, &st);
	ck_assert_uint_eq(st.reparented, 1);
	pt_free(t);
}
END_TEST

START_TEST(test_fork_record_names_the_real_parent_of_a_reparented_child)
{
	struct pt_table *t = table(100, 0);
	struct parent p;

	record(t, 300, 50, 10, "/usr/sbin/mkinitramfs", mkinitramfs_args);
	pt_record_fork(t, KME_STR_NULL, 300, 301, 11, 0, 0);
	/* 300 exited before 301 exec'd: the kernel now says ppid 1. */
	parent_of(t, 301, 1, &p);
	ck_assert_int_eq(p.source, KME_PARENT_AUDIT);
	ck_assert_int_eq(p.pid, 300);
	ck_assert_str_eq(p.exe, "/usr/sbin/mkinitramfs");
	pt_free(t);
}
END_TEST

START_TEST(test_fork_of_unknown_parent_then_reparented_names_parent_pid)
{
	struct pt_table *t = table(100, 0);
	struct parent p;

	pt_record_fork(t, KME_STR_NULL, 350, 351, 11, 0, 0);
	parent_of(t, 351, 1, &p);
	ck_assert_int_eq(p.source, KME_PARENT_UNKNOWN);
	ck_assert_int_eq(p.pid, 350);
	ck_assert(!p.has_exe);
	pt_free(t);
}
END_TEST

START_TEST(test_earlier_exec_lineage_survives_reparenting)
{
	static const char *const sh_args[] = { "sh", "-c", "x", NULL };
	static const char *const lsmod_args[] = { "lsmod", NULL };
	struct pt_table *t = table(100, 0);
	struct px a, b;
	struct parent p;

	record(t, 300, 50, 10, "/usr/sbin/mkinitramfs", mkinitramfs_args);
	px_set(&a, 400, 300, 11, "/usr/bin/dash", sh_args);
	exec_event(t, &a, &p);
	ck_assert_str_eq(p.exe, "/usr/sbin/mkinitramfs");
	/* 300 exits; 400 is adopted by init and execs again. */
	px_set(&b, 400, 1, 12, "/usr/sbin/lsmod", lsmod_args);
	exec_event(t, &b, &p);
	ck_assert_int_eq(p.source, KME_PARENT_AUDIT);
	ck_assert_int_eq(p.pid, 300);
	ck_assert_str_eq(p.exe, "/usr/sbin/mkinitramfs");
	pt_free(t);
}
END_TEST

START_TEST(test_child_exec_logged_before_parent_fork_keeps_its_identity)
{
	static const char *const make_args[] = { "make", "-j2", NULL };
	struct pt_table *t = table(100, 0);
	struct parent p;

	record(t, 500, 50, 10, "/usr/bin/bash", bash_args);
	/* vfork: the child's exec completes before the parent's vfork returns,
	 * so its event comes first. */
	record(t, 501, 500, 11, "/usr/bin/make", make_args);
	pt_record_fork(t, KME_STR_NULL, 500, 501, 11, 0, 0);
	parent_of(t, 502, 501, &p);
	ck_assert_int_eq(p.source, KME_PARENT_AUDIT);
	ck_assert_int_eq(p.pid, 501);
	ck_assert_str_eq(p.exe, "/usr/bin/make");
	ck_assert_str_eq(p.arg[1], "-j2");
	pt_free(t);
}
END_TEST

START_TEST(test_forked_child_that_never_execs_has_its_parents_identity)
{
	struct pt_table *t = table(100, 0);
	struct parent p;

	record(t, 600, 50, 10, "/usr/sbin/mkinitramfs", mkinitramfs_args);
	pt_record_fork(t, KME_STR_NULL, 600, 601, 11, 0, 0); /* a subshell */
	parent_of(t, 602, 601, &p);
	ck_assert_int_eq(p.source, KME_PARENT_AUDIT);
	ck_assert_int_eq(p.pid, 601);
	ck_assert_str_eq(p.exe, "/usr/sbin/mkinitramfs");
	ck_assert_uint_eq(p.nargs, 4);
	pt_free(t);
}
END_TEST

START_TEST(test_systemd_user_is_a_subreaper)
{
	static const char *const user_mgr[] = { "/lib/systemd/systemd", "--user", NULL };
	struct pt_table *t = table(100, 0);
	struct pt_stats st;
	struct parent p;

	record(t, 900, 1, 10, "/usr/lib/systemd/systemd", user_mgr);
	parent_of(t, 901, 900, &p);
	ck_assert_int_eq(p.source, KME_PARENT_UNKNOWN);
	ck_assert(!p.has_exe);
	pt_stats(t, &st);
	ck_assert_uint_eq(st.reparented, 1);
	pt_free(t);
}
END_TEST

START_TEST(test_process_merely_named_systemd_is_an_ordinary_parent)
{
	static const char *const sysd[] = { "/usr/lib/systemd/systemd", "--system", NULL };
	struct pt_table *t = table(100, 0);
	struct parent p;

	record(t, 910, 1, 10, "/usr/lib/systemd/systemd", sysd);
	parent_of(t, 911, 910, &p);
	ck_assert_int_eq(p.source, KME_PARENT_AUDIT);
	ck_assert_str_eq(p.name, "systemd");
	pt_free(t);
}
END_TEST

START_TEST(test_parent_strings_are_copies_not_the_callers)
{
	struct pt_table *t = table(100, 0);
	char exe[] = "/usr/sbin/mkinitramfs", arg1[] = "-o";
	struct px x;
	struct parent p;

	px_set(&x, 100, 50, 10, NULL, NULL);
	x.ex.proc.executable = S(exe);
	x.ex.proc.name = (struct kme_str){ exe + 10, 11 };
	x.argv[0] = S(arg1);
	x.ex.proc.args.n = 1;
	pt_record_exec(t, &x.ex);
	memset(exe, 'X', sizeof(exe) - 1);
	memset(arg1, 'Y', sizeof(arg1) - 1);
	parent_of(t, 101, 100, &p);
	ck_assert_str_eq(p.exe, "/usr/sbin/mkinitramfs");
	ck_assert_str_eq(p.name, "mkinitramfs");
	ck_assert_str_eq(p.arg[0], "-o");
	pt_free(t);
}
END_TEST

START_TEST(test_seed_without_procroot_reads_nothing)
{
	struct pt_table *t = table(100, 0);
	struct kme_err err = { "" };
	struct pt_stats st;

	ck_assert_int_eq(pt_seed_procfs(t, &err), 0);
	pt_stats(t, &st);
	ck_assert_uint_eq(st.entries, 0);
	ck_assert_uint_eq(st.procfs_reads, 0);
	ck_assert_uint_eq(st.procfs_misses, 0);
	pt_free(t);
}
END_TEST

/* ---- pid reuse --------------------------------------------------------- */

START_TEST(test_other_parent_without_a_pid_wrap_is_a_reparent_not_reuse)
{
	struct pt_table *t = table(100, 0);
	struct pt_stats st;

	record(t, 700, 50, 10, "/usr/sbin/mkinitramfs", mkinitramfs_args);
	/* Its parent exited; a subreaper we cannot name (pid 40) adopted it. */
	pt_observe(t, KME_STR_NULL, 700, 40);
	pt_stats(t, &st);
	ck_assert_uint_eq(st.stale, 0);
	ck_assert_uint_eq(st.entries, 1);
	pt_free(t);
}
END_TEST

START_TEST(test_pid_seen_with_other_parent_after_a_wrap_is_dropped_as_stale)
{
	struct pt_table *t = table(100, 0);
	struct pt_stats st;
	struct parent p;

	record(t, 700, 50, 10, "/usr/sbin/mkinitramfs", mkinitramfs_args);
	/* Pid allocation runs up to pid_max and wraps. */
	record(t, 32000, 50, 11, "/usr/bin/true", bash_args);
	record(t, 300, 50, 12, "/usr/bin/true", bash_args);
	pt_observe(t, KME_STR_NULL, 700, 70); /* pid 700 now belongs to a child of 70 */
	pt_stats(t, &st);
	ck_assert_uint_eq(st.stale, 1);
	ck_assert_uint_eq(st.entries, 2);
	parent_of(t, 701, 700, &p);
	ck_assert_int_eq(p.source, KME_PARENT_UNKNOWN);
	ck_assert_int_eq(p.pid, 700);
	ck_assert(!p.has_exe);
	pt_free(t);
}
END_TEST

START_TEST(test_pid_seen_with_same_or_reaper_parent_is_kept)
{
	struct pt_table *t = table(100, 0);
	struct pt_stats st;
	struct parent p;

	record(t, 700, 50, 10, "/usr/sbin/mkinitramfs", mkinitramfs_args);
	pt_observe(t, KME_STR_NULL, 700, 50);
	pt_observe(t, KME_STR_NULL, 700, 1); /* its parent exited: adopted, same process */
	pt_observe(t, KME_STR_NULL, 700, 0);
	pt_observe(t, KME_STR_NULL, 700, -1);
	pt_stats(t, &st);
	ck_assert_uint_eq(st.stale, 0);
	parent_of(t, 701, 700, &p);
	ck_assert_int_eq(p.source, KME_PARENT_AUDIT);
	ck_assert_str_eq(p.exe, "/usr/sbin/mkinitramfs");
	pt_free(t);
}
END_TEST

/* From bench/run.sh --fork (the corpus without its fork events): pid 18519
 * had been /bin/true, a child of xargs 18436, itself a child of 4201; after
 * pid allocation wrapped, a subshell's lsmod got pid 18519 with ppid 4201.
 * 4201 is an ancestor of 18436, which once read as "reparented to a
 * subreaper": the lsmod was given the stale lineage (parent "true"). */
START_TEST(test_reused_pid_after_a_wrap_without_fork_records_takes_no_stale_lineage)
{
	static const char *const xargs_args[] = { "xargs", "-n", "3", "/bin/true", NULL };
	static const char *const true_args[] = { "/bin/true", "1", NULL };
	static const char *const lsmod_args[] = { "lsmod", NULL };
	struct pt_table *t = table(100, 0);
	struct pt_stats st;
	struct px a;
	struct parent p;

	record(t, 4201, 17982, 10, "/usr/bin/bash", bash_args);
	record(t, 18436, 4201, 11, "/usr/bin/xargs", xargs_args);
	record(t, 18519, 18436, 11, "/bin/true", true_args);
	/* Pid allocation runs up to pid_max and wraps. */
	record(t, 32000, 4201, 12, "/bin/true", true_args);
	record(t, 300, 4201, 13, "/bin/true", true_args);
	px_set(&a, 18519, 4201, 14, "/usr/sbin/lsmod", lsmod_args);
	exec_event(t, &a, &p);
	ck_assert_int_eq(p.pid, 4201);
	ck_assert_str_eq(p.exe, "/usr/bin/bash");
	pt_stats(t, &st);
	ck_assert_uint_eq(st.stale, 1);
	pt_free(t);
}
END_TEST

/* With fork records a new process announces itself with one: a parent that
 * turns into an ancestor is then a reparenting, even after a wrap. */
START_TEST(test_reparent_to_an_ancestor_after_a_wrap_with_fork_records_is_kept)
{
	struct pt_table *t = table(100, 0);
	struct pt_stats st;

	record(t, 40, 1, 10, "/usr/bin/tini", bash_args);
	record(t, 600, 40, 10, "/usr/sbin/mkinitramfs", mkinitramfs_args);
	pt_record_fork(t, KME_STR_NULL, 600, 700, 10, 500, 0);
	record(t, 32000, 40, 11, "/usr/bin/true", bash_args);
	record(t, 300, 40, 12, "/usr/bin/true", bash_args);
	pt_observe(t, KME_STR_NULL, 700, 40); /* 600 exited; 40 (an ancestor) adopted 700 */
	pt_stats(t, &st);
	ck_assert_uint_eq(st.stale, 0);
	pt_free(t);
}
END_TEST

START_TEST(test_fork_onto_a_pid_held_by_another_process_replaces_it)
{
	static const char *const old_args[] = { "old", NULL };
	struct pt_table *t = table(100, 0);
	struct pt_stats st;
	struct parent p;

	record(t, 800, 50, 10, "/usr/bin/old", old_args);
	record(t, 810, 60, 10, "/usr/sbin/mkinitramfs", mkinitramfs_args);
	pt_record_fork(t, KME_STR_NULL, 810, 800, 20, 0, 0); /* 800 was reused */
	pt_stats(t, &st);
	ck_assert_uint_eq(st.stale, 1);
	parent_of(t, 801, 800, &p);
	ck_assert_str_eq(p.exe, "/usr/sbin/mkinitramfs");
	pt_free(t);
}
END_TEST

/* The pid-reuse case of tests/data/fidelity-fork-raw.log (23-pid-reuse),
 * with its pids and times: reuse-shell (7870) forks 7871, which execs dkms in
 * the same millisecond; dkms exits; reuse-shell forks a subshell that gets
 * pid 7871 again (steered with ns_last_pid) and runs lsmod. */
START_TEST(test_fork_later_than_the_pids_exec_replaces_a_stale_identity)
{
	static const char *const shell_args[] = { "reuse-shell", "-c", "...", NULL };
	static const char *const dkms_args[] = { "/bin/sh", "/tmp/kme-scenario/bin/dkms", NULL };
	static const char *const lsmod_args[] = { "lsmod", NULL };
	struct pt_table *t = table(100, 0);
	struct pt_stats st;
	struct px a;
	struct parent p;

	px_set_ms(&a, 7870, 7869, 1795992390, 608, "/tmp/kme-scenario/bin/reuse-shell", shell_args);
	exec_event(t, &a, NULL);
	pt_record_fork(t, KME_STR_NULL, 7870, 7871, 1795992390, 616, 0);
	px_set_ms(&a, 7871, 7870, 1795992390, 616, "/tmp/kme-scenario/bin/dkms", dkms_args);
	exec_event(t, &a, NULL);
	px_set_ms(&a, 7872, 7871, 1795992390, 620, "/usr/sbin/lsmod", lsmod_args);
	exec_event(t, &a, &p);
	ck_assert_str_eq(p.name, "dkms"); /* dkms's own lsmod: excluded, rightly */
	/* dkms has exited; the same shell forks again and gets 7871 back. */
	pt_record_fork(t, KME_STR_NULL, 7870, 7871, 1795992390, 764, 0);
	px_set_ms(&a, 7873, 7871, 1795992390, 816, "/usr/sbin/lsmod", lsmod_args);
	exec_event(t, &a, &p);
	ck_assert_int_eq(p.source, KME_PARENT_AUDIT);
	ck_assert_int_eq(p.pid, 7871);
	ck_assert_str_eq(p.exe, "/tmp/kme-scenario/bin/reuse-shell");
	ck_assert_str_eq(p.name, "reuse-shell");
	ck_assert_int_eq(p.note, KME_PNOTE_FORK_REUSED);
	ck_assert_int_eq(p.creator, 7870);
	pt_stats(t, &st);
	ck_assert_uint_eq(st.stale, 1);
	pt_free(t);
}
END_TEST

START_TEST(test_fork_in_the_same_millisecond_as_the_childs_exec_keeps_the_exec)
{
	static const char *const dkms_args[] = { "/bin/sh", "/usr/sbin/dkms", NULL };
	struct pt_table *t = table(100, 0);
	struct parent p;

	record(t, 700, 50, 10, "/usr/bin/bash", bash_args);
	/* The audit clock is coarse: the fork (timed at syscall entry) and the
	 * child's exec can carry the same millisecond. */
	record(t, 701, 700, 12, "/usr/sbin/dkms", dkms_args);
	pt_record_fork(t, KME_STR_NULL, 700, 701, 12, 0, 0);
	parent_of(t, 702, 701, &p);
	ck_assert_str_eq(p.exe, "/usr/sbin/dkms");
	ck_assert_int_eq(p.note, KME_PNOTE_NONE);
	pt_free(t);
}
END_TEST

START_TEST(test_each_fork_of_a_pid_is_a_new_subshell)
{
	struct pt_table *t = table(100, 0);
	struct parent p;

	record(t, 600, 50, 10, "/usr/sbin/mkinitramfs", mkinitramfs_args);
	pt_record_fork(t, KME_STR_NULL, 600, 601, 11, 0, 0);
	pt_record_fork(t, KME_STR_NULL, 600, 601, 11, 500, 0);
	parent_of(t, 602, 601, &p);
	ck_assert_str_eq(p.exe, "/usr/sbin/mkinitramfs");
	ck_assert_int_eq(p.note, KME_PNOTE_FORK_REUSED);
	pt_free(t);
}
END_TEST

/* ---- how the parent was decided (for --explain) ------------------------ */

START_TEST(test_subshell_parent_is_noted_as_a_fork_of_its_creator)
{
	struct pt_table *t = table(100, 0);
	struct parent p;

	record(t, 600, 50, 10, "/usr/sbin/mkinitramfs", mkinitramfs_args);
	pt_record_fork(t, KME_STR_NULL, 600, 601, 11, 0, 0);
	parent_of(t, 602, 601, &p);
	ck_assert_int_eq(p.note, KME_PNOTE_FORK);
	ck_assert_int_eq(p.creator, 600);
	pt_free(t);
}
END_TEST

START_TEST(test_parent_the_stream_never_described_is_noted_unseen)
{
	struct pt_table *t = table(100, 0);
	struct parent p;

	parent_of(t, 602, 601, &p);
	ck_assert_int_eq(p.source, KME_PARENT_UNKNOWN);
	ck_assert_int_eq(p.note, KME_PNOTE_UNSEEN);
	pt_free(t);
}
END_TEST

START_TEST(test_reaper_parent_is_noted_reparented)
{
	struct pt_table *t = table(100, 0);
	struct parent p;

	parent_of(t, 602, 1, &p);
	ck_assert_int_eq(p.note, KME_PNOTE_REPARENTED);
	pt_free(t);
}
END_TEST

START_TEST(test_exec_parent_has_no_note)
{
	struct pt_table *t = table(100, 0);
	struct parent p;

	record(t, 600, 50, 10, "/usr/sbin/mkinitramfs", mkinitramfs_args);
	parent_of(t, 602, 600, &p);
	ck_assert_int_eq(p.note, KME_PNOTE_NONE);
	pt_free(t);
}
END_TEST

/* ---- counts and flags travel with the identity ------------------------- */

START_TEST(test_parent_args_count_is_the_real_argc_through_exec_and_fork)
{
	struct pt_table *t = table(100, 0);
	struct px a;
	struct parent p;

	px_set(&a, 100, 50, 10, "/usr/bin/bash", bash_args);
	a.ex.proc.args.argc = 270002; /* one stored, 270002 logged */
	a.ex.proc.args.truncated = true;
	pt_record_exec(t, &a.ex);
	parent_of(t, 101, 100, &p);
	ck_assert_uint_eq(p.nargs, 1);
	ck_assert_uint_eq(p.argc, 270002);
	pt_record_fork(t, KME_STR_NULL, 100, 102, 11, 0, 0);
	parent_of(t, 103, 102, &p);
	ck_assert_uint_eq(p.argc, 270002);
	pt_free(t);
}
END_TEST

START_TEST(test_resolved_executable_flag_travels_with_the_parent)
{
	static const char *const dkms_args[] = { "/bin/sh", "./dkms", NULL };
	struct pt_table *t = table(100, 0);
	struct px a;
	struct parent p;

	px_set(&a, 100, 50, 10, "/usr/bin/dash", dkms_args);
	a.ex.proc.name = S("dkms");
	a.ex.proc.exe_resolved = true; /* cwd <too_long> */
	pt_record_exec(t, &a.ex);
	parent_of(t, 101, 100, &p);
	ck_assert_str_eq(p.name, "dkms");
	ck_assert_str_eq(p.exe, "/usr/bin/dash");
	ck_assert(p.exe_resolved);
	pt_free(t);
}
END_TEST

/* ---- starts: the life an entity id names (entity.h) --------------------- */

/* An exec of pid at sec.msec:serial with that parent, as the engine takes
 * it; returns the process's start and copies its parent's into *pst. */
static struct kme_start exec_start_of(struct pt_table *t, int32_t pid,
				      int32_t ppid, int64_t sec, uint32_t msec,
				      uint64_t serial, const char *exe,
				      struct kme_start *pst)
{
	static const char *const args[] = { "x", NULL };
	struct px p;
	struct parent dummy;

	px_set(&p, pid, ppid, sec, exe, args);
	p.ex.msec = msec;
	p.ex.serial = serial;
	p.ex.uid = 1000;
	p.ex.euid = 0;
	p.ex.gid = 100;
	p.ex.egid = 0;
	p.ex.proc.cwd = S("/home/x");
	exec_event(t, &p, &dummy);
	if (pst != NULL)
		*pst = p.ex.parent.start;
	return p.ex.proc.start;
}

static void ck_audit_start(struct kme_start st, int64_t ms, uint64_t serial)
{
	ck_assert_int_eq(st.kind, KME_START_AUDIT);
	ck_assert_int_eq(st.ms, ms);
	ck_assert_uint_eq(st.ref, serial);
}

/* A process first seen at its exec starts there; as a parent it has that
 * start too, with its ids and working directory. */
START_TEST(test_first_exec_is_the_start_and_the_parent_carries_it)
{
	struct pt_table *t = table(100, 0);
	struct kme_start st, pst;
	struct px p;

	st = exec_start_of(t, 500, 400, 10, 250, 77, "/usr/bin/bash", NULL);
	ck_audit_start(st, 10250, 77);
	st = exec_start_of(t, 501, 500, 11, 0, 80, "/usr/sbin/lsmod", &pst);
	ck_audit_start(st, 11000, 80);
	ck_audit_start(pst, 10250, 77);
	px_set(&p, 502, 500, 12, "/usr/sbin/lsmod", NULL);
	pt_resolve_parent(t, &p.ex);
	ck_assert(p.ex.parent.cred.known);
	ck_assert_uint_eq(p.ex.parent.cred.uid, 1000);
	ck_assert_uint_eq(p.ex.parent.cred.euid, 0);
	ck_assert_uint_eq(p.ex.parent.cred.gid, 100);
	ck_assert(kme_str_is(p.ex.parent.cwd, "/home/x"));
	pt_free(t);
}
END_TEST

/* `exec lsmod` in a shell, `env lsmod`: the same process execs again (same
 * pid and parent): the same life, the same start. */
START_TEST(test_an_exec_chain_keeps_the_start)
{
	struct pt_table *t = table(100, 0);
	struct kme_start st;

	exec_start_of(t, 500, 400, 10, 0, 77, "/usr/bin/env", NULL);
	st = exec_start_of(t, 500, 400, 10, 3, 78, "/usr/sbin/lsmod", NULL);
	ck_audit_start(st, 10000, 77);
	/* Its parent died meanwhile: init adopted it, still the same life. */
	st = exec_start_of(t, 500, 1, 11, 0, 79, "/usr/bin/kmod", NULL);
	ck_audit_start(st, 10000, 77);
	pt_free(t);
}
END_TEST

/* The pid held by a process of another parent (not a reaper, not an
 * ancestor): a living process's parent never changes so, so this is a new
 * process with the pid: a new start. */
START_TEST(test_another_parent_means_a_new_life_for_the_pid)
{
	struct pt_table *t = table(100, 0);
	struct kme_start a, b;

	exec_start_of(t, 400, 300, 9, 0, 70, "/usr/bin/bash", NULL);
	exec_start_of(t, 410, 300, 9, 0, 71, "/usr/bin/bash", NULL);
	a = exec_start_of(t, 500, 400, 10, 0, 77, "/tmp/reuse-a", NULL);
	b = exec_start_of(t, 500, 410, 20, 0, 90, "/tmp/reuse-b", NULL);
	ck_audit_start(a, 10000, 77);
	ck_audit_start(b, 20000, 90);
	pt_free(t);
}
END_TEST

/* With fork records: the child's life starts at the fork, through its exec;
 * a later fork onto the same pid is another life. */
START_TEST(test_a_fork_record_is_the_start)
{
	struct pt_table *t = table(100, 0);
	struct kme_start st, pst;

	exec_start_of(t, 400, 300, 9, 0, 70, "/usr/bin/bash", NULL);
	pt_record_fork(t, KME_STR_NULL, 400, 500, 10, 0, 75);
	st = exec_start_of(t, 500, 400, 10, 5, 76, "/usr/sbin/lsmod", NULL);
	ck_audit_start(st, 10000, 75);
	pt_record_fork(t, KME_STR_NULL, 400, 500, 20, 0, 95);  /* pid reused */
	exec_start_of(t, 600, 500, 20, 9, 96, "/usr/sbin/lsmod", &pst);
	ck_audit_start(pst, 20000, 95);                        /* the subshell */
	pt_free(t);
}
END_TEST

/* A pid wrap noticed since the entry was made: the pid may have changed
 * hands, so an exec there begins a new life even with the same ppid. */
START_TEST(test_a_pid_wrap_since_the_entry_means_a_new_life)
{
	struct pt_table *t = table(100, 0);
	struct kme_start st;

	exec_start_of(t, 30000, 300, 9, 0, 70, "/usr/bin/bash", NULL);
	exec_start_of(t, 31000, 300, 9, 1, 71, "/usr/bin/true", NULL);
	exec_start_of(t, 100, 300, 9, 2, 72, "/usr/bin/true", NULL); /* wrapped */
	st = exec_start_of(t, 30000, 300, 10, 0, 80, "/usr/sbin/lsmod", NULL);
	ck_audit_start(st, 10000, 80);
	pt_free(t);
}
END_TEST

/* Not watched by the rule, an exec is recorded without pt_resolve_parent:
 * the start is judged the same way. */
START_TEST(test_record_without_resolve_judges_the_start_alike)
{
	static const char *const args[] = { "x", NULL };
	struct pt_table *t = table(100, 0);
	struct kme_start pst;
	struct px p;

	px_set(&p, 500, 400, 10, "/usr/bin/env", args);
	p.ex.serial = 77;
	pt_record_exec(t, &p.ex);
	px_set(&p, 500, 400, 11, "/usr/bin/bash", args);
	p.ex.serial = 78;
	pt_record_exec(t, &p.ex);
	exec_start_of(t, 501, 500, 12, 0, 90, "/usr/sbin/lsmod", &pst);
	ck_audit_start(pst, 10000, 77);
	pt_free(t);
}
END_TEST

/* ---- live: a parent the stream never described, from /proc ------------- */

/* A #!/bin/sh script whose subshell (forked, never exec'd) writes its own
 * pid (the $PPID of a sh it starts) to $1, then waits. */
static const char subshell_script[] =
	"#!/bin/sh\n"
	"(\n"
	"\tsh -c 'echo $PPID' >\"$1.tmp\" && mv \"$1.tmp\" \"$1\"\n"
	"\tsleep 30\n"
	"\t:\n"
	")\n"
	"exit 0\n";

START_TEST(test_live_subshell_of_a_script_is_named_after_the_script_from_proc)
{
	char dir[] = "/tmp/check_proctable.XXXXXX";
	char script[PATH_MAX], pidfile[PATH_MAX];
	struct timespec ms10 = { 0, 10 * 1000 * 1000 };
	struct kme_err err = { "" };
	struct pt_table *t;
	struct parent p;
	pid_t kid;
	int sub = 0, i;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(script, sizeof(script), "%s/mkinitramfs", dir);
	snprintf(pidfile, sizeof(pidfile), "%s/subshell.pid", dir);
	f = fopen(script, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(subshell_script, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(script, 0755), 0);
	kid = fork();
	ck_assert_int_ge(kid, 0);
	if (kid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		setpgid(0, 0);
		execl(script, script, pidfile, (char *)NULL);
		_exit(127);
	}
	setpgid(kid, kid);
	/* Poll for the positive fact (the subshell wrote its pid), with a
	 * deadline. */
	for (i = 0; i < 1000 && sub <= 0; i++) {
		f = fopen(pidfile, "r");
		if (f != NULL) {
			if (fscanf(f, "%d", &sub) != 1)
				sub = 0;
			fclose(f);
		}
		if (sub <= 0)
			nanosleep(&ms10, NULL);
	}
	ck_assert_msg(sub > 0 && sub != kid, "no subshell pid from %s", script);

	t = pt_new(100, 0, "/proc", NULL, &err);
	ck_assert_msg(t != NULL, "pt_new: %s", err.msg);
	/* lsmod run by the subshell: the stream never showed the subshell. */
	parent_of(t, 1000000, sub, &p);
	ck_assert_int_eq(p.source, KME_PARENT_PROCFS);
	ck_assert_int_eq(p.pid, sub);
	ck_assert_str_eq(p.name, "mkinitramfs");
	ck_assert_str_eq(p.exe, script);
	ck_assert(!p.exe_resolved);
	/* Its start: /proc's, with this boot's id; its ids: ours. */
	ck_assert_int_eq(p.start.kind, KME_START_PROCFS);
	ck_assert_uint_gt(p.start.ref, 0);
	ck_assert_ptr_nonnull(p.start.boot);
	ck_assert_uint_eq(strlen(p.start.boot), 36);
	ck_assert(p.cred.known);
	ck_assert_uint_eq(p.cred.euid, geteuid());
	pt_free(t);

	kill(-kid, SIGKILL);
	waitpid(kid, NULL, 0);
	unlink(pidfile);
	unlink(script);
	rmdir(dir);
}
END_TEST


/* ---- hosts: every identity is scoped by the host that logged it -------- */

static const char *const dkms_args[] = { "/bin/sh", "/usr/sbin/dkms", "autoinstall", NULL };

/* Record an exec of host node (NULL: no node=). */
static void record_on(struct pt_table *t, const char *node, int32_t pid,
		      int32_t ppid, int64_t sec, const char *exe,
		      const char *const *args)
{
	struct px p;

	px_set(&p, pid, ppid, sec, exe, args);
	p.ex.node = node ? S(node) : KME_STR_NULL;
	pt_observe(t, p.ex.node, pid, ppid);
	pt_record_exec(t, &p.ex);
}

/* The parent of a child exec with this ppid on host node. */
static void parent_on(struct pt_table *t, const char *node, int32_t pid,
		      int32_t ppid, struct parent *out)
{
	static const char *const args[] = { "lsmod", NULL };
	struct px p;

	px_set(&p, pid, ppid, 1000, "/usr/sbin/lsmod", args);
	p.ex.node = node ? S(node) : KME_STR_NULL;
	pt_resolve_parent(t, &p.ex);
	copy_parent(&p.ex, out);
}

START_TEST(test_same_pid_on_two_hosts_is_two_processes)
{
	struct pt_table *t = table(100, 0);
	struct parent p;

	record_on(t, "hostb", 4242, 10, 5, "/usr/sbin/dkms", dkms_args);
	record_on(t, "hosta", 4242, 20, 6, "/home/u/bin/tool", bash_args);
	parent_on(t, "hostb", 4250, 4242, &p);
	ck_assert_int_eq(p.source, KME_PARENT_AUDIT);
	ck_assert_str_eq(p.name, "dkms");
	parent_on(t, "hosta", 4251, 4242, &p);
	ck_assert_int_eq(p.source, KME_PARENT_AUDIT);
	ck_assert_str_eq(p.name, "tool");
	pt_free(t);
}
END_TEST

START_TEST(test_parent_seen_only_on_another_host_is_unknown)
{
	struct pt_table *t = table(100, 0);
	struct parent p;

	record_on(t, "hostb", 4242, 10, 5, "/usr/sbin/dkms", dkms_args);
	parent_on(t, "hosta", 4250, 4242, &p);
	ck_assert_int_eq(p.source, KME_PARENT_UNKNOWN);
	ck_assert_int_eq(p.note, KME_PNOTE_UNSEEN);
	ck_assert_int_eq(p.pid, 4242);
	ck_assert(!p.has_name);
	/* Nor does a host see the local host's process, or the reverse. */
	record_on(t, NULL, 777, 10, 5, "/usr/sbin/dkms", dkms_args);
	parent_on(t, "hosta", 4251, 777, &p);
	ck_assert_int_eq(p.source, KME_PARENT_UNKNOWN);
	parent_on(t, NULL, 4252, 4242, &p);
	ck_assert_int_eq(p.source, KME_PARENT_UNKNOWN);
	pt_free(t);
}
END_TEST

START_TEST(test_records_with_the_local_node_name_are_the_local_hosts)
{
	struct kme_err err = { "" };
	struct pt_table *t = pt_new(100, 0, NULL, "aggr", &err);
	struct parent p;

	ck_assert_msg(t != NULL, "pt_new: %s", err.msg);
	ck_assert(pt_is_local(t, KME_STR_NULL));
	ck_assert(pt_is_local(t, S("aggr")));
	ck_assert(!pt_is_local(t, S("aggr2")));
	ck_assert(!pt_is_local(t, S("agg")));
	record_on(t, NULL, 300, 10, 5, "/usr/sbin/dkms", dkms_args);
	parent_on(t, "aggr", 301, 300, &p);
	ck_assert_int_eq(p.source, KME_PARENT_AUDIT);
	ck_assert_str_eq(p.name, "dkms");
	parent_on(t, "aggr2", 302, 300, &p);
	ck_assert_int_eq(p.source, KME_PARENT_UNKNOWN);
	pt_free(t);
}
END_TEST

START_TEST(test_without_local_node_only_records_without_node_are_local)
{
	struct pt_table *t = table(100, 0);

	ck_assert(pt_is_local(t, KME_STR_NULL));
	ck_assert(!pt_is_local(t, S("anything")));
	pt_free(t);
}
END_TEST

START_TEST(test_fork_on_one_host_never_replaces_another_hosts_pid)
{
	struct pt_table *t = table(100, 0);
	struct pt_stats st;
	struct parent p;

	record_on(t, "hosta", 500, 10, 5, "/usr/sbin/dkms", dkms_args);
	pt_record_fork(t, S("hostb"), 20, 500, 9, 0, 0);
	pt_stats(t, &st);
	ck_assert_uint_eq(st.stale, 0);
	parent_on(t, "hosta", 501, 500, &p);
	ck_assert_int_eq(p.source, KME_PARENT_AUDIT);
	ck_assert_str_eq(p.name, "dkms");
	pt_free(t);
}
END_TEST

START_TEST(test_pid_wrap_on_one_host_does_not_age_another_hosts_entries)
{
	struct pt_table *t = table(100, 0);
	struct pt_stats st;
	struct parent p;

	record_on(t, "hosta", 30000, 10, 5, "/usr/sbin/dkms", dkms_args);
	/* Host B's pids run high, then wrap. */
	record_on(t, "hostb", 32000, 10, 6, "/usr/bin/bash", bash_args);
	record_on(t, "hostb", 300, 10, 7, "/usr/bin/bash", bash_args);
	/* Host A's process seen with another parent: no wrap on host A, so
	 * the same process reparented, kept. */
	pt_observe(t, S("hosta"), 30000, 99);
	pt_stats(t, &st);
	ck_assert_uint_eq(st.stale, 0);
	parent_on(t, "hosta", 30001, 30000, &p);
	ck_assert_int_eq(p.source, KME_PARENT_AUDIT);
	ck_assert_str_eq(p.name, "dkms");
	pt_free(t);
}
END_TEST

START_TEST(test_flood_on_one_host_makes_an_evicted_parent_unknown_never_another_hosts)
{
	struct pt_table *t = table(16, 0);
	struct pt_stats st;
	struct parent p;
	int32_t pid;

	record_on(t, "hosta", 4242, 10, 5, "/home/u/bin/tool", bash_args);
	/* Host B floods the table, dkms at host A's pid among its processes. */
	for (pid = 4000; pid < 4100; pid++)
		record_on(t, "hostb", pid, 10, 6,
			  pid == 4099 ? "/usr/sbin/dkms" : "/usr/bin/bash",
			  pid == 4099 ? dkms_args : bash_args);
	record_on(t, "hostb", 4242, 10, 7, "/usr/sbin/dkms", dkms_args);
	pt_stats(t, &st);
	ck_assert_uint_ge(st.evicted, 1);
	ck_assert_uint_le(st.entries, 16);
	parent_on(t, "hosta", 4250, 4242, &p);
	ck_assert_int_eq(p.source, KME_PARENT_UNKNOWN);
	ck_assert_int_eq(p.note, KME_PNOTE_UNSEEN);
	ck_assert(!p.has_name);
	pt_free(t);
}
END_TEST

START_TEST(test_node_name_too_long_to_scope_gets_unknown_parents_and_keeps_nothing)
{
	struct pt_table *t = table(100, 0);
	char node[HT_NAME_MAX + 2];
	struct pt_stats st;
	struct parent p;

	memset(node, 'n', sizeof(node) - 1);
	node[sizeof(node) - 1] = '\0';
	record_on(t, node, 600, 10, 5, "/usr/sbin/dkms", dkms_args);
	pt_stats(t, &st);
	ck_assert_uint_eq(st.entries, 0);
	ck_assert_uint_ge(st.unscoped, 1);
	parent_on(t, node, 601, 600, &p);
	ck_assert_int_eq(p.source, KME_PARENT_UNKNOWN);
	pt_free(t);
}
END_TEST

START_TEST(test_another_hosts_parent_is_never_read_from_proc)
{
	struct kme_err err = { "" };
	struct pt_table *t = pt_new(100, 0, "/proc", NULL, &err);
	struct pt_stats st;
	struct parent p;

	ck_assert_msg(t != NULL, "pt_new: %s", err.msg);
	/* Our own pid is a living local process: the local host reads it. */
	parent_on(t, NULL, 1000000, (int32_t)getpid(), &p);
	ck_assert_int_eq(p.source, KME_PARENT_PROCFS);
	/* The same ppid from another host is not ours to read. */
	parent_on(t, "remote", 1000001, (int32_t)getpid(), &p);
	ck_assert_int_eq(p.source, KME_PARENT_UNKNOWN);
	ck_assert(!p.has_name);
	pt_stats(t, &st);
	ck_assert_uint_eq(st.procfs_reads, 1);
	pt_free(t);
}
END_TEST

START_TEST(test_flood_of_node_names_evicts_hosts_counted_and_bounded)
{
	struct pt_table *t = table(64, 0);
	struct pt_stats st;
	struct parent p;
	char node[32];
	int i;

	record_on(t, "first", 700, 10, 5, "/usr/sbin/dkms", dkms_args);
	for (i = 0; i < HT_MAX_HOSTS + 100; i++) {
		snprintf(node, sizeof(node), "flood%d", i);
		record_on(t, node, 700, 10, 6, "/usr/bin/bash", bash_args);
	}
	pt_stats(t, &st);
	ck_assert_uint_le(st.hosts, HT_MAX_HOSTS);
	ck_assert_uint_ge(st.host_evictions, 101);
	ck_assert_uint_le(st.entries, 64);
	/* The first host was evicted: its name is a new host now, whose
	 * pid 700 is unknown -- never a flood host's bash at 700. */
	parent_on(t, "first", 701, 700, &p);
	ck_assert_int_eq(p.source, KME_PARENT_UNKNOWN);
	/* The local host is never evicted (the cap of hosts is 16384; here
	 * hosts are 1..16384 slots all in use, so each new name evicts one;
	 * 30 entries keep the local one inside the 64-entry table). */
	record_on(t, NULL, 900, 10, 7, "/usr/sbin/dkms", dkms_args);
	for (i = 0; i < 30; i++) {
		snprintf(node, sizeof(node), "again%d", i);
		record_on(t, node, 900, 10, 8, "/usr/bin/bash", bash_args);
	}
	parent_on(t, NULL, 901, 900, &p);
	ck_assert_int_eq(p.source, KME_PARENT_AUDIT);
	ck_assert_str_eq(p.name, "dkms");
	pt_free(t);
}
END_TEST

START_TEST(test_stats_count_the_remote_hosts)
{
	struct pt_table *t = table(100, 0);
	struct pt_stats st;

	record_on(t, NULL, 100, 10, 5, "/usr/bin/bash", bash_args);
	record_on(t, "h1", 100, 10, 5, "/usr/bin/bash", bash_args);
	record_on(t, "h2", 100, 10, 5, "/usr/bin/bash", bash_args);
	record_on(t, "h1", 101, 10, 5, "/usr/bin/bash", bash_args);
	pt_stats(t, &st);
	ck_assert_uint_eq(st.hosts, 2);
	ck_assert_uint_eq(st.entries, 4);
	ck_assert_uint_eq(st.host_evictions, 0);
	pt_free(t);
}
END_TEST

/* ---- bounds ------------------------------------------------------------ */

START_TEST(test_lru_evicts_least_recently_used_and_keeps_a_resolved_parent)
{
	struct pt_table *t = table(4, 0);
	struct pt_stats st;
	struct parent p;
	int32_t pid;

	for (pid = 1001; pid <= 1004; pid++)
		record(t, pid, 50, 10 + pid, "/usr/bin/bash", bash_args);
	parent_of(t, 3000, 1001, &p); /* 1001 is now the most recently used */
	ck_assert_int_eq(p.source, KME_PARENT_AUDIT);
	record(t, 1005, 50, 20, "/usr/bin/bash", bash_args);
	pt_stats(t, &st);
	ck_assert_uint_eq(st.evicted, 1);
	ck_assert_uint_le(st.entries, 4);
	parent_of(t, 3001, 1002, &p); /* the least recently used */
	ck_assert_int_eq(p.source, KME_PARENT_UNKNOWN);
	parent_of(t, 3002, 1001, &p);
	ck_assert_int_eq(p.source, KME_PARENT_AUDIT);
	parent_of(t, 3003, 1005, &p);
	ck_assert_int_eq(p.source, KME_PARENT_AUDIT);
	pt_free(t);
}
END_TEST

START_TEST(test_fork_copies_parent_identity_when_the_table_is_full)
{
	struct pt_table *t = table(3, 0);
	struct parent p;

	record(t, 100, 50, 10, "/usr/sbin/mkinitramfs", mkinitramfs_args);
	record(t, 200, 50, 11, "/usr/bin/bash", bash_args);
	/* The child takes the last free slot while the parent is the least
	 * recently used entry: copying its identity must not evict it first. */
	pt_record_fork(t, KME_STR_NULL, 100, 101, 12, 0, 0);
	parent_of(t, 102, 101, &p);
	ck_assert_int_eq(p.source, KME_PARENT_AUDIT);
	ck_assert_str_eq(p.exe, "/usr/sbin/mkinitramfs");
	ck_assert_uint_eq(p.nargs, 4);
	ck_assert_str_eq(p.arg[3], "/boot/initrd.img");
	pt_free(t);
}
END_TEST

START_TEST(test_fork_copies_parent_identity_at_the_memory_bound)
{
	struct pt_table *t;
	struct pt_stats st;
	struct parent p;

	/* Measure one identity's cost, then allow a little under two. */
	t = table(100, 0);
	record(t, 100, 50, 10, "/usr/sbin/mkinitramfs", mkinitramfs_args);
	pt_stats(t, &st);
	pt_free(t);
	t = table(100, st.bytes * 2 - 1);
	record(t, 100, 50, 10, "/usr/sbin/mkinitramfs", mkinitramfs_args);
	pt_record_fork(t, KME_STR_NULL, 100, 101, 12, 0, 0);
	parent_of(t, 102, 101, &p);
	ck_assert_int_eq(p.source, KME_PARENT_AUDIT);
	ck_assert_str_eq(p.exe, "/usr/sbin/mkinitramfs");
	ck_assert_str_eq(p.arg[1], "/usr/sbin/mkinitramfs");
	pt_free(t);
}
END_TEST

START_TEST(test_identity_larger_than_memory_bound_keeps_lineage_only)
{
	static const char *const sh_args[] = { "sh", NULL };
	struct pt_table *t = table(100, 40);
	struct pt_stats st;
	struct parent p;
	struct px x;

	/* 300 has too big an identity to store, but 400's lineage through it
	 * is still known when 400 is reparented. */
	record(t, 300, 50, 10, "/usr/sbin/a-very-long-program-name-indeed", mkinitramfs_args);
	pt_stats(t, &st);
	ck_assert_uint_le(st.bytes, 40);
	parent_of(t, 301, 300, &p);
	ck_assert(!p.has_exe);
	px_set(&x, 400, 300, 11, "/bin/sh", sh_args);
	pt_record_exec(t, &x.ex);
	parent_of(t, 400, 1, &p);
	ck_assert_int_eq(p.pid, 300);
	pt_free(t);
}
END_TEST

START_TEST(test_truncated_flag_of_the_exec_is_kept)
{
	static const char *const args[] = { "a", "b", NULL };
	struct pt_table *t = table(100, 0);
	struct parent p;
	struct px x;

	px_set(&x, 100, 50, 10, "/usr/bin/prog", args);
	x.ex.proc.args.truncated = true;
	pt_record_exec(t, &x.ex);
	parent_of(t, 101, 100, &p);
	ck_assert_uint_eq(p.nargs, 2);
	ck_assert(p.truncated);
	pt_free(t);
}
END_TEST

START_TEST(test_hostile_pids_are_ignored)
{
	struct pt_table *t = table(100, 0);
	struct pt_stats st;
	struct parent p;

	record(t, 0, 50, 10, "/usr/bin/bash", bash_args);
	record(t, -5, 50, 10, "/usr/bin/bash", bash_args);
	record(t, INT32_MIN, 50, 10, "/usr/bin/bash", bash_args);
	pt_record_fork(t, KME_STR_NULL, 0, 5, 10, 0, 0);
	pt_record_fork(t, KME_STR_NULL, -1, 5, 10, 0, 0);
	pt_record_fork(t, KME_STR_NULL, 5, 0, 10, 0, 0);
	pt_record_fork(t, KME_STR_NULL, 5, -7, 10, 0, 0);
	pt_record_fork(t, KME_STR_NULL, 5, 5, 10, 0, 0);
	pt_observe(t, KME_STR_NULL, 0, 1);
	pt_observe(t, KME_STR_NULL, -1, -1);
	pt_stats(t, &st);
	ck_assert_uint_eq(st.entries, 0);
	parent_of(t, 10, 0, &p);
	ck_assert_int_eq(p.source, KME_PARENT_UNKNOWN);
	parent_of(t, 10, -3, &p);
	ck_assert_int_eq(p.source, KME_PARENT_UNKNOWN);
	ck_assert(!p.has_exe);
	pt_free(t);
}
END_TEST

/* Hostile records can carry any number of seconds: milliseconds saturate
 * (UBSan would stop on an overflow here). */
START_TEST(test_absurd_event_times_saturate)
{
	static const char *const args[] = { "x", NULL };
	struct pt_table *t = table(100, 0);
	struct parent p;
	struct px a;

	record(t, 100, 50, INT64_MAX / 2, "/usr/bin/bash", args);
	pt_record_fork(t, KME_STR_NULL, 100, 101, INT64_MAX / 2, 999, 0);
	pt_record_fork(t, KME_STR_NULL, 100, 102, INT64_MIN / 2, 0, 0);
	px_set(&a, 103, 101, INT64_MIN, "/usr/sbin/lsmod", args);
	a.ex.msec = 4000000000u;
	exec_event(t, &a, &p);
	ck_assert_str_eq(p.exe, "/usr/bin/bash");
	pt_free(t);
}
END_TEST

START_TEST(test_free_null_is_harmless)
{
	pt_free(NULL);
}
END_TEST

static Suite *proctable_suite(void)
{
	Suite *s = suite_create("proctable");
	TCase *tr = tcase_create("resolve");
	TCase *tp = tcase_create("pid_reuse");
	TCase *tb = tcase_create("bounds");
	TCase *tn = tcase_create("notes");
	TCase *tl = tcase_create("live");
	TCase *th = tcase_create("hosts");
	TCase *ts = tcase_create("starts");

	tcase_add_test(tr, test_child_of_recorded_exec_gets_audit_parent_identity);
	tcase_add_test(tr, test_unknown_parent_is_unknown_with_ppid_as_pid);
	tcase_add_test(tr, test_ppid_1_is_unknown_and_counted_as_reparented);
	tcase_add_test(tr, test_fork_record_names_the_real_parent_of_a_reparented_child);
	tcase_add_test(tr, test_fork_of_unknown_parent_then_reparented_names_parent_pid);
	tcase_add_test(tr, test_earlier_exec_lineage_survives_reparenting);
	tcase_add_test(tr, test_child_exec_logged_before_parent_fork_keeps_its_identity);
	tcase_add_test(tr, test_forked_child_that_never_execs_has_its_parents_identity);
	tcase_add_test(tr, test_systemd_user_is_a_subreaper);
	tcase_add_test(tr, test_process_merely_named_systemd_is_an_ordinary_parent);
	tcase_add_test(tr, test_parent_strings_are_copies_not_the_callers);
	tcase_add_test(tr, test_seed_without_procroot_reads_nothing);
	suite_add_tcase(s, tr);

	tcase_add_test(tp, test_pid_seen_with_other_parent_after_a_wrap_is_dropped_as_stale);
	tcase_add_test(tp, test_other_parent_without_a_pid_wrap_is_a_reparent_not_reuse);
	tcase_add_test(tp, test_pid_seen_with_same_or_reaper_parent_is_kept);
	tcase_add_test(tp, test_fork_onto_a_pid_held_by_another_process_replaces_it);
	tcase_add_test(tp, test_reused_pid_after_a_wrap_without_fork_records_takes_no_stale_lineage);
	tcase_add_test(tp, test_reparent_to_an_ancestor_after_a_wrap_with_fork_records_is_kept);
	tcase_add_test(tp, test_fork_later_than_the_pids_exec_replaces_a_stale_identity);
	tcase_add_test(tp, test_fork_in_the_same_millisecond_as_the_childs_exec_keeps_the_exec);
	tcase_add_test(tp, test_each_fork_of_a_pid_is_a_new_subshell);
	suite_add_tcase(s, tp);

	tcase_add_test(tn, test_subshell_parent_is_noted_as_a_fork_of_its_creator);
	tcase_add_test(tn, test_parent_the_stream_never_described_is_noted_unseen);
	tcase_add_test(tn, test_reaper_parent_is_noted_reparented);
	tcase_add_test(tn, test_exec_parent_has_no_note);
	tcase_add_test(tn, test_parent_args_count_is_the_real_argc_through_exec_and_fork);
	tcase_add_test(tn, test_resolved_executable_flag_travels_with_the_parent);
	suite_add_tcase(s, tn);

	tcase_add_test(tl, test_live_subshell_of_a_script_is_named_after_the_script_from_proc);
	tcase_add_test(tl, test_another_hosts_parent_is_never_read_from_proc);
	tcase_set_timeout(tl, 30);
	suite_add_tcase(s, tl);

	tcase_add_test(th, test_same_pid_on_two_hosts_is_two_processes);
	tcase_add_test(th, test_parent_seen_only_on_another_host_is_unknown);
	tcase_add_test(th, test_records_with_the_local_node_name_are_the_local_hosts);
	tcase_add_test(th, test_without_local_node_only_records_without_node_are_local);
	tcase_add_test(th, test_fork_on_one_host_never_replaces_another_hosts_pid);
	tcase_add_test(th, test_pid_wrap_on_one_host_does_not_age_another_hosts_entries);
	tcase_add_test(th, test_flood_on_one_host_makes_an_evicted_parent_unknown_never_another_hosts);
	tcase_add_test(th, test_node_name_too_long_to_scope_gets_unknown_parents_and_keeps_nothing);
	tcase_add_test(th, test_stats_count_the_remote_hosts);
	tcase_add_test(th, test_flood_of_node_names_evicts_hosts_counted_and_bounded);
	suite_add_tcase(s, th);

	tcase_add_test(ts, test_first_exec_is_the_start_and_the_parent_carries_it);
	tcase_add_test(ts, test_an_exec_chain_keeps_the_start);
	tcase_add_test(ts, test_another_parent_means_a_new_life_for_the_pid);
	tcase_add_test(ts, test_a_fork_record_is_the_start);
	tcase_add_test(ts, test_a_pid_wrap_since_the_entry_means_a_new_life);
	tcase_add_test(ts, test_record_without_resolve_judges_the_start_alike);
	suite_add_tcase(s, ts);

	tcase_add_test(tb, test_lru_evicts_least_recently_used_and_keeps_a_resolved_parent);
	tcase_add_test(tb, test_fork_copies_parent_identity_when_the_table_is_full);
	tcase_add_test(tb, test_fork_copies_parent_identity_at_the_memory_bound);
	tcase_add_test(tb, test_identity_larger_than_memory_bound_keeps_lineage_only);
	tcase_add_test(tb, test_truncated_flag_of_the_exec_is_kept);
	tcase_add_test(tb, test_hostile_pids_are_ignored);
	tcase_add_test(tb, test_absurd_event_times_saturate);
	tcase_add_test(tb, test_free_null_is_harmless);
	tcase_set_timeout(tb, 30);
	suite_add_tcase(s, tb);
	return s;
}

int main(void)
{
	return ck_run(proctable_suite());
}
