/* Bad inputs (issue 7): every case is what a user runs, with the exact exit status, the message
 * on stderr (naming the path) and the findings the other files still get. The README section
 * "Bad inputs" states the same behaviour; keep them in step. Tests run as root in CI, so an
 * unreadable file is made in ways that fail for root too (a dangling symbolic link, a path
 * through a regular file), not with chmod. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "harness.h"
#include "lint.h"
#include "parse.h"
#include "rules.h"
#include "tempdir.h"

#define LL101_AT_5_9 "buggy.py:5:9: LL101 "

static void write_bytes(const char *dir, const char *rel, const char *data, size_t len) {
    char *path = util_xasprintf("%s/%s", dir, rel);
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "cannot write %s", path);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    fclose(f);
    free(path);
}

/* Runs `logitlint check --no-verify --output-format concise ARGS...` in dir. */
static CliRun check_in(const char *dir, const char *a1, const char *a2, const char *a3) {
    const char *argv[] = {"check", "--no-verify", "--output-format", "concise", a1, a2, a3, NULL};
    return harness_run(argv, NULL, dir);
}

/* A directory with buggy.py (LL101 at 5:9) and `name` holding `text`. */
static char *dir_with(const char *name, const char *text, size_t len) {
    char *dir = tmp_dir();
    tmp_write(dir, "buggy.py", BUGGY_PY);
    if (name) write_bytes(dir, name, text, len);
    return dir;
}

static bool contains(const char *haystack, const char *needle) {
    return strstr(haystack, needle) != NULL;
}

START_TEST(empty_file_passes) {
    char *dir = dir_with("empty.py", "", 0);
    const char *argv[] = {"check", "--no-verify", "empty.py", NULL};
    CliRun r = harness_run(argv, NULL, dir);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "All checks passed!\n");
    ck_assert_str_eq(r.err, "");
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

START_TEST(binary_file_with_nul_bytes_exits_2_naming_it_and_others_are_analysed) {
    static const char bin[] = "import torch\n\0\x01\x02\xff binary\n";
    char *dir = dir_with("blob.py", bin, sizeof bin - 1);
    CliRun r = check_in(dir, "blob.py", "buggy.py", NULL);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err, "logitlint: blob.py: contains NUL bytes, not a Python source file\n");
    ck_assert_msg(contains(r.out, LL101_AT_5_9), "%s", r.out);
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

/* Invalid UTF-8 (here Latin-1, which Python accepts with a coding declaration) is analysed like
 * any other text: a byte that starts no valid sequence counts as one column, and the JSON report
 * stays valid (U+FFFD in its place). */
START_TEST(invalid_utf8_is_analysed_and_columns_stay_right) {
    char *text = util_xasprintf("# -*- coding: latin-1 -*-\n# caf\xe9 \xff\xfe\n%s", BUGGY_PY);
    char *p = strstr(text, "        total +=");
    ck_assert_ptr_nonnull(p);
    char *bad = util_xasprintf("%.*ss = \"\xe9\xff\"; total +=%s", (int)(p - text + 8), text,
                               p + strlen("        total +="));
    char *dir = dir_with("latin1.py", bad, strlen(bad));
    CliRun r = check_in(dir, "latin1.py", NULL, NULL);
    ck_assert_int_eq(r.status, 1);
    /* 8 spaces and `s = "\xe9\xff"; ` (10 columns): the finding starts at column 19 of row 7 */
    ck_assert_msg(contains(r.out, "latin1.py:7:19: LL101 "), "%s", r.out);
    ck_assert_str_eq(r.err, "");
    harness_run_free(&r);
    const char *json[] = {"check", "--no-verify", "--output-format", "json", "latin1.py", NULL};
    r = harness_run(json, NULL, dir);
    ck_assert_int_eq(r.status, 1);
    json_error_t je;
    json_t *v = json_loads(r.out, 0, &je);
    ck_assert_msg(v && json_array_size(v) == 1, "not valid JSON: %s", je.text);
    json_decref(v);
    harness_run_free(&r);
    free(bad);
    free(text);
    tmp_remove(dir);
}
END_TEST

START_TEST(bom_is_not_a_column) {
    char *text = util_xasprintf("\xEF\xBB\xBF%s", BUGGY_PY);
    char *dir = dir_with("bom.py", text, strlen(text));
    CliRun r = check_in(dir, "bom.py", NULL, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(contains(r.out, "bom.py:5:9: LL101 "), "%s", r.out);
    ck_assert_str_eq(r.err, "");
    harness_run_free(&r);
    free(text);
    tmp_remove(dir);
}
END_TEST

START_TEST(crlf_line_endings) {
    size_t n = strlen(BUGGY_PY);
    char *text = util_xmalloc(2 * n + 1), *q = text;
    for (const char *p = BUGGY_PY; *p; p++) {
        if (*p == '\n') *q++ = '\r';
        *q++ = *p;
    }
    *q = '\0';
    char *dir = dir_with("crlf.py", text, strlen(text));
    const char *argv[] = {"check", "--no-verify", "crlf.py", NULL};
    CliRun r = harness_run(argv, NULL, dir);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(contains(r.out, "crlf.py:5:9: LL101 "), "%s", r.out);
    /* the code frame shows the line without its carriage return */
    ck_assert_msg(contains(r.out, "5 |         total += logits[0, t, ids[0, t + 1]]\n"), "%s",
                  r.out);
    ck_assert_msg(!contains(r.out, "\r"), "a carriage return reached the report");
    harness_run_free(&r);
    free(text);
    tmp_remove(dir);
}
END_TEST

/* README: rows and columns are 1-based, a column counts code points, a tab is one column. */
START_TEST(tabs_and_non_ascii_before_a_finding) {
    const char *text = "def score(model, ids):\n"
                       "\tlogits = model(ids).logits\n"
                       "\ttotal = 0\n"
                       "\tfor t in range(ids.shape[1] - 1):\n"
                       "\t\t\xC3\xA0 = \"\xC3\xA9\xE2\x86\x92\xF0\x9F\x98\x80\"; total += "
                       "logits[0, t, ids[0, t + 1]]\n"
                       "\treturn total\n";
    char *dir = dir_with("tabs.py", text, strlen(text));
    CliRun r = check_in(dir, "tabs.py", NULL, NULL);
    ck_assert_int_eq(r.status, 1);
    /* 2 tabs + `à = "é→😀"; ` (11 code points) before `total`: column 14 */
    ck_assert_msg(contains(r.out, "tabs.py:5:14: LL101 "), "%s", r.out);
    harness_run_free(&r);
    const char *json[] = {"check", "--no-verify", "--output-format", "json", "tabs.py", NULL};
    r = harness_run(json, NULL, dir);
    ck_assert_msg(contains(r.out, "\"row\": 5,\n      \"column\": 14\n"), "%s", r.out);
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

static double wall_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The input bound (bounds.h, 2.5 MiB: the largest source whose parse fits the memory budget):
 * the finding, then a data table over 50,000 lines up to the bound, is analysed; one byte
 * more and the file is skipped before it is parsed. */
START_TEST(file_at_the_input_bound_is_analysed) {
    size_t cap = BOUND_MAX_SOURCE + 4096, len = 0;
    char *text = util_xmalloc(cap);
    len += (size_t)sprintf(text, "%sTABLE = [\n", BUGGY_PY);
    while (len < BOUND_MAX_SOURCE - 200)
        len += (size_t)sprintf(text + len,
                               "    (\"token %zu\", %zu, 0.%zu, [1, 2, 3], {\"k\": None}),\n", len,
                               len % 97, len % 1000);
    len += (size_t)sprintf(text + len, "]\n");
    memset(text + len, '#', BOUND_MAX_SOURCE - len); /* a comment up to the bound */
    len = BOUND_MAX_SOURCE;
    text[len - 1] = '\n';
    char *dir = dir_with("big.py", text, len);
    double t0 = wall_now();
    CliRun r = check_in(dir, "big.py", NULL, NULL);
    double took = wall_now() - t0;
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(contains(r.out, "big.py:5:9: LL101 "), "%s", r.out);
    ck_assert_str_eq(r.err, "");
    ck_assert_msg(took < 120, "a 2.5 MiB file took %.1f s", took);
    harness_run_free(&r);
    tmp_write(dir, "over.py", "");
    char *over = util_xasprintf("%s/over.py", dir);
    FILE *f = fopen(over, "wb");
    text[len - 1] = '#';
    fwrite(text, 1, len, f);
    fputs("\n", f);
    fclose(f);
    r = check_in(dir, "over.py", NULL, NULL);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(contains(r.out, "over.py:1:1: E902 skipped: larger than 2.5 MiB"), "%s", r.out);
    ck_assert_str_eq(r.err, "logitlint: over.py: skipped: larger than 2.5 MiB of Python source: "
                            "its parse could exceed the per-file memory budget of 1 GiB\n");
    harness_run_free(&r);
    free(over);
    free(text);
    tmp_remove(dir);
}
END_TEST

/* One line of 1 MB holding the finding, after a million columns; the full report prints it. */
START_TEST(one_megabyte_single_line) {
    size_t cap = (1u << 20) + 4096, len = 0;
    char *text = util_xmalloc(cap);
    const char *p = strstr(BUGGY_PY, "        total +=");
    len += (size_t)sprintf(text, "%.*s        pad = [", (int)(p - BUGGY_PY), BUGGY_PY);
    while (len < (1u << 20))
        len += (size_t)sprintf(text + len, "0, ");
    len += (size_t)sprintf(text + len, "0]; %s", p + 8);
    /* all ASCII: the column is the byte offset of `total` in its line, plus one */
    int col = (int)(len - strlen(p + 8) - (size_t)(p - BUGGY_PY)) + 1;
    char *dir = dir_with("wide.py", text, len);
    CliRun r = check_in(dir, "wide.py", NULL, NULL);
    ck_assert_int_eq(r.status, 1);
    char *want = util_xasprintf("wide.py:5:%d: LL101 ", col);
    ck_assert_msg(contains(r.out, want), "want %s in %.300s", want, r.out);
    ck_assert_str_eq(r.err, "");
    harness_run_free(&r);
    const char *full[] = {"check", "--no-verify", "wide.py", NULL};
    r = harness_run(full, NULL, dir);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strlen(r.out) > (1u << 20), "the code frame shows the whole line");
    harness_run_free(&r);
    free(want);
    free(text);
    tmp_remove(dir);
}
END_TEST

/* CPython refuses more than 200 nested brackets; 5,000 exceed the interpreter's depth bound:
 * the file is skipped with one line naming it, the run goes on and exits 2. */
START_TEST(five_thousand_nested_parentheses_skip_the_file_only) {
    size_t n = 5000;
    char *text = util_xmalloc(2 * n + 64);
    size_t len = (size_t)sprintf(text, "x = ");
    memset(text + len, '(', n);
    len += n;
    text[len++] = '1';
    memset(text + len, ')', n);
    len += n;
    text[len++] = '\n';
    char *dir = dir_with("deep.py", text, len);
    CliRun r = check_in(dir, "deep.py", "buggy.py", NULL);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err,
                     "logitlint: deep.py: skipped: nested too deeply to analyse (over 1000 "
                     "levels of syntax, or 400 levels of nested statements or expressions)\n");
    ck_assert_msg(contains(r.out, LL101_AT_5_9), "%s", r.out);
    harness_run_free(&r);
    free(text);
    tmp_remove(dir);
}
END_TEST

START_TEST(syntax_error_mid_file_warns_and_the_rest_is_analysed) {
    char *text = util_xasprintf("%s\ndef broken(:\n    pass\n\n\n%s", BUGGY_PY, BUGGY_PY);
    char *dir = dir_with("mid.py", text, strlen(text));
    CliRun r = check_in(dir, "mid.py", NULL, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(contains(r.out, "mid.py:5:9: LL101 "), "%s", r.out);  /* before the error */
    ck_assert_msg(contains(r.out, "mid.py:16:9: LL101 "), "%s", r.out); /* after it */
    ck_assert_str_eq(
        r.err, "warning: mid.py:8:12: syntax error; the rest of the file was still analysed\n");
    harness_run_free(&r);
    free(text);
    tmp_remove(dir);
}
END_TEST

START_TEST(nonexistent_path_exits_2_naming_it_and_others_are_analysed) {
    char *dir = dir_with(NULL, NULL, 0);
    CliRun r = check_in(dir, "nope/missing.py", "buggy.py", NULL);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err, "logitlint: nope/missing.py: No such file or directory\n");
    ck_assert_msg(contains(r.out, LL101_AT_5_9), "%s", r.out);
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

/* Unreadable even for root: a path through a regular file (ENOTDIR), and a directory entry that
 * is a dangling symbolic link, named explicitly or found by the directory walk. */
START_TEST(unreadable_files_exit_2_naming_them_and_others_are_analysed) {
    char *dir = dir_with("plain.txt", "x\n", 2);
    char *link = util_xasprintf("%s/gone.py", dir);
    ck_assert_int_eq(symlink("/nonexistent/logitlint/target.py", link), 0);
    CliRun r = check_in(dir, "plain.txt/x.py", "gone.py", "buggy.py");
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err, "logitlint: plain.txt/x.py: Not a directory\n"
                            "logitlint: gone.py: No such file or directory\n");
    ck_assert_msg(contains(r.out, LL101_AT_5_9), "%s", r.out);
    harness_run_free(&r);
    r = check_in(dir, ".", NULL, NULL);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err, "logitlint: ./gone.py: No such file or directory\n");
    ck_assert_msg(contains(r.out, LL101_AT_5_9), "%s", r.out);
    harness_run_free(&r);
    free(link);
    tmp_remove(dir);
}
END_TEST

/* Links to directories are not followed: a loop ends, each file is analysed once. */
START_TEST(directory_symlink_loop_terminates) {
    char *dir = tmp_dir();
    tmp_write(dir, "pkg/buggy.py", BUGGY_PY);
    char *a = util_xasprintf("%s/pkg/self", dir), *b = util_xasprintf("%s/pkg/up", dir);
    ck_assert_int_eq(symlink(".", a), 0);
    ck_assert_int_eq(symlink("..", b), 0);
    CliRun r = check_in(dir, ".", NULL, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, "");
    ck_assert_msg(contains(r.out, "pkg/buggy.py:5:9: LL101 "), "%s", r.out);
    ck_assert_msg(contains(r.out, "Found 1 error.\n"), "%s", r.out);
    harness_run_free(&r);
    free(a);
    free(b);
    tmp_remove(dir);
}
END_TEST

/* A FIFO would block a reader forever; devices are not source files. Named explicitly: one line
 * says it is skipped, the report lists it as E902 and the run exits 2 (it was not checked);
 * found by the walk: silently not a source file. */
START_TEST(fifo_and_device_are_skipped) {
    char *dir = dir_with(NULL, NULL, 0);
    char *fifo = util_xasprintf("%s/pipe.py", dir);
    ck_assert_int_eq(mkfifo(fifo, 0644), 0);
    CliRun r = check_in(dir, "pipe.py", "/dev/null", "buggy.py");
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err, "logitlint: pipe.py: not a regular file, skipped\n"
                            "logitlint: /dev/null: not a regular file, skipped\n");
    ck_assert_msg(contains(r.out, LL101_AT_5_9), "%s", r.out);
    ck_assert_msg(contains(r.out, "pipe.py:1:1: E902 not a regular file, skipped"), "%s", r.out);
    ck_assert_msg(contains(r.out, "/dev/null:1:1: E902 not a regular file, skipped"), "%s", r.out);
    harness_run_free(&r);
    r = check_in(dir, ".", NULL, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, "");
    ck_assert_msg(contains(r.out, LL101_AT_5_9), "%s", r.out);
    harness_run_free(&r);
    free(fifo);
    tmp_remove(dir);
}
END_TEST

START_TEST(path_with_spaces_and_non_ascii) {
    char *dir = tmp_dir();
    const char *rel = "my evals/\xC3\xA9valuation d\xE2\x80\x99\xC3\xA9t\xC3\xA9.py";
    tmp_write(dir, rel, BUGGY_PY);
    CliRun r = check_in(dir, "my evals", NULL, NULL);
    ck_assert_int_eq(r.status, 1);
    char *want = util_xasprintf("%s:5:9: LL101 ", rel);
    ck_assert_msg(contains(r.out, want), "%s", r.out);
    harness_run_free(&r);
    const char *json[] = {"check", "--no-verify", "--output-format", "json", rel, NULL};
    r = harness_run(json, NULL, dir);
    json_t *v = json_loads(r.out, 0, NULL);
    ck_assert_ptr_nonnull(v);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(v, 0), "filename")), rel);
    json_decref(v);
    harness_run_free(&r);
    free(want);
    tmp_remove(dir);
}
END_TEST

/* `logitlint check . | head -1`: the reader leaves after one line. logitlint stops writing,
 * prints nothing on stderr and exits with its usual status (1: findings), not by a signal. */
START_TEST(closed_pipe_exits_quietly) {
    char *dir = tmp_dir();
    for (int i = 0; i < 200; i++) {
        char *name = util_xasprintf("f%03d.py", i);
        tmp_write(dir, name, BUGGY_PY);
        free(name);
    }
    int out[2], err[2];
    ck_assert(pipe(out) == 0 && pipe(err) == 0);
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(out[0]);
        close(err[0]);
        signal(SIGPIPE, SIG_DFL); /* as a shell starts it */
        if (chdir(dir) != 0) _exit(127);
        execl(LOGITLINT_BIN, LOGITLINT_BIN, "check", ".", (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') {
    }
    close(out[0]); /* head -1 exits */
    char buf[4096];
    size_t n = 0;
    ssize_t got;
    while ((got = read(err[0], buf + n, sizeof buf - 1 - n)) > 0)
        n += (size_t)got;
    buf[n] = '\0';
    close(err[0]);
    int status;
    waitpid(pid, &status, 0);
    ck_assert_msg(WIFEXITED(status), "killed by signal %d",
                  WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    ck_assert_int_eq(WEXITSTATUS(status), 1);
    ck_assert_str_eq(buf, "");
    tmp_remove(dir);
}
END_TEST

/* Nested loops blow up the interpretation (bodies run twice: 2^60 here): the per-file bounds
 * stop it, the file is reported and skipped, the next file is analysed. */
START_TEST(pathological_loops_are_bounded_and_skipped) {
    size_t cap = 1 << 16, len = 0;
    char *text = util_xmalloc(cap);
    len += (size_t)sprintf(text, "logits = model(ids).logits\ntotal = 0\n");
    for (int i = 0; i < 60; i++)
        len += (size_t)sprintf(text + len, "%*sfor t%d in range(n):\n", 4 * i, "", i);
    len += (size_t)sprintf(text + len, "%*stotal += logits[0, t0, ids[t0]]\n", 240, "");
    char *dir = dir_with("loops.py", text, len);
    double t0 = wall_now();
    CliRun r = check_in(dir, "loops.py", "buggy.py", NULL);
    double took = wall_now() - t0;
    ck_assert_int_eq(r.status, 2);
    /* the step bound, or on a slow machine (sanitizers) the time bound */
    ck_assert_msg(
        !strcmp(r.err,
                "logitlint: loops.py: skipped: its analysis exceeded the per-file "
                "budget of 2,000,000 interpretation steps (deeply nested loops and calls)\n") ||
            !strcmp(r.err, "logitlint: loops.py: skipped: its analysis exceeded the per-file "
                           "time budget of 20 seconds of CPU time\n"),
        "%s", r.err);
    ck_assert_msg(contains(r.out, LL101_AT_5_9), "%s", r.out);
    ck_assert_msg(took < 120, "took %.1f s", took);
    harness_run_free(&r);
    free(text);
    tmp_remove(dir);
}
END_TEST

/* README "Security": an analysed file is never written to, even as the report file. */
START_TEST(report_never_overwrites_an_analysed_file) {
    char *dir = dir_with(NULL, NULL, 0);
    const char *argv[] = {"check", "--no-verify", "buggy.py", "--output-file", "buggy.py", NULL};
    CliRun r = harness_run(argv, NULL, dir);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err, "logitlint: buggy.py: is one of the analysed files, not overwritten\n");
    char *path = util_xasprintf("%s/buggy.py", dir);
    char *text = tmp_read(path);
    ck_assert_str_eq(text, BUGGY_PY);
    free(text);
    free(path);
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

/* Each bound, at the library level: the kind is exact, and no finding comes out of a file
 * that exceeded one. */
static LintResult lint_within(const char *text, long steps, double seconds, size_t *nfound) {
    bool enabled[64];
    for (size_t i = 0; i < 64; i++)
        enabled[i] = i < rules_count;
    Source src;
    source_from_buffer(&src, "t.py", util_xstrdup(text), strlen(text));
    Budget b;
    bounds_init(&b, steps, seconds);
    DiagList d = {0};
    LintResult r;
    lint_source_within(&src, enabled, &d, &r, &b);
    *nfound = d.len;
    diag_list_free(&d);
    source_free(&src);
    return r;
}

START_TEST(each_bound_is_reported_by_kind) {
    size_t n;
    ck_assert_int_eq(lint_within(BUGGY_PY, 1000000, 0, &n).bound, BOUND_NONE);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(lint_within(BUGGY_PY, 5, 0, &n).bound, BOUND_STEPS);
    ck_assert_uint_eq(n, 0);
    /* 450 nested ifs: within the syntax-tree bound (1000), over the nesting bound (400) */
    char *ifs = util_xmalloc(450 * 460 + 64);
    size_t len = 0;
    for (int i = 0; i < 450; i++)
        len += (size_t)sprintf(ifs + len, "%*sif x:\n", i, "");
    sprintf(ifs + len, "%*spass\n", 450, "");
    LintResult r = lint_within(ifs, 100000000, 0, &n);
    ck_assert_int_eq(r.bound, BOUND_DEPTH);
    free(ifs);
    /* A tiny time budget on a file that needs much more. */
    char *big = util_xmalloc(8 << 20);
    len = 0;
    for (int i = 0; len < (2u << 20); i++)
        len += (size_t)sprintf(big + len, "x%d = [%d, y, z]\n", i, i);
    ck_assert_int_eq(lint_within(big, 1L << 40, 0.001, &n).bound, BOUND_TIME);
    free(big);
}
END_TEST

/* parse_kids (O(1) per child, used where a node may have a million children) yields exactly
 * what ts_node_named_child(n, i) does, on every node of every fixture and sample. */
static int kids_mismatches(TSNode n, int depth) {
    int bad = 0;
    uint32_t count = ts_node_named_child_count(n), i = 0;
    ParseKids k;
    parse_kids_begin(&k, n);
    for (TSNode c; parse_kids_next(&k, &c); i++) {
        if (i >= count || !ts_node_eq(c, ts_node_named_child(n, i))) bad++;
        if (depth < 200) bad += kids_mismatches(c, depth + 1);
    }
    parse_kids_end(&k);
    return bad + (i != count);
}

static int kids_check_dir(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return 0;
    int files = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        char *path = util_xasprintf("%s/%s", dir, e->d_name);
        size_t n = strlen(path);
        if (n > 3 && !strcmp(path + n - 3, ".py")) {
            Source src;
            char err[512];
            ck_assert_int_eq(source_load_file(&src, path, err, sizeof err), SOURCE_OK);
            Parsed p;
            ck_assert_int_eq(parse_python(&p, &src), PARSE_OK);
            ck_assert_msg(kids_mismatches(p.root, 0) == 0, "parse_kids differs on %s", path);
            parse_free(&p);
            source_free(&src);
            files++;
        } else {
            files += kids_check_dir(path); /* a directory (or nothing) */
        }
        free(path);
    }
    closedir(d);
    return files;
}

START_TEST(parse_kids_matches_named_child) {
    ck_assert_int_gt(kids_check_dir(FIXTURES_DIR) + kids_check_dir(SAMPLES_DIR), 100);
}
END_TEST

/* Crashes the fuzzers found (tests/fuzz/regressions/<harness>/): each input is analysed again,
 * under the sanitizers in the CI's second build. */
START_TEST(fuzz_regressions_replay) {
    char *root = util_xasprintf("%s/../fuzz/regressions/fuzz_lint", FIXTURES_DIR);
    DIR *d = opendir(root);
    ck_assert_msg(d != NULL, "no %s", root);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        char *path = util_xasprintf("%s/%s", root, e->d_name);
        char *text = tmp_read(path);
        ck_assert_ptr_nonnull(text);
        DiagList diags = harness_lint(text, NULL);
        diag_list_free(&diags);
        free(text);
        free(path);
        n++;
    }
    closedir(d);
    ck_assert_int_gt(n, 0);
    free(root);
}
END_TEST

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/* valgrind memcheck on the samples (every format, with counterexamples) and on bad inputs: no
 * error and no leak. Skipped in the sanitizer build (valgrind cannot run ASan binaries) and
 * when valgrind is not installed. */
START_TEST(valgrind_memcheck_is_clean) {
#ifdef UNDER_ASAN
    return;
#else
    if (system("command -v valgrind >/dev/null 2>&1") != 0) return;
    char *dir = tmp_dir();
    tmp_write(dir, "mid.py", "def broken(:\n    pass\nx = ((((1))))\n");
    write_bytes(dir, "blob.py", "a\0b", 3);
    static const char *const runs[] = {
        "check %s", "check --output-format json %s", "check --output-format concise --explain %s",
        "check --output-format sarif %s", "check %s/mid.py %s/blob.py"};
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
        char *args =
            i == 4 ? util_xasprintf(runs[i], dir, dir) : util_xasprintf(runs[i], SAMPLES_DIR);
        char *cmd = util_xasprintf(
            "valgrind -q --error-exitcode=99 --leak-check=full "
            "--errors-for-leak-kinds=definite,indirect,possible "
            "--show-leak-kinds=definite,indirect,possible %s %s >/dev/null 2>%s/vg.txt",
            LOGITLINT_BIN, args, dir);
        int st = system(cmd);
        char *vg = util_xasprintf("%s/vg.txt", dir);
        char *log = tmp_read(vg);
        /* the samples have findings (1); the syntax error and the binary file make it 2 */
        int want = i == 4 ? 2 : 1;
        ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == want, "valgrind (exit %d): %s\n%s",
                      WEXITSTATUS(st), args, log);
        free(log);
        free(vg);
        free(cmd);
        free(args);
    }
    tmp_remove(dir);
#endif
}
END_TEST

int main(void) {
    Suite *s = suite_create("bad_inputs");
    TCase *tc = tcase_create("cli");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, empty_file_passes);
    tcase_add_test(tc, binary_file_with_nul_bytes_exits_2_naming_it_and_others_are_analysed);
    tcase_add_test(tc, invalid_utf8_is_analysed_and_columns_stay_right);
    tcase_add_test(tc, bom_is_not_a_column);
    tcase_add_test(tc, crlf_line_endings);
    tcase_add_test(tc, tabs_and_non_ascii_before_a_finding);
    tcase_add_test(tc, file_at_the_input_bound_is_analysed);
    tcase_add_test(tc, one_megabyte_single_line);
    tcase_add_test(tc, five_thousand_nested_parentheses_skip_the_file_only);
    tcase_add_test(tc, syntax_error_mid_file_warns_and_the_rest_is_analysed);
    tcase_add_test(tc, nonexistent_path_exits_2_naming_it_and_others_are_analysed);
    tcase_add_test(tc, unreadable_files_exit_2_naming_them_and_others_are_analysed);
    tcase_add_test(tc, directory_symlink_loop_terminates);
    tcase_add_test(tc, fifo_and_device_are_skipped);
    tcase_add_test(tc, path_with_spaces_and_non_ascii);
    tcase_add_test(tc, closed_pipe_exits_quietly);
    tcase_add_test(tc, pathological_loops_are_bounded_and_skipped);
    tcase_add_test(tc, report_never_overwrites_an_analysed_file);
    tcase_add_test(tc, each_bound_is_reported_by_kind);
    tcase_add_test(tc, parse_kids_matches_named_child);
    tcase_add_test(tc, fuzz_regressions_replay);
    tcase_add_test(tc, valgrind_memcheck_is_clean);
    suite_add_tcase(s, tc);
    return harness_main(s);
}
