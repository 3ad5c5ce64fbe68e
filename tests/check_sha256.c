/* check_sha256.c - SHA-256 against the FIPS 180-4 examples (NIST's
 * "SHA256.pdf" and the one-million-'a' message) and sha256sum's empty
 * string; the digest does not depend on how the message is cut. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkrun.h"
#include "sha256.h"

static void hex_of(const unsigned char md[SHA256_SIZE], char out[65])
{
	int i;

	for (i = 0; i < SHA256_SIZE; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void digest(const void *p, size_t len, char out[65])
{
	unsigned char md[SHA256_SIZE];
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, p, len);
	sha256_final(&s, md);
	hex_of(md, out);
}

static const struct {
	const char *msg;
	const char *hex;
} vectors[] = {
	{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
};

START_TEST(test_fips_examples)
{
	char hex[65];

	digest(vectors[_i].msg, strlen(vectors[_i].msg), hex);
	ck_assert_str_eq(hex, vectors[_i].hex);
}
END_TEST

START_TEST(test_one_million_a)
{
	unsigned char md[SHA256_SIZE], block[1000];
	struct sha256 s;
	char hex[65];
	int i;

	memset(block, 'a', sizeof(block));
	sha256_init(&s);
	for (i = 0; i < 1000; i++)
		sha256_update(&s, block, sizeof(block));
	sha256_final(&s, md);
	hex_of(md, hex);
	ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

/* Every length around the 56- and 64-byte padding edges, fed whole and
 * byte by byte: the same digest. */
START_TEST(test_pieces_do_not_matter)
{
	unsigned char msg[130], md[SHA256_SIZE];
	char whole[65], bytewise[65];
	struct sha256 s;
	size_t len, i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)(i * 7 + 1);
	for (len = 0; len <= sizeof(msg); len++) {
		digest(msg, len, whole);
		sha256_init(&s);
		for (i = 0; i < len; i++)
			sha256_update(&s, msg + i, 1);
		sha256_final(&s, md);
		hex_of(md, bytewise);
		ck_assert_msg(strcmp(whole, bytewise) == 0, "length %zu", len);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sha256");
	TCase *tc = tcase_create("sha256");

	tcase_add_loop_test(tc, test_fips_examples, 0,
			    (int)(sizeof(vectors) / sizeof(vectors[0])));
	tcase_add_test(tc, test_one_million_a);
	tcase_add_test(tc, test_pieces_do_not_matter);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
