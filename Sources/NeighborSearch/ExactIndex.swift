import Dispatch
import EmbeddingCore
import Tensor

/// Exact cosine-similarity search over the rows of a matrix.
///
/// The rows are normalised once, into a private copy: memory is one more
/// `rows × dimensions` matrix of ``Scalar`` (1.2 GB for 1M × 300); drop the source
/// matrix after building if memory is tight. Rows whose norm is zero or not finite
/// are *unsearchable*: they are listed in ``unsearchableRows``, are never returned
/// and never produce NaN.
///
/// - Single queries scan every row with a SIMD dot product (memory-bandwidth bound),
///   split into ``threads`` coarse halves.
/// - Batches multiply blocks of queries by blocks of rows with `cblas_sgemm` and
///   keep a bounded heap per query.
///
/// Results are ordered by score, then by lower row; they do not depend on the
/// number of threads.
public struct ExactIndex: Sendable {
    /// Unit rows (zeros for unsearchable rows), `rows × dimensions`.
    public let normalizedMatrix: RowMatrix
    /// Euclidean norm of every original row (`rows` values).
    public let norms: [Scalar]
    /// `true` for rows that are never returned (zero or non-finite norm).
    @usableFromInline let _unsearchable: [Bool]
    /// Threads used by searches (1 or more). Searches set OpenBLAS to 1 thread while
    /// they run their own workers, and restore its setting afterwards.
    public var threads: Int

    /// Number of rows.
    public var rows: Int { normalizedMatrix.rows }
    /// Vector dimension.
    public var dimensions: Int { normalizedMatrix.columns }

    /// Rows that are never returned (zero or non-finite norm), ascending.
    public var unsearchableRows: [Int] { _unsearchable.indices.filter { _unsearchable[$0] } }

    /// Whether `row` can be returned by a search.
    public func isSearchable(_ row: Int) -> Bool { !_unsearchable[row] }

    /// Builds an index over a normalised copy of `matrix`.
    /// - Parameters:
    ///   - matrix: `rows × dimensions`, one vector per row.
    ///   - threads: worker threads for searches (default 2, the machine's cores).
    /// - Complexity: O(rows × dimensions) time, one extra matrix of memory.
    public init(matrix: RowMatrix, threads: Int = 2) {
        precondition(threads >= 1, "threads must be at least 1 (got \(threads))")
        let rows = matrix.rows, n = matrix.columns
        var normalized = RowMatrix(rows: 0, columns: n)
        var norms = [Scalar](repeating: 0, count: rows)
        var unsearchable = [Bool](repeating: false, count: rows)
        normalized.appendRows(rows) { out in
            matrix.withUnsafeBufferPointer { src in
                guard let x = src.baseAddress, let y = out.baseAddress else { return }
                for i in 0 ..< rows {
                    let norm = _normalize(x + i * n, into: y + i * n, n)
                    norms[i] = norm
                    unsearchable[i] = !(norm > 0 && norm.isFinite)
                }
            }
        }
        self.normalizedMatrix = normalized
        self.norms = norms
        self._unsearchable = unsearchable
        self.threads = threads
    }

    /// `query / ‖query‖`, or nil when the query has zero or non-finite norm.
    public func normalizedQuery(_ query: [Scalar]) -> [Scalar]? {
        precondition(query.count == dimensions, "query has \(query.count) values, index has \(dimensions)")
        var unit = [Scalar](repeating: 0, count: dimensions)
        let norm = query.withUnsafeBufferPointer { q in
            unit.withUnsafeMutableBufferPointer { u in _normalize(q.baseAddress!, into: u.baseAddress!, dimensions) }
        }
        return norm > 0 && norm.isFinite ? unit : nil
    }

    /// The `k` rows most cosine-similar to `query`.
    ///
    /// - Parameters:
    ///   - query: `dimensions` values; need not be normalised.
    ///   - k: number of results wanted (fewer if fewer rows qualify).
    ///   - excluding: rows never returned (e.g. the query words).
    ///   - rowLimit: search only rows `0 ..< rowLimit` (gensim's `restrict_vocab`).
    /// - Returns: at most `k` neighbours, best first; empty for a zero or non-finite query.
    /// - Complexity: O(rows × dimensions + rows' log k), split over ``threads``.
    public func search(query: [Scalar], k: Int, excluding: Set<Int> = [], rowLimit: Int? = nil) -> [Neighbor] {
        precondition(k >= 0, "k must be non-negative (got \(k))")
        guard let unit = normalizedQuery(query) else { return [] }
        return _searchUnit(unit, k: k, excluding: excluding, rowLimit: rowLimit)
    }

    /// Search with an already normalised query (no check).
    @usableFromInline
    func _searchUnit(_ unit: [Scalar], k: Int, excluding: Set<Int>, rowLimit: Int?) -> [Neighbor] {
        let end = min(rowLimit ?? rows, rows), n = dimensions
        // Two workers only pay off when each has far more work than waking a thread costs.
        let workers = end * n >= 1 << 20 ? min(threads, 8) : 1
        var partial = [TopK](repeating: TopK(k: k), count: workers)
        // The workers are the threads: OpenBLAS's sgemv runs on the caller's thread inside each.
        let savedBLASThreads = BLAS.threadCount
        BLAS.setThreadCount(1)
        defer { BLAS.setThreadCount(max(savedBLASThreads, 1)) }
        normalizedMatrix.withUnsafeBufferPointer { m in
            unit.withUnsafeBufferPointer { q in
                _unsearchable.withUnsafeBufferPointer { skip in
                    guard let base = m.baseAddress else { return }
                    if workers == 1 {
                        _scanRows(base, n, 0, end, q.baseAddress!, skip.baseAddress!, excluding, into: &partial[0])
                        return
                    }
                    partial.withUnsafeMutableBufferPointer { tops in
                        let tops = _SendablePointer(tops.baseAddress!)
                        let (mBase, qBase, sBase) = (_SendablePointer(base), _SendablePointer(q.baseAddress!),
                                                     _SendablePointer(skip.baseAddress!))
                        DispatchQueue.concurrentPerform(iterations: workers) { w in
                            let lo = end * w / workers, hi = end * (w + 1) / workers
                            _scanRows(mBase.pointer, n, lo, hi, qBase.pointer, sBase.pointer, excluding,
                                      into: &tops.pointer[w])
                        }
                    }
                }
            }
        }
        var top = partial[0]
        for w in partial.indices.dropFirst() { top.merge(partial[w]) }
        return top.sorted()
    }

    /// The `k` rows most cosine-similar to each query, by blocked `cblas_sgemm`.
    ///
    /// - Parameters:
    ///   - queries: `q × dimensions`, one query per row; zero rows get no results.
    ///   - k: results per query.
    ///   - excluding: empty, or `q` lists of rows never returned for that query.
    ///   - rowLimit: search only rows `0 ..< rowLimit`.
    /// - Returns: `q` lists of at most `k` neighbours, best first.
    /// - Complexity: O(q × rows × dimensions) flops at sgemm speed, plus
    ///   O(q × rows) threshold tests; rows are split over ``threads``.
    public func search(queries: RowMatrix, k: Int, excluding: [[Int]] = [], rowLimit: Int? = nil) -> [[Neighbor]] {
        precondition(k >= 0, "k must be non-negative (got \(k))")
        precondition(queries.columns == dimensions, "queries have \(queries.columns) columns, index has \(dimensions)")
        precondition(excluding.isEmpty || excluding.count == queries.rows,
                     "excluding has \(excluding.count) lists for \(queries.rows) queries")
        let q = queries.rows, n = dimensions, end = min(rowLimit ?? rows, rows)
        // Normalise the queries; zero queries are dropped from the product.
        var units = RowMatrix(rows: q, columns: n)
        var isValid = [Bool](repeating: false, count: q)
        units.withUnsafeMutableBufferPointer { u in
            queries.withUnsafeBufferPointer { src in
                guard let y = u.baseAddress, let x = src.baseAddress else { return }
                for i in 0 ..< q {
                    let norm = _normalize(x + i * n, into: y + i * n, n)
                    isValid[i] = norm > 0 && norm.isFinite
                }
            }
        }
        let excludedSets = excluding.map { Set($0) }
        let valid = isValid
        let workers = q * end * n >= 1 << 22 ? threads : 1
        // Each worker keeps its own heap per query; merged in order at the end.
        var partial = [[TopK]](repeating: [TopK](repeating: TopK(k: k), count: q), count: workers)
        let queryBlock = 256, rowBlock = 1024
        let savedBLASThreads = BLAS.threadCount
        BLAS.setThreadCount(1)
        defer { BLAS.setThreadCount(max(savedBLASThreads, 1)) }

        normalizedMatrix.withUnsafeBufferPointer { m in
            units.withUnsafeBufferPointer { u in
                _unsearchable.withUnsafeBufferPointer { skip in
                    partial.withUnsafeMutableBufferPointer { partial in
                        guard let mBase = m.baseAddress, let uBase = u.baseAddress else { return }
                        let ctx = (_SendablePointer(mBase), _SendablePointer(uBase), _SendablePointer(skip.baseAddress!),
                                   _SendablePointer(partial.baseAddress!))
                        let blocks = (end + rowBlock - 1) / rowBlock
                        let work: @Sendable (Int) -> Void = { w in
                            let (mP, uP, sP, tP) = (ctx.0.pointer, ctx.1.pointer, ctx.2.pointer, ctx.3.pointer)
                            let scores = UnsafeMutablePointer<Scalar>.allocate(capacity: queryBlock * rowBlock)
                            defer { scores.deallocate() }
                            // Contiguous share of row blocks per worker: coarse-grained.
                            let firstBlock = blocks * w / workers, lastBlock = blocks * (w + 1) / workers
                            for qb in stride(from: 0, to: q, by: queryBlock) {
                                let qn = min(queryBlock, q - qb)
                                for b in firstBlock ..< lastBlock {
                                    let r0 = b * rowBlock, rn = min(rowBlock, end - r0)
                                    // scores[qn × rn] = units[qb ..< qb+qn] · rowsᵀ[r0 ..< r0+rn]
                                    BLAS.gemmTransposedB(m: qn, n: rn, k: n, uP + qb * n, lda: n, mP + r0 * n, ldb: n,
                                                         scores, ldc: rn)
                                    for i in 0 ..< qn where valid[qb + i] {
                                        let excluded = excludedSets.isEmpty ? [] : excludedSets[qb + i]
                                        _selectScores(scores + i * rn, rn, rowOffset: r0, sP, excluded,
                                                      into: &tP[w][qb + i])
                                    }
                                }
                            }
                        }
                        if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
                    }
                }
            }
        }
        return (0 ..< q).map { i in
            var top = partial[0][i]
            for w in 1 ..< workers { top.merge(partial[w][i]) }
            return top.sorted()
        }
    }
}

/// Offers `count` precomputed scores (rows `rowOffset ..< rowOffset + count`) to `top`.
@inline(__always) @usableFromInline
func _selectScores(_ scores: UnsafePointer<Scalar>, _ count: Int, rowOffset: Int, _ skip: UnsafePointer<Bool>,
                   _ excluded: Set<Int>, into top: inout TopK) {
    var threshold = top.threshold
    var j = 0
    // Once the heap is full almost no score passes: test 16 at a time and skip blocks where none does.
    while j &+ 16 <= count {
        let raw = UnsafeRawPointer(scores + j)
        let a = raw.loadUnaligned(as: SIMD8<Scalar>.self), b = raw.loadUnaligned(fromByteOffset: 32, as: SIMD8<Scalar>.self)
        let limit = SIMD8<Scalar>(repeating: threshold)
        if !any((a .>= limit) .| (b .>= limit)) { j &+= 16; continue }
        for l in j ..< j &+ 16 where scores[l] >= threshold {
            let row = rowOffset &+ l
            if !skip[row] && (excluded.isEmpty || !excluded.contains(row)) {
                top.insert(Neighbor(row: row, score: scores[l]))
                threshold = top.threshold
            }
        }
        j &+= 16
    }
    while j < count {
        let s = scores[j]
        if s >= threshold {
            let row = rowOffset &+ j
            if !skip[row] && (excluded.isEmpty || !excluded.contains(row)) {
                top.insert(Neighbor(row: row, score: s))
                threshold = top.threshold
            }
        }
        j &+= 1
    }
}

/// A pointer handed to worker closures; the caller keeps the memory alive and gives
/// each worker disjoint writes.
@usableFromInline
struct _SendablePointer<T>: @unchecked Sendable {
    @usableFromInline let pointer: UnsafeMutablePointer<T>
    @usableFromInline init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
    @usableFromInline init(_ pointer: UnsafePointer<T>) { self.pointer = UnsafeMutablePointer(mutating: pointer) }
}
