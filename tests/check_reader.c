/* check_reader.c - bytes to bounded lines, from memory and from a real pipe. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkrun.h"
#include "reader.h"

#define MAX_KEPT 64

/* What the callback saw: the first MAX_KEPT lines (copied), and a count. */
struct seen {
	size_t n;
	char *line[MAX_KEPT];
	size_t len[MAX_KEPT];
};

static void collect(void *arg, const char *line, size_t len)
{
	struct seen *s = arg;

	if (s->n < MAX_KEPT) {
		s->line[s->n] = malloc(len + 1);
		if (s->line[s->n] == NULL)
			ck_abort_msg("out of memory");
		memcpy(s->line[s->n], line, len);
		s->line[s->n][len] = '\0';
		s->len[s->n] = len;
	}
	s->n++;
}

static void seen_free(struct seen *s)
{
	size_t i;

	for (i = 0; i < s->n && i < MAX_KEPT; i++)
		free(s->line[i]);
	memset(s, 0, sizeof(*s));
}

static struct rd_reader *new_reader(size_t max_line)
{
	struct kme_err err = { "" };
	struct rd_reader *r = rd_new(max_line, &err);

	ck_assert_msg(r != NULL, "rd_new: %s", err.msg);
	return r;
}

static void push_str(struct rd_reader *r, const char *s, struct seen *out)
{
	rd_push(r, s, strlen(s), collect, out);
}

static const char records[] =
	"type=SYSCALL msg=audit(1795728867.245:6): arch=c000003e syscall=59 success=yes exit=0\n"
	"type=EXECVE msg=audit(1795728867.245:6): argc=1 a0=\"lsmod\"\n"
	"type=CWD msg=audit(1795728867.245:6): cwd=\"/tmp/at\"\n"
	"type=PROCTITLE msg=audit(1795728867.245:6): proctitle=\"lsmod\"\n";

START_TEST(test_complete_lines_are_delivered_without_newline)
{
	struct rd_reader *r = new_reader(0);
	struct seen s = { 0 };
	struct rd_stats st;

	push_str(r, records, &s);
	ck_assert_uint_eq(s.n, 4);
	ck_assert_str_eq(s.line[1], "type=EXECVE msg=audit(1795728867.245:6): argc=1 a0=\"lsmod\"");
	ck_assert_str_eq(s.line[3], "type=PROCTITLE msg=audit(1795728867.245:6): proctitle=\"lsmod\"");
	rd_stats(r, &st);
	ck_assert_uint_eq(st.lines, 4);
	ck_assert_uint_eq(st.bytes, strlen(records));
	ck_assert_uint_eq(st.too_long, 0);
	ck_assert_uint_eq(st.bad_bytes, 0);
	seen_free(&s);
	rd_free(r);
}
END_TEST

START_TEST(test_byte_by_byte_push_delivers_the_same_lines)
{
	struct rd_reader *whole = new_reader(0), *bytes = new_reader(0);
	struct seen a = { 0 }, b = { 0 };
	size_t i;

	push_str(whole, records, &a);
	for (i = 0; i < strlen(records); i++)
		rd_push(bytes, records + i, 1, collect, &b);
	ck_assert_uint_eq(a.n, b.n);
	for (i = 0; i < a.n; i++) {
		ck_assert_uint_eq(a.len[i], b.len[i]);
		ck_assert_str_eq(a.line[i], b.line[i]);
	}
	seen_free(&a);
	seen_free(&b);
	rd_free(whole);
	rd_free(bytes);
}
END_TEST

START_TEST(test_every_two_chunk_split_delivers_the_same_lines)
{
	size_t cut, n = strlen(records), i;
	struct seen ref = { 0 };
	struct rd_reader *r = new_reader(0);

	push_str(r, records, &ref);
	rd_free(r);
	for (cut = 0; cut <= n; cut++) {
		struct seen s = { 0 };

		r = new_reader(0);
		rd_push(r, records, cut, collect, &s);
		rd_push(r, records + cut, n - cut, collect, &s);
		ck_assert_uint_eq(s.n, ref.n);
		for (i = 0; i < s.n; i++)
			ck_assert_str_eq(s.line[i], ref.line[i]);
		seen_free(&s);
		rd_free(r);
	}
	seen_free(&ref);
}
END_TEST

START_TEST(test_crlf_line_ends_lose_the_carriage_return)
{
	struct rd_reader *r = new_reader(0);
	struct seen s = { 0 };

	push_str(r, "one\r\ntwo\r", &s);
	ck_assert_uint_eq(s.n, 1);
	push_str(r, "\nthree\n", &s); /* '\r' and '\n' in different chunks */
	ck_assert_uint_eq(s.n, 3);
	ck_assert_str_eq(s.line[0], "one");
	ck_assert_str_eq(s.line[1], "two");
	ck_assert_str_eq(s.line[2], "three");
	ck_assert_uint_eq(s.len[1], 3);
	seen_free(&s);
	rd_free(r);
}
END_TEST

START_TEST(test_line_of_exactly_max_line_bytes_is_delivered)
{
	struct rd_reader *r = new_reader(16);
	struct seen s = { 0 };
	struct rd_stats st;

	push_str(r, "0123456789abcdef\nnext\n", &s);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_str_eq(s.line[0], "0123456789abcdef");
	rd_stats(r, &st);
	ck_assert_uint_eq(st.too_long, 0);
	seen_free(&s);
	rd_free(r);
}
END_TEST

START_TEST(test_line_one_byte_over_max_is_discarded_and_counted)
{
	struct rd_reader *r = new_reader(16);
	struct seen s = { 0 };
	struct rd_stats st;

	push_str(r, "before\n0123456789abcdefX\nafter line\n", &s);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_str_eq(s.line[0], "before");
	ck_assert_str_eq(s.line[1], "after line");
	rd_stats(r, &st);
	ck_assert_uint_eq(st.too_long, 1);
	ck_assert_uint_eq(st.lines, 2);
	seen_free(&s);
	rd_free(r);
}
END_TEST

START_TEST(test_over_long_line_pushed_byte_by_byte_is_counted_once)
{
	static const char in[] = "0123456789abcdefXYZ0123456789\nafter\n";
	struct rd_reader *r = new_reader(16);
	struct seen s = { 0 };
	struct rd_stats st;
	size_t i;

	for (i = 0; i < sizeof(in) - 1; i++)
		rd_push(r, in + i, 1, collect, &s);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_str_eq(s.line[0], "after");
	rd_stats(r, &st);
	ck_assert_uint_eq(st.too_long, 1);
	seen_free(&s);
	rd_free(r);
}
END_TEST

START_TEST(test_one_mib_line_with_64k_max_is_discarded_next_line_intact)
{
	size_t big = 1024 * 1024, i;
	char *in = malloc(big + 64);
	struct rd_reader *r = new_reader(RD_DEFAULT_MAX_LINE);
	struct seen s = { 0 };
	struct rd_stats st;

	ck_assert_ptr_nonnull(in);
	for (i = 0; i < big; i++)
		in[i] = (char)('a' + i % 26);
	memcpy(in + big, "\ntype=EOE msg=audit(1.0:1): \n", 29);
	rd_push(r, in, big + 29, collect, &s);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_str_eq(s.line[0], "type=EOE msg=audit(1.0:1): ");
	rd_stats(r, &st);
	ck_assert_uint_eq(st.too_long, 1);
	ck_assert_uint_eq(st.bytes, big + 29);
	/* The same in odd-sized chunks. */
	seen_free(&s);
	for (i = 0; i < big + 29; i += 7777)
		rd_push(r, in + i, (big + 29 - i) < 7777 ? big + 29 - i : 7777, collect, &s);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_str_eq(s.line[0], "type=EOE msg=audit(1.0:1): ");
	rd_stats(r, &st);
	ck_assert_uint_eq(st.too_long, 2);
	seen_free(&s);
	free(in);
	rd_free(r);
}
END_TEST

START_TEST(test_line_with_nul_byte_is_discarded_and_counted)
{
	static const char in[] = "good one\nbad\0line\ngood two\n";
	struct rd_reader *r = new_reader(0);
	struct seen s = { 0 };
	struct rd_stats st;

	rd_push(r, in, sizeof(in) - 1, collect, &s);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_str_eq(s.line[0], "good one");
	ck_assert_str_eq(s.line[1], "good two");
	rd_stats(r, &st);
	ck_assert_uint_eq(st.bad_bytes, 1);
	ck_assert_uint_eq(st.lines, 2);
	seen_free(&s);
	rd_free(r);
}
END_TEST

/* auditd 4.1+ (audisp/audispd.c, event_loop) copies a record's
 * MAX_AUDIT_MESSAGE_LENGTH (8970) bytes to the plugin and appends '\n';
 * auditd cut the record to 8969 bytes with strndup, so the 8970th byte is
 * its NUL: 8969 bytes of text, NUL, newline. */
START_TEST(test_record_cut_by_auditd_41_is_kept_up_to_its_nul)
{
	static const char head[] =
		"type=EXECVE msg=audit(1795728867.245:7): argc=2 a0=\"lsmod\" a1=";
	static const char eoe[] = "type=EOE msg=audit(1795728867.245:7): \n";
	const size_t text = 8969;
	char *in = malloc(text + 2 + sizeof(eoe));
	struct rd_reader *r = new_reader(0);
	struct seen s = { 0 };
	struct rd_stats st;
	size_t i, n;

	ck_assert_ptr_nonnull(in);
	memcpy(in, head, sizeof(head) - 1);
	for (i = sizeof(head) - 1; i < text; i++)
		in[i] = "0123456789ABCDEF"[i % 16];   /* a hex-encoded argument */
	in[text] = '\0';
	in[text + 1] = '\n';
	n = text + 2;
	memcpy(in + n, eoe, sizeof(eoe) - 1);
	n += sizeof(eoe) - 1;
	rd_push(r, in, n, collect, &s);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_uint_eq(s.len[0], text);
	ck_assert_mem_eq(s.line[0], in, text);
	ck_assert_str_eq(s.line[1], "type=EOE msg=audit(1795728867.245:7): ");
	rd_stats(r, &st);
	ck_assert_uint_eq(st.bad_bytes, 0);
	ck_assert_uint_eq(st.lines, 2);
	seen_free(&s);
	free(in);
	rd_free(r);
}
END_TEST

/* Only the NUL of a cut record is forgiven: one with another NUL before
 * it is still not a C string auparse could take. */
START_TEST(test_nul_before_the_last_byte_still_discards_the_line)
{
	static const char in[] = "cut\0\nx\0y\0\n\0\nok\n";
	struct rd_reader *r = new_reader(0);
	struct seen s = { 0 };
	struct rd_stats st;

	rd_push(r, in, sizeof(in) - 1, collect, &s);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_str_eq(s.line[0], "cut");
	ck_assert_str_eq(s.line[1], "ok");
	rd_stats(r, &st);
	ck_assert_uint_eq(st.bad_bytes, 1);
	seen_free(&s);
	rd_free(r);
}
END_TEST

START_TEST(test_high_bytes_and_controls_are_kept)
{
	static const char in[] = "a\x1d" "b\xff\x01\tc\n";
	struct rd_reader *r = new_reader(0);
	struct seen s = { 0 };

	rd_push(r, in, sizeof(in) - 1, collect, &s);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_eq(s.len[0], 7);
	ck_assert_mem_eq(s.line[0], "a\x1d" "b\xff\x01\tc", 7);
	seen_free(&s);
	rd_free(r);
}
END_TEST

START_TEST(test_unterminated_last_line_waits_for_finish)
{
	struct rd_reader *r = new_reader(0);
	struct seen s = { 0 };

	push_str(r, "first\nlast without newline", &s);
	ck_assert_uint_eq(s.n, 1);
	rd_finish(r, collect, &s);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_str_eq(s.line[1], "last without newline");
	/* finish resets: nothing is delivered twice, the next input is fresh. */
	rd_finish(r, collect, &s);
	ck_assert_uint_eq(s.n, 2);
	push_str(r, "next file\n", &s);
	ck_assert_uint_eq(s.n, 3);
	ck_assert_str_eq(s.line[2], "next file");
	seen_free(&s);
	rd_free(r);
}
END_TEST

START_TEST(test_finish_drops_an_over_long_tail)
{
	struct rd_reader *r = new_reader(8);
	struct seen s = { 0 };
	struct rd_stats st;

	push_str(r, "ok\n0123456789abcdef", &s);
	rd_finish(r, collect, &s);
	ck_assert_uint_eq(s.n, 1);
	rd_stats(r, &st);
	ck_assert_uint_eq(st.too_long, 1);
	/* The skip state does not leak into the next file. */
	push_str(r, "fresh\n", &s);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_str_eq(s.line[1], "fresh");
	seen_free(&s);
	rd_free(r);
}
END_TEST

START_TEST(test_finish_drops_an_unterminated_tail_with_nul)
{
	static const char in[] = "ok\nx\0y";
	struct rd_reader *r = new_reader(0);
	struct seen s = { 0 };
	struct rd_stats st;

	rd_push(r, in, sizeof(in) - 1, collect, &s);
	rd_finish(r, collect, &s);
	ck_assert_uint_eq(s.n, 1);
	rd_stats(r, &st);
	ck_assert_uint_eq(st.bad_bytes, 1);
	seen_free(&s);
	rd_free(r);
}
END_TEST

static void make_pipe(int fds[2])
{
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK), 0);
}

START_TEST(test_read_nonblocking_pipe_again_ok_eof)
{
	struct rd_reader *r = new_reader(0);
	struct kme_err err = { "" };
	struct seen s = { 0 };
	int fds[2];

	make_pipe(fds);
	ck_assert_int_eq(rd_read(r, fds[0], collect, &s, &err), RD_AGAIN);
	ck_assert_int_eq(write(fds[1], "rec one\nrec t", 13), 13);
	ck_assert_int_eq(rd_read(r, fds[0], collect, &s, &err), RD_OK);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_str_eq(s.line[0], "rec one");
	ck_assert_int_eq(rd_read(r, fds[0], collect, &s, &err), RD_AGAIN);
	ck_assert_int_eq(write(fds[1], "wo\npartial", 10), 10);
	ck_assert_int_eq(rd_read(r, fds[0], collect, &s, &err), RD_OK);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_str_eq(s.line[1], "rec two");
	close(fds[1]);
	ck_assert_int_eq(rd_read(r, fds[0], collect, &s, &err), RD_EOF);
	ck_assert_uint_eq(s.n, 2); /* EOF alone does not deliver the tail */
	rd_finish(r, collect, &s);
	ck_assert_uint_eq(s.n, 3);
	ck_assert_str_eq(s.line[2], "partial");
	close(fds[0]);
	seen_free(&s);
	rd_free(r);
}
END_TEST

START_TEST(test_read_pipe_larger_than_one_read_delivers_everything)
{
	struct rd_reader *r = new_reader(0);
	struct kme_err err = { "" };
	struct seen s = { 0 };
	struct rd_stats st;
	enum rd_status rc;
	char line[100];
	int fds[2], i, again = 0;
	size_t total = 0;

	make_pipe(fds);
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	/* 600 lines of 100 bytes: more than a pipe holds, so interleave. */
	for (i = 0; i < 600; i++) {
		ck_assert_int_eq(write(fds[1], line, sizeof(line)), (ssize_t)sizeof(line));
		total += sizeof(line);
		if (i % 100 == 99)
			while ((rc = rd_read(r, fds[0], collect, &s, &err)) == RD_OK)
				;
	}
	close(fds[1]);
	while ((rc = rd_read(r, fds[0], collect, &s, &err)) == RD_OK || rc == RD_AGAIN)
		if (rc == RD_AGAIN && ++again > 10)
			break;
	ck_assert_int_eq(rc, RD_EOF);
	ck_assert_uint_eq(s.n, 600);
	ck_assert_uint_eq(s.len[63], 99);
	rd_stats(r, &st);
	ck_assert_uint_eq(st.bytes, total);
	close(fds[0]);
	seen_free(&s);
	rd_free(r);
}
END_TEST

START_TEST(test_read_bad_fd_is_an_error_with_message)
{
	struct rd_reader *r = new_reader(0);
	struct kme_err err = { "" };
	struct seen s = { 0 };

	ck_assert_int_eq(rd_read(r, -1, collect, &s, &err), RD_ERROR);
	ck_assert_str_ne(err.msg, "");
	ck_assert_ptr_nonnull(strstr(err.msg, strerror(EBADF)));
	ck_assert_uint_eq(s.n, 0);
	rd_free(r);
}
END_TEST

START_TEST(test_read_reports_eof_on_empty_file)
{
	struct rd_reader *r = new_reader(0);
	struct kme_err err = { "" };
	struct seen s = { 0 };
	int fd = open("/dev/null", O_RDONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(rd_read(r, fd, collect, &s, &err), RD_EOF);
	close(fd);
	rd_free(r);
}
END_TEST

/* The line number each delivered line had (rd_lineno inside the callback). */
struct numbered {
	struct rd_reader *r;
	size_t n;
	uint64_t lineno[MAX_KEPT];
};

static void number(void *arg, const char *line, size_t len)
{
	struct numbered *s = arg;

	(void)line, (void)len;
	if (s->n < MAX_KEPT)
		s->lineno[s->n++] = rd_lineno(s->r);
}

START_TEST(test_line_numbers_count_every_newline_and_restart_after_finish)
{
	struct numbered s = { .r = new_reader(0) };

	/* The empty line 2 is not delivered but counted. */
	rd_push(s.r, "a\n\nb\nc", 6, number, &s);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_uint_eq(s.lineno[0], 1);
	ck_assert_uint_eq(s.lineno[1], 3);
	rd_finish(s.r, number, &s);
	ck_assert_uint_eq(s.n, 3);
	ck_assert_uint_eq(s.lineno[2], 4); /* the unterminated last line */
	rd_push(s.r, "d\n", 2, number, &s);
	ck_assert_uint_eq(s.lineno[3], 1); /* the next input's first line */
	rd_free(s.r);
}
END_TEST

/* What the skip hook was told. */
struct skips {
	size_t n;
	enum rd_skip why[MAX_KEPT];
	uint64_t lineno[MAX_KEPT];
	size_t len[MAX_KEPT];
};

static void on_skip(void *arg, enum rd_skip why, uint64_t lineno,
		    const char *line, size_t len)
{
	struct skips *s = arg;

	(void)line;
	if (s->n < MAX_KEPT) {
		s->why[s->n] = why;
		s->lineno[s->n] = lineno;
		s->len[s->n++] = len;
	}
}

START_TEST(test_discarded_lines_are_told_with_their_number_and_why)
{
	static const char in[] = "ok\n0123456789\nx\0y\nok2\n0123456789abc";
	struct rd_reader *r = new_reader(8);
	struct skips sk = { 0 };
	struct seen out = { 0 };
	struct rd_stats st;

	rd_on_skip(r, on_skip, &sk);
	rd_push(r, in, sizeof(in) - 1, collect, &out);
	ck_assert_uint_eq(out.n, 2);
	ck_assert_str_eq(out.line[1], "ok2");
	ck_assert_uint_eq(sk.n, 3);
	ck_assert_int_eq(sk.why[0], RD_SKIP_TOO_LONG);
	ck_assert_uint_eq(sk.lineno[0], 2);
	ck_assert_uint_eq(sk.len[0], 10);
	ck_assert_int_eq(sk.why[1], RD_SKIP_NUL);
	ck_assert_uint_eq(sk.lineno[1], 3);
	ck_assert_uint_eq(sk.len[1], 3);
	/* An unterminated line is told as soon as it is too long. */
	ck_assert_int_eq(sk.why[2], RD_SKIP_TOO_LONG);
	ck_assert_uint_eq(sk.lineno[2], 5);
	ck_assert_uint_ge(sk.len[2], 9);
	rd_stats(r, &st);
	ck_assert_uint_eq(st.too_long, 2);
	ck_assert_uint_eq(st.bad_bytes, 1);
	/* Unhooked: counted, no longer told. */
	rd_finish(r, collect, &out);
	rd_on_skip(r, NULL, NULL);
	rd_push(r, "0123456789\n", 11, collect, &out);
	ck_assert_uint_eq(sk.n, 3);
	seen_free(&out);
	rd_free(r);
}
END_TEST

START_TEST(test_room_then_commit_delivers_as_a_read_does)
{
	struct rd_reader *r = new_reader(0);
	struct seen out = { 0 };
	struct rd_stats st;
	size_t room, half = 40;
	char *p = rd_room(r, &room);

	/* A producer writes into the reader's own buffer, in two steps: a
	 * line cut between them comes out whole. */
	ck_assert_uint_ge(room, sizeof(records));
	memcpy(p, records, half);
	rd_commit(r, half, collect, &out);
	ck_assert_uint_eq(out.n, 0);
	p = rd_room(r, &room);
	memcpy(p, records + half, sizeof(records) - 1 - half);
	rd_commit(r, sizeof(records) - 1 - half, collect, &out);
	ck_assert_uint_eq(out.n, 4);
	ck_assert_str_eq(out.line[1], "type=EXECVE msg=audit(1795728867.245:6): argc=1 a0=\"lsmod\"");
	rd_stats(r, &st);
	ck_assert_uint_eq(st.bytes, sizeof(records) - 1);
	ck_assert_uint_eq(st.lines, 4);
	seen_free(&out);
	rd_free(r);
}
END_TEST

START_TEST(test_free_null_is_harmless)
{
	rd_free(NULL);
}
END_TEST

static Suite *reader_suite(void)
{
	Suite *s = suite_create("reader");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_complete_lines_are_delivered_without_newline);
	tcase_add_test(tc, test_byte_by_byte_push_delivers_the_same_lines);
	tcase_add_test(tc, test_every_two_chunk_split_delivers_the_same_lines);
	tcase_add_test(tc, test_crlf_line_ends_lose_the_carriage_return);
	tcase_add_test(tc, test_line_of_exactly_max_line_bytes_is_delivered);
	tcase_add_test(tc, test_line_one_byte_over_max_is_discarded_and_counted);
	tcase_add_test(tc, test_over_long_line_pushed_byte_by_byte_is_counted_once);
	tcase_add_test(tc, test_one_mib_line_with_64k_max_is_discarded_next_line_intact);
	tcase_add_test(tc, test_line_with_nul_byte_is_discarded_and_counted);
	tcase_add_test(tc, test_record_cut_by_auditd_41_is_kept_up_to_its_nul);
	tcase_add_test(tc, test_nul_before_the_last_byte_still_discards_the_line);
	tcase_add_test(tc, test_high_bytes_and_controls_are_kept);
	tcase_add_test(tc, test_unterminated_last_line_waits_for_finish);
	tcase_add_test(tc, test_finish_drops_an_over_long_tail);
	tcase_add_test(tc, test_finish_drops_an_unterminated_tail_with_nul);
	tcase_add_test(tc, test_read_nonblocking_pipe_again_ok_eof);
	tcase_add_test(tc, test_read_pipe_larger_than_one_read_delivers_everything);
	tcase_add_test(tc, test_read_bad_fd_is_an_error_with_message);
	tcase_add_test(tc, test_read_reports_eof_on_empty_file);
	tcase_add_test(tc, test_line_numbers_count_every_newline_and_restart_after_finish);
	tcase_add_test(tc, test_discarded_lines_are_told_with_their_number_and_why);
	tcase_add_test(tc, test_room_then_commit_delivers_as_a_read_does);
	tcase_add_test(tc, test_free_null_is_harmless);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run(reader_suite());
}
