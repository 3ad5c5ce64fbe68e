/* procfs.h - live-mode identity of a running process from /proc/<pid>.
 *
 * Used only in plugin (live) mode: to seed the process table at start-up and
 * as the fallback for a parent that the audit stream has not shown us. Never
 * in replay, where /proc describes another moment than the log.
 *
 * Identity follows rule.md's mapping, as far as /proc allows:
 *   - the path as run: for a script (the interpreter's basename differs from
 *     comm, and an argv element after argv[0] names a file whose basename
 *     begins with comm), that script path; otherwise argv[0] when it contains
 *     '/' and its basename begins with comm; otherwise none.
 *   - executable: that path, joined to /proc/<pid>/cwd when relative, never
 *     rewritten (no '..' collapsed, as execevent). When it cannot be made
 *     absolute (no cwd link: a cwd beyond PATH_MAX, no permission) or there is
 *     none, the exe link, the resolved binary (exe_resolved set).
 *   - name: basename of the path as run, even when the executable is the exe
 *     link (a script ./dkms in a too-deep directory is dkms, not dash); else
 *     of the executable; when only comm is known, comm (name_is_comm set).
 *   - args: /proc/<pid>/cmdline split at NULs, bounded (PF_MAX_ARGS_BYTES,
 *     PF_MAX_ARGS; args_truncated set beyond); argc counts the arguments of
 *     the whole cmdline, read on without storing.
 *   - start_time: process start (fork) time in seconds since the epoch, from
 *     /proc/<pid>/stat field 22 and /proc/stat btime; used against pid reuse.
 *     start_ticks is field 22 itself (clock ticks after boot: with the boot
 *     id, pf_boot_id, the process's identity on this machine; entity.h) and
 *     start_ms the start in milliseconds, to the tick.
 *   - cwd: the cwd link (NULL when unreadable); cred: the real and
 *     effective ids of /proc/<pid>/status (known false when unreadable).
 * A subshell (forked, never exec'd) shows its creator's cmdline, comm and exe:
 * a subshell of a #!/bin/sh script is named after the script.
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
	bool exe_resolved;     /* executable is the exe link, not as run */
	char *name;            /* NULL when unknown */
	bool name_is_comm;
	char **args;           /* args[0..nargs-1], each NUL-terminated */
	size_t *arg_lens;      /* byte length of each arg */
	size_t nargs;
	bool args_truncated;
	size_t argc;           /* arguments in the whole cmdline (>= nargs) */
	int64_t start_time;    /* seconds since the epoch; -1 when unknown */
	int64_t start_ms;      /* ms since the epoch; -1 when unknown */
	uint64_t start_ticks;  /* stat field 22: clock ticks after boot */
	char *cwd;             /* NULL when unknown */
	bool cred_known;       /* uid..egid from status */
	uint32_t uid, euid, gid, egid;
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

/* The boot id (procroot/sys/kernel/random/boot_id: 36 characters, hex
 * digits and '-') into out; false (out "") when unreadable or malformed. */
#define PF_BOOT_ID_SIZE 37
bool pf_boot_id(const char *procroot, char out[PF_BOOT_ID_SIZE]);

#endif
