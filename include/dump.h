/* dump.h - --dump-state: the learned terms as text, most recently seen
 * first.
 *
 *   # PATH: N term(s), rule ID vVERSION, window 1209600000ms
 *   # last_seen<TAB>first_seen<TAB>count<TAB>FIELD...
 *   2023-11-14T22:13:20.083Z<TAB>...<TAB>1<TAB>/usr/sbin/lsmod<TAB>-
 * (times to the millisecond).
 * Values are escaped as jsonw_escape does ("-" when absent), so a hostile
 * path can neither forge a line nor shift the columns. Cost O(n log n) in
 * the terms, O(n) memory for the sort.
 */
#ifndef KME_DUMP_H
#define KME_DUMP_H

#include <stdio.h>

#include "cfg.h"
#include "err.h"
#include "newterms.h"

/* Write the listing of store (opened for cfg, from path) to out, named
 * outname in messages ("stdout"), and flush it. 0, or -1 with err: out could
 * not be written ("stdout: write: No space left on device"; the listing
 * stops at the first failure), or ENOMEM (the listing is then incomplete). */
int dump_history(const struct nt_store *store, const struct kme_config *cfg,
		 const char *path, FILE *out, const char *outname,
		 struct kme_err *err);

#endif
