/* output.c - alert lines to syslog without blocking, or to a stream
 * (see output.h).
 *
 * Why never block: auditd feeds plugins through a pipe; a plugin stuck in
 * send() on a full /dev/log stops reading, the pipe fills and auditd's
 * dispatcher backs up (laurel #106). So the syslog sink uses a non-blocking
 * datagram socket, sends with MSG_DONTWAIT, and parks what cannot go now in
 * a bounded FIFO that out_write/out_pump retry. The only call that may wait
 * is out_drain, at exit, for at most its timeout.
 *
 * Datagram only: rsyslog, syslog-ng and systemd-journald all listen on a
 * datagram /dev/log, and a datagram is one message, so a stream fallback
 * would only add framing ambiguity and a way to block.
 *
 * The message is what glibc's syslog() sends to /dev/log:
 *   "<PRI>Mmm dd hh:mm:ss audisp-kmod-enum[PID]: MSG"
 * RFC 3164 local time, no host name (the local daemon adds it). The header
 * is stamped when the line is written, not when it finally goes out, so a
 * line that waited still carries the time of the alert.
 *
 * Queue policy: when full, the OLDEST waiting line is dropped. A stall
 * (daemon stopped, disk full) can last long; what the operator needs when it
 * ends is the most recent state, and the summary counts what was lost.
 * Either policy can be flooded by an attacker who can make alerts; the
 * rate limiter upstream and the drop counter are the answer to that, not the
 * order of the queue. Besides queue_max lines, waiting lines are bounded to
 * OUT_QUEUE_BYTES in total, since a line can be OUT_MAX_MSG long and
 * queue_max * OUT_MAX_MSG could be hundreds of megabytes.
 *
 * Error handling per send() errno is a table (send_errs): "try again" keeps
 * the line; "peer gone" (daemon restarted) closes the socket, which is
 * reopened on the next attempt; EMSGSIZE gives the line up; anything else
 * is retried up to OUT_RETRY_MAX times on the same line, so one poisoned line
 * cannot wedge the queue. Every error except "try again" counts in
 * stats.errors; an outage (connect failing again and again) counts once.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "output.h"

#define OUT_IDENT        "audisp-kmod-enum"
#define OUT_HDR_MAX      128                  /* "<PRI>date ident[pid]: " */
#define OUT_QUEUE_BYTES  (16u * 1024 * 1024)  /* all waiting lines */
#define OUT_RETRY_MAX    16                   /* unexpected errors per line */

enum out_kind { OUT_SYSLOG, OUT_STREAM };

struct qline {
	char *p;              /* malloc'd datagram, header included */
	size_t len;
};

struct out_sink {
	enum out_kind kind;
	FILE *fp;                      /* stream sink */
	const char *name;              /* ... its name, for messages */
	int werr;                      /* ... its first write errno, 0: none */

	struct sockaddr_un addr;       /* syslog sink */
	socklen_t addrlen;
	int fd;                        /* -1 when not connected */
	bool down;                     /* outage already counted */
	int facility, priority;
	struct qline *q;               /* ring of qcap entries */
	size_t qcap, qhead, qlen, qbytes;
	unsigned retries;              /* failed attempts on the next line */
	char *scratch;                 /* one formatted datagram */

	struct out_stats st;
};

/* --- send() errors --------------------------------------------------- */

enum send_action {
	SA_WAIT,       /* the peer is busy: keep the line, try later */
	SA_RECONNECT,  /* the peer is gone: reopen the socket, keep the line */
	SA_GIVE_UP,    /* the line can never go */
	SA_RETRY,      /* unexpected: keep, but give up after OUT_RETRY_MAX */
};

static const struct {
	int err;
	enum send_action act;
} send_errs[] = {
	{ EAGAIN, SA_WAIT },
	{ EWOULDBLOCK, SA_WAIT },   /* same value on Linux; not everywhere */
	{ ENOBUFS, SA_WAIT },
	{ EINTR, SA_WAIT },
	{ ECONNREFUSED, SA_RECONNECT },
	{ ECONNRESET, SA_RECONNECT },
	{ ENOTCONN, SA_RECONNECT },
	{ ENOENT, SA_RECONNECT },
	{ EPIPE, SA_RECONNECT },
	{ EDESTADDRREQ, SA_RECONNECT },
	{ EMSGSIZE, SA_GIVE_UP },
};

static enum send_action send_action_of(int err)
{
	size_t i;

	for (i = 0; i < sizeof(send_errs) / sizeof(send_errs[0]); i++)
		if (send_errs[i].err == err)
			return send_errs[i].act;
	return SA_RETRY;
}

enum send_result { SEND_OK, SEND_LATER, SEND_GAVE_UP };

static void sink_disconnect(struct out_sink *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* Open and connect the socket if needed. socket() and connect() on an
 * AF_UNIX datagram socket do not wait for the peer. */
static int sink_connect(struct out_sink *s)
{
	int fd;

	if (s->fd >= 0)
		return 0;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&s->addr, s->addrlen) == 0) {
		s->fd = fd;
		return 0;
	}
	if (fd >= 0)
		close(fd);
	if (!s->down) {
		s->st.errors++;
		s->down = true;
	}
	return -1;
}

static enum send_result try_send(struct out_sink *s, const char *p, size_t len)
{
	if (sink_connect(s) < 0)
		return SEND_LATER;
	if (send(s->fd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0) {
		s->st.sent++;
		s->retries = 0;
		s->down = false;
		return SEND_OK;
	}
	switch (send_action_of(errno)) {
	case SA_WAIT:
		return SEND_LATER;
	case SA_RECONNECT:
		s->st.errors++;
		s->down = true;  /* the reconnect attempts are the same outage */
		sink_disconnect(s);
		return SEND_LATER;
	case SA_GIVE_UP:
		s->st.errors++;
		s->retries = 0;
		return SEND_GAVE_UP;
	case SA_RETRY:
		break;
	}
	s->st.errors++;
	if (++s->retries < OUT_RETRY_MAX)
		return SEND_LATER;
	s->retries = 0;
	return SEND_GAVE_UP;
}

/* --- the queue ----------------------------------------------------------- */

static void q_pop(struct out_sink *s)
{
	struct qline *l = &s->q[s->qhead];

	s->qbytes -= l->len;
	free(l->p);
	l->p = NULL;
	s->qhead = (s->qhead + 1) % s->qcap;
	s->qlen--;
	s->retries = 0;  /* counted for the line now gone */
}

/* Copy a datagram to the tail, dropping the oldest lines to make room.
 * -1 (counted) when the line itself cannot be kept. */
static int q_push(struct out_sink *s, const char *p, size_t len)
{
	char *copy;

	if (s->qcap == 0 || len > OUT_QUEUE_BYTES) {
		s->st.dropped++;
		return -1;
	}
	while (s->qlen > 0 &&
	       (s->qlen == s->qcap || s->qbytes + len > OUT_QUEUE_BYTES)) {
		q_pop(s);
		s->st.dropped++;
	}
	copy = malloc(len);
	if (copy == NULL) {
		s->st.dropped++;
		return -1;
	}
	memcpy(copy, p, len);
	s->q[(s->qhead + s->qlen) % s->qcap] = (struct qline){ copy, len };
	s->qlen++;
	s->qbytes += len;
	return 0;
}

static void q_pump(struct out_sink *s)
{
	while (s->qlen > 0) {
		struct qline *l = &s->q[s->qhead];

		if (try_send(s, l->p, l->len) == SEND_LATER)
			break;
		q_pop(s);
	}
}

/* --- formatting ---------------------------------------------------------- */

/* "<PRI>Mmm dd hh:mm:ss ident[pid]: " in local time, as glibc's syslog()
 * writes it (clock.h). Returns its length (< size); no I/O. */
static size_t format_header(char *out, size_t size, int pri)
{
	char stamp[CLK_SYSLOG_SIZE];
	int n;

	clk_syslog_now(stamp);
	n = snprintf(out, size, "<%d>%s %s[%ld]: ", pri, stamp, OUT_IDENT,
		     (long)getpid());
	if (n < 0)
		return 0;
	return (size_t)n < size ? (size_t)n : size - 1;
}

/* How much of line fits in OUT_MAX_MSG, cut before a UTF-8 sequence that
 * would be split (the caller's line is valid UTF-8; garbage is cut
 * anywhere after at most 3 steps back). */
static size_t fit_len(const char *line, size_t len)
{
	size_t cut = OUT_MAX_MSG, back;

	if (len <= OUT_MAX_MSG)
		return len;
	for (back = 0; back < 3 && cut > 0 &&
	     ((unsigned char)line[cut] & 0xc0) == 0x80; back++)
		cut--;
	if (((unsigned char)line[cut] & 0xc0) == 0x80)
		cut = OUT_MAX_MSG;  /* not UTF-8 after all: cut at the limit */
	return cut;
}

/* --- the interface ------------------------------------------------------- */

static struct out_sink *sink_new(enum out_kind kind, struct kme_err *err)
{
	struct out_sink *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		kme_errnof(err, ENOMEM, "output: allocating the sink");
		return NULL;
	}
	s->kind = kind;
	s->fd = -1;
	return s;
}

struct out_sink *out_syslog_open(const char *socket_path, int facility,
				 int priority, size_t queue_max,
				 struct kme_err *err)
{
	const char *path = socket_path ? socket_path : "/dev/log";
	size_t plen = strlen(path);
	struct out_sink *s;

	if (plen == 0 || plen >= sizeof(s->addr.sun_path)) {
		kme_errf(err, "output: syslog socket '%.200s': path length %zu "
			 "is not in 1..%zu", path, plen,
			 sizeof(s->addr.sun_path) - 1);
		return NULL;
	}
	s = sink_new(OUT_SYSLOG, err);
	if (s == NULL)
		return NULL;
	s->addr.sun_family = AF_UNIX;
	memcpy(s->addr.sun_path, path, plen + 1);
	s->addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen + 1);
	s->facility = facility & LOG_FACMASK;
	s->priority = priority & LOG_PRIMASK;
	s->qcap = queue_max;
	s->q = queue_max ? calloc(queue_max, sizeof(*s->q)) : NULL;
	s->scratch = malloc(OUT_HDR_MAX + OUT_MAX_MSG);
	if ((queue_max && s->q == NULL) || s->scratch == NULL) {
		out_close(s);
		kme_errnof(err, ENOMEM, "output: syslog queue of %zu lines",
			   queue_max);
		return NULL;
	}
	tzset();  /* load the zone now, not in the first out_write */
	return s;
}

struct out_sink *out_stream_open(FILE *fp, const char *name,
				 struct kme_err *err)
{
	struct out_sink *s = sink_new(OUT_STREAM, err);

	if (s) {
		s->fp = fp;
		s->name = name;
	}
	return s;
}

/* Flushing every line costs a write(2) per alert; alerts are rare and a
 * reader on a pipe must see each one when it happens, not at exit. The
 * first failure is kept (out_error); the stream's error flag is cleared so
 * that out_close_stream does not say it again, and the next line is tried
 * anyway (every loss is counted). */
static int stream_write(struct out_sink *s, const char *line, size_t len)
{
	errno = 0;
	if ((len && fwrite(line, 1, len, s->fp) != len) ||
	    fputc('\n', s->fp) == EOF || fflush(s->fp) == EOF) {
		if (s->werr == 0)
			s->werr = errno != 0 ? errno : EIO;
		clearerr(s->fp);
		s->st.errors++;
		return -1;
	}
	s->st.sent++;
	return 0;
}

int out_write_prio(struct out_sink *s, int prio, const char *line, size_t len)
{
	size_t hlen, mlen;

	if (s->kind == OUT_STREAM)
		return stream_write(s, line, len);

	hlen = format_header(s->scratch, OUT_HDR_MAX,
			     s->facility | (prio & LOG_PRIMASK));
	mlen = fit_len(line, len);
	if (mlen < len)
		s->st.truncated++;
	if (mlen)
		memcpy(s->scratch + hlen, line, mlen);

	/* Order: whatever waits goes first; only then may this line skip
	 * the queue. */
	q_pump(s);
	if (s->qlen == 0) {
		switch (try_send(s, s->scratch, hlen + mlen)) {
		case SEND_OK:
			return 0;
		case SEND_GAVE_UP:
			return -1;
		case SEND_LATER:
			break;
		}
	}
	return q_push(s, s->scratch, hlen + mlen);
}

int out_write(struct out_sink *s, const char *line, size_t len)
{
	return out_write_prio(s, s->priority, line, len);
}

size_t out_pump(struct out_sink *s)
{
	if (s->kind == OUT_STREAM)
		return 0;
	q_pump(s);
	return s->qlen;
}

/* While disconnected there is no descriptor to wait on: retry the
 * connection at this interval. */
#define OUT_DRAIN_RETRY_MS 50

void out_drain(struct out_sink *s, int timeout_ms)
{
	int64_t deadline = clk_mono_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	int64_t left;
	struct pollfd pfd;

	if (s->kind == OUT_STREAM) {
		fflush(s->fp);
		return;
	}
	while (out_pump(s) > 0 && (left = deadline - clk_mono_ms()) > 0) {
		if (s->fd < 0) {
			poll(NULL, 0, left < OUT_DRAIN_RETRY_MS ? (int)left
								: OUT_DRAIN_RETRY_MS);
			continue;
		}
		pfd = (struct pollfd){ .fd = s->fd, .events = POLLOUT };
		/* POLLOUT on a connected AF_UNIX datagram socket waits for
		 * room in the peer's receive queue. */
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
			return;
	}
}

int out_pollfd(const struct out_sink *s)
{
	if (s->kind == OUT_STREAM || s->qlen == 0)
		return -1;
	return s->fd;
}

void out_stats(const struct out_sink *s, struct out_stats *st)
{
	*st = s->st;
	st->queued = s->qlen;
}

int out_error(const struct out_sink *s, struct kme_err *err)
{
	if (s->kind != OUT_STREAM || s->werr == 0)
		return 0;
	return kme_errnof(err, s->werr, "%s: write", s->name);
}

void out_close(struct out_sink *s)
{
	if (s == NULL)
		return;
	if (s->kind == OUT_SYSLOG) {
		while (s->qlen > 0)
			q_pop(s);
		sink_disconnect(s);
	}
	free(s->q);
	free(s->scratch);
	free(s);
}

int out_close_stream(FILE *fp, const char *name, struct kme_err *err)
{
	bool lost = ferror(fp) != 0;
	int ferr = 0;

	errno = 0;
	if (fflush(fp) == EOF)
		ferr = errno != 0 ? errno : EIO;
	if (fclose(fp) == EOF && ferr == 0 && !lost)
		return kme_errnof(err, errno, "%s: close", name);
	if (ferr != 0)
		return kme_errnof(err, ferr, "%s: write", name);
	if (lost)
		return kme_errf(err, "%s: write: an earlier write failed", name);
	return 0;
}
