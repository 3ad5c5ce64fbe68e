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
 * Also: a connection of redisconn.h to a URL (rt_conn), and polling for a
 * fact with the deadline (rt_until).
 */
#ifndef KME_REDISTEST_H
#define KME_REDISTEST_H

#include <check.h>
#include <dirent.h>
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
