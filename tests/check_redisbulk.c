/* check_redisbulk.c - many commands at once on a Redis connection,
 * against a real redis-server started here (tests/redistest.h): a batch
 * of merges (pipelined, a collision counted, a refusal failing the batch
 * once every reply is read), the pipe that never waits (replies in order,
 * a connection busy while any is owed, a refusal stopping the pump there,
 * a lost connection, a stopped server costing no wait), and the listing. */
#include <config.h>

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkrun.h"
#include "clock.h"
#include "redisbulk.h"
#include "redisconn.h"

#ifdef HAVE_HIREDIS
#include "redistest.h"

static struct kme_buf bufs(const char *s)
{
	struct kme_buf b;

	buf_init(&b, 0);
	ck_assert_int_eq(buf_puts(&b, s), 0);
	return b;
}

/* Merge i of a test: key PREFIX<i>, term "term<i>", first 10, last 20,
 * count 3. */
static void merge_args(const char *prefix, int i, struct kme_buf *key,
		       struct kme_buf *enc)
{
	buf_reset(key);
	buf_reset(enc);
	buf_printf(key, "%s%d", prefix, i);
	buf_printf(enc, "term%d", i);
}

/* n merges in one batch; the batch's result. */
static int merge_n(struct rc_conn *c, const char *prefix, int n,
		   size_t *sent, struct kme_err *err)
{
	struct kme_buf key, enc;
	struct rb_batch b;
	int i;

	buf_init(&key, 0);
	buf_init(&enc, 0);
	rb_batch_init(&b, c, err);
	for (i = 0; i < n; i++) {
		merge_args(prefix, i, &key, &enc);
		rb_merge(&b, &key, &enc, 10, 20, 3, 60000);
	}
	buf_free(&key);
	buf_free(&enc);
	*sent = b.sent;
	return rb_batch_end(&b);
}

/* n merges into the pipe (no I/O beyond what rb_send writes out). */
static void send_n(struct rc_conn *c, const char *prefix, int n)
{
	struct kme_err err = { "" };
	struct kme_buf key, enc;
	int i;

	buf_init(&key, 0);
	buf_init(&enc, 0);
	for (i = 0; i < n; i++) {
		merge_args(prefix, i, &key, &enc);
		ck_assert_msg(rb_send(c, &key, &enc, 10, 20, 3, 60000, &err) == 0,
			      "%s", err.msg);
	}
	buf_free(&key);
	buf_free(&enc);
}

/* A sighting of the term enc at key (touch script, t 30, window 1 s):
 * what rc_touch says; *found what it found. */
static int touch_key(struct rc_conn *c, const char *key, const char *enc,
		     enum rc_found *found, struct kme_err *err)
{
	struct kme_buf k = bufs(key), e = bufs(enc);
	struct rc_sighting s = { .found = RC_UNKNOWN };
	int rc = rc_touch(c, &k, &e, 30, 1000, &s, err);

	*found = s.found;
	buf_free(&k);
	buf_free(&e);
	return rc;
}

/* ---- a batch ---------------------------------------------------------------- */

START_TEST(test_merges_are_pipelined_and_collisions_counted)
{
	struct rc_conn *c = rt_conn(rt.url, true);
	struct kme_err err = { "" };
	size_t sent;

	rt_ok("HSET m:2 v other f 1 l 1 c 1");
	ck_assert_msg(merge_n(c, "m:", 2 * RB_BATCH + 5, &sent, &err) == 0,
		      "%s", err.msg);
	ck_assert_uint_eq(sent, 2 * RB_BATCH + 5);
	ck_assert_int_eq(rt_int("DBSIZE"), 2 * RB_BATCH + 5);
	ck_assert_int_eq(rt_int("HGET m:7 c"), 3);
	ck_assert_int_eq(rt_int("HGET m:2 c"), 1);   /* another term's */
	ck_assert_uint_eq(rc_errors(c), 1);
	ck_assert(rc_idle(c));
	rc_free(c);
}
END_TEST

START_TEST(test_a_refused_merge_fails_the_batch_after_every_reply)
{
	struct rc_conn *c = rt_conn(rt.url, true);
	struct kme_err err = { "" };
	enum rc_found found;
	size_t sent;

	rt_ok("SET m:0 x");
	ck_assert_int_eq(merge_n(c, "m:", 2, &sent, &err), -1);
	ck_assert_msg(strstr(err.msg, "push: WRONGTYPE") != NULL, "%s", err.msg);
	ck_assert_int_eq(rt_int("EXISTS m:1"), 1);
	/* Every reply was read: the connection goes on. */
	ck_assert(rc_idle(c));
	ck_assert_int_eq(touch_key(c, "m:1", "term1", &found, &err), RC_OK);
	ck_assert_int_eq(found, RC_KNOWN);
	rc_free(c);
}
END_TEST

/* ---- the pipe ----------------------------------------------------------------- */

struct pumped {
	struct rc_conn *c;
	size_t acked;
};

/* Has a pump that never waits read every reply? */
static bool all_answered(void *arg)
{
	struct pumped *p = arg;
	struct kme_err err = { "" };
	size_t n;

	ck_assert_msg(rb_pump(p->c, 0, false, &n, &err) == RC_OK, "%s",
		      err.msg);
	p->acked += n;
	return rb_inflight(p->c) == 0;
}

START_TEST(test_the_pipe_never_waits_and_is_answered_in_order)
{
	struct rc_conn *c = rt_conn(rt.url, true);
	struct pumped p = { .c = c };
	struct kme_err err = { "" };
	enum rc_found found;

	send_n(c, "p:", 3000);
	ck_assert_uint_eq(rb_inflight(c), 3000);
	ck_assert(rc_up(c) && !rc_idle(c));
	/* Busy: a single command would read a merge's reply as its own. */
	ck_assert_int_eq(touch_key(c, "p:1", "term1", &found, &err),
			 RC_REFUSED);
	ck_assert_ptr_nonnull(strstr(err.msg, "busy"));
	rt_until(all_answered, &p, "every reply read");
	ck_assert_uint_eq(p.acked, 3000);
	ck_assert_int_eq(rt_int("DBSIZE"), 3000);
	ck_assert_int_eq(rt_int("HGET p:2999 c"), 3);
	ck_assert(rc_idle(c));
	ck_assert_int_eq(touch_key(c, "p:1", "term1", &found, &err), RC_OK);
	ck_assert_int_eq(found, RC_KNOWN);
	rc_free(c);
}
END_TEST

START_TEST(test_a_refusal_stops_the_pump_at_that_reply)
{
	struct rc_conn *c = rt_conn(rt.url, true);
	struct kme_err err = { "" };
	size_t acked, total;
	int rc;

	rt_ok("SET r:1 x");
	send_n(c, "r:", 3);
	/* Waiting (a deadline of seconds) for replies to come. */
	rc = rb_pump(c, clk_mono_us() + 5000000, true, &acked, &err);
	ck_assert_int_eq(rc, RC_REFUSED);
	ck_assert_uint_eq(acked, 1);             /* r:0; then r:1 refused */
	ck_assert_ptr_nonnull(strstr(err.msg, "push: WRONGTYPE"));
	ck_assert_uint_eq(rb_inflight(c), 1);    /* r:2 still owed */
	total = 0;
	while (rb_inflight(c) > 0) {
		ck_assert_int_eq(rb_pump(c, clk_mono_us() + 5000000, true,
					 &acked, &err), RC_OK);
		total += acked;
	}
	ck_assert_uint_eq(total, 1);
	ck_assert_int_eq(rt_int("EXISTS r:2"), 1);
	rc_free(c);
}
END_TEST

START_TEST(test_a_pump_on_a_killed_connection_is_lost)
{
	struct rc_conn *c = rt_conn(rt.url, true);
	struct kme_err err = { "" };
	size_t acked;

	ck_assert_int_ge(rt_int("CLIENT KILL TYPE normal SKIPME yes"), 1);
	send_n(c, "k:", 10);
	ck_assert_int_eq(rb_pump(c, clk_mono_us() + 5000000, true, &acked,
				 &err), RC_LOST);
	ck_assert_uint_eq(acked, 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "push: "));
	rc_free(c);
}
END_TEST

/* A stopped server: a pump that may not wait returns at once, one that
 * may waits no longer than told. */
START_TEST(test_a_stopped_server_costs_a_pump_no_wait_beyond_its_deadline)
{
	struct rc_conn *c = rt_conn(rt.url, true);
	struct kme_err err = { "" };
	int64_t t0, took, waited;
	size_t acked, acked2;
	int rc, rc2;

	ck_assert_int_eq(kill(rt.pid, SIGSTOP), 0);
	send_n(c, "s:", 100);
	t0 = clk_mono_us();
	rc = rb_pump(c, 0, false, &acked, &err);
	took = clk_mono_us() - t0;
	t0 = clk_mono_us();
	rc2 = rb_pump(c, t0 + 200000, true, &acked2, &err);
	waited = clk_mono_us() - t0;
	ck_assert_int_eq(kill(rt.pid, SIGCONT), 0);
	ck_assert_int_eq(rc, RC_OK);
	ck_assert_int_eq(rc2, RC_OK);
	ck_assert_uint_eq(acked + acked2, 0);
	/* Without waiting: a write and a read, far below the 200 ms the
	 * other pump waits (100 ms: room for the scheduler of a loaded
	 * machine, none for a wait). */
	ck_assert_msg(took < 100000, "a pump that may not wait took %lld us",
		      (long long)took);
	ck_assert_int_ge(waited, 200000);
	ck_assert_uint_eq(rb_inflight(c), 100);
	rc_free(c);
}
END_TEST

/* ---- the listing -------------------------------------------------------------- */

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
	ck_assert_msg(rb_scan_terms(c, &pat, count_term, &st, &err) == 0, "%s",
		      err.msg);
	ck_assert_uint_eq(st.n, 2500);
	ck_assert_uint_eq(st.bad, 0);
	buf_free(&pat);
	rc_free(c);
}
END_TEST

#endif /* HAVE_HIREDIS */

int main(void)
{
	Suite *s = suite_create("redisbulk");
	TCase *tc;

#ifdef HAVE_HIREDIS
	tc = rt_tcase("batch");
	tcase_add_test(tc, test_merges_are_pipelined_and_collisions_counted);
	tcase_add_test(tc, test_a_refused_merge_fails_the_batch_after_every_reply);
	suite_add_tcase(s, tc);
	tc = rt_tcase("pipe");
	tcase_add_test(tc, test_the_pipe_never_waits_and_is_answered_in_order);
	tcase_add_test(tc, test_a_refusal_stops_the_pump_at_that_reply);
	tcase_add_test(tc, test_a_pump_on_a_killed_connection_is_lost);
	tcase_add_test(tc, test_a_stopped_server_costs_a_pump_no_wait_beyond_its_deadline);
	suite_add_tcase(s, tc);
	tc = rt_tcase("listing");
	tcase_add_test(tc, test_the_listing_gives_every_term_hash_of_the_pattern);
	suite_add_tcase(s, tc);
#else
	tc = tcase_create("none");   /* bulk commands need a Redis build */
	suite_add_tcase(s, tc);
#endif
	return ck_run(s);
}
