/* entryleader.c - process.entry_leader from the ancestry (see entryleader.h). */
#include <stdlib.h>
#include <string.h>

#include "entryleader.h"
#include "procfs.h"

/* A /proc snapshot in the form of a table entry. */
struct el_snap {
	struct pf_proc pf;
	struct kme_str argv[PF_MAX_ARGS];
	bool used;
};

struct el_finder {
	char *procroot;
	/* Two slots are enough: the walk needs the current process (maybe the
	 * leader) and its parent (maybe the starter) at any time. */
	struct el_snap snap[2];
	char boot[PF_BOOT_ID_SIZE]; /* live: this boot's (kme_start.boot) */
};

struct el_finder *el_new(const char *procroot, struct kme_err *err)
{
	struct el_finder *f = calloc(1, sizeof(*f));

	if (f == NULL || (procroot != NULL &&
			  (f->procroot = strdup(procroot)) == NULL)) {
		free(f);
		kme_errf(err, "entry leader: out of memory");
		return NULL;
	}
	if (procroot != NULL)
		pf_boot_id(procroot, f->boot);
	return f;
}

static void snap_clear(struct el_snap *s)
{
	if (s->used)
		pf_proc_free(&s->pf);
	s->used = false;
}

void el_free(struct el_finder *f)
{
	if (f == NULL)
		return;
	snap_clear(&f->snap[0]);
	snap_clear(&f->snap[1]);
	free(f->procroot);
	free(f);
}

static struct kme_str cstr(const char *s)
{
	return s ? (struct kme_str){ s, strlen(s) } : KME_STR_NULL;
}

/* Live: read pid from /proc into slot; false when it is not there. */
static bool read_procfs(struct el_finder *f, int slot, int32_t pid,
			struct pt_view *out)
{
	struct el_snap *s = &f->snap[slot];
	struct kme_err err;
	size_t i;

	snap_clear(s);
	if (f->procroot == NULL || pf_read(f->procroot, pid, &s->pf, &err) < 0)
		return false;
	s->used = true;
	for (i = 0; i < s->pf.nargs && i < PF_MAX_ARGS; i++)
		s->argv[i] = (struct kme_str){ s->pf.args[i], s->pf.arg_lens[i] };
	memset(out, 0, sizeof(*out));
	out->pid = pid;
	out->ppid = s->pf.ppid;
	out->has_identity = s->pf.executable != NULL || s->pf.name != NULL;
	out->proc.pid = pid;
	out->proc.executable = cstr(s->pf.executable);
	out->proc.name = cstr(s->pf.name);
	out->proc.name_is_comm = s->pf.name_is_comm;
	out->proc.exe_resolved = s->pf.exe_resolved;
	out->proc.args = (struct kme_args){
		.v = s->argv, .n = i, .truncated = s->pf.args_truncated,
		.argc = s->pf.argc,
	};
	out->proc.cwd = cstr(s->pf.cwd);
	out->proc.start = (struct kme_start){ .kind = KME_START_PROCFS,
					      .ms = s->pf.start_ms,
					      .ref = s->pf.start_ticks,
					      .boot = f->boot };
	out->proc.cred = (struct kme_cred){ .known = s->pf.cred_known,
					    .uid = s->pf.uid, .euid = s->pf.euid,
					    .gid = s->pf.gid, .egid = s->pf.egid };
	out->source = KME_PARENT_PROCFS;
	return out->has_identity;
}

static bool is_starter(const struct kme_config *cfg, const struct kme_proc *p)
{
	size_t i;

	for (i = 0; i < cfg->nstarters; i++)
		if (kme_proc_named(p, cfg->starters[i]))
			return true;
	return false;
}

static void set_unknown(struct kme_exec *ex, const char *why, int depth)
{
	memset(&ex->entry_leader, 0, sizeof(ex->entry_leader));
	ex->entry_leader.proc.pid = -1;
	ex->entry_leader.how = why;
	ex->entry_leader.depth = depth;
}

static void set_leader(struct kme_exec *ex, const struct pt_view *v,
		       const char *how, struct kme_str starter, int depth)
{
	ex->entry_leader.proc = v->proc;
	ex->entry_leader.proc.pid = v->pid;
	ex->entry_leader.source = v->source;
	ex->entry_leader.how = how;
	ex->entry_leader.starter = starter;
	ex->entry_leader.depth = depth;
}

/* One walk up the ancestry: the /proc slot in use and the reads made. */
struct walk {
	struct el_finder *f;
	const struct pt_table *t;
	struct kme_str node;
	bool local;               /* ex's host is this machine */
	int slot, reads;
};

/* cur's parent into *par: from the table, else (live, the local host's
 * events only, at most EL_MAX_PROCFS reads) from /proc, into the slot cur
 * does not live in. false when neither knows it: a broken chain. */
static bool step_up(struct walk *w, const struct pt_view *cur,
		    struct pt_view *par)
{
	bool known_creator;
	int32_t creator;

	if (pt_peek(w->t, w->node, cur->ppid, par) && par->has_identity)
		return true;
	known_creator = par->ppid_known;
	creator = par->ppid;
	/* Only this machine's processes are in its /proc. */
	if (w->reads >= EL_MAX_PROCFS || !w->local ||
	    !read_procfs(w->f, w->slot ^ 1, cur->ppid, par))
		return false;
	w->reads++;
	w->slot ^= 1;
	if (known_creator && creator > 0) {
		par->ppid = creator; /* the stream's lineage */
		par->ppid_known = true;
	}
	return true;
}

/* Depth 0: the process itself, with the parent pt_resolve_parent decided
 * (the real creator when the stream knows it, else the ppid). */
static void walk_start(const struct kme_exec *ex, struct pt_view *cur)
{
	memset(cur, 0, sizeof(*cur));
	cur->pid = ex->proc.pid;
	cur->ppid = ex->parent.pid > 0 ? ex->parent.pid : ex->ppid;
	cur->has_identity = true;
	cur->proc = ex->proc;
	cur->source = KME_PARENT_AUDIT;
}

static bool seen_before(const int32_t *seen, int depth, int32_t pid)
{
	int i;

	for (i = 0; i <= depth; i++)
		if (seen[i] == pid)
			return true;
	return false;
}

void el_find(struct el_finder *f, const struct kme_config *cfg,
	     const struct pt_table *t, struct kme_exec *ex)
{
	struct walk w = { .f = f, .t = t, .node = ex->node,
			  .local = pt_is_local(t, ex->node) };
	int32_t seen[EL_MAX_DEPTH + 1];
	struct pt_view cur, par;
	int depth;

	set_unknown(ex, "no pid", 0);
	if (ex->proc.pid <= 0)
		return;
	walk_start(ex, &cur);
	seen[0] = cur.pid;
	for (depth = 0; depth < EL_MAX_DEPTH; depth++) {
		if (cur.ppid == 1) {
			set_leader(ex, &cur, "child_of_init", KME_STR_NULL, depth);
			return;
		}
		if (cur.ppid <= 0) {
			set_unknown(ex, "chain ends before init", depth);
			return;
		}
		if (seen_before(seen, depth, cur.ppid)) {
			set_unknown(ex, "cycle", depth);
			return;
		}
		if (!step_up(&w, &cur, &par)) {
			set_unknown(ex, "broken chain", depth);
			return;
		}
		if (is_starter(cfg, &par.proc)) {
			set_leader(ex, &cur, "child_of_starter", par.proc.name,
				   depth);
			return;
		}
		seen[depth + 1] = par.pid;
		cur = par;
	}
	set_unknown(ex, "too deep", depth);
}
