#!/usr/bin/env bash
# `charvec audit` against `charvec info` (whole processes, wall time) in interleaved pairs on one
# file; prints each pair, the medians, the median of the per-pair ratios and the ratio of the
# medians over the pairs where the load ran in its usual time (within 1.5x of its fastest run:
# the others are the VM's slow fresh-page phases, which only the load pays for).
#
#   tools/bench-io/pairs.sh [FILE=/tmp/charvec-bench/synthetic-1m-300d.bin] [PAIRS=11]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
file=${1:-/tmp/charvec-bench/synthetic-1m-300d.bin}
pairs=${2:-11}
[ -f "$file" ] || { echo "no $file: make it with python3 $here/make-synthetic.py" >&2; exit 2; }
swift build -c release --product charvec --package-path "$root" >/dev/null
cv="$root/.build/release/charvec"
cat "$file" > /dev/null  # page cache
out=$(mktemp); t=$(mktemp); trap 'rm -f "$out" "$t"' EXIT
echo "info  audit   (seconds)"
for _ in $(seq "$pairs"); do
    /usr/bin/time -o "$t" -f "%e" "$cv" info "$file" > /dev/null 2>&1; i=$(cat "$t")
    /usr/bin/time -o "$t" -f "%e" "$cv" audit "$file" > /dev/null 2>&1 || true; a=$(cat "$t")
    echo "$i $a" | tee -a "$out"
done
python3 - "$out" <<'PY'
import statistics as st, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1])]
info, audit = [r[0] for r in rows], [r[1] for r in rows]
print("info: median %.3f s, best %.3f s; audit: median %.3f s, best %.3f s" % (st.median(info), min(info), st.median(audit), min(audit)))
print("audit / info: median of the per-pair ratios %.2fx" % st.median(r[1] / r[0] for r in rows))
usual = [r for r in rows if r[0] <= 1.5 * min(info)]
print("pairs with the load in its usual time: %d; audit / info over them: %.2fx (medians)"
      % (len(usual), st.median(r[1] for r in usual) / st.median(r[0] for r in usual)))
PY
