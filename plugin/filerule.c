/* filerule.c - the rules that watch files (see filerule.h). */
#include <string.h>

#include "filerule.h"

/* What the table holds of pid, as a process of ECS (false: nothing). */
static bool peek(const struct pt_table *t, struct kme_str node, int32_t pid,
		 struct kme_proc *p, struct pt_view *v)
{
	if (pid <= 0 || !pt_peek(t, node, pid, v) || !v->has_identity)
		return false;
	*p = v->proc;
	p->pid = pid;
	return true;
}

enum kme_parent_source fr_identify(const struct pt_table *t,
				   struct oe_event *o)
{
	struct kme_exec *ex = &o->ex;
	struct kme_str node = ex->node;
	struct kme_proc cwd_kept = ex->proc;
	enum kme_parent_source src = KME_PARENT_UNKNOWN;
	struct pt_view v;

	/* The table's hosts: a record without node= is the local host's. */
	if (peek(t, node, ex->proc.pid, &ex->proc, &v)) {
		src = v.source;
	} else {
		ex->proc.executable = ex->exe;
		ex->proc.exe_resolved = true;
		ex->proc.name = ex->comm;
		ex->proc.name_is_comm = ex->comm.p != NULL;
	}
	ex->proc.cwd = cwd_kept.cwd;  /* the open's working directory */
	if (peek(t, node, ex->ppid, &ex->parent, &v))
		ex->parent_source = v.source;
	else
		ex->parent_source = KME_PARENT_UNKNOWN;
	ex->parent.pid = ex->ppid;
	return src;
}

bool fr_watches(const struct kme_config *r, struct oe_event *o)
{
	size_t i;

	if (r->rule_type != CFG_RULE_FILE_OPEN)
		return false;
	for (i = 0; i < r->nwatches; i++)
		if (oe_has_key(&o->file, r->watches[i].key)) {
			o->file.watch = &r->watches[i];
			return true;
		}
	return false;
}

void fr_eval(const struct kme_config *r, const struct oe_event *o,
	     const struct rule_env *env, struct rule_result *res)
{
	memset(res, 0, sizeof(*res));
	res->verdict = RULE_MATCH;
	res->watch = o->file.watch;
	if (o->file.watch != NULL &&
	    !kme_str_is(o->file.opened_as, o->file.watch->path))
		res->opened_as = o->file.opened_as;
	res->parent_pid = o->ex.parent.pid;
	res->parent_exe_resolved = o->ex.parent.exe_resolved;
	res->exe_resolved = o->ex.proc.exe_resolved;
	rule_exclusions(r, &o->ex, env, res);
}
