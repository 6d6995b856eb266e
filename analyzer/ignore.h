/* ignore: gitignore-style patterns (.gitignore, .git/info/exclude, .ignore) and the glob matcher
 * that the configuration's exclude and per-file-ignores patterns share. */
#ifndef LOGITLINT_IGNORE_H
#define LOGITLINT_IGNORE_H

#include <stdbool.h>

#include "util.h"

/* Glob with gitignore's wildmatch rules: `*` and `?` never match '/', `[...]` classes
 * (`[!...]` negated), `\` escapes, and `**` as a whole path segment matches any number of
 * directories (`**` then a slash at the start, between two segments, or `**` at the end). */
bool ignore_glob(const char *pattern, const char *path);

typedef struct IgnoreRule {
    char *glob;
    bool negate, dir_only, anchored; /* anchored: has a '/' before its end: matches the whole
                                        relative path, otherwise the last component */
} IgnoreRule;

typedef struct IgnoreFile {
    char *base; /* absolute directory the patterns are relative to, without trailing '/' */
    int kind;   /* IGNORE_EXCLUDE < IGNORE_GITIGNORE < IGNORE_DOTIGNORE: precedence */
    Array(IgnoreRule) rules;
} IgnoreFile;

enum { IGNORE_EXCLUDE, IGNORE_GITIGNORE, IGNORE_DOTIGNORE };

/* The ignore files in force in one directory of a walk: those of its ancestors and its own.
 * .gitignore and .git/info/exclude count only inside a git work tree (a `.git` in an
 * ancestor); .ignore files always count (as in ripgrep). */
typedef struct IgnoreStack {
    Array(IgnoreFile *) files;
    char *git_root; /* NULL outside a git work tree */
} IgnoreStack;

/* Starts a stack for absolute directory `dir`, loading every ancestor's files. */
void ignore_stack_init(IgnoreStack *s, const char *dir);
/* Loads the own files of `dir` (a child of the top directory) that its listing says it holds
 * (.gitignore, .ignore: the others are not even looked for); returns how many were pushed. */
int ignore_stack_push_listed(IgnoreStack *s, const char *dir, bool gitignore, bool dotignore);
void ignore_stack_pop(IgnoreStack *s, int n);
void ignore_stack_free(IgnoreStack *s);
/* Is absolute path `path` ignored? */
bool ignore_stack_match(const IgnoreStack *s, const char *path, bool is_dir);

/* Parses gitignore text into `f` (exposed for tests). */
void ignore_parse(IgnoreFile *f, const char *text);
/* -1 not matched, 0 matched and re-included (`!`), 1 ignored; `rel` is relative to f->base. */
int ignore_file_match(const IgnoreFile *f, const char *rel, bool is_dir);
void ignore_file_free(IgnoreFile *f);

#endif
