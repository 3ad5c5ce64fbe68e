/* check_hosttab.c - node names to host references, bounded. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkrun.h"
#include "hosttab.h"

static struct kme_str S(const char *s)
{
	return (struct kme_str){ s, strlen(s) };
}

static struct ht_table *table(size_t max, const char *local)
{
	struct kme_err err = { "" };
	struct ht_table *t = ht_new(max, local, &err);

	ck_assert_msg(t != NULL, "ht_new: %s", err.msg);
	return t;
}

START_TEST(test_records_without_node_and_with_the_local_name_are_the_local_host)
{
	struct ht_table *t = table(4, "aggr");
	struct ht_ref a, b;

	ck_assert(ht_ref(t, KME_STR_NULL, &a));
	ck_assert(ht_ref(t, S("aggr"), &b));
	ck_assert_uint_eq(a.slot, HT_LOCAL);
	ck_assert_uint_eq(b.slot, HT_LOCAL);
	ck_assert_uint_eq(a.gen, b.gen);
	ck_assert(ht_get(t, a) != NULL);
	ht_free(t);
}
END_TEST

START_TEST(test_a_name_is_one_host_and_two_names_are_two)
{
	struct ht_table *t = table(4, NULL);
	struct ht_ref a1, a2, b;
	struct ht_stats st;

	ck_assert(ht_ref(t, S("a"), &a1));
	ck_assert(ht_ref(t, S("b"), &b));
	ck_assert(ht_ref(t, S("a"), &a2));
	ck_assert_uint_eq(a1.slot, a2.slot);
	ck_assert_uint_eq(a1.gen, a2.gen);
	ck_assert_uint_ne(a1.slot, b.slot);
	ck_assert_uint_ne(a1.slot, HT_LOCAL);
	/* A name that merely starts like another is another host. */
	ck_assert(ht_ref(t, S("ab"), &b));
	ck_assert_uint_ne(a1.slot, b.slot);
	ht_stats(t, &st);
	ck_assert_uint_eq(st.hosts, 3);
	ht_free(t);
}
END_TEST

START_TEST(test_beyond_the_cap_the_least_recent_host_is_evicted_and_its_reference_dies)
{
	struct ht_table *t = table(2, NULL);
	struct ht_ref a, b, c, a2;
	struct ht_stats st;

	ck_assert(ht_ref(t, S("a"), &a));
	ck_assert(ht_ref(t, S("b"), &b));
	ck_assert(ht_ref(t, S("b"), &b));   /* a is now the least recent */
	ck_assert(ht_ref(t, S("c"), &c));   /* evicts a, takes its slot */
	ht_stats(t, &st);
	ck_assert_uint_eq(st.evicted, 1);
	ck_assert_uint_eq(st.hosts, 2);
	ck_assert(ht_get(t, a) == NULL);
	ck_assert(ht_get(t, b) != NULL);
	ck_assert(ht_get(t, c) != NULL);
	ck_assert_uint_eq(c.slot, a.slot);
	ck_assert_uint_ne(c.gen, a.gen);
	/* a comes back as a new host: nothing of the old one matches. */
	ck_assert(ht_ref(t, S("a"), &a2));
	ck_assert_uint_ne(a2.gen, a.gen);
	ht_free(t);
}
END_TEST

START_TEST(test_the_local_host_is_never_evicted)
{
	struct ht_table *t = table(1, NULL);
	struct ht_ref l, r;
	char name[16];
	int i;

	ck_assert(ht_ref(t, KME_STR_NULL, &l));
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "h%d", i);
		ck_assert(ht_ref(t, S(name), &r));
		ck_assert_uint_ne(r.slot, HT_LOCAL);
	}
	ck_assert(ht_get(t, l) != NULL);
	ht_free(t);
}
END_TEST

START_TEST(test_name_longer_than_the_bound_gets_no_reference_and_is_counted)
{
	struct ht_table *t = table(4, NULL);
	char name[HT_NAME_MAX + 2];
	struct ht_stats st;
	struct ht_ref r;

	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	ck_assert(!ht_ref(t, S(name), &r));
	name[HT_NAME_MAX] = '\0';           /* exactly the bound: a host */
	ck_assert(ht_ref(t, S(name), &r));
	ht_stats(t, &st);
	ck_assert_uint_eq(st.unscoped, 1);
	ck_assert_uint_eq(st.hosts, 1);
	ht_free(t);
}
END_TEST

START_TEST(test_names_with_any_bytes_are_compared_by_length)
{
	struct ht_table *t = table(4, NULL);
	struct ht_ref a, b;

	ck_assert(ht_ref(t, (struct kme_str){ "a\0b", 3 }, &a));
	ck_assert(ht_ref(t, (struct kme_str){ "a\0c", 3 }, &b));
	ck_assert_uint_ne(a.slot, b.slot);
	ht_free(t);
}
END_TEST

START_TEST(test_a_run_of_one_host_then_another_name_is_never_confused)
{
	struct ht_table *t = table(4, NULL);
	struct ht_ref a, a2, ab, b;

	/* The last host named is compared first: a name that extends it, or
	 * that it extends, is still another host. */
	ck_assert(ht_ref(t, S("a"), &a));
	ck_assert(ht_ref(t, S("a"), &a2));
	ck_assert(ht_ref(t, S("ab"), &ab));
	ck_assert(ht_ref(t, S("a"), &b));
	ck_assert_uint_eq(a.slot, a2.slot);
	ck_assert_uint_eq(a.slot, b.slot);
	ck_assert_uint_ne(a.slot, ab.slot);
	ck_assert(ht_ref(t, KME_STR_NULL, &b));
	ck_assert_uint_eq(b.slot, HT_LOCAL);
	ht_free(t);
}
END_TEST

/* Names are compared by their first 8 bytes, then the rest: names that
 * share the first word, or differ only past it, are other hosts, whether
 * found among the most recent hosts or through the hash. */
START_TEST(test_names_sharing_their_first_8_bytes_are_other_hosts)
{
	static const char *const names[] = {
		"node0001", "node00011", "node00012", "node0001a.example.org",
		"node0001b.example.org", "node000", "node0001\0",
	};
	struct ht_table *t = table(16, NULL);
	struct ht_ref r[7], again, found;
	char filler[16];
	size_t i, j, n = sizeof(names) / sizeof(names[0]);

	for (i = 0; i < n; i++)
		ck_assert(ht_ref(t, (struct kme_str){ names[i], strlen(names[i]) +
							      (i == n - 1) }, &r[i]));
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			ck_assert_uint_ne(r[i].slot, r[j].slot);
	/* Recent and not recent (8 other hosts named since): the same slot. */
	for (j = 0; j < 2; j++) {
		for (i = 0; i < n; i++) {
			struct kme_str s = { names[i], strlen(names[i]) + (i == n - 1) };

			ck_assert(ht_find(t, s, &found));
			ck_assert(ht_ref(t, s, &again));
			ck_assert_uint_eq(again.slot, r[i].slot);
			ck_assert_uint_eq(found.slot, r[i].slot);
		}
		for (i = 0; i < 8; i++) {
			snprintf(filler, sizeof(filler), "f%zu", i);
			ck_assert(ht_ref(t, S(filler), &again));
		}
	}
	ht_free(t);
}
END_TEST

/* A host found among the most recent ones becomes the most recent, exactly
 * as one found through the hash: eviction order does not depend on how a
 * name was found. */
START_TEST(test_a_host_named_again_is_the_last_evicted_however_it_is_found)
{
	struct ht_table *t = table(3, NULL);
	struct ht_ref a, b, c, d, x;

	ck_assert(ht_ref(t, S("a"), &a));
	ck_assert(ht_ref(t, S("b"), &b));
	ck_assert(ht_ref(t, S("c"), &c));
	ck_assert(ht_ref(t, S("a"), &x));   /* among the recent: a to the head */
	ck_assert(ht_ref(t, S("d"), &d));   /* evicts b, the least recent */
	ck_assert(ht_get(t, b) == NULL);
	ck_assert(ht_get(t, a) != NULL);
	ck_assert(ht_get(t, c) != NULL);
	ht_free(t);
}
END_TEST

START_TEST(test_stale_or_out_of_range_reference_is_refused)
{
	struct ht_table *t = table(4, NULL);

	ck_assert(ht_get(t, (struct ht_ref){ 3, 1 }) == NULL);
	ck_assert(ht_get(t, (struct ht_ref){ 99999, 1 }) == NULL);
	ck_assert(ht_get(t, (struct ht_ref){ HT_LOCAL, 77 }) == NULL);
	ht_free(t);
}
END_TEST

START_TEST(test_cap_of_zero_is_the_default_bound)
{
	struct ht_table *t = table(0, "");
	struct ht_ref r;

	ck_assert(ht_ref(t, S("x"), &r));
	ck_assert(!ht_is_local(t, S("")));  /* "" is no local name */
	ck_assert(ht_is_local(t, KME_STR_NULL));
	ht_free(t);
	ht_free(NULL);
}
END_TEST

static Suite *hosttab_suite(void)
{
	Suite *s = suite_create("hosttab");
	TCase *tc = tcase_create("hosts");

	tcase_add_test(tc, test_records_without_node_and_with_the_local_name_are_the_local_host);
	tcase_add_test(tc, test_a_name_is_one_host_and_two_names_are_two);
	tcase_add_test(tc, test_beyond_the_cap_the_least_recent_host_is_evicted_and_its_reference_dies);
	tcase_add_test(tc, test_the_local_host_is_never_evicted);
	tcase_add_test(tc, test_name_longer_than_the_bound_gets_no_reference_and_is_counted);
	tcase_add_test(tc, test_names_with_any_bytes_are_compared_by_length);
	tcase_add_test(tc, test_a_run_of_one_host_then_another_name_is_never_confused);
	tcase_add_test(tc, test_names_sharing_their_first_8_bytes_are_other_hosts);
	tcase_add_test(tc, test_a_host_named_again_is_the_last_evicted_however_it_is_found);
	tcase_add_test(tc, test_stale_or_out_of_range_reference_is_refused);
	tcase_add_test(tc, test_cap_of_zero_is_the_default_bound);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run(hosttab_suite());
}
