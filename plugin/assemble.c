/* assemble.c - libauparse feed wrapper, one parser per host (see assemble.h). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assemble.h"
#include "siphash.h"

/* libauparse's own timeout, out of the way (see assemble.h). Every auparse
 * (3.0.9 to 4.2.x, str2event) rejects a record whose time is past
 * LONG_MAX - timeout - 1, and 4.2+ rejects every record once the timeout
 * reaches LONG_MAX; where long has 32 bits (i386, armhf: LONG_MAX is
 * 2038-01-19) 100 years would be both. There it is one year: records up to
 * 2037-01-18 parse. */
#if LONG_MAX > 0x7fffffffL
#define AS_AUPARSE_TIMEOUT ((time_t)100 * 366 * 24 * 3600)
#else
#define AS_AUPARSE_TIMEOUT ((time_t)366 * 24 * 3600)
#endif
_Static_assert(AS_AUPARSE_TIMEOUT > 0 && AS_AUPARSE_TIMEOUT < LONG_MAX / 4,
	       "auparse's EOE timeout must leave room for real timestamps");
/* Hash buckets of the host parsers: a power of two, twice AS_PARSERS. */
#define AS_BUCKETS (2 * AS_PARSERS)
#define AS_NONE (-1)

struct as_assembler;

struct as_parser {
	auparse_state_t *au;         /* NULL: slot unused */
	struct as_assembler *owner;  /* the callback's way back */
	uint64_t hash;
	int32_t chain;               /* next in its bucket */
	int32_t newer, older;        /* recency list, host parsers only */
	size_t len;                  /* 0: the shared parser */
	char name[AS_NODE_MAX + 1];
};

struct as_assembler {
	as_event_fn fn;
	void *arg;
	struct as_parser shared;     /* records without a strippable node= */
	struct as_parser *host;      /* AS_PARSERS slots */
	uint32_t nhost;              /* slots ever used (the first nhost) */
	int32_t newest, oldest;
	int32_t bucket[AS_BUCKETS];
	uint64_t key[2];             /* SipHash key of the node names */
	struct as_stats st;
};

static void on_auparse(auparse_state_t *au, auparse_cb_event_t type,
		       void *data)
{
	struct as_parser *p = data;
	struct as_assembler *a = p->owner;

	if (type != AUPARSE_CB_EVENT_READY)
		return;
	if (auparse_first_record(au) <= 0)
		return;
	a->st.events++;
	a->fn(a->arg, au, p->len > 0 ? (struct kme_str){ p->name, p->len }
				      : KME_STR_NULL);
}

/* A feed parser for p. auparse_init resets the process-global timeout: set
 * it after. The record filter completes stuck events (recfilter.h);
 * libauparse's own timeout would close an event early when a record with a
 * later time slips between its records, so it is pushed out of the way. */
static bool parser_open(struct as_parser *p, struct as_assembler *a)
{
	p->au = auparse_init(AUSOURCE_FEED, NULL);
	if (p->au == NULL)
		return false;
	auparse_set_eoe_timeout(AS_AUPARSE_TIMEOUT);
	/* Raw bytes from interpretations; we escape on output ourselves. */
	auparse_set_escape_mode(p->au, AUPARSE_ESC_RAW);
	p->owner = a;
	auparse_add_callback(p->au, on_auparse, p, NULL);
	return true;
}

struct as_assembler *as_new(as_event_fn fn, void *arg, struct kme_err *err)
{
	struct as_assembler *a = calloc(1, sizeof(*a));
	size_t i;

	if (a == NULL || (a->host = calloc(AS_PARSERS, sizeof(*a->host))) == NULL) {
		free(a);
		kme_errf(err, "assembler: out of memory");
		return NULL;
	}
	if (!parser_open(&a->shared, a)) {
		free(a->host);
		free(a);
		kme_errf(err, "assembler: auparse_init failed");
		return NULL;
	}
	a->fn = fn;
	a->arg = arg;
	a->newest = a->oldest = AS_NONE;
	for (i = 0; i < AS_BUCKETS; i++)
		a->bucket[i] = AS_NONE;
	sip_random_key(a->key);
	return a;
}

void as_free(struct as_assembler *a)
{
	uint32_t i;

	if (a == NULL)
		return;
	auparse_destroy(a->shared.au);
	for (i = 0; i < a->nhost; i++)
		if (a->host[i].au != NULL)
			auparse_destroy(a->host[i].au);
	free(a->host);
	free(a);
}

static void unlink_recent(struct as_assembler *a, int32_t i)
{
	struct as_parser *p = &a->host[i];

	if (p->newer != AS_NONE)
		a->host[p->newer].older = p->older;
	else
		a->newest = p->older;
	if (p->older != AS_NONE)
		a->host[p->older].newer = p->newer;
	else
		a->oldest = p->newer;
}

static void make_newest(struct as_assembler *a, int32_t i)
{
	struct as_parser *p = &a->host[i];

	p->newer = AS_NONE;
	p->older = a->newest;
	if (a->newest != AS_NONE)
		a->host[a->newest].newer = i;
	a->newest = i;
	if (a->oldest == AS_NONE)
		a->oldest = i;
}

/* Give the least recently fed host's slot up: complete its pending events
 * (delivered now, under its name), forget the host. The flushed parser is
 * empty and is kept for the new host: a stream of ever new node names (any
 * sender may forge them) costs no auparse_init/destroy per event (measured:
 * 2.4 times the time per event when it did). */
static int32_t evict_oldest(struct as_assembler *a)
{
	int32_t i = a->oldest, *link;
	struct as_parser *p = &a->host[i];

	if (auparse_feed_has_data(p->au))
		auparse_flush_feed(p->au);
	unlink_recent(a, i);
	link = &a->bucket[p->hash & (AS_BUCKETS - 1)];
	while (*link != i)
		link = &a->host[*link].chain;
	*link = p->chain;
	a->st.parsers--;
	a->st.parser_evictions++;
	return i;
}

/* The parser of host name[0..len), opened when new; NULL when none can be
 * opened (the caller then feeds the record unchanged to the shared one). */
static struct as_parser *host_parser(struct as_assembler *a, const char *name,
				     size_t len)
{
	struct as_parser *p;
	uint64_t h;
	int32_t i;

	if (a->newest != AS_NONE) {
		p = &a->host[a->newest];
		if (p->len == len && memcmp(p->name, name, len) == 0)
			return p;
	}
	h = sip_hash24(a->key, name, len);
	for (i = a->bucket[h & (AS_BUCKETS - 1)]; i != AS_NONE; i = p->chain) {
		p = &a->host[i];
		if (p->hash == h && p->len == len && memcmp(p->name, name, len) == 0) {
			unlink_recent(a, i);
			make_newest(a, i);
			return p;
		}
	}
	i = a->nhost < AS_PARSERS ? (int32_t)a->nhost : evict_oldest(a);
	p = &a->host[i];
	if (p->au == NULL && !parser_open(p, a))
		return NULL;
	if ((uint32_t)i == a->nhost)
		a->nhost++;
	p->hash = h;
	p->len = len;
	memcpy(p->name, name, len);
	p->name[len] = '\0';
	p->chain = a->bucket[h & (AS_BUCKETS - 1)];
	a->bucket[h & (AS_BUCKETS - 1)] = i;
	make_newest(a, i);
	a->st.parsers++;
	return p;
}

/* Does this record end its event (EOE, or PROCTITLE which the kernel writes
 * last)? libauparse marks such an event complete when the record arrives but
 * hands it out only on the next feed call; an empty feed right away delivers
 * it without waiting for the next record (or the next aging tick). A node=
 * prefix is still there only on the shared parser's records. */
static bool ends_event(const char *line, size_t len)
{
	const char *p = line, *end = line + len;

	if (len > 5 && memcmp(p, "node=", 5) == 0) {
		p = memchr(p, ' ', len);
		if (p == NULL)
			return false;
		p++;
	}
	if ((size_t)(end - p) > 9 && memcmp(p, "type=EOE ", 9) == 0)
		return true;
	return (size_t)(end - p) > 15 && memcmp(p, "type=PROCTITLE ", 15) == 0;
}

void as_line(struct as_assembler *a, const char *line, size_t len)
{
	/* auparse splits on '\n': give it one complete record per call. A
	 * small stack copy avoids a second feed call for the newline. */
	char small[9216];
	struct as_parser *p = NULL;
	const char *sp;

	a->st.records++;
	if (len > 5 && memcmp(line, "node=", 5) == 0 &&
	    (sp = memchr(line + 5, ' ', len - 5)) != NULL &&
	    sp > line + 5 && (size_t)(sp - line - 5) <= AS_NODE_MAX &&
	    (p = host_parser(a, line + 5, (size_t)(sp - line - 5))) != NULL) {
		len -= (size_t)(sp + 1 - line);
		line = sp + 1;
	}
	if (p == NULL)
		p = &a->shared;
	if (len < sizeof(small)) {
		memcpy(small, line, len);
		small[len] = '\n';
		auparse_feed(p->au, small, len + 1);
	} else {
		auparse_feed(p->au, line, len);
		auparse_feed(p->au, "\n", 1);
	}
	if (ends_event(line, len))
		auparse_feed(p->au, "\n", 1);
}

void as_flush(struct as_assembler *a)
{
	int32_t i;

	auparse_flush_feed(a->shared.au);
	for (i = a->oldest; i != AS_NONE; i = a->host[i].newer)
		auparse_flush_feed(a->host[i].au);
}

void as_stats(const struct as_assembler *a, struct as_stats *out)
{
	*out = a->st;
}
