/* explain.h - the lines of --explain (plugin/explain.c, prefix xp_): for
 * every exec of a watched program, and every open of a watched file, what
 * the rule decided and why. Formatting only: the engine decides, and
 * writes each line through its sink (engine.h).
 *
 * A line (one line; host=NODE after the serial when the record has a
 * node= prefix, rule=NAME for an added rule, file=PATH for a file rule):
 *   2026-11-26T21:34:27.245Z 1795728867.245:6 pid=2223 name=lsmod
 *   exe=/usr/sbin/lsmod ppid=2203 parent_name=bash parent_exe=/usr/bin/bash
 *   source=audit cwd=/root => alert: new term (never seen)
 * Every value is escaped (jsonw.h); an absent one is "?"; a value with a
 * space, a quote or a leading '?' (or empty) is a JSON string, so that a
 * line splits into its fields unambiguously.
 *
 * No allocation but the buffer's own; O(bytes written).
 */
#ifndef KME_EXPLAIN_H
#define KME_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "buf.h"
#include "kme.h"
#include "newterms.h"
#include "rule.h"

struct kme_file;

/* The line of ex into b (reset first, no '\n'): verdict ("alert",
 * "excluded", ...) and detail after "=>". rule: an added rule's name, or
 * NULL; file: a file rule's open (openevent.h), or NULL. */
void xp_line(struct kme_buf *b, const struct kme_exec *ex, const char *rule,
	     const struct kme_file *file, const char *verdict,
	     const char *detail);

/* The detail of a term the store knew, into detail (size bytes): when it
 * was last seen, how long before the event at t (ms, to the millisecond,
 * saturated), the window it was held to, how often since it was first
 * seen; is_new: outside the window (an alert), else a repeat. Then what
 * the hardened match matched, a refused exclusion why it did not
 * exclude, a file opened by another name that name (rr: the decision,
 * rule_describe's facts after its first ';'), repeat or not. */
void xp_known(char *detail, size_t size, const struct nt_seen *seen,
	      int64_t t, int64_t window, const struct rule_result *rr,
	      bool is_new);

/* Appended to detail (size bytes) when an alert does not go out whole
 * (fit, alert.h): what form it takes under max_alert_size, with the
 * event's real argument count. */
void xp_fit(char *detail, size_t size, enum alert_form fit,
	    size_t max_alert_size, size_t args_count);

#endif
