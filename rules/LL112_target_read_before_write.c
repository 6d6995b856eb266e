/* LL112 target-read-before-write: a loss target read from a buffer position that still holds
 * the ignored fill value, because the loop body writes that position only later
 * (facts_regions.c). */
#include "fix.h"
#include "rules.h"

#include <stdlib.h>

/* ---- its verifier recipes (verify.h): what flagged code computes, for the counterexample ---- */

/* The target still holds the fill the loss ignores: every term is 0. */
static const VerifyRecipe ignored_target = {
    .name = "ignored-target",
    .rule = "LL112",
    .summary = "each token's log-prob computed against a target that still holds the ignored fill "
               "(ignore_index): every term is 0, so every continuation scores 0",
    .score_label = "sum of ignored-target log-probs",
    .transform = VERIFY_TERM_IGNORED,
    .aggregate = VERIFY_AGG_SUM,
    .shift = VERIFY_SHIFT_CAUSAL,
    .mask = VERIFY_MASK_CONTINUATION,
    .precision = VERIFY_FLOAT64,
    .lower_is_better = false,
    .harm = VERIFY_HARM_TIE,
    .min_steps = 1,
};
static const VerifyRecipe *const recipes[] = {&ignored_target, NULL};

/* ---------- the fix: move the statement that reads below the statement that writes ---------- */

typedef Array(TSNode) Nodes;

/* The child of `block` that holds n; null if n is not inside it. */
static TSNode statement_in(TSNode block, TSNode n) {
    for (TSNode p = n; !ts_node_is_null(p); p = parse_parent(p))
        if (ts_node_eq(parse_parent(p), block)) return p;
    return (TSNode){0};
}

/* The object an assignment target writes: `a` for a, a[i] and a.b, `self.buf` for self.buf[i]. */
static void written_objects(TSNode target, Nodes *out) {
    if (parse_is(target, "subscript")) {
        array_push(out, parse_field(target, "value"));
    } else if (parse_is(target, "attribute")) {
        array_push(out, parse_field(target, "object"));
    } else if (parse_is(target, "identifier")) {
        array_push(out, target);
    } else { /* a, b = ...; (a, b) = ...; [a, *b] = ... */
        for (uint32_t i = 0; i < ts_node_named_child_count(target); i++)
            written_objects(parse_named_child(target, i), out);
    }
}

/* What statement n writes (assignment, augmented assignment, for / with / walrus targets) and
 * whether it leaves the loop's straight line (break, continue, return, raise, yield). */
static bool scan_statement(TSNode n, Nodes *writes) {
    if (parse_is(n, "function_definition") || parse_is(n, "class_definition") ||
        parse_is(n, "lambda"))
        return true; /* their bodies run later */
    if (parse_is(n, "break_statement") || parse_is(n, "continue_statement") ||
        parse_is(n, "return_statement") || parse_is(n, "raise_statement") || parse_is(n, "yield"))
        return false;
    if (parse_is(n, "assignment") || parse_is(n, "augmented_assignment") ||
        parse_is(n, "for_statement") || parse_is(n, "for_in_clause"))
        written_objects(parse_field(n, "left"), writes);
    else if (parse_is(n, "named_expression"))
        written_objects(parse_field(n, "name"), writes);
    else if (parse_is(n, "as_pattern_target"))
        written_objects(parse_named_child(n, 0), writes);
    bool straight = true;
    for (uint32_t i = 0; straight && i < ts_node_named_child_count(n); i++)
        straight = scan_statement(parse_named_child(n, i), writes);
    return straight;
}

/* Does n mention the name or attribute chain `obj` (as a whole name, not a field of it)? */
static bool mentions(const Source *src, TSNode n, TSNode obj) {
    if ((parse_is(n, "identifier") || parse_is(n, "attribute")) &&
        ts_node_end_byte(n) - ts_node_start_byte(n) == ts_node_end_byte(obj) - ts_node_start_byte(obj) &&
        !memcmp(src->text + ts_node_start_byte(n), src->text + ts_node_start_byte(obj),
                ts_node_end_byte(obj) - ts_node_start_byte(obj)))
        return true;
    if (parse_is(n, "attribute")) return mentions(src, parse_field(n, "object"), obj);
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++)
        if (mentions(src, parse_named_child(n, i), obj)) return true;
    return false;
}

static bool mentions_any(const Source *src, TSNode n, const Nodes *objs, TSNode except) {
    for (size_t i = 0; i < objs->len; i++)
        if ((ts_node_is_null(except) || !mentions(src, except, objs->items[i])) &&
            mentions(src, n, objs->items[i]))
            return true;
    return false;
}

/* Where the line on which n ends ends (its newline, or the end of the text); SIZE_MAX when
 * something other than spaces or a comment follows n on that line. */
static size_t line_end(const Source *src, TSNode n) {
    size_t at = ts_node_end_byte(n);
    while (at < src->len && (src->text[at] == ' ' || src->text[at] == '\t' || src->text[at] == '\r'))
        at++;
    if (at < src->len && src->text[at] == '#')
        while (at < src->len && src->text[at] != '\n')
            at++;
    return at == src->len || src->text[at] == '\n' ? at : SIZE_MAX;
}

/* Moving the reading statement below the writing one (both in one block, in that order) changes
 * nothing else when the statements from the read to the write write nothing the read mentions
 * (but the buffer), mention nothing the read writes, and run straight through. */
static void attach_fix(RuleContext *ctx, const FactEvent *e) {
    const Source *src = ctx->src;
    TSNode write = e->in2.origin, read_stmt = {0}, write_stmt = {0};
    if (!ts_node_is_null(e->site) || ts_node_is_null(write)) return;
    for (TSNode b = parse_parent(e->node); !ts_node_is_null(b); b = parse_parent(b)) {
        if (!parse_is(b, "block")) continue;
        write_stmt = statement_in(b, write);
        if (ts_node_is_null(write_stmt)) continue;
        read_stmt = statement_in(b, e->node);
        break;
    }
    if (ts_node_is_null(read_stmt) || ts_node_start_byte(read_stmt) >= ts_node_start_byte(write_stmt))
        return;
    int row, col;
    source_position(src, ts_node_start_byte(read_stmt), &row, &col);
    size_t from = src->line_starts[row - 1], to = line_end(src, read_stmt),
           insert = line_end(src, write_stmt);
    for (size_t i = from; i < ts_node_start_byte(read_stmt); i++)
        if (src->text[i] != ' ' && src->text[i] != '\t') return; /* shares its line */
    if (to >= src->len || insert == SIZE_MAX) return;
    Nodes read_writes = {0}, between = {0};
    bool ok = scan_statement(read_stmt, &read_writes);
    TSNode buffer = parse_field(e->node, "value");
    for (TSNode t = ts_node_next_named_sibling(read_stmt); ok && !ts_node_is_null(t);
         t = ts_node_next_named_sibling(t)) {
        between.len = 0;
        ok = scan_statement(t, &between) && !mentions_any(src, read_stmt, &between, buffer) &&
             !mentions_any(src, t, &read_writes, (TSNode){0});
        if (ts_node_eq(t, write_stmt)) break;
    }
    array_free(&read_writes);
    array_free(&between);
    if (!ok) return;
    /* Its lines go at the end of the write's line, before the newline: in a notebook that is
     * still the write's cell when the write ends it. */
    char *moved = util_xasprintf("\n%.*s", (int)(to - from), src->text + from);
    FixEdit edits[] = {{from, to + 1, ""}, {insert, insert, moved}};
    fix_attach(ctx, e->node, FIX_UNSAFE, "Move the loss below the write of its target", edits, 2);
    free(moved);
}

static void check(RuleContext *ctx) {
    for (size_t i = 0; i < ctx->facts->events.len; i++) {
        const FactEvent *e = &ctx->facts->events.items[i];
        if (e->kind != EV_TARGET_UNWRITTEN) continue;
        int row = facts_origin_row(ctx->facts, &e->in);
        char where[48] = "";
        if (row > 0) snprintf(where, sizeof where, " (filled on line %d)", row);
        if (e->op == TARGET_READ_AHEAD) {
            /* no counterexample and no fix: the loop's direction is what is wrong */
            rules_emit(ctx, e->node, NULL,
                       "run the loop from the end (for t in reversed(range(...))), so position "
                       "t + 1 is written before position t reads it",
                       "the loop runs forward over t and reads the buffer one or more positions "
                       "ahead, which only a later iteration writes (at line %u): the read still "
                       "holds the fill%s, so the recurrence (a GAE advantage, a discounted "
                       "return) never carries the later terms back",
                       ts_node_start_point(e->in2.origin).row + 1, where);
            continue;
        }
        if (e->op == TARGET_FILL_SCORED)
            /* no counterexample: what the fill token scores depends on the model, not on
             * the table's candidates */
            rules_emit(ctx, e->node, NULL,
                       "score the token after the write to this position (move the read below "
                       "it), or read the token from where it is already known",
                       "the target token is read at the loop's position before the loop writes "
                       "that position: the buffer still holds its fill value there%s, so each "
                       "step scores the fill as if it were the next token, not the token the "
                       "loop then writes",
                       where);
        else
            rules_emit(ctx, e->node, &ignored_target,
                       "compute the loss after the write to this position (move the read below "
                       "it)",
                       "the loss target is read at the loop's position before the loop writes "
                       "that position: the buffer still holds its fill value there%s, which the "
                       "loss ignores (ignore_index), so every generated token's log-prob reads 0 "
                       "whatever the token is",
                       where);
        attach_fix(ctx, e);
    }
}

/* ---- its explanation (explain.h): the why, on the numbers of a counterexample ---- */

static void explain(FILE *out, const VerifyResult *res, ExplainStrs *s) {
    int p = res->script_rank[0], c = res->correct_rank[0];
    fprintf(out, "Why:\n");
    explain_para(
        out, "", "",
        "The loop computes the sampled token's log-prob as -cross_entropy(logits, "
        "tokens[:, cur_pos], ignore_index=pad_id) before it writes the sampled token into "
        "tokens[:, cur_pos]. The buffer was filled with pad_id, so the target is still pad_id, "
        "which the loss ignores: it returns 0 for that position, whatever token follows.");
    explain_para(out, "", "",
                 "\nEvery term is 0, so every candidate scores %s: the script cannot rank them and "
                 "keeps the first, %s; log Pr(y|x) picks %s (%s).",
                 explain_num(res->cands[p].score).s, explain_cand(s, res, p),
                 explain_cand(s, res, c), explain_num(res->cands[c].log_prob).s);
    fputc('\n', out);
    explain_para(out, "Fix: ", "     ",
                 "write the sampled token into the buffer first, then compute the loss with that "
                 "position as its target.");
}

/* The fill comes from torch.full / full_like / new_full ("full") or torch.zeros / zeros_like
 * ("zeros"); the loss is cross_entropy, nll_loss or a CrossEntropyLoss / NLLLoss object, the
 * selection gather, take_along_dim or take_along_axis, or the read ahead is in a loop over the
 * builtin range (case is ignored). */
static const char *const literals[] = {
    "full", "zeros", "", "cross_entropy", "nll_loss", "crossentropyloss", "nllloss",
    "gather", "take_along", "range", NULL};

const Rule rule_LL112 = {
    .code = "LL112",
    .name = "target-read-before-write",
    .summary = "A loss target read from a buffer position before the loop writes it",
    .what = "Flags a loss (cross_entropy, nll_loss, a CrossEntropyLoss / NLLLoss object) inside a\n"
            "loop whose target is read from a buffer at the loop's position - tokens[:, cur_pos],\n"
            "or a slice ending there, directly or through a name, a new axis, a cast or a tensor\n"
            "made of it (tf.constant(y), torch.as_tensor(y)) - and a selection (x.gather(-1, idx),\n"
            "take_along_dim / take_along_axis) whose index is read so, when the buffer was filled\n"
            "(torch.full(..., pad_id), torch.zeros) and the same iteration writes that position\n"
            "only later in program order. A fill the loss ignores (ignore_index=pad_id, or -100\n"
            "with the default) makes each log-prob 0; any other fill is scored as if it were the\n"
            "token. Silent when the write comes first and when that position was written before the\n"
            "loop (the whole buffer, or the prefix the loop runs over). Also flags a recurrence run\n"
            "the wrong way: a loop forward over t (range, step 1) that writes such a buffer at t\n"
            "and reads it at t + 1 (GAE's advantages[:, t + 1]), a position only a later iteration\n"
            "writes, so the read always holds the fill.",
    .why =
        "A generation loop that pre-fills its token buffer with pad_id and computes the sampled\n"
        "token's log-prob with cross_entropy(logits, tokens[:, cur_pos], ignore_index=pad_id)\n"
        "before it writes the sampled token into tokens[:, cur_pos] scores the fill, not the\n"
        "token. ignore_index swallows the fill and returns 0, so every generated token's\n"
        "log-prob is 0 and a continuation's score is 0 whatever it is: the scores rank\n"
        "nothing. Reference generation code of a major model family shipped this.",
    .example = "tokens = torch.full((bsz, total_len), pad_id)\n"
               "for cur_pos in range(start, total_len):\n"
               "    logits = model(tokens[:, prev_pos:cur_pos], prev_pos)\n"
               "    lp[:, cur_pos] = -F.cross_entropy(logits[:, -1], tokens[:, cur_pos],\n"
               "                                      reduction=\"none\", ignore_index=pad_id)\n"
               "    tokens[:, cur_pos] = sample(logits[:, -1])\n"
               "    prev_pos = cur_pos\n",
    .instead = "tokens = torch.full((bsz, total_len), pad_id)\n"
               "for cur_pos in range(start, total_len):\n"
               "    logits = model(tokens[:, prev_pos:cur_pos], prev_pos)\n"
               "    tokens[:, cur_pos] = sample(logits[:, -1])\n"
               "    lp[:, cur_pos] = -F.cross_entropy(logits[:, -1], tokens[:, cur_pos],\n"
               "                                      reduction=\"none\", ignore_index=pad_id)\n"
               "    prev_pos = cur_pos\n",
    .fix = "Unsafe: moves the statement that computes the loss (in the loop body, or the block\n"
           "holding both) below the statement that writes its target, so the loss reads the\n"
           "written token. Offered only when the statements in between write nothing the loss\n"
           "reads (but the buffer), read nothing it writes, and run straight through (no break,\n"
           "continue, return or raise). Unsafe because it changes what the loss computes, and\n"
           "calls in between may have effects the analysis cannot see.\n",
    .literals = literals,
    .check = check,
    .recipes = recipes,
    .explain_headline =
        "A loss target read from a buffer position before the loop writes it: the ignored fill "
        "makes every token's log-prob 0.",
    .explain = explain,
};
