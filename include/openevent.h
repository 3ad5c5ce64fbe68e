/* openevent.h - one audited open to the ECS view of a file access
 * (plugin/openevent.c, prefix oe_): what the file rules (filerule.h) judge.
 *
 * An open event (open, openat, openat2, any arch, successful or not) as the
 * kernel records it for a path rule (-F path=... -k KEY): SYSCALL (the
 * opener's pid, ppid, ids, comm, exe, the key), CWD, PATH item 0 (the name
 * as given to open, the inode, mode and owner of the file the kernel
 * matched), PROCTITLE. Mapping:
 *   file.opened_as  PATH item 0 `name`, joined to the CWD when relative to
 *                   it (open, or openat with AT_FDCWD) -- never rewritten,
 *                   as execevent.h; relative to a directory fd it stays as
 *                   given (opened_relative);
 *   file.*          inode, mode (file type and permission bits), ouid, ogid
 *                   of PATH item 0 when logged;
 *   file.keys       the SYSCALL key= (several keys: hex, split at 0x01);
 *   the opener      ev.exec: time, serial, node, success (of the open), pid,
 *                   ppid, uid/euid/gid/egid/auid/ses, suid/sgid, arch,
 *                   tty, comm, exe, proc.cwd, the ENRICHED names (auid's
 *                   too), the title (PROCTITLE, as execevent.h's
 *                   ev_decode_details); proc.pid. Its name, executable,
 *                   args and start (its entity), and its parent, are the
 *                   process table's (filerule.h), not this record's.
 * Every value is decoded (quoted or hex) and length-bounded; an event that
 * is not an open, or has no SYSCALL record, is not one (oe_build false).
 *
 * The builder's memory is reused from event to event (bounded by
 * OE_MAX_META bytes of strings, and as many for the decoded title): steady
 * state allocates nothing.
 */
#ifndef KME_OPENEVENT_H
#define KME_OPENEVENT_H

#include <auparse.h>
#include <stdbool.h>
#include <stdint.h>

#include "cfg.h"
#include "err.h"
#include "kme.h"

#define OE_MAX_KEYS 8            /* audit keys of one event kept */
#define OE_MAX_META (128 * 1024) /* bytes of one event's strings */

/* The file of an open event, as ECS file.* describes it. Strings borrowed
 * from the builder (valid until its next oe_build). */
struct kme_file {
	struct kme_str opened_as;   /* absent when the record has no name */
	bool opened_relative;       /* relative to a directory fd: as given */
	struct kme_str keys[OE_MAX_KEYS];
	size_t nkeys;
	bool inode_known;
	uint64_t inode;
	bool mode_known;
	uint32_t mode;              /* st_mode: type and permission bits */
	uint32_t ouid, ogid;        /* KME_ID_UNSET when not logged */
	/* Set by the file rule that judges it (filerule.h): the watched file
	 * the event is an open of. */
	const struct cfg_watch *watch;
};

struct oe_event {
	struct kme_exec ex;         /* the opener (see above) */
	struct kme_file file;
};

struct oe_builder;

struct oe_builder *oe_builder_new(struct kme_err *err);
void oe_builder_free(struct oe_builder *b);

/* Decode the event under au's cursor (the cursor is moved) when it is an
 * open; node as ev_build takes it (execevent.h). false, *out undefined,
 * for any other event. Never fails otherwise: a malformed value is left
 * absent. Cost O(record bytes). */
bool oe_build(struct oe_builder *b, auparse_state_t *au, struct kme_str node,
	      struct oe_event *out);

/* The file f is an open of, as file.path writes it: the watched file the
 * kernel matched (f->watch, set by the file rule: filerule.h), else the
 * name as opened (absent without one). Borrowed from f's owners. */
struct kme_str oe_file_path(const struct kme_file *f);

/* Does the event carry audit key k? O(keys). */
bool oe_has_key(const struct kme_file *f, const char *k);

#endif
