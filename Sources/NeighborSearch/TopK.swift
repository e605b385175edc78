import EmbeddingCore

/// A bounded selection of the `k` best ``Neighbor``s seen so far.
///
/// A binary min-heap whose root is the worst kept element (Williams 1964), so a
/// candidate is tested against ``threshold`` in O(1) and inserted in O(log k).
/// "Better" is ``Neighbor/ranksBefore(_:)``: higher score, then lower row.
@usableFromInline
struct TopK {
    @usableFromInline let k: Int
    @usableFromInline var _heap: [Neighbor] = []

    @usableFromInline init(k: Int) {
        precondition(k >= 0, "k must be non-negative (got \(k))")
        self.k = k
        _heap.reserveCapacity(k)
    }

    /// Scores strictly above this may enter; `-infinity` until `k` elements are kept.
    /// (A score equal to the threshold can still enter with a lower row: use ``insert(_:)``.)
    @inline(__always) @usableFromInline
    var threshold: Scalar {
        if k == 0 { return .infinity }
        return _heap.count < k ? -.infinity : _heap[0].score
    }

    /// Whether `candidate` would be kept.
    @inline(__always) @usableFromInline
    func admits(_ candidate: Neighbor) -> Bool {
        k > 0 && (_heap.count < k || candidate.ranksBefore(_heap[0]))
    }

    /// Offers a candidate. - Complexity: O(log k).
    @usableFromInline mutating func insert(_ candidate: Neighbor) {
        guard admits(candidate) else { return }
        if _heap.count < k {
            _heap.append(candidate)
            _siftUp(_heap.count - 1)
        } else {
            _heap[0] = candidate
            _siftDown(0)
        }
    }

    /// Offers every element of `other`.
    @usableFromInline mutating func merge(_ other: TopK) {
        for candidate in other._heap { insert(candidate) }
    }

    /// The kept elements, best first. - Complexity: O(k log k).
    @usableFromInline func sorted() -> [Neighbor] {
        _heap.sorted { $0.ranksBefore($1) }
    }

    // Root holds the worst element: a parent never ranks before its children.
    private mutating func _siftUp(_ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard _heap[parent].ranksBefore(_heap[child]) else { return }
            _heap.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func _siftDown(_ index: Int) {
        var parent = index
        let count = _heap.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { return }
            var worst = left
            let right = left + 1
            if right < count && _heap[left].ranksBefore(_heap[right]) { worst = right }
            guard _heap[parent].ranksBefore(_heap[worst]) else { return }
            _heap.swapAt(parent, worst)
            parent = worst
        }
    }
}
