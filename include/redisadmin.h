/* redisadmin.h - the whole shared history at once, for the administrator's
 * commands: listing it (--dump-state --store URL) and filling it from a
 * state file (--migrate-state) (plugin/redisadmin.c, prefix ra_). Built
 * on a connection (redisconn.h) that must be up; nothing here falls back
 * or retries: a failure is the command's, -1 with err.
 */
#ifndef KME_REDISADMIN_H
#define KME_REDISADMIN_H

#include <stddef.h>

#include "cfg.h"
#include "err.h"
#include "newterms.h"
#include "redisconn.h"

/* Every term of cfg's identity in Redis, in a memory store (newterms.h)
 * that the caller owns: max_terms large; beyond, the oldest loaded are
 * left out and a warning says so (log.h). A hash that is not a term of
 * ours (fields missing, first after last, a count below 1, a term longer
 * than TT_KEY_MAX) is skipped. O(terms in Redis / 1000) round trips
 * (SCAN, pipelined HMGET); memory O(listed terms). NULL with err. */
struct nt_store *ra_listing(struct rc_conn *conn, const struct kme_config *cfg,
			    size_t *loaded, struct kme_err *err);

/* Merge every term of src (another store, e.g. a state file) into Redis
 * under cfg's identity, pipelined (RB_BATCH a round trip); a term without
 * a key (too long) is skipped and counted (rc_errors). *n: merges sent.
 * 0, or -1 with err. */
int ra_import(struct rc_conn *conn, const struct kme_config *cfg,
	      const struct nt_store *src, size_t *n, struct kme_err *err);

#endif
