/* sha256.h - SHA-256 (FIPS 180-4), for the entity ids of alerts
 * (entity.h): a hash anyone can recompute with sha256sum(1) from the audit
 * records, so that an id names its inputs and nothing else.
 *
 * Not a secret and not keyed: collision resistance is what the ids need
 * (two processes must never share one, whoever picks their host names).
 * Cost O(len), no allocation, no failure.
 */
#ifndef KME_SHA256_H
#define KME_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_SIZE 32

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;            /* message length so far */
	unsigned char block[64];
	size_t fill;               /* bytes waiting in block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *p, size_t len);
/* The digest; s is spent afterwards (init it again to reuse it). */
void sha256_final(struct sha256 *s, unsigned char out[SHA256_SIZE]);

#endif
