/* stateformat.c - the state file's bytes (see stateformat.h). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "hex.h"
#include "jsonw.h"
#include "stateformat.h"

#define STF_FORMAT          "audisp-kmod-enum-state"
#define STF_FORMAT_VERSION  3     /* written; 1 (seconds) and 2 (an unknown
				     value as null) are still read */

/* ---- writing ------------------------------------------------------------ */

enum { W_HEADER = 0, W_TERMS, W_END, W_DONE };

void stf_writer_init(struct stf_writer *w, const struct stf_identity *id,
		     const struct tt_table *tt, int64_t saved_at)
{
	*w = (struct stf_writer){ .id = id, .tt = tt, .saved_at = saved_at,
				  .stage = W_HEADER, .first = true };
	tt_iter_init(tt, &w->it);
}

static int put_cstr(struct kme_buf *b, const char *s)
{
	return jsonw_str(b, s, strlen(s));
}

static int put_header(const struct stf_writer *w, struct kme_buf *b)
{
	const struct stf_identity *id = w->id;
	size_t i;

	if (buf_printf(b, "{\"format\":\"%s\",\"format_version\":%d,"
		       "\"rule_id\":", STF_FORMAT, STF_FORMAT_VERSION) < 0 ||
	    put_cstr(b, id->rule_id) < 0 ||
	    buf_puts(b, ",\"rule_version\":") < 0 ||
	    put_cstr(b, id->rule_version) < 0 ||
	    buf_puts(b, ",\"fields\":[") < 0)
		return -1;
	for (i = 0; i < id->nfields; i++)
		if ((i && buf_putc(b, ',') < 0) ||
		    put_cstr(b, cfg_term_field_name(id->fields[i])) < 0)
			return -1;
	return buf_printf(b, "],\"window\":%" PRId64 ",\"saved_at\":%" PRId64
			  ",\"terms\":[", id->window, w->saved_at);
}

/* A value: a JSON string of plain text ("" an unknown value: newterms.h),
 * else {"hex":"..."}. */
static int put_value(struct kme_buf *b, struct kme_str v)
{
	static const char hexd[] = "0123456789abcdef";
	size_t i;

	if (v.p == NULL)
		return buf_puts(b, "\"\"");
	if (jsonw_is_text(v.p, v.len))
		return jsonw_str(b, v.p, v.len);
	if (buf_puts(b, "{\"hex\":\"") < 0 || buf_reserve(b, 2 * v.len) < 0)
		return -1;
	for (i = 0; i < v.len; i++) {
		b->p[b->len++] = hexd[(unsigned char)v.p[i] >> 4];
		b->p[b->len++] = hexd[(unsigned char)v.p[i] & 15];
	}
	b->p[b->len] = '\0';
	return buf_puts(b, "\"}");
}

static int put_term(const struct tt_item *it, bool first, struct kme_buf *b)
{
	size_t i;

	if (buf_puts(b, first ? "\n{\"v\":[" : ",\n{\"v\":[") < 0)
		return -1;
	for (i = 0; i < it->term.n; i++)
		if ((i && buf_putc(b, ',') < 0) || put_value(b, it->term.v[i]) < 0)
			return -1;
	return buf_printf(b, "],\"first\":%" PRId64 ",\"last\":%" PRId64
			  ",\"count\":%" PRIu64 "}", it->first, it->last,
			  it->count);
}

int stf_writer_next(struct stf_writer *w, struct kme_buf *b, size_t chunk)
{
	struct tt_item item;

	while (b->len < chunk || chunk == 0) {
		switch (w->stage) {
		case W_HEADER:
			if (put_header(w, b) < 0)
				return -1;
			w->stage = W_TERMS;
			break;
		case W_TERMS:
			if (!tt_iter_next(&w->it, &item)) {
				w->stage = W_END;
				break;
			}
			if (put_term(&item, w->first, b) < 0)
				return -1;
			w->first = false;
			break;
		case W_END:
			if (buf_puts(b, "\n]}\n") < 0)
				return -1;
			w->stage = W_DONE;
			return 0;
		default:
			return 0;
		}
	}
	return 1;
}

/* ---- reading ------------------------------------------------------------ */

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

struct stf_reader {
	const struct stf_identity *id;
	struct tt_table *tt;
	yajl_handle h;
	yajl_status st;
	struct stf_result res;

	enum ld_state state;
	int cur;                 /* TK_* or TM_* whose value is next */
	unsigned seen_top, seen_term;
	size_t nfields_read;
	bool mismatch;           /* identity differs: STF_OTHER */
	bool enomem;
	bool stopped;            /* the parse was cancelled */

	struct kme_buf key;      /* the term being read, encoded */
	size_t nv;
	int64_t first, last, count;
	int64_t scale;           /* the file's times to ms: 1000 (v1) or 1 */
};

/* Stop the parse, remembering the first reason. A file already known to be
 * of another identity is not judged further. */
static int ld_failk(struct stf_reader *l, const char *why, const char *what)
{
	char *c;

	if (l->res.why[0] == '\0' && !l->mismatch) {
		snprintf(l->res.why, sizeof(l->res.why), "%s%s%s%s", why,
			 what ? " '" : "", what ? what : "", what ? "'" : "");
		/* yajl's messages end in a newline; a notice is one line. */
		for (c = l->res.why; *c != '\0'; c++)
			if ((unsigned char)*c < 0x20)
				*c = ' ';
	}
	return 0;
}

static int ld_fail(struct stf_reader *l, const char *why)
{
	return ld_failk(l, why, NULL);
}

void stf_reader_fail(struct stf_reader *r, const char *why)
{
	ld_fail(r, why);
	r->stopped = true;
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

/* The value for key l->cur was read with type `type`; check it fits. */
static int ld_typed(struct stf_reader *l, const struct ld_key *t,
		    enum ld_type type)
{
	if (t[l->cur].type != type)
		return ld_failk(l, "wrong type for", t[l->cur].name);
	return 1;
}

static int ld_null(void *ctx)
{
	struct stf_reader *l = ctx;

	if (l->state != LD_V)
		return ld_fail(l, "unexpected null");
	if (l->nv >= l->id->nfields)
		return ld_fail(l, "a term has too many values");
	if (tt_key_put(&l->key, NULL, 0) < 0)
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
	struct stf_reader *l = ctx;

	if (l->state == LD_TOP_VAL) {
		if (!ld_typed(l, top_keys, JT_INT))
			return 0;
		if (l->cur == TK_FORMAT_VERSION) {
			if (v == 1)
				l->scale = 1000;   /* seconds */
			else if (v != 2 && v != STF_FORMAT_VERSION)
				l->mismatch = true;
		}
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

static int ld_hex(struct stf_reader *l, const unsigned char *p, size_t len)
{
	size_t i, n = len / 2, start;

	if (len % 2 != 0 || n > TT_KEY_MAX)
		return ld_fail(l, "bad hex value");
	/* Encode with the first n digits as placeholder bytes (the length
	 * header comes out right), then decode the digits over them. */
	if (tt_key_put(&l->key, (const char *)p, n) < 0)
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

/* A string value of the top-level object. */
static void ld_top_string(struct stf_reader *l, const unsigned char *p,
			  size_t len)
{
	const struct stf_identity *id = l->id;

	if (l->cur == TK_FORMAT) {
		if (!str_eq(p, len, STF_FORMAT))
			l->mismatch = true;
	} else if (l->cur == TK_RULE_ID) {
		show(l->res.rule_id, sizeof(l->res.rule_id), p, len);
		if (!str_eq(p, len, id->rule_id))
			l->mismatch = true;
	} else {
		show(l->res.rule_version, sizeof(l->res.rule_version), p, len);
		if (!str_eq(p, len, id->rule_version))
			l->mismatch = true;
	}
}

/* One name of the "fields" list. */
static void ld_field(struct stf_reader *l, const unsigned char *p, size_t len)
{
	const struct stf_identity *id = l->id;
	size_t used = strlen(l->res.fields);
	char shown[STF_ID_SHOW];

	show(shown, sizeof(shown), p, len);
	snprintf(l->res.fields + used, sizeof(l->res.fields) - used, "%s%s",
		 l->nfields_read ? ", " : "", shown);
	if (l->nfields_read >= id->nfields ||
	    !str_eq(p, len, cfg_term_field_name(id->fields[l->nfields_read])))
		l->mismatch = true;
	l->nfields_read++;
}

static int ld_string(void *ctx, const unsigned char *p, size_t len)
{
	struct stf_reader *l = ctx;

	switch (l->state) {
	case LD_TOP_VAL:
		if (!ld_typed(l, top_keys, JT_STRING))
			return 0;
		ld_top_string(l, p, len);
		l->state = LD_TOP_KEY;
		return 1;
	case LD_FIELDS:
		ld_field(l, p, len);
		return 1;
	case LD_V:
		if (l->nv >= l->id->nfields)
			return ld_fail(l, "a term has too many values");
		/* "" is the unknown value (tt_key_put; null before version 3). */
		if (tt_key_put(&l->key, (const char *)p, len) < 0)
			return ld_fail(l, "a term is too long");
		l->nv++;
		return 1;
	case LD_HEX_VAL:
		if (l->nv >= l->id->nfields)
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
	struct stf_reader *l = ctx;

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
static int ld_fail_key(struct stf_reader *l, const char *why,
		       const unsigned char *k, size_t len)
{
	char shown[32];

	show(shown, sizeof(shown), k, len);
	return ld_failk(l, why, shown);
}

static int ld_top_key(struct stf_reader *l, const unsigned char *k, size_t len)
{
	int i = ld_lookup(top_keys, TK__COUNT, k, len);

	if (i < 0)
		return ld_fail_key(l, "unknown key", k, len);
	if (l->seen_top & (1u << i))
		return ld_fail_key(l, "duplicate key", k, len);
	l->seen_top |= 1u << i;
	l->cur = i;
	if (i == TK_TERMS) {
		if ((l->seen_top & TK_IDENTITY) != TK_IDENTITY)
			return ld_fail(l, "identity keys missing before "
				       "\"terms\"");
		if (l->mismatch)
			return 0; /* not ours: stop before any term */
	}
	l->state = LD_TOP_VAL;
	return 1;
}

static int ld_map_key(void *ctx, const unsigned char *k, size_t len)
{
	struct stf_reader *l = ctx;
	int i;

	switch (l->state) {
	case LD_TOP_KEY:
		return ld_top_key(l, k, len);
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

static int ld_term_done(struct stf_reader *l)
{
	int rc;

	if (l->seen_term != (1u << TM__COUNT) - 1)
		return ld_fail(l, "a term lacks v, first, last or count");
	if (l->first > l->last || l->count < 1)
		return ld_fail(l, "a term has inconsistent times or count");
	if (l->scale != 1) {
		/* A second-resolution file: a sighting at second S happened
		 * in [S, S + 1 s); taking S.000 ends its window early rather
		 * than late, so a repeat can alert but is never missed. */
		if (l->first < INT64_MIN / l->scale ||
		    l->last > INT64_MAX / l->scale)
			return ld_fail(l, "a term's time is out of range");
		l->first *= l->scale;
		l->last *= l->scale;
	}
	rc = tt_add(l->tt, l->key.p, l->key.len, l->first, l->last,
		    (uint64_t)l->count);
	if (rc > 0)
		return ld_fail(l, "duplicate term");
	if (rc < 0) {
		l->enomem = true;
		return 0;
	}
	l->res.loaded++;
	l->state = LD_TERMS;
	return 1;
}

static int ld_end_map(void *ctx)
{
	struct stf_reader *l = ctx;

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
	struct stf_reader *l = ctx;

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
	struct stf_reader *l = ctx;

	switch (l->state) {
	case LD_FIELDS:
		if (l->nfields_read != l->id->nfields)
			l->mismatch = true;
		l->state = LD_TOP_KEY;
		return 1;
	case LD_TERMS:
		l->state = LD_TOP_KEY;
		return 1;
	case LD_V:
		if (l->nv != l->id->nfields)
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

struct stf_reader *stf_reader_new(const struct stf_identity *id,
				  struct tt_table *tt, struct kme_err *err)
{
	struct stf_reader *r = calloc(1, sizeof(*r));

	if (r == NULL) {
		kme_errnof(err, ENOMEM, "state file reader");
		return NULL;
	}
	r->id = id;
	r->tt = tt;
	r->scale = 1;
	buf_init(&r->key, TT_KEY_MAX);
	r->h = yajl_alloc(&ld_callbacks, NULL, r);
	if (r->h == NULL) {
		free(r);
		kme_errnof(err, ENOMEM, "state file reader");
		return NULL;
	}
	r->st = yajl_status_ok;
	return r;
}

int stf_reader_feed(struct stf_reader *r, const void *p, size_t len)
{
	if (r->stopped)
		return 1;
	r->st = yajl_parse(r->h, p, len);
	if (r->st != yajl_status_ok)
		r->stopped = true;
	return r->stopped ? 1 : 0;
}

void stf_reader_finish(struct stf_reader *r, struct stf_result *res)
{
	if (!r->stopped)
		r->st = yajl_complete_parse(r->h);
	if (r->st == yajl_status_error) {
		unsigned char *msg = yajl_get_error(r->h, 0, NULL, 0);

		ld_fail(r, msg ? (const char *)msg : "parse error");
		if (msg)
			yajl_free_error(r->h, msg);
	} else if (r->st == yajl_status_client_canceled && !r->mismatch) {
		ld_fail(r, "parse error");
	} else if (!r->mismatch && r->state != LD_DONE) {
		ld_fail(r, "truncated");
	}
	*res = r->res;
	res->verdict = r->enomem ? STF_NOMEM
		     : res->why[0] != '\0' ? STF_BAD
		     : r->mismatch ? STF_OTHER : STF_OK;
	yajl_free(r->h);
	buf_free(&r->key);
	free(r);
}
