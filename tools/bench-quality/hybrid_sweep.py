#!/usr/bin/env python3
"""Sweep driver for hybrid_ref.py: one job at a time, JSON lines under $RUNS (default /tmp/charvec-sweep/runs).

    python3 hybrid_sweep.py run NAME [hybrid_ref options...]   # skip if RUNS/NAME.jsonl is complete
    python3 hybrid_sweep.py table                              # Markdown table of every run

Each run is trained on $SPLIT/train.vec, evaluated on $SPLIT/heldout.vec (split.py output).
Table: the epoch with the best held-out MRR, its metrics, the typo metrics of that epoch
(or of the last epoch), training seconds up to that epoch and in total, mean words/s.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RUNS = os.environ.get("RUNS", "/tmp/charvec-sweep/runs")
SPLIT = os.environ.get("SPLIT", "/tmp/charvec-sweep/split")
PY = os.environ.get("PY", "/tmp/torchenv/bin/python")


def load(path):
    recs = [json.loads(l) for l in open(path) if l.strip()]
    setup = next((r for r in recs if r.get("info") == "setup"), None)
    eps = [r for r in recs if "epoch" in r and r["epoch"] > 0]
    return setup, eps


def run(name, opts):
    # an option given twice: the first wins (the queue appends defaults after a line's own options)
    seen, kept, i = set(), [], 0
    while i < len(opts):
        o = opts[i]
        if o.startswith("--") and i + 1 < len(opts) and not opts[i + 1].startswith("--"):
            if o not in seen:
                kept += [o, opts[i + 1]]
            seen.add(o)
            i += 2
        else:
            kept.append(o)
            i += 1
    opts = kept
    os.makedirs(RUNS, exist_ok=True)
    out = os.path.join(RUNS, name + ".jsonl")
    if os.path.exists(out):
        setup, eps = load(out)
        if setup and eps and eps[-1]["epoch"] == setup["args"]["epochs"]:
            print(f"{name}: done already", file=sys.stderr)
            return
        os.remove(out)
    cmd = [PY, os.path.join(HERE, "hybrid_ref.py"), "--train", os.path.join(SPLIT, "train.vec"),
           "--holdout-file", os.path.join(SPLIT, "heldout.vec"), "--out", out] + opts
    print(" ".join(cmd), file=sys.stderr)
    with open(os.path.join(RUNS, name + ".opts"), "w") as f:
        f.write(" ".join(opts) + "\n")
    with open(os.path.join(RUNS, name + ".err"), "w") as err:
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=err, check=True)


def table():
    names = sorted((f[:-6] for f in os.listdir(RUNS) if f.endswith(".jsonl") and f != "ngram_baseline.jsonl"),
                   key=lambda n: os.path.getmtime(os.path.join(RUNS, n + ".jsonl")))
    print("| run | options | ep (best/run) | MRR | hit@1 | hit@10 | med | cos | typo ho@10 | typo tr@10 "
          "| train s to best / total | words/s |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in names:
        setup, eps = load(os.path.join(RUNS, n + ".jsonl"))
        if not eps:
            continue
        best = max(eps, key=lambda r: r.get("heldout_mrr", -1))
        ty = best if "typo_heldout_hit10" in best else eps[-1]
        of = os.path.join(RUNS, n + ".opts")
        opts = open(of).read().strip() if os.path.exists(of) else ""
        wps = sum(r["words_per_sec"] for r in eps) / len(eps)
        print(f"| {n} | {opts} | {best['epoch']}/{len(eps)} | {best['heldout_mrr']:.3f} | {best['heldout_hit1']:.3f} "
              f"| {best['heldout_hit10']:.3f} | {best['heldout_median_rank']:g} | {best['heldout_mean_cos']:.3f} "
              f"| {ty.get('typo_heldout_hit10', float('nan')):.3f} | {ty.get('typo_train_hit10', float('nan')):.3f} "
              f"| {best['train_total_s']:.0f} / {eps[-1]['train_total_s']:.0f} | {wps:.0f} |")


if __name__ == "__main__":
    if sys.argv[1] == "run":
        run(sys.argv[2], sys.argv[3:])
    else:
        table()
