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

# BASELINE_TRACKER=path/to/an/older/libmemgate_tracker.so adds, under each tracked row, the
# same run with that tracker, measured in the same session (before/after comparisons).
# The baseline runs first, so the captures left behind (whose sizes are printed) are this tracker's.
compare() {
    local label=$1 base=$2 baseline=""
    shift 2
    if [ -n "${BASELINE_TRACKER:-}" ]; then baseline=$(best env MEMGATE_TRACKER="$BASELINE_TRACKER" "$@"); fi
    row "$label" "$(best "$@")" "$base"
    if [ -n "$baseline" ]; then row "  ...with BASELINE_TRACKER" "$baseline" "$base"; fi
}

for program in deep_churn deep_churn_omit_fp; do
    echo "$program: $PAIRS malloc/free pairs at the bottom of a 12-deep call chain"
    base=$(best ".build/fixtures/$program" "$PAIRS")
    row "untracked" "$base" "$base"
    compare "memgate, libunwind every allocation" "$base" \
        env MEMGATE_UNWIND=libunwind "$MEMGATE" record -o "$scratch/a.mgc" -- ".build/fixtures/$program" "$PAIRS"
    compare "memgate, learned unwind rules (default)" "$base" \
        "$MEMGATE" record -o "$scratch/b.mgc" -- ".build/fixtures/$program" "$PAIRS"
done

echo "python: 400 000 small dicts and lists (allocation-heavy)"
base=$(best "$PYTHON" ci/bench/python_churn.py)
row "untracked (pymalloc)" "$base" "$base"
row "untracked, PYTHONMALLOC=malloc" "$(best env PYTHONMALLOC=malloc "$PYTHON" ci/bench/python_churn.py)" "$base"
compare "memgate record (Python frames)" "$base" "$MEMGATE" record -o "$scratch/c.mgc" -- "$PYTHON" ci/bench/python_churn.py
# The frames kept by a profile hook instead (the way on Pythons other than 3.11).
compare "memgate record, MEMGATE_PYTHON_FRAMES=profile" "$base" \
    env MEMGATE_PYTHON_FRAMES=profile "$MEMGATE" record -o "$scratch/e.mgc" -- "$PYTHON" ci/bench/python_churn.py
compare "memgate record --native (Python + native)" "$base" \
    "$MEMGATE" record --native -o "$scratch/d.mgc" -- "$PYTHON" ci/bench/python_churn.py
echo "capture sizes: python $(stat -c %s "$scratch/c.mgc") B, python --native $(stat -c %s "$scratch/d.mgc") B"
