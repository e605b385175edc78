// search-bench: timings of NeighborSearch for tools/bench-search/run.sh.
// Usage: search-bench raw <matrix.f32> <rows> <dims> <queries.f32> <hnswRows> <name>
//        search-bench w2v  <table.bin> <queries: every Nth row> <hnswRows> <name>
// Prints one JSON object per measurement on stdout.
import Dispatch
import EmbeddingCore
import Foundation
import NeighborSearch
import Tensor

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s[s.count / 2] }
func emit(_ fields: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
    fflush(nil)  // flush all streams (stdout is not concurrency-safe to name in Swift 6)
}

func readRaw(_ path: String, rows: Int, dims: Int) -> RowMatrix {
    var m = RowMatrix(columns: dims, reservingRows: rows)
    guard let f = fopen(path, "rb") else { fatalError("cannot open \(path)") }
    defer { fclose(f) }
    m.appendRows(rows) { buffer in
        let got = fread(buffer.baseAddress!, 4, rows * dims, f)
        precondition(got == rows * dims, "\(path): read \(got) of \(rows * dims) floats")
    }
    return m
}

func readWord2VecBinary(_ path: String) -> RowMatrix {
    let data = FileManager.default.contents(atPath: path)!
    return data.withUnsafeBytes { raw -> RowMatrix in
        var p = 0
        func token(_ stop: UInt8) -> String {
            let start = p
            while raw[p] != stop { p += 1 }
            defer { p += 1 }
            return String(decoding: UnsafeRawBufferPointer(rebasing: raw[start ..< p]), as: UTF8.self)
        }
        let count = Int(token(32))!, dims = Int(token(10))!
        var m = RowMatrix(columns: dims, reservingRows: count)
        m.appendRows(count) { out in
            for i in 0 ..< count {
                while raw[p] == 10 { p += 1 }
                _ = token(32)
                for j in 0 ..< dims { out[i * dims + j] = raw.loadUnaligned(fromByteOffset: p + 4 * j, as: Float.self) }
                p += 4 * dims
            }
        }
        return m
    }
}

KernelChoice.restartOnBetterKernelsIfNeeded()  // as charvec does: OpenBLAS kernels from the CPU's features
let args = CommandLine.arguments
let matrix: RowMatrix, queries: RowMatrix, hnswRows: Int, name: String
if args[1] == "raw" {
    let rows = Int(args[3])!, dims = Int(args[4])!
    matrix = readRaw(args[2], rows: rows, dims: dims)
    let qCount = (try! FileManager.default.attributesOfItem(atPath: args[5])[.size] as! Int) / (4 * dims)
    queries = readRaw(args[5], rows: qCount, dims: dims)
    hnswRows = Int(args[6])!
    name = args[7]
} else {
    matrix = readWord2VecBinary(args[2])
    let every = Int(args[3])!
    var q = RowMatrix(columns: matrix.columns, reservingRows: matrix.rows / every + 1)
    for i in stride(from: 0, to: matrix.rows, by: every) where q.rows < 1000 { q.appendRow(matrix.row(i)) }
    queries = q
    hnswRows = Int(args[4])!
    name = args[5]
}

var t = now()
var index = ExactIndex(matrix: matrix, threads: 2)
emit(["data": name, "what": "exact build", "seconds": now() - t, "rows": matrix.rows, "dims": matrix.columns])

// Single queries, warm: one untimed pass over the first query, then 50 timed.
let singleCount = min(50, queries.rows)
var exactSingle: [Int: Double] = [:]
for threads in [1, 2] {
    index.threads = threads
    _ = index.search(query: queries.row(0), k: 10)
    var times: [Double] = []
    for i in 0 ..< singleCount {
        let q = queries.row(i)
        t = now()
        _ = index.search(query: q, k: 10)
        times.append(now() - t)
    }
    exactSingle[threads] = median(times)
    emit(["data": name, "what": "exact single", "threads": threads, "median_ms": median(times) * 1e3])
}

index.threads = 2
let batchQueries = RowMatrix(rows: min(1000, queries.rows), columns: queries.columns,
                             values: queries.withUnsafeBufferPointer { Array($0.prefix(min(1000, queries.rows) * queries.columns)) })
t = now()
let exactBatch = index.search(queries: batchQueries, k: 10)
emit(["data": name, "what": "exact batch", "threads": 2, "queries": batchQueries.rows, "seconds": now() - t])

// HNSW on the first hnswRows rows, compared with exact search on the same rows.
let sub = RowMatrix(rows: hnswRows, columns: matrix.columns,
                    values: matrix.withUnsafeBufferPointer { Array($0.prefix(hnswRows * matrix.columns)) })
let subIndex = hnswRows == matrix.rows ? index : ExactIndex(matrix: sub, threads: 2)
let truth = hnswRows == matrix.rows ? exactBatch : subIndex.search(queries: batchQueries, k: 10)
var subSingle: [Double] = []
for i in 0 ..< singleCount {
    let q = queries.row(i)
    t = now()
    _ = subIndex.search(query: q, k: 10)
    subSingle.append(now() - t)
}
let parameters = HNSWParameters(maxConnections: 16, efConstruction: 100, seed: 42)
t = now()
let hnsw = HNSWIndex(matrix: sub, parameters: parameters, threads: 2)
emit(["data": name, "what": "hnsw build", "rows": hnswRows, "M": 16, "efConstruction": 100, "seconds": now() - t])
for ef in [16, 32, 64, 128, 256, 512] {
    var hits = 0, times: [Double] = []
    for i in 0 ..< batchQueries.rows {
        let q = batchQueries.row(i)
        t = now()
        let found = hnsw.search(query: q, k: 10, efSearch: ef)
        times.append(now() - t)
        hits += Set(found.map(\.row)).intersection(truth[i].map(\.row)).count
    }
    let recall = Double(hits) / Double(truth.map(\.count).reduce(0, +))
    emit(["data": name, "what": "hnsw search", "rows": hnswRows, "efSearch": ef, "recall_at_10": recall,
          "median_ms": median(times) * 1e3,
          "speedup_vs_exact_same_rows": median(subSingle) / median(times),
          "speedup_vs_exact_full": exactSingle[2]! / median(times)])
}
