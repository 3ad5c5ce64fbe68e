/* reader.c - split input into bounded records (see reader.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdio.h"
#include "reader.h"

#define RD_READ_SIZE (64 * 1024)

struct rd_reader {
	char *buf;          /* pending partial line, then room for one read */
	size_t len;         /* bytes of the pending partial line */
	size_t max_line;
	int skipping;       /* discarding the rest of an over-long line */
	uint64_t lineno;    /* lines begun since the last rd_finish */
	rd_skip_fn skip;    /* told of each discarded line, when set */
	void *skip_arg;
	struct rd_stats st;
};

struct rd_reader *rd_new(size_t max_line, struct kme_err *err)
{
	struct rd_reader *r = calloc(1, sizeof(*r));

	if (max_line == 0)
		max_line = RD_DEFAULT_MAX_LINE;
	if (r == NULL || (r->buf = malloc(max_line + RD_READ_SIZE)) == NULL) {
		free(r);
		kme_errnof(err, ENOMEM, "reader: allocating %zu bytes", max_line);
		return NULL;
	}
	r->max_line = max_line;
	return r;
}

void rd_free(struct rd_reader *r)
{
	if (r) {
		free(r->buf);
		free(r);
	}
}

static void deliver(struct rd_reader *r, const char *line, size_t len,
		    rd_line_fn fn, void *arg)
{
	const char *nul = memchr(line, '\0', len);

	/* auditd 4.1+ sends a record it cut at 8969 bytes with the C string's
	 * NUL before the newline: keep the text, as 4.0 and earlier send it. */
	if (nul == line + len - 1)
		len--;
	else if (nul != NULL) {
		r->st.bad_bytes++;
		if (r->skip)
			r->skip(r->skip_arg, RD_SKIP_NUL, r->lineno, line, len);
		return;
	}
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0)
		return;
	r->st.lines++;
	fn(arg, line, len);
}

static void too_long(struct rd_reader *r, const char *start, size_t len,
		     uint64_t lineno)
{
	r->st.too_long++;
	if (r->skip)
		r->skip(r->skip_arg, RD_SKIP_TOO_LONG, lineno, start, len);
}

/* Scan the `n` new bytes at r->buf + r->len; deliver complete lines and keep
 * the unterminated tail at the start of buf. */
static void scan(struct rd_reader *r, size_t n, rd_line_fn fn, void *arg)
{
	char *start = r->buf;
	char *end = r->buf + r->len + n;
	char *p = r->buf + r->len;
	char *nl;

	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		r->lineno++;
		if (r->skipping)
			r->skipping = 0;
		else if ((size_t)(nl - start) > r->max_line)
			too_long(r, start, (size_t)(nl - start), r->lineno);
		else
			deliver(r, start, (size_t)(nl - start), fn, arg);
		start = p = nl + 1;
	}
	r->len = (size_t)(end - start);
	if (r->skipping) {
		r->len = 0;
	} else if (r->len > r->max_line) {
		too_long(r, start, r->len, r->lineno + 1);
		r->skipping = 1;
		r->len = 0;
	} else if (start != r->buf && r->len > 0) {
		memmove(r->buf, start, r->len);
	}
}

enum rd_status rd_read(struct rd_reader *r, int fd, rd_line_fn fn, void *arg,
		       struct kme_err *err)
{
	ssize_t n;

	n = fdio_read(fd, r->buf + r->len, RD_READ_SIZE);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return RD_AGAIN;
		kme_errnof(err, errno, "input: read");
		return RD_ERROR;
	}
	if (n == 0)
		return RD_EOF;
	rd_commit(r, (size_t)n, fn, arg);
	return RD_OK;
}

void rd_push(struct rd_reader *r, const char *data, size_t len, rd_line_fn fn,
	     void *arg)
{
	while (len > 0) {
		size_t n = len < RD_READ_SIZE ? len : RD_READ_SIZE;

		memcpy(r->buf + r->len, data, n);
		r->st.bytes += n;
		scan(r, n, fn, arg);
		data += n;
		len -= n;
	}
}

void rd_finish(struct rd_reader *r, rd_line_fn fn, void *arg)
{
	if (!r->skipping && r->len > 0) {
		r->lineno++;
		deliver(r, r->buf, r->len, fn, arg);
	}
	r->len = 0;
	r->skipping = 0;
	r->lineno = 0;
}

char *rd_room(struct rd_reader *r, size_t *size)
{
	*size = RD_READ_SIZE;
	return r->buf + r->len;
}

void rd_commit(struct rd_reader *r, size_t n, rd_line_fn fn, void *arg)
{
	r->st.bytes += n;
	scan(r, n, fn, arg);
}

void rd_on_skip(struct rd_reader *r, rd_skip_fn fn, void *arg)
{
	r->skip = fn;
	r->skip_arg = arg;
}

uint64_t rd_lineno(const struct rd_reader *r)
{
	return r->lineno;
}

void rd_stats(const struct rd_reader *r, struct rd_stats *out)
{
	*out = r->st;
}
