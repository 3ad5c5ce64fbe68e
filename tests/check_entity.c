/* check_entity.c - process.entity_id (entity.h): the documented derivation,
 * recomputed with sha256sum(1) (the expected ids below are the output of
 * the printf | sha256sum | cut pipeline entity.h gives), and what makes two
 * ids differ or agree. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "checkrun.h"
#include "entity.h"

#define HOST(s) ((struct kme_str){ s, sizeof(s) - 1 })

static struct kme_start audit_start(int64_t ms, uint64_t serial)
{
	return (struct kme_start){ .kind = KME_START_AUDIT, .ms = ms,
				   .ref = serial };
}

static const char boot[] = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

/* printf 'audisp-kmod-enum/entity/1\0golden-host\0%s\0%s' 21850 \
 *     audit:1795729587.589:2071 | sha256sum | cut -c1-32 */
START_TEST(test_audit_id_is_the_documented_sha256)
{
	struct kme_start st = audit_start(1795729587589LL, 2071);
	char id[ENT_ID_SIZE], tok[ENT_TOKEN_SIZE];

	ck_assert(ent_token(&st, tok));
	ck_assert_str_eq(tok, "audit:1795729587.589:2071");
	ck_assert(ent_id(HOST("golden-host"), 21850, &st, id));
	ck_assert_str_eq(id, "db31aa6e92cb13a31ebcf662d78b567f");
}
END_TEST

/* printf 'audisp-kmod-enum/entity/1\0h\0%s\0%s' 42 \
 *     procfs:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0:123456 | sha256sum | cut -c1-32 */
START_TEST(test_procfs_id_is_the_documented_sha256)
{
	struct kme_start st = { .kind = KME_START_PROCFS, .ms = 1, .ref = 123456,
				.boot = boot };
	char id[ENT_ID_SIZE], tok[ENT_TOKEN_SIZE];

	ck_assert(ent_token(&st, tok));
	ck_assert_str_eq(tok, "procfs:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0:123456");
	ck_assert(ent_id(HOST("h"), 42, &st, id));
	ck_assert_str_eq(id, "1c18504d5c0a9200013e9ff5b95b2460");
}
END_TEST

START_TEST(test_any_input_changes_the_id)
{
	struct kme_start st = audit_start(1795729587589LL, 2071);
	struct kme_start later = audit_start(1795729587590LL, 2071);
	struct kme_start reserial = audit_start(1795729587589LL, 2072);
	char a[ENT_ID_SIZE], b[ENT_ID_SIZE];

	ck_assert(ent_id(HOST("host-a"), 100, &st, a));
	ck_assert(ent_id(HOST("host-b"), 100, &st, b));
	ck_assert_str_ne(a, b);                      /* another host */
	ck_assert(ent_id(HOST("host-a"), 101, &st, b));
	ck_assert_str_ne(a, b);                      /* another pid */
	ck_assert(ent_id(HOST("host-a"), 100, &later, b));
	ck_assert_str_ne(a, b);                      /* a reused pid: another start */
	ck_assert(ent_id(HOST("host-a"), 100, &reserial, b));
	ck_assert_str_ne(a, b);                      /* another boot's serial */
	ck_assert(ent_id(HOST("host-a"), 100, &st, b));
	ck_assert_str_eq(a, b);                      /* the same records again */
}
END_TEST

/* Field boundaries are NULs: host "a" pid 11 is not host "a1" pid 1. */
START_TEST(test_fields_cannot_run_into_each_other)
{
	struct kme_start st = audit_start(1000, 1);
	char a[ENT_ID_SIZE], b[ENT_ID_SIZE];

	ck_assert(ent_id(HOST("a"), 11, &st, a));
	ck_assert(ent_id(HOST("a1"), 1, &st, b));
	ck_assert_str_ne(a, b);
}
END_TEST

START_TEST(test_unknown_start_has_no_id)
{
	struct kme_start none = { 0 };
	struct kme_start noboot = { .kind = KME_START_PROCFS, .ref = 5 };
	struct kme_start st = audit_start(1000, 1);
	char id[ENT_ID_SIZE];

	ck_assert(!ent_id(HOST("h"), 1, &none, id));
	ck_assert_str_eq(id, "");
	ck_assert(!ent_id(HOST("h"), 1, &noboot, id));
	ck_assert(!ent_id(KME_STR_NULL, 1, &st, id));
	ck_assert(!ent_id(HOST("h"), -1, &st, id));
}
END_TEST

/* A time before 1970 (a hostile record) names its second as event.id does:
 * audit(-5.123:7) is -4877 ms. */
START_TEST(test_token_of_a_negative_time)
{
	struct kme_start st = audit_start(-4877, 7);
	char tok[ENT_TOKEN_SIZE];

	ck_assert(ent_token(&st, tok));
	ck_assert_str_eq(tok, "audit:-5.123:7");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("entity");
	TCase *tc = tcase_create("entity");

	tcase_add_test(tc, test_audit_id_is_the_documented_sha256);
	tcase_add_test(tc, test_procfs_id_is_the_documented_sha256);
	tcase_add_test(tc, test_any_input_changes_the_id);
	tcase_add_test(tc, test_fields_cannot_run_into_each_other);
	tcase_add_test(tc, test_unknown_start_has_no_id);
	tcase_add_test(tc, test_token_of_a_negative_time);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
