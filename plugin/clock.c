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

int64_t clk_mono_us(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* RFC 3339 has four-digit years: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z.
 * Times outside are clamped. */
#define CLK_T_MIN INT64_C(-62135596800)
#define CLK_T_MAX INT64_C(253402300799)

/* The proleptic Gregorian date of day z (days since 1970-01-01), by
 * arithmetic on 400-year eras of 146097 days, each counted from March 1 so
 * that the leap day ends a year: no gmtime_r, whose time_t has 32 bits on
 * i386 and armhf. */
static void civil_date(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;                      /* days from 0000-03-01 */
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);                     /* [0, 146096] */
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);          /* [0, 365] */
	mp = (5 * doy + 2) / 153;                               /* March = 0 */
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = era * 400 + yoe + (*m <= 2);
}

void clk_rfc3339(int64_t t, uint32_t msec, char out[CLK_RFC3339_SIZE])
{
	int64_t days, secs, y;
	unsigned m, d;

	if (t < CLK_T_MIN) {
		t = CLK_T_MIN;
		msec = 0;
	} else if (t > CLK_T_MAX) {
		t = CLK_T_MAX;
		msec = 999;
	}
	if (msec > 999)
		msec = 999;
	days = (t >= 0 ? t : t - 86399) / 86400;
	secs = t - days * 86400;
	civil_date(days, &y, &m, &d);
	/* (The remainders only tell the compiler the widths.) */
	snprintf(out, CLK_RFC3339_SIZE, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ",
		 (unsigned)(y % 10000), m % 100, d % 100,
		 (unsigned)(secs / 3600 % 24), (unsigned)(secs / 60 % 60),
		 (unsigned)(secs % 60), (unsigned)msec % 1000);
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
