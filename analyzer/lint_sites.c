/* Findings in other files' code. The interpreter runs another file's function at this file's
 * call sites with this file's arguments; what it does there is recorded at the call (the
 * event's site). The rules run over each site's events on their own, and over the events of
 * those functions analysed alone (as their own file sees them): a finding that the callee's
 * code shows alone is its own file's to report; one that appears only with this call's
 * arguments is reported at the call, naming the place in the callee, and remembers that place
 * (with the callee file's `# noqa` there): the run reports it there when it analyses that file
 * too (relocate.h). */
#include "lint_sites.h"

#include "suppress.h"

#include <stdio.h>
#include <stdlib.h>

static void run_rules(const Facts *view, const Source *src, const bool *run, DiagList *out) {
    for (size_t i = 0; i < rules_count; i++) {
        if (!run[i]) continue;
        RuleContext ctx = {.facts = view, .src = src, .rule = rules_registry[i], .out = out};
        rules_registry[i]->check(&ctx);
    }
}

static bool same_place(const DiagList *list, const Diagnostic *d) {
    for (size_t i = 0; i < list->len; i++) {
        const Diagnostic *o = &list->items[i];
        if (o->rule == d->rule && o->row == d->row && o->col == d->col &&
            !strcmp(o->filename, d->filename))
            return true;
    }
    return false;
}

/* What a site names: a call's function, or a @property read (obj.best), all of it. */
static TSNode site_callee(TSNode site) {
    return parse_is(site, "call") ? parse_field(site, "function") : site;
}

/* An event of the call `site` that ran code of the file `path` (NULL: none). */
static const FactEvent *ran_in(const Facts *facts, const Source *src, TSNode site,
                               const char *path) {
    for (size_t i = 0; i < facts->events.len; i++) {
        const FactEvent *e = &facts->events.items[i];
        const Source *ran = e->node.tree ? source_of(src, e->node.tree) : NULL;
        if (ts_node_eq(e->site, site) && ran && !strcmp(ran->path, path)) return e;
    }
    return NULL;
}

/* The row of a `# noqa` of the callee's file covering d there (0: none): the events of the call
 * ran that file's code, so one of them holds its tree. */
static int noqa_there(const Facts *facts, const Source *src, TSNode site, const Diagnostic *d) {
    const FactEvent *e = ran_in(facts, src, site, d->filename);
    if (!e) return 0;
    Parsed p = {.root = ts_tree_root_node(e->node.tree), .src = source_of(src, e->node.tree)};
    NoqaList noqa;
    suppress_collect(&noqa, &p);
    int row = suppress_covering_row(&noqa, d->code, d->row);
    suppress_free(&noqa);
    return row;
}

/* The findings of the events of each call of this file into other files' code. */
typedef struct SiteFindings {
    TSNode site;
    DiagList found;
} SiteFindings;
typedef Array(SiteFindings) SiteFindingsList;

/* Does this file call the function of `site` at another call whose values do not make d (the
 * same rule at the same place of the callee)? Then the callee is shared code that other values
 * keep right: d is this call's flaw, where the fixes of real projects went (a correct
 * `cross_entropy(logits, targets)` called once with unshifted pairs). */
static bool kept_right_elsewhere(const Facts *facts, const Source *src,
                                 const SiteFindingsList *sites, TSNode site, const Diagnostic *d) {
    TSNode fn = site_callee(site);
    for (size_t i = 0; i < sites->len; i++) {
        const SiteFindings *o = &sites->items[i];
        if (ts_node_eq(o->site, site) || o->site.tree != site.tree ||
            !parse_same_text(src, site_callee(o->site), fn) ||
            !ran_in(facts, src, o->site, d->filename) || same_place(&o->found, d))
            continue;
        return true;
    }
    return false;
}

static bool is_pairing(const Source *src, TSNode fn, TSNode v, TSNode pairing, int depth);

/* Does the target of an assignment bind `name` (itself, or among the names it unpacks to)? */
static bool binds(const Source *src, TSNode target, TSNode name) {
    if (parse_is(target, "identifier")) return parse_same_text(src, target, name);
    bool unpacks = parse_is(target, "pattern_list") || parse_is(target, "tuple_pattern") ||
                   parse_is(target, "list_pattern") || parse_is(target, "tuple") ||
                   parse_is(target, "list");
    for (uint32_t i = 0; unpacks && i < ts_node_named_child_count(target); i++)
        if (binds(src, parse_named_child(target, i), name)) return true;
    return false;
}

/* The one value `name` is bound to in the function fn (null: none, bound more than once, or
 * unpacked from another value). */
static TSNode bound_once(const Source *src, TSNode fn, TSNode name) {
    TSNode found = {0};
    int n = 0;
    TSTreeCursor c = ts_tree_cursor_new(fn);
    for (bool more = ts_tree_cursor_goto_first_child(&c); more;) {
        TSNode x = ts_tree_cursor_current_node(&c);
        bool bind = parse_is(x, "assignment") || parse_is(x, "augmented_assignment") ||
                    parse_is(x, "for_statement") || parse_is(x, "named_expression");
        TSNode left = parse_field(x, parse_is(x, "named_expression") ? "name" : "left");
        if (bind && binds(src, left, name)) found = parse_field(x, "right"), n++;
        if (!parse_is(x, "function_definition") && !parse_is(x, "class_definition") &&
            ts_tree_cursor_goto_first_child(&c))
            continue;
        while (!(more = ts_tree_cursor_goto_next_sibling(&c)) && ts_tree_cursor_goto_parent(&c))
            ;
        if (ts_node_eq(ts_tree_cursor_current_node(&c), fn)) break;
    }
    ts_tree_cursor_delete(&c);
    bool plain = n == 1 && parse_is(parse_parent(found), "assignment") &&
                 parse_is(parse_field(parse_parent(found), "left"), "identifier");
    return plain ? found : (TSNode){0};
}

/* Is v the per-token values of the pairing, as they are: the pairing itself, a name bound to it
 * once, or it reshaped ([..., 0], .squeeze(-1), .float(), .view(B, T)), nothing reduced, masked or
 * added to it? */
static bool is_pairing(const Source *src, TSNode fn, TSNode v, TSNode pairing, int depth) {
    static const char *const reshapes[] = {"squeeze",    "float", "double",  "to",
                                           "contiguous", "view",  "reshape", NULL};
    v = parse_unparen(v);
    if (depth > 8 || ts_node_is_null(v)) return false;
    if (ts_node_start_byte(v) == ts_node_start_byte(pairing) &&
        ts_node_end_byte(v) == ts_node_end_byte(pairing))
        return true;
    if (parse_is(v, "identifier"))
        return is_pairing(src, fn, bound_once(src, fn, v), pairing, depth + 1);
    if (parse_is(v, "subscript")) { /* x[..., 0], x[:, :, 0]: the axis of one picked token */
        for (uint32_t i = 0; i < ts_node_named_child_count(v); i++) {
            TSNode ix = parse_named_child(v, i);
            const char *field = ts_node_field_name_for_named_child(v, i);
            if (field && !strcmp(field, "subscript") && !parse_is(ix, "ellipsis") &&
                !parse_is(ix, "slice") && !parse_is(ix, "integer"))
                return false;
        }
        return is_pairing(src, fn, parse_field(v, "value"), pairing, depth + 1);
    }
    TSNode f = parse_field(v, "function");
    if (!parse_is(v, "call") || !parse_is(f, "attribute")) return false;
    for (int i = 0; reshapes[i]; i++)
        if (parse_text_eq(src, parse_field(f, "attribute"), reshapes[i]))
            return is_pairing(src, fn, parse_field(f, "object"), pairing, depth + 1);
    return false;
}

/* Does the function holding the pairing return only its per-token values (every return)? Such a
 * helper (gather_token_logprobs(logits, ids)) is a primitive that pairs what it is given; one that
 * goes on to mask, reduce or score them (token_nll(logits, labels)) defines what it expects of its
 * inputs, and a flaw of the pairing is its own. */
static bool returns_pairing(const Source *src, TSNode pairing) {
    TSNode fn = parse_parent(pairing);
    while (!ts_node_is_null(fn) && !parse_is(fn, "function_definition"))
        fn = parse_parent(fn);
    if (ts_node_is_null(fn)) return false;
    int returns = 0;
    TSTreeCursor c = ts_tree_cursor_new(fn);
    bool ok = true;
    for (bool more = ts_tree_cursor_goto_first_child(&c); more && ok;) {
        TSNode x = ts_tree_cursor_current_node(&c);
        if (parse_is(x, "return_statement")) {
            returns++;
            ok = is_pairing(src, fn, parse_named_child(x, 0), pairing, 0);
        }
        if (!parse_is(x, "function_definition") && !parse_is(x, "lambda") &&
            !parse_is(x, "class_definition") && ts_tree_cursor_goto_first_child(&c))
            continue;
        while (!(more = ts_tree_cursor_goto_next_sibling(&c)) && ts_tree_cursor_goto_parent(&c))
            ;
        if (ts_node_eq(ts_tree_cursor_current_node(&c), fn)) break;
    }
    ts_tree_cursor_delete(&c);
    return ok && returns > 0;
}

/* Did the call hand the callee the values of d already paired as d finds them (an event of the
 * site at d's place whose caller is set: facts_align.c), to a callee that only pairs them and
 * returns the result? The callee only carried out what it was given: the call's slices are the
 * flaw, as when the file calls the callee right elsewhere. */
static bool paired_by_call(const Facts *facts, const Source *src, TSNode site,
                           const Diagnostic *d) {
    for (size_t i = 0; i < facts->events.len; i++) {
        const FactEvent *e = &facts->events.items[i];
        if (!ts_node_eq(e->site, site) || ts_node_is_null(e->caller)) continue;
        const Source *ran = source_of(src, e->node.tree);
        if (ran && !strcmp(ran->path, d->filename) &&
            (int)ts_node_start_point(e->node).row + 1 == d->row &&
            (e->kind == EV_MASK_OFF || returns_pairing(ran, e->node)))
            return true;
    }
    return false;
}

/* The definition named `name` at the top of a module or in one of its classes (*method: there,
 * its first parameter is the object, bound by the call's receiver). */
static TSNode def_named(const Source *src, TSNode root, const char *name, size_t len, int depth,
                        bool *method) {
    for (uint32_t i = 0; i < ts_node_named_child_count(root); i++) {
        TSNode d = parse_named_child(root, i);
        if (parse_is(d, "decorated_definition")) d = parse_field(d, "definition");
        if (parse_is(d, "class_definition") && depth == 0) {
            TSNode m = def_named(src, parse_field(d, "body"), name, len, 1, method);
            if (!ts_node_is_null(m)) return m;
        }
        *method = depth > 0;
        if (!parse_is(d, "function_definition")) continue;
        size_t n;
        const char *t = parse_text(src, parse_field(d, "name"), &n);
        if (n == len && !memcmp(t, name, len)) return d;
    }
    return (TSNode){0};
}

/* Does the call leave an integer parameter of the function it calls (in file `path`) at its
 * default (log_softmax(x) of `def log_softmax(x, axis=1)`)? The default is the value the
 * function's author chose for the inputs they meant (a [batch, classes] head); an axis wrong for
 * this call's values is then the call's to pass, not the function's to change. */
static bool leaves_int_default(const Facts *facts, const Source *src, TSNode site,
                               const char *path) {
    const FactEvent *e = parse_is(site, "call") ? ran_in(facts, src, site, path) : NULL;
    if (!e) return false;
    const Source *there = source_of(src, e->node.tree);
    TSNode fn = parse_field(site, "function");
    if (parse_is(fn, "attribute")) fn = parse_field(fn, "attribute");
    size_t len;
    const char *name = parse_text(src, fn, &len);
    bool method = false;
    TSNode def = def_named(there, ts_tree_root_node(e->node.tree), name, len, 0, &method);
    if (ts_node_is_null(def)) return false;
    TSNode params = parse_field(def, "parameters"), args = parse_field(site, "arguments");
    if (ts_node_is_null(params) || ts_node_is_null(args)) return false;
    uint32_t npos = method ? 1 : 0;
    for (uint32_t j = 0; j < ts_node_named_child_count(args); j++) {
        TSNode a = parse_named_child(args, j);
        if (parse_is(a, "list_splat") || parse_is(a, "dictionary_splat")) return false;
        if (!parse_is(a, "keyword_argument") && !parse_is(a, "comment")) npos++;
    }
    for (uint32_t i = 0; i < ts_node_named_child_count(params); i++) {
        TSNode p = parse_named_child(params, i);
        if (!parse_is(p, "default_parameter") && !parse_is(p, "typed_default_parameter")) continue;
        TSNode v = parse_field(p, "value");
        if (parse_is(v, "unary_operator")) v = parse_field(v, "argument");
        if (!parse_is(v, "integer") || i < npos) continue;
        size_t plen;
        const char *pname = parse_text(there, parse_field(p, "name"), &plen);
        bool named = false;
        for (uint32_t j = 0; j < ts_node_named_child_count(args) && !named; j++) {
            TSNode a = parse_named_child(args, j);
            size_t alen;
            const char *an = parse_is(a, "keyword_argument")
                                 ? parse_text(src, parse_field(a, "name"), &alen)
                                 : NULL;
            named = an && alen == plen && !memcmp(an, pname, plen);
        }
        if (!named) return true;
    }
    return false;
}

/* A softmax over the wrong axis (LL104) in a function the call leaves an integer parameter of
 * at its default: the call's flaw, reported there. */
static bool axis_left_default(const Facts *facts, const Source *src, TSNode site,
                              const Diagnostic *d) {
    return !strcmp(d->code, "LL104") && leaves_int_default(facts, src, site, d->filename);
}

/* Re-emits a finding made in the callee's code at the call of this file, keeping where it lies
 * there (d's place and lines, taken) for the run to report it there (relocate.h). */
static void report_at_site(const Facts *facts, const Source *src, TSNode site, bool shared,
                           Diagnostic *d, DiagList *out) {
    size_t flen, before = out->len;
    const char *fn = parse_text(src, site_callee(site), &flen);
    RuleContext ctx = {.facts = facts, .src = src, .rule = d->rule, .out = out};
    rules_emit(&ctx, site, d->recipe, d->help,
               "%s (in `%.*s`, at %s:%d:%d, with the arguments of this call)", d->message,
               (int)flen, fn, d->filename, d->row, d->col);
    if (out->len == before) return; /* (one finding per rule at a call) */
    DiagThere *t = util_xcalloc(1, sizeof *t);
    *t = (DiagThere){.filename = d->filename,
                     .message = d->message,
                     .callee = util_xstrndup(fn, flen),
                     .row = d->row,
                     .col = d->col,
                     .end_row = d->end_row,
                     .end_col = d->end_col,
                     .noqa_row = noqa_there(facts, src, site, d),
                     .shared = shared,
                     .frame_lines = d->frame_lines,
                     .nframe = d->nframe};
    d->filename = d->message = NULL, d->frame_lines = NULL, d->nframe = 0;
    out->items[before].there = t;
}

/* Is the event's node at d's place (its file, row and column)? */
static bool event_at(const Source *src, const FactEvent *e, const Diagnostic *d) {
    const Source *in = e->node.tree ? source_of(src, e->node.tree) : NULL;
    if (!in || strcmp(in->path, d->filename)) return false;
    int row, col;
    source_position(in, ts_node_start_byte(e->node), &row, &col);
    return row == d->row && col == d->col;
}

/* Did an event of the call `site` (null: of this file's own code) use values that event
 * index `made` made (Fact.made_event)? */
static bool site_uses(const Facts *facts, TSNode site, size_t made) {
    for (size_t i = 0; i < facts->events.len; i++) {
        const FactEvent *e = &facts->events.items[i];
        if (ts_node_eq(e->site, site) && (e->in.made_event == made || e->in2.made_event == made))
            return true;
    }
    return false;
}

/* The call of this file whose run of another file's code holds d's place: `site` when one of
 * its events is there, else the call of such an event, the one whose values `site` used
 * first (a rule reports a flaw where the values were made, which may be another call's code
 * than the one that summed or ranked them: rules.h, rules_made_apart); null: none. */
static TSNode call_at_place(const Facts *facts, const Source *src, TSNode site,
                            const Diagnostic *d) {
    TSNode other = {0};
    for (size_t i = 0; i < facts->events.len; i++) {
        const FactEvent *e = &facts->events.items[i];
        if (ts_node_is_null(e->site) || !event_at(src, e, d)) continue;
        if (ts_node_eq(e->site, site)) return site;
        if (site_uses(facts, site, i + 1)) return e->site;
        if (ts_node_is_null(other)) other = e->site;
    }
    return other;
}

/* d, a finding of the rules run over some of the events, where it belongs: this file's own when
 * it lies in this file's code (the values it flags were made here and summed in another file's
 * code), else at the call whose run of the other file's code holds it (`site`, of the events
 * the rules ran over, and `shared` then as kept_right_elsewhere says). What it takes of d is
 * left zeroed; the caller frees the rest. */
static void place_finding(const Facts *facts, const Source *src, TSNode site, bool shared,
                          Diagnostic *d, DiagList *out) {
    size_t before = out->len;
    bool own = !strcmp(d->filename, src->path);
    TSNode at = own ? (TSNode){0} : call_at_place(facts, src, site, d);
    if (own && !same_place(out, d)) {
        array_push(out, *d);
        *d = (Diagnostic){0};
    } else if (!ts_node_is_null(at)) {
        report_at_site(facts, src, at, ts_node_eq(at, site) && shared, d, out);
    }
    /* made apart from the call whose code summed or ranked the values: the verifier runs that
     * call, whose value is the score */
    if (out->len > before && !ts_node_is_null(site) && !ts_node_eq(at, site) &&
        out->items[before].site.src) {
        out->items[before].site.start = ts_node_start_byte(site);
        out->items[before].site.end = ts_node_end_byte(site);
    }
}

/* Is i the first event of its call (each site once, in the order they were reached)? */
static bool first_of_site(const Facts *facts, size_t i) {
    TSNode site = facts->events.items[i].site;
    if (ts_node_is_null(site)) return false;
    for (size_t j = 0; j < i; j++)
        if (ts_node_eq(facts->events.items[j].site, site)) return false;
    return true;
}

/* The findings of the events of the call whose first event is i, into there. */
static void site_findings(const Facts *facts, const Source *src, const bool *run, size_t i,
                          FactEventList *at, DiagList *there) {
    TSNode site = facts->events.items[i].site;
    /* what reaches another file's code by its name only (a tensor of random numbers called
     * logits in a test) is no evidence there, unless another use shifts the same scores
     * against the same tokens: the code itself treats them as a causal LM's */
    at->len = 0;
    for (size_t j = i; j < facts->events.len; j++)
        if (ts_node_eq(facts->events.items[j].site, site) &&
            (!(facts->events.items[j].in.flags & FF_WEAK) ||
             !ts_node_is_null(facts->events.items[j].peer)))
            array_push(at, facts->events.items[j]);
    Facts view = *facts;
    view.events = *at;
    view.numbered = &facts->events;
    run_rules(&view, src, run, there);
}

bool sites_need_alone(const Facts *facts, const Source *src, const bool *run) {
    FactEventList at = {0};
    bool found = false;
    for (size_t i = 0; i < facts->events.len && !found; i++) {
        if (!first_of_site(facts, i)) continue;
        DiagList there = {0};
        site_findings(facts, src, run, i, &at, &there);
        found = there.len > 0;
        diag_list_free(&there);
    }
    array_free(&at);
    return found;
}

void sites_check(const Facts *facts, const Source *src, const bool *run, DiagList *out) {
    Facts view = *facts;
    FactEventList own = {0}, at = {0};
    bool others = false;
    for (size_t i = 0; i < facts->events.len; i++) {
        const FactEvent *e = &facts->events.items[i];
        if (!ts_node_is_null(e->site))
            others = true;
        else if (source_of(src, e->node.tree) == src)
            array_push(&own, *e);
    }
    view.events = own;
    view.numbered = &facts->events;
    DiagList mine = {0};
    run_rules(&view, src, run, &mine);
    for (size_t i = 0; i < mine.len; i++)
        place_finding(facts, src, (TSNode){0}, false, &mine.items[i], out);
    diag_list_free(&mine);
    array_free(&own);
    if (!others) return;
    DiagList alone = {0};
    view.events = facts->alone;
    view.numbered = &facts->alone;
    run_rules(&view, src, run, &alone);
    SiteFindingsList sites = {0};
    for (size_t i = 0; i < facts->events.len; i++) {
        if (!first_of_site(facts, i)) continue;
        SiteFindings sf = {facts->events.items[i].site, {0}};
        site_findings(facts, src, run, i, &at, &sf.found);
        array_push(&sites, sf);
    }
    /* (each finding's sharing judged before any is taken by report_at_site) */
    Array(bool) shared = {0};
    for (size_t i = 0; i < sites.len; i++)
        for (size_t k = 0; k < sites.items[i].found.len; k++)
            array_push(&shared,
                       kept_right_elsewhere(facts, src, &sites, sites.items[i].site,
                                            &sites.items[i].found.items[k]) ||
                           paired_by_call(facts, src, sites.items[i].site,
                                          &sites.items[i].found.items[k]) ||
                           axis_left_default(facts, src, sites.items[i].site,
                                             &sites.items[i].found.items[k]));
    for (size_t i = 0, n = 0; i < sites.len; i++) {
        DiagList *found = &sites.items[i].found;
        for (size_t k = 0; k < found->len; k++, n++)
            if (!same_place(&alone, &found->items[k]))
                place_finding(facts, src, sites.items[i].site, shared.items[n], &found->items[k],
                              out);
    }
    array_free(&shared);
    for (size_t i = 0; i < sites.len; i++)
        diag_list_free(&sites.items[i].found);
    array_free(&sites);
    array_free(&at);
    diag_list_free(&alone);
}
