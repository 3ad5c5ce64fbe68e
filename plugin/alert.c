/* alert.c - one alert line fitted to max_alert_size (see alert.h): the
 * ladder of caps, and the render in the configured form. */
#include "alert.h"
#include "alertclip.h"
#include "alertecs.h"
#include "alerttext.h"

/* Render once under c, writing at most max bytes; 0 when it fitted. */
static int render_once(struct kme_buf *b, const struct alert_ctx *ctx,
		       enum cfg_format fmt, const struct kme_exec *ex,
		       const struct nt_term *term, const struct nt_seen *seen,
		       const struct ac_caps *c, size_t max)
{
	size_t limit = b->limit;
	int rc;

	/* Stop writing at max: an attempt costs O(max), not O(event). */
	buf_reset(b);
	if (max < b->limit)
		b->limit = max;
	rc = fmt == CFG_FORMAT_TEXT ? at_line(b, ctx, ex, seen, c)
				    : ae_json(b, ctx, ex, term, seen, c);
	b->limit = limit;
	return rc == 0 && b->len <= max ? 0 : -1;
}

/* Then every other string too, argument cap at its last step. */
static const size_t str_caps[] = { 1024, 256, 64 };

enum alert_form alert_render(struct kme_buf *b, const struct alert_ctx *ctx,
			     enum cfg_format fmt, const struct kme_exec *ex,
			     const struct nt_term *term,
			     const struct nt_seen *seen)
{
	size_t max = ctx->cfg->max_alert_size ? ctx->cfg->max_alert_size
					      : SIZE_MAX;
	struct ac_caps c = ac_whole;
	size_t i, lo, hi, n;

	if (render_once(b, ctx, fmt, ex, term, seen, &c, max) == 0)
		return ALERT_WHOLE;
	for (i = 0; i < KME_ARG_CAP_STEPS; i++) {
		c.arg = kme_arg_cap((int)i);
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
