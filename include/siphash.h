/* siphash.h - SipHash-2-4, a keyed hash for tables of attacker-chosen keys.
 *
 * Terms are paths an attacker picks; with a fixed hash function they could
 * be picked to collide and turn every lookup into a list walk. SipHash with a
 * secret random key makes collisions unpredictable. (Aumasson and Bernstein,
 * "SipHash: a fast short-input PRF", 2012; the reference test vectors are in
 * tests/check_termtab.c.)
 *
 * Cost O(len), no allocation.
 */
#ifndef KME_SIPHASH_H
#define KME_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/* The hash of p[0..len) under the 128-bit key k (k[0] the first eight key
 * bytes read little-endian, k[1] the next eight). */
uint64_t sip_hash24(const uint64_t k[2], const void *p, size_t len);

/* A fresh random key (getrandom; early in boot, before the entropy pool is
 * ready, a key from the clock and the pid: weaker, never constant). */
void sip_random_key(uint64_t k[2]);

#endif
