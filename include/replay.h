/* replay.h - replay and --learn: saved audit logs through the engine, and
 * never a silent "nothing".
 *
 * The inputs go through one reader and one engine, each to its end, so
 * that an event or a process seen in one input is known in the next;
 * decisions are by event time alone (the engine's ENG_REPLAY mode).
 * The inputs (files, directories, "-") become one ordered set (logset.h:
 * by first event time, duplicates of the same records never fed twice);
 * each is read through input.h (compressed by magic), split into lines by
 * the reader, and its lines go to the engine as they are (an audit log) or
 * through the ausearch translator (interp.h: ausearch's default and -i
 * output). Before anything is replayed it says on stderr (log.h) the order
 * of a set of several inputs, and the compression and form of any input
 * that is not a plain audit log.
 *
 * Every line that gives no record is counted with its reason (not an audit
 * record, too long, a NUL byte, an ausearch line of another form); --explain
 * lists them as runs ("# skipped FILE:3-40: not an audit record: '...'",
 * escaped as the log's messages are) among the engine's explanations.
 * An input is unusable, and said so on stderr with its first offending line
 * number and what that line looked like, when it holds lines but no record,
 * or more skipped lines than records; also when its compressed data is cut
 * short or corrupt (what came before still replays). Such inputs make the
 * replay's status RP_EXIT_INPUT; a few damaged lines only warn.
 *
 * Progress (progress.h) is drawn on stderr when asked, or by default when
 * stderr is a terminal; while it is, the log's messages erase it first.
 *
 * The pending events are completed here (eng_finish); the caller saves
 * the history and prints the summary.
 */
#ifndef KME_REPLAY_H
#define KME_REPLAY_H

#include "engine.h"
#include "output.h"
#include "reader.h"

/* Exit status of a replay whose input could not all be used. */
#define RP_EXIT_INPUT 3
/* Exit status of a refusal before anything was replayed (bad --tz, an
 * ausearch -i input without --tz). */
#define RP_EXIT_USAGE 2

enum rp_progress { RP_PROGRESS_AUTO = 0, RP_PROGRESS_ON, RP_PROGRESS_OFF };

struct rp_opts {
	char *const *inputs;     /* files, directories, "-"; none: stdin */
	int ninputs;
	const char *tz;          /* --tz ZONE of ausearch -i stamps; NULL */
	struct out_sink *explain; /* --explain: skipped lines said here (the
				     alerts' and explanations' sink); NULL */
	enum rp_progress progress;
};

/* Replay every input into eng, reading with rd (whose skip hook it sets
 * and clears), then complete the pending events (eng_finish). eng and rd
 * are borrowed. Returns the status: RP_EXIT_USAGE, a refusal before
 * anything was replayed (the engine is then left as it was); else 1 when
 * an input could not be opened or read; else RP_EXIT_INPUT (see above)
 * when that was the only trouble; else 0. So RP_EXIT_INPUT tells that every
 * input was read and what could be used was replayed: a caller that meets
 * a runtime error of its own (the history not saved, output lost) returns
 * 1 over it. Each cause is said on the log. */
int rp_run(const struct rp_opts *o, struct engine *eng, struct rd_reader *rd);

#endif
