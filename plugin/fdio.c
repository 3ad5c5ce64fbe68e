/* fdio.c - read and write, interrupted calls retried (see fdio.h). */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "fdio.h"

ssize_t fdio_read(int fd, void *buf, size_t n)
{
	ssize_t r;

	do
		r = read(fd, buf, n);
	while (r < 0 && errno == EINTR);
	return r;
}

ssize_t fdio_read_full(int fd, void *buf, size_t n)
{
	char *p = buf;
	size_t got = 0;

	while (got < n) {
		ssize_t r = fdio_read(fd, p + got, n - got);

		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

int fdio_write_full(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w == 0)
			errno = EIO;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int fdio_hold_std(void)
{
	static const int wrong_way[] = { O_WRONLY, O_RDONLY, O_RDONLY };
	int fd, nfd;

	for (fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* The lower ones are open: this is the lowest free number. */
		nfd = open("/dev/null", wrong_way[fd]);
		if (nfd < 0)
			return -1;
		if (nfd != fd) {
			errno = EBADF;
			close(nfd);
			return -1;
		}
	}
	return 0;
}
