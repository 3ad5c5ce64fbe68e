/* alertclip.h - how much of an alert one render may write, what it cut,
 * and the markers that tell the reader (plugin/alertclip.c, prefix ac_).
 *
 * alert_render (alert.h) fits a line into max_alert_size by rendering it
 * again under tighter caps (struct ac_caps); the renderers (alertecs.h,
 * alerttext.h) cut each string to its cap with kme_cut (kme.h), note every cut in a
 * struct ac_clips, and close with the markers written here, so that a cut
 * alert always says so:
 *   JSON  audisp_kmod_enum.args_truncated (always), then only when not
 *         zero: args_clipped[] (the first AC_CLIP_IDX indices of the
 *         process's clipped args), args_clipped_count,
 *         parent_args_clipped_count (the parent's and the entry leader's
 *         args that are a prefix: cut by this render, or kept so by the
 *         process table, pidtab.h), args_clip_bytes (the arg cap, when
 *         this render cut an arg), parent_args_clip_bytes (the most bytes
 *         a clipped parent or entry-leader arg may have), args_omitted and
 *         parent_args_omitted (args not listed: listed + omitted ==
 *         args_count always), strings_clipped (true);
 *   text  " [args truncated]", " [N args clipped to B bytes]",
 *         " [N of M args not shown]", " [strings clipped]".
 * "Truncated" also covers what the event decoder cut before us
 * (kme_args.truncated).
 *
 * Everything here is O(1) but the markers (O(AC_CLIP_IDX)); no allocation,
 * no failure except a buffer's bound (sticky in the JSON writer, -1 from
 * ac_text_markers).
 */
#ifndef KME_ALERTCLIP_H
#define KME_ALERTCLIP_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "jsondoc.h"
#include "kme.h"

/* How much of each string a render may write; SIZE_MAX = no cap. */
struct ac_caps {
	size_t arg;    /* bytes of each argument */
	size_t str;    /* bytes of every other string */
	size_t list;   /* elements listed of each args array */
};

/* No cap at all: the alert as the event is. */
extern const struct ac_caps ac_whole;

/* Indices of clipped args named in args_clipped[], at most. */
#define AC_CLIP_IDX 16

/* What one render cut. Zero it before the render. */
struct ac_clips {
	size_t proc, parent;             /* clipped args (entry leader's
					    count as the parent's) */
	size_t idx[AC_CLIP_IDX];         /* first indices of clipped proc args */
	size_t nidx;
	bool cut;                        /* this render cut an arg */
	size_t parent_bytes;             /* the bound of clipped parent args */
	bool strings;                    /* another string was cut */
};


/* How many of a's args a render lists under c. */
size_t ac_listed(const struct kme_args *a, const struct ac_caps *c);

/* Note that arg i of the process (parent false) or of its parent or entry
 * leader (parent true) is a prefix of at most bytes bytes; by_render: this
 * render cut it (else the process table had). */
void ac_note_arg(struct ac_clips *k, size_t i, bool parent, size_t bytes,
		 bool by_render);

/* audisp_kmod_enum.args_truncated and the clip markers of a JSON render,
 * as items of the object w is in. */
void ac_json_markers(struct jd *w, const struct kme_exec *ex,
		     const struct ac_caps *c, const struct ac_clips *k);

/* The text markers, appended to b (the text form lists the process's args
 * only). -1 when b's bound is reached. */
int ac_text_markers(struct kme_buf *b, const struct kme_exec *ex,
		    const struct ac_caps *c, const struct ac_clips *k);

#endif
