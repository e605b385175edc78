#!/usr/bin/env bash
# Nearest-neighbour benchmark: charvec NeighborSearch vs FAISS IndexFlatIP and gensim most_similar,
# measured in the same run on this machine. Prints a Markdown table.
#
#   tools/bench-search/run.sh            (from the package root; needs /tmp/benchenv with gensim + faiss-cpu)
#
# Environment: PY (python with gensim/faiss, default /tmp/benchenv/bin/python), SEARCH_BENCH (a built
# search-bench binary), OUT (scratch dir,
# default /tmp/search-bench), ROWS (synthetic rows, default 1000000), HNSW_ROWS (default 1000000: the build takes ~4 min).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-/tmp/benchenv/bin/python}
OUT=${OUT:-/tmp/search-bench}
ROWS=${ROWS:-1000000}
DIMS=300
HNSW_ROWS=${HNSW_ROWS:-1000000}
DATA=../shared/data/en-19k-384d.bin
mkdir -p "$OUT"
[ -f "$OUT/synth-$ROWS-$DIMS.f32" ] || "$PY" tools/bench-search/make_synthetic.py "$OUT" "$ROWS" "$DIMS" 42
BIN=${SEARCH_BENCH:-}   # an already built search-bench, or build one
if [ -z "$BIN" ]; then
    swift build -c release --product search-bench >&2
    BIN=.build/release/search-bench
fi
# One heavy job at a time (2 shared cores).
"$BIN" raw "$OUT/synth-$ROWS-$DIMS.f32" "$ROWS" "$DIMS" "$OUT/synth-queries-1000-$DIMS.f32" "$HNSW_ROWS" synth > "$OUT/swift-synth.jsonl"
"$PY" tools/bench-search/bench_python.py synth "$OUT/synth-$ROWS-$DIMS.f32" "$ROWS" "$DIMS" "$OUT/synth-queries-1000-$DIMS.f32" synth > "$OUT/python-synth.jsonl"
if [ -f "$DATA" ]; then
  "$BIN" w2v "$DATA" 19 19719 en-19k-384d > "$OUT/swift-en.jsonl"
  "$PY" tools/bench-search/bench_python.py w2v "$DATA" 19 en-19k-384d > "$OUT/python-en.jsonl"
fi
"$PY" tools/bench-search/report.py "$OUT"/swift-*.jsonl "$OUT"/python-*.jsonl
