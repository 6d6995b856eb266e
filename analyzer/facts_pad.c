/* facts_pad: where a padded batch's pads sit (the start or the end of its rows) and which
 * position a per-sequence read picks, for LL111. It shadows the main interpretation:
 * pad_expr runs after each expression and says what the value is in a padded batch
 * (Fact.pad, pad_what, pad_nd, pad_c). A parent reads what its children were found to hold
 * from a memo keyed by node and drops those records, so a record it reads is always from the
 * evaluation in progress. Values flow through names, calls and joins (facts_padval.c) inside
 * the Fact. */
#include <ctype.h>
#include <stdlib.h>

#include "facts_padval.h"
#include "facts_svc.h"
#include "facts_syms.h"

/* ---------- the memo (facts_padmemo.c) ---------- */

/* What a child was found to hold; the record is dropped (read once, by its parent). */
static PadVal take(Interp *in, TSNode n) {
    PadVal v = {0};
    if (ts_node_is_null(n)) return v;
    if (!padmemo_take(in, n.id, &v)) {
        TSNode inner = parse_unparen(n);
        if (!ts_node_eq(inner, n)) padmemo_take(in, inner.id, &v);
    }
    return v;
}

void pad_free(Interp *in) {
    padmemo_free(in);
}

/* ---------- values ---------- */

/* Scores of a padded batch whose positions no read follows any more: only the side is kept
 * (facts_mask.c asks it; a batch padded on the left only has its pads before each row). */
static PadVal sided(PadVal v) {
    if (!v.pad || (v.pad & PAD_ROW) || (v.what != PW_VALUES && v.what != PW_SIDED))
        return padval(PW_NONE, 0, 0, 0);
    return padval(PW_SIDED, v.pad, 0, 0);
}

/* ---------- small syntax helpers ---------- */

static bool text_is(Interp *in, TSNode n, const char *s) {
    return !ts_node_is_null(n) && svc_text_eq(in, n, s);
}

static bool int_lit(Interp *in, TSNode n, long *v) {
    return !ts_node_is_null(n) && svc_int_literal(in, n, v);
}

/* "left" / "right" as a string literal: the side's bit, 0 for anything else. */
static uint8_t side_named(Interp *in, TSNode n) {
    if (ts_node_is_null(n)) return 0;
    /* a literal longer than any spelling of "right" (rb'''right''') names no side: most are
     * (docstrings, messages, keys), and every string expression asks */
    if (parse_is(n, "string") && ts_node_end_byte(n) - ts_node_start_byte(n) > 13) return 0;
    size_t len;
    const char *s = svc_string_key(in, n, &len);
    if (s && len == 4 && !memcmp(s, "left", 4)) return PAD_START;
    if (s && len == 5 && !memcmp(s, "right", 5)) return PAD_END;
    return 0;
}

/* The side an expression names: the literal "left" / "right", or a value that holds one on
 * every path (a name, a config field or a dataclass default it flowed from: PW_SIDE). */
static uint8_t side_literal(Interp *in, TSNode n) {
    uint8_t side = side_named(in, n);
    if (side || ts_node_is_null(n)) return side;
    PadVal v = take(in, n);
    return v.what == PW_SIDE ? v.pad : 0;
}

/* "gpt2": a checkpoint whose tokenizer pads on the right unless told (contracts_hf.c; an
 * entry ending in '*' names a family by its prefix). */
static bool checkpoint_pads_right(Interp *in, TSNode n) {
    if (ts_node_end_byte(n) - ts_node_start_byte(n) > 64) return false; /* no checkpoint id */
    size_t len;
    const char *s = svc_string_key(in, n, &len);
    for (const char *const *c = contracts_hf_right_padded_checkpoints; s && *c; c++) {
        size_t clen = strlen(*c);
        bool family = (*c)[clen - 1] == '*';
        if (family ? len >= clen && !memcmp(s, *c, clen - 1) : clen == len && !memcmp(s, *c, len))
            return true;
    }
    return false;
}

/* The last component of a call's function: `pad` of F.pad, `tok` of tok. */
static const char *callee_name(Interp *in, TSNode fn, size_t *len) {
    if (parse_is(fn, "attribute")) fn = parse_field(fn, "attribute");
    if (!parse_is(fn, "identifier")) return *len = 0, "";
    return parse_text(in->src, fn, len);
}

typedef struct CallArgs {
    TSNode pos[4];
    int npos;
    TSNode kw_name[8], kw_val[8];
    int nkw;
    TSNode splat;
} CallArgs;

static void call_args(TSNode call, CallArgs *a) {
    memset(a, 0, sizeof *a);
    TSNode list = parse_field(call, "arguments");
    if (!parse_is(list, "argument_list")) return;
    ParseKids k;
    parse_kids_begin(&k, list);
    for (TSNode c; parse_kids_next(&k, &c);) {
        if (parse_is(c, "keyword_argument") && a->nkw < 8) {
            a->kw_name[a->nkw] = parse_field(c, "name");
            a->kw_val[a->nkw++] = parse_field(c, "value");
        } else if (parse_is(c, "dictionary_splat")) {
            a->splat = parse_named_child(c, 0);
        } else if (!parse_is(c, "comment") && !parse_is(c, "list_splat") && a->npos < 4) {
            a->pos[a->npos++] = c;
        }
    }
    parse_kids_end(&k);
}

static TSNode kw(Interp *in, const CallArgs *a, const char *name) {
    for (int i = 0; i < a->nkw; i++)
        if (text_is(in, a->kw_name[i], name)) return a->kw_val[i];
    return (TSNode){0};
}

/* A dim argument (dim=d, axis=d, or at position pos) as a literal; false when absent. */
static bool dim_arg(Interp *in, const CallArgs *a, int pos, long *d) {
    TSNode n = kw(in, a, "dim");
    if (ts_node_is_null(n)) n = kw(in, a, "axis");
    if (ts_node_is_null(n) && pos >= 0 && pos < a->npos) n = a->pos[pos];
    return int_lit(in, n, d);
}

/* Is dim the position axis of a mask of ids ([batch, seq], or one row [seq])? It is the last. */
static bool along_positions(PadVal v, long d) {
    return d == -1 || d == ((v.pad & PAD_ROW) ? 0 : 1);
}

/* ---------- reads at positions (the sink) ---------- */

/* Does the text contain the word (ASCII case ignored, blanks skipped in the text)? */
static bool text_has(const char *t, size_t len, const char *w) {
    size_t wl = strlen(w);
    for (size_t i = 0; i < len; i++) {
        size_t j = 0, k = i;
        while (j < wl && k < len) {
            if (t[k] == ' ' || t[k] == '\t' || t[k] == '\n') {
                k++;
                continue;
            }
            if (tolower((unsigned char)t[k]) != w[j]) break;
            j++, k++;
        }
        if (j == wl) return true;
    }
    return false;
}

/* Inside a branch that tests the padding (`if tokenizer.padding_side == "left":`,
 * `if attention_mask[:, -1].all():`): the code handles both sides; no claim is made. */
static bool guarded(Interp *in, TSNode n) {
    static const char *const tests[] = {"pad", "left", "right", "[:,-1]", "[:,0]", NULL};
    for (TSNode p = parse_parent(n); !ts_node_is_null(p); p = parse_parent(p)) {
        if (parse_is(p, "function_definition") || parse_is(p, "class_definition")) break;
        TSNode cond = {0};
        if (parse_is(p, "if_statement") || parse_is(p, "elif_clause") ||
            parse_is(p, "while_statement"))
            cond = parse_field(p, "condition");
        else if (parse_is(p, "conditional_expression"))
            cond = parse_named_child(p, 1);
        else if (parse_is(p, "else_clause") && parse_is(parse_parent(p), "if_statement"))
            cond = parse_field(parse_parent(p), "condition");
        if (ts_node_is_null(cond)) continue;
        size_t len;
        const char *t = parse_text(in->src, cond, &len);
        for (const char *const *w = tests; *w; w++)
            if (text_has(t, len, *w)) return true;
    }
    return false;
}

/* x[r, 0] / x[r][0] (maybe .item()): the first position of one row (r no slice). */
static bool one_row_first(Interp *in, TSNode n) {
    n = parse_unparen(n);
    TSNode fn = parse_field(n, "function");
    if (parse_is(n, "call") && parse_is(fn, "attribute") &&
        text_is(in, parse_field(fn, "attribute"), "item"))
        n = parse_unparen(parse_field(fn, "object"));
    if (!parse_is(n, "subscript")) return false;
    long v;
    uint32_t k = ts_node_named_child_count(n);
    TSNode last = parse_named_child(n, k - 1), row;
    if (!int_lit(in, last, &v) || v != 0) return false;
    if (k == 3) {
        row = parse_named_child(n, 1);
    } else {
        TSNode inner = parse_unparen(parse_field(n, "value"));
        if (k != 2 || !parse_is(inner, "subscript") || ts_node_named_child_count(inner) != 2)
            return false;
        row = parse_named_child(inner, 1);
    }
    return !parse_is(parse_unparen(row), "slice") && !parse_is(parse_unparen(row), "ellipsis");
}

/* Is n inside an arm of `if ids[0][0] == pad_id:` (either arm)? The code says its rows may
 * start with pads, and looks at one row only: whichever arm runs, other rows may be padded at
 * the start (a test of every row, any(mask[:, 0] == 0), is no such test). */
static bool one_row_start_test_above(Interp *in, TSNode n) {
    for (TSNode p = parse_parent(n); !ts_node_is_null(p); p = parse_parent(p)) {
        if (parse_is(p, "function_definition") || parse_is(p, "class_definition")) break;
        TSNode stmt = parse_is(p, "else_clause") ? parse_parent(p)
                      : parse_is(p, "block") && parse_is(parse_parent(p), "if_statement")
                          ? parse_parent(p)
                          : (TSNode){0};
        if (ts_node_is_null(stmt)) continue;
        TSNode cond = parse_unparen(parse_field(stmt, "condition"));
        if (!parse_is(cond, "comparison_operator") || ts_node_named_child_count(cond) != 2 ||
            ts_node_child_count(cond) != 3)
            continue;
        TSNode op = ts_node_child(cond, 1), a = parse_named_child(cond, 0),
               b = parse_named_child(cond, 1);
        if (!text_is(in, op, "==") && !text_is(in, op, "!=")) continue;
        if ((one_row_first(in, a) && padid_name(in, b)) ||
            (one_row_first(in, b) && padid_name(in, a)))
            return true;
    }
    return false;
}

/* The same, decided by the text alone: once per node (the walk up its parents is long). */
static bool under_one_row_start_test(Interp *in, TSNode n) {
    int32_t *known = branch_memo_slot(&in->one_row_tests, n.id, NULL);
    if (!*known) *known = one_row_start_test_above(in, n) ? 1 : -1;
    return *known > 0;
}

/* Where a read at index pos (a node, with what it was found to hold) lands in a batch whose
 * pads sit at `pad`: a PADREAD_* verdict, or -1 when it lands on a real token (or nothing is
 * known). */
static int verdict(Interp *in, TSNode pos, PadVal ix, uint8_t pad) {
    long v;
    TSNode p = parse_unparen(pos);
    if (parse_is(p, "slice")) { /* x[:, -1:]: the last position, kept as an axis */
        TSNode parts[3];
        parse_slice_parts(p, parts);
        if (int_lit(in, parts[0], &v) && v < 0 && ts_node_is_null(parts[1]))
            return (pad & PAD_END) ? PADREAD_END : -1;
        return -1;
    }
    if (int_lit(in, p, &v)) {
        if (v < 0) return (pad & PAD_END) ? PADREAD_END : -1;
        if (v == 0) return (pad & PAD_START) ? PADREAD_START : -1;
        return -1;
    }
    if (ix.what == PW_COUNT) {
        /* of a batch whose side is not known: the count's batch's */
        if ((pad & PAD_START) || (!(pad & (PAD_START | PAD_END)) && (ix.pad & PAD_START)))
            return PADREAD_COUNT_LEFT;
        if ((pad & PAD_END) && ix.c >= 0) return PADREAD_PAST_COUNT;
    }
    if (ix.what == PW_FIRSTPAD && ix.c >= 0) /* a pad on either side */
        return PADREAD_FIRST_PAD;
    return -1;
}

static void emit_read(Interp *in, TSNode node, Fact *r, int v) {
    if (v < 0 || guarded(in, node)) return;
    svc_emit(in, EV_PAD_READ, (EventOp)v, node, *r, fact_unknown(), AX_UNK);
}

/* An index over every row of the batch: `:`, torch.arange(B), range(B), a loop variable. */
static bool all_rows(Interp *in, TSNode n, PadVal v) {
    n = parse_unparen(n);
    if (parse_is(n, "slice")) {
        TSNode parts[3];
        parse_slice_parts(n, parts);
        return ts_node_is_null(parts[0]) && ts_node_is_null(parts[1]);
    }
    if (v.what == PW_ROWS) return true;
    if (parse_is(n, "identifier")) return (svc_lookup(in, n).flags & FF_LOOPVAR) != 0;
    return false;
}

/* ---------- expressions ---------- */

/* enc.input_ids, enc["attention_mask"], out.logits of a padded batch's encoding or model
 * output o: padded as o is, by the attribute's row (contracts.h AttrContract.pad). */
static PadVal member_val(PadVal o, const char *name, size_t len) {
    unsigned recv = o.what == PW_ENCODING ? AR_ENCODING
                    : o.what == PW_OUTPUT ? AR_OUTPUT
                                          : AR_COUNT;
    const AttrContract *c = recv == AR_COUNT ? NULL : contracts_attr_pad(recv, name, len, o.nd);
    return c ? padval(c->pad, o.pad, c->pad_nd, 0) : padval(PW_NONE, 0, 0, 0);
}

void pad_member(const Fact *obj, const char *name, size_t len, Fact *r) {
    padval_store(r, member_val(padval_of(obj), name, len));
}

/* ids[:, k:] of a batch padded at the end (the continuations of generate()'s sequences): the
 * rows end where they ended, whatever pads k cut from their start. */
static PadVal tail_ids(Interp *in, PadVal v, const TSNode *ix, const PadVal *ixv, int nix) {
    TSNode parts[3];
    if ((v.pad & PAD_ROW) || !(v.pad & PAD_END) || v.nd != 2 || nix != 2 ||
        !all_rows(in, ix[0], ixv[0]) || !parse_is(parse_unparen(ix[1]), "slice"))
        return padval(PW_NONE, 0, 0, 0);
    parse_slice_parts(parse_unparen(ix[1]), parts);
    if (ts_node_is_null(parts[0]) || !ts_node_is_null(parts[1]) || !ts_node_is_null(parts[2]))
        return padval(PW_NONE, 0, 0, 0);
    return padval(PW_IDS, PAD_END, 2, 0);
}

/* torch.cat([x, y], dim=1) of token ids: its rows end as y's do, and start as x's do. */
static PadVal joined_ids(Interp *in, const CallArgs *a) {
    long d;
    TSNode list = a->npos ? parse_unparen(a->pos[0]) : (TSNode){0};
    if (!(parse_is(list, "list") || parse_is(list, "tuple")) || !dim_arg(in, a, 1, &d) ||
        !(d == 1 || d == -1))
        return padval(PW_NONE, 0, 0, 0);
    uint32_t n = ts_node_named_child_count(list);
    PadVal first = {0}, last = {0};
    for (uint32_t i = 0; i < n; i++) {
        PadVal e = take(in, parse_unparen(parse_named_child(list, i)));
        if (i == 0) first = e;
        last = e;
    }
    bool ends = n >= 2 && last.what == PW_IDS && last.nd == 2 && (last.pad & PAD_END) &&
                !(last.pad & PAD_ROW);
    if (!ends) return padval(PW_NONE, 0, 0, 0);
    bool starts = first.what == PW_IDS && !(first.pad & PAD_ROW);
    return padval(PW_IDS, PAD_END | (starts ? first.pad & PAD_START : 0), 2, 0);
}

/* x[:k]: a slice that keeps the start (and so each kept element's position). */
static PadVal subscript_val(Interp *in, TSNode n, Fact *r) {
    TSNode value = parse_field(n, "value");
    PadVal v = take(in, value);
    TSNode ix[4];
    PadVal ixv[4];
    int nix = 0;
    for (uint32_t i = 1; i < ts_node_named_child_count(n) && nix < 4; i++) {
        TSNode c = parse_named_child(n, i);
        if (parse_is(c, "comment")) continue;
        ix[nix] = c;
        ixv[nix++] = take(in, parse_unparen(c));
    }
    if (!v.what || !nix) return padval_of(r); /* stored under this text, or nothing known */
    size_t klen;
    const char *key = svc_string_key(in, ix[0], &klen);
    long lit;
    bool index_only = false;
    switch ((PadWhat)v.what) {
    case PW_ENCODING: { /* enc["input_ids"]: as enc.input_ids */
        PadVal m = key ? member_val(v, key, klen) : padval(PW_NONE, 0, 0, 0);
        /* a key the code added (enc["prompt_lens"] = x): what it stored (facts.c set_field) */
        return m.what || !key ? m : padval_of(r);
    }
    case PW_OUTPUT:
        /* out[:, k]: an output used as a tensor, its logits (a value model's values); a
         * classifier's are [batch, classes], so only an index of positions reads positions */
        if (v.nd && nix >= 2) {
            index_only = v.nd != 3;
            v = padval(PW_VALUES, v.pad, v.nd == 3 ? 3 : 0, 0);
            break;
        }
        /* out[0]: the logits (or a bare model's hidden states), unless a loss */
        if (v.nd == 3 && int_lit(in, ix[0], &lit) && lit == 0 && !(r->kinds & FK_LOSS))
            return padval(PW_VALUES, v.pad, 3, 0);
        return padval(PW_NONE, 0, 0, 0);
    case PW_LAYERS:
        return parse_is(parse_unparen(ix[0]), "slice") ? v : padval(PW_VALUES, v.pad, 3, 0);
    case PW_COUNT:
    case PW_FIRSTPAD:
    case PW_ROWS:
    case PW_ROWLENS:
    case PW_ROWPOS:
        return v; /* idx[:, None], lengths[i]: the same index */
    case PW_REALMASK:
    case PW_MASKPART:
        /* mask[:, 1:]: some positions of the mask, padded on the same side (facts_mask.c) */
        return !(v.pad & PAD_ROW) && nix == 2 && parse_is(parse_unparen(ix[1]), "slice") &&
                       all_rows(in, ix[0], ixv[0])
                   ? padval(PW_MASKPART, v.pad, v.nd, 0)
                   : padval(PW_NONE, 0, 0, 0);
    case PW_TAILMASK:
        return v; /* positions[None, :] */
    case PW_SPANMASK: /* m[:, :-1]: its columns move (facts_align.c), the tokens marked stay */
        if ((v.pad & PAD_ROW) && nix == 1) /* row[:max_len]: the columns it keeps stay */
            return spans_cut_at_end(ix[0]) ? v : padval(PW_NONE, 0, 0, 0);
        return nix == 2 && parse_is(parse_unparen(ix[1]), "slice") && all_rows(in, ix[0], ixv[0])
                   ? v
                   : padval(PW_NONE, 0, 0, 0);
    case PW_IDS:
        return tail_ids(in, v, ix, ixv, nix);
    case PW_VALUES:
        break;
    case PW_SIDED: /* lp[..., 0] of gather(...)[..., None]; lp[:, :-1] (or [:, :-1, :]) of
                    * log_softmax(logits): every row, some of its positions, the pads' side stays */
        return nix >= 2 && (parse_is(parse_unparen(ix[0]), "ellipsis") ||
                            (nix <= 3 && all_rows(in, ix[0], ixv[0]) &&
                             parse_is(parse_unparen(ix[1]), "slice") &&
                             (nix == 2 || all_rows(in, ix[2], ixv[2]))))
                   ? v
                   : padval(PW_NONE, 0, 0, 0);
    default:
        return padval(PW_NONE, 0, 0, 0);
    }
    if (v.nd == 0 && v.pad == 0) return padval(PW_NONE, 0, 0, 0);
    bool row = v.pad & PAD_ROW;
    if (!row && nix == 1 && !parse_is(parse_unparen(ix[0]), "slice") &&
        !parse_is(parse_unparen(ix[0]), "ellipsis")) /* values[i]: one row */
        return padval(PW_VALUES, v.pad | PAD_ROW, v.nd ? v.nd - 1 : 0, 0);
    int at = row ? 0 : 1;
    if (nix <= at || (!row && !all_rows(in, ix[0], ixv[0]))) return padval(PW_NONE, 0, 0, 0);
    TSNode pos = parse_unparen(ix[at]);
    if (parse_is(pos, "ellipsis")) return padval(PW_NONE, 0, 0, 0);
    if (index_only && ixv[at].what != PW_COUNT && ixv[at].what != PW_FIRSTPAD)
        return padval(PW_NONE, 0, 0, 0);
    if (parse_is(pos, "slice")) {
        TSNode parts[3];
        parse_slice_parts(pos, parts);
        emit_read(in, n, r, verdict(in, pos, ixv[at], v.pad));
        if (ts_node_is_null(parts[0]) && ts_node_is_null(parts[1])) {
            /* values[:, :, 0]: a channel of every position */
            if (nix == at + 2 && v.nd == 3 && !parse_is(parse_unparen(ix[at + 1]), "slice"))
                return padval(PW_VALUES, v.pad, 2, 0);
            return nix == at + 1 ? v : padval(PW_NONE, 0, 0, 0);
        }
        /* values[:, k:]: the rows' ends are still where they were */
        if (ts_node_is_null(parts[1]) && (v.pad & PAD_END) && nix == at + 1)
            return padval(PW_VALUES, (v.pad & PAD_ROW) | PAD_END, v.nd, 0);
        return sided(v);
    }
    emit_read(in, n, r, verdict(in, pos, ixv[at], v.pad));
    return padval(PW_NONE, 0, 0, 0);
}

static PadVal attribute_val(Interp *in, TSNode n, Fact *r) {
    TSNode object = parse_field(n, "object");
    PadVal o = take(in, object);
    size_t len;
    const char *attr = parse_text(in->src, parse_field(n, "attribute"), &len);
    if (padid_name(in, n)) return padval(PW_PADID, 0, 0, 0); /* tokenizer.pad_token_id */
    if (!o.what) return padval_of(r); /* read from a binding, or nothing known */
    return member_val(o, attr, len);
}

/* ~m, 1 - m, logical_not(m): the other mask of each pair; nothing for anything else. */
static PadVal negated(PadVal m) {
    static const uint8_t pairs[][2] = {{PW_REALMASK, PW_PADMASK}, {PW_KEEPMASK, PW_DROPMASK}};
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++)
        for (int j = 0; j < 2; j++)
            if (m.what == pairs[i][j]) return padval(pairs[i][1 - j], m.pad, m.nd, 0);
    return padval(PW_NONE, 0, 0, 0);
}

bool pad_mask_negated(Fact *m) {
    PadVal v = padval_of(m);
    if (!v.what) return true; /* nothing known of what m marks: nor of ~m */
    v = negated(v);
    padval_store(m, v);
    return v.what != PW_NONE;
}

/* ids[:-n] = -100, ids[k:] = -100: a negative sentinel written through one slice with a bound,
 * the first axis only. */
bool pad_sentinel_over_rows(Interp *in, TSNode target, TSNode value) {
    target = parse_unparen(target);
    if (!parse_is(target, "subscript") || ts_node_named_child_count(target) != 2 ||
        ts_node_is_null(value) || !padid_sentinel(in, value))
        return false;
    TSNode ix = parse_unparen(parse_field(target, "subscript")), parts[3];
    if (!parse_is(ix, "slice")) return false;
    parse_slice_parts(ix, parts);
    return !ts_node_is_null(parts[0]) || !ts_node_is_null(parts[1]);
}

bool pad_sentinel_over_start(Interp *in, TSNode target, TSNode value) {
    target = parse_unparen(target);
    if (!parse_is(target, "subscript") || ts_node_named_child_count(target) != 3 ||
        ts_node_is_null(value) || !padid_sentinel(in, value))
        return false;
    TSNode pos = parse_unparen(parse_named_child(target, 2)), parts[3];
    if (!parse_is(pos, "slice")) return false;
    parse_slice_parts(pos, parts);
    return ts_node_is_null(parts[0]) && !ts_node_is_null(parts[1]) && ts_node_is_null(parts[2]);
}

/* A tensor each element of which is a negative constant: torch.full((B, 1), -100), torch.tensor(
 * [[-100] * B]).T, moved or cast: targets a loss ignores, as a column appended to labels
 * shifted left by one is. */
bool pad_sentinel_block(Interp *in, TSNode n) {
    for (int depth = 0; depth < 8; depth++) {
        n = parse_unparen(n);
        if (padid_sentinel(in, n)) return true;
        if (parse_is(n, "list") || parse_is(n, "tuple")) {
            uint32_t k = ts_node_named_child_count(n);
            for (uint32_t i = 0; i < k; i++)
                if (!pad_sentinel_block(in, parse_named_child(n, i))) return false;
            return k > 0;
        }
        if (parse_is(n, "binary_operator")) { /* [-100] * B */
            if (!parse_text_eq(in->src, parse_field(n, "operator"), "*")) return false;
            TSNode l = parse_unparen(parse_field(n, "left"));
            n = parse_is(l, "list") ? l : parse_field(n, "right");
            continue;
        }
        if (parse_is(n, "attribute")) { /* x.T */
            n = parse_field(n, "object");
            continue;
        }
        if (!parse_is(n, "call")) return false;
        TSNode fn = parse_field(n, "function"), args = parse_field(n, "arguments");
        TSNode name = parse_is(fn, "attribute") ? parse_field(fn, "attribute") : fn;
        if (!parse_is(args, "argument_list")) return false;
        uint32_t k = ts_node_named_child_count(args);
        if (text_is(in, name, "full") || text_is(in, name, "full_like"))
            return k >= 2 && padid_sentinel(in, parse_named_child(args, 1));
        if (text_is(in, name, "tensor") || text_is(in, name, "as_tensor") ||
            text_is(in, name, "array") || text_is(in, name, "LongTensor")) {
            n = k ? parse_named_child(args, 0) : (TSNode){0};
            continue;
        }
        if (!parse_is(fn, "attribute")) return false;
        n = parse_field(fn, "object"); /* .to(device), .long(): the same elements */
    }
    return false;
}

/* ids == pad_id, mask == 0, ids.ne(pad_id): a mask of the pads or of the real tokens. */
static PadVal compare_val(Interp *in, PadVal a, TSNode bn, PadVal b, bool eq) {
    long lit;
    if (a.what == PW_IDS && (b.what == PW_PADID || padid_name(in, bn)))
        return padval(eq ? PW_PADMASK : PW_REALMASK, a.pad, a.nd, 0);
    if (a.what == PW_IDS && padid_sentinel(in, bn)) /* labels != -100 (facts_mask.c) */
        return padval(eq ? PW_DROPMASK : PW_KEEPMASK, a.pad, a.nd, 0);
    if ((a.what == PW_REALMASK || a.what == PW_PADMASK) && int_lit(in, bn, &lit) &&
        (lit == 0 || lit == 1)) {
        bool same = (lit == 1) == eq; /* mask == 1, mask != 0: the same mask */
        uint8_t w = same ? a.what : a.what == PW_REALMASK ? PW_PADMASK : PW_REALMASK;
        return padval(w, a.pad, a.nd, 0);
    }
    return padval(PW_NONE, 0, 0, 0);
}

bool pad_sentinel_over_pads(Interp *in, TSNode target, TSNode value) {
    target = parse_unparen(target);
    if (!parse_is(target, "subscript") || ts_node_named_child_count(target) != 2 ||
        ts_node_is_null(value) || !padid_sentinel(in, value))
        return false;
    return svc_eval(in, parse_field(target, "subscript")).pad_what == PW_PADMASK;
}

/* The number of real tokens of rows padded on the left (or fewer): a position inside the
 * padded width of those rows, not where they end. */
static bool left_count(PadVal k) {
    return k.what == PW_COUNT && k.pad == PAD_START && k.c <= 0;
}

/* A named tensor that holds token ids (or nothing known), not a constant. */
static bool ids_named(Interp *in, TSNode value) {
    value = parse_unparen(value);
    if (!(parse_is(value, "identifier") || parse_is(value, "attribute"))) return false;
    bool found;
    Fact f = svc_lookup_key(in, value, &found);
    return found && f.obj == FO_NONE && !(f.kinds & ~FK_IDS) && f.ndim != 0 &&
           !(f.flags & FF_CONST);
}

/* labels == -100 where nothing else is known of labels: a tensor compared with a negative
 * sentinel (no token id is negative) holds targets some of which a loss ignores. */
static bool sentinel_compared(Interp *in, TSNode value, TSNode other) {
    return padid_sentinel(in, other) && ids_named(in, value);
}

/* labels != tok.pad_token_id where labels are token ids of a batch whose padding is not known
 * (made by code we cannot see): a mask of the real tokens, pads on no known side. */
static bool pad_compared(Interp *in, TSNode value, PadVal v, TSNode other, PadVal o) {
    if (o.what != PW_PADID && !padid_name(in, other)) return false;
    if (v.what || !ids_named(in, value)) return false;
    bool found;
    return (svc_lookup_key(in, parse_unparen(value), &found).kinds & FK_IDS) != 0;
}

/* labels of a buffer filled with the pad id, rows copied to its start (facts_regions.c), or of a
 * padded batch with -100 over the rows' starts only (facts_labels.c): the pads after each
 * shorter row hold the pad id, not -100. */
static bool pads_hold_pad_id(Interp *in, TSNode n, uint16_t *made) {
    n = parse_unparen(n);
    if (!parse_is(n, "identifier") && !parse_is(n, "attribute") && !parse_is(n, "subscript"))
        return false;
    bool found;
    Fact f = svc_lookup_key(in, n, &found);
    *made = f.made_event; /* where they were so made (Fact.made_event) */
    return found &&
           ((f.fill_pad && f.fill_cov == REG_PREFIX && f.pad_what == PW_IDS) || f.prefix_ignored);
}

/* positions < lengths (positions <= lengths, lengths > positions): 1 at the positions j of an
 * arange (its first value a.c) below a count of each row's real tokens (+ its c), j < L + c:
 * where those are depends on what the scores multiplied by it are about (facts_mask.c). */
static PadVal length_bound(Interp *in, PadVal a, PadVal b, TSNode op) {
    bool lt = text_is(in, op, "<"), le = text_is(in, op, "<=");
    bool gt = text_is(in, op, ">"), ge = text_is(in, op, ">=");
    PadVal pos = a, count = b;
    if (b.what == PW_ROWS && (a.what == PW_COUNT || a.what == PW_ROWLENS) && (gt || ge))
        pos = b, count = a, lt = gt, le = ge; /* lengths > positions */
    if (pos.what != PW_ROWS || (count.what != PW_COUNT && count.what != PW_ROWLENS) || !(lt || le))
        return padval(PW_NONE, 0, 0, 0);
    return padval(PW_LENMASK, count.pad, 0, count.c - pos.c + (le ? 1 : 0));
}

static PadVal comparison_val(Interp *in, TSNode n, uint16_t *made, PadVal *operands) {
    if (ts_node_named_child_count(n) != 2) return padval(PW_NONE, 0, 0, 0);
    TSNode l = parse_named_child(n, 0), rn = parse_named_child(n, 1);
    PadVal a = take(in, l), b = take(in, rn);
    operands[0] = a, operands[1] = b;
    TSNode op = ts_node_child(n, 1);
    /* positions >= k, k <= positions: from k to the end of every row */
    PadVal len = length_bound(in, a, b, op);
    if (len.what) return len;
    PadVal start = a.what == PW_ROWS ? b : a;
    bool from_row = start.what == PW_ROWLENS || start.what == PW_ROWPOS; /* facts_spans.c */
    if ((a.what == PW_ROWS && (text_is(in, op, ">=") || text_is(in, op, ">"))) ||
        (b.what == PW_ROWS && (text_is(in, op, "<=") || text_is(in, op, "<"))))
        return padval(left_count(start) ? PW_EARLYTAIL : PW_TAILMASK,
                      from_row ? PAD_FROM_ROW : 0, 0, 0);
    bool eq = text_is(in, op, "=="), ne = text_is(in, op, "!=") || text_is(in, op, ">");
    if (!eq && !ne) return padval(PW_NONE, 0, 0, 0);
    PadVal m = compare_val(in, a, rn, b, eq);
    if (!m.what) m = compare_val(in, b, l, a, eq);
    if (!m.what && !a.what && !b.what &&
        (sentinel_compared(in, l, rn) || sentinel_compared(in, rn, l)))
        m = padval(eq ? PW_DROPMASK : PW_KEEPMASK, 0, 0, 0);
    if (!m.what && (pad_compared(in, l, a, rn, b) || pad_compared(in, rn, b, l, a)))
        m = padval(eq ? PW_PADMASK : PW_REALMASK, 0, 0, 0);
    if (m.what == PW_KEEPMASK && (pads_hold_pad_id(in, l, made) || pads_hold_pad_id(in, rn, made)))
        m.what = PW_PADKEEP; /* a mask of the labels: what they cover was built where they were */
    return m;
}

/* ids + [pad_id] * (n - len(ids)): a row padded by hand whose pads hold the pad id, as
 * pad_sequence's with padding_value=pad_id (padded_with_pad_id below): labels so padded keep
 * their pads under labels != -100. A run of -100 or of a literal is no pad id. */
static void hand_padded_with_pad_id(Interp *in, TSNode n, TSNode run, Fact *r) {
    TSNode list = parse_unparen(parse_field(parse_unparen(run), "left"));
    TSNode elem = parse_named_child(list, 0);
    if (r->obj != FO_NONE || take(in, elem).what != PW_PADID) return;
    r->fill = regions_key(in, elem);
    r->fill_pad = true;
    r->fill_cov = REG_PREFIX;
    r->fill_end = 0;
    svc_mask_made(in, n, r); /* what labels so padded cover at their pads */
}

static PadVal binop_val(Interp *in, TSNode n, Fact *r, PadVal *operands) {
    TSNode ln = parse_field(n, "left"), rn = parse_field(n, "right");
    PadVal a = take(in, ln), b = take(in, rn);
    operands[0] = a, operands[1] = b;
    TSNode op = parse_field(n, "operator");
    long k, e;
    bool plus = text_is(in, op, "+"), minus = text_is(in, op, "-");
    /* count - 1, 1 + first_pad: the index moves (offsets clamped: no overflow) */
    if ((plus || minus) &&
        (a.what == PW_COUNT || a.what == PW_FIRSTPAD || a.what == PW_ROWLENS ||
         a.what == PW_ROWPOS) &&
        int_lit(in, rn, &k)) {
        k = k < -1000 ? -1000 : k > 1000 ? 1000 : k;
        return padval(a.what, a.pad, a.nd, a.c + (plus ? k : -k));
    }
    if (plus && (b.what == PW_COUNT || b.what == PW_FIRSTPAD || b.what == PW_ROWLENS) &&
        int_lit(in, ln, &k)) {
        k = k < -1000 ? -1000 : k > 1000 ? 1000 : k;
        return padval(b.what, b.pad, b.nd, b.c + k);
    }
    if (text_is(in, op, "%") && (a.what == PW_COUNT || a.what == PW_FIRSTPAD)) return a;
    /* len(seq) - len(cont): where a row's continuation starts, counted from its first token, as
     * in a comprehension's element (facts_spans.c); appended row by row, each row's start */
    if (minus && a.what == PW_ROWPOS && b.what == PW_ROWPOS)
        return padval(PW_ROWPOS, 0, 0, a.c - b.c);
    /* emb(ids) * math.sqrt(d) + pos_emb(arange(T))[None]: hidden states scaled, or added to
     * what is no padded batch's (broadcast over the rows), are still at each position */
    bool scaled = plus || minus || text_is(in, op, "*") || text_is(in, op, "/");
    if (scaled && a.what == PW_VALUES && a.nd == 3 && !(a.pad & PAD_ROW) && !b.what) return a;
    /* mask.cumsum(-1) - 1: position ids from 0 */
    if ((plus || minus) && a.what == PW_RUNCOUNT && int_lit(in, rn, &k)) return a;
    /* arange(T) + 1: positions from 1 (clamped as counts are) */
    if ((plus || minus) && a.what == PW_ROWS && int_lit(in, rn, &k) && k >= -8 && k <= 8)
        return padval(PW_ROWS, a.pad, a.nd, a.c + (plus ? k : -k));
    /* lenmask & (positions >= start): still bounded above by the length, one too far or not */
    if ((text_is(in, op, "&") || text_is(in, op, "*")) && !(r->kinds & (FK_SCORES | FK_LOSS)) &&
        ((a.what == PW_LENMASK && b.what == PW_TAILMASK) ||
         (b.what == PW_LENMASK && a.what == PW_TAILMASK)))
        return a.what == PW_LENMASK ? a : b;
    /* tail & real: from a start to each row's last real token, a span of the tokens (their
     * columns: a mask of the real tokens is about the tokens, not the scores predicting them) */
    if ((text_is(in, op, "&") || text_is(in, op, "*")) && !(r->kinds & (FK_SCORES | FK_LOSS)) &&
        ((a.what == PW_TAILMASK && (b.what == PW_REALMASK || b.what == PW_MASKPART)) ||
         (b.what == PW_TAILMASK && (a.what == PW_REALMASK || a.what == PW_MASKPART))))
        return padval(PW_SPANMASK, (a.what == PW_TAILMASK ? a : b).pad & PAD_FROM_ROW, 0, 0);
    if (minus && int_lit(in, ln, &k) && k == 1 && negated(b).what) return negated(b);
    /* early & real, early * keep: a mask that also drops pads still starts inside the prompt */
    if ((text_is(in, op, "&") || text_is(in, op, "*")) && !(r->kinds & (FK_SCORES | FK_LOSS)) &&
        (a.what == PW_EARLYTAIL || b.what == PW_EARLYTAIL))
        return padval(PW_EARLYTAIL, 0, 0, 0);
    /* [0] * len(prompt) + [1] * len(cont): one row's span mask (facts_spans.c) */
    PadVal runs = plus ? spans_runs(in, ln, rn) : padval(PW_NONE, 0, 0, 0);
    if (runs.what) return runs;
    /* ids + [pad_id] * (n - len(ids)), [1] * len(ids) + [0] * (n - len(ids)): one row padded by
     * hand, on the side of the run of pads (the main facts decided it pads) */
    if (plus && (r->flags & FF_PADDED)) {
        bool lrun = spans_run_of(in, ln, &e), rrun = spans_run_of(in, rn, &k);
        if (r->kinds & FK_MASK) {
            if (lrun && rrun && e == 1) return padval(PW_REALMASK, PAD_END | PAD_ROW, 1, 0);
            if (lrun && rrun && k == 1) return padval(PW_REALMASK, PAD_START | PAD_ROW, 1, 0);
        } else if (lrun != rrun) {
            hand_padded_with_pad_id(in, n, lrun ? ln : rn, r);
            return padval(PW_IDS, (lrun ? PAD_START : PAD_END) | PAD_ROW, 1, 0);
        }
    }
    return padval(PW_NONE, 0, 0, 0);
}

/* [row for ...] / torch.stack of rows: a batch of them. */
static PadVal rows_to_batch(PadVal e) {
    if (!(e.pad & PAD_ROW) || (e.what != PW_IDS && e.what != PW_REALMASK)) return e;
    return padval(e.what, e.pad & ~PAD_ROW, 2, 0);
}

void pad_rows_appended(Fact *list) {
    padval_store(list, rows_to_batch(padval_of(list)));
}

/* ---------- calls ---------- */

/* F.pad(row, (0, n)) / np.pad(row, (0, n)): pads after (or before) the row's tokens. */
static uint8_t pad_width_side(Interp *in, TSNode width) {
    width = parse_unparen(width);
    if (!(parse_is(width, "tuple") || parse_is(width, "list")) ||
        ts_node_named_child_count(width) != 2)
        return 0;
    long a, b;
    bool az = int_lit(in, parse_named_child(width, 0), &a) && a == 0;
    bool bz = int_lit(in, parse_named_child(width, 1), &b) && b == 0;
    return az && !bz ? PAD_END : bz && !az ? PAD_START : 0;
}

/* Calls the main interpretation ran in this file's code: what they return is their own. */
static bool user_call(Interp *in, TSNode fn) {
    size_t len;
    const char *name = callee_name(in, fn, &len);
    if (!parse_is(fn, "identifier") && !parse_is(fn, "attribute")) return false;
    bool found = true;
    Fact f = parse_is(fn, "identifier") ? svc_lookup(in, fn) : svc_lookup_key(in, fn, &found);
    if (found && (f.obj == FO_FUNC || f.obj == FO_CLASS || f.obj == FO_INSTANCE)) return true;
    if (!parse_is(fn, "attribute") || !len) return false;
    TSNode object = parse_field(fn, "object");
    if (!funcs_find(in, name, len)) {
        /* scorer.encode(texts) of a class another module of the project defines: its code
         * ran, and what it returns holds the padding it made (a name or a field: reading it
         * again has no effect) */
        if (!parse_is(object, "identifier") && !parse_is(object, "attribute")) return false;
        Fact obj = svc_eval(in, object);
        return obj.obj == FO_INSTANCE && !types_assigns_field(in, obj.def, name, len) &&
               !ts_node_is_null(svc_find_method(in, obj.def, name, len));
    }
    /* self.score(h) where __init__ set self.score = nn.Linear(...): a layer, whatever method
     * of another class is so named; rm.score(h) of a model (not one by its name only): its
     * head, which the main interpretation did not run the file's score() for */
    Fact obj = svc_eval(in, object);
    if (obj.obj == FO_MODEL && !(obj.flags & FF_WEAK)) return false;
    return obj.obj != FO_INSTANCE || !types_assigns_field(in, obj.def, name, len);
}

/* ---------- a padding side a helper sets on the tokenizer it is handed ---------- */

/* The number of def's parameter named by ident (counted as the call binds them: plain, typed
 * and defaulted ones; *args, **kwargs and the separators not), or -1. */
static int param_index(Interp *in, TSNode def, TSNode ident) {
    TSNode params = parse_field(def, "parameters");
    uint32_t n = ts_node_is_null(params) ? 0 : ts_node_named_child_count(params);
    for (uint32_t i = 0, k = 0; i < n; i++) {
        TSNode p = parse_named_child(params, i), name = p;
        if (parse_is(p, "default_parameter") || parse_is(p, "typed_default_parameter"))
            name = parse_field(p, "name");
        else if (parse_is(p, "typed_parameter"))
            name = parse_named_child(p, 0);
        else if (!parse_is(p, "identifier"))
            continue;
        if (parse_is(name, "identifier") && parse_same_text(in->src, name, ident)) return (int)k;
        k++;
    }
    return -1;
}

/* Does code of n ahead of byte `before` bind the name ident as a whole (tok = copy(tok))? Then
 * the name no longer holds what the caller handed. */
static bool rebound_before(Interp *in, TSNode n, TSNode ident, uint32_t before, int depth) {
    if (ts_node_is_null(n) || depth > 200 || ts_node_start_byte(n) >= before ||
        parse_is(n, "function_definition") || parse_is(n, "class_definition") ||
        parse_is(n, "lambda"))
        return false;
    if (parse_is(n, "assignment") || parse_is(n, "augmented_assignment") ||
        parse_is(n, "for_statement") || parse_is(n, "named_expression")) {
        TSNode l = parse_unparen(parse_field(n, parse_is(n, "named_expression") ? "name" : "left"));
        if (parse_is(l, "identifier") && parse_same_text(in->src, l, ident)) return true;
    }
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++)
        if (rebound_before(in, parse_named_child(n, i), ident, before, depth + 1)) return true;
    return false;
}

/* def prepare(tok): tok.padding_side = cfg.side, a statement of the function's body (on every
 * path): the object the caller handed it pads on that side after the call. Recorded per
 * function, three bits per parameter (the side's bits, or PARAM_SIDE_ANY when runs of it set
 * different or unknown sides), so that a call reusing its summary, which runs nothing, finds
 * it too. */
enum { PARAM_SIDE_BITS = 3, PARAM_SIDE_ANY = 7, PARAM_SIDE_MAX = 10 };

static void param_side_set(Interp *in, TSNode target, TSNode object, uint8_t side) {
    if (!parse_is(object, "identifier") || in->frame == in->module || in->call_depth <= 0) return;
    TSNode def = in->call_stack[in->call_depth - 1];
    TSNode stmt = parse_parent(parse_parent(target)); /* assignment, its statement */
    if (!parse_is(stmt, "expression_statement") ||
        !ts_node_eq(parse_parent(parse_parent(stmt)), def))
        return;
    int k = param_index(in, def, object);
    if (k < 0 || k >= PARAM_SIDE_MAX ||
        rebound_before(in, parse_field(def, "body"), object, ts_node_start_byte(stmt), 0))
        return;
    int32_t *slot = branch_memo_slot(&in->param_sides, def.id, NULL);
    unsigned shift = (unsigned)k * PARAM_SIDE_BITS;
    unsigned was = ((unsigned)*slot >> shift) & PARAM_SIDE_ANY;
    unsigned now = side && (!was || was == side) ? side : PARAM_SIDE_ANY;
    *slot = (int32_t)(((unsigned)*slot & ~(PARAM_SIDE_ANY << shift)) | (now << shift));
}

/* helper(tok) of a function that sets its parameter's padding_side (param_side_set): the name
 * the caller handed it now holds a tokenizer of that side (or of no known side). */
static void param_sides_back(Interp *in, TSNode fn, const CallArgs *a) {
    if (!in->param_sides.n || (!parse_is(fn, "identifier") && !parse_is(fn, "attribute"))) return;
    bool found = true;
    Fact f = parse_is(fn, "identifier") ? svc_lookup(in, fn) : svc_lookup_key(in, fn, &found);
    if (!found || f.obj != FO_FUNC || ts_node_is_null(f.def)) return;
    unsigned sides = (unsigned)*branch_memo_slot(&in->param_sides, f.def.id, NULL);
    for (int k = 0; sides && k < PARAM_SIDE_MAX; k++) {
        unsigned side = (sides >> ((unsigned)k * PARAM_SIDE_BITS)) & PARAM_SIDE_ANY;
        if (!side) continue;
        TSNode arg = k < a->npos ? a->pos[k] : (TSNode){0};
        for (int i = 0; i < a->nkw; i++)
            if (param_index(in, f.def, a->kw_name[i]) == k) arg = a->kw_val[i];
        arg = parse_unparen(arg);
        if (!parse_is(arg, "identifier") && !parse_is(arg, "attribute")) continue;
        Fact t = svc_lookup_key(in, arg, &found);
        if (!found || t.obj != FO_TOKENIZER) continue;
        padval_store(&t, side != PARAM_SIDE_ANY ? padval(PW_TOKENIZER, (uint8_t)side, 0, 0)
                                                : padval(PW_NONE, 0, 0, 0));
        svc_rebind(in, arg, t);
    }
}

/* The side a tokenizer pads on, from the object called (tok(...), tok.pad(...)). */
static uint8_t tokenizer_side(Interp *in, TSNode fn, PadVal recv) {
    if (recv.what == PW_TOKENIZER) return recv.pad;
    if (!parse_is(fn, "identifier") && !parse_is(fn, "attribute")) return 0;
    bool found;
    if (parse_is(fn, "attribute")) {
        /* self.tokenizer(texts) of the object this call runs on: the tokenizer its field holds
         * decides (the side its constructor set, or the side of the tokenizer its caller gave
         * it, in another module too). The file-wide self.tokenizer binding is what some other
         * run of the class's methods left: another call's object, whose side a method of
         * another module analysed alone must not inherit. */
        Fact obj = svc_lookup_key(in, parse_field(fn, "object"), &found);
        size_t len;
        const char *name = parse_text(in->src, parse_field(fn, "attribute"), &len);
        const Fact *held = found && obj.obj == FO_INSTANCE ? fact_field(&obj, name, len) : NULL;
        if (held && (held->obj == FO_TOKENIZER || held->pad_what == PW_TOKENIZER))
            return held->pad_what == PW_TOKENIZER ? held->pad : 0;
    }
    Fact t = svc_lookup_key(in, fn, &found);
    return found && t.pad_what == PW_TOKENIZER ? t.pad : 0;
}

/* from_pretrained's checkpoint: its first argument or pretrained_model_name_or_path=. */
static PadVal checkpoint_arg(Interp *in, const CallArgs *a, const PadVal *argv) {
    if (a->npos) return argv[0];
    return take(in, kw(in, a, "pretrained_model_name_or_path"));
}

/* The side of a tokenizer handed to the call (a collator's or a DataLoader's collate_fn). */
static uint8_t tokenizer_arg(Interp *in, const CallArgs *a, const PadVal *argv) {
    for (int i = 0; i < a->npos; i++)
        if (argv[i].what == PW_TOKENIZER) return argv[i].pad;
    for (int i = 0; i < a->nkw; i++) {
        PadVal v = take(in, a->kw_val[i]);
        if (v.what == PW_TOKENIZER) return v.pad;
    }
    return 0;
}

/* A model's input: input_ids=, the first argument, or **batch. */
static PadVal model_input(Interp *in, const CallArgs *a, PadVal *argv) {
    TSNode ids = kw(in, a, "input_ids");
    if (!ts_node_is_null(ids)) return take(in, ids);
    if (a->npos) return argv[0];
    if (!ts_node_is_null(a->splat)) return take(in, a->splat);
    return take(in, kw(in, a, "attention_mask"));
}

/* values.gather(1, idx), torch.gather(values, 1, idx), take_along_dim(values, idx, 1) of a
 * padded batch's values: along the positions, a read at idx; the side is kept. */
static PadVal gathered(Interp *in, TSNode node, const Contract *c, PadVal x, const CallArgs *a,
                       int first, PadVal *argv, Fact *r) {
    int ipos = first + c->idx_pos;
    TSNode ixn = kw(in, a, "index");
    PadVal ix = !ts_node_is_null(ixn)         ? take(in, ixn)
                : ipos >= 0 && ipos < a->npos ? argv[ipos]
                                              : padval(0, 0, 0, 0);
    long d;
    if (dim_arg(in, a, first + c->dim_pos, &d) && (d == 1 || (d == -1 && x.nd == 2)))
        emit_read(in, node, r, verdict(in, (TSNode){0}, ix, x.pad));
    return sided(x);
}

/* Is x, whose cumsum along the positions the call takes, a mask of a batch's real tokens: one
 * this domain knows as such, or a tensor the main facts hold a mask of (an attention mask a
 * caller hands over, of which this domain knows nothing yet)? */
static bool running_count_of(Interp *in, TSNode call, PadVal x, const CallArgs *a, int first) {
    if (x.what == PW_REALMASK) return true;
    if (x.what) return false;
    TSNode fn = parse_field(call, "function");
    TSNode of = first                       ? a->pos[0]
                : parse_is(fn, "attribute") ? parse_field(fn, "object")
                                            : (TSNode){0};
    if (ts_node_is_null(of)) return false;
    Fact f = svc_eval(in, of);
    return f.obj == FO_NONE && f.kinds == FK_MASK && f.ndim != 1;
}

/* What the call with row c makes of x: its receiver (first = 0), or the first argument of a
 * library function (first = 1). The row's padding columns (contracts.h PadOp, PK_*) say it. */
static PadVal tensor_op(Interp *in, TSNode node, const Contract *c, PadVal x, const CallArgs *a,
                        int first, PadVal *argv, Fact *r) {
    long d;
    bool index = x.what == PW_COUNT || x.what == PW_FIRSTPAD || x.what == PW_ROWS ||
                 x.what == PW_PARTCOUNT || x.what == PW_ROWLENS || x.what == PW_RUNCOUNT ||
                 x.what == PW_ROWPOS;
    /* position_ids.masked_fill_(mask == 0, 1): the pads' ids set to any number, the rest kept */
    if (x.what == PW_RUNCOUNT && c->op == OP_MASKED_FILL) return x;
    if (c->keeps & PK_ALL) return x;
    if (index && (c->keeps & PK_INDEX)) return x;
    /* mask.view(-1): the rows' positions in one line, each pad where it was: a part of the mask
     * (facts_mask.c judges what it covers), no longer rows to count */
    if ((x.what == PW_REALMASK || x.what == PW_MASKPART) &&
        (c->op == OP_RESHAPE || c->op == OP_FLATTEN))
        return padval(PW_MASKPART, x.pad, 0, 0);
    bool dim = c->dim_pos >= 0 && dim_arg(in, a, first + c->dim_pos, &d);
    /* v_head(h).squeeze(-1): [batch, seq, 1] values, one per position */
    if (c->op == OP_SQUEEZE && x.what == PW_VALUES && x.nd == 3 &&
        (a->npos <= first || (dim && (d == -1 || d == 2))))
        return padval(PW_VALUES, x.pad, 2, 0);
    /* mask.cumsum(-1): at each position, the real tokens up to it (position ids) */
    if (c->op == OP_CUMSUM && dim && along_positions(x, d) &&
        running_count_of(in, node, x, a, first))
        return padval(PW_RUNCOUNT, x.pad, 0, 0);
    switch ((PadOp)c->pad) {
    case PO_MASK_BOOL: /* of a mask's part too (mask[:, 1:].bool()) */
        if (negated(x).what || x.what == PW_MASKPART) return x;
        break;
    case PO_COUNT:
        if (x.what == PW_REALMASK && dim && along_positions(x, d))
            return padval(PW_COUNT, x.pad | (under_one_row_start_test(in, node) ? PAD_START : 0),
                          0, 0);
        if (x.what == PW_MASKPART && dim && along_positions(x, d))
            return padval(PW_PARTCOUNT, x.pad, 0, 0);
        break;
    case PO_FIRST_TRUE:
        if (x.what == PW_PADMASK && dim && along_positions(x, d))
            return padval(PW_FIRSTPAD, x.pad, 0, 0);
        break;
    case PO_EQ:
    case PO_NE:
        if (first < a->npos) {
            bool eq = c->pad == PO_EQ;
            PadVal m = compare_val(in, x, a->pos[first], argv[first], eq);
            /* ids.ne(tok.pad_token_id), torch.ne(ids, pad_id): as ids != pad_id */
            TSNode fn = parse_field(node, "function");
            TSNode recv = first                        ? a->pos[0]
                          : parse_is(fn, "attribute") ? parse_field(fn, "object")
                                                      : (TSNode){0};
            if (!m.what && !ts_node_is_null(recv) &&
                pad_compared(in, recv, x, a->pos[first], argv[first]))
                m = padval(eq ? PW_PADMASK : PW_REALMASK, 0, 0, 0);
            return m;
        }
        break;
    case PO_NOT:
        return negated(x);
    case PO_GATHER:
        if (x.what == PW_VALUES && !(x.pad & PAD_ROW))
            return gathered(in, node, c, x, a, first, argv, r);
        break;
    case PO_NONE:
    case PO_ZEROS: /* made, not applied to x: call_val, regions_call */
    case PO_FULL:
    case PADOP_COUNT:
        break;
    }
    if ((x.what == PW_VALUES || x.what == PW_SIDED) && (c->keeps & PK_SIDE)) return sided(x);
    return padval(PW_NONE, 0, 0, 0);
}

/* The row the call applied: the main analysis resolved its callee (a library function by its
 * qualified name, a method by its receiver's kind). A method of a value the main facts knew
 * nothing of, but this domain knows (a mask, token ids, a batch's values, an encoding): its
 * tensor's (or mapping's) method of that name. */
static const Contract *call_row(Interp *in, TSNode call, TSNode fn, PadVal recv) {
    if (in->applied_call == call.id && in->applied_row) return in->applied_row;
    if (!recv.what || !parse_is(fn, "attribute")) return NULL;
    size_t len;
    const char *name = callee_name(in, fn, &len);
    return contracts_method(FORM_TENSOR | FORM_MAPPING, name, len);
}

/* ids.masked_fill(m, -100), torch.where(m, ids, -100): the pads may no longer hold the pad id;
 * labels.masked_fill_(m, -100) changes labels itself. */
static void pads_replaced(Interp *in, TSNode fn, Fact *r) {
    r->fill_pad = false;
    r->prefix_ignored = false;
    TSNode recv = parse_is(fn, "attribute") ? parse_field(fn, "object") : (TSNode){0};
    size_t len;
    const char *name = parse_is(fn, "attribute") ? callee_name(in, fn, &len) : NULL;
    if (!name || !len || name[len - 1] != '_') return;
    bool found;
    Fact buf = svc_lookup_key(in, recv, &found);
    if (!found || !(buf.fill_pad || buf.prefix_ignored)) return;
    buf.fill_pad = buf.prefix_ignored = false;
    svc_rebind(in, recv, buf);
}

/* d["key"] of a dict the code built (its values by key): a value read, not run again. */
static bool dict_entry(Interp *in, TSNode n) {
    if (!parse_is(n, "subscript") || ts_node_named_child_count(n) != 2) return false;
    TSNode base = parse_unparen(parse_field(n, "value"));
    size_t len;
    if (!parse_is(base, "identifier") || !svc_string_key(in, parse_field(n, "subscript"), &len))
        return false;
    bool found;
    return svc_lookup_key(in, base, &found).obj == FO_DICT && found;
}

/* model(ids, attention_mask=m) where nothing is known of m (a parameter: forward(self,
 * input_ids, attention_mask)): the code hands it to the model as its attention mask, 1 at the
 * real tokens of ids, so it says the batch may hold pads, on a side not known, and its shape
 * and positions are the ids'. None by default is no obstacle: the code then never reads it. */
/* What a name holds (found: bound), or what a dict the code built holds under a key. */
static Fact held_by(Interp *in, TSNode n, bool *found) {
    if (!dict_entry(in, n)) return svc_lookup_key(in, n, found);
    *found = true;
    return svc_eval(in, n);
}

static void mask_by_use(Interp *in, TSNode m, TSNode ids) {
    m = parse_unparen(m);
    ids = parse_unparen(ids);
    bool entry = dict_entry(in, m);
    if ((!parse_is(m, "identifier") && !entry) || ts_node_is_null(ids)) return;
    bool found, ids_found;
    Fact f = held_by(in, m, &found), x = held_by(in, ids, &ids_found);
    /* a mask of the real tokens of ids of prompt + continuation marks the prompt's positions
     * too: its count is the joined length (facts_mask.c, mask_divided) */
    if (found && ids_found && f.obj == FO_NONE && f.kinds == FK_MASK && f.pad_what == PW_REALMASK &&
        (x.flags & FF_JOINED) && !(f.flags & FF_JOINED)) {
        f.flags |= FF_JOINED;
        entry ? svc_bind(in, m, f) : (void)svc_rebind(in, m, f); /* into the dict: d["k"] = f */
        if (!entry) byuse_note(in, m, f);
        return;
    }
    /* (a buffer of zeros the code wrote the ones of each row into is such a mask too, and so
     * is arange(T) < lengths: positions of the ids bounded by each row's count) */
    bool bound = f.pad_what == PW_LENMASK && f.pad_c == 0;
    if (!found || f.obj != FO_NONE || (f.pad_what && !bound) || (f.kinds & ~FK_MASK) ||
        f.ndim > 2 || !ids_found || x.obj != FO_NONE || !(x.kinds & FK_IDS))
        return;
    f.flags |= x.flags & FF_JOINED;
    f.prompt_rows |= x.prompt_rows;
    f.kinds = FK_MASK; /* of the ids' shape and positions */
    f.ndim = x.ndim;
    memcpy(f.ax, x.ax, sizeof f.ax);
    f.ax_last = x.ax_last;
    f.head = x.head;
    f.tail = x.tail;
    padval_store(&f, padval(PW_REALMASK, 0, 2, 0));
    entry ? svc_bind(in, m, f) : (void)svc_rebind(in, m, f);
    if (!entry) byuse_note(in, m, f);
}

/* Is there a negative integer literal (-100 written over the pads, a where(..., -100)) in the
 * function holding node, after it? */
static bool sentinel_after(TSNode node) {
    TSNode fn = parse_enclosing(node, (const char *const[]){"function_definition", NULL});
    if (ts_node_is_null(fn)) return false;
    TSTreeCursor c = ts_tree_cursor_new(fn);
    bool found = false, more = true;
    while (more && !found) {
        TSNode n = ts_tree_cursor_current_node(&c);
        found = ts_node_start_byte(n) >= ts_node_end_byte(node) &&
                parse_is(n, "unary_operator") &&
                parse_is(parse_unparen(parse_field(n, "argument")), "integer");
        /* into what ends after node; else on to the next sibling, up as far as needed */
        if (ts_node_end_byte(n) > ts_node_end_byte(node) && ts_tree_cursor_goto_first_child(&c))
            continue;
        while (!ts_tree_cursor_goto_next_sibling(&c))
            if (!ts_tree_cursor_goto_parent(&c)) {
                more = false;
                break;
            }
    }
    ts_tree_cursor_delete(&c);
    return found;
}

/* out[k] = pad_sequence(rows, padding_value=v) in a loop over a batch's keys whose tests on the
 * key give the keys ending in "labels" the pad id (facts_keyguard.c), and nothing in the
 * function writes a sentinel after it: those labels keep the pad id at their pads, and the
 * loss they are for, or labels != -100, counts every pad. */
static void keyed_labels_padded(Interp *in, TSNode call, TSNode fill, const Fact *r) {
    TSNode v = keyguard_labels_fill(in, call, fill);
    if (ts_node_is_null(v) || !padid_name(in, v)) return;
    TSNode loop = parse_enclosing(call, (const char *const[]){"for_statement", NULL});
    if (sentinel_after(loop)) return;
    svc_emit(in, EV_PADS_IN_LOSS, PADS_KEYED_LABELS, call, *r, fact_unknown(), AX_UNK);
}

/* pad_sequence(rows, batch_first=True, padding_value=tok.pad_token_id): each row copied to
 * the start of a batch whose pads hold the pad id, as torch.full((B, T), pad_id) with rows
 * written over its start (facts_regions.c): labels padded so keep their pads under
 * labels != -100. Left padding (padding_side="left") or a fill that is no pad id: not known. */
static void padded_with_pad_id(Interp *in, TSNode call, const CallArgs *a, Fact *r) {
    TSNode fill = kw(in, a, "padding_value"), side = kw(in, a, "padding_side");
    if (ts_node_is_null(fill) && a->npos > 2) fill = a->pos[2];
    if (ts_node_is_null(fill) || r->obj != FO_NONE || !(r->flags & FF_PADDED) ||
        (!ts_node_is_null(side) && side_literal(in, side) != PAD_END))
        return;
    if (take(in, fill).what != PW_PADID) {
        keyed_labels_padded(in, call, fill, r);
        return;
    }
    r->fill = regions_key(in, fill);
    r->fill_pad = true;
    r->fill_cov = REG_PREFIX;
    r->fill_end = 0;
    r->pad = PAD_END, r->pad_what = PW_IDS, r->pad_nd = 2, r->pad_c = 0;
    svc_mask_made(in, call, r); /* what labels so padded cover at their pads */
}

/* pad_sequence([torch.ones_like(s) for s in seqs]) padded with 0 (the default): rows of ones
 * over each row's tokens, a mask of the real tokens, though nothing says so before the model is
 * handed it. */
static bool ones_padded(Interp *in, const CallArgs *a, const Fact *r) {
    TSNode fill = kw(in, a, "padding_value");
    if (ts_node_is_null(fill) && a->npos > 2) fill = a->pos[2];
    long v = 0;
    if ((!ts_node_is_null(fill) && (!int_lit(in, fill, &v) || v != 0)) || !a->npos ||
        (r->kinds & ~(FK_MASK | FK_NUM)) || r->obj != FO_NONE)
        return false;
    TSNode rows = parse_unparen(a->pos[0]), elem = {0};
    if (parse_is(rows, "list_comprehension") || parse_is(rows, "generator_expression"))
        elem = parse_unparen(parse_field(rows, "body"));
    Callee c;
    return !ts_node_is_null(elem) && parse_is(elem, "call") && callee_row(in, elem, &c) &&
           c.row->op == OP_ONES;
}

/* Is fn a layer nn.Embedding(...) made (a name or a field holding it)? */
static bool embedding_called(Interp *in, TSNode fn) {
    if (!parse_is(fn, "identifier") && !parse_is(fn, "attribute")) return false;
    bool found = true;
    Fact f = parse_is(fn, "identifier") ? svc_lookup(in, fn) : svc_lookup_key(in, fn, &found);
    return found && f.obj == FO_CALLABLE && f.op == OP_EMBED;
}

/* Is one of the call's keyword arguments a mask of the padded batch's real tokens or pads, or
 * one the main facts know as a mask (ids != PAD_ID of a constant)? Each is read here once: the
 * call's other keywords were not. */
static bool told_pads(Interp *in, const CallArgs *a) {
    bool told = false;
    for (int i = 0; i < a->nkw; i++) {
        uint8_t w = take(in, a->kw_val[i]).what;
        Fact f = w ? fact_unknown() : svc_eval(in, a->kw_val[i]);
        told |= w == PW_REALMASK || w == PW_PADMASK ||
                (f.obj == FO_NONE && f.kinds == FK_MASK && f.ndim != 1);
    }
    return told;
}

static PadVal call_val(Interp *in, TSNode n, Fact *r) {
    TSNode fn = parse_field(n, "function");
    PadVal recv =
        parse_is(fn, "attribute") ? take(in, parse_field(fn, "object")) : padval(0, 0, 0, 0);
    const Contract *row = call_row(in, n, fn, recv);
    unsigned op = row ? row->op : OP_NONE;
    CallArgs a;
    call_args(n, &a);
    PadVal argv[4];
    for (int i = 0; i < a.npos; i++)
        argv[i] = take(in, a.pos[i]);
    regions_call(in, n, row, r); /* a buffer of pads (its side comes with its rows) */
    if (r->fill && row && row->pad == PO_FULL) { /* torch.full((B, T), tokenizer.pad_token_id) */
        TSNode fill = kw(in, &a, "fill_value");
        if (ts_node_is_null(fill) && a.npos > 1) fill = a.pos[1];
        PadVal v = !ts_node_is_null(kw(in, &a, "fill_value")) ? take(in, fill)
                   : a.npos > 1                               ? argv[1]
                                                              : padval(PW_NONE, 0, 0, 0);
        /* the pad id, traced (also into a parameter, through functools.partial or a caller) */
        r->fill_pad = v.what == PW_PADID;
        /* labels so made keep their pads under labels != -100: the flaw is built here */
        if (r->fill_pad && r->obj == FO_NONE && !r->made_event) svc_mask_made(in, n, r);
    }
    /* torch.full((B,), len(prompt)): one prompt's count of tokens for every row, a position
     * counted from each row's first token (facts_spans.c) */
    TSNode shape = a.npos > 1 ? parse_unparen(a.pos[0]) : (TSNode){0};
    if (row && row->pad == PO_FULL && argv[1].what == PW_ROWPOS &&
        (parse_is(shape, "tuple") || parse_is(shape, "list")) &&
        ts_node_named_child_count(shape) == 1)
        return argv[1];
    if (op == OP_PAD_SEQUENCE) padded_with_pad_id(in, n, &a, r);
    if (op == OP_MASKED_FILL || op == OP_WHERE) /* values replaced: maybe the pads' */
        pads_replaced(in, fn, r);
    if (r->fill && r->pad_what == PW_IDS) return padval_of(r);
    bool contract = in->applied_call == n.id && in->applied_row; /* not the file's code */
    if (!contract && user_call(in, fn)) {
        param_sides_back(in, fn, &a);
        return padval_of(r);
    }
    /* min(len(r), len(ids) - 1): a count of the row's tokens still (facts_spans.c) */
    PadVal clamped = spans_clamped_count(in, op, a.pos, argv, a.nkw ? 0 : a.npos);
    if (clamped.what) return clamped;
    if (r->obj == FO_TOKENIZER) {
        uint8_t side = side_literal(in, kw(in, &a, "padding_side"));
        /* GPT2TokenizerFast.from_pretrained(name): its class's side (facts_hf.c) */
        if (!side && r->pad_what == PW_TOKENIZER) side = r->pad;
        /* AutoTokenizer.from_pretrained("gpt2"), the name in a variable, a parameter or an
         * argument's default: the side that checkpoint's tokenizer pads on */
        PadVal name =
            op == OP_FROM_PRETRAINED ? checkpoint_arg(in, &a, argv) : padval(PW_NONE, 0, 0, 0);
        if (!side && name.what == PW_CHECKPOINT) side = name.pad;
        return side ? padval(PW_TOKENIZER, side, 0, 0) : padval(PW_NONE, 0, 0, 0);
    }
    if (r->obj == FO_ENCODING) {
        if (recv.what == PW_ENCODING) return recv; /* enc.to(device) */
        uint8_t side = side_literal(in, kw(in, &a, "padding_side"));
        if (!side) side = tokenizer_side(in, fn, recv);
        if (!side) side = tokenizer_arg(in, &a, argv); /* DataLoader(ds, collate_fn=...) */
        /* the batch a collate_fn the loader ran made: the side its tokenizer padded it on */
        if (!side && r->pad_what == PW_ENCODING) side = r->pad;
        /* of an unknown side too: its attention_mask is still one of the real tokens */
        return (r->flags & FF_PADDED) ? padval(PW_ENCODING, side, 0, 0) : padval(PW_NONE, 0, 0, 0);
    }
    if (r->obj == FO_CALLABLE && (op == OP_COLLATOR || op == OP_INPUTS_COLLATOR || op == OP_MLM_COLLATOR)) {
        /* DataCollatorWithPadding(tokenizer): it pads as the tokenizer does */
        uint8_t side = tokenizer_arg(in, &a, argv);
        return side ? padval(PW_TOKENIZER, side, 0, 0) : padval(PW_NONE, 0, 0, 0);
    }
    if (op == OP_GENERATE) {
        PadVal input = model_input(in, &a, argv);
        if (!(r->flags & FF_PADDED)) return padval(PW_NONE, 0, 0, 0);
        /* the prompts as they were padded (a decoder-only model continues them), then the
         * finished sequences padded at the end */
        uint8_t pad = PAD_END | ((r->flags & FF_SEQ2SEQ) ? 0 : input.pad & PAD_START);
        return r->obj == FO_OUTPUT ? padval(PW_OUTPUT, pad, 0, 0) : padval(PW_IDS, pad, 2, 0);
    }
    if (r->obj == FO_OUTPUT) {
        TSNode ids = kw(in, &a, "input_ids");
        mask_by_use(in, kw(in, &a, "attention_mask"), ts_node_is_null(ids) && a.npos ? a.pos[0] : ids);
        /* an encoder-decoder's logits are over the decoder's positions, not the input's */
        PadVal input = model_input(in, &a, argv);
        /* position ids that count only the real tokens: the code says its rows may start with
         * pads, so a batch of a side nothing shows is not taken to be padded on the right
         * (facts_mask.c); nor on the left, for a read at an index (mixed padding: left-padded
         * prompts, then generated tokens padded on the right) */
        if (!(input.pad & (PAD_START | PAD_END)) &&
            take(in, kw(in, &a, "position_ids")).what == PW_RUNCOUNT)
            input.pad |= PAD_HANDLED;
        if ((input.what == PW_ENCODING || (input.what == PW_IDS && !(input.pad & PAD_ROW))) &&
            !(r->flags & FF_SEQ2SEQ))
            return padval(PW_OUTPUT, input.pad, (r->flags & FF_NOTLM) ? 2 : 3, 0);
        return padval(PW_NONE, 0, 0, 0);
    }
    if (op == OP_KERAS_PAD)
        return padkeras_ids(in, kw(in, &a, "padding"), !ts_node_is_null(a.splat),
                            take(in, a.splat));
    if (op == OP_ONNX_RUN) { /* its outputs' padding, item by item (facts_padonnx.c) */
        TSNode names = kw(in, &a, "output_names"), feed = kw(in, &a, "input_feed");
        padonnx_outputs(in, ts_node_is_null(names) && a.npos ? a.pos[0] : names,
                        ts_node_is_null(feed) && a.npos > 1 ? a.pos[1] : feed, r);
        return padval(PW_NONE, 0, 0, 0);
    }
    if (op == OP_CAT) return joined_ids(in, &a);
    if (op == OP_ARANGE || op == OP_RANGE) { /* arange(1, T + 1): c, the first value */
        long start;
        bool from = a.npos >= 2 && int_lit(in, a.pos[0], &start) && start >= -8 && start <= 8;
        return padval(PW_ROWS, 0, 0, from ? (int)start : 0);
    }
    if (row && row->pad == PO_ZEROS && !r->obj) return padval(PW_ZEROS, 0, 0, 0);
    if (op == OP_WHERE && a.npos == 3) {
        /* torch.where(has_pad, first_pad, last): some rows take each index */
        for (int i = 1; i < 3; i++)
            if (argv[i].what == PW_FIRSTPAD && argv[i].c >= 0) return argv[i];
        return padval(PW_NONE, 0, 0, 0);
    }
    if (op == OP_PAD_SEQUENCE) {
        long bf;
        uint8_t side = side_literal(in, kw(in, &a, "padding_side"));
        if (!int_lit(in, kw(in, &a, "batch_first"), &bf) &&
            !text_is(in, kw(in, &a, "batch_first"), "True"))
            return padval(PW_NONE, 0, 0, 0);
        /* a mask's kind set here: mask_by_use then knows it as one when the model is handed it */
        if (ones_padded(in, &a, r)) r->kinds = FK_MASK;
        uint8_t w = (r->kinds & FK_MASK) ? PW_REALMASK : PW_IDS;
        return padval(w, side ? side : PAD_END, 2, 0);
    }
    if (op == OP_PAD_ARRAY && a.npos >= 2) {
        uint8_t side = pad_width_side(in, a.pos[1]);
        if (!side || (r->kinds & FK_SCORES)) return padval(PW_NONE, 0, 0, 0);
        return padval((r->kinds & FK_MASK) ? PW_REALMASK : PW_IDS, side | PAD_ROW, 1, 0);
    }
    /* a method of the value, or a library function of its first argument */
    if (recv.what)
        return row ? tensor_op(in, n, row, recv, &a, 0, argv, r) : padval(PW_NONE, 0, 0, 0);
    if (a.npos && argv[0].what) {
        PadVal x = argv[0];
        /* self.tok(ids) of an nn.Embedding: a vector at each position of the padded batch */
        if (x.what == PW_IDS && x.nd == 2 && !(x.pad & PAD_ROW) && a.npos == 1 && !a.nkw &&
            embedding_called(in, fn))
            return padval(PW_VALUES, x.pad, 3, 0);
        /* self.v_head(hidden): a head the code does not show, applied to every position of
         * [batch, seq, hidden], keeps the positions; so does a layer told the batch's pads
         * (self.blocks(h, src_key_padding_mask=~mask)): attention over the positions */
        if (x.what == PW_VALUES && x.nd == 3 && a.npos == 1 && (!a.nkw || told_pads(in, &a)) &&
            !r->kinds && !r->obj && (parse_is(fn, "identifier") || parse_is(fn, "attribute")))
            return x;
        return row ? tensor_op(in, n, row, x, &a, 1, argv, r) : padval(PW_NONE, 0, 0, 0);
    }
    return padval(PW_NONE, 0, 0, 0);
}

/* ---------- the hook ---------- */

/* A mask whose cover the operator at n builds (arange(T) >= k, tail & real, [0] * len(p) + [1] *
 * len(c)): a tail or a span of ones that neither operand (a, b) was. */
static bool cover_built(PadVal v, PadVal a, PadVal b) {
    if (v.what != PW_TAILMASK && v.what != PW_EARLYTAIL && v.what != PW_SPANMASK &&
        v.what != PW_LENMASK)
        return false;
    return memcmp(&a, &v, sizeof v) && memcmp(&b, &v, sizeof v);
}

void pad_expr(Interp *in, TSNode n, Fact *r) {
    SymKind kind = syms_kind(n);
    PadVal v;
    uint16_t made = 0;               /* labels != -100: where the labels' cover was built */
    PadVal operands[2] = {{0}, {0}}; /* an operator's */
    switch (kind) {
    case SYM_CALL:
        v = call_val(in, n, r);
        if (!v.what) v = spans_row_count(in, n, r); /* len(prompt_ids) (facts_spans.c) */
        if (!v.what) v = padkeras_kwargs(in, n);     /* dict(padding="post"), for **kw */
        break;
    case SYM_SUBSCRIPT:
        if (!regions_written_read(in, n)) {
            v = subscript_val(in, n, r);
            break;
        }
        r->flags &= ~FF_PADDED; /* what the iteration wrote there (facts_regions.c) */
        r->fill = 0;
        v = padval(PW_NONE, 0, 0, 0);
        break;
    case SYM_ATTRIBUTE:
        v = attribute_val(in, n, r);
        break;
    case SYM_COMPARISON_OPERATOR:
        v = comparison_val(in, n, &made, operands);
        /* labels != -100 of labels ignored at the pads only: the real tokens (and == the pads) */
        if (r->pads_ignored && (v.what == PW_KEEPMASK || v.what == PW_DROPMASK))
            v.what = v.what == PW_KEEPMASK ? PW_REALMASK : PW_PADMASK;
        r->pads_ignored = false;
        break;
    case SYM_BINARY_OPERATOR:
        v = binop_val(in, n, r, operands);
        break;
    case SYM_PARENTHESIZED_EXPRESSION:
        v = take(in, parse_named_child(n, ts_node_named_child_count(n) - 1));
        break;
    case SYM_STRING: { /* "left": a padding side, wherever the value is then assigned */
        uint8_t side = side_named(in, n);
        v = side ? padval(PW_SIDE, side, 0, 0) : padval_of(r);
        if (!side && checkpoint_pads_right(in, n)) v = padval(PW_CHECKPOINT, PAD_END, 0, 0);
        break;
    }
    case SYM_UNARY_OPERATOR:
        v = text_is(in, parse_field(n, "operator"), "~")
                ? negated(take(in, parse_field(n, "argument")))
                : padval_of(r);
        break;
    case SYM_LIST_COMPREHENSION:
    case SYM_GENERATOR_EXPRESSION:
        v = rows_to_batch(take(in, parse_field(n, "body")));
        /* [len(s) for s in seqs]: each row's count, not one (facts_spans.c) */
        if (!v.what || v.what == PW_ROWPOS) v = spans_row_counts(in, n, r);
        break;
    case SYM_DICTIONARY: /* {"padding": "post"}: keras's keyword arguments, for **kw */
        v = padkeras_kwargs(in, n);
        if (!v.what) v = padval_of(r);
        break;
    case SYM_DICTIONARY_COMPREHENSION:
        if (r->obj == FO_ENCODING) {
            /* {k: v.to(dev) for k, v in enc.items()}: the same batch */
            TSNode clause = parse_named_child(n, 1);
            v = parse_is(clause, "for_in_clause") ? take(in, parse_field(clause, "right"))
                                                  : padval(0, 0, 0, 0);
        } else {
            v = padval_of(r);
        }
        break;
    default:
        v = padval_of(r);
        break;
    }
    /* token ids whose padding nothing in the code shows: a batch of unknown side (only reads
     * that are pads on either side are claimed) */
    if (!v.what && (kind == SYM_IDENTIFIER || kind == SYM_ATTRIBUTE) && r->kinds == FK_IDS &&
        r->obj == FO_NONE && r->ndim != 0 && r->ndim != 1)
        v = padval(PW_IDS, 0, r->ndim == 2 ? 2 : 0, 0);
    /* an attention mask nothing shows the side of, in an arm of a test of one row for left
     * padding (the code says it masks real tokens of rows that may start with pads) */
    if (!v.what && (kind == SYM_IDENTIFIER || kind == SYM_ATTRIBUTE) && r->kinds == FK_MASK &&
        r->obj == FO_NONE && r->ndim != 0 && r->ndim != 1 && under_one_row_start_test(in, n))
        v = padval(PW_REALMASK, 0, r->ndim == 2 ? 2 : 0, 0);
    padval_store(r, v);
    if (v.what == PW_PADKEEP && kind == SYM_COMPARISON_OPERATOR) r->made_event = made;
    if ((kind == SYM_COMPARISON_OPERATOR || kind == SYM_BINARY_OPERATOR) &&
        cover_built(v, operands[0], operands[1]))
        svc_mask_made(in, n, r);
    if (v.what)
        padmemo_put(in, n.id, v);
    else
        take(in, n); /* no stale record of an earlier evaluation */
}

/* ---------- statements ---------- */

/* A mask combined in place with another value is no longer the mask it was, as m & x is not
 * (binop_val): a tail mask &= the attention mask drops the pads too. Nothing is claimed of it. */
void pad_combined_in_place(Fact *now, const char *op) {
    static const uint8_t masks[] = {PW_REALMASK, PW_PADMASK,  PW_MASKPART, PW_TAILMASK,
                                    PW_ZEROS,    PW_KEEPMASK, PW_DROPMASK, PW_EARLYTAIL,
                                    PW_PADKEEP,  PW_LENMASK};
    if (strcmp(op, "&=") && strcmp(op, "*=") && strcmp(op, "|=")) return;
    if (memchr(masks, now->pad_what, sizeof masks)) padval_store(now, padval(PW_NONE, 0, 0, 0));
}

void pad_assigned(Interp *in, TSNode target, TSNode value, const Fact *held) {
    target = parse_unparen(target);
    if (parse_is(target, "attribute") &&
        text_is(in, parse_field(target, "attribute"), "padding_side")) {
        /* tokenizer.padding_side = "left": the side its batches are padded on from here */
        uint8_t side = side_literal(in, value);
        TSNode object = parse_field(target, "object");
        if (!parse_is(object, "identifier") && !parse_is(object, "attribute")) return;
        param_side_set(in, target, object, side);
        bool found;
        Fact t = svc_lookup_key(in, object, &found);
        if (!found) t = fact_unknown(), t.origin = object;
        padval_store(&t, side ? padval(PW_TOKENIZER, side, 0, 0) : padval(PW_NONE, 0, 0, 0));
        svc_bind(in, object, t);
        return;
    }
    TSNode container;
    Fact buf;
    if (!svc_item_container(in, target, &container, &buf)) {
        /* buf[i][a:b] = row: a row copied into a buffer of pads (facts_copyside.c) */
        if (copyside_row_container(in, target, &container, &buf) &&
            (buf.fill || buf.pad_what == PW_IDS))
            regions_assigned(in, target, container, held);
        return;
    }
    if (buf.fill || buf.pad_what == PW_IDS) {
        regions_assigned(in, parse_unparen(target), container, held);
        Fact now; /* which positions it wrote: kept when buf is bound again below */
        if (svc_item_container(in, target, &container, &now))
            buf.fill_cov = now.fill_cov, buf.fill_end = now.fill_end;
    }
    if (buf.pad_what == PW_ZEROS || buf.pad_what == PW_TAILMASK || buf.pad_what == PW_SPANMASK ||
        buf.pad_what == PW_REALMASK || buf.pad_what == PW_MASKPART)
        spans_assigned(in, target, container, buf, held, value); /* facts_spans.c */
}
