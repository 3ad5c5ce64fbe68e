/* live.c - plugin mode: the process around the pipeline (see live.h). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_LIBCAP_NG
#include <cap-ng.h>
#endif

#include "auditrules.h"
#include "clock.h"
#include "live.h"
#include "log.h"

/* auditd writes one record per write(): waking up for each costs more than
 * handling it. Pausing after a drained burst lets records gather (the
 * socket buffer holds far more than 10 ms of any real load), for at most
 * that much added latency. */
#define LIVE_BATCH_NS (10 * 1000 * 1000)
/* Reads per wake-up before the housekeeping gets its turn. */
#define LIVE_READS 64

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

int live_prepare(void)
{
	static const int caught[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1 };
	struct sigaction sa;
	sigset_t none;
	size_t i;

	umask(077);
	if (sigemptyset(&none) < 0 || sigprocmask(SIG_SETMASK, &none, NULL) < 0) {
		log_warn("sigprocmask");
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	for (i = 0; i < sizeof(caught) / sizeof(caught[0]); i++) {
		if (sigaction(caught[i], &sa, NULL) < 0) {
			log_warn("sigaction(%s)", strsignal(caught[i]));
			return -1;
		}
	}
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) < 0) {
		log_warn("sigaction(%s)", strsignal(SIGPIPE));
		return -1;
	}
	return 0;
}

void live_refuse(const char *why)
{
	struct out_sink *sink = out_syslog_open(NULL, LOG_DAEMON, LOG_ERR, 64,
						NULL);

	if (sink == NULL)
		return;
	log_to_sink(sink);
	log_errx("refusing to start: %s", why);
	out_drain(sink, 1000);
	log_to_stderr();
	out_close(sink);
}

/* Without an execve audit rule the plugin can never alert: say so once. */
static void warn_if_exec_unaudited(void)
{
	struct kme_err err = { "" };

	switch (ar_exec_audited(&err)) {
	case 1:
		return;
	case 0:
		log_warnx("no audit rule audits execve: no process start will "
			  "be seen and no alert raised (load kmod-enum.rules: "
			  "augenrules --load)");
		return;
	default:
		log_warnx("cannot check for an execve audit rule: %s", err.msg);
	}
}

/* Keep only CAP_SYS_PTRACE: reading /proc/<pid>/exe and cwd of processes of
 * other users (parent lookups) needs it. Everything the plugin writes (state
 * directory, syslog socket) is reachable as uid 0 without capabilities. */
static void drop_privileges(void)
{
#ifdef HAVE_LIBCAP_NG
	if (geteuid() != 0)
		return;
	capng_clear(CAPNG_SELECT_BOTH);
	capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, CAP_SYS_PTRACE);
	if (capng_apply(CAPNG_SELECT_BOTH) < 0)
		log_warnx("cannot drop capabilities; running with those inherited");
#endif
}

int live_start(void)
{
	int flags;

	warn_if_exec_unaudited();
	/* /proc was read for the seed; from here on only parent lookups need
	 * privilege. */
	drop_privileges();
	flags = fcntl(STDIN_FILENO, F_GETFL);
	if (flags < 0 || fcntl(STDIN_FILENO, F_SETFL, flags | O_NONBLOCK) < 0) {
		log_warn("stdin: fcntl(O_NONBLOCK)");
		return -1;
	}
	return 0;
}

/* Drain what stdin holds now, at most LIVE_READS reads. Returns true at
 * end of input. */
static bool read_records(struct engine *eng, struct rd_reader *rd)
{
	struct kme_err err = { "" };
	enum rd_status st = RD_AGAIN;
	int n;

	for (n = 0; n < LIVE_READS; n++) {
		int64_t t = clk_mono_ms();

		eng_clock(eng, t, false);
		st = eng_read(eng, rd, STDIN_FILENO, &err);
		if (st == RD_AGAIN)
			eng_clock(eng, t, true); /* caught up as of t */
		if (st != RD_OK)
			break;
	}
	if (st == RD_ERROR)
		log_errx("stdin: %s", err.msg);
	if (st == RD_EOF || st == RD_ERROR)
		return true;
	if (n > 0) {
		struct timespec pause = { 0, LIVE_BATCH_NS };

		nanosleep(&pause, NULL);
	}
	return false;
}

void live_run(struct engine *eng, struct rd_reader *rd, struct out_sink *sink,
	      const struct live_hooks *h)
{
	int64_t mono, last_tick = clk_mono_ms() / 1000;
	bool eof = false;

	while (!got_stop && !eof) {
		struct pollfd pfd[2] = {
			{ STDIN_FILENO, POLLIN, 0 }, { out_pollfd(sink), POLLOUT, 0 },
		};

		int64_t before = clk_mono_ms();
		int ready = poll(pfd, 2, 1000);

		if (ready < 0 && errno != EINTR)
			break;
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))
			eof = read_records(eng, rd);
		else if (ready >= 0)
			eng_clock(eng, before, true); /* nothing to read */
		mono = clk_mono_ms();
		if (mono / 1000 != last_tick) {
			eng_tick(eng);
			h->housekeeping(h->arg, mono);
			last_tick = mono / 1000;
		} else if (pfd[1].revents & POLLOUT) {
			out_pump(sink);
		}
		if (got_reload) {
			got_reload = 0;
			h->reload(h->arg);
		}
		if (got_report) {
			got_report = 0;
			eng_report(eng);
		}
	}
	eng_read_end(eng, rd);
	eng_finish(eng);
}
