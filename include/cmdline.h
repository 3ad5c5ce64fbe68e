/* cmdline.h - the command line (plugin/cmdline.c, prefix cl_): its options,
 * the mode they select and what each mode may be combined with, and the text
 * of --help. Errors are said through log.h (stderr before the configuration
 * is read); the caller decides to exit. No allocation: the options borrow
 * argv.
 */
#ifndef KME_CMDLINE_H
#define KME_CMDLINE_H

#include <stdio.h>

#include "engine.h"
#include "replay.h"

enum cl_mode { CL_PLUGIN, CL_REPLAY, CL_LEARN, CL_DUMP, CL_CHECK,
	    CL_MIGRATE };

struct cl_options {
	enum cl_mode mode;
	enum eng_action action;
	const char *config;       /* -c, NULL = default path or built-in */
	const char *state;        /* --state */
	const char *host;         /* --host: host.name for records without node= */
	const char *store;        /* --store: "file" or a Redis URL */
	const char *migrate;      /* --migrate-state FILE */
	const char *tz;           /* --tz ZONE: of ausearch -i stamps */
	enum rp_progress progress; /* --progress, --no-progress */
	char **files;             /* replay's inputs: files, directories, "-" */
	int nfiles;
};

/* Parse argv into o. 0; 1 when --version or --help printed all there was
 * to say (on stdout: the caller checks that it was written); -1 when the
 * command line is wrong (said why; print cl_usage to stderr). */
int cl_parse(int argc, char **argv, struct cl_options *o);

/* The text of --help. */
void cl_usage(FILE *fp);

#endif
