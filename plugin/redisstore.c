/* redisstore.c - the new-terms store shared in Redis (see redisstore.h):
 * every sighting through the touch script while the connection is up, a
 * local term table while it is not, and the push of that table when it
 * is back. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rediskey.h"
#include "redisstore.h"
#include "termtab.h"

struct rs_store {
	struct nt_store store;
	struct tt_table *tt;              /* local decisions, pending push */
	const struct kme_config *cfg;     /* borrowed for the store's life */
	struct rc_conn *conn;             /* borrowed */
	const char *prefix;               /* rediskey.h, borrowed from cfg */
	bool write_behind;
	bool collision_said;
	struct kme_buf key, enc;
	uint64_t fallbacks, pushed;
};

/* ---- pushing ------------------------------------------------------------ */

/* Merge the local table's pending sightings into Redis, then empty it:
 * Redis holds them now. A term that has no key (too long: it cannot be
 * stored anywhere) is skipped and counted. */
static int push_pending(struct rs_store *s, struct kme_err *err)
{
	struct rc_batch b;
	struct tt_iter it;
	struct tt_item item;

	if (tt_pending_terms(s->tt) == 0)
		return 0;
	rc_batch_init(&b, s->conn, err);
	tt_iter_init(s->tt, &it);
	while (tt_iter_next(&it, &item)) {
		if (item.pending == 0)
			continue;
		if (rk_key_of(s->cfg, s->prefix, &item.term, &s->key,
			      &s->enc) < 0)
			rc_count_error(s->conn);
		else if (rc_merge(&b, &s->key, &s->enc, item.first, item.last,
				  item.pending, s->cfg->history_window) < 0)
			break;
	}
	if (rc_batch_end(&b) < 0)
		return -1;
	s->pushed += b.sent;
	tt_clear(s->tt);
	return 0;
}

/* Up? Reconnects when the backoff has passed, then pushes the local
 * decisions, before anything else is asked of Redis. */
static bool ready(struct rs_store *s)
{
	struct kme_err err = { "" };
	char msg[KME_ERR_MAX + 64];
	size_t n;

	if (rc_up(s->conn))
		return true;
	if (!rc_due(s->conn))
		return false;
	if (rc_connect(s->conn, &err) < 0) {
		rc_down(s->conn, err.msg);
		return false;
	}
	n = tt_pending_terms(s->tt);
	if (push_pending(s, &err) < 0) {
		rc_down(s->conn, err.msg);
		return false;
	}
	snprintf(msg, sizeof(msg), "answering again; pushed %zu locally "
		 "decided term(s)", n);
	rc_back(s->conn, msg);
	return true;
}

/* ---- deciding ----------------------------------------------------------- */

static int local_touch(struct rs_store *s, const struct nt_term *term,
		       int64_t t, struct nt_seen *seen, struct kme_err *err)
{
	int rc = tt_check_touch(s->tt, term, t, seen, err);

	if (!s->write_behind) {
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
	if (tt_pending_terms(s->tt) >= RC_BATCH && ready(s) &&
	    push_pending(s, &cerr) < 0)
		rc_down(s->conn, cerr.msg);
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

static int rs_check_touch(struct nt_store *base, const struct nt_term *term,
			  int64_t t, struct nt_seen *seen, struct kme_err *err)
{
	struct rs_store *s = (struct rs_store *)base;
	struct kme_err cerr = { "" };
	struct rc_sighting r;

	memset(seen, 0, sizeof(*seen));
	seen->is_new = true;
	if (s->write_behind)
		return learn_touch(s, term, t, seen, err);
	if (rk_key_of(s->cfg, s->prefix, term, &s->key, &s->enc) < 0)
		return kme_errf(err, "new-terms store: term too long or with "
				"the wrong number of values");
	if (!ready(s))
		return local_touch(s, term, t, seen, err);
	if (rc_touch(s->conn, &s->key, &s->enc, t, s->cfg->history_window, &r,
		     &cerr) != RC_OK) {
		/* Lost, or refused (an error reply): either way Redis did
		 * not decide; the reconnect after the backoff pushes. */
		rc_down(s->conn, cerr.msg);
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

/* The periodic hook: reconnect and push when due. --learn: push all,
 * and fail when Redis does not take it. */
static int rs_save(struct nt_store *base, struct kme_err *err)
{
	struct rs_store *s = (struct rs_store *)base;
	struct kme_err cerr = { "" };

	if (!s->write_behind) {
		(void)ready(s);  /* a loss is counted and was said */
		return 0;
	}
	if (!rc_up(s->conn) && rc_connect(s->conn, &cerr) < 0)
		return kme_errf(err, "new-terms store %s: %s; %zu term(s) "
				"not written", rc_where(s->conn), cerr.msg,
				tt_pending_terms(s->tt));
	if (push_pending(s, &cerr) < 0) {
		rc_down(s->conn, cerr.msg);
		return kme_errf(err, "new-terms store %s: %s",
				rc_where(s->conn), cerr.msg);
	}
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

static void rs_destroy(struct nt_store *base)
{
	struct rs_store *s = (struct rs_store *)base;
	struct kme_err err = { "" };

	if (s == NULL)
		return;
	/* A last push (bounded by the timeouts) so a stop loses nothing
	 * Redis could take. */
	if (s->tt != NULL && rc_up(s->conn) && tt_pending_terms(s->tt) > 0 &&
	    push_pending(s, &err) < 0)
		log_errx("new-terms store %s: %s; %zu locally decided term(s) "
			 "not pushed", rc_where(s->conn), err.msg,
			 tt_pending_terms(s->tt));
	tt_free(s->tt);
	buf_free(&s->key);
	buf_free(&s->enc);
	free(s);
}

static const struct nt_store_ops rs_ops = {
	.check_touch = rs_check_touch,
	.expire = rs_expire,
	.save = rs_save,
	.stats = rs_stats,
	.foreach = rs_foreach,
	.destroy = rs_destroy,
};

struct nt_store *rs_open(const struct kme_config *cfg, struct rc_conn *conn,
			 bool write_behind, struct kme_err *err)
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
	s->write_behind = write_behind;
	buf_init(&s->key, 2 * TT_KEY_MAX);
	buf_init(&s->enc, TT_KEY_MAX);
	s->tt = tt_new(cfg->nterm_fields, cfg->history_window,
		       cfg->max_terms < RS_QUEUE_MAX ? cfg->max_terms
						     : RS_QUEUE_MAX, err);
	if (s->tt == NULL) {
		rs_destroy(&s->store);
		return NULL;
	}
	return &s->store;
}
