/* project: the other files of the analysed project that one file's analysis reads. Imports
 * that name a module of the project (relative, or absolute from a directory above the file)
 * load that module: its top-level definitions (functions, classes, constants, its own imports
 * and re-exports) become what the imported names hold, and its functions run at this file's
 * call sites as the file's own do. Those modules are read, never reported: what their code
 * does for a call of this file is reported at that call (lint_sites.c).
 *
 * What an analysis changes lives in one ProjectFile per analysed file; what the run shares
 * (parses, and what a module's top level leaves where that depends on nothing of the importer:
 * project_summary.h) is read only. Results never depend on which thread analysed what, or in
 * which order. */
#ifndef LOGITLINT_PROJECT_H
#define LOGITLINT_PROJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <tree_sitter/api.h>

#include "bounds.h"
#include "hash.h"
#include "parse.h"
#include "source.h"
#include "util.h"

typedef struct ProjectFile ProjectFile;
typedef struct ProjectCache ProjectCache;

/* Bounds on what one file's analysis reads of the rest of its project. */
enum {
    PROJECT_MAX_MODULES = 64,
    PROJECT_MAX_MODULE_BYTES = 2 << 20,
    /* source one file's analysis parses, its own and its modules': within its memory budget */
    PROJECT_MAX_BYTES = BOUND_MAX_SOURCE,
    PROJECT_MAX_STEPS = 1000000, /* interpreter steps spent in other files' code */
    PROJECT_MAX_ANCESTORS = 8,   /* directories above a file searched for absolute imports */
    PROJECT_CACHE_BYTES = 24 << 20, /* parsed modules kept for the run (trees and texts) */
};

/* What one file's analysis asked of the file system about the rest of its project, with the
 * answer it got: a result cache may reuse the file's findings only while every answer is the
 * same (project_asks_hold). */
typedef enum {
    PROJECT_ASK_MODULE,   /* which file is module `question` (base.py, base/__init__.py)? */
    PROJECT_ASK_REALPATH, /* the canonical path of `question` */
    PROJECT_ASK_READ,     /* the text of file `question`: answer its path as shown, text
                             project_text_hash */
    PROJECT_ASK_SELF,     /* the analysed file is `question` as given, `answer` canonical: the same
                             text elsewhere imports other modules */
    PROJECT_ASK_SEARCH,   /* which file does an absolute import name, searched from a directory
                             upwards to the repository's root? `question` is "dotted\ndir" */
    PROJECT_ASK_EXEC,     /* which file does an import of the code the verifier ran name (cex.h)?
                             `question` is "level\ndotted\nimporter's canonical path" */
    PROJECT_ASK_KINDS
} ProjectAskKind;

typedef struct ProjectAsk {
    uint32_t kind;
    char *question;
    char *answer; /* NULL: nothing there (READ: it could not be read) */
    Hash128 text;
} ProjectAsk;

typedef Array(ProjectAsk) ProjectAsks;
void project_asks_free(ProjectAsks *asks);
void project_asks_copy(ProjectAsks *to, const ProjectAsks *from); /* to: a new list */

/* project_cache.c: the modules read in one run, shared by its threads (thread-safe). The
 * hashes of the texts read are keyed with text_key (16 bytes), so that a text made to collide
 * with another cannot be computed without it; NULL: no result cache keeps the asks, the texts
 * are not hashed (their READ asks' text is zero; 2% of a cold run's instructions). */
ProjectCache *project_cache_new(const uint8_t *text_key);
/* A memo of the texts' hashes kept between runs (cache_stat.h): a module that an entry read is
 * then checked unchanged by its file's identity, without reading it. */
struct CacheStat;
void project_cache_use_stats(ProjectCache *c, struct CacheStat *stats);
void project_cache_free(ProjectCache *c);
/* The run's directory listings (dircache.h), which answer whether a candidate module exists:
 * its own, or `dirs` (the caller's, which the directory walk filled) once given. */
struct DirCache;
struct DirCache *project_cache_dirs(ProjectCache *c);
void project_cache_use_dirs(ProjectCache *c, struct DirCache *dirs);
/* One parse of a module, held by the analyses that import it. */
typedef struct ProjectRead ProjectRead;
/* The module whose canonical path is real: its source and syntax tree, the same for every
 * analysis and thread (read only; given back with project_cache_release(*held)); false
 * when it cannot be read or parsed. *read says what was read (kind PROJECT_ASK_READ; the
 * caller frees its strings). */
bool project_cache_get(ProjectCache *c, const char *real, const Source **src, TSTree **tree,
                       ProjectRead **held, ProjectAsk *read);
void project_cache_release(ProjectCache *c, ProjectRead *held);
/* What running the top level of the module held leaves, as every importer sees it
 * (project_summary.h): kept with its parse, for the run; NULL while not known. */
typedef struct ProjectSummary ProjectSummary;
const ProjectSummary *project_cache_summary(ProjectCache *c, ProjectRead *held);
/* Keeps s as held's summary (s then holds its imports' parses) unless it has one already;
 * returns the one kept (s is freed otherwise). */
const ProjectSummary *project_cache_publish(ProjectCache *c, ProjectRead *held, ProjectSummary *s);
/* The parse of the analysed file at real whose text is src's, when the cache keeps one (an
 * import read it): *parsed reads its tree (its src is src), held until released. */
bool project_cache_take(ProjectCache *c, const char *real, const Source *src, Parsed *parsed,
                        ProjectRead **held);
/* The analysis of the file at real is done with its parse of src: the cache keeps it for the
 * analyses that import the file (the first parse dropped), true; false when the file is too
 * large to be imported (the caller frees the parse). */
bool project_cache_give(ProjectCache *c, const char *real, const Source *src, Parsed *parsed);
/* What reading the text at real gave (kind PROJECT_ASK_READ; text NULL: it could not be read),
 * as an import's read records it. */
ProjectAsk project_cache_read_ask(const ProjectCache *c, const char *real, const Source *text);
/* Are two answers the same (NULL: nothing there)? */
bool project_same_answer(const char *a, const char *b);
/* Does the question `was` (kind READ) get the same answer now (read once per run; not parsed)? */
bool project_cache_read_holds(ProjectCache *c, const ProjectAsk *was);
/* find(c, key), computed once per run for each key and find (a copy the caller frees; NULL:
 * none). find may ask c other questions. */
char *project_cache_find(ProjectCache *c, const char *key,
                         char *(*find)(ProjectCache *c, const char *key));
/* Is find(c, key), asked as project_cache_find does, `answer` (NULL: none)? (No copy made: a
 * warm run checks hundreds of thousands of recorded answers.) */
bool project_cache_found(ProjectCache *c, const char *key,
                         char *(*find)(ProjectCache *c, const char *key), const char *answer);

/* project_text.c: the hash (under key, 16 bytes) of a module's text that an importer's cached
 * analysis depends on: the text with its comment lines emptied and its empty last lines dropped
 * (project_code_text, a malloc'd copy of *out_len bytes), which an importer's analysis never
 * reads. */
Hash128 project_text_hash(const uint8_t key[16], const char *text, size_t len);
char *project_code_text(const char *text, size_t len, size_t *out_len);

/* Does the dotted module name a library the facts layer models (torch, transformers, ...),
 * never a module of the project even where the project has a directory of that name? */
bool project_is_library(const char *dotted);

/* For the file at path (as given on the command line), whose source is src: src->peers then
 * names the project's files the analysis reads, from cache. */
ProjectFile *project_file_new(const char *path, Source *src, ProjectCache *cache);
void project_file_free(ProjectFile *pf);
/* The analysed file's parse (src: its source): the run's, when an import has parsed the same
 * text; else parsed here. PARSE_ERR (budget->hit set when a bound stopped it) as parse.h. */
ParseStatus project_file_parse(ProjectFile *pf, Parsed *parsed, const Source *src,
                               struct Budget *budget);
/* Its analysis is done with the parse: given to the run's modules, or freed. */
void project_file_parse_done(ProjectFile *pf, Parsed *parsed);
/* What this file's analysis asked of the file system, each question once, sorted: what a
 * result cache must check besides the file itself (none: the file imports nothing of the
 * project). */
const ProjectAsks *project_file_asks(ProjectFile *pf);
/* Does every question still get the answer it got (asked through the run's cache c), for the
 * file at path? */
bool project_asks_hold(ProjectCache *c, const ProjectAsk *asks, size_t n, const char *path);

#endif
