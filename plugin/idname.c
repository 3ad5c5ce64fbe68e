/* idname.c - names of this host's uids and gids, never waiting for NSS on
 * the caller's thread (see idname.h). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "idname.h"
#include "safefile.h"
#include "siphash.h"

#define WAYS 4

enum state { E_EMPTY = 0, E_FOUND, E_NONE, E_PENDING };

struct entry {
	uint8_t kind, state;
	uint32_t id;
	int64_t expires;          /* monotonic ms */
	uint64_t used;            /* lookup clock of the last use (LRU) */
	char name[IDN_NAME_MAX];
};

/* One local file, kept whole in memory while unchanged. */
struct file {
	const char *path;
	char *buf;
	size_t len;
	bool loaded;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	int64_t checked;          /* monotonic ms of the last stat */
	bool failed;              /* the last read failed (counted once) */
};

struct question {
	uint8_t kind;
	uint32_t id;
};

struct answer {
	uint8_t kind;
	uint32_t id;
	int rc;                   /* as idn_nss_fn */
	char name[IDN_NAME_MAX];
};

/* What the caller's thread and the resolver share, under mu. Outstanding
 * questions (queued + being asked + answered but not taken) never exceed
 * IDN_QUEUE, so the answer ring cannot overflow. refs: the owner and the
 * thread; the last to let go frees it (a thread stuck in NSS at exit). */
struct shared {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct question ask[IDN_QUEUE];
	size_t ask_head, ask_n;
	struct answer done[IDN_QUEUE];
	size_t done_head, done_n;
	size_t busy;              /* questions being asked: 0 or 1 */
	bool stop;
	int refs;
	idn_nss_fn nss;
};

struct idn_cache {
	struct idn_opts o;
	struct entry *e;
	size_t nsets;
	uint64_t clock;
	uint64_t key[2];
	struct file files[2];
	struct shared *sh;
	pthread_t thread;
	bool thread_started;
	struct idn_stats st;
};

/* ---- NSS, on the resolver thread ------------------------------------------ */

/* getpwuid_r/getgrgid_r with the buffer grown on ERANGE. */
static int system_nss(enum idn_kind kind, uint32_t id, char *out,
		      size_t size)
{
	size_t bsize = 1024;
	char *buf = NULL;
	int rc, found = -1;

	for (;;) {
		char *nb = realloc(buf, bsize);
		const char *name = NULL;

		if (nb == NULL)
			break;
		buf = nb;
		if (kind == IDN_USER) {
			struct passwd pw, *res = NULL;

			rc = getpwuid_r((uid_t)id, &pw, buf, bsize, &res);
			if (rc == 0 && res != NULL)
				name = pw.pw_name;
		} else {
			struct group gr, *res = NULL;

			rc = getgrgid_r((gid_t)id, &gr, buf, bsize, &res);
			if (rc == 0 && res != NULL)
				name = gr.gr_name;
		}
		if (rc == ERANGE && bsize < IDN_NSS_BUF_MAX) {
			bsize *= 2;
			continue;
		}
		if (name != NULL) {
			snprintf(out, size, "%s", name);
			found = 1;
		} else if (rc == 0 || rc == ENOENT || rc == ESRCH ||
			   rc == EBADF || rc == EPERM) {
			found = 0;   /* getpwuid_r(3): "not found" */
		}
		break;
	}
	free(buf);
	return found;
}

static void shared_release(struct shared *sh)
{
	bool last;

	pthread_mutex_lock(&sh->mu);
	last = --sh->refs == 0;
	pthread_mutex_unlock(&sh->mu);
	if (!last)
		return;
	pthread_cond_destroy(&sh->cv);
	pthread_mutex_destroy(&sh->mu);
	free(sh);
}

static void *resolver(void *arg)
{
	struct shared *sh = arg;

	pthread_mutex_lock(&sh->mu);
	for (;;) {
		struct question q;
		struct answer a;

		while (!sh->stop && sh->ask_n == 0)
			pthread_cond_wait(&sh->cv, &sh->mu);
		if (sh->stop)
			break;
		q = sh->ask[sh->ask_head];
		sh->ask_head = (sh->ask_head + 1) % IDN_QUEUE;
		sh->ask_n--;
		sh->busy = 1;
		pthread_mutex_unlock(&sh->mu);
		a = (struct answer){ .kind = q.kind, .id = q.id };
		a.rc = sh->nss((enum idn_kind)q.kind, q.id, a.name,
			       sizeof(a.name));
		pthread_mutex_lock(&sh->mu);
		sh->busy = 0;
		sh->done[(sh->done_head + sh->done_n) % IDN_QUEUE] = a;
		sh->done_n++;
	}
	pthread_mutex_unlock(&sh->mu);
	shared_release(sh);
	return NULL;
}

/* ---- the cache ------------------------------------------------------------- */

struct idn_cache *idn_new(const struct idn_opts *o, struct kme_err *err)
{
	struct idn_cache *c = calloc(1, sizeof(*c));
	size_t n = o->max_entries < WAYS ? WAYS : o->max_entries;

	if (c == NULL)
		goto nomem;
	c->o = *o;
	c->nsets = (n + WAYS - 1) / WAYS;
	c->e = calloc(c->nsets * WAYS, sizeof(*c->e));
	if (c->e == NULL)
		goto nomem;
	c->files[IDN_USER].path = o->passwd_path ? o->passwd_path : "/etc/passwd";
	c->files[IDN_GROUP].path = o->group_path ? o->group_path : "/etc/group";
	sip_random_key(c->key);
	return c;
nomem:
	if (c != NULL)
		free(c->e);
	free(c);
	kme_errf(err, "user names: out of memory");
	return NULL;
}

void idn_free(struct idn_cache *c)
{
	if (c == NULL)
		return;
	if (c->thread_started) {
		struct timespec deadline;

		pthread_mutex_lock(&c->sh->mu);
		c->sh->stop = true;
		pthread_cond_signal(&c->sh->cv);
		pthread_mutex_unlock(&c->sh->mu);
		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_nsec += 100 * 1000000L;
		if (deadline.tv_nsec >= 1000000000L) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000L;
		}
		/* A thread stuck in NSS finishes alone and lets go of sh. */
		if (pthread_timedjoin_np(c->thread, NULL, &deadline) != 0)
			pthread_detach(c->thread);
		shared_release(c->sh);
	}
	free(c->files[0].buf);
	free(c->files[1].buf);
	free(c->e);
	free(c);
}

void idn_get_stats(const struct idn_cache *c, struct idn_stats *out)
{
	*out = c->st;
}

static struct entry *set_of(struct idn_cache *c, uint8_t kind, uint32_t id)
{
	uint64_t k = ((uint64_t)kind << 32) | id;

	return &c->e[(sip_hash24(c->key, &k, sizeof(k)) % c->nsets) * WAYS];
}

static struct entry *find(struct idn_cache *c, uint8_t kind, uint32_t id)
{
	struct entry *s = set_of(c, kind, id);
	int i;

	for (i = 0; i < WAYS; i++)
		if (s[i].state != E_EMPTY && s[i].kind == kind && s[i].id == id)
			return &s[i];
	return NULL;
}

/* The entry of (kind, id), made when missing: an empty way, else the least
 * recently used one of its set (counted). */
static struct entry *slot(struct idn_cache *c, uint8_t kind, uint32_t id)
{
	struct entry *s, *e = find(c, kind, id);
	int i;

	if (e != NULL)
		return e;
	s = set_of(c, kind, id);
	e = &s[0];
	for (i = 0; i < WAYS; i++) {
		if (s[i].state == E_EMPTY) {
			e = &s[i];
			break;
		}
		if (s[i].used < e->used)
			e = &s[i];
	}
	if (e->state != E_EMPTY)
		c->st.evictions++;
	*e = (struct entry){ .kind = kind, .id = id };
	return e;
}

static void store(struct idn_cache *c, uint8_t kind, uint32_t id, int rc,
		  const char *name, int64_t now)
{
	struct entry *e = slot(c, kind, id);

	if (rc == 1) {
		e->state = E_FOUND;
		snprintf(e->name, sizeof(e->name), "%s", name);
		e->expires = now + c->o.ttl_ms;
	} else {
		e->state = E_NONE;
		e->expires = now + c->o.negative_ttl_ms;
	}
	e->used = ++c->clock;
}

/* The thread's answers into the cache. An answer of NSS failure (-1) is
 * kept as "none" for the negative time to live, then asked again. */
static void take_answers(struct idn_cache *c, int64_t now)
{
	struct answer a;

	for (;;) {
		pthread_mutex_lock(&c->sh->mu);
		if (c->sh->done_n == 0) {
			pthread_mutex_unlock(&c->sh->mu);
			return;
		}
		a = c->sh->done[c->sh->done_head];
		c->sh->done_head = (c->sh->done_head + 1) % IDN_QUEUE;
		c->sh->done_n--;
		pthread_mutex_unlock(&c->sh->mu);
		store(c, a.kind, a.id, a.rc, a.name, now);
		c->st.nss_answers++;
	}
}

static int start_thread(struct idn_cache *c)
{
	sigset_t all, old;
	int rc;

	c->sh = calloc(1, sizeof(*c->sh));
	if (c->sh == NULL)
		return -1;
	pthread_mutex_init(&c->sh->mu, NULL);
	pthread_cond_init(&c->sh->cv, NULL);
	c->sh->nss = c->o.nss ? c->o.nss : system_nss;
	c->sh->refs = 2;
	/* The signals stay the main loop's (live.h). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&c->thread, NULL, resolver, c->sh);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		pthread_cond_destroy(&c->sh->cv);
		pthread_mutex_destroy(&c->sh->mu);
		free(c->sh);
		c->sh = NULL;
		return -1;
	}
	c->thread_started = true;
	return 0;
}

/* Queue a question; false when the queue is full (or no thread). */
static bool ask(struct idn_cache *c, uint8_t kind, uint32_t id)
{
	bool queued = false;

	if (!c->thread_started && start_thread(c) != 0)
		return false;
	pthread_mutex_lock(&c->sh->mu);
	if (c->sh->ask_n + c->sh->busy + c->sh->done_n < IDN_QUEUE) {
		c->sh->ask[(c->sh->ask_head + c->sh->ask_n) % IDN_QUEUE] =
			(struct question){ kind, id };
		c->sh->ask_n++;
		pthread_cond_signal(&c->sh->cv);
		queued = true;
	}
	pthread_mutex_unlock(&c->sh->mu);
	return queued;
}

/* ---- the local files ------------------------------------------------------- */

/* Forget what the cache learnt of kind (the file changed). */
static void forget_kind(struct idn_cache *c, uint8_t kind)
{
	size_t i;

	for (i = 0; i < c->nsets * WAYS; i++)
		if (c->e[i].kind == kind && (c->e[i].state == E_FOUND ||
					     c->e[i].state == E_NONE))
			c->e[i].state = E_EMPTY;
}

static bool same_file(const struct file *f, const struct stat *st)
{
	return f->loaded && f->dev == st->st_dev && f->ino == st->st_ino &&
	       f->size == st->st_size &&
	       f->mtime.tv_sec == st->st_mtim.tv_sec &&
	       f->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* Keep f's copy current: at most one stat per IDN_STAT_MS. A file that
 * cannot be read, or is refused (safefile.h: root's, not writable by
 * others), is treated as empty and counted. */
static void refresh(struct idn_cache *c, uint8_t kind, int64_t now)
{
	struct file *f = &c->files[kind];
	struct safe_read r = { .what = kind == IDN_USER ? "user database"
						       : "group database",
			       .root_owned = true, .deny = S_IWGRP | S_IWOTH,
			       .max_why = "larger than 16 MiB" };
	struct stat st;
	char *buf;
	size_t len;

	if (f->loaded && now - f->checked < IDN_STAT_MS)
		return;
	f->checked = now;
	if (stat(f->path, &st) != 0 || st.st_size < 0 ||
	    (uint64_t)st.st_size > IDN_FILE_MAX) {
		if (!f->failed)
			c->st.file_errors++;
		free(f->buf);
		*f = (struct file){ .path = f->path, .checked = now,
				    .loaded = true, .failed = true };
		forget_kind(c, kind);
		return;
	}
	if (!f->failed && same_file(f, &st))
		return;
	/* Room for a file grown a little since the stat. */
	r.max = (size_t)st.st_size + 4096;
	if (r.max > IDN_FILE_MAX)
		r.max = IDN_FILE_MAX;
	buf = malloc(r.max + 1);
	if (buf == NULL || safe_read_file(f->path, &r, buf, &len, NULL) != 0 ||
	    len > r.max) {
		free(buf);
		buf = NULL;
		len = 0;
	}
	if (buf == NULL && !f->failed)
		c->st.file_errors++;
	free(f->buf);
	*f = (struct file){ .path = f->path, .buf = buf, .len = len,
			    .loaded = true, .dev = st.st_dev, .ino = st.st_ino,
			    .size = st.st_size, .mtime = st.st_mtim,
			    .checked = now, .failed = buf == NULL };
	forget_kind(c, kind);
}

/* Does the decimal field [p, end) equal id? */
static bool field_is(const char *p, const char *end, uint32_t id)
{
	uint64_t v = 0;

	if (p == end)
		return false;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > UINT32_MAX)
			return false;
	}
	return v == id;
}

/* The first line "name:password:ID:..." of the file whose ID is id (the
 * layout of passwd(5) and group(5)), as NSS's files module answers. */
static bool file_name(const struct file *f, uint32_t id, char *out)
{
	const char *p = f->buf, *end = f->buf + f->len;

	while (p != NULL && p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *c1, *c2, *c3;

		if (eol == NULL)
			eol = end;
		c1 = memchr(p, ':', (size_t)(eol - p));
		c2 = c1 ? memchr(c1 + 1, ':', (size_t)(eol - c1 - 1)) : NULL;
		c3 = c2 ? memchr(c2 + 1, ':', (size_t)(eol - c2 - 1)) : NULL;
		if (c3 == NULL && c2 != NULL)
			c3 = eol;  /* a group line may end after the gid */
		if (c1 != NULL && c2 != NULL && c1 > p &&
		    (size_t)(c1 - p) < IDN_NAME_MAX && *p != '+' && *p != '-' &&
		    *p != '#' && field_is(c2 + 1, c3, id)) {
			memcpy(out, p, (size_t)(c1 - p));
			out[c1 - p] = '\0';
			return true;
		}
		p = eol + 1;
	}
	return false;
}

/* ---- lookups --------------------------------------------------------------- */

static enum idn_result answer_of(struct idn_cache *c, struct entry *e,
				 char out[IDN_NAME_MAX])
{
	e->used = ++c->clock;
	if (e->state == E_FOUND) {
		memcpy(out, e->name, IDN_NAME_MAX);
		return IDN_FOUND;
	}
	return e->state == E_NONE ? IDN_NONE : IDN_PENDING;
}

enum idn_result idn_lookup(struct idn_cache *c, enum idn_kind kind,
			   uint32_t id, int64_t now_ms,
			   char out[IDN_NAME_MAX])
{
	struct entry *e;
	uint8_t k = kind == IDN_GROUP ? IDN_GROUP : IDN_USER;

	if (c->thread_started)
		take_answers(c, now_ms);
	refresh(c, k, now_ms);
	e = find(c, k, id);
	if (e != NULL && now_ms < e->expires) {
		c->st.hits++;
		return answer_of(c, e, out);
	}
	if (file_name(&c->files[k], id, out)) {
		c->st.file_answers++;
		store(c, k, id, 1, out, now_ms);
		return IDN_FOUND;
	}
	if (!c->o.use_nss) {
		store(c, k, id, 0, NULL, now_ms);
		return IDN_NONE;
	}
	e = slot(c, k, id);
	e->state = E_PENDING;
	/* Asked again if no answer came by then (a stuck NSS, a full queue). */
	e->expires = now_ms + c->o.negative_ttl_ms;
	e->used = ++c->clock;
	if (ask(c, k, id))
		c->st.nss_asked++;
	else
		c->st.nss_dropped++;
	return IDN_PENDING;
}
