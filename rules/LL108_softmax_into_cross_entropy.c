/* LL108 softmax-into-cross-entropy: probabilities (a softmax output) fed as the input of a
 * cross-entropy loss, which applies log_softmax itself. */
#include "fix.h"
#include "rules.h"

#include <math.h>

/* ---- its verifier recipes (verify.h): what flagged code computes, for the counterexample ---- */

static const VerifyRecipe softmax_into_cross_entropy = {
    .name = "softmax-into-cross-entropy",
    .rule = "LL108",
    .summary =
        "cross_entropy(softmax(u), y): log_softmax applied again to probabilities, lowest loss "
        "picked",
    .score_label = "cross_entropy of probs (loss)",
    .transform = VERIFY_TERM_CE_OF_PROB,
    .aggregate = VERIFY_AGG_MEAN,
    .shift = VERIFY_SHIFT_CAUSAL,
    .mask = VERIFY_MASK_CONTINUATION,
    .precision = VERIFY_FLOAT64,
    .lower_is_better = true,
    .harm = VERIFY_HARM_FLIP,
    .min_steps = 1,
    .baseline = &verify_recipe_mean_log_probs,
};
static const VerifyRecipe *const recipes[] = {&softmax_into_cross_entropy, NULL};

/* Probabilities on every path, established by data flow (softmax, sigmoid, exp of
 * log-probs), not by a name alone. A value that is logits or log-probs on some path is not
 * certainly wrong. Only the input matters: a soft target may be probabilities. */
static bool probs_input(const Fact *f) {
    return f->obj == FO_NONE && (f->kinds & (FK_SCORES | FK_LOSS)) == FK_PROB &&
           !(f->flags & FF_WEAK);
}

/* The fix: a softmax written as the loss's input argument is dropped, `F.cross_entropy(
 * torch.softmax(u, -1), y)` -> `F.cross_entropy(u, y)`, `crit(u.softmax(-1), y)` -> `crit(u, y)`.
 * torch's softmax only (function or tensor method), whose input is its first argument or its
 * receiver. */
static void attach_fix(RuleContext *ctx, TSNode loss_call) {
    const Source *src = ctx->src;
    TSNode args = parse_field(loss_call, "arguments");
    if (ts_node_is_null(args) || ts_node_named_child_count(args) == 0) return;
    TSNode arg = parse_named_child(args, 0), sm = parse_unparen(arg);
    TSNode name = fix_callee_name(sm);
    if (ts_node_is_null(name) || !parse_text_eq(src, name, "softmax")) return;
    TSNode fn = parse_field(sm, "function"), receiver = parse_field(fn, "object"), input;
    if (!ts_node_is_null(receiver) && !fix_names_import(src, receiver)) {
        input = receiver; /* u.softmax(d) */
    } else {
        size_t n;
        const char *prefix = parse_text(src, fn, &n);
        static const char *const TORCH[] = {"torch.softmax", "F.softmax",
                                            "torch.nn.functional.softmax", "nn.functional.softmax",
                                            NULL};
        bool torch = false;
        for (const char *const *t = TORCH; *t; t++)
            torch |= strlen(*t) == n && !strncmp(prefix, *t, n);
        TSNode sm_args = parse_field(sm, "arguments");
        if (!torch || ts_node_named_child_count(sm_args) == 0) return;
        input = parse_named_child(sm_args, 0);
        if (parse_is(input, "keyword_argument")) return;
    }
    size_t len;
    const char *text = parse_text(src, input, &len);
    char *content = util_xstrndup(text, len);
    FixEdit e = {ts_node_start_byte(arg), ts_node_end_byte(arg), content};
    fix_attach(ctx, loss_call, FIX_UNSAFE, "Pass the logits to the loss instead of their softmax",
               &e, 1);
    free(content);
}

static void check(RuleContext *ctx) {
    for (size_t i = 0; i < ctx->facts->events.len; i++) {
        const FactEvent *e = &ctx->facts->events.items[i];
        if (e->kind != EV_LOSS || e->op != LOSS_CROSS_ENTROPY || !probs_input(&e->in)) continue;
        int row = facts_origin_row(ctx->facts, &e->in);
        char where[48] = "";
        if (row > 0) snprintf(where, sizeof where, " (probabilities from line %d)", row);
        rules_emit(ctx, e->node, &softmax_into_cross_entropy,
                   "pass the logits themselves: cross_entropy applies log_softmax over the classes",
                   "cross-entropy loss fed probabilities%s; it applies log_softmax itself, so this "
                   "computes -log softmax(softmax(u))[y], squashing the loss towards log(V) and "
                   "flattening its gradient",
                   where);
        attach_fix(ctx, e->node);
    }
}

/* ---- its explanation (explain.h): the why, on the numbers of a counterexample ---- */

static void explain(FILE *out, const VerifyResult *res, ExplainStrs *s) {
    const VerifyTable *t = res->table;
    int p = res->script_rank[0], c = res->correct_rank[0];
    double hi = -log(exp(1.0) + t->n_vocab - 1.0) + 1.0, lo = -log(exp(1.0) + t->n_vocab - 1.0);
    const VerifyStep *st = NULL;
    int who = -1;
    double gap = -1;
    for (int i = 0; i < res->n; i++)
        for (int j = 0; j < res->cands[i].n_steps; j++) {
            const VerifyStep *x = &res->cands[i].steps[j];
            if (fabs(-x->term - x->log_prob) > gap) {
                gap = fabs(-x->term - x->log_prob);
                st = x;
                who = i;
            }
        }
    fprintf(out, "Why:\n");
    explain_para(
        out, "", "",
        "F.cross_entropy (and nn.CrossEntropyLoss) apply log_softmax to their input. Given "
        "probabilities instead of logits, they compute log_softmax(softmax(u)): the "
        "probabilities are treated as logits a second time. Because they lie in [0, 1], every "
        "resulting log-prob is squeezed between %s and %s with a vocabulary of %d: the "
        "distribution is flattened and the loss hardly depends on how confident the model is.",
        explain_num(lo).s, explain_num(hi).s, t->n_vocab);
    if (st)
        explain_para(out, "", "",
                     "\nIn %s, token %s in context (%s) has log-probability %s (loss %s), but "
                     "such a scorer's loss term is %s. A scorer of this shape picks %s (loss %s vs "
                     "%s); log Pr(y|x) picks "
                     "%s (%s vs %s).",
                     explain_cand(s, res, who), t->vocab[st->token],
                     explain_context(s, res, st->ctx), explain_num(st->log_prob).s,
                     explain_num(-st->log_prob).s, explain_num(st->term).s, explain_cand(s, res, p),
                     explain_num(res->cands[p].score).s, explain_num(res->cands[c].score).s,
                     explain_cand(s, res, c), explain_num(res->cands[c].log_prob).s,
                     explain_num(res->cands[p].log_prob).s);
    fputc('\n', out);
    explain_para(out, "Fix: ", "     ",
                 "pass the logits: F.cross_entropy(logits, target) (it normalises itself), or "
                 "F.nll_loss(log_softmax(logits)); never softmax first.");
}

static const char *const literals[] = {"cross", NULL};
/* the cross-entropy losses; what makes probabilities */
static const uint8_t literal_ops[] = {OP_CROSS_ENTROPY,  OP_KERAS_CE, OP_CROSS_ENTROPY_CLASS,
                                      OP_KERAS_CE_CLASS, OP_NONE,     OP_SOFTMAX,
                                      OP_SOFTMAX_CLASS,  OP_SIGMOID,  OP_EXP,
                                      OP_COUNT};

const Rule rule_LL108 = {
    .code = "LL108",
    .name = "softmax-into-cross-entropy",
    .summary = "Probabilities (a softmax output) fed to CrossEntropyLoss / F.cross_entropy",
    .what =
        "Flags a cross-entropy loss (torch.nn.CrossEntropyLoss, F.cross_entropy, optax's and\n"
        "TensorFlow's softmax cross-entropy, Keras losses with from_logits=True) whose input\n"
        "holds probabilities: the output of a softmax (or sigmoid, or exp of log-probabilities)\n"
        "rather than logits. Only the input is checked: soft targets that are probabilities\n"
        "(label smoothing, distillation) are correct. log_softmax output is not flagged either:\n"
        "log_softmax(log_softmax(u)) equals log_softmax(u), so that loss is right.\n"
        "A Keras model whose last layer ends in a softmax (Dense(n, activation=\"softmax\"),\n"
        "layers.Softmax()), built by keras.Model(inputs, outputs) or keras.Sequential([...]),\n"
        "and compiled with a loss told from_logits=True is flagged at that loss argument.",
    .why =
        "F.cross_entropy(x, y) is -log_softmax(x)[y]: it normalises its input itself. Given\n"
        "p = softmax(u), it computes -log(exp(p_y) / sum_k exp(p_k)). Every p_k lies in [0, 1],\n"
        "so the loss is confined to an interval one nat wide near log V: a confident right\n"
        "answer and a wrong one get nearly the same loss, and the gradient almost vanishes. Used "
        "to score\n"
        "candidates, the ranking is that of a different, much flatter model: with step\n"
        "logits A=10, B=9, C=0 the three classes get -log_softmax(p) of 0.75, 1.21 and 1.48,\n"
        "where the true NLLs are 0.31, 1.31 and 10.31.",
    .example = "probs = torch.softmax(model(x).logits, dim=-1)\n"
               "loss = F.cross_entropy(probs.view(-1, probs.size(-1)), y.view(-1))\n",
    .instead = "logits = model(x).logits\n"
               "loss = F.cross_entropy(logits.view(-1, logits.size(-1)), y.view(-1))\n",
    .fix = "Unsafe: when the loss's input argument is itself a torch softmax\n"
           "(F.cross_entropy(torch.softmax(u, -1), y), crit(u.softmax(-1), y)), the softmax is\n"
           "dropped and u passed. Every loss value changes (that is the bug), and so does what\n"
           "a model trained or a ranking made with it does: review it before relying on it.\n"
           "Probabilities kept in a variable are not fixed (they may be used elsewhere).\n",
    .literals = literals,
    .literal_ops = literal_ops,
    .check = check,
    .recipes = recipes,
    .explain_headline =
        "Probabilities fed to cross_entropy, which applies log_softmax itself: a double softmax.",
    .explain = explain,
};
