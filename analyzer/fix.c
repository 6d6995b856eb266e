#include "fix.h"

#include <stdlib.h>

typedef Array(char) Text;

static void text_add(Text *t, const char *s, size_t n) {
    array_reserve(t, t->len + n + 1);
    memcpy(t->items + t->len, s, n);
    t->len += n;
    t->items[t->len] = '\0';
}

char *fix_edits_apply(const char *text, size_t len, const FixEditList *edits, size_t *out_len) {
    Text out = {0};
    size_t copied = 0;
    text_add(&out, "", 0);
    for (size_t i = 0; i < edits->len; i++) {
        const FixEdit *e = &edits->items[i];
        text_add(&out, text + copied, e->start - copied);
        text_add(&out, e->content, strlen(e->content));
        copied = e->end;
    }
    text_add(&out, text + copied, len - copied);
    *out_len = out.len;
    return out.items;
}

/* A position as reports show it: a notebook's row counted in its cell. */
static void shown_position(const Source *src, size_t byte, int *row, int *col) {
    source_position(src, byte, row, col);
    if (src->line_cell && *row >= 1 && (size_t)*row <= src->nlines)
        *row = src->line_cell_row[*row - 1];
}

static int by_start(const void *a, const void *b) {
    const FixEdit *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* "-" and "+" lines: the whole lines the edits touch, before and after. */
static char *line_diff(const Source *src, const FixEditList *edits) {
    int first, last, col;
    source_position(src, edits->items[0].start, &first, &col);
    source_position(src, edits->items[edits->len - 1].end, &last, &col);
    size_t from = src->line_starts[first - 1], to = from;
    while (to < src->len && (src->line_starts[last - 1] > to || src->text[to] != '\n'))
        to++;
    Text old = {0}, now = {0};
    text_add(&old, "", 0);
    text_add(&now, "", 0);
    size_t at = from;
    for (size_t i = 0; i < edits->len; i++) {
        text_add(&now, src->text + at, edits->items[i].start - at);
        text_add(&now, edits->items[i].content, strlen(edits->items[i].content));
        at = edits->items[i].end;
    }
    text_add(&now, src->text + at, to - at);
    text_add(&old, src->text + from, to - from);
    Text diff = {0};
    const char *marks = "-+";
    for (int k = 0; k < 2; k++) {
        const char *p = k ? now.items : old.items;
        for (;;) {
            const char *nl = strchr(p, '\n');
            size_t n = nl ? (size_t)(nl - p) : strlen(p);
            if (n && p[n - 1] == '\r') n--;
            text_add(&diff, &marks[k], 1);
            text_add(&diff, p, n);
            text_add(&diff, "\n", 1);
            if (!nl) break;
            p = nl + 1;
        }
    }
    array_free(&old);
    array_free(&now);
    return diff.items;
}

void fix_attach(RuleContext *ctx, TSNode finding, FixApplicability applicability,
                const char *message, const FixEdit *edits, size_t n) {
    int row, col;
    source_position(ctx->src, ts_node_start_byte(finding), &row, &col);
    Diagnostic *d = NULL;
    for (size_t i = 0; i < ctx->out->len; i++) {
        Diagnostic *o = &ctx->out->items[i];
        if (o->rule == ctx->rule && o->row == row && o->col == col) d = o;
    }
    if (!d || d->fix || !n) return;
    DiagFix *f = util_xcalloc(1, sizeof *f);
    f->applicability = applicability;
    f->message = util_xstrdup(message);
    for (size_t i = 0; i < n; i++)
        array_push(&f->edits,
                   ((FixEdit){edits[i].start, edits[i].end, util_xstrdup(edits[i].content)}));
    qsort(f->edits.items, f->edits.len, sizeof *f->edits.items, by_start);
    for (size_t i = 0; i < f->edits.len; i++) {
        DiagEdit e = {util_xstrdup(f->edits.items[i].content), 0, 0, 0, 0};
        shown_position(ctx->src, f->edits.items[i].start, &e.row, &e.col);
        shown_position(ctx->src, f->edits.items[i].end, &e.end_row, &e.end_col);
        array_push(&f->shown, e);
    }
    f->diff = line_diff(ctx->src, &f->edits);
    d->fix = f;
}

char *fix_node_text_with(const Source *src, TSNode n, size_t from, size_t to, const char *with) {
    size_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
    return util_xasprintf("%.*s%s%.*s", (int)(from - s), src->text + s, with, (int)(e - to),
                          src->text + to);
}

TSNode fix_callee_name(TSNode call) {
    if (!parse_is(call, "call")) return (TSNode){0};
    TSNode fn = parse_field(call, "function");
    if (parse_is(fn, "attribute")) return parse_field(fn, "attribute");
    return parse_is(fn, "identifier") ? fn : (TSNode){0};
}

TSNode fix_call_arg(const Source *src, TSNode call, uint32_t pos, const char *kw) {
    TSNode args = parse_field(call, "arguments");
    uint32_t n = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args), at = 0;
    for (uint32_t i = 0; i < n; i++) {
        TSNode a = parse_named_child(args, i);
        if (parse_is(a, "list_splat") || parse_is(a, "dictionary_splat")) return (TSNode){0};
        if (parse_is(a, "keyword_argument")) {
            if (kw && parse_text_eq(src, parse_field(a, "name"), kw))
                return parse_field(a, "value");
        } else if (!parse_is(a, "comment") && at++ == pos) {
            return a;
        }
    }
    return (TSNode){0};
}

/* Occurrences of identifier `name` under n; the last `name = value` statement's value. */
static int occurrences(const Source *src, TSNode n, TSNode name, TSNode *value) {
    if (parse_is(n, "identifier")) {
        size_t a, b;
        const char *x = parse_text(src, n, &a), *y = parse_text(src, name, &b);
        return a == b && !memcmp(x, y, a);
    }
    if (parse_is(n, "assignment")) {
        TSNode left = parse_field(n, "left");
        if (parse_is(left, "identifier") && occurrences(src, left, name, value))
            *value = parse_field(n, "right");
    }
    int count = 0;
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++)
        count += occurrences(src, parse_named_child(n, i), name, value);
    return count;
}

TSNode fix_single_assignment(const Source *src, TSNode use, int uses) {
    TSNode scope = use;
    while (!ts_node_is_null(parse_parent(scope)) && !parse_is(scope, "function_definition"))
        scope = parse_parent(scope);
    TSNode value = {0};
    if (occurrences(src, scope, use, &value) != uses + 1 || ts_node_is_null(value) ||
        ts_node_end_byte(value) > ts_node_start_byte(use))
        return (TSNode){0};
    return value;
}

/* The name an import binds: `import a.b` binds a, `import a as b` / `from m import a as b` b. */
static bool binds(const Source *src, TSNode item, TSNode name) {
    TSNode bound = parse_is(item, "aliased_import") ? parse_field(item, "alias") : item;
    size_t len;
    const char *text = parse_text(src, bound, &len);
    const char *dot = memchr(text, '.', len);
    size_t first = dot ? (size_t)(dot - text) : len;
    size_t nlen;
    const char *want = parse_text(src, name, &nlen);
    return first == nlen && !memcmp(text, want, nlen);
}

static bool imports_in(const Source *src, TSNode scope, TSNode name) {
    ParseKids k;
    parse_kids_begin(&k, scope);
    bool found = false;
    for (TSNode c; !found && parse_kids_next(&k, &c);) {
        if (parse_is(c, "import_statement") || parse_is(c, "import_from_statement")) {
            for (uint32_t i = 0; !found && i < ts_node_named_child_count(c); i++) {
                TSNode item = parse_named_child(c, i);
                if (parse_is(c, "import_from_statement") &&
                    ts_node_start_byte(item) == ts_node_start_byte(parse_field(c, "module_name")))
                    continue;
                found = binds(src, item, name);
            }
        } else if (!parse_is(c, "function_definition") && !parse_is(c, "class_definition") &&
                   ts_node_named_child_count(c) > 0 && !parse_is(c, "expression_statement")) {
            found = imports_in(src, c, name); /* under if / try / with blocks */
        }
    }
    parse_kids_end(&k);
    return found;
}

bool fix_names_import(const Source *src, TSNode n) {
    if (!parse_is(n, "identifier")) return false;
    TSNode root = n;
    while (!ts_node_is_null(parse_parent(root)))
        root = parse_parent(root);
    return imports_in(src, root, n);
}
