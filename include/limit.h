/* limit.h - Kibana's max_signals as a stream: at most N alerts per interval
 * (plugin/limit.c, prefix lim_).
 *
 * Intervals are fixed windows of event time [k*interval, (k+1)*interval), so a
 * replay limits exactly as live would have. Times and the interval are in
 * milliseconds (event time: sec * 1000 + msec), so an interval ends at its
 * exact millisecond, not at a whole second. What exceeds the limit is not lost
 * silently: it is counted (total and per interval) and the caller reports it.
 * O(1), no allocation.
 *
 * The counter is pluggable: by default this process counts; a shared
 * counter (lim_share: a fleet's, in Redis, redisrate.h) counts the alerts
 * of every process that shares it, and decides whenever it can answer.
 * When it cannot (down, refusing), the local counter decides that alert.
 * Alerts the shared counter refuses are the caller's to count: they are in
 * no local report (each process reports what its own counter refused).
 */
#ifndef KME_LIMIT_H
#define KME_LIMIT_H

#include <stdbool.h>
#include <stdint.h>

/* A counter shared with other processes. count() counts one alert in the
 * interval [start, start + interval) of event time (ms) and gives in *n the
 * alerts counted in it so far by every sharer, this one included: 0, or
 * -1 when it cannot answer now. May do I/O (bounded by its own timeouts);
 * asked only for an alert that a limit (max > 0) may refuse. */
struct lim_shared {
	int (*count)(void *arg, int64_t start, int64_t interval, uint64_t *n);
	void *arg;
};

struct lim_state {
	uint32_t max;            /* 0 = no limit */
	int64_t interval;        /* ms, > 0 */
	int64_t window_start;    /* start of the current interval, ms */
	uint32_t used;           /* alerts allowed in the current interval */
	uint64_t over_window;    /* refused in the current interval */
	uint64_t over_total;     /* refused since start */
	/* Set when the previous interval refused alerts and has not been
	 * reported yet: lim_take_report() returns and clears it. */
	int64_t report_start;
	uint64_t report_count;
	const struct lim_shared *shared;   /* NULL: this process counts */
};

/* A local limit (no shared counter). */
void lim_init(struct lim_state *l, uint32_t max, int64_t interval);

/* Let shared (borrowed; NULL: none) count from now on. */
void lim_share(struct lim_state *l, const struct lim_shared *shared);

/* May an alert at event time t go out? Counts it either way. Events whose
 * time lies before the current interval (out of order) count against the
 * current one; a shared counter counts it in t's own interval. */
bool lim_allow(struct lim_state *l, int64_t t);

/* When an interval that refused alerts has ended (or at_exit is set and the
 * current one refused any), return true and the interval's start and refused
 * count, once. */
bool lim_take_report(struct lim_state *l, bool at_exit, int64_t *start,
		     uint64_t *count);

#endif
