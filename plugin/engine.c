/* engine.c - the per-event pipeline (see engine.h). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert.h"
#include "assemble.h"
#include "buf.h"
#include "clock.h"
#include "engine.h"
#include "entryleader.h"
#include "multicall.h"
#include "execevent.h"
#include "hosttab.h"
#include "idname.h"
#include "jsonw.h"
#include "limit.h"
#include "log.h"
#include "proctable.h"
#include "recfilter.h"
#include "rule.h"

/* The hard bound of one alert line; max_alert_size (at most this) is the
 * one alerts are fitted to (alert_render). */
#define ENG_MAX_ALERT (OUT_MAX_MSG)
_Static_assert(CFG_MAX_ALERT_SIZE <= ENG_MAX_ALERT,
	       "max_alert_size may exceed the line buffer's bound");

struct engine {
	const struct kme_config *cfg;
	struct nt_store *store;
	struct eng_opts opts;
	struct rf_filter rf;
	struct as_assembler *as;
	struct ev_builder *evb;
	struct kme_argset argset; /* the rule's argument values, watched in
				     every argument by evb */
	struct pt_table *pt;
	struct el_finder *el;     /* process.entry_leader (entryleader.h) */
	struct mc_ids mc;         /* live: multicall binaries by dev/inode */
	const struct rule_result *rr; /* the decision being alerted on */
	struct lim_state lim;
	struct kme_buf line;
	struct eng_counters c;
	struct idn_cache *names;  /* live: this host's user and group names */
	char user_name[IDN_NAME_MAX];    /* the name of a matched event's uid */
	char euser_name[IDN_NAME_MAX];   /* ... of its effective uid */
	char group_name[IDN_NAME_MAX];   /* ... of its gid */
	char egroup_name[IDN_NAME_MAX];  /* ... of its effective gid */
	char auser_name[IDN_NAME_MAX];   /* ... of its login uid (auid) */
	uint64_t store_msgs[ENG_STORE_MSGS];  /* hashes of logged messages */
	struct rd_stats rd_last;  /* the reader's counters, last seen */
	size_t nstore_msgs;
	bool said_full;                       /* the history's first eviction */
};

static void on_event(void *arg, auparse_state_t *au, struct kme_str node);

static void rf_to_assembler(void *arg, const char *line, size_t len)
{
	as_line(((struct engine *)arg)->as, line, len);
}

static void rf_to_table(void *arg, const char *node, size_t node_len,
			int32_t pid, int32_t ppid)
{
	char name[HT_NAME_MAX + 1];
	struct kme_str n = KME_STR_NULL;

	/* A node name too long to scope has no processes in the table. */
	if (pid <= 0 || (node != NULL && node_len > HT_NAME_MAX))
		return;
	if (node != NULL) {
		memcpy(name, node, node_len);
		name[node_len] = '\0';
		n = (struct kme_str){ name, node_len };
	}
	pt_observe(((struct engine *)arg)->pt, n, pid, ppid);
}

/* Names live for ten minutes (a renamed account is seen within that), an
 * unknown id for one; the cache holds far more ids than a host has users. */
static int open_names(struct engine *e, struct kme_err *err)
{
	const struct idn_opts o = { .max_entries = 1024,
				    .ttl_ms = 10 * 60 * 1000,
				    .negative_ttl_ms = 60 * 1000,
				    .use_nss = true };

	e->names = idn_new(&o, err);
	return e->names != NULL ? 0 : -1;
}

struct engine *eng_new(const struct kme_config *cfg, struct nt_store *store,
		       const struct eng_opts *opts, struct kme_err *err)
{
	struct engine *e = calloc(1, sizeof(*e));

	if (e == NULL) {
		kme_errf(err, "engine: out of memory");
		return NULL;
	}
	e->cfg = cfg;
	e->store = store;
	e->opts = *opts;
	buf_init(&e->line, ENG_MAX_ALERT);
	lim_init(&e->lim, cfg->max_alerts, cfg->alert_interval);
	lim_share(&e->lim, opts->rate);
	e->evb = ev_builder_new(err);
	if (e->evb != NULL && (rule_argset_new(cfg, &e->argset, err) < 0 ||
			       ev_builder_watch(e->evb, &e->argset, err) < 0)) {
		eng_free(e);
		return NULL;
	}
	e->pt = e->evb ? pt_new(cfg->process_table_size, cfg->process_table_memory,
				opts->mode == ENG_LIVE ? opts->procroot : NULL,
				opts->local_node, err)
		       : NULL;
	e->el = e->pt ? el_new(opts->mode == ENG_LIVE ? opts->procroot : NULL,
			       err) : NULL;
	e->as = e->el ? as_new(on_event, e, err) : NULL;
	rf_init(&e->rf, cfg->eoe_timeout, rf_to_assembler, rf_to_table, e);
	if (e->as == NULL) {
		eng_free(e);
		return NULL;
	}
	if (opts->mode == ENG_LIVE && open_names(e, err) < 0) {
		eng_free(e);
		return NULL;
	}
	if (opts->mode == ENG_LIVE && mc_ids_load(cfg, &e->mc, err) < 0)
		log_warnx("%s", err->msg); /* matched by path only */
	if (opts->mode == ENG_LIVE && opts->procroot != NULL &&
	    pt_seed_procfs(e->pt, err) < 0) {
		/* Not fatal: the table fills from the stream and /proc lookups. */
		log_warnx("%s", err->msg);
	}
	return e;
}

void eng_free(struct engine *e)
{
	if (e == NULL)
		return;
	as_free(e->as);
	ev_builder_free(e->evb);
	rule_argset_free(&e->argset);
	pt_free(e->pt);
	el_free(e->el);
	mc_ids_free(&e->mc);
	idn_free(e->names);
	buf_free(&e->line);
	free(e);
}

void eng_set_config(struct engine *e, const struct kme_config *cfg)
{
	struct kme_argset set;
	struct kme_err err;

	/* The old set borrows the old config's strings: replace it now. Out of
	 * memory leaves nothing watched, and the rule then sees the stored
	 * arguments only (as before a set existed). */
	ev_builder_watch(e->evb, NULL, &err);
	rule_argset_free(&e->argset);
	if (rule_argset_new(cfg, &set, &err) == 0) {
		e->argset = set;
		ev_builder_watch(e->evb, &e->argset, &err);
	}
	e->cfg = cfg;
	lim_init(&e->lim, cfg->max_alerts, cfg->alert_interval);
	lim_share(&e->lim, e->opts.rate);
	/* The old ids borrow the old config: load them anew (a reload also
	 * sees binaries replaced since). */
	mc_ids_free(&e->mc);
	if (e->opts.mode == ENG_LIVE && mc_ids_load(cfg, &e->mc, &err) < 0)
		log_warnx("%s", err.msg);
}

void eng_set_store(struct engine *e, struct nt_store *store,
		   const struct lim_shared *rate)
{
	e->store = store;
	e->opts.rate = rate;
	lim_share(&e->lim, rate);
}

static void report_rate_limit(struct engine *e, bool at_exit)
{
	int64_t start;
	uint64_t count;
	char when[32];

	while (lim_take_report(&e->lim, at_exit, &start, &count)) {
		clk_rfc3339_ms(start, when);
		log_warnx("rate limit: %llu alert(s) not sent in the interval "
			  "starting %s (max_alerts %u per %llds)",
			  (unsigned long long)count, when, e->cfg->max_alerts,
			  (long long)(e->cfg->alert_interval / 1000));
	}
}

/* One name of this host's user (group) database into buf, as *out; *out
 * unchanged when already known (ENRICHED), unknown, or still being asked
 * of NSS (idname.h: never waited for here). */
static void local_name(struct engine *e, uint32_t id, enum idn_kind kind,
		       char *buf, struct kme_str *out)
{
	if (out->p != NULL || id == KME_ID_UNSET || e->names == NULL)
		return;
	if (idn_lookup(e->names, kind, id, clk_mono_ms(), buf) != IDN_FOUND)
		return;
	*out = (struct kme_str){ buf, strlen(buf) };
}

/* User and group names for exclusions and alerts: the ENRICHED
 * interpretations, else (live and the local host only: a replayed log's ids,
 * and another host's, belong to another passwd) this host's names through
 * idname.h (its cache and local files at once, NSS off the input path).
 * Called only for watched programs: up to five cache lookups. */
static void fill_user_name(struct engine *e, struct kme_exec *ex)
{
	if (e->names == NULL || ex->remote)
		return;
	local_name(e, ex->uid, IDN_USER, e->user_name, &ex->user_name);
	local_name(e, ex->euid, IDN_USER, e->euser_name, &ex->euser_name);
	local_name(e, ex->gid, IDN_GROUP, e->group_name, &ex->group_name);
	local_name(e, ex->egid, IDN_GROUP, e->egroup_name, &ex->egroup_name);
	local_name(e, ex->auid, IDN_USER, e->auser_name, &ex->auser_name);
}

/* Format one alert into e->line, fitted to max_alert_size by the alert
 * module (alert_render: long args clipped, never dropped; see alert.h). */
static enum alert_form render_fitting(struct engine *e,
				      const struct kme_exec *ex,
				      const struct nt_term *term,
				      const struct nt_seen *seen)
{
	struct alert_ctx ctx = {
		.cfg = e->cfg,
		.hostname = e->opts.hostname,
		.mode = e->opts.action == ENG_ALL ? "all" :
			e->opts.mode == ENG_LIVE ? "live" : "replay",
		/* event.created: the wall clock when the alert is made (in
		 * replay too: it is the detection time, distinct from the
		 * event's @timestamp). */
		.created_ms = clk_wall_ms(),
		.host_id = e->opts.mode == ENG_LIVE ? e->opts.host_id : NULL,
		.rr = e->rr,
	};

	return alert_render(&e->line, &ctx, e->cfg->alert_format, ex, term,
			    seen);
}

/* Format and send one alert. What the sink cannot send it counts itself
 * (output.h: errors, dropped); an alert that cannot be formatted at all is
 * the engine's to count. */
static void emit_alert(struct engine *e, const struct kme_exec *ex,
		       const struct nt_term *term, const struct nt_seen *seen)
{
	if (render_fitting(e, ex, term, seen) == ALERT_TOO_LARGE)
		e->c.output_errors++;
	else
		(void)out_write(e->opts.sink, e->line.p, e->line.len);
	e->c.alerts++;
}

/* --explain: what the alert's form would be when it does not fit whole. */
static void explain_fit(struct engine *e, const struct kme_exec *ex,
			const struct nt_term *term, const struct nt_seen *seen,
			char *detail, size_t size)
{
	size_t len = strlen(detail);
	enum alert_form fit = render_fitting(e, ex, term, seen);

	if (fit == ALERT_WHOLE || len + 1 >= size)
		return;
	snprintf(detail + len, size - len,
		 "; the alert is larger than max_alert_size (%zu): it goes out "
		 "%s (args_count %zu)", e->cfg->max_alert_size,
		 fit == ALERT_CLIPPED ? "with long arguments clipped" :
		 fit == ALERT_PARTIAL ? "with the first args only" : "not at all",
		 kme_args_count(&ex->proc.args));
}

/* Append key=value with the value escaped; "?" when absent; a value with a
 * space, a quote or a leading '?' is written as a JSON string, so that every
 * explain line splits into its fields unambiguously. */
static void explain_kv(struct kme_buf *b, const char *key, struct kme_str v)
{
	buf_printf(b, " %s=", key);
	if (v.p == NULL)
		buf_putc(b, '?');
	else if (memchr(v.p, ' ', v.len) || memchr(v.p, '"', v.len) ||
		 v.len == 0 || v.p[0] == '?')
		jsonw_str(b, v.p, v.len);
	else
		jsonw_escape(b, v.p, v.len);
}

/* --explain: one line per exec of a watched program, e.g.
 * (host=NODE after the serial when the record has a node= prefix)
 * 2026-11-26T21:34:27.245Z 1795728867.245:6 pid=2223 name=lsmod
 *   exe=/usr/sbin/lsmod ppid=2203 parent_name=bash parent_exe=/usr/bin/bash
 *   source=audit cwd=/root => alert: new term (never seen) */
static void explain(struct engine *e, const struct kme_exec *ex,
		    const char *verdict, const char *detail)
{
	char when[32];

	if (e->opts.action != ENG_EXPLAIN)
		return;
	clk_rfc3339(ex->sec, ex->msec, when);
	buf_reset(&e->line);
	buf_printf(&e->line, "%s %lld.%03u:%llu", when, (long long)ex->sec,
		   ex->msec, (unsigned long long)ex->serial);
	if (ex->node.p != NULL)
		explain_kv(&e->line, "host", ex->node); /* an aggregator's stream */
	buf_printf(&e->line, " pid=%d", ex->proc.pid);
	explain_kv(&e->line, "name", ex->proc.name);
	explain_kv(&e->line, "exe", ex->proc.executable);
	buf_printf(&e->line, " ppid=%d", ex->parent.pid);
	explain_kv(&e->line, "parent_name", ex->parent.name);
	explain_kv(&e->line, "parent_exe", ex->parent.executable);
	buf_printf(&e->line, " source=%s", kme_parent_source_name(ex->parent_source));
	explain_kv(&e->line, "cwd", ex->proc.cwd);
	buf_printf(&e->line, " => %s: %s", verdict, detail);
	/* Through the sink, as alerts go: a line it could not write is
	 * counted there, and the run fails (output.h). */
	(void)out_write(e->opts.sink, e->line.p, e->line.len);
}

/* Count a store failure; log its message the first time it is seen. */
static void store_error(struct engine *e, const char *msg)
{
	uint64_t h = 1469598103934665603ULL;  /* FNV-1a */
	const char *p;
	size_t i;

	e->c.store_errors++;
	for (p = msg; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	for (i = 0; i < e->nstore_msgs; i++)
		if (e->store_msgs[i] == h)
			return;
	if (e->nstore_msgs == ENG_STORE_MSGS)
		return;
	e->store_msgs[e->nstore_msgs++] = h;
	log_errx("%s (counted in store_errors; logged once)", msg);
}

/* The first eviction from a full history is said once: anyone who can run
 * programs can fill it (each new parent path of lsmod is a new term), and
 * an administrator must learn that it happens (term_evictions counts every
 * eviction; an evicted term alerts again when next seen). */
static void note_full_history(struct engine *e)
{
	struct nt_stats st;

	if (e->said_full)
		return;
	nt_stats(e->store, &st);
	if (st.evicted == 0)
		return;
	e->said_full = true;
	log_warnx("new-terms history full (max_terms=%zu): the least recently "
		  "seen terms are evicted, and alert again when next seen "
		  "(counted in term_evictions; said once)", e->cfg->max_terms);
}

/* Event time in milliseconds. Hostile logs carry any seconds: clamped so
 * that the product cannot overflow (no real time is near the bound). */
#define ENG_SEC_MAX (INT64_MAX / 1000 - 1)

static int64_t event_ms(const struct kme_exec *ex)
{
	int64_t sec = ex->sec;

	if (sec > ENG_SEC_MAX)
		sec = ENG_SEC_MAX;
	else if (sec < -ENG_SEC_MAX)
		sec = -ENG_SEC_MAX;
	return sec * 1000 + (ex->msec < 1000 ? (int64_t)ex->msec : 999);
}

/* a - b, saturated. */
static int64_t ms_between(int64_t a, int64_t b)
{
	if (b < 0 ? a > INT64_MAX + b : a < INT64_MIN + b)
		return b < 0 ? INT64_MAX : INT64_MIN;
	return a - b;
}

/* --explain for a term the store knew: when it was last seen, how long
 * before this event (to the millisecond), and the window it was held to. */
static void explain_known(struct engine *e, const struct kme_exec *ex,
			  const struct nt_term *term, const struct nt_seen *seen,
			  int64_t t, bool is_new)
{
	char detail[768], when[32], first[32];

	if (e->opts.action != ENG_EXPLAIN)
		return;
	clk_rfc3339_ms(seen->last_seen, when);
	clk_rfc3339_ms(seen->first_seen, first);
	snprintf(detail, sizeof(detail), is_new
		 ? "new term (last seen %s, %lld ms before, outside the %lld ms "
		   "window; %llu time(s) since %s)"
		 : "term last seen %s, %lld ms before, within the %lld ms "
		   "window (%llu time(s) since %s)",
		 when, (long long)ms_between(t, seen->last_seen),
		 (long long)e->cfg->history_window,
		 (unsigned long long)seen->count, first);
	/* The hardened match says what it matched, repeat or not. */
	if (e->rr != NULL && e->rr->multicall) {
		char rdesc[640];
		const char *mc = strstr(rule_describe(e->rr, rdesc, sizeof(rdesc)),
					"; multicall binary");
		size_t len = strlen(detail);

		if (mc != NULL && len + 1 < sizeof(detail))
			snprintf(detail + len, sizeof(detail) - len, "%s", mc);
	}
	if (is_new)
		explain_fit(e, ex, term, seen, detail, sizeof(detail));
	explain(e, ex, is_new ? "alert" : "suppressed", detail);
}

static void on_match(struct engine *e, struct kme_exec *ex,
		     const struct rule_result *rr)
{
	struct nt_term term;
	struct nt_seen seen;
	struct kme_err err;
	char scratch[64], rdesc[640], detail[768];
	int64_t t = event_ms(ex);
	struct kme_exec tex = *ex;

	/* host.name in a term is the alert's: the node, else this machine's
	 * name (records without node= are its own). */
	if (tex.node.p == NULL && e->opts.hostname != NULL)
		tex.node = (struct kme_str){ e->opts.hostname,
					     strlen(e->opts.hostname) };
	nt_term_of(e->cfg, &tex, &term, scratch, sizeof(scratch));
	e->rr = rr;
	if (e->opts.action == ENG_ALL) {
		emit_alert(e, ex, &term, NULL);
		return;
	}
	if (nt_check_touch(e->store, &term, t, &seen, &err) < 0) {
		/* The store could not decide: alerting is the safe side. */
		memset(&seen, 0, sizeof(seen));
		seen.is_new = true;
		store_error(e, err.msg);
	}
	note_full_history(e);
	if (e->opts.action == ENG_LEARN)
		return;
	if (!seen.is_new) {
		e->c.suppressed++;
		explain_known(e, ex, &term, &seen, t, false);
		return;
	}
	if (!lim_allow(&e->lim, t)) {
		e->c.rate_limited++;
		snprintf(detail, sizeof(detail), "over max_alerts %u per %llds",
			 e->cfg->max_alerts,
			 (long long)(e->cfg->alert_interval / 1000));
		explain(e, ex, "rate-limited", detail);
		return;
	}
	if (e->opts.action == ENG_EXPLAIN) {
		if (seen.known) {
			explain_known(e, ex, &term, &seen, t, true);
		} else {
			snprintf(detail, sizeof(detail), "new term (never seen); %s",
				 rule_describe(rr, rdesc, sizeof(rdesc)));
			explain_fit(e, ex, &term, &seen, detail, sizeof(detail));
			explain(e, ex, "alert", detail);
		}
		e->c.alerts++;
		return;
	}
	emit_alert(e, ex, &term, &seen);
}

static void on_exec(struct engine *e, struct kme_exec *ex)
{
	struct rule_result rr;
	char detail[640];

	e->c.execs++;
	ex->same_file_as = mc_ids_find(&e->mc, ex);
	if (!ex->success) {
		e->c.failed_execs++;
		if (rule_watches(e->cfg, ex))
			explain(e, ex, "failed", "the exec failed: not a process start");
		return;
	}
	if (rule_watches(e->cfg, ex)) {
		ev_decode_details(e->evb, ex);
		ex->remote = !pt_is_local(e->pt, ex->node);
		pt_resolve_parent(e->pt, ex);
		el_find(e->el, e->cfg, e->pt, ex);
		fill_user_name(e, ex);
		rule_eval(e->cfg, ex, &rr);
		switch (rr.verdict) {
		case RULE_NO_MATCH:
			explain(e, ex, "no match",
				rule_describe(&rr, detail, sizeof(detail)));
			break;
		case RULE_EXCLUDED:
			e->c.matches++;
			e->c.excluded++;
			explain(e, ex, "excluded",
				rule_describe(&rr, detail, sizeof(detail)));
			break;
		case RULE_MATCH:
			e->c.matches++;
			if (ex->parent_source == KME_PARENT_UNKNOWN)
				e->c.unknown_parents++;
			on_match(e, ex, &rr);
			break;
		}
	}
	pt_record_exec(e->pt, ex);
}

static void on_event(void *arg, auparse_state_t *au, struct kme_str node)
{
	struct engine *e = arg;
	struct ev_event ev;

	e->c.events++;
	ev_build(e->evb, au, node, &ev);
	if (ev.malformed)
		e->c.parse_errors++;
	if (ev.has_syscall && ev.pid > 0)
		pt_observe(e->pt, ev.node, ev.pid, ev.ppid);
	switch (ev.kind) {
	case EV_EXEC:
		on_exec(e, &ev.exec);
		break;
	case EV_FORK:
		e->c.forks++;
		pt_record_fork(e->pt, ev.node, ev.pid, ev.fork_child, ev.sec,
			       ev.msec, ev.serial);
		break;
	default:
		break;
	}
}

void eng_line(struct engine *e, const char *line, size_t len)
{
	e->c.records++;
	rf_line(&e->rf, line, len);
}

void eng_feed_line(void *eng, const char *line, size_t len)
{
	eng_line(eng, line, len);
}

static void count_reader(struct engine *e, const struct rd_reader *rd)
{
	struct rd_stats st;

	rd_stats(rd, &st);
	eng_reader_stats(e, &st);
}

enum rd_status eng_read(struct engine *e, struct rd_reader *rd, int fd,
			struct kme_err *err)
{
	enum rd_status st = rd_read(rd, fd, eng_feed_line, e, err);

	count_reader(e, rd);
	return st;
}

void eng_read_end(struct engine *e, struct rd_reader *rd)
{
	rd_finish(rd, eng_feed_line, e);
	count_reader(e, rd);
}

uint64_t eng_unparsed(const struct engine *e)
{
	return e->rf.st.unparsed;
}

void eng_count_bad_record(struct engine *e, uint64_t n)
{
	e->c.parse_errors += n;
}

void eng_reader_stats(struct engine *e, const struct rd_stats *st)
{
	e->c.parse_errors += (st->too_long - e->rd_last.too_long) +
			     (st->bad_bytes - e->rd_last.bad_bytes);
	e->rd_last = *st;
}

void eng_clock(struct engine *e, int64_t mono_ms, bool drained)
{
	int64_t now = mono_ms + 1; /* the filter's clock is > 0 */

	if (e->opts.mode != ENG_LIVE)
		return;
	if (drained)
		rf_age(&e->rf, now);
	else
		rf_clock(&e->rf, now);
}

void eng_tick(struct engine *e)
{
	/* Only the record filter ages events, by wall-clock idleness (at the
	 * moments eng_clock is told the input was drained): never libauparse,
	 * which judges an event by its own stamp and would cut a late event (a
	 * sender's queue after an outage) while it arrives. */
	report_rate_limit(e, false);
	if (e->opts.sink)
		out_pump(e->opts.sink);
}

void eng_finish(struct engine *e)
{
	as_flush(e->as);
	report_rate_limit(e, true);
}

void eng_counters(const struct engine *e, struct eng_counters *out)
{
	*out = e->c;
	out->parse_errors += e->rf.st.unparsed;
}

void eng_input_gap(struct engine *e, int64_t gap_ms, int64_t stall_ms)
{
	if (gap_ms > 0 && (uint64_t)gap_ms > e->c.input_max_gap_ms)
		e->c.input_max_gap_ms = (uint64_t)gap_ms;
	if (stall_ms > 0 && (uint64_t)stall_ms > e->c.input_max_stall_ms)
		e->c.input_max_stall_ms = (uint64_t)stall_ms;
}

const char *eng_summary(const struct engine *e, char *buf, size_t size)
{
	struct pt_stats pt;
	struct nt_stats nt = { 0 };
	struct out_stats os = { 0 };
	struct as_stats as = { 0 };

	pt_stats(e->pt, &pt);
	if (e->as)
		as_stats(e->as, &as);
	if (e->store)
		nt_stats(e->store, &nt);
	if (e->opts.sink)
		out_stats(e->opts.sink, &os);
	snprintf(buf, size,
		 "summary: records=%llu skipped=%llu completed=%llu events=%llu "
		 "execs=%llu failed_execs=%llu "
		 "matches=%llu excluded=%llu suppressed=%llu alerts=%llu "
		 "rate_limited=%llu parse_errors=%llu store_errors=%llu "
		 "unknown_parents=%llu "
		 "processes=%zu process_evictions=%llu pid_reuse=%llu "
		 "reparented=%llu procfs_reads=%llu hosts=%zu host_evictions=%llu "
		 "parser_evictions=%llu "
		 "terms=%zu term_evictions=%llu "
		 "output_sent=%llu output_queued=%llu output_dropped=%llu "
		 "output_errors=%llu store_fallbacks=%llu store_pushed=%llu "
		 "store_dropped=%llu saves=%llu save_errors=%llu",
		 (unsigned long long)e->c.records,
		 (unsigned long long)e->rf.st.dropped,
		 (unsigned long long)e->rf.st.completed,
		 (unsigned long long)e->c.events,
		 (unsigned long long)e->c.execs, (unsigned long long)e->c.failed_execs,
		 (unsigned long long)e->c.matches, (unsigned long long)e->c.excluded,
		 (unsigned long long)e->c.suppressed, (unsigned long long)e->c.alerts,
		 (unsigned long long)e->c.rate_limited,
		 (unsigned long long)(e->c.parse_errors + e->rf.st.unparsed),
		 (unsigned long long)(e->c.store_errors + nt.errors),
		 (unsigned long long)e->c.unknown_parents, pt.entries,
		 (unsigned long long)pt.evicted, (unsigned long long)pt.stale,
		 (unsigned long long)pt.reparented, (unsigned long long)pt.procfs_reads,
		 pt.hosts, (unsigned long long)pt.host_evictions,
		 (unsigned long long)as.parser_evictions,
		 nt.terms, (unsigned long long)nt.evicted,
		 (unsigned long long)os.sent, (unsigned long long)os.queued,
		 (unsigned long long)os.dropped,
		 (unsigned long long)(e->c.output_errors + os.errors + os.truncated),
		 (unsigned long long)nt.fallbacks, (unsigned long long)nt.pushed,
		 (unsigned long long)nt.dropped, (unsigned long long)nt.saves,
		 (unsigned long long)nt.save_errors);
	/* The loop's stall: plugin mode only (live.c). */
	if (e->opts.mode == ENG_LIVE) {
		size_t n = strlen(buf);

		snprintf(buf + n, size - n,
			 " input_max_gap_ms=%llu input_max_stall_ms=%llu",
			 (unsigned long long)e->c.input_max_gap_ms,
			 (unsigned long long)e->c.input_max_stall_ms);
	}
	return buf;
}

void eng_report(const struct engine *e)
{
	char buf[1024];

	log_info("%s", eng_summary(e, buf, sizeof(buf)));
}
