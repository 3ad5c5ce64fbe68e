/* alerttext.c - the text form of an alert (see alerttext.h). */
#include <inttypes.h>
#include <stdio.h>

#include "alerttext.h"
#include "clock.h"
#include "jsonw.h"

/* One render of the line; rc is sticky: once -1, nothing more is written. */
struct tw {
	struct kme_buf *b;
	int rc;
	const struct ac_caps *cap;
	struct ac_clips clip;
	size_t bad;               /* bytes not UTF-8, written as U+FFFD */
};

static void tw_raw(struct tw *t, const char *s)
{
	if (t->rc == 0 && buf_puts(t->b, s) < 0)
		t->rc = -1;
}

/* Escaped bytes cut to cap; true when cut. */
static bool tw_bytes(struct tw *t, struct kme_str s, size_t cap)
{
	size_t n = kme_cut(s.p, s.len, cap);

	if (t->rc == 0 && jsonw_escape_fffd(t->b, s.p, n, &t->bad) < 0)
		t->rc = -1;
	return n < s.len;
}

static void tw_str(struct tw *t, struct kme_str s)
{
	if (!kme_str_present(s))
		tw_raw(t, "?");
	else if (tw_bytes(t, s, t->cap->str))
		t->clip.strings = true;
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

/* " LABEL value" when the value is present. */
static void tw_opt(struct tw *t, const char *label, struct kme_str s)
{
	if (!kme_str_present(s))
		return;
	tw_raw(t, label);
	tw_str(t, s);
}

/* Who ran what: "EXE (NAME) pid N by PARENT pid N [SOURCE] uid .. auid ..
 * [tty ..] [node ..] event SEC.MS:SERIAL". */
static void tw_who(struct tw *t, const struct kme_exec *ex)
{
	const struct kme_proc *pp = &ex->parent;
	char tmp[96];

	tw_str(t, ex->proc.executable);
	if (kme_str_present(ex->proc.name)) {
		tw_raw(t, " (");
		tw_str(t, ex->proc.name);
		tw_raw(t, ")");
	}
	tw_num(t, "pid", ex->proc.pid, ex->proc.pid >= 0);
	tw_raw(t, " by ");
	tw_str(t, kme_str_present(pp->executable) ? pp->executable : pp->name);
	tw_num(t, "pid", ex->ppid, ex->ppid >= 0);
	tw_raw(t, " [");
	tw_raw(t, kme_parent_source_name(ex->parent_source));
	tw_raw(t, "]");
	tw_id(t, "uid", ex->uid);
	tw_id(t, "auid", ex->auid);
	tw_opt(t, " tty ", ex->tty);
	tw_opt(t, " node ", ex->node);
	snprintf(tmp, sizeof(tmp), " event %" PRId64 ".%03u:%" PRIu64,
		 ex->sec, ex->msec > 999 ? 999u : (unsigned)ex->msec,
		 ex->serial);
	tw_raw(t, tmp);
}

/* " cmd 'a0 a1 ...'": the listed args, each cut to the arg cap. */
static void tw_cmd(struct tw *t, const struct kme_args *a)
{
	size_t i, n = ac_listed(a, t->cap);

	tw_raw(t, " cmd '");
	for (i = 0; i < n; i++) {
		if (i > 0)
			tw_raw(t, " ");
		if (tw_bytes(t, a->v[i], t->cap->arg))
			ac_note_arg(&t->clip, i, false, t->cap->arg, true);
	}
	tw_raw(t, "'");
}

int at_line(struct kme_buf *b, const struct alert_ctx *ctx,
	    const struct kme_exec *ex, const struct nt_seen *seen,
	    const struct ac_caps *caps)
{
	struct tw t = { .b = b, .rc = 0, .cap = caps };
	char ts[CLK_RFC3339_SIZE];

	tw_raw(&t, "kernel module enumeration: ");
	tw_who(&t, ex);
	tw_cmd(&t, &ex->proc.args);
	if (t.rc == 0 && ac_text_markers(b, ex, caps, &t.clip) < 0)
		t.rc = -1;
	if (ctx != NULL && ctx->rr != NULL && ctx->rr->multicall) {
		tw_raw(&t, " [run as '");
		tw_str(&t, ctx->rr->run_as);
		tw_raw(&t, "': does what '");
		tw_str(&t, ctx->rr->tool);
		tw_raw(&t, "' does]");
	}
	if (seen && seen->known) {
		clk_rfc3339_ms(seen->last_seen, ts);
		tw_raw(&t, " last seen ");
		tw_raw(&t, ts);
	}
	/* U+FFFD is never taken for text: the line says what it stands for
	 * (the JSON form keeps the bytes, alertecs.h). */
	if (t.bad > 0) {
		char tmp[64];

		snprintf(tmp, sizeof(tmp), " [%zu bytes not UTF-8 shown as U+FFFD]",
			 t.bad);
		tw_raw(&t, tmp);
	}
	return t.rc;
}
