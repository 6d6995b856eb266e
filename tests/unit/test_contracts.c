/* The contract table's invariants: rows are unambiguous within a library and form, every row can
 * be reached and applied in the forms it names, every op has a meaning and a row, qualified names
 * resolve through the library root, and the prefilter's literals include every row whose op makes
 * the event a rule reads. */
#include <stdio.h>
#include <string.h>

#include "contracts.h"
#include "facts_internal.h"
#include "harness.h"
#include "prefilter.h"
#include "rules.h"

#define FOR_ROWS(t, c)                                                                             \
    for (const Contract *const *t = contracts_tables; *t; t++)                                     \
        for (const Contract *c = *t; c->name; c++)

START_TEST(rows_are_unique_within_a_library_and_form) {
    FOR_ROWS(t, a) {
        FOR_ROWS(u, b) {
            if (a >= b || strcmp(a->name, b->name) != 0) continue;
            /* the same name twice: only as library functions of disjoint libraries */
            unsigned shared = a->forms & b->forms;
            bool clash = (shared & ~FORM_FUNC) || ((shared & FORM_FUNC) && (a->libs & b->libs));
            ck_assert_msg(!clash, "two rows %s (tables %s and %s) share a form and library",
                          a->name, contracts_table_names[t - contracts_tables],
                          contracts_table_names[u - contracts_tables]);
        }
    }
}
END_TEST

/* Ops whose transfer reads the receiver of a method (facts_call_op.c, contracts.h OPS_RECEIVER):
 * no library function. */
static bool reads_receiver(unsigned op) {
    switch (op) {
        OPS_RECEIVER(OP_CASE)
        return true;
    default:
        return false;
    }
}

/* A model's methods facts_call.c applies (on a model, or by a bare-name fallback). */
static bool model_method(unsigned op) {
    return op == OP_GENERATE || op == OP_TRANSITION_SCORES || op == OP_WRAP_MODEL ||
           op == OP_FLAX_APPLY || op == OP_MODEL_CALL || op == OP_ONNX_RUN;
}

/* Each form is dispatched to some ops only (facts_call.c): a row naming another is dead. */
static bool form_applies(unsigned form, unsigned op) {
    switch (form) {
    case FORM_FUNC:
        return !reads_receiver(op);
    case FORM_TENSOR:
        return contracts_is_array_op(op);
    case FORM_UNKNOWN: /* a tensor's method, or a model's, on a receiver nothing is known of;
                          one handing back its argument's elements (gather_for_metrics) */
        return contracts_is_array_op(op) || model_method(op) || op == OP_LIST;
    case FORM_MODEL:
        return model_method(op);
    case FORM_TOKENIZER:
        return contracts_is_hf_op(op);
    case FORM_MODULE: /* the module itself; keras's compile: its loss applied; predict, fit,
                         evaluate: run */
        return op == OP_PASS || op == OP_TO_TENSOR || op == OP_RETURNS_SELF ||
               op == OP_KERAS_COMPILE || op == OP_LAYER_ADD || op == OP_MODEL_CALL ||
               op == OP_KERAS_RUN;
    case FORM_ANY_RECV:
        return op == OP_APPEND || op == OP_EXTEND || op == OP_BACKWARD || op == OP_ARGUMENTS;
    case FORM_MAPPING: /* read by the padding domain only */
        return op == OP_PAD_ONLY;
    case FORM_ENCODING:
        return op == OP_RETURNS_SELF;
    case FORM_DISTRIBUTION:
        return op == OP_LOG_PROB || op == OP_SAMPLE;
    case FORM_UNKNOWN_FN: /* a function nothing is known of, called: flax's apply_fn */
        return op == OP_FLAX_APPLY;
    case FORM_VALUES: /* a dict known by its values */
        return op == OP_ELEMENT || op == OP_RETURNS_SELF || op == OP_ITEMS;
    case FORM_CALLED: /* the method an object of the file's class is called by */
        return op == OP_MODEL_CALL;
    case FORM_STRING: /* a string literal's methods */
        return op == OP_JOIN_TEXT;
    case FORM_DATASET: /* a tf.data dataset's: the same batches */
        return op == OP_DATASET_STEP;
    default:
        return false;
    }
}

START_TEST(every_row_is_reachable_in_its_forms) {
    FOR_ROWS(t, c) {
        ck_assert_msg(c->forms, "row %s has no form", c->name);
        ck_assert_msg(c->op > OP_NONE && c->op < OP_COUNT, "row %s: no op", c->name);
        ck_assert_msg(!(c->forms & FORM_FUNC) || c->libs, "row %s: a function of no library",
                      c->name);
        ck_assert_msg((c->forms & FORM_FUNC) || !c->libs, "row %s: libraries but no function",
                      c->name);
        for (unsigned f = 1; f <= FORM_LAST; f <<= 1)
            ck_assert_msg(!(c->forms & f) || form_applies(f, c->op),
                          "row %s: op %s is never applied in form %#x", c->name,
                          contracts_op_name(c->op), f);
        /* the lookup finds this very row in each of its forms */
        for (unsigned f = FORM_TENSOR; f <= FORM_LAST; f <<= 1)
            if (c->forms & f) ck_assert_ptr_eq(contracts_method(f, c->name, strlen(c->name)), c);
    }
}
END_TEST

START_TEST(every_op_has_a_meaning_and_a_row) {
    for (unsigned op = OP_NONE + 1; op < OP_COUNT; op++) {
        ck_assert_msg(contracts_op_name(op) != NULL, "op %u has no name", op);
        bool used = false;
        FOR_ROWS(t, c) used |= c->op == op;
        ck_assert_msg(used, "op %s is in no row", contracts_op_name(op));
        int families = contracts_is_array_op(op) + contracts_is_hf_op(op);
        ck_assert_int_le(families, 1);
    }
    ck_assert_ptr_null(contracts_op_name(OP_COUNT));
}
END_TEST

static unsigned op_of(const char *qual) {
    const Contract *c = contracts_func(qual);
    return c ? c->op : OP_NONE;
}

START_TEST(qualified_names_resolve_through_the_library) {
    static const struct {
        const char *qual;
        unsigned op;
    } resolved[] = {
        {"torch.nn.functional.log_softmax", OP_LOG_SOFTMAX},
        {"scipy.special.logsumexp", OP_LOGSUMEXP},
        {"math.fsum", OP_SUM},
        {"statistics.mean", OP_MEAN},
        {"torch.range", OP_ARANGE}, /* a tensor library's range */
        {"builtins.range", OP_RANGE},
        {"numpy.multiply.reduce", OP_UFUNC_REDUCE},
        {"functools.reduce", OP_FOLD},
        {"torch.nn.functional.pad", OP_PAD_ARRAY},
        {"transformers.AutoTokenizer.pad", OP_PAD_BATCH},
        {"transformers.AutoModel.from_pretrained", OP_FROM_PRETRAINED},
        {"llama_cpp.Llama", OP_MODEL},
        /* facts_use.c's rows: a sum over exp() compared with ones */
        {"numpy.testing.assert_allclose", OP_CLOSE},
        {"tensorflow.debugging.assert_near", OP_CLOSE},
        {"math.isclose", OP_CLOSE},
        {"jax.numpy.ones_like", OP_ONES},
        /* the name alone is not enough where the row names its library */
        {"mylib.partial", OP_NONE},
        {"mylib.Llama", OP_NONE},
        {"mylib.log_softmax", OP_NONE},
        {"math.softmax", OP_NONE},
        {"mylib.allclose", OP_NONE},
        {"math.ones", OP_NONE},
    };
    for (size_t i = 0; i < sizeof resolved / sizeof *resolved; i++)
        ck_assert_msg(op_of(resolved[i].qual) == resolved[i].op, "%s: op %s, expected %s",
                      resolved[i].qual, contracts_op_name(op_of(resolved[i].qual)),
                      contracts_op_name(resolved[i].op));
    ck_assert_uint_eq(contracts_lib_of("tensorflow.nn"), LIB_TF);
    ck_assert_uint_eq(contracts_lib_of("torchvision.ops"), 0);
    /* methods by the receiver's kind */
    ck_assert_uint_eq(contracts_method(FORM_TENSOR, "view", 4)->op, OP_RESHAPE);
    ck_assert_ptr_null(contracts_method(FORM_TENSOR, "generate", 8));
    ck_assert_uint_eq(contracts_method(FORM_MODEL, "generate", 8)->op, OP_GENERATE);
    ck_assert_uint_eq(contracts_method(FORM_MODULE, "eval", 4)->op, OP_RETURNS_SELF);
    ck_assert_ptr_null(contracts_method(FORM_TOKENIZER, "range", 5));
    /* a tokenizer's batch has to(device), not a tensor's cuda() or cpu() */
    ck_assert_uint_eq(contracts_method(FORM_ENCODING, "to", 2)->op, OP_RETURNS_SELF);
    ck_assert_ptr_null(contracts_method(FORM_ENCODING, "cuda", 4));
    ck_assert_uint_eq(contracts_method(FORM_TENSOR, "cuda", 4)->op, OP_PASS);
    ck_assert_uint_eq(contracts_method(FORM_TENSOR, "allclose", 8)->op, OP_CLOSE);
    ck_assert_uint_eq(contracts_method(FORM_TENSOR, "exp_", 4)->op, OP_EXP);
    /* a distribution's methods by what built the receiver, never by the name alone */
    ck_assert_uint_eq(contracts_method(FORM_DISTRIBUTION, "log_prob", 8)->op, OP_LOG_PROB);
    ck_assert_uint_eq(contracts_method(FORM_DISTRIBUTION, "sample", 6)->op, OP_SAMPLE);
    ck_assert_ptr_null(contracts_method(~0u & ~FORM_DISTRIBUTION, "log_prob", 8));
    ck_assert_ptr_null(contracts_method(~0u & ~FORM_DISTRIBUTION, "sample", 6));
    ck_assert_ptr_null(contracts_func("torch.distributions.log_prob"));
    /* flax's apply: a model's method, and a bare-name fallback on what nothing is known of */
    ck_assert_uint_eq(contracts_method(FORM_MODEL, "apply", 5)->op, OP_FLAX_APPLY);
    ck_assert_uint_eq(contracts_method(FORM_UNKNOWN, "apply_fn", 8)->op, OP_FLAX_APPLY);
    ck_assert_uint_eq(contracts_method(FORM_UNKNOWN_FN, "apply_fn", 8)->op, OP_FLAX_APPLY);
    ck_assert_ptr_null(contracts_method(FORM_UNKNOWN_FN, "apply", 5));
    ck_assert_ptr_null(contracts_method(FORM_TENSOR | FORM_TOKENIZER, "apply", 5));
    ck_assert_ptr_null(contracts_func("jax.apply"));
    /* a model's own forward: on a model, by the bare-name fallback on an unknown object, and
     * as what calling an object of the file's class runs; never a tensor's or a tokenizer's */
    ck_assert_uint_eq(contracts_method(FORM_MODEL, "forward", 7)->op, OP_MODEL_CALL);
    ck_assert_uint_eq(contracts_method(FORM_UNKNOWN, "forward", 7)->op, OP_MODEL_CALL);
    ck_assert_ptr_nonnull(contracts_method(FORM_CALLED, "forward", 7));
    ck_assert_ptr_null(
        contracts_method(~0u & ~(FORM_MODEL | FORM_UNKNOWN | FORM_CALLED), "forward", 7));
    ck_assert_ptr_null(contracts_method(FORM_CALLED, "__call__", 8));
    /* a dict's get and values: only on values no tensor method names */
    ck_assert_uint_eq(contracts_method(FORM_VALUES, "get", 3)->op, OP_ELEMENT);
    ck_assert_ptr_null(contracts_method(FORM_TENSOR | FORM_UNKNOWN, "get", 3));
    /* backward observes any receiver; flax's TrainState.create is a function of flax only */
    ck_assert_uint_eq(contracts_method(FORM_ANY_RECV, "backward", 8)->op, OP_BACKWARD);
    ck_assert_uint_eq(op_of("flax.training.train_state.TrainState.create"), OP_TRAIN_STATE);
    ck_assert_uint_eq(op_of("jax.create"), OP_NONE);
}
END_TEST

/* What a scan of every row in table order finds: the first row of that name in one of the forms
 * whose libraries include lib (0: any). */
static const Contract *scanned(unsigned forms, uint32_t lib, const char *name, size_t len) {
    FOR_ROWS(t, c) {
        if ((c->forms & forms) && (!lib || (c->libs & lib)) && strlen(c->name) == len &&
            !memcmp(c->name, name, len))
            return c;
    }
    return NULL;
}

/* The index by name (contracts.c) finds what the scan finds, for every row's name in every
 * form and library, and nothing for other names, prefixes or a name cut short. */
START_TEST(the_name_index_finds_what_a_scan_finds) {
    static const char *const roots[] = {"torch",     "numpy",      "scipy",    "jax",
                                        "flax",      "optax",      "mlx",      "tensorflow",
                                        "math",      "statistics", "builtins", "functools",
                                        "llama_cpp", "tiktoken",   "sklearn"};
    FOR_ROWS(t, c) {
        size_t len = strlen(c->name);
        for (unsigned f = FORM_TENSOR; f <= FORM_LAST; f <<= 1)
            ck_assert_ptr_eq(contracts_method(f, c->name, len), scanned(f, 0, c->name, len));
        ck_assert_ptr_eq(contracts_method(~0u, c->name, len), scanned(~0u, 0, c->name, len));
        for (size_t r = 0; r < sizeof roots / sizeof *roots; r++) {
            char qual[128];
            snprintf(qual, sizeof qual, "%s.x.%s", roots[r], c->name);
            uint32_t lib = contracts_lib_of(qual);
            ck_assert_uint_ne(lib, 0);
            const Contract *want = scanned(FORM_FUNC, lib, c->name, len);
            if (!want) want = scanned(FORM_FUNC, LIB_ANY, c->name, len);
            ck_assert_ptr_eq(contracts_func(qual), want);
        }
        /* the name followed by more: only its first len characters are the name */
        char longer[128];
        snprintf(longer, sizeof longer, "%s_no_such_suffix", c->name);
        ck_assert_ptr_eq(contracts_method(~0u, longer, len), scanned(~0u, 0, c->name, len));
        ck_assert_ptr_null(contracts_method(~0u, longer, strlen(longer)));
        if (len > 1) {
            const Contract *cut = scanned(~0u, 0, c->name, len - 1);
            ck_assert_ptr_eq(contracts_method(~0u, c->name, len - 1), cut);
        }
    }
    ck_assert_ptr_null(contracts_method(~0u, "", 0));
    ck_assert_ptr_null(contracts_func("torch.no_such_function"));
}
END_TEST

static bool has(const char **lits, const char *s) {
    for (const char **l = lits; *l; l++)
        if (!strcmp(*l, s)) return true;
    return false;
}

/* Each rule's literal groups hold its own literals and the names of every row whose op it
 * lists: a library function added as a row can never make the prefilter skip a file. */
START_TEST(prefilter_literals_come_from_the_rows) {
    for (size_t i = 0; i < rules_count; i++) {
        const Rule *r = rules_registry[i];
        const char **lits = prefilter_rule_literals(r);
        for (const char *const *l = r->literals; l && *l; l++)
            ck_assert_msg(has(lits, *l), "%s lost its literal %s", r->code, *l);
        for (const uint8_t *op = r->literal_ops; op && *op != OP_COUNT; op++) {
            if (*op == OP_NONE) continue;
            bool rows = false;
            FOR_ROWS(t, c) {
                if (c->op != *op) continue;
                rows = true;
                ck_assert_msg(has(lits, c->name), "%s: row %s not a literal", r->code, c->name);
            }
            ck_assert_msg(rows, "%s lists op %s, which no row has", r->code,
                          contracts_op_name(*op));
        }
        free(lits);
    }
    /* LL108's groups stay two: a cross-entropy and something that makes probabilities */
    const char **lits = prefilter_rule_literals(rules_find("LL108"));
    int groups = 1;
    for (const char **l = lits; *l; l++)
        groups += !**l;
    ck_assert_int_eq(groups, 2);
    ck_assert(has(lits, "CrossEntropyLoss") && has(lits, "sigmoid"));
    free(lits);
}
END_TEST

/* The padding domain's columns (facts_pad.c, facts_regions.c): every PadOp is in a row, a row
 * that only the padding domain reads says something there, the arguments its transfer reads
 * are where the row says, and the rows resolve by qualified name (a bare name does not). */
START_TEST(padding_columns_are_read_and_resolved) {
    for (unsigned po = PO_NONE + 1; po < PADOP_COUNT; po++) {
        bool used = false;
        FOR_ROWS(t, c) used |= c->pad == po;
        ck_assert_msg(used, "PadOp %u is in no row", po);
    }
    FOR_ROWS(t, c) {
        ck_assert_msg(c->pad < PADOP_COUNT, "row %s: no such PadOp", c->name);
        ck_assert_msg(c->op != OP_PAD_ONLY || c->pad || c->keeps,
                      "row %s: only the padding domain reads it, and it says nothing", c->name);
        if (c->pad == PO_COUNT || c->pad == PO_FIRST_TRUE || c->pad == PO_GATHER)
            ck_assert_msg(c->dim_pos >= 0, "row %s: a transfer along dim with no dim", c->name);
        if (c->pad == PO_GATHER)
            ck_assert_msg(c->idx_pos >= 0, "row %s: a selection with no index", c->name);
    }
    ck_assert_uint_eq(contracts_func("torch.zeros_like")->pad, PO_ZEROS);
    ck_assert_uint_eq(contracts_func("numpy.full")->pad, PO_FULL);
    ck_assert_uint_eq(contracts_func("torch.count_nonzero")->pad, PO_COUNT);
    ck_assert_uint_eq(contracts_func("torch.take_along_dim")->pad, PO_GATHER);
    ck_assert_ptr_null(contracts_func("mylib.zeros"));
    ck_assert_ptr_null(contracts_func("mylib.full_like"));
    ck_assert_ptr_null(contracts_func("mylib.logical_not"));
    ck_assert(contracts_func("torch.LongTensor")->keeps & PK_ALL);
    ck_assert(contracts_method(FORM_TENSOR, "expand", 6)->keeps & PK_INDEX);
    ck_assert_uint_eq(contracts_method(FORM_TENSOR, "new_full", 8)->pad, PO_FULL);
    /* an encoding's items(): a mapping's method, never a list's (facts_call.c's append) */
    ck_assert(contracts_method(FORM_MAPPING, "items", 5)->keeps & PK_ALL);
    ck_assert_ptr_null(contracts_method(FORM_ANY_RECV | FORM_TENSOR, "items", 5));
}
END_TEST

#define FOR_ATTR_ROWS(t, c)                                                                        \
    for (const AttrContract *const *t = contracts_attr_tables; *t; t++)                            \
        for (const AttrContract *c = *t; c->name; c++)

/* A name the row's attribute matches ("*_logits": router_logits). */
static const char *attr_probe(const AttrContract *c, char *buf, size_t n) {
    snprintf(buf, n, "%s%s", c->name[0] == '*' ? "x" : "", c->name + (c->name[0] == '*'));
    return buf;
}

/* Every attribute row is well formed, and found by a receiver meeting its conditions: no row
 * is shadowed by an earlier one of the same name (a dead row). Rows of one name and receiver
 * sit in one table, where their order (the conditional ones first) decides. */
START_TEST(every_attribute_row_is_reachable) {
    bool yields[AY_COUNT] = {0};
    FOR_ATTR_ROWS(t, c) {
        char buf[64];
        const char *name = attr_probe(c, buf, sizeof buf);
        ck_assert_msg(c->recv < AR_COUNT && c->yields < AY_COUNT, "row %s: no receiver/yield",
                      c->name);
        ck_assert_msg(c->ndim <= 3, "row %s: more axes than a row holds", c->name);
        ck_assert_msg(c->yields != AY_ELEMENT || (c->recv == AR_PAIR && c->arg >= 0 && c->arg < 2),
                      "row %s: an element of no pair", c->name);
        ck_assert_msg(!(c->per & AP_PER_TEXT) || c->recv == AR_ENCODING,
                      "row %s: per text, but no encoding's", c->name);
        /* only an output's and an encoding's values line up with positions, and only they are
         * padded batches in the padding domain (facts_pad.c) */
        bool positional = c->recv == AR_OUTPUT || c->recv == AR_ENCODING;
        ck_assert_msg(c->span == AS_POSITIONS || (positional && c->span <= AS_NONE),
                      "row %s: a span of no output or encoding", c->name);
        ck_assert_msg(!c->pad || positional, "row %s: padded, but no output or encoding", c->name);
        ck_assert_msg(c->pad || (!c->pad_nd && !c->pad_in), "row %s: a rank but no pad", c->name);
        ck_assert_msg(c->yields != AY_NOTHING || (!c->kinds && !c->flags && !c->keep && !c->ndim),
                      "row %s yields nothing, but names what", c->name);
        for (int rank = 0; c->pad && rank < 8; rank++) /* the padding domain finds it */
            if (!c->pad_in || (c->pad_in & AP_RANK(rank))) {
                const AttrContract *p = contracts_attr_pad(c->recv, name, strlen(name), rank);
                ck_assert_msg(p == c, "row %s is shadowed in the padding domain", c->name);
                break;
            }
        yields[c->yields] = true;
        unsigned kinds = c->kinds_any ? c->kinds_any : c->kinds_within;
        const AttrContract *found = contracts_attr(c->recv, name, strlen(name), c->when, kinds);
        ck_assert_msg(found == c, "attribute row %s (table %s, receiver %u) is dead", c->name,
                      contracts_attr_table_names[t - contracts_attr_tables], c->recv);
        FOR_ATTR_ROWS(u, d) {
            if (u != t && d->recv == c->recv && !strcmp(d->name, c->name))
                ck_assert_msg(0, "attribute %s of receiver %u in tables %s and %s", c->name,
                              c->recv, contracts_attr_table_names[t - contracts_attr_tables],
                              contracts_attr_table_names[u - contracts_attr_tables]);
        }
    }
    for (unsigned y = 0; y < AY_COUNT; y++)
        ck_assert_msg(yields[y], "yield %u is in no row", y);
}
END_TEST

START_TEST(attributes_resolve_by_receiver_and_conditions) {
    const AttrContract *c = contracts_attr(AR_OUTPUT, "scores", 6, FF_BEAM, 0);
    ck_assert(c && c->kinds == FK_LOGPROB); /* a beam search's scores: log-probs */
    c = contracts_attr(AR_OUTPUT, "scores", 6, 0, 0);
    ck_assert(c && c->kinds == FK_RAW);
    c = contracts_attr(AR_OUTPUT, "logits", 6, FF_NOTLM | FF_GENERATE, 0);
    ck_assert(c && c->yields == AY_HEAD_LOGITS); /* the first row that holds */
    ck_assert_ptr_nonnull(contracts_attr(AR_OUTPUT, "router_logits", 13, 0, 0));
    ck_assert_ptr_null(contracts_attr(AR_OUTPUT, "_logits", 7, 0, 0));
    ck_assert_ptr_null(contracts_attr(AR_ENCODING, "logits", 6, 0, 0));
    ck_assert_ptr_nonnull(contracts_attr(AR_TENSOR, "values", 6, 0, FK_MAXV | FK_RAW));
    ck_assert_ptr_null(contracts_attr(AR_TENSOR, "values", 6, 0, FK_RAW));
    /* one step's API record: .logprob of a record that is no log-prob tensor is no row */
    ck_assert_ptr_nonnull(contracts_attr(AR_UNKNOWN, "logprob", 7, FF_STEPVAR, 0));
    ck_assert_ptr_null(contracts_attr(AR_UNKNOWN, "logprob", 7, FF_STEPVAR, FK_RAW));
    ck_assert_ptr_null(contracts_attr(AR_UNKNOWN, "logprob", 7, 0, 0));
    ck_assert_ptr_null(contracts_attr(AR_UNKNOWN, "scores", 6, 0, 0)); /* names decide */
}
END_TEST

/* The padding domain reads the rows of an output by its rank there: generate()'s (0) has padded
 * sequences, a language model's (3) padded logits, a classifier's (2) no per-position logits. */
START_TEST(padded_attributes_resolve_by_rank) {
    const AttrContract *c = contracts_attr_pad(AR_OUTPUT, "logits", 6, 3);
    ck_assert(c && c->pad == PW_VALUES && c->pad_nd == 3);
    ck_assert_ptr_null(contracts_attr_pad(AR_OUTPUT, "logits", 6, 2));
    ck_assert_ptr_null(contracts_attr_pad(AR_OUTPUT, "logits", 6, 0));
    c = contracts_attr_pad(AR_OUTPUT, "sequences", 9, 0);
    ck_assert(c && c->pad == PW_IDS && c->span == AS_SEQUENCES);
    ck_assert_ptr_null(contracts_attr_pad(AR_OUTPUT, "sequences", 9, 3));
    c = contracts_attr_pad(AR_OUTPUT, "last_hidden_state", 17, 2);
    ck_assert(c && c->pad == PW_VALUES && c->yields == AY_NOTHING);
    ck_assert_ptr_null(contracts_attr_pad(AR_OUTPUT, "router_logits", 13, 3));
    ck_assert_uint_eq(contracts_attr_pad(AR_ENCODING, "attention_mask", 14, 0)->pad, PW_REALMASK);
    ck_assert_ptr_null(contracts_attr_pad(AR_ENCODING, "labels", 6, 0));
    ck_assert_ptr_null(contracts_attr_pad(AR_MODEL, "scores", 6, 0));
    ck_assert_uint_eq(contracts_attr(AR_OUTPUT, "loss", 4, 0, 0)->span, AS_NONE);
}
END_TEST

/* Hugging Face's class-name conventions (from_pretrained): each part once, each row says
 * something, and no tokenizer row is shadowed by an earlier one whose part it contains (the
 * first tokenizer row a name matches decides). */
START_TEST(hf_class_names_are_unique_and_reachable) {
    for (const HfClassName *a = contracts_hf_class_names; a->part; a++) {
        ck_assert_msg(*a->part, "an empty class-name part");
        ck_assert_msg(a->says || a->unsays || a->flags, "class-name part %s says nothing", a->part);
        ck_assert_msg(!(a->says & a->unsays), "class-name part %s says and unsays", a->part);
        for (const HfClassName *b = contracts_hf_class_names; b < a; b++) {
            ck_assert_msg(strcmp(a->part, b->part) != 0, "class-name part %s twice", a->part);
            ck_assert_msg(!((a->says & b->says & HN_TOKENIZER) && strstr(a->part, b->part)),
                          "tokenizer part %s is shadowed by %s", a->part, b->part);
        }
    }
}
END_TEST

int main(void) {
    Suite *s = suite_create("contracts");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, rows_are_unique_within_a_library_and_form);
    tcase_add_test(tc, every_row_is_reachable_in_its_forms);
    tcase_add_test(tc, every_op_has_a_meaning_and_a_row);
    tcase_add_test(tc, qualified_names_resolve_through_the_library);
    tcase_add_test(tc, the_name_index_finds_what_a_scan_finds);
    tcase_add_test(tc, prefilter_literals_come_from_the_rows);
    tcase_add_test(tc, padding_columns_are_read_and_resolved);
    tcase_add_test(tc, every_attribute_row_is_reachable);
    tcase_add_test(tc, attributes_resolve_by_receiver_and_conditions);
    tcase_add_test(tc, padded_attributes_resolve_by_rank);
    tcase_add_test(tc, hf_class_names_are_unique_and_reachable);
    suite_add_tcase(s, tc);
    return harness_main(s);
}
