/* limit.c - alerts per interval of event time (see limit.h). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <stddef.h>

#include "limit.h"

void lim_init(struct lim_state *l, uint32_t max, int64_t interval)
{
	*l = (struct lim_state){ .max = max,
				 .interval = interval > 0 ? interval : 1,
				 .window_start = INT64_MIN };
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Hostile logs can carry any time; no real one is beyond +-2^62 ms.
 * Clamping keeps the interval arithmetic free of overflow. */
#define LIM_TIME_MAX ((int64_t)1 << 62)

void lim_share(struct lim_state *l, const struct lim_shared *shared)
{
	l->shared = shared;
}

bool lim_allow(struct lim_state *l, int64_t t)
{
	int64_t start;
	uint64_t n;

	if (t > LIM_TIME_MAX)
		t = LIM_TIME_MAX;
	else if (t < -LIM_TIME_MAX)
		t = -LIM_TIME_MAX;
	start = floor_div(t, l->interval) * l->interval;
	if (l->shared != NULL && l->max > 0 &&
	    l->shared->count(l->shared->arg, start, l->interval, &n) == 0)
		return n <= l->max;

	if (l->window_start == INT64_MIN || start > l->window_start) {
		if (l->over_window > 0) {
			/* An earlier unreported interval is folded in rather
			 * than lost: the report then covers both. */
			if (l->report_count == 0)
				l->report_start = l->window_start;
			l->report_count += l->over_window;
		}
		l->window_start = start;
		l->used = 0;
		l->over_window = 0;
	}
	if (l->max == 0 || l->used < l->max) {
		l->used++;
		return true;
	}
	l->over_window++;
	l->over_total++;
	return false;
}

bool lim_take_report(struct lim_state *l, bool at_exit, int64_t *start,
		     uint64_t *count)
{
	if (at_exit && l->over_window > 0) {
		if (l->report_count == 0)
			l->report_start = l->window_start;
		l->report_count += l->over_window;
		l->over_window = 0;
	}
	if (l->report_count == 0)
		return false;
	*start = l->report_start;
	*count = l->report_count;
	l->report_count = 0;
	return true;
}
