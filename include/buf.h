/* buf.h - a growable byte buffer with a hard upper bound.
 *
 * Owns its memory. Appends never exceed `limit` bytes: an append that would
 * is refused (returns -1, buffer unchanged except for the overflow flag), so
 * hostile input can never make one buffer grow past its bound. Memory is kept
 * across buf_reset() so steady-state use allocates nothing.
 */
#ifndef KME_BUF_H
#define KME_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct kme_buf {
	char *p;        /* always NUL-terminated when cap > 0 */
	size_t len;
	size_t cap;
	size_t limit;   /* maximum len; 0 means SIZE_MAX/2 */
	bool overflow;  /* an append was refused since the last reset */
};

void buf_init(struct kme_buf *b, size_t limit);
void buf_free(struct kme_buf *b);
void buf_reset(struct kme_buf *b);                 /* len = 0, overflow = false */
int buf_reserve(struct kme_buf *b, size_t extra);  /* -1 on bound or ENOMEM */
int buf_append(struct kme_buf *b, const void *p, size_t n);
int buf_putc(struct kme_buf *b, char c);
int buf_puts(struct kme_buf *b, const char *s);
int buf_printf(struct kme_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
