#!/usr/bin/env bash
# verify_bench: times `logitlint verify` on a user table with a 50,000-token
# vocabulary and 64 steps, against two baselines measured in the same run:
# merely loading and validating the same table (`verify --validate`) and
# starting the binary (`logitlint --version`). Prints medians (wall-clock and
# CPU) and the ratio of verify to loading alone.
#
#   tests/bench/verify_bench.sh [path/to/logitlint]    (default: build/logitlint)
#
# Environment: VOCAB (50000), STEPS (64), RUNS (5), LIMIT (1.0: exit 1 if the
# median CPU seconds of `verify` are above it).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-${LOGITLINT:-$here/../../build/logitlint}}
vocab=${VOCAB:-50000}
steps=${STEPS:-64}
runs=${RUNS:-5}
limit=${LIMIT:-1.0}

if [[ ! -x $bin ]]; then
    echo "verify_bench: no logitlint binary at $bin (build it, or pass its path)" >&2
    exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
table=$work/big.json

# Two candidates sharing their first steps-1 tokens, so the table holds one
# context per step: steps x vocab logits (3.2 million by default), with two
# decimals each, from a fixed seed so every run times the same file.
awk -v V="$vocab" -v T="$steps" 'BEGIN {
    srand(20240601);
    printf "{\"vocab\": [";
    for (i = 0; i < V; i++) printf "%s\"t%d\"", (i ? ", " : ""), i;
    printf "],\n\"contexts\": [\n";
    for (s = 0; s < T; s++) {
        printf "%s{\"prefix\": [", (s ? ",\n" : "");
        for (j = 1; j <= s; j++) printf "%s\"t%d\"", (j > 1 ? ", " : ""), j;
        printf "], \"logits\": [";
        for (i = 0; i < V; i++) {
            if (i == 7) { printf ",\"-inf\""; continue; }   # one masked token per context
            printf "%s%.2f", (i ? "," : ""), rand() * 20 - 10;
        }
        printf "]}";
    }
    printf "\n],\n\"candidates\": [[";
    for (j = 1; j <= T; j++) printf "%s\"t%d\"", (j > 1 ? ", " : ""), j;
    printf "], [";
    for (j = 1; j < T; j++) printf "%s\"t%d\"", (j > 1 ? ", " : ""), j;
    printf ", \"t%d\"]]}\n", T + 1;
}' > "$table"

# median_time CMD...: runs CMD $runs times (output discarded) and prints the
# median wall-clock seconds and the median CPU seconds (user + sys). CPU time
# is what the limit checks: on a loaded machine wall-clock time measures the
# neighbours as much as logitlint.
median_time() {
    local walls=() cpus=() t
    local TIMEFORMAT='%R %U %S'
    for ((k = 0; k < runs; k++)); do
        t=$( { time "$@" > /dev/null 2>&1; } 2>&1 )
        read -r real user sys <<< "$t"
        walls+=("$real")
        cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }')")
    done
    local med='{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
    echo "$(printf '%s\n' "${walls[@]}" | sort -g | awk "$med")" \
         "$(printf '%s\n' "${cpus[@]}" | sort -g | awk "$med")"
}

echo "table: $(du -h "$table" | cut -f1) with $vocab tokens and $steps steps"
"$bin" verify --table "$table" --validate
"$bin" verify --table "$table" | grep '^verdict:' > /dev/null ||
    { echo "verify_bench: no verdict in the output" >&2; exit 2; }

read -r w_version c_version <<< "$(median_time "$bin" --version)"
read -r w_validate c_validate <<< "$(median_time "$bin" verify --table "$table" --validate)"
read -r w_verify c_verify <<< "$(median_time "$bin" verify --table "$table")"
read -r w_json c_json <<< "$(median_time "$bin" verify --table "$table" --output-format json)"

awk -v runs="$runs" -v limit="$limit" \
    -v wv="$w_version" -v cv="$c_version" -v wl="$w_validate" -v cl="$c_validate" \
    -v wf="$w_verify" -v cf="$c_verify" -v wj="$w_json" -v cj="$c_json" 'BEGIN {
    printf "median of %d runs                   wall s    cpu s   cpu vs load\n", runs;
    printf "  logitlint --version              %7.3f  %7.3f\n", wv, cv;
    printf "  verify --validate (load, check)  %7.3f  %7.3f   1.00x (baseline)\n", wl, cl;
    printf "  verify (text)                    %7.3f  %7.3f   %.2fx\n", wf, cf, cf / cl;
    printf "  verify --output-format json      %7.3f  %7.3f   %.2fx\n", wj, cj, cj / cl;
    if (cf > limit) { printf "FAIL: verify used %.3f s of CPU, over the %.1f s limit\n", cf, limit; exit 1 }
    printf "ok: verify uses %.3f s of CPU (limit %.1f s); scoring and printing add %.0f%% to loading the table\n",
           cf, limit, (cf / cl - 1) * 100;
}'
