/* progress.h - one line on stderr saying how far a long replay has come.
 *
 *   replay  20% 1.2/6.2 MiB  208k records 277k/s 1.7 MB/s  7 alerts  0:03 left
 *
 * Bytes are those read from the files (compressed bytes for a compressed
 * file), of the sum of the inputs' sizes when every size is known (else no
 * percentage and no time left). Rates are averages since the start.
 *
 * On a terminal the line is redrawn in place (carriage return, erase to the
 * end of the line) at most every PG_TTY_MS, with the cursor left at its
 * start, so that a line written over it (an alert on the same terminal)
 * replaces it; pg_clear erases it before other messages. Elsewhere (a pipe
 * or a file, when asked for) it is one line every PG_PIPE_MS. pg_due reads
 * the monotonic clock: call it once per block read, not per record.
 */
#ifndef KME_PROGRESS_H
#define KME_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define PG_TTY_MS 250
#define PG_PIPE_MS 1000

struct pg_figures {
	uint64_t bytes;      /* read so far, of all inputs */
	int64_t total;       /* all inputs' bytes; -1 unknown */
	uint64_t records;
	uint64_t alerts;
};

struct pg_state {
	FILE *fp;
	bool tty;
	bool drawn;          /* a line is on the terminal now */
	int64_t start_ms, next_ms;
	char line[160];
};

/* Start (the clock starts now). fp: where to draw; tty: whether fp is a
 * terminal. */
void pg_start(struct pg_state *p, FILE *fp, bool tty);

/* Whether a line is due now (and, when it is, the next one is scheduled). */
bool pg_due(struct pg_state *p);

/* Draw the line for f (call when pg_due said so). */
void pg_draw(struct pg_state *p, const struct pg_figures *f);

/* Erase the line, if drawn (before writing anything else to fp). */
void pg_clear(struct pg_state *p);

/* The text of the line for f after elapsed_ms (what pg_draw writes); for
 * tests. */
const char *pg_format(struct pg_state *p, const struct pg_figures *f,
		      int64_t elapsed_ms);

#endif
