/* Branches on configuration: a condition that reads only what is fixed for the whole run (the
 * parsed command line, an object's settings, module constants) picks one arm for the run, and
 * the run goes on with that arm's values to the end of the block. The interpreter then runs
 * the rest of the block once per arm (facts.c, exec_branches) instead of joining the arms: a
 * mask that drops the prompt on the encoder-decoder arm does not hide that the decoder-only
 * arm's mask keeps it, and a model chosen by `args.model` keeps its class on each arm.
 *
 * A condition that reads a parameter or a local value is no such branch: the caller, or the
 * data, decides it (`loss(..., normalized=False)` may never be called), and its arms join. */
#include <stdlib.h>
#include <string.h>

#include "facts_svc.h"

int32_t *branch_memo_slot(CondMemo *m, const void *a, const void *b);

/* Is ident the first parameter of the method (a def in a class body) it is read in? The text
 * alone says: once per identifier (a walk up its parents, each of which tree-sitter finds from
 * the root down). */
static bool first_param_of_method(Interp *in, TSNode ident, const char *name, size_t len) {
    int32_t *known = branch_memo_slot(&in->self_roots, ident.id, NULL);
    if (*known) return *known > 0;
    TSNode def = parse_parent(ident);
    while (!ts_node_is_null(def) && !parse_is(def, "function_definition"))
        def = parse_parent(def);
    TSNode cls = parse_parent(parse_parent(def)); /* def in a class body (block) */
    if (parse_is(cls, "decorated_definition")) cls = parse_parent(parse_parent(cls));
    TSNode params = parse_field(def, "parameters");
    TSNode first = ts_node_is_null(params) ? params : parse_named_child(params, 0);
    size_t first_len = 0;
    const char *first_name =
        parse_is(first, "identifier") ? parse_text(in->src, first, &first_len) : NULL;
    bool is_first = parse_is(cls, "class_definition") && first_name && first_len == len &&
                    !memcmp(first_name, name, len);
    *branch_memo_slot(&in->self_roots, ident.id, NULL) = is_first ? 1 : -1;
    return is_first;
}

/* Is the root name of a condition's operand fixed for the run: a name of the module read from
 * a function (not rebound in it), a module name read at the top level that holds no tensor,
 * or the object of an attribute that is the first parameter of a method (self.config.x)? */
static bool config_root(Interp *in, TSNode ident, bool attr_object) {
    size_t len;
    const char *name = parse_text(in->src, ident, &len);
    if (in->frame != in->module) {
        if (!env_find(in, &in->frame->env, name, len)) return true; /* the module's, a builtin */
        return attr_object && first_param_of_method(in, ident, name, len);
    }
    Binding *b = env_find(in, &in->frame->env, name, len);
    if (!b) return true;
    const Fact *f = &b->fact;
    /* values of data (a batch read at the top level, a loop's element) decide nothing for
     * the run */
    return !(f->flags & (FF_LOOPVAR | FF_STEPVAR)) && !f->kinds && !fact_is_tensorish(f);
}

/* Does the condition read what target (an assignment's target) names: the same text, or an
 * attribute or item of it (self.cache written, self.cache.ready read)? */
static bool reads_target(Interp *in, TSNode cond, const char *t, size_t tlen, int depth) {
    if (ts_node_is_null(cond) || depth > 32) return false;
    if (parse_is(cond, "identifier") || parse_is(cond, "attribute") ||
        parse_is(cond, "subscript")) {
        size_t len;
        const char *text = parse_text(in->src, cond, &len);
        if (len >= tlen && !memcmp(text, t, tlen) &&
            (len == tlen || text[tlen] == '.' || text[tlen] == '['))
            return true;
    }
    if (parse_is(cond, "attribute")) /* not its attribute's name: args.model is no `model` */
        return reads_target(in, parse_field(cond, "object"), t, tlen, depth + 1);
    uint32_t n = ts_node_named_child_count(cond);
    for (uint32_t i = 0; i < n; i++)
        if (reads_target(in, parse_named_child(cond, i), t, tlen, depth + 1)) return true;
    return false;
}

/* A function, class or lambda defined in code: another scope, not looked into. */
static bool other_scope(TSNode code) {
    return parse_is(code, "function_definition") || parse_is(code, "class_definition") ||
           parse_is(code, "lambda");
}

/* Does an assignment to `left` (a, self.b = ...: each target) write what the condition reads? */
static bool target_read(Interp *in, TSNode left, TSNode cond) {
    bool many = parse_is(left, "pattern_list") || parse_is(left, "tuple_pattern");
    uint32_t nt = many ? ts_node_named_child_count(left) : 1;
    for (uint32_t i = 0; i < nt; i++) {
        size_t tlen;
        const char *text = parse_text(in->src, many ? parse_named_child(left, i) : left, &tlen);
        if (reads_target(in, cond, text, tlen, 0)) return true;
    }
    return false;
}

static bool is_assignment(TSNode code) {
    return parse_is(code, "assignment") || parse_is(code, "augmented_assignment");
}

/* Does code assign anything the condition reads? */
static bool writes_read(Interp *in, TSNode code, TSNode cond, int depth) {
    if (ts_node_is_null(code) || depth > 64 || (depth > 0 && other_scope(code))) return false;
    if (is_assignment(code) && target_read(in, parse_field(code, "left"), cond)) return true;
    uint32_t n = ts_node_named_child_count(code);
    for (uint32_t i = 0; i < n; i++)
        if (writes_read(in, parse_named_child(code, i), cond, depth + 1)) return true;
    return false;
}

/* The memos of what the text alone decides (config_cond's scope walk, an arm's writes, a
 * method's first parameter, a row-start pad test, a name's scope), by a pair of node ids: 1 yes,
 * -1 no, or a number (a scope's index + 1); 0 not known. */
static size_t memo_slot(const void *a, const void *b, size_t cap) {
    uintptr_t h = (uintptr_t)a ^ ((uintptr_t)b * 0x9E3779B97F4A7C15u);
    h ^= h >> 17;
    h *= 0x9E3779B97F4A7C15u;
    return (size_t)(h >> 7) & (cap - 1);
}

int32_t *branch_memo_slot(CondMemo *m, const void *a, const void *b) {
    if ((m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        CondMemo grown = {util_xcalloc(cap * 2, sizeof *m->keys),
                          util_xcalloc(cap, sizeof *m->vals), cap, 0};
        for (size_t i = 0; i < m->cap; i++)
            if (m->keys[2 * i])
                *branch_memo_slot(&grown, m->keys[2 * i], m->keys[2 * i + 1]) = m->vals[i];
        branch_free_memo(m);
        *m = grown;
    }
    size_t i = memo_slot(a, b, m->cap);
    while (m->keys[2 * i] && (m->keys[2 * i] != a || m->keys[2 * i + 1] != b))
        i = (i + 1) & (m->cap - 1);
    if (!m->keys[2 * i]) {
        m->keys[2 * i] = a;
        m->keys[2 * i + 1] = b;
        m->n++;
    }
    return &m->vals[i];
}

void branch_free_memo(CondMemo *m) {
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* The assignments of a scope, listed once by a walk as writes_read's: config_cond tests each
 * condition against the list instead of walking the scope (a module) again (5% of a run's
 * instructions went there). */
typedef struct ScopeWrite {
    TSNode target;  /* the assignment's left side */
    uint32_t start; /* where the assignment starts */
    bool plain;     /* a statement of the scope's own block (not in a branch or a loop) */
} ScopeWrite;
typedef struct ScopeWrites {
    Array(ScopeWrite) writes;
} ScopeWrites;

static void list_writes(TSNode code, TSNode scope, ScopeWrites *out, int depth) {
    if (ts_node_is_null(code) || depth > 64 || (depth > 0 && other_scope(code))) return;
    if (is_assignment(code)) {
        TSNode stmt = parse_parent(code);
        bool plain =
            parse_is(stmt, "expression_statement") && ts_node_eq(parse_parent(stmt), scope);
        array_push(&out->writes,
                   ((ScopeWrite){parse_field(code, "left"), ts_node_start_byte(code), plain}));
    }
    uint32_t n = ts_node_named_child_count(code);
    for (uint32_t i = 0; i < n; i++)
        list_writes(parse_named_child(code, i), scope, out, depth + 1);
}

static const ScopeWrites *scope_writes(Interp *in, TSNode scope) {
    static const char listed; /* second key of the memo: no node's id */
    int32_t *known = branch_memo_slot(&in->cond_written, scope.id, &listed);
    if (*known) return &in->scope_writes.items[*known - 1];
    ScopeWrites sw = {0};
    list_writes(scope, scope, &sw, 0);
    array_push(&in->scope_writes, sw);
    *branch_memo_slot(&in->cond_written, scope.id, &listed) = (int32_t)in->scope_writes.len;
    return &in->scope_writes.items[in->scope_writes.len - 1];
}

/* Does the scope assign anything the condition reads, other than by a plain statement of its
 * own block before byte `before` (args = parser.parse_args() before the test: fixed from there
 * on)? From the scope's list. */
static bool scope_writes_read(Interp *in, TSNode scope, TSNode cond, uint32_t before) {
    if (ts_node_is_null(scope)) return false;
    const ScopeWrites *sw = scope_writes(in, scope);
    for (size_t w = 0; w < sw->writes.len; w++) {
        const ScopeWrite *write = &sw->writes.items[w];
        if (!(write->plain && write->start < before) && target_read(in, write->target, cond))
            return true;
    }
    return false;
}

void branch_free(Interp *in) {
    for (size_t i = 0; i < in->scope_writes.len; i++)
        array_free(&in->scope_writes.items[i].writes);
    array_free(&in->scope_writes);
    branch_free_memo(&in->cond_written);
    branch_free_memo(&in->unassigned);
}

/* Only names, attributes, string-keyed items, literals, comparisons and boolean operators: a
 * call may read anything. */
static bool config_expr(Interp *in, TSNode n, bool attr_object, int depth) {
    n = parse_unparen(n);
    if (ts_node_is_null(n) || depth > 16) return false;
    if (parse_is(n, "identifier")) return config_root(in, n, attr_object);
    if (parse_is(n, "string") || parse_is(n, "integer") || parse_is(n, "float") ||
        parse_is(n, "true") || parse_is(n, "false") || parse_is(n, "none"))
        return true;
    if (parse_is(n, "attribute")) return config_expr(in, parse_field(n, "object"), true, depth + 1);
    if (parse_is(n, "subscript")) {
        size_t len;
        return svc_string_key(in, parse_field(n, "subscript"), &len) &&
               config_expr(in, parse_field(n, "value"), true, depth + 1);
    }
    if (!parse_is(n, "comparison_operator") && !parse_is(n, "boolean_operator") &&
        !parse_is(n, "not_operator"))
        return false;
    uint32_t count = ts_node_named_child_count(n);
    for (uint32_t i = 0; i < count; i++)
        if (!config_expr(in, parse_named_child(n, i), false, depth + 1)) return false;
    return true;
}

/* A condition of the if statement: fixed for the run by what it reads, and what it reads is
 * written in its scope (the function, or the module) only by plain statements before the if
 * (not in a branch or a loop, not after: `if self.cache is None: self.cache = ...` changes
 * what the next test of it says). */
static bool config_cond(Interp *in, TSNode if_stmt, TSNode cond) {
    if (!config_expr(in, cond, false, 0)) return false;
    /* the text alone decides what follows: once per condition (the scope may be a module) */
    int32_t *known = branch_memo_slot(&in->cond_written, cond.id, NULL);
    if (*known) return *known > 0;
    TSNode scope = parse_parent(if_stmt);
    while (!ts_node_is_null(scope) && !parse_is(scope, "function_definition") &&
           !parse_is(scope, "module"))
        scope = parse_parent(scope);
    if (parse_is(scope, "function_definition")) scope = parse_field(scope, "body");
    bool fixed = !scope_writes_read(in, scope, cond, ts_node_start_byte(if_stmt));
    known = branch_memo_slot(&in->cond_written, cond.id, NULL); /* (the table may have grown) */
    *known = fixed ? 1 : -1;
    return fixed;
}

bool branch_by_config(Interp *in, TSNode if_stmt) {
    if (!config_cond(in, if_stmt, parse_field(if_stmt, "condition"))) return false;
    uint32_t n = ts_node_named_child_count(if_stmt);
    for (uint32_t i = 0; i < n; i++) {
        TSNode alt = parse_named_child(if_stmt, i);
        if (parse_is(alt, "elif_clause") &&
            !config_cond(in, if_stmt, parse_field(alt, "condition")))
            return false;
    }
    return true;
}

/* ---- conditions tested again: `if args.model == "rnn"` picks the same arm each time ---- */

/* The same text in the same file. */
static bool same_text(Interp *in, TSNode a, TSNode b) {
    return a.tree == b.tree && parse_same_text(in->src, a, b);
}

/* x == k and x != k: the one operator of a comparison of two operands, else NULL. */
static TSNode equality_op(TSNode n) {
    if (!parse_is(n, "comparison_operator") || ts_node_named_child_count(n) != 2 ||
        ts_node_child_count(n) != 3)
        return (TSNode){0};
    return ts_node_child(n, 1);
}

/* 1: b holds when a does and fails when it fails; -1: b is a's negation; 0: not known. */
static int relation(Interp *in, TSNode a, TSNode b) {
    a = parse_unparen(a);
    b = parse_unparen(b);
    if (parse_is(a, "not_operator")) return -relation(in, parse_field(a, "argument"), b);
    if (parse_is(b, "not_operator")) return -relation(in, a, parse_field(b, "argument"));
    if (same_text(in, a, b)) return 1;
    TSNode oa = equality_op(a), ob = equality_op(b);
    if (ts_node_is_null(oa) || ts_node_is_null(ob) ||
        !same_text(in, parse_named_child(a, 0), parse_named_child(b, 0)) ||
        !same_text(in, parse_named_child(a, 1), parse_named_child(b, 1)))
        return 0;
    bool eq_a = parse_text_eq(in->src, oa, "=="), eq_b = parse_text_eq(in->src, ob, "==");
    bool ne_a = parse_text_eq(in->src, oa, "!="), ne_b = parse_text_eq(in->src, ob, "!=");
    if (!(eq_a || ne_a) || !(eq_b || ne_b)) return 0;
    return eq_a == eq_b ? 1 : -1;
}

/* Does the arm assign what the condition reads? Once per condition and arm. */
static bool arm_writes_read(Interp *in, TSNode cond, TSNode arm) {
    if (ts_node_is_null(arm)) return false;
    int32_t *known = branch_memo_slot(&in->cond_written, cond.id, arm.id);
    if (*known) return *known > 0;
    bool writes = writes_read(in, arm, cond, 0);
    *branch_memo_slot(&in->cond_written, cond.id, arm.id) = writes ? 1 : -1;
    return writes;
}

void branch_assume(Interp *in, TSNode cond, bool truth, TSNode arm) {
    if (!arm_writes_read(in, cond, arm)) array_push(&in->assumed, ((BranchAssumed){cond, truth}));
}

void branch_forget(Interp *in, size_t mark) {
    if (in->assumed.len > mark) in->assumed.len = mark;
}

int branch_assumed_truth(Interp *in, TSNode cond) {
    for (size_t i = in->assumed.len; i-- > 0;) {
        int r = relation(in, in->assumed.items[i].cond, cond);
        if (r) return (r > 0) == in->assumed.items[i].truth;
    }
    return -1;
}

/* ---- a condition on local names tested again: both tests take the same arm ---- */

/* Only names, literals, comparisons and boolean operators: nothing a call in between may
 * change (an attribute or an item of an object may be changed by any call; a local name only by
 * an assignment to it). */
static bool names_only(TSNode n, int depth) {
    n = parse_unparen(n);
    if (ts_node_is_null(n) || depth > 16) return false;
    if (parse_is(n, "identifier") || parse_is(n, "string") || parse_is(n, "integer") ||
        parse_is(n, "true") || parse_is(n, "false") || parse_is(n, "none"))
        return true;
    if (!parse_is(n, "comparison_operator") && !parse_is(n, "boolean_operator") &&
        !parse_is(n, "not_operator"))
        return false;
    uint32_t count = ts_node_named_child_count(n);
    for (uint32_t i = 0; i < count; i++)
        if (!names_only(parse_named_child(n, i), depth + 1)) return false;
    return true;
}

/* Is cond (or its negation) the condition of an if or elif in code? Functions and classes
 * defined there are other scopes, not looked into. */
static bool tests_again(Interp *in, TSNode code, TSNode cond, int depth) {
    if (ts_node_is_null(code) || depth > 64 || other_scope(code)) return false;
    if ((parse_is(code, "if_statement") || parse_is(code, "elif_clause")) &&
        relation(in, cond, parse_field(code, "condition")))
        return true;
    uint32_t n = ts_node_named_child_count(code);
    for (uint32_t i = 0; i < n; i++)
        if (tests_again(in, parse_named_child(code, i), cond, depth + 1)) return true;
    return false;
}

bool branch_tested_again(Interp *in, TSNode if_stmt, TSNode rest) {
    TSNode cond = parse_field(if_stmt, "condition");
    if (ts_node_is_null(rest) || !names_only(cond, 0) ||
        ts_node_named_child_count(if_stmt) > 3) /* if / else only: one condition */
        return false;
    for (uint32_t i = 0; i < ts_node_named_child_count(if_stmt); i++)
        if (parse_is(parse_named_child(if_stmt, i), "elif_clause")) return false;
    /* the text alone decides: once per statement */
    int32_t *known = branch_memo_slot(&in->cond_written, if_stmt.id, cond.id);
    if (*known) return *known > 0;
    bool again = false, written = false;
    for (TSNode s = rest; !ts_node_is_null(s) && !written; s = ts_node_next_named_sibling(s)) {
        again |= tests_again(in, s, cond, 0);
        written = writes_read(in, s, cond, 0);
    }
    bool split = again && !written;
    *branch_memo_slot(&in->cond_written, if_stmt.id, cond.id) = split ? 1 : -1;
    return split;
}
