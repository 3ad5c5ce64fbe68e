/* bgsave.c - slow work in a forked child, reaped from the main loop (see
 * bgsave.h). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bgsave.h"
#include "clock.h"
#include "fdio.h"

/* The child's set-up: die with the parent, default signals, no stdin. */
static void child_prepare(pid_t parent)
{
	static const int reset[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGPIPE };
	size_t i;
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(3);   /* the parent died before the line above */
	for (i = 0; i < sizeof(reset) / sizeof(reset[0]); i++)
		signal(reset[i], SIG_DFL);
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
}

static void child_run(pid_t parent, int errfd, bg_fn fn, void *arg)
{
	struct kme_err err = { "" };
	int rc;

	child_prepare(parent);
	rc = fn(arg, &err);
	if (rc != 0) {
		if (err.msg[0] == '\0')
			strcpy(err.msg, "failed");
		(void)fdio_write_full(errfd, err.msg, strlen(err.msg));
	}
	_exit(rc == 0 ? 0 : 1);
}

int bg_start(struct bg_job *j, bg_fn fn, void *arg, struct kme_err *err)
{
	pid_t parent = getpid(), pid;
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return kme_errnof(err, errno, "background save: pipe");
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(p[0]);
		close(p[1]);
		return kme_errnof(err, e, "background save: fork");
	}
	if (pid == 0) {
		close(p[0]);
		child_run(parent, p[1], fn, arg);
	}
	close(p[1]);
	/* Read only once the child has ended: never blocks then. */
	*j = (struct bg_job){ .pid = pid, .errfd = p[0] };
	return 0;
}

/* The end of a reaped child: status into ok/err, the pipe closed. */
static void finish(struct bg_job *j, int status, bool *ok,
		   struct kme_err *err)
{
	char msg[KME_ERR_MAX];
	ssize_t n = fdio_read(j->errfd, msg, sizeof(msg) - 1);

	*ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (!*ok) {
		if (n > 0) {
			msg[n] = '\0';
			kme_errf(err, "%s", msg);
		} else if (WIFSIGNALED(status)) {
			kme_errf(err, "background save: killed by signal %d",
				 WTERMSIG(status));
		} else {
			kme_errf(err, "background save: exit status %d",
				 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		}
	}
	close(j->errfd);
	*j = (struct bg_job)BG_JOB_INIT;
}

int bg_poll(struct bg_job *j, bool *ok, struct kme_err *err)
{
	int status;
	pid_t r;

	if (j->pid <= 0)
		return 0;
	do
		r = waitpid(j->pid, &status, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return 0;
	if (r < 0) {
		/* Not our child any more (reaped elsewhere): it is gone. */
		status = 0x7f00;   /* "exit status 127": said as a failure */
	}
	finish(j, status, ok, err);
	return 1;
}

void bg_cancel(struct bg_job *j)
{
	struct kme_err err;
	int status = 0;
	bool ok;

	if (j->pid <= 0)
		return;
	kill(j->pid, SIGKILL);
	while (waitpid(j->pid, &status, 0) < 0 && errno == EINTR)
		;
	finish(j, status, &ok, &err);
}
