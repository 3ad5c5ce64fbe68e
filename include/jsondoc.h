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
 * Lossless or flagged: a byte of a value string that is not part of
 * well-formed UTF-8 is written as U+FFFD (jsonw_str_fffd), and the writer
 * remembers where: the field's path (the keys of its levels joined by '.',
 * "process.parent.args"), its index when it is an array element, and the
 * raw bytes written there (borrowed: the caller keeps them alive until the
 * document is done). At most JD_BAD_MAX such values are kept with their
 * bytes and JD_FIELDS_MAX distinct paths; bad_total counts all values. A
 * string put together from pieces (jd_str_open, jd_escape, jd_str_close)
 * is remembered by path only (not counted as a value): its bytes are its
 * pieces'.
 *
 * Errors are sticky: once an append is refused (the buffer's bound, see
 * buf.h), nothing more is written and jd_end returns -1; the buffer then
 * holds a prefix, which the caller discards. Nesting deeper than JD_DEPTH
 * is a programming error and ends the document the same way.
 *
 * No allocation but the buffer's own; every call is O(bytes written), a
 * value with invalid bytes O(JD_FIELDS_MAX) more.
 */
#ifndef KME_JSONDOC_H
#define KME_JSONDOC_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

#define JD_DEPTH 8
#define JD_BAD_MAX 16        /* values with invalid UTF-8 kept with bytes */
#define JD_FIELDS_MAX 48     /* distinct field paths kept */
#define JD_PATH_MAX 96       /* bytes of one path, with its NUL */

/* One value written with U+FFFD for invalid bytes. */
struct jd_bad {
	char path[JD_PATH_MAX];
	long index;           /* its index in an array; -1: not an element */
	const char *p;        /* the raw bytes written; NULL: a string put */
	size_t len;           /* together from pieces */
};

struct jd {
	struct kme_buf *b;
	int rc;               /* sticky: once -1, nothing more is written */
	int depth;
	bool first[JD_DEPTH]; /* no item written yet at this level */
	const char *key[JD_DEPTH]; /* the key each level was opened with */
	bool array[JD_DEPTH];
	size_t n[JD_DEPTH];   /* items written at each level */
	const char *open_key; /* jd_str_open's item, until jd_str_close */
	size_t open_bad;      /* invalid bytes of its pieces so far */
	struct jd_bad bad[JD_BAD_MAX];
	size_t nbad;
	size_t bad_total;     /* values with invalid UTF-8 (not pieces), all */
	char fields[JD_FIELDS_MAX][JD_PATH_MAX];
	size_t nfields;
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

/* A string item put together from pieces: jd_str_open, then p[0..len)
 * escaped for each piece (jd_escape), then jd_str_close. */
void jd_str_open(struct jd *w, const char *key);
void jd_escape(struct jd *w, const char *p, size_t len);
void jd_str_close(struct jd *w);

/* An item whose value is printf's output (at most 63 bytes: numbers,
 * true/false, a quoted number). */
void jd_fmt(struct jd *w, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* An item whose value is null. */
void jd_null(struct jd *w, const char *key);

/* A string item: the bytes p[0..len) in lowercase hexadecimal (two digits
 * a byte). */
void jd_hex(struct jd *w, const char *key, const void *p, size_t len);

#endif
