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
	e->exe = e->name = KME_STR_NULL;
	e->argv = NULL;
	e->nargs = 0;
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

/* The bytes of the args kept of id: whole args only, at most PD_MAX_ARGS
 * and PD_MAX_ARG_BYTES; their number in *n. */
static size_t args_kept(const struct pd_ident *id, size_t *n)
{
	size_t i, bytes = 0;

	for (i = 0; i < id->nargs && i < PD_MAX_ARGS; i++) {
		if (bytes + id->argv[i].len > PD_MAX_ARG_BYTES)
			break;
		bytes += id->argv[i].len + 1;
	}
	*n = i;
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

void pd_set_identity(struct pd_table *t, struct pd_entry *e,
		     const struct pd_ident *id)
{
	struct kme_str exe = id->exe, name = id->name;
	size_t n, bytes = args_kept(id, &n), i, size;
	struct kme_str *nargv;
	void *blob;
	char *p;

	if (exe.len > PD_MAX_PATH)
		exe = KME_STR_NULL; /* not a path the kernel could have run */
	if (name.len > PD_MAX_PATH)
		name = KME_STR_NULL;
	size = n * sizeof(struct kme_str) + exe.len + 1 + name.len + 1 + bytes;
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
	for (i = 0; i < n; i++) {
		nargv[i] = id->argv[i];
		put_str(&p, &nargv[i]);
	}
	drop_identity(t, e);
	e->blob = blob;
	e->blob_size = size;
	t->st.bytes += size;
	e->exe = exe;
	e->name = name;
	e->argv = nargv;
	e->nargs = n;
	e->argc = id->argc > id->nargs ? id->argc : id->nargs;
	e->args_truncated = id->truncated || n < id->nargs;
	e->name_is_comm = id->name_is_comm;
	e->exe_resolved = id->exe_resolved && exe.p != NULL;
	e->has_identity = exe.p != NULL || name.p != NULL;
	evict_for(t, false, e);
}

void pd_stats(const struct pd_table *t, struct pd_stats *out)
{
	*out = t->st;
}
