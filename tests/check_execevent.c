/* check_execevent.c - real-format audit records to the ECS view of an exec.
 *
 * Records are fed through the real assembler (libauparse), in the shapes a
 * Debian 12 kernel/auditd produce (RAW and ENRICHED, with and without node=).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assemble.h"
#include "buf.h"
#include "checkrun.h"
#include "execargs.h"
#include "execevent.h"

/* ---- harness: feed lines, copy every built event out ------------------ */

#define MAX_EV 8
#define KEEP_ARGS 16
#define MAX_WATCH 4

struct cstr {
	bool present;
	char *p;
	size_t len;
};

struct got_ev {
	enum ev_kind kind;
	int64_t sec;
	uint32_t msec;
	uint64_t serial;
	bool has_syscall, malformed, success;
	int32_t pid, ppid, fork_child, proc_pid, exec_ppid;
	struct cstr executable, name, cwd, node, comm, exe, tty, user_name;
	struct cstr euser_name, group_name, egroup_name, auser_name, title;
	bool title_cut;
	const char *arch;
	struct cstr ev_node;  /* ev_event.node: every SYSCALL event's */
	bool name_is_comm, truncated, exe_resolved;
	size_t nargs, argc;
	bool watching;        /* the event carried the watch set */
	bool seen[MAX_WATCH]; /* seen[i]: watch value i was an argument */
	struct cstr args[KEEP_ARGS];
	uint32_t uid, euid, gid, egid, auid, ses, suid, sgid;
};

struct harness {
	struct ev_builder *b;
	struct as_assembler *a;
	size_t n;
	struct got_ev ev[MAX_EV];
	struct kme_str watch[MAX_WATCH];
	struct kme_argset set;
};

static struct cstr copy_str(struct kme_str s)
{
	struct cstr c = { false, NULL, 0 };

	if (!kme_str_present(s))
		return c;
	/* kme.h promises p[len] == '\0': check it on every string. */
	if (s.p[s.len] != '\0')
		ck_abort_msg("string not NUL-terminated at its length");
	c.present = true;
	c.len = s.len;
	c.p = malloc(s.len + 1);
	if (c.p == NULL)
		ck_abort_msg("out of memory");
	memcpy(c.p, s.p, s.len + 1);
	return c;
}

static void free_str(struct cstr *c)
{
	free(c->p);
	c->p = NULL;
}

static void on_event(void *arg, auparse_state_t *au, struct kme_str node)
{
	struct harness *h = arg;
	struct ev_event ev;
	struct got_ev *g;
	size_t i;

	ev_build(h->b, au, node, &ev);
	if (h->n >= MAX_EV)
		ck_abort_msg("more than %d events", MAX_EV);
	g = &h->ev[h->n++];
	memset(g, 0, sizeof(*g));
	g->kind = ev.kind;
	g->sec = ev.sec;
	g->msec = ev.msec;
	g->serial = ev.serial;
	g->has_syscall = ev.has_syscall;
	g->malformed = ev.malformed;
	g->pid = ev.pid;
	g->ppid = ev.ppid;
	g->fork_child = ev.fork_child;
	g->ev_node = copy_str(ev.node);
	if (ev.kind != EV_EXEC)
		return;
	ev_decode_details(h->b, &ev.exec);   /* as the engine, for every exec */
	g->success = ev.exec.success;
	g->proc_pid = ev.exec.proc.pid;
	g->exec_ppid = ev.exec.ppid;
	g->executable = copy_str(ev.exec.proc.executable);
	g->name = copy_str(ev.exec.proc.name);
	g->name_is_comm = ev.exec.proc.name_is_comm;
	g->cwd = copy_str(ev.exec.proc.cwd);
	g->node = copy_str(ev.exec.node);
	g->comm = copy_str(ev.exec.comm);
	g->exe = copy_str(ev.exec.exe);
	g->tty = copy_str(ev.exec.tty);
	g->user_name = copy_str(ev.exec.user_name);
	g->euser_name = copy_str(ev.exec.euser_name);
	g->group_name = copy_str(ev.exec.group_name);
	g->egroup_name = copy_str(ev.exec.egroup_name);
	g->auser_name = copy_str(ev.exec.auser_name);
	g->title = copy_str(ev.exec.title);
	g->title_cut = ev.exec.title_cut;
	g->arch = ev.exec.arch;
	g->truncated = ev.exec.proc.args.truncated;
	g->exe_resolved = ev.exec.proc.exe_resolved;
	g->nargs = ev.exec.proc.args.n;
	g->argc = kme_args_count(&ev.exec.proc.args);
	g->watching = ev.exec.proc.args.watched == &h->set &&
		      ev.exec.proc.args.seen != NULL;
	for (i = 0; g->watching && i < h->set.n && i < MAX_WATCH; i++)
		g->seen[i] = ev.exec.proc.args.seen[i];
	for (i = 0; i < ev.exec.proc.args.n && i < KEEP_ARGS; i++)
		g->args[i] = copy_str(ev.exec.proc.args.v[i]);
	g->uid = ev.exec.uid;
	g->euid = ev.exec.euid;
	g->gid = ev.exec.gid;
	g->egid = ev.exec.egid;
	g->auid = ev.exec.auid;
	g->ses = ev.exec.ses;
	g->suid = ev.exec.suid;
	g->sgid = ev.exec.sgid;
}

static struct harness *h_new(void)
{
	struct kme_err err = { "" };
	struct harness *h = calloc(1, sizeof(*h));

	ck_assert_ptr_nonnull(h);
	h->b = ev_builder_new(&err);
	ck_assert_msg(h->b != NULL, "ev_builder_new: %s", err.msg);
	h->a = as_new(on_event, h, &err);
	ck_assert_msg(h->a != NULL, "as_new: %s", err.msg);
	return h;
}

/* Watch these values (as the engine watches the rule's argument values). */
static struct harness *h_new_watching(const char *const *values, size_t n)
{
	struct kme_err err = { "" };
	struct harness *h = h_new();
	size_t i;

	ck_assert_uint_le(n, MAX_WATCH);
	for (i = 0; i < n; i++)
		h->watch[i] = (struct kme_str){ values[i], strlen(values[i]) };
	h->set = (struct kme_argset){ h->watch, n };
	ck_assert_msg(ev_builder_watch(h->b, &h->set, &err) == 0,
		      "ev_builder_watch: %s", err.msg);
	return h;
}

static void h_free(struct harness *h)
{
	size_t i, j;

	for (i = 0; i < h->n; i++) {
		struct got_ev *g = &h->ev[i];

		free_str(&g->executable);
		free_str(&g->name);
		free_str(&g->cwd);
		free_str(&g->node);
		free_str(&g->ev_node);
		free_str(&g->comm);
		free_str(&g->exe);
		free_str(&g->tty);
		free_str(&g->user_name);
		free_str(&g->euser_name);
		free_str(&g->group_name);
		free_str(&g->egroup_name);
		free_str(&g->auser_name);
		free_str(&g->title);
		for (j = 0; j < KEEP_ARGS; j++)
			free_str(&g->args[j]);
	}
	as_free(h->a);
	ev_builder_free(h->b);
	free(h);
}

/* Feed a block of '\n'-separated records, then flush: replay of a file. */
static void h_feed(struct harness *h, const char *text)
{
	const char *p = text, *nl;

	while (*p) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		if (nl > p)
			as_line(h->a, p, (size_t)(nl - p));
		p = *nl ? nl + 1 : nl;
	}
}

/* One exec event from text; the harness must have seen exactly one. */
static struct got_ev *one_event(struct harness *h, const char *text)
{
	h_feed(h, text);
	as_flush(h->a);
	ck_assert_uint_eq(h->n, 1);
	return &h->ev[0];
}

#define ck_assert_cstr(c, lit) do { \
	ck_assert_msg((c).present, "%s absent, expected \"%s\"", #c, lit); \
	ck_assert_uint_eq((c).len, sizeof(lit) - 1); \
	ck_assert_mem_eq((c).p, lit, sizeof(lit) - 1); \
} while (0)

/* ---- record shapes (Debian 12 capture, values varied per test) -------- */

#define STAMP "1795728867.245:6"
#define HDR(type) "type=" type " msg=audit(" STAMP "): "

#define SYSCALL_F(sc, succ, a0, ids, tty, comm, exe) HDR("SYSCALL") \
	"arch=c000003e syscall=" sc " success=" succ " a0=" a0 " a1=55854d52e5d0 " \
	"a2=55854d52dea0 a3=9ecb459221b38f65 items=2 ppid=2203 pid=2223 " ids \
	" tty=" tty " comm=" comm " exe=" exe " key=\"t\"\n"
#define IDS_ROOT "auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 " \
	"fsgid=0 ses=4294967295"
#define SYSCALL_LSMOD SYSCALL_F("59 exit=0", "yes", "55854d549c10", IDS_ROOT, \
	"(none)", "\"lsmod\"", "\"/usr/bin/kmod\"")
#define EXECVE(args) HDR("EXECVE") args "\n"
#define CWD(dir) HDR("CWD") "cwd=" dir "\n"
#define PATH(item, name) HDR("PATH") "item=" item " name=" name " inode=10977287 " \
	"dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 " \
	"cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0\n"
#define PATH_LD PATH("1", "\"/lib64/ld-linux-x86-64.so.2\"")
#define PROCTITLE(t) HDR("PROCTITLE") "proctitle=" t "\n"

static const char lsmod_event[] =
	SYSCALL_LSMOD
	EXECVE("argc=1 a0=\"lsmod\"")
	CWD("\"/tmp/at\"")
	PATH("0", "\"/usr/sbin/lsmod\"")
	PATH_LD
	PROCTITLE("\"lsmod\"");

/* ---- exec basics ------------------------------------------------------ */

START_TEST(test_lsmod_exec_maps_to_ecs_fields)
{
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, lsmod_event);

	ck_assert_int_eq(g->kind, EV_EXEC);
	ck_assert(!g->malformed);
	ck_assert(g->success);
	ck_assert_int_eq(g->sec, 1795728867);
	ck_assert_uint_eq(g->msec, 245);
	ck_assert_uint_eq(g->serial, 6);
	ck_assert(g->has_syscall);
	ck_assert_int_eq(g->pid, 2223);
	ck_assert_int_eq(g->ppid, 2203);
	ck_assert_int_eq(g->proc_pid, 2223);
	ck_assert_int_eq(g->exec_ppid, 2203);
	ck_assert_uint_eq(g->nargs, 1);
	ck_assert_cstr(g->args[0], "lsmod");
	ck_assert(!g->truncated);
	ck_assert_cstr(g->cwd, "/tmp/at");
	ck_assert_cstr(g->comm, "lsmod");
	ck_assert_cstr(g->exe, "/usr/bin/kmod");
	ck_assert(!g->tty.present);
	ck_assert(!g->node.present);
	h_free(h);
}
END_TEST

START_TEST(test_executable_is_path_item0_not_the_resolved_exe)
{
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, lsmod_event);

	/* /usr/sbin/lsmod is a symlink to /bin/kmod: kept as executed. */
	ck_assert_cstr(g->executable, "/usr/sbin/lsmod");
	ck_assert_cstr(g->name, "lsmod");
	ck_assert(!g->name_is_comm);
	h_free(h);
}
END_TEST

START_TEST(test_name_is_basename_of_executable_not_comm)
{
	static const char in[] =
		SYSCALL_F("59 exit=0", "yes", "1", IDS_ROOT, "(none)",
			  "\"whoopsie-upload\"", "\"/usr/bin/python3.11\"")
		EXECVE("argc=2 a0=\"/usr/bin/python3\" a1=\"/usr/share/apport/whoopsie-upload-all\"")
		CWD("\"/\"")
		PATH("0", "\"/usr/share/apport/whoopsie-upload-all\"")
		PATH("1", "\"/usr/bin/python3\"")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_cstr(g->executable, "/usr/share/apport/whoopsie-upload-all");
	ck_assert_cstr(g->name, "whoopsie-upload-all"); /* comm is cut at 15 */
	ck_assert(!g->name_is_comm);
	h_free(h);
}
END_TEST

START_TEST(test_script_executable_is_the_script_not_the_interpreter)
{
	static const char in[] =
		SYSCALL_F("59 exit=0", "yes", "1", IDS_ROOT, "(none)",
			  "\"mkinitramfs\"", "\"/usr/bin/dash\"")
		EXECVE("argc=3 a0=\"/bin/sh\" a1=\"/usr/sbin/mkinitramfs\" a2=\"-o\"")
		CWD("\"/\"")
		PATH("0", "\"/usr/sbin/mkinitramfs\"")
		PATH("1", "\"/bin/sh\"")
		PATH("2", "\"/lib64/ld-linux-x86-64.so.2\"")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_cstr(g->executable, "/usr/sbin/mkinitramfs");
	ck_assert_cstr(g->name, "mkinitramfs");
	ck_assert_cstr(g->exe, "/usr/bin/dash");
	ck_assert_uint_eq(g->nargs, 3);
	ck_assert_cstr(g->args[1], "/usr/sbin/mkinitramfs");
	h_free(h);
}
END_TEST

START_TEST(test_path_item0_is_found_whatever_the_record_order)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=1 a0=\"lsmod\"")
		PATH_LD
		CWD("\"/tmp/at\"")
		PATH("0", "\"/usr/sbin/lsmod\"")
		PROCTITLE("\"lsmod\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_cstr(g->executable, "/usr/sbin/lsmod");
	h_free(h);
}
END_TEST

START_TEST(test_relative_path_is_made_absolute_with_cwd)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=1 a0=\"./lsmod\"")
		CWD("\"/usr/sbin\"")
		PATH("0", "\"./lsmod\"")
		PATH_LD
		PROCTITLE("\"./lsmod\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_cstr(g->executable, "/usr/sbin/lsmod");
	ck_assert_cstr(g->name, "lsmod");
	ck_assert_cstr(g->args[0], "./lsmod"); /* argv is kept as given */
	h_free(h);
}
END_TEST

START_TEST(test_dotdot_relative_path_is_joined_not_collapsed)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=1 a0=\"../sbin/lsmod\"")
		CWD("\"/usr/bin\"")
		PATH("0", "\"../sbin/lsmod\"")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	/* /usr/bin could be a symlink: /usr/bin/.. is not /usr as text. */
	ck_assert_cstr(g->executable, "/usr/bin/../sbin/lsmod");
	ck_assert_cstr(g->name, "lsmod");
	ck_assert(!g->exe_resolved);
	h_free(h);
}
END_TEST

START_TEST(test_absolute_path_with_dots_is_kept_as_given)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=1 a0=\"lsmod\"")
		CWD("\"/tmp\"")
		PATH("0", "\"//usr/./lib/../sbin//lsmod\"")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_cstr(g->executable, "//usr/./lib/../sbin//lsmod");
	ck_assert_cstr(g->name, "lsmod");
	h_free(h);
}
END_TEST

/* Records of tests/data/fidelity-raw.log (scenario 21-dotdot): t/s is a
 * symlink to e/f/g/h, so the kernel ran t/e/f/g/lsmod; "t/lsmod", the text
 * collapse, does not exist. */
START_TEST(test_dotdot_after_a_symlinked_directory_stays_as_executed)
{
	static const char in[] =
		"type=SYSCALL msg=audit(1795992380.504:68077): arch=c000003e syscall=59 success=yes e"
		"xit=0 a0=55fd780e8940 a1=55fd780e8968 a2=55fda2c5dc88 a3=8 items=2 ppid=7301 pid=730"
		"3 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 co"
		"mm=\"lsmod\" exe=\"/usr/bin/kmod\" key=\"kme\"\n"
		"type=BPRM_FCAPS msg=audit(1795992380.504:68077): fver=0 fp=0 fi=0 fe=0 old_pp=000001"
		"fffeffffff old_pi=0 old_pe=000001fffeffffff old_pa=0 pp=000001fffeffffff pi=0 pe=000"
		"001fffeffffff pa=0 frootid=0\n"
		"type=EXECVE msg=audit(1795992380.504:68077): argc=1 a0=\"t/s/../lsmod\"\n"
		"type=CWD msg=audit(1795992380.504:68077): cwd=\"/tmp/kme-scenario/21-dotdot\"\n"
		"type=PATH msg=audit(1795992380.504:68077): item=0 name=\"t/s/../lsmod\" inode=10977287"
		" dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 c"
		"ap_fe=0 cap_fver=0 cap_frootid=0\n"
		"type=PATH msg=audit(1795992380.504:68077): item=1 name=\"/lib64/ld-linux-x86-64.so.2\""
		" inode=332383 dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp"
		"=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0\n"
		"type=PROCTITLE msg=audit(1795992380.504:68077): proctitle=\"t/s/../lsmod\"\n";
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_cstr(g->executable, "/tmp/kme-scenario/21-dotdot/t/s/../lsmod");
	ck_assert_cstr(g->name, "lsmod");
	ck_assert(!g->malformed);
	h_free(h);
}
END_TEST

/* The dpkg-exclusion forgery of fidelity-raw.log (21-dotdot): a user's
 * script reached through five '..' after the symlink. As text, the path
 * collapses into /var/lib/dpkg/info/linux-modules-9-generic.postinst. */
START_TEST(test_dotdot_never_moves_a_path_into_the_dpkg_directory)
{
	static const char in[] =
		"type=SYSCALL msg=audit(1795992380.524:68078): arch=c000003e syscall=59 success=yes e"
		"xit=0 a0=5627f7dadde0 a1=5627f7dad9b0 a2=5627f7daca60 a3=a44549d24c2cf15f items=3 pp"
		"id=7299 pid=7304 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty="
		"(none) ses=1 comm=\"linux-modules-9\" exe=\"/usr/bin/dash\" key=\"kme\"\n"
		"type=BPRM_FCAPS msg=audit(1795992380.524:68078): fver=0 fp=0 fi=0 fe=0 old_pp=000001"
		"fffeffffff old_pi=0 old_pe=000001fffeffffff old_pa=0 pp=000001fffeffffff pi=0 pe=000"
		"001fffeffffff pa=0 frootid=0\n"
		"type=EXECVE msg=audit(1795992380.524:68078): argc=3 a0=\"/bin/sh\" a1=\"/tmp/kme-scenar"
		"io/21-dotdot/t/s/../../../../../var/lib/dpkg/info/linux-modules-9-generic.postinst\" "
		"a2=\"configure\"\n"
		"type=CWD msg=audit(1795992380.524:68078): cwd=\"/tmp/kme-scenario/21-dotdot\"\n"
		"type=PATH msg=audit(1795992380.524:68078): item=0 name=\"/tmp/kme-scenario/21-dotdot/"
		"t/s/../../../../../var/lib/dpkg/info/linux-modules-9-generic.postinst\" inode=1096157"
		"1 dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 "
		"cap_fe=0 cap_fver=0 cap_frootid=0\n"
		"type=PATH msg=audit(1795992380.524:68078): item=1 name=\"/bin/sh\" inode=247230 dev=fe"
		":00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0"
		" cap_fver=0 cap_frootid=0\n"
		"type=PATH msg=audit(1795992380.524:68078): item=2 name=\"/lib64/ld-linux-x86-64.so.2\""
		" inode=332383 dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp"
		"=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0\n"
		"type=PROCTITLE msg=audit(1795992380.524:68078): proctitle=2F62696E2F7368002F746D702F"
		"6B6D652D7363656E6172696F2F32312D646F74646F742F742F732F2E2E2F2E2E2F2E2E2F2E2E2F2E2E2F"
		"7661722F6C69622F64706B672F696E666F2F6C696E75782D6D6F64756C65732D392D67656E657269632E"
		"706F7374696E737400636F6E666967757265\n";
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_cstr(g->executable, "/tmp/kme-scenario/21-dotdot/t/s/../../../../../"
		       "var/lib/dpkg/info/linux-modules-9-generic.postinst");
	ck_assert_cstr(g->name, "linux-modules-9-generic.postinst");
	h_free(h);
}
END_TEST

/* A CWD beyond PATH_MAX: the kernel logs cwd="<too_long>" (fidelity-raw.log,
 * 22-too-long). The name is still the basename of PATH item 0; the
 * executable cannot be made absolute and falls back to exe. */
START_TEST(test_too_long_cwd_keeps_the_name_and_falls_back_to_exe)
{
	static const char in[] =
		"type=SYSCALL msg=audit(1795992380.572:68082): arch=c000003e syscall=59 success=yes e"
		"xit=0 a0=564f5c9879c0 a1=564f5c987d80 a2=564f5c98cc90 a3=b42423239529bbdd items=2 pp"
		"id=7307 pid=7308 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty="
		"(none) ses=1 comm=\"lsmod\" exe=\"/usr/bin/kmod\" key=\"kme\"\n"
		"type=BPRM_FCAPS msg=audit(1795992380.572:68082): fver=0 fp=0 fi=0 fe=0 old_pp=000001"
		"fffeffffff old_pi=0 old_pe=000001fffeffffff old_pa=0 pp=000001fffeffffff pi=0 pe=000"
		"001fffeffffff pa=0 frootid=0\n"
		"type=EXECVE msg=audit(1795992380.572:68082): argc=1 a0=\"./lsmod\"\n"
		"type=CWD msg=audit(1795992380.572:68082): cwd=\"<too_long>\"\n"
		"type=PATH msg=audit(1795992380.572:68082): item=0 name=\"./lsmod\" inode=10977287 dev="
		"fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe"
		"=0 cap_fver=0 cap_frootid=0\n"
		"type=PATH msg=audit(1795992380.572:68082): item=1 name=\"/lib64/ld-linux-x86-64.so.2\""
		" inode=332383 dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp"
		"=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0\n"
		"type=PROCTITLE msg=audit(1795992380.572:68082): proctitle=\"./lsmod\"\n";
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_cstr(g->name, "lsmod");
	ck_assert(!g->name_is_comm);
	ck_assert_cstr(g->executable, "/usr/bin/kmod");
	ck_assert(g->exe_resolved);
	ck_assert_cstr(g->cwd, "<too_long>");
	ck_assert(!g->malformed);
	h_free(h);
}
END_TEST

START_TEST(test_too_long_cwd_script_is_named_after_the_script)
{
	static const char in[] =
		"type=SYSCALL msg=audit(1795992380.608:68085): arch=c000003e syscall=59 success=yes e"
		"xit=0 a0=564f5c9879c0 a1=564f5c988140 a2=564f5c98cc90 a3=b42423239529bbdd items=3 pp"
		"id=7307 pid=7311 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty="
		"(none) ses=1 comm=\"dkms\" exe=\"/usr/bin/dash\" key=\"kme\"\n"
		"type=BPRM_FCAPS msg=audit(1795992380.608:68085): fver=0 fp=0 fi=0 fe=0 old_pp=000001"
		"fffeffffff old_pi=0 old_pe=000001fffeffffff old_pa=0 pp=000001fffeffffff pi=0 pe=000"
		"001fffeffffff pa=0 frootid=0\n"
		"type=EXECVE msg=audit(1795992380.608:68085): argc=2 a0=\"/bin/sh\" a1=\"./dkms\"\n"
		"type=CWD msg=audit(1795992380.608:68085): cwd=\"<too_long>\"\n"
		"type=PATH msg=audit(1795992380.608:68085): item=0 name=\"./dkms\" inode=10961597 dev=f"
		"e:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe="
		"0 cap_fver=0 cap_frootid=0\n"
		"type=PATH msg=audit(1795992380.608:68085): item=1 name=\"/bin/sh\" inode=247230 dev=fe"
		":00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0"
		" cap_fver=0 cap_frootid=0\n"
		"type=PATH msg=audit(1795992380.608:68085): item=2 name=\"/lib64/ld-linux-x86-64.so.2\""
		" inode=332383 dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp"
		"=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0\n"
		"type=PROCTITLE msg=audit(1795992380.608:68085): proctitle=2F62696E2F7368002E2F646B6D"
		"73\n";
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_cstr(g->name, "dkms");
	ck_assert_cstr(g->executable, "/usr/bin/dash");
	ck_assert(g->exe_resolved);
	h_free(h);
}
END_TEST

/* Found by fuzz_records under ASan: the CWD and the PATH name are stored in
 * the builder's buffer, and joining them there must not move them while they
 * are read. Long enough to make the buffer grow during the join. */
START_TEST(test_long_cwd_and_relative_name_are_joined_whole)
{
	char cwd[3101], line[3300], want[3200];
	struct harness *h = h_new();
	struct got_ev *g;

	memset(cwd, 'c', sizeof(cwd) - 1);
	cwd[0] = '/';
	cwd[sizeof(cwd) - 1] = '\0';
	h_feed(h, SYSCALL_LSMOD EXECVE("argc=1 a0=\"lsmod\""));
	snprintf(line, sizeof(line), HDR("CWD") "cwd=\"%s\"", cwd);
	as_line(h->a, line, strlen(line));
	h_feed(h, PATH("0", "\"sub/lsmod\"") PROCTITLE("\"x\""));
	as_flush(h->a);
	ck_assert_uint_eq(h->n, 1);
	g = &h->ev[0];
	snprintf(want, sizeof(want), "%s/sub/lsmod", cwd);
	ck_assert(g->executable.present);
	ck_assert_str_eq(g->executable.p, want);
	h_free(h);
}
END_TEST

START_TEST(test_relative_path_without_cwd_record_falls_back_to_exe_keeps_name)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=1 a0=\"lsmod\"")
		PATH("0", "\"sbin/lsmod\"")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_cstr(g->executable, "/usr/bin/kmod");
	ck_assert_cstr(g->name, "lsmod");
	ck_assert(g->exe_resolved);
	h_free(h);
}
END_TEST

START_TEST(test_missing_path_record_falls_back_to_exe)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=1 a0=\"lsmod\"")
		CWD("\"/tmp/at\"")
		PROCTITLE("\"lsmod\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_cstr(g->executable, "/usr/bin/kmod");
	ck_assert_cstr(g->name, "kmod");
	h_free(h);
}
END_TEST

START_TEST(test_null_path_name_falls_back_to_exe)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=1 a0=\"lsmod\"")
		CWD("\"/tmp/at\"")
		PATH("0", "(null)")
		PROCTITLE("\"lsmod\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_cstr(g->executable, "/usr/bin/kmod");
	h_free(h);
}
END_TEST

START_TEST(test_missing_path_and_exe_fall_back_to_comm_for_name)
{
	static const char in[] =
		HDR("SYSCALL") "arch=c000003e syscall=59 success=yes exit=0 a0=1 items=0 "
		"ppid=2203 pid=2223 uid=0 comm=\"lsmod\" key=\"t\"\n"
		EXECVE("argc=1 a0=\"lsmod\"")
		PROCTITLE("\"lsmod\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert(!g->executable.present);
	ck_assert_cstr(g->name, "lsmod");
	ck_assert(g->name_is_comm);
	h_free(h);
}
END_TEST

START_TEST(test_execveat_with_dirfd_and_relative_name_uses_exe)
{
	static const char in[] =
		SYSCALL_F("322 exit=0", "yes", "3", IDS_ROOT, "(none)", "\"lsmod\"",
			  "\"/usr/bin/kmod\"")
		EXECVE("argc=1 a0=\"lsmod\"")
		CWD("\"/tmp/at\"")
		PATH("0", "\"lsmod\"")
		PROCTITLE("\"lsmod\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_int_eq(g->kind, EV_EXEC);
	/* "lsmod" is relative to fd 3, not to the cwd /tmp/at: the directory
	 * is unknown, so the executable is exe, but the name is as run. */
	ck_assert_cstr(g->executable, "/usr/bin/kmod");
	ck_assert_cstr(g->name, "lsmod");
	ck_assert(!g->name_is_comm);
	h_free(h);
}
END_TEST

START_TEST(test_execveat_with_dirfd_and_relative_subpath_names_its_basename)
{
	static const char in[] =
		SYSCALL_F("322 exit=0", "yes", "5", IDS_ROOT, "(none)", "\"kmod\"",
			  "\"/usr/bin/kmod\"")
		EXECVE("argc=1 a0=\"lsmod\"")
		CWD("\"/tmp/at\"")
		PATH("0", "\"sbin/./lsmod\"")
		PROCTITLE("\"lsmod\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_cstr(g->executable, "/usr/bin/kmod");
	ck_assert_cstr(g->name, "lsmod");
	h_free(h);
}
END_TEST

START_TEST(test_fexecve_empty_path_takes_executable_and_name_from_exe)
{
	static const char in[] =
		SYSCALL_F("322 exit=0", "yes", "3", IDS_ROOT, "(none)", "\"lsmod\"",
			  "\"/usr/bin/kmod\"")
		EXECVE("argc=1 a0=\"lsmod\"")
		CWD("\"/tmp/at\"")
		PATH("0", "\"\"")
		PROCTITLE("\"lsmod\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_cstr(g->executable, "/usr/bin/kmod");
	ck_assert_cstr(g->name, "kmod");
	h_free(h);
}
END_TEST

START_TEST(test_execveat_at_fdcwd_relative_name_uses_cwd)
{
	static const char in[] =
		SYSCALL_F("322 exit=0", "yes", "ffffffffffffff9c", IDS_ROOT, "(none)",
			  "\"lsmod\"", "\"/usr/bin/kmod\"")
		EXECVE("argc=1 a0=\"lsmod\"")
		CWD("\"/usr/sbin\"")
		PATH("0", "\"lsmod\"")
		PROCTITLE("\"lsmod\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_cstr(g->executable, "/usr/sbin/lsmod");
	h_free(h);
}
END_TEST

/* A 32-bit process's AT_FDCWD is logged as its 32 bits: still the cwd. */
START_TEST(test_i386_execveat_at_fdcwd_relative_name_uses_cwd)
{
	static const char in[] =
		HDR("SYSCALL") "arch=40000003 syscall=358 success=yes exit=0 a0=ffffff9c "
		"a1=56558008 a2=ffd1c2e4 a3=0 items=2 ppid=2203 pid=2223 auid=1000 "
		"uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 "
		"fsgid=1000 tty=pts1 ses=3 comm=\"lsmod\" exe=\"/usr/bin/kmod\" key=\"t\"\n"
		EXECVE("argc=1 a0=\"lsmod\"")
		CWD("\"/usr/sbin\"")
		PATH("0", "\"lsmod\"")
		PROCTITLE("\"lsmod\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_int_eq(g->kind, EV_EXEC);
	ck_assert_cstr(g->executable, "/usr/sbin/lsmod");
	h_free(h);
}
END_TEST

START_TEST(test_i386_execve_is_an_exec)
{
	static const char in[] =
		HDR("SYSCALL") "arch=40000003 syscall=11 success=yes exit=0 a0=1 items=1 "
		"ppid=2203 pid=2223 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 "
		"fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts1 ses=3 comm=\"modinfo\" "
		"exe=\"/usr/bin/kmod\" key=\"t\"\n"
		EXECVE("argc=2 a0=\"modinfo\" a1=\"ext4\"")
		CWD("\"/root\"")
		PATH("0", "\"/usr/sbin/modinfo\"")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_int_eq(g->kind, EV_EXEC);
	ck_assert_cstr(g->executable, "/usr/sbin/modinfo");
	ck_assert_uint_eq(g->nargs, 2);
	ck_assert_cstr(g->args[1], "ext4");
	h_free(h);
}
END_TEST

START_TEST(test_failed_exec_is_an_exec_with_success_false)
{
	static const char in[] =
		SYSCALL_F("59 exit=-2", "no", "1", IDS_ROOT, "(none)", "\"bash\"",
			  "\"/usr/bin/bash\"")
		CWD("\"/root\"")
		HDR("PATH") "item=0 name=\"/usr/local/sbin/lsmod\" nametype=UNKNOWN "
		"cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0\n"
		PROCTITLE("\"bash\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_int_eq(g->kind, EV_EXEC);
	ck_assert(!g->success);
	/* A failed exec has no EXECVE record: that is not malformed. */
	ck_assert(!g->malformed);
	ck_assert_uint_eq(g->nargs, 0);
	h_free(h);
}
END_TEST

START_TEST(test_successful_exec_without_execve_record_is_malformed)
{
	static const char in[] =
		SYSCALL_LSMOD
		CWD("\"/tmp/at\"")
		PATH("0", "\"/usr/sbin/lsmod\"")
		PROCTITLE("\"lsmod\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_int_eq(g->kind, EV_EXEC);
	ck_assert(g->malformed);
	ck_assert_cstr(g->executable, "/usr/sbin/lsmod");
	h_free(h);
}
END_TEST

/* ---- argv decoding ----------------------------------------------------- */

START_TEST(test_hex_arg_is_decoded)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=2 a0=\"echo\" a1=6120620A")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert(!g->malformed);
	ck_assert_uint_eq(g->nargs, 2);
	ck_assert_cstr(g->args[1], "a b\n");
	h_free(h);
}
END_TEST

START_TEST(test_arg_with_quote_in_hex_is_decoded)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=3 a0=\"kmod\" a1=226C69737422 a2=\"list\"")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert(!g->malformed);
	ck_assert_cstr(g->args[1], "\"list\"");
	ck_assert_cstr(g->args[2], "list");
	h_free(h);
}
END_TEST

START_TEST(test_arg_with_nul_free_binary_bytes_is_kept_exactly)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=2 a0=\"x\" a1=FF1B5B306D")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_cstr(g->args[1], "\xff\x1b[0m");
	h_free(h);
}
END_TEST

START_TEST(test_empty_quoted_arg_is_an_empty_string)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=3 a0=\"x\" a1=\"\" a2=\"y\"")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert(!g->malformed);
	ck_assert_uint_eq(g->nargs, 3);
	ck_assert_cstr(g->args[1], "");
	ck_assert_cstr(g->args[2], "y");
	h_free(h);
}
END_TEST

/* aN_len is the length of the argument as written in the record: for hex
 * pieces twice its byte count (kernel/auditsc.c,
 * audit_log_single_execve_arg: "len_full = (encode ? len_tmp * 2 : len_tmp)",
 * and "len_full = len_full * 2" when an argument spans several pieces, which
 * always forces hex). */
START_TEST(test_split_arg_pieces_are_joined)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=3 a0=\"cat\" a1_len=20 a1[0]=3031323334 a1[1]=3536373839 a2=\"end\"")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert(!g->malformed);
	ck_assert(!g->truncated);
	ck_assert_uint_eq(g->nargs, 3);
	ck_assert_cstr(g->args[0], "cat");
	ck_assert_cstr(g->args[1], "0123456789");
	ck_assert_cstr(g->args[2], "end");
	h_free(h);
}
END_TEST

START_TEST(test_split_arg_quoted_pieces_are_joined)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=2 a0=\"cat\" a1_len=6 a1[0]=\"abc\" a1[1]=\"def\"")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert(!g->malformed);
	ck_assert_cstr(g->args[1], "abcdef");
	h_free(h);
}
END_TEST

START_TEST(test_split_arg_across_two_execve_records_is_joined)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=4 a0=\"cat\" a1_len=20 a1[0]=3031323334")
		EXECVE("a1[1]=3536373839 a2=\"mid\" a3_len=8 a3[0]=7879")
		CWD("\"/tmp\"")
		EXECVE("a3[1]=7A77")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert(!g->malformed);
	ck_assert_uint_eq(g->nargs, 4);
	ck_assert_cstr(g->args[1], "0123456789");
	ck_assert_cstr(g->args[2], "mid");
	ck_assert_cstr(g->args[3], "xyzw");
	h_free(h);
}
END_TEST

START_TEST(test_split_arg_interleaved_with_another_split_arg_stays_contiguous)
{
	/* Not what a kernel writes, but nothing stops a forged log: pieces of
	 * a1 and a2 alternate, and each must still come out whole. */
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=3 a0=\"x\" a1_len=8 a2_len=8 a1[0]=6162 a2[0]=3132 a1[1]=6364 a2[1]=3334")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_cstr(g->args[1], "abcd");
	ck_assert_cstr(g->args[2], "1234");
	h_free(h);
}
END_TEST

START_TEST(test_missing_piece_is_malformed_other_args_intact)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=3 a0=\"cat\" a1_len=30 a1[0]=3031323334 a1[2]=6162636465 a2=\"end\"")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert(g->malformed);
	ck_assert_uint_eq(g->nargs, 3);
	ck_assert_cstr(g->args[0], "cat");
	ck_assert_cstr(g->args[2], "end");
	h_free(h);
}
END_TEST

START_TEST(test_duplicate_piece_is_malformed_other_args_intact)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=3 a0=\"cat\" a1_len=20 a1[0]=3031323334 a1[0]=3031323334 a1[1]=3536373839 a2=\"end\"")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert(g->malformed);
	ck_assert_cstr(g->args[0], "cat");
	ck_assert_cstr(g->args[2], "end");
	/* The duplicate is not appended twice. */
	ck_assert_cstr(g->args[1], "0123456789");
	h_free(h);
}
END_TEST

START_TEST(test_piece_length_mismatch_is_malformed)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=3 a0=\"cat\" a1_len=22 a1[0]=3031323334 a1[1]=3536373839 a2=\"end\"")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert(g->malformed);
	ck_assert_cstr(g->args[1], "0123456789");
	ck_assert_cstr(g->args[2], "end");
	h_free(h);
}
END_TEST

START_TEST(test_whole_and_pieces_for_one_arg_is_malformed)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=2 a0=\"cat\" a1=\"whole\" a1[0]=3031")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert(g->malformed);
	ck_assert_cstr(g->args[0], "cat");
	h_free(h);
}
END_TEST

START_TEST(test_duplicate_whole_arg_is_malformed_first_kept)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=2 a0=\"cat\" a1=\"one\" a1=\"two\"")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert(g->malformed);
	ck_assert_uint_eq(g->nargs, 2);
	ck_assert_cstr(g->args[1], "one");
	h_free(h);
}
END_TEST

START_TEST(test_argc_larger_than_args_present_is_malformed_and_not_invented)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=3 a0=\"lsmod\"")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert(g->malformed);
	ck_assert_uint_eq(g->nargs, 1);
	ck_assert_cstr(g->args[0], "lsmod");
	h_free(h);
}
END_TEST

START_TEST(test_hole_between_present_args_is_an_empty_string)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=3 a0=\"lsmod\" a2=\"x\"")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert(g->malformed);
	ck_assert_uint_eq(g->nargs, 3);
	ck_assert_cstr(g->args[1], "");
	ck_assert_cstr(g->args[2], "x");
	h_free(h);
}
END_TEST

START_TEST(test_args_beyond_argc_are_malformed)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=1 a0=\"lsmod\" a1=\"extra\"")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert(g->malformed);
	ck_assert_cstr(g->args[0], "lsmod");
	h_free(h);
}
END_TEST

START_TEST(test_garbled_argc_is_malformed)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=-1 a0=\"lsmod\"")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert(g->malformed);
	ck_assert_uint_ge(g->nargs, 1);
	ck_assert_cstr(g->args[0], "lsmod");
	h_free(h);
}
END_TEST

START_TEST(test_undecodable_arg_value_is_malformed)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=2 a0=\"lsmod\" a1=XYZ")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert(g->malformed);
	ck_assert_cstr(g->args[0], "lsmod");
	h_free(h);
}
END_TEST

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

START_TEST(test_absurd_argc_is_bounded_and_malformed)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=4294967295 a0=\"lsmod\" a1=\"-v\"")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	double t0 = now_s();
	struct got_ev *g = one_event(h, in);

	ck_assert_double_lt(now_s() - t0, 2.0);
	ck_assert_uint_le(g->nargs, EA_MAX_ARGS);
	ck_assert_cstr(g->args[0], "lsmod");
	ck_assert_cstr(g->args[1], "-v");
	/* 4294967293 arguments are missing: an inconsistency, not just a bound. */
	ck_assert(g->malformed);
	h_free(h);
}
END_TEST

START_TEST(test_args_beyond_the_byte_bound_are_truncated_not_malformed)
{
	/* 1200 arguments of 3750 bytes (hex in the record, one EXECVE record
	 * each, as the kernel splits them): 4.5 MB > EA_MAX_BYTES. */
	enum { NARGS = 1200, ARGBYTES = 3750 };
	struct harness *h = h_new();
	char *line = malloc(256 + 2 * ARGBYTES);
	struct got_ev *g;
	size_t i, n;

	ck_assert_ptr_nonnull(line);
	h_feed(h, SYSCALL_LSMOD);
	for (i = 0; i < NARGS; i++) {
		n = (size_t)snprintf(line, 256, HDR("EXECVE") "%sa%zu=",
				     i == 0 ? "argc=1200 " : "", i);
		memset(line + n, i == 0 ? '4' : '6', 2 * ARGBYTES);
		n += 2 * ARGBYTES;
		as_line(h->a, line, n);
	}
	h_feed(h, CWD("\"/tmp/at\"") PATH("0", "\"/usr/sbin/lsmod\"") PROCTITLE("\"x\""));
	as_flush(h->a);
	ck_assert_uint_eq(h->n, 1);
	g = &h->ev[0];
	ck_assert(g->truncated);
	/* Bounding argv must not cost the identity of the process. */
	ck_assert_cstr(g->executable, "/usr/sbin/lsmod");
	ck_assert_cstr(g->name, "lsmod");
	ck_assert_cstr(g->cwd, "/tmp/at");
	ck_assert(!g->malformed);
	ck_assert_uint_le(g->nargs, NARGS);
	ck_assert_uint_eq(g->args[0].len, ARGBYTES);
	ck_assert_int_eq(g->args[0].p[0], 'D');
	ck_assert_int_eq(g->args[1].p[ARGBYTES - 1], 'f');
	free(line);
	h_free(h);
}
END_TEST

START_TEST(test_args_filling_the_byte_bound_exactly_keep_the_executable)
{
	/* A hostile argv sized so the decoded strings fill EA_MAX_BYTES to the
	 * last byte (comm "lsmod" and exe "/usr/bin/kmod" take 6 + 14 bytes
	 * with their NULs, each argument len + 1): nothing is left for the
	 * cwd and PATH that come after the EXECVE records. */
	enum { ARGBYTES = 3750 };
	size_t room = EA_MAX_BYTES - 6 - 14;
	size_t full = room / (ARGBYTES + 1), last = room % (ARGBYTES + 1) - 1;
	struct harness *h = h_new();
	char *line = malloc(256 + 2 * ARGBYTES);
	struct got_ev *g;
	size_t i, n, len;

	ck_assert_ptr_nonnull(line);
	h_feed(h, SYSCALL_LSMOD);
	for (i = 0; i <= full; i++) {
		len = i < full ? ARGBYTES : last;
		n = (size_t)snprintf(line, 256, HDR("EXECVE") "%s%zu a%zu=",
				     i == 0 ? "argc=" : "x=", full + 1, i);
		memset(line + n, '6', 2 * len);
		as_line(h->a, line, n + 2 * len);
	}
	h_feed(h, CWD("\"/tmp/at\"") PATH("0", "\"/usr/sbin/lsmod\"") PROCTITLE("\"x\""));
	as_flush(h->a);
	ck_assert_uint_eq(h->n, 1);
	g = &h->ev[0];
	ck_assert_uint_eq(g->nargs, full + 1);
	ck_assert_cstr(g->executable, "/usr/sbin/lsmod");
	ck_assert_cstr(g->name, "lsmod");
	ck_assert(!g->name_is_comm);
	free(line);
	h_free(h);
}
END_TEST

START_TEST(test_huge_arg_index_is_bounded)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=2 a0=\"lsmod\" a1=\"-v\" a4294967295=\"x\" a99999999999999999999999=\"y\"")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_uint_eq(g->nargs, 2);
	ck_assert_cstr(g->args[0], "lsmod");
	ck_assert_cstr(g->args[1], "-v");
	ck_assert(g->malformed || g->truncated);
	h_free(h);
}
END_TEST

START_TEST(test_builder_is_reused_across_events)
{
	static const char second[] =
		"type=SYSCALL msg=audit(1795728868.000:7): arch=c000003e syscall=59 success=yes "
		"exit=0 a0=1 items=1 ppid=1 pid=99 uid=0 comm=\"modinfo\" exe=\"/usr/bin/kmod\"\n"
		"type=EXECVE msg=audit(1795728868.000:7): argc=2 a0=\"modinfo\" a1=\"ext4\"\n"
		"type=PATH msg=audit(1795728868.000:7): item=0 name=\"/usr/sbin/modinfo\"\n"
		"type=PROCTITLE msg=audit(1795728868.000:7): proctitle=\"x\"\n";
	struct harness *h = h_new();

	h_feed(h, lsmod_event);
	h_feed(h, second);
	as_flush(h->a);
	ck_assert_uint_eq(h->n, 2);
	ck_assert_cstr(h->ev[0].executable, "/usr/sbin/lsmod");
	ck_assert_cstr(h->ev[1].executable, "/usr/sbin/modinfo");
	ck_assert_uint_eq(h->ev[1].nargs, 2);
	ck_assert_cstr(h->ev[1].args[1], "ext4");
	ck_assert(!h->ev[1].cwd.present); /* nothing leaks from event 1 */
	ck_assert_int_eq(h->ev[1].pid, 99);
	h_free(h);
}
END_TEST

/* ---- argument conditions see every argument (execargs.h) -------------- */

static const char *const rule_values[] = { "list", "--all", "-a" };

/* Feed EXECVE records carrying argv as the kernel writes them: argc first,
 * then a0.. in order, a new record when one would pass ~7500 bytes. args[i]
 * for i < nfixed, else filler, for n arguments in all. */
static void feed_argv(struct harness *h, const char *const *fixed, size_t nfixed,
		      const char *filler, size_t n, const char *last)
{
	char *line = malloc(8192);
	size_t len = 0, i;

	ck_assert_ptr_nonnull(line);
	len = (size_t)snprintf(line, 8192, HDR("EXECVE") "argc=%zu", n);
	for (i = 0; i < n; i++) {
		const char *v = i < nfixed ? fixed[i] : (i == n - 1 && last) ? last : filler;
		char field[64];
		int m = snprintf(field, sizeof(field), " a%zu=\"%s\"", i, v);

		if (len + (size_t)m > 7500) {
			as_line(h->a, line, len);
			len = (size_t)snprintf(line, 8192, HDR("EXECVE"));
			memmove(field, field + 1, (size_t)m); /* no leading space */
			m--;
		}
		memcpy(line + len, field, (size_t)m);
		len += (size_t)m;
	}
	as_line(h->a, line, len);
	free(line);
}

START_TEST(test_watched_value_beyond_the_stored_arguments_is_seen)
{
	/* kmod x x ... list with more arguments than are stored: the
	 * 270,000-argument evasion of tests/data/fidelity-args-raw.log.xz. */
	static const char *const fixed[] = { "kmod" };
	size_t n = EA_MAX_ARGS + 10;
	struct harness *h = h_new_watching(rule_values, 3);
	struct got_ev *g;

	h_feed(h, SYSCALL_F("59 exit=0", "yes", "1", IDS_ROOT, "(none)", "\"kmod\"",
			    "\"/usr/bin/kmod\""));
	feed_argv(h, fixed, 1, "x", n, "list");
	h_feed(h, CWD("\"/tmp\"") PATH("0", "\"/usr/bin/kmod\"") PROCTITLE("\"kmod\""));
	as_flush(h->a);
	ck_assert_uint_eq(h->n, 1);
	g = &h->ev[0];
	ck_assert(!g->malformed);
	ck_assert(g->truncated);                 /* stored: bounded, flagged */
	ck_assert_uint_eq(g->nargs, EA_MAX_ARGS);
	ck_assert_uint_eq(g->argc, n);           /* the real count is kept */
	ck_assert(g->watching);
	ck_assert(g->seen[0]);                   /* "list" */
	ck_assert(!g->seen[1] && !g->seen[2]);
	h_free(h);
}
END_TEST

START_TEST(test_watched_value_beyond_the_byte_bound_is_seen)
{
	/* Arguments of 3750 bytes fill EA_MAX_BYTES; -a comes after. */
	enum { NARGS = 1200, ARGBYTES = 3750 };
	struct harness *h = h_new_watching(rule_values, 3);
	char *line = malloc(256 + 2 * ARGBYTES);
	struct got_ev *g;
	size_t i, n;

	ck_assert_ptr_nonnull(line);
	h_feed(h, SYSCALL_F("59 exit=0", "yes", "1", IDS_ROOT, "(none)", "\"depmod\"",
			    "\"/usr/bin/kmod\""));
	for (i = 0; i < NARGS; i++) {
		n = (size_t)snprintf(line, 256, HDR("EXECVE") "%sa%zu=",
				     i == 0 ? "argc=1201 " : "", i);
		memset(line + n, '6', 2 * ARGBYTES);
		as_line(h->a, line, n + 2 * ARGBYTES);
	}
	h_feed(h, EXECVE("a1200=\"-a\"")
		  CWD("\"/tmp\"") PATH("0", "\"/usr/sbin/depmod\"") PROCTITLE("\"x\""));
	as_flush(h->a);
	g = &h->ev[0];
	ck_assert(g->truncated);
	ck_assert(!g->malformed);
	ck_assert_uint_eq(g->argc, 1201);
	ck_assert(g->seen[2]); /* "-a" */
	ck_assert(!g->seen[0]);
	free(line);
	h_free(h);
}
END_TEST

START_TEST(test_watched_values_are_seen_in_hex_and_quoted_forms)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=3 a0=\"depmod\" a1=6C697374 a2=\"--all\"")
		PATH("0", "\"/usr/sbin/depmod\"")
		PROCTITLE("\"x\"");
	struct harness *h = h_new_watching(rule_values, 3);
	struct got_ev *g = one_event(h, in);

	ck_assert(g->seen[0] && g->seen[1] && !g->seen[2]);
	h_free(h);
}
END_TEST

START_TEST(test_watched_value_split_into_pieces_is_seen)
{
	/* The kernel splits only long arguments, but nothing here depends on
	 * length: pieces are compared as they come, across records. */
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=2 a0=\"kmod\" a1_len=8 a1[0]=6C69")
		EXECVE("a1[1]=7374")
		PATH("0", "\"/usr/bin/kmod\"")
		PROCTITLE("\"x\"");
	struct harness *h = h_new_watching(rule_values, 3);
	struct got_ev *g = one_event(h, in);

	ck_assert(!g->malformed);
	ck_assert_cstr(g->args[1], "list");
	ck_assert(g->seen[0]);
	h_free(h);
}
END_TEST

START_TEST(test_watched_value_is_matched_whole_never_as_a_prefix)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=6 a0=\"kmod\" a1=\"listx\" a2=\"lis\" a3=\"List\" "
		       "a4_len=10 a4[0]=6C697374 a4[1]=78 a5=\"-an\"")
		PATH("0", "\"/usr/bin/kmod\"")
		PROCTITLE("\"x\"");
	struct harness *h = h_new_watching(rule_values, 3);
	struct got_ev *g = one_event(h, in);

	ck_assert(g->watching);
	ck_assert(!g->seen[0] && !g->seen[1] && !g->seen[2]);
	h_free(h);
}
END_TEST

START_TEST(test_watch_flags_start_clear_for_each_event)
{
	static const char second[] =
		"type=SYSCALL msg=audit(1795728868.000:7): arch=c000003e syscall=59 success=yes "
		"exit=0 a0=1 items=1 ppid=1 pid=99 uid=0 comm=\"kmod\" exe=\"/usr/bin/kmod\"\n"
		"type=EXECVE msg=audit(1795728868.000:7): argc=2 a0=\"kmod\" a1=\"help\"\n"
		"type=PATH msg=audit(1795728868.000:7): item=0 name=\"/usr/bin/kmod\"\n"
		"type=PROCTITLE msg=audit(1795728868.000:7): proctitle=\"x\"\n";
	struct harness *h = h_new_watching(rule_values, 3);

	h_feed(h, SYSCALL_LSMOD EXECVE("argc=2 a0=\"kmod\" a1=\"list\"")
		  PATH("0", "\"/usr/bin/kmod\"") PROCTITLE("\"x\""));
	h_feed(h, second);
	as_flush(h->a);
	ck_assert_uint_eq(h->n, 2);
	ck_assert(h->ev[0].seen[0]);
	ck_assert(!h->ev[1].seen[0]);
	h_free(h);
}
END_TEST

START_TEST(test_without_a_watch_set_nothing_is_claimed_seen)
{
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, lsmod_event);

	ck_assert(!g->watching);
	ck_assert_uint_eq(g->argc, 1);
	h_free(h);
}
END_TEST

START_TEST(test_argc_is_what_the_kernel_logged_when_fewer_arguments_came)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=5 a0=\"lsmod\" a1=\"-v\"")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert(g->malformed);
	ck_assert_uint_eq(g->nargs, 2); /* never invented */
	ck_assert_uint_eq(g->argc, 5);  /* never made up either */
	h_free(h);
}
END_TEST

/* ---- SYSCALL fields ---------------------------------------------------- */

START_TEST(test_hex_comm_and_exe_are_decoded)
{
	static const char in[] =
		SYSCALL_F("59 exit=0", "yes", "1", IDS_ROOT, "(none)", "6C73206D6F64",
			  "2F746D702F6D79206469722F6B6D6F64")
		EXECVE("argc=1 a0=\"lsmod\"")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_cstr(g->comm, "ls mod");
	ck_assert_cstr(g->exe, "/tmp/my dir/kmod");
	ck_assert_cstr(g->executable, "/tmp/my dir/kmod"); /* no PATH record */
	ck_assert_cstr(g->name, "kmod");
	ck_assert(!g->malformed);
	h_free(h);
}
END_TEST

START_TEST(test_ids_session_and_tty_are_parsed)
{
	static const char in[] =
		SYSCALL_F("59 exit=0", "yes", "1",
			  "auid=1000 uid=1001 gid=1002 euid=0 suid=0 fsuid=0 egid=1003 "
			  "sgid=0 fsgid=0 ses=7", "pts0", "\"lsmod\"", "\"/usr/bin/kmod\"")
		EXECVE("argc=1 a0=\"lsmod\"")
		PATH("0", "\"/usr/sbin/lsmod\"")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_uint_eq(g->auid, 1000);
	ck_assert_uint_eq(g->uid, 1001);
	ck_assert_uint_eq(g->gid, 1002);
	ck_assert_uint_eq(g->euid, 0);
	ck_assert_uint_eq(g->egid, 1003);
	ck_assert_uint_eq(g->ses, 7);
	ck_assert_cstr(g->tty, "pts0");
	h_free(h);
}
END_TEST

START_TEST(test_tty_field_does_not_make_event_malformed)
{
	static const char in[] =
		SYSCALL_F("59 exit=0", "yes", "1", IDS_ROOT, "pts0", "\"lsmod\"",
			  "\"/usr/bin/kmod\"")
		EXECVE("argc=1 a0=\"lsmod\"")
		CWD("\"/root\"")
		PATH("0", "\"/usr/sbin/lsmod\"")
		PROCTITLE("\"lsmod\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	/* tty=pts0 is the kernel's normal, unquoted form for a terminal. */
	ck_assert(!g->malformed);
	h_free(h);
}
END_TEST

START_TEST(test_unset_auid_and_ses_keep_their_value)
{
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, lsmod_event);

	ck_assert_uint_eq(g->auid, 4294967295u);
	ck_assert_uint_eq(g->ses, 4294967295u);
	ck_assert_uint_eq(g->uid, 0);
	ck_assert_uint_eq(g->euid, 0);
	ck_assert_uint_eq(g->gid, 0);
	h_free(h);
}
END_TEST

START_TEST(test_missing_or_garbled_ids_are_unset)
{
	static const char in[] =
		HDR("SYSCALL") "arch=c000003e syscall=59 success=yes exit=0 a0=1 items=1 "
		"ppid=2203 pid=2223 uid=abc euid=-1 gid=99999999999 comm=\"lsmod\" "
		"exe=\"/usr/bin/kmod\"\n"
		EXECVE("argc=1 a0=\"lsmod\"")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_uint_eq(g->uid, KME_ID_UNSET);
	ck_assert_uint_eq(g->euid, KME_ID_UNSET);
	ck_assert_uint_eq(g->gid, KME_ID_UNSET);
	ck_assert_uint_eq(g->auid, KME_ID_UNSET);
	ck_assert_uint_eq(g->ses, KME_ID_UNSET);
	ck_assert(!g->tty.present);
	h_free(h);
}
END_TEST

START_TEST(test_garbled_pid_is_minus_one)
{
	static const char in[] =
		HDR("SYSCALL") "arch=c000003e syscall=59 success=yes exit=0 a0=1 items=1 "
		"ppid=-5 pid=99999999999 uid=0 comm=\"lsmod\" exe=\"/usr/bin/kmod\"\n"
		EXECVE("argc=1 a0=\"lsmod\"")
		PROCTITLE("\"x\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_int_eq(g->pid, -1);
	ck_assert_int_eq(g->ppid, -1);
	h_free(h);
}
END_TEST

START_TEST(test_node_prefix_becomes_exec_node)
{
	static const char in[] =
		"node=host1 " SYSCALL_LSMOD
		"node=host1 " EXECVE("argc=1 a0=\"lsmod\"")
		"node=host1 " CWD("\"/tmp/at\"")
		"node=host1 " PATH("0", "\"/usr/sbin/lsmod\"")
		"node=host1 " PROCTITLE("\"lsmod\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_cstr(g->node, "host1");
	ck_assert_cstr(g->executable, "/usr/sbin/lsmod");
	ck_assert_uint_eq(g->serial, 6);
	h_free(h);
}
END_TEST

#define ENR_ROOT "\x1d" "ARCH=x86_64 SYSCALL=execve AUID=\"unset\" UID=\"root\" " \
	"GID=\"root\" EUID=\"root\" SUID=\"root\" FSUID=\"root\" EGID=\"root\" " \
	"SGID=\"root\" FSGID=\"root\""

START_TEST(test_enriched_uid_gives_user_name)
{
	static const char in[] =
		HDR("SYSCALL") "arch=c000003e syscall=59 success=yes exit=0 a0=55854d549c10 "
		"a1=55854d52e5d0 a2=55854d52dea0 a3=9ecb459221b38f65 items=2 ppid=2203 "
		"pid=2223 " IDS_ROOT " tty=(none) comm=\"lsmod\" exe=\"/usr/bin/kmod\" "
		"key=\"t\"" ENR_ROOT "\n"
		EXECVE("argc=1 a0=\"lsmod\"")
		CWD("\"/tmp/at\"")
		HDR("PATH") "item=0 name=\"/usr/sbin/lsmod\" inode=10977287 dev=fe:00 "
		"mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 "
		"cap_fe=0 cap_fver=0 cap_frootid=0" "\x1d" "OUID=\"root\" OGID=\"root\"\n"
		PROCTITLE("\"lsmod\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_cstr(g->user_name, "root");
	ck_assert_uint_eq(g->uid, 0);
	ck_assert_cstr(g->executable, "/usr/sbin/lsmod");
	ck_assert_cstr(g->comm, "lsmod");
	ck_assert(!g->malformed);
	h_free(h);
}
END_TEST

START_TEST(test_enriched_non_root_uid_gives_that_name)
{
	static const char in[] =
		HDR("SYSCALL") "arch=c000003e syscall=59 success=yes exit=0 a0=1 items=1 "
		"ppid=2203 pid=2223 auid=1000 uid=1000 gid=1000 euid=1000 tty=pts0 ses=2 "
		"comm=\"lsmod\" exe=\"/usr/bin/kmod\" key=(null)" "\x1d" "ARCH=x86_64 "
		"SYSCALL=execve AUID=\"alice\" UID=\"alice\" GID=\"alice\" EUID=\"alice\"\n"
		EXECVE("argc=1 a0=\"lsmod\"")
		PROCTITLE("\"lsmod\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_cstr(g->user_name, "alice");
	ck_assert_uint_eq(g->uid, 1000);
	h_free(h);
}
END_TEST

START_TEST(test_raw_format_has_no_user_name)
{
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, lsmod_event);

	ck_assert(!g->user_name.present);
	ck_assert(!g->euser_name.present);
	ck_assert(!g->group_name.present);
	ck_assert(!g->egroup_name.present);
	h_free(h);
}
END_TEST

START_TEST(test_enriched_effective_user_and_groups_give_their_names)
{
	/* sudo-like: real alice (1000/1000), effective root (0/0). */
	static const char in[] =
		HDR("SYSCALL") "arch=c000003e syscall=59 success=yes exit=0 a0=1 items=1 "
		"ppid=2203 pid=2223 auid=1000 uid=1000 gid=1000 euid=0 suid=0 fsuid=0 "
		"egid=0 sgid=0 fsgid=0 tty=pts0 ses=2 comm=\"lsmod\" exe=\"/usr/bin/kmod\" "
		"key=(null)" "\x1d" "ARCH=x86_64 SYSCALL=execve AUID=\"alice\" "
		"UID=\"alice\" GID=\"staff\" EUID=\"root\" SUID=\"root\" "
		"FSUID=\"root\" EGID=\"wheel\" SGID=\"wheel\" FSGID=\"wheel\"\n"
		EXECVE("argc=1 a0=\"lsmod\"")
		PROCTITLE("\"lsmod\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_cstr(g->user_name, "alice");
	ck_assert_cstr(g->euser_name, "root");
	ck_assert_cstr(g->group_name, "staff");
	ck_assert_cstr(g->egroup_name, "wheel");
	h_free(h);
}
END_TEST

/* user.audit.name: the ENRICHED interpretation of auid. */
START_TEST(test_enriched_auid_gives_the_login_user_name)
{
	static const char in[] =
		HDR("SYSCALL") "arch=c000003e syscall=59 success=yes exit=0 a0=1 items=1 "
		"ppid=2203 pid=2223 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 "
		"egid=0 sgid=0 fsgid=0 tty=pts0 ses=2 comm=\"lsmod\" exe=\"/usr/bin/kmod\" "
		"key=(null)" "\x1d" "ARCH=x86_64 SYSCALL=execve AUID=\"alice\" "
		"UID=\"root\" GID=\"root\" EUID=\"root\"\n"
		EXECVE("argc=1 a0=\"lsmod\"")
		PROCTITLE("\"lsmod\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_uint_eq(g->auid, 1000);
	ck_assert_cstr(g->auser_name, "alice");
	ck_assert_cstr(g->user_name, "root");
	h_free(h);
}
END_TEST

/* process.saved_user.id / saved_group.id and host.architecture: the
 * SYSCALL record's suid, sgid and arch (libaudit's names). */
START_TEST(test_saved_ids_and_arch_are_read)
{
	static const char in[] =
		HDR("SYSCALL") "arch=40000003 syscall=11 success=yes exit=0 a0=1 items=1 "
		"ppid=2203 pid=2223 auid=1000 uid=1000 gid=1001 euid=0 suid=7 "
		"fsuid=0 egid=0 sgid=8 fsgid=0 tty=pts1 ses=3 comm=\"modinfo\" "
		"exe=\"/usr/bin/kmod\" key=\"t\"\n"
		EXECVE("argc=1 a0=\"modinfo\"")
		PROCTITLE("\"modinfo\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_uint_eq(g->suid, 7);
	ck_assert_uint_eq(g->sgid, 8);
	ck_assert_str_eq(g->arch, "i386");
	h_free(h);
	h = h_new();
	g = one_event(h, lsmod_event);
	ck_assert_str_eq(g->arch, "x86_64");
	ck_assert_uint_eq(g->suid, 0);
	h_free(h);
}
END_TEST

START_TEST(test_missing_saved_ids_are_unknown)
{
	struct harness *h = h_new();

	h_feed(h, SYSCALL_F("59 exit=0", "yes", "1", "auid=0 uid=0 gid=0 euid=0 ses=3",
			    "(none)", "\"lsmod\"", "\"/usr/bin/kmod\"")
		  EXECVE("argc=1 a0=\"lsmod\"") PROCTITLE("\"lsmod\""));
	as_flush(h->a);
	ck_assert_uint_eq(h->n, 1);
	ck_assert_int_eq(h->ev[0].kind, EV_EXEC);
	ck_assert_uint_eq(h->ev[0].suid, KME_ID_UNSET);
	ck_assert_uint_eq(h->ev[0].sgid, KME_ID_UNSET);
	h_free(h);
}
END_TEST

/* process.title: PROCTITLE's hex decoded, the NULs between arguments as
 * spaces; a quoted one as it is. */
START_TEST(test_proctitle_is_decoded_with_spaces_between_arguments)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=2 a0=\"sh\" a1=\"-c\"")
		PROCTITLE("2F62696E2F7368002D63006C736D6F64203B203A00");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_cstr(g->title, "/bin/sh -c lsmod ; :");
	ck_assert(!g->title_cut);
	h_free(h);
	h = h_new();
	g = one_event(h, lsmod_event);
	ck_assert_cstr(g->title, "lsmod");
	h_free(h);
}
END_TEST

START_TEST(test_missing_proctitle_is_absent_and_a_huge_one_is_cut)
{
	static const char without[] =
		SYSCALL_LSMOD
		EXECVE("argc=1 a0=\"lsmod\"")
		CWD("\"/tmp/at\"")
		PATH("0", "\"/usr/sbin/lsmod\"");
	struct kme_buf rec;
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, without);
	size_t i;

	ck_assert(!g->title.present);
	h_free(h);
	/* A forged record far over the kernel's 128 bytes. */
	buf_init(&rec, 0);
	buf_puts(&rec, SYSCALL_LSMOD EXECVE("argc=1 a0=\"lsmod\"") HDR("PROCTITLE")
		 "proctitle=");
	for (i = 0; i < KME_TITLE_MAX + 10; i++)
		buf_puts(&rec, "41");
	buf_puts(&rec, "\n");
	h = h_new();
	g = one_event(h, rec.p);
	ck_assert(g->title.present);
	ck_assert_uint_eq(g->title.len, KME_TITLE_MAX);
	ck_assert(g->title_cut);
	h_free(h);
	buf_free(&rec);
}
END_TEST

/* ---- other event kinds ------------------------------------------------- */

#define SC_OTHER(sc, succ, exitv, a0) HDR("SYSCALL") "arch=c000003e syscall=" sc \
	" success=" succ " exit=" exitv " a0=" a0 " a1=0 a2=0 a3=7f items=0 ppid=2203 " \
	"pid=2223 " IDS_ROOT " tty=(none) comm=\"bash\" exe=\"/usr/bin/bash\" key=\"t\"\n"

START_TEST(test_clone_without_clone_thread_is_a_fork)
{
	static const char in[] =
		SC_OTHER("56", "yes", "1234", "1200011")
		PROCTITLE("\"bash\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_int_eq(g->kind, EV_FORK);
	ck_assert_int_eq(g->fork_child, 1234);
	ck_assert_int_eq(g->pid, 2223);
	ck_assert_int_eq(g->ppid, 2203);
	ck_assert(g->has_syscall);
	h_free(h);
}
END_TEST

START_TEST(test_fork_and_other_events_report_their_node)
{
	static const char in[] =
		"node=hostb " SC_OTHER("56", "yes", "1234", "1200011")
		"node=hostb " PROCTITLE("\"bash\"");
	static const char in2[] =
		SC_OTHER("56", "yes", "1234", "1200011")
		PROCTITLE("\"bash\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_int_eq(g->kind, EV_FORK);
	ck_assert_cstr(g->ev_node, "hostb");
	h_free(h);
	h = h_new();
	g = one_event(h, in2);
	ck_assert(!g->ev_node.present);
	h_free(h);
}
END_TEST

START_TEST(test_clone_with_clone_thread_is_other)
{
	static const char in[] =
		SC_OTHER("56", "yes", "1234", "3d0f00")
		PROCTITLE("\"bash\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_int_eq(g->kind, EV_OTHER);
	ck_assert_int_eq(g->pid, 2223);
	h_free(h);
}
END_TEST

START_TEST(test_fork_vfork_and_clone3_are_forks)
{
	static const char in[] =
		"type=SYSCALL msg=audit(1795728867.245:6): arch=c000003e syscall=57 success=yes exit=301 a0=0 ppid=1 pid=300\n"
		"type=PROCTITLE msg=audit(1795728867.245:6): proctitle=\"x\"\n"
		"type=SYSCALL msg=audit(1795728867.245:7): arch=c000003e syscall=58 success=yes exit=302 a0=0 ppid=1 pid=300\n"
		"type=PROCTITLE msg=audit(1795728867.245:7): proctitle=\"x\"\n"
		"type=SYSCALL msg=audit(1795728867.245:8): arch=c000003e syscall=435 success=yes exit=303 a0=7ffc5e1c2f40 ppid=1 pid=300\n"
		"type=PROCTITLE msg=audit(1795728867.245:8): proctitle=\"x\"\n";
	struct harness *h = h_new();
	size_t i;

	h_feed(h, in);
	as_flush(h->a);
	ck_assert_uint_eq(h->n, 3);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(h->ev[i].kind, EV_FORK);
		ck_assert_int_eq(h->ev[i].fork_child, 301 + (int)i);
		ck_assert_int_eq(h->ev[i].pid, 300);
	}
	h_free(h);
}
END_TEST

START_TEST(test_failed_clone_is_other)
{
	static const char in[] =
		SC_OTHER("56", "no", "-11", "1200011")
		PROCTITLE("\"bash\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_int_eq(g->kind, EV_OTHER);
	ck_assert_int_eq(g->fork_child, 0);
	h_free(h);
}
END_TEST

START_TEST(test_clone_returning_zero_or_garbage_is_other)
{
	static const char in[] =
		"type=SYSCALL msg=audit(1795728867.245:6): arch=c000003e syscall=56 success=yes exit=0 a0=1200011 ppid=1 pid=300\n"
		"type=PROCTITLE msg=audit(1795728867.245:6): proctitle=\"x\"\n"
		"type=SYSCALL msg=audit(1795728867.245:7): arch=c000003e syscall=56 success=yes exit=99999999999 a0=1200011 ppid=1 pid=300\n"
		"type=PROCTITLE msg=audit(1795728867.245:7): proctitle=\"x\"\n";
	struct harness *h = h_new();

	h_feed(h, in);
	as_flush(h->a);
	ck_assert_uint_eq(h->n, 2);
	ck_assert_int_eq(h->ev[0].kind, EV_OTHER);
	ck_assert_int_eq(h->ev[1].kind, EV_OTHER);
	h_free(h);
}
END_TEST

START_TEST(test_openat_is_an_open_with_pid_and_ppid)
{
	static const char in[] =
		SC_OTHER("257", "yes", "3", "ffffff9c")
		CWD("\"/root\"")
		PATH("0", "\"/etc/passwd\"")
		PROCTITLE("\"cat\"");
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_int_eq(g->kind, EV_OPEN);
	ck_assert(g->has_syscall);
	ck_assert_int_eq(g->pid, 2223);
	ck_assert_int_eq(g->ppid, 2203);
	ck_assert_int_eq(g->sec, 1795728867);
	ck_assert_uint_eq(g->serial, 6);
	h_free(h);
}
END_TEST

START_TEST(test_event_without_syscall_has_no_pid)
{
	static const char in[] =
		"type=USER_CMD msg=audit(1795728867.245:6): pid=2223 uid=0 auid=0 ses=1 "
		"msg='cwd=\"/root\" cmd=6C736D6F64 exe=\"/usr/bin/sudo\" terminal=pts/0 res=success'\n";
	struct harness *h = h_new();
	struct got_ev *g = one_event(h, in);

	ck_assert_int_eq(g->kind, EV_OTHER);
	ck_assert(!g->has_syscall);
	ck_assert_int_eq(g->pid, -1);
	ck_assert_int_eq(g->ppid, -1);
	h_free(h);
}
END_TEST

START_TEST(test_unknown_arch_is_other)
{
	static const char in[] =
		"type=SYSCALL msg=audit(1795728867.245:6): arch=deadbeef syscall=59 success=yes exit=0 a0=1 ppid=1 pid=300 comm=\"x\" exe=\"/x\"\n"
		"type=EXECVE msg=audit(1795728867.245:6): argc=1 a0=\"x\"\n"
		"type=PROCTITLE msg=audit(1795728867.245:6): proctitle=\"x\"\n"
		"type=SYSCALL msg=audit(1795728867.245:7): arch=c000003e syscall=-1 success=yes exit=0 a0=1 ppid=1 pid=300\n"
		"type=PROCTITLE msg=audit(1795728867.245:7): proctitle=\"x\"\n"
		"type=SYSCALL msg=audit(1795728867.245:8): arch=c000003e syscall=99999 success=yes exit=0 a0=1 ppid=1 pid=300\n"
		"type=PROCTITLE msg=audit(1795728867.245:8): proctitle=\"x\"\n";
	struct harness *h = h_new();
	size_t i;

	h_feed(h, in);
	as_flush(h->a);
	ck_assert_uint_eq(h->n, 3);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(h->ev[i].kind, EV_OTHER);
		ck_assert_int_eq(h->ev[i].pid, 300);
	}
	h_free(h);
}
END_TEST

/* ---- event boundaries through the assembler --------------------------- */

START_TEST(test_events_without_eoe_complete_by_next_event_or_flush)
{
	static const char second[] =
		"type=SYSCALL msg=audit(1795728868.000:7): arch=c000003e syscall=59 success=yes "
		"exit=0 a0=1 items=1 ppid=1 pid=99 uid=0 comm=\"modinfo\" exe=\"/usr/bin/kmod\"\n"
		"type=EXECVE msg=audit(1795728868.000:7): argc=2 a0=\"modinfo\" a1=\"ext4\"\n";
	struct harness *h = h_new();

	h_feed(h, lsmod_event);
	ck_assert_uint_le(h->n, 1);
	h_feed(h, second);
	ck_assert_uint_eq(h->n, 1); /* the second has no terminal record yet */
	ck_assert_cstr(h->ev[0].executable, "/usr/sbin/lsmod");
	as_flush(h->a);
	ck_assert_uint_eq(h->n, 2);
	ck_assert_int_eq(h->ev[1].kind, EV_EXEC);
	ck_assert_cstr(h->ev[1].args[1], "ext4");
	h_free(h);
}
END_TEST

START_TEST(test_events_with_eoe_complete_at_once)
{
	static const char in[] =
		SYSCALL_LSMOD
		EXECVE("argc=1 a0=\"lsmod\"")
		CWD("\"/tmp/at\"")
		PATH("0", "\"/usr/sbin/lsmod\"")
		PROCTITLE("\"lsmod\"")
		HDR("EOE") "\n";
	struct harness *h = h_new();

	h_feed(h, in);
	ck_assert_uint_eq(h->n, 1); /* no flush needed */
	ck_assert_int_eq(h->ev[0].kind, EV_EXEC);
	ck_assert_cstr(h->ev[0].executable, "/usr/sbin/lsmod");
	as_flush(h->a);
	ck_assert_uint_eq(h->n, 1); /* and the EOE is no event of its own */
	h_free(h);
}
END_TEST

START_TEST(test_interleaved_events_both_decode)
{
	static const char in[] =
		"type=SYSCALL msg=audit(1795728867.245:6): arch=c000003e syscall=59 success=yes exit=0 a0=1 items=1 ppid=10 pid=11 comm=\"lsmod\" exe=\"/usr/bin/kmod\"\n"
		"type=SYSCALL msg=audit(1795728867.246:7): arch=c000003e syscall=59 success=yes exit=0 a0=1 items=1 ppid=20 pid=21 comm=\"depmod\" exe=\"/usr/bin/kmod\"\n"
		"type=EXECVE msg=audit(1795728867.246:7): argc=2 a0=\"depmod\" a1=\"-a\"\n"
		"type=EXECVE msg=audit(1795728867.245:6): argc=1 a0=\"lsmod\"\n"
		"type=PATH msg=audit(1795728867.246:7): item=0 name=\"/usr/sbin/depmod\"\n"
		"type=PATH msg=audit(1795728867.245:6): item=0 name=\"/usr/sbin/lsmod\"\n"
		"type=PROCTITLE msg=audit(1795728867.245:6): proctitle=\"lsmod\"\n"
		"type=PROCTITLE msg=audit(1795728867.246:7): proctitle=\"x\"\n";
	struct harness *h = h_new();
	struct got_ev *l, *d;

	h_feed(h, in);
	as_flush(h->a);
	ck_assert_uint_eq(h->n, 2);
	l = h->ev[0].pid == 11 ? &h->ev[0] : &h->ev[1];
	d = h->ev[0].pid == 11 ? &h->ev[1] : &h->ev[0];
	ck_assert_int_eq(l->pid, 11);
	ck_assert_int_eq(d->pid, 21);
	ck_assert_cstr(l->executable, "/usr/sbin/lsmod");
	ck_assert_uint_eq(l->nargs, 1);
	ck_assert_cstr(d->executable, "/usr/sbin/depmod");
	ck_assert_uint_eq(d->nargs, 2);
	ck_assert_cstr(d->args[1], "-a");
	ck_assert(!l->malformed && !d->malformed);
	h_free(h);
}
END_TEST

/* ---- ea_decode_value / ev_join_path ------------------------------------ */

static struct kme_buf dbuf;

static int decode(const char *raw)
{
	buf_free(&dbuf);
	buf_init(&dbuf, 64);
	return ea_decode_value(raw, &dbuf);
}

START_TEST(test_decode_quoted_value)
{
	ck_assert_int_eq(decode("\"/usr/sbin/lsmod\""), 0);
	ck_assert_uint_eq(dbuf.len, 15);
	ck_assert_str_eq(dbuf.p, "/usr/sbin/lsmod");
	ck_assert_int_eq(decode("\"\""), 0);
	ck_assert_uint_eq(dbuf.len, 0);
	buf_free(&dbuf);
}
END_TEST

START_TEST(test_decode_hex_value_any_case)
{
	ck_assert_int_eq(decode("6C736D6f64"), 0);
	ck_assert_str_eq(dbuf.p, "lsmod");
	ck_assert_int_eq(decode("6120620A"), 0);
	ck_assert_str_eq(dbuf.p, "a b\n");
	buf_free(&dbuf);
}
END_TEST

START_TEST(test_decode_hex_keeps_embedded_nul_by_length)
{
	ck_assert_int_eq(decode("610062"), 0);
	ck_assert_uint_eq(dbuf.len, 3);
	ck_assert_mem_eq(dbuf.p, "a\0b", 3);
	buf_free(&dbuf);
}
END_TEST

START_TEST(test_decode_null_is_absent)
{
	ck_assert_int_eq(decode("(null)"), 1);
	ck_assert_uint_eq(dbuf.len, 0);
	buf_free(&dbuf);
}
END_TEST

START_TEST(test_decode_unexpected_forms_are_kept_and_flagged)
{
	ck_assert_int_eq(decode("ABC"), 2); /* odd-length hex */
	ck_assert_str_eq(dbuf.p, "ABC");
	ck_assert_int_eq(decode("zz"), 2);
	ck_assert_str_eq(dbuf.p, "zz");
	ck_assert_int_eq(decode("\"unterminated"), 2);
	ck_assert_str_eq(dbuf.p, "unterminated");
	ck_assert_int_eq(decode("\""), 2);
	ck_assert_uint_eq(dbuf.len, 0);
	buf_free(&dbuf);
}
END_TEST

START_TEST(test_decode_appends_to_existing_content)
{
	buf_init(&dbuf, 64);
	ck_assert_int_eq(buf_puts(&dbuf, "pre:"), 0);
	ck_assert_int_eq(ea_decode_value("6869", &dbuf), 0);
	ck_assert_int_eq(ea_decode_value("\"!\"", &dbuf), 0);
	ck_assert_str_eq(dbuf.p, "pre:hi!");
	buf_free(&dbuf);
}
END_TEST

START_TEST(test_decode_respects_the_buffer_bound)
{
	struct kme_buf b;

	buf_init(&b, 4);
	ck_assert_int_lt(ea_decode_value("3031323334353637", &b), 0);
	ck_assert_uint_le(b.len, 4);
	ck_assert(b.overflow);
	buf_free(&b);
	buf_init(&b, 4);
	ck_assert_int_lt(ea_decode_value("\"0123456\"", &b), 0);
	ck_assert_uint_le(b.len, 4);
	buf_free(&b);
}
END_TEST

static const char *join(const char *dir, const char *name)
{
	buf_free(&dbuf);
	buf_init(&dbuf, 256);
	ck_assert_int_eq(ev_join_path((struct kme_str){ dir, strlen(dir) },
				      (struct kme_str){ name, strlen(name) }, &dbuf), 0);
	return dbuf.p;
}

START_TEST(test_join_puts_one_slash_between)
{
	ck_assert_str_eq(join("/usr/sbin", "lsmod"), "/usr/sbin/lsmod");
	ck_assert_str_eq(join("/", "lsmod"), "/lsmod");
	ck_assert_str_eq(join("/usr/sbin/", "lsmod"), "/usr/sbin/lsmod");
	buf_free(&dbuf);
}
END_TEST

START_TEST(test_join_drops_leading_dot_slashes_only)
{
	ck_assert_str_eq(join("/usr/sbin", "./lsmod"), "/usr/sbin/lsmod");
	ck_assert_str_eq(join("/usr/sbin", "././lsmod"), "/usr/sbin/lsmod");
	ck_assert_str_eq(join("/d", "./a/./b"), "/d/a/./b");
	/* ".//x" and "./" keep their dot: dropping it would leave "/x". */
	ck_assert_str_eq(join("/d", ".//x"), "/d/.//x");
	ck_assert_str_eq(join("/d", "./"), "/d/./");
	ck_assert_str_eq(join("/d", ".lsmod"), "/d/.lsmod");
	buf_free(&dbuf);
}
END_TEST

START_TEST(test_join_never_collapses_dotdot_or_slashes)
{
	ck_assert_str_eq(join("/tmp/d", "t/s/../lsmod"), "/tmp/d/t/s/../lsmod");
	ck_assert_str_eq(join("/a", "../../../var/lib/dpkg/info/x.postinst"),
			 "/a/../../../var/lib/dpkg/info/x.postinst");
	ck_assert_str_eq(join("/a//b", "c//d"), "/a//b/c//d");
	buf_free(&dbuf);
}
END_TEST

START_TEST(test_join_uses_lengths_and_appends)
{
	buf_init(&dbuf, 256);
	ck_assert_int_eq(buf_puts(&dbuf, "keep:"), 0);
	ck_assert_int_eq(ev_join_path((struct kme_str){ "/usrXX", 4 },
				      (struct kme_str){ "binYY", 3 }, &dbuf), 0);
	ck_assert_str_eq(dbuf.p, "keep:/usr/bin");
	buf_free(&dbuf);
}
END_TEST

START_TEST(test_join_respects_the_buffer_bound_and_leaves_it_unchanged)
{
	struct kme_buf b;

	buf_init(&b, 8);
	ck_assert_int_eq(buf_puts(&b, "ab"), 0);
	ck_assert_int_lt(ev_join_path((struct kme_str){ "/usr/sbin", 9 },
				      (struct kme_str){ "lsmod", 5 }, &b), 0);
	ck_assert_uint_eq(b.len, 2);
	ck_assert_str_eq(b.p, "ab");
	buf_free(&b);
}
END_TEST

static Suite *execevent_suite(void)
{
	Suite *s = suite_create("execevent");
	TCase *tc = tcase_create("exec");
	TCase *ta = tcase_create("argv");
	TCase *tf = tcase_create("fields");
	TCase *to = tcase_create("other");
	TCase *tb = tcase_create("boundaries");
	TCase *tu = tcase_create("helpers");
	TCase *tw = tcase_create("watched arguments");

	tcase_add_test(tc, test_lsmod_exec_maps_to_ecs_fields);
	tcase_add_test(tc, test_executable_is_path_item0_not_the_resolved_exe);
	tcase_add_test(tc, test_name_is_basename_of_executable_not_comm);
	tcase_add_test(tc, test_script_executable_is_the_script_not_the_interpreter);
	tcase_add_test(tc, test_path_item0_is_found_whatever_the_record_order);
	tcase_add_test(tc, test_relative_path_is_made_absolute_with_cwd);
	tcase_add_test(tc, test_dotdot_relative_path_is_joined_not_collapsed);
	tcase_add_test(tc, test_absolute_path_with_dots_is_kept_as_given);
	tcase_add_test(tc, test_dotdot_after_a_symlinked_directory_stays_as_executed);
	tcase_add_test(tc, test_dotdot_never_moves_a_path_into_the_dpkg_directory);
	tcase_add_test(tc, test_too_long_cwd_keeps_the_name_and_falls_back_to_exe);
	tcase_add_test(tc, test_too_long_cwd_script_is_named_after_the_script);
	tcase_add_test(tc, test_relative_path_without_cwd_record_falls_back_to_exe_keeps_name);
	tcase_add_test(tc, test_long_cwd_and_relative_name_are_joined_whole);
	tcase_add_test(tc, test_missing_path_record_falls_back_to_exe);
	tcase_add_test(tc, test_null_path_name_falls_back_to_exe);
	tcase_add_test(tc, test_missing_path_and_exe_fall_back_to_comm_for_name);
	tcase_add_test(tc, test_execveat_with_dirfd_and_relative_name_uses_exe);
	tcase_add_test(tc, test_execveat_with_dirfd_and_relative_subpath_names_its_basename);
	tcase_add_test(tc, test_fexecve_empty_path_takes_executable_and_name_from_exe);
	tcase_add_test(tc, test_execveat_at_fdcwd_relative_name_uses_cwd);
	tcase_add_test(tc, test_i386_execveat_at_fdcwd_relative_name_uses_cwd);
	tcase_add_test(tc, test_i386_execve_is_an_exec);
	tcase_add_test(tc, test_failed_exec_is_an_exec_with_success_false);
	tcase_add_test(tc, test_successful_exec_without_execve_record_is_malformed);
	suite_add_tcase(s, tc);

	tcase_add_test(ta, test_hex_arg_is_decoded);
	tcase_add_test(ta, test_arg_with_quote_in_hex_is_decoded);
	tcase_add_test(ta, test_arg_with_nul_free_binary_bytes_is_kept_exactly);
	tcase_add_test(ta, test_empty_quoted_arg_is_an_empty_string);
	tcase_add_test(ta, test_split_arg_pieces_are_joined);
	tcase_add_test(ta, test_split_arg_quoted_pieces_are_joined);
	tcase_add_test(ta, test_split_arg_across_two_execve_records_is_joined);
	tcase_add_test(ta, test_split_arg_interleaved_with_another_split_arg_stays_contiguous);
	tcase_add_test(ta, test_missing_piece_is_malformed_other_args_intact);
	tcase_add_test(ta, test_duplicate_piece_is_malformed_other_args_intact);
	tcase_add_test(ta, test_piece_length_mismatch_is_malformed);
	tcase_add_test(ta, test_whole_and_pieces_for_one_arg_is_malformed);
	tcase_add_test(ta, test_duplicate_whole_arg_is_malformed_first_kept);
	tcase_add_test(ta, test_argc_larger_than_args_present_is_malformed_and_not_invented);
	tcase_add_test(ta, test_hole_between_present_args_is_an_empty_string);
	tcase_add_test(ta, test_args_beyond_argc_are_malformed);
	tcase_add_test(ta, test_garbled_argc_is_malformed);
	tcase_add_test(ta, test_undecodable_arg_value_is_malformed);
	tcase_add_test(ta, test_absurd_argc_is_bounded_and_malformed);
	tcase_add_test(ta, test_args_beyond_the_byte_bound_are_truncated_not_malformed);
	tcase_add_test(ta, test_args_filling_the_byte_bound_exactly_keep_the_executable);
	tcase_add_test(ta, test_huge_arg_index_is_bounded);
	tcase_add_test(ta, test_builder_is_reused_across_events);
	tcase_set_timeout(ta, 30);
	suite_add_tcase(s, ta);

	tcase_add_test(tw, test_watched_value_beyond_the_stored_arguments_is_seen);
	tcase_add_test(tw, test_watched_value_beyond_the_byte_bound_is_seen);
	tcase_add_test(tw, test_watched_values_are_seen_in_hex_and_quoted_forms);
	tcase_add_test(tw, test_watched_value_split_into_pieces_is_seen);
	tcase_add_test(tw, test_watched_value_is_matched_whole_never_as_a_prefix);
	tcase_add_test(tw, test_watch_flags_start_clear_for_each_event);
	tcase_add_test(tw, test_without_a_watch_set_nothing_is_claimed_seen);
	tcase_add_test(tw, test_argc_is_what_the_kernel_logged_when_fewer_arguments_came);
	tcase_set_timeout(tw, 60);
	suite_add_tcase(s, tw);

	tcase_add_test(tf, test_hex_comm_and_exe_are_decoded);
	tcase_add_test(tf, test_ids_session_and_tty_are_parsed);
	tcase_add_test(tf, test_tty_field_does_not_make_event_malformed);
	tcase_add_test(tf, test_unset_auid_and_ses_keep_their_value);
	tcase_add_test(tf, test_missing_or_garbled_ids_are_unset);
	tcase_add_test(tf, test_garbled_pid_is_minus_one);
	tcase_add_test(tf, test_node_prefix_becomes_exec_node);
	tcase_add_test(tf, test_enriched_uid_gives_user_name);
	tcase_add_test(tf, test_enriched_non_root_uid_gives_that_name);
	tcase_add_test(tf, test_raw_format_has_no_user_name);
	tcase_add_test(tf, test_enriched_effective_user_and_groups_give_their_names);
	tcase_add_test(tf, test_enriched_auid_gives_the_login_user_name);
	tcase_add_test(tf, test_saved_ids_and_arch_are_read);
	tcase_add_test(tf, test_missing_saved_ids_are_unknown);
	tcase_add_test(tf, test_proctitle_is_decoded_with_spaces_between_arguments);
	tcase_add_test(tf, test_missing_proctitle_is_absent_and_a_huge_one_is_cut);
	suite_add_tcase(s, tf);

	tcase_add_test(to, test_clone_without_clone_thread_is_a_fork);
	tcase_add_test(to, test_fork_and_other_events_report_their_node);
	tcase_add_test(to, test_clone_with_clone_thread_is_other);
	tcase_add_test(to, test_fork_vfork_and_clone3_are_forks);
	tcase_add_test(to, test_failed_clone_is_other);
	tcase_add_test(to, test_clone_returning_zero_or_garbage_is_other);
	tcase_add_test(to, test_openat_is_an_open_with_pid_and_ppid);
	tcase_add_test(to, test_event_without_syscall_has_no_pid);
	tcase_add_test(to, test_unknown_arch_is_other);
	suite_add_tcase(s, to);

	tcase_add_test(tb, test_events_without_eoe_complete_by_next_event_or_flush);
	tcase_add_test(tb, test_events_with_eoe_complete_at_once);
	tcase_add_test(tb, test_interleaved_events_both_decode);
	suite_add_tcase(s, tb);

	tcase_add_test(tu, test_decode_quoted_value);
	tcase_add_test(tu, test_decode_hex_value_any_case);
	tcase_add_test(tu, test_decode_hex_keeps_embedded_nul_by_length);
	tcase_add_test(tu, test_decode_null_is_absent);
	tcase_add_test(tu, test_decode_unexpected_forms_are_kept_and_flagged);
	tcase_add_test(tu, test_decode_appends_to_existing_content);
	tcase_add_test(tu, test_decode_respects_the_buffer_bound);
	tcase_add_test(tu, test_join_puts_one_slash_between);
	tcase_add_test(tu, test_join_drops_leading_dot_slashes_only);
	tcase_add_test(tu, test_join_never_collapses_dotdot_or_slashes);
	tcase_add_test(tu, test_join_uses_lengths_and_appends);
	tcase_add_test(tu, test_join_respects_the_buffer_bound_and_leaves_it_unchanged);
	suite_add_tcase(s, tu);
	return s;
}

int main(void)
{
	return ck_run(execevent_suite());
}
