/* entity.h - process.entity_id: one id per process life on one host, the
 * same whenever the same records are read again (plugin/entity.c, prefix
 * ent_).
 *
 * Elastic Defend derives its entity ids from a process's pid, its start
 * and the host's boot; auditd records carry no boot id, so the start here
 * is the first event of the process's life that the audit stream showed
 * (kme_start; proctable.h decides it), which no other process of that host
 * shares:
 *
 *   token = "audit:" SEC "." MSEC ":" SERIAL   that event's id, as event.id
 *                                              writes it (MSEC 3 digits)
 *         | "procfs:" BOOT_ID ":" TICKS        live mode only: a process the
 *                                              stream never showed start,
 *                                              known from /proc
 *   entity_id = the first 32 hex digits of
 *               SHA-256("audisp-kmod-enum/entity/1" NUL host.name NUL
 *                       PID NUL token)
 *
 * PID in decimal; host.name as the alert writes it (the record's node=,
 * else the local host name). Anyone can recompute an id from an alert or
 * from the audit log:
 *   printf 'audisp-kmod-enum/entity/1\0%s\0%s\0%s' HOST PID TOKEN |
 *       sha256sum | cut -c1-32
 * Distinct across hosts (host.name), pid reuse (another start event) and
 * boots (the audit serial restarts at boot, the clock does not; procfs
 * tokens carry the boot id).
 *
 * Cost: one SHA-256 of about 100 bytes per id; no allocation.
 */
#ifndef KME_ENTITY_H
#define KME_ENTITY_H

#include <stdbool.h>
#include <stddef.h>

#include "kme.h"

#define ENT_ID_SIZE 33            /* 32 hex digits and a NUL */
/* "procfs:" + a 36-character boot id + ":" + 20 digits, or "audit:" + a
 * 20-digit second, 3 digits, 20 digits: with its NUL. */
#define ENT_TOKEN_SIZE 72

/* The start token of st into out; false (out "") when st is not known
 * (KME_START_NONE, or procfs without a boot id). */
bool ent_token(const struct kme_start *st, char out[ENT_TOKEN_SIZE]);

/* The entity id of the process pid of host started at st; false (out "")
 * when there is none: an unknown start, no host name, or pid < 0. */
bool ent_id(struct kme_str host, int32_t pid, const struct kme_start *st,
	    char out[ENT_ID_SIZE]);

#endif
