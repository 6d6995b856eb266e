/* Torch language models of the project, known by their layers: an nn.Module whose __init__ sets
 * self.e = nn.Embedding(V, d) and self.h = nn.Linear(d, V), and whose forward feeds its input to
 * self.e and returns self.h(...) (alone, or first of a tuple: `return self.h(out), hidden`): a
 * head over the vocabulary the input was looked up in. Its output on token ids is a score per
 * position and vocabulary entry, [B, T, V] on [B, T], as the flax form (facts_call_op.c
 * embeds_input); time-major [T, B, V] when a recurrent layer between runs without batch_first
 * (nn.LSTM / GRU / RNN read [T, B, d] by default). A head over anything else (a classifier's
 * classes, a Linear of another width) says nothing. */
#define _GNU_SOURCE
#include <string.h>

#include "facts_svc.h"

enum { TORCHLM_MAX_FIELDS = 16 };

typedef struct {
    TSNode name[TORCHLM_MAX_FIELDS];  /* the attribute of `self.name = Layer(...)` */
    TSNode width[TORCHLM_MAX_FIELDS]; /* V of Embedding(V, d), out of Linear(d, out) */
    Op op[TORCHLM_MAX_FIELDS];
    TorchLmLayout layout[TORCHLM_MAX_FIELDS]; /* a recurrent layer's: by its batch_first */
    int n;
} Layers;

/* What the forward's scan found. */
typedef struct {
    int embedded;      /* the layer of Layers that embeds the input alone; -1: none */
    int heads, others; /* returns of a head over the embedding's width / of anything else */
    int returned;      /* the heads' returns: 0 the scores, n an n-tuple of them first; -1 none */
    bool time_major, batch_first, layout_unknown; /* of the recurrent layers run */
    bool transposed; /* some call moves axes (transpose, permute, swapaxes, movedim) */
} Scan;

/* The argument at position pos, or keyword kw, of the argument list args. */
static TSNode arg_at(Interp *in, TSNode args, int pos, const char *kw) {
    int at = 0;
    for (uint32_t i = 0; i < ts_node_named_child_count(args); i++) {
        TSNode c = parse_named_child(args, i);
        if (parse_is(c, "keyword_argument")) {
            if (svc_text_eq(in, parse_field(c, "name"), kw)) return parse_field(c, "value");
        } else if (parse_is(c, "comment")) {
            continue;
        } else if (at++ == pos) {
            return parse_is(c, "list_splat") || parse_is(c, "dictionary_splat") ? (TSNode){0} : c;
        }
    }
    return (TSNode){0};
}

/* nn.LSTM(..., batch_first=...): time-major without it or with a literal False; a value the
 * code computes says nothing. */
static TorchLmLayout recurrent_layout(Interp *in, TSNode args) {
    for (uint32_t i = 0; i < ts_node_named_child_count(args); i++)
        if (parse_is(parse_named_child(args, i), "dictionary_splat") ||
            parse_is(parse_named_child(args, i), "list_splat"))
            return TORCHLM_LAYOUT_UNKNOWN;
    TSNode v = parse_unparen(arg_at(in, args, 4, "batch_first"));
    if (ts_node_is_null(v) || parse_is(v, "false")) return TORCHLM_TIME_MAJOR;
    return parse_is(v, "true") ? TORCHLM_BATCH_FIRST : TORCHLM_LAYOUT_UNKNOWN;
}

/* self.name = nn.Embedding(V, d) / nn.Linear(d, V) / nn.LSTM(...) anywhere under n (not in
 * nested defs). */
static void collect_layers(Interp *in, TSNode n, Layers *l, int depth) {
    if (ts_node_is_null(n) || depth > BOUND_MAX_NESTING || l->n == TORCHLM_MAX_FIELDS) return;
    if (depth > 0 && (parse_is(n, "function_definition") || parse_is(n, "class_definition")))
        return;
    TSNode left = parse_field(n, "left"), right = parse_unparen(parse_field(n, "right"));
    Callee c;
    if (parse_is(n, "assignment") && parse_is(left, "attribute") &&
        svc_text_eq(in, parse_field(left, "object"), "self") && parse_is(right, "call") &&
        callee_row(in, right, &c) && c.row->op == OP_RECURRENT_SEQ) {
        l->name[l->n] = parse_field(left, "attribute");
        l->width[l->n] = (TSNode){0};
        l->layout[l->n] = recurrent_layout(in, c.args);
        l->op[l->n++] = OP_RECURRENT_SEQ;
        return;
    }
    if (parse_is(n, "assignment") && parse_is(left, "attribute") &&
        svc_text_eq(in, parse_field(left, "object"), "self") && parse_is(right, "call") &&
        callee_row(in, right, &c) && (c.row->op == OP_EMBED || c.row->op == OP_LINEAR_CLASS)) {
        bool embed = c.row->op == OP_EMBED;
        TSNode w =
            embed ? arg_at(in, c.args, 0, "num_embeddings") : arg_at(in, c.args, 1, "out_features");
        if (!ts_node_is_null(w)) {
            l->name[l->n] = parse_field(left, "attribute");
            l->width[l->n] = w;
            l->op[l->n++] = c.row->op;
        }
        return;
    }
    ParseKids k;
    parse_kids_begin(&k, n);
    for (TSNode ch; parse_kids_next(&k, &ch);)
        collect_layers(in, ch, l, depth + 1);
    parse_kids_end(&k);
}

/* The layer of l that `self.<attr>(...)` (call) runs, of kind op; -1 if none. */
static int layer_called(Interp *in, const Layers *l, TSNode call, Op op) {
    TSNode fn = parse_field(call, "function");
    if (!parse_is(call, "call") || !parse_is(fn, "attribute") ||
        !svc_text_eq(in, parse_field(fn, "object"), "self"))
        return -1;
    for (int i = 0; i < l->n; i++)
        if (l->op[i] == op && parse_same_text(in->src, parse_field(fn, "attribute"), l->name[i]))
            return i;
    return -1;
}

/* Ops that drop or merge the positions axis (a pooled or flattened vector per sequence: a
 * head over it is [B, V], a bag-of-words or fixed-window model's next word), by the name the
 * call gives them: torch.mean(h, 1), h.view(B, -1), F.avg_pool1d(...). */
static const char *const merges[] = {"mean",         "sum",     "max",       "min",    "amax",
                                     "amin",         "prod",    "logsumexp", "norm",   "view",
                                     "reshape",      "flatten", "squeeze",   "select", "gather",
                                     "index_select", "einsum",  "bmm",       "matmul", NULL};

static bool merges_positions(Interp *in, TSNode n) {
    if (parse_is(n, "call")) {
        TSNode fn = parse_field(n, "function");
        TSNode name = parse_is(fn, "attribute") ? parse_field(fn, "attribute") : fn;
        size_t len;
        const char *t = parse_text(in->src, name, &len);
        for (const char *const *m = merges; *m; m++)
            if (len == strlen(*m) && !memcmp(t, *m, len)) return true;
        if (len > 4 && (memmem(t, len, "pool", 4) || memmem(t, len, "Pool", 4))) return true;
    }
    /* h[:, -1], h[-1], h[:, 0]: one position (or one layer's state) of each row */
    if (parse_is(n, "subscript"))
        for (uint32_t i = 1; i < ts_node_named_child_count(n); i++)
            if (!parse_is(parse_unparen(parse_named_child(n, i)), "slice")) return true;
    return false;
}

/* Calls that move axes: a time-major layer's [T, B, d] may leave the forward as [B, T, V]. */
static const char *const movers[] = {"transpose", "permute", "swapaxes", "swapdims",
                                     "movedim",   "t",       NULL};

static bool moves_axes(Interp *in, TSNode n) {
    if (parse_is(n, "attribute") && svc_text_eq(in, parse_field(n, "attribute"), "T")) return true;
    if (!parse_is(n, "call")) return false;
    TSNode fn = parse_field(n, "function");
    TSNode name = parse_is(fn, "attribute") ? parse_field(fn, "attribute") : fn;
    for (const char *const *m = movers; *m; m++)
        if (svc_text_eq(in, name, *m)) return true;
    return false;
}

/* return v: a head over the embedding's width, alone or first of a tuple (its length then). */
static void scan_return(Interp *in, TSNode v, const Layers *l, Scan *s) {
    int len = 0;
    if (parse_is(v, "expression_list") || parse_is(v, "tuple")) {
        len = (int)ts_node_named_child_count(v);
        v = len ? parse_unparen(parse_named_child(v, 0)) : v;
    }
    int h = layer_called(in, l, v, OP_LINEAR_CLASS);
    if (h >= 0 && s->embedded >= 0 &&
        parse_same_text(in->src, l->width[h], l->width[s->embedded]) &&
        (s->returned < 0 || s->returned == len)) {
        s->heads++;
        s->returned = len;
    } else {
        s->others++;
    }
}

/* Under the forward's body n: does an embedding layer run on x alone, does every return give a
 * head over that embedding's width, and which recurrent layers run between? */
static void scan_forward(Interp *in, TSNode n, TSNode x, const Layers *l, Scan *s, int depth) {
    if (ts_node_is_null(n) || depth > BOUND_MAX_NESTING) return;
    if (parse_is(n, "function_definition") || parse_is(n, "class_definition") ||
        parse_is(n, "lambda"))
        return;
    if (merges_positions(in, n)) s->others++;
    if (moves_axes(in, n)) s->transposed = true;
    int e = layer_called(in, l, n, OP_EMBED);
    if (e >= 0) {
        TSNode args = parse_field(n, "arguments");
        if (ts_node_named_child_count(args) == 1 &&
            parse_same_text(in->src, parse_named_child(args, 0), x))
            s->embedded = e;
    }
    int r = layer_called(in, l, n, OP_RECURRENT_SEQ);
    if (r >= 0) {
        s->time_major |= l->layout[r] == TORCHLM_TIME_MAJOR;
        s->batch_first |= l->layout[r] == TORCHLM_BATCH_FIRST;
        s->layout_unknown |= l->layout[r] == TORCHLM_LAYOUT_UNKNOWN;
    }
    if (parse_is(n, "return_statement")) { /* its value may embed x itself: scan it first */
        TSNode v = ts_node_named_child_count(n) ? parse_unparen(parse_named_child(n, 0)) : n;
        if (!ts_node_eq(v, n)) scan_forward(in, v, x, l, s, depth + 1);
        scan_return(in, v, l, s);
        return;
    }
    ParseKids k;
    parse_kids_begin(&k, n);
    for (TSNode c; parse_kids_next(&k, &c);)
        scan_forward(in, c, x, l, s, depth + 1);
    parse_kids_end(&k);
}

TorchLm torchlm_read(Interp *in, TSNode cls) {
    TorchLm lm = {0};
    if (ts_node_is_null(cls)) return lm;
    TSNode init = svc_find_method(in, cls, "__init__", 8),
           fwd = svc_find_method(in, cls, "forward", 7);
    if (ts_node_is_null(init) || ts_node_is_null(fwd)) return lm;
    TSNode params = parse_field(fwd, "parameters");
    if (ts_node_is_null(params) || ts_node_named_child_count(params) < 2) return lm;
    TSNode x = parse_param_name(parse_named_child(params, 1));
    if (ts_node_is_null(x)) return lm;
    Layers l = {0};
    ProjectCtx module;
    project_enter(in, cls, (TSNode){0}, &module); /* its layers' names are its module's */
    collect_layers(in, parse_field(init, "body"), &l, 0);
    project_leave(in, &module);
    Scan s = {.embedded = -1, .returned = -1};
    scan_forward(in, parse_field(fwd, "body"), x, &l, &s, 0);
    lm.found = s.heads > 0 && s.others == 0;
    lm.returned = s.returned;
    /* time-major layers mixed with batch-first ones, or axes moved after one: no layout */
    lm.layout = s.layout_unknown || (s.time_major && (s.batch_first || s.transposed))
                    ? TORCHLM_LAYOUT_UNKNOWN
                : s.time_major ? TORCHLM_TIME_MAJOR
                               : TORCHLM_BATCH_FIRST;
    return lm;
}
