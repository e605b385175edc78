#!/usr/bin/env python3
"""Markdown table from tools/bench-quality/run.sh's JSON lines: validation mean cosine, hit@10 and
MRR at epochs 5, 10 and 20 for charvec and the PyTorch reference, and the n-gram baseline."""
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


def charvec(name, prefix="charvec"):
    return {r["epoch"]: (r["validation"]["meanCosine"], r["validation"]["hitAt10"], r["validation"]["meanReciprocalRank"])
            for r in lines(f"{out}/{prefix}-{name}.jsonl") if "validation" in r}


def reference(name):
    return {r["epoch"]: (r["heldout_mean_cos"], r["heldout_hit10"], r["heldout_mrr"])
            for r in lines(f"{out}/pytorch-{name}.jsonl") if r.get("epoch") and "heldout_mrr" in r}


ngram = {r["epoch"]: (r["heldout_mean_cos"], r["heldout_hit10"], r["heldout_mrr"]) for r in lines(f"{out}/ngram.jsonl")}
print("| model | epoch | charvec cos / hit@10 / MRR | PyTorch cos / hit@10 / MRR | MRR charvec ÷ PyTorch | charvec `--initialization pytorch` MRR (÷ PyTorch) | n-gram baseline MRR |")
print("|---|---:|---|---|---:|---|---:|")
for name in ["lstm-mse", "lstm-margin", "gru-mse", "gru-margin", "lstm-mse-h256", "lstm-margin-h256", "gru-mse-h256", "gru-margin-h256"]:
    c, p, t = charvec(name), reference(name), charvec(name, "charvec-ptinit")
    for epoch in (5, 10, 20):
        if epoch not in c and epoch not in p:
            continue
        f = lambda t: f"{t[0]:.3f} / {t[1]:.3f} / **{t[2]:.4f}**" if t else "–"
        ratio = f"{c[epoch][2] / p[epoch][2]:.2f}×" if epoch in c and epoch in p and p[epoch][2] > 0 else "–"
        base = f"{ngram[epoch][2]:.4f}" if epoch in ngram else "–"
        same = "–"
        if epoch in t:
            same = f"{t[epoch][2]:.4f}" + (f" ({t[epoch][2] / p[epoch][2]:.2f}×)" if epoch in p and p[epoch][2] > 0 else "")
        print(f"| {name} | {epoch} | {f(c.get(epoch))} | {f(p.get(epoch))} | {ratio} | {same} | {base} |")


# Several training seeds (SEEDS="2 3" run.sh writes NAME-seedN files; seed 1 is NAME itself).
def seeds(name):
    found = [1] + sorted(int(f.rsplit("-seed", 1)[1].split(".")[0]) for f in os.listdir(out)
                         if f.startswith(f"pytorch-{name}-seed") and f.endswith(".jsonl"))
    return [(s, "" if s == 1 else f"-seed{s}") for s in found]


def stats(values):
    if not values:
        return "–"
    sd = statistics.stdev(values) if len(values) > 1 else 0
    return f"{statistics.mean(values):.4f} ± {sd:.4f}"


rows = []
for name in ["lstm-mse", "lstm-margin", "gru-mse", "gru-margin", "lstm-mse-h256", "lstm-margin-h256", "gru-mse-h256", "gru-margin-h256"]:
    runs = seeds(name)
    if len(runs) < 2:
        continue
    # The last row averages each run's MRR over epochs 16-20: one epoch's figure moves by about
    # as much from one epoch to the next as the implementations differ.
    for epoch in (5, 10, 20, "16–20 (mean)"):
        window = range(16, 21) if isinstance(epoch, str) else (epoch,)

        def mrr(run):
            return statistics.mean(run[e][2] for e in window) if all(e in run for e in window) else None

        c = [mrr(charvec(name + s)) for _, s in runs]
        t = [mrr(charvec(name + s, "charvec-ptinit")) for _, s in runs]
        p = [mrr(reference(name + s)) for _, s in runs]
        c, t, p = [x for x in c if x is not None], [x for x in t if x is not None], [x for x in p if x is not None]
        if not p:
            continue
        mp = statistics.mean(p)
        ratio = lambda v: f"{statistics.mean(v) / mp:.2f}×" if v and mp > 0 else "–"
        rows.append(f"| {name} | {epoch} | {len(p)} | {stats(c)} ({ratio(c)}) | {stats(t)} ({ratio(t)}) | {stats(p)} |")
if rows:
    print()
    print("Mean ± standard deviation of the validation MRR over training seeds (same split), ratio to PyTorch's mean:")
    print()
    print("| model | epoch | seeds | charvec MRR (÷ PyTorch) | charvec `--initialization pytorch` MRR (÷ PyTorch) | PyTorch MRR |")
    print("|---|---:|---:|---|---|---|")
    print("\n".join(rows))
