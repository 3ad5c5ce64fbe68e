/* feedloop.c - the floor of this design: a bare libauparse feed loop.
 *
 *   feedloop [FILE]        (no FILE or "-": standard input)
 *
 * Reads the log with read(2) in 64 KiB chunks and hands each chunk to
 * auparse_feed() as it is (auparse splits the lines itself). For every
 * completed event the callback finds the SYSCALL record and walks all of its
 * fields, taking each field's name and raw value string and touching both
 * (their lengths and first bytes go into a checksum the compiler cannot drop).
 * That is the least per-event work any auparse-based consumer does to learn
 * pid, ppid and syscall; nothing else is done: no EXECVE/PATH/CWD decoding,
 * no state, no output. auparse_flush_feed() completes the pending events at
 * EOF. Prints "events=N syscall_records=N fields=N checksum=N" on stdout.
 *
 * Build: gcc -std=gnu11 -O2 bench/feedloop.c -lauparse -o feedloop
 * (the product's optimisation level, so that the comparison is fair).
 */
#include <auparse.h>
#include <errno.h>
#include <fcntl.h>
#include <libaudit.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (64 * 1024)

struct tally {
	uint64_t events;
	uint64_t syscalls;
	uint64_t fields;
	uint64_t checksum;
};

static void touch(struct tally *t, const char *s)
{
	size_t n;

	if (s == NULL)
		return;
	n = strlen(s);
	t->checksum += n + (n ? (unsigned char)s[0] + (unsigned char)s[n - 1] : 0);
}

static void on_event(auparse_state_t *au, auparse_cb_event_t type, void *arg)
{
	struct tally *t = arg;

	if (type != AUPARSE_CB_EVENT_READY)
		return;
	t->events++;
	if (auparse_first_record(au) <= 0)
		return;
	do {
		if (auparse_get_type(au) != AUDIT_SYSCALL)
			continue;
		t->syscalls++;
		if (auparse_first_field(au) <= 0)
			break;
		do {
			t->fields++;
			touch(t, auparse_get_field_name(au));
			touch(t, auparse_get_field_str(au));
		} while (auparse_next_field(au) > 0);
		break; /* one SYSCALL record per event */
	} while (auparse_next_record(au) > 0);
}

int main(int argc, char **argv)
{
	static char buf[CHUNK];
	struct tally t = { 0 };
	const char *name = argc > 1 ? argv[1] : "-";
	auparse_state_t *au;
	int fd;
	ssize_t n;

	if (argc > 2) {
		fprintf(stderr, "usage: feedloop [FILE]\n");
		return 2;
	}
	fd = strcmp(name, "-") == 0 ? STDIN_FILENO : open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "feedloop: %s: open: %s\n", name, strerror(errno));
		return 1;
	}
	au = auparse_init(AUSOURCE_FEED, NULL);
	if (au == NULL) {
		fprintf(stderr, "feedloop: auparse_init failed\n");
		return 1;
	}
	auparse_add_callback(au, on_event, &t, NULL);
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "feedloop: %s: read: %s\n", name, strerror(errno));
			auparse_destroy(au);
			return 1;
		}
		if (n == 0)
			break;
		auparse_feed(au, buf, (size_t)n);
	}
	auparse_flush_feed(au);
	auparse_destroy(au);
	if (fd != STDIN_FILENO)
		close(fd);
	printf("events=%llu syscall_records=%llu fields=%llu checksum=%llu\n",
	       (unsigned long long)t.events, (unsigned long long)t.syscalls,
	       (unsigned long long)t.fields, (unsigned long long)t.checksum);
	return 0;
}
