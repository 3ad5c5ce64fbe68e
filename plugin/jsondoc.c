/* jsondoc.c - a streaming JSON document writer (see jsondoc.h). */
#include <stdarg.h>
#include <stdio.h>

#include "jsondoc.h"
#include "jsonw.h"

void jd_init(struct jd *w, struct kme_buf *b)
{
	w->b = b;
	w->rc = 0;
	w->depth = 0;
	w->first[0] = true;
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
	w->first[++w->depth] = true;
}

void jd_close(struct jd *w, const char *bracket)
{
	if (w->depth > 0)
		w->depth--;
	raw(w, bracket);
}

void jd_str(struct jd *w, const char *key, const char *p, size_t len)
{
	item(w, key);
	if (w->rc == 0 && jsonw_str(w->b, p, len) < 0)
		w->rc = -1;
}

void jd_escape(struct jd *w, const char *p, size_t len)
{
	if (w->rc == 0 && jsonw_escape(w->b, p, len) < 0)
		w->rc = -1;
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
