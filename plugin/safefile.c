/* safefile.c - crash-safe files in a directory that is ours alone (see
 * safefile.h). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fdio.h"
#include "safefile.h"

#define SAFE_PATH_MAX 4096

static char *concat(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = malloc(la + lb + 1);

	if (p != NULL) {
		memcpy(p, a, la);
		memcpy(p + la, b, lb + 1);
	}
	return p;
}

const char *safe_path(const struct safe_dir *d, const char *name, char *out,
		      size_t size)
{
	snprintf(out, size, "%s%s", d->prefix ? d->prefix : "", name);
	return out;
}

void safe_dir_close(struct safe_dir *d)
{
	if (d->fd >= 0)
		close(d->fd);
	free(d->shown);
	free(d->prefix);
	free(d->name);
	*d = (struct safe_dir){ .fd = -1 };
}

static int check_dir(const struct safe_dir *d, const char *what,
		     struct kme_err *err)
{
	struct stat sb;
	const char *why = NULL;

	if (fstat(d->fd, &sb) < 0)
		return kme_errnof(err, errno, "%s: fstat", d->shown);
	if (sb.st_uid != geteuid())
		why = "not owned by us";
	else if (sb.st_mode & S_IWOTH)
		why = "world-writable";
	else if (sb.st_mode & S_IWGRP)
		why = "group-writable";
	if (why != NULL)
		return kme_errf(err, "%s: refusing %s: %s", d->shown, what, why);
	return 0;
}

int safe_dir_open(struct safe_dir *d, const char *path, const char *what,
		  bool create, struct kme_err *err)
{
	const char *slash = strrchr(path, '/');
	size_t plen = strlen(path), dlen;

	*d = (struct safe_dir){ .fd = -1 };
	if (plen == 0 || (slash != NULL && slash[1] == '\0'))
		return kme_errf(err, "'%s': path names no file", path);
	dlen = slash ? (size_t)(slash - path) + 1 : 0;
	/* "/state.json" -> "/", "state.json" -> ".", "a/b" -> "a" */
	d->shown = dlen == 0 ? strdup(".")
			     : strndup(path, dlen > 1 ? dlen - 1 : 1);
	d->prefix = strndup(path, dlen);
	d->name = strdup(path + dlen);
	if (d->shown == NULL || d->prefix == NULL || d->name == NULL) {
		safe_dir_close(d);
		return kme_errnof(err, ENOMEM, "%s: open", path);
	}
	if (create && mkdir(d->shown, 0700) < 0 && errno != EEXIST) {
		kme_errnof(err, errno, "%s: create %s", d->shown, what);
		safe_dir_close(d);
		return -1;
	}
	d->fd = open(d->shown, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->fd < 0 && errno == ENOENT && !create)
		return 1;
	if (d->fd < 0) {
		kme_errnof(err, errno, "%s: open %s", d->shown, what);
		safe_dir_close(d);
		return -1;
	}
	if (check_dir(d, what, err) < 0) {
		safe_dir_close(d);
		return -1;
	}
	return 0;
}

int safe_lock(const struct safe_dir *d, const char *name, bool *busy,
	      struct kme_err *err)
{
	char lname[SAFE_PATH_MAX], shown[SAFE_PATH_MAX];
	int fd, e;

	*busy = false;
	if (snprintf(lname, sizeof(lname), "%s.lock", name) >= (int)sizeof(lname))
		return kme_errf(err, "%s: name too long for a lock", name);
	safe_path(d, lname, shown, sizeof(shown));
	/* Read-only: flock needs no write access, and a lock held open for
	 * writing would keep the file system from being remounted
	 * read-only. */
	fd = openat(d->fd, lname, O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
		    0600);
	if (fd < 0)
		return kme_errnof(err, errno, "%s: open lock", shown);
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	e = errno;
	close(fd);
	if (e == EWOULDBLOCK) {
		*busy = true;
		return kme_errf(err, "%s: locked by another process", shown);
	}
	return kme_errnof(err, e, "%s: lock", shown);
}

int safe_open_read(const struct safe_dir *d, const char *name)
{
	/* O_NONBLOCK: a FIFO planted at NAME must not hang the open. */
	return openat(d->fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
}

/* ---- replacing a file --------------------------------------------------- */

int safe_begin(struct safe_tmp *w, const struct safe_dir *d,
	       const char *name, struct kme_err *err)
{
	char shown[SAFE_PATH_MAX];

	*w = (struct safe_tmp){ .d = d, .fd = -1 };
	w->name = strdup(name);
	w->tmpname = concat(name, ".tmp");
	if (w->name == NULL || w->tmpname == NULL) {
		kme_errnof(err, ENOMEM, "%s: save", safe_path(d, name, shown,
							     sizeof(shown)));
		goto fail;
	}
	safe_path(d, w->tmpname, shown, sizeof(shown));
	/* unlink does not follow a symlink; O_EXCL|O_NOFOLLOW then refuses
	 * anything planted between the two calls. */
	if (unlinkat(d->fd, w->tmpname, 0) < 0 && errno != ENOENT) {
		kme_errnof(err, errno, "%s: unlink", shown);
		goto fail;
	}
	w->fd = openat(d->fd, w->tmpname,
		       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (w->fd < 0) {
		kme_errnof(err, errno, "%s: create", shown);
		goto fail;
	}
	return 0;
fail:
	free(w->name);
	free(w->tmpname);
	*w = (struct safe_tmp){ .fd = -1 };
	return -1;
}

int safe_write(struct safe_tmp *w, const void *data, size_t len,
	       struct kme_err *err)
{
	char shown[SAFE_PATH_MAX];

	if (fdio_write_full(w->fd, data, len) < 0)
		return kme_errnof(err, errno, "%s: write",
				  safe_path(w->d, w->tmpname, shown,
					    sizeof(shown)));
	w->written += (off_t)len;
	return 0;
}

static void tmp_free(struct safe_tmp *w)
{
	free(w->name);
	free(w->tmpname);
	*w = (struct safe_tmp){ .fd = -1 };
}

void safe_abort(struct safe_tmp *w)
{
	if (w->tmpname == NULL)
		return;
	if (w->fd >= 0)
		close(w->fd);
	unlinkat(w->d->fd, w->tmpname, 0);
	tmp_free(w);
}

int safe_commit(struct safe_tmp *w, struct kme_err *err)
{
	char shown[SAFE_PATH_MAX], tshown[SAFE_PATH_MAX];
	int fd = w->fd;

	safe_path(w->d, w->name, shown, sizeof(shown));
	safe_path(w->d, w->tmpname, tshown, sizeof(tshown));
	if (fsync(fd) < 0) {
		kme_errnof(err, errno, "%s: fsync", tshown);
		goto fail;
	}
	w->fd = -1;
	if (close(fd) < 0) {
		kme_errnof(err, errno, "%s: close", tshown);
		goto fail;
	}
	if (renameat(w->d->fd, w->tmpname, w->d->fd, w->name) < 0) {
		kme_errnof(err, errno, "%s: rename to %s", tshown, shown);
		goto fail;
	}
	/* The rename is durable only once the directory is. NAME is already
	 * complete whatever happens next, so this failure keeps no temp. */
	if (fsync(w->d->fd) < 0) {
		kme_errnof(err, errno, "%s: fsync of its directory", shown);
		tmp_free(w);
		return -1;
	}
	tmp_free(w);
	return 0;
fail:
	safe_abort(w);
	return -1;
}

/* ---- keeping a file aside ------------------------------------------------ */

static int rename_noreplace(int dirfd, const char *from, const char *to)
{
	struct stat sb;

	if (renameat2(dirfd, from, dirfd, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* A file system without RENAME_NOREPLACE: check, then rename. */
	if (fstatat(dirfd, to, &sb, AT_SYMLINK_NOFOLLOW) == 0) {
		errno = EEXIST;
		return -1;
	}
	return renameat(dirfd, from, dirfd, to);
}

int safe_keep_aside(const struct safe_dir *d, const char *name,
		    const char *tag, char *aside, size_t size,
		    struct kme_err *err)
{
	char to[SAFE_PATH_MAX], shown[SAFE_PATH_MAX];
	long long now = (long long)time(NULL);
	int i, n;

	safe_path(d, name, shown, sizeof(shown));
	for (i = 0; i < 100; i++) {
		n = i == 0 ? snprintf(to, sizeof(to), "%s.%s-%lld", name, tag, now)
			   : snprintf(to, sizeof(to), "%s.%s-%lld.%d", name, tag,
				      now, i);
		if (n < 0 || (size_t)n >= sizeof(to))
			break;
		safe_path(d, to, aside, size);
		if (rename_noreplace(d->fd, name, to) == 0)
			return 0;
		if (errno != EEXIST) {
			kme_errnof(err, errno, "%s: rename to %s", shown, aside);
			aside[0] = '\0';
			return -1;
		}
	}
	kme_errf(err, "%s: rename aside: no free name", shown);
	aside[0] = '\0';
	return -1;
}

int safe_read_file(const char *path, const struct safe_read *r, char *buf,
		   size_t *len, struct kme_err *err)
{
	struct stat st;
	const char *why = NULL;
	ssize_t n;
	int fd;

	*len = 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 && errno == ELOOP)
		return kme_errf(err, "%s: refusing %s: symbolic link", path,
				r->what);
	if (fd < 0)
		return kme_errnof(err, errno, "%s: open", path);
	if (fstat(fd, &st) < 0) {
		kme_errnof(err, errno, "%s: fstat", path);
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode))
		why = "not a regular file";
	else if (r->root_owned && st.st_uid != 0)
		why = "not owned by root";
	else if (st.st_mode & r->deny)
		why = r->deny_why ? r->deny_why :
		      st.st_mode & r->deny & S_IWGRP ? "group-writable" :
						       "world-writable";
	else if ((uintmax_t)st.st_size > r->max)
		why = r->max_why;
	if (why != NULL) {
		close(fd);
		return kme_errf(err, "%s: refusing %s: %s", path, r->what, why);
	}
	n = fdio_read_full(fd, buf, r->max + 1);
	if (n < 0)
		kme_errnof(err, errno, "%s: read", path);
	close(fd);
	if (n < 0)
		return -1;
	*len = (size_t)n;
	return 0;
}
