/* localnode.c - who this machine is (see localnode.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fdio.h"
#include "localnode.h"

static const struct {
	const char *word;
	enum ln_format format;
} formats[] = {
	{ "none", LN_NONE },       { "hostname", LN_HOSTNAME },
	{ "fqd", LN_FQD },         { "numeric", LN_NUMERIC },
	{ "user", LN_USER },       { NULL, LN_NONE },
};

/* One whitespace-separated token of [*pp, end): its start and length. */
static size_t token(const char **pp, const char *end, const char **tok)
{
	const char *p = *pp, *s;

	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	s = p;
	while (p < end && *p != ' ' && *p != '\t' && *p != '\r')
		p++;
	*tok = s;
	*pp = p;
	return (size_t)(p - s);
}

static bool word_is(const char *t, size_t n, const char *w)
{
	return n == strlen(w) && strncasecmp(t, w, n) == 0;
}

/* "key = value": auditd splits on whitespace, '=' a token of its own. */
static int parse_line(const char *p, const char *end, struct ln_conf *out,
		      struct kme_err *err)
{
	const char *key, *eq, *val;
	size_t nk = token(&p, end, &key), ne, nv, i;

	if (nk == 0 || key[0] == '#')
		return 0;
	ne = token(&p, end, &eq);
	nv = token(&p, end, &val);
	if (ne != 1 || eq[0] != '=' || nv == 0)
		return 0; /* auditd refuses the file; we only read two keys */
	if (word_is(key, nk, "name_format")) {
		for (i = 0; formats[i].word != NULL; i++)
			if (word_is(val, nv, formats[i].word)) {
				out->format = formats[i].format;
				return 0;
			}
		kme_errf(err, "auditd.conf: name_format '%.*s' is not one of "
			 "none, hostname, fqd, numeric, user",
			 (int)(nv > 64 ? 64 : nv), val);
		return -1;
	}
	if (word_is(key, nk, "name")) {
		if (nv >= sizeof(out->name)) {
			kme_errf(err, "auditd.conf: name is longer than %zu bytes",
				 sizeof(out->name) - 1);
			return -1;
		}
		memcpy(out->name, val, nv);
		out->name[nv] = '\0';
	}
	return 0;
}

int ln_parse(const char *text, size_t len, struct ln_conf *out,
	     struct kme_err *err)
{
	const char *p = text, *end = text + len;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		if (parse_line(p, le, out, err) < 0)
			return -1;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

static int put(char *out, size_t size, const char *s, struct kme_err *err)
{
	size_t n = strlen(s);

	if (n >= size) {
		kme_errf(err, "local node name: '%.64s...' is longer than %zu bytes",
			 s, size - 1);
		return -1;
	}
	memcpy(out, s, n + 1);
	return 0;
}

/* auditd's resolution of its own host name (auditd-config.c, resolve_node):
 * the same getaddrinfo hints, so that we get the name it writes. */
static int resolve(const char *host, bool numeric, char *out, size_t size,
		   struct kme_err *err)
{
	struct addrinfo hints, *ai = NULL;
	char ip[INET6_ADDRSTRLEN];
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_ADDRCONFIG | (numeric ? AI_PASSIVE : AI_CANONNAME);
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, NULL, &hints, &ai)) != 0) {
		kme_errf(err, "local node name: cannot resolve host name '%s' (%s)",
			 host, gai_strerror(rc));
		return -1;
	}
	if (!numeric) {
		rc = ai->ai_canonname ? put(out, size, ai->ai_canonname, err)
				      : put(out, size, host, err);
	} else if (inet_ntop(ai->ai_family,
			     ai->ai_family == AF_INET
				     ? (void *)&((struct sockaddr_in *)(void *)ai->ai_addr)->sin_addr
				     : (void *)&((struct sockaddr_in6 *)(void *)ai->ai_addr)->sin6_addr,
			     ip, sizeof(ip)) == NULL) {
		kme_errf(err, "local node name: no address text for '%s'", host);
		rc = -1;
	} else {
		rc = put(out, size, ip, err);
	}
	freeaddrinfo(ai);
	return rc;
}

int ln_resolve(const struct ln_conf *c, char *out, size_t size,
	       struct kme_err *err)
{
	char host[256];

	if (size == 0) {
		kme_errf(err, "local node name: no room");
		return -1;
	}
	out[0] = '\0';
	switch (c->format) {
	case LN_NONE:
		return 0;
	case LN_USER:
		if (c->name[0] == '\0') {
			kme_errf(err, "auditd.conf: name_format is user but no name is set");
			return -1;
		}
		return put(out, size, c->name, err);
	case LN_HOSTNAME:
	case LN_FQD:
	case LN_NUMERIC:
		break;
	}
	if (gethostname(host, sizeof(host)) != 0) {
		kme_errf(err, "local node name: gethostname: %s", strerror(errno));
		return -1;
	}
	host[sizeof(host) - 1] = '\0';
	if (c->format == LN_HOSTNAME)
		return put(out, size, host, err);
	return resolve(host, c->format == LN_NUMERIC, out, size, err);
}

int ln_from_file(const char *path, char *out, size_t size,
		 struct kme_err *err)
{
	struct ln_conf c;
	char *text;
	ssize_t n;
	int fd, rc;

	if (size > 0)
		out[0] = '\0';
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return 0;
		kme_errf(err, "%s: open: %s", path, strerror(errno));
		return -1;
	}
	if ((text = malloc(LN_MAX_FILE)) == NULL) {
		close(fd);
		kme_errf(err, "%s: out of memory", path);
		return -1;
	}
	n = fdio_read_full(fd, text, LN_MAX_FILE);
	if (n < 0)
		kme_errf(err, "%s: read: %s", path, strerror(errno));
	close(fd);
	if (n < 0) {
		free(text);
		return -1;
	}
	rc = ln_parse(text, (size_t)n, &c, err);
	free(text);
	if (rc < 0)
		return -1;
	return ln_resolve(&c, out, size, err);
}

void ln_machine_id(const char *path, char out[33])
{
	char buf[40];
	ssize_t n = -1;
	int fd, i;

	out[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd != -1) {
		n = fdio_read_full(fd, buf, sizeof(buf));
		close(fd);
	}
	if (n < 32 || (n > 32 && buf[32] != '\n'))
		return;
	for (i = 0; i < 32; i++)
		if (strchr("0123456789abcdef", buf[i]) == NULL || buf[i] == '\0')
			return;
	memcpy(out, buf, 32);
	out[32] = '\0';
}

int ln_self(struct ln_self *s, const char *host, const char *node, bool live,
	    struct kme_err *err)
{
	if (host != NULL)
		snprintf(s->host, sizeof(s->host), "%s", host);
	else if (gethostname(s->host, sizeof(s->host)) != 0)
		snprintf(s->host, sizeof(s->host), "localhost");
	s->host[sizeof(s->host) - 1] = '\0';
	s->host_id[0] = '\0';
	if (live)
		ln_machine_id(LN_MACHINE_ID_PATH, s->host_id);
	s->node[0] = '\0';
	if (node != NULL) {
		snprintf(s->node, sizeof(s->node), "%s", node);
		return 0;
	}
	return live ? ln_from_file(LN_DEFAULT_PATH, s->node, sizeof(s->node),
				   err) : 0;
}
