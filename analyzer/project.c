/* The project index of one file's analysis: the modules of the project it imports, loaded on
 * demand, and the hooks by which the interpreter resolves an imported name to another file's
 * function, class or constant and runs its code (see project.h). */
#define _GNU_SOURCE /* realpath */
#include "project.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "dircache.h"
#include "facts_svc.h"
#include "project_summary.h"

/* A function of another file this file's code reached, and the calls it was reached under
 * (project_before_call): analysed alone there only if a finding at a call asks for it. */
typedef struct AloneWanted {
    TSNode def;
    int depth;
    TSNode stack[FACTS_CALL_SLOTS];
} AloneWanted;

typedef struct ProjectModule {
    const char *path;  /* as shown (relative to the working directory) */
    char *real;        /* its canonical path: one module per file */
    const Source *src; /* the run's (project_cache.c) */
    TSTree *tree;      /* the run's, read only */
    ProjectRead *held; /* the cache's parse that src and tree come from */
    TSNode root;
    Frame frame; /* its top-level names */
    FuncList funcs;
    uint32_t *func_slots;
    size_t func_nslots;
    bool done;                     /* its top level has run */
    const ProjectSummary *summary; /* what that left, as every importer sees it; NULL: what
                                      it left here depends on this analysis */
    uint32_t loaded_clock;         /* Interp.clock when it was done */
} ProjectModule;

/* The load of a module whose top level runs now, to be summarised (project_summary.h). */
typedef struct Loading {
    ProjectModule *m;
    bool own; /* what it leaves depends on nothing of this analysis (so far) */
    Array(SummaryTouch) touches;
    size_t asks_from;
    long steps_from, nested_steps; /* pf->budget.steps_left at its start; its imports' steps */
    int block_from, expr_from, block_peak, expr_peak;
} Loading;

struct ProjectFile {
    char *path, *real; /* the analysed file; real: file_real */
    bool real_known;
    ProjectCache *cache, *own_cache;
    Array(ProjectModule *) modules;
    ProjectAsks asks; /* project_file_asks */
    Array(AloneWanted) alone_wanted; /* functions to analyse alone if a finding asks */
    Array(Loading) loading;    /* the loads running now, the innermost last */
    ProjectRead *own_parse;    /* the run's parse of this file that it reads (or NULL) */
    SourcePeers peers;
    size_t bytes;
    Budget budget; /* the steps other files' code may take */
    /* This file's own module state, while another module's is in the interpreter. */
    Frame *home_module;
    FuncList home_funcs;
    uint32_t *home_slots;
    size_t home_nslots;
};

/* Libraries the facts layer models by their names: a directory of the project that happens to
 * be called so (a vendored copy) must not replace what the table knows of them. */
static const char *const LIBRARIES[] = {
    "torch", "numpy", "jax", "flax", "optax", "scipy", "sklearn", "tensorflow", "keras",
    "keras_nlp", "mlx", "math", "transformers", "vllm", "openai", "onnxruntime", "accelerate",
    "datasets", "peft", "trl", "lightning", "pytorch_lightning", "deepspeed", "statistics",
    /* and, for speed only, the standard library's and common packages' names */
    "functools", "itertools", "collections", "typing", "dataclasses", "os", "sys", "re", "json",
    "time", "gc", "abc", "pathlib", "contextlib", "argparse", "logging", "random", "copy",
    "warnings", "inspect", "textwrap", "enum", "io", "subprocess", "shutil", "tempfile", "glob",
    "string", "datetime", "pickle", "hashlib", "threading", "multiprocessing", "concurrent",
    "asyncio", "unittest", "importlib", "types", "operator", "heapq", "bisect", "uuid", "csv",
    "gzip", "zipfile", "socket", "signal", "traceback", "pprint", "platform", "struct", "base64",
    "queue", "weakref", "codecs", "fnmatch", "errno", "ctypes", "__future__", "pandas",
    "packaging", "tqdm", "yaml", "requests", "wandb", "tokenizers", "sentencepiece", "einops",
    "safetensors", "huggingface_hub", "pytest", "rich", "omegaconf", "hydra", "tiktoken", NULL};

ProjectFile *project_file_new(const char *path, Source *src, ProjectCache *cache) {
    ProjectFile *pf = util_xcalloc(1, sizeof *pf);
    pf->cache = cache ? cache : (pf->own_cache = project_cache_new(NULL));
    pf->path = util_xstrdup(path);
    pf->peers.project = pf;
    bounds_init(&pf->budget, PROJECT_MAX_STEPS, 0);
    pf->bytes = src->len; /* (PROJECT_MAX_BYTES counts the file's own) */
    src->peers = &pf->peers;
    return pf;
}

void project_file_free(ProjectFile *pf) {
    if (!pf) return;
    for (size_t i = 0; i < pf->modules.len; i++) {
        ProjectModule *m = pf->modules.items[i];
        env_free(&m->frame.env);
        free(m->func_slots);
        array_free(&m->funcs);
        project_cache_release(pf->cache, m->held);
        free(m->real);
        free(m);
    }
    array_free(&pf->modules);
    project_asks_free(&pf->asks);
    array_free(&pf->alone_wanted);
    array_free(&pf->loading); /* (empty: every load ended) */
    free(pf->peers.trees);
    free(pf->peers.srcs);
    free(pf->path);
    free(pf->real);
    project_cache_free(pf->own_cache);
    free(pf);
}

/* The analysed file's canonical path, found when first needed: a file that imports nothing of
 * the project (or whose cached entry holds) never needs it. */
static const char *file_real(ProjectFile *pf) {
    if (!pf->real_known) pf->real = realpath(pf->path, NULL), pf->real_known = true;
    return pf->real;
}

/* A file that is not a notebook (whose source is no file's text) may be another's import. */
static bool importable(ProjectFile *pf, const Source *src) {
    return pf && !src->line_cell && file_real(pf);
}

ParseStatus project_file_parse(ProjectFile *pf, Parsed *parsed, const Source *src, Budget *budget) {
    ParseStatus st = PARSE_OK;
    if (!importable(pf, src) || !project_cache_take(pf->cache, pf->real, src, parsed, &pf->own_parse))
        st = parse_python_within(parsed, src, budget);
    if (pf && st == PARSE_OK) pf->peers.home = parsed->tree;
    return st;
}

void project_file_parse_done(ProjectFile *pf, Parsed *parsed) {
    if (pf) pf->peers.home = NULL; /* (a later tree may get its address) */
    if (pf && pf->own_parse) {
        project_cache_release(pf->cache, pf->own_parse);
        pf->own_parse = NULL;
        memset(parsed, 0, sizeof *parsed);
    } else if (!importable(pf, parsed->src) ||
               !project_cache_give(pf->cache, pf->real, parsed->src, parsed)) {
        parse_free(parsed);
    } else {
        memset(parsed, 0, sizeof *parsed);
    }
}

static int by_question(const void *a, const void *b) {
    const ProjectAsk *x = a, *y = b;
    if (x->kind != y->kind) return x->kind < y->kind ? -1 : 1;
    return strcmp(x->question, y->question);
}

const ProjectAsks *project_file_asks(ProjectFile *pf) {
    ProjectAsks *a = &pf->asks;
    if (a->len && a->items[a->len - 1].kind != PROJECT_ASK_SELF) /* not yet added */
        array_push(a, ((ProjectAsk){PROJECT_ASK_SELF, util_xstrdup(pf->path),
                                    file_real(pf) ? util_xstrdup(pf->real) : NULL, {0, 0}}));
    if (a->len) qsort(a->items, a->len, sizeof *a->items, by_question);
    size_t kept = 0;
    for (size_t i = 0; i < a->len; i++) {
        if (kept && !by_question(&a->items[kept - 1], &a->items[i])) {
            free(a->items[i].question);
            free(a->items[i].answer);
        } else {
            a->items[kept++] = a->items[i];
        }
    }
    a->len = kept;
    return a;
}

static ProjectModule *module_of_tree(ProjectFile *pf, const void *tree) {
    for (size_t i = 0; i < pf->modules.len; i++)
        if (pf->modules.items[i]->tree == tree) return pf->modules.items[i];
    return NULL;
}

/* ---------- entering and leaving another module ---------- */

/* The module running now keeps the function index built while it ran. */
static void keep_funcs(Interp *in) {
    in->mod->funcs = in->funcs;
    in->mod->func_slots = in->func_slots;
    in->mod->func_nslots = in->func_nslots;
}

void project_enter(Interp *in, TSNode node, TSNode call_args, ProjectCtx *saved) {
    saved->switched = false;
    if (!in->project || ts_node_is_null(node)) return;
    ProjectFile *pf = in->project;
    ProjectModule *m = module_of_tree(pf, node.tree);
    if (m == in->mod) return;
    *saved = (ProjectCtx){in->mod,      in->module,      in->frame, in->funcs, in->func_slots,
                          in->func_nslots, in->site,     in->budget, true};
    if (in->mod) {
        keep_funcs(in);
    } else {
        pf->home_module = in->module;
        pf->home_funcs = in->funcs;
        pf->home_slots = in->func_slots;
        pf->home_nslots = in->func_nslots;
        /* a call of this file into another: what happens there is reported here */
        in->site = ts_node_is_null(call_args) ? in->runs_at : parse_parent(call_args);
    }
    in->mod = m;
    /* facts_summary.c: no summary of what runs around this (its accesses are of another
     * module's names, the analysed file's included) */
    in->left_home = true;
    if (m) {
        in->module = &m->frame;
        in->funcs = m->funcs;
        in->func_slots = m->func_slots;
        in->func_nslots = m->func_nslots;
        in->budget = &pf->budget;
    } else {
        in->module = pf->home_module;
        in->funcs = pf->home_funcs;
        in->func_slots = pf->home_slots;
        in->func_nslots = pf->home_nslots;
        in->budget = in->home_budget;
    }
    in->frame = in->module;
}

void project_leave(Interp *in, ProjectCtx *saved) {
    if (!saved->switched) return;
    if (in->mod) keep_funcs(in);
    in->mod = saved->mod;
    in->module = saved->module;
    in->frame = saved->frame;
    in->funcs = saved->funcs;
    in->func_slots = saved->func_slots;
    in->func_nslots = saved->func_nslots;
    in->site = saved->site;
    in->budget = saved->budget;
}

FuncInfo *project_func_of(Interp *in, TSNode def) {
    ProjectCtx module;
    project_enter(in, def, (TSNode){0}, &module);
    FuncInfo *fi = funcs_of_def(in, def);
    project_leave(in, &module);
    return fi;
}

Fact project_eval_in(Interp *in, TSNode def, TSNode expr) {
    ProjectCtx module;
    project_enter(in, def, (TSNode){0}, &module);
    Fact f = svc_eval(in, expr);
    project_leave(in, &module);
    return f;
}

/* A function of another file is also analysed as its own file sees it (parameters known by
 * their names); its events there go to facts->alone, so that a finding in its code is reported
 * at this file's call only when this file's arguments make it (lint_sites.c). Those analyses
 * only ever hide a finding at a call, and most files have none (a logger helper of another
 * module was analysed alone once per file importing it): the function is noted here, under the
 * calls it was reached by, and analysed when the file's analysis is done and a finding at a
 * call asks (project_run_alone). */
bool project_before_call(Interp *in, TSNode def) {
    if (!in->project) return true;
    ProjectFile *pf = in->project;
    if (!module_of_tree(pf, def.tree)) return true;
    if (pf->budget.hit) return false;
    if (in->alone) return true;
    for (size_t i = 0; i < pf->alone_wanted.len; i++)
        if (ts_node_eq(pf->alone_wanted.items[i].def, def)) return true;
    AloneWanted w = {.def = def, .depth = in->call_depth};
    memcpy(w.stack, in->call_stack, sizeof w.stack);
    array_push(&pf->alone_wanted, w);
    return true;
}

/* Each noted function analysed alone, in the order they were reached, each at the call depth
 * and under the calls it was reached by (which bound how deep its own calls go). */
void project_run_alone(Interp *in) {
    ProjectFile *pf = in->project;
    if (!pf) return;
    FactEventList events = in->facts->events;
    in->facts->events = in->facts->alone;
    uint32_t *slots = in->ev_slots; /* the event index goes with its list (facts_env.c) */
    size_t nslots = in->ev_nslots;
    in->ev_slots = in->alone_slots, in->ev_nslots = in->alone_nslots;
    in->alone = true;
    for (size_t i = 0; i < pf->alone_wanted.len && !pf->budget.hit; i++) {
        const AloneWanted *w = &pf->alone_wanted.items[i];
        memcpy(in->call_stack, w->stack, sizeof w->stack);
        in->call_depth = w->depth;
        svc_call_user(in, w->def, (TSNode){0}, NULL, NULL);
        in->call_depth = 0;
        in->call_log.len = 0;
        in->module_log.len = 0;
    }
    in->alone = false;
    in->facts->alone = in->facts->events;
    in->facts->events = events;
    in->alone_slots = in->ev_slots, in->alone_nslots = in->ev_nslots;
    in->ev_slots = slots, in->ev_nslots = nslots;
}

/* ---------- finding and loading modules ---------- */

static char *path_join(const char *dir, const char *name) {
    if (!*dir || !strcmp(dir, ".")) return util_xstrdup(name);
    return util_xasprintf("%s/%s", dir, name);
}

/* The directory of a path, as text ("." for a bare name). */
static char *path_dir(const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash) return util_xstrdup(".");
    if (slash == path) return util_xstrdup("/");
    return util_xstrndup(path, (size_t)(slash - path));
}

/* The directory above dir, as text: "a/b" -> "a", "a" -> ".", "." -> "..", ".." -> "../..". */
static char *path_up(const char *dir) {
    const char *last = strrchr(dir, '/');
    const char *leaf = last ? last + 1 : dir;
    if (!strcmp(leaf, ".") || !strcmp(leaf, ".."))
        return !strcmp(dir, ".") ? util_xstrdup("..") : util_xasprintf("%s/..", dir);
    if (!last) return util_xstrdup(".");
    if (last == dir) return util_xstrdup("/");
    return util_xstrndup(dir, (size_t)(last - dir));
}

/* Is a regular file at path (following a link)? Its directory's listing says, most often. */
static bool is_file(ProjectCache *c, const char *path) {
    DirCacheKind kind = dircache_kind(project_cache_dirs(c), path);
    struct stat st;
    if (kind != DIRCACHE_OTHER) return kind == DIRCACHE_FILE;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* path itself if something is there (a repository's .git: a directory, or a file in a
 * worktree), else NULL. */
static char *exists(ProjectCache *c, const char *path) {
    DirCacheKind kind = dircache_kind(project_cache_dirs(c), path);
    struct stat st;
    bool there = kind == DIRCACHE_OTHER ? stat(path, &st) == 0 : kind != DIRCACHE_NONE;
    return there ? util_xstrdup(path) : NULL;
}

static char *find_module(ProjectCache *c, const char *base);
static char *search_module(ProjectCache *c, const char *question);
static char *real_of_file(ProjectCache *c, const char *path);
static char *(*const ANSWER[])(ProjectCache *, const char *) = {
    [PROJECT_ASK_MODULE] = find_module,
    [PROJECT_ASK_REALPATH] = real_of_file,
    [PROJECT_ASK_SEARCH] = search_module,
};

/* The answer to a question of the file system, through the run's cache, noted for the result
 * cache (a copy the caller frees; NULL: nothing there). */
static char *ask(ProjectFile *pf, ProjectAskKind kind, const char *question) {
    char *answer = project_cache_find(pf->cache, question, ANSWER[kind]);
    array_push(&pf->asks, ((ProjectAsk){kind, util_xstrdup(question),
                                        answer ? util_xstrdup(answer) : NULL, {0, 0}}));
    return answer;
}

/* realpath of the question "dir/.": dir's canonical path, from its parent's (real_of_file). */
static char *real_of_dir(ProjectCache *c, const char *question) {
    char *dir = util_xstrndup(question, strlen(question) - 2);
    bool below = strchr(dir, '/') && strcmp(dir, "/"); /* (else one component: realpath's) */
    char *real = below ? real_of_file(c, dir) : realpath(question, NULL);
    free(dir);
    return real;
}

/* realpath(path), with its directory's canonical path asked once per run: a package's files
 * share it, and realpath costs a call per component of the path (a directory's is its parent's
 * and its name, when it is no symbolic link). */
static char *real_of_file(ProjectCache *c, const char *path) {
    struct stat st;
    const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
    DirCacheKind kind = dircache_kind(project_cache_dirs(c), path); /* (lstat's answer) */
    bool plain = kind == DIRCACHE_FILE || kind == DIRCACHE_DIR ||
                 (kind == DIRCACHE_OTHER && lstat(path, &st) == 0 && !S_ISLNK(st.st_mode));
    if (!plain || !*name || !strcmp(name, ".") || !strcmp(name, ".."))
        return realpath(path, NULL);
    /* dir/. : no other question to the run's cache ends so (module questions hold no dot) */
    char *parent = path_dir(path), *dir = util_xasprintf("%s/.", parent);
    char *real_dir = project_cache_find(c, dir, real_of_dir);
    free(parent);
    char *real = !real_dir ? NULL
                 : !strcmp(real_dir, "/") ? util_xasprintf("/%s", name)
                                          : util_xasprintf("%s/%s", real_dir, name);
    free(dir);
    free(real_dir);
    return real;
}

bool project_asks_hold(ProjectCache *c, const ProjectAsk *asks, size_t n, const char *path) {
    bool hold = true;
    for (size_t i = 0; hold && i < n; i++) {
        const ProjectAsk *a = &asks[i];
        if (a->kind == PROJECT_ASK_SELF) {
            char *real = strcmp(a->question, path) ? NULL : real_of_file(c, path);
            hold = real && project_same_answer(real, a->answer);
            free(real);
        } else if (a->kind == PROJECT_ASK_READ) {
            hold = project_cache_read_holds(c, a);
        } else if (a->kind < PROJECT_ASK_KINDS && ANSWER[a->kind]) {
            hold = project_cache_found(c, a->question, ANSWER[a->kind], a->answer);
        } else {
            hold = false;
        }
    }
    return hold;
}

/* base.py, else base/__init__.py (base ending in '/': only the latter). */
static char *find_module(ProjectCache *c, const char *base) {
    size_t n = strlen(base);
    char *cand = util_xasprintf("%s.py", base);
    if (base[n - 1] == '/' || !is_file(c, cand)) {
        free(cand);
        cand = util_xasprintf("%.*s/__init__.py", (int)(base[n - 1] == '/' ? n - 1 : n), base);
        if (!is_file(c, cand)) {
            free(cand);
            cand = NULL;
        }
    }
    return cand;
}

/* The question find_module answers for the dotted name a.b in dir: dir/a/b (empty:
 * dir/, for dir/__init__.py). */
static char *module_base(const char *dir, const char *dotted) {
    char *rel = util_xstrdup(dotted);
    for (char *p = rel; *p; p++)
        if (*p == '.') *p = '/';
    char *base = *rel ? path_join(dir, rel) : util_xasprintf("%s/", dir);
    free(rel);
    return base;
}

/* dir/a/b.py or dir/a/b/__init__.py for the dotted name a.b (empty: dir/__init__.py). */
static char *module_file(ProjectFile *pf, const char *dir, const char *dotted) {
    char *base = module_base(dir, dotted);
    char *found = ask(pf, PROJECT_ASK_MODULE, base);
    free(base);
    return found;
}

/* The directory an absolute import's search goes on to after dir: the one above it, NULL when
 * dir is the repository's root (a .git there) or "/". Asked once per run for each directory:
 * every name imported from dir and the directories below it climbs through it. */
static char *search_above(ProjectCache *c, const char *dir) {
    char *git = path_join(dir, ".git"), *there = project_cache_find(c, git, exists);
    bool root = there || !strcmp(dir, "/");
    free(git);
    free(there);
    return root ? NULL : path_up(dir);
}

/* The file an absolute import of a.b names from dir (the question "a.b\ndir": a dotted name
 * holds no newline): dir's module a.b, else that of the nearest directory above it, up to the
 * repository's root (a .git there) or PROJECT_MAX_ANCESTORS directories; NULL: none. One
 * question for the whole search, so that a cached result holds one answer, not one per
 * directory tried and checks it with one look-up; each directory's own questions (its module
 * a.b, the directory above it) are asked of the file system once per run. */
static char *search_module(ProjectCache *c, const char *question) {
    const char *nl = strchr(question, '\n');
    if (!nl) return NULL;
    char *dotted = util_xstrndup(question, (size_t)(nl - question)), *dir = util_xstrdup(nl + 1);
    char *found = NULL;
    for (int i = 0; i < PROJECT_MAX_ANCESTORS && dir && !found; i++) {
        char *base = module_base(dir, dotted);
        found = project_cache_find(c, base, find_module);
        char *up = found ? NULL : project_cache_find(c, dir, search_above);
        free(base);
        free(dir);
        dir = up;
    }
    free(dotted);
    free(dir);
    return found;
}

static void exec_top_level(Interp *in, TSNode root);

static void index_def(Interp *in, TSNode st, TSNode cls) {
    TSNode def = parse_is(st, "decorated_definition") ? parse_field(st, "definition") : st;
    if (!parse_is(def, "function_definition")) return;
    FuncInfo fi = {.def = def, .cls = cls};
    fi.name = parse_text(in->src, parse_field(def, "name"), &fi.len);
    fi.is_static = !ts_node_is_null(cls) && parse_is(st, "decorated_definition") &&
                   svc_decorated_with(in, st, "staticmethod");
    array_push(&in->funcs, fi);
}

/* The module's functions and the methods of its classes, by name: what other files call.
 * (Unlike the analysed file's, functions nested in others are not indexed: no walk of the
 * whole tree for every file that imports the module.) */
static void index_module(Interp *in, TSNode root) {
    ParseKids k;
    parse_kids_begin(&k, root);
    for (TSNode st; parse_kids_next(&k, &st);) {
        TSNode def = parse_is(st, "decorated_definition") ? parse_field(st, "definition") : st;
        if (parse_is(def, "class_definition")) {
            ParseKids m;
            parse_kids_begin(&m, parse_field(def, "body"));
            for (TSNode member; parse_kids_next(&m, &member);)
                index_def(in, member, def);
            parse_kids_end(&m);
        } else {
            index_def(in, st, (TSNode){0});
        }
    }
    parse_kids_end(&k);
    funcs_index(in);
}

static ProjectModule *module_named(ProjectFile *pf, const char *real) {
    for (size_t i = 0; i < pf->modules.len; i++)
        if (!strcmp(pf->modules.items[i]->real, real)) return pf->modules.items[i];
    return NULL;
}

static ProjectModule *add_module(ProjectFile *pf, char *real, const Source *src, TSTree *tree,
                                 ProjectRead *held) {
    ProjectModule *m = util_xcalloc(1, sizeof *m);
    m->held = held;
    m->real = real;
    m->src = src;
    m->path = src->path;
    m->tree = tree;
    m->root = ts_tree_root_node(tree);
    pf->bytes += src->len;
    m->frame = (Frame){.ret = fact_bottom(), .yielded = fact_bottom()};
    array_push(&pf->modules, m);
    SourcePeers *peers = &pf->peers;
    if (peers->len == peers->cap) {
        peers->cap = peers->cap ? peers->cap * 2 : 8;
        peers->trees = util_xrealloc(peers->trees, peers->cap * sizeof *peers->trees);
        peers->srcs = util_xrealloc(peers->srcs, peers->cap * sizeof *peers->srcs);
    }
    peers->trees[peers->len] = tree;
    peers->srcs[peers->len++] = src;
    if (tree == peers->home) peers->home = NULL; /* it imports itself: the peer answers */
    return m;
}

/* ---------- summaries of top levels (project_summary.h) ----------
 * What a module's top level leaves depends on its text, on what the modules it imports leave
 * and on where it runs. A summary is kept only when nothing of this analysis entered into it:
 * not run inside a call (whose depth and stack cut calls) or for a function analysed alone
 * (whose events are kept), no contracts the configuration declares, no import of the analysed
 * file itself nor of a module whose top level is still running (a cycle) or that this analysis
 * changed, no bound of this analysis reached. It is used where the same holds, and where
 * running it again could not reach a bound either: then running it would leave the same. */

/* Whatever runs now depends on this analysis: none of the loads running is summarised. */
static void taint_loads(ProjectFile *pf) {
    for (size_t i = 0; i < pf->loading.len; i++)
        pf->loading.items[i].own = false;
}

/* Has this analysis changed m's names since its top level ran? (A name of m that a call of its
 * code looked up and found unbound adds an unbound placeholder, no change: every module that
 * imported a logger helper of the project's once ran again for every importer.) */
static bool modified(const ProjectModule *m) {
    return m->frame.env.changed > m->loaded_clock;
}

/* The top level running now imported m (or found it imported). */
static void touch(ProjectFile *pf, ProjectModule *m) {
    if (!pf->loading.len) return;
    Loading *l = &pf->loading.items[pf->loading.len - 1];
    if (l->m == m) return; /* `from . import x` in a package's __init__: its own names so far */
    if (!m->done || !m->summary || modified(m)) {
        taint_loads(pf);
        return;
    }
    for (size_t i = 0; i < l->touches.len; i++)
        if (l->touches.items[i].summary == m->summary) return;
    array_push(&l->touches, ((SummaryTouch){m->real, m->held, m->summary, m->src->len}));
}

typedef struct Plan {          /* what using a summary here adds */
    Array(const char *) reals; /* modules it loads, besides its own */
    size_t bytes;
    long steps;
    int block_room, expr_room;
} Plan;

static bool plan_replay(ProjectFile *pf, const ProjectSummary *s, Plan *p) {
    p->steps += s->steps;
    p->block_room += s->block_room;
    p->expr_room += s->expr_room;
    for (size_t i = 0; i < s->ntouches; i++) {
        const SummaryTouch *t = &s->touches[i];
        const ProjectModule *x = module_named(pf, t->real);
        if (x) {
            if (!x->done || x->summary != t->summary || modified(x)) return false;
            continue;
        }
        if (file_real(pf) && !strcmp(t->real, pf->real)) return false; /* the importer itself */
        bool planned = false;
        for (size_t j = 0; j < p->reals.len && !planned; j++)
            planned = !strcmp(p->reals.items[j], t->real);
        if (planned) continue;
        if (p->reals.len >= PROJECT_MAX_MODULES) return false;
        array_push(&p->reals, t->real);
        p->bytes += t->bytes;
        if (!plan_replay(pf, t->summary, p)) return false;
    }
    return true;
}

static void replay(Interp *in, ProjectModule *m, const ProjectSummary *s) {
    ProjectFile *pf = in->project;
    project_summary_install(s, in, &m->frame, &m->funcs, &m->func_slots, &m->func_nslots);
    m->summary = s;
    m->done = true;
    for (size_t i = 0; i < s->nasks; i++) {
        ProjectAsk a = s->asks[i];
        a.question = util_xstrdup(a.question);
        a.answer = a.answer ? util_xstrdup(a.answer) : NULL;
        array_push(&pf->asks, a);
    }
    pf->budget.steps_left -= s->steps;
    for (size_t i = 0; i < s->ntouches; i++) {
        const SummaryTouch *t = &s->touches[i];
        if (module_named(pf, t->real)) continue;
        const Source *src = NULL;
        TSTree *tree = NULL;
        ProjectRead *held = NULL;
        ProjectAsk read = {0};
        bool ok = project_cache_get(pf->cache, t->real, &src, &tree, &held, &read);
        array_push(&pf->asks, read);
        if (ok) replay(in, add_module(pf, util_xstrdup(t->real), src, tree, held), t->summary);
    }
    m->loaded_clock = in->clock;
}

/* Uses s for m if it holds here: true when it did. */
static bool reuse(Interp *in, ProjectModule *m, const ProjectSummary *s) {
    ProjectFile *pf = in->project;
    Plan p = {0};
    bool fits = plan_replay(pf, s, &p) && pf->modules.len + p.reals.len <= PROJECT_MAX_MODULES &&
                pf->bytes + p.bytes <= PROJECT_MAX_BYTES && p.steps < pf->budget.steps_left &&
                in->block_depth + p.block_room < BOUND_MAX_NESTING &&
                in->expr_depth + p.expr_room < FACTS_MAX_EXPR_DEPTH;
    array_free(&p.reals);
    if (!fits) return false;
    in->clock++; /* as running it would: changed state, another module's names read */
    in->module_changes++;
    in->left_home = true;
    if (in->block_depth + p.block_room > in->block_peak)
        in->block_peak = in->block_depth + p.block_room;
    if (in->expr_depth + p.expr_room > in->expr_peak) in->expr_peak = in->expr_depth + p.expr_room;
    replay(in, m, s);
    return true;
}

/* Did this analysis change a module other than m (while m's top level ran)? */
static bool others_modified(const ProjectFile *pf, const ProjectModule *m) {
    for (size_t i = 0; i < pf->modules.len; i++) {
        const ProjectModule *x = pf->modules.items[i];
        if (x != m && x->done && modified(x)) return true;
    }
    return false;
}

/* Runs m's top level, and keeps what it left as its summary when that holds for any importer. */
static void run_summarised(Interp *in, ProjectModule *m, bool anywhere) {
    ProjectFile *pf = in->project;
    Loading l = {.m = m,
                 .own = anywhere,
                 .asks_from = pf->asks.len,
                 .steps_from = pf->budget.steps_left,
                 .block_from = in->block_depth,
                 .expr_from = in->expr_depth,
                 .block_peak = in->block_peak,
                 .expr_peak = in->expr_peak};
    in->block_peak = in->block_depth;
    in->expr_peak = in->expr_depth;
    array_push(&pf->loading, l);
    exec_top_level(in, m->root);
    l = pf->loading.items[--pf->loading.len];
    m->done = true;
    m->loaded_clock = in->clock;
    if (l.own && !pf->budget.hit && !others_modified(pf, m)) {
        ProjectSummary *s = project_summary_new(
            &m->frame, &m->funcs, m->func_slots, m->func_nslots, l.touches.items, l.touches.len,
            pf->asks.items + l.asks_from, pf->asks.len - l.asks_from);
        s->steps = l.steps_from - pf->budget.steps_left - l.nested_steps;
        s->block_room = in->block_peak - l.block_from;
        s->expr_room = in->expr_peak - l.expr_from;
        m->summary = project_cache_publish(pf->cache, m->held, s);
    }
    if (l.block_peak > in->block_peak) in->block_peak = l.block_peak;
    if (l.expr_peak > in->expr_peak) in->expr_peak = l.expr_peak;
    array_free(&l.touches);
}

/* What m defines for its importers: its summary when one holds here, else its top level run. */
static void run_top_level(Interp *in, ProjectModule *m) {
    ProjectFile *pf = in->project;
    long from = pf->budget.steps_left;
    bool anywhere = !in->alone && in->call_depth == 0 && !in->user;
    const ProjectSummary *s = anywhere ? project_cache_summary(pf->cache, m->held) : NULL;
    if (!s || !reuse(in, m, s)) {
        if (!anywhere) taint_loads(pf);
        run_summarised(in, m, anywhere);
    }
    if (pf->loading.len)
        pf->loading.items[pf->loading.len - 1].nested_steps += from - pf->budget.steps_left;
}

static ProjectModule *load(Interp *in, char *path) {
    ProjectFile *pf = in->project;
    char *real = ask(pf, PROJECT_ASK_REALPATH, path);
    free(path);
    if (!real) return NULL;
    if (file_real(pf) && !strcmp(real, pf->real)) { /* the analysed file itself: not for others */
        taint_loads(pf);
        free(real);
        return NULL;
    }
    ProjectModule *m = module_named(pf, real);
    if (m) {
        free(real);
        touch(pf, m);
        return m;
    }
    const Source *src = NULL;
    TSTree *tree = NULL;
    ProjectRead *held = NULL;
    ProjectAsk read = {0};
    bool room = pf->modules.len < PROJECT_MAX_MODULES;
    bool got = room && project_cache_get(pf->cache, real, &src, &tree, &held, &read);
    if (read.question) array_push(&pf->asks, read);
    if (!got || pf->bytes + src->len > PROJECT_MAX_BYTES) {
        if (!room || got) taint_loads(pf); /* a bound of this analysis */
        project_cache_release(pf->cache, held);
        free(real);
        return NULL;
    }
    m = add_module(pf, real, src, tree, held);
    run_top_level(in, m);
    touch(pf, m);
    return m;
}

/* What a module defines when it is imported: its imports, functions, classes and assignments.
 * Scripts' top-level code (a main guard, loops) is not run: it defines nothing others import.
 * Nothing the importer was doing reaches into it: no event it emitted last (a module's sums
 * are none of the importer's), no object its last method built. */
static void exec_top_level(Interp *in, TSNode root) {
    ProjectCtx module;
    project_enter(in, root, (TSNode){0}, &module);
    TSNode site = in->site;
    in->site = (TSNode){0}; /* nothing it does is a call of the analysed file's */
    uint16_t last_event = in->last_event;
    in->last_event = 0;
    Fact built_self = in->built_self;
    in->built_self = fact_unknown();
    index_module(in, root);
    ParseKids k;
    parse_kids_begin(&k, root);
    for (TSNode st; parse_kids_next(&k, &st) && !in->budget->hit;) {
        TSNode first = ts_node_named_child_count(st) ? parse_named_child(st, 0) : st;
        if (parse_is(st, "import_statement") || parse_is(st, "import_from_statement") ||
            parse_is(st, "function_definition") || parse_is(st, "class_definition") ||
            parse_is(st, "decorated_definition") || parse_is(st, "try_statement") ||
            (parse_is(st, "expression_statement") && parse_is(first, "assignment")))
            svc_exec_stmt(in, st);
    }
    parse_kids_end(&k);
    in->site = site;
    in->last_event = last_event;
    in->built_self = built_self;
    project_leave(in, &module);
}

/* The path of the module executing now (the analysed file, or one of the project's). */
static const char *current_path(Interp *in) {
    return in->mod ? in->mod->path : in->project->path;
}

bool project_is_library(const char *dotted) {
    size_t n = strcspn(dotted, ".");
    for (const char *const *l = LIBRARIES; *l; l++)
        if (strlen(*l) == n && !memcmp(*l, dotted, n)) return true;
    return false;
}

/* The module `level` dots and dotted name a.b name, seen from the module executing now:
 * relative to its package, or absolute from its directory or one above it (the nearest
 * first, up to the repository's root). NULL: not a module of the project. */
static ProjectModule *resolve(Interp *in, int level, const char *dotted) {
    char *dir = path_dir(current_path(in));
    char *found = NULL;
    if (level > 0) {
        for (int i = 1; i < level; i++) {
            char *up = path_up(dir);
            free(dir);
            dir = up;
        }
        found = module_file(in->project, dir, dotted);
    } else if (*dotted && !project_is_library(dotted)) {
        char *question = util_xasprintf("%s\n%s", dotted, dir);
        found = ask(in->project, PROJECT_ASK_SEARCH, question);
        free(question);
    }
    free(dir);
    return found ? load(in, found) : NULL;
}

/* ---------- names of modules ---------- */

static Fact module_fact(ProjectModule *m, const char *qual) {
    Fact f = fact_module(qual);
    f.def = m->root;
    return f;
}

bool project_is_module(const Fact *f) {
    return f->obj == FO_MODULE && !ts_node_is_null(f->def);
}

bool project_names_member(Interp *in, TSNode attribute) {
    if (!in->project) return false;
    TSNode object = parse_field(attribute, "object");
    if (!parse_is(object, "identifier") && !parse_is(object, "attribute")) return false;
    Fact o = svc_eval(in, object);
    return project_is_module(&o);
}

/* Read without the environment's access log: a summary never covers code that reads another
 * module (Interp.left_home, set by the caller). */
static Binding *module_binding(ProjectModule *m, const char *name, size_t len) {
    Binding *items = m->frame.env.items.items;
    for (size_t i = m->frame.env.items.len; i-- > 0;)
        if (items[i].bound && items[i].len == len && !memcmp(items[i].name, name, len))
            return &items[i];
    return NULL;
}

/* A name the module holds, or its submodule of that name (a package's). */
static bool member_of(Interp *in, ProjectModule *m, const char *qual, const char *name,
                      size_t len, Fact *out) {
    in->left_home = true; /* read another module's names (module_binding) */
    Binding *b = module_binding(m, name, len);
    if (b) {
        *out = b->fact;
        return true;
    }
    const char *leaf = strrchr(m->path, '/');
    if (strcmp(leaf ? leaf + 1 : m->path, "__init__.py") != 0) return false;
    char *dir = path_dir(m->path), *sub = util_xstrndup(name, len);
    char *file = module_file(in->project, dir, sub);
    free(dir);
    free(sub);
    ProjectModule *s = file ? load(in, file) : NULL;
    if (!s) return false;
    *out = module_fact(s, arena_dotted(in->arena, qual, name, len));
    return true;
}

Fact project_member(Interp *in, Fact module, const char *name, size_t len) {
    ProjectModule *m = in->project ? module_of_tree(in->project, module.def.tree) : NULL;
    Fact f;
    if (m && member_of(in, m, module.qual, name, len, &f)) return f;
    return fact_module(arena_dotted(in->arena, module.qual, name, len)); /* as for any module */
}

/* ---------- import statements ---------- */

static void bind_name(Interp *in, const char *name, size_t len, Fact f) {
    env_set(in, &in->frame->env, name, len, f);
}

/* Binds the name (an identifier or a dotted name's first part) to what the project says it
 * holds: objects of code (a library's function or module object the module bound, as
 * `choice_loss = partial(F.cross_entropy, ...)` or `loss_fn = nn.CrossEntropyLoss()`) and
 * integer constants; any other value keeps the binding imports always gave it (its own name
 * is the evidence there, as here). */
static void bind_import(Interp *in, TSNode name, Fact f) {
    bool code = f.obj == FO_FUNC || f.obj == FO_CLASS || f.obj == FO_INSTANCE ||
                f.obj == FO_MODULE || f.obj == FO_CALLABLE || f.obj == FO_EITHER ||
                (f.obj == FO_NONE && (f.flags & FF_CONST));
    size_t len;
    const char *text = parse_text(in->src, name, &len);
    len = strcspn(text, ". \t\\") < len ? strcspn(text, ". \t\\") : len;
    if (code) bind_name(in, text, len, f);
}

static void import_names(Interp *in, TSNode stmt) {
    uint32_t n = ts_node_named_child_count(stmt);
    for (uint32_t i = 0; i < n; i++) {
        const char *field = ts_node_field_name_for_named_child(stmt, i);
        if (!field || strcmp(field, "name") != 0) continue;
        TSNode c = parse_named_child(stmt, i), alias = {0};
        if (parse_is(c, "aliased_import")) {
            alias = parse_field(c, "alias");
            c = parse_field(c, "name");
        }
        const char *dotted = interp_dotted(in, c);
        if (!ts_node_is_null(alias)) { /* import a.b as m: m is a.b */
            ProjectModule *m = resolve(in, 0, dotted);
            if (m) bind_import(in, alias, module_fact(m, dotted));
            continue;
        }
        size_t top = strcspn(dotted, "."); /* import a.b: binds a */
        char *first = arena_strndup(in->arena, dotted, top);
        ProjectModule *m = resolve(in, 0, first);
        if (m) bind_import(in, c, module_fact(m, first));
    }
}

static void import_from(Interp *in, TSNode stmt) {
    TSNode mod = parse_field(stmt, "module_name");
    int level = 0;
    const char *dotted = "";
    if (parse_is(mod, "relative_import")) {
        for (uint32_t i = 0; i < ts_node_named_child_count(mod); i++) {
            TSNode c = parse_named_child(mod, i);
            if (parse_is(c, "import_prefix"))
                level = (int)(ts_node_end_byte(c) - ts_node_start_byte(c));
            else if (parse_is(c, "dotted_name"))
                dotted = interp_dotted(in, c);
        }
    } else if (parse_is(mod, "dotted_name")) {
        dotted = interp_dotted(in, mod);
    } else {
        return;
    }
    ProjectModule *m = resolve(in, level, dotted);
    if (!m) return;
    const char *qual = dotted;
    uint32_t n = ts_node_named_child_count(stmt);
    for (uint32_t i = 0; i < n; i++) {
        TSNode c = parse_named_child(stmt, i), alias = {0};
        if (parse_is(c, "wildcard_import")) { /* from m import *: its public names */
            in->left_home = true; /* read another module's names (module_binding) */
            for (size_t j = 0; j < m->frame.env.items.len; j++) {
                Binding b = m->frame.env.items.items[j];
                if (b.bound && b.len && b.name[0] != '_') bind_name(in, b.name, b.len, b.fact);
            }
            continue;
        }
        const char *field = ts_node_field_name_for_named_child(stmt, i);
        if (!field || strcmp(field, "name") != 0) continue;
        if (parse_is(c, "aliased_import")) {
            alias = parse_field(c, "alias");
            c = parse_field(c, "name");
        }
        size_t len;
        const char *name = parse_text(in->src, c, &len);
        Fact f;
        if (member_of(in, m, qual, name, len, &f))
            bind_import(in, ts_node_is_null(alias) ? c : alias, f);
    }
}

void project_import(Interp *in, TSNode stmt) {
    if (!in->project) return;
    if (parse_is(stmt, "import_statement"))
        import_names(in, stmt);
    else
        import_from(in, stmt);
}

/* ---------- object state ---------- */

void project_state_written(Interp *in, TSNode call) {
    TSNode fn = parse_field(call, "function");
    if (!parse_is(fn, "attribute") || in->built_self.obj != FO_INSTANCE) return;
    TSNode object = parse_field(fn, "object");
    if (!parse_is(object, "identifier") && !parse_is(object, "attribute")) return;
    bool found;
    Fact before = svc_lookup_key(in, object, &found);
    /* the same object, with what the method left in its fields */
    if (found && before.obj == FO_INSTANCE && ts_node_eq(before.def, in->built_self.def))
        svc_bind(in, object, in->built_self);
}

bool project_told_nothing(Interp *in, const Fact *obj, const Fact *r) {
    /* a value of no known kind still tells where its batch's pads sit (facts_pad.c), and a
     * text (or texts) joined from parts, prompt + candidate, what its tokens cover */
    return in->project && module_of_tree(in->project, obj->def.tree) && fact_knows_nothing(r) &&
           !r->pad_what && !(r->flags & FF_JOINED);
}

/* ---------- subclasses ---------- */

/* Does the class sub derive from cls (through the bases its own module names)? */
static bool derives_from(Interp *in, TSNode sub, TSNode cls, int depth) {
    TSNode bases = parse_field(sub, "superclasses");
    uint32_t n = ts_node_is_null(bases) ? 0 : ts_node_named_child_count(bases);
    bool found = false;
    ProjectCtx module;
    project_enter(in, sub, (TSNode){0}, &module);
    for (uint32_t i = 0; i < n && !found && depth < 8; i++) {
        TSNode base = parse_named_child(bases, i);
        if (!parse_is(base, "identifier") && !parse_is(base, "attribute")) continue;
        Fact b = svc_eval(in, base);
        found = b.obj == FO_CLASS && !ts_node_eq(b.def, sub) &&
                (ts_node_eq(b.def, cls) || derives_from(in, b.def, cls, depth + 1));
    }
    project_leave(in, &module);
    return found;
}

/* Adds the classes env binds that derive from cls (null: every class), each once. */
static int subclasses_in(Interp *in, const Env *env, TSNode cls, TSNode *out, int n, int max) {
    for (size_t i = 0; i < env->items.len && n < max; i++) {
        const Binding *b = &env->items.items[i];
        if (!b->bound || b->fact.obj != FO_CLASS || ts_node_eq(b->fact.def, cls)) continue;
        bool seen = false;
        for (int j = 0; j < n && !seen; j++)
            seen = ts_node_eq(out[j], b->fact.def);
        if (!seen && (ts_node_is_null(cls) || derives_from(in, b->fact.def, cls, 0)))
            out[n++] = b->fact.def;
    }
    return n;
}

int project_subclasses(Interp *in, TSNode cls, TSNode *out, int max) {
    ProjectFile *pf = in->project;
    /* another file's function as its file sees it: the classes of that file only (what the
     * project adds is reported at this file's call, lint_sites.c) */
    if (in->alone) return subclasses_in(in, &in->module->env, cls, out, 0, max);
    Frame *home = pf && in->mod ? pf->home_module : in->module;
    int n = home ? subclasses_in(in, &home->env, cls, out, 0, max) : 0;
    for (size_t i = 0; pf && i < pf->modules.len; i++)
        n = subclasses_in(in, &pf->modules.items[i]->frame.env, cls, out, n, max);
    return n;
}
