/* check_assemble.c - records to complete events through libauparse's feed. */
#include <check.h>
#include <stdbool.h>
#include <libaudit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assemble.h"
#include "checkrun.h"

#define MAX_EV 16
#define MAX_REC 16

/* What the callback saw of each event, copied out. */
struct got_ev {
	unsigned long serial;
	time_t sec;
	char host[32];
	bool stripped;          /* host named by the assembler, not libauparse */
	int first_type;         /* type under the cursor when called */
	unsigned nrec;
	int type[MAX_REC];
	size_t reclen[MAX_REC];
};

struct got {
	size_t n;
	struct got_ev ev[MAX_EV];
	bool many;              /* more than MAX_EV expected: count them */
	size_t total;           /* events, when many */
	bool prefix_seen;       /* a stripped host's record still began node= */
};

static void on_event(void *arg, auparse_state_t *au, struct kme_str node)
{
	struct got *g = arg;
	const au_event_t *ts = auparse_get_timestamp(au);
	struct got_ev *e;
	unsigned i = 0;

	g->total++;
	if (g->n >= MAX_EV && g->many)
		return;
	if (g->n >= MAX_EV)
		ck_abort_msg("more than %d events", MAX_EV);
	e = &g->ev[g->n++];
	memset(e, 0, sizeof(*e));
	e->first_type = auparse_get_type(au);
	if (ts != NULL) {
		e->serial = ts->serial;
		e->sec = ts->sec;
		if (ts->host != NULL)
			snprintf(e->host, sizeof(e->host), "%s", ts->host);
	}
	if (node.p != NULL) {
		ck_assert_msg(ts == NULL || ts->host == NULL,
			      "libauparse saw the node= prefix of host %s", node.p);
		snprintf(e->host, sizeof(e->host), "%s", node.p);
		e->stripped = true;
	}
	e->nrec = auparse_get_num_records(au);
	if (auparse_first_record(au) <= 0)
		return;
	do {
		const char *text = auparse_get_record_text(au);

		if (node.p != NULL && text != NULL && strncmp(text, "node=", 5) == 0)
			g->prefix_seen = true;

		if (i < MAX_REC) {
			e->type[i] = auparse_get_type(au);
			e->reclen[i] = text ? strlen(text) : 0;
		}
		i++;
	} while (auparse_next_record(au) > 0);
}

static struct as_assembler *new_as(struct got *g)
{
	struct kme_err err = { "" };
	struct as_assembler *a;

	memset(g, 0, sizeof(*g));
	a = as_new(on_event, g, &err);
	ck_assert_msg(a != NULL, "as_new: %s", err.msg);
	return a;
}

static void feed(struct as_assembler *a, const char *line)
{
	as_line(a, line, strlen(line));
}

#define REC(type, stamp, rest) "type=" type " msg=audit(" stamp "): " rest

#define SC(stamp, pid) REC("SYSCALL", stamp, \
	"arch=c000003e syscall=59 success=yes exit=0 a0=55854d549c10 a1=55854d52e5d0 " \
	"a2=55854d52dea0 a3=9ecb459221b38f65 items=2 ppid=2203 pid=" pid " auid=4294967295 " \
	"uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 " \
	"comm=\"lsmod\" exe=\"/usr/bin/kmod\" key=\"t\"")
#define EXECVE(stamp) REC("EXECVE", stamp, "argc=1 a0=\"lsmod\"")
#define CWD(stamp) REC("CWD", stamp, "cwd=\"/tmp/at\"")
#define PATH0(stamp) REC("PATH", stamp, "item=0 name=\"/usr/sbin/lsmod\" inode=10977287 " \
	"dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 " \
	"cap_fe=0 cap_fver=0 cap_frootid=0")
#define PROCTITLE(stamp) REC("PROCTITLE", stamp, "proctitle=\"lsmod\"")
#define EOE(stamp) REC("EOE", stamp, "")

START_TEST(test_event_ending_in_proctitle_is_delivered_whole)
{
	struct got g;
	struct as_assembler *a = new_as(&g);

	feed(a, SC("1795728867.245:6", "2223"));
	feed(a, EXECVE("1795728867.245:6"));
	feed(a, CWD("1795728867.245:6"));
	feed(a, PATH0("1795728867.245:6"));
	ck_assert_uint_eq(g.n, 0); /* not complete before its last record */
	feed(a, PROCTITLE("1795728867.245:6"));
	/* libauparse 3.0.9 hands it out no later than the next record. */
	feed(a, SC("1795728867.250:7", "2224"));
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(g.ev[0].serial, 6);
	ck_assert_int_eq(g.ev[0].sec, 1795728867);
	ck_assert_uint_eq(g.ev[0].nrec, 5);
	ck_assert_int_eq(g.ev[0].type[0], AUDIT_SYSCALL);
	ck_assert_int_eq(g.ev[0].type[1], AUDIT_EXECVE);
	ck_assert_int_eq(g.ev[0].type[2], AUDIT_CWD);
	ck_assert_int_eq(g.ev[0].type[3], AUDIT_PATH);
	ck_assert_int_eq(g.ev[0].type[4], AUDIT_PROCTITLE);
	as_free(a);
}
END_TEST

START_TEST(test_callback_cursor_is_on_first_record)
{
	struct got g;
	struct as_assembler *a = new_as(&g);

	feed(a, SC("1795728867.245:6", "2223"));
	feed(a, EXECVE("1795728867.245:6"));
	feed(a, PROCTITLE("1795728867.245:6"));
	as_flush(a);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_int_eq(g.ev[0].first_type, AUDIT_SYSCALL);
	as_free(a);
}
END_TEST

START_TEST(test_proctitle_then_eoe_event_is_delivered_at_eoe)
{
	struct got g;
	struct as_assembler *a = new_as(&g);

	/* The kernel's order for a syscall event, as a plugin receives it. */
	feed(a, SC("1795728867.245:6", "2223"));
	feed(a, EXECVE("1795728867.245:6"));
	feed(a, CWD("1795728867.245:6"));
	feed(a, PATH0("1795728867.245:6"));
	feed(a, PROCTITLE("1795728867.245:6"));
	feed(a, EOE("1795728867.245:6"));
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(g.ev[0].serial, 6);
	ck_assert_int_eq(g.ev[0].type[0], AUDIT_SYSCALL);
	/* The EOE does not come back as an event of its own. */
	as_flush(a);
	ck_assert_uint_eq(g.n, 1);
	as_free(a);
}
END_TEST

START_TEST(test_eoe_completes_event_at_once)
{
	struct got g;
	struct as_assembler *a = new_as(&g);

	/* EOE closes the event (here one without PROCTITLE); nothing else
	 * follows yet (an idle host), so it must not wait for more input,
	 * the clock or a flush. */
	feed(a, SC("1795728867.245:6", "2223"));
	feed(a, EXECVE("1795728867.245:6"));
	feed(a, CWD("1795728867.245:6"));
	feed(a, PATH0("1795728867.245:6"));
	feed(a, EOE("1795728867.245:6"));
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(g.ev[0].serial, 6);
	ck_assert_uint_eq(g.ev[0].nrec, 5);
	as_free(a);
}
END_TEST

START_TEST(test_eoe_after_syscall_only_event_completes_it)
{
	struct got g;
	struct as_assembler *a = new_as(&g);

	feed(a, SC("1795728867.245:6", "2223"));
	feed(a, EOE("1795728867.245:6"));
	feed(a, SC("1795728867.245:7", "2224"));
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(g.ev[0].nrec, 2);
	ck_assert_int_eq(g.ev[0].type[1], AUDIT_EOE);
	as_free(a);
}
END_TEST

START_TEST(test_last_event_without_terminal_record_waits_for_flush)
{
	struct got g;
	struct as_assembler *a = new_as(&g);

	feed(a, SC("1795728867.245:6", "2223"));
	feed(a, EXECVE("1795728867.245:6"));
	feed(a, CWD("1795728867.245:6"));
	ck_assert_uint_eq(g.n, 0);
	as_flush(a);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(g.ev[0].nrec, 3);
	as_flush(a); /* nothing twice */
	ck_assert_uint_eq(g.n, 1);
	as_free(a);
}
END_TEST

START_TEST(test_interleaved_events_are_grouped_by_serial)
{
	struct got g;
	struct as_assembler *a = new_as(&g);
	size_t i;

	feed(a, SC("1795728867.245:6", "2223"));
	feed(a, SC("1795728867.246:7", "2224"));
	feed(a, EXECVE("1795728867.245:6"));
	feed(a, EXECVE("1795728867.246:7"));
	feed(a, PATH0("1795728867.246:7"));
	feed(a, CWD("1795728867.245:6"));
	feed(a, PROCTITLE("1795728867.246:7"));
	feed(a, PATH0("1795728867.245:6"));
	feed(a, PROCTITLE("1795728867.245:6"));
	as_flush(a);
	ck_assert_uint_eq(g.n, 2);
	for (i = 0; i < 2; i++) {
		struct got_ev *e = g.ev[0].serial == 6 ? &g.ev[i] : &g.ev[1 - i];

		ck_assert_int_eq(e->type[0], AUDIT_SYSCALL);
		ck_assert_int_eq(e->type[1], AUDIT_EXECVE);
	}
	ck_assert(g.ev[0].serial != g.ev[1].serial);
	ck_assert_uint_eq(g.ev[0].nrec + g.ev[1].nrec, 9);
	as_free(a);
}
END_TEST

START_TEST(test_same_serial_from_two_nodes_are_two_events)
{
	struct got g;
	struct as_assembler *a = new_as(&g);

	feed(a, "node=host1 " SC("1795728867.245:6", "2223"));
	feed(a, "node=host2 " SC("1795728867.245:6", "4000"));
	feed(a, "node=host1 " EXECVE("1795728867.245:6"));
	feed(a, "node=host2 " EXECVE("1795728867.245:6"));
	feed(a, "node=host1 " PROCTITLE("1795728867.245:6"));
	feed(a, "node=host2 " PROCTITLE("1795728867.245:6"));
	as_flush(a);
	ck_assert_uint_eq(g.n, 2);
	ck_assert_uint_eq(g.ev[0].nrec, 3);
	ck_assert_uint_eq(g.ev[1].nrec, 3);
	ck_assert_str_ne(g.ev[0].host, g.ev[1].host);
	ck_assert(strcmp(g.ev[0].host, "host1") == 0 || strcmp(g.ev[0].host, "host2") == 0);
	as_free(a);
}
END_TEST

START_TEST(test_a_later_record_never_closes_an_open_event)
{
	struct got g;
	struct as_assembler *a = new_as(&g);

	/* An event with no terminal record (records lost, or a slow exec
	 * whose remaining records are still to come) ... */
	feed(a, SC("1000000000.100:6", "2223"));
	feed(a, EXECVE("1000000000.100:6"));
	/* ... is not closed by records stamped well later: completing it is
	 * the record filter's decision (recfilter.h), not libauparse's. */
	feed(a, SC("1000000010.000:8", "2225"));
	ck_assert_uint_eq(g.n, 0);
	as_flush(a);
	ck_assert_uint_ge(g.n, 1);
	ck_assert_uint_eq(g.ev[0].serial, 6);
	ck_assert_uint_eq(g.ev[0].nrec, 2);
	as_free(a);
}
END_TEST

START_TEST(test_an_event_hours_older_than_the_next_record_stays_open)
{
	struct got g;
	struct as_assembler *a = new_as(&g);
	char line[512];
	long t = (long)time(NULL);

	/* An aggregator interleaves hosts whose clocks differ by hours: a
	 * record stamped later never closes an open event of another host
	 * (libauparse's timeout is out of the way; the record filter
	 * completes what is really idle). */
	snprintf(line, sizeof(line),
		 "node=late type=SYSCALL msg=audit(%ld.000:6): arch=c000003e syscall=59 "
		 "success=yes exit=0 ppid=1 pid=2 comm=\"x\" exe=\"/x\"", t - 7200);
	feed(a, line);
	snprintf(line, sizeof(line),
		 "node=ahead type=SYSCALL msg=audit(%ld.000:7): arch=c000003e syscall=59 "
		 "success=yes exit=0 ppid=1 pid=3 comm=\"y\" exe=\"/y\"", t);
	feed(a, line);
	ck_assert_uint_eq(g.n, 0);
	snprintf(line, sizeof(line),
		 "node=late type=PROCTITLE msg=audit(%ld.000:6): proctitle=\"x\"", t - 7200);
	feed(a, line);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(g.ev[0].serial, 6);
	ck_assert_uint_eq(g.ev[0].nrec, 2);
	as_flush(a);
	ck_assert_uint_eq(g.n, 2);
	as_free(a);
}
END_TEST

START_TEST(test_record_longer_than_one_feed_buffer_is_kept_whole)
{
	struct got g;
	struct as_assembler *a = new_as(&g);
	static const char head[] = REC("EXECVE", "1795728867.245:6", "argc=2 a0=\"x\" a1=");
	size_t hexlen = 30000, n = sizeof(head) - 1 + hexlen;
	char *line = malloc(n + 1);

	ck_assert_ptr_nonnull(line);
	memcpy(line, head, sizeof(head) - 1);
	memset(line + sizeof(head) - 1, '4', hexlen);
	line[n] = '\0';
	feed(a, SC("1795728867.245:6", "2223"));
	as_line(a, line, n);
	feed(a, PROCTITLE("1795728867.245:6"));
	as_flush(a);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(g.ev[0].nrec, 3);
	ck_assert_int_eq(g.ev[0].type[1], AUDIT_EXECVE);
	ck_assert_uint_eq(g.ev[0].reclen[1], n);
	free(line);
	as_free(a);
}
END_TEST

START_TEST(test_enriched_records_are_assembled)
{
	struct got g;
	struct as_assembler *a = new_as(&g);

	feed(a, SC("1795728867.245:6", "2223") "\x1d" "ARCH=x86_64 SYSCALL=execve "
	     "AUID=\"unset\" UID=\"root\" GID=\"root\" EUID=\"root\"");
	feed(a, EXECVE("1795728867.245:6"));
	feed(a, PATH0("1795728867.245:6") "\x1d" "OUID=\"root\" OGID=\"root\"");
	feed(a, PROCTITLE("1795728867.245:6"));
	as_flush(a);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(g.ev[0].nrec, 4);
	as_free(a);
}
END_TEST

START_TEST(test_garbage_lines_make_no_event)
{
	struct got g;
	struct as_assembler *a = new_as(&g);
	struct as_stats st;

	feed(a, "hello world");
	feed(a, "");
	feed(a, "type=SYSCALL msg=audit(");
	feed(a, "type=SYSCALL msg=audit(abc:def): pid=1");
	as_flush(a);
	as_stats(a, &st);
	ck_assert_uint_eq(st.records, 4);
	/* Whatever auparse made of them, a good event still goes through. */
	feed(a, SC("1795728867.245:6", "2223"));
	feed(a, PROCTITLE("1795728867.245:6"));
	as_flush(a);
	ck_assert_uint_ge(g.n, 1);
	ck_assert_uint_eq(g.ev[g.n - 1].serial, 6);
	ck_assert_uint_eq(g.ev[g.n - 1].nrec, 2);
	as_free(a);
}
END_TEST

START_TEST(test_stats_count_records_and_events)
{
	struct got g;
	struct as_assembler *a = new_as(&g);
	struct as_stats st;

	feed(a, SC("1795728867.245:6", "2223"));
	feed(a, EXECVE("1795728867.245:6"));
	feed(a, PROCTITLE("1795728867.245:6"));
	feed(a, SC("1795728867.246:7", "2224"));
	feed(a, PROCTITLE("1795728867.246:7"));
	as_flush(a);
	as_stats(a, &st);
	ck_assert_uint_eq(st.records, 5);
	ck_assert_uint_eq(st.events, 2);
	ck_assert_uint_eq(g.n, 2);
	as_free(a);
}
END_TEST

START_TEST(test_host_records_reach_libauparse_without_their_node_prefix)
{
	struct got g;
	struct as_assembler *a = new_as(&g);

	feed(a, "node=web-01 " SC("1795728867.245:6", "2223"));
	feed(a, "node=web-01 " EXECVE("1795728867.245:6"));
	feed(a, "node=web-01 " PROCTITLE("1795728867.245:6"));
	as_flush(a);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(g.ev[0].nrec, 3);
	ck_assert_str_eq(g.ev[0].host, "web-01");
	ck_assert(g.ev[0].stripped);
	ck_assert(!g.prefix_seen);
	/* on_event asserts libauparse reported no node of its own */
	as_free(a);
}
END_TEST

START_TEST(test_records_without_node_go_to_the_shared_parser_with_no_host)
{
	struct got g;
	struct as_assembler *a = new_as(&g);
	struct as_stats st;

	feed(a, SC("1795728867.245:6", "2223"));
	feed(a, PROCTITLE("1795728867.245:6"));
	as_flush(a);
	as_stats(a, &st);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_str_eq(g.ev[0].host, "");
	ck_assert_uint_eq(st.parsers, 0);
	as_free(a);
}
END_TEST

START_TEST(test_a_node_name_too_long_to_strip_is_left_for_libauparse)
{
	struct got g;
	struct as_assembler *a = new_as(&g);
	struct as_stats st;
	char name[AS_NODE_MAX + 2], line[1024];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(line, sizeof(line), "node=%s %s", name, SC("1795728867.245:6", "2223"));
	feed(a, line);
	snprintf(line, sizeof(line), "node=%s %s", name, PROCTITLE("1795728867.245:6"));
	feed(a, line);
	as_flush(a);
	as_stats(a, &st);
	ck_assert_uint_eq(st.parsers, 0);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(g.ev[0].nrec, 2);
	ck_assert_int_eq(g.ev[0].host[0], 'n'); /* libauparse's own node */
	ck_assert(!g.ev[0].stripped);
	as_free(a);
}
END_TEST

START_TEST(test_an_empty_node_name_is_left_for_libauparse)
{
	struct got g;
	struct as_assembler *a = new_as(&g);
	struct as_stats st;

	/* Whatever libauparse makes of it (3.0.9: no event), it is not a
	 * host of its own. */
	feed(a, "node= " SC("1795728867.246:7", "2224"));
	feed(a, "node= " PROCTITLE("1795728867.246:7"));
	as_flush(a);
	as_stats(a, &st);
	ck_assert_uint_eq(st.records, 2);
	ck_assert_uint_eq(st.parsers, 0);
	as_free(a);
}
END_TEST

START_TEST(test_a_stuck_event_of_one_host_never_holds_back_another_hosts_events)
{
	struct got g;
	struct as_assembler *a = new_as(&g);

	/* host1's exec never gets its last records (lost, or still coming) */
	feed(a, "node=host1 " SC("1795728867.245:6", "2223"));
	feed(a, "node=host2 " SC("1795728867.246:9", "4000"));
	feed(a, "node=host2 " EXECVE("1795728867.246:9"));
	feed(a, "node=host2 " PROCTITLE("1795728867.246:9"));
	ck_assert_uint_eq(g.n, 1);
	ck_assert_str_eq(g.ev[0].host, "host2");
	ck_assert_uint_eq(g.ev[0].serial, 9);
	as_flush(a);
	ck_assert_uint_eq(g.n, 2);
	ck_assert_str_eq(g.ev[1].host, "host1");
	as_free(a);
}
END_TEST

START_TEST(test_a_new_host_beyond_the_bound_completes_the_least_recently_fed_hosts_events)
{
	struct got g;
	struct as_assembler *a = new_as(&g);
	struct as_stats st;
	char line[1024];
	unsigned i;

	g.many = true;
	/* AS_PARSERS hosts, each with an exec still waiting for its last record */
	for (i = 0; i < AS_PARSERS; i++) {
		snprintf(line, sizeof(line), "node=h%04u %s", i, SC("1795728867.245:6", "2223"));
		feed(a, line);
	}
	snprintf(line, sizeof(line), "node=h%04u %s", 0u, EXECVE("1795728867.245:6"));
	feed(a, line); /* h0000 is now the most recently fed: h0001 is the oldest */
	ck_assert_uint_eq(g.total, 0);
	as_stats(a, &st);
	ck_assert_uint_eq(st.parsers, AS_PARSERS);
	ck_assert_uint_eq(st.parser_evictions, 0);
	feed(a, "node=newcomer " SC("1795728868.000:1", "77"));
	ck_assert_uint_eq(g.total, 1);
	ck_assert_str_eq(g.ev[0].host, "h0001"); /* completed as it was */
	ck_assert_uint_eq(g.ev[0].nrec, 1);
	as_stats(a, &st);
	ck_assert_uint_eq(st.parsers, AS_PARSERS);
	ck_assert_uint_eq(st.parser_evictions, 1);
	/* h0000 kept its parser: its event is still whole */
	snprintf(line, sizeof(line), "node=h%04u %s", 0u, PROCTITLE("1795728867.245:6"));
	feed(a, line);
	ck_assert_uint_eq(g.total, 2);
	ck_assert_str_eq(g.ev[1].host, "h0000");
	ck_assert_uint_eq(g.ev[1].nrec, 3);
	/* the newcomer got h0001's emptied parser: its event is its own */
	feed(a, "node=newcomer " PROCTITLE("1795728868.000:1"));
	ck_assert_uint_eq(g.total, 3);
	ck_assert_str_eq(g.ev[2].host, "newcomer");
	ck_assert_uint_eq(g.ev[2].serial, 1);
	ck_assert_uint_eq(g.ev[2].nrec, 2);
	as_flush(a);
	ck_assert_uint_eq(g.total, AS_PARSERS + 1); /* every host's event, once */
	as_free(a);
}
END_TEST

START_TEST(test_free_null_is_harmless)
{
	as_free(NULL);
}
END_TEST

static Suite *assemble_suite(void)
{
	Suite *s = suite_create("assemble");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_event_ending_in_proctitle_is_delivered_whole);
	tcase_add_test(tc, test_callback_cursor_is_on_first_record);
	tcase_add_test(tc, test_proctitle_then_eoe_event_is_delivered_at_eoe);
	tcase_add_test(tc, test_eoe_completes_event_at_once);
	tcase_add_test(tc, test_eoe_after_syscall_only_event_completes_it);
	tcase_add_test(tc, test_last_event_without_terminal_record_waits_for_flush);
	tcase_add_test(tc, test_interleaved_events_are_grouped_by_serial);
	tcase_add_test(tc, test_same_serial_from_two_nodes_are_two_events);
	tcase_add_test(tc, test_a_later_record_never_closes_an_open_event);
	tcase_add_test(tc, test_an_event_hours_older_than_the_next_record_stays_open);
	tcase_add_test(tc, test_record_longer_than_one_feed_buffer_is_kept_whole);
	tcase_add_test(tc, test_enriched_records_are_assembled);
	tcase_add_test(tc, test_garbage_lines_make_no_event);
	tcase_add_test(tc, test_stats_count_records_and_events);
	tcase_add_test(tc, test_host_records_reach_libauparse_without_their_node_prefix);
	tcase_add_test(tc, test_records_without_node_go_to_the_shared_parser_with_no_host);
	tcase_add_test(tc, test_a_node_name_too_long_to_strip_is_left_for_libauparse);
	tcase_add_test(tc, test_an_empty_node_name_is_left_for_libauparse);
	tcase_add_test(tc, test_a_stuck_event_of_one_host_never_holds_back_another_hosts_events);
	tcase_add_test(tc, test_a_new_host_beyond_the_bound_completes_the_least_recently_fed_hosts_events);
	tcase_add_test(tc, test_free_null_is_harmless);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run(assemble_suite());
}
