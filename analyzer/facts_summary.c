/* Summaries of the file's functions: what a call returns, memoised by the facts of its
 * arguments, so that a helper called from many places is interpreted once per distinct input.
 *
 * A call's result depends on its parameters' facts, on the module values its body (and the
 * calls it makes) read, and on where it runs: nested calls are cut at FACTS_MAX_CALL_DEPTH and
 * at recursion. A summary records all three: the parameters, the version of every module
 * binding read (Binding.version; a name read while unbound is a placeholder binding, so that
 * binding it later is seen), how deep its nested calls went and which functions they entered.
 * It is reused only where all of them are the same, and then it replays what the run did to
 * the module (self.model = ... in a constructor) and leaves what it left (built_self,
 * last_event). Its events need no replay: the run emitted them, and the same run again would
 * only find them already there.
 *
 * A module's functions calling each other (a model's forward calling its blocks') are
 * summarised as the analysed file's are, against that module's values: their events are
 * those of the analysed file's call they run for (Interp.site), and go to the list of the
 * mode they run in (alone or not), so a summary of them holds only for the same call and mode
 * (away). */
#include <stdlib.h>

#include "facts_internal.h"

enum {
    SUMMARIES_PER_FUNCTION = 16, /* distinct inputs remembered per function */
    SUMMARY_MAX_CALLED = 64,     /* more nested calls than that: reused under the same stack only */
};

typedef struct ModuleRead {
    uint32_t index, version;
} ModuleRead;

typedef struct ModuleWrite {
    uint32_t index;
    Fact fact;
} ModuleWrite;

struct CallSummary {
    TSNode def;
    int32_t next; /* the next summary of the same function, -1 if none */
    bool has_self;
    Fact *params;
    int nparams;
    int depth;        /* call depth it ran at */
    int reach;        /* how much deeper its nested calls went */
    bool exact_stack; /* a nested call was cut (or too many to list): only under this stack */
    TSNode stack[FACTS_CALL_SLOTS];
    TSNode *called; /* the functions its nested calls entered */
    int ncalled;
    ModuleRead *reads;
    int nreads;
    ModuleWrite *writes;
    int nwrites;
    Fact result, built_self;
    uint16_t last_event;
    /* another module's code (Interp.mod): where its events go (interp_emit) */
    bool away, alone;
    int overriding;
    TSNode site;
};

/* ---------- the table: def -> its summaries ---------- */

/* The slot holding def's first summary (index + 1, 0: none yet). */
static uint32_t *table_slot(Interp *in, TSNode def) {
    SummaryTable *t = &in->summaries;
    if ((t->used + 1) * 2 > t->nslots) {
        size_t n = t->nslots ? t->nslots * 2 : 64;
        uint32_t *slots = util_xcalloc(n, sizeof *slots);
        for (size_t i = 0; i < t->nslots; i++) {
            if (!t->slots[i]) continue;
            size_t s = env_hash_node(t->items.items[t->slots[i] - 1].def) & (n - 1);
            while (slots[s])
                s = (s + 1) & (n - 1);
            slots[s] = t->slots[i];
        }
        free(t->slots);
        t->slots = slots;
        t->nslots = n;
    }
    size_t mask = t->nslots - 1;
    for (size_t s = env_hash_node(def) & mask;; s = (s + 1) & mask) {
        in->budget->work++;
        if (!t->slots[s] || ts_node_eq(t->items.items[t->slots[s] - 1].def, def))
            return &t->slots[s];
    }
}

void summary_free(Interp *in) {
    array_free(&in->summaries.items);
    free(in->summaries.slots);
    memset(&in->summaries, 0, sizeof in->summaries);
    array_free(&in->call_log);
    array_free(&in->module_log);
}

/* ---------- reuse ---------- */

static bool same_params(const CallSummary *s, const Env *params, bool has_self) {
    if (s->has_self != has_self || (size_t)s->nparams != params->items.len) return false;
    for (int i = 0; i < s->nparams; i++)
        if (!fact_same(&s->params[i], &params->items.items[i].fact)) return false;
    return true;
}

/* Would the same run happen here: the module values it read unchanged, its nested calls
 * neither cut deeper nor stopped as recursive by the callers now on the stack? */
static bool still_valid(Interp *in, const CallSummary *s) {
    if (s->away && (s->alone != in->alone || s->overriding != in->overriding ||
                    !ts_node_eq(s->site, in->site)))
        return false;
    int depth = in->call_depth - 1; /* the call itself is on the stack */
    if (s->exact_stack) {
        if (depth != s->depth) return false;
        for (int i = 0; i < depth; i++)
            if (!ts_node_eq(in->call_stack[i], s->stack[i])) return false;
    } else {
        if (depth + s->reach >= FACTS_MAX_CALL_DEPTH) return false;
        for (int i = 0; i < depth; i++)
            for (int j = 0; j < s->ncalled; j++)
                if (ts_node_eq(in->call_stack[i], s->called[j])) return false;
    }
    const Env *module = &in->module->env;
    for (int i = 0; i < s->nreads; i++) {
        in->budget->work++;
        if (module->items.items[s->reads[i].index].version != s->reads[i].version) return false;
    }
    return true;
}

/* What the summarised run did, done again: its writes to the module, and what callers
 * further out depend on (its reads, its calls, its depth). */
static Fact apply(Interp *in, const CallSummary *s) {
    Env *module = &in->module->env;
    for (int i = 0; i < s->nreads; i++)
        array_push(&in->module_log,
                   ((ModuleAccess){s->reads[i].index, s->reads[i].version, false}));
    for (int i = 0; i < s->nwrites; i++) {
        const Binding *b = &module->items.items[s->writes[i].index];
        env_set(in, module, b->name, b->len, s->writes[i].fact);
    }
    for (int i = 0; i < s->ncalled; i++)
        array_push(&in->call_log, s->called[i]);
    int depth = in->call_depth - 1;
    if (depth + s->reach > in->deepest) in->deepest = depth + s->reach;
    in->cut |= s->exact_stack; /* callers further out hold only under the same stack too */
    in->built_self = s->built_self;
    in->last_event = s->last_event;
    return s->result;
}

bool summary_reuse(Interp *in, TSNode def, const Env *params, bool has_self, Fact *result) {
    uint32_t slot = *table_slot(in, def);
    for (int32_t i = (int32_t)slot - 1; i >= 0; i = in->summaries.items.items[i].next) {
        const CallSummary *s = &in->summaries.items.items[i];
        if (same_params(s, params, has_self) && still_valid(in, s)) {
            *result = apply(in, s);
            return true;
        }
    }
    return false;
}

/* ---------- recording ---------- */

void summary_begin(Interp *in, SummaryRun *run, const Env *params, bool has_self) {
    run->nparams = (int)params->items.len;
    run->params = util_xmalloc((size_t)(run->nparams ? run->nparams : 1) * sizeof *run->params);
    for (int i = 0; i < run->nparams; i++)
        run->params[i] = params->items.items[i].fact;
    run->has_self = has_self;
    run->deepest = in->deepest;
    run->left_home = in->left_home;
    in->left_home = false;
    run->cut = in->cut;
    run->calls_from = in->call_log.len;
    run->module_from = in->module_log.len;
    run->loopvar = in->call_loopvar;
    run->transfer = in->call_transfer;
    in->deepest = in->call_depth - 1;
    in->cut = false;
}

/* The module accesses of the run: the bindings it read before writing them (with the version
 * it saw), and the final value of those it wrote. */
static void module_effects(Interp *in, const SummaryRun *run, CallSummary *s) {
    Env *module = &in->module->env;
    size_t n = in->module_log.len - run->module_from, nreads = 0, nwrites = 0;
    const ModuleAccess *log = n ? in->module_log.items + run->module_from : NULL;
    uint32_t read_stamp, *stamps = env_stamps(in, module, &read_stamp);
    for (size_t i = 0; i < n; i++) { /* the first access of each binding: is it a read? */
        in->budget->work++;
        if (stamps[log[i].index] == read_stamp) continue;
        stamps[log[i].index] = read_stamp;
        nreads += !log[i].write;
    }
    uint32_t write_stamp;
    stamps = env_stamps(in, module, &write_stamp);
    for (size_t i = 0; i < n; i++)
        if (log[i].write && stamps[log[i].index] != write_stamp) {
            stamps[log[i].index] = write_stamp;
            nwrites++;
        }
    s->reads = arena_alloc(in->arena, (nreads ? nreads : 1) * sizeof *s->reads);
    s->writes = arena_alloc(in->arena, (nwrites ? nwrites : 1) * sizeof *s->writes);
    stamps = env_stamps(in, module, &read_stamp);
    for (size_t i = 0; i < n; i++) {
        if (stamps[log[i].index] == read_stamp) continue;
        stamps[log[i].index] = read_stamp;
        if (!log[i].write) s->reads[s->nreads++] = (ModuleRead){log[i].index, log[i].version};
    }
    stamps = env_stamps(in, module, &write_stamp);
    for (size_t i = 0; i < n; i++)
        if (log[i].write && stamps[log[i].index] != write_stamp) {
            stamps[log[i].index] = write_stamp;
            s->writes[s->nwrites++] =
                (ModuleWrite){log[i].index, module->items.items[log[i].index].fact};
        }
}

/* The functions the run's nested calls entered, each once; false when there are more than
 * SUMMARY_MAX_CALLED (the summary then holds only under the same stack). */
static bool called_functions(Interp *in, const SummaryRun *run, CallSummary *s) {
    size_t n = in->call_log.len - run->calls_from;
    const TSNode *log = n ? in->call_log.items + run->calls_from : NULL; /* (NULL + 0 is UB) */
    TSNode unique[SUMMARY_MAX_CALLED];
    int nunique = 0;
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (int j = 0; j < nunique && !seen; j++)
            seen = ts_node_eq(unique[j], log[i]);
        in->budget->work += (unsigned)nunique;
        if (seen) continue;
        if (nunique == SUMMARY_MAX_CALLED) return false;
        unique[nunique++] = log[i];
    }
    s->ncalled = nunique;
    s->called = arena_alloc(in->arena, (size_t)(nunique ? nunique : 1) * sizeof *s->called);
    memcpy(s->called, unique, (size_t)nunique * sizeof *s->called);
    return true;
}

void summary_end(Interp *in, SummaryRun *run, TSNode def, Fact result) {
    int depth = in->call_depth - 1;
    bool cut = in->cut;
    int reach = in->deepest - depth;
    /* what callers further out depend on */
    if (in->deepest < run->deepest) in->deepest = run->deepest;
    in->cut = run->cut || cut;
    /* a run stopped by the budget, or that changed state the caller keeps (it never does:
     * nested calls restore it), is not summarised */
    bool left_home = in->left_home;
    in->left_home = run->left_home || left_home;
    uint32_t *slot = table_slot(in, def);
    int count = 0;
    for (int32_t i = (int32_t)*slot - 1; i >= 0; i = in->summaries.items.items[i].next)
        count++;
    if (in->budget->hit || in->call_loopvar != run->loopvar || in->call_transfer != run->transfer ||
        count >= SUMMARIES_PER_FUNCTION || left_home) {
        free(run->params);
        return;
    }
    CallSummary s = {.def = def, .next = (int32_t)*slot - 1, .has_self = run->has_self};
    s.nparams = run->nparams;
    s.params = arena_alloc(in->arena, (size_t)(s.nparams ? s.nparams : 1) * sizeof *s.params);
    memcpy(s.params, run->params, (size_t)s.nparams * sizeof *s.params);
    free(run->params);
    s.depth = depth;
    s.reach = reach;
    s.exact_stack = !called_functions(in, run, &s) || cut;
    for (int i = 0; i < depth; i++)
        s.stack[i] = in->call_stack[i];
    module_effects(in, run, &s);
    s.result = result;
    s.built_self = in->built_self;
    s.last_event = in->last_event;
    s.away = in->mod != NULL;
    s.alone = in->alone;
    s.overriding = in->overriding;
    s.site = in->site;
    if (!*slot) in->summaries.used++;
    array_push(&in->summaries.items, s);
    *slot = (uint32_t)in->summaries.items.len;
}
