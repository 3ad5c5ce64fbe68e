/* execevent.c - auparse event -> struct kme_exec (see execevent.h). */
#include <errno.h>
#include <libaudit.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hex.h"
#include "execevent.h"
#include "syscalls.h"

#define TYPE_SYSCALL 1300
#define TYPE_PATH 1302
#define TYPE_CWD 1307
#define TYPE_EXECVE 1309

#define AT_FDCWD_HEX "ffffffffffffff9c"
#define CLONE_THREAD_FLAG 0x00010000UL

/* One argv slot while EXECVE records are being joined. Offsets, not
 * pointers, because the byte arena may move while it grows. */
struct arg_slot {
	size_t off, len;
	long long expect_len;   /* aN_len, or -1: the length as logged, i.e.
				   twice the bytes when the pieces are hex */
	size_t logged_len;      /* sum of the pieces' logged lengths */
	uint32_t next_piece;    /* next expected aN[i] */
	uint8_t state;          /* SLOT_* */
};

enum { SLOT_EMPTY = 0, SLOT_WHOLE, SLOT_PIECES, SLOT_CUT /* no room left */ };

struct ev_builder {
	struct kme_buf bytes;     /* decoded argv of the current event */
	struct kme_buf meta;      /* every other string of the event: argv can
				     fill `bytes` without pushing these out */
	struct kme_buf scratch;   /* path joining and normalising */
	struct arg_slot *slots;
	size_t nslots, capslots;
	struct kme_str *argv;
	size_t capargv;
	struct sc_cache sc;
};

/* Offsets of the event's strings in `bytes`; (size_t)-1 = absent. */
struct ev_offsets {
	size_t comm, exe, cwd, path0, tty, uname, node;
	size_t comm_len, exe_len, cwd_len, path0_len, tty_len, uname_len, node_len;
};

#define OFF_NONE ((size_t)-1)

/* Paths, comm, cwd, node...: a record line is at most RD_DEFAULT_MAX_LINE
 * (64 KiB), so its values decode to less; a few of them fit here. */
#define EV_MAX_META (256 * 1024)

struct ev_builder *ev_builder_new(struct kme_err *err)
{
	struct ev_builder *b = calloc(1, sizeof(*b));

	if (b == NULL) {
		kme_errf(err, "exec events: out of memory");
		return NULL;
	}
	buf_init(&b->bytes, EV_MAX_BYTES);
	buf_init(&b->meta, EV_MAX_META);
	buf_init(&b->scratch, 3 * 4096 + 16);
	return b;
}

void ev_builder_free(struct ev_builder *b)
{
	if (b == NULL)
		return;
	buf_free(&b->bytes);
	buf_free(&b->meta);
	buf_free(&b->scratch);
	free(b->slots);
	free(b->argv);
	free(b);
}


int ev_decode_value(const char *raw, struct kme_buf *out)
{
	size_t n = strlen(raw), i;

	if (n >= 1 && raw[0] == '"') {
		/* The kernel quotes only values without quotes or control
		 * bytes, so the value is everything up to the closing quote. */
		size_t end = (n >= 2 && raw[n - 1] == '"') ? n - 1 : n;

		if (buf_append(out, raw + 1, end - 1) < 0)
			return -1;
		return end == n ? 2 : 0;
	}
	if (strcmp(raw, "(null)") == 0)
		return 1;
	if (n > 0 && n % 2 == 0) {
		for (i = 0; i < n; i++)
			if (hex_value((unsigned char)raw[i]) < 0)
				break;
		if (i == n) {
			if (buf_reserve(out, n / 2) < 0)
				return -1;
			for (i = 0; i < n; i += 2)
				out->p[out->len++] = (char)(hex_value((unsigned char)raw[i]) << 4 |
					       hex_value((unsigned char)raw[i + 1]));
			out->p[out->len] = '\0';
			return 0;
		}
	}
	if (buf_append(out, raw, n) < 0)
		return -1;
	return 2;
}

int ev_normalize_path(const char *path, size_t len, struct kme_buf *out)
{
	size_t base = out->len, i = 0;

	if (buf_putc(out, '/') < 0)
		return -1;
	while (i < len) {
		size_t j;

		while (i < len && path[i] == '/')
			i++;
		j = i;
		while (j < len && path[j] != '/')
			j++;
		if (j == i)
			break;
		if (j - i == 1 && path[i] == '.') {
			/* nothing */
		} else if (j - i == 2 && path[i] == '.' && path[i + 1] == '.') {
			/* Back to the previous '/', never above the root. */
			while (out->len > base + 1 && out->p[out->len - 1] != '/')
				out->len--;
			if (out->len > base + 1)
				out->len--;
			out->p[out->len] = '\0';
		} else {
			if (out->len > base + 1 && buf_putc(out, '/') < 0)
				return -1;
			if (buf_append(out, path + i, j - i) < 0)
				return -1;
		}
		i = j;
	}
	return 0;
}

/* Decode raw into `into`; returns the offset or OFF_NONE (absent), and the
 * length in *len. An unexpected form sets *bad; running into the buffer's
 * bound sets *full (a bound is truncation, not malformation). */
static size_t store_value(struct kme_buf *into, const char *raw, size_t *len,
			  bool *bad, bool *full)
{
	size_t off = into->len;
	int rc = ev_decode_value(raw, into);

	if (rc < 0) {
		into->len = off;
		*full = true;
		return OFF_NONE;
	}
	if (rc == 1)
		return OFF_NONE;
	if (rc == 2)
		*bad = true;
	/* Each stored string is NUL-terminated for kme_str's promise. */
	if (buf_putc(into, '\0') < 0) {
		into->len = off;
		*full = true;
		return OFF_NONE;
	}
	*len = into->len - off - 1;
	return off;
}

/* Store a value that is used as it is (tty, node, user name). */
static size_t store_plain(struct kme_buf *into, const char *v, size_t *len,
			  bool *full)
{
	size_t off = into->len;

	if (buf_puts(into, v) < 0 || buf_putc(into, '\0') < 0) {
		into->len = off;
		*full = true;
		return OFF_NONE;
	}
	*len = into->len - off - 1;
	return off;
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

/* SYSCALL fields we read, in a sorted table searched with bsearch. */
enum sc_field {
	F_A0, F_ARCH, F_AUID, F_COMM, F_EGID, F_EUID, F_EXE, F_EXIT, F_GID,
	F_PID, F_PPID, F_SES, F_SUCCESS, F_SYSCALL, F_TTY, F_UID, F__COUNT
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
	{ "success", F_SUCCESS }, { "syscall", F_SYSCALL }, { "tty", F_TTY },
	{ "uid", F_UID },
};

static int cmp_field(const void *key, const void *elem)
{
	return strcmp(key, ((const struct field_name *)elem)->name);
}

/* Read the SYSCALL record under the cursor into vals[] (borrowed from
 * auparse, valid while the cursor stays on this record). */
static void read_syscall(auparse_state_t *au, const char *vals[F__COUNT])
{
	memset(vals, 0, sizeof(vals[0]) * F__COUNT);
	if (auparse_first_field(au) <= 0)
		return;
	do {
		const char *name = auparse_get_field_name(au);
		const struct field_name *f;

		if (name == NULL)
			continue;
		f = bsearch(name, syscall_fields,
			    sizeof(syscall_fields) / sizeof(syscall_fields[0]),
			    sizeof(syscall_fields[0]), cmp_field);
		if (f != NULL && vals[f->id] == NULL)
			vals[f->id] = auparse_get_field_str(au);
	} while (auparse_next_field(au) > 0);
}

static struct arg_slot *slot_at(struct ev_builder *b, size_t idx, bool *trunc)
{
	if (idx >= EV_MAX_ARGS) {
		*trunc = true;
		return NULL;
	}
	if (idx >= b->capslots) {
		size_t ncap = b->capslots ? b->capslots : 64;
		struct arg_slot *ns;

		while (ncap <= idx)
			ncap *= 2;
		if (ncap > EV_MAX_ARGS)
			ncap = EV_MAX_ARGS;
		ns = realloc(b->slots, ncap * sizeof(*ns));
		if (ns == NULL) {
			*trunc = true;
			return NULL;
		}
		b->slots = ns;
		b->capslots = ncap;
	}
	while (b->nslots <= idx) {
		b->slots[b->nslots] = (struct arg_slot){ .expect_len = -1 };
		b->nslots++;
	}
	return &b->slots[idx];
}

/* Parse an EXECVE field name: "argc", "aN", "aN_len" or "aN[i]". */
enum { AF_NONE, AF_ARGC, AF_WHOLE, AF_LEN, AF_PIECE };

static int arg_field(const char *name, unsigned long long *n,
		     unsigned long long *piece)
{
	const char *p = name + 1;
	char *end;

	if (strcmp(name, "argc") == 0)
		return AF_ARGC;
	if (name[0] != 'a' || *p < '0' || *p > '9')
		return AF_NONE;
	errno = 0;
	*n = strtoull(p, &end, 10);
	if (errno != 0)
		return AF_NONE;
	if (*end == '\0')
		return AF_WHOLE;
	if (strcmp(end, "_len") == 0)
		return AF_LEN;
	if (*end == '[' && end[1] >= '0' && end[1] <= '9') {
		*piece = strtoull(end + 1, &end, 10);
		if (errno == 0 && end[0] == ']' && end[1] == '\0')
			return AF_PIECE;
	}
	return AF_NONE;
}

/* Append a piece to slot s, keeping each argument contiguous in the arena
 * (moving it to the end first when another argument was stored after it). */
static void append_piece(struct ev_builder *b, struct arg_slot *s,
			 const char *raw, struct ev_event *ev)
{
	size_t before;

	if (s->state == SLOT_PIECES && s->off + s->len + 1 != b->bytes.len) {
		size_t noff = b->bytes.len;

		if (buf_reserve(&b->bytes, s->len + 1) < 0) {
			ev->exec.proc.args.truncated = true;
			return;
		}
		memcpy(b->bytes.p + noff, b->bytes.p + s->off, s->len);
		b->bytes.len += s->len;
		b->bytes.p[b->bytes.len++] = '\0';
		s->off = noff;
	}
	if (s->state != SLOT_PIECES) {
		s->off = b->bytes.len;
		s->len = 0;
		s->state = SLOT_PIECES;
		if (buf_putc(&b->bytes, '\0') < 0) {
			ev->exec.proc.args.truncated = true;
			s->state = SLOT_CUT;
			return;
		}
	}
	/* The kernel's aN_len counts the logged form (hex digits, or the
	 * bytes between quotes), so compare it with that. */
	{
		size_t rl = strlen(raw);

		s->logged_len += (rl >= 2 && raw[0] == '"') ? rl - 2 : rl;
	}
	/* Overwrite the terminating NUL with the piece, then re-terminate. */
	b->bytes.len--;
	before = b->bytes.len;
	if (ev_decode_value(raw, &b->bytes) != 0) {
		if (b->bytes.overflow)
			ev->exec.proc.args.truncated = true;
		else
			ev->malformed = true;
	}
	if (buf_putc(&b->bytes, '\0') < 0) {
		/* No room for the terminator: drop this piece. */
		b->bytes.len = before;
		b->bytes.p[b->bytes.len++] = '\0';
		ev->exec.proc.args.truncated = true;
		return;
	}
	s->len += b->bytes.len - 1 - before;
}

static void read_execve(struct ev_builder *b, auparse_state_t *au,
			struct ev_event *ev, long long *argc)
{
	if (auparse_first_field(au) <= 0)
		return;
	do {
		const char *name = auparse_get_field_name(au);
		const char *raw = auparse_get_field_str(au);
		unsigned long long n = 0, piece = 0;
		struct arg_slot *s;
		long long v;
		bool trunc = false;
		size_t len = 0;

		if (name == NULL || raw == NULL)
			continue;
		switch (arg_field(name, &n, &piece)) {
		case AF_ARGC:
			if (!parse_long(raw, 10, &v) || v < 0 || *argc >= 0)
				ev->malformed = true;
			else
				*argc = v;
			break;
		case AF_WHOLE:
			s = slot_at(b, n, &trunc);
			if (s == NULL)
				break;
			if (s->state != SLOT_EMPTY) {
				ev->malformed = true; /* duplicate */
				break;
			}
			s->off = store_value(&b->bytes, raw, &len, &ev->malformed,
					     &trunc);
			if (s->off == OFF_NONE) {
				if (trunc)
					s->state = SLOT_CUT;
				break;
			}
			s->len = len;
			s->state = SLOT_WHOLE;
			break;
		case AF_LEN:
			s = slot_at(b, n, &trunc);
			if (s == NULL)
				break;
			if (!parse_long(raw, 10, &v) || v < 0 || s->expect_len >= 0)
				ev->malformed = true;
			else
				s->expect_len = v;
			break;
		case AF_PIECE:
			s = slot_at(b, n, &trunc);
			if (s == NULL)
				break;
			if (s->state == SLOT_CUT)
				break;
			if (s->state == SLOT_WHOLE || piece != s->next_piece) {
				ev->malformed = true; /* duplicate or missing piece */
				if (piece < s->next_piece || s->state == SLOT_WHOLE)
					break;
			}
			s->next_piece = (uint32_t)(piece + 1);
			append_piece(b, s, raw, ev);
			break;
		default:
			break;
		}
		if (trunc)
			ev->exec.proc.args.truncated = true;
	} while (auparse_next_field(au) > 0);
}

/* Build argv from the slots. argc bounds it, and so does what was present:
 * a hole between present arguments is an empty string, arguments promised
 * by argc but never logged are not invented; both mark the event malformed.
 * More than EV_MAX_ARGS arguments are cut (truncated). */
static void finish_args(struct ev_builder *b, struct ev_event *ev,
			long long argc)
{
	size_t n, i;

	if (argc < 0)
		argc = (long long)b->nslots;
	if ((unsigned long long)argc > EV_MAX_ARGS) {
		ev->exec.proc.args.truncated = true;
		argc = EV_MAX_ARGS;
	}
	n = (size_t)argc;
	if (b->nslots > n)
		ev->malformed = true; /* arguments beyond argc */
	if (b->nslots < n) {
		if (b->nslots < EV_MAX_ARGS)
			ev->malformed = true; /* argc promised more */
		n = b->nslots;
	}
	if (n > b->capargv) {
		struct kme_str *na = realloc(b->argv, n * sizeof(*na));

		if (na == NULL) {
			ev->exec.proc.args.truncated = true;
			n = b->capargv;
		} else {
			b->argv = na;
			b->capargv = n;
		}
	}
	for (i = 0; i < n; i++) {
		struct arg_slot *s = &b->slots[i];

		if (s->state == SLOT_EMPTY || s->state == SLOT_CUT) {
			if (s->state == SLOT_EMPTY)
				ev->malformed = true;
			b->argv[i] = (struct kme_str){ "", 0 };
			continue;
		}
		if (s->expect_len >= 0 && (size_t)s->expect_len != s->logged_len &&
		    !ev->exec.proc.args.truncated)
			ev->malformed = true;
		if (s->state == SLOT_PIECES && s->expect_len < 0)
			ev->malformed = true; /* the kernel writes aN_len first */
		b->argv[i] = (struct kme_str){ b->bytes.p + s->off, s->len };
	}
	ev->exec.proc.args.v = b->argv;
	ev->exec.proc.args.n = n;
}

static struct kme_str str_at(struct ev_builder *b, size_t off, size_t len)
{
	if (off == OFF_NONE)
		return KME_STR_NULL;
	return (struct kme_str){ b->meta.p + off, len };
}

/* process.executable: PATH item 0 as executed, absolute, normalised. */
static void set_executable(struct ev_builder *b, struct ev_event *ev,
			   struct ev_offsets *o, bool at_dirfd)
{
	struct kme_exec *ex = &ev->exec;
	struct kme_str path = str_at(b, o->path0, o->path0_len);
	struct kme_str cwd = str_at(b, o->cwd, o->cwd_len);
	size_t off;

	if (path.len == 0 || memchr(path.p, '\0', path.len) != NULL ||
	    (path.p[0] != '/' && (at_dirfd || cwd.len == 0 || cwd.p[0] != '/'))) {
		/* Unknown as executed (fexecve, a relative path to a directory
		 * fd, missing PATH): the resolved binary is the best we have. */
		path = str_at(b, o->exe, o->exe_len);
		if (path.len == 0 || path.p[0] != '/')
			return;
	}
	buf_reset(&b->scratch);
	if (path.p[0] != '/') {
		if (buf_append(&b->scratch, cwd.p, cwd.len) < 0 ||
		    buf_putc(&b->scratch, '/') < 0)
			return;
	}
	if (buf_append(&b->scratch, path.p, path.len) < 0)
		return;
	off = b->meta.len;
	if (ev_normalize_path(b->scratch.p, b->scratch.len, &b->meta) < 0 ||
	    buf_putc(&b->meta, '\0') < 0) {
		b->meta.len = off;
		return;
	}
	o->path0 = off; /* reuse as "executable" */
	o->path0_len = b->meta.len - off - 1;
	ex->proc.executable = str_at(b, o->path0, o->path0_len);
}

static void set_name(struct kme_exec *ex, struct kme_str as_run)
{
	const char *slash;

	if (as_run.len > 0) {
		/* execveat relative to a directory fd: the directory is unknown,
		 * but the name the program was run as is not. */
		slash = memrchr(as_run.p, '/', as_run.len);
		if (slash == NULL || (size_t)(slash - as_run.p) + 1 < as_run.len) {
			ex->proc.name.p = slash ? slash + 1 : as_run.p;
			ex->proc.name.len = as_run.len - (size_t)(ex->proc.name.p - as_run.p);
			return;
		}
	}

	if (ex->proc.executable.len > 0) {
		slash = memrchr(ex->proc.executable.p, '/', ex->proc.executable.len);
		if (slash != NULL && (size_t)(slash - ex->proc.executable.p) + 1 <
				     ex->proc.executable.len) {
			ex->proc.name.p = slash + 1;
			ex->proc.name.len = ex->proc.executable.len -
					    (size_t)(slash + 1 - ex->proc.executable.p);
			return;
		}
	}
	ex->proc.name = ex->comm;
	ex->proc.name_is_comm = ex->comm.p != NULL;
}

void ev_build(struct ev_builder *b, auparse_state_t *au, struct ev_event *out)
{
	const char *sc[F__COUNT];
	const au_event_t *ts;
	struct ev_offsets o;
	bool have_sc = false, have_execve = false, at_dirfd = false, full = false;
	long long argc = -1, v;
	unsigned long long arch = 0, a0 = 0;
	enum sc_class cls = SC_OTHER;
	int path_item;

	memset(out, 0, sizeof(*out));
	out->kind = EV_OTHER;
	out->pid = out->ppid = -1;
	ts = auparse_get_timestamp(au);
	if (ts != NULL) {
		out->sec = (int64_t)ts->sec;
		out->msec = ts->milli;
		out->serial = ts->serial;
	}
	if (auparse_first_record(au) <= 0)
		return;

	/* Pass 1: the SYSCALL record decides what kind of event this is. */
	do {
		if (auparse_get_type(au) == TYPE_SYSCALL) {
			read_syscall(au, sc);
			have_sc = true;
			break;
		}
	} while (auparse_next_record(au) > 0);
	if (!have_sc)
		return;
	out->has_syscall = true;
	out->pid = parse_pid(sc[F_PID]);
	out->ppid = parse_pid(sc[F_PPID]);
	if (parse_ulong(sc[F_ARCH], 16, &arch) && parse_long(sc[F_SYSCALL], 10, &v))
		cls = sc_classify(&b->sc, (unsigned long)arch, (long)v);
	if (cls == SC_CLONE || cls == SC_FORK) {
		if (sc[F_SUCCESS] == NULL || strcmp(sc[F_SUCCESS], "yes") != 0 ||
		    !parse_long(sc[F_EXIT], 10, &v) || v <= 0 || v > INT32_MAX)
			return;
		if (cls == SC_CLONE && parse_ulong(sc[F_A0], 16, &a0) &&
		    (a0 & CLONE_THREAD_FLAG))
			return; /* a thread, not a process */
		out->kind = EV_FORK;
		out->fork_child = (int32_t)v;
		return;
	}
	if (cls != SC_EXEC && cls != SC_EXECAT)
		return;

	/* An exec: decode it fully. */
	out->kind = EV_EXEC;
	buf_reset(&b->bytes);
	buf_reset(&b->meta);
	b->nslots = 0;
	memset(&o, 0xff, sizeof(o)); /* every offset OFF_NONE */
	{
		struct kme_exec *ex = &out->exec;

		ex->sec = out->sec;
		ex->msec = out->msec;
		ex->serial = out->serial;
		ex->success = sc[F_SUCCESS] != NULL && strcmp(sc[F_SUCCESS], "yes") == 0;
		ex->proc.pid = out->pid;
		ex->ppid = out->ppid;
		ex->uid = parse_id(sc[F_UID]);
		ex->euid = parse_id(sc[F_EUID]);
		ex->gid = parse_id(sc[F_GID]);
		ex->egid = parse_id(sc[F_EGID]);
		ex->auid = parse_id(sc[F_AUID]);
		ex->ses = parse_id(sc[F_SES]);
		ex->parent.pid = out->ppid;
		if (sc[F_COMM])
			o.comm = store_value(&b->meta, sc[F_COMM], &o.comm_len,
					     &out->malformed, &full);
		if (sc[F_EXE])
			o.exe = store_value(&b->meta, sc[F_EXE], &o.exe_len,
					    &out->malformed, &full);
		/* tty is never quoted: "pts0", "tty1" or "(none)". */
		if (sc[F_TTY] && strcmp(sc[F_TTY], "(none)") != 0)
			o.tty = store_plain(&b->meta, sc[F_TTY], &o.tty_len, &full);
		at_dirfd = cls == SC_EXECAT && sc[F_A0] != NULL &&
			   strcmp(sc[F_A0], AT_FDCWD_HEX) != 0;
		/* ENRICHED logs carry the user name; interpret only then,
		 * since RAW interpretation would call getpwuid on the hot path. */
		if (auparse_get_record_interpretations(au) != NULL &&
		    auparse_first_field(au) > 0 &&
		    auparse_find_field(au, "uid") != NULL) {
			const char *name = auparse_interpret_field(au);

			if (name != NULL)
				o.uname = store_plain(&b->meta, name, &o.uname_len, &full);
		}
		if (ts != NULL && ts->host != NULL)
			o.node = store_plain(&b->meta, ts->host, &o.node_len, &full);
	}

	/* Pass 2: EXECVE, CWD and PATH item 0. */
	auparse_first_record(au);
	do {
		const char *raw;
		size_t len = 0;

		switch (auparse_get_type(au)) {
		case TYPE_EXECVE:
			have_execve = true;
			read_execve(b, au, out, &argc);
			break;
		case TYPE_CWD:
			if (o.cwd == OFF_NONE && (raw = auparse_find_field(au, "cwd")) != NULL)
				o.cwd = store_value(&b->meta, raw, &len, &out->malformed,
						    &full), o.cwd_len = len;
			break;
		case TYPE_PATH:
			raw = auparse_find_field(au, "item");
			path_item = (raw != NULL && parse_long(raw, 10, &v)) ? (int)v : -1;
			if (path_item == 0 && o.path0 == OFF_NONE &&
			    (raw = auparse_find_field(au, "name")) != NULL)
				o.path0 = store_value(&b->meta, raw, &len,
						      &out->malformed, &full),
				o.path0_len = len;
			break;
		default:
			break;
		}
	} while (auparse_next_record(au) > 0);

	{
		struct kme_exec *ex = &out->exec;

		if (have_execve)
			finish_args(b, out, argc);
		else if (ex->success)
			out->malformed = true; /* records lost: no argv */
		size_t raw_path0 = o.path0, raw_path0_len = o.path0_len;

		/* Strings last: the arena no longer moves. */
		set_executable(b, out, &o, at_dirfd);
		ex->comm = str_at(b, o.comm, o.comm_len);
		ex->exe = str_at(b, o.exe, o.exe_len);
		ex->tty = str_at(b, o.tty, o.tty_len);
		ex->user_name = str_at(b, o.uname, o.uname_len);
		ex->node = str_at(b, o.node, o.node_len);
		ex->proc.cwd = str_at(b, o.cwd, o.cwd_len);
		if (ex->proc.executable.p == NULL)
			ex->proc.executable = KME_STR_NULL;
		if (full)
			out->malformed = true; /* values too large for any path */
		{
			struct kme_str path0 = str_at(b, raw_path0, raw_path0_len);
			bool relative_to_dirfd = at_dirfd && path0.len > 0 &&
						 path0.p[0] != '/';

			set_name(ex, relative_to_dirfd ? path0 : KME_STR_NULL);
		}
	}
}
