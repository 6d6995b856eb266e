/* realdir_path (realdir.h) gives what realpath gives, whatever order the paths come in: files
 * of nested directories, directories behind symbolic links, links to files, paths with "." and
 * ".." components, relative paths and paths that do not exist. */
#define _DEFAULT_SOURCE   /* symlink, realpath */
#define _XOPEN_SOURCE 700 /* nftw (tempdir.h) */
#include <check.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "realdir.h"
#include "tempdir.h"

START_TEST(gives_what_realpath_gives) {
    char *dir = tmp_dir();
    tmp_write(dir, "a/x.py", "");
    tmp_write(dir, "a/b/y.py", "");
    tmp_write(dir, "a/b/c/z.py", "");
    tmp_write(dir, "d/w.py", "");
    char *to_dir = util_xasprintf("%s/a/linked", dir), *to_file = util_xasprintf("%s/d/v.py", dir);
    ck_assert_int_eq(symlink("b", to_dir), 0);
    ck_assert_int_eq(symlink("../a/x.py", to_file), 0);
    const char *rels[] = {"a/x.py",      "a/b/y.py",   "a/b/c/z.py",    "a/b/y.py",
                          "d/w.py",      "a/b/c/z.py", "a/linked/y.py", "a/linked/c/z.py",
                          "d/v.py",      "a/./x.py",   "a/b/../x.py",   "a/none/q.py",
                          "a/x.py/q.py", "a/b/c/z.py"};
    char *cwd = getcwd(NULL, 0);
    ck_assert_int_eq(chdir(dir), 0);
    char *real_cwd = realpath(".", NULL);
    RealDirs *r = realdir_new(real_cwd);
    for (int absolute = 0; absolute < 2; absolute++)
        for (size_t i = 0; i < sizeof rels / sizeof *rels; i++) {
            char *path = absolute ? util_xasprintf("%s/%s", dir, rels[i]) : util_xstrdup(rels[i]);
            char *want = realpath(path, NULL), *got = realdir_path(r, path);
            ck_assert_msg(want ? got && !strcmp(want, got) : !got, "%s: %s, not %s", path,
                          got ? got : "(none)", want ? want : "(none)");
            free(want);
            free(got);
            free(path);
        }
    realdir_free(r);
    ck_assert_int_eq(chdir(cwd), 0);
    free(real_cwd);
    free(cwd);
    free(to_dir);
    free(to_file);
    tmp_remove(dir);
}
END_TEST

int main(void) {
    Suite *s = suite_create("realdir");
    TCase *tc = tcase_create("paths");
    tcase_add_test(tc, gives_what_realpath_gives);
    suite_add_tcase(s, tc);
    return harness_main(s);
}
