# Shared by bench.sh and bench_compare.sh (sourced): the corpus both time on.

# copy_py SRC DEST: the *.py files logitlint would discover under SRC (.py only: the other
# tools bench.sh runs do not read notebooks), copied into DEST with their paths.
copy_py() {
    (cd "$1" && find . \( -name '.?*' -o -name __pycache__ -o -name node_modules \
        -o -name site-packages \) -prune -o -type f -name '*.py' -print0 |
        tar --null -T - -cf -) | tar -xf - -C "$2"
}

# latency_file_of FLOOR DIR: prints the single-file latency file, the first (sorted) *.py of
# 190 to 210 lines under DIR that the prefilter lets through (it is parsed); nothing if none.
# FLOOR is parse_floor (tests/bench/parse_floor.c), whose --prefilter says so.
latency_file_of() {
    local f n
    while IFS= read -r f; do
        n=$(wc -l <"$f")
        if ((n >= 190 && n <= 210)) && [ "$("$1" --prefilter "$f" | awk 'NR == 1 {print $3}')" = 1 ]; then
            echo "$f"
            return
        fi
    done < <(find "$2" -type f -name '*.py' | sort)
}
