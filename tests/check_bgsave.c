/* check_bgsave.c - slow work in a forked child: it starts without waiting,
 * sees the memory of the moment it was forked, reports its failure, is
 * reaped without blocking, and never outlives the process that forked it.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bgsave.h"
#include "checkrun.h"
#include "clock.h"

static char g_dir[] = "/tmp/check_bgsave.XXXXXX";

static void pause_ms(long ms)
{
	struct timespec d = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&d, &d) < 0 && errno == EINTR)
		;
}

/* Poll (deadline 10 s) until the job ended; its verdict in *ok. */
static void reap(struct bg_job *j, bool *ok, struct kme_err *err)
{
	int64_t deadline = clk_mono_ms() + 10000;

	while (bg_poll(j, ok, err) == 0) {
		ck_assert_msg(clk_mono_ms() < deadline, "the child did not end");
		pause_ms(2);
	}
	ck_assert(!bg_running(j));
}

struct work {
	const char *path;   /* written by the child */
	int value;          /* what the child writes */
	long sleep_ms;      /* before writing */
	bool fail;
};

static int do_work(void *arg, struct kme_err *err)
{
	struct work *w = arg;
	char in;
	FILE *f;

	pause_ms(w->sleep_ms);
	if (w->fail)
		return kme_errf(err, "%s: write: disk on fire", w->path);
	f = fopen(w->path, "w");
	if (f == NULL)
		return kme_errnof(err, errno, "%s", w->path);
	/* stdin is /dev/null in the child: an immediate end of file. */
	fprintf(f, "%d %zd", w->value, read(STDIN_FILENO, &in, 1));
	fclose(f);
	return 0;
}

static void path_of(char *out, size_t size, const char *name)
{
	snprintf(out, size, "%s/%s", g_dir, name);
}

START_TEST(test_a_job_runs_in_the_child_and_is_reaped_as_done)
{
	struct bg_job j = BG_JOB_INIT;
	struct kme_err err = { "" };
	char path[256];
	struct work w = { path, 7, 0, false };
	bool ok = false;

	path_of(path, sizeof(path), "done");
	ck_assert_int_eq(bg_start(&j, do_work, &w, &err), 0);
	ck_assert(bg_running(&j));
	reap(&j, &ok, &err);
	ck_assert(ok);
	ck_assert_str_eq(ck_file_text(path), "7 0");
}
END_TEST

START_TEST(test_start_does_not_wait_for_the_work)
{
	struct bg_job j = BG_JOB_INIT;
	struct kme_err err = { "" };
	char path[256];
	struct work w = { path, 1, 500, false };
	int64_t t0 = clk_mono_ms();
	bool ok = false;

	path_of(path, sizeof(path), "slow");
	ck_assert_int_eq(bg_start(&j, do_work, &w, &err), 0);
	ck_assert_int_lt(clk_mono_ms() - t0, 100);
	ck_assert_int_eq(bg_poll(&j, &ok, &err), 0);   /* still working */
	ck_assert(bg_running(&j));
	reap(&j, &ok, &err);
	ck_assert(ok);
	ck_assert_int_ge(clk_mono_ms() - t0, 500);
}
END_TEST

START_TEST(test_the_child_sees_memory_as_it_was_at_the_fork)
{
	struct bg_job j = BG_JOB_INIT;
	struct kme_err err = { "" };
	char path[256];
	struct work w = { path, 41, 200, false };
	bool ok = false;

	path_of(path, sizeof(path), "snapshot");
	ck_assert_int_eq(bg_start(&j, do_work, &w, &err), 0);
	w.value = 42;   /* after the fork: the child's copy keeps 41 */
	reap(&j, &ok, &err);
	ck_assert(ok);
	ck_assert_str_eq(ck_file_text(path), "41 0");
}
END_TEST

START_TEST(test_a_failure_comes_back_with_its_message)
{
	struct bg_job j = BG_JOB_INIT;
	struct kme_err err = { "" };
	struct work w = { "/x/state.json", 0, 0, true };
	bool ok = true;

	ck_assert_int_eq(bg_start(&j, do_work, &w, &err), 0);
	reap(&j, &ok, &err);
	ck_assert(!ok);
	ck_assert_str_eq(err.msg, "/x/state.json: write: disk on fire");
}
END_TEST

START_TEST(test_a_child_killed_by_a_signal_is_a_failure_that_says_so)
{
	struct bg_job j = BG_JOB_INIT;
	struct kme_err err = { "" };
	char path[256];
	struct work w = { path, 0, 5000, false };
	bool ok = true;

	path_of(path, sizeof(path), "killed");
	ck_assert_int_eq(bg_start(&j, do_work, &w, &err), 0);
	ck_assert_int_eq(kill(j.pid, SIGKILL), 0);
	reap(&j, &ok, &err);
	ck_assert(!ok);
	ck_assert_str_eq(err.msg, "background save: killed by signal 9");
}
END_TEST

/* The plugin's handlers must not run in the child: SIGTERM ends it. */
static void ignore_term(int sig)
{
	(void)sig;
}

START_TEST(test_the_child_takes_default_signals)
{
	struct bg_job j = BG_JOB_INIT;
	struct kme_err err = { "" };
	char path[256];
	struct work w = { path, 0, 5000, false };
	bool ok = true;

	signal(SIGTERM, ignore_term);
	path_of(path, sizeof(path), "term");
	ck_assert_int_eq(bg_start(&j, do_work, &w, &err), 0);
	pause_ms(100);   /* past child_prepare */
	ck_assert_int_eq(kill(j.pid, SIGTERM), 0);
	reap(&j, &ok, &err);
	ck_assert(!ok);
	ck_assert_str_eq(err.msg, "background save: killed by signal 15");
}
END_TEST

START_TEST(test_cancel_kills_and_reaps_the_child)
{
	struct bg_job j = BG_JOB_INIT;
	struct kme_err err = { "" };
	char path[256];
	struct work w = { path, 0, 5000, false };
	int64_t t0;
	pid_t pid;

	path_of(path, sizeof(path), "cancelled");
	ck_assert_int_eq(bg_start(&j, do_work, &w, &err), 0);
	pid = j.pid;
	t0 = clk_mono_ms();
	bg_cancel(&j);
	ck_assert_int_lt(clk_mono_ms() - t0, 1000);
	ck_assert(!bg_running(&j));
	ck_assert_int_eq(j.errfd, -1);
	ck_assert_int_eq(waitpid(pid, NULL, WNOHANG), -1);   /* reaped */
	ck_assert_int_eq(errno, ECHILD);
	ck_assert_ptr_null(ck_file_text(path));
	bg_cancel(&j);   /* none running: nothing */
}
END_TEST

START_TEST(test_the_child_dies_with_the_process_that_forked_it)
{
	char path[256];
	int p[2];
	pid_t middle, grandchild = 0;
	int64_t deadline;

	path_of(path, sizeof(path), "orphan");
	ck_assert_int_eq(pipe(p), 0);
	middle = fork();
	ck_assert_int_ge(middle, 0);
	if (middle == 0) {
		struct bg_job j = BG_JOB_INIT;
		struct work w = { path, 0, 3000, false };

		close(p[0]);
		if (bg_start(&j, do_work, &w, NULL) != 0)
			_exit(1);
		if (write(p[1], &j.pid, sizeof(j.pid)) != sizeof(j.pid))
			_exit(1);
		pause_ms(100);   /* the child has set PDEATHSIG by then */
		_exit(0);        /* the middle dies; its child must follow */
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &grandchild, sizeof(grandchild)),
			 sizeof(grandchild));
	close(p[0]);
	ck_assert_int_eq(waitpid(middle, NULL, 0), middle);
	/* Gone, or a zombie waiting for whoever inherited it. */
	deadline = clk_mono_ms() + 2000;
	for (;;) {
		char stat[64], *st;

		snprintf(stat, sizeof(stat), "/proc/%d/stat", (int)grandchild);
		st = ck_file_text(stat);
		if (st == NULL || strstr(st, ") Z ") != NULL)
			break;
		ck_assert_msg(clk_mono_ms() < deadline,
			      "the orphaned child still runs: %s", st);
		pause_ms(5);
	}
	ck_assert_ptr_null(ck_file_text(path));   /* it never wrote */
}
END_TEST

static Suite *bgsave_suite(void)
{
	Suite *s = suite_create("bgsave");
	TCase *tc = tcase_create("job");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_a_job_runs_in_the_child_and_is_reaped_as_done);
	tcase_add_test(tc, test_start_does_not_wait_for_the_work);
	tcase_add_test(tc, test_the_child_sees_memory_as_it_was_at_the_fork);
	tcase_add_test(tc, test_a_failure_comes_back_with_its_message);
	tcase_add_test(tc, test_a_child_killed_by_a_signal_is_a_failure_that_says_so);
	tcase_add_test(tc, test_the_child_takes_default_signals);
	tcase_add_test(tc, test_cancel_kills_and_reaps_the_child);
	tcase_add_test(tc, test_the_child_dies_with_the_process_that_forked_it);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	char cmd[300];
	int rc;

	if (mkdtemp(g_dir) == NULL)
		return EXIT_FAILURE;
	rc = ck_run(bgsave_suite());
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_dir);
	if (system(cmd) != 0 && rc == EXIT_SUCCESS)
		rc = EXIT_FAILURE;
	return rc;
}
