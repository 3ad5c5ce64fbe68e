/* progress.c - the progress line of a long replay (see progress.h). */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "progress.h"

void pg_start(struct pg_state *p, FILE *fp, bool tty)
{
	memset(p, 0, sizeof(*p));
	p->fp = fp;
	p->tty = tty;
	p->start_ms = clk_mono_ms();
	p->next_ms = p->start_ms + (tty ? PG_TTY_MS : PG_PIPE_MS);
}

bool pg_due(struct pg_state *p)
{
	int64_t now = clk_mono_ms();

	if (now < p->next_ms)
		return false;
	p->next_ms = now + (p->tty ? PG_TTY_MS : PG_PIPE_MS);
	return true;
}

/* n with a k/M/G suffix, 3 significant digits: 850k, 1.23M. */
static void human(char *buf, size_t size, double n)
{
	static const char suffix[] = " kMG";
	int i = 0;

	while (n >= 1000 && i < 3) {
		n /= 1000;
		i++;
	}
	if (i == 0)
		snprintf(buf, size, "%.0f", n);
	else
		snprintf(buf, size, n < 10 ? "%.2f%c" : n < 100 ? "%.1f%c" : "%.0f%c",
			 n, suffix[i]);
}

const char *pg_format(struct pg_state *p, const struct pg_figures *f,
		      int64_t elapsed_ms)
{
	double s = elapsed_ms > 0 ? elapsed_ms / 1000.0 : 0.001;
	double mib = f->bytes / 1048576.0;
	char recs[16], rate[16], left[32] = "";
	int n = 0;

	human(recs, sizeof(recs), (double)f->records);
	human(rate, sizeof(rate), f->records / s);
	if (f->total > 0) {
		double frac = (double)f->bytes / (double)f->total;

		if (frac > 0 && frac < 1) {
			long secs = (long)(s / frac - s + 0.5);

			snprintf(left, sizeof(left), "  %ld:%02ld left", secs / 60,
				 secs % 60);
		}
		n = snprintf(p->line, sizeof(p->line), "replay %3.0f%% %.1f/%.1f MiB",
			     frac > 1 ? 100.0 : frac * 100, mib,
			     f->total / 1048576.0);
	} else {
		n = snprintf(p->line, sizeof(p->line), "replay %.1f MiB", mib);
	}
	if (n < 0 || (size_t)n >= sizeof(p->line))
		n = 0;
	snprintf(p->line + n, sizeof(p->line) - (size_t)n,
		 "  %s records %s/s %.1f MB/s  %llu alert%s%s", recs, rate,
		 f->bytes / 1e6 / s, (unsigned long long)f->alerts,
		 f->alerts == 1 ? "" : "s", left);
	return p->line;
}

void pg_draw(struct pg_state *p, const struct pg_figures *f)
{
	const char *text = pg_format(p, f, clk_mono_ms() - p->start_ms);

	if (p->tty) {
		/* Left with the cursor at column 0: a line written next
		 * (an alert on the same terminal) replaces it. */
		fprintf(p->fp, "\r\033[K%s\r", text);
		p->drawn = true;
	} else {
		fprintf(p->fp, "%s\n", text);
	}
	fflush(p->fp);
}

void pg_clear(struct pg_state *p)
{
	if (!p->drawn)
		return;
	fputs("\r\033[K", p->fp);
	fflush(p->fp);
	p->drawn = false;
}
