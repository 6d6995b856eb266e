#!/usr/bin/env bash
# Does this tree run slower than a previous commit? (a script, not a timed test)
#
#   bash tests/bench/bench_compare.sh CORPUS_DIR [BASE_REV] [BUILD_DIR]
#
# Builds BASE_REV (default HEAD~1, the previous commit) from `git archive` into a temporary
# directory, builds this tree's logitlint in BUILD_DIR (default ./build) as bench.sh does, and
# times both binaries on the same copy of the *.py files under CORPUS_DIR, interleaved within
# one run: each of ROUNDS rounds (default 7) runs every measurement for both binaries, the
# order alternating between rounds so that drift in the machine's load hits both alike:
#   - no cache: check --no-cache on the corpus (as bench.sh's main run);
#   - cold: check filling an empty result cache;
#   - warm: check again with that cache (nothing changed);
#   - one file: check --no-cache on one ~200-line file the prefilter lets through (as
#     bench.sh's latency file), LATENCY_RUNS (default 10) runs per binary per round, A/B
#     alternating run by run.
# It prints, per measurement, the median wall time of each binary, the ratio new / base, the
# median CPU time (user + sys, less sensitive to other load) and its ratio, and how noisy the
# rounds were: the spread (min-max) of the per-round ratios, and each binary's own spread
# around its median. The ratios are what a regression is judged on (a target such as "within
# 3%" holds when the ratio is <= 1.03; a spread wider than that says the machine was too noisy
# to tell). It also says whether both binaries printed the same findings.
#
# Nothing in the working tree is written apart from BUILD_DIR's own build: the base revision
# is exported with `git archive` (no checkout, no worktree, no stash), and its build, the
# corpus copy and the caches live in a temporary directory removed at exit. When BASE_REV
# pins the same tree-sitter sources (grammars/package-lock.json) as BUILD_DIR, the fetched
# sources are copied from there instead of running npm ci again.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=bench_lib.sh
. "$here/bench_lib.sh"
corpus=${1:?usage: bench_compare.sh CORPUS_DIR [BASE_REV] [BUILD_DIR]}
base_rev=${2:-HEAD~1}
build=$(cd "${3:-$root/build}" && pwd)
rounds=${ROUNDS:-7}
tolerance=${TOLERANCE:-3} # percent: a wall-time ratio above 1 + TOLERANCE/100 is reported
lat_runs=${LATENCY_RUNS:-10}

die() { echo "bench_compare: $*" >&2; exit 2; }
[ -d "$corpus" ] || die "no corpus directory $corpus"
command -v /usr/bin/time >/dev/null || die "/usr/bin/time is missing (Debian package time)"
base_sha=$(git -C "$root" rev-parse --verify --quiet "$base_rev^{commit}") ||
    die "not a revision: $base_rev"

work=$(mktemp -d "${TMPDIR:-/tmp}/logitlint-bench-compare.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" # whatever a tool writes next to itself lands here

# ---- the two binaries (copied, so that a rebuild during the run changes neither) ----
cmake --build "$build" --target logitlint parse_floor -j"$(nproc)" >/dev/null
cp "$build/logitlint" "$work/new"
floor=$build/tests/bench/parse_floor
echo "bench_compare: building $base_rev ($(git -C "$root" rev-parse --short "$base_sha")) in $work/src" >&2
mkdir -p "$work/src"
git -C "$root" archive --format=tar "$base_sha" | tar -xf - -C "$work/src"
if cmp -s "$work/src/grammars/package-lock.json" "$root/grammars/package-lock.json" &&
    [ -d "$build/grammars/node_modules" ]; then
    mkdir -p "$work/src/build"
    cp -a "$build/grammars" "$work/src/build/grammars"
fi
cmake -S "$work/src" -B "$work/src/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLOGITLINT_TESTS=OFF \
    >"$work/base-build.log" 2>&1 || { cat "$work/base-build.log" >&2; die "cmake failed for $base_rev"; }
cmake --build "$work/src/build" --target logitlint -j"$(nproc)" >>"$work/base-build.log" 2>&1 ||
    { tail -n 30 "$work/base-build.log" >&2; die "the build of $base_rev failed"; }
cp "$work/src/build/logitlint" "$work/base"

# ---- the corpus: the .py files logitlint discovers, as bench.sh copies them; its one file is
# bench.sh's too (the first, sorted, of 190 to 210 lines that the prefilter lets through) ----
one=$work/corpus
mkdir -p "$one"
copy_py "$corpus" "$one"
nfiles=$(find "$one" -type f -name '*.py' | wc -l)
find "$one" -type f -exec cat {} + >/dev/null # warm the page cache
latency_file=$(latency_file_of "$floor" "$one")
[ -n "$latency_file" ] || die "no file of 190 to 210 lines in the corpus that the prefilter passes"

# ---- timing ----
# timed KEY CMD...: one run; appends "wall cpu" (seconds) to $work/KEY.times.
timed() {
    local key=$1
    shift
    /usr/bin/time -f '%e %U %S' -o "$work/time.txt" "$@" >"$work/$key.out" 2>/dev/null || true
    tail -n1 "$work/time.txt" | awk '{printf "%s %.2f\n", $1, $2 + $3}' >>"$work/$key.times"
}
# lat KEY BIN: one single-file run timed with bash's clock (ms), appended to $work/KEY.times.
lat() {
    local t0 t1
    t0=$EPOCHREALTIME
    "$2" check --no-cache --isolated --exit-zero "$latency_file" >/dev/null 2>&1 || true
    t1=$EPOCHREALTIME
    echo "$t0 $t1" | awk '{printf "%.3f 0\n", ($2 - $1) * 1000}' >>"$work/$1.times"
}
lint=(check --isolated --exit-zero --output-format concise)
measure() { # BIN NAME
    local bin=$work/$1
    timed "nocache.$1" "$bin" "${lint[@]}" --no-cache "$one"
    rm -rf "$work/cache.$1"
    timed "cold.$1" "$bin" "${lint[@]}" --cache-dir "$work/cache.$1" "$one"
    timed "warm.$1" "$bin" "${lint[@]}" --cache-dir "$work/cache.$1" "$one"
}

echo "== logitlint: this tree vs $base_rev  ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
echo "machine: $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
dirty=$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null | head -n1)
echo "new:  $build/logitlint ($(git -C "$root" rev-parse --short HEAD)${dirty:+, with uncommitted changes})"
echo "base: $(git -C "$root" log -1 --format='%h %s' "$base_sha" | cut -c1-90)"
echo "corpus: $nfiles files from $corpus; one file: ${latency_file#"$one"/} ($(wc -l <"$latency_file") lines)"
echo "rounds: $rounds (each: no cache, cold, warm for both; then $lat_runs one-file runs each)"
for ((r = 0; r < rounds; r++)); do
    if ((r % 2 == 0)); then order=(new base); else order=(base new); fi
    for b in "${order[@]}"; do measure "$b"; done
    for ((i = 0; i < lat_runs; i++)); do
        for b in "${order[@]}"; do lat "one.$b" "$work/$b"; done
    done
    printf '.' >&2
done
echo >&2

# ---- report ----
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
col() { awk -v c="$2" '{print $c}' "$work/$1.times"; }
# The ratio new / base of each round (one-file: of each run pair), for the spread.
pair_ratios() {
    paste -d' ' <(col "$1.new" "$2") <(col "$1.base" "$2") | awk '$2 > 0 {printf "%.4f\n", $1 / $2}'
}
spread() { # "min-max" of a list
    sort -n | awk 'NR == 1 {lo = $1} {hi = $1} END {printf "%.2f-%.2f", lo, hi}'
}
rel_spread() { # KEY: the binary's own (max - min) / median, in %
    local m
    m=$(col "$1" 1 | median)
    col "$1" 1 | sort -n | awk -v m="$m" 'NR == 1 {lo = $1} {hi = $1} END {printf "%.0f%%", (m > 0 ? 100 * (hi - lo) / m : 0)}'
}
printf '%-8s %10s %10s %6s %-8s %-11s %8s %8s %6s  %s\n' measure new base ratio verdict \
    "round ratios" "cpu new" "cpu base" ratio "own spread new/base"
for m in nocache cold warm one; do
    unit=s
    [ "$m" = one ] && unit=ms
    wn=$(col "$m.new" 1 | median)
    wb=$(col "$m.base" 1 | median)
    ratio=$(awk -v a="$wn" -v b="$wb" 'BEGIN {printf "%.3f", (b > 0 ? a / b : 0)}')
    if [ "$m" = one ]; then
        cn=- cb=- cratio=-
    else
        cn=$(col "$m.new" 2 | median)
        cb=$(col "$m.base" 2 | median)
        cratio=$(awk -v a="$cn" -v b="$cb" 'BEGIN {printf "%.3f", (b > 0 ? a / b : 0)}')
    fi
    verdict=$(awk -v r="$ratio" -v t="$tolerance" 'BEGIN {print (r <= 1 + t / 100 ? "ok" : "SLOWER")}')
    printf '%-8s %8s%-2s %8s%-2s %6s %-8s %-11s %8s %8s %6s  %s / %s\n' "$m" "$wn" "$unit" "$wb" \
        "$unit" "$ratio" "$verdict" "$(pair_ratios "$m" 1 | spread)" "$cn" "$cb" "$cratio" \
        "$(rel_spread "$m.new")" "$(rel_spread "$m.base")"
done
if [ -n "${INSTRUCTIONS:-}" ]; then
    command -v valgrind >/dev/null || die "INSTRUCTIONS=1 needs valgrind"
    # irefs BIN ARGS...: the instructions one run executes (callgrind's total).
    irefs() {
        valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
            awk '/Collected :/ {print $NF}'
    }
    declare -A ir
    for b in new base; do
        bin=$work/$b
        ir[nocache.$b]=$(irefs "$bin" "${lint[@]}" --threads 1 --no-cache "$one")
        rm -rf "$work/cache.$b"
        ir[cold.$b]=$(irefs "$bin" "${lint[@]}" --threads 1 --cache-dir "$work/cache.$b" "$one")
        ir[warm.$b]=$(irefs "$bin" "${lint[@]}" --threads 1 --cache-dir "$work/cache.$b" "$one")
        ir[one.$b]=$(irefs "$bin" check --no-cache --isolated --exit-zero "$latency_file")
    done
    printf '%-8s %14s %14s %6s %s\n' instr new base ratio verdict
    for m in nocache cold warm one; do
        ratio=$(awk -v a="${ir[$m.new]}" -v b="${ir[$m.base]}" 'BEGIN {printf "%.4f", (b > 0 ? a / b : 0)}')
        verdict=$(awk -v r="$ratio" -v t="$tolerance" 'BEGIN {print (r <= 1 + t / 100 ? "ok" : "SLOWER")}')
        printf '%-8s %14s %14s %6s %s\n' "$m" "${ir[$m.new]}" "${ir[$m.base]}" "$ratio" "$verdict"
    done
fi
if cmp -s "$work/nocache.new.out" "$work/nocache.base.out"; then
    echo "findings: the same from both binaries ($(grep -c ': LL[0-9]' "$work/nocache.new.out" || true))"
else
    echo "findings: DIFFER between the binaries (new $(grep -c ': LL[0-9]' "$work/nocache.new.out" || true), base $(grep -c ': LL[0-9]' "$work/nocache.base.out" || true))"
fi
echo "verdict: ok = the median wall-time ratio new / base is <= $(awk -v t="$tolerance" 'BEGIN {print 1 + t / 100}') (TOLERANCE=$tolerance%); round ratios wider than that say the machine was too noisy to tell"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
