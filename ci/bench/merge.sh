#!/usr/bin/env bash
# make bench, second part: `memgate merge` of 50 shards × 1 000 cases (issue 12's scale), with
# the cases as a real run writes them (profile, stacks, timeline), so every case also gets its
# flamegraph page. Wall and CPU seconds of the best of $REPEATS runs; nothing asserts them.
set -euo pipefail
cd "$(dirname "$0")/../.."
MEMGATE=.build/release/memgate
REPEATS=${REPEATS:-3}
SHARDS=${SHARDS:-50}
CASES=${CASES:-1000}
PYTHON=${PYTHON:-.venv/bin/python}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

cat > "$scratch/memgate.yml" <<YAML
version: 1
baselines: baselines
targets:
  - name: template
    command: ["$PWD/.build/fixtures/hold_bytes", "4096"]
  - name: other
    command: ["$PWD/.build/fixtures/hold_bytes", "1"]
YAML
MEMGATE_TRACKER="$PWD/.build/tracker/libmemgate_tracker.so" "$MEMGATE" run --config "$scratch/memgate.yml" \
    --shard 1/2 --artifacts "$scratch/template" > /dev/null 2>&1 || true
"$PYTHON" ci/bench/merge_shards.py "$scratch/template/results.json" "$scratch/shards" "$SHARDS" "$CASES"

best_wall="" best_cpu=""
for _ in $(seq "$REPEATS"); do
    rm -rf "$scratch/merged"
    /usr/bin/time -f "%e %U %S" -o "$scratch/time" "$MEMGATE" merge "$scratch"/shards/shard-* --expect "$SHARDS" \
        --artifacts "$scratch/merged" > /dev/null 2>&1 || true
    read -r wall user system < "$scratch/time"
    cpu=$(echo "$user + $system" | bc -l)
    if [ -z "$best_wall" ] || (( $(echo "$wall < $best_wall" | bc -l) )); then best_wall=$wall; best_cpu=$cpu; fi
done
pages=$(find "$scratch/merged/flamegraphs" -name '*.html' | wc -l)
echo "merge: $SHARDS shards x $CASES cases with profiles ($pages flamegraph pages, $(du -sh "$scratch/merged" | cut -f1))"
printf "  %-44s %8.3f s wall, %.3f s CPU, x%.2f of the 5 s goal\n" "memgate merge" "$best_wall" "$best_cpu" \
    "$(echo "$best_wall / 5" | bc -l)"
