/* bgsave.h - slow work in a forked child, reaped from the main loop
 * (plugin/bgsave.c, prefix bg_): redis's BGSAVE model for the state file.
 *
 * bg_start() forks. The child runs fn(arg) on its copy-on-write snapshot of
 * the process (the parent's memory as it was at the fork: nothing the
 * parent changes afterwards reaches it), sends the message of a failure
 * back through a pipe and _exit()s: no atexit handler, no stdio buffer of
 * the parent is flushed twice. The parent never waits for it on its own
 * path: bg_poll() reaps it without blocking (waitpid WNOHANG) from the
 * housekeeping tick; bg_cancel() kills and reaps it (before a synchronous
 * save of the same file, and at the end).
 *
 * The child dies with the parent (PR_SET_PDEATHSIG SIGKILL, checked after
 * the fork against a parent that died in between): an orphan must never
 * go on writing the state file, nor keep auditd's socket (the plugin's
 * stdin, which the child replaces with /dev/null at once) or the parent's
 * lock file open. Its signal handlers are reset to the defaults, so that
 * a SIGTERM meant for the plugin and sent to the child ends it, and the
 * parent's self-pipe (live.c) is not written from the child.
 *
 * Memory: the child shares every page with the parent until one of them
 * writes it; the parent's writes during a save cost copies of the pages
 * written (bounded by the parent's size). Cost in the parent: one fork
 * (page tables: about 1 ms per 500 MiB of resident memory), a pipe.
 */
#ifndef KME_BGSAVE_H
#define KME_BGSAVE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

struct bg_job {
	pid_t pid;         /* the running child; 0: none */
	int errfd;         /* the read end of its error pipe; -1: none */
};

#define BG_JOB_INIT { 0, -1 }

/* The child's work: 0, or -1 with err filled (sent to the parent). */
typedef int (*bg_fn)(void *arg, struct kme_err *err);

/* Is a child running (not yet reaped)? */
static inline bool bg_running(const struct bg_job *j) { return j->pid > 0; }

/* Fork a child that runs fn(arg) and exits. 0 (j describes the child), or
 * -1 with err when nothing was started (fork or pipe failed: the caller
 * may do the work itself). j must not be running. */
int bg_start(struct bg_job *j, bg_fn fn, void *arg, struct kme_err *err);

/* Reap j's child if it has ended, without waiting: 1 when it ended, with
 * *ok telling whether fn succeeded (else err holds its message, or how it
 * died); 0 while it still runs or when none runs. */
int bg_poll(struct bg_job *j, bool *ok, struct kme_err *err);

/* Kill j's child (SIGKILL) and reap it; nothing when none runs. Its
 * unfinished work is lost: what it wrote must be crash-safe on its own
 * (safefile.h's temporary file, which the next save replaces). */
void bg_cancel(struct bg_job *j);

#endif
