#!/usr/bin/env bash
# make bench: tracking overhead measured side by side in one run, printed as ratios to the
# untracked run. Not a test: nothing here asserts timings.
set -euo pipefail
cd "$(dirname "$0")/../.."
MEMGATE=.build/release/memgate
PAIRS=${PAIRS:-2000000}
REPEATS=${REPEATS:-3}
PYTHON=${PYTHON:-.venv/bin/python}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Best of $REPEATS wall-clock runs, in seconds.
best() {
    local best_seconds=""
    for _ in $(seq "$REPEATS"); do
        local start end seconds
        start=$(date +%s.%N)
        "$@" > /dev/null 2>&1
        end=$(date +%s.%N)
        seconds=$(echo "$end - $start" | bc -l)
        if [ -z "$best_seconds" ] || (( $(echo "$seconds < $best_seconds" | bc -l) )); then best_seconds=$seconds; fi
    done
    echo "$best_seconds"
}

row() { printf "  %-44s %8.3f s   x%6.1f\n" "$1" "$2" "$(echo "$2 / $3" | bc -l)"; }

for program in deep_churn deep_churn_omit_fp; do
    echo "$program: $PAIRS malloc/free pairs at the bottom of a 12-deep call chain"
    base=$(best ".build/fixtures/$program" "$PAIRS")
    row "untracked" "$base" "$base"
    row "memgate, libunwind every allocation" \
        "$(best env MEMGATE_UNWIND=libunwind "$MEMGATE" record -o "$scratch/a.mgc" -- ".build/fixtures/$program" "$PAIRS")" "$base"
    row "memgate, learned unwind rules (default)" \
        "$(best "$MEMGATE" record -o "$scratch/b.mgc" -- ".build/fixtures/$program" "$PAIRS")" "$base"
done

echo "python: 400 000 small dicts and lists (allocation-heavy)"
base=$(best "$PYTHON" ci/bench/python_churn.py)
row "untracked (pymalloc)" "$base" "$base"
row "untracked, PYTHONMALLOC=malloc" "$(best env PYTHONMALLOC=malloc "$PYTHON" ci/bench/python_churn.py)" "$base"
row "memgate record (Python frames)" "$(best "$MEMGATE" record -o "$scratch/c.mgc" -- "$PYTHON" ci/bench/python_churn.py)" "$base"
row "memgate record --native (Python + native)" \
    "$(best "$MEMGATE" record --native -o "$scratch/d.mgc" -- "$PYTHON" ci/bench/python_churn.py)" "$base"
echo "capture sizes: python $(stat -c %s "$scratch/c.mgc") B, python --native $(stat -c %s "$scratch/d.mgc") B"
