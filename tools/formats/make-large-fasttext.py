#!/usr/bin/env python3
"""Write a synthetic fastText model (.bin, version 12, skipgram with negative sampling) of a
chosen size directly, without training, for memory and speed measurements.

    python3 make-large-fasttext.py OUT.bin [--words N] [--buckets B] [--dim D] [--minn 3] [--maxn 6] [--seed S]

Defaults: 200,000 words, 200,000 buckets, dim 100 (a 240 MB file). The layout is the one
fastText's FastText::saveModel writes (see Sources/EmbeddingIO/FastText/FastTextModel.swift):
header, arguments, dictionary (unique lowercase words of 3-12 letters, counts decreasing, `</s>`
first as fastText puts it), the input matrix (words + buckets) x dim float32, and the output
matrix words x dim float32. Values are seeded normal float32 (sd 0.1). Both charvec and gensim's
load_facebook_model read the result; fastText itself does too (the vectors are just not trained).

"The matrix" in the memory figures is the input matrix: (words + buckets) x dim x 4 bytes.
Needs numpy only.
"""
import argparse
import struct

import numpy as np

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--words", type=int, default=200_000)
p.add_argument("--buckets", type=int, default=200_000)
p.add_argument("--dim", type=int, default=100)
p.add_argument("--minn", type=int, default=3)
p.add_argument("--maxn", type=int, default=6)
p.add_argument("--seed", type=int, default=1)
a = p.parse_args()

rng = np.random.default_rng(a.seed)
letters = b"abcdefghijklmnopqrstuvwxyz"


def unique_words(n):
    words, seen = [b"</s>"], {b"</s>"}
    lengths = rng.integers(3, 13, size=4 * n)
    codes = rng.integers(0, 26, size=(4 * n, 12))
    i = 0
    while len(words) < n:
        w = bytes(letters[c] for c in codes[i, : lengths[i]])
        i += 1
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


def write_matrix(f, rows, dim):
    f.write(struct.pack("<B", 0))                      # not quantized
    f.write(struct.pack("<qq", rows, dim))
    block = max(1, (64 << 20) // (4 * dim))            # 64 MB at a time
    for start in range(0, rows, block):
        n = min(block, rows - start)
        f.write((rng.standard_normal((n, dim), dtype=np.float32) * np.float32(0.1)).astype("<f4").tobytes())


words = unique_words(a.words)
with open(a.out, "wb") as f:
    f.write(struct.pack("<ii", 793712314, 12))
    # dim, ws, epoch, minCount, neg, wordNgrams, loss (2 = ns), model (2 = skipgram), bucket, minn, maxn,
    # lrUpdateRate; t
    f.write(struct.pack("<12i", a.dim, 5, 5, 1, 5, 1, 2, 2, a.buckets, a.minn, a.maxn, 100))
    f.write(struct.pack("<d", 1e-4))
    # Dictionary: size, nwords, nlabels, ntokens, pruneidx_size (-1: not pruned).
    counts = np.sort(rng.integers(1, 1_000_000, size=len(words)))[::-1]
    f.write(struct.pack("<iiiqq", len(words), len(words), 0, int(counts.sum()), -1))
    f.write(b"".join(w + b"\0" + struct.pack("<qb", int(c), 0) for w, c in zip(words, counts)))
    write_matrix(f, len(words) + a.buckets, a.dim)     # input: words, then n-gram buckets
    write_matrix(f, len(words), a.dim)                 # output (unused by charvec)
    size = f.tell()
matrix = (len(words) + a.buckets) * a.dim * 4
print(f"{a.out}: {size:,} bytes; input matrix {len(words):,} words + {a.buckets:,} buckets = "
      f"{len(words) + a.buckets:,} x {a.dim} float32 = {matrix:,} bytes ({matrix / 1e6:.1f} MB)")
