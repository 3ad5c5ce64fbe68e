/* pidtab.h - the table of processes under the process table's policy
 * (plugin/pidtab.c, prefix pd_): (host, pid) -> entry, hashed, least
 * recently used first out, bounded in entries and in bytes.
 *
 * This is the data structure only. What an entry means -- who a process's
 * parent is, when a pid changed hands -- is the policy's (proctable.h): it
 * owns the facts fields of each entry and decides what to look up, add,
 * touch and remove. The host half of the key is a hosttab reference
 * (hosttab.h): an entry made under a reference that has since been evicted
 * matches no lookup again and leaves by the LRU like any other.
 *
 * Identity: an entry's executable, name, working directory and argv are
 * copied in by pd_set_identity into one allocation (the entry's blob): the
 * first PD_MAX_ARGS arguments, each cut (at a UTF-8 boundary) to the
 * largest cap of the alerts' ladder (kme_arg_cap: 1024, 512, ... 16 bytes)
 * under which they fit PD_MAX_ARG_BYTES together -- clipped, never dropped
 * (PD_MAX_ARGS arguments of 16 bytes always fit), and flagged (which, and
 * the cap); the later arguments are counted (argc), not kept. An
 * executable, name or directory longer than PD_MAX_PATH is not kept. The
 * bytes of all blobs count against max_bytes.
 *
 * Bounds: at most max_entries entries (allocated at pd_new with calloc:
 * pages of entries never used are never touched) and max_bytes bytes of
 * identity; beyond either the least recently used entries are evicted
 * (counted in `evicted`). Eviction happens in pd_add and pd_set_identity
 * only, and may take any entry but the one being made or set: a pointer
 * to any other entry is invalid after either call (look it up again).
 *
 * Cost: every operation O(1) expected, also for pids chosen to collide:
 * (host, pid) is hashed with a secret random seed. Eviction is O(1) per
 * entry evicted. Errors: pd_new fails (NULL, err set) only on ENOMEM; an
 * identity that cannot be stored (ENOMEM, or larger than max_bytes) leaves
 * the entry without one (has_identity false), which is not an error.
 */
#ifndef KME_PIDTAB_H
#define KME_PIDTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "hosttab.h"
#include "kme.h"

#define PD_MAX_ARG_BYTES 2048
#define PD_MAX_ARGS 64            /* at most 64: kme_args.clipped's bits */
/* An executable is a CWD (up to PATH_MAX, as the kernel logs it) joined to a
 * PATH name (up to PATH_MAX): longer is not a path the kernel ran. */
#define PD_MAX_PATH (2 * 4096 + 16)

struct pd_entry {
	/* The key and the table's links: read-only outside pidtab.c. */
	int32_t pid;
	struct ht_ref host;
	int32_t hnext;            /* hash chain; the free list when unused */
	int32_t lprev, lnext;     /* LRU list, most recent at head */
	/* The identity, set by pd_set_identity only; strings borrowed from
	 * the blob, valid until the entry's identity changes or it leaves. */
	bool has_identity;        /* exe or name known */
	bool name_is_comm;
	bool exe_resolved;        /* see kme_proc */
	bool args_truncated;
	struct kme_str exe, name, cwd;
	struct kme_str *argv;
	size_t nargs;
	size_t argc;              /* the real count (kme_args_count) */
	uint64_t args_clipped;    /* bit i: argv[i] is a prefix (kme_args) */
	size_t args_clip;         /* ... of at most this many bytes */
	void *blob;               /* argv[] then the bytes of exe, name, args */
	size_t blob_size;
	/* The policy's facts (proctable.c): zero when pd_add makes the entry,
	 * never read or changed by the table. */
	int32_t ppid;
	bool ppid_known;
	bool via_fork;
	bool replaced;
	uint8_t source;           /* enum kme_parent_source */
	uint32_t wrap;
	int64_t learned;
	int64_t start_time;
	struct kme_start start;   /* boot unset: the policy's to give */
	struct kme_cred cred;
};

/* An identity to copy into an entry (borrowed for the call; it may be
 * another entry's: see pd_set_identity). */
struct pd_ident {
	struct kme_str exe, name, cwd;
	bool name_is_comm, exe_resolved;
	const struct kme_str *argv;
	size_t nargs, argc;
	bool truncated;
	uint64_t clipped;         /* already prefixes (another entry's copy) */
	size_t clip_bytes;
};

struct pd_stats {
	size_t entries;
	size_t bytes;             /* of identity blobs */
	uint64_t evicted;         /* LRU evictions (either bound) */
};

struct pd_table;

/* max_entries is taken into [2, INT32_MAX / 4]; max_bytes 0 = no byte
 * bound. NULL with err set on ENOMEM. */
struct pd_table *pd_new(size_t max_entries, size_t max_bytes,
			struct kme_err *err);
void pd_free(struct pd_table *t);

/* The entry of (host, pid), or NULL (always for pid <= 0). No LRU touch. */
struct pd_entry *pd_find(const struct pd_table *t, struct ht_ref host,
			 int32_t pid);

/* Make e the most recently used. */
void pd_touch(struct pd_table *t, struct pd_entry *e);

/* A new, empty entry for (host, pid), which must not be in the table, the
 * most recently used; evicts the least recently used one when the table
 * is full. NULL when pid <= 0. */
struct pd_entry *pd_add(struct pd_table *t, struct ht_ref host, int32_t pid);

/* Take e out of the table (its identity freed). Not counted as eviction:
 * the caller counts why it removed it. */
void pd_remove(struct pd_table *t, struct pd_entry *e);

/* Give e the identity id, copied into one bounded blob. The copy is made
 * before anything is evicted, so id may point into the table itself (a
 * fork copies its parent's identity); eviction then restores the byte
 * bound, never taking e. When the copy cannot be stored, e keeps no
 * identity (has_identity and name_is_comm false). */
void pd_set_identity(struct pd_table *t, struct pd_entry *e,
		     const struct pd_ident *id);

void pd_stats(const struct pd_table *t, struct pd_stats *out);

#endif
