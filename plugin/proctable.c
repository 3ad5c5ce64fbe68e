/* proctable.c - bounded LRU table of process identities (see proctable.h). */
#include <stdlib.h>
#include <string.h>

#include "hosttab.h"
#include "procfs.h"
#include "proctable.h"
#include "siphash.h"

#define NIL (-1)

struct pt_entry {
	int32_t pid;
	struct ht_ref host;       /* whose pid: (host, pid) is the key */
	int32_t ppid;
	int32_t hnext;            /* hash chain */
	int32_t lprev, lnext;     /* LRU list, most recent at head */
	int64_t learned;          /* event time (ms) we learned this identity */
	int64_t start_time;       /* /proc start time (s), -1 when unknown */
	uint32_t wrap;            /* its host's wrap count when we learned it */
	uint8_t source;           /* enum kme_parent_source */
	bool used;
	bool ppid_known;          /* ppid is the process's real creator */
	bool name_is_comm;
	bool args_truncated;
	bool has_identity;        /* executable or name known */
	bool exe_resolved;        /* see kme_proc */
	bool via_fork;            /* identity copied from its creator at a fork */
	bool replaced;            /* ... and the pid's earlier identity was stale */
	size_t argc;              /* the real count (kme_args_count) */
	/* One allocation: argv[] then the bytes of exe, name and args. */
	void *blob;
	size_t blob_size;
	struct kme_str exe, name;
	struct kme_str *argv;
	size_t nargs;
};

struct pt_table {
	struct pt_entry *e;
	size_t max_entries;
	size_t max_bytes;
	int32_t *buckets;
	size_t nbuckets;          /* power of two */
	uint64_t seed;            /* hash_pid's, random */
	int32_t free_head;        /* freed entries chained through hnext */
	size_t fresh;             /* entries [fresh, max) were never used */
	int32_t lru_head, lru_tail;
	char *procroot;
	/* Pids are handed out in increasing order until they wrap, per host:
	 * a pid can only have been reused if its host's allocation wrapped
	 * since we learned it (struct ht_host: cursor, wrap, forks_seen). */
	struct ht_table *hosts;
	struct pt_stats st;
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

/* The bucket of (host, pid). Pids in records are chosen by whoever writes
 * them (a sender to an aggregator may forge any): mixed with a secret random
 * seed through a full 64-bit finaliser (MurmurHash3's fmix64, a bijection),
 * so that nobody can pick pids that fill one chain and make every lookup a
 * walk of the table. */
static size_t hash_pid(const struct pt_table *t, struct ht_ref host, int32_t pid)
{
	uint64_t x = ((uint64_t)host.slot << 32 | (uint32_t)pid) ^ t->seed;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return (size_t)x & (t->nbuckets - 1);
}

static bool same_host(struct ht_ref a, struct ht_ref b)
{
	return a.slot == b.slot && a.gen == b.gen;
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
	uint64_t seed[2];
	size_t i;

	if (max_entries < 2)
		max_entries = 2;
	if (max_entries > (size_t)INT32_MAX / 4)
		max_entries = (size_t)INT32_MAX / 4;
	if (t == NULL)
		goto nomem;
	t->max_entries = max_entries;
	t->max_bytes = max_bytes ? max_bytes : SIZE_MAX;
	sip_random_key(seed);
	t->seed = seed[0];
	t->nbuckets = 16;
	while (t->nbuckets < max_entries * 2)
		t->nbuckets *= 2;
	/* calloc: pages of entries never used are never touched. */
	t->e = calloc(max_entries, sizeof(*t->e));
	t->buckets = malloc(t->nbuckets * sizeof(*t->buckets));
	if (t->e == NULL || t->buckets == NULL)
		goto nomem;
	if (procroot != NULL && (t->procroot = strdup(procroot)) == NULL)
		goto nomem;
	if ((t->hosts = ht_new(0, local_node, err)) == NULL) {
		pt_free(t);
		return NULL;
	}
	for (i = 0; i < t->nbuckets; i++)
		t->buckets[i] = NIL;
	t->free_head = NIL;
	t->fresh = 0;
	t->lru_head = t->lru_tail = NIL;
	return t;
nomem:
	pt_free(t);
	kme_errf(err, "process table: cannot allocate %zu entries", max_entries);
	return NULL;
}

void pt_free(struct pt_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	if (t->e != NULL)
		for (i = 0; i < t->fresh; i++)
			free(t->e[i].blob);
	free(t->e);
	free(t->buckets);
	free(t->procroot);
	ht_free(t->hosts);
	free(t);
}

static struct pt_entry *find(const struct pt_table *t, struct ht_ref host,
			     int32_t pid)
{
	int32_t i;

	if (pid <= 0)
		return NULL;
	for (i = t->buckets[hash_pid(t, host, pid)]; i != NIL;
	     i = t->e[i].hnext)
		if (t->e[i].pid == pid && same_host(t->e[i].host, host))
			return &t->e[i];
	return NULL;
}

static int32_t idx(const struct pt_table *t, const struct pt_entry *e)
{
	return (int32_t)(e - t->e);
}

static void lru_unlink(struct pt_table *t, struct pt_entry *e)
{
	if (e->lprev != NIL)
		t->e[e->lprev].lnext = e->lnext;
	else
		t->lru_head = e->lnext;
	if (e->lnext != NIL)
		t->e[e->lnext].lprev = e->lprev;
	else
		t->lru_tail = e->lprev;
}

static void lru_push(struct pt_table *t, struct pt_entry *e)
{
	e->lprev = NIL;
	e->lnext = t->lru_head;
	if (t->lru_head != NIL)
		t->e[t->lru_head].lprev = idx(t, e);
	t->lru_head = idx(t, e);
	if (t->lru_tail == NIL)
		t->lru_tail = idx(t, e);
}

static void touch(struct pt_table *t, struct pt_entry *e)
{
	if (t->lru_head == idx(t, e))
		return;
	lru_unlink(t, e);
	lru_push(t, e);
}

static void drop_identity(struct pt_table *t, struct pt_entry *e)
{
	t->st.bytes -= e->blob_size;
	free(e->blob);
	e->blob = NULL;
	e->blob_size = 0;
	e->exe = e->name = KME_STR_NULL;
	e->argv = NULL;
	e->nargs = 0;
	e->has_identity = false;
}

static void remove_entry(struct pt_table *t, struct pt_entry *e)
{
	int32_t *pp = &t->buckets[hash_pid(t, e->host, e->pid)];

	while (*pp != NIL && *pp != idx(t, e))
		pp = &t->e[*pp].hnext;
	if (*pp != NIL)
		*pp = e->hnext;
	lru_unlink(t, e);
	drop_identity(t, e);
	e->used = false;
	e->hnext = t->free_head;
	t->free_head = idx(t, e);
	t->st.entries--;
}

/* Evict least recently used entries until `bytes` more fit under the memory
 * bound and, when need_slot, a free entry exists. keep is never evicted. */
static void evict_for(struct pt_table *t, size_t bytes, bool need_slot,
		      const struct pt_entry *keep)
{
	int32_t i = t->lru_tail;

	while (i != NIL &&
	       ((need_slot && t->free_head == NIL && t->fresh == t->max_entries) ||
		t->st.bytes + bytes > t->max_bytes)) {
		struct pt_entry *victim = &t->e[i];

		i = victim->lprev;
		if (victim == keep)
			continue;
		remove_entry(t, victim);
		t->st.evicted++;
	}
}

/* The entry for pid, created (empty, most recent) when absent. */
static struct pt_entry *get_slot(struct pt_table *t, struct ht_ref host,
				 int32_t pid)
{
	struct pt_entry *e = find(t, host, pid);
	struct ht_host *h = ht_get(t->hosts, host);
	size_t b;

	if (e != NULL) {
		touch(t, e);
		return e;
	}
	evict_for(t, 0, true, NULL);
	if (t->free_head != NIL) {
		e = &t->e[t->free_head];
		t->free_head = e->hnext;
	} else if (t->fresh < t->max_entries) {
		e = &t->e[t->fresh++];
	} else {
		return NULL;
	}
	memset(e, 0, sizeof(*e));
	e->used = true;
	e->pid = pid;
	e->host = host;
	e->ppid = -1;
	e->start_time = -1;
	e->wrap = h != NULL ? h->wrap : 0;
	b = hash_pid(t, host, pid);
	e->hnext = t->buckets[b];
	t->buckets[b] = idx(t, e);
	lru_push(t, e);
	t->st.entries++;
	return e;
}

/* An identity to copy into an entry. */
struct ident {
	struct kme_str exe, name;
	bool name_is_comm, exe_resolved;
	const struct kme_str *argv;
	size_t nargs, argc;
	bool truncated;
};

/* Give e the identity, copied into one bounded blob. The copy is made before
 * anything is evicted, so the sources may live in the table themselves (a
 * fork copies its parent's identity); eviction then restores the memory
 * bound, never taking e itself. */
static void set_identity(struct pt_table *t, struct pt_entry *e,
			 const struct ident *id)
{
	struct kme_str exe = id->exe, name = id->name;
	size_t n = 0, bytes = 0, i, size;
	bool truncated = id->truncated;
	struct kme_str *nargv;
	void *blob;
	char *p;

	if (exe.len > PT_MAX_PATH)
		exe = KME_STR_NULL; /* not a path the kernel could have run */
	if (name.len > PT_MAX_PATH)
		name = KME_STR_NULL;
	for (i = 0; i < id->nargs && i < PT_MAX_ARGS; i++) {
		if (bytes + id->argv[i].len > PT_MAX_ARG_BYTES)
			break;
		bytes += id->argv[i].len + 1;
		n++;
	}
	if (n < id->nargs)
		truncated = true;
	size = n * sizeof(struct kme_str) + exe.len + 1 + name.len + 1 + bytes;
	blob = size <= t->max_bytes ? malloc(size) : NULL;
	if (blob == NULL) {
		drop_identity(t, e);
		e->name_is_comm = false;
		return; /* kept as a pid -> ppid link only */
	}
	nargv = blob;
	p = (char *)blob + n * sizeof(struct kme_str);
	if (exe.p != NULL) {
		memcpy(p, exe.p, exe.len);
		p[exe.len] = '\0';
		exe.p = p;
		p += exe.len + 1;
	}
	if (name.p != NULL) {
		memcpy(p, name.p, name.len);
		p[name.len] = '\0';
		name.p = p;
		p += name.len + 1;
	}
	for (i = 0; i < n; i++) {
		memcpy(p, id->argv[i].p, id->argv[i].len);
		p[id->argv[i].len] = '\0';
		nargv[i] = (struct kme_str){ p, id->argv[i].len };
		p += id->argv[i].len + 1;
	}
	drop_identity(t, e);
	e->blob = blob;
	e->blob_size = size;
	t->st.bytes += size;
	e->exe = exe;
	e->name = name;
	e->argv = nargv;
	e->nargs = n;
	e->argc = id->argc > id->nargs ? id->argc : id->nargs;
	e->args_truncated = truncated;
	e->name_is_comm = id->name_is_comm;
	e->exe_resolved = id->exe_resolved && exe.p != NULL;
	e->has_identity = exe.p != NULL || name.p != NULL;
	evict_for(t, 0, false, e);
}

static bool is_reaper(struct pt_table *t, struct ht_ref host, int32_t ppid)
{
	struct pt_entry *p;
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

/* Store a /proc snapshot as pid's entry -- of the local host: /proc is
 * only ever this machine's; learned_ms is event time. */
static struct pt_entry *put_procfs(struct pt_table *t, const struct pf_proc *p,
				   int64_t learned_ms)
{
	struct kme_str argv[PT_MAX_ARGS];
	size_t i, n = p->nargs < PT_MAX_ARGS ? p->nargs : PT_MAX_ARGS;
	struct ht_ref local;
	struct pt_entry *e;
	struct ident id;

	ht_ref(t->hosts, KME_STR_NULL, &local);
	e = get_slot(t, local, p->pid);
	if (e == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		argv[i] = (struct kme_str){ p->args[i], p->arg_lens[i] };
	id = (struct ident){
		.exe = str_of(p->executable, p->executable ? strlen(p->executable) : 0),
		.name = str_of(p->name, p->name ? strlen(p->name) : 0),
		.name_is_comm = p->name_is_comm,
		.exe_resolved = p->exe_resolved,
		.argv = argv,
		.nargs = n,
		.argc = p->argc,
		.truncated = p->args_truncated || n < p->nargs,
	};
	set_identity(t, e, &id);
	e->via_fork = e->replaced = false;
	e->ppid = p->ppid;
	e->ppid_known = false; /* /proc shows the current parent only */
	e->learned = learned_ms;
	e->start_time = p->start_time;
	e->source = KME_PARENT_PROCFS;
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
static bool still_valid(struct pt_table *t, struct pt_entry *e)
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

static void fill_parent(struct kme_exec *ex, const struct pt_entry *p)
{
	ex->parent.pid = p->pid;
	ex->parent.executable = p->exe;
	ex->parent.name = p->name;
	ex->parent.name_is_comm = p->name_is_comm;
	ex->parent.exe_resolved = p->exe_resolved;
	ex->parent.args = (struct kme_args){
		.v = p->argv, .n = p->nargs, .truncated = p->args_truncated,
		.argc = p->argc,
	};
	ex->parent_source = (enum kme_parent_source)p->source;
	if (p->via_fork) {
		ex->parent_note = p->replaced ? KME_PNOTE_FORK_REUSED : KME_PNOTE_FORK;
		ex->parent_creator = p->ppid;
	}
}

/* The parent entry for host's pid, from the table or (live, local host
 * only) /proc; NULL if none. now_ms: the event's time. */
static struct pt_entry *lookup_parent(struct pt_table *t, struct ht_ref host,
				      int32_t pid, int64_t now_ms)
{
	struct pt_entry *p = find(t, host, pid);
	struct pf_proc snap;
	struct kme_err err;

	if (p != NULL && !still_valid(t, p)) {
		remove_entry(t, p);
		t->st.stale++;
		p = NULL;
	}
	if (p != NULL && p->has_identity) {
		touch(t, p);
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

static bool is_ancestor(struct pt_table *t, struct ht_ref host, int32_t anc,
			int32_t pid)
{
	int i;

	for (i = 0; i < PT_MAX_DEPTH && pid > 0; i++) {
		struct pt_entry *e;

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

void pt_resolve_parent(struct pt_table *t, struct kme_exec *ex)
{
	struct pt_entry *self, *p;
	int32_t ppid = ex->ppid;
	struct ht_ref host;
	struct ht_host *h;

	memset(&ex->parent, 0, sizeof(ex->parent));
	ex->parent.pid = ppid;
	ex->parent_source = KME_PARENT_UNKNOWN;
	ex->parent_note = KME_PNOTE_NONE;
	ex->parent_creator = -1;
	if (ppid <= 0)
		return;
	if (!host_of(t, ex->node, &host, &h)) {
		ex->parent_note = KME_PNOTE_UNSEEN;
		return;
	}
	self = find(t, host, ex->proc.pid);
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
	fill_parent(ex, p);
}

void pt_record_exec(struct pt_table *t, const struct kme_exec *ex)
{
	struct pt_entry *e;
	int32_t ppid = ex->ppid;
	bool known = true;
	int64_t start = -1;
	struct ht_ref host;
	struct ht_host *h;
	struct ident id;

	if (ex->proc.pid <= 0 || !host_of(t, ex->node, &host, &h))
		return;
	e = find(t, host, ex->proc.pid);
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
	id = (struct ident){
		.exe = ex->proc.executable,
		.name = ex->proc.name,
		.name_is_comm = ex->proc.name_is_comm,
		.exe_resolved = ex->proc.exe_resolved,
		.argv = ex->proc.args.v,
		.nargs = ex->proc.args.n,
		.argc = kme_args_count(&ex->proc.args),
		.truncated = ex->proc.args.truncated,
	};
	set_identity(t, e, &id);
	e->via_fork = e->replaced = false;
	e->ppid = ppid;
	e->ppid_known = known;
	e->learned = ms_of(ex->sec, ex->msec);
	e->start_time = start;
	e->source = KME_PARENT_AUDIT;
}

void pt_record_fork(struct pt_table *t, struct kme_str node, int32_t parent_pid,
		    int32_t child_pid, int64_t sec, uint32_t msec)
{
	int64_t when_ms = ms_of(sec, msec);
	struct pt_entry *p, *c;
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
		remove_entry(t, c);
		t->st.stale++;
	}
	saw_new_pid(h, child_pid);
	c = get_slot(t, host, child_pid);
	if (c == NULL)
		return;
	p = find(t, host, parent_pid); /* get_slot may have evicted it */
	if (p != NULL && p->has_identity) {
		struct ident id = {
			.exe = p->exe, .name = p->name,
			.name_is_comm = p->name_is_comm,
			.exe_resolved = p->exe_resolved,
			.argv = p->argv, .nargs = p->nargs, .argc = p->argc,
			.truncated = p->args_truncated,
		};

		c->source = p->source; /* before set_identity may evict p */
		set_identity(t, c, &id);
	} else {
		c->source = KME_PARENT_AUDIT;
	}
	c->via_fork = true;
	c->replaced = replaced;
	c->ppid = parent_pid;
	c->ppid_known = true;
	c->learned = when_ms;
	c->start_time = when_ms / 1000;
}

void pt_observe(struct pt_table *t, struct kme_str node, int32_t pid,
		int32_t ppid)
{
	struct pt_entry *e;
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
	remove_entry(t, e);
	t->st.stale++;
}

void pt_stats(const struct pt_table *t, struct pt_stats *out)
{
	struct ht_stats hs;

	*out = t->st;
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
	const struct pt_entry *e;
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
	out->proc.executable = e->exe;
	out->proc.name = e->name;
	out->proc.name_is_comm = e->name_is_comm;
	out->proc.exe_resolved = e->exe_resolved;
	out->proc.args = (struct kme_args){
		.v = e->argv, .n = e->nargs,
		.truncated = e->args_truncated, .argc = e->argc,
	};
	out->source = (enum kme_parent_source)e->source;
	return true;
}
