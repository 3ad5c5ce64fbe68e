/* output.h - where alert lines go: syslog without ever blocking, or a stream.
 *
 * The syslog sink speaks RFC 3164 over a non-blocking AF_UNIX datagram socket
 * to /dev/log (or another path, for tests), with ident "audisp-kmod-enum" and
 * the pid. It never blocks: a line that cannot be sent now (syslog daemon
 * stopped or slow, socket missing) waits in a FIFO bounded to `queue_max`
 * lines; beyond that the oldest waiting line is dropped and counted. Waiting
 * lines go out, in order, on the next out_write() or out_pump().
 * The stream sink writes lines to a FILE* (stdout in replay), blocking, as a
 * replay has nobody to stall. A line it could not write is counted in
 * stats.errors and, unlike a syslog loss, is an error of the run: the first
 * failure is kept for out_error(), which a command-line mode checks before it
 * exits (a forensic run whose output was lost must fail).
 *
 * Messages longer than OUT_MAX_MSG are truncated and counted (syslog
 * datagrams are limited in size by the daemon and the socket buffer).
 */
#ifndef KME_OUTPUT_H
#define KME_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

#define OUT_MAX_MSG (60 * 1024)

struct out_stats {
	uint64_t sent;       /* lines delivered */
	uint64_t queued;     /* lines waiting now */
	uint64_t dropped;    /* lines dropped because the queue was full */
	uint64_t truncated;  /* lines cut to OUT_MAX_MSG */
	uint64_t errors;     /* send errors other than "try again" */
};

struct out_sink;

/* A syslog sink. socket_path NULL means "/dev/log". The socket is connected
 * lazily and reconnected after errors, so a missing /dev/log at start is not
 * fatal. Returns NULL (err filled) only on ENOMEM or a socket_path that is
 * empty or too long for sun_path. Waiting lines are also bounded to 16 MiB
 * in total (oldest dropped first, counted as dropped). */
struct out_sink *out_syslog_open(const char *socket_path, int facility,
				 int priority, size_t queue_max,
				 struct kme_err *err);

/* A sink writing "line\n" to fp (not closed by out_close), flushed after
 * every line so that a reader on a pipe sees each line when it is made.
 * name says which output fp is in messages ("stdout"); borrowed, it must
 * outlive the sink. */
struct out_sink *out_stream_open(FILE *fp, const char *name,
				 struct kme_err *err);

/* Hand one line (no newline; any bytes already escaped by the caller) to the
 * sink. Copies it. Never blocks for the syslog sink. Returns 0 when delivered
 * or queued, -1 when it had to be dropped (counted). */
int out_write(struct out_sink *s, const char *line, size_t len);

/* As out_write, with an explicit syslog priority (for the summary and
 * notices, which are not alerts); the stream sink ignores prio. */
int out_write_prio(struct out_sink *s, int prio, const char *line, size_t len);

/* Try to send waiting lines. Returns how many are still waiting. */
size_t out_pump(struct out_sink *s);

/* Wait up to timeout_ms for waiting lines to go out (used at exit). */
void out_drain(struct out_sink *s, int timeout_ms);

/* When lines are waiting, a file descriptor to poll for POLLOUT, else -1. */
int out_pollfd(const struct out_sink *s);

void out_stats(const struct out_sink *s, struct out_stats *st);

/* Whether the sink lost a line it must not lose: 0 for a syslog sink
 * always (its losses are counted in out_stats, and plugin mode never stops
 * for them), and for a stream sink that wrote every line; -1 for a stream
 * sink that could not write one, with err naming the output, the operation
 * and the first failure ("stdout: write: No space left on device"). */
int out_error(const struct out_sink *s, struct kme_err *err);

void out_close(struct out_sink *s);

/* The end of fp, a stream a command-line mode wrote (stdout): flushed and
 * closed (fclose, even on failure). 0 when everything written to it went
 * out; -1 with err "NAME: write: REASON" when the flush failed, or a write
 * before it did (the stream's error flag; the reason is then unknown), or
 * "NAME: close: REASON". A pipe whose reader has gone is such a failure
 * (EPIPE: SIGPIPE is ignored outside plugin mode). */
int out_close_stream(FILE *fp, const char *name, struct kme_err *err);

#endif
