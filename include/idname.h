/* idname.h - user and group names of this host's ids, without ever waiting
 * for NSS on the input path (plugin/idname.c, prefix idn_).
 *
 * A RAW audit record carries uids and gids, not names; alerts and the
 * exclude_user-by-name exclusion want names. getpwuid_r() goes through NSS,
 * which may ask sssd or an LDAP server and take seconds when they are down:
 * on the input path that would stall auditd. So a name comes, in order, from
 *   1. a bounded cache (answers and "no such id" alike, each with a time to
 *      live, so that a renamed or new account is seen within a minute or
 *      ten);
 *   2. the local files (/etc/passwd, /etc/group by default), read by this
 *      module itself -- never through NSS -- as a root-owned file that
 *      nobody else can write (safefile.h), kept in memory and read again
 *      when its size, mtime or inode changes (checked at most once per
 *      IDN_STAT_MS). A local file read takes microseconds and talks to no
 *      server: the accounts of the machine itself (root, the system users,
 *      local users) are named at once;
 *   3. for an id the files do not have, one resolver thread asking NSS
 *      (getpwuid_r/getgrgid_r, the buffer grown on ERANGE up to
 *      IDN_NSS_BUF_MAX). The lookup answers IDN_PENDING at once; the
 *      answer enters the cache when the thread has it, for later lookups.
 *      The first alert of a directory (LDAP, sssd) user after a start can
 *      therefore lack the name: the price of never waiting.
 * The thread starts at the first NSS question (a replay never starts it),
 * blocks every signal (they stay the main loop's), and never holds the lock
 * while it asks NSS. Questions wait in a queue of IDN_QUEUE entries; beyond,
 * they are dropped and counted (asked again after the negative time to
 * live).
 *
 * Memory: the cache (max_entries entries of about 280 bytes, 4-way
 * set-associative, least recently used replaced and counted), the two files
 * (at most IDN_FILE_MAX bytes each), the queues. Not thread-safe for its
 * callers: one thread (the engine's) calls idn_*.
 */
#ifndef KME_IDNAME_H
#define KME_IDNAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define IDN_NAME_MAX 256               /* bytes of a name, NUL included */
#define IDN_QUEUE 64                   /* NSS questions waiting */
#define IDN_STAT_MS 1000               /* files checked for change */
#define IDN_FILE_MAX (16u << 20)       /* bytes of /etc/passwd or group */
#define IDN_NSS_BUF_MAX (1u << 20)     /* getpwuid_r buffer, at most */

enum idn_kind { IDN_USER = 0, IDN_GROUP };

enum idn_result {
	IDN_FOUND = 0,   /* the name is in out */
	IDN_NONE,        /* no such id (files and NSS agree, or files only) */
	IDN_PENDING,     /* NSS was asked; not known yet */
};

/* One NSS question, as the resolver thread asks it: 1 with the name in
 * out (NUL-terminated, < size), 0 when the id has no entry, -1 when NSS
 * failed (asked again after the negative time to live). The default
 * (NULL) is getpwuid_r/getgrgid_r; tests put a slow one here. */
typedef int (*idn_nss_fn)(enum idn_kind kind, uint32_t id, char *out,
			  size_t size);

struct idn_opts {
	const char *passwd_path;   /* NULL: /etc/passwd */
	const char *group_path;    /* NULL: /etc/group */
	size_t max_entries;        /* cache entries (rounded up to 4) */
	int64_t ttl_ms;            /* a name found, ms */
	int64_t negative_ttl_ms;   /* "no such id", ms */
	bool use_nss;              /* ask NSS for ids the files lack */
	idn_nss_fn nss;            /* NULL: the system's NSS */
};

struct idn_stats {
	uint64_t hits;             /* answered by the cache */
	uint64_t file_answers;     /* answered by the local files */
	uint64_t nss_asked;        /* questions queued for the thread */
	uint64_t nss_answers;      /* answers taken into the cache */
	uint64_t nss_dropped;      /* questions refused: queue full */
	uint64_t evictions;        /* cache entries replaced */
	uint64_t file_errors;      /* a file refused or unreadable */
};

struct idn_cache;

/* A cache with the options o (copied). NULL with err on ENOMEM. Reads
 * nothing yet. */
struct idn_cache *idn_new(const struct idn_opts *o, struct kme_err *err);

/* Stop the thread (waiting for it at most 100 ms: one stuck in NSS is left
 * to finish alone and frees what it shares) and free c. NULL is a no-op. */
void idn_free(struct idn_cache *c);

/* The name of id (kind) at now_ms (a monotonic clock, clock.h), copied to
 * out (IDN_NAME_MAX bytes) when IDN_FOUND. Never waits on NSS; may read a
 * changed local file (bounded, see above). Takes the thread's answers in
 * first. */
enum idn_result idn_lookup(struct idn_cache *c, enum idn_kind kind,
			   uint32_t id, int64_t now_ms,
			   char out[IDN_NAME_MAX]);

void idn_get_stats(const struct idn_cache *c, struct idn_stats *out);

#endif
