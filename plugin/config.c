/* config.c - parse the configuration file into a struct kme_config.
 *
 * The format and the keys are described in cfg.h and
 * audisp-kmod-enum.conf(5). The parser is a loop over lines and a sorted key
 * table (searched with bsearch); each key names its handler (cfgvalue.c),
 * where the value goes, its bounds and its default. Every error of a file is
 * collected, and a file with any error yields no config at all. Files are
 * read here (size-bounded, owner and mode checked), includes too.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>

#include "cfg.h"
#include "cfgparse.h"
#include "safefile.h"

/* The state directory is a configure-time choice (--with-statedir); the
 * build should pass it as -DKME_STATEDIR so that the fallback default below
 * equals the @statedir@ substituted into the shipped file. check_config
 * verifies that they agree. */
#ifndef KME_STATEDIR
#define KME_STATEDIR "/var/lib/audisp-kmod-enum"
#endif

#define CFG_MAX_SIZE    (1024 * 1024)  /* bytes of one file */
#define CFG_MAX_LINE    4096           /* bytes of one line, newline excluded */
#define CFG_MAX_LINES   100000

static const struct name_val facility_names[] = {
	{ "auth", LOG_AUTH },         { "authpriv", LOG_AUTHPRIV },
	{ "cron", LOG_CRON },         { "daemon", LOG_DAEMON },
	{ "ftp", LOG_FTP },           { "kern", LOG_KERN },
	{ "local0", LOG_LOCAL0 },     { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 },     { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 },     { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 },     { "local7", LOG_LOCAL7 },
	{ "lpr", LOG_LPR },           { "mail", LOG_MAIL },
	{ "news", LOG_NEWS },         { "syslog", LOG_SYSLOG },
	{ "user", LOG_USER },         { "uucp", LOG_UUCP },
	{ NULL, 0 }
};

static const struct name_val priority_names[] = {
	{ "alert", LOG_ALERT },   { "crit", LOG_CRIT },
	{ "debug", LOG_DEBUG },   { "emerg", LOG_EMERG },
	{ "err", LOG_ERR },       { "info", LOG_INFO },
	{ "notice", LOG_NOTICE }, { "warning", LOG_WARNING },
	{ NULL, 0 }
};

static const struct name_val format_names[] = {
	{ "json", CFG_FORMAT_JSON }, { "text", CFG_FORMAT_TEXT }, { NULL, 0 }
};

/* Elastic's severity levels and the numbers its detection engine gives them
 * (and maps back from event.severity in the "External Alerts" rule). */
static const struct name_val severity_names[] = {
	{ "low", 21 }, { "medium", 47 }, { "high", 73 }, { "critical", 99 },
	{ NULL, 0 }
};

static const struct name_val bool_names[] = {
	{ "yes", 1 }, { "no", 0 }, { NULL, 0 }
};


static void parse_text(struct parser *p, const char *text, size_t len);
static int read_file(const char *path, bool check_owner, char **text,
		     size_t *len, struct kme_err *err);

/* Parse another file here: its own name and lines in messages, its name
 * kept in the config for origins. */
static int set_include(struct parser *p, const struct cfg_key *k, char *val)
{
	struct kme_config *cfg = p->cfg;
	const char *saved_name = p->name, *saved_origin = p->origin;
	int saved_line = p->line;
	unsigned saved_id = p->file_id;
	struct kme_err ferr;
	char *text = NULL, *name, **nf;
	size_t len = 0;

	if (val[0] != '/' || strpbrk(val, " \t") != NULL) {
		cp_perr(p, "%s: '%.*s' is not an absolute path", k->name,
		         CFG_SHOW_VALUE, val);
		return -1;
	}
	if (p->depth >= CFG_MAX_INCLUDE_DEPTH) {
		cp_perr(p, "%s: '%.*s': nested too deeply (limit %d; a loop?)",
		         k->name, CFG_SHOW_VALUE, val, CFG_MAX_INCLUDE_DEPTH);
		return -1;
	}
	if (cfg->nfiles >= CFG_MAX_FILES) {
		cp_perr(p, "%s: too many included files (limit %d)", k->name,
		         CFG_MAX_FILES);
		return -1;
	}
	if (read_file(val, p->check_owner, &text, &len, &ferr) < 0) {
		cp_perr(p, "%s: %s", k->name, ferr.msg);
		return -1;
	}
	if (len > CFG_MAX_SIZE) {
		cp_perr(p, "%s: %s: too large (limit %d bytes)", k->name, val,
		         CFG_MAX_SIZE);
		free(text);
		return -1;
	}
	if ((nf = cp_grow(p, cfg->files, cfg->nfiles, sizeof(*nf))) == NULL ||
	    (cfg->files = nf, name = cp_dup(p, val)) == NULL) {
		free(text);
		return -1;
	}
	cfg->files[cfg->nfiles++] = name;
	p->depth++;
	p->name = p->origin = name;
	p->line = 0;
	p->file_id = ++p->nfile_ids;
	parse_text(p, text, len);
	p->depth--;
	p->name = saved_name;
	p->origin = saved_origin;
	p->line = saved_line;
	p->file_id = saved_id;
	free(text);
	return 0;
}

/* ---- the key table (sorted by name: bsearch) ------------------------- */

#define OFF(f) offsetof(struct kme_config, f)

/* Written for this project (not Elastic's text, which is under the Elastic
 * License): what the rule looks for and why it matters. */
#define RULE_DESCRIPTION \
	"Flags a program that lists or inspects the kernel modules of a Linux " \
	"host (lsmod, modinfo, kmod list, depmod --all/-a) when this pair of " \
	"program and parent program has not been seen on the host within the " \
	"history window. Intruders enumerate modules to learn what the kernel " \
	"runs (security modules, drivers, a loaded rootkit) before they act; " \
	"routine callers such as initramfs and DKMS tools are excluded."
#define RULE_REFERENCE \
	"https://github.com/elastic/detection-rules/blob/main/rules/linux/" \
	"discovery_kernel_module_enumeration.toml"
#define DAY (86400LL)

static const struct cfg_key keys[] = {
	{ "alert_format", cv_set_format, false, 0, 0, 0, format_names, 0, "json" },
	{ "alert_interval", cv_set_duration, false, OFF(alert_interval), 1, DAY,
	  NULL, 0, "5m" },
	{ "entry_leader_starters", cv_set_starters, true, 0, 0, 0, NULL, 0,
	  "sshd sshd-session login systemd containerd-shim "
	  "containerd-shim-runc-v2 conmon tmux screen" },
	{ "eoe_timeout", cv_set_duration, false, OFF(eoe_timeout), 1, 3600,
	  NULL, 0, "2s" },
	{ "event_action", cv_set_actions, true, 0, 0, 0, NULL, 0,
	  "exec exec_event" },
	{ "exclude_entry_leader_executable", cv_set_excl, true, 0, 0, 0, NULL,
	  CFG_EXCL_ENTRY_LEADER_EXECUTABLE, NULL },
	{ "exclude_executable", cv_set_excl, true, 0, 0, 0, NULL,
	  CFG_EXCL_EXECUTABLE, NULL },
	{ "exclude_parent_args", cv_set_excl, true, 0, 0, 0, NULL,
	  CFG_EXCL_PARENT_ARGS, NULL },
	{ "exclude_parent_executable", cv_set_excl, true, 0, 0, 0, NULL,
	  CFG_EXCL_PARENT_EXECUTABLE, NULL },
	{ "exclude_parent_name", cv_set_excl, true, 0, 0, 0, NULL,
	  CFG_EXCL_PARENT_NAME, NULL },
	{ "exclude_user", cv_set_excl, true, 0, 0, 0, NULL, CFG_EXCL_USER, NULL },
	{ "history_window", cv_set_duration, false, OFF(history_window), 1,
	  3650 * DAY, NULL, 0, "14d" },
	{ "include", set_include, true, 0, 0, 0, NULL, 0, NULL },
	{ "local_node", cv_set_node, false, OFF(local_node), 0, 0, NULL, 0,
	  NULL },
	{ "match", cv_set_match, true, 0, 0, 0, NULL, 0, NULL },
	{ "match_multicall", cv_set_bool, false, OFF(match_multicall), 0, 0,
	  bool_names, 0, "no" },
	{ "max_alert_size", cv_set_bytes, false, OFF(max_alert_size),
	  CFG_MIN_ALERT_SIZE, CFG_MAX_ALERT_SIZE, NULL, 0, "7168" },
	{ "max_alerts", cv_set_u32, false, OFF(max_alerts), 0, 1000000, NULL, 0,
	  "100" },
	{ "max_terms", cv_set_size, false, OFF(max_terms), 1, 100000000, NULL, 0,
	  "100000" },
	{ "multicall_binary", cv_set_multicall, true, 0, 0, 0, NULL, 0,
	  "/usr/bin/kmod /bin/kmod /usr/sbin/kmod /sbin/kmod "
	  "/usr/bin/busybox /bin/busybox /usr/sbin/busybox /sbin/busybox" },
	{ "new_terms_fields", cv_set_fields, true, 0, 0, 0, NULL, 0,
	  "process.executable process.parent.executable" },
	{ "new_terms_store", cv_set_store, false, OFF(new_terms_store), 0, 0,
	  NULL, 0, "file" },
	{ "output_queue", cv_set_size, false, OFF(output_queue), 1, 1000000, NULL,
	  0, "10000" },
	{ "process_table_memory", cv_set_bytes, false, OFF(process_table_memory),
	  64 * 1024, 64LL * 1024 * 1024 * 1024, NULL, 0, "48M" },
	{ "process_table_size", cv_set_size, false, OFF(process_table_size), 16,
	  16 * 1024 * 1024, NULL, 0, "65536" },
	{ "redis_command_timeout", cv_set_ms, false, OFF(redis_command_timeout),
	  1, 60000, NULL, 0, "50ms" },
	{ "redis_connect_timeout", cv_set_ms, false, OFF(redis_connect_timeout),
	  1, 60000, NULL, 0, "50ms" },
	{ "redis_key_prefix", cv_set_prefix, false, OFF(redis_key_prefix), 0, 0,
	  NULL, 0, "kme:" },
	{ "redis_password_file", cv_set_path, false, OFF(redis_password_file), 0,
	  0, NULL, 0, NULL },
	{ "rule_author", cv_set_author, true, 0, 0, 0, NULL, 0, "Elastic" },
	{ "rule_description", cv_set_string, false, OFF(rule_description), 0, 0,
	  NULL, 0, RULE_DESCRIPTION },
	{ "rule_id", cv_set_string, false, OFF(rule_id), 0, 0, NULL, 0,
	  "2d8043ed-5bda-4caf-801c-c1feb7410504" },
	{ "rule_name", cv_set_string, false, OFF(rule_name), 0, 0, NULL, 0,
	  "Enumeration of Kernel Modules" },
	{ "rule_reference", cv_set_string, false, OFF(rule_reference), 0, 0, NULL,
	  0, RULE_REFERENCE },
	{ "rule_risk_score", cv_set_u32, false, OFF(rule_risk_score), 0, 100,
	  NULL, 0, "47" },
	{ "rule_ruleset", cv_set_string, false, OFF(rule_ruleset), 0, 0, NULL, 0,
	  "Elastic prebuilt rules" },
	{ "rule_severity", cv_set_severity, false, OFF(rule_severity), 0, 0,
	  severity_names, 0, "medium" },
	{ "rule_version", cv_set_string, false, OFF(rule_version), 0, 0, NULL, 0,
	  "211" },
	{ "state_file", cv_set_path, false, OFF(state_file), 0, 0, NULL, 0,
	  KME_STATEDIR "/state.json" },
	{ "state_save_interval", cv_set_duration, false, OFF(state_save_interval),
	  1, DAY, NULL, 0, "60s" },
	{ "syslog_facility", cv_set_int_name, false, OFF(syslog_facility), 0, 0,
	  facility_names, 0, "authpriv" },
	{ "syslog_priority", cv_set_int_name, false, OFF(syslog_priority), 0, 0,
	  priority_names, 0, "warning" },
	{ "threat_framework", cv_set_string, false, OFF(threat_framework), 0, 0,
	  NULL, 0, "MITRE ATT&CK" },
	{ "threat_tactic", cv_set_threat, true, OFF(tactics), 0, 0, NULL, 0,
	  "TA0007 https://attack.mitre.org/tactics/TA0007/ Discovery" },
	{ "threat_technique", cv_set_threat, true, OFF(techniques), 0, 0, NULL, 0,
	  "T1082 https://attack.mitre.org/techniques/T1082/ "
	  "System Information Discovery" },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

_Static_assert(NKEYS <= CFG_MAX_KEYS, "CFG_MAX_KEYS too small for the key table");

static int key_cmp(const void *a, const void *b)
{
	return strcmp(a, ((const struct cfg_key *)b)->name);
}

/* ---- the parser ------------------------------------------------------ */

static void parse_line(struct parser *p, char *s)
{
	const struct cfg_key *k;
	char *key, *eq, *val, *e;
	size_t idx;

	s += strspn(s, " \t");
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	if (*s == '\0' || *s == '#')
		return;

	if ((eq = strchr(s, '=')) == NULL) {
		cp_perr(p, "expected 'key = value'");
		return;
	}
	key = s;
	for (e = eq; e > key && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*e = '\0';
	val = eq + 1 + strspn(eq + 1, " \t");
	if (*key == '\0') {
		cp_perr(p, "missing key before '='");
		return;
	}
	k = bsearch(key, keys, NKEYS, sizeof(keys[0]), key_cmp);
	if (k == NULL) {
		cp_perr(p, "unknown key '%.*s'", CFG_SHOW_VALUE, key);
		return;
	}
	idx = (size_t)(k - keys);
	/* Once per file; across files (include) the later line wins. */
	if (!k->list && p->seen[idx] != 0 && p->seen_file[idx] == p->file_id) {
		cp_perr(p, "duplicate key '%s' (first at line %d)", k->name,
		         p->seen[idx]);
		return;
	}
	p->replacing = p->seen[idx] != 0 && p->seen_file[idx] != p->file_id;
	if (p->seen[idx] == 0 || p->seen_file[idx] != p->file_id) {
		p->seen[idx] = p->line;
		p->seen_file[idx] = p->file_id;
	}
	if (*val == '\0') {
		cp_perr(p, "%s: missing value", k->name);
		return;
	}
	k->set(p, k, val);
}

/* Split text into lines and check each before it is parsed: bounded length,
 * no control byte (NUL included) but tab. */
static void parse_text(struct parser *p, const char *text, size_t len)
{
	char line[CFG_MAX_LINE + 1];
	size_t pos = 0, n, i;
	const char *nl;

	while (pos < len && !p->oom) {
		nl = memchr(text + pos, '\n', len - pos);
		n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
		if (p->line == CFG_MAX_LINES) {
			p->line = 0;
			cp_perr(p, "too many lines (limit %d)", CFG_MAX_LINES);
			return;
		}
		p->line++;
		if (n > CFG_MAX_LINE) {
			cp_perr(p, "line too long (%zu bytes, limit %d)", n,
			         CFG_MAX_LINE);
			pos += n + 1;
			continue;
		}
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)text[pos + i];

			if ((c < 0x20 && c != '\t') || c == 0x7f)
				break;
		}
		if (i < n) {
			cp_perr(p, "control byte 0x%02x at column %zu",
			         (unsigned char)text[pos + i], i + 1);
		} else {
			memcpy(line, text + pos, n);
			line[n] = '\0';
			parse_line(p, line);
		}
		pos += n + 1;
	}
}

/* Keys a file did not set take the shipped defaults (the same handlers parse
 * them, so a default obeys the same rules as a value from a file). */
static void apply_defaults(struct parser *p)
{
	char val[CFG_MAX_LINE + 1];
	size_t i;

	p->line = 0;
	for (i = 0; i < NKEYS && !p->oom; i++) {
		if (p->seen[i] != 0 || keys[i].dflt == NULL)
			continue;
		if (strlen(keys[i].dflt) >= sizeof(val)) {
			cp_perr(p, "%s: built-in default too long", keys[i].name);
			continue;
		}
		strcpy(val, keys[i].dflt);
		p->replacing = false;
		keys[i].set(p, &keys[i], val);
	}
}

static int parse_all(const char *name, const char *text, size_t len,
		     bool check_owner, struct kme_config **out,
		     struct kme_err *err)
{
	struct parser p;

	memset(&p, 0, sizeof(p));
	p.name = name;
	p.err = err;
	if (err != NULL)
		err->msg[0] = '\0';
	if (len > CFG_MAX_SIZE) {
		return kme_errf(err, "%s: too large (%zu bytes, limit %d)",
				name, len, CFG_MAX_SIZE);
	}
	if ((p.cfg = calloc(1, sizeof(*p.cfg))) == NULL ||
	    (p.cfg->path = strdup(name)) == NULL) {
		cfg_free(p.cfg);
		return kme_errf(err, "%s: out of memory", name);
	}
	p.origin = p.cfg->path;
	p.file_id = p.nfile_ids = 1;
	p.check_owner = check_owner;

	parse_text(&p, text, len);
	p.line = 0;
	if (p.cfg->nmatches == 0 && !p.oom)
		cp_perr(&p, "no match rules");
	if (p.nerr == 0)
		apply_defaults(&p);
	if (p.nerr != 0) {
		cp_finish(&p);
		cfg_free(p.cfg);
		return -1;
	}
	*out = p.cfg;
	return 0;
}

int cfg_parse(const char *name, const char *text, size_t len,
	      struct kme_config **out, struct kme_err *err)
{
	return parse_all(name, text, len, false, out, err);
}

/* A configuration file as cfg_load reads it (safe_read_file): never a
 * symlink; with check_owner, root's and writable by root alone; at most
 * CFG_MAX_SIZE bytes (parse_all refuses a file that grew past it since). */
static int read_file(const char *path, bool check_owner, char **textp,
		     size_t *lenp, struct kme_err *err)
{
	const struct safe_read r = {
		.what = "config", .root_owned = check_owner,
		.deny = check_owner ? S_IWGRP | S_IWOTH : 0,
		.max = CFG_MAX_SIZE, .max_why = "larger than 1 MiB",
	};
	char *text = malloc(CFG_MAX_SIZE + 1);

	if (text == NULL)
		return kme_errf(err, "%s: out of memory", path);
	if (safe_read_file(path, &r, text, lenp, err) < 0) {
		free(text);
		return -1;
	}
	*textp = text;
	return 0;
}

int cfg_load(const char *path, bool check_owner, struct kme_config **out,
	     struct kme_err *err)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (read_file(path, check_owner, &text, &len, err) < 0)
		return -1;
	rc = parse_all(path, text, len, check_owner, out, err);
	free(text);
	return rc;
}

int cfg_load_default(struct kme_config **out, struct kme_err *err)
{
	return cfg_parse("<built-in>", cfg_default_text,
			 strlen(cfg_default_text), out, err);
}

void cfg_free(struct kme_config *cfg)
{
	size_t i, j;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->nmatches; i++) {
		free(cfg->matches[i].name);
		for (j = 0; cfg->matches[i].args != NULL &&
			    j < cfg->matches[i].nargs; j++)
			free(cfg->matches[i].args[j]);
		free(cfg->matches[i].args);
	}
	free(cfg->matches);
	for (i = 0; i < cfg->nexcls; i++)
		free(cfg->excls[i].pattern);
	free(cfg->excls);
	free(cfg->state_file);
	free(cfg->local_node);
	free(cfg->new_terms_store);
	free(cfg->redis_password_file);
	free(cfg->redis_key_prefix);
	free(cfg->rule_id);
	free(cfg->rule_name);
	free(cfg->rule_version);
	free(cfg->rule_severity);
	free(cfg->rule_description);
	free(cfg->rule_reference);
	free(cfg->rule_ruleset);
	for (i = 0; i < cfg->nrule_authors; i++)
		free(cfg->rule_authors[i]);
	free(cfg->threat_framework);
	for (i = 0; i < CFG_MAX_THREAT; i++) {
		free(cfg->tactics[i].id);
		free(cfg->tactics[i].reference);
		free(cfg->tactics[i].name);
		free(cfg->techniques[i].id);
		free(cfg->techniques[i].reference);
		free(cfg->techniques[i].name);
	}
	cv_free_words(cfg->event_actions, cfg->nevent_actions);
	cv_free_words(cfg->starters, cfg->nstarters);
	cv_free_multicall(cfg);
	cv_free_words(cfg->files, cfg->nfiles);
	free(cfg->path);
	free(cfg);
}
