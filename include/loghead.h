/* loghead.h - what one line of an audit log is, from its first bytes.
 *
 * Logs are handed over in several forms, all line by line:
 *   - auditd's own file, RAW or ENRICHED (also `ausearch --raw` and
 *     `ausearch --format raw`): "[node=N ]type=T msg=audit(SEC.MSEC:SERIAL): ";
 *   - ausearch's default output: the same records, each event after a
 *     "----" line and a "time->Thu Nov 26 21:46:27 2026" line;
 *   - ausearch -i (`--format interpret`): "[node=N ]type=T
 *     msg=audit(11/26/26 21:46:27.581:2069) : " and interpreted fields, the
 *     stamp in the local time of the machine that printed it;
 *   - `ausearch --format text` ("At 21:46:27 11/26/26 root successfully
 *     executed ...") and `--format csv` (a "NODE,EVENT,DATE,TIME,..."
 *     header line): summaries that keep none of the fields a decision needs.
 * lh_parse names the form of a line and, for a record, where its parts are.
 * It allocates nothing; O(header length). The record header is the one the
 * record filter (recfilter.h) requires of a record.
 */
#ifndef KME_LOGHEAD_H
#define KME_LOGHEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kme.h"

enum lh_kind {
	LH_OTHER = 0,  /* none of the forms: not an audit record */
	LH_RAW,        /* a raw (or ENRICHED) record */
	LH_INTERP,     /* an ausearch -i record */
	LH_SEPARATOR,  /* "----": ausearch's line before each event */
	LH_TIMELINE,   /* "time->...": ausearch's default form, after "----" */
	LH_TEXT,       /* an ausearch --format text line */
	LH_CSV,        /* the header line of ausearch --format csv */
};

/* The largest stamp a raw record may carry, in seconds: beyond it the line
 * is no record (LH_OTHER), for the record filter too (recfilter.h), so that
 * sec * 1000 + msec and differences of such times never overflow. */
#define LH_MAX_SEC (INT64_MAX / 2 / 1000)

struct lh_head {
	enum lh_kind kind;
	struct kme_str node;   /* node= name; absent: none */
	struct kme_str type;   /* "SYSCALL", ... */
	int64_t sec;           /* LH_RAW: the stamp */
	uint32_t msec;         /* LH_RAW and LH_INTERP */
	struct kme_str local;  /* LH_INTERP: "11/26/26 21:46:27", local time */
	uint64_t serial;
	size_t body;           /* offset of the first field (records) */
};

/* Whether the n bytes of lit begin at p (end: the line's end). */
static inline bool lh_starts(const char *p, const char *end, const char *lit,
			     size_t n)
{
	return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

/* Decimal digits at *pp (at most 19) into *out, *pp moved past them; false
 * (nothing moved) when there is none. Bounded by end: a line is not
 * NUL-terminated. Shared with the record filter's header parse. */
static inline bool lh_digits(const char **pp, const char *end, uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;
	int n = 0;

	while (p < end && *p >= '0' && *p <= '9' && n < 19) {
		v = v * 10 + (uint64_t)(*p - '0');
		p++;
		n++;
	}
	if (n == 0)
		return false;
	*pp = p;
	*out = v;
	return true;
}

/* The form of line[0..len) (no '\n'); for a record, *h says where its
 * parts are (borrowed from line). */
enum lh_kind lh_parse(const char *line, size_t len, struct lh_head *h);

/* A name for the form: "raw record", "ausearch -i record", ... */
const char *lh_kind_name(enum lh_kind k);

#endif
