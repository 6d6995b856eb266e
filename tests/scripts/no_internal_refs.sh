#!/usr/bin/env bash
# Nothing a user sees cites a file users do not have: not the binary's strings (help, messages,
# reports), not the README, not the man page.
set -euo pipefail
bin=$1 root=$2
internal='DESIGN\.md|STYLE\.md|/work/shared'
fail=0
for f in "$bin" "$root/README.md" "$root/analyzer/logitlint.1"; do
  if grep -aEn "$internal" "$f" >&2; then
    echo "FAIL: $f cites an internal file" >&2
    fail=1
  fi
done
# And what the commands print, for every rule.
for code in $("$bin" rule --all | cut -d' ' -f1); do
  out=$("$bin" rule "$code"; "$bin" explain "$code" 2>&1 || true)
  if grep -Eq "$internal" <<<"$out"; then echo "FAIL: rule/explain $code cites an internal file" >&2; fail=1; fi
done
out=$("$bin" --help; "$bin" check --help; "$bin" verify --help; "$bin" verify; "$bin" explain --help 2>&1 || true)
if grep -Eq "$internal" <<<"$out"; then echo "FAIL: help or verify output cites an internal file" >&2; fail=1; fi
[ $fail = 0 ] && echo "ok: no internal file is cited"
exit $fail
