/* facts_prompts: whether the prompt of a join (prompt_ids + cont_ids) differs from one row to
 * the next, for LL106. A plain sum of the log-probs of prompt + continuation is log Pr(prompt)
 * + log Pr(y|x): ranking the continuations of one prompt by it is right (the prompt adds the
 * same constant to each), but rows of different prompts each carry their own log Pr(prompt),
 * so a value read per row (a confidence, a PMI, a preference margin) is off by it.
 *
 * The prompt differs per row when the join sits in a loop (or comprehension) and its prompt
 * part is made from that loop's variable or from a name the loop's body assigns from it. A
 * prompt made before the innermost loop (the loop over one prompt's candidates) is shared,
 * whatever outer loop it varies with. A join in no loop of its function differs per row when
 * its prompt comes from a value its caller passes per iteration (a loop variable). A prompt
 * joined to two continuations there (chosen = p + c, rejected = p + r) is shared by those rows,
 * as a loop's candidates share theirs. Text so made counts as ids do: a template filled (or an
 * f-string) has its last field as the continuation, the fields before it as the prompt. */
#include <ctype.h>
#include <stdlib.h>

#include "facts_svc.h"

enum { VARY_DEPTH = 4, FILL_MAX = 8 };

/* The innermost loop around n in its function: a for or while statement, or a comprehension
 * (the join inside it is made once per element). */
static TSNode enclosing_loop(TSNode n) {
    for (TSNode up = parse_parent(n); !ts_node_is_null(up); up = parse_parent(up)) {
        if (parse_is(up, "function_definition") || parse_is(up, "lambda")) break;
        if (parse_is(up, "for_statement") || parse_is(up, "while_statement") ||
            parse_is(up, "list_comprehension") || parse_is(up, "generator_expression") ||
            parse_is(up, "set_comprehension") || parse_is(up, "dictionary_comprehension"))
            return up;
    }
    return (TSNode){0};
}

/* Does the pattern (a for target, an assignment's left side) bind a name of id's text? */
static bool binds(const Source *src, TSNode pattern, TSNode id) {
    pattern = parse_unparen(pattern);
    if (parse_is(pattern, "identifier")) return parse_same_text(src, pattern, id);
    if (!parse_is(pattern, "pattern_list") && !parse_is(pattern, "tuple_pattern") &&
        !parse_is(pattern, "list_pattern") && !parse_is(pattern, "tuple") &&
        !parse_is(pattern, "list"))
        return false;
    for (uint32_t i = 0, n = ts_node_named_child_count(pattern); i < n; i++)
        if (binds(src, parse_named_child(pattern, i), id)) return true;
    return false;
}

/* Is id the loop's own variable (a for target, a comprehension's last for clause)? A variable
 * of an earlier clause ([q + c for q, cs in items for c in cs]) is an outer loop's: the rows of
 * the last clause share it. */
static bool loop_variable(const Source *src, TSNode loop, TSNode id) {
    if (parse_is(loop, "for_statement")) return binds(src, parse_field(loop, "left"), id);
    TSNode last = {0};
    for (uint32_t i = 0, n = ts_node_named_child_count(loop); i < n; i++) {
        TSNode c = parse_named_child(loop, i);
        if (parse_is(c, "for_in_clause")) last = c;
    }
    return !ts_node_is_null(last) && binds(src, parse_field(last, "left"), id);
}

static bool expr_varies(Interp *in, TSNode expr, TSNode loop, int depth, bool args);

/* The body of the function n is in (null: module level). */
static TSNode function_body(TSNode n) {
    for (TSNode up = parse_parent(n); !ts_node_is_null(up); up = parse_parent(up))
        if (parse_is(up, "function_definition")) return parse_field(up, "body");
    return (TSNode){0};
}

/* The right side of an assignment to id inside the loop's body, before `before` (null: none). */
static TSNode assigned_in(Interp *in, TSNode scope, TSNode id, uint32_t before, int depth) {
    if (depth > 32 || ts_node_start_byte(scope) >= before) return (TSNode){0};
    if (parse_is(scope, "function_definition") || parse_is(scope, "class_definition"))
        return (TSNode){0};
    if (parse_is(scope, "assignment") && binds(in->src, parse_field(scope, "left"), id))
        return parse_field(scope, "right");
    for (uint32_t i = 0, n = ts_node_named_child_count(scope); i < n; i++) {
        TSNode r = assigned_in(in, parse_named_child(scope, i), id, before, depth + 1);
        if (!ts_node_is_null(r)) return r;
    }
    return (TSNode){0};
}

/* assigned_in before id, of a body where no assignment to it came before it: asked again at
 * every call of the function (the walk of the body was 3% of a run's instructions); that much
 * the text alone decides. */
static TSNode assigned_before(Interp *in, TSNode body, TSNode id) {
    if (*branch_memo_slot(&in->unassigned, body.id, id.id)) return (TSNode){0};
    TSNode rhs = assigned_in(in, body, id, ts_node_start_byte(id), 0);
    if (ts_node_is_null(rhs)) *branch_memo_slot(&in->unassigned, body.id, id.id) = 1;
    return rhs;
}

/* Does a name in expr take a new value in each iteration of the loop (null loop: in each call
 * its caller makes from a loop; with args, also when the argument the running call gave a
 * parameter takes a new value in each iteration of the loop around that call)? Field names
 * (x.attr) and keywords (f(k=v)) are no names. */
static bool expr_varies(Interp *in, TSNode expr, TSNode loop, int depth, bool args) {
    if (depth > VARY_DEPTH || ts_node_is_null(expr)) return false;
    if (parse_is(expr, "identifier")) {
        TSNode body;
        if (ts_node_is_null(loop)) { /* the caller's per-iteration value, or one made of it */
            bool found;
            Fact f = svc_lookup_key(in, expr, &found);
            if (found && (f.flags & FF_LOOPVAR)) return true;
            TSNode arg = args ? byuse_caller_argument(in, expr) : (TSNode){0};
            TSNode outer = ts_node_is_null(arg) ? arg : enclosing_loop(arg);
            if (!ts_node_is_null(outer) && expr_varies(in, arg, outer, depth + 1, false))
                return true;
            body = function_body(expr);
        } else if (loop_variable(in->src, loop, expr)) {
            return true;
        } else {
            body = parse_is(loop, "for_statement") || parse_is(loop, "while_statement")
                       ? parse_field(loop, "body")
                       : loop;
        }
        if (ts_node_is_null(body)) return false;
        TSNode rhs = assigned_before(in, body, expr);
        return !ts_node_is_null(rhs) && expr_varies(in, rhs, loop, depth + 1, args);
    }
    if (parse_is(expr, "attribute"))
        return expr_varies(in, parse_field(expr, "object"), loop, depth, args);
    for (uint32_t i = 0, n = ts_node_named_child_count(expr); i < n; i++) {
        TSNode c = parse_named_child(expr, i);
        if (parse_is(c, "keyword_argument")) c = parse_field(c, "value");
        if (expr_varies(in, c, loop, depth, args)) return true;
    }
    return false;
}

/* Is the prompt (a name) joined to another continuation in scope too (chosen = p + c,
 * rejected = p + r)? Those rows share it: a difference of their sums cancels it. */
static bool joined_again(Interp *in, TSNode scope, TSNode join, TSNode prompt, int depth) {
    if (depth > 32 || ts_node_is_null(scope)) return false;
    if (parse_is(scope, "binary_operator") && !ts_node_eq(scope, join) &&
        parse_text_eq(in->src, parse_field(scope, "operator"), "+")) {
        TSNode left = parse_unparen(parse_field(scope, "left"));
        if (parse_is(left, "identifier") && parse_same_text(in->src, left, prompt)) return true;
    }
    for (uint32_t i = 0, n = ts_node_named_child_count(scope); i < n; i++)
        if (joined_again(in, parse_named_child(scope, i), join, prompt, depth + 1)) return true;
    return false;
}

bool prompts_expr_varies(Interp *in, TSNode expr, TSNode at) {
    return expr_varies(in, expr, enclosing_loop(at), 0, true);
}

bool prompts_vary(Interp *in, TSNode join) {
    TSNode prompt = parse_unparen(parse_field(join, "left"));
    if (ts_node_is_null(prompt)) return false;
    TSNode loop = enclosing_loop(join);
    TSNode scope = ts_node_is_null(loop) ? function_body(join) : loop;
    if (parse_is(prompt, "identifier") && joined_again(in, scope, join, prompt, 0)) return false;
    return expr_varies(in, prompt, loop, 0, false);
}

bool prompts_text_vary(Interp *in, TSNode join) {
    TSNode cont = parse_unparen(parse_field(join, "right"));
    return !ts_node_is_null(cont) && prompts_vary(in, join) &&
           expr_varies(in, cont, enclosing_loop(join), 0, false);
}

void prompts_picked(Fact *scores, const Fact *ids) {
    scores->flags |= FF_SELECTED | (ids->flags & (FF_PADDED | FF_JOINED));
    scores->prompt_rows |= ids->prompt_rows;
}

/* text.format(...) of a template written in the code ("Passage: {passage}\nQuestion: {query}"):
 * its last field is the continuation, the fields before it the prompt. Does the argument of a
 * prompt field (by name, or by place: {} or {0}) take a new value in each iteration of the
 * loop making the texts? A field whose argument is not found (**kwargs, a spec) says nothing. */
static TSNode fill_argument(Interp *in, TSNode args, const char *name, size_t len, int place) {
    int k = 0;
    for (uint32_t i = 0, n = ts_node_named_child_count(args); i < n; i++) {
        TSNode a = parse_named_child(args, i);
        if (parse_is(a, "comment")) continue;
        if (parse_is(a, "list_splat") || parse_is(a, "dictionary_splat")) return (TSNode){0};
        if (parse_is(a, "keyword_argument")) {
            size_t kl;
            const char *key = parse_text(in->src, parse_field(a, "name"), &kl);
            if (len && kl == len && !memcmp(key, name, len)) return parse_field(a, "value");
        } else if (k++ == place && !len) {
            return a;
        }
    }
    return (TSNode){0};
}

bool prompts_fill_vary(Interp *in, TSNode call, TSNode template) {
    template = parse_unparen(template);
    TSNode args = parse_field(call, "arguments");
    if (!parse_is(template, "string") || !parse_is(args, "argument_list")) return false;
    size_t len;
    const char *t = parse_text(in->src, template, &len);
    TSNode fields[FILL_MAX];
    int nfields = 0, autonum = 0;
    for (size_t i = 0; i < len; i++) {
        if (t[i] != '{') continue;
        if (i + 1 < len && t[i + 1] == '{') { /* {{: a brace, no field */
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < len && (isalnum((unsigned char)t[j]) || t[j] == '_'))
            j++;
        if (j >= len || (t[j] != '}' && t[j] != ':' && t[j] != '!') || nfields == FILL_MAX)
            return false; /* a[0], x.y, or too many: not followed */
        size_t nl = j - (i + 1);
        bool number = nl && isdigit((unsigned char)t[i + 1]);
        int place = number ? atoi(t + i + 1) : autonum++;
        const char *name = number ? NULL : t + i + 1;
        fields[nfields++] = fill_argument(in, args, name, number ? 0 : nl, place);
        while (j < len && t[j] != '}') /* past a spec ({x:>8}); one nested ({x:{w}}): no */
            if (t[j++] == '{') return false;
        i = j;
    }
    TSNode loop = enclosing_loop(call);
    for (int f = 0; f + 1 < nfields; f++)
        if (expr_varies(in, fields[f], loop, 0, false)) return true;
    return false;
}

/* f"Passage: {p}\nQuestion: {q}": as a template filled, its last interpolation the
 * continuation. */
bool prompts_fstring_vary(Interp *in, TSNode string) {
    TSNode parts[FILL_MAX];
    int n = 0;
    for (uint32_t i = 0, c = ts_node_named_child_count(string); i < c; i++) {
        TSNode k = parse_named_child(string, i);
        if (!parse_is(k, "interpolation")) continue;
        if (n == FILL_MAX) return false;
        parts[n++] = parse_field(k, "expression");
    }
    TSNode loop = enclosing_loop(string);
    for (int f = 0; f + 1 < n; f++)
        if (expr_varies(in, parts[f], loop, 0, false)) return true;
    return false;
}
