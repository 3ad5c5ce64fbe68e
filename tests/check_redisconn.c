/* check_redisconn.c - the connection to the fleet's Redis: the password
 * file, a server that does not answer (said once, backoff), and against a
 * real redis-server started here (tests/redistest.h): AUTH, SELECT, the
 * scripts (one forgotten by the server is sent again), replies of the
 * wrong kind, a connection killed by the server; connecting in slices
 * and under signals (a black-holed TCP connect, a stopped Redis). The
 * pipelined merges and the listing are check_redisbulk.c's. */
#include <config.h>

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checkrun.h"
#include "clock.h"
#include "histtest.h"
#include "log.h"
#include "redisconn.h"

#ifdef HAVE_HIREDIS
#include "redistest.h"

static struct rc_opts opts(const char *url)
{
	return (struct rc_opts){ .url = url, .connect_timeout = 1000,
				 .command_timeout = 1000 };
}

static struct kme_buf bufs(const char *s)
{
	struct kme_buf b;

	buf_init(&b, 0);
	ck_assert_int_eq(buf_puts(&b, s), 0);
	return b;
}

/* The touch script on key for the term enc (both text), window 1000. */
static int touch_at(struct rc_conn *c, const char *key, const char *enc,
		    int64_t t, struct rc_sighting *s, struct kme_err *err)
{
	struct kme_buf k = bufs(key), e = bufs(enc);
	int rc = rc_touch(c, &k, &e, t, 1000, s, err);

	buf_free(&k);
	buf_free(&e);
	return rc;
}

/* A TCP listener on loopback whose accept queue is full (a backlog of
 * one, taken by a connection that is never accepted): a connect to it
 * stays under way, its SYN dropped, until it gives up. The URL of it
 * into url; fds[0] the listener, fds[1] the queued connection. */
static void black_hole(int fds[2], char *url, size_t size)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fds[0] = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_eq(bind(fds[0], (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(fds[0], 0), 0);
	ck_assert_int_eq(getsockname(fds[0], (struct sockaddr *)&a, &len), 0);
	fds[1] = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_eq(connect(fds[1], (struct sockaddr *)&a, sizeof(a)), 0);
	snprintf(url, size, "redis://127.0.0.1:%d/0", ntohs(a.sin_port));
}

/* ---- without a server ------------------------------------------------------ */

/* A connect that signals interrupt again and again ends as it would
 * without them: by its timeout, not with EINTR, and not sooner. */
START_TEST(test_a_signal_neither_fails_nor_shortens_a_connect)
{
	struct kme_err err = { "" };
	struct rc_conn *c;
	struct rc_opts o;
	char url[64];
	int fds[2];
	int64_t t0, took;
	pid_t sig;
	int rc;

	black_hole(fds, url, sizeof(url));
	o = opts(url);
	o.connect_timeout = 300;
	c = rc_new(&o, &err);
	ck_assert_msg(c != NULL, "%s", err.msg);
	rt_catch_signals();
	sig = rt_signals(500, SIGUSR1);
	t0 = clk_mono_ms();
	rc = rc_connect(c, &err);
	took = clk_mono_ms() - t0;
	rt_reap(sig);
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strcmp(err.msg, "connect: no answer within 300 ms") == 0,
		      "%s", err.msg);
	ck_assert_int_ge(took, 300);
	ck_assert_int_gt(rt_signals_seen, 10);    /* they did come, meanwhile */
	ck_assert_uint_eq(rc_errors(c), 0);    /* rc_down is the caller's */
	rc_free(c);
	close(fds[1]);
	close(fds[0]);
}
END_TEST

/* Connecting in slices: no call waits beyond its slice; the connect's
 * own timeout still ends it. */
START_TEST(test_a_connect_in_slices_waits_no_longer_than_each_slice)
{
	struct rt_timing t = { .budget = 5000 };
	struct kme_err err = { "" };
	struct rc_conn *c;
	struct rc_opts o;
	char url[64];
	int fds[2];
	int rc;

	black_hole(fds, url, sizeof(url));
	o = opts(url);
	o.connect_timeout = 1000;
	c = rc_new(&o, &err);
	rt_catch_signals();
	do {
		struct rt_mark m = rt_mark();

		rc = rc_advance(c, clk_mono_us() + 5000, &err);
		rt_timed(&t, m);
		if (rc == 0)
			ck_assert(rc_connecting(c) && !rc_up(c) && !rc_due(c));
		if (t.calls % 10 == 0)
			kill(getpid(), SIGHUP);     /* now and then, a reload */
	} while (rc == 0);
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strstr(err.msg, "connect: no answer within 1000 ms"),
		      "%s", err.msg);
	ck_assert_uint_gt(t.calls, 1);
	rt_check_budget(&t, "rc_advance against a black hole");
	ck_assert(!rc_connecting(c));
	rc_free(c);
	close(fds[1]);
	close(fds[0]);
}
END_TEST

START_TEST(test_down_at_start_is_said_once_and_backs_off)
{
	struct rc_opts o = opts("unix:///nonexistent/kme-check.sock");
	struct kme_err err = { "" };
	struct rc_conn *c;

	ht_catch_log();
	c = rc_new(&o, &err);
	ck_assert_msg(c != NULL, "%s", err.msg);
	ck_assert_int_eq(rc_start(c, false, &err), 0);
	ck_assert(!rc_up(c));
	ck_assert(!rc_due(c));          /* RC_BACKOFF_MIN ms from now */
	ck_assert_int_eq(ht_log.n, 1);
	ck_assert_ptr_nonnull(strstr(ht_log.last, "deciding with local history"));
	ck_assert_ptr_nonnull(strstr(ht_log.last,
				     "unix:///nonexistent/kme-check.sock"));
	rc_down(c, "again");
	ck_assert_int_eq(ht_log.n, 1);  /* said once until it answers */
	ck_assert_uint_eq(rc_errors(c), 2);
	rc_free(c);
	log_to_stderr();
}
END_TEST

START_TEST(test_required_start_fails_when_redis_does_not_answer)
{
	struct rc_opts o = opts("unix:///nonexistent/kme-check.sock");
	struct kme_err err = { "" };
	struct rc_conn *c = rc_new(&o, &err);

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(rc_start(c, true, &err), -1);
	ck_assert_msg(strstr(err.msg, "new-terms store unix:///nonexistent/"
			     "kme-check.sock?db=0: connect") != NULL, "%s",
		      err.msg);
	ck_assert_uint_eq(rc_errors(c), 0);
	rc_free(c);
}
END_TEST

START_TEST(test_user_without_password_and_file_url_are_refused)
{
	struct rc_opts o = opts("redis://kme@127.0.0.1:6379/0");
	struct kme_err err = { "" };

	ck_assert_ptr_null(rc_new(&o, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "user 'kme' without a password"));
	o = opts("file");
	ck_assert_ptr_null(rc_new(&o, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "'file' is not a Redis URL"));
}
END_TEST

/* The password file is checked like the config file. */
START_TEST(test_password_file_must_be_private_and_not_a_link)
{
	struct rc_opts o = opts("unix:///nonexistent/kme-check.sock");
	struct kme_err err = { "" };
	char dir[64], pw[96], link[96];
	struct rc_conn *c;
	FILE *fp;

	snprintf(dir, sizeof(dir), "/tmp/check_redisconn.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(pw, sizeof(pw), "%s/pw", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	fp = fopen(pw, "w");
	fputs("secret\n", fp);
	fclose(fp);
	ck_assert_int_eq(symlink(pw, link), 0);

	chmod(pw, 0640);
	o.password_file = pw;
	ck_assert_ptr_null(rc_new(&o, &err));
	ck_assert_msg(strstr(err.msg, "group or others") != NULL, "%s", err.msg);
	chmod(pw, 0600);
	c = rc_new(&o, &err);
	ck_assert_msg(c != NULL, "%s", err.msg);
	rc_free(c);
	o.password_file = link;
	ck_assert_ptr_null(rc_new(&o, &err));
	ck_assert_msg(strstr(err.msg, "symbolic link") != NULL, "%s", err.msg);
	o.password_file = dir;
	ck_assert_ptr_null(rc_new(&o, &err));
	ck_assert_msg(strstr(err.msg, "not a regular file") != NULL, "%s",
		      err.msg);
	unlink(link);
	unlink(pw);
	rmdir(dir);
}
END_TEST

/* ---- against a server ------------------------------------------------------------ */

START_TEST(test_touch_creates_then_reports_the_term)
{
	struct rc_conn *c = rt_conn(rt.url, true);
	struct kme_err err = { "" };
	struct rc_sighting s;

	ck_assert_int_eq(touch_at(c, "k:1", "term", 5000, &s, &err), RC_OK);
	ck_assert_int_eq(s.found, RC_UNKNOWN);
	ck_assert(s.is_new);
	ck_assert_int_eq(touch_at(c, "k:1", "term", 5500, &s, &err), RC_OK);
	ck_assert_int_eq(s.found, RC_KNOWN);
	ck_assert(!s.is_new);
	ck_assert_int_eq(s.first, 5000);
	ck_assert_int_eq(s.last, 5000);
	ck_assert_uint_eq(s.count, 1);
	ck_assert_int_eq(touch_at(c, "k:1", "term", 6501, &s, &err), RC_OK);
	ck_assert(s.is_new);            /* 5500 < 6501 - 1000 */
	ck_assert_int_gt(rt_int("PTTL k:1"), 0);
	ck_assert_int_le(rt_int("PTTL k:1"), 1000);
	rc_free(c);
}
END_TEST

START_TEST(test_a_key_holding_another_term_is_reported_untouched)
{
	struct rc_conn *c = rt_conn(rt.url, true);
	struct kme_err err = { "" };
	struct rc_sighting s;

	rt_ok("HSET k:2 v other f 1 l 1 c 7");
	ck_assert_int_eq(touch_at(c, "k:2", "mine", 5000, &s, &err), RC_OK);
	ck_assert_int_eq(s.found, RC_TAKEN);
	ck_assert_int_eq(rt_int("HGET k:2 c") , 7);
	rc_free(c);
}
END_TEST

START_TEST(test_a_forgotten_script_is_sent_again)
{
	struct rc_conn *c = rt_conn(rt.url, true);
	struct kme_buf key = bufs("k:3");
	struct kme_err err = { "" };
	struct rc_sighting s;
	uint64_t n;

	rt_ok("SCRIPT FLUSH");
	ck_assert_int_eq(touch_at(c, "k:3", "term", 5000, &s, &err), RC_OK);
	ck_assert_int_eq(s.found, RC_UNKNOWN);
	rt_ok("SCRIPT FLUSH");
	/* Sent again, the count script meets the hash: INCR refuses it. */
	ck_assert_int_eq(rc_count(c, &key, 1000, &n, &err), RC_REFUSED);
	ck_assert_ptr_nonnull(strstr(err.msg, "WRONGTYPE"));
	ck_assert(rc_up(c));            /* refused, not lost */
	buf_free(&key);
	rc_free(c);
}
END_TEST

START_TEST(test_a_key_of_another_type_is_refused)
{
	struct rc_conn *c = rt_conn(rt.url, true);
	struct kme_err err = { "" };
	struct rc_sighting s;

	rt_ok("SET k:4 x");
	ck_assert_int_eq(touch_at(c, "k:4", "term", 5000, &s, &err),
			 RC_REFUSED);
	ck_assert_msg(strstr(err.msg, "WRONGTYPE") != NULL, "%s", err.msg);
	ck_assert(rc_up(c));
	rc_free(c);
}
END_TEST

START_TEST(test_a_connection_the_server_kills_is_lost)
{
	struct rc_conn *c = rt_conn(rt.url, true);
	struct kme_err err = { "" };
	struct rc_sighting s;

	ck_assert_int_ge(rt_int("CLIENT KILL TYPE normal SKIPME yes"), 1);
	ck_assert_int_eq(touch_at(c, "k:5", "term", 5000, &s, &err), RC_LOST);
	ht_catch_log();
	rc_down(c, err.msg);
	ck_assert(!rc_up(c));
	rt_until(rt_due, c, "the backoff's end");
	ck_assert_msg(rc_connect(c, &err) == 0, "%s", err.msg);
	rc_back(c, "answering again");
	ck_assert_int_eq(ht_log.n, 2);   /* lost, then back */
	ck_assert_ptr_nonnull(strstr(ht_log.last, "answering again"));
	ck_assert_ptr_nonnull(strstr(ht_log.last, rt.url));
	log_to_stderr();
	rc_free(c);
}
END_TEST

START_TEST(test_select_uses_the_urls_database)
{
	struct kme_err err = { "" };
	struct rc_sighting s;
	struct rc_conn *c;
	char url[200];

	snprintf(url, sizeof(url), "%s?db=3", rt.url);
	c = rt_conn(url, true);
	ck_assert_int_eq(touch_at(c, "k:6", "term", 5000, &s, &err), RC_OK);
	ck_assert_int_eq(rt_int("EXISTS k:6"), 0);   /* not in db 0 */
	rc_free(c);
}
END_TEST

START_TEST(test_auth_with_the_password_file)
{
	struct rc_opts o = opts(rt.url);
	struct kme_err err = { "" };
	char dir[64], pw[96];
	struct rc_conn *c;
	FILE *fp;

	snprintf(dir, sizeof(dir), "/tmp/check_redisconn.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(pw, sizeof(pw), "%s/pw", dir);
	fp = fopen(pw, "w");
	fputs("wrong\n", fp);
	fclose(fp);
	chmod(pw, 0600);
	o.password_file = pw;
	rt_ok("ACL SETUSER default on >kme-check-secret");
	c = rc_new(&o, &err);
	ck_assert_int_eq(rc_start(c, true, &err), -1);
	ck_assert_msg(strstr(err.msg, "AUTH refused") != NULL, "%s", err.msg);
	rc_free(c);
	fp = fopen(pw, "w");
	fputs("kme-check-secret\n", fp);
	fclose(fp);
	c = rc_new(&o, &err);
	ck_assert_msg(rc_start(c, true, &err) == 0, "%s", err.msg);
	rc_free(c);
	/* rt_cmd connects without a password: put it back with one. */
	{
		redisContext *a = redisConnectUnix(rt.sock);
		redisReply *r = redisCommand(a, "AUTH kme-check-secret");

		freeReplyObject(r);
		r = redisCommand(a, "ACL SETUSER default on nopass");
		ck_assert(r != NULL && r->type == REDIS_REPLY_STATUS);
		freeReplyObject(r);
		redisFree(a);
	}
	unlink(pw);
	rmdir(dir);
}
END_TEST

/* A connection, not yet connected (connect timeout 5 s), to the server,
 * which is stopped for ms milliseconds while sig arrives every 2 ms
 * (rt_pause: *pause, for rt_reap). */
static struct rc_conn *stopped_redis(int64_t ms, int sig, pid_t *pause)
{
	struct rc_opts o = opts(rt.url);
	struct kme_err err = { "" };
	struct rc_conn *c;

	o.connect_timeout = 5000;
	c = rc_new(&o, &err);
	ck_assert_msg(c != NULL, "%s", err.msg);
	rt_catch_signals();
	*pause = rt_pause(ms, sig);
	return c;
}

/* Redis stopped while the hello waits for it, signals flying: the
 * connect is done when it answers, and nothing is counted. */
START_TEST(test_signals_while_redis_is_slow_to_answer_are_no_failure)
{
	struct kme_err err = { "" };
	int64_t t0, took;
	pid_t pause;
	struct rc_conn *c = stopped_redis(300, SIGHUP, &pause);
	int rc;

	t0 = clk_mono_ms();
	rc = rc_connect(c, &err);
	took = clk_mono_ms() - t0;
	rt_reap(pause);
	ck_assert_msg(rc == 0, "%s", err.msg);
	ck_assert(rc_up(c));
	ck_assert_int_ge(took, 250);           /* it did wait for Redis */
	ck_assert_int_gt(rt_signals_seen, 10);
	ck_assert_uint_eq(rc_errors(c), 0);
	rc_free(c);
}
END_TEST

/* The same in slices of 5 ms: none waits longer, and it connects once
 * Redis answers. */
START_TEST(test_a_sliced_connect_to_a_stopped_redis_ends_when_it_answers)
{
	struct rt_timing t = { .budget = 5000 };
	struct kme_err err = { "" };
	pid_t pause;
	struct rc_conn *c = stopped_redis(200, SIGUSR1, &pause);
	int rc;

	do {
		struct rt_mark m = rt_mark();

		rc = rc_advance(c, clk_mono_us() + 5000, &err);
		rt_timed(&t, m);
	} while (rc == 0);
	rt_reap(pause);
	ck_assert_msg(rc == 1, "%s", err.msg);
	ck_assert(rc_up(c) && rc_idle(c));
	ck_assert_uint_gt(t.calls, 10);
	ck_assert_uint_eq(rc_errors(c), 0);
	rt_check_budget(&t, "rc_advance against a stopped Redis");
	rc_free(c);
}
END_TEST

#endif /* HAVE_HIREDIS */

START_TEST(test_availability_matches_the_build)
{
	struct rc_opts o = { .url = "unix:///nonexistent/kme-check.sock" };
	struct kme_err err = { "" };
	struct rc_conn *c = rc_new(&o, &err);

#ifdef HAVE_HIREDIS
	ck_assert(rc_available());
	ck_assert_ptr_nonnull(c);
#else
	ck_assert(!rc_available());
	ck_assert_ptr_null(c);
	ck_assert_ptr_nonnull(strstr(err.msg, "no Redis support"));
#endif
	rc_free(c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("redisconn");
	TCase *tc = tcase_create("build");

	tcase_add_test(tc, test_availability_matches_the_build);
	suite_add_tcase(s, tc);
#ifdef HAVE_HIREDIS
	tc = tcase_create("no server");
	tcase_add_test(tc, test_down_at_start_is_said_once_and_backs_off);
	tcase_add_test(tc, test_required_start_fails_when_redis_does_not_answer);
	tcase_add_test(tc, test_user_without_password_and_file_url_are_refused);
	tcase_add_test(tc, test_password_file_must_be_private_and_not_a_link);
	tcase_add_test(tc, test_a_signal_neither_fails_nor_shortens_a_connect);
	tcase_add_test(tc, test_a_connect_in_slices_waits_no_longer_than_each_slice);
	suite_add_tcase(s, tc);
	tc = rt_tcase("server");
	tcase_add_test(tc, test_touch_creates_then_reports_the_term);
	tcase_add_test(tc, test_a_key_holding_another_term_is_reported_untouched);
	tcase_add_test(tc, test_a_forgotten_script_is_sent_again);
	tcase_add_test(tc, test_a_key_of_another_type_is_refused);
	tcase_add_test(tc, test_a_connection_the_server_kills_is_lost);
	tcase_add_test(tc, test_select_uses_the_urls_database);
	tcase_add_test(tc, test_auth_with_the_password_file);
	tcase_add_test(tc, test_signals_while_redis_is_slow_to_answer_are_no_failure);
	tcase_add_test(tc, test_a_sliced_connect_to_a_stopped_redis_ends_when_it_answers);
	suite_add_tcase(s, tc);
#endif
	return ck_run(s);
}
