/* redisurl.c - parse new_terms_store addresses (see redisurl.h). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <stdio.h>
#include <string.h>

#include "hex.h"
#include "redisurl.h"

#define ERRP "new_terms_store: "

static bool printable(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

/* Decimal in [lo, hi], the whole of s[0..n): no sign, no spaces, at most 5
 * digits (every bound here fits). */
static int parse_int(const char *s, size_t n, int lo, int hi, int *out)
{
	size_t i;
	int v = 0;

	if (n == 0 || n > 5)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* Percent-decode s[0..n) into dst (RU_CRED_MAX + 1 bytes). */
static int decode_cred(const char *s, size_t n, char *dst, const char *what,
		       struct kme_err *err)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return kme_errf(err, ERRP "%s: truncated %%XX "
						"escape", what);
			hi = hex_value((unsigned char)s[i + 1]);
			lo = hex_value((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return kme_errf(err, ERRP "%s: bad %%XX escape",
						what);
			c = hi * 16 + lo;
			if (c == 0)
				return kme_errf(err, ERRP "%s: NUL byte", what);
			i += 2;
		}
		if (o == RU_CRED_MAX)
			return kme_errf(err, ERRP "%s longer than %d bytes",
					what, RU_CRED_MAX);
		dst[o++] = (char)c;
	}
	dst[o] = '\0';
	return 0;
}

static bool host_char(char c, bool v6)
{
	if (v6)
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		       (c >= 'A' && c <= 'F') || c == ':' || c == '.';
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == '.' || c == '-';
}

/* HOST[:PORT] in s[0..n). */
static int parse_hostport(const char *s, size_t n, struct ru_url *u,
			  struct kme_err *err)
{
	const char *h = s, *rest;
	size_t hn, i;
	bool v6 = n > 0 && s[0] == '[';

	if (v6) {
		const char *close = memchr(s, ']', n);

		if (close == NULL)
			return kme_errf(err, ERRP "unclosed '[' in host");
		h = s + 1;
		hn = (size_t)(close - h);
		rest = close + 1;
		if (hn < 2 || hn > 45)
			return kme_errf(err, ERRP "bad IPv6 address length");
	} else {
		const char *colon = memchr(s, ':', n);

		hn = colon ? (size_t)(colon - s) : n;
		rest = s + hn;
		if (hn == 0)
			return kme_errf(err, ERRP "missing host");
		if (hn > RU_HOST_MAX)
			return kme_errf(err, ERRP "host longer than %d bytes",
					RU_HOST_MAX);
	}
	for (i = 0; i < hn; i++)
		if (!host_char(h[i], v6))
			return kme_errf(err, ERRP "bad character in host");
	if (!v6 && (h[0] == '-' || h[0] == '.'))
		return kme_errf(err, ERRP "bad host");
	memcpy(u->host, h, hn);
	u->host[hn] = '\0';
	u->port = RU_DEFAULT_PORT;
	if (rest == s + n)
		return 0;
	if (*rest != ':' ||
	    parse_int(rest + 1, (size_t)(s + n - rest - 1), 1, 65535,
		      &u->port) < 0)
		return kme_errf(err, ERRP "bad port (1..65535)");
	return 0;
}

static int parse_tcp(const char *s, size_t n, struct ru_url *u,
		     struct kme_err *err)
{
	const char *slash = memchr(s, '/', n), *at;
	size_t auth_end = slash ? (size_t)(slash - s) : n;
	const char *hp = s;
	size_t hpn = auth_end;

	u->kind = RU_TCP;
	if (memchr(s, '?', n) != NULL || memchr(s, '#', n) != NULL)
		return kme_errf(err, ERRP "redis:// takes no query or fragment");
	/* The last '@' before the path ends the credentials. */
	at = NULL;
	for (const char *q = s; q < s + auth_end; q++)
		if (*q == '@')
			at = q;
	if (at != NULL) {
		const char *colon = memchr(s, ':', (size_t)(at - s));

		/* USER@ alone: the password comes from redis_password_file. */
		if (decode_cred(s, (size_t)((colon ? colon : at) - s), u->user,
				"user", err) < 0)
			return -1;
		if (colon == NULL && u->user[0] == '\0')
			return kme_errf(err, ERRP "empty user before '@'");
		if (colon != NULL &&
		    decode_cred(colon + 1, (size_t)(at - colon - 1),
				u->password, "password", err) < 0)
			return -1;
		if (colon != NULL && u->password[0] == '\0')
			return kme_errf(err, ERRP "empty password");
		u->has_password = colon != NULL;
		hp = at + 1;
		hpn = (size_t)(s + auth_end - hp);
	}
	if (parse_hostport(hp, hpn, u, err) < 0)
		return -1;
	if (slash != NULL && slash + 1 < s + n &&
	    parse_int(slash + 1, (size_t)(s + n - slash - 1), 0, 65535,
		      &u->db) < 0)
		return kme_errf(err, ERRP "bad database number (0..65535)");
	return 0;
}

static int parse_unix(const char *s, size_t n, struct ru_url *u,
		      struct kme_err *err)
{
	const char *q = memchr(s, '?', n);
	size_t pn = q ? (size_t)(q - s) : n;

	u->kind = RU_UNIX;
	if (pn == 0 || s[0] != '/')
		return kme_errf(err, ERRP "unix:// needs an absolute socket "
				"path (unix:///run/redis/redis.sock)");
	if (pn > RU_PATH_MAX)
		return kme_errf(err, ERRP "socket path longer than %d bytes",
				RU_PATH_MAX);
	if (memchr(s, '#', n) != NULL)
		return kme_errf(err, ERRP "unix:// takes no fragment");
	memcpy(u->path, s, pn);
	u->path[pn] = '\0';
	if (q == NULL)
		return 0;
	if (n - pn < 4 || strncmp(q, "?db=", 4) != 0 ||
	    parse_int(q + 4, (size_t)(s + n - q - 4), 0, 65535, &u->db) < 0)
		return kme_errf(err, ERRP "unix:// takes only ?db=N "
				"(0..65535)");
	return 0;
}

int ru_parse(const char *s, struct ru_url *out, struct kme_err *err)
{
	struct ru_url u;
	size_t n = s ? strnlen(s, RU_MAX + 1) : 0;
	int rc;

	memset(&u, 0, sizeof(u));
	if (n == 0)
		return kme_errf(err, ERRP "empty");
	if (n > RU_MAX)
		return kme_errf(err, ERRP "longer than %d bytes", RU_MAX);
	if (!printable(s, n))
		return kme_errf(err, ERRP "space or control byte in address");
	if (strcmp(s, "file") == 0)
		rc = 0;
	else if (strncmp(s, "redis://", 8) == 0)
		rc = parse_tcp(s + 8, n - 8, &u, err);
	else if (strncmp(s, "unix://", 7) == 0)
		rc = parse_unix(s + 7, n - 7, &u, err);
	else if (strncmp(s, "rediss://", 9) == 0)
		rc = kme_errf(err, ERRP "rediss:// (TLS) is not supported: "
			      "Debian's hiredis 0.14 has no TLS (use a unix "
			      "socket or an stunnel on loopback)");
	else
		rc = kme_errf(err, ERRP "'file', redis://HOST[:PORT][/DB] "
			      "or unix:///PATH[?db=N] expected");
	if (rc == 0)
		*out = u;
	return rc;
}

const char *ru_show(const struct ru_url *u, char *buf, size_t size)
{
	char cred[RU_CRED_MAX + 8] = "";

	if (size == 0)
		return buf;
	if (u->has_password)
		snprintf(cred, sizeof(cred), "%s:***@", u->user);
	else if (u->user[0] != '\0')
		snprintf(cred, sizeof(cred), "%s@", u->user);
	switch (u->kind) {
	case RU_TCP:
		snprintf(buf, size, strchr(u->host, ':') ? "redis://%s[%s]:%d/%d"
						      : "redis://%s%s:%d/%d",
			 cred, u->host, u->port, u->db);
		break;
	case RU_UNIX:
		snprintf(buf, size, "unix://%s?db=%d", u->path, u->db);
		break;
	default:
		snprintf(buf, size, "file");
		break;
	}
	return buf;
}
