/* Keras language models known by their layers: a functional keras.Model(inputs, outputs) whose
 * outputs are a Dense(V) head over a chain of layers that starts with Embedding(V, d)(inputs),
 * the vocabulary the input was looked up in, with a recurrent layer between that reads the
 * positions forwards (LSTM / GRU / SimpleRNN with return_sequences=True, no go_backwards). Such
 * a layer's output at t has seen the tokens up to t and no further, so the head's scores at t
 * are the model's guess of token t + 1: a causal LM, whatever it is called. Any other layer on
 * the way (Bidirectional, attention, a layer of the project) and the model is not claimed: a
 * bidirectional or masked model's scores at t are about token t. The chain is read from the
 * straight-line assignments before the call (x = LSTM(h, return_sequences=True)(x)). */
#include <string.h>

#include "facts_svc.h"

/* What a layer does to the positions: */
typedef enum {
    KL_OTHER,     /* unknown: the chain is not claimed */
    KL_POSITION,  /* position by position (Dropout, a normalisation) */
    KL_DENSE,     /* a Dense layer: position by position too, and the head's kind */
    KL_FORWARD,   /* a recurrent layer read forwards, its output at every position */
    KL_EMBEDDING, /* the lookup of the ids */
} KerasLayer;

static const char *const position_wise[] = {"Dropout",
                                            "SpatialDropout1D",
                                            "GaussianNoise",
                                            "LayerNormalization",
                                            "BatchNormalization",
                                            "Activation",
                                            NULL};
static const char *const recurrent[] = {"LSTM", "GRU", "SimpleRNN", NULL};

static bool named_in(const char *name, const char *const *names) {
    for (const char *const *n = names; *n; n++)
        if (!strcmp(name, *n)) return true;
    return false;
}

/* The argument at position pos, or keyword kw, of the argument list args (null: none, or a
 * splat before it). */
static TSNode arg_at(Interp *in, TSNode args, int pos, const char *kw) {
    int at = 0;
    for (uint32_t i = 0; i < ts_node_named_child_count(args); i++) {
        TSNode c = parse_named_child(args, i);
        if (parse_is(c, "keyword_argument")) {
            if (svc_text_eq(in, parse_field(c, "name"), kw)) return parse_field(c, "value");
        } else if (parse_is(c, "list_splat") || parse_is(c, "dictionary_splat")) {
            return (TSNode){0};
        } else if (!parse_is(c, "comment") && at++ == pos) {
            return c;
        }
    }
    return (TSNode){0};
}

static bool literal(TSNode v, const char *kind) {
    return !ts_node_is_null(v) && parse_is(parse_unparen(v), kind);
}

/* Layer(...)(x): which keras layer the constructor makes, with *args its arguments. */
static KerasLayer layer_of(Interp *in, TSNode ctor, TSNode *args) {
    if (!parse_is(ctor, "call")) return KL_OTHER;
    Fact f = svc_eval(in, parse_field(ctor, "function"));
    if (f.obj != FO_MODULE || !f.qual || contracts_lib_of(f.qual) != LIB_TF) return KL_OTHER;
    const char *dot = strrchr(f.qual, '.'), *name = dot ? dot + 1 : f.qual;
    *args = parse_field(ctor, "arguments");
    if (!strcmp(name, "Embedding")) return KL_EMBEDDING;
    if (!strcmp(name, "Dense")) return KL_DENSE;
    if (named_in(name, position_wise)) return KL_POSITION;
    if (!named_in(name, recurrent)) return KL_OTHER;
    TSNode seqs = arg_at(in, *args, -1, "return_sequences"),
           back = arg_at(in, *args, -1, "go_backwards");
    bool forwards = ts_node_is_null(back) || literal(back, "false");
    return literal(seqs, "true") && forwards ? KL_FORWARD : KL_OTHER;
}

/* Does statement s mention the name `name` anywhere (not in nested definitions)? */
static bool mentions(Interp *in, TSNode s, TSNode name, int depth) {
    if (depth > BOUND_MAX_NESTING) return true;
    if (parse_is(s, "identifier")) return parse_same_text(in->src, s, name);
    if (depth > 0 && (parse_is(s, "function_definition") || parse_is(s, "class_definition")))
        return false;
    for (uint32_t i = 0; i < ts_node_named_child_count(s); i++)
        if (mentions(in, parse_named_child(s, i), name, depth + 1)) return true;
    return false;
}

/* The value the identifier name holds at the statement that holds at: the right side of the
 * last `name = value` of the same block before it; null when there is none, or when a
 * statement between may bind it otherwise (a branch, a loop, a call with it). */
static TSNode prior_value(Interp *in, TSNode name, TSNode at) {
    TSNode stmt = at;
    for (TSNode p = parse_parent(stmt); !ts_node_is_null(p); stmt = p, p = parse_parent(p)) {
        if (parse_is(p, "block") || parse_is(p, "module")) break;
        if (parse_is(p, "function_definition") || parse_is(p, "lambda")) return (TSNode){0};
    }
    for (TSNode s = ts_node_prev_named_sibling(stmt); !ts_node_is_null(s);
         s = ts_node_prev_named_sibling(s)) {
        TSNode e = parse_is(s, "expression_statement") && ts_node_named_child_count(s) == 1
                       ? parse_named_child(s, 0)
                       : (TSNode){0};
        if (parse_is(e, "assignment") && parse_is(parse_field(e, "left"), "identifier")) {
            if (parse_same_text(in->src, parse_field(e, "left"), name))
                return parse_unparen(parse_field(e, "right"));
            continue; /* another name's: `name` read there is not rebound */
        }
        if (mentions(in, s, name, 0)) return (TSNode){0};
    }
    return (TSNode){0};
}

/* An expression's value, through names bound before at. */
static TSNode value_at(Interp *in, TSNode e, TSNode at) {
    e = parse_unparen(e);
    return parse_is(e, "identifier") ? prior_value(in, e, at) : e;
}

bool keraslm_causal(Interp *in, TSNode call, TSNode inputs, TSNode outputs) {
    inputs = parse_unparen(inputs);
    if (!parse_is(inputs, "identifier")) return false;
    TSNode v = value_at(in, outputs, call), args = {0}, vocab = {0}, head = {0};
    bool forwards = false;
    for (int steps = 0; parse_is(v, "call") && steps < 64; steps++) {
        TSNode xs = parse_field(v, "arguments");
        TSNode x = ts_node_named_child_count(xs) == 1 ? parse_named_child(xs, 0) : (TSNode){0};
        if (!parse_is(xs, "argument_list") || ts_node_is_null(x) ||
            parse_is(x, "keyword_argument") || parse_is(x, "list_splat"))
            return false;
        KerasLayer k = layer_of(in, parse_field(v, "function"), &args);
        if (steps == 0) { /* the head: Dense(V) with no activation */
            TSNode act = arg_at(in, args, 1, "activation");
            head = arg_at(in, args, 0, "units");
            if (k != KL_DENSE || ts_node_is_null(head) ||
                !(ts_node_is_null(act) || literal(act, "none")))
                return false;
        }
        if (k == KL_OTHER) return false;
        if (k == KL_EMBEDDING) {
            vocab = arg_at(in, args, 0, "input_dim");
            return forwards && !ts_node_is_null(vocab) &&
                   parse_is(parse_unparen(x), "identifier") &&
                   parse_same_text(in->src, parse_unparen(x), inputs) &&
                   parse_same_text(in->src, vocab, head);
        }
        forwards |= k == KL_FORWARD;
        v = value_at(in, x, v);
    }
    return false;
}
