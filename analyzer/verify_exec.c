/* verify_exec: the counterexample of a finding computed by the script's own code. The finding's
 * enclosing function is the entry; each parameter is bound by how the code first uses it (a
 * callee given ids is the toy LM, one given text the toy tokenizer, an int the prompt length,
 * a tensor the prompt + candidate ids, text the prompt or the candidate); every candidate of a
 * table is one call. log Pr(y|x) comes from verify_score() on the same table, never from the
 * script. Tables are tried in order (abc, the recipe's counterexample, seeded random ones) and
 * the first on which the script's ranking departs from log Pr(y|x) is kept. A binding under
 * which the toy LM is never read, or every candidate gets the same value, proves nothing and
 * gives way to the next. When neither the enclosing function nor its callers run, the functions
 * whose values the flagged statement ranks are run instead. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "bounds.h"
#include "exec.h"

/* Per finding: tables tried after abc and the recipe's, and the interpreter steps all runs may
 * take together (exec.h, ExecBudget), with the CPU-time safety net behind them. */
enum { EXEC_RANDOM_TABLES = 24, EXEC_MAX_SOURCE = 1 << 20, EXEC_STEPS_PER_FINDING = 1000000 };
#define EXEC_SAFETY_SECONDS 5.0

/* ---- the entry ---- */

/* Why an entry did not give a counterexample: one line for people, and its kind, from which
 * the driver decides what to try next. */
typedef struct {
    char text[200];
    ExecFail kind;
    /* how far the failed run got: the flagged code reached, finished, stopped by something the
     * interpreter lacks (a value of the wrong kind is more often a binding's wrong guess), steps.
     * The attempt that got furthest gives the reason (the first's is often a wrong guess). */
    long progress;
} Why;

static void why_set(Why *w, ExecFail kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void why_set(Why *w, ExecFail kind, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->text, sizeof w->text, fmt, ap);
    va_end(ap);
    w->kind = kind;
}

enum { PROGRESS_GAP = 1L << 39, PROGRESS_FINISHED = 1L << 40, PROGRESS_REACHED = 1L << 41 };

/* Does a run's failure name something the interpreter lacks (a call, a keyword, a name)
 * rather than a value of the wrong kind, which another binding may avoid? */
static bool is_gap(const Why *why) {
    return why->kind == XF_GAP || why->kind == XF_UNDEFINED;
}

/* Keeps in *best the reason of the attempt that got further (the earlier one on a tie). */
static void why_keep_further(Why *best, const Why *w) {
    if (!best->text[0] || w->progress > best->progress) *best = *w;
}

static ExecBudget entry_budget(long steps) {
    return (ExecBudget){.steps_left = steps, .cpu_deadline = bounds_now() + EXEC_SAFETY_SECONDS};
}

typedef struct {
    VerifySource *vs;
    TSNode def;
    TSNode cls;  /* the class of a method entry (null: a function) */
    int n_init;  /* plan parameters that go to the class's __init__ */
    char method[64], cls_name[64];
    uint32_t mark_start, mark_end;
    ExecPlan plan;
    char name[64];
    int line;
    ExecBudget budget;
    int runs;
    int nargs; /* the plan's parameters the entry (and __init__) take; record fields follow */
    bool via_callee; /* the entry computes what the flagged statement (elsewhere) ranks */
    bool varied;     /* on some table, the candidates' values differ */
    /* the entry generates the candidate (given a generation's length, its sampler drew the
     * candidate's tokens): every run of the last table did, and some run on any table did. The
     * candidate reached the run even when every candidate gets the same value (a tie). */
    bool generated, generated_any;
    bool read_cand; /* every run of the binding fed the toy LM its candidate's own text */
    int tuple_item; /* the entry returns a tuple: the item that is its score (0: the first) */
    /* parameters with an integer default are bound by use too (a generation's length that the
     * callers set: `max_new=32` generates the candidate's tokens) */
    bool int_defaults;
    /* a nested entry reads its enclosing def's locals bound by use (that def could not run) */
    bool outer_locals;
    bool read_dist;  /* the entry returns a distribution over the vocabulary at each position of
                        the logits it was given: the verifier reads it at the candidate's tokens */
    /* the entry returns one value per position of the candidate's sequence: the verifier
     * aggregates the candidate's as the recipe does (its caller's part, which does not run) */
    bool read_positions;
    char metric[48]; /* the entry returns a dict of metrics: the key the flagged code computes */
    /* the entry was given every candidate and its flagged expression holds one value each: those
     * values are the scores (the line; whether the code after it stopped) */
    int flagged_line;
    bool flagged_then_stopped;
    bool closure; /* the entry returns a closure (of its own), called: its value is the score */
    /* the entry returns no score: the values its one ranking call chose among are (the call's
     * line, what it was, whether the lowest wins) */
    int rank_line;
    char rank_what[24];
    bool rank_lowest;
    /* the entry is the top-level statement `def` holds (module-level code, "<module>"): the value
     * of the flagged expression, evaluated once per candidate, is its score */
    bool module_unit;
    bool loss; /* the scores are a loss kernel's values: the lowest is the script's pick */
    /* how the entry's callers choose among the values it returns (verify_exec_flow_order): -1
     * the lowest, 1 the highest, 0 unknown (the recipe's direction, or a loss kernel's) */
    int order;
    bool ranked;     /* the entry returns the candidates in its order: each scores n - position */
    const VerifyRecipe *recipe;
    bool reached;
    /* the table's runs met an eps floor in the flagged code (ExecRun.eps_seen); runs take it as 0
     * (eps_off); some table showed a harm the floor had no part in (not the flagged flaw's) */
    bool eps_seen, eps_off, eps_idle_harm;
    bool bound_plan; /* a binding ran: keep it for every table */
    bool past_candidates; /* a run fed the LM a text that is no prompt + candidate: a doubt */
    char stand_ins[VERIFY_MAX_STAND_INS][160]; /* those of the runs that scored the table */
    int n_stand_ins;
} ExecEntry;

static bool is_static(const Source *src, TSNode def) {
    TSNode up = parse_parent(def);
    for (uint32_t k = 0; parse_is(up, "decorated_definition") && k < ts_node_named_child_count(up); k++) {
        TSNode d = parse_named_child(up, k);
        if (parse_is(d, "decorator") && parse_text_eq(src, parse_named_child(d, 0), "staticmethod")) return true;
    }
    return false;
}

/* Is `name` a class at the top level of the module def is in? */
static bool top_class(ExecEntry *e, TSNode def, const char *name, size_t len) {
    int mod = exec_modules_of_tree(&e->vs->mods, def.tree);
    const ExecModule *m = &e->vs->mods.items[mod < 0 ? 0 : mod];
    for (uint32_t i = 0; m->src && i < ts_node_named_child_count(m->root); i++) {
        TSNode c = parse_named_child(m->root, i);
        if (parse_is(c, "decorated_definition")) c = parse_field(c, "definition");
        size_t cl;
        const char *cn = parse_is(c, "class_definition") ? parse_text(m->src, parse_field(c, "name"), &cl) : NULL;
        if (cn && cl == len && !memcmp(cn, name, len)) return true;
    }
    return false;
}

/* Appends the parameters a caller must supply (those with defaults keep them); `skip` leading
 * ones (self) are left out. */
static bool entry_params(ExecEntry *e, TSNode def, int skip, Why *why) {
    TSNode params = parse_field(def, "parameters");
    bool kept_default = false; /* arguments are passed by position: none after a default kept */
    for (uint32_t i = 0; !ts_node_is_null(params) && i < ts_node_named_child_count(params); i++) {
        TSNode p = parse_named_child(params, i);
        bool has_default = parse_is(p, "default_parameter") || parse_is(p, "typed_default_parameter");
        bool int_default = e->int_defaults && skip == 0 && has_default && !kept_default &&
                           parse_is(parse_field(p, "value"), "integer");
        kept_default |= has_default && !int_default;
        if (!parse_is(p, "identifier") && !parse_is(p, "typed_parameter") && !int_default) continue;
        if (skip > 0) {
            skip--;
            continue;
        }
        if (e->plan.nparams == EXEC_MAX_PARAMS) {
            why_set(why, XF_OTHER, "%s() has more than %d parameters", e->name, EXEC_MAX_PARAMS);
            return false;
        }
        size_t len;
        TSNode id = parse_is(p, "identifier") ? p : int_default ? parse_field(p, "name") : parse_named_child(p, 0);
        const char *s = parse_text(&e->vs->src, id, &len);
        /* annotated with a class of the file (cfg: Config): an instance of it */
        TSNode type = parse_is(p, "typed_parameter") ? parse_field(p, "type") : (TSNode){0};
        if (parse_is(type, "type")) type = parse_named_child(type, 0);
        size_t tl;
        const char *ts = parse_is(type, "identifier") ? parse_text(&e->vs->src, type, &tl) : NULL;
        if (ts && tl < sizeof e->plan.inst_class[0] && top_class(e, def, ts, tl))
            snprintf(e->plan.inst_class[e->plan.nparams], sizeof e->plan.inst_class[0], "%.*s", (int)tl, ts);
        snprintf(e->plan.names[e->plan.nparams++], sizeof e->plan.names[0], "%.*s", (int)(len < 30 ? len : 30), s);
    }
    return true;
}

/* Forgets what the last entry's runs decided. */
static void entry_reset(ExecEntry *e, TSNode def) {
    memset(&e->plan, 0, sizeof e->plan);
    e->bound_plan = false;
    e->varied = e->read_dist = e->read_positions = false;
    e->generated = e->generated_any = false;
    e->tuple_item = 0;
    e->metric[0] = '\0';
    e->flagged_line = 0;
    e->flagged_then_stopped = false;
    e->rank_line = 0;
    e->closure = false;
    e->ranked = false;
    e->module_unit = e->loss = false;
    e->eps_idle_harm = false;
    e->order = 0;
    e->def = def;
    e->cls = (TSNode){0};
    e->n_init = e->nargs = 0;
}

/* Makes def the entry: a function, or a method run on an object its class's __init__ builds
 * (the __init__ parameters are bound by use like the method's). */
static bool entry_set(ExecEntry *e, TSNode def, Why *why) {
    entry_reset(e, def);
    e->cls = exec_def_class(def);
    size_t len;
    const char *name = parse_text(&e->vs->src, exec_def_name(def), &len);
    snprintf(e->method, sizeof e->method, "%.*s", (int)(len < 60 ? len : 60), name);
    e->line = (int)ts_node_start_point(def).row + 1;
    int mod = exec_modules_of_tree(&e->vs->mods, def.tree);
    const Source *def_src = mod > 0 && e->vs->mods.items[mod].src ? e->vs->mods.items[mod].src : &e->vs->src;
    e->order = verify_exec_flow_order(&e->vs->src, e->vs->parsed.root, def_src, def);
    if (ts_node_is_null(e->cls)) {
        snprintf(e->name, sizeof e->name, "%s", e->method);
        bool ok = entry_params(e, def, 0, why);
        e->nargs = e->plan.nparams;
        return ok;
    }
    size_t clen;
    const char *cls = parse_text(&e->vs->src, parse_field(e->cls, "name"), &clen);
    snprintf(e->cls_name, sizeof e->cls_name, "%.*s", (int)(clen < 60 ? clen : 60), cls);
    snprintf(e->name, sizeof e->name, "%.*s.%.*s", (int)(clen < 28 ? clen : 28), cls, (int)(len < 28 ? len : 28), name);
    TSNode body = parse_field(e->cls, "body");
    for (uint32_t i = 0; i < ts_node_named_child_count(body); i++) {
        TSNode d = parse_named_child(body, i);
        if (parse_is(d, "decorated_definition")) d = parse_field(d, "definition");
        if (parse_is(d, "function_definition") && parse_text_eq(&e->vs->src, parse_field(d, "name"), "__init__")) {
            if (!entry_params(e, d, 1, why)) return false;
            break;
        }
    }
    e->n_init = e->plan.nparams;
    bool ok = entry_params(e, def, is_static(&e->vs->src, def) ? 0 : 1, why);
    e->nargs = e->plan.nparams;
    return ok;
}

/* The statement of module-level code to run for the flagged node n: the top-level statement
 * holding it, or the one inside a main guard or a top-level try holding it (the guard reads a
 * dunder; the try's handlers never run). */
static TSNode module_unit_stmt(ExecEntry *e, TSNode n) {
    TSNode top = n;
    while (!ts_node_is_null(parse_parent(top)) && !parse_is(parse_parent(top), "module"))
        top = parse_parent(top);
    for (int depth = 0; depth < 8; depth++) {
        TSNode inner = {0};
        if (parse_is(top, "try_statement")) inner = parse_field(top, "body");
        if (parse_is(top, "if_statement")) {
            size_t len;
            const char *cond = parse_text(&e->vs->src, parse_field(top, "condition"), &len);
            char text[64];
            snprintf(text, sizeof text, "%.*s", cond && len < sizeof text ? (int)len : 0, cond ? cond : "");
            bool guard = strstr(text, "__name__") != NULL;
            TSNode then = parse_field(top, "consequence");
            if (guard && ts_node_start_byte(then) <= ts_node_start_byte(n) && ts_node_end_byte(n) <= ts_node_end_byte(then))
                inner = then;
        }
        if (ts_node_is_null(inner)) return top;
        TSNode s = n;
        while (!ts_node_is_null(parse_parent(s)) && !ts_node_eq(parse_parent(s), inner))
            s = parse_parent(s);
        if (ts_node_is_null(parse_parent(s))) return top;
        top = s;
    }
    return top;
}

/* Makes the module-level statement `stmt` the entry: no parameters; what it reads of the module
 * is evaluated, or bound by use when the script loads it (ExecRun.module_unit). */
static void entry_set_unit(ExecEntry *e, TSNode stmt) {
    entry_reset(e, stmt);
    e->module_unit = true;
    e->line = (int)ts_node_start_point(stmt).row + 1;
    snprintf(e->name, sizeof e->name, "<module>");
    snprintf(e->method, sizeof e->method, "<module>");
}

/* Functions of the file that call the entry by name: the next entries to try. */
static int entry_callers(ExecEntry *e, TSNode def, TSNode *out, int max) {
    size_t len;
    const char *name = parse_text(&e->vs->src, exec_def_name(def), &len);
    int n = 0;
    TSTreeCursor c = ts_tree_cursor_new(e->vs->parsed.root);
    for (bool more = true; more && n < max;) {
        TSNode node = ts_tree_cursor_current_node(&c);
        if (parse_is(node, "call")) {
            TSNode f = parse_field(node, "function");
            if (parse_is(f, "attribute")) f = parse_field(f, "attribute");
            size_t fl;
            const char *fs = parse_is(f, "identifier") ? parse_text(&e->vs->src, f, &fl) : NULL;
            TSNode caller = exec_enclosing_def(node);
            bool dup = ts_node_is_null(caller) || ts_node_eq(caller, def);
            for (int k = 0; k < n && !dup; k++)
                dup = ts_node_eq(out[k], caller);
            if (fs && fl == len && !memcmp(fs, name, len) && !dup) out[n++] = caller;
        }
        if (ts_tree_cursor_goto_first_child(&c)) continue;
        while (!ts_tree_cursor_goto_next_sibling(&c))
            if (!ts_tree_cursor_goto_parent(&c)) {
                more = false;
                break;
            }
    }
    ts_tree_cursor_delete(&c);
    return n;
}

/* The top-level def `name` of the tree under root (null: none). */
static TSNode top_def(const Source *src, TSNode root, const char *name, size_t len) {
    for (uint32_t i = 0; i < ts_node_named_child_count(root); i++) {
        TSNode d = parse_named_child(root, i);
        if (parse_is(d, "decorated_definition")) d = parse_field(d, "definition");
        size_t dl;
        const char *dn = parse_is(d, "function_definition") ? parse_text(src, parse_field(d, "name"), &dl) : NULL;
        if (dn && dl == len && !memcmp(dn, name, len)) return d;
    }
    return (TSNode){0};
}

/* The def of another module of the project that `from M import f [as name]` at the top of
 * the file binds to `name` (null: none). */
static TSNode imported_def(ExecEntry *e, const char *name, size_t len) {
    const Source *src = &e->vs->src;
    TSNode root = e->vs->parsed.root;
    for (uint32_t i = 0; i < ts_node_named_child_count(root); i++) {
        TSNode st = parse_named_child(root, i), mod = parse_field(st, "module_name");
        if (!parse_is(st, "import_from_statement")) continue;
        for (uint32_t k = 0; k < ts_node_named_child_count(st); k++) {
            TSNode c = parse_named_child(st, k), orig = c, bound = c;
            if (ts_node_eq(c, mod)) continue;
            if (parse_is(c, "aliased_import")) orig = parse_field(c, "name"), bound = parse_field(c, "alias");
            size_t bl, ol, ml;
            const char *b = parse_text(src, bound, &bl), *o = parse_text(src, orig, &ol), *m = parse_text(src, mod, &ml);
            if (bl != len || memcmp(b, name, len)) continue;
            int level = 0;
            while ((size_t)level < ml && m[level] == '.')
                level++;
            char dotted[200];
            snprintf(dotted, sizeof dotted, "%.*s", (int)ml - level, m + level);
            int at = exec_modules_find(&e->vs->mods, root.tree, level, dotted);
            if (at > 0) return top_def(e->vs->mods.items[at].src, e->vs->mods.items[at].root, o, ol);
        }
    }
    return (TSNode){0};
}

/* The def a call names: NAME, a function at module level (or one imported from another module
 * of the project), or self.NAME, a method defined in `cls` itself (inherited ones are not
 * looked up); null otherwise. */
static TSNode callee_def(ExecEntry *e, TSNode call, TSNode cls) {
    TSNode f = parse_field(call, "function"), scope = e->vs->parsed.root;
    if (parse_is(f, "attribute")) {
        if (ts_node_is_null(cls) || !parse_text_eq(&e->vs->src, parse_field(f, "object"), "self")) return (TSNode){0};
        scope = parse_field(cls, "body");
        f = parse_field(f, "attribute");
    }
    if (!parse_is(f, "identifier")) return (TSNode){0};
    size_t len;
    const char *name = parse_text(&e->vs->src, f, &len);
    TSNode d = top_def(&e->vs->src, scope, name, len);
    if (ts_node_is_null(d) && ts_node_eq(scope, e->vs->parsed.root)) d = imported_def(e, name, len);
    return d;
}

/* The defs of the file called inside n, appended to out (no duplicates); the new count. */
static int collect_callees(ExecEntry *e, TSNode n, TSNode cls, TSNode *out, int count, int max) {
    TSTreeCursor c = ts_tree_cursor_new(n);
    for (bool more = true; more && count < max;) {
        TSNode node = ts_tree_cursor_current_node(&c);
        TSNode d = parse_is(node, "call") ? callee_def(e, node, cls) : (TSNode){0};
        bool dup = ts_node_is_null(d);
        for (int k = 0; k < count && !dup; k++)
            dup = ts_node_eq(out[k], d);
        if (!dup) out[count++] = d;
        if (ts_tree_cursor_goto_first_child(&c)) continue;
        while (more && !ts_tree_cursor_goto_next_sibling(&c))
            more = ts_tree_cursor_goto_parent(&c) && !ts_node_eq(ts_tree_cursor_current_node(&c), n);
    }
    ts_tree_cursor_delete(&c);
    return count;
}

/* Does `stmt` write the name `id` (an assignment's target, or id.append / id.extend)? */
static bool writes_name(ExecEntry *e, TSNode stmt, TSNode id) {
    size_t len;
    const char *want = parse_text(&e->vs->src, id, &len);
    TSNode target = {0};
    if (parse_is(stmt, "assignment") || parse_is(stmt, "augmented_assignment")) target = parse_field(stmt, "left");
    if (parse_is(stmt, "call")) {
        TSNode f = parse_field(stmt, "function");
        if (parse_is(f, "attribute") && (parse_text_eq(&e->vs->src, parse_field(f, "attribute"), "append") ||
                                         parse_text_eq(&e->vs->src, parse_field(f, "attribute"), "extend")))
            target = parse_field(f, "object");
    }
    if (ts_node_is_null(target)) return false;
    if (parse_is(target, "identifier")) {
        size_t tl;
        const char *t = parse_text(&e->vs->src, target, &tl);
        return tl == len && !memcmp(t, want, len);
    }
    for (uint32_t i = 0; i < ts_node_named_child_count(target); i++) { /* a, b = ... */
        size_t tl;
        const char *t = parse_text(&e->vs->src, parse_named_child(target, i), &tl);
        if (tl == len && !memcmp(t, want, len)) return true;
    }
    return false;
}

/* When the flagged code itself cannot run (a main() that parses arguments, reads files, or
 * module-level code), the functions of the file whose results reach it: those it calls, and
 * those whose value an earlier statement of the same scope assigns to (or appends to) a name
 * the flagged statement reads. Each is run as an entry of its own. */
static int entry_callees(ExecEntry *e, TSNode scope, TSNode flagged, TSNode *out, int max) {
    TSNode stmt = flagged;
    while (!ts_node_is_null(parse_parent(stmt)) && !parse_is(parse_parent(stmt), "block") &&
           !parse_is(parse_parent(stmt), "module"))
        stmt = parse_parent(stmt);
    TSNode cls = parse_is(scope, "function_definition") ? exec_def_class(scope) : (TSNode){0};
    int n = collect_callees(e, stmt, cls, out, 0, max);
    uint32_t until = ts_node_start_byte(stmt);
    TSTreeCursor names = ts_tree_cursor_new(stmt);
    for (bool more = true; more && n < max;) {
        TSNode id = ts_tree_cursor_current_node(&names);
        if (parse_is(id, "identifier")) { /* the writes of this name before the statement */
            TSTreeCursor c = ts_tree_cursor_new(scope);
            for (bool go = true; go && n < max;) {
                TSNode w = ts_tree_cursor_current_node(&c);
                if (ts_node_end_byte(w) <= until && writes_name(e, w, id)) n = collect_callees(e, w, cls, out, n, max);
                if (ts_node_start_byte(w) < until && ts_tree_cursor_goto_first_child(&c)) continue;
                while (go && !ts_tree_cursor_goto_next_sibling(&c))
                    go = ts_tree_cursor_goto_parent(&c) && !ts_node_eq(ts_tree_cursor_current_node(&c), scope);
            }
            ts_tree_cursor_delete(&c);
        }
        if (ts_tree_cursor_goto_first_child(&names)) continue;
        while (more && !ts_tree_cursor_goto_next_sibling(&names))
            more = ts_tree_cursor_goto_parent(&names) && !ts_node_eq(ts_tree_cursor_current_node(&names), stmt);
    }
    ts_tree_cursor_delete(&names);
    return n;
}

/* The one number a call returned: a number, a one-element float tensor, or the first of a
 * tuple (score, extra). */
static bool entry_score(ExecValue *v, double *out, const char **dtype) {
    for (int depth = 0; v && depth < 4; depth++) {
        if (exec_is_number(v) && v->kind != XV_BOOL) {
            *out = exec_number(v);
            *dtype = "python float";
            return true;
        }
        if (v->kind == XV_TENSOR && v->t->n == 1 && exec_dtype_is_float(v->t->dtype)) {
            *out = v->t->data[0];
            *dtype = exec_dtype_name(v->t->dtype);
            return true;
        }
        if (v->kind == XV_TUPLE && v->seq.n >= 1) {
            v = v->seq.items[0];
            continue;
        }
        return false;
    }
    return false;
}

/* Does v hold one number (a function given every candidate that returns one aggregates them)? */
static bool holds_score(ExecValue *v) {
    double x;
    const char *dtype;
    return entry_score(v, &x, &dtype);
}

/* Is the number entry_score reads from v a loss kernel's own value (a negative log-likelihood:
 * the script takes the lowest)? A value computed from it (negated, or a Python float) is not. */
static bool score_is_loss(const ExecValue *v) {
    for (int depth = 0; v && depth < 4; depth++) {
        if (v->kind == XV_TENSOR) return v->t->loss;
        if (v->kind != XV_TUPLE || v->seq.n < 1) return false;
        v = v->seq.items[0];
    }
    return false;
}

/* The metric of a dict an entry returns that the flagged code computes: the key of the `pair`
 * of a dict literal around the flagged node (`{"nll": F.nll_loss(...), ...}`), else of the pair
 * of a returned dict literal the flagged values flow into, when its value is a loss kernel's (its
 * direction known: lowest first; a value negated by hand is not taken); false: none. */
static bool flagged_metric(ExecEntry *e, ExecValue *v, double *out, const char **dtype) {
    TSNode n = ts_node_descendant_for_byte_range(e->vs->parsed.root, e->mark_start, e->mark_end);
    while (!ts_node_is_null(n) && !parse_is(n, "pair") && !parse_is(n, "function_definition"))
        n = parse_parent(n);
    TSNode key = parse_is(n, "pair") ? parse_field(n, "key") : (TSNode){0};
    size_t len;
    const char *k = parse_is(key, "string") ? parse_text(&e->vs->src, key, &len) : NULL;
    bool by_flow = false;
    if (k && len >= 2 && len - 2 < sizeof e->metric && (k[0] == '"' || k[0] == '\''))
        snprintf(e->metric, sizeof e->metric, "%.*s", (int)len - 2, k + 1);
    else if (e->module_unit ||
             !(by_flow = verify_exec_flow_key(&e->vs->src, e->def, e->mark_start, e->mark_end, e->metric, sizeof e->metric)))
        return false;
    ExecValue *m = exec_dict_get_str(&v->dict, e->metric);
    e->loss = m && score_is_loss(m);
    if (by_flow && !e->loss) e->metric[0] = '\0';
    return m && (!by_flow || e->loss) && entry_score(m, out, dtype);
}

/* The candidate whose text v is, with or without the prompt (-1: none). */
static int candidate_of_text(const VerifyTable *t, const ExecValue *v) {
    for (int i = 0; v->kind == XV_STR && i < t->n_candidates; i++) {
        const VerifySeq *c = &t->candidates[i];
        char buf[1024];
        int m = 0, skip = 0;
        for (int j = 0; j < t->prompt.len && m < 400; j++)
            m += snprintf(buf + m, sizeof buf - (size_t)m, "%s ", t->vocab[t->prompt.tokens[j]]);
        skip = m;
        for (int j = 0; j < c->len && m < 900; j++)
            m += snprintf(buf + m, sizeof buf - (size_t)m, "%s%s", j ? " " : "", t->vocab[c->tokens[j]]);
        int lead = 0; /* a bare candidate's text may start with a space (" A A") */
        while (lead < v->str.n && v->str.s[lead] == ' ')
            lead++;
        bool bare = m - skip == v->str.n - lead && !memcmp(buf + skip, v->str.s + lead, (size_t)(m - skip));
        bool full = v->str.n == m + 2 && !memcmp(v->str.s, "x ", 2) && !memcmp(v->str.s + 2, buf, (size_t)m);
        if (bare || full) return i;
    }
    return -1;
}

/* Every candidate's text in the order the entry ranks them: each scores n - its position (the
 * first n). false: not a permutation of the candidates. */
static bool entry_order(const VerifyTable *t, const ExecValue *v, double *scores, int n) {
    bool seen[64] = {false};
    if (n > 64) return false;
    for (int i = 0; i < n; i++) {
        int k = candidate_of_text(t, v->seq.items[i]);
        if (k < 0 || seen[k]) return false;
        seen[k] = true;
        scores[k] = n - i;
    }
    return true;
}

/* What an entry given every candidate returned: one score each (a list, a tuple or a tensor
 * of n numbers), every candidate in its order (ranks), or its pick (a candidate's text or
 * index: 1 for it, 0 for the others). */
static int flow_item(const ExecEntry *e, int n);
static bool entry_batch(ExecEntry *e, const ExecRun *r, ExecValue *v, double *scores, int n, const char **dtype,
                        bool *pick) {
    *pick = false;
    int64_t k = v->kind == XV_TUPLE ? verify_exec_batch_item(v, n, flow_item(e, v->seq.n)) : -1;
    if (k >= 0) v = v->seq.items[k]; /* (preds, margins): the item of one float per candidate */
    if (v->kind == XV_TENSOR && v->t->n == n && exec_dtype_is_float(v->t->dtype)) {
        memcpy(scores, v->t->data, (size_t)n * sizeof *scores);
        *dtype = exec_dtype_name(v->t->dtype);
        e->loss = v->t->loss;
        return true;
    }
    if ((v->kind == XV_LIST || v->kind == XV_TUPLE) && v->seq.n == n && entry_order(r->table, v, scores, n)) {
        e->ranked = true;
        *dtype = "rank";
        return true;
    }
    if ((v->kind == XV_LIST || v->kind == XV_TUPLE) && v->seq.n == n) {
        for (int i = 0; i < n; i++)
            if (!entry_score(v->seq.items[i], &scores[i], dtype)) return false;
        return true;
    }
    k = -1;
    if (v->kind == XV_STR) { /* the candidate's text, with or without the prompt */
        k = candidate_of_text(r->table, v);
    } else if (v->kind == XV_INT || (v->kind == XV_TENSOR && v->t->n == 1 && !exec_dtype_is_float(v->t->dtype) &&
                                     v->t->dtype != XD_BOOL)) {
        if (!exec_as_int(v, &k)) k = -1; /* an index, or argmax()'s one-element tensor */
    }
    if (k < 0 || k >= n) return false;
    for (int i = 0; i < n; i++)
        scores[i] = i == k;
    *pick = true;
    *dtype = "pick";
    return true;
}

/* An entry given every candidate whose flagged expression, evaluated once, gave one float per
 * candidate (a vector of n, or a list of n numbers): those are the script's numbers for them,
 * whatever the code after it returns (a metric dict over the document's labels) or whether it
 * ran. Evaluated in a loop, its last value is one iteration's, not every candidate's. */
static bool entry_flagged(ExecEntry *e, const ExecRun *r, double *scores, int n, const char **dtype) {
    ExecValue *v = r->marked;
    if (!r->reached || !v || r->marked_times != 1 || r->lm_reads == 0 || r->marked_after_draw) return false;
    if (v->kind == XV_TENSOR) {
        if (v->t->n != n || !exec_dtype_is_float(v->t->dtype)) return false;
        memcpy(scores, v->t->data, (size_t)n * sizeof *scores);
        *dtype = exec_dtype_name(v->t->dtype);
        e->loss = v->t->loss;
    } else if ((v->kind == XV_LIST || v->kind == XV_TUPLE) && v->seq.n == n) {
        for (int i = 0; i < n; i++)
            if (!entry_score(v->seq.items[i], &scores[i], dtype)) return false;
    } else {
        return false;
    }
    TSNode at = ts_node_descendant_for_byte_range(e->vs->parsed.root, e->mark_start, e->mark_end);
    e->flagged_line = (int)ts_node_start_point(at).row + 1;
    return true;
}

/* Code given every candidate (module-level code, a function that loads its records from a file and
 * returns a metric over them, or one returning no number: a pick) whose flagged expression ran
 * once per candidate, each time on the toy LM's
 * output for that candidate's text (a loop over requests, in any order): those values are the
 * candidates' scores. */
static bool entry_flagged_each(ExecEntry *e, const ExecRun *r, double *scores, int n, const char **dtype) {
    if (!r->reached || r->lm_reads == 0 || r->marked_times != n || n > EXEC_MAX_MARKS || n > 64 || r->marked_after_draw)
        return false;
    bool seen[64] = {false};
    for (int i = 0; i < n; i++) {
        int k = r->marks[i].cand;
        if (k < 0 || k >= n || seen[k] || !entry_score(r->marks[i].v, &scores[k], dtype)) return false;
        seen[k] = true;
    }
    TSNode at = ts_node_descendant_for_byte_range(e->vs->parsed.root, e->mark_start, e->mark_end);
    e->flagged_line = (int)ts_node_start_point(at).row + 1;
    e->loss = score_is_loss(r->marks[0].v);
    return true;
}

/* An entry given the LM's logits (or the ids, encoding or text it makes them from) that returns
 * a tensor of the logits' shape (or their transpose's) maps them to a next-token distribution
 * (a softmax, a log-softmax of its own): the candidate's score is that distribution read at the
 * candidate's tokens, summed as log-probabilities (probabilities, every value in [0, 1], are
 * logged first; log-probabilities, every value <= 0, as they are). false: not such an entry,
 * or values that are neither. */
static bool entry_read_dist(const ExecRun *r, const ExecEntry *e, const ExecTensor *d, double *score,
                            const char **dtype) {
    bool given_logits = false; /* the logits, or what the LM makes them from */
    for (int i = 0; i < e->plan.nparams; i++)
        given_logits |= e->plan.role[i] == XP_LOGITS || e->plan.role[i] == XP_IDS || e->plan.role[i] == XP_BATCH ||
                        e->plan.role[i] == XP_OUTPUT || e->plan.role[i] == XP_TEXT ||
                        e->plan.role[i] == XP_PROMPT_BATCH || e->plan.role[i] == XP_PROMPT_TENSOR;
    const VerifyTable *t = r->table;
    const VerifySeq *c = &t->candidates[r->cand];
    int L = 1 + t->prompt.len + c->len, V = t->n_vocab + 1;
    bool flat = d->ndim == 2;
    /* [positions, vocabulary], or transposed (logits.mT, a permute: read at [token, position]) */
    bool trans = d->ndim >= 2 && d->shape[d->ndim - 2] == V && d->shape[d->ndim - 1] != V;
    /* every position of the sequence, or the candidate's alone (generate()'s steps) */
    int n = d->ndim >= 2 ? d->shape[d->ndim - (trans ? 1 : 2)] : 0, at = n == L ? t->prompt.len : 0;
    if (!given_logits || !exec_dtype_is_float(d->dtype) || (d->ndim != 2 && d->ndim != 3) || (!flat && d->shape[0] != 1) ||
        (n != L && n != c->len) || d->shape[d->ndim - (trans ? 2 : 1)] != V)
        return false;
    bool probs = true, logs = true;
    for (int i = 0; i < d->n; i++) {
        double v = d->data[i];
        if (isnan(v)) continue;
        probs &= v >= 0 && v <= 1;
        logs &= v <= 0;
    }
    if ((!probs && !logs) || r->whole_reduced) return false; /* whole_reduced: one step's helper */
    double sum = 0;
    for (int k = 0; k < c->len; k++) {
        double v = trans ? d->data[(size_t)c->tokens[k] * n + (size_t)(at + k)] : d->data[(size_t)(at + k) * V + c->tokens[k]];
        sum += probs ? log(v) : v;
    }
    *score = sum;
    *dtype = exec_dtype_name(d->dtype);
    return true;
}

/* A list of one distribution per generated step ([1, V] or [V] each), stacked into [n, V]; NULL:
 * not such a list. */
static ExecTensor *step_dists(ExecRun *r, ExecValue *v) {
    if (v->kind != XV_LIST && v->kind != XV_TUPLE) return NULL;
    ExecTensor *parts[256];
    if (v->seq.n < 1 || v->seq.n > 256) return NULL;
    for (int i = 0; i < v->seq.n; i++) {
        ExecValue *x = v->seq.items[i];
        if (x->kind != XV_TENSOR || x->t->n != r->table->n_vocab + 1 || x->t->ndim > 2) return NULL;
        parts[i] = x->t;
    }
    int shape[2] = {v->seq.n, r->table->n_vocab + 1};
    ExecTensor *all = exec_tensor_cat(r, parts, v->seq.n, 0, true);
    return all ? exec_tensor_reshape(r, all, 2, shape) : NULL;
}

/* An entry that returns one value per position of the candidate's sequence (a list of numbers,
 * or a float tensor [n] / [1, n]): n is the candidate's length C, or L - 1 (each next token) or
 * L (each position) of the start + prompt + candidate, whose last C are the candidate's. Its
 * score is those C values aggregated as the recipe of the finding does (sum, mean, product):
 * the caller's part, which is not run, and the label says so. false: not such a value. */
static bool entry_read_positions(const ExecRun *r, ExecEntry *e, ExecValue *v, double *score,
                                 const char **dtype) {
    const VerifyTable *t = r->table;
    int C = t->candidates[r->cand].len, L = 1 + t->prompt.len + C, n;
    double vals[1024];
    if (v->kind == XV_TENSOR) {
        const ExecTensor *x = v->t;
        int wide = 0; /* dimensions longer than 1: [n], [1, n], [1, n, 1] all hold n values */
        for (int d = 0; d < x->ndim; d++)
            wide += x->shape[d] > 1;
        if (!exec_dtype_is_float(x->dtype) || wide > 1) return false;
        n = x->n;
        if (n > (int)(sizeof vals / sizeof *vals)) return false;
        e->loss = x->loss; /* each position's negative log-likelihood */
        memcpy(vals, x->data, (size_t)n * sizeof *vals);
        *dtype = exec_dtype_name(x->dtype);
    } else if (v->kind == XV_LIST && v->seq.n <= (int)(sizeof vals / sizeof *vals)) {
        n = v->seq.n;
        for (int i = 0; i < n; i++)
            if (!entry_score(v->seq.items[i], &vals[i], dtype)) return false;
    } else {
        return false;
    }
    if (C == 0 || (n != C && n != L - 1 && n != L)) return false;
    VerifyAggregate agg = e->recipe->aggregate;
    double acc = agg == VERIFY_AGG_PRODUCT ? 1 : 0;
    for (int k = n - C; k < n; k++)
        acc = agg == VERIFY_AGG_PRODUCT ? acc * vals[k] : acc + vals[k];
    *score = agg == VERIFY_AGG_MEAN ? acc / C : acc;
    return true;
}

/* The item of the entry's returned tuple of n items the flagged code's values flow into (-1:
 * none, or unknown). */
static int flow_item(const ExecEntry *e, int n) {
    return e->module_unit ? -1 : verify_exec_flow_item(&e->vs->src, e->def, e->mark_start, e->mark_end, n);
}

/* A generation's tuple (tokens, their log-probs): item `only` (> 0) when the flagged code's
 * values flow into it alone, else (only <= 0, a run that generates the candidate) the first
 * item after the first that holds floats; it is one number, or one value per position (read as
 * entry_read_positions does). Its index, 0: none. */
static int tuple_score(const ExecRun *r, ExecEntry *e, ExecValue *v, int only, double *score, const char **dtype) {
    for (int i = only > 0 ? only : 1; v->kind == XV_TUPLE && i < v->seq.n; i++) {
        ExecValue *x = v->seq.items[i];
        if (!verify_exec_holds_floats(x)) {
            if (only > 0) break;
            continue; /* ids */
        }
        if (entry_score(x, score, dtype)) return e->read_positions = false, i;
        if (entry_read_positions(r, e, x, score, dtype)) return e->read_positions = true, i;
        if (only > 0) break;
    }
    return 0;
}

/* The score for the run's candidate of module-level code, or of a function that returns nothing
 * (a main()): the flagged expression's value, one number, evaluated once (in a loop over windows
 * or batches, once per candidate's text). 0, or -1 with why set. */
static int unit_score(ExecEntry *e, const ExecRun *r, double *score, const char **dtype, Why *why) {
    TSNode at = ts_node_descendant_for_byte_range(e->vs->parsed.root, e->mark_start, e->mark_end);
    int line = (int)ts_node_start_point(at).row + 1;
    if (!r->reached || !r->marked) {
        why_set(why, XF_RETURN, "the module-level code from line %d never reached the flagged line %d", e->line, line);
        return -1;
    }
    if (r->marked_after_draw) {
        why_set(why, XF_RETURN, "the flagged expression at line %d ran after a sampler's stand-in drew its most probable "
                "token, not the candidate's", line);
        return -1;
    }
    if (r->marked_times != 1) {
        why_set(why, XF_RETURN, "the flagged expression at line %d ran %d times for one candidate", line, r->marked_times);
        return -1;
    }
    if (!entry_score(r->marked, score, dtype)) {
        why_set(why, XF_RETURN, "the flagged expression at line %d holds a %s, not one score per candidate", line, exec_kind_name(r->marked));
        return -1;
    }
    e->flagged_line = line;
    e->loss = score_is_loss(r->marked);
    return 0;
}

/* Code given every candidate that returns no score (a main() that counts its hits) but ranked
 * one value per candidate, once, in a run that read the toy LM: those values, each the candidate
 * its position or its item (an index, the candidate's text) names, are the scores the script
 * compares. */
static bool entry_rank_read(ExecEntry *e, const ExecRun *r, double *scores, int n, const char **dtype) {
    if (r->rank.times != 1 || r->rank.n != n || n > 64 || r->lm_reads == 0) return false;
    bool seen[64] = {false};
    for (int i = 0; i < n; i++) {
        ExecValue *it = r->rank.items[i];
        int64_t k = i;
        if (it && it->kind == XV_STR) k = candidate_of_text(r->table, it);
        else if (it && (it->kind != XV_INT || !exec_as_int(it, &k))) k = -1;
        if (k < 0 || k >= n || seen[k]) return false;
        seen[k] = true;
        scores[k] = r->rank.vals[i];
    }
    *dtype = r->rank.dtype;
    e->rank_line = r->rank.line;
    e->rank_lowest = r->rank.lowest;
    snprintf(e->rank_what, sizeof e->rank_what, "%s", r->rank.what);
    return true;
}

/* LOGITLINT_EXEC_TRACE=1: one line per run on standard error (the entry, how each parameter
 * was bound, the outcome), to see why a finding fell back to its recipe. */
static void trace_run(const ExecEntry *e, int ci, int rc, const char *why) {
    if (!getenv("LOGITLINT_EXEC_TRACE")) return; /* read each time: runs are on several threads */
    fprintf(stderr, "exec: %s:%d %s(", e->vs->src.path, e->line, e->name);
    for (int i = 0; i < e->plan.nparams; i++)
        fprintf(stderr, "%s%s=%s", i ? ", " : "", e->plan.names[i], exec_role_name(e->plan.role[i]));
    fprintf(stderr, ")%s%s cand %d: %s\n", e->plan.unbatched ? " unbatched" : "",
            e->plan.all_candidates ? " batch" : "", ci, rc < 0 ? why : "ok");
}

/* LOGITLINT_EXEC_TRACE=1: one line per finding (its runs, the steps they took of the budget, the
 * CPU time, the outcome). */
static void trace_finding(const ExecEntry *e, const VerifySite *site, bool ok, const char *why, double cpu) {
    if (!getenv("LOGITLINT_EXEC_TRACE")) return;
    fprintf(stderr, "exec-finding: %s:%u: %d runs, %ld steps, %.3f s CPU: %s\n", e->vs->src.path, site->start,
            e->runs, EXEC_STEPS_PER_FINDING - e->budget.steps_left, cpu, ok ? "script" : why);
}

/* Every parameter bound anew by its use in the next run, with no choice left from the last one
 * (the runs before may have bound, and offered alternatives for, parameters it never reads). */
static void plan_undecide(ExecPlan *p);
static void plan_rebind(ExecPlan *p) {
    plan_undecide(p);
    memset(p->alt, 0, sizeof p->alt);
    memset(p->n_alts, 0, sizeof p->n_alts);
}

/* One call of the entry on candidate `ci` of t: -1 failed (why set), 0 one score (scores[ci]),
 * 1 every candidate's (the entry was given them all). */
static int entry_run(ExecEntry *e, VerifyTable *t, int ci, double *scores, const char **dtype, bool *pick,
                     Why *why) {
    ExecRun r;
    int mod = exec_modules_of_tree(&e->vs->mods, e->def.tree);
    exec_run_init(&r, &e->vs->src, e->vs->mods.items[mod].root, t, ci, &e->plan, &e->budget);
    r.eps_off = e->eps_off;
    r.mods = &e->vs->mods;
    r.main_mod = mod;
    r.mark_start = e->mark_start;
    r.mark_end = e->mark_end;
    if (e->outer_locals) r.outer_def = exec_enclosing_def(parse_parent(e->def));
    r.entry_class = e->cls;
    r.module_unit = e->module_unit;
    r.unit_start = ts_node_start_byte(e->def);
    e->runs++;
    bool ok = exec_module_defs(&r);
    ExecValue *args[EXEC_MAX_PARAMS];
    for (int i = 0; ok && i < e->nargs; i++) {
        args[i] = exec_new(&r, XV_PENDING);
        if (!args[i]) ok = false;
        else args[i]->pending.param = i, args[i]->pending.cand = -1;
    }
    ExecValue *ret = NULL;
    bool init_failed = false;
    if (ok && e->module_unit) {
        ExecValue *none = NULL; /* module-level code returns nothing */
        ret = exec_body(&r, r.globals, e->def, &none) ? exec_none() : NULL;
    } else if (ok && ts_node_is_null(e->cls)) {
        ret = exec_call_entry(&r, e->def, args, e->nargs);
    } else if (ok) { /* build the object, then call the method on it */
        ExecValue *cls = exec_env_get(r.globals, e->cls_name, (int)strlen(e->cls_name));
        ExecValue *obj = NULL, *m = NULL;
        if (!cls) {
            exec_fail_as(&r, XF_UNDEFINED, (TSNode){0}, "class %s is not defined at module level", e->cls_name);
        } else if ((m = exec_token_model_method(&r, cls, e->method)) || r.failed) {
            /* a method of the script's own token LM (its sampler, its scorer): self is the toy LM */
        } else if (e->plan.lazy_self) { /* self's fields bound by use */
            if ((obj = exec_stand_record(&r, "self"))) {
                obj->obj.cls = cls;
                obj->obj.type = e->cls_name;
            }
        } else {
            obj = exec_call_value(&r, cls, args, e->n_init, NULL, NULL, 0, e->cls);
            init_failed = !obj;
        }
        if (!m && obj) m = exec_getattr(&r, obj, e->method, e->def);
        ret = m ? exec_call_value(&r, m, args + e->n_init, e->nargs - e->n_init, NULL, NULL, 0, e->def) : NULL;
    }
    if (ret && !r.failed && ret->kind == XV_FUNC && parse_is(ret->fn.def, "function_definition") &&
        ts_node_start_byte(ret->fn.def) >= ts_node_start_byte(e->def) &&
        ts_node_end_byte(ret->fn.def) <= ts_node_end_byte(e->def))
        ret = exec_call_value(&r, ret, NULL, 0, NULL, NULL, 0, e->def), e->closure = true; /* the closure it builds, called */
    ok = ret != NULL && !r.failed;
    bool finished = ok; /* (the checks below may refuse what it computed) */
    if (ok && r.lm_reads == 0) { /* a binding under which the toy LM is never read proves nothing */
        exec_fail(&r, "the run never read the model's output");
        ok = false;
    }
    bool gen = exec_plan_generates(&e->plan);
    if (ok && gen && r.gave_cand_ids) { /* given before its length: it generated after the candidate */
        exec_fail(&r, "a generation of the candidate given the candidate's own ids");
        ok = false;
    }
    if (ok && gen && r.drawn != t->candidates[ci].len) { /* greedy, or cut short: not the candidate */
        exec_fail(&r, "the generation drew %d of the candidate's %d tokens", r.drawn, t->candidates[ci].len);
        ok = false;
    }
    e->generated &= ok && gen;
    e->read_cand &= ok && r.lm_read_cand;
    e->past_candidates |= r.lm_past_candidates && !e->plan.all_candidates && !gen;
    bool batch = e->plan.all_candidates || r.gave_all;
    for (int i = 0; i < e->plan.nparams; i++)
        batch |= e->plan.role[i] == XP_CANDS || e->plan.role[i] == XP_CANDS_BARE || e->plan.role[i] == XP_TEXTS ||
                 e->plan.role[i] == XP_RECORDS || e->plan.role[i] == XP_ID_ROWS || e->plan.role[i] == XP_LL_PAIRS ||
                 e->plan.role[i] == XP_ID_TENSORS || e->plan.role[i] == XP_CAND_NTH;
    int rc = -1;
    ExecTensor *steps;
    e->loss = false; /* the branch that reads the score says */
    if (ok && batch && entry_batch(e, &r, ret, scores, t->n_candidates, dtype, pick)) rc = 1;
    else if (batch && entry_flagged(e, &r, scores, t->n_candidates, dtype))
        rc = 1, e->flagged_then_stopped = !ok;
    else if (batch && (e->module_unit || r.opened || !ok || !holds_score(ret)) &&
             entry_flagged_each(e, &r, scores, t->n_candidates, dtype))
        rc = 1, e->flagged_then_stopped = !ok;
    else if (ok && !batch && e->module_unit) rc = unit_score(e, &r, &scores[ci], dtype, why);
    else if (ok && !batch && entry_score(ret, &scores[ci], dtype)) rc = 0, e->loss = score_is_loss(ret);
    else if (ok && !batch && ret->kind == XV_DICT && flagged_metric(e, ret, &scores[ci], dtype)) rc = 0;
    else if (ok && !batch && ret->kind == XV_TENSOR && entry_read_dist(&r, e, ret->t, &scores[ci], dtype))
        rc = 0, e->read_dist = true;
    else if (ok && !batch && (steps = step_dists(&r, ret)) && entry_read_dist(&r, e, steps, &scores[ci], dtype))
        rc = 0, e->read_dist = true;
    else if (ok && !batch && entry_read_positions(&r, e, ret, &scores[ci], dtype))
        rc = 0, e->read_positions = true;
    else if (ok && !batch && (gen || (r.lm_generated && !r.lm_past_candidates)) && ret->kind == XV_TUPLE &&
             (e->tuple_item = tuple_score(&r, e, ret, flow_item(e, ret->seq.n), &scores[ci], dtype)) > 0)
        rc = 0; /* a generation's (tokens, scores): the tokens are the candidate's */
    else if (ok && !batch && ret->kind == XV_NONE && r.marked) /* main() returns nothing: its flagged value */
        rc = unit_score(e, &r, &scores[ci], dtype, why);
    else if (ok && batch && !holds_score(ret) && entry_rank_read(e, &r, scores, t->n_candidates, dtype))
        rc = 1;
    else if (ok)
        why_set(why, XF_RETURN, "%s() returns a %s, not %s", e->name, exec_kind_name(ret),
                 batch ? "a score for each candidate or its pick" : "one score per candidate");
    else
        why_set(why, r.fail ? r.fail : XF_OTHER, "%s", r.why[0] ? r.why : "the run failed");
    e->reached |= r.reached || (rc >= 0 && e->via_callee);
    e->eps_seen |= r.eps_seen;
    if (rc < 0)
        why->progress = (r.reached ? PROGRESS_REACHED : 0) + (finished ? PROGRESS_FINISHED : 0) +
                        (!finished && is_gap(why) ? PROGRESS_GAP : 0) + r.steps;
    for (int i = 0; rc >= 0 && i < r.n_stand_ins; i++) {
        int k = 0;
        while (k < e->n_stand_ins && strcmp(e->stand_ins[k], r.stand_ins[i]))
            k++;
        if (k == e->n_stand_ins && k < VERIFY_MAX_STAND_INS) memcpy(e->stand_ins[e->n_stand_ins++], r.stand_ins[i], sizeof e->stand_ins[0]);
    }
    /* (the run's own failure: a batch's scores read from the flagged code may word another) */
    bool none_id = rc < 0 && r.failed && r.fail == XF_NONE_ID;
    exec_run_free(&r);
    trace_run(e, ci, rc, why->text);
    bool self_lacks = !ts_node_is_null(e->cls) && why->kind == XF_NO_FIELD;
    if (rc < 0 && (init_failed || self_lacks) && !e->plan.lazy_self && !e->bound_plan) {
        /* __init__ cannot run here (an optimizer, a trainer framework, a file), or the object
         * it built lacks a field the method reads (a class set up by a framework or by its
         * callers): the method again on a self whose fields are bound by their use, the reason
         * of the run that got further kept if that fails */
        Why first = *why;
        e->plan.lazy_self = true;
        plan_rebind(&e->plan);
        rc = entry_run(e, t, ci, scores, dtype, pick, why);
        if (rc < 0 && first.progress >= why->progress) *why = first;
    }
    if (rc < 0 && (why->kind == XF_NONE_ID || none_id) && !e->plan.tok_pad && !e->bound_plan) {
        /* None filled an id buffer: the tokenizer's pad id, which the script's tokenizer has (it
         * would crash otherwise): again with a pad token, said so (a failure then names what
         * stops the code further on), each parameter bound as it was (bound anew, the first
         * use of a tokenizer called on a parameter would make it the model again) */
        e->plan.tok_pad = true;
        rc = entry_run(e, t, ci, scores, dtype, pick, why);
        if (rc < 0) e->plan.tok_pad = false;
    }
    return rc;
}

/* Every parameter undecided: the next run binds each by its use again. */
static void plan_undecide(ExecPlan *p) {
    memset(p->role, 0, sizeof p->role);
    memset(p->decided, 0, sizeof p->decided);
    p->n_decided = 0;
    p->n_lists = 0;
}

/* The next binding to try after a failed run, depth first: the next alternative of the parameter
 * decided last of those whose use left one (the failure is most likely its, and those decided
 * before it got the run that far), those decided after it bound anew; then the same without the
 * batch dimension. An odometer over every parameter spent its tries on choices made before the
 * failing one: a record's field read first (example["question"]) came back to the same failure
 * once for each alternative of its later fields. */
static bool entry_plan_next(ExecPlan *p) {
    int at = -1;
    for (int i = 0; i < p->nparams; i++)
        if (p->decided[i] && p->alt[i] + 1 < p->n_alts[i] && (at < 0 || p->decided[i] > p->decided[at])) at = i;
    bool advanced = at >= 0;
    if (advanced) {
        p->alt[at]++;
        for (int i = 0; i < p->nparams; i++)
            if (p->decided[i] > p->decided[at] || !p->decided[i]) p->alt[i] = 0, p->n_alts[i] = 0;
    } else if (!p->unbatched) {
        p->unbatched = true;
        advanced = true;
        memset(p->alt, 0, sizeof p->alt);
        memset(p->n_alts, 0, sizeof p->n_alts);
    }
    plan_undecide(p);
    return advanced;
}

/* Every candidate of t under the current binding: -1 failed, 0 one run each, 1 one run for all. */
static int entry_run_all(ExecEntry *e, VerifyTable *t, double *scores, const char **dtype, bool *pick, Why *why) {
    e->n_stand_ins = 0; /* only the runs that score the table report theirs */
    e->generated = e->read_cand = true;
    e->past_candidates = false;
    e->ranked = e->flagged_then_stopped = false; /* what the score is: as this binding's runs read it */
    e->flagged_line = e->rank_line = 0;
    int rc = entry_run(e, t, 0, scores, dtype, pick, why);
    for (int ci = 1; rc == 0 && ci < t->n_candidates; ci++)
        if (entry_run(e, t, ci, scores, dtype, pick, why) < 0) rc = -1;
    e->generated &= rc == 0;
    e->generated_any |= e->generated;
    return rc;
}

static bool all_same(const double *scores, int n) {
    for (int i = 1; i < n; i++)
        if (!(scores[i] == scores[0] || (isnan(scores[i]) && isnan(scores[0])))) return false;
    return true;
}

/* Is another binding worth trying after this one: it failed, it did not tell the candidates
 * apart (and generated none of them), or it fed the LM something else than prompt + candidate? */
static bool wants_better(const ExecEntry *e, int rc, const double *scores, int n) {
    return rc < 0 || (all_same(scores, n) && !e->generated) || e->past_candidates;
}

/* Scores every candidate of t; -1 failed. The first binding that runs and tells the candidates
 * apart is kept for the rest (one under which every candidate gets the same value does not
 * read the candidate: the next is tried, and the first kept only if none does better). */
static int entry_scores(ExecEntry *e, VerifyTable *t, double *scores, const char **dtype, bool *pick, Why *why) {
    for (int pass = 0; pass < 2; pass++) {
        ExecPlan start = e->plan;
        int rc = entry_run_all(e, t, scores, dtype, pick, why);
        ExecPlan ran = e->plan; /* as the first run decided it */
        /* the reason reported if no binding runs: that of the binding that got furthest (the
         * others stopped on a guess of theirs) */
        Why first = *why;
        bool first_ran = rc >= 0;
        /* a binding that fed the LM other texts than the candidates' (the prompt twice: a table
         * whose prompt has tokens shows it) is kept, even from an earlier table, if none is better */
        bool search = !e->bound_plan || (rc >= 0 && e->past_candidates);
        bool past = rc >= 0 && e->past_candidates && !all_same(scores, t->n_candidates);
        ExecPlan past_plan = start;
        for (int tries = 0;
             search && wants_better(e, rc, scores, t->n_candidates) &&
             tries < 160 && e->budget.steps_left > 0 && entry_plan_next(&e->plan);
             tries++) {
            ExecPlan tried = e->plan;
            rc = entry_run_all(e, t, scores, dtype, pick, why);
            if (rc < 0) why_keep_further(&first, why);
            if (!past && rc >= 0 && e->past_candidates && !all_same(scores, t->n_candidates))
                past = true, past_plan = tried;
        }
        if (search && (first_ran || past) && wants_better(e, rc, scores, t->n_candidates)) {
            e->plan = past ? past_plan : start; /* none did better */
            rc = entry_run_all(e, t, scores, dtype, pick, why);
        }
        /* One text parameter, bound to the prompt, gave every candidate the same value, or
         * what the entry returned does not cover the candidate: it is the prompt and the
         * candidate in one text, run again. Two, the prompt and the candidate, that gave every
         * candidate the same value: the code read the candidate first (self.template(cand)
         * before the prompt), run again with the two swapped. */
        const ExecPlan *p = rc == 0 ? &e->plan : &ran;
        int texts = 0, at = -1, other = -1;
        for (int i = 0; i < p->nparams; i++)
            if (p->role[i] == XP_PROMPT || p->role[i] == XP_CONT) texts++, other = at, at = i;
        /* (a binding whose values differed on an earlier table reads the candidate: a tie on
         * this one is the script's, an underflow say) */
        bool tie = rc == 0 && all_same(scores, t->n_candidates) && !e->varied;
        bool retry = !pass && ((texts == 1 && (tie || (rc < 0 && why->kind == XF_RETURN))) ||
                               (texts == 2 && tie && p->role[at] != p->role[other]));
        if (rc < 0 && !retry) {
            *why = first;
            return -1;
        }
        e->bound_plan = rc >= 0;
        if (!retry) return 0;
        e->plan = *p; /* p may be e->plan */
        ExecParamRole was = e->plan.role[at];
        e->plan.role[at] = texts == 1 ? XP_TEXT : e->plan.role[other];
        if (texts == 2) e->plan.role[other] = was;
    }
    return 0;
}

/* Every candidate of t scored by the script; the reference from verify_score(). */
static VerifyResult *entry_table(ExecEntry *e, const VerifyRecipe *recipe, VerifyTable *t, Why *why) {
    double *scores = calloc((size_t)(t->n_candidates ? t->n_candidates : 1), sizeof *scores);
    const char *dtype = "python float";
    bool pick = false;
    if (!scores) return NULL;
    if (entry_scores(e, t, scores, &dtype, &pick, why) < 0) {
        free(scores);
        return NULL;
    }
    /* the rows log Pr(y|x) needs, made as the LM makes them */
    const VerifyRecipe *ref = verify_recipe_find("sum-log-probs");
    VerifySeq *pre;
    int np = verify_score_prefixes(t, ref, &pre);
    for (int i = 0; i < np; i++) {
        if (exec_stand_row(t, pre[i].tokens, pre[i].len) < 0) np = -1;
        free(pre[i].tokens);
    }
    if (np > 0) free(pre);
    VerifyResult *res = NULL;
    if (np < 0 || verify_score(t, ref, &res, NULL) != VERIFY_OK) {
        why_set(why, XF_OTHER, "out of memory scoring log Pr(y|x)");
        free(scores);
        return NULL;
    }
    res->recipe = recipe;
    res->by_script = true;
    snprintf(res->entry, sizeof res->entry, "%s", e->name);
    res->entry_line = e->line;
    int mod = exec_modules_of_tree(&e->vs->mods, e->def.tree);
    if (mod > 0) { /* its file: relative to the finding's directory when below it */
        const char *real = e->vs->mods.items[mod].real, *home = e->vs->mods.items[0].real;
        const char *slash = home ? strrchr(home, '/') : NULL;
        size_t dir = slash ? (size_t)(slash - home) : 0;
        bool below = slash && !strncmp(real, home, dir) && real[dir] == '/';
        snprintf(res->entry_file, sizeof res->entry_file, "%s", below ? real + dir + 1 : real);
    }
    char item[16] = ""; /* the tuple item a generation's score is */
    if (e->tuple_item > 0) snprintf(item, sizeof item, "[%d]", e->tuple_item);
    if (pick)
        snprintf(res->score_label, sizeof res->score_label, "1 if %s() picks it", e->name);
    else if (e->ranked)
        snprintf(res->score_label, sizeof res->score_label, "%.40s()'s order (n for its first, 1 for its last)",
                 e->name);
    else if (e->read_dist)
        snprintf(res->score_label, sizeof res->score_label, "%.40s() read at the candidate's tokens", e->name);
    else if (e->read_positions)
        snprintf(res->score_label, sizeof res->score_label, "the %s of %.40s()%s at the candidate's tokens",
                 recipe->aggregate == VERIFY_AGG_PRODUCT ? "product" : recipe->aggregate == VERIFY_AGG_MEAN ? "mean" : "sum",
                 e->name, item);
    else if (e->rank_line)
        snprintf(res->score_label, sizeof res->score_label, "the value %.32s() ranks with %.24s at line %d", e->name,
                 e->rank_what, e->rank_line);
    else if (e->flagged_line)
        snprintf(res->score_label, sizeof res->score_label, "the flagged value at line %d%s", e->flagged_line,
                 e->flagged_then_stopped ? " (the code after it did not run)" : "");
    else if (e->metric[0])
        snprintf(res->score_label, sizeof res->score_label, "%.40s()[\"%s\"]", e->name, e->metric);
    else if (e->closure)
        snprintf(res->score_label, sizeof res->score_label, "%.40s()'s closure, called", e->name);
    else if (e->tuple_item > 0)
        snprintf(res->score_label, sizeof res->score_label, "%.40s()%s", e->name, item);
    else
        snprintf(res->score_label, sizeof res->score_label, "%s() value", e->name);
    /* the order the callers choose in decides a value the entry returns (a per-token NLL that
     * they minimise); else a loss kernel's, else the recipe's */
    bool returned = !e->read_dist && !e->read_positions && !e->flagged_line && !e->metric[0] && !e->closure &&
                    e->tuple_item == 0 && !e->rank_line;
    bool lower = e->rank_line ? e->rank_lowest : returned && e->order ? e->order < 0 : recipe->lower_is_better || e->loss;
    res->lower_is_better = !pick && !e->ranked && lower;
    res->dtype = dtype;
    memcpy(res->stand_ins, e->stand_ins, sizeof res->stand_ins);
    res->n_stand_ins = e->n_stand_ins;
    for (int ci = 0; ci < res->n; ci++) {
        res->cands[ci].score = scores[ci];
        for (int k = 0; k < res->cands[ci].n_steps; k++)
            res->cands[ci].steps[k].in_recipe = false;
    }
    free(scores);
    verify_score_rerank(res);
    return res;
}

static bool shows_harm(const VerifyResult *res) {
    if (res->harm == VERIFY_HARM_NONE) return false;
    /* a tie shows harm where keeping the first is not log Pr's pick */
    if (res->harm == VERIFY_HARM_TIE) return res->script_rank[0] != res->correct_rank[0];
    if (res->harm != VERIFY_HARM_FLIP) return true;
    double best = res->cands[res->correct_rank[0]].log_prob;
    double pick = res->cands[res->script_rank[0]].log_prob;
    return best - pick >= 1e-3; /* no flip by rounding alone */
}

/* The tables to try, in order; NULL past the end (or on OOM). */
static VerifyTable *entry_candidate_table(const VerifyRecipe *r, const VerifyResult *recipe_cex, int i) {
    if (i == 0) return verify_table_builtin("abc");
    if (i == 1) return recipe_cex && recipe_cex->table->origin != VERIFY_ORIGIN_BUILTIN
                           ? verify_table_copy(recipe_cex->table)
                           : verify_search_random(r, verify_search_seed(r), 0);
    if (i - 2 >= EXEC_RANDOM_TABLES) return NULL;
    return verify_search_random(r, verify_search_seed(r), i - 1);
}

static bool entry_uses_tensors(const ExecPlan *p) {
    for (int i = 0; i < p->nparams; i++)
        if (p->role[i] == XP_IDS || p->role[i] == XP_BATCH || p->role[i] == XP_LOGITS || p->role[i] == XP_OUTPUT ||
            p->role[i] == XP_PROMPT_BATCH || p->role[i] == XP_PROMPT_TENSOR ||
            p->role[i] == XP_PROMPT || p->role[i] == XP_CONT || p->role[i] == XP_TEXT)
            return true;
    return false;
}

/* Do the candidates' values differ (NaN equal to NaN)? A value the same for every candidate on
 * every table does not read the candidate: the binding says nothing of the script's ranking. */
static bool scores_vary(const VerifyResult *res) {
    for (int i = 1; i < res->n; i++) {
        double a = res->cands[0].score, b = res->cands[i].score;
        if (!(a == b || (isnan(a) && isnan(b)))) return true;
    }
    return false;
}

static VerifyResult *entry_search(ExecEntry *e, const VerifyRecipe *r, const VerifyResult *recipe_cex, Why *why);

/* Does the eps floor the flagged code met change what the script returns on res's table? The
 * same binding run again with the eps taken as 0: some candidate's value differs. */
static bool eps_changes_scores(ExecEntry *e, VerifyTable *t, const VerifyResult *res) {
    double *off = calloc((size_t)res->n, sizeof *off);
    const char *dtype = "python float";
    bool pick = false, changed = false;
    Why why = {.text = ""};
    e->eps_off = true;
    bool ran = off && entry_run_all(e, t, off, &dtype, &pick, &why) >= 0;
    e->eps_off = false;
    for (int i = 0; ran && i < res->n && !changed; i++) {
        double a = res->cands[i].score, b = off[i];
        changed = !(a == b || (isnan(a) && isnan(b)) || fabs(a - b) <= 1e-9 * fmax(1, fabs(a)));
    }
    free(off);
    return !ran || changed; /* (a run that fails without the floor: the floor mattered) */
}

/* The plan given every candidate at once (a parameter used as text is the list of texts, ids a
 * padded batch), its parameters bound anew. */
static void plan_as_batch(ExecEntry *e) {
    plan_undecide(&e->plan);
    memset(e->plan.alt, 0, sizeof e->plan.alt);
    e->plan.unbatched = false;
    e->plan.all_candidates = true;
    e->bound_plan = false;
}

/* No binding of one candidate at a time ran on the first table: the entry given every candidate
 * at once (NULL, the plan as it was, when that does not run either; the reason of the attempt
 * that got further in *why). */
static VerifyResult *entry_search_batch(ExecEntry *e, const VerifyRecipe *r, const VerifyResult *recipe_cex,
                                        Why *why) {
    if (e->plan.all_candidates || e->budget.steps_left <= 0) return NULL;
    ExecPlan keep = e->plan;
    plan_as_batch(e);
    Why w = {.text = ""};
    VerifyResult *res = entry_search(e, r, recipe_cex, &w);
    if (!res) e->plan = keep;
    if (!res && w.progress > why->progress) *why = w; /* the batch got further: its reason */
    return res;
}

static VerifyResult *entry_search(ExecEntry *e, const VerifyRecipe *r, const VerifyResult *recipe_cex, Why *why) {
    VerifyResult *first = NULL;
    bool first_idle = false; /* first shows a harm the flagged eps floor had no part in */
    char stop[110] = ""; /* why the search ended before its last table */
    int tried = 0;
    for (int i = 0;; i++) {
        if (i >= 2 && e->budget.steps_left <= 0) break;
        VerifyTable *t = entry_candidate_table(r, recipe_cex, i);
        if (!t) break;
        bool reached_before = e->reached;
        e->reached = e->eps_seen = false;
        VerifyResult *res = entry_table(e, r, t, why);
        bool reached_here = e->reached;
        e->reached |= reached_before;
        tried++;
        if (!res) {
            verify_table_free(t);
            tried--;
            /* a batch needs a pad token only some tables have: try the others */
            if (e->plan.all_candidates && why->kind == XF_NO_PAD) continue;
            if (!first && i == 0 && !is_gap(why)) return entry_search_batch(e, r, recipe_cex, why);
            if (!first) return NULL;
            snprintf(stop, sizeof stop, " (then a run failed: %.80s)", why->text);
            break; /* the tables before this one ran: report on them */
        }
        verify_result_take_table(res, t);
        e->varied |= scores_vary(res);
        /* the flagged code ran in this harm, under a binding that reads the candidate (a NaN
         * the model's numbers cause needs no candidate to be one; a tie the recipe predicts, an
         * ignored target or an underflow, from runs that fed the LM each candidate's text) */
        bool own_tie = res->harm == VERIFY_HARM_TIE && (e->generated || (r->harm == VERIFY_HARM_TIE && e->read_cand));
        bool harm = shows_harm(res) && reached_here && (e->varied || res->harm == VERIFY_HARM_NAN || own_tie);
        /* a log-of-softmax finding whose flagged code floors with an eps: its harm is the
         * floor's (a probability below it), not another difference of the script's */
        bool idle_eps = harm && !strcmp(r->rule, "LL103") && e->eps_seen && !eps_changes_scores(e, t, res);
        if (harm && !idle_eps) {
            verify_result_free(first);
            res->runs = e->runs;
            return res;
        }
        e->eps_idle_harm |= harm;
        if (!first || (first_idle && !shows_harm(res))) { /* not the floor's harm: a table without */
            verify_result_free(first);
            first = res;
            first_idle = harm;
        } else {
            verify_result_free(res);
        }
    }
    if (first && !e->plan.all_candidates && entry_uses_tensors(&e->plan) && e->budget.steps_left > 0) {
        /* one candidate at a time showed nothing: the same code on a padded batch of them all */
        ExecPlan keep = e->plan;
        bool kept_bound = e->bound_plan;
        plan_as_batch(e);
        Why w;
        VerifyResult *res = entry_search(e, r, recipe_cex, &w);
        if (res && shows_harm(res)) {
            verify_result_free(first);
            return res;
        }
        verify_result_free(res);
        e->plan = keep;
        e->bound_plan = kept_bound;
    }
    if (first && !e->varied && first->harm != VERIFY_HARM_NAN && !e->generated_any) {
        why_set(why, XF_OTHER, "%s() gives every candidate the same value on the %d tables tried (the binding does not "
                 "reach the candidate)", e->name, tried);
        why->progress = PROGRESS_FINISHED + (e->reached ? PROGRESS_REACHED : 0);
        verify_result_free(first);
        return NULL;
    }
    if (first) {
        first->runs = e->runs;
        snprintf(first->note, sizeof first->note,
                 e->eps_idle_harm ? "on all %d tables tried%s the flagged eps floor changed no value where the script's "
                                    "own numbers rank otherwise than log Pr(y|x): a candidate false positive to study"
                 : e->reached ? "on all %d tables tried%s the script's own numbers rank as log Pr(y|x) does: "
                                "a candidate false positive to study"
                              : "the flagged code never ran on the %d tables tried%s: a candidate false "
                                "positive to study",
                 tried, e->budget.steps_left <= 0 ? " (the finding's step budget ended the search)" : stop);
    }
    return first;
}

/* Failures a caller of the entry may avoid: what a parameter is, what the entry returns, a
 * value of a kind its callers would not pass, a name they define. */
static bool caller_may_help(const Why *why) {
    return why->kind == XF_PARAM || why->kind == XF_RETURN || why->kind == XF_KEY || why->kind == XF_KIND ||
           why->kind == XF_UNDEFINED;
}

/* The entries of a finding tried in order: the enclosing function, its callers in the file, then
 * the functions whose values the flagged statement ranks. */
static VerifyResult *finding_entries(ExecEntry *e, const VerifySite *site, const VerifyRecipe *r,
                                     const VerifyResult *recipe_cex, char *why, size_t why_len) {
    TSNode node = ts_node_descendant_for_byte_range(site->src->parsed.root, site->start, site->end);
    TSNode def = exec_enclosing_def(node);
    if (ts_node_is_null(def)) def = exec_named_lambda(node);
    /* the enclosing function (or named lambda), then its callers in the file, breadth first */
    enum { MAX_ENTRIES = 6 };
    TSNode queue[MAX_ENTRIES] = {def};
    int nq = ts_node_is_null(def) ? 0 : 1;
    Why first = {.text = ""};
    for (int i = 0; i < nq; i++) {
        Why w = {.text = ""};
        VerifyResult *res = entry_set(e, queue[i], &w) ? entry_search(e, r, recipe_cex, &w) : NULL;
        if (!res && w.kind == XF_RETURN && e->budget.steps_left > 0) {
            /* what it returns may be a generation's, of a length its integer defaults set */
            Why w2 = {.text = ""};
            e->int_defaults = true;
            res = entry_set(e, queue[i], &w2) ? entry_search(e, r, recipe_cex, &w2) : NULL;
            e->int_defaults = false;
            if (!res && w2.progress > w.progress) w = w2; /* (w's kind decides what follows) */
        }
        if (res) return res;
        why_keep_further(&first, &w);
        if (!caller_may_help(&w) || e->budget.steps_left <= 0) break;
        /* a closure reads the locals of the def it is in: that def, its returned closure called */
        TSNode outer = exec_enclosing_def(parse_parent(queue[i]));
        bool dup = ts_node_is_null(outer);
        for (int k = 0; k < nq && !dup; k++)
            dup = ts_node_eq(queue[k], outer);
        if (!dup && nq < MAX_ENTRIES) queue[nq++] = outer;
        nq += entry_callers(e, queue[i], queue + nq, MAX_ENTRIES - nq);
    }
    if (nq > 0 && !ts_node_is_null(exec_enclosing_def(parse_parent(def))) && e->budget.steps_left > 0) {
        /* a closure whose enclosing def cannot run (it parses arguments, loads files): the
         * closure itself, the locals it reads bound by their use */
        Why w = {.text = ""};
        e->outer_locals = true;
        VerifyResult *res = entry_set(e, def, &w) ? entry_search(e, r, recipe_cex, &w) : NULL;
        e->outer_locals = false;
        if (res) return res;
        why_keep_further(&first, &w);
    }
    if (nq == 0 && e->budget.steps_left > 0) { /* module-level code: the statement holding it */
        entry_set_unit(e, module_unit_stmt(e, node));
        VerifyResult *res = entry_search(e, r, recipe_cex, &first);
        if (res) return res;
    }
    if (!first.text[0]) why_set(&first, XF_OTHER, "the finding is in module-level code, not in a function to run");
    /* the functions whose values the flagged statement ranks; kept only when they show the harm
     * (their run does not pass through the flagged code, so no harm proves nothing), a tie not
     * (the callers, which do not run, may still tell the candidates apart) */
    TSNode callees[MAX_ENTRIES];
    int nc = e->budget.steps_left > 0
                 ? entry_callees(e, ts_node_is_null(def) ? site->src->parsed.root : def, node, callees, MAX_ENTRIES)
                 : 0;
    for (int i = 0; i < nc && e->budget.steps_left > 0; i++) {
        Why w = {.text = ""};
        bool seen = false;
        for (int k = 0; k < nq && !seen; k++)
            seen = ts_node_eq(queue[k], callees[i]);
        e->via_callee = true;
        VerifyResult *res = !seen && entry_set(e, callees[i], &w) ? entry_search(e, r, recipe_cex, &w) : NULL;
        if (res && res->harm != VERIFY_HARM_NONE && res->harm != VERIFY_HARM_TIE && !res->note[0]) {
            res->via_callee = true;
            return res;
        }
        verify_result_free(res);
    }
    snprintf(why, why_len, "%s", first.text);
    return NULL;
}

VerifyResult *verify_exec_finding(const VerifySite *site, const VerifyRecipe *r, const VerifyResult *recipe_cex,
                                  char *why, size_t why_len) {
    if (why_len) why[0] = '\0'; /* read back as the first failure's reason */
    if (!site || !site->src) {
        snprintf(why, why_len, "no source text for this finding");
        return NULL;
    }
    if (site->src->src.len > EXEC_MAX_SOURCE) { /* parsing it again would cost more than the rest */
        snprintf(why, why_len, "the file is larger than %d MiB: its code is not run", EXEC_MAX_SOURCE >> 20);
        return NULL;
    }
    if (!verify_source_parse(site->src)) {
        snprintf(why, why_len, "the file could not be parsed again");
        return NULL;
    }
    ExecEntry e = {.vs = site->src, .mark_start = site->start, .mark_end = site->end, .recipe = r};
    e.budget = entry_budget(EXEC_STEPS_PER_FINDING);
    double cpu = bounds_now();
    VerifyResult *res = finding_entries(&e, site, r, recipe_cex, why, why_len);
    if (!res && e.budget.cpu_hit) /* the last resort decided, not the steps: say so */
        snprintf(why, why_len, "bound: the CPU-time safety net (%g s per finding) ended a run", EXEC_SAFETY_SECONDS);
    trace_finding(&e, site, res != NULL, why, bounds_now() - cpu);
    return res;
}

VerifyResult *verify_exec_source(const char *label, const char *text, size_t len, int line,
                                 const VerifyRecipe *r, const VerifyTable *t, long steps, char *why,
                                 size_t why_len) {
    if (why_len) why[0] = '\0';
    VerifySource *vs = verify_source_new(label, text, len, NULL);
    if (!vs || !verify_source_parse(vs)) {
        snprintf(why, why_len, "%s: could not be parsed", label);
        verify_source_unref(vs);
        return NULL;
    }
    if (line < 1 || (size_t)line > vs->src.nlines) {
        snprintf(why, why_len, "%s: line %d is outside the file (%zu lines)", label, line, vs->src.nlines);
        verify_source_unref(vs);
        return NULL;
    }
    /* the first non-blank byte of the line marks it */
    size_t at = vs->src.line_starts[line - 1];
    while (at < vs->src.len && (vs->src.text[at] == ' ' || vs->src.text[at] == '\t'))
        at++;
    ExecEntry e = {.vs = vs, .mark_start = (uint32_t)at, .mark_end = (uint32_t)at + 1, .recipe = r};
    e.budget = entry_budget(steps);
    TSNode marked = ts_node_descendant_for_byte_range(vs->parsed.root, e.mark_start, e.mark_end);
    TSNode def = exec_enclosing_def(marked);
    if (ts_node_is_null(def)) def = exec_named_lambda(marked);
    if (ts_node_is_null(def)) snprintf(why, why_len, "%s:%d: not inside a function", label, line);
    Why w = {.text = ""};
    VerifyTable *copy = !ts_node_is_null(def) && entry_set(&e, def, &w) ? verify_table_copy(t) : NULL;
    VerifyResult *res = copy ? entry_table(&e, r, copy, &w) : NULL;
    if (!res && w.text[0]) snprintf(why, why_len, "%s", w.text);
    if (res) {
        verify_result_take_table(res, copy);
        res->runs = e.runs;
    } else {
        verify_table_free(copy);
    }
    verify_source_unref(vs);
    return res;
}

VerifyResult *verify_exec_on_table(const char *path, int line, const VerifyRecipe *r, const VerifyTable *t,
                                   char *why, size_t why_len) {
    Source src;
    char err[512];
    if (source_load_file(&src, path, err, sizeof err) != SOURCE_OK) {
        snprintf(why, why_len, "%s", err);
        return NULL;
    }
    VerifyResult *res =
        verify_exec_source(path, src.text, src.len, line, r, t, EXEC_STEPS_PER_FINDING, why, why_len);
    source_free(&src);
    return res;
}
