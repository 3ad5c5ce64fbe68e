/* fdio.h - read(2) and write(2) as the program means them: a signal that
 * interrupts a call (EINTR) is not an error, it is retried. Every loop over
 * read or write goes through here (plugin/fdio.c, prefix fdio_).
 *
 * Errors are errno values: -1 with errno set (EAGAIN on a non-blocking fd
 * with nothing to read is one; the caller decides). No allocation.
 */
#ifndef KME_FDIO_H
#define KME_FDIO_H

#include <stddef.h>
#include <sys/types.h>

/* One read of at most n bytes: what read(2) gives (0 at end of file). */
ssize_t fdio_read(int fd, void *buf, size_t n);

/* Read until n bytes or end of file: the bytes read, fewer than n only at
 * end of file; -1 on an error (what was read before it is in buf, its
 * count lost). Blocks as fd blocks: for files, not for pipes one waits on. */
ssize_t fdio_read_full(int fd, void *buf, size_t n);

/* Write all n bytes. 0, or -1 (a write of nothing is EIO). */
int fdio_write_full(int fd, const void *buf, size_t n);

/* Hold the standard descriptors (0, 1, 2) the program was started without:
 * each closed one gets /dev/null opened the wrong way round (stdin write
 * only, stdout and stderr read only), so that using it still fails as a
 * closed descriptor does (EBADF), and no file or socket the program opens
 * later can take its number: an alert written to a closed stdout must fail,
 * never land in a state file or a Redis connection that happened to get
 * descriptor 1. Call first thing in main. 0, or -1 with errno (/dev/null
 * could not be opened). */
int fdio_hold_std(void);

#endif
