#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import EmbeddingCore
import Synchronization

/// Construction parameters of an ``HNSWIndex``.
public struct HNSWParameters: Sendable, Equatable {
    /// Links per node on layers ≥ 1 (`M`); layer 0 keeps up to `2 × M`.
    public var maxConnections: Int
    /// Candidate list size while inserting (`efConstruction`): higher is slower and more accurate.
    public var efConstruction: Int
    /// Seed for the random layer of every node; equal seeds give identical graphs.
    public var seed: UInt64

    public init(maxConnections: Int = 16, efConstruction: Int = 200, seed: UInt64 = 42) {
        precondition(maxConnections >= 2, "maxConnections must be at least 2 (got \(maxConnections))")
        precondition(efConstruction >= 1, "efConstruction must be positive (got \(efConstruction))")
        self.maxConnections = maxConnections
        self.efConstruction = efConstruction
        self.seed = seed
    }
}

/// Approximate cosine search with a hierarchical navigable small-world graph
/// (Malkov & Yashunin 2018, "Efficient and robust approximate nearest neighbor search
/// using Hierarchical Navigable Small World graphs").
///
/// Rows are normalised into the index (one more `rows × dimensions` Float32 copy plus
/// about `rows × (2M + 1) × 4` bytes of links). Rows with zero or non-finite norm are left
/// out of the graph and never returned. Neighbours are chosen with the paper's heuristic
/// (Algorithm 4, without keeping pruned links).
///
/// **Determinism.** Nodes are inserted in row order in batches whose sizes depend only on
/// the number of rows inserted so far. Within a batch, the layer searches run in parallel
/// against the graph as it was before the batch, then the links are added sequentially in
/// row order, each node also considering the earlier nodes of its batch. The graph therefore
/// depends only on the data and ``HNSWParameters``, not on the number of threads.
public struct HNSWIndex: Sendable {
    @usableFromInline let _storage: _HNSWStorage
    let _visitedPool: _VisitedPool
    /// Construction parameters (the seed is not stored in saved files; it reads back as 0).
    public let parameters: HNSWParameters
    /// Top node and layer where searches start (−1 and −1 for an empty graph).
    public let entryPoint: Int
    public let maxLevel: Int
    /// Default candidate list size of searches (`efSearch`); raised to `k` when smaller.
    public var efSearch: Int = 128

    /// Number of rows (including rows left out of the graph).
    public var rows: Int { _storage.layout.rows }
    /// Vector dimension.
    public var dimensions: Int { _storage.layout.dimensions }

    init(storage: _HNSWStorage, parameters: HNSWParameters, entryPoint: Int, maxLevel: Int) {
        _storage = storage
        _visitedPool = _VisitedPool(capacity: storage.layout.rows)
        self.parameters = parameters
        self.entryPoint = entryPoint
        self.maxLevel = maxLevel
    }

    /// Builds the graph over the rows of `matrix`.
    /// - Parameters:
    ///   - matrix: `rows × dimensions`; rows need not be normalised.
    ///   - parameters: M, efConstruction and seed.
    ///   - threads: workers for the parallel part of each batch (the result does not depend on it).
    /// - Complexity: about O(rows × log(rows) × efConstruction × M) similarity evaluations.
    public init(matrix: RowMatrix, parameters: HNSWParameters = HNSWParameters(), threads: Int = 2) {
        precondition(threads >= 1, "threads must be at least 1 (got \(threads))")
        let n = matrix.rows, d = matrix.columns, m = parameters.maxConnections, m0 = 2 * parameters.maxConnections
        // Layers: ⌊−ln(U) × mL⌋ with mL = 1 / ln(M), drawn in row order for searchable rows.
        var norms = [Scalar](repeating: 0, count: n)
        matrix.withUnsafeBufferPointer { x in
            for i in 0 ..< n { norms[i] = _dot(x.baseAddress! + i * d, x.baseAddress! + i * d, d).squareRoot() }
        }
        var rng = SplitMix64(seed: parameters.seed)
        let mL = 1 / log(Double(m))
        var levels = [Int32](repeating: -1, count: n)
        var upperOffsets = [Int64](repeating: -1, count: n)
        var upperSlots = 0
        for i in 0 ..< n where norms[i] > 0 && norms[i].isFinite {
            let u = (Double(rng.next() >> 11) + 1) * 0x1p-53  // (0, 1]
            let level = min(Int(-log(u) * mL), 30)
            levels[i] = Int32(level)
            if level > 0 {
                upperOffsets[i] = Int64(upperSlots)
                upperSlots += level * (m + 1)
            }
        }
        guard let layout = _HNSWLayout(rows: n, dimensions: d, m: m, m0: m0, upperLinkCount: upperSlots),
              let base = malloc(max(layout.byteCount, 8)) else { fatalError("cannot allocate the HNSW graph") }
        memset(base, 0, layout.byteCount)  // link counts start at 0
        let storage = _HNSWStorage(base: base, layout: layout) { pointer, _ in free(pointer) }
        let graph = storage.graph
        matrix.withUnsafeBufferPointer { x in
            for i in 0 ..< n where levels[i] >= 0 {
                _ = _normalize(x.baseAddress! + i * d, into: graph.vector(i), d)
            }
        }
        levels.withUnsafeBufferPointer { graph.levels.update(from: $0.baseAddress!, count: n) }
        upperOffsets.withUnsafeBufferPointer { graph.upperOffsets.update(from: $0.baseAddress!, count: n) }

        var builder = _HNSWBuilder(graph: graph, efConstruction: parameters.efConstruction, rows: n, threads: threads)
        builder.insertAll(order: (0 ..< n).filter { levels[$0] >= 0 })
        self.init(storage: storage, parameters: parameters, entryPoint: builder.entryPoint, maxLevel: builder.maxLevel)
    }

    /// Approximate `k` most cosine-similar rows to `query`.
    /// - Parameters:
    ///   - query: `dimensions` values; need not be normalised.
    ///   - k: results wanted.
    ///   - efSearch: candidate list size (default ``efSearch``); raised to `k + excluding.count`.
    ///   - excluding: rows never returned.
    /// - Returns: at most `k` neighbours, best first (score = cosine); empty for a zero query.
    /// - Complexity: about O(log(rows) + efSearch × 2M) similarity evaluations.
    public func search(query: [Scalar], k: Int, efSearch: Int? = nil, excluding: Set<Int> = []) -> [Neighbor] {
        precondition(query.count == dimensions, "query has \(query.count) values, index has \(dimensions)")
        precondition(k >= 0, "k must be non-negative (got \(k))")
        guard entryPoint >= 0, k > 0 else { return [] }
        var unit = [Scalar](repeating: 0, count: dimensions)
        let norm = query.withUnsafeBufferPointer { q in
            unit.withUnsafeMutableBufferPointer { _normalize(q.baseAddress!, into: $0.baseAddress!, dimensions) }
        }
        guard norm > 0 && norm.isFinite else { return [] }
        let ef = max(efSearch ?? self.efSearch, k + excluding.count)
        var visited = _visitedPool.take()
        defer { _visitedPool.give(visited) }
        let found: [_Scored] = withExtendedLifetime(_storage) {
            let graph = _storage.graph
            return unit.withUnsafeBufferPointer { q in
                var entry = (node: entryPoint, score: graph.similarity(q.baseAddress!, entryPoint))
                for level in stride(from: maxLevel, to: 0, by: -1) {
                    entry = graph.greedy(q.baseAddress!, from: entry.node, level: level)
                }
                return graph.searchLayer(q.baseAddress!, entry: entry, ef: ef, level: 0, visited: &visited)
            }
        }
        return found.filter { !excluding.contains($0.node) }.sorted { $0.ranksBefore($1) }.prefix(k)
            .map { Neighbor(row: $0.node, score: $0.score) }
    }

    /// A copy of the unit vector stored for `row`, or nil if the row is left out of the graph.
    /// Lets a caller check that an index loaded from a file was built from a given table.
    public func normalizedVector(row: Int) -> [Scalar]? {
        guard contains(row: row) else { return nil }
        return withExtendedLifetime(_storage) {
            Array(UnsafeBufferPointer(start: _storage.graph.vector(row), count: dimensions))
        }
    }

    /// Whether `row` is in the graph (it had a non-zero, finite norm).
    public func contains(row: Int) -> Bool {
        precondition(row >= 0 && row < rows, "row \(row) out of range 0..<\(rows)")
        return withExtendedLifetime(_storage) { _storage.graph.levels[row] >= 0 }
    }
}

/// Reusable visited sets for concurrent searches (each holds one UInt32 per row).
final class _VisitedPool: Sendable {
    private let free = Mutex<[_VisitedSet]>([])
    let capacity: Int
    init(capacity: Int) { self.capacity = capacity }
    func take() -> _VisitedSet { free.withLock { $0.popLast() } ?? _VisitedSet(capacity: capacity) }
    func give(_ set: _VisitedSet) { free.withLock { if $0.count < 8 { $0.append(set) } } }
}

/// Insertion (Malkov & Yashunin 2018, Algorithm 1) in deterministic batches.
struct _HNSWBuilder {
    let graph: _HNSWGraph
    let efConstruction: Int
    let threads: Int
    var entryPoint = -1
    var maxLevel = -1
    var visited: [_VisitedSet]

    init(graph: _HNSWGraph, efConstruction: Int, rows: Int, threads: Int) {
        self.graph = graph
        self.efConstruction = efConstruction
        self.threads = threads
        visited = (0 ..< threads).map { _ in _VisitedSet(capacity: rows) }
    }

    /// Batch size after `inserted` nodes: 1 at first, then 1/32 of the graph, at most 256.
    /// Depends only on `inserted`, which keeps the graph independent of the thread count.
    static func batchSize(inserted: Int) -> Int { max(1, min(256, inserted / 32)) }

    mutating func insertAll(order: [Int]) {
        var next = 0
        while next < order.count {
            let batch = Array(order[next ..< min(order.count, next + Self.batchSize(inserted: next))])
            let found = searchBatch(batch)
            linkBatch(batch, found: found)
            next += batch.count
        }
    }

    /// Per node of the batch, per layer 0…min(level, maxLevel): efConstruction candidates
    /// found in the graph as it was before the batch. Runs on `threads` workers.
    mutating func searchBatch(_ batch: [Int]) -> [[[_Scored]]] {
        var found = [[[_Scored]]](repeating: [], count: batch.count)
        guard entryPoint >= 0 else { return found }
        let (graph, ef, entry, top) = (self.graph, efConstruction, entryPoint, maxLevel)
        let workers = batch.count >= 8 ? threads : 1
        found.withUnsafeMutableBufferPointer { out in
            visited.withUnsafeMutableBufferPointer { sets in
                let out = _SendablePointer(out.baseAddress!), sets = _SendablePointer(sets.baseAddress!)
                let work: @Sendable (Int) -> Void = { w in
                    for position in stride(from: w, to: batch.count, by: workers) {
                        let node = batch[position], q = graph.vector(node)
                        let level = Int(graph.levels[node])
                        var current = (node: entry, score: graph.similarity(q, entry))
                        for l in stride(from: top, to: level, by: -1) { current = graph.greedy(q, from: current.node, level: l) }
                        var perLevel = [[_Scored]](repeating: [], count: min(level, top) + 1)
                        for l in stride(from: min(level, top), through: 0, by: -1) {
                            let w0 = graph.searchLayer(q, entry: current, ef: ef, level: l, visited: &sets.pointer[w])
                            perLevel[l] = w0
                            if let best = w0.min(by: { $0.ranksBefore($1) }) { current = (best.node, best.score) }
                        }
                        out.pointer[position] = perLevel
                    }
                }
                if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
            }
        }
        return found
    }

    /// Links the nodes of a batch, giving the graph that linking them one by one in batch order
    /// gives, on `threads` workers:
    /// 1. each node chooses its neighbours per layer from `found` plus the earlier nodes of the
    ///    batch (reads vectors only) and writes its own lists;
    /// 2. the reverse links, grouped by the list they go to, are added in batch order, groups in
    ///    parallel. A list only receives links from later nodes, so each group sees exactly the
    ///    list it would have seen one by one.
    mutating func linkBatch(_ batch: [Int], found: [[[_Scored]]]) {
        let (graph, ef) = (self.graph, efConstruction)
        let workers = batch.count >= 8 ? threads : 1
        func run(_ body: @Sendable (Int) -> Void) {
            if workers == 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: body) }
        }
        var chosen = [[[_Scored]]](repeating: [], count: batch.count)
        chosen.withUnsafeMutableBufferPointer { out in
            let out = _SendablePointer(out.baseAddress!)
            run { w in
                for position in stride(from: w, to: batch.count, by: workers) {
                    let node = batch[position], q = graph.vector(node), level = Int(graph.levels[node])
                    var perLevel = [[_Scored]](repeating: [], count: level + 1)
                    for l in stride(from: level, through: 0, by: -1) {
                        var candidates = l < found[position].count ? found[position][l] : []
                        for p in batch[0 ..< position] where Int(graph.levels[p]) >= l {
                            candidates.append(_Scored(p, graph.similarity(q, p)))
                        }
                        guard !candidates.isEmpty else { continue }
                        candidates.sort { $0.ranksBefore($1) }
                        if candidates.count > ef { candidates.removeLast(candidates.count - ef) }
                        perLevel[l] = graph.selectNeighbours(candidates, max: graph.m)
                        graph.writeLinks(perLevel[l], to: graph.links(node, l))
                    }
                    out.pointer[position] = perLevel
                }
            }
        }
        // Reverse links (target, level, source), in batch order within each target list.
        var reverse: [(target: Int, level: Int, source: Int)] = []
        for (position, node) in batch.enumerated() {
            for (l, links) in chosen[position].enumerated() {
                for e in links { reverse.append((e.node, l, node)) }
            }
        }
        let order = reverse.indices.sorted {
            (reverse[$0].target, reverse[$0].level, $0) < (reverse[$1].target, reverse[$1].level, $1)
        }
        var groupStarts: [Int] = []
        for (k, i) in order.enumerated()
        where k == 0 || (reverse[order[k - 1]].target, reverse[order[k - 1]].level) != (reverse[i].target, reverse[i].level) {
            groupStarts.append(k)
        }
        groupStarts.append(order.count)
        let groups = groupStarts.count - 1
        reverse.withUnsafeBufferPointer { reverse in
            order.withUnsafeBufferPointer { order in
                groupStarts.withUnsafeBufferPointer { starts in
                    let (r, o, g) = (_SendablePointer(reverse.baseAddress!), _SendablePointer(order.baseAddress!),
                                     _SendablePointer(starts.baseAddress!))
                    run { w in
                        for group in stride(from: w, to: groups, by: workers) {
                            for k in g.pointer[group] ..< g.pointer[group + 1] {
                                let link = r.pointer[o.pointer[k]]
                                graph.addLink(from: link.target, to: link.source, level: link.level)
                            }
                        }
                    }
                }
            }
        }
        for node in batch where Int(graph.levels[node]) > maxLevel {
            maxLevel = Int(graph.levels[node])
            entryPoint = node
        }
    }
}

extension _HNSWGraph {
    /// Adds `node` to the level-`level` list of `e`; a full list keeps the best by the heuristic.
    func addLink(from e: Int, to node: Int, level: Int) {
        let block = links(e, level), count = Int(block[0]), limit = maxLinks(level)
        if count < limit {
            block[1 + count] = Int32(node)
            block[0] = Int32(count + 1)
            return
        }
        let x = vector(e)
        var candidates = (0 ..< count).map { i -> _Scored in
            let other = Int(block[1 + i])
            return _Scored(other, similarity(x, other))
        }
        candidates.append(_Scored(node, similarity(x, node)))
        candidates.sort { $0.ranksBefore($1) }
        writeLinks(selectNeighbours(candidates, max: limit), to: block)
    }

    /// The paper's heuristic (Algorithm 4): keep a candidate only if it is more similar to
    /// the base than to every neighbour kept so far. `candidates` are sorted best first.
    func selectNeighbours(_ candidates: [_Scored], max limit: Int) -> [_Scored] {
        var kept: [_Scored] = []
        kept.reserveCapacity(limit)
        for c in candidates {
            if kept.count >= limit { break }
            let x = vector(c.node)
            if kept.allSatisfy({ similarity(x, $0.node) <= c.score }) { kept.append(c) }
        }
        return kept
    }

    func writeLinks(_ links: [_Scored], to block: UnsafeMutablePointer<Int32>) {
        for (i, link) in links.enumerated() { block[1 + i] = Int32(link.node) }
        block[0] = Int32(links.count)
    }
}
