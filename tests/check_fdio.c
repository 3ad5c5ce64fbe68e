/* check_fdio.c - reads and writes that a signal does not cut short. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checkrun.h"
#include "fdio.h"

static int alarm_fd = -1;

/* Interrupts the read blocked on the pipe, then gives it its byte. */
static void on_alarm(int sig)
{
	(void)sig;
	if (write(alarm_fd, "x", 1) != 1)
		_exit(2);
}

START_TEST(test_read_full_stops_at_end_of_file)
{
	int p[2];
	char buf[16];

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(write(p[1], "abc", 3), 3);
	close(p[1]);
	ck_assert_int_eq(fdio_read_full(p[0], buf, sizeof(buf)), 3);
	ck_assert_mem_eq(buf, "abc", 3);
	ck_assert_int_eq(fdio_read_full(p[0], buf, sizeof(buf)), 0);
	close(p[0]);
}
END_TEST

START_TEST(test_read_full_gathers_short_reads_up_to_n)
{
	int p[2];
	char buf[8];

	ck_assert_int_eq(pipe(p), 0);
	/* Two writes, two reads' worth: the second is only waited for. */
	ck_assert_int_eq(write(p[1], "abc", 3), 3);
	ck_assert_int_eq(write(p[1], "defgh", 5), 5);
	ck_assert_int_eq(fdio_read_full(p[0], buf, 6), 6);
	ck_assert_mem_eq(buf, "abcdef", 6);
	close(p[1]);
	ck_assert_int_eq(fdio_read_full(p[0], buf, sizeof(buf)), 2);
	close(p[0]);
}
END_TEST

START_TEST(test_a_read_interrupted_by_a_signal_is_retried)
{
	struct sigaction sa;
	struct itimerval t = { { 0, 0 }, { 0, 20 * 1000 } };
	int p[2];
	char c = 0;

	ck_assert_int_eq(pipe(p), 0);
	alarm_fd = p[1];
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;      /* no SA_RESTART: read fails EINTR */
	ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);
	ck_assert_int_eq(setitimer(ITIMER_REAL, &t, NULL), 0);
	ck_assert_int_eq(fdio_read(p[0], &c, 1), 1);
	ck_assert_int_eq(c, 'x');
	close(p[0]);
	close(p[1]);
}
END_TEST

START_TEST(test_an_error_is_minus_one_with_errno)
{
	int p[2];
	char c;

	ck_assert_int_eq(pipe(p), 0);
	signal(SIGPIPE, SIG_IGN);
	close(p[0]);
	errno = 0;
	ck_assert_int_eq(fdio_write_full(p[1], "x", 1), -1);
	ck_assert_int_eq(errno, EPIPE);
	errno = 0;
	ck_assert_int_eq(fdio_read_full(p[1], &c, 1), -1);
	ck_assert_int_eq(errno, EBADF);
	close(p[1]);
}
END_TEST

START_TEST(test_write_full_writes_everything)
{
	static char big[256 * 1024], back[sizeof(big)];
	int p[2];
	pid_t pid;

	memset(big, 'k', sizeof(big));
	ck_assert_int_eq(pipe(p), 0);
	/* More than a pipe holds: written in several calls while a child
	 * drains it. */
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		close(p[0]);
		_exit(fdio_write_full(p[1], big, sizeof(big)) == 0 ? 0 : 1);
	}
	close(p[1]);
	ck_assert_int_eq(fdio_read_full(p[0], back, sizeof(back)),
			 (ssize_t)sizeof(back));
	ck_assert_mem_eq(back, big, sizeof(big));
	close(p[0]);
}
END_TEST

/* In a child (the descriptors are the process's): close stdout and stderr,
 * hold them, then see each fail as a closed one would while nothing new
 * takes their numbers. The child's status says which step failed. */
static int hold_in_child(void)
{
	int fd;

	close(1);
	close(2);
	if (fdio_hold_std() != 0)
		return 1;
	if (write(1, "x", 1) != -1 || errno != EBADF)
		return 2;
	if (write(2, "x", 1) != -1 || errno != EBADF)
		return 3;
	fd = open("/dev/null", O_WRONLY);
	if (fd < 3)
		return 4;
	close(fd);
	/* Open ones are left alone: stdin is still the test's. */
	if ((fcntl(0, F_GETFL) & O_ACCMODE) == O_WRONLY)
		return 5;
	return fdio_hold_std() == 0 ? 0 : 6;
}

START_TEST(test_a_closed_stdout_stays_closed_and_its_number_taken)
{
	pid_t pid = fork();
	int st;

	ck_assert_int_ne(pid, -1);
	if (pid == 0)
		_exit(hold_in_child());
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fdio");
	TCase *tc = tcase_create("fdio");

	tcase_add_test(tc, test_read_full_stops_at_end_of_file);
	tcase_add_test(tc, test_read_full_gathers_short_reads_up_to_n);
	tcase_add_test(tc, test_a_read_interrupted_by_a_signal_is_retried);
	tcase_add_test(tc, test_an_error_is_minus_one_with_errno);
	tcase_add_test(tc, test_write_full_writes_everything);
	tcase_add_test(tc, test_a_closed_stdout_stays_closed_and_its_number_taken);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
