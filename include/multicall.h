/* multicall.h - live mode: which executed files ARE a configured multi-call
 * binary (prefix mc_).
 *
 * The hardened match (rule.h) knows a multi-call binary by its resolved path
 * (SYSCALL exe). A hard link of kmod under another name has a path of its
 * own, but it is the same file: the same device and inode, which the PATH
 * record of the exec carries. In plugin mode, mc_ids_load stats every
 * multicall_binary path of the running configuration, and mc_ids_find says
 * which of them an exec's file is. Never in replay: a log's inodes belong
 * to the host and moment it was written on.
 *
 * A renamed copy is another file (another inode): not seen (README,
 * "Profiles"). A binary replaced after mc_ids_load (a package upgrade) has a
 * new inode until the next reload (SIGHUP) loads the ids again.
 *
 * Memory: one array owned by struct mc_ids (mc_ids_free). Costs: load is one
 * stat(2) per configured path; find is O(paths) (8 by default).
 */
#ifndef KME_MULTICALL_H
#define KME_MULTICALL_H

#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
#include "err.h"
#include "kme.h"

struct mc_id {
	uint32_t major, minor;
	uint64_t ino;
	const struct cfg_multicall *mc;   /* borrowed from the config */
};

struct mc_ids {
	struct mc_id *v;
	size_t n;
};

/* Stat cfg's multicall binaries (those that exist; the others are skipped:
 * a distribution has only some of the default paths). Replaces *ids. -1
 * with err set on ENOMEM (then *ids is empty). Nothing is loaded when
 * match_multicall is off. */
int mc_ids_load(const struct kme_config *cfg, struct mc_ids *ids,
		struct kme_err *err);

void mc_ids_free(struct mc_ids *ids);

/* The configured binary that ex's executed file is (by device and inode),
 * or NULL. */
const struct cfg_multicall *mc_ids_find(const struct mc_ids *ids,
					const struct kme_exec *ex);

#endif
