/* jsondoc.h - a streaming writer of one JSON document into a kme_buf
 * (plugin/jsondoc.c, prefix jd_).
 *
 * The writer tracks commas per nesting level, so a caller writes only the
 * items it has: a field that is absent is simply not written, and the
 * document never needs an empty string or a made-up value. Keys are the
 * caller's literals, written as they are (never attacker-chosen); every
 * value string goes through jsonw (jsonw.h), so any bytes give one valid
 * JSON line. Numbers and literals (true, null) come from the caller's
 * format.
 *
 * Errors are sticky: once an append is refused (the buffer's bound, see
 * buf.h), nothing more is written and jd_end returns -1; the buffer then
 * holds a prefix, which the caller discards. Nesting deeper than JD_DEPTH
 * is a programming error and ends the document the same way.
 *
 * No allocation but the buffer's own; every call is O(bytes written).
 */
#ifndef KME_JSONDOC_H
#define KME_JSONDOC_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

#define JD_DEPTH 8

struct jd {
	struct kme_buf *b;
	int rc;               /* sticky: once -1, nothing more is written */
	int depth;
	bool first[JD_DEPTH]; /* no item written yet at this level */
};

/* Start writing into b (appended to what b holds). */
void jd_init(struct jd *w, struct kme_buf *b);

/* 0, or -1 when an append was refused or the nesting was too deep. */
int jd_end(const struct jd *w);

/* Start an item: a comma unless it is the first of its object or array,
 * then `"key":` (key NULL: an array element, or the document itself). */
void jd_item(struct jd *w, const char *key);

/* Our own JSON text, as it is (a literal, a number we formatted). */
void jd_raw(struct jd *w, const char *s);

/* An object ("{") or array ("[") as the item key, and its end ("}", "]"). */
void jd_open(struct jd *w, const char *key, const char *bracket);
void jd_close(struct jd *w, const char *bracket);

/* A string item: p[0..len) escaped and quoted. */
void jd_str(struct jd *w, const char *key, const char *p, size_t len);

/* p[0..len) escaped, without quotes: a piece of a string the caller opened
 * and closes with jd_raw(w, "\""). */
void jd_escape(struct jd *w, const char *p, size_t len);

/* An item whose value is printf's output (at most 63 bytes: numbers,
 * true/false, a quoted number). */
void jd_fmt(struct jd *w, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* An item whose value is null. */
void jd_null(struct jd *w, const char *key);

#endif
