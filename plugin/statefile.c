/* statefile.c - the new-terms store persisted in a JSON state file (see
 * statefile.h): the one owner of the file's life. Open = check the directory,
 * take the lock, then load (or keep the file aside); save = serialise
 * (stateformat.h) into the safe replacement of the file (safefile.h); close
 * = release the lock. The terms themselves live in a term table
 * (termtab.h), which holds the semantics.
 *
 * Window semantics keep only last_seen per term (termtab.h). save() expires
 * at the latest event time the table has seen, not the wall clock, so that
 * a replay of old logs keeps what live would have kept.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bgsave.h"
#include "clock.h"
#include "fdio.h"
#include "jsonw.h"
#include "log.h"
#include "safefile.h"
#include "stateformat.h"
#include "statefile.h"
#include "termtab.h"

#define SF_FILE_MAX     ((off_t)256 << 20) /* bytes of a state file */
#define SF_READ_CHUNK   (64u << 10)
#define SF_WRITE_CHUNK  (64u << 10)
#define SF_TERM_GUESS   64                 /* bytes of a typical term */
#define SF_PATH_MAX     4096

struct sf_store {
	struct nt_store store;
	struct tt_table *tt;

	enum cfg_term_field fields[CFG_MAX_TERM_FIELDS];
	char *rule_id, *rule_version;
	struct stf_identity id;
	size_t max_terms;

	struct safe_dir dir;              /* fd -1: nothing to read (ro) */
	char *path;                       /* as the caller spelt it */
	int lockfd;                       /* -1: not locked */
	bool readonly;
	uint64_t saves, save_errors;
	struct bg_job bg;                 /* a background save (bgsave.h) */
	bool bg_again;                    /* asked for while one ran */
};

static const struct nt_store_ops sf_ops;

/* ---- store operations --------------------------------------------------- */

static int sf_check_touch(struct nt_store *base, const struct nt_term *term,
			  int64_t t, struct nt_seen *seen, struct kme_err *err)
{
	return tt_check_touch(((struct sf_store *)base)->tt, term, t, seen, err);
}

static size_t sf_expire(struct nt_store *base, int64_t now)
{
	return tt_expire(((struct sf_store *)base)->tt, now);
}

static void sf_stats(const struct nt_store *base, struct nt_stats *out)
{
	const struct sf_store *s = (const struct sf_store *)base;
	struct tt_stats st;

	tt_stats(s->tt, &st);
	*out = (struct nt_stats){ .terms = st.terms, .evicted = st.evicted,
				  .expired = st.expired, .saves = s->saves,
				  .save_errors = s->save_errors };
}

static void sf_foreach(const struct nt_store *base,
		       void (*fn)(void *arg, const struct nt_term *term,
				  int64_t first_seen, int64_t last_seen,
				  uint64_t count),
		       void *arg)
{
	tt_foreach(((const struct sf_store *)base)->tt, fn, arg);
}

static void sf_destroy(struct nt_store *base)
{
	struct sf_store *s = (struct sf_store *)base;

	bg_cancel(&s->bg);
	tt_free(s->tt);
	if (s->lockfd >= 0)
		close(s->lockfd);
	safe_dir_close(&s->dir);
	free(s->path);
	free(s->rule_id);
	free(s->rule_version);
	free(s);
}

/* Serialise tt, as the state of identity id saved at saved_at, through a
 * safe replacement of the file d names. Reads tt, id and d only: nothing
 * of the store changes, so this can run on a snapshot (statefile.h). */
static int write_state(const struct safe_dir *d, const struct stf_identity *id,
		       const struct tt_table *tt, int64_t saved_at,
		       struct kme_err *err)
{
	struct stf_writer w;
	struct safe_tmp tmp;
	struct kme_buf b;
	char shown[SF_PATH_MAX];
	int more, rc = -1;

	if (safe_begin(&tmp, d, d->name, err) < 0)
		return -1;
	buf_init(&b, 4 * SF_WRITE_CHUNK + 4 * TT_KEY_MAX);
	stf_writer_init(&w, id, tt, saved_at);
	do {
		more = stf_writer_next(&w, &b, SF_WRITE_CHUNK);
		if (more < 0) {
			kme_errnof(err, ENOMEM, "%s: format state",
				   safe_path(d, tmp.tmpname, shown, sizeof(shown)));
			goto out;
		}
		if (tmp.written + (off_t)b.len > SF_FILE_MAX) {
			kme_errf(err, "%s: state would exceed %lld bytes, more "
				 "than a load accepts",
				 safe_path(d, tmp.tmpname, shown, sizeof(shown)),
				 (long long)SF_FILE_MAX);
			goto out;
		}
		if (safe_write(&tmp, b.p, b.len, err) < 0)
			goto out;
		buf_reset(&b);
	} while (more > 0);
	rc = safe_commit(&tmp, err);
out:
	if (rc < 0)
		safe_abort(&tmp);
	buf_free(&b);
	return rc;
}

static int sf_save(struct nt_store *base, struct kme_err *err)
{
	struct sf_store *s = (struct sf_store *)base;
	int rc;

	if (s->readonly)
		return kme_errf(err, "%s: opened read-only, not saved", s->path);
	/* This save is complete and newer than a background one: that one
	 * would only race it for the temporary file. */
	bg_cancel(&s->bg);
	s->bg_again = false;
	/* Expire at the latest event time, not the wall clock: times are
	 * event times, so a replay saves what live would have saved. */
	if (tt_high_water(s->tt) != INT64_MIN)
		tt_expire(s->tt, tt_high_water(s->tt));
	rc = write_state(&s->dir, &s->id, s->tt, clk_wall_ms(), err);
	if (rc == 0)
		s->saves++;
	else
		s->save_errors++;
	return rc;
}

/* ---- saving in the background (bgsave.h) -------------------------------- */

/* The child's save, on its copy of the store: the full expiry (O(terms),
 * in the child, not on the input path), then the file. */
static int child_save(void *arg, struct kme_err *err)
{
	struct sf_store *s = arg;

	if (tt_high_water(s->tt) != INT64_MIN)
		tt_expire(s->tt, tt_high_water(s->tt));
	return write_state(&s->dir, &s->id, s->tt, clk_wall_ms(), err);
}

static int sf_save_background(struct nt_store *base, struct kme_err *err)
{
	struct sf_store *s = (struct sf_store *)base;

	if (s->readonly)
		return kme_errf(err, "%s: opened read-only, not saved", s->path);
	if (bg_running(&s->bg)) {
		s->bg_again = true;
		return 1;
	}
	/* The parent frees what expired at the old end of the table only:
	 * O(expired), not a scan of every term on the input path. */
	if (tt_high_water(s->tt) != INT64_MIN)
		tt_expire_oldest(s->tt, tt_high_water(s->tt));
	s->bg_again = false;
	return bg_start(&s->bg, child_save, s, err);
}

static int sf_tick(struct nt_store *base, int64_t budget_ms,
		   struct kme_err *err)
{
	struct sf_store *s = (struct sf_store *)base;
	bool ok;

	(void)budget_ms;   /* reaping and forking never wait */
	if (bg_poll(&s->bg, &ok, err) == 0)
		return 0;
	if (ok)
		s->saves++;
	else
		s->save_errors++;
	if (s->bg_again) {
		struct kme_err again = { "" };

		if (sf_save_background(base, &again) < 0 && ok) {
			*err = again;
			ok = false;
		}
	}
	return ok ? 0 : -1;
}

static bool sf_saving(const struct nt_store *base)
{
	return bg_running(&((const struct sf_store *)base)->bg);
}

static const struct nt_store_ops sf_ops = {
	.check_touch = sf_check_touch,
	.expire = sf_expire,
	.save = sf_save,
	.save_background = sf_save_background,
	.tick = sf_tick,
	.saving = sf_saving,
	.stats = sf_stats,
	.foreach = sf_foreach,
	.destroy = sf_destroy,
};

/* ---- loading ------------------------------------------------------------ */

/* Read the open file into the reader; -1 with err on a read error. */
static int read_into(struct sf_store *s, int fd, struct stf_reader *r,
		     struct kme_err *err)
{
	unsigned char *chunk = malloc(SF_READ_CHUNK);
	off_t total = 0;

	if (chunk == NULL)
		return kme_errnof(err, ENOMEM, "%s: load", s->path);
	for (;;) {
		ssize_t n = fdio_read(fd, chunk, SF_READ_CHUNK);

		if (n < 0) {
			free(chunk);
			return kme_errnof(err, errno, "%s: read", s->path);
		}
		if (n == 0)
			break;
		total += n;
		if (total > SF_FILE_MAX) {
			stf_reader_fail(r, "larger than 256 MiB");
			break;
		}
		if (stf_reader_feed(r, chunk, (size_t)n) != 0)
			break;
	}
	free(chunk);
	return 0;
}

/* Open and parse the state file into s->tt; res says what it was (all
 * zero when there is no file). -1 only on errors that make the store
 * unusable (a read error, ENOMEM). */
static int parse_file(struct sf_store *s, struct stf_result *res,
		      struct kme_err *err)
{
	struct stf_reader *r;
	struct stat sb;
	const char *bad = NULL;
	int fd, rc = 0;

	memset(res, 0, sizeof(*res));
	fd = safe_open_read(&s->dir, s->dir.name);
	if (fd < 0 && errno == ENOENT)
		return 0;  /* nothing learned yet */
	if (fd < 0 && errno != ELOOP)
		return kme_errnof(err, errno, "%s: open", s->path);
	if (fd < 0)
		bad = "a symbolic link";
	else if (fstat(fd, &sb) < 0)
		rc = kme_errnof(err, errno, "%s: fstat", s->path);
	else if (!S_ISREG(sb.st_mode))
		bad = "not a regular file";
	else if (sb.st_size > SF_FILE_MAX)
		bad = "larger than 256 MiB";
	r = rc == 0 ? stf_reader_new(&s->id, s->tt, err) : NULL;
	if (r == NULL) {
		rc = -1;
	} else {
		if (bad != NULL) {
			stf_reader_fail(r, bad);
		} else {
			/* Presize for the likely number of terms, sparing
			 * the rehashes; growth covers shorter terms. */
			tt_reserve(s->tt, (size_t)sb.st_size / SF_TERM_GUESS);
			rc = read_into(s, fd, r, err);
		}
		stf_reader_finish(r, res);
		if (rc == 0 && res->verdict == STF_NOMEM)
			rc = kme_errnof(err, ENOMEM, "%s: load", s->path);
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

/* A file that cannot be our state: keep it aside (unless read-only) and
 * say so. */
static void set_aside(struct sf_store *s, const struct stf_result *res)
{
	const char *tag = res->verdict == STF_BAD ? "bad" : "old";
	char aside[SF_PATH_MAX + 64], what[1024], kept[SF_PATH_MAX + 600];
	struct kme_err aerr = { "" };

	if (res->verdict == STF_BAD)
		snprintf(what, sizeof(what), "is not usable (%s)", res->why);
	else
		snprintf(what, sizeof(what), "was written for rule %s version "
			 "%s fields [%s]", res->rule_id, res->rule_version,
			 res->fields);
	if (s->readonly)
		snprintf(kept, sizeof(kept), "left in place: read-only");
	else if (safe_keep_aside(&s->dir, s->dir.name, tag, aside,
				 sizeof(aside), &aerr) == 0)
		snprintf(kept, sizeof(kept), "%s file kept as %s",
			 res->verdict == STF_BAD ? "bad" : "old", aside);
	else
		snprintf(kept, sizeof(kept), "could not keep it aside: %s",
			 aerr.msg);
	log_warnx("state file %s %s; starting empty (%s)", s->path, what, kept);
}

/* Load the file into s. A file that cannot be state is moved aside and
 * the store starts empty; -1 only when the store is unusable. */
static int load(struct sf_store *s, struct kme_err *err)
{
	struct stf_result res;
	struct tt_stats st;

	if (parse_file(s, &res, err) < 0)
		return -1;
	if (res.verdict == STF_OK) {
		tt_stats(s->tt, &st);
		if (st.evicted > 0)
			log_warnx("state file %s holds more than max_terms=%zu "
				  "terms; kept the %zu most recent", s->path,
				  tt_max_terms(s->tt), st.terms);
		return 0;
	}
	/* A fresh table: no half state, no evictions counted from it. */
	tt_free(s->tt);
	s->tt = tt_new(s->id.nfields, s->id.window, s->max_terms, err);
	if (s->tt == NULL)
		return -1;
	set_aside(s, &res);
	return 0;
}

/* ---- opening ------------------------------------------------------------ */

/* The lock of prev when it is a file store locking this very file (same
 * lock file: device and inode), else -1. */
static int prev_lock(const struct sf_store *s, const struct nt_store *prev)
{
	const struct sf_store *p = (const struct sf_store *)prev;
	char lname[SF_PATH_MAX];
	struct stat a, b;

	if (prev == NULL || prev->ops != &sf_ops || p->lockfd < 0)
		return -1;
	snprintf(lname, sizeof(lname), "%s.lock", s->dir.name);
	if (fstat(p->lockfd, &a) < 0 ||
	    fstatat(s->dir.fd, lname, &b, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino ? p->lockfd : -1;
}

/* Take the file's lock, or find that prev holds it. */
static int lock(struct sf_store *s, const struct nt_store *prev,
		struct kme_err *err)
{
	struct kme_err lerr = { "" };
	bool busy;

	if (prev_lock(s, prev) >= 0)
		return 0;  /* taken over at the end of a successful open */
	s->lockfd = safe_lock(&s->dir, s->dir.name, &busy, &lerr);
	if (s->lockfd >= 0)
		return 0;
	if (busy)
		return kme_errf(err, "%s: in use by another audisp-kmod-enum "
				"(the running plugin? stop auditd first)",
				s->path);
	/* No lock file can be made: nor can a state file. Saving will fail
	 * and say so; until then the history works. */
	log_warnx("%s; going on without a lock", lerr.msg);
	return 0;
}

static bool same_identity(const struct stf_identity *a,
			  const struct stf_identity *b)
{
	return strcmp(a->rule_id, b->rule_id) == 0 &&
	       strcmp(a->rule_version, b->rule_version) == 0 &&
	       a->nfields == b->nfields &&
	       memcmp(a->fields, b->fields, a->nfields * sizeof(*a->fields)) == 0;
}

/* A reload (prev: the running file store, or NULL or another kind). The
 * same file and identity: take prev's table and its running background
 * save over, with the new window and max_terms, and read nothing (no I/O
 * on the input path). Another identity or another file: save prev first
 * (synchronously: the one save on the input path besides the last, for an
 * administrator's change of the rule's identity or of state_file), so
 * that nothing prev learned is lost and a load of the same file finds all
 * of it (and keeps it aside as another identity's). 1 when taken over,
 * 0 when the caller must load. */
static int take_over(struct sf_store *s, struct nt_store *prev)
{
	struct sf_store *p = (struct sf_store *)prev;
	struct kme_err err = { "" };

	if (prev == NULL || prev->ops != &sf_ops || p->readonly)
		return 0;
	if (prev_lock(s, prev) < 0 || !same_identity(&s->id, &p->id)) {
		if (sf_save(prev, &err) < 0)
			log_errx("%s", err.msg);
		return 0;
	}
	tt_free(s->tt);
	s->tt = p->tt;
	p->tt = NULL;
	tt_retune(s->tt, s->id.window, s->max_terms);
	s->bg = p->bg;
	s->bg_again = p->bg_again;
	s->saves = p->saves;
	s->save_errors = p->save_errors;
	p->bg = (struct bg_job)BG_JOB_INIT;
	return 1;
}

static struct sf_store *sf_new(const char *path, const struct kme_config *cfg,
			       bool readonly, struct kme_err *err)
{
	struct sf_store *s = calloc(1, sizeof(*s));
	size_t i;

	if (s == NULL) {
		kme_errnof(err, ENOMEM, "%s: open", path);
		return NULL;
	}
	s->store.ops = &sf_ops;
	s->lockfd = -1;
	s->dir.fd = -1;
	s->bg = (struct bg_job)BG_JOB_INIT;
	s->readonly = readonly;
	s->max_terms = cfg->max_terms;
	for (i = 0; i < cfg->nterm_fields && i < CFG_MAX_TERM_FIELDS; i++)
		s->fields[i] = cfg->term_fields[i];
	s->path = strdup(path);
	s->rule_id = strdup(cfg->rule_id ? cfg->rule_id : "");
	s->rule_version = strdup(cfg->rule_version ? cfg->rule_version : "");
	s->id = (struct stf_identity){
		.rule_id = s->rule_id, .rule_version = s->rule_version,
		.fields = s->fields, .nfields = cfg->nterm_fields,
		.window = cfg->history_window,
	};
	if (s->path == NULL || s->rule_id == NULL || s->rule_version == NULL) {
		kme_errnof(err, ENOMEM, "%s: open", path);
		goto fail;
	}
	/* The identity is written as JSON text and must read back equal. */
	if (!jsonw_is_text(s->rule_id, strlen(s->rule_id)) ||
	    !jsonw_is_text(s->rule_version, strlen(s->rule_version))) {
		kme_errf(err, "new-terms store: rule_id or rule_version is "
			 "not printable UTF-8");
		goto fail;
	}
	s->tt = tt_new(cfg->nterm_fields, cfg->history_window, cfg->max_terms,
		       err);
	if (s->tt == NULL)
		goto fail;
	return s;
fail:
	sf_destroy(&s->store);
	return NULL;
}

static struct nt_store *open_store(const char *path,
				   const struct kme_config *cfg, bool readonly,
				   struct nt_store *prev, struct kme_err *err)
{
	struct sf_store *s;
	int rc, held;

	if (path == NULL) {
		kme_errf(err, "new-terms store: no state file given");
		return NULL;
	}
	if ((s = sf_new(path, cfg, readonly, err)) == NULL)
		return NULL;
	rc = safe_dir_open(&s->dir, path, "state directory", !readonly, err);
	if (rc < 0)
		goto fail;
	if (rc > 0)
		return &s->store;  /* read-only, no directory: nothing learned */
	if (!readonly && lock(s, prev, err) < 0)
		goto fail;
	if ((readonly || take_over(s, prev) == 0) && load(s, err) < 0)
		goto fail;
	held = readonly ? -1 : prev_lock(s, prev);
	if (held >= 0 && s->lockfd < 0) {
		s->lockfd = held;
		((struct sf_store *)prev)->lockfd = -1;
	}
	return &s->store;
fail:
	sf_destroy(&s->store);
	return NULL;
}

struct nt_store *sf_open(const char *path, const struct kme_config *cfg,
			 struct nt_store *prev, struct kme_err *err)
{
	return open_store(path, cfg, false, prev, err);
}

struct nt_store *sf_open_ro(const char *path, const struct kme_config *cfg,
			    struct kme_err *err)
{
	return open_store(path, cfg, true, NULL, err);
}
