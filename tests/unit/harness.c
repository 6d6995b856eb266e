#define _POSIX_C_SOURCE 200809L
#include "harness.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lint.h"
#include "rules.h"

typedef struct Buf {
    char *data;
    size_t len, cap;
} Buf;

static void buf_add(Buf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = util_xrealloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

CliRun harness_run(const char *const *argv, const char *input, const char *cwd) {
    return harness_run_bin(LOGITLINT_BIN, argv, input, cwd);
}

CliRun harness_run_bin(const char *bin, const char *const *argv, const char *input,
                       const char *cwd) {
    int in[2], out[2], err[2];
    ck_assert(pipe(in) == 0 && pipe(out) == 0 && pipe(err) == 0);
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(in[1]);
        close(out[0]);
        close(err[0]);
        if (cwd && chdir(cwd) != 0) _exit(127);
        int n = 0;
        while (argv[n])
            n++;
        char **args = calloc((size_t)n + 2, sizeof *args);
        args[0] = (char *)bin;
        for (int i = 0; i < n; i++)
            args[i + 1] = (char *)argv[i];
        execv(bin, args);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    signal(SIGPIPE, SIG_IGN);
    if (input) {
        size_t len = strlen(input), off = 0;
        while (off < len) {
            ssize_t w = write(in[1], input + off, len - off);
            if (w <= 0) break;
            off += (size_t)w;
        }
    }
    close(in[1]);
    Buf bo = {0}, be = {0};
    buf_add(&bo, "", 0);
    buf_add(&be, "", 0);
    struct pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    int open_fds = 2;
    while (open_fds > 0) {
        if (poll(fds, 2, -1) < 0) break;
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
            char chunk[4096];
            ssize_t r = read(fds[i].fd, chunk, sizeof chunk);
            if (r <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            } else {
                buf_add(i == 0 ? &bo : &be, chunk, (size_t)r);
            }
        }
    }
    int status;
    waitpid(pid, &status, 0);
    CliRun run = {WIFEXITED(status) ? WEXITSTATUS(status) : -1, bo.data, be.data};
    return run;
}

void harness_run_free(CliRun *r) {
    free(r->out);
    free(r->err);
}

DiagList harness_lint(const char *python, const char *select) {
    bool enabled[64] = {0};
    for (size_t i = 0; i < rules_count; i++)
        enabled[i] = !select || rules_match(rules_registry[i], select);
    Source src;
    source_from_buffer(&src, "test.py", util_xstrdup(python), strlen(python));
    DiagList out = {0};
    LintResult r;
    lint_source(&src, enabled, &out, &r);
    source_free(&src);
    return out;
}

int harness_count(const DiagList *d, const char *code, int row) {
    int n = 0;
    for (size_t i = 0; i < d->len; i++)
        if (!strcmp(d->items[i].rule->code, code) && d->items[i].row == row) n++;
    return n;
}

int harness_main(Suite *s) {
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
