/* alert.c - one alert as one line of ECS JSON or human text (see alert.h).
 *
 * The JSON is written by a tiny streaming writer that tracks commas per
 * nesting level, so a field that is absent is simply not written: the
 * document never carries an empty string or a made-up value for something
 * the event did not tell us. Every string that came from the audit stream
 * goes through jsonw; only our own literal keys are written raw.
 *
 * Presence rules (ECS has no "unknown" value, so absence is the honest one):
 *   - process.args and args_count are always written (argc 0 is a real and
 *     suspicious case); command_line only when there is at least one arg.
 *     args_count is the real argc (kme_args_count), also when args holds
 *     fewer (cut to a bound) or none (an alert too large for one line).
 *   - process.parent is omitted when neither ppid nor any parent field is
 *     known; parent args/args_count/command_line only when it has args.
 *   - ids equal to KME_ID_UNSET are omitted; ids are strings (ECS keyword).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "alert.h"
#include "jsonw.h"

const char *kme_parent_source_name(enum kme_parent_source s)
{
	static const char *const names[] = {
		[KME_PARENT_UNKNOWN] = "unknown",
		[KME_PARENT_AUDIT] = "audit",
		[KME_PARENT_PROCFS] = "procfs",
	};

	if ((unsigned)s >= sizeof(names) / sizeof(names[0]) || !names[s])
		return "unknown";
	return names[s];
}

/* --- time ---------------------------------------------------------------- */

/* RFC 3339 has four-digit years: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z.
 * Times outside are clamped, which also keeps gmtime_r's int tm_year far
 * from overflow. */
#define ALERT_T_MIN INT64_C(-62135596800)
#define ALERT_T_MAX INT64_C(253402300799)

void alert_time(int64_t t, uint32_t msec, char out[32])
{
	struct tm tm;
	time_t tt;

	if (t < ALERT_T_MIN) {
		t = ALERT_T_MIN;
		msec = 0;
	} else if (t > ALERT_T_MAX) {
		t = ALERT_T_MAX;
		msec = 999;
	}
	if (msec > 999)
		msec = 999;
	tt = (time_t)t;
	/* A 32-bit time_t cannot hold every clamped value: print the epoch. */
	if ((int64_t)tt != t || gmtime_r(&tt, &tm) == NULL) {
		snprintf(out, 32, "1970-01-01T00:00:00.000Z");
		return;
	}
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ",
		 (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100,
		 tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100,
		 tm.tm_sec % 100, (unsigned)msec);
}

void alert_time_ms(int64_t ms, char out[32])
{
	int64_t sec = ms / 1000, rem = ms % 1000;

	if (rem < 0) {
		rem += 1000;
		sec--;
	}
	alert_time(sec, (uint32_t)rem, out);
}

/* --- a minimal JSON writer ----------------------------------------------- */

#define JW_DEPTH 8

struct jw {
	struct kme_buf *b;
	int rc;               /* sticky: once -1, nothing more is written */
	int depth;
	bool first[JW_DEPTH]; /* no item written yet at this level */
};

static void jw_raw(struct jw *w, const char *s)
{
	if (w->rc == 0 && buf_puts(w->b, s) < 0)
		w->rc = -1;
}

/* Start an item: a comma unless first, then `"key":` (key is our literal,
 * NULL inside arrays). */
static void jw_item(struct jw *w, const char *key)
{
	if (!w->first[w->depth])
		jw_raw(w, ",");
	w->first[w->depth] = false;
	if (key) {
		jw_raw(w, "\"");
		jw_raw(w, key);
		jw_raw(w, "\":");
	}
}

static void jw_open(struct jw *w, const char *key, const char *bracket)
{
	jw_item(w, key);
	jw_raw(w, bracket);
	if (w->depth + 1 >= JW_DEPTH) {
		w->rc = -1;  /* a programming error, not input-driven */
		return;
	}
	w->first[++w->depth] = true;
}

static void jw_close(struct jw *w, const char *bracket)
{
	if (w->depth > 0)
		w->depth--;
	jw_raw(w, bracket);
}

/* A string value from the event; the item is skipped when s is absent. */
static void jw_str(struct jw *w, const char *key, struct kme_str s)
{
	if (!kme_str_present(s))
		return;
	jw_item(w, key);
	if (w->rc == 0 && jsonw_str(w->b, s.p, s.len) < 0)
		w->rc = -1;
}

/* A C string (ours or the config's, still escaped); skipped when NULL. */
static void jw_cstr(struct jw *w, const char *key, const char *s)
{
	if (s == NULL)
		return;
	jw_str(w, key, (struct kme_str){ s, strlen(s) });
}

static void jw_fmt(struct jw *w, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void jw_fmt(struct jw *w, const char *key, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;

	jw_item(w, key);
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	jw_raw(w, tmp);
}

/* A uid/gid/session as an ECS keyword; skipped when unset. */
static void jw_id(struct jw *w, const char *key, uint32_t id)
{
	if (id != KME_ID_UNSET)
		jw_fmt(w, key, "\"%" PRIu32 "\"", id);
}

static void jw_time(struct jw *w, const char *key, bool known, int64_t t)
{
	char ts[32];

	if (!known) {
		jw_item(w, key);
		jw_raw(w, "null");
		return;
	}
	alert_time_ms(t, ts);
	jw_fmt(w, key, "\"%s\"", ts);
}

/* "a0 a1 ..." as one JSON string. Escaping each arg alone equals escaping
 * the join: the separator is ASCII, so no UTF-8 sequence spans it. */
static void jw_cmdline(struct jw *w, const char *key, const struct kme_args *a)
{
	size_t i;

	jw_item(w, key);
	jw_raw(w, "\"");
	for (i = 0; i < a->n && w->rc == 0; i++) {
		if (i > 0)
			jw_raw(w, " ");
		if (w->rc == 0 && jsonw_escape(w->b, a->v[i].p, a->v[i].len) < 0)
			w->rc = -1;
	}
	jw_raw(w, "\"");
}

static void jw_args(struct jw *w, const struct kme_args *a, bool always)
{
	size_t i;

	if (kme_args_count(a) == 0 && !always)
		return;
	jw_open(w, "args", "[");
	for (i = 0; i < a->n && w->rc == 0; i++) {
		jw_item(w, NULL);
		if (w->rc == 0 && jsonw_str(w->b, a->v[i].p, a->v[i].len) < 0)
			w->rc = -1;
	}
	jw_close(w, "]");
	/* The real count, also when fewer (or none) were stored or printed. */
	jw_fmt(w, "args_count", "%zu", kme_args_count(a));
	if (a->n > 0)
		jw_cmdline(w, "command_line", a);
}

/* --- the document -------------------------------------------------------- */

static bool parent_known(const struct kme_exec *ex)
{
	const struct kme_proc *p = &ex->parent;

	return ex->ppid >= 0 || kme_str_present(p->name) ||
	       kme_str_present(p->executable) || kme_args_count(&p->args) > 0;
}

static void json_process(struct jw *w, const struct kme_exec *ex)
{
	const struct kme_proc *p = &ex->proc;

	jw_open(w, "process", "{");
	if (p->pid >= 0)
		jw_fmt(w, "pid", "%" PRId32, p->pid);
	jw_str(w, "name", p->name);
	jw_str(w, "executable", p->executable);
	jw_args(w, &p->args, true);
	jw_str(w, "working_directory", p->cwd);
	if (parent_known(ex)) {
		jw_open(w, "parent", "{");
		if (ex->ppid >= 0)
			jw_fmt(w, "pid", "%" PRId32, ex->ppid);
		jw_str(w, "name", ex->parent.name);
		jw_str(w, "executable", ex->parent.executable);
		jw_args(w, &ex->parent.args, false);
		jw_close(w, "}");
	}
	jw_close(w, "}");
}

static void json_identity(struct jw *w, const struct kme_exec *ex)
{
	if (ex->uid != KME_ID_UNSET || kme_str_present(ex->user_name) ||
	    ex->euid != KME_ID_UNSET || ex->auid != KME_ID_UNSET) {
		jw_open(w, "user", "{");
		jw_id(w, "id", ex->uid);
		jw_str(w, "name", ex->user_name);
		if (ex->euid != KME_ID_UNSET) {
			jw_open(w, "effective", "{");
			jw_id(w, "id", ex->euid);
			jw_close(w, "}");
		}
		if (ex->auid != KME_ID_UNSET) {
			jw_open(w, "audit", "{");
			jw_id(w, "id", ex->auid);
			jw_close(w, "}");
		}
		jw_close(w, "}");
	}
	if (ex->gid != KME_ID_UNSET) {
		jw_open(w, "group", "{");
		jw_id(w, "id", ex->gid);
		jw_close(w, "}");
	}
	if (ex->ses != KME_ID_UNSET || kme_str_present(ex->tty)) {
		jw_open(w, "auditd", "{");
		jw_id(w, "session", ex->ses);
		jw_str(w, "tty", ex->tty);
		jw_close(w, "}");
	}
}

static void json_rule(struct jw *w, const struct kme_config *cfg)
{
	jw_open(w, "rule", "{");
	jw_cstr(w, "id", cfg->rule_id);
	jw_cstr(w, "name", cfg->rule_name);
	jw_cstr(w, "version", cfg->rule_version);
	jw_cstr(w, "severity", cfg->rule_severity);
	jw_fmt(w, "risk_score", "%" PRIu32, cfg->rule_risk_score);
	jw_close(w, "}");

	/* The rule's ATT&CK mapping is fixed by what the rule detects. */
	jw_open(w, "threat", "{");
	jw_cstr(w, "framework", "MITRE ATT&CK");
	jw_open(w, "tactic", "{");
	jw_cstr(w, "id", "TA0007");
	jw_cstr(w, "name", "Discovery");
	jw_cstr(w, "reference", "https://attack.mitre.org/tactics/TA0007/");
	jw_close(w, "}");
	jw_open(w, "technique", "[");
	jw_open(w, NULL, "{");
	jw_cstr(w, "id", "T1082");
	jw_cstr(w, "name", "System Information Discovery");
	jw_cstr(w, "reference", "https://attack.mitre.org/techniques/T1082/");
	jw_close(w, "}");
	jw_close(w, "]");
	jw_close(w, "}");
}

static size_t term_count(const struct nt_term *term)
{
	if (term == NULL)
		return 0;
	return term->n < CFG_MAX_TERM_FIELDS ? term->n : CFG_MAX_TERM_FIELDS;
}

/* The term values as a JSON array, null for an absent value. */
static void json_term_values(struct jw *w, const char *key,
			     const struct nt_term *term)
{
	size_t i, n = term_count(term);

	jw_open(w, key, "[");
	for (i = 0; i < n; i++) {
		if (kme_str_present(term->v[i])) {
			jw_str(w, NULL, term->v[i]);
		} else {
			jw_item(w, NULL);
			jw_raw(w, "null");
		}
	}
	jw_close(w, "]");
}

static void json_new_terms(struct jw *w, const struct alert_ctx *ctx,
			   const struct kme_exec *ex,
			   const struct nt_term *term,
			   const struct nt_seen *seen)
{
	const struct kme_config *cfg = ctx->cfg;
	size_t i, nf;

	jw_open(w, "kibana", "{");
	jw_open(w, "alert", "{");
	json_term_values(w, "new_terms", term);
	jw_close(w, "}");
	jw_close(w, "}");

	jw_open(w, "audisp_kmod_enum", "{");
	jw_open(w, "new_terms", "{");
	jw_open(w, "fields", "[");
	nf = cfg->nterm_fields < CFG_MAX_TERM_FIELDS ? cfg->nterm_fields
						     : CFG_MAX_TERM_FIELDS;
	for (i = 0; i < nf; i++)
		jw_cstr(w, NULL, cfg_term_field_name(cfg->term_fields[i]));
	jw_close(w, "]");
	json_term_values(w, "values", term);
	if (seen) {
		jw_time(w, "previous_last_seen", seen->known, seen->last_seen);
		jw_time(w, "first_seen", seen->known, seen->first_seen);
		jw_fmt(w, "count", "%" PRIu64, seen->known ? seen->count : 0);
		/* Decided without the fleet's history (redisstore.h). */
		if (seen->local)
			jw_cstr(w, "store", "local-fallback");
	}
	jw_close(w, "}");
	jw_cstr(w, "parent_source", kme_parent_source_name(ex->parent_source));
	jw_fmt(w, "args_truncated", "%s",
	       ex->proc.args.truncated || ex->parent.args.truncated ?
	       "true" : "false");
	jw_cstr(w, "mode", ctx->mode);
	jw_close(w, "}");
}

int alert_json(struct kme_buf *b, const struct alert_ctx *ctx,
	       const struct kme_exec *ex, const struct nt_term *term,
	       const struct nt_seen *seen)
{
	struct jw w = { .b = b, .rc = 0, .depth = 0, .first = { true } };
	char ts[32];

	jw_raw(&w, "{");
	alert_time(ex->sec, ex->msec, ts);
	jw_fmt(&w, "@timestamp", "\"%s\"", ts);

	jw_open(&w, "event", "{");
	jw_cstr(&w, "kind", "alert");
	jw_raw(&w, ",\"category\":[\"process\"],\"type\":[\"start\"]");
	jw_cstr(&w, "action", "exec");
	jw_fmt(&w, "id", "\"%" PRId64 ".%03u:%" PRIu64 "\"", ex->sec,
	       ex->msec > 999 ? 999u : (unsigned)ex->msec, ex->serial);
	jw_cstr(&w, "module", "auditd");
	jw_cstr(&w, "dataset", "audisp_kmod_enum.alert");
	jw_close(&w, "}");

	if (kme_str_present(ex->node) || ctx->hostname) {
		jw_open(&w, "host", "{");
		if (kme_str_present(ex->node))
			jw_str(&w, "name", ex->node);
		else
			jw_cstr(&w, "name", ctx->hostname);
		jw_close(&w, "}");
	}

	json_process(&w, ex);
	json_identity(&w, ex);
	json_rule(&w, ctx->cfg);
	json_new_terms(&w, ctx, ex, term, seen);
	jw_raw(&w, "}");
	return w.rc;
}

/* --- the text line ------------------------------------------------------- */

struct tw {
	struct kme_buf *b;
	int rc;
};

static void tw_raw(struct tw *t, const char *s)
{
	if (t->rc == 0 && buf_puts(t->b, s) < 0)
		t->rc = -1;
}

static void tw_str(struct tw *t, struct kme_str s)
{
	if (!kme_str_present(s))
		tw_raw(t, "?");
	else if (t->rc == 0 && jsonw_escape(t->b, s.p, s.len) < 0)
		t->rc = -1;
}

static void tw_num(struct tw *t, const char *label, int64_t v, bool known)
{
	char tmp[48];

	if (known)
		snprintf(tmp, sizeof(tmp), " %s %" PRId64, label, v);
	else
		snprintf(tmp, sizeof(tmp), " %s ?", label);
	tw_raw(t, tmp);
}

static void tw_id(struct tw *t, const char *label, uint32_t id)
{
	char tmp[48];

	if (id == KME_ID_UNSET)
		snprintf(tmp, sizeof(tmp), " %s unset", label);
	else
		snprintf(tmp, sizeof(tmp), " %s %" PRIu32, label, id);
	tw_raw(t, tmp);
}

int alert_text(struct kme_buf *b, const struct alert_ctx *ctx,
	       const struct kme_exec *ex, const struct nt_term *term,
	       const struct nt_seen *seen)
{
	struct tw t = { .b = b, .rc = 0 };
	const struct kme_proc *pp = &ex->parent;
	char tmp[96];
	size_t i;

	(void)ctx;
	(void)term;  /* the term's usual fields are printed as exe/parent */
	tw_raw(&t, "kernel module enumeration: ");
	tw_str(&t, ex->proc.executable);
	if (kme_str_present(ex->proc.name)) {
		tw_raw(&t, " (");
		tw_str(&t, ex->proc.name);
		tw_raw(&t, ")");
	}
	tw_num(&t, "pid", ex->proc.pid, ex->proc.pid >= 0);
	tw_raw(&t, " by ");
	tw_str(&t, kme_str_present(pp->executable) ? pp->executable : pp->name);
	tw_num(&t, "pid", ex->ppid, ex->ppid >= 0);
	tw_raw(&t, " [");
	tw_raw(&t, kme_parent_source_name(ex->parent_source));
	tw_raw(&t, "]");
	tw_id(&t, "uid", ex->uid);
	tw_id(&t, "auid", ex->auid);
	if (kme_str_present(ex->tty)) {
		tw_raw(&t, " tty ");
		tw_str(&t, ex->tty);
	}
	if (kme_str_present(ex->node)) {
		tw_raw(&t, " node ");
		tw_str(&t, ex->node);
	}
	snprintf(tmp, sizeof(tmp), " event %" PRId64 ".%03u:%" PRIu64,
		 ex->sec, ex->msec > 999 ? 999u : (unsigned)ex->msec,
		 ex->serial);
	tw_raw(&t, tmp);
	tw_raw(&t, " cmd '");
	for (i = 0; i < ex->proc.args.n; i++) {
		if (i > 0)
			tw_raw(&t, " ");
		tw_str(&t, ex->proc.args.v[i]);
	}
	tw_raw(&t, "'");
	if (ex->proc.args.truncated || pp->args.truncated)
		tw_raw(&t, " [args truncated]");
	if (seen && seen->known) {
		alert_time_ms(seen->last_seen, tmp);
		tw_raw(&t, " last seen ");
		tw_raw(&t, tmp);
	}
	return t.rc;
}
