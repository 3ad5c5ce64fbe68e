/* redisnone.c - redisconn.h and redisbulk.h in a build without hiredis:
 * no connection can be made (rc_new says why), so nothing else is ever
 * reached. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include "redisbulk.h"
#include "redisconn.h"

#ifndef HAVE_HIREDIS

bool rc_available(void)
{
	return false;
}

struct rc_conn *rc_new(const struct rc_opts *o, struct kme_err *err)
{
	kme_errf(err, "new-terms store %.64s: this build has no Redis support "
		 "(configure --with-hiredis)", o->url);
	return NULL;
}

/* Unreachable without a connection; defined for the linker. */
void rc_free(struct rc_conn *c) { (void)c; }
const char *rc_where(const struct rc_conn *c) { (void)c; return "redis"; }
bool rc_up(const struct rc_conn *c) { (void)c; return false; }
bool rc_idle(const struct rc_conn *c) { (void)c; return false; }
bool rc_connecting(const struct rc_conn *c) { (void)c; return false; }
bool rc_due(const struct rc_conn *c) { (void)c; return false; }
void rc_down(struct rc_conn *c, const char *why) { (void)c; (void)why; }
void rc_back(struct rc_conn *c, const char *what) { (void)c; (void)what; }
void rc_count_error(struct rc_conn *c) { (void)c; }
uint64_t rc_errors(const struct rc_conn *c) { (void)c; return 0; }

int rc_start(struct rc_conn *c, bool require, struct kme_err *err)
{
	(void)c;
	(void)require;
	return kme_errf(err, "no Redis support");
}

int rc_connect(struct rc_conn *c, struct kme_err *err)
{
	(void)c;
	return kme_errf(err, "no Redis support");
}

int rc_advance(struct rc_conn *c, int64_t until_us, struct kme_err *err)
{
	(void)c;
	(void)until_us;
	return kme_errf(err, "no Redis support");
}

int rc_touch(struct rc_conn *c, const struct kme_buf *key,
	     const struct kme_buf *enc, int64_t t, int64_t window,
	     struct rc_sighting *out, struct kme_err *err)
{
	(void)c; (void)key; (void)enc; (void)t; (void)window; (void)out;
	kme_errf(err, "no Redis support");
	return RC_LOST;
}

int rc_count(struct rc_conn *c, const struct kme_buf *key, int64_t ttl,
	     uint64_t *n, struct kme_err *err)
{
	(void)c; (void)key; (void)ttl; (void)n;
	kme_errf(err, "no Redis support");
	return RC_LOST;
}

int rb_send(struct rc_conn *c, const struct kme_buf *key,
	    const struct kme_buf *enc, int64_t first, int64_t last,
	    uint64_t count, int64_t window, struct kme_err *err)
{
	(void)c; (void)key; (void)enc; (void)first; (void)last; (void)count;
	(void)window;
	return kme_errf(err, "no Redis support");
}

size_t rb_inflight(const struct rc_conn *c) { (void)c; return 0; }
size_t rb_unsent(const struct rc_conn *c) { (void)c; return 0; }

int rb_pump(struct rc_conn *c, int64_t until_us, bool wait, size_t *acked,
	    struct kme_err *err)
{
	(void)c; (void)until_us; (void)wait;
	*acked = 0;
	kme_errf(err, "no Redis support");
	return RC_LOST;
}

void rb_batch_init(struct rb_batch *b, struct rc_conn *c, struct kme_err *err)
{
	*b = (struct rb_batch){ .c = c, .err = err };
}

int rb_merge(struct rb_batch *b, const struct kme_buf *key,
	     const struct kme_buf *enc, int64_t first, int64_t last,
	     uint64_t count, int64_t window)
{
	(void)key; (void)enc; (void)first; (void)last; (void)count;
	(void)window;
	return b->rc = kme_errf(b->err, "no Redis support");
}

int rb_batch_end(struct rb_batch *b)
{
	return b->rc;
}

int rb_scan_terms(struct rc_conn *c, const struct kme_buf *pattern,
		  void (*fn)(void *arg, const char *enc, size_t len,
			     int64_t first, int64_t last, int64_t count),
		  void *arg, struct kme_err *err)
{
	(void)c; (void)pattern; (void)fn; (void)arg;
	return kme_errf(err, "no Redis support");
}

#endif /* !HAVE_HIREDIS */
