/* redisurl.h - the new-terms store's address (new_terms_store, --store):
 * "file" or a Redis URL, parsed without any I/O (plugin/redisurl.c, prefix
 * ru_). No hiredis needed: cfgvalue.c checks URLs with it in every build.
 *
 * Accepted forms (nothing else):
 *   file
 *   redis://[USER@ | [USER]:PASSWORD@]HOST[:PORT][/DB]
 *   unix:///ABSOLUTE/PATH/redis.sock[?db=N]
 * HOST is a DNS name or IPv4 address ([A-Za-z0-9.-], 1..253 bytes) or an
 * IPv6 address in brackets ([0-9A-Fa-f:.], 2..45 bytes inside); PORT
 * 1..65535 (default 6379); DB 0..65535 (default 0). USER and PASSWORD may
 * hold %XX escapes (decoded; a decoded NUL is refused); USER may be empty
 * (":PASSWORD@": the default user); "USER@" alone names an ACL user whose
 * password is in redis_password_file. The socket path must fit sun_path (107
 * bytes) and contain no "?"; a trailing query other than db=N is refused.
 * The whole string is at most RU_MAX bytes of printable ASCII (no spaces,
 * no control bytes): every input is hostile, and refusing beats guessing.
 *
 * ru_show() gives the URL with any password replaced by "***", for
 * messages and logs: a password never reaches a log line.
 *
 * Cost O(len), no allocation. Errors: -1 with err ("new_terms_store: ...").
 */
#ifndef KME_REDISURL_H
#define KME_REDISURL_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define RU_MAX 1024
#define RU_HOST_MAX 253
#define RU_PATH_MAX 107         /* sun_path minus its NUL */
#define RU_CRED_MAX 256         /* decoded user or password, NUL excluded */
#define RU_DEFAULT_PORT 6379

enum ru_kind { RU_FILE = 0, RU_TCP, RU_UNIX };

struct ru_url {
	enum ru_kind kind;
	char host[RU_HOST_MAX + 1];     /* RU_TCP, brackets removed */
	int port;                       /* RU_TCP */
	char path[RU_PATH_MAX + 1];     /* RU_UNIX */
	char user[RU_CRED_MAX + 1];     /* "" = the default user */
	char password[RU_CRED_MAX + 1]; /* "" = none in the URL */
	bool has_password;
	int db;
};

/* Parse s (NUL-terminated). 0 with *out filled, or -1 with err. */
int ru_parse(const char *s, struct ru_url *out, struct kme_err *err);

/* The address for messages, password masked: "redis://u:***@h:6379/0",
 * "unix:///run/redis.sock?db=0", "file". Returns buf. */
const char *ru_show(const struct ru_url *u, char *buf, size_t size);

#endif
