/* Alignment of position axes: which token each position of a tensor stands for.
 *
 * A causal LM's logits at position t predict the token at t + 1. Whether code pairs the right
 * scores with the right tokens is a question of offsets, not of the text of one idiom: inputs
 * built from a truncated sequence ((ctx + cont)[:-1]), targets sliced from the same buffer one
 * further (x = data[i:i+T]; y = data[i+1:i+1+T]), a loop pairing logits[:, t-1] with ids[:, t],
 * tails taken from the end (logits[:, -n-1:-1] with ids[:, -n:]), generate() scores that are
 * already aligned with the generated tokens. So every value with a position axis carries two
 * symbolic positions (Fact.head, Fact.tail: the first and the last element's position, for
 * scores the position of the token they predict), each a base symbol plus a constant:
 *
 * - a new sequence (a tokenizer call, a parameter, a name bound to ids of unknown origin) gets
 *   fresh symbols for its start and its end;
 * - a model call's logits are the input's positions + 1 (none for encoder-decoder and masked
 *   LMs, whose logits at t are about token t); generate() scores end where the sequences end;
 * - enumerate / zip / range give their elements a counter symbol, so x[i] and ids[i] of the
 *   same loop compare;
 * - x[s:e] moves the head to the position of s and the tail to the one before e; an index
 *   removes the axis and leaves head = tail = its position. A literal index is a constant; a
 *   negative one counts from the tail; any other expression adds a symbol made from its value
 *   (a loop counter's own symbol) or its text, plus a trailing literal (t - 1 is t's, -1);
 * - a + b (lists) and cat([a, b]) keep a's head and b's tail;
 * - joins keep a position only when both sides agree.
 *
 * Where scores meet tokens (a gather, an index, a loss), the difference of the two positions,
 * compared by head when both heads share a symbol, else by tail when a head is unknown or
 * counted from an end (x[-n:], a + b, generate() scores), is the event's delta. Nothing is
 * concluded otherwise: an unknown alignment never fires. */
#include <stdint.h>

#include "facts_svc.h"

static uint32_t mix(uint32_t h, uint32_t v) {
    for (int i = 0; i < 4; i++) {
        h ^= (v >> (8 * i)) & 0xff;
        h *= 16777619u;
    }
    return h;
}

uint32_t align_sym(uint32_t base, uint32_t salt) {
    if (!base) return 0;
    uint32_t h = mix(mix(2166136261u, base), salt);
    return h ? h : 1;
}

static uint32_t node_sym(TSNode n, uint32_t tag) {
    uintptr_t id = (uintptr_t)n.id;
    uint32_t h = mix(mix(2166136261u, (uint32_t)id), (uint32_t)((uint64_t)id >> 32));
    h = mix(h, tag);
    return h ? h : 1;
}

/* The text of an expression without whitespace, hashed. */
static uint32_t text_sym(Interp *in, TSNode n) {
    size_t len;
    const char *t = parse_text(in->src, n, &len);
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        if (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r' || t[i] == '\\') continue;
        h ^= (unsigned char)t[i];
        h *= 16777619u;
    }
    return h ? h : 1;
}

void align_fresh(Fact *f, TSNode node) {
    f->head = (FactPos){node_sym(node, 'S'), 0, false};
    f->tail = (FactPos){node_sym(node, 'E'), 0, true};
}

void align_fresh_tag(Fact *f, TSNode node, uint32_t tag) {
    f->head = (FactPos){node_sym(node, tag), 0, false};
    f->tail = (FactPos){node_sym(node, tag + 1), 0, true};
}

void align_fresh_text(Interp *in, Fact *f, TSNode expr, TSNode binding) {
    uint32_t t = text_sym(in, expr);
    if (!ts_node_is_null(binding)) t = mix(t, node_sym(binding, 'B'));
    f->head = (FactPos){align_sym(t, 'S'), 0, false};
    f->tail = (FactPos){align_sym(t, 'E'), 0, true};
}

/* A new buffer made by its shape (torch.zeros((B, W)), torch.full((B, W), pad)): its
 * positions are columns 0..W-1, the same columns as every other buffer of that width made in
 * the same function. Ids copied to the start of each row and a mask written over a span of
 * the rows are then positions of one sequence (facts_mask.c judges the mask against scores of
 * those ids). The width is the last size: the shape tuple's last element, or the last of the
 * sizes given one by one (varargs: torch.zeros(B, W)); a width that is a sequence's length
 * (ids.shape[1]) makes them that sequence's columns. A width W - k is the first W - k of
 * those columns: a buffer of W - 1 meets the scores of ids[:, 1:] column for column, and what
 * is written in it at a token's column stands there for the token one further. */
static bool is_length(const Fact *f);

void align_columns(Interp *in, Fact *r, TSNode call, bool varargs) {
    TSNode args = parse_field(call, "arguments");
    if (!parse_is(args, "argument_list")) return;
    TSNode shape = {0}, width = {0};
    for (uint32_t i = 0; i < ts_node_named_child_count(args); i++) {
        TSNode c = parse_named_child(args, i);
        if (parse_is(c, "keyword_argument") || parse_is(c, "comment")) continue;
        if (parse_is(c, "list_splat") || parse_is(c, "dictionary_splat")) return;
        if (ts_node_is_null(shape)) shape = c;
        if (varargs) width = c;
    }
    shape = parse_unparen(shape);
    if (parse_is(shape, "tuple") || parse_is(shape, "list")) {
        uint32_t n = ts_node_named_child_count(shape);
        width = n ? parse_named_child(shape, n - 1) : (TSNode){0};
    } else if (!varargs) {
        return;
    }
    if (ts_node_is_null(width) || parse_is(width, "list_splat")) return;
    width = parse_unparen(width);
    long cut = 0;
    if (parse_is(width, "binary_operator") &&
        parse_text_eq(in->src, parse_field(width, "operator"), "-") &&
        svc_int_literal(in, parse_field(width, "right"), &cut) && cut >= 1 && cut <= 2)
        width = parse_unparen(parse_field(width, "left"));
    else
        cut = 0;
    Fact w = svc_eval(in, width);
    if (is_length(&w)) { /* ids.shape[1], len(ids): the columns of that sequence */
        r->head = w.head;
        r->tail = align_shift(w.tail, -1 - (int)cut);
        return;
    }
    TSNode scope = parse_parent(call);
    while (!ts_node_is_null(scope) && !parse_is(scope, "function_definition"))
        scope = parse_parent(scope);
    align_fresh_text(in, r, width, scope);
    r->tail.c -= (int32_t)cut;
}

FactPos align_node_pos(TSNode node, uint32_t tag) {
    return (FactPos){node_sym(node, tag), 0, false};
}

FactPos align_shift(FactPos p, int c) {
    if (!p.sym) return p;
    p.c += c;
    return p;
}

void align_clear(Fact *f) {
    f->head = (FactPos){0, 0, false};
    f->tail = (FactPos){0, 0, false};
}

bool align_known(const Fact *f) {
    return f->head.sym || f->tail.sym;
}

bool align_pos_eq(FactPos a, FactPos b) {
    return a.sym == b.sym && a.c == b.c;
}

/* An index expression as base + c, negative when it counts from the end. */
typedef struct Term {
    uint32_t base; /* 0: a plain constant */
    long c;
    bool neg;
    bool ok;
    uint8_t specials; /* base is a count of token ids made with or without special tokens */
    FactPos end;      /* where the tokens base counts end, when known */
    FactPos start, past; /* base is the length of a sequence starting at start (lengths_span) */
} Term;

/* An index value that is a length of a sequence's positions: its head is the sequence's start,
 * its tail one past its end (counters and picked positions have head == tail). */
static bool is_length(const Fact *f) {
    return (f->kinds & FK_INDEX) && f->ndim == 0 && f->head.sym && !f->head.end &&
           f->tail.sym && f->tail.end && f->head.sym != f->tail.sym;
}

/* Where the tokens a count counts end: a length's tail is one past its sequence's last. */
static FactPos counted_end(const Fact *f) {
    return is_length(f) ? align_shift(f->tail, -1) : f->tail;
}

static Term term_of(Interp *in, TSNode n, const Fact *f, int depth) {
    Term t = {0};
    n = parse_unparen(n);
    long v;
    if (depth > 8) return t;
    if (svc_int_literal(in, n, &v)) {
        t.c = v;
        t.neg = v < 0;
        t.ok = true;
        return t;
    }
    if (f && (f->kinds & FK_INDEX) && f->ndim == 0) t.specials = f->specials, t.end = counted_end(f);
    /* as any other expression, and where it ends (-n and n - 1 are not n: their own cases) */
    if (f && is_length(f) && !parse_is(n, "unary_operator") && !parse_is(n, "binary_operator")) {
        t.base = text_sym(in, n);
        t.start = f->head;
        t.past = f->tail;
        t.ok = true;
        return t;
    }
    if (f && (f->kinds & FK_INDEX) && f->head.sym && f->ndim == 0 && !is_length(f)) {
        t.base = f->head.sym;
        t.c = f->head.c;
        t.ok = true;
        return t;
    }
    if (parse_is(n, "binary_operator")) {
        TSNode l = parse_field(n, "left"), r = parse_field(n, "right"),
               op = parse_field(n, "operator");
        bool plus = parse_text_eq(in->src, op, "+"), minus = parse_text_eq(in->src, op, "-");
        if ((plus || minus) && svc_int_literal(in, r, &v)) {
            Fact lf = svc_eval(in, l);
            Term lt = term_of(in, l, &lf, depth + 1);
            if (!lt.ok) return t;
            lt.c += plus ? v : -v;
            if (!lt.base) lt.neg = lt.c < 0;
            return lt;
        }
        if (plus && svc_int_literal(in, l, &v)) {
            Fact rf = svc_eval(in, r);
            Term rt = term_of(in, r, &rf, depth + 1);
            if (!rt.ok) return t;
            rt.c += v;
            if (!rt.base) rt.neg = rt.c < 0;
            return rt;
        }
    }
    if (parse_is(n, "unary_operator") && parse_text_eq(in->src, parse_field(n, "operator"), "-")) {
        Fact af = svc_eval(in, parse_field(n, "argument")); /* -n: of n's tokens */
        if ((af.kinds & FK_INDEX) && af.ndim == 0) t.specials = af.specials, t.end = counted_end(&af);
        t.base = align_sym(text_sym(in, parse_field(n, "argument")), 'N');
        t.neg = true;
        t.ok = true;
        return t;
    }
    t.base = text_sym(in, n);
    t.ok = true;
    return t;
}

/* The position of element `t` of a value with this head and tail. */
static FactPos pos_of(const Fact *v, Term t) {
    if (!t.ok) return (FactPos){0, 0, false};
    if (!t.neg) {
        if (!v->head.sym) return (FactPos){0, 0, false};
        if (t.past.sym && v->head.sym == t.start.sym) { /* x[len(a)] where x starts with a */
            FactPos p = t.past;
            p.c += v->head.c - t.start.c + (int32_t)t.c;
            return p;
        }
        FactPos p = v->head;
        if (t.base) p.sym = align_sym(p.sym, t.base);
        p.c += (int32_t)t.c;
        p.end = false; /* counted from the start now */
        return p;
    }
    if (!v->tail.sym) return (FactPos){0, 0, false};
    FactPos p = v->tail;
    if (t.base) p.sym = align_sym(p.sym, t.base);
    p.c += 1 + (int32_t)t.c;
    p.end = true;
    return p;
}

void align_index(Interp *in, Fact *r, const Fact *value, TSNode idx, const Fact *idx_fact) {
    Term t = term_of(in, idx, idx_fact, 0);
    FactPos p = pos_of(value, t);
    r->head = r->tail = p;
}

/* x[p] with p a tensor of positions. arange(n) + s, its first element a known s: the positions
 * from s on, as x[s:]. Else (torch.arange(s, e), moved by a constant) the positions p counts
 * of x's, named by p, so the same p (or p - 1) picks the same (the one before) of another value
 * of those positions: logp[p] against ids[0, p]. Where they end is not followed. */
void align_at_positions(Fact *r, const Fact *value, const Fact *p) {
    Term t = {.base = p->head.sym, .c = p->head.c, .ok = true};
    if ((p->flags & FF_CONST) && p->num >= 0)
        r->head = align_shift(value->head, p->num);
    else if (p->ndim == 1 && p->head.sym && !p->head.end)
        r->head = pos_of(value, t);
    else
        r->head = (FactPos){0, 0, false};
    r->tail = (FactPos){0, 0, false};
}

/* Token scores picked at ids of one tokenizer setting (with its special tokens, or without:
 * add_special_tokens=False), or those ids before the scores are picked at them (ids[:, n:],
 * align_selected passes the flaw on), cut from a count of a prompt's tokens made with the other
 * (n = len(tok(prompt, add_special_tokens=False))): the cut (head: the first token it keeps, from
 * the ids' start) lands on token n, where the text after the prompt starts only when the two
 * agree on what precedes it. A BOS does for most causal LMs' tokenizers: the cut is one token
 * early (the prompt's last token kept) or late (the continuation's first dropped). A cut moved
 * by one for the BOS (lp[n:] of scores of ids[1:], token n + 1) allows for it. */
static bool cut_at_other_count(const Fact *scores, Term t, FactPos head) {
    bool token_scores = (scores->kinds & (FK_LOGPROB | FK_LOSS)) && !(scores->kinds & FK_RAW) &&
                        (scores->flags & (FF_SELECTED | FF_PERTOKEN));
    bool ids = scores->kinds == FK_IDS; /* ids[:, n:]: the tokens scores are then picked at */
    return (token_scores || ids) && scores->obj == FO_NONE && scores->specials && t.specials &&
           scores->specials != t.specials && t.ok && t.base && !t.neg && head.sym && !head.end &&
           head.c == 0;
}

/* Token scores (or the ids they are then picked at) of a joined sequence (prompt + continuation)
 * cut to their last n, n a count of the continuation's tokens made with the tokenizer's special
 * tokens (len(tok(cont).input_ids)): a BOS sits only at the start of what is scored, so where
 * the tokenizer puts one first the count is one more than the continuation's tokens there and
 * the cut takes in the prompt's last token. A count without them (add_special_tokens=False), or
 * the count less one (lp[-(n - 1):]), is right. */
static bool tail_at_count_with_specials(const Fact *scores, Term t) {
    bool token_scores = (scores->kinds & (FK_LOGPROB | FK_LOSS)) && !(scores->kinds & FK_RAW) &&
                        (scores->flags & (FF_SELECTED | FF_PERTOKEN));
    bool ids = scores->kinds == FK_IDS;
    /* (ctx + cont of two encodings: cont's BOS is inside what is scored, its count right) */
    bool counted_part_ends_it = t.end.sym && align_pos_eq(t.end, scores->tail);
    return (token_scores || ids) && scores->obj == FO_NONE && (scores->flags & FF_JOINED) && t.ok &&
           t.base && t.neg && t.c == 0 && t.specials == SP_ADDED && !counted_part_ends_it;
}

/* Token scores (or the ids they are picked at) of a joined sequence cut to their last n + k
 * (lp[-(n + 1):], lp[-n - 1:]), n a count of the part that ends the sequence (len(cont) of
 * ids = ctx + cont): the cut is measured in that part's tokens, and the k positions before it
 * are the tokens before the part, the prompt's last. The scores' end is the sequence's last
 * token whether they are shifted (of ids[1:]) or not, so the count alone says where the part
 * starts. */
static bool tail_past_counted_part(Interp *in, const Fact *scores, TSNode start) {
    bool token_scores = (scores->kinds & (FK_LOGPROB | FK_LOSS)) && !(scores->kinds & FK_RAW) &&
                        (scores->flags & (FF_SELECTED | FF_PERTOKEN));
    if (!(token_scores || scores->kinds == FK_IDS) || scores->obj != FO_NONE ||
        !(scores->flags & FF_JOINED) || !scores->tail.sym)
        return false;
    start = parse_unparen(start);
    TSNode op = parse_field(start, "operator"), count = {0};
    long k = 0;
    if (parse_is(start, "unary_operator") && parse_text_eq(in->src, op, "-")) {
        TSNode sum = parse_unparen(parse_field(start, "argument")); /* -(n + k) */
        if (!parse_is(sum, "binary_operator") ||
            !parse_text_eq(in->src, parse_field(sum, "operator"), "+") ||
            !svc_int_literal(in, parse_field(sum, "right"), &k))
            return false;
        count = parse_field(sum, "left");
    } else if (parse_is(start, "binary_operator") && parse_text_eq(in->src, op, "-")) {
        TSNode neg = parse_unparen(parse_field(start, "left")); /* -n - k */
        if (!parse_is(neg, "unary_operator") ||
            !parse_text_eq(in->src, parse_field(neg, "operator"), "-") ||
            !svc_int_literal(in, parse_field(start, "right"), &k))
            return false;
        count = parse_field(neg, "argument");
    } else {
        return false;
    }
    if (k < 1 || k > 2) return false;
    Fact n = svc_eval(in, count);
    return is_length(&n) && align_pos_eq(counted_end(&n), scores->tail);
}

/* x[s:e] (no step) on the position axis. */
void align_slice(Interp *in, Fact *r, const Fact *value, TSNode slice) {
    TSNode parts[3];
    parse_slice_parts(slice, parts);
    if (!ts_node_is_null(parts[2])) {
        align_clear(r);
        return;
    }
    FactPos head = value->head, tail = value->tail;
    if (!ts_node_is_null(parts[0])) {
        Fact f = svc_eval(in, parts[0]);
        Term t = term_of(in, parts[0], &f, 0);
        head = pos_of(value, t);
        if (cut_at_other_count(value, t, head)) r->mask_flaw = MFLAW_SPECIALS;
        if (tail_at_count_with_specials(value, t)) r->mask_flaw = MFLAW_TAIL_SPECIALS;
        if (tail_past_counted_part(in, value, parts[0])) r->mask_flaw = MFLAW_TAIL_PAST;
    }
    if (!ts_node_is_null(parts[1])) {
        Fact f = svc_eval(in, parts[1]);
        tail = align_shift(pos_of(value, term_of(in, parts[1], &f, 0)), -1);
    }
    r->head = head;
    r->tail = tail;
}

/* x.narrow(dim, start, n) on the position axis: as x[start:start + n], the tail not followed. */
void align_from(Interp *in, Fact *r, const Fact *value, TSNode start) {
    Fact f = svc_eval(in, start);
    r->head = pos_of(value, term_of(in, start, &f, 0));
    r->tail = (FactPos){0, 0, false};
}

/* A slice that keeps only part of the positions beyond the causal shift: [ctx_len:],
 * [-n:], [:n], [a:b]. ([:-1], [1:] and [1:-1] only shift.) */
bool align_slice_restricts(Interp *in, TSNode slice) {
    TSNode parts[3];
    parse_slice_parts(slice, parts);
    long v;
    if (!ts_node_is_null(parts[0]) && !(svc_int_literal(in, parts[0], &v) && (v == 0 || v == 1)))
        return true;
    if (!ts_node_is_null(parts[1]) && !(svc_int_literal(in, parts[1], &v) && v == -1)) return true;
    return false;
}

int align_delta(const Fact *scores, const Fact *ids) {
    /* Heads first: a gather reads the scores' first positions when the index is shorter. Tails
     * only when a head is unknown or counted from the end (x[-n:]): two heads counted from the
     * start with different bases may still be equal, and then unequal tails mean nothing. */
    const FactPos *sh = &scores->head, *ih = &ids->head;
    long d;
    if (sh->sym && sh->sym == ih->sym)
        d = (long)sh->c - ih->c;
    else if (scores->tail.sym && scores->tail.sym == ids->tail.sym &&
             (!sh->sym || !ih->sym || sh->end || ih->end))
        d = (long)scores->tail.c - ids->tail.c;
    else
        return FACT_NO_ALIGN;
    return d >= -8 && d <= 8 ? (int)d : FACT_NO_ALIGN;
}

/* Scores picked at token ids stand for the tokens picked: a mask is judged against those
 * (LL106), whether or not the pairing is right (LL105 says when it is not). Kept as they were
 * when the pairing is unknown. */
void align_selected(Fact *r, const Fact *scores, const Fact *ids) {
    if (align_delta(scores, ids) == FACT_NO_ALIGN) return;
    r->head = ids->head;
    r->tail = ids->tail;
    r->specials = ids->specials;
    if (ids->mask_flaw == MFLAW_SPECIALS || ids->mask_flaw == MFLAW_TAIL_SPECIALS ||
        ids->mask_flaw == MFLAW_TAIL_PAST)
        r->mask_flaw = ids->mask_flaw; /* picked at a cut */
}

/* a + b, cat([a, b]) along positions: a's head, b's tail; the positions of both. */
Fact align_concat(Fact a, Fact b) {
    Fact r = a;
    r.head = a.head;
    r.head.end = true; /* the second part is known from the end: tails compare */
    r.tail = b.tail;
    r.flags |= (b.flags & (FF_PADDED | FF_JOINED)) | FF_JOINED;
    return r;
}

/* Events whose delta says how scores line up with tokens: a gather over the vocabulary, an
 * index, a loss. A gather along positions or the batch pairs no tokens with scores. */
bool align_pairs_tokens(EventKind kind, AxisKind axis) {
    return (kind == EV_SELECT && axis != AX_POS && axis != AX_STEP && axis != AX_BATCH) ||
           kind == EV_LOSS;
}

/* What a use of scores and tokens of two unrelated sequences assumes of them: the offset
 * between the sequences that makes its pairing right (the tokens' start + r is the
 * scores' target start). 0 and false when the use compares no two such starts. */
static bool assumed_offset(const FactEvent *e, int *r) {
    const Fact *s = &e->in, *t = &e->in2;
    if (!align_pairs_tokens(e->kind, e->axis) || e->delta != FACT_NO_ALIGN || e->cancelled)
        return false;
    if (!(s->kinds & FK_SCORES) || ((s->flags | t->flags) & (FF_SEQ2SEQ | FF_STEPWISE)))
        return false;
    if (!s->head.sym || !t->head.sym || s->head.sym == t->head.sym || s->head.end || t->head.end)
        return false;
    *r = s->head.c - t->head.c;
    return *r >= -8 && *r <= 8;
}

/* Do two uses pair scores and tokens of the same two sequences, whole or cut into pieces of
 * one size in one of them (split): pieces keep the offset of the whole values. */
static bool same_sequences(const FactEvent *a, const FactEvent *b) {
    uint32_t as = a->in.head.sym, at = a->in2.head.sym, bs = b->in.head.sym, bt = b->in2.head.sym;
    return (as == bs && at == bt) ||
           (align_sym(as, ALIGN_PIECE) == bs && align_sym(at, ALIGN_PIECE) == bt) ||
           (as == align_sym(bs, ALIGN_PIECE) && at == align_sym(bt, ALIGN_PIECE));
}

/* The data's own relation between two sequences one producer returns (inputs and targets of
 * get_batch) is not known; but two uses of them must agree on it. A use that shifts (logits[:,
 * :-1] with targets[:, 1:]) says the targets are aligned with the inputs; another that pairs
 * the logits of the same inputs with the same targets unshifted then scores each token under
 * the distribution of the next one. That use gets the delta the shifting use implies, and the
 * shifting use as its peer. Uses that agree, or none that shifts, teach nothing. */
void align_learn_from_uses(Facts *facts) {
    FactEvent *ev = facts->events.items;
    for (size_t i = 0; i < facts->events.len; i++) {
        int ri, rj;
        if (!assumed_offset(&ev[i], &ri) || ri == 0) continue;
        for (size_t j = 0; j < facts->events.len; j++) {
            if (j == i || !assumed_offset(&ev[j], &rj) || rj != 0) continue;
            if (!same_sequences(&ev[i], &ev[j])) continue;
            /* the other use shifts: its tokens start past their first, or its scores stop short */
            if (ev[j].in2.head.c == 0 && !(ev[j].in.flags & FF_SHIFTED)) continue;
            ev[i].delta = ri;
            ev[i].peer = ts_node_is_null(ev[j].site) ? ev[j].node : ev[j].site;
            break;
        }
    }
}

/* Did an argument of the call at depth d hold a value at these positions? */
static bool given_at(const Interp *in, int d, const Fact *v) {
    if (!v->head.sym) return false;
    for (int i = 0; i < in->call_npos[d]; i++)
        if (align_pos_eq(v->head, in->call_pos[d][i][0]) &&
            align_pos_eq(v->tail, in->call_pos[d][i][1]))
            return true;
    return false;
}

/* A helper that pairs the scores and the tokens it is given (gather, index, loss) without
 * moving the positions of either (selective_log_softmax(logits, ids), rows of both zipped)
 * only carries out the pairing its caller chose: where they are misaligned, the caller's
 * slices are the wrong code. The outermost call of this file, going out from the innermost,
 * whose arguments held both at these positions; null when the function itself moved them (or
 * runs on its own). */
TSNode align_paired_by_caller(const Interp *in, const Fact *scores, const Fact *ids) {
    TSNode found = {0};
    if (in->mod) return found; /* another file's code: lint_sites.c reports it at the call */
    for (int d = in->call_depth - 1; d >= 0; d--) {
        if (ts_node_is_null(in->call_sites[d]) || !given_at(in, d, scores) ||
            !given_at(in, d, ids))
            break;
        found = in->call_sites[d];
    }
    return found;
}

/* The same question for another file's code run for a call of this one (in->site): did that
 * call's arguments hold both values at these positions? Then the call paired them, and its
 * slices are the flaw, not the callee that multiplies what it was given (lint_sites.c keeps the
 * finding at the call). Null otherwise. */
TSNode align_paired_at_site(const Interp *in, const Fact *a, const Fact *b) {
    if (!in->mod || ts_node_is_null(in->site)) return (TSNode){0};
    for (int d = 0; d < in->call_depth; d++)
        if (ts_node_eq(in->call_sites[d], in->site))
            return given_at(in, d, a) && given_at(in, d, b) ? in->site : (TSNode){0};
    return (TSNode){0};
}
