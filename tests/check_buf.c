/* check_buf.c - the bounded byte buffer: its bound, its flag, its memory. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "checkrun.h"

START_TEST(test_init_is_empty_and_allocates_nothing)
{
	struct kme_buf b;

	buf_init(&b, 16);
	ck_assert_ptr_null(b.p);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.cap, 0);
	ck_assert_uint_eq(b.limit, 16);
	ck_assert(!b.overflow);
	buf_free(&b);
}
END_TEST

START_TEST(test_limit_zero_means_half_of_size_max)
{
	struct kme_buf b;

	buf_init(&b, 0);
	ck_assert_uint_eq(b.limit, SIZE_MAX / 2);
	buf_free(&b);
}
END_TEST

START_TEST(test_append_keeps_bytes_and_nul_terminates)
{
	struct kme_buf b;
	static const char bin[] = { 'a', '\0', 'b', '\xff' };

	buf_init(&b, 64);
	ck_assert_int_eq(buf_append(&b, bin, sizeof(bin)), 0);
	ck_assert_uint_eq(b.len, sizeof(bin));
	ck_assert_mem_eq(b.p, bin, sizeof(bin));
	ck_assert_int_eq(b.p[b.len], '\0');
	ck_assert_int_eq(buf_putc(&b, 'z'), 0);
	ck_assert_int_eq(buf_puts(&b, "yx"), 0);
	ck_assert_uint_eq(b.len, sizeof(bin) + 3);
	ck_assert_mem_eq(b.p + sizeof(bin), "zyx", 4);
	buf_free(&b);
}
END_TEST

START_TEST(test_append_up_to_the_limit_exactly_is_accepted)
{
	struct kme_buf b;

	buf_init(&b, 8);
	ck_assert_int_eq(buf_puts(&b, "12345678"), 0);
	ck_assert_uint_eq(b.len, 8);
	ck_assert(!b.overflow);
	ck_assert_str_eq(b.p, "12345678");
	buf_free(&b);
}
END_TEST

START_TEST(test_append_past_limit_is_refused_content_unchanged)
{
	struct kme_buf b;

	buf_init(&b, 8);
	ck_assert_int_eq(buf_puts(&b, "12345"), 0);
	ck_assert_int_eq(buf_puts(&b, "6789"), -1);
	ck_assert(b.overflow);
	ck_assert_uint_eq(b.len, 5);
	ck_assert_str_eq(b.p, "12345");
	/* A smaller append that fits still goes through after a refusal. */
	ck_assert_int_eq(buf_puts(&b, "678"), 0);
	ck_assert_str_eq(b.p, "12345678");
	ck_assert(b.overflow); /* sticky until reset */
	ck_assert_int_eq(buf_putc(&b, '9'), -1);
	ck_assert_str_eq(b.p, "12345678");
	buf_free(&b);
}
END_TEST

START_TEST(test_reserve_past_limit_fails_and_sets_overflow)
{
	struct kme_buf b;

	buf_init(&b, 100);
	ck_assert_int_eq(buf_reserve(&b, 100), 0);
	ck_assert(!b.overflow);
	ck_assert_int_eq(buf_reserve(&b, 101), -1);
	ck_assert(b.overflow);
	ck_assert_uint_eq(b.len, 0);
	buf_free(&b);
}
END_TEST

START_TEST(test_huge_append_length_is_refused_without_allocating)
{
	struct kme_buf b;

	buf_init(&b, 0);
	ck_assert_int_eq(buf_puts(&b, "x"), 0);
	/* SIZE_MAX would wrap len + n: the bound check must not. */
	ck_assert_int_eq(buf_reserve(&b, SIZE_MAX), -1);
	ck_assert_int_eq(buf_reserve(&b, SIZE_MAX / 2), -1);
	ck_assert(b.overflow);
	ck_assert_uint_eq(b.len, 1);
	ck_assert_str_eq(b.p, "x");
	buf_free(&b);
}
END_TEST

START_TEST(test_printf_short_output)
{
	struct kme_buf b;

	buf_init(&b, 0);
	ck_assert_int_eq(buf_printf(&b, "%s=%d", "pid", 42), 0);
	ck_assert_int_eq(buf_printf(&b, ";%u", 7u), 0);
	ck_assert_str_eq(b.p, "pid=42;7");
	ck_assert_uint_eq(b.len, 8);
	buf_free(&b);
}
END_TEST

START_TEST(test_printf_long_output_is_complete)
{
	struct kme_buf b;
	char *big = malloc(5001);
	size_t i;

	ck_assert_ptr_nonnull(big);
	for (i = 0; i < 5000; i++)
		big[i] = (char)('a' + i % 26);
	big[5000] = '\0';
	buf_init(&b, 0);
	ck_assert_int_eq(buf_puts(&b, "<"), 0);
	ck_assert_int_eq(buf_printf(&b, "%s|%d", big, 12345), 0);
	ck_assert_uint_eq(b.len, 1 + 5000 + 6);
	ck_assert_int_eq(b.p[0], '<');
	ck_assert_mem_eq(b.p + 1, big, 5000);
	ck_assert_str_eq(b.p + 5001, "|12345");
	free(big);
	buf_free(&b);
}
END_TEST

START_TEST(test_printf_past_limit_is_refused_content_unchanged)
{
	struct kme_buf b;
	char big[600];

	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_init(&b, 300);
	ck_assert_int_eq(buf_puts(&b, "keep"), 0);
	/* Long path (> the internal small buffer). */
	ck_assert_int_eq(buf_printf(&b, "%s", big), -1);
	ck_assert(b.overflow);
	ck_assert_str_eq(b.p, "keep");
	ck_assert_uint_eq(b.len, 4);
	buf_free(&b);
	/* Short path (fits the small buffer, not the bound). */
	buf_init(&b, 6);
	ck_assert_int_eq(buf_puts(&b, "keep"), 0);
	ck_assert_int_eq(buf_printf(&b, "%d", 123), -1);
	ck_assert(b.overflow);
	ck_assert_str_eq(b.p, "keep");
	buf_free(&b);
}
END_TEST

START_TEST(test_reset_keeps_memory_and_clears_overflow)
{
	struct kme_buf b;
	char *p;
	size_t cap;

	buf_init(&b, 4096);
	ck_assert_int_eq(buf_reserve(&b, 3000), 0);
	ck_assert_int_eq(buf_puts(&b, "hello"), 0);
	ck_assert_int_eq(buf_reserve(&b, 5000), -1);
	ck_assert(b.overflow);
	p = b.p;
	cap = b.cap;
	buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert(!b.overflow);
	ck_assert_ptr_eq(b.p, p);
	ck_assert_uint_eq(b.cap, cap);
	ck_assert_str_eq(b.p, "");
	/* Refilling within the old capacity does not reallocate. */
	ck_assert_int_eq(buf_reserve(&b, 2000), 0);
	ck_assert_int_eq(buf_puts(&b, "again"), 0);
	ck_assert_ptr_eq(b.p, p);
	ck_assert_str_eq(b.p, "again");
	buf_free(&b);
}
END_TEST

START_TEST(test_free_then_reuse_starts_empty)
{
	struct kme_buf b;

	buf_init(&b, 32);
	ck_assert_int_eq(buf_puts(&b, "abc"), 0);
	buf_free(&b);
	ck_assert_ptr_null(b.p);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_int_eq(buf_puts(&b, "de"), 0);
	ck_assert_str_eq(b.p, "de");
	buf_free(&b);
	buf_free(&b); /* idempotent */
}
END_TEST

START_TEST(test_empty_append_allocates_a_terminated_buffer)
{
	struct kme_buf b;

	buf_init(&b, 4);
	ck_assert_int_eq(buf_append(&b, "", 0), 0);
	ck_assert_ptr_nonnull(b.p);
	ck_assert_str_eq(b.p, "");
	buf_free(&b);
}
END_TEST

static Suite *buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_init_is_empty_and_allocates_nothing);
	tcase_add_test(tc, test_limit_zero_means_half_of_size_max);
	tcase_add_test(tc, test_append_keeps_bytes_and_nul_terminates);
	tcase_add_test(tc, test_append_up_to_the_limit_exactly_is_accepted);
	tcase_add_test(tc, test_append_past_limit_is_refused_content_unchanged);
	tcase_add_test(tc, test_reserve_past_limit_fails_and_sets_overflow);
	tcase_add_test(tc, test_huge_append_length_is_refused_without_allocating);
	tcase_add_test(tc, test_printf_short_output);
	tcase_add_test(tc, test_printf_long_output_is_complete);
	tcase_add_test(tc, test_printf_past_limit_is_refused_content_unchanged);
	tcase_add_test(tc, test_reset_keeps_memory_and_clears_overflow);
	tcase_add_test(tc, test_free_then_reuse_starts_empty);
	tcase_add_test(tc, test_empty_append_allocates_a_terminated_buffer);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run(buf_suite());
}
