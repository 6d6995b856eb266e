#!/usr/bin/env bash
# `cmake --install` puts the binary and the man page in place, and the installed binary runs.
set -euo pipefail
build=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp" >/dev/null
[ -x "$tmp/bin/logitlint" ] || { echo "FAIL: no bin/logitlint" >&2; exit 1; }
page=$tmp/share/man/man1/logitlint.1
[ -f "$page" ] || { echo "FAIL: no share/man/man1/logitlint.1" >&2; exit 1; }
"$tmp/bin/logitlint" --version | grep -q '^logitlint ' || { echo "FAIL: installed binary" >&2; exit 1; }
# The page documents every `check` option the binary accepts.
for opt in $("$tmp/bin/logitlint" check --help | grep -oE '^ +--[a-z-]+' | tr -d ' '); do
  grep -q -- "$(sed 's/-/\\\\-/g' <<<"$opt")" "$page" || { echo "FAIL: $opt is not in the man page" >&2; exit 1; }
done
echo "ok: installed binary and man page"
