#!/usr/bin/env bash
# The synthetic shapes of issue 16 (a script, not a timed test).
#
#   bash tests/bench/shapes.sh [BUILD_DIR] [LOGITLINT]
#
# Generates each pathological shape (tests/bench/shapes.py) at a size and at ten times that size,
# times logitlint on both (CPU time, one thread, best of RUNS, default 3) and prints the ratio:
# an analysis linear in the file's size costs about 10x (target <= 12x). Then the largest list
# (200k subscripts, a 5 MB line) against parse_floor on the same file (target <= 3x).
# LOGITLINT (default BUILD_DIR/logitlint) lets an older build be measured in the same sitting.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
runs=${RUNS:-3}
work=$build/bench/shapes
mkdir -p "$work"
cmake --build "$build" --target logitlint parse_floor -j"$(nproc)" >/dev/null
logitlint=${2:-$build/logitlint}
floor=$build/tests/bench/parse_floor
command -v /usr/bin/time >/dev/null || { echo "shapes: /usr/bin/time is missing (Debian package time)" >&2; exit 2; }

# cpu_of FILE CMD...: the lowest user+system CPU seconds of $runs runs; the last run's stderr is
# kept in FILE.err (a skipped file says so there).
cpu_of() {
    local file=$1 best="" i t
    shift
    for ((i = 0; i < runs; i++)); do
        /usr/bin/time -f '%U %S' -o "$work/time.txt" "$@" >/dev/null 2>"$file.err" || true
        t=$(tail -n1 "$work/time.txt" | awk '{printf "%.3f", $1 + $2}')
        if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN {exit !(a < b)}'; then best=$t; fi
    done
    echo "$best"
}

lint=(check --isolated --threads 1 --no-verify --exit-zero --output-format concise)
echo "== synthetic shapes ($(date -u +%Y-%m-%dT%H:%M:%SZ)), $("$logitlint" --version), load $(cut -d' ' -f1 /proc/loadavg)"
printf '%-8s %8s %9s %8s %9s %7s  %s\n' shape size cpu_s size cpu_s ratio "target <= 12"
for spec in list:20000 chain:2000 elif:800 nested:20 module:10000; do
    shape=${spec%%:*}
    small=${spec#*:}
    large=$((small * 10))
    python3 "$here/shapes.py" "$shape" "$small" >"$work/$shape-1x.py"
    python3 "$here/shapes.py" "$shape" "$large" >"$work/$shape-10x.py"
    t1=$(cpu_of "$work/$shape-1x" "$logitlint" "${lint[@]}" "$work/$shape-1x.py")
    t10=$(cpu_of "$work/$shape-10x" "$logitlint" "${lint[@]}" "$work/$shape-10x.py")
    note=$(grep -ho 'skipped: .*' "$work/$shape-1x.err" "$work/$shape-10x.err" | head -n1 | cut -c1-60 || true)
    printf '%-8s %8s %9s %8s %9s %7s  %s\n' "$shape" "$small" "$t1" "$large" "$t10" \
        "$(awk -v a="$t10" -v b="$t1" 'BEGIN {printf "%.1fx", a / (b > 0.001 ? b : 0.001)}')" "$note"
done
list=$work/list-10x.py
t_lint=$(cpu_of "$work/list-lint" "$logitlint" "${lint[@]}" "$list")
t_parse=$(cpu_of "$work/list-parse" "$floor" "$list")
printf 'list of 200k subscripts (%s bytes): logitlint %s s, parse only %s s, ratio %s (target <= 3)%s\n' \
    "$(stat -c %s "$list")" "$t_lint" "$t_parse" \
    "$(awk -v a="$t_lint" -v b="$t_parse" 'BEGIN {printf "%.1fx", a / b}')" \
    "$(grep -q skipped "$work/list-lint.err" && echo ', SKIPPED' || true)"
