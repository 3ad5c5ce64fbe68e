/* interpfield.c - interpreted values back to raw ones (see interpfield.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hex.h"
#include "interpfield.h"
#include "syscalls.h"

/* Longest name looked up in a table here (arch, syscall, errno, flag). */
#define IPF_NAME_MAX 64

/* --- strings ------------------------------------------------------------- */

/* The byte at v.p[*i], undoing ausearch's "\ooo" of a control byte. */
static unsigned char unescape_at(struct kme_str v, size_t *i)
{
	const char *p = v.p + *i;
	unsigned val;

	if (p[0] == '\\' && *i + 3 < v.len &&
	    p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
	    p[3] >= '0' && p[3] <= '7') {
		val = (unsigned)(p[1] - '0') * 64 + (unsigned)(p[2] - '0') * 8 +
		      (unsigned)(p[3] - '0');
		if (val < 0x20) {
			*i += 4;
			return (unsigned char)val;
		}
	}
	(*i)++;
	return (unsigned char)p[0];
}

/* Does the kernel hex-encode this byte (audit_string_contains_control)? */
static bool needs_hex(unsigned char c)
{
	return c == '"' || c < 0x21 || c > 0x7e;
}

static int put_hex(struct kme_buf *out, unsigned char c)
{
	static const char digits[] = "0123456789ABCDEF";
	char two[2] = { digits[c >> 4], digits[c & 15] };

	return buf_append(out, two, 2);
}

static int encode(struct kme_str v, bool force_hex, struct kme_buf *out)
{
	bool hex = force_hex;
	size_t i = 0;
	int rc = 0;

	while (!hex && i < v.len)
		hex = needs_hex(unescape_at(v, &i));
	if (!hex)
		rc |= buf_putc(out, '"');
	for (i = 0; i < v.len;) {
		unsigned char c = unescape_at(v, &i);

		rc |= hex ? put_hex(out, c) : buf_putc(out, (char)c);
	}
	if (!hex)
		rc |= buf_putc(out, '"');
	return rc ? -1 : 0;
}

int ipf_encode(struct kme_str v, struct kme_buf *out)
{
	return encode(v, false, out);
}

int ipf_encode_hex(struct kme_str v, struct kme_buf *out)
{
	return encode(v, true, out);
}

/* --- numbers --------------------------------------------------------------- */

/* v as a C string in buf (false: too long or holding a NUL). */
static bool cstr(struct kme_str v, char buf[IPF_NAME_MAX])
{
	if (v.len == 0 || v.len >= IPF_NAME_MAX || memchr(v.p, '\0', v.len))
		return false;
	memcpy(buf, v.p, v.len);
	buf[v.len] = '\0';
	return true;
}

/* All of v as a number in base; false if anything else is there. */
static bool number(struct kme_str v, int base, long long *out)
{
	char buf[IPF_NAME_MAX], *end;

	if (!cstr(v, buf))
		return false;
	errno = 0;
	*out = strtoll(buf, &end, base);
	return errno == 0 && *end == '\0' && end != buf;
}

int ipf_id(struct kme_str v, uint32_t *id)
{
	long long n;

	*id = 0;
	if (kme_str_is(v, "root"))
		return 0;
	*id = 4294967295U;
	if (kme_str_is(v, "unset"))
		return 0;
	if (v.len > 9 && memcmp(v.p, "unknown(", 8) == 0 && v.p[v.len - 1] == ')')
		v = (struct kme_str){ v.p + 8, v.len - 9 };
	if (v.len > 0 && v.p[0] >= '0' && v.p[0] <= '9' && number(v, 10, &n) &&
	    n >= 0 && n <= 4294967295LL) {
		*id = (uint32_t)n;
		return 0;
	}
	return -1;
}

#define E(x) { #x, x }
static const struct { const char *name; int nr; } errnos[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
	E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES),
	E(EFAULT), E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV), E(ENOTDIR),
	E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY), E(ETXTBSY),
	E(EFBIG), E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK), E(EPIPE),
	E(ERANGE), E(EDEADLK), E(ENAMETOOLONG), E(ENOLCK), E(ENOSYS),
	E(ENOTEMPTY), E(ELOOP), E(ELIBBAD), E(ELIBACC), E(ELIBMAX),
	E(ELIBEXEC), E(EOVERFLOW), E(EOPNOTSUPP), E(ECONNREFUSED),
	E(EINPROGRESS), E(EALREADY), E(ENOTSOCK), E(EAFNOSUPPORT),
	E(EADDRINUSE), E(ENETUNREACH), E(ETIMEDOUT), E(EHOSTUNREACH),
	E(ENODATA), E(EWOULDBLOCK), E(ENOTSUP), E(ECANCELED), E(EOWNERDEAD),
	E(ENOKEY), E(EKEYREJECTED), E(EDQUOT), E(ESTALE), E(EUCLEAN),
};
#undef E

int ipf_exit(struct kme_str v, long long *out)
{
	const char *paren = memchr(v.p, '(', v.len);
	size_t n = paren ? (size_t)(paren - v.p) : v.len, i;

	if (number(v, 10, out))
		return 0;
	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (strlen(errnos[i].name) == n &&
		    memcmp(errnos[i].name, v.p, n) == 0) {
			*out = -errnos[i].nr;
			return 0;
		}
	return -1;
}

int ipf_arch(struct kme_str v, unsigned long *arch, int *machine)
{
	char buf[IPF_NAME_MAX];
	long long n;

	if (!cstr(v, buf))
		return -1;
	if (sc_arch_of_name(buf, arch, machine) == 0)
		return 0;
	/* Already raw (an arch libaudit has no name for is printed so). */
	if (number(v, 16, &n) && n > 0) {
		*arch = (unsigned long)n;
		*machine = -1;
		return 0;
	}
	return -1;
}

int ipf_syscall(struct kme_str v, int machine, long *nr)
{
	char buf[IPF_NAME_MAX];
	long long n;

	if (number(v, 10, &n) && n >= 0) {
		*nr = (long)n;
		return 0;
	}
	if (machine < 0 || !cstr(v, buf) || (*nr = sc_number_of_name(buf, machine)) < 0)
		return -1;
	return 0;
}

/* clone(2)'s flags (the ABI of <linux/sched.h>), and the exit signal of
 * the low byte as auparse names it. */
static const struct { const char *name; unsigned long long bit; } clone_flags[] = {
	{ "CLONE_NEWTIME", 0x80 }, { "CLONE_VM", 0x100 }, { "CLONE_FS", 0x200 },
	{ "CLONE_FILES", 0x400 }, { "CLONE_SIGHAND", 0x800 },
	{ "CLONE_PIDFD", 0x1000 }, { "CLONE_PTRACE", 0x2000 },
	{ "CLONE_VFORK", 0x4000 }, { "CLONE_PARENT", 0x8000 },
	{ "CLONE_THREAD", 0x10000 }, { "CLONE_NEWNS", 0x20000 },
	{ "CLONE_SYSVSEM", 0x40000 }, { "CLONE_SETTLS", 0x80000 },
	{ "CLONE_PARENT_SETTID", 0x100000 }, { "CLONE_CHILD_CLEARTID", 0x200000 },
	{ "CLONE_DETACHED", 0x400000 }, { "CLONE_UNTRACED", 0x800000 },
	{ "CLONE_CHILD_SETTID", 0x1000000 }, { "CLONE_NEWCGROUP", 0x2000000 },
	{ "CLONE_NEWUTS", 0x4000000 }, { "CLONE_NEWIPC", 0x8000000 },
	{ "CLONE_NEWUSER", 0x10000000 }, { "CLONE_NEWPID", 0x20000000 },
	{ "CLONE_NEWNET", 0x40000000 }, { "CLONE_IO", 0x80000000ULL },
	{ "SIGCHLD", SIGCHLD },
};

static int clone_flag(struct kme_str name, unsigned long long *bits)
{
	size_t i;

	for (i = 0; i < sizeof(clone_flags) / sizeof(clone_flags[0]); i++)
		if (strlen(clone_flags[i].name) == name.len &&
		    memcmp(clone_flags[i].name, name.p, name.len) == 0) {
			*bits |= clone_flags[i].bit;
			return 0;
		}
	return -1;
}

int ipf_arg(struct kme_str v, unsigned long long *out)
{
	const char *p = v.p, *end = v.p + v.len, *bar;
	long long n;

	if (v.len > 2 && v.p[0] == '0' && v.p[1] == 'x' &&
	    hex_value((unsigned char)v.p[2]) >= 0 && v.len <= 18 &&
	    number((struct kme_str){ v.p + 2, v.len - 2 }, 16, &n)) {
		*out = (unsigned long long)n;
		return 0;
	}
	if (v.len == 0 || v.len > 1024)
		return -1;
	*out = 0;
	for (; p < end; p = bar + 1) {
		bar = memchr(p, '|', (size_t)(end - p));
		if (bar == NULL)
			bar = end;
		if (clone_flag((struct kme_str){ p, (size_t)(bar - p) }, out) < 0)
			return -1;
	}
	return 0;
}

/* --- time ------------------------------------------------------------------ */

int ipf_set_zone(const char *zone, struct kme_err *err)
{
	const char *dir = getenv("TZDIR");
	char path[4096];

	if (dir == NULL || dir[0] == '\0')
		dir = "/usr/share/zoneinfo";
	if (strcmp(zone, "UTC") != 0 &&
	    (zone[0] == '\0' || zone[0] == '/' || strstr(zone, "..") != NULL ||
	     (size_t)snprintf(path, sizeof(path), "%s/%s", dir, zone) >= sizeof(path) ||
	     access(path, R_OK) != 0))
		return kme_errf(err, "--tz %s: unknown time zone (a name under %s, "
				"e.g. Europe/Paris or America/New_York, or UTC)",
				zone, dir);
	if (setenv("TZ", strcmp(zone, "UTC") == 0 ? "UTC0" : zone, 1) != 0)
		return kme_errnof(err, errno, "--tz %s", zone);
	tzset();
	return 0;
}

/* "MM/DD/YY[YY] HH:MM:SS" into f[0..5]: year, month, day, hour, min, sec. */
static int parse_stamp(struct kme_str v, int f[6])
{
	char buf[IPF_NAME_MAX], tail;
	int n = 0;

	if (!cstr(v, buf) ||
	    sscanf(buf, "%2d/%2d/%4d %2d:%2d:%2d%n%c", &f[1], &f[2], &f[0], &f[3],
		   &f[4], &f[5], &n, &tail) != 6 || (size_t)n != v.len)
		return -1;
	if (f[0] < 100)
		f[0] += f[0] < 69 ? 2000 : 1900; /* POSIX %y */
	if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 ||
	    f[4] > 59 || f[5] > 60 || f[3] < 0 || f[4] < 0 || f[5] < 0)
		return -1;
	return 0;
}

/* mktime of the minute f[0..4] with the given DST flag; -1 when the zone
 * does not have that local minute with that flag. */
static int64_t minute_as(const int f[5], int isdst)
{
	struct tm tm = { .tm_year = f[0] - 1900, .tm_mon = f[1] - 1,
			 .tm_mday = f[2], .tm_hour = f[3], .tm_min = f[4],
			 .tm_isdst = isdst };
	time_t t = mktime(&tm);

	if (t == (time_t)-1 || tm.tm_isdst != isdst || tm.tm_hour != f[3] ||
	    tm.tm_min != f[4] || tm.tm_mday != f[2])
		return -1;
	return (int64_t)t;
}

int ipf_local_time(struct ipf_clock *c, struct kme_str v, int64_t *out,
		   bool *ambiguous)
{
	int f[6];
	int64_t std, dst, base;

	*ambiguous = false;
	if (parse_stamp(v, f) < 0)
		return -1;
	if (c->valid && memcmp(c->key, f, sizeof(c->key)) == 0) {
		base = c->base;
	} else {
		std = minute_as(f, 0);
		dst = minute_as(f, 1);
		if (std < 0 && dst < 0)
			return -1;
		if (std >= 0 && dst >= 0 && std != dst) {
			/* The repeated hour: not cached, decided by order. */
			int64_t early = std < dst ? std : dst;
			int64_t late = std < dst ? dst : std;

			*ambiguous = true;
			base = early + f[5] >= c->prev ? early : late;
			c->valid = false;
			*out = c->prev = base + f[5];
			return 0;
		}
		base = std >= 0 ? std : dst;
		memcpy(c->key, f, sizeof(c->key));
		c->base = base;
		c->valid = true;
	}
	*out = c->prev = base + f[5];
	return 0;
}
