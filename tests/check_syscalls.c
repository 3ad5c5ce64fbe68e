/* check_syscalls.c - which syscalls matter, per audit arch. */
#include <check.h>
#include <stdlib.h>

#include "checkrun.h"
#include "syscalls.h"

#define X86_64 0xc000003eUL
#define I386 0x40000003UL
#define AARCH64 0xc00000b7UL

static struct sc_cache C;

START_TEST(test_x86_64_exec_and_process_creation_are_classified)
{
	ck_assert_int_eq(sc_classify(&C, X86_64, 59), SC_EXEC);
	ck_assert_int_eq(sc_classify(&C, X86_64, 322), SC_EXECAT);
	ck_assert_int_eq(sc_classify(&C, X86_64, 56), SC_CLONE);
	ck_assert_int_eq(sc_classify(&C, X86_64, 57), SC_FORK);
	ck_assert_int_eq(sc_classify(&C, X86_64, 58), SC_FORK);
	ck_assert_int_eq(sc_classify(&C, X86_64, 435), SC_FORK);
}
END_TEST

START_TEST(test_other_syscalls_do_not_matter)
{
	ck_assert_int_eq(sc_classify(&C, X86_64, 42), SC_OTHER);  /* connect */
	ck_assert_int_eq(sc_classify(&C, X86_64, 85), SC_OTHER);  /* creat */
	ck_assert(!sc_matters(SC_OTHER));
	ck_assert(sc_matters(SC_EXEC) && sc_matters(SC_FORK));
}
END_TEST

START_TEST(test_opens_are_their_own_class_and_not_every_one_matters)
{
	ck_assert_int_eq(sc_classify(&C, X86_64, 2), SC_OPEN);    /* open */
	ck_assert_int_eq(sc_classify(&C, X86_64, 257), SC_OPENAT); /* openat */
	ck_assert_int_eq(sc_classify(&C, X86_64, 437), SC_OPENAT); /* openat2 */
	ck_assert_int_eq(sc_classify(&C, I386, 5), SC_OPEN);       /* open */
	ck_assert_int_eq(sc_classify(&C, I386, 295), SC_OPENAT);   /* openat */
	ck_assert(!sc_matters(SC_OPEN) && !sc_matters(SC_OPENAT));
	ck_assert(sc_is_open(SC_OPEN) && sc_is_open(SC_OPENAT));
	ck_assert(!sc_is_open(SC_EXEC) && !sc_is_open(SC_OTHER));
}
END_TEST

START_TEST(test_numbering_follows_the_arch)
{
	ck_assert_int_eq(sc_classify(&C, I386, 11), SC_EXEC);
	ck_assert_int_eq(sc_classify(&C, I386, 59), SC_OTHER); /* oldolduname */
	ck_assert_int_eq(sc_classify(&C, AARCH64, 221), SC_EXEC);
	ck_assert_int_eq(sc_classify(&C, X86_64, 59), SC_EXEC); /* cache kept */
}
END_TEST

START_TEST(test_hostile_numbers_and_arches_are_other)
{
	ck_assert_int_eq(sc_classify(&C, X86_64, -1), SC_OTHER);
	ck_assert_int_eq(sc_classify(&C, X86_64, 1L << 40), SC_OTHER);
	ck_assert_int_eq(sc_classify(&C, 0x12345678UL, 59), SC_OTHER);
}
END_TEST

START_TEST(test_at_fdcwd_is_recognised_in_both_widths)
{
	ck_assert(sc_is_at_fdcwd("ffffff9c"));           /* a 32-bit process */
	ck_assert(sc_is_at_fdcwd("ffffffffffffff9c"));   /* sign-extended */
	ck_assert(!sc_is_at_fdcwd("3"));
	ck_assert(!sc_is_at_fdcwd("1ffffff9c"));
	ck_assert(!sc_is_at_fdcwd("ffffff9c "));
	ck_assert(!sc_is_at_fdcwd(""));
	ck_assert(!sc_is_at_fdcwd(NULL));
}
END_TEST

START_TEST(test_many_arches_recycle_the_cache)
{
	unsigned long a;

	for (a = 0; a < 20; a++)
		sc_classify(&C, 0x1000 + a, 1);
	ck_assert_uint_le(C.n, SC_CACHE_ARCHES);
	ck_assert_int_eq(sc_classify(&C, X86_64, 59), SC_EXEC);
}
END_TEST

static void setup(void)
{
	C = (struct sc_cache){ .n = 0 };
}

int main(void)
{
	Suite *s = suite_create("syscalls");
	TCase *tc = tcase_create("classes");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_x86_64_exec_and_process_creation_are_classified);
	tcase_add_test(tc, test_other_syscalls_do_not_matter);
	tcase_add_test(tc, test_opens_are_their_own_class_and_not_every_one_matters);
	tcase_add_test(tc, test_numbering_follows_the_arch);
	tcase_add_test(tc, test_hostile_numbers_and_arches_are_other);
	tcase_add_test(tc, test_many_arches_recycle_the_cache);
	tcase_add_test(tc, test_at_fdcwd_is_recognised_in_both_widths);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
