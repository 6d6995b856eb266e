/* The interpreter's environments (name -> fact) and its index of events.
 *
 * An environment is a hash table over its bindings with an undo trail. A block marks the trail
 * and reads back what it changed: a comprehension's scope is undone at its end, each path of a
 * branch is joined with the others and undone, a loop pass is joined with the loop's entry. So
 * entering, joining and leaving a block costs what the block changed, not the size of the
 * environment (a module of 100k lines, or of thousands of functions, stays linear). Every
 * change advances a clock; a binding keeps the clock value of its last change (its version),
 * so that a memoised call can tell whether the module values it read are still the ones it
 * saw, and a loop entered again whether anything changed since it settled. */
#include <stdlib.h>

#include "facts_internal.h"

uint32_t env_hash(const char *s, size_t len) {
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* Node ids are aligned pointers: their low bits, which a table's mask keeps, must be mixed with
 * the high ones (murmur3's finaliser). */
uint32_t env_hash_node(TSNode n) {
    uint64_t x = (uint64_t)(uintptr_t)n.id;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return (uint32_t)x;
}

/* ---------- environments ---------- */

void env_free(Env *env) {
    array_free(&env->items);
    array_free(&env->trail);
    free(env->slots);
    free(env->stamps);
    memset(env, 0, sizeof *env);
}

static void env_rehash(Env *env) {
    size_t n = env->nslots ? env->nslots * 2 : 16;
    free(env->slots);
    env->slots = util_xcalloc(n, sizeof *env->slots);
    env->nslots = n;
    for (size_t i = 0; i < env->items.len; i++) {
        size_t s = env->items.items[i].hash & (n - 1);
        while (env->slots[s])
            s = (s + 1) & (n - 1);
        env->slots[s] = (uint32_t)i + 1;
    }
}

/* The binding of that name, bound or a placeholder; NULL when there is none (and `add` is
 * false). A new binding is a placeholder: unbound. */
static Binding *env_slot(Interp *in, Env *env, const char *name, size_t len, bool add) {
    uint32_t h = env_hash(name, len);
    if (env->nslots) {
        size_t mask = env->nslots - 1;
        for (size_t s = h & mask;; s = (s + 1) & mask) {
            in->budget->work++;
            uint32_t slot = env->slots[s];
            if (!slot) break;
            Binding *b = &env->items.items[slot - 1];
            if (b->hash == h && b->len == len && !memcmp(b->name, name, len)) return b;
        }
    }
    if (!add) return NULL;
    if ((env->items.len + 1) * 2 > env->nslots) env_rehash(env);
    array_push(&env->items, ((Binding){name, len, fact_unknown(), h, in->clock, false}));
    size_t mask = env->nslots - 1, s = h & mask;
    while (env->slots[s])
        s = (s + 1) & mask;
    env->slots[s] = (uint32_t)env->items.len;
    return &env->items.items[env->items.len - 1];
}

/* Reads of the module's values from inside a call are what a memoised call depends on. */
static bool logs_module(Interp *in, Env *env) {
    return env == &in->module->env && in->call_depth > 0;
}

Binding *env_find(Interp *in, Env *env, const char *name, size_t len) {
    bool log = logs_module(in, env);
    Binding *b = env_slot(in, env, name, len, log);
    if (log)
        array_push(&in->module_log,
                   ((ModuleAccess){(uint32_t)(b - env->items.items), b->version, false}));
    return b && b->bound ? b : NULL;
}

void env_set(Interp *in, Env *env, const char *name, size_t len, Fact f) {
    Binding *b = env_slot(in, env, name, len, true);
    in->budget->work++;
    if (logs_module(in, env))
        array_push(&in->module_log,
                   ((ModuleAccess){(uint32_t)(b - env->items.items), b->version, true}));
    if (b->bound && fact_same(&b->fact, &f)) return; /* nothing changes */
    if (env->marks)
        array_push(&env->trail,
                   ((EnvUndo){(uint32_t)(b - env->items.items), b->version, b->bound, b->fact}));
    b->fact = f;
    b->bound = true;
    b->version = env->changed = ++in->clock;
    if (env == &in->module->env) in->module_changes++;
}

EnvMark env_mark(Env *env) {
    env->marks++;
    return env->trail.len;
}

void env_undo(Interp *in, Env *env, EnvMark mark) {
    if (env->trail.len > mark) in->clock++; /* the state changed (back): settled loops see it */
    while (env->trail.len > mark) {
        EnvUndo *u = &env->trail.items[--env->trail.len];
        Binding *b = &env->items.items[u->index];
        in->budget->work++;
        b->fact = u->old;
        b->bound = u->was_bound;
        b->version = u->version; /* the value it had: readers of that version saw it */
    }
}

void env_release(Env *env) {
    if (--env->marks == 0) env->trail.len = 0; /* nothing left to undo to */
}

uint32_t *env_stamps(Interp *in, Env *env, uint32_t *stamp) {
    *stamp = ++in->stamp;
    if (env->stamps_cap < env->items.len) {
        env->stamps = util_xrealloc(env->stamps, env->items.cap * sizeof *env->stamps);
        memset(env->stamps + env->stamps_cap, 0,
               (env->items.cap - env->stamps_cap) * sizeof *env->stamps);
        env->stamps_cap = env->items.cap;
    }
    return env->stamps;
}

void env_changed_since(Interp *in, Env *env, EnvMark mark, EnvChanges *out) {
    out->len = 0;
    uint32_t stamp, *stamps = env_stamps(in, env, &stamp);
    for (size_t i = mark; i < env->trail.len; i++) {
        const EnvUndo *u = &env->trail.items[i];
        in->budget->work++;
        if (stamps[u->index] == stamp) continue;
        stamps[u->index] = stamp;
        array_push(out, ((EnvChange){u->index, u->was_bound, u->old}));
    }
}

/* ---------- the index of events ---------- */

static uint32_t event_hash(const FactEvent *e) {
    uint32_t parts[] = {(uint32_t)e->kind,
                        (uint32_t)e->op,
                        (uint32_t)e->axis,
                        (uint32_t)e->delta,
                        e->in.kinds,
                        e->in.flags,
                        e->in2.kinds,
                        e->in2.flags,
                        ts_node_start_byte(e->node),
                        (uint32_t)(uintptr_t)e->node.id};
    return env_hash((const char *)parts, sizeof parts);
}

/* What covers the scores (prompt_in, mask_flaw) is compared too: the same sum reached from two
 * callers, one handing in labels ignored at the pads only, is two events (facts_mask.c). */
static bool same_event(const FactEvent *a, const FactEvent *b) {
    return a->kind == b->kind && a->op == b->op && ts_node_eq(a->node, b->node) &&
           a->in.kinds == b->in.kinds && a->in.flags == b->in.flags &&
           a->in.prompt_in == b->in.prompt_in && a->in.mask_flaw == b->in.mask_flaw &&
           a->in2.kinds == b->in2.kinds && a->in2.flags == b->in2.flags && a->axis == b->axis &&
           a->delta == b->delta && ts_node_eq(a->site, b->site) &&
           ts_node_eq(a->caller, b->caller);
}

static void events_rehash(Interp *in) {
    size_t n = in->ev_nslots ? in->ev_nslots * 2 : 64;
    free(in->ev_slots);
    in->ev_slots = util_xcalloc(n, sizeof *in->ev_slots);
    in->ev_nslots = n;
    for (size_t i = 0; i < in->facts->events.len; i++) {
        size_t s = event_hash(&in->facts->events.items[i]) & (n - 1);
        while (in->ev_slots[s])
            s = (s + 1) & (n - 1);
        in->ev_slots[s] = (uint32_t)i + 1;
    }
}

size_t env_add_event(Interp *in, const FactEvent *e) {
    if ((in->facts->events.len + 1) * 2 > in->ev_nslots) events_rehash(in);
    size_t mask = in->ev_nslots - 1, s = event_hash(e) & mask;
    for (;; s = (s + 1) & mask) {
        in->budget->work++;
        uint32_t slot = in->ev_slots[s];
        if (!slot) break;
        if (same_event(&in->facts->events.items[slot - 1], e)) return slot - 1;
    }
    array_push(&in->facts->events, *e);
    in->ev_slots[s] = (uint32_t)in->facts->events.len;
    return in->facts->events.len - 1;
}

void env_free_events(Interp *in) {
    free(in->alone_slots);
    in->alone_slots = NULL;
    in->alone_nslots = 0;
    free(in->ev_slots);
    in->ev_slots = NULL;
    in->ev_nslots = 0;
}

/* ---------- joins of what changed ---------- */

/* What a binding holds on the paths joined so far; absent: unbound on all of them. */
typedef struct PathValue {
    bool bound;
    Fact fact;
} PathValue;

/* acc := join(acc, v), a name unbound on a path being bottom (the identity of the join). */
static PathValue join_value(Interp *in, PathValue acc, PathValue v) {
    in->budget->work++;
    if (!acc.bound) return v;
    if (v.bound) acc.fact = fact_join(in->arena, acc.fact, v.fact);
    return acc;
}

/* The same `times` times over, as joining that many paths that left the value alone does;
 * stops as soon as a join changes nothing (the rest would not either). */
static PathValue join_repeated(Interp *in, PathValue acc, PathValue v, int times) {
    for (int i = 0; i < times && v.bound; i++) {
        PathValue next = join_value(in, acc, v);
        if (acc.bound && fact_same(&next.fact, &acc.fact)) break;
        acc = next;
    }
    return acc;
}

/* The slot of binding `index` in a small hash map, creating it (value -1) if absent. */
static int32_t *index_slot(IndexMap *map, uint32_t index) {
    if ((map->len + 1) * 2 > map->cap) {
        size_t old_cap = map->cap;
        uint32_t *keys = map->keys;
        int32_t *vals = map->vals;
        map->cap = old_cap ? old_cap * 2 : 16;
        map->keys = util_xcalloc(map->cap, sizeof *map->keys);
        map->vals = util_xcalloc(map->cap, sizeof *map->vals);
        map->len = 0;
        for (size_t i = 0; i < old_cap; i++)
            if (keys[i]) *index_slot(map, keys[i] - 1) = vals[i];
        free(keys);
        free(vals);
    }
    size_t mask = map->cap - 1, s = (index * 2654435761u) & mask;
    while (map->keys[s] && map->keys[s] != index + 1)
        s = (s + 1) & mask;
    if (!map->keys[s]) {
        map->keys[s] = index + 1;
        map->vals[s] = -1;
        map->len++;
    }
    return &map->vals[s];
}

static void index_map_free(IndexMap *map) {
    free(map->keys);
    free(map->vals);
    memset(map, 0, sizeof *map);
}

void env_paths_begin(Env *env, EnvPaths *p) {
    memset(p, 0, sizeof *p);
    p->mark = env_mark(env);
}

/* The state now is the end of one more path: its changes join the others', and the
 * environment goes back to the mark for the next path. */
void env_paths_add(Interp *in, Env *env, EnvPaths *p) {
    env_changed_since(in, env, p->mark, &p->changes);
    int k = p->npaths++;
    for (size_t i = 0; i < p->changes.len; i++) {
        const EnvChange *c = &p->changes.items[i];
        const Binding *b = &env->items.items[c->index];
        PathValue before = {c->was_bound, c->old}, now = {b->bound, b->fact};
        int32_t *slot = index_slot(&p->map, c->index);
        if (*slot < 0) { /* the paths before this one left it as it was */
            *slot = (int32_t)p->acc.len;
            array_push(&p->acc, ((PathJoin){c->index, k - 1, before.bound, before.fact}));
        }
        PathJoin *j = &p->acc.items[*slot];
        PathValue acc = {j->bound, j->fact};
        if (k > 0) acc = join_repeated(in, acc, before, k - 1 - j->upto);
        acc = k > 0 ? join_value(in, acc, now) : now;
        j->bound = acc.bound;
        j->fact = acc.fact;
        j->upto = k;
    }
    env_undo(in, env, p->mark);
}

void env_paths_end(Interp *in, Env *env, EnvPaths *p, bool unchanged_path) {
    if (unchanged_path) p->npaths++; /* no branch taken: the state at the mark */
    for (size_t i = 0; i < p->acc.len; i++) {
        PathJoin *j = &p->acc.items[i];
        const Binding *b = &env->items.items[j->index];
        PathValue acc = {j->bound, j->fact}, before = {b->bound, b->fact};
        acc = join_repeated(in, acc, before, p->npaths - 1 - j->upto);
        if (acc.bound) env_set(in, env, b->name, b->len, acc.fact);
    }
    env_release(env);
    array_free(&p->acc);
    array_free(&p->changes);
    index_map_free(&p->map);
}

/* The widening of a loop that has not settled: the join of the pass's start and its end, when
 * that adds kinds or flags (of which there are finitely many); otherwise the start as it was.
 * What else goes on changing (the nesting of an object's fields, an object on one pass and
 * nothing known on the next) is no evidence a rule reads, and would never settle. */
static PathValue widen_value(Interp *in, PathValue start, PathValue next) {
    PathValue joined = join_value(in, start, next);
    if (start.bound && joined.bound && joined.fact.kinds == start.fact.kinds &&
        joined.fact.flags == start.fact.flags)
        return start;
    return joined;
}

void env_loop_begin(Env *env, EnvLoop *l) {
    memset(l, 0, sizeof *l);
    l->mark = env_mark(env);
}

bool env_loop_settle(Interp *in, Env *env, EnvLoop *l, bool widen) {
    env_changed_since(in, env, l->mark, &l->changes);
    bool changed = false;
    for (size_t i = 0; i < l->changes.len; i++) {
        const EnvChange *c = &l->changes.items[i];
        const Binding *b = &env->items.items[c->index];
        int32_t *slot = index_slot(&l->map, c->index);
        if (*slot < 0) { /* first changed in this pass: it started it as at the entry */
            *slot = (int32_t)l->vars.len;
            array_push(&l->vars, ((PathJoin){c->index, 0, c->was_bound, c->old}));
        }
        PathJoin *v = &l->vars.items[*slot];
        PathValue entry = {c->was_bound, c->old}, start = {v->bound, v->fact};
        PathValue next = join_value(in, (PathValue){b->bound, b->fact}, entry);
        if (widen) next = widen_value(in, start, next);
        changed |= next.bound != start.bound || (next.bound && !fact_same(&next.fact, &start.fact));
        v->bound = next.bound;
        v->fact = next.fact;
    }
    /* The joined state (a name whose join is what it holds now changes nothing). */
    for (size_t i = 0; i < l->vars.len; i++) {
        const PathJoin *v = &l->vars.items[i];
        const Binding *b = &env->items.items[v->index];
        if (v->bound) env_set(in, env, b->name, b->len, v->fact);
    }
    return changed;
}

/* Keeps the first change of each binding since the mark (what it held at the mark): all an
 * undo to an earlier mark needs, so that the trail of an outer block grows with the names its
 * loops changed, not with their passes. */
static void compact_trail(Interp *in, Env *env, EnvMark mark) {
    uint32_t stamp, *stamps = env_stamps(in, env, &stamp);
    size_t kept = mark;
    for (size_t i = mark; i < env->trail.len; i++) {
        EnvUndo *u = &env->trail.items[i];
        in->budget->work++;
        if (stamps[u->index] == stamp) continue;
        stamps[u->index] = stamp;
        env->trail.items[kept++] = *u;
    }
    env->trail.len = kept;
}

void env_loop_end(Interp *in, Env *env, EnvLoop *l) {
    if (env->marks > 1) compact_trail(in, env, l->mark);
    env_release(env);
    array_free(&l->vars);
    array_free(&l->changes);
    index_map_free(&l->map);
}

/* ---------- loops that settled ---------- */

struct SettledLoop {
    TSNode body;
    uint32_t frame, clock; /* the frame it ran in, Interp.clock when it ended */
    Fact elem, ret, yielded;
    uint16_t last_event;
};

/* The record of this loop body, or the empty slot for one. */
static struct SettledLoop *settled_slot(Interp *in, TSNode body) {
    if ((in->settled_used + 1) * 2 > in->settled_nslots) {
        size_t n = in->settled_nslots ? in->settled_nslots * 2 : 64;
        struct SettledLoop *slots = util_xcalloc(n, sizeof *slots);
        for (size_t i = 0; i < in->settled_nslots; i++) {
            if (ts_node_is_null(in->settled[i].body)) continue;
            size_t s = env_hash_node(in->settled[i].body) & (n - 1);
            while (!ts_node_is_null(slots[s].body))
                s = (s + 1) & (n - 1);
            slots[s] = in->settled[i];
        }
        free(in->settled);
        in->settled = slots;
        in->settled_nslots = n;
    }
    size_t mask = in->settled_nslots - 1;
    for (size_t s = env_hash_node(body) & mask;; s = (s + 1) & mask) {
        in->budget->work++;
        if (ts_node_is_null(in->settled[s].body) || ts_node_eq(in->settled[s].body, body))
            return &in->settled[s];
    }
}

bool env_loop_unchanged(Interp *in, TSNode body, const Fact *elem) {
    const struct SettledLoop *s = settled_slot(in, body);
    if (ts_node_is_null(s->body) || s->frame != in->frame->serial || s->clock != in->clock ||
        !fact_same(&s->elem, elem) || !fact_same(&s->ret, &in->frame->ret) ||
        !fact_same(&s->yielded, &in->frame->yielded))
        return false;
    in->last_event = s->last_event;
    return true;
}

void env_loop_settled(Interp *in, TSNode body, const Fact *elem) {
    struct SettledLoop *s = settled_slot(in, body);
    if (ts_node_is_null(s->body)) in->settled_used++;
    *s = (struct SettledLoop){body,           in->frame->serial,  in->clock,     *elem,
                              in->frame->ret, in->frame->yielded, in->last_event};
}

void env_free_loops(Interp *in) {
    free(in->settled);
    in->settled = NULL;
    in->settled_nslots = in->settled_used = 0;
}
