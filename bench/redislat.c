/* redislat.c - the time one new-terms decision takes, per store: the
 * latency a match adds with the Redis store (redisstore.h) against the
 * in-memory term table every other store uses.
 *
 *   redislat N URL...   (URL: "memory", redis://..., unix://...)
 *
 * For each store: N sightings through nt_check_touch (the engine's call per
 * match), half of them new terms and half repeats of earlier ones, with
 * the shipped configuration; each call timed with CLOCK_MONOTONIC. Prints
 * one line per store: p50, p90, p99, max in microseconds, and the calls
 * decided locally (fallbacks: must be 0 for a valid figure). Built by
 * bench/redis.sh against the build's libkme.a. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cfg.h"
#include "newterms.h"
#include "redisconn.h"
#include "redisstore.h"

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct kme_config *cfg = NULL;
	struct kme_err err = { "" };
	long n = argc > 1 ? atol(argv[1]) : 0;
	double *lat;
	int a;

	if (argc < 3 || n <= 0) {
		fprintf(stderr, "usage: redislat N URL...\n");
		return 2;
	}
	if (cfg_load_default(&cfg, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	lat = calloc((size_t)n, sizeof(*lat));
	printf("%-40s %8s %8s %8s %8s %8s %9s\n", "store", "calls", "p50_us",
	       "p90_us", "p99_us", "max_us", "fallbacks");
	for (a = 2; a < argc; a++) {
		const struct rc_opts o = {
			.url = argv[a],
			.connect_timeout = cfg->redis_connect_timeout,
			.command_timeout = cfg->redis_command_timeout,
		};
		struct rc_conn *conn = NULL;
		struct nt_store *s;
		struct nt_stats st;
		char exe[64], parent[64];
		long i;

		if (strcmp(argv[a], "memory") == 0)
			s = nt_store_memory_open(cfg, &err);
		else if ((conn = rc_new(&o, &err)) == NULL ||
			 rc_start(conn, true, &err) < 0)
			s = NULL;
		else
			s = rs_open(cfg, conn, RS_BLOCKING, &err);
		if (s == NULL) {
			fprintf(stderr, "%s: %s\n", argv[a], err.msg);
			return 1;
		}
		for (i = 0; i < n; i++) {
			/* Even calls: a new term; odd: the previous one again. */
			long k = i / 2;
			struct nt_term t = { .n = 2 };
			struct nt_seen seen;
			double t0;

			snprintf(exe, sizeof(exe), "/opt/bench%ld/lsmod", k);
			snprintf(parent, sizeof(parent), "/usr/bin/bash");
			t.v[0] = (struct kme_str){ exe, strlen(exe) };
			t.v[1] = (struct kme_str){ parent, strlen(parent) };
			t0 = now_us();
			nt_check_touch(s, &t, (int64_t)1700000000000 + i, &seen,
				       &err);
			lat[i] = now_us() - t0;
		}
		nt_stats(s, &st);
		qsort(lat, (size_t)n, sizeof(*lat), cmp);
		printf("%-40s %8ld %8.1f %8.1f %8.1f %8.1f %9llu\n", argv[a], n,
		       lat[n / 2], lat[n * 9 / 10], lat[n * 99 / 100],
		       lat[n - 1], (unsigned long long)st.fallbacks);
		nt_destroy(s);
		rc_free(conn);
	}
	free(lat);
	cfg_free(cfg);
	return 0;
}
