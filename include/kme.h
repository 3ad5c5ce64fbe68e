/* kme.h - types shared by every stage of audisp-kmod-enum.
 *
 * The data flow is: reader (bytes -> records) -> assemble (records -> auparse
 * events) -> execevent (event -> struct kme_exec) -> proctable (parents) ->
 * rule (match, exclusions) -> newterms (history) -> limit -> alert -> output.
 *
 * Strings from the audit stream are attacker-chosen bytes: they may hold any
 * byte except that a decoded value is always NUL-terminated for convenience.
 * Always use the length, never strlen().
 */
#ifndef KME_H
#define KME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A borrowed byte string. p may be NULL only when len == 0 ("absent"). The
 * owner is named by whoever hands it out. p[len] == '\0' always holds. */
struct kme_str {
	const char *p;
	size_t len;
};

#define KME_STR_NULL ((struct kme_str){ NULL, 0 })

static inline bool kme_str_present(struct kme_str s) { return s.p != NULL; }

/* Argument values the rule's argument conditions name (rule_argset): the
 * exec decoder compares every argument of an event with them, however many
 * arguments there are, beyond what it stores (execargs.h). Borrowed. */
struct kme_argset {
	const struct kme_str *v;
	size_t n;
};

/* argv of a process, borrowed like kme_str. v[0..n) is what was stored;
 * truncated is set when the process had more arguments or bytes than the
 * bound that stored them. argc is the real count as the kernel logged it
 * (n <= argc); a producer that stored every argument may leave it 0: use
 * kme_args_count(). When watched is set, seen[i] tells whether
 * watched->v[i] was one of ALL the arguments, stored or not. */
struct kme_args {
	const struct kme_str *v;
	size_t n;
	bool truncated;
	size_t argc;
	const struct kme_argset *watched;
	const bool *seen;
};

/* The real number of arguments: never made up from what was stored. */
static inline size_t kme_args_count(const struct kme_args *a)
{
	return a->argc > a->n ? a->argc : a->n;
}

/* Where the parent's identity came from; printed on every alert. */
enum kme_parent_source {
	KME_PARENT_UNKNOWN = 0, /* no trustworthy identity (incl. reparented) */
	KME_PARENT_AUDIT,       /* an earlier exec (or fork) event in the stream */
	KME_PARENT_PROCFS,      /* live mode: /proc/<ppid> at the time of the event */
};

const char *kme_parent_source_name(enum kme_parent_source s);

/* How the process table decided the parent, beyond its source (for
 * --explain). */
enum kme_parent_note {
	KME_PNOTE_NONE = 0,     /* its own exec event (or /proc) */
	KME_PNOTE_FORK,         /* a fork record: a copy of its creator that
				   never exec'd (a subshell) */
	KME_PNOTE_FORK_REUSED,  /* ... whose pid had belonged to an earlier
				   process: that identity was stale */
	KME_PNOTE_UNSEEN,       /* the stream never described the ppid */
	KME_PNOTE_REPARENTED,   /* ppid is a reaper: the creator is unknown */
};

/* A process as ECS describes it (process.* or process.parent.*). */
struct kme_proc {
	int32_t pid;              /* -1 when unknown */
	struct kme_str executable; /* absent when unknown */
	struct kme_str name;       /* absent when unknown */
	bool name_is_comm;         /* name is a 15-byte kernel comm, maybe cut */
	bool exe_resolved;         /* executable is the resolved binary: the
				      path as run could not be made absolute */
	struct kme_args args;
	struct kme_str cwd;        /* absent when unknown */
};

/* One successful or failed execve/execveat, as ECS fields.
 * Filled by execevent; parent filled by proctable. All strings are borrowed:
 * the event's from the assembler (valid until the next event is delivered),
 * the parent's from the process table (valid until the table is next changed). */
struct kme_exec {
	int64_t sec;              /* event time, seconds since the epoch */
	uint32_t msec;            /* milliseconds part */
	uint64_t serial;          /* audit event serial */
	struct kme_str node;      /* node= prefix; absent when none */
	bool remote;              /* another host's event (engine): its uids are
				     not named with this machine's passwd */
	bool success;             /* SYSCALL success=yes */

	struct kme_proc proc;
	int32_t ppid;

	uint32_t uid, euid, gid, egid, auid, ses; /* (uint32_t)-1 when unset */
	struct kme_str tty;       /* absent when "(none)" or missing */
	struct kme_str comm;      /* SYSCALL comm, <= 15 bytes from the kernel */
	struct kme_str exe;       /* SYSCALL exe: the resolved binary */
	struct kme_str user_name; /* ENRICHED UID= interpretation; absent in RAW */

	struct kme_proc parent;
	enum kme_parent_source parent_source;
	enum kme_parent_note parent_note;
	int32_t parent_creator;   /* KME_PNOTE_FORK*: who forked the parent */
};

#define KME_ID_UNSET UINT32_MAX

#endif
