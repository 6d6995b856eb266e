/* `logitlint check`: options, file discovery, linting, verification, reporting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "discover.h"
#include "lint.h"
#include "report.h"
#include "run.h"
#include "verify.h"

static const char CHECK_USAGE[] =
    "Usage: logitlint check [OPTIONS] [PATH ...]\n"
    "\n"
    "Analyse Python files. Directories are searched recursively for *.py files (hidden\n"
    "directories, __pycache__, node_modules and virtualenvs are skipped); files named\n"
    "explicitly are always analysed; `-` reads standard input.\n"
    "\n"
    "Options:\n"
    "  --output-format FORMAT  full (default), concise or json\n"
    "  --select CODES          Only these rules (comma-separated codes or prefixes: LL101, LL1)\n"
    "  --ignore CODES          Not these rules\n"
    "  --no-verify             Do not compute counterexamples\n"
    "  --explain               Print the reviewer's explanation under each finding\n"
    "  --exit-zero             Exit 0 even when there are findings\n"
    "  --stdin-filename NAME   The name to report for standard input\n"
    "  -h, --help              Print this help\n"
    "\n"
    "Exit status: 0 no findings, 1 findings, 2 usage error or a path that could not be read.\n";

typedef struct CheckOptions {
    ReportOptions report;
    bool enabled[64];
    bool no_verify, exit_zero;
    const char *stdin_filename;
    PathList paths;
} CheckOptions;

/* Applies a comma-separated selector list; false (with a message) on an unknown selector. */
static bool apply_selectors(const char *list, bool *enabled, bool value, bool reset) {
    if (reset)
        for (size_t i = 0; i < rules_count; i++) enabled[i] = false;
    char *copy = util_xstrdup(list);
    bool ok = true;
    for (char *tok = strtok(copy, ", "); tok; tok = strtok(NULL, ", ")) {
        bool matched = false;
        for (size_t i = 0; i < rules_count; i++)
            if (rules_match(rules_registry[i], tok)) enabled[i] = value, matched = true;
        if (!matched) {
            fprintf(stderr, "logitlint: unknown rule selector '%s' (see `logitlint rule --all`)\n", tok);
            ok = false;
        }
    }
    free(copy);
    return ok;
}

/* --name value or --name=value */
static const char *option_value(int argc, char **argv, int *i, const char *name) {
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0) return NULL;
    if (argv[*i][n] == '=') return argv[*i] + n + 1;
    if (argv[*i][n] != '\0') return NULL;
    if (*i + 1 >= argc) {
        fprintf(stderr, "logitlint: option %s needs a value\n", name);
        return "";
    }
    return argv[++*i];
}

static int parse_options(int argc, char **argv, CheckOptions *o) {
    memset(o, 0, sizeof *o);
    for (size_t i = 0; i < rules_count; i++) o->enabled[i] = true;
    const char *env_color = getenv("NO_COLOR");
    o->report.color = isatty(STDOUT_FILENO) && !(env_color && *env_color);
    bool only_paths = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (only_paths || a[0] != '-' || !strcmp(a, "-")) {
            array_push(&o->paths, util_xstrdup(a));
        } else if (!strcmp(a, "--")) {
            only_paths = true;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(CHECK_USAGE, stdout);
            return -1;
        } else if ((v = option_value(argc, argv, &i, "--output-format"))) {
            if (!report_parse_format(v, &o->report.format)) {
                fprintf(stderr, "logitlint: unknown output format '%s' (full, concise, json)\n", v);
                return 2;
            }
        } else if ((v = option_value(argc, argv, &i, "--select"))) {
            if (!*v || !apply_selectors(v, o->enabled, true, true)) return 2;
        } else if ((v = option_value(argc, argv, &i, "--ignore"))) {
            if (!*v || !apply_selectors(v, o->enabled, false, false)) return 2;
        } else if ((v = option_value(argc, argv, &i, "--stdin-filename"))) {
            if (!*v) return 2;
            o->stdin_filename = v;
        } else if (!strcmp(a, "--no-verify")) {
            o->no_verify = true;
        } else if (!strcmp(a, "--explain")) {
            o->report.explain = true;
        } else if (!strcmp(a, "--exit-zero")) {
            o->exit_zero = true;
        } else {
            fprintf(stderr, "logitlint: unknown option '%s' (see `logitlint check --help`)\n", a);
            return 2;
        }
    }
    if (o->paths.len == 0) array_push(&o->paths, util_xstrdup("."));
    return 0;
}

/* One counterexample per recipe per run, shared by the findings that name it. */
typedef struct CexCache {
    const char *recipe;
    VerifyResult *result;
} CexCache;
typedef Array(CexCache) CexCacheList;

static void attach_counterexamples(DiagList *diags, CexCacheList *cache) {
    for (size_t i = 0; i < diags->len; i++) {
        Diagnostic *d = &diags->items[i];
        if (!d->recipe) continue;
        CexCache *hit = NULL;
        for (size_t k = 0; k < cache->len; k++)
            if (!strcmp(cache->items[k].recipe, d->recipe)) hit = &cache->items[k];
        if (!hit) {
            const VerifyRecipe *r = verify_recipe_find(d->recipe);
            array_push(cache, ((CexCache){d->recipe, r ? verify_counterexample(r) : NULL}));
            hit = &cache->items[cache->len - 1];
        }
        d->cex = hit->result;
    }
}

int cli_check(int argc, char **argv) {
    CheckOptions o;
    int rc = parse_options(argc, argv, &o);
    if (rc != 0) {
        discover_free(&o.paths);
        return rc < 0 ? 0 : rc;
    }
    bool failed = false;
    PathList files = {0};
    for (size_t i = 0; i < o.paths.len; i++) {
        if (!strcmp(o.paths.items[i], "-")) array_push(&files, util_xstrdup("-"));
        else if (discover_paths(o.paths.items[i], &files, stderr) > 0) failed = true;
    }
    DiagList diags = {0};
    RunOptions run = {.enabled = o.enabled, .stdin_filename = o.stdin_filename};
    if (run_files(&files, &run, &diags) > 0) failed = true;
    diag_sort(&diags);
    CexCacheList cache = {0};
    if (!o.no_verify) attach_counterexamples(&diags, &cache);
    int wrc = report_write(stdout, &diags, &o.report);
    rc = failed || wrc != 0 ? 2 : (diags.len && !o.exit_zero ? 1 : 0);
    for (size_t k = 0; k < cache.len; k++)
        if (cache.items[k].result) verify_result_free(cache.items[k].result);
    array_free(&cache);
    diag_list_free(&diags);
    discover_free(&files);
    discover_free(&o.paths);
    return rc;
}
