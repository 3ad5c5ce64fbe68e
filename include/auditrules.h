/* auditrules.h - does the kernel audit program executions at all, and the
 * opens of the files the file rules watch?
 *
 * Without an exit rule that always audits execve, the plugin sees no process
 * start and can never alert, however well it runs. At start-up (live mode,
 * before capabilities are dropped) it asks the kernel for its rule list and
 * warns when no rule covers execve. Needs CAP_AUDIT_CONTROL; bounded to one
 * netlink exchange with a one-second timeout.
 */
#ifndef KME_AUDITRULES_H
#define KME_AUDITRULES_H

#include "cfg.h"
#include "err.h"

#define AR_MAX_WATCHES 16     /* watched files of one rule checked */

/* 1 when some exit rule with action "always" covers execve (for the arch it
 * names, or the native one), 0 when none does, -1 with err set when the
 * rules cannot be read (no privilege, no audit support, timeout). */
int ar_exec_audited(struct kme_err *err);

/* For every file_watch of cfg's rules (filerule.h): is there an exit rule
 * with action "always" on open or openat whose path (or dir) field is the
 * watched file and whose key is its key? Each one missing is said once in
 * the log ("rule NAME: no audit rule records opens of PATH with key KEY"),
 * as is a list that cannot be read. Live mode, at start-up (before
 * capabilities are dropped); one netlink exchange. */
void ar_warn_unwatched(const struct kme_config *cfg);

#endif
