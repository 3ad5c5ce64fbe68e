/* openevent.c - auparse event -> struct oe_event (see openevent.h).
 *
 * In steps, as execevent.c: the SYSCALL record (which syscall, the
 * opener's ids and names, the keys), then CWD and PATH item 0, then the
 * path as opened once every string is stored. Strings are decoded into
 * one buffer and handed out only when it no longer moves.
 */
#include <libaudit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aurec.h"
#include "buf.h"
#include "execargs.h"
#include "execevent.h"
#include "openevent.h"
#include "syscalls.h"

/* The SYSCALL fields read, by name. */
enum oe_field {
	O_A0, O_ARCH, O_AUID, O_COMM, O_EGID, O_EUID, O_EXE, O_GID, O_PID,
	O_PPID, O_SES, O_SGID, O_SUCCESS, O_SUID, O_SYSCALL, O_TTY, O_UID,
	O__COUNT
};

static const char *const field_names[O__COUNT] = {
	[O_A0] = "a0", [O_ARCH] = "arch", [O_AUID] = "auid", [O_COMM] = "comm",
	[O_EGID] = "egid", [O_EUID] = "euid", [O_EXE] = "exe", [O_GID] = "gid",
	[O_PID] = "pid", [O_PPID] = "ppid", [O_SES] = "ses", [O_SGID] = "sgid",
	[O_SUCCESS] = "success", [O_SUID] = "suid", [O_SYSCALL] = "syscall",
	[O_TTY] = "tty", [O_UID] = "uid",
};

/* Where a string is in meta while meta may still move. */
struct at {
	size_t off, len;
	bool set;
};

/* The strings of one event, by what they are. */
enum oe_str {
	S_COMM, S_EXE, S_TTY, S_CWD, S_NAME, S_NODE, S_UNAME, S_EUNAME,
	S_GNAME, S_EGNAME, S_AUNAME, S_OPENED, S__COUNT
};

struct oe_builder {
	struct kme_buf meta;
	struct sc_cache sc;
	struct at str[S__COUNT];
	struct at keys[OE_MAX_KEYS]; /* the decoded key= values */
	size_t nkeys;
	const char *title_raw;       /* PROCTITLE's value (libauparse's) */
	struct kme_buf title;        /* ... decoded (ev_title) */
};

struct oe_builder *oe_builder_new(struct kme_err *err)
{
	struct oe_builder *b = calloc(1, sizeof(*b));

	if (b == NULL) {
		kme_errf(err, "open events: out of memory");
		return NULL;
	}
	buf_init(&b->meta, OE_MAX_META);
	buf_init(&b->title, OE_MAX_META);
	return b;
}

void oe_builder_free(struct oe_builder *b)
{
	if (b == NULL)
		return;
	buf_free(&b->meta);
	buf_free(&b->title);
	free(b);
}

/* ---- values ------------------------------------------------------------- */

/* raw decoded (quoted, hex; "(null)" absent) into meta, NUL-terminated. */
static struct at keep_decoded(struct oe_builder *b, const char *raw)
{
	size_t off = b->meta.len;

	if (raw == NULL || ea_decode_value(raw, &b->meta) != 0 ||
	    buf_putc(&b->meta, '\0') < 0) {
		b->meta.len = off;
		return (struct at){ 0, 0, false };
	}
	return (struct at){ off, b->meta.len - off - 1, true };
}

/* raw as it is (tty, a node, an interpreted name). */
static struct at keep_plain(struct oe_builder *b, const char *s, size_t n)
{
	size_t off = b->meta.len;

	if (s == NULL || buf_append(&b->meta, s, n) < 0 ||
	    buf_putc(&b->meta, '\0') < 0) {
		b->meta.len = off;
		return (struct at){ 0, 0, false };
	}
	return (struct at){ off, n, true };
}

static struct kme_str str_of(const struct oe_builder *b, struct at a)
{
	return a.set ? (struct kme_str){ b->meta.p + a.off, a.len }
		     : KME_STR_NULL;
}

/* A decimal number of at most 19 digits (ids, pids, inodes); false when s
 * is not one. */
static bool decimal(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	size_t n = 0;

	if (s == NULL)
		return false;
	for (; s[n] >= '0' && s[n] <= '9' && n < 19; n++)
		v = v * 10 + (uint64_t)(s[n] - '0');
	*out = v;
	return n > 0 && s[n] == '\0';
}

static uint32_t id_of(const char *s)
{
	uint64_t v;

	return decimal(s, &v) && v < KME_ID_UNSET ? (uint32_t)v : KME_ID_UNSET;
}

static int32_t pid_of(const char *s)
{
	uint64_t v;

	return decimal(s, &v) && v <= INT32_MAX ? (int32_t)v : -1;
}

/* ---- step 1: the SYSCALL record ------------------------------------------ */

/* The cursor on the event's SYSCALL record, its fields in v[] (borrowed
 * from auparse while the cursor stays), every key= in keys[]: libauparse
 * hands several keys of one rule as several key fields. false: no
 * SYSCALL record. */
static bool syscall_fields(auparse_state_t *au, const char *v[O__COUNT],
			   const char *keys[OE_MAX_KEYS], size_t *nkeys)
{
	int at;

	memset(v, 0, sizeof(v[0]) * O__COUNT);
	*nkeys = 0;
	if ((at = aur_syscall(au)) <= 0)
		return at == 0;
	do {
		const char *name = auparse_get_field_name(au);
		size_t i;

		if (name != NULL && strcmp(name, "key") == 0) {
			if (*nkeys < OE_MAX_KEYS)
				keys[(*nkeys)++] = auparse_get_field_str(au);
			continue;
		}
		for (i = 0; name != NULL && i < O__COUNT; i++)
			if (v[i] == NULL && strcmp(name, field_names[i]) == 0)
				v[i] = auparse_get_field_str(au);
	} while (auparse_next_field(au) > 0);
	return true;
}

/* SC_OPEN, SC_OPENAT, or another class. */
static enum sc_class class_of(struct oe_builder *b, const char *v[O__COUNT])
{
	unsigned long long arch;
	uint64_t nr;
	char *end;

	if (v[O_ARCH] == NULL || !decimal(v[O_SYSCALL], &nr))
		return SC_OTHER;
	arch = strtoull(v[O_ARCH], &end, 16);
	if (*end != '\0' || end == v[O_ARCH])
		return SC_OTHER;
	return sc_classify(&b->sc, (unsigned long)arch, (long)nr);
}

/* An ENRICHED log's name of an id (aurec.h). */
static struct at enriched(struct oe_builder *b, auparse_state_t *au,
			  const char *field)
{
	const char *s = aur_enriched(au, field);

	return keep_plain(b, s, s != NULL ? strlen(s) : 0);
}

static void opener(struct oe_builder *b, auparse_state_t *au,
		   const char *v[O__COUNT], const char *const *keys,
		   size_t nkeys, struct kme_exec *ex)
{
	size_t i;

	ex->success = v[O_SUCCESS] != NULL && strcmp(v[O_SUCCESS], "yes") == 0;
	ex->proc.pid = pid_of(v[O_PID]);
	ex->ppid = ex->parent.pid = pid_of(v[O_PPID]);
	ex->uid = id_of(v[O_UID]);
	ex->euid = id_of(v[O_EUID]);
	ex->gid = id_of(v[O_GID]);
	ex->egid = id_of(v[O_EGID]);
	ex->auid = id_of(v[O_AUID]);
	ex->ses = id_of(v[O_SES]);
	ex->suid = id_of(v[O_SUID]);
	ex->sgid = id_of(v[O_SGID]);
	ex->arch = ev_arch_name(v[O_ARCH]);
	b->str[S_COMM] = keep_decoded(b, v[O_COMM]);
	b->str[S_EXE] = keep_decoded(b, v[O_EXE]);
	if (v[O_TTY] != NULL && strcmp(v[O_TTY], "(none)") != 0)
		b->str[S_TTY] = keep_plain(b, v[O_TTY], strlen(v[O_TTY]));
	for (b->nkeys = 0, i = 0; i < nkeys; i++)
		b->keys[b->nkeys++] = keep_decoded(b, keys[i]);
	/* The cursor is still on the SYSCALL record. */
	b->str[S_UNAME] = enriched(b, au, "uid");
	b->str[S_EUNAME] = enriched(b, au, "euid");
	b->str[S_GNAME] = enriched(b, au, "gid");
	b->str[S_EGNAME] = enriched(b, au, "egid");
	b->str[S_AUNAME] = enriched(b, au, "auid");
}

/* ---- step 2: CWD and PATH item 0 ------------------------------------------ */

/* The fields of PATH item 0 (this record's only: auparse_find_field would
 * go on into the next records for a field this one lacks). */
static void path_item(struct oe_builder *b, auparse_state_t *au,
		      struct kme_file *f)
{
	const char *v[4] = { NULL, NULL, NULL, NULL }, *s;
	static const char *const names[4] = { "item", "name", "inode", "mode" };
	uint64_t n;
	size_t i;
	char *end;

	do {
		const char *name = auparse_get_field_name(au);

		for (i = 0; name != NULL && i < 4; i++)
			if (v[i] == NULL && strcmp(name, names[i]) == 0)
				v[i] = auparse_get_field_str(au);
		if (name != NULL && strcmp(name, "ouid") == 0)
			f->ouid = id_of(auparse_get_field_str(au));
		if (name != NULL && strcmp(name, "ogid") == 0)
			f->ogid = id_of(auparse_get_field_str(au));
	} while (auparse_next_field(au) > 0);
	if (v[0] == NULL || strcmp(v[0], "0") != 0 || b->str[S_NAME].set)
		return;
	b->str[S_NAME] = keep_decoded(b, v[1]);
	f->inode_known = decimal(v[2], &n);
	f->inode = f->inode_known ? n : 0;
	if ((s = v[3]) != NULL) {
		unsigned long m = strtoul(s, &end, 8);

		f->mode_known = *end == '\0' && end != s && m <= 0xffffffffUL;
		f->mode = f->mode_known ? (uint32_t)m : 0;
	}
}

static void records(struct oe_builder *b, auparse_state_t *au,
		    struct kme_file *f)
{
	auparse_first_record(au);
	do {
		int type = auparse_get_type(au);

		if (auparse_first_field(au) <= 0)
			continue;
		if (type == AUDIT_CWD && !b->str[S_CWD].set)
			b->str[S_CWD] = keep_decoded(b,
						     auparse_find_field(au, "cwd"));
		else if (type == AUDIT_PATH)
			path_item(b, au, f);
		else if (type == AUDIT_PROCTITLE && b->title_raw == NULL)
			b->title_raw = auparse_find_field(au, "proctitle");
	} while (auparse_next_record(au) > 0);
}

/* ---- step 3: the path as opened, the strings ------------------------------- */

/* The name joined to the CWD when relative to it; as given when relative
 * to a directory fd (or without a usable CWD). */
static void opened_as(struct oe_builder *b, bool at_dirfd,
		      struct kme_file *f)
{
	struct kme_str name = str_of(b, b->str[S_NAME]);
	struct kme_str cwd = str_of(b, b->str[S_CWD]);
	size_t off = b->meta.len;

	if (name.p == NULL || name.len == 0)
		return;
	b->str[S_OPENED] = b->str[S_NAME];
	if (name.p[0] == '/')
		return;
	if (at_dirfd || cwd.p == NULL || cwd.len == 0 || cwd.p[0] != '/') {
		f->opened_relative = true;
		return;
	}
	/* Room first: the join must not move what it reads. */
	if (buf_reserve(&b->meta, cwd.len + name.len + 2) < 0)
		return;
	name = str_of(b, b->str[S_NAME]);
	cwd = str_of(b, b->str[S_CWD]);
	if (ev_join_path(cwd, name, &b->meta) == 0 &&
	    buf_putc(&b->meta, '\0') == 0)
		b->str[S_OPENED] = (struct at){ off, b->meta.len - off - 1, true };
}

/* Each key= value: one key, or several separated by 0x01 (the record's
 * own form, should a libauparse not split them). */
static void split_keys(const struct oe_builder *b, struct kme_file *f)
{
	size_t j, i, start;

	for (j = 0; j < b->nkeys; j++) {
		struct kme_str k = str_of(b, b->keys[j]);

		for (start = 0, i = 0; k.p != NULL && i <= k.len &&
		     f->nkeys < OE_MAX_KEYS; i++) {
			if (i < k.len && k.p[i] != '\x01')
				continue;
			if (i > start)
				f->keys[f->nkeys++] = (struct kme_str){
					k.p + start, i - start };
			start = i + 1;
		}
	}
}

static void strings(const struct oe_builder *b, struct oe_event *out)
{
	struct kme_exec *ex = &out->ex;

	ex->comm = str_of(b, b->str[S_COMM]);
	ex->exe = str_of(b, b->str[S_EXE]);
	ex->tty = str_of(b, b->str[S_TTY]);
	ex->proc.cwd = str_of(b, b->str[S_CWD]);
	ex->node = str_of(b, b->str[S_NODE]);
	ex->user_name = str_of(b, b->str[S_UNAME]);
	ex->euser_name = str_of(b, b->str[S_EUNAME]);
	ex->group_name = str_of(b, b->str[S_GNAME]);
	ex->egroup_name = str_of(b, b->str[S_EGNAME]);
	ex->auser_name = str_of(b, b->str[S_AUNAME]);
	out->file.opened_as = str_of(b, b->str[S_OPENED]);
	split_keys(b, &out->file);
}

bool oe_build(struct oe_builder *b, auparse_state_t *au, struct kme_str node,
	      struct oe_event *out)
{
	const char *v[O__COUNT], *keys[OE_MAX_KEYS];
	const au_event_t *ts = auparse_get_timestamp(au);
	enum sc_class cls;
	size_t nkeys;
	bool at_dirfd;

	if (ts == NULL || !syscall_fields(au, v, keys, &nkeys))
		return false;
	cls = class_of(b, v);
	if (cls != SC_OPEN && cls != SC_OPENAT)
		return false;
	memset(out, 0, sizeof(*out));
	memset(b->str, 0, sizeof(b->str));
	b->title_raw = NULL;
	buf_reset(&b->meta);
	out->ex.sec = (int64_t)ts->sec;
	out->ex.msec = ts->milli;
	out->ex.serial = ts->serial;
	out->ex.entry_leader.proc.pid = -1;
	out->file.ouid = out->file.ogid = KME_ID_UNSET;
	if (node.p != NULL)
		b->str[S_NODE] = keep_plain(b, node.p, node.len);
	else if (ts->host != NULL)
		b->str[S_NODE] = keep_plain(b, ts->host, strlen(ts->host));
	/* openat and openat2 name a directory fd first; open does not. */
	at_dirfd = cls == SC_OPENAT && !sc_is_at_fdcwd(v[O_A0]);
	opener(b, au, v, keys, nkeys, &out->ex);
	records(b, au, &out->file);
	opened_as(b, at_dirfd, &out->file);
	strings(b, out);
	ev_title(b->title_raw, &b->title, &out->ex);
	return true;
}

bool oe_has_key(const struct kme_file *f, const char *k)
{
	size_t i;

	for (i = 0; i < f->nkeys; i++)
		if (kme_str_is(f->keys[i], k))
			return true;
	return false;
}

struct kme_str oe_file_path(const struct kme_file *f)
{
	if (f->watch != NULL)
		return (struct kme_str){ f->watch->path, strlen(f->watch->path) };
	return f->opened_as;
}
