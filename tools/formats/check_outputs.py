#!/usr/bin/env python3
"""Loads what `charvec convert` writes with numpy and the safetensors package and compares it
with the source table (and, for fastText models, with the fasttext package's own vectors).

Usage: python3 tools/formats/check_outputs.py [CHARVEC] [TABLE.vec(.gz)]
  defaults: .build/release/charvec and data/en-2k-384d.vec.gz; needs numpy, safetensors, fasttext.
Exit status 0 when every check passes.
"""
import gzip
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from safetensors import safe_open

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
charvec = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, ".build", "release", "charvec")
source = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "data", "en-2k-384d.vec.gz")


def read_vec(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        f.readline()
        rows = [line.rstrip("\n").split(" ") for line in f]
    return [r[0] for r in rows], np.array([[np.float32(v) for v in r[1:]] for r in rows], dtype=np.float32)


def run(*args):
    result = subprocess.run([charvec, *args], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"charvec {' '.join(args)} failed:\n{result.stderr}")
    return result.stderr


failures = 0


def check(ok, what):
    global failures
    print(("ok      " if ok else "FAILED  ") + what)
    failures += not ok


words, matrix = read_vec(source)
with tempfile.TemporaryDirectory() as tmp:
    for precision, dtype in (("f32", np.float32), ("f16", np.float16)):
        npy = os.path.join(tmp, f"t-{precision}.npy")
        run("convert", source, npy, "--precision", precision)
        loaded = np.load(npy)
        vocab = open(os.path.join(tmp, f"t-{precision}.vocab.txt"), encoding="utf-8").read().splitlines()
        check(loaded.dtype == dtype and loaded.flags["C_CONTIGUOUS"], f"npy {precision}: dtype {loaded.dtype}, C order")
        check(vocab == words, f"npy {precision}: vocabulary list")
        check(np.array_equal(loaded, matrix.astype(dtype)), f"npy {precision}: values equal numpy's astype({dtype.__name__})")

        st = os.path.join(tmp, f"t-{precision}.safetensors")
        run("convert", source, st, "--precision", precision)
        with safe_open(st, "np") as f:
            tensor = f.get_tensor("vectors")
            vocab = json.loads(f.metadata()["vocabulary"])
        check(vocab == words, f"safetensors {precision}: metadata vocabulary")
        check(np.array_equal(tensor, matrix.astype(dtype)), f"safetensors {precision}: values")

    try:
        import fasttext
    except ImportError:
        fasttext = None
    model = os.path.join(root, "Tests", "Corpus", "formats", "tiny.bin")
    if fasttext:
        ft = fasttext.load_model(model)
        out = os.path.join(tmp, "tiny.npy")
        run("convert", model, out)
        vectors = np.load(out)
        vocab = open(os.path.join(tmp, "tiny.vocab.txt"), encoding="utf-8").read().splitlines()
        expected = np.array([ft.get_word_vector(w) for w in ft.get_words()])
        check(vocab == ft.get_words(), "fastText .bin → npy: words in the model's order")
        check(np.abs(vectors - expected).max() <= 1e-6, "fastText .bin → npy: get_word_vector to 1e-6")

print("all checks passed" if failures == 0 else f"{failures} check(s) failed")
sys.exit(1 if failures else 0)
