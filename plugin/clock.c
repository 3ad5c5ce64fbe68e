/* clock.c - clocks and time formats (see clock.h). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"

static int64_t ms_of(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clk_wall_ms(void)
{
	return ms_of(CLOCK_REALTIME);
}

int64_t clk_mono_ms(void)
{
	return ms_of(CLOCK_MONOTONIC);
}

/* RFC 3339 has four-digit years: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z.
 * Clamping there also keeps gmtime_r's int tm_year far from overflow. */
#define CLK_T_MIN INT64_C(-62135596800)
#define CLK_T_MAX INT64_C(253402300799)

void clk_rfc3339(int64_t t, uint32_t msec, char out[CLK_RFC3339_SIZE])
{
	struct tm tm;
	time_t tt;

	if (t < CLK_T_MIN) {
		t = CLK_T_MIN;
		msec = 0;
	} else if (t > CLK_T_MAX) {
		t = CLK_T_MAX;
		msec = 999;
	}
	if (msec > 999)
		msec = 999;
	tt = (time_t)t;
	/* A 32-bit time_t cannot hold every clamped value: print the epoch. */
	if ((int64_t)tt != t || gmtime_r(&tt, &tm) == NULL) {
		snprintf(out, CLK_RFC3339_SIZE, "1970-01-01T00:00:00.000Z");
		return;
	}
	snprintf(out, CLK_RFC3339_SIZE, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ",
		 (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100,
		 tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100,
		 tm.tm_sec % 100, (unsigned)msec);
}

void clk_rfc3339_ms(int64_t ms, char out[CLK_RFC3339_SIZE])
{
	int64_t sec = ms / 1000, rem = ms % 1000;

	if (rem < 0) {
		rem += 1000;
		sec--;
	}
	clk_rfc3339(sec, (uint32_t)rem, out);
}

void clk_syslog_now(char out[CLK_SYSLOG_SIZE])
{
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
	};
	time_t now = time(NULL);
	struct tm tm;

	if (localtime_r(&now, &tm) == NULL || tm.tm_mon < 0 || tm.tm_mon > 11) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_mday = 1;
	}
	snprintf(out, CLK_SYSLOG_SIZE, "%.3s %2u %02u:%02u:%02u",
		 months[tm.tm_mon], (unsigned)tm.tm_mday % 100u,
		 (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u,
		 (unsigned)tm.tm_sec % 100u);
}
