#!/usr/bin/env bash
# exec_bench: what running the scripts' own scoring code costs. Times `logitlint check` with the
# verifier (counterexamples computed by the script's own code where it runs, else by recipes)
# against `check --no-verify` on the same paths, in the same run, and prints the medians (CPU
# seconds, user + sys), their ratio, the number of findings with a counterexample, how many of
# them are the script's own, and the verifier's CPU cost per finding.
#
#   tests/bench/exec_bench.sh [PATH ...]     (default: tests/fixtures; e.g. /work/corpus)
#
# Environment: LOGITLINT (binary, default build/logitlint), RUNS (3), RATIO (1.3: exit 1 if the
# ratio of medians is above it; 0 disables the check).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bin=${LOGITLINT:-$here/../../build/logitlint}
runs=${RUNS:-3}
limit=${RATIO:-1.3}
paths=("$@")
((${#paths[@]})) || paths=("$here/../fixtures")

if [[ ! -x $bin ]]; then
    echo "exec_bench: no logitlint binary at $bin (build it, or set LOGITLINT)" >&2
    exit 2
fi

# median CPU seconds of $runs runs of CMD (output discarded)
median_cpu() {
    local cpus=() t
    local TIMEFORMAT='%U %S'
    for ((k = 0; k < runs; k++)); do
        t=$( { time "$@" > /dev/null 2>&1; } 2>&1 )
        read -r user sys <<< "$t"
        cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }')")
    done
    printf '%s\n' "${cpus[@]}" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

check=("$bin" check --isolated --no-cache --exit-zero --threads 1 --output-format json)
counts=$("${check[@]}" "${paths[@]}" 2>/dev/null | python3 -c '
import json, sys
d = [x["counterexample"] for x in json.load(sys.stdin) if x.get("counterexample")]
print(len(d), sum(1 for c in d if c.get("origin") == "script"))')
read -r findings own <<< "$counts"

c_off=$(median_cpu "${check[@]}" --no-verify "${paths[@]}")
c_on=$(median_cpu "${check[@]}" "${paths[@]}")
awk -v off="$c_off" -v on="$c_on" -v n="$findings" -v own="$own" -v limit="$limit" 'BEGIN {
    ratio = off > 0 ? on / off : 0
    printf "check --no-verify: %.3f s CPU (median of runs)\n", off
    printf "check (verifier):  %.3f s CPU\n", on
    printf "ratio:             %.2fx (limit %s)\n", ratio, limit
    printf "findings with a counterexample: %d, by the script'"'"'s own code: %d (%.0f%%)\n", n, own, n ? 100 * own / n : 0
    if (n) printf "verifier cost per finding: %.1f ms CPU\n", 1000 * (on - off) / n
    exit (limit > 0 && ratio > limit) ? 1 : 0
}'
