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
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "dump.h"
#include "engine.h"
#include "live.h"
#include "localnode.h"
#include "log.h"
#include "newterms.h"
#include "output.h"
#include "reader.h"
#include "redisstore.h"
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
	const char *tz;           /* --tz ZONE: of ausearch -i stamps */
	enum rp_progress progress; /* --progress, --no-progress */
	char **files;
	int nfiles;
};

/* Everything a run holds; torn down in one place (teardown). */
struct run {
	const struct options *o;
	struct kme_config *cfg;
	struct nt_store *store;
	struct out_sink *sink;
	struct rd_reader *rd;
	struct engine *eng;
	int64_t last_save;        /* plugin: monotonic ms */
	char host[256];
	char host_id[33];         /* plugin: /etc/machine-id, "" when unknown */
	char local_node[256];     /* node name of this machine's records */
};

static void usage(FILE *fp)
{
	fprintf(fp,
"Usage: " PROG " [-c FILE] [--state FILE] [--store URL]\n"
"       " PROG " --replay [--all | --explain] [-c FILE] [--state FILE]\n"
"                        [--store URL] [--host NAME] [--tz ZONE]\n"
"                        [--progress | --no-progress] [FILE|DIR...]\n"
"       " PROG " --learn [-c FILE] [--state FILE | --store URL] [--tz ZONE]\n"
"                        [--progress | --no-progress] [FILE|DIR...]\n"
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
"  -r, --replay        read audit logs (none or - = stdin), decide by event\n"
"                      time, print one JSON alert per line on stdout and a\n"
"                      summary on stderr. A DIR is its files; several inputs\n"
"                      go in the order of their first event (auditd's rotated\n"
"                      audit.log, audit.log.1...), the same records twice\n"
"                      once. gzip, xz, zstd and bzip2 are read by content;\n"
"                      so are ausearch's outputs (ausearch -i needs --tz)\n"
"  -a, --all           replay: every match, no new-terms suppression and no\n"
"                      rate limit\n"
"  -e, --explain       replay: for every exec of a watched program, say why it\n"
"                      alerted, was excluded (by what) or suppressed (since\n"
"                      when); and which input lines were skipped and why\n"
"      --tz ZONE       the time zone of ausearch -i stamps (local times of\n"
"                      the machine that printed them), e.g. Europe/Paris, UTC\n"
"      --progress      a progress line on stderr even when it is not a\n"
"                      terminal (default: only on a terminal)\n"
"      --no-progress   no progress line, even on a terminal\n"
"  -l, --learn         replay audit logs into the state file without alerting,\n"
"                      so that a fresh install knows the past 14 days\n"
"  -d, --dump-state    list the learned terms with first/last seen and counts\n"
"  -M, --migrate-state FILE  copy the terms of state file FILE into the Redis\n"
"                      store (--store URL or new_terms_store) and exit\n"
"  -C, --check-config  parse the configuration, report errors, and exit\n"
"  -V, --version       print the version and exit\n"
"  -h, --help          print this help and exit\n"
"\n"
"Exit status: 0 success, 1 runtime error, 2 bad usage or configuration,\n"
"3 (--replay, --learn) an input could not be used: no audit record in it,\n"
"mostly lines that are not, or compressed data cut short or corrupt (what\n"
"could be read was replayed; stderr says which input and line).\n"
"See audisp-kmod-enum(8) and audisp-kmod-enum.conf(5).\n");
}

/* ---- arguments and configuration ---------------------------------------- */

/* Mode options and what they may be combined with. */
static int set_mode(struct options *o, enum mode m)
{
	if (o->mode != MODE_PLUGIN && o->mode != m) {
		log_errx("only one of --replay/--all/--explain, --learn, "
			 "--dump-state, --migrate-state and --check-config");
		return -1;
	}
	o->mode = m;
	return 0;
}

/* Long options without a short form. */
enum { OPT_TZ = 256, OPT_PROGRESS, OPT_NO_PROGRESS };

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
		{ "tz", required_argument, NULL, OPT_TZ },
		{ "progress", no_argument, NULL, OPT_PROGRESS },
		{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc = 0;

	*o = (struct options){ .mode = MODE_PLUGIN, .action = ENG_ALERT };
	while ((c = getopt_long(argc, argv, "c:s:H:S:M:raeldCVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': o->config = optarg; break;
		case 's': o->state = optarg; break;
		case 'H': o->host = optarg; break;
		case 'S': o->store = optarg; break;
		case 'M':
			o->migrate = optarg;
			rc |= set_mode(o, MODE_MIGRATE);
			break;
		case 'r': rc |= set_mode(o, MODE_REPLAY); break;
		case 'l': rc |= set_mode(o, MODE_LEARN); o->action = ENG_LEARN; break;
		case 'd': rc |= set_mode(o, MODE_DUMP); break;
		case 'C': rc |= set_mode(o, MODE_CHECK); break;
		case 'a':
		case 'e':
			if (o->action != ENG_ALERT) {
				log_errx("--all and --explain exclude each other");
				return -1;
			}
			o->action = c == 'a' ? ENG_ALL : ENG_EXPLAIN;
			rc |= set_mode(o, MODE_REPLAY);
			break;
		case OPT_TZ: o->tz = optarg; break;
		case OPT_PROGRESS: o->progress = RP_PROGRESS_ON; break;
		case OPT_NO_PROGRESS: o->progress = RP_PROGRESS_OFF; break;
		case 'V':
			printf(PROG " " PACKAGE_VERSION "\n");
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -1;
		}
	}
	o->files = argv + optind;
	o->nfiles = argc - optind;
	if (rc == 0 && o->mode != MODE_REPLAY && o->mode != MODE_LEARN &&
	    o->nfiles > 0) {
		log_errx("unexpected argument '%s' (files need --replay or "
			 "--learn)", o->files[0]);
		return -1;
	}
	if (rc == 0 && o->mode != MODE_REPLAY && o->mode != MODE_LEARN &&
	    (o->tz != NULL || o->progress != RP_PROGRESS_AUTO)) {
		log_errx("--tz, --progress and --no-progress need --replay or "
			 "--learn");
		return -1;
	}
	return rc != 0 ? -1 : 0;
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

static const char *state_path(const struct options *o,
			      const struct kme_config *cfg)
{
	return o->state ? o->state : cfg->state_file;
}

/* The Redis URL of the mode, or NULL for the file store: --store, else
 * new_terms_store (except in replay, which shares history only when told
 * with --store). */
static const char *redis_url(const struct options *o,
			     const struct kme_config *cfg)
{
	const char *u = o->store ? o->store : cfg->new_terms_store;

	if (o->mode == MODE_REPLAY && o->store == NULL)
		return NULL;
	return u != NULL && strcmp(u, "file") != 0 ? u : NULL;
}

/* The new-terms history of a mode under cfg, for a start (prev NULL) or a
 * reload (prev: the running store, whose lock passes on when the file is
 * the same). Replay keeps history in memory unless told; --learn fills the
 * plugin's own state file; --dump-state only reads. NULL with err filled:
 * the caller decides (a reload keeps the running store). */
static struct nt_store *open_history(const struct options *o,
				     const struct kme_config *cfg,
				     struct nt_store *prev, struct kme_err *err)
{
	const char *url = redis_url(o, cfg);

	if (url != NULL) {
		/* Commands that cannot do without Redis fail when it does
		 * not answer; the plugin and replay fall back locally. */
		struct rs_opts ro = {
			.url = url, .check_owner = o->mode == MODE_PLUGIN,
			.require = o->mode == MODE_LEARN ||
				   o->mode == MODE_DUMP ||
				   o->mode == MODE_MIGRATE,
			.write_behind = o->mode == MODE_LEARN,
			.rate_limit = o->mode == MODE_PLUGIN ||
				      o->mode == MODE_REPLAY,
		};

		return rs_open(cfg, &ro, err);
	}
	if (o->mode == MODE_MIGRATE) {
		kme_errf(err, "--migrate-state needs a Redis store (--store "
			 "URL or new_terms_store)");
		return NULL;
	}
	switch (o->mode) {
	case MODE_DUMP:
		return nt_store_file_open_ro(state_path(o, cfg), cfg, err);
	case MODE_REPLAY:
		return nt_store_file_open(o->state, cfg, prev, err);
	default:
		return nt_store_file_open(state_path(o, cfg), cfg, prev, err);
	}
}

/* ---- the pipeline ------------------------------------------------------- */

static void hostname_of(const struct options *o, char *buf, size_t size)
{
	if (o->host != NULL)
		snprintf(buf, size, "%s", o->host);
	else if (gethostname(buf, size) != 0)
		snprintf(buf, size, "localhost");
	buf[size - 1] = '\0';
}

/* The machine id (machine-id(5): 32 lowercase hex digits and a newline)
 * for host.id. Anything else leaves out[0] == '\0': no host.id. */
static void machine_id_of(const char *path, char out[33])
{
	char buf[40];
	ssize_t n = -1;
	size_t i;
	int fd;

	out[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd != -1) {
		n = read(fd, buf, sizeof(buf));
		close(fd);
	}
	if (n < 32 || (n > 32 && buf[32] != '\n'))
		return;
	for (i = 0; i < 32; i++)
		if (strchr("0123456789abcdef", buf[i]) == NULL || buf[i] == '\0')
			return;
	memcpy(out, buf, 32);
	out[32] = '\0';
}

/* Which records are this machine's own (proctable.h): local_node from the
 * config; else, in plugin mode, the name this machine's auditd writes
 * (auditd.conf name_format/name). A replayed log comes from anywhere: there
 * only the config says. Unknown: only records without node= are local. */
static void local_node_of(struct run *r, bool live)
{
	struct kme_err err = { "" };

	r->local_node[0] = '\0';
	if (r->cfg->local_node != NULL)
		snprintf(r->local_node, sizeof(r->local_node), "%s",
			 r->cfg->local_node);
	else if (live && ln_from_file(LN_DEFAULT_PATH, r->local_node,
				      sizeof(r->local_node), &err) < 0)
		log_warnx("%s; only records without node= are taken as this "
			  "machine's (set local_node to say which are)", err.msg);
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

	hostname_of(r->o, r->host, sizeof(r->host));
	eo.hostname = r->host;
	if (live) {
		machine_id_of("/etc/machine-id", r->host_id);
		eo.host_id = r->host_id[0] != '\0' ? r->host_id : NULL;
	}
	local_node_of(r, live);
	eo.local_node = r->local_node;
	r->sink = live ? out_syslog_open(NULL, cfg->syslog_facility,
					 cfg->syslog_priority, cfg->output_queue,
					 &err)
		       : out_stream_open(stdout, &err);
	if (r->sink == NULL)
		goto fail;
	if (live)
		log_to_sink(r->sink);
	r->store = open_history(r->o, cfg, NULL, &err);
	if (r->store == NULL && !live)
		goto fail;
	if (r->store == NULL) {
		/* Keep detecting with history in memory rather than exit:
		 * auditd would restart us only to fail again. */
		log_errx("%s; new-terms history kept in memory only", err.msg);
		if ((r->store = nt_store_memory_open(cfg, &err)) == NULL)
			goto fail;
	}
	if (r->o->mode == MODE_DUMP || r->o->mode == MODE_MIGRATE)
		return 0;
	eo.sink = r->sink;
	r->rd = rd_new(RD_DEFAULT_MAX_LINE, &err);
	if (r->rd == NULL || (r->eng = eng_new(cfg, r->store, &eo, &err)) == NULL)
		goto fail;
	return 0;
fail:
	log_errx("%s", err.msg);
	return 1;
}

/* Where the mode's history lives, for messages: the Redis store, else the
 * state file. */
static const char *history_where(const struct run *r)
{
	return redis_url(r->o, r->cfg) != NULL ? rs_where(r->store)
					       : state_path(r->o, r->cfg);
}

static int run_dump(struct run *r)
{
	struct kme_err err = { "" };
	size_t n;

	if (redis_url(r->o, r->cfg) != NULL &&
	    rs_load_all(r->store, &n, &err) < 0) {
		log_errx("%s", err.msg);
		return 1;
	}
	if (dump_history(r->store, r->cfg, history_where(r), stdout, &err) == 0)
		return 0;
	log_errx("%s", err.msg);
	return 1;
}

/* --migrate-state FILE: the file's terms merged into Redis. */
static int run_migrate(struct run *r)
{
	struct kme_err err = { "" };
	struct nt_store *src;
	size_t n;
	int rc = 0;

	src = nt_store_file_open_ro(r->o->migrate, r->cfg, &err);
	if (src == NULL || rs_import(r->store, src, &n, &err) < 0) {
		log_errx("%s", err.msg);
		rc = 1;
	} else {
		log_info("migrated %zu term(s) from %s into %s", n,
			 r->o->migrate, rs_where(r->store));
	}
	nt_destroy(src);
	return rc;
}

static void teardown(struct run *r)
{
	eng_free(r->eng);
	rd_free(r->rd);
	nt_destroy(r->store);
	log_to_stderr();
	out_close(r->sink);
	cfg_free(r->cfg);
}

/* Save the history, saying why when it fails. */
static int save(struct run *r)
{
	struct kme_err err = { "" };

	if (nt_save(r->store, &err) == 0)
		return 0;
	log_errx("%s", err.msg);
	return -1;
}

static void summary(struct run *r)
{
	char buf[1024];

	log_info("%s", eng_summary(r->eng, buf, sizeof(buf)));
}

/* ---- replay and --learn -------------------------------------------------- */

/* The inputs through the engine (replay.h), then the summary. */
static int run_replay(struct run *r)
{
	const struct rp_opts ro = {
		.inputs = r->o->files, .ninputs = r->o->nfiles, .tz = r->o->tz,
		.explain = r->o->action == ENG_EXPLAIN ? stdout : NULL,
		.progress = r->o->progress,
	};
	int rc = rp_run(&ro, r->eng, r->rd);

	if (rc == RP_EXIT_USAGE)
		return rc; /* refused before anything was replayed */
	eng_finish(r->eng);
	if (save(r) < 0 && rc == 0)
		rc = 1;
	fflush(stdout);
	summary(r);
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
	struct nt_store *nstore;
	struct kme_err err = { "" };

	if (load_config(r->o, &ncfg, &err) < 0) {
		log_errx("reload: keeping the running configuration: %s", err.msg);
		return;
	}
	save(r);
	nstore = open_history(r->o, ncfg, r->store, &err);
	if (nstore == NULL) {
		log_errx("reload: keeping the running configuration and "
			 "history: %s", err.msg);
		cfg_free(ncfg);
		return;
	}
	eng_set_config(r->eng, ncfg);
	eng_set_store(r->eng, nstore);
	nt_destroy(r->store);
	cfg_free(r->cfg);
	r->cfg = ncfg;
	r->store = nstore;
	log_notice("reloaded configuration from %s", ncfg->path);
}

static void on_report(void *arg)
{
	summary(arg);
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
		.arg = r, .reload = reload, .report = on_report,
		.housekeeping = housekeeping,
	};

	if (live_start() < 0)
		return 1;
	log_info("started (rule %s v%s, config %s, state %s)", r->cfg->rule_id,
		 r->cfg->rule_version, r->cfg->path, history_where(r));
	r->last_save = live_mono_ms();
	live_run(r->eng, r->rd, r->sink, &hooks);
	save(r);
	summary(r);
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
