/* The per-file loop. Files are handed out one at a time to a bounded pool of worker threads;
 * each worker answers the file from the result cache (an unchanged file is not even read), or
 * loads it, asks the prefilter which rules could fire on it (none: the file is never parsed),
 * lints it, computes its findings' counterexamples and frees everything but its findings.
 * Results are committed in file order (findings to the caller's list, messages to stderr), so
 * output never depends on scheduling; at most one file per worker is in memory at a time, plus
 * findings.
 *
 * Everything a worker calls per file (source, parse, facts, rules, prefilter scan) keeps its
 * state in the file's own structures: no static mutable state. */
#define _GNU_SOURCE /* sched_getaffinity */
#include "run.h"

#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache_stat.h"
#include "lint.h"
#include "notebook.h"
#include "prefilter.h"
#include "problem.h"
#include "project.h"
#include "rules.h"

enum { RUN_MAX_THREADS = 256, RUN_STACK_SIZE = 16 * 1024 * 1024 };

/* What one file produced, held until every earlier file has been committed. */
typedef struct FileResult {
    DiagList diags;
    char *messages; /* stderr lines, NULL if none */
    bool failed;
    bool done;
} FileResult;

typedef struct RunState {
    const PathList *files;
    const RunOptions *opts;
    bool filter;                    /* false: --no-prefilter */
    pthread_mutex_t prefilter_lock; /* prefilter_of: built for the first file scanned */
    Prefilter *prefilter;
    ProjectCache *modules; /* the project's modules read so far (project.h) */
    char *cwd;             /* the working directory (NULL: unknown) */
    atomic_size_t next;    /* the next file to hand out */
    pthread_mutex_t lock;  /* guards results, committed, out, failed */
    FileResult *results;
    size_t committed; /* files [0, committed) are in `out` and on stderr */
    DiagList *out;
    int failed;
} RunState;

static void note(FileResult *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(FileResult *r, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    size_t old = r->messages ? strlen(r->messages) : 0;
    r->messages = util_xrealloc(r->messages, old + (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(r->messages + old, (size_t)n + 1, fmt, ap);
    va_end(ap);
}

/* The run's prefilter, built once when a file first needs it: a file answered from the cache,
 * or one that imports (never scanned), does not, so a run over such files never builds it. */
static const Prefilter *prefilter_of(RunState *st) {
    pthread_mutex_lock(&st->prefilter_lock);
    if (!st->prefilter) st->prefilter = prefilter_new(st->opts->enabled);
    pthread_mutex_unlock(&st->prefilter_lock);
    return st->prefilter;
}

/* Do the asks of the script's code the verifier ran still get the answers they got? */
static bool verify_asks_hold(ProjectCache *c, const ProjectAsks *asks) {
    for (size_t i = 0; i < asks->len; i++)
        if (!cex_ask_holds(c, &asks->items[i])) return false;
    return true;
}

/* Stores the findings out[first..] of the file at path as its entry: verified (with what the
 * verifier's runs read) when the run attaches counterexamples. */
static void store(RunState *st, Hash128 key, const char *path, CachedFile *entry, DiagList *out,
                  size_t first) {
    const RunOptions *o = st->opts;
    size_t found = out->len - first; /* (no findings at all: out->items is NULL) */
    entry->diags = (DiagList){found ? out->items + first : NULL, found, found};
    entry->verified = o->cex != NULL;
    if (o->cex) cex_asks(st->modules, entry->diags.items, found, &entry->verify_asks);
    cache_store(o->cache, key, cache_slot_of(o->cache, o->settings, path), entry);
    project_asks_free(&entry->verify_asks);
}

/* Whether d's counterexample is scored on the analysed text (it has a recipe), so that the
 * text must be read to use a cached d. */
static bool scores_text(const Diagnostic *d) {
    return d->recipe || verify_recipe_for_rule(d->code);
}

/* The findings of a valid entry to out: its counterexamples given to the run's pool (or dropped,
 * --no-verify), and the analysed text given to those with a recipe, as rules_emit does. Those
 * of an entry stored by a --no-verify run are verified now and the entry stored again. */
static void use_entry(RunState *st, const Source *src, Hash128 key, CachedFile *entry,
                      DiagList *out, LintResult *lr) {
    const RunOptions *o = st->opts;
    size_t first = out->len;
    VerifySource *text = NULL;
    for (size_t k = 0; k < entry->diags.len; k++) {
        Diagnostic *d = &entry->diags.items[k];
        if (d->cex && o->cex) d->cex = cex_adopt(o->cex, (VerifyResult *)d->cex);
        if (d->cex && !o->cex) verify_result_free((VerifyResult *)d->cex), d->cex = NULL;
        if (!o->cex) free(d->no_cex), d->no_cex = NULL;
        d->cex_tried = o->cex && entry->verified; /* (none found: the verifier found none) */
        if (d->fix && !o->cex) /* as a fix is made: nothing verified */
            d->fix->verified = FIX_UNVERIFIED, d->fix->verify_note[0] = '\0';
        if (scores_text(d) && src && d->site.end <= src->len) { /* (src NULL: none has one) */
            if (!text) text = verify_source_new(src->path, src->text, src->len, src);
            if (text) d->site.src = verify_source_ref(text);
        }
        array_push(out, *d);
    }
    verify_source_unref(text);
    array_free(&entry->diags);
    *lr = entry->result;
    if (o->cex && !entry->verified) {
        cex_attach(o->cex, out->items + first, out->len - first, false, false);
        store(st, key, src->path, entry, out, first); /* (src: answer_unread left it to be read) */
    }
    entry->diags = (DiagList){0}; /* (its findings are out's now) */
    cache_file_free(entry);
}

/* The findings out[first..] of a file just analysed, whose counterexamples are computed (and
 * entry stored, when `store`) once its analysis has let go of the project's modules: the
 * verifier parses its own, and the two would otherwise be held at once. */
typedef struct Fresh {
    size_t first;
    bool store;
    Hash128 key;
    const char *path;
    CachedFile entry; /* its asks: a copy of the analysis's */
} Fresh;

/* Is there an entry for key, and does what it and the verifier read of the project still get
 * the answers it got? */
static bool entry_holds(RunState *st, Hash128 key, const char *path, CachedFile *entry) {
    return cache_load(st->opts->cache, key, path, entry) &&
           project_asks_hold(st->modules, entry->asks.items, entry->asks.len, path) &&
           verify_asks_hold(st->modules, &entry->verify_asks);
}

/* An analysed file's identity on disk, taken before it is read (ok), under which the stat memo
 * (cache_stat.h) remembers the id of its text (cache_text_id; a notebook's: of its code cells):
 * `name` is its path as given, apart from the modules' canonical paths, whose hashes are of their
 * code text. */
typedef struct FileId {
    bool ok, known; /* known: the memo knew it as it is */
    struct stat st;
    char *name;
    Hash128 text_id;
    bool held;   /* entry: key's, which holds, kept for the file's reading (one that needs */
    Hash128 key; /* the text is then not read and checked again) */
    CachedFile entry;
} FileId;

/* A warm run's answer for the file at path without reading it: the memo knows its text by its
 * identity (the walk's stat of it, ds, when it took one), its entry holds, and that entry needs
 * nothing of the text (no finding the verifier reads, nothing left to verify). False: it is read
 * (id says what the memo knew). */
static bool answer_unread(RunState *st, const char *path, const DiscoverStat *ds, FileId *id,
                          DiagList *out, LintResult *lr) {
    const RunOptions *o = st->opts;
    if (ds && ds->known) id->st = ds->st;
    if (!o->cache || (!(ds && ds->known) && stat(path, &id->st) != 0) ||
        !S_ISREG(id->st.st_mode))
        return false;
    id->ok = true;
    /* (absolute: the memo's records do not depend on the working directory, and one of a file
     * that is gone can be told: cache_stat_close) */
    id->name = path[0] == '/' || !st->cwd ? util_xasprintf("\1%s", path)
                                          : util_xasprintf("\1%s/%s", st->cwd, path);
    id->known = cache_stat_get(cache_stats(o->cache), id->name, &id->st, &id->text_id);
    if (!id->known) return false;
    Hash128 key = cache_key_of(o->cache, o->settings, id->text_id, path);
    CachedFile entry = {0};
    bool holds = entry_holds(st, key, path, &entry);
    id->key = key;
    bool needs_text = o->cex && !entry.verified;
    for (size_t k = 0; k < entry.diags.len && !needs_text; k++)
        needs_text = scores_text(&entry.diags.items[k]);
    if (holds && needs_text) id->entry = entry, id->held = true; /* used once the text is read */
    if (!holds) cache_file_free(&entry);
    if (!holds || needs_text) return false;
    memset(lr, 0, sizeof *lr);
    use_entry(st, NULL, key, &entry, out, lr);
    return true;
}

/* What linting src gives: its entry in the cache, asked first (a warm run skips even the
 * prefilter's scan) and used while what it and the verifier read of the project is unchanged;
 * else nothing if the prefilter says no enabled rule can fire (the file is not even parsed); else
 * lint_source's findings, true: the caller finishes *fresh (verify_fresh). Stored for the next
 * run when the result is complete (no bound, no parse failure). The id of a text read from a
 * file whose identity id holds is remembered. */
static bool lint_cached(RunState *st, const Source *src, ProjectFile *project, FileId *id,
                        DiagList *out, LintResult *lr, Fresh *fresh) {
    const RunOptions *o = st->opts;
    memset(lr, 0, sizeof *lr);
    bool cached = o->cache && project; /* not standard input */
    Hash128 key = {0, 0};
    if (cached) {
        Hash128 text_id = cache_text_id(o->cache, src);
        key = cache_key_of(o->cache, o->settings, text_id, src->path);
        /* (a notebook's id is of the code its cells give: another build may convert it anew) */
        if (id->ok && (!id->known || text_id.lo != id->text_id.lo || text_id.hi != id->text_id.hi))
            cache_stat_put(cache_stats(o->cache), id->name, &id->st, text_id);
    }
    CachedFile entry = {0};
    bool same_text = cached && id->held && key.lo == id->key.lo && key.hi == id->key.hi;
    if (same_text) entry = id->entry, id->held = false; /* answer_unread checked it holds */
    if (same_text || (cached && entry_holds(st, key, src->path, &entry))) {
        use_entry(st, src, key, &entry, out, lr);
        return false;
    }
    cache_file_free(&entry); /* none, or stale */
    /* the text of the modules it imports may hold what the prefilter looks for: a file that
     * imports is not filtered */
    bool may[64];
    const bool *enabled = o->enabled;
    /* A declared contract can make scores out of a name no rule's literals cover; an import
     * of the project can bring in code whose literals this file lacks. */
    if (st->filter && !o->contracts && rules_count <= sizeof may / sizeof *may &&
        !(project && memmem(src->text, src->len, "import", 6))) {
        if (prefilter_scan(prefilter_of(st), src->text, src->len, may) == 0) return false;
        enabled = may;
    }
    *fresh = (Fresh){.first = out->len, .key = key, .path = src->path};
    lint_source_declared(src, enabled, o->contracts, out, lr);
    fresh->store = cached && !lr->parse_failed && lr->bound == BOUND_NONE;
    if (fresh->store) {
        fresh->entry.result = *lr;
        project_asks_copy(&fresh->entry.asks, project_file_asks(project));
    }
    return true;
}

/* The counterexamples of a fresh analysis's findings, then its entry stored. */
static void verify_fresh(RunState *st, DiagList *out, Fresh *fresh) {
    const RunOptions *o = st->opts;
    if (o->cex && out->len > fresh->first) /* (none: out->items may be NULL) */
        cex_attach(o->cex, out->items + fresh->first, out->len - fresh->first, false, false);
    if (fresh->store) store(st, fresh->key, fresh->path, &fresh->entry, out, fresh->first);
    project_asks_free(&fresh->entry.asks);
}

/* What the file at shown gave besides its findings: a failure, or a warning. */
static void report(const RunOptions *o, const char *shown, const LintResult *lr, FileResult *r) {
    if (lr->parse_failed) {
        note(r, "logitlint: %s: could not be parsed\n", shown);
        problem_add(&r->diags, shown, "could not be parsed");
        r->failed = true;
    } else if (lr->bound != BOUND_NONE) { /* bounds.h: skipped, and the run exits 2 */
        note(r, "logitlint: %s: skipped: %s\n", shown, bounds_describe(lr->bound));
        char *why = util_xasprintf("skipped: %s", bounds_describe(lr->bound));
        problem_add(&r->diags, shown, why);
        free(why);
        r->failed = true;
    } else if (lr->syntax_error && !o->quiet) {
        char cell[32] = ""; /* notebooks: `nb.ipynb:cell 3:2:5` */
        if (lr->error_cell) snprintf(cell, sizeof cell, ":cell %d", lr->error_cell);
        note(r, "warning: %s%s:%d:%d: syntax error; the rest of the file was still analysed\n",
             shown, cell, lr->error_row, lr->error_col);
    }
}

/* Loads, prefilters, lints and warns for one file (id: its identity, taken before). */
static void read_and_lint(RunState *st, const char *path, FileId *id, FileResult *r) {
    const RunOptions *o = st->opts;
    Source src;
    char err[512];
    SourceStatus status;
    if (!strcmp(path, "-"))
        status = source_load_stream(&src, stdin, o->stdin_filename ? o->stdin_filename : "-", err,
                                    sizeof err);
    else
        status = source_load_file(&src, path, err, sizeof err);
    if (status == SOURCE_OK && notebook_is_path(src.path)) /* .ipynb: its code cells */
        status = notebook_convert(&src, err, sizeof err);
    if (status != SOURCE_OK) {
        note(r, "logitlint: %s\n", err);
        const char *shown = strcmp(path, "-") ? path : o->stdin_filename ? o->stdin_filename : "-";
        problem_add(&r->diags, shown, err);
        source_free(&src);
        r->failed = true;
        return;
    }
    /* Modules of the project it imports are read with it (project.h). */
    ProjectFile *project = strcmp(path, "-") ? project_file_new(path, &src, st->modules) : NULL;
    LintResult lr;
    Fresh fresh;
    bool analysed = lint_cached(st, &src, project, id, &r->diags, &lr, &fresh);
    project_file_free(project); /* (src keeps a dangling peers pointer, never read again) */
    if (analysed) verify_fresh(st, &r->diags, &fresh);
    /* Its counterexamples are computed: what the verifier parsed goes now, not with the run's
     * findings at its end (all of them, on top of the project's modules the run keeps). */
    for (size_t k = 0; k < r->diags.len; k++)
        verify_source_trim(r->diags.items[k].site.src);
    report(o, src.path, &lr, r);
    source_free(&src);
}

/* Loads, prefilters, lints and warns for one file (ds: what the walk learnt of it, NULL:
 * nothing): a warm run answers an unchanged one without reading it. */
static void run_one(RunState *st, const char *path, const DiscoverStat *ds, FileResult *r) {
    const RunOptions *o = st->opts;
    FileId id = {0};
    LintResult lr;
    bool answered = strcmp(path, "-") && answer_unread(st, path, ds, &id, &r->diags, &lr);
    if (answered) report(o, path, &lr, r); /* (the path as given is the source's) */
    if (!answered) read_and_lint(st, path, &id, r);
    if (id.held) cache_file_free(&id.entry); /* (the text read was another) */
    free(id.name);
}

/* Moves every finished file at the head of the queue to the output. Called with the lock. */
static void commit_ready(RunState *st) {
    while (st->committed < st->files->len && st->results[st->committed].done) {
        FileResult *r = &st->results[st->committed++];
        for (size_t k = 0; k < r->diags.len; k++)
            array_push(st->out, r->diags.items[k]);
        array_free(&r->diags);
        if (r->messages) fputs(r->messages, stderr);
        free(r->messages);
        r->messages = NULL;
        st->failed += r->failed;
    }
}

static void *worker(void *arg) {
    RunState *st = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&st->next, 1);
        if (i >= st->files->len) break;
        FileResult r = {0};
        run_one(st, st->files->items[i], st->opts->stats ? &st->opts->stats[i] : NULL, &r);
        r.done = true;
        pthread_mutex_lock(&st->lock);
        st->results[i] = r;
        commit_ready(st);
        pthread_mutex_unlock(&st->lock);
    }
    return NULL;
}

int run_thread_count(int threads) {
    if (threads > 0) return threads > RUN_MAX_THREADS ? RUN_MAX_THREADS : threads;
    cpu_set_t set;
    int n = 0;
    if (sched_getaffinity(0, sizeof set, &set) == 0) n = CPU_COUNT(&set);
    if (n <= 0) n = (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (n <= 0) n = 1;
    return n > RUN_MAX_THREADS ? RUN_MAX_THREADS : n;
}

int run_files(const PathList *files, const RunOptions *opts, DiagList *out) {
    RunState st = {.files = files, .opts = opts, .out = out, .filter = !opts->no_prefilter};
    if (opts->cache) st.cwd = getcwd(NULL, 0);
    atomic_init(&st.next, 0);
    pthread_mutex_init(&st.lock, NULL);
    pthread_mutex_init(&st.prefilter_lock, NULL);
    st.results = util_xcalloc(files->len ? files->len : 1, sizeof *st.results);
    st.modules = project_cache_new(opts->cache ? cache_text_key(opts->cache) : NULL);
    if (opts->cache) project_cache_use_stats(st.modules, cache_stats(opts->cache));
    if (opts->dirs) project_cache_use_dirs(st.modules, opts->dirs);

    size_t nthreads = (size_t)run_thread_count(opts->threads);
    if (nthreads > files->len) nthreads = files->len;
    pthread_t tids[RUN_MAX_THREADS];
    size_t started = 0;
    if (nthreads > 1) {
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        /* The interpreter recurses over deeply nested code: give workers the stack the main
         * thread usually has, not a smaller library default. */
        pthread_attr_setstacksize(&attr, RUN_STACK_SIZE);
        for (; started < nthreads; started++)
            if (pthread_create(&tids[started], &attr, worker, &st) != 0) break;
        pthread_attr_destroy(&attr);
    }
    if (started == 0) worker(&st); /* one thread, or none could be started: do it here */
    for (size_t t = 0; t < started; t++)
        pthread_join(tids[t], NULL);

    pthread_mutex_destroy(&st.lock);
    pthread_mutex_destroy(&st.prefilter_lock);
    free(st.results);
    prefilter_free(st.prefilter);
    project_cache_free(st.modules);
    free(st.cwd);
    return st.failed;
}
