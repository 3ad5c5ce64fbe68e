/* alerttext.h - one alert as a line of text for people (plugin/alerttext.c,
 * prefix at_), e.g.
 *   kernel module enumeration: /usr/sbin/lsmod (lsmod) pid 2223 by
 *   /usr/bin/bash pid 2203 [audit] uid 0 auid 1000 tty pts0 event
 *   1795728867.245:6 cmd 'lsmod'
 * then, when they apply, the clip markers (alertclip.h), " [run as 'X':
 * does what 'Y' does]" (the hardened match of a multi-call binary) and
 * " last seen TIME" (RFC 3339, the term's previous sighting) and " [N bytes
 * not UTF-8 shown as U+FFFD]".
 *
 * Unknowns read "?" (a string or a pid) or "unset" (an id); tty and node
 * only when present. The term's usual fields are the exe and the parent,
 * printed anyway, so the term itself is not. Every string from the audit
 * stream is escaped as in JSON (jsonw_escape_fffd): no control byte, no
 * invalid UTF-8 reaches the line, and a byte that is not UTF-8 is U+FFFD,
 * counted in that marker, never text that could have been typed.
 *
 * Cost O(size of the event), bounded by b's bound: writing stops there.
 */
#ifndef KME_ALERTTEXT_H
#define KME_ALERTTEXT_H

#include "alert.h"
#include "alertclip.h"
#include "buf.h"
#include "kme.h"
#include "newterms.h"

/* Append the line for ex (seen: the term's history, NULL when none), every
 * string cut to caps (&ac_whole: none). 0, or -1 when b's bound is reached
 * (b then holds a prefix; callers reset it). */
int at_line(struct kme_buf *b, const struct alert_ctx *ctx,
	    const struct kme_exec *ex, const struct nt_seen *seen,
	    const struct ac_caps *caps);

#endif
