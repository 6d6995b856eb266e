#!/usr/bin/env bash
# The performance benchmark of issue 6 (a script, not a timed test).
#
#   bash tests/bench/bench.sh CORPUS_DIR [BUILD_DIR]
#
# Copies the *.py files logitlint would discover under CORPUS_DIR into BUILD_DIR/bench/corpus
# (and twice into BUILD_DIR/bench/corpus2, for the scaling run), then times on the same files:
#   - logitlint check (default threads = cores, prefilter on) and with --no-prefilter;
#   - the floor: parse_floor (tests/bench/parse_floor.c), one thread, load + tree-sitter parse
#     only, with logitlint's own source/parse layers and the same tree-sitter build;
#   - ast-grep (npm @ast-grep/cli, pinned in tests/bench/package-lock.json, installed with
#     npm ci into BUILD_DIR/bench/npm) with the rules in tests/bench/ast-grep approximating
#     LL101 and LL103;
#   - flake8 from Debian (installed with apt-get when missing and run as root);
#   - the result cache (issue 16): a cold run that fills it, a warm run (nothing changed) and a run
#     after editing 1% of the files (a comment appended: the cache keys on content), as ratios
#     to the floor; the other logitlint runs use --no-cache;
#   - single-file latency: one ~200-line file of the corpus, the median of 30 runs, against
#     /bin/true plus that file's parse-only time (parse_floor's own clock, median of 30);
# and prints wall times, peak RSS (/usr/bin/time), and the ratios the issue's targets are on.
# Each timing is the best of RUNS (default 3) runs; flake8 runs once. Other load on the machine
# skews wall times: the load average is printed before and after.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=bench_lib.sh
. "$here/bench_lib.sh"
corpus=${1:?usage: bench.sh CORPUS_DIR [BUILD_DIR]}
build=$(cd "${2:-$root/build}" && pwd)
runs=${RUNS:-3}
work=$build/bench
mkdir -p "$work"

die() { echo "bench: $*" >&2; exit 2; }
[ -d "$corpus" ] || die "no corpus directory $corpus"
command -v /usr/bin/time >/dev/null || die "/usr/bin/time is missing (Debian package time)"

# ---- tools ----
cmake --build "$build" --target logitlint parse_floor -j"$(nproc)" >/dev/null
logitlint=$build/logitlint
floor=$build/tests/bench/parse_floor

npm_dir=$work/npm
if ! cmp -s "$here/package-lock.json" "$npm_dir/package-lock.json" 2>/dev/null; then
    rm -rf "$npm_dir"
    mkdir -p "$npm_dir"
    cp "$here/package.json" "$here/package-lock.json" "$npm_dir/"
    (cd "$npm_dir" && npm ci --prefer-offline --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
fi
# The native binary the npm package ships (the JS shim would add node's start-up to each run).
astgrep=$(ls "$npm_dir"/node_modules/@ast-grep/cli-*/ast-grep 2>/dev/null | head -n1 || true)
[ -x "$astgrep" ] || die "ast-grep binary not found under $npm_dir/node_modules/@ast-grep"

if ! command -v flake8 >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y -qq flake8 >/dev/null 2>&1 ||
            { apt-get update -qq >/dev/null && apt-get install -y -qq flake8 >/dev/null; }
    fi
fi
flake8=$(command -v flake8 || true)

# ---- corpus: the files logitlint discovers (copy_py, bench_lib.sh) ----
one=$work/corpus
two=$work/corpus2
rm -rf "$one" "$two"
mkdir -p "$one" "$two/a" "$two/b"
copy_py "$corpus" "$one"
cp -a "$one/." "$two/a/"
cp -a "$one/." "$two/b/"
nfiles=$(find "$one" -type f -name '*.py' | wc -l)
nbytes=$(find "$one" -type f -name '*.py' -printf '%s\n' | awk '{s += $1} END {print s}')
find "$one" "$two" -type f -exec cat {} + >/dev/null # warm the page cache

# ---- timing ----
# best_of NAME CMD...: runs CMD $runs times, keeps the lowest wall time and its peak RSS.
# $before_each, when set, is evaluated before each run, untimed.
declare -A wall rss cpu
before_each=
best_of() {
    local name=$1 n=$2
    shift 2
    local best="" best_rss="" best_cpu="" i w r u sy
    for ((i = 0; i < n; i++)); do
        if [ -n "$before_each" ]; then eval "$before_each"; fi
        /usr/bin/time -f '%e %M %U %S' -o "$work/time.txt" "$@" >"$work/$name.try" 2>"$work/$name.err" || true
        # (a command that exits non-zero, as flake8 does with findings, adds a line before)
        read -r w r u sy < <(tail -n1 "$work/time.txt")
        if [ -z "$best" ] || awk -v a="$w" -v b="$best" 'BEGIN {exit !(a < b)}'; then
            best=$w
            best_rss=$r
            best_cpu=$(awk -v u="$u" -v s="$sy" 'BEGIN {printf "%.2f", u + s}')
            mv "$work/$name.try" "$work/$name.out" # the output of the run reported
        fi
    done
    wall[$name]=$best
    rss[$name]=$best_rss
    cpu[$name]=$best_cpu
}

echo "== logitlint benchmark  ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
echo "machine: $(nproc) cores, $(uname -m); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "logitlint: $("$logitlint" --version), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "ast-grep: $("$astgrep" --version)   flake8: $([ -n "$flake8" ] && "$flake8" --version | head -n1 || echo missing)"
printf 'corpus: %s files, %.1f MB of Python (from %s)\n' "$nfiles" "$(echo "$nbytes" | awk '{print $1 / 1e6}')" "$corpus"
echo

lint=(check --exit-zero --output-format concise --no-cache)
best_of logitlint "$runs" "$logitlint" "${lint[@]}" "$one"
best_of logitlint_1t "$runs" "$logitlint" "${lint[@]}" --threads 1 "$one"
best_of logitlint_nopf "$runs" "$logitlint" "${lint[@]}" --no-prefilter "$one"
best_of floor "$runs" "$floor" "$one"
best_of astgrep "$runs" "$astgrep" scan -c "$here/ast-grep/sgconfig.yml" "$one"
best_of logitlint_x2 "$runs" "$logitlint" "${lint[@]}" "$two"
if [ -n "$flake8" ]; then best_of flake8 1 "$flake8" "$one"; fi

# ---- the result cache ----
cache=$work/cache
cached=(check --exit-zero --output-format concise --cache-dir "$cache")
before_each='rm -rf "$cache"'
best_of cache_cold "$runs" "$logitlint" "${cached[@]}" "$one"
before_each=
best_of cache_warm "$runs" "$logitlint" "${cached[@]}" "$one"
cmp -s "$work/cache_warm.out" "$work/logitlint.out" || die "the warm run printed other findings"
mapfile -t touched < <(find "$one" -type f -name '*.py' | sort | awk 'NR % 100 == 1')
touch_round=0
edit_one_percent() { # a new comment each time: the cache keys on content, not on mtime
    touch_round=$((touch_round + 1))
    for f in "${touched[@]}"; do printf '# bench edit %s\n' "$touch_round" >>"$f"; done
}
before_each=edit_one_percent
best_of cache_touched "$runs" "$logitlint" "${cached[@]}" "$one"
before_each=

# ---- single-file latency ----
# The first file (sorted) of 190 to 210 lines that the prefilter lets through (it is parsed).
latency_file=$(latency_file_of "$floor" "$one")
# median_ms CMD...: the median wall time of 30 runs, in milliseconds (bash's clock, so the
# fork and exec of each command count the same for every command).
median_ms() {
    local i t0 t1
    for ((i = 0; i < 30; i++)); do
        t0=$EPOCHREALTIME
        "$@" >/dev/null 2>&1 || true
        t1=$EPOCHREALTIME
        echo "$t0 $t1" | awk '{printf "%.3f\n", ($2 - $1) * 1000}'
    done | sort -n | awk '{v[NR] = $1} END {printf "%.3f", (v[15] + v[16]) / 2}'
}
if [ -n "$latency_file" ]; then
    lat_true=$(median_ms /bin/true)
    lat_cold=$(median_ms "$logitlint" check --no-cache "$latency_file")
    "$logitlint" check --cache-dir "$work/cache1" "$latency_file" >/dev/null 2>&1 || true
    lat_warm=$(median_ms "$logitlint" check --cache-dir "$work/cache1" "$latency_file")
    lat_parse=$(for ((i = 0; i < 30; i++)); do "$floor" "$latency_file" | awk '{printf "%.3f\n", $3 * 1000}'; done |
        sort -n | awk '{v[NR] = $1} END {printf "%.3f", (v[15] + v[16]) / 2}')
fi

findings=$(grep -c ': LL[0-9]' "$work/logitlint.out" || true)
read -r _ fbytes floor_inner _ <"$work/floor.out"
ag_hits=$(grep -c '^warning\[' "$work/astgrep.out" || true)
row() { printf '%-44s %8s s %8s s %8s MB\n' "$1" "${wall[$2]:--}" "${cpu[$2]:--}" "$(awk -v k="${rss[$2]:-0}" 'BEGIN {printf "%.1f", k / 1024}')"; }
printf '%-44s %10s %10s %11s\n' "run" "wall" "cpu (u+s)" "peak RSS"
row "logitlint check ($(nproc) threads, prefilter)" logitlint
row "logitlint check --threads 1" logitlint_1t
row "logitlint check --no-prefilter" logitlint_nopf
row "floor: parse_floor (1 thread, parse only)" floor
row "ast-grep scan (LL101 + LL103 rules)" astgrep
[ -n "$flake8" ] && row "flake8 (Debian, default jobs)" flake8
row "logitlint check, corpus doubled" logitlint_x2
row "cache: cold run (fills an empty cache)" cache_cold
row "cache: warm run (nothing changed)" cache_warm
row "cache: after editing 1% of the files (${#touched[@]})" cache_touched
echo
echo "logitlint findings: $findings; ast-grep matches: $ag_hits; floor parsed $(echo "$fbytes" | awk '{printf "%.1f", $1 / 1e6}') MB in ${floor_inner}s ($(awk -v b="$fbytes" -v s="$floor_inner" 'BEGIN {printf "%.1f", b / 1e6 / s}') MB/s)"
"$floor" --prefilter "$one" >"$work/prefilter.out"
read -r pf_files pf_bytes pf_pass pf_pass_bytes _ <"$work/prefilter.out"
printf 'prefilter (all rules): %s of %s files, %.1f%% of the bytes, must be parsed; per rule (files, %% bytes):\n' \
    "$pf_pass" "$pf_files" "$(awk -v a="$pf_pass_bytes" -v b="$pf_bytes" 'BEGIN {print 100 * a / b}')"
tail -n +2 "$work/prefilter.out" | awk -v b="$pf_bytes" '{printf "  %s %s %.1f%%", $1, $2, 100 * $3 / b} NR % 4 == 0 {print ""} END {print ""}'
echo
ratio() { awk -v a="${wall[$1]}" -v b="${wall[$2]}" 'BEGIN {printf "%.2f", a / b}'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN {print (r <= t ? "met" : sprintf("MISSED by %.0f%%", (r / t - 1) * 100))}'; }
r_floor=$(ratio logitlint floor)
r_ag=$(ratio logitlint astgrep)
r_x2=$(ratio logitlint_x2 logitlint)
rss_mb=$(awk -v k="${rss[logitlint]}" 'BEGIN {printf "%.1f", k / 1024}')
rss_x2=$(awk -v k="${rss[logitlint_x2]}" 'BEGIN {printf "%.1f", k / 1024}')
echo "ratio logitlint / floor            $r_floor   (target <= 0.50: $(verdict "$r_floor" 0.5))"
echo "ratio logitlint / ast-grep         $r_ag   (target <= 0.50: $(verdict "$r_ag" 0.5))"
[ -n "$flake8" ] && echo "ratio logitlint / flake8           $(ratio logitlint flake8)"
echo "ratio doubled / single corpus      $r_x2   (target <= 2.10: $(verdict "$r_x2" 2.1))"
rss_1t=$(awk -v k="${rss[logitlint_1t]}" 'BEGIN {printf "%.1f", k / 1024}')
# (the verifier on, as in every run here: counterexamples are computed on the worker threads)
echo "peak RSS, verifier on              $rss_mb MB, --threads 1 $rss_1t MB, doubled corpus $rss_x2 MB   (target <= 64 MB: $(verdict "$rss_mb" 64))"
r_warm=$(ratio cache_warm floor)
r_touched=$(ratio cache_touched floor)
echo "ratio cache cold / floor           $(ratio cache_cold floor)   (the cold run writing the cache; --no-cache: $r_floor)"
echo "ratio cache warm / floor           $r_warm   (target <= 0.10: $(verdict "$r_warm" 0.1))"
echo "ratio 1% edited / floor            $r_touched   (target <= 0.15: $(verdict "$r_touched" 0.15))"
if [ -n "$latency_file" ]; then
    lat_limit=$(awk -v t="$lat_true" -v p="$lat_parse" 'BEGIN {printf "%.3f", 2 * (t + p)}')
    lat_ratio=$(awk -v c="$lat_cold" -v t="$lat_true" -v p="$lat_parse" 'BEGIN {printf "%.2f", c / (t + p)}')
    echo "single file ($(wc -l <"$latency_file") lines, ${latency_file#"$one"/}), median of 30:"
    echo "  /bin/true $lat_true ms, parse only $lat_parse ms; logitlint $lat_cold ms (--no-cache), $lat_warm ms (warm cache)"
    echo "  ratio logitlint / (true + parse)  $lat_ratio   (target <= 2.00: $(verdict "$lat_ratio" 2))"
else
    echo "single file: no file of 190 to 210 lines the prefilter passes in the corpus"
fi
echo "ratio --threads 1 / default        $(ratio logitlint_1t logitlint)   (parallel speed-up)"
echo "ratio --no-prefilter / default     $(ratio logitlint_nopf logitlint)   (prefilter gain)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
