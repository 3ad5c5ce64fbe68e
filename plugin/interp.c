/* interp.c - ausearch output back to raw records (see interp.h).
 *
 * An interpreted record is split into its fields by the names its type can
 * have, in the kernel's order (`fields`): a value ends where the next
 * field of a later name begins. Each field then goes back through its
 * conversion (interpfield.h). EXECVE's names are numbered (a0, a1_len,
 * a1[0], ...) and are split by the next expected name instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "interp.h"
#include "interpfield.h"

/* How a field's value goes back. */
enum conv {
	C_KEEP,     /* as printed (numbers, yes/no, tty, names of types) */
	C_STR,      /* an untrusted string: kernel-encoded (interpfield.h) */
	C_STR_NULL, /* the same, "(null)" kept bare (key, PATH name) */
	C_ID,       /* a uid/gid: a number; the name goes to the ENRICHED tail */
	C_ARCH, C_SYSCALL, C_EXIT, C_ARG,
	C_DROP,     /* interpreted beyond return, and read by no decision */
};

struct field {
	const char *name;
	enum conv conv;
	bool text;      /* may hold spaces: ends only at a later field's name */
	const char *up; /* C_ID: its name in the ENRICHED tail */
};

static const struct field syscall_fields[] = {
	{ "arch", C_ARCH, false, NULL }, { "syscall", C_SYSCALL, false, NULL },
	{ "success", C_KEEP, false, NULL }, { "exit", C_EXIT, true, NULL },
	{ "a0", C_ARG, false, NULL }, { "a1", C_ARG, false, NULL },
	{ "a2", C_ARG, false, NULL }, { "a3", C_ARG, false, NULL },
	{ "items", C_KEEP, false, NULL }, { "ppid", C_KEEP, false, NULL },
	{ "pid", C_KEEP, false, NULL }, { "auid", C_ID, false, "AUID" },
	{ "uid", C_ID, false, "UID" }, { "gid", C_ID, false, "GID" },
	{ "euid", C_ID, false, "EUID" }, { "suid", C_ID, false, "SUID" },
	{ "fsuid", C_ID, false, "FSUID" }, { "egid", C_ID, false, "EGID" },
	{ "sgid", C_ID, false, "SGID" }, { "fsgid", C_ID, false, "FSGID" },
	{ "tty", C_KEEP, false, NULL }, { "ses", C_ID, false, NULL },
	{ "comm", C_STR, true, NULL }, { "exe", C_STR, true, NULL },
	{ "subj", C_KEEP, false, NULL }, { "key", C_STR_NULL, true, NULL },
	{ NULL, C_KEEP, false, NULL },
};

static const struct field path_fields[] = {
	{ "item", C_KEEP, false, NULL }, { "name", C_STR_NULL, true, NULL },
	{ "inode", C_KEEP, false, NULL }, { "dev", C_KEEP, false, NULL },
	{ "mode", C_DROP, false, NULL }, { "ouid", C_ID, false, NULL },
	{ "ogid", C_ID, false, NULL }, { "rdev", C_KEEP, false, NULL },
	{ "obj", C_KEEP, false, NULL }, { "nametype", C_KEEP, false, NULL },
	{ "cap_fp", C_DROP, false, NULL }, { "cap_fi", C_DROP, false, NULL },
	{ "cap_fe", C_DROP, false, NULL }, { "cap_fver", C_DROP, false, NULL },
	{ "cap_frootid", C_DROP, false, NULL },
	{ NULL, C_KEEP, false, NULL },
};

static const struct field cwd_fields[] = {
	{ "cwd", C_STR, true, NULL }, { NULL, C_KEEP, false, NULL },
};

static const struct field proctitle_fields[] = {
	{ "proctitle", C_STR, true, NULL }, { NULL, C_KEEP, false, NULL },
};

static const struct field no_fields[] = { { NULL, C_KEEP, false, NULL } };

#define IP_MAX_FIELDS 32

struct translator_rec {
	size_t off, len;   /* in ev */
	uint64_t lineno;
	bool syscall;
};

struct ip_translator {
	bool have_zone;
	ip_out_fn out;
	ip_skip_fn skip;
	void *arg;
	struct ipf_clock clock;
	struct kme_buf line;      /* the raw record being built */
	struct kme_buf tail;      /* its ENRICHED tail */
	struct kme_buf ev;        /* the pending event's records */
	struct translator_rec *recs;
	size_t nrecs, caprecs;
	uint64_t serial;          /* the pending event's */
	char node[256];
	size_t node_len;
	bool open;                /* an event is pending */
	long argc;                /* its EXECVE argc, -1 before one */
	bool passthrough;         /* the pending event outgrew IP_EVENT_MAX */
	struct ip_stats st;
};

struct ip_translator *ip_new(bool have_zone, ip_out_fn out, ip_skip_fn skip,
			     void *arg, struct kme_err *err)
{
	struct ip_translator *t = calloc(1, sizeof(*t));

	if (t == NULL) {
		kme_errf(err, "ausearch translator: out of memory");
		return NULL;
	}
	t->have_zone = have_zone;
	t->out = out;
	t->skip = skip;
	t->arg = arg;
	buf_init(&t->line, IP_LINE_MAX);
	buf_init(&t->tail, IP_LINE_MAX);
	buf_init(&t->ev, IP_EVENT_MAX);
	return t;
}

void ip_free(struct ip_translator *t)
{
	if (t == NULL)
		return;
	buf_free(&t->line);
	buf_free(&t->tail);
	buf_free(&t->ev);
	free(t->recs);
	free(t);
}

void ip_stats(const struct ip_translator *t, struct ip_stats *out)
{
	*out = t->st;
}

/* --- events: held, then handed on in the kernel's order ------------------ */

static void emit(struct ip_translator *t, const char *line, size_t len,
		 uint64_t lineno)
{
	t->st.records++;
	t->out(t->arg, line, len, lineno);
}

void ip_flush(struct ip_translator *t)
{
	size_t i, n = t->nrecs;
	bool rev = n >= 2 && !t->recs[0].syscall && t->recs[n - 1].syscall;

	if (t->open && !t->passthrough)
		t->st.events++;
	t->st.reversed += rev;
	for (i = 0; i < n; i++) {
		const struct translator_rec *r = &t->recs[rev ? n - 1 - i : i];

		emit(t, t->ev.p + r->off, r->len, r->lineno);
	}
	buf_reset(&t->ev);
	t->nrecs = 0;
	t->open = false;
	t->passthrough = false;
}

/* The record of header h belongs to the pending event, or begins one (the
 * pending one goes on first). */
static void enter(struct ip_translator *t, const struct lh_head *h)
{
	if (t->open && (t->serial != h->serial || t->node_len != h->node.len ||
			(h->node.len && memcmp(t->node, h->node.p, h->node.len))))
		ip_flush(t);
	if (t->open)
		return;
	t->open = true;
	t->argc = -1;
	t->serial = h->serial;
	t->node_len = h->node.len < sizeof(t->node) ? h->node.len : 0;
	memcpy(t->node, h->node.p ? h->node.p : "", t->node_len);
}

/* Hold one raw record of the pending event. */
static void hold(struct ip_translator *t, const struct lh_head *h,
		 const char *line, size_t len, uint64_t lineno)
{
	bool syscall = kme_str_is(h->type, "SYSCALL");
	struct translator_rec *r;

	if (t->passthrough) {
		emit(t, line, len, lineno);
		return;
	}
	if (t->nrecs == t->caprecs) {
		size_t cap = t->caprecs ? t->caprecs * 2 : 16;
		struct translator_rec *nr = realloc(t->recs, cap * sizeof(*nr));

		if (nr == NULL)
			goto oversized;
		t->recs = nr;
		t->caprecs = cap;
	}
	if (buf_append(&t->ev, line, len) < 0)
		goto oversized;
	r = &t->recs[t->nrecs++];
	*r = (struct translator_rec){ t->ev.len - len, len, lineno, syscall };
	return;
oversized:
	/* Hand on what is held, in the order it came, and the rest as it
	 * comes: an event this large cannot be put back in order. */
	t->st.oversized++;
	t->st.events++;
	{
		size_t i;

		for (i = 0; i < t->nrecs; i++)
			emit(t, t->ev.p + t->recs[i].off, t->recs[i].len,
			     t->recs[i].lineno);
	}
	buf_reset(&t->ev);
	t->nrecs = 0;
	t->passthrough = true;
	emit(t, line, len, lineno);
}

/* --- splitting an interpreted record into fields ---------------------------- */

static const struct field *field_named(const struct field *fs, const char *p,
				       size_t n, size_t *idx)
{
	size_t i;

	for (i = 0; fs[i].name; i++)
		if (strlen(fs[i].name) == n && memcmp(fs[i].name, p, n) == 0) {
			*idx = i;
			return &fs[i];
		}
	return NULL;
}

/* Does " NAME=" for a field later than idx begin at p (p[0] == ' ')? */
static bool later_field_at(const struct field *fs, size_t idx, const char *p,
			   const char *end)
{
	const char *eq;
	size_t j;

	eq = memchr(p + 1, '=', (size_t)(end - p - 1));
	if (eq == NULL || memchr(p + 1, ' ', (size_t)(eq - p - 1)) != NULL)
		return false;
	return field_named(fs, p + 1, (size_t)(eq - p - 1), &j) && j > idx;
}

/* Where the value starting at v ends: the next space for a plain value,
 * the next later field's name for text; *twice when that name appears
 * again further on (the real field comes once: the split is ambiguous). */
static const char *value_end(const struct field *fs, size_t idx,
			     const char *v, const char *end, bool *twice)
{
	const char *p = v, *eq;

	if (!fs[idx].text) {
		p = memchr(v, ' ', (size_t)(end - v));
		return p ? p : end;
	}
	while ((p = memchr(p, ' ', (size_t)(end - p))) != NULL &&
	       !later_field_at(fs, idx, p, end))
		p++;
	if (p == NULL)
		return end;
	eq = memchr(p + 1, '=', (size_t)(end - p - 1));
	if (memmem(p + 1, (size_t)(end - p - 1), p, (size_t)(eq + 1 - p)))
		*twice = true;
	return p;
}

struct split {
	struct kme_str v[IP_MAX_FIELDS];  /* by index in the field table */
	bool ambiguous;
	bool unknown;                      /* a field of another name was met */
};

/* The fields of body by the table fs (at most IP_MAX_FIELDS names). */
static void split_fields(const struct field *fs, const char *p,
			 const char *end, struct split *s)
{
	const char *eq, *ve;
	size_t idx;

	memset(s, 0, sizeof(*s));
	while (p < end) {
		while (p < end && *p == ' ')
			p++;
		eq = p < end ? memchr(p, '=', (size_t)(end - p)) : NULL;
		if (eq == NULL)
			return;
		if (field_named(fs, p, (size_t)(eq - p), &idx) == NULL) {
			/* A name this table lacks: a plain value, skipped. */
			s->unknown = true;
			ve = memchr(eq, ' ', (size_t)(end - eq));
			p = ve ? ve : end;
			continue;
		}
		ve = value_end(fs, idx, eq + 1, end, &s->ambiguous);
		if (s->v[idx].p == NULL)
			s->v[idx] = (struct kme_str){ eq + 1, (size_t)(ve - eq - 1) };
		p = ve;
	}
}

/* --- one interpreted record back to raw ------------------------------------- */

/* The SYSCALL record's context: its machine (for the syscall's number). */
struct conv_ctx {
	int machine;
	bool enrich;
};

/* The space before a field (none right after the header). */
static int sep(struct kme_buf *b)
{
	return b->len > 0 && b->p[b->len - 1] != ' ' ? buf_putc(b, ' ') : 0;
}

static int put_field(struct kme_buf *b, const char *name)
{
	return sep(b) | buf_printf(b, "%s=", name);
}

/* A value as auditd's ENRICHED tail writes it: ARCH=x86_64, UID="root"
 * (values that could not be written so are left out). */
static void enrich(struct ip_translator *t, const char *up, struct kme_str v,
		   bool quoted)
{
	size_t i;

	for (i = 0; i < v.len; i++)
		if ((unsigned char)v.p[i] < 0x21 || v.p[i] == '"' || v.p[i] == '\\')
			return;
	if (v.len == 0)
		return;
	buf_printf(&t->tail, quoted ? "%s%s=\"%.*s\"" : "%s%s=%.*s",
		   t->tail.len ? " " : "", up, (int)v.len, v.p);
}

/* Field f's value v, converted, appended to t->line. 1: left out. */
static int conv_field(struct ip_translator *t, const struct field *f,
		      struct kme_str v, struct conv_ctx *c)
{
	unsigned long arch;
	unsigned long long a;
	long long n;
	long nr;
	uint32_t id;

	switch (f->conv) {
	case C_DROP:
		return 1;
	case C_ARCH:
		if (ipf_arch(v, &arch, &c->machine) < 0)
			return -1;
		enrich(t, "ARCH", v, false);
		return put_field(&t->line, f->name) | buf_printf(&t->line, "%lx", arch);
	case C_SYSCALL:
		if (ipf_syscall(v, c->machine, &nr) < 0)
			return -1;
		enrich(t, "SYSCALL", v, false);
		return put_field(&t->line, f->name) | buf_printf(&t->line, "%ld", nr);
	case C_EXIT:
		if (ipf_exit(v, &n) < 0)
			return -1;
		return put_field(&t->line, f->name) | buf_printf(&t->line, "%lld", n);
	case C_ARG:
		/* An argument interpreted past return (openat's AT_FDCWD...):
		 * no decision reads it. */
		if (ipf_arg(v, &a) < 0)
			return 1;
		return put_field(&t->line, f->name) | buf_printf(&t->line, "%llx", a);
	case C_ID:
		if (ipf_id(v, &id) < 0) {
			t->st.names_without_id++;
			id = 4294967295U; /* unset: the log kept no number */
		}
		if (f->up != NULL && c->enrich)
			enrich(t, f->up, v, true);
		return put_field(&t->line, f->name) | buf_printf(&t->line, "%u", id);
	case C_STR_NULL:
		if (kme_str_is(v, "(null)"))
			return put_field(&t->line, f->name) | buf_puts(&t->line, "(null)");
		/* fall through */
	case C_STR:
		return put_field(&t->line, f->name) | ipf_encode(v, &t->line);
	default:
		return put_field(&t->line, f->name) | buf_append(&t->line, v.p, v.len);
	}
}

static int fields_body(struct ip_translator *t, const struct field *fs,
		       const char *p, const char *end, bool enrich_tail)
{
	struct conv_ctx c = { -1, enrich_tail };
	struct split s;
	size_t i;
	int rc;

	split_fields(fs, p, end, &s);
	t->st.ambiguous += s.ambiguous;
	for (i = 0; fs[i].name; i++) {
		if (s.v[i].p == NULL)
			continue;
		rc = conv_field(t, &fs[i], s.v[i], &c);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* EXECVE: a0 a1 ... aN, or aK_len then aK[0] aK[1] ... for a long one. */
enum akind { A_PLAIN, A_LEN, A_PIECE };

struct akey {
	enum akind kind;
	long k, j;
};

/* Decimal digits at *pp, up to end (a line is not NUL-terminated), at most
 * 7 of them: the number, or -1 when there is none. *pp moves past them. */
static long digits(const char **pp, const char *end)
{
	const char *p = *pp;
	long v = 0;

	while (p < end && *p >= '0' && *p <= '9' && p - *pp < 7)
		v = v * 10 + (*p++ - '0');
	if (p == *pp || (p < end && *p >= '0' && *p <= '9'))
		return -1;
	*pp = p;
	return v;
}

/* "aK=", "aK_len=" or "aK[J]=" at p: the key, and where its value starts. */
static bool akey_at(const char *p, const char *end, struct akey *key,
		    const char **val)
{
	const char *q = p + 1;

	if (p >= end || *p != 'a' || (key->k = digits(&q, end)) < 0)
		return false;
	key->j = 0;
	if (end - q >= 5 && memcmp(q, "_len=", 5) == 0) {
		key->kind = A_LEN;
		*val = q + 5;
	} else if (q < end && *q == '[') {
		q++;
		if ((key->j = digits(&q, end)) < 0 || end - q < 2 ||
		    q[0] != ']' || q[1] != '=')
			return false;
		key->kind = A_PIECE;
		*val = q + 2;
	} else if (q < end && *q == '=') {
		key->kind = A_PLAIN;
		*val = q + 1;
	} else {
		return false;
	}
	return true;
}

/* The earliest of the keys that may follow `key` (" aK+1=", " aK+1_len="
 * unless argc says aK was the last, after a piece also " aK[J+1]="), or
 * end; *twice when the one found also appears further on. */
static const char *next_akey(const struct akey *key, long argc, const char *v,
			     const char *end, bool *twice)
{
	char cand[3][48];
	const char *best = end, *hit;
	size_t i, n = 0, len = 0;

	if (argc < 0 || key->k + 1 < argc) {
		snprintf(cand[n++], sizeof(cand[0]), " a%ld=", key->k + 1);
		snprintf(cand[n++], sizeof(cand[0]), " a%ld_len=", key->k + 1);
	}
	if (key->kind == A_PIECE)
		snprintf(cand[n++], sizeof(cand[0]), " a%ld[%ld]=", key->k, key->j + 1);
	for (i = 0; i < n; i++) {
		size_t cl = strlen(cand[i]);

		hit = memmem(v, (size_t)(end - v), cand[i], cl);
		if (hit && hit < best) {
			best = hit;
			len = cl;
		}
	}
	if (best < end && memmem(best + 1, (size_t)(end - best - 1), best, len))
		*twice = true;
	return best;
}

static int execve_body(struct ip_translator *t, const char *p,
		       const char *end)
{
	struct akey key;
	const char *v, *ve;
	bool twice = false;
	int rc = 0;

	while (p < end && *p == ' ')
		p++;
	if (end - p > 5 && memcmp(p, "argc=", 5) == 0) {
		ve = memchr(p, ' ', (size_t)(end - p));
		ve = ve ? ve : end;
		rc |= buf_append(&t->line, p, (size_t)(ve - p));
		p += 5;
		t->argc = digits(&p, ve);
		p = ve < end ? ve + 1 : end;
	}
	while (p < end) {
		if (!akey_at(p, end, &key, &v))
			return -1;
		ve = key.kind == A_LEN ? memchr(v, ' ', (size_t)(end - v))
				       : next_akey(&key, t->argc, v, end, &twice);
		ve = ve ? ve : end;
		rc |= sep(&t->line);
		rc |= buf_append(&t->line, p, (size_t)(v - p));
		if (key.kind == A_LEN)
			rc |= buf_append(&t->line, v, (size_t)(ve - v));
		else if (key.kind == A_PIECE)
			rc |= ipf_encode_hex((struct kme_str){ v, (size_t)(ve - v) }, &t->line);
		else
			rc |= ipf_encode((struct kme_str){ v, (size_t)(ve - v) }, &t->line);
		p = ve < end ? ve + 1 : end;
	}
	t->st.ambiguous += twice;
	return rc ? -1 : 0;
}

static const struct rtype {
	const char *type;
	const struct field *fields;  /* NULL: EXECVE's own splitting */
	bool enrich;
} rtypes[] = {
	{ "SYSCALL", syscall_fields, true }, { "EXECVE", NULL, false },
	{ "CWD", cwd_fields, false }, { "PATH", path_fields, false },
	{ "PROCTITLE", proctitle_fields, false }, { "EOE", no_fields, false },
};

/* t->line: the raw record of interpreted line (header h); NULL `why` and
 * 1 when its type is dropped. */
static int translate(struct ip_translator *t, const char *line, size_t len,
		     const struct lh_head *h, const char **why)
{
	const struct rtype *rt = NULL;
	const char *end = line + len;
	int64_t sec;
	bool amb;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(rtypes) / sizeof(rtypes[0]); i++)
		if (kme_str_is(h->type, rtypes[i].type))
			rt = &rtypes[i];
	if (rt == NULL) {
		t->st.dropped++;
		return 1;
	}
	if (ipf_local_time(&t->clock, h->local, &sec, &amb) < 0) {
		*why = "its time is not MM/DD/YY HH:MM:SS in the --tz zone "
		       "(print with LC_TIME=C ausearch -i)";
		return -1;
	}
	t->st.ambiguous_times += amb;
	buf_reset(&t->line);
	buf_reset(&t->tail);
	if (h->node.p)
		buf_printf(&t->line, "node=%.*s ", (int)h->node.len, h->node.p);
	buf_printf(&t->line, "type=%.*s msg=audit(%lld.%03u:%llu): ",
		   (int)h->type.len, h->type.p, (long long)sec, h->msec,
		   (unsigned long long)h->serial);
	if (end > line + h->body && end[-1] == ' ')
		end--; /* ausearch ends every field with a space */
	rc = rt->fields ? fields_body(t, rt->fields, line + h->body, end, rt->enrich)
			: execve_body(t, line + h->body, end);
	if (rc == 0 && t->tail.len > 0)
		rc = buf_putc(&t->line, '\035') | buf_append(&t->line, t->tail.p, t->tail.len);
	if (rc != 0 || t->line.overflow) {
		*why = t->line.overflow ? "too long once made raw"
					: "a field's value is not of the form ausearch -i prints";
		return -1;
	}
	t->st.translated++;
	return 0;
}

static void skip(struct ip_translator *t, uint64_t lineno, const char *why,
		 const char *line, size_t len)
{
	t->st.skipped++;
	t->skip(t->arg, lineno, why, line, len);
}

void ip_line(struct ip_translator *t, const char *line, size_t len,
	     const struct lh_head *h, uint64_t lineno)
{
	const char *why = NULL;

	switch (h->kind) {
	case LH_SEPARATOR:
		ip_flush(t);
		return;
	case LH_TIMELINE:
		return;
	case LH_RAW:
		enter(t, h);
		hold(t, h, line, len, lineno);
		return;
	case LH_INTERP:
		if (!t->have_zone) {
			skip(t, lineno, "an ausearch -i record needs --tz ZONE",
			     line, len);
			return;
		}
		enter(t, h);
		if (translate(t, line, len, h, &why) == 0)
			hold(t, h, t->line.p, t->line.len, lineno);
		else if (why != NULL)
			skip(t, lineno, why, line, len);
		return;
	default:
		skip(t, lineno, lh_kind_name(h->kind), line, len);
		return;
	}
}

