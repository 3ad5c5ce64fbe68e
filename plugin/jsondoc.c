/* jsondoc.c - a streaming JSON document writer (see jsondoc.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "jsondoc.h"
#include "jsonw.h"

void jd_init(struct jd *w, struct kme_buf *b)
{
	w->b = b;
	w->rc = 0;
	w->depth = 0;
	w->first[0] = true;
	w->key[0] = NULL;
	w->array[0] = false;
	w->n[0] = 0;
	w->open_key = NULL;
	w->nbad = w->bad_total = w->nfields = 0;
}

int jd_end(const struct jd *w)
{
	return w->rc;
}

/* raw() and item() are the inner loop of every document (an array of
 * 100,000 args is 100,000 items): kept inlinable here. */
static inline void raw(struct jd *w, const char *s)
{
	if (w->rc == 0 && buf_puts(w->b, s) < 0)
		w->rc = -1;
}

static inline void item(struct jd *w, const char *key)
{
	if (!w->first[w->depth])
		raw(w, ",");
	w->first[w->depth] = false;
	w->n[w->depth]++;
	if (key) {
		raw(w, "\"");
		raw(w, key);
		raw(w, "\":");
	}
}

void jd_raw(struct jd *w, const char *s)
{
	raw(w, s);
}

void jd_item(struct jd *w, const char *key)
{
	item(w, key);
}

void jd_open(struct jd *w, const char *key, const char *bracket)
{
	item(w, key);
	raw(w, bracket);
	if (w->depth + 1 >= JD_DEPTH) {
		w->rc = -1;  /* a programming error, not input-driven */
		return;
	}
	w->depth++;
	w->first[w->depth] = true;
	w->key[w->depth] = key;
	w->array[w->depth] = bracket[0] == '[';
	w->n[w->depth] = 0;
}

void jd_close(struct jd *w, const char *bracket)
{
	if (w->depth > 0)
		w->depth--;
	raw(w, bracket);
}

/* The path of the item just begun with key (keys of the open levels, then
 * key) into out, and its index when it is an array element (-1 if not).
 * A path that does not fit is cut (it still names the field's start). */
static long path_of(const struct jd *w, const char *key, char out[JD_PATH_MAX])
{
	size_t len = 0;
	int d;

	out[0] = '\0';
	for (d = 1; d <= w->depth + 1; d++) {
		const char *k = d <= w->depth ? w->key[d] : key;

		if (k == NULL)
			continue;
		len += (size_t)snprintf(out + len, JD_PATH_MAX - len, "%s%s",
					len ? "." : "", k);
		if (len >= JD_PATH_MAX) {
			len = JD_PATH_MAX - 1;
			break;
		}
	}
	return key == NULL && w->array[w->depth] ? (long)w->n[w->depth] - 1
						  : -1;
}

/* Remember a value that had invalid bytes (p NULL: put together). */
static void note_bad(struct jd *w, const char *key, const char *p, size_t len)
{
	char path[JD_PATH_MAX];
	long idx = path_of(w, key, path);
	size_t i;

	if (p != NULL)
		w->bad_total++;
	for (i = 0; i < w->nfields && strcmp(w->fields[i], path) != 0; i++)
		;
	if (i == w->nfields && w->nfields < JD_FIELDS_MAX)
		memcpy(w->fields[w->nfields++], path, JD_PATH_MAX);
	if (p == NULL || w->nbad == JD_BAD_MAX)
		return;
	memcpy(w->bad[w->nbad].path, path, JD_PATH_MAX);
	w->bad[w->nbad].index = idx;
	w->bad[w->nbad].p = p;
	w->bad[w->nbad].len = len;
	w->nbad++;
}

void jd_str(struct jd *w, const char *key, const char *p, size_t len)
{
	size_t bad = 0;

	item(w, key);
	if (w->rc == 0 && jsonw_str_fffd(w->b, p, len, &bad) < 0)
		w->rc = -1;
	if (bad > 0 && w->rc == 0)
		note_bad(w, key, p, len);
}

void jd_str_open(struct jd *w, const char *key)
{
	item(w, key);
	raw(w, "\"");
	w->open_key = key;
	w->open_bad = 0;
}

void jd_escape(struct jd *w, const char *p, size_t len)
{
	if (w->rc == 0 && jsonw_escape_fffd(w->b, p, len, &w->open_bad) < 0)
		w->rc = -1;
}

void jd_str_close(struct jd *w)
{
	raw(w, "\"");
	if (w->open_bad > 0 && w->rc == 0)
		note_bad(w, w->open_key, NULL, 0);
	w->open_key = NULL;
	w->open_bad = 0;
}

void jd_fmt(struct jd *w, const char *key, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;

	item(w, key);
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	raw(w, tmp);
}

void jd_null(struct jd *w, const char *key)
{
	item(w, key);
	raw(w, "null");
}

void jd_hex(struct jd *w, const char *key, const void *p, size_t len)
{
	static const char hexd[] = "0123456789abcdef";
	const unsigned char *s = p;
	char pair[3] = { 0, 0, 0 };
	size_t i;

	item(w, key);
	raw(w, "\"");
	for (i = 0; i < len && w->rc == 0; i++) {
		pair[0] = hexd[s[i] >> 4];
		pair[1] = hexd[s[i] & 15];
		raw(w, pair);
	}
	raw(w, "\"");
}
