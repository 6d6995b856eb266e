/* --statistics: the number of findings per rule instead of the findings. */
#include <stdlib.h>

#include "report_writers.h"
#include "rules.h"

typedef struct CodeCount {
    const Rule *rule;
    size_t count;
} CodeCount;

/* Most frequent first; ties by code. */
static int by_count(const void *pa, const void *pb) {
    const CodeCount *a = pa, *b = pb;
    if (a->count != b->count) return a->count > b->count ? -1 : 1;
    return strcmp(a->rule->code, b->rule->code);
}

/* One line per code, most frequent first (JSON formats: an array). Files that could not be
 * analysed count under their own code (E902). */
int report_statistics(FILE *out, const DiagList *diags, const ReportOptions *opts) {
    Array(CodeCount) counts = {0};
    for (size_t i = 0; i < diags->len; i++) {
        size_t k = 0;
        while (k < counts.len && counts.items[k].rule != diags->items[i].rule)
            k++;
        if (k == counts.len) array_push(&counts, ((CodeCount){diags->items[i].rule, 0}));
        counts.items[k].count++;
    }
    if (counts.len > 1) qsort(counts.items, counts.len, sizeof *counts.items, by_count);
    bool json = opts->format == REPORT_JSON || opts->format == REPORT_JSON_LINES;
    if (json) fputs("[", out);
    for (size_t k = 0; k < counts.len; k++) {
        const Rule *rule = counts.items[k].rule;
        if (json)
            fprintf(out, "%s\n  {\"code\": \"%s\", \"name\": \"%s\", \"count\": %zu}", k ? "," : "",
                    rule->code, rule->name, counts.items[k].count);
        else
            fprintf(out, "%5zu\t%s\t%s\n", counts.items[k].count, rule->code, rule->name);
    }
    if (json)
        fputs(counts.len ? "\n]\n" : "]\n", out);
    else
        report_summary(out, diags, opts);
    array_free(&counts);
    return ferror(out) ? -1 : 0;
}
