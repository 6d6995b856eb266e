#!/usr/bin/env bash
# The pre-commit hook, for real, as the README tells users to set it up: its two snippets (a
# local hook; this repository's .pre-commit-hooks.yaml by URL and rev, pointed at a local clone:
# no network) run with Debian's `pre-commit` in a temporary git repository. A commit adding a
# buggy eval script (or notebook) is blocked with the finding shown, a clean one goes through,
# and twelve files are checked in one run (require_serial).
set -euo pipefail
bin=$1 root=$2
command -v pre-commit >/dev/null || { echo "FAIL: pre-commit is not installed (bash .ci/setup installs it)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export tmp PATH="$(dirname "$bin"):$PATH" PRE_COMMIT_HOME="$tmp/cache" HOME="$tmp/home"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
mkdir -p "$HOME"

# The hook repository: this repository's hook definitions, committed in a scratch clone.
git init -q "$tmp/hooks"
cp "$root/.pre-commit-hooks.yaml" "$tmp/hooks/"
git -C "$tmp/hooks" add .pre-commit-hooks.yaml
git -C "$tmp/hooks" commit -q -m hooks
rev=$(git -C "$tmp/hooks" rev-parse HEAD)

# The README's snippets, as a user pastes them: the yaml blocks of its pre-commit section. The
# first (repo: local) is used verbatim; in the second only the URL and rev are changed.
awk '/^## pre-commit$/{s=1;next} s&&/^## /{exit} s&&/^```yaml$/{n++;y=1;next} /^```$/{y=0} s&&y{print > (ENVIRON["tmp"] "/snippet" n ".yaml")}' "$root/README.md"
[ -s "$tmp/snippet1.yaml" ] && [ -s "$tmp/snippet2.yaml" ] || { echo "FAIL: the README's pre-commit snippets were not found" >&2; exit 1; }
grep -q 'repo: local' "$tmp/snippet1.yaml" || { echo "FAIL: the first snippet is not the local hook" >&2; exit 1; }
sed -E "s|^( *- repo: )[^ ]+|\1$tmp/hooks|; s|^( *rev: )[^ ]+|\1$rev|" "$tmp/snippet2.yaml" >"$tmp/snippet2.local.yaml"
[ "$(diff "$tmp/snippet2.yaml" "$tmp/snippet2.local.yaml" | grep -c '^>')" = 2 ] || { echo "FAIL: the second snippet needs more than its URL and rev changed" >&2; exit 1; }

run_scenario() {
config=$1
rm -rf "$tmp/proj"
git init -q "$tmp/proj"
cd "$tmp/proj"
cp "$config" .pre-commit-config.yaml
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

# Several files: one run over all of them (require_serial), so one summary. (Without it,
# pre-commit splits more than 4 files into a batch per core.)
files=$(seq -f 'eval_%g.py' 1 12)
for i in $(seq 1 12); do
  sed "s/total/total$i/" >"eval_$i.py" <<'PY'
def score(model, ids):
    logits = model(ids).logits
    total = 0
    for t in range(ids.shape[1] - 1):
        total += logits[0, t, ids[0, t + 1]]
    return total
PY
done
git add $files
git commit -m twelve >"$tmp/out.txt" 2>&1 && { cat "$tmp/out.txt" >&2; echo "FAIL: twelve buggy files committed" >&2; exit 1; }
[ "$(grep -c '^Found ' "$tmp/out.txt")" = 1 ] && grep -q '^Found 12 errors\.' "$tmp/out.txt" || { cat "$tmp/out.txt" >&2; echo "FAIL: not one run over the twelve files" >&2; exit 1; }
echo "ok: one run over twelve files"
git reset -q
rm $files
}

echo "== the README's local hook"
run_scenario "$tmp/snippet1.yaml"
echo "== the README's remote hook, URL and rev changed"
run_scenario "$tmp/snippet2.local.yaml"
