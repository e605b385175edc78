#!/usr/bin/env python3
"""Loading benchmark: `charvec info` against gensim 4.4 `load_word2vec_format`, `cat` and zlib.

    python3 tools/bench-io/run.py [--data /tmp/charvec-bench] [--runs 3] [--gensim-runs 1] [--python PY]

Builds charvec in release mode, makes the synthetic 1M x 300 files if missing (binary with
make-synthetic.py, then text and gzip variants with `charvec convert`), and times, in the
same run, each reader on each file: median wall seconds over the runs, peak RSS. Prints a
Markdown table with the ratios. gensim needs a venv: python3 -m venv /tmp/benchenv &&
/tmp/benchenv/bin/pip install gensim==4.4.0
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
p = argparse.ArgumentParser()
p.add_argument("--data", default="/tmp/charvec-bench")
p.add_argument("--runs", type=int, default=3)
p.add_argument("--gensim-runs", type=int, default=1)
p.add_argument("--python", default="/tmp/benchenv/bin/python")
p.add_argument("--only", default="", help="comma-separated file labels to run")
a = p.parse_args()

subprocess.run(["swift", "build", "-c", "release", "--product", "charvec"], cwd=root, check=True,
               stdout=subprocess.DEVNULL)
# Benchmark a copy, so that rebuilding during a long run cannot swap the binary under it.
cv = os.path.join(tempfile.mkdtemp(prefix="charvec-bench-bin-"), "charvec")
shutil.copy2(os.path.join(root, ".build/release/charvec"), cv)
os.makedirs(a.data, exist_ok=True)
here = os.path.dirname(os.path.abspath(__file__))
syn = os.path.join(a.data, "synthetic-1m-300d")
if not os.path.exists(syn + ".bin"):
    subprocess.run([a.python, os.path.join(here, "make-synthetic.py"), syn + ".bin"], check=True)
for target, extra in [(syn + ".vec", ["--to", "text"]), (syn + ".bin.gz", ["--to", "binary", "--gzip"]),
                      (syn + ".vec.gz", ["--to", "text", "--gzip"])]:
    if not os.path.exists(target):
        subprocess.run([cv, "convert", syn + ".bin", target] + extra, check=True)

shared = os.path.join(os.path.dirname(root), "shared", "data")
files = [("synthetic 1M×300 binary", syn + ".bin", "binary", 1_000_000 * 300),
         ("synthetic 1M×300 binary .gz", syn + ".bin.gz", "binary", 1_000_000 * 300),
         ("synthetic 1M×300 text", syn + ".vec", "text", 1_000_000 * 300),
         ("synthetic 1M×300 text .gz", syn + ".vec.gz", "text", 1_000_000 * 300)]
if os.path.exists(shared):
    files += [("en-19k-384d binary", os.path.join(shared, "en-19k-384d.bin"), "binary", 19719 * 384),
              ("en-19k-384d text .gz", os.path.join(shared, "en-19k-384d.vec.gz"), "text", 19719 * 384)]
if a.only:
    keep = a.only.split(",")
    files = [f for f in files if any(k in f[0] for k in keep)]


def measure(cmd, runs):
    """Median wall seconds and max peak RSS (KiB) of `cmd` over `runs` runs (after one warm-up read)."""
    walls, rss = [], []
    with tempfile.NamedTemporaryFile("r") as out:
        for _ in range(runs):
            # `charvec audit` exits 1 when it finds errors; the time is what matters here.
            start = time.perf_counter()  # /usr/bin/time's wall clock has only 10 ms resolution
            subprocess.run(["/usr/bin/time", "-o", out.name, "-f", "%M"] + cmd, check=False,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            walls.append(time.perf_counter() - start)
            rss.append(int(open(out.name).read().split()[-1]))
    return statistics.median(walls), max(rss), walls


rows = []
for label, path, kind, floats in files:
    subprocess.run(["cat", path], stdout=subprocess.DEVNULL, check=True)  # warm the page cache
    cat, _, _ = measure(["cat", path], a.runs)
    ours, ours_rss, ours_all = measure([cv, "info", path], a.runs)
    audit, _, _ = measure([cv, "audit", path], a.runs)
    gensim, gensim_rss, _ = measure([a.python, os.path.join(here, "gensim_load.py"), path, kind], a.gensim_runs)
    inflate = None
    if path.endswith(".gz"):
        inflate, _, _ = measure([a.python, os.path.join(here, "zlib_inflate.py"), path], a.runs)
    matrix_kib = floats * 4 / 1024
    rows.append((label, os.path.getsize(path), ours, gensim, cat, inflate, ours_rss / matrix_kib, gensim_rss / matrix_kib, audit))
    print(f"{label}: charvec {ours:.4f}s {[round(w, 4) for w in ours_all]} audit {audit:.3f}s gensim {gensim:.3f}s cat {cat:.3f}s "
          f"inflate {inflate} rss {ours_rss} KiB", file=sys.stderr, flush=True)

print("| file | size | charvec info | gensim 4.4 | gensim ÷ charvec | charvec ÷ cat | charvec ÷ zlib inflate | peak RSS ÷ matrix (charvec / gensim) | audit | audit ÷ info |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for label, size, ours, gensim, cat, inflate, r1, r2, audit in rows:
    inf = f"{ours / inflate:.2f}×" if inflate else "–"
    print(f"| {label} | {size / 1e6:,.0f} MB | {ours:.3f} s | {gensim:.2f} s | **{gensim / ours:.1f}×** | "
          f"{ours / cat:.1f}× | {inf} | {r1:.2f} / {r2:.2f} | {audit:.3f} s | {audit / ours:.2f}× |")
