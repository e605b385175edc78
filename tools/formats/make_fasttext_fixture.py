#!/usr/bin/env python3
"""Trains tiny fastText models with the `fasttext` package from PyPI (pip install fasttext-wheel,
or fasttext) and writes them, with the vectors fastText itself computes, to Tests/Corpus/formats/:

  tiny.bin               skipgram, dim 8, minn 2, maxn 4, bucket 500 (a few tens of KB)
  tiny.vectors.json      {"args": …, "words": {word: get_word_vector(word)}, "oov": {…}} for every
                         word of the model and a list of out-of-vocabulary words (their vectors come
                         from the n-gram buckets), as fastText's own get_word_vector returns them
  tiny-supervised.bin    a supervised model (labels in the dictionary, no character n-grams)
  tiny-supervised.vectors.json
  tiny.ftz               that model quantized (charvec refuses it with a clear error)

Usage: python3 tools/formats/make_fasttext_fixture.py
The training corpus is generated here (fixed seed); one thread, so runs are repeatable.
"""
import json
import os
import random
import tempfile

import fasttext

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "Corpus", "formats")
os.makedirs(out, exist_ok=True)

rng = random.Random(18)
vocabulary = ("the king queen royal kingdom prince princess castle crown throne people city town village "
              "café naïve 東京 straße über a of and in to was is river mountain sea ship sail wind "
              "music song sing dance piano guitar drum loud quiet night day sun moon star").split()
sentences = [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(4, 12))) for _ in range(600)]
oov = ["kingdoms", "queenly", "cafés", "東京都", "überall", "zzz", "a", "x", "naïvely", "<s>", "Über", ""]

with tempfile.TemporaryDirectory() as tmp:
    corpus = os.path.join(tmp, "corpus.txt")
    with open(corpus, "w", encoding="utf-8") as f:
        f.write("\n".join(sentences) + "\n")
    model = fasttext.train_unsupervised(corpus, model="skipgram", dim=8, minCount=1, minn=2, maxn=4,
                                        bucket=500, epoch=3, thread=1, ws=3, neg=3, verbose=0)
    model.save_model(os.path.join(out, "tiny.bin"))

    labelled = os.path.join(tmp, "labelled.txt")
    with open(labelled, "w", encoding="utf-8") as f:
        for s in sentences[:300]:
            label = "__label__royal" if ("king" in s or "queen" in s) else "__label__other"
            f.write(f"{label} {s}\n")
    supervised = fasttext.train_supervised(labelled, dim=8, epoch=3, thread=1, minCount=1, wordNgrams=2, bucket=300, verbose=0)
    supervised.save_model(os.path.join(out, "tiny-supervised.bin"))
    supervised.quantize(input=labelled, qnorm=True, retrain=False, cutoff=0, dsub=2)
    supervised.save_model(os.path.join(out, "tiny.ftz"))


def dump(path, name):
    m = fasttext.load_model(path)
    args = {k: getattr(m.f.getArgs(), k) for k in ("dim", "minn", "maxn", "bucket", "wordNgrams")}
    words = m.get_words(include_freq=False, on_unicode_error="strict")
    record = {
        "args": args,
        "words": {w: [float(v) for v in m.get_word_vector(w)] for w in words},
        "oov": {w: [float(v) for v in m.get_word_vector(w)] for w in oov if w not in words},
        "order": list(words),
    }
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        json.dump(record, f, ensure_ascii=False, indent=0)


dump(os.path.join(out, "tiny.bin"), "tiny.vectors.json")
dump(os.path.join(out, "tiny-supervised.bin"), "tiny-supervised.vectors.json")
for name in ("tiny.bin", "tiny-supervised.bin", "tiny.ftz", "tiny.vectors.json"):
    print(name, os.path.getsize(os.path.join(out, name)))
