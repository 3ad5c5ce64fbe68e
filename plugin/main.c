/* main.c - the command line and the program's life, as a straight line:
 * parse the arguments, load the configuration, open the history, build the
 * pipeline, run the mode's loop, tear down in one place.
 *
 * The only place that decides to exit. Plugin mode never exits on bad input:
 * only on stdin EOF or SIGTERM (auditd's stop or reconfigure), after flushing
 * events, saving state and reporting counters.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "clock.h"
#include "dump.h"
#include "engine.h"
#include "history.h"
#include "live.h"
#include "localnode.h"
#include "log.h"
#include "newterms.h"
#include "output.h"
#include "reader.h"
#include "replay.h"

#define PROG "audisp-kmod-enum"
#define EXIT_USAGE 2

enum mode { MODE_PLUGIN, MODE_REPLAY, MODE_LEARN, MODE_DUMP, MODE_CHECK,
	    MODE_MIGRATE };

struct options {
	enum mode mode;
	enum eng_action action;
	const char *config;       /* -c, NULL = default path or built-in */
	const char *state;        /* --state */
	const char *host;         /* --host: host.name for records without node= */
	const char *store;        /* --store: "file" or a Redis URL */
	const char *migrate;      /* --migrate-state FILE */
	char **files;
	int nfiles;
};

/* Everything a run holds; torn down in one place (teardown). */
struct run {
	const struct options *o;
	struct kme_config *cfg;
	struct history *hist;
	struct out_sink *sink;
	struct rd_reader *rd;
	struct engine *eng;
	int64_t last_save;        /* plugin: monotonic ms */
	struct ln_self self;      /* host.name, host.id, the local node */
};

static void usage(FILE *fp)
{
	fprintf(fp,
"Usage: " PROG " [-c FILE] [--state FILE] [--store URL]\n"
"       " PROG " --replay [--all | --explain] [-c FILE] [--state FILE]\n"
"                        [--store URL] [--host NAME] [FILE...]\n"
"       " PROG " --learn [-c FILE] [--state FILE | --store URL] [FILE...]\n"
"       " PROG " --dump-state [-c FILE] [--state FILE | --store URL]\n"
"       " PROG " --migrate-state FILE --store URL [-c FILE]\n"
"       " PROG " --check-config [-c FILE]\n"
"       " PROG " --version | --help\n"
"\n"
"Detect kernel-module enumeration (lsmod, modinfo, kmod list, depmod -a) in\n"
"audit events, as Elastic's rule \"Enumeration of Kernel Modules\" v211 does.\n"
"\n"
"Without a mode option it runs as an auditd plugin: audit records on stdin,\n"
"alerts to syslog, new-terms history in the state file.\n"
"\n"
"  -c, --config FILE   configuration (default " KME_CONFIG_PATH ";\n"
"                      built-in defaults when that file does not exist)\n"
"  -s, --state FILE    new-terms state file (plugin, --learn and --dump-state\n"
"                      default: the config's state_file; replay default:\n"
"                      memory only)\n"
"  -S, --store URL     new-terms store, overriding new_terms_store in every\n"
"                      mode: file, redis://[USER@|[USER]:PASSWORD@]HOST\n"
"                      [:PORT][/DB] or unix:///PATH[?db=N] (shared by a\n"
"                      fleet; replay uses Redis only when given --store)\n"
"  -H, --host NAME     host.name for records without a node= prefix\n"
"                      (default: this machine's host name)\n"
"  -r, --replay        read audit logs (FILEs in order; none or - = stdin),\n"
"                      decide by event time, print one JSON alert per line on\n"
"                      stdout and a summary on stderr\n"
"  -a, --all           replay: every match, no new-terms suppression and no\n"
"                      rate limit\n"
"  -e, --explain       replay: for every exec of a watched program, say why it\n"
"                      alerted, was excluded (by what) or suppressed (since when)\n"
"  -l, --learn         replay audit logs into the state file without alerting,\n"
"                      so that a fresh install knows the past 14 days\n"
"  -d, --dump-state    list the learned terms with first/last seen and counts\n"
"  -M, --migrate-state FILE  copy the terms of state file FILE into the Redis\n"
"                      store (--store URL or new_terms_store) and exit\n"
"  -C, --check-config  parse the configuration, report errors, and exit\n"
"  -V, --version       print the version and exit\n"
"  -h, --help          print this help and exit\n"
"\n"
"Exit status: 0 success, 1 runtime error, 2 bad usage or configuration.\n"
"See audisp-kmod-enum(8) and audisp-kmod-enum.conf(5).\n");
}

/* ---- arguments and configuration ---------------------------------------- */

/* The mode options: the mode each selects, and the engine's action. */
static const struct mode_opt {
	int opt;
	enum mode mode;
	enum eng_action action;
} mode_opts[] = {
	{ 'r', MODE_REPLAY, ENG_ALERT }, { 'a', MODE_REPLAY, ENG_ALL },
	{ 'e', MODE_REPLAY, ENG_EXPLAIN }, { 'l', MODE_LEARN, ENG_LEARN },
	{ 'd', MODE_DUMP, ENG_ALERT }, { 'C', MODE_CHECK, ENG_ALERT },
	{ 'M', MODE_MIGRATE, ENG_ALERT }, { 0, MODE_PLUGIN, ENG_ALERT },
};

/* Mode option c, if it may be combined with those before it. -1 (said)
 * when not, or when c is no option at all (getopt said). */
static int set_mode(struct options *o, int c)
{
	const struct mode_opt *m = mode_opts;

	while (m->opt != 0 && m->opt != c)
		m++;
	if (m->opt == 0)
		return -1;
	if (o->mode != MODE_PLUGIN && o->mode != m->mode) {
		log_errx("only one of --replay/--all/--explain, --learn, "
			 "--dump-state, --migrate-state and --check-config");
		return -1;
	}
	if (m->action != ENG_ALERT && o->action != ENG_ALERT &&
	    o->action != m->action) {
		log_errx("--all and --explain exclude each other");
		return -1;
	}
	o->mode = m->mode;
	if (m->action != ENG_ALERT)
		o->action = m->action;
	return 0;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "state", required_argument, NULL, 's' },
		{ "host", required_argument, NULL, 'H' },
		{ "store", required_argument, NULL, 'S' },
		{ "migrate-state", required_argument, NULL, 'M' },
		{ "replay", no_argument, NULL, 'r' },
		{ "all", no_argument, NULL, 'a' },
		{ "explain", no_argument, NULL, 'e' },
		{ "learn", no_argument, NULL, 'l' },
		{ "dump-state", no_argument, NULL, 'd' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct options){ .mode = MODE_PLUGIN, .action = ENG_ALERT };
	while ((c = getopt_long(argc, argv, "c:s:H:S:M:raeldCVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': o->config = optarg; break;
		case 's': o->state = optarg; break;
		case 'H': o->host = optarg; break;
		case 'S': o->store = optarg; break;
		case 'V':
			printf(PROG " " PACKAGE_VERSION "\n");
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		case 'M':
			o->migrate = optarg;
			/* fall through */
		default:
			if (set_mode(o, c) < 0)
				return -1;
		}
	}
	o->files = argv + optind;
	o->nfiles = argc - optind;
	if (o->mode != MODE_REPLAY && o->mode != MODE_LEARN && o->nfiles > 0) {
		log_errx("unexpected argument '%s' (files need --replay or "
			 "--learn)", o->files[0]);
		return -1;
	}
	return 0;
}

/* The configuration: -c FILE, else the installed file, else built-in. Plugin
 * mode refuses a file that root does not own or others may write. */
static int load_config(const struct options *o, struct kme_config **cfg,
		       struct kme_err *err)
{
	bool check_owner = o->mode == MODE_PLUGIN;
	const char *path = o->config ? o->config : KME_CONFIG_PATH;

	if (o->config == NULL && access(path, F_OK) != 0 && errno == ENOENT)
		return cfg_load_default(cfg, err);
	return cfg_load(path, check_owner, cfg, err);
}

/* --check-config's answer: each rule's size and identity on one line. */
static void check_config(const struct kme_config *cfg)
{
	const struct kme_config *r;
	size_t i;

	printf("%s: OK (", cfg->path);
	for (i = 0; (r = cfg_rule(cfg, i)) != NULL; i++) {
		if (i > 0)
			printf("; rule %s: ", r->label);
		if (r->rule_type == CFG_RULE_EXEC)
			printf("%zu match rules", r->nmatches);
		else
			printf("%zu watched files", r->nwatches);
		printf(", %zu exclusions, rule %s v%s", r->nexcls, r->rule_id,
		       r->rule_version);
	}
	printf(")\n");
}

/* ---- the history -------------------------------------------------------- */

/* The new-terms history of the mode under cfg (history.h), for a start
 * (prev NULL: the plugin then falls back to memory rather than exit) or a
 * reload (prev: the running history, whose lock passes on when the file
 * is the same; NULL with err: the caller keeps the running one). */
static struct history *open_history(const struct options *o,
				    const struct kme_config *cfg,
				    struct history *prev, struct kme_err *err)
{
	static const enum hist_use use[] = {
		[MODE_PLUGIN] = HIST_PLUGIN, [MODE_REPLAY] = HIST_REPLAY,
		[MODE_LEARN] = HIST_LEARN, [MODE_DUMP] = HIST_DUMP,
		[MODE_MIGRATE] = HIST_MIGRATE, [MODE_CHECK] = HIST_REPLAY,
	};
	const struct hist_opts ho = {
		.use = use[o->mode], .state = o->state, .store = o->store,
		.memory_fallback = o->mode == MODE_PLUGIN && prev == NULL,
	};

	return hist_open(&ho, cfg, prev, err);
}

/* ---- the pipeline ------------------------------------------------------- */

/* Each added rule's history to the engine (the first rule's is set by
 * eng_new or eng_set_store). */
static void attach_rules(struct engine *eng, const struct history *h)
{
	const struct history *rh;
	size_t i;

	for (i = 1; (rh = hist_rule(h, i)) != NULL; i++)
		eng_set_rule_store(eng, i, hist_store(rh), hist_rate(rh));
}

/* The output, the history, the reader and the engine of the mode. In
 * plugin mode the log goes to syslog from here on. 0, or 1 after saying
 * why. */
static int setup(struct run *r)
{
	const struct kme_config *cfg = r->cfg;
	bool live = r->o->mode == MODE_PLUGIN;
	struct eng_opts eo = {
		.mode = live ? ENG_LIVE : ENG_REPLAY, .action = r->o->action,
		.procroot = live ? "/proc" : NULL, .explain_fp = stdout,
	};
	struct kme_err err = { "" };

	if (ln_self(&r->self, r->o->host, cfg->local_node, live, &err) < 0)
		log_warnx("%s; only records without node= are taken as this "
			  "machine's (set local_node to say which are)", err.msg);
	eo.hostname = r->self.host;
	eo.host_id = r->self.host_id[0] != '\0' ? r->self.host_id : NULL;
	eo.local_node = r->self.node;
	r->sink = live ? out_syslog_open(NULL, cfg->syslog_facility,
					 cfg->syslog_priority, cfg->output_queue,
					 &err)
		       : out_stream_open(stdout, &err);
	if (r->sink == NULL)
		goto fail;
	if (live)
		log_to_sink(r->sink);
	if ((r->hist = open_history(r->o, cfg, NULL, &err)) == NULL)
		goto fail;
	if (r->o->mode == MODE_DUMP || r->o->mode == MODE_MIGRATE)
		return 0;
	eo.sink = r->sink;
	eo.rate = hist_rate(r->hist);
	r->rd = rd_new(RD_DEFAULT_MAX_LINE, &err);
	if (r->rd == NULL ||
	    (r->eng = eng_new(cfg, hist_store(r->hist), &eo, &err)) == NULL)
		goto fail;
	attach_rules(r->eng, r->hist);
	return 0;
fail:
	log_errx("%s", err.msg);
	return 1;
}

/* Every rule's history, one listing each. */
static int run_dump(struct run *r)
{
	struct kme_err err = { "" };
	const struct history *h;
	size_t i;

	for (i = 0; (h = hist_rule(r->hist, i)) != NULL; i++)
		if (dump_history(hist_store(h), cfg_rule(r->cfg, i),
				 hist_where(h), stdout, &err) < 0) {
			log_errx("%s", err.msg);
			return 1;
		}
	return 0;
}

/* --migrate-state FILE: the file's terms merged into Redis. */
static int run_migrate(struct run *r)
{
	struct kme_err err = { "" };
	size_t n;

	if (hist_migrate(r->hist, r->o->migrate, &n, &err) < 0) {
		log_errx("%s", err.msg);
		return 1;
	}
	log_info("migrated %zu term(s) from %s into %s", n, r->o->migrate,
		 hist_where(r->hist));
	return 0;
}

static void teardown(struct run *r)
{
	eng_free(r->eng);
	rd_free(r->rd);
	hist_close(r->hist);
	log_to_stderr();
	out_close(r->sink);
	cfg_free(r->cfg);
}

/* Save the history, saying why when it fails. */
static int save(struct run *r)
{
	struct kme_err err = { "" };

	if (hist_save(r->hist, &err) == 0)
		return 0;
	log_errx("%s", err.msg);
	return -1;
}

/* ---- the modes ------------------------------------------------------------ */

static int run_replay(struct run *r)
{
	int rc = rp_run(r->eng, r->rd, r->o->files, r->o->nfiles);

	if (save(r) < 0)
		rc = 1;
	fflush(stdout);
	eng_report(r->eng);
	return rc;
}

/* ---- plugin mode ---------------------------------------------------------- */

/* SIGHUP: parse the file again; keep the running config unless the new one
 * is entirely valid, and the running history unless the new one opens. The
 * running history is saved first, so that a store of the same file reads
 * all it has learned. */
static void reload(void *arg)
{
	struct run *r = arg;
	struct kme_config *ncfg = NULL;
	struct history *nhist;
	struct kme_err err = { "" };

	if (load_config(r->o, &ncfg, &err) < 0) {
		log_errx("reload: keeping the running configuration: %s", err.msg);
		return;
	}
	save(r);
	nhist = open_history(r->o, ncfg, r->hist, &err);
	if (nhist == NULL) {
		log_errx("reload: keeping the running configuration and "
			 "history: %s", err.msg);
		cfg_free(ncfg);
		return;
	}
	eng_set_config(r->eng, ncfg);
	eng_set_store(r->eng, hist_store(nhist), hist_rate(nhist));
	attach_rules(r->eng, nhist);
	hist_close(r->hist);
	cfg_free(r->cfg);
	r->cfg = ncfg;
	r->hist = nhist;
	log_notice("reloaded configuration from %s", ncfg->path);
}

/* Save every state_save_interval. */
static void housekeeping(void *arg, int64_t mono_ms)
{
	struct run *r = arg;

	if (mono_ms - r->last_save >= r->cfg->state_save_interval) {
		save(r);
		r->last_save = mono_ms;
	}
}

static int run_plugin(struct run *r)
{
	const struct live_hooks hooks = {
		.arg = r, .reload = reload, .housekeeping = housekeeping,
	};
	const struct history *h;
	size_t i;

	if (live_start() < 0)
		return 1;
	log_info("started (rule %s v%s, config %s, state %s)", r->cfg->rule_id,
		 r->cfg->rule_version, r->cfg->path, hist_where(r->hist));
	for (i = 1; (h = hist_rule(r->hist, i)) != NULL; i++)
		log_info("rule %s: %s v%s, state %s", cfg_rule(r->cfg, i)->label,
			 cfg_rule(r->cfg, i)->rule_id,
			 cfg_rule(r->cfg, i)->rule_version, hist_where(h));
	r->last_save = clk_mono_ms();
	live_run(r->eng, r->rd, r->sink, &hooks);
	save(r);
	eng_report(r->eng);
	out_drain(r->sink, 2000);
	return 0;
}

int main(int argc, char **argv)
{
	struct options o;
	struct run r = { .o = &o };
	struct kme_err err = { "" };
	int rc;

	if (parse_args(argc, argv, &o) < 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (o.mode == MODE_PLUGIN && live_prepare() < 0)
		return 1;
	/* A Redis peer that closes must be an error value, not SIGPIPE
	 * (plugin mode ignores it in live_prepare). */
	if (o.mode != MODE_PLUGIN)
		signal(SIGPIPE, SIG_IGN);
	if (load_config(&o, &r.cfg, &err) < 0) {
		log_errx("%s", err.msg);
		if (o.mode == MODE_PLUGIN)
			live_refuse(err.msg);
		return EXIT_USAGE;
	}
	if (o.mode == MODE_CHECK) {
		check_config(r.cfg);
		rc = 0;
	} else if ((rc = setup(&r)) != 0) {
		/* said why */
	} else if (o.mode == MODE_DUMP) {
		rc = run_dump(&r);
	} else if (o.mode == MODE_MIGRATE) {
		rc = run_migrate(&r);
	} else if (o.mode == MODE_PLUGIN) {
		rc = run_plugin(&r);
	} else {
		rc = run_replay(&r);
	}
	teardown(&r);
	return rc;
}
