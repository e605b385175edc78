#!/usr/bin/env python3
"""Inflate a gzip file to nowhere with zlib in 1 MiB chunks: zlib's own inflate time."""
import sys
import zlib

d = zlib.decompressobj(15 + 32)
total = 0
with open(sys.argv[1], "rb") as f:
    while True:
        chunk = f.read(1 << 20)
        if not chunk:
            break
        total += len(d.decompress(chunk))
        while d.eof and d.unused_data:  # concatenated members
            rest = d.unused_data
            d = zlib.decompressobj(15 + 32)
            total += len(d.decompress(rest))
print(total)
