/* The symbol-id table of facts_syms.h, built once for the Python grammar. */
#include "facts_syms.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const TSLanguage *tree_sitter_python(void);

static uint8_t *kind_of; /* [symbol id] -> SymKind */
static uint32_t nsymbols;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Every symbol of that name, named or not, as comparing ts_node_type() with it would match. */
static void build(void) {
    static const char *const names[SYM_COUNT] = {
#define SYMS_NAME(e, name) [SYM_##e] = name,
        SYMS_LIST(SYMS_NAME)
#undef SYMS_NAME
    };
    const TSLanguage *lang = tree_sitter_python();
    nsymbols = ts_language_symbol_count(lang);
    kind_of = util_xcalloc(nsymbols ? nsymbols : 1, 1);
    for (uint32_t s = 0; s < nsymbols; s++) {
        const char *name = ts_language_symbol_name(lang, (TSSymbol)s);
        for (int k = 1; name && k < SYM_COUNT; k++)
            if (!strcmp(name, names[k])) kind_of[s] = (uint8_t)k;
    }
}

SymKind syms_kind(TSNode n) {
    pthread_once(&once, build);
    if (ts_node_is_null(n)) return SYM_OTHER;
    TSSymbol s = ts_node_symbol(n);
    return s < nsymbols ? (SymKind)kind_of[s] : SYM_OTHER;
}
