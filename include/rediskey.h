/* rediskey.h - the names of the fleet's history in Redis: the key of a
 * term, the pattern of an identity's keys, the key of a rate-limit
 * interval (plugin/rediskey.c, prefix rk_). Pure: no I/O, no hiredis
 * (built in every configuration), O(length of the key).
 *
 * Every host of a fleet, whatever its version, must derive the same key
 * for the same term: a change here splits a mixed-version fleet's history
 * (tests/check_rediskey.c pins known keys).
 *
 * One Redis hash per term (Redis Cluster spreads them; no script touches
 * two keys):
 *   PREFIX RULE_ID ":" RULE_VERSION ":" FIELD,FIELD... ":t:" HASH
 * PREFIX is redis_key_prefix (default "kme:"); FIELD the configured
 * new_terms_fields' names; HASH 32 lowercase hex digits, SipHash-2-4 of
 * the encoded term (termtab.h's tt_key_put: tag, LEB128 length, bytes,
 * NUL per value) under two fixed public keys, the first 16 digits under
 * the first key. The hash fields (v, f, l, c) are redisconn.h's. A changed
 * rule id, version or field list is another namespace: history is never
 * reused across identities.
 * The fleet's rate limit (redisrate.h) is one counter per interval of
 * event time:
 *   PREFIX RULE_ID ":" RULE_VERSION ":rate:" INTERVAL ":" START
 * (both in milliseconds, decimal).
 *
 * Errors: -1 when a bounded buffer's bound is reached or on ENOMEM (and,
 * for a term, when it has the wrong number of values or is longer than
 * TT_KEY_MAX encoded bytes).
 */
#ifndef KME_REDISKEY_H
#define KME_REDISKEY_H

#include <stdint.h>

#include "buf.h"
#include "cfg.h"
#include "term.h"

#define RK_DEFAULT_PREFIX "kme:"

/* The key prefix of cfg (redis_key_prefix, else RK_DEFAULT_PREFIX);
 * borrowed from cfg. */
const char *rk_prefix(const struct kme_config *cfg);

/* The key of term under cfg and prefix into out, the encoded term (the
 * hash's v) into enc; both reset first. Bound out to 2 * TT_KEY_MAX and
 * enc to TT_KEY_MAX. */
int rk_key_of(const struct kme_config *cfg, const char *prefix,
	      const struct nt_term *term, struct kme_buf *out,
	      struct kme_buf *enc);

/* SCAN's MATCH pattern of every term key of cfg's identity into out
 * (reset first): the namespace with glob bytes escaped, then '*'. */
int rk_pattern(const struct kme_config *cfg, const char *prefix,
	       struct kme_buf *out);

/* The counter key of the rate-limit interval [start, start + interval)
 * into out (reset first). */
int rk_rate_key(const struct kme_config *cfg, const char *prefix,
		int64_t interval, int64_t start, struct kme_buf *out);

#endif
