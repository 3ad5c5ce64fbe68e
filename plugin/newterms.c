/* newterms.c - the term of an exec event, the store-independent calls and
 * the memory-only store (see newterms.h). The other backends are
 * statefile.c and redisstore.c. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "newterms.h"
#include "termtab.h"

_Static_assert(CFG_MAX_TERM_FIELDS <= NT_MAX_FIELDS,
	       "a configured term must fit struct nt_term");

/* Where each term field lives in struct kme_exec. A numeric field has no
 * string in the event and is formatted into the caller's scratch. */
enum tf_kind { TF_STR = 0, TF_UID };

static const struct {
	enum tf_kind kind;
	size_t off; /* of a struct kme_str, for TF_STR */
} tf_table[CFG_TF__COUNT] = {
	[CFG_TF_EXECUTABLE]        = { TF_STR, offsetof(struct kme_exec, proc.executable) },
	[CFG_TF_NAME]              = { TF_STR, offsetof(struct kme_exec, proc.name) },
	[CFG_TF_PARENT_EXECUTABLE] = { TF_STR, offsetof(struct kme_exec, parent.executable) },
	[CFG_TF_PARENT_NAME]       = { TF_STR, offsetof(struct kme_exec, parent.name) },
	[CFG_TF_USER_ID]           = { TF_UID, 0 },
	[CFG_TF_HOST_NAME]         = { TF_STR, offsetof(struct kme_exec, node) },
};

/* Format a uid into scratch; absent when unset or when scratch is too small
 * (the contract asks for 16 bytes per numeric field; a short scratch must not
 * yield a truncated, wrong value). */
static struct kme_str uid_str(uint32_t uid, char *scratch, size_t room,
			      size_t *used)
{
	int n;

	if (uid == KME_ID_UNSET || scratch == NULL || room == 0)
		return KME_STR_NULL;
	n = snprintf(scratch, room, "%lu", (unsigned long)uid);
	if (n < 0 || (size_t)n >= room)
		return KME_STR_NULL;
	*used = (size_t)n + 1;
	return (struct kme_str){ scratch, (size_t)n };
}

void nt_term_of(const struct kme_config *cfg, const struct kme_exec *ex,
		struct nt_term *term, char *scratch, size_t scratch_size)
{
	size_t i, used = 0;

	term->n = 0;
	for (i = 0; i < cfg->nterm_fields && i < CFG_MAX_TERM_FIELDS; i++) {
		enum cfg_term_field f = cfg->term_fields[i];
		struct kme_str v = KME_STR_NULL;
		size_t n = 0;

		if ((unsigned)f < CFG_TF__COUNT && tf_table[f].kind == TF_STR) {
			v = *(const struct kme_str *)(const void *)
				((const char *)ex + tf_table[f].off);
			if (v.p == NULL)
				v = KME_STR_NULL;
		} else if ((unsigned)f < CFG_TF__COUNT) {
			v = uid_str(ex->uid, scratch ? scratch + used : NULL,
				    scratch_size - used, &n);
			used += n;
		}
		term->v[term->n++] = v;
	}
}

int nt_check_touch(struct nt_store *s, const struct nt_term *term, int64_t t,
		   struct nt_seen *seen, struct kme_err *err)
{
	return s->ops->check_touch(s, term, t, seen, err);
}

size_t nt_expire(struct nt_store *s, int64_t now)
{
	return s->ops->expire(s, now);
}

int nt_save(struct nt_store *s, struct kme_err *err)
{
	return s->ops->save(s, err);
}

int nt_save_background(struct nt_store *s, struct kme_err *err)
{
	if (s->ops->save_background == NULL)
		return s->ops->save(s, err);
	return s->ops->save_background(s, err);
}

int nt_tick(struct nt_store *s, int64_t budget_ms, struct kme_err *err)
{
	return s->ops->tick ? s->ops->tick(s, budget_ms, err) : 0;
}

bool nt_saving(const struct nt_store *s)
{
	return s->ops->saving ? s->ops->saving(s) : false;
}

void nt_stats(const struct nt_store *s, struct nt_stats *out)
{
	s->ops->stats(s, out);
}

void nt_foreach(const struct nt_store *s,
		void (*fn)(void *arg, const struct nt_term *term,
			   int64_t first_seen, int64_t last_seen,
			   uint64_t count),
		void *arg)
{
	s->ops->foreach(s, fn, arg);
}

void nt_destroy(struct nt_store *s)
{
	if (s != NULL)
		s->ops->destroy(s);
}

/* ---- the memory store ---------------------------------------------------- */

struct mem_store {
	struct nt_store store;
	struct tt_table *tt;
};

static int mem_check_touch(struct nt_store *s, const struct nt_term *term,
			   int64_t t, struct nt_seen *seen, struct kme_err *err)
{
	return tt_check_touch(((struct mem_store *)s)->tt, term, t, seen, err);
}

static size_t mem_expire(struct nt_store *s, int64_t now)
{
	return tt_expire(((struct mem_store *)s)->tt, now);
}

static int mem_save(struct nt_store *s, struct kme_err *err)
{
	(void)s;
	(void)err;
	return 0;
}

static void mem_stats(const struct nt_store *s, struct nt_stats *out)
{
	struct tt_stats st;

	tt_stats(((const struct mem_store *)s)->tt, &st);
	*out = (struct nt_stats){ .terms = st.terms, .evicted = st.evicted,
				  .expired = st.expired };
}

static void mem_foreach(const struct nt_store *s,
			void (*fn)(void *arg, const struct nt_term *term,
				   int64_t first_seen, int64_t last_seen,
				   uint64_t count),
			void *arg)
{
	tt_foreach(((const struct mem_store *)s)->tt, fn, arg);
}

static void mem_destroy(struct nt_store *s)
{
	tt_free(((struct mem_store *)s)->tt);
	free(s);
}

static const struct nt_store_ops mem_ops = {
	.check_touch = mem_check_touch,
	.expire = mem_expire,
	.save = mem_save,
	.stats = mem_stats,
	.foreach = mem_foreach,
	.destroy = mem_destroy,
};

struct nt_store *nt_store_memory_of(struct tt_table *tt, struct kme_err *err)
{
	struct mem_store *m = calloc(1, sizeof(*m));

	if (m == NULL) {
		tt_free(tt);
		kme_errnof(err, ENOMEM, "new-terms store");
		return NULL;
	}
	m->store.ops = &mem_ops;
	m->tt = tt;
	return &m->store;
}

struct nt_store *nt_store_memory_open(const struct kme_config *cfg,
				      struct kme_err *err)
{
	struct tt_table *tt = tt_new(cfg->nterm_fields, cfg->history_window,
				     cfg->max_terms, err);

	return tt != NULL ? nt_store_memory_of(tt, err) : NULL;
}
