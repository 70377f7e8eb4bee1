#!/usr/bin/env bash
# The real pytest-memray suites of `make real-suites` side by side: plain pytest, `pytest
# --memray` and `memgate run`, interleaved (each round runs every row once, in turn), best of
# $ROUNDS wall times (and, apart, the least user+system CPU time, steadier on a busy machine),
# with memgate's ratio to `pytest --memray`. The last round's JUnit files
# say whether memgate gave every test pytest-memray's verdict. Not a test: nothing here asserts
# timings.
#
#   ci/bench/pytest_suites.sh                                        # this build
#   BASELINE_MEMGATE=/path/to/older/memgate ci/bench/pytest_suites.sh   # adds a before row
#
# Every row runs with PYTHONDONTWRITEBYTECODE=1 and without pytest's cache, as memgate runs
# pytest, so no row reuses bytecode another row wrote.
set -euo pipefail
cd "$(dirname "$0")/../.."
MEMGATE=$(realpath "${MEMGATE:-.build/release/memgate}")
ROUNDS=${ROUNDS:-3}
SUITES=$PWD/.build/real-suites
PYTHON=$SUITES/venv/bin/python
[ -x "$PYTHON" ] || { echo "real suites not built: make real-suites" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export PYTHONDONTWRITEBYTECODE=1

# "wall user+system" seconds of one command (the suites fail some tests on purpose).
seconds_of() {
    local TIMEFORMAT="%R %U %S"
    { time { (eval "$1") > "$scratch/last.out" 2>&1 || true; }; } 2> "$scratch/time.txt"
    tail -1 "$scratch/time.txt" | awk '{printf "%s %.3f\n", $1, $2 + $3}'
}

# Outcome per test of a JUnit file, as "classname::name outcome" lines, sorted.
outcomes() {
    "$PYTHON" - "$1" <<'EOF'
import sys, xml.etree.ElementTree as ET
for case in ET.parse(sys.argv[1]).iter("testcase"):
    kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
    print("%s::%s %s" % (case.get("classname"), case.get("name"), kinds[0] if kinds else "passed"))
EOF
}

table_header() {
    printf "%-28s %5s %8s %14s %14s %14s" suite tests verdicts untracked "pytest --memray" "memgate run"
    [ -z "${BASELINE_MEMGATE:-}" ] || printf " %14s" "memgate before"
    printf "   %s\n" "memgate/--memray"
}
rows=()

# suite NAME SOURCE TESTS [PYTEST ARGS...]
suite() {
    local name=$1 source=$SUITES/src/$2 tests=$3
    shift 3
    [ -d "$source" ] || { echo "$name: not built (make real-suites)" >&2; return; }
    local args="" yaml_args=""
    for argument in "$@"; do
        args="$args '$argument'"
        yaml_args="$yaml_args${yaml_args:+, }\"$argument\""
    done
    cat > "$scratch/$name.yml" <<EOF
version: 1
baselines: baselines
defaults:
  timeout: 600s
targets:
  - name: $name
    pytest: $source/$tests
    args: [$yaml_args]
    interpreter: $PYTHON
    cwd: $source
EOF
    local pytest="cd $source && $PYTHON -m pytest -p no:cacheprovider -q $tests$args"
    local commands=(
        "$pytest -p no:memray"
        "$pytest --memray --memray-bin-path $scratch/bins-\$RANDOM --junitxml $scratch/memray.xml"
        "cd $scratch && $MEMGATE run --config $name.yml --junit $scratch/memgate.xml"
    )
    local labels=(untracked --memray memgate)
    if [ -n "${BASELINE_MEMGATE:-}" ]; then
        commands+=("cd $scratch && $BASELINE_MEMGATE run --config $name.yml")
        labels+=(before)
    fi
    local best=() cpu=()
    for round in $(seq "$ROUNDS"); do
        for i in "${!commands[@]}"; do
            local wall user_system
            read -r wall user_system < <(seconds_of "${commands[i]}")
            printf "  %s round %s %-10s %6.2f s wall %6.2f s cpu\n" "$name" "$round" "${labels[i]}" "$wall" "$user_system" >&2
            if [ -z "${best[i]:-}" ] || (($(echo "$wall < ${best[i]}" | bc -l))); then best[i]=$wall; fi
            if [ -z "${cpu[i]:-}" ] || (($(echo "$user_system < ${cpu[i]}" | bc -l))); then cpu[i]=$user_system; fi
        done
    done
    outcomes "$scratch/memray.xml" | sort > "$scratch/memray.txt"
    outcomes "$scratch/memgate.xml" | sort > "$scratch/memgate.txt"
    local tests verdicts
    tests=$(wc -l < "$scratch/memray.txt")
    if diff -q "$scratch/memray.txt" "$scratch/memgate.txt" > /dev/null; then verdicts=equal; else
        verdicts=DIFFER
        diff "$scratch/memray.txt" "$scratch/memgate.txt" | head -20 >&2 || true
    fi
    local row cells=""
    for i in "${!commands[@]}"; do cells+=$(printf " %6.2f (%5.2f)" "${best[i]}" "${cpu[i]}"); done
    row=$(printf "%-28s %5s %8s%s" "$name" "$tests" "$verdicts" "$cells")
    row+=$(printf "   x%.2f (x%.2f)" "$(echo "${best[2]} / ${best[1]}" | bc -l)" "$(echo "${cpu[2]} / ${cpu[1]}" | bc -l)")
    rows+=("$row")
}

suite picologging picologging-0.9.3 tests/unit
suite iterative_ensemble_smoother iterative_ensemble_smoother-1.2.0 tests/test_esmda.py -k TestOverwriteMemory
echo "best of $ROUNDS interleaved rounds: wall seconds (user+system CPU seconds)"
table_header
printf "%s\n" "${rows[@]}"
