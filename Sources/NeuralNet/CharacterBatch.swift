import Tensor

/// A batch of words as padded character-id sequences.
///
/// Shapes: `ids` is `[count × maxLength]` row-major (batch-major, as a trainer naturally builds
/// it); positions at or past a word's length hold any id (typically the padding slot) and are
/// never read. Every length must be in `1 ... maxLength`.
public struct CharacterBatch: Sendable, Equatable {
    public let ids: [Int32]
    public let lengths: [Int32]
    public let maxLength: Int
    /// Each word's n-gram bucket ids (batch order) for a hybrid model; nil for a purely
    /// recurrent one. The model averages these rows of its n-gram table into each prediction.
    public var ngrams: [[Int32]]?
    /// A context vector per word, `[count × contextDimensions]` in batch order, for a model whose
    /// MLP takes one (``CharToVectorConfiguration/contextDimensions``); nil otherwise. It is an
    /// input: no gradient flows into it.
    public var context: [Scalar]?

    /// Number of words.
    public var count: Int { lengths.count }

    /// A batch over padded ids; traps on inconsistent shapes or lengths outside `1 ... maxLength`.
    public init(ids: [Int32], lengths: [Int32], maxLength: Int) {
        precondition(ids.count == lengths.count * maxLength,
                     "ids.count \(ids.count) != \(lengths.count) words × maxLength \(maxLength)")
        for (i, l) in lengths.enumerated() {
            precondition(l >= 1 && Int(l) <= maxLength, "word \(i) has length \(l), expected 1...\(maxLength)")
        }
        self.ids = ids
        self.lengths = lengths
        self.maxLength = maxLength
    }

    /// A batch from unpadded sequences, padded with `paddingIndex`.
    public init(sequences: [[Int32]], paddingIndex: Int32) {
        let maxLength = sequences.map(\.count).max() ?? 0
        var ids = [Int32](repeating: paddingIndex, count: sequences.count * maxLength)
        for (i, s) in sequences.enumerated() {
            for (t, c) in s.enumerated() { ids[i * maxLength + t] = c }
        }
        self.init(ids: ids, lengths: sequences.map { Int32($0.count) }, maxLength: maxLength)
    }

    /// The id of word `word` at position `position`.
    public subscript(word: Int, position: Int) -> Int32 { ids[word * maxLength + position] }

    /// Words `range` as their own batch (same `maxLength`, with their context rows).
    public func slice(_ range: Range<Int>) -> CharacterBatch {
        var part = CharacterBatch(ids: Array(ids[range.lowerBound * maxLength ..< range.upperBound * maxLength]),
                                  lengths: Array(lengths[range]), maxLength: maxLength)
        if let context, count > 0 {
            let width = context.count / count
            part.context = Array(context[range.lowerBound * width ..< range.upperBound * width])
        }
        return part
    }
}

/// The time-major packed layout of a variable-length batch (PyTorch's `PackedSequence`).
///
/// Words are sorted by length, longest first (stable), into slots `0 ..< count`. At time `t`
/// the words still running are exactly slots `0 ..< batchSizes[t]`, and their rows are
/// `offsets[t] ..< offsets[t] + batchSizes[t]` of every packed `[totalRows × width]` buffer.
/// Padded positions therefore own no row at all: they cannot change states or gradients, and a
/// batch of equal-length words is plain time-major `[T·B × width]` with no masking work.
public struct PackedSequences: Sendable, Equatable {
    /// Lengths in slot order (non-increasing).
    public let lengths: [Int]
    /// `order[slot]` is the word's index in the original batch.
    public let order: [Int]
    /// Number of running words at each time step.
    public let batchSizes: [Int]
    /// First packed row of each time step.
    public let offsets: [Int]
    /// Σ lengths: the number of packed rows.
    public let totalRows: Int

    public var count: Int { lengths.count }
    public var maxLength: Int { batchSizes.count }
    /// True when every word has the same length (no masking anywhere).
    public var isUniform: Bool { lengths.first == lengths.last }

    /// Packs words of the given lengths (each ≥ 1). - Complexity: O(B log B + T).
    public init(lengths unsorted: [Int]) {
        precondition(unsorted.allSatisfy { $0 >= 1 }, "every sequence needs at least one step")
        let order = unsorted.indices.sorted { a, b in
            unsorted[a] != unsorted[b] ? unsorted[a] > unsorted[b] : a < b
        }
        self.order = order
        lengths = order.map { unsorted[$0] }
        let maxLength = lengths.first ?? 0
        var sizes = [Int](repeating: 0, count: maxLength)
        for l in lengths { for t in 0..<l { sizes[t] += 1 } }
        batchSizes = sizes
        var offsets = [Int](repeating: 0, count: maxLength)
        var running = 0
        for t in 0..<maxLength { offsets[t] = running; running += sizes[t] }
        self.offsets = offsets
        totalRows = running
    }

    /// Packed row of slot `slot` at time `t` (requires `t < lengths[slot]`).
    @inline(__always)
    public func row(time t: Int, slot: Int) -> Int { offsets[t] + slot }

    /// The character ids of `batch` in packed-row order.
    public func packedIDs(_ batch: CharacterBatch) -> [Int32] {
        precondition(batch.count == count, "batch has \(batch.count) words, packing has \(count)")
        var out = [Int32](repeating: 0, count: totalRows)
        for t in 0..<maxLength {
            for slot in 0..<batchSizes[t] { out[offsets[t] + slot] = batch[order[slot], t] }
        }
        return out
    }
}
