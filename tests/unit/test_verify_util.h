/* test_verify_util: helpers shared by the verifier's Check tests: run a
 * subcommand's main with argv and capture its stdout, stderr and exit code;
 * write a table file; small assertions on captured text. */
#ifndef LOGITLINT_TEST_VERIFY_UTIL_H
#define LOGITLINT_TEST_VERIFY_UTIL_H

#include <check.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "verify.h"

typedef struct {
    int rc;
    char *out, *err;
} TvRun;

static inline char *tv_slurp(FILE *f) {
    fflush(f);
    long n = ftell(f);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(s);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = 0;
    fclose(f);
    return s;
}

/* Runs fn(argc, argv) with stdout and stderr redirected to temporary files. */
static inline TvRun tv_run(int (*fn)(int, char **), const char *const *argv) {
    int argc = 0;
    while (argv[argc])
        argc++;
    fflush(stdout);
    fflush(stderr);
    FILE *o = tmpfile(), *e = tmpfile();
    ck_assert_ptr_nonnull(o);
    ck_assert_ptr_nonnull(e);
    int so = dup(1), se = dup(2);
    dup2(fileno(o), 1);
    dup2(fileno(e), 2);
    TvRun r;
    r.rc = fn(argc, (char **)argv);
    fflush(stdout);
    fflush(stderr);
    dup2(so, 1);
    dup2(se, 2);
    close(so);
    close(se);
    fseek(o, 0, SEEK_END);
    fseek(e, 0, SEEK_END);
    r.out = tv_slurp(o);
    r.err = tv_slurp(e);
    return r;
}

/* `logitlint verify --file DIR/exec/FILE --line LINE`, in JSON when `json`, run through
 * verify_main (tests/data/exec holds the scripts the verifier's tests run). */
static inline TvRun tv_verify_at(const char *file, int line, bool json) {
    char path[512], l[16];
    snprintf(path, sizeof path, "%s/exec/%s", TEST_DATA_DIR, file);
    snprintf(l, sizeof l, "%d", line);
    const char *argv[] = {"verify", "--file", path, "--line", l, json ? "--output-format" : NULL, "json", NULL};
    return tv_run(verify_main, argv);
}

static inline void tv_free(TvRun *r) {
    free(r->out);
    free(r->err);
}

/* Writes `text` to a new temporary file; the caller unlinks `path`. */
static inline void tv_write_table(char *path, size_t n, const char *text) {
    snprintf(path, n, "/tmp/logitlint-verify-test-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    size_t len = strlen(text);
    ck_assert_int_eq((long)write(fd, text, len), (long)len);
    close(fd);
}

static inline int tv_count_lines(const char *s) {
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Prints captured text when a containment check fails, so the failure says why. */
#define tv_assert_contains(hay, needle)                                                            \
    ck_assert_msg(strstr((hay), (needle)) != NULL, "expected to find \"%s\" in:\n%s", (needle),    \
                  (hay))
#define tv_assert_lacks(hay, needle)                                                               \
    ck_assert_msg(strstr((hay), (needle)) == NULL, "did not expect \"%s\" in:\n%s", (needle), (hay))

static inline VerifyTable *tv_parse(const char *json) {
    VerifyTable *t = NULL;
    VerifyError err = {{0}};
    VerifyStatus st = verify_table_parse(json, strlen(json), "t.json", &t, &err);
    ck_assert_msg(st == VERIFY_OK, "parse failed: %s", err.msg);
    return t;
}

/* The message verify_table_parse gives for a table that must be rejected. */
static inline const char *tv_parse_error(const char *json, VerifyError *err) {
    VerifyTable *t = NULL;
    VerifyStatus st = verify_table_parse(json, strlen(json), "t.json", &t, err);
    ck_assert_msg(st == VERIFY_EINPUT, "expected a rejection, got status %d", (int)st);
    ck_assert_ptr_null(t);
    return err->msg;
}

static inline VerifyResult *tv_score(const VerifyTable *t, const char *recipe) {
    const VerifyRecipe *r = verify_recipe_find(recipe);
    ck_assert_msg(r != NULL, "unknown recipe %s", recipe);
    VerifyResult *res = NULL;
    VerifyError err = {{0}};
    VerifyStatus st = verify_score(t, r, &res, &err);
    ck_assert_msg(st == VERIFY_OK, "score failed: %s", err.msg);
    return res;
}

static inline int tv_run_suite(Suite *s) {
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
