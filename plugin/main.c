/* main.c - command line, modes, signals and the plugin loop.
 *
 * The only place that decides to exit. Plugin mode never exits on bad input:
 * only on stdin EOF or SIGTERM (auditd's stop or reconfigure), after flushing
 * events, saving state and reporting counters.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_KME_BUILD_H
#include "kme-build.h"
#endif
#include "config.h"
#include "engine.h"
#include "newterms.h"
#include "output.h"
#include "reader.h"

#ifndef KME_CONFIG_PATH
#define KME_CONFIG_PATH "/etc/audit/audisp-kmod-enum.conf"
#endif
#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

#define PROG "audisp-kmod-enum"
#define EXIT_USAGE 2

static volatile sig_atomic_t got_stop, got_reload, got_report;

static void on_signal(int sig)
{
	switch (sig) {
	case SIGHUP:
		got_reload = 1;
		break;
	case SIGUSR1:
		got_report = 1;
		break;
	default:
		got_stop = 1;
		break;
	}
}

enum mode { MODE_PLUGIN, MODE_REPLAY, MODE_CHECK };

struct options {
	enum mode mode;
	enum eng_action action;
	const char *config;       /* -c, NULL = default path or built-in */
	const char *state;        /* --state */
	const char *host;         /* --host: host.name for records without node= */
	char **files;
	int nfiles;
};

static void usage(FILE *fp)
{
	fprintf(fp,
"Usage: " PROG " [-c FILE] [--state FILE]\n"
"       " PROG " --replay [--all | --explain] [-c FILE] [--state FILE]\n"
"                        [--host NAME] [FILE...]\n"
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
"  -s, --state FILE    new-terms state file (plugin mode default: the\n"
"                      config's state_file; replay default: memory only)\n"
"  -H, --host NAME     host.name for records without a node= prefix\n"
"                      (default: this machine's host name)\n"
"  -r, --replay        read audit logs (FILEs in order; none or - = stdin),\n"
"                      decide by event time, print one JSON alert per line on\n"
"                      stdout and a summary on stderr\n"
"  -a, --all           replay: every match, no new-terms suppression and no\n"
"                      rate limit\n"
"  -e, --explain       replay: for every exec of a watched program, say why it\n"
"                      alerted, was excluded (by what) or suppressed (since when)\n"
"  -C, --check-config  parse the configuration, report errors, and exit\n"
"  -V, --version       print the version and exit\n"
"  -h, --help          print this help and exit\n"
"\n"
"Exit status: 0 success, 1 runtime error, 2 bad usage or configuration.\n"
"See audisp-kmod-enum(8) and audisp-kmod-enum.conf(5).\n");
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "state", required_argument, NULL, 's' },
		{ "host", required_argument, NULL, 'H' },
		{ "replay", no_argument, NULL, 'r' },
		{ "all", no_argument, NULL, 'a' },
		{ "explain", no_argument, NULL, 'e' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool replay = false, check = false;
	int c;

	memset(o, 0, sizeof(*o));
	o->action = ENG_ALERT;
	while ((c = getopt_long(argc, argv, "c:s:H:raeCVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config = optarg;
			break;
		case 's':
			o->state = optarg;
			break;
		case 'H':
			o->host = optarg;
			break;
		case 'r':
			replay = true;
			break;
		case 'a':
		case 'e':
			if (o->action != ENG_ALERT) {
				fprintf(stderr, PROG ": --all and --explain exclude each other\n");
				return -1;
			}
			o->action = c == 'a' ? ENG_ALL : ENG_EXPLAIN;
			replay = true;
			break;
		case 'C':
			check = true;
			break;
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
	if (check && replay) {
		fprintf(stderr, PROG ": --check-config takes no other mode\n");
		return -1;
	}
	o->mode = check ? MODE_CHECK : replay ? MODE_REPLAY : MODE_PLUGIN;
	o->files = argv + optind;
	o->nfiles = argc - optind;
	if (o->mode != MODE_REPLAY && o->nfiles > 0) {
		fprintf(stderr, PROG ": unexpected argument '%s' (files need --replay)\n",
			o->files[0]);
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

static void stderr_notice(void *arg, int prio, const char *msg)
{
	(void)arg;
	(void)prio;
	fprintf(stderr, PROG ": %s\n", msg);
}

static void syslog_notice(void *arg, int prio, const char *msg)
{
	out_write_prio(arg, prio, msg, strlen(msg));
}

struct feed {
	struct engine *eng;
};

static void feed_line(void *arg, const char *line, size_t len)
{
	eng_line(((struct feed *)arg)->eng, line, len);
}

static void count_reader(struct engine *eng, struct rd_reader *rd,
			 struct rd_stats *last)
{
	struct rd_stats st;

	rd_stats(rd, &st);
	eng_count_bad_record(eng, (st.too_long - last->too_long) +
					  (st.bad_bytes - last->bad_bytes));
	*last = st;
}

static void hostname_of(const struct options *o, char *buf, size_t size)
{
	if (o->host != NULL)
		snprintf(buf, size, "%s", o->host);
	else if (gethostname(buf, size) != 0)
		snprintf(buf, size, "localhost");
	buf[size - 1] = '\0';
}

static int run_replay(const struct options *o, struct kme_config *cfg)
{
	struct kme_err err = { "" };
	struct nt_store *store = NULL;
	struct out_sink *sink = NULL;
	struct engine *eng = NULL;
	struct rd_reader *rd = NULL;
	struct rd_stats last = { 0 };
	struct feed f;
	char host[256], notice[512] = "", summary[1024];
	int i, rc = 1, nfiles = o->nfiles;

	hostname_of(o, host, sizeof(host));
	store = nt_store_file_open(o->state, cfg, notice, sizeof(notice), &err);
	if (store == NULL) {
		fprintf(stderr, PROG ": %s\n", err.msg);
		return 1;
	}
	if (notice[0])
		fprintf(stderr, PROG ": %s\n", notice);
	sink = out_stream_open(stdout, &err);
	rd = sink ? rd_new(RD_DEFAULT_MAX_LINE, &err) : NULL;
	if (rd != NULL) {
		struct eng_opts eo = {
			.mode = ENG_REPLAY, .action = o->action, .hostname = host,
			.sink = sink, .explain_fp = stdout, .notice = stderr_notice,
		};
		eng = eng_new(cfg, store, &eo, &err);
	}
	if (eng == NULL) {
		fprintf(stderr, PROG ": %s\n", err.msg);
		goto out;
	}
	f.eng = eng;
	rc = 0;
	for (i = 0; i < (nfiles > 0 ? nfiles : 1); i++) {
		const char *name = nfiles > 0 ? o->files[i] : "-";
		int fd = strcmp(name, "-") == 0 ? STDIN_FILENO
						: open(name, O_RDONLY | O_CLOEXEC);
		enum rd_status st;

		if (fd < 0) {
			fprintf(stderr, PROG ": %s: open: %s\n", name, strerror(errno));
			rc = 1;
			continue;
		}
		while ((st = rd_read(rd, fd, feed_line, &f, &err)) == RD_OK)
			;
		if (st == RD_ERROR) {
			fprintf(stderr, PROG ": %s: %s\n", name, err.msg);
			rc = 1;
		}
		/* A file's unterminated last line is still a record. */
		rd_finish(rd, feed_line, &f);
		count_reader(eng, rd, &last);
		if (fd != STDIN_FILENO)
			close(fd);
	}
	eng_finish(eng);
	if (o->state != NULL && nt_save(store, &err) < 0) {
		fprintf(stderr, PROG ": %s\n", err.msg);
		rc = 1;
	}
	fflush(stdout);
	fprintf(stderr, PROG ": %s\n", eng_summary(eng, summary, sizeof(summary)));
out:
	eng_free(eng);
	rd_free(rd);
	out_close(sink);
	nt_destroy(store);
	return rc;
}

static int64_t now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

static int64_t mono_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

static void setup_process(void)
{
	struct sigaction sa;
	sigset_t all;

	/* auditd hands us its signal mask and umask: reset what matters. */
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	umask(077);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static const char *state_path(const struct options *o, const struct kme_config *cfg)
{
	return o->state ? o->state : cfg->state_file;
}

/* SIGHUP: parse the file again; keep the running config unless the new one
 * is entirely valid. A changed rule identity reopens the store. */
static void reload(const struct options *o, struct engine *eng,
		   struct kme_config **cfg, struct nt_store **store,
		   struct out_sink *sink)
{
	struct kme_config *ncfg = NULL;
	struct nt_store *nstore;
	struct kme_err err = { "" };
	char msg[KME_ERR_MAX + 128], notice[512] = "";

	if (load_config(o, &ncfg, &err) < 0) {
		snprintf(msg, sizeof(msg), "reload: keeping the running configuration: %s",
			 err.msg);
		syslog_notice(sink, LOG_ERR, msg);
		return;
	}
	/* Save under the old identity, then reopen under the new one: the
	 * store itself decides whether the file can be reused. */
	if (nt_save(*store, &err) < 0)
		syslog_notice(sink, LOG_ERR, err.msg);
	nstore = nt_store_file_open(state_path(o, ncfg), ncfg, notice, sizeof(notice), &err);
	if (nstore == NULL) {
		snprintf(msg, sizeof(msg), "reload: keeping the running configuration: %s",
			 err.msg);
		syslog_notice(sink, LOG_ERR, msg);
		cfg_free(ncfg);
		return;
	}
	if (notice[0])
		syslog_notice(sink, LOG_WARNING, notice);
	eng_set_config(eng, ncfg);
	eng_set_store(eng, nstore);
	nt_destroy(*store);
	cfg_free(*cfg);
	*cfg = ncfg;
	*store = nstore;
	snprintf(msg, sizeof(msg), "reloaded configuration from %s", ncfg->path);
	syslog_notice(sink, LOG_NOTICE, msg);
}

static int run_plugin(const struct options *o, struct kme_config *cfg)
{
	struct kme_err err = { "" };
	struct nt_store *store = NULL;
	struct out_sink *sink = NULL;
	struct engine *eng = NULL;
	struct rd_reader *rd = NULL;
	struct rd_stats last = { 0 };
	struct feed f;
	char host[256], notice[512] = "", summary[1024];
	int64_t last_tick, last_save;
	int flags, rc = 1;
	bool eof = false;

	setup_process();
	hostname_of(o, host, sizeof(host));
	sink = out_syslog_open(NULL, cfg->syslog_facility, cfg->syslog_priority,
			       cfg->output_queue, &err);
	if (sink == NULL) {
		fprintf(stderr, PROG ": %s\n", err.msg);
		return 1;
	}
	store = nt_store_file_open(state_path(o, cfg), cfg, notice, sizeof(notice), &err);
	if (store == NULL) {
		/* Keep detecting with history in memory rather than exit: auditd
		 * would restart us only to fail again. */
		char msg[KME_ERR_MAX + 64];

		snprintf(msg, sizeof(msg), "%s; new-terms history kept in memory only",
			 err.msg);
		syslog_notice(sink, LOG_ERR, msg);
		store = nt_store_file_open(NULL, cfg, notice, sizeof(notice), &err);
		if (store == NULL)
			goto out;
	}
	if (notice[0])
		syslog_notice(sink, LOG_WARNING, notice);
	rd = rd_new(RD_DEFAULT_MAX_LINE, &err);
	if (rd != NULL) {
		struct eng_opts eo = {
			.mode = ENG_LIVE, .action = ENG_ALERT, .procroot = "/proc",
			.hostname = host, .sink = sink, .notice = syslog_notice,
			.notice_arg = sink,
		};
		eng = eng_new(cfg, store, &eo, &err);
	}
	if (eng == NULL) {
		syslog_notice(sink, LOG_ERR, err.msg);
		goto out;
	}
	f.eng = eng;
	flags = fcntl(STDIN_FILENO, F_GETFL);
	if (flags >= 0)
		fcntl(STDIN_FILENO, F_SETFL, flags | O_NONBLOCK);
	snprintf(notice, sizeof(notice), "started (rule %s v%s, config %s, state %s)",
		 cfg->rule_id, cfg->rule_version, cfg->path, state_path(o, cfg));
	syslog_notice(sink, LOG_INFO, notice);
	last_tick = last_save = mono_sec();
	rc = 0;
	while (!got_stop && !eof) {
		struct pollfd pfd[2] = { { STDIN_FILENO, POLLIN, 0 }, { -1, POLLOUT, 0 } };
		int64_t mono;
		enum rd_status st;

		pfd[1].fd = out_pollfd(sink);
		if (poll(pfd, 2, 1000) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			/* Drain what is there now, but come back to the
			 * housekeeping at least every few reads. */
			int n;

			for (n = 0; n < 64; n++) {
				st = rd_read(rd, STDIN_FILENO, feed_line, &f, &err);
				if (st == RD_EOF || st == RD_ERROR) {
					eof = true;
					break;
				}
				if (st == RD_AGAIN)
					break;
			}
			count_reader(eng, rd, &last);
		}
		mono = mono_sec();
		if (mono != last_tick) {
			eng_tick(eng, now_sec());
			last_tick = mono;
		} else if (pfd[1].revents & POLLOUT) {
			out_pump(sink);
		}
		if (got_reload) {
			got_reload = 0;
			reload(o, eng, &cfg, &store, sink);
		}
		if (got_report) {
			got_report = 0;
			syslog_notice(sink, LOG_INFO, eng_summary(eng, summary, sizeof(summary)));
		}
		if (mono - last_save >= cfg->state_save_interval) {
			if (nt_save(store, &err) < 0)
				syslog_notice(sink, LOG_ERR, err.msg);
			last_save = mono;
		}
	}
	rd_finish(rd, feed_line, &f);
	eng_finish(eng);
	if (nt_save(store, &err) < 0)
		syslog_notice(sink, LOG_ERR, err.msg);
	syslog_notice(sink, LOG_INFO, eng_summary(eng, summary, sizeof(summary)));
	out_drain(sink, 2000);
out:
	eng_free(eng);
	rd_free(rd);
	nt_destroy(store);
	out_close(sink);
	cfg_free(cfg);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o;
	struct kme_config *cfg = NULL;
	struct kme_err err = { "" };
	int rc;

	if (parse_args(argc, argv, &o) < 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (load_config(&o, &cfg, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return EXIT_USAGE;
	}
	switch (o.mode) {
	case MODE_CHECK:
		printf("%s: OK (%zu match rules, %zu exclusions, rule %s v%s)\n",
		       cfg->path, cfg->nmatches, cfg->nexcls, cfg->rule_id,
		       cfg->rule_version);
		cfg_free(cfg);
		return 0;
	case MODE_REPLAY:
		rc = run_replay(&o, cfg);
		cfg_free(cfg);
		return rc;
	case MODE_PLUGIN:
	default:
		return run_plugin(&o, cfg);
	}
}
