/* parse_floor: the floor for any tree-sitter-based linter, measured with logitlint's own layers:
 * discover the same files, load each (source.c) and parse it (parse.c), one thread, nothing
 * else. Prints "files bytes seconds nodes" on one line for bench.sh.
 *
 * parse_floor --prefilter PATH...: instead, load each file and run the prefilter with every
 * rule enabled; prints "files bytes passing_files passing_bytes seconds" (what logitlint's
 * default run must parse), then "CODE files bytes" for each rule: the files it may fire on. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "discover.h"
#include "parse.h"
#include "prefilter.h"
#include "rules.h"
#include "source.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    int first = 1;
    bool stats = argc > 1 && !strcmp(argv[1], "--prefilter");
    if (stats) first++;
    if (argc <= first) {
        fputs("usage: parse_floor [--prefilter] PATH...\n", stderr);
        return 2;
    }
    PathList files = {0};
    for (int i = first; i < argc; i++)
        if (discover_paths(argv[i], &files, stderr) > 0) return 2;
    bool all[64] = {0}, may[64];
    for (size_t i = 0; i < rules_count && i < 64; i++)
        all[i] = true;
    Prefilter *pf = stats ? prefilter_new(all) : NULL;
    double t0 = now();
    size_t bytes = 0, nodes = 0, pass_files = 0, pass_bytes = 0;
    size_t rule_files[64] = {0}, rule_bytes[64] = {0};
    for (size_t i = 0; i < files.len; i++) {
        Source src;
        char err[512];
        if (source_load_file(&src, files.items[i], err, sizeof err) != SOURCE_OK) {
            fprintf(stderr, "parse_floor: %s\n", err);
            source_free(&src);
            continue;
        }
        bytes += src.len;
        if (pf) {
            if (prefilter_scan(pf, src.text, src.len, may) > 0) pass_files++, pass_bytes += src.len;
            for (size_t r = 0; r < rules_count && r < 64; r++)
                if (may[r]) rule_files[r]++, rule_bytes[r] += src.len;
        } else {
            Parsed p;
            if (parse_python(&p, &src) == PARSE_OK) {
                nodes += ts_node_descendant_count(p.root); /* keeps the parse observable */
                parse_free(&p);
            }
        }
        source_free(&src);
    }
    double secs = now() - t0;
    if (pf) printf("%zu %zu %zu %zu %.3f\n", files.len, bytes, pass_files, pass_bytes, secs);
    for (size_t r = 0; pf && r < rules_count && r < 64; r++)
        printf("%s %zu %zu\n", rules_registry[r]->code, rule_files[r], rule_bytes[r]);
    if (!pf) printf("%zu %zu %.6f %zu\n", files.len, bytes, secs, nodes);
    prefilter_free(pf);
    discover_free(&files);
    return 0;
}
