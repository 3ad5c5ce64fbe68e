/* redisbulk.h - many commands at once on a Redis connection (redisconn.h)
 * (plugin/redisbulk.c, prefix rb_): merges of sightings decided elsewhere
 * (redisconn.h's merge script), pipelined, and the listing of every term
 * hash.
 *
 * Merges go two ways:
 *   a batch   (rb_batch_*: --migrate-state) waits for its replies every
 *             RB_BATCH merges and at its end, each wait bounded by the
 *             command timeout;
 *   the pipe  (rb_send, rb_pump: a store's push) never waits unless told:
 *             rb_send queues, rb_pump writes what the socket takes and
 *             reads what has come back, so a caller can push a little
 *             between two reads of stdin and let Redis work meanwhile.
 * Replies come in the order of sending; while any is owed (rb_inflight)
 * the connection takes no single command (rc_idle is false). A merge's
 * reply: 0 done, -1 another term holds the key (left alone, counted in
 * rc_errors), an error (refused: the term was not merged).
 *
 * Memory: hiredis's buffers, which hold the queued commands (about 100
 * bytes plus the term each) until the socket takes them; the caller
 * bounds how many it queues. Not thread-safe.
 */
#ifndef KME_REDISBULK_H
#define KME_REDISBULK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "redisconn.h"

#define RB_BATCH 1000           /* merges per round trip of a batch */
#define RB_CHECK 16             /* replies read between two clock reads */
#define RB_WRITE_AT (64u << 10) /* queued bytes rb_send writes out */
#define RB_UNSENT_MAX (256u << 10)  /* queued bytes to stop sending at */

/* ---- the pipe -------------------------------------------------------------- */

/* Queue the merge of the term encoded in enc at key: count sightings
 * between first and last, TTL window. Once RB_WRITE_AT bytes are
 * queued, one write gives the socket what it takes (never waiting). 0,
 * or -1 with err when the connection is not up or failed, or on ENOMEM. */
int rb_send(struct rc_conn *c, const struct kme_buf *key,
	    const struct kme_buf *enc, int64_t first, int64_t last,
	    uint64_t count, int64_t window, struct kme_err *err);

/* Merges sent whose reply has not been read. */
size_t rb_inflight(const struct rc_conn *c);
/* Bytes queued that the socket has not taken yet: a caller that sends
 * in slices stops at RB_UNSENT_MAX (Redis reads them at its own pace;
 * more would only cost memory and copying). */
size_t rb_unsent(const struct rc_conn *c);

/* Write what the socket takes, then read the replies that have come,
 * oldest first, while any is owed and until until_us (clk_mono_us,
 * checked every RB_CHECK replies); wait: also wait for replies not yet
 * come, until until_us. *acked: the replies read that answered.
 * RC_OK; RC_REFUSED with err: the reply after those *acked refused its
 * merge (it is read too; the rest are still owed); RC_LOST with err: the
 * connection failed (the caller declares it down: what is owed is lost,
 * perhaps merged). Cost: O(replies read); no wait beyond until_us. */
int rb_pump(struct rc_conn *c, int64_t until_us, bool wait, size_t *acked,
	    struct kme_err *err);

/* ---- a batch ------------------------------------------------------------------ */

/* rb_merge queues one merge (reading the replies every RB_BATCH),
 * rb_batch_end reads the rest. After the first failure every call
 * returns it: -1 with err (the first failure's message; a refused merge
 * makes the batch fail at its end, after every reply is read). */
struct rb_batch {
	struct rc_conn *c;
	size_t sent;              /* merges sent */
	int rc;
	struct kme_err *err;
};

void rb_batch_init(struct rb_batch *b, struct rc_conn *c, struct kme_err *err);
int rb_merge(struct rb_batch *b, const struct kme_buf *key,
	     const struct kme_buf *enc, int64_t first, int64_t last,
	     uint64_t count, int64_t window);
int rb_batch_end(struct rb_batch *b);

/* ---- the listing --------------------------------------------------------------- */

/* Every hash whose key matches pattern (SCAN MATCH, 1000 keys a round
 * trip, their HMGETs pipelined): fn gets the stored v, f, l and c of each
 * hash holding all four as strings (others are skipped). O(keys / 1000)
 * round trips, each bounded by the command timeout. 0, or -1 with err. */
int rb_scan_terms(struct rc_conn *c, const struct kme_buf *pattern,
		  void (*fn)(void *arg, const char *enc, size_t len,
			     int64_t first, int64_t last, int64_t count),
		  void *arg, struct kme_err *err);

#endif
