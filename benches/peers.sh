#!/usr/bin/env bash
# Whole-process comparison of mlpy-test (release build) with CPython 3
# (mlpy's speed: it emits Python) and Lua 5.4 on the same programs
# (benches/programs/NAME.{ml,py,lua}), in one run.
#
#   bash benches/peers.sh [--check] [PROGRAM...]
#
# First every version of each program runs once and must print the same
# output (a difference stops the script); --check stops there. Then the
# runs are interleaved (ml, python, lua, ml, ...) so that a change of the
# machine's load hits all three alike, RUNS times (default 5), and the
# median wall time of each is shown with the ratios ml/CPython and ml/Lua
# and their geometric means. Needs python3 and lua5.4 (apt-get install
# lua5.4); PYTHON and LUA override the commands.
set -euo pipefail
cd "$(dirname "$0")/.."

check_only=false
if [ "${1:-}" = "--check" ]; then
    check_only=true
    shift
fi
programs=("$@")
[ ${#programs[@]} -gt 0 ] || programs=(fib loop strings objects sort closures mandel)
runs=${RUNS:-5}
python=${PYTHON:-python3}
lua=${LUA:-lua5.4}
for tool in "$python" "$lua"; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
cargo build --release -q
ml=target/release/mlpy-test
p=benches/programs

# The command of language $1 for program $2.
cmd() {
    case $1 in
    ml) echo "$ml run $p/$2.ml" ;;
    python) echo "$python $p/$2.py" ;;
    lua) echo "$lua $p/$2.lua" ;;
    esac
}

langs=(ml python lua)
for prog in "${programs[@]}"; do
    for lang in "${langs[@]}"; do
        [ -f "$(cmd "$lang" "$prog" | awk '{print $NF}')" ] ||
            { echo "no $(cmd "$lang" "$prog" | awk '{print $NF}')" >&2; exit 2; }
    done
    want=$($(cmd ml "$prog"))
    for lang in python lua; do
        got=$($(cmd "$lang" "$prog"))
        if [ "$got" != "$want" ]; then
            printf '%s: outputs differ\n  ml:      %s\n  %-8s %s\n' "$prog" "$want" "$lang:" "$got" >&2
            exit 1
        fi
    done
    echo "$prog: all three print: $want"
done
$check_only && exit 0

# Wall time of one run in microseconds (output discarded).
micros() {
    local start end
    start=$EPOCHREALTIME
    $1 >/dev/null
    end=$EPOCHREALTIME
    echo $((${end//[.,]/} - ${start//[.,]/}))
}

times=$(mktemp)
trap 'rm -f "$times"' EXIT
for ((r = 1; r <= runs; r++)); do
    for prog in "${programs[@]}"; do
        for lang in "${langs[@]}"; do
            echo "$prog $lang $(micros "$(cmd "$lang" "$prog")")" >>"$times"
        done
    done
done

echo
echo "median of $runs interleaved runs, wall time ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
awk -v runs="$runs" -v order="${programs[*]}" '
    { t[$1 " " $2] = t[$1 " " $2] " " $3 }
    function median(list,   v, n, i, j, x) {
        n = split(list, v, " ")
        for (i = 2; i <= n; i++) {          # insertion sort, n is small
            x = v[i] + 0
            for (j = i - 1; j >= 1 && v[j] + 0 > x; j--) v[j + 1] = v[j]
            v[j + 1] = x
        }
        return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    END {
        printf "| %-9s | %9s | %9s | %9s | %10s | %7s |\n", "program", "ml", "CPython", "Lua 5.4", "ml/CPython", "ml/Lua"
        printf "|-----------|----------:|----------:|----------:|-----------:|--------:|\n"
        n = split(order, progs, " ")
        for (i = 1; i <= n; i++) {
            q = progs[i]
            m = median(t[q " ml"]); c = median(t[q " python"]); l = median(t[q " lua"])
            printf "| %-9s | %6.1f ms | %6.1f ms | %6.1f ms | %10.2f | %7.2f |\n", q, m / 1000, c / 1000, l / 1000, m / c, m / l
            gc += log(m / c); gl += log(m / l)
        }
        printf "| %-9s | %9s | %9s | %9s | %10.2f | %7.2f |\n", "geo. mean", "", "", "", exp(gc / n), exp(gl / n)
    }' "$times"
