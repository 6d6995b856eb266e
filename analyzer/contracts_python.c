/* Python's builtins, functools, math and statistics (their array-like names, sum, max, abs,
 * math.log, statistics.mean, are in contracts_array.c). Builtins are matched by bare name from
 * any module too: six.moves, future.builtins and the like re-export them unchanged. */
#include "contracts.h"

const Contract contracts_python[] = {
    {"fsum", LIB_MATH, FORM_ARRAY, OP_SUM, -1, -1},
    {"reduce", LIB_FUNCTOOLS, FORM_FUNC, OP_FOLD, -1, -1},
    {"partial", LIB_FUNCTOOLS, FORM_FUNC, OP_PARTIAL, -1, -1},
    {"len", LIB_ANY, FORM_FUNC, OP_LEN, -1, -1},
    {"range", LIB_ANY, FORM_FUNC, OP_RANGE, -1, -1},
    {"enumerate", LIB_ANY, FORM_FUNC, OP_ENUMERATE, -1, -1},
    {"zip", LIB_ANY, FORM_FUNC, OP_ZIP, -1, -1},
    {"map", LIB_ANY, FORM_FUNC, OP_MAP, -1, -1},
    {"list", LIB_ANY, FORM_FUNC, OP_LIST, -1, -1},
    {"tuple", LIB_ANY, FORM_FUNC, OP_LIST, -1, -1},
    {"dict", LIB_ANY, FORM_FUNC, OP_DICT, -1, -1},
    {"sorted", LIB_ANY, FORM_FUNC, OP_SORTED, -1, -1},
    /* tqdm(loader): a progress bar iterates the very elements it wraps */
    {"tqdm", LIB_ANY, FORM_FUNC, OP_LIST, -1, -1},
    /* list methods, whatever the receiver holds so far */
    {"append", 0, FORM_ANY_RECV, OP_APPEND, -1, -1},
    {"extend", 0, FORM_ANY_RECV, OP_EXTEND, -1, -1},
    /* a dict's items(): of an encoding, its tensors */
    {"items", 0, FORM_MAPPING, OP_PAD_ONLY, -1, -1, .keeps = PK_ALL},
    {NULL, 0, 0, OP_NONE, 0, 0}};
