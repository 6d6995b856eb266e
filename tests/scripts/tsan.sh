#!/usr/bin/env bash
# The threaded paths under ThreadSanitizer: a logitlint built with -fsanitize=thread checks the
# fixtures, the verifier's exec cases and the samples with several worker threads, cold (empty
# cache), warm (every answer from the cache), after an edit (part of the answers stale), and as
# two processes sharing one cache directory. Any data race or lock-order report fails the run.
# Usage: tsan.sh TSAN_BINARY SOURCE_DIR
set -euo pipefail
bin=$(realpath "${1:?TSan-built logitlint}")
src=$(realpath "${2:?source directory}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A copy of the inputs, so the edit step does not touch the source tree.
mkdir -p "$work/in"
cp -r "$src/tests/fixtures" "$src/tests/data/exec" "$src/samples" "$work/in/"
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1"
# ThreadSanitizer's shadow memory needs a fixed layout; some kernels randomise mmap too widely
# for it ("unexpected memory mapping"), so the runs go without address randomisation.
run() { setarch "$(uname -m)" -R "$bin" "$@"; }

step() { # step NAME ARGS...: a check whose exit status must be 0 or 1 (findings), never a report
  local name=$1; shift
  local rc=0
  run check --exit-zero --output-format concise "$@" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
  if ((rc != 0)) || grep -q "ThreadSanitizer" "$work/$name.err"; then
    echo "FAIL: $name (exit $rc)"; cat "$work/$name.err"; exit 1
  fi
  echo "ok: $name"
}

cache="$work/cache"
step cold --threads 4 --cache-dir "$cache" "$work/in"
step warm --threads 4 --cache-dir "$cache" "$work/in"
cmp -s "$work/cold.out" "$work/warm.out" || { echo "FAIL: the warm run printed other findings"; exit 1; }
# Edit one file in every directory of fixtures: their answers and their importers' go stale.
for d in "$work"/in/fixtures/*/; do
  f=$(find "$d" -name '*.py' | sort | sed -n 1p)  # sed reads all: no SIGPIPE under pipefail
  [ -n "$f" ] && printf '\n# edited\n' >>"$f"
done
step edited --threads 4 --cache-dir "$cache" "$work/in"
# Two processes on one fresh cache directory: the entries they write race on the file system.
shared="$work/shared"
step twin1 --threads 2 --cache-dir "$shared" "$work/in" &
twin1=$!
step twin2 --threads 2 --cache-dir "$shared" "$work/in"
wait "$twin1"
cmp -s "$work/twin1.out" "$work/twin2.out" || { echo "FAIL: two processes on one cache disagree"; exit 1; }
echo "tsan: no race reported"
