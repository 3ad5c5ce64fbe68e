/* entryleader.h - process.entry_leader from the ancestry (prefix el_).
 *
 * Elastic Defend's entry leader is the first process of the "entry" into the
 * system a process descends from: the shell of an ssh or console login, a
 * terminal server, a container's init, a service started by init. auditd
 * does not say it; we approximate it from the process table's parent links:
 *
 *   the nearest process, starting with the exec'd process itself and going
 *   up its ancestors, that is a direct child of pid 1 (how: child_of_init)
 *   or of a process whose name is in entry_leader_starters (how:
 *   child_of_starter; default sshd, sshd-session, login, systemd,
 *   containerd-shim, containerd-shim-runc-v2, conmon, tmux, screen).
 *
 * So an ssh session's leader is the login shell (child of sshd), a GNOME
 * terminal's is gnome-terminal-server (child of `systemd --user`), a
 * service's is its main program (child of pid 1), a container's is its init
 * (child of the shim). Starter names compare as exclude_parent_name does (a
 * 15-byte comm matches a longer name on its first 15 bytes).
 *
 * Limits, each leaving the leader unknown (pid -1, how says why), and an
 * unknown leader never satisfies an exclusion:
 *   - a link the stream never showed (a process that forked and never
 *     exec'd, without fork records; an evicted entry): "broken chain";
 *     in live mode /proc fills such a gap first (the local host's events only:
 *     another host's processes are not in this /proc; hosttab.h);
 *   - a loop in the links (only a corrupt or hostile stream makes one):
 *     "cycle";
 *   - more than EL_MAX_DEPTH steps: "too deep".
 * The walk trusts the table's links as they stand: pid reuse is judged
 * where the table learns (proctable.h), not again here.
 * An orphan adopted by init before it exec'd (a double fork) has ppid 1 in
 * the audit record, like a service, and is its own leader unless fork
 * records name its creator (the table then keeps the real creator).
 *
 * Cost: at most EL_MAX_DEPTH table lookups (O(1) each) and, live, at most
 * EL_MAX_PROCFS reads of /proc per event; called only for execs that the
 * rule watches. The walk never changes the process table, so the parent's
 * borrowed strings stay valid.
 */
#ifndef KME_ENTRYLEADER_H
#define KME_ENTRYLEADER_H

#include "cfg.h"
#include "err.h"
#include "kme.h"
#include "proctable.h"

#define EL_MAX_DEPTH 64
#define EL_MAX_PROCFS 8

struct el_finder;

/* procroot: "/proc" in live mode (gaps are read there), NULL in replay.
 * NULL with err set on ENOMEM. */
struct el_finder *el_new(const char *procroot, struct kme_err *err);
void el_free(struct el_finder *f);

/* Fill ex->entry_leader for ex (pid, ppid, parent already resolved by
 * pt_resolve_parent). Strings are borrowed from the table or from f (valid
 * until the next el_find or until the table changes). Never fails: what
 * cannot be known is unknown. */
void el_find(struct el_finder *f, const struct kme_config *cfg,
	     const struct pt_table *t, struct kme_exec *ex);

#endif
