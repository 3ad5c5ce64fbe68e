/* check_history.c - which history each mode opens, and how: memory for a
 * replay unless told, the locked state file for the plugin (a reload takes
 * over the lock; a refused file falls back to memory, and says so), the
 * file read only for a dump, Redis when --store or new_terms_store says
 * (never for a replay that was not told), with the fleet's counter where
 * alerts are sent; --migrate-state needs Redis. Several rules: a history
 * each, saved together, in the background between reads too, each kept by
 * its rule's name on a reload, and a dropped rule's saved. Redis cases run
 * against a real redis-server started here (tests/redistest.h). */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"
#include "cfgtest.h"
#include "checkrun.h"
#include "clock.h"
#include "history.h"
#include "log.h"
#include "histtest.h"

#define T0 ((int64_t)1700000000000)

static char g_dir[] = "/tmp/check_history.XXXXXX";
static char g_state[64];
static void make_dir(void)
{
	snprintf(g_dir, sizeof(g_dir), "/tmp/check_history.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(g_dir));
	snprintf(g_state, sizeof(g_state), "%s/state.json", g_dir);
}

/* Each test starts without a state file. */
static void no_state(void)
{
	char p[96];

	unlink(g_state);
	snprintf(p, sizeof(p), "%s.lock", g_state);
	unlink(p);
}

static void remove_dir(void)
{
	no_state();
	rmdir(g_dir);
}

/* The shipped configuration with state_file in this suite's directory
 * and new_terms_store as given (NULL: file). */
static struct kme_config *config(const char *store)
{
	struct kme_config *cfg = shipped_config();

	free(cfg->state_file);
	cfg->state_file = strdup(g_state);
	free(cfg->new_terms_store);
	cfg->new_terms_store = strdup(store ? store : "file");
	return cfg;
}

static struct history *open_ok(enum hist_use use, const char *state,
			       const char *store, const struct kme_config *cfg,
			       struct history *prev)
{
	const struct hist_opts o = { .use = use, .state = state,
				     .store = store };
	struct kme_err err = { "" };
	struct history *h = hist_open(&o, cfg, prev, &err);

	ck_assert_msg(h != NULL, "%s", err.msg);
	return h;
}

static const char *open_fails(enum hist_use use, const char *state,
			      const char *store, const struct kme_config *cfg)
{
	static struct kme_err err;
	const struct hist_opts o = { .use = use, .state = state,
				     .store = store };

	memset(&err, 0, sizeof(err));
	ck_assert_ptr_null(hist_open(&o, cfg, NULL, &err));
	return err.msg;
}

static void touch(struct history *h, const char *exe, int64_t t)
{
	struct nt_term term = term2(exe, "/usr/bin/bash");
	struct kme_err err = { "" };
	struct nt_seen seen;

	ck_assert_int_eq(nt_check_touch(hist_store(h), &term, t, &seen, &err), 0);
}

static struct nt_stats stats(const struct history *h)
{
	struct nt_stats st;

	nt_stats(hist_store(h), &st);
	return st;
}

static bool exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/* ---- the state file and memory ---------------------------------------------- */

START_TEST(test_replay_keeps_history_in_memory_unless_told)
{
	struct kme_config *cfg = config(NULL);
	struct kme_err err = { "" };
	struct history *h = open_ok(HIST_REPLAY, NULL, NULL, cfg, NULL);

	touch(h, "/usr/sbin/lsmod", T0);
	ck_assert_int_eq(nt_save(hist_store(h), &err), 0);
	ck_assert(!exists(g_state));
	ck_assert_ptr_null(hist_rate(h));
	hist_close(h);
	h = open_ok(HIST_REPLAY, g_state, NULL, cfg, NULL);
	touch(h, "/usr/sbin/lsmod", T0);
	ck_assert_int_eq(nt_save(hist_store(h), &err), 0);
	ck_assert(exists(g_state));
	ck_assert_str_eq(hist_where(h), g_state);
	hist_close(h);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_the_plugin_holds_the_files_lock_and_a_reload_takes_it_over)
{
	struct kme_config *cfg = config(NULL);
	struct history *a = open_ok(HIST_PLUGIN, NULL, NULL, cfg, NULL), *b;

	ck_assert_str_eq(hist_where(a), g_state);
	ck_assert_ptr_nonnull(strstr(open_fails(HIST_LEARN, NULL, NULL, cfg),
				     "in use by another audisp-kmod-enum"));
	touch(a, "/usr/sbin/lsmod", T0);
	b = open_ok(HIST_PLUGIN, NULL, NULL, cfg, a);
	hist_close(a);
	ck_assert_ptr_nonnull(strstr(open_fails(HIST_LEARN, NULL, NULL, cfg),
				     "in use"));
	hist_close(b);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_a_history_that_cannot_open_falls_back_to_memory_when_asked)
{
	struct kme_config *cfg = config(NULL);
	struct history *a = open_ok(HIST_PLUGIN, NULL, NULL, cfg, NULL), *b;
	const struct hist_opts o = { .use = HIST_PLUGIN,
				     .memory_fallback = true };
	struct kme_err err = { "" };

	ht_catch_log();
	b = hist_open(&o, cfg, NULL, &err);   /* a holds the lock */
	log_to_stderr();
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(strstr(ht_log.all, "in use by another"));
	ck_assert_ptr_nonnull(strstr(ht_log.all, "new-terms history kept in "
				     "memory only"));
	touch(b, "/usr/sbin/lsmod", T0);
	ck_assert_int_eq(nt_save(hist_store(b), &err), 0);
	ck_assert_uint_eq(stats(b).saves, 0);   /* memory: nothing saved */
	hist_close(b);
	hist_close(a);
	cfg_free(cfg);
}
END_TEST

/* ---- several rules: a history each (issue 19) ------------------------------ */

/* The first rule in g_dir/state.json, and an added file rule NAME in
 * g_dir/NAME.json for each name of names (space-separated). */
static struct kme_config *rules(const char *names)
{
	char text[2048], name[16];
	const char *p = names;
	size_t len;
	int n;

	len = (size_t)snprintf(text, sizeof(text), "match = lsmod\nstate_file = %s\n",
			       g_state);
	while (sscanf(p, "%15s%n", name, &n) == 1) {
		len += (size_t)snprintf(text + len, sizeof(text) - len,
			"rule = %s\nrule_type = file_open\nrule_id = id-%s\n"
			"rule_name = n\nrule_version = 1\nrule_description = d\n"
			"rule_reference = x\nstate_file = %s/%s.json\n"
			"file_watch = /proc/modules k-%s\n", name, name, g_dir, name,
			name);
		p += n;
	}
	return parse_ok(text);
}

static void touch_rule(struct history *h, size_t i, const char *exe)
{
	touch(hist_rule(h, i), exe, T0);
}

/* Does the file at g_dir/NAME hold s? */
static bool holds(const char *name, const char *s)
{
	char path[96];
	const char *text;

	snprintf(path, sizeof(path), "%s/%s", g_dir, name);
	text = ck_file_text(path);
	return text != NULL && strstr(text, s) != NULL;
}

static void remove_rule_files(const char *names)
{
	char path[96], name[16];
	const char *p = names;
	int n;

	while (sscanf(p, "%15s%n", name, &n) == 1) {
		snprintf(path, sizeof(path), "%s/%s.json", g_dir, name);
		unlink(path);
		snprintf(path, sizeof(path), "%s/%s.json.lock", g_dir, name);
		unlink(path);
		p += n;
	}
}

START_TEST(test_each_rule_has_its_history_saved_and_kept_by_name_on_reload)
{
	struct kme_config *c1 = rules("a b"), *c2 = rules("a");
	struct history *h1 = open_ok(HIST_PLUGIN, NULL, NULL, c1, NULL), *h2;

	ck_assert_ptr_null(hist_rule(h1, 3));
	ck_assert_ptr_nonnull(strstr(hist_where(hist_rule(h1, 2)), "/b.json"));
	touch_rule(h1, 0, "/usr/sbin/lsmod");
	touch_rule(h1, 1, "/usr/bin/cat");
	touch_rule(h1, 2, "/usr/bin/grep");
	ck_assert_int_eq(hist_save(h1), 0);        /* every rule's file */
	ck_assert(holds("state.json", "/usr/sbin/lsmod"));
	ck_assert(holds("a.json", "/usr/bin/cat"));
	ck_assert(holds("b.json", "/usr/bin/grep"));
	/* Learned after the save: a's goes on with a, b's is saved as b
	 * goes (the reload's configuration has no rule b). */
	touch_rule(h1, 1, "/usr/bin/python3");
	touch_rule(h1, 2, "/usr/bin/chef-client");
	h2 = open_ok(HIST_PLUGIN, NULL, NULL, c2, h1);
	hist_close(h1);
	ck_assert_ptr_null(hist_rule(h2, 2));
	ck_assert_uint_eq(stats(hist_rule(h2, 1)).terms, 2);
	ck_assert(holds("b.json", "/usr/bin/chef-client"));
	hist_close(h2);
	remove_rule_files("a b");
	cfg_free(c1);
	cfg_free(c2);
}
END_TEST

START_TEST(test_every_rules_history_is_saved_in_the_background_between_reads)
{
	struct kme_config *cfg = rules("a");
	struct history *h = open_ok(HIST_PLUGIN, NULL, NULL, cfg, NULL);
	int64_t end = clk_mono_ms() + 10000;

	ck_assert(!hist_tick(h, NT_TICK_BUDGET));  /* nothing under way */
	touch_rule(h, 0, "/usr/sbin/lsmod");
	touch_rule(h, 1, "/usr/bin/cat");
	hist_save_background(h);
	/* The children are reaped by the ticks: poll for both saves. */
	while ((stats(hist_rule(h, 0)).saves == 0 ||
		stats(hist_rule(h, 1)).saves == 0) && clk_mono_ms() < end)
		if (!hist_tick(h, NT_TICK_BUDGET))
			usleep(1000);
	ck_assert_uint_eq(stats(hist_rule(h, 0)).saves, 1);
	ck_assert_uint_eq(stats(hist_rule(h, 1)).saves, 1);
	ck_assert(holds("state.json", "/usr/sbin/lsmod"));
	ck_assert(holds("a.json", "/usr/bin/cat"));
	hist_close(h);
	remove_rule_files("a");
	cfg_free(cfg);
}
END_TEST

START_TEST(test_a_dump_reads_the_file_and_changes_nothing)
{
	struct kme_config *cfg = config(NULL);
	struct kme_err err = { "" };
	struct history *h;

	h = open_ok(HIST_DUMP, NULL, NULL, cfg, NULL);  /* no file: empty */
	ck_assert_uint_eq(stats(h).terms, 0);
	ck_assert_int_eq(nt_save(hist_store(h), &err), -1);
	hist_close(h);
	ck_assert(!exists(g_state));
	h = open_ok(HIST_LEARN, NULL, NULL, cfg, NULL);
	touch(h, "/usr/sbin/lsmod", T0);
	ck_assert_int_eq(nt_save(hist_store(h), &err), 0);
	/* The learner holds the lock: a dump reads anyway. */
	{
		struct history *d = open_ok(HIST_DUMP, NULL, NULL, cfg, NULL);

		ck_assert_uint_eq(stats(d).terms, 1);
		hist_close(d);
	}
	hist_close(h);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_migrate_needs_a_redis_store)
{
	struct kme_config *cfg = config(NULL);

	ck_assert_ptr_nonnull(strstr(open_fails(HIST_MIGRATE, NULL, NULL, cfg),
				     "--migrate-state needs a Redis store"));
	ck_assert_ptr_nonnull(strstr(open_fails(HIST_MIGRATE, NULL, "file", cfg),
				     "needs a Redis store"));
	cfg_free(cfg);
}
END_TEST

START_TEST(test_store_file_overrides_a_configured_redis)
{
	struct kme_config *cfg = config("unix:///nonexistent/kme-check.sock");
	struct history *h = open_ok(HIST_PLUGIN, NULL, "file", cfg, NULL);

	ck_assert(!stats(h).shared);
	ck_assert_str_eq(hist_where(h), g_state);
	ck_assert_ptr_null(hist_rate(h));
	hist_close(h);
	/* A replay shares history only when told with --store. */
	h = open_ok(HIST_REPLAY, NULL, NULL, cfg, NULL);
	ck_assert(!stats(h).shared);
	hist_close(h);
	cfg_free(cfg);
}
END_TEST

#ifdef HAVE_HIREDIS
#include "redistest.h"

START_TEST(test_the_plugin_shares_history_and_alert_count_in_redis)
{
	struct kme_config *cfg = config(rt.url);
	struct history *h = open_ok(HIST_PLUGIN, NULL, NULL, cfg, NULL);

	ck_assert(stats(h).shared);
	ck_assert_ptr_nonnull(hist_rate(h));
	ck_assert_ptr_nonnull(strstr(hist_where(h), rt.url));
	touch(h, "/usr/sbin/lsmod", T0);
	ck_assert_int_eq(rt_int("DBSIZE"), 1);
	hist_close(h);
	/* A replay told with --store alike. */
	h = open_ok(HIST_REPLAY, NULL, rt.url, cfg, NULL);
	ck_assert(stats(h).shared);
	ck_assert_ptr_nonnull(hist_rate(h));
	hist_close(h);
	ck_assert(!exists(g_state));
	cfg_free(cfg);
}
END_TEST

START_TEST(test_redis_down_the_plugin_goes_on_and_the_commands_fail)
{
	struct kme_config *cfg = config("unix:///nonexistent/kme-check.sock");
	struct history *h;

	ht_catch_log();
	h = open_ok(HIST_PLUGIN, NULL, NULL, cfg, NULL);
	ck_assert(stats(h).shared);
	ck_assert_ptr_nonnull(strstr(ht_log.all, "deciding with local history"));
	hist_close(h);
	ck_assert_ptr_nonnull(strstr(open_fails(HIST_LEARN, NULL, NULL, cfg),
				     "connect"));
	ck_assert_ptr_nonnull(strstr(open_fails(HIST_DUMP, NULL, NULL, cfg),
				     "connect"));
	ck_assert_ptr_nonnull(strstr(open_fails(HIST_MIGRATE, NULL, NULL, cfg),
				     "connect"));
	log_to_stderr();
	cfg_free(cfg);
}
END_TEST

START_TEST(test_learn_fills_redis_that_migrate_and_dump_read)
{
	struct kme_config *cfg = config(rt.url);
	struct kme_err err = { "" };
	struct history *h;
	size_t n;

	/* A state file of two terms, migrated. */
	h = open_ok(HIST_LEARN, g_state, "file", cfg, NULL);
	touch(h, "/usr/sbin/lsmod", T0);
	touch(h, "/usr/bin/kmod", T0 + 1);
	ck_assert_int_eq(nt_save(hist_store(h), &err), 0);
	hist_close(h);
	h = open_ok(HIST_MIGRATE, NULL, NULL, cfg, NULL);
	ck_assert_ptr_null(hist_store(h));
	ck_assert_msg(hist_migrate(h, g_state, &n, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(n, 2);
	hist_close(h);
	/* --learn adds one; the dump lists all three. */
	h = open_ok(HIST_LEARN, NULL, NULL, cfg, NULL);
	touch(h, "/sbin/modinfo", T0 + 2);
	ck_assert_int_eq(nt_save(hist_store(h), &err), 0);
	hist_close(h);
	h = open_ok(HIST_DUMP, NULL, NULL, cfg, NULL);
	ck_assert_uint_eq(stats(h).terms, 3);
	ck_assert_ptr_nonnull(strstr(hist_where(h), rt.url));
	hist_close(h);
	cfg_free(cfg);
}
END_TEST
#endif

int main(void)
{
	Suite *s = suite_create("history");
	TCase *tc = tcase_create("file");

	tcase_add_unchecked_fixture(tc, make_dir, remove_dir);
	tcase_add_checked_fixture(tc, no_state, NULL);
	tcase_add_test(tc, test_replay_keeps_history_in_memory_unless_told);
	tcase_add_test(tc, test_the_plugin_holds_the_files_lock_and_a_reload_takes_it_over);
	tcase_add_test(tc, test_a_history_that_cannot_open_falls_back_to_memory_when_asked);
	tcase_add_test(tc, test_a_dump_reads_the_file_and_changes_nothing);
	tcase_add_test(tc, test_migrate_needs_a_redis_store);
	tcase_add_test(tc, test_store_file_overrides_a_configured_redis);
	tcase_add_test(tc, test_each_rule_has_its_history_saved_and_kept_by_name_on_reload);
	tcase_add_test(tc, test_every_rules_history_is_saved_in_the_background_between_reads);
	suite_add_tcase(s, tc);
#ifdef HAVE_HIREDIS
	tc = tcase_create("redis");
	tcase_add_unchecked_fixture(tc, make_dir, remove_dir);
	tcase_add_unchecked_fixture(tc, rt_start, rt_stop);
	tcase_add_checked_fixture(tc, rt_flush, NULL);
	tcase_add_checked_fixture(tc, no_state, NULL);
	tcase_add_test(tc, test_the_plugin_shares_history_and_alert_count_in_redis);
	tcase_add_test(tc, test_redis_down_the_plugin_goes_on_and_the_commands_fail);
	tcase_add_test(tc, test_learn_fills_redis_that_migrate_and_dump_read);
	suite_add_tcase(s, tc);
#endif
	return ck_run(s);
}
