#!/usr/bin/env python3
"""Load an embedding file with gensim 4.4 (the peer of `charvec info`).

    python gensim_load.py FILE [binary|text|glove]
"""
import sys
from gensim.models import KeyedVectors

path, kind = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "text")
kv = KeyedVectors.load_word2vec_format(path, binary=(kind == "binary"), no_header=(kind == "glove"))
print(len(kv), kv.vector_size)
