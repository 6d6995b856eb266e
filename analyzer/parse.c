#include "parse.h"

#include "bounds.h"
#include "util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

const TSLanguage *tree_sitter_python(void);

typedef struct ParseInput {
    const Source *src;
    Budget *budget;
    unsigned progress_calls;
} ParseInput;

static const char *parse_read(void *payload, uint32_t byte, TSPoint pos, uint32_t *bytes_read) {
    const Source *src = ((ParseInput *)payload)->src;
    (void)pos;
    if (byte >= src->len) {
        *bytes_read = 0;
        return "";
    }
    *bytes_read = (uint32_t)(src->len - byte);
    return src->text + byte;
}

/* Called by tree-sitter every hundred or so parse operations: true stops the parse. Reading a
 * thread's CPU clock is a system call, so it is read on every 64th call only (a few hundred
 * microseconds of parsing apart). */
static bool parse_progress(TSParseState *state) {
    ParseInput *in = state->payload;
    if (!in->budget || in->progress_calls++ % 64) return false;
    return bounds_out_of_time(in->budget);
}

ParseStatus parse_python(Parsed *out, const Source *src) {
    return parse_python_within(out, src, NULL);
}

ParseStatus parse_python_within(Parsed *out, const Source *src, Budget *budget) {
    memset(out, 0, sizeof *out);
    tsarena_enter(&out->arena);
    TSParser *parser = ts_parser_new();
    if (!parser || !ts_parser_set_language(parser, tree_sitter_python())) {
        if (parser) ts_parser_delete(parser);
        tsarena_leave();
        tsarena_free(&out->arena);
        return PARSE_ERR;
    }
    /* tree-sitter takes a uint32_t length; sources over BOUND_MAX_BYTES are never loaded. */
    ParseInput input = {src, budget, 0};
    TSInput ts_input = {.payload = &input, .read = parse_read, .encoding = TSInputEncodingUTF8};
    TSParseOptions options = {.payload = &input, .progress_callback = parse_progress};
    out->tree = ts_parser_parse_with_options(parser, NULL, ts_input, options);
    ts_parser_delete(parser);
    tsarena_leave();
    if (!out->tree) {
        tsarena_free(&out->arena);
        return PARSE_ERR;
    }
    out->root = ts_tree_root_node(out->tree);
    out->src = src;
    out->has_error = ts_node_has_error(out->root);
    return PARSE_OK;
}

/* Bumped whenever a tree is freed (parse_free, parse_tree_delete): the memo of parse_field
 * forgets what it holds, since a new tree may reuse the freed one's addresses. */
static atomic_uint trees_freed;

void parse_tree_delete(TSTree *tree) {
    atomic_fetch_add(&trees_freed, 1);
    ts_tree_delete(tree);
}

void parse_free(Parsed *p) {
    atomic_fetch_add(&trees_freed, 1);
    tsarena_free(&p->arena); /* the tree with it: no node-by-node release */
    memset(p, 0, sizeof *p);
}

/* Iterative, and a cursor steps from child to child in O(1): deep or wide trees cost no more
 * than their size. */
bool parse_first_error(const Parsed *p, size_t *byte) {
    if (!p->has_error) return false;
    TSTreeCursor cur = ts_tree_cursor_new(p->root);
    for (;;) {
        TSNode n = ts_tree_cursor_current_node(&cur);
        if (ts_node_is_error(n) || ts_node_is_missing(n)) break;
        bool descended = false;
        if (ts_tree_cursor_goto_first_child(&cur)) {
            do {
                if (ts_node_has_error(ts_tree_cursor_current_node(&cur))) {
                    descended = true;
                    break;
                }
            } while (ts_tree_cursor_goto_next_sibling(&cur));
            if (!descended) ts_tree_cursor_goto_parent(&cur);
        }
        if (!descended) break;
    }
    *byte = ts_node_start_byte(ts_tree_cursor_current_node(&cur));
    ts_tree_cursor_delete(&cur);
    return true;
}

const char *parse_text(const Source *src, TSNode n, size_t *len) {
    if (ts_node_is_null(n)) { /* an absent field: no text (tree-sitter would crash on it) */
        *len = 0;
        return src->text;
    }
    src = source_of(src, n.tree); /* a node of another file of the project */
    uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
    *len = b - a;
    return src->text + a;
}

bool parse_text_eq(const Source *src, TSNode n, const char *s) {
    size_t len;
    const char *t = parse_text(src, n, &len);
    return strlen(s) == len && memcmp(t, s, len) == 0;
}

bool parse_same_text(const Source *src, TSNode a, TSNode b) {
    size_t la, lb;
    const char *ta = parse_text(src, a, &la), *tb = parse_text(src, b, &lb);
    return ta && tb && la == lb && !memcmp(ta, tb, la);
}

/* Python field ids by name. tree-sitter finds a field name by a linear scan of all of them with
 * strncmp, and the facts layer asks for fields millions of times per run: an open-addressing
 * table, filled once (pthread_once) and read-only after, so threads share it. */
enum { FIELD_SLOTS = 256 };
static struct {
    const char *name;
    TSFieldId id;
} field_table[FIELD_SLOTS];
static pthread_once_t field_once = PTHREAD_ONCE_INIT;

static unsigned field_hash(const char *s) {
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static void field_table_init(void) {
    const TSLanguage *lang = tree_sitter_python();
    uint32_t count = ts_language_field_count(lang);
    for (uint32_t id = 1; id <= count && id < FIELD_SLOTS / 2; id++) {
        const char *name = ts_language_field_name_for_id(lang, (TSFieldId)id);
        if (!name) continue;
        unsigned k = field_hash(name) % FIELD_SLOTS;
        while (field_table[k].name)
            k = (k + 1) % FIELD_SLOTS;
        field_table[k].name = name;
        field_table[k].id = (TSFieldId)id;
    }
}

/* The last ids found, by the address of the name asked: callers name fields with literals, so
 * most calls end with one pointer compare instead of hashing and comparing the name (3% of a
 * run's instructions; a parent is found from the root down). Per thread: written on every miss. */
enum { FIELD_MEMO = 128 };
static _Thread_local struct {
    const char *field;
    TSFieldId id;
} field_memo[FIELD_MEMO];

static TSFieldId field_id(const char *field) {
    unsigned m = (unsigned)(((uintptr_t)field * 0x9E3779B97F4A7C15ull) >> 57); /* 7 bits */
    if (field_memo[m].field == field) return field_memo[m].id;
    pthread_once(&field_once, field_table_init);
    for (unsigned k = field_hash(field) % FIELD_SLOTS; field_table[k].name;
         k = (k + 1) % FIELD_SLOTS)
        if (!strcmp(field_table[k].name, field)) {
            field_memo[m].field = field;
            field_memo[m].id = field_table[k].id;
            return field_table[k].id;
        }
    return 0;
}

/* The children found last, by node and what was asked (a field by its name's address, a named
 * child by its index, or the parent): the interpreter reads the same children of the same nodes
 * on every call of a function, and tree-sitter walks the node's children for each (fields: 11%
 * of a run's instructions). Per thread, one slot per key; a slot written before a tree was
 * freed anywhere is stale. */
enum { CHILD_FOUND = 1 << 15 };
typedef enum { FOUND_FIELD, FOUND_NAMED, FOUND_PARENT } FoundKind;
/* 48 bytes: the node's tree is not kept (no two live trees share a node's address; the child is
 * in the node's tree), so that more slots fit in the memory (a run's peak RSS is bounded). */
typedef struct ChildFound {
    const void *id;
    uintptr_t asked;  /* the field's name or the named child's index, times 4, plus the kind */
    unsigned freed;   /* trees_freed when written */
    uint32_t context[4];
    const void *child; /* its id (NULL: none) */
} ChildFound;
static _Thread_local ChildFound *child_found; /* CHILD_FOUND slots (util_thread_table) */

static ChildFound *found_slot(TSNode n, uintptr_t asked) {
    ChildFound *table =
        child_found ? child_found
                    : util_thread_table((void **)&child_found, CHILD_FOUND * sizeof *child_found);
    uintptr_t h = ((uintptr_t)n.id ^ asked) * 0x9E3779B97F4A7C15ull;
    return &table[(size_t)(h >> 40) & (CHILD_FOUND - 1)];
}

static void remember(TSNode n, uintptr_t asked, unsigned freed, TSNode child) {
    ChildFound *slot = found_slot(n, asked);
    *slot = (ChildFound){n.id, asked, freed, {0}, child.id};
    memcpy(slot->context, child.context, sizeof slot->context);
}

/* ts_node_parent walks down from the root; each node on the way is the parent of the next, so
 * climbing further up from n costs no more walks. */
static TSNode parent_walk(TSNode n, unsigned freed) {
    TSNode node = ts_tree_root_node(n.tree);
    if (node.id == n.id) return (TSNode){0};
    for (;;) {
        TSNode next = ts_node_child_with_descendant(node, n);
        if (next.id == n.id || ts_node_is_null(next)) return node;
        remember(next, FOUND_PARENT, freed, node);
        node = next;
    }
}

static TSNode field_find(TSNode n, const char *field) {
    TSFieldId id;
    if (ts_node_language(n) != tree_sitter_python() || !(id = field_id(field)))
        return ts_node_child_by_field_name(n, field, (uint32_t)strlen(field));
    return ts_node_child_by_field_id(n, id);
}

/* A child not found in its slot: asked of tree-sitter, and remembered. Out of line, so that a
 * hit in child_of saves and restores no registers for the walks here (child_of's entry and exit
 * were a fifth of its cost). */
static __attribute__((noinline)) TSNode child_missed(TSNode n, FoundKind kind, uintptr_t arg,
                                                     unsigned freed) {
    TSNode child = kind == FOUND_PARENT  ? parent_walk(n, freed)
                   : kind == FOUND_NAMED ? ts_node_named_child(n, (uint32_t)arg)
                                         : field_find(n, (const char *)arg);
    remember(n, arg * 4 + kind, freed, child);
    return child;
}

static TSNode child_of(TSNode n, FoundKind kind, uintptr_t arg) {
    uintptr_t asked = arg * 4 + kind;
    const ChildFound *slot = found_slot(n, asked);
    unsigned freed = atomic_load(&trees_freed);
    if (slot->id != n.id || slot->asked != asked || slot->freed != freed)
        return child_missed(n, kind, arg, freed);
    TSNode child = {{0}, slot->child, slot->child ? n.tree : NULL};
    memcpy(child.context, slot->context, sizeof child.context);
    return child;
}

TSNode parse_field(TSNode n, const char *field) {
    if (!n.id) return ts_node_child_by_field_name(n, field, (uint32_t)strlen(field));
    return child_of(n, FOUND_FIELD, (uintptr_t)field);
}

TSNode parse_named_child(TSNode n, uint32_t i) {
    if (!n.id) return ts_node_named_child(n, i);
    return child_of(n, FOUND_NAMED, i);
}

TSNode parse_parent(TSNode n) {
    if (!n.id) return n;
    return child_of(n, FOUND_PARENT, 0);
}

TSNode parse_enclosing(TSNode n, const char *const *types) {
    TSNode found = {0};
    if (ts_node_is_null(n)) return found;
    TSNode node = ts_tree_root_node(n.tree);
    while (node.id != n.id) { /* node: an ancestor of n, the root first */
        for (const char *const *t = types; *t; t++)
            if (parse_is(node, *t)) found = node;
        node = ts_node_child_with_descendant(node, n);
        if (ts_node_is_null(node)) break;
    }
    return found;
}

TSNode parse_param_name(TSNode p) {
    TSNode id = p;
    if (parse_is(p, "default_parameter") || parse_is(p, "typed_default_parameter"))
        id = parse_field(p, "name");
    else if (parse_is(p, "typed_parameter"))
        id = parse_named_child(p, 0);
    else if (!parse_is(p, "identifier"))
        return (TSNode){0};
    return parse_is(id, "identifier") ? id : (TSNode){0};
}

TSNode parse_unparen(TSNode n) {
    while (parse_is(n, "parenthesized_expression") && ts_node_named_child_count(n) == 1)
        n = parse_named_child(n, 0);
    return n;
}

enum { PARSE_KIDS_INDEXED = 8 };

void parse_kids_begin(ParseKids *k, TSNode n) {
    k->node = n;
    k->next = 0;
    k->count = ts_node_named_child_count(n);
    k->indexed = k->count <= PARSE_KIDS_INDEXED;
    if (k->indexed) return;
    k->cursor = ts_tree_cursor_new(n);
    k->more = ts_tree_cursor_goto_first_child(&k->cursor);
}

bool parse_kids_next(ParseKids *k, TSNode *child) {
    if (k->indexed) {
        if (k->next >= k->count) return false;
        *child = parse_named_child(k->node, k->next++);
        return true;
    }
    while (k->more) {
        TSNode c = ts_tree_cursor_current_node(&k->cursor);
        k->more = ts_tree_cursor_goto_next_sibling(&k->cursor);
        if (ts_node_is_named(c)) {
            *child = c;
            return true;
        }
    }
    return false;
}

void parse_kids_end(ParseKids *k) {
    if (!k->indexed) ts_tree_cursor_delete(&k->cursor);
}

void parse_slice_parts(TSNode slice, TSNode parts[3]) {
    memset(parts, 0, 3 * sizeof *parts);
    int k = 0;
    bool pending = false;
    uint32_t n = ts_node_child_count(slice);
    for (uint32_t i = 0; i < n && k < 3; i++) {
        TSNode c = ts_node_child(slice, i);
        if (!ts_node_is_named(c)) { /* ':' */
            k++;
            pending = false;
            continue;
        }
        if (!pending && !parse_is(c, "comment")) parts[k] = c;
        pending = true;
    }
}
