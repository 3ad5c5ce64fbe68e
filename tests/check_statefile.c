/* check_statefile.c - the file store (statefile.h) and its crash-safe state
 * file; what a sighting decides is the table's (check_termtab.c).
 *
 * Every test works in its own directory under one top directory that main()
 * creates and removes, so a failing test leaves nothing behind. The test that
 * needs a read-only file system mounts a tmpfs inside a private mount
 * namespace of its (forked) test process, so the mount dies with it.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "checkrun.h"
#include "log.h"
#include "newterms.h"
#include "statefile.h"
#include "termtab.h"
#include "histtest.h"

/* Every time is in milliseconds, as the program holds it. */
#define WINDOW 1209600000 /* 14 days */
#define T0 ((int64_t)1700000000000)

static char g_top[] = "/tmp/check_statefile.XXXXXX";

static struct kme_config g_cfg;
static enum cfg_term_field g_default_fields[] = {
	CFG_TF_EXECUTABLE, CFG_TF_PARENT_EXECUTABLE
};

static void cfg_init(struct kme_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	memcpy(cfg->term_fields, g_default_fields, sizeof(g_default_fields));
	cfg->nterm_fields = 2;
	cfg->history_window = WINDOW;
	cfg->max_terms = 1000;
	cfg->rule_id = "2d8043ed-5bda-4caf-801c-c1feb7410504";
	cfg->rule_version = "211";
}

/* A fresh directory for one test; *state is DIR/state.json. */
static void new_dir(char *dir, size_t dsize, char *state, size_t ssize)
{
	snprintf(dir, dsize, "%s/t.XXXXXX", g_top);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(state, ssize, "%s/state.json", dir);
}

/* What the store logged (log.h), one line per message. */
static char g_log[8192];

static void capture(void *arg, int prio, const char *line)
{
	size_t n = strlen(g_log);

	(void)arg;
	(void)prio;
	snprintf(g_log + n, sizeof(g_log) - n, "%s%s", n ? "\n" : "", line);
}

/* Open a store; `notice` receives what the opening logged ("" if
 * nothing). */
static struct nt_store *open_ok(const char *path, const struct kme_config *cfg,
				char *notice, size_t nsize)
{
	struct kme_err err = { "" };
	struct nt_store *s;

	g_log[0] = '\0';
	s = sf_open(path, cfg, NULL, &err);
	ck_assert_msg(s != NULL, "open %s: %s", path ? path : "(memory)",
		      err.msg);
	if (notice != NULL && nsize > 0)
		snprintf(notice, nsize, "%s", g_log);
	return s;
}

static struct nt_seen touch(struct nt_store *s, struct nt_term t, int64_t when)
{
	struct nt_seen seen;
	struct kme_err err = { "" };

	ck_assert_msg(nt_check_touch(s, &t, when, &seen, &err) == 0, "%s",
		      err.msg);
	return seen;
}

static void save_ok(struct nt_store *s)
{
	struct kme_err err = { "" };

	ck_assert_msg(nt_save(s, &err) == 0, "save: %s", err.msg);
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	p = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return p;
}

static void write_all(const char *path, const char *p, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(p, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/* The one entry of dir whose name starts with prefix, as a full path. */
static int find_aside(const char *dir, const char *prefix, char *out,
		      size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int found = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0) {
			snprintf(out, size, "%s/%s", dir, de->d_name);
			found++;
		}
	}
	closedir(d);
	return found;
}

static size_t count_terms(struct nt_store *s)
{
	struct nt_stats st;

	nt_stats(s, &st);
	return st.terms;
}

/* ---- the store's error contract (newterms.h) -------------------------- */

/* -1 only for a term no store can hold; the event is then new. The
 * semantics of sightings are the table's (check_termtab.c). */
START_TEST(test_file_store_fails_only_a_term_of_wrong_shape_or_size)
{
	char dir[256], path[300];
	struct kme_err err = { "" };
	struct nt_term t = term2("/usr/sbin/lsmod", "/usr/bin/bash");
	struct nt_seen seen;
	struct nt_store *s;
	char *big = malloc(TT_KEY_MAX + 1);

	ck_assert_ptr_nonnull(big);
	new_dir(dir, sizeof(dir), path, sizeof(path));
	s = open_ok(path, &g_cfg, NULL, 0);
	ck_assert_int_eq(nt_check_touch(s, &t, T0, &seen, &err), 0);
	ck_assert(seen.is_new);
	ck_assert_int_eq(nt_check_touch(s, &t, T0 + 1, &seen, &err), 0);
	ck_assert(!seen.is_new);
	t.n = 1;
	ck_assert_int_eq(nt_check_touch(s, &t, T0 + 2, &seen, &err), -1);
	ck_assert(seen.is_new);
	ck_assert_ptr_nonnull(strstr(err.msg, "expects 2"));
	memset(big, 'a', TT_KEY_MAX);
	big[TT_KEY_MAX] = '\0';
	t = term2(big, NULL);
	ck_assert_int_eq(nt_check_touch(s, &t, T0 + 3, &seen, &err), -1);
	ck_assert(seen.is_new);
	ck_assert_ptr_nonnull(strstr(err.msg, "term longer than"));
	ck_assert_uint_eq(count_terms(s), 1);
	save_ok(s);
	nt_destroy(s);
	free(big);
}
END_TEST

/* ---- the state file ---------------------------------------------------- */

START_TEST(test_missing_file_starts_empty_without_notice)
{
	char dir[256], path[300], notice[512] = "x";
	struct nt_store *s;
	struct stat sb;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	s = open_ok(path, &g_cfg, notice, sizeof(notice));
	ck_assert_str_eq(notice, "");
	ck_assert_uint_eq(count_terms(s), 0);
	nt_destroy(s);
	ck_assert_int_eq(stat(path, &sb), -1); /* opening writes nothing */
}
END_TEST

START_TEST(test_state_round_trip_keeps_first_last_count)
{
	char dir[256], path[300], notice[512];
	struct nt_store *s;
	struct nt_seen seen;
	struct nt_stats st;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	s = open_ok(path, &g_cfg, notice, sizeof(notice));
	touch(s, term2("/usr/sbin/lsmod", "/usr/bin/bash"), T0);
	touch(s, term2("/usr/sbin/lsmod", "/usr/bin/bash"), T0 + 60);
	touch(s, term2("/usr/sbin/lsmod", "/usr/bin/bash"), T0 + 30);
	touch(s, term2("/usr/bin/kmod", NULL), T0 + 90);
	save_ok(s);
	nt_stats(s, &st);
	ck_assert_uint_eq(st.saves, 1);
	nt_destroy(s);

	s = open_ok(path, &g_cfg, notice, sizeof(notice));
	ck_assert_str_eq(notice, "");
	ck_assert_uint_eq(count_terms(s), 2);
	seen = touch(s, term2("/usr/sbin/lsmod", "/usr/bin/bash"), T0 + 100);
	ck_assert(seen.known);
	ck_assert(!seen.is_new);
	ck_assert_int_eq(seen.first_seen, T0);
	ck_assert_int_eq(seen.last_seen, T0 + 60);
	ck_assert_uint_eq(seen.count, 3);
	seen = touch(s, term2("/usr/bin/kmod", NULL), T0 + 90 + WINDOW + 1);
	ck_assert(seen.known);
	ck_assert(seen.is_new);
	ck_assert_int_eq(seen.last_seen, T0 + 90);
	/* saved "" and read back: still the unknown value */
	ck_assert(touch(s, term2("/usr/bin/kmod", ""), T0).known);
	ck_assert(!touch(s, term2("/usr/bin/kmod", "x"), T0).known);
	nt_destroy(s);
}
END_TEST

START_TEST(test_state_file_is_json_with_identity)
{
	char dir[256], path[300];
	struct nt_store *s;
	size_t len;
	char *p;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	s = open_ok(path, &g_cfg, NULL, 0);
	touch(s, term2("/usr/sbin/lsmod", NULL), T0);
	save_ok(s);
	nt_destroy(s);
	p = read_all(path, &len);
	ck_assert_ptr_nonnull(strstr(p, "{\"format\":\"audisp-kmod-enum-state\","
				     "\"format_version\":3,"
				     "\"rule_id\":\"2d8043ed-5bda-4caf-801c-c1feb7410504\","
				     "\"rule_version\":\"211\","
				     "\"fields\":[\"process.executable\","
				     "\"process.parent.executable\"],"
				     "\"window\":1209600000,\"saved_at\":"));
	ck_assert_ptr_nonnull(strstr(p, "{\"v\":[\"/usr/sbin/lsmod\",\"\"],"
				     "\"first\":1700000000000,\"last\":1700000000000,"
				     "\"count\":1}"));
	free(p);
}
END_TEST

START_TEST(test_state_file_mode_is_0600)
{
	char dir[256], path[300], tmp[320];
	struct nt_store *s;
	struct stat sb;
	mode_t old = umask(0);

	new_dir(dir, sizeof(dir), path, sizeof(path));
	s = open_ok(path, &g_cfg, NULL, 0);
	touch(s, term2("a", "b"), T0);
	save_ok(s);
	nt_destroy(s);
	umask(old);
	ck_assert_int_eq(lstat(path, &sb), 0);
	ck_assert(S_ISREG(sb.st_mode));
	ck_assert_uint_eq(sb.st_mode & 07777, 0600);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	ck_assert_int_eq(lstat(tmp, &sb), -1); /* no temp file left */
}
END_TEST

/* Values that are not plain text must survive save + load byte for byte. */
static const struct {
	const char *p;
	size_t len;
} odd_values[] = {
	{ "/tmp/a\0b", 8 },            /* NUL byte */
	{ "/tmp/\xff\xfe", 7 },        /* invalid UTF-8 */
	{ "/tmp/a\nb", 8 },            /* newline */
	{ "/tmp/\"q\"\\", 10 },        /* JSON specials */
	{ "/tmp/caf\xc3\xa9", 10 },    /* valid UTF-8 */
	{ "/tmp/\xc0\xaf", 7 },        /* overlong '/' */
	{ "/tmp/\xed\xa0\x80", 8 },    /* UTF-16 surrogate */
	{ "/tmp/\x7f\x1b[0m", 10 },    /* DEL, escape sequence */
	{ "", 0 },                     /* empty */
	{ "\0", 1 },                   /* a lone NUL */
};

struct collect {
	size_t n;
	bool found[sizeof(odd_values) / sizeof(odd_values[0])];
};

static void collect_fn(void *arg, const struct nt_term *t, int64_t first,
		       int64_t last, uint64_t count)
{
	struct collect *c = arg;
	size_t i;

	c->n++;
	ck_assert_uint_eq(t->n, 2);
	ck_assert_ptr_null(t->v[1].p);
	ck_assert(t->v[0].p == NULL || t->v[0].p[t->v[0].len] == '\0');
	for (i = 0; i < sizeof(odd_values) / sizeof(odd_values[0]); i++)
		if (t->v[0].len == odd_values[i].len &&
		    (t->v[0].len == 0 ||      /* empty: the unknown value */
		     memcmp(t->v[0].p, odd_values[i].p, t->v[0].len) == 0)) {
			ck_assert_int_eq(first, T0 + (int64_t)i);
			ck_assert_int_eq(last, T0 + (int64_t)i);
			ck_assert_uint_eq(count, 1);
			c->found[i] = true;
		}
}

START_TEST(test_binary_values_round_trip_through_save_and_load)
{
	char dir[256], path[300], notice[512];
	struct nt_store *s;
	struct collect c;
	size_t i, n = sizeof(odd_values) / sizeof(odd_values[0]);

	new_dir(dir, sizeof(dir), path, sizeof(path));
	s = open_ok(path, &g_cfg, NULL, 0);
	for (i = 0; i < n; i++) {
		struct nt_term t = { .n = 2 };

		t.v[0] = (struct kme_str){ odd_values[i].p, odd_values[i].len };
		t.v[1] = KME_STR_NULL;
		ck_assert(touch(s, t, T0 + (int64_t)i).is_new);
	}
	save_ok(s);
	nt_destroy(s);

	s = open_ok(path, &g_cfg, notice, sizeof(notice));
	ck_assert_msg(notice[0] == '\0', "%s", notice);
	memset(&c, 0, sizeof(c));
	s->ops->foreach(s, collect_fn, &c);
	ck_assert_uint_eq(c.n, n);
	for (i = 0; i < n; i++) {
		struct nt_term t = { .n = 2 };

		ck_assert_msg(c.found[i], "value %zu lost", i);
		t.v[0] = (struct kme_str){ odd_values[i].p, odd_values[i].len };
		t.v[1] = KME_STR_NULL;
		ck_assert(touch(s, t, T0 + 1000).known);
	}
	nt_destroy(s);
}
END_TEST

START_TEST(test_save_never_writes_expired_terms)
{
	char dir[256], path[300];
	struct nt_store *s;
	struct nt_stats st;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	s = open_ok(path, &g_cfg, NULL, 0);
	touch(s, term2("old", NULL), T0);
	touch(s, term2("new", NULL), T0 + WINDOW + 10);
	save_ok(s);
	nt_stats(s, &st);
	ck_assert_uint_eq(st.expired, 1);
	nt_destroy(s);
	s = open_ok(path, &g_cfg, NULL, 0);
	ck_assert_uint_eq(count_terms(s), 1);
	ck_assert(touch(s, term2("new", NULL), T0 + WINDOW + 11).known);
	ck_assert(!touch(s, term2("old", NULL), T0 + WINDOW + 11).known);
	nt_destroy(s);
}
END_TEST

START_TEST(test_more_terms_than_max_terms_keeps_the_most_recent)
{
	char dir[256], path[300], notice[512];
	struct kme_config cfg = g_cfg;
	struct nt_store *s;
	struct nt_stats st;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	s = open_ok(path, &cfg, NULL, 0);
	touch(s, term2("a", NULL), T0);
	touch(s, term2("b", NULL), T0 + 1);
	touch(s, term2("c", NULL), T0 + 2);
	save_ok(s);
	nt_destroy(s);
	cfg.max_terms = 2;
	s = open_ok(path, &cfg, notice, sizeof(notice));
	ck_assert_ptr_nonnull(strstr(notice, "max_terms=2"));
	nt_stats(s, &st);
	ck_assert_uint_eq(st.terms, 2);
	ck_assert_uint_eq(st.evicted, 1);
	ck_assert(touch(s, term2("c", NULL), T0 + 3).known);
	ck_assert(touch(s, term2("b", NULL), T0 + 3).known);
	nt_destroy(s);
}
END_TEST

START_TEST(test_window_change_keeps_the_terms)
{
	char dir[256], path[300], notice[512];
	struct kme_config cfg = g_cfg;
	struct nt_store *s;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	s = open_ok(path, &cfg, NULL, 0);
	touch(s, term2("a", NULL), T0);
	save_ok(s);
	nt_destroy(s);
	cfg.history_window = 3600 * 1000;
	s = open_ok(path, &cfg, notice, sizeof(notice));
	ck_assert_str_eq(notice, "");
	ck_assert(touch(s, term2("a", NULL), T0 + 3600 * 1000 + 1).is_new);
	nt_destroy(s);
}
END_TEST

/* A state file of format_version 1 (seconds, written before times were
 * milliseconds) loads, and the next save writes format_version 3 (the current one). */
START_TEST(test_second_resolution_file_loads_and_is_saved_in_ms)
{
	static const char doc[] = "{\"format\":\"audisp-kmod-enum-state\","
		"\"format_version\":1,"
		"\"rule_id\":\"2d8043ed-5bda-4caf-801c-c1feb7410504\","
		"\"rule_version\":\"211\",\"fields\":[\"process.executable\","
		"\"process.parent.executable\"],\"window\":1209600,"
		"\"saved_at\":1700000100,\"terms\":["
		"\n{\"v\":[\"/usr/sbin/lsmod\",\"/usr/bin/bash\"],"
		"\"first\":1700000000,\"last\":1700000060,\"count\":2}\n]}\n";
	char dir[256], path[300], notice[512];
	struct nt_store *s;
	struct nt_seen seen;
	size_t len;
	char *p;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	write_all(path, doc, sizeof(doc) - 1);
	s = open_ok(path, &g_cfg, notice, sizeof(notice));
	ck_assert_str_eq(notice, "");
	save_ok(s);
	nt_destroy(s);
	p = read_all(path, &len);
	ck_assert_ptr_nonnull(strstr(p, "\"format_version\":3,"));
	ck_assert_ptr_nonnull(strstr(p, "\"first\":1700000000000,"
				     "\"last\":1700000060000,\"count\":2}"));
	free(p);
	s = open_ok(path, &g_cfg, notice, sizeof(notice));
	seen = touch(s, term2("/usr/sbin/lsmod", "/usr/bin/bash"),
		     1700000060000 + WINDOW + 1);
	ck_assert(seen.known);
	ck_assert(seen.is_new);
	ck_assert_int_eq(seen.last_seen, 1700000060000);
	nt_destroy(s);
}
END_TEST

/* ---- files that are not our state -------------------------------------- */

static void assert_kept_aside(const char *dir, const char *prefix,
			      const char *want, size_t wlen, const char *notice)
{
	char aside[600];
	size_t len;
	char *got;

	ck_assert_int_eq(find_aside(dir, prefix, aside, sizeof(aside)), 1);
	got = read_all(aside, &len);
	ck_assert_uint_eq(len, wlen);
	ck_assert_mem_eq(got, want, wlen);
	free(got);
	ck_assert_msg(strstr(notice, aside) != NULL,
		      "notice does not name %s: %s", aside, notice);
}

START_TEST(test_corrupt_file_is_kept_aside_and_store_starts_empty)
{
	static const char garbage[] = "\x01\x02not json at all\xff";
	char dir[256], path[300], notice[1024];
	struct nt_store *s;
	struct stat sb;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	write_all(path, garbage, sizeof(garbage) - 1);
	s = open_ok(path, &g_cfg, notice, sizeof(notice));
	ck_assert_uint_eq(count_terms(s), 0);
	ck_assert_ptr_nonnull(strstr(notice, "not usable"));
	ck_assert_ptr_nonnull(strstr(notice, path));
	assert_kept_aside(dir, "state.json.bad-", garbage, sizeof(garbage) - 1,
			  notice);
	ck_assert_int_eq(stat(path, &sb), -1);
	/* The store works and saves over the now free name. */
	touch(s, term2("a", "b"), T0);
	save_ok(s);
	nt_destroy(s);
	s = open_ok(path, &g_cfg, notice, sizeof(notice));
	ck_assert_str_eq(notice, "");
	ck_assert_uint_eq(count_terms(s), 1);
	nt_destroy(s);
}
END_TEST

START_TEST(test_truncated_file_is_kept_aside)
{
	char dir[256], path[300], notice[1024];
	struct nt_store *s;
	size_t len;
	char *p;
	int i;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	s = open_ok(path, &g_cfg, NULL, 0);
	for (i = 0; i < 50; i++) {
		char v[32];

		snprintf(v, sizeof(v), "/bin/t%d", i);
		touch(s, term2(v, "/bin/sh"), T0 + i);
	}
	save_ok(s);
	nt_destroy(s);
	p = read_all(path, &len);
	write_all(path, p, len / 2);
	s = open_ok(path, &g_cfg, notice, sizeof(notice));
	ck_assert_uint_eq(count_terms(s), 0); /* no half state */
	assert_kept_aside(dir, "state.json.bad-", p, len / 2, notice);
	free(p);
	nt_destroy(s);
}
END_TEST

/* A header of format_version 1 (whole seconds), as files written before
 * milliseconds: such files still load. */
#define HDR "{\"format\":\"audisp-kmod-enum-state\",\"format_version\":1," \
	"\"rule_id\":\"2d8043ed-5bda-4caf-801c-c1feb7410504\"," \
	"\"rule_version\":\"211\",\"fields\":[\"process.executable\"," \
	"\"process.parent.executable\"],\"window\":1209600,\"saved_at\":1,"
#define TERM(v, f, l, c) "{\"v\":" v ",\"first\":" #f ",\"last\":" #l \
	",\"count\":" #c "}"

/* Well-formed JSON (mostly) of the wrong shape: each is a bad file. */
static const char *const bad_docs[] = {
	"",
	"[]",
	"{}",
	"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
	HDR "\"terms\":[" TERM("[\"a\"]", 1, 1, 1) "]}",
	HDR "\"terms\":[" TERM("[\"a\",null,null]", 1, 1, 1) "]}",
	HDR "\"terms\":[{\"v\":[\"a\",null],\"first\":1,\"last\":1}]}",
	HDR "\"terms\":[" TERM("[\"a\",null]", 5, 4, 1) "]}",
	HDR "\"terms\":[" TERM("[\"a\",null]", 1, 1, 0) "]}",
	HDR "\"terms\":[" TERM("[\"a\",null]", 1, 1, 1) ","
		TERM("[\"a\",null]", 2, 2, 1) "]}",
	HDR "\"terms\":[" TERM("[{\"hex\":\"zz\"},null]", 1, 1, 1) "]}",
	HDR "\"terms\":[" TERM("[{\"hex\":\"abc\"},null]", 1, 1, 1) "]}",
	HDR "\"terms\":[" TERM("[{\"text\":\"ab\"},null]", 1, 1, 1) "]}",
	HDR "\"terms\":[" TERM("[true,null]", 1, 1, 1) "]}",
	HDR "\"terms\":[" TERM("[1,null]", 1, 1, 1) "]}",
	HDR "\"terms\":[" TERM("[\"a\",null]", 1.5, 2, 1) "]}",
	HDR "\"terms\":[" TERM("[\"a\",null]", 1, 1, 99999999999999999999) "]}",
	HDR "\"terms\":[{\"v\":[\"a\",null],\"first\":1,\"last\":1,"
		"\"count\":1,\"extra\":1}]}",
	HDR "\"extra\":1,\"terms\":[]}",
	HDR "\"saved_at\":2,\"terms\":[]}",
	HDR "\"terms\":[]} trailing",
	HDR "\"terms\":[]",
	HDR "\"terms\":[]}{}",
	HDR "\"terms\":{}}",
	HDR "}",
	"{\"terms\":[],\"format\":\"audisp-kmod-enum-state\"}",
	"{\"format\":\"audisp-kmod-enum-state\",\"terms\":[]}",
	HDR "\"terms\":[" TERM("[\"\xff\",null]", 1, 1, 1) "]}",
};

START_TEST(test_malformed_state_is_kept_aside)
{
	const char *doc = bad_docs[_i];
	char dir[256], path[300], notice[1024];
	struct nt_store *s;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	write_all(path, doc, strlen(doc));
	s = open_ok(path, &g_cfg, notice, sizeof(notice));
	ck_assert_uint_eq(count_terms(s), 0);
	ck_assert_msg(strstr(notice, "not usable") != NULL,
		      "doc %d: %s", _i, notice);
	assert_kept_aside(dir, "state.json.bad-", doc, strlen(doc), notice);
	nt_destroy(s);
}
END_TEST

START_TEST(test_hand_written_state_with_hex_and_escapes_loads)
{
	static const char doc[] = HDR "\"terms\":["
		TERM("[{\"hex\":\"2f61006200\"},\"\\u002fx\\n\"]", 1, 2, 3) "]}";
	char dir[256], path[300], notice[1024];
	struct nt_store *s;
	struct nt_term t = { .n = 2 };
	struct nt_seen seen;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	write_all(path, doc, sizeof(doc) - 1);
	s = open_ok(path, &g_cfg, notice, sizeof(notice));
	ck_assert_msg(notice[0] == '\0', "%s", notice);
	t.v[0] = (struct kme_str){ "/a\0b\0", 5 };
	t.v[1] = (struct kme_str){ "/x\n", 3 };
	seen = touch(s, t, 10000);
	ck_assert(seen.known);
	ck_assert_int_eq(seen.first_seen, 1000);  /* seconds became ms */
	ck_assert_int_eq(seen.last_seen, 2000);
	ck_assert_uint_eq(seen.count, 3);
	nt_destroy(s);
}
END_TEST

START_TEST(test_oversized_file_is_kept_aside_unread)
{
	char dir[256], path[300], notice[1024], aside[600];
	struct nt_store *s;
	struct stat sb;
	int fd;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_ge(fd, 0);
	/* Sparse: no disk space used. */
	ck_assert_int_eq(ftruncate(fd, ((off_t)256 << 20) + 1), 0);
	close(fd);
	s = open_ok(path, &g_cfg, notice, sizeof(notice));
	ck_assert_ptr_nonnull(strstr(notice, "larger than 256 MiB"));
	ck_assert_int_eq(find_aside(dir, "state.json.bad-", aside,
				    sizeof(aside)), 1);
	ck_assert_int_eq(stat(aside, &sb), 0);
	ck_assert_int_eq(sb.st_size, ((off_t)256 << 20) + 1);
	nt_destroy(s);
}
END_TEST

START_TEST(test_fifo_at_state_path_does_not_hang_and_is_kept_aside)
{
	char dir[256], path[300], notice[1024];
	struct nt_store *s;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	s = open_ok(path, &g_cfg, notice, sizeof(notice));
	ck_assert_ptr_nonnull(strstr(notice, "not a regular file"));
	nt_destroy(s);
}
END_TEST

/* Identity changes: rule version, rule id, term fields. */
static void change_version(struct kme_config *c) { c->rule_version = "212"; }
static void change_id(struct kme_config *c) { c->rule_id = "another-rule"; }
static void change_fields(struct kme_config *c)
{
	c->term_fields[1] = CFG_TF_PARENT_NAME;
}
static void drop_field(struct kme_config *c) { c->nterm_fields = 1; }

static void (*const identity_changes[])(struct kme_config *) = {
	change_version, change_id, change_fields, drop_field,
};

START_TEST(test_identity_change_starts_empty_and_keeps_old_file)
{
	char dir[256], path[300], notice[1024];
	struct kme_config cfg = g_cfg;
	struct nt_store *s;
	size_t len;
	char *orig;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	s = open_ok(path, &g_cfg, NULL, 0);
	touch(s, term2("a", NULL), T0);
	save_ok(s);
	nt_destroy(s);
	orig = read_all(path, &len);

	identity_changes[_i](&cfg);
	s = open_ok(path, &cfg, notice, sizeof(notice));
	ck_assert_uint_eq(count_terms(s), 0);
	ck_assert_ptr_nonnull(strstr(notice, "was written for rule "
				     "2d8043ed-5bda-4caf-801c-c1feb7410504 "
				     "version 211 fields [process.executable, "
				     "process.parent.executable]; starting "
				     "empty (old file kept as "));
	assert_kept_aside(dir, "state.json.old-", orig, len, notice);
	free(orig);
	nt_destroy(s);
}
END_TEST

START_TEST(test_other_format_version_is_kept_aside_as_old)
{
	static const char doc[] = "{\"format\":\"audisp-kmod-enum-state\","
		"\"format_version\":4,\"whatever\":{\"new\":[1,2]}}";
	char dir[256], path[300], notice[1024];
	struct nt_store *s;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	write_all(path, doc, sizeof(doc) - 1);
	s = open_ok(path, &g_cfg, notice, sizeof(notice));
	assert_kept_aside(dir, "state.json.old-", doc, sizeof(doc) - 1, notice);
	nt_destroy(s);
}
END_TEST

START_TEST(test_two_bad_files_in_one_second_are_both_kept)
{
	char dir[256], path[300], notice[1024], aside[600];
	struct nt_store *s;
	int i;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	for (i = 0; i < 2; i++) {
		write_all(path, "junk", 4);
		s = open_ok(path, &g_cfg, notice, sizeof(notice));
		nt_destroy(s);
	}
	/* Unless the clock ticked in between, the second got a ".1". */
	ck_assert_int_eq(find_aside(dir, "state.json.bad-", aside,
				    sizeof(aside)), 2);
}
END_TEST

/* ---- the state directory and symlinks ---------------------------------- */

START_TEST(test_missing_state_dir_is_created_0700)
{
	char dir[256], path[300], sub[300];
	struct nt_store *s;
	struct stat sb;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	snprintf(sub, sizeof(sub), "%s/lib", dir);
	snprintf(path, sizeof(path), "%s/lib/state.json", dir);
	s = open_ok(path, &g_cfg, NULL, 0);
	ck_assert_int_eq(stat(sub, &sb), 0);
	ck_assert(S_ISDIR(sb.st_mode));
	ck_assert_uint_eq(sb.st_mode & 07777, 0700);
	touch(s, term2("a", NULL), T0);
	save_ok(s);
	nt_destroy(s);
}
END_TEST

START_TEST(test_state_dir_whose_parent_is_missing_is_an_error)
{
	char dir[256], path[300];
	struct kme_err err = { "" };

	new_dir(dir, sizeof(dir), path, sizeof(path));
	snprintf(path, sizeof(path), "%s/no/lib/state.json", dir);
	ck_assert_ptr_null(sf_open(path, &g_cfg, NULL, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "/no/lib: create state directory"));
}
END_TEST

static const struct {
	mode_t mode;
	const char *why;
} unsafe_dirs[] = {
	{ 0770, "refusing state directory: group-writable" },
	{ 0702, "refusing state directory: world-writable" },
	{ 01777, "refusing state directory: world-writable" },
};

START_TEST(test_unsafe_state_dir_is_refused)
{
	char dir[256], path[300], want[400];
	struct kme_err err = { "" };

	new_dir(dir, sizeof(dir), path, sizeof(path));
	ck_assert_int_eq(chmod(dir, unsafe_dirs[_i].mode), 0);
	ck_assert_ptr_null(sf_open(path, &g_cfg, NULL, &err));
	snprintf(want, sizeof(want), "%s: %s", dir, unsafe_dirs[_i].why);
	ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(test_state_dir_owned_by_someone_else_is_refused)
{
	char dir[256], path[300];
	struct kme_err err = { "" };

	new_dir(dir, sizeof(dir), path, sizeof(path));
	ck_assert_int_eq(chown(dir, 65534, 65534), 0);
	ck_assert_ptr_null(sf_open(path, &g_cfg, NULL, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "refusing state directory: "
				     "not owned by us"));
}
END_TEST

START_TEST(test_symlink_at_state_path_is_not_followed_on_load)
{
	char dir[256], path[300], secret[300], notice[1024], aside[600];
	struct nt_store *s;
	struct stat sb;
	size_t len, slen;
	char *valid, *after;

	/* The target is a valid state file: following it would load it. */
	new_dir(dir, sizeof(dir), path, sizeof(path));
	s = open_ok(path, &g_cfg, NULL, 0);
	touch(s, term2("planted", NULL), T0);
	save_ok(s);
	nt_destroy(s);
	snprintf(secret, sizeof(secret), "%s/secret", dir);
	ck_assert_int_eq(rename(path, secret), 0);
	valid = read_all(secret, &slen);
	ck_assert_int_eq(symlink(secret, path), 0);

	s = open_ok(path, &g_cfg, notice, sizeof(notice));
	ck_assert_uint_eq(count_terms(s), 0);
	ck_assert_ptr_nonnull(strstr(notice, "symbolic link"));
	ck_assert_int_eq(find_aside(dir, "state.json.bad-", aside,
				    sizeof(aside)), 1);
	ck_assert_int_eq(lstat(aside, &sb), 0);
	ck_assert(S_ISLNK(sb.st_mode)); /* the link moved, not its target */
	touch(s, term2("mine", NULL), T0);
	save_ok(s);
	nt_destroy(s);

	after = read_all(secret, &len);
	ck_assert_uint_eq(len, slen);
	ck_assert_mem_eq(after, valid, len);
	ck_assert_int_eq(lstat(path, &sb), 0);
	ck_assert(S_ISREG(sb.st_mode));
	free(valid);
	free(after);
}
END_TEST

START_TEST(test_symlink_at_temp_path_is_not_followed_on_save)
{
	static const char content[] = "secret content\n";
	char dir[256], path[300], tmp[320], secret[300];
	struct nt_store *s;
	struct stat sb;
	size_t len;
	char *after;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	snprintf(secret, sizeof(secret), "%s/secret", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	write_all(secret, content, sizeof(content) - 1);
	s = open_ok(path, &g_cfg, NULL, 0);
	ck_assert_int_eq(symlink(secret, tmp), 0);
	touch(s, term2("a", NULL), T0);
	save_ok(s);
	nt_destroy(s);

	after = read_all(secret, &len);
	ck_assert_uint_eq(len, sizeof(content) - 1);
	ck_assert_mem_eq(after, content, len);
	free(after);
	ck_assert_int_eq(lstat(secret, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 07777, 0644 & ~(mode_t)022);
	ck_assert_int_eq(lstat(tmp, &sb), -1);
	ck_assert_int_eq(lstat(path, &sb), 0);
	ck_assert(S_ISREG(sb.st_mode));
}
END_TEST

/* Root ignores permission bits, so an unwritable directory needs a
 * read-only file system: a tmpfs remounted read-only, in a mount namespace
 * private to this (forked) test. */
START_TEST(test_save_to_unwritable_dir_fails_and_keeps_previous_file)
{
	char dir[256], path[320], mnt[300], tmp[340], notice[1024];
	struct kme_err err = { "" };
	struct nt_store *s;
	struct nt_stats st;
	struct stat sb;
	size_t len, len2;
	char *before, *after;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	snprintf(mnt, sizeof(mnt), "%s/ro", dir);
	snprintf(path, sizeof(path), "%s/state.json", mnt);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	ck_assert_int_eq(mkdir(mnt, 0700), 0);
	if (unshare(CLONE_NEWNS) == 0)
		mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	ck_assert_msg(mount("tmpfs", mnt, "tmpfs", 0, "size=1m,mode=0700") == 0,
		      "mount tmpfs: %s", strerror(errno));
	s = open_ok(path, &g_cfg, notice, sizeof(notice));
	touch(s, term2("a", NULL), T0);
	save_ok(s);
	before = read_all(path, &len);
	ck_assert_int_eq(mount("tmpfs", mnt, "tmpfs", MS_REMOUNT | MS_RDONLY,
			       NULL), 0);

	touch(s, term2("b", NULL), T0 + 1);
	ck_assert_int_eq(nt_save(s, &err), -1);
	ck_assert_msg(strstr(err.msg, tmp) != NULL, "%s", err.msg);
	ck_assert_ptr_nonnull(strstr(err.msg, "Read-only file system"));
	nt_stats(s, &st);
	ck_assert_uint_eq(st.saves, 1);
	ck_assert_uint_eq(st.save_errors, 1);
	nt_destroy(s);

	after = read_all(path, &len2);
	ck_assert_uint_eq(len2, len);
	ck_assert_mem_eq(after, before, len);
	ck_assert_int_eq(lstat(tmp, &sb), -1);
	free(before);
	free(after);
	ck_assert_int_eq(umount2(mnt, MNT_DETACH), 0);
}
END_TEST

/* ---- the lock ---------------------------------------------------------- */

/* Hold PATH.lock as another process would (flock on our own open file). */
static int hold_lock(const char *path)
{
	char lock[400];
	int fd;

	snprintf(lock, sizeof(lock), "%s.lock", path);
	fd = open(lock, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
	return fd;
}

START_TEST(test_a_held_lock_refuses_and_nothing_is_touched)
{
	static const char garbage[] = "garbage, not state";
	char dir[256], path[300], aside[600];
	struct kme_err err = { "" };
	size_t len;
	char *p;
	int fd;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	write_all(path, garbage, sizeof(garbage) - 1);
	fd = hold_lock(path);
	g_log[0] = '\0';
	ck_assert_ptr_null(sf_open(path, &g_cfg, NULL, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "in use by another audisp-kmod-enum"));
	ck_assert_str_eq(g_log, "");
	ck_assert_int_eq(find_aside(dir, "state.json.bad-", aside, sizeof(aside)), 0);
	p = read_all(path, &len);
	ck_assert_uint_eq(len, sizeof(garbage) - 1);
	ck_assert_mem_eq(p, garbage, len);
	free(p);
	close(fd);
}
END_TEST

START_TEST(test_the_lock_is_held_until_the_store_is_destroyed)
{
	char dir[256], path[300];
	struct kme_err err = { "" };
	struct nt_store *s;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	s = open_ok(path, &g_cfg, NULL, 0);
	ck_assert_ptr_null(sf_open(path, &g_cfg, NULL, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "in use by another"));
	nt_destroy(s);
	s = open_ok(path, &g_cfg, NULL, 0);
	nt_destroy(s);
}
END_TEST

/* A reload of the same file: the new store takes the old one's lock. */
START_TEST(test_reopening_the_same_file_takes_over_the_lock)
{
	char dir[256], path[300], other[300];
	struct kme_err err = { "" };
	struct nt_store *a, *b, *c;
	struct kme_config cfg = g_cfg;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	a = open_ok(path, &g_cfg, NULL, 0);
	touch(a, term2("a", NULL), T0);
	save_ok(a);
	cfg.rule_version = "212";               /* e.g. a new rule version */
	b = sf_open(path, &cfg, a, &err);
	ck_assert_msg(b != NULL, "%s", err.msg);
	nt_destroy(a);
	/* b holds the lock now: nobody else gets it. */
	ck_assert_ptr_null(sf_open(path, &g_cfg, NULL, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "in use by another"));
	/* Another file: its own lock, taken before b lets go. */
	snprintf(other, sizeof(other), "%s/other.json", dir);
	c = sf_open(other, &cfg, b, &err);
	ck_assert_msg(c != NULL, "%s", err.msg);
	ck_assert_ptr_null(sf_open(path, &g_cfg, NULL, &err));
	nt_destroy(b);
	ck_assert_ptr_null(sf_open(other, &g_cfg, NULL, &err));
	nt_destroy(c);
}
END_TEST

/* The read-only store of --dump-state: no lock, nothing created or moved,
 * even when the lock is held or the file is not usable. */
START_TEST(test_read_only_open_takes_no_lock_and_changes_nothing)
{
	char dir[256], path[300], lock[320], aside[600];
	struct kme_err err = { "" };
	struct nt_store *s;
	struct stat sb;
	int fd;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	s = sf_open_ro(path, &g_cfg, &err);
	ck_assert_msg(s != NULL, "%s", err.msg);
	nt_destroy(s);
	snprintf(lock, sizeof(lock), "%s.lock", path);
	ck_assert_int_eq(lstat(lock, &sb), -1);
	write_all(path, "junk", 4);
	fd = hold_lock(path);
	g_log[0] = '\0';
	s = sf_open_ro(path, &g_cfg, &err);
	ck_assert_msg(s != NULL, "%s", err.msg);
	ck_assert_ptr_nonnull(strstr(g_log, "left in place"));
	ck_assert_uint_eq(count_terms(s), 0);
	ck_assert_int_eq(nt_save(s, &err), -1);
	nt_destroy(s);
	ck_assert_int_eq(find_aside(dir, "state.json.bad-", aside, sizeof(aside)), 0);
	close(fd);
}
END_TEST

/* ---- scale ------------------------------------------------------------- */

static double ms_since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a->tv_sec) * 1e3 +
	       (double)(b.tv_nsec - a->tv_nsec) / 1e6;
}

START_TEST(test_hundred_thousand_terms_save_and_load)
{
	enum { N = 100000 };
	char dir[256], path[300], notice[1024], v[64], p[64];
	struct kme_config cfg = g_cfg;
	struct timespec t0;
	struct nt_store *s;
	struct nt_seen seen;
	double save_ms, load_ms;
	int i;

	cfg.max_terms = 1000000;
	new_dir(dir, sizeof(dir), path, sizeof(path));
	s = open_ok(path, &cfg, NULL, 0);
	for (i = 0; i < N; i++) {
		snprintf(v, sizeof(v), "/opt/tool%d/bin/lsmod", i);
		snprintf(p, sizeof(p), "/usr/lib/parent-%d", i % 977);
		touch(s, term2(v, i % 10 ? p : NULL), T0 + i);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	save_ok(s);
	save_ms = ms_since(&t0);
	nt_destroy(s);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	s = open_ok(path, &cfg, notice, sizeof(notice));
	load_ms = ms_since(&t0);
	fprintf(stderr, "statefile: %d terms: save %.1f ms, load %.1f ms\n",
		N, save_ms, load_ms);
	ck_assert_str_eq(notice, "");
	ck_assert_uint_eq(count_terms(s), N);
	for (i = 0; i < N; i += 9973) {
		snprintf(v, sizeof(v), "/opt/tool%d/bin/lsmod", i);
		snprintf(p, sizeof(p), "/usr/lib/parent-%d", i % 977);
		seen = touch(s, term2(v, i % 10 ? p : NULL), T0 + N);
		ck_assert(seen.known);
		ck_assert_int_eq(seen.last_seen, T0 + i);
		ck_assert_uint_eq(seen.count, 1);
	}
	nt_destroy(s);
}
END_TEST

/* ---- saving in the background (bgsave.h) --------------------------------- */

/* Poll the store's tick (deadline 10 s) until no background save runs;
 * the tick's verdict. */
static int tick_until_saved(struct nt_store *s, struct kme_err *err)
{
	int64_t deadline = (int64_t)time(NULL) + 10;
	int rc = 0;

	while (nt_saving(s)) {
		struct timespec d = { 0, 2000000 };

		ck_assert_msg((int64_t)time(NULL) < deadline,
			      "the background save did not end");
		nanosleep(&d, NULL);
		if (nt_tick(s, 0, err) < 0)
			rc = -1;
	}
	return rc;
}

/* The document of the file without its saved_at (the wall clock). */
static char *doc_without_saved_at(const char *path)
{
	size_t len;
	char *p = read_all(path, &len), *a = strstr(p, "\"saved_at\":");

	ck_assert_ptr_nonnull(a);
	memset(a, ' ', strcspn(a, ",") + 1);
	return p;
}

START_TEST(test_a_background_save_writes_what_a_save_writes)
{
	char dir[256], path[300], copy[320];
	struct kme_err err = { "" };
	struct nt_store *s;
	struct nt_stats st;
	char *bg, *fg;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	s = open_ok(path, &g_cfg, NULL, 0);
	touch(s, term2("/usr/sbin/lsmod", "/usr/bin/bash"), T0);
	touch(s, term2("/usr/sbin/lsmod", NULL), T0 + 5);
	touch(s, term2("/tmp/x/lsmod", "/tmp/\xff"), T0 + 9);
	ck_assert_int_eq(nt_save_background(s, &err), 0);
	ck_assert(nt_saving(s));
	ck_assert_int_eq(tick_until_saved(s, &err), 0);
	nt_stats(s, &st);
	ck_assert_uint_eq(st.saves, 1);
	ck_assert_uint_eq(st.save_errors, 0);
	bg = doc_without_saved_at(path);
	snprintf(copy, sizeof(copy), "%s.bg", path);
	ck_assert_int_eq(rename(path, copy), 0);
	save_ok(s);
	fg = doc_without_saved_at(path);
	ck_assert_str_eq(bg, fg);
	free(bg);
	free(fg);
	nt_destroy(s);
}
END_TEST

START_TEST(test_a_background_save_is_a_snapshot_of_its_moment)
{
	char dir[256], path[300];
	struct kme_err err = { "" };
	struct nt_store *s;
	size_t len;
	char *doc;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	s = open_ok(path, &g_cfg, NULL, 0);
	touch(s, term2("before", NULL), T0);
	ck_assert_int_eq(nt_save_background(s, &err), 0);
	touch(s, term2("after", NULL), T0 + 1);   /* not in this save */
	ck_assert_int_eq(tick_until_saved(s, &err), 0);
	doc = read_all(path, &len);
	ck_assert_ptr_nonnull(strstr(doc, "\"before\""));
	ck_assert_ptr_null(strstr(doc, "\"after\""));
	free(doc);
	nt_destroy(s);
}
END_TEST

START_TEST(test_a_save_asked_during_a_background_save_follows_it)
{
	char dir[256], path[300];
	struct kme_err err = { "" };
	struct nt_store *s;
	struct nt_stats st;
	size_t len;
	char *doc;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	s = open_ok(path, &g_cfg, NULL, 0);
	touch(s, term2("first", NULL), T0);
	ck_assert_int_eq(nt_save_background(s, &err), 0);
	touch(s, term2("second", NULL), T0 + 1);
	ck_assert_int_eq(nt_save_background(s, &err), 1);   /* scheduled */
	ck_assert_int_eq(tick_until_saved(s, &err), 0);
	nt_stats(s, &st);
	ck_assert_uint_eq(st.saves, 2);
	doc = read_all(path, &len);
	ck_assert_ptr_nonnull(strstr(doc, "\"second\""));
	free(doc);
	nt_destroy(s);
}
END_TEST

START_TEST(test_a_failed_background_save_is_counted_and_said)
{
	char dir[256], path[300], tmp[320];
	struct kme_err err = { "" };
	struct nt_store *s;
	struct nt_stats st;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	s = open_ok(path, &g_cfg, NULL, 0);
	touch(s, term2("a", NULL), T0);
	/* A directory where the temporary file goes: the save fails. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	ck_assert_int_eq(mkdir(tmp, 0700), 0);
	ck_assert_int_eq(nt_save_background(s, &err), 0);
	ck_assert_int_eq(tick_until_saved(s, &err), -1);
	ck_assert_msg(strstr(err.msg, tmp) != NULL, "%s", err.msg);
	nt_stats(s, &st);
	ck_assert_uint_eq(st.saves, 0);
	ck_assert_uint_eq(st.save_errors, 1);
	ck_assert_int_eq(rmdir(tmp), 0);
	nt_destroy(s);
}
END_TEST

START_TEST(test_a_save_cancels_a_running_background_save)
{
	char dir[256], path[300];
	struct kme_err err = { "" };
	struct nt_store *s;
	size_t len;
	char *doc;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	s = open_ok(path, &g_cfg, NULL, 0);
	touch(s, term2("old", NULL), T0);
	ck_assert_int_eq(nt_save_background(s, &err), 0);
	touch(s, term2("new", NULL), T0 + 1);
	save_ok(s);                      /* complete and newer */
	ck_assert(!nt_saving(s));
	doc = read_all(path, &len);
	ck_assert_ptr_nonnull(strstr(doc, "\"new\""));
	free(doc);
	nt_destroy(s);
}
END_TEST

/* A reload of the same file and identity keeps the running table: it
 * reads nothing (the damaged file below is neither read nor set aside). */
START_TEST(test_a_reload_of_the_same_identity_takes_the_table_over)
{
	char dir[256], path[300], aside[600];
	struct kme_err err = { "" };
	struct kme_config cfg = g_cfg;
	struct nt_store *a, *b;
	struct nt_seen seen;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	a = open_ok(path, &g_cfg, NULL, 0);
	touch(a, term2("kept", NULL), T0);
	write_all(path, "garbage", 7);
	cfg.max_terms = 2000;
	cfg.history_window = WINDOW / 2;
	g_log[0] = '\0';
	b = sf_open(path, &cfg, a, &err);
	ck_assert_msg(b != NULL, "%s", err.msg);
	ck_assert_msg(g_log[0] == '\0', "the reload said: %s", g_log);
	nt_destroy(a);
	ck_assert_int_eq(find_aside(dir, "state.json.bad-", aside, sizeof(aside)), 0);
	seen = touch(b, term2("kept", NULL), T0 + 1);
	ck_assert(seen.known);
	ck_assert(!seen.is_new);
	/* The new window holds: a sighting past it is new. */
	seen = touch(b, term2("kept", NULL), T0 + 1 + WINDOW / 2 + 1);
	ck_assert(seen.is_new);
	nt_destroy(b);
}
END_TEST

/* Another identity: the running table is saved first, then the file is
 * kept aside as another identity's, with everything it had learned. */
START_TEST(test_a_reload_of_another_identity_saves_the_running_table_first)
{
	char dir[256], path[300], aside[600];
	struct kme_err err = { "" };
	struct kme_config cfg = g_cfg;
	struct nt_store *a, *b;
	size_t len;
	char *doc;

	new_dir(dir, sizeof(dir), path, sizeof(path));
	a = open_ok(path, &g_cfg, NULL, 0);
	touch(a, term2("learned", NULL), T0);   /* never saved */
	cfg.rule_version = "212";
	b = sf_open(path, &cfg, a, &err);
	ck_assert_msg(b != NULL, "%s", err.msg);
	nt_destroy(a);
	ck_assert_int_eq(find_aside(dir, "state.json.old-", aside, sizeof(aside)), 1);
	doc = read_all(aside, &len);
	ck_assert_ptr_nonnull(strstr(doc, "\"learned\""));
	free(doc);
	nt_destroy(b);
}
END_TEST

static Suite *statefile_suite(void)
{
	Suite *s = suite_create("statefile");
	TCase *tc = tcase_create("contract");

	tcase_add_test(tc, test_file_store_fails_only_a_term_of_wrong_shape_or_size);
	suite_add_tcase(s, tc);

	tc = tcase_create("file");
	tcase_add_test(tc, test_missing_file_starts_empty_without_notice);
	tcase_add_test(tc, test_state_round_trip_keeps_first_last_count);
	tcase_add_test(tc, test_state_file_is_json_with_identity);
	tcase_add_test(tc, test_state_file_mode_is_0600);
	tcase_add_test(tc, test_binary_values_round_trip_through_save_and_load);
	tcase_add_test(tc, test_save_never_writes_expired_terms);
	tcase_add_test(tc, test_more_terms_than_max_terms_keeps_the_most_recent);
	tcase_add_test(tc, test_window_change_keeps_the_terms);
	tcase_add_test(tc, test_hand_written_state_with_hex_and_escapes_loads);
	tcase_add_test(tc, test_second_resolution_file_loads_and_is_saved_in_ms);
	suite_add_tcase(s, tc);

	tc = tcase_create("bad_files");
	tcase_add_test(tc, test_corrupt_file_is_kept_aside_and_store_starts_empty);
	tcase_add_test(tc, test_truncated_file_is_kept_aside);
	tcase_add_loop_test(tc, test_malformed_state_is_kept_aside, 0,
			    (int)(sizeof(bad_docs) / sizeof(bad_docs[0])));
	tcase_add_test(tc, test_oversized_file_is_kept_aside_unread);
	tcase_add_test(tc, test_fifo_at_state_path_does_not_hang_and_is_kept_aside);
	tcase_add_loop_test(tc, test_identity_change_starts_empty_and_keeps_old_file,
			    0, (int)(sizeof(identity_changes) /
				     sizeof(identity_changes[0])));
	tcase_add_test(tc, test_other_format_version_is_kept_aside_as_old);
	tcase_add_test(tc, test_two_bad_files_in_one_second_are_both_kept);
	suite_add_tcase(s, tc);

	tc = tcase_create("safety");
	tcase_add_test(tc, test_missing_state_dir_is_created_0700);
	tcase_add_test(tc, test_state_dir_whose_parent_is_missing_is_an_error);
	tcase_add_loop_test(tc, test_unsafe_state_dir_is_refused, 0,
			    (int)(sizeof(unsafe_dirs) / sizeof(unsafe_dirs[0])));
	tcase_add_test(tc, test_state_dir_owned_by_someone_else_is_refused);
	tcase_add_test(tc, test_symlink_at_state_path_is_not_followed_on_load);
	tcase_add_test(tc, test_symlink_at_temp_path_is_not_followed_on_save);
	suite_add_tcase(s, tc);
	/* A read-only file system of its own: mounting needs root. */
	if (ck_can(geteuid() == 0, "a save to a read-only file system "
		   "(mounting a tmpfs needs root)")) {
		tc = tcase_create("read-only");
		tcase_add_test(tc, test_save_to_unwritable_dir_fails_and_keeps_previous_file);
		suite_add_tcase(s, tc);
	}

	tc = tcase_create("lock");
	tcase_add_test(tc, test_a_held_lock_refuses_and_nothing_is_touched);
	tcase_add_test(tc, test_the_lock_is_held_until_the_store_is_destroyed);
	tcase_add_test(tc, test_reopening_the_same_file_takes_over_the_lock);
	tcase_add_test(tc, test_read_only_open_takes_no_lock_and_changes_nothing);
	suite_add_tcase(s, tc);

	tc = tcase_create("background");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_a_background_save_writes_what_a_save_writes);
	tcase_add_test(tc, test_a_background_save_is_a_snapshot_of_its_moment);
	tcase_add_test(tc, test_a_save_asked_during_a_background_save_follows_it);
	tcase_add_test(tc, test_a_failed_background_save_is_counted_and_said);
	tcase_add_test(tc, test_a_save_cancels_a_running_background_save);
	tcase_add_test(tc, test_a_reload_of_the_same_identity_takes_the_table_over);
	tcase_add_test(tc, test_a_reload_of_another_identity_saves_the_running_table_first);
	suite_add_tcase(s, tc);

	tc = tcase_create("scale");
	tcase_set_timeout(tc, 120); /* sanitizer builds are slow */
	tcase_add_test(tc, test_hundred_thousand_terms_save_and_load);
	suite_add_tcase(s, tc);
	return s;
}

static int rm_one(const char *p, const struct stat *sb, int type,
		  struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return type == FTW_DP ? rmdir(p) : unlink(p);
}

int main(void)
{
	int rc;

	umask(022);
	cfg_init(&g_cfg);
	log_to_fn(capture, NULL);
	if (mkdtemp(g_top) == NULL) {
		perror(g_top);
		return EXIT_FAILURE;
	}
	rc = ck_run(statefile_suite());
	if (nftw(g_top, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		fprintf(stderr, "%s: cleanup failed: %s\n", g_top,
			strerror(errno));
	return rc;
}
