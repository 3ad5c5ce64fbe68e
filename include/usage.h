/* usage.h - the command line as --help says it: the synopsis of each mode,
 * every option, the exit statuses. The man page (audisp-kmod-enum(8)) and
 * the README say the same: change them together.
 */
#ifndef KME_USAGE_H
#define KME_USAGE_H

#include <stdio.h>

#define KME_PROG "audisp-kmod-enum"

/* The whole text to fp. */
void usage_print(FILE *fp);

#endif
