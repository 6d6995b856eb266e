/* exec_data: torch.utils.data.DataLoader, as the list of its batches, made when it is built: its
 * dataset iterated in order (a shuffle or a sampler keeps the order, a stand-in said so), cut
 * into batches of batch_size (the last one shorter unless drop_last), each made by its
 * collate_fn or by torch's default collation (tensors and numbers stacked, texts kept in a
 * list, dicts, tuples and lists collated field by field). */
#include <string.h>

#include "exec.h"

enum { DATA_MAX_BATCH = 4096, DATA_MAX_ITEMS = 1 << 16 };

/* torch's default_collate of n items alike. */
static ExecValue *collate(ExecRun *r, ExecValue **items, int n, TSNode at, int depth) {
    ExecValue *first = items[0];
    if (depth > 8) return exec_fail_at(r, at, "DataLoader items nested deeper than 8");
    for (int i = 1; i < n; i++)
        if (items[i]->kind != first->kind) return exec_fail_at(r, at, "DataLoader items of different kinds");
    switch (first->kind) {
    case XV_TENSOR: {
        ExecTensor **parts = exec_alloc(r, (size_t)n * sizeof *parts);
        for (int i = 0; parts && i < n; i++)
            parts[i] = items[i]->t;
        ExecTensor *t = parts ? exec_tensor_cat(r, parts, n, 0, true) : NULL;
        return t ? exec_tensor_value(r, t) : NULL;
    }
    case XV_BOOL:
    case XV_INT:
    case XV_FLOAT: {
        ExecValue *l = exec_new(r, XV_LIST);
        for (int i = 0; l && i < n; i++)
            if (!exec_seq_push(r, &l->seq, items[i])) return NULL;
        ExecTensor *t = l ? exec_tensor_from(r, l, first->kind == XV_FLOAT ? XD_F64 : -1, false) : NULL;
        return t ? exec_tensor_value(r, t) : NULL;
    }
    case XV_STR: {
        ExecValue *l = exec_new(r, XV_LIST);
        for (int i = 0; l && i < n; i++)
            if (!exec_seq_push(r, &l->seq, items[i])) return NULL;
        return l;
    }
    case XV_DICT: {
        ExecValue *d = exec_new(r, XV_DICT), **col = exec_alloc(r, (size_t)n * sizeof *col);
        for (int k = 0; d && col && k < first->dict.n; k++) {
            for (int i = 0; i < n; i++)
                if (!(col[i] = exec_dict_get(&items[i]->dict, first->dict.keys[k])))
                    return exec_fail_at(r, at, "DataLoader dicts with different keys");
            ExecValue *v = collate(r, col, n, at, depth + 1);
            if (!v || !exec_dict_set(r, &d->dict, first->dict.keys[k], v)) return NULL;
        }
        return d;
    }
    case XV_LIST:
    case XV_TUPLE: {
        ExecValue *out = exec_new(r, first->kind), **col = exec_alloc(r, (size_t)n * sizeof *col);
        for (int k = 0; out && col && k < first->seq.n; k++) {
            for (int i = 0; i < n; i++) {
                if (items[i]->seq.n != first->seq.n) return exec_fail_at(r, at, "DataLoader items of different lengths");
                col[i] = items[i]->seq.items[k];
            }
            ExecValue *v = collate(r, col, n, at, depth + 1);
            if (!v || !exec_seq_push(r, &out->seq, v)) return NULL;
        }
        return out;
    }
    default:
        return exec_fail_at(r, at, "DataLoader's default collation of a %s", exec_kind_name(first));
    }
}

/* The items of a map-style dataset, an object of a class of the file: dataset[i] for i below
 * len(dataset), as the loader's sampler reads them. */
static ExecValue *dataset_items(ExecRun *r, ExecValue *ds, TSNode at) {
    ExecValue *len_fn = exec_class_method(r, ds, "__len__"), *n_val;
    ExecValue *get_fn = exec_class_method(r, ds, "__getitem__");
    if (!len_fn || !get_fn) return exec_fail_at(r, at, "a dataset object without __len__ and __getitem__");
    if (!(n_val = exec_call_value(r, len_fn, NULL, 0, NULL, NULL, 0, at))) return NULL;
    int64_t n;
    if (!exec_as_int(n_val, &n) || n < 0 || n > DATA_MAX_ITEMS)
        return exec_fail_at(r, at, "a dataset's __len__ of no usable size");
    ExecValue *items = exec_new(r, XV_LIST);
    for (int64_t i = 0; items && i < n; i++) {
        ExecValue *ix = exec_int(r, i);
        if (!exec_seq_push(r, &items->seq, exec_call_value(r, get_fn, &ix, 1, NULL, NULL, 0, at)))
            return NULL;
    }
    return items;
}

ExecValue *exec_data_loader(ExecRun *r, ExecArgs *a) {
    ExecValue *dataset = exec_arg(a, 0, "dataset"), *collate_fn = exec_arg(a, -1, "collate_fn");
    ExecValue *shuffle = exec_arg(a, -1, "shuffle"), *sampler = exec_arg(a, -1, "sampler");
    int64_t bs;
    bool drop_last, shuffled = false;
    if (!dataset) return exec_fail_at(r, a->at, "DataLoader() without a dataset");
    if (!exec_arg_int(r, a, 1, "batch_size", 1, &bs) || !exec_arg_bool(r, a, -1, "drop_last", false, &drop_last) ||
        (shuffle && !exec_truthy(r, shuffle, &shuffled)))
        return NULL;
    a->used = ~0u; /* num_workers=, pin_memory=, persistent_workers=: the same batches */
    if (bs < 1 || bs > DATA_MAX_BATCH) return exec_fail_at(r, a->at, "DataLoader batch_size %lld", (long long)bs);
    if ((shuffled || (sampler && sampler->kind != XV_NONE)) &&
        !exec_stand_in(r, a->at, "DataLoader", "keeps the dataset's order (a deterministic stand-in for shuffling)"))
        return NULL;
    ExecValue *items = dataset->kind == XV_OBJECT && dataset->obj.cls ? dataset_items(r, dataset, a->at)
                                                                       : exec_iterate(r, dataset, a->at);
    ExecValue *batches = exec_new(r, XV_LIST);
    if (!items || !batches) return NULL;
    for (int at = 0; at < items->seq.n; at += (int)bs) {
        int n = items->seq.n - at < bs ? items->seq.n - at : (int)bs;
        if (n < bs && drop_last) break;
        ExecValue *chunk = exec_new(r, XV_LIST);
        for (int i = 0; chunk && i < n; i++)
            if (!exec_seq_push(r, &chunk->seq, items->seq.items[at + i])) return NULL;
        ExecValue *batch = !chunk                                  ? NULL
                           : collate_fn && collate_fn->kind != XV_NONE ? exec_call_value(r, collate_fn, &chunk, 1, NULL, NULL, 0, a->at)
                                                                       : collate(r, chunk->seq.items, n, a->at, 0);
        if (!batch || !exec_seq_push(r, &batches->seq, batch)) return NULL;
    }
    return batches;
}

/* transformers.DataCollatorWithPadding(tokenizer), DataCollatorForLanguageModeling(tokenizer,
 * mlm=False) and DataCollatorForTokenClassification(tokenizer, label_pad_token_id=-100): a
 * collator over the toy tokenizer (the masked-LM one draws random masks: not taken). Called on a
 * list of features, it pads them as tokenizer.pad(features, return_tensors="pt") does; the
 * language-model one adds labels, the ids with every pad id -100 (the model shifts them); the
 * token-classification one takes each feature's labels out before padding and pads them after,
 * with label_pad_token_id on the tokenizer's padding side, to the padded ids' length. NULL with
 * r->failed unset: not one. */
ExecValue *exec_data_collator(ExecRun *r, const char *q, ExecArgs *a) {
    bool lm = !strcmp(q, "transformers.DataCollatorForLanguageModeling");
    bool tc = !strcmp(q, "transformers.DataCollatorForTokenClassification");
    if (!lm && !tc && strcmp(q, "transformers.DataCollatorWithPadding")) return NULL;
    ExecValue *label_pad = tc ? exec_arg(a, -1, "label_pad_token_id") : NULL;
    if (label_pad && !exec_is_number(label_pad)) return exec_fail_at(r, a->at, "%s label_pad_token_id of a %s", q, exec_kind_name(label_pad));
    ExecValue *tok = exec_arg(a, 0, "tokenizer"), *mlm = exec_arg(a, lm ? 1 : -1, "mlm");
    ExecValue *padding = exec_arg(a, lm ? -1 : 1, "padding"), *multiple = exec_arg(a, -1, "pad_to_multiple_of");
    ExecValue *rt = exec_arg(a, -1, "return_tensors");
    bool masked = lm, pads = true;
    if (mlm && !exec_truthy(r, mlm, &masked)) return NULL;
    if (padding && (padding->kind != XV_BOOL || !(pads = padding->b)))
        return exec_fail_as(r, XF_GAP, a->at, "%s with padding other than True", q);
    if (masked) return exec_fail_as(r, XF_GAP, a->at, "a masked-LM collator (random masks)");
    if ((multiple && multiple->kind != XV_NONE) || (rt && (rt->kind != XV_STR || strcmp(rt->str.s, "pt"))))
        return exec_fail_as(r, XF_GAP, a->at, "%s with pad_to_multiple_of or other than torch tensors", q);
    if (tok && tok->kind == XV_PENDING && !(tok = exec_stand_resolve(r, tok, "attr:pad", NULL))) return NULL;
    if (!tok || tok->kind != XV_TOKENIZER) return exec_fail_at(r, a->at, "%s of a %s", q, tok ? exec_kind_name(tok) : "nothing");
    ExecValue *c = exec_object(r, "collator");
    if (!c || !exec_dict_set_str(r, &c->obj.fields, " tok", tok) || !exec_dict_set_str(r, &c->obj.fields, " lm", exec_bool(lm)) ||
        (tc && !exec_dict_set_str(r, &c->obj.fields, " label_pad", label_pad ? label_pad : exec_int(r, -100))))
        return NULL;
    return c;
}

/* The features' labels (taken out of each), padded with `fill` on `side` ("left" or "right") to
 * width, an int64 [n, width] tensor. */
static ExecTensor *pad_labels(ExecRun *r, ExecValue *rows, double fill, bool left, int width, TSNode at) {
    int shape[2] = {rows->seq.n, width};
    ExecTensor *t = exec_tensor_new(r, XD_INT64, 2, shape, false);
    for (int i = 0; t && i < rows->seq.n; i++) {
        ExecValue *d = rows->seq.items[i], *lab = d->kind == XV_DICT ? exec_dict_get_str(&d->dict, "labels") : NULL;
        if (!lab) lab = d->kind == XV_DICT ? exec_dict_get_str(&d->dict, "label") : NULL;
        ExecValue *l = lab ? exec_iterate(r, lab, at) : NULL;
        if (!l) return r->failed ? NULL : (ExecTensor *)exec_fail_at(r, at, "a token-classification feature without labels");
        if (l->seq.n > width) return (ExecTensor *)exec_fail_at(r, at, "labels longer than the padded ids");
        int off = left ? width - l->seq.n : 0;
        for (int k = 0; k < width; k++)
            t->data[i * width + k] = fill;
        for (int k = 0; k < l->seq.n; k++) {
            int64_t v;
            if (!exec_as_int(l->seq.items[k], &v)) return (ExecTensor *)exec_fail_at(r, at, "a label that is not an int");
            t->data[i * width + off + k] = (double)v;
        }
    }
    return t;
}

/* Each feature without its labels (a dict copied; the features are the caller's). */
static ExecValue *without_labels(ExecRun *r, ExecValue *rows) {
    ExecValue *out = exec_new(r, XV_LIST);
    for (int i = 0; out && i < rows->seq.n; i++) {
        ExecValue *d = rows->seq.items[i], *c = exec_new(r, XV_DICT);
        for (int k = 0; c && k < d->dict.n; k++) {
            ExecValue *key = d->dict.keys[k];
            bool label = key->kind == XV_STR && (!strcmp(key->str.s, "labels") || !strcmp(key->str.s, "label"));
            if (!label && !exec_dict_set(r, &c->dict, key, d->dict.vals[k])) return NULL;
        }
        if (!c || !exec_seq_push(r, &out->seq, c)) return NULL;
    }
    return out;
}

ExecValue *exec_data_collate(ExecRun *r, ExecValue *collator, ExecValue **args, int nargs, TSNode at) {
    if (nargs != 1) return exec_fail_at(r, at, "a collator called with %d arguments", nargs);
    ExecValue *tok = exec_dict_get_str(&collator->obj.fields, " tok"), *lm = exec_dict_get_str(&collator->obj.fields, " lm");
    const char *kw[] = {"return_tensors"};
    ExecValue *pt = exec_str(r, "pt", 2), *features = exec_iterate(r, args[0], at), *rows = exec_new(r, XV_LIST);
    for (int i = 0; features && rows && i < features->seq.n; i++) { /* an encoding is a dict of its fields */
        ExecValue *f = features->seq.items[i], *d = f;
        if (f->kind == XV_OBJECT && !f->obj.cls && !f->obj.lazy && (d = exec_new(r, XV_DICT))) d->dict = f->obj.fields;
        if (!d || !exec_seq_push(r, &rows->seq, d)) return NULL;
    }
    ExecValue *label_pad = exec_dict_get_str(&collator->obj.fields, " label_pad");
    for (int i = 0; label_pad && rows && i < rows->seq.n; i++)
        if (rows->seq.items[i]->kind != XV_DICT) return exec_fail_at(r, at, "a token-classification feature that is not a dict");
    ExecValue *plain = label_pad && rows ? without_labels(r, rows) : rows;
    ExecValue *batch = pt && plain && features ? exec_call_value(r, exec_method(r, "pad", tok), &plain, 1, kw, &pt, 1, at) : NULL;
    if (batch && label_pad) {
        ExecValue *ids = batch->kind == XV_OBJECT ? exec_dict_get_str(&batch->obj.fields, "input_ids") : NULL;
        ExecValue *side = exec_getattr(r, tok, "padding_side", at);
        if (!ids || ids->kind != XV_TENSOR || ids->t->ndim != 2 || !side || side->kind != XV_STR)
            return r->failed ? NULL : exec_fail_at(r, at, "a collated batch without input_ids");
        ExecTensor *labels = pad_labels(r, rows, exec_number(label_pad), !strcmp(side->str.s, "left"), ids->t->shape[1], at);
        return labels && exec_dict_set_str(r, &batch->obj.fields, "labels", exec_tensor_value(r, labels)) ? batch : NULL;
    }
    if (!batch || !lm->b) return batch;
    ExecValue *ids = batch->kind == XV_OBJECT ? exec_dict_get_str(&batch->obj.fields, "input_ids") : NULL;
    ExecValue *pad = exec_getattr(r, tok, "pad_token_id", at);
    if (!ids || ids->kind != XV_TENSOR || !pad) return r->failed ? NULL : exec_fail_at(r, at, "a collated batch without input_ids");
    ExecTensor *labels = exec_tensor_cast(r, ids->t, ids->t->dtype);
    for (int i = 0; labels && pad->kind != XV_NONE && i < labels->n; i++)
        if (labels->data[i] == exec_number(pad)) labels->data[i] = -100;
    return labels && exec_dict_set_str(r, &batch->obj.fields, "labels", exec_tensor_value(r, labels)) ? batch : NULL;
}
