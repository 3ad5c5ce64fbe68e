/* check_redisrate.c - the fleet's alert counter in Redis, against a real
 * redis-server started here (tests/redistest.h): two hosts count into one
 * interval, an interval is a key of its own that expires, and a counter
 * that cannot answer (down, or refused) leaves the decision to the local
 * one without ever reconnecting. */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "checkrun.h"
#include "histtest.h"
#include "log.h"
#include "redisrate.h"

#ifdef HAVE_HIREDIS
#include "redistest.h"

#define KEY "kme:2d8043ed-5bda-4caf-801c-c1feb7410504:211:rate:"

struct host {
	struct rc_conn *conn;
	struct rr_counter *rr;
	const struct lim_shared *sh;
};

static struct host host_at(const struct kme_config *cfg, const char *url)
{
	struct kme_err err = { "" };
	struct host h;

	h.conn = rt_conn(url, false);
	h.rr = rr_new(cfg, h.conn, &err);
	ck_assert_ptr_nonnull(h.rr);
	h.sh = rr_shared(h.rr);
	return h;
}

static void host_free(struct host *h)
{
	rr_free(h->rr);
	rc_free(h->conn);
}

static int count(struct host *h, int64_t start, int64_t interval,
		 uint64_t *n)
{
	return h->sh->count(h->sh->arg, start, interval, n);
}

START_TEST(test_two_hosts_count_into_one_interval)
{
	struct kme_config *cfg = shipped_config();
	struct host a = host_at(cfg, rt.url), b = host_at(cfg, rt.url);
	uint64_t n;

	ck_assert_int_eq(count(&a, 1700000100000, 300000, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(count(&b, 1700000100000, 300000, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(count(&a, 1700000100000, 300000, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(rt_int("GET " KEY "300000:1700000100000"), 3);
	ck_assert_int_gt(rt_int("PTTL " KEY "300000:1700000100000"), 0);
	ck_assert_int_le(rt_int("PTTL " KEY "300000:1700000100000"), 600000);
	/* The next interval is another key. */
	ck_assert_int_eq(count(&b, 1700000400000, 300000, &n), 0);
	ck_assert_uint_eq(n, 1);
	host_free(&a);
	host_free(&b);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_a_refused_count_leaves_it_local_and_is_counted)
{
	struct kme_config *cfg = shipped_config();
	struct host a = host_at(cfg, rt.url);
	uint64_t n;

	rt_ok("HSET " KEY "300000:0 x 1");      /* INCR refuses a hash */
	ck_assert_int_eq(count(&a, 0, 300000, &n), -1);
	ck_assert(rc_up(a.conn));               /* refused, not lost */
	ck_assert_uint_eq(rc_errors(a.conn), 1);
	host_free(&a);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_down_it_answers_nothing_and_never_reconnects)
{
	struct kme_config *cfg = shipped_config();
	struct host a = host_at(cfg, rt.url);
	uint64_t n;

	ht_catch_log();
	ck_assert_int_ge(rt_int("CLIENT KILL TYPE normal SKIPME yes"), 1);
	ck_assert_int_eq(count(&a, 0, 300000, &n), -1);   /* lost */
	ck_assert(!rc_up(a.conn));
	ck_assert_uint_eq(rc_errors(a.conn), 1);
	/* However long it waits, the counter leaves reconnecting to the
	 * store (which pushes its local decisions first). */
	rt_until(rt_due, a.conn, "the backoff's end");
	ck_assert_int_eq(count(&a, 0, 300000, &n), -1);
	ck_assert(!rc_up(a.conn));
	ck_assert_uint_eq(rc_errors(a.conn), 1);
	log_to_stderr();
	host_free(&a);
	cfg_free(cfg);
}
END_TEST

#endif /* HAVE_HIREDIS */

int main(void)
{
	Suite *s = suite_create("redisrate");
	TCase *tc;

#ifdef HAVE_HIREDIS
	tc = rt_tcase("server");
	tcase_add_test(tc, test_two_hosts_count_into_one_interval);
	tcase_add_test(tc, test_a_refused_count_leaves_it_local_and_is_counted);
	tcase_add_test(tc, test_down_it_answers_nothing_and_never_reconnects);
	suite_add_tcase(s, tc);
#else
	tc = tcase_create("none");   /* the counter needs a Redis build */
	suite_add_tcase(s, tc);
#endif
	return ck_run(s);
}
