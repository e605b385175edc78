#!/usr/bin/env bash
# The floor under "binary load within 3x of cat": interleaved rounds of `cat FILE >/dev/null`,
# a loader that only copies the file into fresh memory (minimal_loader.c, transparent huge pages
# as charvec asks for) and `charvec info FILE` (its own load time), then the copy-only loader
# with 4 KB pages. Prints each round, the medians and the per-round ratios to cat.
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
# Huge pages first, interleaved with cat and charvec; the 4 KB-page loader runs afterwards in its
# own pass, because freeing 1.2 GB of small pages leaves memory fragmented for the next huge-page
# allocation (which then compacts or falls back).
echo "cat  minimal(huge pages)  charvec-info   (seconds)"
for _ in $(seq "$rounds"); do
    t0=$(date +%s.%N); cat "$file" > /dev/null; t1=$(date +%s.%N)
    c=$(echo "$t1 - $t0" | bc)
    h=$("$loader" "$file" 1 || true)
    v=$("$root/.build/release/charvec" info "$file" | awk '/load time/ {print $3}')
    echo "$c $h $v" | tee -a "$out"
done
small=$(for _ in $(seq "$rounds"); do "$loader" "$file" 0 || true; done | tr '\n' ' ')
echo "minimal(4 KB pages): $small"
python3 - "$out" "$small" <<'PY'
import statistics as st, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1])]
cat = st.median(r[0] for r in rows)
print("cat: median %.3f s" % cat)
for j, name in [(1, "minimal loader, huge pages"), (2, "charvec info")]:
    ratios = sorted(r[j] / r[0] for r in rows)
    print("%s: median %.3f s, best %.3f s; ratio to cat: median %.1fx, range %.1f-%.1fx"
          % (name, st.median(r[j] for r in rows), min(r[j] for r in rows), st.median(ratios), ratios[0], ratios[-1]))
small = sorted(map(float, sys.argv[2].split()))
print("minimal loader, 4 KB pages: median %.3f s, best %.3f s (%.1fx the median cat)" % (st.median(small), small[0], st.median(small) / cat))
PY
