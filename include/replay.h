/* replay.h - replay and --learn: saved audit logs through the engine.
 *
 * The inputs are read in the order given, each to its end, through one
 * reader and one engine, so that an event or a process seen in one file is
 * known in the next (auditd's rotated logs, oldest first). Decisions are by
 * event time alone (the engine's ENG_REPLAY mode). An input that cannot be
 * opened or read is said on the log and skipped; the others are replayed.
 */
#ifndef KME_REPLAY_H
#define KME_REPLAY_H

#include "engine.h"
#include "reader.h"

/* Replay files[0..nfiles) (a name "-", or no name at all: stdin) into eng
 * through rd, then complete the pending events (eng_finish). 0, or 1 when
 * an input could not be opened or read (said). eng and rd are borrowed. */
int rp_run(struct engine *eng, struct rd_reader *rd, char *const *files,
	   int nfiles);

#endif
