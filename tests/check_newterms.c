/* check_newterms.c - the term of an exec event, the store wrappers and the
 * memory store (its error contract included). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkrun.h"
#include "log.h"
#include "newterms.h"
#include "termtab.h"
#include "histtest.h"

/* What the store logged (log.h); nothing, for a memory store. */
static char g_log[1024];

static void capture(void *arg, int prio, const char *line)
{
	size_t n = strlen(g_log);

	(void)arg;
	(void)prio;
	snprintf(g_log + n, sizeof(g_log) - n, "%s\n", line);
}

static struct kme_str S(const char *s)
{
	return (struct kme_str){ s, strlen(s) };
}

static void cfg_fields(struct kme_config *cfg, const enum cfg_term_field *f,
		       size_t n)
{
	memset(cfg, 0, sizeof(*cfg));
	memcpy(cfg->term_fields, f, n * sizeof(*f));
	cfg->nterm_fields = n;
	cfg->history_window = 1209600000; /* 14 days, in ms */
	cfg->max_terms = 100;
	cfg->rule_id = "2d8043ed-5bda-4caf-801c-c1feb7410504";
	cfg->rule_version = "211";
}

static void exec_full(struct kme_exec *ex)
{
	memset(ex, 0, sizeof(*ex));
	ex->proc.executable = S("/usr/sbin/lsmod");
	ex->proc.name = S("lsmod");
	ex->parent.executable = S("/usr/bin/bash");
	ex->parent.name = S("bash");
	ex->node = S("web01");
	ex->uid = 1000;
	ex->euid = ex->gid = ex->egid = ex->auid = ex->ses = 1000;
}

static void ck_value(struct kme_str got, const char *want)
{
	if (want == NULL) {
		ck_assert_ptr_null(got.p);
		ck_assert_uint_eq(got.len, 0);
		return;
	}
	ck_assert_ptr_nonnull(got.p);
	ck_assert_uint_eq(got.len, strlen(want));
	ck_assert_mem_eq(got.p, want, got.len);
	ck_assert_int_eq(got.p[got.len], '\0');
}

START_TEST(test_term_default_fields_are_executable_and_parent_executable)
{
	static const enum cfg_term_field f[] = {
		CFG_TF_EXECUTABLE, CFG_TF_PARENT_EXECUTABLE
	};
	struct kme_config cfg;
	struct kme_exec ex;
	struct nt_term t;
	char scratch[64];

	cfg_fields(&cfg, f, 2);
	exec_full(&ex);
	nt_term_of(&cfg, &ex, &t, scratch, sizeof(scratch));
	ck_assert_uint_eq(t.n, 2);
	ck_value(t.v[0], "/usr/sbin/lsmod");
	ck_value(t.v[1], "/usr/bin/bash");
	/* Borrowed, not copied. */
	ck_assert_ptr_eq(t.v[0].p, ex.proc.executable.p);
}
END_TEST

/* Each field, alone, maps to its ECS source in the event. */
static const struct {
	enum cfg_term_field f;
	const char *want;
} field_cases[] = {
	{ CFG_TF_EXECUTABLE, "/usr/sbin/lsmod" },
	{ CFG_TF_NAME, "lsmod" },
	{ CFG_TF_PARENT_EXECUTABLE, "/usr/bin/bash" },
	{ CFG_TF_PARENT_NAME, "bash" },
	{ CFG_TF_USER_ID, "1000" },
	{ CFG_TF_HOST_NAME, "web01" },
};

START_TEST(test_term_each_field_maps_to_its_ecs_source)
{
	struct kme_config cfg;
	struct kme_exec ex;
	struct nt_term t;
	char scratch[64];

	cfg_fields(&cfg, &field_cases[_i].f, 1);
	exec_full(&ex);
	nt_term_of(&cfg, &ex, &t, scratch, sizeof(scratch));
	ck_assert_uint_eq(t.n, 1);
	ck_value(t.v[0], field_cases[_i].want);
}
END_TEST

START_TEST(test_term_all_four_fields_in_configured_order)
{
	static const enum cfg_term_field f[] = {
		CFG_TF_HOST_NAME, CFG_TF_USER_ID, CFG_TF_PARENT_NAME, CFG_TF_NAME
	};
	struct kme_config cfg;
	struct kme_exec ex;
	struct nt_term t;
	char scratch[64];

	cfg_fields(&cfg, f, 4);
	exec_full(&ex);
	nt_term_of(&cfg, &ex, &t, scratch, sizeof(scratch));
	ck_assert_uint_eq(t.n, 4);
	ck_value(t.v[0], "web01");
	ck_value(t.v[1], "1000");
	ck_value(t.v[2], "bash");
	ck_value(t.v[3], "lsmod");
}
END_TEST

START_TEST(test_term_absent_parent_stays_absent)
{
	static const enum cfg_term_field f[] = {
		CFG_TF_EXECUTABLE, CFG_TF_PARENT_EXECUTABLE, CFG_TF_PARENT_NAME
	};
	struct kme_config cfg;
	struct kme_exec ex;
	struct nt_term t;
	char scratch[64];

	cfg_fields(&cfg, f, 3);
	exec_full(&ex);
	ex.parent.executable = KME_STR_NULL;
	ex.parent.name = KME_STR_NULL;
	nt_term_of(&cfg, &ex, &t, scratch, sizeof(scratch));
	ck_assert_uint_eq(t.n, 3);
	ck_value(t.v[0], "/usr/sbin/lsmod");
	ck_value(t.v[1], NULL);
	ck_value(t.v[2], NULL);
}
END_TEST

START_TEST(test_term_empty_value_is_present_not_absent)
{
	static const enum cfg_term_field f[] = { CFG_TF_HOST_NAME };
	struct kme_config cfg;
	struct kme_exec ex;
	struct nt_term t;
	char scratch[64];

	cfg_fields(&cfg, f, 1);
	exec_full(&ex);
	ex.node = S("");
	nt_term_of(&cfg, &ex, &t, scratch, sizeof(scratch));
	ck_value(t.v[0], "");
}
END_TEST

START_TEST(test_term_value_with_nul_byte_keeps_its_length)
{
	static const enum cfg_term_field f[] = { CFG_TF_EXECUTABLE };
	static const char exe[] = "/tmp/a\0b/lsmod";
	struct kme_config cfg;
	struct kme_exec ex;
	struct nt_term t;
	char scratch[64];

	cfg_fields(&cfg, f, 1);
	exec_full(&ex);
	ex.proc.executable = (struct kme_str){ exe, sizeof(exe) - 1 };
	nt_term_of(&cfg, &ex, &t, scratch, sizeof(scratch));
	ck_assert_uint_eq(t.v[0].len, sizeof(exe) - 1);
	ck_assert_mem_eq(t.v[0].p, exe, sizeof(exe) - 1);
}
END_TEST

static const struct {
	uint32_t uid;
	const char *want;
} uid_cases[] = {
	{ 0, "0" },
	{ 7, "7" },
	{ 1000, "1000" },
	{ 4294967294u, "4294967294" },
	{ KME_ID_UNSET, NULL },
};

START_TEST(test_term_user_id_is_decimal_and_unset_is_absent)
{
	static const enum cfg_term_field f[] = { CFG_TF_USER_ID };
	struct kme_config cfg;
	struct kme_exec ex;
	struct nt_term t;
	char scratch[16];

	cfg_fields(&cfg, f, 1);
	exec_full(&ex);
	ex.uid = uid_cases[_i].uid;
	ex.euid = 12345; /* user.id is the real uid, not the effective one */
	nt_term_of(&cfg, &ex, &t, scratch, sizeof(scratch));
	ck_value(t.v[0], uid_cases[_i].want);
}
END_TEST

START_TEST(test_term_two_numeric_fields_use_separate_scratch)
{
	static const enum cfg_term_field f[] = {
		CFG_TF_USER_ID, CFG_TF_EXECUTABLE, CFG_TF_USER_ID
	};
	struct kme_config cfg;
	struct kme_exec ex;
	struct nt_term t;
	char scratch[32];

	cfg_fields(&cfg, f, 3);
	exec_full(&ex);
	ex.uid = 4294967294u;
	nt_term_of(&cfg, &ex, &t, scratch, sizeof(scratch));
	ck_value(t.v[0], "4294967294");
	ck_value(t.v[2], "4294967294");
	ck_assert_ptr_ne(t.v[0].p, t.v[2].p);
}
END_TEST

START_TEST(test_term_short_scratch_gives_absent_not_truncated_uid)
{
	static const enum cfg_term_field f[] = { CFG_TF_USER_ID };
	struct kme_config cfg;
	struct kme_exec ex;
	struct nt_term t;
	char scratch[4];

	cfg_fields(&cfg, f, 1);
	exec_full(&ex);
	ex.uid = 123456;
	nt_term_of(&cfg, &ex, &t, scratch, sizeof(scratch));
	ck_value(t.v[0], NULL);
	nt_term_of(&cfg, &ex, &t, NULL, 0);
	ck_value(t.v[0], NULL);
}
END_TEST

START_TEST(test_wrappers_dispatch_to_the_store)
{
	static const enum cfg_term_field f[] = {
		CFG_TF_EXECUTABLE, CFG_TF_PARENT_EXECUTABLE
	};
	struct kme_config cfg;
	struct kme_exec ex;
	struct nt_term t;
	struct nt_seen seen;
	struct nt_stats st;
	struct kme_err err = { "" };
	struct nt_store *s;
	char scratch[64];

	cfg_fields(&cfg, f, 2);
	exec_full(&ex);
	s = nt_store_memory_open(&cfg, &err);
	ck_assert_msg(s != NULL, "%s", err.msg);
	ck_assert_str_eq(g_log, "");
	nt_term_of(&cfg, &ex, &t, scratch, sizeof(scratch));
	ck_assert_int_eq(nt_check_touch(s, &t, 1000, &seen, &err), 0);
	ck_assert(seen.is_new);
	ck_assert_int_eq(nt_check_touch(s, &t, 2000, &seen, &err), 0);
	ck_assert(!seen.is_new);
	ck_assert_int_eq(seen.last_seen, 1000);
	ck_assert_int_eq(nt_save(s, &err), 0);
	nt_stats(s, &st);
	ck_assert_uint_eq(st.terms, 1);
	ck_assert_uint_eq(nt_expire(s, 2000 + cfg.history_window + 1), 1);
	nt_stats(s, &st);
	ck_assert_uint_eq(st.terms, 0);
	ck_assert_uint_eq(st.expired, 1);
	nt_destroy(s);
	nt_destroy(NULL);
}
END_TEST

/* A memory store for the default fields; cfg must outlive it. */
static struct nt_store *memory_store(struct kme_config *cfg)
{
	static const enum cfg_term_field f[] = {
		CFG_TF_EXECUTABLE, CFG_TF_PARENT_EXECUTABLE
	};
	struct kme_err err = { "" };
	struct nt_store *s;

	cfg_fields(cfg, f, 2);
	s = nt_store_memory_open(cfg, &err);
	ck_assert_msg(s != NULL, "%s", err.msg);
	return s;
}

START_TEST(test_memory_store_save_does_nothing_and_succeeds)
{
	struct kme_config cfg;
	struct kme_err err = { "" };
	struct nt_term t = term2("a", "b");
	struct nt_seen seen;
	struct nt_stats st;
	struct nt_store *s = memory_store(&cfg);

	ck_assert_int_eq(nt_check_touch(s, &t, 1000, &seen, &err), 0);
	ck_assert_int_eq(nt_save(s, &err), 0);
	nt_stats(s, &st);
	ck_assert_uint_eq(st.terms, 1);
	ck_assert_uint_eq(st.saves, 0);
	ck_assert_uint_eq(st.save_errors, 0);
	ck_assert(!st.shared);
	nt_destroy(s);
}
END_TEST

/* newterms.h's contract: -1 only for a term the store can never hold (or
 * ENOMEM), and the event then counts as new. */
START_TEST(test_memory_store_fails_only_a_term_of_wrong_shape_or_size)
{
	struct kme_config cfg;
	struct kme_err err = { "" };
	struct nt_term t = term2("a", "b");
	struct nt_seen seen;
	struct nt_store *s = memory_store(&cfg);
	char *big = malloc(TT_KEY_MAX + 1);

	ck_assert_ptr_nonnull(big);
	ck_assert_int_eq(nt_check_touch(s, &t, 1000, &seen, &err), 0);
	ck_assert_int_eq(nt_check_touch(s, &t, 2000, &seen, &err), 0);
	ck_assert(!seen.is_new);
	t.n = 1;
	ck_assert_int_eq(nt_check_touch(s, &t, 3000, &seen, &err), -1);
	ck_assert(seen.is_new);
	memset(big, 'x', TT_KEY_MAX);
	big[TT_KEY_MAX] = '\0';
	t = term2(big, NULL);
	ck_assert_int_eq(nt_check_touch(s, &t, 3000, &seen, &err), -1);
	ck_assert(seen.is_new);
	ck_assert(!seen.local);
	free(big);
	nt_destroy(s);
}
END_TEST

START_TEST(test_memory_store_of_a_table_owns_it)
{
	struct kme_err err = { "" };
	struct tt_table *tt = tt_new(2, 1000, 10, &err);
	struct nt_term t = term2("a", NULL);
	struct nt_seen seen;
	struct nt_stats st;
	struct nt_store *s;

	ck_assert_ptr_nonnull(tt);
	ck_assert_int_eq(tt_check_touch(tt, &t, 5, &seen, &err), 0);
	s = nt_store_memory_of(tt, &err);
	ck_assert_ptr_nonnull(s);
	nt_stats(s, &st);
	ck_assert_uint_eq(st.terms, 1);
	ck_assert_int_eq(nt_check_touch(s, &t, 6, &seen, &err), 0);
	ck_assert(seen.known);
	nt_destroy(s);   /* frees tt: the leak checker of the ASan build */
}
END_TEST

static Suite *newterms_suite(void)
{
	Suite *s = suite_create("newterms");
	TCase *tc = tcase_create("term_of");

	tcase_add_test(tc, test_term_default_fields_are_executable_and_parent_executable);
	tcase_add_loop_test(tc, test_term_each_field_maps_to_its_ecs_source, 0,
			    (int)(sizeof(field_cases) / sizeof(field_cases[0])));
	tcase_add_test(tc, test_term_all_four_fields_in_configured_order);
	tcase_add_test(tc, test_term_absent_parent_stays_absent);
	tcase_add_test(tc, test_term_empty_value_is_present_not_absent);
	tcase_add_test(tc, test_term_value_with_nul_byte_keeps_its_length);
	tcase_add_loop_test(tc, test_term_user_id_is_decimal_and_unset_is_absent,
			    0, (int)(sizeof(uid_cases) / sizeof(uid_cases[0])));
	tcase_add_test(tc, test_term_two_numeric_fields_use_separate_scratch);
	tcase_add_test(tc, test_term_short_scratch_gives_absent_not_truncated_uid);
	suite_add_tcase(s, tc);

	tc = tcase_create("wrappers");
	tcase_add_test(tc, test_wrappers_dispatch_to_the_store);
	suite_add_tcase(s, tc);

	tc = tcase_create("memory");
	tcase_add_test(tc, test_memory_store_save_does_nothing_and_succeeds);
	tcase_add_test(tc, test_memory_store_fails_only_a_term_of_wrong_shape_or_size);
	tcase_add_test(tc, test_memory_store_of_a_table_owns_it);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	log_to_fn(capture, NULL);
	return ck_run(newterms_suite());
}
