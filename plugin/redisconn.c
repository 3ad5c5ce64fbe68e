/* redisconn.c - one connection to the fleet's Redis (see redisconn.h):
 * synchronous hiredis calls, each bounded by the timeouts. A build without
 * hiredis has redisnone.c instead. */
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
#include "redisconn.h"
#include "redisurl.h"
#include "safefile.h"

#ifdef HAVE_HIREDIS


#include <hiredis/hiredis.h>

/* Time clamp: Lua numbers are doubles. */
#define RC_TIME_MAX (((int64_t)1 << 53) - 1)

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
static const char script_count[] =
"local n=redis.call('INCR',KEYS[1])\n"
"if n==1 then redis.call('PEXPIRE',KEYS[1],ARGV[1]) end return n\n";

enum { SC_TOUCH = 0, SC_MERGE, SC_COUNT, SC__COUNT };

static const char *const scripts[SC__COUNT] = {
	script_touch, script_merge, script_count,
};

struct rc_conn {
	struct ru_url url;
	char where[RU_MAX + 64];
	char password[RC_PASSWORD_MAX + 1];
	int64_t connect_timeout, command_timeout;
	redisContext *c;                  /* NULL: down */
	char sha[SC__COUNT][41];
	int64_t next_try;                 /* monotonic ms */
	int64_t backoff;
	bool down_said;
	unsigned nlogs;
	uint64_t errors;
};

/* Arguments of one command, built up in place. */
struct args {
	const char *v[10];
	size_t len[10];
	int n;
};

static void arg(struct args *a, const char *p, size_t len)
{
	if (a->n < 10) {
		a->v[a->n] = p;
		a->len[a->n++] = len;
	}
}

static void arg_str(struct args *a, const char *s)
{
	arg(a, s, strlen(s));
}

static int64_t clamp_time(int64_t t)
{
	return t > RC_TIME_MAX ? RC_TIME_MAX : t < -RC_TIME_MAX ? -RC_TIME_MAX : t;
}

static struct timeval tv_of(int64_t ms)
{
	return (struct timeval){ .tv_sec = ms / 1000,
				 .tv_usec = (ms % 1000) * 1000 };
}

static bool reply_is_error(const redisReply *r)
{
	return r == NULL || r->type == REDIS_REPLY_ERROR;
}

static bool is_noscript(const redisReply *r)
{
	return r != NULL && r->type == REDIS_REPLY_ERROR && r->str != NULL &&
	       strncmp(r->str, "NOSCRIPT", 8) == 0;
}

static int64_t reply_int(const redisReply *r)
{
	if (r->type == REDIS_REPLY_INTEGER)
		return (int64_t)r->integer;
	if (r->type == REDIS_REPLY_STRING && r->str != NULL)
		return strtoll(r->str, NULL, 10);
	return 0;
}

/* The context's own message, or what it lacks. */
static const char *ctx_error(const struct rc_conn *c, const char *none)
{
	return c->c != NULL && c->c->errstr[0] ? c->c->errstr : none;
}

/* ---- the connection's state ---------------------------------------------- */

bool rc_available(void)
{
	return true;
}

const char *rc_where(const struct rc_conn *c)
{
	return c != NULL ? c->where : "redis";
}

bool rc_up(const struct rc_conn *c)
{
	return c->c != NULL;
}

bool rc_due(const struct rc_conn *c)
{
	return c->c == NULL && clk_mono_ms() >= c->next_try;
}

void rc_count_error(struct rc_conn *c)
{
	c->errors++;
}

uint64_t rc_errors(const struct rc_conn *c)
{
	return c->errors;
}

/* A lost-or-back message, while fewer than RC_LOG_MAX were said. */
static void say(struct rc_conn *c, bool lost, const char *why)
{
	if (c->nlogs >= RC_LOG_MAX)
		return;
	c->nlogs++;
	if (lost)
		log_errx("new-terms store %s: %s; deciding with local history "
			 "until it answers (counted in store_fallbacks and "
			 "store_errors)%s", c->where, why,
			 c->nlogs == RC_LOG_MAX ? "; further changes are only "
			 "counted" : "");
	else
		log_notice("new-terms store %s: %s", c->where, why);
}

static void hang_up(struct rc_conn *c)
{
	if (c->c != NULL) {
		redisFree(c->c);
		c->c = NULL;
	}
}

void rc_down(struct rc_conn *c, const char *why)
{
	hang_up(c);
	c->errors++;
	c->backoff = c->backoff == 0 ? RC_BACKOFF_MIN
		   : c->backoff * 2 > RC_BACKOFF_MAX ? RC_BACKOFF_MAX
		   : c->backoff * 2;
	c->next_try = clk_mono_ms() + c->backoff;
	if (!c->down_said) {
		c->down_said = true;
		say(c, true, why);
	}
}

void rc_back(struct rc_conn *c, const char *what)
{
	c->backoff = 0;
	if (c->down_said) {
		c->down_said = false;
		say(c, false, what);
	}
}

/* ---- connecting, step by step -------------------------------------------- */

/* Send one command and read its reply; NULL on a connection error (the
 * context is then unusable), err set. */
static redisReply *command(struct rc_conn *c, struct args *a,
			   struct kme_err *err)
{
	redisReply *r = redisCommandArgv(c->c, a->n, a->v, a->len);

	if (r == NULL)
		kme_errf(err, "%s", ctx_error(c, "no reply"));
	return r;
}

static int dial(struct rc_conn *c, struct kme_err *err)
{
	struct timeval ct = tv_of(c->connect_timeout);

	c->c = c->url.kind == RU_UNIX
	       ? redisConnectUnixWithTimeout(c->url.path, ct)
	       : redisConnectWithTimeout(c->url.host, c->url.port, ct);
	if (c->c == NULL)
		return kme_errnof(err, ENOMEM, "connect");
	if (c->c->err)
		return kme_errf(err, "connect: %s", c->c->errstr);
	if (redisSetTimeout(c->c, tv_of(c->command_timeout)) != REDIS_OK)
		return kme_errf(err, "set timeout: %s", c->c->errstr);
	return 0;
}

/* A command that must not be refused; what names it in messages. */
static int expect_ok(struct rc_conn *c, struct args *a,
		     const char *what, struct kme_err *err)
{
	redisReply *r = command(c, a, err);
	int rc = 0;

	if (r == NULL)
		return -1;
	if (reply_is_error(r))
		rc = kme_errf(err, "%s: %.200s", what, r->str ? r->str : "");
	freeReplyObject(r);
	return rc;
}

static int auth(struct rc_conn *c, struct kme_err *err)
{
	struct args a = { .n = 0 };
	char what[RU_CRED_MAX + 32];

	if (c->password[0] == '\0')
		return 0;
	arg_str(&a, "AUTH");
	if (c->url.user[0] != '\0')
		arg_str(&a, c->url.user);
	arg_str(&a, c->password);
	snprintf(what, sizeof(what), "AUTH%s%s refused",
		 c->url.user[0] ? " as " : "", c->url.user);
	return expect_ok(c, &a, what, err);
}

static int select_db(struct rc_conn *c, struct kme_err *err)
{
	struct args a = { .n = 0 };
	char db[16], what[32];

	if (c->url.db == 0)
		return 0;
	snprintf(db, sizeof(db), "%d", c->url.db);
	snprintf(what, sizeof(what), "SELECT %s", db);
	arg_str(&a, "SELECT");
	arg_str(&a, db);
	return expect_ok(c, &a, what, err);
}

static int load_scripts(struct rc_conn *c, struct kme_err *err)
{
	redisReply *r;
	int i;

	for (i = 0; i < SC__COUNT; i++) {
		struct args a = { .n = 0 };

		arg_str(&a, "SCRIPT");
		arg_str(&a, "LOAD");
		arg_str(&a, scripts[i]);
		if ((r = command(c, &a, err)) == NULL)
			return -1;
		if (r->type != REDIS_REPLY_STRING || r->len != 40) {
			kme_errf(err, "SCRIPT LOAD: %.200s",
				 r->str ? r->str : "unexpected reply");
			freeReplyObject(r);
			return -1;
		}
		memcpy(c->sha[i], r->str, 40);
		c->sha[i][40] = '\0';
		freeReplyObject(r);
	}
	return 0;
}

/* Each step is one bounded exchange with the server. */
static int (*const connect_steps[])(struct rc_conn *, struct kme_err *) = {
	dial, auth, select_db, load_scripts,
};

int rc_connect(struct rc_conn *c, struct kme_err *err)
{
	size_t i;

	hang_up(c);
	for (i = 0; i < sizeof(connect_steps) / sizeof(connect_steps[0]); i++)
		if (connect_steps[i](c, err) < 0) {
			hang_up(c);
			return -1;
		}
	return 0;
}

int rc_start(struct rc_conn *c, bool require, struct kme_err *err)
{
	struct kme_err cerr = { "" };

	if (rc_connect(c, &cerr) == 0)
		return 0;
	if (require)
		return kme_errf(err, "new-terms store %s: %s", c->where,
				cerr.msg);
	rc_down(c, cerr.msg);
	return 0;
}

/* ---- opening ------------------------------------------------------------- */

/* The password file, checked as the config file is: a regular file, no
 * symlink, and in plugin mode root's; never readable by group or others. */
static int read_password(const char *path, bool check_owner, char *out,
			 struct kme_err *err)
{
	const struct safe_read r = {
		.what = "password file", .root_owned = check_owner,
		.deny = 077,
		.deny_why = "readable or writable by group or others (chmod 0600)",
		.max = RC_PASSWORD_MAX, .max_why = "larger than 512 bytes",
	};
	char buf[RC_PASSWORD_MAX + 2];
	size_t n, len;

	if (safe_read_file(path, &r, buf, &n, err) < 0)
		return -1;
	if (n > RC_PASSWORD_MAX) /* grew since the check */
		return kme_errf(err, "%s: refusing password file: %s", path,
				r.max_why);
	buf[n] = '\0';
	len = strcspn(buf, "\r\n");
	buf[len] = '\0';
	if (len == 0 || strlen(buf) != len)
		return kme_errf(err, "%s: refusing password file: empty or "
				"holding a NUL byte", path);
	memcpy(out, buf, len + 1);
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

/* The URL and the credentials of o into c. */
static int set_address(struct rc_conn *c, const struct rc_opts *o,
		       struct kme_err *err)
{
	char shown[RU_MAX + 64];

	if (ru_parse(o->url, &c->url, err) < 0)
		return -1;
	if (c->url.kind == RU_FILE)
		return kme_errf(err, "new-terms store: 'file' is not a Redis URL");
	snprintf(c->where, sizeof(c->where), "%s",
		 ru_show(&c->url, shown, sizeof(shown)));
	if (o->password_file != NULL) {
		if (read_password(o->password_file, o->check_owner,
				  c->password, err) < 0)
			return -1;
	} else if (c->url.has_password) {
		snprintf(c->password, sizeof(c->password), "%s",
			 c->url.password);
	}
	explicit_bzero(c->url.password, sizeof(c->url.password));
	if (c->url.user[0] != '\0' && c->password[0] == '\0')
		return kme_errf(err, "new-terms store %s: user '%s' without a "
				"password (redis_password_file)", c->where,
				c->url.user);
	return 0;
}

struct rc_conn *rc_new(const struct rc_opts *o, struct kme_err *err)
{
	struct rc_conn *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		kme_errnof(err, ENOMEM, "new-terms store");
		return NULL;
	}
	c->connect_timeout = o->connect_timeout;
	c->command_timeout = o->command_timeout;
	if (set_address(c, o, err) < 0) {
		rc_free(c);
		return NULL;
	}
	return c;
}

void rc_free(struct rc_conn *c)
{
	if (c == NULL)
		return;
	hang_up(c);
	explicit_bzero(c->password, sizeof(c->password));
	explicit_bzero(&c->url, sizeof(c->url));
	free(c);
}

/* ---- scripts ------------------------------------------------------------- */

/* Append one EVALSHA (EVAL when by_text) of script sc with one key and
 * the arguments of a to the pipeline. */
static int append_eval(struct rc_conn *c, int sc, bool by_text,
		       const struct kme_buf *key, const struct args *a)
{
	struct args e = { .n = 0 };
	int i;

	arg_str(&e, by_text ? "EVAL" : "EVALSHA");
	arg_str(&e, by_text ? scripts[sc] : c->sha[sc]);
	arg_str(&e, "1");
	arg(&e, key->p, key->len);
	for (i = 0; i < a->n; i++)
		arg(&e, a->v[i], a->len[i]);
	return redisAppendCommandArgv(c->c, e.n, e.v, e.len) == REDIS_OK ? 0
									  : -1;
}

/* One script call, EVAL again when the server forgot the script. NULL
 * (err set) when no usable answer came: RC_LOST. */
static redisReply *eval1(struct rc_conn *c, int sc, const struct kme_buf *key,
			 const struct args *a, struct kme_err *err)
{
	redisReply *r;
	void *rp;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		if (append_eval(c, sc, pass == 1, key, a) < 0 ||
		    redisGetReply(c->c, &rp) != REDIS_OK) {
			kme_errf(err, "%s", ctx_error(c, "command failed"));
			return NULL;
		}
		r = rp;
		if (!is_noscript(r))
			return r;
		freeReplyObject(r);
	}
	kme_errf(err, "script not accepted");
	return NULL;
}

/* Read the touch script's reply into out. */
static int touch_reply(const redisReply *r, struct rc_sighting *out)
{
	int64_t tag;

	if (r->type != REDIS_REPLY_ARRAY || r->elements < 1)
		return -1;
	tag = reply_int(r->element[0]);
	*out = (struct rc_sighting){ .found = RC_UNKNOWN, .is_new = true };
	if (tag < 0) {
		out->found = RC_TAKEN;
	} else if (tag == 1) {
		if (r->elements != 5)
			return -1;
		out->found = RC_KNOWN;
		out->is_new = reply_int(r->element[1]) != 0;
		out->first = reply_int(r->element[2]);
		out->last = reply_int(r->element[3]);
		out->count = (uint64_t)reply_int(r->element[4]);
	}
	return 0;
}

int rc_touch(struct rc_conn *c, const struct kme_buf *key,
	     const struct kme_buf *enc, int64_t t, int64_t window,
	     struct rc_sighting *out, struct kme_err *err)
{
	struct args a = { .n = 0 };
	char ts[24], ws[24];
	redisReply *r;
	int rc = RC_OK;

	if (c->c == NULL)
		return kme_errf(err, "not connected"), RC_LOST;
	snprintf(ts, sizeof(ts), "%" PRId64, clamp_time(t));
	snprintf(ws, sizeof(ws), "%" PRId64, window);
	arg_str(&a, ts);
	arg_str(&a, ws);
	arg(&a, enc->p, enc->len);
	if ((r = eval1(c, SC_TOUCH, key, &a, err)) == NULL)
		return RC_LOST;
	if (touch_reply(r, out) < 0) {
		kme_errf(err, "unexpected reply: %.200s",
			 r->type == REDIS_REPLY_ERROR && r->str ? r->str : "");
		rc = RC_REFUSED;
	}
	freeReplyObject(r);
	return rc;
}

int rc_count(struct rc_conn *c, const struct kme_buf *key, int64_t ttl,
	     uint64_t *n, struct kme_err *err)
{
	struct args a = { .n = 0 };
	char ts[24];
	redisReply *r;
	int rc = RC_OK;

	if (c->c == NULL)
		return kme_errf(err, "not connected"), RC_LOST;
	snprintf(ts, sizeof(ts), "%" PRId64, ttl);
	arg_str(&a, ts);
	if ((r = eval1(c, SC_COUNT, key, &a, err)) == NULL)
		return RC_LOST;
	if (r->type != REDIS_REPLY_INTEGER || r->integer < 0) {
		kme_errf(err, "unexpected reply: %.200s",
			 r->type == REDIS_REPLY_ERROR && r->str ? r->str : "");
		rc = RC_REFUSED;
	} else {
		*n = (uint64_t)r->integer;
	}
	freeReplyObject(r);
	return rc;
}

/* ---- pipelined merges ---------------------------------------------------- */

void rc_batch_init(struct rc_batch *b, struct rc_conn *c, struct kme_err *err)
{
	*b = (struct rc_batch){ .c = c, .err = err };
}

/* Read every queued reply; the first refusal is the batch's error. */
static int batch_read(struct rc_batch *b)
{
	void *rp;
	redisReply *r;
	int rc = 0;

	for (; b->queued > 0; b->queued--) {
		if (redisGetReply(b->c->c, &rp) != REDIS_OK)
			return kme_errf(b->err, "push: %s",
					ctx_error(b->c, "no reply"));
		r = rp;
		if (reply_is_error(r) && rc == 0)
			rc = kme_errf(b->err, "push: %.200s",
				      r->str ? r->str : "");
		else if (r->type == REDIS_REPLY_INTEGER && r->integer < 0)
			b->c->errors++;   /* a hash collision: kept apart */
		freeReplyObject(r);
	}
	return rc;
}

int rc_merge(struct rc_batch *b, const struct kme_buf *key,
	     const struct kme_buf *enc, int64_t first, int64_t last,
	     uint64_t count, int64_t window)
{
	struct args a = { .n = 0 };
	char f[24], l[24], n[24], w[24];

	if (b->rc < 0)
		return -1;
	if (b->c->c == NULL)
		return b->rc = kme_errf(b->err, "push: not connected");
	snprintf(f, sizeof(f), "%" PRId64, clamp_time(first));
	snprintf(l, sizeof(l), "%" PRId64, clamp_time(last));
	snprintf(n, sizeof(n), "%" PRIu64, count);
	snprintf(w, sizeof(w), "%" PRId64, window);
	arg(&a, enc->p, enc->len);
	arg_str(&a, f);
	arg_str(&a, l);
	arg_str(&a, n);
	arg_str(&a, w);
	if (append_eval(b->c, SC_MERGE, false, key, &a) < 0)
		return b->rc = kme_errnof(b->err, ENOMEM, "push");
	b->queued++;
	b->sent++;
	if (b->queued >= RC_BATCH && batch_read(b) < 0)
		b->rc = -1;
	return b->rc;
}

int rc_batch_end(struct rc_batch *b)
{
	if (b->rc == 0 && batch_read(b) < 0)
		b->rc = -1;
	return b->rc;
}

/* ---- listing ------------------------------------------------------------- */

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
	const redisReply *h;
	void *rp;

	for (i = 0; i < keys->elements; i++) {
		argv[1] = keys->element[i]->str;
		lens[1] = keys->element[i]->len;
		redisAppendCommandArgv(s->c->c, 6, argv, lens);
	}
	for (i = 0; i < keys->elements; i++) {
		if (redisGetReply(s->c->c, &rp) != REDIS_OK)
			return kme_errf(s->err, "new-terms store %s: HMGET: %s",
					s->c->where, ctx_error(s->c, "no reply"));
		h = rp;
		if (term_reply(h))
			s->fn(s->arg, h->element[0]->str, h->element[0]->len,
			      reply_int(h->element[1]), reply_int(h->element[2]),
			      reply_int(h->element[3]));
		freeReplyObject(rp);
	}
	return 0;
}

static bool scan_reply(const redisReply *r)
{
	return r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
	       r->element[0]->type == REDIS_REPLY_STRING &&
	       r->element[1]->type == REDIS_REPLY_ARRAY;
}

int rc_scan_terms(struct rc_conn *c, const struct kme_buf *pattern,
		  void (*fn)(void *arg, const char *enc, size_t len,
			     int64_t first, int64_t last, int64_t count),
		  void *arg, struct kme_err *err)
{
	struct scan s = { .c = c, .fn = fn, .arg = arg, .err = err };
	const char *argv[6] = { "SCAN", NULL, "MATCH", NULL, "COUNT", "1000" };
	size_t lens[6] = { 4, 0, 5, 0, 5, 4 };
	char cursor[32] = "0";
	redisReply *r;
	int rc = 0;

	if (c->c == NULL)
		return kme_errf(err, "new-terms store %s: not answering",
				c->where);
	argv[3] = pattern->p;
	lens[3] = pattern->len;
	do {
		argv[1] = cursor;
		lens[1] = strlen(cursor);
		r = redisCommandArgv(c->c, 6, argv, lens);
		if (!scan_reply(r)) {
			rc = kme_errf(err, "new-terms store %s: SCAN: %s", c->where,
				      r == NULL ? ctx_error(c, "no reply")
						: "unexpected reply");
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
