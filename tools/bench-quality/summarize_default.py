#!/usr/bin/env python3
"""Table of tools/bench-quality/default.sh: charvec's default model, its PyTorch twin and the
n-gram baseline on the same held-out words.

    python3 summarize_default.py OUT
"""
import json
import os
import statistics
import sys

out = sys.argv[1]


def lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip().startswith("{")]


def mean(xs):
    return statistics.mean(xs) if xs else float("nan")


seeds = sorted({f.split("-")[1].split(".")[0] for f in os.listdir(out) if f.startswith("charvec-") and f.endswith(".jsonl")})
rows, speed, summary_alone, summary_weights = [], [], {}, {}
for seed in seeds:
    cv = lines(f"{out}/charvec-{seed}.jsonl")
    # The first member of an ensemble trains exactly as a single network: it is the one compared
    # with the twin epoch by epoch.
    epochs = {r["epoch"]: r for r in cv if r.get("validation") and r.get("member", 1) == 1}
    all_epochs = [r for r in cv if r.get("validation")]
    summary = next((r for r in cv if r.get("event") == "summary"), None)
    wall = next((r["wall_s"] for r in cv if "wall_s" in r), float("nan"))
    if summary is None or not epochs:
        continue
    best = max(epochs.values(), key=lambda r: r["validation"]["meanReciprocalRank"])["epoch"]
    member_epochs = summary.get("memberBestEpochs")
    label = "+".join(map(str, member_epochs)) if member_epochs else str(best)
    m = summary["model"]
    first = epochs[best]["validation"] if member_epochs else None
    base = summary.get("ngramBaseline")
    summary_alone[seed] = summary.get("withoutSubwordHead")
    summary_weights[seed] = summary.get("headWeights", [])
    typos = dict(summary.get("typos", {}))
    typos["withTable"] = summary.get("typosWithTable", {}).get("hitAt10", float("nan"))
    pt = lines(f"{out}/pytorch-{seed}.jsonl")
    pt_epochs = {r["epoch"]: r for r in pt if r.get("epoch") and "heldout_mrr" in r}
    pt_wall = next((r["wall_s"] for r in pt if "wall_s" in r), float("nan"))
    pt_best = max(pt_epochs.values(), key=lambda r: r["heldout_mrr"]) if pt_epochs else None
    rows.append((seed, best, label, m, first, base, typos, wall, pt_epochs.get(best), pt_best, pt_wall))
    cv_wps = mean([r["wordsPerSecond"] for r in all_epochs])
    pt_wps = mean([r["words_per_sec"] for r in pt_epochs.values() if r.get("words_per_sec")])
    speed.append((seed, cv_wps, pt_wps))

cpu = open(f"{out}/cpu.txt").read().strip() if os.path.exists(f"{out}/cpu.txt") else "?"
print(f"CPU: {cpu}; held-out words ranked among all targets\n")
print("| seed | model | epoch | MRR | hit@1 | hit@10 | median rank | mean cos | typos in top 10 | with the table | wall s |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for seed, best, label, m, first, base, typos, wall, pt_same, pt_best, pt_wall in rows:
    print(f"| {seed} | charvec default | {label} | {m['meanReciprocalRank']:.4f} | {m['hitAt1']:.4f} | {m['hitAt10']:.4f} | "
          f"{m['medianRank']:.1f} | {m['meanCosine']:.4f} | {typos.get('hitAt10', float('nan')):.3f} | {typos['withTable']:.3f} | {wall:.0f} |")
    if first:  # an ensemble's first member alone, at its best epoch (what the twin is compared with)
        print(f"| {seed} | charvec default's first member alone | {best} | {first['meanReciprocalRank']:.4f} | {first['hitAt1']:.4f} | "
              f"{first['hitAt10']:.4f} | {first['medianRank']:.1f} | {first['meanCosine']:.4f} | | | |")
    alone = summary_alone.get(seed)
    if alone:
        print(f"| {seed} | charvec default without its subword head | {label} | {alone['meanReciprocalRank']:.4f} | {alone['hitAt1']:.4f} | "
              f"{alone['hitAt10']:.4f} | {alone['medianRank']:.1f} | {alone['meanCosine']:.4f} | | | |")
    for r in summary_weights.get(seed, []):  # the same model, its subword head reweighted when predicting
        print(f"| {seed} | charvec default, head weight {r['weight']:g} when predicting | {label} | {r['meanReciprocalRank']:.4f} | "
              f"{r['hitAt1']:.4f} | {r['hitAt10']:.4f} | {r['medianRank']:.1f} | {r['meanCosine']:.4f} | | | |")
    for label, r in (("PyTorch twin, same epoch", pt_same), ("PyTorch twin, its best epoch", pt_best)):
        if r:
            print(f"| {seed} | {label} | {r['epoch']} | {r['heldout_mrr']:.4f} | {r['heldout_hit1']:.4f} | {r['heldout_hit10']:.4f} | "
                  f"{r['heldout_median_rank']:.1f} | {r['heldout_mean_cos']:.4f} | {r.get('typo_heldout_hit10', float('nan')):.3f} | | {pt_wall:.0f} |")
    if base:
        print(f"| {seed} | n-gram baseline (charvec's) | 20 | {base['meanReciprocalRank']:.4f} | {base['hitAt1']:.4f} | {base['hitAt10']:.4f} | "
              f"{base['medianRank']:.1f} | {base['meanCosine']:.4f} | | | |")
ng = lines(f"{out}/ngram.jsonl")
for r in ng:
    if r.get("epoch") in (5, 20):  # 20: the reference; 5: where its held-out cosine peaks
        print(f"| – | n-gram baseline (ngram_baseline.py) | {r['epoch']} | {r['heldout_mrr']:.4f} | {r['heldout_hit1']:.4f} | {r['heldout_hit10']:.4f} | "
              f"{r['heldout_median_rank']:.1f} | {r['heldout_mean_cos']:.4f} | | | |")
print("\n| seed | charvec words/s (mean over epochs) | PyTorch words/s | ratio |")
print("|---|---:|---:|---:|")
for seed, a, b in speed:
    print(f"| {seed} | {a:,.0f} | {b:,.0f} | {a / b:.2f}× |")
