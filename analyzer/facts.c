/* The abstract interpreter: statements in order over an environment name -> fact
 * (facts_env.c). Branches join, loop bodies run until their entry state settles, functions of
 * the file are interpreted at their call sites with the arguments' facts (depth-bounded,
 * memoised by facts_summary.c). */
#include <stdio.h>
#include <stdlib.h>

#include "facts_interp.h"
#include "libalias.h"
#include "facts_syms.h"

static void exec_block(Interp *in, TSNode block);
static void exec_stmt(Interp *in, TSNode stmt);
static bool exec_in_block(Interp *in, TSNode s);
static void exec_rest(Interp *in, TSNode first);

/* ---------- scopes ---------- */

static void bind_name(Interp *in, const char *name, size_t len, Fact f) {
    env_set(in, &in->frame->env, name, len, f);
}

EnvMark interp_scope_begin(Interp *in) {
    return env_mark(&in->frame->env);
}

void interp_scope_end(Interp *in, EnvMark saved) {
    env_undo(in, &in->frame->env, saved);
    env_release(&in->frame->env);
}

/* ---------- helpers ---------- */

bool interp_text_eq(Interp *in, TSNode n, const char *s) {
    return parse_text_eq(in->src, n, s);
}

static bool interp_text_len_eq(Interp *in, TSNode n, const char *s, size_t len) {
    size_t tlen;
    const char *t = parse_text(in->src, n, &tlen);
    return tlen == len && !memcmp(t, s, len);
}

bool interp_int_literal(Interp *in, TSNode n, long *value) {
    n = parse_unparen(n);
    if (parse_is(n, "unary_operator")) {
        TSNode op = parse_field(n, "operator"), arg = parse_field(n, "argument");
        long v;
        if (!interp_text_eq(in, op, "-") || !interp_int_literal(in, arg, &v)) return false;
        *value = -v;
        return true;
    }
    if (!parse_is(n, "integer")) return false;
    size_t len;
    const char *t = parse_text(in->src, n, &len);
    char buf[24];
    if (len == 0 || len >= sizeof buf) return false;
    memcpy(buf, t, len);
    buf[len] = '\0';
    char *end;
    *value = strtol(buf, &end, 0);
    return *end == '\0';
}

void interp_cancel_aggregate(Interp *in, const Fact *sum) {
    if (sum->agg_event && sum->agg_event <= in->facts->events.len)
        in->facts->events.items[sum->agg_event - 1].cancelled = true;
}

void interp_emit(Interp *in, EventKind kind, EventOp op, TSNode node, Fact a, Fact b,
                 AxisKind axis) {
    /* Where scores meet tokens: how their positions line up (facts_align.c). A gather along
     * positions or the batch pairs no tokens with scores. */
    TSNode site = {0};
    if (in->mod && !in->alone) { /* another file's code, run for a call of this one */
        if (ts_node_is_null(in->site) || in->overriding) return;
        site = in->site;
    }
    int delta = FACT_NO_ALIGN;
    TSNode caller = {0};
    if (align_pairs_tokens(kind, axis)) delta = align_delta(&a, &b);
    if (delta != FACT_NO_ALIGN) /* a helper pairing what it is given: the call chose it */
        caller = site.id ? align_paired_at_site(in, &a, &b) : align_paired_by_caller(in, &a, &b);
    if (kind == EV_MASK_OFF) caller = align_paired_at_site(in, &a, &b); /* facts_ratio.c */
    /* Loop bodies run until they settle and functions may be analysed in several contexts:
     * keep one event per (kind, node, what flowed in). */
    FactEvent e = {.kind = kind,
                   .op = op,
                   .axis = axis,
                   .node = node,
                   .in = a,
                   .in2 = b,
                   .delta = delta,
                   .site = site,
                   .caller = caller};
    size_t i = env_add_event(in, &e);
    in->last_event = i + 1 <= UINT16_MAX ? (uint16_t)(i + 1) : 0;
}

/* ---------- names ---------- */

static const char *const BUILTINS[] = {
    "sum",  "len",        "range", "enumerate", "zip",  "float", "int",   "max",
    "min",  "sorted",     "list",  "tuple",     "abs",  "round", "print", "reversed",
    "map",  "isinstance", "str",   "dict",      "set",  "any",   "all",   "iter",
    "next", "super",      "type",  "getattr",   "open", "bool",  NULL};

Fact interp_lookup(Interp *in, TSNode ident) {
    size_t len;
    const char *name = parse_text(in->src, ident, &len);
    Binding *b = env_find(in, &in->frame->env, name, len);
    if (!b && in->frame != in->module) b = env_find(in, &in->module->env, name, len);
    if (b) return b->fact;
    FuncInfo *fi = funcs_find(in, name, len);
    if (fi) {
        Fact f = fact_object(FO_FUNC, 0, ident);
        f.def = fi->def;
        return f;
    }
    for (const char *const *bi = BUILTINS; *bi; bi++)
        if (strlen(*bi) == len && memcmp(*bi, name, len) == 0) {
            char *q = arena_alloc(in->arena, len + 10);
            memcpy(q, "builtins.", 9);
            memcpy(q + 9, name, len);
            return fact_module(q);
        }
    return names_evidence(ident, name, len);
}

/* self.model, batch["logits"]: a value stored under that exact text earlier. */
Fact interp_lookup_key(Interp *in, TSNode n, bool *found) {
    size_t len;
    const char *name = parse_text(in->src, n, &len);
    Binding *b = env_find(in, &in->frame->env, name, len);
    if (!b && in->frame != in->module) b = env_find(in, &in->module->env, name, len);
    *found = b != NULL;
    return b ? b->fact : fact_unknown();
}

bool interp_rebind(Interp *in, TSNode n, Fact f) {
    size_t len;
    const char *name = parse_text(in->src, n, &len);
    Env *env = &in->frame->env;
    if (!env_find(in, env, name, len)) {
        if (in->frame == in->module || !env_find(in, &in->module->env, name, len)) return false;
        env = &in->module->env;
    }
    env_set(in, env, name, len, f); /* through env_set: settled loops and summaries see it */
    return true;
}

/* ---------- assignment ---------- */

/* What the name a value is stored under says it holds: `x` or the attribute of `self.x`. */
static Fact name_evidence(Interp *in, TSNode target) {
    TSNode leaf = parse_is(target, "attribute") ? parse_field(target, "attribute") : target;
    size_t len;
    const char *name = parse_text(in->src, leaf, &len);
    return names_evidence(leaf, name, len);
}

/* The name's evidence for such a value, keeping what its flow said of loops and positions. */
static Fact named_value(Fact named, const Fact *value) {
    unsigned loop = value->flags & (FF_LOOPVAR | FF_STEPVAR | FF_JOINED | FF_PADDED | FF_PREFIX);
    FactPos head = value->head, tail = value->tail; /* positions outlive the name (facts_align.c) */
    /* `logits = head(h) + bias`: two unknowns added are text joined only when no name says
     * they are scores */
    if ((named.kinds & FK_SCORES) && !head.sym && !tail.sym) loop &= ~FF_JOINED;
    named.flags |= loop;
    if (head.sym || tail.sym) named.head = head, named.tail = tail;
    pad_carry(&named, value); /* LL111/LL112 (facts_padval.c) */
    /* a list the caller built ([p + c for c in cands]) stays one when nothing else is known */
    if (fact_knows_nothing(&named) && fact_made_list(value)) named.origin = value->origin;
    return named;
}

/* d["key"] = value on the dict bound to oname (obj): its fields, key's replaced. */
static void put_field(Interp *in, const char *oname, size_t olen, Fact obj, const char *key,
                      size_t alen, Fact value) {
    bind_name(in, oname, olen, fact_with_field(in->arena, obj, key, alen, value));
}

/* obj.field = value on an object of a class of this file, d["key"] = value on a dict: the
 * object (or dict) holds the new value under that name; d[k] = value with k the variable of a
 * loop over string literals (or a key spelled from it, facts_loopkeys.c), under each of them. */
static void set_field(Interp *in, TSNode target, Fact value) {
    bool attr = parse_is(target, "attribute");
    TSNode object = parse_field(target, attr ? "object" : "value");
    if (!parse_is(object, "identifier")) return;
    size_t olen, alen;
    const char *oname = parse_text(in->src, object, &olen);
    Binding *b = env_find(in, &in->frame->env, oname, olen);
    const char *key = attr ? parse_text(in->src, parse_field(target, "attribute"), &alen)
                           : interp_string_key(in, parse_field(target, "subscript"), &alen);
    const char *keys[8]; /* out[f"{side}_ids"] in `for side in (...)`: each spelling */
    size_t lens[8];
    int nkeys =
        !attr && !key ? loopkeys_spell(in, parse_field(target, "subscript"), keys, lens, 8) : 0;
    if (!b || (!key && !nkeys) || (!attr && ts_node_named_child_count(target) != 2)) /* d["a", 1] */
        return;
    Fact obj = b->fact;
    /* rec = {} (a dict literal of plain data), then rec["ts"] = ...: a dict from here on */
    if (!attr && fact_knows_nothing(&obj) && parse_is(obj.origin, "dictionary"))
        obj = fact_object(FO_DICT, 0, object);
    /* enc["prompt_lens"] = x: a tokenizer's batch holds x as a dict would, wherever it goes */
    bool keyed = obj.obj == FO_DICT || (obj.obj == FO_ENCODING && key);
    if (attr ? obj.obj != FO_INSTANCE : !keyed) return;
    if (key) {
        put_field(in, oname, olen, obj, key, alen, value);
        return;
    }
    /* only keys the dict does not hold yet: `for k in keys: enc[k] = enc[k].to(device)` gives
     * each key its own value, which one evaluation with k unknown does not tell */
    if (fact_knows_nothing(&value)) return;
    for (int i = 0; i < nkeys; i++) {
        if (fact_field(&obj, keys[i], lens[i])) continue;
        put_field(in, oname, olen, obj, keys[i], lens[i], value);
        obj = env_find(in, &in->frame->env, oname, olen)->fact;
    }
}

/* An index that picks positions by a condition on them (x == pad, ~m, (a < b) & c): a
 * boolean mask, which selects cells without reordering them. */
static bool boolean_index(Interp *in, TSNode idx) {
    idx = parse_unparen(idx);
    if (parse_is(idx, "comparison_operator") || parse_is(idx, "not_operator")) return true;
    if (parse_is(idx, "unary_operator"))
        return interp_text_eq(in, parse_field(idx, "operator"), "~") &&
               boolean_index(in, parse_field(idx, "argument"));
    if (parse_is(idx, "binary_operator")) {
        TSNode op = parse_field(idx, "operator");
        return (interp_text_eq(in, op, "&") || interp_text_eq(in, op, "|")) &&
               boolean_index(in, parse_field(idx, "left")) &&
               boolean_index(in, parse_field(idx, "right"));
    }
    return false;
}

/* labels[labels == pad] = IGNORE: a store through a boolean mask fills the cells it picks, each
 * at its own position (a constant known by its name only gets positions of its own,
 * facts_align.c); enc["doc_idx"] = x stores a field: neither moves the other values. */
static bool filled_in_place(Interp *in, TSNode target) {
    TSNode ix = ts_node_named_child_count(target) == 2 ? parse_named_child(target, 1) : (TSNode){0};
    return boolean_index(in, ix) || parse_is(ix, "string");
}

void interp_bind(Interp *in, TSNode target, Fact f) {
    target = parse_unparen(target);
    const char *type = ts_node_type(target);
    if (!strcmp(type, "identifier") || !strcmp(type, "attribute") || !strcmp(type, "subscript")) {
        size_t len;
        const char *name = parse_text(in->src, target, &len);
        /* a classifier's logits that the code argmaxes over the last axis: a class per row,
         * so [batch, classes] (a reranker's [batch, 1] score is never argmaxed) */
        if (f.pooled && f.ndim < 0 && f.obj == FO_NONE && uses_argmax_last(in, target)) {
            fact_set_axes(&f, 2, (AxisKind[]){AX_BATCH, AX_VOCAB});
            f.pooled = false;
        }
        uses_normalised_argmaxed(in, target, &f); /* p = softmax(that, 0); p.argmax(-1) */
        /* Nothing known of the value: the name it is stored under is the only evidence. */
        if (fact_knows_nothing(&f) && !parse_is(target, "subscript")) {
            Fact named = uses_evidence(in, target, &f); /* normalised where it is used */
            if (fact_knows_nothing(&named)) named = named_value(name_evidence(in, target), &f);
            if (!fact_knows_nothing(&named)) { /* else where it was made stays */
                rows_carry(&named, &f);
                named.batch_first = f.batch_first && named.ndim < 0; /* a session's batch */
                f = named;
            }
        } else if (!f.kinds && f.obj == FO_NONE && !f.bottom && !(f.flags & FF_OPAQUE) &&
                   f.ndim >= 1 && f.ax[0] != AX_ITEM && f.ax[0] != AX_STEP &&
                   !parse_is(target, "subscript")) {
            /* ids = pad_sequence(seqs): a tensor's layout is known, the name says token ids or
             * mask (a Python list, toks = [], is typed by what is appended) */
            Fact h = name_evidence(in, target);
            if (h.kinds & (FK_IDS | FK_MASK)) f.kinds = h.kinds;
        } else if (f.obj == FO_OUTPUT && !(f.flags & (FF_TOKENS_IN | FF_GENERATE)) &&
                   !parse_is(target, "subscript")) {
            /* `logits = model(x)` (mlx, custom modules): what the output holds as a tensor is
             * not known from data flow; a name saying scores is evidence, as for an unknown. */
            Fact h = name_evidence(in, target);
            if (h.kinds & FK_SCORES) {
                h.flags |= f.flags & (FF_STEPVAR | FF_PADDED | FF_JOINED | FF_SEQ2SEQ);
                h.head = f.head;
                h.tail = f.tail;
                pad_carry(&h, &f); /* LL111 (facts_padval.c) */
                f = h;
            }
        }
        /* Token ids (or a value of unknown kind) of unknown alignment are a sequence of their
         * own from here (facts_align.c). */
        if (f.obj == FO_NONE && (!f.kinds || (f.kinds & (FK_IDS | FK_MASK))) && f.ndim != 0 &&
            !f.bottom && !align_known(&f) && !parse_is(target, "subscript"))
            align_fresh(&f, target);
        bind_name(in, name, len, f);
        /* labels[:, :-1] = ids[:, 1:]: positions of the target now hold other positions' values;
         * a sequence copied to the start of a row (buf[i, :len(t)] = t) keeps them */
        if (parse_is(target, "subscript") && f.ndim != 0 && (f.kinds || align_known(&f)) &&
            !joins_store_in_place(in, target, &f) && !filled_in_place(in, target)) {
            TSNode base = parse_field(target, "value");
            bool found = false;
            Fact b = parse_is(base, "identifier") || parse_is(base, "attribute")
                         ? interp_lookup_key(in, base, &found)
                         : fact_unknown();
            if (found && align_known(&b)) {
                align_clear(&b);
                size_t blen;
                const char *bname = parse_text(in->src, base, &blen);
                bind_name(in, bname, blen, b);
            }
        }
        /* self.model = ..., self.norm = nn.Softmax(-1), self.dim = 1, self.fwd = jit(self.f),
         * a loader (DataLoader(ds, collate_fn=...)): what the class's other methods see (known
         * from data flow; tensors stay in their method); integers set twice keep only a value
         * both agree on. */
        bool is_const = f.obj == FO_NONE && (f.flags & FF_CONST);
        bool loader = f.records && (f.obj == FO_DICT || f.obj == FO_ENCODING);
        if (in->frame != in->module && parse_is(target, "attribute") && !(f.flags & FF_WEAK) &&
            (f.obj == FO_MODEL || f.obj == FO_CALLABLE || f.obj == FO_TOKENIZER ||
             f.obj == FO_INSTANCE || f.obj == FO_FUNC || is_const || loader) &&
            interp_text_eq(in, parse_field(target, "object"), "self")) {
            Binding *b = env_find(in, &in->module->env, name, len);
            env_set(in, &in->module->env, name, len,
                    b && is_const ? fact_join(in->arena, b->fact, f) : f);
        }
        set_field(in, target, f); /* b.logits = ..., rec["ts"] = ... */
        return;
    }
    if (!strcmp(type, "pattern_list") || !strcmp(type, "tuple_pattern") ||
        !strcmp(type, "list_pattern") || !strcmp(type, "tuple") || !strcmp(type, "list") ||
        !strcmp(type, "expression_list")) {
        int n = (int)ts_node_named_child_count(target);
        for (int i = 0; i < n; i++) {
            Fact e = iter_unpack_elem(f, i, n);
            rows_unpacked(&e, &f, n); /* facts_rows.c */
            /* x, y = get_batch(...): a sequence of unknown alignment is element i of what the
             * producer builds, the same one at every call (align_learn_from_uses) */
            if (f.obj == FO_TUPLE && !ts_node_is_null(f.origin) && e.obj == FO_NONE &&
                (!e.kinds || (e.kinds & (FK_IDS | FK_MASK))) && e.ndim != 0 && !e.bottom &&
                !align_known(&e))
                align_fresh_tag(&e, f.origin, 0x100u + 2u * (uint32_t)i);
            interp_bind(in, parse_named_child(target, (uint32_t)i), e);
        }
    }
}

/* Applies `target op= rhs`. Inside a loop, adding one position's value (FF_STEPVAR) to an
 * accumulator is an aggregation across positions; multiplying it is a product. */
static Fact accumulate(Interp *in, TSNode stmt, Fact cur, const char *op, Fact rhs) {
    bool per_step =
        in->frame->loop_depth > 0 && (rhs.flags & FF_STEPVAR) && fact_is_tensorish(&rhs);
    if (per_step && (!strcmp(op, "+=") || !strcmp(op, "-="))) {
        promptlp_region(in, stmt, &rhs); /* a served prompt's log-probs: which positions */
        interp_emit(in, EV_AGGREGATE, AGG_ACCUMULATE, stmt, rhs, fact_unknown(), AX_UNK);
        Fact r = rhs;
        r.flags = (r.flags | FF_AGGREGATED) & ~(FF_STEPVAR | FF_LOOPVAR);
        r.ndim = 0;
        if (cur.kinds & FK_SCORES) r.kinds |= cur.kinds & FK_SCORES;
        return r;
    }
    if (per_step && !strcmp(op, "*=")) {
        interp_emit(in, EV_PRODUCT, AGG_ACCUMULATE, stmt, rhs, fact_unknown(), AX_UNK);
        Fact r = rhs;
        r.flags = (r.flags | FF_AGGREGATED) & ~(FF_STEPVAR | FF_LOOPVAR);
        r.ndim = 0;
        return r;
    }
    /* total += exp(x[i]) in a loop: a sum of exps, a softmax's denominator by hand */
    if (in->frame->loop_depth > 0 && !strcmp(op, "+=") && (rhs.flags & FF_EXP) &&
        cur.obj == FO_NONE && !(cur.kinds & ~FK_NUM))
        return fact_of(FK_NUM, FF_EXP | FF_SUMEXP | (rhs.flags & FF_STABLE), stmt);
    /* x -= x.max(): exp() of it cannot overflow; x -= logsumexp(x): log-probs */
    if (!strcmp(op, "-=") && (rhs.kinds & (FK_MAXV | FK_LOGZ)) && cur.obj == FO_NONE)
        return interp_binop(in, stmt, '-', cur, rhs);
    /* x *= mask (or x = x * mask): the masked positions are zero, as for x * mask */
    if (!strcmp(op, "*=") && (cur.kinds & (FK_SCORES | FK_LOSS)) &&
        ((rhs.kinds & FK_MASK) ||
         (!rhs.kinds && rhs.obj == FO_NONE && rhs.ndim != 0 && (cur.flags & FF_SELECTED))))
        cur.flags |= FF_MASKED;
    if (cur.kinds & FK_SCORES || !(rhs.kinds & FK_SCORES)) {
        cur.flags |= rhs.flags & (FF_MASKED | FF_LOOPVAR);
        return cur;
    }
    return rhs;
}

/* x[mask == 0] = 0.0, x[~m.bool()] = 0: the scores at the masked positions are overwritten. */
bool interp_item_container(Interp *in, TSNode target, TSNode *container, Fact *fact) {
    target = parse_unparen(target);
    if (!parse_is(target, "subscript")) return false;
    *container = parse_field(target, "value");
    if (!parse_is(*container, "identifier") && !parse_is(*container, "attribute")) return false;
    bool found;
    *fact = regions_held(in, *container, &found); /* buf.tokens[...]: an object's field too */
    return found;
}

/* Zero written over part of a score tensor: x[mask == 0] = 0 (a mask's positions), or
 * x[i, n:] = 0.0 (a row's tail, in a loop over the rows): those positions no longer count. */
static bool zeroes_positions(Interp *in, TSNode target, TSNode value) {
    value = parse_unparen(value);
    size_t len;
    const char *t = parse_text(in->src, value, &len);
    bool zero = (parse_is(value, "integer") || parse_is(value, "float")) && strspn(t, "0.") == len;
    uint32_t n = ts_node_named_child_count(target);
    for (uint32_t i = 1; zero && i < n; i++)
        if (parse_is(parse_named_child(target, i), "slice")) return true;
    return false;
}

static void mask_item_assigned(Interp *in, TSNode target, TSNode value) {
    TSNode container;
    Fact f;
    if (!interp_item_container(in, target, &container, &f)) return;
    if (f.kinds == FK_MASK && f.obj == FO_NONE && (f.flags & FF_JOINED) &&
        zeroes_positions(in, parse_unparen(target), value)) {
        /* mask[:, :n_prompt] = 0: a mask of the joined text's real tokens no longer; its sum
         * counts what is left (the continuation's), no mean over the prompt (LL106, LL107) */
        f.flags &= ~FF_JOINED;
        interp_bind(in, container, f);
        return;
    }
    if (!(f.kinds & (FK_SCORES | FK_LOSS))) return;
    target = parse_unparen(target);
    bool by_mask = ts_node_named_child_count(target) == 2 &&
                   (interp_eval(in, parse_field(target, "subscript")).kinds & FK_MASK);
    if (!by_mask && !zeroes_positions(in, target, value)) return;
    f.flags |= FF_MASKED;
    interp_bind(in, container, f);
}

static bool is_list_fact(const Fact *f) {
    return f->ndim >= 1 ? f->ax[0] == AX_STEP || f->ax[0] == AX_ITEM : !!fact_last_module(f);
}

/* logits[i] = logits[i].log_softmax(-1), logits[:] = ...: log-probs written into raw logits
 * make them (maybe, for the rows written) log-probs. */
static void normalised_item_assigned(Interp *in, TSNode target, Fact value) {
    TSNode container;
    Fact f;
    if (!(value.kinds & FK_LOGPROB) || (value.kinds & FK_RAW) ||
        !interp_item_container(in, target, &container, &f) || !(f.kinds & FK_RAW))
        return;
    f.kinds |= FK_LOGPROB;
    interp_bind(in, container, f);
}

/* p[i] = exp(x[i]) into a buffer of numbers (zeros, a list of 0.0): the buffer holds exps from
 * here on, so p.sum() is a softmax's denominator by hand and p[i] /= total divides by it. */
static void exp_item_assigned(Interp *in, TSNode target, Fact value) {
    TSNode container;
    Fact f;
    if (!(value.flags & FF_EXP) || !interp_item_container(in, target, &container, &f) ||
        f.obj != FO_NONE || (f.kinds & ~FK_NUM) || (f.flags & FF_EXP))
        return;
    f.kinds = FK_NUM;
    f.flags |= FF_EXP | (value.flags & FF_STABLE);
    interp_bind(in, container, f);
}

static void exec_augassign(Interp *in, TSNode stmt) {
    TSNode left = parse_field(stmt, "left"), right = parse_field(stmt, "right");
    size_t oplen;
    const char *optext = parse_text(in->src, parse_field(stmt, "operator"), &oplen);
    char op[4] = {0};
    memcpy(op, optext, oplen < 3 ? oplen : 3);
    Fact rhs = interp_eval(in, right);
    Fact cur = interp_eval(in, left);
    if (!strcmp(op, "/=")) {
        interp_emit(in, EV_DIVIDE, 0, stmt, cur, rhs, AX_UNK);
        Fact mean;
        if (mask_divided(in, stmt, &cur, &rhs, &mean)) { /* facts_mask.c */
            interp_bind(in, left, mean);
            return;
        }
    }
    if (is_list_fact(&cur) && is_list_fact(&rhs)) { /* lst += [x], layers += [m]: extending */
        Fact grown = fact_list_extended(in->arena, cur, rhs);
        if (in->frame->loop_depth > 0) grown.flags |= FF_PREFIX;
        interp_bind(in, left, grown);
        return;
    }
    Fact scaled; /* loss *= n_tokens: a sum from here */
    if (!strcmp(op, "*=") && labels_scale(stmt, cur, rhs, &scaled)) {
        interp_bind(in, left, scaled);
        return;
    }
    Fact now = accumulate(in, stmt, cur, op, rhs);
    pad_combined_in_place(&now, op);
    rows_forget(&now); /* lens *= 2, as lens * 2 (facts_rows.c) */
    interp_bind(in, left, now);
    normalised_item_assigned(in, left, now); /* logits[i] -= logsumexp(logits[i]) */
}

/* The right operand of `seq = seq + other` adds elements rather than numbers. */
static bool grows_sequence(Interp *in, TSNode other) {
    if (parse_is(other, "list") || parse_is(other, "tuple")) return true;
    Fact f = interp_eval(in, other);
    return is_list_fact(&f);
}

/* ids = torch.cat([ids, tok], dim=-1) (or np.concatenate / hstack): the sequence grows by
 * one step; in a loop, the autoregressive context. */
static bool concatenates_onto(Interp *in, TSNode call, TSNode target) {
    if (!parse_is(call, "call") || !parse_is(target, "identifier")) return false;
    TSNode fn = parse_field(call, "function");
    if (parse_is(fn, "attribute")) fn = parse_field(fn, "attribute");
    if (!interp_text_eq(in, fn, "cat") && !interp_text_eq(in, fn, "concatenate") &&
        !interp_text_eq(in, fn, "concat") && !interp_text_eq(in, fn, "hstack"))
        return false;
    TSNode args = parse_field(call, "arguments");
    TSNode seqs =
        ts_node_named_child_count(args) ? parse_unparen(parse_named_child(args, 0)) : args;
    if (!parse_is(seqs, "list") && !parse_is(seqs, "tuple")) return false;
    size_t len;
    const char *name = parse_text(in->src, target, &len);
    for (uint32_t i = 0; i < ts_node_named_child_count(seqs); i++) {
        size_t l2;
        const char *t = parse_text(in->src, parse_unparen(parse_named_child(seqs, i)), &l2);
        if (l2 == len && !memcmp(t, name, len)) return true;
    }
    return false;
}

/* Does cond compare value above target (value > target, target < value, also under `or`)? */
static bool compares_above(Interp *in, TSNode cond, TSNode value, TSNode target) {
    cond = parse_unparen(cond);
    if (parse_is(cond, "boolean_operator"))
        return compares_above(in, parse_field(cond, "left"), value, target) ||
               compares_above(in, parse_field(cond, "right"), value, target);
    if (!parse_is(cond, "comparison_operator") || ts_node_child_count(cond) != 3) return false;
    TSNode a = ts_node_child(cond, 0), op = ts_node_child(cond, 1), b = ts_node_child(cond, 2);
    size_t vl, tl;
    const char *v = parse_text(in->src, value, &vl), *t = parse_text(in->src, target, &tl);
    char vs[64], ts[64];
    if (vl >= sizeof vs || tl >= sizeof ts) return false;
    memcpy(vs, v, vl), vs[vl] = '\0';
    memcpy(ts, t, tl), ts[tl] = '\0';
    bool gt = parse_text_eq(in->src, op, ">") || parse_text_eq(in->src, op, ">=");
    bool lt = parse_text_eq(in->src, op, "<") || parse_text_eq(in->src, op, "<=");
    return (gt && parse_text_eq(in->src, a, vs) && parse_text_eq(in->src, b, ts)) ||
           (lt && parse_text_eq(in->src, a, ts) && parse_text_eq(in->src, b, vs));
}

/* `if best is None or s > best: best = s`: a running maximum, as max() is (x - best is
 * bounded above by 0, exp() of it cannot overflow). */
static bool running_max(Interp *in, TSNode stmt, TSNode left, TSNode right) {
    if (!parse_is(left, "identifier") || !parse_is(right, "identifier")) return false;
    TSNode block = parse_parent(parse_parent(stmt));
    TSNode ifs = ts_node_is_null(block) ? block : parse_parent(block);
    return !ts_node_is_null(ifs) && parse_is(ifs, "if_statement") &&
           ts_node_eq(parse_field(ifs, "consequence"), block) &&
           compares_above(in, parse_field(ifs, "condition"), right, left);
}

/* chunks[-1] = chunks[-1][..., :-1, :]: a part of x replaced by itself with its last
 * positions cut off (the last chunk of logits a model returned in chunks). Where x starts
 * stays where it was; where it ends is no longer known. */
static bool trims_own_end(Interp *in, TSNode left, TSNode right) {
    right = parse_unparen(right);
    if (!parse_is(left, "subscript") || !parse_is(right, "subscript")) return false;
    size_t len;
    const char *lt = parse_text(in->src, left, &len);
    char buf[96];
    if (len >= sizeof buf) return false;
    memcpy(buf, lt, len);
    buf[len] = '\0';
    if (!parse_text_eq(in->src, parse_field(right, "value"), buf)) return false;
    int trims = 0;
    uint32_t n = ts_node_named_child_count(right);
    for (uint32_t i = 1; i < n; i++) {
        TSNode ix = parse_named_child(right, i), parts[3];
        if (parse_is(ix, "ellipsis")) continue;
        if (!parse_is(ix, "slice")) return false;
        parse_slice_parts(ix, parts);
        long v;
        if (!ts_node_is_null(parts[0]) || !ts_node_is_null(parts[2])) return false;
        if (ts_node_is_null(parts[1])) continue; /* [:] */
        if (!interp_int_literal(in, parts[1], &v) || v >= 0) return false;
        trims++;
    }
    return trims == 1;
}

static void exec_assign(Interp *in, TSNode stmt) {
    TSNode left = parse_field(stmt, "left"), right = parse_field(stmt, "right");
    if (ts_node_is_null(right)) return;  /* a bare annotation */
    if (parse_is(right, "assignment")) { /* a = b = value */
        exec_assign(in, right);
        interp_bind(in, left, interp_eval(in, parse_field(right, "left")));
        return;
    }
    /* total = total + x is total += x */
    TSNode r = parse_unparen(right);
    if (parse_is(r, "binary_operator") && parse_is(left, "identifier")) {
        TSNode a = parse_unparen(parse_field(r, "left")),
               b = parse_unparen(parse_field(r, "right"));
        size_t lt_len;
        const char *lt = parse_text(in->src, left, &lt_len);
        char tmp[64];
        if (lt_len < sizeof tmp) {
            memcpy(tmp, lt, lt_len);
            tmp[lt_len] = '\0';
            TSNode other = ts_node_is_null(a) ? a : (parse_text_eq(in->src, a, tmp) ? b : a);
            bool self_ref = parse_text_eq(in->src, a, tmp) || parse_text_eq(in->src, b, tmp);
            TSNode opn = parse_field(r, "operator");
            bool add = parse_text_eq(in->src, opn, "+"), mul = parse_text_eq(in->src, opn, "*");
            if (self_ref && add && grows_sequence(in, other)) { /* ids = ids + [tok] */
                Fact grown = fact_join(in->arena, interp_eval(in, left), interp_eval(in, other));
                if (in->frame->loop_depth > 0) grown.flags |= FF_PREFIX;
                interp_bind(in, left, grown);
                return;
            }
            if (self_ref && (add || mul)) {
                Fact cur = interp_eval(in, left), rhs = interp_eval(in, other);
                interp_bind(in, left, accumulate(in, stmt, cur, add ? "+=" : "*=", rhs));
                return;
            }
        }
    }
    TSNode at_sub, stored;
    if (parse_is(left, "identifier") && regions_functional_store(in, r, &at_sub, &stored)) {
        /* buf = jnp.zeros(...).at[:, :n].set(x): a buffer and its fill, x written over part */
        Fact buf = interp_eval(in, parse_field(parse_field(at_sub, "value"), "object"));
        if (buf.fill) {
            Fact held = interp_eval(in, stored);
            interp_bind(in, left, buf);
            regions_assigned(in, at_sub, left, &held);
            return;
        }
    }
    Fact value = interp_eval(in, right);
    if (in->frame->loop_depth > 0 && concatenates_onto(in, r, left)) value.flags |= FF_PREFIX;
    if (running_max(in, stmt, left, r) && !(value.kinds & (FK_IDS | FK_MASK | FK_INDEX | FK_LOSS)))
        value.kinds |= FK_MAXV;
    TSNode base = parse_is(left, "subscript") ? parse_field(left, "value") : left;
    bool kept = false;
    Fact before = parse_is(base, "identifier") && trims_own_end(in, left, right)
                      ? interp_lookup_key(in, base, &kept)
                      : fact_unknown();
    interp_bind(in, left, value);
    if (kept && align_known(&before)) {
        before.tail = (FactPos){0, 0, false};
        interp_rebind(in, base, before);
    }
    labels_item_assigned(in, left, value, right); /* labels[:, :n] = -100, losses[c] = loss */
    pad_assigned(in, left, right, &value);        /* LL111/LL112 (facts_pad.c) */
    mask_item_assigned(in, left, right);
    normalised_item_assigned(in, left, value);
    exp_item_assigned(in, left, value);
}

/* ---------- imports ---------- */

const char *interp_dotted(Interp *in, TSNode n) {
    size_t len;
    const char *t = parse_text(in->src, n, &len);
    /* Dotted names may contain whitespace around dots in odd code; drop it. */
    char *q = arena_alloc(in->arena, len + 1);
    size_t k = 0;
    for (size_t i = 0; i < len; i++)
        if (t[i] != ' ' && t[i] != '\t' && t[i] != '\\' && t[i] != '\n' && t[i] != '\r')
            q[k++] = t[i];
    return q;
}

static void exec_import(Interp *in, TSNode stmt, bool from) {
    const char *base = NULL;
    if (from) {
        TSNode mod = parse_field(stmt, "module_name");
        if (ts_node_is_null(mod) || parse_is(mod, "relative_import"))
            base = NULL;
        else
            base = interp_dotted(in, mod);
    }
    uint32_t n = ts_node_named_child_count(stmt);
    for (uint32_t i = 0; i < n; i++) {
        TSNode c = parse_named_child(stmt, i);
        const char *field = ts_node_field_name_for_named_child(stmt, i);
        if (!field || strcmp(field, "name") != 0) continue;
        TSNode name = c, alias = {0};
        if (parse_is(c, "aliased_import")) {
            name = parse_field(c, "name");
            alias = parse_field(c, "alias");
        }
        const char *q = interp_dotted(in, name);
        if (from) {
            const char *b = base ? base : "";
            char *full = arena_alloc(in->arena, strlen(b) + strlen(q) + 2);
            sprintf(full, "%s%s%s", b, *b ? "." : "", q);
            q = full;
        }
        size_t blen;
        const char *bind;
        if (!ts_node_is_null(alias)) {
            bind = parse_text(in->src, alias, &blen);
        } else if (from) {
            bind = parse_text(in->src, name, &blen);
        } else { /* import torch.nn.functional binds `torch` */
            bind = parse_text(in->src, name, &blen);
            const char *dot = memchr(bind, '.', blen);
            if (dot) {
                blen = (size_t)(dot - bind);
                q = arena_strndup(in->arena, q, strcspn(q, "."));
            }
        }
        size_t alike = libalias_numpy_prefix(q); /* import minpy.numpy as np: NumPy's names */
        if (alike) {
            char *canon = arena_alloc(in->arena, strlen(q) - alike + 6);
            sprintf(canon, "numpy%s", q + alike);
            q = canon;
        }
        bind_name(in, bind, blen, fact_module(q));
    }
    project_import(in, stmt); /* what modules of the analysed project give those names */
}

/* ---------- control flow ---------- */

/* Does the path that ends now bind a name to scores, ids, a mask, a loss or a model (what rules
 * read), rather than to settings only? */
static bool path_binds_values(Interp *in, Env *env, EnvMark mark, EnvChanges *scratch) {
    env_changed_since(in, env, mark, scratch);
    for (size_t i = 0; i < scratch->len; i++) {
        const Binding *b = &env->items.items[scratch->items[i].index];
        if (!b->bound) continue;
        const Fact *f = &b->fact;
        if ((f->kinds & (FK_SCORES | FK_IDS | FK_MASK | FK_LOSS)) || f->obj == FO_MODEL ||
            f->obj == FO_OUTPUT || f->obj == FO_INSTANCE || f->obj == FO_ENCODING)
            return true;
    }
    return false;
}

/* A condition's truth where the facts (facts_paths.c) or an arm running now that took it
 * (facts_branch.c) decide it; -1 otherwise. */
static int cond_truth(Interp *in, TSNode cond) {
    int t = paths_truth(in, cond);
    return t >= 0 ? t : branch_assumed_truth(in, cond);
}

/* Runs one arm (block), then the statements from rest on (null: none), with the conditions of
 * the statement up to clause (its arm's) assumed as that arm took them when they read only
 * configuration (config): the last one true unless the arm is the else or no branch at all. */
static bool exec_arm(Interp *in, TSNode stmt, uint32_t clause, bool config, TSNode block,
                     TSNode rest, EnvPaths *paths, EnvChanges *scratch) {
    size_t assumed = in->assumed.len;
    for (uint32_t i = 0, nth = 0; config && i < ts_node_named_child_count(stmt); i++) {
        TSNode c = parse_named_child(stmt, i);
        bool arm = i == 0 || parse_is(c, "elif_clause");
        if (!arm || nth > clause) continue;
        TSNode cond = parse_field(i == 0 ? stmt : c, "condition");
        branch_assume(in, cond, nth++ == clause, block);
    }
    exec_block(in, block);
    exec_rest(in, rest);
    branch_forget(in, assumed);
    bool binds = path_binds_values(in, &in->frame->env, paths->mark, scratch);
    env_paths_add(in, &in->frame->env, paths);
    return binds;
}

/* The arms of a branch that can be taken, each from the state before the statement, each
 * followed by the statements from rest on (null: none); the names a path changed are joined,
 * the others are left alone (facts_env.c). True when some path bound values rules read. */
static bool exec_arms(Interp *in, TSNode stmt, int truth, bool config, TSNode rest) {
    Env *env = &in->frame->env;
    EnvPaths paths;
    EnvChanges scratch = {0};
    bool binds = false;
    env_paths_begin(env, &paths);
    bool decided = truth == 1; /* a branch surely taken: none after it runs */
    if (truth != 0)
        binds |=
            exec_arm(in, stmt, 0, config, parse_field(stmt, "consequence"), rest, &paths, &scratch);
    uint32_t n = ts_node_named_child_count(stmt), clause = 0;
    for (uint32_t i = 0; i < n && !decided; i++) {
        TSNode alt = parse_named_child(stmt, i);
        bool elif = parse_is(alt, "elif_clause");
        if (!elif && !parse_is(alt, "else_clause")) continue;
        int t = 1;
        clause++;
        if (elif) {
            interp_eval(in, parse_field(alt, "condition"));
            t = cond_truth(in, parse_field(alt, "condition"));
        }
        if (t != 0)
            binds |=
                exec_arm(in, stmt, clause, config, parse_field(alt, elif ? "consequence" : "body"),
                         rest, &paths, &scratch);
        decided = t == 1;
    }
    bool through = !decided && !ts_node_is_null(rest);
    if (through) /* no branch taken: the rest runs from the state before */
        exec_arm(in, stmt, clause + 1, config, (TSNode){0}, rest, &paths, &scratch);
    env_paths_end(in, env, &paths, !decided && !through); /* no branch may run: as before */
    array_free(&scratch);
    return binds;
}

/* A condition the facts decide (facts_paths.c), or that an arm running now took, leaves out the
 * branches that cannot be taken. A branch on configuration, or on local names that the rest of
 * its block tests again (facts_branch.c), whose arms bind values rules read, with statements
 * after it in its block, runs them again after each arm, so that each path keeps its own values
 * to the block's end: true when it did. */
enum { MAX_SPLITS = 2 }; /* nested splits: each doubles the work of what follows */

static bool exec_branches(Interp *in, TSNode stmt, TSNode rest) {
    TSNode cond = parse_field(stmt, "condition");
    interp_eval(in, cond);
    int truth = cond_truth(in, cond);
    bool config = branch_by_config(in, stmt) || (truth < 0 && branch_tested_again(in, stmt, rest));
    bool may_split = config && truth < 0 && !ts_node_is_null(rest) && in->splits < MAX_SPLITS;
    Env *env = &in->frame->env;
    EnvMark before = may_split ? env_mark(env) : 0;
    bool binds = exec_arms(in, stmt, truth, config, (TSNode){0});
    if (!may_split) return false;
    bool split = binds && !in->budget->hit;
    if (split) env_undo(in, env, before);
    env_release(env);
    if (!split) return false;
    in->splits++;
    exec_arms(in, stmt, truth, config, rest);
    in->splits--;
    return true;
}

/* A loop body runs from the join of the entry state and the previous pass until that state
 * settles, so that values carried around the loop (accumulators, appended lists) reach what
 * any number of iterations gives. A body whose entry state comes back unchanged runs once. One
 * still changing after LOOP_WIDEN_AFTER passes is widened: from then on only new kinds or flags
 * count as a change (facts_env.c), of which there are finitely many; LOOP_MAX_PASSES bounds the
 * rest (the join of objects is not monotone). */
enum { LOOP_WIDEN_AFTER = 2, LOOP_MAX_PASSES = 6 };

static bool same_bits(const Fact *a, const Fact *b) {
    return a->kinds == b->kinds && a->flags == b->flags;
}

static void exec_loop(Interp *in, TSNode target, Fact elem, TSNode body) {
    regions_loop(in, body); /* LL112 (facts_regions.c): reads before writes in the body */
    if (env_loop_unchanged(in, body, &elem)) return;
    Env *env = &in->frame->env;
    EnvLoop loop;
    env_loop_begin(env, &loop);
    in->frame->loop_depth++;
    for (int pass = 0; pass < LOOP_MAX_PASSES && !in->budget->hit; pass++) {
        /* what else a pass can change: the module's values (self.x = ... in a method), what
         * the function returns or yields */
        unsigned long module_before = in->module_changes;
        Fact ret = in->frame->ret, yielded = in->frame->yielded;
        if (!ts_node_is_null(target)) interp_bind(in, target, elem);
        exec_block(in, body);
        bool widen = pass >= LOOP_WIDEN_AFTER;
        bool changed = env_loop_settle(in, env, &loop, widen);
        if (widen) {
            changed |= !same_bits(&ret, &in->frame->ret);
            changed |= !same_bits(&yielded, &in->frame->yielded);
        } else {
            changed |= in->frame != in->module && in->module_changes != module_before;
            changed |= !fact_same(&ret, &in->frame->ret);
            changed |= !fact_same(&yielded, &in->frame->yielded);
        }
        if (!changed) {
            /* settled where no pass was widened: run again from here, it would repeat its
             * last pass */
            if (!widen) env_loop_settled(in, body, &elem);
            break;
        }
    }
    in->frame->loop_depth--;
    env_loop_end(in, env, &loop);
}

static void exec_for(Interp *in, TSNode stmt) {
    Fact iterable = interp_eval(in, parse_field(stmt, "right"));
    if (iter_unrolled(&iterable)) /* for m in (AnswerNLL(), MaxProb()): each in turn */
        for (int i = 0; i < iterable.nelems; i++)
            exec_loop(in, parse_field(stmt, "left"), iterable.elems[i], parse_field(stmt, "body"));
    else {
        Fact elem = iter_element(in, iterable);
        rows_loop_batch(stmt, &elem); /* facts_rows.c */
        exec_loop(in, parse_field(stmt, "left"), elem, parse_field(stmt, "body"));
        rows_zip_written(in, stmt);
    }
    TSNode alt = parse_field(stmt, "alternative");
    if (!ts_node_is_null(alt)) exec_block(in, parse_field(alt, "body"));
}

static void exec_with(Interp *in, TSNode stmt) {
    uint32_t n = ts_node_named_child_count(stmt);
    for (uint32_t i = 0; i < n; i++) {
        TSNode clause = parse_named_child(stmt, i);
        if (!parse_is(clause, "with_clause")) continue;
        uint32_t m = ts_node_named_child_count(clause);
        for (uint32_t j = 0; j < m; j++) {
            TSNode item = parse_named_child(clause, j);
            TSNode value = parse_field(item, "value");
            if (parse_is(value, "as_pattern")) {
                Fact f = interp_eval(in, parse_named_child(value, 0));
                TSNode alias = parse_field(value, "alias");
                if (!ts_node_is_null(alias)) interp_bind(in, parse_named_child(alias, 0), f);
            } else {
                interp_eval(in, value);
            }
        }
    }
    exec_block(in, parse_field(stmt, "body"));
}

/* Nesting is bounded here (every compound statement runs its body through a block), and each
 * statement spends a step of the file's budget (bounds.h). */
static void exec_block(Interp *in, TSNode block) {
    if (ts_node_is_null(block)) return;
    if (in->block_depth >= BOUND_MAX_NESTING) {
        bounds_hit(in->budget, BOUND_DEPTH);
        return;
    }
    if (++in->block_depth > in->block_peak) in->block_peak = in->block_depth;
    ParseKids k;
    parse_kids_begin(&k, block);
    for (TSNode s; parse_kids_next(&k, &s) && bounds_spend(in->budget);)
        if (exec_in_block(in, s)) break;
    parse_kids_end(&k);
    in->block_depth--;
}

/* A statement of a block, with the statements after it: true when it ran them too (a branch
 * on configuration, once per arm). */
static bool exec_in_block(Interp *in, TSNode s) {
    if (syms_kind(s) == SYM_IF_STATEMENT)
        return exec_branches(in, s, ts_node_next_named_sibling(s));
    exec_stmt(in, s);
    return false;
}

/* The statements of a block from first to its end. */
static void exec_rest(Interp *in, TSNode first) {
    for (TSNode s = first; !ts_node_is_null(s) && bounds_spend(in->budget);
         s = ts_node_next_named_sibling(s))
        if (exec_in_block(in, s)) break;
}

/* while t < T: ...; t += 1 — t moves with the loop as a for loop's variable does. */
static void mark_counters(Interp *in, TSNode body) {
    ParseKids k;
    parse_kids_begin(&k, body);
    for (TSNode st; parse_kids_next(&k, &st);) {
        TSNode aug = parse_is(st, "expression_statement") ? parse_named_child(st, 0) : st;
        if (!parse_is(aug, "augmented_assignment")) continue;
        TSNode left = parse_field(aug, "left"), op = parse_field(aug, "operator");
        long step;
        if (!parse_is(left, "identifier") ||
            !interp_int_literal(in, parse_field(aug, "right"), &step) ||
            !(interp_text_eq(in, op, "+=") || interp_text_eq(in, op, "-=")))
            continue;
        bool found;
        Fact f = interp_lookup_key(in, left, &found);
        if (!found) continue;
        f.flags |= FF_LOOPVAR;
        interp_bind(in, left, f);
    }
    parse_kids_end(&k);
}

static void exec_stmt(Interp *in, TSNode s) {
    switch (syms_kind(s)) {
    case SYM_EXPRESSION_STATEMENT: {
        uint32_t n = ts_node_named_child_count(s);
        for (uint32_t i = 0; i < n; i++) {
            TSNode c = parse_named_child(s, i);
            if (parse_is(c, "assignment"))
                exec_assign(in, c);
            else if (parse_is(c, "augmented_assignment"))
                exec_augassign(in, c);
            else
                interp_eval(in, c);
        }
        break;
    }
    case SYM_IF_STATEMENT:
        exec_branches(in, s, (TSNode){0});
        break;
    case SYM_FOR_STATEMENT:
        exec_for(in, s);
        break;
    case SYM_WHILE_STATEMENT:
        interp_eval(in, parse_field(s, "condition"));
        mark_counters(in, parse_field(s, "body"));
        exec_loop(in, (TSNode){0}, fact_unknown(), parse_field(s, "body"));
        break;
    case SYM_WITH_STATEMENT:
        exec_with(in, s);
        break;
    case SYM_TRY_STATEMENT: {
        uint32_t n = ts_node_named_child_count(s);
        exec_block(in, parse_field(s, "body"));
        for (uint32_t i = 0; i < n; i++) {
            TSNode c = parse_named_child(s, i);
            if (parse_is(c, "block")) continue;
            uint32_t m = ts_node_named_child_count(c);
            for (uint32_t j = 0; j < m; j++)
                if (parse_is(parse_named_child(c, j), "block"))
                    exec_block(in, parse_named_child(c, j));
        }
        break;
    }
    case SYM_FUNCTION_DEFINITION:
    case SYM_CLASS_DEFINITION: {
        size_t len; /* def f / class C: the name holds the function or the class */
        const char *name = parse_text(in->src, parse_field(s, "name"), &len);
        Fact f = syms_kind(s) == SYM_CLASS_DEFINITION ? fact_object(FO_CLASS, 0, s)
                                                      : funcs_closure(in, s);
        f.def = s;
        bind_name(in, name, len, f);
        break;
    }
    case SYM_DECORATED_DEFINITION:
        exec_stmt(in, parse_field(s, "definition"));
        break;
    case SYM_RETURN_STATEMENT: {
        TSNode v = ts_node_named_child_count(s) ? parse_named_child(s, 0) : (TSNode){0};
        Fact f = ts_node_is_null(v) ? fact_unknown() : interp_eval(in, v);
        if (!ts_node_is_null(v)) labels_batch_returned(in, s, f);
        in->frame->ret = fact_join(in->arena, in->frame->ret, f);
        break;
    }
    case SYM_IMPORT_STATEMENT:
        exec_import(in, s, false);
        break;
    case SYM_IMPORT_FROM_STATEMENT:
        exec_import(in, s, true);
        break;
    case SYM_BLOCK:
        exec_block(in, s);
        break;
    case SYM_ASSERT_STATEMENT:
    case SYM_RAISE_STATEMENT: {
        uint32_t n = ts_node_named_child_count(s); /* their expressions may score or log */
        for (uint32_t i = 0; i < n; i++)
            interp_eval(in, parse_named_child(s, i));
        if (syms_kind(s) == SYM_ASSERT_STATEMENT) uses_rank_asserted(in, s);
        break;
    }
    default:
        break;
    }
    /* class bodies run as functions of their own (see facts_analyze); the rest (pass, global,
     * ...) does not change what values hold. */
}

/* ---------- classes ---------- */

static TSNode method_in(Interp *in, TSNode cls, const char *name, size_t len, int depth) {
    TSNode found = types_method_of(in, cls, name, len);
    TSNode bases = parse_field(cls, "superclasses");
    uint32_t n = ts_node_is_null(bases) ? 0 : ts_node_named_child_count(bases);
    for (uint32_t i = 0; i < n && ts_node_is_null(found) && depth < 8; i++) {
        TSNode base = parse_named_child(bases, i);
        if (!parse_is(base, "identifier")) continue;
        Fact b = interp_lookup(in, base);
        if (b.obj == FO_CLASS && !ts_node_eq(b.def, cls))
            found = method_in(in, b.def, name, len, depth + 1);
    }
    return found;
}

TSNode interp_find_method(Interp *in, TSNode cls, const char *name, size_t len) {
    ProjectCtx module; /* its bases are names of its module */
    project_enter(in, cls, (TSNode){0}, &module);
    TSNode m = method_in(in, cls, name, len, 0);
    project_leave(in, &module);
    return m;
}

/* ---------- functions ---------- */

/* The facts of the positional arguments, after self, up to a *xs whose elements are not known
 * (f(model, *enc, device) with enc = (ids, mask) returned by a helper passes its elements). */
static int positional_facts(Interp *in, TSNode call_args, const Args *given, const Fact *self_fact,
                            Fact pos[16]) {
    int npos = 0;
    if (self_fact) pos[npos++] = *self_fact;
    if (given) {
        for (int i = 0; i < given->npos && npos < 16; i++) {
            const Fact *f = &given->posf[i];
            if (!parse_is(given->pos[i], "list_splat")) {
                pos[npos++] = *f;
                continue;
            }
            if (!fact_splat_known(f)) break;
            for (int j = 0; j < f->nelems && npos < 16; j++)
                pos[npos++] = f->elems[j];
        }
        return npos;
    }
    uint32_t na = ts_node_is_null(call_args) ? 0 : ts_node_named_child_count(call_args);
    for (uint32_t i = 0; i < na && npos < 16; i++) {
        TSNode a = parse_named_child(call_args, i);
        if (parse_is(a, "keyword_argument") || parse_is(a, "comment")) continue;
        if (parse_is(a, "dictionary_splat")) break;
        if (parse_is(a, "list_splat")) {
            Fact xs = interp_eval(in, parse_named_child(a, 0));
            if (!fact_splat_known(&xs)) break;
            for (int j = 0; j < xs.nelems && npos < 16; j++) {
                pos[npos++] = xs.elems[j];
                in->call_loopvar |= xs.elems[j].flags & (FF_LOOPVAR | FF_STEPVAR | FF_PREFIX);
            }
            continue;
        }
        pos[npos++] = interp_eval(in, a);
        in->call_loopvar |= pos[npos - 1].flags & (FF_LOOPVAR | FF_STEPVAR | FF_PREFIX);
    }
    return npos;
}

/* The fact of the keyword argument name=..., bottom when there is none. */
static Fact keyword_fact(Interp *in, TSNode call_args, const Args *given, const char *name,
                         size_t len) {
    Fact f = fact_bottom();
    if (given) {
        for (int j = 0; j < given->nkw; j++)
            if (interp_text_len_eq(in, given->kw_name[j], name, len)) f = given->kwf[j];
        return f;
    }
    uint32_t na = ts_node_is_null(call_args) ? 0 : ts_node_named_child_count(call_args);
    for (uint32_t j = 0; j < na; j++) {
        TSNode a = parse_named_child(call_args, j);
        if (!parse_is(a, "keyword_argument")) continue;
        if (interp_text_len_eq(in, parse_field(a, "name"), name, len)) {
            f = interp_eval(in, parse_field(a, "value"));
            in->call_loopvar |= f.flags & (FF_LOOPVAR | FF_STEPVAR | FF_PREFIX);
        }
    }
    return f;
}

/* The callee's parameters, bound to the facts of the call's arguments (evaluated in the
 * caller's frame). Without a call, parameters are known only by their names. Arguments the
 * caller has already evaluated (args_read) are given: evaluated again here, inside the callee's
 * call depth, nested calls of this file's methods were cut off at FACTS_MAX_CALL_DEPTH. */
static Env bind_params(Interp *in, TSNode def, TSNode call_args, const Args *given,
                       const Fact *self_fact, const Fact *closure) {
    Env env = {0};
    funcs_bind_captured(in, &env, def, closure); /* the parameters may shadow them */
    if (given && given->overflow) given = NULL;
    Fact pos[16];
    int npos = positional_facts(in, call_args, given, self_fact, pos);
    TSNode params = parse_field(def, "parameters"); /* absent: `lambda: x` */
    uint32_t n = ts_node_is_null(params) ? 0 : ts_node_named_child_count(params);
    int k = 0;
    for (uint32_t i = 0; i < n; i++) {
        TSNode p = parse_named_child(params, i);
        TSNode name = p, dflt = {0};
        const char *type = ts_node_type(p);
        if (!strcmp(type, "default_parameter") || !strcmp(type, "typed_default_parameter")) {
            name = parse_field(p, "name");
            dflt = parse_field(p, "value");
        } else if (!strcmp(type, "typed_parameter")) {
            name = parse_named_child(p, 0);
        } else if (strcmp(type, "identifier") != 0) {
            continue; /* *args, **kwargs, / and * separators */
        }
        if (!parse_is(name, "identifier")) continue;
        size_t len;
        const char *pname = parse_text(in->src, name, &len);
        Fact f = keyword_fact(in, call_args, given, pname, len);
        bool leading = false; /* bound by a partial's positional: the caller's go after it */
        if (f.bottom) f = partial_arg(closure, def, pname, len, &leading);
        if (f.bottom && k < npos) f = pos[k];
        if (f.bottom && given && given->has_splat) f = hf_splat_param(in, &given->splat, name);
        k += !leading;
        int d = in->call_depth - 1, np = d >= 0 ? in->call_npos[d] : FACTS_MAX_PARAMS;
        if (!f.bottom && align_known(&f) && np < FACTS_MAX_PARAMS) { /* as the call gave it */
            in->call_pos[d][np][0] = f.head, in->call_pos[d][np][1] = f.tail;
            in->call_npos[d] = np + 1;
        }
        if (d >= 0) in->call_kinds[d] |= f.kinds, in->call_flags[d] |= f.flags;
        /* model: RewardModel, unless a call leaves it at its default */
        TSNode cls = !f.bottom || ts_node_is_null(dflt) || (ts_node_is_null(call_args) && !given)
                         ? types_declared(in, def, p, f)
                         : (TSNode){0};
        if (!ts_node_is_null(cls)) { /* built by its __init__, from arguments we do not see */
            Args none = {0};
            f = calls_construct(in, cls, &none, p);
        }
        /* forward(self, input_ids=None) run on its own: None is what no caller passes when it
         * hands a batch, so the parameter is what a caller would give (what its name says) */
        bool alone = ts_node_is_null(call_args) && !given;
        if (f.bottom)
            f = ts_node_is_null(dflt) || (alone && parse_is(parse_unparen(dflt), "none"))
                    ? names_evidence(name, pname, len)
                    : project_eval_in(in, def, dflt);
        else if (fact_knows_nothing(&f)) { /* run(model, batch): the parameter's name is evidence */
            Fact named = named_value(names_evidence(name, pname, len), &f);
            rows_carry(&named, &f); /* facts_rows.c */
            f = named;
        }
        env_set(in, &env, pname, len, f);
    }
    return env;
}

/* cut by depth, a call of the file's own code: the outermost function called runs again from
 * the top (facts_analyze_within), where the call is within the bound */
static void cut_by_depth(Interp *in, TSNode def) {
    FuncInfo *cut = in->call_depth > 1 && def.tree == in->call_stack[1].tree && in->mod == NULL
                        ? project_func_of(in, in->call_stack[1])
                        : NULL;
    if (cut) cut->analysed = false;
}

static Fact run_function(Interp *in, TSNode def, const FuncInfo *fi, TSNode call_args,
                         const Args *args, const Fact *self_fact, const Fact *closure) {
    /* a method analysed on its own: self is an object of its class (self(x) runs forward) */
    Fact self_obj;
    TSNode cls = !self_fact && fi && !fi->is_static ? fi->cls : (TSNode){0};
    if (!ts_node_is_null(cls)) {
        self_obj = calls_standalone_self(in, def, cls);
        self_fact = &self_obj;
    }
    Frame frame = {.env = bind_params(in, def, call_args, args, self_fact, closure),
                   .ret = fact_bottom(),
                   .yielded = fact_bottom(),
                   .serial = ++in->frames,
                   .called = !ts_node_is_null(call_args) || args};
    int d = in->call_depth - 1; /* past the bound, a leaf runs only on what holds no kinds */
    if (d >= FACTS_MAX_CALL_DEPTH && in->call_kinds[d]) {
        env_free(&frame.env);
        in->call_depth--; /* cut where it was called */
        cut_by_depth(in, def);
        in->call_depth++;
        in->cut = true;
        return cutret_of(in, def);
    }
    Frame *caller = in->frame;
    bool from_home = !in->mod;
    ProjectCtx module;
    project_enter(in, def, call_args, &module); /* its names are its module's */
    /* summaries hold for a file's code run from the same file's, or from a call of the analysed
     * file's (facts_summary.c) */
    bool memo = !module.switched || from_home;
    Fact r;
    if (memo && summary_reuse(in, def, &frame.env, self_fact != NULL, &r)) {
        project_leave(in, &module);
        env_free(&frame.env);
        return r;
    }
    SummaryRun run;
    if (memo) summary_begin(in, &run, &frame.env, self_fact != NULL);
    in->frame = &frame;
    if (parse_is(def, "lambda")) /* its body is the expression it returns */
        frame.ret = interp_eval(in, parse_field(def, "body"));
    else {
        Env params = byuse_params(in); /* run again when a callee tells more of them */
        exec_block(in, parse_field(def, "body"));
        if (byuse_again(in, &params)) exec_block(in, parse_field(def, "body"));
    }
    /* the object as this method left it: __init__ and __post_init__ build it */
    Binding *me = self_fact ? env_find(in, &frame.env, "self", 4) : NULL;
    in->built_self = me && me->fact.obj == FO_INSTANCE ? me->fact : fact_unknown();
    /* a generator: what iterating it gives, as for a list of what it yields */
    if (!frame.yielded.bottom)
        r = interp_list_of(frame.yielded, def);
    else
        r = frame.ret.bottom ? fact_unknown() : frame.ret;
    if (memo) summary_end(in, &run, def, r); /* (in its module: what it wrote there) */
    in->frame = caller;
    byuse_hand_back(in, def, call_args, self_fact != NULL, &frame.learned);
    env_free(&frame.learned);
    project_leave(in, &module);
    env_free(&frame.env);
    return r;
}

Fact interp_call_user(Interp *in, TSNode def, TSNode call_args, const Args *args,
                      const Fact *self_fact) {
    const Fact *closure = in->closure; /* the caller's, for this call only */
    in->closure = NULL;
    /* what a summary of the calls running depends on (facts_summary.c) */
    if (in->call_depth > 0) array_push(&in->call_log, def);
    if (in->call_depth > in->deepest) in->deepest = in->call_depth;
    /* at the bound, a leaf still runs: one body more, and nothing nested (facts_cutret.c) */
    bool refused = in->call_depth > FACTS_MAX_CALL_DEPTH ||
                   (in->call_depth == FACTS_MAX_CALL_DEPTH && !cutret_leaf(in, def));
    if (refused) cut_by_depth(in, def);
    for (int i = 0; i < in->call_depth && !refused; i++)
        refused = ts_node_eq(in->call_stack[i], def); /* recursion */
    if (refused) {
        in->cut = true;
        return cutret_of(in, def); /* what it returns whatever it is given, if anything */
    }
    if (!project_before_call(in, def)) return fact_unknown();
    in->call_sites[in->call_depth] =
        ts_node_is_null(call_args) ? call_args : parse_parent(call_args);
    in->call_npos[in->call_depth] = 0; /* bind_params fills call_pos, call_kinds, call_flags */
    in->call_kinds[in->call_depth] = 0, in->call_flags[in->call_depth] = 0;
    in->call_stack[in->call_depth++] = def;
    FuncInfo *fi = project_func_of(in, def);
    if (self_fact && fi && fi->is_static) self_fact = NULL; /* obj.static_helper(x) */
    if (fi) fi->analysed = true;
    Fact r = run_function(in, def, fi, call_args, args, self_fact, closure);
    if (--in->call_depth == 0) { /* no call runs: nothing to record for one */
        in->call_log.len = 0;
        in->module_log.len = 0;
    }
    return r;
}

/* Functions defined anywhere in the file, and whether some call names them. */
/* One walk of the tree: the functions defined anywhere in the file, and the names that calls
 * use (a bare name or an attribute's last part). Two separate walks were a tenth of the
 * analysis of a file. */
typedef Array(TSNode) NodeList;

bool interp_decorated_with(Interp *in, TSNode decorated, const char *name) {
    size_t n = strlen(name);
    for (uint32_t i = 0; i < ts_node_named_child_count(decorated); i++) {
        TSNode d = parse_named_child(decorated, i);
        size_t len;
        const char *t = parse_text(in->src, d, &len);
        if (parse_is(d, "decorator") && len > n && !memcmp(t + len - n, name, n)) return true;
    }
    return false;
}

/* cls: the class whose body n is in (a method's class), is_static: n is a @staticmethod's. */
static void collect_functions(Interp *in, TSNode n, int depth, NodeList *callees, TSNode cls,
                              bool is_static) {
    if (depth > BOUND_MAX_TREE_DEPTH) { /* the first walk of the tree: it bounds its depth */
        bounds_hit(in->budget, BOUND_DEPTH);
        return;
    }
    TSNode inner_cls = {0};
    bool inner_static = false;
    if (parse_is(n, "function_definition")) {
        FuncInfo fi = {0};
        fi.name = parse_text(in->src, parse_field(n, "name"), &fi.len);
        fi.def = n;
        fi.cls = cls;
        fi.is_static = is_static;
        array_push(&in->funcs, fi);
    } else if (parse_is(n, "call")) {
        TSNode fn = parse_field(n, "function");
        if (parse_is(fn, "attribute")) fn = parse_field(fn, "attribute");
        if (parse_is(fn, "identifier")) array_push(callees, fn);
    } else if (parse_is(n, "class_definition")) {
        inner_cls = n;
    } else if (parse_is(n, "block") || parse_is(n, "decorated_definition")) {
        inner_cls = cls; /* a class body, or a decorated method in it */
        inner_static =
            parse_is(n, "decorated_definition") && interp_decorated_with(in, n, "staticmethod");
    }
    ParseKids k;
    parse_kids_begin(&k, n);
    for (TSNode c; parse_kids_next(&k, &c) && in->budget->hit == BOUND_NONE;)
        collect_functions(in, c, depth + 1, callees, inner_cls, inner_static);
    parse_kids_end(&k);
}

/* Marks the functions some call of this file names. */
static void mark_called(Interp *in, TSNode root) {
    NodeList callees = {0};
    collect_functions(in, root, 0, &callees, (TSNode){0}, false);
    funcs_index(in);
    for (size_t k = 0; k < callees.len && in->funcs.len; k++) {
        size_t len;
        const char *name = parse_text(in->src, callees.items[k], &len);
        for (FuncInfo *fi = funcs_find(in, name, len); fi; fi = funcs_next(in, fi))
            fi->called = true;
    }
    array_free(&callees);
}

const InterpServices interp_services = {
    .eval = interp_eval,
    .emit = interp_emit,
    .bind = interp_bind,
    .int_literal = interp_int_literal,
    .text_eq = interp_text_eq,
    .lookup = interp_lookup,
    .binop = interp_binop,
    .list_of = interp_list_of,
    .scope_begin = interp_scope_begin,
    .scope_end = interp_scope_end,
    .call_user = interp_call_user,
    .find_method = interp_find_method,
    .decorated_with = interp_decorated_with,
    .item_container = interp_item_container,
    .lookup_key = interp_lookup_key,
    .string_key = interp_string_key,
    .rebind = interp_rebind,
    .exec_stmt = interp_exec_stmt,
};

void interp_exec_stmt(Interp *in, TSNode stmt) {
    exec_stmt(in, stmt);
}

void facts_analyze(Facts *facts, const Parsed *parsed) {
    Budget budget;
    bounds_init(&budget, BOUND_MAX_STEPS, 0);
    facts_analyze_within(facts, parsed, &budget);
}

void facts_analyze_within(Facts *facts, const Parsed *parsed, Budget *budget) {
    facts_analyze_declared(facts, parsed, budget, NULL, NULL);
}

void facts_analyze_declared(Facts *facts, const Parsed *parsed, Budget *budget,
                            const UserContracts *contracts, const FactsAloneAsk *ask) {
    memset(facts, 0, sizeof *facts);
    facts->src = parsed->src;
    Frame module = {.ret = fact_bottom(), .yielded = fact_bottom()};
    Interp in = {.facts = facts,
                 .src = parsed->src,
                 .arena = &facts->arena,
                 .module = &module,
                 .frame = &module,
                 .budget = budget,
                 .user = contracts,
                 .svc = &interp_services,
                 .home_budget = budget,
                 .project = parsed->src->peers ? parsed->src->peers->project : NULL};
    mark_called(&in, parsed->root);
    exec_block(&in, parsed->root);
    /* Constructors first: the objects they store on self (a model, an nn.Softmax) are what
     * the other methods see (interp_bind). `super().__init__()` does not call them. */
    for (size_t i = 0; i < in.funcs.len; i++) {
        FuncInfo *fi = &in.funcs.items[i];
        if (!fi->analysed && !budget->hit && fi->len == 8 && !memcmp(fi->name, "__init__", 8))
            interp_call_user(&in, fi->def, (TSNode){0}, NULL, NULL);
    }
    /* Functions no code in this file calls (library code, methods called from elsewhere) are
     * analysed once with parameters known only by name; then any function still not reached
     * (called only from code that never ran) the same way. */
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < in.funcs.len; i++) {
            FuncInfo *fi = &in.funcs.items[i];
            if (fi->analysed || (round == 0 && fi->called) || budget->hit) continue;
            interp_call_user(&in, fi->def, (TSNode){0}, NULL, NULL);
        }
    align_learn_from_uses(facts); /* one producer's values paired two ways */
    if (ask && in.project && !budget->hit && ask->needed(facts, ask->ctx)) project_run_alone(&in);
    env_free(&module.env);
    env_free_events(&in);
    env_free_loops(&in);
    summary_free(&in);
    funcs_free(&in);
    uses_free(&in);
    array_free(&in.assumed);
    branch_free(&in);
    branch_free_memo(&in.self_roots);
    branch_free_memo(&in.one_row_tests);
    branch_free_memo(&in.param_sides);
    pad_free(&in);
    regions_free(&in);
    args_free(&in);
    types_free(&in);
    array_free(&in.standalone);
}

void facts_free(Facts *facts) {
    array_free(&facts->events);
    array_free(&facts->alone);
    arena_free(&facts->arena);
}

int facts_origin_row(const Facts *facts, const Fact *f) {
    if (ts_node_is_null(f->origin)) return 0;
    if (source_of(facts->src, f->origin.tree) != facts->src) return 0; /* another file's */
    int row = (int)ts_node_start_point(f->origin).row + 1;
    /* Notebooks: the row within its cell, as the findings are reported. */
    const Source *src = facts->src;
    if (src && src->line_cell && row >= 1 && (size_t)row <= src->nlines)
        row = src->line_cell_row[row - 1];
    return row;
}

const FactEvent *facts_event(const Facts *facts, uint16_t index) {
    const FactEventList *list = facts->numbered ? facts->numbered : &facts->events;
    return index && index <= list->len ? &list->items[index - 1] : NULL;
}
