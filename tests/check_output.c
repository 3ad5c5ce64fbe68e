/* check_output.c - the syslog sink against a real datagram receiver, and the
 * stream sink. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "checkrun.h"
#include "clock.h"
#include "output.h"

/* A non-blocking guarantee, not a benchmark: generous on a busy machine. */
#define CALL_BOUND_MS 50

static char dir[64];
static char sock_path[128];
static int rx = -1;               /* the receiver, -1 when not bound */
static struct out_sink *sink;
static char msg[OUT_MAX_MSG + 512];

static void setup(void)
{
	strcpy(dir, "/tmp/kme-output-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sock_path, sizeof(sock_path), "%s/log", dir);
	rx = -1;
	sink = NULL;
}

static void teardown(void)
{
	out_close(sink);
	if (rx >= 0)
		close(rx);
	unlink(sock_path);
	rmdir(dir);
}

/* Bind the receiver (the "syslog daemon") at sock_path. */
static void rx_bind(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	rx = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(rx, 0);
	strcpy(a.sun_path, sock_path);
	ck_assert_int_eq(bind(rx, (struct sockaddr *)&a, sizeof(a)), 0);
}

static void rx_close(void)
{
	close(rx);
	rx = -1;
	unlink(sock_path);
}

/* One datagram into msg (NUL-terminated), waiting up to timeout_ms;
 * -1 when none came. */
static ssize_t rx_recv(int timeout_ms)
{
	struct pollfd p = { .fd = rx, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, timeout_ms) != 1)
		return -1;
	n = recv(rx, msg, sizeof(msg) - 1, MSG_DONTWAIT);
	if (n >= 0)
		msg[n] = '\0';
	return n;
}

/* The body of msg after checking the RFC 3164 header glibc would write:
 * "<PRI>Mmm dd hh:mm:ss audisp-kmod-enum[PID]: " with the local time of
 * [before, after]. */
static const char *body_of(int pri, time_t before, time_t after)
{
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
	};
	char want[128];
	struct tm tm;
	time_t t;
	size_t n;

	for (t = before; t <= after; t++) {
		ck_assert_ptr_nonnull(localtime_r(&t, &tm));
		n = (size_t)snprintf(want, sizeof(want),
				     "<%d>%s %2d %02d:%02d:%02d audisp-kmod-enum[%ld]: ",
				     pri, months[tm.tm_mon], tm.tm_mday, tm.tm_hour,
				     tm.tm_min, tm.tm_sec, (long)getpid());
		if (strncmp(msg, want, n) == 0)
			return msg + n;
	}
	ck_abort_msg("header of '%.80s' is not '%s'", msg, want);
	return NULL;
}

/* out_write, asserting it returns 0 and does not wait. */
static void write_fast(const char *line)
{
	int64_t t0 = clk_mono_ms();

	ck_assert_int_eq(out_write(sink, line, strlen(line)), 0);
	ck_assert_int_lt(clk_mono_ms() - t0, CALL_BOUND_MS);
}

static struct out_stats stats(void)
{
	struct out_stats st;

	out_stats(sink, &st);
	return st;
}

START_TEST(test_syslog_line_is_rfc3164_with_pri_ident_and_pid)
{
	time_t before, after;

	rx_bind();
	sink = out_syslog_open(sock_path, LOG_AUTHPRIV, LOG_WARNING, 8, NULL);
	ck_assert_ptr_nonnull(sink);
	before = time(NULL);
	write_fast("{\"event\":1}");
	after = time(NULL);
	ck_assert_int_gt(rx_recv(1000), 0);
	/* authpriv (10 << 3) | warning (4) */
	ck_assert_str_eq(body_of(84, before, after), "{\"event\":1}");
	ck_assert_uint_eq(stats().sent, 1);
	ck_assert_uint_eq(stats().queued, 0);
	ck_assert_uint_eq(stats().errors, 0);
}
END_TEST

START_TEST(test_write_prio_sets_the_priority_of_one_line)
{
	time_t before, after;

	rx_bind();
	sink = out_syslog_open(sock_path, LOG_LOCAL3, LOG_WARNING, 8, NULL);
	ck_assert_ptr_nonnull(sink);
	before = time(NULL);
	ck_assert_int_eq(out_write_prio(sink, LOG_NOTICE, "summary", 7), 0);
	ck_assert_int_eq(out_write(sink, "alert", 5), 0);
	after = time(NULL);
	ck_assert_int_gt(rx_recv(1000), 0);
	ck_assert_str_eq(body_of((19 << 3) | 5, before, after), "summary");
	ck_assert_int_gt(rx_recv(1000), 0);
	ck_assert_str_eq(body_of((19 << 3) | 4, before, after), "alert");
}
END_TEST

START_TEST(test_default_path_is_dev_log)
{
	/* Only the open: whether /dev/log exists here is not ours to test. */
	sink = out_syslog_open(NULL, LOG_DAEMON, LOG_INFO, 4, NULL);
	ck_assert_ptr_nonnull(sink);
}
END_TEST

START_TEST(test_stalled_receiver_never_blocks_and_keeps_newest_lines)
{
	enum { N = 200, QMAX = 32 };
	char line[32];
	struct out_stats st;
	size_t got = 0, sent_first, i, rounds;
	long want;

	rx_bind();
	sink = out_syslog_open(sock_path, LOG_AUTHPRIV, LOG_WARNING, QMAX, NULL);
	ck_assert_ptr_nonnull(sink);
	/* The receiver does not read: its queue fills after a few lines. */
	for (i = 0; i < N; i++) {
		snprintf(line, sizeof(line), "line %03zu", i);
		write_fast(line);
	}
	st = stats();
	sent_first = st.sent;
	ck_assert_uint_gt(sent_first, 0);
	ck_assert_uint_lt(sent_first, N - QMAX);
	ck_assert_uint_eq(st.queued, QMAX);
	ck_assert_uint_eq(st.dropped, N - QMAX - sent_first);
	ck_assert_uint_eq(st.errors, 0);
	ck_assert_int_ge(out_pollfd(sink), 0);

	/* The receiver wakes up: first what the kernel held, then the queue,
	 * oldest first, with the oldest waiting lines dropped. */
	for (rounds = 0; rounds < 10000 && got < sent_first + QMAX; rounds++) {
		while (rx_recv(0) > 0) {
			want = got < sent_first ? (long)got
						: (long)(N - QMAX + (got - sent_first));
			snprintf(line, sizeof(line), "line %03ld", want);
			ck_assert_str_eq(strstr(msg, "]: ") + 3, line);
			got++;
		}
		out_pump(sink);
	}
	ck_assert_uint_eq(got, sent_first + QMAX);
	ck_assert_int_eq(rx_recv(50), -1);
	st = stats();
	ck_assert_uint_eq(st.sent, sent_first + QMAX);
	ck_assert_uint_eq(st.queued, 0);
	ck_assert_int_eq(out_pollfd(sink), -1);
}
END_TEST

START_TEST(test_pollfd_waits_for_room_at_the_receiver)
{
	struct pollfd p;
	char line[16];
	int i;

	rx_bind();
	sink = out_syslog_open(sock_path, LOG_DAEMON, LOG_INFO, 4, NULL);
	ck_assert_ptr_nonnull(sink);
	ck_assert_int_eq(out_pollfd(sink), -1);
	for (i = 0; i < 1000 && stats().queued == 0; i++) {
		snprintf(line, sizeof(line), "l%d", i);
		write_fast(line);
	}
	ck_assert_uint_eq(stats().queued, 1);
	p = (struct pollfd){ .fd = out_pollfd(sink), .events = POLLOUT };
	ck_assert_int_ge(p.fd, 0);
	ck_assert_int_eq(poll(&p, 1, 0), 0);  /* receiver full: not writable */
	while (rx_recv(0) > 0)
		;
	ck_assert_int_eq(poll(&p, 1, 1000), 1);
	ck_assert_uint_eq(out_pump(sink), 0);
}
END_TEST

START_TEST(test_missing_socket_at_open_queues_until_receiver_appears)
{
	rx = -1;
	sink = out_syslog_open(sock_path, LOG_AUTHPRIV, LOG_WARNING, 8, NULL);
	ck_assert_ptr_nonnull(sink);
	write_fast("first");
	write_fast("second");
	write_fast("third");
	ck_assert_uint_eq(stats().queued, 3);
	ck_assert_uint_eq(stats().sent, 0);
	ck_assert_uint_eq(stats().errors, 1);  /* one outage, counted once */
	ck_assert_int_eq(out_pollfd(sink), -1); /* nothing to poll: retry later */
	ck_assert_uint_eq(out_pump(sink), 3);

	rx_bind();
	ck_assert_uint_eq(out_pump(sink), 0);
	ck_assert_int_gt(rx_recv(1000), 0);
	ck_assert_str_eq(strstr(msg, "]: ") + 3, "first");
	ck_assert_int_gt(rx_recv(1000), 0);
	ck_assert_str_eq(strstr(msg, "]: ") + 3, "second");
	ck_assert_int_gt(rx_recv(1000), 0);
	ck_assert_str_eq(strstr(msg, "]: ") + 3, "third");
	ck_assert_uint_eq(stats().sent, 3);
	ck_assert_uint_eq(stats().dropped, 0);
}
END_TEST

START_TEST(test_receiver_restart_reconnects_and_keeps_the_line)
{
	rx_bind();
	sink = out_syslog_open(sock_path, LOG_AUTHPRIV, LOG_WARNING, 8, NULL);
	ck_assert_ptr_nonnull(sink);
	write_fast("before");
	ck_assert_int_gt(rx_recv(1000), 0);

	rx_close();                 /* the daemon stops ... */
	write_fast("during");
	ck_assert_uint_eq(stats().queued, 1);
	ck_assert_uint_ge(stats().errors, 1);

	rx_bind();                  /* ... and starts again at the same path */
	write_fast("after");
	ck_assert_uint_eq(stats().queued, 0);
	ck_assert_int_gt(rx_recv(1000), 0);
	ck_assert_str_eq(strstr(msg, "]: ") + 3, "during");
	ck_assert_int_gt(rx_recv(1000), 0);
	ck_assert_str_eq(strstr(msg, "]: ") + 3, "after");
	ck_assert_uint_eq(stats().sent, 3);
}
END_TEST

START_TEST(test_long_line_is_truncated_and_counted)
{
	size_t len = OUT_MAX_MSG + 1000;
	char *line = malloc(len);
	const char *body;

	ck_assert_ptr_nonnull(line);
	memset(line, 'a', len);
	rx_bind();
	sink = out_syslog_open(sock_path, LOG_AUTHPRIV, LOG_WARNING, 8, NULL);
	ck_assert_ptr_nonnull(sink);
	ck_assert_int_eq(out_write(sink, line, len), 0);
	ck_assert_int_gt(rx_recv(1000), 0);
	body = strstr(msg, "]: ") + 3;
	ck_assert_uint_eq(strlen(body), OUT_MAX_MSG);
	ck_assert_uint_eq(stats().truncated, 1);
	ck_assert_uint_eq(stats().sent, 1);

	/* Exactly OUT_MAX_MSG is not truncated. */
	ck_assert_int_eq(out_write(sink, line, OUT_MAX_MSG), 0);
	ck_assert_int_gt(rx_recv(1000), 0);
	ck_assert_uint_eq(strlen(strstr(msg, "]: ") + 3), OUT_MAX_MSG);
	ck_assert_uint_eq(stats().truncated, 1);
	free(line);
}
END_TEST

START_TEST(test_truncation_does_not_split_a_utf8_character)
{
	size_t len = OUT_MAX_MSG + 10;
	char *line = malloc(len);

	ck_assert_ptr_nonnull(line);
	memset(line, 'a', len);
	/* U+4E2D (3 bytes) straddles the limit. */
	memcpy(line + OUT_MAX_MSG - 1, "\xe4\xb8\xad", 3);
	rx_bind();
	sink = out_syslog_open(sock_path, LOG_AUTHPRIV, LOG_WARNING, 8, NULL);
	ck_assert_ptr_nonnull(sink);
	ck_assert_int_eq(out_write(sink, line, len), 0);
	ck_assert_int_gt(rx_recv(1000), 0);
	ck_assert_uint_eq(strlen(strstr(msg, "]: ") + 3), OUT_MAX_MSG - 1);
	ck_assert_uint_eq(stats().truncated, 1);
	free(line);
}
END_TEST

START_TEST(test_zero_queue_drops_what_cannot_go_now)
{
	sink = out_syslog_open(sock_path, LOG_AUTHPRIV, LOG_WARNING, 0, NULL);
	ck_assert_ptr_nonnull(sink);
	ck_assert_int_eq(out_write(sink, "lost", 4), -1);
	ck_assert_uint_eq(stats().dropped, 1);
	ck_assert_uint_eq(stats().queued, 0);
	rx_bind();
	ck_assert_int_eq(out_write(sink, "kept", 4), 0);
	ck_assert_int_gt(rx_recv(1000), 0);
	ck_assert_str_eq(strstr(msg, "]: ") + 3, "kept");
}
END_TEST

START_TEST(test_queue_is_bounded_in_bytes_too)
{
	enum { N = 300, LEN = 60000 };
	char *line = malloc(LEN);
	struct out_stats st;
	size_t i;

	ck_assert_ptr_nonnull(line);
	memset(line, 'b', LEN);
	sink = out_syslog_open(sock_path, LOG_AUTHPRIV, LOG_WARNING, 1000, NULL);
	ck_assert_ptr_nonnull(sink);
	for (i = 0; i < N; i++)
		ck_assert_int_eq(out_write(sink, line, LEN), 0);
	st = stats();
	/* 16 MiB of 60 KB lines: fewer than N, far more than a few. */
	ck_assert_uint_lt(st.queued, N);
	ck_assert_uint_gt(st.queued, 200);
	ck_assert_uint_eq(st.queued + st.dropped, N);
	free(line);
}
END_TEST

START_TEST(test_drain_sends_waiting_lines_when_room_appears)
{
	char line[16];
	int64_t t0;
	int i;

	rx_bind();
	sink = out_syslog_open(sock_path, LOG_DAEMON, LOG_INFO, 8, NULL);
	ck_assert_ptr_nonnull(sink);
	for (i = 0; i < 1000 && stats().queued < 2; i++) {
		snprintf(line, sizeof(line), "l%d", i);
		write_fast(line);
	}
	ck_assert_uint_eq(stats().queued, 2);
	while (rx_recv(0) > 0)
		;
	t0 = clk_mono_ms();
	out_drain(sink, 2000);
	ck_assert_int_lt(clk_mono_ms() - t0, 1000);
	ck_assert_uint_eq(stats().queued, 0);
	ck_assert_int_gt(rx_recv(1000), 0);
	snprintf(line, sizeof(line), "l%d", i - 2);
	ck_assert_str_eq(strstr(msg, "]: ") + 3, line);
}
END_TEST

START_TEST(test_drain_gives_up_after_its_timeout)
{
	int64_t t0, took;

	sink = out_syslog_open(sock_path, LOG_DAEMON, LOG_INFO, 8, NULL);
	ck_assert_ptr_nonnull(sink);
	write_fast("nobody listens");
	t0 = clk_mono_ms();
	out_drain(sink, 200);
	took = clk_mono_ms() - t0;
	ck_assert_int_ge(took, 150);
	ck_assert_int_lt(took, 2000);
	ck_assert_uint_eq(stats().queued, 1);
}
END_TEST

START_TEST(test_open_rejects_a_path_too_long_for_sun_path)
{
	char path[200];
	struct kme_err err = { "" };

	memset(path, 'x', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	ck_assert_ptr_null(out_syslog_open(path, LOG_DAEMON, LOG_INFO, 8, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "path length 199"));
	ck_assert_ptr_null(out_syslog_open("", LOG_DAEMON, LOG_INFO, 8, &err));
}
END_TEST

START_TEST(test_stream_sink_writes_one_line_each)
{
	FILE *fp = tmpfile();
	char buf[64];
	size_t n;

	ck_assert_ptr_nonnull(fp);
	sink = out_stream_open(fp, "test output", NULL);
	ck_assert_ptr_nonnull(sink);
	ck_assert_int_eq(out_write(sink, "{\"a\":1}", 7), 0);
	ck_assert_int_eq(out_write_prio(sink, LOG_NOTICE, "summary", 7), 0);
	ck_assert_int_eq(out_write(sink, "", 0), 0);
	ck_assert_uint_eq(out_pump(sink), 0);
	ck_assert_int_eq(out_pollfd(sink), -1);
	out_drain(sink, 10);
	rewind(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "{\"a\":1}\nsummary\n\n");
	ck_assert_uint_eq(stats().sent, 3);
	out_close(sink);
	sink = NULL;
	/* The stream is the caller's: still open after out_close. */
	ck_assert_int_eq(fputc('x', fp), 'x');
	fclose(fp);
}
END_TEST

START_TEST(test_stream_sink_counts_write_errors)
{
	FILE *fp = fopen("/dev/full", "w");

	ck_assert_ptr_nonnull(fp);
	sink = out_stream_open(fp, "test output", NULL);
	ck_assert_ptr_nonnull(sink);
	ck_assert_int_eq(out_write(sink, "x", 1), -1);
	ck_assert_uint_eq(stats().errors, 1);
	ck_assert_uint_eq(stats().sent, 0);
	out_close(sink);
	sink = NULL;
	fclose(fp);
}
END_TEST

START_TEST(test_stream_sink_error_names_the_output_and_the_first_failure)
{
	struct kme_err err = { "" };
	FILE *fp = fopen("/dev/full", "w");
	int p[2];

	ck_assert_ptr_nonnull(fp);
	sink = out_stream_open(fp, "stdout", NULL);
	ck_assert_int_eq(out_error(sink, &err), 0);
	ck_assert_int_eq(out_write(sink, "x", 1), -1);
	ck_assert_int_eq(out_write(sink, "y", 1), -1);
	ck_assert_uint_eq(stats().errors, 2);
	ck_assert_int_eq(out_error(sink, &err), -1);
	ck_assert_str_eq(err.msg, "stdout: write: No space left on device");
	/* Said by the sink: closing the stream does not fail again. */
	out_close(sink);
	sink = NULL;
	ck_assert_int_eq(out_close_stream(fp, "stdout", &err), 0);

	/* A pipe whose reader has gone (SIGPIPE ignored, as main does). */
	signal(SIGPIPE, SIG_IGN);
	ck_assert_int_eq(pipe(p), 0);
	close(p[0]);
	fp = fdopen(p[1], "w");
	ck_assert_ptr_nonnull(fp);
	sink = out_stream_open(fp, "stdout", NULL);
	ck_assert_int_eq(out_write(sink, "x", 1), -1);
	ck_assert_int_eq(out_error(sink, &err), -1);
	ck_assert_str_eq(err.msg, "stdout: write: Broken pipe");
	out_close(sink);
	sink = NULL;
	fclose(fp);
}
END_TEST

START_TEST(test_a_working_stream_sink_has_no_error)
{
	struct kme_err err = { "" };
	FILE *fp = tmpfile();

	ck_assert_ptr_nonnull(fp);
	sink = out_stream_open(fp, "stdout", NULL);
	ck_assert_int_eq(out_write(sink, "x", 1), 0);
	ck_assert_int_eq(out_error(sink, &err), 0);
	ck_assert_str_eq(err.msg, "");
	out_close(sink);
	sink = NULL;
	ck_assert_int_eq(out_close_stream(fp, "stdout", &err), 0);
}
END_TEST

START_TEST(test_close_stream_fails_when_the_flush_does)
{
	struct kme_err err = { "" };
	FILE *fp = fopen("/dev/full", "w");

	/* Buffered: nothing fails until the flush at the end. */
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_ge(fputs("OK\n", fp), 0);
	ck_assert_int_eq(ferror(fp), 0);
	ck_assert_int_eq(out_close_stream(fp, "stdout", &err), -1);
	ck_assert_str_eq(err.msg, "stdout: write: No space left on device");
}
END_TEST

START_TEST(test_close_stream_fails_after_an_earlier_failed_write)
{
	struct kme_err err = { "" };
	FILE *fp = fopen("/dev/full", "w");

	/* The failed flush empties the buffer: only the error flag is left. */
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_ge(fputs("lost\n", fp), 0);
	ck_assert_int_eq(fflush(fp), EOF);
	ck_assert_int_eq(out_close_stream(fp, "stdout", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "stdout: write: "));
}
END_TEST

START_TEST(test_close_stream_fails_on_a_closed_descriptor)
{
	struct kme_err err = { "" };
	int fd = open("/dev/null", O_WRONLY);
	FILE *fp = fdopen(fd, "w");

	/* Nothing written, the descriptor gone under the stream: the close
	 * says it (EBADF). */
	ck_assert_ptr_nonnull(fp);
	close(fd);
	ck_assert_int_eq(out_close_stream(fp, "stdout", &err), -1);
	ck_assert_str_eq(err.msg, "stdout: close: Bad file descriptor");
}
END_TEST

START_TEST(test_syslog_sink_never_has_an_error_of_the_run)
{
	struct kme_err err = { "" };

	/* No receiver: the line waits, and a stall is counted, never an
	 * error that would stop the plugin. */
	sink = out_syslog_open(sock_path, LOG_DAEMON, LOG_INFO, 0, NULL);
	ck_assert_ptr_nonnull(sink);
	ck_assert_int_eq(out_write(sink, "x", 1), -1);
	ck_assert_uint_eq(stats().dropped, 1);
	ck_assert_int_eq(out_error(sink, &err), 0);
}
END_TEST

static Suite *output_suite(void)
{
	Suite *s = suite_create("output");
	TCase *sl = tcase_create("syslog");
	TCase *st = tcase_create("stream");

	tcase_add_checked_fixture(sl, setup, teardown);
	tcase_set_timeout(sl, 30);
	tcase_add_test(sl, test_syslog_line_is_rfc3164_with_pri_ident_and_pid);
	tcase_add_test(sl, test_write_prio_sets_the_priority_of_one_line);
	tcase_add_test(sl, test_default_path_is_dev_log);
	tcase_add_test(sl, test_stalled_receiver_never_blocks_and_keeps_newest_lines);
	tcase_add_test(sl, test_pollfd_waits_for_room_at_the_receiver);
	tcase_add_test(sl, test_missing_socket_at_open_queues_until_receiver_appears);
	tcase_add_test(sl, test_receiver_restart_reconnects_and_keeps_the_line);
	tcase_add_test(sl, test_long_line_is_truncated_and_counted);
	tcase_add_test(sl, test_truncation_does_not_split_a_utf8_character);
	tcase_add_test(sl, test_zero_queue_drops_what_cannot_go_now);
	tcase_add_test(sl, test_queue_is_bounded_in_bytes_too);
	tcase_add_test(sl, test_drain_sends_waiting_lines_when_room_appears);
	tcase_add_test(sl, test_drain_gives_up_after_its_timeout);
	tcase_add_test(sl, test_open_rejects_a_path_too_long_for_sun_path);
	tcase_add_test(sl, test_syslog_sink_never_has_an_error_of_the_run);
	suite_add_tcase(s, sl);

	tcase_add_test(st, test_stream_sink_writes_one_line_each);
	tcase_add_test(st, test_stream_sink_counts_write_errors);
	tcase_add_test(st, test_stream_sink_error_names_the_output_and_the_first_failure);
	tcase_add_test(st, test_a_working_stream_sink_has_no_error);
	tcase_add_test(st, test_close_stream_fails_when_the_flush_does);
	tcase_add_test(st, test_close_stream_fails_after_an_earlier_failed_write);
	tcase_add_test(st, test_close_stream_fails_on_a_closed_descriptor);
	suite_add_tcase(s, st);
	return s;
}

int main(void)
{
	return ck_run(output_suite());
}
