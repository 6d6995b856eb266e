/* The SARIF 2.1.0 format, shaped for GitHub code scanning: every rule in tool.driver.rules,
 * repository-relative URIs under %SRCROOT%, code-point columns, partial fingerprints, and the
 * counterexample both in the message (people) and in properties (tools). */
#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>

#include "problem.h"
#include "report_writers.h"
#include "rules.h"

/* Empty unless the build names a published homepage: then rules and the tool link to it. */
#ifndef LOGITLINT_HOMEPAGE
#define LOGITLINT_HOMEPAGE ""
#endif

static json_t *text(const char *s) {
    return json_pack("{s:s}", "text", s);
}

/* RFC 3986: keep unreserved characters and '/', percent-encode the rest. */
static char *uri_encode(const char *path) {
    char *out = util_xmalloc(strlen(path) * 3 + 1), *o = out;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (isalnum(*p) || strchr("-._~/", *p))
            *o++ = (char)*p;
        else
            o += sprintf(o, "%%%02X", *p);
    }
    *o = '\0';
    return out;
}

static json_t *rule_json(const Rule *r) {
    char *full = util_xasprintf("%s\n\n%s", r->what, r->why);
    char *help = util_xasprintf("%s\n\nWhy is this bad?\n%s\n\nExample:\n%s\nUse instead:\n%s",
                                r->what, r->why, r->example, r->instead);
    char *markdown = util_xasprintf("%s\n\n## Why is this bad?\n%s\n\n## Example\n```python\n%s```"
                                    "\n\n## Use instead\n```python\n%s```",
                                    r->what, r->why, r->example, r->instead);
    json_t *o =
        json_pack("{s:s, s:s, s:o, s:o, s:{s:s, s:s}, s:{s:s}, s:{s:[s], s:s}}", "id", r->code,
                  "name", r->name, "shortDescription", text(r->summary), "fullDescription",
                  text(full), "help", "text", help, "markdown", markdown, "defaultConfiguration",
                  "level", "error", "properties", "tags", "correctness", "precision", "high");
    if (*LOGITLINT_HOMEPAGE) {
        char *uri = util_xasprintf("%s/blob/main/README.md#rules", LOGITLINT_HOMEPAGE);
        json_object_set_new(o, "helpUri", json_string(uri));
        free(uri);
    }
    free(full);
    free(help);
    free(markdown);
    return o;
}

/* SARIF `fixes`: the edits as replacements in the file (not for a notebook, whose regions in
 * the .ipynb are not the cell's). */
static json_t *fixes_json(const Diagnostic *d, const char *uri) {
    json_t *replacements = json_array();
    for (size_t i = 0; i < d->fix->shown.len; i++) {
        const DiagEdit *e = &d->fix->shown.items[i];
        json_t *region = json_pack("{s:i, s:i, s:i, s:i}", "startLine", e->row, "startColumn",
                                   e->col, "endLine", e->end_row, "endColumn", e->end_col);
        json_array_append_new(replacements, json_pack("{s:o, s:{s:s}}", "deletedRegion", region,
                                                      "insertedContent", "text", e->content));
    }
    return json_pack("[{s:o, s:[{s:{s:s, s:s}, s:o}]}]", "description", text(d->fix->message),
                     "artifactChanges", "artifactLocation", "uri", uri, "uriBaseId", "%SRCROOT%",
                     "replacements", replacements);
}

static json_t *result_json(const DiagList *diags, size_t i, const ReportOptions *opts) {
    const Diagnostic *d = &diags->items[i];
    size_t index = 0; /* tool.driver.rules: the registry, then the problem code */
    while (index < rules_count && rules_registry[index] != d->rule)
        index++;
    char *rel = report_relative_path(d->filename, opts->root);
    char *uri = uri_encode(rel);
    char *cex = report_counterexample_text(d);
    char *where =
        d->cell ? util_xasprintf("cell %d:%d:%d: ", d->cell, d->row, d->col) : util_xstrdup("");
    char *msg = util_xasprintf("%s%s%s%s%s%s", where, d->message, d->help ? "\nhelp: " : "",
                               d->help ? d->help : "", *cex ? "\n\n" : "", cex);
    char *fp = report_fingerprint(diags, i, rel);
    /* endColumn is exclusive in both SARIF and our diagnostics; a region never ends before
     * it starts. */
    int end_col = d->end_row == d->row && d->end_col <= d->col ? d->col + 1 : d->end_col;
    int row, end_row;
    json_t *region;
    if (report_file_lines(d, &row, &end_row)) {
        region = json_pack("{s:i, s:i, s:i, s:i}", "startLine", row, "startColumn", d->col,
                           "endLine", end_row, "endColumn", end_col);
        if (d->nframe) json_object_set_new(region, "snippet", text(d->frame_lines[0]));
    } else { /* a notebook: the .ipynb lines, whole (see report_file_lines) */
        region = json_pack("{s:i, s:i}", "startLine", row, "endLine", end_row);
    }
    json_t *props = json_object();
    if (d->recipe) json_object_set_new(props, "recipe", json_string(d->recipe->name));
    if (d->cex) json_object_set_new(props, "counterexample", verify_result_to_json(d->cex));
    if (!d->cex && d->no_cex) json_object_set_new(props, "no_counterexample", text(d->no_cex));
    if (d->cell) json_object_set_new(props, "cell", json_integer(d->cell));
    json_t *r =
        json_pack("{s:s, s:i, s:s, s:o, s:[{s:{s:{s:s, s:s}, s:o}}], s:{s:s}}", "ruleId",
                  d->rule->code, "ruleIndex", (int)index, "level", "error", "message", text(msg),
                  "locations", "physicalLocation", "artifactLocation", "uri", uri, "uriBaseId",
                  "%SRCROOT%", "region", region, "partialFingerprints", "logitlint/v1", fp);
    if (d->fix && !d->cell) json_object_set_new(r, "fixes", fixes_json(d, uri));
    if (json_object_size(props))
        json_object_set_new(r, "properties", props);
    else
        json_decref(props);
    free(rel);
    free(uri);
    free(cex);
    free(where);
    free(msg);
    free(fp);
    return r;
}

int report_sarif(FILE *out, const DiagList *diags, const ReportOptions *opts) {
    json_t *rules = json_array();
    for (size_t i = 0; i < rules_count; i++)
        json_array_append_new(rules, rule_json(rules_registry[i]));
    json_array_append_new(rules, rule_json(&problem_rule));
    json_t *results = json_array();
    for (size_t i = 0; i < diags->len; i++)
        json_array_append_new(results, result_json(diags, i, opts));
    char *root = uri_encode(opts->root ? opts->root : "/");
    size_t rl = strlen(root);
    char *root_uri = util_xasprintf("file://%s%s", root, rl && root[rl - 1] == '/' ? "" : "/");
    json_t *driver =
        json_pack("{s:s, s:s, s:s, s:o}", "name", "logitlint", "version", LOGITLINT_VERSION,
                  "semanticVersion", LOGITLINT_VERSION, "rules", rules);
    if (driver && *LOGITLINT_HOMEPAGE)
        json_object_set_new(driver, "informationUri", json_string(LOGITLINT_HOMEPAGE));
    json_t *log = json_pack("{s:s, s:s, s:[{s:{s:o}, s:{s:{s:s}}, s:s, s:o}]}", "$schema",
                            "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0",
                            "runs", "tool", "driver", driver, "originalUriBaseIds", "%SRCROOT%",
                            "uri", root_uri, "columnKind", "unicodeCodePoints", "results", results);
    free(root);
    free(root_uri);
    int rc = log ? json_dumpf(log, out, JSON_INDENT(2) | JSON_ENSURE_ASCII) : -1;
    json_decref(log);
    fputc('\n', out);
    return rc != 0 || ferror(out) ? -1 : 0;
}
