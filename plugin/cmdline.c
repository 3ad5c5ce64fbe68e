/* cmdline.c - the command line: options, modes and --help (see cmdline.h). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <getopt.h>
#include <stdio.h>

#include "cmdline.h"
#include "log.h"

#define PROG "audisp-kmod-enum"

/* The synopsis of each mode and what the program is. */
static const char synopsis[] =
"Usage: " PROG " [-c FILE] [--state FILE] [--store URL]\n"
"       " PROG " --replay [--all | --explain] [-c FILE] [--state FILE]\n"
"                        [--store URL] [--host NAME] [--tz ZONE]\n"
"                        [--progress | --no-progress] [FILE|DIR...]\n"
"       " PROG " --learn [-c FILE] [--state FILE | --store URL] [--tz ZONE]\n"
"                        [--progress | --no-progress] [FILE|DIR...]\n"
"       " PROG " --dump-state [-c FILE] [--state FILE | --store URL]\n"
"       " PROG " --migrate-state FILE --store URL [-c FILE]\n"
"       " PROG " --check-config [-c FILE]\n"
"       " PROG " --version | --help\n"
"\n"
"Detect kernel-module enumeration (lsmod, modinfo, kmod list, depmod -a) in\n"
"audit events, as Elastic's rule \"Enumeration of Kernel Modules\" v211 does.\n"
"\n"
"Without a mode option it runs as an auditd plugin: audit records on stdin,\n"
"alerts to syslog, new-terms history in the state file.\n"
"\n";

/* Every option, then the exit statuses. */
static const char options[] =
"  -c, --config FILE   configuration (default " KME_CONFIG_PATH ";\n"
"                      built-in defaults when that file does not exist)\n"
"  -s, --state FILE    new-terms state file (plugin, --learn and --dump-state\n"
"                      default: the config's state_file; replay default:\n"
"                      memory only)\n"
"  -S, --store URL     new-terms store, overriding new_terms_store in every\n"
"                      mode: file, redis://[USER@|[USER]:PASSWORD@]HOST\n"
"                      [:PORT][/DB] or unix:///PATH[?db=N] (shared by a\n"
"                      fleet; replay uses Redis only when given --store)\n"
"  -H, --host NAME     host.name for records without a node= prefix\n"
"                      (default: this machine's host name)\n"
"  -r, --replay        read audit logs (none or - = stdin), decide by event\n"
"                      time, print one JSON alert per line on stdout and a\n"
"                      summary on stderr. A DIR is its files; several inputs\n"
"                      go in the order of their first event (auditd's rotated\n"
"                      audit.log, audit.log.1...), the same records twice\n"
"                      once. gzip, xz, zstd and bzip2 are read by content;\n"
"                      so are ausearch's outputs (ausearch -i needs --tz)\n"
"  -a, --all           replay: every match, no new-terms suppression and no\n"
"                      rate limit\n"
"  -e, --explain       replay: for every exec of a watched program, say why it\n"
"                      alerted, was excluded (by what) or suppressed (since\n"
"                      when); and which input lines were skipped and why\n"
"      --tz ZONE       the time zone of ausearch -i stamps (local times of\n"
"                      the machine that printed them), e.g. Europe/Paris, UTC\n"
"      --progress      a progress line on stderr even when it is not a\n"
"                      terminal (default: only on a terminal)\n"
"      --no-progress   no progress line, even on a terminal\n"
"  -l, --learn         replay audit logs into the state file without alerting,\n"
"                      so that a fresh install knows the past 14 days\n"
"  -d, --dump-state    list the learned terms with first/last seen and counts\n"
"  -M, --migrate-state FILE  copy the terms of state file FILE into the Redis\n"
"                      store (--store URL or new_terms_store) and exit\n"
"  -C, --check-config  parse the configuration, report errors, and exit\n"
"  -V, --version       print the version and exit\n"
"  -h, --help          print this help and exit\n"
"\n"
"Exit status: 0 success, 1 runtime error, including an output that could\n"
"not be written (stdout or stderr full, closed, or a pipe whose reader has\n"
"gone: \"stdout: write: REASON\"), 2 bad usage or configuration,\n"
"3 (--replay, --learn) an input could not be used: no audit record in it,\n"
"mostly lines that are not, or compressed data cut short or corrupt (what\n"
"could be read was replayed; stderr says which input and line), and nothing\n"
"else went wrong: with a runtime error too, 1.\n"
"See audisp-kmod-enum(8) and audisp-kmod-enum.conf(5).\n";

void cl_usage(FILE *fp)
{
	fputs(synopsis, fp);
	fputs(options, fp);
}

/* The mode options: the mode each selects, and the engine's action. */
static const struct mode_opt {
	int opt;
	enum cl_mode mode;
	enum eng_action action;
} mode_opts[] = {
	{ 'r', CL_REPLAY, ENG_ALERT }, { 'a', CL_REPLAY, ENG_ALL },
	{ 'e', CL_REPLAY, ENG_EXPLAIN }, { 'l', CL_LEARN, ENG_LEARN },
	{ 'd', CL_DUMP, ENG_ALERT }, { 'C', CL_CHECK, ENG_ALERT },
	{ 'M', CL_MIGRATE, ENG_ALERT }, { 0, CL_PLUGIN, ENG_ALERT },
};

/* Mode option c, if it may be combined with those before it. -1 (said)
 * when not, or when c is no option at all (getopt said). */
static int set_mode(struct cl_options *o, int c)
{
	const struct mode_opt *m = mode_opts;

	while (m->opt != 0 && m->opt != c)
		m++;
	if (m->opt == 0)
		return -1;
	if (o->mode != CL_PLUGIN && o->mode != m->mode) {
		log_errx("only one of --replay/--all/--explain, --learn, "
			 "--dump-state, --migrate-state and --check-config");
		return -1;
	}
	if (m->action != ENG_ALERT && o->action != ENG_ALERT &&
	    o->action != m->action) {
		log_errx("--all and --explain exclude each other");
		return -1;
	}
	o->mode = m->mode;
	if (m->action != ENG_ALERT)
		o->action = m->action;
	return 0;
}

/* Inputs and the replay's options only with --replay or --learn: 0, or -1
 * (said). */
static int inputs_allowed(const struct cl_options *o)
{
	if (o->mode == CL_REPLAY || o->mode == CL_LEARN)
		return 0;
	if (o->nfiles > 0)
		log_errx("unexpected argument '%s' (files need --replay or "
			 "--learn)", o->files[0]);
	else if (o->tz != NULL || o->progress != RP_PROGRESS_AUTO)
		log_errx("--tz, --progress and --no-progress need --replay or "
			 "--learn");
	else
		return 0;
	return -1;
}

int cl_parse(int argc, char **argv, struct cl_options *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "state", required_argument, NULL, 's' },
		{ "host", required_argument, NULL, 'H' },
		{ "store", required_argument, NULL, 'S' },
		{ "migrate-state", required_argument, NULL, 'M' },
		{ "replay", no_argument, NULL, 'r' },
		{ "all", no_argument, NULL, 'a' },
		{ "explain", no_argument, NULL, 'e' },
		{ "learn", no_argument, NULL, 'l' },
		{ "dump-state", no_argument, NULL, 'd' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		/* long only: their letters are not in the optstring */
		{ "tz", required_argument, NULL, 'z' },
		{ "progress", no_argument, NULL, 'P' },
		{ "no-progress", no_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct cl_options){ .mode = CL_PLUGIN, .action = ENG_ALERT };
	optind = 0;   /* glibc: start over (a second parse, in the tests) */
	while ((c = getopt_long(argc, argv, "c:s:H:S:M:raeldCVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': o->config = optarg; break;
		case 's': o->state = optarg; break;
		case 'H': o->host = optarg; break;
		case 'S': o->store = optarg; break;
		case 'z': o->tz = optarg; break;
		case 'P': o->progress = RP_PROGRESS_ON; break;
		case 'N': o->progress = RP_PROGRESS_OFF; break;
		case 'V':
			printf(PROG " " PACKAGE_VERSION "\n");
			return 1;
		case 'h':
			cl_usage(stdout);
			return 1;
		case 'M':
			o->migrate = optarg;
			/* fall through */
		default:
			if (set_mode(o, c) < 0)
				return -1;
		}
	}
	o->files = argv + optind;
	o->nfiles = argc - optind;
	return inputs_allowed(o);
}

