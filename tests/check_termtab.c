/* check_termtab.c - the new-terms table, in memory only: window semantics,
 * eviction, expiry, key encoding, loading, walking and pending sightings,
 * and the walk of a sliced push that the table changes under.
 * No file system is touched. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkrun.h"
#include "termtab.h"
#include "histtest.h"

#define WINDOW 1209600000 /* 14 days, in ms */
#define T0 ((int64_t)1700000000000)

static struct tt_table *table(size_t nfields, size_t max_terms)
{
	struct kme_err err = { "" };
	struct tt_table *t = tt_new(nfields, WINDOW, max_terms, &err);

	ck_assert_msg(t != NULL, "%s", err.msg);
	return t;
}

static struct nt_seen touch(struct tt_table *t, struct nt_term term,
			    int64_t when)
{
	struct kme_err err = { "" };
	struct nt_seen seen;

	ck_assert_msg(tt_check_touch(t, &term, when, &seen, &err) == 0, "%s",
		      err.msg);
	return seen;
}

static size_t nterms(const struct tt_table *t)
{
	struct tt_stats st;

	tt_stats(t, &st);
	return st.terms;
}

/* ---- sightings ----------------------------------------------------------- */

START_TEST(test_first_sighting_is_new_and_unknown)
{
	struct tt_table *t = table(2, 10);
	struct nt_seen seen = touch(t, term2("/usr/sbin/lsmod", "/bin/bash"), T0);

	ck_assert(seen.is_new);
	ck_assert(!seen.known);
	ck_assert_uint_eq(seen.count, 0);
	ck_assert_uint_eq(nterms(t), 1);
	tt_free(t);
}
END_TEST

START_TEST(test_repeat_reports_the_state_before_it)
{
	struct tt_table *t = table(2, 10);
	struct nt_term a = term2("/usr/sbin/lsmod", "/bin/bash");
	struct nt_seen seen;

	touch(t, a, T0);
	touch(t, a, T0 + 100);
	seen = touch(t, a, T0 + 500);
	ck_assert(!seen.is_new);
	ck_assert(seen.known);
	ck_assert_int_eq(seen.first_seen, T0);
	ck_assert_int_eq(seen.last_seen, T0 + 100);
	ck_assert_uint_eq(seen.count, 2);
	tt_free(t);
}
END_TEST

/* [t - window, t): the last sighting at T is inside for any t <= T + window,
 * to the unit. */
static const struct {
	int64_t dt;
	bool is_new;
} edges[] = {
	{ 0, false },
	{ 1, false },
	{ WINDOW - 1, false },
	{ WINDOW, false },
	{ WINDOW + 1, true },
	{ WINDOW + 83, true },
	{ -5, false },   /* an earlier event delivered late */
};

START_TEST(test_window_is_half_open_to_the_unit)
{
	struct tt_table *t = table(2, 10);
	struct nt_term a = term2("/usr/sbin/lsmod", "/bin/bash");
	struct nt_seen seen;

	touch(t, a, T0);
	seen = touch(t, a, T0 + edges[_i].dt);
	ck_assert_msg(seen.is_new == edges[_i].is_new,
		      "seen at T, again at T + %lld: is_new %d",
		      (long long)edges[_i].dt, seen.is_new);
	ck_assert_int_eq(seen.last_seen, T0);
	tt_free(t);
}
END_TEST

START_TEST(test_a_new_sighting_refreshes_the_term)
{
	struct tt_table *t = table(2, 10);
	struct nt_term a = term2("/usr/sbin/lsmod", "/bin/bash");

	touch(t, a, T0);
	ck_assert(touch(t, a, T0 + WINDOW + 1).is_new);
	/* That sighting refreshed last_seen. */
	ck_assert(!touch(t, a, T0 + WINDOW + 2).is_new);
	tt_free(t);
}
END_TEST

START_TEST(test_out_of_order_keeps_max_last_and_min_first)
{
	struct tt_table *t = table(2, 10);
	struct nt_term a = term2("/usr/sbin/lsmod", "/bin/bash");
	struct nt_seen seen;

	touch(t, a, T0 + 1000);
	seen = touch(t, a, T0);
	ck_assert(!seen.is_new);
	seen = touch(t, a, T0 + 1001);
	ck_assert_int_eq(seen.last_seen, T0 + 1000);
	ck_assert_int_eq(seen.first_seen, T0);
	ck_assert_uint_eq(seen.count, 2);
	tt_free(t);
}
END_TEST

START_TEST(test_times_near_the_limits_do_not_overflow)
{
	struct tt_table *t = table(1, 10);
	struct nt_term a = { .n = 1, .v = { { "x", 1 } } };

	ck_assert(touch(t, a, INT64_MIN).is_new);
	ck_assert(!touch(t, a, INT64_MIN + 5).is_new);
	ck_assert(touch(t, a, INT64_MAX).is_new);
	ck_assert(!touch(t, a, INT64_MAX).is_new);
	ck_assert_uint_eq(tt_expire(t, INT64_MIN), 0);
	tt_free(t);
}
END_TEST

/* ---- keys ------------------------------------------------------------------ */

START_TEST(test_unknown_and_boundaries_are_distinct_terms)
{
	struct tt_table *t = table(2, 100);
	static const char *const v[][2] = {
		{ "ab", "c" }, { "a", "bc" }, { "abc", NULL }, { NULL, "abc" },
		{ NULL, NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		ck_assert_msg(touch(t, term2(v[i][0], v[i][1]), T0).is_new,
			      "term %zu merged with an earlier one", i);
	ck_assert_uint_eq(nterms(t), sizeof(v) / sizeof(v[0]));
	tt_free(t);
}
END_TEST

/* An empty value is the unknown one (newterms.h): "" and absent are one
 * term, whichever comes first. */
START_TEST(test_an_empty_value_is_the_unknown_value)
{
	struct tt_table *t = table(2, 100);

	ck_assert(touch(t, term2("abc", NULL), T0).is_new);
	ck_assert(touch(t, term2("abc", ""), T0 + 1).known);
	ck_assert(touch(t, term2("", "x"), T0).is_new);
	ck_assert(touch(t, term2(NULL, "x"), T0 + 1).known);
	ck_assert(touch(t, term2("", ""), T0).is_new);
	ck_assert(touch(t, term2(NULL, NULL), T0 + 1).known);
	ck_assert_uint_eq(nterms(t), 3);
	tt_free(t);
}
END_TEST

START_TEST(test_term_of_wrong_shape_or_size_is_an_error_and_new)
{
	struct tt_table *t = table(2, 10);
	struct kme_err err = { "" };
	struct nt_term a = term2("a", "b");
	struct nt_seen seen;
	char *big = malloc(TT_KEY_MAX + 1);

	a.n = 1;
	ck_assert_int_eq(tt_check_touch(t, &a, T0, &seen, &err), -1);
	ck_assert(seen.is_new);
	ck_assert_ptr_nonnull(strstr(err.msg, "store expects 2"));
	ck_assert_ptr_nonnull(big);
	memset(big, 'a', TT_KEY_MAX);
	big[TT_KEY_MAX] = '\0';
	a = term2(big, NULL);
	ck_assert_int_eq(tt_check_touch(t, &a, T0, &seen, &err), -1);
	ck_assert(seen.is_new);
	ck_assert_ptr_nonnull(strstr(err.msg, "term longer than 32768 bytes"));
	/* tag + 3-byte length + NUL + absent tag: 6 bytes of framing. */
	big[TT_KEY_MAX - 6] = '\0';
	a = term2(big, NULL);
	ck_assert_int_eq(tt_check_touch(t, &a, T0, &seen, &err), 0);
	ck_assert_uint_eq(nterms(t), 1);
	free(big);
	tt_free(t);
}
END_TEST

START_TEST(test_walk_decodes_binary_values_with_a_terminating_nul)
{
	struct tt_table *t = table(2, 10);
	struct nt_term a = { .n = 2, .v = { { "/a\0b", 4 }, KME_STR_NULL } };
	struct tt_iter it;
	struct tt_item item;

	touch(t, a, T0);
	tt_iter_init(t, &it);
	ck_assert(tt_iter_next(&it, &item));
	ck_assert_uint_eq(item.term.n, 2);
	ck_assert_uint_eq(item.term.v[0].len, 4);
	ck_assert_mem_eq(item.term.v[0].p, "/a\0b", 4);
	ck_assert_int_eq(item.term.v[0].p[4], '\0');
	ck_assert_ptr_null(item.term.v[1].p);
	ck_assert_int_eq(item.first, T0);
	ck_assert_int_eq(item.last, T0);
	ck_assert_uint_eq(item.count, 1);
	ck_assert(!tt_iter_next(&it, &item));
	tt_free(t);
}
END_TEST

/* ---- bounds ---------------------------------------------------------------- */

START_TEST(test_max_terms_evicts_the_least_recently_touched)
{
	struct tt_table *t = table(1, 3);
	struct tt_stats st;
	struct nt_term a = { .n = 1, .v = { { "a", 1 } } };
	struct nt_term b = { .n = 1, .v = { { "b", 1 } } };
	struct nt_term c = { .n = 1, .v = { { "c", 1 } } };
	struct nt_term d = { .n = 1, .v = { { "d", 1 } } };

	touch(t, a, T0);
	touch(t, b, T0 + 1);
	touch(t, c, T0 + 2);
	touch(t, a, T0 + 3);                 /* a is now the youngest */
	touch(t, d, T0 + 4);                 /* evicts b */
	tt_stats(t, &st);
	ck_assert_uint_eq(st.terms, 3);
	ck_assert_uint_eq(st.evicted, 1);
	ck_assert(touch(t, a, T0 + 5).known);
	ck_assert(!touch(t, b, T0 + 6).known); /* evicts c */
	tt_stats(t, &st);
	ck_assert_uint_eq(st.evicted, 2);      /* counted, every one */
	ck_assert(!touch(t, c, T0 + 7).known);
	tt_free(t);
}
END_TEST

START_TEST(test_expire_drops_what_the_window_left_behind)
{
	struct tt_table *t = table(1, 10);
	struct nt_term old = { .n = 1, .v = { { "old", 3 } } };
	struct nt_term edge = { .n = 1, .v = { { "edge", 4 } } };
	struct tt_stats st;

	touch(t, old, T0);
	touch(t, edge, T0 + 1);
	ck_assert_uint_eq(tt_expire(t, T0 + 1 + WINDOW), 1);
	tt_stats(t, &st);
	ck_assert_uint_eq(st.terms, 1);
	ck_assert_uint_eq(st.expired, 1);
	ck_assert_uint_eq(tt_expire(t, INT64_MAX), 1);
	tt_stats(t, &st);
	ck_assert_uint_eq(st.expired, 2);      /* counted across calls */
	tt_free(t);
}
END_TEST

START_TEST(test_bad_arguments_are_refused)
{
	struct kme_err err = { "" };
	struct tt_table *t;

	ck_assert_ptr_null(tt_new(0, WINDOW, 10, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "0 term fields (1 to 4)"));
	ck_assert_ptr_null(tt_new(NT_MAX_FIELDS + 1, WINDOW, 10, &err));
	ck_assert_ptr_null(tt_new(2, -1, 10, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "negative history window"));
	t = tt_new(1, 0, 0, &err);   /* max_terms 0 is taken as 1 */
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(tt_max_terms(t), 1);
	tt_free(t);
}
END_TEST

/* ---- loading --------------------------------------------------------------- */

static void key1(struct kme_buf *k, const char *v)
{
	buf_reset(k);
	ck_assert_int_eq(tt_key_put(k, v, v ? strlen(v) : 0), 0);
}

START_TEST(test_added_terms_keep_their_times_and_order)
{
	struct tt_table *t = table(1, 2);
	struct kme_buf k;
	struct tt_iter it;
	struct tt_item item;
	struct tt_stats st;
	struct nt_seen seen;
	struct nt_term b = { .n = 1, .v = { { "b", 1 } } };

	buf_init(&k, TT_KEY_MAX);
	key1(&k, "a");
	ck_assert_int_eq(tt_add(t, k.p, k.len, T0, T0 + 1, 5), 0);
	key1(&k, "b");
	ck_assert_int_eq(tt_add(t, k.p, k.len, T0, T0 + 2, 6), 0);
	ck_assert_int_eq(tt_add(t, k.p, k.len, T0, T0 + 9, 1), 1); /* dup */
	key1(&k, NULL);
	ck_assert_int_eq(tt_add(t, k.p, k.len, T0, T0 + 3, 7), 0); /* evicts a */
	tt_stats(t, &st);
	ck_assert_uint_eq(st.terms, 2);
	ck_assert_uint_eq(st.evicted, 1);
	ck_assert_int_eq(tt_high_water(t), T0 + 3);
	ck_assert_uint_eq(tt_pending_terms(t), 0);
	tt_iter_init(t, &it);
	ck_assert(tt_iter_next(&it, &item));
	ck_assert_str_eq(item.term.v[0].p, "b");
	ck_assert(tt_iter_next(&it, &item));
	ck_assert_ptr_null(item.term.v[0].p);
	ck_assert(!tt_iter_next(&it, &item));
	seen = touch(t, b, T0 + 4);
	ck_assert_int_eq(seen.first_seen, T0);
	ck_assert_int_eq(seen.last_seen, T0 + 2);
	ck_assert_uint_eq(seen.count, 6);
	buf_free(&k);
	tt_free(t);
}
END_TEST

START_TEST(test_clear_empties_and_forgets_the_high_water)
{
	struct tt_table *t = table(1, 10);
	struct nt_term a = { .n = 1, .v = { { "a", 1 } } };

	ck_assert_int_eq(tt_high_water(t), INT64_MIN);
	touch(t, a, T0);
	ck_assert_int_eq(tt_high_water(t), T0);
	tt_clear(t);
	ck_assert_uint_eq(nterms(t), 0);
	ck_assert_int_eq(tt_high_water(t), INT64_MIN);
	ck_assert(!touch(t, a, T0).known);
	tt_free(t);
}
END_TEST

/* ---- pending sightings (for a backend that pushes them) -------------------- */

START_TEST(test_sightings_are_pending_until_marked_clean)
{
	struct tt_table *t = table(1, 2);
	struct nt_term a = { .n = 1, .v = { { "a", 1 } } };
	struct nt_term b = { .n = 1, .v = { { "b", 1 } } };
	struct nt_term c = { .n = 1, .v = { { "c", 1 } } };
	struct tt_iter it;
	struct tt_item item;

	touch(t, a, T0);
	touch(t, a, T0 + 1);
	touch(t, b, T0 + 2);
	ck_assert_uint_eq(tt_pending_terms(t), 2);
	tt_iter_init(t, &it);
	ck_assert(tt_iter_next(&it, &item));
	ck_assert_uint_eq(item.pending, 2);
	ck_assert_uint_eq(item.count, 2);
	tt_mark_clean(t);
	ck_assert_uint_eq(tt_pending_terms(t), 0);
	touch(t, b, T0 + 3);
	ck_assert_uint_eq(tt_pending_terms(t), 1);
	touch(t, c, T0 + 4);                 /* evicts a (clean) */
	ck_assert_uint_eq(tt_pending_terms(t), 2);
	touch(t, a, T0 + 5);                 /* evicts b (pending) */
	ck_assert_uint_eq(tt_pending_terms(t), 2);
	tt_free(t);
}
END_TEST

/* ---- the walk of a sliced push ---------------------------------------------- */

/* The next term of the walk: its first value ("" at the end), and the
 * pending sightings it took into *pending. */
static const char *walk_next(struct tt_table *t, uint32_t *pending)
{
	static char v[64];
	struct tt_item item;

	if (!tt_walk_next(t, &item))
		return "";
	snprintf(v, sizeof(v), "%.*s", (int)item.term.v[0].len,
		 item.term.v[0].p);
	*pending = item.pending;
	return v;
}

static struct nt_term term1(const char *v)
{
	return (struct nt_term){ .n = 1, .v = { { v, strlen(v) } } };
}

START_TEST(test_the_walk_takes_pending_sightings_oldest_first)
{
	struct tt_table *t = table(1, 10);
	uint32_t p;

	touch(t, term1("a"), T0);
	touch(t, term1("b"), T0 + 1);
	touch(t, term1("a"), T0 + 2);       /* order: b, a */
	tt_walk_start(t);
	ck_assert_str_eq(walk_next(t, &p), "b");
	ck_assert_uint_eq(p, 1);
	ck_assert_str_eq(walk_next(t, &p), "a");
	ck_assert_uint_eq(p, 2);
	ck_assert_uint_eq(tt_pending_terms(t), 0);   /* taken */
	ck_assert_str_eq(walk_next(t, &p), "");
	ck_assert_uint_eq(nterms(t), 2);             /* kept */
	tt_walk_stop(t);
	tt_free(t);
}
END_TEST

/* Between steps the table changes: a term touched or added after the
 * walk passed it is visited again (at the young end); a term dropped
 * first is not; the walk's own place may be dropped or moved. */
START_TEST(test_the_walk_survives_touches_evictions_and_expiry)
{
	struct tt_table *t = table(1, 4);
	uint32_t p;

	touch(t, term1("a"), T0);
	touch(t, term1("b"), T0 + 1);
	touch(t, term1("c"), T0 + 2);
	tt_walk_start(t);
	ck_assert_str_eq(walk_next(t, &p), "a");
	touch(t, term1("a"), T0 + 3);       /* passed: again, at the end */
	touch(t, term1("b"), T0 + 4);       /* the walk's place moves on */
	ck_assert_str_eq(walk_next(t, &p), "c");
	ck_assert_str_eq(walk_next(t, &p), "a");
	ck_assert_uint_eq(p, 1);            /* the sighting since */
	ck_assert_str_eq(walk_next(t, &p), "b");
	ck_assert_uint_eq(p, 2);
	ck_assert_str_eq(walk_next(t, &p), "");
	/* At the end, a new term is still visited. */
	touch(t, term1("d"), T0 + 5);
	ck_assert_str_eq(walk_next(t, &p), "d");
	/* A term evicted before its visit is not (max_terms 4: "c" goes,
	 * the oldest, when "e" comes). */
	touch(t, term1("a"), T0 + 6);
	touch(t, term1("b"), T0 + 7);
	touch(t, term1("d"), T0 + 8);
	tt_walk_start(t);                    /* order: c, a, b, d */
	touch(t, term1("e"), T0 + 9);       /* evicts c, the walk's place */
	ck_assert_str_eq(walk_next(t, &p), "a");
	/* Expiry drops the walk's place too. */
	ck_assert_uint_eq(tt_expire(t, T0 + 7 + WINDOW + 1), 2);  /* a, b */
	ck_assert_str_eq(walk_next(t, &p), "d");
	ck_assert_str_eq(walk_next(t, &p), "e");
	ck_assert_str_eq(walk_next(t, &p), "");
	tt_clear(t);
	touch(t, term1("f"), T0 + 10);
	ck_assert_str_eq(walk_next(t, &p), "f");
	tt_walk_stop(t);
	touch(t, term1("g"), T0 + 11);
	ck_assert_str_eq(walk_next(t, &p), "");   /* stopped */
	tt_free(t);
}
END_TEST

START_TEST(test_restored_sightings_are_pending_again)
{
	struct tt_table *t = table(1, 2);
	struct tt_item item;
	char key[64];
	size_t keylen;

	touch(t, term1("a"), T0);
	touch(t, term1("a"), T0 + 1);
	tt_walk_start(t);
	ck_assert(tt_walk_next(t, &item));
	ck_assert_uint_eq(item.pending, 2);
	memcpy(key, item.key, item.keylen);
	keylen = item.keylen;
	touch(t, term1("a"), T0 + 2);       /* one more meanwhile */
	ck_assert(tt_restore_pending(t, key, keylen, 2));
	ck_assert_uint_eq(tt_pending_terms(t), 1);
	ck_assert(tt_walk_next(t, &item));  /* visited again: touched */
	ck_assert_uint_eq(item.pending, 3);
	ck_assert(tt_restore_pending(t, key, keylen, 3));
	touch(t, term1("b"), T0 + 3);
	touch(t, term1("c"), T0 + 4);       /* evicts a */
	ck_assert(!tt_restore_pending(t, key, keylen, 3));
	ck_assert_uint_eq(tt_pending_terms(t), 2);
	tt_free(t);
}
END_TEST

/* A table split off, then emptied a slice at a time; the first one goes
 * on, empty, with its counters. */
START_TEST(test_a_split_table_is_shed_in_slices)
{
	struct tt_table *t = table(1, 3), *old;
	struct nt_seen seen;
	struct tt_stats st;

	touch(t, term1("a"), T0);
	touch(t, term1("b"), T0 + 1);
	touch(t, term1("c"), T0 + 2);
	touch(t, term1("d"), T0 + 3);       /* evicts a */
	old = tt_split(t);
	ck_assert_ptr_nonnull(old);
	ck_assert_uint_eq(nterms(t), 0);
	ck_assert_uint_eq(tt_pending_terms(t), 0);
	tt_stats(t, &st);
	ck_assert_uint_eq(st.evicted, 1);            /* kept */
	ck_assert_uint_eq(nterms(old), 3);
	seen = touch(old, term1("b"), T0 + 4);      /* the same hashing */
	ck_assert(seen.known);
	seen = touch(t, term1("b"), T0 + 4);
	ck_assert(!seen.known && seen.is_new);
	ck_assert_uint_eq(tt_shed(old, 2), 1);      /* c, d go; b is left */
	ck_assert(touch(old, term1("b"), T0 + 5).known);
	tt_stats(old, &st);
	ck_assert_uint_eq(st.evicted, 0);
	ck_assert_uint_eq(tt_shed(old, 10), 0);
	tt_free(old);
	tt_free(t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("termtab");
	TCase *tc = tcase_create("sightings");

	tcase_add_test(tc, test_first_sighting_is_new_and_unknown);
	tcase_add_test(tc, test_repeat_reports_the_state_before_it);
	tcase_add_loop_test(tc, test_window_is_half_open_to_the_unit, 0,
			    (int)(sizeof(edges) / sizeof(edges[0])));
	tcase_add_test(tc, test_a_new_sighting_refreshes_the_term);
	tcase_add_test(tc, test_out_of_order_keeps_max_last_and_min_first);
	tcase_add_test(tc, test_times_near_the_limits_do_not_overflow);
	suite_add_tcase(s, tc);
	tc = tcase_create("keys");
	tcase_add_test(tc, test_unknown_and_boundaries_are_distinct_terms);
	tcase_add_test(tc, test_an_empty_value_is_the_unknown_value);
	tcase_add_test(tc, test_term_of_wrong_shape_or_size_is_an_error_and_new);
	tcase_add_test(tc, test_walk_decodes_binary_values_with_a_terminating_nul);
	suite_add_tcase(s, tc);
	tc = tcase_create("bounds");
	tcase_add_test(tc, test_max_terms_evicts_the_least_recently_touched);
	tcase_add_test(tc, test_expire_drops_what_the_window_left_behind);
	tcase_add_test(tc, test_bad_arguments_are_refused);
	suite_add_tcase(s, tc);
	tc = tcase_create("loading");
	tcase_add_test(tc, test_added_terms_keep_their_times_and_order);
	tcase_add_test(tc, test_clear_empties_and_forgets_the_high_water);
	tcase_add_test(tc, test_sightings_are_pending_until_marked_clean);
	suite_add_tcase(s, tc);
	tc = tcase_create("walk");
	tcase_add_test(tc, test_the_walk_takes_pending_sightings_oldest_first);
	tcase_add_test(tc, test_the_walk_survives_touches_evictions_and_expiry);
	tcase_add_test(tc, test_restored_sightings_are_pending_again);
	tcase_add_test(tc, test_a_split_table_is_shed_in_slices);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
