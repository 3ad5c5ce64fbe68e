/* check_stateformat.c - the state file's bytes, in memory: what the writer
 * writes, what the reader accepts, and what it says about what it refuses.
 * No file system is touched. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkrun.h"
#include "stateformat.h"

#define RULE "2d8043ed-5bda-4caf-801c-c1feb7410504"

static const enum cfg_term_field fields[] = {
	CFG_TF_EXECUTABLE, CFG_TF_PARENT_EXECUTABLE
};
static const struct stf_identity id = {
	.rule_id = RULE, .rule_version = "211", .fields = fields,
	.nfields = 2, .window = 1209600000,
};

static struct tt_table *table(void)
{
	struct kme_err err = { "" };
	struct tt_table *t = tt_new(2, 1209600000, 1000, &err);

	ck_assert_msg(t != NULL, "%s", err.msg);
	return t;
}

static void touch(struct tt_table *t, struct kme_str a, struct kme_str b,
		  int64_t when)
{
	struct nt_term term = { .n = 2, .v = { a, b } };
	struct kme_err err = { "" };
	struct nt_seen seen;

	ck_assert_msg(tt_check_touch(t, &term, when, &seen, &err) == 0, "%s",
		      err.msg);
}

#define S(lit) ((struct kme_str){ lit, sizeof(lit) - 1 })

/* The whole file for t, written `chunk` bytes at a time (0: at once). */
static char *write_all(const struct tt_table *t, size_t chunk, size_t *len)
{
	struct stf_writer w;
	struct kme_buf b, all;
	int rc;

	buf_init(&b, 0);
	buf_init(&all, 0);
	stf_writer_init(&w, &id, t, 1700000123);
	do {
		rc = stf_writer_next(&w, &b, chunk);
		ck_assert_int_ge(rc, 0);
		ck_assert_int_eq(buf_append(&all, b.p ? b.p : "", b.len), 0);
		buf_reset(&b);
	} while (rc > 0);
	buf_free(&b);
	*len = all.len;
	return all.p;
}

/* Read doc (fed `step` bytes at a time) into t. */
static void read_doc(struct tt_table *t, const char *doc, size_t len,
		     size_t step, struct stf_result *res)
{
	struct kme_err err = { "" };
	struct stf_reader *r = stf_reader_new(&id, t, &err);
	size_t off;

	ck_assert_msg(r != NULL, "%s", err.msg);
	for (off = 0; off < len; off += step)
		if (stf_reader_feed(r, doc + off, len - off < step ? len - off
								   : step))
			break;
	stf_reader_finish(r, res);
}

/* The header of a file of format_version 3 (milliseconds, an unknown value
 * as ""), as written. */
#define HDR "{\"format\":\"audisp-kmod-enum-state\",\"format_version\":3," \
	"\"rule_id\":\"" RULE "\",\"rule_version\":\"211\"," \
	"\"fields\":[\"process.executable\",\"process.parent.executable\"]," \
	"\"window\":1209600000,\"saved_at\":1700000123,"
/* ... of format_version 2, written before: an unknown value as null. */
#define HDR2 "{\"format\":\"audisp-kmod-enum-state\",\"format_version\":2," \
	"\"rule_id\":\"" RULE "\",\"rule_version\":\"211\"," \
	"\"fields\":[\"process.executable\",\"process.parent.executable\"]," \
	"\"window\":1209600000,\"saved_at\":1700000123,"
/* ... and of format_version 1, written before: whole seconds. */
#define HDR1 "{\"format\":\"audisp-kmod-enum-state\",\"format_version\":1," \
	"\"rule_id\":\"" RULE "\",\"rule_version\":\"211\"," \
	"\"fields\":[\"process.executable\",\"process.parent.executable\"]," \
	"\"window\":1209600,\"saved_at\":1700000123,"

START_TEST(test_writer_writes_identity_then_terms_oldest_first)
{
	struct tt_table *t = table();
	size_t len;
	char *doc;

	touch(t, S("/usr/sbin/lsmod"), KME_STR_NULL, 1700000000000);
	touch(t, S("/tmp/\"q\"\\"), S("/bin/caf\xc3\xa9"), 1700000000083);
	touch(t, S("/tmp/a\nb\xff"), S("\xc2\x85"), 1700000002999);
	doc = write_all(t, 0, &len);
	ck_assert_str_eq(doc, HDR "\"terms\":["
		"\n{\"v\":[\"/usr/sbin/lsmod\",\"\"],\"first\":1700000000000,"
		"\"last\":1700000000000,\"count\":1},"
		"\n{\"v\":[\"/tmp/\\\"q\\\"\\\\\",\"/bin/caf\xc3\xa9\"],"
		"\"first\":1700000000083,\"last\":1700000000083,\"count\":1},"
		/* Not text: hex. A C1 control is text, escaped by jsonw. */
		"\n{\"v\":[{\"hex\":\"2f746d702f610a62ff\"},\"\\u0085\"],"
		"\"first\":1700000002999,\"last\":1700000002999,\"count\":1}"
		"\n]}\n");
	free(doc);
	tt_free(t);
}
END_TEST

START_TEST(test_writer_output_does_not_depend_on_the_chunk_size)
{
	struct tt_table *t = table();
	size_t la, lb, i;
	char *a, *b, v[32];

	for (i = 0; i < 200; i++) {
		snprintf(v, sizeof(v), "/opt/t%zu/lsmod", i);
		touch(t, (struct kme_str){ v, strlen(v) }, S("/bin/sh"),
		      1700000000 + (int64_t)i);
	}
	a = write_all(t, 0, &la);
	b = write_all(t, 1, &lb);
	ck_assert_uint_eq(la, lb);
	ck_assert_mem_eq(a, b, la);
	free(a);
	free(b);
	tt_free(t);
}
END_TEST

static void snap(const struct tt_table *t, char *out, size_t size)
{
	struct tt_iter it;
	struct tt_item item;
	size_t n = 0, i;

	tt_iter_init(t, &it);
	while (tt_iter_next(&it, &item)) {
		for (i = 0; i < item.term.n; i++) {
			const struct kme_str v = item.term.v[i];
			size_t j;

			n += (size_t)snprintf(out + n, size - n, v.p ? "[" : "-");
			for (j = 0; v.p && j < v.len; j++)
				n += (size_t)snprintf(out + n, size - n, "%02x",
						      (unsigned char)v.p[j]);
		}
		n += (size_t)snprintf(out + n, size - n, " %lld %lld %llu\n",
				      (long long)item.first,
				      (long long)item.last,
				      (unsigned long long)item.count);
	}
}

START_TEST(test_what_is_written_reads_back_the_same_byte_by_byte)
{
	struct tt_table *t = table(), *u = table();
	struct stf_result res;
	char a[4096], b[4096];
	size_t len;
	char *doc;

	touch(t, (struct kme_str){ "/a\0b", 4 }, KME_STR_NULL, 10);
	touch(t, S("/tmp/\xed\xa0\x80"), S(""), 20);
	touch(t, S("/x\x7f\x1b[0m"), S("\xe2\x80\xa8"), 30);
	touch(t, (struct kme_str){ "/a\0b", 4 }, KME_STR_NULL, 40);
	doc = write_all(t, 0, &len);
	read_doc(u, doc, len, 1, &res);
	ck_assert_msg(res.verdict == STF_OK, "%d: %s", res.verdict, res.why);
	ck_assert_uint_eq(res.loaded, 3);
	snap(t, a, sizeof(a));
	snap(u, b, sizeof(b));
	ck_assert_str_eq(a, b);
	free(doc);
	tt_free(t);
	tt_free(u);
}
END_TEST

/* A file written before the writer escaped through jsonw and before times
 * were milliseconds: C1 controls and U+2028 raw, times in seconds. It still
 * loads, to the same bytes, each time at the start of its second. */
START_TEST(test_a_file_of_the_earlier_writer_still_loads)
{
	static const char doc[] = HDR1 "\"terms\":["
		"\n{\"v\":[\"/bin/\xc2\x85x\",\"/bin/\xe2\x80\xa8\"],"
		"\"first\":5,\"last\":6,\"count\":2}\n]}\n";
	struct tt_table *t = table(), *u = table();
	struct stf_result res;
	char a[1024], b[1024];
	size_t len;
	char *again;

	read_doc(t, doc, sizeof(doc) - 1, sizeof(doc), &res);
	ck_assert_msg(res.verdict == STF_OK, "%s", res.why);
	touch(u, S("/bin/\xc2\x85x"), S("/bin/\xe2\x80\xa8"), 5000);
	touch(u, S("/bin/\xc2\x85x"), S("/bin/\xe2\x80\xa8"), 6000);
	snap(t, a, sizeof(a));
	snap(u, b, sizeof(b));
	ck_assert_str_eq(a, b);
	/* Written again, the same terms come out escaped. */
	again = write_all(t, 0, &len);
	ck_assert_ptr_nonnull(strstr(again, "\"/bin/\\u0085x\",\"/bin/\\u2028\""));
	free(again);
	tt_free(t);
	tt_free(u);
}
END_TEST

/* A file's resolution is its format_version: 1 is seconds, 2 is ms. */
START_TEST(test_format_version_says_the_resolution)
{
	static const char v1[] = HDR1 "\"terms\":[{\"v\":[\"/usr/sbin/lsmod\",null],"
		"\"first\":1700000000,\"last\":1701209600,\"count\":3}]}";
	static const char v2[] = HDR2 "\"terms\":[{\"v\":[\"/usr/sbin/lsmod\",null],"
		"\"first\":1700000000000,\"last\":1701209600083,\"count\":3}]}";
	struct tt_table *t = table(), *u = table();
	struct stf_result res;
	struct tt_iter it;
	struct tt_item item;

	read_doc(t, v1, sizeof(v1) - 1, sizeof(v1), &res);
	ck_assert_msg(res.verdict == STF_OK, "%s", res.why);
	tt_iter_init(t, &it);
	ck_assert(tt_iter_next(&it, &item));
	ck_assert_int_eq(item.first, 1700000000000);
	ck_assert_int_eq(item.last, 1701209600000);
	read_doc(u, v2, sizeof(v2) - 1, sizeof(v2), &res);
	ck_assert_msg(res.verdict == STF_OK, "%s", res.why);
	tt_iter_init(u, &it);
	ck_assert(tt_iter_next(&it, &item));
	ck_assert_int_eq(item.first, 1700000000000);
	ck_assert_int_eq(item.last, 1701209600083);
	tt_free(t);
	tt_free(u);
}
END_TEST

START_TEST(test_seconds_beyond_the_millisecond_range_are_bad)
{
	static const char doc[] = HDR1 "\"terms\":[{\"v\":[\"a\",null],"
		"\"first\":1,\"last\":9223372036854776,\"count\":1}]}";
	struct tt_table *t = table();
	struct stf_result res;

	read_doc(t, doc, sizeof(doc) - 1, sizeof(doc), &res);
	ck_assert_int_eq(res.verdict, STF_BAD);
	ck_assert_str_eq(res.why, "a term's time is out of range");
	tt_free(t);
}
END_TEST

/* The unknown value is "" from version 3 on, null before: both read as it
 * (newterms.h), and it is written "". */
START_TEST(test_the_unknown_value_reads_from_null_and_from_empty)
{
	static const char v2[] = HDR2 "\"terms\":[{\"v\":[\"/usr/sbin/lsmod\",null],"
		"\"first\":1,\"last\":2,\"count\":3}]}";
	static const char v3[] = HDR "\"terms\":[{\"v\":[\"/usr/sbin/lsmod\",\"\"],"
		"\"first\":1,\"last\":2,\"count\":3}]}";
	struct tt_table *t = table(), *u = table();
	struct stf_result res;
	char a[512], b[512];
	size_t len;
	char *doc;

	read_doc(t, v2, sizeof(v2) - 1, sizeof(v2), &res);
	ck_assert_msg(res.verdict == STF_OK, "%s", res.why);
	read_doc(u, v3, sizeof(v3) - 1, sizeof(v3), &res);
	ck_assert_msg(res.verdict == STF_OK, "%s", res.why);
	snap(t, a, sizeof(a));
	snap(u, b, sizeof(b));
	ck_assert_str_eq(a, b);
	ck_assert_str_eq(a, "[2f7573722f7362696e2f6c736d6f64- 1 2 3\n");
	doc = write_all(t, 0, &len);
	ck_assert_ptr_nonnull(strstr(doc, "{\"v\":[\"/usr/sbin/lsmod\",\"\"],"));
	free(doc);
	tt_free(t);
	tt_free(u);
}
END_TEST

START_TEST(test_an_unknown_format_version_is_other)
{
	static const char doc[] = "{\"format\":\"audisp-kmod-enum-state\","
		"\"format_version\":4,\"whatever\":{\"new\":[1,2]}}";
	struct tt_table *t = table();
	struct stf_result res;

	read_doc(t, doc, sizeof(doc) - 1, sizeof(doc), &res);
	ck_assert_int_eq(res.verdict, STF_OTHER);
	tt_free(t);
}
END_TEST

START_TEST(test_garbage_is_bad_with_a_one_line_reason)
{
	static const char doc[] = "{\"format\":\"audisp-kmod-enum-state\", garbage";
	struct tt_table *t = table();
	struct stf_result res;

	read_doc(t, doc, sizeof(doc) - 1, 7, &res);
	ck_assert_int_eq(res.verdict, STF_BAD);
	ck_assert_str_ne(res.why, "");
	ck_assert_ptr_null(strchr(res.why, '\n'));
	tt_free(t);
}
END_TEST

START_TEST(test_truncated_state_is_bad)
{
	static const char doc[] = HDR "\"terms\":[";
	struct tt_table *t = table();
	struct stf_result res;

	read_doc(t, doc, sizeof(doc) - 1, 4096, &res);
	ck_assert_int_eq(res.verdict, STF_BAD);
	ck_assert_msg(strstr(res.why, "premature EOF") != NULL, "%s", res.why);
	tt_free(t);
}
END_TEST

START_TEST(test_another_identity_is_other_and_named_before_any_term)
{
	static const char doc[] =
		"{\"format\":\"audisp-kmod-enum-state\",\"format_version\":1,"
		"\"rule_id\":\"" RULE "\",\"rule_version\":\"212\","
		"\"fields\":[\"process.executable\",\"process.parent.name\"],"
		"\"window\":1,\"saved_at\":1,\"terms\":["
		"{\"v\":[\"a\",null],\"first\":1,\"last\":1,\"count\":1}]}";
	struct tt_table *t = table();
	struct stf_result res;

	read_doc(t, doc, sizeof(doc) - 1, sizeof(doc), &res);
	ck_assert_int_eq(res.verdict, STF_OTHER);
	ck_assert_str_eq(res.rule_id, RULE);
	ck_assert_str_eq(res.rule_version, "212");
	ck_assert_str_eq(res.fields, "process.executable, process.parent.name");
	ck_assert_uint_eq(res.loaded, 0);
	tt_free(t);
}
END_TEST

START_TEST(test_reader_failed_from_outside_is_bad_for_that_reason)
{
	struct kme_err err = { "" };
	struct tt_table *t = table();
	struct stf_reader *r = stf_reader_new(&id, t, &err);
	struct stf_result res;

	ck_assert_ptr_nonnull(r);
	stf_reader_fail(r, "larger than 256 MiB");
	ck_assert_int_eq(stf_reader_feed(r, "{", 1), 1);
	stf_reader_finish(r, &res);
	ck_assert_int_eq(res.verdict, STF_BAD);
	ck_assert_str_eq(res.why, "larger than 256 MiB");
	tt_free(t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("stateformat");
	TCase *tc = tcase_create("writer");

	tcase_add_test(tc, test_writer_writes_identity_then_terms_oldest_first);
	tcase_add_test(tc, test_writer_output_does_not_depend_on_the_chunk_size);
	suite_add_tcase(s, tc);
	tc = tcase_create("reader");
	tcase_add_test(tc, test_what_is_written_reads_back_the_same_byte_by_byte);
	tcase_add_test(tc, test_a_file_of_the_earlier_writer_still_loads);
	tcase_add_test(tc, test_format_version_says_the_resolution);
	tcase_add_test(tc, test_seconds_beyond_the_millisecond_range_are_bad);
	tcase_add_test(tc, test_the_unknown_value_reads_from_null_and_from_empty);
	tcase_add_test(tc, test_an_unknown_format_version_is_other);
	tcase_add_test(tc, test_garbage_is_bad_with_a_one_line_reason);
	tcase_add_test(tc, test_truncated_state_is_bad);
	tcase_add_test(tc, test_another_identity_is_other_and_named_before_any_term);
	tcase_add_test(tc, test_reader_failed_from_outside_is_bad_for_that_reason);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
