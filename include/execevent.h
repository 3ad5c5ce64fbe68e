/* execevent.h - one auparse event to the ECS view of a process start.
 *
 * Field mapping (rule.md): process.executable is PATH item 0 `name` (the path
 * given to execve: a symlink stays itself, a script is the script), made
 * absolute by joining it to the CWD record -- never rewritten: `..` is not
 * collapsed (t/s/../x, with t/s a symlinked directory, is not t/x), only a
 * leading "./" is dropped. When it cannot be made absolute (no CWD record,
 * cwd="<too_long>" beyond PATH_MAX, a path relative to an execveat directory
 * fd) or there is no name (fexecve logs ""), it is SYSCALL `exe`, the resolved
 * binary. process.name is the basename of PATH item 0 whenever that name is
 * there, even when the executable had to fall back to `exe` (`./lsmod` in a
 * too-long directory is lsmod, not kmod); else the basename of the
 * executable; else `comm` (name_is_comm).
 *
 * argv comes from the EXECVE records through execargs.h: stored within
 * bounds (flagged when cut), every argument compared with the rule's watched
 * values (ev_builder_watch), the real argc kept. Nothing is dropped silently:
 * inconsistencies set `malformed`.
 *
 * The builder's memory is reused from event to event: steady state allocates
 * nothing.
 *
 * Other events are classified cheaply: a successful fork/clone/vfork (not a
 * thread) gives EV_FORK; any event with a SYSCALL record reports its pid and
 * ppid (for the process table's pid-reuse guard).
 */
#ifndef KME_EXECEVENT_H
#define KME_EXECEVENT_H

#include <auparse.h>
#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "kme.h"

enum ev_kind {
	EV_OTHER = 0, /* anything else (possibly with a SYSCALL: pid/ppid) */
	EV_EXEC,      /* execve/execveat, successful or not: see exec.success */
	EV_FORK,      /* a successful process creation: pid made fork_child */
	EV_OPEN,      /* open/openat/openat2, successful or not: only file
			 rules read it (openevent.h), and only with their key */
};

struct ev_event {
	enum ev_kind kind;
	int64_t sec;
	uint32_t msec;
	uint64_t serial;
	bool has_syscall;    /* pid/ppid valid */
	struct kme_str node; /* node= name (absent: none): pids are per host;
				borrowed from au or from ev_build's node,
				valid during the event's callback */
	int32_t pid, ppid;
	int32_t fork_child;  /* EV_FORK */
	bool malformed;      /* see above; counted as a parse error */
	struct kme_exec exec; /* EV_EXEC; strings borrowed from the builder,
				 valid until the next ev_build */
};

struct ev_builder;

struct ev_builder *ev_builder_new(struct kme_err *err);
void ev_builder_free(struct ev_builder *b);

/* Classify and, for exec events, decode the event under au's cursor (any
 * record; the cursor is moved). node: the event's host when its records
 * reached libauparse without their node= prefix (assemble.h; borrowed for
 * the call, copied); absent: the node libauparse read, if any. Never fails:
 * hostile or broken input yields EV_OTHER or a malformed event. Cost
 * O(record bytes). */
void ev_build(struct ev_builder *b, auparse_state_t *au, struct kme_str node,
	      struct ev_event *out);

/* The fields of the exec event ev_build made last that only an alert
 * shows: ex->suid and sgid (SYSCALL's), ex->arch (arch= as libaudit names
 * it), and ex->title (process.title) from its PROCTITLE record (argv as the
 * kernel keeps it, NUL-separated, at most 128 bytes): trailing NULs
 * dropped, the others spaces, cut to KME_TITLE_MAX (title_cut set); absent
 * without the record. Separate from ev_build, so that only the execs the
 * rule watches pay for them; call it during the event's callback (the
 * values are libauparse's). The title is borrowed from b until the next
 * ev_build or ev_decode_details. O(record bytes). */
void ev_decode_details(struct ev_builder *b, struct kme_exec *ex);

/* arch= of a SYSCALL record (hex AUDIT_ARCH_*) as libaudit names it
 * ("x86_64", "i386"...: the name an ENRICHED log's ARCH= gives); NULL when
 * unknown. Static strings. */
const char *ev_arch_name(const char *hex);

/* process.title from a PROCTITLE record's proctitle value raw (hex or
 * quoted, as logged; NULL: no record) into ex->title and ex->title_cut, as
 * ev_decode_details says; decoded into buf (reset first), which ex->title
 * borrows until buf next changes. O(record bytes). */
struct kme_buf;
void ev_title(const char *raw, struct kme_buf *buf, struct kme_exec *ex);

/* Compare every argument of later exec events with set's values (borrowed
 * until the next call; NULL: none): kme_args.seen says which appeared. -1 with
 * err set on ENOMEM (then nothing is watched). */
int ev_builder_watch(struct ev_builder *b, const struct kme_argset *set,
		     struct kme_err *err);

/* Append dir "/" name to out (no second '/' when dir ends with one), name
 * without its leading "./"s and otherwise unchanged. -1 (out unchanged) when
 * out's bound is reached. Used for PATH names and for /proc paths alike.
 * dir and name may point into out only when room for both (plus a '/' and
 * a NUL) was reserved first: an append that grows out would move them. */
int ev_join_path(struct kme_str dir, struct kme_str name, struct kme_buf *out);

#endif
