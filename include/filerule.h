/* filerule.h - the rules that watch files (rule_type = file_open; plugin/
 * filerule.c, prefix fr_): which open events they look at, who opened the
 * file, and whether the open matches and is excluded.
 *
 * The module list can be read without any of the programs the exec rule
 * watches: `cat /proc/modules`, python's open(), `ls /sys/module`. Elastic's
 * companion rule "Enumeration of Kernel Modules via Proc" (v111: file.path
 * /proc/modules opened, new terms on process.executable over 5 days;
 * tests/../rule-proc.md) is such a rule; the hardened profile runs its
 * hardened variant beside the exec rule.
 *
 * Which opens: a file rule's file_watch lines pair each watched file with
 * the audit key of the path rule that records its opens (-F path=FILE -k
 * KEY). The kernel matches a path rule by the file itself (its inode), so
 * an event with the key is an open of that file whatever name the opener
 * gave it (/proc/self/../modules, a symlinked directory, a relative name
 * from a dirfd): the key decides, not the name, which is reported beside
 * (openevent.h's opened_as). Only events with a watched key reach
 * libauparse at all (recfilter.h): opens cost nothing to hosts without
 * file rules, and little to those with.
 *
 * Who opened it: the opener's process.name, executable and args, and its
 * parent, are the process table's (proctable.h, pt_peek), as for an exec's
 * parent: the path it was executed by, not the resolved binary; a process
 * the table does not know (it started before the plugin and was never
 * seen, or was evicted) is named by the record's exe (the resolved binary)
 * and comm, and its identity is then reported as coming from the record.
 * The parent likewise, or unknown.
 *
 * Matching: a watched key; then the rule's exclusions (rule.h's, every
 * kind: exclude_name on the opener's name, exclude_executable, the parent
 * and entry-leader ones, exclude_user), proven when trusted_exclusions is
 * set (trust.h), the opener's identity source being where it came from.
 * Failed opens match too (event.outcome failure): an attempt to read the
 * list is an attempt to enumerate.
 *
 * Pure functions of their inputs (but trust.h's checker, which may read
 * the file system in live mode). O(watches * keys of the event) per event.
 */
#ifndef KME_FILERULE_H
#define KME_FILERULE_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"
#include "openevent.h"
#include "proctable.h"
#include "rule.h"

/* Fill o->ex's process (name, executable, args, their source) and parent
 * from the process table t, among the processes of o->ex.node's host.
 * Strings borrowed from t (valid until it next changes). Returns where
 * the opener's identity came from: KME_PARENT_AUDIT or _PROCFS (the
 * table's), KME_PARENT_UNKNOWN (the record's exe and comm). */
enum kme_parent_source fr_identify(const struct pt_table *t,
				   struct oe_event *o);

/* Is o an open of a file rule r watches? Sets o->file.watch. */
bool fr_watches(const struct kme_config *r, struct oe_event *o);

/* Judge o (fr_watches true) under file rule r: RULE_MATCH or
 * RULE_EXCLUDED, as rule.h's result (res->watch set). */
void fr_eval(const struct kme_config *r, const struct oe_event *o,
	     const struct rule_env *env, struct rule_result *res);

#endif
