#!/usr/bin/env bash
# Throughput of the neural core against PyTorch, same model, same words, same run.
#
#   tools/bench-neural/run.sh [seconds-per-run=10] [repeats=3]
#
# For each model (hidden 50 and 256), batch (64, 256) and thread count (1, 2) it runs, one at
# a time and interleaved: charvec with OpenBLAS threads ("blas"), charvec splitting the batch
# across threads ("split") or running the two directions on two threads ("directions"), both
# with single-threaded OpenBLAS and 2 threads only, and the reference peer mimick_ref.py --bench. Prints a Markdown table of medians; raw JSON lines go to
# $OUT (default /tmp/charvec-bench-neural.jsonl).
# Env: TORCH_VENV (default /tmp/torchenv; created with pip if missing), DATA, REF, WAIT_QUIET,
# HIDDEN_SIZES / BATCHES / THREAD_COUNTS (space-separated) to run a subset, KEEP_CORETYPE=1,
# NEURAL_BENCH (a built neural-bench binary).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUN_SECONDS=${1:-10}
REPEATS=${2:-3}
VENV=${TORCH_VENV:-/tmp/torchenv}
SHARED=${SHARED:-$ROOT/../shared}
DATA=${DATA:-$SHARED/data/en-19k-384d.vec.gz}
REF=${REF:-$SHARED/reference/mimick_ref.py}
OUT=${OUT:-/tmp/charvec-bench-neural.jsonl}
WORDS=/tmp/charvec-bench-words.txt
# OpenBLAS picks its kernels from the CPU unless OPENBLAS_CORETYPE is set. Some shells pin it
# (e.g. to Haswell: AVX2 only), while PyTorch (MKL, oneDNN) uses AVX-512 regardless.
# Clear it so both sides run the CPU's own kernels; KEEP_CORETYPE=1 keeps the caller's value.
[ "${KEEP_CORETYPE:-0}" = 1 ] || unset OPENBLAS_CORETYPE

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import torch' 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet torch numpy
fi
BENCH=${NEURAL_BENCH:-}   # an already built neural-bench, or build one
if [ -z "$BENCH" ]; then
    (cd "$ROOT" && swift build -c release --product neural-bench >&2)
    BENCH="$ROOT/.build/release/neural-bench"
fi
"$VENV/bin/python" "$ROOT/tools/bench-neural/export_words.py" "$DATA" "$WORDS" "$(dirname "$REF")"
: > "$OUT"

# The machine is shared: before each run, wait (at most $WAIT_QUIET s) until other processes
# use less than 0.3 core over one second. Each JSON line records the contention it saw anyway.
WAIT_QUIET=${WAIT_QUIET:-90}
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
wait_quiet() {
    local waited=0 a b
    while [ "$waited" -lt "$WAIT_QUIET" ]; do
        a=$(busy); sleep 1; b=$(busy)
        [ $((b - a)) -lt 30 ] && return 0   # < 0.3 core of 100 ticks/s
        waited=$((waited + 1))
    done
}

for repeat in $(seq "$REPEATS"); do
    for hidden in ${HIDDEN_SIZES:-50 256}; do
        for batch in ${BATCHES:-64 256}; do
            for threads in ${THREAD_COUNTS:-1 2}; do
                wait_quiet
                "$BENCH" --words "$WORDS" --hidden "$hidden" --batch "$batch" --threads "$threads" \
                    --seconds "$RUN_SECONDS" >> "$OUT"
                if [ "$threads" -gt 1 ]; then
                    for mode in --split --directions; do
                        wait_quiet
                        "$BENCH" --words "$WORDS" --hidden "$hidden" --batch "$batch" --threads "$threads" $mode \
                            --seconds "$RUN_SECONDS" >> "$OUT"
                    done
                fi
                wait_quiet
                "$VENV/bin/python" "$REF" --train "$DATA" --bench "$RUN_SECONDS" --batch "$batch" \
                    --hidden "$hidden" --threads "$threads" 2>/dev/null | sed 's/^{/{"impl": "pytorch", /' >> "$OUT"
                echo "repeat $repeat hidden $hidden batch $batch threads $threads done" >&2
            done
        done
    done
done
"$VENV/bin/python" "$ROOT/tools/bench-neural/summarize.py" "$OUT"
echo
echo "Only runs during which other processes used < 0.25 core:"
"$VENV/bin/python" "$ROOT/tools/bench-neural/summarize.py" "$OUT" 0.25
