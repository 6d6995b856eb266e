#define _DEFAULT_SOURCE /* lstat */
#include "ignore.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static bool class_match(const char **pp, char c) {
    const char *p = *pp + 1;
    bool negate = *p == '!' || *p == '^';
    if (negate) p++;
    bool hit = false;
    const char *first = p;
    for (; *p && (*p != ']' || p == first); p++) {
        char lo = *p == '\\' && p[1] ? *++p : *p;
        if (p[1] == '-' && p[2] && p[2] != ']') {
            char hi = p[2] == '\\' && p[3] ? p[3] : p[2];
            if (c >= lo && c <= hi) hit = true;
            p += p[2] == '\\' && p[3] ? 3 : 2;
        } else if (c == lo) {
            hit = true;
        }
    }
    if (*p != ']') return false; /* unterminated: no match */
    *pp = p + 1;
    return hit != negate;
}

static bool match_from(const char *p, const char *s, const char *pstart) {
    for (; *p;) {
        if (p[0] == '*' && p[1] == '*' && (p == pstart || p[-1] == '/') && (p[2] == '/' || !p[2])) {
            if (!p[2]) return true;         /* trailing `**`: everything below */
            for (const char *t = s;; t++) { /* `**` followed by a slash: zero or more directories */
                if (match_from(p + 3, t, pstart)) return true;
                t = strchr(t, '/');
                if (!t) return false;
            }
        }
        if (*p == '*') {
            while (*p == '*')
                p++;
            for (const char *t = s;; t++) {
                if (match_from(p, t, pstart)) return true;
                if (!*t || *t == '/') return false;
            }
        }
        if (!*s) return false;
        if (*p == '?') {
            if (*s == '/') return false;
            p++, s++;
        } else if (*p == '[') {
            if (*s == '/' || !class_match(&p, *s)) return false;
            s++;
        } else {
            if (*p == '\\' && p[1]) p++;
            if (*p != *s) return false;
            p++, s++;
        }
    }
    return !*s;
}

bool ignore_glob(const char *pattern, const char *path) {
    return match_from(pattern, path, pattern);
}

void ignore_parse(IgnoreFile *f, const char *text) {
    for (const char *line = text; *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        char *l = util_xstrndup(line, len);
        line += len + (nl ? 1 : 0);
        size_t n = strlen(l);
        if (n && l[n - 1] == '\r') l[--n] = '\0';
        /* Trailing spaces are ignored unless escaped with a backslash. */
        while (n && l[n - 1] == ' ' && !(n >= 2 && l[n - 2] == '\\'))
            l[--n] = '\0';
        char *p = l;
        IgnoreRule r = {0};
        if (!*p || *p == '#') {
            free(l);
            continue;
        }
        if (*p == '!')
            r.negate = true, p++;
        else if (*p == '\\' && (p[1] == '!' || p[1] == '#'))
            p++;
        n = strlen(p);
        if (n && p[n - 1] == '/') r.dir_only = true, p[--n] = '\0';
        if (strchr(p, '/')) r.anchored = true;
        if (*p == '/') p++;
        if (*p) {
            r.glob = util_xstrdup(p);
            array_push(&f->rules, r);
        }
        free(l);
    }
}

int ignore_file_match(const IgnoreFile *f, const char *rel, bool is_dir) {
    const char *base = strrchr(rel, '/');
    base = base ? base + 1 : rel;
    for (size_t i = f->rules.len; i-- > 0;) { /* the last matching pattern decides */
        const IgnoreRule *r = &f->rules.items[i];
        if (r->dir_only && !is_dir) continue;
        if (ignore_glob(r->glob, r->anchored ? rel : base)) return r->negate ? 0 : 1;
    }
    return -1;
}

void ignore_file_free(IgnoreFile *f) {
    for (size_t i = 0; i < f->rules.len; i++)
        free(f->rules.items[i].glob);
    array_free(&f->rules);
    free(f->base);
    free(f);
}

static char *slurp(const char *path) {
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    size_t cap = 4096, len = 0;
    char *buf = util_xmalloc(cap);
    size_t got;
    while ((got = fread(buf + len, 1, cap - len - 1, fp)) > 0)
        if ((len += got) + 1 == cap) buf = util_xrealloc(buf, cap *= 2);
    buf[len] = '\0';
    fclose(fp);
    return buf;
}

static bool load(IgnoreStack *s, const char *base, const char *file, int kind) {
    char *path = util_xasprintf("%s/%s", strcmp(base, "/") ? base : "", file);
    char *text = slurp(path);
    free(path);
    if (!text) return false;
    IgnoreFile *f = util_xcalloc(1, sizeof *f);
    f->base = util_xstrdup(base);
    f->kind = kind;
    ignore_parse(f, text);
    free(text);
    array_push(&s->files, f);
    return true;
}

int ignore_stack_push_listed(IgnoreStack *s, const char *dir, bool gitignore, bool dotignore) {
    int n = 0;
    if (s->git_root && gitignore) n += load(s, dir, ".gitignore", IGNORE_GITIGNORE);
    if (dotignore) n += load(s, dir, ".ignore", IGNORE_DOTIGNORE);
    return n;
}

void ignore_stack_init(IgnoreStack *s, const char *dir) {
    memset(s, 0, sizeof *s);
    /* Find the work tree: the nearest ancestor holding `.git` (a directory, or a file for
     * worktrees and submodules). */
    char *d = util_xstrdup(dir);
    for (;;) {
        char *git = util_xasprintf("%s/.git", strcmp(d, "/") ? d : "");
        struct stat st;
        bool found = lstat(git, &st) == 0;
        free(git);
        if (found) {
            s->git_root = util_xstrdup(d);
            break;
        }
        char *slash = strrchr(d, '/');
        if (!slash || slash == d) break;
        *slash = '\0';
    }
    free(d);
    if (s->git_root) load(s, s->git_root, ".git/info/exclude", IGNORE_EXCLUDE);
    /* Every directory from the work tree's root (or `dir` itself outside one) down to `dir`. */
    const char *top = s->git_root ? s->git_root : dir;
    size_t tl = strlen(top);
    char *cur = util_xstrdup(top);
    ignore_stack_push_listed(s, cur, true, true);
    for (const char *p = dir + tl; *p;) {
        while (*p == '/')
            p++;
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (!len) break;
        char *next = util_xasprintf("%s/%.*s", strcmp(cur, "/") ? cur : "", (int)len, p);
        free(cur);
        cur = next;
        ignore_stack_push_listed(s, cur, true, true);
        p += len;
    }
    free(cur);
}

void ignore_stack_pop(IgnoreStack *s, int n) {
    while (n-- > 0 && s->files.len)
        ignore_file_free(s->files.items[--s->files.len]);
}

void ignore_stack_free(IgnoreStack *s) {
    ignore_stack_pop(s, (int)s->files.len);
    array_free(&s->files);
    free(s->git_root);
}

/* .ignore beats .gitignore beats info/exclude; within a kind the deepest file decides, and
 * within a file the last matching pattern. */
bool ignore_stack_match(const IgnoreStack *s, const char *path, bool is_dir) {
    for (int kind = IGNORE_DOTIGNORE; kind >= IGNORE_EXCLUDE; kind--)
        for (size_t i = s->files.len; i-- > 0;) {
            const IgnoreFile *f = s->files.items[i];
            if (f->kind != kind) continue;
            size_t bl = strlen(f->base);
            const char *rel;
            if (bl == 1 && f->base[0] == '/')
                rel = path + 1;
            else if (!strncmp(path, f->base, bl) && path[bl] == '/')
                rel = path + bl + 1;
            else
                continue;
            int m = ignore_file_match(f, rel, is_dir);
            if (m >= 0) return m == 1;
        }
    return false;
}
