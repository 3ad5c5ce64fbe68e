/* interp.h - ausearch's output back to raw records, before the engine.
 *
 * Two forms of ausearch output (loghead.h) reach the engine through here:
 *   - the default form: raw records, but each event printed after "----"
 *     and "time->..." lines and with its records in reverse order (PROCTITLE
 *     first, SYSCALL last): libauparse would end the event at its first
 *     record (PROCTITLE ends an event), so the order is put back;
 *   - ausearch -i: the same, every record interpreted (interpfield.h says
 *     how each value goes back). Each record becomes the raw record the
 *     kernel wrote, as far as the text allows: the stamp (in the zone of
 *     --tz), arch and syscall numbers, exit, a0..a3, ids, every string
 *     re-encoded; the SYSCALL record gets an ENRICHED tail (0x1D, then
 *     ARCH=, SYSCALL= and the uid/gid names exactly as printed), as auditd's
 *     ENRICHED format carries them, so the alerts name the users the log
 *     named. Only the records a decision reads are rebuilt: SYSCALL, EXECVE,
 *     CWD, PATH (item, name, inode, dev, nametype), PROCTITLE, EOE; other
 *     types (BPRM_FCAPS, USER_*, AVC...) decide nothing and are left out
 *     (counted in `dropped`).
 *
 * Events are grouped by (node, serial) and by the "----" lines; an event
 * whose SYSCALL record comes last (and not first) is handed on reversed.
 *
 * Limits of the interpreted form (what the text lost; counted, never
 * guessed silently): values are separated by spaces and may hold spaces,
 * so a value that contains the text of a later field (" a2=" inside an
 * argument, " exe=" inside comm) splits two ways -- the first split is
 * taken and the record counted in `ambiguous`; a user or group name whose
 * number the log never printed (anything but root, unset and unknown(N))
 * has no uid: the raw record says 4294967295 (unset) and the ENRICHED tail
 * the name (`names_without_id`); PROCTITLE's NUL separators became spaces;
 * a literal "\ooo" (a backslash and three octal digits below 040) reads as
 * the control byte ausearch would have escaped so; names are those of the
 * machine that ran ausearch, which may not be the logging one's.
 *
 * Memory: one event's records are held until the event ends, at most
 * IP_EVENT_MAX bytes (beyond, the event is handed on in the order it came:
 * `oversized`); one record line is at most IP_LINE_MAX bytes once raw.
 */
#ifndef KME_INTERP_H
#define KME_INTERP_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "loghead.h"

#define IP_EVENT_MAX (32 * 1024 * 1024)
#define IP_LINE_MAX (256 * 1024)

/* A raw record for the engine (no '\n'), borrowed for the call; lineno:
 * the input line it came from. */
typedef void (*ip_out_fn)(void *arg, const char *line, size_t len,
			  uint64_t lineno);
/* An input line that gives no record, and why (a static string). */
typedef void (*ip_skip_fn)(void *arg, uint64_t lineno, const char *why,
			   const char *line, size_t len);

struct ip_stats {
	uint64_t events;           /* events handed on */
	uint64_t records;          /* records handed on */
	uint64_t reversed;         /* events put back in order */
	uint64_t translated;       /* ausearch -i records made raw */
	uint64_t dropped;          /* ausearch -i records of other types */
	uint64_t ambiguous;        /* records whose fields split two ways */
	uint64_t ambiguous_times;  /* stamps in a repeated (DST) hour */
	uint64_t names_without_id; /* user/group names with no number */
	uint64_t skipped;          /* lines that gave no record */
	uint64_t oversized;        /* events too large to reorder */
};

struct ip_translator;

/* have_zone: whether ipf_set_zone was called (--tz); without it every
 * ausearch -i record is skipped ("needs --tz"). NULL on ENOMEM. */
struct ip_translator *ip_new(bool have_zone, ip_out_fn out, ip_skip_fn skip,
			     void *arg, struct kme_err *err);
void ip_free(struct ip_translator *t);

/* One line of ausearch output, whose form lh_parse found (h). */
void ip_line(struct ip_translator *t, const char *line, size_t len,
	     const struct lh_head *h, uint64_t lineno);

/* End of an input: the pending event goes out, in order. */
void ip_flush(struct ip_translator *t);

void ip_stats(const struct ip_translator *t, struct ip_stats *out);

#endif
