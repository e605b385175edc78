#!/usr/bin/env python3
"""Ground truth for NeighborSearchTests/GensimEvaluationTests.swift.

Run from the package root:
    /tmp/benchenv/bin/python tools/bench-search/gensim_eval.py ../shared/data
(gensim 4.4.0, scipy 1.17.1). Prints gensim's evaluate_word_pairs and
evaluate_word_analogies results with default arguments (restrict_vocab=300000,
case_insensitive=True, dummy4unknown=False) over en-19k-384d.bin.
"""
import sys, os
from gensim.models import KeyedVectors

data = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
kv = KeyedVectors.load_word2vec_format(os.path.join(data, "en-19k-384d.bin"), binary=True)
for name in ("wordsim353.tsv", "simlex999.txt"):
    pearson, spearman, oov = kv.evaluate_word_pairs(os.path.join(data, "eval", name))
    print(f"{name}: pearson={pearson[0]!r} spearman={spearman[0]!r} oov_ratio={oov!r}")
score, sections = kv.evaluate_word_analogies(os.path.join(data, "eval", "questions-words.txt"))
print(f"analogies: total={score!r}")
sem = [0, 0]; syn = [0, 0]
for s in sections:
    c, i = len(s["correct"]), len(s["incorrect"])
    print(f"  {s['section']}: {c}/{c + i}")
    if s["section"] == "Total accuracy":
        continue
    bucket = syn if s["section"].startswith("gram") else sem
    bucket[0] += c; bucket[1] += c + i
print(f"  semantic: {sem[0]}/{sem[1]}  syntactic: {syn[0]}/{syn[1]}")
