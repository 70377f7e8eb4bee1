#!/usr/bin/env bash
# make bench: memgate beside memray and heaptrack, measured in one run, printed as one Markdown
# table and written to $BENCH_DOC (docs/benchmarks.md) with the machine it ran on. Not a test:
# nothing here asserts timings.
#
# Timed rows are the median of $REPEATS interleaved rounds: each round runs every command of a
# workload once, in turn, so load that comes and goes hits them alike. Each row gives its ratio
# to the workload's untracked run and to the fastest (or smallest) comparator.
#
#   make bench                                  # full scale, REPEATS=3
#   REPEATS=1 PYTHON_ROUNDS=4 NATIVE_PAIRS=1000000 THREAD_PAIRS=400000 BENCH_DOC=/tmp/b.md make bench
#   BASELINE_TRACKER=/path/to/older/libmemgate_tracker.so make bench   # adds that tracker's rows
#   MEMRAY_TUTORIAL=/path/to/memray/docs/tutorials make bench          # suite row: memray's tutorial
#
# The suite row runs memray's tutorial tests when MEMRAY_TUTORIAL names them (they are in
# memray's git repository only: its PyPI sdists carry no docs/), else picologging 0.9.3's
# tests/unit, a published pytest-memray suite that `make real-suites` builds from PyPI.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
MEMGATE=$ROOT/.build/release/memgate
REPEATS=${REPEATS:-3}
# python_churn.py makes about 89 400 allocations a round: 67 rounds are 6 M.
PYTHON_ROUNDS=${PYTHON_ROUNDS:-67}
NATIVE_PAIRS=${NATIVE_PAIRS:-20000000}
THREAD_PAIRS=${THREAD_PAIRS:-8000000}
BENCH_VENV=${BENCH_VENV:-.build/bench/venv}
PYTHON=$ROOT/$BENCH_VENV/bin/python
MEMRAY=$ROOT/$BENCH_VENV/bin/memray
SUITES=$ROOT/.build/real-suites
BENCH_DOC=${BENCH_DOC:-docs/benchmarks.md}
FIXTURES=$ROOT/.build/fixtures
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
started=$(date -u '+%Y-%m-%d %H:%M UTC')
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)

for tool in "$MEMGATE" "$PYTHON" "$MEMRAY" "$(command -v heaptrack || echo heaptrack)" "$FIXTURES/deep_churn_threads"; do
    [ -x "$tool" ] || { echo "bench: $tool is missing (make bench-deps release fixtures)" >&2; exit 3; }
done

# --- measuring -------------------------------------------------------------------------------

# A workload is a list of entries "kind|label|command": kind is base (the untracked run the
# entries after it are divided by), comparator, or memgate. Commands are shell strings built
# with quote(), so paths with spaces survive.
quote() { printf '%q ' "$@"; }

# interleave WORKLOAD ALLOWED_EXIT_CODES ENTRY...: runs the commands $REPEATS rounds, and
# appends "workload|kind|label|median seconds|base seconds" lines to $scratch/rows.
interleave() {
    local workload=$1 allowed=$2
    shift 2
    local entries=("$@") times=() i round
    for round in $(seq "$REPEATS"); do
        for i in "${!entries[@]}"; do
            local command=${entries[i]#*|}
            command=${command#*|}
            local start end status=0
            start=$(date +%s.%N)
            (eval "$command") > "$scratch/last.log" 2>&1 || status=$?
            end=$(date +%s.%N)
            if [[ " $allowed " != *" $status "* ]]; then
                echo "bench: exit $status from: $command" >&2
                tail -20 "$scratch/last.log" >&2
                exit 3
            fi
            times[i]="${times[i]:-} $(echo "$end - $start" | bc -l)"
        done
        echo "  $workload: round $round of $REPEATS done" >&2
    done
    local base=""
    for i in "${!entries[@]}"; do
        local kind=${entries[i]%%|*} rest=${entries[i]#*|}
        local label=${rest%%|*} median
        median=$(echo "${times[i]}" | tr ' ' '\n' | grep . | sort -g |
            awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}')
        [ "$kind" != base ] || base=$median
        echo "$workload|$kind|$label|$median|$base" >> "$scratch/rows"
    done
}

# memgate's rows, and with BASELINE_TRACKER the same run with that tracker (run first in each
# round, writing elsewhere, so the captures whose sizes are printed are this tracker's).
memgate_entries() {
    local label=$1 capture=$2
    shift 2
    if [ -n "${BASELINE_TRACKER:-}" ]; then
        echo "memgate|$label, BASELINE_TRACKER|$(quote env MEMGATE_TRACKER="$BASELINE_TRACKER" "$MEMGATE" record \
            -o "$capture.baseline" -- "$@")"
    fi
    echo "memgate|$label|$(quote "$MEMGATE" record -o "$capture" -- "$@")"
}

# Total bytes of a capture and the region captures beside it (PATH, PATH.1, ...).
capture_bytes() { { cat "$1" "$1".[0-9]* 2> /dev/null || true; } | wc -c; }
allocation_count() {
    "$MEMGATE" report "$1" --json - | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["allocationCount"])'
}
millions() { echo "$1" | awk '{printf "%.2f M", $1 / 1e6}'; }

# Python churn: the same interpreter untracked, under memray and under memgate.
churn=("$ROOT/ci/bench/python_churn.py" "$PYTHON_ROUNDS")
mapfile -t python_entries < <(
    echo "base|untracked (pymalloc)|$(quote "$PYTHON" "${churn[@]}")"
    echo "comparator|memray run|$(quote "$MEMRAY" run -q -f -o "$scratch/memray.bin" "${churn[@]}")"
    echo "comparator|memray run --trace-python-allocators|$(quote "$MEMRAY" run -q -f --trace-python-allocators \
        -o "$scratch/memray-exact.bin" "${churn[@]}")"
    memgate_entries "memgate record" "$scratch/python.mgc" "$PYTHON" "${churn[@]}")
interleave python 0 "${python_entries[@]}"
python_allocations=$(allocation_count "$scratch/python.mgc")

# Native churn at the bottom of a 12-deep chain. heaptrack appends .zst to its -o path.
mapfile -t native_entries < <(
    echo "base|untracked|$(quote "$FIXTURES/deep_churn" "$NATIVE_PAIRS")"
    echo "comparator|heaptrack|$(quote heaptrack -o "$scratch/heaptrack-native" "$FIXTURES/deep_churn" "$NATIVE_PAIRS")"
    memgate_entries "memgate record" "$scratch/native.mgc" "$FIXTURES/deep_churn" "$NATIVE_PAIRS")
interleave native 0 "${native_entries[@]}"
native_allocations=$("$FIXTURES/deep_churn" "$NATIVE_PAIRS" | awk '{print $2}')

# The same churn on 2 threads, then the same count on 1 thread for memgate's own ratio.
mapfile -t thread_entries < <(
    echo "base|untracked|$(quote "$FIXTURES/deep_churn_threads" 2 "$THREAD_PAIRS")"
    echo "comparator|heaptrack|$(quote heaptrack -o "$scratch/heaptrack-threads" "$FIXTURES/deep_churn_threads" 2 \
        "$THREAD_PAIRS")"
    memgate_entries "memgate record" "$scratch/threads.mgc" "$FIXTURES/deep_churn_threads" 2 "$THREAD_PAIRS"
    echo "base|untracked, 1 thread|$(quote "$FIXTURES/deep_churn_threads" 1 "$THREAD_PAIRS")"
    memgate_entries "memgate record, 1 thread" "$scratch/thread.mgc" "$FIXTURES/deep_churn_threads" 1 "$THREAD_PAIRS")
interleave threads 0 "${thread_entries[@]}"

# A whole pytest suite: untracked, pytest --memray, memgate run (exit 1: tests fail on purpose).
# pytest-memray tracks marked tests even without --memray, so the untracked run disables it.
if [ -n "${MEMRAY_TUTORIAL:-}" ]; then
    suite_name="memray's tutorial tests (tests/, whole)"
    suite_dir=$(realpath "$MEMRAY_TUTORIAL") suite_tests=tests
    suite_source="memray's docs/tutorials/tests, from MEMRAY_TUTORIAL ($MEMRAY_TUTORIAL)"
else
    suite_name="picologging 0.9.3 tests/unit (whole)"
    suite_dir=$SUITES/src/picologging-0.9.3 suite_tests=tests/unit
    suite_source="picologging 0.9.3's tests/unit from its PyPI sdist (\`make real-suites\`); memray's tutorial tests"
    suite_source="$suite_source are not in memray's sdists: set MEMRAY_TUTORIAL to a checkout's docs/tutorials to run them"
fi
suite_python=$SUITES/venv/bin/python
[ -d "$suite_dir/$suite_tests" ] && [ -x "$suite_python" ] ||
    { echo "bench: $suite_dir/$suite_tests or $suite_python is missing (make real-suites)" >&2; exit 3; }
mkdir -p "$scratch/suite"
cat > "$scratch/suite/memgate.yml" << YAML
version: 1
baselines: baselines
defaults:
  timeout: 900s
targets:
  - name: suite
    pytest: "$suite_dir/$suite_tests"
    interpreter: "$suite_python"
    cwd: "$suite_dir"
YAML
pytest_command=$(quote cd "$suite_dir")"&& $(quote "$suite_python" -m pytest -p no:cacheprovider -q "$suite_tests")"
suite_entries=(
    "base|pytest -p no:memray (untracked)|$pytest_command -p no:memray"
    "comparator|pytest --memray|$pytest_command --memray"
    "memgate|memgate run|$(quote cd "$scratch/suite")&& $(quote "$MEMGATE" run --config memgate.yml)")
if [ -n "${BASELINE_TRACKER:-}" ]; then
    suite_entries+=("memgate|memgate run, BASELINE_TRACKER|$(quote cd "$scratch/suite")&& $(quote env \
        MEMGATE_TRACKER="$BASELINE_TRACKER" "$MEMGATE" run --config memgate.yml --artifacts baseline-artifacts)")
fi
interleave suite "0 1" "${suite_entries[@]}"

# Extra address space: each program prints its own VmPeak (KiB). The median of $REPEATS runs, as
# a helper thread's first malloc (a 64 MiB glibc arena) may or may not come before the print.
vm_peak() {
    local runs=""
    for _ in $(seq "$REPEATS"); do
        runs="$runs $({ (eval "$1") 2>&1 || true; } | sed -n 's/.*vm_peak_kib=\([0-9]*\).*/\1/p' | tail -1)"
    done
    echo "$runs" | tr ' ' '\n' | grep . | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'
}
c_program=$FIXTURES/address_space
py_program=$ROOT/Tests/Fixtures/Python/address_space.py
c_alone=$(vm_peak "$(quote "$c_program")")
c_memgate=$(vm_peak "$(quote "$MEMGATE" record -o "$scratch/vm-c.mgc" -- "$c_program")")
c_heaptrack=$(vm_peak "$(quote heaptrack -o "$scratch/vm-c-heaptrack" "$c_program")")
py_alone=$(vm_peak "$(quote "$PYTHON" "$py_program")")
py_memgate=$(vm_peak "$(quote "$MEMGATE" record -o "$scratch/vm-py.mgc" -- "$PYTHON" "$py_program")")
py_memray=$(vm_peak "$(quote "$MEMRAY" run -q -f -o "$scratch/vm-py.bin" "$py_program")")
for figure in "$c_alone" "$c_memgate" "$c_heaptrack" "$py_alone" "$py_memgate" "$py_memray"; do
    [ -n "$figure" ] || { echo "bench: an address_space run printed no vm_peak_kib" >&2; exit 3; }
done

# Capture sizes: memgate's at twice the allocations must stay flat.
"$MEMGATE" record -o "$scratch/native-double.mgc" -- "$FIXTURES/deep_churn" $((NATIVE_PAIRS * 2)) > /dev/null 2>&1
double_allocations=$(allocation_count "$scratch/native-double.mgc.1")

# --- the table -------------------------------------------------------------------------------

# Two decimals, or two significant digits below 0.1 (a capture a thousandth of another's).
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {if (b <= 0) print "—"; else if (a / b < 0.1) printf "×%.2g", a / b; else printf "×%.2f", a / b}'
}
mib() { awk -v k="$1" 'BEGIN {printf "%+.1f MiB", k / 1024}'; }
size() { awk -v b="$1" 'BEGIN {if (b >= 1048576) printf "%.1f MiB", b / 1048576; else printf "%.1f KiB", b / 1024}'; }
workload_title() {
    case $1 in
        python) echo "Python churn, $(millions "$python_allocations") allocations (${PYTHON_ROUNDS} rounds)" ;;
        native) echo "native churn, $(millions "$native_allocations") malloc/free, 12-deep stacks" ;;
        threads) echo "the same churn on 2 threads, $(millions "$THREAD_PAIRS") allocations in all" ;;
        suite) echo "$suite_name" ;;
    esac
}

table="$scratch/table.md"
{
    echo "| workload | run | result | × untracked | × best comparator |"
    echo "|---|---|---:|---:|---:|"
    for workload in python native threads suite; do
        # The best comparator is the fastest comparator measured against the workload's first base.
        best=$(awk -F'|' -v w="$workload" '$1 == w && $2 == "comparator" {if (b == "" || $4 < b) b = $4} END {print b}' \
            "$scratch/rows")
        title=$(workload_title "$workload")
        bases=0
        while IFS='|' read -r _ kind label seconds base; do
            [ "$kind" != base ] || bases=$((bases + 1))
            against="—"
            if [ "$kind" != base ] && [ "$bases" = 1 ]; then against=$(ratio "$seconds" "$best"); fi
            printf '| %s | %s | %.2f s | %s | %s |\n' "$title" "$label" "$seconds" "$(ratio "$seconds" "$base")" "$against"
            title=""
        done < <(awk -F'|' -v w="$workload" '$1 == w' "$scratch/rows")
    done
    echo "| extra address space (VmPeak), C | untracked | $(size $((c_alone * 1024))) | — | — |"
    echo "| | heaptrack | $(mib $((c_heaptrack - c_alone))) | $(ratio "$c_heaptrack" "$c_alone") | ×1.00 |"
    echo "| | memgate record | $(mib $((c_memgate - c_alone))) | $(ratio "$c_memgate" "$c_alone") |" \
        "$(ratio $((c_memgate - c_alone)) $((c_heaptrack - c_alone))) |"
    echo "| extra address space (VmPeak), Python | untracked | $(size $((py_alone * 1024))) | — | — |"
    echo "| | memray run | $(mib $((py_memray - py_alone))) | $(ratio "$py_memray" "$py_alone") | ×1.00 |"
    echo "| | memgate record | $(mib $((py_memgate - py_alone))) | $(ratio "$py_memgate" "$py_alone") |" \
        "$(ratio $((py_memgate - py_alone)) $((py_memray - py_alone))) |"
    native_size=$(capture_bytes "$scratch/native.mgc") double_size=$(capture_bytes "$scratch/native-double.mgc")
    heaptrack_size=$(capture_bytes "$scratch/heaptrack-native.zst")
    echo "| capture size, native churn | heaptrack, $(millions "$native_allocations") | $(size "$heaptrack_size") | — | ×1.00 |"
    echo "| | memgate, $(millions "$native_allocations") | $(size "$native_size") | — | $(ratio "$native_size" "$heaptrack_size") |"
    echo "| | memgate, $(millions "$double_allocations") | $(size "$double_size") | — |" \
        "$(ratio "$double_size" "$heaptrack_size") |"
    memray_size=$(capture_bytes "$scratch/memray.bin") exact_size=$(capture_bytes "$scratch/memray-exact.bin")
    python_size=$(capture_bytes "$scratch/python.mgc")
    smallest=$((memray_size < exact_size ? memray_size : exact_size))
    echo "| capture size, Python churn ($(millions "$python_allocations")) | memray run | $(size "$memray_size") | — |" \
        "$(ratio "$memray_size" "$smallest") |"
    echo "| | memray run --trace-python-allocators | $(size "$exact_size") | — | $(ratio "$exact_size" "$smallest") |"
    echo "| | memgate record | $(size "$python_size") | — | $(ratio "$python_size" "$smallest") |"
} > "$table"

echo
cat "$table"
single=$(awk -F'|' '$1 == "threads" && $3 == "memgate record, 1 thread" {print $4 / $5}' "$scratch/rows")
double=$(awk -F'|' '$1 == "threads" && $3 == "memgate record" {print $4 / $5}' "$scratch/rows")
echo
echo "memgate on 2 threads: ×$(printf %.2f "$double") of untracked, $(ratio "$double" "$single") its own 1-thread ratio (×$(printf %.2f "$single"))"

# --- the document ----------------------------------------------------------------------------

first_line() { "$@" 2>&1 | head -1; }
{
    echo "# Benchmarks"
    echo
    echo "Written by \`make bench\` (\`ci/bench/run.sh\`); rerun it to refresh this file. Timed rows are the"
    echo "median of $REPEATS interleaved rounds (REPEATS=$REPEATS): each round runs every command of a workload once,"
    echo "in turn. \"× untracked\" divides by the workload's untracked run (the 1-thread rows by the"
    echo "1-thread untracked run); \"× best comparator\" by the fastest memray or heaptrack run of the"
    echo "workload, or for sizes by the smallest comparator's. Address space is VmPeak as the program"
    echo "prints it, tracked minus untracked; capture sizes include every file a run writes."
    echo
    cat "$table"
    echo
    echo "memgate on 2 threads: ×$(printf %.2f "$double") of untracked, against ×$(printf %.2f "$single") on 1 thread for the same count."
    echo
    echo "What the runs see: memray's default run records pymalloc's arenas, not each object;"
    echo "\`--trace-python-allocators\` and memgate count every object at its requested size. heaptrack and"
    echo "memgate record every malloc with its native stack. pytest-memray tracks marked tests even"
    echo "without \`--memray\`, so the untracked suite run passes \`-p no:memray\`. The suite: $suite_source."
    echo
    echo "## Machine"
    echo
    load_at_end=$(cut -d' ' -f1-3 /proc/loadavg)
    if awk -v a="${load_at_start%% *}" -v b="${load_at_end%% *}" -v n="$(nproc)" 'BEGIN {exit !(a > n || b > n)}'; then
        echo "**Busy machine:** its load average exceeded its $(nproc) cores, so other work shared the CPUs"
        echo "and the timings are noisy; rerun \`make bench\` on a quiet machine before reading them closely."
        echo
    fi
    echo "- date: $started (load average at start: $load_at_start, at end: $load_at_end)"
    echo "- CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) cores"
    echo "- kernel: $(uname -sr)"
    echo "- Python: $(first_line "$PYTHON" --version); memray $(first_line "$MEMRAY" --version | awk '{print $NF}')," \
        "pytest-memray $("$suite_python" -c 'import importlib.metadata as m; print(m.version("pytest-memray"))')"
    echo "- heaptrack: $(first_line heaptrack --version)"
    echo "- compilers: $(first_line "${CC:-cc}" --version); $(first_line swift --version)"
    echo "- memgate: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources || echo ', with uncommitted changes to Sources')"
    echo "- scale: PYTHON_ROUNDS=$PYTHON_ROUNDS NATIVE_PAIRS=$NATIVE_PAIRS THREAD_PAIRS=$THREAD_PAIRS${BASELINE_TRACKER:+ BASELINE_TRACKER=$BASELINE_TRACKER}"
} > "$scratch/doc.md"
mkdir -p "$(dirname "$BENCH_DOC")"
mv "$scratch/doc.md" "$BENCH_DOC"
echo "bench: wrote $BENCH_DOC"
