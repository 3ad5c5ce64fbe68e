/* redisstore.c - the new-terms history shared in Redis (see redisstore.h).
 *
 * One connection, used synchronously with bounded timeouts; a local term
 * table (termtab.h) decides while Redis cannot, and queues what it decided
 * until Redis is back. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "redisstore.h"
#include "redisurl.h"
#include "safefile.h"
#include "siphash.h"
#include "termtab.h"

/* ---- key layout (pure) --------------------------------------------------- */

/* Fixed and public on purpose: every host must derive the same key. The
 * script compares the stored term, so a collision cannot hide an alert. */
static const uint64_t rs_sip_a[2] = { 0x6b6d652d6b657931ull, 0x7265646973737472ull };
static const uint64_t rs_sip_b[2] = { 0x6b6d652d6b657932ull, 0x6e65777465726d73ull };

static int encode(const struct kme_config *cfg, const struct nt_term *term,
		  struct kme_buf *enc)
{
	size_t i;

	buf_reset(enc);
	if (term->n != cfg->nterm_fields)
		return -1;
	for (i = 0; i < term->n; i++)
		if (tt_key_put(enc, term->v[i].p, term->v[i].len) < 0)
			return -1;
	return 0;
}

/* PREFIX RULE_ID ":" RULE_VERSION ":" FIELDS */
static int put_ns(const struct kme_config *cfg, const char *prefix,
		  struct kme_buf *out)
{
	size_t i;

	buf_puts(out, prefix);
	buf_puts(out, cfg->rule_id ? cfg->rule_id : "");
	buf_putc(out, ':');
	buf_puts(out, cfg->rule_version ? cfg->rule_version : "");
	buf_putc(out, ':');
	for (i = 0; i < cfg->nterm_fields && i < CFG_MAX_TERM_FIELDS; i++) {
		if (i > 0)
			buf_putc(out, ',');
		buf_puts(out, cfg_term_field_name(cfg->term_fields[i]));
	}
	return buf_puts(out, ":t:");
}

static int put_hash(const struct kme_buf *enc, struct kme_buf *out)
{
	return buf_printf(out, "%016" PRIx64 "%016" PRIx64,
			  sip_hash24(rs_sip_a, enc->p, enc->len),
			  sip_hash24(rs_sip_b, enc->p, enc->len));
}

int rs_key_of(const struct kme_config *cfg, const char *prefix,
	      const struct nt_term *term, struct kme_buf *out,
	      struct kme_buf *enc)
{
	if (encode(cfg, term, enc) < 0)
		return -1;
	buf_reset(out);
	put_ns(cfg, prefix, out);
	return put_hash(enc, out);
}

#ifndef HAVE_HIREDIS

bool rs_available(void)
{
	return false;
}

struct nt_store *rs_open(const struct kme_config *cfg,
			 const struct rs_opts *o, struct kme_err *err)
{
	(void)cfg;
	kme_errf(err, "new-terms store %.64s: this build has no Redis support "
		 "(configure --with-hiredis)", o->url);
	return NULL;
}

int rs_load_all(struct nt_store *s, size_t *loaded, struct kme_err *err)
{
	(void)s;
	*loaded = 0;
	return kme_errf(err, "no Redis support");
}

int rs_import(struct nt_store *s, const struct nt_store *src, size_t *n,
	      struct kme_err *err)
{
	(void)s;
	(void)src;
	*n = 0;
	return kme_errf(err, "no Redis support");
}

const char *rs_where(const struct nt_store *s)
{
	(void)s;
	return "redis";
}

#else /* HAVE_HIREDIS */

#include <hiredis/hiredis.h>

/* Time clamp: Lua numbers are doubles. */
#define RS_TIME_MAX (((int64_t)1 << 53) - 1)

static int64_t clamp_time(int64_t t)
{
	return t > RS_TIME_MAX ? RS_TIME_MAX : t < -RS_TIME_MAX ? -RS_TIME_MAX : t;
}

/* KEYS[1] term; ARGV t, window, encoded term. Returns {0} (unknown: new),
 * {1, new, first, last, count} or {-1} (another term holds the key). */
static const char script_touch[] =
"local k=KEYS[1] local t=tonumber(ARGV[1]) local w=tonumber(ARGV[2])\n"
"local r=redis.call('HMGET',k,'v','f','l','c')\n"
"if r[1] and r[1]~=ARGV[3] then return {-1} end\n"
"if not r[1] then\n"
"  redis.call('HSET',k,'v',ARGV[3],'f',ARGV[1],'l',ARGV[1],'c',1)\n"
"  redis.call('PEXPIRE',k,ARGV[2]) return {0} end\n"
"local new=0 if tonumber(r[3]) < t-w then new=1 end\n"
"if t > tonumber(r[3]) then redis.call('HSET',k,'l',ARGV[1]) end\n"
"if t < tonumber(r[2]) then redis.call('HSET',k,'f',ARGV[1]) end\n"
"redis.call('HINCRBY',k,'c',1) redis.call('PEXPIRE',k,ARGV[2])\n"
"return {1,new,r[2],r[3],r[4]}\n";

/* KEYS[1] term; ARGV encoded term, first, last, count, window. Merges
 * sightings decided elsewhere (a push, --learn, --migrate-state). */
static const char script_merge[] =
"local k=KEYS[1]\n"
"local r=redis.call('HMGET',k,'v','f','l')\n"
"if r[1] and r[1]~=ARGV[1] then return -1 end\n"
"if not r[1] then\n"
"  redis.call('HSET',k,'v',ARGV[1],'f',ARGV[2],'l',ARGV[3],'c',ARGV[4])\n"
"else\n"
"  if tonumber(ARGV[2]) < tonumber(r[2]) then redis.call('HSET',k,'f',ARGV[2]) end\n"
"  if tonumber(ARGV[3]) > tonumber(r[3]) then redis.call('HSET',k,'l',ARGV[3]) end\n"
"  redis.call('HINCRBY',k,'c',ARGV[4])\n"
"end\n"
"redis.call('PEXPIRE',k,ARGV[5]) return 0\n";

/* KEYS[1] the interval's counter; ARGV ttl. */
static const char script_rate[] =
"local n=redis.call('INCR',KEYS[1])\n"
"if n==1 then redis.call('PEXPIRE',KEYS[1],ARGV[1]) end return n\n";

enum { SC_TOUCH = 0, SC_MERGE, SC_RATE, SC__COUNT };

static const char *const scripts[SC__COUNT] = {
	script_touch, script_merge, script_rate,
};

struct rs_store {
	struct nt_store store;
	struct tt_table *tt;              /* local decisions, pending push */
	const struct kme_config *cfg;     /* borrowed for the store's life */
	struct rs_opts o;
	struct ru_url url;
	char where[RU_MAX + 64];
	char password[RS_PASSWORD_MAX + 1];
	char *prefix;
	redisContext *c;                  /* NULL: down */
	char sha[SC__COUNT][41];
	int64_t next_try;                 /* monotonic ms */
	int64_t backoff;
	bool down_said;
	unsigned nlogs;
	struct kme_buf key, enc, ns;
	uint64_t fallbacks, errors, pushed, dropped_base;
};

static const struct nt_store_ops rs_ops;

static struct timeval tv_of(int64_t ms)
{
	return (struct timeval){ .tv_sec = ms / 1000,
				 .tv_usec = (ms % 1000) * 1000 };
}

/* A lost-or-back message, while fewer than RS_LOG_MAX were said. */
static void say(struct rs_store *s, bool lost, const char *why)
{
	if (s->nlogs >= RS_LOG_MAX)
		return;
	s->nlogs++;
	if (lost)
		log_errx("new-terms store %s: %s; deciding with local history "
			 "until it answers (counted in store_fallbacks and "
			 "store_errors)%s", s->where, why,
			 s->nlogs == RS_LOG_MAX ? "; further changes are only "
			 "counted" : "");
	else
		log_notice("new-terms store %s: %s", s->where, why);
}

/* Drop the connection after a failure; retry after the backoff. */
static void go_down(struct rs_store *s, const char *why)
{
	if (s->c != NULL) {
		redisFree(s->c);
		s->c = NULL;
	}
	s->errors++;
	s->backoff = s->backoff == 0 ? RS_BACKOFF_MIN
		   : s->backoff * 2 > RS_BACKOFF_MAX ? RS_BACKOFF_MAX
		   : s->backoff * 2;
	s->next_try = clk_mono_ms() + s->backoff;
	if (!s->down_said) {
		s->down_said = true;
		say(s, true, why);
	}
}

static bool reply_is_error(const redisReply *r)
{
	return r == NULL || r->type == REDIS_REPLY_ERROR;
}

/* Send one command and read its reply; NULL on a connection error (the
 * context is then unusable), err set. */
static redisReply *command(struct rs_store *s, int argc, const char **argv,
			   const size_t *lens, struct kme_err *err)
{
	redisReply *r = redisCommandArgv(s->c, argc, argv, lens);

	if (r == NULL)
		kme_errf(err, "%s", s->c->errstr[0] ? s->c->errstr
			 : "no reply");
	return r;
}

/* Connect, AUTH, SELECT, load the scripts. 0, or -1 with err (s->c NULL). */
static int connect_now(struct rs_store *s, struct kme_err *err)
{
	struct timeval ct = tv_of(s->cfg->redis_connect_timeout);
	redisReply *r;
	const char *argv[3];
	size_t lens[3];
	char db[16];
	int i;

	s->c = s->url.kind == RU_UNIX
	       ? redisConnectUnixWithTimeout(s->url.path, ct)
	       : redisConnectWithTimeout(s->url.host, s->url.port, ct);
	if (s->c == NULL)
		return kme_errnof(err, ENOMEM, "connect");
	if (s->c->err) {
		kme_errf(err, "connect: %s", s->c->errstr);
		goto fail;
	}
	if (redisSetTimeout(s->c, tv_of(s->cfg->redis_command_timeout)) !=
	    REDIS_OK) {
		kme_errf(err, "set timeout: %s", s->c->errstr);
		goto fail;
	}
	if (s->password[0] != '\0') {
		int n = 0;

		argv[n] = "AUTH"; lens[n++] = 4;
		if (s->url.user[0] != '\0') {
			argv[n] = s->url.user;
			lens[n++] = strlen(s->url.user);
		}
		argv[n] = s->password; lens[n++] = strlen(s->password);
		if ((r = command(s, n, argv, lens, err)) == NULL)
			goto fail;
		if (reply_is_error(r)) {
			kme_errf(err, "AUTH%s%s refused: %.200s",
				 s->url.user[0] ? " as " : "", s->url.user,
				 r->str ? r->str : "");
			freeReplyObject(r);
			goto fail;
		}
		freeReplyObject(r);
	}
	if (s->url.db != 0) {
		snprintf(db, sizeof(db), "%d", s->url.db);
		argv[0] = "SELECT"; lens[0] = 6;
		argv[1] = db; lens[1] = strlen(db);
		if ((r = command(s, 2, argv, lens, err)) == NULL)
			goto fail;
		if (reply_is_error(r)) {
			kme_errf(err, "SELECT %s: %.200s", db, r->str);
			freeReplyObject(r);
			goto fail;
		}
		freeReplyObject(r);
	}
	for (i = 0; i < SC__COUNT; i++) {
		argv[0] = "SCRIPT"; lens[0] = 6;
		argv[1] = "LOAD"; lens[1] = 4;
		argv[2] = scripts[i]; lens[2] = strlen(scripts[i]);
		if ((r = command(s, 3, argv, lens, err)) == NULL)
			goto fail;
		if (r->type != REDIS_REPLY_STRING || r->len != 40) {
			kme_errf(err, "SCRIPT LOAD: %.200s",
				 r->str ? r->str : "unexpected reply");
			freeReplyObject(r);
			goto fail;
		}
		memcpy(s->sha[i], r->str, 40);
		s->sha[i][40] = '\0';
		freeReplyObject(r);
	}
	return 0;
fail:
	redisFree(s->c);
	s->c = NULL;
	return -1;
}

/* Append one EVALSHA of script sc with one key to the pipeline. */
static int append_eval(struct rs_store *s, int sc, bool by_text,
		       const struct kme_buf *key, int nargs,
		       const char **args, const size_t *alens)
{
	const char *argv[10];
	size_t lens[10];
	int i, n = 0;

	argv[n] = by_text ? "EVAL" : "EVALSHA"; lens[n] = strlen(argv[n]); n++;
	argv[n] = by_text ? scripts[sc] : s->sha[sc];
	lens[n] = strlen(argv[n]); n++;
	argv[n] = "1"; lens[n++] = 1;
	argv[n] = key->p; lens[n++] = key->len;
	for (i = 0; i < nargs && n < 10; i++, n++) {
		argv[n] = args[i];
		lens[n] = alens[i];
	}
	return redisAppendCommandArgv(s->c, n, argv, lens) == REDIS_OK ? 0 : -1;
}

static bool is_noscript(const redisReply *r)
{
	return r != NULL && r->type == REDIS_REPLY_ERROR && r->str != NULL &&
	       strncmp(r->str, "NOSCRIPT", 8) == 0;
}

/* One script call, EVAL again when the server forgot the script. NULL on
 * a connection error (err set). */
static redisReply *eval1(struct rs_store *s, int sc,
			 const struct kme_buf *key, int nargs,
			 const char **args, const size_t *alens,
			 struct kme_err *err)
{
	redisReply *r = NULL;
	void *rp;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		if (append_eval(s, sc, pass == 1, key, nargs, args, alens) < 0 ||
		    redisGetReply(s->c, &rp) != REDIS_OK) {
			kme_errf(err, "%s", s->c->errstr[0] ? s->c->errstr
				 : "command failed");
			return NULL;
		}
		r = rp;
		if (!is_noscript(r))
			return r;
		freeReplyObject(r);
		r = NULL;
	}
	kme_errf(err, "script not accepted");
	return NULL;
}

/* Up? Reconnects when the backoff has passed, then pushes the queue. */
static int push_pending(struct rs_store *s, struct kme_err *err);

static bool ready(struct rs_store *s)
{
	struct kme_err err = { "" };
	size_t n;
	char msg[KME_ERR_MAX + 64];

	if (s->c != NULL)
		return true;
	if (clk_mono_ms() < s->next_try)
		return false;
	if (connect_now(s, &err) < 0) {
		go_down(s, err.msg);
		return false;
	}
	n = tt_pending_terms(s->tt);
	if (push_pending(s, &err) < 0) {
		go_down(s, err.msg);
		return false;
	}
	s->backoff = 0;
	if (s->down_said) {
		s->down_said = false;
		snprintf(msg, sizeof(msg), "answering again; pushed %zu "
			 "locally decided term(s)", n);
		say(s, false, msg);
	}
	return true;
}

/* ---- pushing (pipelined merges) ------------------------------------------ */

struct batch {
	struct rs_store *s;
	size_t queued;        /* replies to read */
	size_t sent;
	int rc;
	struct kme_err *err;
};

static int batch_read(struct batch *b)
{
	void *rp;
	redisReply *r;
	int rc = 0;

	for (; b->queued > 0; b->queued--) {
		if (redisGetReply(b->s->c, &rp) != REDIS_OK)
			return kme_errf(b->err, "push: %s", b->s->c->errstr);
		r = rp;
		if (is_noscript(r) && rc == 0)
			rc = kme_errf(b->err, "push: %s", r->str);
		else if (reply_is_error(r) && rc == 0)
			rc = kme_errf(b->err, "push: %.200s", r->str);
		else if (r->type == REDIS_REPLY_INTEGER && r->integer < 0)
			b->s->errors++;   /* a hash collision: kept apart */
		freeReplyObject(r);
	}
	return rc;
}

static int batch_add(struct batch *b, const struct nt_term *term,
		     int64_t first, int64_t last, uint64_t count)
{
	struct rs_store *s = b->s;
	char f[24], l[24], c[24], w[24];
	const char *args[5];
	size_t lens[5];

	if (b->rc < 0)
		return -1;
	if (rs_key_of(s->cfg, s->prefix, term, &s->key, &s->enc) < 0) {
		s->errors++;
		return 0;  /* cannot be stored anywhere: skipped, counted */
	}
	snprintf(f, sizeof(f), "%" PRId64, clamp_time(first));
	snprintf(l, sizeof(l), "%" PRId64, clamp_time(last));
	snprintf(c, sizeof(c), "%" PRIu64, count);
	snprintf(w, sizeof(w), "%" PRId64, s->cfg->history_window);
	args[0] = s->enc.p; lens[0] = s->enc.len;
	args[1] = f; lens[1] = strlen(f);
	args[2] = l; lens[2] = strlen(l);
	args[3] = c; lens[3] = strlen(c);
	args[4] = w; lens[4] = strlen(w);
	if (append_eval(s, SC_MERGE, false, &s->key, 5, args, lens) < 0)
		return b->rc = kme_errnof(b->err, ENOMEM, "push");
	b->queued++;
	b->sent++;
	if (b->queued >= RS_BATCH && batch_read(b) < 0)
		b->rc = -1;
	return b->rc;
}

static int batch_end(struct batch *b)
{
	if (b->rc == 0 && batch_read(b) < 0)
		b->rc = -1;
	return b->rc;
}

/* Merge the local table's pending sightings into Redis, then empty it:
 * Redis holds them now. */
static int push_pending(struct rs_store *s, struct kme_err *err)
{
	struct batch b = { .s = s, .err = err };
	struct tt_iter it;
	struct tt_item item;

	if (tt_pending_terms(s->tt) == 0)
		return 0;
	tt_iter_init(s->tt, &it);
	while (tt_iter_next(&it, &item))
		if (item.pending > 0 &&
		    batch_add(&b, &item.term, item.first, item.last,
			      item.pending) < 0)
			break;
	if (batch_end(&b) < 0)
		return -1;
	s->pushed += b.sent;
	tt_clear(s->tt);
	return 0;
}

/* ---- store operations --------------------------------------------------- */

static int local_touch(struct rs_store *s, const struct nt_term *term,
		       int64_t t, struct nt_seen *seen, struct kme_err *err)
{
	int rc = tt_check_touch(s->tt, term, t, seen, err);

	if (!s->o.write_behind) {
		s->fallbacks++;
		seen->local = true;
	}
	return rc;
}

static int64_t reply_int(const redisReply *r)
{
	if (r->type == REDIS_REPLY_INTEGER)
		return (int64_t)r->integer;
	if (r->type == REDIS_REPLY_STRING && r->str != NULL)
		return strtoll(r->str, NULL, 10);
	return 0;
}

static int rs_check_touch(struct nt_store *base, const struct nt_term *term,
			  int64_t t, struct nt_seen *seen, struct kme_err *err)
{
	struct rs_store *s = (struct rs_store *)base;
	struct kme_err cerr = { "" };
	char ts[24], ws[24];
	const char *args[3];
	size_t lens[3];
	redisReply *r;

	memset(seen, 0, sizeof(*seen));
	seen->is_new = true;
	if (s->o.write_behind) {
		if (local_touch(s, term, t, seen, err) < 0)
			return -1;
		if (tt_pending_terms(s->tt) >= RS_BATCH && ready(s) &&
		    push_pending(s, &cerr) < 0)
			go_down(s, cerr.msg);
		return 0;
	}
	if (rs_key_of(s->cfg, s->prefix, term, &s->key, &s->enc) < 0)
		return kme_errf(err, "new-terms store: term too long or with "
				"the wrong number of values");
	if (!ready(s))
		return local_touch(s, term, t, seen, err);
	snprintf(ts, sizeof(ts), "%" PRId64, clamp_time(t));
	snprintf(ws, sizeof(ws), "%" PRId64, s->cfg->history_window);
	args[0] = ts; lens[0] = strlen(ts);
	args[1] = ws; lens[1] = strlen(ws);
	args[2] = s->enc.p; lens[2] = s->enc.len;
	r = eval1(s, SC_TOUCH, &s->key, 3, args, lens, &cerr);
	if (r == NULL) {
		go_down(s, cerr.msg);
		return local_touch(s, term, t, seen, err);
	}
	if (r->type != REDIS_REPLY_ARRAY || r->elements < 1) {
		kme_errf(err, "new-terms store %s: unexpected reply: %.200s",
			 s->where, r->type == REDIS_REPLY_ERROR ? r->str : "");
		freeReplyObject(r);
		s->errors++;
		return -1;
	}
	if (reply_int(r->element[0]) < 0) {
		freeReplyObject(r);
		s->errors++;
		return kme_errf(err, "new-terms store %s: another term holds "
				"this term's key (hash collision)", s->where);
	}
	if (reply_int(r->element[0]) == 1 && r->elements == 5) {
		seen->known = true;
		seen->is_new = reply_int(r->element[1]) != 0;
		seen->first_seen = reply_int(r->element[2]);
		seen->last_seen = reply_int(r->element[3]);
		seen->count = (uint64_t)reply_int(r->element[4]);
	}
	freeReplyObject(r);
	return 0;
}

static int rs_rate_allow(struct nt_store *base, int64_t t, bool *allowed)
{
	struct rs_store *s = (struct rs_store *)base;
	struct kme_err cerr = { "" };
	int64_t iv = s->cfg->alert_interval > 0 ? s->cfg->alert_interval : 1;
	int64_t start, q;
	char ttl[24];
	const char *args[1];
	size_t lens[1];
	redisReply *r;

	if (!s->o.rate_limit || s->o.write_behind || !ready(s))
		return -1;
	if (s->cfg->max_alerts == 0) {
		*allowed = true;
		return 0;
	}
	t = clamp_time(t);
	q = t / iv;
	if (t % iv != 0 && t < 0)
		q--;
	start = q * iv;
	buf_reset(&s->key);
	buf_printf(&s->key, "%s%s:%s:rate:%" PRId64 ":%" PRId64, s->prefix,
		   s->cfg->rule_id, s->cfg->rule_version, iv, start);
	snprintf(ttl, sizeof(ttl), "%" PRId64, 2 * iv);
	args[0] = ttl; lens[0] = strlen(ttl);
	r = eval1(s, SC_RATE, &s->key, 1, args, lens, &cerr);
	if (r == NULL) {
		go_down(s, cerr.msg);
		return -1;
	}
	if (r->type != REDIS_REPLY_INTEGER) {
		freeReplyObject(r);
		s->errors++;
		return -1;
	}
	*allowed = r->integer <= (long long)s->cfg->max_alerts;
	freeReplyObject(r);
	return 0;
}

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

	if (!s->o.write_behind) {
		(void)ready(s);  /* a loss is counted and was said */
		return 0;
	}
	if (s->c == NULL && connect_now(s, &cerr) < 0)
		return kme_errf(err, "new-terms store %s: %s; %zu term(s) "
				"not written", s->where, cerr.msg,
				tt_pending_terms(s->tt));
	if (push_pending(s, &cerr) < 0) {
		go_down(s, cerr.msg);
		return kme_errf(err, "new-terms store %s: %s", s->where,
				cerr.msg);
	}
	return 0;
}

static void rs_stats(const struct nt_store *base, struct nt_stats *out)
{
	const struct rs_store *s = (const struct rs_store *)base;

	tt_stats(s->tt, out);
	out->shared = true;
	out->fallbacks = s->fallbacks;
	out->errors = s->errors;
	out->pushed = s->pushed;
	out->dropped = out->evicted;
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
	if (s->c != NULL && tt_pending_terms(s->tt) > 0 &&
	    push_pending(s, &err) < 0)
		log_errx("new-terms store %s: %s; %zu locally decided term(s) "
			 "not pushed", s->where, err.msg,
			 tt_pending_terms(s->tt));
	if (s->c != NULL)
		redisFree(s->c);
	tt_free(s->tt);
	buf_free(&s->key);
	buf_free(&s->enc);
	buf_free(&s->ns);
	free(s->prefix);
	explicit_bzero(s->password, sizeof(s->password));
	free(s);
}

static const struct nt_store_ops rs_ops = {
	.check_touch = rs_check_touch,
	.expire = rs_expire,
	.save = rs_save,
	.stats = rs_stats,
	.foreach = rs_foreach,
	.destroy = rs_destroy,
	.rate_allow = rs_rate_allow,
};

/* ---- opening -------------------------------------------------------------- */

bool rs_available(void)
{
	return true;
}

const char *rs_where(const struct nt_store *base)
{
	if (base == NULL || base->ops != &rs_ops)
		return "redis";
	return ((const struct rs_store *)base)->where;
}

/* The password file, checked as the config file is: a regular file, no
 * symlink, and in plugin mode root's; never readable by group or others. */
static int read_password(const char *path, bool check_owner, char *out,
			 struct kme_err *err)
{
	const struct safe_read r = {
		.what = "password file", .root_owned = check_owner,
		.deny = 077,
		.deny_why = "readable or writable by group or others (chmod 0600)",
		.max = RS_PASSWORD_MAX, .max_why = "larger than 512 bytes",
	};
	char buf[RS_PASSWORD_MAX + 2];
	size_t n, len;

	if (safe_read_file(path, &r, buf, &n, err) < 0)
		return -1;
	if (n > RS_PASSWORD_MAX) /* grew since the check */
		return kme_errf(err, "%s: refusing password file: %s", path,
				r.max_why);
	buf[n] = '\0';
	len = strcspn(buf, "\r\n");
	buf[len] = '\0';
	if (len == 0 || strlen(buf) != len)
		return kme_errf(err, "%s: refusing password file: empty or "
				"holding a NUL byte", path);
	memcpy(out, buf, len + 1);
	return 0;
}

struct nt_store *rs_open(const struct kme_config *cfg,
			 const struct rs_opts *o, struct kme_err *err)
{
	struct rs_store *s = calloc(1, sizeof(*s));
	struct kme_err cerr = { "" };
	char shown[RU_MAX + 64];

	if (s == NULL) {
		kme_errnof(err, ENOMEM, "new-terms store");
		return NULL;
	}
	s->store.ops = &rs_ops;
	s->cfg = cfg;
	s->o = *o;
	buf_init(&s->key, 2 * TT_KEY_MAX);
	buf_init(&s->enc, TT_KEY_MAX);
	buf_init(&s->ns, TT_KEY_MAX);
	if (ru_parse(o->url, &s->url, err) < 0)
		goto fail;
	if (s->url.kind == RU_FILE) {
		kme_errf(err, "new-terms store: 'file' is not a Redis URL");
		goto fail;
	}
	snprintf(s->where, sizeof(s->where), "%s",
		 ru_show(&s->url, shown, sizeof(shown)));
	if (cfg->redis_password_file != NULL) {
		if (read_password(cfg->redis_password_file, o->check_owner,
				  s->password, err) < 0)
			goto fail;
	} else if (s->url.has_password) {
		snprintf(s->password, sizeof(s->password), "%s",
			 s->url.password);
	}
	explicit_bzero(s->url.password, sizeof(s->url.password));
	if (s->url.user[0] != '\0' && s->password[0] == '\0') {
		kme_errf(err, "new-terms store %s: user '%s' without a "
			 "password (redis_password_file)", s->where,
			 s->url.user);
		goto fail;
	}
	s->prefix = strdup(cfg->redis_key_prefix ? cfg->redis_key_prefix
						 : "kme:");
	s->tt = tt_new(cfg->nterm_fields, cfg->history_window,
		       cfg->max_terms < RS_QUEUE_MAX ? cfg->max_terms
						     : RS_QUEUE_MAX, err);
	if (s->prefix == NULL || s->tt == NULL) {
		if (s->prefix == NULL)
			kme_errnof(err, ENOMEM, "new-terms store");
		goto fail;
	}
	if (connect_now(s, &cerr) < 0) {
		if (o->require) {
			kme_errf(err, "new-terms store %s: %s", s->where,
				 cerr.msg);
			goto fail;
		}
		go_down(s, cerr.msg);
	}
	return &s->store;
fail:
	rs_destroy(&s->store);
	return NULL;
}

/* ---- whole-history operations ---------------------------------------------- */

/* SCAN's MATCH pattern of this identity: glob bytes of the rule id or
 * version escaped. */
static void put_pattern(struct rs_store *s, struct kme_buf *out)
{
	size_t i;

	buf_reset(&s->ns);
	put_ns(s->cfg, s->prefix, &s->ns);
	buf_reset(out);
	for (i = 0; i < s->ns.len; i++) {
		if (strchr("*?[]\\", s->ns.p[i]) != NULL)
			buf_putc(out, '\\');
		buf_putc(out, s->ns.p[i]);
	}
	buf_putc(out, '*');
}

/* A listing holds up to max_terms terms, not just the local queue's bound:
 * the local table is replaced by one of that size. */
static int make_room_for_listing(struct rs_store *s, struct kme_err *err)
{
	struct tt_table *big;

	if (tt_max_terms(s->tt) >= s->cfg->max_terms)
		return 0;
	big = tt_new(s->cfg->nterm_fields, s->cfg->history_window,
		     s->cfg->max_terms, err);
	if (big == NULL)
		return -1;
	tt_free(s->tt);
	s->tt = big;
	return 0;
}

/* Is h the HMGET reply of one of our terms (v, f, l and c all strings)? */
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

/* The terms of one SCAN page's keys into the local table: their HMGETs
 * pipelined, then every reply read. A damaged value (not ours) is skipped. */
static int load_keys(struct rs_store *s, const redisReply *keys, size_t *loaded,
		     struct kme_err *err)
{
	const char *argv[6] = { "HMGET", NULL, "v", "f", "l", "c" };
	size_t lens[6] = { 5, 0, 1, 1, 1, 1 }, i;
	void *rp;

	for (i = 0; i < keys->elements; i++) {
		argv[1] = keys->element[i]->str;
		lens[1] = keys->element[i]->len;
		redisAppendCommandArgv(s->c, 6, argv, lens);
	}
	for (i = 0; i < keys->elements; i++) {
		const redisReply *h;

		if (redisGetReply(s->c, &rp) != REDIS_OK)
			return kme_errf(err, "new-terms store %s: HMGET: %s",
					s->where, s->c->errstr);
		h = rp;
		if (term_reply(h)) {
			int64_t f = reply_int(h->element[1]);
			int64_t l = reply_int(h->element[2]);
			int64_t c = reply_int(h->element[3]);

			if (f <= l && c >= 1 && h->element[0]->len <= TT_KEY_MAX &&
			    tt_add(s->tt, h->element[0]->str, h->element[0]->len,
				   f, l, (uint64_t)c) == 0)
				(*loaded)++;
		}
		freeReplyObject(rp);
	}
	return 0;
}

int rs_load_all(struct nt_store *base, size_t *loaded, struct kme_err *err)
{
	struct rs_store *s = (struct rs_store *)base;
	const char *argv[6] = { "SCAN", NULL, "MATCH", NULL, "COUNT", "1000" };
	size_t lens[6] = { 4, 0, 5, 0, 5, 4 };
	char cursor[32] = "0";
	struct kme_buf pat;
	struct nt_stats st;
	redisReply *r;
	int rc = 0;

	*loaded = 0;
	if (base->ops != &rs_ops || !ready(s))
		return kme_errf(err, "new-terms store %s: not answering",
				s->where);
	if (make_room_for_listing(s, err) < 0)
		return -1;
	buf_init(&pat, 4 * TT_KEY_MAX);
	put_pattern(s, &pat);
	do {
		argv[1] = cursor;
		lens[1] = strlen(cursor);
		argv[3] = pat.p;
		lens[3] = pat.len;
		r = redisCommandArgv(s->c, 6, argv, lens);
		if (r == NULL || r->type != REDIS_REPLY_ARRAY ||
		    r->elements != 2 ||
		    r->element[0]->type != REDIS_REPLY_STRING ||
		    r->element[1]->type != REDIS_REPLY_ARRAY) {
			rc = kme_errf(err, "new-terms store %s: SCAN: %s", s->where,
				      r == NULL ? s->c->errstr : "unexpected reply");
			break;
		}
		snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
		rc = load_keys(s, r->element[1], loaded, err);
		freeReplyObject(r);
		r = NULL;
	} while (rc == 0 && strcmp(cursor, "0") != 0);
	if (r != NULL)
		freeReplyObject(r);
	buf_free(&pat);
	if (rc < 0)
		return -1;
	tt_stats(s->tt, &st);
	if (st.evicted > 0)
		log_warnx("new-terms store %s holds more than max_terms=%zu "
			  "terms; listing %zu of them", s->where,
			  tt_max_terms(s->tt), st.terms);
	return 0;
}

struct import_arg {
	struct batch b;
};

static void import_one(void *arg, const struct nt_term *term,
		       int64_t first, int64_t last, uint64_t count)
{
	struct import_arg *a = arg;

	(void)batch_add(&a->b, term, first, last, count);
}

int rs_import(struct nt_store *base, const struct nt_store *src, size_t *n,
	      struct kme_err *err)
{
	struct rs_store *s = (struct rs_store *)base;
	struct import_arg a = { .b = { .s = s, .err = err } };

	*n = 0;
	if (base->ops != &rs_ops || !ready(s))
		return kme_errf(err, "new-terms store %s: not answering",
				s->where);
	nt_foreach(src, import_one, &a);
	if (batch_end(&a.b) < 0) {
		go_down(s, err->msg);
		return -1;
	}
	*n = a.b.sent;
	return 0;
}

#endif /* HAVE_HIREDIS */
