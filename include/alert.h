/* alert.h - one alert line, fitted to max_alert_size (plugin/alert.c,
 * prefix alert_): the one entry the engine calls.
 *
 * An alert is written in the configured form -- the ECS JSON document
 * (alertecs.h) or the text line (alerttext.h) -- as large as fits
 * ctx->cfg->max_alert_size. A line that does not fit whole is rendered again
 * under tighter caps (alertclip.h), in this order, until one fits:
 *   1. every argument cut to 1024 (ECS's ignore_above: a longer keyword is
 *      not indexed anyway), then 512, 256, ... 16 bytes;
 *   2. then every other string too, to 1024, 256, 64 bytes;
 *   3. last resort: only the first args listed (as many as fit, found by
 *      bisection), the other strings whole again if that fits, else cut
 *      to 64.
 * Whatever was cut, the line says so (the markers of alertclip.h), and
 * args_count stays the real argc.
 *
 * Cost: at most ALERT_MAX_RENDERS renders, each stopping at max_alert_size,
 * so O(ALERT_MAX_RENDERS * max_alert_size) plus walking the args listed.
 * Allocates nothing but the buffers' own growth (and event.reason's
 * scratch, alertecs.c).
 */
#ifndef KME_ALERT_H
#define KME_ALERT_H

#include <stdint.h>

#include "buf.h"
#include "cfg.h"
#include "kme.h"
#include "newterms.h"
#include "rule.h"

/* What an alert says beyond the event (struct kme_exec): the renderers
 * (alertecs.h, alerttext.h) take it as it is. Borrowed for the call. */
struct alert_ctx {
	const struct kme_config *cfg;
	const char *hostname;     /* local host name, used when ex->node absent */
	const char *mode;         /* "live", "replay" or "all" */
	int64_t created_ms;       /* event.created: wall clock at detection */
	const char *host_id;      /* host.id (machine id) or NULL; written only
				     for events of this host (no node=, or
				     node= equal to hostname) */
	const struct rule_result *rr; /* the decision; NULL: none to report */
};

/* How alert_render made a line fit ctx->cfg->max_alert_size (0 = no bound
 * but b's own). */
enum alert_form {
	ALERT_WHOLE = 0,   /* as the event is */
	ALERT_CLIPPED,     /* long args cut to 1024, 512, ... 16 bytes each,
			      then other strings to 1024, 256, 64: every arg
			      still listed; the clipped ones are named */
	ALERT_PARTIAL,     /* last resort (e.g. 200,000 args): only the first
			      args are listed; args_count is the real argc
			      and args_omitted the number not listed */
	ALERT_TOO_LARGE,   /* not even that fits (a tiny bound): b is empty */
};

/* At most 1 + 7 + 3 + 1 + log2(argc) + 1 renders. */
#define ALERT_MAX_RENDERS 48

/* Reset b and render the alert of ex in fmt, as large as fits
 * ctx->cfg->max_alert_size; returns the form it took. term: the event's
 * new-terms values; seen: their history, NULL when no store decided
 * (--all). Never fails otherwise: ALERT_TOO_LARGE leaves b empty. */
enum alert_form alert_render(struct kme_buf *b, const struct alert_ctx *ctx,
			     enum cfg_format fmt, const struct kme_exec *ex,
			     const struct nt_term *term,
			     const struct nt_seen *seen);

/* "whole", "clipped", "partial", "too large". */
const char *alert_form_name(enum alert_form f);

#endif
