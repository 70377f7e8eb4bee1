#!/usr/bin/env bash
# Python targets side by side, interleaved: each round runs every command of a group once, in
# turn, and the table gives each command's median wall time over $ROUNDS rounds with its ratio
# to the group's first (untracked) row. Not a test: nothing here asserts timings.
#
#   ci/bench/python_compare.sh                      # this build only
#   BASELINE_MEMGATE=/path/to/older/memgate ci/bench/python_compare.sh   # before/after rows
#
# The churn of `make bench` under `memgate record`, with Python frames read at allocation time
# and with the profile hook. The real suites side by side with pytest-memray (verdicts compared
# too) are ci/bench/pytest_suites.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
MEMGATE=$(realpath "${MEMGATE:-.build/release/memgate}")
ROUNDS=${ROUNDS:-5}
PYTHON=${PYTHON:-.venv/bin/python}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

seconds_of() {
    local start end
    start=$(date +%s.%N)
    (eval "$1") > /dev/null 2>&1 || true
    end=$(date +%s.%N)
    echo "$end - $start" | bc -l
}

# group TITLE LABEL COMMAND [LABEL COMMAND ...]: the commands run interleaved, ROUNDS times.
group() {
    local title=$1
    shift
    local labels=() commands=()
    while [ $# -gt 0 ]; do
        labels+=("$1")
        commands+=("$2")
        shift 2
    done
    local times=()
    for round in $(seq "$ROUNDS"); do
        for i in "${!commands[@]}"; do
            times[i]="${times[i]:-} $(seconds_of "${commands[i]}")"
        done
    done
    echo "$title (median of $ROUNDS interleaved rounds)"
    local base=""
    for i in "${!commands[@]}"; do
        local median
        median=$(echo "${times[i]}" | tr ' ' '\n' | grep . | sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}')
        [ -n "$base" ] || base=$median
        printf "  %-52s %8.3f s   x%6.2f\n" "${labels[i]}" "$median" "$(echo "$median / $base" | bc -l)"
    done
}

churn=(
    "untracked (pymalloc)" "$PYTHON ci/bench/python_churn.py"
    "memgate record" "$MEMGATE record -o $scratch/a.mgc -- $PYTHON ci/bench/python_churn.py"
    "memgate record, profile hook (MEMGATE_PYTHON_FRAMES=profile)"
    "MEMGATE_PYTHON_FRAMES=profile $MEMGATE record -o $scratch/b.mgc -- $PYTHON ci/bench/python_churn.py"
)
if [ -n "${BASELINE_MEMGATE:-}" ]; then
    churn+=("BASELINE_MEMGATE record" "$BASELINE_MEMGATE record -o $scratch/c.mgc -- $PYTHON ci/bench/python_churn.py")
fi
group "python: 400 000 small dicts and lists" "${churn[@]}"
