/* hosttab.c - interned host names with generations (see hosttab.h). */
#include <stdlib.h>
#include <string.h>

#include "hosttab.h"
#include "siphash.h"

#define NIL (-1)

struct ht_slot {
	char *name;               /* NULL for the local host */
	size_t len;
	uint64_t w0;              /* name's first 8 bytes, zero-padded */
	int32_t hnext;            /* hash chain */
	int32_t lprev, lnext;     /* LRU of remote hosts, most recent at head */
	uint32_t gen;             /* bumped when the slot changes hands */
	struct ht_host h;
};

struct ht_table {
	struct ht_slot *s;        /* [0] local, [1, fresh) remote, in use */
	size_t max_hosts;         /* remote hosts */
	size_t fresh;
	int32_t *buckets;
	size_t nbuckets;          /* power of two */
	int32_t lru_head, lru_tail;  /* from the head, the HT_RECENT hosts named
					last are compared first, unhashed */
	char *local;              /* local node name, NULL if none */
	size_t local_len;
	uint64_t key[2];
	struct ht_stats st;
};

struct ht_table *ht_new(size_t max_hosts, const char *local_node,
			struct kme_err *err)
{
	struct ht_table *t = calloc(1, sizeof(*t));
	size_t i;

	if (max_hosts == 0 || max_hosts > HT_MAX_HOSTS)
		max_hosts = HT_MAX_HOSTS;
	if (t == NULL)
		goto nomem;
	t->max_hosts = max_hosts;
	t->nbuckets = 16;
	while (t->nbuckets < max_hosts * 2)
		t->nbuckets *= 2;
	t->s = calloc(max_hosts + 1, sizeof(*t->s));
	t->buckets = malloc(t->nbuckets * sizeof(*t->buckets));
	if (t->s == NULL || t->buckets == NULL)
		goto nomem;
	if (local_node != NULL && local_node[0] != '\0') {
		if ((t->local = strdup(local_node)) == NULL)
			goto nomem;
		t->local_len = strlen(local_node);
	}
	for (i = 0; i < t->nbuckets; i++)
		t->buckets[i] = NIL;
	t->s[0].gen = 1;
	t->fresh = 1;
	t->lru_head = t->lru_tail = NIL;
	sip_random_key(t->key);
	return t;
nomem:
	ht_free(t);
	kme_errf(err, "host table: cannot allocate %zu hosts", max_hosts);
	return NULL;
}

void ht_free(struct ht_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	if (t->s != NULL)
		for (i = 0; i < t->fresh; i++)
			free(t->s[i].name);
	free(t->s);
	free(t->buckets);
	free(t->local);
	free(t);
}

bool ht_is_local(const struct ht_table *t, struct kme_str node)
{
	return node.p == NULL ||
	       (t->local != NULL && node.len == t->local_len &&
		memcmp(node.p, t->local, node.len) == 0);
}

static void lru_unlink(struct ht_table *t, struct ht_slot *s)
{
	if (s->lprev != NIL)
		t->s[s->lprev].lnext = s->lnext;
	else
		t->lru_head = s->lnext;
	if (s->lnext != NIL)
		t->s[s->lnext].lprev = s->lprev;
	else
		t->lru_tail = s->lprev;
}

static void lru_push(struct ht_table *t, struct ht_slot *s)
{
	int32_t i = (int32_t)(s - t->s);

	s->lprev = NIL;
	s->lnext = t->lru_head;
	if (t->lru_head != NIL)
		t->s[t->lru_head].lprev = i;
	t->lru_head = i;
	if (t->lru_tail == NIL)
		t->lru_tail = i;
}

/* Take the least recently seen remote host's slot: out of the hash and the
 * LRU, its generation bumped so that its references die with it. */
static struct ht_slot *evict_lru(struct ht_table *t)
{
	struct ht_slot *v = &t->s[t->lru_tail];
	size_t b = sip_hash24(t->key, v->name, v->len) & (t->nbuckets - 1);
	int32_t *pp = &t->buckets[b];

	while (*pp != NIL && &t->s[*pp] != v)
		pp = &t->s[*pp].hnext;
	if (*pp != NIL)
		*pp = v->hnext;
	lru_unlink(t, v);
	free(v->name);
	v->name = NULL;
	t->st.evicted++;
	t->st.hosts--;
	return v;
}

/* A name's first 8 bytes, zero-padded: compared before the rest, so that
 * telling hosts apart costs one word compare, not a memcmp call. */
static uint64_t word0(struct kme_str node)
{
	uint64_t w = 0;

	memcpy(&w, node.p, node.len < 8 ? node.len : 8);
	return w;
}

static bool same_name(const struct ht_slot *s, struct kme_str node, uint64_t w0)
{
	return s->len == node.len && s->w0 == w0 &&
	       (node.len <= 8 || memcmp(s->name + 8, node.p + 8, node.len - 8) == 0);
}

/* How many of the most recently seen hosts ht_ref compares before hashing:
 * an aggregator's merged stream interleaves its few hosts record by
 * record, and a SipHash of the name costs several times these compares. */
#define HT_RECENT 4

/* Host i was named again: it becomes the most recently seen; its reference
 * into out. Always true. */
static bool seen(struct ht_table *t, int32_t i, struct ht_ref *out)
{
	struct ht_slot *s = &t->s[i];

	if (t->lru_head != i) {
		lru_unlink(t, s);
		lru_push(t, s);
	}
	*out = (struct ht_ref){ (uint32_t)i, s->gen };
	return true;
}

bool ht_ref(struct ht_table *t, struct kme_str node, struct ht_ref *out)
{
	struct ht_slot *s;
	uint32_t gen;
	uint64_t w0;
	size_t b;
	int32_t i;
	int n;
	char *name;

	if (ht_is_local(t, node)) {
		*out = (struct ht_ref){ HT_LOCAL, t->s[0].gen };
		return true;
	}
	if (node.len > HT_NAME_MAX) {
		t->st.unscoped++;
		return false;
	}
	w0 = word0(node);
	for (i = t->lru_head, n = 0; i != NIL && n < HT_RECENT; i = s->lnext, n++) {
		s = &t->s[i];
		if (same_name(s, node, w0))
			return seen(t, i, out);
	}
	b = sip_hash24(t->key, node.p, node.len) & (t->nbuckets - 1);
	for (i = t->buckets[b]; i != NIL; i = t->s[i].hnext)
		if (same_name(&t->s[i], node, w0))
			return seen(t, i, out);
	if ((name = malloc(node.len + 1)) == NULL)
		return false;
	memcpy(name, node.p, node.len);
	name[node.len] = '\0';
	if (t->fresh <= t->max_hosts) {
		s = &t->s[t->fresh++];
		gen = 0;
	} else {
		s = evict_lru(t);
		gen = s->gen;
	}
	memset(s, 0, sizeof(*s));
	s->gen = gen + 1 ? gen + 1 : 1; /* 0 is never a live generation */
	s->name = name;
	s->len = node.len;
	s->w0 = w0;
	i = (int32_t)(s - t->s);
	s->hnext = t->buckets[b];
	t->buckets[b] = i;
	lru_push(t, s);
	t->st.hosts++;
	*out = (struct ht_ref){ (uint32_t)i, s->gen };
	return true;
}

bool ht_find(const struct ht_table *t, struct kme_str node,
	     struct ht_ref *out)
{
	const struct ht_slot *s;
	uint64_t w0;
	int32_t i;

	if (ht_is_local(t, node)) {
		*out = (struct ht_ref){ HT_LOCAL, t->s[0].gen };
		return true;
	}
	if (node.len > HT_NAME_MAX)
		return false;
	w0 = word0(node);
	i = t->buckets[sip_hash24(t->key, node.p, node.len) & (t->nbuckets - 1)];
	for (; i != NIL; i = t->s[i].hnext) {
		s = &t->s[i];
		if (same_name(s, node, w0)) {
			*out = (struct ht_ref){ (uint32_t)i, s->gen };
			return true;
		}
	}
	return false;
}

struct ht_host *ht_get(struct ht_table *t, struct ht_ref ref)
{
	if (ref.slot >= t->fresh || t->s[ref.slot].gen != ref.gen)
		return NULL;
	if (ref.slot != HT_LOCAL && t->s[ref.slot].name == NULL)
		return NULL;
	return &t->s[ref.slot].h;
}

void ht_stats(const struct ht_table *t, struct ht_stats *out)
{
	*out = t->st;
}
