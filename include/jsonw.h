/* jsonw.h - escaping of attacker-chosen bytes for JSON and text output.
 *
 * Every output line of the plugin passes through here, so no argument can
 * forge a log line or break the JSON:
 *   - valid UTF-8 is kept, except that " and \ are escaped, C0 controls,
 *     DEL (0x7f) and C1 controls (U+0080..U+009F) become \u00XX, and U+2028 /
 *     U+2029 become \u2028 / \u2029;
 *   - every byte that is not part of a valid, shortest-form UTF-8 sequence
 *     (including encoded surrogates and code points above U+10FFFF) becomes
 *     the four characters \xNN, written in JSON as "\\xNN" (for people:
 *     --explain, the log), or U+FFFD, counted (the _fffd forms: alerts).
 * The result never holds a raw byte below 0x20, 0x7f, or an invalid
 * sequence, so it is one valid JSON line.
 *
 * Cost O(len). Errors: -1 when the buffer's bound is reached.
 */
#ifndef KME_JSONW_H
#define KME_JSONW_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* Append `"` escaped(p, len) `"` to b. */
int jsonw_str(struct kme_buf *b, const char *p, size_t len);

/* Append escaped(p, len) without quotes (for text lines; same escapes). */
int jsonw_escape(struct kme_buf *b, const char *p, size_t len);

/* The same two, except that a byte that is not part of a well-formed
 * sequence becomes U+FFFD (the three bytes EF BF BD) and is counted in *bad
 * (added to, never reset). The text \xNN could be the same characters typed
 * by anyone; U+FFFD says "a byte was here that was not text", and whoever
 * calls these keeps the raw bytes elsewhere (the alerts: jsondoc.h). */
int jsonw_str_fffd(struct kme_buf *b, const char *p, size_t len, size_t *bad);
int jsonw_escape_fffd(struct kme_buf *b, const char *p, size_t len,
		      size_t *bad);

/* As jsonw_escape, except that '"' and '\' are kept as they are: for
 * messages meant for people (the log), where quoting is not needed but a
 * control byte must still never reach a terminal or split a log line. */
int jsonw_text(struct kme_buf *b, const char *p, size_t len);

/* True when p[0..len) is well-formed UTF-8 without C0 controls or DEL: a
 * JSON string written by jsonw_str reads back (in any JSON parser) as
 * exactly these bytes, and reads as plain text. O(len). */
bool jsonw_is_text(const char *p, size_t len);

#endif
