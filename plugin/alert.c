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
 *     suspicious case); command_line only when at least one arg is listed.
 *     args_count is the real argc (kme_args_count), also when args lists
 *     fewer (cut by the decoder's bound, or by the alert's size bound).
 *   - process.parent is omitted when neither ppid nor any parent field is
 *     known; parent args/args_count/command_line only when it has args.
 *   - ids equal to KME_ID_UNSET are omitted; ids are strings (ECS keyword).
 *
 * Size (alert_render): fitting a line into max_alert_size re-renders with
 * tighter caps (struct caps), at most ALERT_MAX_RENDERS times; each attempt
 * stops writing at max_alert_size, so the worst case is
 * O(ALERT_MAX_RENDERS * max_alert_size) plus walking the args listed.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "alert.h"
#include "jsonw.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

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
 * Times outside are clamped. */
#define ALERT_T_MIN INT64_C(-62135596800)
#define ALERT_T_MAX INT64_C(253402300799)

/* The proleptic Gregorian date of day z (days since 1970-01-01), by
 * arithmetic on 400-year eras of 146097 days, each counted from March 1 so
 * that the leap day ends a year: no gmtime_r, whose time_t has 32 bits on
 * i386 and armhf. */
static void civil_date(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;                      /* days from 0000-03-01 */
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);                     /* [0, 146096] */
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);          /* [0, 365] */
	mp = (5 * doy + 2) / 153;                               /* March = 0 */
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = era * 400 + yoe + (*m <= 2);
}

void alert_time(int64_t t, uint32_t msec, char out[32])
{
	int64_t days, secs, y;
	unsigned m, d;

	if (t < ALERT_T_MIN) {
		t = ALERT_T_MIN;
		msec = 0;
	} else if (t > ALERT_T_MAX) {
		t = ALERT_T_MAX;
		msec = 999;
	}
	if (msec > 999)
		msec = 999;
	days = (t >= 0 ? t : t - 86399) / 86400;
	secs = t - days * 86400;
	civil_date(days, &y, &m, &d);
	/* (The remainders only tell the compiler the widths.) */
	snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ",
		 (unsigned)(y % 10000), m % 100, d % 100,
		 (unsigned)(secs / 3600 % 24), (unsigned)(secs / 60 % 60),
		 (unsigned)(secs % 60), (unsigned)msec % 1000);
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

/* --- caps: how much of each string a render may write ----------------- */

/* SIZE_MAX = no cap. The fitter (alert_render) tightens them step by step. */
struct caps {
	size_t arg;    /* bytes of each argument */
	size_t str;    /* bytes of every other string */
	size_t list;   /* elements listed of each args array */
};

static const struct caps no_caps = { SIZE_MAX, SIZE_MAX, SIZE_MAX };

/* What a render cut, for the audisp_kmod_enum.* and text markers. */
#define ALERT_CLIP_IDX 16    /* indices of clipped args listed, at most */

struct clips {
	size_t proc, parent;             /* clipped args */
	size_t idx[ALERT_CLIP_IDX];      /* first indices of clipped proc args */
	size_t nidx;
	bool strings;                    /* another string was cut */
};

/* The length of p[0..len) cut to cap bytes, never inside a UTF-8
 * sequence (a cut there would turn valid text into \xNN escapes). */
static size_t clip_len(const char *p, size_t len, size_t cap)
{
	size_t n = cap, k;

	if (len <= cap)
		return len;
	for (k = 0; k < 4 && n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80; k++)
		n--;
	return k == 4 ? cap : n;
}

/* --- a minimal JSON writer ----------------------------------------------- */

#define JW_DEPTH 8

struct jw {
	struct kme_buf *b;
	int rc;               /* sticky: once -1, nothing more is written */
	int depth;
	bool first[JW_DEPTH]; /* no item written yet at this level */
	const struct caps *cap;
	struct clips clip;
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

/* Escape p[0..len) cut to cap; true when it was cut. */
static bool jw_bytes(struct jw *w, const char *p, size_t len, size_t cap,
		     bool quoted)
{
	size_t n = clip_len(p, len, cap);

	if (w->rc == 0 && (quoted ? jsonw_str(w->b, p, n)
				  : jsonw_escape(w->b, p, n)) < 0)
		w->rc = -1;
	return n < len;
}

/* A string value; the item is skipped when s is absent. Cut to the
 * string cap (recorded in clip.strings). */
static void jw_str(struct jw *w, const char *key, struct kme_str s)
{
	if (!kme_str_present(s))
		return;
	jw_item(w, key);
	if (jw_bytes(w, s.p, s.len, w->cap->str, true))
		w->clip.strings = true;
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

static size_t listed(const struct kme_args *a, const struct caps *c)
{
	return a->n < c->list ? a->n : c->list;
}

/* "a0 a1 ..." of the listed (clipped) args as one JSON string. Escaping
 * each arg alone equals escaping the join: the separator is ASCII, so no
 * UTF-8 sequence spans it. */
static void jw_cmdline(struct jw *w, const char *key, const struct kme_args *a)
{
	size_t i, n = listed(a, w->cap);

	jw_item(w, key);
	jw_raw(w, "\"");
	for (i = 0; i < n && w->rc == 0; i++) {
		if (i > 0)
			jw_raw(w, " ");
		jw_bytes(w, a->v[i].p, a->v[i].len, w->cap->arg, false);
	}
	jw_raw(w, "\"");
}

static void jw_args(struct jw *w, const struct kme_args *a, bool always,
		    bool parent)
{
	size_t i, n = listed(a, w->cap);

	if (kme_args_count(a) == 0 && !always)
		return;
	jw_open(w, "args", "[");
	for (i = 0; i < n && w->rc == 0; i++) {
		jw_item(w, NULL);
		if (!jw_bytes(w, a->v[i].p, a->v[i].len, w->cap->arg, true))
			continue;
		if (parent) {
			w->clip.parent++;
			continue;
		}
		if (w->clip.nidx < ALERT_CLIP_IDX)
			w->clip.idx[w->clip.nidx++] = i;
		w->clip.proc++;
	}
	jw_close(w, "]");
	/* The real count, also when fewer were stored or listed. */
	jw_fmt(w, "args_count", "%zu", kme_args_count(a));
	if (n > 0)
		jw_cmdline(w, "command_line", a);
}

/* --- the document -------------------------------------------------------- */

static bool parent_known(const struct kme_exec *ex)
{
	const struct kme_proc *p = &ex->parent;

	return ex->ppid >= 0 || kme_str_present(p->name) ||
	       kme_str_present(p->executable) || kme_args_count(&p->args) > 0;
}

/* A user or group as ECS's {id, name}; skipped when the id is unset. */
static void json_idname(struct jw *w, const char *key, uint32_t id,
			struct kme_str name)
{
	if (id == KME_ID_UNSET)
		return;
	jw_open(w, key, "{");
	jw_id(w, "id", id);
	jw_str(w, "name", name);
	jw_close(w, "}");
}

/* The effective user's name: ENRICHED EUID= (or getpwuid in live mode),
 * else the real user's when both ids are equal. */
static struct kme_str effective_name(const struct kme_exec *ex)
{
	if (kme_str_present(ex->euser_name))
		return ex->euser_name;
	return ex->euid == ex->uid ? ex->user_name : KME_STR_NULL;
}

/* process.entry_leader (issue 12), only when known. */
static void json_entry_leader(struct jw *w, const struct kme_exec *ex)
{
	const struct kme_entry_leader *l = &ex->entry_leader;

	if (l->proc.pid <= 0)
		return;
	jw_open(w, "entry_leader", "{");
	jw_fmt(w, "pid", "%" PRId32, l->proc.pid);
	jw_str(w, "name", l->proc.name);
	jw_str(w, "executable", l->proc.executable);
	jw_args(w, &l->proc.args, false, true);
	jw_close(w, "}");
}

/* How the entry leader was found, and the hardened match's facts. */
static void json_profile_facts(struct jw *w, const struct alert_ctx *ctx,
			       const struct kme_exec *ex)
{
	const struct kme_entry_leader *l = &ex->entry_leader;
	const struct rule_result *rr = ctx->rr;

	if (l->how != NULL) {
		jw_open(w, "entry_leader", "{");
		jw_cstr(w, "how", l->how);
		if (l->proc.pid > 0) {
			jw_cstr(w, "source", kme_parent_source_name(l->source));
			jw_str(w, "starter", l->starter);
			jw_fmt(w, "depth", "%d", l->depth);
		}
		jw_close(w, "}");
	}
	if (rr != NULL && rr->multicall && rr->mc != NULL) {
		jw_open(w, "multicall", "{");
		jw_cstr(w, "binary", rr->mc->path);
		jw_str(w, "run_as", rr->run_as);
		jw_str(w, "behaviour", rr->tool);
		if (rr->same_file)
			jw_cstr(w, "found_by", "device_and_inode");
		jw_close(w, "}");
	}
}

static void json_process(struct jw *w, const struct kme_exec *ex)
{
	const struct kme_proc *p = &ex->proc;

	jw_open(w, "process", "{");
	if (p->pid >= 0)
		jw_fmt(w, "pid", "%" PRId32, p->pid);
	jw_str(w, "name", p->name);
	jw_str(w, "executable", p->executable);
	jw_args(w, &p->args, true, false);
	jw_str(w, "working_directory", p->cwd);
	/* ECS: process.user is the effective user, real_user the real one. */
	json_idname(w, "user", ex->euid, effective_name(ex));
	json_idname(w, "real_user", ex->uid, ex->user_name);
	json_idname(w, "group", ex->egid, ex->egroup_name);
	json_idname(w, "real_group", ex->gid, ex->group_name);
	if (parent_known(ex)) {
		jw_open(w, "parent", "{");
		if (ex->ppid >= 0)
			jw_fmt(w, "pid", "%" PRId32, ex->ppid);
		jw_str(w, "name", ex->parent.name);
		jw_str(w, "executable", ex->parent.executable);
		jw_args(w, &ex->parent.args, false, true);
		jw_close(w, "}");
	}
	json_entry_leader(w, ex);
	jw_close(w, "}");
}

static void json_identity(struct jw *w, const struct kme_exec *ex)
{
	if (ex->uid != KME_ID_UNSET || kme_str_present(ex->user_name) ||
	    ex->euid != KME_ID_UNSET) {
		jw_open(w, "user", "{");
		jw_id(w, "id", ex->uid);
		jw_str(w, "name", ex->user_name);
		json_idname(w, "effective", ex->euid, effective_name(ex));
		jw_close(w, "}");
	}
	if (ex->gid != KME_ID_UNSET) {
		jw_open(w, "group", "{");
		jw_id(w, "id", ex->gid);
		jw_str(w, "name", ex->group_name);
		jw_close(w, "}");
	}
	/* Auditbeat's auditd.* names: the login (audit) uid and the tty are
	 * raw record fields (auditd.data.*); ECS has no field for either. */
	if (ex->ses != KME_ID_UNSET || kme_str_present(ex->tty) ||
	    ex->auid != KME_ID_UNSET) {
		jw_open(w, "auditd", "{");
		jw_id(w, "session", ex->ses);
		if (kme_str_present(ex->tty) || ex->auid != KME_ID_UNSET) {
			jw_open(w, "data", "{");
			jw_id(w, "auid", ex->auid);
			jw_str(w, "tty", ex->tty);
			jw_close(w, "}");
		}
		jw_close(w, "}");
	}
}

/* threat.tactic / threat.technique: ECS keyword arrays, one column each. */
static void json_threat_list(struct jw *w, const char *key,
			     const struct cfg_threat *t, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	jw_open(w, key, "{");
	jw_open(w, "id", "[");
	for (i = 0; i < n; i++)
		jw_cstr(w, NULL, t[i].id);
	jw_close(w, "]");
	jw_open(w, "name", "[");
	for (i = 0; i < n; i++)
		jw_cstr(w, NULL, t[i].name);
	jw_close(w, "]");
	jw_open(w, "reference", "[");
	for (i = 0; i < n; i++)
		jw_cstr(w, NULL, t[i].reference);
	jw_close(w, "]");
	jw_close(w, "}");
}

static void json_rule(struct jw *w, const struct kme_config *cfg)
{
	size_t i;

	jw_open(w, "rule", "{");
	jw_cstr(w, "id", cfg->rule_id);
	jw_cstr(w, "name", cfg->rule_name);
	jw_cstr(w, "version", cfg->rule_version);
	jw_cstr(w, "description", cfg->rule_description);
	jw_cstr(w, "reference", cfg->rule_reference);
	jw_cstr(w, "ruleset", cfg->rule_ruleset);
	if (cfg->nrule_authors > 0) {
		jw_open(w, "author", "[");
		for (i = 0; i < cfg->nrule_authors && i < CFG_MAX_THREAT; i++)
			jw_cstr(w, NULL, cfg->rule_authors[i]);
		jw_close(w, "]");
	}
	jw_close(w, "}");

	if (cfg->ntactics == 0 && cfg->ntechniques == 0)
		return;
	jw_open(w, "threat", "{");
	jw_cstr(w, "framework", cfg->threat_framework);
	json_threat_list(w, "tactic", cfg->tactics,
			 cfg->ntactics < CFG_MAX_THREAT ? cfg->ntactics
							: CFG_MAX_THREAT);
	json_threat_list(w, "technique", cfg->techniques,
			 cfg->ntechniques < CFG_MAX_THREAT ? cfg->ntechniques
							   : CFG_MAX_THREAT);
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

/* audisp_kmod_enum.* about the size fitting: which args were clipped and
 * how many are not listed. len(process.args) + args_omitted == args_count
 * always holds. Bounded: at most ALERT_CLIP_IDX indices. */
static void json_clips(struct jw *w, const struct kme_exec *ex)
{
	size_t i, pomit, omit;

	omit = kme_args_count(&ex->proc.args) - listed(&ex->proc.args, w->cap);
	pomit = kme_args_count(&ex->parent.args) -
		listed(&ex->parent.args, w->cap);
	if (w->clip.proc > 0) {
		jw_open(w, "args_clipped", "[");
		for (i = 0; i < w->clip.nidx; i++)
			jw_fmt(w, NULL, "%zu", w->clip.idx[i]);
		jw_close(w, "]");
		jw_fmt(w, "args_clipped_count", "%zu", w->clip.proc);
	}
	if (w->clip.parent > 0)
		jw_fmt(w, "parent_args_clipped_count", "%zu", w->clip.parent);
	if (w->clip.proc > 0 || w->clip.parent > 0)
		jw_fmt(w, "args_clip_bytes", "%zu", w->cap->arg);
	if (omit > 0)
		jw_fmt(w, "args_omitted", "%zu", omit);
	if (pomit > 0)
		jw_fmt(w, "parent_args_omitted", "%zu", pomit);
	if (w->clip.strings)
		jw_fmt(w, "strings_clipped", "true");
}

static bool args_inexact(const struct jw *w, const struct kme_exec *ex)
{
	return ex->proc.args.truncated || ex->parent.args.truncated ||
	       w->clip.proc > 0 || w->clip.parent > 0 ||
	       listed(&ex->proc.args, w->cap) < kme_args_count(&ex->proc.args) ||
	       listed(&ex->parent.args, w->cap) < kme_args_count(&ex->parent.args);
}

static void json_ours(struct jw *w, const struct alert_ctx *ctx,
		      const struct kme_exec *ex, const struct nt_term *term,
		      const struct nt_seen *seen)
{
	const struct kme_config *cfg = ctx->cfg;
	size_t i, nf;

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
	jw_fmt(w, "args_truncated", "%s", args_inexact(w, ex) ? "true" : "false");
	json_clips(w, ex);
	jw_cstr(w, "mode", ctx->mode);
	jw_cstr(w, "severity", cfg->rule_severity);
	json_profile_facts(w, ctx, ex);
	jw_close(w, "}");
}

/* host.id only for the host the plugin runs on: the engine sets ex->remote
 * from the host table (local: no node=, or node == local_node, see
 * hosttab.h). A record of another host (an aggregator) must never carry our
 * machine id. */
static bool event_is_local(const struct kme_exec *ex)
{
	return !ex->remote;
}

static void json_host(struct jw *w, const struct alert_ctx *ctx,
		      const struct kme_exec *ex)
{
	struct kme_str name = kme_str_present(ex->node) ? ex->node :
		ctx->hostname ? (struct kme_str){ ctx->hostname,
						  strlen(ctx->hostname) }
			      : KME_STR_NULL;

	jw_open(w, "host", "{");
	jw_str(w, "name", name);
	jw_str(w, "hostname", name);
	if (ctx->host_id != NULL && event_is_local(ex))
		jw_cstr(w, "id", ctx->host_id);
	jw_open(w, "os", "{");
	jw_cstr(w, "type", "linux");
	jw_close(w, "}");
	jw_close(w, "}");
}

/* event.reason: one sentence per event, for people. Each value in it is
 * cut to ALERT_REASON_PART bytes (and to the string cap), so the sentence
 * stays short whatever the event holds. */
#define ALERT_REASON_PART 256

static void reason_part(struct kme_buf *r, const struct caps *c,
			struct kme_str s, const char *absent)
{
	size_t cap = c->str < ALERT_REASON_PART ? c->str : ALERT_REASON_PART;

	if (!kme_str_present(s)) {
		buf_puts(r, absent);
		return;
	}
	buf_append(r, s.p, clip_len(s.p, s.len, cap));
	if (s.len > cap)
		buf_puts(r, "...");
}

static void json_reason(struct jw *w, const struct alert_ctx *ctx,
			const struct kme_exec *ex)
{
	struct kme_buf r;
	char tmp[48];

	buf_init(&r, 4096);
	buf_puts(&r, "kernel module enumeration: ");
	reason_part(&r, w->cap, ex->proc.executable, "an unknown program");
	buf_puts(&r, " was run by ");
	reason_part(&r, w->cap, kme_str_present(ex->parent.executable) ?
		    ex->parent.executable : ex->parent.name, "an unknown parent");
	if (ex->uid != KME_ID_UNSET) {
		snprintf(tmp, sizeof(tmp), " as uid %" PRIu32, ex->uid);
		buf_puts(&r, tmp);
		if (kme_str_present(ex->user_name)) {
			buf_puts(&r, " (");
			reason_part(&r, w->cap, ex->user_name, "");
			buf_puts(&r, ")");
		}
	}
	if (ex->auid != KME_ID_UNSET) {
		snprintf(tmp, sizeof(tmp), ", login uid %" PRIu32, ex->auid);
		buf_puts(&r, tmp);
	}
	buf_puts(&r, " on ");
	reason_part(&r, w->cap, kme_str_present(ex->node) ? ex->node :
		    ctx->hostname ? (struct kme_str){ ctx->hostname,
						      strlen(ctx->hostname) }
				  : KME_STR_NULL, "an unknown host");
	if (r.p != NULL) {
		jw_item(w, "reason");
		jw_bytes(w, r.p, r.len, SIZE_MAX, true);
	} else {
		w->rc = -1;  /* out of memory */
	}
	buf_free(&r);
}

static void json_event(struct jw *w, const struct alert_ctx *ctx,
		       const struct kme_exec *ex)
{
	char ts[32];

	jw_open(w, "event", "{");
	jw_cstr(w, "kind", "alert");
	jw_raw(w, ",\"category\":[\"process\"],\"type\":[\"start\"]");
	jw_cstr(w, "action", "exec");
	jw_cstr(w, "outcome", ex->success ? "success" : "failure");
	jw_fmt(w, "id", "\"%" PRId64 ".%03u:%" PRIu64 "\"", ex->sec,
	       ex->msec > 999 ? 999u : (unsigned)ex->msec, ex->serial);
	alert_time_ms(ctx->created_ms, ts);
	jw_fmt(w, "created", "\"%s\"", ts);
	jw_cstr(w, "module", "audisp_kmod_enum");
	jw_cstr(w, "dataset", "audisp_kmod_enum.alert");
	jw_cstr(w, "provider", "auditd");
	jw_fmt(w, "severity", "%" PRIu32, ctx->cfg->rule_severity_num);
	jw_fmt(w, "risk_score", "%" PRIu32, ctx->cfg->rule_risk_score);
	json_reason(w, ctx, ex);
	jw_close(w, "}");
}

static int json_doc(struct kme_buf *b, const struct alert_ctx *ctx,
		    const struct kme_exec *ex, const struct nt_term *term,
		    const struct nt_seen *seen, const struct caps *c)
{
	struct jw w = { .b = b, .rc = 0, .depth = 0, .first = { true },
			.cap = c };
	char ts[32];

	jw_raw(&w, "{");
	alert_time(ex->sec, ex->msec, ts);
	jw_fmt(&w, "@timestamp", "\"%s\"", ts);
	jw_open(&w, "ecs", "{");
	jw_cstr(&w, "version", ALERT_ECS_VERSION);
	jw_close(&w, "}");
	/* Constant per rule: Kibana's External Alerts rule titles by it. */
	jw_cstr(&w, "message", ctx->cfg->rule_name);
	json_event(&w, ctx, ex);
	json_host(&w, ctx, ex);
	jw_open(&w, "agent", "{");
	jw_cstr(&w, "type", "audisp-kmod-enum");
	jw_cstr(&w, "name", ctx->hostname);
	jw_cstr(&w, "version", PACKAGE_VERSION);
	jw_close(&w, "}");
	json_process(&w, ex);
	json_identity(&w, ex);
	json_rule(&w, ctx->cfg);
	json_ours(&w, ctx, ex, term, seen);
	jw_raw(&w, "}");
	return w.rc;
}

int alert_json(struct kme_buf *b, const struct alert_ctx *ctx,
	       const struct kme_exec *ex, const struct nt_term *term,
	       const struct nt_seen *seen)
{
	return json_doc(b, ctx, ex, term, seen, &no_caps);
}

/* --- the text line ------------------------------------------------------- */

struct tw {
	struct kme_buf *b;
	int rc;
	const struct caps *cap;
	size_t clipped;       /* proc args clipped */
	bool strings;         /* another string was cut */
};

static void tw_raw(struct tw *t, const char *s)
{
	if (t->rc == 0 && buf_puts(t->b, s) < 0)
		t->rc = -1;
}

/* Escaped bytes cut to cap; true when cut. */
static bool tw_bytes(struct tw *t, struct kme_str s, size_t cap)
{
	size_t n = clip_len(s.p, s.len, cap);

	if (t->rc == 0 && jsonw_escape(t->b, s.p, n) < 0)
		t->rc = -1;
	return n < s.len;
}

static void tw_str(struct tw *t, struct kme_str s)
{
	if (!kme_str_present(s))
		tw_raw(t, "?");
	else if (tw_bytes(t, s, t->cap->str))
		t->strings = true;
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

static int text_line(struct kme_buf *b, const struct alert_ctx *ctx,
		     const struct kme_exec *ex, const struct nt_seen *seen,
		     const struct caps *c)
{
	struct tw t = { .b = b, .rc = 0, .cap = c };
	const struct kme_proc *pp = &ex->parent;
	size_t i, n = listed(&ex->proc.args, c), argc;
	char tmp[160];

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
	for (i = 0; i < n; i++) {
		if (i > 0)
			tw_raw(&t, " ");
		if (tw_bytes(&t, ex->proc.args.v[i], c->arg))
			t.clipped++;
	}
	tw_raw(&t, "'");
	argc = kme_args_count(&ex->proc.args);
	if (ex->proc.args.truncated || pp->args.truncated || t.clipped > 0 ||
	    n < argc)
		tw_raw(&t, " [args truncated]");
	if (t.clipped > 0) {
		snprintf(tmp, sizeof(tmp), " [%zu args clipped to %zu bytes]",
			 t.clipped, c->arg);
		tw_raw(&t, tmp);
	}
	if (n < argc) {
		snprintf(tmp, sizeof(tmp), " [%zu of %zu args not shown]",
			 argc - n, argc);
		tw_raw(&t, tmp);
	}
	if (t.strings)
		tw_raw(&t, " [strings clipped]");
	if (ctx != NULL && ctx->rr != NULL && ctx->rr->multicall) {
		tw_raw(&t, " [run as '");
		tw_str(&t, ctx->rr->run_as);
		tw_raw(&t, "': does what '");
		tw_str(&t, ctx->rr->tool);
		tw_raw(&t, "' does]");
	}
	if (seen && seen->known) {
		alert_time_ms(seen->last_seen, tmp);
		tw_raw(&t, " last seen ");
		tw_raw(&t, tmp);
	}
	return t.rc;
}

int alert_text(struct kme_buf *b, const struct alert_ctx *ctx,
	       const struct kme_exec *ex, const struct nt_term *term,
	       const struct nt_seen *seen)
{
	(void)term;  /* the term's usual fields are printed as exe/parent */
	return text_line(b, ctx, ex, seen, &no_caps);
}

/* --- fitting a line into max_alert_size ------------------------------------ */

static int render_once(struct kme_buf *b, const struct alert_ctx *ctx,
		       enum cfg_format fmt, const struct kme_exec *ex,
		       const struct nt_term *term, const struct nt_seen *seen,
		       const struct caps *c, size_t max)
{
	size_t limit = b->limit;
	int rc;

	/* Stop writing at max: an attempt costs O(max), not O(event). */
	buf_reset(b);
	if (max < b->limit)
		b->limit = max;
	rc = fmt == CFG_FORMAT_TEXT ? text_line(b, ctx, ex, seen, c)
				    : json_doc(b, ctx, ex, term, seen, c);
	b->limit = limit;
	return rc == 0 && b->len <= max ? 0 : -1;
}

/* The argument caps tried in turn: ECS's ignore_above first (a longer
 * keyword is not indexed anyway), then halves. */
static const size_t arg_caps[] = { 1024, 512, 256, 128, 64, 32, 16 };
/* Then every other string too, argument cap at its last step. */
static const size_t str_caps[] = { 1024, 256, 64 };

enum alert_form alert_render(struct kme_buf *b, const struct alert_ctx *ctx,
			     enum cfg_format fmt, const struct kme_exec *ex,
			     const struct nt_term *term,
			     const struct nt_seen *seen)
{
	size_t max = ctx->cfg->max_alert_size ? ctx->cfg->max_alert_size
					      : SIZE_MAX;
	struct caps c = no_caps;
	size_t i, lo, hi, n;

	if (render_once(b, ctx, fmt, ex, term, seen, &c, max) == 0)
		return ALERT_WHOLE;
	for (i = 0; i < sizeof(arg_caps) / sizeof(arg_caps[0]); i++) {
		c.arg = arg_caps[i];
		if (render_once(b, ctx, fmt, ex, term, seen, &c, max) == 0)
			return ALERT_CLIPPED;
	}
	for (i = 0; i < sizeof(str_caps) / sizeof(str_caps[0]); i++) {
		c.str = str_caps[i];
		if (render_once(b, ctx, fmt, ex, term, seen, &c, max) == 0)
			return ALERT_CLIPPED;
	}
	/* Last resort: list only the first args (args_count stays the real
	 * argc; args_omitted says how many are not listed), with the other
	 * strings whole again if that fits (the executable and the term
	 * values matter more than the 800th argument), else cut to 64. */
	c.list = 0;
	c.str = SIZE_MAX;
	if (render_once(b, ctx, fmt, ex, term, seen, &c, max) != 0) {
		c.str = str_caps[sizeof(str_caps) / sizeof(str_caps[0]) - 1];
		if (render_once(b, ctx, fmt, ex, term, seen, &c, max) != 0) {
			buf_reset(b);
			return ALERT_TOO_LARGE;
		}
	}
	/* The largest count that fits, by bisection: O(log argc) renders. */
	n = ex->proc.args.n > ex->parent.args.n ? ex->proc.args.n
						: ex->parent.args.n;
	for (lo = 0, hi = n; lo + 1 < hi;) {   /* lo fits, hi does not */
		c.list = lo + (hi - lo) / 2;
		if (render_once(b, ctx, fmt, ex, term, seen, &c, max) == 0)
			lo = c.list;
		else
			hi = c.list;
	}
	c.list = lo;
	if (render_once(b, ctx, fmt, ex, term, seen, &c, max) != 0) {
		buf_reset(b);  /* cannot happen: lo fitted before */
		return ALERT_TOO_LARGE;
	}
	return ALERT_PARTIAL;
}

const char *alert_form_name(enum alert_form f)
{
	static const char *const names[] = {
		[ALERT_WHOLE] = "whole",
		[ALERT_CLIPPED] = "clipped",
		[ALERT_PARTIAL] = "partial",
		[ALERT_TOO_LARGE] = "too large",
	};

	if ((unsigned)f >= sizeof(names) / sizeof(names[0]) || !names[f])
		return "?";
	return names[f];
}
