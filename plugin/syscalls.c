/* syscalls.c - syscall classes per audit arch (see syscalls.h). */
#include <libaudit.h>
#include <stdlib.h>
#include <string.h>

#include "syscalls.h"

static const struct {
	const char *name;
	enum sc_class cls;
} classes[] = {
	{ "execve", SC_EXEC },
	{ "execveat", SC_EXECAT },
	{ "clone", SC_CLONE },
	{ "clone3", SC_FORK },
	{ "fork", SC_FORK },
	{ "vfork", SC_FORK },
	{ "open", SC_OPEN },
	{ "openat", SC_OPENAT },
	{ "openat2", SC_OPENAT },
	{ NULL, SC_OTHER },
};

static enum sc_class lookup(int machine, long nr)
{
	const char *name;
	size_t i;

	if (machine < 0 || nr < 0 || nr > 65535)
		return SC_OTHER;
	name = audit_syscall_to_name((int)nr, machine);
	if (name == NULL)
		return SC_OTHER;
	for (i = 0; classes[i].name != NULL; i++)
		if (strcmp(name, classes[i].name) == 0)
			return classes[i].cls;
	return SC_OTHER;
}

enum sc_class sc_classify(struct sc_cache *c, unsigned long arch, long nr)
{
	unsigned i;

	for (i = 0; i < c->n; i++)
		if (c->a[i].arch == arch)
			break;
	if (i == c->n) {
		if (c->n == SC_CACHE_ARCHES) {
			i = 0; /* hostile variety of arches: recycle slot 0 */
		} else {
			i = c->n++;
		}
		memset(&c->a[i], 0, sizeof(c->a[i]));
		c->a[i].arch = arch;
		c->a[i].machine = audit_elf_to_machine((unsigned int)arch);
	}
	if (nr < 0 || nr >= SC_CACHE_NR)
		return lookup(c->a[i].machine, nr);
	if (c->a[i].cls[nr] == SC_UNKNOWN)
		c->a[i].cls[nr] = (uint8_t)lookup(c->a[i].machine, nr);
	return (enum sc_class)c->a[i].cls[nr];
}

int sc_arch_of_name(const char *name, unsigned long *arch, int *machine)
{
	int m = audit_name_to_machine(name);
	unsigned int elf;

	if (m < 0 || (elf = audit_machine_to_elf(m)) == 0)
		return -1;
	*arch = elf;
	*machine = m;
	return 0;
}

long sc_number_of_name(const char *name, int machine)
{
	int nr = audit_name_to_syscall(name, machine);

	return nr < 0 ? -1 : nr;
}

bool sc_is_at_fdcwd(const char *a0)
{
	unsigned long long v;
	char *end;

	if (a0 == NULL)
		return false;
	v = strtoull(a0, &end, 16);
	return end != a0 && *end == '\0' && (v & 0xffffffffULL) == 0xffffff9cULL &&
	       (v >> 32 == 0 || v >> 32 == 0xffffffffULL);
}
