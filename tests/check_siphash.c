/* check_siphash.c - SipHash-2-4 against the reference test vectors (key
 * 00 01 .. 0f, message 00 01 .. of each length; Aumasson and Bernstein's
 * vectors.h), and the random key. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "checkrun.h"
#include "siphash.h"

static const struct {
	size_t len;
	uint64_t hash;
} vectors[] = {
	{ 0, 0x726fdb47dd0e0e31ULL },
	{ 1, 0x74f839c593dc67fdULL },
	{ 7, 0xab0200f58b01d137ULL },
	{ 8, 0x93f5f5799a932462ULL },
	{ 15, 0xa129ca6149be45e5ULL },   /* the paper's worked example */
	{ 63, 0x958a324ceb064572ULL },
};

static void reference_key(uint64_t k[2])
{
	k[0] = 0x0706050403020100ULL;
	k[1] = 0x0f0e0d0c0b0a0908ULL;
}

START_TEST(test_reference_vectors)
{
	unsigned char msg[64];
	uint64_t k[2];
	size_t i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)i;
	reference_key(k);
	ck_assert_msg(sip_hash24(k, msg, vectors[_i].len) == vectors[_i].hash,
		      "length %zu: %016llx", vectors[_i].len,
		      (unsigned long long)sip_hash24(k, msg, vectors[_i].len));
}
END_TEST

START_TEST(test_another_key_gives_another_hash)
{
	static const char m[] = "/usr/sbin/lsmod";
	uint64_t k[2];
	uint64_t h;

	reference_key(k);
	h = sip_hash24(k, m, sizeof(m) - 1);
	k[1] ^= 1;
	ck_assert_uint_ne(sip_hash24(k, m, sizeof(m) - 1), h);
}
END_TEST

START_TEST(test_random_keys_differ)
{
	uint64_t a[2], b[2];

	sip_random_key(a);
	sip_random_key(b);
	ck_assert(a[0] != b[0] || a[1] != b[1]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("siphash");
	TCase *tc = tcase_create("siphash");

	tcase_add_loop_test(tc, test_reference_vectors, 0,
			    (int)(sizeof(vectors) / sizeof(vectors[0])));
	tcase_add_test(tc, test_another_key_gives_another_hash);
	tcase_add_test(tc, test_random_keys_differ);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
