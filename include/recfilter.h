/* recfilter.h - records that cannot matter never reach libauparse.
 *
 * A host's audit stream is mostly events this plugin has no use for (openat,
 * connect, logins, ...); assembling them costs most of the time. The filter
 * looks at each record's type, serial and (for SYSCALL) arch and syscall
 * number, without parsing the rest, and decides per event:
 *   - a SYSCALL of exec, execveat, clone, clone3, fork or vfork: the event is
 *     kept and every record of it passes;
 *   - a SYSCALL of open, openat or openat2 whose audit key (key=) is one
 *     of the watched keys (rf_watch_keys: the file rules', filerule.h): kept
 *     the same way; with another key, or none watched, as any other;
 *   - a SYSCALL of any other syscall: its node, pid and ppid go to the
 *     observer (the process table's pid-reuse guard needs them) and every record of the
 *     event is dropped;
 *   - a record of an event not yet decided: the record types an exec event
 *     is made of (EXECVE, CWD, PATH, PROCTITLE, EOE) pass and keep their
 *     event, conservatively; any other type (AVC, LOGIN, USER_*, ...) is
 *     dropped: no exec decision depends on it.
 * A record without the header auditd always writes
 * ("[node=N ]type=T msg=audit(S.M:SERIAL): ") is dropped and counted in
 * `unparsed`: libauparse would leak memory on it.
 *
 * It also completes events, instead of libauparse: libauparse 3.0.9 in feed
 * mode holds back every later event behind one that lacks its last record
 * (lost records, a cut log), and closes an event early when a record with a
 * later time slips between its records (an exec's time is taken at syscall
 * entry, so a slow exec's records carry an old time). An open kept event is
 * completed with a synthetic EOE record when a record of the same host
 * arrives whose event time is more than eoe_timeout past it AND it has been
 * idle -- none of its records among the last RF_IDLE records -- or, in live
 * mode, when no record of it arrived for eoe_timeout of wall time before a
 * moment the input was drained (rf_clock, rf_age). Only a drained input proves that no record of it
 * is on its way: while records wait unread (a reader behind under CPU load),
 * a wall-clock gap measures the reader's lag, not the event's, and would cut
 * an event whose last records are still queued -- an exec of 100,000
 * arguments is 154 records, and arrived cut that way. The assembler gives
 * libauparse a timeout far beyond these, so only the filter completes events.
 * In replay this judges by event time and record order alone, so a replay
 * completes events as live would have. Only the event's own host's records
 * judge it by event time: on an aggregator every host stamps its records
 * with its own clock, and a host whose clock is ahead (or set ahead by its
 * root) would otherwise cut the other hosts' exec events while their records
 * still arrive. An event whose host falls silent is completed by the wall
 * clock (live), by the bound below, or at the end of input.
 *
 * Times are milliseconds, as everywhere in the program: an event's time is
 * sec * 1000 + msec of its stamp (a stamp beyond RF_MAX_SEC seconds is no
 * header), the wall clock is CLOCK_MONOTONIC's, eoe_timeout is in ms.
 *
 * Hosts: events are keyed by serial and host, the host being the SipHash of
 * the node name under a random key (senders choose their names; with a
 * known hash one could pick a name, or serials, whose events take another
 * host's decisions). The RF_RECENT most recent names are compared before
 * hashing.
 *
 * Bounded: decisions are remembered for the last RF_SERIALS serials (an older
 * event's late record is judged as undecided), at most RF_OPEN kept events are
 * open at once (beyond, the oldest is completed). O(1) per record, plus
 * O(node length) for its node name.
 */
#ifndef KME_RECFILTER_H
#define KME_RECFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loghead.h"
#include "syscalls.h"

#define RF_SERIALS 1024
#define RF_MAX_SEC LH_MAX_SEC /* ms differences never overflow */
#define RF_OPEN 256
#define RF_IDLE 16

typedef void (*rf_pass_fn)(void *arg, const char *line, size_t len);
/* node: the record's node= name (node_len bytes, not NUL-terminated; NULL
 * when the record has none): pids are per host, so the observer must scope
 * them by it. */
typedef void (*rf_observe_fn)(void *arg, const char *node, size_t node_len,
			      int32_t pid, int32_t ppid);

struct rf_stats {
	uint64_t passed;     /* records handed on */
	uint64_t dropped;    /* records of events that cannot matter */
	uint64_t completed;  /* synthetic EOE records for stuck events */
	uint64_t unparsed;   /* records passed without a recognisable header */
};

#define RF_NODE_MAX 64

struct rf_slot {
	uint64_t key;        /* serial mixed with the node's hash; 0 = free */
	uint16_t open;       /* its entry in the open ring, while kept */
	uint8_t state;       /* keep, drop or done */
};

/* A kept event that has not seen its last record yet. */
struct rf_open {
	uint64_t key;
	uint64_t host;       /* its host (see recfilter.c's node_host) */
	uint64_t serial;
	int64_t ms;          /* event time (ms) */
	uint32_t slot;
	uint64_t last_rec;   /* record number of its latest record */
	int64_t last_wall;   /* wall time (ms) of its latest record, live */
	bool done;           /* its last record came */
	uint8_t node_len;    /* 0: no node= prefix */
	char node[RF_NODE_MAX];
};

/* A recently seen node name and its keyed hash; host 0: unused. */
struct rf_recent {
	uint64_t host;
	uint8_t len;
	char name[RF_NODE_MAX];
};

#define RF_RECENT 4
#define RF_MAX_KEYS 32          /* watched audit keys */

struct rf_filter {
	rf_pass_fn pass;
	rf_observe_fn observe;
	void *arg;
	int64_t eoe_timeout;            /* ms */
	uint64_t sipkey[2];             /* node names' hash key, random */
	struct rf_recent recent[RF_RECENT];
	uint32_t recent_next;
	struct sc_cache sc;
	const char *keys[RF_MAX_KEYS];  /* watched audit keys (borrowed) */
	size_t key_lens[RF_MAX_KEYS];
	size_t nkeys;
	struct rf_slot slots[RF_SERIALS];
	struct rf_open open[RF_OPEN];   /* ring, oldest first */
	uint32_t open_head, open_len;
	uint64_t nrec;                  /* records seen */
	int64_t wall;                   /* arrival time of the records fed
					 * now (rf_clock), 0 in replay */
	int64_t first_wall;             /* the first clock reading: the arrival
					 * time of records fed before it */
	struct rf_stats st;
};

/* Initialise f in place (no allocation); eoe_timeout in ms (<= 0: 2000). */
void rf_init(struct rf_filter *f, int64_t eoe_timeout, rf_pass_fn pass,
	     rf_observe_fn observe, void *arg);

/* Keep the opens that carry one of keys[0..n) (borrowed until the next
 * call; at most RF_MAX_KEYS are taken; n 0: no open is kept). Comparing
 * costs a search for 0x1D in an open's SYSCALL record and a few steps
 * back from there (key= is the record's last field). */
void rf_watch_keys(struct rf_filter *f, const char *const *keys, size_t n);

/* Judge one record (no '\n'); pass it on, or drop it. */
void rf_line(struct rf_filter *f, const char *line, size_t len);

/* Live mode: the records fed from now on arrive at wall time `now`:
 * milliseconds, > 0, of a clock that never steps back (CLOCK_MONOTONIC).
 * Call before each read of input. O(1). */
void rf_clock(struct rf_filter *f, int64_t now);

/* Live mode: the input was drained at time `now` (as for rf_clock) -- every
 * record written
 * before then has been fed. Completes open events none of whose records
 * arrived in the eoe_timeout before `now`. Never call it for a moment
 * when records were waiting unread (see above). Cheap: call about once a
 * second. */
void rf_age(struct rf_filter *f, int64_t now);

#endif
