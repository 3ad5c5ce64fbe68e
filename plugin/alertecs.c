/* alertecs.c - the ECS JSON document of an alert (see alertecs.h).
 *
 * The document is a table of top-level sections, written in order; each
 * section writes its fields or, when it has none to tell, nothing. A new
 * field goes into the section it belongs to (or a new row of `sections`),
 * through the put_* helpers, which apply the render's caps and note every
 * cut for the markers (alertclip.h).
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "alertecs.h"
#include "clock.h"
#include "entity.h"
#include "jsondoc.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

/* One render of the document. */
struct doc {
	struct jd w;
	const struct alert_ctx *ctx;
	const struct kme_exec *ex;
	const struct nt_term *term;
	const struct nt_seen *seen;   /* NULL: no new-terms decision (--all) */
	const struct ac_caps *cap;
	struct ac_clips clip;
	struct kme_buf reason;        /* event.reason: kept until the document
					 is done (jsondoc.h borrows what it
					 writes, for invalid_utf8) */
};

/* The host's name: node= when present, else the local host name. */
static struct kme_str host_name(const struct doc *d)
{
	if (kme_str_present(d->ex->node))
		return d->ex->node;
	return d->ctx->hostname ? (struct kme_str){ d->ctx->hostname,
						    strlen(d->ctx->hostname) }
				: KME_STR_NULL;
}

/* --- values, cut to the caps ---------------------------------------------- */

/* A string value; the item is skipped when s is absent. Cut to the string
 * cap (noted as clip.strings). */
static void put_str(struct doc *d, const char *key, struct kme_str s)
{
	size_t n;

	if (!kme_str_present(s))
		return;
	n = kme_cut(s.p, s.len, d->cap->str);
	jd_str(&d->w, key, s.p, n);
	if (n < s.len)
		d->clip.strings = true;
}

/* A C string (ours or the config's, still escaped); skipped when NULL. */
static void put_cstr(struct doc *d, const char *key, const char *s)
{
	if (s != NULL)
		put_str(d, key, (struct kme_str){ s, strlen(s) });
}

/* A uid/gid/session as an ECS keyword; skipped when unset. */
static void put_id(struct doc *d, const char *key, uint32_t id)
{
	if (id != KME_ID_UNSET)
		jd_fmt(&d->w, key, "\"%" PRIu32 "\"", id);
}

/* A time in ms as RFC 3339, or null when not known. */
static void put_time(struct doc *d, const char *key, bool known, int64_t ms)
{
	char ts[CLK_RFC3339_SIZE];

	if (!known) {
		jd_null(&d->w, key);
		return;
	}
	clk_rfc3339_ms(ms, ts);
	jd_fmt(&d->w, key, "\"%s\"", ts);
}

/* process.entity_id and process.start (entity.h) of the process pid of
 * this alert's host that began at st; nothing when st is not known. */
static void put_entity(struct doc *d, int32_t pid, const struct kme_start *st)
{
	char id[ENT_ID_SIZE];

	if (ent_id(host_name(d), pid, st, id))
		jd_fmt(&d->w, "entity_id", "\"%s\"", id);
}

static void put_start(struct doc *d, const struct kme_start *st)
{
	if (st->kind != KME_START_NONE && st->ms >= 0)
		put_time(d, "start", true, st->ms);
}

/* A user or group as ECS's {id, name}; skipped when the id is unset. */
static void put_idname(struct doc *d, const char *key, uint32_t id,
		       struct kme_str name)
{
	if (id == KME_ID_UNSET)
		return;
	jd_open(&d->w, key, "{");
	put_id(d, "id", id);
	put_str(d, "name", name);
	jd_close(&d->w, "}");
}

/* "a0 a1 ..." of the listed (clipped) args as one JSON string. Escaping
 * each arg alone equals escaping the join: the separator is ASCII, so no
 * UTF-8 sequence spans it. */
static void put_cmdline(struct doc *d, const char *key, const struct kme_args *a)
{
	size_t i, n = ac_listed(a, d->cap);

	jd_str_open(&d->w, key);
	for (i = 0; i < n && d->w.rc == 0; i++) {
		if (i > 0)
			jd_raw(&d->w, " ");
		jd_escape(&d->w, a->v[i].p,
			  kme_cut(a->v[i].p, a->v[i].len, d->cap->arg));
	}
	jd_str_close(&d->w);
}

/* args, args_count and command_line; parent: the args are a parent's or
 * an entry leader's (their cuts count apart from the process's). */
static void put_args(struct doc *d, const struct kme_args *a, bool always,
		     bool parent)
{
	size_t i, n = ac_listed(a, d->cap), len, cap = d->cap->arg, bound;
	bool now, before;

	if (kme_args_count(a) == 0 && !always)
		return;
	jd_open(&d->w, "args", "[");
	for (i = 0; i < n && d->w.rc == 0; i++) {
		len = kme_cut(a->v[i].p, a->v[i].len, cap);
		jd_str(&d->w, NULL, a->v[i].p, len);
		/* Cut now, or already a prefix in the process table. */
		now = len < a->v[i].len;
		before = i < 64 && (a->clipped >> i & 1) != 0;
		if (!now && !before)
			continue;
		bound = now && before ? (cap < a->clip_bytes ? cap : a->clip_bytes)
				      : now ? cap : a->clip_bytes;
		ac_note_arg(&d->clip, i, parent, bound, now);
	}
	jd_close(&d->w, "]");
	/* The real count, also when fewer were stored or listed. */
	jd_fmt(&d->w, "args_count", "%zu", kme_args_count(a));
	if (n > 0)
		put_cmdline(d, "command_line", a);
}

/* The fields every process object starts with (process, its parent, its
 * entry leader): pid (when >= 0), entity_id (of p's own pid: a parent's
 * real creator when the stream names it), name, executable, args. */
static void put_proc(struct doc *d, int32_t pid, const struct kme_proc *p,
		     bool args_always, bool parent)
{
	if (pid >= 0)
		jd_fmt(&d->w, "pid", "%" PRId32, pid);
	put_entity(d, p->pid, &p->start);
	put_str(d, "name", p->name);
	put_str(d, "executable", p->executable);
	put_args(d, &p->args, args_always, parent);
}

/* A parent's own identity, when its exec (or /proc) showed it: its
 * working directory, start, and ids as ECS's user/group pairs. */
static void put_proc_ids(struct doc *d, const struct kme_proc *p)
{
	put_str(d, "working_directory", p->cwd);
	put_start(d, &p->start);
	if (!p->cred.known)
		return;
	put_idname(d, "user", p->cred.euid, KME_STR_NULL);
	put_idname(d, "real_user", p->cred.uid, KME_STR_NULL);
	put_idname(d, "group", p->cred.egid, KME_STR_NULL);
	put_idname(d, "real_group", p->cred.gid, KME_STR_NULL);
}

/* --- @timestamp, ecs, message, event --------------------------------------- */

static void sec_timestamp(struct doc *d)
{
	char ts[CLK_RFC3339_SIZE];

	clk_rfc3339(d->ex->sec, d->ex->msec, ts);
	jd_fmt(&d->w, "@timestamp", "\"%s\"", ts);
}

static void sec_ecs(struct doc *d)
{
	jd_open(&d->w, "ecs", "{");
	put_cstr(d, "version", AE_ECS_VERSION);
	jd_close(&d->w, "}");
}

/* Constant per rule: Kibana's External Alerts rule titles by it. */
static void sec_message(struct doc *d)
{
	put_cstr(d, "message", d->ctx->cfg->rule_name);
}

/* event.reason: one sentence per event, for people. Each value in it is
 * cut to REASON_PART bytes (and to the string cap), so the sentence stays
 * short whatever the event holds. */
#define REASON_PART 256

static void reason_part(struct kme_buf *r, const struct ac_caps *c,
			struct kme_str s, const char *absent)
{
	size_t cap = c->str < REASON_PART ? c->str : REASON_PART;

	if (!kme_str_present(s)) {
		buf_puts(r, absent);
		return;
	}
	buf_append(r, s.p, kme_cut(s.p, s.len, cap));
	if (s.len > cap)
		buf_puts(r, "...");
}

static void put_reason(struct doc *d)
{
	const struct kme_exec *ex = d->ex;
	struct kme_buf *r = &d->reason;

	buf_puts(r, "kernel module enumeration: ");
	reason_part(r, d->cap, ex->proc.executable, "an unknown program");
	buf_puts(r, " was run by ");
	reason_part(r, d->cap, kme_str_present(ex->parent.executable) ?
		    ex->parent.executable : ex->parent.name, "an unknown parent");
	if (ex->uid != KME_ID_UNSET) {
		buf_printf(r, " as uid %" PRIu32, ex->uid);
		if (kme_str_present(ex->user_name)) {
			buf_puts(r, " (");
			reason_part(r, d->cap, ex->user_name, "");
			buf_puts(r, ")");
		}
	}
	if (ex->auid != KME_ID_UNSET)
		buf_printf(r, ", login uid %" PRIu32, ex->auid);
	buf_puts(r, " on ");
	reason_part(r, d->cap, host_name(d), "an unknown host");
	if (r->p != NULL)
		jd_str(&d->w, "reason", r->p, r->len);
	else
		d->w.rc = -1;  /* out of memory */
}

static void sec_event(struct doc *d)
{
	const struct kme_exec *ex = d->ex;
	const struct kme_config *cfg = d->ctx->cfg;
	char ts[CLK_RFC3339_SIZE];

	jd_open(&d->w, "event", "{");
	put_cstr(d, "kind", "alert");
	jd_raw(&d->w, ",\"category\":[\"process\"],\"type\":[\"start\"]");
	put_cstr(d, "action", "exec");
	put_cstr(d, "outcome", ex->success ? "success" : "failure");
	jd_fmt(&d->w, "id", "\"%" PRId64 ".%03u:%" PRIu64 "\"", ex->sec,
	       ex->msec > 999 ? 999u : (unsigned)ex->msec, ex->serial);
	/* The audit serial orders events of one host within one boot, where
	 * the millisecond stamp cannot (ECS long: a forged larger one is
	 * left out). */
	if (ex->serial <= INT64_MAX)
		jd_fmt(&d->w, "sequence", "%" PRIu64, ex->serial);
	clk_rfc3339_ms(d->ctx->created_ms, ts);
	jd_fmt(&d->w, "created", "\"%s\"", ts);
	put_cstr(d, "module", "audisp_kmod_enum");
	put_cstr(d, "dataset", "audisp_kmod_enum.alert");
	put_cstr(d, "provider", "auditd");
	jd_fmt(&d->w, "severity", "%" PRIu32, cfg->rule_severity_num);
	jd_fmt(&d->w, "risk_score", "%" PRIu32, cfg->rule_risk_score);
	put_reason(d);
	jd_close(&d->w, "}");
}

/* --- host, agent ------------------------------------------------------------ */

/* host.id only for the host the plugin runs on: the engine sets ex->remote
 * from the host table (local: no node=, or node == local_node, see
 * hosttab.h). A record of another host (an aggregator) must never carry our
 * machine id. */
static void sec_host(struct doc *d)
{
	struct kme_str name = host_name(d);

	jd_open(&d->w, "host", "{");
	put_str(d, "name", name);
	put_str(d, "hostname", name);
	if (d->ctx->host_id != NULL && !d->ex->remote)
		put_cstr(d, "id", d->ctx->host_id);
	/* arch= of the exec: the ABI the program runs in (i386 for a 32-bit
	 * program on an x86_64 kernel). */
	put_cstr(d, "architecture", d->ex->arch);
	jd_open(&d->w, "os", "{");
	put_cstr(d, "type", "linux");
	jd_close(&d->w, "}");
	jd_close(&d->w, "}");
}

static void sec_agent(struct doc *d)
{
	jd_open(&d->w, "agent", "{");
	put_cstr(d, "type", "audisp-kmod-enum");
	put_cstr(d, "name", d->ctx->hostname);
	put_cstr(d, "version", PACKAGE_VERSION);
	jd_close(&d->w, "}");
}

/* --- process ---------------------------------------------------------------- */

static bool parent_known(const struct kme_exec *ex)
{
	const struct kme_proc *p = &ex->parent;

	return ex->ppid >= 0 || kme_str_present(p->name) ||
	       kme_str_present(p->executable) || kme_args_count(&p->args) > 0;
}

/* The effective user's name: ENRICHED EUID= (or getpwuid in live mode),
 * else the real user's when both ids are equal. */
static struct kme_str effective_name(const struct kme_exec *ex)
{
	if (kme_str_present(ex->euser_name))
		return ex->euser_name;
	return ex->euid == ex->uid ? ex->user_name : KME_STR_NULL;
}

/* Terminals whose device numbers the kernel fixes (Linux's
 * Documentation/admin-guide/devices.txt): NAME then a decimal index N, as
 * audit logs a tty, is the character device (major, minor_base + N) for
 * N <= max. Another name (ttyUSB0, hvc0...) is a terminal all the same,
 * without numbers. */
static const struct {
	const char *name;
	uint32_t major, minor_base, max;
} tty_devices[] = {
	{ "pts", 136, 0, (1u << 20) - 1 }, /* Unix98 pty slaves, 20-bit minors */
	{ "tty", 4, 0, 63 },               /* virtual consoles */
	{ "ttyS", 4, 64, 191 },            /* 8250 serial ports */
};

static bool tty_device(struct kme_str tty, uint32_t *major, uint32_t *minor)
{
	size_t i, j, k;
	uint32_t n;

	for (i = 0; i < sizeof(tty_devices) / sizeof(tty_devices[0]); i++) {
		k = strlen(tty_devices[i].name);
		if (tty.len <= k || tty.len > k + 7 ||
		    memcmp(tty.p, tty_devices[i].name, k) != 0)
			continue;
		for (n = 0, j = k; j < tty.len && tty.p[j] >= '0' && tty.p[j] <= '9'; j++)
			n = n * 10 + (uint32_t)(tty.p[j] - '0');
		if (j < tty.len || n > tty_devices[i].max)
			continue;
		*major = tty_devices[i].major;
		*minor = tty_devices[i].minor_base + n;
		return true;
	}
	return false;
}

/* process.interactive and process.tty. auditd records the controlling
 * terminal (tty=), not the process's descriptors: interactive here means
 * "has a controlling terminal" -- true for what a person runs in a
 * terminal (also with its output redirected, which ECS would call not
 * interactive), false for services, cron jobs, `ssh host cmd`. */
static void put_terminal(struct doc *d)
{
	const struct kme_exec *ex = d->ex;
	uint32_t major, minor;

	jd_fmt(&d->w, "interactive", "%s",
	       kme_str_present(ex->tty) ? "true" : "false");
	if (!kme_str_present(ex->tty) || !tty_device(ex->tty, &major, &minor))
		return;
	jd_open(&d->w, "tty", "{");
	jd_open(&d->w, "char_device", "{");
	jd_fmt(&d->w, "major", "%" PRIu32, major);
	jd_fmt(&d->w, "minor", "%" PRIu32, minor);
	jd_close(&d->w, "}");
	jd_close(&d->w, "}");
}

/* The saved set-user / set-group id: ECS's {id}. */
static void put_saved(struct doc *d, const char *key, uint32_t id)
{
	if (id == KME_ID_UNSET)
		return;
	jd_open(&d->w, key, "{");
	put_id(d, "id", id);
	jd_close(&d->w, "}");
}

static void sec_process(struct doc *d)
{
	const struct kme_exec *ex = d->ex;
	const struct kme_entry_leader *l = &ex->entry_leader;

	jd_open(&d->w, "process", "{");
	put_proc(d, ex->proc.pid, &ex->proc, true, false);
	put_str(d, "working_directory", ex->proc.cwd);
	put_str(d, "title", ex->title);
	if (ex->title_cut)
		d->clip.strings = true;
	put_start(d, &ex->proc.start);
	put_terminal(d);
	/* ECS: process.user is the effective user, real_user the real one. */
	put_idname(d, "user", ex->euid, effective_name(ex));
	put_idname(d, "real_user", ex->uid, ex->user_name);
	put_saved(d, "saved_user", ex->suid);
	put_idname(d, "group", ex->egid, ex->egroup_name);
	put_idname(d, "real_group", ex->gid, ex->group_name);
	put_saved(d, "saved_group", ex->sgid);
	if (parent_known(ex)) {
		jd_open(&d->w, "parent", "{");
		put_proc(d, ex->ppid, &ex->parent, false, true);
		put_proc_ids(d, &ex->parent);
		jd_close(&d->w, "}");
	}
	/* process.entry_leader (issue 12), only when known. */
	if (l->proc.pid > 0) {
		jd_open(&d->w, "entry_leader", "{");
		put_proc(d, l->proc.pid, &l->proc, false, true);
		put_start(d, &l->proc.start);
		jd_close(&d->w, "}");
	}
	jd_close(&d->w, "}");
}

/* --- user, group, auditd ------------------------------------------------------ */

static void sec_user(struct doc *d)
{
	const struct kme_exec *ex = d->ex;

	if (ex->uid == KME_ID_UNSET && !kme_str_present(ex->user_name) &&
	    ex->euid == KME_ID_UNSET)
		return;
	jd_open(&d->w, "user", "{");
	put_id(d, "id", ex->uid);
	put_str(d, "name", ex->user_name);
	put_idname(d, "effective", ex->euid, effective_name(ex));
	/* The login user, as Auditbeat writes auid (not ECS: its own field
	 * set, beside ECS's). */
	put_idname(d, "audit", ex->auid, ex->auser_name);
	jd_close(&d->w, "}");
}

static void sec_group(struct doc *d)
{
	if (d->ex->gid == KME_ID_UNSET)
		return;
	jd_open(&d->w, "group", "{");
	put_id(d, "id", d->ex->gid);
	put_str(d, "name", d->ex->group_name);
	jd_close(&d->w, "}");
}

/* Auditbeat's auditd.* names: the login (audit) uid and the tty are raw
 * record fields (auditd.data.*); ECS has no field for either. */
static void sec_auditd(struct doc *d)
{
	const struct kme_exec *ex = d->ex;
	bool data = kme_str_present(ex->tty) || ex->auid != KME_ID_UNSET;

	if (ex->ses == KME_ID_UNSET && !data)
		return;
	jd_open(&d->w, "auditd", "{");
	put_id(d, "session", ex->ses);
	if (data) {
		jd_open(&d->w, "data", "{");
		put_id(d, "auid", ex->auid);
		put_str(d, "tty", ex->tty);
		jd_close(&d->w, "}");
	}
	jd_close(&d->w, "}");
}

/* --- rule, threat (from the configuration) ------------------------------------ */

static void sec_rule(struct doc *d)
{
	const struct kme_config *cfg = d->ctx->cfg;
	size_t i;

	jd_open(&d->w, "rule", "{");
	put_cstr(d, "id", cfg->rule_id);
	put_cstr(d, "name", cfg->rule_name);
	put_cstr(d, "version", cfg->rule_version);
	put_cstr(d, "description", cfg->rule_description);
	put_cstr(d, "reference", cfg->rule_reference);
	put_cstr(d, "ruleset", cfg->rule_ruleset);
	if (cfg->nrule_authors > 0) {
		jd_open(&d->w, "author", "[");
		for (i = 0; i < cfg->nrule_authors && i < CFG_MAX_THREAT; i++)
			put_cstr(d, NULL, cfg->rule_authors[i]);
		jd_close(&d->w, "]");
	}
	jd_close(&d->w, "}");
}

/* threat.tactic / threat.technique: ECS keyword arrays, one column each. */
static void threat_list(struct doc *d, const char *key,
			const struct cfg_threat *t, size_t n)
{
	size_t i;

	if (n > CFG_MAX_THREAT)
		n = CFG_MAX_THREAT;
	if (n == 0)
		return;
	jd_open(&d->w, key, "{");
	jd_open(&d->w, "id", "[");
	for (i = 0; i < n; i++)
		put_cstr(d, NULL, t[i].id);
	jd_close(&d->w, "]");
	jd_open(&d->w, "name", "[");
	for (i = 0; i < n; i++)
		put_cstr(d, NULL, t[i].name);
	jd_close(&d->w, "]");
	jd_open(&d->w, "reference", "[");
	for (i = 0; i < n; i++)
		put_cstr(d, NULL, t[i].reference);
	jd_close(&d->w, "]");
	jd_close(&d->w, "}");
}

static void sec_threat(struct doc *d)
{
	const struct kme_config *cfg = d->ctx->cfg;

	if (cfg->ntactics == 0 && cfg->ntechniques == 0)
		return;
	jd_open(&d->w, "threat", "{");
	put_cstr(d, "framework", cfg->threat_framework);
	threat_list(d, "tactic", cfg->tactics, cfg->ntactics);
	threat_list(d, "technique", cfg->techniques, cfg->ntechniques);
	jd_close(&d->w, "}");
}

/* --- audisp_kmod_enum: the decision and how the alert was made --------------- */

/* new_terms: the fields, the term's values and, when a store decided, the
 * history it knew. An unknown value (the event has none: an unknown
 * parent) is the empty string, which no known value is (newterms.h): one
 * way everywhere, and an array ECS consumers keep whole (they drop null
 * elements, and the values would no longer line up with the fields). */
static void put_new_terms(struct doc *d)
{
	const struct kme_config *cfg = d->ctx->cfg;
	const struct nt_term *term = d->term;
	const struct nt_seen *seen = d->seen;
	size_t i, nf, nv = term == NULL ? 0 : term->n;

	nf = cfg->nterm_fields < CFG_MAX_TERM_FIELDS ? cfg->nterm_fields
						     : CFG_MAX_TERM_FIELDS;
	nv = nv < CFG_MAX_TERM_FIELDS ? nv : CFG_MAX_TERM_FIELDS;
	jd_open(&d->w, "new_terms", "{");
	jd_open(&d->w, "fields", "[");
	for (i = 0; i < nf; i++)
		put_cstr(d, NULL, cfg_term_field_name(cfg->term_fields[i]));
	jd_close(&d->w, "]");
	jd_open(&d->w, "values", "[");
	for (i = 0; i < nv; i++)
		put_str(d, NULL, kme_str_present(term->v[i]) ? term->v[i]
							  : (struct kme_str){ "", 0 });
	jd_close(&d->w, "]");
	if (seen) {
		put_time(d, "previous_last_seen", seen->known, seen->last_seen);
		put_time(d, "first_seen", seen->known, seen->first_seen);
		jd_fmt(&d->w, "count", "%" PRIu64, seen->known ? seen->count : 0);
		/* Decided without the fleet's history (redisstore.h). */
		if (seen->local)
			put_cstr(d, "store", "local-fallback");
	}
	jd_close(&d->w, "}");
}

/* How the entry leader was found, and the hardened match's facts. */
static void put_profile_facts(struct doc *d)
{
	const struct kme_entry_leader *l = &d->ex->entry_leader;
	const struct rule_result *rr = d->ctx->rr;

	if (l->how != NULL) {
		jd_open(&d->w, "entry_leader", "{");
		put_cstr(d, "how", l->how);
		if (l->proc.pid > 0) {
			put_cstr(d, "source", kme_parent_source_name(l->source));
			put_str(d, "starter", l->starter);
			jd_fmt(&d->w, "depth", "%d", l->depth);
		}
		jd_close(&d->w, "}");
	}
	if (rr != NULL && rr->multicall && rr->mc != NULL) {
		jd_open(&d->w, "multicall", "{");
		put_cstr(d, "binary", rr->mc->path);
		put_str(d, "run_as", rr->run_as);
		put_str(d, "behaviour", rr->tool);
		if (rr->same_file)
			put_cstr(d, "found_by", "device_and_inode");
		jd_close(&d->w, "}");
	}
}

/* entity: the start token each entity id was derived from (entity.h), so
 * that anyone can find its event and derive the id again. */
static void put_entity_starts(struct doc *d)
{
	const struct kme_start *st[3] = { &d->ex->proc.start,
					  &d->ex->parent.start,
					  &d->ex->entry_leader.proc.start };
	static const char *const key[3] = { "process", "parent", "entry_leader" };
	char tok[ENT_TOKEN_SIZE];
	bool open = false;
	int i;

	for (i = 0; i < 3; i++) {
		if (!kme_str_present(host_name(d)) || !ent_token(st[i], tok) ||
		    (i == 1 && !parent_known(d->ex)) ||
		    (i == 2 && d->ex->entry_leader.proc.pid <= 0))
			continue;
		if (!open)
			jd_open(&d->w, "entity", "{");
		open = true;
		put_cstr(d, key[i], tok);
	}
	if (open)
		jd_close(&d->w, "}");
}

/* invalid_utf8: every field a byte that is not UTF-8 was written in (as
 * U+FFFD), and for the first JD_BAD_MAX values their raw bytes in hex --
 * so that no text that looks the same is taken for them (jsondoc.h). The
 * last section of the document: nothing after it can be affected. */
static void put_invalid_utf8(struct doc *d)
{
	struct jd *w = &d->w;
	size_t i, nf = w->nfields, nb = w->nbad, total = w->bad_total;

	if (total == 0)
		return;
	jd_open(w, "invalid_utf8", "{");
	jd_open(w, "fields", "[");
	for (i = 0; i < nf; i++)
		jd_str(w, NULL, w->fields[i], strlen(w->fields[i]));
	jd_close(w, "]");
	jd_open(w, "values", "[");
	for (i = 0; i < nb; i++) {
		jd_open(w, NULL, "{");
		jd_str(w, "field", w->bad[i].path, strlen(w->bad[i].path));
		if (w->bad[i].index >= 0)
			jd_fmt(w, "index", "%ld", w->bad[i].index);
		jd_hex(w, "hex", w->bad[i].p, w->bad[i].len);
		jd_close(w, "}");
	}
	jd_close(w, "]");
	if (total > nb)
		jd_fmt(w, "values_omitted", "%zu", total - nb);
	jd_close(w, "}");
}

static void sec_ours(struct doc *d)
{
	jd_open(&d->w, "audisp_kmod_enum", "{");
	put_new_terms(d);
	put_cstr(d, "parent_source",
		 kme_parent_source_name(d->ex->parent_source));
	/* Last of what the render wrote from the event: the clips are known. */
	ac_json_markers(&d->w, d->ex, d->cap, &d->clip);
	put_cstr(d, "mode", d->ctx->mode);
	put_cstr(d, "severity", d->ctx->cfg->rule_severity);
	put_profile_facts(d);
	put_entity_starts(d);
	put_invalid_utf8(d);
	jd_close(&d->w, "}");
}

/* --- the document ------------------------------------------------------------- */

/* The top-level fields, in the order they are written. */
static void (*const sections[])(struct doc *) = {
	sec_timestamp, sec_ecs, sec_message, sec_event, sec_host, sec_agent,
	sec_process, sec_user, sec_group, sec_auditd, sec_rule, sec_threat,
	sec_ours,
};

int ae_json(struct kme_buf *b, const struct alert_ctx *ctx,
	    const struct kme_exec *ex, const struct nt_term *term,
	    const struct nt_seen *seen, const struct ac_caps *caps)
{
	struct doc d = { .ctx = ctx, .ex = ex, .term = term, .seen = seen,
			 .cap = caps };
	size_t i;
	int rc;

	buf_init(&d.reason, 4096);
	jd_init(&d.w, b);
	jd_open(&d.w, NULL, "{");
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		sections[i](&d);
	jd_close(&d.w, "}");
	rc = jd_end(&d.w);
	buf_free(&d.reason);
	return rc;
}
