/* cli: the subcommands. Each takes its own argv (argv[0] is the subcommand's name) and
 * returns the process exit code: 0 clean, 1 findings, 2 usage or input error. */
#ifndef LOGITLINT_CLI_H
#define LOGITLINT_CLI_H

int cli_check(int argc, char **argv);
int cli_rule(int argc, char **argv);

#endif
