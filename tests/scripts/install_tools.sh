#!/usr/bin/env bash
# Installs the pinned test tools (tests/tools/package.json + package-lock.json: exact versions,
# integrity hashes) into the build tree with `npm ci --ignore-scripts`. Skipped when the
# lockfile has not changed since the last install.
set -euo pipefail
src=$1 dest=$2
stamp=$dest/node_modules/.logitlint-lock
want=$(sha256sum "$src/package-lock.json" | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
mkdir -p "$dest"
cp "$src/package.json" "$src/package-lock.json" "$dest/"
(cd "$dest" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
# The platform package's install script only marks the validator executable; we skip scripts.
chmod +x "$dest/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
echo "$want" >"$stamp"
