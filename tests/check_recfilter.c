/* check_recfilter.c - what reaches libauparse, and what is completed. */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkrun.h"
#include "recfilter.h"

static struct rf_filter *F;
static char passed[64][512];
static int npassed;
static int32_t obs_pid[16], obs_ppid[16];
static char obs_node[16][64];
static int nobs;

static void on_pass(void *arg, const char *line, size_t len)
{
	(void)arg;
	if (npassed < 64)
		snprintf(passed[npassed], sizeof(passed[0]), "%.*s", (int)len, line);
	npassed++;
}

static void on_observe(void *arg, const char *node, size_t node_len,
		       int32_t pid, int32_t ppid)
{
	(void)arg;
	if (nobs < 16) {
		obs_pid[nobs] = pid;
		obs_ppid[nobs] = ppid;
		snprintf(obs_node[nobs], sizeof(obs_node[0]), "%.*s",
			 node ? (int)node_len : 0, node ? node : "");
	}
	nobs++;
}

static void setup(void)
{
	F = malloc(sizeof(*F));
	rf_init(F, 2000, on_pass, on_observe, NULL); /* eoe_timeout 2 s */
	npassed = nobs = 0;
}

static void teardown(void)
{
	free(F);
}

static void feed(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void feed(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	rf_line(F, buf, strlen(buf));
}

#define SYSCALL(t, s, nr, pid, ppid) \
	feed("type=SYSCALL msg=audit(%d.100:%d): arch=c000003e syscall=%d success=yes exit=3 " \
	     "a0=1 a1=2 a2=3 a3=4 items=1 ppid=%d pid=%d auid=0 uid=0 gid=0 euid=0 suid=0 " \
	     "fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"x\" exe=\"/usr/bin/x\" key=(null)", \
	     t, s, nr, ppid, pid)
#define REC(type, t, s, body) feed("type=" type " msg=audit(%d.100:%d): " body, t, s)

/* RF_IDLE + 1 records of unrelated (dropped) events at time t. */
static void idle(int t, int serial)
{
	int i;

	for (i = 0; i <= RF_IDLE; i++)
		SYSCALL(t, serial + i, 257, 1, 0);
}

START_TEST(test_an_openat_event_is_dropped_and_its_pids_observed)
{
	SYSCALL(1000, 7, 257, 300, 200);
	REC("CWD", 1000, 7, "cwd=\"/\"");
	REC("PATH", 1000, 7, "item=0 name=\"/etc/passwd\"");
	REC("PROCTITLE", 1000, 7, "proctitle=\"cat\"");
	ck_assert_int_eq(npassed, 0);
	ck_assert_int_eq(nobs, 1);
	ck_assert_int_eq(obs_pid[0], 300);
	ck_assert_int_eq(obs_ppid[0], 200);
	ck_assert_uint_eq(F->st.dropped, 4);
}
END_TEST

START_TEST(test_observed_pids_carry_their_records_node)
{
	SYSCALL(1000, 7, 257, 300, 200);
	feed("node=hostb type=SYSCALL msg=audit(1000.100:7): arch=c000003e "
	     "syscall=257 success=yes exit=3 a0=1 a1=2 a2=3 a3=4 items=1 ppid=201 "
	     "pid=300 auid=0 uid=0 comm=\"x\" exe=\"/usr/bin/x\" key=(null)");
	ck_assert_int_eq(nobs, 2);
	ck_assert_str_eq(obs_node[0], "");
	ck_assert_int_eq(obs_pid[1], 300);
	ck_assert_int_eq(obs_ppid[1], 201);
	ck_assert_str_eq(obs_node[1], "hostb");
}
END_TEST

START_TEST(test_an_execve_event_passes_whole_and_in_order)
{
	SYSCALL(1000, 8, 59, 301, 200);
	REC("EXECVE", 1000, 8, "argc=1 a0=\"lsmod\"");
	REC("CWD", 1000, 8, "cwd=\"/\"");
	REC("PATH", 1000, 8, "item=0 name=\"/usr/sbin/lsmod\"");
	REC("PROCTITLE", 1000, 8, "proctitle=\"lsmod\"");
	ck_assert_int_eq(npassed, 5);
	ck_assert_ptr_nonnull(strstr(passed[0], "type=SYSCALL"));
	ck_assert_ptr_nonnull(strstr(passed[4], "type=PROCTITLE"));
	ck_assert_int_eq(nobs, 0);
}
END_TEST

START_TEST(test_fork_and_clone_events_pass)
{
	SYSCALL(1000, 9, 56, 302, 200);
	REC("PROCTITLE", 1000, 9, "proctitle=\"sh\"");
	SYSCALL(1000, 10, 435, 303, 200);
	ck_assert_int_eq(npassed, 3);
}
END_TEST

START_TEST(test_records_without_exec_use_are_dropped_without_deciding)
{
	REC("AVC", 1000, 11, "avc:  denied  { read }");
	REC("USER_LOGIN", 1000, 12, "pid=1 uid=0 msg='op=login'");
	SYSCALL(1000, 11, 59, 304, 200);
	REC("PROCTITLE", 1000, 11, "proctitle=\"x\"");
	ck_assert_int_eq(npassed, 2); /* the exec's SYSCALL and PROCTITLE */
}
END_TEST

START_TEST(test_records_after_the_last_one_are_dropped)
{
	SYSCALL(1000, 13, 59, 305, 200);
	REC("PROCTITLE", 1000, 13, "proctitle=\"x\"");
	REC("EOE", 1000, 13, "");
	ck_assert_int_eq(npassed, 2);
}
END_TEST

START_TEST(test_an_undecided_exec_part_passes)
{
	REC("EXECVE", 1000, 14, "argc=1 a0=\"lsmod\"");
	ck_assert_int_eq(npassed, 1);
}
END_TEST

START_TEST(test_unparsable_records_are_dropped_and_counted)
{
	/* libauparse leaks on records without a type (audit 3.0.9). */
	feed("garbage without a header");
	feed("x msg=audit(1abcdefghijk");
	feed("type=SYSCALL msg=audit(x)");
	/* A time whose milliseconds could overflow a difference. */
	feed("type=SYSCALL msg=audit(%lld.000:1): arch=c000003e syscall=59",
	     (long long)RF_MAX_SEC + 1);
	ck_assert_int_eq(npassed, 0);
	ck_assert_uint_eq(F->st.unparsed, 4);
	feed("type=SYSCALL msg=audit(%lld.999:1): arch=c000003e syscall=59",
	     (long long)RF_MAX_SEC);
	ck_assert_int_eq(npassed, 1);
}
END_TEST

START_TEST(test_a_stuck_event_is_completed_by_a_later_event_time)
{
	SYSCALL(1000, 20, 59, 306, 200);
	REC("EXECVE", 1000, 20, "argc=1 a0=\"lsmod\"");
	/* Its PROCTITLE never comes. 2 s later: still within the timeout. */
	SYSCALL(1002, 21, 257, 1, 0);
	ck_assert_uint_eq(F->st.completed, 0);
	/* Past the timeout, once it has been idle for RF_IDLE records. */
	idle(1003, 22);
	ck_assert_uint_eq(F->st.completed, 1);
	ck_assert_int_eq(npassed, 3);
	ck_assert_str_eq(passed[2], "type=EOE msg=audit(1000.100:20): ");
}
END_TEST

/* Event times are milliseconds: 2 s after an event stamped .100 is .100
 * two seconds later, not any time in that second. */
START_TEST(test_event_time_is_judged_to_the_millisecond)
{
	SYSCALL(1000, 20, 59, 306, 200);
	feed("type=SYSCALL msg=audit(1002.100:21): arch=c000003e syscall=257 success=yes ppid=1 pid=1");
	idle(1000, 22);
	feed("type=SYSCALL msg=audit(1002.100:40): arch=c000003e syscall=257 success=yes ppid=1 pid=1");
	ck_assert_uint_eq(F->st.completed, 0); /* exactly eoe_timeout past */
	feed("type=SYSCALL msg=audit(1002.101:41): arch=c000003e syscall=257 success=yes ppid=1 pid=1");
	ck_assert_uint_eq(F->st.completed, 1);
	ck_assert_str_eq(passed[1], "type=EOE msg=audit(1000.100:20): ");
}
END_TEST

START_TEST(test_a_late_record_inside_an_event_does_not_complete_it)
{
	/* A slow exec's records carry the time of its start; another
	 * event's record, stamped later, slips between them. */
	SYSCALL(1000, 60, 59, 310, 200);
	SYSCALL(1005, 61, 59, 311, 200);
	REC("EXECVE", 1000, 60, "argc=1 a0=\"lsmod\"");
	REC("PATH", 1000, 60, "item=0 name=\"/usr/sbin/lsmod\"");
	REC("PROCTITLE", 1000, 60, "proctitle=\"lsmod\"");
	ck_assert_uint_eq(F->st.completed, 0);
	ck_assert_int_eq(npassed, 5);
}
END_TEST

/* Idle for eoe_timeout exactly: kept; 1 ms more: completed. */
START_TEST(test_live_aging_completes_an_event_idle_by_the_wall_clock)
{
	rf_age(F, 5000000);
	SYSCALL(1000, 70, 59, 312, 200);
	rf_age(F, 5002000);
	ck_assert_uint_eq(F->st.completed, 0);
	rf_age(F, 5002001);
	ck_assert_uint_eq(F->st.completed, 1);
}
END_TEST

START_TEST(test_an_event_open_before_the_first_tick_is_not_completed_by_it)
{
	/* A plugin's first second: records arrive before any rf_age call
	 * (wall time unknown). The first tick must not take them for idle
	 * since 1970 and cut the event before its PATH and PROCTITLE. */
	SYSCALL(1000, 75, 59, 313, 200);
	REC("EXECVE", 1000, 75, "argc=1 a0=\"lsmod\"");
	rf_age(F, 5000000);
	ck_assert_uint_eq(F->st.completed, 0);
	REC("PATH", 1000, 75, "item=0 name=\"/usr/sbin/lsmod\"");
	REC("PROCTITLE", 1000, 75, "proctitle=\"lsmod\"");
	ck_assert_int_eq(npassed, 4);
	/* Still completed once really idle: eoe_timeout after that tick. */
	SYSCALL(1000, 76, 59, 314, 200);
	rf_age(F, 5002000);
	ck_assert_uint_eq(F->st.completed, 0);
	rf_age(F, 5003000);
	ck_assert_uint_eq(F->st.completed, 1);
}
END_TEST

START_TEST(test_an_event_fed_before_the_first_clock_reading_is_aged_from_it)
{
	/* Records that came before the reader's first clock reading (a plugin
	 * just started) arrived at that reading, not at time 0: they are not
	 * "idle for ages" at the first drain. */
	SYSCALL(1000, 71, 59, 313, 200);
	rf_age(F, 5000000);
	ck_assert_uint_eq(F->st.completed, 0);
	REC("EXECVE", 1000, 71, "argc=1 a0=\"modinfo\"");
	rf_age(F, 5002000);
	ck_assert_uint_eq(F->st.completed, 0);
	rf_age(F, 5003000);
	ck_assert_uint_eq(F->st.completed, 1);
}
END_TEST

START_TEST(test_a_reader_behind_its_input_completes_nothing_by_the_clock)
{
	/* Under CPU load the reader falls behind: the records of a long exec
	 * (100,000 arguments: 154 records) are still queued while seconds
	 * pass. Reading is not draining: no wall-clock completion. */
	rf_clock(F, 5000000);
	SYSCALL(1000, 72, 59, 314, 200);
	REC("EXECVE", 1000, 72, "argc=2 a0=\"modinfo\"");
	rf_clock(F, 5010000);
	ck_assert_uint_eq(F->st.completed, 0);
	REC("EXECVE", 1000, 72, " a1=\"x\"");
	REC("CWD", 1000, 72, "cwd=\"/\"");
	/* Drained right after its latest record: not idle. */
	rf_age(F, 5011000);
	ck_assert_uint_eq(F->st.completed, 0);
	REC("PATH", 1000, 72, "item=0 name=\"/usr/sbin/modinfo\"");
	REC("PROCTITLE", 1000, 72, "proctitle=\"modinfo\"");
	rf_age(F, 5020000);
	ck_assert_uint_eq(F->st.completed, 0);
	ck_assert_int_eq(npassed, 6);
	ck_assert_str_eq(passed[5], "type=PROCTITLE msg=audit(1000.100:72): proctitle=\"modinfo\"");
}
END_TEST

START_TEST(test_a_drain_completes_an_event_whose_last_record_was_lost)
{
	/* The counterpart: its PROCTITLE never comes (lost), the input is
	 * drained: completed eoe_timeout after its latest record arrived. */
	rf_clock(F, 5000000);
	SYSCALL(1000, 73, 59, 315, 200);
	rf_clock(F, 5004000);
	REC("EXECVE", 1000, 73, "argc=1 a0=\"modinfo\"");
	rf_age(F, 5006000);
	ck_assert_uint_eq(F->st.completed, 0);
	rf_age(F, 5007000);
	ck_assert_uint_eq(F->st.completed, 1);
	ck_assert_str_eq(passed[2], "type=EOE msg=audit(1000.100:73): ");
}
END_TEST

START_TEST(test_completion_keeps_the_node_prefix)
{
	int i;

	feed("node=web1 type=SYSCALL msg=audit(1000.100:30): arch=c000003e syscall=59 success=yes ppid=1 pid=2");
	for (i = 0; i <= RF_IDLE; i++)
		feed("node=web1 type=SYSCALL msg=audit(1010.100:%d): arch=c000003e syscall=257 success=yes ppid=1 pid=3",
		     31 + i);
	ck_assert_int_eq(npassed, 2);
	ck_assert_str_eq(passed[1], "node=web1 type=EOE msg=audit(1000.100:30): ");
}
END_TEST

START_TEST(test_time_going_backwards_completes_nothing)
{
	SYSCALL(1000, 40, 59, 307, 200);
	SYSCALL(900, 41, 257, 1, 0);
	ck_assert_uint_eq(F->st.completed, 0);
}
END_TEST

START_TEST(test_same_serial_on_two_nodes_are_two_events)
{
	feed("node=a type=SYSCALL msg=audit(1000.100:50): arch=c000003e syscall=257 success=yes ppid=1 pid=3");
	feed("node=b type=SYSCALL msg=audit(1000.100:50): arch=c000003e syscall=59 success=yes ppid=1 pid=4");
	feed("node=b type=PROCTITLE msg=audit(1000.100:50): proctitle=\"x\"");
	ck_assert_int_eq(npassed, 2);
}
END_TEST

/* The node name is scanned and hashed 8 bytes at a time: names that end
 * inside, at and across a word, and names that differ only in their last
 * byte or only by a trailing zero byte, are each their own host. */
START_TEST(test_node_names_of_every_length_are_told_apart)
{
	static const char *const names[] = {
		"h", "host123", "host1234", "host12345", "host1235",
		"abcdefghijklmnop", "abcdefghijklmnoq", "abcdefghijklmnopq",
	};
	size_t i, n = sizeof(names) / sizeof(names[0]);

	/* One serial, every name: the exec events of the others never take
	 * the dropped openat's decision, and each passes whole. */
	for (i = 0; i < n; i++) {
		feed("node=%s type=SYSCALL msg=audit(1000.100:60): arch=c000003e syscall=%d success=yes ppid=1 pid=%zu",
		     names[i], i % 2 ? 257 : 59, 10 + i);
		feed("node=%s type=PROCTITLE msg=audit(1000.100:60): proctitle=\"x\"", names[i]);
	}
	ck_assert_int_eq(npassed, (int)n); /* 4 exec events, 2 records each */
	ck_assert_int_eq(nobs, (int)(n / 2));
	for (i = 0; i < n / 2; i++)
		ck_assert_str_eq(obs_node[i], names[2 * i + 1]);
	ck_assert_str_eq(passed[0], "node=h type=SYSCALL msg=audit(1000.100:60): arch=c000003e syscall=59 success=yes ppid=1 pid=10");
}
END_TEST

START_TEST(test_a_node_differing_by_a_trailing_zero_byte_is_another_host)
{
	static const char a[] = "node=ab type=SYSCALL msg=audit(1000.100:70): arch=c000003e syscall=257 success=yes ppid=1 pid=3";
	static const char b[] = "node=ab\0 type=SYSCALL msg=audit(1000.100:70): arch=c000003e syscall=59 success=yes ppid=1 pid=4";

	rf_line(F, a, sizeof(a) - 1);
	rf_line(F, b, sizeof(b) - 1);
	ck_assert_int_eq(nobs, 1);
	ck_assert_int_eq(npassed, 1); /* b is an exec event of its own */
}
END_TEST

START_TEST(test_a_node_without_a_space_is_unparsable)
{
	feed("node=abcdefghijklmnopqrstuvwxyz");
	feed("node=abcdefg");
	ck_assert_uint_eq(F->st.unparsed, 2);
	ck_assert_int_eq(npassed + nobs, 0);
}
END_TEST

/* Under the unkeyed word hash the filter once gave node names, this name
 * (computed for it) had the same hash as "web-01.example.o": the same serial
 * on both hosts was one event, and a sender's dropped openat decided another
 * host's exec -- a missed detection any sender could provoke. Node names
 * are now hashed under a secret random key. */
START_TEST(test_a_node_name_crafted_to_collide_never_decides_another_hosts_event)
{
	feed("node=6u7inu54k$1T*1[~ type=SYSCALL msg=audit(1000.100:500): arch=c000003e syscall=257 success=yes ppid=1 pid=3");
	feed("node=web-01.example.o type=SYSCALL msg=audit(1000.100:500): arch=c000003e syscall=59 success=yes ppid=1 pid=4");
	feed("node=web-01.example.o type=PROCTITLE msg=audit(1000.100:500): proctitle=\"lsmod\"");
	ck_assert_int_eq(nobs, 1);
	ck_assert_int_eq(npassed, 2);
}
END_TEST

/* On an aggregator each host stamps its records with its own clock. A host
 * whose clock is ahead (or set ahead by whoever is root there) must not
 * make another host's event look stuck while its records still arrive. */
START_TEST(test_a_host_whose_clock_is_ahead_never_completes_another_hosts_event)
{
	int i;

	feed("node=a type=SYSCALL msg=audit(1000.100:60): arch=c000003e syscall=59 success=yes ppid=1 pid=4");
	for (i = 0; i <= 2 * RF_IDLE; i++)
		feed("node=b type=SYSCALL msg=audit(4600.100:%d): arch=c000003e syscall=257 success=yes ppid=1 pid=5",
		     900 + i);
	feed("node=a type=EXECVE msg=audit(1000.100:60): argc=1 a0=\"lsmod\"");
	feed("node=a type=PROCTITLE msg=audit(1000.100:60): proctitle=\"lsmod\"");
	ck_assert_uint_eq(F->st.completed, 0);
	ck_assert_int_eq(npassed, 3);
	ck_assert_str_eq(passed[2], "node=a type=PROCTITLE msg=audit(1000.100:60): proctitle=\"lsmod\"");
}
END_TEST

START_TEST(test_a_stuck_event_is_completed_by_its_own_hosts_later_records)
{
	int i;

	feed("node=a type=SYSCALL msg=audit(1000.100:60): arch=c000003e syscall=59 success=yes ppid=1 pid=4");
	for (i = 0; i <= RF_IDLE; i++)
		feed("node=b type=SYSCALL msg=audit(1010.100:%d): arch=c000003e syscall=257 success=yes ppid=1 pid=5",
		     900 + i);
	ck_assert_uint_eq(F->st.completed, 0);
	feed("node=a type=SYSCALL msg=audit(1010.100:61): arch=c000003e syscall=257 success=yes ppid=1 pid=4");
	ck_assert_uint_eq(F->st.completed, 1);
	ck_assert_str_eq(passed[1], "node=a type=EOE msg=audit(1000.100:60): ");
}
END_TEST

START_TEST(test_open_events_are_bounded)
{
	int i;

	for (i = 0; i < RF_OPEN + 10; i++)
		SYSCALL(1000, 1000 + i, 59, 400 + i, 200);
	ck_assert_uint_eq(F->st.completed, 10);
	ck_assert_uint_le(F->open_len, RF_OPEN);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("recfilter");
	TCase *tc = tcase_create("filter");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_an_openat_event_is_dropped_and_its_pids_observed);
	tcase_add_test(tc, test_observed_pids_carry_their_records_node);
	tcase_add_test(tc, test_an_execve_event_passes_whole_and_in_order);
	tcase_add_test(tc, test_fork_and_clone_events_pass);
	tcase_add_test(tc, test_records_without_exec_use_are_dropped_without_deciding);
	tcase_add_test(tc, test_records_after_the_last_one_are_dropped);
	tcase_add_test(tc, test_an_undecided_exec_part_passes);
	tcase_add_test(tc, test_unparsable_records_are_dropped_and_counted);
	tcase_add_test(tc, test_a_stuck_event_is_completed_by_a_later_event_time);
	tcase_add_test(tc, test_event_time_is_judged_to_the_millisecond);
	tcase_add_test(tc, test_a_late_record_inside_an_event_does_not_complete_it);
	tcase_add_test(tc, test_live_aging_completes_an_event_idle_by_the_wall_clock);
	tcase_add_test(tc, test_an_event_open_before_the_first_tick_is_not_completed_by_it);
	tcase_add_test(tc, test_an_event_fed_before_the_first_clock_reading_is_aged_from_it);
	tcase_add_test(tc, test_a_reader_behind_its_input_completes_nothing_by_the_clock);
	tcase_add_test(tc, test_a_drain_completes_an_event_whose_last_record_was_lost);
	tcase_add_test(tc, test_completion_keeps_the_node_prefix);
	tcase_add_test(tc, test_time_going_backwards_completes_nothing);
	tcase_add_test(tc, test_same_serial_on_two_nodes_are_two_events);
	tcase_add_test(tc, test_node_names_of_every_length_are_told_apart);
	tcase_add_test(tc, test_a_node_differing_by_a_trailing_zero_byte_is_another_host);
	tcase_add_test(tc, test_a_node_without_a_space_is_unparsable);
	tcase_add_test(tc, test_a_node_name_crafted_to_collide_never_decides_another_hosts_event);
	tcase_add_test(tc, test_a_host_whose_clock_is_ahead_never_completes_another_hosts_event);
	tcase_add_test(tc, test_a_stuck_event_is_completed_by_its_own_hosts_later_records);
	tcase_add_test(tc, test_open_events_are_bounded);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
