import EmbeddingCore

// The HNSW graph as flat arrays inside one block of memory (malloc'd after a build,
// mmap'd after a load): the block *is* the file payload, so saving is one write and
// loading is one mmap. Layout (offsets from the block start, each section 8-byte aligned):
//
//   vectors      rows × dimensions Float32   unit rows (zeros for rows not in the graph)
//   levels       rows Int32                  top layer of each row, −1 = not in the graph
//   upperOffsets rows Int64                  first Int32 slot of the row's layer-1 block, −1 if level ≤ 0
//   layer0       rows × (M0 + 1) Int32       [count, link₀, …] per row
//   upperLinks   upperLinkCount Int32        per row with level L ≥ 1: L blocks of (M + 1) slots [count, links…]

/// Section byte offsets of a graph block.
@usableFromInline
struct _HNSWLayout: Equatable, Sendable {
    let rows: Int, dimensions: Int, m: Int, m0: Int, upperLinkCount: Int
    let vectors: Int, levels: Int, upperOffsets: Int, layer0: Int, upperLinks: Int, byteCount: Int

    /// nil if any size overflows `Int` (a corrupt header).
    init?(rows: Int, dimensions: Int, m: Int, m0: Int, upperLinkCount: Int) {
        func padded(_ bytes: Int) -> Int? {
            let (sum, overflow) = bytes.addingReportingOverflow(7)
            return overflow ? nil : sum & ~7
        }
        func times(_ a: Int, _ b: Int) -> Int? {
            let (product, overflow) = a.multipliedReportingOverflow(by: b)
            return overflow ? nil : product
        }
        guard rows >= 0, dimensions >= 0, m >= 0, m0 >= 0, upperLinkCount >= 0,
              let v = times(rows, dimensions).flatMap({ times($0, 4) }).flatMap(padded),
              let l = times(rows, 4).flatMap(padded),
              let u = times(rows, 8),
              let z = times(rows, m0 + 1).flatMap({ times($0, 4) }).flatMap(padded),
              let x = times(upperLinkCount, 4).flatMap(padded) else { return nil }
        let (total, overflow) = v.addingReportingOverflow(l + u + z + x)
        guard !overflow, l + u + z + x >= 0 else { return nil }
        self.rows = rows; self.dimensions = dimensions; self.m = m; self.m0 = m0
        self.upperLinkCount = upperLinkCount
        vectors = 0; levels = v; upperOffsets = v + l; layer0 = v + l + u; upperLinks = v + l + u + z
        byteCount = total
    }
}

/// Owner of a graph block: frees or unmaps it when the last index using it goes away.
@usableFromInline
final class _HNSWStorage: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let layout: _HNSWLayout
    let release: (UnsafeMutableRawPointer, Int) -> Void

    init(base: UnsafeMutableRawPointer, layout: _HNSWLayout, release: @escaping (UnsafeMutableRawPointer, Int) -> Void) {
        self.base = base
        self.layout = layout
        self.release = release
    }

    deinit { release(base, layout.byteCount) }

    var graph: _HNSWGraph { _HNSWGraph(base: base, layout: layout) }
}

/// Typed pointers into a graph block. Node ids are rows; link slots are Int32.
@usableFromInline
struct _HNSWGraph: @unchecked Sendable {
    let vectors: UnsafeMutablePointer<Scalar>
    let levels: UnsafeMutablePointer<Int32>
    let upperOffsets: UnsafeMutablePointer<Int64>
    let layer0: UnsafeMutablePointer<Int32>
    let upperLinks: UnsafeMutablePointer<Int32>
    let dimensions: Int, m: Int, m0: Int

    init(base: UnsafeMutableRawPointer, layout: _HNSWLayout) {
        vectors = (base + layout.vectors).assumingMemoryBound(to: Scalar.self)
        levels = (base + layout.levels).assumingMemoryBound(to: Int32.self)
        upperOffsets = (base + layout.upperOffsets).assumingMemoryBound(to: Int64.self)
        layer0 = (base + layout.layer0).assumingMemoryBound(to: Int32.self)
        upperLinks = (base + layout.upperLinks).assumingMemoryBound(to: Int32.self)
        dimensions = layout.dimensions; m = layout.m; m0 = layout.m0
    }

    @inline(__always) func vector(_ node: Int) -> UnsafeMutablePointer<Scalar> { vectors + node &* dimensions }

    /// The `[count, links…]` block of `node` at `level`.
    @inline(__always) func links(_ node: Int, _ level: Int) -> UnsafeMutablePointer<Int32> {
        if level == 0 { return layer0 + node &* (m0 &+ 1) }
        let slot: Int = Int(truncatingIfNeeded: upperOffsets[node]) &+ (level &- 1) &* (m &+ 1)
        return upperLinks + slot
    }

    @inline(__always) func maxLinks(_ level: Int) -> Int { level == 0 ? m0 : m }

    @inline(__always) func similarity(_ query: UnsafePointer<Scalar>, _ node: Int) -> Scalar {
        _dot(query, vector(node), dimensions)
    }

    /// Greedy walk to the most similar node at `level` (ef = 1).
    func greedy(_ query: UnsafePointer<Scalar>, from entry: Int, level: Int) -> (node: Int, score: Scalar) {
        var best = entry, bestScore = similarity(query, entry)
        var improved = true
        while improved {
            improved = false
            let block = links(best, level)
            for i in 0 ..< Int(block[0]) {
                let e = Int(block[1 + i])
                let s = similarity(query, e)
                if s > bestScore || (s == bestScore && e < best) {
                    best = e; bestScore = s; improved = true
                }
            }
        }
        return (best, bestScore)
    }

    /// Best-first search of one layer (Malkov & Yashunin 2018, Algorithm 2).
    /// - Returns: up to `ef` (node, score) pairs, unordered.
    /// - Complexity: about `ef × degree` similarity evaluations.
    func searchLayer(_ query: UnsafePointer<Scalar>, entry: (node: Int, score: Scalar), ef: Int, level: Int,
                     visited: inout _VisitedSet) -> [_Scored] {
        visited.clear()
        _ = visited.insert(entry.node)
        var candidates = _ScoredHeap(maxHeap: true)
        var results = _ScoredHeap(maxHeap: false)
        candidates.push(_Scored(entry.node, entry.score))
        results.push(_Scored(entry.node, entry.score))
        while let c = candidates.pop() {
            if results.count >= ef && c.score < results.top!.score { break }
            let block = links(c.node, level)
            for i in 0 ..< Int(block[0]) {
                let e = Int(block[1 + i])
                guard visited.insert(e) else { continue }
                let s = similarity(query, e)
                if results.count < ef || s > results.top!.score {
                    candidates.push(_Scored(e, s))
                    results.push(_Scored(e, s))
                    if results.count > ef { _ = results.pop() }
                }
            }
        }
        return results.elements
    }
}

/// A node with its similarity to the current query.
@usableFromInline
struct _Scored: Sendable {
    var node: Int, score: Scalar
    init(_ node: Int, _ score: Scalar) { self.node = node; self.score = score }
    /// Higher score first, then lower node: a total order, so builds are deterministic.
    @inline(__always) func ranksBefore(_ other: _Scored) -> Bool {
        score > other.score || (score == other.score && node < other.node)
    }
}

/// Binary heap of `_Scored`: `maxHeap` pops the best first, otherwise the worst first.
struct _ScoredHeap {
    private(set) var elements: [_Scored] = []
    let maxHeap: Bool
    init(maxHeap: Bool) { self.maxHeap = maxHeap }
    var count: Int { elements.count }
    var top: _Scored? { elements.first }

    @inline(__always) private func above(_ a: _Scored, _ b: _Scored) -> Bool {
        maxHeap ? a.ranksBefore(b) : b.ranksBefore(a)
    }

    mutating func push(_ x: _Scored) {
        elements.append(x)
        var child = elements.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard above(elements[child], elements[parent]) else { break }
            elements.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> _Scored? {
        guard let first = elements.first else { return nil }
        let last = elements.removeLast()
        if !elements.isEmpty {
            elements[0] = last
            var parent = 0
            let n = elements.count
            while true {
                let left = 2 * parent + 1
                guard left < n else { break }
                var best = left
                if left + 1 < n && above(elements[left + 1], elements[left]) { best = left + 1 }
                guard above(elements[best], elements[parent]) else { break }
                elements.swapAt(best, parent)
                parent = best
            }
        }
        return first
    }
}

/// Visited marks for one search: a generation-stamped array over all rows, so clearing is O(1).
struct _VisitedSet {
    private var marks: [UInt32]
    private var generation: UInt32 = 0
    init(capacity: Int) { marks = [UInt32](repeating: 0, count: capacity) }

    mutating func clear() {
        generation &+= 1
        if generation == 0 {  // wrapped: reset once every 2³² searches
            for i in marks.indices { marks[i] = 0 }
            generation = 1
        }
    }

    /// Marks `node`; false if it was already marked in this generation.
    @inline(__always) mutating func insert(_ node: Int) -> Bool {
        if marks[node] == generation { return false }
        marks[node] = generation
        return true
    }
}
