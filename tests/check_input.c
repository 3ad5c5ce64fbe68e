/* check_input.c - replay inputs by content: plain, gzip, xz, zstd, bzip2;
 * concatenated streams; cut and corrupt data; pipes. The compressed inputs
 * are made here with each format's own library. */
#include <bzlib.h>
#include <check.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "checkrun.h"
#include "input.h"

static char dir[] = "/tmp/kme-check-input.XXXXXX";

/* A few hundred kilobytes of record-like text, the same each run. */
static char *sample(size_t *len)
{
	size_t cap = 400 * 1024, n = 0;
	char *p = malloc(cap);
	unsigned i = 0;

	ck_assert_ptr_nonnull(p);
	while (n + 200 < cap)
		n += (size_t)snprintf(p + n, cap - n,
				      "type=SYSCALL msg=audit(1795729587.%03u:%u): "
				      "arch=c000003e syscall=59 pid=%u comm=\"x%u\"\n",
				      i % 1000, i, 1000 + i * 7, i * 31);
	*len = n;
	return p;
}

/* --- compressors (the libraries' one-shot calls) ------------------------------ */

static size_t gz(const char *in, size_t n, char *out, size_t cap)
{
	z_stream z = { 0 };

	ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	deflateEnd(&z);
	return cap - z.avail_out;
}

static size_t xz(const char *in, size_t n, char *out, size_t cap)
{
	size_t pos = 0;

	ck_assert_int_eq(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL,
						 (const uint8_t *)in, n,
						 (uint8_t *)out, &pos, cap), LZMA_OK);
	return pos;
}

static size_t zs(const char *in, size_t n, char *out, size_t cap)
{
	size_t r = ZSTD_compress(out, cap, in, n, 3);

	ck_assert(!ZSTD_isError(r));
	return r;
}

static size_t bz(const char *in, size_t n, char *out, size_t cap)
{
	unsigned int len = (unsigned int)cap;

	ck_assert_int_eq(BZ2_bzBuffToBuffCompress(out, &len, (char *)in,
						  (unsigned int)n, 9, 0, 0), BZ_OK);
	return len;
}

typedef size_t (*compress_fn)(const char *, size_t, char *, size_t);

static const struct {
	enum in_format fmt;
	compress_fn fn;
} formats[] = {
	{ IN_GZIP, gz }, { IN_XZ, xz }, { IN_ZSTD, zs }, { IN_BZIP2, bz },
};

static char *write_file(const char *name, const char *data, size_t n)
{
	static char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, n), (ssize_t)n);
	close(fd);
	return path;
}

/* Everything in_read gives, into a malloc'd buffer; *rc: the last read. */
static char *read_all(struct in_source *s, size_t *len, ssize_t *rc,
		      struct kme_err *err, size_t chunk)
{
	size_t cap = 1024 * 1024, n = 0;
	char *p = malloc(cap);
	ssize_t r;

	ck_assert_ptr_nonnull(p);
	while ((r = in_read(s, p + n, n + chunk <= cap ? chunk : cap - n, err)) > 0) {
		n += (size_t)r;
		ck_assert_uint_lt(n, cap);
	}
	*rc = r;
	*len = n;
	return p;
}

/* One case's text, its compressed form and what was read back of it. */
static struct {
	char *text, *c, *back;
	size_t n, clen, got;
	ssize_t rc;
	struct kme_err err;
	struct in_source *s;
} D;

static void setup(void)
{
	memset(&D, 0, sizeof(D));
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[300];

	in_close(D.s);
	free(D.text);
	free(D.c);
	free(D.back);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
	strcpy(dir + strlen(dir) - 6, "XXXXXX");
}

/* The sample, compressed in format i into D.c. */
static void compressed(size_t i)
{
	D.text = sample(&D.n);
	D.c = malloc(2 * D.n + 65536);
	ck_assert_ptr_nonnull(D.c);
	D.clen = formats[i].fn(D.text, D.n, D.c, 2 * D.n + 65536);
}

/* The first len bytes of D.c as the file `name`, opened and read to the
 * end (or an error) in chunks of `chunk` bytes. */
static void read_back(const char *name, size_t len, size_t chunk)
{
	D.s = in_open(write_file(name, D.c, len), &D.err);
	ck_assert_msg(D.s != NULL, "%s", D.err.msg);
	D.back = read_all(D.s, &D.got, &D.rc, &D.err, chunk);
}

/* --- tests -------------------------------------------------------------------- */

START_TEST(test_each_format_is_known_by_content_and_read_back_whole)
{
	size_t i = (size_t)_i;

	compressed(i);
	read_back("audit.log", D.clen, 4096); /* named .log: the name says nothing */
	ck_assert_int_eq(in_format(D.s), formats[i].fmt);
	ck_assert_int_eq(in_size(D.s), (int64_t)D.clen);
	ck_assert_msg(D.rc == 0, "%s", D.err.msg);
	ck_assert_uint_eq(D.got, D.n);
	ck_assert(memcmp(D.back, D.text, D.n) == 0);
	ck_assert_uint_eq(in_consumed(D.s), D.clen);
	ck_assert_uint_eq(in_produced(D.s), D.n);
}
END_TEST

START_TEST(test_two_streams_back_to_back_read_as_one_input)
{
	size_t i = (size_t)_i, c1;

	/* `cat a.gz b.gz`: the first half, then the second. */
	compressed(i);
	c1 = formats[i].fn(D.text, D.n / 2, D.c, 2 * D.n);
	D.clen = c1 + formats[i].fn(D.text + D.n / 2, D.n - D.n / 2, D.c + c1, 2 * D.n - c1);
	read_back("two", D.clen, 65536);
	ck_assert_msg(D.rc == 0, "%s", D.err.msg);
	ck_assert_uint_eq(D.got, D.n);
	ck_assert(memcmp(D.back, D.text, D.n) == 0);
}
END_TEST

START_TEST(test_a_stream_cut_short_is_an_error_after_the_good_bytes)
{
	size_t i = (size_t)_i;

	compressed(i);
	read_back("cut", D.clen * 3 / 4, 65536);
	ck_assert_int_eq(D.rc, -1);
	ck_assert_msg(strstr(D.err.msg, "truncated") != NULL &&
		      strstr(D.err.msg, in_format_name(formats[i].fmt)) != NULL &&
		      strstr(D.err.msg, "/cut: ") != NULL, "%s", D.err.msg);
	/* What came out before is the text's beginning. */
	ck_assert_uint_lt(D.got, D.n);
	ck_assert(memcmp(D.back, D.text, D.got) == 0);
	/* And it stays failed. */
	ck_assert_int_eq(in_read(D.s, D.back, 10, &D.err), -1);
}
END_TEST

START_TEST(test_corrupt_data_is_an_error_naming_the_offset)
{
	size_t i = (size_t)_i;

	compressed(i);
	memset(D.c + D.clen / 2, 0x55, 64);
	read_back("bad", D.clen, 65536);
	ck_assert_int_eq(D.rc, -1);
	/* Bytes before it may be wrong (a checksum comes at a block's or the
	 * stream's end): the error is what counts. */
	ck_assert_msg(strstr(D.err.msg, "corrupt") != NULL ||
		      strstr(D.err.msg, "truncated") != NULL, "%s", D.err.msg);
	/* Nothing made before it is lost: gzip and xz stream their output
	 * ahead of the check, so the bytes before the damage come out (the
	 * sample's first 2 KiB at least); zstd and bzip2 check a whole block
	 * (here the damaged one) before handing any of it out. */
	if (formats[i].fmt == IN_GZIP || formats[i].fmt == IN_XZ) {
		ck_assert_uint_ge(D.got, 2048);
		ck_assert(memcmp(D.back, D.text, 2048) == 0);
	}
}
END_TEST

START_TEST(test_trailing_garbage_after_the_last_stream_is_corrupt)
{
	compressed(0); /* gzip */
	memcpy(D.c + D.clen, "not gzip", 8);
	read_back("tail", D.clen + 8, 65536);
	ck_assert_int_eq(D.rc, -1);
	ck_assert_msg(strstr(D.err.msg, "after the end of the last stream"), "%s", D.err.msg);
	ck_assert_uint_eq(D.got, D.n);
}
END_TEST

START_TEST(test_plain_text_and_short_files_are_plain)
{
	struct kme_err err = { "" };
	struct in_source *s;
	char buf[64];

	s = in_open(write_file("p", "type=X msg=audit(1.2:3): a\n", 27), &err);
	ck_assert_int_eq(in_format(s), IN_PLAIN);
	ck_assert_int_eq(in_read(s, buf, sizeof(buf), &err), 27);
	ck_assert_int_eq(in_read(s, buf, sizeof(buf), &err), 0);
	in_close(s);
	/* One byte of gzip's magic is no gzip; an empty file is plain. */
	s = in_open(write_file("one", "\x1f", 1), &err);
	ck_assert_int_eq(in_format(s), IN_PLAIN);
	in_close(s);
	s = in_open(write_file("empty", "", 0), &err);
	ck_assert_int_eq(in_format(s), IN_PLAIN);
	ck_assert_int_eq(in_read(s, buf, sizeof(buf), &err), 0);
	in_close(s);
}
END_TEST

START_TEST(test_magic_needs_its_every_byte)
{
	ck_assert_int_eq(in_sniff((const unsigned char *)"BZh9", 4), IN_BZIP2);
	ck_assert_int_eq(in_sniff((const unsigned char *)"BZh0", 4), IN_PLAIN);
	ck_assert_int_eq(in_sniff((const unsigned char *)"BZh", 3), IN_PLAIN);
	ck_assert_int_eq(in_sniff((const unsigned char *)"\xfd" "7zXZ", 5), IN_PLAIN);
	ck_assert_int_eq(in_sniff((const unsigned char *)"\xfd" "7zXZ\0", 6), IN_XZ);
	ck_assert_int_eq(in_sniff((const unsigned char *)"\x28\xb5\x2f\xfd", 4), IN_ZSTD);
	ck_assert_int_eq(in_sniff((const unsigned char *)"\x1f\x8b", 2), IN_GZIP);
}
END_TEST

START_TEST(test_a_pipe_is_sniffed_without_losing_bytes)
{
	size_t n, clen, got;
	char *text = sample(&n), *c = malloc(n + 65536), *back;
	struct kme_err err = { "" };
	struct in_source *s;
	int fds[2];
	ssize_t rc;
	pid_t pid;

	clen = zs(text, n, c, n + 65536);
	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	if (pid == 0) {
		/* The magic arrives one byte at a time. */
		size_t k;

		close(fds[0]);
		for (k = 0; k < 4; k++) {
			if (write(fds[1], c + k, 1) != 1)
				_exit(1);
			usleep(1000);
		}
		_exit(write(fds[1], c + 4, clen - 4) == (ssize_t)(clen - 4) ? 0 : 1);
	}
	close(fds[1]);
	s = in_open_fd(fds[0], "a pipe", &err);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(in_format(s), IN_ZSTD);
	ck_assert_int_eq(in_size(s), -1);
	back = read_all(s, &got, &rc, &err, 65536);
	ck_assert_msg(rc == 0, "%s", err.msg);
	ck_assert_uint_eq(got, n);
	ck_assert(memcmp(back, text, n) == 0);
	in_close(s);
	close(fds[0]);
	free(back);
	free(c);
	free(text);
}
END_TEST

START_TEST(test_open_errors_name_the_file)
{
	struct kme_err err = { "" };

	ck_assert_ptr_null(in_open("/nonexistent/audit.log", &err));
	ck_assert_msg(strstr(err.msg, "/nonexistent/audit.log: open") != NULL, "%s", err.msg);
	ck_assert_ptr_null(in_open(dir, &err));
	ck_assert_msg(strstr(err.msg, "is a directory") != NULL, "%s", err.msg);
}
END_TEST

static Suite *input_suite(void)
{
	Suite *s = suite_create("input");
	TCase *tc = tcase_create("core");
	int nf = (int)(sizeof(formats) / sizeof(formats[0]));

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_each_format_is_known_by_content_and_read_back_whole, 0, nf);
	tcase_add_loop_test(tc, test_two_streams_back_to_back_read_as_one_input, 0, nf);
	tcase_add_loop_test(tc, test_a_stream_cut_short_is_an_error_after_the_good_bytes, 0, nf);
	tcase_add_loop_test(tc, test_corrupt_data_is_an_error_naming_the_offset, 0, nf);
	tcase_add_test(tc, test_trailing_garbage_after_the_last_stream_is_corrupt);
	tcase_add_test(tc, test_plain_text_and_short_files_are_plain);
	tcase_add_test(tc, test_magic_needs_its_every_byte);
	tcase_add_test(tc, test_a_pipe_is_sniffed_without_losing_bytes);
	tcase_add_test(tc, test_open_errors_name_the_file);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run(input_suite());
}
