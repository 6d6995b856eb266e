/* verify_exec_flow: which item of a tuple (or key of a dict) a scoring function returns holds its
 * score, by data flow from the flagged code (a sampler's `return tokens, logprobs`). Static: the names the
 * flagged statement writes, then those written by the statements reading them (to a fixed
 * point), and the returned item that reads one of them. */
#include <string.h>

#include "exec.h"

typedef struct {
    const Source *src;
    uint32_t mark_start, mark_end; /* the flagged node */
} Flow;

typedef struct {
    const char *s[64];
    int n[64], count;
} Names;

static bool names_has(const Names *ns, const char *s, int n) {
    for (int i = 0; i < ns->count; i++)
        if (ns->n[i] == n && !memcmp(ns->s[i], s, (size_t)n)) return true;
    return false;
}

static bool names_add(Names *ns, const char *s, int n) {
    if (names_has(ns, s, n) || ns->count == 64) return false;
    ns->s[ns->count] = s, ns->n[ns->count++] = n;
    return true;
}

/* Does the tree under n read a name of ns (or hold the flagged node)? */
static bool reads_names(const Flow *f, TSNode n, const Names *ns) {
    if (ts_node_start_byte(n) <= f->mark_start && f->mark_end <= ts_node_end_byte(n)) return true;
    if (parse_is(n, "identifier")) {
        size_t len;
        const char *s = parse_text(f->src, n, &len);
        return names_has(ns, s, (int)len);
    }
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++)
        if (reads_names(f, parse_named_child(n, i), ns)) return true;
    return false;
}

/* Adds the names the simple statement st writes (assignment targets, x.append/extend's x) to ns;
 * true when one is new. */
static bool add_written(const Flow *f, TSNode st, Names *ns) {
    TSNode w = parse_named_child(st, 0), target = {0};
    if (parse_is(w, "assignment") || parse_is(w, "augmented_assignment")) target = parse_field(w, "left");
    if (parse_is(w, "call")) {
        TSNode fn = parse_field(w, "function");
        if (parse_is(fn, "attribute") && (parse_text_eq(f->src, parse_field(fn, "attribute"), "append") ||
                                          parse_text_eq(f->src, parse_field(fn, "attribute"), "extend")))
            target = parse_field(fn, "object");
    }
    bool added = false;
    size_t len;
    if (parse_is(target, "identifier")) {
        const char *s = parse_text(f->src, target, &len);
        added |= names_add(ns, s, (int)len);
    }
    for (uint32_t i = 0; (parse_is(target, "pattern_list") || parse_is(target, "tuple_pattern")) &&
                         i < ts_node_named_child_count(target); i++) {
        TSNode id = parse_named_child(target, i);
        if (!parse_is(id, "identifier")) continue;
        const char *name = parse_text(f->src, id, &len); /* len is set before it is passed */
        added |= names_add(ns, name, (int)len);
    }
    return added;
}

/* The simple statements under n (nested defs, lambdas and classes left out), in order: those
 * that read a name of ns (or hold the flagged node) add the names they write. True when one
 * was added. */
static bool flow_pass(const Flow *f, TSNode n, Names *ns) {
    bool added = false;
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++) {
        TSNode c = parse_named_child(n, i);
        if (parse_is(c, "function_definition") || parse_is(c, "class_definition") || parse_is(c, "lambda")) continue;
        if (parse_is(c, "expression_statement")) added |= reads_names(f, c, ns) && add_written(f, c, ns);
        else added |= flow_pass(f, c, ns);
    }
    return added;
}

/* The returns of n (`return a, b, ...` of `count` items), an item of which reads a name of ns
 * (or holds the flagged node): its index into *item, -2 when returns disagree or an item beside
 * it does too. */
static void flow_returns(const Flow *f, TSNode n, const Names *ns, int count, int *item) {
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++) {
        TSNode c = parse_named_child(n, i);
        if (parse_is(c, "function_definition") || parse_is(c, "class_definition") || parse_is(c, "lambda")) continue;
        TSNode v = parse_is(c, "return_statement") ? parse_named_child(c, 0) : (TSNode){0};
        if (parse_is(v, "parenthesized_expression")) v = parse_named_child(v, 0);
        if (!(parse_is(v, "expression_list") || parse_is(v, "tuple")) || (int)ts_node_named_child_count(v) != count) {
            flow_returns(f, c, ns, count, item);
            continue;
        }
        for (int k = 0; k < count; k++) {
            if (!reads_names(f, parse_named_child(v, (uint32_t)k), ns)) continue;
            *item = *item == -1 || *item == k ? k : -2;
        }
    }
}

int verify_exec_flow_item(const Source *src, TSNode def, uint32_t mark_start, uint32_t mark_end, int n) {
    if (!parse_is(def, "function_definition")) return -1;
    const Flow flow = {src, mark_start, mark_end}, *f = &flow;
    TSNode body = parse_field(def, "body");
    Names ns = {.count = 0};
    for (int pass = 0; pass < 8 && flow_pass(f, body, &ns); pass++)
        ;
    int item = -1;
    flow_returns(f, body, &ns, n, &item);
    return item >= 0 ? item : -1;
}

/* The first dict literal under n, nested defs left out (null: none). */
static TSNode first_dict(TSNode n) {
    if (parse_is(n, "dictionary")) return n;
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++) {
        TSNode c = parse_named_child(n, i);
        if (parse_is(c, "lambda")) continue;
        TSNode d = first_dict(c);
        if (!ts_node_is_null(d)) return d;
    }
    return (TSNode){0};
}

/* The returns of n holding a dict literal (`return {"nll": nll, ...}`, `return psum({...})`): the
 * string key of the pair whose value reads a name of ns into *key; *ambiguous when returns or
 * pairs disagree. */
static void flow_keys(const Flow *f, TSNode n, const Names *ns, TSNode *key, bool *ambiguous) {
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++) {
        TSNode c = parse_named_child(n, i);
        if (parse_is(c, "function_definition") || parse_is(c, "class_definition") || parse_is(c, "lambda")) continue;
        TSNode d = parse_is(c, "return_statement") ? first_dict(c) : (TSNode){0};
        if (ts_node_is_null(d)) {
            flow_keys(f, c, ns, key, ambiguous);
            continue;
        }
        for (uint32_t k = 0; k < ts_node_named_child_count(d); k++) {
            TSNode p = parse_named_child(d, k), kn = parse_field(p, "key");
            if (!parse_is(p, "pair") || !parse_is(kn, "string") || !reads_names(f, parse_field(p, "value"), ns)) continue;
            size_t a, b;
            const char *x = parse_text(f->src, kn, &a), *y = ts_node_is_null(*key) ? NULL : parse_text(f->src, *key, &b);
            if (y && (a != b || memcmp(x, y, a))) *ambiguous = true;
            *key = kn;
        }
    }
}

bool verify_exec_flow_key(const Source *src, TSNode def, uint32_t mark_start, uint32_t mark_end, char *out, size_t n) {
    if (!parse_is(def, "function_definition")) return false;
    const Flow flow = {src, mark_start, mark_end}, *f = &flow;
    TSNode body = parse_field(def, "body"), key = {0};
    Names ns = {.count = 0};
    for (int pass = 0; pass < 8 && flow_pass(f, body, &ns); pass++)
        ;
    bool ambiguous = false;
    flow_keys(f, body, &ns, &key, &ambiguous);
    size_t len;
    const char *k = ts_node_is_null(key) || ambiguous ? NULL : parse_text(src, key, &len);
    if (!k || len < 2 || len - 2 >= n || (k[0] != '"' && k[0] != '\'')) return false;
    snprintf(out, n, "%.*s", (int)len - 2, k + 1);
    return true;
}

/* ---- the order in which callers take a function's values ---- */

/* Does an operator under n turn a value read from ns around (-x, a - x, a / x, 1 / x)? The
 * direction its callers take is then not the function's own. */
static bool flips(const Flow *f, TSNode n, const Names *ns) {
    if (parse_is(n, "unary_operator") || parse_is(n, "binary_operator")) {
        TSNode op = parse_field(n, "operator");
        TSNode arg = parse_is(n, "unary_operator") ? parse_field(n, "argument") : parse_field(n, "right");
        size_t len;
        const char *o = parse_text(f->src, op, &len);
        if (len == 1 && (*o == '-' || *o == '/' || *o == '~') && reads_names(f, arg, ns)) return true;
    }
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++)
        if (flips(f, parse_named_child(n, i), ns)) return true;
    return false;
}

/* The keyword argument `reverse=True` of a call's argument list. */
static bool reversed_order(const Source *src, TSNode args) {
    for (uint32_t i = 0; i < ts_node_named_child_count(args); i++) {
        TSNode a = parse_named_child(args, i);
        if (parse_is(a, "keyword_argument") && parse_text_eq(src, parse_field(a, "name"), "reverse"))
            return !parse_text_eq(src, parse_field(a, "value"), "False");
    }
    return false;
}

/* The order a call under n that reads a name of ns takes: counts of lowest-first (min, argmin,
 * sorted, .sort(), nsmallest) and highest-first (max, argmax, reverse=True, nlargest) choices;
 * *unknown when one turns the values around first. */
static void choices(const Flow *f, TSNode n, const Names *ns, int *low, int *high, bool *unknown) {
    if (parse_is(n, "function_definition") || parse_is(n, "class_definition")) return;
    if (parse_is(n, "call")) {
        TSNode fn = parse_field(n, "function"), args = parse_field(n, "arguments"), name = fn;
        bool method = parse_is(fn, "attribute");
        if (method) name = parse_field(fn, "attribute");
        /* the values are the arguments, or the receiver of a method (t.argmin(), xs.sort()) */
        bool reads = reads_names(f, args, ns) || (method && reads_names(f, parse_field(fn, "object"), ns));
        static const char *const lows[] = {"min", "argmin", "nanargmin", "nsmallest"};
        static const char *const highs[] = {"max", "argmax", "nanargmax", "nlargest"};
        int dir = 0;
        for (size_t i = 0; i < sizeof lows / sizeof *lows && reads && !dir; i++) {
            if (parse_text_eq(f->src, name, lows[i])) dir = -1;
            if (parse_text_eq(f->src, name, highs[i])) dir = 1;
        }
        if (reads && (parse_text_eq(f->src, name, "sorted") || (method && parse_text_eq(f->src, name, "sort"))))
            dir = reversed_order(f->src, args) ? 1 : -1;
        if (dir && flips(f, args, ns)) *unknown = true;
        else if (dir < 0) (*low)++;
        else if (dir > 0) (*high)++;
    }
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++)
        choices(f, parse_named_child(n, i), ns, low, high, unknown);
}

/* The statements under n that read a name of ns: does one turn the values around? */
static bool flow_flips(const Flow *f, TSNode n, const Names *ns) {
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++) {
        TSNode c = parse_named_child(n, i);
        if (parse_is(c, "function_definition") || parse_is(c, "class_definition") || parse_is(c, "lambda")) continue;
        if (parse_is(c, "expression_statement") || parse_is(c, "return_statement")) {
            if (reads_names(f, c, ns) && flips(f, c, ns)) return true;
        } else if (flow_flips(f, c, ns)) {
            return true;
        }
    }
    return false;
}

/* The order of one call site `call` of the function, in the body of the def it is in (or the
 * module's code): its values by data flow, then what chooses among them. */
static void site_order(const Source *src, TSNode call, int *low, int *high, bool *unknown) {
    TSNode scope = parse_parent(call);
    while (!ts_node_is_null(scope) && !parse_is(scope, "function_definition") && !parse_is(scope, "module"))
        scope = parse_parent(scope);
    if (parse_is(scope, "function_definition")) scope = parse_field(scope, "body");
    if (ts_node_is_null(scope)) return;
    const Flow flow = {src, ts_node_start_byte(call), ts_node_end_byte(call)}, *f = &flow;
    Names ns = {.count = 0};
    for (int pass = 0; pass < 8 && flow_pass(f, scope, &ns); pass++)
        ;
    if (flow_flips(f, scope, &ns)) {
        *unknown = true;
        return;
    }
    choices(f, scope, &ns, low, high, unknown);
}

/* Does n name the function `name` (name, x.name) or hold a lambda whose body calls it? */
static bool names_function(const Source *src, TSNode n, const char *name, size_t len) {
    if (parse_is(n, "keyword_argument")) n = parse_field(n, "value");
    if (parse_is(n, "attribute")) n = parse_field(n, "attribute");
    if (parse_is(n, "identifier")) {
        size_t l;
        const char *s = parse_text(src, n, &l);
        return l == len && !memcmp(s, name, len);
    }
    if (parse_is(n, "call")) return names_function(src, parse_field(n, "function"), name, len);
    if (!parse_is(n, "lambda")) return false;
    TSNode body = parse_field(n, "body");
    if (parse_is(body, "unary_operator")) return false; /* lambda t: -f(t): maximised */
    for (int depth = 0; parse_is(body, "call") && depth < 4; depth++) { /* lambda t: float(f(t, x)) */
        if (names_function(src, parse_field(body, "function"), name, len)) return true;
        body = parse_named_child(parse_field(body, "arguments"), 0);
    }
    return false;
}

/* Is `call` an optimiser (scipy.optimize's minimize and friends) handed the function `name` to
 * minimise? The value such a function returns is a loss: its callers take the lowest. */
static bool minimiser_of(const Source *src, TSNode call, const char *name, size_t len) {
    static const char *const minimisers[] = {"minimize", "minimize_scalar", "fmin", "fmin_bfgs", "fmin_l_bfgs_b",
                                             "fmin_powell", "fmin_cg", "fminbound", "brent", "golden",
                                             "least_squares", "basinhopping", "differential_evolution",
                                             "dual_annealing", "shgo"};
    TSNode fn = parse_field(call, "function");
    if (parse_is(fn, "attribute")) fn = parse_field(fn, "attribute");
    bool known = false;
    for (size_t i = 0; i < sizeof minimisers / sizeof *minimisers && !known; i++)
        known = parse_text_eq(src, fn, minimisers[i]);
    TSNode args = parse_field(call, "arguments");
    if (!known || ts_node_named_child_count(args) == 0) return false;
    TSNode first = parse_named_child(args, 0);
    for (uint32_t i = 0; i < ts_node_named_child_count(args); i++) { /* fun=f, func=f */
        TSNode a = parse_named_child(args, i);
        if (parse_is(a, "keyword_argument") && (parse_text_eq(src, parse_field(a, "name"), "fun") ||
                                                parse_text_eq(src, parse_field(a, "name"), "func")))
            first = a;
    }
    return !parse_is(first, "call") && names_function(src, first, name, len);
}

/* The calls of `name` (name(...) or x.name(...)) under n, outside `def` itself, and the
 * optimisers it is handed to. */
static void calls_of(const Source *src, TSNode n, TSNode def, const char *name, size_t len, int *low, int *high,
                     bool *unknown, int depth) {
    if (ts_node_eq(n, def) || depth > 200) return;
    if (parse_is(n, "call")) {
        TSNode fn = parse_field(n, "function");
        if (parse_is(fn, "attribute")) fn = parse_field(fn, "attribute");
        size_t fl;
        const char *fs = parse_is(fn, "identifier") ? parse_text(src, fn, &fl) : NULL;
        if (fs && fl == len && !memcmp(fs, name, len)) site_order(src, n, low, high, unknown);
        if (minimiser_of(src, n, name, len)) (*low)++;
    }
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++)
        calls_of(src, parse_named_child(n, i), def, name, len, low, high, unknown, depth + 1);
}

/* Does a call under n take a log (log, log_softmax, log_prob, ...)? */
static bool takes_log(const Source *src, TSNode n) {
    if (parse_is(n, "lambda")) return false;
    if (parse_is(n, "call")) {
        TSNode fn = parse_field(n, "function");
        if (parse_is(fn, "attribute")) fn = parse_field(fn, "attribute");
        size_t len;
        const char *s = parse_is(fn, "identifier") ? parse_text(src, fn, &len) : NULL;
        if (s && len >= 3 && !memcmp(s, "log", 3)) return true;
    }
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++)
        if (takes_log(src, parse_named_child(n, i))) return true;
    return false;
}

/* Is v (inside float(...), (...), .item()) the negated mean or sum of logs, -mean(log p): a
 * negative log-likelihood? */
static bool negated_log_aggregate(const Source *src, TSNode v) {
    for (int depth = 0; depth < 4; depth++) {
        TSNode fn = parse_is(v, "call") ? parse_field(v, "function") : (TSNode){0};
        if (parse_is(v, "parenthesized_expression")) v = parse_named_child(v, 0);
        else if (parse_is(fn, "identifier") && parse_text_eq(src, fn, "float"))
            v = parse_named_child(parse_field(v, "arguments"), 0);
        else if (parse_is(fn, "attribute") && parse_text_eq(src, parse_field(fn, "attribute"), "item"))
            v = parse_field(fn, "object");
        else break;
    }
    if (!parse_is(v, "unary_operator") || !parse_text_eq(src, parse_field(v, "operator"), "-")) return false;
    TSNode arg = parse_field(v, "argument");
    if (parse_is(arg, "parenthesized_expression")) arg = parse_named_child(arg, 0);
    TSNode fn = parse_is(arg, "call") ? parse_field(arg, "function") : (TSNode){0};
    if (parse_is(fn, "attribute")) fn = parse_field(fn, "attribute");
    static const char *const aggregates[] = {"mean", "sum", "nanmean", "nansum"};
    bool agg = false;
    for (size_t i = 0; i < sizeof aggregates / sizeof *aggregates && !agg; i++)
        agg = parse_text_eq(src, fn, aggregates[i]);
    return agg && takes_log(src, arg);
}

/* Every return of n (nested defs left out) returns a negative log-likelihood; *count of them. */
static bool returns_nll(const Source *src, TSNode n, int *count) {
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++) {
        TSNode c = parse_named_child(n, i);
        if (parse_is(c, "function_definition") || parse_is(c, "class_definition") || parse_is(c, "lambda")) continue;
        if (parse_is(c, "return_statement")) {
            if (!negated_log_aggregate(src, parse_named_child(c, 0))) return false;
            (*count)++;
        } else if (!returns_nll(src, c, count)) {
            return false;
        }
    }
    return true;
}

int verify_exec_flow_order(const Source *src, TSNode root, const Source *def_src, TSNode def) {
    if (!parse_is(def, "function_definition")) return 0;
    size_t len;
    const char *name = parse_text(def_src, parse_field(def, "name"), &len);
    int low = 0, high = 0;
    bool unknown = false;
    calls_of(src, root, def, name, len, &low, &high, &unknown, 0);
    if (!unknown && (low != 0) != (high != 0)) return low ? -1 : 1;
    /* no caller tells (or they turn the values around first): a function returning
     * -mean(log p) returns a loss */
    int nll = 0;
    return returns_nll(def_src, parse_field(def, "body"), &nll) && nll > 0 ? -1 : 0;
}

bool verify_exec_holds_floats(const ExecValue *v) {
    if ((v->kind == XV_LIST || v->kind == XV_TUPLE) && v->seq.n > 0) v = v->seq.items[0];
    return v->kind == XV_FLOAT || (v->kind == XV_TENSOR && exec_dtype_is_float(v->t->dtype));
}

/* Does x hold n floats (a list of n, or a float tensor of n elements)? */
static bool n_floats(const ExecValue *x, int n) {
    if (x->kind == XV_TENSOR) return x->t->n == n && exec_dtype_is_float(x->t->dtype);
    if (x->kind != XV_LIST || x->seq.n != n) return false;
    for (int i = 0; i < n; i++)
        if (x->seq.items[i]->kind != XV_FLOAT) return false;
    return true;
}

int verify_exec_batch_item(const ExecValue *v, int n, int flowing) {
    if (v->kind != XV_TUPLE || v->seq.n > 4) return -1;
    if (flowing >= 0 && flowing < v->seq.n && n_floats(v->seq.items[flowing], n)) return flowing;
    int found = -1;
    for (int i = 0; i < v->seq.n; i++)
        if (n_floats(v->seq.items[i], n)) {
            if (found >= 0) return -1; /* two: which one scores is not known */
            found = i;
        }
    return found;
}
