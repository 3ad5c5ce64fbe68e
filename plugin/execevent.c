/* execevent.c - auparse event -> struct kme_exec (see execevent.h).
 *
 * ev_build goes in named steps: the SYSCALL record says what the event is
 * (read_syscall, classify); for an exec, the identity the SYSCALL record gives
 * (exec_identity), then the EXECVE, CWD and PATH records (exec_records,
 * argv through execargs.c), then the paths (exec_paths) and the strings
 * (exec_strings) once nothing moves any more.
 */
#include <errno.h>
#include <stdio.h>
#include <libaudit.h>
#include <stdlib.h>
#include <string.h>

#include "aurec.h"
#include "buf.h"
#include "execargs.h"
#include "execevent.h"
#include "syscalls.h"

#define CLONE_THREAD_FLAG 0x00010000UL

/* Paths, comm, cwd, node...: a record line is at most RD_DEFAULT_MAX_LINE
 * (64 KiB), so its values decode to less; a few of them fit here. */
#define EV_MAX_META (256 * 1024)

struct ev_builder {
	struct ea_args *args;     /* argv of the current event */
	struct kme_buf meta;      /* every other string of the event: argv can
				     fill its own arena without pushing these out */
	/* What only an alert shows, as libauparse holds it, for
	 * ev_decode_details: PROCTITLE's value, SYSCALL's suid, sgid, arch
	 * (NULL: none). */
	const char *title_raw, *suid_raw, *sgid_raw, *arch_raw;
	struct kme_buf title;     /* the title decoded */
	struct sc_cache sc;
	bool sc_first[256];       /* first bytes of syscall_fields' names */
};

static void sc_first_init(bool first[256]);

/* Where a string of the event is in `meta` while meta may still move. */
struct span {
	size_t off, len;
};

#define SPAN_NONE ((struct span){ (size_t)-1, 0 })

struct exec_spans {
	struct span comm, exe, cwd, path0, tty, uname, euname, gname, egname,
		    auname, node, executable;
	bool at_dirfd;            /* execveat relative to a directory fd */
	bool resolved;            /* executable is exe, not the path as run */
	bool have_execve;
	bool full;                /* a value did not fit in meta */
};

struct ev_builder *ev_builder_new(struct kme_err *err)
{
	struct ev_builder *b = calloc(1, sizeof(*b));

	if (b == NULL) {
		kme_errf(err, "exec events: out of memory");
		return NULL;
	}
	buf_init(&b->meta, EV_MAX_META);
	buf_init(&b->title, EV_MAX_META);
	sc_first_init(b->sc_first);
	b->args = ea_new(err);
	if (b->args == NULL) {
		ev_builder_free(b);
		return NULL;
	}
	return b;
}

void ev_builder_free(struct ev_builder *b)
{
	if (b == NULL)
		return;
	ea_free(b->args);
	buf_free(&b->meta);
	buf_free(&b->title);
	free(b);
}

int ev_builder_watch(struct ev_builder *b, const struct kme_argset *set,
		     struct kme_err *err)
{
	return ea_watch(b->args, set, err);
}

int ev_join_path(struct kme_str dir, struct kme_str name, struct kme_buf *out)
{
	size_t base = out->len;

	/* "./x" is "x"; ".//x" and "./" are left alone, so that nothing but the
	 * leading "./" is ever taken away. */
	while (name.len > 2 && name.p[0] == '.' && name.p[1] == '/' &&
	       name.p[2] != '/') {
		name.p += 2;
		name.len -= 2;
	}
	if (buf_append(out, dir.p, dir.len) < 0 ||
	    ((dir.len == 0 || dir.p[dir.len - 1] != '/') && buf_putc(out, '/') < 0) ||
	    buf_append(out, name.p, name.len) < 0) {
		out->len = base;
		if (out->p != NULL)
			out->p[base] = '\0';
		return -1;
	}
	return 0;
}

/* Decode raw into meta (NUL-terminated for kme_str's promise). An unexpected
 * form sets *bad; running into meta's bound sets s->full (a bound is
 * truncation, not malformation). "(null)" is absent. */
static struct span store_value(struct kme_buf *meta, const char *raw, bool *bad,
			       struct exec_spans *s)
{
	size_t off = meta->len;
	int rc = ea_decode_value(raw, meta);

	if (rc < 0 || (rc != 1 && buf_putc(meta, '\0') < 0)) {
		meta->len = off;
		s->full = true;
		return SPAN_NONE;
	}
	if (rc == 1)
		return SPAN_NONE;
	if (rc == 2)
		*bad = true;
	return (struct span){ off, meta->len - off - 1 };
}

/* Store a value that is used as it is (tty, node, user name), with the '\0'
 * that ends every kme_str. */
static struct span store_bytes(struct kme_buf *meta, struct kme_str v,
			       struct exec_spans *s)
{
	size_t off = meta->len;

	if (buf_append(meta, v.p, v.len + 1) < 0) { /* with its '\0' */
		meta->len = off;
		s->full = true;
		return SPAN_NONE;
	}
	return (struct span){ off, v.len };
}

static struct span store_plain(struct kme_buf *meta, const char *v,
			       struct exec_spans *s)
{
	return store_bytes(meta, (struct kme_str){ v, strlen(v) }, s);
}

static struct kme_str str_at(const struct ev_builder *b, struct span sp)
{
	if (sp.off == (size_t)-1)
		return KME_STR_NULL;
	return (struct kme_str){ b->meta.p + sp.off, sp.len };
}

static bool parse_long(const char *s, int base, long long *out)
{
	char *end;

	if (s == NULL || *s == '\0')
		return false;
	errno = 0;
	*out = strtoll(s, &end, base);
	return errno == 0 && *end == '\0';
}

static bool parse_ulong(const char *s, int base, unsigned long long *out)
{
	char *end;

	if (s == NULL || *s == '\0' || *s == '-')
		return false;
	errno = 0;
	*out = strtoull(s, &end, base);
	return errno == 0 && *end == '\0';
}

static int32_t parse_pid(const char *s)
{
	long long v;

	return (parse_long(s, 10, &v) && v >= 0 && v <= INT32_MAX) ? (int32_t)v : -1;
}

static uint32_t parse_id(const char *s)
{
	unsigned long long v;

	return (parse_ulong(s, 10, &v) && v <= UINT32_MAX) ? (uint32_t)v : KME_ID_UNSET;
}

/* --- step 1: the SYSCALL record ------------------------------------------ */

/* SYSCALL fields we read, in a sorted table searched with bsearch. */
enum sc_field {
	F_A0, F_ARCH, F_AUID, F_COMM, F_EGID, F_EUID, F_EXE, F_EXIT, F_GID,
	F_PID, F_PPID, F_SES, F_SGID, F_SUCCESS, F_SUID, F_SYSCALL, F_TTY, F_UID,
	F__COUNT
};

struct field_name {
	const char *name;
	enum sc_field id;
};

static const struct field_name syscall_fields[] = {
	{ "a0", F_A0 },       { "arch", F_ARCH }, { "auid", F_AUID },
	{ "comm", F_COMM },   { "egid", F_EGID }, { "euid", F_EUID },
	{ "exe", F_EXE },     { "exit", F_EXIT }, { "gid", F_GID },
	{ "pid", F_PID },     { "ppid", F_PPID }, { "ses", F_SES },
	{ "sgid", F_SGID },   { "success", F_SUCCESS }, { "suid", F_SUID },
	{ "syscall", F_SYSCALL }, { "tty", F_TTY }, { "uid", F_UID },
};

/* strcmp's order; the first bytes are compared here, because most probes
 * differ in them and a strcmp call costs 20 to 25 instructions, more or
 * less depending on where libauparse's allocator put the name. */
static int cmp_field(const void *key, const void *elem)
{
	const unsigned char *k = key;
	const unsigned char *n = (const unsigned char *)((const struct field_name *)elem)->name;

	if (k[0] != n[0])
		return k[0] < n[0] ? -1 : 1;
	return strcmp(key, (const char *)n);
}

/* Which bytes begin a name of syscall_fields: a field whose name begins
 * otherwise (node, items, key, fsuid...) is passed over without a bsearch
 * of strcmp calls. On an aggregator's stream every record has node=. */
static void sc_first_init(bool first[256])
{
	size_t i;

	memset(first, 0, 256 * sizeof(first[0]));
	for (i = 0; i < sizeof(syscall_fields) / sizeof(syscall_fields[0]); i++)
		first[(unsigned char)syscall_fields[i].name[0]] = true;
}

/* Find the event's SYSCALL record and read it into vals[] (borrowed from
 * auparse, valid while the cursor stays on that record). false: none. */
static bool read_syscall(const struct ev_builder *b, auparse_state_t *au,
			 const char *vals[F__COUNT])
{
	int at;

	memset(vals, 0, sizeof(vals[0]) * F__COUNT);
	if ((at = aur_syscall(au)) <= 0)
		return at == 0;
	do {
		const char *name = auparse_get_field_name(au);
		const struct field_name *f;

		if (name == NULL || !b->sc_first[(unsigned char)name[0]])
			continue;
		f = bsearch(name, syscall_fields,
			    sizeof(syscall_fields) / sizeof(syscall_fields[0]),
			    sizeof(syscall_fields[0]), cmp_field);
		if (f != NULL && vals[f->id] == NULL)
			vals[f->id] = auparse_get_field_str(au);
	} while (auparse_next_field(au) > 0);
	return true;
}

/* EV_EXEC, EV_FORK (fork_child set), EV_OPEN or EV_OTHER, from the SYSCALL
 * fields. */
static enum ev_kind classify(struct ev_builder *b, const char *sc[F__COUNT],
			     struct ev_event *out, bool *execat)
{
	unsigned long long arch = 0, a0 = 0;
	enum sc_class cls = SC_OTHER;
	long long v;

	if (parse_ulong(sc[F_ARCH], 16, &arch) && parse_long(sc[F_SYSCALL], 10, &v))
		cls = sc_classify(&b->sc, (unsigned long)arch, (long)v);
	*execat = cls == SC_EXECAT;
	if (cls == SC_EXEC || cls == SC_EXECAT)
		return EV_EXEC;
	if (sc_is_open(cls))
		return EV_OPEN;
	if (cls != SC_CLONE && cls != SC_FORK)
		return EV_OTHER;
	if (sc[F_SUCCESS] == NULL || strcmp(sc[F_SUCCESS], "yes") != 0 ||
	    !parse_long(sc[F_EXIT], 10, &v) || v <= 0 || v > INT32_MAX)
		return EV_OTHER;
	if (cls == SC_CLONE && parse_ulong(sc[F_A0], 16, &a0) &&
	    (a0 & CLONE_THREAD_FLAG))
		return EV_OTHER; /* a thread, not a process */
	out->fork_child = (int32_t)v;
	return EV_FORK;
}

/* The ENRICHED interpretation of the SYSCALL record's field (a user or group
 * name), stored; SPAN_NONE when absent. Searched from the record's first
 * field each time: O(fields of the record). */
static struct span enriched_name(auparse_state_t *au, const char *field,
				 struct ev_builder *b, struct exec_spans *s)
{
	const char *name = aur_enriched(au, field);

	if (name == NULL)
		return SPAN_NONE;
	return store_plain(&b->meta, name, s);
}

/* --- step 2: what the SYSCALL record says about an exec ------------------ */

const char *ev_arch_name(const char *hex)
{
	unsigned long long v;
	int machine;

	if (!parse_ulong(hex, 16, &v) || v > UINT32_MAX ||
	    (machine = audit_elf_to_machine((unsigned int)v)) < 0)
		return NULL;
	return audit_machine_to_name(machine);
}

static void exec_identity(struct ev_builder *b, auparse_state_t *au,
			  const char *sc[F__COUNT], bool execat,
			  struct ev_event *out, struct exec_spans *s)
{
	struct kme_exec *ex = &out->exec;

	ex->sec = out->sec;
	ex->msec = out->msec;
	ex->serial = out->serial;
	ex->success = sc[F_SUCCESS] != NULL && strcmp(sc[F_SUCCESS], "yes") == 0;
	ex->proc.pid = out->pid;
	ex->ppid = out->ppid;
	ex->parent.pid = out->ppid;
	ex->uid = parse_id(sc[F_UID]);
	ex->euid = parse_id(sc[F_EUID]);
	ex->gid = parse_id(sc[F_GID]);
	ex->egid = parse_id(sc[F_EGID]);
	ex->auid = parse_id(sc[F_AUID]);
	ex->ses = parse_id(sc[F_SES]);
	/* Left for ev_decode_details. */
	ex->suid = ex->sgid = KME_ID_UNSET;
	b->suid_raw = sc[F_SUID];
	b->sgid_raw = sc[F_SGID];
	b->arch_raw = sc[F_ARCH];
	b->title_raw = NULL;
	if (sc[F_COMM])
		s->comm = store_value(&b->meta, sc[F_COMM], &out->malformed, s);
	if (sc[F_EXE])
		s->exe = store_value(&b->meta, sc[F_EXE], &out->malformed, s);
	/* tty is never quoted: "pts0", "tty1" or "(none)". */
	if (sc[F_TTY] && strcmp(sc[F_TTY], "(none)") != 0)
		s->tty = store_plain(&b->meta, sc[F_TTY], s);
	s->at_dirfd = execat && sc[F_A0] != NULL && !sc_is_at_fdcwd(sc[F_A0]);
	/* ENRICHED logs carry the user and group names; interpret only then,
	 * since RAW interpretation would call getpwuid/getgrgid on the hot
	 * path. The cursor is still on the SYSCALL record. */
	if (auparse_get_record_interpretations(au) != NULL) {
		s->uname = enriched_name(au, "uid", b, s);
		s->euname = enriched_name(au, "euid", b, s);
		s->gname = enriched_name(au, "gid", b, s);
		s->egname = enriched_name(au, "egid", b, s);
		s->auname = enriched_name(au, "auid", b, s);
	}
	if (out->node.p != NULL)
		s->node = store_bytes(&b->meta, out->node, s);
}

/* --- step 3: EXECVE, CWD, PATH item 0 and PROCTITLE ---------------------- */

void ev_title(const char *raw, struct kme_buf *buf, struct kme_exec *ex)
{
	size_t i, len;
	char *p;
	int rc;

	ex->title = KME_STR_NULL;
	ex->title_cut = false;
	buf_reset(buf);
	if (raw == NULL)
		return;
	rc = ea_decode_value(raw, buf);
	if (rc < 0 || rc == 1 || buf->p == NULL)
		return;  /* "(null)", too large, or empty: no title */
	p = buf->p;
	len = buf->len;
	while (len > 0 && p[len - 1] == '\0')
		len--;
	if (len > KME_TITLE_MAX) {
		len = KME_TITLE_MAX;
		ex->title_cut = true;
	}
	p[len] = '\0';
	for (i = 0; i < len; i++)
		if (p[i] == '\0')
			p[i] = ' ';
	ex->title = (struct kme_str){ p, len };
}

void ev_decode_details(struct ev_builder *b, struct kme_exec *ex)
{
	ex->suid = parse_id(b->suid_raw);
	ex->sgid = parse_id(b->sgid_raw);
	ex->arch = ev_arch_name(b->arch_raw);
	ev_title(b->title_raw, &b->title, ex);
}

/* PATH's inode (decimal) and dev ("fe:01", hex major:minor), which follow
 * name in the record: the file executed, for the multicall match's
 * same-file test (live mode, multicall.h). Anything malformed: unknown. */
static void path_id(auparse_state_t *au, struct kme_exec *ex)
{
	const char *ino = auparse_find_field(au, "inode");
	const char *dev = ino ? auparse_find_field(au, "dev") : NULL;
	unsigned long long i;
	unsigned int maj, min;
	int n = 0;

	if (dev == NULL || ino[0] < '0' || ino[0] > '9' ||
	    !((dev[0] >= '0' && dev[0] <= '9') || (dev[0] >= 'a' && dev[0] <= 'f')) ||
	    sscanf(ino, "%llu", &i) != 1 ||
	    sscanf(dev, "%x:%x%n", &maj, &min, &n) != 2 || dev[n] != '\0')
		return;
	ex->path_id_known = true;
	ex->path_ino = i;
	ex->path_dev_major = maj;
	ex->path_dev_minor = min;
}

static void exec_records(struct ev_builder *b, auparse_state_t *au,
			 struct ev_event *out, struct exec_spans *s)
{
	const char *raw;
	long long item;

	ea_begin(b->args);
	auparse_first_record(au);
	do {
		switch (auparse_get_type(au)) {
		case AUDIT_EXECVE:
			s->have_execve = true;
			ea_record(b->args, au);
			break;
		case AUDIT_CWD:
			if (s->cwd.off == (size_t)-1 &&
			    (raw = auparse_find_field(au, "cwd")) != NULL)
				s->cwd = store_value(&b->meta, raw, &out->malformed, s);
			break;
		case AUDIT_PATH:
			raw = auparse_find_field(au, "item");
			if (raw == NULL || !parse_long(raw, 10, &item) || item != 0 ||
			    s->path0.off != (size_t)-1)
				break;
			if ((raw = auparse_find_field(au, "name")) != NULL)
				s->path0 = store_value(&b->meta, raw, &out->malformed, s);
			path_id(au, &out->exec);
			break;
		case AUDIT_PROCTITLE:
			/* Decoded only for the execs an alert may show
			 * (ev_decode_details): most execs never are. */
			if (b->title_raw == NULL)
				b->title_raw = auparse_find_field(au, "proctitle");
			break;
		default:
			break;
		}
	} while (auparse_next_record(au) > 0);
}

/* --- step 4: process.executable and process.name (rule.md) --------------- */

static bool usable(struct kme_str s)
{
	return s.len > 0 && memchr(s.p, '\0', s.len) == NULL;
}

/* executable: PATH item 0 as given, joined to the CWD when relative, never
 * rewritten; when it cannot be made absolute (no CWD, "<too_long>", relative
 * to an execveat dirfd) or there is no name, the resolved exe. name: the
 * basename of PATH item 0 whenever there is one, even then. */
static void exec_paths(struct ev_builder *b, struct exec_spans *s)
{
	struct kme_str path0 = str_at(b, s->path0), cwd = str_at(b, s->cwd);
	struct kme_str exe = str_at(b, s->exe);
	size_t off = b->meta.len;

	if (usable(path0) && path0.p[0] == '/') {
		s->executable = s->path0;
	} else if (usable(path0) && !s->at_dirfd && usable(cwd) && cwd.p[0] == '/') {
		/* cwd and path0 live in meta: make the room first, so that the
		 * join never moves them while it reads them. */
		if (buf_reserve(&b->meta, cwd.len + 1 + path0.len + 1) < 0) {
			s->full = true;
			return;
		}
		path0 = str_at(b, s->path0);
		cwd = str_at(b, s->cwd);
		if (ev_join_path(cwd, path0, &b->meta) == 0 &&
		    buf_putc(&b->meta, '\0') == 0)
			s->executable = (struct span){ off, b->meta.len - off - 1 };
		else
			s->full = true;
	} else if (usable(exe) && exe.p[0] == '/') {
		s->executable = s->exe;
		s->resolved = true;
	}
}

static void exec_name(struct kme_exec *ex, struct kme_str path0)
{
	struct kme_str name;

	if (usable(path0) && (name = kme_str_base(path0)).len > 0) {
		ex->proc.name = name;
		return;
	}
	if (ex->proc.executable.len > 0 &&
	    (name = kme_str_base(ex->proc.executable)).len > 0) {
		ex->proc.name = name;
		return;
	}
	ex->proc.name = ex->comm;
	ex->proc.name_is_comm = ex->comm.p != NULL;
}

/* --- step 5: the strings, now that meta no longer moves ------------------ */

static void exec_strings(struct ev_builder *b, const struct exec_spans *s,
			 struct kme_exec *ex)
{
	ex->proc.executable = str_at(b, s->executable);
	ex->proc.exe_resolved = s->resolved;
	ex->proc.cwd = str_at(b, s->cwd);
	ex->comm = str_at(b, s->comm);
	ex->exe = str_at(b, s->exe);
	ex->tty = str_at(b, s->tty);
	ex->user_name = str_at(b, s->uname);
	ex->euser_name = str_at(b, s->euname);
	ex->group_name = str_at(b, s->gname);
	ex->egroup_name = str_at(b, s->egname);
	ex->auser_name = str_at(b, s->auname);
	ex->node = str_at(b, s->node);
	exec_name(ex, str_at(b, s->path0));
}

void ev_build(struct ev_builder *b, auparse_state_t *au, struct kme_str node,
	      struct ev_event *out)
{
	const char *sc[F__COUNT];
	const au_event_t *ts;
	struct exec_spans s;
	bool execat = false;

	memset(out, 0, sizeof(*out));
	out->kind = EV_OTHER;
	out->pid = out->ppid = -1;
	ts = auparse_get_timestamp(au);
	if (ts != NULL) {
		out->sec = (int64_t)ts->sec;
		out->msec = ts->milli;
		out->serial = ts->serial;
		if (ts->host != NULL)
			out->node = (struct kme_str){ ts->host, strlen(ts->host) };
	}
	if (node.p != NULL)
		out->node = node;
	if (!read_syscall(b, au, sc))
		return;
	out->has_syscall = true;
	out->pid = parse_pid(sc[F_PID]);
	out->ppid = parse_pid(sc[F_PPID]);
	out->kind = classify(b, sc, out, &execat);
	if (out->kind != EV_EXEC)
		return;

	buf_reset(&b->meta);
	s = (struct exec_spans){
		.comm = SPAN_NONE, .exe = SPAN_NONE, .cwd = SPAN_NONE,
		.path0 = SPAN_NONE, .tty = SPAN_NONE, .uname = SPAN_NONE,
		.euname = SPAN_NONE, .gname = SPAN_NONE, .egname = SPAN_NONE,
		.auname = SPAN_NONE, .node = SPAN_NONE, .executable = SPAN_NONE,
	};
	exec_identity(b, au, sc, execat, out, &s);
	exec_records(b, au, out, &s);
	if (s.have_execve) {
		if (ea_finish(b->args, &out->exec.proc.args))
			out->malformed = true;
	} else {
		ea_finish(b->args, &out->exec.proc.args);
		if (out->exec.success)
			out->malformed = true; /* records lost: no argv */
	}
	exec_paths(b, &s);
	if (s.full)
		out->malformed = true; /* values too large for any path */
	exec_strings(b, &s, &out->exec);
}
