/* The prefilter: an Aho-Corasick automaton over the enabled rules' literals, compiled to a full
 * transition table (one load per input byte, ASCII case folded into the table), so that a file
 * is scanned once whatever the number of literals.
 *
 * A rule's literals (rules.h) are groups separated by "": the rule may fire only if every group
 * has at least one of its literals somewhere in the text. Comments and strings are scanned too:
 * a superset of what the analysis reads, so a skip is always sound when the literals are. */
#include "prefilter.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "contracts.h"
#include "rules.h"

/* Rules with more groups than this in all are not filtered (they may always fire). */
enum { PF_MAX_GROUPS = 256, PF_WORDS = PF_MAX_GROUPS / 64, PF_MAX_STATES = 65535 };

typedef struct RuleGroups {
    bool enabled;
    bool always;      /* no literals (or too many): never skipped */
    int first, count; /* its groups: first .. first + count - 1 */
} RuleGroups;

struct Prefilter {
    uint16_t *delta;  /* [state * 256 + byte] -> state */
    uint8_t *has_out; /* [state]: some literal ends here */
    uint64_t *out;    /* [state * PF_WORDS + w]: groups with a literal ending here */
    size_t nstates;
    uint64_t needed[PF_WORDS]; /* every group of every filtered rule: once all are seen, stop */
    RuleGroups *rules;         /* indexed like the literal lists */
    size_t nrules;
};

/* ---------- construction ---------- */

typedef struct Trie {
    int32_t *next; /* [state * 256 + byte], -1: no edge */
    uint64_t *out;
    size_t n, cap;
} Trie;

static int trie_add_state(Trie *t) {
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->next = util_xrealloc(t->next, t->cap * 256 * sizeof *t->next);
        t->out = util_xrealloc(t->out, t->cap * PF_WORDS * sizeof *t->out);
    }
    memset(t->next + t->n * 256, 0xff, 256 * sizeof *t->next);
    memset(t->out + t->n * PF_WORDS, 0, PF_WORDS * sizeof *t->out);
    return (int)t->n++;
}

static unsigned char fold(unsigned char c) {
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Adds a literal to the trie; false when the automaton would grow too large. */
static bool trie_insert(Trie *t, const char *lit, int group) {
    int s = 0;
    for (const unsigned char *p = (const unsigned char *)lit; *p; p++) {
        unsigned char c = fold(*p);
        if (t->next[s * 256 + c] < 0) {
            if (t->n >= PF_MAX_STATES) return false;
            int ns = trie_add_state(t);
            t->next[s * 256 + c] = ns;
        }
        s = t->next[s * 256 + c];
    }
    t->out[s * PF_WORDS + group / 64] |= 1ull << (group % 64);
    return true;
}

/* Failure links by breadth-first search, folded into a complete transition table. */
static void compile(Prefilter *pf, Trie *t) {
    size_t n = t->n;
    pf->nstates = n;
    pf->delta = util_xmalloc(n * 256 * sizeof *pf->delta);
    pf->has_out = util_xcalloc(n, 1);
    pf->out = util_xmalloc(n * PF_WORDS * sizeof *pf->out);
    memcpy(pf->out, t->out, n * PF_WORDS * sizeof *pf->out);
    int32_t *fail = util_xcalloc(n, sizeof *fail);
    int32_t *queue = util_xmalloc(n * sizeof *queue);
    size_t head = 0, tail = 0;
    for (int c = 0; c < 256; c++) {
        int32_t ns = t->next[c];
        pf->delta[c] = (uint16_t)(ns < 0 ? 0 : ns);
        if (ns > 0) fail[ns] = 0, queue[tail++] = ns;
    }
    while (head < tail) {
        int32_t s = queue[head++];
        for (int w = 0; w < PF_WORDS; w++)
            pf->out[s * PF_WORDS + w] |= pf->out[fail[s] * PF_WORDS + w];
        for (int c = 0; c < 256; c++) {
            int32_t ns = t->next[s * 256 + c];
            if (ns < 0) {
                pf->delta[s * 256 + c] = pf->delta[fail[s] * 256 + c];
            } else {
                pf->delta[s * 256 + c] = (uint16_t)ns;
                fail[ns] = pf->delta[fail[s] * 256 + c];
                queue[tail++] = ns;
            }
        }
    }
    /* Literals were inserted lower-cased: an upper-case byte moves like its lower case. */
    for (size_t s = 0; s < n; s++) {
        for (int c = 'A'; c <= 'Z'; c++)
            pf->delta[s * 256 + c] = pf->delta[s * 256 + fold((unsigned char)c)];
        for (int w = 0; w < PF_WORDS; w++)
            if (pf->out[s * PF_WORDS + w]) pf->has_out[s] = 1;
    }
    free(queue);
    free(fail);
}

/* Counts a rule's non-empty groups ("" separates them; an empty group constrains nothing). */
static int count_groups(const char *const *lits) {
    int groups = 0;
    bool open = false;
    for (const char *const *l = lits; *l; l++) {
        if (!**l)
            open = false;
        else if (!open)
            open = true, groups++;
    }
    return groups;
}

typedef Array(const char *) Literals;

/* The names of the contract rows whose op is one of ops[0..n) (a group of Rule.literal_ops). */
static void add_row_names(Literals *out, const uint8_t *ops, size_t n) {
    for (const Contract *const *t = contracts_tables; *t; t++)
        for (const Contract *c = *t; c->name; c++)
            if (memchr(ops, c->op, n)) array_push(out, c->name);
}

/* A rule's literals, each group joined by the names of the rows whose ops the rule lists for
 * it (Rule.literal_ops): a library function added as a row is never skipped. NULL-ended; the
 * caller frees the array (not the strings, which are the rule's and the table's). */
const char **prefilter_rule_literals(const Rule *rule) {
    Literals out = {0};
    const char *const *lit = rule->literals;
    const uint8_t *ops = rule->literal_ops;
    for (bool first = true; (lit && *lit) || (ops && *ops != OP_COUNT); first = false) {
        if (!first) array_push(&out, "");
        for (; lit && *lit && **lit; lit++)
            array_push(&out, *lit);
        if (lit && *lit) lit++; /* the "" after this group */
        size_t n = 0;
        while (ops && ops[n] != OP_NONE && ops[n] != OP_COUNT)
            n++;
        if (n) add_row_names(&out, ops, n);
        if (ops) ops += n + (ops[n] == OP_NONE);
    }
    array_push(&out, NULL);
    return out.items;
}

Prefilter *prefilter_new(const bool *enabled) {
    const char ***lists = util_xcalloc(rules_count ? rules_count : 1, sizeof *lists);
    for (size_t i = 0; i < rules_count; i++)
        lists[i] = prefilter_rule_literals(rules_registry[i]);
    Prefilter *pf = prefilter_compile((const char *const *const *)lists, enabled, rules_count);
    for (size_t i = 0; i < rules_count; i++)
        free(lists[i]);
    free(lists);
    return pf;
}

Prefilter *prefilter_compile(const char *const *const *literals, const bool *enabled, size_t n) {
    Prefilter *pf = util_xcalloc(1, sizeof *pf);
    pf->rules = util_xcalloc(n ? n : 1, sizeof *pf->rules);
    pf->nrules = n;
    Trie t = {0};
    trie_add_state(&t);
    int ngroups = 0;
    for (size_t i = 0; i < n; i++) {
        RuleGroups *rg = &pf->rules[i];
        rg->enabled = enabled[i];
        if (!enabled[i]) continue;
        const char *const *lits = literals[i];
        int count = lits ? count_groups(lits) : 0;
        if (count == 0 || ngroups + count > PF_MAX_GROUPS) {
            rg->always = true;
            continue;
        }
        /* A rule that does not fit is not filtered at all: unless its literals' bytes (the most
         * states they can add) fit, insert into a copy first. */
        size_t most = 0;
        for (const char *const *l = lits; *l; l++)
            most += strlen(*l);
        bool sure = t.n + most <= PF_MAX_STATES;
        Trie saved = {0};
        if (!sure) {
            saved = (Trie){util_xmalloc(t.cap * 256 * sizeof *t.next),
                           util_xmalloc(t.cap * PF_WORDS * sizeof *t.out), t.n, t.cap};
            memcpy(saved.next, t.next, t.n * 256 * sizeof *t.next);
            memcpy(saved.out, t.out, t.n * PF_WORDS * sizeof *t.out);
        }
        bool fits = true, open = false;
        int g = ngroups - 1;
        for (const char *const *l = lits; *l && fits; l++) {
            if (!**l) {
                open = false;
                continue;
            }
            if (!open) open = true, g++;
            fits = trie_insert(&t, *l, g);
        }
        if (!fits) {
            free(t.next);
            free(t.out);
            t = saved;
            rg->always = true;
            continue;
        }
        free(saved.next);
        free(saved.out);
        rg->first = ngroups;
        rg->count = count;
        for (int k = ngroups; k < ngroups + count; k++)
            pf->needed[k / 64] |= 1ull << (k % 64);
        ngroups += count;
    }
    compile(pf, &t);
    free(t.next);
    free(t.out);
    return pf;
}

void prefilter_free(Prefilter *pf) {
    if (!pf) return;
    free(pf->delta);
    free(pf->has_out);
    free(pf->out);
    free(pf->rules);
    free(pf);
}

/* ---------- scanning ---------- */

static bool all_seen(const uint64_t *seen, const uint64_t *needed) {
    for (int w = 0; w < PF_WORDS; w++)
        if ((seen[w] & needed[w]) != needed[w]) return false;
    return true;
}

size_t prefilter_scan(const Prefilter *pf, const char *text, size_t len, bool *may) {
    uint64_t seen[PF_WORDS] = {0};
    const uint16_t *delta = pf->delta;
    const unsigned char *p = (const unsigned char *)text, *end = p + len;
    unsigned s = 0;
    bool done = all_seen(seen, pf->needed);
    while (!done && p < end) {
        s = delta[s * 256 + *p++];
        if (!pf->has_out[s]) continue;
        for (int w = 0; w < PF_WORDS; w++)
            seen[w] |= pf->out[s * PF_WORDS + w];
        done = all_seen(seen, pf->needed);
    }
    size_t n = 0;
    for (size_t i = 0; i < pf->nrules; i++) {
        const RuleGroups *rg = &pf->rules[i];
        bool m = rg->enabled;
        for (int k = rg->first; m && !rg->always && k < rg->first + rg->count; k++)
            if (!(seen[k / 64] >> (k % 64) & 1)) m = false;
        may[i] = m;
        n += m;
    }
    return n;
}
