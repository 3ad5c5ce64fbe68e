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
#include "usage.h"

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
	struct rp_opts rp;        /* the inputs, --tz, --progress (replay.h) */
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

/* Inputs and the replay's options only with --replay or --learn: 0, or -1
 * (said). */
static int inputs_allowed(const struct options *o)
{
	if (o->mode == MODE_REPLAY || o->mode == MODE_LEARN)
		return 0;
	if (o->rp.ninputs > 0)
		log_errx("unexpected argument '%s' (files need --replay or "
			 "--learn)", o->rp.inputs[0]);
	else if (o->rp.tz != NULL || o->rp.progress != RP_PROGRESS_AUTO)
		log_errx("--tz, --progress and --no-progress need --replay or "
			 "--learn");
	else
		return 0;
	return -1;
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
		/* long only: their letters are not in the optstring */
		{ "tz", required_argument, NULL, 'z' },
		{ "progress", no_argument, NULL, 'P' },
		{ "no-progress", no_argument, NULL, 'N' },
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
		case 'z': o->rp.tz = optarg; break;
		case 'P': o->rp.progress = RP_PROGRESS_ON; break;
		case 'N': o->rp.progress = RP_PROGRESS_OFF; break;
		case 'V':
			printf(KME_PROG " " PACKAGE_VERSION "\n");
			exit(0);
		case 'h':
			usage_print(stdout);
			exit(0);
		case 'M':
			o->migrate = optarg;
			/* fall through */
		default:
			if (set_mode(o, c) < 0)
				return -1;
		}
	}
	o->rp.inputs = argv + optind;
	o->rp.ninputs = argc - optind;
	return inputs_allowed(o);
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
	return 0;
fail:
	log_errx("%s", err.msg);
	return 1;
}

static int run_dump(struct run *r)
{
	struct kme_err err = { "" };

	if (dump_history(hist_store(r->hist), r->cfg, hist_where(r->hist),
			 stdout, &err) == 0)
		return 0;
	log_errx("%s", err.msg);
	return 1;
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

	if (nt_save(hist_store(r->hist), &err) == 0)
		return 0;
	log_errx("%s", err.msg);
	return -1;
}

/* ---- the modes ------------------------------------------------------------ */

/* The replay's status (replay.h), or 1 for a history that could not be
 * saved (over an unusable input's 3); a replay refused before it began
 * saves nothing. */
static int run_replay(struct run *r)
{
	struct rp_opts ro = r->o->rp;
	int rc;

	ro.explain = r->o->action == ENG_EXPLAIN ? stdout : NULL;
	rc = rp_run(&ro, r->eng, r->rd);
	if (rc == RP_EXIT_USAGE)
		return rc;
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

	if (live_start() < 0)
		return 1;
	log_info("started (rule %s v%s, config %s, state %s)", r->cfg->rule_id,
		 r->cfg->rule_version, r->cfg->path, hist_where(r->hist));
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
		usage_print(stderr);
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
		printf("%s: OK (%zu match rules, %zu exclusions, rule %s v%s)\n",
		       r.cfg->path, r.cfg->nmatches, r.cfg->nexcls,
		       r.cfg->rule_id, r.cfg->rule_version);
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
