/* reader.h - bytes from auditd (or a file) to whole records, one per line.
 *
 * auditd's string format is one record per '\n'-terminated line, at most 8970
 * bytes (more with ENRICHED). The reader never lets input decide its memory:
 * a line longer than max_line is discarded whole (counted in too_long) and
 * reading resumes at the next '\n'; a line holding a NUL byte is discarded
 * (counted in bad_bytes), since auparse works on C strings -- except a NUL
 * that is the line's last byte: auditd 4.1+ sends each record it cut at 8969
 * bytes (MAX_AUDIT_MESSAGE_LENGTH - 1) as that text, its terminating NUL and
 * '\n', and the text before the NUL is delivered.
 *
 * Owns one buffer of max_line + read-size bytes, allocated at rd_new; reading
 * allocates nothing after that. Lines handed to the callback are borrowed and
 * valid only during the call; they exclude the '\n'.
 */
#ifndef KME_READER_H
#define KME_READER_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define RD_DEFAULT_MAX_LINE (64 * 1024)

typedef void (*rd_line_fn)(void *arg, const char *line, size_t len);

/* Why a line was discarded (rd_on_skip). */
enum rd_skip { RD_SKIP_TOO_LONG, RD_SKIP_NUL };

/* A discarded line: its number (as rd_lineno), and its bytes so far (an
 * over-long line is reported when it first exceeds max_line: at least
 * max_line of its bytes), borrowed for the call. */
typedef void (*rd_skip_fn)(void *arg, enum rd_skip why, uint64_t lineno,
			   const char *line, size_t len);

struct rd_stats {
	uint64_t bytes;
	uint64_t lines;     /* delivered */
	uint64_t too_long;  /* discarded: longer than max_line */
	uint64_t bad_bytes; /* discarded: held a NUL byte before its end */
};

enum rd_status {
	RD_OK = 0,  /* read some bytes (lines delivered) */
	RD_AGAIN,   /* non-blocking fd has nothing now */
	RD_EOF,     /* end of input (pending partial line not yet delivered) */
	RD_ERROR,   /* read error; err is filled */
};

struct rd_reader;

/* NULL on ENOMEM. */
struct rd_reader *rd_new(size_t max_line, struct kme_err *err);
void rd_free(struct rd_reader *r);

/* One read(2) of fd (EINTR retried), then every complete line to fn. */
enum rd_status rd_read(struct rd_reader *r, int fd, rd_line_fn fn, void *arg,
		       struct kme_err *err);

/* Treat data as the next input bytes (tests, fuzzing, in-memory input). */
void rd_push(struct rd_reader *r, const char *data, size_t len, rd_line_fn fn,
	     void *arg);

/* End of input: deliver an unterminated last line, if any, and reset, so the
 * reader can take the next file. */
void rd_finish(struct rd_reader *r, rd_line_fn fn, void *arg);

void rd_stats(const struct rd_reader *r, struct rd_stats *out);

/* Zero-copy input (a decompressor writes straight into the reader): room
 * for the next input bytes (*size of them, valid until the next call), then
 * rd_commit of the n bytes written there (n <= *size), which delivers every
 * completed line as rd_read does. */
char *rd_room(struct rd_reader *r, size_t *size);
void rd_commit(struct rd_reader *r, size_t n, rd_line_fn fn, void *arg);

/* Tell fn of every discarded line from now on (NULL: none). */
void rd_on_skip(struct rd_reader *r, rd_skip_fn fn, void *arg);

/* The number of the line being delivered, inside rd_line_fn (and
 * rd_skip_fn): 1 for the first line since rd_new or the last rd_finish;
 * every '\n' counts, so empty lines count too. */
uint64_t rd_lineno(const struct rd_reader *r);

#endif
