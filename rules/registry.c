/* The rule registry: adding a rule is its file plus one line here. ORDER: by code. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "rules.h"

extern const Rule rule_LL001;
extern const Rule rule_LL101;
extern const Rule rule_LL102;
extern const Rule rule_LL103;
extern const Rule rule_LL104;
extern const Rule rule_LL105;
extern const Rule rule_LL106;
extern const Rule rule_LL107;
extern const Rule rule_LL108;
extern const Rule rule_LL109;
extern const Rule rule_LL110;
extern const Rule rule_LL111;
extern const Rule rule_LL112;

const Rule *const rules_registry[] = {
    &rule_LL001, &rule_LL101, &rule_LL102, &rule_LL103, &rule_LL104, &rule_LL105, &rule_LL106,
    &rule_LL107, &rule_LL108, &rule_LL109, &rule_LL110, &rule_LL111, &rule_LL112,
};
const size_t rules_count = sizeof rules_registry / sizeof *rules_registry;

const Rule *rules_find(const char *code) {
    for (size_t i = 0; i < rules_count; i++)
        if (!strcmp(rules_registry[i]->code, code)) return rules_registry[i];
    return NULL;
}

bool rules_match(const Rule *rule, const char *selector) {
    if (!strcmp(selector, "ALL")) return true;
    return util_has_prefix(rule->code, selector);
}

static char *copy_line(const Source *src, int row) {
    size_t len;
    const char *line = source_line(src, row, &len);
    return util_xstrndup(line, len);
}

void rules_emit(RuleContext *ctx, TSNode node, const VerifyRecipe *recipe, const char *help,
                const char *fmt, ...) {
    Diagnostic d = {0};
    const Source *src = source_of(ctx->src, node.tree); /* another file's code (lint_sites.c) */
    source_position(src, ts_node_start_byte(node), &d.row, &d.col);
    source_position(src, ts_node_end_byte(node), &d.end_row, &d.end_col);
    /* One finding per rule and place, however many paths reach it. */
    for (size_t i = 0; i < ctx->out->len; i++) {
        Diagnostic *o = &ctx->out->items[i];
        if (o->rule == ctx->rule && o->row == d.row && o->col == d.col &&
            !strcmp(o->filename, src->path))
            return;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    d.message = util_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(d.message, (size_t)n + 1, fmt, ap);
    va_end(ap);
    d.rule = ctx->rule;
    d.code = ctx->rule->code;
    d.filename = util_xstrdup(src->path);
    d.help = help ? util_xstrdup(help) : NULL;
    d.recipe = recipe;
    /* the verifier runs the code under the finding (one copy of the text per file), also where no
     * recipe models it (cex_attach) */
    if (recipe || verify_recipe_for_rule(ctx->rule->code)) {
        for (size_t i = 0; i < ctx->out->len && !d.site.src; i++)
            if (ctx->out->items[i].site.src && verify_source_key(ctx->out->items[i].site.src) == ctx->src)
                d.site.src = verify_source_ref(ctx->out->items[i].site.src);
        if (!d.site.src) d.site.src = verify_source_new(ctx->src->path, ctx->src->text, ctx->src->len, ctx->src);
        d.site.start = ts_node_start_byte(node);
        d.site.end = ts_node_end_byte(node);
    }
    int last = d.end_row - d.row + 1 > DIAG_FRAME_MAX ? d.row + DIAG_FRAME_MAX - 1 : d.end_row;
    d.nframe = last - d.row + 1;
    d.frame_lines = util_xmalloc(sizeof(char *) * (size_t)d.nframe);
    for (int r = d.row; r <= last; r++)
        d.frame_lines[r - d.row] = copy_line(src, r);
    array_push(ctx->out, d);
}

const FactEvent *rules_made_apart(const RuleContext *ctx, TSNode at, uint16_t made,
                                  EventKind kind) {
    const FactEvent *m = facts_event(ctx->facts, made);
    if (!m || m->kind != kind || ts_node_is_null(m->node) || m->node.tree == at.tree) return NULL;
    return m;
}

/* Did the code at the node of event `made` make f (at any call that ran it), and e use f in
 * a way flawed does not flag? */
static bool used_otherwise(const RuleContext *ctx, const FactEvent *made, const FactEvent *e,
                           const Fact *f, bool (*flawed)(const FactEvent *e, const Fact *f)) {
    const FactEvent *m = facts_event(ctx->facts, f->made_event);
    return m && m != e && ts_node_eq(m->node, made->node) && !flawed(e, f);
}

bool rules_made_used_only_by(const RuleContext *ctx, uint16_t made,
                             bool (*flawed)(const FactEvent *e, const Fact *f)) {
    const FactEventList *all = ctx->facts->numbered ? ctx->facts->numbered : &ctx->facts->events;
    const FactEvent *m = facts_event(ctx->facts, made);
    for (size_t i = 0; i < all->len && m; i++) {
        const FactEvent *e = &all->items[i];
        if (used_otherwise(ctx, m, e, &e->in, flawed) || used_otherwise(ctx, m, e, &e->in2, flawed))
            return false;
    }
    return true;
}

/* The ranked values remember the sum (Fact.agg_event); the mean is the division around it. */
const FactEvent *rules_prompt_mean_picked(const Facts *facts, const FactEvent *rank) {
    if (rank->kind != EV_RANK || rank->op == RANK_METRIC ||
        parse_is(rank->node, "comparison_operator"))
        return NULL;
    const FactEvent *sum = facts_event(facts, rank->in.agg_event);
    if (!sum || sum->kind != EV_AGGREGATE || sum->op != AGG_SUM || ts_node_is_null(sum->node))
        return NULL;
    const FactEventList *all = facts->numbered ? facts->numbered : &facts->events;
    for (size_t i = 0; i < all->len; i++) {
        const FactEvent *m = &all->items[i];
        if (m->kind == EV_AGGREGATE && m->op == AGG_MEAN && m->in.mask_flaw == MFLAW_PROMPT &&
            m->node.tree == sum->node.tree &&
            ts_node_start_byte(m->node) <= ts_node_start_byte(sum->node) &&
            ts_node_end_byte(sum->node) <= ts_node_end_byte(m->node))
            return m;
    }
    return NULL;
}

void rules_verify_at(RuleContext *ctx, TSNode node) {
    Diagnostic *d = ctx->out->len ? &ctx->out->items[ctx->out->len - 1] : NULL;
    if (!d || d->rule != ctx->rule || !d->site.src || source_of(ctx->src, node.tree) != ctx->src)
        return;
    d->site.start = ts_node_start_byte(node);
    d->site.end = ts_node_end_byte(node);
}

void rules_where(const RuleContext *ctx, TSNode node, char *buf, size_t size) {
    const Source *src = source_of(ctx->src, node.tree);
    int row, col;
    source_position(src, ts_node_start_byte(node), &row, &col);
    snprintf(buf, size, "%s:%d:%d", src->path, row, col);
}

void rules_print_doc(FILE *out, const Rule *r) {
    fprintf(out, "# %s (%s)\n\n%s\n\n", r->name, r->code, r->summary);
    fprintf(out, "## What it does\n%s\n\n## Why is this bad?\n%s\n\n", r->what, r->why);
    fprintf(out, "## Example\n```python\n%s```\n\n## Use instead\n```python\n%s```\n", r->example,
            r->instead);
    if (r->fix) fprintf(out, "\n## Fix\n%s", r->fix);
}
