/* interpfield.h - ausearch -i's field values back to the kernel's raw ones.
 *
 * ausearch -i (audit 3.0.9, default --escape tty) prints each value decoded
 * and named: strings as text with every control byte as "\ooo" (octal), a
 * uid as its user name, arch and syscall by name, exit as an errno name,
 * a0..a3 as 0xHEX, the stamp in local time. These functions turn one value
 * back into what the kernel wrote, where the value allows it:
 *   - strings: "\ooo" of a byte below 0x20 is that byte, every other byte is
 *     itself (a literal backslash is not escaped by ausearch, so the text
 *     "\012" in a path is read as a newline: a documented limit); then
 *     encoded as the kernel encodes an untrusted string: "text" when every
 *     byte is printable ASCII (0x21-0x7e) other than '"', else uppercase hex;
 *   - ids: "root" is 0, "unset" 4294967295, "unknown(N)" and digits are N;
 *     any other name has no number (the log kept none);
 *   - arch and syscall names through libaudit's tables (syscalls.h);
 *     exit "EACCES(Permission denied)" through the C library's errno names;
 *     a0..a3 "0x1200011", or clone flags by name ("CLONE_VM|SIGCHLD");
 *   - the local stamp "11/26/26 21:46:27" or "11/26/2026 21:46:27" (ausearch
 *     in the C and en_US locales: MM/DD/YY[YY]) in the zone set by
 *     ipf_set_zone, which sets TZ for the whole process.
 * Nothing here allocates except through the caller's buffers. -1 means the
 * value is not of the expected form (the caller counts it and says where).
 */
#ifndef KME_INTERPFIELD_H
#define KME_INTERPFIELD_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "kme.h"

/* Decode ausearch's escaping of v and append the kernel's encoding of the
 * bytes to out. -1 when out's bound is reached. */
int ipf_encode(struct kme_str v, struct kme_buf *out);

/* The same, always as hex (EXECVE aN[i] pieces, PROCTITLE). */
int ipf_encode_hex(struct kme_str v, struct kme_buf *out);

/* A uid/gid value: its number in *id; -1 for a name (see above). */
int ipf_id(struct kme_str v, uint32_t *id);

/* "0", "-13" or "EACCES(Permission denied)": the number. */
int ipf_exit(struct kme_str v, long long *out);

/* "x86_64": its AUDIT_ARCH value and libaudit machine; an already raw hex
 * arch ("c000003e") is taken as it is. */
int ipf_arch(struct kme_str v, unsigned long *arch, int *machine);

/* "execve" on machine: its number; digits are taken as they are. */
int ipf_syscall(struct kme_str v, int machine, long *nr);

/* A syscall argument: "0x1200011", or clone flag names joined by '|'. */
int ipf_arg(struct kme_str v, unsigned long long *out);

/* The zone of the stamps: an IANA name that exists under the zoneinfo
 * directory (TZDIR, else /usr/share/zoneinfo), or UTC. Sets TZ. -1 with
 * err naming the zone and what is accepted. */
int ipf_set_zone(const char *zone, struct kme_err *err);

/* The conversion of local stamps: the last minute converted (a log's
 * stamps come in order: mktime once per minute, not per record) and the
 * last instant (see ipf_local_time). Zero it to start. */
struct ipf_clock {
	int key[5];          /* year, month, day, hour, minute of `base` */
	int64_t base;        /* that minute's first second, UTC */
	bool valid;
	int64_t prev;        /* the last instant returned */
};

/* The local stamp v ("MM/DD/YY HH:MM:SS") as seconds since the epoch, in
 * the zone set. A local time that happens twice (the hour a DST change
 * repeats) is the earlier instant unless that is before the previous stamp
 * (events come in order), and sets *ambiguous. -1: not a stamp of that
 * form, or a local time that never happened (the skipped hour). */
int ipf_local_time(struct ipf_clock *c, struct kme_str v, int64_t *out,
		   bool *ambiguous);

#endif
