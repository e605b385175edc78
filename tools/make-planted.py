#!/usr/bin/env python3
"""Recreate data/planted-defects.vec from data/en-2k-384d.vec.gz (see data/README.md)."""
import gzip
import os

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
with gzip.open(os.path.join(root, "data/en-2k-384d.vec.gz"), "rt", encoding="utf-8") as f:
    f.readline()
    rows = [f.readline().rstrip("\n") for _ in range(60)]
dim = 384
rows[7] = rows[7].split(" ")[0] + " " + " ".join(["0"] * dim)  # all-zero row, line 9
p = rows[19].split(" "); p[1 + 42] = "nan"; rows[19] = " ".join(p)  # NaN, line 21
p = rows[33].split(" "); p[1 + 7] = "inf"; rows[33] = " ".join(p)  # +Inf, line 35
rows.append(rows[2])  # duplicate of row 3, line 62
with open(os.path.join(root, "data/planted-defects.vec"), "w") as out:
    out.write(f"{len(rows)} {dim}\n" + "\n".join(rows) + "\n")
