/* statefile.c - the new-terms store: a hash table in memory, optionally
 * persisted as a JSON state file (see newterms.h).
 *
 * Memory: one allocation per term (entry header + encoded key), a bucket
 * array of at most the next power of two above max_terms, and a doubly linked
 * list in touch order, so evicting the least recently touched term is O(1).
 * Touch order approximates "least recently seen": an out-of-order event moves
 * its term to the young end although its last_seen may not change.
 *
 * Key encoding: for each term field, one tag byte (0 absent, 1 present); a
 * present value follows as LEB128 length, the bytes, and a NUL (so a decoded
 * kme_str keeps p[len] == '\0'). The number of fields is fixed per store, so
 * the encoding is unambiguous for arbitrary bytes, and absent != empty.
 *
 * Window semantics keep only last_seen per term: a term whose last sighting
 * is later than an event's time t (events delivered out of order) counts as
 * seen in [t - window, t), though strictly it was seen after t. save()
 * expires at the latest event time the store has seen, not the wall clock,
 * so that a replay of old logs keeps what live would have kept. A
 * max_terms of 0 is taken as 1.
 *
 * Hashing is SipHash-2-4 with a random key: terms are attacker-chosen paths,
 * and a fixed hash would let them be chosen to collide.
 *
 * File format (format_version 1), written oldest-touched term first, so that
 * loading in file order restores the eviction order:
 *   {"format":"audisp-kmod-enum-state","format_version":1,"rule_id":"...",
 *    "rule_version":"211","fields":["process.executable",...],
 *    "window":1209600,"saved_at":<unix>,
 *    "terms":[{"v":["/usr/sbin/lsmod",null],"first":T,"last":T,"count":N},...]}
 * A value that is not valid UTF-8 or holds a control byte is written as
 * {"hex":"..."}; null is an absent value. Identity keys precede "terms" so a
 * file of another identity is recognised before any term is read.
 *
 * The file is read with yajl's event parser and a small state machine, so
 * memory is bounded by the store (plus yajl's buffer for one token; a file is
 * refused above NT_FILE_MAX bytes).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <yajl/yajl_parse.h>

#include "buf.h"
#include "hex.h"
#include "newterms.h"

#define NT_FORMAT          "audisp-kmod-enum-state"
#define NT_FORMAT_VERSION  1
#define NT_FILE_MAX        ((off_t)256 << 20) /* bytes of a state file */
#define NT_KEY_MAX         (32u << 10)  /* encoded bytes of one term */
#define NT_READ_CHUNK      (64u << 10)
#define NT_WRITE_CHUNK     (64u << 10)
#define NT_TERM_GUESS      64           /* bytes of a typical term in a file */
#define NT_ID_SHOW         96           /* bytes of a foreign identity shown */

struct nt_entry {
	struct nt_entry *hnext;           /* bucket chain */
	struct nt_entry *older, *newer;   /* touch order */
	uint64_t hash;
	int64_t first, last;
	uint64_t count;
	uint32_t keylen;
	unsigned char key[];
};

struct ntf {
	struct nt_store store;

	struct nt_entry **buckets;
	size_t nbuckets;                  /* power of two, or 0 */
	size_t n;
	struct nt_entry *oldest, *newest;
	uint64_t seed[2];

	size_t nfields;
	enum cfg_term_field fields[CFG_MAX_TERM_FIELDS];
	int64_t window;
	size_t max_terms;
	char *rule_id, *rule_version;

	/* Persistence; path == NULL for a memory store. Every file operation
	 * is relative to dirfd, the directory checked at open, so a directory
	 * swapped in later by someone else is never written to. */
	char *path, *tmppath;
	const char *name, *tmpname;       /* last components of both */
	int dirfd;
	bool readonly;                    /* nt_store_file_open_ro: never write */

	int64_t high_water;               /* latest event time ever seen */
	struct nt_stats st;
	struct kme_buf key;               /* scratch for encoding lookups */
};

/* ---- SipHash-2-4 ------------------------------------------------------ */

static uint64_t rotl(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

#define SIPROUND do { \
	v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32); \
	v2 += v3; v3 = rotl(v3, 16); v3 ^= v2; \
	v0 += v3; v3 = rotl(v3, 21); v3 ^= v0; \
	v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32); \
} while (0)

static uint64_t load_le64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint64_t siphash(const uint64_t k[2], const unsigned char *p, size_t len)
{
	uint64_t v0 = k[0] ^ 0x736f6d6570736575ULL;
	uint64_t v1 = k[1] ^ 0x646f72616e646f6dULL;
	uint64_t v2 = k[0] ^ 0x6c7967656e657261ULL;
	uint64_t v3 = k[1] ^ 0x7465646279746573ULL;
	uint64_t m, b = (uint64_t)len << 56;
	size_t i, tail = len & 7;

	for (i = 0; i + 8 <= len; i += 8) {
		m = load_le64(p + i);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	for (size_t j = 0; j < tail; j++)
		b |= (uint64_t)p[i + j] << (8 * j);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

static void seed_init(uint64_t seed[2])
{
	struct timespec ts;

	if (getrandom(seed, 2 * sizeof(seed[0]), GRND_NONBLOCK) ==
	    (ssize_t)(2 * sizeof(seed[0])))
		return;
	/* No entropy yet (early boot): still better than a constant key. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	seed[0] = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();
	seed[1] = (uint64_t)ts.tv_sec ^ ((uint64_t)(uintptr_t)seed << 17);
}

/* ---- key encoding ----------------------------------------------------- */

static int key_put_value(struct kme_buf *b, const char *p, size_t len)
{
	unsigned char v[10];
	size_t n = 0, x = len;

	if (p == NULL)
		return buf_putc(b, 0);
	do {
		v[n] = x & 0x7f;
		x >>= 7;
		if (x)
			v[n] |= 0x80;
		n++;
	} while (x);
	if (buf_putc(b, 1) < 0 || buf_append(b, v, n) < 0 ||
	    buf_append(b, p, len) < 0 || buf_putc(b, 0) < 0)
		return -1;
	return 0;
}

/* Decode a key built by key_put_value (trusted: never from outside). */
static void key_decode(const unsigned char *k, size_t nfields,
		       struct nt_term *term)
{
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

/* ---- the table -------------------------------------------------------- */

static struct nt_entry *find(const struct ntf *s, const unsigned char *key,
			     size_t keylen, uint64_t h)
{
	struct nt_entry *e;

	if (s->nbuckets == 0)
		return NULL;
	for (e = s->buckets[h & (s->nbuckets - 1)]; e != NULL; e = e->hnext)
		if (e->hash == h && e->keylen == keylen &&
		    memcmp(e->key, key, keylen) == 0)
			return e;
	return NULL;
}

static void lru_unlink(struct ntf *s, struct nt_entry *e)
{
	if (e->older)
		e->older->newer = e->newer;
	else
		s->oldest = e->newer;
	if (e->newer)
		e->newer->older = e->older;
	else
		s->newest = e->older;
	e->older = e->newer = NULL;
}

static void lru_push_newest(struct ntf *s, struct nt_entry *e)
{
	e->newer = NULL;
	e->older = s->newest;
	if (s->newest)
		s->newest->newer = e;
	else
		s->oldest = e;
	s->newest = e;
}

static void remove_entry(struct ntf *s, struct nt_entry *e)
{
	struct nt_entry **pp = &s->buckets[e->hash & (s->nbuckets - 1)];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	lru_unlink(s, e);
	s->n--;
	free(e);
}

static void clear_all(struct ntf *s)
{
	struct nt_entry *e, *next;

	for (e = s->oldest; e != NULL; e = next) {
		next = e->newer;
		free(e);
	}
	s->oldest = s->newest = NULL;
	if (s->buckets)
		memset(s->buckets, 0, s->nbuckets * sizeof(*s->buckets));
	s->n = 0;
}

/* Make room for `want` terms at a load of at most 1/2 (short chains: each
 * link is a cache miss), never beyond 2 * max_terms buckets. Rehash is O(n),
 * amortised O(1) per insert. Failure to grow only lengthens chains. */
static void reserve_terms(struct ntf *s, size_t want)
{
	struct nt_entry **nb, *e;
	size_t nn, i;

	if (want > s->max_terms)
		want = s->max_terms;
	if (s->nbuckets != 0 && want < s->nbuckets / 2)
		return;
	for (nn = s->nbuckets ? s->nbuckets : 64; want >= nn / 2; nn *= 2)
		;
	nb = calloc(nn, sizeof(*nb));
	if (nb == NULL)
		return;
	for (i = 0; i < s->nbuckets; i++) {
		while ((e = s->buckets[i]) != NULL) {
			s->buckets[i] = e->hnext;
			e->hnext = nb[e->hash & (nn - 1)];
			nb[e->hash & (nn - 1)] = e;
		}
	}
	free(s->buckets);
	s->buckets = nb;
	s->nbuckets = nn;
}

/* Add a term known absent; evicts the least recently touched term at the
 * limit. NULL on ENOMEM. */
static struct nt_entry *insert(struct ntf *s, const unsigned char *key,
			       size_t keylen, uint64_t h)
{
	struct nt_entry *e;

	reserve_terms(s, s->n + 1);
	if (s->nbuckets == 0)
		return NULL;
	e = malloc(sizeof(*e) + keylen);
	if (e == NULL)
		return NULL;
	if (s->n >= s->max_terms && s->oldest != NULL) {
		remove_entry(s, s->oldest);
		s->st.evicted++;
	}
	memcpy(e->key, key, keylen);
	e->keylen = (uint32_t)keylen;
	e->hash = h;
	e->first = e->last = 0;
	e->count = 0;
	e->hnext = s->buckets[h & (s->nbuckets - 1)];
	s->buckets[h & (s->nbuckets - 1)] = e;
	lru_push_newest(s, e);
	s->n++;
	return e;
}

/* last < t - window, without overflow: an instant before INT64_MIN + window
 * has nothing older than the window. */
static bool older_than_window(int64_t last, int64_t t, int64_t window)
{
	if (t < INT64_MIN + window)
		return false;
	return last < t - window;
}

/* ---- store operations ------------------------------------------------- */

static int ntf_check_touch(struct nt_store *base, const struct nt_term *term,
			   int64_t t, struct nt_seen *seen, struct kme_err *err)
{
	struct ntf *s = (struct ntf *)base;
	struct nt_entry *e;
	uint64_t h;
	size_t i;

	memset(seen, 0, sizeof(*seen));
	seen->is_new = true;
	if (term->n != s->nfields)
		return kme_errf(err, "new-terms store: term has %zu values, "
				"store expects %zu", term->n, s->nfields);
	buf_reset(&s->key);
	for (i = 0; i < term->n; i++)
		if (key_put_value(&s->key, term->v[i].p, term->v[i].len) < 0)
			return kme_errf(err, "new-terms store: term longer "
					"than %u bytes or out of memory",
					NT_KEY_MAX);
	h = siphash(s->seed, (const unsigned char *)s->key.p, s->key.len);
	e = find(s, (const unsigned char *)s->key.p, s->key.len, h);
	if (e != NULL) {
		seen->known = true;
		seen->first_seen = e->first;
		seen->last_seen = e->last;
		seen->count = e->count;
		/* Only last_seen is kept: a term last seen after t (an
		 * out-of-order event) counts as seen in [t - window, t). */
		seen->is_new = older_than_window(e->last, t, s->window);
		lru_unlink(s, e);
		lru_push_newest(s, e);
		if (t > e->last)
			e->last = t;
		if (t < e->first)
			e->first = t;
	} else {
		e = insert(s, (const unsigned char *)s->key.p, s->key.len, h);
		if (e == NULL)
			return kme_errnof(err, ENOMEM, "new-terms store: insert");
		e->first = e->last = t;
	}
	if (e->count < (uint64_t)INT64_MAX) /* a JSON integer in the file */
		e->count++;
	if (t > s->high_water)
		s->high_water = t;
	return 0;
}

static size_t ntf_expire(struct nt_store *base, int64_t now)
{
	struct ntf *s = (struct ntf *)base;
	struct nt_entry *e, *next;
	size_t n = 0;

	/* Out-of-order times mean touch order is not time order: scan all. */
	for (e = s->oldest; e != NULL; e = next) {
		next = e->newer;
		if (older_than_window(e->last, now, s->window)) {
			remove_entry(s, e);
			n++;
		}
	}
	s->st.expired += n;
	return n;
}

static void ntf_stats(const struct nt_store *base, struct nt_stats *out)
{
	const struct ntf *s = (const struct ntf *)base;

	*out = s->st;
	out->terms = s->n;
}

static void ntf_foreach(const struct nt_store *base,
			void (*fn)(void *arg, const struct nt_term *term,
				   int64_t first_seen, int64_t last_seen,
				   uint64_t count),
			void *arg)
{
	const struct ntf *s = (const struct ntf *)base;
	const struct nt_entry *e;
	struct nt_term term;

	for (e = s->oldest; e != NULL; e = e->newer) {
		key_decode(e->key, s->nfields, &term);
		fn(arg, &term, e->first, e->last, e->count);
	}
}

static void ntf_destroy(struct nt_store *base)
{
	struct ntf *s = (struct ntf *)base;

	clear_all(s);
	free(s->buckets);
	buf_free(&s->key);
	if (s->dirfd >= 0)
		close(s->dirfd);
	free(s->path);
	free(s->tmppath);
	free(s->rule_id);
	free(s->rule_version);
	free(s);
}

/* ---- writing ---------------------------------------------------------- */

/* Strict UTF-8 (no overlongs, surrogates or code points above U+10FFFF) and
 * no C0 control or DEL: such a value can be a JSON string that every reader
 * gives back byte for byte. */
static bool is_plain_text(const unsigned char *p, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned c = p[i], need, cp, min;

		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				return false;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1; cp = c & 0x1f; min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2; cp = c & 0x0f; min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3; cp = c & 0x07; min = 0x10000;
		} else {
			return false;
		}
		if (len - i <= need)
			return false;
		for (unsigned j = 1; j <= need; j++) {
			if ((p[i + j] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + j] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += need + 1;
	}
	return true;
}

/* A JSON string of text (valid UTF-8); control bytes become \u00XX. */
static int put_json_string(struct kme_buf *b, const char *p, size_t len)
{
	size_t i, run = 0;

	if (buf_putc(b, '"') < 0)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		if (buf_append(b, p + run, i - run) < 0)
			return -1;
		run = i + 1;
		if (c == '"' || c == '\\') {
			if (buf_putc(b, '\\') < 0 || buf_putc(b, (char)c) < 0)
				return -1;
		} else if (buf_printf(b, "\\u%04x", c) < 0) {
			return -1;
		}
	}
	if (buf_append(b, p + run, len - run) < 0)
		return -1;
	return buf_putc(b, '"');
}

static int put_value(struct kme_buf *b, struct kme_str v)
{
	static const char hexd[] = "0123456789abcdef";
	size_t i;

	if (v.p == NULL)
		return buf_puts(b, "null");
	if (is_plain_text((const unsigned char *)v.p, v.len))
		return put_json_string(b, v.p, v.len);
	if (buf_puts(b, "{\"hex\":\"") < 0 || buf_reserve(b, 2 * v.len) < 0)
		return -1;
	for (i = 0; i < v.len; i++) {
		b->p[b->len++] = hexd[(unsigned char)v.p[i] >> 4];
		b->p[b->len++] = hexd[(unsigned char)v.p[i] & 15];
	}
	b->p[b->len] = '\0';
	return buf_puts(b, "\"}");
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w == 0)
			errno = EIO;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

static int put_header(const struct ntf *s, struct kme_buf *b)
{
	size_t i;

	if (buf_printf(b, "{\"format\":\"%s\",\"format_version\":%d,"
		       "\"rule_id\":", NT_FORMAT, NT_FORMAT_VERSION) < 0 ||
	    put_json_string(b, s->rule_id, strlen(s->rule_id)) < 0 ||
	    buf_puts(b, ",\"rule_version\":") < 0 ||
	    put_json_string(b, s->rule_version, strlen(s->rule_version)) < 0 ||
	    buf_puts(b, ",\"fields\":[") < 0)
		return -1;
	for (i = 0; i < s->nfields; i++) {
		const char *f = cfg_term_field_name(s->fields[i]);

		if ((i && buf_putc(b, ',') < 0) ||
		    put_json_string(b, f, strlen(f)) < 0)
			return -1;
	}
	return buf_printf(b, "],\"window\":%" PRId64 ",\"saved_at\":%lld,"
			  "\"terms\":[", s->window, (long long)time(NULL));
}

static int put_term(const struct ntf *s, const struct nt_entry *e,
		    bool first, struct kme_buf *b)
{
	struct nt_term term;
	size_t i;

	key_decode(e->key, s->nfields, &term);
	if (buf_puts(b, first ? "\n{\"v\":[" : ",\n{\"v\":[") < 0)
		return -1;
	for (i = 0; i < term.n; i++)
		if ((i && buf_putc(b, ',') < 0) || put_value(b, term.v[i]) < 0)
			return -1;
	return buf_printf(b, "],\"first\":%" PRId64 ",\"last\":%" PRId64
			  ",\"count\":%" PRIu64 "}", e->first, e->last,
			  e->count);
}

static int ntf_save(struct nt_store *base, struct kme_err *err)
{
	struct ntf *s = (struct ntf *)base;
	const struct nt_entry *e;
	struct kme_buf b;
	off_t total = 0;
	int fd = -1, rc = -1;
	bool created = false;

	if (s->path == NULL)
		return 0;
	if (s->readonly)
		return kme_errf(err, "%s: opened read-only, not saved", s->path);
	/* Expire at the latest event time, not the wall clock: times are
	 * event times, so a replay saves what live would have saved. */
	if (s->n > 0)
		ntf_expire(base, s->high_water);
	buf_init(&b, 4 * NT_WRITE_CHUNK + 4 * NT_KEY_MAX);

	/* unlink does not follow a symlink; O_EXCL|O_NOFOLLOW then refuses
	 * anything planted between the two calls. */
	if (unlinkat(s->dirfd, s->tmpname, 0) < 0 && errno != ENOENT) {
		kme_errnof(err, errno, "%s: unlink", s->tmppath);
		goto out;
	}
	fd = openat(s->dirfd, s->tmpname,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		kme_errnof(err, errno, "%s: create", s->tmppath);
		goto out;
	}
	created = true;
	if (put_header(s, &b) < 0)
		goto nomem;
	for (e = s->oldest; e != NULL; e = e->newer) {
		if (put_term(s, e, e == s->oldest, &b) < 0)
			goto nomem;
		if (b.len < NT_WRITE_CHUNK)
			continue;
		total += (off_t)b.len;
		if (total > NT_FILE_MAX) {
			kme_errf(err, "%s: state would exceed %lld bytes, "
				 "more than a load accepts", s->tmppath,
				 (long long)NT_FILE_MAX);
			goto out;
		}
		if (write_all(fd, b.p, b.len) < 0) {
			kme_errnof(err, errno, "%s: write", s->tmppath);
			goto out;
		}
		buf_reset(&b);
	}
	if (buf_puts(&b, "\n]}\n") < 0)
		goto nomem;
	if (total + (off_t)b.len > NT_FILE_MAX) {
		kme_errf(err, "%s: state would exceed %lld bytes, more than a "
			 "load accepts", s->tmppath, (long long)NT_FILE_MAX);
		goto out;
	}
	if (write_all(fd, b.p, b.len) < 0) {
		kme_errnof(err, errno, "%s: write", s->tmppath);
		goto out;
	}
	if (fsync(fd) < 0) {
		kme_errnof(err, errno, "%s: fsync", s->tmppath);
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		kme_errnof(err, errno, "%s: close", s->tmppath);
		goto out;
	}
	fd = -1;
	if (renameat(s->dirfd, s->tmpname, s->dirfd, s->name) < 0) {
		kme_errnof(err, errno, "%s: rename to %s", s->tmppath, s->path);
		goto out;
	}
	/* The rename is durable only once the directory is. PATH is already
	 * complete whatever happens next, so this failure keeps no temp. */
	if (fsync(s->dirfd) < 0) {
		kme_errnof(err, errno, "%s: fsync of its directory", s->path);
		goto out_renamed;
	}
	rc = 0;
	goto out_renamed;
nomem:
	kme_errnof(err, ENOMEM, "%s: format state", s->tmppath);
out:
	if (fd >= 0)
		close(fd);
	if (created)
		unlinkat(s->dirfd, s->tmpname, 0);
out_renamed:
	buf_free(&b);
	if (rc == 0)
		s->st.saves++;
	else
		s->st.save_errors++;
	return rc;
}

static const struct nt_store_ops ntf_ops = {
	.check_touch = ntf_check_touch,
	.expire = ntf_expire,
	.save = ntf_save,
	.stats = ntf_stats,
	.foreach = ntf_foreach,
	.destroy = ntf_destroy,
};

/* ---- reading ---------------------------------------------------------- */

enum ld_state {
	LD_TOP = 0, LD_TOP_KEY, LD_TOP_VAL, LD_FIELDS, LD_TERMS, LD_TERM_KEY,
	LD_TERM_VAL, LD_V, LD_HEX_KEY, LD_HEX_VAL, LD_HEX_END, LD_DONE
};

/* Keys of the top-level object; identity keys must all precede "terms". */
enum ld_top {
	TK_FORMAT = 0, TK_FORMAT_VERSION, TK_RULE_ID, TK_RULE_VERSION,
	TK_FIELDS, TK_WINDOW, TK_SAVED_AT, TK_TERMS, TK__COUNT
};
#define TK_IDENTITY ((1u << TK_FORMAT) | (1u << TK_FORMAT_VERSION) | \
		     (1u << TK_RULE_ID) | (1u << TK_RULE_VERSION) | \
		     (1u << TK_FIELDS))

enum ld_term { TM_V = 0, TM_FIRST, TM_LAST, TM_COUNT, TM__COUNT };

/* JSON type a key's value must have. */
enum ld_type { JT_STRING, JT_INT, JT_ARRAY };

struct ld_key {
	const char *name;
	enum ld_type type;
};

static const struct ld_key top_keys[TK__COUNT] = {
	[TK_FORMAT]         = { "format", JT_STRING },
	[TK_FORMAT_VERSION] = { "format_version", JT_INT },
	[TK_RULE_ID]        = { "rule_id", JT_STRING },
	[TK_RULE_VERSION]   = { "rule_version", JT_STRING },
	[TK_FIELDS]         = { "fields", JT_ARRAY },
	[TK_WINDOW]         = { "window", JT_INT },
	[TK_SAVED_AT]       = { "saved_at", JT_INT },
	[TK_TERMS]          = { "terms", JT_ARRAY },
};

static const struct ld_key term_keys[TM__COUNT] = {
	[TM_V]     = { "v", JT_ARRAY },
	[TM_FIRST] = { "first", JT_INT },
	[TM_LAST]  = { "last", JT_INT },
	[TM_COUNT] = { "count", JT_INT },
};

struct ld {
	struct ntf *s;
	enum ld_state state;
	int cur;                 /* TK_* or TM_* whose value is next */
	unsigned seen_top, seen_term;
	size_t nfields_read;

	bool mismatch;           /* identity differs: keep aside as .old */
	bool enomem;
	char why[160];           /* why the file is unusable */
	char f_rule_id[NT_ID_SHOW], f_rule_version[NT_ID_SHOW];
	struct kme_buf f_fields; /* the file's field list, for the notice */

	struct kme_buf key;      /* the term being read, encoded */
	size_t nv;
	int64_t first, last, count;
	size_t loaded;
};

/* Stop the parse, remembering the first reason. A file already known to be
 * of another identity is not judged further: it is kept aside as "old". */
static int ld_failk(struct ld *l, const char *why, const char *what)
{
	char *c;

	if (l->why[0] == '\0' && !l->mismatch) {
		snprintf(l->why, sizeof(l->why), "%s%s%s%s", why,
			 what ? " '" : "", what ? what : "", what ? "'" : "");
		/* yajl's messages end in a newline; a notice is one line. */
		for (c = l->why; *c != '\0'; c++)
			if ((unsigned char)*c < 0x20)
				*c = ' ';
	}
	return 0;
}

static int ld_fail(void *ctx, const char *why)
{
	return ld_failk(ctx, why, NULL);
}

static int ld_lookup(const struct ld_key *t, int n, const unsigned char *k,
		     size_t len)
{
	int i;

	for (i = 0; i < n; i++)
		if (strlen(t[i].name) == len && memcmp(t[i].name, k, len) == 0)
			return i;
	return -1;
}

/* Copy hostile bytes for a message: printable ASCII only, bounded. */
static void show(char *dst, size_t size, const unsigned char *p, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len && n + 1 < size; i++)
		dst[n++] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';
	dst[n] = '\0';
}

static bool str_eq(const unsigned char *p, size_t len, const char *s)
{
	return strlen(s) == len && memcmp(p, s, len) == 0;
}

/* The value for key l->key was read with type `type`; check it fits. */
static int ld_typed(struct ld *l, const struct ld_key *t, enum ld_type type)
{
	if (t[l->cur].type != type)
		return ld_failk(l, "wrong type for", t[l->cur].name);
	return 1;
}

static int ld_null(void *ctx)
{
	struct ld *l = ctx;

	if (l->state != LD_V)
		return ld_fail(l, "unexpected null");
	if (l->nv >= l->s->nfields)
		return ld_fail(l, "a term has too many values");
	if (key_put_value(&l->key, NULL, 0) < 0)
		return ld_fail(l, "a term is too long");
	l->nv++;
	return 1;
}

static int ld_boolean(void *ctx, int v)
{
	(void)v;
	return ld_fail(ctx, "unexpected boolean");
}

static int ld_double(void *ctx, double v)
{
	(void)v;
	return ld_fail(ctx, "unexpected fractional number");
}

static int ld_integer(void *ctx, long long v)
{
	struct ld *l = ctx;

	if (l->state == LD_TOP_VAL) {
		if (!ld_typed(l, top_keys, JT_INT))
			return 0;
		if (l->cur == TK_FORMAT_VERSION && v != NT_FORMAT_VERSION)
			l->mismatch = true;
		l->state = LD_TOP_KEY;
		return 1;
	}
	if (l->state != LD_TERM_VAL)
		return ld_fail(l, "unexpected number");
	if (!ld_typed(l, term_keys, JT_INT))
		return 0;
	if (l->cur == TM_FIRST)
		l->first = v;
	else if (l->cur == TM_LAST)
		l->last = v;
	else
		l->count = v;
	l->state = LD_TERM_KEY;
	return 1;
}


static int ld_hex(struct ld *l, const unsigned char *p, size_t len)
{
	size_t i, n = len / 2, start;

	if (len % 2 != 0 || n > NT_KEY_MAX)
		return ld_fail(l, "bad hex value");
	/* Encode with the first n digits as placeholder bytes (the length
	 * header comes out right), then decode the digits over them. */
	if (key_put_value(&l->key, (const char *)p, n) < 0)
		return ld_fail(l, "a term is too long");
	start = l->key.len - 1 - n;
	for (i = 0; i < n; i++) {
		int hi = hex_value(p[2 * i]), lo = hex_value(p[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return ld_fail(l, "bad hex value");
		l->key.p[start + i] = (char)(hi << 4 | lo);
	}
	return 1;
}

static int ld_string(void *ctx, const unsigned char *p, size_t len)
{
	struct ld *l = ctx;
	struct ntf *s = l->s;

	switch (l->state) {
	case LD_TOP_VAL:
		if (!ld_typed(l, top_keys, JT_STRING))
			return 0;
		if (l->cur == TK_FORMAT) {
			if (!str_eq(p, len, NT_FORMAT))
				l->mismatch = true;
		} else if (l->cur == TK_RULE_ID) {
			show(l->f_rule_id, sizeof(l->f_rule_id), p, len);
			if (!str_eq(p, len, s->rule_id))
				l->mismatch = true;
		} else {
			show(l->f_rule_version, sizeof(l->f_rule_version), p, len);
			if (!str_eq(p, len, s->rule_version))
				l->mismatch = true;
		}
		l->state = LD_TOP_KEY;
		return 1;
	case LD_FIELDS: {
		char shown[NT_ID_SHOW];

		show(shown, sizeof(shown), p, len);
		if (l->f_fields.len < 512)
			buf_printf(&l->f_fields, "%s%s",
				   l->nfields_read ? ", " : "", shown);
		if (l->nfields_read >= s->nfields ||
		    !str_eq(p, len, cfg_term_field_name(s->fields[l->nfields_read])))
			l->mismatch = true;
		l->nfields_read++;
		return 1;
	}
	case LD_V:
		if (l->nv >= s->nfields)
			return ld_fail(l, "a term has too many values");
		if (key_put_value(&l->key, (const char *)p, len) < 0)
			return ld_fail(l, "a term is too long");
		l->nv++;
		return 1;
	case LD_HEX_VAL:
		if (l->nv >= s->nfields)
			return ld_fail(l, "a term has too many values");
		if (!ld_hex(l, p, len))
			return 0;
		l->nv++;
		l->state = LD_HEX_END;
		return 1;
	default:
		return ld_fail(l, "unexpected string");
	}
}

static int ld_start_map(void *ctx)
{
	struct ld *l = ctx;

	switch (l->state) {
	case LD_TOP:
		l->state = LD_TOP_KEY;
		return 1;
	case LD_TERMS:
		l->seen_term = 0;
		l->nv = 0;
		buf_reset(&l->key);
		l->state = LD_TERM_KEY;
		return 1;
	case LD_V:
		l->state = LD_HEX_KEY;
		return 1;
	default:
		return ld_fail(l, "unexpected object");
	}
}

/* A failure naming the hostile key k (shown printable and bounded). */
static int ld_fail_key(struct ld *l, const char *why, const unsigned char *k,
		       size_t len)
{
	char shown[32];

	show(shown, sizeof(shown), k, len);
	return ld_failk(l, why, shown);
}

static int ld_map_key(void *ctx, const unsigned char *k, size_t len)
{
	struct ld *l = ctx;
	int i;

	switch (l->state) {
	case LD_TOP_KEY:
		i = ld_lookup(top_keys, TK__COUNT, k, len);
		if (i < 0)
			return ld_fail_key(l, "unknown key", k, len);
		if (l->seen_top & (1u << i))
			return ld_fail_key(l, "duplicate key", k, len);
		l->seen_top |= 1u << i;
		l->cur = i;
		if (i == TK_TERMS) {
			if ((l->seen_top & TK_IDENTITY) != TK_IDENTITY)
				return ld_fail(l, "identity keys "
					       "missing before \"terms\"");
			if (l->mismatch)
				return 0; /* not ours: stop before any term */
		}
		l->state = LD_TOP_VAL;
		return 1;
	case LD_TERM_KEY:
		i = ld_lookup(term_keys, TM__COUNT, k, len);
		if (i < 0)
			return ld_fail_key(l, "unknown term key", k, len);
		if (l->seen_term & (1u << i))
			return ld_fail_key(l, "duplicate term key", k, len);
		l->seen_term |= 1u << i;
		l->cur = i;
		l->state = LD_TERM_VAL;
		return 1;
	case LD_HEX_KEY:
		if (!str_eq(k, len, "hex"))
			return ld_fail_key(l, "unknown value key", k, len);
		l->state = LD_HEX_VAL;
		return 1;
	default:
		return ld_fail(l, "unexpected key");
	}
}

static int ld_term_done(struct ld *l)
{
	struct ntf *s = l->s;
	struct nt_entry *e;
	uint64_t h;

	if (l->seen_term != (1u << TM__COUNT) - 1)
		return ld_fail(l, "a term lacks v, first, last or count");
	if (l->first > l->last || l->count < 1)
		return ld_fail(l, "a term has inconsistent times or count");
	h = siphash(s->seed, (const unsigned char *)l->key.p, l->key.len);
	if (find(s, (const unsigned char *)l->key.p, l->key.len, h) != NULL)
		return ld_fail(l, "duplicate term");
	e = insert(s, (const unsigned char *)l->key.p, l->key.len, h);
	if (e == NULL) {
		l->enomem = true;
		return 0;
	}
	e->first = l->first;
	e->last = l->last;
	e->count = (uint64_t)l->count;
	if (e->last > s->high_water)
		s->high_water = e->last;
	l->loaded++;
	l->state = LD_TERMS;
	return 1;
}

static int ld_end_map(void *ctx)
{
	struct ld *l = ctx;

	switch (l->state) {
	case LD_TOP_KEY:
		if (l->seen_top != (1u << TK__COUNT) - 1)
			return ld_fail(l, "a top-level key is missing");
		l->state = LD_DONE;
		return 1;
	case LD_TERM_KEY:
		return ld_term_done(l);
	case LD_HEX_END:
		l->state = LD_V;
		return 1;
	default:
		return ld_fail(l, "unexpected end of object");
	}
}

static int ld_start_array(void *ctx)
{
	struct ld *l = ctx;

	if (l->state == LD_TOP_VAL) {
		if (!ld_typed(l, top_keys, JT_ARRAY))
			return 0;
		l->state = l->cur == TK_FIELDS ? LD_FIELDS : LD_TERMS;
		return 1;
	}
	if (l->state == LD_TERM_VAL) {
		if (!ld_typed(l, term_keys, JT_ARRAY))
			return 0;
		l->state = LD_V;
		return 1;
	}
	return ld_fail(l, "unexpected array");
}

static int ld_end_array(void *ctx)
{
	struct ld *l = ctx;

	switch (l->state) {
	case LD_FIELDS:
		if (l->nfields_read != l->s->nfields)
			l->mismatch = true;
		l->state = LD_TOP_KEY;
		return 1;
	case LD_TERMS:
		l->state = LD_TOP_KEY;
		return 1;
	case LD_V:
		if (l->nv != l->s->nfields)
			return ld_fail(l, "a term has too few values");
		l->state = LD_TERM_KEY;
		return 1;
	default:
		return ld_fail(l, "unexpected end of array");
	}
}

static const yajl_callbacks ld_callbacks = {
	.yajl_null = ld_null,
	.yajl_boolean = ld_boolean,
	.yajl_integer = ld_integer,
	.yajl_double = ld_double,
	.yajl_string = ld_string,
	.yajl_start_map = ld_start_map,
	.yajl_map_key = ld_map_key,
	.yajl_end_map = ld_end_map,
	.yajl_start_array = ld_start_array,
	.yajl_end_array = ld_end_array,
};

/* Parse an open state file into s. Returns 0 when the file was read (valid
 * or not: l->why / l->mismatch say which), -1 on errors that make the store
 * unusable (read error, ENOMEM). */
static int ld_parse(struct ld *l, int fd, struct kme_err *err)
{
	struct ntf *s = l->s;
	unsigned char *chunk;
	yajl_handle h;
	yajl_status st = yajl_status_ok;
	off_t total = 0;
	int rc = -1;

	chunk = malloc(NT_READ_CHUNK);
	h = yajl_alloc(&ld_callbacks, NULL, l);
	if (chunk == NULL || h == NULL) {
		kme_errnof(err, ENOMEM, "%s: load", s->path);
		goto out;
	}
	for (;;) {
		ssize_t r = read(fd, chunk, NT_READ_CHUNK);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			kme_errnof(err, errno, "%s: read", s->path);
			goto out;
		}
		if (r == 0)
			break;
		total += r;
		if (total > NT_FILE_MAX) {
			ld_fail(l, "larger than 256 MiB");
			rc = 0;
			goto out;
		}
		st = yajl_parse(h, chunk, (size_t)r);
		if (st != yajl_status_ok)
			break;
	}
	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	if (l->enomem || l->f_fields.overflow) {
		kme_errnof(err, ENOMEM, "%s: load", s->path);
		goto out;
	}
	if (st == yajl_status_error) {
		unsigned char *msg = yajl_get_error(h, 0, NULL, 0);

		ld_fail(l, msg ? (const char *)msg : "parse error");
		if (msg)
			yajl_free_error(h, msg);
	} else if (st == yajl_status_client_canceled && !l->mismatch) {
		ld_fail(l, "parse error");
	} else if (!l->mismatch && l->state != LD_DONE) {
		ld_fail(l, "truncated");
	}
	rc = 0;
out:
	if (h)
		yajl_free(h);
	free(chunk);
	return rc;
}

static void notice_set(char *notice, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void notice_set(char *notice, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (notice == NULL || size == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(notice, size, fmt, ap);
	va_end(ap);
}

/* Move the file at PATH aside as PATH.<tag>-<unixtime> (".N" appended when
 * that name is taken), never replacing anything; the full new name goes to
 * aside. -1 with err when it could not be moved. */
static int rename_noreplace(int dirfd, const char *from, const char *to)
{
	struct stat sb;

	if (renameat2(dirfd, from, dirfd, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* A file system without RENAME_NOREPLACE: check, then rename. */
	if (fstatat(dirfd, to, &sb, AT_SYMLINK_NOFOLLOW) == 0) {
		errno = EEXIST;
		return -1;
	}
	return renameat(dirfd, from, dirfd, to);
}

static int keep_aside(const struct ntf *s, const char *tag, char *aside,
		      size_t size, struct kme_err *err)
{
	long long now = (long long)time(NULL);
	size_t dlen = (size_t)(s->name - s->path);
	int i, n;

	if (s->readonly) {
		snprintf(aside, size, "(left in place: read-only)");
		return 0;
	}
	for (i = 0; i < 100; i++) {
		n = i == 0 ? snprintf(aside, size, "%s.%s-%lld", s->path, tag, now)
			   : snprintf(aside, size, "%s.%s-%lld.%d", s->path, tag,
				      now, i);
		if (n < 0 || (size_t)n >= size)
			break;
		if (rename_noreplace(s->dirfd, s->name, aside + dlen) == 0)
			return 0;
		if (errno != EEXIST) {
			kme_errnof(err, errno, "%s: rename to %s", s->path, aside);
			aside[0] = '\0';
			return -1;
		}
	}
	kme_errf(err, "%s: rename aside: no free name", s->path);
	aside[0] = '\0';
	return -1;
}

/* Load s->path into s. A file that cannot be state is moved aside and the
 * store starts empty; -1 only when the store is unusable. */
static int load(struct ntf *s, char *notice, size_t notice_size,
		struct kme_err *err)
{
	struct ld l;
	struct stat sb;
	struct kme_err aerr;
	char aside[4096 + 64];
	int fd, rc = -1;

	memset(&l, 0, sizeof(l));
	l.s = s;
	buf_init(&l.key, NT_KEY_MAX);
	buf_init(&l.f_fields, 4096);
	notice_set(notice, notice_size, "%s", "");

	/* O_NONBLOCK: a FIFO planted at PATH must not hang the open. */
	fd = openat(s->dirfd, s->name,
		    O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT) {
		rc = 0;
		goto out;
	}
	if (fd < 0 && errno == ELOOP) {
		ld_fail(&l, "a symbolic link");
	} else if (fd < 0) {
		kme_errnof(err, errno, "%s: open", s->path);
		goto out;
	} else if (fstat(fd, &sb) < 0) {
		kme_errnof(err, errno, "%s: fstat", s->path);
		goto out;
	} else if (!S_ISREG(sb.st_mode)) {
		ld_fail(&l, "not a regular file");
	} else if (sb.st_size > NT_FILE_MAX) {
		ld_fail(&l, "larger than 256 MiB");
	} else {
		/* Presize for the likely number of terms, sparing the
		 * rehashes; growth covers a file of shorter terms. */
		reserve_terms(s, (size_t)sb.st_size / NT_TERM_GUESS);
		if (ld_parse(&l, fd, err) < 0)
			goto out;
	}

	if (l.why[0] == '\0' && !l.mismatch) {
		if (s->st.evicted > 0)
			notice_set(notice, notice_size, "state file %s holds "
				   "more than max_terms=%zu terms; kept the "
				   "%zu most recent", s->path, s->max_terms,
				   s->n);
		rc = 0;
		goto out;
	}
	clear_all(s);
	s->high_water = INT64_MIN;
	s->st.evicted = 0;
	aerr.msg[0] = '\0';
	if (l.why[0] != '\0') {
		if (keep_aside(s, "bad", aside, sizeof(aside), &aerr) == 0)
			notice_set(notice, notice_size, "state file %s is "
				   "not usable (%s); starting empty (bad file "
				   "kept as %s)", s->path, l.why, aside);
		else
			notice_set(notice, notice_size, "state file %s is "
				   "not usable (%s); starting empty (could "
				   "not keep it aside: %s)", s->path, l.why,
				   aerr.msg);
	} else {
		if (keep_aside(s, "old", aside, sizeof(aside), &aerr) == 0)
			notice_set(notice, notice_size, "state file %s was "
				   "written for rule %s version %s fields "
				   "[%s]; starting empty (old file kept as %s)",
				   s->path, l.f_rule_id, l.f_rule_version,
				   l.f_fields.len ? l.f_fields.p : "",
				   aside);
		else
			notice_set(notice, notice_size, "state file %s was "
				   "written for rule %s version %s fields "
				   "[%s]; starting empty (could not keep it "
				   "aside: %s)", s->path, l.f_rule_id,
				   l.f_rule_version,
				   l.f_fields.len ? l.f_fields.p : "",
				   aerr.msg);
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	buf_free(&l.key);
	buf_free(&l.f_fields);
	return rc;
}

/* ---- opening ---------------------------------------------------------- */

/* Open (creating 0700 when missing) the directory of s->path and check it
 * is ours alone: a directory others can write to lets them replace the
 * state between our checks and our renames. */
static int open_dir(struct ntf *s, struct kme_err *err)
{
	struct stat sb;
	char *dir;
	const char *why = NULL;
	size_t dlen = (size_t)(s->name - s->path);
	int rc = -1;

	/* "/state.json" -> "/", "state.json" -> ".", "a/b" -> "a" */
	dir = dlen == 0 ? strdup(".") : strndup(s->path, dlen > 1 ? dlen - 1 : 1);
	if (dir == NULL)
		return kme_errnof(err, ENOMEM, "%s: open", s->path);
	if (!s->readonly && mkdir(dir, 0700) < 0 && errno != EEXIST) {
		kme_errnof(err, errno, "%s: create state directory", dir);
		goto out;
	}
	s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd < 0 && errno == ENOENT && s->readonly) {
		rc = 0; /* nothing learned yet: an empty store to read */
		goto out;
	}
	if (s->dirfd < 0) {
		kme_errnof(err, errno, "%s: open state directory", dir);
		goto out;
	}
	if (fstat(s->dirfd, &sb) < 0) {
		kme_errnof(err, errno, "%s: fstat", dir);
		goto out;
	}
	if (sb.st_uid != geteuid())
		why = "not owned by us";
	else if (sb.st_mode & S_IWOTH)
		why = "world-writable";
	else if (sb.st_mode & S_IWGRP)
		why = "group-writable";
	if (why != NULL) {
		kme_errf(err, "%s: refusing state directory: %s", dir, why);
		goto out;
	}
	rc = 0;
out:
	free(dir);
	return rc;
}

static struct ntf *ntf_new(const struct kme_config *cfg, struct kme_err *err)
{
	struct ntf *s;
	size_t i;

	if (cfg->nterm_fields == 0 || cfg->nterm_fields > CFG_MAX_TERM_FIELDS) {
		kme_errf(err, "new-terms store: %zu term fields (1 to %d)",
			 cfg->nterm_fields, CFG_MAX_TERM_FIELDS);
		return NULL;
	}
	if (cfg->history_window < 0) {
		kme_errf(err, "new-terms store: negative history window");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		kme_errnof(err, ENOMEM, "new-terms store");
		return NULL;
	}
	s->store.ops = &ntf_ops;
	s->dirfd = -1;
	s->nfields = cfg->nterm_fields;
	for (i = 0; i < s->nfields; i++)
		s->fields[i] = cfg->term_fields[i];
	s->window = cfg->history_window;
	s->max_terms = cfg->max_terms ? cfg->max_terms : 1;
	s->high_water = INT64_MIN;
	buf_init(&s->key, NT_KEY_MAX);
	seed_init(s->seed);
	s->rule_id = strdup(cfg->rule_id ? cfg->rule_id : "");
	s->rule_version = strdup(cfg->rule_version ? cfg->rule_version : "");
	if (s->rule_id == NULL || s->rule_version == NULL) {
		kme_errnof(err, ENOMEM, "new-terms store");
		ntf_destroy(&s->store);
		return NULL;
	}
	/* The identity is written as JSON text and must read back equal. */
	if (!is_plain_text((const unsigned char *)s->rule_id, strlen(s->rule_id)) ||
	    !is_plain_text((const unsigned char *)s->rule_version,
			   strlen(s->rule_version))) {
		kme_errf(err, "new-terms store: rule_id or rule_version is "
			 "not printable UTF-8");
		ntf_destroy(&s->store);
		return NULL;
	}
	return s;
}

static struct nt_store *file_open(const char *path, bool readonly,
				   const struct kme_config *cfg, char *notice,
				   size_t notice_size, struct kme_err *err);

struct nt_store *nt_store_file_open(const char *path,
				    const struct kme_config *cfg,
				    char *notice, size_t notice_size,
				    struct kme_err *err)
{
	return file_open(path, false, cfg, notice, notice_size, err);
}

struct nt_store *nt_store_file_open_ro(const char *path,
				       const struct kme_config *cfg,
				       char *notice, size_t notice_size,
				       struct kme_err *err)
{
	if (path == NULL) {
		kme_errf(err, "read-only store: no state file given");
		return NULL;
	}
	return file_open(path, true, cfg, notice, notice_size, err);
}

static struct nt_store *file_open(const char *path, bool readonly,
				  const struct kme_config *cfg, char *notice,
				  size_t notice_size, struct kme_err *err)
{
	struct ntf *s;
	const char *slash;
	size_t plen;

	notice_set(notice, notice_size, "%s", "");
	s = ntf_new(cfg, err);
	if (s == NULL || path == NULL)
		return s ? &s->store : NULL;

	plen = strlen(path);
	slash = strrchr(path, '/');
	if (plen == 0 || (slash != NULL && slash[1] == '\0')) {
		kme_errf(err, "'%s': state file path names no file", path);
		goto fail;
	}
	s->path = strdup(path);
	s->tmppath = malloc(plen + sizeof(".tmp"));
	if (s->path == NULL || s->tmppath == NULL) {
		kme_errnof(err, ENOMEM, "%s: open", path);
		goto fail;
	}
	memcpy(s->tmppath, path, plen);
	memcpy(s->tmppath + plen, ".tmp", sizeof(".tmp"));
	s->readonly = readonly;
	s->name = s->path + (slash ? (size_t)(slash - path) + 1 : 0);
	s->tmpname = s->tmppath + (size_t)(s->name - s->path);
	if (open_dir(s, err) < 0 ||
	    (s->dirfd >= 0 && load(s, notice, notice_size, err) < 0))
		goto fail;
	return &s->store;
fail:
	ntf_destroy(&s->store);
	return NULL;
}
