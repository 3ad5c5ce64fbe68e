/* alerttest.h - the alert suites' fixture (check_alert.c, check_alertecs.c,
 * check_alerttext.c, check_alertclip.c): `lsmod` typed in bash on pts0 by
 * auid 1000 as root, as in rule.md, and helpers to read the JSON line.
 * Each suite includes it once and adds setup/teardown as a checked
 * fixture. */
#ifndef KME_ALERTTEST_H
#define KME_ALERTTEST_H

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "alert.h"
#include "buf.h"
#include "cfg.h"
#include "kme.h"
#include "newterms.h"

#define S(lit) ((struct kme_str){ lit, sizeof(lit) - 1 })

static struct kme_config cfg;
static struct alert_ctx ctx;
static struct kme_str args[4], pargs[2];
static struct kme_exec ex;
static struct nt_term term;
static struct nt_seen seen;
static struct kme_buf out;
static yajl_val doc;

static inline void setup(void)
{
	memset(&cfg, 0, sizeof(cfg));
	cfg.rule_id = "2d8043ed-5bda-4caf-801c-c1feb7410504";
	cfg.rule_name = "Enumeration of Kernel Modules";
	cfg.rule_version = "211";
	cfg.rule_severity = "medium";
	cfg.rule_severity_num = 47;
	cfg.rule_risk_score = 47;
	cfg.rule_description = "Our own words.";
	cfg.rule_reference = "https://example.org/rule";
	cfg.rule_ruleset = "Elastic prebuilt rules";
	cfg.rule_authors[0] = "Elastic";
	cfg.nrule_authors = 1;
	cfg.threat_framework = "MITRE ATT&CK";
	cfg.tactics[0] = (struct cfg_threat){ "TA0007",
		"https://attack.mitre.org/tactics/TA0007/", "Discovery" };
	cfg.ntactics = 1;
	cfg.techniques[0] = (struct cfg_threat){ "T1082",
		"https://attack.mitre.org/techniques/T1082/",
		"System Information Discovery" };
	cfg.ntechniques = 1;
	cfg.term_fields[0] = CFG_TF_EXECUTABLE;
	cfg.term_fields[1] = CFG_TF_PARENT_EXECUTABLE;
	cfg.nterm_fields = 2;
	ctx = (struct alert_ctx){ .cfg = &cfg, .hostname = "web01",
				  .mode = "live", .created_ms = 1795728868999 };

	args[0] = S("lsmod");
	pargs[0] = S("-bash");
	memset(&ex, 0, sizeof(ex));
	ex.sec = 1795728867;
	ex.msec = 245;
	ex.serial = 6;
	ex.success = true;
	ex.proc.pid = 2223;
	ex.proc.executable = S("/usr/sbin/lsmod");
	ex.proc.name = S("lsmod");
	ex.proc.args = (struct kme_args){ .v = args, .n = 1 };
	ex.proc.cwd = S("/root");
	ex.ppid = 2203;
	ex.uid = ex.euid = ex.gid = ex.egid = 0;
	ex.auid = 1000;
	ex.ses = 3;
	ex.tty = S("pts0");
	ex.comm = S("lsmod");
	ex.exe = S("/usr/bin/kmod");
	ex.user_name = S("root");
	ex.parent.pid = 2203;
	ex.parent.executable = S("/usr/bin/bash");
	ex.parent.name = S("bash");
	ex.parent.args = (struct kme_args){ .v = pargs, .n = 1 };
	ex.parent_source = KME_PARENT_AUDIT;

	memset(&term, 0, sizeof(term));
	term.v[0] = ex.proc.executable;
	term.v[1] = ex.parent.executable;
	term.n = 2;
	seen = (struct nt_seen){ .known = true, .is_new = true,
				 .first_seen = 1700000000000, /* ms */
				 .last_seen = 1790000000000, .count = 4 };
	buf_init(&out, 0);
	doc = NULL;
}

static inline void teardown(void)
{
	yajl_tree_free(doc);
	buf_free(&out);
}

/* Every byte of a line is printable: no newline, no raw control. */
static inline void assert_one_clean_line(const struct kme_buf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->p[i];

		ck_assert_msg(c >= 0x20 && c != 0x7f,
			      "raw byte 0x%02x at %zu in %s", c, i, b->p);
	}
}

/* The value at a dotted path, split on '.' (keys with dots are not used
 * here, except "@timestamp" which has none). */
static inline yajl_val at(yajl_val v, const char *dotted)
{
	const char *path[16];
	char tmp[256], *tok, *save = NULL;
	size_t n = 0;

	ck_assert_uint_lt(strlen(dotted), sizeof(tmp));
	strcpy(tmp, dotted);
	for (tok = strtok_r(tmp, ".", &save); tok && n < 15;
	     tok = strtok_r(NULL, ".", &save))
		path[n++] = tok;
	path[n] = NULL;
	return yajl_tree_get(v, path, yajl_t_any);
}

static inline const char *str_at(yajl_val v, const char *dotted)
{
	yajl_val s = at(v, dotted);

	ck_assert_msg(YAJL_IS_STRING(s), "%s is not a string in %s", dotted,
		      out.p);
	return s->u.string;
}

static inline long long int_at(yajl_val v, const char *dotted)
{
	yajl_val s = at(v, dotted);

	ck_assert_msg(YAJL_IS_INTEGER(s), "%s is not an integer in %s",
		      dotted, out.p);
	return YAJL_GET_INTEGER(s);
}

static inline yajl_val arr_at(yajl_val v, const char *dotted, size_t len)
{
	yajl_val a = at(v, dotted);

	ck_assert_msg(YAJL_IS_ARRAY(a), "%s is not an array in %s", dotted,
		      out.p);
	ck_assert_uint_eq(a->u.array.len, len);
	return a;
}

static inline const char *elem_str(yajl_val a, size_t i)
{
	ck_assert(YAJL_IS_STRING(a->u.array.values[i]));
	return a->u.array.values[i]->u.string;
}

#endif
