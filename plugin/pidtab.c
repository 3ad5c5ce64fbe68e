/* pidtab.c - (host, pid) -> entry: hashed, LRU, bounded (see pidtab.h). */
#include <stdlib.h>
#include <string.h>

#include "pidtab.h"
#include "siphash.h"

#define NIL (-1)

struct pd_table {
	struct pd_entry *e;
	size_t max_entries;
	size_t max_bytes;
	int32_t *buckets;
	size_t nbuckets;          /* power of two */
	uint64_t seed;            /* hash_pid's, random */
	int32_t free_head;        /* freed entries chained through hnext */
	size_t fresh;             /* entries [fresh, max) were never used */
	int32_t lru_head, lru_tail;
	struct pd_stats st;
};

/* The bucket of (host, pid). Pids in records are chosen by whoever writes
 * them (a sender to an aggregator may forge any): mixed with a secret random
 * seed through a full 64-bit finaliser (MurmurHash3's fmix64, a bijection),
 * so that nobody can pick pids that fill one chain and make every lookup a
 * walk of the table. */
static size_t hash_pid(const struct pd_table *t, struct ht_ref host, int32_t pid)
{
	uint64_t x = ((uint64_t)host.slot << 32 | (uint32_t)pid) ^ t->seed;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return (size_t)x & (t->nbuckets - 1);
}

static bool same_host(struct ht_ref a, struct ht_ref b)
{
	return a.slot == b.slot && a.gen == b.gen;
}

struct pd_table *pd_new(size_t max_entries, size_t max_bytes,
			struct kme_err *err)
{
	struct pd_table *t = calloc(1, sizeof(*t));
	uint64_t seed[2];
	size_t i;

	if (max_entries < 2)
		max_entries = 2;
	if (max_entries > (size_t)INT32_MAX / 4)
		max_entries = (size_t)INT32_MAX / 4;
	if (t == NULL)
		goto nomem;
	t->max_entries = max_entries;
	t->max_bytes = max_bytes ? max_bytes : SIZE_MAX;
	sip_random_key(seed);
	t->seed = seed[0];
	t->nbuckets = 16;
	while (t->nbuckets < max_entries * 2)
		t->nbuckets *= 2;
	/* calloc: pages of entries never used are never touched. */
	t->e = calloc(max_entries, sizeof(*t->e));
	t->buckets = malloc(t->nbuckets * sizeof(*t->buckets));
	if (t->e == NULL || t->buckets == NULL)
		goto nomem;
	for (i = 0; i < t->nbuckets; i++)
		t->buckets[i] = NIL;
	t->free_head = NIL;
	t->fresh = 0;
	t->lru_head = t->lru_tail = NIL;
	return t;
nomem:
	pd_free(t);
	kme_errf(err, "process table: cannot allocate %zu entries", max_entries);
	return NULL;
}

void pd_free(struct pd_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	if (t->e != NULL)
		for (i = 0; i < t->fresh; i++)
			free(t->e[i].blob);
	free(t->e);
	free(t->buckets);
	free(t);
}

struct pd_entry *pd_find(const struct pd_table *t, struct ht_ref host,
			 int32_t pid)
{
	int32_t i;

	if (pid <= 0)
		return NULL;
	for (i = t->buckets[hash_pid(t, host, pid)]; i != NIL;
	     i = t->e[i].hnext)
		if (t->e[i].pid == pid && same_host(t->e[i].host, host))
			return &t->e[i];
	return NULL;
}

static int32_t idx(const struct pd_table *t, const struct pd_entry *e)
{
	return (int32_t)(e - t->e);
}

static void lru_unlink(struct pd_table *t, struct pd_entry *e)
{
	if (e->lprev != NIL)
		t->e[e->lprev].lnext = e->lnext;
	else
		t->lru_head = e->lnext;
	if (e->lnext != NIL)
		t->e[e->lnext].lprev = e->lprev;
	else
		t->lru_tail = e->lprev;
}

static void lru_push(struct pd_table *t, struct pd_entry *e)
{
	e->lprev = NIL;
	e->lnext = t->lru_head;
	if (t->lru_head != NIL)
		t->e[t->lru_head].lprev = idx(t, e);
	t->lru_head = idx(t, e);
	if (t->lru_tail == NIL)
		t->lru_tail = idx(t, e);
}

void pd_touch(struct pd_table *t, struct pd_entry *e)
{
	if (t->lru_head == idx(t, e))
		return;
	lru_unlink(t, e);
	lru_push(t, e);
}

static void drop_identity(struct pd_table *t, struct pd_entry *e)
{
	t->st.bytes -= e->blob_size;
	free(e->blob);
	e->blob = NULL;
	e->blob_size = 0;
	e->exe = e->name = e->cwd = KME_STR_NULL;
	e->argv = NULL;
	e->nargs = 0;
	e->args_clipped = 0;
	e->args_clip = 0;
	e->has_identity = false;
}

void pd_remove(struct pd_table *t, struct pd_entry *e)
{
	int32_t *pp = &t->buckets[hash_pid(t, e->host, e->pid)];

	while (*pp != NIL && *pp != idx(t, e))
		pp = &t->e[*pp].hnext;
	if (*pp != NIL)
		*pp = e->hnext;
	lru_unlink(t, e);
	drop_identity(t, e);
	e->hnext = t->free_head;
	t->free_head = idx(t, e);
	t->st.entries--;
}

/* Evict least recently used entries until the bytes fit the memory bound
 * and, when need_slot, a free entry exists. keep is never evicted. */
static void evict_for(struct pd_table *t, bool need_slot,
		      const struct pd_entry *keep)
{
	int32_t i = t->lru_tail;

	while (i != NIL &&
	       ((need_slot && t->free_head == NIL && t->fresh == t->max_entries) ||
		t->st.bytes > t->max_bytes)) {
		struct pd_entry *victim = &t->e[i];

		i = victim->lprev;
		if (victim == keep)
			continue;
		pd_remove(t, victim);
		t->st.evicted++;
	}
}

struct pd_entry *pd_add(struct pd_table *t, struct ht_ref host, int32_t pid)
{
	struct pd_entry *e;
	size_t b;

	if (pid <= 0)
		return NULL;
	evict_for(t, true, NULL);
	if (t->free_head != NIL) {
		e = &t->e[t->free_head];
		t->free_head = e->hnext;
	} else if (t->fresh < t->max_entries) {
		e = &t->e[t->fresh++];
	} else {
		return NULL;
	}
	memset(e, 0, sizeof(*e));
	e->pid = pid;
	e->host = host;
	b = hash_pid(t, host, pid);
	e->hnext = t->buckets[b];
	t->buckets[b] = idx(t, e);
	lru_push(t, e);
	t->st.entries++;
	return e;
}

_Static_assert(PD_MAX_ARGS <= 64, "kme_args.clipped has 64 bits");
_Static_assert(PD_MAX_ARGS * (16 + 1) <= PD_MAX_ARG_BYTES,
	       "the smallest cap must always fit");

/* Bytes of the first n args of id (with their NULs) each cut to cap. */
static size_t args_bytes(const struct pd_ident *id, size_t n, size_t cap)
{
	size_t i, bytes = 0;

	for (i = 0; i < n; i++)
		bytes += kme_cut(id->argv[i].p, id->argv[i].len, cap) + 1;
	return bytes;
}

/* The args kept of id: the first PD_MAX_ARGS, whole when they fit
 * PD_MAX_ARG_BYTES, else each cut to the largest cap of the ladder under
 * which they fit (pidtab.h). Their number in *n, the cap in *cap (SIZE_MAX:
 * whole); returns their bytes. O(n * KME_ARG_CAP_STEPS). */
static size_t args_kept(const struct pd_ident *id, size_t *n, size_t *cap)
{
	size_t bytes;
	int step;

	*n = id->nargs < PD_MAX_ARGS ? id->nargs : PD_MAX_ARGS;
	*cap = SIZE_MAX;
	bytes = args_bytes(id, *n, *cap);
	for (step = 0; bytes > PD_MAX_ARG_BYTES && step < KME_ARG_CAP_STEPS; step++) {
		*cap = kme_arg_cap(step);
		bytes = args_bytes(id, *n, *cap);
	}
	return bytes;
}

/* Copy s and a NUL to *p, advancing it; s then points at the copy. */
static void put_str(char **p, struct kme_str *s)
{
	memcpy(*p, s->p, s->len);
	(*p)[s->len] = '\0';
	s->p = *p;
	*p += s->len + 1;
}

/* A path we keep: absent when longer than PD_MAX_PATH (not a path the
 * kernel could have run or stood in). */
static struct kme_str kept_path(struct kme_str s)
{
	return s.len > PD_MAX_PATH ? KME_STR_NULL : s;
}

void pd_set_identity(struct pd_table *t, struct pd_entry *e,
		     const struct pd_ident *id)
{
	struct kme_str exe = kept_path(id->exe), name = kept_path(id->name);
	struct kme_str cwd = kept_path(id->cwd);
	size_t n, cap, bytes = args_kept(id, &n, &cap), i, size;
	uint64_t clipped = id->clipped;
	struct kme_str *nargv;
	void *blob;
	char *p;

	size = n * sizeof(struct kme_str) + exe.len + 1 + name.len + 1 +
	       cwd.len + 1 + bytes;
	blob = size <= t->max_bytes ? malloc(size) : NULL;
	if (blob == NULL) {
		drop_identity(t, e);
		e->name_is_comm = false;
		return; /* kept as a pid -> ppid link only */
	}
	nargv = blob;
	p = (char *)blob + n * sizeof(struct kme_str);
	if (exe.p != NULL)
		put_str(&p, &exe);
	if (name.p != NULL)
		put_str(&p, &name);
	if (cwd.p != NULL)
		put_str(&p, &cwd);
	for (i = 0; i < n; i++) {
		nargv[i] = id->argv[i];
		nargv[i].len = kme_cut(nargv[i].p, nargv[i].len, cap);
		if (nargv[i].len < id->argv[i].len)
			clipped |= (uint64_t)1 << i;
		put_str(&p, &nargv[i]);
	}
	drop_identity(t, e);
	e->blob = blob;
	e->blob_size = size;
	t->st.bytes += size;
	e->exe = exe;
	e->name = name;
	e->cwd = cwd;
	e->argv = nargv;
	e->nargs = n;
	e->argc = id->argc > id->nargs ? id->argc : id->nargs;
	e->args_clipped = clipped;
	e->args_clip = clipped == 0 ? 0 : cap == SIZE_MAX ? id->clip_bytes :
		       cap > id->clip_bytes ? cap : id->clip_bytes;
	e->args_truncated = id->truncated || n < id->nargs || clipped != 0;
	e->name_is_comm = id->name_is_comm;
	e->exe_resolved = id->exe_resolved && exe.p != NULL;
	e->has_identity = exe.p != NULL || name.p != NULL;
	evict_for(t, false, e);
}

void pd_stats(const struct pd_table *t, struct pd_stats *out)
{
	*out = t->st;
}
