/* execevent.h - one auparse event to the ECS view of a process start.
 *
 * Field mapping (rule.md): process.executable is PATH item 0 `name` (the path
 * given to execve: a symlink stays itself, a script is the script) made
 * absolute with CWD and normalised lexically (".", "..", "//"; symlinks are
 * never resolved), falling back to SYSCALL `exe`; process.name is its
 * basename, falling back to `comm` (name_is_comm). For execveat with a path
 * relative to a directory fd (unknown to us), executable is `exe` but name is
 * still the basename of the path as run; fexecve logs an empty path, so both
 * come from `exe` (as for Elastic Defend, the kernel has no other name). argv comes from the EXECVE
 * records: quoted or hex values are decoded, and arguments split as
 * `aN_len` + `aN[i]` pieces (even across several EXECVE records) are joined.
 * Bytes are kept exactly; nothing is dropped silently: what exceeds the bounds
 * sets args.truncated, and inconsistencies (missing, duplicate or
 * out-of-order pieces, a length that does not add up, missing arguments,
 * undecodable values) set `malformed`. A hole between logged arguments is
 * an empty string; arguments that argc promises beyond the last logged one
 * are not invented (args.n counts what was logged).
 *
 * Bounds: EV_MAX_ARGS arguments and EV_MAX_BYTES bytes of decoded strings per
 * event (above the kernel's default ARG_MAX of 2 MiB, so a default system
 * never truncates). The builder's memory is reused from event to event:
 * steady state allocates nothing.
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

#define EV_MAX_ARGS (256 * 1024)
#define EV_MAX_BYTES (4 * 1024 * 1024)

enum ev_kind {
	EV_OTHER = 0, /* anything else (possibly with a SYSCALL: pid/ppid) */
	EV_EXEC,      /* execve/execveat, successful or not: see exec.success */
	EV_FORK,      /* a successful process creation: pid made fork_child */
};

struct ev_event {
	enum ev_kind kind;
	int64_t sec;
	uint32_t msec;
	uint64_t serial;
	bool has_syscall;    /* pid/ppid valid */
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
 * record; the cursor is moved). Never fails: hostile or broken input yields
 * EV_OTHER or a malformed event. Cost O(record bytes). */
void ev_build(struct ev_builder *b, auparse_state_t *au, struct ev_event *out);

/* Decode one audit field value: "quoted" -> the bytes between the quotes;
 * even-length hex -> its bytes; "(null)" -> absent (returns 1); anything else
 * is kept as is and returns 2 (unexpected form). 0 on a normal decode.
 * Appends to out (bounded). Exposed for tests and the fuzzers. */
struct kme_buf;
int ev_decode_value(const char *raw, struct kme_buf *out);

/* Lexically normalise `path` (absolute, len bytes) into out: collapse "//",
 * drop ".", and resolve ".." against the preceding component. */
int ev_normalize_path(const char *path, size_t len, struct kme_buf *out);

#endif
