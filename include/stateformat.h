/* stateformat.h - the state file's bytes: a term table to JSON and back,
 * without I/O (statefile.c does the files).
 *
 * Format (format_version 3), written oldest-touched term first, so that
 * loading in file order restores the eviction order:
 *   {"format":"audisp-kmod-enum-state","format_version":3,"rule_id":"...",
 *    "rule_version":"211","fields":["process.executable",...],
 *    "window":1209600000,"saved_at":<unix ms>,
 *    "terms":[{"v":["/usr/sbin/lsmod",""],"first":T,"last":T,"count":N},...]}
 * Every time is in milliseconds since the epoch (window: milliseconds).
 * format_version says the resolution: files of format_version 1, written
 * before, hold the same document in whole seconds and still load (each time
 * becomes S * 1000, the start of its second: a window that ends early can
 * only make a repeat alert, never hide one). A program that knows only
 * version 1 keeps a version 2 file aside as another format (.old), never
 * misreading milliseconds as seconds; one that knows only 1 and 2 keeps a
 * version 3 file aside.
 * A value that is not plain text (jsonw_is_text: well-formed UTF-8 without
 * control bytes) is written as {"hex":"..."}. An unknown value (newterms.h)
 * is written "", as the alerts write it; it is read from "" and from the
 * null that versions 1 and 2 wrote for it.
 * Strings are written by jsonw_str. Identity keys (format, format_version,
 * rule_id, rule_version, fields) precede "terms", so that a file of
 * another identity is recognised before any term is read.
 *
 * Reading uses yajl's event parser and a small state machine: memory is
 * bounded by the table (terms beyond max_terms evict the oldest) plus one
 * term (TT_KEY_MAX) and yajl's token buffer.
 */
#ifndef KME_STATEFORMAT_H
#define KME_STATEFORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "cfg.h"
#include "err.h"
#include "termtab.h"

#define STF_ID_SHOW 96            /* bytes of a foreign identity shown */

/* Whose history a file holds. Borrowed strings. */
struct stf_identity {
	const char *rule_id, *rule_version;
	const enum cfg_term_field *fields;
	size_t nfields;
	int64_t window;               /* written for information only */
};

/* ---- writing ------------------------------------------------------------ */

struct stf_writer {
	const struct stf_identity *id;
	const struct tt_table *tt;
	struct tt_iter it;
	int64_t saved_at;
	int stage;
	bool first;
};

void stf_writer_init(struct stf_writer *w, const struct stf_identity *id,
		     const struct tt_table *tt, int64_t saved_at);

/* Append the next part of the file to b, at least `chunk` bytes unless the
 * end comes first. Returns 1 when more follows, 0 when the file is
 * complete, -1 when b's bound is reached or on ENOMEM. The table must not
 * change until the writer is done. */
int stf_writer_next(struct stf_writer *w, struct kme_buf *b, size_t chunk);

/* ---- reading ------------------------------------------------------------ */

enum stf_verdict {
	STF_OK = 0,       /* our state: the terms are in the table */
	STF_BAD,          /* not state at all (or damaged): see why */
	STF_OTHER,        /* valid state of another identity or format */
	STF_NOMEM,
};

struct stf_result {
	enum stf_verdict verdict;
	char why[160];                    /* STF_BAD: the first reason */
	/* STF_OTHER: what the file says it is (printable, bounded). */
	char rule_id[STF_ID_SHOW], rule_version[STF_ID_SHOW];
	char fields[512];
	size_t loaded;                    /* terms read */
};

struct stf_reader;

/* A reader filling tt (empty, with id's field count) from a file of
 * identity id. NULL with err on ENOMEM. */
struct stf_reader *stf_reader_new(const struct stf_identity *id,
				  struct tt_table *tt, struct kme_err *err);
/* Feed the next bytes. Returns 0 to go on, 1 when the verdict is known
 * (the rest need not be read). */
int stf_reader_feed(struct stf_reader *r, const void *p, size_t len);
/* Mark the input bad for a reason found outside the bytes (too large). */
void stf_reader_fail(struct stf_reader *r, const char *why);
/* End of input: the verdict. Frees r. On anything but STF_OK, tt may hold
 * some terms: the caller discards it. */
void stf_reader_finish(struct stf_reader *r, struct stf_result *res);

#endif
