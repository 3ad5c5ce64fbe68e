/* statefile.h - the new-terms store persisted in a JSON state file
 * (plugin/statefile.c, prefix sf_): a term table (termtab.h) that the
 * store interface (newterms.h) reaches, loaded at open and written whole at
 * save, in the format of stateformat.h, through safefile.h's crash-safe
 * replacement. The one owner of the file's life: its directory, its lock,
 * its loading and its saving.
 *
 * Errors follow newterms.h's contract: check_touch is the table's, -1 only
 * on ENOMEM or a term too long or of the wrong shape. Opening and saving
 * return -1 with err (messages name the file); everything else (a file
 * that is not our state) is said through log.h and decided as a value.
 *
 * Costs: open reads the whole file (O(terms), at most 256 MiB); save
 * serialises the whole table (O(terms)) and does I/O (fsync twice): never
 * per event. Memory is the table's (termtab.h) plus 64 KiB chunks.
 *
 * Saving is two steps inside: expiring the table at its high water (the
 * store changes), then serialising a table that is only read, with the
 * identity and the directory, into the replacement file. The second step
 * touches nothing else of the store, so that it can run on a snapshot (a
 * forked child's copy) while the store goes on deciding. Not thread-safe.
 */
#ifndef KME_STATEFILE_H
#define KME_STATEFILE_H

#include "cfg.h"
#include "err.h"
#include "newterms.h"

/* The store backed by the state file at path (not NULL). window, max_terms
 * and the identity (rule id + version + term field names) come from cfg.
 *
 * In this order, and nothing is changed before the lock is held:
 *   1. the state directory is opened (created 0700 when missing) and must
 *      be ours alone: else NULL with err ("refusing state directory");
 *   2. the lock PATH.lock is taken (flock, never through a symlink) and
 *      held until nt_destroy: when another process holds it, NULL with err
 *      ("in use by another audisp-kmod-enum") and nothing touched; when no
 *      lock file can be made (a read-only directory, where nothing can be
 *      saved either) the store goes on unlocked, with a warning logged;
 *      when prev (may be NULL) is a file store holding the lock of this
 *      same file, the lock passes from prev to the new store (a reload)
 *      once the open succeeds: prev must then be destroyed, not saved;
 *   3. the file is loaded when it exists. A file that is not usable as
 *      state (garbage, a symlink, not a regular file, oversized) is renamed
 *      aside to PATH.bad-<unixtime>, valid state of another rule id, rule
 *      version, field list or format to PATH.old-<unixtime>, the store
 *      starts empty and a warning is logged (log.h); so is keeping only the
 *      most recent max_terms terms of a larger file.
 * NULL with err on errors that make the store unusable.
 *
 * save(): expires at the latest event time seen, then replaces PATH
 * through safefile.h (PATH.tmp, fsync, rename, fsync of the directory):
 * on failure the previous file is intact. stats counts saves and
 * save_errors. */
struct nt_store *sf_open(const char *path, const struct kme_config *cfg,
			 struct nt_store *prev, struct kme_err *err);

/* The same store, for reading only (--dump-state, --migrate-state's
 * source): no lock is taken and nothing is created, renamed or written; a
 * file unusable as state is reported (log.h) and left in place; a missing
 * directory or file is an empty history; save() fails. */
struct nt_store *sf_open_ro(const char *path, const struct kme_config *cfg,
			    struct kme_err *err);

#endif
