/* check_ruleset.c - the rules one engine runs: each with its own history
 * and alert counter, kept by name across a reload. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "cfgtest.h"
#include "checkrun.h"
#include "ruleset.h"

#define ADDED(name, key) \
	"rule = " name "\nrule_type = file_open\nrule_id = " name "\n" \
	"rule_name = n\nrule_version = 1\nrule_description = d\n" \
	"rule_reference = x\nstate_file = /tmp/kme-" name ".json\n" \
	"file_watch = /proc/modules " key "\nmax_alerts = 3\n"

static struct rl_set set;

START_TEST(test_every_rule_of_a_configuration_with_the_keys_it_watches)
{
	struct kme_config *cfg = parse_ok("match = lsmod\n" ADDED("a", "k1")
					  ADDED("b", "k1") "file_watch = /sys/module k2\n");
	char pre[64];

	memset(&set, 0, sizeof(set));
	rl_init(&set, cfg);
	ck_assert_uint_eq(set.n, 3);
	ck_assert_uint_eq(set.nfile, 2);
	ck_assert_uint_eq(set.nkeys, 2);   /* k1 once */
	ck_assert_str_eq(set.keys[0], "k1");
	ck_assert_str_eq(set.keys[1], "k2");
	ck_assert_str_eq(rl_prefix(&set.r[0], pre, sizeof(pre)), "");
	ck_assert_str_eq(rl_prefix(&set.r[2], pre, sizeof(pre)), "rule b: ");
	ck_assert_uint_eq(set.r[1].lim.max, 3);
	rl_free(&set);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_a_rule_without_a_history_keeps_one_in_memory)
{
	struct kme_config *cfg = parse_ok("match = lsmod\n" ADDED("a", "k1"));
	struct kme_err err;
	struct nt_store *st;
	struct nt_stats sum;

	memset(&set, 0, sizeof(set));
	rl_init(&set, cfg);
	ck_assert_ptr_null(set.r[1].store);
	st = rl_store(&set.r[1], &err);
	ck_assert_ptr_nonnull(st);
	ck_assert_ptr_eq(rl_store(&set.r[1], &err), st); /* made once */
	rl_stats(&set, &sum);
	ck_assert_uint_eq(sum.terms, 0);
	rl_free(&set);
	ck_assert_ptr_null(set.r[1].store);
	cfg_free(cfg);
}
END_TEST

START_TEST(test_a_reload_keeps_each_rules_history_by_its_name)
{
	struct kme_config *c1 = parse_ok("match = lsmod\n" ADDED("a", "k1") ADDED("b", "k2"));
	struct kme_config *c2 = parse_ok("match = lsmod\n" ADDED("b", "k2") ADDED("c", "k3"));
	struct nt_store *s0, *sb, *mine;
	struct kme_err err;

	memset(&set, 0, sizeof(set));
	rl_init(&set, c1);
	s0 = nt_store_memory_open(c1, &err);
	sb = nt_store_memory_open(c1->rules[1], &err);
	rl_set_store(&set, 0, s0, NULL);
	rl_set_store(&set, 2, sb, NULL);
	mine = rl_store(&set.r[1], &err);    /* a: one in memory, made here */
	ck_assert_ptr_nonnull(mine);
	rl_init(&set, c2);                    /* b moves from 2 to 1; a goes */
	ck_assert_ptr_eq(set.r[0].store, s0);
	ck_assert_ptr_eq(set.r[1].store, sb);
	ck_assert_ptr_null(set.r[2].store);   /* c: new, none yet */
	rl_set_store(&set, 9, s0, NULL);      /* out of range: ignored */
	rl_free(&set);
	nt_destroy(s0);
	nt_destroy(sb);
	cfg_free(c1);
	cfg_free(c2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ruleset");
	TCase *tc = tcase_create("rules");

	tcase_add_test(tc, test_every_rule_of_a_configuration_with_the_keys_it_watches);
	tcase_add_test(tc, test_a_rule_without_a_history_keeps_one_in_memory);
	tcase_add_test(tc, test_a_reload_keeps_each_rules_history_by_its_name);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
