/* check_log.c - the program's own messages: where they go (stderr, a syslog
 * sink, a function), at which level, one line each, escaped. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "checkrun.h"
#include "log.h"
#include "output.h"

static char got[8192];
static int prios[16];
static int nlines;

static void capture(void *arg, int prio, const char *line)
{
	size_t n = strlen(got);

	(void)arg;
	if (nlines < 16)
		prios[nlines] = prio;
	nlines++;
	snprintf(got + n, sizeof(got) - n, "%s\n", line);
}

static void setup(void)
{
	got[0] = '\0';
	nlines = 0;
	log_set_verbose(false);
	log_to_fn(capture, NULL);
}

START_TEST(test_each_call_logs_at_its_level)
{
	log_errx("e %d", 1);
	log_warnx("w %s", "x");
	log_notice("n");
	log_info("i");
	ck_assert_str_eq(got, "e 1\nw x\nn\ni\n");
	ck_assert_int_eq(prios[0], LOG_ERR);
	ck_assert_int_eq(prios[1], LOG_WARNING);
	ck_assert_int_eq(prios[2], LOG_NOTICE);
	ck_assert_int_eq(prios[3], LOG_INFO);
}
END_TEST

START_TEST(test_debug_only_when_verbose)
{
	log_debug("quiet");
	ck_assert_int_eq(nlines, 0);
	log_set_verbose(true);
	log_debug("loud");
	ck_assert_str_eq(got, "loud\n");
	ck_assert_int_eq(prios[0], LOG_DEBUG);
}
END_TEST

START_TEST(test_warn_appends_errno_and_keeps_it)
{
	errno = ENOENT;
	log_warn("%s: open", "/x");
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_str_eq(got, "/x: open: No such file or directory\n");
}
END_TEST

START_TEST(test_every_line_of_a_message_is_its_own_message)
{
	log_errx("a.conf:1: bad\na.conf:2: worse\n");
	ck_assert_int_eq(nlines, 2);
	ck_assert_str_eq(got, "a.conf:1: bad\na.conf:2: worse\n");
}
END_TEST

START_TEST(test_control_bytes_and_invalid_utf8_are_escaped)
{
	log_warnx("path %s", "/tmp/\x1b[31m\"q\"\\\xff\xc3\xa9");
	/* \x1b as \u001b; the quote and backslash kept; \xff as the text
	 * \\xff (jsonw's form); valid UTF-8 kept. */
	ck_assert_str_eq(got, "path /tmp/\\u001b[31m\"q\"\\\\\\xff\xc3\xa9\n");
}
END_TEST

START_TEST(test_stderr_lines_carry_the_program_name)
{
	char path[] = "/tmp/check_log.XXXXXX", buf[256];
	int fd = mkstemp(path);
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(dup2(fd, STDERR_FILENO), 0);
	log_to_stderr();
	log_warnx("hello\nworld");
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "audisp-kmod-enum: hello\naudisp-kmod-enum: world\n");
	unlink(path);
	close(fd);
}
END_TEST

/* Plugin mode: the message goes through the non-blocking syslog sink, with
 * the sink's facility and the message's level. */
START_TEST(test_sink_mode_sends_a_syslog_datagram_at_the_level)
{
	char dir[] = "/tmp/check_log.XXXXXX", sock[128], buf[1024], want[64];
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct out_sink *sink;
	struct pollfd pfd;
	ssize_t n;
	int rx;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/log", dir);
	rx = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(rx, 0);
	strcpy(a.sun_path, sock);
	ck_assert_int_eq(bind(rx, (struct sockaddr *)&a, sizeof(a)), 0);
	sink = out_syslog_open(sock, LOG_AUTHPRIV, LOG_WARNING, 8, NULL);
	ck_assert_ptr_nonnull(sink);
	log_to_sink(sink);
	log_errx("reload: keeping the running configuration: x");
	pfd = (struct pollfd){ .fd = rx, .events = POLLIN };
	ck_assert_int_eq(poll(&pfd, 1, 5000), 1);
	n = recv(rx, buf, sizeof(buf) - 1, 0);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	snprintf(want, sizeof(want), "<%d>", LOG_AUTHPRIV | LOG_ERR);
	ck_assert_int_eq(strncmp(buf, want, strlen(want)), 0);
	ck_assert_ptr_nonnull(strstr(buf, "audisp-kmod-enum["));
	ck_assert_ptr_nonnull(strstr(buf, "]: reload: keeping the running "
				     "configuration: x"));
	log_to_stderr();
	out_close(sink);
	close(rx);
	unlink(sock);
	rmdir(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("log");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_each_call_logs_at_its_level);
	tcase_add_test(tc, test_debug_only_when_verbose);
	tcase_add_test(tc, test_warn_appends_errno_and_keeps_it);
	tcase_add_test(tc, test_every_line_of_a_message_is_its_own_message);
	tcase_add_test(tc, test_control_bytes_and_invalid_utf8_are_escaped);
	tcase_add_test(tc, test_stderr_lines_carry_the_program_name);
	tcase_add_test(tc, test_sink_mode_sends_a_syslog_datagram_at_the_level);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
