#!/usr/bin/env bash
# The floor under "binary load within 3x of cat": interleaved rounds of `cat FILE >/dev/null`,
# a loader that only copies the file into fresh memory (minimal_loader.c, with and without
# transparent huge pages) and `charvec info FILE` (its own load time). Prints each round and
# the medians and per-round ratios to cat.
#
#   tools/bench-io/floor.sh [FILE=/tmp/charvec-bench/synthetic-1m-300d.bin] [ROUNDS=9]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
file=${1:-/tmp/charvec-bench/synthetic-1m-300d.bin}
rounds=${2:-9}
[ -f "$file" ] || { echo "no $file: make it with python3 $here/make-synthetic.py" >&2; exit 2; }
swift build -c release --product charvec --package-path "$root" >/dev/null
loader=$(mktemp /tmp/charvec-minimal-loader.XXXXXX)
trap 'rm -f "$loader"' EXIT
cc -O2 -pthread "$here/minimal_loader.c" -o "$loader"
cat "$file" > /dev/null  # page cache
out=$(mktemp); trap 'rm -f "$loader" "$out"' EXIT
echo "cat  minimal(THP)  minimal(4K)  charvec-info   (seconds)"
for _ in $(seq "$rounds"); do
    t0=$(date +%s.%N); cat "$file" > /dev/null; t1=$(date +%s.%N)
    c=$(echo "$t1 - $t0" | bc)
    h=$("$loader" "$file" 1 || true); p=$("$loader" "$file" 0 || true)
    v=$("$root/.build/release/charvec" info "$file" | awk '/load time/ {print $3}')
    echo "$c $h $p $v" | tee -a "$out"
done
python3 - "$out" <<'PY'
import statistics as st, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1])]
print("cat: median %.3f s" % st.median(r[0] for r in rows))
for j, name in [(1, "minimal loader, huge pages"), (2, "minimal loader, 4 KB pages"), (3, "charvec info")]:
    ratios = sorted(r[j] / r[0] for r in rows)
    print("%s: median %.3f s, ratio to cat: median %.1fx, range %.1f-%.1fx"
          % (name, st.median(r[j] for r in rows), st.median(ratios), ratios[0], ratios[-1]))
PY
