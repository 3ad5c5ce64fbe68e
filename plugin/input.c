/* input.c - a replay input, decompressed by its magic bytes (see input.h).
 *
 * Each compressed format is one row of `decoders`: its magic, and how to
 * start, run and end its library's streaming decoder. The loop that feeds a
 * decoder, notices a stream cut short and starts the next concatenated
 * stream is written once, in in_read.
 */
#include <bzlib.h>
#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "fdio.h"
#include "input.h"

/* What one decoder step did. */
enum step {
	STEP_OK,    /* consumed or produced something, stream continues */
	STEP_END,   /* the stream ended (everything of it handed out) */
	STEP_ERROR, /* corrupt data: err filled with the library's reason */
	STEP_CUT,   /* the input ended inside a stream */
};

struct in_source {
	int fd;
	bool own_fd;
	bool eof;            /* read(2) returned 0 */
	bool failed;         /* an error was returned: stays failed */
	char pending[KME_ERR_MAX]; /* an error met with bytes still to hand
				      out: returned by the next read */
	bool in_stream;      /* inside a compressed stream (not between) */
	enum in_format fmt;
	const char *name;
	int64_t size;
	uint64_t consumed;   /* bytes read from fd */
	uint64_t produced;   /* content bytes handed out */
	unsigned char *in;   /* compressed bytes (or the sniffed plain head) */
	size_t in_pos, in_len;
	union {
		z_stream z;
		lzma_stream x;
		ZSTD_DStream *zs;
		bz_stream b;
	} d;
	bool d_live;         /* d holds a started decoder */
};

/* --- the decoders ---------------------------------------------------------- */

static int gz_start(struct in_source *s, struct kme_err *err)
{
	memset(&s->d.z, 0, sizeof(s->d.z));
	/* 15 + 16: gzip wrapper only, the largest window. */
	if (inflateInit2(&s->d.z, 15 + 16) != Z_OK)
		return kme_errf(err, "%s: gzip: cannot start the decoder", s->name);
	return 0;
}

static enum step gz_step(struct in_source *s, char *out, size_t size,
			 size_t *made, struct kme_err *err)
{
	z_stream *z = &s->d.z;
	int rc;

	z->next_in = s->in + s->in_pos;
	z->avail_in = (uInt)(s->in_len - s->in_pos);
	z->next_out = (Bytef *)out;
	z->avail_out = (uInt)size;
	rc = inflate(z, Z_NO_FLUSH);
	s->in_pos = s->in_len - z->avail_in;
	*made = size - z->avail_out;
	if (rc == Z_STREAM_END) {
		inflateReset(z);
		return STEP_END;
	}
	if (rc == Z_OK || rc == Z_BUF_ERROR)
		return STEP_OK;
	kme_errf(err, "%s", z->msg ? z->msg : "inflate failed");
	return STEP_ERROR;
}

static void gz_end(struct in_source *s)
{
	inflateEnd(&s->d.z);
}

static int xz_start(struct in_source *s, struct kme_err *err)
{
	s->d.x = (lzma_stream)LZMA_STREAM_INIT;
	/* CONCATENATED: xz streams back to back are one input, as xz -dc reads
	 * them; the decoder then needs LZMA_FINISH to say where input ends. */
	if (lzma_stream_decoder(&s->d.x, IN_XZ_MEMLIMIT, LZMA_CONCATENATED) != LZMA_OK)
		return kme_errf(err, "%s: xz: cannot start the decoder", s->name);
	return 0;
}

static const char *xz_reason(lzma_ret rc)
{
	switch (rc) {
	case LZMA_MEMLIMIT_ERROR:
		return "the stream needs more memory than the 256 MiB allowed";
	case LZMA_FORMAT_ERROR:
		return "not xz data";
	case LZMA_OPTIONS_ERROR:
		return "unsupported options";
	case LZMA_DATA_ERROR:
		return "data is corrupt";
	default:
		return "decoder error";
	}
}

static enum step xz_step(struct in_source *s, char *out, size_t size,
			 size_t *made, struct kme_err *err)
{
	lzma_stream *x = &s->d.x;
	lzma_ret rc;

	x->next_in = s->in + s->in_pos;
	x->avail_in = s->in_len - s->in_pos;
	x->next_out = (uint8_t *)out;
	x->avail_out = size;
	rc = lzma_code(x, s->eof && x->avail_in == 0 ? LZMA_FINISH : LZMA_RUN);
	s->in_pos = s->in_len - x->avail_in;
	*made = size - x->avail_out;
	if (rc == LZMA_STREAM_END)
		return STEP_END;
	if (rc == LZMA_OK || (rc == LZMA_BUF_ERROR && !s->eof))
		return STEP_OK;
	if (rc == LZMA_BUF_ERROR)
		return STEP_CUT;
	kme_errf(err, "%s", xz_reason(rc));
	return STEP_ERROR;
}

static void xz_end(struct in_source *s)
{
	lzma_end(&s->d.x);
}

static int zs_start(struct in_source *s, struct kme_err *err)
{
	s->d.zs = ZSTD_createDStream();
	if (s->d.zs == NULL ||
	    ZSTD_isError(ZSTD_DCtx_setParameter(s->d.zs, ZSTD_d_windowLogMax,
						IN_ZSTD_WINDOWLOG))) {
		ZSTD_freeDStream(s->d.zs);
		return kme_errf(err, "%s: zstd: cannot start the decoder", s->name);
	}
	return 0;
}

static enum step zs_step(struct in_source *s, char *out, size_t size,
			 size_t *made, struct kme_err *err)
{
	ZSTD_inBuffer in = { s->in + s->in_pos, s->in_len - s->in_pos, 0 };
	ZSTD_outBuffer o = { out, size, 0 };
	size_t rc = ZSTD_decompressStream(s->d.zs, &o, &in);

	s->in_pos += in.pos;
	*made = o.pos;
	if (ZSTD_isError(rc)) {
		kme_errf(err, "%s", ZSTD_getErrorName(rc));
		return STEP_ERROR;
	}
	/* 0: a frame is decoded and flushed whole; the next bytes, if any,
	 * begin another frame. */
	return rc == 0 ? STEP_END : STEP_OK;
}

static void zs_end(struct in_source *s)
{
	ZSTD_freeDStream(s->d.zs);
}

static int bz_start(struct in_source *s, struct kme_err *err)
{
	memset(&s->d.b, 0, sizeof(s->d.b));
	if (BZ2_bzDecompressInit(&s->d.b, 0, 0) != BZ_OK)
		return kme_errf(err, "%s: bzip2: cannot start the decoder", s->name);
	return 0;
}

static enum step bz_step(struct in_source *s, char *out, size_t size,
			 size_t *made, struct kme_err *err)
{
	bz_stream *b = &s->d.b;
	int rc;

	b->next_in = (char *)s->in + s->in_pos;
	b->avail_in = (unsigned)(s->in_len - s->in_pos);
	b->next_out = out;
	b->avail_out = (unsigned)size;
	rc = BZ2_bzDecompress(b);
	s->in_pos = s->in_len - b->avail_in;
	*made = size - b->avail_out;
	if (rc == BZ_STREAM_END) {
		/* libbz2 cannot reset: a next stream gets a new decoder. */
		BZ2_bzDecompressEnd(b);
		if (BZ2_bzDecompressInit(b, 0, 0) != BZ_OK) {
			kme_errf(err, "cannot restart the decoder");
			return STEP_ERROR;
		}
		return STEP_END;
	}
	if (rc == BZ_OK)
		return STEP_OK;
	kme_errf(err, rc == BZ_MEM_ERROR ? "out of memory" : "data is corrupt");
	return STEP_ERROR;
}

static void bz_end(struct in_source *s)
{
	BZ2_bzDecompressEnd(&s->d.b);
}

static const struct decoder {
	const char *name;
	unsigned char magic[IN_MAGIC_MAX];
	size_t magic_len;
	int (*start)(struct in_source *, struct kme_err *);
	enum step (*step)(struct in_source *, char *, size_t, size_t *,
			  struct kme_err *);
	void (*end)(struct in_source *);
	/* xz's decoder reads concatenated streams itself (and says when the
	 * input ends inside one: STEP_CUT): its stream end is the input's. */
	bool whole_input;
} decoders[IN__COUNT] = {
	[IN_PLAIN] = { "plain", { 0 }, 0, NULL, NULL, NULL, false },
	[IN_GZIP] = { "gzip", { 0x1f, 0x8b }, 2, gz_start, gz_step, gz_end, false },
	[IN_XZ] = { "xz", { 0xfd, '7', 'z', 'X', 'Z', 0x00 }, 6, xz_start, xz_step,
		    xz_end, true },
	[IN_ZSTD] = { "zstd", { 0x28, 0xb5, 0x2f, 0xfd }, 4, zs_start, zs_step,
		      zs_end, false },
	[IN_BZIP2] = { "bzip2", { 'B', 'Z', 'h' }, 3, bz_start, bz_step, bz_end,
		       false },
};

enum in_format in_sniff(const unsigned char *p, size_t n)
{
	int f;

	for (f = IN_GZIP; f < IN__COUNT; f++) {
		const struct decoder *d = &decoders[f];

		if (n >= d->magic_len && memcmp(p, d->magic, d->magic_len) == 0 &&
		    (f != IN_BZIP2 || (n > 3 && p[3] >= '1' && p[3] <= '9')))
			return (enum in_format)f;
	}
	return IN_PLAIN;
}

const char *in_format_name(enum in_format f)
{
	return f >= 0 && f < IN__COUNT ? decoders[f].name : "?";
}

/* --- reading --------------------------------------------------------------- */

/* One read(2) of fd into p (fdio.h: EINTR retried): bytes, 0 at the end,
 * -1. */
static ssize_t read_fd(struct in_source *s, void *p, size_t size,
		       struct kme_err *err)
{
	ssize_t n = fdio_read(s->fd, p, size);

	if (n < 0) {
		s->failed = true;
		return kme_errnof(err, errno, "%s: read", s->name);
	}
	if (n == 0)
		s->eof = true;
	s->consumed += (uint64_t)n;
	return n;
}

/* Refill the compressed buffer once it is used up. */
static int refill(struct in_source *s, struct kme_err *err)
{
	ssize_t n;

	if (s->in_pos < s->in_len || s->eof)
		return 0;
	n = read_fd(s, s->in, IN_BUF, err);
	if (n < 0)
		return -1;
	s->in_pos = 0;
	s->in_len = (size_t)n;
	return 0;
}

static ssize_t fail(struct in_source *s, struct kme_err *err, const char *what)
{
	char why[KME_ERR_MAX];

	snprintf(why, sizeof(why), "%s", err ? err->msg : "");
	s->failed = true;
	return kme_errf(err, "%s: corrupt %s data at compressed byte %llu: %s",
			s->name, decoders[s->fmt].name,
			(unsigned long long)(s->consumed - (s->in_len - s->in_pos)),
			what ? what : why);
}

/* Between streams: more input must begin another stream of the format. */
static ssize_t next_stream(struct in_source *s, struct kme_err *err)
{
	if (s->in_len - s->in_pos < decoders[s->fmt].magic_len && !s->eof) {
		/* A magic split over two reads: keep the tail, read more. */
		size_t keep = s->in_len - s->in_pos;
		ssize_t n;

		memmove(s->in, s->in + s->in_pos, keep);
		n = read_fd(s, s->in + keep, IN_BUF - keep, err);
		if (n < 0)
			return -1;
		s->in_pos = 0;
		s->in_len = keep + (size_t)n;
	}
	if (s->in_pos == s->in_len)
		return 0;
	if (in_sniff(s->in + s->in_pos, s->in_len - s->in_pos) != s->fmt)
		return fail(s, err, "bytes after the end of the last stream");
	s->in_stream = true;
	return 1;
}

static ssize_t truncated(struct in_source *s, struct kme_err *err)
{
	s->failed = true;
	return kme_errf(err, "%s: truncated %s data: the input ends inside a "
			"compressed stream (after %llu compressed bytes, %llu "
			"bytes decompressed)", s->name, decoders[s->fmt].name,
			(unsigned long long)s->consumed,
			(unsigned long long)s->produced);
}

/* Feed the decoder until it hands out bytes, its last stream ends, or the
 * input ends before the stream does (a decoder that can make no progress on
 * no input: truncated). */
static ssize_t read_compressed(struct in_source *s, char *buf, size_t size,
			       struct kme_err *err)
{
	const struct decoder *d = &decoders[s->fmt];
	enum step st;
	size_t made;
	ssize_t rc;
	bool dry;

	for (;;) {
		if (!s->in_stream) {
			if (d->whole_input || (rc = next_stream(s, err)) == 0)
				return 0;
			if (rc < 0)
				return -1;
		}
		if (refill(s, err) < 0)
			return -1;
		dry = s->eof && s->in_pos == s->in_len;
		made = 0;
		st = d->step(s, buf, size, &made, err);
		if (st == STEP_ERROR && made == 0)
			return fail(s, err, NULL);
		if (st == STEP_ERROR) {
			/* The bytes made before it go out first. */
			fail(s, err, NULL);
			snprintf(s->pending, sizeof(s->pending), "%s",
				 err ? err->msg : "corrupt data");
		}
		if (st == STEP_CUT)
			return truncated(s, err);
		if (st == STEP_END)
			s->in_stream = false;
		if (made > 0) {
			s->produced += made;
			return (ssize_t)made;
		}
		if (st == STEP_OK && dry)
			return truncated(s, err);
	}
}

ssize_t in_read(struct in_source *s, char *buf, size_t size,
		struct kme_err *err)
{
	ssize_t n;

	if (s->failed && s->pending[0] != '\0') {
		kme_errf(err, "%s", s->pending);
		s->pending[0] = '\0';
		return -1;
	}
	if (s->failed)
		return kme_errf(err, "%s: read after an error", s->name);
	if (size == 0)
		return 0;
	if (s->fmt != IN_PLAIN)
		return read_compressed(s, buf, size, err);
	if (s->in_pos < s->in_len) {
		/* The sniffed head of a plain input goes first. */
		n = (ssize_t)(s->in_len - s->in_pos < size ? s->in_len - s->in_pos
							    : size);
		memcpy(buf, s->in + s->in_pos, (size_t)n);
		s->in_pos += (size_t)n;
	} else if (s->eof) {
		return 0;
	} else if ((n = read_fd(s, buf, size, err)) < 0) {
		return -1;
	}
	s->produced += (uint64_t)n;
	return n;
}

/* --- opening --------------------------------------------------------------- */

/* Read until IN_MAGIC_MAX bytes are there or the input ends. */
static int sniff(struct in_source *s, struct kme_err *err)
{
	while (s->in_len < IN_MAGIC_MAX && !s->eof) {
		ssize_t n = read_fd(s, s->in + s->in_len, IN_BUF - s->in_len, err);

		if (n < 0)
			return -1;
		s->in_len += (size_t)n;
	}
	s->fmt = in_sniff(s->in, s->in_len);
	if (s->fmt == IN_PLAIN)
		return 0;
	if (decoders[s->fmt].start(s, err) < 0)
		return -1;
	s->d_live = true;
	s->in_stream = true;
	return 0;
}

struct in_source *in_open_fd(int fd, const char *name, struct kme_err *err)
{
	struct in_source *s = calloc(1, sizeof(*s));
	struct stat st;

	if (s == NULL || (s->in = malloc(IN_BUF)) == NULL) {
		free(s);
		kme_errf(err, "%s: out of memory", name);
		return NULL;
	}
	s->fd = fd;
	s->name = name;
	s->size = -1;
	if (fstat(fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			kme_errf(err, "%s: is a directory", name);
			in_close(s);
			return NULL;
		}
		if (S_ISREG(st.st_mode))
			s->size = st.st_size;
	}
	if (sniff(s, err) < 0) {
		in_close(s);
		return NULL;
	}
	return s;
}

struct in_source *in_open(const char *path, struct kme_err *err)
{
	struct in_source *s;
	int fd;

	if (strcmp(path, "-") == 0)
		return in_open_fd(STDIN_FILENO, "stdin", err);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		kme_errnof(err, errno, "%s: open", path);
		return NULL;
	}
	s = in_open_fd(fd, path, err);
	if (s == NULL)
		close(fd);
	else
		s->own_fd = true;
	return s;
}

enum in_format in_format(const struct in_source *s)
{
	return s->fmt;
}

const char *in_name(const struct in_source *s)
{
	return s->name;
}

uint64_t in_consumed(const struct in_source *s)
{
	return s->consumed;
}

int64_t in_size(const struct in_source *s)
{
	return s->size;
}

uint64_t in_produced(const struct in_source *s)
{
	return s->produced;
}

void in_close(struct in_source *s)
{
	if (s == NULL)
		return;
	if (s->d_live)
		decoders[s->fmt].end(s);
	if (s->own_fd)
		close(s->fd);
	free(s->in);
	free(s);
}
