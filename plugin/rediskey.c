/* rediskey.c - the names of the fleet's history in Redis (see
 * rediskey.h). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <inttypes.h>
#include <string.h>

#include "rediskey.h"
#include "siphash.h"
#include "termtab.h"

/* Fixed and public on purpose: every host must derive the same key. The
 * scripts compare the stored term, so a collision cannot hide an alert. */
static const uint64_t rk_sip_a[2] = { 0x6b6d652d6b657931ull, 0x7265646973737472ull };
static const uint64_t rk_sip_b[2] = { 0x6b6d652d6b657932ull, 0x6e65777465726d73ull };

const char *rk_prefix(const struct kme_config *cfg)
{
	return cfg->redis_key_prefix != NULL ? cfg->redis_key_prefix
					     : RK_DEFAULT_PREFIX;
}

static int encode(const struct kme_config *cfg, const struct nt_term *term,
		  struct kme_buf *enc)
{
	size_t i;

	buf_reset(enc);
	if (term->n != cfg->nterm_fields)
		return -1;
	for (i = 0; i < term->n; i++)
		if (tt_key_put(enc, term->v[i].p, term->v[i].len) < 0)
			return -1;
	return 0;
}

/* PREFIX RULE_ID ":" RULE_VERSION */
static int put_identity(const struct kme_config *cfg, const char *prefix,
			struct kme_buf *out)
{
	int rc = buf_puts(out, prefix);

	rc |= buf_puts(out, cfg->rule_id ? cfg->rule_id : "");
	rc |= buf_putc(out, ':');
	rc |= buf_puts(out, cfg->rule_version ? cfg->rule_version : "");
	return rc < 0 ? -1 : 0;
}

/* PREFIX RULE_ID ":" RULE_VERSION ":" FIELDS ":t:" */
static int put_ns(const struct kme_config *cfg, const char *prefix,
		  struct kme_buf *out)
{
	size_t i;
	int rc = put_identity(cfg, prefix, out);

	rc |= buf_putc(out, ':');
	for (i = 0; i < cfg->nterm_fields && i < CFG_MAX_TERM_FIELDS; i++) {
		if (i > 0)
			rc |= buf_putc(out, ',');
		rc |= buf_puts(out, cfg_term_field_name(cfg->term_fields[i]));
	}
	rc |= buf_puts(out, ":t:");
	return rc < 0 ? -1 : 0;
}

int rk_key_of(const struct kme_config *cfg, const char *prefix,
	      const struct nt_term *term, struct kme_buf *out,
	      struct kme_buf *enc)
{
	if (encode(cfg, term, enc) < 0)
		return -1;
	buf_reset(out);
	if (put_ns(cfg, prefix, out) < 0)
		return -1;
	return buf_printf(out, "%016" PRIx64 "%016" PRIx64,
			  sip_hash24(rk_sip_a, enc->p, enc->len),
			  sip_hash24(rk_sip_b, enc->p, enc->len));
}

int rk_pattern(const struct kme_config *cfg, const char *prefix,
	       struct kme_buf *out)
{
	struct kme_buf ns;
	size_t i;
	int rc = 0;

	buf_init(&ns, out->limit);
	if (put_ns(cfg, prefix, &ns) < 0)
		rc = -1;
	buf_reset(out);
	for (i = 0; rc == 0 && i < ns.len; i++) {
		if (strchr("*?[]\\", ns.p[i]) != NULL && buf_putc(out, '\\') < 0)
			rc = -1;
		else if (buf_putc(out, ns.p[i]) < 0)
			rc = -1;
	}
	buf_free(&ns);
	return rc < 0 ? -1 : buf_putc(out, '*');
}

int rk_rate_key(const struct kme_config *cfg, const char *prefix,
		int64_t interval, int64_t start, struct kme_buf *out)
{
	buf_reset(out);
	if (put_identity(cfg, prefix, out) < 0)
		return -1;
	return buf_printf(out, ":rate:%" PRId64 ":%" PRId64, interval, start);
}
