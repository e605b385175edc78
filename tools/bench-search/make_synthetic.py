#!/usr/bin/env python3
"""Writes the synthetic benchmark data as raw little-endian float32, row-major:
   <out>/synth-<rows>-<dims>.f32 and <out>/synth-queries-1000-<dims>.f32.
Rows are Gaussian clusters (1000 centres, noise σ = 0.35 per component on N(0,1) centres), so
nearest neighbours are meaningful; queries are 1000 further points from the same clusters.
    python make_synthetic.py <out> <rows> <dims> [seed]
"""
import sys, os
import numpy as np
out, rows, dims = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 42
rng = np.random.default_rng(seed)
centres = rng.standard_normal((1000, dims), dtype=np.float32)
def points(n):
    x = rng.standard_normal((n, dims), dtype=np.float32) * np.float32(0.35)
    x += centres[rng.integers(0, 1000, n)]
    return x
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, f"synth-{rows}-{dims}.f32"), "wb") as f:
    for start in range(0, rows, 100_000):
        points(min(100_000, rows - start)).tofile(f)
points(1000).tofile(os.path.join(out, f"synth-queries-1000-{dims}.f32"))
