/* LL109 logits-into-nll-loss: raw logits fed as the input of NLLLoss / F.nll_loss, which
 * expects log-probabilities. */
#include "fix.h"
#include "rules.h"

/* ---- its verifier recipes (verify.h): what flagged code computes, for the counterexample ---- */

static const VerifyRecipe logits_into_nll_loss = {
    .name = "logits-into-nll-loss",
    .rule = "LL109",
    .summary = "nll_loss(u, y) on raw logits = minus the mean chosen logit, lowest loss picked",
    .score_label = "nll_loss of logits (loss)",
    .transform = VERIFY_TERM_NEG_RAW,
    .aggregate = VERIFY_AGG_MEAN,
    .shift = VERIFY_SHIFT_CAUSAL,
    .mask = VERIFY_MASK_CONTINUATION,
    .precision = VERIFY_FLOAT64,
    .lower_is_better = true,
    .harm = VERIFY_HARM_FLIP,
    .min_steps = 1,
    .baseline = &verify_recipe_mean_log_probs,
};
static const VerifyRecipe *const recipes[] = {&logits_into_nll_loss, NULL};

/* Raw logits on every path, established by data flow: a Hugging Face `.logits` / "logits"
 * key, a from_pretrained model's output, generate() scores. A value that is log-probs on some
 * path (a branch normalised it) is the author's choice on that path, not a certain bug; a
 * parameter named `logits`, or element 0 of a model known only by its name (a custom module
 * may end in log_softmax, as PyTorch's word_language_model does), is no proof. */
static bool raw_input(const Fact *f) {
    return f->obj == FO_NONE && (f->kinds & (FK_SCORES | FK_LOSS | FK_LOGZ)) == FK_RAW &&
           !(f->flags & (FF_SELECTED | FF_AGGREGATED | FF_WEAK));
}

/* The fix: torch's functional nll_loss called directly becomes cross_entropy, which is
 * nll_loss(log_softmax(input, 1), ...) with the same parameters in the same order (weight,
 * size_average, ignore_index, reduce, reduction). An NLLLoss object is left alone: it may be
 * called on log-probabilities elsewhere. */
static void attach_fix(RuleContext *ctx, TSNode call) {
    TSNode fn = parse_field(call, "function"), name = fix_callee_name(call);
    if (!parse_is(fn, "attribute") || !parse_text_eq(ctx->src, name, "nll_loss")) return;
    TSNode module = parse_field(fn, "object");
    if (!parse_text_eq(ctx->src, module, "F") &&
        !parse_text_eq(ctx->src, module, "torch.nn.functional") &&
        !parse_text_eq(ctx->src, module, "nn.functional"))
        return;
    FixEdit e = {ts_node_start_byte(name), ts_node_end_byte(name), "cross_entropy"};
    fix_attach(ctx, call, FIX_UNSAFE, "Use cross_entropy, which applies log_softmax first", &e, 1);
}

static void check(RuleContext *ctx) {
    for (size_t i = 0; i < ctx->facts->events.len; i++) {
        const FactEvent *e = &ctx->facts->events.items[i];
        if (e->kind != EV_LOSS || e->op != LOSS_NLL || !raw_input(&e->in)) continue;
        int row = facts_origin_row(ctx->facts, &e->in);
        char where[40] = "";
        if (row > 0) snprintf(where, sizeof where, " (logits from line %d)", row);
        rules_emit(ctx, e->node, &logits_into_nll_loss,
                   "apply log_softmax over the classes first, or use F.cross_entropy on the logits",
                   "nll_loss fed raw logits%s; it only picks -x[y] and never normalises, so the "
                   "\"loss\" is minus the chosen logit and shifts with each position's own "
                   "normaliser log Z",
                   where);
        attach_fix(ctx, e->node);
    }
}

/* ---- its explanation (explain.h) ---- */

extern const Rule rule_LL101;

/* nll_loss on raw logits is minus LL101's mean of raw logits: LL101 tells the why, and its
 * recipe's transform (-u) makes it say nll_loss. */
static void explain(FILE *out, const VerifyResult *res, ExplainStrs *s) {
    rule_LL101.explain(out, res, s);
}

static const char *const literals[] = {"nll", NULL};
static const uint8_t literal_ops[] = {OP_NLL_LOSS, OP_NLL_LOSS_CLASS, OP_COUNT};

const Rule rule_LL109 = {
    .code = "LL109",
    .name = "logits-into-nll-loss",
    .summary = "Raw logits fed to NLLLoss / F.nll_loss (which expects log-probabilities)",
    .what =
        "Flags torch.nn.NLLLoss / F.nll_loss called on raw, unnormalised logits: a model's\n"
        "`.logits` (or any value that no log_softmax reached on any path). Inputs that are\n"
        "log-probabilities (log_softmax output, torch.log of probabilities, logits minus their\n"
        "logsumexp) are fine, and so is a value that is log-probs on one branch.",
    .why = "nll_loss(x, y) is just -x[y], averaged: it assumes x already holds log-probabilities.\n"
           "On raw logits u it returns -u_t(y_t), ignoring each position's normaliser\n"
           "log Z_t = logsumexp(u_t). Logits are defined only up to a per-position constant, so\n"
           "the value is not a negative log-likelihood: it can be negative, it does not train\n"
           "the model towards the right distribution (the gradient never pushes other classes\n"
           "down), and ranking candidates by it flips: with step-1 logits A=10, B=9, C=0 and\n"
           "step-2 logits 0,0,0 after A but 8,7,0 after B, nll_loss prefers [B, B] (mean -8 <\n"
           "-5) while log Pr([A, A]|x) = -1.41 > log Pr([B, B]|x) = -2.63.",
    .example = "logits = model(x).logits[:, :-1]\n"
               "loss = F.nll_loss(logits.reshape(-1, logits.size(-1)), x[:, 1:].reshape(-1))\n",
    .instead = "logits = model(x).logits[:, :-1]\n"
               "logprobs = F.log_softmax(logits, dim=-1)\n"
               "loss = F.nll_loss(logprobs.reshape(-1, logprobs.size(-1)), x[:, 1:].reshape(-1))\n",
    .fix =
        "Unsafe: F.nll_loss(...) (or torch.nn.functional.nll_loss) called on the logits\n"
        "becomes F.cross_entropy(...) with the same arguments, which is\n"
        "nll_loss(log_softmax(input, 1), ...) with the same parameters in the same order. Every\n"
        "loss value changes (that is the bug), and so does whatever was trained or ranked\n"
        "with it. An NLLLoss object is not fixed: it may serve log-probabilities elsewhere.\n",
    .literals = literals,
    .literal_ops = literal_ops,
    .check = check,
    .recipes = recipes,
    .explain_headline =
        "Raw logits fed to nll_loss, which expects log-probabilities: the loss is minus the raw "
        "logit.",
    .explain = explain,
};
