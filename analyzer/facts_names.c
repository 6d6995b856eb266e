/* Names and keys: what a value named like logits, ids or model probably holds (weak); the text
 * of a string literal used as a key. */
#include <ctype.h>

#include "facts_xfer.h"

static bool ieq(const char *s, size_t len, const char *lit) {
    if (strlen(lit) != len) return false;
    for (size_t i = 0; i < len; i++)
        if (tolower((unsigned char)s[i]) != lit[i]) return false;
    return true;
}

bool names_icontains(const char *s, size_t len, const char *lit) {
    size_t n = strlen(lit);
    for (size_t i = 0; i + n <= len; i++) {
        size_t k = 0;
        while (k < n && tolower((unsigned char)s[i + k]) == lit[k])
            k++;
        if (k == n) return true;
    }
    return false;
}

static bool iends(const char *s, size_t len, const char *lit) {
    size_t n = strlen(lit);
    return len >= n && ieq(s + len - n, n, lit);
}

/* batch["input_ids_chosen"], batch["input_ids_rejected"]: a collator's key for one of several
 * batches of input ids (not their lengths, masks or counts). Keys only: a variable named so
 * (input_ids_rmpad, input_ids_rolled) is some processed form of the ids. */
bool names_ids_key(const char *s, size_t len) {
    static const char *const not_ids[] = {"len", "mask", "num", "count", "size", "shape", "pos"};
    if (len <= 10 || !ieq(s, 10, "input_ids_")) return false;
    for (size_t i = 0; i < sizeof not_ids / sizeof *not_ids; i++)
        if (names_icontains(s + 10, len - 10, not_ids[i])) return false;
    return true;
}

/* A model (or callee) named for a head that is no causal LM's: a classifier's logits are no
 * [batch, seq, vocab], a masked LM's logits at t are about token t. */
unsigned names_head(const char *name, size_t len) {
    if (names_icontains(name, len, "reward") || (len >= 3 && ieq(name, 3, "nli")) ||
        names_icontains(name, len, "_nli") || names_icontains(name, len, "classif") ||
        names_icontains(name, len, "sentiment") || names_icontains(name, len, "toxic") ||
        names_icontains(name, len, "entail") || names_icontains(name, len, "critic") ||
        names_icontains(name, len, "value_") || names_icontains(name, len, "discrim") ||
        ieq(name, len, "clf") || iends(name, len, "_clf") || names_icontains(name, len, "rank") ||
        names_icontains(name, len, "cross_enc") || names_icontains(name, len, "scorer") ||
        names_icontains(name, len, "vqa") || ieq(name, len, "rm") || iends(name, len, "_rm") ||
        names_icontains(name, len, "cls_") || iends(name, len, "_cls"))
        return FF_NOTLM;
    if (names_icontains(name, len, "mlm") || names_icontains(name, len, "bert") ||
        names_icontains(name, len, "masked_lm"))
        return FF_MLM;
    return 0;
}

/* What a value named like this probably holds, by the name alone. */
static Fact name_class(const char *name, size_t len) {
    Fact f = fact_unknown();
    unsigned weak = FF_WEAK;
    if (names_icontains(name, len, "logprob") || names_icontains(name, len, "log_prob") ||
        ieq(name, len, "logp") || ieq(name, len, "lprobs") || iends(name, len, "_logp") ||
        names_icontains(name, len, "log_softmax") || names_icontains(name, len, "logsoftmax") ||
        names_icontains(name, len, "loglik") || names_icontains(name, len, "log_lik")) {
        f.kinds = FK_LOGPROB;
    } else if (names_icontains(name, len, "logit")) {
        f.kinds = FK_RAW;
        f.ax_last = AX_VOCAB;
    } else if (ieq(name, len, "probs") || ieq(name, len, "prob") || iends(name, len, "_probs") ||
               ieq(name, len, "probabilities")) {
        f.kinds = FK_PROB;
    } else if (ieq(name, len, "input_ids") || ieq(name, len, "ids") || iends(name, len, "_ids") ||
               ieq(name, len, "labels") || ieq(name, len, "tokens") ||
               iends(name, len, "_tokens") || ieq(name, len, "toks") || iends(name, len, "_toks") ||
               ieq(name, len, "target_ids")) {
        f.kinds = FK_IDS;
    } else if (iends(name, len, "_token_id") || ieq(name, len, "pad_id") ||
               ieq(name, len, "eos_id") || ieq(name, len, "bos_id")) {
        f.kinds = FK_IDS; /* one special token's id */
        f.ndim = 0;
    } else if (ieq(name, len, "attention_mask") || ieq(name, len, "mask") ||
               iends(name, len, "_mask")) {
        f.kinds = FK_MASK;
    } else if (ieq(name, len, "model") || ieq(name, len, "lm") || iends(name, len, "_model") ||
               iends(name, len, "_lm")) {
        f.obj = FO_MODEL;
        /* a model named for a classification head: its logits are no [batch, seq, vocab] */
        f.flags |= names_head(name, len);
    } else if (ieq(name, len, "tokenizer") || iends(name, len, "_tokenizer") ||
               ieq(name, len, "tok") || ieq(name, len, "tk") || iends(name, len, "_tok")) {
        f.obj = FO_TOKENIZER;
    } else {
        weak = 0;
    }
    f.flags |= weak;
    return f;
}

/* name_class's answers for the names asked last, by their text: the interpreter asks about the
 * same names again and again, and each answer compares the name with some forty words (5% of a
 * run's instructions). Per thread, one slot per name; longer names are not kept. */
enum { NAMES_KEPT = 512, NAME_KEPT_LEN = 40 };
typedef struct NameKept {
    char name[NAME_KEPT_LEN];
    size_t len; /* 0: empty */
    Fact f;
} NameKept;
static _Thread_local NameKept *names_kept; /* NAMES_KEPT slots (util_thread_table) */

/* What a value named like this probably holds, when nothing else is known. Weak evidence. */
Fact names_evidence(TSNode origin, const char *name, size_t len) {
    Fact f;
    if (len == 0 || len > NAME_KEPT_LEN) {
        f = name_class(name, len);
    } else {
        unsigned h = 2166136261u;
        for (size_t i = 0; i < len; i++)
            h = (h ^ (unsigned char)name[i]) * 16777619u;
        NameKept *kept =
            names_kept ? names_kept
                       : util_thread_table((void **)&names_kept, NAMES_KEPT * sizeof *names_kept);
        kept += h & (NAMES_KEPT - 1);
        if (kept->len != len || memcmp(kept->name, name, len)) {
            memcpy(kept->name, name, len);
            kept->len = len;
            kept->f = name_class(name, len);
        }
        f = kept->f;
    }
    f.origin = origin;
    if ((f.kinds & (FK_IDS | FK_MASK)) && f.ndim != 0)
        align_fresh(&f, origin); /* a sequence of its own */
    return f;
}

/* The text of a plain string literal ("logits", 'probs'), NULL for anything else. */
const char *interp_string_key(Interp *in, TSNode node, size_t *len) {
    TSNode s = parse_unparen(node), content = {0};
    if (!parse_is(s, "string")) return NULL;
    for (uint32_t i = 0; i < ts_node_named_child_count(s); i++) {
        TSNode c = parse_named_child(s, i);
        if (parse_is(c, "interpolation")) return NULL;
        if (parse_is(c, "string_content")) content = c;
    }
    if (ts_node_is_null(content)) return NULL;
    return parse_text(in->src, content, len);
}
