/* alert.h - format one alert as one line of ECS JSON or human text.
 *
 * The JSON document (compact, no newline; fields in this order; every field
 * is described in audisp-kmod-enum(8), section ALERTS):
 *   @timestamp        event time, RFC 3339 UTC with milliseconds
 *   ecs.version       ALERT_ECS_VERSION
 *   message           the rule name (constant per rule)
 *   event             kind "alert", category ["process"], type ["start"],
 *                     action "exec", outcome success|failure, id
 *                     "SECONDS.MILLIS:SERIAL", created (ctx->created_ms),
 *                     module "audisp_kmod_enum", dataset
 *                     "audisp_kmod_enum.alert", provider "auditd", severity
 *                     (number), risk_score (number), reason (a sentence)
 *   host              name and hostname (node= when present, else
 *                     ctx->hostname), id (ctx->host_id, local events only),
 *                     os.type "linux"
 *   agent             type "audisp-kmod-enum", name (ctx->hostname), version
 *   process           pid, name, executable, args, args_count, command_line,
 *                     working_directory, user{id,name}, real_user{id,name},
 *                     group{id,name}, real_group{id,name}, parent{pid, name, executable,
 *                     args, args_count, command_line}
 *   user              id, name (when known), effective{id, name}
 *   group             id, name (when known)
 *   auditd            session, data{auid, tty}
 *   rule              id, name, version, description, reference, ruleset,
 *                     author[]
 *   threat            framework, tactic{id[], name[], reference[]},
 *                     technique{id[], name[], reference[]}
 *   audisp_kmod_enum  new_terms{fields, values, previous_last_seen (RFC 3339
 *                     with ms, or null), first_seen, count}, parent_source,
 *                     args_truncated, [args_clipped[], args_clipped_count,
 *                     parent_args_clipped_count, args_clip_bytes,
 *                     args_omitted, parent_args_omitted, strings_clipped],
 *                     mode, severity (the word), entry_leader{how, source,
 *                     starter, depth} (how alone when unknown),
 *                     multicall{binary, run_as, behaviour} (only when the
 *                     hardened match decided)
 *   process.entry_leader  pid, name, executable, args (when known)
 * Never written: event.ingested (the SIEM's ingest pipeline sets it).
 *
 * All strings go through jsonw (see jsonw.h). Cost O(size of the event);
 * alert_render up to ALERT_MAX_RENDERS times that.
 */
#ifndef KME_ALERT_H
#define KME_ALERT_H

#include <stdint.h>

#include "buf.h"
#include "cfg.h"
#include "kme.h"
#include "newterms.h"
#include "rule.h"

/* The ECS release whose field definitions the alerts follow (the test
 * data tests/ecs/ecs_flat_subset.yml comes from it). */
#define ALERT_ECS_VERSION "9.3.0"

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

/* Append the whole alert as JSON (no trailing newline), bounded only by
 * b's bound. seen may be NULL (--all: no new-terms decision). -1 when b's
 * bound is reached (b then holds a prefix; callers reset it). */
int alert_json(struct kme_buf *b, const struct alert_ctx *ctx,
	       const struct kme_exec *ex, const struct nt_term *term,
	       const struct nt_seen *seen);

/* Append the one-line text form, e.g.
 * "kernel module enumeration: /usr/sbin/lsmod (lsmod) pid 2223 by
 *  /usr/bin/bash pid 2203 [audit] uid 0 auid 1000 tty pts0 event
 *  1795728867.245:6 cmd 'lsmod'". */
int alert_text(struct kme_buf *b, const struct alert_ctx *ctx,
	       const struct kme_exec *ex, const struct nt_term *term,
	       const struct nt_seen *seen);

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

/* Reset b and render the alert in fmt, as large as fits
 * ctx->cfg->max_alert_size; returns the form it took. */
enum alert_form alert_render(struct kme_buf *b, const struct alert_ctx *ctx,
			     enum cfg_format fmt, const struct kme_exec *ex,
			     const struct nt_term *term,
			     const struct nt_seen *seen);

/* "whole", "clipped", "partial", "too large". */
const char *alert_form_name(enum alert_form f);

#endif
