/* LL108 softmax-into-cross-entropy: probabilities (a softmax output) fed as the input of a
 * cross-entropy loss, which applies log_softmax itself. */
#include "rules.h"

/* Probabilities on every path, established by data flow (softmax, sigmoid, exp of
 * log-probs), not by a name alone. A value that is logits or log-probs on some path is not
 * certainly wrong. Only the input matters: a soft target may be probabilities. */
static bool probs_input(const Fact *f) {
    return f->obj == FO_NONE && (f->kinds & (FK_SCORES | FK_LOSS)) == FK_PROB &&
           !(f->flags & FF_WEAK);
}

static void check(RuleContext *ctx) {
    for (size_t i = 0; i < ctx->facts->events.len; i++) {
        const FactEvent *e = &ctx->facts->events.items[i];
        if (e->kind != EV_LOSS || e->op != LOSS_CROSS_ENTROPY || !probs_input(&e->in)) continue;
        int row = facts_origin_row(ctx->facts, &e->in);
        char where[48] = "";
        if (row > 0) snprintf(where, sizeof where, " (probabilities from line %d)", row);
        rules_emit(ctx, e->node, "softmax-into-cross-entropy",
                   "pass the logits themselves: cross_entropy applies log_softmax over the classes",
                   "cross-entropy loss fed probabilities%s; it applies log_softmax itself, so this "
                   "computes -log softmax(softmax(u))[y], squashing the loss towards log(V) and "
                   "flattening its gradient",
                   where);
    }
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
        "log_softmax(log_softmax(u)) equals log_softmax(u), so that loss is right.",
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
    .literals = literals,
    .literal_ops = literal_ops,
    .check = check,
};
