/* redistest.h - a private redis-server for the Redis suites
 * (check_redisconn.c, check_redisstore.c, check_redisadmin.c,
 * check_redisrate.c, check_history.c): started on a unix socket in a
 * temporary directory (no TCP, nothing persisted), polled until it answers
 * (deadline RT_DEADLINE_MS), killed and removed by rt_stop. Register
 * rt_start/rt_stop as a tcase's unchecked fixture: the server then lives
 * in the runner's process, across that tcase's (forked) tests; rt_flush
 * as its checked fixture gives each test an empty server.
 *
 * A missing redis-server (tests/deps.sh installs it) fails the tcase: a
 * Redis build is tested against Redis or not at all. Needs hiredis.
 * Also: a connection of redisconn.h to a URL (rt_conn), polling for a
 * fact with the deadline (rt_until), and the server stopped for a while,
 * signals flying meanwhile (rt_pause).
 */
#ifndef KME_REDISTEST_H
#define KME_REDISTEST_H

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "redisconn.h"

#define RT_DEADLINE_MS 10000

static struct {
	pid_t pid;
	char dir[64];
	char sock[128];
	char url[160];       /* "unix://DIR/redis.sock" */
} rt;

static inline int64_t rt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One command on a connection of its own (AUTH-free: the suites change
 * no password of this server's default user). */
static inline redisReply *rt_cmd(const char *fmt, ...)
{
	redisContext *c = redisConnectUnix(rt.sock);
	redisReply *r = NULL;
	va_list ap;

	if (c != NULL && !c->err) {
		va_start(ap, fmt);
		r = redisvCommand(c, fmt, ap);
		va_end(ap);
	}
	if (c != NULL)
		redisFree(c);
	return r;
}

/* A command whose reply is an integer, or a string holding one (GET,
 * HGET). */
static inline long long rt_int(const char *fmt, ...)
{
	redisContext *c = redisConnectUnix(rt.sock);
	redisReply *r = NULL;
	long long v;
	va_list ap;

	ck_assert_msg(c != NULL && !c->err, "connect %s", rt.sock);
	va_start(ap, fmt);
	r = redisvCommand(c, fmt, ap);
	va_end(ap);
	ck_assert_msg(r != NULL && (r->type == REDIS_REPLY_INTEGER ||
				    r->type == REDIS_REPLY_STRING),
		      "%s: %s", fmt, r && r->str ? r->str : "not an integer");
	v = r->type == REDIS_REPLY_INTEGER ? r->integer
					   : strtoll(r->str, NULL, 10);
	freeReplyObject(r);
	redisFree(c);
	return v;
}

static inline void rt_ok(const char *fmt, ...)
{
	redisContext *c = redisConnectUnix(rt.sock);
	redisReply *r = NULL;
	va_list ap;

	ck_assert_msg(c != NULL && !c->err, "connect %s", rt.sock);
	va_start(ap, fmt);
	r = redisvCommand(c, fmt, ap);
	va_end(ap);
	ck_assert_msg(r != NULL && r->type != REDIS_REPLY_ERROR, "%s: %s", fmt,
		      r && r->str ? r->str : "no reply");
	freeReplyObject(r);
	redisFree(c);
}

static inline bool rt_answers(void)
{
	redisReply *r = rt_cmd("PING");
	bool ok = r != NULL && r->type == REDIS_REPLY_STATUS;

	if (r != NULL)
		freeReplyObject(r);
	return ok;
}

static inline void rt_start(void)
{
	int64_t end;
	int fd;

	/* A peer that closes is an error value, as in the program (main.c,
	 * live.c): the forked tests inherit this. */
	signal(SIGPIPE, SIG_IGN);
	snprintf(rt.dir, sizeof(rt.dir), "/tmp/kme-redistest.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(rt.dir));
	snprintf(rt.sock, sizeof(rt.sock), "%s/redis.sock", rt.dir);
	snprintf(rt.url, sizeof(rt.url), "unix://%s", rt.sock);
	rt.pid = fork();
	ck_assert_int_ne(rt.pid, -1);
	if (rt.pid == 0) {
		fd = open("/dev/null", O_RDWR);
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execlp("redis-server", "redis-server", "--port", "0",
		       "--unixsocket", rt.sock, "--unixsocketperm", "700",
		       "--dir", rt.dir, "--save", "", "--appendonly", "no",
		       "--daemonize", "no", (char *)NULL);
		_exit(127);
	}
	end = rt_now_ms() + RT_DEADLINE_MS;
	while (!rt_answers()) {
		int st;

		if (waitpid(rt.pid, &st, WNOHANG) == rt.pid) {
			rt.pid = 0;
			ck_abort_msg("redis-server did not start (exit %d%s)",
				     WEXITSTATUS(st), WEXITSTATUS(st) == 127
				     ? ": not installed, see tests/deps.sh" : "");
		}
		ck_assert_msg(rt_now_ms() < end, "redis-server did not answer "
			      "on %s within %d ms", rt.sock, RT_DEADLINE_MS);
		usleep(10000);
	}
}

/* Kill the server and remove its directory, with whatever the tests put
 * there (state files, their locks). */
static inline void rt_stop(void)
{
	char path[400];
	struct dirent *de;
	DIR *d;

	if (rt.pid > 0) {
		kill(rt.pid, SIGKILL);
		waitpid(rt.pid, NULL, 0);
		rt.pid = 0;
	}
	if ((d = opendir(rt.dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", rt.dir, de->d_name);
			unlink(path);
		}
		closedir(d);
	}
	ck_assert_msg(rmdir(rt.dir) == 0, "%s: not removed", rt.dir);
}

static inline void rt_flush(void)
{
	rt_ok("FLUSHALL");
	rt_ok("SCRIPT FLUSH");
}

/* A tcase whose tests share one server, emptied before each test. */
static inline TCase *rt_tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_unchecked_fixture(tc, rt_start, rt_stop);
	tcase_add_checked_fixture(tc, rt_flush, NULL);
	return tc;
}

/* Poll fact(arg) until it holds; fail after RT_DEADLINE_MS. */
static inline void rt_until(bool (*fact)(void *arg), void *arg,
			    const char *what)
{
	int64_t end = rt_now_ms() + RT_DEADLINE_MS;

	while (!fact(arg)) {
		ck_assert_msg(rt_now_ms() < end, "%s: not within %d ms", what,
			      RT_DEADLINE_MS);
		usleep(5000);
	}
}

static inline bool rt_due(void *conn)
{
	return rc_due(conn);
}

/* Stop the server (SIGSTOP) for stop_ms, meanwhile sending sig (0:
 * none) to this process every 2 ms: a child does the waiting, the
 * signals and the SIGCONT, so the server resumes whatever the test does.
 * The child's pid, for rt_reap. */
static inline pid_t rt_pause(int64_t stop_ms, int sig)
{
	pid_t me = getpid(), pid;

	ck_assert_int_eq(kill(rt.pid, SIGSTOP), 0);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		int64_t end = rt_now_ms() + stop_ms;

		while (rt_now_ms() < end) {
			if (sig != 0)
				kill(me, sig);
			usleep(2000);
		}
		kill(rt.pid, SIGCONT);
		_exit(0);
	}
	return pid;
}

static inline void rt_reap(pid_t pid)
{
	pid_t got;
	int st;

	while ((got = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	ck_assert_int_eq(got, pid);
}

/* Signals as the plugin gets them: a handler (SIGHUP: reload, SIGUSR1:
 * report), no SA_RESTART, so a wait they interrupt ends with EINTR.
 * rt_signals_seen counts them from rt_catch_signals on. */
static volatile sig_atomic_t rt_signals_seen;

static inline void rt_count_signal(int sig)
{
	(void)sig;
	rt_signals_seen++;
}

static inline void rt_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = rt_count_signal;
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGUSR1, &sa, NULL), 0);
	ck_assert_int_eq(sigaction(SIGHUP, &sa, NULL), 0);
	rt_signals_seen = 0;
}

/* Send sig to this process every 2 ms for ms milliseconds, from a child
 * (rt_reap it). */
static inline pid_t rt_signals(int64_t ms, int sig)
{
	pid_t me = getpid(), pid = fork();

	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		int64_t end = rt_now_ms() + ms;

		while (rt_now_ms() < end) {
			kill(me, sig);
			usleep(2000);
		}
		_exit(0);
	}
	return pid;
}

/* ---- the time of a call, as a budget counts it ----------------------------- */

/* A call's margin over its budget: the clock is read every few steps, and
 * the last step ends after it (measured well below this in -O2 and
 * sanitizer builds). */
#define RT_MARGIN_US 1000
/* This machine is a virtual machine whose host runs other guests: now and
 * then a vCPU is not run for a while, which the guest sees as neither a
 * wait for a CPU nor, when it stops a running thread, anything but that
 * thread's CPU time (seen here: 3.4 ms of wall time in a call that used
 * 48 us of CPU and waited 3 us for one; in an ASan build under `make
 * check`, a tick of 102 ms wall "using" 75 ms of CPU, where the same
 * tick takes under 6 ms in every other run). A budget check tolerates
 * RT_STALLS_PCT % of calls (at least 2) over the margin - a tick that
 * overruns its budget as a rule fails it - and none over RT_STALL_US: a
 * call that waited for a server (the connect and command timeouts of the
 * timed tests are 1 s and more) or worked through a whole push at once
 * (643 ms and more before slicing) fails it. */
#define RT_STALLS_PCT 2
#define RT_STALL_US 500000

/* Calls timed as a budget counts them: their own time is the wall clock
 * (monotonic) less the time the thread waited for a CPU meanwhile, runnable
 * but not running (/proc/thread-self/schedstat: preemption, and the
 * latency of a wake-up on a loaded machine, which measure the machine, not
 * the code); sleeping in a poll is the call's own. Also the raw wall time,
 * and the thread's CPU time. */
struct rt_timing {
	int64_t budget;                      /* us */
	unsigned calls, over;                /* over: own > budget + margin */
	int64_t max_own, max_wall, max_cpu, max_delay;   /* us */
};
struct rt_mark {
	int64_t wall, cpu, delay;   /* us */
};

static inline struct rt_mark rt_mark(void)
{
	unsigned long long run = 0, delay = 0;
	struct timespec ts;
	struct rt_mark m;
	FILE *fp = fopen("/proc/thread-self/schedstat", "r");

	ck_assert_msg(fp != NULL && fscanf(fp, "%llu %llu", &run, &delay) == 2,
		      "/proc/thread-self/schedstat: unreadable");
	fclose(fp);
	m.delay = (int64_t)(delay / 1000);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	m.cpu = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	m.wall = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	return m;
}

static inline void rt_max(int64_t *max, int64_t v)
{
	if (v > *max)
		*max = v;
}

/* The call begun at `from` has ended: into t. */
static inline void rt_timed(struct rt_timing *t, struct rt_mark from)
{
	struct timespec ts;
	int64_t wall, delay;
	struct rt_mark to;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	wall = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000 - from.wall;
	to = rt_mark();
	delay = to.delay - from.delay;
	t->calls++;
	rt_max(&t->max_wall, wall);
	rt_max(&t->max_delay, delay);
	rt_max(&t->max_own, wall - delay);
	if (wall - delay > t->budget + RT_MARGIN_US)
		t->over++;
	rt_max(&t->max_cpu, to.cpu - from.cpu);
}

/* Every call's own time within the budget + RT_MARGIN_US, but for the
 * stalls of the machine (above). The figures go to stderr (the test's
 * log). */
static inline void rt_check_budget(const struct rt_timing *t, const char *what)
{
	unsigned stalls = t->calls * RT_STALLS_PCT / 100;

	if (stalls < 2)
		stalls = 2;
	fprintf(stderr, "# %s: %u call(s); budget %lld us + %d us margin; "
		"longest own time %lld us, %u call(s) over the margin (at most "
		"%u, none over %d us); longest wall time %lld us, CPU %lld us, "
		"wait for a CPU %lld us\n", what, t->calls, (long long)t->budget,
		RT_MARGIN_US, (long long)t->max_own, t->over, stalls,
		RT_STALL_US, (long long)t->max_wall, (long long)t->max_cpu,
		(long long)t->max_delay);
	ck_assert_msg(t->over <= stalls, "%s: %u calls over the budget", what,
		      t->over);
	ck_assert_msg(t->max_own <= t->budget + RT_STALL_US,
		      "%s: a call took %lld us", what, (long long)t->max_own);
}

/* A connection to url (1 s timeouts), started: up, or declared down
 * unless require. */
static inline struct rc_conn *rt_conn(const char *url, bool require)
{
	const struct rc_opts o = { .url = url, .connect_timeout = 1000,
				   .command_timeout = 1000 };
	struct kme_err err = { "" };
	struct rc_conn *c = rc_new(&o, &err);

	ck_assert_msg(c != NULL, "%s", err.msg);
	ck_assert_msg(rc_start(c, require, &err) == 0, "%s", err.msg);
	return c;
}

#endif
