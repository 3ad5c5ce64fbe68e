/* auditrules.h - does the kernel audit program executions at all?
 *
 * Without an exit rule that always audits execve, the plugin sees no process
 * start and can never alert, however well it runs. At start-up (live mode,
 * before capabilities are dropped) it asks the kernel for its rule list and
 * warns when no rule covers execve. Needs CAP_AUDIT_CONTROL; bounded to one
 * netlink exchange with a one-second timeout.
 */
#ifndef KME_AUDITRULES_H
#define KME_AUDITRULES_H

#include "err.h"

/* 1 when some exit rule with action "always" covers execve (for the arch it
 * names, or the native one), 0 when none does, -1 with err set when the
 * rules cannot be read (no privilege, no audit support, timeout). */
int ar_exec_audited(struct kme_err *err);

#endif
