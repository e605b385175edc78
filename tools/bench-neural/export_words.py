#!/usr/bin/env python3
"""Write the training words of a word2vec file, one per line, exactly as mimick_ref.py reads them
(same reader, same de-duplication), so neural-bench trains on the identical word list."""
import os
import sys

sys.path.insert(0, sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(__file__), "../../../shared/reference"))
import mimick_ref  # noqa: E402

words, vecs, _ = mimick_ref.read_w2v(sys.argv[1])
words, vecs = mimick_ref.dedup(words, vecs)
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for w in words:
        f.write(w.replace("\n", " ") + "\n")
print(len(words), "words", file=sys.stderr)
