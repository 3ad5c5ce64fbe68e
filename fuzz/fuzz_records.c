/* fuzz_records.c - libFuzzer harness: raw audit record text through the
 * whole replay pipeline, as `audisp-kmod-enum --replay` runs it:
 *
 *   bytes -> reader (lines) -> engine: assemble (libauparse) -> execevent ->
 *   proctable -> rule -> new-terms (memory store) -> rate limit -> alert
 *   -> stream sink (open_memstream)
 *
 * The first input byte chooses the variant (so the fuzzer explores all of
 * them from one corpus); the rest is the record text:
 *   bits 0-1  action: 0,3 ENG_ALERT; 1 ENG_ALL; 2 ENG_EXPLAIN
 *   bit  2    alert_format = text instead of json
 *   bit  3    tiny bounds (2 processes, 256 bytes of process strings, 2 terms,
 *             1 alert per 60s) so that eviction and rate-limit paths run
 *   bit  4    feed the text in one rd_push per 7 bytes (split reads)
 *
 * Invariants checked after every input (abort() -> a crash libFuzzer keeps):
 *   - every alert line is one line of valid JSON (yajl_tree_parse, strict
 *     UTF-8), a JSON object, with no raw control byte (fuzz_common.h);
 *     text alerts and --explain lines carry no raw control byte either;
 *   - the number of alert lines equals the engine's alert counter minus its
 *     output errors (no alert is silently lost or duplicated), and there are
 *     no output errors at all: a stream sink never refuses a line, so an
 *     output error is an alert the writer could not render and dropped.
 *     KME_FUZZ_ALLOW_LOST_ALERTS=1 tolerates that one (to fuzz past a known
 *     bug of this kind without stopping at it).
 * Everything is created and freed per input, so LeakSanitizer sees any leak.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "engine.h"
#include "log.h"
#include "newterms.h"
#include "output.h"
#include "reader.h"

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_notice(void *arg, int prio, const char *msg)
{
	(void)arg;
	(void)prio;
	if (fz_raw_control((const unsigned char *)msg, strlen(msg)) != NULL)
		fz_fail("raw control byte in a notice", msg, strlen(msg));
}

static bool allow_lost_alerts(void)
{
	static int v = -1;

	if (v < 0) {
		const char *e = getenv("KME_FUZZ_ALLOW_LOST_ALERTS");

		v = e != NULL && strcmp(e, "1") == 0;
	}
	return v == 1;
}

static void check_text_line(const char *line, size_t len)
{
	const char *why = fz_raw_control((const unsigned char *)line, len);

	if (len == 0)
		fz_fail("empty text alert", line, len);
	if (why != NULL)
		fz_fail(why, line, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum eng_action actions[4] = {
		ENG_ALERT, ENG_ALL, ENG_EXPLAIN, ENG_ALERT
	};
	struct kme_err err = { "" };
	struct kme_config *cfg = NULL;
	struct nt_store *store = NULL;
	struct out_sink *sink = NULL;
	struct engine *eng = NULL;
	struct rd_reader *rd = NULL;
	struct rd_stats rs;
	struct eng_counters c;
	FILE *out = NULL;
	char *outbuf = NULL;
	size_t outlen = 0, nlines;
	void (*check_line)(const char *, size_t);
	char summary[1024];
	uint8_t mode;
	const char *text;
	size_t tlen;

	if (size < 1)
		return 0;
	mode = data[0];
	text = (const char *)data + 1;
	tlen = size - 1;

	if (cfg_load_default(&cfg, &err) < 0)
		abort();  /* the built-in config must always load */
	/* An input of at most -max_len bytes holds a few hundred processes:
	 * 4096 entries behave as the default 65536 and spare the table's
	 * per-input set-up cost (it initialises every entry). */
	cfg->process_table_size = 4096;
	if (mode & 4)
		cfg->alert_format = CFG_FORMAT_TEXT;
	if (mode & 8) {
		cfg->process_table_size = 2;
		cfg->process_table_memory = 256;
		cfg->max_terms = 2;
		cfg->max_alerts = 1;
		cfg->alert_interval = 60 * 1000;
	}
	log_to_fn(on_notice, NULL);
	store = nt_store_memory_open(cfg, &err);
	out = open_memstream(&outbuf, &outlen);
	if (store == NULL || out == NULL)
		abort();
	sink = out_stream_open(out, "fuzz output", &err);
	rd = rd_new(RD_DEFAULT_MAX_LINE, &err);
	if (sink == NULL || rd == NULL)
		abort();
	{
		struct eng_opts o = {
			.mode = ENG_REPLAY, .action = actions[mode & 3],
			.hostname = "fuzz-host", .sink = sink,
		};

		eng = eng_new(cfg, store, &o, &err);
	}
	if (eng == NULL)
		abort();

	if (mode & 16) {
		size_t off, n;

		for (off = 0; off < tlen; off += n) {
			n = tlen - off < 7 ? tlen - off : 7;
			rd_push(rd, text + off, n, eng_feed_line, eng);
		}
	} else {
		rd_push(rd, text, tlen, eng_feed_line, eng);
	}
	rd_finish(rd, eng_feed_line, eng);
	rd_stats(rd, &rs);
	eng_count_bad_record(eng, rs.too_long + rs.bad_bytes);
	eng_finish(eng);
	eng_counters(eng, &c);
	eng_summary(eng, summary, sizeof(summary));

	if (fflush(out) != 0)
		abort();
	/* --explain writes its lines where alerts go, and no alert. */
	check_line = actions[mode & 3] == ENG_EXPLAIN ? NULL
		     : cfg->alert_format == CFG_FORMAT_JSON ? fz_check_json_line
		     : check_text_line;
	nlines = fz_check_lines(outbuf, outlen, check_line);
	if (actions[mode & 3] != ENG_EXPLAIN &&
	    nlines != c.alerts - c.output_errors) {
		fprintf(stderr, "%zu alert lines, %s\n", nlines, summary);
		fz_fail("alert lines and the alert counter disagree", outbuf,
			outlen);
	}
	if (c.output_errors > 0 && !allow_lost_alerts()) {
		fprintf(stderr, "%s\n", summary);
		fz_fail("an alert was counted but not written (output error)",
			text, tlen);
	}

	eng_free(eng);
	rd_free(rd);
	out_close(sink);
	fclose(out);
	free(outbuf);
	nt_destroy(store);
	cfg_free(cfg);
	return 0;
}
