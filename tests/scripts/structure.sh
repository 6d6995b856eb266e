#!/usr/bin/env bash
# The code's size and shape limits: no C file in analyzer/ or rules/ over 1,500 lines, no
# function over 150 lines, no call circle among the facts layer's files (analyzer/facts.c,
# analyzer/facts_*.c) of more than 3 files, none among the reporters (analyzer/report*.c). A
# file calls another when its code names a function the other defines without `static` (ctags
# gives the definitions, their extent and linkage; the source, comments and strings blanked,
# gives the names used). Usage: structure.sh SOURCE_DIR (LOGITLINT_MAX_FILE, LOGITLINT_MAX_FUNC
# and LOGITLINT_MAX_CIRCLE override the limits).
set -euo pipefail
cd "${1:-$(dirname "$0")/../..}"
ctags --version 2>/dev/null | grep -q 'Universal Ctags' ||
  { echo "FAIL: Universal Ctags is not installed (Debian: universal-ctags)" >&2; exit 1; }
max_file=${LOGITLINT_MAX_FILE:-1500} max_func=${LOGITLINT_MAX_FUNC:-150} max_circle=${LOGITLINT_MAX_CIRCLE:-3}
fail=0

for f in analyzer/*.c rules/*.c; do
  n=$(wc -l <"$f")
  if ((n > max_file)); then echo "FAIL: $f has $n lines (at most $max_file)"; fail=1; fi
done

# name <TAB> file <TAB> first line <TAB> last line <TAB> static (1) or not (0)
tags=$(ctags --c-kinds=f --fields=+nef -o - analyzer/*.c rules/*.c |
  awk -F'\t' '{ l = e = s = 0
    for (i = 4; i <= NF; i++) {
      if ($i ~ /^line:/) l = substr($i, 6)
      else if ($i ~ /^end:/) e = substr($i, 5)
      else if ($i ~ /^file:/) s = 1
    }
    print $1 "\t" $2 "\t" l "\t" e "\t" s }')
[ -n "$tags" ] || { echo "FAIL: ctags found no functions" >&2; exit 1; }
long=$(awk -F'\t' -v max="$max_func" '$4 - $3 + 1 > max { printf "FAIL: %s (%s:%s) has %d lines (at most %d)\n", $1, $2, $3, $4 - $3 + 1, max }' <<<"$tags")
if [ -n "$long" ]; then echo "$long"; fail=1; fi

# Files' code with comments, strings and character literals blanked, one "file <TAB> line"
# record per line.
strip() {
  awk '{
    out = ""; n = length($0)
    for (i = 1; i <= n; i++) {
      c = substr($0, i, 1); d = substr($0, i, 2)
      if (incomment) { if (d == "*/") { incomment = 0; i++ }; continue }
      if (quote != "") {
        if (c == "\\") { i++; continue }
        if (c == quote) quote = ""
        continue
      }
      if (d == "/*") { incomment = 1; i++; out = out " "; continue }
      if (d == "//") break
      if (c == "\"" || c == "\047") { quote = c; out = out " "; continue }
      out = out c
    }
    print FILENAME "\t" out
  }' "$@"
}

# The largest call circle among a group of files (a regular expression of their paths, then the
# files): A calls B when A names a function B defines without static (A defines no function of
# that name itself); a file's circle is its strongly connected component (Warshall's closure).
# Prints its size, its files, then (over max) the calls inside it.
largest_circle() {
  local group=$1 max=$2
  shift 2
  {
    awk -F'\t' -v g="$group" '$5 == 0 && $2 ~ g { print "DEF\t" $1 "\t" $2 }
                              $2 ~ g { print "OWN\t" $1 "\t" $2 }' <<<"$tags"
    strip "$@" | sed 's/^/SRC\t/'
  } | awk -F'\t' -v max="$max" '
    $1 == "DEF" { def[$2] = $3; next }
    $1 == "OWN" { own[$3 SUBSEP $2] = 1; next }
    {
      file = $2; line = $3
      if (!(file in idx)) { idx[file] = ++nf; name[nf] = file }
      while (match(line, /[A-Za-z_][A-Za-z0-9_]*/)) {
        w = substr(line, RSTART, RLENGTH); line = substr(line, RSTART + RLENGTH)
        if ((w in def) && def[w] != file && !((file SUBSEP w) in own)) {
          if (!((file SUBSEP def[w]) in edge)) via[file SUBSEP def[w]] = w
          edge[file SUBSEP def[w]] = 1
        }
      }
    }
    END {
      for (i = 1; i <= nf; i++)
        for (j = 1; j <= nf; j++) r[i, j] = (i == j) || ((name[i] SUBSEP name[j]) in edge)
      for (k = 1; k <= nf; k++)
        for (i = 1; i <= nf; i++)
          if (r[i, k]) for (j = 1; j <= nf; j++) if (r[k, j]) r[i, j] = 1
      worst = 0
      for (i = 1; i <= nf; i++) {
        size = 0
        for (j = 1; j <= nf; j++) if (r[i, j] && r[j, i]) size++
        if (size > worst) { worst = size; at = i }
      }
      printf "%d", worst
      for (j = 1; j <= nf; j++) if (r[at, j] && r[j, at]) printf " %s", name[j]
      printf "\n"
      if (worst <= max) exit
      for (j = 1; j <= nf; j++)
        for (k = 1; k <= nf; k++)
          if (j != k && r[at, j] && r[j, at] && r[at, k] && r[k, at] && ((name[j] SUBSEP name[k]) in edge))
            printf "  %s -> %s (%s)\n", name[j], name[k], via[name[j] SUBSEP name[k]]
    }'
}

# The facts layer: only the statement / expression / call recursion may call in a circle. The
# reporters: the writers call the shared helpers below them, never report.c (no circle).
check_circle() {
  local what=$1 group=$2 max=$3 out size
  shift 3
  out=$(largest_circle "$group" "$max" "$@")
  size=${out%% *}
  if ((size > max)); then
    echo "FAIL: a call circle of $size files in $what (at most $max):"
    echo "${out#* }"
    fail=1
  else
    echo "$what: largest call circle $size file(s): $(head -1 <<<"${out#* }")"
  fi
}
check_circle "the facts layer" '^analyzer/facts(_[a-z_]+)?[.]c$' "$max_circle" analyzer/facts.c analyzer/facts_*.c
check_circle "the reporters" '^analyzer/report(_[a-z_]+)?[.]c$' 1 analyzer/report.c analyzer/report_*.c

if ((fail)); then exit 1; fi
echo "ok: files <= $max_file lines, functions <= $max_func lines, call circles within limits"
