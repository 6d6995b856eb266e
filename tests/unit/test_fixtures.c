/* Fixture-driven rule tests. Each file tests/fixtures/<CODE>/NAME.py marks every line that must be
 * flagged with `# expect: <CODE>`; any other finding of that rule is a false positive.
 * fire_*.py files must expect at least one finding, trap_*.py files none. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "rules.h"

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = util_xmalloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    buf[got] = '\0';
    fclose(f);
    return buf;
}

/* Does this line carry `# expect: ...CODE...`? */
static bool line_expects(const char *line, size_t len, const char *code) {
    char *copy = util_xstrndup(line, len);
    char *m = strstr(copy, "# expect:");
    bool yes = m && strstr(m, code);
    free(copy);
    return yes;
}

/* Checks one fixture; appends a description of every mismatch to `report`. */
static int check_fixture(const char *dir, const char *name, const char *code, char **report,
                         int *expected_total) {
    char *path = util_xasprintf("%s/%s", dir, name);
    char *text = read_file(path);
    DiagList d = harness_lint(text, code);
    int problems = 0, expected = 0, row = 1;
    for (const char *line = text; *line; row++) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        bool want = line_expects(line, len, code);
        int got = harness_count(&d, code, row);
        expected += want;
        if (want != (got > 0)) {
            char *prev = *report;
            *report = util_xasprintf("%s\n  %s:%d: %s", prev, path, row,
                                     want ? "expected a finding, got none"
                                          : "unexpected finding (false positive)");
            free(prev);
            problems++;
        }
        line = nl ? nl + 1 : line + len;
    }
    bool fire = strncmp(name, "fire_", 5) == 0, trap = strncmp(name, "trap_", 5) == 0;
    if ((fire && expected == 0) || (trap && expected > 0) || (!fire && !trap)) {
        char *prev = *report;
        *report = util_xasprintf("%s\n  %s: fixtures are named fire_*.py (with expect markers) or "
                                 "trap_*.py (without)",
                                 prev, path);
        free(prev);
        problems++;
    }
    *expected_total += expected;
    diag_list_free(&d);
    free(text);
    free(path);
    return problems;
}

START_TEST(every_rule_fixture_matches) {
    int problems = 0;
    char *report = util_xstrdup("");
    for (size_t r = 0; r < rules_count; r++) {
        const char *code = rules_registry[r]->code;
        char *dir = util_xasprintf("%s/%s", FIXTURES_DIR, code);
        DIR *dh = opendir(dir);
        ck_assert_msg(dh != NULL, "rule %s has no fixture directory %s", code, dir);
        int fires = 0, traps = 0, expected = 0;
        struct dirent *e;
        while ((e = readdir(dh))) {
            size_t n = strlen(e->d_name);
            if (n < 4 || strcmp(e->d_name + n - 3, ".py") != 0) continue;
            fires += strncmp(e->d_name, "fire_", 5) == 0;
            traps += strncmp(e->d_name, "trap_", 5) == 0;
            problems += check_fixture(dir, e->d_name, code, &report, &expected);
        }
        closedir(dh);
        ck_assert_msg(fires >= 8 && traps >= 8,
                      "rule %s needs at least 8 fire_ and 8 trap_ fixtures (has %d, %d)", code,
                      fires, traps);
        free(dir);
    }
    ck_assert_msg(problems == 0, "%d fixture mismatch(es):%s", problems, report);
    free(report);
}
END_TEST

int main(void) {
    Suite *s = suite_create("fixtures");
    TCase *tc = tcase_create("rules");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, every_rule_fixture_matches);
    suite_add_tcase(s, tc);
    return harness_main(s);
}
