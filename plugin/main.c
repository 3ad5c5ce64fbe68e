/* main.c - command line, modes, signals and the plugin loop.
 *
 * The only place that decides to exit. Plugin mode never exits on bad input:
 * only on stdin EOF or SIGTERM (auditd's stop or reconfigure), after flushing
 * events, saving state and reporting counters.
 */
#ifdef HAVE_KME_BUILD_H
#include "kme-build.h"
#endif
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_LIBCAP_NG
#include <cap-ng.h>
#endif

#include "alert.h"
#include "auditrules.h"
#include "buf.h"
#include "config.h"
#include "engine.h"
#include "jsonw.h"
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
#define KME_BATCH_NS (10 * 1000 * 1000)
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

enum mode { MODE_PLUGIN, MODE_REPLAY, MODE_LEARN, MODE_DUMP, MODE_CHECK };

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
"       " PROG " --learn [-c FILE] [--state FILE] [FILE...]\n"
"       " PROG " --dump-state [-c FILE] [--state FILE]\n"
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
"  -C, --check-config  parse the configuration, report errors, and exit\n"
"  -V, --version       print the version and exit\n"
"  -h, --help          print this help and exit\n"
"\n"
"Exit status: 0 success, 1 runtime error, 2 bad usage or configuration.\n"
"See audisp-kmod-enum(8) and audisp-kmod-enum.conf(5).\n");
}

/* Mode options and what they may be combined with. */
static int set_mode(struct options *o, enum mode m)
{
	if (o->mode != MODE_PLUGIN && o->mode != m) {
		fprintf(stderr, PROG ": only one of --replay/--all/--explain, "
			"--learn, --dump-state and --check-config\n");
		return -1;
	}
	o->mode = m;
	return 0;
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
		{ "learn", no_argument, NULL, 'l' },
		{ "dump-state", no_argument, NULL, 'd' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc = 0;

	memset(o, 0, sizeof(*o));
	o->mode = MODE_PLUGIN;
	o->action = ENG_ALERT;
	while ((c = getopt_long(argc, argv, "c:s:H:raeldCVh", longopts, NULL)) != -1) {
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
			rc |= set_mode(o, MODE_REPLAY);
			break;
		case 'a':
		case 'e':
			if (o->action != ENG_ALERT) {
				fprintf(stderr, PROG ": --all and --explain exclude each other\n");
				return -1;
			}
			o->action = c == 'a' ? ENG_ALL : ENG_EXPLAIN;
			rc |= set_mode(o, MODE_REPLAY);
			break;
		case 'l':
			rc |= set_mode(o, MODE_LEARN);
			o->action = ENG_LEARN;
			break;
		case 'd':
			rc |= set_mode(o, MODE_DUMP);
			break;
		case 'C':
			rc |= set_mode(o, MODE_CHECK);
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
	if (rc != 0)
		return -1;
	o->files = argv + optind;
	o->nfiles = argc - optind;
	if (o->mode != MODE_REPLAY && o->mode != MODE_LEARN && o->nfiles > 0) {
		fprintf(stderr, PROG ": unexpected argument '%s' (files need --replay "
			"or --learn)\n", o->files[0]);
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

static const char *state_path(const struct options *o, const struct kme_config *cfg)
{
	return o->state ? o->state : cfg->state_file;
}

/* Every writer of a state file holds an exclusive lock on PATH.lock for as
 * long as it runs, so that --learn or a replay with --state cannot race the
 * running plugin (whose next save would overwrite what they wrote). Returns
 * the lock's fd; -1 with err set when another process holds it; -2 with err
 * set when no lock file can be made (a read-only directory: saving will fail
 * and say so anyway, so the caller only warns). The state directory is
 * created by the store first; the lock file is opened without following
 * symlinks. */
static int state_lock(const char *path, struct kme_err *err)
{
	char lpath[4096];
	int fd;

	if (snprintf(lpath, sizeof(lpath), "%s.lock", path) >= (int)sizeof(lpath)) {
		kme_errf(err, "%s: path too long for a lock", path);
		return -2;
	}
	fd = open(lpath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		kme_errnof(err, errno, "%s: open lock", lpath);
		return -2;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;

		close(fd);
		if (e == EWOULDBLOCK)
			return kme_errf(err, "%s: in use by another audisp-kmod-enum "
					"(the running plugin? stop auditd first)", path);
		return kme_errnof(err, e, "%s: lock", lpath);
	}
	return fd;
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
	int i, rc = 1, nfiles = o->nfiles, lockfd = -1;
	/* Replay keeps history in memory unless told; --learn fills the
	 * plugin's own state file. */
	const char *path = o->mode == MODE_LEARN ? state_path(o, cfg) : o->state;

	hostname_of(o, host, sizeof(host));
	store = nt_store_file_open(path, cfg, notice, sizeof(notice), &err);
	if (store != NULL && path != NULL && (lockfd = state_lock(path, &err)) < 0) {
		if (lockfd == -2) {
			fprintf(stderr, PROG ": warning: %s\n", err.msg);
		} else {
			nt_destroy(store);
			store = NULL;
		}
	}
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
	if (path != NULL && nt_save(store, &err) < 0) {
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
	if (lockfd >= 0)
		close(lockfd);
	return rc;
}

/* --dump-state: one line per term, most recently seen first. */
struct dump_row {
	int64_t first, last;
	uint64_t count;
	struct kme_buf values;
};

struct dump_rows {
	struct dump_row *v;
	size_t n, cap;
	bool oom;
};

static void dump_collect(void *arg, const struct nt_term *term, int64_t first,
			 int64_t last, uint64_t count)
{
	struct dump_rows *rows = arg;
	struct dump_row *r;
	size_t i;

	if (rows->n == rows->cap) {
		size_t ncap = rows->cap ? rows->cap * 2 : 256;
		struct dump_row *nv = realloc(rows->v, ncap * sizeof(*nv));

		if (nv == NULL) {
			rows->oom = true;
			return;
		}
		rows->v = nv;
		rows->cap = ncap;
	}
	r = &rows->v[rows->n++];
	r->first = first;
	r->last = last;
	r->count = count;
	buf_init(&r->values, 0);
	for (i = 0; i < term->n; i++) {
		buf_putc(&r->values, '\t');
		if (term->v[i].p == NULL)
			buf_puts(&r->values, "-");
		else
			jsonw_escape(&r->values, term->v[i].p, term->v[i].len);
	}
}

static int by_last_desc(const void *a, const void *b)
{
	const struct dump_row *x = a, *y = b;

	return x->last < y->last ? 1 : x->last > y->last ? -1 : 0;
}

static int run_dump(const struct options *o, struct kme_config *cfg)
{
	struct kme_err err = { "" };
	struct dump_rows rows = { 0 };
	struct nt_store *store;
	char notice[512] = "", first[32], last[32];
	const char *path = state_path(o, cfg);
	size_t i;

	store = nt_store_file_open_ro(path, cfg, notice, sizeof(notice), &err);
	if (store == NULL) {
		fprintf(stderr, PROG ": %s\n", err.msg);
		return 1;
	}
	if (notice[0])
		fprintf(stderr, PROG ": %s\n", notice);
	store->ops->foreach(store, dump_collect, &rows);
	qsort(rows.v, rows.n, sizeof(*rows.v), by_last_desc);
	printf("# %s: %zu term(s), rule %s v%s, window %llds\n", path, rows.n,
	       cfg->rule_id, cfg->rule_version, (long long)cfg->history_window);
	printf("# last_seen\tfirst_seen\tcount");
	for (i = 0; i < cfg->nterm_fields; i++)
		printf("\t%s", cfg_term_field_name(cfg->term_fields[i]));
	printf("\n");
	for (i = 0; i < rows.n; i++) {
		alert_time(rows.v[i].last, 0, last);
		alert_time(rows.v[i].first, 0, first);
		printf("%s\t%s\t%llu%s\n", last, first,
		       (unsigned long long)rows.v[i].count,
		       rows.v[i].values.p ? rows.v[i].values.p : "");
		buf_free(&rows.v[i].values);
	}
	free(rows.v);
	nt_destroy(store);
	if (rows.oom) {
		fprintf(stderr, PROG ": %s: out of memory listing terms\n", path);
		return 1;
	}
	return 0;
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

/* Without an execve audit rule the plugin can never alert: say so once. */
static void warn_if_exec_unaudited(struct out_sink *sink)
{
	struct kme_err err = { "" };
	char msg[KME_ERR_MAX + 64];

	switch (ar_exec_audited(&err)) {
	case 1:
		return;
	case 0:
		syslog_notice(sink, LOG_WARNING,
			      "no audit rule audits execve: no process start will "
			      "be seen and no alert raised (load kmod-enum.rules: "
			      "augenrules --load)");
		return;
	default:
		snprintf(msg, sizeof(msg), "cannot check for an execve audit rule: %s",
			 err.msg);
		syslog_notice(sink, LOG_WARNING, msg);
	}
}

/* Keep only CAP_SYS_PTRACE: reading /proc/<pid>/exe and cwd of processes of
 * other users (parent lookups) needs it. Everything the plugin writes (state
 * directory, syslog socket) is reachable as uid 0 without capabilities. */
static void drop_privileges(struct out_sink *sink)
{
#ifdef HAVE_LIBCAP_NG
	if (geteuid() != 0)
		return;
	capng_clear(CAPNG_SELECT_BOTH);
	capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, CAP_SYS_PTRACE);
	if (capng_apply(CAPNG_SELECT_BOTH) < 0)
		syslog_notice(sink, LOG_WARNING,
			      "cannot drop capabilities; running with those inherited");
#else
	(void)sink;
#endif
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
	int flags, rc = 1, lockfd = -1;
	bool eof = false, file_backed = true;

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
		file_backed = false;
	}
	if (notice[0])
		syslog_notice(sink, LOG_WARNING, notice);
	if (file_backed && (lockfd = state_lock(state_path(o, cfg), &err)) == -2) {
		syslog_notice(sink, LOG_WARNING, err.msg);
	} else if (file_backed && lockfd < 0) {
		/* Another instance owns the file: do not fight over it. */
		char msg[KME_ERR_MAX + 64];

		snprintf(msg, sizeof(msg), "%s; new-terms history kept in memory only",
			 err.msg);
		syslog_notice(sink, LOG_ERR, msg);
		nt_destroy(store);
		store = nt_store_file_open(NULL, cfg, notice, sizeof(notice), &err);
		if (store == NULL)
			goto out;
	}
	warn_if_exec_unaudited(sink);
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
	/* /proc was read for the seed; from here on only parent lookups need
	 * privilege. */
	drop_privileges(sink);
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
			/* auditd writes one record per write(): waking up for
			 * each costs more than handling it. Pausing after a
			 * drained burst lets records gather (the socket buffer
			 * holds far more than 10 ms of any real load), for at
			 * most that much added latency. */
			if (n > 0 && !eof) {
				struct timespec pause = { 0, KME_BATCH_NS };

				nanosleep(&pause, NULL);
			}
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
	if (lockfd >= 0)
		close(lockfd);
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
		if (o.mode == MODE_PLUGIN) {
			/* auditd discards a plugin's stderr: say it where an
			 * administrator will look. */
			openlog(PROG, LOG_PID, LOG_DAEMON);
			syslog(LOG_ERR, "refusing to start: %s", err.msg);
			closelog();
		}
		return EXIT_USAGE;
	}
	switch (o.mode) {
	case MODE_CHECK:
		printf("%s: OK (%zu match rules, %zu exclusions, rule %s v%s)\n",
		       cfg->path, cfg->nmatches, cfg->nexcls, cfg->rule_id,
		       cfg->rule_version);
		cfg_free(cfg);
		return 0;
	case MODE_DUMP:
		rc = run_dump(&o, cfg);
		cfg_free(cfg);
		return rc;
	case MODE_REPLAY:
	case MODE_LEARN:
		rc = run_replay(&o, cfg);
		cfg_free(cfg);
		return rc;
	case MODE_PLUGIN:
	default:
		return run_plugin(&o, cfg);
	}
}
