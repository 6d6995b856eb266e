/* The run's directory listings (dircache.h) say what lstat says, or leave it to the caller: for
 * files, directories, names that are not there, paths through a missing directory or through a
 * file, symbolic links, relative paths and names a listing does not hold; one listing for a
 * directory however its path is spelled. */
#define _DEFAULT_SOURCE   /* symlink */
#define _XOPEN_SOURCE 700 /* nftw (tempdir.h) */
#include <check.h>
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dircache.h"
#include "harness.h"
#include "tempdir.h"

/* What lstat(path) finds, as dircache_kind names it. */
static DirCacheKind lstat_kind(const char *path) {
    struct stat st;
    if (lstat(path, &st) != 0) return DIRCACHE_NONE;
    return S_ISREG(st.st_mode)   ? DIRCACHE_FILE
           : S_ISDIR(st.st_mode) ? DIRCACHE_DIR
                                 : DIRCACHE_OTHER;
}

START_TEST(answers_as_lstat_does) {
    char *dir = tmp_dir();
    tmp_write(dir, "pkg/__init__.py", "");
    tmp_write(dir, "pkg/base.py", "x = 1\n");
    tmp_write(dir, "pkg/sub/deep/mod.py", "y = 2\n");
    char *link = util_xasprintf("%s/pkg/alias.py", dir);
    ck_assert_int_eq(symlink("base.py", link), 0);
    const char *rels[] = {"pkg",
                          "pkg/__init__.py",
                          "pkg/base.py",
                          "pkg/absent.py",
                          "pkg/sub",
                          "pkg/sub/deep/mod.py",
                          "pkg/sub/deep/__init__.py",
                          "pkg/missing/deeper/__init__.py", /* through a missing directory */
                          "pkg/base.py/x.py",               /* through a file */
                          "nothing",
                          "pkg/.git"};
    DirCache *d = dircache_new();
    for (int pass = 0; pass < 2; pass++) /* (the second from the listings kept) */
        for (size_t i = 0; i < sizeof rels / sizeof *rels; i++) {
            char *path = util_xasprintf("%s/%s", dir, rels[i]);
            ck_assert_msg(dircache_kind(d, path) == lstat_kind(path), "%s", rels[i]);
            free(path);
        }
    /* a link, and names a listing does not hold: the caller's own stat */
    ck_assert_int_eq(dircache_kind(d, link), DIRCACHE_OTHER);
    char *dot = util_xasprintf("%s/pkg/.", dir), *up = util_xasprintf("%s/pkg/..", dir);
    ck_assert_int_eq(dircache_kind(d, dot), DIRCACHE_OTHER);
    ck_assert_int_eq(dircache_kind(d, up), DIRCACHE_OTHER);
    ck_assert_int_eq(dircache_kind(d, "/"), DIRCACHE_OTHER);
    dircache_free(d);
    /* relative to the working directory (the one the listings were made in) */
    char *cwd = getcwd(NULL, 0);
    ck_assert_int_eq(chdir(dir), 0);
    d = dircache_new();
    ck_assert_int_eq(dircache_kind(d, "pkg/base.py"), DIRCACHE_FILE);
    ck_assert_int_eq(dircache_kind(d, "pkg/sub"), DIRCACHE_DIR);
    ck_assert_int_eq(dircache_kind(d, "pkg/none/x.py"), DIRCACHE_NONE);
    ck_assert_int_eq(dircache_kind(d, "./pkg/base.py"), DIRCACHE_FILE);
    ck_assert_int_eq(dircache_kind(d, "base.py"), DIRCACHE_NONE);
    ck_assert_int_eq(chdir(cwd), 0);
    dircache_free(d);
    free(cwd);
    free(dot);
    free(up);
    free(link);
    tmp_remove(dir);
}
END_TEST

/* A listing the walk gave under a relative name answers for the absolute one, and the other way
 * round: each directory is listed once however its paths are spelled (the walk's as typed, the
 * imports' relative to the working directory, the configuration's absolute). */
START_TEST(relative_and_absolute_share_a_listing) {
    char *dir = tmp_dir();
    tmp_write(dir, "pkg/base.py", "x = 1\n");
    char *cwd = getcwd(NULL, 0);
    ck_assert_int_eq(chdir(dir), 0);
    DirCache *d = dircache_new();
    /* (a made-up listing: were the directory read again, it would say base.py) */
    DirCacheName names[] = {{"only.py", DT_REG}};
    dircache_put(d, "pkg", names, 1);
    char *abs_only = util_xasprintf("%s/pkg/only.py", dir);
    char *abs_base = util_xasprintf("%s/pkg/base.py", dir);
    ck_assert_int_eq(dircache_kind(d, abs_only), DIRCACHE_FILE);
    ck_assert_int_eq(dircache_kind(d, abs_base), DIRCACHE_NONE);
    char *abs_pkg = util_xasprintf("%s/pkg", dir);
    dircache_put(d, abs_pkg, names, 1); /* (kept already: the first stands) */
    ck_assert_int_eq(dircache_kind(d, "pkg/only.py"), DIRCACHE_FILE);
    ck_assert_int_eq(chdir(cwd), 0);
    dircache_free(d);
    free(abs_only);
    free(abs_base);
    free(abs_pkg);
    free(cwd);
    tmp_remove(dir);
}
END_TEST

int main(void) {
    Suite *s = suite_create("dircache");
    TCase *tc = tcase_create("kinds");
    tcase_add_test(tc, answers_as_lstat_does);
    tcase_add_test(tc, relative_and_absolute_share_a_listing);
    suite_add_tcase(s, tc);
    return harness_main(s);
}
