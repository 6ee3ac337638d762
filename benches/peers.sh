#!/usr/bin/env bash
# Whole-process comparison of mlpy-test with CPython 3 (mlpy's speed: it
# emits Python) and Lua 5.4, on the same programs, in one run.
#
#   bash benches/peers.sh            (needs hyperfine, python3, lua5.4:
#                                     apt-get install hyperfine lua5.4)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
for tool in hyperfine python3 lua5.4; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
p=benches/programs
hyperfine -N --warmup 2 --runs 10 \
    "target/release/mlpy-test run $p/fib.ml" "python3 $p/fib.py" "lua5.4 $p/fib.lua" \
    "target/release/mlpy-test run $p/loop.ml" "python3 $p/loop.py" "lua5.4 $p/loop.lua"
