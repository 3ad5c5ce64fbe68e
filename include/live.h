/* live.h - plugin mode: the process around the pipeline.
 *
 * auditd starts the plugin with its own signal mask and umask, writes audit
 * records to its stdin and stops it with SIGTERM (SIGHUP is passed on as
 * "reload"); auditd 4.2+ stops it, on its own reload too, by closing stdin
 * and then SIGTERM, and starts it again. live_prepare() sets the process
 * up for that; live_run() is
 * the loop: it drains stdin without ever waiting on it (auditd writes to
 * plugins from one thread: a plugin that stops reading stalls them all),
 * feeds the engine, ticks it about once a second, pumps waiting output, and
 * acts on the signals: SIGUSR1 logs the engine's summary (eng_report),
 * SIGHUP calls the caller's reload hook. Signal handlers only set flags;
 * everything happens in the loop.
 */
#ifndef KME_LIVE_H
#define KME_LIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "output.h"
#include "reader.h"

/* How soon the loop calls its housekeeping again while that has work
 * under way (a Redis push, one slice a call). */
#define LIVE_BUSY_MS 10

struct live_hooks {
	void *arg;
	void (*reload)(void *arg);                  /* SIGHUP */
	/* Once a second, and while it says work is under way (true: a Redis
	 * push in slices) every LIVE_BUSY_MS, with the monotonic clock in ms. */
	bool (*housekeeping)(void *arg, int64_t mono_ms);
};

/* Umask 077, an empty signal mask, the handlers of SIGTERM, SIGINT,
 * SIGHUP and SIGUSR1, SIGPIPE ignored. -1 (logged) when any call fails:
 * without them the plugin could not stop cleanly. */
int live_prepare(void);

/* The plugin cannot start (why: a bad configuration). auditd discards a
 * plugin's stderr: say it to syslog (facility daemon), where an
 * administrator will look, waiting at most a second for the daemon. */
void live_refuse(const char *why);

/* Things to do once the pipeline is built and before records flow: warn
 * when no audit rule audits execve (the plugin could never alert), drop
 * every capability but CAP_SYS_PTRACE (with libcap-ng), make stdin
 * non-blocking. -1 (logged) when stdin cannot be made non-blocking. */
int live_start(void);

/* The loop, until end of input or SIGTERM; after SIGTERM what stdin holds
 * is read (auditd 4.2+ closes it first: to its end); then the pending
 * events are completed (eng_finish). eng, rd and sink are borrowed. */
void live_run(struct engine *eng, struct rd_reader *rd, struct out_sink *sink,
	      const struct live_hooks *hooks);

#endif
