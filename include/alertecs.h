/* alertecs.h - one alert as an ECS JSON document (plugin/alertecs.c,
 * prefix ae_).
 *
 * The document (compact, no newline; fields in this order; every field is
 * described in audisp-kmod-enum(8), section ALERTS):
 *   @timestamp        event time, RFC 3339 UTC with milliseconds
 *   ecs.version       AE_ECS_VERSION
 *   message           the rule name (constant per rule)
 *   event             kind "alert", category ["process"], type ["start"],
 *                     action "exec", outcome success|failure, id
 *                     "SECONDS.MILLIS:SERIAL", sequence (the serial, a
 *                     number), created (ctx->created_ms), module
 *                     "audisp_kmod_enum", dataset "audisp_kmod_enum.alert",
 *                     provider "auditd", severity (number), risk_score
 *                     (number), reason (a sentence)
 *   host              name and hostname (node= when present, else
 *                     ctx->hostname), id (ctx->host_id, local events only),
 *                     architecture (arch=), os.type "linux"
 *   agent             type "audisp-kmod-enum", name (ctx->hostname), version
 *   process           pid, entity_id, name, executable, args, args_count,
 *                     command_line, working_directory, title, start,
 *                     interactive, tty.char_device{major, minor},
 *                     user{id,name}, real_user{id,name}, saved_user{id},
 *                     group{id,name}, real_group{id,name}, saved_group{id},
 *                     parent{pid, entity_id, name, executable, args,
 *                     args_count, command_line, working_directory, start,
 *                     user{id}, real_user{id}, group{id}, real_group{id}},
 *                     entry_leader{pid, entity_id, name, executable,
 *                     args..., start} (when known); entity ids and starts
 *                     as entity.h derives them, when the start is known
 *   user              id, name (when known), effective{id, name},
 *                     audit{id, name} (the login uid, Auditbeat's field)
 *   group             id, name (when known)
 *   auditd            session, data{auid, tty}
 *   rule              id, name, version, description, reference, ruleset,
 *                     author[]
 *   threat            framework, tactic{id[], name[], reference[]},
 *                     technique{id[], name[], reference[]}
 *   audisp_kmod_enum  new_terms{fields, values, previous_last_seen (RFC 3339
 *                     with ms, or null), first_seen, count, [store]},
 *                     parent_source, args_truncated and the clip markers
 *                     (alertclip.h), mode, severity (the word),
 *                     entry_leader{how, source, starter, depth} (how alone
 *                     when unknown), multicall{binary, run_as, behaviour,
 *                     [found_by]} (only when the hardened match decided),
 *                     entity{process, parent, entry_leader} (the start
 *                     tokens), invalid_utf8{fields, values[{field, index,
 *                     hex}], values_omitted} (only when a value held bytes
 *                     that are not UTF-8: jsondoc.h)
 * Never written: event.ingested (the SIEM's ingest pipeline sets it).
 * An unknown new-terms value is "" (newterms.h).
 *
 * Presence (ECS has no "unknown" value, so absence is the honest one):
 *   - process.args and args_count are always written (argc 0 is a real and
 *     suspicious case); command_line only when at least one arg is listed.
 *     args_count is the real argc (kme_args_count), also when args lists
 *     fewer (cut by the decoder's bound, or by the caps).
 *   - process.parent is omitted when neither ppid nor any parent field is
 *     known; parent args/args_count/command_line only when it has args.
 *   - ids equal to KME_ID_UNSET are omitted; ids are strings (ECS keyword).
 *
 * Every string from the audit stream goes through jsondoc/jsonw; only our
 * own literal keys are written raw. Cost O(size of the event), bounded by
 * b's bound: writing stops there.
 */
#ifndef KME_ALERTECS_H
#define KME_ALERTECS_H

#include "alert.h"
#include "alertclip.h"
#include "buf.h"
#include "kme.h"
#include "newterms.h"

/* The ECS release whose field definitions the alerts follow (the test
 * data tests/ecs/ecs_flat_subset.yml comes from it). */
#define AE_ECS_VERSION "9.3.0"

/* Append the document for ex (term: its new-terms values; seen: their
 * history, NULL under --all: no new-terms decision), every string cut to
 * caps (&ac_whole: none). 0, or -1 when b's bound is reached (b then holds
 * a prefix; callers reset it). */
int ae_json(struct kme_buf *b, const struct alert_ctx *ctx,
	    const struct kme_exec *ex, const struct nt_term *term,
	    const struct nt_seen *seen, const struct ac_caps *caps);

#endif
