/* fuzz_config.c - libFuzzer harness: the configuration parser, and the rule
 * and alert writer driven by whatever configuration it accepts.
 *
 * The input is a configuration file's text (any bytes). cfg_parse either
 * fails, with a message that must be one NUL-terminated string inside
 * struct kme_err, or yields a config that must then work everywhere:
 *   - rule_eval on a fixed set of exec events (a match, an argument
 *     condition, a comm-only parent, an absent parent, a failed exec, an
 *     attacker-chosen argv with control and non-UTF-8 bytes), with the
 *     verdict consistent with its match/excl pointers, and rule_describe
 *     giving a NUL-terminated line without control bytes;
 *   - nt_term_of and a memory store made from the config (which may refuse
 *     a config, e.g. an unprintable rule_id, with an error);
 *   - the ECS document (ae_json) with the config's rule_* strings: one
 *     valid JSON line; the text line (at_line): no raw control bytes.
 * Everything is freed per input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "alertecs.h"
#include "alerttext.h"
#include "buf.h"
#include "cfg.h"
#include "newterms.h"
#include "rule.h"

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define S(lit) ((struct kme_str){ lit, sizeof(lit) - 1 })

static const struct kme_str argv_lsmod[] = { S("lsmod") };
static const struct kme_str argv_kmod[] = { S("kmod"), S("list") };
static const struct kme_str argv_depmod[] = { S("/sbin/depmod"), S("-a") };
static const struct kme_str argv_hostile[] = {
	S("modinfo"), S("x\ny\"z\\"), S("\x1b]0;owned\x07\x1d"),
	S("\xff\xfe\xc0\xaf\xed\xa0\x80"), S("\xc2\x85\xe2\x80\xa8"),
};

struct fixed_exec {
	const char *exe, *name, *pexe, *pname, *user;
	bool pname_is_comm, success;
	uint32_t uid;
	const struct kme_str *argv;
	size_t argc;
};

/* Events exercising each branch of rule_eval; strings are literals, so
 * p[len] == '\0' holds as kme_str requires. */
static const struct fixed_exec fixed[] = {
	{ "/usr/sbin/lsmod", "lsmod", "/usr/bin/bash", "bash", "root", false,
	  true, 0, argv_lsmod, 1 },
	{ "/usr/bin/kmod", "kmod", "/var/lib/dpkg/info/linux-modules-6.1.0-"
	  "generic.postinst", "linux-modules-6", NULL, true, true, 1000,
	  argv_kmod, 2 },
	{ "/sbin/depmod", "depmod", NULL, "whoopsie-upload", "wazuh", true,
	  true, 997, argv_depmod, 2 },
	{ "/usr/sbin/modinfo", "modinfo", NULL, NULL, NULL, false, true, 0,
	  argv_hostile, sizeof(argv_hostile) / sizeof(argv_hostile[0]) },
	{ "/usr/sbin/lsmod", "lsmod", "/usr/bin/bash", "bash", "root", false,
	  false, 0, argv_lsmod, 1 },
};

static struct kme_str opt(const char *s)
{
	return s ? (struct kme_str){ s, strlen(s) } : KME_STR_NULL;
}

static void build(const struct fixed_exec *f, struct kme_exec *ex)
{
	memset(ex, 0, sizeof(*ex));
	ex->sec = 1795729587;
	ex->msec = 589;
	ex->serial = 2071;
	ex->success = f->success;
	ex->proc.pid = 21850;
	ex->proc.executable = opt(f->exe);
	ex->proc.name = opt(f->name);
	ex->proc.args = (struct kme_args){ .v = f->argv, .n = f->argc };
	ex->proc.cwd = S("/tmp/\x1b[2J");
	ex->ppid = 21849;
	ex->uid = ex->euid = ex->gid = ex->egid = ex->auid = f->uid;
	ex->ses = KME_ID_UNSET;
	ex->comm = opt(f->name);
	ex->exe = opt(f->exe);
	ex->user_name = opt(f->user);
	ex->parent.pid = f->pname || f->pexe ? 21849 : -1;
	ex->parent.executable = opt(f->pexe);
	ex->parent.name = opt(f->pname);
	ex->parent.name_is_comm = f->pname_is_comm;
	ex->parent_source = f->pname || f->pexe ? KME_PARENT_AUDIT
						: KME_PARENT_UNKNOWN;
}

static void check_describe(const struct rule_result *rr)
{
	char desc[192];
	size_t n;

	memset(desc, 'X', sizeof(desc));
	rule_describe(rr, desc, sizeof(desc));
	n = strnlen(desc, sizeof(desc));
	if (n == sizeof(desc))
		fz_fail("rule_describe: not NUL-terminated", desc, sizeof(desc));
	(void)n;
}

static void run_rule(const struct kme_config *cfg)
{
	struct alert_ctx ctx = { .cfg = cfg, .hostname = "fuzz-host",
				 .mode = "replay" };
	struct nt_store *store;
	struct kme_err err;
	struct kme_buf b;
	size_t i;

	buf_init(&b, 64 * 1024);
	store = nt_store_memory_open(cfg, &err);
	if (store == NULL && memchr(err.msg, '\0', sizeof(err.msg)) == NULL)
		abort();
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		struct kme_exec ex;
		struct rule_result rr;
		struct nt_term term;
		struct nt_seen seen = { 0 };
		char scratch[64];

		build(&fixed[i], &ex);
		rule_eval(cfg, &ex, &rr);
		if ((rr.verdict == RULE_NO_MATCH) != (rr.match == NULL) ||
		    (rr.verdict == RULE_EXCLUDED) != (rr.excl != NULL))
			abort();
		if (!ex.success && rr.verdict != RULE_NO_MATCH)
			abort();  /* a failed exec is not a process start */
		if (rr.verdict != RULE_NO_MATCH &&
		    !rule_watches_name(cfg, ex.proc.name))
			abort();  /* the pre-check must never hide a match */
		check_describe(&rr);
		nt_term_of(cfg, &ex, &term, scratch, sizeof(scratch));
		if (term.n != cfg->nterm_fields)
			abort();
		if (store != NULL &&
		    nt_check_touch(store, &term, ex.sec, &seen, &err) < 0)
			abort();
		buf_reset(&b);
		if (ae_json(&b, &ctx, &ex, &term, &seen, &ac_whole) == 0)
			fz_check_json_line(b.p, b.len);
		buf_reset(&b);
		if (at_line(&b, &ctx, &ex, &seen, &ac_whole) == 0) {
			const char *why = fz_raw_control(
				(const unsigned char *)b.p, b.len);

			if (why != NULL)
				fz_fail(why, b.p, b.len);
		}
	}
	nt_destroy(store);
	buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kme_config *cfg = NULL;
	struct kme_err err;
	size_t i;

	memset(err.msg, 'X', sizeof(err.msg));
	if (cfg_parse("fuzz.conf", (const char *)data, size, &cfg, &err) < 0) {
		if (cfg != NULL)
			abort();  /* *out untouched on failure */
		if (memchr(err.msg, '\0', sizeof(err.msg)) == NULL)
			abort();
		return 0;
	}
	if (cfg == NULL)
		abort();
	for (i = 0; i < cfg->nterm_fields; i++)
		if (cfg_term_field_name(cfg->term_fields[i]) == NULL)
			abort();
	run_rule(cfg);
	cfg_free(cfg);
	return 0;
}
