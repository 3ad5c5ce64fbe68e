/* assemble.c - libauparse feed wrapper (see assemble.h). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assemble.h"

/* libauparse's own timeout, out of the way: 100 years (see assemble.h). */
#define AS_AUPARSE_TIMEOUT ((time_t)100 * 366 * 24 * 3600)

struct as_assembler {
	auparse_state_t *au;
	as_event_fn fn;
	void *arg;
	struct as_stats st;
};

static void on_auparse(auparse_state_t *au, auparse_cb_event_t type,
		       void *data)
{
	struct as_assembler *a = data;

	if (type != AUPARSE_CB_EVENT_READY)
		return;
	if (auparse_first_record(au) <= 0)
		return;
	a->st.events++;
	a->fn(a->arg, au);
}

struct as_assembler *as_new(as_event_fn fn, void *arg, struct kme_err *err)
{
	struct as_assembler *a = calloc(1, sizeof(*a));

	if (a == NULL) {
		kme_errf(err, "assembler: out of memory");
		return NULL;
	}
	a->au = auparse_init(AUSOURCE_FEED, NULL);
	if (a->au == NULL) {
		free(a);
		kme_errf(err, "assembler: auparse_init failed");
		return NULL;
	}
	/* auparse_init resets the process-global timeout: set it after. The
	 * record filter completes stuck events (recfilter.h); libauparse's
	 * own timeout would close an event early when a record with a later
	 * time slips between its records (another host's, whose clock is
	 * ahead), so it is pushed out of the way. */
	auparse_set_eoe_timeout(AS_AUPARSE_TIMEOUT);
	/* Raw bytes from interpretations; we escape on output ourselves. */
	auparse_set_escape_mode(a->au, AUPARSE_ESC_RAW);
	a->fn = fn;
	a->arg = arg;
	auparse_add_callback(a->au, on_auparse, a, NULL);
	return a;
}

void as_free(struct as_assembler *a)
{
	if (a == NULL)
		return;
	auparse_destroy(a->au);
	free(a);
}

/* Does this record end its event (EOE, or PROCTITLE which the kernel writes
 * last)? libauparse marks such an event complete when the record arrives but
 * hands it out only on the next feed call; an empty feed right away delivers
 * it without waiting for the next record (or the next aging tick). */
static bool ends_event(const char *line, size_t len)
{
	const char *p = line, *end = line + len;

	if (len > 5 && memcmp(p, "node=", 5) == 0) {
		p = memchr(p, ' ', len);
		if (p == NULL)
			return false;
		p++;
	}
	if ((size_t)(end - p) > 9 && memcmp(p, "type=EOE ", 9) == 0)
		return true;
	return (size_t)(end - p) > 15 && memcmp(p, "type=PROCTITLE ", 15) == 0;
}

void as_line(struct as_assembler *a, const char *line, size_t len)
{
	/* auparse splits on '\n': give it one complete record per call. A
	 * small stack copy avoids a second feed call for the newline. */
	char small[9216];

	a->st.records++;
	if (len < sizeof(small)) {
		memcpy(small, line, len);
		small[len] = '\n';
		auparse_feed(a->au, small, len + 1);
	} else {
		auparse_feed(a->au, line, len);
		auparse_feed(a->au, "\n", 1);
	}
	if (ends_event(line, len))
		auparse_feed(a->au, "\n", 1);
}

void as_flush(struct as_assembler *a)
{
	auparse_flush_feed(a->au);
}

void as_stats(const struct as_assembler *a, struct as_stats *out)
{
	*out = a->st;
}
