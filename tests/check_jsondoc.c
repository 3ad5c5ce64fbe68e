/* check_jsondoc.c - the streaming JSON document writer (jsondoc.h). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "checkrun.h"
#include "jsondoc.h"

static struct kme_buf out;
static struct jd w;

static void setup(void)
{
	buf_init(&out, 0);
	jd_init(&w, &out);
}

static void teardown(void)
{
	buf_free(&out);
}

/* The document so far, NUL-terminated (buf keeps a NUL after len). */
static const char *text(void)
{
	return out.p != NULL ? out.p : "";
}

START_TEST(test_items_are_separated_by_commas_per_level)
{
	jd_open(&w, NULL, "{");
	jd_fmt(&w, "a", "%d", 1);
	jd_open(&w, "b", "{");
	jd_str(&w, "c", "x", 1);
	jd_close(&w, "}");
	jd_open(&w, "d", "[");
	jd_fmt(&w, NULL, "%d", 1);
	jd_fmt(&w, NULL, "%d", 2);
	jd_close(&w, "]");
	jd_open(&w, "e", "[");
	jd_close(&w, "]");
	jd_close(&w, "}");
	ck_assert_int_eq(jd_end(&w), 0);
	ck_assert_str_eq(text(), "{\"a\":1,\"b\":{\"c\":\"x\"},\"d\":[1,2],\"e\":[]}");
}
END_TEST

START_TEST(test_string_values_are_escaped_and_keys_written_as_they_are)
{
	jd_open(&w, NULL, "{");
	jd_str(&w, "k", "q\"\\\n\x1b", 5);
	jd_close(&w, "}");
	ck_assert_int_eq(jd_end(&w), 0);
	ck_assert_str_eq(text(), "{\"k\":\"q\\\"\\\\\\u000a\\u001b\"}");
	ck_assert_uint_eq(w.bad_total, 0);
}
END_TEST

START_TEST(test_escaped_pieces_make_one_string)
{
	jd_open(&w, NULL, "{");
	jd_str_open(&w, "cmd");
	jd_escape(&w, "ls\tmod", 6);
	jd_raw(&w, " ");
	jd_escape(&w, "-v", 2);
	jd_str_close(&w);
	jd_close(&w, "}");
	ck_assert_str_eq(text(), "{\"cmd\":\"ls\\u0009mod -v\"}");
}
END_TEST

/* Bytes FF FE are U+FFFD twice, and the writer keeps the raw bytes and
 * where they were; the text \xff\xfe is just text. */
START_TEST(test_invalid_bytes_are_replaced_and_remembered)
{
	static const char raw[] = "a\xff\xfe";
	static const char typed[] = "a\\xff\\xfe";

	jd_open(&w, NULL, "{");
	jd_open(&w, "process", "{");
	jd_open(&w, "args", "[");
	jd_str(&w, NULL, typed, sizeof(typed) - 1);
	jd_str(&w, NULL, raw, sizeof(raw) - 1);
	jd_close(&w, "]");
	jd_str(&w, "title", raw, sizeof(raw) - 1);
	jd_close(&w, "}");
	jd_close(&w, "}");
	ck_assert_int_eq(jd_end(&w), 0);
	ck_assert_str_eq(text(), "{\"process\":{\"args\":[\"a\\\\xff\\\\xfe\","
			 "\"a\xef\xbf\xbd\xef\xbf\xbd\"],"
			 "\"title\":\"a\xef\xbf\xbd\xef\xbf\xbd\"}}");
	ck_assert_uint_eq(w.bad_total, 2);
	ck_assert_uint_eq(w.nbad, 2);
	ck_assert_str_eq(w.bad[0].path, "process.args");
	ck_assert_int_eq(w.bad[0].index, 1);
	ck_assert_ptr_eq(w.bad[0].p, raw);
	ck_assert_uint_eq(w.bad[0].len, 3);
	ck_assert_str_eq(w.bad[1].path, "process.title");
	ck_assert_int_eq(w.bad[1].index, -1);
	ck_assert_uint_eq(w.nfields, 2);
	ck_assert_str_eq(w.fields[0], "process.args");
	ck_assert_str_eq(w.fields[1], "process.title");
}
END_TEST

/* A string made of pieces is named among the fields, without bytes of its
 * own; past JD_BAD_MAX values, only the count and the distinct fields
 * grow. */
START_TEST(test_pieces_and_many_values_are_counted)
{
	size_t i;

	jd_open(&w, NULL, "{");
	jd_str_open(&w, "command_line");
	jd_escape(&w, "x\x80", 2);
	jd_str_close(&w);
	jd_open(&w, "args", "[");
	for (i = 0; i < JD_BAD_MAX + 5; i++)
		jd_str(&w, NULL, "\xc0", 1);
	jd_close(&w, "]");
	jd_close(&w, "}");
	ck_assert_int_eq(jd_end(&w), 0);
	ck_assert_uint_eq(w.bad_total, JD_BAD_MAX + 5);
	ck_assert_uint_eq(w.nbad, JD_BAD_MAX);
	ck_assert_str_eq(w.bad[0].path, "args");
	ck_assert_int_eq(w.bad[0].index, 0);
	ck_assert_int_eq(w.bad[JD_BAD_MAX - 1].index, JD_BAD_MAX - 1);
	ck_assert_uint_eq(w.nfields, 2);
	ck_assert_str_eq(w.fields[0], "command_line");
	ck_assert_str_eq(w.fields[1], "args");
}
END_TEST

START_TEST(test_null_items)
{
	jd_open(&w, NULL, "[");
	jd_null(&w, NULL);
	jd_str(&w, NULL, "", 0);
	jd_close(&w, "]");
	ck_assert_str_eq(text(), "[null,\"\"]");
}
END_TEST

START_TEST(test_a_refused_append_is_sticky)
{
	struct kme_buf small;
	size_t len;

	buf_init(&small, 16);
	jd_init(&w, &small);
	jd_open(&w, NULL, "{");
	jd_str(&w, "key", "a long value", 12);   /* does not fit */
	ck_assert_int_eq(jd_end(&w), -1);
	len = small.len;
	jd_fmt(&w, "n", "%d", 1);                 /* would fit: not written */
	jd_close(&w, "}");
	ck_assert_uint_eq(small.len, len);
	ck_assert_uint_le(small.len, 16);
	ck_assert_int_eq(jd_end(&w), -1);
	buf_free(&small);
}
END_TEST

START_TEST(test_nesting_deeper_than_the_bound_ends_the_document)
{
	int i;

	for (i = 0; i < JD_DEPTH - 1; i++)
		jd_open(&w, NULL, "[");
	ck_assert_int_eq(jd_end(&w), 0);
	jd_open(&w, NULL, "[");
	ck_assert_int_eq(jd_end(&w), -1);
}
END_TEST

static Suite *jsondoc_suite(void)
{
	Suite *s = suite_create("jsondoc");
	TCase *c = tcase_create("writer");

	tcase_add_checked_fixture(c, setup, teardown);
	tcase_add_test(c, test_items_are_separated_by_commas_per_level);
	tcase_add_test(c, test_string_values_are_escaped_and_keys_written_as_they_are);
	tcase_add_test(c, test_escaped_pieces_make_one_string);
	tcase_add_test(c, test_invalid_bytes_are_replaced_and_remembered);
	tcase_add_test(c, test_pieces_and_many_values_are_counted);
	tcase_add_test(c, test_null_items);
	tcase_add_test(c, test_a_refused_append_is_sticky);
	tcase_add_test(c, test_nesting_deeper_than_the_bound_ends_the_document);
	suite_add_tcase(s, c);
	return s;
}

int main(void)
{
	return ck_run(jsondoc_suite());
}
