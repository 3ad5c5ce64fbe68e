/* err.h - errors as values.
 *
 * A function that can fail returns 0 on success and -1 on failure, and on
 * failure fills the struct kme_err the caller passed (which may be NULL when the
 * caller does not care). Messages name the object, the operation and the place,
 * e.g. "/etc/audit/audisp-kmod-enum.conf:12: unknown key 'foo'". Only main()
 * decides whether an error ends the program.
 */
#ifndef KME_ERR_H
#define KME_ERR_H

#include <stdarg.h>

#define KME_ERR_MAX 512

struct kme_err {
	char msg[KME_ERR_MAX];
};

/* Set err->msg (printf-style, truncated to fit) and return -1, so that
 * `return kme_errf(err, ...)` reads as the failure it is. err may be NULL. */
int kme_errf(struct kme_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* As kme_errf, with ": strerror(errnum)" appended. */
int kme_errnof(struct kme_err *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
