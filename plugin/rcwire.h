/* rcwire.h - the wire of a Redis connection, private to the modules that
 * speak it (so not in include/): rcwire.c (the socket: dialled, written,
 * read, waited for; prefix rcw_), redisconn.c (the connection, its steps,
 * the scripts, one command at a time) and redisbulk.c (many commands at
 * once). Only these include hiredis.
 *
 * The hiredis context is always non-blocking: every wait for the server
 * is a poll here, with a deadline on the monotonic clock in microseconds
 * (clk_mono_us), which a signal (EINTR) only interrupts to be resumed. So
 * a caller decides how long it may wait: 0 (never: what has arrived), a
 * command timeout, or the end of its slice.
 *
 * Replies owed to the pipe of redisbulk.h (c->inflight) come before any
 * other: a single command is refused while any is owed.
 */
#ifndef KME_RCWIRE_H
#define KME_RCWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "buf.h"
#include "err.h"
#include "redisconn.h"
#include "redisurl.h"

/* Time clamp: Lua numbers are doubles. */
#define RCW_TIME_MAX (((int64_t)1 << 53) - 1)

enum { SC_TOUCH = 0, SC_MERGE, SC_COUNT, SC__COUNT };   /* the scripts */

enum rcw_phase {
	RCW_DOWN = 0,
	RCW_DIAL,        /* the socket connecting (fd), addresses left (TCP) */
	RCW_HELLO,       /* AUTH, SELECT, SCRIPT LOAD sent; their replies due */
	RCW_UP,
};

struct addrinfo;

struct rc_conn {
	struct ru_url url;
	char where[RU_MAX + 64];
	char password[RC_PASSWORD_MAX + 1];
	int64_t connect_timeout, command_timeout;   /* ms */
	enum rcw_phase phase;
	int fd;                           /* RCW_DIAL: connecting, else -1 */
	struct addrinfo *addrs;           /* TCP: the URL's addresses, kept */
	struct addrinfo *addr;            /* RCW_DIAL over TCP: the one tried */
	redisContext *c;                  /* RCW_HELLO, RCW_UP */
	unsigned hello_sent;              /* RCW_HELLO: the steps sent, a bit each */
	unsigned hello_next;              /* RCW_HELLO: the step whose reply is due */
	int64_t give_up;                  /* RCW_DIAL, RCW_HELLO: clk_mono_us */
	size_t inflight;                  /* replies owed to redisbulk's pipe */
	char sha[SC__COUNT][41];
	int64_t next_try;                 /* monotonic ms */
	int64_t backoff;
	bool down_said;
	unsigned nlogs;
	uint64_t errors;
};

/* Arguments of one command, built up in place. */
struct rcw_args {
	const char *v[10];
	size_t len[10];
	int n;
};

static inline void rcw_arg(struct rcw_args *a, const char *p, size_t len)
{
	if (a->n < 10) {
		a->v[a->n] = p;
		a->len[a->n++] = len;
	}
}

static inline void rcw_arg_str(struct rcw_args *a, const char *s)
{
	rcw_arg(a, s, strlen(s));
}

static inline int64_t rcw_clamp_time(int64_t t)
{
	return t > RCW_TIME_MAX ? RCW_TIME_MAX
	       : t < -RCW_TIME_MAX ? -RCW_TIME_MAX : t;
}

static inline int64_t rcw_reply_int(const redisReply *r)
{
	if (r->type == REDIS_REPLY_INTEGER)
		return (int64_t)r->integer;
	if (r->type == REDIS_REPLY_STRING && r->str != NULL)
		return strtoll(r->str, NULL, 10);
	return 0;
}

/* The context's own message, or what it lacks. */
static inline const char *rcw_error(const struct rc_conn *c, const char *none)
{
	return c->c != NULL && c->c->errstr[0] ? c->c->errstr : none;
}

/* ---- rcwire.c: the socket -------------------------------------------------- */

/* Wait until fd is ready for events, or until until_us: false when
 * until_us had passed already (no wait). A signal ends the wait early:
 * the caller looks again, and waits again for what is left. */
bool rcw_wait_fd(int fd, short events, int64_t until_us);

/* The URL's TCP addresses into c->addrs, replacing those held: an IP
 * address at once, a name by getaddrinfo, which no timeout bounds. 0, or
 * -1 with err (those held are kept). */
int rcw_resolve(struct rc_conn *c, struct kme_err *err);

/* Dial the URL without waiting: a non-blocking socket (c->fd) connecting
 * to the unix path or to the TCP addresses in turn. 1 connected, 0 not
 * yet (wait for c->fd to be writable), -1 with err: no address answers. */
int rcw_dial(struct rc_conn *c, struct kme_err *err);

/* One write of what is queued (what the socket takes of it; hiredis
 * then moves the rest to the front: keep what is queued small). -1 when
 * the connection failed. */
int rcw_flush(struct rc_conn *c);

/* The next reply: written what the socket takes, read what has arrived,
 * and waited (poll) until until_us when none has. 1 with *out (the
 * caller frees it), 0 when none came by until_us, -1 with err when the
 * connection failed (closed, I/O error, protocol error). */
int rcw_reply(struct rc_conn *c, int64_t until_us, redisReply **out,
	      struct kme_err *err);

/* One command and its reply, waiting at most the command timeout. NULL
 * with err when no reply came (the connection is then unusable). */
redisReply *rcw_command(struct rc_conn *c, int argc, const char **argv,
			const size_t *lens, struct kme_err *err);

/* ---- redisconn.c: the scripts ------------------------------------------------ */

/* Append one EVALSHA (EVAL when by_text) of script sc with one key and
 * the arguments of a to the output buffer (no I/O). -1 on ENOMEM. */
int rc_append_eval(struct rc_conn *c, int sc, bool by_text,
		   const struct kme_buf *key, const struct rcw_args *a);

#endif
