/* redisstore.c - the new-terms store shared in Redis (see redisstore.h):
 * every sighting through the touch script while Redis decides, a local
 * term table while it cannot, and the push of that table when it is back
 * (a walk of the table, pipelined, in slices or at once). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "redisbulk.h"
#include "rediskey.h"
#include "redisstore.h"
#include "termtab.h"

/* Clock reads during a slice: one every RS_CHECK merges sent, or every
 * RS_SHED terms freed. */
#define RS_CHECK 8
#define RS_SHED 256

enum rs_phase {
	RS_LOCAL,      /* deciding locally; (re)connecting when due */
	RS_PUSHING,    /* connected; pushing, still deciding locally */
	RS_SHARED,     /* everything pushed: Redis decides */
};

/* What one unanswered merge took from the table, followed by the term's
 * key (keylen bytes). */
struct flight_rec {
	uint32_t keylen;
	uint32_t pending;
};

struct rs_store {
	struct nt_store store;
	struct tt_table *tt;              /* local decisions, pending push */
	struct tt_table *spent;           /* RS_SLICED: pushed, being freed */
	const struct kme_config *cfg;     /* borrowed for the store's life */
	struct rc_conn *conn;             /* borrowed */
	const char *prefix;               /* rediskey.h, borrowed from cfg */
	enum rs_mode mode;
	enum rs_phase phase;
	bool walk_done;                   /* RS_PUSHING: every term sent */
	bool collision_said;
	struct kme_buf key, enc;
	struct kme_buf flight;            /* flight_recs, oldest first */
	size_t flight_head;               /* the oldest unanswered */
	uint64_t fallbacks, pushed;
	uint64_t round;                   /* merges answered in this push */
};

/* ---- the merges in flight -------------------------------------------------- */

static int flight_add(struct rs_store *s, const struct tt_item *it)
{
	struct flight_rec r = { (uint32_t)it->keylen, it->pending };

	if (buf_reserve(&s->flight, sizeof(r) + it->keylen) < 0)
		return -1;
	buf_append(&s->flight, &r, sizeof(r));
	buf_append(&s->flight, it->key, it->keylen);
	return 0;
}

/* The oldest n merges were answered: their records go. */
static void flight_ack(struct rs_store *s, size_t n)
{
	struct flight_rec r;

	for (; n > 0 && s->flight_head < s->flight.len; n--) {
		memcpy(&r, s->flight.p + s->flight_head, sizeof(r));
		s->flight_head += sizeof(r) + r.keylen;
	}
	if (s->flight_head == s->flight.len) {
		buf_reset(&s->flight);
		s->flight_head = 0;
	}
}

/* No answer will come: what each unanswered merge took is pending again. */
static void flight_restore(struct rs_store *s)
{
	struct flight_rec r;
	const char *p;

	while (s->flight_head < s->flight.len) {
		p = s->flight.p + s->flight_head;
		memcpy(&r, p, sizeof(r));
		(void)tt_restore_pending(s->tt, p + sizeof(r), r.keylen,
					 r.pending);
		s->flight_head += sizeof(r) + r.keylen;
	}
	buf_reset(&s->flight);
	s->flight_head = 0;
}

/* ---- pushing ------------------------------------------------------------ */

static void push_start(struct rs_store *s)
{
	s->phase = RS_PUSHING;
	s->walk_done = false;
	s->round = 0;
	tt_walk_start(s->tt);
}

/* The push is over, failed or not: nothing stays in flight. */
static void push_stop(struct rs_store *s)
{
	flight_restore(s);
	tt_walk_stop(s->tt);
	s->phase = RS_LOCAL;
}

/* Queue the merge of one walked term. A term that has no key (too long:
 * it cannot be stored anywhere) is dropped and counted. */
static int send_one(struct rs_store *s, const struct tt_item *it,
		    struct kme_err *err)
{
	if (rk_key_of(s->cfg, s->prefix, &it->term, &s->key, &s->enc) < 0) {
		rc_count_error(s->conn);
		return 0;
	}
	if (flight_add(s, it) < 0) {
		(void)tt_restore_pending(s->tt, it->key, it->keylen,
					 it->pending);
		return kme_errnof(err, ENOMEM, "push");
	}
	return rb_send(s->conn, &s->key, &s->enc, it->first, it->last,
		       it->pending, s->cfg->history_window, err);
}

static bool room(const struct rs_store *s)
{
	return rb_inflight(s->conn) < RS_INFLIGHT_MAX &&
	       s->flight.len < RS_INFLIGHT_BYTES &&
	       rb_unsent(s->conn) < RB_UNSENT_MAX;
}

/* Send merges from the walk while the pipe has room and the slice time
 * (until_us). 1: the walk is at its end; 0: out of room or time; -1
 * with err. */
static int send_some(struct rs_store *s, int64_t until_us,
		     struct kme_err *err)
{
	struct tt_item it;
	unsigned n = 0;

	while (room(s)) {
		if (++n % RS_CHECK == 0 && clk_mono_us() >= until_us)
			return 0;
		if (!tt_walk_next(s->tt, &it))
			return 1;
		if (it.pending > 0 && send_one(s, &it, err) < 0)
			return -1;
	}
	return 0;
}

/* Read the answers that have come, until until_us (wait: waiting for
 * them, until the command timeout). 1: every merge is sent and
 * answered; 0: more to do; -1 with err: the push failed. */
static int answers(struct rs_store *s, int64_t until_us, bool wait,
		   struct kme_err *err)
{
	size_t acked;
	int rc;

	if (wait)
		until_us = clk_mono_us() + s->cfg->redis_command_timeout * 1000;
	rc = rb_pump(s->conn, until_us, wait, &acked, err);

	flight_ack(s, acked);
	s->pushed += acked;
	s->round += acked;
	if (rc != RC_OK)
		return -1;
	if (s->walk_done && rb_inflight(s->conn) == 0)
		return 1;
	if (wait && acked == 0)
		return kme_errf(err, "push: no reply within %" PRId64 " ms",
				s->cfg->redis_command_timeout);
	return 0;
}

/* Push: read the answers, send from the walk, until every merge is
 * answered (1), the slice ends at until_us (0), or the push fails (-1
 * with err; the caller declares the connection down). A slice reads what
 * has come back, sends while it has time and room, and writes out what
 * the socket takes: Redis works through it before the next slice. wait:
 * no slices, but waits for the answers whenever the pipe is full or the
 * walk is over. */
static int push(struct rs_store *s, int64_t until_us, bool wait,
		struct kme_err *err)
{
	int rc;

	for (;;) {
		bool stuck = s->walk_done || !room(s);

		if ((rc = answers(s, until_us, wait && stuck, err)) != 0)
			return rc;
		if (stuck && !wait)
			return 0;
		if (stuck)
			continue;
		if ((rc = send_some(s, until_us, err)) < 0)
			return -1;
		s->walk_done = rc == 1;
		if (!wait)
			return answers(s, until_us, false, err);
	}
}

/* Everything pushed and answered: Redis holds it, and decides again. The
 * local table is emptied: at once, or (RS_SLICED) split off to be freed
 * by the ticks (free_spent), for freeing 100,000 terms takes longer than
 * a tick may. */
static void now_shared(struct rs_store *s)
{
	struct tt_table *spent = NULL;
	char msg[80];

	tt_walk_stop(s->tt);
	if (s->mode == RS_SLICED && s->spent == NULL)
		spent = tt_split(s->tt);
	if (spent != NULL)
		s->spent = spent;
	else
		tt_clear(s->tt);
	s->phase = RS_SHARED;
	snprintf(msg, sizeof(msg), "answering again; pushed %" PRIu64
		 " locally decided term(s)", s->round);
	rc_back(s->conn, msg);
}

/* The push failed: the connection is declared down. */
static void push_lost(struct rs_store *s, const char *why)
{
	push_stop(s);
	rc_down(s->conn, why);
}

/* What happened to the connection elsewhere: a loss (a sighting, the
 * rate counter) ends a push; a connect (rc_start, after rs_open) with
 * nothing to push lets Redis decide. */
static void follow_conn(struct rs_store *s)
{
	if (s->phase != RS_LOCAL && !rc_up(s->conn))
		push_stop(s);
	else if (s->phase == RS_LOCAL && rc_up(s->conn) &&
		 tt_pending_terms(s->tt) == 0)
		s->phase = RS_SHARED;
}

/* The whole push, waiting for Redis. 0, or -1 with err (the connection
 * is then declared down). */
static int push_all(struct rs_store *s, struct kme_err *err)
{
	if (s->phase != RS_PUSHING)
		push_start(s);
	if (push(s, INT64_MAX, true, err) < 0) {
		push_lost(s, err->msg);
		return -1;
	}
	now_shared(s);
	return 0;
}

/* RS_BLOCKING, RS_WRITE_BEHIND: does Redis decide? Reconnects when the
 * backoff has passed, then pushes the local decisions, before anything
 * else is asked of Redis. */
static bool ready_blocking(struct rs_store *s)
{
	struct kme_err err = { "" };

	follow_conn(s);
	if (s->phase == RS_SHARED)
		return true;
	if (!rc_up(s->conn) && !rc_due(s->conn))
		return false;
	if (!rc_up(s->conn) && rc_connect(s->conn, &err) < 0) {
		rc_down(s->conn, err.msg);
		return false;
	}
	return push_all(s, &err) == 0;
}

/* Free the spent table, RS_SHED terms between clock reads, until
 * until_us. */
static void free_spent(struct rs_store *s, int64_t until_us)
{
	while (s->spent != NULL && clk_mono_us() < until_us) {
		if (tt_shed(s->spent, RS_SHED) == 0) {
			tt_free(s->spent);
			s->spent = NULL;
		}
	}
}

/* One slice of the reconnect and the push, until until_us: true while
 * either is under way. */
static bool reconnect_and_push(struct rs_store *s, int64_t until_us)
{
	struct kme_err err = { "" };
	int rc;

	if (s->phase == RS_LOCAL && !rc_up(s->conn)) {
		if (!rc_connecting(s->conn) && !rc_due(s->conn))
			return false;
		if ((rc = rc_advance(s->conn, until_us, &err)) <= 0) {
			if (rc < 0)
				rc_down(s->conn, err.msg);
			return rc == 0;
		}
	}
	if (s->phase == RS_LOCAL)
		push_start(s);
	if (s->phase == RS_PUSHING) {
		if ((rc = push(s, until_us, false, &err)) <= 0) {
			if (rc < 0)
				push_lost(s, err.msg);
			return rc == 0;
		}
		now_shared(s);
	}
	return false;
}

/* RS_SLICED, between reads: the spent table freed, the reconnect and the
 * push advanced, within the budget. */
static int rs_tick(struct nt_store *base, int64_t budget_ms,
		   struct kme_err *err)
{
	struct rs_store *s = (struct rs_store *)base;
	int64_t until = clk_mono_us() + budget_ms * 1000;
	bool busy;

	(void)err;   /* failures are counted and said by the connection */
	if (s->mode != RS_SLICED)
		return 0;
	free_spent(s, until);
	follow_conn(s);
	busy = reconnect_and_push(s, until);
	free_spent(s, until);
	return busy || s->spent != NULL ? 1 : 0;
}

/* ---- deciding ----------------------------------------------------------- */

static int local_touch(struct rs_store *s, const struct nt_term *term,
		       int64_t t, struct nt_seen *seen, struct kme_err *err)
{
	int rc = tt_check_touch(s->tt, term, t, seen, err);

	if (s->mode != RS_WRITE_BEHIND) {
		s->fallbacks++;
		seen->local = true;
	}
	return rc;
}

/* --learn: decide locally; push whenever a batch is full. */
static int learn_touch(struct rs_store *s, const struct nt_term *term,
		       int64_t t, struct nt_seen *seen, struct kme_err *err)
{
	struct kme_err cerr = { "" };

	if (local_touch(s, term, t, seen, err) < 0)
		return -1;
	if (tt_pending_terms(s->tt) >= RB_BATCH && ready_blocking(s))
		(void)push_all(s, &cerr);   /* a loss is counted and said */
	return 0;
}

/* Another term holds the key: new, counted, said once. */
static void collision(struct rs_store *s)
{
	rc_count_error(s->conn);
	if (s->collision_said)
		return;
	s->collision_said = true;
	log_errx("new-terms store %s: another term holds the key %.*s (hash "
		 "collision); such terms alert at every sighting (counted in "
		 "store_errors; said once)", rc_where(s->conn),
		 (int)s->key.len, s->key.p);
}

/* Does Redis decide this sighting? Only RS_BLOCKING reconnects here. */
static bool shared(struct rs_store *s)
{
	if (s->mode == RS_BLOCKING)
		return ready_blocking(s);
	follow_conn(s);
	return s->phase == RS_SHARED;
}

static int rs_check_touch(struct nt_store *base, const struct nt_term *term,
			  int64_t t, struct nt_seen *seen, struct kme_err *err)
{
	struct rs_store *s = (struct rs_store *)base;
	struct kme_err cerr = { "" };
	struct rc_sighting r;

	memset(seen, 0, sizeof(*seen));
	seen->is_new = true;
	if (s->mode == RS_WRITE_BEHIND)
		return learn_touch(s, term, t, seen, err);
	if (rk_key_of(s->cfg, s->prefix, term, &s->key, &s->enc) < 0)
		return kme_errf(err, "new-terms store: term too long or with "
				"the wrong number of values");
	if (!shared(s))
		return local_touch(s, term, t, seen, err);
	if (rc_touch(s->conn, &s->key, &s->enc, t, s->cfg->history_window, &r,
		     &cerr) != RC_OK) {
		/* Lost, or refused (an error reply): either way Redis did
		 * not decide; the reconnect after the backoff pushes. */
		rc_down(s->conn, cerr.msg);
		s->phase = RS_LOCAL;
		return local_touch(s, term, t, seen, err);
	}
	if (r.found == RC_TAKEN) {
		collision(s);
	} else if (r.found == RC_KNOWN) {
		seen->known = true;
		seen->is_new = r.is_new;
		seen->first_seen = r.first;
		seen->last_seen = r.last;
		seen->count = r.count;
	}
	return 0;
}

/* ---- the rest of the interface ------------------------------------------ */

static size_t rs_expire(struct nt_store *base, int64_t now)
{
	return tt_expire(((struct rs_store *)base)->tt, now);
}

/* RS_SLICED: nothing (the tick works). RS_BLOCKING: reconnect and push
 * when due. --learn: push all, and fail when Redis does not take it. */
static int rs_save(struct nt_store *base, struct kme_err *err)
{
	struct rs_store *s = (struct rs_store *)base;
	struct kme_err cerr = { "" };

	if (s->mode != RS_WRITE_BEHIND) {
		if (s->mode == RS_BLOCKING)
			(void)ready_blocking(s);  /* a loss is counted, said */
		return 0;
	}
	if (!rc_up(s->conn) && rc_connect(s->conn, &cerr) < 0)
		return kme_errf(err, "new-terms store %s: %s; %zu term(s) "
				"not written", rc_where(s->conn), cerr.msg,
				tt_pending_terms(s->tt));
	if (push_all(s, &cerr) < 0)
		return kme_errf(err, "new-terms store %s: %s",
				rc_where(s->conn), cerr.msg);
	return 0;
}

static void rs_stats(const struct nt_store *base, struct nt_stats *out)
{
	const struct rs_store *s = (const struct rs_store *)base;
	struct tt_stats st;

	tt_stats(s->tt, &st);
	*out = (struct nt_stats){
		.terms = st.terms, .evicted = st.evicted,
		.expired = st.expired, .shared = true,
		.fallbacks = s->fallbacks, .errors = rc_errors(s->conn),
		.pushed = s->pushed, .dropped = st.evicted,
	};
}

static void rs_foreach(const struct nt_store *base,
		       void (*fn)(void *arg, const struct nt_term *term,
				  int64_t first_seen, int64_t last_seen,
				  uint64_t count),
		       void *arg)
{
	tt_foreach(((const struct rs_store *)base)->tt, fn, arg);
}

/* A last push (waiting, bounded by the timeouts) so that a stop loses
 * nothing Redis could take; what it cannot take is said. */
static void push_at_close(struct rs_store *s)
{
	struct kme_err err = { "" };
	int rc = -1;

	follow_conn(s);
	if (tt_pending_terms(s->tt) == 0 && rb_inflight(s->conn) == 0)
		return;
	if (!rc_up(s->conn)) {
		kme_errf(&err, "not answering");
	} else {
		if (s->phase != RS_PUSHING)
			push_start(s);
		rc = push(s, INT64_MAX, true, &err);
		push_stop(s);    /* pending again, unless answered */
	}
	if (rc == 1)
		return;
	log_errx("new-terms store %s: %s; %zu locally decided term(s) not "
		 "pushed", rc_where(s->conn), err.msg, tt_pending_terms(s->tt));
}

static void rs_destroy(struct nt_store *base)
{
	struct rs_store *s = (struct rs_store *)base;

	if (s == NULL)
		return;
	if (s->tt != NULL)
		push_at_close(s);
	tt_free(s->tt);
	tt_free(s->spent);
	buf_free(&s->key);
	buf_free(&s->enc);
	buf_free(&s->flight);
	free(s);
}

static const struct nt_store_ops rs_ops = {
	.check_touch = rs_check_touch,
	.expire = rs_expire,
	.save = rs_save,
	.tick = rs_tick,
	.stats = rs_stats,
	.foreach = rs_foreach,
	.destroy = rs_destroy,
};

struct nt_store *rs_open(const struct kme_config *cfg, struct rc_conn *conn,
			 enum rs_mode mode, struct kme_err *err)
{
	struct rs_store *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		kme_errnof(err, ENOMEM, "new-terms store");
		return NULL;
	}
	s->store.ops = &rs_ops;
	s->cfg = cfg;
	s->conn = conn;
	s->prefix = rk_prefix(cfg);
	s->mode = mode;
	s->phase = rc_up(conn) ? RS_SHARED : RS_LOCAL;
	buf_init(&s->key, 2 * TT_KEY_MAX);
	buf_init(&s->enc, TT_KEY_MAX);
	buf_init(&s->flight, RS_INFLIGHT_BYTES + sizeof(struct flight_rec) +
			     TT_KEY_MAX);
	s->tt = tt_new(cfg->nterm_fields, cfg->history_window,
		       cfg->max_terms < RS_QUEUE_MAX ? cfg->max_terms
						     : RS_QUEUE_MAX, err);
	if (s->tt == NULL) {
		rs_destroy(&s->store);
		return NULL;
	}
	return &s->store;
}
