/* logset.c - replay inputs in time order, overlaps found (see logset.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "interpfield.h"
#include "loghead.h"
#include "logset.h"
#include "siphash.h"

struct ls_seen_slot {
	uint64_t hash;       /* 0: free */
	uint32_t file;
};

void ls_init(struct ls_set *s, bool have_zone)
{
	memset(s, 0, sizeof(*s));
	s->have_zone = have_zone;
	s->hw = -1;
	sip_random_key(s->key);
}

void ls_free(struct ls_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->e[i].path);
		free(s->e[i].head);
		free(s->e[i].error);
		in_close(s->e[i].src);
	}
	free(s->e);
	free(s->seen);
	free(s->first_not_file);
	memset(s, 0, sizeof(*s));
}

/* --- the inputs ------------------------------------------------------------- */

static int add_path(struct ls_set *s, char *path, struct kme_err *err)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		struct ls_entry *ne = realloc(s->e, cap * sizeof(*ne));

		if (ne == NULL) {
			free(path);
			return kme_errf(err, "inputs: out of memory");
		}
		s->e = ne;
		s->cap = cap;
	}
	s->e[s->n] = (struct ls_entry){ .path = path, .given = s->n,
					.size = -1 };
	s->n++;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files directly in dir, in name order. */
static int add_dir(struct ls_set *s, const char *dir, struct kme_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL, *p;
	size_t n = 0, cap = 0, i;
	struct stat st;
	int rc = 0;

	if (d == NULL)
		return kme_errnof(err, errno, "%s: opendir", dir);
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' &&
		    (de->d_name[1] == '\0' || strcmp(de->d_name, "..") == 0))
			continue;
		if (asprintf(&p, "%s%s%s", dir,
			     dir[strlen(dir) - 1] == '/' ? "" : "/", de->d_name) < 0) {
			rc = kme_errf(err, "%s: out of memory", dir);
			break;
		}
		if (stat(p, &st) != 0 || !S_ISREG(st.st_mode)) {
			/* Subdirectories, sockets...: not read, but said. */
			if (s->not_files++ == 0)
				s->first_not_file = p;
			else
				free(p);
			continue;
		}
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 16) * sizeof(*nn));

			if (nn == NULL) {
				free(p);
				rc = kme_errf(err, "%s: out of memory", dir);
				break;
			}
			names = nn;
		}
		names[n++] = p;
	}
	closedir(d);
	if (rc == 0 && n == 0)
		rc = kme_errf(err, "%s: no regular file in this directory", dir);
	if (n > 0)
		qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		if (rc == 0)
			rc = add_path(s, names[i], err);
		else
			free(names[i]);
	}
	free(names);
	return rc;
}

int ls_add(struct ls_set *s, const char *arg, struct kme_err *err)
{
	struct stat st;
	char *p;

	if (strcmp(arg, "-") != 0 && stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
		return add_dir(s, arg, err);
	if ((p = strdup(arg)) == NULL)
		return kme_errf(err, "%s: out of memory", arg);
	return add_path(s, p, err);
}

/* --- the prescan -------------------------------------------------------------- */

/* How much the prescan asks for next, having len bytes: at most 16 KiB. */
static size_t prescan_step(size_t len)
{
	size_t left = LS_PRESCAN_MAX - len;

	return left < 16384 ? left : 16384;
}

/* The form and first record of the head buf[0..len) of entry e; false
 * when more lines could still tell (no record and no summary yet). A cut
 * last line is looked at only at the end of the input (eof). */
static bool look(struct ls_set *s, struct ls_entry *e, const char *buf,
		 size_t len, bool eof)
{
	const char *p = buf, *end = buf + len, *nl;
	bool decorated = false;
	struct lh_head h;

	e->form = len == 0 ? LS_EMPTY : LS_UNKNOWN;
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL && !eof)
			return false;
		if (nl == NULL)
			nl = end;
		switch (lh_parse(p, (size_t)(nl - p), &h)) {
		case LH_SEPARATOR:
		case LH_TIMELINE:
			decorated = true;
			continue;
		case LH_TEXT:
			e->form = LS_TEXT;
			return true;
		case LH_CSV:
			e->form = LS_CSV;
			return true;
		case LH_RAW:
			e->form = decorated ? LS_AUSEARCH : LS_LOG;
			e->has_time = true;
			e->first_ms = h.sec * 1000 + h.msec;
			break;
		case LH_INTERP: {
			struct ipf_clock c = { .prev = 0 };
			int64_t sec;
			bool amb;

			e->form = LS_INTERP;
			e->has_time = s->have_zone &&
				      ipf_local_time(&c, h.local, &sec, &amb) == 0;
			e->first_ms = e->has_time ? sec * 1000 + h.msec : 0;
			break;
		}
		default:
			continue;
		}
		e->first_serial = h.serial;
		return true;
	}
	return false;
}

static int prescan_one(struct ls_set *s, struct ls_entry *e,
		       struct kme_err *err)
{
	struct in_source *src = in_open(e->path, err);
	char *buf = malloc(LS_PRESCAN_MAX);
	size_t len = 0;
	ssize_t n = 1;

	if (src == NULL || buf == NULL) {
		in_close(src);
		free(buf);
		if (src != NULL)
			return kme_errf(err, "%s: out of memory", e->path);
		e->unopened = true;
		e->error = strdup(err ? err->msg : "cannot open");
		return e->error ? 0 : kme_errf(err, "%s: out of memory", e->path);
	}
	e->fmt = in_format(src);
	e->size = in_size(src);
	/* Up to the line that tells, a step at a time (a file's first line
	 * usually tells, and ls_open reads it again): a pipe (a replay fed as
	 * it goes) is not held back for more. A read error is the replay's to
	 * report, with what came before it. */
	while (len < LS_PRESCAN_MAX &&
	       (n = in_read(src, buf + len, prescan_step(len), err)) > 0) {
		len += (size_t)n;
		if (look(s, e, buf, len, false))
			break;
	}
	if (n <= 0 || len == LS_PRESCAN_MAX)
		look(s, e, buf, len, true);
	if (n < 0 && e->form == LS_EMPTY)
		e->form = LS_UNKNOWN; /* not empty: unreadable from its start */
	if (e->size < 0 || strcmp(e->path, "-") == 0) {
		/* A pipe, or stdin (even from a file: it cannot be opened
		 * again): keep it and what was read of it. */
		e->src = src;
		e->head = buf;
		e->head_len = len;
		if (n < 0 && (e->error = strdup(err ? err->msg : "read error")) == NULL)
			return kme_errf(err, "%s: out of memory", e->path);
		return 0;
	}
	in_close(src);
	free(buf);
	return 0;
}

/* Timed inputs first, by first event time then serial; then the others;
 * ties in the order given. */
static int by_time(const void *a, const void *b)
{
	const struct ls_entry *x = a, *y = b;

	if (x->has_time != y->has_time)
		return x->has_time ? -1 : 1;
	if (x->has_time && x->first_ms != y->first_ms)
		return x->first_ms < y->first_ms ? -1 : 1;
	if (x->has_time && x->first_serial != y->first_serial)
		return x->first_serial < y->first_serial ? -1 : 1;
	return x->given < y->given ? -1 : x->given > y->given;
}

int ls_prescan(struct ls_set *s, struct kme_err *err)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (prescan_one(s, &s->e[i], err) < 0)
			return -1;
	qsort(s->e, s->n, sizeof(*s->e), by_time);
	return 0;
}

struct in_source *ls_open(struct ls_set *s, size_t i, char **head,
			  size_t *head_len, char **error, struct kme_err *err)
{
	struct ls_entry *e = &s->e[i];
	struct in_source *src;

	*head = NULL;
	*head_len = 0;
	*error = NULL;
	if (e->src != NULL) {
		src = e->src;
		*head = e->head;
		*head_len = e->head_len;
		*error = e->error;
		e->src = NULL;
		e->head = NULL;
		e->error = NULL;
		return src;
	}
	return in_open(e->path, err);
}

/* --- overlap ------------------------------------------------------------------ */

/* The slot of hash h: its own, or the free one where it would go. */
static struct ls_seen_slot *slot(struct ls_set *s, uint64_t h)
{
	size_t i = (size_t)h & (s->seen_cap - 1);

	while (s->seen[i].hash != 0 && s->seen[i].hash != h)
		i = (i + 1) & (s->seen_cap - 1);
	return &s->seen[i];
}

static int grow(struct ls_set *s)
{
	size_t cap = s->seen_cap ? s->seen_cap * 2 : 1024, i;
	struct ls_seen_slot *old = s->seen, *n = calloc(cap, sizeof(*n));

	if (n == NULL)
		return -1;
	s->seen = n;
	s->seen_cap = cap;
	for (i = 0; old != NULL && i < cap / 2; i++)
		if (old[i].hash != 0)
			*slot(s, old[i].hash) = old[i];
	free(old);
	return 0;
}

static void remember(struct ls_set *s, uint64_t h)
{
	struct ls_seen_slot *sl;

	/* Kept at most half full. */
	if (s->seen_n * 2 >= s->seen_cap &&
	    (s->seen_cap >= LS_SEEN_MAX || grow(s) < 0)) {
		s->unchecked++;
		return;
	}
	sl = slot(s, h);
	if (sl->hash == 0) {
		sl->hash = h;
		sl->file = (uint32_t)s->cur;
		s->seen_n++;
	}
}

void ls_begin(struct ls_set *s, size_t i)
{
	s->cur = i;
	s->cur_hw = -1;
}

enum ls_verdict ls_record(struct ls_set *s, const char *line, size_t len,
			  int64_t ms)
{
	struct ls_entry *e = &s->e[s->cur];
	const struct ls_entry *next = s->cur + 1 < s->n ? &s->e[s->cur + 1] : NULL;
	uint64_t h = 0;

	if (ms < 0)
		return LS_NEW;
	if (s->hw >= 0 && ms <= s->hw) {
		h = sip_hash24(s->key, line, len) | 1;
		if (s->seen_n > 0 && slot(s, h)->hash == h) {
			if (e->duplicates++ == 0)
				e->dup_of = slot(s, h)->file;
			else if (e->dup_of != slot(s, h)->file)
				e->dup_mixed = true;
			return LS_DUPLICATE;
		}
		/* At the latest time replayed: most likely the rest of an
		 * event the rotation cut (an event's records share its
		 * time); before it: another source's record. */
		if (ms < s->hw)
			e->overlap_new++;
	}
	if (next != NULL && next->has_time && ms >= next->first_ms)
		remember(s, h ? h : (sip_hash24(s->key, line, len) | 1));
	if (ms > s->cur_hw)
		s->cur_hw = ms;
	return LS_NEW;
}

void ls_end(struct ls_set *s)
{
	const struct ls_entry *next = s->cur + 1 < s->n ? &s->e[s->cur + 1] : NULL;

	if (s->cur_hw > s->hw)
		s->hw = s->cur_hw;
	/* No later file can overlap what is remembered: forget it. */
	if (s->seen_n > 0 && (next == NULL || !next->has_time ||
			      next->first_ms > s->hw)) {
		memset(s->seen, 0, s->seen_cap * sizeof(*s->seen));
		s->seen_n = 0;
	}
}

const char *ls_name(const struct ls_entry *e)
{
	return strcmp(e->path, "-") == 0 ? "stdin" : e->path;
}

const char *ls_form_name(enum ls_form f)
{
	static const char *const names[] = {
		[LS_EMPTY] = "empty",
		[LS_LOG] = "audit log",
		[LS_AUSEARCH] = "ausearch output",
		[LS_INTERP] = "ausearch -i output",
		[LS_TEXT] = "ausearch --format text output",
		[LS_CSV] = "ausearch --format csv output",
		[LS_UNKNOWN] = "no audit record at its start",
	};

	return f >= LS_EMPTY && f <= LS_UNKNOWN ? names[f] : "?";
}
