/* gitignore semantics (negation, anchoring, `**`, directory-only patterns) and discovery. */
#include "tempdir.h"

#include "harness.h"
#include "ignore.h"

START_TEST(glob) {
    ck_assert(ignore_glob("*.py", "a.py"));
    ck_assert(!ignore_glob("*.py", "d/a.py"));
    ck_assert(ignore_glob("**/x", "x"));
    ck_assert(ignore_glob("**/x", "a/b/x"));
    ck_assert(ignore_glob("a/**/b", "a/b"));
    ck_assert(ignore_glob("a/**/b", "a/x/y/b"));
    ck_assert(!ignore_glob("a/**/b", "a/x/y/c"));
    ck_assert(ignore_glob("a/**", "a/x/y"));
    ck_assert(!ignore_glob("a/**", "a"));
    ck_assert(ignore_glob("[abc].py", "b.py"));
    ck_assert(!ignore_glob("[!abc].py", "b.py"));
    ck_assert(ignore_glob("[a-c]?.py", "bz.py"));
    ck_assert(ignore_glob("\\*.py", "*.py"));
    ck_assert(!ignore_glob("\\*.py", "a.py"));
    ck_assert(!ignore_glob("a?b", "a/b"));
}
END_TEST

static int match(const char *gitignore, const char *rel, bool is_dir) {
    IgnoreFile *f = util_xcalloc(1, sizeof *f);
    f->base = util_xstrdup("/r");
    ignore_parse(f, gitignore);
    int m = ignore_file_match(f, rel, is_dir);
    ignore_file_free(f);
    return m;
}

START_TEST(gitignore_rules) {
    ck_assert_int_eq(match("*.log\n", "x/y.log", false), 1);     /* basename at any depth */
    ck_assert_int_eq(match("/top.py\n", "top.py", false), 1);    /* anchored */
    ck_assert_int_eq(match("/top.py\n", "d/top.py", false), -1); /* anchored: not deeper */
    ck_assert_int_eq(match("doc/x.py\n", "doc/x.py", false), 1); /* a middle slash anchors */
    ck_assert_int_eq(match("doc/x.py\n", "a/doc/x.py", false), -1);
    ck_assert_int_eq(match("build/\n", "build", true), 1); /* directory only */
    ck_assert_int_eq(match("build/\n", "build", false), -1);
    ck_assert_int_eq(match("*.py\n!keep.py\n", "keep.py", false), 0); /* negation */
    ck_assert_int_eq(match("!keep.py\n*.py\n", "keep.py", false), 1); /* the last match wins */
    ck_assert_int_eq(match("# comment\n\n\\#hash.py\n", "#hash.py", false), 1);
    ck_assert_int_eq(match("\\!bang.py\n", "!bang.py", false), 1);
    ck_assert_int_eq(match("trail.py   \n", "trail.py", false), 1); /* trailing spaces dropped */
    ck_assert_int_eq(match("**/gen/**\n", "a/gen/b/c.py", false), 1);
    ck_assert_int_eq(match("a.py\r\n", "a.py", false), 1);
}
END_TEST

static char *check_concise(const char *dir, const char *extra, const char *path) {
    const char *argv[] = {"check",   "--no-verify",        "--output-format",
                          "concise", extra ? extra : path, extra ? path : NULL,
                          NULL};
    CliRun r = harness_run(argv, NULL, dir);
    char *out = util_xstrdup(r.out);
    harness_run_free(&r);
    return out;
}

START_TEST(discovery_respects_ignore_files) {
    char *dir = tmp_dir();
    tmp_write(dir, ".git/info/exclude", "excluded_by_info.py\n");
    tmp_write(dir, ".gitignore", "out/\n/logs\ndata/**\n!data/keep/\n!data/keep/**\n*.gen.py\n");
    tmp_write(dir, "src/.gitignore", "!kept.gen.py\nlocal.py\n");
    tmp_write(dir, ".ignore", "scratch/\n");
    const char *files[] = {"a.py",
                           "out/x/b.py",
                           "logs/d.py",
                           "src/logs/ok.py",
                           "data/raw/e.py",
                           "data/keep/f.py",
                           "x.gen.py",
                           "src/kept.gen.py",
                           "src/local.py",
                           "scratch/s.py",
                           "excluded_by_info.py",
                           "nb/n.py",
                           NULL};
    for (const char *const *f = files; *f; f++)
        tmp_write(dir, *f, BUGGY_PY);
    char *out = check_concise(dir, NULL, ".");
    const char *kept[] = {
        "./a.py:", "./src/logs/ok.py:", "./data/keep/f.py:", "./src/kept.gen.py:", "./nb/n.py:",
        NULL};
    const char *skipped[] = {"b.py", "logs/d.py",           "e.py", "x.gen.py", "local.py",
                             "s.py", "excluded_by_info.py", NULL};
    for (const char *const *k = kept; *k; k++)
        ck_assert_msg(strstr(out, *k), "%s missing from:\n%s", *k, out);
    for (const char *const *k = skipped; *k; k++)
        ck_assert_msg(!strstr(out, *k), "%s not skipped:\n%s", *k, out);
    free(out);
    /* Explicit paths are linted; --force-exclude applies the ignore files to them. */
    out = check_concise(dir, NULL, "out/x/b.py");
    ck_assert_msg(strstr(out, "out/x/b.py:5:9: LL101"), "got: %s", out);
    free(out);
    out = check_concise(dir, "--force-exclude", "out/x/b.py");
    ck_assert_str_eq(out, "");
    free(out);
    out = check_concise(dir, "--no-respect-gitignore", ".");
    ck_assert_msg(strstr(out, "./out/x/b.py:") && strstr(out, "./scratch/s.py:"), "got: %s", out);
    free(out);
    tmp_remove(dir);
}
END_TEST

START_TEST(gitignore_needs_a_work_tree) {
    char *dir = tmp_dir();
    /* No .git: .gitignore means nothing (as for git), .ignore still counts. */
    tmp_write(dir, ".gitignore", "a.py\n");
    tmp_write(dir, ".ignore", "b.py\n");
    tmp_write(dir, "a.py", BUGGY_PY);
    tmp_write(dir, "b.py", BUGGY_PY);
    char *out = check_concise(dir, NULL, ".");
    ck_assert_msg(strstr(out, "./a.py:5:9") && !strstr(out, "b.py"), "got: %s", out);
    free(out);
    tmp_remove(dir);
}
END_TEST

/* ruff's default exclude list: build copies and tool caches are never walked into (so a build
 * copy gives no duplicate findings); a file named in one is still analysed; --exclude replaces
 * the list. */
START_TEST(ruffs_default_excludes) {
    char *dir = tmp_dir();
    const char *skipped[] = {
        "build/lib/a.py", "_build/a.py",  "buck-out/a.py",     "__pypackages__/3.11/lib/a.py",
        ".eggs/x/a.py",   "dist/a.py",    "node_modules/a.py", "site-packages/a.py",
        "venv/a.py",      ".tox/py/a.py", "__pycache__/a.py",  NULL};
    tmp_write(dir, "src/a.py", BUGGY_PY);
    for (const char *const *k = skipped; *k; k++)
        tmp_write(dir, *k, BUGGY_PY);
    const char *argv[] = {"check", "--no-verify", "--output-format", "concise", ".", NULL};
    CliRun r = harness_run(argv, NULL, dir);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.out, "src/a.py:5:9: LL101") && strstr(r.out, "Found 1 error."), "%s",
                  r.out);
    harness_run_free(&r);
    const char *named[] = {"check",   "--no-verify",    "--output-format",
                           "concise", "build/lib/a.py", NULL};
    r = harness_run(named, NULL, dir);
    ck_assert_msg(strstr(r.out, "build/lib/a.py:5:9: LL101"), "%s", r.out);
    harness_run_free(&r);
    const char *replaced[] = {
        "check", "--no-verify", "--output-format", "concise", "--exclude", "src", ".", NULL};
    r = harness_run(replaced, NULL, dir);
    ck_assert_msg(strstr(r.out, "build/lib/a.py:5:9: LL101") && !strstr(r.out, "src/a.py"), "%s",
                  r.out);
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

int main(void) {
    Suite *s = suite_create("ignore");
    TCase *tc = tcase_create("ignore");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, glob);
    tcase_add_test(tc, gitignore_rules);
    tcase_add_test(tc, discovery_respects_ignore_files);
    tcase_add_test(tc, gitignore_needs_a_work_tree);
    tcase_add_test(tc, ruffs_default_excludes);
    suite_add_tcase(s, tc);
    return harness_main(s);
}
