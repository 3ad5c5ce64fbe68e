/* redisstore.h - the new-terms history shared by a fleet in Redis
 * (plugin/redisstore.c, prefix rs_; built with hiredis, configure
 * --with-hiredis). Redis does the sharing; nothing here replicates.
 *
 * Semantics are the file store's (newterms.h, termtab.h), decided inside
 * Redis by one Lua script per sighting (EVALSHA; EVAL when the server lost
 * the script: NOSCRIPT), so check-and-touch is atomic per term across every
 * host: new iff last_seen < t - window; last_seen = max, first_seen = min,
 * count + 1. Event times travel as decimal strings; Lua compares them as
 * doubles, exact below 2^53 ms (year 287396): times are clamped to that.
 *
 * Key layout, one hash per term (Redis Cluster spreads them; no script
 * touches two keys):
 *   PREFIX RULE_ID ":" RULE_VERSION ":" FIELD,FIELD... ":t:" HASH
 * PREFIX is redis_key_prefix (default "kme:"); HASH is 32 hex digits,
 * SipHash-2-4 of the encoded term (tt_key_put) under two fixed public keys
 * (every host must compute the same key). The hash holds v (the encoded
 * term: --dump-state reads it back, and the script refuses a key whose v
 * differs: a collision alerts rather than suppresses), f, l (first/last
 * seen, ms) and c (count). Expiry: PEXPIRE window on every write (the TTL
 * runs from the last write, wall clock; decisions use event times).
 * A changed rule id, version or field list is another namespace: history
 * is never reused across identities.
 * The rate limit (max_alerts per alert_interval) is one counter per
 * interval of event time, shared by the fleet:
 *   PREFIX RULE_ID ":" RULE_VERSION ":rate:" INTERVAL ":" START
 * (INCR; PEXPIRE 2 * interval), asked only for alerts.
 *
 * Never blocking auditd: connect and each command are bounded by
 * redis_connect_timeout and redis_command_timeout. When Redis cannot
 * answer (down at start, lost, slow, refusing AUTH), the store decides
 * with a local term table (termtab.h), marks those sightings seen->local,
 * counts them (fallbacks) and the failures (errors), says so once through
 * log.h (later transitions are only counted after RS_LOG_MAX messages),
 * and retries with a backoff of RS_BACKOFF_MIN doubling to RS_BACKOFF_MAX
 * ms, on a sighting or a save. When back, it pushes what it decided
 * locally (pipelined merge: min first, max last, + count) and empties the
 * local table. The local table holds at most min(max_terms, RS_QUEUE_MAX)
 * terms: beyond, the least recently touched is evicted and counted
 * (dropped). A hostname is resolved by getaddrinfo, which no timeout here
 * bounds: give an IP address or a unix socket.
 *
 * No TLS: Debian's hiredis 0.14 has none. Use a unix socket, or stunnel
 * on loopback at both ends. AUTH: a password (the URL's, or
 * redis_password_file, which wins) and optionally an ACL user.
 *
 * Memory: the local table (bounded as above), one command buffer. Not
 * thread-safe.
 */
#ifndef KME_REDISSTORE_H
#define KME_REDISSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "cfg.h"
#include "err.h"
#include "newterms.h"

#define RS_QUEUE_MAX 100000     /* terms decided locally, awaiting a push */
#define RS_BACKOFF_MIN 100      /* ms */
#define RS_BACKOFF_MAX 5000     /* ms */
#define RS_BATCH 1000           /* commands per pipelined round trip */
#define RS_LOG_MAX 10           /* lost/back messages before only counting */
#define RS_PASSWORD_MAX 512     /* bytes of a password file */

struct rs_opts {
	const char *url;          /* "redis://..." or "unix://..." */
	bool check_owner;         /* password file must be root's, 0600 */
	bool require;             /* fail unless Redis answers now
	                           * (--learn, --dump-state, --migrate-state) */
	bool write_behind;        /* --learn: decide locally, push in
	                           * pipelined batches of RS_BATCH */
	bool rate_limit;          /* share max_alerts fleet-wide */
};

/* Is Redis support built in? */
bool rs_available(void);

/* A Redis store for cfg. NULL with err on a bad URL or password file,
 * ENOMEM, a build without hiredis, or (o->require) Redis not answering. */
struct nt_store *rs_open(const struct kme_config *cfg,
			 const struct rs_opts *o, struct kme_err *err);

/* Read every term of this identity from Redis into the store's local
 * table (made max_terms large; beyond, the oldest are left out and a
 * warning says so), so that foreach lists the shared history
 * (--dump-state). O(terms in Redis / 1000) round trips (SCAN, pipelined
 * HMGET). -1 with err. */
int rs_load_all(struct nt_store *s, size_t *loaded, struct kme_err *err);

/* Merge every term of src (another store, e.g. a state file) into Redis,
 * pipelined (--migrate-state). -1 with err; *n terms sent. */
int rs_import(struct nt_store *s, const struct nt_store *src, size_t *n,
	      struct kme_err *err);

/* The key of term under cfg (layout above) appended to out; the encoded
 * term into enc (both bounded by the caller). -1 on a term too long or
 * with the wrong number of values. Pure: for tests and tools. */
int rs_key_of(const struct kme_config *cfg, const char *prefix,
	      const struct nt_term *term, struct kme_buf *out,
	      struct kme_buf *enc);

/* The address shown in messages (password masked). */
const char *rs_where(const struct nt_store *s);

#endif
