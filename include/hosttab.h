/* hosttab.h - the hosts of an audit stream: every process identity is
 * scoped by the host that logged it.
 *
 * On an audit aggregator one stream carries many hosts' records, each
 * prefixed "node=NAME" by the auditd that wrote it. Pids are per host: pid
 * 4242 on host A and pid 4242 on host B are different processes. The
 * process table (proctable.h) keys every entry by (host, pid); this table
 * turns a node name into the host half of that key.
 *
 * The local host is slot 0: the records without node=, and the records whose
 * node equals the local node name (the name this machine's auditd writes,
 * see ht_new). It is never evicted. Only the local host's processes may be
 * read from /proc, and only its uids named with the local passwd.
 *
 * Any other name is interned on first sight. A reference (ht_ref) is a slot
 * and that slot's generation: evicting a host bumps its slot's generation,
 * so every process entry made under the old reference stops matching at
 * once (O(1), no walk); those entries are then just the least recently used
 * and leave the process table by its own LRU. A reference can therefore
 * never name another host's processes, even after its slot is reused.
 *
 * Bounded: at most max_hosts hosts (HT_MAX_HOSTS when 0), names of at most
 * HT_NAME_MAX bytes; beyond max_hosts the least recently seen remote host is
 * evicted (counted in `evicted`). Memory: max_hosts * (sizeof slot + 2
 * buckets) allocated at ht_new (calloc: untouched pages cost nothing) plus
 * the names, at most max_hosts * (HT_NAME_MAX + 1) bytes. A longer name is
 * not a host name any auditd writes: it gets no reference (ht_ref returns
 * false, counted in `unscoped`), so the caller keeps nothing for it.
 *
 * Names are attacker-chosen (any sender picks its own node name): they are
 * hashed with SipHash under a random key, compared with their length (first
 * 8 bytes as one word, then the rest). ht_ref compares the 4 most recently
 * seen hosts before hashing (an aggregator's stream interleaves a few hosts
 * record by record); a found host becomes the most recent either way. O(name
 * length) per call, no allocation except a new host's name.
 */
#ifndef KME_HOSTTAB_H
#define KME_HOSTTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "kme.h"

#define HT_MAX_HOSTS 16384
#define HT_NAME_MAX 255
#define HT_LOCAL 0u

/* Per-host state kept for the process table: pid allocation is per host. */
struct ht_host {
	int32_t cursor;           /* highest new pid seen since the last wrap */
	uint32_t wrap;            /* pid wraps noted */
	bool forks_seen;          /* this host's stream carries fork records */
};

/* A host: valid while the slot's generation is gen. */
struct ht_ref {
	uint32_t slot;
	uint32_t gen;
};

struct ht_stats {
	size_t hosts;             /* remote hosts held (the local one not counted) */
	uint64_t evicted;         /* remote hosts evicted (LRU) */
	uint64_t unscoped;        /* lookups of names longer than HT_NAME_MAX */
};

struct ht_table;

/* local_node: the node name of this machine's own records (NULL or "": only
 * records without node= are local). Copied. NULL with err set on ENOMEM. */
struct ht_table *ht_new(size_t max_hosts, const char *local_node,
			struct kme_err *err);
void ht_free(struct ht_table *t);

/* Is a record with this node (absent: no node= prefix) the local host's? */
bool ht_is_local(const struct ht_table *t, struct kme_str node);

/* The reference of node's host, interning it (most recently seen) when new;
 * may evict the least recently seen remote host. false (nothing changed)
 * when the name is longer than HT_NAME_MAX or, out of memory, cannot be
 * stored: the caller must keep nothing for it. */
bool ht_ref(struct ht_table *t, struct kme_str node, struct ht_ref *out);

/* The reference of node's host if it is held, without interning it or
 * changing its recency (read-only lookups, e.g. the entry-leader walk).
 * false when the host is not held. */
bool ht_find(const struct ht_table *t, struct kme_str node,
	     struct ht_ref *out);

/* The state of a host whose reference is still valid, else NULL. */
struct ht_host *ht_get(struct ht_table *t, struct ht_ref ref);

void ht_stats(const struct ht_table *t, struct ht_stats *out);

#endif
