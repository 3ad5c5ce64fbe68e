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

/* argv of a process, borrowed like kme_str. truncated is set when the
 * process had more arguments or bytes than the bound that stored them. */
struct kme_args {
	const struct kme_str *v;
	size_t n;
	bool truncated;
};

/* Where the parent's identity came from; printed on every alert. */
enum kme_parent_source {
	KME_PARENT_UNKNOWN = 0, /* no trustworthy identity (incl. reparented) */
	KME_PARENT_AUDIT,       /* an earlier exec (or fork) event in the stream */
	KME_PARENT_PROCFS,      /* live mode: /proc/<ppid> at the time of the event */
};

const char *kme_parent_source_name(enum kme_parent_source s);

/* A process as ECS describes it (process.* or process.parent.*). */
struct kme_proc {
	int32_t pid;              /* -1 when unknown */
	struct kme_str executable; /* absent when unknown */
	struct kme_str name;       /* absent when unknown */
	bool name_is_comm;         /* name is a 15-byte kernel comm, maybe cut */
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
};

#define KME_ID_UNSET UINT32_MAX

#endif
