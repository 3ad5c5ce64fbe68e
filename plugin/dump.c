/* dump.c - --dump-state (see dump.h). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "alert.h"
#include "buf.h"
#include "clock.h"
#include "dump.h"
#include "jsonw.h"

struct dump_row {
	int64_t first, last;
	uint64_t count;
	struct kme_buf values;
};

struct dump_rows {
	struct dump_row *v;
	size_t n, cap;
	bool oom;
};

static void collect(void *arg, const struct nt_term *term, int64_t first,
		    int64_t last, uint64_t count)
{
	struct dump_rows *rows = arg;
	struct dump_row *r;
	size_t i;

	if (rows->n == rows->cap) {
		size_t ncap = rows->cap ? rows->cap * 2 : 256;
		struct dump_row *nv = realloc(rows->v, ncap * sizeof(*nv));

		if (nv == NULL) {
			rows->oom = true;
			return;
		}
		rows->v = nv;
		rows->cap = ncap;
	}
	r = &rows->v[rows->n++];
	*r = (struct dump_row){ .first = first, .last = last, .count = count };
	buf_init(&r->values, 0);
	for (i = 0; i < term->n; i++) {
		if (buf_putc(&r->values, '\t') < 0 ||
		    (term->v[i].p == NULL ? buf_puts(&r->values, "\"\"")
		     : jsonw_escape(&r->values, term->v[i].p, term->v[i].len)) < 0)
			rows->oom = true;
	}
}

static int by_last_desc(const void *a, const void *b)
{
	const struct dump_row *x = a, *y = b;

	return x->last < y->last ? 1 : x->last > y->last ? -1 : 0;
}

/* The two comment lines. 0, or -1 with errno from the failed write. */
static int put_header(FILE *out, const struct kme_config *cfg,
		      const char *path, size_t n)
{
	size_t i;

	if (fprintf(out, "# %s: %zu term(s), rule %s v%s, window %lldms\n",
		    path, n, cfg->rule_id, cfg->rule_version,
		    (long long)cfg->history_window) < 0 ||
	    fputs("# last_seen\tfirst_seen\tcount", out) == EOF)
		return -1;
	for (i = 0; i < cfg->nterm_fields; i++)
		if (fprintf(out, "\t%s",
			    cfg_term_field_name(cfg->term_fields[i])) < 0)
			return -1;
	return fputc('\n', out) == EOF ? -1 : 0;
}

static int put_row(FILE *out, const struct dump_row *r)
{
	char first[32], last[32];

	clk_rfc3339_ms(r->last, last);
	clk_rfc3339_ms(r->first, first);
	return fprintf(out, "%s\t%s\t%llu%s\n", last, first,
		       (unsigned long long)r->count,
		       r->values.p ? r->values.p : "") < 0 ? -1 : 0;
}

int dump_history(const struct nt_store *store, const struct kme_config *cfg,
		 const char *path, FILE *out, const char *outname,
		 struct kme_err *err)
{
	struct dump_rows rows = { 0 };
	int werr = 0;
	size_t i;

	nt_foreach(store, collect, &rows);
	if (rows.n > 1)
		qsort(rows.v, rows.n, sizeof(*rows.v), by_last_desc);
	errno = 0;
	if (put_header(out, cfg, path, rows.n) < 0)
		werr = errno != 0 ? errno : EIO;
	for (i = 0; i < rows.n; i++) {
		if (werr == 0 && put_row(out, &rows.v[i]) < 0)
			werr = errno != 0 ? errno : EIO;
		buf_free(&rows.v[i].values);
	}
	free(rows.v);
	if (werr == 0 && fflush(out) == EOF)
		werr = errno != 0 ? errno : EIO;
	if (werr != 0) {
		clearerr(out);  /* said here: not again when out is closed */
		return kme_errnof(err, werr, "%s: write", outname);
	}
	if (rows.oom)
		return kme_errnof(err, ENOMEM, "%s: listing terms", path);
	return 0;
}
