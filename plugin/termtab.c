/* termtab.c - the new-terms table (see termtab.h). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "siphash.h"
#include "termtab.h"

struct tt_entry {
	struct tt_entry *hnext;           /* bucket chain */
	struct tt_entry *older, *newer;   /* touch order */
	uint64_t hash;
	int64_t first, last;
	uint64_t count;
	uint32_t keylen;
	uint32_t pending;
	char key[];
};

struct tt_table {
	struct tt_entry **buckets;
	size_t nbuckets;                  /* power of two, or 0 */
	size_t n;
	struct tt_entry *oldest, *newest;
	uint64_t seed[2];

	size_t nfields;
	int64_t window;
	size_t max_terms;
	int64_t high_water;
	size_t pending_terms;
	uint64_t evicted, expired;
	bool walking;                     /* tt_walk_start .. tt_walk_stop */
	struct tt_entry *walk;            /* the walk's next term; NULL: end */
	struct kme_buf key;               /* scratch for encoding lookups */
};

/* ---- key encoding ----------------------------------------------------- */

/* Encoded size of one value: tag, LEB128 length, bytes, NUL. */
static size_t key_value_size(size_t len)
{
	size_t n = 1;

	do {
		n++;
		len >>= 7;
	} while (len);
	return n;
}

int tt_key_put(struct kme_buf *b, const char *p, size_t len)
{
	unsigned char v[10];
	size_t n = 0, x = len;

	if (p == NULL || len == 0)   /* the unknown value (newterms.h) */
		return buf_putc(b, 0);
	do {
		v[n] = x & 0x7f;
		x >>= 7;
		if (x)
			v[n] |= 0x80;
		n++;
	} while (x);
	if (buf_reserve(b, 1 + n + len + 1) < 0 || buf_putc(b, 1) < 0 ||
	    buf_append(b, v, n) < 0 || buf_append(b, p, len) < 0 ||
	    buf_putc(b, 0) < 0)
		return -1;
	return 0;
}

/* Decode a key built by tt_key_put (trusted: never from outside). */
static void key_decode(const char *key, size_t nfields, struct nt_term *term)
{
	const unsigned char *k = (const unsigned char *)key;
	size_t i;

	term->n = 0;
	for (i = 0; i < nfields; i++) {
		size_t len = 0;
		unsigned shift = 0;

		if (*k++ == 0) {
			term->v[term->n++] = KME_STR_NULL;
			continue;
		}
		do {
			len |= (size_t)(*k & 0x7f) << shift;
			shift += 7;
		} while (*k++ & 0x80);
		term->v[term->n++] = (struct kme_str){ (const char *)k, len };
		k += len + 1;
	}
}

/* ---- the hash table and the touch order ------------------------------- */

static struct tt_entry *find(const struct tt_table *t, const char *key,
			     size_t keylen, uint64_t h)
{
	struct tt_entry *e;

	if (t->nbuckets == 0)
		return NULL;
	for (e = t->buckets[h & (t->nbuckets - 1)]; e != NULL; e = e->hnext)
		if (e->hash == h && e->keylen == keylen &&
		    memcmp(e->key, key, keylen) == 0)
			return e;
	return NULL;
}

/* The walk steps over a term leaving its place (tt_walk_start). */
static void lru_unlink(struct tt_table *t, struct tt_entry *e)
{
	if (t->walk == e)
		t->walk = e->newer;
	if (e->older)
		e->older->newer = e->newer;
	else
		t->oldest = e->newer;
	if (e->newer)
		e->newer->older = e->older;
	else
		t->newest = e->older;
	e->older = e->newer = NULL;
}

/* A walk at its end has this term to visit. */
static void lru_push_newest(struct tt_table *t, struct tt_entry *e)
{
	if (t->walking && t->walk == NULL)
		t->walk = e;
	e->newer = NULL;
	e->older = t->newest;
	if (t->newest)
		t->newest->newer = e;
	else
		t->oldest = e;
	t->newest = e;
}

static void remove_entry(struct tt_table *t, struct tt_entry *e)
{
	struct tt_entry **pp = &t->buckets[e->hash & (t->nbuckets - 1)];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	lru_unlink(t, e);
	if (e->pending)
		t->pending_terms--;
	t->n--;
	free(e);
}

/* Make room for `want` terms at a load of at most 1/2 (short chains: each
 * link is a cache miss), never beyond 2 * max_terms buckets. Rehash is O(n),
 * amortised O(1) per insert. Failure to grow only lengthens chains. */
void tt_reserve(struct tt_table *t, size_t want)
{
	struct tt_entry **nb, *e;
	size_t nn, i;

	if (want > t->max_terms)
		want = t->max_terms;
	if (t->nbuckets != 0 && want < t->nbuckets / 2)
		return;
	for (nn = t->nbuckets ? t->nbuckets : 64; want >= nn / 2; nn *= 2)
		;
	nb = calloc(nn, sizeof(*nb));
	if (nb == NULL)
		return;
	for (i = 0; i < t->nbuckets; i++) {
		while ((e = t->buckets[i]) != NULL) {
			t->buckets[i] = e->hnext;
			e->hnext = nb[e->hash & (nn - 1)];
			nb[e->hash & (nn - 1)] = e;
		}
	}
	free(t->buckets);
	t->buckets = nb;
	t->nbuckets = nn;
}

/* Add a term known absent as the most recently touched; evicts the least
 * recently touched term at the limit. NULL on ENOMEM. */
static struct tt_entry *insert(struct tt_table *t, const char *key,
			       size_t keylen, uint64_t h)
{
	struct tt_entry *e;

	tt_reserve(t, t->n + 1);
	if (t->nbuckets == 0)
		return NULL;
	e = malloc(sizeof(*e) + keylen);
	if (e == NULL)
		return NULL;
	if (t->n >= t->max_terms && t->oldest != NULL) {
		remove_entry(t, t->oldest);
		t->evicted++;
	}
	memcpy(e->key, key, keylen);
	e->keylen = (uint32_t)keylen;
	e->hash = h;
	e->first = e->last = 0;
	e->count = 0;
	e->pending = 0;
	e->hnext = t->buckets[h & (t->nbuckets - 1)];
	t->buckets[h & (t->nbuckets - 1)] = e;
	lru_push_newest(t, e);
	t->n++;
	return e;
}

/* last < when - window, without overflow: an instant before INT64_MIN +
 * window has nothing older than the window. */
static bool older_than_window(int64_t last, int64_t when, int64_t window)
{
	if (when < INT64_MIN + window)
		return false;
	return last < when - window;
}

/* ---- the interface ------------------------------------------------------ */

struct tt_table *tt_new(size_t nfields, int64_t window, size_t max_terms,
			struct kme_err *err)
{
	struct tt_table *t;

	if (nfields == 0 || nfields > NT_MAX_FIELDS) {
		kme_errf(err, "new-terms store: %zu term fields (1 to %d)",
			 nfields, NT_MAX_FIELDS);
		return NULL;
	}
	if (window < 0) {
		kme_errf(err, "new-terms store: negative history window");
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL) {
		kme_errnof(err, ENOMEM, "new-terms store");
		return NULL;
	}
	t->nfields = nfields;
	t->window = window;
	t->max_terms = max_terms ? max_terms : 1;
	t->high_water = INT64_MIN;
	buf_init(&t->key, TT_KEY_MAX);
	sip_random_key(t->seed);
	return t;
}

void tt_retune(struct tt_table *t, int64_t window, size_t max_terms)
{
	t->window = window >= 0 ? window : 0;
	t->max_terms = max_terms ? max_terms : 1;
	while (t->n > t->max_terms && t->oldest != NULL) {
		remove_entry(t, t->oldest);
		t->evicted++;
	}
}

void tt_clear(struct tt_table *t)
{
	struct tt_entry *e, *next;

	for (e = t->oldest; e != NULL; e = next) {
		next = e->newer;
		free(e);
	}
	t->oldest = t->newest = t->walk = NULL;
	if (t->buckets)
		memset(t->buckets, 0, t->nbuckets * sizeof(*t->buckets));
	t->n = 0;
	t->pending_terms = 0;
	t->high_water = INT64_MIN;
}

void tt_free(struct tt_table *t)
{
	if (t == NULL)
		return;
	tt_clear(t);
	free(t->buckets);
	buf_free(&t->key);
	free(t);
}

/* Encode term into t->key. */
static int encode(struct tt_table *t, const struct nt_term *term,
		  struct kme_err *err)
{
	size_t i, need = 0;

	if (term->n != t->nfields)
		return kme_errf(err, "new-terms store: term has %zu values, "
				"store expects %zu", term->n, t->nfields);
	for (i = 0; i < term->n; i++)
		need += term->v[i].p ? key_value_size(term->v[i].len) +
					       term->v[i].len : 1;
	if (need > TT_KEY_MAX)
		return kme_errf(err, "new-terms store: term longer than %u "
				"bytes", TT_KEY_MAX);
	buf_reset(&t->key);
	for (i = 0; i < term->n; i++)
		if (tt_key_put(&t->key, term->v[i].p, term->v[i].len) < 0)
			return kme_errnof(err, ENOMEM, "new-terms store: "
					  "encoding a term");
	return 0;
}

int tt_check_touch(struct tt_table *t, const struct nt_term *term,
		   int64_t when, struct nt_seen *seen, struct kme_err *err)
{
	struct tt_entry *e;
	uint64_t h;

	memset(seen, 0, sizeof(*seen));
	seen->is_new = true;
	if (encode(t, term, err) < 0)
		return -1;
	h = sip_hash24(t->seed, t->key.p, t->key.len);
	e = find(t, t->key.p, t->key.len, h);
	if (e != NULL) {
		seen->known = true;
		seen->first_seen = e->first;
		seen->last_seen = e->last;
		seen->count = e->count;
		seen->is_new = older_than_window(e->last, when, t->window);
		lru_unlink(t, e);
		lru_push_newest(t, e);
		if (when > e->last)
			e->last = when;
		if (when < e->first)
			e->first = when;
	} else {
		e = insert(t, t->key.p, t->key.len, h);
		if (e == NULL)
			return kme_errnof(err, ENOMEM, "new-terms store: insert");
		e->first = e->last = when;
	}
	if (e->count < (uint64_t)INT64_MAX) /* a JSON integer in a file */
		e->count++;
	if (e->pending == 0)
		t->pending_terms++;
	if (e->pending < UINT32_MAX)
		e->pending++;
	if (when > t->high_water)
		t->high_water = when;
	return 0;
}

size_t tt_expire(struct tt_table *t, int64_t now)
{
	struct tt_entry *e, *next;
	size_t n = 0;

	/* Out-of-order times mean touch order is not time order: scan all. */
	for (e = t->oldest; e != NULL; e = next) {
		next = e->newer;
		if (older_than_window(e->last, now, t->window)) {
			remove_entry(t, e);
			n++;
		}
	}
	t->expired += n;
	return n;
}

size_t tt_expire_oldest(struct tt_table *t, int64_t now)
{
	size_t n = 0;

	while (t->oldest != NULL &&
	       older_than_window(t->oldest->last, now, t->window)) {
		remove_entry(t, t->oldest);
		n++;
	}
	t->expired += n;
	return n;
}

void tt_stats(const struct tt_table *t, struct tt_stats *out)
{
	out->terms = t->n;
	out->evicted = t->evicted;
	out->expired = t->expired;
}

int64_t tt_high_water(const struct tt_table *t)
{
	return t->high_water;
}

size_t tt_nfields(const struct tt_table *t)
{
	return t->nfields;
}

int64_t tt_window(const struct tt_table *t)
{
	return t->window;
}

size_t tt_max_terms(const struct tt_table *t)
{
	return t->max_terms;
}

int tt_add(struct tt_table *t, const char *key, size_t keylen, int64_t first,
	   int64_t last, uint64_t count)
{
	struct tt_entry *e;
	uint64_t h = sip_hash24(t->seed, key, keylen);

	if (find(t, key, keylen, h) != NULL)
		return 1;
	e = insert(t, key, keylen, h);
	if (e == NULL)
		return -1;
	e->first = first;
	e->last = last;
	e->count = count;
	if (last > t->high_water)
		t->high_water = last;
	return 0;
}

void tt_iter_init(const struct tt_table *t, struct tt_iter *it)
{
	it->next = t->oldest;
	it->nfields = t->nfields;
}

bool tt_iter_next(struct tt_iter *it, struct tt_item *out)
{
	const struct tt_entry *e = it->next;

	if (e == NULL)
		return false;
	key_decode(e->key, it->nfields, &out->term);
	out->key = e->key;
	out->keylen = e->keylen;
	out->first = e->first;
	out->last = e->last;
	out->count = e->count;
	out->pending = e->pending;
	it->next = e->newer;
	return true;
}

void tt_foreach(const struct tt_table *t,
		void (*fn)(void *arg, const struct nt_term *term,
			   int64_t first_seen, int64_t last_seen,
			   uint64_t count),
		void *arg)
{
	struct tt_iter it;
	struct tt_item item;

	tt_iter_init(t, &it);
	while (tt_iter_next(&it, &item))
		fn(arg, &item.term, item.first, item.last, item.count);
}

size_t tt_pending_terms(const struct tt_table *t)
{
	return t->pending_terms;
}

void tt_mark_clean(struct tt_table *t)
{
	struct tt_entry *e;

	for (e = t->oldest; e != NULL; e = e->newer)
		e->pending = 0;
	t->pending_terms = 0;
}

/* ---- the walk of a sliced push ------------------------------------------ */

void tt_walk_start(struct tt_table *t)
{
	t->walking = true;
	t->walk = t->oldest;
}

void tt_walk_stop(struct tt_table *t)
{
	t->walking = false;
	t->walk = NULL;
}

bool tt_walk_next(struct tt_table *t, struct tt_item *out)
{
	struct tt_entry *e = t->walk;
	struct tt_iter it = { .next = e, .nfields = t->nfields };

	if (!t->walking || !tt_iter_next(&it, out))
		return false;
	t->walk = e->newer;
	if (e->pending)
		t->pending_terms--;
	e->pending = 0;
	return true;
}

bool tt_restore_pending(struct tt_table *t, const char *key, size_t keylen,
			uint32_t n)
{
	struct tt_entry *e = find(t, key, keylen,
				  sip_hash24(t->seed, key, keylen));

	if (e == NULL || n == 0)
		return e != NULL;
	if (e->pending == 0)
		t->pending_terms++;
	e->pending = e->pending > UINT32_MAX - n ? UINT32_MAX : e->pending + n;
	return true;
}

struct tt_table *tt_split(struct tt_table *t)
{
	struct tt_table *out = calloc(1, sizeof(*out));

	if (out == NULL)
		return NULL;
	*out = *t;
	out->walking = false;
	out->walk = NULL;
	out->evicted = out->expired = 0;
	buf_init(&out->key, TT_KEY_MAX);
	t->buckets = NULL;
	t->nbuckets = 0;
	t->n = 0;
	t->oldest = t->newest = t->walk = NULL;
	t->pending_terms = 0;
	t->high_water = INT64_MIN;
	return out;
}

size_t tt_shed(struct tt_table *t, size_t n)
{
	for (; n > 0 && t->oldest != NULL; n--)
		remove_entry(t, t->oldest);
	return t->n;
}
