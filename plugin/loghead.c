/* loghead.c - the form of one log line (see loghead.h). */
#include <string.h>

#include "loghead.h"

/* "SEC.MSEC:SERIAL): " of a raw record, from p. */
static enum lh_kind raw_stamp(const char *p, const char *end,
			      struct lh_head *h)
{
	uint64_t v;

	if (!lh_digits(&p, end, &v) || v > (uint64_t)LH_MAX_SEC || p >= end ||
	    *p++ != '.')
		return LH_OTHER;
	h->sec = (int64_t)v;
	if (!lh_digits(&p, end, &v) || v > 999 || p >= end || *p++ != ':')
		return LH_OTHER;
	h->msec = (uint32_t)v;
	if (!lh_digits(&p, end, &h->serial) || !lh_starts(p, end, "):", 2))
		return LH_OTHER;
	p += 2;
	if (p < end && *p == ' ')
		p++;
	return LH_RAW;
}

/* "DATE TIME.MSEC:SERIAL) : " of an ausearch -i record, from p: the stamp
 * ends at the first ") : " (a date never holds one). */
static enum lh_kind interp_stamp(const char *p, const char *end,
				 struct lh_head *h)
{
	const char *close = p, *colon, *dot, *q;
	uint64_t v;

	while ((close = memchr(close, ')', (size_t)(end - close))) != NULL &&
	       !lh_starts(close, end, ") : ", 4))
		close++;
	if (close == NULL)
		return LH_OTHER;
	for (colon = close; colon > p && colon[-1] != ':'; colon--)
		;
	if (colon == p || colon - 1 == p)
		return LH_OTHER;
	q = colon;
	if (!lh_digits(&q, close, &h->serial) || q != close)
		return LH_OTHER;
	for (dot = colon - 1; dot > p && dot[-1] != '.'; dot--)
		;
	if (dot == p)
		return LH_OTHER;
	q = dot;
	if (!lh_digits(&q, colon - 1, &v) || q != colon - 1 || v > 999 ||
	    memchr(p, ' ', (size_t)(dot - 1 - p)) == NULL)
		return LH_OTHER;
	h->msec = (uint32_t)v;
	h->local = (struct kme_str){ p, (size_t)(dot - 1 - p) };
	return LH_INTERP;
}

/* [node=NAME ]type=TYPE msg=audit(STAMP) */
static enum lh_kind record(const char *line, const char *end,
			   struct lh_head *h)
{
	const char *p = line, *q;
	enum lh_kind k;

	if (lh_starts(p, end, "node=", 5)) {
		q = memchr(p + 5, ' ', (size_t)(end - p - 5));
		if (q == NULL)
			return LH_OTHER;
		h->node = (struct kme_str){ p + 5, (size_t)(q - p - 5) };
		p = q + 1;
	}
	if (!lh_starts(p, end, "type=", 5))
		return LH_OTHER;
	q = memchr(p + 5, ' ', (size_t)(end - p - 5));
	if (q == NULL || q == p + 5)
		return LH_OTHER;
	h->type = (struct kme_str){ p + 5, (size_t)(q - p - 5) };
	if (!lh_starts(q, end, " msg=audit(", 11))
		return LH_OTHER;
	p = q + 11;
	k = raw_stamp(p, end, h);
	if (k == LH_OTHER)
		k = interp_stamp(p, end, h);
	if (k == LH_RAW) {
		q = memchr(p, ')', (size_t)(end - p));
		h->body = (size_t)(q + 2 - line);
		if (h->body < (size_t)(end - line) && line[h->body] == ' ')
			h->body++;
	} else if (k == LH_INTERP) {
		h->body = (size_t)(h->local.p + h->local.len - line);
		q = memchr(line + h->body, ')', (size_t)(end - line - h->body));
		h->body = (size_t)(q + 4 - line);
	}
	return k;
}

enum lh_kind lh_parse(const char *line, size_t len, struct lh_head *h)
{
	const char *end = line + len;

	memset(h, 0, sizeof(*h));
	if (len == 4 && memcmp(line, "----", 4) == 0)
		h->kind = LH_SEPARATOR;
	else if (lh_starts(line, end, "time->", 6))
		h->kind = LH_TIMELINE;
	else if (lh_starts(line, end, "At ", 3) && len > 3 && line[3] >= '0' &&
		 line[3] <= '9')
		h->kind = LH_TEXT;
	else if (lh_starts(line, end, "NODE,EVENT,DATE,TIME,SERIAL_NUM", 31))
		h->kind = LH_CSV;
	else
		h->kind = record(line, end, h);
	return h->kind;
}

const char *lh_kind_name(enum lh_kind k)
{
	static const char *const names[] = {
		[LH_OTHER] = "not an audit record",
		[LH_RAW] = "raw record",
		[LH_INTERP] = "ausearch -i record",
		[LH_SEPARATOR] = "ausearch separator",
		[LH_TIMELINE] = "ausearch time line",
		[LH_TEXT] = "ausearch --format text line",
		[LH_CSV] = "ausearch --format csv header",
	};

	return k >= LH_OTHER && k <= LH_CSV ? names[k] : "?";
}
