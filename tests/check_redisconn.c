/* check_redisconn.c - the connection to the fleet's Redis: the password
 * file, a server that does not answer (said once, backoff), and against a
 * real redis-server started here (tests/redistest.h): AUTH, SELECT, the
 * scripts (one forgotten by the server is sent again), replies of the
 * wrong kind, a connection killed by the server, pipelined merges and the
 * listing. */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checkrun.h"
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

/* n merges of PREFIX<i> = "term<i>" (first 10, last 20, count 3) in one
 * batch; the batch's result. */
static int merge_n(struct rc_conn *c, const char *prefix, int n,
		   size_t *sent, struct kme_err *err)
{
	struct kme_buf key, enc;
	struct rc_batch b;
	int i;

	buf_init(&key, 0);
	buf_init(&enc, 0);
	rc_batch_init(&b, c, err);
	for (i = 0; i < n; i++) {
		buf_reset(&key);
		buf_reset(&enc);
		buf_printf(&key, "%s%d", prefix, i);
		buf_printf(&enc, "term%d", i);
		rc_merge(&b, &key, &enc, 10, 20, 3, 60000);
	}
	buf_free(&key);
	buf_free(&enc);
	*sent = b.sent;
	return rc_batch_end(&b);
}

/* ---- without a server ------------------------------------------------------ */

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

START_TEST(test_merges_are_pipelined_and_collisions_counted)
{
	struct rc_conn *c = rt_conn(rt.url, true);
	struct kme_err err = { "" };
	size_t sent;

	rt_ok("HSET m:2 v other f 1 l 1 c 1");
	ck_assert_msg(merge_n(c, "m:", 2 * RC_BATCH + 5, &sent, &err) == 0,
		      "%s", err.msg);
	ck_assert_uint_eq(sent, 2 * RC_BATCH + 5);
	ck_assert_int_eq(rt_int("DBSIZE"), 2 * RC_BATCH + 5);
	ck_assert_int_eq(rt_int("HGET m:7 c"), 3);
	ck_assert_int_eq(rt_int("HGET m:2 c"), 1);   /* another term's */
	ck_assert_uint_eq(rc_errors(c), 1);
	rc_free(c);
}
END_TEST

START_TEST(test_a_refused_merge_fails_the_batch_after_every_reply)
{
	struct rc_conn *c = rt_conn(rt.url, true);
	struct kme_err err = { "" };
	struct rc_sighting s;
	size_t sent;

	rt_ok("SET m:0 x");
	ck_assert_int_eq(merge_n(c, "m:", 2, &sent, &err), -1);
	ck_assert_msg(strstr(err.msg, "push: WRONGTYPE") != NULL, "%s", err.msg);
	ck_assert_int_eq(rt_int("EXISTS m:1"), 1);
	/* Every reply was read: the connection goes on. */
	ck_assert_int_eq(touch_at(c, "m:1", "term1", 30, &s, &err), RC_OK);
	ck_assert_int_eq(s.found, RC_KNOWN);
	rc_free(c);
}
END_TEST

struct seen_terms {
	unsigned n, bad;
};

static void count_term(void *arg, const char *enc, size_t len, int64_t first,
		       int64_t last, int64_t count)
{
	struct seen_terms *st = arg;

	if (len > 4 && memcmp(enc, "term", 4) == 0 && first == 10 &&
	    last == 20 && count == 3)
		st->n++;
	else
		st->bad++;
}

START_TEST(test_the_listing_gives_every_term_hash_of_the_pattern)
{
	struct rc_conn *c = rt_conn(rt.url, true);
	struct kme_err err = { "" };
	struct kme_buf pat = bufs("l:*");
	struct seen_terms st = { 0, 0 };
	size_t sent;

	ck_assert_int_eq(merge_n(c, "l:", 2500, &sent, &err), 0);
	rt_ok("HSET l:partial v x f 1");           /* not a term: skipped */
	rt_ok("SET l:string x");                   /* nor this */
	rt_ok("HSET other:1 v termx f 10 l 20 c 3"); /* outside the pattern */
	ck_assert_msg(rc_scan_terms(c, &pat, count_term, &st, &err) == 0, "%s",
		      err.msg);
	ck_assert_uint_eq(st.n, 2500);
	ck_assert_uint_eq(st.bad, 0);
	buf_free(&pat);
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
	suite_add_tcase(s, tc);
	tc = rt_tcase("server");
	tcase_add_test(tc, test_touch_creates_then_reports_the_term);
	tcase_add_test(tc, test_a_key_holding_another_term_is_reported_untouched);
	tcase_add_test(tc, test_a_forgotten_script_is_sent_again);
	tcase_add_test(tc, test_a_key_of_another_type_is_refused);
	tcase_add_test(tc, test_a_connection_the_server_kills_is_lost);
	tcase_add_test(tc, test_select_uses_the_urls_database);
	tcase_add_test(tc, test_auth_with_the_password_file);
	tcase_add_test(tc, test_merges_are_pipelined_and_collisions_counted);
	tcase_add_test(tc, test_a_refused_merge_fails_the_batch_after_every_reply);
	tcase_add_test(tc, test_the_listing_gives_every_term_hash_of_the_pattern);
	suite_add_tcase(s, tc);
#endif
	return ck_run(s);
}
