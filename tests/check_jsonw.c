/* check_jsonw.c - escaping of hostile bytes for JSON and text lines. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "buf.h"
#include "checkrun.h"
#include "jsonw.h"

/* Escape n bytes of `in` (no quotes) into a static result. */
static const char *esc(const char *in, size_t n)
{
	static struct kme_buf b;

	buf_free(&b);
	buf_init(&b, 0);
	ck_assert_int_eq(jsonw_escape(&b, in, n), 0);
	return b.len ? b.p : "";
}

#define ESC(lit) esc(lit, sizeof(lit) - 1)

/* Parse "[" + s + "]" with yajl; returns the decoded first string. */
static char *json_roundtrip(const char *quoted)
{
	char errbuf[256], *doc, *out;
	size_t n = strlen(quoted);
	yajl_val v, s;

	/* Plain ifs: this runs in loops, and ck_assert costs a pipe write
	 * per call in fork mode. */
	doc = malloc(n + 3);
	if (doc == NULL)
		ck_abort_msg("out of memory");
	doc[0] = '[';
	memcpy(doc + 1, quoted, n);
	doc[n + 1] = ']';
	doc[n + 2] = '\0';
	v = yajl_tree_parse(doc, errbuf, sizeof(errbuf));
	if (v == NULL)
		ck_abort_msg("yajl rejected %s: %s", doc, errbuf);
	if (!YAJL_IS_ARRAY(v) || v->u.array.len != 1 ||
	    !YAJL_IS_STRING(v->u.array.values[0]))
		ck_abort_msg("not one string: %s", doc);
	s = v->u.array.values[0];
	out = strdup(s->u.string);
	yajl_tree_free(v);
	free(doc);
	return out;
}

START_TEST(test_plain_ascii_is_unchanged)
{
	const char *s = "lsmod -v /usr/sbin/modinfo 'x' ~!@#$%^&*()_+{}|:<>?";

	ck_assert_str_eq(esc(s, strlen(s)), s);
}
END_TEST

START_TEST(test_empty_input_gives_empty_output)
{
	ck_assert_str_eq(esc(NULL, 0), "");
}
END_TEST

START_TEST(test_quote_and_backslash_are_escaped)
{
	ck_assert_str_eq(ESC("a\"b\\c"), "a\\\"b\\\\c");
}
END_TEST

START_TEST(test_every_c0_control_and_del_become_u00xx)
{
	char want[8];
	unsigned c;

	for (c = 0; c <= 0x7f; c++) {
		char in = (char)c;

		if (c >= 0x20 && c != 0x7f)
			continue;
		snprintf(want, sizeof(want), "\\u%04x", c);
		ck_assert_str_eq(esc(&in, 1), want);
	}
}
END_TEST

START_TEST(test_nul_byte_is_escaped_and_does_not_end_the_string)
{
	ck_assert_str_eq(ESC("a\0b"), "a\\u0000b");
}
END_TEST

START_TEST(test_c1_controls_become_u00xx)
{
	ck_assert_str_eq(ESC("\xc2\x80"), "\\u0080");
	ck_assert_str_eq(ESC("x\xc2\x85y"), "x\\u0085y");  /* NEL */
	ck_assert_str_eq(ESC("\xc2\x9b"), "\\u009b");      /* CSI */
	ck_assert_str_eq(ESC("\xc2\x9f"), "\\u009f");
	/* U+00A0 is the first code point after C1: kept. */
	ck_assert_str_eq(ESC("\xc2\xa0"), "\xc2\xa0");
}
END_TEST

START_TEST(test_line_and_paragraph_separators_are_escaped)
{
	ck_assert_str_eq(ESC("a\xe2\x80\xa8" "b"), "a\\u2028b");
	ck_assert_str_eq(ESC("\xe2\x80\xa9"), "\\u2029");
	ck_assert_str_eq(ESC("\xe2\x80\xa7"), "\xe2\x80\xa7");
}
END_TEST

START_TEST(test_valid_multibyte_is_kept)
{
	ck_assert_str_eq(ESC("caf\xc3\xa9"), "caf\xc3\xa9");            /* é */
	ck_assert_str_eq(ESC("\xe4\xb8\xad"), "\xe4\xb8\xad");          /* 中 */
	ck_assert_str_eq(ESC("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");  /* 😀 */
}
END_TEST

START_TEST(test_boundary_code_points_are_kept)
{
	static const char *const ok[] = {
		"\xdf\xbf",          /* U+07FF */
		"\xe0\xa0\x80",      /* U+0800 */
		"\xed\x9f\xbf",      /* U+D7FF, last before surrogates */
		"\xee\x80\x80",      /* U+E000, first after surrogates */
		"\xef\xbf\xbf",      /* U+FFFF */
		"\xf0\x90\x80\x80",  /* U+10000 */
		"\xf4\x8f\xbf\xbf",  /* U+10FFFF */
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		ck_assert_str_eq(esc(ok[i], strlen(ok[i])), ok[i]);
}
END_TEST

START_TEST(test_lone_continuation_byte_becomes_backslash_x)
{
	ck_assert_str_eq(ESC("a\x80" "b"), "a\\\\x80b");
	ck_assert_str_eq(ESC("\xbf"), "\\\\xbf");
}
END_TEST

START_TEST(test_overlong_forms_are_rejected_bytewise)
{
	ck_assert_str_eq(ESC("\xc0\x80"), "\\\\xc0\\\\x80");
	ck_assert_str_eq(ESC("\xc1\xbf"), "\\\\xc1\\\\xbf");
	ck_assert_str_eq(ESC("\xe0\x80\x80"), "\\\\xe0\\\\x80\\\\x80");
	ck_assert_str_eq(ESC("\xe0\x9f\xbf"), "\\\\xe0\\\\x9f\\\\xbf");
	ck_assert_str_eq(ESC("\xf0\x8f\xbf\xbf"),
			 "\\\\xf0\\\\x8f\\\\xbf\\\\xbf");
}
END_TEST

START_TEST(test_encoded_surrogates_are_rejected)
{
	ck_assert_str_eq(ESC("\xed\xa0\x80"), "\\\\xed\\\\xa0\\\\x80");
	ck_assert_str_eq(ESC("\xed\xbf\xbf"), "\\\\xed\\\\xbf\\\\xbf");
}
END_TEST

START_TEST(test_code_points_above_10ffff_are_rejected)
{
	ck_assert_str_eq(ESC("\xf4\x90\x80\x80"),
			 "\\\\xf4\\\\x90\\\\x80\\\\x80");
	ck_assert_str_eq(ESC("\xf5\x80\x80\x80"),
			 "\\\\xf5\\\\x80\\\\x80\\\\x80");
}
END_TEST

START_TEST(test_truncated_sequence_at_end_is_escaped)
{
	ck_assert_str_eq(ESC("a\xe4\xb8"), "a\\\\xe4\\\\xb8");
	ck_assert_str_eq(ESC("\xf0\x9f\x98"), "\\\\xf0\\\\x9f\\\\x98");
	ck_assert_str_eq(ESC("\xc3"), "\\\\xc3");
}
END_TEST

START_TEST(test_broken_sequence_resyncs_on_next_byte)
{
	/* The bad lead must not swallow the valid text after it. */
	ck_assert_str_eq(ESC("\xe4" "A\xc3\xa9"), "\\\\xe4A\xc3\xa9");
	ck_assert_str_eq(ESC("\xe4\xb8" "\xe4\xb8\xad"),
			 "\\\\xe4\\\\xb8\xe4\xb8\xad");
}
END_TEST

START_TEST(test_ff_and_fe_become_backslash_x)
{
	ck_assert_str_eq(ESC("\xff\xfe"), "\\\\xff\\\\xfe");
}
END_TEST

/* The alerts' form: each byte that is not text is U+FFFD, counted; the
 * same characters typed as text stay text. */
START_TEST(test_fffd_form_replaces_and_counts_invalid_bytes)
{
	struct kme_buf b;
	size_t bad = 0;

	buf_init(&b, 0);
	ck_assert_int_eq(jsonw_str_fffd(&b, "\xff\xfe \xe2\x82 \xc3\xa9", 8, &bad), 0);
	ck_assert_str_eq(b.p, "\"\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd \xc3\xa9\"");
	ck_assert_uint_eq(bad, 4);
	buf_reset(&b);
	ck_assert_int_eq(jsonw_escape_fffd(&b, "\\xff\\xfe\x7f", 9, &bad), 0);
	ck_assert_str_eq(b.p, "\\\\xff\\\\xfe\\u007f");
	ck_assert_uint_eq(bad, 4);      /* added to, not reset */
	buf_free(&b);
}
END_TEST

START_TEST(test_bound_reached_returns_minus_one)
{
	struct kme_buf b;

	buf_init(&b, 8);
	ck_assert_int_eq(jsonw_escape(&b, "0123456789", 10), -1);
	ck_assert(b.overflow);
	ck_assert_uint_le(b.len, 8);
	buf_reset(&b);
	/* 7 plain bytes fit, the 6-byte \u001b escape does not. */
	ck_assert_int_eq(jsonw_escape(&b, "abcdefg\x1b", 8), -1);
	ck_assert_uint_le(b.len, 8);
	buf_reset(&b);
	/* Closing quote is the byte too many. */
	ck_assert_int_eq(jsonw_str(&b, "abcdefg", 7), -1);
	buf_reset(&b);
	ck_assert_int_eq(jsonw_str(&b, "abcdef", 6), 0);
	ck_assert_str_eq(b.p, "\"abcdef\"");
	buf_free(&b);
}
END_TEST

START_TEST(test_str_is_escape_in_quotes)
{
	struct kme_buf b;
	const char in[] = "x\"\\\n\x80\xc3\xa9";

	buf_init(&b, 0);
	ck_assert_int_eq(jsonw_str(&b, in, sizeof(in) - 1), 0);
	ck_assert_uint_eq(b.len, strlen(ESC(in)) + 2);
	ck_assert_int_eq(b.p[0], '"');
	ck_assert_int_eq(b.p[b.len - 1], '"');
	ck_assert_int_eq(memcmp(b.p + 1, ESC(in), b.len - 2), 0);
	buf_free(&b);
}
END_TEST

START_TEST(test_yajl_decodes_escapes_back)
{
	struct kme_buf b;
	char *out;
	const char in[] = "a\"b\\c\td\x1b[0m\x7f\xc2\x85\xe2\x80\xa8\xc3\xa9\xff";

	buf_init(&b, 0);
	ck_assert_int_eq(jsonw_str(&b, in, sizeof(in) - 1), 0);
	out = json_roundtrip(b.p);
	ck_assert_str_eq(out, "a\"b\\c\td\x1b[0m\x7f\xc2\x85\xe2\x80\xa8\xc3\xa9"
			      "\\xff");
	free(out);
	buf_free(&b);
}
END_TEST

/* An independent validator (decode first, then check the code point), to
 * compare the table-driven one against on every short byte sequence. */
static size_t ref_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2; c = s[0] & 0x1f; min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3; c = s[0] & 0x0f; min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4; c = s[0] & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static void ref_escape(char *out, const unsigned char *s, size_t n)
{
	size_t i = 0, k;
	uint32_t cp;

	*out = '\0';
	while (i < n) {
		k = ref_decode(s + i, n - i, &cp);
		out += strlen(out);
		if (k == 0) {
			sprintf(out, "\\\\x%02x", s[i]);
			k = 1;
		} else if (cp == '"' || cp == '\\') {
			sprintf(out, "\\%c", (char)cp);
		} else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
			   cp == 0x2028 || cp == 0x2029) {
			sprintf(out, "\\u%04x", (unsigned)cp);
		} else {
			memcpy(out, s + i, k);
			out[k] = '\0';
		}
		i += k;
	}
}

static const unsigned char probe[] = {
	0x00, 0x1f, 0x22, 0x41, 0x5c, 0x7f, 0x80, 0x85, 0x8f, 0x90, 0x9f,
	0xa0, 0xa8, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xe2, 0xec,
	0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff,
};
#define NPROBE (sizeof(probe) / sizeof(probe[0]))

START_TEST(test_matches_reference_on_all_short_sequences)
{
	unsigned char in[4];
	char want[64];
	size_t a, b, c, d, len;
	unsigned long checked = 0;
	struct kme_buf got;

	buf_init(&got, 0);
	memset(in, 0, sizeof(in));
	for (a = 0; a < NPROBE; a++)
	for (b = 0; b <= NPROBE; b++)
	for (c = 0; c <= NPROBE; c++)
	for (d = 0; d <= NPROBE; d++) {
		/* index NPROBE means "sequence ends here" */
		if ((b == NPROBE && c < NPROBE) || (c == NPROBE && d < NPROBE))
			continue;
		in[0] = probe[a];
		len = 1;
		if (b < NPROBE)
			in[len++] = probe[b];
		if (c < NPROBE)
			in[len++] = probe[c];
		if (d < NPROBE)
			in[len++] = probe[d];
		ref_escape(want, in, len);
		buf_reset(&got);
		/* Plain if: ck_assert costs a pipe write per call in fork mode. */
		if (jsonw_escape(&got, (const char *)in, len) < 0 ||
		    strcmp(got.len ? got.p : "", want) != 0)
			ck_abort_msg("%02x %02x %02x %02x (len %zu): got '%s' want '%s'",
				     in[0], in[1], in[2], in[3], len, got.p, want);
		checked++;
	}
	buf_free(&got);
	ck_assert_uint_gt(checked, 900000);
}
END_TEST

START_TEST(test_every_byte_pair_gives_valid_json_without_raw_controls)
{
	struct kme_buf b;
	unsigned x, y;
	size_t i;
	char *dec;

	buf_init(&b, 0);
	for (x = 0; x < 256; x++) {
		for (y = 0; y < 256; y += 3) {
			char in[3] = { (char)x, (char)y, 'z' };

			buf_reset(&b);
			if (jsonw_str(&b, in, 3) < 0)
				ck_abort_msg("jsonw_str failed");
			for (i = 0; i < b.len; i++) {
				unsigned char ch = (unsigned char)b.p[i];

				if (ch < 0x20 || ch == 0x7f)
					ck_abort_msg("raw byte %02x for %02x %02x",
						     ch, x, y);
			}
			dec = json_roundtrip(b.p);
			free(dec);
		}
	}
	buf_free(&b);
}
END_TEST

static Suite *jsonw_suite(void)
{
	Suite *s = suite_create("jsonw");
	TCase *tc = tcase_create("escape");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_plain_ascii_is_unchanged);
	tcase_add_test(tc, test_empty_input_gives_empty_output);
	tcase_add_test(tc, test_quote_and_backslash_are_escaped);
	tcase_add_test(tc, test_every_c0_control_and_del_become_u00xx);
	tcase_add_test(tc, test_nul_byte_is_escaped_and_does_not_end_the_string);
	tcase_add_test(tc, test_c1_controls_become_u00xx);
	tcase_add_test(tc, test_line_and_paragraph_separators_are_escaped);
	tcase_add_test(tc, test_valid_multibyte_is_kept);
	tcase_add_test(tc, test_boundary_code_points_are_kept);
	tcase_add_test(tc, test_lone_continuation_byte_becomes_backslash_x);
	tcase_add_test(tc, test_overlong_forms_are_rejected_bytewise);
	tcase_add_test(tc, test_encoded_surrogates_are_rejected);
	tcase_add_test(tc, test_code_points_above_10ffff_are_rejected);
	tcase_add_test(tc, test_truncated_sequence_at_end_is_escaped);
	tcase_add_test(tc, test_broken_sequence_resyncs_on_next_byte);
	tcase_add_test(tc, test_ff_and_fe_become_backslash_x);
	tcase_add_test(tc, test_fffd_form_replaces_and_counts_invalid_bytes);
	tcase_add_test(tc, test_bound_reached_returns_minus_one);
	tcase_add_test(tc, test_str_is_escape_in_quotes);
	tcase_add_test(tc, test_yajl_decodes_escapes_back);
	tcase_add_test(tc, test_matches_reference_on_all_short_sequences);
	tcase_add_test(tc, test_every_byte_pair_gives_valid_json_without_raw_controls);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run(jsonw_suite());
}
