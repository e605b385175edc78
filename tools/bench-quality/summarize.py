#!/usr/bin/env python3
"""Markdown table from tools/bench-quality/run.sh's JSON lines: validation mean cosine, hit@10 and
MRR at epochs 5, 10 and 20 for charvec and the PyTorch reference, and the n-gram baseline."""
import json
import os
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
