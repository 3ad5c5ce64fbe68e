/* execargs.c - argv of one exec event from its EXECVE records (see execargs.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "execargs.h"
#include "hex.h"

/* The kernel's own bound on argc (MAX_ARG_STRINGS): a larger logged argc is
 * not a count, it is garbage. */
#define EA_MAX_ARGC 0x7FFFFFFFLL

/* One argv slot while EXECVE records are being joined. Offsets, not
 * pointers, because the byte arena may move while it grows. */
struct slot {
	size_t off, len;
	long long expect_len;   /* aN_len, or -1: the length as logged, i.e.
				   twice the bytes when the pieces are hex */
	size_t logged_len;      /* sum of the pieces' logged lengths */
	uint32_t next_piece;    /* next expected aN[i] */
	uint8_t state;          /* SLOT_* */
};

enum { SLOT_EMPTY = 0, SLOT_WHOLE, SLOT_PIECES, SLOT_CUT /* no room left */ };

/* Comparing every argument with the watched values, stored or not. A split
 * argument is compared as its pieces arrive: only its first max_len bytes are
 * kept (in pfx), and once it is longer it can equal no watched value. */
struct watch {
	const struct kme_argset *set;
	bool *seen;               /* set->n flags, reset per event */
	size_t cap_seen;
	size_t max_len;           /* longest watched value */
	char *tmp;                /* max_len bytes: one decoded hex value */
	char *pfx;                /* max_len bytes: the split argument so far */
	size_t pfx_len;
	bool pfx_over;            /* longer than max_len already */
	bool piece_open;          /* a split argument is being compared */
	unsigned long long piece_arg;
};

struct ea_args {
	struct kme_buf bytes;     /* decoded arguments of the current event */
	struct slot *slots;
	size_t nslots, capslots;
	struct kme_str *argv;
	size_t capargv;
	long long argc;           /* logged argc; -1 before (or when garbage) */
	unsigned long long top;   /* highest argument index logged + 1 */
	bool malformed, truncated;
	struct watch w;
};

struct ea_args *ea_new(struct kme_err *err)
{
	struct ea_args *a = calloc(1, sizeof(*a));

	if (a == NULL) {
		kme_errf(err, "exec arguments: out of memory");
		return NULL;
	}
	buf_init(&a->bytes, EA_MAX_BYTES);
	ea_begin(a);
	return a;
}

void ea_free(struct ea_args *a)
{
	if (a == NULL)
		return;
	buf_free(&a->bytes);
	free(a->slots);
	free(a->argv);
	free(a->w.seen);
	free(a->w.tmp);
	free(a->w.pfx);
	free(a);
}

int ea_watch(struct ea_args *a, const struct kme_argset *set,
	     struct kme_err *err)
{
	struct watch *w = &a->w;
	size_t i, max = 0;

	w->set = NULL;
	w->max_len = 0;
	if (set == NULL || set->n == 0)
		return 0;
	for (i = 0; i < set->n; i++)
		if (set->v[i].len > max)
			max = set->v[i].len;
	if (set->n > w->cap_seen) {
		bool *ns = realloc(w->seen, set->n * sizeof(*ns));

		if (ns == NULL)
			goto nomem;
		w->seen = ns;
		w->cap_seen = set->n;
	}
	free(w->tmp);
	free(w->pfx);
	w->tmp = malloc(max + 1);
	w->pfx = malloc(max + 1);
	if (w->tmp == NULL || w->pfx == NULL)
		goto nomem;
	memset(w->seen, 0, set->n * sizeof(*w->seen));
	w->set = set;
	w->max_len = max;
	return 0;
nomem:
	return kme_errf(err, "exec arguments: out of memory for %zu watched values",
			set->n);
}

void ea_begin(struct ea_args *a)
{
	buf_reset(&a->bytes);
	a->nslots = 0;
	a->argc = -1;
	a->top = 0;
	a->malformed = a->truncated = false;
	a->w.piece_open = false;
	if (a->w.set != NULL)
		memset(a->w.seen, 0, a->w.set->n * sizeof(*a->w.seen));
}

int ea_decode_value(const char *raw, struct kme_buf *out)
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

/* --- watching ------------------------------------------------------------ */

/* The decoded form of raw, exactly as ea_decode_value decodes it, without a
 * copy when it is quoted or plain. Hex is decoded into tmp (cap bytes) when it
 * fits; when it does not, *p is NULL and *len (a lower bound of the decoded
 * length) exceeds cap. false for "(null)" (absent). */
static bool view_value(const char *raw, char *tmp, size_t cap,
		       const char **p, size_t *len)
{
	size_t n = strlen(raw), i;

	if (n >= 1 && raw[0] == '"') {
		size_t end = (n >= 2 && raw[n - 1] == '"') ? n - 1 : n;

		*p = raw + 1;
		*len = end - 1;
		return true;
	}
	if (strcmp(raw, "(null)") == 0)
		return false;
	if (n > 0 && n % 2 == 0) {
		if (n / 2 > cap) {
			/* Hex or not, it decodes to n/2 or n bytes: too many. */
			*p = NULL;
			*len = n / 2;
			return true;
		}
		for (i = 0; i < n; i++)
			if (hex_value((unsigned char)raw[i]) < 0)
				break;
		if (i == n) {
			for (i = 0; i < n; i += 2)
				tmp[i / 2] = (char)(hex_value((unsigned char)raw[i]) << 4 |
						    hex_value((unsigned char)raw[i + 1]));
			*p = tmp;
			*len = n / 2;
			return true;
		}
	}
	*p = raw;
	*len = n;
	return true;
}

static void watch_bytes(struct watch *w, const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < w->set->n; i++)
		if (w->set->v[i].len == len && memcmp(w->set->v[i].p, p, len) == 0)
			w->seen[i] = true;
}

/* The split argument being compared is complete. */
static void watch_close_piece(struct watch *w)
{
	if (w->piece_open && !w->pfx_over)
		watch_bytes(w, w->pfx, w->pfx_len);
	w->piece_open = false;
}

static void watch_whole(struct watch *w, const char *raw)
{
	const char *p;
	size_t len;

	if (w->set == NULL)
		return;
	watch_close_piece(w);
	if (view_value(raw, w->tmp, w->max_len, &p, &len) && p != NULL &&
	    len <= w->max_len)
		watch_bytes(w, p, len);
}

static void watch_piece(struct watch *w, unsigned long long arg, const char *raw)
{
	const char *p;
	size_t len;

	if (w->set == NULL)
		return;
	if (!w->piece_open || w->piece_arg != arg) {
		watch_close_piece(w);
		w->piece_open = true;
		w->piece_arg = arg;
		w->pfx_len = 0;
		w->pfx_over = false;
	}
	if (w->pfx_over)
		return;
	if (!view_value(raw, w->tmp, w->max_len - w->pfx_len, &p, &len))
		return;
	if (p == NULL || len > w->max_len - w->pfx_len) {
		w->pfx_over = true;
		return;
	}
	memcpy(w->pfx + w->pfx_len, p, len);
	w->pfx_len += len;
}

/* --- storing ------------------------------------------------------------- */

static struct slot *slot_at(struct ea_args *a, size_t idx)
{
	if (idx >= EA_MAX_ARGS) {
		a->truncated = true;
		return NULL;
	}
	if (idx >= a->capslots) {
		size_t ncap = a->capslots ? a->capslots : 64;
		struct slot *ns;

		while (ncap <= idx)
			ncap *= 2;
		if (ncap > EA_MAX_ARGS)
			ncap = EA_MAX_ARGS;
		ns = realloc(a->slots, ncap * sizeof(*ns));
		if (ns == NULL) {
			a->truncated = true;
			return NULL;
		}
		a->slots = ns;
		a->capslots = ncap;
	}
	while (a->nslots <= idx) {
		a->slots[a->nslots] = (struct slot){ .expect_len = -1 };
		a->nslots++;
	}
	return &a->slots[idx];
}

/* An EXECVE field name: "argc", "aN", "aN_len" or "aN[i]". */
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

static bool parse_count(const char *s, long long *out)
{
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno == 0 && *end == '\0';
}

/* Store a whole value in slot s. */
static void store_whole(struct ea_args *a, struct slot *s, const char *raw)
{
	size_t off = a->bytes.len;
	int rc = ea_decode_value(raw, &a->bytes);

	if (rc == 1) /* "(null)": no value; the slot stays a hole */
		return;
	if (rc < 0 || buf_putc(&a->bytes, '\0') < 0) {
		/* The arena is full: truncation, not malformation. */
		a->bytes.len = off;
		if (a->bytes.p != NULL)
			a->bytes.p[off] = '\0';
		a->truncated = true;
		s->state = SLOT_CUT;
		return;
	}
	if (rc == 2)
		a->malformed = true;
	s->off = off;
	s->len = a->bytes.len - off - 1;
	s->state = SLOT_WHOLE;
}

/* Append a piece to slot s, keeping each argument contiguous in the arena
 * (moving it to the end first when another argument was stored after it). */
static void store_piece(struct ea_args *a, struct slot *s, const char *raw)
{
	size_t before, rl;

	if (s->state == SLOT_PIECES && s->off + s->len + 1 != a->bytes.len) {
		size_t noff = a->bytes.len;

		if (buf_reserve(&a->bytes, s->len + 1) < 0) {
			a->truncated = true;
			return;
		}
		memcpy(a->bytes.p + noff, a->bytes.p + s->off, s->len);
		a->bytes.len += s->len;
		a->bytes.p[a->bytes.len++] = '\0';
		s->off = noff;
	}
	if (s->state != SLOT_PIECES) {
		s->off = a->bytes.len;
		s->len = 0;
		s->state = SLOT_PIECES;
		if (buf_putc(&a->bytes, '\0') < 0) {
			a->truncated = true;
			s->state = SLOT_CUT;
			return;
		}
	}
	/* The kernel's aN_len counts the logged form (hex digits, or the
	 * bytes between quotes), so compare it with that. */
	rl = strlen(raw);
	s->logged_len += (rl >= 2 && raw[0] == '"') ? rl - 2 : rl;
	/* Overwrite the terminating NUL with the piece, then re-terminate. */
	a->bytes.len--;
	before = a->bytes.len;
	if (ea_decode_value(raw, &a->bytes) != 0) {
		if (a->bytes.overflow)
			a->truncated = true;
		else
			a->malformed = true;
	}
	if (buf_putc(&a->bytes, '\0') < 0) {
		/* No room for the terminator: drop this piece. */
		a->bytes.len = before;
		a->bytes.p[a->bytes.len++] = '\0';
		a->truncated = true;
		return;
	}
	s->len += a->bytes.len - 1 - before;
}

static void field(struct ea_args *a, const char *name, const char *raw)
{
	unsigned long long n = 0, piece = 0;
	struct slot *s;
	long long v;
	int kind = arg_field(name, &n, &piece);

	if (kind == AF_WHOLE || kind == AF_LEN || kind == AF_PIECE) {
		if (n + 1 > a->top)
			a->top = n + 1;
	}
	switch (kind) {
	case AF_ARGC:
		if (!parse_count(raw, &v) || v > EA_MAX_ARGC || a->argc >= 0)
			a->malformed = true;
		else
			a->argc = v;
		break;
	case AF_WHOLE:
		watch_whole(&a->w, raw);
		s = slot_at(a, n);
		if (s == NULL)
			break;
		if (s->state != SLOT_EMPTY) {
			a->malformed = true; /* duplicate */
			break;
		}
		store_whole(a, s, raw);
		break;
	case AF_LEN:
		watch_close_piece(&a->w);
		s = slot_at(a, n);
		if (s == NULL)
			break;
		if (!parse_count(raw, &v) || s->expect_len >= 0)
			a->malformed = true;
		else
			s->expect_len = v;
		break;
	case AF_PIECE:
		watch_piece(&a->w, n, raw);
		s = slot_at(a, n);
		if (s == NULL || s->state == SLOT_CUT)
			break;
		if (s->state == SLOT_WHOLE || piece != s->next_piece) {
			a->malformed = true; /* duplicate or missing piece */
			if (piece < s->next_piece || s->state == SLOT_WHOLE)
				break;
		}
		s->next_piece = (uint32_t)(piece + 1);
		store_piece(a, s, raw);
		break;
	default:
		break;
	}
}

void ea_record(struct ea_args *a, auparse_state_t *au)
{
	if (auparse_first_field(au) <= 0)
		return;
	do {
		const char *name = auparse_get_field_name(au);
		const char *raw = auparse_get_field_str(au);

		if (name != NULL && raw != NULL)
			field(a, name, raw);
	} while (auparse_next_field(au) > 0);
}

/* argv from the slots. argc bounds it, and so does what was logged: a hole
 * between logged arguments is an empty string, arguments promised by argc
 * but never logged are not invented; both make the event malformed. More than
 * EA_MAX_ARGS arguments are not stored (truncated) but were watched. */
bool ea_finish(struct ea_args *a, struct kme_args *out)
{
	unsigned long long argc = a->argc >= 0 ? (unsigned long long)a->argc : a->top;
	size_t n, i;

	watch_close_piece(&a->w);
	if (a->top > argc)
		a->malformed = true; /* arguments beyond argc */
	if (argc > a->top)
		a->malformed = true; /* argc promised more than was logged */
	n = argc < EA_MAX_ARGS ? (size_t)argc : EA_MAX_ARGS;
	if (n < argc)
		a->truncated = true;
	if (n > a->nslots)
		n = a->nslots;
	if (n > a->capargv) {
		struct kme_str *na = realloc(a->argv, n * sizeof(*na));

		if (na == NULL) {
			a->truncated = true;
			n = a->capargv;
		} else {
			a->argv = na;
			a->capargv = n;
		}
	}
	for (i = 0; i < n; i++) {
		struct slot *s = &a->slots[i];

		if (s->state == SLOT_EMPTY || s->state == SLOT_CUT) {
			if (s->state == SLOT_EMPTY)
				a->malformed = true;
			a->argv[i] = (struct kme_str){ "", 0 };
			continue;
		}
		if (s->expect_len >= 0 && (size_t)s->expect_len != s->logged_len &&
		    !a->truncated)
			a->malformed = true;
		if (s->state == SLOT_PIECES && s->expect_len < 0)
			a->malformed = true; /* the kernel writes aN_len first */
		a->argv[i] = (struct kme_str){ a->bytes.p + s->off, s->len };
	}
	*out = (struct kme_args){
		.v = a->argv,
		.n = n,
		.truncated = a->truncated,
		/* What the kernel said; without a usable argc, the arguments
		 * that were logged. */
		.argc = argc <= (unsigned long long)EA_MAX_ARGC ? (size_t)argc : n,
		.watched = a->w.set,
		.seen = a->w.set != NULL ? a->w.seen : NULL,
	};
	return a->malformed;
}
