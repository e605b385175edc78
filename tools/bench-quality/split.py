#!/usr/bin/env python3
"""Split a word2vec text file into train / held-out files (seeded), for an identical split
between charvec and the PyTorch reference.

    python3 split.py IN.vec[.gz] OUTDIR [--frac 0.1] [--seed 1]

Writes OUTDIR/train.vec, OUTDIR/heldout.vec (word2vec text, values copied verbatim) and
OUTDIR/heldout-words.txt. Rows are kept in file order; duplicate words keep the first.
"""
import argparse
import gzip
import os
import random

p = argparse.ArgumentParser()
p.add_argument("src")
p.add_argument("out")
p.add_argument("--frac", type=float, default=0.1)
p.add_argument("--seed", type=int, default=1)
a = p.parse_args()
opener = gzip.open if a.src.endswith(".gz") else open
with opener(a.src, "rt", encoding="utf-8") as f:
    count, dim = f.readline().split()
    rows, seen = [], set()
    for line in f:
        word = line.split(" ", 1)[0]
        if word and word not in seen:
            seen.add(word)
            rows.append(line if line.endswith("\n") else line + "\n")
rng = random.Random(a.seed)
held = set(rng.sample(range(len(rows)), round(a.frac * len(rows))))
os.makedirs(a.out, exist_ok=True)
train = [r for i, r in enumerate(rows) if i not in held]
heldout = [r for i, r in enumerate(rows) if i in held]
for name, part in (("train.vec", train), ("heldout.vec", heldout)):
    with open(os.path.join(a.out, name), "w", encoding="utf-8") as f:
        f.write(f"{len(part)} {dim}\n")
        f.writelines(part)
with open(os.path.join(a.out, "heldout-words.txt"), "w", encoding="utf-8") as f:
    f.writelines(r.split(" ", 1)[0] + "\n" for r in heldout)
print(len(train), len(heldout), dim)
