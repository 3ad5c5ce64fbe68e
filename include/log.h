/* log.h - the program's own messages (not alerts): one way out.
 *
 * After OpenBSD's log.c. Every warning, notice and error of every module is
 * written through these calls; no other module writes to syslog or stderr.
 * Where they go is chosen once by main:
 *   - stderr (the default; command-line modes): "audisp-kmod-enum: MSG";
 *   - a syslog sink (plugin mode): out_write_prio(), the same non-blocking,
 *     queued path as the alerts, never libc syslog(), whose send() blocks
 *     when the syslog daemon stalls and would stall auditd behind us;
 *   - a function (tests and fuzzers read what was said).
 *
 * A message holding newlines is sent as one message per line. Control
 * bytes and invalid UTF-8 are escaped (jsonw_text), so a message quoting a
 * hostile path can never forge a log line. Messages are cut at KME_LOG_MAX
 * bytes. Cost O(message); allocates a little per message: never call per
 * event.
 *
 * Levels are syslog's: log_errx LOG_ERR (an operation failed), log_warn[x]
 * LOG_WARNING, log_notice LOG_NOTICE, log_info LOG_INFO, log_debug
 * LOG_DEBUG (dropped unless log_set_verbose(true)). log_warn appends
 * ": strerror(errno)".
 */
#ifndef KME_LOG_H
#define KME_LOG_H

#include <stdbool.h>

#define KME_LOG_MAX 4096

struct out_sink;

typedef void (*log_fn)(void *arg, int prio, const char *line);

void log_to_stderr(void);
/* sink is borrowed: call log_to_stderr() before closing it. */
void log_to_sink(struct out_sink *sink);
void log_to_fn(log_fn fn, void *arg);
void log_set_verbose(bool verbose);

void log_errx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
