/* check_interp.c - ausearch's output back to raw records, event by event
 * (the values one by one: check_interpfield.c). The interpreted lines and
 * the raw ones they must become are copied from one real session
 * (tests/data/interp/: interp-raw.log and its `TZ=America/New_York ausearch
 * -i`). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "checkrun.h"
#include "interp.h"
#include "interpfield.h"
#include "loghead.h"

/* --- events -------------------------------------------------------------------- */

#define MAX_OUT 64

struct got {
	size_t n, skipped;
	char *line[MAX_OUT];
	uint64_t lineno[MAX_OUT];
	const char *why;
};

static void out(void *arg, const char *line, size_t len, uint64_t lineno)
{
	struct got *g = arg;

	ck_assert_uint_lt(g->n, MAX_OUT);
	g->line[g->n] = strndup(line, len);
	g->lineno[g->n++] = lineno;
}

static void skip(void *arg, uint64_t lineno, const char *why, const char *line,
		 size_t len)
{
	struct got *g = arg;

	(void)lineno, (void)line, (void)len;
	g->skipped++;
	g->why = why;
}

/* Feed the lines (separated by '\n') to a translator, then flush. */
static struct ip_translator *feed(const char *text, bool zone, struct got *g)
{
	struct kme_err err = { "" };
	struct ip_translator *t = ip_new(zone, out, skip, g, &err);
	const char *p = text, *nl;
	struct lh_head h;
	uint64_t no = 0;

	ck_assert_ptr_nonnull(t);
	if (zone)
		ck_assert_int_eq(ipf_set_zone("America/New_York", &err), 0);
	memset(g, 0, sizeof(*g));
	for (; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		lh_parse(p, (size_t)(nl - p), &h);
		ip_line(t, p, (size_t)(nl - p), &h, ++no);
	}
	ip_flush(t);
	return t;
}

static void got_free(struct got *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		free(g->line[i]);
}

/* The kmod list of 53-args, as ausearch -i printed it (PROCTITLE first). */
static const char interp_event[] =
	"----\n"
	"type=PROCTITLE msg=audit(12/07/26 04:33:28.314:341537) : proctitle=kmod list a b x\"y tab\\011here line1\\012line2 back\\slash caf\xc3\xa9 \n"
	"type=PATH msg=audit(12/07/26 04:33:28.314:341537) : item=1 name=/lib64/ld-linux-x86-64.so.2 inode=332383 dev=fe:00 mode=file,755 ouid=root ogid=root rdev=00:00 nametype=NORMAL cap_fp=none cap_fi=none cap_fe=0 cap_fver=0 cap_frootid=0 \n"
	"type=PATH msg=audit(12/07/26 04:33:28.314:341537) : item=0 name=/usr/bin/kmod inode=10977323 dev=fe:00 mode=file,755 ouid=root ogid=root rdev=00:00 nametype=NORMAL cap_fp=none cap_fi=none cap_fe=0 cap_fver=0 cap_frootid=0 \n"
	"type=CWD msg=audit(12/07/26 04:33:28.314:341537) : cwd=/tmp/kme-scenario/53-args \n"
	"type=EXECVE msg=audit(12/07/26 04:33:28.314:341537) : argc=8 a0=kmod a1=list a2=a b a3=x\"y a4=tab\\011here a5=line1\\012line2 a6=back\\slash a7=caf\xc3\xa9 \n"
	"type=BPRM_FCAPS msg=audit(12/07/26 04:33:28.314:341537) : fver=0 fp=none fi=none fe=0 old_pp=chown pp=chown \n"
	"type=SYSCALL msg=audit(12/07/26 04:33:28.314:341537) : arch=x86_64 syscall=execve success=yes exit=0 a0=0x56015f1ccce0 a1=0x56015f1ce9f0 a2=0x56015f1cdc50 a3=0xf8212bb44fdaab6 items=2 ppid=8337 pid=8340 auid=root uid=root gid=root euid=root suid=root fsuid=root egid=root sgid=root fsgid=root tty=(none) ses=2 comm=kmod exe=/usr/bin/kmod key=kme \n";

START_TEST(test_an_interpreted_event_becomes_the_raw_records_in_kernel_order)
{
	struct ip_stats st;
	struct got g;
	struct ip_translator *t = feed(interp_event, true, &g);

	ck_assert_uint_eq(g.n, 6); /* BPRM_FCAPS decides nothing: left out */
	/* The raw log's own SYSCALL line, then the ENRICHED tail. */
	ck_assert_str_eq(g.line[0],
		"type=SYSCALL msg=audit(1796636008.314:341537): arch=c000003e syscall=59 success=yes exit=0 a0=56015f1ccce0 a1=56015f1ce9f0 a2=56015f1cdc50 a3=f8212bb44fdaab6 items=2 ppid=8337 pid=8340 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=2 comm=\"kmod\" exe=\"/usr/bin/kmod\" key=\"kme\""
		"\035ARCH=x86_64 SYSCALL=execve AUID=\"root\" UID=\"root\" GID=\"root\" EUID=\"root\" SUID=\"root\" FSUID=\"root\" EGID=\"root\" SGID=\"root\" FSGID=\"root\"");
	ck_assert_uint_eq(g.lineno[0], 8);
	/* The raw log's EXECVE and CWD lines, byte for byte. */
	ck_assert_str_eq(g.line[1],
		"type=EXECVE msg=audit(1796636008.314:341537): argc=8 a0=\"kmod\" a1=\"list\" a2=612062 a3=782279 a4=7461620968657265 a5=6C696E65310A6C696E6532 a6=\"back\\slash\" a7=636166C3A9");
	ck_assert_str_eq(g.line[2],
		"type=CWD msg=audit(1796636008.314:341537): cwd=\"/tmp/kme-scenario/53-args\"");
	ck_assert_str_eq(g.line[3],
		"type=PATH msg=audit(1796636008.314:341537): item=0 name=\"/usr/bin/kmod\" inode=10977323 dev=fe:00 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL");
	ck_assert_str_eq(g.line[4],
		"type=PATH msg=audit(1796636008.314:341537): item=1 name=\"/lib64/ld-linux-x86-64.so.2\" inode=332383 dev=fe:00 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL");
	{
		const char *want = "type=PROCTITLE msg=audit(1796636008.314:341537): "
				   "proctitle=6B6D6F64206C697374"; /* "kmod list" */

		ck_assert(strncmp(g.line[5], want, strlen(want)) == 0);
	}
	ip_stats(t, &st);
	ck_assert_uint_eq(st.events, 1);
	ck_assert_uint_eq(st.reversed, 1);
	ck_assert_uint_eq(st.translated, 6);
	ck_assert_uint_eq(st.dropped, 1);
	ck_assert_uint_eq(g.skipped, 0);
	got_free(&g);
	ip_free(t);
}
END_TEST

START_TEST(test_without_a_zone_interpreted_records_are_skipped_with_the_reason)
{
	struct got g;
	struct ip_translator *t = feed(interp_event, false, &g);

	ck_assert_uint_eq(g.n, 0);
	ck_assert_uint_eq(g.skipped, 7);
	ck_assert_str_eq(g.why, "an ausearch -i record needs --tz ZONE");
	ip_free(t);
}
END_TEST

START_TEST(test_ausearch_default_form_gets_its_events_back_in_order)
{
	static const char text[] =
		"----\n"
		"time->Mon Dec  7 04:33:28 2026\n"
		"type=PROCTITLE msg=audit(1796636008.334:341547): proctitle=\"x\"\n"
		"type=PATH msg=audit(1796636008.334:341547): item=0 name=\"./lsmod\" inode=1 dev=fe:00\n"
		"type=CWD msg=audit(1796636008.334:341547): cwd=\"/tmp\"\n"
		"type=SYSCALL msg=audit(1796636008.334:341547): arch=c000003e syscall=59 success=no exit=-13\n"
		"----\n"
		"time->Mon Dec  7 04:33:28 2026\n"
		"type=SYSCALL msg=audit(1796636008.338:341548): arch=c000003e syscall=56 success=yes exit=9\n";
	struct got g;
	struct ip_translator *t = feed(text, false, &g);

	ck_assert_uint_eq(g.n, 5);
	ck_assert(strstr(g.line[0], "type=SYSCALL msg=audit(1796636008.334:341547)") == g.line[0]);
	ck_assert(strstr(g.line[1], "type=CWD") == g.line[1]);
	ck_assert(strstr(g.line[3], "type=PROCTITLE") == g.line[3]);
	ck_assert(strstr(g.line[4], ":341548)") != NULL);
	ck_assert_uint_eq(g.lineno[0], 6);
	ck_assert_uint_eq(g.skipped, 0);
	got_free(&g);
	ip_free(t);
}
END_TEST

START_TEST(test_argc_bounds_an_argument_holding_another_fields_text)
{
	/* kmod 'x a1=list': argc=2 says a1 is the last argument. */
	static const char text[] =
		"type=EXECVE msg=audit(12/07/26 04:33:28.322:341541) : argc=2 a0=kmod a1=x a1=list \n"
		"type=EXECVE msg=audit(12/07/26 04:33:28.322:341542) : argc=3 a0=kmod a1=x a2=list a2=y \n";
	struct ip_stats st;
	struct got g;
	struct ip_translator *t = feed(text, true, &g);

	ck_assert_uint_eq(g.n, 2);
	ck_assert_str_eq(strstr(g.line[0], "argc="), "argc=2 a0=\"kmod\" a1=782061313D6C697374");
	/* Two ways to split: the first is taken, and the record counted. */
	ck_assert_str_eq(strstr(g.line[1], "argc="), "argc=3 a0=\"kmod\" a1=\"x\" a2=6C6973742061323D79");
	ip_stats(t, &st);
	ck_assert_uint_eq(st.ambiguous, 2);
	got_free(&g);
	ip_free(t);
}
END_TEST

START_TEST(test_text_values_end_at_a_later_field_and_names_without_number_are_kept)
{
	static const char text[] =
		"type=SYSCALL msg=audit(12/07/26 04:33:28.346:341561) : arch=x86_64 syscall=execve success=yes exit=0 a0=0x1 a1=0x2 a2=0x3 a3=0x4 items=3 ppid=8357 pid=8358 auid=root uid=nobody gid=nogroup euid=nobody suid=nobody fsuid=nobody egid=nogroup sgid=nogroup fsgid=nogroup tty=pts0 ses=unset comm=my tool exe=/usr/bin/dash key=(null) \n"
		"type=PATH msg=audit(12/07/26 04:33:28.346:341561) : item=0 name=/nonexistent/ls mod nametype=UNKNOWN cap_fp=none cap_fi=none cap_fe=0 cap_fver=0 cap_frootid=0 \n";
	struct ip_stats st;
	struct got g;
	struct ip_translator *t = feed(text, true, &g);

	ck_assert_uint_eq(g.n, 2);
	ck_assert_msg(strstr(g.line[0], "auid=0 uid=4294967295 gid=4294967295 euid=4294967295 ") &&
		      strstr(g.line[0], " tty=pts0 ses=4294967295 comm=6D7920746F6F6C exe=\"/usr/bin/dash\" key=(null)\035") &&
		      strstr(g.line[0], "UID=\"nobody\" GID=\"nogroup\""), "%s", g.line[0]);
	ck_assert_str_eq(strstr(g.line[1], "item="),
			 "item=0 name=2F6E6F6E6578697374656E742F6C73206D6F64 nametype=UNKNOWN");
	ip_stats(t, &st);
	ck_assert_uint_eq(st.names_without_id, 8);
	ck_assert_uint_eq(st.ambiguous, 0);
	got_free(&g);
	ip_free(t);
}
END_TEST

START_TEST(test_a_long_argument_in_pieces_stays_in_pieces)
{
	/* Reversed like ausearch prints it: the last piece first. */
	static const char text[] =
		"type=EXECVE msg=audit(11/26/26 21:46:27.869:2142) :  a2[1]=yy \n"
		"type=EXECVE msg=audit(11/26/26 21:46:27.869:2142) : argc=3 a0=kmod a1=list a2_len=8 a2[0]=x x \n"
		"type=SYSCALL msg=audit(11/26/26 21:46:27.869:2142) : arch=x86_64 syscall=execve success=yes exit=0 items=2 ppid=1 pid=2 \n";
	struct got g;
	struct ip_translator *t = feed(text, true, &g);

	ck_assert_uint_eq(g.n, 3);
	ck_assert(strstr(g.line[0], "type=SYSCALL") == g.line[0]);
	ck_assert_str_eq(strstr(g.line[1], "argc="), "argc=3 a0=\"kmod\" a1=\"list\" a2_len=8 a2[0]=782078");
	ck_assert_str_eq(strstr(g.line[2], "a2[1]"), "a2[1]=7979");
	got_free(&g);
	ip_free(t);
}
END_TEST

START_TEST(test_unreadable_values_skip_the_line_and_say_why)
{
	static const char text[] =
		"type=SYSCALL msg=audit(11/26/26 21:46:27.869:1) : arch=x86_64 syscall=no_such_call success=yes \n"
		"type=SYSCALL msg=audit(31/12/26 21:46:27.869:2) : arch=x86_64 syscall=execve success=yes \n"
		"hello\n";
	struct got g;
	struct ip_translator *t = feed(text, true, &g);

	ck_assert_uint_eq(g.n, 0);
	ck_assert_uint_eq(g.skipped, 3);
	ck_assert_str_eq(g.why, "not an audit record");
	ip_free(t);
}
END_TEST

static Suite *interp_suite(void)
{
	Suite *s = suite_create("interp");
	TCase *te = tcase_create("events");

	tcase_add_test(te, test_an_interpreted_event_becomes_the_raw_records_in_kernel_order);
	tcase_add_test(te, test_without_a_zone_interpreted_records_are_skipped_with_the_reason);
	tcase_add_test(te, test_ausearch_default_form_gets_its_events_back_in_order);
	tcase_add_test(te, test_argc_bounds_an_argument_holding_another_fields_text);
	tcase_add_test(te, test_text_values_end_at_a_later_field_and_names_without_number_are_kept);
	tcase_add_test(te, test_a_long_argument_in_pieces_stays_in_pieces);
	tcase_add_test(te, test_unreadable_values_skip_the_line_and_say_why);
	suite_add_tcase(s, te);
	return s;
}

int main(void)
{
	return ck_run(interp_suite());
}
