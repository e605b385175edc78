#!/usr/bin/env python3
"""Markdown table of medians from run.sh's JSON lines (charvec and PyTorch, same run)."""
import json
import statistics
import sys
from collections import defaultdict

QUIET = float(sys.argv[2]) if len(sys.argv) > 2 else None  # keep runs with less other-process CPU
runs = defaultdict(list)
for line in open(sys.argv[1]):
    line = line.strip()
    if not line.startswith("{"):
        continue
    r = json.loads(line)
    if QUIET is not None and r.get("other_procs_cpu_util", 0) > QUIET:
        continue
    key = (r["hidden"], r["batch"], r["threads"], r["impl"], r.get("mode", "-"))
    runs[key].append(r)

def med(key, field):
    vals = [r[field] for r in runs.get(key, []) if field in r]
    return statistics.median(vals) if vals else None

MODES = ["blas", "split", "directions"]
print("| model | batch | threads | PyTorch words/s | charvec words/s: OpenBLAS threads | split batch | directions "
      "| ratio (best charvec / PyTorch) | charvec GFLOP/s | PyTorch GFLOP/s | other processes' CPU (cores) | runs (PyTorch) |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for hidden, batch, threads in sorted({k[:3] for k in runs}):
    torch = med((hidden, batch, threads, "pytorch", "-"), "words_per_sec")
    ours = {m: med((hidden, batch, threads, "charvec", m), "words_per_sec") for m in MODES}
    present = {m: v for m, v in ours.items() if v is not None}
    if not present:
        continue
    best_mode = max(present, key=present.get)
    best = present[best_mode]
    fpw = med((hidden, batch, threads, "charvec", best_mode), "flops_per_word")
    others = [r.get("other_procs_cpu_util") for k, rs in runs.items() if k[:3] == (hidden, batch, threads) for r in rs]
    others = [o for o in others if o is not None]
    n = len(runs.get((hidden, batch, threads, "pytorch", "-"), []))
    model = "default (H=50)" if hidden == 50 else f"large (H={hidden})"
    fmt = lambda x: f"{x:,.0f}" if x else "—"
    ratio = f"{best / torch:.2f}× ({best_mode})" if torch else "—"
    tgf = f"{torch * fpw / 1e9:.1f}" if torch else "—"
    print(f"| {model} | {batch} | {threads} | {fmt(torch)} | " + " | ".join(fmt(ours[m]) for m in MODES)
          + f" | {ratio} | {best * fpw / 1e9:.1f} | {tgf} | {statistics.median(others):.2f} | {n} |")

# Per-repeat ratios: in repeat i, the best charvec mode's i-th run against PyTorch's i-th run
# (run.sh runs them back to back, so each pair saw the same machine state).
print()
print("Per-repeat ratios (best charvec mode / PyTorch, in run order):")
for hidden, batch, threads in sorted({k[:3] for k in runs}):
    torch_runs = [r["words_per_sec"] for r in runs.get((hidden, batch, threads, "pytorch", "-"), [])]
    mode_runs = [[r["words_per_sec"] for r in runs.get((hidden, batch, threads, "charvec", m), [])] for m in MODES]
    mode_runs = [m for m in mode_runs if m]
    if not torch_runs or not mode_runs:
        continue
    best_each = [max(vals) for vals in zip(*mode_runs)]
    ratios = [b / t for b, t in zip(best_each, torch_runs)]
    print(f"- H={hidden}, batch {batch}, {threads} thread(s): " + ", ".join(f"{x:.2f}" for x in ratios)
          + f" (min {min(ratios):.2f}, median {statistics.median(ratios):.2f})")
