/* syscalls.h - which system calls matter: exec, process creation, and
 * (for file rules, filerule.h) opens.
 *
 * Audit records name a syscall by number and arch (arch=c000003e
 * syscall=59); the numbering differs per arch. The class of each (arch,
 * number) is looked up in libaudit's tables once and cached, so the hot path
 * costs an array index. A cache is a plain struct owned by its user (no
 * allocation); a hostile variety of arches only recycles its slots.
 */
#ifndef KME_SYSCALLS_H
#define KME_SYSCALLS_H

#include <stdbool.h>
#include <stdint.h>

enum sc_class {
	SC_UNKNOWN = 0, /* not looked up yet (internal) */
	SC_OTHER,       /* irrelevant to us */
	SC_OPEN,        /* open: matters only to file rules, and only with
			   their audit keys (recfilter.h) */
	SC_OPENAT,      /* openat, openat2: the same, relative to a dirfd */
	SC_EXEC,        /* execve */
	SC_EXECAT,      /* execveat */
	SC_CLONE,       /* clone: a thread when its flags say CLONE_THREAD */
	SC_FORK,        /* fork, vfork, clone3 */
};

#define SC_CACHE_NR 1024
#define SC_CACHE_ARCHES 4

struct sc_cache {
	struct {
		unsigned long arch;
		int machine;
		uint8_t cls[SC_CACHE_NR];
	} a[SC_CACHE_ARCHES];
	unsigned n;
};

/* The class of syscall nr on audit arch `arch` (AUDIT_ARCH_* value).
 * O(1) after the first call for a pair; numbers >= SC_CACHE_NR are looked up
 * every time (no real syscall is numbered that high). */
enum sc_class sc_classify(struct sc_cache *c, unsigned long arch, long nr);

/* Names back to numbers, as ausearch -i prints them (interpfield.h):
 * the AUDIT_ARCH value and libaudit machine of an arch name ("x86_64",
 * "i386"), and the number of syscall `name` on that machine. -1 when
 * libaudit does not know the name. A table search: not for a hot path. */
int sc_arch_of_name(const char *name, unsigned long *arch, int *machine);
long sc_number_of_name(const char *name, int machine);

/* Is a0, a SYSCALL record's hex argument, AT_FDCWD (-100)? The kernel logs
 * an int argument as its 32 bits (ffffff9c: a 32-bit process) or sign-
 * extended (ffffffffffffff9c). NULL: no. */
bool sc_is_at_fdcwd(const char *a0);

/* Does every event of class k matter (exec and process creation)? */
static inline int sc_matters(enum sc_class k) { return k >= SC_EXEC; }

/* Is k an open of a file (file rules)? */
static inline int sc_is_open(enum sc_class k)
{
	return k == SC_OPEN || k == SC_OPENAT;
}

#endif
