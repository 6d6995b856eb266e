/* Python's builtins, copy, functools, math and statistics (their array-like names, sum, max, abs,
 * math.log, statistics.mean, are in contracts_array.c). Builtins are matched by bare name from
 * any module too: six.moves, future.builtins and the like re-export them unchanged. */
#include "contracts.h"

const Contract contracts_python[] = {
    {"fsum", LIB_MATH, FORM_ARRAY, OP_SUM, -1, -1},
    {"reduce", LIB_FUNCTOOLS, FORM_FUNC, OP_FOLD, -1, -1},
    {"partial", LIB_FUNCTOOLS, FORM_FUNC, OP_PARTIAL, -1, -1},
    /* copy.deepcopy(ids), copy.copy(batch): the same values (labels = deepcopy(input_ids)) */
    {"deepcopy", LIB_COPY, FORM_FUNC, OP_PASS, -1, -1, .keeps = PK_ALL},
    {"copy", LIB_COPY, FORM_FUNC, OP_PASS, -1, -1, .keeps = PK_ALL},
    {"len", LIB_ANY, FORM_FUNC, OP_LEN, -1, -1},
    {"range", LIB_ANY, FORM_FUNC, OP_RANGE, -1, -1},
    {"enumerate", LIB_ANY, FORM_FUNC, OP_ENUMERATE, -1, -1},
    {"zip", LIB_ANY, FORM_FUNC, OP_ZIP, -1, -1},
    {"map", LIB_ANY, FORM_FUNC, OP_MAP, -1, -1},
    {"list", LIB_ANY, FORM_FUNC, OP_LIST, -1, -1},
    {"tuple", LIB_ANY, FORM_FUNC, OP_LIST, -1, -1},
    {"dict", LIB_ANY, FORM_FUNC, OP_DICT, -1, -1},
    /* transformers' GenerationConfig(k=v, ...): generate(generation_config=) reads its
     * settings as those of a dict(k=v, ...) */
    {"GenerationConfig", LIB_ANY, FORM_FUNC, OP_DICT, -1, -1},
    {"sorted", LIB_ANY, FORM_FUNC, OP_SORTED, -1, -1},
    /* tqdm(loader): a progress bar iterates the very elements it wraps */
    {"tqdm", LIB_ANY, FORM_FUNC, OP_LIST, -1, -1},
    /* argparse: a parser, its arguments' defaults, the namespace of them (facts_argparse.c) */
    {"ArgumentParser", LIB_ANY, FORM_FUNC, OP_ARGUMENTS, -1, -1},
    {"add_argument", 0, FORM_ANY_RECV, OP_ARGUMENTS, -1, -1},
    {"parse_args", 0, FORM_ANY_RECV, OP_ARGUMENTS, -1, -1},
    /* list methods, whatever the receiver holds so far */
    {"append", 0, FORM_ANY_RECV, OP_APPEND, -1, -1},
    {"extend", 0, FORM_ANY_RECV, OP_EXTEND, -1, -1},
    /* a dict (or list) known by its values, which no tensor method names: d.get(k) is one of
     * them, d.values() the same values */
    {"get", 0, FORM_VALUES, OP_ELEMENT, -1, -1},
    {"values", 0, FORM_VALUES, OP_RETURNS_SELF, -1, -1},
    {"items", 0, FORM_VALUES, OP_ITEMS, -1, -1},
    /* loss.backward(), whatever the receiver is known as (torch's Tensor.backward; an engine's
     * backward(loss) is let through the same way): the sum taken for a gradient is no score */
    {"backward", 0, FORM_ANY_RECV, OP_BACKWARD, -1, -1},
    /* str's methods that build text from parts, on a string literal (facts_labels.c: FF_JOINED
     * text, a prompt and its answer tokenized together) */
    {"format", 0, FORM_STRING, OP_JOIN_TEXT, -1, -1},
    {"join", 0, FORM_STRING, OP_JOIN_TEXT, -1, -1},
    /* a dict's items(): of an encoding, its tensors */
    {"items", 0, FORM_MAPPING, OP_PAD_ONLY, -1, -1, .keeps = PK_ALL},
    {NULL, 0, 0, OP_NONE, 0, 0}};
