#!/usr/bin/env bash
# Python targets side by side, interleaved: each round runs every command of a group once, in
# turn, and the table gives each command's median wall time over $ROUNDS rounds with its ratio
# to the group's first (untracked) row. Not a test: nothing here asserts timings.
#
#   ci/bench/python_compare.sh                      # this build only
#   BASELINE_MEMGATE=/path/to/older/memgate ci/bench/python_compare.sh   # before/after rows
#
# Groups: the churn of `make bench` under `memgate record`; the real suites of `make
# real-suites` (picologging's tests/unit, iterative_ensemble_smoother's TestOverwriteMemory)
# under plain pytest, `pytest --memray` and `memgate run`. A suite that is not built is skipped.
set -euo pipefail
cd "$(dirname "$0")/../.."
MEMGATE=$(realpath "${MEMGATE:-.build/release/memgate}")
ROUNDS=${ROUNDS:-5}
PYTHON=${PYTHON:-.venv/bin/python}
SUITES=.build/real-suites
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

seconds_of() {
    local start end
    start=$(date +%s.%N)
    (eval "$1") > /dev/null 2>&1 || true # the suites fail some tests on purpose
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

# suite NAME SOURCE TESTS [PYTEST ARGS...]
suite() {
    local name=$1 source=$SUITES/src/$2 tests=$3
    shift 3
    [ -d "$source" ] || { echo "$name: not built (make real-suites)"; return; }
    local args="" yaml_args=""
    for argument in "$@"; do
        args="$args $argument"
        yaml_args="$yaml_args${yaml_args:+, }\"$argument\""
    done
    cat > "$scratch/$name.yml" <<EOF
version: 1
baselines: baselines
defaults:
  timeout: 600s
targets:
  - name: $name
    pytest: $PWD/$source/$tests
    args: [$yaml_args]
    interpreter: $PWD/$SUITES/venv/bin/python
    cwd: $PWD/$source
EOF
    local pytest="cd $source && $PWD/$SUITES/venv/bin/python -m pytest -p no:cacheprovider -q $tests$args"
    local rows=(
        "pytest (untracked)" "$pytest"
        "pytest --memray" "$pytest --memray --memray-bin-path $scratch/bins-\$RANDOM"
        "memgate run" "cd $scratch && $MEMGATE run --config $name.yml"
    )
    if [ -n "${BASELINE_MEMGATE:-}" ]; then
        rows+=("BASELINE_MEMGATE run" "cd $scratch && $BASELINE_MEMGATE run --config $name.yml")
    fi
    group "real suite $name" "${rows[@]}"
}

suite picologging picologging-0.9.3 tests/unit
suite iterative_ensemble_smoother iterative_ensemble_smoother-1.2.0 tests/test_esmda.py -k TestOverwriteMemory
