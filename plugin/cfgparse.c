/* cfgparse.c - the configuration parser's state (see cfgparse.h): the
 * errors of a file, collected, and the allocations of its values. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfgparse.h"

/* Space kept free at the end of err->msg for the "(N more errors)" line. */
#define ERR_TRAILER 40

void cp_perr(struct parser *p, const char *fmt, ...)
{
	char msg[KME_ERR_MAX];
	size_t n, room;
	int r;
	va_list ap;

	p->nerr++;
	if (p->err == NULL)
		return;
	if (p->line > 0)
		r = snprintf(msg, sizeof(msg), "%s:%d: ", p->name, p->line);
	else
		r = snprintf(msg, sizeof(msg), "%s: ", p->name);
	n = r < 0 ? 0 : (size_t)r;
	if (n >= sizeof(msg))
		n = sizeof(msg) - 1;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	n = strlen(msg);

	if (p->used == 0) {
		room = KME_ERR_MAX - ERR_TRAILER - 1;
		if (n > room)
			n = room;
		memcpy(p->err->msg, msg, n);
		p->err->msg[n] = '\0';
		p->used = n;
		return;
	}
	/* Once one is dropped, all later ones are: the shown ones stay the
	 * first ones, in line order. */
	if (p->dropped > 0 || p->used + 1 + n + ERR_TRAILER >= KME_ERR_MAX) {
		p->dropped++;
		return;
	}
	p->err->msg[p->used++] = '\n';
	memcpy(p->err->msg + p->used, msg, n + 1);
	p->used += n;
}

void cp_finish(struct parser *p)
{
	if (p->err == NULL || p->dropped == 0)
		return;
	snprintf(p->err->msg + p->used, KME_ERR_MAX - p->used,
		 "\n(%u more errors not shown)", p->dropped);
}

char *cp_dup(struct parser *p, const char *s)
{
	char *d = strdup(s);

	if (d == NULL) {
		p->oom = true;
		cp_perr(p, "out of memory");
	}
	return d;
}

/* The capacity is implied by the count (4, 8, 16, ...), and counts are
 * bounded by CFG_MAX_ENTRIES, so the size computation never overflows. */
void *cp_grow(struct parser *p, void *arr, size_t n, size_t size)
{
	void *na;

	if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
		na = realloc(arr, (n == 0 ? 4 : n * 2) * size);
		if (na == NULL) {
			p->oom = true;
			cp_perr(p, "out of memory");
			return NULL;
		}
		arr = na;
	}
	memset((char *)arr + n * size, 0, size);
	return arr;
}
