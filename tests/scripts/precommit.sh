#!/usr/bin/env bash
# The pre-commit hook, for real: Debian's `pre-commit` installs this repository's
# .pre-commit-hooks.yaml (from a local clone: no network) into a temporary git repository; a
# commit adding a buggy eval script (or notebook) is blocked with the finding shown, a clean
# one goes through.
set -euo pipefail
bin=$1 root=$2
command -v pre-commit >/dev/null || { echo "FAIL: pre-commit is not installed (bash .ci/setup installs it)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PATH="$(dirname "$bin"):$PATH" PRE_COMMIT_HOME="$tmp/cache" HOME="$tmp/home"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
mkdir -p "$HOME"

# The hook repository: this repository's hook definitions, committed in a scratch clone.
git init -q "$tmp/hooks"
cp "$root/.pre-commit-hooks.yaml" "$tmp/hooks/"
git -C "$tmp/hooks" add .pre-commit-hooks.yaml
git -C "$tmp/hooks" commit -q -m hooks
rev=$(git -C "$tmp/hooks" rev-parse HEAD)

git init -q "$tmp/proj"
cd "$tmp/proj"
cat >.pre-commit-config.yaml <<CFG
repos:
  - repo: $tmp/hooks
    rev: $rev
    hooks:
      - id: logitlint
CFG
pre-commit install >/dev/null
git add .pre-commit-config.yaml
git commit -q -m config >/dev/null 2>&1

cat >eval_buggy.py <<'PY'
def score(model, ids):
    logits = model(ids).logits
    total = 0
    for t in range(ids.shape[1] - 1):
        total += logits[0, t, ids[0, t + 1]]
    return total
PY
git add eval_buggy.py
if git commit -m buggy >"$tmp/out.txt" 2>&1; then
  cat "$tmp/out.txt" >&2
  echo "FAIL: the commit of a buggy eval script went through" >&2
  exit 1
fi
grep -q 'eval_buggy.py:5:9: LL101' "$tmp/out.txt" || { cat "$tmp/out.txt" >&2; echo "FAIL: finding not shown" >&2; exit 1; }
grep -q 'logitlint.*Failed' "$tmp/out.txt" || { cat "$tmp/out.txt" >&2; echo "FAIL: hook not reported as failed" >&2; exit 1; }
[ "$(git rev-list --count HEAD)" = 1 ] || { echo "FAIL: a commit was created" >&2; exit 1; }
echo "ok: buggy script blocked"

# A notebook is a `jupyter` file for pre-commit: blocked as well.
git reset -q
rm eval_buggy.py
cat >eval.ipynb <<'NB'
{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null,
  "source": ["def score(model, ids):\n", "    logits = model(ids).logits\n", "    total = 0\n",
             "    for t in range(ids.shape[1] - 1):\n", "        total += logits[0, t, ids[0, t + 1]]\n",
             "    return total\n"]}],
 "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
NB
git add eval.ipynb
if git commit -m notebook >"$tmp/out.txt" 2>&1; then
  cat "$tmp/out.txt" >&2
  echo "FAIL: the commit of a buggy notebook went through" >&2
  exit 1
fi
grep -q 'eval.ipynb:cell 1:5:9: LL101' "$tmp/out.txt" || { cat "$tmp/out.txt" >&2; echo "FAIL: notebook finding not shown" >&2; exit 1; }
echo "ok: buggy notebook blocked"
git reset -q
rm eval.ipynb

cat >eval_clean.py <<'PY'
import torch


def score(model, ids):
    logits = model(ids).logits[:, :-1]
    logprobs = torch.log_softmax(logits, dim=-1)
    return logprobs.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1).sum(-1)
PY
git add eval_clean.py
git commit -q -m clean >"$tmp/out.txt" 2>&1 || { cat "$tmp/out.txt" >&2; echo "FAIL: a clean commit was blocked" >&2; exit 1; }
[ "$(git rev-list --count HEAD)" = 2 ] || { echo "FAIL: the clean commit is missing" >&2; exit 1; }
echo "ok: clean script committed"
