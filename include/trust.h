/* trust.h - exclusions that prove themselves (plugin/trust.c, prefix tu_).
 *
 * Elastic's exclusions trust names: a parent called dkms excludes, and so
 * does a copy of /bin/sh that any user names dkms in /tmp. A rule with
 * trusted_exclusions = yes (the hardened profile) lets an exclusion that
 * names a process -- its name, executable or arguments (rule.h says which
 * process each kind names) -- apply only when that process's executable
 * proves it:
 *
 *   1. the executable is known: the path as executed (audit: PATH item 0
 *      made absolute; /proc: the path its cmdline names, confirmed below),
 *      or the resolved binary the kernel reports (SYSCALL exe, the
 *      /proc/PID/exe link): never a symlink's target standing in for the
 *      link that was run;
 *   2. for a name exclusion, the executable's own file name is that name:
 *      a name taken from argv[0], from a link to another file or from a
 *      15-byte comm proves nothing;
 *   3. the path is absolute, without ".", ".." or empty components, and
 *      lies in one of the rule's trusted_dir directories (a directory and
 *      everything below it; component by component, /usr/libfoo is not
 *      in /usr/lib);
 *   4. live mode, a process of this host only: the file and every
 *      directory and symbolic link on its way from / are owned by root,
 *      and no directory or file on it is writable by group or others.
 *      Symbolic links are followed as the kernel would (a link's own owner
 *      is checked; its mode means nothing), so /bin -> usr/bin on a
 *      merged-/usr system is /bin, a root-owned link, then /usr and
 *      /usr/bin. A process in another mount namespace (a container) is
 *      checked in its own, through /proc/PID/root. A process known only
 *      from /proc whose path comes from its cmdline must be the file its
 *      exe link names (an argv[0] is no proof).
 * In replay, and for another host's processes, only 1-3 apply: a log says
 * where a file was, not who could write there.
 *
 * A path argument (exclude_parent_args) proves itself the same way (3, 4;
 * the file must exist in live mode), and the process it is an argument of
 * must prove its executable too: any program can name a real maintainer
 * script in its argv.
 *
 * Check 4 is done at most once per (pid, path) within TU_TTL_MS and
 * remembered in a table of TU_CACHE entries (least recently used evicted,
 * counted): a parent that runs lsmod a hundred times costs one walk. A walk
 * costs one lstat per component and one readlink per link (at most
 * TU_MAX_LINKS), and happens only for an event that an exclusion would
 * otherwise silence: never on the path of an ordinary exec.
 *
 * Errors are verdicts: what cannot be checked (a vanished file, no
 * permission, a path too long) refuses the exclusion, and `why` says
 * what, printable and bounded (TU_WHY_MAX).
 */
#ifndef KME_TRUST_H
#define KME_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
#include "err.h"
#include "kme.h"

#define TU_CACHE 256          /* (pid, path) walks remembered */
#define TU_TTL_MS 60000       /* ... for at most this long */
#define TU_MAX_LINKS 40       /* symbolic links on one walk (as Linux) */
#define TU_WHY_MAX 256        /* bytes of a refusal's reason, NUL included */

/* The process whose executable must prove an exclusion. */
struct tu_subject {
	const struct kme_proc *proc;   /* pid (> 0 when known), executable,
					  exe_resolved */
	enum kme_parent_source source; /* where its identity came from */
	bool local;                    /* this host's process: live checks
					  apply */
};

struct tu_stats {
	uint64_t walks;        /* check 4 done (cache misses) */
	uint64_t hits;         /* ... answered by the table */
	uint64_t refused;      /* exclusions refused, for any reason */
	uint64_t evictions;    /* table entries evicted */
	size_t cached;         /* entries held now */
};

struct tu_checker;

/* procroot: "/proc" in live mode (checks 1-4); NULL: no file system is
 * looked at (replay: checks 1-3). NULL with err only on ENOMEM. */
struct tu_checker *tu_new(const char *procroot, struct kme_err *err);
void tu_free(struct tu_checker *tc);

/* Does s's executable prove an exclusion of rule cfg? name: the name a
 * name exclusion names (NULL for the others). 0 when it does; -1 when
 * not, with the reason in why (why_size bytes, at most TU_WHY_MAX used).
 * tc may be NULL: checks 1-3 only. */
int tu_prove(struct tu_checker *tc, const struct kme_config *cfg,
	     const struct tu_subject *s, const char *name, char *why,
	     size_t why_size);

/* Does path, an argument of s, prove itself (checks 3 and 4, on path)?
 * As tu_prove. */
int tu_prove_arg(struct tu_checker *tc, const struct kme_config *cfg,
		 const struct tu_subject *s, struct kme_str path, char *why,
		 size_t why_size);

void tu_stats(const struct tu_checker *tc, struct tu_stats *out);

#endif
