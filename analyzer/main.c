/* logitlint: argument dispatch only; the subcommands live in cli_*.c, verify_cli.c, explain.c. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "explain.h"
#include "verify.h"

static const char USAGE[] =
    "logitlint: a static analyzer for the scoring code of language-model evaluations\n"
    "\n"
    "Usage: logitlint <COMMAND> [OPTIONS]\n"
    "\n"
    "Commands:\n"
    "  check [PATH ...]   Analyse Python files (default: the current directory)\n"
    "  rule CODE|--all    Show a rule's documentation, or list every rule\n"
    "  verify             Run the numeric verifier on a counterexample table\n"
    "  explain CODE       Explain a rule's finding with its counterexample, for a review\n"
    "  help COMMAND       Print a command's help\n"
    "\n"
    "Options:\n"
    "  -h, --help         Print this help\n"
    "  -V, --version      Print the version\n"
    "\n"
    "Run `logitlint <COMMAND> --help` for a command's options.\n";

int main(int argc, char **argv) {
    /* Output to a closed pipe (`logitlint check . | head -1`) fails with EPIPE instead of
     * killing the process: the commands then stop writing quietly and exit as they would have. */
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        fputs(USAGE, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "help") && argc == 3 && strcmp(argv[2], "help")) {
        /* `logitlint help check` is `logitlint check --help`. */
        char *sub[] = {argv[0], argv[2], "--help", NULL};
        return main(3, sub);
    }
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        fputs(USAGE, stdout);
        return 0;
    }
    if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("logitlint %s\n", LOGITLINT_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "check")) return cli_check(argc - 1, argv + 1);
    if (!strcmp(cmd, "rule")) return cli_rule(argc - 1, argv + 1);
    if (!strcmp(cmd, "verify")) return verify_main(argc - 1, argv + 1);
    if (!strcmp(cmd, "explain")) return explain_main(argc - 1, argv + 1);
    fprintf(stderr, "logitlint: unknown command '%s' (see `logitlint --help`)\n", cmd);
    return 2;
}
