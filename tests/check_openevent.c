/* check_openevent.c - real-format open records (tests/data/hardening-raw.log
 * and variants of them) to the ECS view of a file access. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assemble.h"
#include "checkrun.h"
#include "openevent.h"

/* What one event gave, copied out of the builder. */
struct got {
	bool open, success, relative, inode_known, mode_known;
	char opened_as[256], cwd[256], comm[64], exe[64], node[64], uname[32];
	char auname[32], title[256], arch[16];
	bool title_cut;
	char keys[OE_MAX_KEYS][64];
	size_t nkeys;
	int32_t pid, ppid;
	uint32_t uid, auid, mode, ouid, suid, sgid;
	uint64_t inode, serial;
};

static struct oe_builder *B;
static struct as_assembler *A;
static struct got G[4];
static size_t NG;

static void cp(char *dst, size_t size, struct kme_str s)
{
	snprintf(dst, size, "%.*s", s.p ? (int)s.len : 1, s.p ? s.p : "-");
}

static void on_event(void *arg, auparse_state_t *au, struct kme_str node)
{
	struct oe_event o;
	struct got *g = &G[NG < 4 ? NG++ : 3];
	size_t i;

	(void)arg;
	memset(g, 0, sizeof(*g));
	if (!(g->open = oe_build(B, au, node, &o)))
		return;
	g->success = o.ex.success;
	g->relative = o.file.opened_relative;
	g->inode_known = o.file.inode_known;
	g->inode = o.file.inode;
	g->mode_known = o.file.mode_known;
	g->mode = o.file.mode;
	g->ouid = o.file.ouid;
	g->pid = o.ex.proc.pid;
	g->ppid = o.ex.ppid;
	g->uid = o.ex.uid;
	g->auid = o.ex.auid;
	g->suid = o.ex.suid;
	g->sgid = o.ex.sgid;
	g->title_cut = o.ex.title_cut;
	snprintf(g->arch, sizeof(g->arch), "%s", o.ex.arch ? o.ex.arch : "-");
	cp(g->auname, sizeof(g->auname), o.ex.auser_name);
	cp(g->title, sizeof(g->title), o.ex.title);
	g->serial = o.ex.serial;
	cp(g->opened_as, sizeof(g->opened_as), o.file.opened_as);
	cp(g->cwd, sizeof(g->cwd), o.ex.proc.cwd);
	cp(g->comm, sizeof(g->comm), o.ex.comm);
	cp(g->exe, sizeof(g->exe), o.ex.exe);
	cp(g->node, sizeof(g->node), o.ex.node);
	cp(g->uname, sizeof(g->uname), o.ex.user_name);
	for (i = 0; i < o.file.nkeys; i++)
		cp(g->keys[i], sizeof(g->keys[i]), o.file.keys[i]);
	g->nkeys = o.file.nkeys;
}

static void setup(void)
{
	struct kme_err err;

	B = oe_builder_new(&err);
	A = as_new(on_event, NULL, &err);
	ck_assert_ptr_nonnull(B);
	ck_assert_ptr_nonnull(A);
	NG = 0;
}

static void teardown(void)
{
	as_free(A);
	oe_builder_free(B);
}

static void feed(const char *const *lines)
{
	for (; *lines != NULL; lines++)
		as_line(A, *lines, strlen(*lines));
	as_flush(A);
}

/* The capture's first open (scenario 61: cat /proc/version), as logged. */
#define CAT_SYSCALL "type=SYSCALL msg=audit(1796638579.934:1053470): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=7ffd7eff7b09 a2=0 a3=0 items=1 ppid=27458 pid=27460 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=6 comm=\"cat\" exe=\"/usr/bin/cat\" key=\"kme-standin\""
#define CAT_CWD "type=CWD msg=audit(1796638579.934:1053470): cwd=\"/tmp/kme-scenario/61-proc-read\""
#define CAT_PATH "type=PATH msg=audit(1796638579.934:1053470): item=0 name=\"/proc/version\" inode=4026531890 dev=00:15 mode=0100444 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0"
#define CAT_TITLE "type=PROCTITLE msg=audit(1796638579.934:1053470): proctitle=636174002F70726F632F76657273696F6E"

START_TEST(test_a_captured_open_is_decoded)
{
	static const char *const l[] = { CAT_SYSCALL, CAT_CWD, CAT_PATH, CAT_TITLE, NULL };

	feed(l);
	ck_assert_uint_eq(NG, 1);
	ck_assert(G[0].open && G[0].success && !G[0].relative);
	ck_assert_str_eq(G[0].opened_as, "/proc/version");
	ck_assert_str_eq(G[0].cwd, "/tmp/kme-scenario/61-proc-read");
	ck_assert_str_eq(G[0].comm, "cat");
	ck_assert_str_eq(G[0].exe, "/usr/bin/cat");
	ck_assert_uint_eq(G[0].nkeys, 1);
	ck_assert_str_eq(G[0].keys[0], "kme-standin");
	ck_assert_int_eq(G[0].pid, 27460);
	ck_assert_int_eq(G[0].ppid, 27458);
	ck_assert(G[0].inode_known && G[0].inode == 4026531890ULL);
	ck_assert(G[0].mode_known && G[0].mode == 0100444);
	ck_assert_uint_eq(G[0].ouid, 0);
	ck_assert_uint_eq(G[0].serial, 1053470);
	ck_assert_str_eq(G[0].node, "-");
}
END_TEST

START_TEST(test_a_name_relative_to_the_cwd_is_joined_to_it)
{
	/* `cd /sys/module && ls`: openat(AT_FDCWD, ".") */
	static const char *const l[] = {
		"type=SYSCALL msg=audit(1796638579.966:1053489): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=55f0e1b7c2b0 a2=90800 a3=0 items=1 ppid=27470 pid=27471 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=6 comm=\"ls\" exe=\"/usr/bin/ls\" key=\"kmod-enum-sysmod\"",
		"type=CWD msg=audit(1796638579.966:1053489): cwd=\"/sys/module\"",
		"type=PATH msg=audit(1796638579.966:1053489): item=0 name=\".\" inode=3736 dev=00:16 mode=040755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0",
		"type=PROCTITLE msg=audit(1796638579.966:1053489): proctitle=6C73",
		/* open(2) of a relative name, sign-extended AT_FDCWD not needed */
		"type=SYSCALL msg=audit(1796638580.000:9): arch=c000003e syscall=2 success=yes exit=3 a0=7ffd a1=0 a2=0 a3=0 items=1 ppid=1 pid=2 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=6 comm=\"cat\" exe=\"/usr/bin/cat\" key=\"k\"",
		"type=CWD msg=audit(1796638580.000:9): cwd=\"/proc\"",
		"type=PATH msg=audit(1796638580.000:9): item=0 name=\"./modules\" inode=1 dev=00:15 mode=0100444 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL",
		"type=PROCTITLE msg=audit(1796638580.000:9): proctitle=6361",
		NULL,
	};

	feed(l);
	ck_assert_uint_eq(NG, 2);
	ck_assert_str_eq(G[0].opened_as, "/sys/module/.");
	ck_assert(!G[0].relative && (G[0].mode & 0170000) == 0040000);
	ck_assert_str_eq(G[1].opened_as, "/proc/modules");
}
END_TEST

START_TEST(test_a_name_relative_to_a_directory_fd_stays_as_given)
{
	static const char *const l[] = {
		"type=SYSCALL msg=audit(1796638580.000:10): arch=c000003e syscall=257 success=yes exit=4 a0=3 a1=0 a2=0 a3=0 items=1 ppid=1 pid=2 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=6 comm=\"py\" exe=\"/usr/bin/python3.11\" key=\"kmod-enum-proc\"",
		"type=CWD msg=audit(1796638580.000:10): cwd=\"/root\"",
		"type=PATH msg=audit(1796638580.000:10): item=0 name=\"modules\" inode=1 dev=00:15 mode=0100444 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL",
		"type=PROCTITLE msg=audit(1796638580.000:10): proctitle=7079",
		NULL,
	};

	feed(l);
	ck_assert(G[0].open && G[0].relative);
	ck_assert_str_eq(G[0].opened_as, "modules");
}
END_TEST

START_TEST(test_several_keys_failed_opens_and_odd_names)
{
	/* key: "k1" 0x01 "kmod-enum-proc" in hex; a name with a space (hex);
	 * EACCES; no inode (nametype UNKNOWN) */
	static const char *const l[] = {
		"type=SYSCALL msg=audit(1796638580.000:11): arch=40000003 syscall=295 success=no exit=-13 a0=ffffff9c a1=0 a2=0 a3=0 items=1 ppid=1 pid=7 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=3 comm=\"c\" exe=\"/tmp/c\" key=6B31016B6D6F642D656E756D2D70726F63",
		"type=CWD msg=audit(1796638580.000:11): cwd=\"/tmp\"",
		"type=PATH msg=audit(1796638580.000:11): item=0 name=612062 nametype=UNKNOWN cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0",
		"type=PROCTITLE msg=audit(1796638580.000:11): proctitle=63",
		NULL,
	};

	feed(l);
	ck_assert(G[0].open && !G[0].success);
	ck_assert_msg(G[0].nkeys == 2, "keys: %zu [%s]", G[0].nkeys, G[0].keys[0]);
	ck_assert_str_eq(G[0].keys[0], "k1");
	ck_assert_str_eq(G[0].keys[1], "kmod-enum-proc");
	ck_assert_str_eq(G[0].opened_as, "/tmp/a b");
	ck_assert(!G[0].inode_known && !G[0].mode_known);
	ck_assert_uint_eq(G[0].uid, 1000);
	ck_assert_str_eq(G[0].arch, "i386");      /* a 32-bit opener */
	ck_assert_uint_eq(G[0].suid, 1000);
}
END_TEST

/* What an alert shows of the opener beyond the rule's fields (issue 21):
 * saved ids, the architecture, the title; none made up when absent. */
START_TEST(test_the_openers_title_saved_ids_and_architecture)
{
	static const char *const l[] = { CAT_SYSCALL, CAT_CWD, CAT_PATH, CAT_TITLE, NULL };
	static const char *const untitled[] = {
		"type=SYSCALL msg=audit(1796638580.000:15): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=0 a2=0 a3=0 items=1 ppid=1 pid=2 auid=4294967295 uid=0 gid=0 euid=0 suid=7 fsuid=0 egid=0 sgid=8 fsgid=0 tty=(none) ses=4294967295 comm=\"cat\" exe=\"/usr/bin/cat\" key=\"k\"",
		"type=PATH msg=audit(1796638580.000:15): item=0 name=\"/proc/version\" inode=5 dev=00:15 mode=0100444 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL",
		NULL,
	};

	feed(l);
	ck_assert_str_eq(G[0].title, "cat /proc/version");  /* NULs as spaces */
	ck_assert(!G[0].title_cut);
	ck_assert_str_eq(G[0].arch, "x86_64");
	ck_assert_uint_eq(G[0].suid, 0);
	ck_assert_uint_eq(G[0].sgid, 0);
	ck_assert_str_eq(G[0].auname, "-");        /* RAW: never interpreted */
	NG = 0;
	feed(untitled);
	ck_assert(G[0].open);
	ck_assert_str_eq(G[0].title, "-");
	ck_assert_uint_eq(G[0].suid, 7);
	ck_assert_uint_eq(G[0].sgid, 8);
	ck_assert_uint_eq(G[0].auid, KME_ID_UNSET);
}
END_TEST

START_TEST(test_other_events_are_not_opens)
{
	static const char *const l[] = {
		"type=SYSCALL msg=audit(1796638580.000:12): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=1 ppid=1 pid=2 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=6 comm=\"cat\" exe=\"/usr/bin/cat\" key=\"kme\"",
		"type=EXECVE msg=audit(1796638580.000:12): argc=1 a0=\"cat\"",
		"type=PROCTITLE msg=audit(1796638580.000:12): proctitle=63",
		"type=USER_START msg=audit(1796638580.000:13): pid=1 uid=0 auid=0 ses=1 msg='op=x'",
		NULL,
	};

	feed(l);
	ck_assert_uint_eq(NG, 2);
	ck_assert(!G[0].open && !G[1].open);
}
END_TEST

START_TEST(test_enriched_names_and_the_node_come_with_the_event)
{
	static const char *const l[] = {
		"node=h1 type=SYSCALL msg=audit(1796638580.000:14): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=0 a2=0 a3=0 items=1 ppid=1 pid=2 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=6 comm=\"cat\" exe=\"/usr/bin/cat\" key=\"kme-standin\"\x1d" "ARCH=x86_64 SYSCALL=openat AUID=\"root\" UID=\"alice\" GID=\"root\" EUID=\"root\" SUID=\"root\" FSUID=\"root\" EGID=\"root\" SGID=\"root\" FSGID=\"root\"",
		"node=h1 type=PATH msg=audit(1796638580.000:14): item=0 name=\"/proc/version\" inode=5 dev=00:15 mode=0100444 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL",
		"node=h1 type=PROCTITLE msg=audit(1796638580.000:14): proctitle=63",
		NULL,
	};

	feed(l);
	ck_assert(G[0].open);
	ck_assert_str_eq(G[0].node, "h1");
	ck_assert_str_eq(G[0].uname, "alice");
	ck_assert_str_eq(G[0].auname, "root");     /* user.audit.name */
	ck_assert_str_eq(G[0].cwd, "-");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("openevent");
	TCase *tc = tcase_create("decode");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_a_captured_open_is_decoded);
	tcase_add_test(tc, test_a_name_relative_to_the_cwd_is_joined_to_it);
	tcase_add_test(tc, test_a_name_relative_to_a_directory_fd_stays_as_given);
	tcase_add_test(tc, test_several_keys_failed_opens_and_odd_names);
	tcase_add_test(tc, test_other_events_are_not_opens);
	tcase_add_test(tc, test_enriched_names_and_the_node_come_with_the_event);
	tcase_add_test(tc, test_the_openers_title_saved_ids_and_architecture);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
