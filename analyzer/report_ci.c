/* The CI formats: GitHub Actions workflow commands, GitLab Code Quality, JUnit XML. */
#include <jansson.h>
#include <stdlib.h>

#include "report_writers.h"
#include "rules.h"

/* Workflow-command escaping: data escapes % CR LF; properties also : and ,. */
static void gh_escape(FILE *out, const char *s, bool property) {
    for (; *s; s++) {
        if (*s == '%')
            fputs("%25", out);
        else if (*s == '\r')
            fputs("%0D", out);
        else if (*s == '\n')
            fputs("%0A", out);
        else if (property && *s == ':')
            fputs("%3A", out);
        else if (property && *s == ',')
            fputs("%2C", out);
        else
            fputc(*s, out);
    }
}

/* `::error title=logitlint (LL101),file=F
 * (repository-relative),line=L,col=C,endLine=L2,endColumn=C2::message`. GitHub rejects
 * col/endColumn on an annotation spanning several lines: they are left out. */
int report_github(FILE *out, const DiagList *diags, const ReportOptions *opts) {
    for (size_t i = 0; i < diags->len; i++) {
        const Diagnostic *d = &diags->items[i];
        char *title = util_xasprintf("logitlint (%s)", d->rule->code);
        fputs("::error title=", out);
        gh_escape(out, title, true);
        fputs(",file=", out);
        char *rel = report_relative_path(d->filename, opts->root);
        gh_escape(out, rel, true);
        free(rel);
        int row, end_row;
        bool cols = report_file_lines(d, &row, &end_row) && d->end_row == d->row;
        fprintf(out, ",line=%d", row);
        if (cols) fprintf(out, ",col=%d", d->col);
        fprintf(out, ",endLine=%d", end_row);
        if (cols) fprintf(out, ",endColumn=%d", d->end_col > d->col ? d->end_col : d->col + 1);
        fputs("::", out);
        char *cex = report_counterexample_text(d);
        char *cell =
            d->cell ? util_xasprintf("cell %d:%d:%d: ", d->cell, d->row, d->col) : util_xstrdup("");
        char *msg = util_xasprintf("%s%s %s%s%s%s%s", cell, d->rule->code, d->message,
                                   d->help ? "\nhelp: " : "", d->help ? d->help : "",
                                   *cex ? "\n\n" : "", cex);
        gh_escape(out, msg, false);
        fputc('\n', out);
        free(title);
        free(cex);
        free(cell);
        free(msg);
    }
    return ferror(out) ? -1 : 0;
}

/* GitLab Code Quality (a subset of Code Climate's format): an array of issues with a
 * description, check_name, fingerprint, severity and location.path/lines.begin. */
int report_gitlab(FILE *out, const DiagList *diags, const ReportOptions *opts) {
    json_t *arr = json_array();
    for (size_t i = 0; i < diags->len; i++) {
        const Diagnostic *d = &diags->items[i];
        char *rel = report_relative_path(d->filename, opts->root);
        char *fp = report_fingerprint(diags, i, rel);
        char *desc = d->cell ? util_xasprintf("%s: cell %d:%d:%d: %s", d->rule->code, d->cell,
                                              d->row, d->col, d->message)
                             : util_xasprintf("%s: %s", d->rule->code, d->message);
        int row, end_row;
        report_file_lines(d, &row, &end_row);
        json_t *issue =
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s], s:{s:s, s:{s:i, s:i}}}", "type", "issue",
                      "description", desc, "check_name", d->rule->code, "fingerprint", fp,
                      "severity", diag_is_problem(d) ? "critical" : "major", "categories",
                      "Bug Risk", "location", "path", rel, "lines", "begin", row, "end", end_row);
        if (d->cell) json_object_set_new(issue, "cell", json_integer(d->cell));
        json_array_append_new(arr, issue);
        free(rel);
        free(fp);
        free(desc);
    }
    int rc = json_dumpf(arr, out, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    json_decref(arr);
    fputc('\n', out);
    return rc != 0 || ferror(out) ? -1 : 0;
}

static void xml_escape(FILE *out, const char *s) {
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '&')
            fputs("&amp;", out);
        else if (c == '<')
            fputs("&lt;", out);
        else if (c == '>')
            fputs("&gt;", out);
        else if (c == '"')
            fputs("&quot;", out);
        else if (c == '\n')
            fputs("&#10;", out);
        else if (c < 0x20 && c != '\t')
            fputc(' ', out); /* not allowed in XML 1.0 */
        else
            fputc(c, out);
    }
}

/* JUnit XML as ruff writes it: a testsuite per file, a failing testcase per finding; a clean
 * run is one passing testcase. */
int report_junit(FILE *out, const DiagList *diags, const ReportOptions *opts) {
    (void)opts;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    size_t problems = diag_count_problems(diags);
    fprintf(out, "<testsuites name=\"logitlint\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n",
            diags->len ? diags->len : 1, diags->len - problems, problems);
    if (!diags->len) {
        fputs("  <testsuite name=\"logitlint\" tests=\"1\" failures=\"0\" errors=\"0\">\n"
              "    <testcase name=\"No errors found\" classname=\"logitlint\"/>\n"
              "  </testsuite>\n",
              out);
    }
    for (size_t i = 0; i < diags->len;) {
        size_t j = i;
        while (j < diags->len && !strcmp(diags->items[j].filename, diags->items[i].filename))
            j++;
        size_t suite_problems = 0;
        for (size_t k = i; k < j; k++)
            suite_problems += diag_is_problem(&diags->items[k]);
        fputs("  <testsuite name=\"", out);
        xml_escape(out, diags->items[i].filename);
        fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n", j - i,
                j - i - suite_problems, suite_problems);
        for (; i < j; i++) {
            const Diagnostic *d = &diags->items[i];
            fprintf(out, "    <testcase name=\"org.logitlint.%s\" classname=\"", d->rule->code);
            xml_escape(out, d->filename);
            fprintf(out, "\" file=\"");
            xml_escape(out, d->filename);
            /* A file that could not be analysed is an error of the run, not a failed check. */
            const char *element = diag_is_problem(d) ? "error" : "failure";
            int row, end_row;
            bool cols = report_file_lines(d, &row, &end_row);
            fprintf(out, "\" line=\"%d\" column=\"%d\">\n      <%s message=\"", row,
                    cols ? d->col : 1, element);
            xml_escape(out, d->message);
            fputs("\">", out);
            char *where =
                d->cell ? util_xasprintf("cell %d, line %d, col %d, ", d->cell, d->row, d->col)
                        : util_xasprintf("line %d, col %d, ", d->row, d->col);
            xml_escape(out, where);
            xml_escape(out, d->message);
            free(where);
            fprintf(out, "</%s>\n    </testcase>\n", element);
        }
        fputs("  </testsuite>\n", out);
    }
    fputs("</testsuites>\n", out);
    return ferror(out) ? -1 : 0;
}
