/* redisrate.c - the fleet's alert counter in Redis (see redisrate.h). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <errno.h>
#include <stdlib.h>

#include "rediskey.h"
#include "redisrate.h"

#define RR_KEY_MAX (64u << 10)     /* as the store's term keys */

struct rr_counter {
	struct lim_shared shared;
	const struct kme_config *cfg;
	struct rc_conn *conn;
	struct kme_buf key;
};

static int rr_count(void *arg, int64_t start, int64_t interval, uint64_t *n)
{
	struct rr_counter *r = arg;
	struct kme_err err = { "" };
	int rc;

	if (!rc_idle(r->conn) ||
	    rk_rate_key(r->cfg, rk_prefix(r->cfg), interval, start, &r->key) < 0)
		return -1;
	rc = rc_count(r->conn, &r->key, 2 * interval, n, &err);
	if (rc == RC_LOST)
		rc_down(r->conn, err.msg);
	else if (rc == RC_REFUSED)
		rc_count_error(r->conn);
	return rc == RC_OK ? 0 : -1;
}

struct rr_counter *rr_new(const struct kme_config *cfg, struct rc_conn *conn,
			  struct kme_err *err)
{
	struct rr_counter *r = calloc(1, sizeof(*r));

	if (r == NULL) {
		kme_errnof(err, ENOMEM, "new-terms store: rate counter");
		return NULL;
	}
	r->shared = (struct lim_shared){ .count = rr_count, .arg = r };
	r->cfg = cfg;
	r->conn = conn;
	buf_init(&r->key, RR_KEY_MAX);
	return r;
}

void rr_free(struct rr_counter *r)
{
	if (r == NULL)
		return;
	buf_free(&r->key);
	free(r);
}

const struct lim_shared *rr_shared(const struct rr_counter *r)
{
	return &r->shared;
}
