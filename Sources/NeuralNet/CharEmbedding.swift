import Tensor

/// A character embedding table `E [vocabularySize × dimensions]`; row `paddingIndex` stays zero
/// and receives no gradient (PyTorch's `padding_idx`).
public struct CharEmbedding: Sendable {
    public let vocabularySize: Int
    public let dimensions: Int
    public let paddingIndex: Int32?
    public let table: ParameterLayout.Entry

    /// Declares `"<name>.table"` in `layout`.
    public init(vocabularySize: Int, dimensions: Int, paddingIndex: Int32?, name: String,
                layout: inout ParameterLayout) {
        precondition(paddingIndex.map { $0 >= 0 && Int($0) < vocabularySize } ?? true, "padding index out of range")
        self.vocabularySize = vocabularySize
        self.dimensions = dimensions
        self.paddingIndex = paddingIndex
        table = layout.add("\(name).table", rows: vocabularySize, columns: dimensions)
    }

    /// `N(0, 1)` rows (PyTorch's default), zero padding row.
    public func initialize(_ p: inout some ParameterSet, rng: inout SplitMix64) {
        Initialization.normal(&p, table, std: 1, rng: &rng)
        if let paddingIndex {
            Initialization.fill(&p, table, value: 0,
                                range: Int(paddingIndex) * dimensions ..< (Int(paddingIndex) + 1) * dimensions)
        }
    }

    /// Gathers `x[r] = E[ids[r]]` for every id: x `[ids.count × dimensions]` (overwrites).
    public func forward(ids: [Int32], parameters: some ParameterSet, into x: inout [Scalar]) {
        let d = dimensions
        for (r, id) in ids.enumerated() {
            precondition(id >= 0 && Int(id) < vocabularySize, "character id \(id) outside 0..<\(vocabularySize)")
            Kernels.copyRows(parameters.values, table.offset + Int(id) * d, srcLd: d, into: &x, r * d, dstLd: d,
                             rows: 1, columns: d)
        }
    }

    /// Scatters `dE[ids[r]] += dx[r]`, skipping the padding id (accumulates: shared rows sum up).
    public func backward(ids: [Int32], dOutput dx: [Scalar], gradients: inout some ParameterSet) {
        let d = dimensions
        for (r, id) in ids.enumerated() where id != paddingIndex {
            Kernels.axpy(1, dx, r * d, &gradients.values, table.offset + Int(id) * d, count: d)
        }
    }
}
