/* entity.c - process.entity_id from a process's host, pid and start (see
 * entity.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "entity.h"
#include "sha256.h"

static const char ent_domain[] = "audisp-kmod-enum/entity/1";

bool ent_token(const struct kme_start *st, char out[ENT_TOKEN_SIZE])
{
	int64_t sec;
	int n = -1;

	out[0] = '\0';
	if (st->kind == KME_START_AUDIT) {
		/* Floor division: the SEC.MSEC of event.id, also before 1970. */
		sec = st->ms / 1000 - (st->ms % 1000 < 0);
		n = snprintf(out, ENT_TOKEN_SIZE, "audit:%" PRId64 ".%03u:%" PRIu64,
			     sec, (unsigned)(st->ms - sec * 1000), st->ref);
	} else if (st->kind == KME_START_PROCFS && st->boot != NULL &&
		   st->boot[0] != '\0') {
		n = snprintf(out, ENT_TOKEN_SIZE, "procfs:%s:%" PRIu64, st->boot,
			     st->ref);
	}
	if (n < 0 || n >= ENT_TOKEN_SIZE) {
		out[0] = '\0';
		return false;
	}
	return true;
}

bool ent_id(struct kme_str host, int32_t pid, const struct kme_start *st,
	    char out[ENT_ID_SIZE])
{
	static const char hexd[] = "0123456789abcdef";
	unsigned char md[SHA256_SIZE];
	char token[ENT_TOKEN_SIZE], spid[16];
	struct sha256 h;
	int i;

	out[0] = '\0';
	if (!kme_str_present(host) || pid < 0 || !ent_token(st, token))
		return false;
	snprintf(spid, sizeof(spid), "%" PRId32, pid);
	sha256_init(&h);
	sha256_update(&h, ent_domain, sizeof(ent_domain)); /* with its NUL */
	sha256_update(&h, host.p, host.len);
	sha256_update(&h, "", 1);
	sha256_update(&h, spid, strlen(spid) + 1);
	sha256_update(&h, token, strlen(token));
	sha256_final(&h, md);
	for (i = 0; i < (ENT_ID_SIZE - 1) / 2; i++) {
		out[2 * i] = hexd[md[i] >> 4];
		out[2 * i + 1] = hexd[md[i] & 15];
	}
	out[ENT_ID_SIZE - 1] = '\0';
	return true;
}
