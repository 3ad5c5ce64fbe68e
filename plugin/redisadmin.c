/* redisadmin.c - listing and filling the shared history (see
 * redisadmin.h). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include "log.h"
#include "redisbulk.h"
#include "redisadmin.h"
#include "rediskey.h"
#include "termtab.h"

static int not_answering(const struct rc_conn *conn, struct kme_err *err)
{
	return kme_errf(err, "new-terms store %s: not answering",
			rc_where(conn));
}

struct listing {
	struct tt_table *tt;
	size_t loaded;
};

static void add_term(void *arg, const char *enc, size_t len, int64_t first,
		     int64_t last, int64_t count)
{
	struct listing *l = arg;

	if (first <= last && count >= 1 && len <= TT_KEY_MAX &&
	    tt_add(l->tt, enc, len, first, last, (uint64_t)count) == 0)
		l->loaded++;
}

struct nt_store *ra_listing(struct rc_conn *conn, const struct kme_config *cfg,
			    size_t *loaded, struct kme_err *err)
{
	struct listing l = { .tt = NULL };
	struct kme_buf pat;
	struct tt_stats st;
	int rc;

	*loaded = 0;
	if (!rc_up(conn)) {
		not_answering(conn, err);
		return NULL;
	}
	l.tt = tt_new(cfg->nterm_fields, cfg->history_window, cfg->max_terms,
		      err);
	if (l.tt == NULL)
		return NULL;
	buf_init(&pat, 4 * TT_KEY_MAX);
	rc = rk_pattern(cfg, rk_prefix(cfg), &pat);
	if (rc < 0)
		kme_errf(err, "new-terms store %s: key prefix too long",
			 rc_where(conn));
	else
		rc = rb_scan_terms(conn, &pat, add_term, &l, err);
	buf_free(&pat);
	if (rc < 0) {
		tt_free(l.tt);
		return NULL;
	}
	tt_stats(l.tt, &st);
	if (st.evicted > 0)
		log_warnx("new-terms store %s holds more than max_terms=%zu "
			  "terms; listing %zu of them", rc_where(conn),
			  tt_max_terms(l.tt), st.terms);
	*loaded = l.loaded;
	return nt_store_memory_of(l.tt, err);
}

struct import {
	const struct kme_config *cfg;
	const char *prefix;
	struct rb_batch b;
	struct kme_buf key, enc;
};

static void import_one(void *arg, const struct nt_term *term, int64_t first,
		       int64_t last, uint64_t count)
{
	struct import *im = arg;

	if (rk_key_of(im->cfg, im->prefix, term, &im->key, &im->enc) < 0)
		rc_count_error(im->b.c);
	else
		(void)rb_merge(&im->b, &im->key, &im->enc, first, last, count,
			       im->cfg->history_window);
}

int ra_import(struct rc_conn *conn, const struct kme_config *cfg,
	      const struct nt_store *src, size_t *n, struct kme_err *err)
{
	struct import im = { .cfg = cfg, .prefix = rk_prefix(cfg) };
	int rc;

	*n = 0;
	if (!rc_up(conn))
		return not_answering(conn, err);
	rb_batch_init(&im.b, conn, err);
	buf_init(&im.key, 2 * TT_KEY_MAX);
	buf_init(&im.enc, TT_KEY_MAX);
	nt_foreach(src, import_one, &im);
	rc = rb_batch_end(&im.b);
	buf_free(&im.key);
	buf_free(&im.enc);
	if (rc < 0)
		return -1;
	*n = im.b.sent;
	return 0;
}
