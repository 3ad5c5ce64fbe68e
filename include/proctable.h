/* proctable.h - who was each process: parents for exec events
 * (plugin/proctable.c, prefix pt_): the policy -- parent resolution, pid
 * reuse, fork records, host scope -- over the pid table (pidtab.h).
 *
 * Every exec event (and fork event, when the kernel audits them) leaves an
 * entry keyed by (host, pid): the identity the process had (executable, name, argv),
 * its parent pid, and when we learned it. An exec's parent is looked up here
 * first, so a parent that has already exited is still known; in live mode a
 * parent we have never seen is read from /proc (procfs.h) and remembered.
 *
 * Reparenting: a process whose parent exited before the exec has ppid 1 (or
 * a subreaper's pid; we recognise `systemd --user`). That ppid says nothing about who started it, so it must
 * not lend init's identity (and its exclusions) to the child: the parent is
 * then "unknown" unless the stream told us the real one -- a fork record, or
 * an earlier exec of the same process while its parent was alive.
 *
 * A new parent that is an ancestor of the old one (by the links we know)
 * means reparenting too: subreapers we cannot name adopt orphans of their
 * descendants.
 *
 * Pid reuse: an entry is dropped as stale when
 *   - a fork record creates its pid and the fork is later (in event time,
 *     milliseconds) than what the entry knew: a shell's child that exec'd
 *     dkms and exited, then a subshell of the same shell with the same pid, is
 *     the subshell (a copy of the shell), not dkms. A fork no later than the
 *     child's exec is that child's own fork, logged after its exec (the
 *     fork's time is taken at syscall entry);
 *   - the same pid shows up with a different parent (any SYSCALL record:
 *     pt_observe) and pid allocation has wrapped since the entry was made
 *     (pids are handed out in increasing order; a new pid far below the
 *     highest seen marks a wrap) -- unless the stream has fork records and
 *     the new parent is a reaper or an ancestor of the old one (then it is
 *     the same process, reparented: a new one would have come with a fork
 *     record);
 *   - in live mode, /proc says the process now holding the pid started after
 *     the entry was made.
 * Without fork records, a pid reused before pid allocation wraps cannot be
 * told apart in replay: the log never says the pid changed hands.
 *
 * Hosts (an audit aggregator's stream): every identity is scoped by the host
 * that logged it (hosttab.h). The host of a record is its node= name; the
 * records without node=, and those whose node is local_node (pt_new), are
 * the local host's. A parent is only ever looked up among its child's host's
 * processes; /proc is read (and seeded from) for the local host only; pid
 * allocation (the wrap guard) and "the stream has fork records" are tracked
 * per host. A node name longer than HT_NAME_MAX cannot be scoped: its events
 * get an unknown parent (they alert) and leave nothing in the table.
 *
 * Every parent it hands out says how it was decided (kme_exec.parent_note):
 * a fork copy (a subshell), one that replaced a stale identity, a ppid the
 * stream never described, a reaper.
 *
 * Bounded (the pid table, pidtab.h): at most max_entries entries and
 * max_bytes bytes of strings; the least recently used entries are evicted
 * beyond either (counted). The bound is shared by all hosts (one LRU): a
 * host that starts processes faster than the others evicts their older
 * entries too; a child whose parent was evicted gets an unknown parent
 * (KME_PNOTE_UNSEEN; it alerts), never another host's process. The host
 * table adds at most HT_MAX_HOSTS hosts (LRU, counted; an evicted host's
 * entries stop matching at once). Stored argv is cut at PD_MAX_ARG_BYTES
 * bytes / PD_MAX_ARGS arguments (flagged). All operations are O(1)
 * expected, except pt_seed_procfs (O(processes)); expected even for pids
 * chosen to collide (pidtab.h).
 */
#ifndef KME_PROCTABLE_H
#define KME_PROCTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "kme.h"

struct pt_stats {
	size_t entries;
	size_t bytes;
	uint64_t evicted;       /* LRU evictions (size or memory bound) */
	uint64_t stale;         /* dropped as pid reuse */
	uint64_t procfs_reads;  /* live fallbacks that found the parent */
	uint64_t procfs_misses; /* live fallbacks that did not */
	uint64_t reparented;    /* parents reported unknown as reparented */
	size_t hosts;           /* remote hosts known (hosttab.h) */
	uint64_t host_evictions; /* remote hosts evicted (LRU) */
	uint64_t unscoped;      /* records whose node name is too long to scope */
};

struct pt_table;

/* procroot: NULL disables every /proc access (replay); "/proc" for live.
 * local_node: the node name of this machine's records (NULL: only records
 * without node= are local); copied. max_entries and max_bytes: the pid
 * table's bounds (pd_new). NULL with err set on ENOMEM. */
struct pt_table *pt_new(size_t max_entries, size_t max_bytes,
			const char *procroot, const char *local_node,
			struct kme_err *err);
void pt_free(struct pt_table *t);

/* Live mode: add every running process from procroot (local host). */
int pt_seed_procfs(struct pt_table *t, struct kme_err *err);

/* Is a record with this node (absent: none) the local host's? */
bool pt_is_local(const struct pt_table *t, struct kme_str node);

/* Fill ex->parent and ex->parent_source for ex (node, pid, ppid, sec set),
 * among the processes of ex->node's host, and ex->proc.start: when the life
 * of ex's process began (its entity, entity.h) -- the start its pid's entry
 * holds when that entry is the same process before this exec (the same
 * parent or an adopter, no pid wrap since), else this exec. Parent
 * strings are borrowed from the table and stay valid until the next call
 * that changes the table (pt_record_*, pt_observe, pt_resolve_parent). */
void pt_resolve_parent(struct pt_table *t, struct kme_exec *ex);

/* Remember ex's process (a successful exec) under ex->node's host: copies
 * what it keeps (identity, ids, working directory), with the start
 * pt_resolve_parent gave ex (judged the same way when it was not called). */
void pt_record_exec(struct pt_table *t, const struct kme_exec *ex);

/* Remember that node's parent_pid created child_pid in the event sec.msec:serial:
 * the child starts with its parent's identity (ids and working directory
 * too) and a parent we know for certain, and its life (kme_start) begins
 * at this event -- unless the table knows the child from an exec that is
 * not earlier than the fork in milliseconds (the child's own, logged
 * first). */
void pt_record_fork(struct pt_table *t, struct kme_str node, int32_t parent_pid,
		    int32_t child_pid, int64_t sec, uint32_t msec,
		    uint64_t serial);

/* Any SYSCALL record: node's pid has parent ppid now (pid-reuse guard). */
void pt_observe(struct pt_table *t, struct kme_str node, int32_t pid,
		int32_t ppid);

void pt_stats(const struct pt_table *t, struct pt_stats *out);

/* What the table knows of pid, read-only (no LRU touch, no /proc read, no
 * pid-reuse check): for walks over the ancestry (entryleader.h). Returns
 * Scoped like every lookup: only node's host's entries (node absent: the
 * local host), and a host the table does not hold has none. Returns
 * false when pid has no entry. Strings are borrowed like a parent's (valid
 * until the table next changes). O(1) expected. */
struct pt_view {
	int32_t pid;
	int32_t ppid;             /* -1 when unknown */
	bool ppid_known;          /* ppid is the real creator (see pt_record_*) */
	bool has_identity;        /* proc.executable or proc.name known */
	struct kme_proc proc;     /* pid, executable, name, args */
	enum kme_parent_source source;
};

bool pt_peek(const struct pt_table *t, struct kme_str node, int32_t pid,
	     struct pt_view *out);

#endif
