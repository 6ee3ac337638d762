#!/usr/bin/env bash
# Cost of one run on the real mlpy through adapters/mlpy: N small requests
# through one adapter process (fork per run from a warm parent), against
# the process start-up alone. Needs MLPY_PATH and MLPY_PYTHON (as for
# `mlpy-test --backend mlpy`).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
requests=$(mktemp)
trap 'rm -f "$requests"' EXIT
{
    echo '{"type":"hello","protocol":1}'
    for i in $(seq 1 "$n"); do
        echo "{\"type\":\"run\",\"id\":$i,\"code\":\"x = [1, 2, 3]; print(len(x)); x[0] + 41;\"}"
    done
} > "$requests"
adapter=(env MLPY_PATH="$MLPY_PATH" "$MLPY_PYTHON" adapters/mlpy/mlpy_adapter.py)
hyperfine -N --warmup 1 --runs 5 \
    --command-name "start-up only" "sh -c 'head -1 $requests | ${adapter[*]}'" \
    --command-name "$n runs" "sh -c '${adapter[*]} < $requests'"
