#!/usr/bin/env python3
"""FAISS IndexFlatIP and gensim most_similar timings for run.sh (one JSON object per line).

    python bench_python.py synth  <matrix.f32> <rows> <dims> <queries.f32> <name>
    python bench_python.py w2v    <table.bin> <every Nth row as query> <name>
"""
import json, sys, time
import numpy as np

def emit(**fields):
    print(json.dumps(fields, sort_keys=True), flush=True)

if sys.argv[1] == "synth":
    rows, dims = int(sys.argv[3]), int(sys.argv[4])
    matrix = np.fromfile(sys.argv[2], dtype=np.float32).reshape(rows, dims)
    queries = np.fromfile(sys.argv[5], dtype=np.float32).reshape(-1, dims)[:1000]
    name = sys.argv[6]
    from gensim.models import KeyedVectors
    kv = KeyedVectors(dims)  # (count= would preallocate zero rows that add_vectors appends after)
    kv.add_vectors([str(i) for i in range(rows)], matrix)
else:
    from gensim.models import KeyedVectors
    kv = KeyedVectors.load_word2vec_format(sys.argv[2], binary=True)
    matrix = kv.vectors
    queries = matrix[::int(sys.argv[3])][:1000].copy()
    name = sys.argv[4]

import faiss
unit = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
unit = np.nan_to_num(unit).astype(np.float32)
qunit = (queries / np.linalg.norm(queries, axis=1, keepdims=True)).astype(np.float32)
index = faiss.IndexFlatIP(unit.shape[1])
index.add(unit)
for threads in (1, 2):
    faiss.omp_set_num_threads(threads)
    index.search(qunit[:1], 10)
    times = []
    for i in range(50):
        t = time.perf_counter(); index.search(qunit[i:i + 1], 10); times.append(time.perf_counter() - t)
    emit(data=name, what="faiss single", threads=threads, median_ms=float(np.median(times)) * 1e3)
faiss.omp_set_num_threads(2)
t = time.perf_counter(); index.search(qunit, 10); emit(data=name, what="faiss batch", threads=2, queries=len(qunit), seconds=time.perf_counter() - t)

kv.fill_norms()
kv.most_similar(positive=[queries[0]], topn=10)
times = []
for i in range(50):
    t = time.perf_counter(); kv.most_similar(positive=[queries[i]], topn=10); times.append(time.perf_counter() - t)
emit(data=name, what="gensim single", median_ms=float(np.median(times)) * 1e3)
t = time.perf_counter()
for q in queries:
    kv.most_similar(positive=[q], topn=10)
emit(data=name, what="gensim batch", queries=len(queries), seconds=time.perf_counter() - t)
