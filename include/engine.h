/* engine.h - one pipeline from audit records to alerts, shared by every mode.
 *
 * records -> assemble -> execevent -> proctable -> rule -> newterms -> limit
 * -> alert -> output. Live and replay differ only in their options: live reads
 * /proc for unseen parents and ages events by the clock (eng_clock); replay
 * decides by event time alone.
 *
 * Times are milliseconds: an event's time is sec * 1000 + msec of its audit
 * stamp, for the new-terms store and the rate limit alike.
 *
 * Per exec event, in this order (parent strings are borrowed from the process
 * table and must be used before the table changes):
 *   pid-reuse guard; failed exec -> counted, not a process start; watched
 *   name? -> resolve parent -> rule -> (excluded | new term? -> rate limit ->
 *   alert | suppressed); then the process itself enters the table. The
 *   first rule of the configuration decides (ruleset.h).
 * Per open event (only one that carries a file rule's audit key gets this
 * far: recfilter.h): each file rule that watches its key judges it
 * (filerule.h), with its own history and rate limit; the opener is named
 * from the process table once for all of them.
 * --explain lines (explain.h) and alerts go through the sink.
 *
 * Everything the engine borrows (config, store, alert counter, sink) must
 * outlive it or be swapped in with the setters.
 *
 * Notices that are not alerts (rate-limit reports, a /proc seed that
 * failed) go to the log (log.h). A store that fails a lookup (out of
 * memory, a term too long: newterms.h's contract; a backend's own trouble
 * is decided inside it) makes the event count as new, so it alerts; each
 * failure counts in store_errors, and each distinct message is logged once
 * (at most ENG_STORE_MSGS of them). The rate limit is limit.h's: this
 * process's counter, or the fleet's (opts.rate) while that one answers.
 */
#ifndef KME_ENGINE_H
#define KME_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "cfg.h"
#include "err.h"
#include "limit.h"
#include "newterms.h"
#include "output.h"
#include "reader.h"

enum eng_mode {
	ENG_LIVE = 0,   /* plugin mode: wall clock ages events, /proc fallback */
	ENG_REPLAY,     /* files: event time only */
};

enum eng_action {
	ENG_ALERT = 0,  /* new terms, rate limited (default) */
	ENG_ALL,        /* every match, no new-terms or rate limit (--all) */
	ENG_EXPLAIN,    /* say why, for every exec of a watched program */
	ENG_LEARN,      /* fill the new-terms history, never alert (--learn) */
};

struct eng_opts {
	enum eng_mode mode;
	enum eng_action action;
	const char *procroot;     /* live: "/proc"; NULL: never read /proc */
	const char *hostname;     /* host.name when the record has no node= */
	const char *host_id;      /* live: host.id of local events (machine id);
				     NULL: none */
	const char *local_node;   /* node name of this machine's own records
				     (NULL: only records without node=): see
				     proctable.h for what "local" allows */
	struct out_sink *sink;    /* alert lines, and the lines of
				     ENG_EXPLAIN */
	const struct lim_shared *rate; /* the fleet's alert counter (limit.h;
				     history.h's hist_rate); NULL: this
				     process counts alone */
};

struct eng_counters {
	uint64_t records, events, execs, failed_execs, matches, excluded,
		suppressed, alerts, rate_limited, parse_errors, store_errors,
		unknown_parents, forks, output_errors, opens;
	uint64_t input_max_gap_ms;    /* live: see eng_input_gap */
	uint64_t input_max_stall_ms;  /* live: the same, its own doing */
};

#define ENG_STORE_MSGS 16

struct engine;

/* cfg and store are borrowed. NULL with err set on failure. */
struct engine *eng_new(const struct kme_config *cfg, struct nt_store *store,
		       const struct eng_opts *opts, struct kme_err *err);
void eng_free(struct engine *e);

/* Feed one record line (no '\n'). */
void eng_line(struct engine *e, const char *line, size_t len);

/* eng_line as the reader's callback (rd_line_fn; eng: the engine), for a
 * caller that hands the reader bytes itself (rd_push). */
void eng_feed_line(void *eng, const char *line, size_t len);

/* Read what fd holds now through rd (rd_read) and feed its records; what
 * the reader had to discard counts as parse errors. Returns the reader's
 * status (RD_ERROR with err filled). rd is the caller's, one per input
 * stream. */
enum rd_status eng_read(struct engine *e, struct rd_reader *rd, int fd,
			struct kme_err *err);

/* The end of rd's input: an unterminated last line is still a record
 * (rd_finish). */
void eng_read_end(struct engine *e, struct rd_reader *rd);

/* Records the record filter found no audit header in, so far: a caller
 * feeding one line at a time learns from it whether that line was a record
 * (replay.h names the lines it skipped). O(1). */
uint64_t eng_unparsed(const struct engine *e);

/* Count a record the reader had to discard (too long, NUL byte). */
void eng_count_bad_record(struct engine *e, uint64_t n);

/* The same from the reader's cumulative counters (rd_stats): what was
 * discarded since the previous call is counted. */
void eng_reader_stats(struct engine *e, const struct rd_stats *st);

/* Live: the reader is about to read its input (drained false), or found it
 * empty (drained true), at mono_ms (CLOCK_MONOTONIC milliseconds). Records
 * fed next arrived then; a drained input also completes events none of whose
 * records arrived in the eoe_timeout before it (rf_age). Say drained only when
 * nothing was waiting unread at mono_ms: a reader behind its input must not
 * judge events by the wall clock (recfilter.h). Cheap: call before every read. */
void eng_clock(struct engine *e, int64_t mono_ms, bool drained);

/* Live housekeeping: report rate-limit overflow, retry waiting output (events
 * are aged by eng_clock). Cheap; call about once a second. */
void eng_tick(struct engine *e);

/* Live: the loop was not ready to read its input for gap_ms (processing,
 * housekeeping: live.c measures it), stall_ms of it its own doing (without
 * the time it waited for a CPU). The summary's input_max_gap_ms and
 * input_max_stall_ms are the longest of each: whether auditd's queue could
 * have filled while the plugin did not read, and whether the plugin itself
 * was the cause (a busy machine is not). */
void eng_input_gap(struct engine *e, int64_t gap_ms, int64_t stall_ms);

/* End of input: complete every pending event and report what is pending. */
void eng_finish(struct engine *e);

/* Swap in a new config (reload). The process table is kept; the rate limit
 * restarts with the new values. The caller frees the old config after. */
void eng_set_config(struct engine *e, const struct kme_config *cfg);
/* Swap in a new history (reload): its store and its alert counter (NULL:
 * local). The caller closes the old one after. */
void eng_set_store(struct engine *e, struct nt_store *store,
		   const struct lim_shared *rate);
/* The same for rule i of the configuration (0: the first; cfg_rule), set
 * after eng_new or eng_set_config. A rule given none keeps its history in
 * memory (ruleset.h). */
void eng_set_rule_store(struct engine *e, size_t i, struct nt_store *store,
			const struct lim_shared *rate);

void eng_counters(const struct engine *e, struct eng_counters *out);

/* The one-line summary: every counter, the table, the store and the output
 * state. Writes at most size bytes; returns buf. */
const char *eng_summary(const struct engine *e, char *buf, size_t size);

/* The summary to the log, at info level (SIGUSR1, the end of a run). */
void eng_report(const struct engine *e);

#endif
