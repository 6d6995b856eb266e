/* The result cache (README "Caching"): a warm run prints exactly what a cold run printed, in
 * every output format, counterexamples included; a change of content, configuration or build is
 * never answered from the cache; a corrupt or foreign entry is ignored and rebuilt; a file that
 * was skipped is never remembered as clean; concurrent runs share a directory safely. */
#define _GNU_SOURCE /* memmem */
#include "tempdir.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/wait.h>

#include "bytes_le.h"
#include "cache.h"
#include "cache_pack.h"
#include "harness.h"
#include "rules.h"

/* A project with a finding in a .py file, in a notebook cell, in a file with a syntax error
 * (a warning on stderr), and a clean file; every run also reads the fixtures and samples. */
static char *make_project(void) {
    char *dir = tmp_dir();
    tmp_write(dir, "a.py", BUGGY_PY);
    tmp_write(dir, "b.py", CLEAN_PY);
    tmp_write(dir, "broken.py", "def broken(:\n    pass\n\n\ndef f(model, ids):\n"
                                "    logits = model(ids).logits\n    total = 0\n"
                                "    for t in range(ids.shape[1] - 1):\n"
                                "        total += logits[0, t, ids[0, t + 1]]\n"
                                "    return total\n");
    tmp_write(dir, "nb.ipynb",
              "{\"cells\": [{\"cell_type\": \"markdown\", \"metadata\": {}, \"source\": [\"# x\"]},"
              " {\"cell_type\": \"code\", \"metadata\": {}, \"execution_count\": null,"
              " \"outputs\": [], \"source\": [\"def score(model, ids):\\n\","
              " \"    logits = model(ids).logits\\n\", \"    total = 0\\n\","
              " \"    for t in range(ids.shape[1] - 1):\\n\","
              " \"        total += logits[0, t, ids[0, t + 1]]\\n\", \"    return total\\n\"]}],"
              " \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}");
    return dir;
}

/* `check` over the project, the fixtures and the samples: with cache directory `cache` (NULL:
 * --no-cache), in `format`, with up to two extra arguments. */
static CliRun check_with(const char *bin, const char *proj, const char *cache, const char *format,
                         const char *extra1, const char *extra2) {
    const char *argv[16];
    int n = 0;
    argv[n++] = "check";
    argv[n++] = "--output-format";
    argv[n++] = format;
    if (cache) argv[n++] = "--cache-dir", argv[n++] = cache;
    if (!cache) argv[n++] = "--no-cache";
    if (extra1) argv[n++] = extra1;
    if (extra2) argv[n++] = extra2;
    argv[n++] = ".";
    argv[n++] = FIXTURES_DIR;
    argv[n++] = SAMPLES_DIR;
    argv[n] = NULL;
    return harness_run_bin(bin, argv, NULL, proj);
}

static CliRun check(const char *proj, const char *cache, const char *format) {
    return check_with(LOGITLINT_BIN, proj, cache, format, NULL, NULL);
}

static bool same_run(const CliRun *a, const CliRun *b) {
    return a->status == b->status && !strcmp(a->out, b->out) && !strcmp(a->err, b->err);
}

#define ck_assert_same(a, b, what)                                                                 \
    ck_assert_msg(same_run(&(a), &(b)), "%s: status %d vs %d\n--- out\n%.900s\n--- vs\n%.900s" \
                  "\n--- err\n%.400s\n--- vs\n%.400s", what, (a).status, (b).status, (a).out,  \
                  (b).out, (a).err, (b).err)

/* A whole file (NULL: none), NUL bytes included. */
static char *read_bytes_if(const char *path, size_t *len) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return NULL;
    struct stat st;
    ck_assert_int_eq(fstat(fd, &st), 0);
    char *buf = util_xmalloc((size_t)st.st_size + 1);
    ck_assert_int_eq(read(fd, buf, (size_t)st.st_size), st.st_size);
    close(fd);
    *len = (size_t)st.st_size;
    return buf;
}

/* The entries of a cache directory's pack (cache_pack.c), as "key length inode" lines: a run
 * that stores anything rewrites the pack, which gets a new inode. */
static char *entries(const char *cache) {
    char *path = util_xasprintf("%s/pack", cache);
    size_t len = 0;
    char *pack = read_bytes_if(path, &len);
    struct stat st = {0};
    stat(path, &st);
    char *list = util_xstrdup("");
    uint32_t n = pack && len >= 12 ? le_load32((const uint8_t *)pack + 8) : 0;
    for (uint32_t i = 0; i < n && 12 + (size_t)(i + 1) * 44 <= len; i++) {
        const uint8_t *r = (const uint8_t *)pack + 12 + (size_t)i * 44;
        char *prev = list;
        list = util_xasprintf("%s%016llx%016llx %u %lu\n", prev,
                              (unsigned long long)le_load64(r + 8),
                              (unsigned long long)le_load64(r), le_load32(r + 40),
                              (unsigned long)st.st_ino);
        free(prev);
    }
    free(pack), free(path);
    return list;
}

static int count_lines(const char *s) {
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static int count_entries(const char *cache) {
    char *list = entries(cache);
    int n = count_lines(list);
    free(list);
    return n;
}

static char *read_bytes(const char *path, size_t *len) {
    char *buf = read_bytes_if(path, len);
    ck_assert_ptr_nonnull(buf);
    return buf;
}

static const char *const FORMATS[] = {"full",   "concise", "json",   "json-lines",
                                      "sarif",  "github",  "gitlab", "junit"};

START_TEST(warm_run_prints_what_the_cold_run_printed) {
    char *proj = make_project();
    char *cache = util_xasprintf("%s/cache-%s", proj, FORMATS[_i]);
    CliRun ref = check(proj, NULL, FORMATS[_i]);
    ck_assert_int_eq(ref.status, 1);
    ck_assert_ptr_nonnull(strstr(ref.err, "broken.py:1:12: syntax error"));
    if (!strcmp(FORMATS[_i], "full")) ck_assert_ptr_nonnull(strstr(ref.out, "counterexample:"));
    /* (and why a finding has none: kept in the entries too) */
    if (!strcmp(FORMATS[_i], "full")) ck_assert_ptr_nonnull(strstr(ref.out, "no counterexample:"));
    CliRun cold = check(proj, cache, FORMATS[_i]);
    ck_assert_same(cold, ref, "cold");
    char *after_cold = entries(cache);
    ck_assert_int_gt(count_lines(after_cold), 100);
    CliRun warm = check(proj, cache, FORMATS[_i]);
    ck_assert_same(warm, ref, "warm");
    /* Nothing was rewritten: every file was answered from the cache. */
    char *after_warm = entries(cache);
    ck_assert_str_eq(after_warm, after_cold);
    harness_run_free(&ref), harness_run_free(&cold), harness_run_free(&warm);
    free(after_cold), free(after_warm), free(cache);
    tmp_remove(proj);
}
END_TEST

/* Options that change only the display share the entries, and still print what a cold run
 * does: --no-verify prints no counterexample and no fix verification the entry holds. */
START_TEST(display_options_reuse_the_entries) {
    static const char *const EXTRA[][2] = {{"--no-verify", NULL},
                                           {"--explain", NULL},
                                           {"--statistics", NULL},
                                           {"--exit-zero", "--threads=1"}};
    char *proj = make_project();
    char *cache = util_xasprintf("%s/c", proj);
    CliRun first = check(proj, cache, "json");
    char *filled = entries(cache);
    for (size_t i = 0; i < sizeof EXTRA / sizeof *EXTRA; i++) {
        CliRun ref = check_with(LOGITLINT_BIN, proj, NULL, "full", EXTRA[i][0], EXTRA[i][1]);
        CliRun warm = check_with(LOGITLINT_BIN, proj, cache, "full", EXTRA[i][0], EXTRA[i][1]);
        ck_assert_same(warm, ref, EXTRA[i][0]);
        char *now = entries(cache);
        ck_assert_str_eq(now, filled);
        free(now);
        harness_run_free(&ref), harness_run_free(&warm);
    }
    harness_run_free(&first);
    free(filled), free(cache);
    tmp_remove(proj);
}
END_TEST

/* Entries a --no-verify run stored hold no counterexample: a run that shows them computes them
 * (and keeps them), printing what a cold run prints. */
START_TEST(entries_stored_without_verifying_are_verified_when_read) {
    char *proj = make_project();
    char *cache = util_xasprintf("%s/c", proj);
    CliRun unverified = check_with(LOGITLINT_BIN, proj, cache, "full", "--no-verify", NULL);
    ck_assert_ptr_null(strstr(unverified.out, "counterexample:"));
    CliRun ref = check(proj, NULL, "full");
    ck_assert_ptr_nonnull(strstr(ref.out, "counterexample:"));
    for (int run = 0; run < 2; run++) {
        CliRun warm = check(proj, cache, "full");
        ck_assert_same(warm, ref, run ? "verified entries" : "verifying the entries");
        harness_run_free(&warm);
    }
    harness_run_free(&unverified), harness_run_free(&ref);
    free(cache);
    tmp_remove(proj);
}
END_TEST

START_TEST(changed_content_is_analysed_again) {
    char *proj = make_project();
    char *cache = util_xasprintf("%s/c", proj);
    CliRun before = check(proj, cache, "concise");
    ck_assert_ptr_nonnull(strstr(before.out, "a.py:5:9: LL101"));
    tmp_write(proj, "a.py", CLEAN_PY); /* same size class, other content */
    tmp_write(proj, "b.py", BUGGY_PY);
    CliRun ref = check(proj, NULL, "concise");
    CliRun warm = check(proj, cache, "concise");
    ck_assert_same(warm, ref, "after the edit");
    ck_assert_ptr_null(strstr(warm.out, "a.py:5:9: LL101"));
    ck_assert_ptr_nonnull(strstr(warm.out, "b.py:5:9: LL101"));
    harness_run_free(&before), harness_run_free(&ref), harness_run_free(&warm);
    free(cache);
    tmp_remove(proj);
}
END_TEST

/* A file whose findings come from another file of its project is cached with what it read:
 * an edit of that file, or a module appearing where an import found none, is analysed again;
 * an unchanged project is answered from the entries (none rewritten). */
static CliRun check_project(const char *proj, const char *cache) {
    const char *argv[] = {"check", "--output-format", "concise", cache ? "--cache-dir" : "--no-cache",
                          cache, ".", NULL};
    if (!cache) argv[4] = ".", argv[5] = NULL;
    return harness_run_bin(LOGITLINT_BIN, argv, NULL, proj);
}

/* A file summing what token_scores, imported from module %s, returns at the chosen tokens: a
 * finding when that is the logits (RAW), none when it is log-probabilities (NORMED). */
static const char MAIN[] = "from %s import token_scores\n"
                           "def score(model, ids):\n"
                           "    logits = token_scores(model, ids)\n"
                           "    total = 0\n"
                           "    for t in range(ids.shape[1] - 1):\n"
                           "        total += logits[0, t, ids[0, t + 1]]\n"
                           "    return total\n";
static const char NORMED[] = "def token_scores(model, ids):\n"
                             "    return model(ids).logits.log_softmax(-1)\n";

START_TEST(what_a_file_read_of_its_project_is_checked) {
    static const char RAW[] = "def token_scores(model, ids):\n    return model(ids).logits\n";
    char *proj = tmp_dir(), *cache = util_xasprintf("%s/c", proj);
    char *main_now = util_xasprintf(MAIN, "helpers"), *main_late = util_xasprintf(MAIN, "late");
    tmp_write(proj, "main.py", main_now);
    tmp_write(proj, "main_late.py", main_late);
    tmp_write(proj, "helpers.py", RAW);
    CliRun cold = check_project(proj, cache);
    ck_assert_msg(strstr(cold.out, "/main.py:6:") && strstr(cold.out, "/main_late.py:6:"), "%s",
                  cold.out);
    char *stored = entries(cache);
    CliRun warm = check_project(proj, cache);
    ck_assert_same(warm, cold, "unchanged");
    char *again = entries(cache);
    ck_assert_str_eq(again, stored); /* answered from the entries, none rewritten */
    /* (an unknown function given the model is taken to return its logits) */
    const char *steps[][2] = {{"helpers.py", NORMED}, {"helpers.py", RAW}, {"late.py", NORMED}};
    for (size_t i = 0; i < 3; i++) {
        tmp_write(proj, steps[i][0], steps[i][1]);
        CliRun ref = check_project(proj, NULL), now = check_project(proj, cache);
        ck_assert_same(now, ref, steps[i][0]);
        ck_assert_int_eq(!!strstr(now.out, "/main.py:6:"), i != 0);
        ck_assert_int_eq(!!strstr(now.out, "/main_late.py:6:"), i != 2);
        harness_run_free(&ref), harness_run_free(&now);
    }
    harness_run_free(&cold), harness_run_free(&warm);
    /* The same text in another package imports that package's modules: its own entry. */
    tmp_write(proj, "b/main.py", main_now);
    tmp_write(proj, "b/helpers.py", NORMED);
    for (int run = 0; run < 2; run++) {
        CliRun ref = check_project(proj, NULL), now = check_project(proj, cache);
        ck_assert_same(now, ref, "a copy in another package");
        ck_assert_ptr_null(strstr(now.out, "b/main.py"));
        harness_run_free(&ref), harness_run_free(&now);
    }
    /* and both copies stay warm: neither rewrites the other's entry at each run */
    char *settled = entries(cache);
    CliRun last = check_project(proj, cache);
    char *after = entries(cache);
    ck_assert_str_eq(after, settled);
    harness_run_free(&last);
    free(settled), free(after);
    free(stored), free(again), free(main_now), free(main_late), free(cache);
    tmp_remove(proj);
}
END_TEST

/* The counterexample an entry keeps was computed by the script's own code, which ran a function
 * of another module: an edit of that function changes the counterexample's numbers, and a warm
 * run prints the new ones (full format), not those the entry kept. */
START_TEST(a_kept_counterexample_follows_the_code_it_ran) {
    static const char SCORER[] = "def score(model, ids):\n"
                                 "    from helpers import weight\n"
                                 "    logits = model(ids).logits\n"
                                 "    total = 0\n"
                                 "    for t in range(ids.shape[1] - 1):\n"
                                 "        total += weight(logits[0, t, ids[0, t + 1]])\n"
                                 "    return total\n";
    char *proj = tmp_dir(), *cache = util_xasprintf("%s/c", proj);
    tmp_write(proj, "main.py", SCORER);
    const char *argv_cold[] = {"check", "--no-cache", ".", NULL};
    const char *argv_warm[] = {"check", "--cache-dir", cache, ".", NULL};
    const char *weights[] = {"def weight(x):\n    return x * 2\n",
                             "def weight(x):\n    return x * 3\n"};
    const char *scores[] = {"score() value 32 vs 20", "score() value 48 vs 30"};
    for (int i = 0; i < 2; i++) {
        tmp_write(proj, "helpers.py", weights[i]);
        CliRun ref = harness_run_bin(LOGITLINT_BIN, argv_cold, NULL, proj);
        ck_assert_msg(strstr(ref.out, scores[i]), "%.600s", ref.out);
        for (int run = 0; run < 2; run++) { /* storing, then from the entry */
            CliRun warm = harness_run_bin(LOGITLINT_BIN, argv_warm, NULL, proj);
            ck_assert_same(warm, ref, weights[i]);
            harness_run_free(&warm);
        }
        harness_run_free(&ref);
    }
    free(cache);
    tmp_remove(proj);
}
END_TEST

/* A module's text is remembered by its file's identity once it is older than two seconds
 * (cache_stat.h): an edit changes that identity and is read; a damaged memo is ignored. */
START_TEST(a_module_remembered_by_its_stat_is_read_again_when_edited) {
    static const char RAW[] = "def token_scores(model, ids):\n    return model(ids).logits\n";
    static const char SAME_SIZE[] = "def token_scores(model, ids):\n    return model(ids).logitz\n";
    char *proj = tmp_dir(), *cache = util_xasprintf("%s/c", proj);
    char *main_py = util_xasprintf(MAIN, "helpers");
    tmp_write(proj, "main.py", main_py);
    tmp_write(proj, "helpers.py", RAW);
    sleep(3); /* older than the memo's two seconds */
    CliRun cold = check_project(proj, cache), learn = check_project(proj, cache);
    ck_assert_same(learn, cold, "learning");
    char *stats = util_xasprintf("%s/stats", cache);
    ck_assert_int_eq(access(stats, F_OK), 0);
    ck_assert_ptr_nonnull(strstr(cold.out, "/main.py:6:"));
    tmp_write(proj, "helpers.py", NORMED);
    CliRun ref = check_project(proj, NULL), now = check_project(proj, cache);
    ck_assert_same(now, ref, "edited");
    ck_assert_ptr_null(strstr(now.out, "/main.py:6:"));
    harness_run_free(&ref), harness_run_free(&now);
    tmp_write(proj, "helpers.py", SAME_SIZE); /* same size, within the same second */
    ref = check_project(proj, NULL), now = check_project(proj, cache);
    ck_assert_same(now, ref, "edited again");
    harness_run_free(&ref), harness_run_free(&now);
    FILE *f = fopen(stats, "r+b"); /* damaged: ignored */
    ck_assert_ptr_nonnull(f);
    fseek(f, 12, SEEK_SET);
    fputc('!', f);
    fclose(f);
    ref = check_project(proj, NULL), now = check_project(proj, cache);
    ck_assert_same(now, ref, "a damaged memo");
    harness_run_free(&ref), harness_run_free(&now);
    harness_run_free(&cold), harness_run_free(&learn);
    free(stats), free(main_py), free(cache);
    tmp_remove(proj);
}
END_TEST

/* How many times `needle` occurs in the memo of cache (its paths are stored as they are). */
static int memo_count(const char *cache, const char *needle) {
    char *path = util_xasprintf("%s/stats", cache);
    size_t len = 0;
    char *buf = read_bytes_if(path, &len);
    int n = 0;
    for (const char *p = buf; p && (p = memmem(p, len - (size_t)(p - buf), needle, strlen(needle)));
         p++)
        n++;
    free(buf), free(path);
    return n;
}

/* The cold run that reads an imported module remembers its text by its identity (the first warm
 * run then checks it with a stat), and a warm run that reads it again, unchanged, has nothing to
 * write: the memo is not rewritten. */
START_TEST(a_module_read_by_the_cold_run_is_remembered) {
    static const char RAW[] = "def token_scores(model, ids):\n    return model(ids).logits\n";
    char *proj = tmp_dir(), *cache = util_xasprintf("%s/c", proj);
    char *main_py = util_xasprintf(MAIN, "helpers");
    tmp_write(proj, "main.py", main_py);
    tmp_write(proj, "helpers.py", RAW);
    sleep(3); /* older than the memo's two seconds */
    const char *argv[] = {"check", "--output-format", "concise", "--cache-dir", cache, "main.py",
                          NULL};
    CliRun cold = harness_run_bin(LOGITLINT_BIN, argv, NULL, proj);
    ck_assert_ptr_nonnull(strstr(cold.out, "main.py:6:"));
    ck_assert_int_eq(memo_count(cache, "/helpers.py"), 1); /* (main.py is analysed, not read) */
    char *stats = util_xasprintf("%s/stats", cache);
    struct stat before, after;
    ck_assert_int_eq(stat(stats, &before), 0);
    char *edited = util_xasprintf("%s# edited\n", main_py);
    tmp_write(proj, "main.py", edited); /* main.py analysed again: helpers.py is read again */
    CliRun again = harness_run_bin(LOGITLINT_BIN, argv, NULL, proj);
    ck_assert_same(again, cold, "main.py edited");
    ck_assert_int_eq(stat(stats, &after), 0);
    ck_assert_uint_eq(after.st_ino, before.st_ino); /* nothing new learnt of helpers.py */
    harness_run_free(&cold), harness_run_free(&again);
    free(stats), free(edited), free(main_py), free(cache);
    tmp_remove(proj);
}
END_TEST

/* `check` of the file `name` alone, in proj, with cache directory `cache` (NULL: --no-cache). */
static CliRun check_one(const char *proj, const char *cache, const char *name) {
    const char *argv[] = {"check", "--output-format", "concise", "--no-cache", name, NULL, NULL};
    if (cache) argv[3] = "--cache-dir", argv[4] = cache, argv[5] = name;
    return harness_run_bin(LOGITLINT_BIN, argv, NULL, proj);
}

/* The finding of BUGGY_PY's line 5 is there or not in `name`, and the run prints what a cold one
 * does. */
static void ck_one(const char *proj, const char *cache, const char *name, bool finding,
                   const char *what) {
    CliRun ref = check_one(proj, NULL, name), now = check_one(proj, cache, name);
    ck_assert_same(now, ref, what);
    ck_assert_msg((strstr(now.out, ":5:9: LL101") != NULL) == finding, "%s: %s", what, now.out);
    harness_run_free(&ref), harness_run_free(&now);
}

/* BUGGY_PY with its line 2 extended; as a notebook's one code cell when `notebook`. */
static char *buggy_with(const char *after_logits, bool notebook) {
    const char *at = strstr(BUGGY_PY, ".logits\n") + 7;
    char *code = util_xasprintf("%.*s%s%s", (int)(at - BUGGY_PY), BUGGY_PY, after_logits, at);
    if (!notebook) return code;
    char *nl, *cell = util_xstrdup("");
    for (char *line = code; (nl = strchr(line, '\n')); line = nl + 1) {
        char *prev = cell;
        cell = util_xasprintf("%s%s\"%.*s\\n\"", prev, *prev ? ", " : "", (int)(nl - line), line);
        free(prev);
    }
    char *nb = util_xasprintf("{\"cells\": [{\"cell_type\": \"code\", \"metadata\": {},"
                              " \"execution_count\": null, \"outputs\": [], \"source\": [%s]}],"
                              " \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}",
                              cell);
    free(code), free(cell);
    return nb;
}

/* An analysed file's text (a notebook's: its code cells') is remembered by its identity too, once
 * older than two seconds: a warm run answers it from its entry without reading it. Any edit is
 * seen: one of the same size with its modification time put back (the change time differs), a
 * file renamed over it with the remembered times (another inode), an edit within the same second
 * as the last run. */
START_TEST(an_analysed_file_remembered_by_its_stat_is_read_again_when_edited) {
    const char *name = _i ? "s.ipynb" : "s.py", *other = _i ? "t.ipynb" : "t.py";
    /* of the same size: the log-probabilities (no finding), and the logits */
    char *quiet = buggy_with(".log_softmax(-1)", _i), *loud = buggy_with("  # logsoftmax()", _i);
    ck_assert_uint_eq(strlen(quiet), strlen(loud));
    char *proj = tmp_dir(), *cache = util_xasprintf("%s/c", proj);
    char *path = util_xasprintf("%s/%s", proj, name), *other_path = util_xasprintf("%s/%s", proj, other);
    tmp_write(proj, name, quiet);
    sleep(3); /* older than the memo's two seconds */
    ck_one(proj, cache, name, false, "cold");
    size_t n = 0;
    char *stats_path = util_xasprintf("%s/stats", cache), *stats = read_bytes(stats_path, &n);
    ck_assert_msg(memmem(stats, n, name, strlen(name)) != NULL, "the memo does not hold %s", name);
    ck_one(proj, cache, name, false, "warm");
    struct stat was;
    ck_assert_int_eq(stat(path, &was), 0);
    const struct timespec times[2] = {was.st_atim, was.st_mtim};
    tmp_write(proj, name, loud);
    ck_assert_int_eq(utimensat(AT_FDCWD, path, times, 0), 0);
    ck_one(proj, cache, name, true, "same size, modification time put back");
    tmp_write(proj, other, quiet);
    ck_assert_int_eq(utimensat(AT_FDCWD, other_path, times, 0), 0);
    ck_assert_int_eq(rename(other_path, path), 0);
    ck_one(proj, cache, name, false, "another file renamed over it");
    tmp_write(proj, name, loud);
    ck_one(proj, cache, name, true, "edited");
    tmp_write(proj, name, quiet); /* within the same second as that run */
    ck_one(proj, cache, name, false, "edited again at once");
    free(stats), free(stats_path), free(path), free(other_path), free(quiet), free(loud);
    free(cache);
    tmp_remove(proj);
}
END_TEST

/* Does the stat memo of cache hold a record whose path ends with /name? */
static bool memo_holds(const char *cache, const char *name) {
    char *stats_path = util_xasprintf("%s/stats", cache), *slash_name = util_xasprintf("/%s", name);
    size_t n = 0;
    char *stats = read_bytes(stats_path, &n);
    bool held = memmem(stats, n, slash_name, strlen(slash_name)) != NULL;
    free(stats), free(stats_path), free(slash_name);
    return held;
}

/* The memo forgets the files that are gone, analysed files and modules alike, at the next run:
 * it holds no more than the files there are. */
START_TEST(the_memo_forgets_files_that_no_longer_exist) {
    char *proj = tmp_dir(), *cache = util_xasprintf("%s/c", proj);
    char *main_py = util_xasprintf(MAIN, "helpers");
    tmp_write(proj, "main.py", main_py);
    tmp_write(proj, "helpers.py", NORMED);
    tmp_write(proj, "other.py", CLEAN_PY);
    sleep(3); /* older than the memo's two seconds */
    CliRun cold = check_project(proj, cache);
    ck_assert(memo_holds(cache, "main.py") && memo_holds(cache, "helpers.py"));
    ck_assert(memo_holds(cache, "other.py"));
    char *helpers = util_xasprintf("%s/helpers.py", proj);
    char *other = util_xasprintf("%s/other.py", proj);
    ck_assert_int_eq(unlink(helpers), 0);
    ck_assert_int_eq(unlink(other), 0);
    CliRun ref = check_project(proj, NULL), now = check_project(proj, cache);
    ck_assert_same(now, ref, "files deleted");
    ck_assert(memo_holds(cache, "main.py"));
    ck_assert_msg(!memo_holds(cache, "helpers.py"), "the memo still holds a deleted module");
    ck_assert_msg(!memo_holds(cache, "other.py"), "the memo still holds a deleted file");
    harness_run_free(&cold), harness_run_free(&ref), harness_run_free(&now);
    free(helpers), free(other), free(main_py), free(cache);
    tmp_remove(proj);
}
END_TEST

/* An absolute import is searched from the importer's directory upwards to the repository's
 * root: the entry holds that search's answer, so a module that appears in a directory above,
 * or a .git that moves the root below it, has the importer analysed again. */
START_TEST(an_import_searched_upwards_is_checked) {
    char *proj = tmp_dir(), *cache = util_xasprintf("%s/c", proj);
    char *main_up = util_xasprintf(MAIN, "up");
    tmp_write(proj, "a/b/main.py", main_up);
    /* none; up.py two directories above (a finding no more); a/.git: the root is a/ */
    const char *steps[][2] = {{NULL, NULL}, {"up.py", NORMED}, {"a/.git", ""}};
    const bool fires[] = {true, false, true};
    for (size_t i = 0; i < 3; i++) {
        if (steps[i][0]) tmp_write(proj, steps[i][0], steps[i][1]);
        CliRun ref = check_project(proj, NULL), cold_or_now = check_project(proj, cache);
        ck_assert_same(cold_or_now, ref, steps[i][0] ? steps[i][0] : "none");
        ck_assert_int_eq(!!strstr(ref.out, "/main.py:6:"), fires[i]);
        char *stored = entries(cache);
        CliRun warm = check_project(proj, cache);
        ck_assert_same(warm, ref, "warm");
        char *again = entries(cache);
        ck_assert_str_eq(again, stored);
        harness_run_free(&ref), harness_run_free(&cold_or_now), harness_run_free(&warm);
        free(stored), free(again);
    }
    free(cache), free(main_up);
    tmp_remove(proj);
}
END_TEST

/* An importer depends on a module's code, not on its comment lines: rewording a comment line
 * or appending comments keeps the importer's entry (output unchanged), while a comment after
 * code, or a comment line that moves the module's lines (whose positions the output cites),
 * has it analysed again. Each step's output equals a run without the cache. */
START_TEST(an_importer_ignores_the_comment_lines_of_a_module) {
    static const char UTILS[] = "import torch\n"
                                "import torch.nn.functional as F\n"
                                "%s\n"
                                "\n"
                                "\n"
                                "def token_logprobs(logits, labels):\n"
                                "    %s\n"
                                "    logp = F.log_softmax(logits, dim=-1)\n"
                                "    return torch.gather(logp, 2, labels.unsqueeze(2)).squeeze(-1)%s\n"
                                "%s";
    static const char SCORE[] = "from transformers import AutoModelForCausalLM\n\n"
                                "from .utils import token_logprobs\n\n"
                                "model = AutoModelForCausalLM.from_pretrained(\"gpt2\")\n\n\n"
                                "def score(input_ids):\n"
                                "    logits = model(input_ids).logits\n"
                                "    per_token = token_logprobs(logits, input_ids)\n"
                                "    return per_token.sum(-1)\n";
    /* the comment line above the def, the one in its body, a comment after the return, the
     * end; the module position the finding cites */
    const char *steps[][5] = {
        {"# helpers", "# the labels' log-probabilities", "", "", "utils.py:9:12"},
        {"# helpers, reworded", "# their log-probabilities", "", "# appended\n\n# twice\n",
         "utils.py:9:12"},
        {"# helpers", "# the labels' log-probabilities", "  # after code", "", "utils.py:9:12"},
        {"# helpers\n# one more line", "# the labels' log-probabilities", "", "",
         "utils.py:10:12"},
    };
    char *proj = tmp_dir(), *cache = util_xasprintf("%s/c", proj);
    tmp_write(proj, "pkg/__init__.py", "");
    tmp_write(proj, "pkg/score.py", SCORE);
    const char *argv[] = {"check", "--output-format", "concise", "--cache-dir", cache,
                          "pkg/score.py", NULL};
    const char *ref_argv[] = {"check", "--output-format", "concise", "--no-cache",
                              "pkg/score.py", NULL};
    char *prev = NULL, *first_out = NULL;
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        char *utils = util_xasprintf(UTILS, steps[i][0], steps[i][1], steps[i][2], steps[i][3]);
        tmp_write(proj, "pkg/utils.py", utils);
        CliRun ref = harness_run_bin(LOGITLINT_BIN, ref_argv, NULL, proj);
        CliRun now = harness_run_bin(LOGITLINT_BIN, argv, NULL, proj);
        ck_assert_same(now, ref, steps[i][0]);
        ck_assert_msg(strstr(now.out, "pkg/score.py:10:17: LL105") && strstr(now.out, steps[i][4]),
                      "step %zu: %s", i, now.out);
        char *list = entries(cache);
        ck_assert_int_eq(count_lines(list), 1);
        if (i == 1) { /* comment lines only: the same entry, not rewritten, the same output */
            ck_assert_str_eq(list, prev);
            ck_assert_str_eq(now.out, first_out);
        } else if (i > 1) { /* analysed again: the entry rewritten under the same name */
            ck_assert_str_ne(list, prev);
        }
        if (!first_out) first_out = util_xstrdup(now.out);
        free(prev);
        prev = list;
        harness_run_free(&ref), harness_run_free(&now);
        free(utils);
    }
    free(prev), free(first_out), free(cache);
    tmp_remove(proj);
}
END_TEST

/* A module that is also analysed in the run lends its parse to its importers: what they record
 * of it is the same comment-blind hash a later run computes from the file, so a warm run
 * rewrites no entry (one thread: the module is analysed before its importer). */
START_TEST(a_module_analysed_in_the_run_keeps_its_importers_warm) {
    char *proj = tmp_dir(), *cache = util_xasprintf("%s/c", proj);
    tmp_write(proj, "a_helpers.py", "# helpers\ndef token_scores(model, ids):\n"
                                    "    return model(ids).logits\n");
    tmp_write(proj, "b_main.py", "from a_helpers import token_scores\n"
                                 "def score(model, ids):\n"
                                 "    logits = token_scores(model, ids)\n"
                                 "    total = 0\n"
                                 "    for t in range(ids.shape[1] - 1):\n"
                                 "        total += logits[0, t, ids[0, t + 1]]\n"
                                 "    return total\n");
    const char *argv[] = {"check", "--output-format", "concise", "--threads", "1", "--cache-dir",
                          cache, ".", NULL};
    CliRun cold = harness_run_bin(LOGITLINT_BIN, argv, NULL, proj);
    ck_assert_msg(strstr(cold.out, "b_main.py:6:"), "%s", cold.out);
    char *stored = entries(cache);
    CliRun warm = harness_run_bin(LOGITLINT_BIN, argv, NULL, proj);
    ck_assert_same(warm, cold, "unchanged");
    char *again = entries(cache);
    ck_assert_str_eq(again, stored);
    harness_run_free(&cold), harness_run_free(&warm);
    free(stored), free(again), free(cache);
    tmp_remove(proj);
}
END_TEST

/* What of a module's text that hash covers: everything but its comment lines outside brackets,
 * strings and continued lines (emptied, the line kept) and its empty last lines. */
START_TEST(the_code_text_of_a_module) {
    static const char *const CASES[][2] = {
        {"# top\nx = 1  # kept\n\n  # indented\n", "\nx = 1  # kept\n"},
        {"x = 1\n# a\n\n# b\n", "x = 1\n"},
        {"x = 1\r\n# a\r\n\r\n", "x = 1\r\n"},
        {"f(a,\n  # in brackets\n  b)\n", "f(a,\n  # in brackets\n  b)\n"},
        {"s = '''\n# in a string\n'''\n# out\n", "s = '''\n# in a string\n'''\n"},
        {"s = \"\"\"a\\\"\"\"\n# in\n\"\"\"\n", "s = \"\"\"a\\\"\"\"\n# in\n\"\"\"\n"},
        {"s = rb'''\\'''\n# in\n'''\n", "s = rb'''\\'''\n# in\n'''\n"},
        {"s = \"a\\\n# in\"\n# out\n", "s = \"a\\\n# in\"\n"},
        {"x = 1 + \\\n# joined\n", "x = 1 + \\\n# joined\n"},
        {"s = f\"{d['#']}\"\n# out\n", "s = f\"{d['#']}\"\n"},
        {"s = f'''{x:{w}}\n# in\n{y!r}'''\n# out\n", "s = f'''{x:{w}}\n# in\n{y!r}'''\n"},
        {"s = f'''{ {'a': 1}['a'] }\n# in\n'''\n", "s = f'''{ {'a': 1}['a'] }\n# in\n'''\n"},
        {"s = f\"{{\"\n# out\n", "s = f\"{{\"\n"},
        {"s = 'open\n# out\n", "s = 'open\n"},
        {"if x:\n    pass\n    # end\n", "if x:\n    pass\n"},
        {"", ""},
        {"# only\n", ""},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++) {
        size_t n;
        char *code = project_code_text(CASES[i][0], strlen(CASES[i][0]), &n);
        ck_assert_msg(n == strlen(code) && !strcmp(code, CASES[i][1]), "case %zu: [%s]", i, code);
        free(code);
    }
    uint8_t key[16] = {1};
    Hash128 a = project_text_hash(key, "x = 1\n", 6), b = project_text_hash(key, "x = 1\n# c\n", 10),
            c = project_text_hash(key, "x = 2\n", 6);
    ck_assert(a.lo == b.lo && a.hi == b.hi);
    ck_assert(a.lo != c.lo || a.hi != c.hi);
}
END_TEST

/* The configuration's whole text is in the key, and so is every option but the display ones. */
START_TEST(changed_configuration_is_analysed_again) {
    char *proj = make_project();
    char *cache = util_xasprintf("%s/c", proj);
    CliRun before = check(proj, cache, "concise");
    int n_before = count_entries(cache);
    tmp_write(proj, "logitlint.toml", "ignore = [\"LL101\"]\n");
    CliRun ref = check(proj, NULL, "concise"), warm = check(proj, cache, "concise");
    ck_assert_same(warm, ref, "ignore LL101");
    ck_assert_ptr_null(strstr(warm.out, "a.py:5:9: LL101"));
    /* A change that no setting reads today still invalidates (a key added later is covered). */
    int n_ignore = count_entries(cache);
    tmp_write(proj, "logitlint.toml", "ignore = [\"LL101\"]  # a comment\n");
    CliRun again = check(proj, cache, "concise");
    ck_assert_same(again, ref, "comment");
    ck_assert_int_gt(count_entries(cache), n_ignore);
    /* Options on the command line. */
    CliRun sel_ref = check_with(LOGITLINT_BIN, proj, NULL, "concise", "--select", "LL1");
    CliRun sel = check_with(LOGITLINT_BIN, proj, cache, "concise", "--select", "LL1");
    ck_assert_same(sel, sel_ref, "--select");
    CliRun iso_ref = check_with(LOGITLINT_BIN, proj, NULL, "concise", "--isolated", NULL);
    CliRun iso = check_with(LOGITLINT_BIN, proj, cache, "concise", "--isolated", NULL);
    ck_assert_same(iso, iso_ref, "--isolated");
    ck_assert_int_gt(n_ignore, n_before);
    harness_run_free(&before), harness_run_free(&ref), harness_run_free(&warm);
    harness_run_free(&again), harness_run_free(&sel_ref), harness_run_free(&sel);
    harness_run_free(&iso), harness_run_free(&iso_ref);
    free(cache);
    tmp_remove(proj);
}
END_TEST

static void copy_file(const char *from, const char *to) {
    int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    ck_assert(in >= 0 && out >= 0);
    char buf[65536];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0)
        ck_assert_int_eq(write(out, buf, (size_t)n), n);
    close(in);
    ck_assert_int_eq(close(out), 0);
}

/* Another build of logitlint (here: another copy of the executable) never reads the entries an
 * earlier one wrote, and its own replace them (the pack does not grow with every build). */
START_TEST(another_build_does_not_read_the_entries) {
    char *proj = make_project();
    char *cache = util_xasprintf("%s/c", proj), *bin = util_xasprintf("%s/logitlint-copy", proj);
    copy_file(LOGITLINT_BIN, bin);
    CliRun ref = check(proj, NULL, "json");
    CliRun cold = check(proj, cache, "json");
    char *before = entries(cache);
    int n = count_lines(before);
    CliRun other = check_with(bin, proj, cache, "json", NULL, NULL);
    ck_assert_same(other, ref, "copy");
    char *after = entries(cache);
    ck_assert_int_eq(count_lines(after), n);
    for (const char *line = before; *line; line = strchr(line, '\n') + 1) { /* no key kept */
        char *key = util_xstrndup(line, 32);
        ck_assert_ptr_null(strstr(after, key));
        free(key);
    }
    free(before), free(after);
    harness_run_free(&ref), harness_run_free(&cold), harness_run_free(&other);
    free(cache), free(bin);
    tmp_remove(proj);
}
END_TEST

/* Damages the pack, by kind: truncated, a bit flipped, every key's record pointing at the next
 * key's entry (valid entries under other keys, the index's MAC made anew with the directory's
 * secret), not a pack. */
static void damage_entries(const char *cache, int kind) {
    char *path = util_xasprintf("%s/pack", cache), *secret_path = util_xasprintf("%s/secret", cache);
    size_t len, secret_len;
    char *bytes = read_bytes(path, &len), *secret = read_bytes(secret_path, &secret_len);
    uint8_t *b = (uint8_t *)bytes;
    uint32_t n = le_load32(b + 8);
    ck_assert_int_ge(n, 2);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    if (kind == 0) fwrite(bytes, 1, len / 2, f);
    if (kind == 1) bytes[len / 2] ^= 0x10, fwrite(bytes, 1, len, f);
    if (kind == 2) {
        uint8_t first[12];
        memcpy(first, b + 12 + 32, 12); /* offset and length */
        for (uint32_t i = 0; i + 1 < n; i++)
            memcpy(b + 12 + (size_t)i * 44 + 32, b + 12 + (size_t)(i + 1) * 44 + 32, 12);
        memcpy(b + 12 + (size_t)(n - 1) * 44 + 32, first, 12);
        size_t index_end = 12 + (size_t)n * 44;
        Hash128 mac = cache_pack_mac((const uint8_t *)secret, b, index_end);
        le_store64(b + index_end, mac.lo), le_store64(b + index_end + 8, mac.hi);
        fwrite(bytes, 1, len, f);
    }
    if (kind == 3) fputs("LLPACK01 not a pack", f);
    fclose(f);
    free(bytes), free(secret), free(path), free(secret_path);
}

START_TEST(a_damaged_entry_is_rebuilt_not_trusted) {
    char *proj = make_project();
    char *cache = util_xasprintf("%s/c", proj);
    CliRun ref = check(proj, NULL, "json");
    CliRun cold = check(proj, cache, "json");
    damage_entries(cache, _i);
    CliRun damaged = check(proj, cache, "json");
    ck_assert_same(damaged, ref, "damaged entries");
    /* Rebuilt: the next run reads every entry and rewrites none. */
    char *rebuilt = entries(cache);
    CliRun warm = check(proj, cache, "json");
    ck_assert_same(warm, ref, "rebuilt entries");
    char *now = entries(cache);
    ck_assert_str_eq(now, rebuilt);
    harness_run_free(&ref), harness_run_free(&cold), harness_run_free(&damaged);
    harness_run_free(&warm);
    free(rebuilt), free(now), free(cache);
    tmp_remove(proj);
}
END_TEST

START_TEST(a_damaged_secret_is_replaced) {
    char *proj = make_project();
    char *cache = util_xasprintf("%s/c", proj), *secret = util_xasprintf("%s/secret", cache);
    CliRun ref = check(proj, NULL, "concise"), cold = check(proj, cache, "concise");
    tmp_write(cache, "secret", "short");
    CliRun after = check(proj, cache, "concise");
    ck_assert_same(after, ref, "new secret");
    struct stat st;
    ck_assert_int_eq(stat(secret, &st), 0);
    ck_assert_int_eq(st.st_size, 16);
    harness_run_free(&ref), harness_run_free(&cold), harness_run_free(&after);
    free(cache), free(secret);
    tmp_remove(proj);
}
END_TEST

/* A file skipped for a bound reports it again on the warm run (exit 2), never as clean. */
START_TEST(a_skipped_file_is_never_cached) {
    char *proj = make_project();
    char *cache = util_xasprintf("%s/c", proj);
    char deep[12010];
    memcpy(deep, "x = ", 4);
    memset(deep + 4, '(', 6000);
    memset(deep + 6004, ')', 6000);
    strcpy(deep + 12004, "\n");
    tmp_write(proj, "deep.py", deep);
    CliRun ref = check(proj, NULL, "concise");
    ck_assert_int_eq(ref.status, 2);
    ck_assert_ptr_nonnull(strstr(ref.err, "deep.py: skipped: "));
    CliRun cold = check(proj, cache, "concise"), warm = check(proj, cache, "concise");
    ck_assert_same(cold, ref, "cold");
    ck_assert_same(warm, ref, "warm");
    harness_run_free(&ref), harness_run_free(&cold), harness_run_free(&warm);
    free(cache);
    tmp_remove(proj);
}
END_TEST

static bool is_file(const char *dir, const char *name, const char *starts) {
    char *path = util_xasprintf("%s/%s", dir, name);
    char *text = tmp_read(path);
    bool ok = text && !strncmp(text, starts, strlen(starts));
    free(text), free(path);
    return ok;
}

/* Where the cache lives: .logitlint_cache in the project root (ignored by git, tagged), or
 * --cache-dir, LOGITLINT_CACHE_DIR, `cache-dir` in the configuration; --no-cache writes none. */
START_TEST(the_cache_directory) {
    char *proj = make_project();
    char *dflt = util_xasprintf("%s/.logitlint_cache", proj);
    const char *none[] = {"check", "--no-cache", "a.py", NULL};
    CliRun r = harness_run(none, NULL, proj);
    ck_assert_int_eq(r.status, 1);
    ck_assert_int_ne(access(dflt, F_OK), 0);
    harness_run_free(&r);
    const char *plain[] = {"check", "a.py", NULL};
    r = harness_run(plain, NULL, proj);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, "");
    ck_assert(is_file(dflt, ".gitignore", "# Created by logitlint"));
    char *ignore = util_xasprintf("%s/.gitignore", dflt), *text = tmp_read(ignore);
    ck_assert_ptr_nonnull(strstr(text, "\n*\n"));
    free(ignore), free(text);
    ck_assert(is_file(dflt, "CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55"));
    ck_assert_int_eq(count_entries(dflt), 1);
    harness_run_free(&r);

    setenv("LOGITLINT_CACHE_DIR", "from-env", 1);
    r = harness_run(plain, NULL, proj);
    unsetenv("LOGITLINT_CACHE_DIR");
    ck_assert(is_file(proj, "from-env/CACHEDIR.TAG", "Signature"));
    harness_run_free(&r);

    tmp_write(proj, "sub/pyproject.toml", "[tool.logitlint]\ncache-dir = \"../from-config\"\n");
    tmp_write(proj, "sub/s.py", BUGGY_PY);
    char *sub = util_xasprintf("%s/sub", proj);
    const char *in_sub[] = {"check", "s.py", NULL};
    r = harness_run(in_sub, NULL, sub);
    ck_assert_int_eq(r.status, 1);
    ck_assert(is_file(proj, "from-config/CACHEDIR.TAG", "Signature"));
    harness_run_free(&r);
    const char *cli[] = {"check", "--cache-dir", "from-cli", "s.py", NULL};
    r = harness_run(cli, NULL, sub);
    ck_assert(is_file(sub, "from-cli/CACHEDIR.TAG", "Signature"));
    harness_run_free(&r);

    /* An existing directory is used as it is: no .gitignore that could hide a project. */
    char *existing = util_xasprintf("%s/existing", proj);
    mkdir(existing, 0755);
    const char *in_existing[] = {"check", "--cache-dir", "existing", "a.py", NULL};
    r = harness_run(in_existing, NULL, proj);
    ck_assert_int_eq(r.status, 1);
    ck_assert_int_eq(count_entries(existing), 1);
    ck_assert(!is_file(existing, ".gitignore", "") && !is_file(existing, "CACHEDIR.TAG", ""));
    harness_run_free(&r);
    free(existing);

    /* A directory that cannot be made: a warning, and the same findings without a cache. */
    const char *bad[] = {"check", "--cache-dir", "a.py/cache", "a.py", NULL};
    r = harness_run(bad, NULL, proj);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.out, "a.py:5:9: LL101"));
    ck_assert_str_eq(r.err, "warning: a.py/cache: cannot be used as a cache directory: Not a "
                            "directory; running without the result cache\n");
    harness_run_free(&r);
    const char *bad_cfg[] = {"check", "--config", "c.toml", "a.py", NULL};
    tmp_write(proj, "c.toml", "cache-dir = \"\"\n");
    r = harness_run(bad_cfg, NULL, proj);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "'cache-dir' must be a non-empty string"));
    harness_run_free(&r);
    free(dflt), free(sub);
    tmp_remove(proj);
}
END_TEST

/* Four runs at once on one fresh cache directory all print what a run without it prints. */
START_TEST(concurrent_runs_share_a_directory) {
    char *proj = make_project();
    char *cache = util_xasprintf("%s/c", proj);
    CliRun ref = check(proj, NULL, "json");
    pid_t kids[4];
    for (int k = 0; k < 4; k++) {
        kids[k] = fork();
        ck_assert_int_ge(kids[k], 0);
        if (kids[k] == 0) {
            CliRun r = check(proj, cache, "json");
            _exit(same_run(&r, &ref) ? 0 : 1);
        }
    }
    for (int k = 0; k < 4; k++) {
        int st;
        ck_assert_int_eq(waitpid(kids[k], &st, 0), kids[k]);
        ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "run %d differed", k);
    }
    CliRun warm = check(proj, cache, "json");
    ck_assert_same(warm, ref, "after the concurrent runs");
    harness_run_free(&ref), harness_run_free(&warm);
    free(cache);
    tmp_remove(proj);
}
END_TEST

/* The entry format itself: a round trip keeps every field; any truncation, any flipped byte,
 * another secret or another key is refused. */
START_TEST(entries_round_trip_and_refuse_any_damage) {
    DiagList d = harness_lint(BUGGY_PY, NULL);
    ck_assert_int_ge(d.len, 1);
    CachedFile f = {.diags = d, .result = {.syntax_error = true, .error_row = 3, .error_col = 7}};
    uint8_t secret[16], other[16];
    memcpy(secret, "0123456789abcdef", 16);
    memcpy(other, "0123456789abcdeF", 16);
    Hash128 key = {42, 7}, wrong = {42, 8};
    size_t len;
    uint8_t *buf = cache_encode(secret, key, &f, &len);
    CachedFile back;
    ck_assert(cache_decode(secret, &key, buf, len, &back));
    ck_assert_int_eq(back.diags.len, d.len);
    ck_assert(back.result.syntax_error && back.result.error_row == 3 && back.result.error_col == 7);
    for (size_t i = 0; i < d.len; i++) {
        Diagnostic *a = &d.items[i], *b = &back.diags.items[i];
        ck_assert_ptr_eq(a->rule, b->rule);
        ck_assert_str_eq(a->message, b->message);
        ck_assert_ptr_eq(a->recipe, b->recipe); /* the same recipe of the same rule */
        ck_assert(a->row == b->row && a->col == b->col && a->end_row == b->end_row &&
                  a->end_col == b->end_col && a->nframe == b->nframe);
        ck_assert_str_eq(a->frame_lines[0], b->frame_lines[0]);
    }
    cache_file_free(&back);
    for (size_t cut = 0; cut < len; cut++)
        ck_assert_msg(!cache_decode(secret, &key, buf, cut, &back), "truncated at %zu", cut);
    for (size_t at = 0; at < len; at++) {
        buf[at] ^= 1;
        ck_assert_msg(!cache_decode(secret, &key, buf, len, &back), "byte %zu flipped", at);
        buf[at] ^= 1;
    }
    ck_assert(!cache_decode(other, &key, buf, len, &back));
    ck_assert(!cache_decode(secret, &wrong, buf, len, &back));
    free(buf);
    /* A column past the line shown is refused even under a valid MAC (the text format would
     * pad its caret out to it: a fuzzed entry with col 2^31 printed for minutes). */
    int cols[][2] = {{(int)strlen(d.items[0].frame_lines[0]) + 2, d.items[0].end_col},
                     {d.items[0].col, 0x7fffffff}};
    for (int k = 0; k < 2; k++) {
        Diagnostic keep = d.items[0];
        d.items[0].col = cols[k][0], d.items[0].end_col = cols[k][1];
        buf = cache_encode(secret, key, &f, &len);
        ck_assert_msg(!cache_decode(secret, &key, buf, len, &back), "column case %d", k);
        free(buf);
        d.items[0] = keep;
    }
    diag_list_free(&d);
}
END_TEST

/* A counterexample's count of tables tried round-trips; an entry whose count has its sign bit
 * set is refused even under a valid MAC, never read back as another number (found by the
 * cache fuzzer's decode-encode round trip). */
START_TEST(a_search_count_with_its_sign_bit_set_is_refused) {
    DiagList d = harness_lint(BUGGY_PY, NULL);
    ck_assert_int_ge(d.len, 1);
    ck_assert_ptr_nonnull(d.items[0].recipe);
    VerifyResult *cex = verify_counterexample(d.items[0].recipe);
    ck_assert_ptr_nonnull(cex);
    const uint64_t tries = 0x0123456789abcdefull;
    cex->search_tries = (long)tries;
    d.items[0].cex = cex;
    CachedFile f = {.diags = d, .verified = true};
    uint8_t secret[16];
    memcpy(secret, "0123456789abcdef", 16);
    Hash128 key = {42, 7};
    size_t len;
    uint8_t *buf = cache_encode(secret, key, &f, &len);
    CachedFile back;
    ck_assert(cache_decode(secret, &key, buf, len, &back));
    ck_assert_int_eq(back.diags.items[0].cex->search_tries, (long)tries);
    cache_file_free(&back);
    size_t at = 0;
    while (at + 8 <= len - 16 && le_load64(buf + at) != tries) at++;
    ck_assert_msg(at + 8 <= len - 16, "the count is not in the entry");
    le_store64(buf + at, tries | 0x8000000000000000ull);
    Hash128 mac = cache_mac(secret, buf, len);
    le_store64(buf + len - 16, mac.lo), le_store64(buf + len - 8, mac.hi);
    ck_assert(!cache_decode(secret, &key, buf, len, &back));
    free(buf);
    d.items[0].cex = NULL;
    verify_result_free(cex);
    diag_list_free(&d);
}
END_TEST

/* The asks an entry holds, front-coded (cache.c): every kind of sharing round-trips (an answer
 * that starts as its question, as the last answer of its kind, ends as its question, shares
 * nothing; none; a text hash or none), the front-coded asks take a fraction of their strings'
 * bytes, and under a valid MAC any byte changed among them is refused or read back as exactly
 * the bytes it reads: the reader accepts only what the writer writes. */
START_TEST(asks_are_front_coded_and_read_back_exactly) {
    static const ProjectAsk ASKS[] = {
        {PROJECT_ASK_MODULE, "repo/src/pkg/metrics/utils", "repo/src/pkg/metrics/utils.py", {0, 0}},
        {PROJECT_ASK_MODULE, "repo/src/pkg/metrics/utils/io", NULL, {0, 0}},
        {PROJECT_ASK_MODULE, "repo/src/pkg/models", "repo/src/pkg/models/__init__.py", {0, 0}},
        {PROJECT_ASK_REALPATH, "repo/src/pkg/a.py", "/tmp/x/repo/src/pkg/a.py", {0, 0}},
        {PROJECT_ASK_REALPATH, "repo/src/pkg/b.py", "/tmp/x/repo/src/pkg/b.py", {0, 0}},
        {PROJECT_ASK_READ, "/tmp/x/repo/src/pkg/a.py", "repo/src/pkg/a.py", {1, 2}},
        {PROJECT_ASK_READ, "/tmp/x/repo/src/pkg/gone.py", NULL, {0, 0}},
        {PROJECT_ASK_SELF, "repo/src/pkg/a.py", "/tmp/x/repo/src/pkg/a.py", {0, 0}},
        {PROJECT_ASK_SEARCH, "pkg.metrics\nrepo/src/pkg/tasks", "repo/src/pkg/metrics.py", {0, 0}},
        {PROJECT_ASK_SEARCH, "pkg.models\nrepo/src/pkg/tasks", "repo/src/pkg/models.py", {0, 0}},
        {PROJECT_ASK_SEARCH, "zz\nrepo", "", {0, 0}},
        {PROJECT_ASK_EXEC, "0\npkg.models\n/tmp/x/repo/src/pkg/a.py", "/tmp/x/m.py", {0, 0}},
    };
    CachedFile f = {0};
    size_t plain = 0;
    for (size_t i = 0; i < sizeof ASKS / sizeof *ASKS; i++) {
        ProjectAsk a = ASKS[i];
        a.question = util_xstrdup(a.question);
        a.answer = a.answer ? util_xstrdup(a.answer) : NULL;
        plain += strlen(a.question) + (a.answer ? strlen(a.answer) : 0);
        array_push(&f.asks, a);
    }
    project_asks_copy(&f.verify_asks, &f.asks);
    f.verified = true;
    uint8_t secret[16];
    memcpy(secret, "0123456789abcdef", 16);
    Hash128 key = {42, 7};
    size_t len;
    CachedFile none = {.verified = true};
    size_t bare;
    free(cache_encode(secret, key, &none, &bare));
    uint8_t *buf = cache_encode(secret, key, &f, &len);
    ck_assert_uint_lt((len - bare) / 2, plain * 3 / 4); /* (each list: the strings' bytes) */
    CachedFile back;
    ck_assert(cache_decode(secret, &key, buf, len, &back));
    const ProjectAsks *lists[2][2] = {{&f.asks, &back.asks}, {&f.verify_asks, &back.verify_asks}};
    for (int l = 0; l < 2; l++) {
        ck_assert_uint_eq(lists[l][1]->len, lists[l][0]->len);
        for (size_t i = 0; i < lists[l][0]->len; i++) {
            const ProjectAsk *x = &lists[l][0]->items[i], *y = &lists[l][1]->items[i];
            ck_assert_uint_eq(x->kind, y->kind);
            ck_assert_str_eq(x->question, y->question);
            ck_assert(project_same_answer(x->answer, y->answer));
            ck_assert(x->text.lo == y->text.lo && x->text.hi == y->text.hi);
        }
    }
    cache_file_free(&back);
    for (size_t at = 0; at + 16 < len; at++)
        for (int bit = 0; bit < 8; bit++) {
            buf[at] ^= (uint8_t)(1 << bit);
            Hash128 mac = cache_mac(secret, buf, len);
            le_store64(buf + len - 16, mac.lo), le_store64(buf + len - 8, mac.hi);
            if (cache_decode(secret, &key, buf, len, &back)) {
                size_t again_len;
                uint8_t *again = cache_encode(secret, key, &back, &again_len);
                ck_assert_msg(again_len == len && !memcmp(again, buf, len), "byte %zu bit %d", at, bit);
                free(again);
                cache_file_free(&back);
            }
            buf[at] ^= (uint8_t)(1 << bit);
        }
    free(buf);
    cache_file_free(&f);
}
END_TEST

/* SipHash-2-4's published test vectors (64- and 128-bit outputs), fed in pieces too. */
START_TEST(siphash_test_vectors) {
    uint8_t key[16], msg[15];
    for (int i = 0; i < 16; i++)
        key[i] = (uint8_t)i;
    for (int i = 0; i < 15; i++)
        msg[i] = (uint8_t)i;
    HashState h;
    hash_init(&h, key, 0);
    hash_update(&h, msg, 15);
    ck_assert_uint_eq(hash_final(&h).lo, 0xa129ca6149be45e5ULL);
    hash_init(&h, key, 0);
    hash_update(&h, msg, 3), hash_update(&h, msg + 3, 9), hash_update(&h, msg + 12, 3);
    ck_assert_uint_eq(hash_final(&h).lo, 0xa129ca6149be45e5ULL);
    hash_init(&h, key, 1); /* the empty message: a3817f04ba25a8e6 6df67214c7550293 */
    Hash128 v = hash_final(&h);
    ck_assert_uint_eq(v.lo, 0xe6a825ba047f81a3ULL);
    ck_assert_uint_eq(v.hi, 0x930255c71472f66dULL);
}
END_TEST

static Suite *suite(void) {
    Suite *s = suite_create("cache");
    TCase *t = tcase_create("cache");
    tcase_set_timeout(t, 600);
    tcase_add_loop_test(t, warm_run_prints_what_the_cold_run_printed, 0,
                        (int)(sizeof FORMATS / sizeof *FORMATS));
    tcase_add_test(t, display_options_reuse_the_entries);
    tcase_add_test(t, entries_stored_without_verifying_are_verified_when_read);
    tcase_add_test(t, changed_content_is_analysed_again);
    tcase_add_test(t, what_a_file_read_of_its_project_is_checked);
    tcase_add_test(t, an_import_searched_upwards_is_checked);
    tcase_add_test(t, a_kept_counterexample_follows_the_code_it_ran);
    tcase_add_test(t, a_module_remembered_by_its_stat_is_read_again_when_edited);
    tcase_add_test(t, a_module_read_by_the_cold_run_is_remembered);
    tcase_add_loop_test(t, an_analysed_file_remembered_by_its_stat_is_read_again_when_edited, 0, 2);
    tcase_add_test(t, the_memo_forgets_files_that_no_longer_exist);
    tcase_add_test(t, an_importer_ignores_the_comment_lines_of_a_module);
    tcase_add_test(t, a_module_analysed_in_the_run_keeps_its_importers_warm);
    tcase_add_test(t, the_code_text_of_a_module);
    tcase_add_test(t, changed_configuration_is_analysed_again);
    tcase_add_test(t, another_build_does_not_read_the_entries);
    tcase_add_loop_test(t, a_damaged_entry_is_rebuilt_not_trusted, 0, 4);
    tcase_add_test(t, a_damaged_secret_is_replaced);
    tcase_add_test(t, a_skipped_file_is_never_cached);
    tcase_add_test(t, the_cache_directory);
    tcase_add_test(t, concurrent_runs_share_a_directory);
    tcase_add_test(t, entries_round_trip_and_refuse_any_damage);
    tcase_add_test(t, a_search_count_with_its_sign_bit_set_is_refused);
    tcase_add_test(t, asks_are_front_coded_and_read_back_exactly);
    tcase_add_test(t, siphash_test_vectors);
    suite_add_tcase(s, t);
    return s;
}

int main(void) {
    return harness_main(suite());
}
