/* config.h - the plugin's configuration: the rule as data, and its defaults.
 *
 * File format (as audit's own tools): one `key = value` per line, `#` starts a
 * comment line, blank lines are ignored, keys are case-sensitive, unknown keys
 * are errors. List keys may repeat; each occurrence appends. The built-in
 * defaults are the text of conf/audisp-kmod-enum.conf compiled into the binary
 * (cfg_default_text), so "no file" and "the shipped file" are the same rule.
 *
 * All or nothing: cfg_load collects every error of a file and fails the whole
 * file; the caller swaps configs only on success (a reload that fails keeps
 * the old one).
 *
 * Keys (see audisp-kmod-enum.conf(5) and the shipped file for the full text):
 *   match = NAME [ARG ...]          process.name == NAME and, when ARGs are
 *                                   given, any argv element equals one ARG
 *   exclude_parent_name = NAME ...  process.parent.name is one of NAMEs
 *   exclude_parent_executable = GLOB ...  fnmatch(GLOB, parent.executable, 0)
 *   exclude_executable = GLOB ...   fnmatch on process.executable
 *   exclude_user = USER ...         user name or numeric uid (user.id)
 *   new_terms_fields = FIELD ...    from cfg_term_field_names
 *   history_window = DURATION       e.g. 14d, 36h, 90m, 600s, 600
 *   max_alerts = N                  per alert_interval; 0 = unlimited
 *   alert_interval = DURATION
 *   state_file = PATH
 *   state_save_interval = DURATION
 *   max_terms = N
 *   process_table_size = N          entries (LRU-evicted beyond)
 *   process_table_memory = BYTES    e.g. 48M; bytes of strings (LRU beyond)
 *   eoe_timeout = DURATION          auparse end-of-event timeout
 *   alert_format = json | text
 *   syslog_facility = NAME          daemon, authpriv, local0..local7, ...
 *   syslog_priority = NAME          emerg .. debug
 *   output_queue = N                alerts kept while syslog is stalled
 *   rule_id, rule_name, rule_version, rule_severity, rule_risk_score
 */
#ifndef KME_CONFIG_H
#define KME_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Where a config value came from, for messages ("excluded by
 * exclude_parent_name 'dkms' (/etc/audit/audisp-kmod-enum.conf:31)"). */
struct cfg_origin {
	const char *file; /* owned by the config; "<built-in>" for defaults */
	int line;
};

/* A program the rule watches. */
struct cfg_match {
	char *name;          /* exact, case-sensitive process.name */
	char **args;         /* NULL-terminated; empty = no argument condition */
	size_t nargs;
	struct cfg_origin origin;
};

/* One exclusion pattern. */
enum cfg_excl_kind {
	CFG_EXCL_PARENT_NAME = 0,       /* exact string */
	CFG_EXCL_PARENT_EXECUTABLE,     /* fnmatch glob, no FNM_PATHNAME */
	CFG_EXCL_EXECUTABLE,            /* fnmatch glob, no FNM_PATHNAME */
	CFG_EXCL_USER,                  /* name, or uid when all digits */
	CFG_EXCL__COUNT
};

struct cfg_excl {
	enum cfg_excl_kind kind;
	char *pattern;
	bool is_uid;         /* CFG_EXCL_USER with an all-digit pattern */
	uint32_t uid;        /* valid when is_uid */
	struct cfg_origin origin;
};

/* ECS fields a new term can be built from. */
enum cfg_term_field {
	CFG_TF_EXECUTABLE = 0,        /* process.executable */
	CFG_TF_NAME,                  /* process.name */
	CFG_TF_PARENT_EXECUTABLE,     /* process.parent.executable */
	CFG_TF_PARENT_NAME,           /* process.parent.name */
	CFG_TF_USER_ID,               /* user.id */
	CFG_TF_HOST_NAME,             /* host.name */
	CFG_TF__COUNT
};

#define CFG_MAX_TERM_FIELDS 4

enum cfg_format { CFG_FORMAT_JSON = 0, CFG_FORMAT_TEXT };

struct kme_config {
	char *path;                   /* file it came from; "<built-in>" */

	struct cfg_match *matches;
	size_t nmatches;
	struct cfg_excl *excls;
	size_t nexcls;

	enum cfg_term_field term_fields[CFG_MAX_TERM_FIELDS];
	size_t nterm_fields;
	int64_t history_window;       /* seconds */
	uint32_t max_alerts;          /* per alert_interval, 0 = no limit */
	int64_t alert_interval;       /* seconds */
	size_t max_terms;

	char *state_file;
	int64_t state_save_interval;  /* seconds */

	size_t process_table_size;    /* entries */
	size_t process_table_memory;  /* bytes */
	int64_t eoe_timeout;          /* seconds */

	enum cfg_format alert_format;
	int syslog_facility;          /* LOG_* facility value */
	int syslog_priority;          /* LOG_* level value */
	size_t output_queue;          /* alerts */

	char *rule_id;
	char *rule_name;
	char *rule_version;
	char *rule_severity;
	uint32_t rule_risk_score;
};

/* The compiled-in copy of conf/audisp-kmod-enum.conf, NUL-terminated. */
extern const char cfg_default_text[];

/* ECS name of a term field ("process.parent.executable"). */
const char *cfg_term_field_name(enum cfg_term_field f);

/* Parse `text` (len bytes, any content) as a config named `name` (used in
 * messages). On success returns 0 and a new config in *out, owned by the
 * caller (cfg_free). On failure returns -1, *out untouched, and err holds
 * every error, one "name:line: message" per line (as many as fit).
 * Cost: O(len) plus O(entries) allocations. */
int cfg_parse(const char *name, const char *text, size_t len,
	      struct kme_config **out, struct kme_err *err);

/* Read and parse a file. When check_owner is set, refuse a file that is not
 * a regular file owned by root, or is group- or world-writable (as auditd
 * does for its own config). Errors as cfg_parse; a missing file is an error
 * (the caller decides whether the built-in default applies). */
int cfg_load(const char *path, bool check_owner, struct kme_config **out,
	     struct kme_err *err);

/* The built-in defaults (cfg_default_text). Fails only on ENOMEM. */
int cfg_load_default(struct kme_config **out, struct kme_err *err);

void cfg_free(struct kme_config *cfg);

/* Parse a duration such as "14d", "36h", "90m", "600s" or "600" into
 * seconds. Returns -1 on syntax error or overflow. */
int cfg_parse_duration(const char *s, int64_t *out);

#endif
