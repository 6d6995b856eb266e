/* Whole-project analysis: packages under tests/fixtures/project, each analysed as a user runs
 * the CLI on its directory. Every line marked `# expect: CODE` must be reported with that code,
 * any other finding is a false positive; fire_* packages expect findings, trap_* none. Also:
 * the output does not depend on the thread count, files passed alone report only themselves,
 * and the analysis lists the project files it read. */
#define _DEFAULT_SOURCE
#define _XOPEN_SOURCE 700 /* nftw (tempdir.h) */
#include <dirent.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "harness.h"
#include "lint.h"
#include "project.h"
#include "project_summary.h"
#include "tempdir.h"

#define PROJECT_DIR FIXTURES_DIR "/project"
#define RUN(...) harness_run((const char *const[]){__VA_ARGS__, NULL}, NULL, NULL)

typedef struct Mark {
    char *path; /* as the CLI prints it: the package directory joined with the file's path */
    int row;
    char code[8];
    bool seen;
} Mark;
typedef Array(Mark) MarkList;

static void collect_marks(const char *dir, MarkList *marks) {
    DIR *dh = opendir(dir);
    ck_assert_msg(dh != NULL, "cannot open %s", dir);
    struct dirent *e;
    while ((e = readdir(dh))) {
        if (e->d_name[0] == '.') continue;
        char *path = util_xasprintf("%s/%s", dir, e->d_name);
        struct stat st;
        ck_assert_int_eq(stat(path, &st), 0);
        size_t n = strlen(e->d_name);
        if (S_ISDIR(st.st_mode)) {
            collect_marks(path, marks);
        } else if (n > 3 && !strcmp(e->d_name + n - 3, ".py")) {
            FILE *f = fopen(path, "r");
            char line[1024];
            for (int row = 1; fgets(line, sizeof line, f); row++) {
                char *m = strstr(line, "# expect: ");
                if (!m) continue;
                Mark mk = {.path = util_xstrdup(path), .row = row};
                sscanf(m + 10, "%7s", mk.code);
                array_push(marks, mk);
            }
            fclose(f);
        }
        free(path);
    }
    closedir(dh);
}

/* Checks one package; appends every mismatch to report. */
static int check_package(const char *name, char **report) {
    char *dir = util_xasprintf("%s/%s", PROJECT_DIR, name);
    MarkList marks = {0};
    collect_marks(dir, &marks);
    CliRun r = RUN("check", "--isolated", "--no-verify", "--output-format", "concise", dir);
    int problems = 0;
    char *save = NULL;
    for (char *line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char path[1024], code[8];
        int row, col;
        if (sscanf(line, "%1023[^:]:%d:%d: %7s", path, &row, &col, code) != 4) continue;
        bool expected = false;
        for (size_t i = 0; i < marks.len; i++)
            if (!strcmp(marks.items[i].path, path) && marks.items[i].row == row &&
                !strcmp(marks.items[i].code, code))
                expected = marks.items[i].seen = true;
        if (!expected) {
            char *prev = *report;
            *report = util_xasprintf("%s\n  unexpected finding: %s", prev, line);
            free(prev);
            problems++;
        }
    }
    for (size_t i = 0; i < marks.len; i++) {
        if (!marks.items[i].seen) {
            char *prev = *report;
            *report = util_xasprintf("%s\n  %s:%d: expected %s, got none", prev,
                                     marks.items[i].path, marks.items[i].row, marks.items[i].code);
            free(prev);
            problems++;
        }
        free(marks.items[i].path);
    }
    bool fire = !strncmp(name, "fire_", 5);
    if (fire != (marks.len > 0) || (!fire && strncmp(name, "trap_", 5) != 0)) {
        char *prev = *report;
        *report = util_xasprintf("%s\n  %s: fire_* packages mark findings, trap_* none", prev, dir);
        free(prev);
        problems++;
    }
    array_free(&marks);
    harness_run_free(&r);
    free(dir);
    return problems;
}

START_TEST(every_package_matches_its_marks) {
    DIR *dh = opendir(PROJECT_DIR);
    ck_assert_ptr_nonnull(dh);
    char *report = util_xstrdup("");
    int problems = 0, fires = 0, traps = 0;
    struct dirent *e;
    while ((e = readdir(dh))) {
        if (e->d_name[0] == '.') continue;
        fires += !strncmp(e->d_name, "fire_", 5);
        traps += !strncmp(e->d_name, "trap_", 5);
        problems += check_package(e->d_name, &report);
    }
    closedir(dh);
    ck_assert_msg(fires >= 8 && traps >= 4, "too few packages (%d fire, %d trap)", fires, traps);
    ck_assert_msg(problems == 0, "%d mismatch(es):%s", problems, report);
    free(report);
}
END_TEST

START_TEST(output_is_the_same_for_any_thread_count) {
    CliRun one = RUN("check", "--isolated", "--no-verify", "--threads", "1", "--output-format",
                     "json", PROJECT_DIR);
    CliRun many = RUN("check", "--isolated", "--no-verify", "--threads", "7", "--output-format",
                      "json", PROJECT_DIR);
    ck_assert_int_eq(one.status, 1);
    ck_assert_int_eq(many.status, 1);
    ck_assert_str_eq(one.out, many.out);
    harness_run_free(&one);
    harness_run_free(&many);
}
END_TEST

/* pre-commit passes the changed files: what they import is read, not reported. */
START_TEST(imported_files_are_read_not_reported) {
    CliRun r = RUN("check", "--isolated", "--no-verify", "--output-format", "concise",
                   PROJECT_DIR "/fire_callee_own_finding_not_repeated/main.py");
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_null(strstr(r.out, "softmax.py"));
    harness_run_free(&r);
    r = RUN("check", "--isolated", "--no-verify", "--output-format", "concise",
            PROJECT_DIR "/fire_helper_pairs_unshifted/score.py");
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.out, "score.py:10:17: LL105"));
    ck_assert_ptr_nonnull(strstr(r.out, "utils.py:7:12"));
    harness_run_free(&r);
}
END_TEST

START_TEST(lists_the_project_files_it_read) {
    const char *path = PROJECT_DIR "/fire_reexport_package/main.py";
    Source src;
    char err[256];
    ck_assert_int_eq(source_load_file(&src, path, err, sizeof err), SOURCE_OK);
    ProjectFile *pf = project_file_new(path, &src, NULL);
    bool enabled[64] = {0};
    for (size_t i = 0; i < rules_count; i++)
        enabled[i] = true;
    DiagList out = {0};
    LintResult lr;
    lint_source(&src, enabled, &out, &lr);
    const ProjectAsks *asks = project_file_asks(pf);
    const char *paths[4];
    size_t n = 0;
    for (size_t i = 0; i < asks->len; i++)
        if (asks->items[i].kind == PROJECT_ASK_READ && n < 4) paths[n++] = asks->items[i].answer;
    ck_assert_uint_eq(n, 2);
    /* shown relative to the working directory (when below it); sorted by canonical path */
    const char *init = "fire_reexport_package/pkg/__init__.py", *impl = "fire_reexport_package/pkg/impl.py";
    ck_assert_str_eq(paths[0] + strlen(paths[0]) - strlen(init), init);
    ck_assert_str_eq(paths[1] + strlen(paths[1]) - strlen(impl), impl);
    ck_assert_uint_eq(out.len, 1);
    diag_list_free(&out);
    source_free(&src);
    project_file_free(pf);
}
END_TEST

/* ---- a module's top level is run once per run and shared (project_summary.h) ---- */

/* The finding lines of a concise report, sorted (a NULL-terminated list in one buffer). */
static char *finding_lines(const char *out) {
    Array(char *) lines = {0};
    char *copy = util_xstrdup(out), *save = NULL;
    for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        if (strstr(l, ": LL")) array_push(&lines, l);
    for (size_t i = 1; i < lines.len; i++) /* insertion sort: a handful of lines */
        for (size_t j = i; j > 0 && strcmp(lines.items[j - 1], lines.items[j]) > 0; j--) {
            char *t = lines.items[j];
            lines.items[j] = lines.items[j - 1];
            lines.items[j - 1] = t;
        }
    char *joined = util_xstrdup("");
    for (size_t i = 0; i < lines.len; i++) {
        char *next = util_xasprintf("%s%s\n", joined, lines.items[i]);
        free(joined);
        joined = next;
    }
    array_free(&lines);
    free(copy);
    return joined;
}

static const char *const SCORER_USER =
    "from transformers import AutoModelForCausalLM\n\n"
    "from %s import %s\n\n"
    "model = AutoModelForCausalLM.from_pretrained(\"gpt2\")\n\n\n"
    "def rank(ids):\n"
    "    return %s(model(ids).logits)\n";

/* A cycle: what b_mod reads of a_mod depends on which of the two is imported first (entered by
 * b_mod, a_mod's AXIS is bound when b_mod reads it; entered by a_mod, it is not yet). And a
 * module whose top level changes another's state (presets builds a Scorer), which its summary
 * alone would not carry. Several files import each, so that both threads share summaries. */
static char *write_shared_modules(void) {
    char *dir = tmp_dir();
    tmp_write(dir, "a_mod.py", "from b_mod import score\n\nAXIS = 1\n");
    tmp_write(dir, "b_mod.py",
              "import torch\n\nfrom a_mod import AXIS\n\n\ndef score(logits):\n"
              "    return torch.log_softmax(logits, dim=AXIS)\n");
    tmp_write(dir, "helper.py",
              "import torch\n\n\nclass Scorer:\n    def __init__(self, dim):\n"
              "        self.dim = dim\n\n    def score(self, logits):\n"
              "        return torch.log_softmax(logits, dim=self.dim)\n");
    tmp_write(dir, "presets.py", "from helper import Scorer\n\nDEFAULT = Scorer(1)\n");
    for (int i = 0; i < 4; i++) {
        const char *via[][3] = {{"a_mod", "score", "score"},
                                {"b_mod", "score", "score"},
                                {"presets", "DEFAULT", "DEFAULT.score"},
                                {"helper", "Scorer", "Scorer(-1).score"}};
        for (int k = 0; k < 4; k++) {
            char *rel = util_xasprintf("user%d_%s.py", i, via[k][0]);
            char *text = util_xasprintf(SCORER_USER, via[k][0], via[k][1], via[k][2]);
            tmp_write(dir, rel, text);
            free(rel);
            free(text);
        }
    }
    return dir;
}

START_TEST(files_report_in_one_run_what_each_reports_alone) {
    char *dir = write_shared_modules();
    /* each file alone (a run of its own: no summary of another file's run) */
    char *alone = util_xstrdup("");
    DIR *dh = opendir(dir);
    ck_assert_ptr_nonnull(dh);
    struct dirent *e;
    int firing = 0;
    while ((e = readdir(dh))) {
        if (e->d_name[0] == '.') continue;
        char *path = util_xasprintf("%s/%s", dir, e->d_name);
        CliRun r = RUN("check", "--isolated", "--no-verify", "--no-cache", "--output-format",
                       "concise", path);
        firing += strstr(r.out, ": LL104") != NULL;
        char *next = util_xasprintf("%s%s", alone, r.out);
        free(alone);
        alone = next;
        harness_run_free(&r);
        free(path);
    }
    closedir(dh);
    char *expected = finding_lines(alone);
    /* via b_mod (AXIS bound) and via presets (dim 1) fire; via a_mod (AXIS not yet bound when
     * b_mod reads it) and Scorer(-1) do not: 4 + 4 files */
    ck_assert_int_eq(firing, 8);
    /* The users only: with the modules in the run, their findings would be reported in the
     * modules' code, once (relocate.h; below). */
    const char *argv[32] = {"check", "--isolated", "--no-verify", "--no-cache", "--threads", "1",
                            "--output-format", "concise"};
    int argc = 8;
    char *users[16];
    for (int i = 0; i < 16; i++) {
        const char *mods[] = {"a_mod", "b_mod", "presets", "helper"};
        argv[argc++] = users[i] = util_xasprintf("%s/user%d_%s.py", dir, i / 4, mods[i % 4]);
    }
    for (int threads = 1; threads <= 2; threads++) {
        argv[5] = threads == 1 ? "1" : "2";
        CliRun r = harness_run(argv, NULL, NULL);
        char *got = finding_lines(r.out);
        if (strcmp(got, expected) != 0) fprintf(stderr, "alone:\n%sone run:\n%s", expected, got);
        ck_assert_msg(!strcmp(got, expected), "%d thread(s): not what each file reports alone",
                      threads);
        free(got);
        harness_run_free(&r);
    }
    /* the whole directory: each finding in the module's code, named by its first user */
    CliRun r = RUN("check", "--isolated", "--no-verify", "--no-cache", "--threads", "2",
                   "--output-format", "concise", dir);
    char *got = finding_lines(r.out);
    /* (the message's "line 9" is the user's: named with its file there) */
    const char *said = strstr(expected, "LL104 ") + 6, *ref = strstr(said, "from line ");
    int upto = (int)(ref + 5 - said);
    const char *after = ref + 5, *end = strstr(expected, " (in `");
    char *want = util_xasprintf(
        "%s/b_mod.py:7:12: LL104 %.*s%s/user0_b_mod.py %.*s (with the arguments of the call of "
        "`score` at %s/user0_b_mod.py:9:12)\n"
        "%s/helper.py:9:16: LL104 %.*s%s/user0_presets.py %.*s (with the arguments of the call "
        "of `DEFAULT.score` at %s/user0_presets.py:9:12)\n",
        dir, upto, said, dir, (int)(end - after), after, dir, dir, upto, said, dir,
        (int)(end - after), after, dir);
    ck_assert_str_eq(got, want);
    free(want);
    free(got);
    harness_run_free(&r);
    for (int i = 0; i < 16; i++)
        free(users[i]);
    free(expected);
    free(alone);
    tmp_remove(dir);
}
END_TEST

/* A summary lives for most of the run: it holds one block of the size it accounts (the cache's
 * budget counts it), not an arena's mostly empty blocks, and its copies are deep. */
START_TEST(a_summary_holds_what_it_accounts) {
    Arena scratch = {0};
    Frame frame = {0};
    Fact pair = fact_unknown();
    pair.nelems = 2;
    pair.elems = arena_alloc(&scratch, 2 * sizeof *pair.elems);
    pair.elems[0] = fact_module("torch.nn");
    pair.elems[1] = fact_unknown();
    const char *names[] = {"AXIS", "score", "pair"};
    for (int i = 0; i < 3; i++)
        array_push(&frame.env.items, ((Binding){.name = names[i], .len = strlen(names[i]),
                                                .fact = i == 2 ? pair : fact_unknown(),
                                                .bound = true}));
    ProjectAsk ask = {PROJECT_ASK_MODULE, "pkg/base", "pkg/base.py", {0, 0}};
    FuncList funcs = {0};
    ProjectSummary *s = project_summary_new(&frame, &funcs, NULL, 0, NULL, 0, &ask, 1);
    ck_assert_uint_le(malloc_usable_size(s->block), s->bytes);
    ck_assert_uint_lt(s->bytes, 4096); /* (an arena block: 64 KiB) */
    ck_assert_uint_eq(s->nitems, 3);
    ck_assert_ptr_ne(s->items[0].name, names[0]);
    ck_assert_int_eq(memcmp(s->items[0].name, "AXIS", 4), 0);
    ck_assert_int_eq(s->items[2].fact.nelems, 2);
    ck_assert_ptr_ne(s->items[2].fact.elems, pair.elems);
    ck_assert_str_eq(s->items[2].fact.elems[0].qual, "torch.nn");
    ck_assert_str_eq(s->asks[0].answer, "pkg/base.py");
    project_summary_free(s);
    array_free(&frame.env.items);
    arena_free(&scratch);
}
END_TEST

int main(void) {
    Suite *s = suite_create("project");
    TCase *tc = tcase_create("packages");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, every_package_matches_its_marks);
    tcase_add_test(tc, output_is_the_same_for_any_thread_count);
    tcase_add_test(tc, imported_files_are_read_not_reported);
    tcase_add_test(tc, lists_the_project_files_it_read);
    tcase_add_test(tc, files_report_in_one_run_what_each_reports_alone);
    tcase_add_test(tc, a_summary_holds_what_it_accounts);
    suite_add_tcase(s, tc);
    return harness_main(s);
}
