#include "parse.h"

const TSLanguage *tree_sitter_python(void);

ParseStatus parse_python(Parsed *out, const Source *src) {
    memset(out, 0, sizeof *out);
    TSParser *parser = ts_parser_new();
    if (!parser || !ts_parser_set_language(parser, tree_sitter_python())) {
        if (parser) ts_parser_delete(parser);
        return PARSE_ERR;
    }
    /* tree-sitter takes a uint32_t length; larger inputs are refused upstream. */
    out->tree = ts_parser_parse_string(parser, NULL, src->text, (uint32_t)src->len);
    ts_parser_delete(parser);
    if (!out->tree) return PARSE_ERR;
    out->root = ts_tree_root_node(out->tree);
    out->src = src;
    out->has_error = ts_node_has_error(out->root);
    return PARSE_OK;
}

void parse_free(Parsed *p) {
    if (p->tree) ts_tree_delete(p->tree);
    memset(p, 0, sizeof *p);
}

bool parse_first_error(const Parsed *p, size_t *byte) {
    if (!p->has_error) return false;
    TSNode n = p->root;
    for (;;) {
        if (ts_node_is_error(n) || ts_node_is_missing(n)) {
            *byte = ts_node_start_byte(n);
            return true;
        }
        bool descended = false;
        uint32_t count = ts_node_child_count(n);
        for (uint32_t i = 0; i < count; i++) {
            TSNode c = ts_node_child(n, i);
            if (ts_node_has_error(c)) {
                n = c;
                descended = true;
                break;
            }
        }
        if (!descended) {
            *byte = ts_node_start_byte(n);
            return true;
        }
    }
}

const char *parse_text(const Source *src, TSNode n, size_t *len) {
    uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
    *len = b - a;
    return src->text + a;
}

bool parse_text_eq(const Source *src, TSNode n, const char *s) {
    size_t len;
    const char *t = parse_text(src, n, &len);
    return strlen(s) == len && memcmp(t, s, len) == 0;
}

TSNode parse_field(TSNode n, const char *field) {
    return ts_node_child_by_field_name(n, field, (uint32_t)strlen(field));
}

TSNode parse_unparen(TSNode n) {
    while (parse_is(n, "parenthesized_expression") && ts_node_named_child_count(n) == 1)
        n = ts_node_named_child(n, 0);
    return n;
}
