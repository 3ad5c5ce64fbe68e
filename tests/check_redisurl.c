/* check_redisurl.c - new_terms_store addresses: every accepted form, and
 * hostile input refused with a message (no I/O). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkrun.h"
#include "redisurl.h"

static struct ru_url ok(const char *s)
{
	struct ru_url u;
	struct kme_err err = { "" };

	ck_assert_msg(ru_parse(s, &u, &err) == 0, "%s: %s", s, err.msg);
	return u;
}

START_TEST(test_file_is_the_local_store)
{
	ck_assert_int_eq(ok("file").kind, RU_FILE);
}
END_TEST

START_TEST(test_tcp_defaults_port_6379_and_db_0)
{
	struct ru_url u = ok("redis://127.0.0.1");

	ck_assert_int_eq(u.kind, RU_TCP);
	ck_assert_str_eq(u.host, "127.0.0.1");
	ck_assert_int_eq(u.port, 6379);
	ck_assert_int_eq(u.db, 0);
	ck_assert(!u.has_password);
	u = ok("redis://redis.example.org:7000/3");
	ck_assert_str_eq(u.host, "redis.example.org");
	ck_assert_int_eq(u.port, 7000);
	ck_assert_int_eq(u.db, 3);
	u = ok("redis://127.0.0.1:6380/");
	ck_assert_int_eq(u.db, 0);
}
END_TEST

START_TEST(test_credentials_user_password_and_default_user)
{
	struct ru_url u = ok("redis://kme:s3cret@10.0.0.1:6379/1");

	ck_assert_str_eq(u.user, "kme");
	ck_assert_str_eq(u.password, "s3cret");
	ck_assert(u.has_password);
	u = ok("redis://:pw@h");
	ck_assert_str_eq(u.user, "");
	ck_assert_str_eq(u.password, "pw");
	/* %XX decoded; the last '@' ends the credentials. */
	u = ok("redis://a%3Ab:p%40ss@h");
	ck_assert_str_eq(u.user, "a:b");
	ck_assert_str_eq(u.password, "p@ss");
	u = ok("redis://kme@h");
	ck_assert_str_eq(u.user, "kme");
	ck_assert(!u.has_password);
	u = ok("redis://u:p@ss@h");
	ck_assert_str_eq(u.password, "p@ss");
	ck_assert_str_eq(u.host, "h");
}
END_TEST

START_TEST(test_ipv6_in_brackets)
{
	struct ru_url u = ok("redis://[::1]:6390/2");

	ck_assert_str_eq(u.host, "::1");
	ck_assert_int_eq(u.port, 6390);
	ck_assert_int_eq(u.db, 2);
}
END_TEST

START_TEST(test_unix_socket_with_optional_db)
{
	struct ru_url u = ok("unix:///run/redis/redis.sock");

	ck_assert_int_eq(u.kind, RU_UNIX);
	ck_assert_str_eq(u.path, "/run/redis/redis.sock");
	ck_assert_int_eq(u.db, 0);
	u = ok("unix:///tmp/r.sock?db=15");
	ck_assert_str_eq(u.path, "/tmp/r.sock");
	ck_assert_int_eq(u.db, 15);
}
END_TEST

/* Each must be refused, with a message naming the key. */
static const char *const bad[] = {
	"", "File", "redis", "redis://", "redis://:6379", "redis://h:0",
	"redis://h:65536", "redis://h:99999999999999", "redis://h:-1",
	"redis://h:63a", "redis://h/65536", "redis://h/x", "redis://h/1/2",
	"redis://h?db=1", "redis://h#f", "redis://h h", "redis://h\n",
	"redis://h\t:1", "redis://@h", "redis://u:@h", "redis://u:p%@h",
	"redis://u:p%4@h", "redis://u:p%zz@h", "redis://u:p%00@h",
	"redis://[::1", "redis://[zz]:1", "redis://[]", "redis://-h",
	"redis://h_x", "redis://h:", "redis://h:1:2", "unix://", "unix://rel.sock",
	"unix:///s?db=", "unix:///s?db=x", "unix:///s?foo=1", "unix:///s?db=1&x",
	"unix:///s#x", "rediss://h", "http://h", "redis://h\x7f",
	"redis://h\xc3\xa9",
};

START_TEST(test_hostile_forms_are_refused)
{
	struct ru_url u;
	struct kme_err err = { "" };

	ck_assert_msg(ru_parse(bad[_i], &u, &err) == -1, "accepted '%s'",
		      bad[_i]);
	ck_assert_msg(strncmp(err.msg, "new_terms_store: ", 17) == 0, "%s",
		      err.msg);
}
END_TEST

START_TEST(test_lengths_are_bounded)
{
	char s[RU_MAX + 64], path[RU_PATH_MAX + 2], cred[RU_CRED_MAX + 2];
	struct ru_url u;
	struct kme_err err = { "" };

	/* A host of 254 bytes, a socket path of 108, a password of 257,
	 * an address of RU_MAX + 1: each refused. */
	memset(s, 'a', sizeof(s));
	memcpy(s, "redis://", 8);
	s[8 + RU_HOST_MAX + 1] = '\0';
	ck_assert_int_eq(ru_parse(s, &u, &err), -1);
	s[8 + RU_HOST_MAX] = '\0';
	ck_assert_int_eq(ru_parse(s, &u, &err), 0);
	memset(path, 'p', sizeof(path));
	path[0] = '/';
	path[RU_PATH_MAX + 1] = '\0';
	snprintf(s, sizeof(s), "unix://%s", path);
	ck_assert_int_eq(ru_parse(s, &u, &err), -1);
	path[RU_PATH_MAX] = '\0';
	snprintf(s, sizeof(s), "unix://%s", path);
	ck_assert_int_eq(ru_parse(s, &u, &err), 0);
	memset(cred, 'c', sizeof(cred));
	cred[RU_CRED_MAX + 1] = '\0';
	snprintf(s, sizeof(s), "redis://:%s@h", cred);
	ck_assert_int_eq(ru_parse(s, &u, &err), -1);
	cred[RU_CRED_MAX] = '\0';
	snprintf(s, sizeof(s), "redis://:%s@h", cred);
	ck_assert_int_eq(ru_parse(s, &u, &err), 0);
	memset(s, 'a', sizeof(s));
	memcpy(s, "unix:///", 8);
	s[RU_MAX + 1] = '\0';
	ck_assert_int_eq(ru_parse(s, &u, &err), -1);
	ck_assert_int_eq(ru_parse(NULL, &u, &err), -1);
}
END_TEST

START_TEST(test_shown_address_masks_the_password)
{
	char buf[RU_MAX + 64];
	struct ru_url u = ok("redis://kme:topsecret@127.0.0.1:6380/2");

	ck_assert_str_eq(ru_show(&u, buf, sizeof(buf)),
			 "redis://kme:***@127.0.0.1:6380/2");
	ck_assert_ptr_null(strstr(buf, "topsecret"));
	u = ok("redis://[::1]");
	ck_assert_str_eq(ru_show(&u, buf, sizeof(buf)), "redis://[::1]:6379/0");
	u = ok("unix:///tmp/r.sock");
	ck_assert_str_eq(ru_show(&u, buf, sizeof(buf)), "unix:///tmp/r.sock?db=0");
}
END_TEST

START_TEST(test_refusal_leaves_the_output_untouched)
{
	struct ru_url u;
	struct kme_err err = { "" };

	memset(&u, 0x5a, sizeof(u));
	ck_assert_int_eq(ru_parse("redis://h:0", &u, &err), -1);
	ck_assert_int_eq(u.port, 0x5a5a5a5a);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("redisurl");
	TCase *tc = tcase_create("accepted");

	tcase_add_test(tc, test_file_is_the_local_store);
	tcase_add_test(tc, test_tcp_defaults_port_6379_and_db_0);
	tcase_add_test(tc, test_credentials_user_password_and_default_user);
	tcase_add_test(tc, test_ipv6_in_brackets);
	tcase_add_test(tc, test_unix_socket_with_optional_db);
	tcase_add_test(tc, test_shown_address_masks_the_password);
	suite_add_tcase(s, tc);
	tc = tcase_create("refused");
	tcase_add_loop_test(tc, test_hostile_forms_are_refused, 0,
			    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_lengths_are_bounded);
	tcase_add_test(tc, test_refusal_leaves_the_output_untouched);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
