/* realdir: realpath for the files of a directory walk, at one lstat per new directory.
 *
 * glibc's realpath resolves every component of a path with a system call (a readlink each),
 * and a run asks for the canonical path of every file it checks. A walk visits directories
 * depth first, so the directories asked for last are the new one's ancestors: a directory that
 * is no symbolic link is canonical as its parent's canonical path joined with its name. A path
 * this cannot tell (a link, "." or ".." or an empty component) goes to realpath. */
#ifndef LOGITLINT_REALDIR_H
#define LOGITLINT_REALDIR_H

typedef struct RealDirs RealDirs;

/* cwd: the working directory's canonical path (NULL: relative paths go to realpath). */
RealDirs *realdir_new(const char *cwd);
void realdir_free(RealDirs *r);
/* realpath(path, NULL): malloc'd, NULL when it cannot be resolved. */
char *realdir_path(RealDirs *r, const char *path);
/* The same for a path that lstat has found to be there and no symbolic link (a walk's). */
char *realdir_path_plain(RealDirs *r, const char *path);

#endif
