/* verify_cli: the `logitlint verify` subcommand. Parses arguments, loads the
 * table, runs the verifier and prints; the verdict is data, so the exit code
 * is 0 unless the input is bad (2). */
#include "verify.h"

#include <stdlib.h>
#include <string.h>

static const char cli_usage[] =
    "Usage: logitlint verify [--table abc|search|FILE] [--recipe NAME]\n"
    "                        [--candidates \"A A\" \"B B\" ...] [--output-format text|json]\n"
    "                        [--validate] [--list-recipes] [--help]\n"
    "\n"
    "Runs a scoring recipe on a toy autoregressive table and compares its ranking of the\n"
    "candidates with the correct objective log Pr(y|x) = sum_t log_softmax(u_t)[y_t].\n"
    "Prints, per candidate and step, the logit, the step's log-normaliser log Z and the\n"
    "log-prob, both totals, both rankings and the verdict.\n"
    "\n"
    "  --table abc       the built-in A/B/C table (default)\n"
    "  --table search    the counterexample `logitlint check` shows for the recipe: abc if\n"
    "                    it shows the harm, else a table found by seeded search and shrunk\n"
    "  --table FILE      a JSON table: {\"vocab\": [...], \"contexts\": [{\"prefix\": [...],\n"
    "                    \"logits\": [...]}, ...], \"candidates\": [[...], ...]} (write a masked\n"
    "                    logit as \"-inf\"; optional \"prompt\" and \"pad\", see README)\n"
    "  --recipe NAME     what the script computes (default sum-raw-logits; --list-recipes)\n"
    "  --candidates ...  candidates to rank, each a space-separated token list; overrides\n"
    "                    the table's \"candidates\"\n"
    "  --output-format   text (default) or json (the `counterexample` object)\n"
    "  --validate        only load and check the table and candidates, then say so\n"
    "  --list-recipes    list the recipes with a one-line description\n"
    "\n"
    "Exit status: 0 whatever the verdict, 2 on bad arguments or a bad table.\n";

typedef struct {
    const char *table, *recipe, *format;
    const char **cands;
    int n_cands;
    bool list, validate, help;
} CliArgs;

/* Accepts `--opt value` and `--opt=value`. Returns the value, advancing *i. */
static const char *cli_value(int argc, char **argv, int *i, const char *opt, bool *bad) {
    const char *a = argv[*i];
    size_t n = strlen(opt);
    if (a[n] == '=') return a + n + 1;
    if (*i + 1 >= argc) {
        fprintf(stderr, "logitlint verify: %s needs a value (see logitlint verify --help)\n", opt);
        *bad = true;
        return NULL;
    }
    return argv[++*i];
}

static bool cli_is(const char *a, const char *opt) {
    size_t n = strlen(opt);
    return strncmp(a, opt, n) == 0 && (a[n] == 0 || a[n] == '=');
}

static bool cli_parse(int argc, char **argv, CliArgs *a) {
    bool bad = false;
    a->table = "abc";
    a->recipe = "sum-raw-logits";
    a->format = "text";
    for (int i = 1; i < argc && !bad; i++) {
        const char *s = argv[i];
        if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            a->help = true;
        } else if (strcmp(s, "--list-recipes") == 0) {
            a->list = true;
        } else if (strcmp(s, "--validate") == 0) {
            a->validate = true;
        } else if (cli_is(s, "--table")) {
            a->table = cli_value(argc, argv, &i, "--table", &bad);
        } else if (cli_is(s, "--recipe")) {
            a->recipe = cli_value(argc, argv, &i, "--recipe", &bad);
        } else if (cli_is(s, "--output-format")) {
            a->format = cli_value(argc, argv, &i, "--output-format", &bad);
            if (!bad && strcmp(a->format, "text") != 0 && strcmp(a->format, "json") != 0) {
                fprintf(stderr,
                        "logitlint verify: --output-format must be text or json, not \"%s\"\n",
                        a->format);
                bad = true;
            }
        } else if (strcmp(s, "--candidates") == 0) {
            /* Every following argument up to the next option is a candidate. */
            a->cands = (const char **)&argv[i + 1];
            a->n_cands = 0;
            while (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0) {
                i++;
                a->n_cands++;
            }
            if (a->n_cands == 0) {
                fprintf(stderr, "logitlint verify: --candidates needs at least one candidate, "
                                "e.g. --candidates \"A A\" \"B B\"\n");
                bad = true;
            }
        } else {
            fprintf(stderr,
                    "logitlint verify: unknown argument \"%s\" (see logitlint verify --help)\n", s);
            bad = true;
        }
    }
    return !bad;
}

static int cli_print_result(const VerifyResult *res, bool json) {
    if (json) {
        json_t *o = verify_result_to_json(res);
        char *s = o ? json_dumps(o, JSON_INDENT(2)) : NULL;
        json_decref(o);
        if (!s) {
            fprintf(stderr, "logitlint verify: out of memory\n");
            return 2;
        }
        printf("%s\n", s);
        free(s);
    } else {
        verify_print_full(stdout, res);
    }
    return 0;
}

int verify_main(int argc, char **argv) {
    CliArgs a = {0};
    if (!cli_parse(argc, argv, &a)) return 2;
    bool json = strcmp(a.format, "json") == 0;
    if (a.help) {
        fputs(cli_usage, stdout);
        return 0;
    }
    if (a.list) {
        if (json) {
            json_t *o = verify_print_recipes_json();
            char *s = o ? json_dumps(o, JSON_INDENT(2)) : NULL;
            json_decref(o);
            if (!s) return 2;
            printf("%s\n", s);
            free(s);
        } else {
            verify_print_recipes(stdout);
        }
        return 0;
    }
    const VerifyRecipe *r = verify_recipe_find(a.recipe);
    if (!r) {
        fprintf(stderr,
                "logitlint verify: unknown recipe \"%s\" (see logitlint verify --list-recipes)\n",
                a.recipe);
        return 2;
    }
    if (strcmp(a.table, "search") == 0) {
        if (a.n_cands) {
            fprintf(stderr, "logitlint verify: --candidates cannot be combined with --table search "
                            "(the search picks its own candidates)\n");
            return 2;
        }
        VerifyResult *res = verify_counterexample(r);
        if (!res) {
            fprintf(stderr, "logitlint verify: out of memory\n");
            return 2;
        }
        int rc = a.validate ? (printf("search: ok (recipe %s)\n", r->name), 0)
                            : cli_print_result(res, json);
        verify_result_free(res);
        return rc;
    }
    VerifyError err = {{0}};
    VerifyTable *t = NULL;
    VerifyStatus st;
    if (strcmp(a.table, "abc") == 0) {
        t = verify_table_builtin("abc");
        st = t ? VERIFY_OK : VERIFY_ENOMEM;
    } else {
        st = verify_table_load_file(a.table, &t, &err);
    }
    if (st == VERIFY_OK && a.n_cands) st = verify_table_set_candidates(t, a.cands, a.n_cands, &err);
    /* A built-in table may lack a context a recipe needs (abc has none after
     * [A, A] for no-causal-shift): point at the table made for the recipe. */
    bool hint = false;
    if (st == VERIFY_OK) {
        st = verify_score_check(t, r, &err);
        hint = t->origin == VERIFY_ORIGIN_BUILTIN && !a.n_cands;
    }
    if (st != VERIFY_OK) {
        if (st == VERIFY_ENOMEM)
            fprintf(stderr, "logitlint verify: out of memory\n");
        else if (hint)
            fprintf(stderr, "%s; `--table search` builds a table for this recipe\n", err.msg);
        else
            fprintf(stderr, "%s\n", err.msg);
        verify_table_free(t);
        return 2;
    }
    if (a.validate) {
        printf("%s: ok: %d tokens, %d contexts, %d candidates\n", t->label, t->n_vocab,
               t->n_contexts, t->n_candidates);
        verify_table_free(t);
        return 0;
    }
    VerifyResult *res = NULL;
    st = verify_score(t, r, &res, &err);
    if (st != VERIFY_OK) {
        fprintf(stderr, "%s\n", st == VERIFY_ENOMEM ? "logitlint verify: out of memory" : err.msg);
        verify_table_free(t);
        return 2;
    }
    verify_result_take_table(res, t);
    int rc = cli_print_result(res, json);
    verify_result_free(res);
    return rc;
}
