/* dircache: what is at a path, answered from its directory's listing, read once per run.
 *
 * Resolving the imports of a project asks the file system whether hundreds of thousands of
 * candidate files exist (base.py, base/__init__.py, in every directory up to the repository's
 * root), nearly all of them absent; a warm run asks each again to check its cached answers. One
 * listing per directory answers all the questions about its names, and a directory its parent's
 * listing lacks is never opened. Kinds a listing cannot tell (a symbolic link, a file system
 * that gives no type) are left to the caller's own stat. Like the run's other memos it is not
 * revalidated within the run; the listings the run's directory walk read are given to it
 * (dircache_put), so that a directory is listed once per run, however its path is spelled: a
 * relative path is taken from the working directory the cache was made in (the walk's paths are
 * as the user typed them, the imports' relative to the working directory, the configuration's
 * absolute). Thread-safe. */
#ifndef LOGITLINT_DIRCACHE_H
#define LOGITLINT_DIRCACHE_H

#include <stddef.h>

typedef struct DirCache DirCache;

typedef enum {
    DIRCACHE_NONE,  /* nothing there (lstat would fail) */
    DIRCACHE_FILE,  /* a regular file */
    DIRCACHE_DIR,   /* a directory */
    DIRCACHE_OTHER, /* unknown here (a link, a device, a listing that could not be read):
                       ask the file system */
} DirCacheKind;

DirCache *dircache_new(void);
void dircache_free(DirCache *d);
/* What lstat(path) would find. */
DirCacheKind dircache_kind(DirCache *d, const char *path);

/* A name of a listing and its type as readdir gives it (d_type). */
typedef struct DirCacheName {
    const char *name;
    unsigned char d_type;
} DirCacheName;
/* Gives d the listing of directory dir that a walk read (every name but . and ..), as if it had
 * read it itself; for a directory whose names can be stat'ed (searchable). */
void dircache_put(DirCache *d, const char *dir, const DirCacheName *names, size_t n);

#endif
