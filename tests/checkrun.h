/* checkrun.h - the main() of every Check suite, and the cases a machine
 * cannot run counted as skipped, never as passed; and ck_file_text, what
 * the suites read back of a small file.
 *
 * A group of cases that needs what this machine lacks (root, a mount) is
 * left out of its suite with ck_can(), which says why on stderr; the run
 * then ends as automake's SKIP (exit 77) when everything else passed, and
 * as a failure under CI=true (CI must not pass on tests that never ran;
 * tests/run-all.sh counts a SKIP as failed there too).
 */
#ifndef KME_CHECKRUN_H
#define KME_CHECKRUN_H

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned ck_skipped;

/* can, after saying on stderr that the cases `what` cannot run here when
 * they cannot (counted). Build and add their TCase only when true. */
static inline bool ck_can(bool can, const char *what)
{
	if (!can) {
		fprintf(stderr, "# SKIP %s\n", what);
		ck_skipped++;
	}
	return can;
}

/* The text of the file at path, its first 8191 bytes, in a buffer of the
 * calling suite's that the next call overwrites; NULL when the file cannot
 * be opened. */
static inline char *ck_file_text(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Run s in Check's default (fork) mode: the exit status of the suite. */
static inline int ck_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	const char *ci = getenv("CI");
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (failed != 0)
		return EXIT_FAILURE;
	if (ck_skipped == 0)
		return EXIT_SUCCESS;
	if (ci != NULL && strcmp(ci, "true") == 0) {
		fprintf(stderr, "not ok - %u group(s) of cases cannot run here, "
			"and CI=true\n", ck_skipped);
		return EXIT_FAILURE;
	}
	fprintf(stderr, "SKIP: %u group(s) of cases could not run here "
		"(# SKIP above)\n", ck_skipped);
	return 77;
}

#endif
