/* check_safefile.c - files replaced whole or not at all, in a directory that
 * is ours alone, never through a planted symlink; the lock; keeping aside.
 *
 * Each test works in its own directory under one top directory that main()
 * creates and removes.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checkrun.h"
#include "safefile.h"

static char g_top[] = "/tmp/check_safefile.XXXXXX";

/* A fresh directory; *file is DIR/state.json. */
static void new_dir(char *dir, size_t dsize, char *file, size_t fsize)
{
	snprintf(dir, dsize, "%s/t.XXXXXX", g_top);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(file, fsize, "%s/state.json", dir);
}

static void open_ok(struct safe_dir *d, const char *file)
{
	struct kme_err err = { "" };

	ck_assert_msg(safe_dir_open(d, file, "state directory", true, &err) == 0,
		      "%s", err.msg);
}

static void put(const char *path, const char *content)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(content, f);
	ck_assert_int_eq(fclose(f), 0);
}

static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* ---- the directory --------------------------------------------------------- */

START_TEST(test_path_splits_into_directory_and_name)
{
	char dir[256], file[300], buf[400];
	struct safe_dir d;

	new_dir(dir, sizeof(dir), file, sizeof(file));
	open_ok(&d, file);
	ck_assert_str_eq(d.shown, dir);
	ck_assert_str_eq(d.name, "state.json");
	ck_assert_str_eq(safe_path(&d, "x.tmp", buf, sizeof(buf)) + strlen(dir),
			 "/x.tmp");
	safe_dir_close(&d);
	ck_assert_int_eq(d.fd, -1);
}
END_TEST

START_TEST(test_a_path_without_a_file_name_is_refused)
{
	struct kme_err err = { "" };
	struct safe_dir d;

	ck_assert_int_eq(safe_dir_open(&d, "/tmp/", "state directory", true,
				       &err), -1);
	ck_assert_str_eq(err.msg, "'/tmp/': path names no file");
	ck_assert_int_eq(safe_dir_open(&d, "", "state directory", true, &err), -1);
}
END_TEST

START_TEST(test_missing_directory_is_created_0700_or_reported)
{
	char dir[256], file[300], sub[300];
	struct kme_err err = { "" };
	struct safe_dir d;
	struct stat sb;

	new_dir(dir, sizeof(dir), file, sizeof(file));
	snprintf(sub, sizeof(sub), "%s/new/state.json", dir);
	ck_assert_int_eq(safe_dir_open(&d, sub, "state directory", false,
				       &err), 1);
	ck_assert_int_eq(d.fd, -1);
	safe_dir_close(&d);
	open_ok(&d, sub);
	safe_dir_close(&d);
	snprintf(sub, sizeof(sub), "%s/new", dir);
	ck_assert_int_eq(stat(sub, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 07777, 0700);
}
END_TEST

START_TEST(test_directory_others_can_write_is_refused)
{
	char dir[256], file[300], want[400];
	struct kme_err err = { "" };
	struct safe_dir d;

	new_dir(dir, sizeof(dir), file, sizeof(file));
	ck_assert_int_eq(chmod(dir, 0770), 0);
	ck_assert_int_eq(safe_dir_open(&d, file, "state directory", true,
				       &err), -1);
	snprintf(want, sizeof(want), "%s: refusing state directory: "
		 "group-writable", dir);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(chmod(dir, 0703), 0);
	ck_assert_int_eq(safe_dir_open(&d, file, "state directory", true,
				       &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "world-writable"));
}
END_TEST

/* ---- the lock -------------------------------------------------------------- */

START_TEST(test_lock_is_exclusive_and_says_when_busy)
{
	char dir[256], file[300], lock[320];
	struct kme_err err = { "" };
	struct safe_dir d;
	struct stat sb;
	bool busy = true;
	int fd, fd2;

	new_dir(dir, sizeof(dir), file, sizeof(file));
	open_ok(&d, file);
	fd = safe_lock(&d, d.name, &busy, &err);
	ck_assert_int_ge(fd, 0);
	ck_assert(!busy);
	snprintf(lock, sizeof(lock), "%s.lock", file);
	ck_assert_int_eq(lstat(lock, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 07777, 0600);
	/* flock locks belong to the open file: a second one conflicts. */
	fd2 = safe_lock(&d, d.name, &busy, &err);
	ck_assert_int_eq(fd2, -1);
	ck_assert(busy);
	ck_assert_ptr_nonnull(strstr(err.msg, "locked by another process"));
	close(fd);
	fd2 = safe_lock(&d, d.name, &busy, &err);
	ck_assert_int_ge(fd2, 0);
	close(fd2);
	safe_dir_close(&d);
}
END_TEST

START_TEST(test_lock_never_follows_a_symlink)
{
	char dir[256], file[300], lock[320], target[320];
	struct kme_err err = { "" };
	struct safe_dir d;
	struct stat sb;
	bool busy = true;

	new_dir(dir, sizeof(dir), file, sizeof(file));
	snprintf(lock, sizeof(lock), "%s.lock", file);
	snprintf(target, sizeof(target), "%s/elsewhere", dir);
	ck_assert_int_eq(symlink(target, lock), 0);
	open_ok(&d, file);
	ck_assert_int_eq(safe_lock(&d, d.name, &busy, &err), -1);
	ck_assert(!busy);
	ck_assert_ptr_nonnull(strstr(err.msg, "open lock"));
	ck_assert_int_eq(lstat(target, &sb), -1);
	safe_dir_close(&d);
}
END_TEST

/* ---- replacing ----------------------------------------------------------------- */

START_TEST(test_commit_replaces_the_file_whole_with_mode_0600)
{
	char dir[256], file[300], tmp[320];
	struct kme_err err = { "" };
	struct safe_dir d;
	struct safe_tmp w;
	struct stat sb;

	new_dir(dir, sizeof(dir), file, sizeof(file));
	put(file, "old\n");
	open_ok(&d, file);
	ck_assert_int_eq(safe_begin(&w, &d, d.name, &err), 0);
	ck_assert_int_eq(safe_write(&w, "new ", 4, &err), 0);
	ck_assert_str_eq(ck_file_text(file), "old\n");      /* untouched until commit */
	ck_assert_int_eq(safe_write(&w, "content\n", 8, &err), 0);
	ck_assert_int_eq(w.written, 12);
	ck_assert_int_eq(safe_commit(&w, &err), 0);
	ck_assert_str_eq(ck_file_text(file), "new content\n");
	ck_assert_int_eq(stat(file, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 07777, 0600);
	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	ck_assert_int_eq(lstat(tmp, &sb), -1);
	safe_dir_close(&d);
}
END_TEST

START_TEST(test_abort_keeps_the_previous_file_and_no_temp)
{
	char dir[256], file[300];
	struct kme_err err = { "" };
	struct safe_dir d;
	struct safe_tmp w;

	new_dir(dir, sizeof(dir), file, sizeof(file));
	put(file, "old\n");
	open_ok(&d, file);
	ck_assert_int_eq(safe_begin(&w, &d, d.name, &err), 0);
	ck_assert_int_eq(safe_write(&w, "half", 4, &err), 0);
	safe_abort(&w);
	ck_assert_str_eq(ck_file_text(file), "old\n");
	ck_assert_int_eq(entries(dir), 1);
	safe_dir_close(&d);
}
END_TEST

START_TEST(test_a_symlink_planted_at_the_temp_path_is_not_followed)
{
	char dir[256], file[300], tmp[320], secret[320];
	struct kme_err err = { "" };
	struct safe_dir d;
	struct safe_tmp w;

	new_dir(dir, sizeof(dir), file, sizeof(file));
	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	snprintf(secret, sizeof(secret), "%s/secret", dir);
	put(secret, "secret\n");
	ck_assert_int_eq(symlink(secret, tmp), 0);
	open_ok(&d, file);
	ck_assert_int_eq(safe_begin(&w, &d, d.name, &err), 0);
	ck_assert_int_eq(safe_write(&w, "mine\n", 5, &err), 0);
	ck_assert_int_eq(safe_commit(&w, &err), 0);
	ck_assert_str_eq(ck_file_text(secret), "secret\n");
	ck_assert_str_eq(ck_file_text(file), "mine\n");
	safe_dir_close(&d);
}
END_TEST

START_TEST(test_open_read_refuses_symlinks_and_never_blocks_on_a_fifo)
{
	char dir[256], file[300];
	struct safe_dir d;
	int fd;

	new_dir(dir, sizeof(dir), file, sizeof(file));
	open_ok(&d, file);
	ck_assert_int_eq(safe_open_read(&d, d.name), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(symlink("/etc/passwd", file), 0);
	ck_assert_int_eq(safe_open_read(&d, d.name), -1);
	ck_assert_int_eq(errno, ELOOP);
	ck_assert_int_eq(unlink(file), 0);
	ck_assert_int_eq(mkfifo(file, 0600), 0);
	fd = safe_open_read(&d, d.name);
	ck_assert_int_ge(fd, 0);
	close(fd);
	safe_dir_close(&d);
}
END_TEST

/* ---- keeping aside ----------------------------------------------------------- */

START_TEST(test_keep_aside_never_replaces_and_names_the_new_path)
{
	char dir[256], file[300], aside1[400], aside2[400];
	struct kme_err err = { "" };
	struct safe_dir d;

	new_dir(dir, sizeof(dir), file, sizeof(file));
	open_ok(&d, file);
	put(file, "one\n");
	ck_assert_int_eq(safe_keep_aside(&d, d.name, "bad", aside1,
					 sizeof(aside1), &err), 0);
	put(file, "two\n");
	ck_assert_int_eq(safe_keep_aside(&d, d.name, "bad", aside2,
					 sizeof(aside2), &err), 0);
	ck_assert_str_ne(aside1, aside2);
	ck_assert_int_eq(strncmp(aside1, file, strlen(file)), 0);
	ck_assert_ptr_nonnull(strstr(aside1, ".bad-"));
	ck_assert_str_eq(ck_file_text(aside1), "one\n");
	ck_assert_str_eq(ck_file_text(aside2), "two\n");
	ck_assert_int_eq(access(file, F_OK), -1);
	ck_assert_int_eq(safe_keep_aside(&d, d.name, "bad", aside1,
					 sizeof(aside1), &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "rename to"));
	safe_dir_close(&d);
}
END_TEST

/* ---- a trusted file read whole ----------------------------------------- */

static const struct safe_read private_rules = {
	.what = "secret", .root_owned = false, .deny = 077,
	.deny_why = "readable by others", .max = 8, .max_why = "larger than 8 bytes",
};

static int read_with(const struct safe_read *r, const char *path, char *buf,
		     size_t *len, struct kme_err *err)
{
	memset(err, 0, sizeof(*err));
	return safe_read_file(path, r, buf, len, err);
}

START_TEST(test_read_file_reads_the_whole_file)
{
	char dir[256], file[300], buf[9];
	struct kme_err err;
	size_t len;

	new_dir(dir, sizeof(dir), file, sizeof(file));
	put(file, "12345678");
	ck_assert_int_eq(chmod(file, 0600), 0);
	ck_assert_msg(read_with(&private_rules, file, buf, &len, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(len, 8);
	ck_assert_int_eq(memcmp(buf, "12345678", 8), 0);
}
END_TEST

START_TEST(test_read_file_refuses_each_thing_with_its_reason)
{
	char dir[256], file[300], link[300], fifo[300], buf[9];
	struct kme_err err;
	size_t len;

	new_dir(dir, sizeof(dir), file, sizeof(file));
	put(file, "123456789");
	ck_assert_int_eq(chmod(file, 0600), 0);
	ck_assert_int_eq(read_with(&private_rules, file, buf, &len, &err), -1);
	ck_assert_str_eq(strstr(err.msg, "refusing"), "refusing secret: larger than 8 bytes");
	put(file, "1234");
	ck_assert_int_eq(chmod(file, 0640), 0);
	ck_assert_int_eq(read_with(&private_rules, file, buf, &len, &err), -1);
	ck_assert_str_eq(strstr(err.msg, "refusing"), "refusing secret: readable by others");
	snprintf(link, sizeof(link), "%s/link", dir);
	ck_assert_int_eq(symlink(file, link), 0);
	ck_assert_int_eq(read_with(&private_rules, link, buf, &len, &err), -1);
	ck_assert_str_eq(strstr(err.msg, "refusing"), "refusing secret: symbolic link");
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	/* opened without waiting for a writer, then refused */
	ck_assert_int_eq(read_with(&private_rules, fifo, buf, &len, &err), -1);
	ck_assert_str_eq(strstr(err.msg, "refusing"), "refusing secret: not a regular file");
	ck_assert_int_eq(read_with(&private_rules, dir, buf, &len, &err), -1);
	ck_assert_str_eq(strstr(err.msg, "refusing"), "refusing secret: not a regular file");
}
END_TEST

START_TEST(test_read_file_names_the_writable_bit_when_no_reason_is_given)
{
	static const struct safe_read r = {
		.what = "config", .deny = S_IWGRP | S_IWOTH, .max = 8,
		.max_why = "big",
	};
	char dir[256], file[300], buf[9];
	struct kme_err err;
	size_t len;

	new_dir(dir, sizeof(dir), file, sizeof(file));
	put(file, "x");
	ck_assert_int_eq(chmod(file, 0664), 0);
	ck_assert_int_eq(read_with(&r, file, buf, &len, &err), -1);
	ck_assert_str_eq(strstr(err.msg, "refusing"), "refusing config: group-writable");
	ck_assert_int_eq(chmod(file, 0646), 0);
	ck_assert_int_eq(read_with(&r, file, buf, &len, &err), -1);
	ck_assert_str_eq(strstr(err.msg, "refusing"), "refusing config: world-writable");
	ck_assert_int_eq(chmod(file, 0644), 0);
	ck_assert_int_eq(read_with(&r, file, buf, &len, &err), 0);
}
END_TEST

START_TEST(test_read_file_of_a_missing_path_says_open)
{
	char dir[256], file[300], buf[9];
	struct kme_err err;
	size_t len;

	new_dir(dir, sizeof(dir), file, sizeof(file));
	ck_assert_int_eq(read_with(&private_rules, file, buf, &len, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "state.json: open: No such file"));
}
END_TEST

static int rm_one(const char *p, const struct stat *sb, int type,
		  struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return type == FTW_DP ? rmdir(p) : unlink(p);
}

int main(void)
{
	Suite *s = suite_create("safefile");
	TCase *tc = tcase_create("directory");
	int rc;

	umask(022);
	if (mkdtemp(g_top) == NULL) {
		perror(g_top);
		return EXIT_FAILURE;
	}
	tcase_add_test(tc, test_path_splits_into_directory_and_name);
	tcase_add_test(tc, test_a_path_without_a_file_name_is_refused);
	tcase_add_test(tc, test_missing_directory_is_created_0700_or_reported);
	tcase_add_test(tc, test_directory_others_can_write_is_refused);
	suite_add_tcase(s, tc);
	tc = tcase_create("lock");
	tcase_add_test(tc, test_lock_is_exclusive_and_says_when_busy);
	tcase_add_test(tc, test_lock_never_follows_a_symlink);
	suite_add_tcase(s, tc);
	tc = tcase_create("replace");
	tcase_add_test(tc, test_commit_replaces_the_file_whole_with_mode_0600);
	tcase_add_test(tc, test_abort_keeps_the_previous_file_and_no_temp);
	tcase_add_test(tc, test_a_symlink_planted_at_the_temp_path_is_not_followed);
	tcase_add_test(tc, test_open_read_refuses_symlinks_and_never_blocks_on_a_fifo);
	tcase_add_test(tc, test_keep_aside_never_replaces_and_names_the_new_path);
	suite_add_tcase(s, tc);
	tc = tcase_create("read");
	tcase_add_test(tc, test_read_file_reads_the_whole_file);
	tcase_add_test(tc, test_read_file_refuses_each_thing_with_its_reason);
	tcase_add_test(tc, test_read_file_names_the_writable_bit_when_no_reason_is_given);
	tcase_add_test(tc, test_read_file_of_a_missing_path_says_open);
	suite_add_tcase(s, tc);
	rc = ck_run(s);
	if (nftw(g_top, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		fprintf(stderr, "%s: cleanup failed: %s\n", g_top,
			strerror(errno));
	return rc;
}
