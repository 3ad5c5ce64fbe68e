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
#include <string.h>

struct cfg_multicall;

/* A borrowed byte string. p may be NULL only when len == 0 ("absent"). The
 * owner is named by whoever hands it out. p[len] == '\0' always holds. */
struct kme_str {
	const char *p;
	size_t len;
};

#define KME_STR_NULL ((struct kme_str){ NULL, 0 })

static inline bool kme_str_present(struct kme_str s) { return s.p != NULL; }

/* The part of path s after its last '/' (all of it without one; absent
 * stays absent). Borrowed from s. */
static inline struct kme_str kme_str_base(struct kme_str s)
{
	size_t i = s.len;

	if (s.p == NULL)
		return s;
	while (i > 0 && s.p[i - 1] != '/')
		i--;
	return (struct kme_str){ s.p + i, s.len - i };
}

/* Is s (present) exactly the C string c? */
static inline bool kme_str_is(struct kme_str s, const char *c)
{
	size_t n = strlen(c);

	return s.p != NULL && s.len == n && memcmp(s.p, c, n) == 0;
}

/* The length of p[0..len) cut to cap bytes, never inside a UTF-8 sequence
 * (a cut there would turn valid text into invalid bytes): at most 3 bytes
 * less than cap. Inline: it runs once per argument listed, in every render
 * of an alert (alertclip.h). */
static inline size_t kme_cut(const char *p, size_t len, size_t cap)
{
	size_t n = cap, k;

	if (len <= cap)
		return len;
	for (k = 0; k < 4 && n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80; k++)
		n--;
	return k == 4 ? cap : n;
}

/* FNV-1a of p[0..len): a cheap unkeyed hash, for a small table whose every
 * entry is compared in full anyway (the trust cache, the store messages
 * already logged); never for chains of attacker-chosen keys (siphash.h).
 * O(len). */
static inline uint64_t kme_fnv1a(const char *p, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
	return h;
}

/* The argument caps an alert is fitted with (alert.h), tried in turn from
 * step 0: ECS's ignore_above for process.args (1024 bytes; a longer keyword
 * is not indexed anyway), halved down to 16. The process table keeps a
 * parent's arguments by the same ladder (pidtab.h). */
#define KME_ARG_CAP_STEPS 7

static inline size_t kme_arg_cap(int step)
{
	return (size_t)1024 >> step;
}

/* Argument values the rule's argument conditions name (rule_argset): the
 * exec decoder compares every argument of an event with them, however many
 * arguments there are, beyond what it stores (execargs.h). Borrowed. */
struct kme_argset {
	const struct kme_str *v;
	size_t n;
};

/* argv of a process, borrowed like kme_str. v[0..n) is what was stored;
 * truncated is set when the process had more arguments or bytes than the
 * bound that stored them (or some were stored cut: clipped). argc is the real count as the kernel logged it
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
	/* Args its producer kept as a prefix of the real argument (the process
	 * table's bounded copy of a parent, pidtab.h): bit i for v[i], i < 64;
	 * each such arg was cut to at most clip_bytes bytes. */
	uint64_t clipped;
	size_t clip_bytes;
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

/* "unknown", "audit", "procfs": the parent_source of alerts and --explain. */
static inline const char *kme_parent_source_name(enum kme_parent_source s)
{
	static const char *const names[] = {
		[KME_PARENT_UNKNOWN] = "unknown",
		[KME_PARENT_AUDIT] = "audit",
		[KME_PARENT_PROCFS] = "procfs",
	};

	if ((unsigned)s >= sizeof(names) / sizeof(names[0]) || !names[s])
		return "unknown";
	return names[s];
}

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

/* Where a process's life began, as far as the plugin knows it: the
 * inputs of process.entity_id and process.start (entity.h). */
enum kme_start_kind {
	KME_START_NONE = 0,       /* not known: no entity id, no start */
	KME_START_AUDIT,          /* the first event of its life the stream
				     showed: its fork record, else its first
				     exec (ms, ref: that event's time and
				     serial) */
	KME_START_PROCFS,         /* live mode, a process whose start the stream
				     never showed: /proc/<pid>/stat starttime
				     (ref: clock ticks after boot `boot`; ms:
				     boot time + ticks, to the tick) */
};

struct kme_start {
	uint8_t kind;             /* enum kme_start_kind */
	int64_t ms;               /* when, in ms since the epoch */
	uint64_t ref;             /* audit: event serial; procfs: ticks */
	const char *boot;         /* procfs: the boot id (36 characters, from
				     /proc/sys/kernel/random/boot_id); static
				     for the process table's life */
};

/* Who a process runs as: its real and effective user and group ids, all
 * valid when known is set (a zeroed struct is "unknown", never root). */
struct kme_cred {
	bool known;
	uint32_t uid, euid, gid, egid;
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
	struct kme_start start;    /* when its life began (entity.h): the
				      exec'd process's is pt_resolve_parent's,
				      a parent's or entry leader's the table's
				      (proctable.h) */
	struct kme_cred cred;      /* a parent's or entry leader's ids (the
				      exec'd process's own are kme_exec.uid...) */
};

/* The kernel cuts a comm to 15 bytes (TASK_COMM_LEN - 1). */
#define KME_COMM_MAX 15

/* Is p's name `name`? A process known only by its comm shows at most 15
 * bytes of its name: a longer name then matches on its first 15 bytes, and
 * the comm must be exactly that long (a shorter comm is the whole name). */
static inline bool kme_proc_named(const struct kme_proc *p, const char *name)
{
	size_t n = strlen(name);

	if (p->name.p == NULL)
		return false;
	if (p->name_is_comm && n > KME_COMM_MAX)
		return p->name.len == KME_COMM_MAX &&
		       memcmp(p->name.p, name, KME_COMM_MAX) == 0;
	return kme_str_is(p->name, name);
}

/* process.entry_leader, approximated from the ancestry (entryleader.h).
 * proc.pid is -1 when unknown; strings are borrowed from the process table
 * or the entry-leader finder, valid like the parent's. */
struct kme_entry_leader {
	struct kme_proc proc;
	enum kme_parent_source source; /* where its identity came from */
	const char *how;          /* static text: "child_of_init",
				     "child_of_starter", or why unknown */
	struct kme_str starter;   /* the starter's name (child_of_starter) */
	int depth;                /* steps up from the process (0: itself) */
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
	uint32_t suid, sgid;      /* saved set-user and set-group ids
				     (ev_decode_details, execevent.h) */
	struct kme_str tty;       /* absent when "(none)" or missing */
	struct kme_str comm;      /* SYSCALL comm, <= 15 bytes from the kernel */
	struct kme_str exe;       /* SYSCALL exe: the resolved binary */
	struct kme_str user_name; /* ENRICHED UID= interpretation; absent in RAW */
	struct kme_str euser_name;  /* ENRICHED EUID= (live: the local passwd) */
	struct kme_str group_name;  /* ENRICHED GID= (live: the local group db) */
	struct kme_str egroup_name; /* ENRICHED EGID= (live: the local group db) */
	struct kme_str auser_name;  /* ENRICHED AUID= (live: the local passwd):
				       the login user, user.audit.name */
	const char *arch;         /* SYSCALL arch= as libaudit names it
				     ("x86_64", "i386"...); NULL when unknown.
				     Static. (ev_decode_details) */
	struct kme_str title;     /* PROCTITLE decoded: argv as the kernel
				     logged it (at most 128 bytes), NULs as
				     spaces; absent without the record
				     (ev_decode_details) */
	bool title_cut;           /* title was longer than KME_TITLE_MAX */

	struct kme_proc parent;
	enum kme_parent_source parent_source;
	enum kme_parent_note parent_note;
	int32_t parent_creator;   /* KME_PNOTE_FORK*: who forked the parent */

	struct kme_entry_leader entry_leader; /* filled by el_find */

	/* PATH item 0's inode and device (the file executed), when logged. */
	bool path_id_known;
	uint64_t path_ino;
	uint32_t path_dev_major, path_dev_minor;
	/* Live mode: the configured multicall binary that is the same file
	 * (device and inode) as the one executed, or NULL (multicall.h). */
	const struct cfg_multicall *same_file_as;
};

#define KME_ID_UNSET UINT32_MAX

/* The kernel logs at most 128 bytes of a proctitle; a record that claims
 * more (hostile, or a future kernel) is cut to this (ECS's ignore_above). */
#define KME_TITLE_MAX 1024

#endif
