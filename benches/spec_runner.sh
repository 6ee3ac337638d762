#!/usr/bin/env bash
# The spec runner's own overhead, as a whole process: 1,000 trivial spec
# files (`code = "result = N * 2;"`, `expect.result = 2N`) loaded, run and
# reported by `mlpy-test DIR --format terse`, side by side with `cat`
# reading the same files (the floor: opening and reading 1,000 files),
# and with listing them. Needs hyperfine.
#
#   bash benches/spec_runner.sh [BINARY...]   (default: this checkout's
#                                              release build)
#
# Prints hyperfine's table and each binary's median run time over cat's.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "missing hyperfine (apt-get install hyperfine)" >&2; exit 2; }
if [ $# -eq 0 ]; then
    cargo build --release -q
    set -- target/release/mlpy-test
fi
n=${SPECS:-1000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for ((i = 1; i <= n; i++)); do
    printf 'code = "result = %d * 2;"\nexpect.result = %d\n' "$i" $((i * 2)) >"$dir/spec$i.mltest"
done
for bin in "$@"; do
    out=$("$bin" "$dir" --format terse) || { echo "$bin: the run failed:" >&2; echo "$out" >&2; exit 1; }
    grep -q "ok. $n passed" <<<"$out" || { echo "$bin: expected $n passed:" >&2; echo "$out" >&2; exit 1; }
done
commands=("cat $(printf "$dir/spec%d.mltest " $(seq 1 "$n"))")
names=(--command-name "cat DIR/*.mltest")
for bin in "$@"; do
    commands+=("$bin $dir --format terse" "$bin $dir --list")
    names+=(--command-name "$bin DIR --format terse" --command-name "$bin DIR --list")
done
csv=$dir/times.csv
echo "$n spec files, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine -N --warmup 5 --runs "${RUNS:-40}" --export-csv "$csv" "${names[@]}" "${commands[@]}" 2>&1 |
    grep -E '^Benchmark|Time|Range'
# Columns: command,mean,stddev,median,user,system,min,max (seconds).
awk -F, 'NR == 2 { cat = $4 }
    NR > 1 { printf "%-45s median %6.1f ms  (%.2f x cat)\n", $1, $4 * 1000, $4 / cat }' "$csv"
