/* safefile.h - files in a directory that is ours alone, replaced whole or
 * not at all, and never through a planted symlink.
 *
 * Every operation is relative to the directory opened and checked by
 * safe_dir_open (an fd), so a directory swapped in later by someone else is
 * never written to. Names are single path components.
 *
 * Replacing a file is a transaction: safe_begin creates NAME.tmp (after
 * unlinking whatever is there, which unlink never follows; then O_CREAT |
 * O_EXCL | O_NOFOLLOW, mode 0600, refuses anything planted in between),
 * safe_write appends, safe_commit fsyncs, renames over NAME and fsyncs the
 * directory. Until the rename, NAME is untouched; a failure removes the
 * temp file. A crash at any moment leaves the old or the new NAME.
 *
 * Messages name the file as the caller spelt its path (prefix + name).
 *
 * Also: a trusted file (the configuration, a password file) read whole with
 * the same care, refused with its reason (safe_read_file).
 */
#ifndef KME_SAFEFILE_H
#define KME_SAFEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"

struct safe_dir {
	int fd;               /* -1: not open (or does not exist) */
	char *shown;          /* the directory as named in messages */
	char *prefix;         /* the caller's path up to the file name */
	char *name;           /* the file name (last component) */
};

/* Split path (a file) into its directory and name and open the directory,
 * creating it 0700 when `create` is set and it is missing. The directory
 * must be owned by the effective uid and writable by nobody else: others
 * could replace our files between our checks and our renames. `what` names
 * the directory in messages ("state directory"). Returns 0 (d->fd open);
 * 1 when the directory does not exist and create is not set (d->fd -1);
 * -1 with err filled (d holds nothing). */
int safe_dir_open(struct safe_dir *d, const char *path, const char *what,
		  bool create, struct kme_err *err);
void safe_dir_close(struct safe_dir *d);

/* "prefix" + name into out (for messages). */
const char *safe_path(const struct safe_dir *d, const char *name, char *out,
		      size_t size);

/* Take an exclusive lock on NAME.lock (created 0600, never through a
 * symlink), without waiting. Returns its fd (close it to unlock); -1 with
 * err filled and *busy set when another process holds it, *busy clear when
 * the lock file cannot be opened (e.g. a read-only directory). */
int safe_lock(const struct safe_dir *d, const char *name, bool *busy,
	      struct kme_err *err);

/* Open NAME for reading: never through a symlink, never blocking on a FIFO.
 * Returns an fd; -1 with errno set (ELOOP for a symlink, ENOENT). */
int safe_open_read(const struct safe_dir *d, const char *name);

struct safe_tmp {
	const struct safe_dir *d;
	char *name, *tmpname;
	int fd;
	off_t written;
};

/* Start replacing NAME. -1 with err filled (nothing to abort). */
int safe_begin(struct safe_tmp *w, const struct safe_dir *d,
	       const char *name, struct kme_err *err);
/* Append len bytes. -1 with err filled: call safe_abort. */
int safe_write(struct safe_tmp *w, const void *p, size_t len,
	       struct kme_err *err);
/* Make the new content NAME, durably. -1 with err filled; the temp file is
 * gone either way (a failing directory fsync comes after the rename: NAME
 * is then new but perhaps not yet durable). */
int safe_commit(struct safe_tmp *w, struct kme_err *err);
/* Give up: remove the temp file; NAME is untouched. */
void safe_abort(struct safe_tmp *w);

/* A trusted file read whole (the configuration, a password file), and what
 * refuses it; `what` names it in messages: "PATH: refusing WHAT: REASON". */
struct safe_read {
	const char *what;
	bool root_owned;          /* refuse a file root does not own */
	mode_t deny;              /* refuse a file with any of these mode bits */
	const char *deny_why;     /* the reason then; NULL: "group-writable" or
				     "world-writable", by the bit */
	size_t max;               /* refuse a larger file */
	const char *max_why;      /* the reason then ("larger than 1 MiB") */
};

/* Read the regular file path into buf, which holds r->max + 1 bytes: a
 * symlink is refused (never followed), a FIFO never waited on, the checks
 * of r made on the open file. Up to r->max + 1 bytes are read, so that a
 * file grown past the bound since the check shows as longer (*len >
 * r->max: the caller refuses it). 0, or -1 with err filled. */
int safe_read_file(const char *path, const struct safe_read *r, char *buf,
		   size_t *len, struct kme_err *err);

/* Move NAME aside as NAME.TAG-<unixtime> (".N" appended while that name is
 * taken), never replacing anything; aside receives the new path as the
 * caller would spell it. -1 with err filled when it could not be moved. */
int safe_keep_aside(const struct safe_dir *d, const char *name,
		    const char *tag, char *aside, size_t size,
		    struct kme_err *err);

#endif
