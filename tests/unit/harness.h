/* harness: helpers shared by the Check tests (running the CLI, linting a string). */
#ifndef LOGITLINT_TEST_HARNESS_H
#define LOGITLINT_TEST_HARNESS_H

#include <check.h>
#include <stdbool.h>

#include "diag.h"

typedef struct CliRun {
    int status; /* exit code, or -1 if the process did not exit normally */
    char *out;  /* captured stdout */
    char *err;  /* captured stderr */
} CliRun;

/* Runs the logitlint binary with argv (NULL-terminated, without the program name), feeding
 * `input` on stdin (NULL: empty), in directory `cwd` (NULL: current). */
CliRun harness_run(const char *const *argv, const char *input, const char *cwd);
/* The same with another copy of the binary. */
CliRun harness_run_bin(const char *bin, const char *const *argv, const char *input,
                       const char *cwd);
void harness_run_free(CliRun *r);

/* Lints Python text with the rules selected by `select` (NULL: all). */
DiagList harness_lint(const char *python, const char *select);
/* Number of findings with this code on this 1-based row. */
int harness_count(const DiagList *d, const char *code, int row);

/* Runs a suite and returns the process exit status. */
int harness_main(Suite *s);

#endif
