#!/usr/bin/env python3
"""Writes the NumPy and safetensors fixtures of Tests/Corpus/formats/ with numpy and the
safetensors package themselves, so the Swift tests can compare charvec's output byte for byte.

Usage: python3 tools/formats/make_array_fixtures.py   (needs: pip install numpy safetensors)

Files (all tiny):
  small.vec                        the source table, word2vec text (shortest float32 forms)
  small.npy, small.vocab.txt       np.save of the float32 matrix, one word per line
  small-f16.npy, small-f16.vocab.txt   the same matrix .astype(np.float16)
  small.safetensors                safetensors.numpy.save_file({"vectors": m}, metadata={"vocabulary": json list})
  small-f16.safetensors            the same with float16 values
  ascii-vocab.safetensors          vocabulary written with json.dumps defaults (\\u escapes, spaces)
  f64.npy, f64.vocab.txt           float64 and big-endian float32 arrays (read, converted to float32)
  big-endian.npy, big-endian.vocab.txt
  int32.npy, int32.vocab.txt       an integer array (must be refused)
  fortran.npy, fortran.vocab.txt   a Fortran-ordered array (must be refused)
"""
import json
import os

import numpy as np
from safetensors.numpy import save_file

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "Corpus", "formats")
os.makedirs(out, exist_ok=True)

words = ["the", "of", "café", "東京", "new_york", 'say"hi\\']
rng = np.random.default_rng(18)
m = rng.standard_normal((len(words), 4)).astype(np.float32)
m[1, 2] = 1e-6        # a float16 subnormal
m[2, 0] = 0.0
m[4, 3] = -1234.5678  # large magnitude: few float16 digits


def path(name):
    return os.path.join(out, name)


def write_vocab(name, ws):
    with open(path(name), "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(w + "\n" for w in ws))


with open(path("small.vec"), "w", encoding="utf-8", newline="\n") as f:
    f.write(f"{m.shape[0]} {m.shape[1]}\n")
    for w, row in zip(words, m):
        f.write(w + " " + " ".join(np.format_float_positional(v, unique=True, trim="-") if abs(v) >= 1e-4 or v == 0
                                   else np.format_float_scientific(v, unique=True, trim="-") for v in row) + "\n")

np.save(path("small.npy"), m)
write_vocab("small.vocab.txt", words)
np.save(path("small-f16.npy"), m.astype(np.float16))
write_vocab("small-f16.vocab.txt", words)

vocabulary = json.dumps(words, ensure_ascii=False, separators=(",", ":"))
save_file({"vectors": m}, path("small.safetensors"), metadata={"vocabulary": vocabulary})
save_file({"vectors": m.astype(np.float16)}, path("small-f16.safetensors"), metadata={"vocabulary": vocabulary})
save_file({"vectors": m}, path("ascii-vocab.safetensors"), metadata={"vocabulary": json.dumps(words)})

np.save(path("f64.npy"), m.astype(np.float64))
write_vocab("f64.vocab.txt", words)
np.save(path("big-endian.npy"), m.astype(">f4"))
write_vocab("big-endian.vocab.txt", words)
np.save(path("int32.npy"), np.arange(6, dtype=np.int32).reshape(2, 3))
write_vocab("int32.vocab.txt", ["a", "b"])
np.save(path("fortran.npy"), np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
write_vocab("fortran.vocab.txt", ["a", "b"])

# Check what was written: the files load back as written.
assert np.array_equal(np.load(path("small.npy")), m)
print("wrote", sorted(os.listdir(out)))
