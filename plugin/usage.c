/* usage.c - the --help text (see usage.h). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "usage.h"

/* The synopsis of each mode and what the program is. */
static const char synopsis[] =
"Usage: " KME_PROG " [-c FILE] [--state FILE] [--store URL]\n"
"       " KME_PROG " --replay [--all | --explain] [-c FILE] [--state FILE]\n"
"                        [--store URL] [--host NAME] [--tz ZONE]\n"
"                        [--progress | --no-progress] [FILE|DIR...]\n"
"       " KME_PROG " --learn [-c FILE] [--state FILE | --store URL] [--tz ZONE]\n"
"                        [--progress | --no-progress] [FILE|DIR...]\n"
"       " KME_PROG " --dump-state [-c FILE] [--state FILE | --store URL]\n"
"       " KME_PROG " --migrate-state FILE --store URL [-c FILE]\n"
"       " KME_PROG " --check-config [-c FILE]\n"
"       " KME_PROG " --version | --help\n"
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
"Exit status: 0 success, 1 runtime error, 2 bad usage or configuration,\n"
"3 (--replay, --learn) an input could not be used: no audit record in it,\n"
"mostly lines that are not, or compressed data cut short or corrupt (what\n"
"could be read was replayed; stderr says which input and line), and nothing\n"
"else went wrong: with a runtime error too, 1.\n"
"See audisp-kmod-enum(8) and audisp-kmod-enum.conf(5).\n";

void usage_print(FILE *fp)
{
	fputs(synopsis, fp);
	fputs(options, fp);
}
