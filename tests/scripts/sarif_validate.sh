#!/usr/bin/env bash
# Validates logitlint's SARIF with Microsoft's SARIF validator (@microsoft/sarif-multitool,
# pinned in tests/tools), with the SARIF and GitHub code-scanning rule sets. Any error or warning
# fails the test, but one: SARIF2005 asks for the tool's informationUri, which logitlint gives
# only when the build names a published homepage (-DLOGITLINT_HOMEPAGE), never a dead link.
# A broken log is validated first: the validator must reject it, so this test can fail.
set -euo pipefail
bin=$1 tools=$2 root=$3
validator=$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

validate() { # file -> 0 when the validator reports no error and no warning
  local out
  out=$("$validator" validate --rule-kind "Sarif;Gh" "$1" 2>&1) || true
  if grep -E ': (error|warning) [A-Z]+[0-9]+:' <<<"$out" | grep -vq ': warning SARIF2005:' || ! grep -q 'Analysis completed successfully' <<<"$out"; then
    printf '%s\n' "$out" >&2
    return 1
  fi
}

# Control: a result whose region starts on line 0 is invalid SARIF.
(cd "$root" && "$bin" check --output-format sarif samples/abc_case/sum_logits.py >"$tmp/good.sarif" || [ $? = 1 ])
sed 's/"startLine": 27/"startLine": 0/' "$tmp/good.sarif" >"$tmp/broken.sarif"
if validate "$tmp/broken.sarif" 2>/dev/null; then
  echo "FAIL: the validator accepted a broken SARIF log" >&2
  exit 1
fi

# Findings with counterexamples, a clean run, a notebook, a finding spanning lines, fixes.
mkdir -p "$tmp/repo/.git" "$tmp/repo/nb"
printf 'import torch\n\n\ndef f(x):\n    return torch.log_softmax(x, -1)\n' >"$tmp/repo/clean.py"
printf 'def score(model, ids):\n    logits = model(ids).logits\n    total = 0\n    for t in range(ids.shape[1] - 1):\n        total += logits[0, t,\n                        ids[0, t + 1]]\n    return total\n' >"$tmp/repo/multi line.py"
cat >"$tmp/repo/nb/eval.ipynb" <<'NB'
{"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# x"},
 {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null,
  "source": ["%pip install torch\n", "def score(model, ids):\n", "    logits = model(ids).logits\n", "    total = 0\n",
             "    for t in range(ids.shape[1] - 1):\n", "        total += logits[0, t, ids[0, t + 1]]\n", "    return total\n"]}],
 "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
NB
# Fixes (SARIF `fixes`), and a file that could not be analysed (E902, exit 2).
printf 'import torch\nimport torch.nn.functional as F\n\n\ndef f(x, y):\n    return torch.log(torch.softmax(x, -1)), F.cross_entropy(torch.softmax(x, -1), y)\n' >"$tmp/repo/fix.py"
status=0
(cd "$tmp/repo" && "$bin" check --output-format sarif fix.py missing.py >"$tmp/problems.sarif") || status=$?
[ "$status" = 2 ] || { echo "FAIL: check with a missing file exited $status" >&2; exit 1; }
grep -q '"fixes"' "$tmp/problems.sarif" && grep -q '"ruleId": "E902"' "$tmp/problems.sarif" ||
  { echo "FAIL: no fixes or no E902 in the SARIF" >&2; exit 1; }
status=0
(cd "$root" && "$bin" check --output-format sarif samples >"$tmp/samples.sarif") || status=$?
[ "$status" = 1 ] || { echo "FAIL: check samples exited $status" >&2; exit 1; }
grep -q '"counterexample"' "$tmp/samples.sarif" || { echo "FAIL: no counterexample in the samples' SARIF" >&2; exit 1; }
(cd "$tmp/repo" && "$bin" check --output-format sarif clean.py >"$tmp/clean.sarif")
status=0
(cd "$tmp/repo" && "$bin" check --output-format sarif . >"$tmp/repo.sarif") || status=$?
[ "$status" = 1 ] || { echo "FAIL: check repo exited $status" >&2; exit 1; }
for f in good samples clean repo problems; do
  validate "$tmp/$f.sarif" || { echo "FAIL: $f.sarif does not validate" >&2; exit 1; }
  echo "ok: $f.sarif validates"
done
