/* jsonw.c - escaping of attacker-chosen bytes for JSON and text (see jsonw.h).
 *
 * The validator follows the Unicode standard's table of well-formed UTF-8
 * byte sequences (Unicode 15, table 3-7): the lead byte fixes the length and
 * the range allowed for the *second* byte, which is what excludes overlong
 * forms (E0 80..9F, F0 80..8F), surrogates (ED A0..BF) and code points above
 * U+10FFFF (F4 90..BF, F5..FF). Every later byte is a plain 80..BF. A byte
 * that does not start a complete well-formed sequence is escaped on its own
 * and decoding resumes at the next byte, so one bad byte never swallows the
 * valid text after it.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "jsonw.h"

/* One row of table 3-7: lead bytes [first, last] start a sequence of `len`
 * bytes whose second byte lies in [lo, hi]. */
struct utf8_row {
	uint8_t first, last;
	uint8_t len;
	uint8_t lo, hi;
};

static const struct utf8_row utf8_rows[] = {
	{ 0xc2, 0xdf, 2, 0x80, 0xbf },
	{ 0xe0, 0xe0, 3, 0xa0, 0xbf },  /* no overlong 3-byte forms */
	{ 0xe1, 0xec, 3, 0x80, 0xbf },
	{ 0xed, 0xed, 3, 0x80, 0x9f },  /* no surrogates U+D800..DFFF */
	{ 0xee, 0xef, 3, 0x80, 0xbf },
	{ 0xf0, 0xf0, 4, 0x90, 0xbf },  /* no overlong 4-byte forms */
	{ 0xf1, 0xf3, 4, 0x80, 0xbf },
	{ 0xf4, 0xf4, 4, 0x80, 0x8f },  /* nothing above U+10FFFF */
};

static const char hexdig[] = "0123456789abcdef";

/* Length of the well-formed non-ASCII sequence at p (p[0] >= 0x80, n bytes
 * available) and its code point in *cp; 0 when p[0] does not start one. */
static size_t utf8_seq(const unsigned char *p, size_t n, uint32_t *cp)
{
	const struct utf8_row *r = NULL;
	uint32_t c;
	size_t i;

	for (i = 0; i < sizeof(utf8_rows) / sizeof(utf8_rows[0]); i++) {
		if (p[0] >= utf8_rows[i].first && p[0] <= utf8_rows[i].last) {
			r = &utf8_rows[i];
			break;
		}
	}
	/* 80..C1 (continuation or overlong 2-byte lead) and F5..FF. */
	if (r == NULL || n < r->len || p[1] < r->lo || p[1] > r->hi)
		return 0;
	c = p[0] & (0x7fu >> r->len);
	for (i = 1; i < r->len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3fu);
	}
	*cp = c;
	return r->len;
}

/* Bytes copied verbatim: printable ASCII other than '"' and '\'. */
static bool plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/* \u00XX, \u2028, ... for a code point below U+10000. */
static int put_u(struct kme_buf *b, uint32_t cp)
{
	char e[6] = {
		'\\', 'u',
		hexdig[(cp >> 12) & 0xf], hexdig[(cp >> 8) & 0xf],
		hexdig[(cp >> 4) & 0xf], hexdig[cp & 0xf],
	};

	return buf_append(b, e, sizeof(e));
}

/* An invalid byte: the text \xNN, whose backslash JSON escapes. */
static int put_x(struct kme_buf *b, unsigned char c)
{
	char e[5] = { '\\', '\\', 'x', hexdig[c >> 4], hexdig[c & 0xf] };

	return buf_append(b, e, sizeof(e));
}

/* U+FFFD REPLACEMENT CHARACTER, in UTF-8. */
static const char fffd[3] = { (char)0xef, (char)0xbf, (char)0xbd };

/* bad NULL: an invalid byte is the text \xNN; else it is U+FFFD, counted
 * in *bad. */
static int escape(struct kme_buf *b, const char *p, size_t len, bool quote,
		  size_t *bad)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, run, n;
	uint32_t cp;
	int rc;

	while (i < len) {
		/* Fast path: the usual argv is all plain ASCII. */
		for (run = i; run < len && (plain(s[run]) ||
		     (!quote && (s[run] == '"' || s[run] == '\\'))); run++)
			;
		if (run > i) {
			if (buf_append(b, s + i, run - i) < 0)
				return -1;
			i = run;
			continue;
		}
		if (s[i] == '"' || s[i] == '\\') {
			char e[2] = { '\\', (char)s[i] };

			rc = buf_append(b, e, 2);
			n = 1;
		} else if (s[i] < 0x80) {
			rc = put_u(b, s[i]);  /* C0 control or DEL */
			n = 1;
		} else if ((n = utf8_seq(s + i, len - i, &cp)) == 0) {
			if (bad != NULL) {
				rc = buf_append(b, fffd, sizeof(fffd));
				(*bad)++;
			} else {
				rc = put_x(b, s[i]);
			}
			n = 1;
		} else if (cp <= 0x9f || cp == 0x2028 || cp == 0x2029) {
			/* C1 controls; U+2028/9 end lines in JavaScript. */
			rc = put_u(b, cp);
		} else {
			rc = buf_append(b, s + i, n);
		}
		if (rc < 0)
			return -1;
		i += n;
	}
	return 0;
}

int jsonw_escape(struct kme_buf *b, const char *p, size_t len)
{
	return escape(b, p, len, true, NULL);
}

int jsonw_escape_fffd(struct kme_buf *b, const char *p, size_t len,
		      size_t *bad)
{
	return escape(b, p, len, true, bad);
}

int jsonw_text(struct kme_buf *b, const char *p, size_t len)
{
	return escape(b, p, len, false, NULL);
}

bool jsonw_is_text(const char *p, size_t len)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		if (s[i] < 0x80) {
			if (s[i] < 0x20 || s[i] == 0x7f)
				return false;
			i++;
		} else if ((n = utf8_seq(s + i, len - i, &cp)) == 0) {
			return false;
		} else {
			i += n;
		}
	}
	return true;
}

int jsonw_str(struct kme_buf *b, const char *p, size_t len)
{
	if (buf_putc(b, '"') < 0 || jsonw_escape(b, p, len) < 0)
		return -1;
	return buf_putc(b, '"');
}

int jsonw_str_fffd(struct kme_buf *b, const char *p, size_t len, size_t *bad)
{
	if (buf_putc(b, '"') < 0 || jsonw_escape_fffd(b, p, len, bad) < 0)
		return -1;
	return buf_putc(b, '"');
}
