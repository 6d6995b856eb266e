/* The run's directory listings (dircache.h) say what lstat says, or leave it to the caller: for
 * files, directories, names that are not there, paths through a missing directory or through a
 * file, symbolic links, relative paths and names a listing does not hold. */
#define _DEFAULT_SOURCE   /* symlink */
#define _XOPEN_SOURCE 700 /* nftw (tempdir.h) */
#include <check.h>
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
    /* relative to the working directory */
    char *cwd = getcwd(NULL, 0);
    ck_assert_int_eq(chdir(dir), 0);
    ck_assert_int_eq(dircache_kind(d, "pkg/base.py"), DIRCACHE_FILE);
    ck_assert_int_eq(dircache_kind(d, "pkg/sub"), DIRCACHE_DIR);
    ck_assert_int_eq(dircache_kind(d, "pkg/none/x.py"), DIRCACHE_NONE);
    ck_assert_int_eq(dircache_kind(d, "./pkg/base.py"), DIRCACHE_FILE);
    ck_assert_int_eq(chdir(cwd), 0);
    dircache_free(d);
    free(cwd);
    free(dot);
    free(up);
    free(link);
    tmp_remove(dir);
}
END_TEST

int main(void) {
    Suite *s = suite_create("dircache");
    TCase *tc = tcase_create("kinds");
    tcase_add_test(tc, answers_as_lstat_does);
    suite_add_tcase(s, tc);
    return harness_main(s);
}
