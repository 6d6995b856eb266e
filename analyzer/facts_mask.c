/* facts_mask: a mask counts as masking token scores only when what it covers excludes the
 * pads. Seven ways a mask is present and still lets pads (or other positions) in, for LL106:
 *
 * - its positions lag the scores': scores of the tokens each position predicts (t + 1) times
 *   attention_mask[:, :-1] (about token t) count each row's first pad and, on the right, drop
 *   nothing (on the left the same mask is right: it drops the prediction of the first token
 *   from a pad, so a batch padded on the left only is no flaw);
 *   cutting both to one window (lp[:, s:e], m[:, s:e]) keeps the lag, and a mask applied
 *   inside the window says the window still holds positions to drop;
 * - it starts at the count of real tokens of prompts padded on the left (arange(T) >= lengths):
 *   the prompt fills the padded width, so a shorter prompt's last tokens are inside the mask;
 * - a span of ones written over each row (m[i, s:len(ids)] = 1) marks tokens, and it is taken
 *   one position off the scores of those tokens (m[:, :-1] against scores of tokens 1..T-1):
 *   the span's last token is dropped and the one before it counted, with or without pads;
 * - it runs from a start to each row's end (arange(T) >= k, m[i, k:] = 1 in a zero buffer):
 *   it removes a prompt, not the pads after a short row (facts_pad.c tells such masks);
 * - it bounds positions by each row's length one further than the scores' tokens (arange(T) <
 *   lengths against scores of tokens 1..T-1): the first pad after a shorter row is counted;
 *   and any such bound counts from column 0: on a batch padded on the left that is where the
 *   pads are (arange(T) < lengths - 1 keeps them and drops the rows' last tokens);
 * - masked_fill writes a constant that is not 0 into the positions it masks: a sum then adds
 *   that constant once per masked position, a different number of times per row;
 * - its polarity is inverted: scores times a mask of the pads or of the ignored labels
 *   (labels == -100), or a fill of 0 over the real tokens, keeps what should go.
 *
 * And one way a hand-written mean takes in the prompt: the masked sum of a joined (prompt +
 * continuation) sequence's token scores divided by the count of its real tokens
 * (lp.sum(-1) / attention_mask.sum(-1), loss_mask = labels != pad_id): a mask of the pads
 * leaves the prompt in, and the divisor counts it.
 *
 * A tail mask is right on a batch padded on the left only (the continuations end every row),
 * and so is a mask one position behind (it drops the first token's prediction from a pad).
 *
 * Scores of unknown alignment or of an unknown fill keep counting as masked: nothing is
 * concluded from what is not known. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "facts_svc.h"

/* Token log-probs (or per-token NLL) of chosen tokens, one per position, not yet reduced. */
static bool token_scores(const Fact *f) {
    if (f->obj != FO_NONE || (f->flags & FF_AGGREGATED)) return false;
    if ((f->kinds & FK_LOSS) && (f->flags & FF_PERTOKEN)) return true;
    return (f->kinds & FK_LOGPROB) && !(f->kinds & FK_RAW) && (f->flags & FF_SELECTED);
}

/* A flaw of what the mask covers as it was built (a tail to every row's end, bounds from each
 * row's first token, labels padded with the pad id): the scores keep where it was built
 * (Fact.made_event), for the finding to go there when that is another file's code. */
static void cover_flaw(Fact *scores, const Fact *mask, uint8_t flaw) {
    scores->mask_flaw = flaw;
    scores->made_event = mask->made_event;
}

/* No row has pads after its tokens (no pads, or padded on the left only): a mask one behind the
 * scores, or one running to every row's end, is right there (see above). A mask of the real
 * tokens (real) says the batch has pads, whatever else is known of it. Scores of a batch of
 * unknown side given position ids that count real tokens (PAD_HANDLED): the code expects rows
 * that start with pads; pads after them are not assumed. */
static bool no_pads_after(const Fact *scores, const Fact *mask, bool real) {
    if (!(scores->flags & FF_PADDED) && !real) return true;
    bool left = scores->pad == PAD_START || scores->pad == PAD_HANDLED;
    return mask->pad == PAD_START || (scores->pad_what == PW_SIDED && left);
}

/* The mask's positions lag the scores': the scores' head is the token they predict, a mask's
 * the token it is about. Sets the flaw. */
static bool lags(Fact *scores, const Fact *mask, bool real) {
    if (no_pads_after(scores, mask, real) || !(mask->kinds & FK_MASK)) return false;
    int d = align_delta(scores, mask);
    if (d == FACT_NO_ALIGN || d <= 0) return false;
    bool window = (scores->flags & FF_SLICED) && (mask->flags & FF_SLICED);
    scores->mask_flaw = window ? MFLAW_LAGS_WINDOW : MFLAW_LAGS;
    return true;
}

/* A span mask (m[i, s:len(ids)] = 1 in zeros, or (arange(T) >= k) & attention_mask) marks
 * tokens; scores of other tokens under it are off, padded or not: lp of tokens 1..T-1 times
 * m[:, :-1] (about tokens 0..T-2) drops the span's first token and counts the one after its last
 * (the first pad of a shorter row); a mask one ahead counts the token before the span and drops
 * its last. Sets the flaw. */
static bool span_off(Fact *scores, const Fact *mask) {
    Fact marked = *mask; /* the positions of the tokens it marks */
    marked.head = align_shift(mask->head, mask->pad_c);
    marked.tail = align_shift(mask->tail, mask->pad_c);
    int d = align_delta(scores, &marked);
    if (d == FACT_NO_ALIGN || (d == 0 && !(mask->pad & PAD_SPAN_EARLY))) return false;
    /* aligned, a span that marks the prompt's last tokens too (facts_spans.c) counts them */
    if (d == 0)
        cover_flaw(scores, mask, MFLAW_SPAN_EARLY); /* the runs, as they were built */
    else
        scores->mask_flaw = d > 0 ? MFLAW_SPAN_LAGS : MFLAW_SPAN_OFF;
    return true;
}

/* A mask bounding an arange's positions j by each row's count of real tokens (j < L + c:
 * pad_c) keeps, of scores whose element j is about token j + s (s: the scores' head from their
 * sequence's start, 1 for scores of ids[:, 1:]), the tokens below L + c + s: for c + s > 0 the
 * first pad after each shorter row is among them (arange(T) < lengths against scores of tokens
 * 1..T-1, arange(1, T + 1) <= lengths). Sets the flaw. */
static bool length_past(Fact *scores, const Fact *mask) {
    if (no_pads_after(scores, mask, true) || !scores->head.sym || scores->head.end) return false;
    int s = scores->head.c;
    if (s < 0 || s > 1 || mask->pad_c + s <= 0) return false;
    scores->mask_flaw = MFLAW_LENGTH_PAST;
    return true;
}

/* A mask written row by row through a zip that never reached its last rows (facts_rows.c)
 * leaves those rows unmasked, whatever else it covers. Sets the flaw. */
static bool rows_unwritten(Fact *scores, const Fact *mask) {
    if (mask->mask_flaw != MFLAW_ROWS_UNWRITTEN) return false;
    cover_flaw(scores, mask, MFLAW_ROWS_UNWRITTEN);
    return true;
}

/* A mask of labels whose prompt was ignored up to a count of another setting of the special
 * tokens (facts_labels.c) keeps the prompt's last token, or drops the continuation's first,
 * wherever it is taken. Sets the flaw, the labels' setting and where they were written. */
static bool prefix_miscounted(Fact *scores, const Fact *mask) {
    if (mask->mask_flaw != MFLAW_PREFIX_SPECIALS) return false;
    cover_flaw(scores, mask, MFLAW_PREFIX_SPECIALS); /* and where the labels were written */
    scores->specials = mask->specials;
    return true;
}

/* A mask whose bounds count from each row's first token (facts_spans.c: m[i, s:len(ids)] = 1,
 * arange(T) >= len(prompt)) on scores of a batch padded on the left only: each row starts
 * after its pads, so the mask sits as many columns early as the row has pads, over the
 * prompt's last tokens (or pads) and short of the continuation's end. Sets the flaw. */
static bool from_row_start(Fact *scores, const Fact *mask) {
    /* a length bound (arange(T) < lengths) counts from column 0, a row's first token only on
     * the right: on the left it keeps the pads and the first real tokens, not the last */
    bool from_row = (mask->pad & PAD_FROM_ROW) || mask->pad_what == PW_LENMASK;
    if (!from_row || !(scores->flags & FF_PADDED) || scores->pad != PAD_START) return false;
    cover_flaw(scores, mask, MFLAW_ROW_START);
    return true;
}

bool mask_multiply(Fact *scores, const Fact *mask) {
    if (!token_scores(scores)) return true;
    if (rows_unwritten(scores, mask) || prefix_miscounted(scores, mask) ||
        from_row_start(scores, mask))
        return false;
    if (mask->pad_what == PW_LENMASK) return !length_past(scores, mask);
    if (mask->pad_what == PW_SPANMASK) return !span_off(scores, mask);
    /* a mask of every real token drops the pads, not a joined prompt (LL106's sinks) */
    bool real = mask->pad_what == PW_REALMASK || mask->pad_what == PW_MASKPART;
    scores->prompt_in = (scores->flags & FF_JOINED) && real;
    if (mask->pad_what == PW_PADMASK || mask->pad_what == PW_DROPMASK) {
        scores->mask_flaw = MFLAW_INVERTED; /* lp * (labels == -100): only what is dropped */
        return false;
    }
    if (mask->pad_what == PW_PADKEEP) { /* labels != -100 where the pads hold the pad id */
        cover_flaw(scores, mask, MFLAW_PADS_KEPT);
        return false;
    }
    if (mask->pad_what == PW_EARLYTAIL) { /* whatever the scores' padding (see above) */
        cover_flaw(scores, mask, MFLAW_EARLY);
        return false;
    }
    if (!no_pads_after(scores, mask, real) && mask->pad_what == PW_TAILMASK) {
        cover_flaw(scores, mask, MFLAW_TAIL);
        return false;
    }
    return !lags(scores, mask, real);
}

/* A number written in the code (or held on every path): 0, -100, 1.0, IGNORE_INDEX. */
static bool constant_of(Interp *in, TSNode n, double *v) {
    n = parse_unparen(n);
    long i;
    if (svc_int_literal(in, n, &i)) {
        *v = (double)i;
        return true;
    }
    bool neg = false;
    if (parse_is(n, "unary_operator") && parse_text_eq(in->src, parse_field(n, "operator"), "-")) {
        neg = true;
        n = parse_unparen(parse_field(n, "argument"));
    }
    if (parse_is(n, "float")) {
        size_t len;
        const char *t = parse_text(in->src, n, &len);
        char buf[32];
        if (!len || len >= sizeof buf) return false;
        memcpy(buf, t, len);
        buf[len] = '\0';
        errno = 0;
        char *end;
        double d = strtod(buf, &end);
        if (*end || errno || !isfinite(d)) return false;
        *v = neg ? -d : d;
        return true;
    }
    if (neg || !parse_is(n, "identifier")) return false;
    Fact f = svc_eval(in, n);
    if (!(f.flags & FF_CONST)) return false;
    *v = f.num;
    return true;
}

bool mask_fill(Interp *in, Fact *scores, const Fact *mask, TSNode value) {
    double v;
    if (ts_node_is_null(value) || !token_scores(scores) || !constant_of(in, value, &v)) return true;
    if (rows_unwritten(scores, mask)) return false;
    if (v == 0 && (mask->pad_what == PW_REALMASK || mask->pad_what == PW_KEEPMASK)) {
        scores->mask_flaw = MFLAW_INVERTED; /* lp.masked_fill(labels != -100, 0): the kept go */
        return false;
    }
    if (v == 0) {
        scores->prompt_in = (scores->flags & FF_JOINED) && mask->pad_what == PW_PADMASK;
        return true;
    }
    scores->mask_flaw = MFLAW_FILL;
    return false;
}

bool mask_is_select_index(Interp *in, TSNode call) {
    TSNode n = call, up = parse_parent(n);
    /* peel .unsqueeze(-1).long(): a tensor method whose row keeps an index an index (a layout
     * change, a cast, a device move: contracts.h PK_INDEX, PK_ALL) */
    while (parse_is(up, "attribute") && parse_is(parse_parent(up), "call")) {
        size_t len;
        const char *name = parse_text(in->src, parse_field(up, "attribute"), &len);
        const Contract *row = contracts_method(FORM_TENSOR, name, len);
        if (!row || !(row->keeps & (PK_INDEX | PK_ALL))) return false;
        n = parse_parent(up);
        up = parse_parent(n);
    }
    if (parse_is(up, "keyword_argument")) up = parse_parent(up);
    TSNode select = parse_parent(up);
    if (!parse_is(up, "argument_list") || !parse_is(select, "call")) return false;
    /* a selection's row (gather, take_along_dim, index_select), n where its transfer reads the
     * index (facts_array.c select_at) */
    Callee c;
    return callee_row(in, select, &c) && c.row->op == OP_SELECT &&
           callee_reads_at(in, &c, n, c.row->idx_pos, "index");
}

void mask_ids_filled(Interp *in, TSNode mask, TSNode value) {
    long fill;
    mask = parse_unparen(mask);
    if (ts_node_is_null(mask) || !parse_is(mask, "identifier") || ts_node_is_null(value) ||
        !svc_int_literal(in, value, &fill) || fill != 0)
        return;
    bool found;
    Fact f = svc_lookup_key(in, mask, &found);
    if (!found || f.obj != FO_NONE || f.pad_what != PW_NONE || (f.kinds & ~FK_MASK)) return;
    f.kinds = FK_MASK;
    f.pad_what = PW_DROPMASK;
    svc_rebind(in, mask, f);
}

/* A mask made by comparing an arange's positions (positions >= k, arange(T) < lengths) is
 * about the columns 0..T-1 of whatever it meets; combined with a mask of a sequence's positions
 * (the attention mask), cut alike (no cut, or the same), its columns are that sequence's. */
static void columns_of(Fact *cols, const Fact *seq) {
    bool arange = cols->pad_what == PW_TAILMASK || cols->pad_what == PW_LENMASK ||
                  cols->pad_what == PW_EARLYTAIL;
    bool of_seq = seq->pad_what == PW_REALMASK || seq->pad_what == PW_MASKPART;
    if (!arange || !of_seq || !seq->head.sym || seq->head.end || cols->head.c != seq->head.c)
        return;
    cols->head = seq->head;
    cols->tail = seq->tail;
}

void mask_combine(char op, Fact *l, Fact *r) {
    if ((op != '*' && op != '&') || !(l->kinds & FK_MASK) || !(r->kinds & FK_MASK)) return;
    columns_of(l, r);
    columns_of(r, l);
    if (align_pos_eq(l->head, r->head) && align_pos_eq(l->tail, r->tail)) return;
    /* attn[:, :-1] * attn[:, 1:]: real where both are, aligned with either's scores */
    align_clear(l);
    align_clear(r);
}

bool mask_divided(Interp *in, TSNode node, const Fact *sum, const Fact *count, Fact *mean) {
    bool real_count = count->pad_what == PW_COUNT || count->pad_what == PW_PARTCOUNT;
    if (!real_count || !(count->flags & FF_JOINED) || !sum->agg_event ||
        sum->agg_event > in->facts->events.len)
        return false;
    const FactEvent *e = &in->facts->events.items[sum->agg_event - 1];
    Fact scores = e->in;
    if (e->kind != EV_AGGREGATE || e->op != AGG_SUM || !token_scores(&scores) ||
        !(scores.flags & FF_JOINED) || (scores.flags & FF_SLICED) || scores.mask_flaw)
        return false;
    if ((scores.kinds & FK_LOSS) && !(scores.kinds & FK_LOGPROB)) {
        /* NLL per token: a mean token NLL over prompt + continuation, which is harmless as a
         * perplexity and wrong only when candidates are ranked by it (LL107) */
        *mean = *sum;
        mean->kinds = FK_LOSS;
        mean->flags = (sum->flags & ~(FF_PERTOKEN | FF_AGGREGATED | FF_SCALED | FF_MASKED)) |
                      FF_LABELS | FF_FULLLABELS | FF_JOINED;
        return true;
    }
    /* a mean over every real position, the prompt's among them: masked of the pads only */
    scores.flags &= ~FF_MASKED;
    scores.mask_flaw = MFLAW_PROMPT;
    in->facts->events.items[sum->agg_event - 1].divided = true;
    svc_emit(in, EV_AGGREGATE, AGG_MEAN, node, scores, *count, e->axis);
    return false;
}

/* ---- masks applied by control flow: a loop that skips the positions a mask drops ---- */

/* Does m hold 1 at real tokens (or is a mask of unknown cover)? A mask of the pads, of the
 * ignored labels or one running to each row's end does not keep only real tokens. */
static bool keeps_real(const Fact *m) {
    if (!(m->kinds & FK_MASK) || (m->kinds & ~FK_MASK) || m->obj != FO_NONE) return false;
    return m->pad_what == PW_NONE || m->pad_what == PW_REALMASK || m->pad_what == PW_MASKPART ||
           m->pad_what == PW_KEEPMASK;
}

/* sub is x[..., ix] (x[b, t], x[b][t]) with ix the same name, or x[b, t + 1] (a mask of the
 * tokens that scores at t predict). */
static bool subscript_at(Interp *in, TSNode sub, TSNode ix) {
    if (!parse_is(sub, "subscript")) return false;
    TSNode last = parse_unparen(parse_named_child(sub, ts_node_named_child_count(sub) - 1));
    long k;
    if (parse_is(last, "binary_operator") && svc_int_literal(in, parse_field(last, "right"), &k))
        last = parse_unparen(parse_field(last, "left"));
    return parse_is(last, "identifier") && parse_same_text(in->src, last, ix);
}

/* ids[b, t] == pad_id, labels[b, t] != -100: a comparison at ix whose value is a mask of the
 * pads (or of the ignored labels), or of the real tokens; *holds as for tests_mask_at. */
static bool compares_at(Interp *in, TSNode cond, TSNode ix, bool eq, bool *holds) {
    TSNode lhs = parse_unparen(parse_named_child(cond, 0)), rhs = parse_named_child(cond, 1);
    if (!subscript_at(in, lhs, ix)) return false;
    Fact m = svc_eval(in, cond);
    if ((m.kinds & FK_MASK) && m.obj == FO_NONE) {
        if (m.pad_what == PW_PADMASK || m.pad_what == PW_DROPMASK) return *holds = false, true;
        if (m.pad_what == PW_REALMASK || m.pad_what == PW_KEEPMASK) return *holds = true, true;
    }
    /* one element of the ids against the pad id (or a negative sentinel) */
    TSNode base = parse_unparen(parse_field(lhs, "value"));
    if (parse_is(base, "subscript")) base = parse_unparen(parse_field(base, "value"));
    Fact ids = svc_eval(in, base), other = svc_eval(in, rhs);
    long lit;
    bool pad = other.pad_what == PW_PADID || (svc_int_literal(in, rhs, &lit) && lit < 0);
    if (!(ids.kinds & FK_IDS) || ids.obj != FO_NONE || !pad) return false;
    *holds = !eq; /* ids[b, t] != pad_id holds at the real tokens */
    return true;
}

/* cond tests a real-token mask at the position index (text ix): m[b, t], not m[b, t],
 * m[b, t] == 0 / != 0 / == 1, bool(m[b, t]), m[b, t].item(). *holds: the condition is true
 * where the mask keeps the position. */
static bool tests_mask_at(Interp *in, TSNode cond, TSNode ix, bool *holds, int depth) {
    cond = parse_unparen(cond);
    if (depth > 4 || ts_node_is_null(cond)) return false;
    if (parse_is(cond, "not_operator")) {
        if (!tests_mask_at(in, parse_field(cond, "argument"), ix, holds, depth + 1)) return false;
        *holds = !*holds;
        return true;
    }
    if (parse_is(cond, "comparison_operator") && ts_node_named_child_count(cond) == 2 &&
        ts_node_child_count(cond) == 3) {
        TSNode op = ts_node_child(cond, 1), rhs = parse_named_child(cond, 1);
        long v;
        bool eq = parse_text_eq(in->src, op, "=="), ne = parse_text_eq(in->src, op, "!=");
        if (!(eq || ne)) return false;
        if (parse_text_eq(in->src, rhs, "True")) v = 1;
        else if (parse_text_eq(in->src, rhs, "False")) v = 0;
        else if (!svc_int_literal(in, rhs, &v) || (v != 0 && v != 1))
            return compares_at(in, cond, ix, eq, holds); /* ids[b, t] == pad_id */
        if (!tests_mask_at(in, parse_named_child(cond, 0), ix, holds, depth + 1)) return false;
        if ((eq && v == 0) || (ne && v == 1)) *holds = !*holds;
        return true;
    }
    if (parse_is(cond, "call")) { /* bool(m[b, t]), m[b, t].item() */
        TSNode fn = parse_field(cond, "function"), args = parse_field(cond, "arguments");
        if (parse_is(fn, "identifier") && parse_text_eq(in->src, fn, "bool") &&
            ts_node_named_child_count(args) == 1)
            return tests_mask_at(in, parse_named_child(args, 0), ix, holds, depth + 1);
        if (parse_is(fn, "attribute") && parse_text_eq(in->src, parse_field(fn, "attribute"), "item"))
            return tests_mask_at(in, parse_field(fn, "object"), ix, holds, depth + 1);
        return false;
    }
    if (!subscript_at(in, cond, ix)) return false;
    TSNode value = parse_unparen(parse_field(cond, "value"));
    if (parse_is(value, "subscript")) value = parse_unparen(parse_field(value, "value")); /* m[b][t] */
    Fact m = svc_eval(in, value);
    *holds = true;
    return keeps_real(&m);
}

/* A block that does nothing but leave the iteration: `continue` or `break`. */
static bool only_leaves(TSNode block) {
    if (ts_node_named_child_count(block) != 1) return false;
    TSNode s = parse_named_child(block, 0);
    return parse_is(s, "continue_statement") || parse_is(s, "break_statement");
}

bool mask_guards_read(Interp *in, TSNode read, TSNode ix) {
    if (!parse_is(parse_unparen(ix), "identifier")) return false;
    ix = parse_unparen(ix);
    bool holds;
    for (TSNode p = read, up = parse_parent(p); !ts_node_is_null(up);
         p = up, up = parse_parent(up)) {
        if (parse_is(up, "function_definition") || parse_is(up, "class_definition")) break;
        if (parse_is(up, "if_statement") && ts_node_eq(parse_field(up, "consequence"), p) &&
            tests_mask_at(in, parse_field(up, "condition"), ix, &holds, 0) && holds)
            return true; /* if m[b, t]: ... read ... */
        if (!parse_is(up, "block")) continue;
        for (TSNode s = ts_node_prev_named_sibling(p); !ts_node_is_null(s);
             s = ts_node_prev_named_sibling(s)) /* if not m[b, t]: continue ... read */
            if (parse_is(s, "if_statement") && ts_node_named_child_count(s) == 2 &&
                only_leaves(parse_field(s, "consequence")) &&
                tests_mask_at(in, parse_field(s, "condition"), ix, &holds, 0) && !holds)
                return true;
    }
    return false;
}

/* (lp * m).sum(-1) / m.sum(-1), lp.sum() / len(cont): token log-probs summed over a sequence
 * and divided by a count of its tokens that is not one constant, a mean over each sequence's
 * own tokens. Emitted as such (LL107 when candidates of different lengths are ranked by it
 * alone); a joined sequence's sum over its real tokens is mask_divided's. */
bool mask_counted_mean(Interp *in, TSNode node, const Fact *sum, const Fact *count, Fact *mean) {
    if (sum->obj != FO_NONE || sum->kinds != FK_LOGPROB || !sum->agg_event ||
        sum->agg_event > in->facts->events.len)
        return false;
    if (count->obj != FO_NONE || count->kinds != FK_INDEX || (count->flags & FF_CONST) ||
        count->ndim > 0)
        return false;
    bool real_count = count->pad_what == PW_COUNT || count->pad_what == PW_PARTCOUNT;
    if (real_count && (count->flags & FF_JOINED)) return false;
    const FactEvent *e = &in->facts->events.items[sum->agg_event - 1];
    Fact scores = e->in;
    if (e->kind != EV_AGGREGATE || e->op != AGG_SUM || !token_scores(&scores) ||
        scores.kinds != FK_LOGPROB)
        return false;
    svc_emit(in, EV_AGGREGATE, AGG_MEAN, node, scores, *count, e->axis);
    *mean = *sum;
    mean->agg_event = in->last_event;
    return true;
}

bool mask_mean(Interp *in, TSNode node, const Fact *sum, const Fact *count, Fact *mean) {
    return mask_divided(in, node, sum, count, mean) || mask_counted_mean(in, node, sum, count, mean);
}
