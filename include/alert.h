/* alert.h - format one alert as one line of ECS JSON or human text.
 *
 * The JSON document (compact, no newline; fields in this order):
 *   @timestamp              event time, RFC 3339 UTC with milliseconds
 *   event                   kind "alert", category ["process"], type ["start"],
 *                           action "exec", id "SECONDS.MILLIS:SERIAL",
 *                           module "auditd", dataset "audisp_kmod_enum.alert"
 *   host.name               node= when present, else ctx->hostname
 *   process                 pid, name, executable, args, args_count,
 *                           command_line, working_directory,
 *                           parent{pid, name, executable, args, args_count,
 *                           command_line} (absent parent fields are omitted)
 *   user                    id, name (when known), effective.id, audit.id
 *   group.id
 *   auditd                  session, tty
 *   rule                    id, name, version, severity, risk_score
 *   threat                  framework "MITRE ATT&CK", tactic{id TA0007, name,
 *                           reference}, technique[{id T1082, name, reference}]
 *   kibana.alert.new_terms  the term values (absent -> null)
 *   audisp_kmod_enum        new_terms{fields, values, previous_last_seen
 *                           (RFC 3339 with ms, or null), first_seen, count},
 *                           parent_source, args_truncated, mode,
 *                           entry_leader{how, source, starter, depth} (how
 *                           alone when unknown), multicall{binary, run_as,
 *                           behaviour} (only when the hardened match decided)
 *   process.entry_leader    pid, name, executable, args (when known)
 *   threat.technique        one per threat_technique line
 *
 * All strings go through jsonw (see jsonw.h). Cost O(size of the event).
 */
#ifndef KME_ALERT_H
#define KME_ALERT_H

#include "buf.h"
#include "cfg.h"
#include "kme.h"
#include "newterms.h"
#include "rule.h"

struct alert_ctx {
	const struct kme_config *cfg;
	const char *hostname;     /* local host name, used when ex->node absent */
	const char *mode;         /* "live", "replay" or "all" */
	const struct rule_result *rr; /* the decision; NULL: none to report */
};

/* Append the alert as JSON (no trailing newline). seen may be NULL (--all:
 * no new-terms decision). -1 when b's bound is reached (b then holds a
 * prefix; callers reset it). */
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

/* Format t (seconds) + msec as "2026-11-26T21:34:27.245Z" into out[32]. */
void alert_time(int64_t t, uint32_t msec, char out[32]);

/* The same for a time in milliseconds since the epoch (new-terms times). */
void alert_time_ms(int64_t ms, char out[32]);

#endif
