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
/* Reads after a stop signal (64 KiB each): far more than a socket holds. */
#define LIVE_DRAIN_READS 1024

static volatile sig_atomic_t got_stop, got_reload, got_report;

/* The self-pipe: a handler sets its flag and writes a byte here; the loop
 * polls the read end beside stdin, so a signal is acted on at once, not at
 * the next poll timeout. Both ends non-blocking: a full pipe already holds
 * a wake-up. */
static int sig_pipe[2] = { -1, -1 };

static void on_signal(int sig)
{
	int saved = errno;

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
	if (sig_pipe[1] >= 0 && write(sig_pipe[1], "", 1) < 0) {
		/* EAGAIN: a wake-up is pending already */
	}
	errno = saved;
}

static void drain_sig_pipe(void)
{
	char buf[64];

	while (read(sig_pipe[0], buf, sizeof(buf)) > 0)
		;
}

int live_prepare(void)
{
	static const int caught[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1 };
	struct sigaction sa;
	sigset_t none;
	size_t i;

	umask(077);
	if (sig_pipe[0] < 0 && pipe2(sig_pipe, O_NONBLOCK | O_CLOEXEC) < 0) {
		log_warn("pipe");
		return -1;
	}
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

/* The longest time the loop is not ready to read stdin (eng_input_gap):
 * measured from one read or poll to the next, with the time spent waiting
 * inside poll() on an empty input left out (poll returns as soon as records
 * arrive: that wait is no stall). Each gap is also told without the time
 * the thread was ready to run but waited for a CPU (the scheduler's run
 * delay, /proc/thread-self/schedstat's second field): what is left is the
 * loop's own doing (its work, its waits on disk or network). One pread of
 * that file per mark, about a microsecond. */
struct gap {
	struct engine *eng;
	int64_t last;             /* monotonic ms of the last read or poll */
	int64_t delay;            /* run delay then, ns (-1: unknown) */
	int fd;                   /* schedstat, -1: not available */
};

static int64_t run_delay_ns(int fd)
{
	char buf[96];
	long long on_cpu, delay;
	ssize_t n;

	if (fd < 0 || (n = pread(fd, buf, sizeof(buf) - 1, 0)) <= 0)
		return -1;
	buf[n] = '\0';
	return sscanf(buf, "%lld %lld", &on_cpu, &delay) == 2 ? delay : -1;
}

static void gap_mark(struct gap *g)
{
	int64_t now = clk_mono_ms(), delay = run_delay_ns(g->fd);

	if (g->last != 0) {
		int64_t waited = delay >= 0 && g->delay >= 0 ?
				 (delay - g->delay) / 1000000 : 0;

		eng_input_gap(g->eng, now - g->last, now - g->last - waited);
	}
	g->last = now;
	g->delay = delay;
}

/* After a poll: waiting there was no stall. */
static void gap_rested(struct gap *g)
{
	g->last = clk_mono_ms();
	g->delay = run_delay_ns(g->fd);
}

/* Drain what stdin holds now, at most LIVE_READS reads. Returns true at
 * end of input. */
static bool read_records(struct engine *eng, struct rd_reader *rd,
			 struct gap *g)
{
	struct kme_err err = { "" };
	enum rd_status st = RD_AGAIN;
	int n;

	for (n = 0; n < LIVE_READS; n++) {
		int64_t t = clk_mono_ms();

		gap_mark(g);
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
	if (n > 0 && !got_stop && !got_reload && !got_report) {
		struct timespec pause = { 0, LIVE_BATCH_NS };

		nanosleep(&pause, NULL);   /* a signal ends it early */
	}
	return false;
}

/* Act on the signals' flags. */
static void on_flags(struct engine *eng, const struct live_hooks *h)
{
	if (got_reload) {
		got_reload = 0;
		h->reload(h->arg);
	}
	if (got_report) {
		got_report = 0;
		eng_report(eng);
	}
}

/* Stopped by a signal: take in what auditd wrote before it. auditd 4.2+
 * stops a plugin (on reload too) by closing its socket, then SIGTERM 50 ms
 * later if it is still running, and restarts it only once it has exited:
 * what the old instance leaves unread is lost. That socket is closed, so
 * this reads to its end; an older auditd still writing gets a bound. */
static void drain(struct engine *eng, struct rd_reader *rd)
{
	struct kme_err err = { "" };
	int n;

	for (n = 0; n < LIVE_DRAIN_READS; n++)
		if (eng_read(eng, rd, STDIN_FILENO, &err) != RD_OK)
			break;
}

void live_run(struct engine *eng, struct rd_reader *rd, struct out_sink *sink,
	      const struct live_hooks *h)
{
	int64_t mono = clk_mono_ms();
	/* The engine's tick at every whole second; the housekeeping then too,
	 * and every LIVE_BUSY_MS while it has work under way. */
	int64_t next_tick = (mono / 1000 + 1) * 1000, next_hk = next_tick;
	struct gap g = { .eng = eng, .delay = -1,
			 .fd = open("/proc/thread-self/schedstat",
				    O_RDONLY | O_CLOEXEC) };
	bool eof = false;

	while (!got_stop && !eof) {
		struct pollfd pfd[3] = {
			{ STDIN_FILENO, POLLIN, 0 }, { out_pollfd(sink), POLLOUT, 0 },
			{ sig_pipe[0], POLLIN, 0 },
		};
		int64_t before = clk_mono_ms();
		int ready;

		gap_mark(&g);
		ready = poll(pfd, 3, before < next_hk ? (int)(next_hk - before) : 0);
		gap_rested(&g);
		if (ready < 0 && errno != EINTR)
			break;
		if (pfd[2].revents & POLLIN)
			drain_sig_pipe();
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))
			eof = read_records(eng, rd, &g);
		else if (ready >= 0)
			eng_clock(eng, before, true); /* nothing to read */
		mono = clk_mono_ms();
		if (mono >= next_hk) {
			if (mono >= next_tick) {
				eng_tick(eng);
				next_tick = (mono / 1000 + 1) * 1000;
			}
			next_hk = h->housekeeping(h->arg, mono) ?
				  mono + LIVE_BUSY_MS : next_tick;
		} else if (pfd[1].revents & POLLOUT) {
			out_pump(sink);
		}
		on_flags(eng, h);
	}
	if (!eof)
		drain(eng, rd);
	if (g.fd >= 0)
		close(g.fd);
	eng_read_end(eng, rd);
	eng_finish(eng);
}
