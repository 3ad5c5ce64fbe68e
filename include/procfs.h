/* procfs.h - live-mode identity of a running process from /proc/<pid>.
 *
 * Used only in plugin (live) mode: to seed the process table at start-up and
 * as the fallback for a parent that the audit stream has not shown us. Never
 * in replay, where /proc describes another moment than the log.
 *
 * Identity follows rule.md's mapping, as far as /proc allows:
 *   - executable: the path as executed, not /proc/<pid>/exe's resolved binary.
 *     For a script (the interpreter's basename differs from comm, and an
 *     argv element after argv[0] names a file whose basename begins with
 *     comm), it is that script path. Otherwise argv[0] when it contains '/'
 *     and its basename begins with comm. Otherwise the exe link. Relative
 *     paths are made absolute with /proc/<pid>/cwd.
 *   - name: basename of executable; when only comm is known, comm
 *     (name_is_comm set).
 *   - args: /proc/<pid>/cmdline split at NULs, bounded (PF_MAX_ARGS_BYTES;
 *     args_truncated set beyond).
 *   - start_time: process start (fork) time in seconds since the epoch, from
 *     /proc/<pid>/stat field 22 and /proc/stat btime; used against pid reuse.
 * Every read is length-checked; a process may exit at any moment, in which
 * case the call fails with ENOENT/ESRCH in err and nothing is leaked.
 * Reading another user's /proc/<pid>/exe and cwd needs CAP_SYS_PTRACE (or
 * CAP_DAC_READ_SEARCH), which is why the plugin keeps it.
 */
#ifndef KME_PROCFS_H
#define KME_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define PF_MAX_ARGS_BYTES 4096
#define PF_MAX_ARGS 256

/* A snapshot of one process. Owns its strings (pf_proc_free). */
struct pf_proc {
	int32_t pid;
	int32_t ppid;
	char *executable;      /* NULL when unknown */
	char *name;            /* NULL when unknown */
	bool name_is_comm;
	char **args;           /* args[0..nargs-1], each NUL-terminated */
	size_t *arg_lens;      /* byte length of each arg */
	size_t nargs;
	bool args_truncated;
	int64_t start_time;    /* seconds since the epoch; -1 when unknown */
};

/* Read /proc/<pid> under procroot ("/proc" when NULL). Returns 0 and fills
 * *out (caller frees with pf_proc_free), or -1 with err set and *out zeroed. */
int pf_read(const char *procroot, int32_t pid, struct pf_proc *out,
	    struct kme_err *err);

void pf_proc_free(struct pf_proc *p);

/* Call fn for every process readable under procroot, in pid order; stops
 * early when fn returns non-zero (and returns that value). Processes that
 * vanish while being read are skipped. Cost: O(processes) file reads. */
int pf_foreach(const char *procroot,
	       int (*fn)(void *arg, const struct pf_proc *p), void *arg,
	       struct kme_err *err);

/* Boot time (seconds since the epoch) from procroot/stat; -1 on error. */
int64_t pf_boot_time(const char *procroot);

#endif
