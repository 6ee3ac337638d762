#!/usr/bin/env bash
# Instructions per iteration of each workload of benches/instructions.rs,
# counted by callgrind (load-independent): the count of 2N iterations
# minus that of N, divided by N, so set-up cancels out.
#
#   bash benches/instructions.sh [BINARY...]   (default: this checkout's;
#                                              needs valgrind)
# To compare commits, build the bench at each (copy this file and
# instructions.rs into an older checkout) and pass both binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "missing valgrind (apt-get install valgrind)" >&2; exit 2; }
if [ $# -eq 0 ]; then
    cargo bench --bench instructions --no-run -q 2>/dev/null
    set -- "$(ls -t target/release/deps/instructions-* | grep -v '\.d$' | head -1)"
fi
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
printf '%-20s %14s  %s\n' workload instructions binary
for spec in "execute_small 200" "callback_add 20000" "throughput_c50 10" \
    "parse_compile_120 50" "run_sample_120 50" "fib27 1" "loop_3m 1"; do
    set -- $spec "${@}"
    w=$1 n=$2
    shift 2
    for bin in "$@"; do
        a=$(count "$bin" "$w" "$n")
        b=$(count "$bin" "$w" $((2 * n)))
        printf '%-20s %14s  %s\n' "$w" $(((b - a) / n)) "$bin"
    done
done
