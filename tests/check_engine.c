/* check_engine.c - the whole pipeline, record lines in, alert lines out. */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <syslog.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cfg.h"
#include "checkrun.h"
#include "engine.h"
#include "log.h"
#include "newterms.h"
#include "output.h"

struct fixture {
	struct kme_config *cfg;
	struct nt_store *store;
	struct out_sink *sink;
	FILE *out;
	char *outbuf;
	size_t outlen;
	struct engine *eng;
	char notices[4096];
};

static struct fixture F;

/* Every record of the next events starts with this ("node=NAME " as an
 * aggregator writes them; "" for none), and their SYSCALL record ends with
 * `enrich` (ENRICHED logs: "\x1d" then the interpretations). */
static const char *prefix = "";
static const char *enrich = "";


static void on_notice(void *arg, int prio, const char *msg)
{
	(void)arg;
	(void)prio;
	strncat(F.notices, msg, sizeof(F.notices) - strlen(F.notices) - 2);
	strcat(F.notices, "\n");
}

/* Comment out the shipped config's line of each single-valued key that
 * extra sets again ("key = value" lines): a key may be given once. */
static void drop_overridden(char *text, const char *extra)
{
	static const char *const single[] = { "new_terms_fields", "max_alerts", NULL };
	size_t i;

	for (i = 0; single[i] != NULL; i++) {
		size_t n = strlen(single[i]);
		char *p;

		if (strncmp(extra, single[i], n) != 0 &&
		    strstr(extra, single[i]) == NULL)
			continue;
		for (p = text; (p = strstr(p, single[i])) != NULL; p += n)
			if (p == text || p[-1] == '\n') {
				*p = '#';
				break;
			}
	}
}

static void start_mode(enum eng_mode mode, enum eng_action action,
		       const char *extra_config)
{
	struct kme_err err;
	struct eng_opts o = { .mode = mode, .action = action,
			      .hostname = "testhost" };

	memset(&F, 0, sizeof(F));
	prefix = enrich = "";
	if (extra_config != NULL) {
		size_t n = strlen(cfg_default_text) + strlen(extra_config) + 2;
		char *text = malloc(n);

		snprintf(text, n, "%s\n%s", cfg_default_text, extra_config);
		drop_overridden(text, extra_config);
		ck_assert_int_eq(cfg_parse("test.conf", text, strlen(text), &F.cfg, &err), 0);
		free(text);
	} else {
		ck_assert_int_eq(cfg_load_default(&F.cfg, &err), 0);
	}
	log_to_fn(on_notice, NULL);
	F.store = nt_store_memory_open(F.cfg, &err);
	ck_assert_ptr_nonnull(F.store);
	F.out = open_memstream(&F.outbuf, &F.outlen);
	F.sink = out_stream_open(F.out, "test output", &err);
	ck_assert_ptr_nonnull(F.sink);
	o.sink = F.sink;
	F.eng = eng_new(F.cfg, F.store, &o, &err);
	ck_assert_ptr_nonnull(F.eng);
}

static void start(enum eng_action action, const char *extra_config)
{
	start_mode(ENG_REPLAY, action, extra_config);
}

static void stop(void)
{
	eng_free(F.eng);
	out_close(F.sink);
	fclose(F.out);
	free(F.outbuf);
	nt_destroy(F.store);
	cfg_free(F.cfg);
}

static void line(const char *fmt, ...)
{
	char buf[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	eng_line(F.eng, buf, strlen(buf));
}

/* One execve event in the shape a Debian 12 kernel writes it, stamped
 * sec.msec. args is the EXECVE body after argc (e.g. "a0=\"lsmod\""). */
static void exec_event_at(long sec, int msec, int serial, int pid, int ppid,
			  const char *path, const char *comm, const char *exe,
			  int argc, const char *args, int success)
{
	line("%stype=SYSCALL msg=audit(%ld.%03d:%d): arch=c000003e syscall=59 "
	     "success=%s exit=%d a0=1 a1=2 a2=3 a3=4 items=2 ppid=%d pid=%d "
	     "auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 "
	     "tty=pts0 ses=3 comm=\"%s\" exe=\"%s\" key=\"kme\"%s",
	     prefix, sec, msec, serial, success ? "yes" : "no", success ? 0 : -2,
	     ppid, pid, comm, exe, enrich);
	if (success)
		line("%stype=EXECVE msg=audit(%ld.%03d:%d): argc=%d %s", prefix,
		     sec, msec, serial, argc, args);
	line("%stype=CWD msg=audit(%ld.%03d:%d): cwd=\"/root\"", prefix, sec,
	     msec, serial);
	line("%stype=PATH msg=audit(%ld.%03d:%d): item=0 name=\"%s\" inode=1 dev=fe:00 "
	     "mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 "
	     "cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0", prefix, sec, msec,
	     serial, path);
	line("%stype=PROCTITLE msg=audit(%ld.%03d:%d): proctitle=\"%s\"", prefix,
	     sec, msec, serial, comm);
}

/* The same at sec.100. */
static void exec_event(long sec, int serial, int pid, int ppid, const char *path,
		       const char *comm, const char *exe, int argc,
		       const char *args, int success)
{
	exec_event_at(sec, 100, serial, pid, ppid, path, comm, exe, argc, args,
		      success);
}

static const char *output(void)
{
	eng_finish(F.eng);
	fflush(F.out);
	return F.outbuf ? F.outbuf : "";
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static struct eng_counters counters(void)
{
	struct eng_counters c;

	eng_counters(F.eng, &c);
	return c;
}

START_TEST(test_lsmod_under_a_known_shell_alerts_with_its_parent)
{
	start(ENG_ALERT, NULL);
	exec_event(1000, 1, 100, 1, "/usr/bin/bash", "bash", "/usr/bin/bash", 1, "a0=\"bash\"", 1);
	exec_event(1001, 2, 200, 100, "/usr/sbin/lsmod", "lsmod", "/usr/bin/kmod", 1, "a0=\"lsmod\"", 1);
	const char *out = output();
	ck_assert_uint_eq(count_lines(out), 1);
	ck_assert_ptr_nonnull(strstr(out, "\"executable\":\"/usr/sbin/lsmod\""));
	ck_assert_ptr_nonnull(strstr(out, "\"parent\":{\"pid\":100,\"entity_id\":\""));
	ck_assert_ptr_nonnull(strstr(out, "\",\"name\":\"bash\",\"executable\":\"/usr/bin/bash\""));
	ck_assert_ptr_nonnull(strstr(out, "\"parent_source\":\"audit\""));
	ck_assert_ptr_nonnull(strstr(out, "\"host\":{\"name\":\"testhost\",\"hostname\":\"testhost\","
				     "\"architecture\":\"x86_64\",\"os\":{\"type\":\"linux\"}}"));
	/* the parent's life began at its exec (1000.100:1), lsmod's at its own */
	ck_assert_ptr_nonnull(strstr(out, "\"entity\":{\"process\":\"audit:1001.100:2\","
				     "\"parent\":\"audit:1000.100:1\""));
	ck_assert_uint_eq(counters().alerts, 1);
	ck_assert_uint_eq(counters().matches, 1);
	stop();
}
END_TEST

START_TEST(test_repeat_of_a_term_is_suppressed)
{
	start(ENG_ALERT, NULL);
	exec_event(1000, 1, 100, 50, "/usr/bin/bash", "bash", "/usr/bin/bash", 1, "a0=\"bash\"", 1);
	exec_event(1001, 2, 200, 100, "/usr/sbin/lsmod", "lsmod", "/usr/bin/kmod", 1, "a0=\"lsmod\"", 1);
	exec_event(1002, 3, 201, 100, "/usr/sbin/lsmod", "lsmod", "/usr/bin/kmod", 1, "a0=\"lsmod\"", 1);
	ck_assert_uint_eq(count_lines(output()), 1);
	ck_assert_uint_eq(counters().suppressed, 1);
	stop();
}
END_TEST

START_TEST(test_script_parent_named_dkms_excludes)
{
	start(ENG_ALERT, NULL);
	exec_event(1000, 1, 100, 50, "/usr/sbin/dkms", "dkms", "/usr/bin/dash", 2,
		   "a0=\"/bin/sh\" a1=\"/usr/sbin/dkms\"", 1);
	exec_event(1001, 2, 200, 100, "/usr/sbin/lsmod", "lsmod", "/usr/bin/kmod", 1, "a0=\"lsmod\"", 1);
	ck_assert_str_eq(output(), "");
	ck_assert_uint_eq(counters().excluded, 1);
	stop();
}
END_TEST


/* ---- hosts (an aggregator's stream) ------------------------------------ */

static void dkms_then_lsmod(const char *dkms_node, const char *lsmod_node,
			    long sec, int serial)
{
	prefix = dkms_node;
	exec_event(sec, serial, 4242, 50, "/usr/sbin/dkms", "dkms", "/usr/bin/dash", 2,
		   "a0=\"/bin/sh\" a1=\"/usr/sbin/dkms\"", 1);
	prefix = lsmod_node;
	exec_event(sec + 1, serial + 1, 4300, 4242, "/usr/sbin/lsmod", "lsmod",
		   "/usr/bin/kmod", 1, "a0=\"lsmod\"", 1);
	prefix = "";
}

START_TEST(test_dkms_on_one_host_never_excludes_lsmod_on_another_host)
{
	start(ENG_ALERT, NULL);
	dkms_then_lsmod("node=hostb ", "node=hosta ", 1000, 1);
	const char *out = output();
	ck_assert_uint_eq(count_lines(out), 1);
	ck_assert_uint_eq(counters().excluded, 0);
	ck_assert_ptr_nonnull(strstr(out, "\"host\":{\"name\":\"hosta\","));
	ck_assert_ptr_nonnull(strstr(out, "\"parent_source\":\"unknown\""));
	ck_assert_ptr_null(strstr(out, "dkms"));
	stop();
}
END_TEST

START_TEST(test_dkms_on_the_same_host_still_excludes)
{
	start(ENG_ALERT, NULL);
	dkms_then_lsmod("node=hostb ", "node=hostb ", 1000, 1);
	ck_assert_str_eq(output(), "");
	ck_assert_uint_eq(counters().excluded, 1);
	stop();
}
END_TEST

START_TEST(test_local_node_records_and_records_without_node_are_one_host)
{
	struct kme_err err;
	struct eng_opts o = { .mode = ENG_REPLAY, .action = ENG_ALERT,
			      .hostname = "testhost", .local_node = "aggr" };

	start(ENG_ALERT, NULL);
	eng_free(F.eng);
	o.sink = F.sink;
	F.eng = eng_new(F.cfg, F.store, &o, &err);
	ck_assert_ptr_nonnull(F.eng);
	dkms_then_lsmod("", "node=aggr ", 1000, 1);
	ck_assert_str_eq(output(), "");
	ck_assert_uint_eq(counters().excluded, 1);
	stop();
}
END_TEST

/* lsmod from bash on two hosts, the same pids on both. */
static void lsmod_from_bash_on(const char *node, long sec, int serial)
{
	prefix = node;
	exec_event(sec, serial, 100, 50, "/usr/bin/bash", "bash", "/usr/bin/bash", 1,
		   "a0=\"bash\"", 1);
	exec_event(sec + 1, serial + 1, 200, 100, "/usr/sbin/lsmod", "lsmod",
		   "/usr/bin/kmod", 1, "a0=\"lsmod\"", 1);
	prefix = "";
}

START_TEST(test_default_term_is_new_fleet_wide_once)
{
	start(ENG_ALERT, NULL);
	lsmod_from_bash_on("node=hosta ", 1000, 1);
	lsmod_from_bash_on("node=hostb ", 1010, 11);
	lsmod_from_bash_on("node=hostc ", 1020, 21);
	const char *out = output();
	ck_assert_uint_eq(count_lines(out), 1);
	ck_assert_ptr_nonnull(strstr(out, "\"host\":{\"name\":\"hosta\","));
	ck_assert_uint_eq(counters().suppressed, 2);
	stop();
}
END_TEST

START_TEST(test_host_name_in_the_term_makes_it_per_host)
{
	start(ENG_ALERT, "new_terms_fields = process.executable "
			 "process.parent.executable host.name\n");
	lsmod_from_bash_on("node=hosta ", 1000, 1);
	lsmod_from_bash_on("node=hostb ", 1010, 11);
	lsmod_from_bash_on("node=hosta ", 1020, 21);
	lsmod_from_bash_on("", 1030, 31);
	const char *out = output();
	ck_assert_uint_eq(count_lines(out), 3);
	ck_assert_ptr_nonnull(strstr(out, "\"host\":{\"name\":\"hosta\","));
	ck_assert_ptr_nonnull(strstr(out, "\"host\":{\"name\":\"hostb\","));
	ck_assert_ptr_nonnull(strstr(out, "\"host\":{\"name\":\"testhost\","));
	ck_assert_uint_eq(counters().suppressed, 1);
	stop();
}
END_TEST

/* Each host's events are assembled apart: host A's exec, whose last records
 * are still to come (a slow exec, a sender's queue), holds back nothing of
 * host B's. */
START_TEST(test_one_hosts_unfinished_exec_never_delays_another_hosts_alert)
{
	start(ENG_ALERT, NULL);
	line("node=hosta type=SYSCALL msg=audit(1000.100:1): arch=c000003e syscall=59 "
	     "success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 ppid=50 pid=60 auid=1000 "
	     "uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 "
	     "comm=\"modinfo\" exe=\"/usr/bin/kmod\" key=\"kme\"");
	line("node=hosta type=EXECVE msg=audit(1000.100:1): argc=2 a0=\"modinfo\" a1=\"e1000\"");
	lsmod_from_bash_on("node=hostb ", 1000, 11);
	fflush(F.out);
	ck_assert_ptr_nonnull(F.outbuf);
	ck_assert_uint_eq(count_lines(F.outbuf), 1);
	ck_assert_ptr_nonnull(strstr(F.outbuf, "\"host\":{\"name\":\"hostb\","));
	/* host A's exec, whole once its last records come */
	line("node=hosta type=CWD msg=audit(1000.100:1): cwd=\"/root\"");
	line("node=hosta type=PATH msg=audit(1000.100:1): item=0 name=\"/usr/sbin/modinfo\" "
	     "inode=1 dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL "
	     "cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0");
	line("node=hosta type=PROCTITLE msg=audit(1000.100:1): proctitle=\"modinfo\"");
	const char *out = output();
	ck_assert_uint_eq(count_lines(out), 2);
	ck_assert_ptr_nonnull(strstr(out, "\"host\":{\"name\":\"hosta\","));
	ck_assert_ptr_nonnull(strstr(out, "\"args\":[\"modinfo\",\"e1000\"]"));
	stop();
}
END_TEST

START_TEST(test_rate_limit_is_per_rule_across_hosts)
{
	char node[32], path[64];
	int i;

	start(ENG_ALERT, "max_alerts = 2\n");
	for (i = 0; i < 5; i++) {
		snprintf(node, sizeof(node), "node=h%d ", i);
		snprintf(path, sizeof(path), "/opt/t%d/lsmod", i);
		prefix = node;
		exec_event(1200, 10 + i, 500, 100, path, "lsmod", "/usr/bin/kmod", 1,
			   "a0=\"lsmod\"", 1);
	}
	prefix = "";
	ck_assert_uint_eq(count_lines(output()), 2);
	ck_assert_uint_eq(counters().rate_limited, 3);
	stop();
}
END_TEST

START_TEST(test_exclude_user_by_name_never_names_a_remote_uid_with_local_passwd)
{
	/* uid 0 is root in this machine's passwd: the local event is
	 * excluded, host B's uid 0 has no name (RAW): it alerts. */
	start_mode(ENG_LIVE, ENG_ALERT, "exclude_user = root\n");
	prefix = "";
	exec_event(1000, 1, 200, 100, "/usr/sbin/lsmod", "lsmod", "/usr/bin/kmod", 1,
		   "a0=\"lsmod\"", 1);
	prefix = "node=hostb ";
	exec_event(1001, 2, 201, 100, "/opt/x/lsmod", "lsmod", "/usr/bin/kmod", 1,
		   "a0=\"lsmod\"", 1);
	prefix = "";
	const char *out = output();
	ck_assert_uint_eq(counters().excluded, 1);
	ck_assert_uint_eq(count_lines(out), 1);
	ck_assert_ptr_nonnull(strstr(out, "\"host\":{\"name\":\"hostb\","));
	ck_assert_ptr_null(strstr(out, "\"user\":{\"name\""));
	stop();
}
END_TEST

/* A replayed RAW log's uids belong to the passwd of the host that logged
 * it, not to this machine's: by name, nothing is excluded. */
START_TEST(test_replay_never_names_a_uid_with_local_passwd)
{
	start(ENG_ALERT, "exclude_user = root\n");
	exec_event(1000, 1, 200, 100, "/usr/sbin/lsmod", "lsmod", "/usr/bin/kmod", 1,
		   "a0=\"lsmod\"", 1);
	ck_assert_uint_eq(counters().excluded, 0);
	ck_assert_uint_eq(count_lines(output()), 1);
	stop();
}
END_TEST

START_TEST(test_exclude_user_by_name_applies_to_a_remote_event_that_names_its_user)
{
	start(ENG_ALERT, "exclude_user = builder\n");
	prefix = "node=hostb ";
	enrich = "\x1d" "ARCH=x86_64 SYSCALL=execve AUID=\"alice\" UID=\"builder\" "
		 "GID=\"root\" EUID=\"builder\" SUID=\"builder\" FSUID=\"builder\" "
		 "EGID=\"root\" SGID=\"root\" FSGID=\"root\"";
	exec_event(1001, 2, 201, 100, "/opt/x/lsmod", "lsmod", "/usr/bin/kmod", 1,
		   "a0=\"lsmod\"", 1);
	prefix = enrich = "";
	ck_assert_str_eq(output(), "");
	ck_assert_uint_eq(counters().excluded, 1);
	stop();
}
END_TEST

START_TEST(test_live_names_local_users_and_groups_never_a_remote_hosts)
{
	/* Plugin mode: the local event's ids 0 are named from this machine's
	 * passwd and group database; host B's (RAW) get no names at all. */
	start_mode(ENG_LIVE, ENG_ALERT, "new_terms_fields = process.executable host.name\n");
	prefix = "";
	exec_event(1000, 1, 200, 100, "/usr/sbin/lsmod", "lsmod", "/usr/bin/kmod", 1,
		   "a0=\"lsmod\"", 1);
	prefix = "node=hostb ";
	exec_event(1001, 2, 201, 100, "/usr/sbin/lsmod", "lsmod", "/usr/bin/kmod", 1,
		   "a0=\"lsmod\"", 1);
	prefix = "";
	const char *out = output();
	const char *second = strchr(out, '\n');
	ck_assert_uint_eq(count_lines(out), 2);
	ck_assert_ptr_nonnull(second);
	/* first line: the local event, named */
	ck_assert_ptr_nonnull(strstr(out, "\"real_group\":{\"id\":\"0\",\"name\":\"root\"}"));
	ck_assert_ptr_nonnull(strstr(out, "\"effective\":{\"id\":\"0\",\"name\":\"root\"}"));
	ck_assert(strstr(out, "\"real_group\":{\"id\":\"0\",\"name\":\"root\"}") < second);
	/* second line: host B's, no name from this machine's databases */
	ck_assert_ptr_nonnull(strstr(second, "\"host\":{\"name\":\"hostb\","));
	ck_assert_ptr_null(strstr(second, "\"name\":\"root\""));
	stop();
}
END_TEST

START_TEST(test_remote_enriched_event_names_its_own_users_and_groups)
{
	start(ENG_ALERT, NULL);
	prefix = "node=hostb ";
	enrich = "\x1d" "ARCH=x86_64 SYSCALL=execve AUID=\"alice\" UID=\"builder\" "
		 "GID=\"build\" EUID=\"builder\" SUID=\"builder\" FSUID=\"builder\" "
		 "EGID=\"build\" SGID=\"build\" FSGID=\"build\"";
	exec_event(1001, 2, 201, 100, "/opt/x/lsmod", "lsmod", "/usr/bin/kmod", 1,
		   "a0=\"lsmod\"", 1);
	prefix = enrich = "";
	const char *out = output();
	ck_assert_uint_eq(count_lines(out), 1);
	ck_assert_ptr_nonnull(strstr(out, "\"group\":{\"id\":\"0\",\"name\":\"build\"}"));
	ck_assert_ptr_nonnull(strstr(out, "\"real_user\":{\"id\":\"0\",\"name\":\"builder\"}"));
	stop();
}
END_TEST

START_TEST(test_a_late_event_is_not_cut_by_the_live_tick)
{
	/* Plugin mode on an aggregator: a sender flushes its queue after an
	 * outage, or its clock is behind, so an event stamped two hours ago
	 * arrives now. A wall-clock tick between its records must not cut it
	 * (the part without PATH would be "kmod", no match: a missed alert). */
	long t = (long)time(NULL) - 7200;

	start_mode(ENG_LIVE, ENG_ALERT, NULL);
	prefix = "node=far ";
	eng_clock(F.eng, ((int64_t)t + 7200) * 1000, true); /* drained, and aged */
	eng_tick(F.eng);
	line("node=far type=SYSCALL msg=audit(%ld.100:9): arch=c000003e syscall=59 success=yes "
	     "exit=0 a0=1 a1=2 a2=3 a3=4 items=2 ppid=1 pid=300 auid=0 uid=0 gid=0 euid=0 "
	     "suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm=\"lsmod\" "
	     "exe=\"/usr/bin/kmod\" key=\"kme\"", t);
	line("node=far type=EXECVE msg=audit(%ld.100:9): argc=1 a0=\"lsmod\"", t);
	eng_clock(F.eng, ((int64_t)t + 7201) * 1000, true); /* drained, and aged */
	eng_tick(F.eng);
	line("node=far type=CWD msg=audit(%ld.100:9): cwd=\"/root\"", t);
	line("node=far type=PATH msg=audit(%ld.100:9): item=0 name=\"/usr/sbin/lsmod\" "
	     "inode=1 dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL "
	     "cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0", t);
	line("node=far type=PROCTITLE msg=audit(%ld.100:9): proctitle=\"lsmod\"", t);
	const char *out = output();
	ck_assert_uint_eq(count_lines(out), 1);
	ck_assert_ptr_nonnull(strstr(out, "\"executable\":\"/usr/sbin/lsmod\""));
	ck_assert_uint_eq(counters().events, 1);
	stop();
}
END_TEST

START_TEST(test_failed_exec_is_not_a_process_start)
{
	start(ENG_ALERT, NULL);
	exec_event(1001, 2, 200, 100, "/usr/sbin/lsmod", "lsmod", "/usr/bin/kmod", 1, "", 0);
	ck_assert_str_eq(output(), "");
	ck_assert_uint_eq(counters().failed_execs, 1);
	ck_assert_uint_eq(counters().matches, 0);
	stop();
}
END_TEST

START_TEST(test_parent_reparented_to_init_is_unknown)
{
	start(ENG_EXPLAIN, NULL);
	exec_event(1000, 1, 1, 0, "/sbin/init", "systemd", "/usr/lib/systemd/systemd", 1, "a0=\"/sbin/init\"", 1);
	exec_event(1001, 2, 200, 1, "/usr/sbin/lsmod", "lsmod", "/usr/bin/kmod", 1, "a0=\"lsmod\"", 1);
	const char *out = output();
	ck_assert_ptr_nonnull(strstr(out, "parent_exe=? source=unknown"));
	ck_assert_ptr_nonnull(strstr(out, "=> alert:"));
	stop();
}
END_TEST

START_TEST(test_all_reports_every_match)
{
	start(ENG_ALL, NULL);
	exec_event(1001, 2, 200, 100, "/usr/sbin/lsmod", "lsmod", "/usr/bin/kmod", 1, "a0=\"lsmod\"", 1);
	exec_event(1002, 3, 201, 100, "/usr/sbin/lsmod", "lsmod", "/usr/bin/kmod", 1, "a0=\"lsmod\"", 1);
	ck_assert_uint_eq(count_lines(output()), 2);
	ck_assert_ptr_nonnull(strstr(F.outbuf, "\"mode\":\"all\""));
	stop();
}
END_TEST

START_TEST(test_learn_fills_history_without_alerting)
{
	struct nt_stats st;

	start(ENG_LEARN, NULL);
	exec_event(1001, 2, 200, 100, "/usr/sbin/lsmod", "lsmod", "/usr/bin/kmod", 1, "a0=\"lsmod\"", 1);
	ck_assert_str_eq(output(), "");
	nt_stats(F.store, &st);
	ck_assert_uint_eq(st.terms, 1);
	stop();
}
END_TEST

START_TEST(test_explain_names_the_exclusion_and_the_suppression)
{
	start(ENG_EXPLAIN, NULL);
	exec_event(1000, 1, 100, 50, "/usr/sbin/mkinitramfs", "mkinitramfs", "/usr/bin/dash", 1, "a0=\"/bin/sh\"", 1);
	exec_event(1001, 2, 200, 100, "/usr/sbin/depmod", "depmod", "/usr/bin/kmod", 2, "a0=\"depmod\" a1=\"-a\"", 1);
	exec_event(1002, 3, 300, 50, "/usr/sbin/depmod", "depmod", "/usr/bin/kmod", 2, "a0=\"depmod\" a1=\"-A\"", 1);
	exec_event(1003, 4, 301, 50, "/usr/sbin/modinfo", "modinfo", "/usr/bin/kmod", 1, "a0=\"modinfo\"", 1);
	exec_event(1004, 5, 302, 50, "/usr/sbin/modinfo", "modinfo", "/usr/bin/kmod", 1, "a0=\"modinfo\"", 1);
	const char *out = output();
	ck_assert_ptr_nonnull(strstr(out, "=> excluded: excluded by exclude_parent_name 'mkinitramfs'"));
	ck_assert_ptr_nonnull(strstr(out, "=> no match: "));
	ck_assert_ptr_nonnull(strstr(out, "=> alert: new term (never seen)"));
	ck_assert_ptr_nonnull(strstr(out, "=> suppressed: term last seen "
				     "1970-01-01T00:16:43.100Z, 1000 ms before, "
				     "within the 1209600000 ms window (1 time(s) "
				     "since 1970-01-01T00:16:43.100Z)"));
	ck_assert_uint_eq(count_lines(out), 4);
	stop();
}
END_TEST

/* Event time is sec * 1000 + msec: the 14-day window ends at its exact
 * millisecond (issue 9: a repeat 14 days and 83 ms after the last sighting
 * is outside it). */
START_TEST(test_window_is_compared_to_the_millisecond)
{
	const long T = 1700000000, W = 14 * 86400;

	start(ENG_EXPLAIN, NULL);
	exec_event_at(T, 500, 1, 200, 100, "/usr/sbin/lsmod", "lsmod", "/usr/bin/kmod", 1, "a0=\"lsmod\"", 1);
	/* 14 days exactly: still in [t - 14d, t). */
	exec_event_at(T + W, 500, 2, 201, 100, "/usr/sbin/lsmod", "lsmod", "/usr/bin/kmod", 1, "a0=\"lsmod\"", 1);
	/* 14 days and 83 ms after the last sighting: new again. */
	exec_event_at(T + 2 * W, 583, 3, 202, 100, "/usr/sbin/lsmod", "lsmod", "/usr/bin/kmod", 1, "a0=\"lsmod\"", 1);
	const char *out = output();
	ck_assert_ptr_nonnull(strstr(out, ":2 pid=201 name=lsmod"));
	ck_assert_ptr_nonnull(strstr(out, "=> suppressed: term last seen "
				     "2023-11-14T22:13:20.500Z, 1209600000 ms "
				     "before, within the 1209600000 ms window"));
	ck_assert_ptr_nonnull(strstr(out, "=> alert: new term (last seen "
				     "2023-11-28T22:13:20.500Z, 1209600083 ms "
				     "before, outside the 1209600000 ms window; "
				     "2 time(s) since 2023-11-14T22:13:20.500Z)"));
	ck_assert_uint_eq(counters().suppressed, 1);
	ck_assert_uint_eq(counters().alerts, 2);
	stop();
}
END_TEST

START_TEST(test_new_config_exclusion_takes_effect)
{
	struct kme_config *cfg2;
	struct kme_err err;
	const char *add = "exclude_user = 0\n";
	size_t n = strlen(cfg_default_text) + strlen(add) + 1;
	char *text = malloc(n);

	start(ENG_ALERT, NULL);
	snprintf(text, n, "%s%s", cfg_default_text, add);
	ck_assert_int_eq(cfg_parse("new.conf", text, strlen(text), &cfg2, &err), 0);
	free(text);
	eng_set_config(F.eng, cfg2);
	exec_event(1001, 2, 200, 100, "/usr/sbin/lsmod", "lsmod", "/usr/bin/kmod", 1, "a0=\"lsmod\"", 1);
	ck_assert_str_eq(output(), "");
	ck_assert_uint_eq(counters().excluded, 1);
	eng_set_config(F.eng, F.cfg);
	stop();
	cfg_free(cfg2);
}
END_TEST

START_TEST(test_rate_limit_overflow_is_counted_and_reported)
{
	char path[64], args[64];
	int i;

	start(ENG_ALERT, "");
	for (i = 0; i < 103; i++) {
		snprintf(path, sizeof(path), "/opt/t%d/lsmod", i);
		snprintf(args, sizeof(args), "a0=\"lsmod\"");
		exec_event(1200, 10 + i, 500 + i, 100, path, "lsmod", "/usr/bin/kmod", 1, args, 1);
	}
	ck_assert_uint_eq(count_lines(output()), 100);
	ck_assert_uint_eq(counters().rate_limited, 3);
	ck_assert_ptr_nonnull(strstr(F.notices, "rate limit: 3 alert(s) not sent"));
	stop();
}
END_TEST

/* A fleet's alert counter (limit.h) of which this process is one member:
 * `others` alerts were counted elsewhere; down: it cannot answer. */
struct fleet {
	uint64_t others, counted;
	bool down;
};

static int fleet_count(void *arg, int64_t start, int64_t interval,
		       uint64_t *n)
{
	struct fleet *f = arg;

	(void)start;
	(void)interval;
	if (f->down)
		return -1;
	*n = f->others + ++f->counted;
	return 0;
}

/* lsmod as the new terms /opt/tI/lsmod, I from `from` to `to` - 1, in one
 * second. */
static void new_terms(int from, int to)
{
	char path[64];
	int i;

	for (i = from; i < to; i++) {
		snprintf(path, sizeof(path), "/opt/t%d/lsmod", i);
		exec_event(1200, 10 + i, 500 + i, 100, path, "lsmod",
			   "/usr/bin/kmod", 1, "a0=\"lsmod\"", 1);
	}
}

START_TEST(test_the_fleet_counter_limits_when_it_answers)
{
	struct fleet f = { .others = 1 };
	const struct lim_shared shared = { fleet_count, &f };

	start(ENG_ALERT, "max_alerts = 2\n");
	eng_set_store(F.eng, F.store, &shared);
	new_terms(0, 3);
	/* One alert elsewhere: one more here, two refused. */
	ck_assert_uint_eq(count_lines(output()), 1);
	ck_assert_uint_eq(counters().rate_limited, 2);
	ck_assert_uint_eq(f.counted, 3);
	/* Down: this process's own counter decides (2 per interval). */
	f.down = true;
	new_terms(3, 6);
	ck_assert_uint_eq(count_lines(output()), 3);
	ck_assert_uint_eq(counters().rate_limited, 3);
	/* A reload keeps the fleet's counter. */
	f.down = false;
	eng_set_config(F.eng, F.cfg);
	new_terms(6, 7);
	ck_assert_uint_eq(f.counted, 4);
	stop();
}
END_TEST

/* A store that cannot decide (out of memory, a term it cannot hold):
 * newterms.h's only failures. */
static void zero_stats(const struct nt_store *s, struct nt_stats *out)
{
	(void)s;
	memset(out, 0, sizeof(*out));
}

static int failing_check_touch(struct nt_store *st, const struct nt_term *t,
			       int64_t when, struct nt_seen *seen,
			       struct kme_err *err)
{
	(void)st;
	(void)t;
	(void)when;
	memset(seen, 0, sizeof(*seen));
	seen->is_new = true;
	return kme_errf(err, "new-terms store: out of memory");
}

START_TEST(test_store_errors_alert_are_counted_and_logged_once)
{
	struct nt_store_ops ops;
	struct nt_store failing;
	const struct nt_store *real;
	int i;

	start(ENG_ALERT, NULL);
	real = F.store;
	ops = *real->ops;
	ops.check_touch = failing_check_touch;
	ops.stats = zero_stats;
	failing.ops = &ops;
	eng_set_store(F.eng, &failing, NULL);
	for (i = 0; i < 3; i++)
		exec_event(1001 + i, 2 + i, 200 + i, 100, "/usr/sbin/lsmod", "lsmod",
			   "/usr/bin/kmod", 1, "a0=\"lsmod\"", 1);
	/* Undecided is new: every one alerts (the rate limit allows 100). */
	ck_assert_uint_eq(count_lines(output()), 3);
	ck_assert_uint_eq(counters().store_errors, 3);
	ck_assert_uint_eq(counters().parse_errors, 0);
	ck_assert_str_eq(F.notices, "new-terms store: out of memory "
			 "(counted in store_errors; logged once)\n");
	eng_set_store(F.eng, F.store, NULL);
	stop();
}
END_TEST

START_TEST(test_garbage_records_are_counted_not_fatal)
{
	start(ENG_ALERT, NULL);
	line("type=EXECVE msg=audit(1000.1:9): argc=2 a0=\"x\" a1_len=5 a1[1]=4142");
	line("\x01\x02 garbage");
	line("type=SYSCALL msg=audit(1000.1:7): arch=c000003e syscall=59 success=yes pid=x ppid=");
	eng_count_bad_record(F.eng, 2);
	exec_event(1001, 2, 200, 100, "/usr/sbin/lsmod", "lsmod", "/usr/bin/kmod", 1, "a0=\"lsmod\"", 1);
	ck_assert_uint_eq(count_lines(output()), 1);
	ck_assert_uint_ge(counters().parse_errors, 3);
	stop();
}
END_TEST


/* ---- profiles (issue 12) ------------------------------------------------- */

START_TEST(test_multicall_alert_names_the_run_under_name_and_behaviour)
{
	/* exec -a lsmod /usr/bin/kmod: PATH kmod, argv [lsmod] */
	start(ENG_ALERT, "match_multicall = yes\n");
	exec_event(1000, 1, 100, 1, "/usr/bin/bash", "bash", "/usr/bin/bash", 1, "a0=\"bash\"", 1);
	exec_event(1001, 2, 200, 100, "/usr/bin/kmod", "lsmod", "/usr/bin/kmod", 1, "a0=\"lsmod\"", 1);
	const char *out = output();
	ck_assert_uint_eq(count_lines(out), 1);
	ck_assert_ptr_nonnull(strstr(out, "\"name\":\"kmod\""));
	ck_assert_ptr_nonnull(strstr(out, "\"multicall\":{\"binary\":\"/usr/bin/kmod\","
				     "\"run_as\":\"lsmod\",\"behaviour\":\"lsmod\"}"));
	stop();
	/* v211 alone: the same events alert nothing */
	start(ENG_ALERT, NULL);
	exec_event(1000, 1, 100, 1, "/usr/bin/bash", "bash", "/usr/bin/bash", 1, "a0=\"bash\"", 1);
	exec_event(1001, 2, 200, 100, "/usr/bin/kmod", "lsmod", "/usr/bin/kmod", 1, "a0=\"lsmod\"", 1);
	ck_assert_str_eq(output(), "");
	ck_assert_uint_eq(counters().matches, 0);
	stop();
}
END_TEST

START_TEST(test_parent_args_exclusion_sees_the_parents_arguments)
{
	start(ENG_ALERT, "exclude_parent_args = /var/lib/dpkg/info/*\n");
	exec_event(1000, 1, 100, 1, "/usr/bin/sh", "sh", "/usr/bin/dash", 4,
		   "a0=\"sh\" a1=\"-c\" a2=\"lsmod\" a3=\"/var/lib/dpkg/info/x\"", 1);
	exec_event(1001, 2, 200, 100, "/usr/sbin/lsmod", "lsmod", "/usr/bin/kmod", 1, "a0=\"lsmod\"", 1);
	ck_assert_str_eq(output(), "");
	ck_assert_uint_eq(counters().excluded, 1);
	stop();
}
END_TEST

START_TEST(test_entry_leader_is_in_the_alert_and_can_exclude)
{
	start(ENG_ALERT, NULL);
	exec_event(1000, 1, 50, 1, "/usr/sbin/sshd", "sshd", "/usr/sbin/sshd", 2, "a0=\"sshd\" a1=\"-D\"", 1);
	exec_event(1000, 2, 100, 50, "/usr/bin/bash", "bash", "/usr/bin/bash", 1, "a0=\"-bash\"", 1);
	exec_event(1001, 3, 200, 100, "/usr/sbin/lsmod", "lsmod", "/usr/bin/kmod", 1, "a0=\"lsmod\"", 1);
	const char *out = output();
	ck_assert_uint_eq(count_lines(out), 1);
	ck_assert_ptr_nonnull(strstr(out, "\"entry_leader\":{\"pid\":100,\"entity_id\":\""));
	ck_assert_ptr_nonnull(strstr(out, "\",\"name\":\"bash\","
				     "\"executable\":\"/usr/bin/bash\",\"args\":[\"-bash\"]"));
	ck_assert_ptr_nonnull(strstr(out, "\"entry_leader\":{\"how\":\"child_of_starter\","
				     "\"source\":\"audit\",\"starter\":\"sshd\",\"depth\":1}"));
	stop();
	start(ENG_ALERT, "exclude_entry_leader_executable = /usr/bin/bash\n");
	exec_event(1000, 1, 50, 1, "/usr/sbin/sshd", "sshd", "/usr/sbin/sshd", 2, "a0=\"sshd\" a1=\"-D\"", 1);
	exec_event(1000, 2, 100, 50, "/usr/bin/bash", "bash", "/usr/bin/bash", 1, "a0=\"-bash\"", 1);
	exec_event(1001, 3, 200, 100, "/usr/sbin/lsmod", "lsmod", "/usr/bin/kmod", 1, "a0=\"lsmod\"", 1);
	ck_assert_str_eq(output(), "");
	ck_assert_uint_eq(counters().excluded, 1);
	stop();
}
END_TEST

START_TEST(test_unknown_entry_leader_says_why_and_never_excludes)
{
	start(ENG_ALERT, "exclude_entry_leader_executable = *\n");
	exec_event(1001, 3, 200, 100, "/usr/sbin/lsmod", "lsmod", "/usr/bin/kmod", 1, "a0=\"lsmod\"", 1);
	const char *out = output();
	ck_assert_uint_eq(count_lines(out), 1);
	ck_assert_ptr_null(strstr(out, "\"process\":{\"pid\":200,\"name\":\"lsmod\",\"entry_leader\""));
	ck_assert_ptr_nonnull(strstr(out, "\"entry_leader\":{\"how\":\"broken chain\"}"));
	stop();
}
END_TEST

START_TEST(test_threat_techniques_and_event_action_come_from_the_config)
{
	start(ENG_ALERT, "threat_technique = T1518.001 https://attack.mitre.org/techniques/T1518/001/ Security Software Discovery\n");
	exec_event(1001, 3, 200, 100, "/usr/sbin/lsmod", "lsmod", "/usr/bin/kmod", 1, "a0=\"lsmod\"", 1);
	/* ECS keyword arrays; the line appends to the shipped file's own
	 * technique (same file: lists append). */
	ck_assert_ptr_nonnull(strstr(output(), "\"technique\":{\"id\":[\"T1082\",\"T1518.001\"],"
		"\"name\":[\"System Information Discovery\",\"Security Software Discovery\"],"
		"\"reference\":[\"https://attack.mitre.org/techniques/T1082/\","
		"\"https://attack.mitre.org/techniques/T1518/001/\"]}"));
	stop();
	start(ENG_ALERT, "event_action = exec_event\n");
	exec_event(1001, 3, 200, 100, "/usr/sbin/lsmod", "lsmod", "/usr/bin/kmod", 1, "a0=\"lsmod\"", 1);
	ck_assert_str_eq(output(), "");
	stop();
}
END_TEST


/* A hard link of a multicall binary under another name, run as lsmod:
 * plugin mode knows it by device and inode; replay cannot. */
static void hardlink_exec(const char *dir, const struct stat *st)
{
	line("type=SYSCALL msg=audit(1001.100:2): arch=c000003e syscall=59 "
	     "success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 ppid=100 pid=200 "
	     "auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 "
	     "tty=pts0 ses=3 comm=\"hl\" exe=\"%s/hl\" key=\"kme\"", dir);
	line("type=EXECVE msg=audit(1001.100:2): argc=1 a0=\"lsmod\"");
	line("type=CWD msg=audit(1001.100:2): cwd=\"/root\"");
	line("type=PATH msg=audit(1001.100:2): item=0 name=\"%s/hl\" inode=%llu "
	     "dev=%02x:%02x mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL "
	     "cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0", dir,
	     (unsigned long long)st->st_ino, major(st->st_dev), minor(st->st_dev));
	line("type=PROCTITLE msg=audit(1001.100:2): proctitle=\"lsmod\"");
}

START_TEST(test_live_multicall_knows_a_hard_link_by_device_and_inode)
{
	char dir[] = "/tmp/check_engine.XXXXXX", kmod[64], hl[64], extra[256];
	struct stat st;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(kmod, sizeof(kmod), "%s/kmod", dir);
	snprintf(hl, sizeof(hl), "%s/hl", dir);
	ck_assert_ptr_nonnull(f = fopen(kmod, "w"));
	fclose(f);
	ck_assert_int_eq(link(kmod, hl), 0);
	ck_assert_int_eq(stat(hl, &st), 0);
	snprintf(extra, sizeof(extra), "match_multicall = yes\nmulticall_binary = %s\n",
		 kmod);

	start_mode(ENG_LIVE, ENG_ALERT, extra);
	hardlink_exec(dir, &st);
	const char *out = output();
	ck_assert_uint_eq(count_lines(out), 1);
	ck_assert_ptr_nonnull(strstr(out, "\"run_as\":\"lsmod\",\"behaviour\":\"lsmod\","
				     "\"found_by\":\"device_and_inode\"}"));
	stop();

	start_mode(ENG_REPLAY, ENG_ALERT, extra);
	hardlink_exec(dir, &st);
	ck_assert_str_eq(output(), "");
	stop();

	unlink(hl);
	unlink(kmod);
	rmdir(dir);
}
END_TEST

static Suite *engine_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("pipeline");

	tcase_add_test(tc, test_lsmod_under_a_known_shell_alerts_with_its_parent);
	tcase_add_test(tc, test_repeat_of_a_term_is_suppressed);
	tcase_add_test(tc, test_script_parent_named_dkms_excludes);
	tcase_add_test(tc, test_dkms_on_one_host_never_excludes_lsmod_on_another_host);
	tcase_add_test(tc, test_dkms_on_the_same_host_still_excludes);
	tcase_add_test(tc, test_local_node_records_and_records_without_node_are_one_host);
	tcase_add_test(tc, test_default_term_is_new_fleet_wide_once);
	tcase_add_test(tc, test_host_name_in_the_term_makes_it_per_host);
	tcase_add_test(tc, test_one_hosts_unfinished_exec_never_delays_another_hosts_alert);
	tcase_add_test(tc, test_rate_limit_is_per_rule_across_hosts);
	tcase_add_test(tc, test_exclude_user_by_name_never_names_a_remote_uid_with_local_passwd);
	tcase_add_test(tc, test_replay_never_names_a_uid_with_local_passwd);
	tcase_add_test(tc, test_exclude_user_by_name_applies_to_a_remote_event_that_names_its_user);
	tcase_add_test(tc, test_live_names_local_users_and_groups_never_a_remote_hosts);
	tcase_add_test(tc, test_remote_enriched_event_names_its_own_users_and_groups);
	tcase_add_test(tc, test_a_late_event_is_not_cut_by_the_live_tick);
	tcase_add_test(tc, test_failed_exec_is_not_a_process_start);
	tcase_add_test(tc, test_parent_reparented_to_init_is_unknown);
	tcase_add_test(tc, test_all_reports_every_match);
	tcase_add_test(tc, test_learn_fills_history_without_alerting);
	tcase_add_test(tc, test_explain_names_the_exclusion_and_the_suppression);
	tcase_add_test(tc, test_window_is_compared_to_the_millisecond);
	tcase_add_test(tc, test_new_config_exclusion_takes_effect);
	tcase_add_test(tc, test_rate_limit_overflow_is_counted_and_reported);
	tcase_add_test(tc, test_the_fleet_counter_limits_when_it_answers);
	tcase_add_test(tc, test_store_errors_alert_are_counted_and_logged_once);
	tcase_add_test(tc, test_garbage_records_are_counted_not_fatal);
	tcase_add_test(tc, test_multicall_alert_names_the_run_under_name_and_behaviour);
	tcase_add_test(tc, test_parent_args_exclusion_sees_the_parents_arguments);
	tcase_add_test(tc, test_entry_leader_is_in_the_alert_and_can_exclude);
	tcase_add_test(tc, test_unknown_entry_leader_says_why_and_never_excludes);
	tcase_add_test(tc, test_threat_techniques_and_event_action_come_from_the_config);
	tcase_add_test(tc, test_live_multicall_knows_a_hard_link_by_device_and_inode);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run(engine_suite());
}
