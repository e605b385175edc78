#!/usr/bin/env python3
"""Formats the JSON lines of search-bench and bench_python.py as a Markdown table."""
import json, sys
rows = [json.loads(l) for f in sys.argv[1:] for l in open(f) if l.startswith("{")]
def get(data, what, **kw):
    for r in rows:
        if r["data"] == data and r["what"] == what and all(r.get(k) == v for k, v in kw.items()):
            return r
    return None
for data in sorted({r["data"] for r in rows}):
    b = get(data, "exact build")
    print(f"\n### {data}: {b['rows']:,} × {b['dims']}\n")
    print("| task | charvec | FAISS flat | gensim | charvec / FAISS | charvec / gensim |")
    print("|---|---|---|---|---|---|")
    def line(task, ours, faiss, gensim, unit):
        f = lambda x: "–" if x is None else f"{x:.3g} {unit}"
        r = lambda a, b: "–" if a is None or b is None else f"{a / b:.2f}×"
        print(f"| {task} | {f(ours)} | {f(faiss)} | {f(gensim)} | {r(ours, faiss)} | {r(ours, gensim)} |")
    val = lambda r, k: None if r is None else r[k]
    for t in (1, 2):
        line(f"single query, top-10, {t} thread{'s' if t > 1 else ''} (median of 50)",
             val(get(data, "exact single", threads=t), "median_ms"), val(get(data, "faiss single", threads=t), "median_ms"),
             val(get(data, "gensim single"), "median_ms") if t == 1 else None, "ms")
    q = get(data, "exact batch")
    line(f"{q['queries']} queries batched, top-10, 2 threads", q["seconds"], val(get(data, "faiss batch"), "seconds"),
         val(get(data, "gensim batch"), "seconds"), "s")
    h = get(data, "hnsw build")
    print(f"\nHNSW (M = {h['M']}, efConstruction = {h['efConstruction']}) on the first {h['rows']:,} rows: "
          f"build {h['seconds']:.1f} s on 2 threads. Recall@10 against exact search on the same rows; "
          "speedups against exact single-query search (2 threads) on the same rows and on all rows.\n")
    print("| efSearch | recall@10 | median latency | speedup vs exact (same rows) | speedup vs exact (all rows) |")
    print("|---|---|---|---|---|")
    for r in rows:
        if r["data"] == data and r["what"] == "hnsw search":
            print(f"| {r['efSearch']} | {r['recall_at_10']:.4f} | {r['median_ms']:.3f} ms | "
                  f"{r['speedup_vs_exact_same_rows']:.1f}× | {r['speedup_vs_exact_full']:.1f}× |")
