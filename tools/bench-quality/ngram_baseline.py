#!/usr/bin/env python3
"""Bag-of-character-n-grams baseline (fastText-style): a word's vector is the mean of hashed
3–6-gram vectors of '<word>'; the n-gram table is fitted to the unit-norm targets of the
training words (MSE, Adam), then held-out words are ranked among all targets exactly as
charvec and the reference rank them (rank = 1 + candidates scoring strictly higher).

    python ngram_baseline.py TRAIN.vec HELDOUT.vec [--buckets 200000] [--epochs 20]

Prints one JSON line per evaluated epoch.
"""
import argparse
import json
import zlib

import numpy as np
import torch

p = argparse.ArgumentParser()
p.add_argument("train")
p.add_argument("heldout")
p.add_argument("--buckets", type=int, default=200_000)
p.add_argument("--epochs", type=int, default=20)
p.add_argument("--batch", type=int, default=64)
p.add_argument("--lr", type=float, default=1e-2)
p.add_argument("--seed", type=int, default=1)
p.add_argument("--eval-epochs", default="5,10,20")
a = p.parse_args()
torch.manual_seed(a.seed)
torch.set_num_threads(2)


def read(path):
    with open(path, encoding="utf-8") as f:
        f.readline()
        words, vecs = [], []
        for line in f:
            parts = line.rstrip().split(" ")
            words.append(parts[0])
            vecs.append(np.array(parts[1:], dtype=np.float32))
    m = np.stack(vecs)
    return words, m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-8)


def ngrams(word):
    w = f"<{word}>"
    grams = [w[i:i + n] for n in range(3, 7) for i in range(len(w) - n + 1)] or [w]
    return [zlib.crc32(g.encode()) % a.buckets for g in grams]


tw, tt = read(a.train)
hw, ht = read(a.heldout)
cand = torch.from_numpy(np.concatenate([tt, ht]))
dim = tt.shape[1]
table = torch.nn.EmbeddingBag(a.buckets, dim, mode="mean", sparse=True)
torch.nn.init.normal_(table.weight, std=0.01)
opt = torch.optim.SparseAdam(table.parameters(), lr=a.lr)


def bag(words):
    ids, offsets = [], []
    for w in words:
        offsets.append(len(ids))
        ids += ngrams(w)
    return torch.tensor(ids), torch.tensor(offsets)


def evaluate(epoch):
    with torch.no_grad():
        ids, off = bag(hw)
        pred = table(ids, off)
        pn = pred / pred.norm(dim=1, keepdim=True).clamp_min(1e-8)
        true_cols = torch.arange(len(tw), len(tw) + len(hw))
        sc = pn @ cand.T
        t = sc.gather(1, true_cols[:, None])
        r = (1 + (sc > t).sum(1)).double()
        rec = {"model": "ngram-baseline", "epoch": epoch, "heldout_mean_cos": round(t.mean().item(), 5),
               "heldout_hit1": round((r <= 1).double().mean().item(), 5),
               "heldout_hit10": round((r <= 10).double().mean().item(), 5),
               "heldout_mrr": round((1 / r).mean().item(), 5), "heldout_median_rank": float(r.median().item())}
        print(json.dumps(rec), flush=True)


targets = torch.from_numpy(tt)
eval_epochs = {int(e) for e in a.eval_epochs.split(",")}
rng = np.random.default_rng(a.seed)
for epoch in range(1, a.epochs + 1):
    order = rng.permutation(len(tw))
    for start in range(0, len(tw), a.batch):
        idx = order[start:start + a.batch]
        ids, off = bag([tw[i] for i in idx])
        loss = ((table(ids, off) - targets[idx]) ** 2).sum(1).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    if epoch in eval_epochs:
        evaluate(epoch)
