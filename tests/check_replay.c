/* check_replay.c - inputs through the engine, and the replay's status: a
 * set in time order with its duplicates, compressed inputs, inputs that give
 * nothing (said, status 3), ausearch -i without a zone (refused, status 2),
 * skipped lines in --explain. The records are two events of the real
 * tests/data/kmod-raw.log (bash, then its lsmod). rp_run completes the
 * pending events itself (eng_finish). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "cfg.h"
#include "checkrun.h"
#include "engine.h"
#include "log.h"
#include "newterms.h"
#include "output.h"
#include "reader.h"
#include "replay.h"

static const char bash_event[] =
	"type=SYSCALL msg=audit(1795729587.585:2070): arch=c000003e syscall=59 success=yes exit=0 a0=558b12de5eb0 a1=558b12dbbd70 a2=558b12de67d0 a3=9e8c1dad2efa0bd4 items=2 ppid=21848 pid=21849 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=14 comm=\"bash\" exe=\"/usr/bin/bash\" key=\"kme\"\n"
	"type=EXECVE msg=audit(1795729587.585:2070): argc=1 a0=\"bash\"\n"
	"type=CWD msg=audit(1795729587.585:2070): cwd=\"/tmp/kme-scenario/01-shell\"\n"
	"type=PATH msg=audit(1795729587.585:2070): item=0 name=\"/usr/bin/bash\" inode=247101 dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0\n"
	"type=PROCTITLE msg=audit(1795729587.585:2070): proctitle=\"bash\"\n";
static const char lsmod_event[] =
	"type=SYSCALL msg=audit(1795729587.589:2071): arch=c000003e syscall=59 success=yes exit=0 a0=563a7d1353c0 a1=563a7d1363e0 a2=563a7d135c80 a3=25bd8eb77a671013 items=2 ppid=21849 pid=21850 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=14 comm=\"lsmod\" exe=\"/usr/bin/kmod\" key=\"kme\"\n"
	"type=EXECVE msg=audit(1795729587.589:2071): argc=1 a0=\"lsmod\"\n"
	"type=CWD msg=audit(1795729587.589:2071): cwd=\"/tmp/kme-scenario/01-shell\"\n"
	"type=PATH msg=audit(1795729587.589:2071): item=0 name=\"/usr/sbin/lsmod\" inode=10977287 dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0\n"
	"type=PROCTITLE msg=audit(1795729587.589:2071): proctitle=\"lsmod\"\n";

static struct {
	char dir[64];
	struct kme_config *cfg;
	struct nt_store *store;
	struct out_sink *sink;
	struct rd_reader *rd;
	struct engine *eng;
	FILE *out;
	char *outbuf;
	size_t outlen;
	char said[8192];
} F;

static void on_log(void *arg, int prio, const char *msg)
{
	(void)arg, (void)prio;
	strncat(F.said, msg, sizeof(F.said) - strlen(F.said) - 2);
	strcat(F.said, "\n");
}

static void setup(void)
{
	struct kme_err err = { "" };
	struct eng_opts o = { .mode = ENG_REPLAY, .action = ENG_EXPLAIN,
			      .hostname = "check-host" };

	memset(&F, 0, sizeof(F));
	strcpy(F.dir, "/tmp/kme-check-replay.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(F.dir));
	ck_assert_int_eq(cfg_load_default(&F.cfg, &err), 0);
	F.store = nt_store_memory_open(F.cfg, &err);
	F.out = open_memstream(&F.outbuf, &F.outlen);
	F.sink = out_stream_open(F.out, "memory", &err);
	o.sink = F.sink;
	F.eng = eng_new(F.cfg, F.store, &o, &err);
	F.rd = rd_new(0, &err);
	ck_assert(F.store && F.sink && F.eng && F.rd);
	log_to_fn(on_log, NULL);
}

static void teardown(void)
{
	char cmd[128];

	log_to_stderr();
	eng_free(F.eng);
	rd_free(F.rd);
	nt_destroy(F.store);
	out_close(F.sink);
	fclose(F.out);
	free(F.outbuf);
	cfg_free(F.cfg);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", F.dir);
	ck_assert_int_eq(system(cmd), 0);
}

static char *path(const char *name)
{
	static char p[8][128];
	static int n;
	char *r = p[n++ % 8];

	snprintf(r, 128, "%s/%s", F.dir, name);
	return r;
}

static void put(const char *name, const char *a, const char *b)
{
	FILE *f = fopen(path(name), "w");

	ck_assert_ptr_nonnull(f);
	fputs(a, f);
	fputs(b, f);
	fclose(f);
}

/* Replay the inputs; the status. */
static int replay(const char *tz, int n, char **inputs)
{
	struct rp_opts o = { .inputs = inputs, .ninputs = n, .tz = tz,
			     .explain = F.sink, .progress = RP_PROGRESS_OFF };
	int rc = rp_run(&o, F.eng, F.rd);

	fflush(F.out);
	return rc;
}

static struct eng_counters counters(void)
{
	struct eng_counters c;

	eng_counters(F.eng, &c);
	return c;
}

START_TEST(test_a_set_replays_in_time_order_whatever_the_order_given)
{
	char *in[2];
	gzFile g;

	/* The newer file named first, the older one gzip-compressed. */
	put("audit.log", lsmod_event, "");
	g = gzopen(path("audit.log.1.gz"), "wb");
	gzputs(g, bash_event);
	gzclose(g);
	in[0] = path("audit.log");
	in[1] = path("audit.log.1.gz");
	ck_assert_int_eq(replay(NULL, 2, in), 0);
	/* lsmod's parent is bash: only so if bash's exec came first. */
	ck_assert_msg(strstr(F.outbuf, "parent_name=bash parent_exe=/usr/bin/bash") != NULL,
		      "%s", F.outbuf);
	ck_assert_uint_eq(counters().alerts, 1);
	ck_assert_msg(strstr(F.said, "replaying 2 inputs in time order") &&
		      strstr(F.said, "1. /tmp/kme-check-replay.") &&
		      strstr(F.said, "audit.log.1.gz (gzip, audit log), first event "
				     "2026-11-26T21:46:27.585Z"), "%s", F.said);
}
END_TEST

START_TEST(test_an_event_cut_at_the_end_of_the_last_input_is_still_decided)
{
	char *in[1] = { path("cut.log") };
	char lsmod_cut[sizeof(lsmod_event)];

	/* Without its PROCTITLE record nothing in the input ends lsmod's
	 * event: only the completion at the end of the replay decides it. */
	strcpy(lsmod_cut, lsmod_event);
	*strstr(lsmod_cut, "type=PROCTITLE") = '\0';
	put("cut.log", bash_event, lsmod_cut);
	ck_assert_int_eq(replay(NULL, 1, in), 0);
	ck_assert_uint_eq(counters().records, 9);
	ck_assert_uint_eq(counters().alerts, 1);
	ck_assert_msg(strstr(F.outbuf, "name=lsmod") != NULL, "%s", F.outbuf);
}
END_TEST

START_TEST(test_a_copy_in_the_set_is_replayed_once_and_said)
{
	char *in[1] = { F.dir };

	put("audit.log", bash_event, lsmod_event);
	put("copy-of-audit.log", bash_event, lsmod_event);
	ck_assert_int_eq(replay(NULL, 1, in), 0);
	ck_assert_uint_eq(counters().records, 10);
	ck_assert_uint_eq(counters().execs, 2);
	ck_assert_msg(strstr(F.said, "copy-of-audit.log: 10 record(s) already replayed from") != NULL,
		      "%s", F.said);
	ck_assert(strstr(F.outbuf, "# duplicate ") != NULL);
}
END_TEST

START_TEST(test_an_input_without_a_record_is_said_with_its_first_line)
{
	char *in[2];

	put("good.log", bash_event, lsmod_event);
	put("README", "These are the logs.\n", "Regards\n");
	in[0] = path("good.log");
	in[1] = path("README");
	ck_assert_int_eq(replay(NULL, 2, in), RP_EXIT_INPUT);
	ck_assert_uint_eq(counters().alerts, 1); /* the good input still counts */
	ck_assert_msg(strstr(F.said, "README: no audit record in 2 line(s); line 1, the "
				     "first, is not an audit record: 'These are the logs.'"),
		      "%s", F.said);
	ck_assert(strstr(F.outbuf, "README:1-2: not an audit record: 'These are the logs.'"));
}
END_TEST

START_TEST(test_a_skipped_lines_control_bytes_reach_no_terminal)
{
	char *in[1] = { path("x.log") };

	/* An escape sequence is text to the binary check: quoted, escaped. */
	put("x.log", bash_event, "\033[2J\033[31m garbage\n");
	ck_assert_int_eq(replay(NULL, 1, in), 0);
	ck_assert_msg(strstr(F.outbuf, "# skipped ") != NULL, "%s", F.outbuf);
	ck_assert_ptr_null(strchr(F.outbuf, '\033'));
	ck_assert_ptr_nonnull(strstr(F.outbuf, "\\u001b[2J"));
	ck_assert_ptr_null(strchr(F.said, '\033'));
}
END_TEST

START_TEST(test_mostly_garbage_is_unusable_a_few_damaged_lines_are_not)
{
	char *in[1] = { path("x.log") };
	char big[4096] = "";
	int i;

	for (i = 0; i < 20; i++)
		strcat(big, "garbage\n");
	put("x.log", lsmod_event, big);
	ck_assert_int_eq(replay(NULL, 1, in), RP_EXIT_INPUT);
	ck_assert(strstr(F.said, "x.log: mostly not audit records: 20 of 25 line(s) skipped, "
				 "5 record(s) replayed; line 6, the first skipped"));
	F.said[0] = '\0';
	put("x.log", bash_event, "garbage\n");
	ck_assert_int_eq(replay(NULL, 1, in), 0);
	ck_assert_msg(strstr(F.said, "x.log: 1 line(s) skipped (line 6, the first, is not an "
				     "audit record: 'garbage'); 5 record(s) replayed"), "%s", F.said);
}
END_TEST

START_TEST(test_empty_and_missing_inputs_are_said)
{
	char *in[2] = { path("empty.log"), path("missing.log") };

	put("empty.log", "", "");
	ck_assert_int_eq(replay(NULL, 1, in), RP_EXIT_INPUT);
	ck_assert(strstr(F.said, "no audit record: the input is empty"));
	F.said[0] = '\0';
	ck_assert_int_eq(replay(NULL, 2, in), 1);
	ck_assert(strstr(F.said, "missing.log: open: No such file or directory"));
}
END_TEST

START_TEST(test_an_input_not_opened_outranks_an_unusable_one)
{
	char *in[3] = { path("good.log"), path("README"), path("missing.log") };

	/* 3 says the unusable inputs were the only trouble: not so here. */
	put("good.log", bash_event, lsmod_event);
	put("README", "These are the logs.\n", "");
	ck_assert_int_eq(replay(NULL, 3, in), 1);
	ck_assert_uint_eq(counters().alerts, 1);
	ck_assert_msg(strstr(F.said, "README: no audit record in 1 line(s)") &&
		      strstr(F.said, "missing.log: open: No such file or directory"),
		      "%s", F.said);
}
END_TEST

START_TEST(test_a_refusal_outranks_everything)
{
	char *in[2] = { path("a.txt"), path("b.txt") };

	/* ausearch --format text (unusable: 3) and an ausearch -i input
	 * without --tz (refused: 2): refused, nothing replayed. */
	put("a.txt", "At 21:46:27 11/26/26 root successfully executed /usr/bin/bash \n", "");
	put("b.txt", "----\n", "type=CWD msg=audit(11/26/26 21:46:27.589:2071) : cwd=/tmp \n");
	ck_assert_int_eq(replay(NULL, 2, in), RP_EXIT_USAGE);
	ck_assert_uint_eq(counters().records, 0);
}
END_TEST

START_TEST(test_ausearch_i_without_a_zone_is_refused_before_anything_replays)
{
	char *in[2] = { path("a.log"), path("b.txt") };

	put("a.log", bash_event, lsmod_event);
	put("b.txt", "----\n", "type=CWD msg=audit(11/26/26 21:46:27.589:2071) : cwd=/tmp \n");
	ck_assert_int_eq(replay(NULL, 2, in), RP_EXIT_USAGE);
	ck_assert_uint_eq(counters().records, 0);
	ck_assert(strstr(F.said, "b.txt: ausearch -i output (interpreted): its times are the "
				 "local times of the machine that printed it, with no zone."));
	F.said[0] = '\0';
	ck_assert_int_eq(replay("Nowhere/Atlantis", 2, in), RP_EXIT_USAGE);
	ck_assert(strstr(F.said, "--tz Nowhere/Atlantis: unknown time zone"));
}
END_TEST

static Suite *replay_suite(void)
{
	Suite *s = suite_create("replay");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_a_set_replays_in_time_order_whatever_the_order_given);
	tcase_add_test(tc, test_an_event_cut_at_the_end_of_the_last_input_is_still_decided);
	tcase_add_test(tc, test_a_copy_in_the_set_is_replayed_once_and_said);
	tcase_add_test(tc, test_an_input_without_a_record_is_said_with_its_first_line);
	tcase_add_test(tc, test_a_skipped_lines_control_bytes_reach_no_terminal);
	tcase_add_test(tc, test_mostly_garbage_is_unusable_a_few_damaged_lines_are_not);
	tcase_add_test(tc, test_empty_and_missing_inputs_are_said);
	tcase_add_test(tc, test_an_input_not_opened_outranks_an_unusable_one);
	tcase_add_test(tc, test_a_refusal_outranks_everything);
	tcase_add_test(tc, test_ausearch_i_without_a_zone_is_refused_before_anything_replays);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run(replay_suite());
}
