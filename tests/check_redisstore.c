/* check_redisstore.c - the new-terms store shared in Redis: deciding
 * through a real redis-server started here (tests/redistest.h) as two
 * hosts, the interface's error contract, a key held by another term, an
 * error reply and a lost connection (decided locally, pushed when Redis
 * takes it again), --learn's write-behind; the plugin's sliced store
 * (reconnect and push by ticks, each within its budget: 100,000 pending
 * terms, a stopped Redis, sightings during a push, a push that fails);
 * and without a server, the local fallback (decisions, the bounded queue,
 * counters, one message).
 * The plugin's behaviour against a server is tests/redis.sh's. */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>

#include "cfg.h"
#include "checkrun.h"
#include "log.h"
#include "redisbulk.h"
#include "rediskey.h"
#include "redisstore.h"
#include "termtab.h"
#include "histtest.h"

#define T0 ((int64_t)1700000000000)

#ifdef HAVE_HIREDIS
#include "redistest.h"

/* One host: a connection to url and a store over it. */
struct host {
	struct rc_conn *conn;
	struct nt_store *store;
};

static struct host host_at(const struct kme_config *cfg, const char *url,
			   enum rs_mode mode)
{
	struct kme_err err = { "" };
	struct host h;

	h.conn = rt_conn(url, false);
	h.store = rs_open(cfg, h.conn, mode, &err);
	ck_assert_msg(h.store != NULL, "%s", err.msg);
	return h;
}

static void host_free(struct host *h)
{
	nt_destroy(h->store);
	rc_free(h->conn);
}

static struct nt_seen touch(struct host *h, struct nt_term t, int64_t when)
{
	struct kme_err err = { "" };
	struct nt_seen seen;

	ck_assert_msg(nt_check_touch(h->store, &t, when, &seen, &err) == 0,
		      "%s", err.msg);
	return seen;
}

static struct nt_stats stats(const struct host *h)
{
	struct nt_stats st;

	nt_stats(h->store, &st);
	return st;
}

/* The Redis key of t under cfg, as a C string. */
static char *key_of(const struct kme_config *cfg, struct nt_term t)
{
	struct kme_buf key, enc;
	char *s;

	buf_init(&key, 2 * TT_KEY_MAX);
	buf_init(&enc, TT_KEY_MAX);
	ck_assert_int_eq(rk_key_of(cfg, rk_prefix(cfg), &t, &key, &enc), 0);
	s = strndup(key.p, key.len);
	buf_free(&key);
	buf_free(&enc);
	return s;
}

/* Has a save (the periodic hook: reconnect and push when due) pushed
 * the one term decided locally? */
static bool pushed_one(void *arg)
{
	struct host *h = arg;
	struct kme_err err = { "" };

	ck_assert_int_eq(nt_save(h->store, &err), 0);
	return stats(h).pushed >= 1;
}

/* ---- through a server ------------------------------------------------------ */

START_TEST(test_two_hosts_share_one_history)
{
	struct kme_config *cfg = shipped_config();
	struct host a = host_at(cfg, rt.url, RS_BLOCKING), b = host_at(cfg, rt.url, RS_BLOCKING);
	struct nt_term t = term2("/usr/sbin/lsmod", "/usr/bin/bash");
	struct nt_seen seen;

	seen = touch(&a, t, T0);
	ck_assert(seen.is_new && !seen.known && !seen.local);
	seen = touch(&b, t, T0 + 1000);
	ck_assert(!seen.is_new);
	ck_assert(seen.known);
	ck_assert_int_eq(seen.first_seen, T0);
	ck_assert_int_eq(seen.last_seen, T0);
	ck_assert_uint_eq(seen.count, 1);
	/* Out of order: min first, max last. */
	touch(&a, t, T0 - 5);
	seen = touch(&b, t, T0 + 1000 + cfg->history_window);
	ck_assert(!seen.is_new);        /* last seen T0 + 1000: in the window */
	ck_assert_int_eq(seen.first_seen, T0 - 5);
	seen = touch(&a, t, T0 + 2001 + 2 * cfg->history_window);
	ck_assert(seen.is_new);
	ck_assert_uint_eq(seen.count, 4);
	ck_assert_uint_eq(stats(&a).fallbacks + stats(&b).fallbacks, 0);
	ck_assert(stats(&a).shared);
	host_free(&a);
	host_free(&b);
	cfg_free(cfg);
}
END_TEST

/* newterms.h's contract: -1 only for a term no store can hold. */
START_TEST(test_redis_store_fails_only_a_term_of_wrong_shape_or_size)
{
	struct kme_config *cfg = shipped_config();
	struct host a = host_at(cfg, rt.url, RS_BLOCKING);
	struct nt_term t = term2("a", "b");
	struct kme_err err = { "" };
	struct nt_seen seen;
	char *big = malloc(TT_KEY_MAX + 1);

	ck_assert_ptr_nonnull(big);
	t.n = 1;
	ck_assert_int_eq(nt_check_touch(a.store, &t, T0, &seen, &err), -1);
	ck_assert(seen.is_new);
	memset(big, 'x', TT_KEY_MAX);
	big[TT_KEY_MAX] = '\0';
	t = term2(big, NULL);
	ck_assert_int_eq(nt_check_touch(a.store, &t, T0, &seen, &err), -1);
	ck_assert(seen.is_new);
	ck_assert_int_eq(rt_int("DBSIZE"), 0);
	ck_assert_uint_eq(stats(&a).errors, 0);
	free(big);
	host_free(&a);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_a_key_held_by_another_term_alerts_and_is_counted)
{
	struct kme_config *cfg = shipped_config();
	struct host a = host_at(cfg, rt.url, RS_BLOCKING);
	struct nt_term t = term2("/usr/sbin/lsmod", "/usr/bin/bash");
	char *k = key_of(cfg, t);
	struct nt_seen seen;
	int i;

	rt_ok("HSET %s v forged f %lld l %lld c 1", k, (long long)T0,
	      (long long)T0);
	ht_catch_log();
	for (i = 0; i < 3; i++) {
		seen = touch(&a, t, T0 + 1 + i);   /* 0: a value, not -1 */
		ck_assert(seen.is_new);            /* never suppressed */
		ck_assert(!seen.known && !seen.local);
	}
	ck_assert_uint_eq(stats(&a).errors, 3);
	ck_assert_uint_eq(stats(&a).fallbacks, 0);
	ck_assert_int_eq(ht_log.n, 1);
	ck_assert_ptr_nonnull(strstr(ht_log.last, "hash collision"));
	ck_assert_int_eq(rt_int("HGET %s c", k), 1);  /* left alone */
	log_to_stderr();
	free(k);
	host_free(&a);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_an_error_reply_is_decided_locally_and_pushed_later)
{
	struct kme_config *cfg = shipped_config();
	struct host a = host_at(cfg, rt.url, RS_BLOCKING);
	struct nt_term t = term2("/usr/sbin/lsmod", "/usr/bin/bash");
	char *k = key_of(cfg, t);
	struct nt_seen seen;

	rt_ok("SET %s x", k);
	ht_catch_log();
	seen = touch(&a, t, T0);             /* 0: a value, not -1 */
	ck_assert(seen.is_new);
	ck_assert(seen.local);
	ck_assert_uint_eq(stats(&a).fallbacks, 1);
	ck_assert_uint_ge(stats(&a).errors, 1);
	ck_assert_int_eq(ht_log.n, 1);
	ck_assert_ptr_nonnull(strstr(ht_log.last, "WRONGTYPE"));
	ck_assert_ptr_nonnull(strstr(ht_log.last, "deciding with local history"));
	/* Redis takes it again: the local decision reaches it. */
	rt_ok("DEL %s", k);
	rt_until(pushed_one, &a, "the push");
	ck_assert_int_eq(rt_int("HGET %s c", k), 1);
	ck_assert_ptr_nonnull(strstr(ht_log.last, "answering again; pushed 1"));
	seen = touch(&a, t, T0 + 1);
	ck_assert(!seen.is_new && !seen.local);
	log_to_stderr();
	free(k);
	host_free(&a);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_a_lost_connection_falls_back_and_pushes_when_back)
{
	struct kme_config *cfg = shipped_config();
	struct host a = host_at(cfg, rt.url, RS_BLOCKING), b;
	struct nt_term t = term2("/usr/sbin/lsmod", "/usr/bin/bash");
	struct nt_seen seen;

	ht_catch_log();
	touch(&a, term2("/usr/bin/kmod", NULL), T0);
	ck_assert_int_ge(rt_int("CLIENT KILL TYPE normal SKIPME yes"), 1);
	seen = touch(&a, t, T0 + 1);
	ck_assert(seen.is_new && seen.local);
	rt_until(pushed_one, &a, "the push");
	b = host_at(cfg, rt.url, RS_BLOCKING);
	seen = touch(&b, t, T0 + 2);
	ck_assert(!seen.is_new);
	ck_assert_int_eq(seen.last_seen, T0 + 1);
	ck_assert_uint_eq(stats(&a).terms, 0);   /* the local table emptied */
	log_to_stderr();
	host_free(&a);
	host_free(&b);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_learn_decides_locally_and_save_pushes_everything)
{
	struct kme_config *cfg = shipped_config();
	struct host a = host_at(cfg, rt.url, RS_WRITE_BEHIND);
	struct kme_err err = { "" };
	struct nt_seen seen;
	char exe[32];
	int i;

	for (i = 0; i < RB_BATCH + 10; i++) {
		snprintf(exe, sizeof(exe), "/opt/t%d/lsmod", i);
		seen = touch(&a, term2(exe, "/bin/sh"), T0 + i);
		ck_assert(seen.is_new && !seen.local);
	}
	/* A full batch went out on the way; save sends the rest. */
	ck_assert_int_eq(rt_int("DBSIZE"), RB_BATCH);
	ck_assert_int_eq(nt_save(a.store, &err), 0);
	ck_assert_int_eq(rt_int("DBSIZE"), RB_BATCH + 10);
	ck_assert_uint_eq(stats(&a).pushed, RB_BATCH + 10);
	ck_assert_uint_eq(stats(&a).fallbacks, 0);
	host_free(&a);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_destroy_pushes_what_is_pending)
{
	struct kme_config *cfg = shipped_config();
	struct host a = host_at(cfg, rt.url, RS_WRITE_BEHIND);

	touch(&a, term2("/usr/sbin/lsmod", NULL), T0);
	ck_assert_int_eq(rt_int("DBSIZE"), 0);
	host_free(&a);
	ck_assert_int_eq(rt_int("DBSIZE"), 1);
	cfg_free(cfg);
}
END_TEST

/* ---- sliced: the plugin's store, worked between reads --------------------------- */

struct ticking {
	struct host *h;
	struct rt_timing t;
	uint64_t pushed;          /* the fact awaited: stats.pushed >= this */
};

/* Tick once (timed), then give Redis a millisecond: is work under way? */
static bool tick(struct ticking *k)
{
	struct rt_mark m = rt_mark();
	bool busy = nt_tick(k->h->store, NT_TICK_BUDGET, NULL) > 0;

	rt_timed(&k->t, m);
	usleep(1000);
	return busy;
}

/* Tick once; is the store idle (pushed, its spent table freed)? */
static bool ticked_idle(void *arg)
{
	return !tick(arg);
}

/* Tick once; has the push come this far? */
static bool ticked_to(void *arg)
{
	struct ticking *k = arg;

	tick(k);
	return stats(k->h).pushed >= k->pushed;
}

/* Tick once; does Redis decide again (said: "answering again")? */
static bool ticked_back(void *arg)
{
	tick(arg);
	return strstr(ht_log.last, "answering again") != NULL;
}

/* Lose the connection: the next sighting finds it gone (decided
 * locally, counted, said). */
static void lose(struct host *h, const char *exe)
{
	struct nt_seen seen;

	ck_assert_int_ge(rt_int("CLIENT KILL TYPE normal SKIPME yes"), 1);
	seen = touch(h, term2(exe, NULL), T0);
	ck_assert(seen.is_new && seen.local);
}

/* The connection lost, n terms decided locally (/opt/tI/lsmod at T0 + I,
 * no parent), and the backoff over: a tick now reconnects. */
static void decide_locally(struct host *h, int n)
{
	char exe[32];
	int i;

	lose(h, "/opt/t0/lsmod");
	for (i = 1; i < n; i++) {
		snprintf(exe, sizeof(exe), "/opt/t%d/lsmod", i);
		touch(h, term2(exe, NULL), T0 + i);
	}
	ck_assert_uint_eq(stats(h).terms, (size_t)n);
	rt_until(rt_due, h->conn, "the backoff's end");
}

START_TEST(test_a_sliced_store_decides_locally_until_a_tick_has_pushed)
{
	struct kme_config *cfg = shipped_config();
	struct host a = host_at(cfg, rt.url, RS_SLICED);
	struct nt_term t = term2("/usr/sbin/lsmod", "/usr/bin/bash");
	struct ticking k = { .h = &a, .t.budget = NT_TICK_BUDGET * 1000,
			     .pushed = 2 };
	struct nt_seen seen;

	ht_catch_log();
	ck_assert_int_eq(nt_tick(a.store, NT_TICK_BUDGET, NULL), 0);   /* shared: idle */
	lose(&a, "/usr/bin/kmod");
	seen = touch(&a, t, T0 + 1);
	ck_assert(seen.is_new && seen.local);
	/* Past the backoff, a sighting still does not reconnect: only a
	 * tick does. */
	rt_until(rt_due, a.conn, "the backoff's end");
	seen = touch(&a, t, T0 + 2);
	ck_assert(!seen.is_new && seen.local);
	ck_assert(!rc_up(a.conn));
	ck_assert_int_eq(rt_int("DBSIZE"), 0);
	rt_until(ticked_to, &k, "the push");
	ck_assert_int_eq(rt_int("DBSIZE"), 2);
	ck_assert_ptr_nonnull(strstr(ht_log.last, "answering again; pushed 2"));
	ck_assert_uint_eq(stats(&a).terms, 0);          /* emptied */
	seen = touch(&a, t, T0 + 3);
	ck_assert(!seen.is_new && !seen.local);
	ck_assert_uint_eq(seen.count, 2);
	ck_assert_int_eq(nt_tick(a.store, NT_TICK_BUDGET, NULL), 0);
	log_to_stderr();
	host_free(&a);
	cfg_free(cfg);
}
END_TEST

/* While a push is under way, sightings are still decided locally, with
 * all that was decided locally before (nothing is decided twice), and
 * reach Redis too. */
START_TEST(test_sightings_during_a_sliced_push_are_local_and_pushed_too)
{
	struct kme_config *cfg = shipped_config();
	struct host a = host_at(cfg, rt.url, RS_SLICED);
	struct ticking k = { .h = &a, .t.budget = NT_TICK_BUDGET * 1000 };
	struct nt_seen seen;
	char *key;
	int n = 20000;

	ht_catch_log();
	decide_locally(&a, n);
	while (!rc_up(a.conn))
		tick(&k);
	ck_assert_uint_lt(stats(&a).pushed, (uint64_t)n);  /* under way */
	seen = touch(&a, term2("/opt/t0/lsmod", NULL), T0 + n);
	ck_assert(seen.local && seen.known && !seen.is_new);
	seen = touch(&a, term2("/opt/t19999/lsmod", NULL), T0 + n);
	ck_assert(seen.local && seen.known && !seen.is_new);
	seen = touch(&a, term2("/opt/late/lsmod", NULL), T0 + n);
	ck_assert(seen.local && seen.is_new);
	rt_until(ticked_back, &k, "the push");
	ck_assert_int_eq(rt_int("DBSIZE"), n + 1);
	key = key_of(cfg, term2("/opt/t0/lsmod", NULL));
	ck_assert_int_eq(rt_int("HGET %s c", key), 2);
	ck_assert_int_eq(rt_int("HGET %s l", key), T0 + n);
	free(key);
	seen = touch(&a, term2("/opt/late/lsmod", NULL), T0 + n + 1);
	ck_assert(!seen.local && !seen.is_new);
	rt_check_budget(&k.t, "ticks of a push of 20000 terms");
	log_to_stderr();
	host_free(&a);
	cfg_free(cfg);
}
END_TEST

/* The figure of issue 18: 100,000 locally decided terms (RS_QUEUE_MAX)
 * and Redis back. No tick takes more than its budget; the push ends
 * after several. */
START_TEST(test_100k_pending_merges_are_pushed_in_ticks_within_the_budget)
{
	struct kme_config *cfg = shipped_config();
	struct host a = host_at(cfg, rt.url, RS_SLICED);
	struct ticking k = { .h = &a, .t.budget = NT_TICK_BUDGET * 1000,
			     .pushed = RS_QUEUE_MAX };

	ht_catch_log();
	decide_locally(&a, RS_QUEUE_MAX);
	ck_assert_uint_eq(stats(&a).dropped, 0);
	while (!ticked_to(&k))
		ck_assert_msg(k.t.calls < 100000, "no end to the push");
	/* (rt_until's deadline is too short for a sanitizer build here.) */
	ck_assert_int_eq(rt_int("DBSIZE"), RS_QUEUE_MAX);
	ck_assert_ptr_nonnull(strstr(ht_log.last, "answering again; pushed "
				     "100000"));
	ck_assert_uint_ge(k.t.calls, 3);                /* several ticks */
	ck_assert_uint_eq(stats(&a).terms, 0);
	/* The pushed table is freed by the ticks too, within their budget. */
	rt_until(ticked_idle, &k, "the store idle");
	rt_check_budget(&k.t, "ticks of a push of 100000 terms");
	log_to_stderr();
	host_free(&a);
	cfg_free(cfg);
}
END_TEST

/* Redis stopped while the store reconnects: the ticks go on within their
 * budget, the connect times out (counted once, backoff), and the push
 * happens once Redis runs again. */
START_TEST(test_a_reconnect_to_a_stopped_redis_never_blocks_a_tick)
{
	struct kme_config *cfg = shipped_config();
	struct host a = host_at(cfg, rt.url, RS_SLICED);
	struct ticking k = { .h = &a, .t.budget = NT_TICK_BUDGET * 1000,
			     .pushed = 1000 };
	uint64_t errors;
	pid_t pause;

	ht_catch_log();
	decide_locally(&a, 1000);
	errors = stats(&a).errors;
	rt_catch_signals();
	/* Stopped longer than the connect timeout (1 s, rt_conn), signals
	 * flying: one connect times out. */
	pause = rt_pause(1500, SIGUSR1);
	rt_until(ticked_to, &k, "the push");
	rt_reap(pause);
	ck_assert_int_eq(rt_int("DBSIZE"), 1000);
	ck_assert_uint_eq(stats(&a).errors, errors + 1);
	ck_assert_uint_ge(k.t.calls, 10);       /* ticks went on meanwhile */
	rt_check_budget(&k.t, "ticks while Redis is stopped");
	log_to_stderr();
	host_free(&a);
	cfg_free(cfg);
}
END_TEST

/* A push that loses its connection gives the sightings of its unanswered
 * merges back: after the next connect, Redis has every term. */
START_TEST(test_a_failed_push_gives_its_sightings_back)
{
	struct kme_config *cfg = shipped_config();
	struct host a = host_at(cfg, rt.url, RS_SLICED);
	struct ticking k = { .h = &a, .t.budget = NT_TICK_BUDGET * 1000,
			     .pushed = 1 };
	int n = 20000;

	ht_catch_log();
	decide_locally(&a, n);
	rt_until(ticked_to, &k, "a first answer");
	ck_assert_uint_lt(stats(&a).pushed, (uint64_t)n);   /* under way */
	ck_assert(rc_up(a.conn));
	ck_assert_int_ge(rt_int("CLIENT KILL TYPE normal SKIPME yes"), 1);
	rt_until(ticked_back, &k, "the push, again");
	ck_assert_uint_ge(stats(&a).errors, 2);     /* lost twice */
	ck_assert_int_eq(rt_int("DBSIZE"), n);
	/* A merge Redis applied whose answer was lost is sent again: its
	 * count is then too high, never too low. */
	ck_assert_uint_ge(stats(&a).pushed, (uint64_t)n);
	rt_check_budget(&k.t, "ticks of a push that fails, then of its retry");
	log_to_stderr();
	host_free(&a);
	cfg_free(cfg);
}
END_TEST

/* ---- without a server ---------------------------------------------------------- */

START_TEST(test_down_at_start_decides_locally_and_says_so_once)
{
	struct kme_config *cfg = shipped_config();
	struct nt_term t = term2("/usr/sbin/lsmod", "/bin/bash");
	struct host a;
	struct nt_seen seen;
	struct nt_stats st;
	int i;

	ht_catch_log();
	a = host_at(cfg, "unix:///nonexistent/kme-check.sock", RS_BLOCKING);
	ck_assert_int_eq(ht_log.n, 1);
	ck_assert_ptr_nonnull(strstr(ht_log.last, "deciding with local history"));
	seen = touch(&a, t, T0);
	ck_assert(seen.is_new);
	ck_assert(seen.local);
	seen = touch(&a, t, T0 + 1000);
	ck_assert(!seen.is_new);
	ck_assert(seen.known);
	ck_assert(seen.local);
	ck_assert_int_eq(seen.last_seen, T0);
	for (i = 0; i < 50; i++)
		touch(&a, t, T0 + 2000 + i);
	st = stats(&a);
	ck_assert(st.shared);
	ck_assert_uint_eq(st.fallbacks, 52);
	ck_assert_uint_ge(st.errors, 1);
	ck_assert_uint_eq(st.pushed, 0);
	ck_assert_int_eq(ht_log.n, 1);  /* once, not once per event */
	host_free(&a);
	log_to_stderr();
	cfg_free(cfg);
}
END_TEST

START_TEST(test_local_queue_is_bounded_and_overflow_counted)
{
	struct kme_config *cfg = shipped_config();
	struct nt_stats st;
	struct host a;
	char exe[32];
	int i;

	cfg->max_terms = 3;
	ht_catch_log();
	a = host_at(cfg, "unix:///nonexistent/kme-check.sock", RS_BLOCKING);
	for (i = 0; i < 5; i++) {
		snprintf(exe, sizeof(exe), "/tmp/lsmod%d", i);
		touch(&a, term2(exe, "/bin/sh"), T0 + i);
	}
	st = stats(&a);
	ck_assert_uint_eq(st.terms, 3);
	ck_assert_uint_eq(st.dropped, 2);
	host_free(&a);
	log_to_stderr();
	cfg_free(cfg);
}
END_TEST

/* A store that cannot push at its end says how much is lost to the
 * fleet. */
START_TEST(test_destroy_says_what_it_could_not_push)
{
	struct kme_config *cfg = shipped_config();
	struct host a;

	ht_catch_log();
	a = host_at(cfg, "unix:///nonexistent/kme-check.sock", RS_SLICED);
	touch(&a, term2("/tmp/a/lsmod", NULL), T0);
	touch(&a, term2("/tmp/b/lsmod", NULL), T0 + 1);
	touch(&a, term2("/tmp/b/lsmod", NULL), T0 + 2);
	host_free(&a);
	ck_assert_ptr_nonnull(strstr(ht_log.last, "not answering; 2 locally "
				     "decided term(s) not pushed"));
	log_to_stderr();
	cfg_free(cfg);
}
END_TEST

#endif /* HAVE_HIREDIS */

int main(void)
{
	Suite *s = suite_create("redisstore");
	TCase *tc;

#ifdef HAVE_HIREDIS
	tc = rt_tcase("server");
	tcase_add_test(tc, test_two_hosts_share_one_history);
	tcase_add_test(tc, test_redis_store_fails_only_a_term_of_wrong_shape_or_size);
	tcase_add_test(tc, test_a_key_held_by_another_term_alerts_and_is_counted);
	tcase_add_test(tc, test_an_error_reply_is_decided_locally_and_pushed_later);
	tcase_add_test(tc, test_a_lost_connection_falls_back_and_pushes_when_back);
	tcase_add_test(tc, test_learn_decides_locally_and_save_pushes_everything);
	tcase_add_test(tc, test_destroy_pushes_what_is_pending);
	suite_add_tcase(s, tc);
	tc = rt_tcase("sliced");
	tcase_set_timeout(tc, 120);     /* sanitizer builds: 100k terms */
	tcase_add_test(tc, test_a_sliced_store_decides_locally_until_a_tick_has_pushed);
	tcase_add_test(tc, test_sightings_during_a_sliced_push_are_local_and_pushed_too);
	tcase_add_test(tc, test_100k_pending_merges_are_pushed_in_ticks_within_the_budget);
	tcase_add_test(tc, test_a_reconnect_to_a_stopped_redis_never_blocks_a_tick);
	tcase_add_test(tc, test_a_failed_push_gives_its_sightings_back);
	suite_add_tcase(s, tc);
	tc = tcase_create("fallback");
	tcase_add_test(tc, test_down_at_start_decides_locally_and_says_so_once);
	tcase_add_test(tc, test_local_queue_is_bounded_and_overflow_counted);
	tcase_add_test(tc, test_destroy_says_what_it_could_not_push);
	suite_add_tcase(s, tc);
#else
	tc = tcase_create("none");   /* the store needs a Redis build */
	suite_add_tcase(s, tc);
#endif
	return ck_run(s);
}
