#!/usr/bin/env bash
# Peak memory of loading a ~2 GB word2vec text file, as a multiple of the float32 matrix it fills.
# See docs/memory.md for the figures.
#
#   tools/bench-io/memory-2gb.sh [DIR]        DIR defaults to /tmp/charvec-mem (files are kept for reruns)
#
# Makes DIR/synthetic-600k-300d.bin with make-synthetic.py (numpy; 600,000 × 300, ~0.7 GB), converts it
# to word2vec text with `charvec convert` (~2 GB), then runs `charvec info` on the text under
# /usr/bin/time -v and prints the peak resident set size, the matrix size (rows × dim × 4 bytes) and
# their ratio. ROWS and DIM change the shape; CHARVEC=path uses that binary instead of building one.
# Needs ~3 GB of disk in DIR and ~1 GB of free memory.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-/tmp/charvec-mem}
rows=${ROWS:-600000}
dim=${DIM:-300}
cv=${CHARVEC:-}
if [ -z "$cv" ]; then
    swift build -c release --package-path "$root" --product charvec >/dev/null
    cv=$root/.build/release/charvec
fi
mkdir -p "$dir"
base=$dir/synthetic-$((rows / 1000))k-${dim}d
if [ ! -s "$base.vec" ]; then
    [ -s "$base.bin" ] || python3 "$root/tools/bench-io/make-synthetic.py" "$base.bin" --rows "$rows" --dim "$dim"
    "$cv" convert "$base.bin" "$base.vec" --to text
fi
/usr/bin/time -v "$cv" info "$base.vec" >"$dir/info.txt" 2>"$dir/time.txt"
peak_kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$dir/time.txt")
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$dir/time.txt")
file_bytes=$(stat -c %s "$base.vec")
matrix_bytes=$((rows * dim * 4))
awk -v f="$file_bytes" -v m="$matrix_bytes" -v p="$peak_kib" -v w="$wall" -v path="$base.vec" 'BEGIN {
    printf "file:       %s (%.2f GB, word2vec text)\n", path, f / 1e9
    printf "matrix:     %.1f MB (rows x dim x 4 bytes)\n", m / 1e6
    printf "peak RSS:   %.1f MB (/usr/bin/time -v, charvec info, %s wall)\n", p * 1024 / 1e6, w
    printf "peak / matrix = %.3f (target <= 1.15)\n", p * 1024 / m
}'
