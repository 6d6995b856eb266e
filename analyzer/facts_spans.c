/* facts_spans: masks written over spans of a batch's rows (ones from a start to the rows' end,
 * ones over a span ending at a row's length, runs copied to a row's start) and the counts of
 * each row's tokens that bound them, for LL106 (facts_mask.c judges what they cover).
 *
 * Such bounds count positions from each row's first token: len(ids) is one past a row's last
 * token, len(prompt) its continuation's first, only where every row starts at column 0. A mask
 * made of them carries PAD_FROM_ROW; on a batch padded on the left, where each row starts after
 * its pads, it sits that many columns early (facts_mask.c). */
#include <string.h>

#include "facts_padval.h"
#include "facts_svc.h"

static bool text_is(Interp *in, TSNode n, const char *s) {
    return !ts_node_is_null(n) && svc_text_eq(in, n, s);
}

static bool int_lit(Interp *in, TSNode n, long *v) {
    return !ts_node_is_null(n) && svc_int_literal(in, n, v);
}

bool spans_cut_at_end(TSNode ix) {
    ix = parse_unparen(ix);
    if (!parse_is(ix, "slice")) return false;
    TSNode parts[3];
    parse_slice_parts(ix, parts);
    return ts_node_is_null(parts[0]) && ts_node_is_null(parts[2]);
}

/* Token sequences as they were encoded, as far as known: not cut or shifted (ids[1:], the
 * targets, count one less), not scores or a model. */
static bool whole_rows(Interp *in, TSNode n) {
    n = parse_unparen(n);
    /* s[1:] of a comprehension's s (no fact known of s here): a cut, whatever s holds */
    for (uint32_t i = 1; parse_is(n, "subscript") && i < ts_node_named_child_count(n); i++)
        if (parse_is(parse_unparen(parse_named_child(n, i)), "slice")) return false;
    Fact x = svc_eval(in, n);
    return x.obj == FO_NONE && !(x.kinds & ~FK_IDS) && !(x.flags & (FF_SHIFTED | FF_SLICED));
}

/* The argument of len(x), the builtin; null for anything else. */
static TSNode len_arg(Interp *in, TSNode n) {
    n = parse_unparen(n);
    TSNode args = parse_field(n, "arguments");
    if (!parse_is(n, "call") || !text_is(in, parse_field(n, "function"), "len") ||
        funcs_find(in, "len", 3) || ts_node_named_child_count(args) != 1)
        return (TSNode){0};
    return parse_named_child(args, 0);
}

/* Token ids cut to a part (ids[-n:], ids[:n]), not shifted: lengths_of counts no cut
 * sequence's positions, but its len still counts from its own first token. */
static bool cut_ids(Interp *in, TSNode n) {
    if (ts_node_is_null(n)) return false;
    Fact x = svc_eval(in, n);
    return x.obj == FO_NONE && x.kinds == FK_IDS && x.ndim < 2 && (x.flags & FF_SLICED) &&
           !(x.flags & (FF_SHIFTED | FF_MASKED | FF_PADDED));
}

/* len(s) (+ k) as the element of [len(s) for s in seqs]: the tokens of each row, a count of
 * real tokens where the rows fill a padded batch. */
static PadVal row_lengths(Interp *in, TSNode comp) {
    PadVal none = padval(PW_NONE, 0, 0, 0);
    TSNode body = parse_unparen(parse_field(comp, "body"));
    long k = 0;
    if (parse_is(body, "binary_operator")) {
        TSNode op = parse_field(body, "operator");
        bool plus = text_is(in, op, "+"), minus = text_is(in, op, "-");
        if (!(plus || minus) || !int_lit(in, parse_field(body, "right"), &k) || k < -8 || k > 8)
            return none;
        k = plus ? k : -k;
        body = parse_unparen(parse_field(body, "left"));
    }
    TSNode arg = len_arg(in, body);
    if (ts_node_is_null(arg)) return none;
    /* (evaluated again only now: every comprehension without a pad meaning comes here) */
    for (uint32_t i = 1; i < ts_node_named_child_count(comp); i++) {
        TSNode clause = parse_named_child(comp, i);
        if (parse_is(clause, "for_in_clause") && !whole_rows(in, parse_field(clause, "right")))
            return none;
    }
    if (!whole_rows(in, arg)) return none;
    return padval(PW_ROWLENS, 0, 0, k);
}

/* Lists of token ids, cut or not (a len counts from their first token), none padded (a row
 * padded by hand is as long as the batch). */
static bool token_lists(Interp *in, TSNode n) {
    Fact x = svc_eval(in, n);
    return x.obj == FO_NONE && x.kinds == FK_IDS && !(x.flags & FF_PADDED);
}

/* Every row a comprehension walks is a list of token ids: it iterates such lists, or zips
 * them. The element's len() is then of them (nothing else is known of its names here). */
static bool walks_token_lists(Interp *in, TSNode comp) {
    bool any = false;
    for (uint32_t i = 1; i < ts_node_named_child_count(comp); i++) {
        TSNode clause = parse_named_child(comp, i);
        if (!parse_is(clause, "for_in_clause")) return false; /* an if: rows left out */
        TSNode seq = parse_unparen(parse_field(clause, "right"));
        TSNode args = parse_field(seq, "arguments");
        if (parse_is(seq, "call") && text_is(in, parse_field(seq, "function"), "zip") &&
            !funcs_find(in, "zip", 3)) {
            for (uint32_t k = 0; k < ts_node_named_child_count(args); k++)
                if (!token_lists(in, parse_named_child(args, k))) return false;
        } else if (!token_lists(in, seq)) {
            return false;
        }
        any = true;
    }
    return any;
}

/* len(prompt), len(s) - len(cont), max(len(s) - len(cont), 0) (or 1) as the element of a
 * comprehension over lists of token ids: where each row's continuation starts, counted from
 * the row's first token. */
static PadVal row_positions(Interp *in, TSNode comp) {
    PadVal none = padval(PW_NONE, 0, 0, 0);
    TSNode body = parse_unparen(parse_field(comp, "body"));
    TSNode args = parse_field(body, "arguments");
    long floor;
    if (parse_is(body, "call") && text_is(in, parse_field(body, "function"), "max") &&
        !funcs_find(in, "max", 3) && ts_node_named_child_count(args) == 2 &&
        int_lit(in, parse_named_child(args, 1), &floor) && (floor == 0 || floor == 1))
        body = parse_unparen(parse_named_child(args, 0)); /* clamped: still a count */
    TSNode whole = len_arg(in, body);
    if (parse_is(body, "binary_operator") && text_is(in, parse_field(body, "operator"), "-")) {
        whole = len_arg(in, parse_field(body, "left"));
        if (ts_node_is_null(len_arg(in, parse_field(body, "right")))) return none;
    }
    if (ts_node_is_null(whole) || !walks_token_lists(in, comp)) return none;
    return padval(PW_ROWPOS, 0, 0, 0);
}

/* A list of numbers each counting one sequence's token ids (len(ids), facts_lengths.c),
 * whatever the comprehension's element reads them from: a count stored with each row
 * ([b["prompt_len"] for b in batch] of records {"prompt_len": len(ctx), ...}). */
static bool stored_counts(const Fact *list) {
    return list->obj == FO_NONE && list->kinds == FK_INDEX && list->ndim == 1 &&
           (list->flags & FF_COUNT);
}

PadVal spans_row_counts(Interp *in, TSNode comp, const Fact *list) {
    PadVal v = row_lengths(in, comp);
    if (!v.what) v = row_positions(in, comp);
    return v.what || !stored_counts(list) ? v : padval(PW_ROWLENS, 0, 0, 0);
}

/* len(p) of token ids, whole or cut (p = ids[-max_len:], truncated before p + r is joined: a
 * len still counts from p's first token), not shifted: a position counted from the row's
 * start. */
PadVal spans_row_count(Interp *in, TSNode call, const Fact *r) {
    bool count = r->obj == FO_NONE && r->kinds == FK_INDEX && r->ndim == 0 &&
                 ((r->flags & FF_COUNT) || cut_ids(in, len_arg(in, call))) &&
                 !ts_node_is_null(len_arg(in, call));
    return count ? padval(PW_ROWPOS, 0, 0, 0) : padval(PW_NONE, 0, 0, 0);
}

/* min(len(resp), len(ids) - 1), max(len(p), 1): a count clamped by other counts of the row's
 * tokens (or by a number) still counts from the row's first token. The offsets of the counts
 * clamped differ in general: none is kept. args, argv: the call's n arguments, their values. */
PadVal spans_clamped_count(Interp *in, unsigned op, const TSNode *args, const PadVal *argv,
                           int n) {
    PadVal none = padval(PW_NONE, 0, 0, 0);
    if ((op != OP_MIN && op != OP_MAX) || n < 2) return none;
    bool any = false;
    long k;
    for (int i = 0; i < n; i++) {
        if (argv[i].what == PW_ROWPOS)
            any = true;
        else if (!int_lit(in, args[i], &k))
            return none;
    }
    return any ? padval(PW_ROWPOS, 0, 0, 0) : none;
}

/* A number counting one sequence's token ids (len(ids), facts_lengths.c), appended once per
 * pass of a loop: the list holds each row's count, as the comprehension's (row_lengths). A list
 * that already held something else is no such list. */
void spans_count_appended(Interp *in, const Fact *x, Fact *list) {
    bool count = (x->flags & FF_COUNT) || x->pad_what == PW_ROWPOS; /* len(ids[-n:]) too */
    if (in->frame->loop_depth <= 0 || !count || x->ndim != 0 || x->obj != FO_NONE ||
        (x->pad_what && x->pad_what != PW_ROWPOS))
        return;
    padval_store(list, padval(PW_ROWLENS, 0, 0, 0));
}

/* [pad] * n: a run of one element repeated a number of times the code computes. */
bool spans_run_of(Interp *in, TSNode n, long *elem) {
    n = parse_unparen(n);
    if (!parse_is(n, "binary_operator") || !text_is(in, parse_field(n, "operator"), "*"))
        return false;
    TSNode l = parse_unparen(parse_field(n, "left"));
    if (!parse_is(l, "list") || ts_node_named_child_count(l) != 1) return false;
    if (!int_lit(in, parse_named_child(l, 0), elem)) *elem = -1;
    return true;
}

/* len(ids) + k (|k| <= 2): a token sequence's count of tokens, moved by k. */
static bool row_length_plus(Interp *in, TSNode n, long *k) {
    n = parse_unparen(n);
    *k = 0;
    if (parse_is(n, "binary_operator")) {
        bool plus = text_is(in, parse_field(n, "operator"), "+");
        if (!(plus || text_is(in, parse_field(n, "operator"), "-")) ||
            !int_lit(in, parse_field(n, "right"), k) || *k < 0 || *k > 2)
            return false;
        *k = plus ? *k : -*k;
        n = parse_unparen(parse_field(n, "left"));
    }
    return spans_row_length(in, n);
}

/* [0] * (len(prompt) + k0) + [1] * (len(cont) + k1): one row's span mask of the second part's
 * tokens (both runs count token ids), at their columns in the row prompt + cont. The ones end
 * k0 + k1 after the row's last token, so they mark the tokens k0 + k1 before their columns
 * ([0] * (len(prompt) - 1) + [1] * len(cont): the columns of the scores predicting cont) and
 * start k1 tokens before cont: with k1 > 0 they mark the prompt's last tokens too
 * (PAD_SPAN_EARLY), whatever they are taken against. */
PadVal spans_runs(Interp *in, TSNode ln, TSNode rn) {
    PadVal none = padval(PW_NONE, 0, 0, 0);
    long zero, one, k0, k1;
    ln = parse_unparen(ln);
    rn = parse_unparen(rn);
    if (!spans_run_of(in, ln, &zero) || !spans_run_of(in, rn, &one) || zero != 0 || one != 1 ||
        !row_length_plus(in, parse_field(ln, "right"), &k0) ||
        !row_length_plus(in, parse_field(rn, "right"), &k1) || k1 < 0 || k0 + k1 < -2 ||
        k0 + k1 > 2)
        return none;
    return padval(PW_SPANMASK, PAD_ROW | (k1 > 0 ? PAD_SPAN_EARLY : 0), 1, -(k0 + k1));
}

static bool is_one(Interp *in, TSNode value) {
    value = parse_unparen(value);
    long one;
    return (int_lit(in, value, &one) && one == 1) || text_is(in, value, "1.0") ||
           text_is(in, value, "True");
}

/* 1, 0.5, -1, True: a number written in the code */
static bool number_literal(Interp *in, TSNode value) {
    value = parse_unparen(value);
    if (parse_is(value, "unary_operator")) value = parse_unparen(parse_field(value, "argument"));
    return parse_is(value, "integer") || parse_is(value, "float") || parse_is(value, "true") ||
           parse_is(value, "false") || is_one(in, value);
}

/* target = value is m[i, k:] = 1 (or m[:, k:] = 1.0, True): ones from k to the rows' end.
 * *start: k. */
static bool ones_to_end(Interp *in, TSNode target, TSNode value, TSNode *start) {
    uint32_t n = ts_node_named_child_count(target);
    if (!is_one(in, value) || n != 3) return false; /* value, row, positions */
    TSNode pos = parse_unparen(parse_named_child(target, 2)), parts[3];
    if (!parse_is(pos, "slice")) return false;
    parse_slice_parts(pos, parts);
    *start = parts[0];
    return !ts_node_is_null(parts[0]) && ts_node_is_null(parts[1]) && ts_node_is_null(parts[2]);
}

/* A start counted from the row's first token: an element of each row's counts (for i, p in
 * enumerate(prompt_lens): m[i, p:] = 1), or one prompt's count (len(prompt)). */
static bool start_from_row(Interp *in, TSNode start) {
    if (parse_is(parse_unparen(start), "unary_operator")) return false; /* m[i, -n:]: the end's */
    Fact k = svc_eval(in, start);
    return k.pad_what == PW_ROWLENS || k.pad_what == PW_ROWPOS;
}

/* The number of tokens of a row: a count of an unshifted sequence's positions (FF_COUNT), or
 * len(x) of token ids not shifted (cut to a window, or joined, it is still the row's). */
bool spans_row_length(Interp *in, TSNode n) {
    if (svc_eval(in, n).flags & FF_COUNT) return true;
    TSNode args = parse_field(n, "arguments");
    if (!parse_is(n, "call") || !text_is(in, parse_field(n, "function"), "len") ||
        ts_node_named_child_count(args) != 1)
        return false;
    Fact x = svc_eval(in, parse_named_child(args, 0));
    return x.obj == FO_NONE && x.kinds == FK_IDS && !(x.flags & FF_SHIFTED);
}

/* target = value is m[i, s:n + c] = 1 where n is the length of a token sequence (len(ids)):
 * ones over a span of the row that ends c after the row's last token. The tokens the span
 * marks are its columns when c is 0; when c is -1 they are one further (the columns of the
 * scores that predict them: m[i, len(ids) - n_cont - 1 : len(ids) - 1] = 1). *shift: how far
 * the marked tokens are from the columns (-c). */
static bool ones_over_span(Interp *in, TSNode target, TSNode value, int *shift) {
    uint32_t n = ts_node_named_child_count(target);
    if (!is_one(in, value) || n != 3) return false;
    TSNode pos = parse_unparen(parse_named_child(target, 2)), parts[3];
    if (!parse_is(pos, "slice")) return false;
    parse_slice_parts(pos, parts);
    TSNode end = parse_unparen(parts[1]);
    if (ts_node_is_null(parts[0]) || ts_node_is_null(end) || !ts_node_is_null(parts[2]))
        return false;
    long c = 0;
    if (parse_is(end, "binary_operator") && int_lit(in, parse_field(end, "right"), &c)) {
        if (text_is(in, parse_field(end, "operator"), "-"))
            c = -c;
        else if (!text_is(in, parse_field(end, "operator"), "+"))
            return false;
        end = parse_unparen(parse_field(end, "left"));
    }
    if (c < -2 || c > 2 || !spans_row_length(in, end)) return false;
    *shift = (int)-c;
    return true;
}

/* target = value is m[i, s:e] = 1 where s counts from the row's first token (start_from_row:
 * p - 1 of each prompt's count p) and e is anything else (p - 1 + c, a completion's count
 * added): which tokens the span marks is not known here, but it starts where the row starts
 * only when the row starts at column 0. */
static bool ones_from_row(Interp *in, TSNode target, TSNode value) {
    if (!is_one(in, value) || ts_node_named_child_count(target) != 3) return false;
    TSNode pos = parse_unparen(parse_named_child(target, 2)), parts[3];
    if (!parse_is(pos, "slice")) return false;
    parse_slice_parts(pos, parts);
    return !ts_node_is_null(parts[0]) && !ts_node_is_null(parts[1]) && ts_node_is_null(parts[2]) &&
           start_from_row(in, parts[0]);
}

/* A write into a buffer of zeros: a tail of ones makes a tail mask, ones over a span ending at
 * a row's length a span mask (its kind: a mask, by what is written); any other write makes a
 * mask of its own, and a span mask written with another shift is none we know. */
/* target = value is m[i, :n] = row where row is one row's span mask ([0] * len(prompt) +
 * [1] * len(cont), as a list or a tensor): copied to the row's start, its columns are the
 * buffer's. *shift as for ones_over_span. */
static bool span_row_copied(TSNode target, const Fact *held, int *shift) {
    if (held->pad_what != PW_SPANMASK || !(held->pad & PAD_ROW) ||
        ts_node_named_child_count(target) != 3 || !spans_cut_at_end(parse_named_child(target, 2)))
        return false;
    *shift = held->pad_c;
    return true;
}

/* Is the store target, ones from start on, next to a store of a row into a buffer of token
 * ids from the same start to the end (ids[i, W - len(s):] = s in the same block)? Its ones
 * then sit over that row's tokens, not over a part of the row counted the same way (a
 * continuation's last n positions). */
static bool row_copied_at(Interp *in, TSNode target, TSNode start) {
    TSNode block = parse_parent(parse_parent(parse_parent(target)));
    uint32_t key = regions_key(in, start);
    for (uint32_t i = 0; !ts_node_is_null(block) && i < ts_node_named_child_count(block); i++) {
        TSNode stmt = parse_named_child(block, i), parts[3];
        TSNode a = ts_node_named_child_count(stmt) ? parse_named_child(stmt, 0) : (TSNode){0};
        if (ts_node_is_null(a) || !parse_is(a, "assignment")) continue;
        TSNode left = parse_unparen(parse_field(a, "left"));
        if (!parse_is(left, "subscript") || ts_node_eq(left, target) ||
            ts_node_named_child_count(left) != 3 || number_literal(in, parse_field(a, "right")))
            continue;
        TSNode pos = parse_unparen(parse_named_child(left, 2));
        if (!parse_is(pos, "slice")) continue;
        parse_slice_parts(pos, parts);
        if (ts_node_is_null(parts[0]) || !ts_node_is_null(parts[1]) ||
            !ts_node_is_null(parts[2]) || regions_key(in, parts[0]) != key)
            continue;
        if (svc_eval(in, parse_field(left, "value")).pad_what == PW_IDS) return true;
    }
    return false;
}

/* A start that is a row's number of pads where the row ends at the buffer's last column: W -
 * len(r), W the width the buffer was made with, or -len(r), r a row copied there. */
static bool start_after_pads(Interp *in, TSNode target, TSNode start, const Fact *buf) {
    start = parse_unparen(start);
    TSNode op = parse_field(start, "operator");
    bool shape = false;
    if (parse_is(start, "unary_operator") && text_is(in, op, "-"))
        shape = spans_row_length(in, parse_unparen(parse_field(start, "argument")));
    else if (parse_is(start, "binary_operator") && text_is(in, op, "-"))
        shape = copyside_at_width(in, parse_unparen(parse_field(start, "left")), buf) &&
                spans_row_length(in, parse_unparen(parse_field(start, "right")));
    return shape && row_copied_at(in, target, start);
}

/* target = value is m[i, :len(ids)] = 1: ones over each row's tokens from column 0, as a
 * padded batch's attention mask marks the rows copied to its start (ids[i, :len(ids)] = ids):
 * a mask of the real tokens, the pads after them. */
static bool ones_over_row(Interp *in, TSNode target, TSNode value) {
    if (!is_one(in, value) || ts_node_named_child_count(target) != 3) return false;
    TSNode pos = parse_unparen(parse_named_child(target, 2)), parts[3];
    if (!parse_is(pos, "slice")) return false;
    parse_slice_parts(pos, parts);
    long start = 0;
    return (ts_node_is_null(parts[0]) || (int_lit(in, parts[0], &start) && start == 0)) &&
           ts_node_is_null(parts[2]) && !ts_node_is_null(parts[1]) &&
           spans_row_length(in, parse_unparen(parts[1]));
}

static PadVal written_mask(Interp *in, TSNode target, const Fact *held, TSNode value, Fact *buf) {
    int shift;
    uint8_t early = 0; /* a row's runs that mark the prompt's last tokens too (spans_runs) */
    TSNode start;
    if (buf->pad_what == PW_ZEROS && ones_over_row(in, target, value)) {
        if (!(buf->kinds & ~FK_NUM) && buf->obj == FO_NONE) buf->kinds = FK_MASK;
        return padval(PW_REALMASK, PAD_END, 2, 0);
    }
    if (ones_to_end(in, target, value, &start) && start_after_pads(in, target, start, buf)) {
        /* m[i, W - len(s):] = 1: ones over a row's tokens ending at the last column, the mask
         * of the real tokens of a batch padded on the left (as ids[i, W - len(s):] = s is) */
        if (!(buf->kinds & ~FK_NUM) && buf->obj == FO_NONE) buf->kinds = FK_MASK;
        return padval(PW_REALMASK, PAD_START, 2, 0);
    }
    if (ones_to_end(in, target, value, &start))
        return padval(PW_TAILMASK, start_from_row(in, start) ? PAD_FROM_ROW : 0, 0, 0);
    if (!ones_over_span(in, target, value, &shift) && ones_from_row(in, target, value)) {
        /* its tokens unknown: no alignment, only where its start counts from */
        align_clear(buf);
        if (!(buf->kinds & ~FK_NUM) && buf->obj == FO_NONE) buf->kinds = FK_MASK;
        return padval(PW_SPANMASK, PAD_FROM_ROW, 0, 0);
    }
    if (!ones_over_span(in, target, value, &shift)) {
        if (!span_row_copied(target, held, &shift)) return padval(PW_NONE, 0, 0, 0);
        early = held->pad & PAD_SPAN_EARLY;
    }
    /* the span's bounds count tokens from the row's start (len(ids) is one past its last): in a
     * buffer whose columns are the scores' of tokens 1..T-1 (torch.zeros_like(lp), head 1),
     * m[i, s:len(ids)] marks the tokens one further than s..len(ids)-1 */
    if (buf->head.sym && !buf->head.end) shift -= buf->head.c;
    if (buf->pad_what == PW_SPANMASK && buf->pad_c != shift) return padval(PW_NONE, 0, 0, 0);
    if (!(buf->kinds & ~FK_NUM) && buf->obj == FO_NONE) buf->kinds = FK_MASK;
    return padval(PW_SPANMASK, PAD_FROM_ROW | early, 0, shift); /* a row's length bounds it */
}

/* target = value is m[:, :k] = 0 (False, 0.0): zeros over the start of every row, up to k; or
 * m[i, :k_i] = 0, row i's start (a loop over the rows, each with its prompt's count). */
static bool zeros_over_start(Interp *in, TSNode target, TSNode value) {
    long zero;
    value = parse_unparen(value);
    bool is_zero = (int_lit(in, value, &zero) && zero == 0) || text_is(in, value, "0.0") ||
                   text_is(in, value, "False");
    if (!is_zero || ts_node_named_child_count(target) != 3) return false;
    TSNode rows = parse_unparen(parse_named_child(target, 1));
    TSNode pos = parse_unparen(parse_named_child(target, 2)), parts[3];
    if (!parse_is(pos, "slice")) return false;
    if (!parse_is(rows, "identifier")) { /* [:, ...] */
        if (!parse_is(rows, "slice")) return false;
        parse_slice_parts(rows, parts);
        if (!ts_node_is_null(parts[0]) || !ts_node_is_null(parts[1])) return false;
    }
    parse_slice_parts(pos, parts);
    return ts_node_is_null(parts[0]) && !ts_node_is_null(parts[1]) && ts_node_is_null(parts[2]);
}

void spans_assigned(Interp *in, TSNode target, TSNode container, Fact buf, const Fact *held,
                    TSNode value) {
    if (buf.pad_what == PW_REALMASK || buf.pad_what == PW_MASKPART) {
        /* m = attention_mask.clone(); m[:, :k] = 0: the real tokens from k on, a span of tokens
         * as (arange(T) >= k) & attention_mask is (of attention_mask[:, 1:] too: the span of
         * those columns); any other write leaves it as it was */
        if (!zeros_over_start(in, target, value)) return;
        padval_store(&buf, padval(PW_SPANMASK, 0, 0, 0));
        svc_mask_made(in, parse_parent(target), &buf);
        svc_bind(in, container, buf);
        return;
    }
    PadVal was = padval_of(&buf), now = written_mask(in, target, held, value, &buf);
    padval_store(&buf, now);
    if (now.what && memcmp(&was, &now, sizeof now)) /* what it covers: written here */
        svc_mask_made(in, parse_parent(target), &buf);
    /* m[i, :k] = torch.tensor(vals): values at positions nothing says are the columns' (a
     * mask built already at the scores' positions, say); a number written is the same at
     * every position it covers */
    if (!buf.pad_what && !(held->flags & FF_CONST) && !align_known(held) &&
        !number_literal(in, value))
        align_clear(&buf);
    svc_bind(in, container, buf);
}
