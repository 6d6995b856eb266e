/* config: `[tool.logitlint]` in pyproject.toml, or logitlint.toml / .logitlint.toml, parsed with
 * the pinned tree-sitter TOML grammar; found by walking up from each analysed file (the nearest
 * wins). Errors carry `file:line:col`. */
#ifndef LOGITLINT_CONFIG_H
#define LOGITLINT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "contracts.h"
#include "util.h"

typedef Array(char *) ConfigList;

typedef struct ConfigPerFile {
    char *glob;
    ConfigList codes;
} ConfigPerFile;

typedef struct Config {
    char *path; /* the file read */
    char *dir;  /* its absolute directory: patterns are relative to it */
    bool has_select, has_exclude, has_respect_gitignore;
    ConfigList select, extend_select, ignore, exclude, extend_exclude;
    Array(ConfigPerFile) per_file_ignores;
    bool respect_gitignore;
    char *output_format; /* NULL: not set */
    char *cache_dir;     /* NULL: not set; relative to dir unless absolute */
    bool has_fixable;
    /* rules whose fixes --fix may apply, may apply as well, may not apply */
    ConfigList fixable, extend_fixable, unfixable;
    UserContracts contracts; /* [tool.logitlint.contracts] (config_contracts.c) */
} Config;

typedef enum { CONFIG_OK, CONFIG_NONE, CONFIG_ERROR } ConfigStatus;

/* Loads a configuration file. A pyproject.toml without [tool.logitlint] is CONFIG_NONE
 * (unless `required`: --config names it). On CONFIG_ERROR, err holds `file:line:col: message`. */
ConfigStatus config_load(Config *cfg, const char *path, bool required, char *err, size_t errlen);
/* Same, from text (tests). `name` is shown in messages and decides pyproject semantics. */
ConfigStatus config_parse(Config *cfg, const char *name, const char *text, size_t len,
                          bool required, char *err, size_t errlen);
void config_free(Config *cfg);

/* The nearest configuration for files in absolute directory `dir`, cached per directory.
 * NULL: none. Errors are reported once, through `error`. */
typedef struct ConfigResolver ConfigResolver;
/* listings: the run's directory listings (dircache.h), which answer whether a configuration
 * file is in a directory (NULL: a stat per name and directory). */
struct DirCache;
ConfigResolver *config_resolver_new(struct DirCache *listings);
const Config *config_resolve(ConfigResolver *r, const char *dir, bool *error, char *err,
                             size_t errlen);
void config_resolver_free(ConfigResolver *r);

/* Does any pattern match the path relative to the configuration's directory (or, for a
 * pattern without '/', any of its components)? */
bool config_patterns_match(const ConfigList *patterns, const char *rel);

#endif
