/* clock.h - the program's clocks and its time formats, in one place
 * (plugin/clock.c, prefix clk_).
 *
 * One unit everywhere: milliseconds (a microsecond clock measures short
 * budgets, clk_mono_us). Event times are the audit stamp's
 * sec * 1000 + msec; the wall clock (CLOCK_REALTIME) stamps what the
 * program does now (event.created, a state file's saved_at); the monotonic
 * clock (CLOCK_MONOTONIC) measures intervals (timeouts, backoff, ticks) and
 * is never shown. Every function is O(1), allocates nothing and cannot
 * fail: a clock that cannot be read gives 0.
 */
#ifndef KME_CLOCK_H
#define KME_CLOCK_H

#include <stddef.h>
#include <stdint.h>

#define CLK_RFC3339_SIZE 32      /* "2026-11-26T21:34:27.245Z" and its NUL */
#define CLK_SYSLOG_SIZE 16       /* "Nov 26 21:34:27" and its NUL */

/* Milliseconds since the epoch (wall clock). */
int64_t clk_wall_ms(void);

/* Milliseconds of the monotonic clock (an arbitrary origin). */
int64_t clk_mono_ms(void);

/* Microseconds of the same clock: for budgets of a few milliseconds, which
 * a millisecond clock would let overrun by up to one unit. */
int64_t clk_mono_us(void);

/* t (seconds since the epoch) + msec as "2026-11-26T21:34:27.245Z" (UTC,
 * RFC 3339, the form of ECS @timestamp). Outside the four-digit years of
 * RFC 3339 the time is clamped to 0001-01-01T00:00:00.000Z or
 * 9999-12-31T23:59:59.999Z; msec above 999 is taken as 999. Computed in
 * 64-bit arithmetic, not with gmtime_r: right where time_t has 32 bits. */
void clk_rfc3339(int64_t t, uint32_t msec, char out[CLK_RFC3339_SIZE]);

/* The same for a time in milliseconds since the epoch. */
void clk_rfc3339_ms(int64_t ms, char out[CLK_RFC3339_SIZE]);

/* The wall clock now in local time as syslog(3) stamps a message,
 * "Mmm dd hh:mm:ss" (day space-padded, C locale month names). localtime_r
 * reads the zone only once per process (tzset), so this does no I/O
 * after the first call. */
void clk_syslog_now(char out[CLK_SYSLOG_SIZE]);

#endif
