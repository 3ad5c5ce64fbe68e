/* redisbulk.c - many commands at once on a Redis connection (see
 * redisbulk.h), over the wire of rcwire.h. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "clock.h"
#include "redisbulk.h"

#ifdef HAVE_HIREDIS

#include <hiredis/sds.h>

#include "rcwire.h"

/* ---- the pipe ------------------------------------------------------------- */

int rb_send(struct rc_conn *c, const struct kme_buf *key,
	    const struct kme_buf *enc, int64_t first, int64_t last,
	    uint64_t count, int64_t window, struct kme_err *err)
{
	struct rcw_args a = { .n = 0 };
	char f[24], l[24], n[24], w[24];

	if (c->phase != RCW_UP)
		return kme_errf(err, "push: not connected");
	snprintf(f, sizeof(f), "%" PRId64, rcw_clamp_time(first));
	snprintf(l, sizeof(l), "%" PRId64, rcw_clamp_time(last));
	snprintf(n, sizeof(n), "%" PRIu64, count);
	snprintf(w, sizeof(w), "%" PRId64, window);
	rcw_arg(&a, enc->p, enc->len);
	rcw_arg_str(&a, f);
	rcw_arg_str(&a, l);
	rcw_arg_str(&a, n);
	rcw_arg_str(&a, w);
	if (rc_append_eval(c, SC_MERGE, false, key, &a) < 0)
		return kme_errnof(err, ENOMEM, "push");
	c->inflight++;
	if (sdslen(c->c->obuf) >= RB_WRITE_AT && rcw_flush(c) < 0)
		return kme_errf(err, "push: %s", rcw_error(c, "I/O error"));
	return 0;
}

size_t rb_inflight(const struct rc_conn *c)
{
	return c->inflight;
}

size_t rb_unsent(const struct rc_conn *c)
{
	return c->c != NULL ? sdslen(c->c->obuf) : 0;
}

/* One reply of the pipe: RC_OK (counted in *acked) or RC_REFUSED. */
static int pipe_reply(struct rc_conn *c, redisReply *r, size_t *acked,
		      struct kme_err *err)
{
	int rc = RC_OK;

	c->inflight--;
	if (r->type == REDIS_REPLY_ERROR) {
		kme_errf(err, "push: %.200s", r->str ? r->str : "");
		rc = RC_REFUSED;
	} else {
		++*acked;
		if (r->type == REDIS_REPLY_INTEGER && r->integer < 0)
			c->errors++;    /* a hash collision: kept apart */
	}
	freeReplyObject(r);
	return rc;
}

int rb_pump(struct rc_conn *c, int64_t until_us, bool wait, size_t *acked,
	    struct kme_err *err)
{
	struct kme_err rerr = { "" };
	redisReply *r;
	int rc = RC_OK, got;
	unsigned n = 0;

	*acked = 0;
	if (c->phase != RCW_UP)
		return kme_errf(err, "push: not connected"), RC_LOST;
	if (rcw_flush(c) < 0)
		return kme_errf(err, "push: %s", rcw_error(c, "I/O error")),
		       RC_LOST;
	while (c->inflight > 0 && rc == RC_OK) {
		if (++n % RB_CHECK == 0 && clk_mono_us() >= until_us)
			break;
		got = rcw_reply(c, wait ? until_us : 0, &r, &rerr);
		if (got < 0)
			return kme_errf(err, "push: %s", rerr.msg), RC_LOST;
		if (got == 0)
			break;
		rc = pipe_reply(c, r, acked, err);
	}
	return rc;
}

/* ---- a batch ---------------------------------------------------------------- */

void rb_batch_init(struct rb_batch *b, struct rc_conn *c, struct kme_err *err)
{
	*b = (struct rb_batch){ .c = c, .err = err };
}

/* Read every owed reply, each within the command timeout; the first
 * refusal is the batch's error. */
static int batch_read(struct rb_batch *b)
{
	struct kme_err rerr = { "" };
	size_t acked;
	int rc;

	while (b->c->inflight > 0) {
		rc = rb_pump(b->c, clk_mono_us() + b->c->command_timeout * 1000,
			     true, &acked, &rerr);
		if (rc == RC_LOST)
			return kme_errf(b->err, "%s", rerr.msg);
		if (rc == RC_REFUSED && b->rc == 0)
			b->rc = kme_errf(b->err, "%s", rerr.msg);
		if (rc == RC_OK && acked == 0)
			return kme_errf(b->err, "push: no reply within %" PRId64
					" ms", b->c->command_timeout);
	}
	return b->rc;
}

int rb_merge(struct rb_batch *b, const struct kme_buf *key,
	     const struct kme_buf *enc, int64_t first, int64_t last,
	     uint64_t count, int64_t window)
{
	if (b->rc < 0)
		return -1;
	if (rb_send(b->c, key, enc, first, last, count, window, b->err) < 0)
		return b->rc = -1;
	b->sent++;
	if (b->c->inflight >= RB_BATCH && batch_read(b) < 0)
		b->rc = -1;
	return b->rc;
}

int rb_batch_end(struct rb_batch *b)
{
	if (b->rc == 0 && batch_read(b) < 0)
		b->rc = -1;
	return b->rc;
}

/* ---- the listing ------------------------------------------------------------ */

/* Is h the HMGET reply of a term hash (v, f, l and c all strings)? */
static bool term_reply(const redisReply *h)
{
	size_t i;

	if (h->type != REDIS_REPLY_ARRAY || h->elements != 4)
		return false;
	for (i = 0; i < 4; i++)
		if (h->element[i]->type != REDIS_REPLY_STRING)
			return false;
	return true;
}

struct scan {
	struct rc_conn *c;
	void (*fn)(void *arg, const char *enc, size_t len, int64_t first,
		   int64_t last, int64_t count);
	void *arg;
	struct kme_err *err;
};

/* The hashes of one SCAN page's keys: their HMGETs pipelined, then every
 * reply read. */
static int scan_page(struct scan *s, const redisReply *keys)
{
	const char *argv[6] = { "HMGET", NULL, "v", "f", "l", "c" };
	size_t lens[6] = { 5, 0, 1, 1, 1, 1 }, i;
	struct kme_err rerr = { "" };
	redisReply *h;

	for (i = 0; i < keys->elements; i++) {
		argv[1] = keys->element[i]->str;
		lens[1] = keys->element[i]->len;
		if (redisAppendCommandArgv(s->c->c, 6, argv, lens) != REDIS_OK)
			return kme_errnof(s->err, ENOMEM, "new-terms store "
					  "%s: HMGET", s->c->where);
	}
	for (i = 0; i < keys->elements; i++) {
		if (rcw_reply(s->c, clk_mono_us() + s->c->command_timeout *
			      1000, &h, &rerr) <= 0)
			return kme_errf(s->err, "new-terms store %s: HMGET: %s",
					s->c->where, rerr.msg[0] ? rerr.msg
					: "no reply in time");
		if (term_reply(h))
			s->fn(s->arg, h->element[0]->str, h->element[0]->len,
			      rcw_reply_int(h->element[1]),
			      rcw_reply_int(h->element[2]),
			      rcw_reply_int(h->element[3]));
		freeReplyObject(h);
	}
	return 0;
}

static bool scan_reply(const redisReply *r)
{
	return r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
	       r->element[0]->type == REDIS_REPLY_STRING &&
	       r->element[1]->type == REDIS_REPLY_ARRAY;
}

int rb_scan_terms(struct rc_conn *c, const struct kme_buf *pattern,
		  void (*fn)(void *arg, const char *enc, size_t len,
			     int64_t first, int64_t last, int64_t count),
		  void *arg, struct kme_err *err)
{
	struct scan s = { .c = c, .fn = fn, .arg = arg, .err = err };
	const char *argv[6] = { "SCAN", NULL, "MATCH", NULL, "COUNT", "1000" };
	size_t lens[6] = { 4, 0, 5, 0, 5, 4 };
	struct kme_err rerr = { "" };
	char cursor[32] = "0";
	redisReply *r;
	int rc = 0;

	if (!rc_idle(c))
		return kme_errf(err, "new-terms store %s: not answering",
				c->where);
	argv[3] = pattern->p;
	lens[3] = pattern->len;
	do {
		argv[1] = cursor;
		lens[1] = strlen(cursor);
		r = rcw_command(c, 6, argv, lens, &rerr);
		if (!scan_reply(r)) {
			rc = kme_errf(err, "new-terms store %s: SCAN: %s", c->where,
				      r == NULL ? rerr.msg : "unexpected reply");
			break;
		}
		snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
		rc = scan_page(&s, r->element[1]);
		freeReplyObject(r);
		r = NULL;
	} while (rc == 0 && strcmp(cursor, "0") != 0);
	if (r != NULL)
		freeReplyObject(r);
	return rc;
}

#endif /* HAVE_HIREDIS */
