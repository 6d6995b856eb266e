/* The prefilter: its scanner, and its soundness. For every fixture and sample, and for a variant
 * of each with comments blanked and every local name that contains a literal renamed (so that
 * only API names and data flow remain), the findings with the prefilter equal those without.
 * The CLI must agree too: `--no-prefilter` and any `--threads` give the same output. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discover.h"
#include "harness.h"
#include "lint.h"
#include "parse.h"
#include "prefilter.h"
#include "rules.h"

/* ---------- the scanner ---------- */

static size_t scan(const char *const *const *lists, size_t n, const char *text, bool *may) {
    bool enabled[8] = {true, true, true, true, true, true, true, true};
    Prefilter *pf = prefilter_compile(lists, enabled, n);
    size_t k = prefilter_scan(pf, text, strlen(text), may);
    prefilter_free(pf);
    return k;
}

START_TEST(scanner_finds_overlapping_and_folded_literals) {
    static const char *const a[] = {"sum", "+=", NULL};
    static const char *const b[] = {"ossum", NULL};
    static const char *const c[] = {"log_softmax", NULL};
    const char *const *lists[] = {a, b, c};
    bool may[3];
    /* "ossum" is found through a failure link while "sum" ends at the same byte. */
    ck_assert_uint_eq(scan(lists, 3, "x = lossum(y)", may), 2);
    ck_assert(may[0] && may[1] && !may[2]);
    ck_assert_uint_eq(scan(lists, 3, "F.LOG_SOFTMAX(x)", may), 1);
    ck_assert(!may[0] && !may[1] && may[2]);
    ck_assert_uint_eq(scan(lists, 3, "total +=", may), 1); /* at the very end */
    ck_assert(may[0]);
    ck_assert_uint_eq(scan(lists, 3, "total + = 1; su m", may), 0);
    ck_assert_uint_eq(scan(lists, 3, "", may), 0);
}
END_TEST

START_TEST(scanner_groups_are_a_conjunction) {
    static const char *const a[] = {"log", "", "softmax", "exp", NULL};
    static const char *const none[] = {NULL};
    static const char *const empty_groups[] = {"", "", NULL};
    const char *const *lists[] = {a, NULL, none, empty_groups};
    bool may[4];
    /* A NULL list or one without literals never skips; both groups of the first are needed. */
    ck_assert_uint_eq(scan(lists, 4, "logger.info(x)", may), 3);
    ck_assert(!may[0] && may[1] && may[2] && may[3]);
    ck_assert_uint_eq(scan(lists, 4, "p = exp(x); log(p)", may), 4);
    ck_assert(may[0]);
    bool enabled[4] = {true, false, true, true};
    Prefilter *pf = prefilter_compile(lists, enabled, 4);
    ck_assert_uint_eq(prefilter_scan(pf, "x", 1, may), 2);
    ck_assert(!may[0] && !may[1]); /* a disabled list never may */
    prefilter_free(pf);
}
END_TEST

/* A rule whose literals could overflow the automaton is inserted into a copy of it: one that then
 * fits is filtered as any other, one that does not is never skipped, and the rules around it
 * (the automaton restored) are filtered as without it. */
START_TEST(a_rule_that_may_not_fit_is_tried_on_a_copy) {
    enum { REPEATS = 700, WIDE = 300, LEN = 250 };
    static char repeated[101], wide[WIDE][LEN + 1];
    memset(repeated, 'r', 100); /* 700 times: 70,000 bytes, 100 states */
    const char *many[REPEATS + 1];
    for (int i = 0; i < REPEATS; i++)
        many[i] = repeated;
    many[REPEATS] = NULL;
    const char *distinct[WIDE + 1]; /* 300 literals of 250 bytes, no prefix shared after 2 */
    for (int i = 0; i < WIDE; i++) {
        memset(wide[i], 'a' + i % 26, LEN);
        wide[i][0] = (char)('a' + i / 26), wide[i][1] = (char)('a' + i % 26);
        distinct[i] = wide[i];
    }
    distinct[WIDE] = NULL;
    static const char *const alpha[] = {"alpha", NULL}, *const gamma[] = {"gamma", NULL};
    const char *const *lists[] = {alpha, many, distinct, gamma};
    bool may[4];
    ck_assert_uint_eq(scan(lists, 4, "alpha gamma", may), 3);
    ck_assert(may[0] && !may[1] && may[2] && may[3]); /* the third never skipped */
    ck_assert_uint_eq(scan(lists, 4, "gamma", may), 2);
    ck_assert(!may[0] && !may[1] && may[2] && may[3]);
    char text[120];
    snprintf(text, sizeof text, "x%sx", repeated);
    ck_assert_uint_eq(scan(lists, 4, text, may), 2);
    ck_assert(!may[0] && may[1] && may[2] && !may[3]);
    ck_assert_uint_eq(scan(lists, 4, wide[7], may), 1); /* its literal: no other rule's */
    ck_assert(may[2]);
}
END_TEST

/* ---------- soundness ---------- */

static bool contains_literal(const char *s, size_t len) {
    for (size_t r = 0; r < rules_count; r++) {
        const char *const *lits = rules_registry[r]->literals;
        for (; lits && *lits; lits++) {
            size_t n = strlen(*lits);
            for (size_t i = 0; n && i + n <= len; i++)
                if (!strncasecmp(s + i, *lits, n)) return true;
        }
    }
    return false;
}

typedef struct Edit {
    uint32_t start, end;
    char *text;
} Edit;
typedef Array(Edit) EditList;
typedef Array(char *) NameList;

static bool is_builtin(const char *s, size_t len) {
    static const char *const names[] = {"sum",  "len",   "range",  "enumerate", "zip",
                                        "max",  "min",   "sorted", "abs",       "map",
                                        "list", "tuple", "float",  NULL};
    for (const char *const *b = names; *b; b++)
        if (strlen(*b) == len && !memcmp(*b, s, len)) return true;
    return false;
}

/* Names local to the file (not attributes, keyword names, imported paths or builtins) that
 * contain a literal get a fresh name, the same one at every use; comments are blanked. */
static void collect_edits(const Source *src, TSNode n, const char *parent, const char *field,
                          bool in_import, EditList *edits, NameList *names) {
    const char *type = ts_node_type(n);
    uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
    if (!strcmp(type, "comment")) {
        array_push(edits, ((Edit){a, b, util_xstrdup("#")}));
        return;
    }
    if (!strcmp(type, "identifier")) {
        const char *s = src->text + a;
        bool api = in_import ||
                   (field && !strcmp(parent, "attribute") && !strcmp(field, "attribute")) ||
                   (field && !strcmp(parent, "keyword_argument") && !strcmp(field, "name"));
        if (api || is_builtin(s, b - a) || !contains_literal(s, b - a)) return;
        size_t k = 0;
        while (k < names->len &&
               (strlen(names->items[k]) != b - a || memcmp(names->items[k], s, b - a)))
            k++;
        if (k == names->len) array_push(names, util_xstrndup(s, b - a));
        char *fresh = util_xasprintf("v%zu", k);
        ck_assert(!contains_literal(fresh, strlen(fresh)));
        array_push(edits, ((Edit){a, b, fresh}));
        return;
    }
    bool import = in_import || !strcmp(type, "dotted_name"); /* module paths, imported names */
    uint32_t count = ts_node_child_count(n);
    for (uint32_t i = 0; i < count; i++)
        collect_edits(src, ts_node_child(n, i), type, ts_node_field_name_for_child(n, i), import,
                      edits, names);
}

static char *denamed_variant(const Source *src) {
    Parsed p;
    ck_assert(parse_python(&p, src) == PARSE_OK);
    EditList edits = {0};
    NameList names = {0};
    collect_edits(src, p.root, "", NULL, false, &edits, &names);
    size_t cap = src->len + 16 * edits.len + 1, len = 0, at = 0;
    char *out = util_xmalloc(cap);
    for (size_t i = 0; i < edits.len; i++) { /* document order, never overlapping */
        Edit *e = &edits.items[i];
        memcpy(out + len, src->text + at, e->start - at);
        len += e->start - at;
        size_t tl = strlen(e->text);
        memcpy(out + len, e->text, tl);
        len += tl;
        at = e->end;
        free(e->text);
    }
    memcpy(out + len, src->text + at, src->len - at);
    len += src->len - at;
    out[len] = '\0';
    for (size_t i = 0; i < names.len; i++)
        free(names.items[i]);
    array_free(&names);
    array_free(&edits);
    parse_free(&p);
    return out;
}

static char *describe(const DiagList *d) {
    char *s = util_xstrdup("");
    for (size_t i = 0; i < d->len; i++) {
        const Diagnostic *x = &d->items[i];
        char *next =
            util_xasprintf("%s\n    %d:%d %s %s", s, x->row, x->col, x->rule->code, x->message);
        free(s);
        s = next;
    }
    return s;
}

/* Lints `src` with every rule, once with the prefilter as run.c applies it and once without;
 * returns a description of the difference ("" when none) and counts the findings. */
static char *compare(Source *src, const Prefilter *pf, const bool *all, size_t *nfound,
                     size_t *nskipped) {
    DiagList full = {0}, filtered = {0};
    LintResult r;
    lint_source(src, all, &full, &r);
    bool may[64];
    if (prefilter_scan(pf, src->text, src->len, may) > 0)
        lint_source(src, may, &filtered, &r);
    else
        (*nskipped)++;
    diag_sort(&full);
    diag_sort(&filtered);
    char *a = describe(&full), *b = describe(&filtered);
    *nfound += full.len;
    char *diff = strcmp(a, b) ? util_xasprintf("\n  %s: without the prefilter:%s\n  with it:%s",
                                               src->path, a, b)
                              : util_xstrdup("");
    free(a);
    free(b);
    diag_list_free(&full);
    diag_list_free(&filtered);
    return diff;
}

START_TEST(prefilter_never_changes_findings) {
    PathList files = {0};
    ck_assert_int_eq(discover_paths(FIXTURES_DIR, &files, stderr), 0);
    ck_assert_int_eq(discover_paths(SAMPLES_DIR, &files, stderr), 0);
    ck_assert_msg(files.len >= 16, "expected fixtures and samples, found %zu files", files.len);
    bool all[64] = {0};
    for (size_t i = 0; i < rules_count; i++)
        all[i] = true;
    Prefilter *pf = prefilter_new(all);
    char *report = util_xstrdup("");
    size_t found = 0, found_variants = 0, skipped = 0, problems = 0;
    for (size_t i = 0; i < files.len; i++) {
        Source src;
        char err[512];
        ck_assert_msg(source_load_file(&src, files.items[i], err, sizeof err) == SOURCE_OK, "%s",
                      err);
        char *d1 = compare(&src, pf, all, &found, &skipped);
        char *variant = denamed_variant(&src);
        char *vpath = util_xasprintf("%s (names renamed, comments blanked)", files.items[i]);
        Source vsrc;
        source_from_buffer(&vsrc, vpath, variant, strlen(variant));
        char *d2 = compare(&vsrc, pf, all, &found_variants, &skipped);
        problems += (*d1 != 0) + (*d2 != 0);
        char *next = util_xasprintf("%s%s%s", report, d1, d2);
        free(report);
        report = next;
        free(d1);
        free(d2);
        free(vpath);
        source_free(&vsrc);
        source_free(&src);
    }
    ck_assert_msg(problems == 0,
                  "the prefilter changed the findings of %zu file(s); a rule's "
                  "literals (rules.h) miss a way it can fire:%s",
                  problems, report);
    /* The test has teeth only if the renamed variants still produce findings. */
    ck_assert_msg(found > 0 && found_variants > 0, "no findings (%zu, %zu): nothing was compared",
                  found, found_variants);
    free(report);
    prefilter_free(pf);
    discover_free(&files);
}
END_TEST

/* ---------- the CLI ---------- */

static CliRun check(const char *extra1, const char *extra2) {
    const char *argv[] = {"check", "--no-verify", "--exit-zero", "--output-format",
                          "json",  FIXTURES_DIR,  SAMPLES_DIR,   extra1,
                          extra2,  NULL};
    return harness_run(argv, NULL, NULL);
}

START_TEST(cli_output_is_the_same_with_or_without_prefilter_and_threads) {
    CliRun base = check("--threads", "1");
    ck_assert_int_eq(base.status, 0);
    ck_assert_msg(strstr(base.out, "\"code\"") != NULL, "expected findings: %s", base.err);
    const char *variants[][2] = {{"--threads", "2"},
                                 {"--threads", "7"},
                                 {"--no-prefilter", "--threads=1"},
                                 {"--no-prefilter", NULL}};
    for (size_t i = 0; i < sizeof variants / sizeof *variants; i++) {
        CliRun r = check(variants[i][0], variants[i][1]);
        ck_assert_int_eq(r.status, 0);
        ck_assert_msg(!strcmp(r.out, base.out), "%s %s: stdout differs from --threads 1",
                      variants[i][0], variants[i][1] ? variants[i][1] : "");
        /* Warnings too come in file order; a skipped file is not parsed, so it cannot warn of a
         * syntax error: compare them only with the prefilter on. */
        if (i < 2)
            ck_assert_msg(!strcmp(r.err, base.err),
                          "%s %s: stderr differs from --threads 1:\n%s\n--\n%s", variants[i][0],
                          variants[i][1], r.err, base.err);
        harness_run_free(&r);
    }
    harness_run_free(&base);
}
END_TEST

START_TEST(cli_rejects_a_bad_thread_count) {
    const char *bad[] = {"0", "x", "3x", "-2", "100000"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *argv[] = {"check", "--threads", bad[i], SAMPLES_DIR, NULL};
        CliRun r = harness_run(argv, NULL, NULL);
        ck_assert_int_eq(r.status, 2);
        ck_assert_msg(strstr(r.err, "--threads") != NULL, "%s", r.err);
        ck_assert_str_eq(r.out, "");
        harness_run_free(&r);
    }
}
END_TEST

int main(void) {
    Suite *s = suite_create("prefilter");
    TCase *tc = tcase_create("prefilter");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, scanner_finds_overlapping_and_folded_literals);
    tcase_add_test(tc, scanner_groups_are_a_conjunction);
    tcase_add_test(tc, a_rule_that_may_not_fit_is_tried_on_a_copy);
    tcase_add_test(tc, prefilter_never_changes_findings);
    tcase_add_test(tc, cli_output_is_the_same_with_or_without_prefilter_and_threads);
    tcase_add_test(tc, cli_rejects_a_bad_thread_count);
    suite_add_tcase(s, tc);
    return harness_main(s);
}
