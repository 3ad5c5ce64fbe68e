/* check_entryleader.c - process.entry_leader from the ancestry: a systemd
 * service, an ssh session, a terminal, a container, a broken chain, a cycle
 * in a corrupt stream, the depth cap, and /proc filling a gap (live). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkrun.h"
#include "entryleader.h"

static struct kme_config *cfg;
static struct pt_table *pt;
static struct el_finder *el;

static struct kme_str S(const char *s)
{
	return (struct kme_str){ s, strlen(s) };
}

static void setup(void)
{
	struct kme_err err;

	ck_assert_msg(cfg_load_default(&cfg, &err) == 0, "%s", err.msg);
	pt = pt_new(1024, 1 << 20, NULL, NULL, &err);
	ck_assert_ptr_nonnull(pt);
	el = el_new(NULL, &err);
	ck_assert_ptr_nonnull(el);
}

static void teardown(void)
{
	el_free(el);
	pt_free(pt);
	cfg_free(cfg);
}

/* An exec the stream showed on host node (NULL: the local host): pid ran
 * exe (name = basename) with one arg. */
static void record_on(const char *node, int32_t pid, int32_t ppid,
		      const char *exe, const char *arg1)
{
	struct kme_exec ex;
	struct kme_str argv[2];
	const char *base = strrchr(exe, '/');

	memset(&ex, 0, sizeof(ex));
	ex.success = true;
	ex.sec = 1795728867;
	ex.proc.pid = pid;
	ex.ppid = ppid;
	ex.proc.executable = S(exe);
	ex.proc.name = S(base ? base + 1 : exe);
	argv[0] = S(exe);
	argv[1] = S(arg1 ? arg1 : "");
	ex.proc.args = (struct kme_args){ .v = argv, .n = arg1 ? 2 : 1 };
	if (node != NULL)
		ex.node = S(node);
	pt_record_exec(pt, &ex);
}

static void record(int32_t pid, int32_t ppid, const char *exe, const char *arg1)
{
	record_on(NULL, pid, ppid, exe, arg1);
}

/* lsmod as pid by ppid, its parent resolved as the engine does, then the
 * entry leader found. */
static struct kme_exec lsmod_on(const char *node, int32_t pid, int32_t ppid)
{
	static struct kme_str argv[1];
	struct kme_exec ex;

	memset(&ex, 0, sizeof(ex));
	if (node != NULL)
		ex.node = S(node);
	ex.success = true;
	ex.sec = 1795728868;
	ex.proc.pid = pid;
	ex.ppid = ppid;
	ex.proc.executable = S("/usr/sbin/lsmod");
	ex.proc.name = S("lsmod");
	argv[0] = S("lsmod");
	ex.proc.args = (struct kme_args){ .v = argv, .n = 1 };
	pt_resolve_parent(pt, &ex);
	el_find(el, cfg, pt, &ex);
	return ex;
}

static struct kme_exec lsmod_by(int32_t pid, int32_t ppid)
{
	return lsmod_on(NULL, pid, ppid);
}

static void assert_leader(const struct kme_exec *ex, int32_t pid,
			  const char *exe, const char *how, const char *starter)
{
	const struct kme_entry_leader *l = &ex->entry_leader;

	ck_assert_int_eq(l->proc.pid, pid);
	ck_assert_str_eq(l->how, how);
	ck_assert_ptr_nonnull(l->proc.executable.p);
	ck_assert_str_eq(l->proc.executable.p, exe);
	if (starter == NULL) {
		ck_assert_ptr_null(l->starter.p);
	} else {
		ck_assert_ptr_nonnull(l->starter.p);
		ck_assert_str_eq(l->starter.p, starter);
	}
}

static void assert_unknown(const struct kme_exec *ex, const char *why)
{
	ck_assert_int_eq(ex->entry_leader.proc.pid, -1);
	ck_assert_str_eq(ex->entry_leader.how, why);
	ck_assert_ptr_null(ex->entry_leader.proc.executable.p);
}

START_TEST(test_systemd_service_main_program_is_the_leader)
{
	struct kme_exec ex;

	/* apt-daily.service: systemd (pid 1) runs apt.systemd.daily, a
	 * #!/bin/sh script, which runs lsmod through sh -c */
	record(300, 1, "/usr/lib/apt/apt.systemd.daily", "update");
	record(301, 300, "/usr/bin/sh", "-c");
	ex = lsmod_by(302, 301);
	assert_leader(&ex, 300, "/usr/lib/apt/apt.systemd.daily",
		      "child_of_init", NULL);
	ck_assert_int_eq(ex.entry_leader.depth, 2);
	ck_assert_int_eq(ex.entry_leader.source, KME_PARENT_AUDIT);
}
END_TEST

START_TEST(test_walk_never_crosses_into_another_hosts_processes)
{
	struct kme_exec ex;

	/* An aggregator: hostb's service chain 300 <- 301 is at the same
	 * pids as hosta's lsmod's ancestry, which the stream never showed. */
	record_on("hostb", 300, 1, "/usr/lib/apt/apt.systemd.daily", "update");
	record_on("hostb", 301, 300, "/usr/bin/sh", "-c");
	ex = lsmod_on("hosta", 302, 301);
	assert_unknown(&ex, "broken chain");
	ex = lsmod_on("hostb", 302, 301);
	assert_leader(&ex, 300, "/usr/lib/apt/apt.systemd.daily",
		      "child_of_init", NULL);
	ex = lsmod_by(302, 301);  /* nor the local host's */
	assert_unknown(&ex, "broken chain");
}
END_TEST

START_TEST(test_service_running_lsmod_itself_is_its_own_leader)
{
	struct kme_exec ex = lsmod_by(310, 1);

	assert_leader(&ex, 310, "/usr/sbin/lsmod", "child_of_init", NULL);
	ck_assert_int_eq(ex.entry_leader.depth, 0);
}
END_TEST

START_TEST(test_ssh_session_shell_is_the_leader)
{
	struct kme_exec ex;

	record(400, 1, "/usr/sbin/sshd", "-D");
	record(401, 400, "/usr/sbin/sshd", "-R");     /* per connection */
	record(402, 401, "/usr/bin/bash", NULL);       /* the login shell */
	record(403, 402, "/usr/bin/sudo", "-i");
	record(404, 403, "/usr/bin/bash", NULL);
	ex = lsmod_by(405, 404);
	assert_leader(&ex, 402, "/usr/bin/bash", "child_of_starter", "sshd");
	ck_assert_int_eq(ex.entry_leader.depth, 3);
}
END_TEST

/* The leader's entity (entity.h) is its life's: the start it carries is
 * its exec's, as the table holds it (the record helper's time). */
START_TEST(test_the_leader_carries_its_start)
{
	struct kme_exec ex;

	record(400, 1, "/usr/sbin/sshd", "-D");
	record(402, 400, "/usr/bin/bash", NULL);
	ex = lsmod_by(405, 402);
	assert_leader(&ex, 402, "/usr/bin/bash", "child_of_starter", "sshd");
	ck_assert_int_eq(ex.entry_leader.proc.start.kind, KME_START_AUDIT);
	ck_assert_int_eq(ex.entry_leader.proc.start.ms, 1795728867000LL);
	/* itself the leader (depth 0): its own start, this exec's */
	ex = lsmod_by(406, 1);
	ck_assert_int_eq(ex.entry_leader.proc.pid, 406);
	ck_assert_int_eq(ex.entry_leader.proc.start.ms, 1795728868000LL);
}
END_TEST

START_TEST(test_gnome_terminal_server_is_the_leader)
{
	struct kme_exec ex;

	record(500, 1, "/usr/lib/systemd/systemd", "--user");
	record(501, 500, "/usr/libexec/gnome-terminal-server", NULL);
	record(502, 501, "/usr/bin/bash", NULL);
	ex = lsmod_by(503, 502);
	assert_leader(&ex, 501, "/usr/libexec/gnome-terminal-server",
		      "child_of_starter", "systemd");
}
END_TEST

START_TEST(test_container_init_is_the_leader)
{
	struct kme_exec ex;

	record(600, 1, "/usr/bin/containerd-shim-runc-v2", "-namespace");
	record(601, 600, "/usr/local/bin/entrypoint", NULL);
	record(602, 601, "/bin/sh", NULL);
	ex = lsmod_by(603, 602);
	assert_leader(&ex, 601, "/usr/local/bin/entrypoint", "child_of_starter",
		      "containerd-shim-runc-v2");
}
END_TEST

START_TEST(test_starters_are_configurable)
{
	struct kme_config *c = NULL;
	struct kme_err err;
	const char *text = "match = lsmod\nentry_leader_starters = tmux\n";
	struct kme_exec ex;

	ck_assert_int_eq(cfg_parse("t.conf", text, strlen(text), &c, &err), 0);
	record(700, 1, "/usr/sbin/sshd", NULL);
	record(701, 700, "/usr/bin/tmux", NULL);
	record(702, 701, "/usr/bin/bash", NULL);
	ex = lsmod_by(703, 702);
	assert_leader(&ex, 702, "/usr/bin/bash", "child_of_starter", "tmux");
	cfg_free(cfg);
	cfg = c;
	/* without sshd as a starter, the ssh chain reaches init */
	ex = lsmod_by(704, 700);
	assert_leader(&ex, 700, "/usr/sbin/sshd", "child_of_init", NULL);
}
END_TEST

START_TEST(test_broken_chain_is_unknown)
{
	struct kme_exec ex;

	/* bash's parent 899 was never shown (it started before auditd) */
	record(900, 899, "/usr/bin/bash", NULL);
	ex = lsmod_by(901, 900);
	assert_unknown(&ex, "broken chain");
	/* and a parent never shown at all */
	ex = lsmod_by(902, 898);
	assert_unknown(&ex, "broken chain");
}
END_TEST

START_TEST(test_cycle_in_a_corrupt_stream_is_unknown)
{
	struct kme_exec ex;

	/* 1001's parent is 1002 and 1002's is 1001: no real process tree */
	record(1001, 1002, "/usr/bin/a", NULL);
	record(1002, 1001, "/usr/bin/b", NULL);
	ex = lsmod_by(1003, 1001);
	assert_unknown(&ex, "cycle");
	/* a process that is its own parent */
	record(1010, 1010, "/usr/bin/c", NULL);
	ex = lsmod_by(1011, 1010);
	assert_unknown(&ex, "cycle");
}
END_TEST

START_TEST(test_walk_stops_at_the_depth_cap)
{
	struct kme_exec ex;
	int32_t pid;

	/* 2000 <- 2001 <- ... <- 2100, 2000 a child of init: 101 steps */
	record(2000, 1, "/usr/bin/top", NULL);
	for (pid = 2001; pid <= 2100; pid++)
		record(pid, pid - 1, "/usr/bin/sh", NULL);
	ex = lsmod_by(2101, 2100);
	assert_unknown(&ex, "too deep");
	ck_assert_int_eq(ex.entry_leader.depth, EL_MAX_DEPTH);
	/* within the cap it is found */
	ex = lsmod_by(2102, 2000 + EL_MAX_DEPTH - 2);
	assert_leader(&ex, 2000, "/usr/bin/top", "child_of_init", NULL);
}
END_TEST

START_TEST(test_walk_does_not_change_the_table)
{
	struct pt_stats before, after;
	struct kme_exec ex;

	record(3000, 1, "/usr/bin/x", NULL);
	record(3001, 3000, "/usr/bin/bash", NULL);
	pt_stats(pt, &before);
	ex = lsmod_by(3002, 3001);
	pt_stats(pt, &after);
	ck_assert_uint_eq(before.entries, after.entries);
	ck_assert_uint_eq(before.bytes, after.bytes);
	/* the parent's borrowed strings are still the table's */
	ck_assert_str_eq(ex.parent.executable.p, "/usr/bin/bash");
}
END_TEST

START_TEST(test_live_procfs_fills_a_gap)
{
	struct kme_err err;
	struct el_finder *live = el_new("/proc", &err);
	struct kme_exec ex;
	struct kme_str argv[1] = { { "lsmod", 5 } };

	ck_assert_ptr_nonnull(live);
	/* our own process as the parent: the table has never seen it */
	memset(&ex, 0, sizeof(ex));
	ex.success = true;
	ex.proc.pid = 999999;
	ex.ppid = (int32_t)getpid();
	ex.proc.executable = S("/usr/sbin/lsmod");
	ex.proc.name = S("lsmod");
	ex.proc.args = (struct kme_args){ .v = argv, .n = 1 };
	pt_resolve_parent(pt, &ex);
	el_find(live, cfg, pt, &ex);
	/* some ancestor of this test is a child of init or of a starter, or
	 * the chain leaves /proc's view: either way it said which */
	ck_assert_ptr_nonnull(ex.entry_leader.how);
	if (ex.entry_leader.proc.pid > 0) {
		ck_assert(ex.entry_leader.depth >= 1);
		ck_assert_int_eq(ex.entry_leader.source, KME_PARENT_PROCFS);
		ck_assert_ptr_nonnull(ex.entry_leader.proc.name.p);
		ck_assert_int_eq(ex.entry_leader.proc.start.kind, KME_START_PROCFS);
		ck_assert_uint_eq(strlen(ex.entry_leader.proc.start.boot), 36);
	} else {
		ck_assert_str_ne(ex.entry_leader.how, "cycle");
	}
	el_free(live);
}
END_TEST

static Suite *entryleader_suite(void)
{
	Suite *s = suite_create("entryleader");
	TCase *tc = tcase_create("walk");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_systemd_service_main_program_is_the_leader);
	tcase_add_test(tc, test_service_running_lsmod_itself_is_its_own_leader);
	tcase_add_test(tc, test_walk_never_crosses_into_another_hosts_processes);
	tcase_add_test(tc, test_ssh_session_shell_is_the_leader);
	tcase_add_test(tc, test_the_leader_carries_its_start);
	tcase_add_test(tc, test_gnome_terminal_server_is_the_leader);
	tcase_add_test(tc, test_container_init_is_the_leader);
	tcase_add_test(tc, test_starters_are_configurable);
	tcase_add_test(tc, test_broken_chain_is_unknown);
	tcase_add_test(tc, test_cycle_in_a_corrupt_stream_is_unknown);
	tcase_add_test(tc, test_walk_stops_at_the_depth_cap);
	tcase_add_test(tc, test_walk_does_not_change_the_table);
	tcase_add_test(tc, test_live_procfs_fills_a_gap);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run(entryleader_suite());
}
