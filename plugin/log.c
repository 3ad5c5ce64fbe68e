/* log.c - the program's own messages (see log.h). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "buf.h"
#include "jsonw.h"
#include "log.h"
#include "output.h"

#define LOG_IDENT "audisp-kmod-enum"

enum log_dest { LOG_DEST_STDERR = 0, LOG_DEST_SINK, LOG_DEST_FN };

static struct {
	enum log_dest dest;
	struct out_sink *sink;
	log_fn fn;
	void *arg;
	bool verbose;
} L;

void log_to_stderr(void)
{
	L.dest = LOG_DEST_STDERR;
	L.sink = NULL;
	L.fn = NULL;
}

void log_to_sink(struct out_sink *sink)
{
	L.dest = LOG_DEST_SINK;
	L.sink = sink;
}

void log_to_fn(log_fn fn, void *arg)
{
	L.dest = LOG_DEST_FN;
	L.fn = fn;
	L.arg = arg;
}

void log_set_verbose(bool verbose)
{
	L.verbose = verbose;
}

static void emit(int prio, const char *line)
{
	switch (L.dest) {
	case LOG_DEST_SINK:
		out_write_prio(L.sink, prio, line, strlen(line));
		break;
	case LOG_DEST_FN:
		L.fn(L.arg, prio, line);
		break;
	case LOG_DEST_STDERR:
	default:
		fprintf(stderr, LOG_IDENT ": %s\n", line);
		break;
	}
}

static void vlog(int prio, int errnum, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static void vlog(int prio, int errnum, const char *fmt, va_list ap)
{
	char msg[KME_LOG_MAX];
	struct kme_buf line;
	const char *p, *nl;
	size_t n;

	if (prio == LOG_DEBUG && !L.verbose)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	if (errnum != 0)
		snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(errnum));
	/* Escaping grows a line at most fivefold. */
	buf_init(&line, 5 * KME_LOG_MAX);
	for (p = msg;; p = nl + 1) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		buf_reset(&line);
		if (jsonw_text(&line, p, n) == 0 && line.p != NULL)
			emit(prio, line.p);
		else if (n == 0)
			emit(prio, "");
		if (nl == NULL || nl[1] == '\0')
			break;
	}
	buf_free(&line);
}

#define LOG_FN(name, prio, with_errno)				\
void name(const char *fmt, ...)					\
{								\
	int e = errno;						\
	va_list ap;						\
								\
	va_start(ap, fmt);					\
	vlog(prio, with_errno ? e : 0, fmt, ap);		\
	va_end(ap);						\
	errno = e;						\
}

LOG_FN(log_errx, LOG_ERR, false)
LOG_FN(log_warn, LOG_WARNING, true)
LOG_FN(log_warnx, LOG_WARNING, false)
LOG_FN(log_notice, LOG_NOTICE, false)
LOG_FN(log_info, LOG_INFO, false)
LOG_FN(log_debug, LOG_DEBUG, false)
