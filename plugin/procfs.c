/* procfs.c - live-mode identity of a running process from /proc (see procfs.h).
 *
 * Every file of one process is read through a descriptor of its /proc/<pid>
 * directory, opened once: when the process exits, reads through that
 * descriptor fail (ESRCH/ENOENT) even if the pid has meanwhile been reused, so
 * one snapshot never mixes two processes.
 *
 * The comm used here is the one in /proc/<pid>/stat (the same bytes as
 * /proc/<pid>/comm, without a second open and without a window in which the
 * process could rename itself between the two reads), cut to 15 bytes as the
 * kernel and auditd's SYSCALL comm cut it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "execevent.h" /* ev_join_path */
#include "fdio.h"
#include "procfs.h"

/* A stat line is ~300 bytes; only its first 22 fields are needed. */
#define PF_STAT_MAX 1024
/* status is about 1.5 KiB; Uid: and Gid: are in its first lines. */
#define PF_STATUS_MAX 4096
#define PF_COMM_MAX 15       /* TASK_COMM_LEN - 1 */
/* argv elements after argv[0] that may name a script: "#!interp [arg]". */
#define PF_SCRIPT_SCAN 4
/* argv + envp are at most 6 MiB (3/4 of the 8 MiB stack cap): cmdline is
 * never longer, unless faked. */
#define PF_CMDLINE_MAX (16u << 20)
/* PID_MAX_LIMIT: more entries than this means a fake procroot. */
#define PF_MAX_PIDS (1u << 22)
#define PF_DELETED " (deleted)"
/* cwd + "/" + one argument */
#define PF_EXEC_MAX (PATH_MAX + 1 + PF_MAX_ARGS_BYTES)
#define PF_STAT_PPID 4       /* field numbers of proc(5) /proc/<pid>/stat */
#define PF_STAT_STARTTIME 22
#define PF_STAT_FIRST_AFTER_COMM 3

/* What /proc/<pid> says, before identity is decided. */
struct pf_raw {
	char comm[PF_COMM_MAX + 1];
	int32_t ppid;
	unsigned long long starttime; /* clock ticks after boot */
	char exe[PATH_MAX];           /* "" when unknown */
	char cwd[PATH_MAX];           /* "" when unknown */
	char cmd[PF_MAX_ARGS_BYTES];  /* cmdline bytes, NUL-separated */
	size_t cmd_len;
	bool cmd_truncated;
	size_t argc;                  /* arguments in the whole cmdline */
	bool ids_known;               /* Uid: and Gid: of status */
	unsigned long long uid[2], gid[2]; /* real, effective */
};

static const char *root_or_default(const char *procroot)
{
	return procroot ? procroot : "/proc";
}

/* Read at most cap bytes of dfd/name into buf; *more tells whether the file
 * had more. O_NONBLOCK keeps a FIFO planted in a fake procroot from hanging
 * us; /proc files ignore it. Returns 0, or -1 with errno set. */
static int read_bounded(int dfd, const char *name, char *buf, size_t cap,
			size_t *len, bool *more)
{
	int fd, saved;
	ssize_t n, n2 = 0;
	char extra;

	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -1;
	n = fdio_read_full(fd, buf, cap);
	if (n == (ssize_t)cap)
		n2 = fdio_read(fd, &extra, 1);
	saved = errno;
	close(fd);
	if (n < 0 || n2 < 0) {
		errno = saved;
		return -1;
	}
	*len = (size_t)n;
	*more = n2 > 0;
	return 0;
}

/* cmdline: its first cap bytes into r->cmd, and the number of arguments in
 * the whole of it (NUL-terminated strings; an unterminated last one counts),
 * read on in chunks up to PF_CMDLINE_MAX bytes: the count is the real one,
 * not what fit. Returns 0, or -1 with errno set. */
static int read_cmdline(int dfd, struct pf_raw *r)
{
	char chunk[4096];
	size_t got = 0, total = 0, nuls = 0, i;
	char last = '\0';
	ssize_t n;
	int fd, saved;

	fd = openat(dfd, "cmdline", O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -1;
	r->cmd_truncated = false;
	while (total < PF_CMDLINE_MAX) {
		char *into = got < sizeof(r->cmd) ? r->cmd + got : chunk;
		size_t room = got < sizeof(r->cmd) ? sizeof(r->cmd) - got : sizeof(chunk);

		n = fdio_read(fd, into, room);
		if (n < 0) {
			saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
		if (n == 0)
			break;
		if (into == chunk)
			r->cmd_truncated = true;
		else
			got += (size_t)n;
		for (i = 0; i < (size_t)n; i++)
			nuls += into[i] == '\0';
		last = into[n - 1];
		total += (size_t)n;
	}
	close(fd);
	r->cmd_len = got;
	r->argc = nuls + (total > 0 && last != '\0');
	return 0;
}

/* readlink bounded by buf's size; a target that does not fit, or any error,
 * leaves "" (unknown): a cut path would be a wrong identity. A deleted target
 * reads "/path (deleted)" and is kept as the kernel says it: that is still the
 * path the process was started from, marked. */
static void read_link(int dfd, const char *name, char *buf, size_t cap)
{
	ssize_t n = readlinkat(dfd, name, buf, cap);

	if (n < 0 || (size_t)n >= cap)
		n = 0;
	buf[n] = '\0';
}

/* Strict unsigned decimal of exactly n bytes. */
static int parse_ull(const char *p, size_t n, unsigned long long *out)
{
	unsigned long long v = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned d = (unsigned char)p[i] - '0';

		if (d > 9 || v > (ULLONG_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* Parse "pid (comm) S ppid ... starttime ...". comm may hold any byte but
 * NUL, ')' and spaces included, so it ends at the LAST ')': every later field
 * is numeric or a one-letter state. When the read was cut (more), a field
 * that reaches the end of buf may be cut too and is refused. Returns 0 or -1
 * with *why set. */
static int parse_stat(const char *buf, size_t len, bool more, struct pf_raw *r,
		      const char **why)
{
	const char *lp = memchr(buf, '(', len);
	const char *rp = memrchr(buf, ')', len);
	const char *p, *end = buf + len;
	size_t clen;
	int field = PF_STAT_FIRST_AFTER_COMM;
	unsigned long long v;

	if (lp == NULL || rp == NULL || rp < lp) {
		*why = "no '(comm)'";
		return -1;
	}
	clen = (size_t)(rp - lp - 1);
	if (clen > PF_COMM_MAX)
		clen = PF_COMM_MAX;
	memcpy(r->comm, lp + 1, clen);
	r->comm[clen] = '\0';

	p = rp + 1;
	for (;;) {
		const char *tok;

		while (p < end && *p == ' ')
			p++;
		tok = p;
		while (p < end && *p != ' ' && *p != '\n')
			p++;
		if (tok == p || (p == end && more)) {
			*why = "fewer than 22 fields";
			return -1;
		}
		if (field == PF_STAT_PPID) {
			if (parse_ull(tok, (size_t)(p - tok), &v) < 0 ||
			    v > INT32_MAX) {
				*why = "bad ppid";
				return -1;
			}
			r->ppid = (int32_t)v;
		} else if (field == PF_STAT_STARTTIME) {
			if (parse_ull(tok, (size_t)(p - tok), &v) < 0) {
				*why = "bad starttime";
				return -1;
			}
			r->starttime = v;
			return 0;
		}
		field++;
	}
}

/* "Uid:\tR\tE\tS\tF" (or Gid:) at the start of line: R and E into v. */
static bool ids_line(const char *line, const char *end, const char *key,
		     unsigned long long v[2])
{
	size_t klen = strlen(key);
	const char *p = line + klen, *tok;
	int i;

	if ((size_t)(end - line) < klen || memcmp(line, key, klen) != 0)
		return false;
	for (i = 0; i < 2; i++) {
		while (p < end && (*p == '\t' || *p == ' '))
			p++;
		tok = p;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		if (parse_ull(tok, (size_t)(p - tok), &v[i]) < 0 || v[i] > UINT32_MAX)
			return false;
	}
	return true;
}

/* The real and effective ids from dfd's status; unknown when it cannot be
 * read (a fake procroot, a process gone) or lacks the lines. */
static void read_ids(int dfd, struct pf_raw *r)
{
	char buf[PF_STATUS_MAX];
	const char *line, *nl, *end;
	bool uid = false, gid = false, more;
	size_t len;

	if (read_bounded(dfd, "status", buf, sizeof(buf), &len, &more) < 0)
		return;
	end = buf + len;
	for (line = buf; line < end; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(end - line));
		if (nl == NULL)
			nl = end;
		uid = uid || ids_line(line, nl, "Uid:", r->uid);
		gid = gid || ids_line(line, nl, "Gid:", r->gid);
	}
	r->ids_known = uid && gid;
}

/* Fill r from the open /proc/<pid> directory dfd. path names that directory
 * in messages. Returns 0, or -1 with err set and *errnum the cause. */
static int read_raw(int dfd, const char *path, struct pf_raw *r,
		    struct kme_err *err, int *errnum)
{
	char line[PF_STAT_MAX];
	size_t len;
	bool more;
	const char *why;

	if (read_bounded(dfd, "stat", line, sizeof(line), &len, &more) < 0) {
		*errnum = errno;
		return kme_errnof(err, errno, "%s/stat: read", path);
	}
	if (parse_stat(line, len, more, r, &why) < 0) {
		*errnum = EINVAL;
		return kme_errf(err, "%s/stat:1: %s", path, why);
	}
	if (read_cmdline(dfd, r) < 0) {
		*errnum = errno;
		return kme_errnof(err, errno, "%s/cmdline: read", path);
	}
	/* Unknown for kernel threads, zombies, and without CAP_SYS_PTRACE. */
	read_link(dfd, "exe", r->exe, sizeof(r->exe));
	read_link(dfd, "cwd", r->cwd, sizeof(r->cwd));
	read_ids(dfd, r);
	return 0;
}

/* Split cmdline at NULs into out->args: one allocation holds the pointer
 * array and the strings, so pf_proc_free frees it whole. An unterminated
 * last argument counts; beyond PF_MAX_ARGS arguments or a cut read,
 * args_truncated. */
static int split_args(const struct pf_raw *r, struct pf_proc *out)
{
	const char *p, *end = r->cmd + r->cmd_len;
	size_t n = 0, i, bytes, off;
	char *s;

	out->args_truncated = r->cmd_truncated;
	for (p = r->cmd; p < end; n++) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));

		if (n == PF_MAX_ARGS) {
			out->args_truncated = true;
			break;
		}
		p = nul ? nul + 1 : end;
	}
	if (n == 0)
		return 0;
	bytes = (size_t)(p - r->cmd);
	/* n pointers, then the bytes, plus a NUL for an unterminated last one. */
	out->args = malloc(n * sizeof(char *) + bytes + 1);
	out->arg_lens = malloc(n * sizeof(size_t));
	if (out->args == NULL || out->arg_lens == NULL)
		return -1;
	s = (char *)(out->args + n);
	memcpy(s, r->cmd, bytes);
	s[bytes] = '\0';
	for (i = 0, off = 0; i < n; i++) {
		size_t l = strnlen(s + off, bytes - off);

		out->args[i] = s + off;
		out->arg_lens[i] = l;
		off += l + 1;
	}
	out->nargs = n;
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static bool begins_with_comm(const char *path, const char *comm)
{
	size_t clen = strlen(comm);

	return clen > 0 && strncmp(base_name(path), comm, clen) == 0;
}

/* Is comm what the kernel would have made of the exe link's basename? Then
 * the image is the program itself, not an interpreter running a script. A
 * binary replaced on disk reads "name (deleted)": compare without that. */
static bool exe_is_comm(const char *exe, const char *comm)
{
	const char *b = base_name(exe);
	size_t blen = strlen(b), dlen = strlen(PF_DELETED);

	if (blen > dlen && strcmp(b + blen - dlen, PF_DELETED) == 0)
		blen -= dlen;
	if (blen > PF_COMM_MAX)
		blen = PF_COMM_MAX;
	return blen == strlen(comm) && memcmp(b, comm, blen) == 0;
}

/* The path as executed, per procfs.h; "" when only comm is known.
 * Without the exe link (no permission, a fake procroot) an interpreter cannot
 * be told from a program, so no argument is taken for a script then. */
static const char *pick_path(const struct pf_raw *r, const struct pf_proc *p)
{
	size_t i;

	if (r->exe[0] != '\0' && !exe_is_comm(r->exe, r->comm)) {
		/* The kernel runs "#!interp [arg]" scripts as
		 * interp [arg] script-path-as-given original-args... */
		for (i = 1; i < p->nargs && i <= PF_SCRIPT_SCAN; i++) {
			if (p->args[i][0] == '-')
				continue;
			if (begins_with_comm(p->args[i], r->comm))
				return p->args[i];
		}
	}
	if (p->nargs > 0 && strchr(p->args[0], '/') != NULL &&
	    begins_with_comm(p->args[0], r->comm))
		return p->args[0];
	return r->exe;
}

/* pick_path's path made absolute as execevent makes PATH names absolute:
 * joined to /proc/<pid>/cwd, never rewritten (a '..' after a symlinked
 * directory is not a text operation), so that a parent known from /proc and
 * one known from its exec event make the same new-terms key and meet the same
 * exclusions. When it cannot be made absolute (no cwd link: a cwd beyond
 * PATH_MAX, no permission) or nothing was run by a path, the exe link
 * (*resolved). Returns 0 with *out NULL when unknown, -1 on ENOMEM. */
static int executable_of(const struct pf_raw *r, const char *path, bool as_run,
			 char **out, bool *resolved)
{
	struct kme_buf joined;

	*out = NULL;
	*resolved = false;
	if (as_run && path[0] != '/' && r->cwd[0] == '/') {
		buf_init(&joined, PF_EXEC_MAX);
		if (ev_join_path((struct kme_str){ r->cwd, strlen(r->cwd) },
				 (struct kme_str){ path, strlen(path) }, &joined) < 0) {
			/* cwd and one argument always fit: out of memory. */
			buf_free(&joined);
			return -1;
		}
		*out = joined.p; /* buf memory is malloc'd: the caller frees it */
		return 0;
	}
	if (!as_run || path[0] != '/') {
		path = r->exe;
		*resolved = true;
	}
	if (path[0] != '/') {
		*resolved = false;
		return 0;
	}
	*out = strdup(path);
	return *out ? 0 : -1;
}

/* Decide identity from r into out. -1 only on ENOMEM. */
static int build(const struct pf_raw *r, int32_t pid, int64_t btime,
		 struct pf_proc *out)
{
	long ticks = sysconf(_SC_CLK_TCK);
	unsigned long long since;
	const char *path, *name = NULL;
	bool as_run;

	out->pid = pid;
	out->ppid = r->ppid;
	out->start_time = out->start_ms = -1;
	out->start_ticks = r->starttime;
	if (btime >= 0 && ticks > 0) {
		since = r->starttime / (unsigned long long)ticks;
		if (since <= (unsigned long long)(INT64_MAX / 1000 - btime - 1)) {
			out->start_time = btime + (int64_t)since;
			out->start_ms = out->start_time * 1000 +
				(int64_t)(r->starttime % (unsigned long long)ticks *
					  1000 / (unsigned long long)ticks);
		}
	}
	out->cred_known = r->ids_known;
	if (r->ids_known) {
		out->uid = (uint32_t)r->uid[0];
		out->euid = (uint32_t)r->uid[1];
		out->gid = (uint32_t)r->gid[0];
		out->egid = (uint32_t)r->gid[1];
	}
	if (r->cwd[0] == '/' && (out->cwd = strdup(r->cwd)) == NULL)
		return -1;
	if (split_args(r, out) < 0)
		return -1;
	out->argc = r->argc > out->nargs ? r->argc : out->nargs;
	path = pick_path(r, out);
	as_run = path != r->exe;
	if (executable_of(r, path, as_run, &out->executable, &out->exe_resolved) < 0)
		return -1;
	/* The name is the basename of the path as run, as execevent takes it
	 * from PATH item 0, even when the executable had to be the exe link;
	 * else of the executable; else comm. */
	if (as_run && *base_name(path) != '\0')
		name = base_name(path);
	else if (out->executable != NULL && *base_name(out->executable) != '\0')
		name = base_name(out->executable);
	if (name != NULL) {
		out->name = strdup(name);
		return out->name ? 0 : -1;
	}
	if (r->comm[0] == '\0')
		return 0;
	out->name_is_comm = true;
	out->name = strdup(r->comm);
	return out->name ? 0 : -1;
}

/* pf_read with the boot time given, so a sweep reads /proc/stat once.
 * *errnum tells a vanished process (ENOENT, ESRCH) from ENOMEM and others. */
static int read_one(const char *procroot, int32_t pid, int64_t btime,
		    struct pf_proc *out, struct kme_err *err, int *errnum)
{
	char path[PATH_MAX];
	struct pf_raw *r;
	int dfd, n, rc;

	memset(out, 0, sizeof(*out));
	n = snprintf(path, sizeof(path), "%s/%d", root_or_default(procroot),
		     (int)pid);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		*errnum = ENAMETOOLONG;
		return kme_errf(err, "%s: pid %d: procroot path too long",
				root_or_default(procroot), (int)pid);
	}
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		*errnum = errno;
		return kme_errnof(err, errno, "%s: open", path);
	}
	/* ~13 KiB: on the heap, so callers with small stacks are safe. */
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		close(dfd);
		*errnum = ENOMEM;
		return kme_errf(err, "%s: out of memory", path);
	}
	rc = read_raw(dfd, path, r, err, errnum);
	close(dfd);
	if (rc == 0 && build(r, pid, btime, out) < 0) {
		pf_proc_free(out);
		*errnum = ENOMEM;
		rc = kme_errf(err, "%s: out of memory", path);
	}
	free(r);
	if (rc < 0)
		pf_proc_free(out); /* leaves *out zeroed */
	return rc;
}

int pf_read(const char *procroot, int32_t pid, struct pf_proc *out,
	    struct kme_err *err)
{
	int errnum;

	return read_one(procroot, pid, pf_boot_time(procroot), out, err,
			&errnum);
}

void pf_proc_free(struct pf_proc *p)
{
	if (p == NULL)
		return;
	free(p->executable);
	free(p->name);
	free(p->cwd);
	free(p->args); /* pointers and strings: one allocation (split_args) */
	free(p->arg_lens);
	memset(p, 0, sizeof(*p));
}

/* A whole line of procroot/stat, or its first sizeof(line) bytes when it is
 * longer (len then exceeds that size). Sets *btime from "btime N". */
static void boot_time_line(const char *line, size_t len, size_t cap,
			   int64_t *btime)
{
	static const char key[] = "btime ";
	const size_t klen = sizeof(key) - 1;
	unsigned long long v;

	if (len > klen && len <= cap && memcmp(line, key, klen) == 0 &&
	    parse_ull(line + klen, len - klen, &v) == 0 && v <= INT64_MAX)
		*btime = (int64_t)v;
}

/* /proc/stat's "btime" line is the wall-clock boot time, which the kernel
 * recomputes when the clock is stepped: two reads may differ, so compare
 * start times with a second or two of slack. The file holds a line per CPU
 * and a long "intr" line; it is scanned in chunks, keeping only the start
 * of each line, so no line length matters. */
int64_t pf_boot_time(const char *procroot)
{
	char path[PATH_MAX], chunk[4096], line[32];
	size_t llen = 0;
	ssize_t n = 0, i;
	int fd, m;
	int64_t btime = -1;

	m = snprintf(path, sizeof(path), "%s/stat", root_or_default(procroot));
	if (m < 0 || (size_t)m >= sizeof(path))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -1;
	while (btime < 0) {
		n = fdio_read(fd, chunk, sizeof(chunk));
		if (n <= 0)
			break;
		for (i = 0; i < n && btime < 0; i++) {
			if (chunk[i] == '\n') {
				boot_time_line(line, llen, sizeof(line), &btime);
				llen = 0;
			} else if (llen < sizeof(line)) {
				line[llen++] = chunk[i];
			} else {
				llen = sizeof(line) + 1; /* too long: ignored */
			}
		}
	}
	if (btime < 0 && n == 0) /* a last line without its newline */
		boot_time_line(line, llen, sizeof(line), &btime);
	close(fd);
	return btime;
}

bool pf_boot_id(const char *procroot, char out[PF_BOOT_ID_SIZE])
{
	char path[PATH_MAX], buf[PF_BOOT_ID_SIZE + 1];
	size_t len, i;
	bool more;
	int m, dfd;

	out[0] = '\0';
	m = snprintf(path, sizeof(path), "%s/sys/kernel/random",
		     root_or_default(procroot));
	if (m < 0 || (size_t)m >= sizeof(path) ||
	    (dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return false;
	m = read_bounded(dfd, "boot_id", buf, sizeof(buf), &len, &more);
	close(dfd);
	if (m < 0 || more || len < PF_BOOT_ID_SIZE - 1)
		return false;
	for (i = 0; i < PF_BOOT_ID_SIZE - 1; i++)
		if (!((buf[i] >= '0' && buf[i] <= '9') ||
		      (buf[i] >= 'a' && buf[i] <= 'f') || buf[i] == '-'))
			return false;
	if (len > PF_BOOT_ID_SIZE - 1 && buf[PF_BOOT_ID_SIZE - 1] != '\n')
		return false;
	memcpy(out, buf, PF_BOOT_ID_SIZE - 1);
	out[PF_BOOT_ID_SIZE - 1] = '\0';
	return true;
}

static int cmp_pid(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

/* A /proc entry name that is a pid: digits only, in int32_t range. */
static bool pid_name(const char *s, int32_t *pid)
{
	unsigned long long v;

	if (parse_ull(s, strlen(s), &v) < 0 || v == 0 || v > INT32_MAX)
		return false;
	*pid = (int32_t)v;
	return true;
}

/* The sorted pids under procroot in *pids (caller frees). */
static int list_pids(const char *root, int32_t **pids, size_t *n,
		     struct kme_err *err)
{
	DIR *d = opendir(root);
	struct dirent *e;
	int32_t *v = NULL, *nv, pid;
	size_t len = 0, cap = 0;

	*pids = NULL;
	*n = 0;
	if (d == NULL)
		return kme_errnof(err, errno, "%s: opendir", root);
	for (errno = 0; (e = readdir(d)) != NULL; errno = 0) {
		if (!pid_name(e->d_name, &pid))
			continue;
		if (len == PF_MAX_PIDS) {
			closedir(d);
			free(v);
			return kme_errf(err, "%s: more than %u pids",
					root, PF_MAX_PIDS);
		}
		if (len == cap) {
			cap = cap ? cap * 2 : 512;
			nv = realloc(v, cap * sizeof(*v));
			if (nv == NULL) {
				closedir(d);
				free(v);
				return kme_errf(err, "%s: out of memory", root);
			}
			v = nv;
		}
		v[len++] = pid;
	}
	if (errno != 0) {
		int saved = errno;

		closedir(d);
		free(v);
		return kme_errnof(err, saved, "%s: readdir", root);
	}
	closedir(d);
	if (len > 0)
		qsort(v, len, sizeof(*v), cmp_pid);
	*pids = v;
	*n = len;
	return 0;
}

int pf_foreach(const char *procroot,
	       int (*fn)(void *arg, const struct pf_proc *p), void *arg,
	       struct kme_err *err)
{
	const char *root = root_or_default(procroot);
	int64_t btime = pf_boot_time(procroot);
	int32_t *pids;
	size_t n, i;
	struct pf_proc p;
	struct kme_err skip;
	int rc = 0, errnum;

	if (list_pids(root, &pids, &n, err) < 0)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		/* A process that vanished or is unreadable is skipped; only
		 * running out of memory ends the sweep. */
		if (read_one(procroot, pids[i], btime, &p, &skip, &errnum) < 0) {
			if (errnum == ENOMEM) {
				if (err != NULL)
					*err = skip;
				rc = -1;
			}
			continue;
		}
		rc = fn(arg, &p);
		pf_proc_free(&p);
	}
	free(pids);
	return rc;
}
