#!/usr/bin/env python3
"""Write a synthetic word2vec binary file (default 1,000,000 x 300) for the I/O benchmarks.

    python3 make-synthetic.py OUT.bin [--rows N] [--dim D] [--seed S]

Values are float32 from a seeded normal distribution scaled like real embeddings (sd 0.3);
words are unique lowercase strings of 3-14 letters. The text and gzip variants are made
from this file with `charvec convert` (see run.sh). Needs numpy only.
"""
import argparse
import numpy as np

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--rows", type=int, default=1_000_000)
p.add_argument("--dim", type=int, default=300)
p.add_argument("--seed", type=int, default=1)
a = p.parse_args()

rng = np.random.default_rng(a.seed)
letters = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
with open(a.out, "wb") as f:
    f.write(f"{a.rows} {a.dim}\n".encode())
    block = 50_000
    for start in range(0, a.rows, block):
        n = min(block, a.rows - start)
        vectors = (rng.standard_normal((n, a.dim), dtype=np.float32) * np.float32(0.3)).astype("<f4")
        parts = []
        for i in range(n):
            # A unique word: the row number in base 26, padded with random letters.
            k, w = start + i, []
            while True:
                w.append(letters[k % 26]); k //= 26
                if k == 0:
                    break
            extra = rng.integers(0, 9)
            word = bytes(w) + bytes(letters[rng.integers(0, 26, extra)]) + b"x"
            parts.append(word + b" " + vectors[i].tobytes() + b"\n")
        f.write(b"".join(parts))
