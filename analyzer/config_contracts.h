/* config_contracts: user-declared library contracts, `[tool.logitlint.contracts]` in
 * pyproject.toml (`[contracts]` in logitlint.toml): what a qualified callee returns, in the
 * vocabulary of the built-in table (contracts.h). Called by config.c for the `contracts` key. */
#ifndef LOGITLINT_CONFIG_CONTRACTS_H
#define LOGITLINT_CONFIG_CONTRACTS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "parse.h"

/* One `contracts...` key = value: path holds the key's segments below the configuration's
 * root ("contracts", then the callee's, if the key names it). On error, false with err set to
 * `file:line:col: message`. */
bool config_contracts_setting(Config *cfg, const Source *src, char *const *path, size_t npath,
                              TSNode key, TSNode value, char *err, size_t errlen);

/* config.c's helpers: `file:line:col: message` at node n into err; TOML strings and keys. */
void config_error_at(const Source *src, TSNode n, char *err, size_t errlen, const char *fmt,
                     va_list ap);
char *config_unquote(const Source *src, TSNode n);
void config_key_segments(const Source *src, TSNode key, ConfigList *out);

#endif
