/* alertclip.c - caps, cuts and clip markers of one alert render (see
 * alertclip.h). */
#include <stdint.h>
#include <stdio.h>

#include "alertclip.h"

const struct ac_caps ac_whole = { SIZE_MAX, SIZE_MAX, SIZE_MAX };

size_t ac_listed(const struct kme_args *a, const struct ac_caps *c)
{
	return a->n < c->list ? a->n : c->list;
}

void ac_note_arg(struct ac_clips *k, size_t i, bool parent, size_t bytes,
		 bool by_render)
{
	if (by_render)
		k->cut = true;
	if (parent) {
		k->parent++;
		if (bytes > k->parent_bytes)
			k->parent_bytes = bytes;
		return;
	}
	if (k->nidx < AC_CLIP_IDX)
		k->idx[k->nidx++] = i;
	k->proc++;
}

/* Args not listed: the real count (kme_args_count) minus those listed. */
static size_t omitted(const struct kme_args *a, const struct ac_caps *c)
{
	return kme_args_count(a) - ac_listed(a, c);
}

static bool json_inexact(const struct kme_exec *ex, const struct ac_caps *c,
			 const struct ac_clips *k)
{
	return ex->proc.args.truncated || ex->parent.args.truncated ||
	       k->proc > 0 || k->parent > 0 ||
	       omitted(&ex->proc.args, c) > 0 || omitted(&ex->parent.args, c) > 0;
}

void ac_json_markers(struct jd *w, const struct kme_exec *ex,
		     const struct ac_caps *c, const struct ac_clips *k)
{
	size_t i, omit = omitted(&ex->proc.args, c);
	size_t pomit = omitted(&ex->parent.args, c);

	jd_fmt(w, "args_truncated", "%s",
	       json_inexact(ex, c, k) ? "true" : "false");
	if (k->proc > 0) {
		jd_open(w, "args_clipped", "[");
		for (i = 0; i < k->nidx; i++)
			jd_fmt(w, NULL, "%zu", k->idx[i]);
		jd_close(w, "]");
		jd_fmt(w, "args_clipped_count", "%zu", k->proc);
	}
	if (k->parent > 0)
		jd_fmt(w, "parent_args_clipped_count", "%zu", k->parent);
	if (k->cut)
		jd_fmt(w, "args_clip_bytes", "%zu", c->arg);
	if (k->parent > 0)
		jd_fmt(w, "parent_args_clip_bytes", "%zu", k->parent_bytes);
	if (omit > 0)
		jd_fmt(w, "args_omitted", "%zu", omit);
	if (pomit > 0)
		jd_fmt(w, "parent_args_omitted", "%zu", pomit);
	if (k->strings)
		jd_fmt(w, "strings_clipped", "true");
}

int ac_text_markers(struct kme_buf *b, const struct kme_exec *ex,
		    const struct ac_caps *c, const struct ac_clips *k)
{
	size_t argc = kme_args_count(&ex->proc.args);
	size_t omit = omitted(&ex->proc.args, c);
	int rc = 0;

	/* Sticky like the JSON writer: after a refused append b holds a
	 * prefix of the line. */
	if (ex->proc.args.truncated || ex->parent.args.truncated ||
	    k->proc > 0 || omit > 0)
		rc = buf_puts(b, " [args truncated]");
	if (rc == 0 && k->proc > 0)
		rc = buf_printf(b, " [%zu args clipped to %zu bytes]", k->proc,
				c->arg);
	if (rc == 0 && omit > 0)
		rc = buf_printf(b, " [%zu of %zu args not shown]", omit, argc);
	if (rc == 0 && k->strings)
		rc = buf_puts(b, " [strings clipped]");
	return rc < 0 ? -1 : 0;
}
