#!/usr/bin/env python3
"""Peak memory of loading a fastText .bin model: charvec (info, convert to .vec) against gensim 4.4
(load_facebook_vectors, load_facebook_model), on the same synthetic model.

    python3 tools/bench-io/fasttext_memory.py [--model PATH] [--words N] [--buckets B] [--dim D]
                                              [--charvec PATH] [--python PATH] [--no-gensim]

The model is written by tools/formats/make-large-fasttext.py when PATH does not exist (default
/tmp/charvec-ftmem/ft-WORDS-BUCKETS-DIM.bin; 200,000 words, 200,000 buckets, dim 100: a 244 MB
file). Each command runs under /usr/bin/time -v; the peak is its maximum resident set size
(mapped file pages it touched count too). "Matrix" is the model's input matrix,
(words + buckets) x dim float32, the largest thing a loader has to read.
The gensim runs use --python (default: this interpreter), which needs gensim and numpy.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, "..", ".."))

p = argparse.ArgumentParser()
p.add_argument("--model")
p.add_argument("--words", type=int, default=200_000)
p.add_argument("--buckets", type=int, default=200_000)
p.add_argument("--dim", type=int, default=100)
p.add_argument("--charvec", default=os.path.join(root, ".build", "release", "charvec"))
p.add_argument("--python", default=sys.executable)
p.add_argument("--no-gensim", action="store_true")
a = p.parse_args()

model = a.model or f"/tmp/charvec-ftmem/ft-{a.words}-{a.buckets}-{a.dim}.bin"
if not os.path.exists(model):
    os.makedirs(os.path.dirname(os.path.abspath(model)), exist_ok=True)
    subprocess.run([a.python, os.path.join(root, "tools", "formats", "make-large-fasttext.py"), model,
                    "--words", str(a.words), "--buckets", str(a.buckets), "--dim", str(a.dim)], check=True)


def header(path):
    """(words, buckets, dim) from the model's arguments and dictionary header."""
    import struct
    with open(path, "rb") as f:
        magic, version = struct.unpack("<ii", f.read(8))
        assert magic == 793712314, "not a fastText model"
        args = struct.unpack("<12i", f.read(48))
        f.read(8)
        size, nwords, nlabels = struct.unpack("<iii", f.read(12))
    return nwords, args[8], args[0]


words, buckets, dim = header(model)
matrix = (words + buckets) * dim * 4
subprocess.run(["cat", model], stdout=subprocess.DEVNULL, check=True)   # into the page cache


def peak(command):
    """(maximum RSS in KiB, wall seconds) of command under /usr/bin/time -v."""
    result = subprocess.run(["/usr/bin/time", "-v"] + command, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {' '.join(command)}\n{result.stderr[-2000:]}")
    kib = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
    clock = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", result.stderr).group(1)
    seconds = sum(float(x) * 60 ** i for i, x in enumerate(reversed(clock.split(":"))))
    return kib, seconds


gensim = """
import sys
from gensim.models.fasttext import load_facebook_model, load_facebook_vectors
m = {kind}(sys.argv[1])
kv = m.wv if hasattr(m, "wv") else m
print(len(kv.index_to_key), kv.vector_size)
"""
with tempfile.TemporaryDirectory() as tmp:
    runs = [("charvec info", [a.charvec, "info", model]),
            ("charvec convert --to text (.vec)", [a.charvec, "convert", model, os.path.join(tmp, "out.vec"), "--to", "text"])]
    if not a.no_gensim:
        for kind in ("load_facebook_vectors", "load_facebook_model"):
            runs.append((f"gensim {kind}", [a.python, "-c", gensim.format(kind=kind), model]))
    print(f"model: {model} ({os.path.getsize(model):,} bytes): {words:,} words, {buckets:,} buckets, dim {dim}")
    print(f"input matrix: ({words:,} + {buckets:,}) x {dim} x 4 B = {matrix:,} bytes ({matrix / 2**20:.1f} MiB)")
    print(f"word vectors (the table): {words * dim * 4:,} bytes")
    print()
    print(f"| {'command':<34} | {'peak RSS':>25} | {'÷ matrix':>8} | {'time':>7} |")
    print(f"|{'-' * 36}|{'-' * 26}:|{'-' * 9}:|{'-' * 8}:|")
    for name, command in runs:
        kib, seconds = peak(command)
        print(f"| {name:<34} | {f'{kib * 1024 / 1e6:.1f} MB ({kib:,} KiB)':>25} | {kib * 1024 / matrix:7.2f}× | {seconds:6.1f}s |", flush=True)
