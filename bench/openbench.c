/* openbench.c - what an open(2) costs under the audit rules loaded now
 * (bench/proc-rules.sh): N opens and closes of PATH, timed.
 *
 *   openbench PATH N
 *
 * Prints "opens=N ns_per_open=X" (CLOCK_MONOTONIC, the whole loop over N).
 * Exit 1 when an open fails.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n, i;
	double t0;
	int fd;

	if (argc != 3 || (n = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: openbench PATH N\n");
		return 2;
	}
	t0 = now();
	for (i = 0; i < n; i++) {
		fd = openat(AT_FDCWD, argv[1], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			perror(argv[1]);
			return 1;
		}
		close(fd);
	}
	printf("opens=%ld ns_per_open=%.0f\n", n, (now() - t0) / (double)n);
	return 0;
}
