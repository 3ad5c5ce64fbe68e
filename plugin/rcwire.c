/* rcwire.c - the wire of a Redis connection (see rcwire.h): a
 * non-blocking socket dialled, written and read, every wait a poll with a
 * deadline. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "clock.h"

#ifdef HAVE_HIREDIS

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/sds.h>

#include "rcwire.h"

/* ---- waiting, writing, reading ------------------------------------------- */

bool rcw_wait_fd(int fd, short events, int64_t until_us)
{
	int64_t left = until_us - clk_mono_us();
	struct pollfd p = { .fd = fd, .events = events };
	struct timespec ts;

	if (left <= 0)
		return false;
	ts.tv_sec = left / 1000000;
	ts.tv_nsec = (left % 1000000) * 1000;
	(void)ppoll(&p, 1, &ts, NULL);
	return true;
}

int rcw_flush(struct rc_conn *c)
{
	int done;

	if (sdslen(c->c->obuf) == 0)
		return 0;
	return redisBufferWrite(c->c, &done) == REDIS_OK ? 0 : -1;
}

int rcw_reply(struct rc_conn *c, int64_t until_us, redisReply **out,
	      struct kme_err *err)
{
	void *rp;

	for (;;) {
		size_t had;

		if (redisGetReplyFromReader(c->c, &rp) != REDIS_OK)
			return kme_errf(err, "%s", rcw_error(c, "protocol error"));
		if (rp != NULL) {
			*out = rp;
			return 1;
		}
		had = c->c->reader->len;
		if (rcw_flush(c) < 0 || redisBufferRead(c->c) != REDIS_OK)
			return kme_errf(err, "%s", rcw_error(c, "I/O error"));
		if (c->c->reader->len > had)
			continue;       /* something came: parse it */
		if (!rcw_wait_fd(c->c->fd, POLLIN | (sdslen(c->c->obuf) > 0
						 ? POLLOUT : 0), until_us))
			return 0;
	}
}

redisReply *rcw_command(struct rc_conn *c, int argc, const char **argv,
			const size_t *lens, struct kme_err *err)
{
	redisReply *r = NULL;
	int rc;

	if (redisAppendCommandArgv(c->c, argc, argv, lens) != REDIS_OK) {
		kme_errnof(err, ENOMEM, "command");
		return NULL;
	}
	rc = rcw_reply(c, clk_mono_us() + c->command_timeout * 1000, &r, err);
	if (rc == 0)
		kme_errf(err, "no reply within %" PRId64 " ms",
			 c->command_timeout);
	return rc > 0 ? r : NULL;
}

/* ---- dialling ------------------------------------------------------------ */

/* The socket is ours, non-blocking, until hiredis gets it connected. */
static int dial_socket(struct rc_conn *c, int family, struct kme_err *err)
{
	c->fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	return c->fd < 0 ? kme_errnof(err, errno, "connect: socket") : 0;
}

/* Start connecting to the URL's next address: 0 (in progress or done:
 * dial_check says), -1 with err when no address is left. */
static int dial_start(struct rc_conn *c, struct kme_err *err)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	int rc;

	if (c->url.kind == RU_UNIX) {
		if (strlen(c->url.path) >= sizeof(un.sun_path))
			return kme_errf(err, "connect: socket path too long");
		strcpy(un.sun_path, c->url.path);
		if (dial_socket(c, AF_UNIX, err) < 0)
			return -1;
		rc = connect(c->fd, (struct sockaddr *)&un, sizeof(un));
	} else {
		if (c->addr == NULL)
			return kme_errf(err, "connect: no address of %s answers",
					c->url.host);
		if (dial_socket(c, c->addr->ai_family, err) < 0)
			return -1;
		rc = connect(c->fd, c->addr->ai_addr, c->addr->ai_addrlen);
	}
	if (rc < 0 && errno != EINPROGRESS)
		return kme_errnof(err, errno, "connect");
	return 0;
}

int rcw_resolve(struct rc_conn *c, struct kme_err *err)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV | AI_NUMERICHOST };
	struct addrinfo *ai = NULL;
	char port[16];
	int rc;

	snprintf(port, sizeof(port), "%d", c->url.port);
	rc = getaddrinfo(c->url.host, port, &hints, &ai);
	if (rc == EAI_NONAME) {         /* a name: ask the resolver */
		hints.ai_flags = AI_NUMERICSERV;
		rc = getaddrinfo(c->url.host, port, &hints, &ai);
	}
	if (rc != 0)
		return kme_errf(err, "connect: %s: %s", c->url.host,
				gai_strerror(rc));
	if (c->addrs != NULL)
		freeaddrinfo(c->addrs);
	c->addrs = ai;
	return 0;
}

/* Is the connect done? 1 yes, 0 not yet, -1 with err: it failed. */
static int dial_check(struct rc_conn *c, struct kme_err *err)
{
	struct pollfd p = { .fd = c->fd, .events = POLLOUT };
	socklen_t len = sizeof(int);
	int e = 0;

	if (poll(&p, 1, 0) == 0 || (p.revents & (POLLOUT | POLLERR |
						 POLLHUP)) == 0)
		return 0;
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
		e = errno;
	return e != 0 ? kme_errnof(err, e, "connect") : 1;
}

int rcw_dial(struct rc_conn *c, struct kme_err *err)
{
	for (;;) {
		int rc = c->fd < 0 ? dial_start(c, err) : 0;

		if (rc == 0)
			rc = dial_check(c, err);
		if (rc >= 0)
			return rc;
		if (c->fd >= 0) {
			close(c->fd);
			c->fd = -1;
		}
		if (c->url.kind != RU_TCP || c->addr == NULL ||
		    c->addr->ai_next == NULL)
			return -1;
		c->addr = c->addr->ai_next;     /* the next address */
	}
}

#endif /* HAVE_HIREDIS */
