/* explain.c - the lines of --explain (see explain.h). */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "explain.h"
#include "jsonw.h"
#include "openevent.h"

/* Append key=value, escaped as explain.h says. */
static void kv(struct kme_buf *b, const char *key, struct kme_str v)
{
	buf_printf(b, " %s=", key);
	if (v.p == NULL)
		buf_putc(b, '?');
	else if (memchr(v.p, ' ', v.len) || memchr(v.p, '"', v.len) ||
		 v.len == 0 || v.p[0] == '?')
		jsonw_str(b, v.p, v.len);
	else
		jsonw_escape(b, v.p, v.len);
}

void xp_line(struct kme_buf *b, const struct kme_exec *ex, const char *rule,
	     const struct kme_file *file, const char *verdict,
	     const char *detail)
{
	char when[CLK_RFC3339_SIZE];

	clk_rfc3339(ex->sec, ex->msec, when);
	buf_reset(b);
	buf_printf(b, "%s %lld.%03u:%llu", when, (long long)ex->sec, ex->msec,
		   (unsigned long long)ex->serial);
	if (ex->node.p != NULL)
		kv(b, "host", ex->node); /* an aggregator's stream */
	buf_printf(b, " pid=%d", ex->proc.pid);
	kv(b, "name", ex->proc.name);
	kv(b, "exe", ex->proc.executable);
	buf_printf(b, " ppid=%d", ex->parent.pid);
	kv(b, "parent_name", ex->parent.name);
	kv(b, "parent_exe", ex->parent.executable);
	buf_printf(b, " source=%s", kme_parent_source_name(ex->parent_source));
	if (rule != NULL)
		buf_printf(b, " rule=%s", rule);
	if (file != NULL)
		kv(b, "file", oe_file_path(file));
	kv(b, "cwd", ex->proc.cwd);
	buf_printf(b, " => %s: %s", verdict, detail);
}

/* a - b, saturated. */
static int64_t ms_between(int64_t a, int64_t b)
{
	if (b < 0 ? a > INT64_MAX + b : a < INT64_MIN + b)
		return b < 0 ? INT64_MAX : INT64_MIN;
	return a - b;
}

void xp_known(char *detail, size_t size, const struct nt_seen *seen,
	      int64_t t, int64_t window, const struct rule_result *rr,
	      bool is_new)
{
	char when[CLK_RFC3339_SIZE], first[CLK_RFC3339_SIZE], rdesc[640];
	const char *facts;
	size_t len;

	clk_rfc3339_ms(seen->last_seen, when);
	clk_rfc3339_ms(seen->first_seen, first);
	snprintf(detail, size, is_new
		 ? "new term (last seen %s, %lld ms before, outside the %lld ms "
		   "window; %llu time(s) since %s)"
		 : "term last seen %s, %lld ms before, within the %lld ms "
		   "window (%llu time(s) since %s)",
		 when, (long long)ms_between(t, seen->last_seen),
		 (long long)window, (unsigned long long)seen->count, first);
	if (rr == NULL || !(rr->multicall || rr->refused != NULL ||
			    kme_str_present(rr->opened_as)))
		return;
	facts = strchr(rule_describe(rr, rdesc, sizeof(rdesc)), ';');
	len = strlen(detail);
	if (facts != NULL && len + 1 < size)
		snprintf(detail + len, size - len, "%s", facts);
}

void xp_fit(char *detail, size_t size, enum alert_form fit,
	    size_t max_alert_size, size_t args_count)
{
	size_t len = strlen(detail);

	if (fit == ALERT_WHOLE || len + 1 >= size)
		return;
	snprintf(detail + len, size - len,
		 "; the alert is larger than max_alert_size (%zu): it goes out "
		 "%s (args_count %zu)", max_alert_size,
		 fit == ALERT_CLIPPED ? "with long arguments clipped" :
		 fit == ALERT_PARTIAL ? "with the first args only" : "not at all",
		 args_count);
}
