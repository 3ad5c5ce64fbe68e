/* replay.c - saved audit logs through the engine (see replay.h). */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "replay.h"

/* One input (a file name, "-" for stdin) to its end. */
static int replay_file(struct engine *eng, struct rd_reader *rd,
		       const char *name)
{
	struct kme_err err = { "" };
	int fd = strcmp(name, "-") == 0 ? STDIN_FILENO
					: open(name, O_RDONLY | O_CLOEXEC);
	enum rd_status st;
	int rc = 0;

	if (fd < 0) {
		log_warn("%s: open", name);
		return 1;
	}
	while ((st = eng_read(eng, rd, fd, &err)) == RD_OK)
		;
	if (st == RD_ERROR) {
		log_errx("%s: %s", name, err.msg);
		rc = 1;
	}
	eng_read_end(eng, rd);
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}

int rp_run(struct engine *eng, struct rd_reader *rd, char *const *files,
	   int nfiles)
{
	int i, rc = 0;

	if (nfiles == 0)
		rc |= replay_file(eng, rd, "-");
	for (i = 0; i < nfiles; i++)
		rc |= replay_file(eng, rd, files[i]);
	eng_finish(eng);
	return rc;
}
