/* replay.c - inputs to the engine, every skipped line accounted (replay.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "input.h"
#include "interp.h"
#include "interpfield.h"
#include "jsonw.h"
#include "log.h"
#include "loghead.h"
#include "logset.h"
#include "progress.h"
#include "replay.h"

/* How much of an offending line a message quotes. */
#define RP_HEAD_MAX 72
/* The longest --explain line of the replay's own: two names (PATH_MAX
 * each) and a quoted line. */
#define RP_SAY_MAX (2 * 4096 + 512)
/* Records dated within the span already replayed, new, beyond which the
 * inputs are said to interleave (not the late records of one stream
 * across a cut). */
#define RP_OVERLAP_WARN 64

/* A line that gave no record: where, why, what it began with. */
struct rp_bad {
	uint64_t from, to;       /* a run of lines with one reason */
	const char *why;
	char head[RP_HEAD_MAX + 4];
};

/* The input being replayed. */
struct rp_file {
	const struct ls_entry *e;
	uint64_t lines;          /* the last line number met */
	uint64_t records;        /* lines the engine took as records */
	uint64_t skipped;        /* lines that gave none */
	uint64_t dropped;        /* ausearch -i records of unused types */
	struct rp_bad first;     /* the first skipped line */
	struct rp_bad run;       /* --explain: the current run */
};

struct rp_state {
	const struct rp_opts *o;
	struct engine *eng;
	struct rd_reader *rd;
	struct ls_set set;
	struct ip_translator *ip;
	bool dedup;              /* several inputs: look for overlaps */
	bool via_ip;             /* this input goes through the translator */
	struct rp_file f;
	struct in_source *src;
	struct pg_state pg;
	bool progress;
	uint64_t bytes_done;     /* read from the inputs finished */
	int64_t total;           /* all inputs' bytes, -1 unknown */
	uint64_t records;        /* of the inputs finished */
	struct kme_buf say;      /* explain_say's escaped line */
	int status;
};

/* Which status wins when several apply (replay.h): a refusal, then a
 * runtime error, then an unusable input. */
static int rank(int st)
{
	return st == RP_EXIT_USAGE ? 3 : st == 1 ? 2 : st == RP_EXIT_INPUT;
}

static void raise_status(struct rp_state *r, int st)
{
	if (rank(st) > rank(r->status))
		r->status = st;
}

/* --- skipped lines ------------------------------------------------------------ */

static bool binary(const char *line, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)line[i] < 0x20 && line[i] != '\t' &&
		    line[i] != '\035' && line[i] != '\033')
			return true;
	return false;
}

/* The start of an offending line as a message quotes it: its text, or,
 * for binary data, its first bytes in hex. */
static void quote_head(char *dst, const char *line, size_t len)
{
	size_t n = len < RP_HEAD_MAX ? len : RP_HEAD_MAX, i, pos = 0;

	if (binary(line, len)) {
		for (i = 0; i < len && i < RP_HEAD_MAX / 3; i++)
			pos += (size_t)sprintf(dst + pos, "%s%02x", i ? " " : "",
					       (unsigned char)line[i]);
		strcpy(dst + pos, len > i ? " ..." : "");
		return;
	}
	memcpy(dst, line, n);
	strcpy(dst + n, len > n ? "..." : "");
}

/* One line of --explain's own (no '\n'), escaped as the log's messages
 * are (jsonw_text: a file name or a quoted line cannot bring a control byte
 * to a terminal), through the alerts' sink: a line it cannot write fails
 * the run as a lost alert does (output.h). */
static void explain_say(struct rp_state *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void explain_say(struct rp_state *r, const char *fmt, ...)
{
	char text[RP_SAY_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	buf_reset(&r->say);
	if (jsonw_text(&r->say, text, strlen(text)) == 0)
		(void)out_write(r->o->explain, r->say.p, r->say.len);
}

static void explain_run(struct rp_state *r)
{
	struct rp_bad *b = &r->f.run;

	if (r->o->explain == NULL || b->from == 0)
		return;
	if (b->to > b->from)
		explain_say(r, "# skipped %s:%llu-%llu: %s: '%s'", ls_name(r->f.e),
			    (unsigned long long)b->from,
			    (unsigned long long)b->to, b->why, b->head);
	else
		explain_say(r, "# skipped %s:%llu: %s: '%s'", ls_name(r->f.e),
			    (unsigned long long)b->from, b->why, b->head);
	b->from = 0;
}

static void skipped(struct rp_state *r, uint64_t lineno, const char *why,
		    const char *line, size_t len)
{
	struct rp_file *f = &r->f;

	f->skipped++;
	if (lineno > f->lines)
		f->lines = lineno;
	if (f->first.from == 0) {
		f->first = (struct rp_bad){ lineno, lineno, why, "" };
		quote_head(f->first.head, line, len);
	}
	if (f->run.from != 0 && f->run.why == why && f->run.to + 1 == lineno) {
		f->run.to = lineno;
		return;
	}
	explain_run(r);
	f->run = (struct rp_bad){ lineno, lineno, why, "" };
	quote_head(f->run.head, line, len);
}

static void on_skip(void *arg, enum rd_skip why, uint64_t lineno,
		    const char *line, size_t len)
{
	skipped(arg, lineno, why == RD_SKIP_NUL
		? "binary data, not text (a NUL byte: a compression other than "
		  "gzip, xz, zstd and bzip2?)"
		: "longer than the line limit (65536 bytes)", line, len);
}

static void ip_skipped(void *arg, uint64_t lineno, const char *why,
		       const char *line, size_t len)
{
	skipped(arg, lineno, why, line, len);
}

/* Why the engine found no record in a line. */
static const char *why_not(const char *line, size_t len)
{
	struct lh_head h;
	if (binary(line, len))
		return "binary data, not text (a compression other than "
		       "gzip, xz, zstd and bzip2?)";
	switch (lh_parse(line, len, &h)) {
	case LH_INTERP:
		return "an ausearch -i record among raw records";
	case LH_OTHER:
		return "not an audit record";
	default:
		return lh_kind_name(h.kind);
	}
}

/* --- lines to the engine ---------------------------------------------------------- */

static void feed(struct rp_state *r, const char *line, size_t len,
		 uint64_t lineno)
{
	uint64_t before;

	if (r->dedup) {
		struct lh_head h;
		int64_t ms = lh_parse(line, len, &h) == LH_RAW
				     ? h.sec * 1000 + h.msec : -1;

		if (ls_record(&r->set, line, len, ms) == LS_DUPLICATE)
			return;
	}
	before = eng_unparsed(r->eng);
	eng_line(r->eng, line, len);
	if (eng_unparsed(r->eng) == before)
		r->f.records++;
	else
		skipped(r, lineno, why_not(line, len), line, len);
}

static void ip_out(void *arg, const char *line, size_t len, uint64_t lineno)
{
	feed(arg, line, len, lineno);
}

static void on_line(void *arg, const char *line, size_t len)
{
	struct rp_state *r = arg;
	uint64_t lineno = rd_lineno(r->rd);
	struct lh_head h;

	if (lineno > r->f.lines)
		r->f.lines = lineno;
	if (!r->via_ip) {
		feed(r, line, len, lineno);
		return;
	}
	lh_parse(line, len, &h);
	ip_line(r->ip, line, len, &h, lineno);
}

/* --- progress ---------------------------------------------------------------------- */

static void tick(struct rp_state *r)
{
	struct eng_counters c;
	struct pg_figures fig;

	if (!r->progress || !pg_due(&r->pg))
		return;
	eng_counters(r->eng, &c);
	fig = (struct pg_figures){
		.bytes = r->bytes_done + in_consumed(r->src), .total = r->total,
		.records = r->records + r->f.records, .alerts = c.alerts,
	};
	pg_draw(&r->pg, &fig);
}

/* The log while the progress line is up: erase it, then say. */
static void log_over_progress(void *arg, int prio, const char *line)
{
	struct rp_state *r = arg;

	(void)prio;
	pg_clear(&r->pg);
	fprintf(stderr, "audisp-kmod-enum: %s\n", line);
}

/* --- one input ------------------------------------------------------------------ */

/* What the input gave, said once it is read: an input with no record, or
 * more skipped lines than records, is unusable (RP_EXIT_INPUT). */
static void judge(struct rp_state *r, const char *error)
{
	const struct rp_file *f = &r->f;
	const struct ls_entry *e = f->e;
	uint64_t usable = f->records + e->duplicates + f->dropped;

	if (error != NULL) {
		log_errx("%s; the %llu record(s) before it were replayed", error,
			 (unsigned long long)f->records);
		raise_status(r, RP_EXIT_INPUT);
	}
	if (usable == 0 && f->skipped > 0) {
		log_errx("%s: no audit record in %llu line(s); line %llu, the "
			 "first, is %s: '%s'", ls_name(e),
			 (unsigned long long)f->lines,
			 (unsigned long long)f->first.from, f->first.why,
			 f->first.head);
		raise_status(r, RP_EXIT_INPUT);
	} else if (f->skipped > usable) {
		log_errx("%s: mostly not audit records: %llu of %llu line(s) "
			 "skipped, %llu record(s) replayed; line %llu, the first "
			 "skipped, is %s: '%s'", ls_name(e),
			 (unsigned long long)f->skipped, (unsigned long long)f->lines,
			 (unsigned long long)f->records,
			 (unsigned long long)f->first.from, f->first.why,
			 f->first.head);
		raise_status(r, RP_EXIT_INPUT);
	} else if (f->skipped > 0) {
		log_warnx("%s: %llu line(s) skipped (line %llu, the first, is %s: "
			  "'%s'); %llu record(s) replayed", ls_name(e),
			  (unsigned long long)f->skipped,
			  (unsigned long long)f->first.from, f->first.why,
			  f->first.head, (unsigned long long)f->records);
	} else if (f->lines == 0 && error == NULL && r->set.n > 1) {
		log_warnx("%s: empty", ls_name(e));
	}
}

/* The overlap with the inputs before it, said (and in --explain). */
static void say_overlap(struct rp_state *r)
{
	const struct ls_entry *e = r->f.e;

	if (e->duplicates > 0) {
		const char *more = e->dup_mixed ? " and others" : "";

		log_warnx("%s: %llu record(s) already replayed from %s%s (the "
			  "same records twice): not replayed again", ls_name(e),
			  (unsigned long long)e->duplicates,
			  ls_name(&r->set.e[e->dup_of]), more);
		if (r->o->explain)
			explain_say(r, "# duplicate %s: %llu record(s) already "
				    "replayed from %s%s", ls_name(e),
				    (unsigned long long)e->duplicates,
				    ls_name(&r->set.e[e->dup_of]), more);
	}
	/* A few: records of one stream that came after a later one (an
	 * exec's records carry its start time) across the cut. Many: the
	 * inputs interleave in time. */
	if (e->overlap_new > RP_OVERLAP_WARN)
		log_warnx("%s: %llu record(s) dated before the latest time already "
			  "replayed are in no input before it: the inputs interleave "
			  "in time (logs of another source, another host?, in one "
			  "set); replayed out of time order (replay each source on "
			  "its own, --host NAME)", ls_name(e),
			  (unsigned long long)e->overlap_new);
	else if (e->overlap_new > 0)
		log_info("%s: %llu record(s) dated before the latest time already "
			 "replayed are in no input before it (records written late "
			 "across the cut between two files)", ls_name(e),
			 (unsigned long long)e->overlap_new);
}

/* What the ausearch translator did with this input, and what it had to
 * decide that the text left open (interp.h's limits): said, never kept. */
static void say_translation(const struct rp_state *r, const struct ip_stats *b,
			    const struct ip_stats *a)
{
	const char *name = ls_name(r->f.e);
	unsigned long long d;

	log_info("%s: %llu event(s) handed on, %llu put back in the kernel's "
		 "order; %llu ausearch -i record(s) made raw, %llu of types no "
		 "decision reads left out", name,
		 (unsigned long long)(a->events - b->events),
		 (unsigned long long)(a->reversed - b->reversed),
		 (unsigned long long)(a->translated - b->translated),
		 (unsigned long long)(a->dropped - b->dropped));
	if ((d = a->ambiguous - b->ambiguous) > 0)
		log_warnx("%s: %llu record(s) whose fields split two ways (a value "
			  "holding the text of a later field): the first split "
			  "was taken", name, d);
	if ((d = a->names_without_id - b->names_without_id) > 0)
		log_info("%s: %llu user or group name(s) the text printed without "
			 "their number: those ids are unset, the names kept", name, d);
	if ((d = a->ambiguous_times - b->ambiguous_times) > 0)
		log_warnx("%s: %llu stamp(s) in the hour a DST change repeats in "
			  "%s: taken in the order of the events", name, d,
			  r->o->tz ? r->o->tz : "the zone");
	if ((d = a->oversized - b->oversized) > 0)
		log_warnx("%s: %llu event(s) over %d MiB handed on in the order "
			  "printed, not put back", name, d, IP_EVENT_MAX >> 20);
}

/* Read src to its end into the reader; the read error, if any, in err. */
static int pump(struct rp_state *r, const char *head, size_t head_len,
		struct kme_err *err)
{
	size_t room;
	char *p;
	ssize_t n;

	if (head_len > 0)
		rd_push(r->rd, head, head_len, on_line, r);
	for (;;) {
		p = rd_room(r->rd, &room);
		n = in_read(r->src, p, room, err);
		if (n <= 0)
			return (int)n;
		rd_commit(r->rd, (size_t)n, on_line, r);
		tick(r);
	}
}

static void replay_one(struct rp_state *r, size_t i)
{
	struct kme_err err = { "" };
	struct ip_stats before, after;
	char *head, *error;
	size_t head_len;
	struct rd_stats rs;
	int rc;

	memset(&r->f, 0, sizeof(r->f));
	r->f.e = &r->set.e[i];
	r->src = ls_open(&r->set, i, &head, &head_len, &error, &err);
	if (r->src == NULL) {
		log_errx("%s", err.msg);
		raise_status(r, 1);
		return;
	}
	r->via_ip = r->f.e->form == LS_AUSEARCH || r->f.e->form == LS_INTERP;
	ip_stats(r->ip, &before);
	if (r->dedup)
		ls_begin(&r->set, i);
	rc = pump(r, head, head_len, &err);
	rd_finish(r->rd, on_line, r);
	if (r->via_ip)
		ip_flush(r->ip);
	if (r->dedup)
		ls_end(&r->set);
	ip_stats(r->ip, &after);
	r->f.dropped = after.dropped - before.dropped;
	if (r->via_ip)
		say_translation(r, &before, &after);
	rd_stats(r->rd, &rs);
	eng_reader_stats(r->eng, &rs);
	explain_run(r);
	say_overlap(r);
	judge(r, error ? error : rc < 0 ? err.msg : NULL);
	r->bytes_done += in_consumed(r->src);
	r->records += r->f.records;
	in_close(r->src);
	r->src = NULL;
	free(head);
	free(error);
}

/* --- the set ----------------------------------------------------------------------- */

/* ", first event 2026-...Z", or "" for an input without one. */
static const char *stamp(const struct ls_entry *e, char buf[64])
{
	char ts[CLK_RFC3339_SIZE];

	if (!e->has_time)
		return "";
	clk_rfc3339_ms(e->first_ms, ts);
	snprintf(buf, 64, ", first event %s", ts);
	return buf;
}

/* Say what each input is and, for several, the order they go in. */
static void say_plan(const struct rp_state *r)
{
	char buf[64];
	size_t i;

	if (r->set.not_files > 0)
		log_warnx("%zu entr%s of the directories given %s not a regular "
			  "file and %s not read (a directory is not descended "
			  "into: give it as an input of its own), e.g. %s",
			  r->set.not_files, r->set.not_files == 1 ? "y" : "ies",
			  r->set.not_files == 1 ? "is" : "are",
			  r->set.not_files == 1 ? "is" : "are", r->set.first_not_file);
	if (r->set.n > 1)
		log_info("replaying %zu inputs in time order (by each input's "
			 "first event, not by name):", r->set.n);
	for (i = 0; i < r->set.n; i++) {
		const struct ls_entry *e = &r->set.e[i];

		if (r->set.n > 1 && e->unopened)
			log_info("  %zu. %s (cannot be opened)", i + 1, ls_name(e));
		else if (r->set.n > 1)
			log_info("  %zu. %s (%s%s%s)%s", i + 1,
				 ls_name(e), e->fmt == IN_PLAIN ? "" : in_format_name(e->fmt),
				 e->fmt == IN_PLAIN ? "" : ", ", ls_form_name(e->form),
				 stamp(e, buf));
		else if (e->fmt != IN_PLAIN || e->form == LS_AUSEARCH ||
			 e->form == LS_INTERP)
			log_info("%s: %s%s%s", ls_name(e),
				 e->fmt == IN_PLAIN ? "" : in_format_name(e->fmt),
				 e->fmt == IN_PLAIN ? "" : ", ", ls_form_name(e->form));
	}
	for (i = 0; r->o->tz != NULL && i < r->set.n; i++)
		if (r->set.e[i].form == LS_INTERP) {
			log_info("ausearch -i stamps are read as local times in %s "
				 "(--tz)", r->o->tz);
			break;
		}
}

/* Inputs that cannot be replayed at all: said, and kept out. 0, or
 * RP_EXIT_USAGE when an ausearch -i input has no --tz. */
static int refuse(struct rp_state *r)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < r->set.n; i++) {
		struct ls_entry *e = &r->set.e[i];

		if (e->form == LS_INTERP && r->o->tz == NULL) {
			log_errx("%s: ausearch -i output (interpreted): its times "
				 "are the local times of the machine that printed "
				 "it, with no zone. Give that zone with --tz ZONE "
				 "(e.g. --tz Europe/Paris, --tz UTC), or replay the "
				 "raw records instead: ausearch --raw (or the "
				 "audit.log files themselves)", ls_name(e));
			rc = RP_EXIT_USAGE;
		} else if (e->form == LS_TEXT || e->form == LS_CSV) {
			log_errx("%s: %s: a summary without the fields a decision "
				 "needs (parent, arguments, working directory); it "
				 "cannot be replayed. Get the raw records: ausearch "
				 "--raw (or the audit.log files themselves)", ls_name(e),
				 ls_form_name(e->form));
			raise_status(r, RP_EXIT_INPUT);
		}
	}
	return rc;
}

static int setup(struct rp_state *r)
{
	const struct rp_opts *o = r->o;
	struct kme_err err = { "" };
	int i;

	ls_init(&r->set, o->tz != NULL);
	if (o->tz != NULL && ipf_set_zone(o->tz, &err) < 0) {
		log_errx("%s", err.msg);
		return RP_EXIT_USAGE;
	}
	for (i = 0; i < o->ninputs || (i == 0 && o->ninputs == 0); i++)
		if (ls_add(&r->set, o->ninputs ? o->inputs[i] : "-", &err) < 0) {
			log_errx("%s", err.msg);
			raise_status(r, 1);
		}
	if (ls_prescan(&r->set, &err) < 0 ||
	    (r->ip = ip_new(o->tz != NULL, ip_out, ip_skipped, r, &err)) == NULL) {
		log_errx("%s", err.msg);
		return 1;
	}
	r->dedup = r->set.n > 1;
	r->total = 0;
	for (i = 0; i < (int)r->set.n; i++)
		r->total = r->set.e[i].size < 0 || r->total < 0
				   ? -1 : r->total + r->set.e[i].size;
	return 0;
}

/* Nothing at all was replayed: say so (unless each input already did). */
static void say_nothing(struct rp_state *r)
{
	size_t i, empty = 0;

	if (r->records > 0 || r->status != 0)
		return;
	for (i = 0; i < r->set.n; i++)
		empty += r->set.e[i].form == LS_EMPTY && !r->set.e[i].unopened;
	if (empty == r->set.n)
		log_errx("no audit record: %s", r->set.n == 1
			 ? "the input is empty" : "every input is empty");
	else
		log_errx("no audit record in any input");
	raise_status(r, RP_EXIT_INPUT);
}

int rp_run(const struct rp_opts *o, struct engine *eng, struct rd_reader *rd)
{
	struct rp_state r = { .o = o, .eng = eng, .rd = rd };
	size_t i;
	int rc;

	/* Escaping grows a line at most fivefold (jsonw.h). */
	buf_init(&r.say, 5 * RP_SAY_MAX + 1);
	rc = setup(&r);
	if (rc == 0 && r.ip != NULL) {
		say_plan(&r);
		rc = refuse(&r);
	}
	if (rc != 0 || r.ip == NULL) {
		raise_status(&r, rc);
		goto out;
	}
	r.progress = o->progress == RP_PROGRESS_ON ||
		     (o->progress == RP_PROGRESS_AUTO && isatty(STDERR_FILENO));
	if (r.progress) {
		pg_start(&r.pg, stderr, isatty(STDERR_FILENO));
		log_to_fn(log_over_progress, &r);
	}
	rd_on_skip(rd, on_skip, &r);
	for (i = 0; i < r.set.n; i++) {
		const struct ls_entry *e = &r.set.e[i];

		if (e->unopened) {
			log_errx("%s", e->error);
			raise_status(&r, 1);
		} else if (e->form != LS_TEXT && e->form != LS_CSV) {
			replay_one(&r, i);
		}
	}
	rd_on_skip(rd, NULL, NULL);
	if (r.set.unchecked > 0)
		log_warnx("%llu record(s) could not be remembered for the overlap "
			  "check (at most %u): a later copy of them, if any, was "
			  "replayed again", (unsigned long long)r.set.unchecked,
			  LS_SEEN_MAX / 2);
	say_nothing(&r);
	eng_finish(eng);
	if (r.progress) {
		pg_clear(&r.pg);
		log_to_stderr();
	}
out:
	ip_free(r.ip);
	ls_free(&r.set);
	buf_free(&r.say);
	return r.status;
}
