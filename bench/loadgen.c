/* loadgen.c - paced exec load for bench/live.sh, in C so that the generator
 * is not the bottleneck: RATE execs of /bin/true per second for SECONDS.
 *
 *   loadgen RATE SECONDS
 *
 * posix_spawn()s /bin/true (argv varies per exec) in batches every 10 ms of a
 * fixed schedule, reaping children as it goes, so the rate holds on average
 * even when a batch is late. Prints "execs=N seconds=S rate=R".
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double seconds, start, t;
	long rate, per_tick, k = 0, n = 0, i;
	char arg[32];

	if (argc != 3) {
		fprintf(stderr, "usage: loadgen RATE SECONDS\n");
		return 2;
	}
	rate = atol(argv[1]);
	seconds = atof(argv[2]);
	per_tick = rate / 100 > 0 ? rate / 100 : 1;
	start = now();
	while ((t = now()) - start < seconds) {
		double due = start + (double)k * 0.01;

		if (due > t) {
			struct timespec ts = { 0, (long)((due - t) * 1e9) };

			nanosleep(&ts, NULL);
		}
		for (i = 0; i < per_tick; i++) {
			char *args[] = { "/bin/true", arg, NULL };
			pid_t pid;

			snprintf(arg, sizeof(arg), "load-%ld", n);
			if (posix_spawn(&pid, "/bin/true", NULL, NULL, args, environ) == 0)
				n++;
		}
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		k++;
	}
	while (wait(NULL) > 0)
		;
	t = now() - start;
	printf("execs=%ld seconds=%.1f rate=%.0f\n", n, t, (double)n / t);
	return 0;
}
