/* slownss.c - an LD_PRELOAD stand-in for a slow directory service (sssd or
 * LDAP that does not answer), for tests/slownss.py.
 *
 * getpwuid_r and getgrgid_r of an id >= 4000 take KME_SLOW_NSS_MS
 * milliseconds (default 2000) and answer "slowuserID" / "slowgroupID"; a
 * buffer under 4096 bytes gets ERANGE first, as glibc's does for an entry
 * that does not fit. Other ids go to the real functions.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void slow(void)
{
	const char *v = getenv("KME_SLOW_NSS_MS");
	long ms = v ? atol(v) : 2000;
	struct timespec d = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&d, &d) < 0 && errno == EINTR)
		;
}

int getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t len,
	       struct passwd **res)
{
	int (*real)(uid_t, struct passwd *, char *, size_t, struct passwd **) =
		(int (*)(uid_t, struct passwd *, char *, size_t,
			 struct passwd **))dlsym(RTLD_NEXT, "getpwuid_r");

	if (uid < 4000)
		return real(uid, pw, buf, len, res);
	*res = NULL;
	slow();
	if (len < 4096)
		return ERANGE;
	memset(pw, 0, sizeof(*pw));
	snprintf(buf, len, "slowuser%u", (unsigned)uid);
	pw->pw_name = buf;
	pw->pw_uid = uid;
	*res = pw;
	return 0;
}

int getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t len,
	       struct group **res)
{
	int (*real)(gid_t, struct group *, char *, size_t, struct group **) =
		(int (*)(gid_t, struct group *, char *, size_t,
			 struct group **))dlsym(RTLD_NEXT, "getgrgid_r");

	if (gid < 4000)
		return real(gid, gr, buf, len, res);
	*res = NULL;
	slow();
	if (len < 4096)
		return ERANGE;
	memset(gr, 0, sizeof(*gr));
	snprintf(buf, len, "slowgroup%u", (unsigned)gid);
	gr->gr_name = buf;
	gr->gr_gid = gid;
	*res = gr;
	return 0;
}
