/* logset.h - the inputs of one replay, in time order, and their overlaps.
 *
 * An input is a file, a directory (its regular files, in name order; not
 * its subdirectories) or "-" (stdin). Before anything is replayed, each is
 * looked at once (ls_prescan): its compression (input.h), its form
 * (loghead.h: auditd's log, ausearch's default output, ausearch -i, or
 * ausearch's text/csv summaries) and the time of its first record. The set
 * is then ordered by that first event time -- never by name: auditd's
 * rotation names files newest first (audit.log, audit.log.1, ...), logrotate
 * adds .gz, and an analyst's copies are named anyhow. Inputs without a time
 * (empty, not a log) go last, in the order given; equal times keep the
 * order given.
 *
 * Overlap. Files of one host's rotation do not overlap, except that an
 * event may be cut between two files. Copies do: audit.log.1 and
 * audit.log.1.gz, or a log copied before a rotation and the rotated file.
 * While a file is replayed, each record whose time is at or after the next
 * file's first time is remembered (a 64-bit SipHash of the whole line under
 * a random key, and the file it came from); a record of a later file whose
 * time is not after the latest time already replayed is looked up: found,
 * it is a duplicate (the same record twice) and is not replayed again
 * (ls_record says LS_DUPLICATE). A record in that window that is not found
 * is new: at the latest time replayed, the rest of an event the rotation
 * cut (an event's records share its time); before it, another source's
 * record, counted in overlap_new. Memory: normally a few records; when whole files
 * overlap, one entry per record, at most LS_SEEN_MAX entries (16 bytes
 * each); records beyond are not remembered, and are counted in `unchecked`.
 *
 * Paths are copied; nothing is borrowed from the caller after ls_add.
 */
#ifndef KME_LOGSET_H
#define KME_LOGSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "input.h"

#define LS_PRESCAN_MAX (256 * 1024)
#define LS_SEEN_MAX (1U << 21)

/* What an input holds, from its first lines. */
enum ls_form {
	LS_EMPTY = 0,   /* no byte at all */
	LS_LOG,         /* auditd's records (RAW, ENRICHED, ausearch --raw) */
	LS_AUSEARCH,    /* ausearch's default output: records after ---- lines */
	LS_INTERP,      /* ausearch -i */
	LS_TEXT,        /* ausearch --format text: not replayable */
	LS_CSV,         /* ausearch --format csv: not replayable */
	LS_UNKNOWN,     /* no record in its first LS_PRESCAN_MAX bytes */
};

struct ls_entry {
	char *path;              /* as given, or DIR/NAME */
	size_t given;            /* position in the order given */
	enum in_format fmt;
	enum ls_form form;
	bool has_time;
	int64_t first_ms;        /* the first record's time (ms since epoch) */
	uint64_t first_serial;
	int64_t size;            /* bytes on disk, -1 unknown */
	/* A pipe, and stdin, cannot be opened twice: the source and the bytes
	 * the prescan read stay here for the replay (ls_open). */
	struct in_source *src;
	char *head;
	size_t head_len;
	char *error;             /* why it could not be opened (unopened), or
				    the pipe's read error in the prescan */
	bool unopened;
	/* Filled while it is replayed (ls_record). */
	uint64_t duplicates;
	uint64_t overlap_new;    /* new records dated before the latest time
				    already replayed (another source's?) */
	size_t dup_of;           /* the file of its first duplicate */
	bool dup_mixed;          /* ... and of others from other files */
};

struct ls_seen_slot;

struct ls_set {
	struct ls_entry *e;
	size_t n, cap;
	/* Entries of the directories given that are not regular files
	 * (subdirectories, sockets...): not read, counted; the first named. */
	size_t not_files;
	char *first_not_file;
	bool have_zone;          /* ausearch -i stamps can be read (--tz) */
	/* overlap */
	uint64_t key[2];
	struct ls_seen_slot *seen;
	size_t seen_cap, seen_n;
	uint64_t unchecked;      /* records not remembered (table full) */
	size_t cur;              /* the file being replayed */
	int64_t hw;              /* latest time replayed before it, -1: none */
	int64_t cur_hw;          /* latest time of the current file */
};

enum ls_verdict { LS_NEW, LS_DUPLICATE };

void ls_init(struct ls_set *s, bool have_zone);
void ls_free(struct ls_set *s);

/* Add an input: a file, "-", or a directory's regular files. -1 with err
 * ("DIR: opendir: ...", "DIR: no regular file in this directory", out of
 * memory). */
int ls_add(struct ls_set *s, const char *arg, struct kme_err *err);

/* Look at every input's first bytes, then order the set (see above). An
 * input that cannot be opened stays in the set, `unopened`, its `error`
 * saying why. -1 with err only when out of memory. */
int ls_prescan(struct ls_set *s, struct kme_err *err);

/* The source of entry i, opened (or the one the prescan kept, with the
 * bytes it read in *head / *head_len, to be replayed first, and in *error
 * the read error that ended them, if any). NULL with err. The caller closes
 * it (in_close) and frees *head and *error. */
struct in_source *ls_open(struct ls_set *s, size_t i, char **head,
			  size_t *head_len, char **error, struct kme_err *err);

/* Overlap: call ls_begin before file i, ls_record for each of its records
 * (ms: its time, -1 if it has none), ls_end after it. */
void ls_begin(struct ls_set *s, size_t i);
enum ls_verdict ls_record(struct ls_set *s, const char *line, size_t len,
			  int64_t ms);
void ls_end(struct ls_set *s);

const char *ls_form_name(enum ls_form f);
/* How messages name entry e: its path, or "stdin" for "-". */
const char *ls_name(const struct ls_entry *e);

#endif
