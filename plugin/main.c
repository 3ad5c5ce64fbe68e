/* main.c - the program's life, as a straight line: parse the arguments
 * (cmdline.h), load the configuration, open the history, build the
 * pipeline, run the mode's loop, tear down in one place.
 *
 * The only place that decides to exit. Plugin mode never exits on bad input:
 * only on stdin EOF or SIGTERM (auditd's stop or reconfigure), after flushing
 * events, saving state and reporting counters.
 */
#include <config.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "clock.h"
#include "cmdline.h"
#include "dump.h"
#include "engine.h"
#include "fdio.h"
#include "history.h"
#include "live.h"
#include "localnode.h"
#include "log.h"
#include "newterms.h"
#include "output.h"
#include "reader.h"
#include "replay.h"

#define EXIT_USAGE 2

/* Everything a run holds; torn down in one place (teardown). */
struct run {
	const struct cl_options *o;
	struct kme_config *cfg;
	struct history *hist;
	struct out_sink *sink;
	struct rd_reader *rd;
	struct engine *eng;
	int64_t last_save;        /* plugin: monotonic ms */
	struct ln_self self;      /* host.name, host.id, the local node */
};

/* ---- configuration and history ---------------------------------------------- */

/* The configuration: -c FILE, else the installed file, else built-in. Plugin
 * mode refuses a file that root does not own or others may write. */
static int load_config(const struct cl_options *o, struct kme_config **cfg,
		       struct kme_err *err)
{
	bool check_owner = o->mode == CL_PLUGIN;
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
static struct history *open_history(const struct cl_options *o,
				    const struct kme_config *cfg,
				    struct history *prev, struct kme_err *err)
{
	static const enum hist_use use[] = {
		[CL_PLUGIN] = HIST_PLUGIN, [CL_REPLAY] = HIST_REPLAY,
		[CL_LEARN] = HIST_LEARN, [CL_DUMP] = HIST_DUMP,
		[CL_MIGRATE] = HIST_MIGRATE, [CL_CHECK] = HIST_REPLAY,
	};
	const struct hist_opts ho = {
		.use = use[o->mode], .state = o->state, .store = o->store,
		.memory_fallback = o->mode == CL_PLUGIN && prev == NULL,
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
	bool live = r->o->mode == CL_PLUGIN;
	struct eng_opts eo = {
		.mode = live ? ENG_LIVE : ENG_REPLAY, .action = r->o->action,
		.procroot = live ? "/proc" : NULL,
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
		       : out_stream_open(stdout, "stdout", &err);
	if (r->sink == NULL)
		goto fail;
	if (live)
		log_to_sink(r->sink);
	if ((r->hist = open_history(r->o, cfg, NULL, &err)) == NULL)
		goto fail;
	if (r->o->mode == CL_DUMP || r->o->mode == CL_MIGRATE)
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
				 hist_where(h), stdout, "stdout", &err) < 0) {
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

/* ---- the modes ------------------------------------------------------------ */

/* The replay's status (replay.h), then 1 over it (an unusable input's 3
 * included) for a history that could not be saved or output that could
 * not be written; a replay refused before it began saves nothing. */
static int run_replay(struct run *r)
{
	const struct rp_opts ro = {
		.inputs = r->o->files, .ninputs = r->o->nfiles, .tz = r->o->tz,
		.explain = r->o->action == ENG_EXPLAIN ? r->sink : NULL,
		.progress = r->o->progress,
	};
	struct kme_err err = { "" };
	int rc = rp_run(&ro, r->eng, r->rd);

	if (rc == RP_EXIT_USAGE)
		return rc;
	if (hist_save(r->hist) < 0)
		rc = 1;
	eng_report(r->eng);
	if (out_error(r->sink, &err) < 0) {
		log_errx("%s", err.msg);
		rc = 1;
	}
	return rc;
}

/* ---- plugin mode ---------------------------------------------------------- */

/* SIGHUP: parse the file again; keep the running config unless the new one
 * is entirely valid, and the running history unless the new one opens
 * (which takes the running one over or saves it first: history.h); then
 * save it in the background. */
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
	/* The save on SIGHUP (an administrator's reload, logrotate's), in the
	 * background as the periodic one. */
	hist_save_background(nhist);
	r->last_save = clk_mono_ms();
}

/* The stores' work between reads (a Redis reconnect and push, slices of
 * NT_TICK_BUDGET ms in all, a background save reaped), and a background
 * save of every rule's history every state_save_interval (newterms.h: the
 * file store forks; the input is never held up). True while a store has
 * work under way: the loop then comes back within LIVE_BUSY_MS. */
static bool housekeeping(void *arg, int64_t mono_ms)
{
	struct run *r = arg;
	bool busy = hist_tick(r->hist, NT_TICK_BUDGET);

	if (mono_ms - r->last_save >= r->cfg->state_save_interval) {
		hist_save_background(r->hist);
		r->last_save = mono_ms;
	}
	return busy;
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
	hist_save(r->hist);
	eng_report(r->eng);
	out_drain(r->sink, 2000);
	return 0;
}

/* ---- exit status -------------------------------------------------------- */

/* The end of a command-line mode: what it wrote must have gone out. stdout
 * is flushed and closed (a failure a mode said already is not said again:
 * rc is then 1 or 2); stderr cannot say its own failure, only the status
 * can. A run whose output was lost fails (1): a successful one, and one
 * whose only trouble was an unusable input (3, replay.h) alike. */
static int end_outputs(int rc)
{
	struct kme_err err = { "" };
	bool said = rc != 0 && rc != RP_EXIT_INPUT;

	if (out_close_stream(stdout, "stdout", &err) < 0 && !said) {
		log_errx("%s", err.msg);
		rc = 1;
	}
	if ((fflush(stderr) == EOF || ferror(stderr)) && !said)
		rc = 1;
	return rc;
}

int main(int argc, char **argv)
{
	struct cl_options o;
	struct run r = { .o = &o };
	struct kme_err err = { "" };
	int rc;

	/* Before anything is opened: a closed stdout must stay closed (each
	 * write fails), never become the state file or a Redis socket. */
	if (fdio_hold_std() < 0) {
		log_warn("/dev/null: open (to hold a closed stdin, stdout or "
			 "stderr)");
		return 1;
	}
	/* A Redis peer that closes, or the reader of a stdout pipe (--help |
	 * head), must be an error value, not SIGPIPE (plugin mode ignores it
	 * too, in live_prepare). */
	signal(SIGPIPE, SIG_IGN);
	if ((rc = cl_parse(argc, argv, &o)) != 0) {
		if (rc > 0)
			return end_outputs(0);
		cl_usage(stderr);
		return EXIT_USAGE;
	}
	if (o.mode == CL_PLUGIN && live_prepare() < 0)
		return 1;
	if (load_config(&o, &r.cfg, &err) < 0) {
		log_errx("%s", err.msg);
		if (o.mode == CL_PLUGIN)
			live_refuse(err.msg);
		return EXIT_USAGE;
	}
	if (o.mode == CL_CHECK) {
		check_config(r.cfg);
		rc = 0;
	} else if ((rc = setup(&r)) != 0) {
		/* said why */
	} else if (o.mode == CL_DUMP) {
		rc = run_dump(&r);
	} else if (o.mode == CL_MIGRATE) {
		rc = run_migrate(&r);
	} else if (o.mode == CL_PLUGIN) {
		rc = run_plugin(&r);
	} else {
		rc = run_replay(&r);
	}
	teardown(&r);
	return o.mode == CL_PLUGIN ? rc : end_outputs(rc);
}
