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
 * seen->local and counts them (fallbacks). Once the backoff has passed it
 * reconnects, pushes what it decided locally (merges: min first, max
 * last, + count) and, when Redis has answered every merge, empties the
 * local table and lets Redis decide again; until then every sighting is
 * still decided locally, so nothing is decided twice. The local table
 * holds at most min(max_terms, RS_QUEUE_MAX) terms: beyond, the least
 * recently touched is evicted and counted (dropped). How the reconnect
 * and the push run is the store's mode:
 *   RS_SLICED        the plugin: in slices, by nt_tick (newterms.h) between
 *                    reads of stdin, each within its budget (the connect
 *                    never waits beyond it; at most RS_INFLIGHT_MAX merges
 *                    are owed replies, which Redis works through between
 *                    ticks; what was pushed is freed by ticks too);
 *                    sightings never reconnect; save() does nothing.
 *   RS_BLOCKING      replay: at a sighting or a save, once due, as one
 *                    connect and a whole push (each wait bounded by the
 *                    timeouts).
 *   RS_WRITE_BEHIND  --learn: every sighting is decided locally and
 *                    pushed in batches of RB_BATCH; save() pushes the rest
 *                    and fails when Redis does not take it.
 * A push that fails gives the sightings of its unanswered merges back to
 * the local table (pending again, unless evicted meanwhile), so a later
 * push sends them; a merge Redis applied before the connection failed
 * may so be counted twice (counts only: first and last are min and max).
 *
 * Error contract (newterms.h): check_touch returns -1 only for a term too
 * long or of the wrong shape, or ENOMEM of the local table. A key that
 * holds another term (a hash collision: 128 bits, so only ever forged) is
 * decided as new (the event alerts rather than being suppressed), counted
 * in errors and said once; nothing is written to that key.
 *
 * Memory: the local table (bounded as above), two key buffers, and while
 * pushing a record per unanswered merge (the term's key: at most
 * RS_INFLIGHT_BYTES in all). RS_SLICED empties the local table after a
 * push by splitting it off and freeing it in the following ticks: for
 * those ticks a second table of at most as many terms. The connection is borrowed and must outlive
 * the store. destroy pushes what is pending, waiting for Redis, when the
 * connection is up, and says how many local decisions are lost when it is
 * not. Not thread-safe.
 */
#ifndef KME_REDISSTORE_H
#define KME_REDISSTORE_H

#include <stdbool.h>

#include "cfg.h"
#include "err.h"
#include "newterms.h"
#include "redisconn.h"

#define RS_QUEUE_MAX 100000     /* terms decided locally, awaiting a push */
#define RS_INFLIGHT_MAX 8000    /* merges of a sliced push owed replies */
#define RS_INFLIGHT_BYTES (4u << 20)  /* their records (term keys) */

enum rs_mode { RS_BLOCKING = 0, RS_SLICED, RS_WRITE_BEHIND };

/* A Redis store for cfg (borrowed for the store's life) over conn, up or
 * down (redisconn.h's rc_start). NULL with err on ENOMEM or a config the
 * table refuses. */
struct nt_store *rs_open(const struct kme_config *cfg, struct rc_conn *conn,
			 enum rs_mode mode, struct kme_err *err);

#endif
