#!/usr/bin/env bash
# The Debian package: `cpack -G DEB` in the build tree gives a .deb holding the binary, the man
# page and the README under /usr, whose Depends covers every shared library the binary needs;
# installed with `dpkg -i` into a scratch root (as root; otherwise unpacked with dpkg-deb -x),
# the binary runs and finds a bug.
set -euo pipefail
build=$1 root=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$build" && cpack -G DEB -B "$tmp/out" >/dev/null)
deb=$(ls "$tmp"/out/logitlint_*.deb)
[ -f "$deb" ] || { echo "FAIL: no .deb" >&2; exit 1; }
contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/logitlint ./usr/share/man/man1/logitlint.1 ./usr/share/doc/logitlint/README.md; do
  grep -q " $f\$" <<<"$contents" || { echo "$contents" >&2; echo "FAIL: $f is not in the package" >&2; exit 1; }
done
[ "$(dpkg-deb -f "$deb" Package)" = logitlint ] || { echo "FAIL: package name" >&2; exit 1; }
version=$("$build/logitlint" --version | cut -d' ' -f2)
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || { echo "FAIL: version is not $version" >&2; exit 1; }
depends=$(dpkg-deb -f "$deb" Depends)
# Every NEEDED library comes from a package in Depends.
for lib in $(objdump -p "$build/logitlint" | awk '/NEEDED/{print $2}'); do
  path=$(ldd "$build/logitlint" | awk -v l="$lib" '$1 == l {print $3}')
  pkg=$( (dpkg -S "$path" 2>/dev/null || dpkg -S "$(realpath "$path")" 2>/dev/null) | head -1 | cut -d: -f1)
  [ -n "$pkg" ] || { echo "FAIL: no package provides $lib" >&2; exit 1; }
  grep -qw "$pkg" <<<"$depends" || { echo "FAIL: $lib ($pkg) is not in Depends: $depends" >&2; exit 1; }
done
scratch=$tmp/root
if [ "$(id -u)" = 0 ]; then
  # A scratch dpkg database: the package installs there, not on this system. Its dependencies
  # are those of this system (the libraries are found on the host), so they are not checked here.
  mkdir -p "$scratch/var/lib/dpkg/info" "$scratch/var/lib/dpkg/updates"
  touch "$scratch/var/lib/dpkg/status"
  dpkg --root="$scratch" --force-depends --force-script-chrootless -i "$deb" >/dev/null 2>"$tmp/dpkg.err" ||
    { cat "$tmp/dpkg.err" >&2; echo "FAIL: dpkg -i into a scratch root" >&2; exit 1; }
  dpkg --root="$scratch" -s logitlint | grep -q '^Status: install ok installed' || { echo "FAIL: not installed" >&2; exit 1; }
  echo "ok: dpkg -i into a scratch root"
else
  dpkg-deb -x "$deb" "$scratch"
  echo "ok: unpacked (not root: dpkg -i not tried)"
fi
"$scratch/usr/bin/logitlint" --version | grep -q "^logitlint $version\$" || { echo "FAIL: the installed binary" >&2; exit 1; }
set +e
"$scratch/usr/bin/logitlint" check --no-verify --output-format concise "$root/samples/abc_case/sum_logits.py" >"$tmp/check.txt"
status=$?
set -e
[ $status = 1 ] && grep -q 'sum_logits.py:27:9: LL101' "$tmp/check.txt" || { cat "$tmp/check.txt" >&2; echo "FAIL: the installed binary does not find the bug" >&2; exit 1; }
echo "ok: $(basename "$deb"): binary, man page, README; Depends: $depends"
