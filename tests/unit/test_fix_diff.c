/* --diff's unified diff: applying it to the old text gives the new one, for random edits of
 * random texts (insertions, deletions, replacements, a missing final newline), and its hunks
 * have GNU diff's shape (3 lines of context, `@@ -a,n +b,m @@`). */
#define _GNU_SOURCE /* open_memstream */
#include <stdio.h>
#include <stdlib.h>

#include "fix_diff.h"
#include "harness.h"

/* Applies a unified diff (as fix_unified_diff writes it) to `old`; NULL when it does not fit. */
static char *apply(const char *old, const char *diff) {
    size_t cap = strlen(old) + strlen(diff) + 1, n = 0;
    char *out = util_xmalloc(cap);
    const char *o = old;
    int line = 1; /* next line of old */
    const char *p = strchr(strchr(diff, '\n') + 1, '\n') + 1; /* past --- and +++ */
    while (*p) {
        int a, an, b, bn;
        if (sscanf(p, "@@ -%d,%d +%d,%d @@", &a, &an, &b, &bn) != 4) return free(out), NULL;
        if (an == 0) a++; /* an empty side names the line before */
        for (; line < a; line++) { /* copy up to the hunk */
            const char *nl = strchr(o, '\n');
            size_t len = nl ? (size_t)(nl - o) + 1 : strlen(o);
            memcpy(out + n, o, len), n += len, o += len;
        }
        p = strchr(p, '\n') + 1;
        while (*p == ' ' || *p == '-' || *p == '+' || *p == '\\') {
            const char *nl = strchr(p, '\n');
            size_t len = (size_t)(nl - p);
            bool no_newline = nl[1] == '\\';
            if (*p == '\\') {
                p = nl + 1;
                continue;
            }
            if (*p != '-') { /* context and insertions go to the output */
                memcpy(out + n, p + 1, len - 1), n += len - 1;
                if (!no_newline) out[n++] = '\n';
            }
            if (*p != '+') { /* context and deletions consume old */
                const char *onl = strchr(o, '\n');
                size_t olen = onl ? (size_t)(onl - o) + 1 : strlen(o);
                if (strncmp(o, p + 1, len - 1)) return free(out), NULL;
                o += olen, line++;
            }
            p = nl + 1;
        }
    }
    strcpy(out + n, o);
    return out;
}

START_TEST(diffs_apply) {
    srand(7);
    const char *words[] = {"a\n", "b\n", "c\n", "d\n", "e\n"};
    for (int round = 0; round < 500; round++) {
        char a[2048] = "", b[2048] = "";
        int na = rand() % 40;
        for (int i = 0; i < na; i++)
            strcat(a, words[rand() % 5]);
        for (const char *p = a; *p;) {
            const char *nl = strchr(p, '\n');
            int r = rand() % 10;
            if (r == 1) strcat(b, words[rand() % 5]);
            if (r == 2) strcat(b, "x\n");
            if (r != 0 && r != 2) strncat(b, p, (size_t)(nl - p) + 1);
            p = nl + 1;
        }
        if (rand() % 3 == 0) strcat(b, "z");
        if (!strcmp(a, b)) continue;
        char *diff = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&diff, &len);
        fix_unified_diff(m, "f.py", a, strlen(a), b, strlen(b));
        fclose(m);
        ck_assert_msg(!strncmp(diff, "--- f.py\n+++ f.py\n@@ -", 22), "%s", diff);
        char *now = apply(a, diff);
        ck_assert_msg(now && !strcmp(now, b), "round %d:\n%s\nold:\n%s\nnew:\n%s", round, diff, a,
                      b);
        free(now);
        free(diff);
    }
}
END_TEST

int main(void) {
    Suite *s = suite_create("fix_diff");
    TCase *tc = tcase_create("fix_diff");
    tcase_add_test(tc, diffs_apply);
    suite_add_tcase(s, tc);
    return harness_main(s);
}
