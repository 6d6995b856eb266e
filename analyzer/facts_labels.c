/* Where a Hugging Face loss's labels come from, and what the code does with the mean it returns.
 *
 * `model(ids, labels=ids).loss` is the mean token NLL over every labelled position but the
 * first (the model shifts the labels itself): over N - 1 tokens for N labels. Whether ranking
 * candidates by it is right depends on the labels' provenance, so the interpreter records it:
 *
 * - text built from several parts (prompt + candidate, an f-string with a template around a
 *   value, str.format / str.join, a tokenizer's text pair) is FF_JOINED, and so are the ids
 *   a tokenizer makes of it;
 * - labels that are unmasked token ids (the input ids themselves, not overwritten with -100)
 *   make the output and its loss FF_FULLLABELS, plus FF_JOINED when those ids were joined:
 *   then the mean runs over the prompt too;
 * - an item assignment into token ids (labels[:, :n] = -100) masks them; one of a negative
 *   sentinel over the pads only (labels[mask == 0] = -100) masks the pads and not a prompt;
 *   one through a single slice of [batch, position] labels (labels[:-n] = -100) writes whole
 *   rows, no position: the prefix it was meant to drop stays in the loss (EV_PADS_IN_LOSS,
 *   IGNORED_ROWS);
 * - len(ids), ids.size(-1), ids.shape[1], ids.numel() of unshifted, unmasked ids are FF_COUNT:
 *   N, not N - 1 (facts_lengths.c);
 * - a loss times a non-constant is FF_SCALED (a sum, no longer a mean), and FF_COUNT when the
 *   factor was such an N (the sum with the off-by-one);
 * - loss.backward() makes it FF_TRAINED: a training objective, whatever it is compared with. */
#include <stdio.h>

#include "facts_svc.h"

/* A string literal: an f-string whose template adds text around a value, or joins several
 * values, is text of several parts. */
Fact labels_string(Interp *in, TSNode n) {
    (void)in;
    Fact f = fact_unknown();
    f.origin = n;
    int interps = 0, parts = 0;
    uint32_t c = ts_node_named_child_count(n);
    for (uint32_t i = 0; i < c; i++) {
        TSNode k = parse_named_child(n, i);
        if (parse_is(k, "interpolation"))
            interps++;
        else if (parse_is(k, "string_content") || parse_is(k, "escape_sequence"))
            parts++;
    }
    if (interps >= 2 || (interps == 1 && parts >= 1)) f.flags |= FF_JOINED;
    return f;
}

bool labels_literal_text(const Fact *f) {
    return !f->kinds && f->obj == FO_NONE && !ts_node_is_null(f->origin) &&
           (parse_is(f->origin, "string") || parse_is(f->origin, "concatenated_string"));
}

/* template.format(question=q, choice=c) with a template nothing is known of (a parameter, a
 * configuration's field): str.format filling two values or more, text of several parts as an
 * f-string with two interpolations is; a value the analysis knows (a tensor, a model, an
 * object) is no template. */
bool labels_template_filled(TSNode call, const Fact *recv) {
    if (recv->kinds || recv->obj != FO_NONE) return false;
    TSNode args = parse_field(call, "arguments");
    uint32_t n = parse_is(args, "argument_list") ? ts_node_named_child_count(args) : 0;
    int values = 0;
    for (uint32_t i = 0; i < n; i++) {
        TSNode a = parse_named_child(args, i);
        if (parse_is(a, "list_splat") || parse_is(a, "dictionary_splat")) return false;
        if (!parse_is(a, "comment")) values++;
    }
    return values >= 2;
}

static bool ids_unmasked(const Fact *f) {
    return f->obj == FO_NONE && f->kinds == FK_IDS && !(f->flags & (FF_MASKED | FF_SHIFTED));
}

/* Flags of a model call's output from its labels= argument. The labels are the full input
 * when they are strong, unmasked token ids, or the very expression passed as the input. */
unsigned labels_model_flags(Interp *in, Fact labels, TSNode labels_node, TSNode input_node) {
    bool same = !ts_node_is_null(input_node) && !ts_node_is_null(labels_node);
    if (same) {
        size_t a, b;
        const char *ta = parse_text(in->src, labels_node, &a),
                   *tb = parse_text(in->src, input_node, &b);
        same = a == b && !memcmp(ta, tb, a);
    }
    return labels_flags(labels, same);
}

unsigned labels_flags(Fact labels, bool same_as_input) {
    /* a constant number of targets left (labels[:, :-1] = -100): the mean ranks as the sum */
    if (labels.obj == FO_NONE && (labels.kinds & FK_IDS) && (labels.flags & FF_SCALED))
        return FF_SCALED;
    if (!ids_unmasked(&labels)) return 0;
    if ((labels.flags & FF_WEAK) && !same_as_input) return 0;
    return FF_FULLLABELS | (labels.flags & FF_JOINED);
}

static bool mean_loss(const Fact *f);

/* labels[:, :-k] = -100 (or labels[..., :-k]) for a constant k: every target but the last k is
 * ignored, so a mean over the labels is their sum over k, whatever the candidates' lengths:
 * it ranks them as the sum does (k = 1: one token's NLL, the sum itself). */
static bool keeps_constant_tail(Interp *in, TSNode target, TSNode value) {
    long v, stop;
    if (!svc_int_literal(in, value, &v) || v >= 0) return false;
    uint32_t n = ts_node_named_child_count(target);
    if (n < 2) return false;
    TSNode last = ts_node_named_child(target, n - 1);
    if (!parse_is(last, "slice") || ts_node_named_child_count(last) != 1) return false;
    TSNode bound = ts_node_named_child(last, 0);
    /* the one bound is the stop: `:-k`, with nothing before the colon */
    if (ts_node_start_byte(bound) < ts_node_start_byte(last) + 1) return false;
    return svc_int_literal(in, bound, &stop) && stop < 0;
}

/* x[k] = v. Into token ids (labels[:, :n] = -100): the ids are no longer the plain input.
 * enc["labels"] = ids on a tokenizer's output: model(**enc) computes a loss with those labels.
 * A loss into a container of nothing else (losses[choice] = out.loss): the container holds
 * losses, so min(losses, key=losses.get) ranks them. */
/* x.clone(), x.copy(), x.long(): a method call of no arguments, peeled off to x. */
static TSNode peel_copies(TSNode n) {
    for (n = parse_unparen(n); parse_is(n, "call");) {
        TSNode fn = parse_field(n, "function"), args = parse_field(n, "arguments");
        if (!parse_is(fn, "attribute") || ts_node_named_child_count(args) != 0) break;
        n = parse_unparen(parse_field(fn, "object"));
    }
    return n;
}

/* Is value (a copy of) the input ids of the batch `container` names: container["input_ids"],
 * container.input_ids? Labels that are the batch's own ids have its pads wherever it has them;
 * labels padded apart (a collator run on them alone, a list of -100 and ids) are often meant
 * to be masked by the attention mask where the loss is computed. */
static bool own_input_ids(Interp *in, TSNode value, TSNode container) {
    value = peel_copies(value);
    size_t len;
    const char *k = NULL;
    if (parse_is(value, "subscript") && ts_node_named_child_count(value) == 2)
        k = svc_string_key(in, parse_field(value, "subscript"), &len);
    else if (parse_is(value, "attribute"))
        k = parse_text(in->src, parse_field(value, "attribute"), &len);
    return k && len == 9 && !memcmp(k, "input_ids", 9) &&
           parse_same_text(in->src,
                           parse_field(value, parse_is(value, "subscript") ? "value" : "object"),
                           container);
}

/* Is subscript n enc["labels"] of a tokenizer's encoding (which *container, *enc then hold)? */
static bool encoding_labels(Interp *in, TSNode n, TSNode *container, Fact *enc) {
    if (ts_node_is_null(n)) return false;
    n = parse_unparen(n);
    if (!parse_is(n, "subscript") || ts_node_named_child_count(n) != 2 ||
        !svc_item_container(in, n, container, enc) || enc->obj != FO_ENCODING)
        return false;
    size_t len;
    const char *k = svc_string_key(in, parse_field(n, "subscript"), &len);
    return k && len == 6 && !memcmp(k, "labels", 6);
}

/* labels[:-n] = -100 where n counts positions: the length of a token sequence (len(prompt_ids)),
 * or a number the loop derives from its variable while the labels are a window the same loop
 * cuts along the sequence (trg_len = end - prev_end of ids[:, begin:end]). A number of rows
 * (len(chosen), labels.size(0) // 2) is neither: labels[n:] = -100 then drops whole rows on
 * purpose. */
static bool bound_counts_positions(Interp *in, TSNode target, const Fact *labels) {
    TSNode parts[3];
    parse_slice_parts(parse_unparen(parse_field(parse_unparen(target), "subscript")), parts);
    for (int i = 0; i < 2; i++) {
        TSNode b = parse_unparen(parts[i]);
        if (ts_node_is_null(b)) continue;
        if (parse_is(b, "unary_operator")) b = parse_unparen(parse_field(b, "argument"));
        if (!parse_is(b, "identifier") && !parse_is(b, "attribute") && !parse_is(b, "call"))
            return false;
        Fact n = svc_eval(in, b);
        if (!(n.flags & FF_COUNT) && !((n.flags & FF_LOOPVAR) && (labels->flags & FF_PREFIX)))
            return false;
    }
    return true;
}

/* buf[i, :n] = row, buf[:n] = row: the row written from the start of the last axis (up to
 * a bound given: bounded). */
static bool row_start_written(TSNode target, bool bounded) {
    target = parse_unparen(target);
    uint32_t k = ts_node_named_child_count(target);
    if (!parse_is(target, "subscript") || k < 2) return false;
    TSNode pos = parse_unparen(parse_named_child(target, k - 1)), parts[3];
    if (!parse_is(pos, "slice")) return false;
    parse_slice_parts(pos, parts);
    return ts_node_is_null(parts[0]) && ts_node_is_null(parts[2]) &&
           (!bounded || !ts_node_is_null(parts[1]));
}

/* buf[i, :n] = row: token ids (no constant) written from the start of a row of a buffer. */
static bool row_copied_to_start(TSNode target, const Fact *v) {
    return (v->kinds & FK_IDS) && !(v->kinds & ~FK_IDS) && !(v->flags & FF_CONST) &&
           ts_node_named_child_count(parse_unparen(target)) == 3 && row_start_written(target, true);
}

/* labels[:n] = -100 (labels[i, :n] = ...): a sentinel over the labels' first n positions, n a
 * count of a prompt's tokens made with another setting of the special tokens than the labels'
 * ids (len(tok(prompt, add_special_tokens=False).input_ids) for ids with them): where the
 * tokenizer puts a BOS first, one label of the prompt is left (or one of the continuation
 * ignored), as for a cut of scores at such a count (facts_align.c). */
static bool prefix_at_other_count(Interp *in, TSNode target, TSNode value, const Fact *labels) {
    target = parse_unparen(target);
    uint32_t k = ts_node_named_child_count(target);
    if (!labels->specials || !parse_is(target, "subscript") || k < 2 || ts_node_is_null(value) ||
        !pad_sentinel_block(in, value))
        return false;
    TSNode pos = parse_unparen(parse_named_child(target, k - 1)), parts[3];
    if (!parse_is(pos, "slice")) return false;
    parse_slice_parts(pos, parts);
    if (!ts_node_is_null(parts[0]) || ts_node_is_null(parts[1]) || !ts_node_is_null(parts[2]))
        return false;
    Fact n = svc_eval(in, parts[1]);
    return (n.kinds & FK_INDEX) && n.ndim == 0 && n.specials && n.specials != labels->specials;
}

/* A value that goes into a container of scores to be ranked: a mean loss, or a mean of token
 * log-probs (a length-normalised score: LL107 when it is ranked alone). */
static bool stored_mean(Interp *in, const Fact *f) {
    if (mean_loss(f)) return true;
    if (f->obj != FO_NONE || f->kinds != FK_LOGPROB || !(f->flags & FF_AGGREGATED) ||
        !f->agg_event || f->agg_event > in->facts->events.len)
        return false;
    const FactEvent *e = &in->facts->events.items[f->agg_event - 1];
    return e->kind == EV_AGGREGATE && e->op == AGG_MEAN;
}

/* per_q[q]["scores"][o] = loss: the root container (per_q) holds containers of losses, one
 * axis of items per subscript that is no string key (a string picks a record's field). */
static void nested_losses_stored(Interp *in, TSNode target, Fact v) {
    int depth = 0;
    TSNode n = parse_unparen(target);
    for (; parse_is(n, "subscript") && ts_node_named_child_count(n) == 2;
         n = parse_unparen(parse_field(n, "value"))) {
        size_t len;
        if (!svc_string_key(in, parse_field(n, "subscript"), &len)) depth++;
    }
    bool found = false;
    Fact root = parse_is(n, "identifier") ? svc_lookup_key(in, n, &found) : fact_unknown();
    if (!found || depth < 2 || depth > FACT_MAX_DIMS || root.obj != FO_NONE ||
        (root.kinds && root.kinds != v.kinds))
        return;
    Fact c = v;
    c.flags &= ~(FF_STEPVAR | FF_LOOPVAR);
    AxisKind items[FACT_MAX_DIMS];
    for (int i = 0; i < depth; i++) items[i] = AX_ITEM;
    fact_set_axes(&c, depth, items);
    svc_bind(in, n, root.kinds ? fact_join(in->arena, root, c) : c);
}

void labels_item_assigned(Interp *in, TSNode target, Fact v, TSNode value_node) {
    TSNode container;
    Fact f;
    if (stored_mean(in, &v) &&
        parse_is(parse_unparen(parse_field(parse_unparen(target), "value")), "subscript")) {
        nested_losses_stored(in, target, v);
        return;
    }
    if (encoding_labels(in, parse_field(parse_unparen(target), "value"), &container, &f)) {
        /* enc["labels"][mask == 0] = -100: no longer the input ids whole */
        f.flags &= ~FF_FULLLABELS;
        f.fill_pad = false;
        svc_bind(in, container, f);
        return;
    }
    if (!svc_item_container(in, target, &container, &f)) return;
    target = parse_unparen(target);
    if (f.obj == FO_ENCODING) {
        if (encoding_labels(in, target, &container, &f)) {
            /* labels stored again (masked since: enc["labels"][m == 0] = -100) are what the
             * last store says */
            f.flags = (f.flags & ~FF_FULLLABELS) | FF_LABELS |
                      (ids_unmasked(&v) && !(v.flags & FF_WEAK) ? FF_FULLLABELS : 0);
            f.fill_pad =
                (regions_pads_as_targets(&v) && own_input_ids(in, value_node, container)) ||
                v.prefix_ignored; /* -100 over the prompts only: the pads hold the id */
            svc_bind(in, container, f);
        }
        return;
    }
    if (f.obj != FO_NONE) return;
    if (f.kinds & FK_IDS) {
        /* the sentinel over the pads only so far: over the prompt too, and the bit is gone (a
         * row of ids copied to its start in a buffer of the sentinel leaves it at the pads) */
        f.pads_ignored = (f.pads_ignored && row_copied_to_start(target, &v)) ||
                         ((!(f.flags & FF_MASKED) || f.pads_ignored) &&
                          pad_sentinel_over_pads(in, target, value_node));
        /* the sentinel over the rows' starts only (a prompt) of a padded batch not known to be
         * padded on the left: the pads after the rows keep the pad id */
        bool before = f.prefix_ignored;
        f.prefix_ignored = (!(f.flags & FF_MASKED) || f.prefix_ignored) && fact_pads_hold_id(&f) &&
                           !(f.pad & PAD_START) && pad_sentinel_over_start(in, target, value_node);
        if (f.prefix_ignored && !before) /* what they cover at the pads: built here */
            svc_mask_made(in, parse_parent(target), &f);
        if (prefix_at_other_count(in, target, value_node, &f)) {
            f.mask_flaw = MFLAW_PREFIX_SPECIALS;
            svc_emit(in, EV_MASK_MADE, (EventOp)MFLAW_PREFIX_SPECIALS, target, f, v, AX_UNK);
            f.made_event = in->last_event;
        }
        if (v.mask_flaw == MFLAW_PREFIX_SPECIALS && row_start_written(target, false)) {
            f.mask_flaw = v.mask_flaw; /* buf[i, :n] = such labels: the rows keep their flaw */
            f.specials = v.specials;
            f.made_event = v.made_event;
        }
        f.flags |= FF_MASKED;
        TSNode stmt = ts_node_parent(target);
        if (parse_is(stmt, "assignment") &&
            keeps_constant_tail(in, target, parse_field(stmt, "right")))
            f.flags |= FF_SCALED;
        svc_bind(in, container, f);
        if (f.ndim == 2 && f.ax[0] == AX_BATCH && f.ax[1] == AX_POS &&
            pad_sentinel_over_rows(in, target, value_node) &&
            bound_counts_positions(in, target, &f))
            svc_emit(in, EV_PADS_IN_LOSS, IGNORED_ROWS, target, f, fact_unknown(), AX_UNK);
    } else if (stored_mean(in, &v) && (!f.kinds || f.kinds == v.kinds)) {
        Fact c = v;
        c.flags &= ~(FF_STEPVAR | FF_LOOPVAR);
        fact_set_axes(&c, 1, (AxisKind[]){AX_ITEM});
        svc_bind(in, container, f.kinds ? fact_join(in->arena, f, c) : c);
    }
}

/* loss.backward(): the value is a training objective from here on. */
void labels_backward(Interp *in, TSNode recv_node, Fact recv) {
    if (recv.obj != FO_NONE || !(recv.kinds & FK_LOSS)) return;
    if (!parse_is(recv_node, "identifier") && !parse_is(recv_node, "attribute")) return;
    recv.flags |= FF_TRAINED;
    svc_bind(in, recv_node, recv);
}

static bool constant(TSNode n) {
    n = parse_unparen(n);
    if (parse_is(n, "unary_operator")) n = parse_unparen(parse_field(n, "argument"));
    return parse_is(n, "integer") || parse_is(n, "float");
}

static bool mean_loss(const Fact *f) {
    return f->obj == FO_NONE && (f->kinds & FK_LOSS) && !(f->kinds & FK_SCORES) &&
           !(f->flags & FF_PERTOKEN);
}

/* loss * n (either order), loss *= n, torch.mul(loss, n): a loss times a non-constant is no
 * longer a mean. Returns false when neither side is a mean loss. */
bool labels_scale_by(Fact l, TSNode ln, Fact r, TSNode rn, Fact *out) {
    Fact loss, other;
    TSNode other_node;
    if (mean_loss(&l) && !mean_loss(&r))
        loss = l, other = r, other_node = rn;
    else if (mean_loss(&r) && !mean_loss(&l))
        loss = r, other = l, other_node = ln;
    else
        return false;
    if (ts_node_is_null(other_node) || constant(other_node)) return false;
    loss.flags |= FF_SCALED;
    /* the mean over N - 1 targets times N is off by one; a mean written by hand (a masked sum
     * over the count of what it summed: agg_event, facts_mask.c) times a count is that sum */
    if ((other.kinds & FK_INDEX) && (other.flags & FF_COUNT) && !loss.agg_event)
        loss.flags |= FF_COUNT;
    *out = loss;
    return true;
}

bool labels_scale(TSNode node, Fact l, Fact r, Fact *out) {
    return labels_scale_by(l, parse_field(node, "left"), r, parse_field(node, "right"), out);
}

/* The value node of the entry `key` of a dict literal; null when n is none or has none. */
static TSNode dict_entry(Interp *in, TSNode n, const char *key) {
    n = parse_unparen(n);
    if (!parse_is(n, "dictionary")) return (TSNode){0};
    for (uint32_t i = 0, c = ts_node_named_child_count(n); i < c; i++) {
        TSNode p = parse_named_child(n, i);
        size_t len;
        const char *t =
            parse_is(p, "pair") ? svc_string_key(in, parse_field(p, "key"), &len) : NULL;
        if (t && len == strlen(key) && !memcmp(t, key, len)) return parse_field(p, "value");
    }
    return (TSNode){0};
}

/* Is node n inside the function (or module) that holds statement s? */
static bool same_function(TSNode s, TSNode n) {
    TSNode f = parse_enclosing(s, (const char *const[]){"function_definition", "module", NULL});
    return !ts_node_is_null(f) && !ts_node_is_null(n) &&
           ts_node_start_byte(n) >= ts_node_start_byte(f) &&
           ts_node_end_byte(n) <= ts_node_end_byte(f);
}

/* The labels under key of a batch returned at ret, beside its input ids under ids_key: do they
 * hold the pad id at the pads? Reported (at the entry, or at ret for a dict filled key by
 * key) when they do. */
static bool batch_labels_pads_kept(Interp *in, TSNode ret, const Fact *batch, const char *key,
                                   const char *ids_key) {
    /* {"input_ids": ids, "labels": ids.clone()}: the labels are the batch's own ids */
    const Fact *labels = fact_field(batch, key, strlen(key));
    TSNode at = dict_entry(in, batch->origin, key), ids = dict_entry(in, batch->origin, ids_key);
    /* a dict filled key by key (out["labels"].append(row) in a loop, then {k: torch.tensor(v)
     * for k, v in out.items()}): no entry to point at, the batch returned here is reported */
    bool literal = !ts_node_is_null(at) && !ts_node_is_null(ids);
    if (!literal) at = ret;
    /* or they are such ids with -100 written over the rows' starts only (the prompts) */
    bool own = literal && parse_same_text(in->src, peel_copies(at), peel_copies(ids)) &&
               regions_pads_as_targets(labels);
    /* or labels padded on their own with the pad id (pad_sequence(..., padding_value=pad_id),
     * rows copied into torch.full((B, T), pad_id)): their pads hold it as the ids' do */
    bool padded_with_id = labels->obj == FO_NONE && labels->fill_pad && labels->fill &&
                          labels->fill_cov == REG_PREFIX && labels->pad_what == PW_IDS;
    if (!own && !labels->prefix_ignored && !padded_with_id) return false;
    /* the pad id traced into the labels' pads is evidence, whatever told them labels: also
     * in another file's collate run for this one's loader (lint_sites.c drops weak events) */
    Fact found = *labels;
    if (padded_with_id) found.flags &= ~FF_WEAK;
    svc_emit(in, EV_PADS_IN_LOSS, PADS_BATCH_RETURNED, at, found, fact_unknown(), AX_UNK);
    return true;
}

/* A batch a function builds and returns for a model's forward (a dataset's item, a collate
 * function's batch): a mapping with Hugging Face's keywords input_ids and labels, which its
 * consumer hands to model(**batch) or a Trainer, whose loss ignores only -100. Labels that still
 * hold the pad id at the pads put every pad in that loss, wherever it is computed; the finding
 * is where the labels are built, the consumer being often code we never see (and a batch built
 * by a callee is the callee's to report). */
void labels_batch_returned(Interp *in, TSNode ret, Fact batch) {
    if (batch.records || !same_function(ret, batch.origin)) return;
    /* enc["labels"] = enc["input_ids"].copy() of a padded encoding, nothing written over since */
    if (batch.obj == FO_ENCODING && batch.fill_pad) {
        svc_emit(in, EV_PADS_IN_LOSS, PADS_BATCH_RETURNED, ret, batch, fact_unknown(), AX_UNK);
        return;
    }
    if (batch.obj != FO_DICT) return;
    /* each labels key with its input ids: "labels" and "input_ids", or a pair of a preference
     * batch ("chosen_labels" and "chosen_input_ids", one forward per side) */
    for (int i = 0; i < batch.nelems; i++) {
        const char *key = batch.keys[i];
        size_t len = key ? strlen(key) : 0;
        if (len < 6 || len > 48 || strcmp(key + len - 6, "labels")) continue;
        size_t pre = len - 6;
        if (pre && key[pre - 1] != '_') continue;
        char ids_key[64];
        snprintf(ids_key, sizeof ids_key, "%.*sinput_ids", (int)pre, key);
        if (fact_field(&batch, ids_key, strlen(ids_key)) &&
            batch_labels_pads_kept(in, ret, &batch, key, ids_key))
            return; /* one finding per batch */
    }
}
