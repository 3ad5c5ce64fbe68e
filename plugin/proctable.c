/* proctable.c - parents for exec events: the policy over the pid table
 * (see proctable.h; the table itself is pidtab.h). */
#include <stdlib.h>
#include <string.h>

#include "hosttab.h"
#include "pidtab.h"
#include "procfs.h"
#include "proctable.h"

struct pt_table {
	struct pd_table *pids;    /* (host, pid) -> what we know (pidtab.h) */
	char *procroot;
	/* Pids are handed out in increasing order until they wrap, per host:
	 * a pid can only have been reused if its host's allocation wrapped
	 * since we learned it (struct ht_host: cursor, wrap, forks_seen). */
	struct ht_table *hosts;
	struct pt_stats st;       /* the policy's counters; the table's and
				     the hosts' are added by pt_stats */
	char boot[PF_BOOT_ID_SIZE]; /* live: this boot's id, for the procfs
				       starts (kme_start.boot); "" otherwise */
};

/* Subreapers we can recognise (besides pid 1, which always adopts
 * orphans): a process of this name with this argument adopts the orphans of
 * its descendants, so its children may have been reparented. A plain process
 * that happens to be named systemd is a parent like any other. */
static const struct {
	const char *name;
	const char *arg;
} subreapers[] = {
	{ "systemd", "--user" },
	{ NULL, NULL },
};

/* Event time in milliseconds, saturating: a hostile record may carry any
 * number of seconds. */
static int64_t ms_of(int64_t sec, uint32_t msec)
{
	if (sec >= INT64_MAX / 1000)
		return INT64_MAX;
	if (sec <= INT64_MIN / 1000)
		return INT64_MIN;
	return sec * 1000 + (msec > 999 ? 999 : (int64_t)msec);
}

static bool is_local(struct ht_ref host)
{
	return host.slot == HT_LOCAL;
}

struct pt_table *pt_new(size_t max_entries, size_t max_bytes,
			const char *procroot, const char *local_node,
			struct kme_err *err)
{
	struct pt_table *t = calloc(1, sizeof(*t));

	if (t == NULL || (procroot != NULL &&
			  (t->procroot = strdup(procroot)) == NULL)) {
		pt_free(t);
		kme_errf(err, "process table: out of memory");
		return NULL;
	}
	if (t->procroot != NULL)
		pf_boot_id(t->procroot, t->boot);
	t->pids = pd_new(max_entries, max_bytes, err);
	if (t->pids == NULL ||
	    (t->hosts = ht_new(0, local_node, err)) == NULL) {
		pt_free(t);
		return NULL;
	}
	return t;
}

void pt_free(struct pt_table *t)
{
	if (t == NULL)
		return;
	pd_free(t->pids);
	free(t->procroot);
	ht_free(t->hosts);
	free(t);
}

static struct pd_entry *find(const struct pt_table *t, struct ht_ref host,
			     int32_t pid)
{
	return pd_find(t->pids, host, pid);
}

/* Stale: the process that held the pid is gone (pid reuse). */
static void drop_stale(struct pt_table *t, struct pd_entry *e)
{
	pd_remove(t->pids, e);
	t->st.stale++;
}

/* The entry for host's pid, made (no identity, ppid unknown, the host's
 * current wrap) when absent; the most recent either way. NULL when the
 * table cannot make one. May evict other entries (pidtab.h). */
static struct pd_entry *get_slot(struct pt_table *t, struct ht_ref host,
				 int32_t pid)
{
	struct pd_entry *e = find(t, host, pid);
	struct ht_host *h;

	if (e != NULL) {
		pd_touch(t->pids, e);
		return e;
	}
	h = ht_get(t->hosts, host);
	e = pd_add(t->pids, host, pid);
	if (e == NULL)
		return NULL;
	e->ppid = -1;
	e->start_time = -1;
	e->wrap = h != NULL ? h->wrap : 0;
	return e;
}

static bool is_reaper(const struct pt_table *t, struct ht_ref host, int32_t ppid)
{
	struct pd_entry *p;
	size_t i;

	if (ppid == 1)
		return true;
	p = find(t, host, ppid);
	if (p == NULL || p->name.p == NULL)
		return false;
	for (i = 0; subreapers[i].name != NULL; i++) {
		size_t a;

		if (!kme_str_is(p->name, subreapers[i].name))
			continue;
		for (a = 1; a < p->nargs; a++)
			if (kme_str_is(p->argv[a], subreapers[i].arg))
				return true;
	}
	return false;
}

static struct kme_str str_of(const char *s, size_t len)
{
	return s ? (struct kme_str){ s, len } : KME_STR_NULL;
}

static struct kme_str cstr(const char *s)
{
	return str_of(s, s ? strlen(s) : 0);
}

/* e's start as the alerts take it: the boot id is the table's. */
static struct kme_start start_of(const struct pt_table *t,
				 const struct pd_entry *e)
{
	struct kme_start st = e->start;

	if (st.kind == KME_START_PROCFS)
		st.boot = t->boot;
	return st;
}

/* The start an exec event gives a process whose earlier life we do not
 * know: the exec itself. */
static struct kme_start exec_start(const struct kme_exec *ex)
{
	return (struct kme_start){ .kind = KME_START_AUDIT,
				   .ms = ms_of(ex->sec, ex->msec),
				   .ref = ex->serial };
}

/* The ids an exec event shows (the exec'd process's own). */
static struct kme_cred exec_cred(const struct kme_exec *ex)
{
	return (struct kme_cred){ .known = ex->uid != KME_ID_UNSET &&
					   ex->euid != KME_ID_UNSET &&
					   ex->gid != KME_ID_UNSET &&
					   ex->egid != KME_ID_UNSET,
				  .uid = ex->uid, .euid = ex->euid,
				  .gid = ex->gid, .egid = ex->egid };
}

/* Store a /proc snapshot as pid's entry -- of the local host: /proc is
 * only ever this machine's; learned_ms is event time. */
static struct pd_entry *put_procfs(struct pt_table *t, const struct pf_proc *p,
				   int64_t learned_ms)
{
	struct kme_str argv[PD_MAX_ARGS];
	size_t i, n = p->nargs < PD_MAX_ARGS ? p->nargs : PD_MAX_ARGS;
	struct ht_ref local;
	struct pd_entry *e;
	struct pd_ident id;

	ht_ref(t->hosts, KME_STR_NULL, &local);
	e = get_slot(t, local, p->pid);
	if (e == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		argv[i] = (struct kme_str){ p->args[i], p->arg_lens[i] };
	id = (struct pd_ident){
		.exe = cstr(p->executable),
		.name = cstr(p->name),
		.cwd = cstr(p->cwd),
		.name_is_comm = p->name_is_comm,
		.exe_resolved = p->exe_resolved,
		.argv = argv,
		.nargs = n,
		.argc = p->argc,
		.truncated = p->args_truncated || n < p->nargs,
	};
	pd_set_identity(t->pids, e, &id);
	e->via_fork = e->replaced = false;
	e->ppid = p->ppid;
	e->ppid_known = false; /* /proc shows the current parent only */
	e->learned = learned_ms;
	e->start_time = p->start_time;
	e->source = KME_PARENT_PROCFS;
	e->start = (struct kme_start){ .kind = KME_START_PROCFS,
				       .ms = p->start_ms, .ref = p->start_ticks };
	e->cred = (struct kme_cred){ .known = p->cred_known, .uid = p->uid,
				     .euid = p->euid, .gid = p->gid,
				     .egid = p->egid };
	return e;
}

static int seed_one(void *arg, const struct pf_proc *p)
{
	struct pt_table *t = arg;

	put_procfs(t, p, p->start_time >= 0 ? ms_of(p->start_time, 0) : 0);
	return 0;
}

int pt_seed_procfs(struct pt_table *t, struct kme_err *err)
{
	if (t->procroot == NULL)
		return 0;
	return pf_foreach(t->procroot, seed_one, t, err) < 0 ? -1 : 0;
}

/* Live only: does the process now holding e's pid still match e? (Only a
 * local entry can be checked: another host's pid is not in our /proc.) */
static bool still_valid(struct pt_table *t, struct pd_entry *e)
{
	struct pf_proc now;
	struct kme_err err;
	int64_t ref;
	bool ok = true;

	if (t->procroot == NULL || !is_local(e->host))
		return true;
	if (pf_read(t->procroot, e->pid, &now, &err) < 0)
		return true; /* exited: what we knew is all there is */
	ref = e->start_time >= 0 ? e->start_time : e->learned / 1000;
	/* Start times come in whole seconds from two clocks (boot-relative
	 * ticks + btime vs. audit's wall clock): allow a second of skew. */
	if (now.start_time >= 0 && now.start_time > ref + 1)
		ok = false;
	pf_proc_free(&now);
	return ok;
}

/* e's identity as a kme_proc (a parent's, an entry leader's). */
static void proc_of(const struct pt_table *t, const struct pd_entry *e,
		    struct kme_proc *out)
{
	out->pid = e->pid;
	out->executable = e->exe;
	out->name = e->name;
	out->name_is_comm = e->name_is_comm;
	out->exe_resolved = e->exe_resolved;
	out->cwd = e->cwd;
	out->args = (struct kme_args){
		.v = e->argv, .n = e->nargs, .truncated = e->args_truncated,
		.argc = e->argc, .clipped = e->args_clipped,
		.clip_bytes = e->args_clip,
	};
	out->start = start_of(t, e);
	out->cred = e->cred;
}

static void fill_parent(const struct pt_table *t, struct kme_exec *ex,
			const struct pd_entry *p)
{
	proc_of(t, p, &ex->parent);
	ex->parent_source = (enum kme_parent_source)p->source;
	if (p->via_fork) {
		ex->parent_note = p->replaced ? KME_PNOTE_FORK_REUSED : KME_PNOTE_FORK;
		ex->parent_creator = p->ppid;
	}
}

/* The parent entry for host's pid, from the table or (live, local host
 * only) /proc; NULL if none. now_ms: the event's time. */
static struct pd_entry *lookup_parent(struct pt_table *t, struct ht_ref host,
				      int32_t pid, int64_t now_ms)
{
	struct pd_entry *p = find(t, host, pid);
	struct pf_proc snap;
	struct kme_err err;

	if (p != NULL && !still_valid(t, p)) {
		drop_stale(t, p);
		p = NULL;
	}
	if (p != NULL && p->has_identity) {
		pd_touch(t->pids, p);
		return p;
	}
	if (t->procroot == NULL || !is_local(host))
		return NULL;
	if (pf_read(t->procroot, pid, &snap, &err) < 0) {
		t->st.procfs_misses++;
		return NULL;
	}
	t->st.procfs_reads++;
	if (p != NULL) {
		/* Keep what the stream told us about p's own parent. */
		int32_t ppid = p->ppid;
		bool known = p->ppid_known;

		p = put_procfs(t, &snap, now_ms);
		if (p != NULL && known) {
			p->ppid = ppid;
			p->ppid_known = true;
		}
	} else {
		p = put_procfs(t, &snap, now_ms);
	}
	pf_proc_free(&snap);
	return p;
}

/* Is anc an ancestor of pid, by the parent links we know? (Subreapers we
 * cannot recognise by name adopt orphans of their descendants: a process
 * whose new parent is an ancestor of its old one was reparented, not
 * replaced by a new process with a reused pid.) At most PT_MAX_DEPTH steps. */
#define PT_MAX_DEPTH 64

static bool is_ancestor(const struct pt_table *t, struct ht_ref host,
			int32_t anc, int32_t pid)
{
	int i;

	for (i = 0; i < PT_MAX_DEPTH && pid > 0; i++) {
		struct pd_entry *e;

		if (pid == anc)
			return true;
		e = find(t, host, pid);
		if (e == NULL || e->ppid == pid)
			return false;
		pid = e->ppid;
	}
	return false;
}

/* A process we had not seen: advance the pid cursor, noting a wrap when a
 * new pid is far below it (pid_max is at least 32768). */
static void saw_new_pid(struct ht_host *h, int32_t pid)
{
	if (pid > h->cursor) {
		h->cursor = pid;
	} else if (h->cursor - pid > 16384) {
		h->wrap++;
		h->cursor = pid;
	}
}

/* The host of a record with this node, with its state; false when the name
 * cannot be scoped (too long): then nothing may be kept or looked up. */
static bool host_of(struct pt_table *t, struct kme_str node, struct ht_ref *ref,
		    struct ht_host **h)
{
	if (!ht_ref(t->hosts, node, ref))
		return false;
	*h = ht_get(t->hosts, *ref);
	return *h != NULL;
}

/* The exec'd process's own start (kme_start): the life its pid's entry
 * began, when that entry is this process before this exec -- the same
 * parent, or one that can only be its adopter (a reaper, an ancestor of the
 * old one: a living process's parent changes to nothing else), and no pid
 * wrap noticed since the entry was made; else this exec begins a life (a
 * new process, or one whose start the stream never showed). Judged from the
 * stream alone, as a replay of it judges; only an entry read from /proc
 * (live) gives its procfs start. */
static struct kme_start self_start(const struct pt_table *t, struct ht_ref host,
				   const struct ht_host *h,
				   const struct pd_entry *self,
				   const struct kme_exec *ex)
{
	if (self == NULL || self->start.kind == KME_START_NONE ||
	    self->wrap != h->wrap || self->ppid <= 0)
		return exec_start(ex);
	if (self->ppid == ex->ppid || is_reaper(t, host, ex->ppid) ||
	    is_ancestor(t, host, ex->ppid, self->ppid))
		return start_of(t, self);
	return exec_start(ex);
}

void pt_resolve_parent(struct pt_table *t, struct kme_exec *ex)
{
	struct pd_entry *self, *p;
	int32_t ppid = ex->ppid;
	struct ht_ref host;
	struct ht_host *h;

	memset(&ex->parent, 0, sizeof(ex->parent));
	ex->parent.pid = ppid;
	ex->parent_source = KME_PARENT_UNKNOWN;
	ex->parent_note = KME_PNOTE_NONE;
	ex->parent_creator = -1;
	ex->proc.start = exec_start(ex);
	if (!host_of(t, ex->node, &host, &h)) {
		if (ppid > 0)
			ex->parent_note = KME_PNOTE_UNSEEN;
		return;
	}
	self = find(t, host, ex->proc.pid);
	ex->proc.start = self_start(t, host, h, self, ex);
	if (ppid <= 0)
		return;
	if (is_reaper(t, host, ppid) ||
	    (self != NULL && self->ppid_known && self->ppid > 0 &&
	     self->ppid != ppid && is_ancestor(t, host, ppid, self->ppid))) {
		/* Reparented: only the stream can say who really started
		 * this process. */
		if (self == NULL || !self->ppid_known || self->ppid <= 0) {
			t->st.reparented++;
			ex->parent_note = KME_PNOTE_REPARENTED;
			return;
		}
		ppid = self->ppid;
	}
	p = lookup_parent(t, host, ppid, ms_of(ex->sec, ex->msec));
	if (p == NULL) {
		ex->parent.pid = ppid;
		ex->parent_note = KME_PNOTE_UNSEEN;
		return;
	}
	fill_parent(t, ex, p);
}

void pt_record_exec(struct pt_table *t, const struct kme_exec *ex)
{
	struct pd_entry *e;
	int32_t ppid = ex->ppid;
	bool known = true;
	int64_t start = -1;
	struct kme_start st;
	struct ht_ref host;
	struct ht_host *h;
	struct pd_ident id;

	if (ex->proc.pid <= 0 || !host_of(t, ex->node, &host, &h))
		return;
	e = find(t, host, ex->proc.pid);
	/* As the alert said (pt_resolve_parent), else judged now. */
	st = ex->proc.start.kind != KME_START_NONE ? ex->proc.start
						   : self_start(t, host, h, e, ex);
	if (is_reaper(t, host, ex->ppid)) {
		if (e != NULL && e->ppid_known && e->ppid > 0)
			ppid = e->ppid; /* keep the lineage we knew */
		else
			known = false;
	}
	if (e != NULL)
		start = e->start_time;
	else
		saw_new_pid(h, ex->proc.pid);
	e = get_slot(t, host, ex->proc.pid);
	if (e == NULL)
		return;
	id = (struct pd_ident){
		.exe = ex->proc.executable,
		.name = ex->proc.name,
		.cwd = ex->proc.cwd,
		.name_is_comm = ex->proc.name_is_comm,
		.exe_resolved = ex->proc.exe_resolved,
		.argv = ex->proc.args.v,
		.nargs = ex->proc.args.n,
		.argc = kme_args_count(&ex->proc.args),
		.truncated = ex->proc.args.truncated,
	};
	pd_set_identity(t->pids, e, &id);
	e->via_fork = e->replaced = false;
	e->ppid = ppid;
	e->ppid_known = known;
	e->learned = ms_of(ex->sec, ex->msec);
	e->start_time = start;
	e->source = KME_PARENT_AUDIT;
	e->start = st;
	e->cred = exec_cred(ex);
}

/* A forked child is its parent until it execs: it takes p's identity (p
 * may be NULL or unknown: the child's parent is then the audit's). */
static void inherit_identity(struct pt_table *t, struct pd_entry *c,
			     const struct pd_entry *p)
{
	if (p != NULL && p->has_identity) {
		struct pd_ident id = {
			.exe = p->exe, .name = p->name, .cwd = p->cwd,
			.name_is_comm = p->name_is_comm,
			.exe_resolved = p->exe_resolved,
			.argv = p->argv, .nargs = p->nargs, .argc = p->argc,
			.truncated = p->args_truncated,
			.clipped = p->args_clipped, .clip_bytes = p->args_clip,
		};

		/* before pd_set_identity may evict p */
		c->source = p->source;
		c->cred = p->cred;
		pd_set_identity(t->pids, c, &id);
	} else {
		c->source = KME_PARENT_AUDIT;
	}
}

void pt_record_fork(struct pt_table *t, struct kme_str node, int32_t parent_pid,
		    int32_t child_pid, int64_t sec, uint32_t msec,
		    uint64_t serial)
{
	int64_t when_ms = ms_of(sec, msec);
	struct pd_entry *c;
	bool replaced = false;
	struct ht_ref host;
	struct ht_host *h;

	if (parent_pid <= 0 || child_pid <= 0 || parent_pid == child_pid ||
	    !host_of(t, node, &host, &h))
		return;
	h->forks_seen = true;
	c = find(t, host, child_pid);
	if (c != NULL && c->ppid == parent_pid && c->learned >= when_ms) {
		/* The child's own exec was logged before its parent's fork
		 * returned (always so for vfork): the fork's time (taken at
		 * syscall entry) is not later than what we know of the child.
		 * Keep that newer identity. */
		c->ppid_known = true;
		return;
	}
	if (c != NULL) {
		/* A new process holds this pid: whatever we knew of the pid
		 * (another parent's child, or this parent's earlier child that
		 * exec'd before this fork) is stale. */
		replaced = c->has_identity;
		drop_stale(t, c);
	}
	saw_new_pid(h, child_pid);
	c = get_slot(t, host, child_pid);
	if (c == NULL)
		return;
	inherit_identity(t, c, find(t, host, parent_pid)); /* get_slot may
							      have evicted it */
	c->via_fork = true;
	c->replaced = replaced;
	c->ppid = parent_pid;
	c->ppid_known = true;
	c->learned = when_ms;
	c->start_time = when_ms / 1000;
	c->start = (struct kme_start){ .kind = KME_START_AUDIT, .ms = when_ms,
				       .ref = serial };
}

void pt_observe(struct pt_table *t, struct kme_str node, int32_t pid,
		int32_t ppid)
{
	struct pd_entry *e;
	struct ht_ref host;
	struct ht_host *h;

	if (pid <= 0 || ppid <= 0 || !host_of(t, node, &host, &h))
		return;
	e = find(t, host, pid);
	if (e == NULL || e->ppid == ppid || e->ppid <= 0)
		return;
	if (e->wrap == h->wrap)
		return; /* no pid wrapped since: the same process, reparented */
	/* A living process's parent only ever changes to a reaper (init, or a
	 * subreaper among its ancestors). After a wrap the pid may also belong
	 * to a new process: a stream with fork records would have said so
	 * (pt_record_fork), so there the change is a reparenting; without them
	 * it is a guess either way, and a stale identity is the worse one (a
	 * reused pid would lend its old, maybe excluded, name to new children). */
	if (h->forks_seen &&
	    (is_reaper(t, host, ppid) || is_ancestor(t, host, ppid, e->ppid)))
		return;
	drop_stale(t, e);
}

void pt_stats(const struct pt_table *t, struct pt_stats *out)
{
	struct ht_stats hs;
	struct pd_stats ps;

	*out = t->st;
	pd_stats(t->pids, &ps);
	out->entries = ps.entries;
	out->bytes = ps.bytes;
	out->evicted = ps.evicted;
	ht_stats(t->hosts, &hs);
	out->hosts = hs.hosts;
	out->host_evictions = hs.evicted;
	out->unscoped = hs.unscoped;
}

bool pt_is_local(const struct pt_table *t, struct kme_str node)
{
	return ht_is_local(t->hosts, node);
}

bool pt_peek(const struct pt_table *t, struct kme_str node, int32_t pid,
	     struct pt_view *out)
{
	const struct pd_entry *e;
	struct ht_ref host;

	memset(out, 0, sizeof(*out));
	out->pid = pid;
	out->ppid = -1;
	out->proc.pid = pid;
	if (!ht_find(t->hosts, node, &host) || (e = find(t, host, pid)) == NULL)
		return false;
	out->ppid = e->ppid;
	out->ppid_known = e->ppid_known;
	out->has_identity = e->has_identity;
	proc_of(t, e, &out->proc);
	out->source = (enum kme_parent_source)e->source;
	return true;
}
