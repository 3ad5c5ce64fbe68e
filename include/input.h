/* input.h - one replay input as bytes: a file or stdin, plain or compressed.
 *
 * The format is recognised by the first bytes of the content (magic), never
 * by the name: gzip (1f 8b), xz (fd 37 7a 58 5a 00), zstd (28 b5 2f fd) and
 * bzip2 ("BZh1".."BZh9") are decompressed through zlib, liblzma, libzstd and
 * libbz2; anything else is read as it is (plain). stdin is sniffed the same
 * way. Concatenated streams (gzip members, xz streams, zstd frames, bzip2
 * streams: `cat a.gz b.gz`) are read to the end, as `gzip -dc` does.
 *
 * Errors are values. Every byte handed out before a stream cut short is
 * good; corrupt data may give wrong bytes before the library notices (gzip
 * and bzip2 check a block or stream when it ends). The errors:
 *   - the input ends inside a compressed stream (a copy cut short): "FILE:
 *     truncated gzip data: the input ends inside a compressed stream (after
 *     N compressed bytes, M bytes decompressed)";
 *   - corrupt compressed data, or bytes after the last stream that begin no
 *     other: "FILE: corrupt xz data at compressed byte N: WHAT";
 *   - a read error: "FILE: read: strerror".
 * After an error in_read keeps returning -1.
 *
 * Memory: one buffer of IN_BUF bytes, plus the decoder's own state, bounded:
 * an xz stream that needs more than IN_XZ_MEMLIMIT bytes (xz -9 needs 65 MiB)
 * and a zstd frame whose window exceeds 2^IN_ZSTD_WINDOWLOG bytes are refused
 * as corrupt, with the library's reason. Plain input is read straight into the
 * caller's buffer (no copy after the first IN_MAGIC_MAX bytes). Not
 * thread-safe; one source per input.
 */
#ifndef KME_INPUT_H
#define KME_INPUT_H

#include <stdint.h>
#include <sys/types.h>

#include "err.h"

#define IN_BUF (64 * 1024)
#define IN_MAGIC_MAX 6
#define IN_XZ_MEMLIMIT (256ULL * 1024 * 1024)
#define IN_ZSTD_WINDOWLOG 27

enum in_format { IN_PLAIN = 0, IN_GZIP, IN_XZ, IN_ZSTD, IN_BZIP2, IN__COUNT };

struct in_source;

/* Open path ("-": stdin, which is not closed by in_close) and recognise its
 * format: this reads up to IN_MAGIC_MAX bytes (on a pipe it waits for them or
 * for the end). NULL with err set ("FILE: open: ...", "FILE: is a
 * directory", a decoder that cannot start). */
struct in_source *in_open(const char *path, struct kme_err *err);

/* The same on an open descriptor (borrowed: not closed); name is used in
 * messages and must outlive the source. */
struct in_source *in_open_fd(int fd, const char *name, struct kme_err *err);

/* Up to size bytes of content into buf: > 0 bytes, 0 at the end of the
 * input, -1 with err set (see above). */
ssize_t in_read(struct in_source *s, char *buf, size_t size,
		struct kme_err *err);

enum in_format in_format(const struct in_source *s);
const char *in_format_name(enum in_format f);   /* "plain", "gzip", ... */
const char *in_name(const struct in_source *s); /* "-" reads as "stdin" */

/* Bytes read from the file so far (compressed bytes for a compressed
 * input), and the file's size: -1 when unknown (a pipe, a terminal). For
 * progress; O(1). */
uint64_t in_consumed(const struct in_source *s);
int64_t in_size(const struct in_source *s);
/* Content bytes handed out so far. */
uint64_t in_produced(const struct in_source *s);

void in_close(struct in_source *s);

/* The format the first n bytes of a content announce (IN_PLAIN if none). */
enum in_format in_sniff(const unsigned char *p, size_t n);

#endif
