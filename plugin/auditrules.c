/* auditrules.c - inspect the kernel's audit rules (see auditrules.h). */
#include <errno.h>
#include <libaudit.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auditrules.h"
#include "clock.h"
#include "log.h"

/* Does rule r audit syscall `name` (always, at exit)? Its arch field (if
 * any) picks the numbering. */
static int rule_covers(const struct audit_rule_data *r, int native,
		       const char *name)
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
	nr = audit_name_to_syscall(name, machine);
	if (nr < 0 || AUDIT_WORD(nr) >= AUDIT_BITMASK_SIZE)
		return 0;
	return (r->mask[AUDIT_WORD(nr)] & AUDIT_BIT(nr)) != 0;
}

/* Call fn for every rule the kernel lists (one netlink exchange, a one-
 * second deadline). 0, or -1 with err. */
static int each_rule(void (*fn)(void *arg, const struct audit_rule_data *r),
		     void *arg, struct kme_err *err)
{
	struct audit_reply rep;
	int64_t deadline;
	int fd, rc = -1;

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
		if (rep.type == AUDIT_LIST_RULES)
			fn(arg, rep.ruledata);
	}
	rc = 0;
out:
	audit_close(fd);
	return rc;
}

struct exec_probe {
	int native;
	int found;
};

static void probe_exec(void *arg, const struct audit_rule_data *r)
{
	struct exec_probe *p = arg;

	if (rule_covers(r, p->native, "execve"))
		p->found = 1;
}

int ar_exec_audited(struct kme_err *err)
{
	struct exec_probe p = { audit_detect_machine(), 0 };

	return each_rule(probe_exec, &p, err) < 0 ? -1 : p.found;
}

/* Fields whose value is a string in the rule's buffer (its length in
 * values[i]), in the order of the fields. */
static bool string_field(uint32_t f)
{
	return (f >= AUDIT_SUBJ_USER && f <= AUDIT_OBJ_LEV_HIGH) ||
	       f == AUDIT_WATCH || f == AUDIT_DIR || f == AUDIT_FILTERKEY ||
	       f == AUDIT_EXE;
}

/* Does r record opens of path with key (a path or dir rule on opens)? */
static bool rule_watches(const struct audit_rule_data *r, int native,
			 const char *path, const char *key)
{
	size_t off = 0, plen = strlen(path), klen = strlen(key);
	bool has_path = false, has_key = false;
	unsigned i;

	if (!rule_covers(r, native, "open") && !rule_covers(r, native, "openat"))
		return false;
	for (i = 0; i < r->field_count && i < AUDIT_MAX_FIELDS; i++) {
		uint32_t f = r->fields[i] & ~AUDIT_OPERATORS;
		size_t n = r->values[i];
		const char *v = r->buf + off;

		if (!string_field(f))
			continue;
		if (off + n > r->buflen)
			return false;
		off += n;
		if ((f == AUDIT_WATCH || f == AUDIT_DIR) && n == plen &&
		    memcmp(v, path, n) == 0)
			has_path = true;
		/* Several keys of one rule are one value, joined by 0x01. */
		if (f == AUDIT_FILTERKEY && n >= klen &&
		    memmem(v, n, key, klen) != NULL)
			has_key = true;
	}
	return has_path && has_key;
}

struct watch_probe {
	int native;
	const struct kme_config *cfg;
	bool found[CFG_MAX_RULES][AR_MAX_WATCHES];
};

static void probe_watches(void *arg, const struct audit_rule_data *r)
{
	struct watch_probe *p = arg;
	const struct kme_config *rule;
	size_t i, j;

	for (i = 0; (rule = cfg_rule(p->cfg, i)) != NULL; i++)
		for (j = 0; j < rule->nwatches && j < AR_MAX_WATCHES; j++)
			if (rule_watches(r, p->native, rule->watches[j].path,
					 rule->watches[j].key))
				p->found[i][j] = true;
}

void ar_warn_unwatched(const struct kme_config *cfg)
{
	struct watch_probe *p;
	const struct kme_config *rule;
	struct kme_err err = { "" };
	size_t i, j, n = 0;

	for (i = 0; (rule = cfg_rule(cfg, i)) != NULL; i++)
		n += rule->nwatches;
	if (n == 0 || (p = calloc(1, sizeof(*p))) == NULL)
		return;
	p->native = audit_detect_machine();
	p->cfg = cfg;
	if (each_rule(probe_watches, p, &err) < 0) {
		log_warnx("cannot check for the file rules' audit rules: %s",
			  err.msg);
		free(p);
		return;
	}
	for (i = 0; (rule = cfg_rule(cfg, i)) != NULL; i++)
		for (j = 0; j < rule->nwatches && j < AR_MAX_WATCHES; j++)
			if (!p->found[i][j])
				log_warnx("rule %s: no audit rule records opens of "
					  "%s with key %s: no open of it will be "
					  "seen (load kmod-enum-proc.rules)",
					  rule->label ? rule->label : "(the first)",
					  rule->watches[j].path,
					  rule->watches[j].key);
	free(p);
}
