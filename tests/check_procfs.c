/* check_procfs.c - /proc reader: real processes, and a fake procroot for the
 * inputs a real kernel will not produce on demand. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "checkrun.h"
#include "procfs.h"

#define MAX_KIDS 8

static char root[PATH_MAX];   /* per test case, removed by its teardown */
static char dir[PATH_MAX];    /* per test, canonical, as /proc/<pid>/cwd */
static pid_t kids[MAX_KIDS];
static int nkids;

/* --- fixtures ---------------------------------------------------------- */

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Unchecked: runs in the runner, so the tree goes even when a test fails. */
static void root_setup(void)
{
	snprintf(root, sizeof(root), "/tmp/check_procfs.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
}

static void root_teardown(void)
{
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void dir_setup(void)
{
	char tmpl[PATH_MAX];

	nkids = 0;
	ck_assert_int_lt(snprintf(tmpl, sizeof(tmpl), "%s/t.XXXXXX", root),
			 (int)sizeof(tmpl));
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	ck_assert_ptr_nonnull(realpath(tmpl, dir));
}

/* Checked teardown runs after a passing test. A failing test in fork mode
 * ends its process before it; the children then die of PR_SET_PDEATHSIG.
 * Each child leads its own process group, so a script's own children (the
 * sleep it runs) go with it. */
static void kids_teardown(void)
{
	int i;

	for (i = 0; i < nkids; i++) {
		kill(-kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
	nkids = 0;
}

/* --- helpers ----------------------------------------------------------- */

static void write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	const char *p = data;
	ssize_t n;

	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	while (len > 0) {
		n = write(fd, p, len);
		ck_assert_msg(n > 0, "%s: %s", path, strerror(errno));
		p += n;
		len -= (size_t)n;
	}
	ck_assert_int_eq(close(fd), 0);
}

static void path_in(char *out, const char *name)
{
	ck_assert_int_lt(snprintf(out, PATH_MAX, "%s/%s", dir, name), PATH_MAX);
}

static const char sleeper[] = "#!/bin/sh\nsleep 5\nexit 0\n";

/* Start path (searched in PATH when search) in cwd (NULL: ours) and return
 * once execve succeeded. A CLOEXEC pipe tells success (EOF) from failure
 * (the child writes errno). */
static pid_t spawn(const char *path, char *const argv[], const char *cwd,
		   bool search)
{
	pid_t parent = getpid(), pid;
	int fds[2], e = 0;
	ssize_t n;

	ck_assert_int_lt(nkids, MAX_KIDS);
	ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		setpgid(0, 0);
		if (cwd != NULL && chdir(cwd) < 0)
			e = errno;
		if (e == 0 && search) {
			setenv("PATH", "/usr/bin:/bin", 1);
			execvp(path, argv);
		} else if (e == 0) {
			execv(path, argv);
		}
		if (e == 0)
			e = errno;
		n = write(fds[1], &e, sizeof(e));
		(void)n;
		_exit(127);
	}
	kids[nkids++] = pid;
	setpgid(pid, pid); /* as the child does: whichever runs first */
	close(fds[1]);
	do
		n = read(fds[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(fds[0]);
	ck_assert_msg(n == 0, "exec %s: %s", path, strerror(e));
	return pid;
}

/* The kernel closes CLOEXEC descriptors before it lays out the new argv,
 * so poll until cmdline shows nargs arguments. */
static void read_ready(pid_t pid, size_t nargs, struct pf_proc *p)
{
	struct kme_err err;
	struct timespec ms10 = { 0, 10 * 1000 * 1000 };
	int i;

	for (i = 0; i < 500; i++) {
		ck_assert_msg(pf_read(NULL, pid, p, &err) == 0, "%s", err.msg);
		if (p->nargs >= nargs)
			return;
		pf_proc_free(p);
		nanosleep(&ms10, NULL);
	}
	ck_abort_msg("pid %d: cmdline never showed %zu args", (int)pid, nargs);
}

/* Fake procroot: dir/<pid>/{stat,cmdline,exe,cwd}. */
static void fake_proc(int pid, const char *comm, int ppid,
		      unsigned long long starttime, const void *cmdline,
		      size_t cmdlen, const char *exe, const char *cwd)
{
	char d[PATH_MAX], f[PATH_MAX + 16], stat[512];
	int n;

	ck_assert_int_lt(snprintf(d, sizeof(d), "%s/%d", dir, pid), PATH_MAX);
	ck_assert_int_eq(mkdir(d, 0755), 0);
	n = snprintf(stat, sizeof(stat),
		     "%d (%s) S %d 1 1 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 "
		     "%llu 1000 100 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 "
		     "0 17 0 0 0 0 0 0\n", pid, comm, ppid, starttime);
	ck_assert_int_lt(n, (int)sizeof(stat));
	snprintf(f, sizeof(f), "%s/stat", d);
	write_file(f, stat, (size_t)n);
	snprintf(f, sizeof(f), "%s/cmdline", d);
	write_file(f, cmdline, cmdlen);
	if (exe != NULL) {
		snprintf(f, sizeof(f), "%s/exe", d);
		ck_assert_int_eq(symlink(exe, f), 0);
	}
	if (cwd != NULL) {
		snprintf(f, sizeof(f), "%s/cwd", d);
		ck_assert_int_eq(symlink(cwd, f), 0);
	}
}

static void fake_btime(const char *text)
{
	char f[PATH_MAX + 8];

	snprintf(f, sizeof(f), "%s/stat", dir);
	write_file(f, text, strlen(text));
}

#define CMD(s) (s), sizeof(s) - 1

/* --- live processes ---------------------------------------------------- */

START_TEST(test_symlink_exec_reports_path_as_executed)
{
	char link[PATH_MAX];
	struct pf_proc p;
	pid_t pid;

	path_in(link, "mysleep");
	ck_assert_int_eq(symlink("/bin/sleep", link), 0);
	pid = spawn(link, (char *[]){ link, "5", NULL }, NULL, false);
	read_ready(pid, 2, &p);
	ck_assert_int_eq(p.pid, pid);
	ck_assert_str_eq(p.executable, link);
	ck_assert_str_eq(p.name, "mysleep");
	ck_assert(!p.name_is_comm);
	ck_assert_uint_eq(p.nargs, 2);
	ck_assert_str_eq(p.args[0], link);
	ck_assert_uint_eq(p.arg_lens[0], strlen(link));
	ck_assert_str_eq(p.args[1], "5");
	ck_assert_uint_eq(p.arg_lens[1], 1);
	ck_assert(!p.args_truncated);
	pf_proc_free(&p);
}
END_TEST

START_TEST(test_script_reports_script_not_interpreter)
{
	char script[PATH_MAX];
	struct pf_proc p;
	pid_t pid;

	path_in(script, "mkinitramfs");
	write_file(script, CMD(sleeper));
	pid = spawn(script, (char *[]){ "mkinitramfs", NULL }, NULL, false);
	read_ready(pid, 2, &p);
	ck_assert_str_eq(p.executable, script);
	ck_assert_str_eq(p.name, "mkinitramfs");
	ck_assert(!p.name_is_comm);
	/* The kernel's argv for "#!/bin/sh": interpreter, then the script. */
	ck_assert_str_eq(p.args[0], "/bin/sh");
	ck_assert_str_eq(p.args[1], script);
	pf_proc_free(&p);
}
END_TEST

START_TEST(test_script_name_longer_than_comm_recovered_from_cmdline)
{
	char script[PATH_MAX];
	struct pf_proc p;
	pid_t pid;

	path_in(script, "whoopsie-upload-all");
	write_file(script, CMD(sleeper));
	pid = spawn(script, (char *[]){ script, NULL }, NULL, false);
	read_ready(pid, 2, &p);
	ck_assert_str_eq(p.executable, script);
	ck_assert_str_eq(p.name, "whoopsie-upload-all");
	pf_proc_free(&p);
}
END_TEST

START_TEST(test_relative_script_made_absolute_with_cwd)
{
	char script[PATH_MAX], want[PATH_MAX];
	struct pf_proc p;
	pid_t pid;

	path_in(script, "relscript");
	write_file(script, CMD(sleeper));
	pid = spawn("./relscript", (char *[]){ "relscript", NULL }, dir, false);
	read_ready(pid, 2, &p);
	ck_assert_str_eq(p.args[1], "./relscript");
	/* Joined with cwd, "./" dropped, as execevent does. */
	path_in(want, "relscript");
	ck_assert_str_eq(p.executable, want);
	ck_assert_str_eq(p.name, "relscript");
	pf_proc_free(&p);
}
END_TEST

/* Remove dir/name/name/... (levels deep) and the file at its bottom, with
 * *at() calls: no path is ever longer than one name. */
static void remove_deep(const char *name, int levels, const char *file)
{
	int fds[64], i, n = 0;

	fds[n++] = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (i = 0; i < levels && i < 63 && fds[n - 1] >= 0; i++) {
		fds[n] = openat(fds[n - 1], name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		n++;
	}
	if (fds[n - 1] >= 0)
		unlinkat(fds[n - 1], file, 0);
	for (i = n - 1; i > 0; i--) {
		if (fds[i] >= 0)
			close(fds[i]);
		if (fds[i - 1] >= 0)
			unlinkat(fds[i - 1], name, AT_REMOVEDIR);
	}
	if (fds[0] >= 0)
		close(fds[0]);
}

/* ./dkms started in a directory deeper than PATH_MAX: /proc/<pid>/cwd
 * cannot be read, so the executable is the exe link; the name is still the
 * script's (as execevent names it from the PATH record). */
START_TEST(test_script_in_cwd_beyond_path_max_is_named_after_the_script)
{
	enum { LEVELS = 24, NAMELEN = 200 };
	char name[NAMELEN + 1], real[PATH_MAX];
	pid_t parent = getpid(), pid;
	struct pf_proc p;
	int i, fds[2], e = 0;
	ssize_t n;

	memset(name, 'd', NAMELEN);
	name[NAMELEN] = '\0';
	ck_assert_ptr_nonnull(realpath("/usr/bin/dash", real));
	ck_assert_int_lt(nkids, MAX_KIDS);
	ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		setpgid(0, 0);
		if (chdir(dir) < 0)
			e = errno;
		for (i = 0; i < LEVELS && e == 0; i++)
			if (mkdir(name, 0755) < 0 || chdir(name) < 0)
				e = errno;
		if (e == 0) {
			int fd = open("dkms", O_WRONLY | O_CREAT | O_TRUNC, 0755);

			if (fd < 0 || write(fd, sleeper, sizeof(sleeper) - 1) < 0 ||
			    close(fd) < 0)
				e = errno;
		}
		if (e == 0) {
			execl("./dkms", "dkms", (char *)NULL);
			e = errno;
		}
		n = write(fds[1], &e, sizeof(e));
		(void)n;
		_exit(127);
	}
	kids[nkids++] = pid;
	setpgid(pid, pid);
	close(fds[1]);
	do
		n = read(fds[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(fds[0]);
	ck_assert_msg(n == 0, "exec ./dkms in a deep directory: %s", strerror(e));
	read_ready(pid, 2, &p);
	/* nftw in the teardown cannot walk paths beyond PATH_MAX: remove the
	 * tree here, one directory descriptor at a time, before asserting. */
	remove_deep(name, LEVELS, "dkms");
	ck_assert_str_eq(p.args[1], "./dkms");
	ck_assert_str_eq(p.name, "dkms");
	ck_assert_str_eq(p.executable, real);
	ck_assert(p.exe_resolved);
	pf_proc_free(&p);
}
END_TEST

START_TEST(test_path_lookup_binary_uses_exe_link)
{
	char real[PATH_MAX];
	struct pf_proc p;
	pid_t pid;

	ck_assert_ptr_nonnull(realpath("/usr/bin/sleep", real));
	pid = spawn("sleep", (char *[]){ "sleep", "5", NULL }, NULL, true);
	read_ready(pid, 2, &p);
	ck_assert_str_eq(p.executable, real);
	ck_assert_str_eq(p.name, "sleep");
	ck_assert(!p.name_is_comm);
	ck_assert_str_eq(p.args[0], "sleep");
	pf_proc_free(&p);
}
END_TEST

START_TEST(test_child_ppid_and_start_time)
{
	struct pf_proc p;
	time_t before = time(NULL);
	pid_t pid;

	pid = spawn("/bin/sleep", (char *[]){ "sleep", "5", NULL }, NULL, false);
	read_ready(pid, 2, &p);
	ck_assert_int_eq(p.ppid, getpid());
	/* btime and starttime are both whole units: allow their rounding. */
	ck_assert_int_ge(p.start_time, (int64_t)before - 2);
	ck_assert_int_le(p.start_time, (int64_t)time(NULL) + 2);
	pf_proc_free(&p);
}
END_TEST

START_TEST(test_own_process_reads)
{
	struct pf_proc p;
	struct kme_err err;

	ck_assert_msg(pf_read("/proc", getpid(), &p, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(p.pid, getpid());
	ck_assert_int_eq(p.ppid, getppid());
	ck_assert_ptr_nonnull(p.executable);
	ck_assert_uint_ge(p.nargs, 1);
	pf_proc_free(&p);
}
END_TEST

/* What an entity id and a parent's identity need: the start in ticks and
 * ms, the cwd link, the real and effective ids of status, the boot id. */
START_TEST(test_child_start_ticks_cwd_ids_and_boot_id)
{
	char boot[PF_BOOT_ID_SIZE];
	struct pf_proc p;
	pid_t pid;
	long hz = sysconf(_SC_CLK_TCK);

	pid = spawn("/bin/sleep", (char *[]){ "sleep", "5", NULL }, "/tmp", false);
	read_ready(pid, 2, &p);
	ck_assert_uint_gt(p.start_ticks, 0);
	ck_assert_int_ge(p.start_ms, p.start_time * 1000);
	ck_assert_int_lt(p.start_ms, (p.start_time + 1) * 1000);
	ck_assert_int_eq(p.start_ms % 1000, (int64_t)(p.start_ticks % (unsigned long long)hz * 1000 / (unsigned long long)hz));
	ck_assert_str_eq(p.cwd, "/tmp");
	ck_assert(p.cred_known);
	ck_assert_uint_eq(p.uid, getuid());
	ck_assert_uint_eq(p.euid, geteuid());
	ck_assert_uint_eq(p.gid, getgid());
	ck_assert_uint_eq(p.egid, getegid());
	pf_proc_free(&p);
	ck_assert(pf_boot_id(NULL, boot));
	ck_assert_uint_eq(strlen(boot), PF_BOOT_ID_SIZE - 1);
}
END_TEST

/* A fake procroot without status or boot_id: unknown, not an error; a
 * boot_id that is not one is refused. */
START_TEST(test_fake_without_status_has_unknown_ids_and_boot_id)
{
	char boot[PF_BOOT_ID_SIZE], f[PATH_MAX + 32];
	struct pf_proc p;
	struct kme_err err;

	fake_btime("btime 1000\n");
	fake_proc(9, "worker", 1, 0, CMD("worker\0"), NULL, NULL);
	ck_assert_msg(pf_read(dir, 9, &p, &err) == 0, "%s", err.msg);
	ck_assert(!p.cred_known);
	ck_assert_ptr_null(p.cwd);
	pf_proc_free(&p);
	ck_assert(!pf_boot_id(dir, boot));
	ck_assert_str_eq(boot, "");
	snprintf(f, sizeof(f), "%s/sys", dir);
	ck_assert_int_eq(mkdir(f, 0755), 0);
	snprintf(f, sizeof(f), "%s/sys/kernel", dir);
	ck_assert_int_eq(mkdir(f, 0755), 0);
	snprintf(f, sizeof(f), "%s/sys/kernel/random", dir);
	ck_assert_int_eq(mkdir(f, 0755), 0);
	snprintf(f, sizeof(f), "%s/sys/kernel/random/boot_id", dir);
	write_file(f, "not a boot id, no sir, nothing of the kind\n", 44);
	ck_assert(!pf_boot_id(dir, boot));
	unlink(f);
	write_file(f, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\n", 37);
	ck_assert(pf_boot_id(dir, boot));
	ck_assert_str_eq(boot, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
}
END_TEST

START_TEST(test_missing_pid_fails_naming_it)
{
	struct pf_proc p;
	struct kme_err err = { "" };

	ck_assert_int_eq(pf_read(NULL, INT32_MAX, &p, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "/proc/2147483647"));
	ck_assert_ptr_nonnull(strstr(err.msg, "No such file"));
	ck_assert_ptr_null(p.executable);
	ck_assert_ptr_null(p.name);
	ck_assert_ptr_null(p.args);
	ck_assert_uint_eq(p.nargs, 0);
}
END_TEST

START_TEST(test_process_gone_between_reads_fails)
{
	struct pf_proc p;
	struct kme_err err = { "" };
	char pidstr[32];
	pid_t pid;

	pid = spawn("/bin/sleep", (char *[]){ "sleep", "5", NULL }, NULL, false);
	read_ready(pid, 2, &p);
	pf_proc_free(&p);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	nkids--;
	ck_assert_int_eq(pf_read(NULL, pid, &p, &err), -1);
	snprintf(pidstr, sizeof(pidstr), "/%d", (int)pid);
	ck_assert_ptr_nonnull(strstr(err.msg, pidstr));
	ck_assert_ptr_null(p.name);
}
END_TEST

/* A zombie, like a kernel thread, has no cmdline and no exe: comm only. */
START_TEST(test_zombie_known_by_comm_only)
{
	struct pf_proc p;
	struct kme_err err;
	siginfo_t si;
	pid_t pid;

	pid = spawn("/bin/sleep", (char *[]){ "sleep", "5", NULL }, NULL, false);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
	ck_assert_msg(pf_read(NULL, pid, &p, &err) == 0, "%s", err.msg);
	ck_assert_ptr_null(p.executable);
	ck_assert_str_eq(p.name, "sleep");
	ck_assert(p.name_is_comm);
	ck_assert_uint_eq(p.nargs, 0);
	ck_assert_ptr_null(p.args);
	pf_proc_free(&p);
}
END_TEST

struct seen {
	int32_t last;
	bool ordered, self, init;
	int calls, stop_at;
};

static int collect(void *arg, const struct pf_proc *p)
{
	struct seen *s = arg;

	s->ordered = s->ordered && p->pid > s->last;
	s->last = p->pid;
	s->self = s->self || p->pid == getpid();
	s->init = s->init || p->pid == 1;
	return ++s->calls == s->stop_at ? 7 : 0;
}

START_TEST(test_foreach_visits_self_and_init_in_order)
{
	struct seen s = { 0, true, false, false, 0, -1 };
	struct kme_err err;

	ck_assert_msg(pf_foreach(NULL, collect, &s, &err) == 0, "%s", err.msg);
	ck_assert(s.ordered);
	ck_assert(s.self);
	ck_assert(s.init);
	ck_assert_int_gt(s.calls, 2);
}
END_TEST

START_TEST(test_foreach_stops_when_callback_returns_nonzero)
{
	struct seen s = { 0, true, false, false, 0, 2 };
	struct kme_err err;

	ck_assert_int_eq(pf_foreach("/proc", collect, &s, &err), 7);
	ck_assert_int_eq(s.calls, 2);
}
END_TEST

START_TEST(test_foreach_missing_procroot_fails)
{
	struct seen s = { 0, true, false, false, 0, -1 };
	struct kme_err err = { "" };
	char gone[PATH_MAX];

	path_in(gone, "nonexistent");
	ck_assert_int_eq(pf_foreach(gone, collect, &s, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, gone));
	ck_assert_int_eq(s.calls, 0);
}
END_TEST

/* --- fake procroot ----------------------------------------------------- */

START_TEST(test_fake_comm_with_parens_and_spaces)
{
	struct pf_proc p;
	struct kme_err err;
	long tck = sysconf(_SC_CLK_TCK);

	fake_btime("cpu  1 2 3\nbtime 1000\nprocesses 5\n");
	fake_proc(42, "a) (b c", 7, 5ULL * (unsigned long long)tck,
		  CMD("/opt/a) (b c\0--flag\0"), NULL, NULL);
	ck_assert_msg(pf_read(dir, 42, &p, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(p.pid, 42);
	ck_assert_int_eq(p.ppid, 7);
	ck_assert_int_eq(p.start_time, 1005);
	ck_assert_str_eq(p.executable, "/opt/a) (b c");
	ck_assert_str_eq(p.name, "a) (b c");
	ck_assert_uint_eq(p.nargs, 2);
	ck_assert_str_eq(p.args[1], "--flag");
	pf_proc_free(&p);
}
END_TEST

START_TEST(test_fake_no_exe_no_path_argv0_falls_back_to_comm)
{
	struct pf_proc p;
	struct kme_err err;

	fake_proc(9, "worker", 1, 0, CMD("worker\0"), NULL, NULL);
	ck_assert_msg(pf_read(dir, 9, &p, &err) == 0, "%s", err.msg);
	ck_assert_ptr_null(p.executable);
	ck_assert_str_eq(p.name, "worker");
	ck_assert(p.name_is_comm);
	ck_assert_int_eq(p.start_time, -1); /* no procroot/stat */
	pf_proc_free(&p);
}
END_TEST

START_TEST(test_fake_long_comm_cut_to_15_bytes)
{
	struct pf_proc p;
	struct kme_err err;

	fake_proc(9, "kworker/u8:2-events_unbound", 2, 0, CMD(""), NULL, NULL);
	ck_assert_msg(pf_read(dir, 9, &p, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(p.name, "kworker/u8:2-ev");
	ck_assert(p.name_is_comm);
	ck_assert_uint_eq(p.nargs, 0);
	pf_proc_free(&p);
}
END_TEST

START_TEST(test_fake_script_skips_options_and_joins_cwd)
{
	struct pf_proc p;
	struct kme_err err;

	fake_proc(300, "linux-modules-6", 1, 0,
		  CMD("/bin/sh\0-e\0rel/linux-modules-6.1.0-9-generic.postinst\0"
		      "configure\0"), "/usr/bin/dash", "/var/lib/dpkg/info");
	ck_assert_msg(pf_read(dir, 300, &p, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(p.executable, "/var/lib/dpkg/info/rel/"
			 "linux-modules-6.1.0-9-generic.postinst");
	ck_assert_str_eq(p.name, "linux-modules-6.1.0-9-generic.postinst");
	pf_proc_free(&p);
}
END_TEST

/* Joined to the cwd, never rewritten: '..' may follow a symlinked
 * directory, and text must not move a path into an exclusion. */
START_TEST(test_fake_script_path_kept_as_given)
{
	struct pf_proc p;
	struct kme_err err;

	fake_proc(304, "x.postinst", 1, 0,
		  CMD("/bin/sh\0../dpkg/./info//x.postinst\0"),
		  "/usr/bin/dash", "/var/lib/tmp");
	ck_assert_msg(pf_read(dir, 304, &p, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(p.executable, "/var/lib/tmp/../dpkg/./info//x.postinst");
	ck_assert_str_eq(p.name, "x.postinst");
	ck_assert(!p.exe_resolved);
	pf_proc_free(&p);
}
END_TEST

START_TEST(test_fake_dotdot_forgery_is_not_the_dpkg_script)
{
	struct pf_proc p;
	struct kme_err err;

	fake_proc(307, "linux-modules-9", 1, 0,
		  CMD("/bin/sh\0/tmp/d/t/s/../../../../../var/lib/dpkg/info/"
		      "linux-modules-9-generic.postinst\0configure\0"),
		  "/usr/bin/dash", "/tmp/d");
	ck_assert_msg(pf_read(dir, 307, &p, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(p.executable, "/tmp/d/t/s/../../../../../var/lib/dpkg/info/"
			 "linux-modules-9-generic.postinst");
	pf_proc_free(&p);
}
END_TEST

/* As execevent: a relative path with no cwd (a cwd beyond PATH_MAX has no
 * readable link) cannot be placed: the executable is the exe link, the name
 * is still the script's. */
START_TEST(test_fake_relative_script_without_cwd_uses_exe_link_keeps_name)
{
	struct pf_proc p;
	struct kme_err err;

	fake_proc(305, "job", 1, 0, CMD("/usr/bin/perl\0job.pl\0"),
		  "/usr/bin/perl", NULL);
	ck_assert_msg(pf_read(dir, 305, &p, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(p.executable, "/usr/bin/perl");
	ck_assert(p.exe_resolved);
	ck_assert_str_eq(p.name, "job.pl");
	pf_proc_free(&p);
}
END_TEST

/* ./dkms started in a directory deeper than PATH_MAX (22-too-long of
 * tests/data/fidelity-raw.log, seen from /proc): dkms, as v211 excludes. */
START_TEST(test_fake_dkms_in_too_long_cwd_is_named_dkms)
{
	struct pf_proc p;
	struct kme_err err;

	fake_proc(308, "dkms", 1, 0, CMD("/bin/sh\0./dkms\0"), "/usr/bin/dash", NULL);
	ck_assert_msg(pf_read(dir, 308, &p, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(p.name, "dkms");
	ck_assert_str_eq(p.executable, "/usr/bin/dash");
	ck_assert(p.exe_resolved);
	pf_proc_free(&p);
}
END_TEST

/* comm ".." (prctl can set any name) and argv[0] "/a/..": kept as given;
 * its basename is "..". */
START_TEST(test_fake_path_with_dotdot_is_kept_and_named_by_its_basename)
{
	struct pf_proc p;
	struct kme_err err;

	fake_proc(306, "..", 1, 0, CMD("/a/..\0"), NULL, NULL);
	ck_assert_msg(pf_read(dir, 306, &p, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(p.executable, "/a/..");
	ck_assert_str_eq(p.name, "..");
	ck_assert(!p.name_is_comm);
	pf_proc_free(&p);
}
END_TEST

START_TEST(test_fake_script_in_cwd_root_has_one_slash)
{
	struct pf_proc p;
	struct kme_err err;

	fake_proc(301, "job", 1, 0, CMD("/usr/bin/perl\0job.pl\0"),
		  "/usr/bin/perl", "/");
	ck_assert_msg(pf_read(dir, 301, &p, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(p.executable, "/job.pl");
	pf_proc_free(&p);
}
END_TEST

START_TEST(test_fake_script_beyond_fourth_argument_not_taken)
{
	struct pf_proc p;
	struct kme_err err;

	fake_proc(302, "tool.py", 1, 0,
		  CMD("/usr/bin/python3\0-a\0-b\0-c\0-d\0/x/tool.py\0"),
		  "/usr/bin/python3.11", "/");
	ck_assert_msg(pf_read(dir, 302, &p, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(p.executable, "/usr/bin/python3.11");
	ck_assert_str_eq(p.name, "python3.11");
	pf_proc_free(&p);
}
END_TEST

/* comm equals the image's name: a program, not an interpreter, even when
 * an argument happens to begin with comm and the binary was replaced. */
START_TEST(test_fake_deleted_binary_is_not_a_script)
{
	struct pf_proc p;
	struct kme_err err;

	fake_proc(303, "sleep", 1, 0, CMD("sleep\0sleepy\0"),
		  "/usr/bin/sleep (deleted)", "/home");
	ck_assert_msg(pf_read(dir, 303, &p, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(p.executable, "/usr/bin/sleep (deleted)");
	pf_proc_free(&p);
}
END_TEST

START_TEST(test_fake_cmdline_10000_args_truncated)
{
	static char cmd[20000];
	struct pf_proc p;
	struct kme_err err;
	size_t i;

	for (i = 0; i < sizeof(cmd); i += 2)
		memcpy(cmd + i, "a", 2);
	fake_proc(10, "a", 1, 0, cmd, sizeof(cmd), NULL, NULL);
	ck_assert_msg(pf_read(dir, 10, &p, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(p.nargs, PF_MAX_ARGS);
	ck_assert(p.args_truncated);
	for (i = 0; i < p.nargs; i++) {
		ck_assert_str_eq(p.args[i], "a");
		ck_assert_uint_eq(p.arg_lens[i], 1);
	}
	pf_proc_free(&p);
}
END_TEST

/* 300,000 arguments: far more than are stored, all counted (the real argc
 * for the parent's args_count). */
START_TEST(test_fake_argc_counts_the_whole_cmdline)
{
	size_t n = 300000, len = 2 * n;
	char *cmd = malloc(len);
	struct pf_proc p;
	struct kme_err err;
	size_t i;

	ck_assert_ptr_nonnull(cmd);
	for (i = 0; i < len; i += 2)
		memcpy(cmd + i, "a", 2);
	fake_proc(18, "a", 1, 0, cmd, len, NULL, NULL);
	free(cmd);
	ck_assert_msg(pf_read(dir, 18, &p, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(p.nargs, PF_MAX_ARGS);
	ck_assert(p.args_truncated);
	ck_assert_uint_eq(p.argc, n);
	pf_proc_free(&p);
}
END_TEST

START_TEST(test_fake_cmdline_unterminated_last_arg_kept)
{
	struct pf_proc p;
	struct kme_err err;

	fake_proc(11, "one", 1, 0, CMD("one\0\0two"), NULL, NULL);
	ck_assert_msg(pf_read(dir, 11, &p, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(p.nargs, 3);
	ck_assert_str_eq(p.args[0], "one");
	ck_assert_uint_eq(p.arg_lens[1], 0);
	ck_assert_str_eq(p.args[2], "two");
	ck_assert_uint_eq(p.arg_lens[2], 3);
	ck_assert(!p.args_truncated);
	pf_proc_free(&p);
}
END_TEST

START_TEST(test_fake_cmdline_huge_bounded)
{
	size_t len = 1 << 20;
	char *cmd = malloc(len);
	struct pf_proc p;
	struct kme_err err;

	ck_assert_ptr_nonnull(cmd);
	memset(cmd, 'x', len);
	fake_proc(12, "x", 1, 0, cmd, len, NULL, NULL);
	free(cmd);
	ck_assert_msg(pf_read(dir, 12, &p, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(p.nargs, 1);
	ck_assert_uint_eq(p.arg_lens[0], PF_MAX_ARGS_BYTES);
	ck_assert_uint_eq(strlen(p.args[0]), PF_MAX_ARGS_BYTES);
	ck_assert(p.args_truncated);
	pf_proc_free(&p);
}
END_TEST

START_TEST(test_fake_cmdline_exactly_at_bound_not_truncated)
{
	char cmd[PF_MAX_ARGS_BYTES];
	struct pf_proc p;
	struct kme_err err;

	memset(cmd, 'y', sizeof(cmd) - 1);
	cmd[sizeof(cmd) - 1] = '\0';
	fake_proc(13, "y", 1, 0, cmd, sizeof(cmd), NULL, NULL);
	ck_assert_msg(pf_read(dir, 13, &p, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(p.nargs, 1);
	ck_assert_uint_eq(p.arg_lens[0], PF_MAX_ARGS_BYTES - 1);
	ck_assert(!p.args_truncated);
	pf_proc_free(&p);
}
END_TEST

START_TEST(test_fake_stat_without_comm_close_fails)
{
	char f[PATH_MAX + 8];
	struct pf_proc p;
	struct kme_err err = { "" };

	fake_proc(14, "z", 1, 0, CMD("z\0"), NULL, NULL);
	snprintf(f, sizeof(f), "%s/14/stat", dir);
	write_file(f, CMD("14 (z S 1 1 1"));
	ck_assert_int_eq(pf_read(dir, 14, &p, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "/14/stat:1:"));
	ck_assert_ptr_null(p.name);
}
END_TEST

START_TEST(test_fake_stat_short_fails)
{
	char f[PATH_MAX + 8];
	struct pf_proc p;
	struct kme_err err = { "" };

	fake_proc(15, "z", 1, 0, CMD("z\0"), NULL, NULL);
	snprintf(f, sizeof(f), "%s/15/stat", dir);
	write_file(f, CMD("15 (z) S 1 1 1 0 -1\n"));
	ck_assert_int_eq(pf_read(dir, 15, &p, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "fewer than 22 fields"));
}
END_TEST

START_TEST(test_fake_stat_bad_ppid_fails)
{
	struct pf_proc p;
	struct kme_err err = { "" };

	fake_proc(16, "z", -3, 0, CMD("z\0"), NULL, NULL);
	ck_assert_int_eq(pf_read(dir, 16, &p, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "bad ppid"));
}
END_TEST

/* A stat line padded past the 1 KiB read: field 22 lies beyond it. */
START_TEST(test_fake_stat_longer_than_bound_fails)
{
	char f[PATH_MAX + 8], line[2048];
	struct pf_proc p;
	struct kme_err err = { "" };
	int n;

	fake_proc(17, "z", 1, 0, CMD("z\0"), NULL, NULL);
	n = snprintf(line, sizeof(line), "17 (z) S 1 %01200d 1 1 0 -1 1 1 1 1 "
		     "1 1 1 1 1 1 1 1 1 1 77\n", 5);
	snprintf(f, sizeof(f), "%s/17/stat", dir);
	write_file(f, line, (size_t)n);
	ck_assert_int_eq(pf_read(dir, 17, &p, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "/17/stat:1:"));
}
END_TEST

START_TEST(test_boot_time_found_after_long_lines)
{
	static const char tail[] = " btime 666\ncpu 1\nbtime 1700000000\nctxt 9\n";
	size_t fill = 20000;
	char *text = malloc(fill + sizeof(tail));

	ck_assert_ptr_nonnull(text);
	/* A long "intr" line holding the key mid-line must not match. */
	memset(text, '1', fill);
	memcpy(text, "intr ", 5);
	memcpy(text + fill, tail, sizeof(tail));
	fake_btime(text);
	free(text);
	ck_assert_int_eq(pf_boot_time(dir), 1700000000);
}
END_TEST

START_TEST(test_boot_time_last_line_without_newline)
{
	fake_btime("cpu 1\nbtime 42");
	ck_assert_int_eq(pf_boot_time(dir), 42);
}
END_TEST

START_TEST(test_boot_time_missing_or_malformed_is_unknown)
{
	ck_assert_int_eq(pf_boot_time(dir), -1);
	fake_btime("cpu 1\nbtime x42\n");
	ck_assert_int_eq(pf_boot_time(dir), -1);
	fake_btime("btime 99999999999999999999\n");
	ck_assert_int_eq(pf_boot_time(dir), -1);
}
END_TEST

START_TEST(test_boot_time_of_this_machine_is_past)
{
	int64_t bt = pf_boot_time(NULL);

	ck_assert_int_gt(bt, 0);
	ck_assert_int_le(bt, (int64_t)time(NULL));
}
END_TEST

struct order {
	int32_t pids[8];
	int n;
};

static int record(void *arg, const struct pf_proc *p)
{
	struct order *o = arg;

	ck_assert_int_lt(o->n, 8);
	o->pids[o->n++] = p->pid;
	return 0;
}

START_TEST(test_fake_foreach_numeric_sorted_skips_unreadable)
{
	struct order o = { { 0 }, 0 };
	struct kme_err err;
	char d[PATH_MAX + 8];

	fake_proc(10, "ten", 1, 0, CMD("ten\0"), NULL, NULL);
	fake_proc(2, "two", 1, 0, CMD("two\0"), NULL, NULL);
	fake_proc(1, "one", 0, 0, CMD("one\0"), NULL, NULL);
	fake_proc(3, "z", 1, 0, CMD("z\0"), NULL, NULL);
	snprintf(d, sizeof(d), "%s/3/stat", dir);
	ck_assert_int_eq(unlink(d), 0);               /* "vanished" */
	snprintf(d, sizeof(d), "%s/abc", dir);
	ck_assert_int_eq(mkdir(d, 0755), 0);
	snprintf(d, sizeof(d), "%s/00", dir);         /* pid 0 is no process */
	ck_assert_int_eq(mkdir(d, 0755), 0);
	ck_assert_msg(pf_foreach(dir, record, &o, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(o.n, 3);
	ck_assert_int_eq(o.pids[0], 1);
	ck_assert_int_eq(o.pids[1], 2);
	ck_assert_int_eq(o.pids[2], 10);
}
END_TEST

START_TEST(test_proc_free_twice_is_safe)
{
	struct pf_proc p;
	struct kme_err err;

	ck_assert_msg(pf_read(NULL, getpid(), &p, &err) == 0, "%s", err.msg);
	pf_proc_free(&p);
	pf_proc_free(&p);
	pf_proc_free(NULL);
	ck_assert_ptr_null(p.args);
}
END_TEST

static Suite *procfs_suite(void)
{
	Suite *s = suite_create("procfs");
	TCase *live = tcase_create("live");
	TCase *fake = tcase_create("fake procroot");

	tcase_add_unchecked_fixture(live, root_setup, root_teardown);
	tcase_add_checked_fixture(live, dir_setup, kids_teardown);
	tcase_set_timeout(live, 30);
	tcase_add_test(live, test_symlink_exec_reports_path_as_executed);
	tcase_add_test(live, test_script_reports_script_not_interpreter);
	tcase_add_test(live, test_script_name_longer_than_comm_recovered_from_cmdline);
	tcase_add_test(live, test_relative_script_made_absolute_with_cwd);
	tcase_add_test(live, test_script_in_cwd_beyond_path_max_is_named_after_the_script);
	tcase_add_test(live, test_path_lookup_binary_uses_exe_link);
	tcase_add_test(live, test_child_ppid_and_start_time);
	tcase_add_test(live, test_child_start_ticks_cwd_ids_and_boot_id);
	tcase_add_test(live, test_own_process_reads);
	tcase_add_test(live, test_missing_pid_fails_naming_it);
	tcase_add_test(live, test_process_gone_between_reads_fails);
	tcase_add_test(live, test_zombie_known_by_comm_only);
	tcase_add_test(live, test_foreach_visits_self_and_init_in_order);
	tcase_add_test(live, test_foreach_stops_when_callback_returns_nonzero);
	tcase_add_test(live, test_foreach_missing_procroot_fails);
	tcase_add_test(live, test_boot_time_of_this_machine_is_past);
	tcase_add_test(live, test_proc_free_twice_is_safe);
	suite_add_tcase(s, live);

	tcase_add_unchecked_fixture(fake, root_setup, root_teardown);
	tcase_add_checked_fixture(fake, dir_setup, kids_teardown);
	tcase_add_test(fake, test_fake_comm_with_parens_and_spaces);
	tcase_add_test(fake, test_fake_no_exe_no_path_argv0_falls_back_to_comm);
	tcase_add_test(fake, test_fake_without_status_has_unknown_ids_and_boot_id);
	tcase_add_test(fake, test_fake_long_comm_cut_to_15_bytes);
	tcase_add_test(fake, test_fake_script_skips_options_and_joins_cwd);
	tcase_add_test(fake, test_fake_script_in_cwd_root_has_one_slash);
	tcase_add_test(fake, test_fake_script_path_kept_as_given);
	tcase_add_test(fake, test_fake_dotdot_forgery_is_not_the_dpkg_script);
	tcase_add_test(fake, test_fake_relative_script_without_cwd_uses_exe_link_keeps_name);
	tcase_add_test(fake, test_fake_dkms_in_too_long_cwd_is_named_dkms);
	tcase_add_test(fake, test_fake_path_with_dotdot_is_kept_and_named_by_its_basename);
	tcase_add_test(fake, test_fake_argc_counts_the_whole_cmdline);
	tcase_add_test(fake, test_fake_script_beyond_fourth_argument_not_taken);
	tcase_add_test(fake, test_fake_deleted_binary_is_not_a_script);
	tcase_add_test(fake, test_fake_cmdline_10000_args_truncated);
	tcase_add_test(fake, test_fake_cmdline_unterminated_last_arg_kept);
	tcase_add_test(fake, test_fake_cmdline_huge_bounded);
	tcase_add_test(fake, test_fake_cmdline_exactly_at_bound_not_truncated);
	tcase_add_test(fake, test_fake_stat_without_comm_close_fails);
	tcase_add_test(fake, test_fake_stat_short_fails);
	tcase_add_test(fake, test_fake_stat_bad_ppid_fails);
	tcase_add_test(fake, test_fake_stat_longer_than_bound_fails);
	tcase_add_test(fake, test_boot_time_found_after_long_lines);
	tcase_add_test(fake, test_boot_time_last_line_without_newline);
	tcase_add_test(fake, test_boot_time_missing_or_malformed_is_unknown);
	tcase_add_test(fake, test_fake_foreach_numeric_sorted_skips_unreadable);
	suite_add_tcase(s, fake);
	return s;
}

int main(void)
{
	int rc;

	/* A failed test in fork mode skips its teardown; its children then die
	 * of PR_SET_PDEATHSIG (a script's own child runs out its sleep). As
	 * subreaper we inherit and reap them all, instead of leaving zombies
	 * to init. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	rc = ck_run(procfs_suite());
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	return rc;
}
