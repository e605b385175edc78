import Tensor

/// The trainable n-gram table of the hybrid model: `[buckets × dimensions]`, zero at start.
/// A word's n-gram vector is the mean of its grams' rows (PyTorch's `EmbeddingBag(mode: mean)`).
///
/// The table is kept apart from the dense ``FlatParameters``: a step touches a few thousand of its
/// rows, so its gradient (``SparseRowGradient``) and optimiser (``SparseAdam``) are sparse.
public struct NgramTable: Sendable, Equatable {
    public let configuration: NgramConfiguration
    public let dimensions: Int
    /// Row-major `[buckets × dimensions]`.
    public var values: [Scalar]

    /// A zero table.
    public init(configuration: NgramConfiguration, dimensions: Int) {
        self.configuration = configuration
        self.dimensions = dimensions
        values = [Scalar](repeating: 0, count: configuration.buckets * dimensions)
    }

    /// A table with saved values; the count must be `buckets × dimensions`.
    public init(configuration: NgramConfiguration, dimensions: Int, values: [Scalar]) {
        precondition(values.count == configuration.buckets * dimensions,
                     "n-gram table needs \(configuration.buckets) × \(dimensions) values, got \(values.count)")
        self.configuration = configuration
        self.dimensions = dimensions
        self.values = values
    }

    /// Adds the mean row of `ids[w]` to row `w` of `output` (`[ids.count × dimensions]`).
    /// - Complexity: O(Σ grams × dimensions).
    public func addBags(_ ids: [[Int32]], into output: inout [Scalar]) {
        let d = dimensions
        precondition(output.count >= ids.count * d, "output too small for \(ids.count) bags")
        for (w, grams) in ids.enumerated() where !grams.isEmpty {
            let scale = 1 / Scalar(grams.count)
            for id in grams { Kernels.axpy(scale, values, Int(id) * d, &output, w * d, count: d) }
        }
    }
}

/// The gradient of an ``NgramTable`` for one step: the touched rows (each once) and their sums.
public struct SparseRowGradient: Sendable {
    public let dimensions: Int
    /// Touched table rows, in first-touch order.
    public private(set) var rows: [Int32] = []
    /// `[rows.count × dimensions]`, row k for table row `rows[k]`.
    public private(set) var values: [Scalar] = []
    /// Position of each table row in ``rows``, or −1.
    var slot: [Int32]

    public init(buckets: Int, dimensions: Int) {
        self.dimensions = dimensions
        slot = [Int32](repeating: -1, count: buckets)
    }

    /// Forgets every row. - Complexity: O(touched rows).
    public mutating func reset() {
        for r in rows { slot[Int(r)] = -1 }
        rows.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
    }

    /// Adds `∂L/∂table` for the bags `ids` given `dOutput` (`[ids.count × dimensions]`, the
    /// gradient of each word's bag mean). - Complexity: O(Σ grams × dimensions).
    public mutating func accumulate(_ ids: [[Int32]], dOutput: [Scalar]) {
        let d = dimensions
        precondition(dOutput.count >= ids.count * d, "dOutput too small for \(ids.count) bags")
        for grams in ids {
            for id in grams where slot[Int(id)] < 0 {
                slot[Int(id)] = Int32(rows.count)
                rows.append(id)
            }
        }
        if values.count < rows.count * d { values.append(contentsOf: repeatElement(0, count: rows.count * d - values.count)) }
        for (w, grams) in ids.enumerated() where !grams.isEmpty {
            let scale = 1 / Scalar(grams.count)
            for id in grams {
                let row = Int(slot[Int(id)]) * d
                Kernels.axpy(scale, dOutput, w * d, &values, row, count: d)
            }
        }
    }

    /// Σ g² over the touched rows (Double accumulation).
    public var sumOfSquares: Double { Kernels.sumOfSquares(values, 0, count: values.count) }
}

/// Adam for a sparse table, as PyTorch's `SparseAdam`: only the touched rows' moments and values
/// change; the bias corrections use the step count. `p −= lr·√(1−β₂ᵗ)/(1−β₁ᵗ) · m/(√v + ε)`.
public struct SparseAdam: Sendable, Equatable {
    public var learningRate: Scalar
    public var beta1: Scalar = 0.9
    public var beta2: Scalar = 0.999
    public var epsilon: Scalar = 1e-8
    public internal(set) var step = 0
    /// Moments, same layout as the table.
    public internal(set) var firstMoment: [Scalar]
    public internal(set) var secondMoment: [Scalar]

    public init(count: Int, learningRate: Scalar) {
        self.learningRate = learningRate
        firstMoment = [Scalar](repeating: 0, count: count)
        secondMoment = [Scalar](repeating: 0, count: count)  // not shared: the first step would copy it
    }

    /// Starts over (step 0, zero moments) at `learningRate`, in the same buffers.
    public mutating func reset(learningRate: Scalar) {
        self.learningRate = learningRate
        step = 0
        Kernels.zero(&firstMoment, 0, count: firstMoment.count)
        Kernels.zero(&secondMoment, 0, count: secondMoment.count)
    }

    /// Restores saved state (checkpoints).
    public init(learningRate: Scalar, step: Int, firstMoment: [Scalar], secondMoment: [Scalar]) {
        precondition(firstMoment.count == secondMoment.count && step >= 0, "inconsistent SparseAdam state")
        self.learningRate = learningRate
        self.step = step
        self.firstMoment = firstMoment
        self.secondMoment = secondMoment
    }

    /// One step on the rows of `gradient` (split between two threads with `twoThreads`).
    /// - Complexity: O(touched rows × dimensions).
    public mutating func update(_ table: inout NgramTable, gradient: SparseRowGradient, twoThreads: Bool = false) {
        precondition(table.values.count == firstMoment.count, "SparseAdam state does not match the table")
        step += 1
        let t = Double(step)
        let c1 = 1 - _pow(Double(beta1), t), c2 = 1 - _pow(Double(beta2), t)
        let stepSize = Scalar(Double(learningRate) * c2.squareRoot() / c1)
        Kernels.adamRows(gradient.rows, dimensions: gradient.dimensions, parameters: &table.values, gradients: gradient.values,
                         firstMoment: &firstMoment, secondMoment: &secondMoment, stepSize: stepSize, beta1: beta1, beta2: beta2,
                         epsilon: epsilon, twoThreads: twoThreads)
    }
}
