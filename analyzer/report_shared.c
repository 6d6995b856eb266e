#define _DEFAULT_SOURCE /* realpath, open_memstream */
#include "report_shared.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

char *report_relative_path(const char *path, const char *root) {
    if (!strcmp(path, "-")) return util_xstrdup(path);
    char *abs = NULL;
    if (path[0] == '/')
        abs = util_xstrdup(path);
    else {
        char *cwd = realpath(".", NULL);
        abs = cwd ? util_xasprintf("%s/%s", cwd, path) : util_xstrdup(path);
        free(cwd);
    }
    /* Lexically normalise "./" and "x/../" so the path compares with root. */
    char *norm = util_xmalloc(strlen(abs) + 2);
    size_t n = 0;
    for (const char *p = abs; *p;) {
        while (*p == '/')
            p++;
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == 0) break;
        if (len == 1 && p[0] == '.') {
        } else if (len == 2 && p[0] == '.' && p[1] == '.') {
            while (n > 0 && norm[n - 1] != '/')
                n--;
            if (n > 0) n--;
        } else {
            norm[n++] = '/';
            memcpy(norm + n, p, len);
            n += len;
        }
        p += len;
    }
    norm[n] = '\0';
    free(abs);
    size_t rl = root ? strlen(root) : 0;
    if (rl && !strncmp(norm, root, rl) && norm[rl] == '/') {
        char *rel = util_xstrdup(norm + rl + 1);
        free(norm);
        return rel;
    }
    if (rl == 1 && root[0] == '/') {
        char *rel = util_xstrdup(norm + 1);
        free(norm);
        return rel;
    }
    free(norm);
    return util_xstrdup(path);
}

char *report_counterexample_text(const Diagnostic *d) {
    if (!d->cex) return d->no_cex ? util_xasprintf("no counterexample: %s", d->no_cex) : util_xstrdup("");
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m) return util_xstrdup("");
    verify_print_compact(m, d->cex, "", false);
    fclose(m);
    while (len && buf[len - 1] == '\n')
        buf[--len] = '\0';
    return buf;
}

static uint64_t fnv1a(uint64_t h, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static uint64_t line_key(const Diagnostic *d, const char *path) {
    uint64_t h = 1469598103934665603ull;
    h = fnv1a(h, d->rule->code, strlen(d->rule->code) + 1);
    h = fnv1a(h, path, strlen(path) + 1);
    const char *line = d->nframe ? d->frame_lines[0] : "";
    for (const char *p = line; *p; p++) /* whitespace-insensitive */
        if (*p != ' ' && *p != '\t' && *p != '\r') h = fnv1a(h, p, 1);
    return h;
}

char *report_fingerprint(const DiagList *diags, size_t index, const char *path) {
    const Diagnostic *d = &diags->items[index];
    uint64_t key = line_key(d, path);
    int ordinal = 0;
    for (size_t i = 0; i < index; i++)
        if (!strcmp(diags->items[i].filename, d->filename) &&
            line_key(&diags->items[i], path) == key)
            ordinal++;
    return util_xasprintf("%016llx:%d", (unsigned long long)key, ordinal + 1);
}

/* --show-fixes, as ruff: per file, how many findings of each code were fixed. */
static void report_fixes(FILE *out, const DiagList *fixed) {
    fprintf(out, "Fixed %zu error%s:\n", fixed->len, fixed->len == 1 ? "" : "s");
    for (size_t i = 0; i < fixed->len; i++) {
        const Diagnostic *d = &fixed->items[i];
        if (!i || strcmp(fixed->items[i - 1].filename, d->filename))
            fprintf(out, "- %s:\n", d->filename);
        bool counted = false;
        size_t n = 0;
        for (size_t k = 0; k < fixed->len; k++)
            if (!strcmp(fixed->items[k].filename, d->filename) && fixed->items[k].rule == d->rule) {
                counted |= k < i;
                n++;
            }
        if (!counted) fprintf(out, "    %zu \u00d7 %s (%s)\n", n, d->code, d->rule->name);
    }
    fputs("\n", out);
}

bool report_fix_applicable(const Diagnostic *d, const ReportOptions *opts) {
    if (opts->stdin_name && !strcmp(d->filename, opts->stdin_name)) return false;
    return d->fix && (d->fix->applicability == FIX_SAFE || opts->unsafe_fixes == 1);
}

/* ruff's line on what --fix would do: `[*] N fixable with the `--fix` option`, and without
 * --unsafe-fixes / --no-unsafe-fixes the unsafe fixes it leaves, as a hint. */
static void report_fixables(FILE *out, const DiagList *diags, const ReportOptions *opts) {
    size_t applicable = 0, hidden = 0;
    for (size_t i = 0; i < diags->len; i++) {
        const Diagnostic *d = &diags->items[i];
        bool from_stdin = opts->stdin_name && !strcmp(d->filename, opts->stdin_name);
        if (report_fix_applicable(d, opts))
            applicable++;
        else if (d->fix && !from_stdin && opts->unsafe_fixes < 0)
            hidden++;
    }
    const char *es = hidden == 1 ? "" : "es";
    if (applicable && hidden)
        fprintf(out,
                "[*] %zu fixable with the `--fix` option (%zu hidden fix%s can be enabled with the "
                "`--unsafe-fixes` option).\n",
                applicable, hidden, es);
    else if (applicable)
        fprintf(out, "[*] %zu fixable with the `--fix` option.\n", applicable);
    else if (hidden)
        fprintf(out,
                "No fixes available (%zu hidden fix%s can be enabled with the `--unsafe-fixes` "
                "option).\n",
                hidden, es);
}

/* Never "All checks passed!" when a file could not be analysed or none was found. */
void report_summary(FILE *out, const DiagList *diags, const ReportOptions *opts) {
    if (opts->quiet) return;
    size_t problems = diag_count_problems(diags), fixed = opts->fixed ? opts->fixed->len : 0;
    if (fixed && opts->show_fixes) report_fixes(out, opts->fixed);
    size_t total = diags->len + fixed;
    if (opts->fixed && total)
        fprintf(out, "Found %zu error%s (%zu fixed, %zu remaining).\n", total,
                total == 1 ? "" : "s", fixed, diags->len);
    else if (diags->len)
        fprintf(out, "Found %zu error%s.\n", diags->len, diags->len == 1 ? "" : "s");
    report_fixables(out, diags, opts);
    if (problems)
        fprintf(out, "%zu file%s could not be analysed.\n", problems, problems == 1 ? "" : "s");
    if (total || opts->format == REPORT_CONCISE) return;
    fputs(opts->no_files ? "No Python files found.\n" : "All checks passed!\n", out);
}

bool report_file_lines(const Diagnostic *d, int *row, int *end_row) {
    bool notebook = d->cell && d->file_row;
    *row = notebook ? d->file_row : d->row;
    *end_row = notebook ? d->file_end_row : d->end_row;
    return !notebook;
}
