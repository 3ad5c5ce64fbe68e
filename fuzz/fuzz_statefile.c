/* fuzz_statefile.c - libFuzzer harness: the new-terms state-file loader.
 *
 * The input is the content of a state file. Per input:
 *   1. write it as DIR/state.json in a private 0700 directory (on /dev/shm
 *      when present, so the store's fsyncs cost nothing);
 *   2. sf_open(DIR/state.json, default config) must succeed: a bad
 *      file is set aside with a logged notice, never an error;
 *   3. query and record two terms (one with an absent parent), expire, save;
 *   4. reopen the saved file: it must load without logging anything and hold
 *      exactly the terms, in the same order and with the same times and
 *      counts, that the first store held after its save;
 *   5. destroy both, and empty the directory (set-aside files included).
 * The configuration's max_terms is 3 for about one input in four (chosen
 * from the content, so a run is reproducible) to exercise the "file holds
 * more than max_terms" path.
 *
 * Invariant violations abort(); memory errors are ASan's, leaks LSan's.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"
#include "log.h"
#include "newterms.h"
#include "statefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[256];
static char path[300];

/* The last message the store logged (log.h); "" when none. */
static char logged[1024];

static void on_log(void *arg, int prio, const char *line)
{
	(void)arg;
	(void)prio;
	snprintf(logged, sizeof(logged), "%s", line);
}

/* One private directory per process, removed at exit. */
static void empty_dir(void);

static void remove_dir(void)
{
	empty_dir();
	rmdir(dir);
}

static void setup(void)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm"
			 : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

	snprintf(dir, sizeof(dir), "%s/kme-fuzz-state.XXXXXX", base);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		abort();
	}
	snprintf(path, sizeof(path), "%s/state.json", dir);
	atexit(remove_dir);
}

static void empty_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
}

/* The terms of a store, flattened in foreach order, for comparison. */
struct snap {
	char *buf;
	size_t len;
	FILE *fp;
	size_t n;
};

static void snap_term(void *arg, const struct nt_term *term, int64_t first,
		      int64_t last, uint64_t count)
{
	struct snap *s = arg;
	size_t i;

	s->n++;
	fprintf(s->fp, "%zu:", term->n);
	for (i = 0; i < term->n; i++) {
		if (term->v[i].p == NULL) {
			fputs("-;", s->fp);
			continue;
		}
		fprintf(s->fp, "%zu=", term->v[i].len);
		fwrite(term->v[i].p, 1, term->v[i].len, s->fp);
		fputc(';', s->fp);
	}
	fprintf(s->fp, "%lld,%lld,%llu\n", (long long)first, (long long)last,
		(unsigned long long)count);
}

static void snap_take(struct nt_store *st, struct snap *s)
{
	memset(s, 0, sizeof(*s));
	s->fp = open_memstream(&s->buf, &s->len);
	if (s->fp == NULL)
		abort();
	st->ops->foreach(st, snap_term, s);
	if (fclose(s->fp) != 0)
		abort();
}

static void write_file(const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t off = 0;

	if (fd < 0)
		abort();
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			abort();
		off += (size_t)n;
	}
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct kme_err err = { "" };
	struct kme_config *cfg = NULL;
	struct nt_store *st, *again;
	struct nt_stats before, after;
	struct nt_seen seen;
	struct snap s1, s2;
	unsigned sum = 0;
	size_t i;
	const int64_t t = 1795729587589;  /* ms */
	struct nt_term known = { .n = 2, .v = {
		{ "/usr/sbin/lsmod", 15 }, { "/usr/bin/bash", 13 } } };
	struct nt_term orphan = { .n = 2, .v = {
		{ "/usr/sbin/lsmod", 15 }, KME_STR_NULL } };

	if (!ready) {
		setup();
		log_to_fn(on_log, NULL);
		ready = 1;
	}
	if (cfg_load_default(&cfg, &err) < 0)
		abort();
	for (i = 0; i < size; i++)
		sum += data[i];
	if (sum % 4 == 1)
		cfg->max_terms = 3;
	write_file(data, size);

	st = sf_open(path, cfg, NULL, &err);
	if (st == NULL) {
		fprintf(stderr, "open refused a state file: %s\n", err.msg);
		abort();  /* a bad file is set aside, never an error */
	}
	nt_stats(st, &before);
	if (before.terms > cfg->max_terms)
		abort();
	if (nt_check_touch(st, &known, t, &seen, &err) < 0 ||
	    nt_check_touch(st, &orphan, t - 3600 * 1000, &seen, &err) < 0 ||
	    nt_check_touch(st, &known, t + 1000, &seen, &err) < 0) {
		fprintf(stderr, "check_touch: %s\n", err.msg);
		abort();
	}
	if (seen.is_new || !seen.known || seen.count < 1)
		abort();  /* the term was touched one second earlier */
	nt_expire(st, t);
	if (nt_save(st, &err) < 0) {
		fprintf(stderr, "save: %s\n", err.msg);
		abort();
	}
	nt_stats(st, &after);
	if (after.terms > cfg->max_terms || after.saves != 1)
		abort();
	snap_take(st, &s1);
	nt_destroy(st);

	logged[0] = '\0';
	again = sf_open(path, cfg, NULL, &err);
	if (again == NULL) {
		fprintf(stderr, "reopen: %s\n", err.msg);
		abort();
	}
	if (logged[0] != '\0') {
		fprintf(stderr, "a saved state file did not load cleanly: %s\n",
			logged);
		abort();
	}
	snap_take(again, &s2);
	if (s1.n != s2.n || s1.len != s2.len ||
	    memcmp(s1.buf, s2.buf, s1.len) != 0) {
		fprintf(stderr, "round trip differs:\n--- saved\n%.*s--- loaded\n%.*s",
			(int)s1.len, s1.buf, (int)s2.len, s2.buf);
		abort();
	}
	nt_destroy(again);
	free(s1.buf);
	free(s2.buf);
	cfg_free(cfg);
	empty_dir();
	return 0;
}
