/* tempdir: scratch directories and files for the CLI tests (configuration, discovery,
 * notebooks, reports). Header-only: each test_*.c is its own executable. */
#ifndef LOGITLINT_TEST_TEMPDIR_H
#define LOGITLINT_TEMPDIR_H

#define _XOPEN_SOURCE 700 /* mkdtemp, nftw */
#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static inline char *tmp_dir(void) {
    char *t = util_xstrdup("/tmp/logitlint-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(t));
    return t;
}

/* Writes dir/rel (creating its parent directories). */
static inline void tmp_write(const char *dir, const char *rel, const char *text) {
    char *path = util_xasprintf("%s/%s", dir, rel);
    for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
        *p = '\0';
        mkdir(path, 0755);
        *p = '/';
    }
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
    free(path);
}

static inline char *tmp_read(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, len = 0, got;
    char *buf = util_xmalloc(cap);
    while ((got = fread(buf + len, 1, cap - len - 1, f)) > 0)
        if ((len += got) + 1 == cap) buf = util_xrealloc(buf, cap *= 2);
    buf[len] = '\0';
    fclose(f);
    return buf;
}

/* The text of dir/rel (NULL if it cannot be read). */
static inline char *tmp_read_rel(const char *dir, const char *rel) {
    char *path = util_xasprintf("%s/%s", dir, rel);
    char *text = tmp_read(path);
    free(path);
    return text;
}

static inline int tmp_rm_one(const char *p, const struct stat *s, int flag, struct FTW *f) {
    (void)s, (void)flag, (void)f;
    return remove(p);
}

static inline void tmp_remove(char *dir) {
    nftw(dir, tmp_rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

/* A script LL101 flags on line 5 (column 9), and a clean one. */
static const char *const BUGGY_PY = "def score(model, ids):\n"
                                    "    logits = model(ids).logits\n"
                                    "    total = 0\n"
                                    "    for t in range(ids.shape[1] - 1):\n"
                                    "        total += logits[0, t, ids[0, t + 1]]\n"
                                    "    return total\n";
static const char *const CLEAN_PY = "import torch\n"
                                    "\n"
                                    "\n"
                                    "def score(model, ids):\n"
                                    "    logits = model(ids).logits\n"
                                    "    return torch.log_softmax(logits[0, -1], dim=-1).max()\n";

#endif
