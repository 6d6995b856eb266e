/* Configuration files: what is read, what is rejected (with file:line:col), and how the
 * settings reach a `check` run. */
#include "tempdir.h"

#include "config.h"
#include "dircache.h"
#include "harness.h"

static ConfigStatus parse(const char *name, const char *text, Config *cfg, char *err) {
    return config_parse(cfg, name, text, strlen(text), false, err, 600);
}

START_TEST(reads_every_key) {
    Config c;
    char err[600] = "";
    const char *toml = "[project]\n"
                       "name = \"x\"\n"
                       "\n"
                       "[tool.logitlint]\n"
                       "select = [\"LL1\"]\n"
                       "extend-select = ['LL001']\n"
                       "ignore = [\"LL101\"]  # a comment\n"
                       "exclude = [\"build\", \"gen/*.py\"]\n"
                       "extend-exclude = [\"\"\"third_party\"\"\"]\n"
                       "respect-gitignore = false\n"
                       "output-format = \"sarif\"\n"
                       "\n"
                       "[tool.logitlint.per-file-ignores]\n"
                       "\"tests/*.py\" = [\"LL101\", \"LL001\"]\n";
    ck_assert_int_eq(parse("pyproject.toml", toml, &c, err), CONFIG_OK);
    ck_assert(c.has_select && c.select.len == 1);
    ck_assert_str_eq(c.select.items[0], "LL1");
    ck_assert_str_eq(c.extend_select.items[0], "LL001");
    ck_assert_str_eq(c.ignore.items[0], "LL101");
    ck_assert_int_eq((int)c.exclude.len, 2);
    ck_assert_str_eq(c.extend_exclude.items[0], "third_party");
    ck_assert(c.has_respect_gitignore && !c.respect_gitignore);
    ck_assert_str_eq(c.output_format, "sarif");
    ck_assert_int_eq((int)c.per_file_ignores.len, 1);
    ck_assert_str_eq(c.per_file_ignores.items[0].glob, "tests/*.py");
    ck_assert_int_eq((int)c.per_file_ignores.items[0].codes.len, 2);
    config_free(&c);
    /* Inline-table and dotted-key spellings, in a logitlint.toml. */
    ck_assert_int_eq(
        parse("logitlint.toml",
              "per-file-ignores = { \"__init__.py\" = [\"LL1\"] }\nselect = [\"ALL\"]\n", &c, err),
        CONFIG_OK);
    ck_assert_str_eq(c.per_file_ignores.items[0].glob, "__init__.py");
    config_free(&c);
    ck_assert_int_eq(parse("pyproject.toml", "tool.logitlint.ignore = [\"LL101\"]\n", &c, err),
                     CONFIG_OK);
    ck_assert_str_eq(c.ignore.items[0], "LL101");
    config_free(&c);
}
END_TEST

START_TEST(pyproject_without_section) {
    Config c;
    char err[600] = "";
    ck_assert_int_eq(parse("pyproject.toml", "[tool.ruff]\nselect = [\"E\"]\n", &c, err),
                     CONFIG_NONE);
    config_free(&c);
    ck_assert_int_eq(parse("pyproject.toml", "[tool.logitlint]\n", &c, err), CONFIG_OK);
    config_free(&c);
}
END_TEST

START_TEST(errors_have_positions) {
    struct {
        const char *name, *text, *message;
    } cases[] = {
        {"pyproject.toml", "[tool.logitlint]\nselct = [\"LL101\"]\n",
         "pyproject.toml:2:1: unknown key 'selct' in [tool.logitlint] (expected one of: select, "
         "extend-select, ignore, per-file-ignores, exclude, extend-exclude, respect-gitignore, "
         "output-format, cache-dir, fixable, extend-fixable, unfixable, contracts)"},
        {"logitlint.toml", "select = [LL101]\n",
         "logitlint.toml:1:11: invalid TOML: unexpected 'LL101'"},
        {"logitlint.toml", "ignore = [\"LL101\"]\nignore = [\"LL1\"]\n",
         "logitlint.toml:2:1: duplicate key 'ignore'"},
        {"logitlint.toml", "select = [\"LL9\"]\n",
         "logitlint.toml:1:11: unknown rule selector 'LL9' in 'select' (see `logitlint rule "
         "--all`)"},
        {"logitlint.toml", "select = \"LL101\"\n",
         "logitlint.toml:1:10: 'select' must be an array of strings"},
        {"logitlint.toml", "respect-gitignore = 1\n",
         "logitlint.toml:1:21: 'respect-gitignore' must be true or false"},
        {"logitlint.toml", "output-format = \"xml\"\n",
         "logitlint.toml:1:17: unknown output format 'xml' (full, concise, json, json-lines, "
         "sarif, "
         "github, gitlab, junit)"},
        {"pyproject.toml", "[tool.logitlint]\nselect = [\"LL101\"]\n[tool.logitlint.lint]\nx = 1\n",
         "pyproject.toml:3:2: unknown table [tool.logitlint.lint]"},
        {"pyproject.toml", "[tool.logitlint]\nper-file-ignores = [\"x\"]\n",
         "pyproject.toml:2:20: 'per-file-ignores' must be a table of glob = [codes]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        Config c;
        char err[600] = "";
        ck_assert_int_eq(parse(cases[i].name, cases[i].text, &c, err), CONFIG_ERROR);
        ck_assert_str_eq(err, cases[i].message);
        config_free(&c);
    }
}
END_TEST

START_TEST(patterns) {
    char *pats[] = {"build", "gen/*.py", "docs/"};
    ConfigList l = {pats, 3, 3};
    ck_assert(config_patterns_match(&l, "build"));
    ck_assert(config_patterns_match(&l, "src/build/x.py"));
    ck_assert(config_patterns_match(&l, "gen/a.py"));
    ck_assert(!config_patterns_match(&l, "src/gen/a.py"));
    ck_assert(config_patterns_match(&l, "docs/x.py"));
    ck_assert(!config_patterns_match(&l, "docs")); /* a file named docs */
    ck_assert(!config_patterns_match(&l, "builder.py"));
}
END_TEST

static CliRun run_in(const char *dir, const char *const *argv) {
    return harness_run(argv, NULL, dir);
}

START_TEST(cli_nearest_config_wins) {
    char *dir = tmp_dir();
    tmp_write(dir, "pyproject.toml", "[tool.logitlint]\nignore = [\"LL101\"]\n");
    tmp_write(dir, "a.py", BUGGY_PY);
    tmp_write(dir, "sub/b.py", BUGGY_PY);
    tmp_write(dir, "sub/logitlint.toml", "select = [\"ALL\"]\n");
    const char *argv[] = {"check", "--no-verify", "--output-format", "concise", ".", NULL};
    CliRun r = run_in(dir, argv);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.out, "sub/b.py:5:9: LL101") && !strstr(r.out, "a.py:5:9"), "got: %s",
                  r.out);
    harness_run_free(&r);
    /* --isolated: no configuration at all. */
    const char *iso[] = {"check", "--no-verify", "--output-format", "concise", "--isolated",
                         "a.py",  NULL};
    r = run_in(dir, iso);
    ck_assert_int_eq(r.status, 1);
    harness_run_free(&r);
    /* --config: that file for every path. */
    tmp_write(dir, "strict.toml", "extend-select = [\"LL101\"]\n");
    const char *cfg[] = {"check", "--no-verify", "--config", "strict.toml", "a.py", NULL};
    r = run_in(dir, cfg);
    ck_assert_int_eq(r.status, 1);
    harness_run_free(&r);
    /* The command line beats the configuration. */
    const char *sel[] = {"check", "--no-verify", "--select", "LL101", "a.py", NULL};
    r = run_in(dir, sel);
    ck_assert_int_eq(r.status, 1);
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

/* The resolver answers from the run's directory listings as from stat: the nearest directory
 * with a configuration (a pyproject.toml without [tool.logitlint] is none), one resolution per
 * directory however often asked; a configuration named like a directory is not one. */
START_TEST(resolver_reads_listings) {
    char *dir = tmp_dir();
    tmp_write(dir, "logitlint.toml", "select = [\"LL101\"]\n");
    tmp_write(dir, "a/pyproject.toml", "[tool.black]\nline-length = 99\n");
    tmp_write(dir, "a/b/c/x.py", "x = 1\n");
    tmp_write(dir, "d/.logitlint.toml/x", "");
    tmp_write(dir, "e/.logitlint.toml", "ignore = [\"LL101\"]\n");
    for (int listed = 0; listed < 2; listed++) {
        DirCache *listings = dircache_new();
        ConfigResolver *r = config_resolver_new(listed ? listings : NULL);
        bool error;
        char err[600];
        const Config *top = NULL;
        const char *subs[] = {"", "/a", "/a/b/c", "/a/b", "/d", "/a/b/c", ""};
        for (size_t i = 0; i < sizeof subs / sizeof *subs; i++) {
            char *sub = util_xasprintf("%s%s", dir, subs[i]);
            const Config *c = config_resolve(r, sub, &error, err, sizeof err);
            ck_assert(c && !error);
            if (!top) top = c;
            ck_assert_ptr_eq(c, top); /* the root's, every time */
            free(sub);
        }
        char *e = util_xasprintf("%s/e", dir);
        const Config *own = config_resolve(r, e, &error, err, sizeof err);
        ck_assert(own && own != top && !error);
        free(e);
        config_resolver_free(r);
        dircache_free(listings);
    }
    tmp_remove(dir);
}
END_TEST

START_TEST(cli_bad_config_exits_2) {
    char *dir = tmp_dir();
    tmp_write(dir, "pyproject.toml",
              "[tool.logitlint]\nselect = [\"LL101\"]\nrespect_gitignore = true\n");
    tmp_write(dir, "a.py", CLEAN_PY);
    const char *argv[] = {"check", "a.py", NULL};
    CliRun r = run_in(dir, argv);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.out, "");
    ck_assert_msg(strstr(r.err, "logitlint: pyproject.toml:3:1: unknown key 'respect_gitignore' in "
                                "[tool.logitlint]"),
                  "got: %s", r.err);
    harness_run_free(&r);
    const char *missing[] = {"check", "--config", "nope.toml", "a.py", NULL};
    r = run_in(dir, missing);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(strstr(r.err, "logitlint: nope.toml: No such file or directory"), "got: %s",
                  r.err);
    harness_run_free(&r);
    const char *both[] = {"check", "--config", "x.toml", "--isolated", "a.py", NULL};
    r = run_in(dir, both);
    ck_assert_int_eq(r.status, 2);
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

START_TEST(cli_per_file_ignores_and_excludes) {
    char *dir = tmp_dir();
    tmp_write(dir, "logitlint.toml",
              "extend-exclude = [\"generated\"]\n"
              "[per-file-ignores]\n"
              "\"tests/**\" = [\"LL101\"]\n");
    tmp_write(dir, "tests/unit/t.py", BUGGY_PY);
    tmp_write(dir, "generated/g.py", BUGGY_PY);
    tmp_write(dir, "src/s.py", BUGGY_PY);
    const char *argv[] = {"check", "--no-verify", "--output-format", "concise", ".", NULL};
    CliRun r = run_in(dir, argv);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.out, "src/s.py:5:9: LL101"), "got: %s", r.out);
    ck_assert_msg(!strstr(r.out, "t.py") && !strstr(r.out, "g.py"), "got: %s", r.out);
    ck_assert_msg(strstr(r.out, "Found 1 error."), "got: %s", r.out);
    harness_run_free(&r);
    /* An excluded file named explicitly is linted, unless --force-exclude. */
    const char *expl[] = {"check", "--no-verify", "generated/g.py", NULL};
    r = run_in(dir, expl);
    ck_assert_int_eq(r.status, 1);
    harness_run_free(&r);
    const char *force[] = {"check", "--no-verify", "--force-exclude", "generated/g.py", NULL};
    r = run_in(dir, force);
    ck_assert_int_eq(r.status, 0);
    harness_run_free(&r);
    /* --exclude on the command line replaces the list; --extend-exclude adds to it. */
    const char *ex[] = {"check", "--no-verify", "--extend-exclude", "src", ".", NULL};
    r = run_in(dir, ex);
    ck_assert_int_eq(r.status, 0);
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

START_TEST(cli_output_format_precedence) {
    char *dir = tmp_dir();
    tmp_write(dir, "logitlint.toml", "output-format = \"json-lines\"\n");
    tmp_write(dir, "a.py", BUGGY_PY);
    const char *argv[] = {"check", "--no-verify", "a.py", NULL};
    CliRun r = run_in(dir, argv);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(!strncmp(r.out, "{\"code\": \"LL101\"", 16) ||
                      !strncmp(r.out, "{\"code\":\"LL101\"", 15),
                  "got: %s", r.out);
    harness_run_free(&r);
    setenv("LOGITLINT_OUTPUT_FORMAT", "concise", 1);
    r = run_in(dir, argv);
    ck_assert_str_eq(r.out,
                     "a.py:5:9: LL101 raw logits of the chosen tokens are accumulated across "
                     "positions (logits from line 2); each step has its own normaliser log Z_t, "
                     "so this is not log Pr(y|x) and can rank candidates wrongly\n"
                     "Found 1 error.\n");
    harness_run_free(&r);
    const char *cli[] = {"check", "--no-verify", "--output-format", "github", "a.py", NULL};
    r = run_in(dir, cli);
    ck_assert_msg(!strncmp(r.out, "::error title=logitlint (LL101)", 31), "got: %s", r.out);
    harness_run_free(&r);
    setenv("LOGITLINT_OUTPUT_FORMAT", "yaml", 1);
    r = run_in(dir, argv);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(strstr(r.err, "LOGITLINT_OUTPUT_FORMAT: unknown output format 'yaml'"), "got: %s",
                  r.err);
    harness_run_free(&r);
    unsetenv("LOGITLINT_OUTPUT_FORMAT");
    tmp_remove(dir);
}
END_TEST

START_TEST(cli_selection_and_exclusion_options) {
    char *dir = tmp_dir();
    tmp_write(dir, ".git/HEAD", "ref: refs/heads/main\n");
    tmp_write(dir, ".gitignore", "ignored/\n");
    tmp_write(dir, "logitlint.toml", "select = [\"LL001\"]\nrespect-gitignore = false\n");
    tmp_write(dir, "a.py", BUGGY_PY);
    tmp_write(dir, "ignored/i.py", BUGGY_PY);
    tmp_write(dir, "vendor/v.py", BUGGY_PY);
    /* The configuration selects LL001 only; --extend-select adds LL101. */
    const char *plain[] = {"check", "--no-verify", "--output-format", "concise", "a.py", NULL};
    CliRun r = run_in(dir, plain);
    ck_assert_int_eq(r.status, 0);
    harness_run_free(&r);
    const char *ext[] = {
        "check", "--no-verify", "--output-format", "concise", "--extend-select", "LL101",
        "a.py",  NULL};
    r = run_in(dir, ext);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.out, "a.py:5:9: LL101"), "got: %s", r.out);
    harness_run_free(&r);
    const char *bad[] = {"check", "--extend-select", "LL9", "a.py", NULL};
    r = run_in(dir, bad);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err,
                     "logitlint: unknown rule selector 'LL9' (see `logitlint rule --all`)\n");
    harness_run_free(&r);
    /* respect-gitignore = false in the file; --respect-gitignore on the command line wins. */
    const char *all[] = {"check", "--no-verify", "--output-format", "concise", "--select", "LL101",
                         ".",     NULL};
    r = run_in(dir, all);
    ck_assert_msg(strstr(r.out, "./ignored/i.py:5:9") && strstr(r.out, "./vendor/v.py:5:9"),
                  "got: %s", r.out);
    harness_run_free(&r);
    const char *respect[] = {
        "check", "--no-verify",         "--output-format", "concise", "--select",
        "LL101", "--respect-gitignore", "--exclude",       "vendor",  ".",
        NULL};
    r = run_in(dir, respect);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.out, "./a.py:5:9") && !strstr(r.out, "i.py") && !strstr(r.out, "v.py"),
                  "got: %s", r.out);
    harness_run_free(&r);
    const char *conflict[] = {"check", "--config", "logitlint.toml", "--isolated", "a.py", NULL};
    r = run_in(dir, conflict);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err, "logitlint: --config and --isolated cannot be used together\n");
    harness_run_free(&r);
    tmp_remove(dir);
}
END_TEST

int main(void) {
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("config");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, reads_every_key);
    tcase_add_test(tc, pyproject_without_section);
    tcase_add_test(tc, errors_have_positions);
    tcase_add_test(tc, patterns);
    tcase_add_test(tc, cli_nearest_config_wins);
    tcase_add_test(tc, cli_bad_config_exits_2);
    tcase_add_test(tc, cli_per_file_ignores_and_excludes);
    tcase_add_test(tc, resolver_reads_listings);
    tcase_add_test(tc, cli_output_format_precedence);
    tcase_add_test(tc, cli_selection_and_exclusion_options);
    suite_add_tcase(s, tc);
    return harness_main(s);
}
