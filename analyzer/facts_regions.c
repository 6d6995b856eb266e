/* facts_regions: what a buffer holds by region and by program order, for LL112. A buffer made
 * by torch.full(shape, fill) holds the fill until written; writes before a loop fill a prefix
 * (the prompts) or all of it (Fact.fill_cov). At a loop's entry the body is read in program
 * order: a loss whose target is read at the loop's position before the body writes that
 * position reads the fill, and when the loss ignores the fill (ignore_index) the token's
 * log-prob is 0 whatever it is. A read of positions the body wrote before it (with something
 * else than the fill) holds what was written: no pads (regions_written_read). */
#include <stdio.h>
#include <string.h>

#include "facts_svc.h"

/* FNV-1a of the text without blanks; never 0. */
static uint32_t text_key(const char *s, size_t len) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\\') continue;
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    }
    return h ? h : 1;
}

uint32_t regions_key(Interp *in, TSNode n) {
    n = parse_unparen(n);
    long v;
    char buf[24];
    bool known = svc_int_literal(in, n, &v);
    if (!known && (parse_is(n, "identifier") || parse_is(n, "attribute"))) {
        bool found;
        Fact f = svc_lookup_key(in, n, &found);
        if (found && (f.flags & FF_CONST)) known = true, v = f.num;
    }
    if (known) {
        int len = snprintf(buf, sizeof buf, "%ld", v);
        return text_key(buf, (size_t)len);
    }
    size_t len;
    const char *t = parse_text(in->src, n, &len);
    return text_key(t, len);
}

static TSNode kwarg(Interp *in, TSNode call, const char *name) {
    TSNode args = parse_field(call, "arguments");
    uint32_t n = parse_is(args, "argument_list") ? ts_node_named_child_count(args) : 0;
    for (uint32_t i = 0; i < n; i++) {
        TSNode c = parse_named_child(args, i);
        if (parse_is(c, "keyword_argument") && svc_text_eq(in, parse_field(c, "name"), name))
            return parse_field(c, "value");
    }
    return (TSNode){0};
}

TSNode call_posarg(TSNode call, int k) {
    TSNode args = parse_field(call, "arguments");
    uint32_t n = parse_is(args, "argument_list") ? ts_node_named_child_count(args) : 0;
    for (uint32_t i = 0; i < n; i++) {
        TSNode c = parse_named_child(args, i);
        if (parse_is(c, "keyword_argument") || parse_is(c, "comment")) continue;
        if (parse_is(c, "list_splat") || parse_is(c, "dictionary_splat")) break;
        if (k-- == 0) return c;
    }
    return (TSNode){0};
}

/* cross_entropy's and nll_loss's default ignore_index, -100. */
static uint32_t default_ignore(void) {
    return text_key("-100", 4);
}

/* A loss's (y_true, y_pred) order: keras's take the targets first, torch's and tf.nn's
 * (with labels=) second. */
static bool targets_first(unsigned op) {
    return op == OP_KERAS_CE || op == OP_KERAS_CE_CLASS;
}

/* The key of the target value a loss ignores: torch's ignore_index (-100 by default), keras's
 * ignore_class (None by default: none, a key no buffer's fill has). */
static uint32_t loss_ignore(Interp *in, TSNode call, unsigned op) {
    bool keras = targets_first(op);
    TSNode ignore = kwarg(in, call, keras ? "ignore_class" : "ignore_index");
    if (!ts_node_is_null(ignore)) return regions_key(in, ignore);
    return keras ? text_key("None", 4) : default_ignore();
}

/* torch.zeros_like(x), full_like(x, v): a buffer whose columns are x's positions (a mask
 * made of the scores of tokens 1..T-1 has their alignment). */
static void like_columns(Interp *in, Fact *r, TSNode call) {
    TSNode x = parse_unparen(call_posarg(call, 0));
    if (!parse_is(x, "identifier") && !parse_is(x, "attribute")) return; /* read, not run again */
    bool found;
    Fact f = svc_lookup_key(in, x, &found);
    if (!found || f.obj != FO_NONE || !f.head.sym) return;
    r->head = f.head;
    r->tail = f.tail;
}

void regions_call(Interp *in, TSNode call, const Contract *row, Fact *r) {
    if (!row) return;
    /* its positions are its columns (zeros_like(x) and full_like(x, v) have x's) */
    if ((row->pad == PO_FULL || row->pad == PO_ZEROS) && !strstr(row->name, "_like"))
        align_columns(in, r, call, row->pad == PO_ZEROS);
    else if (row->pad == PO_FULL || row->pad == PO_ZEROS)
        like_columns(in, r, call);
    if (row->pad == PO_FULL) {
        /* torch.full(size, fill), torch.full_like(x, fill), x.new_full(size, fill) */
        TSNode fill = kwarg(in, call, "fill_value");
        if (ts_node_is_null(fill)) fill = call_posarg(call, 1);
        if (ts_node_is_null(fill)) return;
        r->fill = regions_key(in, fill);
        r->fill_cov = REG_NONE;
        r->fill_end = 0;
        /* targets a loss ignores wherever no row is copied (facts_labels.c): once rows are
         * copied to their starts, the sentinel is left over the pads only */
        r->pads_ignored = r->fill == default_ignore();
        /* a batch of pads that rows are copied into (facts_calls.c): which side they pad on
         * comes with the copies (regions_assigned) */
        if (r->flags & FF_PADDED) r->pad = 0, r->pad_what = PW_IDS, r->pad_nd = 2, r->pad_c = 0;
    } else if (row->pad == PO_ZEROS) {
        /* torch.zeros(size): a buffer of the fill 0, which a loss ignores when 0 is its pad id */
        r->fill = text_key("0", 1);
        r->fill_cov = REG_NONE;
        r->fill_end = 0;
        /* where it was made: its width, for a mask written to its rows' ends (facts_spans.c) */
        if (ts_node_is_null(r->origin)) r->origin = call;
    } else if (row->op == OP_CROSS_ENTROPY_CLASS || row->op == OP_NLL_LOSS_CLASS ||
               row->op == OP_KERAS_CE_CLASS) {
        r->fill = loss_ignore(in, call, row->op);
    }
}

uint32_t regions_loss_ignore(Interp *in, TSNode call) {
    return loss_ignore(in, call, OP_CROSS_ENTROPY);
}

/* Token ids of a padded batch (a tokenizer's, pad_sequence's, a collator's) that nothing wrote
 * over since: their pads hold the pad id (or pad_sequence's 0), never a negative sentinel. A
 * slice may have cut the pads off; a name alone says nothing of padding. */
static bool padded_ids_unwritten(const Fact *t) {
    return t->obj == FO_NONE && t->kinds == FK_IDS && (t->flags & FF_PADDED) &&
           !(t->flags & (FF_MASKED | FF_SLICED | FF_WEAK)) && !t->pads_ignored && !t->fill;
}

bool regions_pads_as_targets(const Fact *targets) {
    /* an encoding whose "labels" are its own padded ids (facts_labels.c), given as **enc */
    if (targets->obj == FO_ENCODING) return targets->fill_pad;
    /* rows copied to the start of a buffer filled with the pad id: the pads after each short
     * row still hold it */
    if (targets->fill_pad && targets->fill && targets->fill_cov == REG_PREFIX &&
        targets->pad_what == PW_IDS)
        return true;
    return padded_ids_unwritten(targets);
}

bool regions_ignore_misses_pads(uint32_t ignore, const Fact *targets) {
    return ignore == default_ignore() && regions_pads_as_targets(targets);
}

void regions_loss_targets(Interp *in, TSNode loss, const Fact *targets, uint32_t ignore) {
    /* a loss that ignores -100 reduces over targets whose pads hold the pad id (a token id is
     * never negative; another ignored value may be the pad id itself) */
    if (regions_ignore_misses_pads(ignore, targets))
        svc_emit(in, EV_PADS_IN_LOSS, 0, loss, *targets, fact_unknown(), AX_UNK);
}

/* ---------- positions: a loop variable plus a constant ---------- */

typedef struct Pos {
    uint32_t base; /* key of the variable's text; 0: not such a position */
    uint32_t off;  /* P + t: the key of the other variable term (base, off in key order) */
    long c;
} Pos;

/* Is the position var + c (+ an offset term)? */
static bool pos_on(Pos p, uint32_t var) {
    return var && (p.base == var || p.off == var);
}

static Pos pos_of(Interp *in, TSNode n) {
    Pos p = {0, 0, 0};
    n = parse_unparen(n);
    if (parse_is(n, "identifier")) {
        size_t len;
        const char *t = parse_text(in->src, n, &len);
        p.base = text_key(t, len);
        return p;
    }
    if (!parse_is(n, "binary_operator")) return p;
    TSNode op = parse_field(n, "operator");
    bool plus = svc_text_eq(in, op, "+"), minus = svc_text_eq(in, op, "-");
    long k;
    TSNode l = parse_field(n, "left"), r = parse_field(n, "right");
    if ((plus || minus) && svc_int_literal(in, r, &k)) {
        p = pos_of(in, l);
        p.c += plus ? k : -k;
    } else if (plus && svc_int_literal(in, l, &k)) {
        p = pos_of(in, r);
        p.c += k;
    } else if (plus) { /* seq[:, P + i]: the loop's variable offset by another value */
        Pos a = pos_of(in, l), b = pos_of(in, r);
        if (!a.base || !b.base || a.off || b.off) return (Pos){0, 0, 0};
        p.base = a.base < b.base ? a.base : b.base;
        p.off = a.base < b.base ? b.base : a.base;
        p.c = a.c + b.c;
    }
    return p;
}

/* The index of a subscript along the positions: its last entry (a new axis, None, is none). */
static TSNode position_index(TSNode sub) {
    uint32_t n = ts_node_named_child_count(sub);
    TSNode last = {0};
    for (uint32_t i = 1; i < n; i++) {
        TSNode c = parse_named_child(sub, i);
        if (!parse_is(c, "comment") && !parse_is(c, "none")) last = c;
    }
    return parse_unparen(last);
}

static bool full_slice(TSNode n) {
    n = parse_unparen(n);
    if (parse_is(n, "ellipsis")) return true;
    if (!parse_is(n, "slice")) return false;
    TSNode parts[3];
    parse_slice_parts(n, parts);
    return ts_node_is_null(parts[0]) && ts_node_is_null(parts[1]);
}

/* ---------- writes before the loop ---------- */

/* The buffer a subscript's container names: a name's value, or a field of an object built
 * with it (buf.tokens of RolloutBuffer(tokens=torch.full(...)), made by a constructor or a
 * classmethod that returns cls(...)). */
Fact regions_held(Interp *in, TSNode container, bool *found) {
    Fact f = svc_lookup_key(in, container, found);
    if (*found || !parse_is(container, "attribute")) return f;
    TSNode obj = parse_field(container, "object");
    if (!parse_is(obj, "identifier") && !parse_is(obj, "attribute")) return f;
    bool held;
    Fact o = svc_lookup_key(in, obj, &held);
    if (!held || o.obj != FO_INSTANCE) return f;
    size_t len;
    const char *name = parse_text(in->src, parse_field(container, "attribute"), &len);
    const Fact *v = fact_field(&o, name, len);
    if (!v) return f;
    *found = true;
    return *v;
}

void regions_assigned(Interp *in, TSNode target, TSNode container, const Fact *held) {
    bool found, named;
    svc_lookup_key(in, container, &named);
    Fact buf = regions_held(in, container, &found);
    if (!found) return;
    TSNode ix[4]; /* buf[i, a:b] or buf[i][a:b] (facts_copyside.c) */
    int n = copyside_indices(target, ix, 4);
    bool whole = true;
    TSNode pos = {0};
    for (int i = 0; i < n; i++) {
        if (!full_slice(ix[i])) whole = false;
        if (!parse_is(ix[i], "none")) pos = parse_unparen(ix[i]);
    }
    TSNode first = n >= 2 ? parse_unparen(ix[0]) : (TSNode){0};
    bool one_row = !ts_node_is_null(first) && !parse_is(first, "slice");
    TSNode parts[3];
    memset(parts, 0, sizeof parts);
    if (parse_is(pos, "slice")) parse_slice_parts(pos, parts);
    /* a write anywhere but the start of rows (labels[mask] = -100, labels[i, n:] = -100) may
     * have replaced the pads' pad id */
    if (!parse_is(pos, "slice") || !ts_node_is_null(parts[0]) || whole) buf.fill_pad = false;
    uint8_t side = whole ? 0 : copyside_of(in, pos, one_row, &buf, held);
    if (whole) {
        buf.fill_cov = REG_FULL;
    } else if (parse_is(pos, "slice")) {
        if (ts_node_is_null(parts[0]) && !ts_node_is_null(parts[1])) {
            /* buf[k, :len(t)] = t: a row copied to the start, pads after it */
            if (buf.fill_cov < REG_PREFIX) buf.fill_cov = REG_PREFIX;
            buf.fill_end = one_row ? 0 : regions_key(in, parts[1]);
            buf.flags |= held->flags & FF_JOINED; /* rows of prompt + continuation */
            buf.prompt_rows |= held->prompt_rows;
        } else if (!ts_node_is_null(parts[0]) && one_row &&
                   (ts_node_is_null(parts[1]) || side == PAD_START)) {
            /* buf[k, -len(t):] = t, buf[k, L - len(t):L] = t: the row at the end */
            if (buf.fill_cov < REG_PREFIX) buf.fill_cov = REG_PREFIX;
            buf.flags |= held->flags & FF_JOINED;
            buf.prompt_rows |= held->prompt_rows;
        }
        buf.pad |= side;
    }
    /* only this domain changes (pad, fill_cov, fill_end): the rest is the value bound (an
     * object's field: bound under its text from here, as self.x = ... is) */
    if (named)
        svc_rebind(in, container, buf);
    else
        svc_bind(in, container, buf);
}

bool regions_functional_store(Interp *in, TSNode expr, TSNode *at_sub, TSNode *value) {
    expr = parse_unparen(expr);
    if (!parse_is(expr, "call")) return false;
    TSNode fn = parse_field(expr, "function");
    if (!parse_is(fn, "attribute") || !svc_text_eq(in, parse_field(fn, "attribute"), "set"))
        return false;
    TSNode sub = parse_field(fn, "object");
    if (!parse_is(sub, "subscript")) return false;
    TSNode at = parse_field(sub, "value");
    if (!parse_is(at, "attribute") || !svc_text_eq(in, parse_field(at, "attribute"), "at"))
        return false;
    *at_sub = sub;
    *value = call_posarg(expr, 0);
    return !ts_node_is_null(*value);
}

/* ---------- the loop body in program order ---------- */

typedef struct Access {
    bool write;
    uint32_t buf;    /* key of the container's text */
    TSNode node;     /* the subscript */
    TSNode value;    /* a write: the value written */
    TSNode call;     /* a loss's target read: the loss call */
    uint32_t ignore; /* a read: the key of the target value the loss ignores */
    Pos lo, hi;      /* positions covered: [lo, hi] (a write) or the read's last position (hi) */
    bool open_lo, open_hi;
    bool all_rows; /* every other index is a whole axis (buf[:, t], not buf[k, t]) */
    bool aliased;  /* a loss's target read earlier into a name: reported at the loss */
    bool moving;   /* a target read at a name the body bound earlier from the loop's variable */
} Access;

typedef struct Accesses {
    Array(Access) list;
    /* target = buf[:, t] (or keep = target != pad) earlier in the body: a loss given `target`
     * reads buf there */
    Array(struct Alias {
        uint32_t name;
        TSNode sub;
    }) aliases;
    /* pos = plen + t, pos = lengths + t earlier in the body: a position that moves with the
     * loop's variable (var), as plen + t written in place does */
    uint32_t var;
    Array(uint32_t) moving;
} Accesses;

/* The value the body last bound to the name n (null: none, or n is no name). */
static TSNode alias_value(Interp *in, const Accesses *acc, TSNode n) {
    if (!parse_is(n, "identifier")) return (TSNode){0};
    size_t len;
    const char *s = parse_text(in->src, n, &len);
    uint32_t key = text_key(s, len);
    size_t i = acc->aliases.len;
    while (i > 0 && acc->aliases.items[i - 1].name != key)
        i--;
    return i ? acc->aliases.items[i - 1].sub : (TSNode){0};
}

static TSNode target_source(Interp *in, const Accesses *acc, TSNode t, uint32_t *ignore);

/* The operand whose values a call gives on: a method's receiver under a new axis, a reshape or
 * a cast (y.long(), y.unsqueeze(-1)); a function's first argument made a tensor or cast with
 * its values kept (tf.constant(y), torch.as_tensor(y), tf.cast(y, tf.int32)). Null for any
 * other call. */
static TSNode same_values_of(Interp *in, TSNode call) {
    Callee c;
    if (!callee_row(in, call, &c)) return (TSNode){0};
    unsigned op = c.row->op;
    if (!ts_node_is_null(c.recv))
        return op == OP_UNSQUEEZE || op == OP_RESHAPE || op == OP_PASS ? c.recv : (TSNode){0};
    bool kept = (op == OP_PASS || op == OP_TO_TENSOR) && (c.row->keeps & PK_ALL);
    return kept ? call_posarg(call, 0) : (TSNode){0};
}

/* y[keep] with keep = (y != v), or the comparison written in place: the rows whose target is
 * not v, as a loss with ignore_index=v keeps them; v's key, 0 when the index is no such mask
 * of the same target y. */
static uint32_t mask_kept(Interp *in, const Accesses *acc, TSNode sub) {
    if (ts_node_named_child_count(sub) != 2) return 0;
    TSNode ix = parse_unparen(parse_named_child(sub, 1));
    if (parse_is(ix, "identifier")) ix = alias_value(in, acc, ix);
    if (!parse_is(ix, "comparison_operator") || ts_node_named_child_count(ix) != 2 ||
        !svc_text_eq(in, parse_field(ix, "operators"), "!="))
        return 0;
    uint32_t none;
    TSNode y = target_source(in, acc, parse_field(sub, "value"), &none);
    TSNode compared = target_source(in, acc, parse_named_child(ix, 0), &none);
    if (ts_node_is_null(y) || !ts_node_eq(y, compared)) return 0;
    return regions_key(in, parse_named_child(ix, 1));
}

/* The subscript of a buffer a target comes from: itself, or through a name the body bound to
 * it earlier (target = buf[:, t]), a new axis (y[:, None], y.unsqueeze(-1)), a cast (y.long(),
 * tf.constant(y): same_values_of) or the rows a mask of it keeps (y[y != pad]: *ignore, pad's key,
 * is what that drops); null when it comes from anything else. */
static TSNode target_source(Interp *in, const Accesses *acc, TSNode t, uint32_t *ignore) {
    for (int depth = 0; depth < 8; depth++) {
        t = parse_unparen(t);
        if (parse_is(t, "identifier")) { /* the subscript (or call) last assigned to it */
            t = alias_value(in, acc, t);
            if (!parse_is(t, "subscript") && !parse_is(t, "call")) return (TSNode){0};
            continue;
        }
        if (parse_is(t, "call")) {
            t = same_values_of(in, t);
            if (ts_node_is_null(t)) return (TSNode){0};
            continue;
        }
        if (!parse_is(t, "subscript")) return (TSNode){0};
        TSNode value = parse_unparen(parse_field(t, "value"));
        uint32_t kept = mask_kept(in, acc, t);
        if (kept) {
            *ignore = kept;
            t = value;
            continue;
        }
        bool new_axis = parse_is(value, "identifier") || parse_is(value, "call") ||
                        parse_is(value, "subscript"); /* buf[:, t][:, None] */
        for (uint32_t i = 1; i < ts_node_named_child_count(t) && new_axis; i++) {
            TSNode ix = parse_named_child(t, i);
            if (!parse_is(ix, "comment") && !parse_is(ix, "none") && !full_slice(ix))
                new_axis = false;
        }
        if (!new_axis) return t;
        t = value; /* y[:, None]: y's positions */
    }
    return (TSNode){0};
}

/* The tokens a call scores: the target of a loss (a library function whose row is a loss of
 * targets, F.cross_entropy(x, y), nll_loss(x, y, ...), or an object a loss class's row built,
 * regions_call: nn.CrossEntropyLoss(...)), *ignore the key of the target value it ignores; or
 * the index of a selection (x.gather(-1, y), take_along_dim(x, y, -1)), which ignores nothing
 * (*ignore 0). The target is where the losses' transfer reads it (facts_array.c). */
static bool target_call(Interp *in, TSNode call, const Accesses *acc, TSNode *target,
                        uint32_t *ignore) {
    TSNode fn = parse_field(call, "function");
    Callee c;
    bool row = callee_row(in, call, &c);
    if (row && c.row->op == OP_SELECT && c.row->idx_pos >= 0) {
        *ignore = 0;
        *target = kwarg(in, call, "index");
        if (ts_node_is_null(*target)) *target = kwarg(in, call, "indices");
        if (ts_node_is_null(*target))
            *target = call_posarg(call, c.row->idx_pos + (ts_node_is_null(c.recv) ? 1 : 0));
    } else {
        unsigned op;
        if (row && ts_node_is_null(c.recv) &&
            (c.row->op == OP_CROSS_ENTROPY || c.row->op == OP_NLL_LOSS ||
             c.row->op == OP_KERAS_CE)) {
            op = c.row->op;
            *ignore = loss_ignore(in, call, op);
        } else {
            bool found;
            Fact f = svc_lookup_key(in, fn, &found);
            if (!found || f.obj != FO_CALLABLE || !f.fill) return false;
            op = f.op;
            *ignore = f.fill;
        }
        *target = kwarg(in, call, targets_first(op) ? "y_true" : "target");
        if (ts_node_is_null(*target)) *target = kwarg(in, call, "labels");
        if (ts_node_is_null(*target)) *target = call_posarg(call, targets_first(op) ? 0 : 1);
    }
    *target = target_source(in, acc, *target, ignore);
    return !ts_node_is_null(*target);
}

static uint32_t container_key(Interp *in, TSNode sub) {
    TSNode c = parse_field(sub, "value");
    if (parse_is(c, "attribute") && svc_text_eq(in, parse_field(c, "attribute"), "at"))
        c = parse_field(c, "object"); /* buf.at[idx]: buf's positions */
    if (!parse_is(c, "identifier") && !parse_is(c, "attribute")) return 0;
    size_t len;
    const char *t = parse_text(in->src, c, &len);
    return text_key(t, len);
}

/* The positions a subscript covers along the buffer's positions axis. */
static Access access_of(Interp *in, TSNode target, bool write) {
    Access a = {.write = write, .buf = container_key(in, target), .node = target, .all_rows = true};
    TSNode pos = position_index(target);
    for (uint32_t i = 1; i < ts_node_named_child_count(target); i++) {
        TSNode ix = parse_named_child(target, i);
        if (!ts_node_eq(parse_unparen(ix), pos) && !parse_is(ix, "comment") && !full_slice(ix))
            a.all_rows = false;
    }
    if (parse_is(pos, "slice")) {
        TSNode parts[3];
        parse_slice_parts(pos, parts);
        a.open_lo = ts_node_is_null(parts[0]);
        a.open_hi = ts_node_is_null(parts[1]);
        if (!a.open_lo) a.lo = pos_of(in, parts[0]);
        if (!a.open_hi) a.hi = pos_of(in, parts[1]), a.hi.c -= 1;
    } else {
        a.lo = a.hi = pos_of(in, pos);
    }
    return a;
}

static void add_write(Interp *in, Accesses *acc, TSNode target, TSNode value) {
    target = parse_unparen(target);
    if (!parse_is(target, "subscript")) return;
    Access a = access_of(in, target, true);
    a.value = value;
    if (a.buf) array_push(&acc->list, a);
}

/* name = buf[...]: what a later loss given name reads (another binding of name forgets it). */
static void add_alias(Interp *in, Accesses *acc, TSNode target, TSNode value) {
    if (!parse_is(target, "identifier")) return;
    size_t len;
    const char *t = parse_text(in->src, target, &len);
    struct Alias al = {text_key(t, len), parse_unparen(value)};
    /* a call is followed to what it reads when a loss is given the name (target_source) */
    if (!parse_is(al.sub, "subscript") && !parse_is(al.sub, "comparison_operator") &&
        !parse_is(al.sub, "call"))
        al.sub = (TSNode){0};
    array_push(&acc->aliases, al);
}

static bool mentions_key(Interp *in, TSNode n, uint32_t key, int depth);

/* name = value where value is computed from the loop's variable (plen + t, lengths + t): the
 * name moves with it; bound to anything else, it no longer does. */
static void add_moving(Interp *in, Accesses *acc, TSNode target, TSNode value) {
    if (!parse_is(target, "identifier") || !acc->var) return;
    size_t len;
    const char *t = parse_text(in->src, target, &len);
    uint32_t key = text_key(t, len);
    if (key == acc->var) return;
    size_t kept = 0;
    for (size_t i = 0; i < acc->moving.len; i++)
        if (acc->moving.items[i] != key) acc->moving.items[kept++] = acc->moving.items[i];
    acc->moving.len = kept;
    if (mentions_key(in, value, acc->var, 0)) array_push(&acc->moving, key);
}

static void collect(Interp *in, TSNode n, Accesses *acc, int depth) {
    if (ts_node_is_null(n) || depth > 200) return;
    const char *type = ts_node_type(n);
    if (!strcmp(type, "function_definition") || !strcmp(type, "class_definition") ||
        !strcmp(type, "lambda"))
        return;
    if (!strcmp(type, "assignment") || !strcmp(type, "augmented_assignment")) {
        collect(in, parse_field(n, "right"), acc, depth + 1); /* the value is read first */
        add_write(in, acc, parse_field(n, "left"), parse_field(n, "right"));
        TSNode at_sub, stored; /* buf = buf.at[idx].set(v) writes buf[idx] */
        if (regions_functional_store(in, parse_field(n, "right"), &at_sub, &stored) &&
            container_key(in, at_sub) == regions_key(in, parse_field(n, "left")))
            add_write(in, acc, at_sub, stored);
        if (!strcmp(type, "assignment"))
            add_alias(in, acc, parse_field(n, "left"), parse_field(n, "right"));
        add_moving(in, acc, parse_field(n, "left"), parse_field(n, "right"));
        return;
    }
    TSNode at = parse_field(n, "value"); /* buf.at[idx] names positions, reads none */
    bool names_only =
        parse_is(at, "attribute") && svc_text_eq(in, parse_field(at, "attribute"), "at");
    if (!strcmp(type, "subscript") && !names_only) {
        Access a = access_of(in, n, false);
        if (a.buf && a.hi.base && !a.open_hi) array_push(&acc->list, a);
    }
    if (!strcmp(type, "call")) {
        TSNode target;
        uint32_t ignore;
        if (target_call(in, n, acc, &target, &ignore)) {
            TSNode pos = position_index(target);
            Access a = {.buf = container_key(in, target), .node = target, .call = n};
            a.aliased = !ts_node_eq(parse_parent(target), parse_field(n, "arguments")) &&
                        !parse_is(parse_parent(target), "keyword_argument");
            if (parse_is(pos, "slice")) {
                TSNode parts[3];
                parse_slice_parts(pos, parts);
                if (!ts_node_is_null(parts[1])) a.hi = pos_of(in, parts[1]), a.hi.c -= 1;
            } else {
                a.hi = pos_of(in, pos);
            }
            a.ignore = ignore;
            for (size_t i = 0; i < acc->moving.len && a.hi.base && !a.hi.off; i++)
                if (acc->moving.items[i] == a.hi.base) a.moving = true;
            if (a.buf && a.hi.base) array_push(&acc->list, a);
        }
    }
    ParseKids k;
    parse_kids_begin(&k, n);
    for (TSNode c; parse_kids_next(&k, &c);)
        collect(in, c, acc, depth + 1);
    parse_kids_end(&k);
}

static bool covers(const Access *w, Pos p) {
    if (w->open_lo && w->open_hi) return true;
    if (!w->open_lo && (w->lo.base != p.base || w->lo.off != p.off || w->lo.c > p.c)) return false;
    if (!w->open_hi && (w->hi.base != p.base || w->hi.off != p.off || w->hi.c < p.c)) return false;
    return true;
}

/* range(...) of Python's builtins, as the file's names resolve it (the row of OP_RANGE). */
static bool builtin_range(Interp *in, TSNode it) {
    TSNode fn = parse_field(it, "function");
    if (!parse_is(it, "call") || !parse_is(fn, "identifier")) return false;
    Fact f = svc_lookup(in, fn);
    const Contract *c = f.obj == FO_MODULE && f.qual ? contracts_func(f.qual) : NULL;
    return c && c->op == OP_RANGE;
}

/* The loop's variable (for v in ..., or a `v += k` counter of a while loop) and, for
 * range(a, b), the keys of a (of 0 for range(b)) and b. */
static uint32_t loop_variable(Interp *in, TSNode stmt, TSNode body, uint32_t *start,
                              uint32_t *stop) {
    *start = *stop = 0;
    size_t len;
    if (parse_is(stmt, "for_statement")) {
        TSNode v = parse_field(stmt, "left"), it = parse_unparen(parse_field(stmt, "right"));
        if (!parse_is(v, "identifier")) return 0;
        if (builtin_range(in, it)) {
            TSNode b = call_posarg(it, 1);
            *start = ts_node_is_null(b) ? text_key("0", 1) : regions_key(in, call_posarg(it, 0));
            if (ts_node_is_null(b)) b = call_posarg(it, 0);
            if (!ts_node_is_null(b)) *stop = regions_key(in, b);
        }
        const char *t = parse_text(in->src, v, &len);
        return text_key(t, len);
    }
    ParseKids k;
    parse_kids_begin(&k, body);
    uint32_t var = 0;
    for (TSNode st; parse_kids_next(&k, &st);) {
        TSNode aug = parse_is(st, "expression_statement") ? parse_named_child(st, 0) : st;
        if (!parse_is(aug, "augmented_assignment") ||
            !parse_is(parse_field(aug, "left"), "identifier") ||
            !svc_text_eq(in, parse_field(aug, "operator"), "+="))
            continue;
        const char *t = parse_text(in->src, parse_field(aug, "left"), &len);
        var = text_key(t, len);
    }
    parse_kids_end(&k);
    return var;
}

/* ---------- reads of what the iteration wrote ---------- */

struct NodeSet {
    const void **slots;
    size_t cap, n;
};

static size_t slot_of(const void *id, size_t cap) {
    uintptr_t h = (uintptr_t)id;
    h ^= h >> 17;
    h *= 0x9E3779B97F4A7C15u;
    return (size_t)(h >> 7) & (cap - 1);
}

static void set_add(struct NodeSet *s, const void *id) {
    if ((s->n + 1) * 2 > s->cap) {
        struct NodeSet grown = {util_xcalloc(s->cap ? s->cap * 2 : 32, sizeof(void *)),
                                s->cap ? s->cap * 2 : 32, 0};
        for (size_t i = 0; i < s->cap; i++)
            if (s->slots[i]) set_add(&grown, s->slots[i]);
        free(s->slots);
        *s = grown;
    }
    size_t i = slot_of(id, s->cap);
    while (s->slots[i] && s->slots[i] != id)
        i = (i + 1) & (s->cap - 1);
    if (!s->slots[i]) s->slots[i] = id, s->n++;
}

bool regions_written_read(const Interp *in, TSNode n) {
    const struct NodeSet *s = in->written_reads;
    if (!s || !s->n) return false;
    size_t i = slot_of(n.id, s->cap);
    while (s->slots[i]) {
        if (s->slots[i] == n.id) return true;
        i = (i + 1) & (s->cap - 1);
    }
    return false;
}

void regions_free(Interp *in) {
    if (!in->written_reads) return;
    free(in->written_reads->slots);
    free(in->written_reads);
    in->written_reads = NULL;
}

/* Does the value written mention the fill (torch.where(done, pad_id, tok), -100)? */
static bool mentions_key(Interp *in, TSNode n, uint32_t key, int depth) {
    if (ts_node_is_null(n) || depth > 50) return false;
    if ((parse_is(n, "identifier") || parse_is(n, "attribute") || parse_is(n, "integer") ||
         parse_is(n, "unary_operator")) &&
        regions_key(in, n) == key)
        return true;
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++)
        if (mentions_key(in, parse_named_child(n, i), key, depth + 1)) return true;
    return false;
}

static void written_read(Interp *in, TSNode read) {
    if (!in->written_reads) in->written_reads = util_xcalloc(1, sizeof *in->written_reads);
    set_add(in->written_reads, read.id);
}

/* Reads of a filled buffer that hold what the loop wrote, with a value that is not the fill:
 * at the loop's positions, covered whole by an earlier write of the body; or everything
 * before the loop's position (buf[:, :t]) when each iteration writes its position and what
 * lies before the loop's first position was written before the loop. */
static void mark_written_reads(Interp *in, const Accesses *acc, uint32_t var, uint32_t start) {
    for (size_t i = 0; i < acc->list.len; i++) {
        const Access *r = &acc->list.items[i];
        bool prefix = r->open_lo && r->hi.base == var && !r->hi.off && r->hi.c == -1;
        if (r->write || (!prefix && (!pos_on(r->hi, var) || !pos_on(r->lo, var) || r->open_lo)))
            continue;
        bool found;
        Fact buf = regions_held(in, parse_field(r->node, "value"), &found);
        if (!found || !buf.fill) continue;
        if (prefix && !(buf.fill_cov == REG_FULL || (start && start == text_key("0", 1)) ||
                        (buf.fill_cov == REG_PREFIX && start && buf.fill_end == start)))
            continue;
        for (size_t j = 0; j < acc->list.len && (prefix || j < i); j++) {
            const Access *w = &acc->list.items[j];
            Pos at = {var, 0, 0};
            if (!w->write || w->buf != r->buf || !w->all_rows ||
                mentions_key(in, w->value, buf.fill, 0) ||
                (prefix ? !covers(w, at) : !covers(w, r->lo) || !covers(w, r->hi)))
                continue;
            written_read(in, r->node);
            break;
        }
    }
}

/* Does the body bind the container's name as a whole (buf = ..., buf += ...)? */
static bool rebinds(Interp *in, TSNode n, uint32_t key, int depth) {
    if (ts_node_is_null(n) || depth > 200 || parse_is(n, "function_definition") ||
        parse_is(n, "class_definition") || parse_is(n, "lambda"))
        return false;
    if (parse_is(n, "assignment") || parse_is(n, "augmented_assignment")) {
        TSNode l = parse_unparen(parse_field(n, "left"));
        if ((parse_is(l, "identifier") || parse_is(l, "attribute")) && regions_key(in, l) == key)
            return true;
    }
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++)
        if (rebinds(in, parse_named_child(n, i), key, depth + 1)) return true;
    return false;
}

/* A recurrence run the wrong way: a loop forward over t (range(a, b), step 1) that writes a
 * filled buffer at its own position t and reads it at t + k (k > 0). Position t + k is written
 * by a later iteration only, so every read holds the fill: GAE's advantages[:, t + 1] read in
 * a loop that must run from the end (reversed(range(T))). Nothing was written before the loop,
 * and no write of the body covers the position read. */
static void reads_ahead(Interp *in, TSNode stmt, TSNode body, const Accesses *acc, uint32_t var) {
    TSNode it = parse_unparen(parse_field(stmt, "right"));
    if (!parse_is(stmt, "for_statement") || !builtin_range(in, it) ||
        !ts_node_is_null(call_posarg(it, 2)))
        return;
    for (size_t i = 0; i < acc->list.len; i++) {
        const Access *r = &acc->list.items[i];
        if (r->write || !ts_node_is_null(r->call) || r->open_lo || r->hi.base != var || r->hi.off ||
            r->hi.c <= 0 || r->lo.base != var || r->lo.c != r->hi.c)
            continue;
        bool found;
        Fact buf = regions_held(in, parse_field(r->node, "value"), &found);
        if (!found || !buf.fill || buf.fill_cov != REG_NONE || rebinds(in, body, r->buf, 0))
            continue;
        Fact later = fact_unknown(); /* origin: the write at the loop's own position */
        bool other = false;
        for (size_t j = 0; j < acc->list.len; j++) {
            const Access *w = &acc->list.items[j];
            if (!w->write || w->buf != r->buf) continue;
            bool own = !w->open_lo && !w->open_hi && w->lo.base == var && w->hi.base == var &&
                       !w->lo.off && !w->hi.off && w->hi.c < r->hi.c;
            if (!own) other = true;
            else if (ts_node_is_null(later.origin)) later.origin = w->node;
        }
        if (!other && !ts_node_is_null(later.origin))
            svc_emit(in, EV_TARGET_UNWRITTEN, TARGET_READ_AHEAD, r->node, buf, later, AX_UNK);
    }
}

void regions_loop(Interp *in, TSNode body) {
    TSNode stmt = parse_parent(body);
    uint32_t start, stop, var = loop_variable(in, stmt, body, &start, &stop);
    if (!var) return;
    Accesses acc = {.var = var};
    collect(in, body, &acc, 0);
    for (size_t i = 0; i < acc.list.len; i++) {
        const Access *r = &acc.list.items[i];
        if (r->write || ts_node_is_null(r->call) || (!pos_on(r->hi, var) && !r->moving)) continue;
        TSNode container = parse_field(r->node, "value");
        bool found;
        Fact buf = regions_held(in, container, &found);
        /* st.tokens of an object built elsewhere (a dataclass, a class's __init__): its field */
        if (!found && parse_is(container, "attribute")) buf = svc_eval(in, container), found = true;
        if (!found || !buf.fill) continue;
        /* filled before the loop: all of it, or the prefix the loop runs over */
        if (buf.fill_cov == REG_FULL ||
            (buf.fill_cov == REG_PREFIX && stop && buf.fill_end == stop))
            continue;
        bool before = false;
        Fact later = fact_unknown(); /* origin: the first write after the read */
        for (size_t j = 0; j < acc.list.len; j++) {
            const Access *w = &acc.list.items[j];
            if (!w->write || w->buf != r->buf || !covers(w, r->hi)) continue;
            if (j < i)
                before = true;
            else if (ts_node_is_null(later.origin))
                later.origin = w->node;
        }
        if (!before && !ts_node_is_null(later.origin))
            svc_emit(in, EV_TARGET_UNWRITTEN, buf.fill == r->ignore ? 0 : TARGET_FILL_SCORED,
                     r->aliased ? r->call : r->node, buf, later, AX_UNK);
    }
    reads_ahead(in, stmt, body, &acc, var);
    mark_written_reads(in, &acc, var, start);
    array_free(&acc.list);
    array_free(&acc.aliases);
    array_free(&acc.moving);
}
