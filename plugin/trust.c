/* trust.c - exclusions that prove themselves (see trust.h). Paths from the
 * audit stream are attacker-chosen bytes: every one is length-checked,
 * refused when it holds a NUL, and quoted printable in reasons. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "trust.h"

#define TU_SHOW 120            /* bytes of a path quoted in a reason */
#define TU_NS_MAX 64           /* "mnt:[4026531840]" */

struct tu_entry {
	char *path;                /* NULL: free */
	size_t len;
	int32_t pid;
	bool confirm;              /* the exe link was compared too */
	uint64_t hash;
	int64_t at;                /* when walked (monotonic ms) */
	uint64_t used;             /* LRU stamp */
	bool ok;
	char why[TU_WHY_MAX];
};

/* The state of one walk (walk_chain): the remaining path, the physical
 * path so far (under root), and a scratch for lstat/readlink names. One
 * at a time, kept in the checker: 16 KiB not allocated per cache miss. */
struct walk {
	const char *root;          /* "" or "/proc/PID/root" */
	char todo[2 * PATH_MAX + 2];
	char cur[PATH_MAX + 1];
	size_t clen;
	char full[PATH_MAX + 64];
	int links;
};

struct tu_checker {
	const char *procroot;      /* NULL: no file system checks */
	char self_ns[TU_NS_MAX];   /* the plugin's mount namespace ("" unknown) */
	struct tu_entry cache[TU_CACHE];
	uint64_t tick;
	struct tu_stats st;
	struct walk walk;
};

/* ---- reasons ------------------------------------------------------------ */

static void why_set(char *why, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void why_set(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL || size == 0)
		return;
	if (size > TU_WHY_MAX)
		size = TU_WHY_MAX;
	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
}

/* s as printable ASCII ('?' for other bytes), cut to TU_SHOW with "...". */
static const char *show(const char *s, size_t len, char out[TU_SHOW + 4])
{
	size_t i, n = len < TU_SHOW ? len : TU_SHOW;

	for (i = 0; i < n; i++)
		out[i] = s[i] > 0x20 && s[i] < 0x7f ? s[i] : '?';
	strcpy(out + n, len > TU_SHOW ? "..." : "");
	return out;
}

/* ---- checks 1-3: the path ------------------------------------------------- */

/* Absolute, no NUL, no ".", ".." or empty component, no trailing '/'. */
static bool clean(struct kme_str p)
{
	size_t i, start;

	if (p.p == NULL || p.len < 2 || p.p[0] != '/' || p.len >= PATH_MAX ||
	    memchr(p.p, '\0', p.len) != NULL)
		return false;
	for (start = 1, i = 1; i <= p.len; i++) {
		size_t n;

		if (i < p.len && p.p[i] != '/')
			continue;
		n = i - start;
		if (n == 0 || (n == 1 && p.p[start] == '.') ||
		    (n == 2 && p.p[start] == '.' && p.p[start + 1] == '.'))
			return false;
		start = i + 1;
	}
	return true;
}

/* Is clean path p below dir (a clean directory, "/" included)? */
static bool below(struct kme_str p, const char *dir)
{
	size_t n = strlen(dir);

	if (n == 1)
		return true;
	return p.len > n + 1 && memcmp(p.p, dir, n) == 0 && p.p[n] == '/';
}

/* Is path (checks 3) in one of cfg's trusted directories? why as for
 * tu_prove. */
static bool in_trusted_dir(const struct kme_config *cfg, struct kme_str path,
		       char *why, size_t why_size)
{
	char s[TU_SHOW + 4];
	size_t i;

	if (!clean(path)) {
		why_set(why, why_size, "'%s' is not a plain absolute path "
			"(relative, '.', '..' or empty components)",
			show(path.p ? path.p : "", path.len, s));
		return false;
	}
	for (i = 0; i < cfg->ntrusted_dirs; i++)
		if (below(path, cfg->trusted_dirs[i]))
			return true;
	why_set(why, why_size, "%s is not in a trusted_dir",
		show(path.p, path.len, s));
	return false;
}

/* ---- check 4: the chain from / ------------------------------------------ */

/* The next component of *rest (skipping empty ones and "."), advancing
 * it; its length, 0 at the end. */
static size_t next_comp(const char **rest, const char **comp)
{
	const char *r = *rest;
	size_t n;

	for (;;) {
		while (*r == '/')
			r++;
		n = strcspn(r, "/");
		if (n != 1 || r[0] != '.')
			break;
		r += n;
	}
	*comp = r;
	*rest = r + n;
	return n;
}

/* One object on the way: root's, and (but a link) not writable by group
 * or others. */
static int object_ok(const struct stat *st, const char *shown, char *why,
		     size_t size)
{
	if (st->st_uid != 0) {
		why_set(why, size, "%s is owned by uid %u, not root", shown,
			(unsigned)st->st_uid);
		return -1;
	}
	if (!S_ISLNK(st->st_mode) && (st->st_mode & (S_IWGRP | S_IWOTH))) {
		why_set(why, size, "%s is writable by group or others "
			"(mode %04o)", shown, (unsigned)(st->st_mode & 07777));
		return -1;
	}
	return 0;
}

/* Follow the link at w->full (the component just reached): the rest of
 * the walk is its target, then what remained. */
static int follow(struct walk *w, const char *rest, char *why, size_t size)
{
	char target[PATH_MAX + 1], next[sizeof(w->todo)];
	ssize_t n = readlink(w->full, target, sizeof(target) - 1);

	if (++w->links > TU_MAX_LINKS) {
		why_set(why, size, "more than %d symbolic links", TU_MAX_LINKS);
		return -1;
	}
	if (n < 0 || n >= (ssize_t)sizeof(target) - 1) {
		why_set(why, size, "readlink: %s", n < 0 ? strerror(errno) :
			"target too long");
		return -1;
	}
	target[n] = '\0';
	if (target[0] == '/')
		w->clen = 0;           /* from the root again */
	w->cur[w->clen] = '\0';
	if ((size_t)snprintf(next, sizeof(next), "%s%s%s", target,
			     *rest != '\0' ? "/" : "", rest) >= sizeof(next)) {
		why_set(why, size, "path too long");
		return -1;
	}
	strcpy(w->todo, next);
	return 0;
}

/* One component, just appended to w->cur, reached with the rest of the
 * walk in rest: checked, and followed when it is a link. 0, 1 when it was
 * a link (the walk goes on in w->todo), -1 refused. */
static int step(struct walk *w, const char *rest, size_t n, char *why,
		size_t size)
{
	char s[TU_SHOW + 4];
	struct stat st;
	bool more;

	show(w->cur, w->clen, s);
	snprintf(w->full, sizeof(w->full), "%s%s", w->root, w->cur);
	if (lstat(w->full, &st) < 0) {
		why_set(why, size, "%s: %s", s, strerror(errno));
		return -1;
	}
	if (object_ok(&st, s, why, size) < 0)
		return -1;
	if (S_ISLNK(st.st_mode)) {
		/* The link's own component is not part of the physical
		 * path: its target takes its place. */
		w->clen -= n + 1;
		return follow(w, rest, why, size) < 0 ? -1 : 1;
	}
	more = rest[strspn(rest, "/")] != '\0';
	if (more && !S_ISDIR(st.st_mode)) {
		why_set(why, size, "%s is not a directory", s);
		return -1;
	}
	if (!more && !S_ISREG(st.st_mode)) {
		why_set(why, size, "%s is not a regular file", s);
		return -1;
	}
	return 0;
}

/* Walk path (clean, absolute) under w->root as the kernel would, checking
 * every object. 0 when all are root's and none writable by others. */
static int walk_chain(struct walk *w, const char *path, char *why,
		      size_t size)
{
	const char *rest, *comp;
	struct stat st;
	size_t n;
	int rc;

	snprintf(w->todo, sizeof(w->todo), "%s", path);
	w->clen = 0;
	w->links = 0;
	snprintf(w->full, sizeof(w->full), "%s/", w->root);
	if (lstat(w->full, &st) < 0) {
		why_set(why, size, "/: %s", strerror(errno));
		return -1;
	}
	if (object_ok(&st, "/", why, size) < 0)
		return -1;
	rest = w->todo;
	while ((n = next_comp(&rest, &comp)) > 0) {
		if (n == 2 && comp[0] == '.' && comp[1] == '.') {
			while (w->clen > 0 && w->cur[--w->clen] != '/')
				;
			continue;
		}
		if (w->clen + 1 + n >= sizeof(w->cur)) {
			why_set(why, size, "path too long");
			return -1;
		}
		w->cur[w->clen++] = '/';
		memcpy(w->cur + w->clen, comp, n);
		w->clen += n;
		w->cur[w->clen] = '\0';
		if ((rc = step(w, rest, n, why, size)) < 0)
			return -1;
		if (rc == 1)
			rest = w->todo;
	}
	return 0;
}

/* ---- the table of walks ---------------------------------------------------- */

static struct tu_entry *cache_find(struct tu_checker *tc, int32_t pid,
				   bool confirm, const char *path, size_t len,
				   uint64_t h, int64_t now)
{
	struct tu_entry *e;
	size_t i;

	for (i = 0; i < TU_CACHE; i++) {
		e = &tc->cache[i];
		if (e->path != NULL && e->pid == pid && e->confirm == confirm &&
		    e->hash == h &&
		    e->len == len && memcmp(e->path, path, len) == 0 &&
		    now - e->at < TU_TTL_MS) {
			e->used = ++tc->tick;
			return e;
		}
	}
	return NULL;
}

/* A slot for a new walk: a free one, else the least recently used
 * (counted). */
static struct tu_entry *cache_slot(struct tu_checker *tc)
{
	struct tu_entry *e, *lru = &tc->cache[0];
	size_t i;

	for (i = 0; i < TU_CACHE; i++) {
		e = &tc->cache[i];
		if (e->path == NULL)
			return e;
		if (e->used < lru->used)
			lru = e;
	}
	free(lru->path);
	lru->path = NULL;
	tc->st.evictions++;
	tc->st.cached--;
	return lru;
}

/* The mount namespace of pid differs from ours: walk its own files,
 * through /proc/PID/root. A process gone (or unreadable) is walked in ours. */
static void root_of(struct tu_checker *tc, int32_t pid, char *root,
		    size_t size)
{
	char link[96], ns[TU_NS_MAX];
	ssize_t n;

	root[0] = '\0';
	if (pid <= 0 || tc->self_ns[0] == '\0')
		return;
	snprintf(link, sizeof(link), "%s/%d/ns/mnt", tc->procroot, (int)pid);
	n = readlink(link, ns, sizeof(ns) - 1);
	if (n <= 0)
		return;
	ns[n] = '\0';
	if (strcmp(ns, tc->self_ns) != 0)
		snprintf(root, size, "%s/%d/root", tc->procroot, (int)pid);
}

/* A path from a /proc cmdline must be the file the exe link names. */
static int confirm_exe(struct tu_checker *tc, int32_t pid, const char *path,
		       char *why, size_t size)
{
	char link[96], exe[PATH_MAX + 1], s[TU_SHOW + 4];
	ssize_t n;

	snprintf(link, sizeof(link), "%s/%d/exe", tc->procroot, (int)pid);
	n = readlink(link, exe, sizeof(exe) - 1);
	if (n < 0) {
		why_set(why, size, "known from /proc by its cmdline, and its "
			"exe link cannot be read: %s", strerror(errno));
		return -1;
	}
	exe[n] = '\0';
	if (strcmp(exe, path) == 0)
		return 0;
	why_set(why, size, "known from /proc by its cmdline, which its exe "
		"link (%s) does not confirm", show(exe, (size_t)n, s));
	return -1;
}

/* Check 4 for path (clean), remembered per (pid, path). */
static int chain(struct tu_checker *tc, int32_t pid, struct kme_str path,
		 bool confirm, char *why, size_t size)
{
	int64_t now = clk_mono_ms();
	uint64_t h = kme_fnv1a(path.p, path.len);
	struct tu_entry *e = cache_find(tc, pid, confirm, path.p, path.len, h,
					now);
	struct walk *w = &tc->walk;
	char root[64];

	if (e != NULL) {
		tc->st.hits++;
		why_set(why, size, "%s", e->why);
		return e->ok ? 0 : -1;
	}
	tc->st.walks++;
	e = cache_slot(tc);
	*e = (struct tu_entry){ .pid = pid, .confirm = confirm, .hash = h,
				.len = path.len, .at = now, .used = ++tc->tick };
	if ((e->path = malloc(path.len + 1)) == NULL) {
		why_set(why, size, "out of memory");
		return -1;      /* not remembered: e->path is NULL */
	}
	memcpy(e->path, path.p, path.len);
	e->path[path.len] = '\0';
	tc->st.cached++;
	root_of(tc, pid, root, sizeof(root));
	w->root = root;
	e->ok = (!confirm || confirm_exe(tc, pid, e->path, e->why,
					 sizeof(e->why)) == 0) &&
		walk_chain(w, e->path, e->why, sizeof(e->why)) == 0;
	why_set(why, size, "%s", e->why);
	return e->ok ? 0 : -1;
}

/* ---- the interface -------------------------------------------------------- */

struct tu_checker *tu_new(const char *procroot, struct kme_err *err)
{
	struct tu_checker *tc = calloc(1, sizeof(*tc));
	char link[96];
	ssize_t n;

	if (tc == NULL) {
		kme_errf(err, "trust: out of memory");
		return NULL;
	}
	tc->procroot = procroot;
	if (procroot != NULL) {
		snprintf(link, sizeof(link), "%s/self/ns/mnt", procroot);
		n = readlink(link, tc->self_ns, sizeof(tc->self_ns) - 1);
		tc->self_ns[n > 0 ? n : 0] = '\0';
	}
	return tc;
}

void tu_free(struct tu_checker *tc)
{
	size_t i;

	if (tc == NULL)
		return;
	for (i = 0; i < TU_CACHE; i++)
		free(tc->cache[i].path);
	free(tc);
}

static int refuse(struct tu_checker *tc)
{
	if (tc != NULL)
		tc->st.refused++;
	return -1;
}

int tu_prove(struct tu_checker *tc, const struct kme_config *cfg,
	     const struct tu_subject *s, const char *name, char *why,
	     size_t why_size)
{
	const struct kme_proc *p = s->proc;
	struct kme_str exe = p->executable;
	char a[TU_SHOW + 4], b[TU_SHOW + 4];
	bool confirm;

	if (why != NULL && why_size > 0)
		why[0] = '\0';
	if (!kme_str_present(exe)) {
		why_set(why, why_size, "its executable is not known");
		return refuse(tc);
	}
	if (name != NULL && !kme_str_is(kme_str_base(exe), name)) {
		why_set(why, why_size, "its executable %s is not a file named "
			"'%s' (the name comes from argv[0], a link or a comm)",
			show(exe.p, exe.len, a),
			show(name, strlen(name), b));
		return refuse(tc);
	}
	if (!in_trusted_dir(cfg, exe, why, why_size))
		return refuse(tc);
	if (tc == NULL || tc->procroot == NULL || !s->local)
		return 0;
	/* From /proc, a path that is not the exe link came from argv. */
	confirm = s->source == KME_PARENT_PROCFS && !p->exe_resolved;
	if (confirm && p->pid <= 0) {
		why_set(why, why_size, "known from /proc by its cmdline, "
			"without a pid to confirm it");
		return refuse(tc);
	}
	return chain(tc, p->pid, exe, confirm, why, why_size) == 0 ? 0
								  : refuse(tc);
}

int tu_prove_arg(struct tu_checker *tc, const struct kme_config *cfg,
		 const struct tu_subject *s, struct kme_str path, char *why,
		 size_t why_size)
{
	if (why != NULL && why_size > 0)
		why[0] = '\0';
	if (!in_trusted_dir(cfg, path, why, why_size))
		return refuse(tc);
	if (tc == NULL || tc->procroot == NULL || !s->local)
		return 0;
	return chain(tc, s->proc->pid, path, false, why, why_size) == 0
		       ? 0 : refuse(tc);
}

void tu_stats(const struct tu_checker *tc, struct tu_stats *out)
{
	if (tc == NULL) {
		memset(out, 0, sizeof(*out));
		return;
	}
	*out = tc->st;
}
