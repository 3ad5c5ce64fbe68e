/* fuzz_common.h - invariants shared by the libFuzzer harnesses.
 *
 * A harness reports a broken invariant with abort(), which libFuzzer turns
 * into a crash with a saved reproducer. The checks are those of the product's
 * promises (README "Alerts"): every alert is one line of valid JSON, and no
 * byte that a terminal or a log reader could act on reaches the output raw.
 */
#ifndef KME_FUZZ_COMMON_H
#define KME_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

/* Print why, then abort: the message lands next to libFuzzer's report. */
static inline void fz_fail(const char *what, const char *line, size_t len)
{
	fprintf(stderr, "fuzz invariant broken: %s (line of %zu bytes: %.*s)\n",
		what, len, (int)(len > 300 ? 300 : len), line);
	abort();
}

/* NULL when line[0..len) holds no byte a terminal or a line-based reader
 * acts on: C0 controls (newline included), DEL, the UTF-8 forms of the C1
 * controls (C2 80..9F) and of U+2028/U+2029 (E2 80 A8/A9); else a name for
 * the offending byte. */
static inline const char *fz_raw_control(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i] < 0x20)
			return "raw C0 control byte";
		if (p[i] == 0x7f)
			return "raw DEL byte";
		if (p[i] == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 &&
		    p[i + 1] <= 0x9f)
			return "raw C1 control";
		if (p[i] == 0xe2 && i + 2 < len && p[i + 1] == 0x80 &&
		    (p[i + 2] == 0xa8 || p[i + 2] == 0xa9))
			return "raw U+2028/U+2029";
	}
	return NULL;
}

/* One alert line (without its '\n'): a JSON object, strict UTF-8 (yajl
 * validates strings by default), and no raw control bytes. */
static inline void fz_check_json_line(const char *line, size_t len)
{
	char errbuf[256];
	const char *why;
	yajl_val v;
	char *z;

	if (len == 0)
		fz_fail("empty alert line", line, len);
	if (memchr(line, '\0', len) != NULL)
		fz_fail("NUL byte in alert line", line, len);
	why = fz_raw_control((const unsigned char *)line, len);
	if (why != NULL)
		fz_fail(why, line, len);
	z = malloc(len + 1);
	if (z == NULL)
		abort();
	memcpy(z, line, len);
	z[len] = '\0';
	errbuf[0] = '\0';
	v = yajl_tree_parse(z, errbuf, sizeof(errbuf));
	if (v == NULL) {
		fprintf(stderr, "yajl: %s\n", errbuf);
		fz_fail("alert line is not valid JSON", line, len);
	}
	if (!YAJL_IS_OBJECT(v))
		fz_fail("alert line is not a JSON object", line, len);
	yajl_tree_free(v);
	free(z);
}

/* Split out[0..len) into lines and check each. The text must end with a
 * newline (every sink line is "line\n"). check_line NULL: only the
 * control-byte check (text alerts, --explain lines). Returns the number of
 * lines. */
static inline size_t fz_check_lines(const char *out, size_t len,
				    void (*check_line)(const char *, size_t))
{
	size_t n = 0;
	const char *p = out, *end = out + len, *nl;

	if (len > 0 && out[len - 1] != '\n')
		fz_fail("output does not end with a newline", out, len);
	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (check_line != NULL) {
			check_line(p, (size_t)(nl - p));
		} else {
			const char *why = fz_raw_control(
				(const unsigned char *)p, (size_t)(nl - p));

			if (nl == p)
				fz_fail("empty output line", p, 0);
			if (why != NULL)
				fz_fail(why, p, (size_t)(nl - p));
		}
		n++;
		p = nl + 1;
	}
	return n;
}

#endif
