/* check_interpfield.c - ausearch -i's values back to the kernel's raw ones:
 * strings and their escapes, ids, exit, arch, syscall, arguments, local
 * stamps in a zone. The values are those of one real session
 * (tests/data/interp/: interp-raw.log and its `TZ=America/New_York
 * ausearch -i`). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "checkrun.h"
#include "interpfield.h"

static struct kme_str S(const char *s)
{
	return (struct kme_str){ s, strlen(s) };
}

static const char *enc(const char *v)
{
	static struct kme_buf b;

	buf_free(&b);
	buf_init(&b, 0);
	ck_assert_int_eq(ipf_encode(S(v), &b), 0);
	return b.p;
}

START_TEST(test_strings_are_encoded_as_the_kernel_does)
{
	ck_assert_str_eq(enc("kmod"), "\"kmod\"");
	ck_assert_str_eq(enc("back\\slash"), "\"back\\slash\"");
	ck_assert_str_eq(enc("it's"), "\"it's\"");
	ck_assert_str_eq(enc("a b"), "612062");
	ck_assert_str_eq(enc("x\"y"), "782279");
	ck_assert_str_eq(enc("caf\xc3\xa9"), "636166C3A9");
	ck_assert_str_eq(enc(""), "\"\"");
}
END_TEST

START_TEST(test_ausearch_octal_escapes_of_control_bytes_are_undone)
{
	ck_assert_str_eq(enc("tab\\011here"), "7461620968657265");
	ck_assert_str_eq(enc("line1\\012line2"), "6C696E65310A6C696E6532");
	ck_assert_str_eq(enc("esc\\033[31m"), "6573631B5B33316D");
	/* Not a control byte: the backslash and digits stay text. */
	ck_assert_str_eq(enc("\\101"), "\"\\101\"");
	ck_assert_str_eq(enc("cut\\01"), "\"cut\\01\"");
}
END_TEST

static uint32_t id_of(const char *v, int want_rc)
{
	uint32_t id = 7;

	ck_assert_int_eq(ipf_id(S(v), &id), want_rc);
	return id;
}

START_TEST(test_ids_are_numbers_where_the_text_kept_one)
{
	ck_assert_uint_eq(id_of("root", 0), 0);
	ck_assert_uint_eq(id_of("unset", 0), 4294967295U);
	ck_assert_uint_eq(id_of("unknown(4242)", 0), 4242);
	ck_assert_uint_eq(id_of("1000", 0), 1000);
	id_of("nobody", -1);
	id_of("unknown(x)", -1);
	id_of("99999999999", -1);
}
END_TEST

START_TEST(test_exit_arch_syscall_and_arguments_go_back_to_numbers)
{
	unsigned long arch;
	unsigned long long a;
	long long x;
	long nr;
	int m;

	ck_assert_int_eq(ipf_exit(S("EACCES(Permission denied)"), &x), 0);
	ck_assert_int_eq(x, -13);
	ck_assert_int_eq(ipf_exit(S("ENOENT(No such file or directory)"), &x), 0);
	ck_assert_int_eq(x, -2);
	ck_assert_int_eq(ipf_exit(S("8306"), &x), 0);
	ck_assert_int_eq(x, 8306);
	ck_assert_int_eq(ipf_exit(S("EWHAT(no)"), &x), -1);
	ck_assert_int_eq(ipf_arch(S("x86_64"), &arch, &m), 0);
	ck_assert_uint_eq(arch, 0xc000003e);
	ck_assert_int_eq(ipf_syscall(S("execve"), m, &nr), 0);
	ck_assert_int_eq(nr, 59);
	ck_assert_int_eq(ipf_syscall(S("execveat"), m, &nr), 0);
	ck_assert_int_eq(nr, 322);
	ck_assert_int_eq(ipf_syscall(S("clone"), m, &nr), 0);
	ck_assert_int_eq(nr, 56);
	ck_assert_int_eq(ipf_arch(S("i386"), &arch, &m), 0);
	ck_assert_uint_eq(arch, 0x40000003);
	ck_assert_int_eq(ipf_syscall(S("execve"), m, &nr), 0);
	ck_assert_int_eq(nr, 11);
	ck_assert_int_eq(ipf_syscall(S("no_such_call"), m, &nr), -1);
	ck_assert_int_eq(ipf_arch(S("c000003e"), &arch, &m), 0);
	ck_assert_uint_eq(arch, 0xc000003e);
	ck_assert_int_eq(ipf_arg(S("0x1200011"), &a), 0);
	ck_assert_uint_eq(a, 0x1200011);
	ck_assert_int_eq(ipf_arg(S("CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD"), &a), 0);
	ck_assert_uint_eq(a, 0x1200011);
	ck_assert_int_eq(ipf_arg(S("CLONE_VM|CLONE_THREAD"), &a), 0);
	ck_assert_uint_eq(a, 0x10100);
	ck_assert_int_eq(ipf_arg(S("AT_FDCWD"), &a), -1);
}
END_TEST

START_TEST(test_local_stamps_are_read_in_the_zone_given)
{
	struct ipf_clock c = { .prev = 0 };
	struct kme_err err = { "" };
	int64_t t;
	bool amb;

	ck_assert_int_eq(ipf_set_zone("America/New_York", &err), 0);
	ck_assert_int_eq(ipf_local_time(&c, S("12/07/26 04:33:28"), &t, &amb), 0);
	ck_assert_int_eq(t, 1796636008); /* the raw stamp of the same record */
	ck_assert(!amb);
	/* The same minute again comes from the cache, the next one not. */
	ck_assert_int_eq(ipf_local_time(&c, S("12/07/26 04:33:59"), &t, &amb), 0);
	ck_assert_int_eq(t, 1796636039);
	ck_assert_int_eq(ipf_local_time(&c, S("12/07/2026 04:34:00"), &t, &amb), 0);
	ck_assert_int_eq(t, 1796636040);
	ck_assert_int_eq(ipf_set_zone("UTC", &err), 0);
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(ipf_local_time(&c, S("03/29/2023 17:59:15"), &t, &amb), 0);
	ck_assert_int_eq(t, 1680112755);
}
END_TEST

START_TEST(test_the_repeated_dst_hour_follows_the_order_of_events)
{
	struct ipf_clock c = { .prev = 0 };
	struct kme_err err = { "" };
	int64_t t1, t2, t3;
	bool amb;

	/* 2026-11-01 01:30 happens twice in New York: 05:30 and 06:30 UTC. */
	ck_assert_int_eq(ipf_set_zone("America/New_York", &err), 0);
	ck_assert_int_eq(ipf_local_time(&c, S("11/01/26 01:30:00"), &t1, &amb), 0);
	ck_assert(amb);
	ck_assert_int_eq(ipf_local_time(&c, S("11/01/26 01:59:00"), &t2, &amb), 0);
	ck_assert_int_eq(t2 - t1, 29 * 60);
	/* After the clock went back: an earlier local time, a later instant. */
	ck_assert_int_eq(ipf_local_time(&c, S("11/01/26 01:10:00"), &t3, &amb), 0);
	ck_assert(amb);
	ck_assert_int_eq(t3 - t1, 40 * 60);
	/* The hour skipped in spring never happened. */
	ck_assert_int_eq(ipf_local_time(&c, S("03/08/26 02:30:00"), &t1, &amb), -1);
}
END_TEST

START_TEST(test_stamps_and_zones_of_other_forms_are_refused)
{
	struct ipf_clock c = { .prev = 0 };
	struct kme_err err = { "" };
	int64_t t;
	bool amb;

	ck_assert_int_eq(ipf_set_zone("Mars/Olympus_Mons", &err), -1);
	ck_assert_msg(strstr(err.msg, "--tz Mars/Olympus_Mons: unknown time zone"), "%s", err.msg);
	ck_assert_int_eq(ipf_set_zone("../../etc/passwd", &err), -1);
	ck_assert_int_eq(ipf_set_zone("UTC", &err), 0);
	ck_assert_int_eq(ipf_local_time(&c, S("26.11.2026 21:46:27"), &t, &amb), -1);
	ck_assert_int_eq(ipf_local_time(&c, S("26/11/26 21:46:27"), &t, &amb), -1);
	ck_assert_int_eq(ipf_local_time(&c, S("11/26/26 21:46"), &t, &amb), -1);
	ck_assert_int_eq(ipf_local_time(&c, S("11/26/26 21:46:27 PM"), &t, &amb), -1);
}
END_TEST

static Suite *interpfield_suite(void)
{
	Suite *s = suite_create("interpfield");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_strings_are_encoded_as_the_kernel_does);
	tcase_add_test(tc, test_ausearch_octal_escapes_of_control_bytes_are_undone);
	tcase_add_test(tc, test_ids_are_numbers_where_the_text_kept_one);
	tcase_add_test(tc, test_exit_arch_syscall_and_arguments_go_back_to_numbers);
	tcase_add_test(tc, test_local_stamps_are_read_in_the_zone_given);
	tcase_add_test(tc, test_the_repeated_dst_hour_follows_the_order_of_events);
	tcase_add_test(tc, test_stamps_and_zones_of_other_forms_are_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run(interpfield_suite());
}
