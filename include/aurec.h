/* aurec.h - moving about one libauparse event: what the event decoders
 * (execevent.h, openevent.h) both need (inline, prefix aur_: the exec
 * decoder calls it for every event that reaches libauparse).
 *
 * Both functions move auparse's cursor; strings they return are
 * libauparse's, valid while the cursor stays on the event. O(records) and
 * O(fields of the record) respectively.
 */
#ifndef KME_AUREC_H
#define KME_AUREC_H

#include <auparse.h>
#include <libaudit.h>
#include <stdbool.h>

/* Put the cursor on the event's SYSCALL record: 1 at its first field, 0
 * when it has no field, -1 when the event has no SYSCALL record. */
static inline int aur_syscall(auparse_state_t *au)
{
	if (auparse_first_record(au) <= 0)
		return -1;
	while (auparse_get_type(au) != AUDIT_SYSCALL)
		if (auparse_next_record(au) <= 0)
			return -1;
	return auparse_first_field(au) > 0;
}

/* The interpretation an ENRICHED log wrote for field of the current
 * record (a user or group name after 0x1D), or NULL: a RAW record has
 * none, and is never interpreted here (that would ask the passwd database
 * of the host reading the log). */
static inline const char *aur_enriched(auparse_state_t *au, const char *field)
{
	if (auparse_get_record_interpretations(au) == NULL ||
	    auparse_first_field(au) <= 0 || auparse_find_field(au, field) == NULL)
		return NULL;
	return auparse_interpret_field(au);
}

#endif
