/* facts_syms: the node types the interpreter dispatches on, as small integers looked up once per
 * tree-sitter symbol id (a table built on first use), instead of comparing type strings. */
#ifndef LOGITLINT_FACTS_SYMS_H
#define LOGITLINT_FACTS_SYMS_H

#include <tree_sitter/api.h>

/* X(enum suffix, the grammar's node type). */
#define SYMS_LIST(X)                                                                               \
    X(EXPRESSION_STATEMENT, "expression_statement")                                                \
    X(IF_STATEMENT, "if_statement")                                                                \
    X(FOR_STATEMENT, "for_statement")                                                              \
    X(WHILE_STATEMENT, "while_statement")                                                          \
    X(WITH_STATEMENT, "with_statement")                                                            \
    X(TRY_STATEMENT, "try_statement")                                                              \
    X(FUNCTION_DEFINITION, "function_definition")                                                  \
    X(CLASS_DEFINITION, "class_definition")                                                        \
    X(DECORATED_DEFINITION, "decorated_definition")                                                \
    X(RETURN_STATEMENT, "return_statement")                                                        \
    X(IMPORT_STATEMENT, "import_statement")                                                        \
    X(IMPORT_FROM_STATEMENT, "import_from_statement")                                              \
    X(BLOCK, "block")                                                                              \
    X(ASSERT_STATEMENT, "assert_statement")                                                        \
    X(RAISE_STATEMENT, "raise_statement")                                                          \
    X(IDENTIFIER, "identifier")                                                                    \
    X(ATTRIBUTE, "attribute")                                                                      \
    X(SUBSCRIPT, "subscript")                                                                      \
    X(CALL, "call")                                                                                \
    X(BINARY_OPERATOR, "binary_operator")                                                          \
    X(UNARY_OPERATOR, "unary_operator")                                                            \
    X(PARENTHESIZED_EXPRESSION, "parenthesized_expression")                                        \
    X(AWAIT, "await")                                                                              \
    X(KEYWORD_ARGUMENT, "keyword_argument")                                                        \
    X(CONDITIONAL_EXPRESSION, "conditional_expression")                                            \
    X(BOOLEAN_OPERATOR, "boolean_operator")                                                        \
    X(COMPARISON_OPERATOR, "comparison_operator")                                                  \
    X(LIST, "list")                                                                                \
    X(TUPLE, "tuple")                                                                              \
    X(SET, "set")                                                                                  \
    X(EXPRESSION_LIST, "expression_list")                                                          \
    X(LIST_COMPREHENSION, "list_comprehension")                                                    \
    X(GENERATOR_EXPRESSION, "generator_expression")                                                \
    X(SET_COMPREHENSION, "set_comprehension")                                                      \
    X(DICTIONARY_COMPREHENSION, "dictionary_comprehension")                                        \
    X(STRING, "string")                                                                            \
    X(INTEGER, "integer")                                                                          \
    X(FLOAT, "float")                                                                              \
    X(NONE, "none")                                                                                \
    X(TRUE, "true")                                                                                \
    X(FALSE, "false")                                                                              \
    X(NAMED_EXPRESSION, "named_expression")                                                        \
    X(DICTIONARY, "dictionary")                                                                    \
    X(PAIR, "pair")                                                                                \
    X(LAMBDA, "lambda")                                                                            \
    X(YIELD, "yield")                                                                              \
    X(NOT_OPERATOR, "not_operator")                                                                \
    X(LIST_SPLAT, "list_splat")                                                                    \
    X(DICTIONARY_SPLAT, "dictionary_splat")

typedef enum {
    SYM_OTHER, /* a type the interpreter does not dispatch on */
#define SYMS_ENUM(e, name) SYM_##e,
    SYMS_LIST(SYMS_ENUM)
#undef SYMS_ENUM
        SYM_COUNT
} SymKind;

/* The kind of a node's type: exactly the node types whose name is listed above. */
SymKind syms_kind(TSNode n);

#endif
