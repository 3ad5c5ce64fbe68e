/* recfilter.c - drop what cannot matter, complete what would not (see
 * recfilter.h). Everything here reads fixed prefixes of the record with
 * explicit lengths: records are hostile input. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "hex.h"
#include "loghead.h"
#include "recfilter.h"
#include "siphash.h"

enum { RF_UNDECIDED = 0, RF_KEEP, RF_DROP, RF_DONE };

/* Record types an exec or fork event is made of. */
static const struct {
	const char *name;
	size_t len;
	bool ends;  /* the event's last record */
} exec_parts[] = {
	{ "EXECVE", 6, false },
	{ "CWD", 3, false },
	{ "PATH", 4, false },
	{ "PROCTITLE", 9, true },
	{ "EOE", 3, true },
	{ NULL, 0, false },
};

struct header {
	const char *node;
	size_t node_len;
	uint64_t host;        /* RF_LOCAL, or node's keyed hash (node_host) */
	const char *type;
	size_t type_len;
	int64_t ms;           /* event time: sec * 1000 + msec of the stamp */
	uint64_t serial;
	const char *body;   /* after "): " */
	size_t body_len;
};

void rf_init(struct rf_filter *f, int64_t eoe_timeout, rf_pass_fn pass,
	     rf_observe_fn observe, void *arg)
{
	memset(f, 0, sizeof(*f));
	sip_random_key(f->sipkey);
	f->eoe_timeout = eoe_timeout > 0 ? eoe_timeout : 2000;
	f->pass = pass;
	f->observe = observe;
	f->arg = arg;
}

/* The host of a record without node= (this machine's). Keyed hashes of
 * node names are never 0 (node_host). */
#define RF_LOCAL 0

/* The host of node name[0..len): its SipHash under the filter's secret key
 * (senders choose their node names: an unkeyed hash lets one sender pick a
 * name whose events share another host's serials). The RF_RECENT most
 * recently hashed names are compared first: an aggregator's stream
 * interleaves a few hosts record by record. */
static uint64_t node_host(struct rf_filter *f, const char *name, size_t len)
{
	struct rf_recent *r;
	uint64_t h;
	size_t i;

	if (len <= RF_NODE_MAX)
		for (i = 0; i < RF_RECENT; i++) {
			r = &f->recent[i];
			if (r->host != RF_LOCAL && r->len == len &&
			    memcmp(r->name, name, len) == 0)
				return r->host;
		}
	h = sip_hash24(f->sipkey, name, len);
	if (h == RF_LOCAL)
		h = 1;
	if (len <= RF_NODE_MAX) {
		r = &f->recent[f->recent_next++ % RF_RECENT];
		r->host = h;
		r->len = (uint8_t)len;
		memcpy(r->name, name, len);
	}
	return h;
}

/* [node=NAME ]type=TYPE msg=audit(SEC.MSEC:SERIAL): BODY */
static bool parse_header(struct rf_filter *f, const char *line, size_t len,
			 struct header *h)
{
	const char *p = line, *end = line + len, *q;
	uint64_t v;

	memset(h, 0, sizeof(*h));
	if (lh_starts(p, end, "node=", 5)) {
		h->node = p + 5;
		q = memchr(h->node, ' ', (size_t)(end - h->node));
		if (q == NULL)
			return false;
		h->node_len = (size_t)(q - h->node);
		h->host = node_host(f, h->node, h->node_len);
		p = q + 1;
	}
	if (!lh_starts(p, end, "type=", 5))
		return false;
	h->type = p + 5;
	q = memchr(h->type, ' ', (size_t)(end - h->type));
	if (q == NULL)
		return false;
	h->type_len = (size_t)(q - h->type);
	p = q;
	if (!lh_starts(p, end, " msg=audit(", 11))
		return false;
	p += 11;
	if (!lh_digits(&p, end, &v) || v > (uint64_t)RF_MAX_SEC || p >= end || *p++ != '.')
		return false;
	h->ms = (int64_t)v * 1000;
	if (!lh_digits(&p, end, &v) || v > 999 || p >= end || *p++ != ':')
		return false;
	h->ms += (int64_t)v;
	if (!lh_digits(&p, end, &h->serial) || !lh_starts(p, end, "):", 2))
		return false;
	p += 2;
	if (p < end && *p == ' ')
		p++;
	h->body = p;
	h->body_len = (size_t)(end - p);
	return true;
}

static uint64_t key_of(const struct header *h)
{
	uint64_t k = h->host ^ h->serial * 0x9E3779B97F4A7C15ULL;

	return k ? k : 1;
}

static struct rf_slot *slot_of(struct rf_filter *f, uint64_t key, uint32_t *idx)
{
	*idx = (uint32_t)((key ^ (key >> 29)) % RF_SERIALS);
	return &f->slots[*idx];
}

/* The value of " NAME=" within the body's first `limit` bytes. */
static const char *field(const struct header *h, const char *name, size_t n,
			 size_t limit)
{
	const char *end = h->body + (h->body_len < limit ? h->body_len : limit);
	const char *p = h->body;

	if (lh_starts(p, end, name + 1, n - 1))   /* first field: no space */
		return p + n - 1;
	p = memmem(p, (size_t)(end - p), name, n);
	return p ? p + n : NULL;
}

static bool hex_at(const char *p, const char *end, unsigned long *out)
{
	unsigned long v = 0;
	int n = 0;

	for (; p < end && n < 16; p++, n++) {
		int d = hex_value((unsigned char)*p);

		if (d < 0)
			break;
		v = v << 4 | (unsigned long)d;
	}
	*out = v;
	return n > 0;
}

static int32_t pid_at(const struct header *h, const char *name, size_t n)
{
	const char *end = h->body + h->body_len;
	const char *p = field(h, name, n, h->body_len);
	uint64_t v;

	if (p == NULL || !lh_digits(&p, end, &v) || v > INT32_MAX)
		return -1;
	return (int32_t)v;
}

void rf_watch_keys(struct rf_filter *f, const char *const *keys, size_t n)
{
	size_t i;

	f->nkeys = n < RF_MAX_KEYS ? n : RF_MAX_KEYS;
	for (i = 0; i < f->nkeys; i++) {
		f->keys[i] = keys[i];
		f->key_lens[i] = strlen(keys[i]);
	}
}

/* Is k[0..n) one of the watched keys? */
static bool key_watched(const struct rf_filter *f, const char *k, size_t n)
{
	size_t i;

	for (i = 0; i < f->nkeys; i++)
		if (f->key_lens[i] == n && memcmp(f->keys[i], k, n) == 0)
			return true;
	return false;
}

/* The value of a SYSCALL record's key field, or NULL. The kernel writes
 * key= last (an ENRICHED log's interpretations follow after 0x1D, in
 * upper case), and every value before it that could hold " key=" -- a
 * comm or exe with a space -- is hex: the last " key=" is the field, found
 * from the end in a few steps (a search from the start costs the whole
 * record on every open the kernel audits). */
static const char *key_value(const struct header *h)
{
	const char *b = h->body, *e = memchr(b, 0x1d, h->body_len), *p;

	if (e == NULL)
		e = b + h->body_len;
	for (p = e - 5; p >= b; p--)
		if (p[4] == '=' && memcmp(p, " key=", 5) == 0)
			return p + 5;
	return NULL;
}

/* Does the record's key= name a watched key? "KEY" quoted, (null), or hex
 * of several keys joined by 0x01 (audit's form for more than one). */
static bool watched_key(const struct rf_filter *f, const struct header *h)
{
	const char *end = h->body + h->body_len, *k = key_value(h);
	char dec[256];
	size_t n = 0, start = 0, i;
	int hi, lo;

	if (k == NULL || k >= end)
		return false;
	if (*k == '"') {
		const char *q = memchr(k + 1, '"', (size_t)(end - k - 1));

		return q != NULL && key_watched(f, k + 1, (size_t)(q - k - 1));
	}
	for (; k + 1 < end && n < sizeof(dec); k += 2) {
		if ((hi = hex_value((unsigned char)k[0])) < 0 ||
		    (lo = hex_value((unsigned char)k[1])) < 0)
			break;
		dec[n++] = (char)(hi << 4 | lo);
	}
	for (i = 0; i <= n; i++) {
		if (i < n && dec[i] != '\x01')
			continue;
		if (i > start && key_watched(f, dec + start, i - start))
			return true;
		start = i + 1;
	}
	return false;
}

/* Does this SYSCALL record's syscall matter? (arch and syscall come first.) */
static bool syscall_matters(struct rf_filter *f, const struct header *h)
{
	const char *end = h->body + h->body_len;
	const char *a = field(h, " arch=", 6, 64), *s = field(h, " syscall=", 9, 96);
	unsigned long arch;
	enum sc_class cls;
	uint64_t nr;

	if (a == NULL || s == NULL || !hex_at(a, end, &arch) || !lh_digits(&s, end, &nr))
		return true; /* cannot tell: let the full parser decide */
	cls = sc_classify(&f->sc, arch, (long)nr);
	if (sc_matters(cls))
		return true;
	return f->nkeys > 0 && sc_is_open(cls) && watched_key(f, h);
}

static int part_of_exec(const struct header *h)
{
	size_t i;

	for (i = 0; exec_parts[i].name != NULL; i++)
		if (h->type_len == exec_parts[i].len &&
		    memcmp(h->type, exec_parts[i].name, h->type_len) == 0)
			return exec_parts[i].ends ? 2 : 1;
	return 0;
}

static void complete(struct rf_filter *f, const struct rf_open *o)
{
	char buf[RF_NODE_MAX + 96];
	long long sec = (long long)(o->ms / 1000);
	unsigned msec = (unsigned)(o->ms % 1000);
	int n;

	if (o->node_len > 0)
		n = snprintf(buf, sizeof(buf), "node=%.*s type=EOE msg=audit(%lld.%03u:%llu): ",
			     (int)o->node_len, o->node, sec, msec,
			     (unsigned long long)o->serial);
	else
		n = snprintf(buf, sizeof(buf), "type=EOE msg=audit(%lld.%03u:%llu): ",
			     sec, msec, (unsigned long long)o->serial);
	if (n > 0 && (size_t)n < sizeof(buf)) {
		f->st.completed++;
		f->pass(f->arg, buf, (size_t)n);
	}
	if (f->slots[o->slot].key == o->key)
		f->slots[o->slot].state = RF_DONE;
}

/* The event of slot s has seen its last record. */
static void finish(struct rf_filter *f, struct rf_slot *s)
{
	struct rf_open *o = &f->open[s->open % RF_OPEN];

	s->state = RF_DONE;
	if (o->key == s->key)
		o->done = true;
}

/* Is open event o stuck? By the event time of a record of its own host
 * (`now`, of host `host`: each host stamps with its own clock, so another
 * host's time says nothing about it) and idleness (record arrival), or by
 * wall time in live mode (wall > 0). */
static bool stuck(const struct rf_filter *f, const struct rf_open *o,
		  int64_t now, uint64_t host, int64_t wall)
{
	if (wall > 0) /* fed before the first clock reading: arrived at it */
		return wall - (o->last_wall > 0 ? o->last_wall : f->first_wall) >
		       f->eoe_timeout;
	return o->host == host && now - o->ms > f->eoe_timeout &&
	       f->nrec - o->last_rec > RF_IDLE;
}

/* Pop finished events off the ring; complete stuck ones (or the oldest, when
 * the ring is full). Events are judged oldest first: a younger stuck event
 * waits behind an older live one, as libauparse would make it wait anyway. */
static void age(struct rf_filter *f, int64_t now, uint64_t host, int64_t wall,
		bool need_room)
{
	while (f->open_len > 0) {
		struct rf_open *o = &f->open[f->open_head];

		/* An event whose slot was reused since is still open in
		 * libauparse unless its last record came: judge by o->done. */
		if (o->done) {
			/* nothing to complete */
		} else if (need_room || stuck(f, o, now, host, wall)) {
			if (o->node_len > 0 || o->node[0] == '\0')
				complete(f, o);
			need_room = false;
		} else {
			return;
		}
		f->open_head = (f->open_head + 1) % RF_OPEN;
		f->open_len--;
	}
}

void rf_clock(struct rf_filter *f, int64_t now)
{
	if (f->first_wall == 0)
		f->first_wall = now;
	f->wall = now;
}

void rf_age(struct rf_filter *f, int64_t now)
{
	rf_clock(f, now); /* records fed after a drain arrived after it */
	if (f->open_len > 0)
		age(f, 0, RF_LOCAL, now, false);
}

static void track(struct rf_filter *f, const struct header *h, uint64_t key,
		  uint32_t idx)
{
	struct rf_open *o;

	if (f->open_len == RF_OPEN)
		age(f, h->ms, h->host, 0, true);
	o = &f->open[(f->open_head + f->open_len) % RF_OPEN];
	f->slots[idx].open = (uint16_t)((f->open_head + f->open_len) % RF_OPEN);
	f->open_len++;
	memset(o, 0, sizeof(*o));
	o->key = key;
	o->serial = h->serial;
	o->ms = h->ms;
	o->slot = idx;
	o->last_rec = f->nrec;
	o->last_wall = f->wall;
	o->host = h->host;
	if (h->node_len > 0 && h->node_len < RF_NODE_MAX) {
		memcpy(o->node, h->node, h->node_len);
		o->node_len = (uint8_t)h->node_len;
	} else if (h->node_len > 0) {
		o->node[0] = 1; /* too long to rebuild: never synthesised */
	}
}

static void pass(struct rf_filter *f, const char *line, size_t len)
{
	f->st.passed++;
	f->pass(f->arg, line, len);
}

/* The first record of an event not decided yet (or forgotten): decide it
 * now, in slot s. */
static void decide(struct rf_filter *f, const struct header *h,
		   struct rf_slot *s, uint64_t key, uint32_t idx,
		   const char *line, size_t len)
{
	bool sys = h->type_len == 7 && memcmp(h->type, "SYSCALL", 7) == 0;
	int part = sys ? 0 : part_of_exec(h);

	if (sys && !syscall_matters(f, h)) {
		s->key = key;
		s->state = RF_DROP;
		if (f->observe)
			f->observe(f->arg, h->node, h->node_len,
				   pid_at(h, " pid=", 5), pid_at(h, " ppid=", 6));
		f->st.dropped++;
		return;
	}
	if (!sys && part == 0) {
		f->st.dropped++; /* AVC, LOGIN, USER_*...: no decision */
		return;
	}
	s->key = key;
	s->state = part == 2 ? RF_DONE : RF_KEEP;
	if (s->state == RF_KEEP)
		track(f, h, key, idx);
	pass(f, line, len);
}

void rf_line(struct rf_filter *f, const char *line, size_t len)
{
	struct header h;
	struct rf_slot *s;
	struct rf_open *o;
	uint64_t key;
	uint32_t idx;

	f->nrec++;
	if (!parse_header(f, line, len, &h)) {
		f->st.unparsed++;
		return;
	}
	if (f->open_len > 0)
		age(f, h.ms, h.host, 0, false);
	key = key_of(&h);
	s = slot_of(f, key, &idx);
	if (s->key != key) {
		decide(f, &h, s, key, idx, line, len);
		return;
	}
	if (s->state != RF_KEEP) {
		f->st.dropped++; /* after its last record, or dropped */
		return;
	}
	o = &f->open[s->open % RF_OPEN];
	if (o->key == key) {
		o->last_rec = f->nrec;
		o->last_wall = f->wall;
	}
	if (part_of_exec(&h) == 2)
		finish(f, s);
	pass(f, line, len);
}
