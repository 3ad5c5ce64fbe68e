/* localnode.h - who this machine is: the host name and machine id its
 * alerts carry (host.name, host.id), and its node name as its auditd writes
 * it (ln_self, at the end); prefix ln_.
 *
 * auditd prefixes each record with "node=NAME " according to name_format in
 * auditd.conf (auditd.conf(5)): none (no prefix: the default), hostname
 * (gethostname), fqd (the canonical name getaddrinfo gives for the host
 * name), numeric (the first address getaddrinfo gives for it, as text), user
 * (the `name` key). The plugin needs the same name to know which of an
 * aggregated stream's records are its own machine's (proctable.h: only
 * those may be completed from /proc or named with the local passwd).
 *
 * Keys and values are matched without regard to case, as auditd does;
 * comments (#) and unknown keys are skipped. The file is read once, at most
 * LN_MAX_FILE bytes. fqd and numeric may query the resolver (DNS): called
 * once at start, never on the event path.
 */
#ifndef KME_LOCALNODE_H
#define KME_LOCALNODE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define LN_MAX_FILE (256 * 1024)
#define LN_DEFAULT_PATH "/etc/audit/auditd.conf"
#define LN_MACHINE_ID_PATH "/etc/machine-id"

enum ln_format { LN_NONE = 0, LN_HOSTNAME, LN_FQD, LN_NUMERIC, LN_USER };

struct ln_conf {
	enum ln_format format;
	char name[256];           /* the `name` key ("" when absent) */
};

/* Parse auditd.conf text (len bytes, any content). -1 with err set when
 * name_format has a value auditd would refuse. */
int ln_parse(const char *text, size_t len, struct ln_conf *out,
	     struct kme_err *err);

/* The node name c stands for, into out (size bytes): "" for none. -1 with
 * err set when it cannot be worked out (no host name, unresolvable, user
 * without a name, longer than size - 1). */
int ln_resolve(const struct ln_conf *c, char *out, size_t size,
	       struct kme_err *err);

/* ln_parse + ln_resolve of the file at path. A missing file is auditd's
 * defaults: name_format none, out = "". */
int ln_from_file(const char *path, char *out, size_t size,
		 struct kme_err *err);

/* The machine id of the file at path (machine-id(5): 32 lowercase hex
 * digits, then a newline or nothing) into out; anything else, or no file,
 * leaves out "": no host.id. */
void ln_machine_id(const char *path, char out[33]);

/* This machine, as a mode sees it. */
struct ln_self {
	char host[256];     /* host.name of records without node=: the name
			       given, else gethostname(), else "localhost" */
	char host_id[33];   /* host.id (LN_MACHINE_ID_PATH); "" when unknown,
			       and in replay: the log comes from anywhere */
	char node[256];     /* node= name of this machine's own records; ""
			       when unknown: only records without node= are */
};

/* Fill s. host: the name to give records without node= (--host), or NULL;
 * node: the configured node name (local_node), or NULL. Without node, live
 * (plugin mode) takes the name this machine's auditd writes
 * (LN_DEFAULT_PATH); replay leaves it unknown. -1 with err set when that
 * name cannot be worked out: s is complete all the same (node ""), the
 * caller only warns. */
int ln_self(struct ln_self *s, const char *host, const char *node, bool live,
	    struct kme_err *err);

#endif
