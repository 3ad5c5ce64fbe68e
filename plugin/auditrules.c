/* auditrules.c - inspect the kernel's audit rules (see auditrules.h). */
#include <errno.h>
#include <libaudit.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "auditrules.h"
#include "clock.h"

/* Does rule r audit execve? Its arch field (if any) picks the numbering. */
static int rule_covers_exec(const struct audit_rule_data *r, int native)
{
	int machine = native, nr;
	unsigned i;

	if ((r->flags & ~AUDIT_FILTER_PREPEND) != AUDIT_FILTER_EXIT ||
	    r->action != AUDIT_ALWAYS)
		return 0;
	for (i = 0; i < r->field_count && i < AUDIT_MAX_FIELDS; i++)
		if ((r->fields[i] & ~AUDIT_OPERATORS) == AUDIT_ARCH)
			machine = audit_elf_to_machine(r->values[i]);
	if (machine < 0)
		return 0;
	nr = audit_name_to_syscall("execve", machine);
	if (nr < 0 || AUDIT_WORD(nr) >= AUDIT_BITMASK_SIZE)
		return 0;
	return (r->mask[AUDIT_WORD(nr)] & AUDIT_BIT(nr)) != 0;
}

int ar_exec_audited(struct kme_err *err)
{
	struct audit_reply rep;
	int64_t deadline;
	int fd, native, found = 0, rc = -1;

	native = audit_detect_machine();
	fd = audit_open();
	if (fd < 0)
		return kme_errnof(err, errno, "audit rules: netlink open");
	if (audit_request_rules_list_data(fd) <= 0) {
		kme_errnof(err, errno, "audit rules: list request");
		goto out;
	}
	deadline = clk_mono_ms() + 1000;
	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		int64_t ms = deadline - clk_mono_ms();
		int n;

		if (ms <= 0 || poll(&pfd, 1, (int)ms) <= 0) {
			kme_errf(err, "audit rules: no complete answer from the kernel within 1s");
			goto out;
		}
		n = audit_get_reply(fd, &rep, GET_REPLY_NONBLOCKING, 0);
		if (n < 0) {
			kme_errnof(err, -n, "audit rules: read");
			goto out;
		}
		if (n == 0)
			continue;
		if (rep.type == NLMSG_DONE)
			break;
		if (rep.type == NLMSG_ERROR) {
			if (rep.error->error == 0)
				continue; /* the ack of our request */
			kme_errnof(err, -rep.error->error, "audit rules: list");
			goto out;
		}
		if (rep.type == AUDIT_LIST_RULES && rule_covers_exec(rep.ruledata, native))
			found = 1;
	}
	rc = found;
out:
	audit_close(fd);
	return rc;
}
