/* redisconn.h - one connection to the Redis that holds the fleet's
 * new-terms history: connecting (AUTH, SELECT), its failures and backoff,
 * the Lua scripts that make each operation atomic per key, and one command
 * at a time (plugin/redisconn.c, prefix rc_). Many commands at once
 * (pipelined merges, the listing) are redisbulk.h's, over the same
 * connection. These two are the only modules that use hiredis (configure
 * --with-hiredis); without it rc_new fails with "no Redis support" and
 * everything above still builds.
 *
 * The scripts own the layout of a term's hash: v (the encoded term), f and
 * l (first and last seen, ms), c (count). Event times travel as decimal
 * strings; Lua compares them as doubles, exact below 2^53 ms (year
 * 287396): times are clamped to that. Keys are rediskey.h's.
 *   touch  new iff l < t - window; l = max, f = min, c + 1; PEXPIRE window.
 *          A key whose v is another term is left alone and reported.
 *   merge  sightings decided elsewhere (a push, --learn, --migrate-state):
 *          f = min, l = max, c + count; PEXPIRE window; another term's key
 *          is left alone and counted.
 *   count  INCR, PEXPIRE ttl on the first: the fleet's rate counter.
 * The TTL runs from the last write (wall clock); decisions use event times.
 *
 * Never blocking auditd. The socket is non-blocking, and every wait for
 * the server is a poll with a deadline that a signal does not cut short
 * (EINTR resumes the wait: a SIGHUP or SIGUSR1 during a connect is not an
 * outage). Connecting is a sequence of steps - dial, then AUTH, SELECT
 * and the three SCRIPT LOADs pipelined in one round trip - that
 * rc_advance works through for as long as its caller allows: a whole
 * connect (rc_connect, rc_start: at most connect_timeout) or a slice
 * between two reads of stdin (the plugin's store, redisstore.h), the
 * connect_timeout then running from the connect's start. Each command
 * waits at most command_timeout. A failure is the caller's to declare
 * (rc_down): the connection is dropped and counted, the first loss is said
 * through log.h (at most RC_LOG_MAX lost/back messages, then only
 * counted), and rc_due stays false for a backoff of RC_BACKOFF_MIN ms
 * doubling to RC_BACKOFF_MAX. A host name is resolved by getaddrinfo, which
 * no timeout here bounds: give an IP address or a unix socket. It is
 * resolved by a whole connect (rc_connect, rc_start) and kept: a
 * reconnect in slices dials the addresses held.
 *
 * No TLS: Debian's hiredis 0.14 has none. Use a unix socket, or stunnel on
 * loopback at both ends. AUTH: a password (the URL's, or the password
 * file, which wins) and optionally an ACL user.
 *
 * Operations return RC_OK, RC_LOST (no usable answer: the connection
 * failed, timed out or lost the script; the caller declares it down) or
 * RC_REFUSED (Redis answered with an error or a reply of the wrong shape,
 * or merges of redisbulk.h's pipe are still owed replies; the connection
 * is still usable), with err filled on either failure.
 * Memory: the context and one reply at a time. Not thread-safe.
 */
#ifndef KME_REDISCONN_H
#define KME_REDISCONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

#define RC_BACKOFF_MIN 100      /* ms */
#define RC_BACKOFF_MAX 5000     /* ms */
#define RC_LOG_MAX 10           /* lost/back messages before only counting */
#define RC_PASSWORD_MAX 512     /* bytes of a password file */

enum { RC_OK = 0, RC_LOST = -1, RC_REFUSED = -2 };

struct rc_opts {
	const char *url;            /* "redis://..." or "unix://..." */
	const char *password_file;  /* NULL: the URL's password, if any */
	bool check_owner;           /* the password file must be root's */
	int64_t connect_timeout;    /* ms */
	int64_t command_timeout;    /* ms */
};

struct rc_conn;

/* Is Redis support built in? */
bool rc_available(void);

/* A connection, not yet connected: the URL parsed (redisurl.h) and the
 * password file read (safefile.h: a regular file, no symlink, mode 0600,
 * root's when check_owner; at most RC_PASSWORD_MAX bytes, first line).
 * NULL with err on a bad URL or password file, a user without a password,
 * ENOMEM or a build without hiredis. The strings of o are not kept. */
struct rc_conn *rc_new(const struct rc_opts *o, struct kme_err *err);
/* Close and free (the password is wiped). NULL is fine. */
void rc_free(struct rc_conn *c);

/* The address for messages, password masked. */
const char *rc_where(const struct rc_conn *c);

/* Connect now, waiting at most connect_timeout. require: a failure is
 * -1 with err ("new-terms store WHERE: why"); else it is declared down
 * (rc_down: said, counted, backoff) and 0 returned. */
int rc_start(struct rc_conn *c, bool require, struct kme_err *err);

/* Up: connected, AUTH, SELECT and the scripts done. */
bool rc_up(const struct rc_conn *c);
/* Up, and no merge of redisbulk.h's pipe is owed a reply: a single
 * command (rc_touch, rc_count) may go. */
bool rc_idle(const struct rc_conn *c);
/* A connect is under way (rc_advance has more to do). */
bool rc_connecting(const struct rc_conn *c);
/* Down, no connect under way, and its backoff has passed: time to try
 * again (rc_advance, rc_connect). */
bool rc_due(const struct rc_conn *c);
/* Work at connecting - starting a connect when down, whatever the
 * backoff: ask rc_due first - until it is up (1), it fails (-1 with err:
 * down again; nothing counted or said: rc_down does that) or the
 * monotonic clock reaches until_us (0: still connecting, call again).
 * Waits for the server only until until_us, never past the connect's
 * connect_timeout (from its start): a connect that has made no progress
 * by then fails at the first call after it. */
int rc_advance(struct rc_conn *c, int64_t until_us, struct kme_err *err);
/* A whole connect, now (a connect under way is dropped first). 0, or -1
 * with err (still down; nothing counted or said: rc_down does that). */
int rc_connect(struct rc_conn *c, struct kme_err *err);
/* Declare a failure: drop the connection, count it, back off; the first
 * failure since it was up is said ("deciding with local history ..."). */
void rc_down(struct rc_conn *c, const char *why);
/* It answers again after rc_down: the backoff restarts, and when a loss
 * was said, `what` is said ("answering again; ..."). */
void rc_back(struct rc_conn *c, const char *what);

/* Failures: every rc_down, every merge refused, and what callers count
 * (rc_count_error). */
void rc_count_error(struct rc_conn *c);
uint64_t rc_errors(const struct rc_conn *c);

/* ---- operations (the connection must be up) ---------------------------- */

enum rc_found {
	RC_UNKNOWN = 0,   /* no such key: now created */
	RC_KNOWN,         /* ours: what it held before this sighting */
	RC_TAKEN,         /* another term holds the key: nothing changed */
};

struct rc_sighting {
	enum rc_found found;
	bool is_new;              /* RC_KNOWN: last seen before t - window */
	int64_t first, last;      /* RC_KNOWN */
	uint64_t count;           /* RC_KNOWN */
};

/* The touch script on key for the term encoded in enc, at t. */
int rc_touch(struct rc_conn *c, const struct kme_buf *key,
	     const struct kme_buf *enc, int64_t t, int64_t window,
	     struct rc_sighting *out, struct kme_err *err);

/* The count script on key: *n the counter after this one. */
int rc_count(struct rc_conn *c, const struct kme_buf *key, int64_t ttl,
	     uint64_t *n, struct kme_err *err);

#endif
