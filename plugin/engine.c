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
#include "auditrules.h"
#include "buf.h"
#include "clock.h"
#include "engine.h"
#include "entryleader.h"
#include "multicall.h"
#include "execevent.h"
#include "explain.h"
#include "filerule.h"
#include "hosttab.h"
#include "idname.h"
#include "limit.h"
#include "log.h"
#include "proctable.h"
#include "openevent.h"
#include "recfilter.h"
#include "rule.h"
#include "ruleset.h"
#include "trust.h"

/* The hard bound of one alert line; max_alert_size (at most this) is the
 * one alerts are fitted to (alert_render). */
#define ENG_MAX_ALERT (OUT_MAX_MSG)
_Static_assert(CFG_MAX_ALERT_SIZE <= ENG_MAX_ALERT,
	       "max_alert_size may exceed the line buffer's bound");

struct engine {
	const struct kme_config *cfg; /* the first rule's: the process's settings */
	struct rl_set rules;      /* every rule, each with its history */
	struct rl_rule *cur;      /* the rule deciding now */
	struct eng_opts opts;
	struct rf_filter rf;
	struct as_assembler *as;
	struct ev_builder *evb;
	struct kme_argset argset; /* the rule's argument values, watched in
				     every argument by evb */
	struct pt_table *pt;
	struct el_finder *el;     /* process.entry_leader (entryleader.h) */
	struct mc_ids mc;         /* live: multicall binaries by dev/inode */
	struct tu_checker *tu;    /* proves exclusions (trust.h) */
	struct oe_builder *oeb;   /* open events, for the file rules */
	const struct oe_event *open; /* the open being decided (NULL: an exec) */
	enum kme_parent_source opener_source; /* ... its opener's identity */
	const struct rule_result *rr; /* the decision being alerted on */
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
};

static void on_event(void *arg, auparse_state_t *au, struct kme_str node);
static void set_rules(struct engine *e, const struct kme_config *cfg);

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
	e->opts = *opts;
	buf_init(&e->line, ENG_MAX_ALERT);
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
	set_rules(e, cfg);
	eng_set_store(e, store, opts->rate);
	if (opts->mode == ENG_LIVE)
		ar_warn_unwatched(cfg); /* a file rule's audit rule missing */
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
	oe_builder_free(e->oeb);
	tu_free(e->tu);
	rl_free(&e->rules);
	buf_free(&e->line);
	free(e);
}

/* The rules of cfg, and the opens their audit keys mark (recfilter.h).
 * The open decoder and the trust checker are made when a configuration
 * first needs them (a v211 plugin has neither); out of memory, the file
 * rules see no open, or exclusions are proven by location alone (said). */
static void set_rules(struct engine *e, const struct kme_config *cfg)
{
	struct kme_err err;

	e->cfg = cfg;
	rl_init(&e->rules, cfg);
	e->cur = &e->rules.r[0];
	rf_watch_keys(&e->rf, e->rules.keys, e->rules.nkeys);
	if (e->rules.nfile > 0 && e->oeb == NULL &&
	    (e->oeb = oe_builder_new(&err)) == NULL)
		log_errx("%s: the file rules see no open", err.msg);
	if (e->rules.proof && e->tu == NULL &&
	    (e->tu = tu_new(e->opts.mode == ENG_LIVE ? e->opts.procroot : NULL,
			    &err)) == NULL)
		log_errx("%s: exclusions are proven by their paths alone",
			 err.msg);
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
	/* The rules start over: the caller sets their histories next
	 * (eng_set_store, eng_set_rule_store). */
	set_rules(e, cfg);
	/* The old ids borrow the old config: load them anew (a reload also
	 * sees binaries replaced since). */
	mc_ids_free(&e->mc);
	if (e->opts.mode == ENG_LIVE && mc_ids_load(cfg, &e->mc, &err) < 0)
		log_warnx("%s", err.msg);
}

void eng_set_store(struct engine *e, struct nt_store *store,
		   const struct lim_shared *rate)
{
	e->opts.rate = rate;
	rl_set_store(&e->rules, 0, store, rate);
}

void eng_set_rule_store(struct engine *e, size_t i, struct nt_store *store,
			const struct lim_shared *rate)
{
	rl_set_store(&e->rules, i, store, rate);
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
		.cfg = e->cur->cfg,
		.hostname = e->opts.hostname,
		.mode = e->opts.action == ENG_ALL ? "all" :
			e->opts.mode == ENG_LIVE ? "live" : "replay",
		/* event.created: the wall clock when the alert is made (in
		 * replay too: it is the detection time, distinct from the
		 * event's @timestamp). */
		.created_ms = clk_wall_ms(),
		.host_id = e->opts.mode == ENG_LIVE ? e->opts.host_id : NULL,
		.rr = e->rr,
		.file = e->open != NULL ? &e->open->file : NULL,
		.opener_source = e->opener_source,
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
	xp_fit(detail, size, render_fitting(e, ex, term, seen),
	       e->cfg->max_alert_size, kme_args_count(&ex->proc.args));
}

/* --explain: the line of ex under the rule deciding now (explain.h),
 * through the sink, as alerts go: a line it could not write is counted
 * there, and the run fails (output.h). */
static void explain(struct engine *e, const struct kme_exec *ex,
		    const char *verdict, const char *detail)
{
	if (e->opts.action != ENG_EXPLAIN)
		return;
	xp_line(&e->line, ex, e->cur->cfg->label,
		e->open != NULL ? &e->open->file : NULL, verdict, detail);
	(void)out_write(e->opts.sink, e->line.p, e->line.len);
}

/* Count a store failure; log its message the first time it is seen. */
static void store_error(struct engine *e, const char *msg)
{
	uint64_t h = kme_fnv1a(msg, strlen(msg));
	size_t i;

	e->c.store_errors++;
	for (i = 0; i < e->nstore_msgs; i++)
		if (e->store_msgs[i] == h)
			return;
	if (e->nstore_msgs == ENG_STORE_MSGS)
		return;
	e->store_msgs[e->nstore_msgs++] = h;
	log_errx("%s (counted in store_errors; logged once)", msg);
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

/* --explain for a term the store knew (explain.h's xp_known). */
static void explain_known(struct engine *e, const struct kme_exec *ex,
			  const struct nt_term *term, const struct nt_seen *seen,
			  int64_t t, bool is_new)
{
	char detail[768];

	if (e->opts.action != ENG_EXPLAIN)
		return;
	xp_known(detail, sizeof(detail), seen, t, e->cur->cfg->history_window,
		 e->rr, is_new);
	if (is_new)
		explain_fit(e, ex, term, seen, detail, sizeof(detail));
	explain(e, ex, is_new ? "alert" : "suppressed", detail);
}

static void on_match(struct engine *e, struct kme_exec *ex,
		     const struct rule_result *rr)
{
	const struct kme_config *cfg = e->cur->cfg;
	struct nt_store *store;
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
	nt_term_of(cfg, &tex, &term, scratch, sizeof(scratch));
	e->rr = rr;
	if (e->opts.action == ENG_ALL) {
		emit_alert(e, ex, &term, NULL);
		return;
	}
	if ((store = rl_store(e->cur, &err)) == NULL ||
	    nt_check_touch(store, &term, t, &seen, &err) < 0) {
		/* The store could not decide: alerting is the safe side. */
		memset(&seen, 0, sizeof(seen));
		seen.is_new = true;
		store_error(e, err.msg);
	}
	rl_note_full(e->cur);
	if (e->opts.action == ENG_LEARN)
		return;
	if (!seen.is_new) {
		e->c.suppressed++;
		explain_known(e, ex, &term, &seen, t, false);
		return;
	}
	if (!lim_allow(&e->cur->lim, t)) {
		e->c.rate_limited++;
		snprintf(detail, sizeof(detail), "over max_alerts %u per %llds",
			 cfg->max_alerts, (long long)(cfg->alert_interval / 1000));
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

/* What the rule deciding now (e->cur) said of ex: explained, counted, and
 * a match judged by its history. */
static void decide(struct engine *e, struct kme_exec *ex,
		   const struct rule_result *rr)
{
	char detail[640];

	switch (rr->verdict) {
	case RULE_NO_MATCH:
		explain(e, ex, "no match", rule_describe(rr, detail, sizeof(detail)));
		break;
	case RULE_EXCLUDED:
		e->c.matches++;
		e->c.excluded++;
		explain(e, ex, "excluded", rule_describe(rr, detail, sizeof(detail)));
		break;
	case RULE_MATCH:
		e->c.matches++;
		if (ex->parent_source == KME_PARENT_UNKNOWN)
			e->c.unknown_parents++;
		on_match(e, ex, rr);
		break;
	}
}

static void on_exec(struct engine *e, struct kme_exec *ex)
{
	const struct rule_env env = { e->tu, KME_PARENT_AUDIT };
	struct rule_result rr;

	e->c.execs++;
	e->cur = &e->rules.r[0];
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
		rule_eval_env(e->cfg, ex, &env, &rr);
		decide(e, ex, &rr);
	}
	pt_record_exec(e->pt, ex);
}

/* An open event: each file rule that watches its key judges it. The
 * opener is named from the process table once, for all of them. */
static void on_open(struct engine *e, auparse_state_t *au,
		    struct kme_str node)
{
	struct oe_event o;
	struct rule_env env = { e->tu, KME_PARENT_UNKNOWN };
	struct rule_result rr;
	bool named = false;
	size_t i;

	if (!oe_build(e->oeb, au, node, &o))
		return;
	e->c.opens++;
	o.ex.remote = !pt_is_local(e->pt, o.ex.node);
	for (i = 0; i < e->rules.n; i++) {
		if (!fr_watches(e->rules.r[i].cfg, &o))
			continue;
		if (!named) {
			env.self_source = fr_identify(e->pt, &o);
			el_find(e->el, e->cfg, e->pt, &o.ex);
			fill_user_name(e, &o.ex);
			named = true;
		}
		e->cur = &e->rules.r[i];
		e->open = &o;
		e->opener_source = env.self_source;
		fr_eval(e->cur->cfg, &o, &env, &rr);
		decide(e, &o.ex, &rr);
	}
	e->open = NULL;
	e->cur = &e->rules.r[0];
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
	case EV_OPEN:
		/* Only a file rule's key lets an open through (recfilter). */
		if (e->oeb != NULL && e->rules.nfile > 0)
			on_open(e, au, node);
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
	rl_report_limits(&e->rules, false);
	if (e->opts.sink)
		out_pump(e->opts.sink);
}

void eng_finish(struct engine *e)
{
	as_flush(e->as);
	rl_report_limits(&e->rules, true);
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

/* The summary's counters of the file rules and the trust checker, and in
 * plugin mode the loop's stall (live.c), appended to buf. */
static void summary_more(const struct engine *e, char *buf, size_t size)
{
	struct tu_stats tu;
	size_t len = strlen(buf);

	tu_stats(e->tu, &tu);
	snprintf(buf + len, size - len, " opens=%llu trust_walks=%llu "
		 "trust_refused=%llu trust_evictions=%llu",
		 (unsigned long long)e->c.opens, (unsigned long long)tu.walks,
		 (unsigned long long)tu.refused,
		 (unsigned long long)tu.evictions);
	if (e->opts.mode == ENG_LIVE) {
		len = strlen(buf);
		snprintf(buf + len, size - len,
			 " input_max_gap_ms=%llu input_max_stall_ms=%llu",
			 (unsigned long long)e->c.input_max_gap_ms,
			 (unsigned long long)e->c.input_max_stall_ms);
	}
}

const char *eng_summary(const struct engine *e, char *buf, size_t size)
{
	struct pt_stats pt;
	struct nt_stats nt;
	struct out_stats os = { 0 };
	struct as_stats as = { 0 };

	pt_stats(e->pt, &pt);
	if (e->as)
		as_stats(e->as, &as);
	rl_stats(&e->rules, &nt);
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
	summary_more(e, buf, size);
	return buf;
}

void eng_report(const struct engine *e)
{
	char buf[1536];

	log_info("%s", eng_summary(e, buf, sizeof(buf)));
}
