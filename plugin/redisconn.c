/* redisconn.c - one connection to the fleet's Redis (see redisconn.h):
 * its state and backoff, connecting as steps over a non-blocking socket,
 * and one command at a time (rcwire.h: every wait a poll with a deadline).
 * A build without hiredis has redisnone.c instead. */
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

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/sds.h>

#include "rcwire.h"

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

static const char *const scripts[SC__COUNT] = {
	script_touch, script_merge, script_count,
};

static bool reply_is_error(const redisReply *r)
{
	return r == NULL || r->type == REDIS_REPLY_ERROR;
}

static bool is_noscript(const redisReply *r)
{
	return r != NULL && r->type == REDIS_REPLY_ERROR && r->str != NULL &&
	       strncmp(r->str, "NOSCRIPT", 8) == 0;
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
	return c->phase == RCW_UP;
}

bool rc_idle(const struct rc_conn *c)
{
	return c->phase == RCW_UP && c->inflight == 0;
}

bool rc_connecting(const struct rc_conn *c)
{
	return c->phase == RCW_DIAL || c->phase == RCW_HELLO;
}

bool rc_due(const struct rc_conn *c)
{
	return c->phase == RCW_DOWN && clk_mono_ms() >= c->next_try;
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
	if (c->c != NULL)
		redisFree(c->c);    /* closes its socket */
	else if (c->fd >= 0)
		close(c->fd);
	c->c = NULL;
	c->fd = -1;
	c->addr = NULL;
	c->inflight = 0;
	c->phase = RCW_DOWN;
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

/* ---- scripts in a pipeline ---------------------------------------------- */

int rc_append_eval(struct rc_conn *c, int sc, bool by_text,
		    const struct kme_buf *key, const struct rcw_args *a)
{
	struct rcw_args e = { .n = 0 };
	int i;

	rcw_arg_str(&e, by_text ? "EVAL" : "EVALSHA");
	rcw_arg_str(&e, by_text ? scripts[sc] : c->sha[sc]);
	rcw_arg_str(&e, "1");
	rcw_arg(&e, key->p, key->len);
	for (i = 0; i < a->n; i++)
		rcw_arg(&e, a->v[i], a->len[i]);
	return redisAppendCommandArgv(c->c, e.n, e.v, e.len) == REDIS_OK ? 0
									  : -1;
}

/* ---- dialling ------------------------------------------------------------ */

static int hello_send(struct rc_conn *c, struct kme_err *err);

/* Connected: the socket goes to hiredis (redisConnectFd, so that the
 * dial and every wait are ours, rcwire.h), and the hello is sent. */
static int dialled(struct rc_conn *c, struct kme_err *err)
{
	int one = 1;

	if (c->url.kind == RU_TCP)
		(void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one,
				 sizeof(one));
	if ((c->c = redisConnectFd(c->fd)) == NULL)
		return kme_errnof(err, ENOMEM, "connect");
	c->fd = -1;                         /* the context's now */
	c->c->flags &= ~REDIS_BLOCK;        /* every wait is rcw_reply's */
	c->phase = RCW_HELLO;
	return hello_send(c, err);
}

/* One step of RCW_DIAL: 1 progress, 0 waiting for the socket, -1
 * failed. */
static int dial_step(struct rc_conn *c, struct kme_err *err)
{
	int rc = rcw_dial(c, err);

	if (rc <= 0)
		return rc;
	return dialled(c, err) < 0 ? -1 : 1;
}

/* ---- the hello: AUTH, SELECT, SCRIPT LOAD, pipelined ------------------------ */

struct hello_step {
	const char *what;       /* for a timeout's message */
	/* Append the command (none: not needed); 0, or -1 on ENOMEM. */
	int (*send)(struct rc_conn *c, int arg, bool *sent);
	/* Check its reply: 0, or -1 with err. */
	int (*check)(struct rc_conn *c, int arg, const redisReply *r,
		     struct kme_err *err);
	int arg;
};

static int send_args(struct rc_conn *c, struct rcw_args *a, bool *sent)
{
	*sent = true;
	return redisAppendCommandArgv(c->c, a->n, a->v, a->len) == REDIS_OK
	       ? 0 : -1;
}

static int auth_send(struct rc_conn *c, int arg, bool *sent)
{
	struct rcw_args a = { .n = 0 };

	(void)arg;
	if (c->password[0] == '\0')
		return 0;
	rcw_arg_str(&a, "AUTH");
	if (c->url.user[0] != '\0')
		rcw_arg_str(&a, c->url.user);
	rcw_arg_str(&a, c->password);
	return send_args(c, &a, sent);
}

static int auth_check(struct rc_conn *c, int arg, const redisReply *r,
		      struct kme_err *err)
{
	(void)arg;
	if (!reply_is_error(r))
		return 0;
	return kme_errf(err, "AUTH%s%s refused: %.200s",
			c->url.user[0] ? " as " : "", c->url.user,
			r->str ? r->str : "");
}

static int select_send(struct rc_conn *c, int arg, bool *sent)
{
	struct rcw_args a = { .n = 0 };
	char db[16];

	(void)arg;
	if (c->url.db == 0)
		return 0;
	snprintf(db, sizeof(db), "%d", c->url.db);
	rcw_arg_str(&a, "SELECT");
	rcw_arg_str(&a, db);
	return send_args(c, &a, sent);
}

static int select_check(struct rc_conn *c, int arg, const redisReply *r,
			struct kme_err *err)
{
	(void)arg;
	if (!reply_is_error(r))
		return 0;
	return kme_errf(err, "SELECT %d: %.200s", c->url.db,
			r->str ? r->str : "");
}

static int load_send(struct rc_conn *c, int sc, bool *sent)
{
	struct rcw_args a = { .n = 0 };

	rcw_arg_str(&a, "SCRIPT");
	rcw_arg_str(&a, "LOAD");
	rcw_arg_str(&a, scripts[sc]);
	return send_args(c, &a, sent);
}

static int load_check(struct rc_conn *c, int sc, const redisReply *r,
		      struct kme_err *err)
{
	if (r->type != REDIS_REPLY_STRING || r->len != 40)
		return kme_errf(err, "SCRIPT LOAD: %.200s",
				r->str ? r->str : "unexpected reply");
	memcpy(c->sha[sc], r->str, 40);
	c->sha[sc][40] = '\0';
	return 0;
}

/* The steps of connecting after the dial: one round trip in all. */
static const struct hello_step hello[] = {
	{ "AUTH", auth_send, auth_check, 0 },
	{ "SELECT", select_send, select_check, 0 },
	{ "SCRIPT LOAD", load_send, load_check, SC_TOUCH },
	{ "SCRIPT LOAD", load_send, load_check, SC_MERGE },
	{ "SCRIPT LOAD", load_send, load_check, SC_COUNT },
};
#define NHELLO (sizeof(hello) / sizeof(hello[0]))

/* The first step from `from` on whose command was sent. */
static unsigned next_sent(const struct rc_conn *c, unsigned from)
{
	while (from < NHELLO && !(c->hello_sent & (1u << from)))
		from++;
	return from;
}

static int hello_send(struct rc_conn *c, struct kme_err *err)
{
	unsigned i;

	c->hello_sent = 0;
	for (i = 0; i < NHELLO; i++) {
		bool sent = false;

		if (hello[i].send(c, hello[i].arg, &sent) < 0)
			return kme_errnof(err, ENOMEM, "connect");
		if (sent)
			c->hello_sent |= 1u << i;
	}
	c->hello_next = next_sent(c, 0);
	return 0;
}

/* One step of RCW_HELLO: 1 a reply checked, 0 none yet, -1 failed. */
static int hello_step(struct rc_conn *c, struct kme_err *err)
{
	const struct hello_step *h = &hello[c->hello_next];
	redisReply *r;
	int rc = rcw_reply(c, 0, &r, err);

	if (rc <= 0)
		return rc;
	rc = h->check(c, h->arg, r, err);
	freeReplyObject(r);
	if (rc < 0)
		return -1;
	c->hello_next = next_sent(c, c->hello_next + 1);
	if (c->hello_next == NHELLO)
		c->phase = RCW_UP;
	return 1;
}

/* ---- connecting ----------------------------------------------------------- */

/* Start a connect: bounded by connect_timeout from now. A TCP URL's
 * addresses are resolved when resolve says so (a whole connect: the
 * plugin's start, a reload) or none are held yet; a reconnect between
 * reads dials those held, so that a name costs no lookup there. */
static int begin(struct rc_conn *c, bool resolve, struct kme_err *err)
{
	hang_up(c);
	if (c->url.kind == RU_TCP && (resolve || c->addrs == NULL) &&
	    rcw_resolve(c, err) < 0)
		return -1;
	c->addr = c->addrs;
	c->give_up = clk_mono_us() + c->connect_timeout * 1000;
	c->phase = RCW_DIAL;
	return 0;
}

/* What a connect that timed out was waiting for. */
static int timed_out(struct rc_conn *c, struct kme_err *err)
{
	return kme_errf(err, "%s: no answer within %" PRId64 " ms",
			c->phase == RCW_DIAL ? "connect"
					     : hello[c->hello_next].what,
			c->connect_timeout);
}

/* Wait for the socket of a connect under way, until until_us at most. */
static bool wait_connect(struct rc_conn *c, int64_t until_us)
{
	if (until_us > c->give_up)
		until_us = c->give_up;
	if (c->phase == RCW_DIAL)
		return rcw_wait_fd(c->fd, POLLOUT, until_us);
	return rcw_wait_fd(c->c->fd, POLLIN | (sdslen(c->c->obuf) > 0 ? POLLOUT
								  : 0),
		       until_us);
}

int rc_advance(struct rc_conn *c, int64_t until_us, struct kme_err *err)
{
	int rc;

	if (c->phase == RCW_UP)
		return 1;
	if (c->phase == RCW_DOWN && begin(c, false, err) < 0)
		return -1;
	for (;;) {
		rc = c->phase == RCW_DIAL ? dial_step(c, err)
					  : hello_step(c, err);
		if (rc < 0 || (rc == 0 && clk_mono_us() >= c->give_up)) {
			if (rc == 0)
				timed_out(c, err);
			hang_up(c);
			return -1;
		}
		if (c->phase == RCW_UP)
			return 1;
		if (rc == 0 && !wait_connect(c, until_us))
			return 0;
	}
}

int rc_connect(struct rc_conn *c, struct kme_err *err)
{
	int rc;

	if (begin(c, true, err) < 0)
		return -1;
	while ((rc = rc_advance(c, INT64_MAX, err)) == 0)
		;
	return rc < 0 ? -1 : 0;
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
	c->fd = -1;
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
	if (c->addrs != NULL)
		freeaddrinfo(c->addrs);
	explicit_bzero(c->password, sizeof(c->password));
	explicit_bzero(&c->url, sizeof(c->url));
	free(c);
}

/* ---- scripts ------------------------------------------------------------- */

/* One script call, EVAL again when the server forgot the script. NULL
 * (err set) when no usable answer came: RC_LOST. */
static redisReply *eval1(struct rc_conn *c, int sc, const struct kme_buf *key,
			 const struct rcw_args *a, struct kme_err *err)
{
	redisReply *r = NULL;
	int pass, rc;

	for (pass = 0; pass < 2; pass++) {
		if (rc_append_eval(c, sc, pass == 1, key, a) < 0) {
			kme_errnof(err, ENOMEM, "command");
			return NULL;
		}
		rc = rcw_reply(c, clk_mono_us() + c->command_timeout * 1000,
			       &r, err);
		if (rc <= 0) {
			if (rc == 0)
				kme_errf(err, "no reply within %" PRId64 " ms",
					 c->command_timeout);
			return NULL;
		}
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
	tag = rcw_reply_int(r->element[0]);
	*out = (struct rc_sighting){ .found = RC_UNKNOWN, .is_new = true };
	if (tag < 0) {
		out->found = RC_TAKEN;
	} else if (tag == 1) {
		if (r->elements != 5)
			return -1;
		out->found = RC_KNOWN;
		out->is_new = rcw_reply_int(r->element[1]) != 0;
		out->first = rcw_reply_int(r->element[2]);
		out->last = rcw_reply_int(r->element[3]);
		out->count = (uint64_t)rcw_reply_int(r->element[4]);
	}
	return 0;
}

/* May a single command go now? RC_OK, or the reason it may not. */
static int usable(const struct rc_conn *c, struct kme_err *err)
{
	if (c->phase != RCW_UP)
		return kme_errf(err, "not connected"), RC_LOST;
	if (c->inflight > 0)
		return kme_errf(err, "busy: %zu merges in flight",
				c->inflight), RC_REFUSED;
	return RC_OK;
}

int rc_touch(struct rc_conn *c, const struct kme_buf *key,
	     const struct kme_buf *enc, int64_t t, int64_t window,
	     struct rc_sighting *out, struct kme_err *err)
{
	struct rcw_args a = { .n = 0 };
	char ts[24], ws[24];
	redisReply *r;
	int rc = usable(c, err);

	if (rc != RC_OK)
		return rc;
	snprintf(ts, sizeof(ts), "%" PRId64, rcw_clamp_time(t));
	snprintf(ws, sizeof(ws), "%" PRId64, window);
	rcw_arg_str(&a, ts);
	rcw_arg_str(&a, ws);
	rcw_arg(&a, enc->p, enc->len);
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
	struct rcw_args a = { .n = 0 };
	char ts[24];
	redisReply *r;
	int rc = usable(c, err);

	if (rc != RC_OK)
		return rc;
	snprintf(ts, sizeof(ts), "%" PRId64, ttl);
	rcw_arg_str(&a, ts);
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

#endif /* HAVE_HIREDIS */
