/* check_config.c - the configuration reader: the built-in rule, defaults,
 * lines and keys, how errors are collected, includes, and the file checks
 * of cfg_load. (The values of each kind: check_cfgvalue.c.) */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "cfg.h"
#include "cfgtest.h"
#include "checkrun.h"

#ifndef KME_STATEDIR
#define KME_STATEDIR "/var/lib/audisp-kmod-enum"
#endif

/* The 26 parent names of the v211 rule, in the rule's order. */
static const char *const v211_parent_names[] = {
	"mkinitramfs", "cryptroot", "framebuffer", "dracut", "jem",
	"thin-provisioning-tools", "readykernel", "lvm2", "vz-start", "iscsi",
	"mdadm", "ovalprobes", "bcache", "plymouth", "dkms", "overlayroot",
	"weak-modules", "zfs", "systemd", "whoopsie-upload-all", "kdumpctl",
	"apport-gtk", "casper", "rear", "kernel-install", "newrelic-infra",
};
#define N_V211_PARENT_NAMES \
	(sizeof(v211_parent_names) / sizeof(v211_parent_names[0]))

/* Line of the first occurrence of needle in cfg_default_text, 1-based. */
static int default_line_of(const char *needle)
{
	const char *hit = strstr(cfg_default_text, needle), *q;
	int line = 1;

	ck_assert_msg(hit != NULL, "'%s' not in the shipped config", needle);
	for (q = cfg_default_text; q < hit; q++)
		line += *q == '\n';
	return line;
}

/* ---- the built-in rule ------------------------------------------------ */

START_TEST(test_default_has_the_four_v211_programs)
{
	struct kme_config *cfg = NULL;
	struct kme_err err;

	ck_assert_int_eq(cfg_load_default(&cfg, &err), 0);
	ck_assert_str_eq(cfg->path, "<built-in>");
	ck_assert_uint_eq(cfg->nmatches, 4);
	ck_assert_str_eq(cfg->matches[0].name, "lsmod");
	ck_assert_uint_eq(cfg->matches[0].nargs, 0);
	ck_assert_ptr_null(cfg->matches[0].args[0]);
	ck_assert_str_eq(cfg->matches[1].name, "modinfo");
	ck_assert_uint_eq(cfg->matches[1].nargs, 0);
	ck_assert_str_eq(cfg->matches[2].name, "kmod");
	ck_assert_uint_eq(cfg->matches[2].nargs, 1);
	ck_assert_str_eq(cfg->matches[2].args[0], "list");
	ck_assert_ptr_null(cfg->matches[2].args[1]);
	ck_assert_str_eq(cfg->matches[3].name, "depmod");
	ck_assert_uint_eq(cfg->matches[3].nargs, 2);
	ck_assert_str_eq(cfg->matches[3].args[0], "--all");
	ck_assert_str_eq(cfg->matches[3].args[1], "-a");
	ck_assert_ptr_null(cfg->matches[3].args[2]);
	ck_assert_ptr_eq(cfg->matches[0].origin.file, cfg->path);
	ck_assert_int_eq(cfg->matches[0].origin.line,
			 default_line_of("\nmatch = lsmod\n") + 1);
	ck_assert_int_eq(cfg->matches[3].origin.line,
			 default_line_of("\nmatch = depmod") + 1);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_default_excludes_the_26_parent_names_and_dpkg_glob)
{
	struct kme_config *cfg = NULL;
	struct kme_err err;
	size_t i;

	ck_assert_int_eq(cfg_load_default(&cfg, &err), 0);
	ck_assert_uint_eq(N_V211_PARENT_NAMES, 26);
	ck_assert_uint_eq(cfg->nexcls, N_V211_PARENT_NAMES + 1);
	for (i = 0; i < N_V211_PARENT_NAMES; i++) {
		ck_assert_int_eq(cfg->excls[i].kind, CFG_EXCL_PARENT_NAME);
		ck_assert_str_eq(cfg->excls[i].pattern, v211_parent_names[i]);
		ck_assert(!cfg->excls[i].is_uid);
		ck_assert_ptr_eq(cfg->excls[i].origin.file, cfg->path);
	}
	ck_assert_int_eq(cfg->excls[14].origin.line,
			 default_line_of(" dkms ") );
	ck_assert_int_eq(cfg->excls[i].kind, CFG_EXCL_PARENT_EXECUTABLE);
	ck_assert_str_eq(cfg->excls[i].pattern,
			 "/var/lib/dpkg/info/linux-modules*-generic.post*");
	cfg_free(cfg);
}
END_TEST

START_TEST(test_default_scalars_are_the_documented_values)
{
	struct kme_config *cfg = NULL;
	struct kme_err err;

	ck_assert_int_eq(cfg_load_default(&cfg, &err), 0);
	ck_assert_uint_eq(cfg->nterm_fields, 2);
	ck_assert_int_eq(cfg->term_fields[0], CFG_TF_EXECUTABLE);
	ck_assert_int_eq(cfg->term_fields[1], CFG_TF_PARENT_EXECUTABLE);
	ck_assert_int_eq(cfg->history_window, 14 * 86400 * 1000LL); /* ms */
	ck_assert_uint_eq(cfg->max_alerts, 100);
	ck_assert_int_eq(cfg->alert_interval, 5 * 60 * 1000);
	ck_assert_uint_eq(cfg->max_terms, 100000);
	ck_assert_str_eq(cfg->state_file, KME_STATEDIR "/state.json");
	ck_assert_int_eq(cfg->state_save_interval, 60 * 1000);
	ck_assert_uint_eq(cfg->process_table_size, 65536);
	ck_assert_uint_eq(cfg->process_table_memory, 48 * 1024 * 1024);
	ck_assert_int_eq(cfg->eoe_timeout, 2 * 1000);
	ck_assert_int_eq(cfg->alert_format, CFG_FORMAT_JSON);
	ck_assert_int_eq(cfg->syslog_facility, LOG_AUTHPRIV);
	ck_assert_int_eq(cfg->syslog_priority, LOG_WARNING);
	ck_assert_uint_eq(cfg->output_queue, 10000);
	ck_assert_str_eq(cfg->rule_id, "2d8043ed-5bda-4caf-801c-c1feb7410504");
	ck_assert_str_eq(cfg->rule_name, "Enumeration of Kernel Modules");
	ck_assert_str_eq(cfg->rule_version, "211");
	ck_assert_str_eq(cfg->rule_severity, "medium");
	ck_assert_uint_eq(cfg->rule_severity_num, 47);
	ck_assert_uint_eq(cfg->rule_risk_score, 47);
	ck_assert_ptr_nonnull(strstr(cfg->rule_description, "kernel modules"));
	ck_assert_str_eq(cfg->rule_reference,
			 "https://github.com/elastic/detection-rules/blob/main/"
			 "rules/linux/discovery_kernel_module_enumeration.toml");
	ck_assert_str_eq(cfg->rule_ruleset, "Elastic prebuilt rules");
	ck_assert_uint_eq(cfg->nrule_authors, 1);
	ck_assert_str_eq(cfg->rule_authors[0], "Elastic");
	ck_assert_str_eq(cfg->threat_framework, "MITRE ATT&CK");
	ck_assert_uint_eq(cfg->ntactics, 1);
	ck_assert_str_eq(cfg->tactics[0].id, "TA0007");
	ck_assert_str_eq(cfg->tactics[0].name, "Discovery");
	ck_assert_str_eq(cfg->tactics[0].reference,
			 "https://attack.mitre.org/tactics/TA0007/");
	ck_assert_uint_eq(cfg->ntechniques, 1);
	ck_assert_str_eq(cfg->techniques[0].id, "T1082");
	ck_assert_str_eq(cfg->techniques[0].name, "System Information Discovery");
	ck_assert_str_eq(cfg->techniques[0].reference,
			 "https://attack.mitre.org/techniques/T1082/");
	ck_assert_uint_eq(cfg->max_alert_size, 7168);
	cfg_free(cfg);
}
END_TEST

/* The fallback table in config.c and the shipped file must say the same. */
START_TEST(test_missing_keys_take_the_shipped_defaults)
{
	struct kme_config *def = NULL, *cfg;
	struct kme_err err;
	size_t i;

	ck_assert_int_eq(cfg_load_default(&def, &err), 0);
	cfg = parse_ok("match = lsmod\n");
	ck_assert_uint_eq(cfg->nmatches, 1);
	ck_assert_uint_eq(cfg->nexcls, 0);
	ck_assert_uint_eq(cfg->nterm_fields, def->nterm_fields);
	for (i = 0; i < def->nterm_fields; i++)
		ck_assert_int_eq(cfg->term_fields[i], def->term_fields[i]);
	ck_assert_int_eq(cfg->history_window, def->history_window);
	ck_assert_uint_eq(cfg->max_alerts, def->max_alerts);
	ck_assert_int_eq(cfg->alert_interval, def->alert_interval);
	ck_assert_uint_eq(cfg->max_terms, def->max_terms);
	ck_assert_str_eq(cfg->state_file, def->state_file);
	ck_assert_int_eq(cfg->state_save_interval, def->state_save_interval);
	ck_assert_uint_eq(cfg->process_table_size, def->process_table_size);
	ck_assert_uint_eq(cfg->process_table_memory, def->process_table_memory);
	ck_assert_int_eq(cfg->eoe_timeout, def->eoe_timeout);
	ck_assert_int_eq(cfg->alert_format, def->alert_format);
	ck_assert_int_eq(cfg->syslog_facility, def->syslog_facility);
	ck_assert_int_eq(cfg->syslog_priority, def->syslog_priority);
	ck_assert_uint_eq(cfg->output_queue, def->output_queue);
	ck_assert_str_eq(cfg->rule_id, def->rule_id);
	ck_assert_str_eq(cfg->rule_name, def->rule_name);
	ck_assert_str_eq(cfg->rule_version, def->rule_version);
	ck_assert_str_eq(cfg->rule_severity, def->rule_severity);
	ck_assert_uint_eq(cfg->rule_risk_score, def->rule_risk_score);
	ck_assert_uint_eq(cfg->rule_severity_num, def->rule_severity_num);
	ck_assert_str_eq(cfg->rule_description, def->rule_description);
	ck_assert_str_eq(cfg->rule_reference, def->rule_reference);
	ck_assert_str_eq(cfg->rule_ruleset, def->rule_ruleset);
	ck_assert_uint_eq(cfg->nrule_authors, def->nrule_authors);
	ck_assert_str_eq(cfg->rule_authors[0], def->rule_authors[0]);
	ck_assert_str_eq(cfg->threat_framework, def->threat_framework);
	ck_assert_uint_eq(cfg->ntactics, def->ntactics);
	ck_assert_uint_eq(cfg->ntechniques, def->ntechniques);
	for (i = 0; i < def->ntactics; i++) {
		ck_assert_str_eq(cfg->tactics[i].id, def->tactics[i].id);
		ck_assert_str_eq(cfg->tactics[i].name, def->tactics[i].name);
		ck_assert_str_eq(cfg->tactics[i].reference,
				 def->tactics[i].reference);
	}
	for (i = 0; i < def->ntechniques; i++) {
		ck_assert_str_eq(cfg->techniques[i].id, def->techniques[i].id);
		ck_assert_str_eq(cfg->techniques[i].name, def->techniques[i].name);
		ck_assert_str_eq(cfg->techniques[i].reference,
				 def->techniques[i].reference);
	}
	ck_assert_uint_eq(cfg->max_alert_size, def->max_alert_size);
	cfg_free(cfg);
	cfg_free(def);
}
END_TEST

/* The compiled-in text is the installed file, byte for byte (the build
 * directory comes from make check's environment). */
START_TEST(test_default_text_is_the_shipped_file)
{
	const char *builddir = getenv("KME_BUILDDIR");
	char buf[65536], path[4096];
	FILE *f;
	size_t n;

	ck_assert_msg(builddir != NULL, "KME_BUILDDIR is not set (run the "
		      "suite through make check)");
	snprintf(path, sizeof(path), "%s/conf/audisp-kmod-enum.conf", builddir);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	ck_assert_uint_eq(n, strlen(cfg_default_text));
	ck_assert_str_eq(buf, cfg_default_text);
}
END_TEST

START_TEST(test_key_table_is_sorted_for_bsearch)
{
	/* Every key must be found: a key out of order would not be. */
	static const char *const keys[] = {
		"alert_format", "alert_interval", "entry_leader_starters",
		"eoe_timeout", "event_action", "exclude_entry_leader_executable",
		"exclude_executable", "exclude_parent_args",
		"exclude_parent_executable", "exclude_parent_name",
		"exclude_user", "history_window", "include", "local_node",
		"match", "match_multicall", "max_alert_size", "max_alerts",
		"max_terms", "multicall_binary", "new_terms_fields",
		"new_terms_store", "redis_command_timeout",
		"redis_connect_timeout", "redis_key_prefix",
		"redis_password_file", "rule_author", "rule_description", "rule_reference",
		"rule_ruleset", "threat_framework", "threat_tactic",
		"threat_technique",
	};
	char text[256];
	struct kme_config *c = NULL;
	struct kme_err err;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(text, sizeof(text), "%s = /x\n", keys[i]);
		memset(&err, 0, sizeof(err));
		if (cfg_parse("t.conf", text, strlen(text), &c, &err) == 0)
			cfg_free(c);
		ck_assert_msg(strstr(err.msg, "unknown key") == NULL,
			      "key '%s' not found: %s", keys[i], err.msg);
	}
}
END_TEST

/* ---- syntax that is accepted ------------------------------------------ */

START_TEST(test_spaces_around_equals_are_optional)
{
	struct kme_config *cfg = parse_ok(
		"match=lsmod\n"
		"  match   =   kmod \t list  \t\n"
		"\t# a comment with = sign\n"
		"\n"
		"rule_name =  My rule name  \n"
		"history_window=36h");
	ck_assert_uint_eq(cfg->nmatches, 2);
	ck_assert_str_eq(cfg->matches[0].name, "lsmod");
	ck_assert_str_eq(cfg->matches[1].name, "kmod");
	ck_assert_uint_eq(cfg->matches[1].nargs, 1);
	ck_assert_str_eq(cfg->matches[1].args[0], "list");
	ck_assert_int_eq(cfg->matches[1].origin.line, 2);
	ck_assert_str_eq(cfg->rule_name, "My rule name");
	ck_assert_int_eq(cfg->history_window, 36 * 3600 * 1000LL);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_line_of_exactly_4096_bytes_is_accepted)
{
	char text[8192];
	struct kme_config *cfg;
	size_t n;

	strcpy(text, "match = lsmod\n#");
	n = strlen(text);
	memset(text + n, 'x', 4095);
	strcpy(text + n + 4095, "\n");
	ck_assert_uint_eq(strlen(strchr(text, '#')), 4096 + 1);
	cfg = parse_ok(text);
	ck_assert_uint_eq(cfg->nmatches, 1);
	cfg_free(cfg);
}
END_TEST

/* ---- durations --------------------------------------------------------- */

/* ---- every error kind -------------------------------------------------- */

START_TEST(test_unknown_key_is_reported_with_its_line)
{
	struct kme_err err;

	parse_fail("match = lsmod\n\n# c\nfoo = 1\n", &err);
	ck_assert_str_eq(err.msg, "t.conf:4: unknown key 'foo'");
}
END_TEST

START_TEST(test_keys_are_case_sensitive)
{
	struct kme_err err;

	parse_fail("Match = lsmod\nmatch = modinfo\n", &err);
	ck_assert_str_eq(err.msg, "t.conf:1: unknown key 'Match'");
}
END_TEST

START_TEST(test_line_without_equals_is_an_error)
{
	struct kme_err err;

	parse_fail("match = lsmod\nlsmod\n", &err);
	ck_assert_str_eq(err.msg, "t.conf:2: expected 'key = value'");
}
END_TEST

START_TEST(test_missing_value_is_an_error)
{
	struct kme_err err;

	parse_fail("match = lsmod\nrule_name =  \n", &err);
	ck_assert_str_eq(err.msg, "t.conf:2: rule_name: missing value");
}
END_TEST

START_TEST(test_duplicate_scalar_key_is_an_error)
{
	struct kme_err err;

	parse_fail("match = lsmod\nhistory_window = 1d\n"
		   "history_window = 2d\n", &err);
	ck_assert_str_eq(err.msg, "t.conf:3: duplicate key 'history_window' "
			 "(first at line 2)");
}
END_TEST

START_TEST(test_no_match_rules_is_an_error)
{
	struct kme_err err;

	parse_fail("# only settings\nhistory_window = 1d\n", &err);
	ck_assert_str_eq(err.msg, "t.conf: no match rules");
	parse_fail("", &err);
	ck_assert_str_eq(err.msg, "t.conf: no match rules");
}
END_TEST

START_TEST(test_over_long_line_is_an_error)
{
	char text[8192];
	struct kme_err err;

	strcpy(text, "match = lsmod\n#");
	memset(text + strlen(text), 'x', 4096);
	text[15 + 4096] = '\0';
	parse_fail(text, &err);
	ck_assert_str_eq(err.msg,
			 "t.conf:2: line too long (4097 bytes, limit 4096)");
}
END_TEST

START_TEST(test_control_bytes_are_errors)
{
	static const char nul[] = "match = lsmod\nmatch = ls\0mod\n";
	struct kme_err err;

	parse_fail("match = lsmod\nmatch = ls\x01mod\n", &err);
	ck_assert_str_eq(err.msg, "t.conf:2: control byte 0x01 at column 11");
	parse_fail_len(nul, sizeof(nul) - 1, &err);
	ck_assert_str_eq(err.msg, "t.conf:2: control byte 0x00 at column 11");
	parse_fail("match = lsmod\nmatch = kmod\r\n", &err);
	ck_assert_str_eq(err.msg, "t.conf:2: control byte 0x0d at column 13");
	parse_fail("match = lsmod\nmatch = kmod\x7f\n", &err);
	ck_assert_str_eq(err.msg, "t.conf:2: control byte 0x7f at column 13");
	/* a file whose only match line is refused has no match rules */
	parse_fail("match = lsmod\r\n", &err);
	ck_assert_str_eq(err.msg, "t.conf:1: control byte 0x0d at column 14\n"
			 "t.conf: no match rules");
}
END_TEST

START_TEST(test_all_errors_of_a_file_are_reported)
{
	struct kme_err err;

	parse_fail("match = lsmod\n"
		   "bogus = 1\n"
		   "history_window = forever\n"
		   "\n"
		   "new_terms_fields = process.nope\n", &err);
	ck_assert_str_eq(err.msg,
			 "t.conf:2: unknown key 'bogus'\n"
			 "t.conf:3: history_window: invalid duration "
			 "'forever'\n"
			 "t.conf:5: new_terms_fields: unknown field "
			 "'process.nope'");
}
END_TEST

START_TEST(test_errors_beyond_the_message_size_are_counted)
{
	static char text[300 * 8 + 1];
	struct kme_err err;
	char last[64];
	const char *tail, *q;
	unsigned more, shown;
	size_t i;

	text[0] = '\0';
	for (i = 0; i < 300; i++)
		strcat(text, "bad = 1\n");
	parse_fail(text, &err);
	ck_assert_uint_lt(strlen(err.msg), KME_ERR_MAX);
	ck_assert_ptr_eq(strstr(err.msg, "t.conf:1: unknown key 'bad'\n"),
			 err.msg);
	/* 300 unknown keys and "no match rules": the first ones are shown in
	 * order, the rest counted on a last line of their own */
	tail = strrchr(err.msg, '\n');
	ck_assert_ptr_nonnull(tail);
	ck_assert_int_eq(sscanf(tail, "\n(%u more errors not shown)", &more), 1);
	for (shown = 1, q = err.msg; q < tail; q++)
		shown += *q == '\n';
	ck_assert_uint_eq(shown + more, 301);
	snprintf(last, sizeof(last), "t.conf:%u: unknown key 'bad'\n(", shown);
	ck_assert_ptr_nonnull(strstr(err.msg, last));
}
END_TEST

START_TEST(test_text_over_1mib_is_refused)
{
	size_t len = 1024 * 1024 + 1;
	char *text = malloc(len);
	struct kme_err err;

	ck_assert_ptr_nonnull(text);
	memset(text, '\n', len);
	memcpy(text, "match = lsmod\n", 14);
	parse_fail_len(text, len, &err);
	ck_assert_str_eq(err.msg,
			 "t.conf: too large (1048577 bytes, limit 1048576)");
	free(text);
}
END_TEST

/* ---- cfg_load: files ---------------------------------------------------- */

static char tmpdir[64]; /* "/tmp/check_config.XXXXXX" */

static void tmp_setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_config.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void tmp_teardown(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Write text to tmpdir/name with mode; returns the path (static buffer). */
static const char *write_file(const char *name, const char *text, mode_t mode)
{
	static char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, strlen(text), f), strlen(text));
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
	return path;
}

static void load_fail(const char *path, bool check_owner, const char *want)
{
	struct kme_config *cfg = NULL;
	struct kme_err err;
	char full[PATH_MAX + KME_ERR_MAX];

	ck_assert_int_eq(cfg_load(path, check_owner, &cfg, &err), -1);
	ck_assert_ptr_null(cfg);
	snprintf(full, sizeof(full), "%s: %s", path, want);
	ck_assert_str_eq(err.msg, full);
}

START_TEST(test_load_root_owned_file)
{
	const char *path = write_file("ok.conf", "match = lsmod\n", 0640);
	struct kme_config *cfg = NULL;
	struct kme_err err;

	ck_assert_int_eq(chown(path, 0, 0), 0);
	ck_assert_msg(cfg_load(path, true, &cfg, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(cfg->path, path);
	ck_assert_ptr_eq(cfg->matches[0].origin.file, cfg->path);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_load_refuses_group_writable)
{
	const char *path = write_file("g.conf", "match = lsmod\n", 0664);

	if (geteuid() == 0)
		ck_assert_int_eq(chown(path, 0, 0), 0);
	load_fail(path, true, geteuid() == 0 ?
		  "refusing config: group-writable" :
		  "refusing config: not owned by root");
}
END_TEST

START_TEST(test_load_refuses_world_writable)
{
	const char *path = write_file("o.conf", "match = lsmod\n", 0646);

	if (geteuid() == 0)
		ck_assert_int_eq(chown(path, 0, 0), 0);
	load_fail(path, true, geteuid() == 0 ?
		  "refusing config: world-writable" :
		  "refusing config: not owned by root");
}
END_TEST

START_TEST(test_load_refuses_file_of_another_owner)
{
	const char *path = write_file("u.conf", "match = lsmod\n", 0600);
	struct kme_config *cfg = NULL;
	struct kme_err err;

	if (geteuid() == 0)
		ck_assert_int_eq(chown(path, 65534, 65534), 0);
	load_fail(path, true, "refusing config: not owned by root");
	/* without the check (e.g. --config for a test run) it loads */
	ck_assert_msg(cfg_load(path, false, &cfg, &err) == 0, "%s", err.msg);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_load_refuses_symlink)
{
	const char *target = write_file("real.conf", "match = lsmod\n", 0600);
	char link[PATH_MAX];

	snprintf(link, sizeof(link), "%s/link.conf", tmpdir);
	ck_assert_int_eq(symlink(target, link), 0);
	load_fail(link, false, "refusing config: symbolic link");
	load_fail(link, true, "refusing config: symbolic link");
}
END_TEST

START_TEST(test_load_refuses_directory_and_fifo)
{
	char path[PATH_MAX];

	load_fail(tmpdir, false, "refusing config: not a regular file");
	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	load_fail(path, false, "refusing config: not a regular file");
}
END_TEST

START_TEST(test_load_missing_file_is_an_error)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/none.conf", tmpdir);
	load_fail(path, false, "open: No such file or directory");
}
END_TEST

START_TEST(test_load_refuses_file_over_1mib)
{
	const char *path = write_file("big.conf", "match = lsmod\n", 0600);

	ck_assert_int_eq(truncate(path, 1024 * 1024 + 1), 0);
	load_fail(path, false, "refusing config: larger than 1 MiB");
}
END_TEST

START_TEST(test_load_reports_errors_with_the_path)
{
	const char *path = write_file("e.conf", "match = lsmod\nnope = 1\n",
				      0600);
	struct kme_config *cfg = NULL;
	struct kme_err err;
	char want[PATH_MAX + 64];

	ck_assert_int_eq(cfg_load(path, false, &cfg, &err), -1);
	ck_assert_ptr_null(cfg);
	snprintf(want, sizeof(want), "%s:2: unknown key 'nope'", path);
	ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(test_user_file_adds_user_and_executable_exclusions)
{
	const char *path = write_file("site.conf",
		"# site rule: the shipped programs, plus two exemptions\n"
		"match = lsmod\n"
		"match = kmod list\n"
		"exclude_parent_name = dkms\n"
		"exclude_user = nagios 0\n"
		"exclude_executable = /opt/*/bin/lsmod\n", 0600);
	struct kme_config *cfg = NULL;
	struct kme_err err;

	ck_assert_msg(cfg_load(path, false, &cfg, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(cfg->nmatches, 2);
	ck_assert_uint_eq(cfg->nexcls, 4);
	ck_assert_int_eq(cfg->excls[1].kind, CFG_EXCL_USER);
	ck_assert_str_eq(cfg->excls[1].pattern, "nagios");
	ck_assert(!cfg->excls[1].is_uid);
	ck_assert_int_eq(cfg->excls[2].kind, CFG_EXCL_USER);
	ck_assert(cfg->excls[2].is_uid);
	ck_assert_uint_eq(cfg->excls[2].uid, 0);
	ck_assert_int_eq(cfg->excls[3].kind, CFG_EXCL_EXECUTABLE);
	ck_assert_str_eq(cfg->excls[3].pattern, "/opt/*/bin/lsmod");
	ck_assert_ptr_eq(cfg->excls[3].origin.file, cfg->path);
	ck_assert_str_eq(cfg->excls[3].origin.file, path);
	ck_assert_int_eq(cfg->excls[3].origin.line, 6);
	cfg_free(cfg);
}
END_TEST


/* ---- rule profiles (issue 12) ------------------------------------------- */

/* The installed profile NAME as built (conf/profiles/NAME.conf). */
static struct kme_config *load_profile(const char *name)
{
	const char *dir = getenv("KME_BUILDDIR");
	char path[PATH_MAX];
	struct kme_config *cfg = NULL;
	struct kme_err err;

	snprintf(path, sizeof(path), "%s/conf/profiles/%s.conf",
		 dir ? dir : ".", name);
	ck_assert_msg(cfg_load(path, false, &cfg, &err) == 0, "%s: %s", path,
		      err.msg);
	return cfg;
}

static void assert_words_eq(char **a, size_t na, char **b, size_t nb)
{
	size_t i;

	ck_assert_uint_eq(na, nb);
	for (i = 0; i < na; i++)
		ck_assert_str_eq(a[i], b[i]);
}

/* Every value of the rule, compared (origins aside). */
static void assert_same_rule(const struct kme_config *a,
			     const struct kme_config *b)
{
	size_t i, j;

	ck_assert_uint_eq(a->nmatches, b->nmatches);
	for (i = 0; i < a->nmatches; i++) {
		ck_assert_str_eq(a->matches[i].name, b->matches[i].name);
		ck_assert_uint_eq(a->matches[i].nargs, b->matches[i].nargs);
		for (j = 0; j < a->matches[i].nargs; j++)
			ck_assert_str_eq(a->matches[i].args[j], b->matches[i].args[j]);
	}
	ck_assert_uint_eq(a->nexcls, b->nexcls);
	for (i = 0; i < a->nexcls; i++) {
		ck_assert_int_eq(a->excls[i].kind, b->excls[i].kind);
		ck_assert_str_eq(a->excls[i].pattern, b->excls[i].pattern);
	}
	ck_assert_uint_eq(a->nterm_fields, b->nterm_fields);
	for (i = 0; i < a->nterm_fields; i++)
		ck_assert_int_eq(a->term_fields[i], b->term_fields[i]);
	ck_assert_int_eq(a->history_window, b->history_window);
	ck_assert_str_eq(a->rule_id, b->rule_id);
	ck_assert_str_eq(a->rule_name, b->rule_name);
	ck_assert_str_eq(a->rule_version, b->rule_version);
	ck_assert_str_eq(a->rule_severity, b->rule_severity);
	ck_assert_uint_eq(a->rule_risk_score, b->rule_risk_score);
	ck_assert_uint_eq(a->ntechniques, b->ntechniques);
	for (i = 0; i < a->ntechniques; i++) {
		ck_assert_str_eq(a->techniques[i].id, b->techniques[i].id);
		ck_assert_str_eq(a->techniques[i].name, b->techniques[i].name);
	}
	assert_words_eq(a->event_actions, a->nevent_actions, b->event_actions,
			b->nevent_actions);
	assert_words_eq(a->starters, a->nstarters, b->starters, b->nstarters);
	ck_assert_uint_eq(a->nmulticall, b->nmulticall);
	for (i = 0; i < a->nmulticall; i++) {
		ck_assert_int_eq(a->multicall[i].style, b->multicall[i].style);
		ck_assert_str_eq(a->multicall[i].path, b->multicall[i].path);
	}
	ck_assert_int_eq(a->match_multicall, b->match_multicall);
	ck_assert_str_eq(a->state_file, b->state_file);
}

START_TEST(test_v211_profile_equals_the_built_in_rule)
{
	struct kme_config *def = NULL, *v211 = load_profile("v211");
	struct kme_err err;

	ck_assert_int_eq(cfg_load_default(&def, &err), 0);
	assert_same_rule(v211, def);
	cfg_free(def);
	cfg_free(v211);
}
END_TEST

START_TEST(test_v215_profile_has_the_v215_rule)
{
	struct kme_config *c = load_profile("v215");
	size_t i, n[CFG_EXCL__COUNT] = { 0 };

	ck_assert_str_eq(c->rule_name, "Unusual Kernel Module Enumeration");
	ck_assert_str_eq(c->rule_version, "215");
	ck_assert_str_eq(c->rule_severity, "low");
	ck_assert_uint_eq(c->rule_risk_score, 21);
	ck_assert_uint_eq(c->nterm_fields, 1);
	ck_assert_int_eq(c->term_fields[0], CFG_TF_EXECUTABLE);
	ck_assert_int_eq(c->history_window, 5LL * 86400 * 1000);
	ck_assert_uint_eq(c->ntechniques, 2);
	ck_assert_str_eq(c->techniques[1].id, "T1518");
	ck_assert_str_eq(c->techniques[1].name, "Software Discovery");
	ck_assert_uint_eq(c->nevent_actions, 1);
	ck_assert_str_eq(c->event_actions[0], "exec");
	for (i = 0; i < c->nexcls; i++)
		n[c->excls[i].kind]++;
	ck_assert_uint_eq(n[CFG_EXCL_PARENT_NAME], 26);
	ck_assert_uint_eq(n[CFG_EXCL_PARENT_EXECUTABLE], 8);
	ck_assert_uint_eq(n[CFG_EXCL_PARENT_ARGS], 4);
	ck_assert_uint_eq(n[CFG_EXCL_ENTRY_LEADER_EXECUTABLE], 3);
	ck_assert_int_eq(c->match_multicall, false);
	ck_assert_ptr_nonnull(strstr(c->state_file, "/state-v215.json"));
	cfg_free(c);
}
END_TEST

START_TEST(test_hardened_profile_is_v211_plus_multicall)
{
	struct kme_config *c = load_profile("hardened");
	struct kme_config *v211 = load_profile("v211");
	size_t i;

	ck_assert_int_eq(c->match_multicall, true);
	ck_assert_uint_eq(c->nmulticall, 8);
	ck_assert_str_eq(c->multicall[0].path, "/usr/bin/kmod");
	ck_assert_int_eq(c->multicall[0].style, CFG_MC_KMOD);
	ck_assert_int_eq(c->multicall[4].style, CFG_MC_BUSYBOX);
	ck_assert_str_eq(c->rule_version, "211-hardened");
	/* v211's matches and exclusions, unchanged */
	ck_assert_uint_eq(c->nmatches, v211->nmatches);
	ck_assert_uint_eq(c->nexcls, v211->nexcls);
	for (i = 0; i < c->nexcls; i++)
		ck_assert_str_eq(c->excls[i].pattern, v211->excls[i].pattern);
	ck_assert_str_ne(c->state_file, v211->state_file);
	cfg_free(c);
	cfg_free(v211);
}
END_TEST

START_TEST(test_include_parses_the_file_in_place_with_its_origins)
{
	char text[PATH_MAX + 128];
	const char *inc = write_file("profile.conf",
		"rule_version = 215\n"
		"match = lsmod\n"
		"threat_technique = T1518 https://attack.mitre.org/techniques/T1518/ Software Discovery\n"
		"exclude_parent_name = dkms\n", 0644);
	char incpath[PATH_MAX];
	struct kme_config *c;

	snprintf(incpath, sizeof(incpath), "%s", inc);
	snprintf(text, sizeof(text), "exclude_user = 997\ninclude = %s\n"
		 "rule_version = 215-site\nexclude_parent_name = zfs\n", incpath);
	c = parse_ok(text);
	/* the later line wins across files; lists append in line order */
	ck_assert_str_eq(c->rule_version, "215-site");
	ck_assert_uint_eq(c->nmatches, 1);
	ck_assert_str_eq(c->matches[0].origin.file, incpath);
	ck_assert_int_eq(c->matches[0].origin.line, 2);
	ck_assert_uint_eq(c->nexcls, 3);
	ck_assert_str_eq(c->excls[0].origin.file, "t.conf");
	ck_assert_str_eq(c->excls[1].pattern, "dkms");
	ck_assert_str_eq(c->excls[1].origin.file, incpath);
	ck_assert_int_eq(c->excls[2].origin.line, 4);
	ck_assert_uint_eq(c->ntechniques, 1);
	ck_assert_str_eq(c->techniques[0].id, "T1518");
	ck_assert_uint_eq(c->nfiles, 1);
	cfg_free(c);
}
END_TEST

START_TEST(test_include_one_value_lists_are_replaced_by_a_later_file)
{
	char text[PATH_MAX + 128];
	const char *inc = write_file("p.conf",
		"match = lsmod\nnew_terms_fields = process.executable\n"
		"threat_technique = T1082 https://attack.mitre.org/techniques/T1082/ System Information Discovery\n"
		"threat_technique = T1518 https://attack.mitre.org/techniques/T1518/ Software Discovery\n", 0644);
	struct kme_config *c;

	snprintf(text, sizeof(text), "include = %s\n"
		 "new_terms_fields = process.name\n"
		 "threat_technique = T1057 https://attack.mitre.org/techniques/T1057/ Process Discovery\n", inc);
	c = parse_ok(text);
	ck_assert_uint_eq(c->nterm_fields, 1);
	ck_assert_int_eq(c->term_fields[0], CFG_TF_NAME);
	ck_assert_uint_eq(c->ntechniques, 1);
	ck_assert_str_eq(c->techniques[0].id, "T1057");
	cfg_free(c);
}
END_TEST

START_TEST(test_include_duplicate_scalar_in_one_file_is_still_an_error)
{
	char text[PATH_MAX + 64];
	const char *inc = write_file("dup.conf",
		"match = lsmod\nhistory_window = 5d\nhistory_window = 6d\n", 0644);
	struct kme_err err;
	char want[PATH_MAX + 128];

	snprintf(text, sizeof(text), "include = %s\n", inc);
	parse_fail(text, &err);
	snprintf(want, sizeof(want), "%s:3: duplicate key 'history_window' "
		 "(first at line 2)", inc);
	ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(test_include_loop_is_an_error)
{
	char path[PATH_MAX], text[PATH_MAX + 64];
	struct kme_err err;

	snprintf(path, sizeof(path), "%s/loop.conf", tmpdir);
	snprintf(text, sizeof(text), "match = lsmod\ninclude = %s\n", path);
	write_file("loop.conf", text, 0644);
	parse_fail(text, &err);
	ck_assert_ptr_nonnull(strstr(err.msg, "include: '"));
	ck_assert_ptr_nonnull(strstr(err.msg, "nested too deeply (limit 8; a loop?)"));
}
END_TEST

START_TEST(test_include_of_a_missing_file_names_it)
{
	char text[PATH_MAX + 64], want[2 * PATH_MAX];
	struct kme_err err;

	snprintf(text, sizeof(text), "match = lsmod\ninclude = %s/none.conf\n",
		 tmpdir);
	parse_fail(text, &err);
	snprintf(want, sizeof(want), "t.conf:2: include: %s/none.conf: open: "
		 "No such file or directory", tmpdir);
	ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(test_include_is_held_to_the_owner_checks_of_cfg_load)
{
	char text[PATH_MAX + 64];
	const char *inc = write_file("gw.conf", "match = lsmod\n", 0664);
	char incpath[PATH_MAX], want[2 * PATH_MAX];
	const char *top;
	struct kme_config *c = NULL;
	struct kme_err err;

	snprintf(incpath, sizeof(incpath), "%s", inc);
	snprintf(text, sizeof(text), "include = %s\n", incpath);
	top = write_file("top.conf", text, 0640);
	ck_assert_int_eq(chown(top, 0, 0), 0);
	ck_assert_int_eq(cfg_load(top, true, &c, &err), -1);
	snprintf(want, sizeof(want), "%s:1: include: %s: refusing config: "
		 "group-writable\n%s: no match rules", top, incpath, top);
	ck_assert_str_eq(err.msg, want);
	/* without the checks (replay, --check-config) it is read */
	ck_assert_msg(cfg_load(top, false, &c, &err) == 0, "%s", err.msg);
	cfg_free(c);
}
END_TEST

/* ---- the shared store's keys (redisstore.h, redisurl.h) ---------------- */


/* ---- several rules (issue 19) -------------------------------------------- */

#define OWN(name) \
	"rule_id = " name "\nrule_name = n\nrule_version = 1\n" \
	"rule_description = d\nrule_reference = x\n" \
	"state_file = /tmp/kme-" name ".json\n"

START_TEST(test_a_rule_block_adds_a_rule_that_shares_the_process_keys)
{
	struct kme_config *cfg = parse_ok(
		"match = lsmod\nsyslog_facility = daemon\neoe_timeout = 5s\n"
		"rule = kmod-proc\nrule_type = file_open\n" OWN("p")
		"file_watch = /proc/modules kmod-enum-proc\n"
		"file_watch = /sys/module kmod-enum-sysmod\n"
		"history_window = 5d\nexclude_name = python*\n");
	const struct kme_config *r = cfg_rule(cfg, 1);

	ck_assert_uint_eq(cfg->nrules, 1);
	ck_assert_ptr_eq(cfg_rule(cfg, 0), cfg);
	ck_assert_ptr_null(cfg_rule(cfg, 2));
	ck_assert_ptr_null(cfg->label);
	ck_assert_str_eq(r->label, "kmod-proc");
	ck_assert_ptr_eq(r->main, cfg);
	ck_assert_int_eq(r->rule_type, CFG_RULE_FILE_OPEN);
	ck_assert_str_eq(cfg_rule_type_name(r->rule_type), "file_open");
	ck_assert_uint_eq(r->nwatches, 2);
	ck_assert_str_eq(r->watches[1].path, "/sys/module");
	ck_assert_str_eq(r->watches[1].key, "kmod-enum-sysmod");
	ck_assert_int_eq(r->watches[1].origin.line, 13);
	/* its own window, the first rule's untouched */
	ck_assert_int_eq(r->history_window, 5 * 86400000LL);
	ck_assert_int_eq(cfg->history_window, 14 * 86400000LL);
	ck_assert_uint_eq(r->nexcls, 1);
	ck_assert_int_eq(r->excls[0].kind, CFG_EXCL_NAME);
	/* the process's settings, shared */
	ck_assert_int_eq(r->syslog_facility, LOG_DAEMON);
	ck_assert_int_eq(r->eoe_timeout, 5000);
	ck_assert_str_eq(r->new_terms_store, "file");
	ck_assert_ptr_eq(r->new_terms_store, cfg->new_terms_store);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_a_rule_block_ends_with_its_file_and_reopens_by_name)
{
	char text[PATH_MAX + 256];
	const char *inc = write_file("proc.conf", "rule = p\nrule_type = file_open\n"
				     OWN("p") "file_watch = /proc/modules k1\n", 0640);
	struct kme_config *cfg;

	snprintf(text, sizeof(text), "match = lsmod\ninclude = %s\n"
		 "history_window = 3d\nrule = p\nfile_watch = /proc/version k2\n", inc);
	cfg = parse_ok(text);
	/* after the include, the first rule again */
	ck_assert_int_eq(cfg->history_window, 3 * 86400000LL);
	ck_assert_uint_eq(cfg->nrules, 1);
	ck_assert_uint_eq(cfg->rules[0]->nwatches, 2);
	ck_assert_str_eq(cfg->rules[0]->watches[1].key, "k2");
	cfg_free(cfg);
}
END_TEST

START_TEST(test_rules_that_cannot_run_are_refused)
{
	parse_fails("match = lsmod\nrule = two\n" OWN("t") "match = modinfo\n",
		    "rule two: an added rule watches files (rule_type = "
		    "file_open); only the first rule watches execs");
	parse_fails("match = lsmod\nrule = two\nrule_type = file_open\n"
		    "file_watch = /proc/modules k\n",
		    "rule two: rule_reference not set");
	parse_fails("match = lsmod\nrule = two\nrule_type = file_open\n" OWN("t"),
		    "rule two: a file_open rule needs file_watch lines");
	parse_fails("match = lsmod\nfile_watch = /proc/modules k\n",
		    "rule (the first): file_watch needs rule_type = file_open");
	parse_fails("match = lsmod\nstate_file = /tmp/kme-t.json\nrule = two\n"
		    "rule_type = file_open\nfile_watch = /p k\n" OWN("t"),
		    "rules (the first) and two share the state file /tmp/kme-t.json");
	parse_fails("match = lsmod\nrule_id = t\nrule_version = 1\nrule = two\n"
		    "rule_type = file_open\nfile_watch = /p k\n" OWN("t"),
		    "share the identity t v1");
	parse_fails("match = lsmod\nrule = two\neoe_timeout = 1s\n",
		    "eoe_timeout is the process's setting, shared by every rule");
	parse_fails("match = lsmod\nrule = ../x\n", "rule: '../x' is not a rule name");
	parse_fails("match = lsmod\nrule = a\nrule = b\nrule = c\nrule = d\n"
		    "rule = e\nrule = f\nrule = g\nrule = h\n",
		    "rule: too many rules (limit 8, the first included)");
	parse_fails("match = lsmod\nrule_type = files\n",
		    "rule_type: unknown value 'files' (exec or file_open)");
	parse_fails("match = lsmod\nrule = two\nrule_type = file_open\n" OWN("t")
		    "file_watch = /proc/modules\n", "file_watch: expected 'PATH KEY'");
	parse_fails("match = lsmod\nrule = two\nrule_type = file_open\n" OWN("t")
		    "file_watch = /proc/modules k extra\n", "file_watch: expected 'PATH KEY'");
	parse_fails("match = lsmod\nrule = two\nrule_type = file_open\n" OWN("t")
		    "file_watch = proc/modules k\n", "file_watch: expected 'PATH KEY'");
	parse_fails("match = lsmod\ntrusted_dir = /usr/lib /opt//x\n",
		    "trusted_dir: '/opt//x' is not an absolute directory");
	parse_fails("match = lsmod\ntrusted_dir = /usr/lib/../tmp\n",
		    "trusted_dir: '/usr/lib/../tmp' is not an absolute directory");
}
END_TEST

START_TEST(test_a_configuration_of_a_file_rule_alone_needs_no_match)
{
	struct kme_config *cfg = parse_ok("rule_type = file_open\n"
					  "file_watch = /proc/modules kmod-enum-proc\n");

	ck_assert_int_eq(cfg->rule_type, CFG_RULE_FILE_OPEN);
	ck_assert_uint_eq(cfg->nmatches, 0);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_trusted_dirs_default_to_the_distributions_and_are_replaced)
{
	struct kme_config *cfg = parse_ok("match = lsmod\n");

	ck_assert(!cfg->trusted_exclusions);
	ck_assert_uint_eq(cfg->ntrusted_dirs, 16);
	ck_assert_str_eq(cfg->trusted_dirs[0], "/usr/sbin");
	ck_assert_str_eq(cfg->trusted_dirs[15], "/var/lib/dpkg/info");
	cfg_free(cfg);
	cfg = parse_ok("match = lsmod\ntrusted_exclusions = yes\n"
		       "trusted_dir = /opt/vendor\ntrusted_dir = /usr/bin\n");
	ck_assert(cfg->trusted_exclusions);
	ck_assert_uint_eq(cfg->ntrusted_dirs, 2);
	cfg_free(cfg);
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc;

	tc = tcase_create("builtin");
	tcase_add_test(tc, test_default_has_the_four_v211_programs);
	tcase_add_test(tc, test_default_excludes_the_26_parent_names_and_dpkg_glob);
	tcase_add_test(tc, test_default_scalars_are_the_documented_values);
	tcase_add_test(tc, test_missing_keys_take_the_shipped_defaults);
	tcase_add_test(tc, test_default_text_is_the_shipped_file);
	tcase_add_test(tc, test_key_table_is_sorted_for_bsearch);
	suite_add_tcase(s, tc);

	tc = tcase_create("syntax");
	tcase_add_test(tc, test_spaces_around_equals_are_optional);
	tcase_add_test(tc, test_line_of_exactly_4096_bytes_is_accepted);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, test_unknown_key_is_reported_with_its_line);
	tcase_add_test(tc, test_keys_are_case_sensitive);
	tcase_add_test(tc, test_line_without_equals_is_an_error);
	tcase_add_test(tc, test_missing_value_is_an_error);
	tcase_add_test(tc, test_duplicate_scalar_key_is_an_error);
	tcase_add_test(tc, test_no_match_rules_is_an_error);
	tcase_add_test(tc, test_over_long_line_is_an_error);
	tcase_add_test(tc, test_control_bytes_are_errors);
	tcase_add_test(tc, test_all_errors_of_a_file_are_reported);
	tcase_add_test(tc, test_errors_beyond_the_message_size_are_counted);
	tcase_add_test(tc, test_text_over_1mib_is_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_load_refuses_group_writable);
	tcase_add_test(tc, test_load_refuses_world_writable);
	tcase_add_test(tc, test_load_refuses_file_of_another_owner);
	tcase_add_test(tc, test_load_refuses_symlink);
	tcase_add_test(tc, test_load_refuses_directory_and_fifo);
	tcase_add_test(tc, test_load_missing_file_is_an_error);
	tcase_add_test(tc, test_load_refuses_file_over_1mib);
	tcase_add_test(tc, test_load_reports_errors_with_the_path);
	tcase_add_test(tc, test_user_file_adds_user_and_executable_exclusions);
	suite_add_tcase(s, tc);

	tc = tcase_create("profiles");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_v211_profile_equals_the_built_in_rule);
	tcase_add_test(tc, test_v215_profile_has_the_v215_rule);
	tcase_add_test(tc, test_hardened_profile_is_v211_plus_multicall);
	tcase_add_test(tc, test_include_parses_the_file_in_place_with_its_origins);
	tcase_add_test(tc, test_include_one_value_lists_are_replaced_by_a_later_file);
	tcase_add_test(tc, test_include_duplicate_scalar_in_one_file_is_still_an_error);
	tcase_add_test(tc, test_include_loop_is_an_error);
	tcase_add_test(tc, test_include_of_a_missing_file_names_it);
	tcase_add_test(tc, test_a_rule_block_ends_with_its_file_and_reopens_by_name);
	suite_add_tcase(s, tc);

	tc = tcase_create("rules");
	tcase_add_test(tc, test_a_rule_block_adds_a_rule_that_shares_the_process_keys);
	tcase_add_test(tc, test_rules_that_cannot_run_are_refused);
	tcase_add_test(tc, test_a_configuration_of_a_file_rule_alone_needs_no_match);
	tcase_add_test(tc, test_trusted_dirs_default_to_the_distributions_and_are_replaced);
	suite_add_tcase(s, tc);

	/* Files root owns: only root can make them. */
	if (ck_can(geteuid() == 0, "config files as root (root-owned, "
		   "includes held to the owner checks): not root")) {
		tc = tcase_create("files as root");
		tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
		tcase_add_test(tc, test_load_root_owned_file);
		tcase_add_test(tc, test_include_is_held_to_the_owner_checks_of_cfg_load);
		suite_add_tcase(s, tc);
	}

	tc = tcase_create("store");
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run(config_suite());
}
