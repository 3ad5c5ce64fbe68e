/* multicall.c - device and inode of the multi-call binaries (multicall.h). */
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "multicall.h"

void mc_ids_free(struct mc_ids *ids)
{
	free(ids->v);
	ids->v = NULL;
	ids->n = 0;
}

int mc_ids_load(const struct kme_config *cfg, struct mc_ids *ids,
		struct kme_err *err)
{
	struct stat st;
	size_t i;

	mc_ids_free(ids);
	if (!cfg->match_multicall || cfg->nmulticall == 0)
		return 0;
	ids->v = calloc(cfg->nmulticall, sizeof(*ids->v));
	if (ids->v == NULL)
		return kme_errf(err, "multicall: out of memory for %zu binaries",
				cfg->nmulticall);
	for (i = 0; i < cfg->nmulticall; i++) {
		/* stat, not lstat: /bin/kmod may be a symlink (or /bin one,
		 * merged /usr); the file executed is the target. */
		if (stat(cfg->multicall[i].path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		ids->v[ids->n++] = (struct mc_id){
			.major = major(st.st_dev), .minor = minor(st.st_dev),
			.ino = st.st_ino, .mc = &cfg->multicall[i],
		};
	}
	return 0;
}

const struct cfg_multicall *mc_ids_find(const struct mc_ids *ids,
					const struct kme_exec *ex)
{
	size_t i;

	if (!ex->path_id_known)
		return NULL;
	for (i = 0; i < ids->n; i++)
		if (ids->v[i].ino == ex->path_ino &&
		    ids->v[i].major == ex->path_dev_major &&
		    ids->v[i].minor == ex->path_dev_minor)
			return ids->v[i].mc;
	return NULL;
}
