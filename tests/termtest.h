/* termtest.h - terms for the history suites (check_termtab.c,
 * check_statefile.c, check_redisstore.c, ...). */
#ifndef KME_TERMTEST_H
#define KME_TERMTEST_H

#include <string.h>

#include "term.h"

/* A term of two values; NULL is an absent value. The values are borrowed
 * from a and b. */
static inline struct nt_term term2(const char *a, const char *b)
{
	struct nt_term t = { .n = 2 };

	t.v[0] = a ? (struct kme_str){ a, strlen(a) } : KME_STR_NULL;
	t.v[1] = b ? (struct kme_str){ b, strlen(b) } : KME_STR_NULL;
	return t;
}

#endif
