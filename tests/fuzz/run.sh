#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, ASan+UBSan) into build-fuzz/, seeds a corpus for each
# from the fixtures, samples and the built-in verifier tables, and runs them.
#
#   tests/fuzz/run.sh [SECONDS] [HARNESS ...]   (default: 600 seconds each, every harness,
#                                               two at a time)
#
# Corpora and crash artifacts go to build-fuzz/corpus/<harness>/ and build-fuzz/artifacts/.
# A crash or hang found here becomes a regression case in tests/fuzz/regressions/<harness>/,
# which tests/unit/test_bad_inputs.c replays on every `ctest` run.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_EACH=${1:-600}
shift || true
BUILD=${LOGITLINT_FUZZ_BUILD:-build-fuzz}

if [ -z "${LOGITLINT_FUZZ_NOBUILD:-}" ]; then # set it to rerun the harnesses already built
  cmake -S . -B "$BUILD" -DCMAKE_C_COMPILER=clang -DLOGITLINT_FUZZ=ON -DLOGITLINT_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$BUILD" -j2 -- --no-print-directory >/dev/null
fi

harnesses=("$@")
if ((${#harnesses[@]} == 0)); then
  for f in tests/fuzz/fuzz_*.c; do harnesses+=("$(basename "$f" .c)"); done
fi

# The first N lines of a stream, reading it to the end: `head` would exit early and kill the
# writer with SIGPIPE, which pipefail turns into a failure of the whole seeding.
first() { awk -v n="$1" 'NR <= n'; }

seed() { # harness corpus-dir
  local h=$1 dir=$2
  mkdir -p "$dir"
  case $h in
    fuzz_lint)
      # Extra seeds from outside the repository (e.g. a checkout of real evaluation code).
      find tests/fixtures samples ${LOGITLINT_FUZZ_SEEDS:-} -name '*.py' -size -64k | first 3000 |
        while read -r f; do cp "$f" "$dir/seed-$(echo "$f" | md5sum | cut -c1-12).py"; done ;;
    fuzz_table)
      for r in $("$BUILD/logitlint" verify --list-recipes | awk '{print $1}'); do
        "$BUILD/logitlint" verify --table search --recipe "$r" --output-format json |
          python3 -c 'import json,sys; json.dump(json.load(sys.stdin)["table"], sys.stdout)' \
            >"$dir/search-$r.json" || true
      done ;;
    fuzz_exec | fuzz_code_text)
      find tests/fixtures tests/data/exec samples -name '*.py' -size -64k | while read -r f; do
        cp "$f" "$dir/seed-$(echo "$f" | md5sum | cut -c1-12).py"; done ;;
    fuzz_config)
      find tests samples -name '*.toml' | while read -r f; do
        cp "$f" "$dir/seed-$(echo "$f" | md5sum | cut -c1-12).toml"; done
      cat >"$dir/seed-pyproject.toml" <<'TOML'
[project]
name = "x"

[tool.logitlint]
select = ["LL1", "LL001"]
extend-select = ["LL105"]
ignore = ["LL107"]
exclude = ["build/", "*.gen.py"]
extend-exclude = ["third_party/**"]
respect-gitignore = false
output-format = "concise"

[tool.logitlint.per-file-ignores]
"tests/*.py" = ["LL101", "LL102"]
"scripts/**/eval_*.py" = ["ALL"]
TOML
      printf 'select = ["ALL"]\nignore = ["LL110"]\n[per-file-ignores]\n"a/*" = ["LL1"]\n' \
        >"$dir/seed-logitlint.toml" ;;
    fuzz_notebook)
      find tests samples -name '*.ipynb' | while read -r f; do
        cp "$f" "$dir/seed-$(echo "$f" | md5sum | cut -c1-12).ipynb"; done
      # Notebooks made from the Python fixtures: one code cell per blank-line-separated chunk.
      find tests/fixtures samples -name '*.py' | first 300 | while read -r f; do
        python3 - "$f" >"$dir/seed-$(echo "$f" | md5sum | cut -c1-12).ipynb" <<'PY'
import json, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
cells = [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
          "source": [l + "\n" for l in chunk.splitlines()]} for chunk in text.split("\n\n\n")]
cells.insert(1, {"cell_type": "markdown", "metadata": {}, "source": ["# notes\n"]})
cells.append({"cell_type": "code", "metadata": {}, "source": "%matplotlib inline\n!pip list\nx?\n"})
json.dump({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, sys.stdout)
PY
      done ;;
    fuzz_cache)
      # Real entries, written under the harness's secret (FUZZ_SECRET in fuzz_cache.c).
      local cache=$BUILD/cache-seed
      rm -rf "$cache" && mkdir -p "$cache"
      printf 'logitlint-fuzz!\0' >"$cache/secret"
      "$BUILD/logitlint" check --exit-zero --cache-dir "$cache" tests/fixtures samples >/dev/null 2>&1 || true
      unpack "$cache/pack" "$dir/entry"
      # and entries without counterexamples (a --no-verify run's), under other names; a small
      # pack whole
      rm -f "$cache/pack"
      "$BUILD/logitlint" check --exit-zero --no-verify --cache-dir "$cache" tests/fixtures/LL101 \
        tests/fixtures/project >/dev/null 2>&1 || true
      unpack "$cache/pack" "$dir/unverified"
      cp "$cache/pack" "$dir/pack" ;;
  esac
  if [ -d "tests/fuzz/regressions/$h" ]; then cp -r tests/fuzz/regressions/"$h"/. "$dir"/; fi
}

# unpack PACK PREFIX: each entry of a result-cache pack (cache_pack.c) as PREFIX-N.
unpack() {
  python3 - "$1" "$2" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
(n,) = struct.unpack_from("<I", data, 8)
for i in range(n):
    off, length = struct.unpack_from("<QI", data, 12 + 44 * i + 32)
    open("%s-%d" % (sys.argv[2], i), "wb").write(data[off:off + length])
PY
}

mkdir -p "$BUILD/artifacts"
run_one() {
  local h=$1 corpus=$BUILD/corpus/$1 rc=0
  seed "$h" "$corpus"
  echo "fuzz: $h for ${SECONDS_EACH}s" >&2
  # -timeout: an input that takes over 10 s is a hang; -rss_limit_mb: a runaway allocation.
  # -fork=1 with -ignore_*: keep going after a finding, so one run reports them all.
  "$BUILD/tests/fuzz/$h" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
    -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$BUILD/artifacts/$h-" \
    "$corpus" >"$BUILD/artifacts/$h.log" 2>&1 || rc=$?
  echo "fuzz: $h exit $rc: $(grep -E '^#[0-9]+: cov|DONE' "$BUILD/artifacts/$h.log" | tail -1)" >&2
  return $rc
}

status=0
pids=()
for h in "${harnesses[@]}"; do
  run_one "$h" &
  pids+=($!)
  if ((${#pids[@]} == 2)); then
    wait "${pids[0]}" || status=1
    pids=("${pids[1]}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
