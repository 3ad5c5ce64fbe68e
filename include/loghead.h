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

#include <stddef.h>
#include <stdint.h>

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

/* The form of line[0..len) (no '\n'); for a record, *h says where its
 * parts are (borrowed from line). */
enum lh_kind lh_parse(const char *line, size_t len, struct lh_head *h);

/* A name for the form: "raw record", "ausearch -i record", ... */
const char *lh_kind_name(enum lh_kind k);

#endif
