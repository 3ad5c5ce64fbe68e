/* history.c - the new-terms history a run asks for (see history.h). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "log.h"
#include "redisadmin.h"
#include "redisconn.h"
#include "redisrate.h"
#include "redisstore.h"
#include "statefile.h"

struct history {
	struct hist_opts o;
	const struct kme_config *cfg;     /* borrowed */
	const char *url;                  /* the Redis URL, NULL: a file */
	struct rc_conn *conn;             /* Redis: shared by store and rate */
	struct nt_store *store;
	struct rr_counter *rate;
};

/* The Redis URL of the use, or NULL for the file store: --store, else
 * new_terms_store (except in replay, which shares history only when told
 * with --store). */
static const char *redis_url(const struct hist_opts *o,
			     const struct kme_config *cfg)
{
	const char *u = o->store ? o->store : cfg->new_terms_store;

	if (o->use == HIST_REPLAY && o->store == NULL)
		return NULL;
	return u != NULL && strcmp(u, "file") != 0 ? u : NULL;
}

static const char *state_path(const struct hist_opts *o,
			      const struct kme_config *cfg)
{
	return o->state ? o->state : cfg->state_file;
}

/* ---- the state file ----------------------------------------------------- */

static struct nt_store *open_file(struct history *h, struct history *prev,
				  struct kme_err *err)
{
	const char *path = state_path(&h->o, h->cfg);
	struct nt_store *ps = prev != NULL ? prev->store : NULL;

	switch (h->o.use) {
	case HIST_MIGRATE:
		kme_errf(err, "--migrate-state needs a Redis store (--store "
			 "URL or new_terms_store)");
		return NULL;
	case HIST_DUMP:
		return sf_open_ro(path, h->cfg, err);
	case HIST_REPLAY:
		path = h->o.state;
		break;
	default:
		break;
	}
	return path != NULL ? sf_open(path, h->cfg, ps, err)
			    : nt_store_memory_open(h->cfg, err);
}

/* ---- Redis -------------------------------------------------------------- */

/* How a use's Redis store reconnects and pushes (redisstore.h): the
 * plugin between reads, in slices (nt_tick); replay may wait. */
static const enum rs_mode store_mode[] = {
	[HIST_PLUGIN] = RS_SLICED, [HIST_REPLAY] = RS_BLOCKING,
	[HIST_LEARN] = RS_WRITE_BEHIND,
};

/* Commands that cannot do without Redis fail when it does not answer;
 * the plugin and replay fall back locally. */
static int open_redis(struct history *h, struct kme_err *err)
{
	const struct rc_opts ro = {
		.url = h->url, .password_file = h->cfg->redis_password_file,
		.check_owner = h->o.use == HIST_PLUGIN,
		.connect_timeout = h->cfg->redis_connect_timeout,
		.command_timeout = h->cfg->redis_command_timeout,
	};
	enum hist_use use = h->o.use;
	size_t n;

	if ((h->conn = rc_new(&ro, err)) == NULL)
		return -1;
	if (use == HIST_PLUGIN || use == HIST_REPLAY || use == HIST_LEARN) {
		h->store = rs_open(h->cfg, h->conn, store_mode[use], err);
		if (h->store == NULL)
			return -1;
	}
	if (rc_start(h->conn, use != HIST_PLUGIN && use != HIST_REPLAY,
		     err) < 0)
		return -1;
	if (use == HIST_DUMP &&
	    (h->store = ra_listing(h->conn, h->cfg, &n, err)) == NULL)
		return -1;
	if (use == HIST_PLUGIN || use == HIST_REPLAY) {
		h->rate = rr_new(h->cfg, h->conn, err);
		if (h->rate == NULL)
			return -1;
	}
	return 0;
}

/* ---- the interface ------------------------------------------------------ */

/* The history of o, or NULL with err. */
static struct history *open_asked(const struct hist_opts *o,
				  const struct kme_config *cfg,
				  struct history *prev, struct kme_err *err)
{
	struct history *h = calloc(1, sizeof(*h));

	if (h == NULL) {
		kme_errnof(err, ENOMEM, "new-terms history");
		return NULL;
	}
	*h = (struct history){ .o = *o, .cfg = cfg, .url = redis_url(o, cfg) };
	/* A reload to a store of another kind: the running one saves all it
	 * learned first (a state file store does this itself, or takes the
	 * running table over: statefile.h). */
	if (prev != NULL && (h->url != NULL || state_path(o, cfg) == NULL)) {
		struct kme_err serr = { "" };

		if (nt_save(prev->store, &serr) < 0)
			log_errx("%s", serr.msg);
	}
	if (h->url != NULL ? open_redis(h, err) < 0
			   : (h->store = open_file(h, prev, err)) == NULL) {
		hist_close(h);
		return NULL;
	}
	return h;
}

/* The asked-for history could not be opened: one in memory instead. */
static struct history *open_memory(const struct hist_opts *o,
				   const struct kme_config *cfg,
				   struct kme_err *err)
{
	struct history *h = calloc(1, sizeof(*h));

	log_errx("%s; new-terms history kept in memory only", err->msg);
	if (h == NULL) {
		kme_errnof(err, ENOMEM, "new-terms history");
		return NULL;
	}
	*h = (struct history){ .o = *o, .cfg = cfg, .url = redis_url(o, cfg) };
	if ((h->store = nt_store_memory_open(cfg, err)) == NULL) {
		free(h);
		return NULL;
	}
	return h;
}

struct history *hist_open(const struct hist_opts *o,
			  const struct kme_config *cfg, struct history *prev,
			  struct kme_err *err)
{
	struct history *h = open_asked(o, cfg, prev, err);

	if (h == NULL && o->memory_fallback)
		h = open_memory(o, cfg, err);
	return h;
}

void hist_close(struct history *h)
{
	if (h == NULL)
		return;
	/* The store and the counter use the connection: it goes last. */
	nt_destroy(h->store);
	rr_free(h->rate);
	rc_free(h->conn);
	free(h);
}

struct nt_store *hist_store(const struct history *h)
{
	return h->store;
}

const struct lim_shared *hist_rate(const struct history *h)
{
	return h->rate != NULL ? rr_shared(h->rate) : NULL;
}

const char *hist_where(const struct history *h)
{
	if (h->url != NULL)
		return rc_where(h->conn);
	return state_path(&h->o, h->cfg);
}

int hist_migrate(struct history *h, const char *path, size_t *n,
		 struct kme_err *err)
{
	struct nt_store *src;
	int rc;

	*n = 0;
	if (h->conn == NULL)
		return kme_errf(err, "--migrate-state needs a Redis store "
				"(--store URL or new_terms_store)");
	if ((src = sf_open_ro(path, h->cfg, err)) == NULL)
		return -1;
	rc = ra_import(h->conn, h->cfg, src, n, err);
	nt_destroy(src);
	return rc;
}
