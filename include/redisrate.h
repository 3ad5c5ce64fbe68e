/* redisrate.h - the fleet's alert counter in Redis: limit.h's shared
 * counter (max_alerts per alert_interval, counted by every host), one key
 * per interval of event time (rediskey.h; INCR, PEXPIRE 2 * interval)
 * (plugin/redisrate.c, prefix rr_).
 *
 * It asks only while the connection (redisconn.h, borrowed: it must
 * outlive the counter) is up and idle (no merges of a push owed replies),
 * and never reconnects: the store that shares the connection does
 * (redisstore.h), pushing its local decisions first.
 * So count() answers -1 (the local counter decides) while Redis is down;
 * a lost connection is declared down (rc_down), a refused command counted
 * (rc_errors). One round trip per alert that a limit may refuse; memory:
 * one key buffer. Not thread-safe.
 */
#ifndef KME_REDISRATE_H
#define KME_REDISRATE_H

#include "cfg.h"
#include "err.h"
#include "limit.h"
#include "redisconn.h"

struct rr_counter;

/* A counter for cfg's identity (cfg borrowed for the counter's life).
 * NULL with err on ENOMEM. */
struct rr_counter *rr_new(const struct kme_config *cfg, struct rc_conn *conn,
			  struct kme_err *err);
void rr_free(struct rr_counter *r);

/* The counter as limit.h takes it (lim_share); valid until rr_free. */
const struct lim_shared *rr_shared(const struct rr_counter *r);

#endif
