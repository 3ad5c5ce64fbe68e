/* redisstore.h - the new-terms store shared by a fleet in Redis
 * (plugin/redisstore.c, prefix rs_): newterms.h's interface over a Redis
 * connection (redisconn.h), with a local term table (termtab.h) that
 * decides while Redis cannot. Redis does the sharing; nothing here
 * replicates.
 *
 * Semantics are the file store's (newterms.h, termtab.h), decided inside
 * Redis by one script per sighting (redisconn.h's touch), so check-and-
 * touch is atomic per term across every host. Keys: rediskey.h.
 *
 * When Redis cannot answer (down at start, lost, slow, refusing AUTH, or
 * answering a sighting with an error or a reply of the wrong shape), the
 * store declares the connection down (redisconn.h: said once, counted,
 * backoff), decides with the local table, marks those sightings
 * seen->local and counts them (fallbacks). On a later sighting or save,
 * once the backoff has passed, it reconnects, pushes what it decided
 * locally (pipelined merges: min first, max last, + count) and empties the
 * local table. The local table holds at most min(max_terms, RS_QUEUE_MAX)
 * terms: beyond, the least recently touched is evicted and counted
 * (dropped).
 *
 * Error contract (newterms.h): check_touch returns -1 only for a term too
 * long or of the wrong shape, or ENOMEM of the local table. A key that
 * holds another term (a hash collision: 128 bits, so only ever forged) is
 * decided as new (the event alerts rather than being suppressed), counted
 * in errors and said once; nothing is written to that key.
 *
 * --learn (write_behind): every sighting is decided locally and pushed in
 * pipelined batches of RC_BATCH; save() pushes the rest and fails when
 * Redis does not take it.
 *
 * Memory: the local table (bounded as above) and two key buffers. The
 * connection is borrowed and must outlive the store (destroy pushes what
 * is pending through it when it is up). Not thread-safe.
 */
#ifndef KME_REDISSTORE_H
#define KME_REDISSTORE_H

#include <stdbool.h>

#include "cfg.h"
#include "err.h"
#include "newterms.h"
#include "redisconn.h"

#define RS_QUEUE_MAX 100000     /* terms decided locally, awaiting a push */

/* A Redis store for cfg (borrowed for the store's life) over conn, up or
 * down (redisconn.h's rc_start). NULL with err on ENOMEM or a config the
 * table refuses. */
struct nt_store *rs_open(const struct kme_config *cfg, struct rc_conn *conn,
			 bool write_behind, struct kme_err *err);

#endif
