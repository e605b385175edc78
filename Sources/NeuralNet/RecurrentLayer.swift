import Dispatch
import EmbeddingCore
import Synchronization
import Tensor

/// The recurrent cell of a ``RecurrentLayer``.
public enum RecurrentCellKind: String, Sendable, Codable, CaseIterable {
    /// LSTM, gates `[i f g o]` (Hochreiter & Schmidhuber 1997; PyTorch's order and equations).
    case lstm
    /// GRU, gates `[r z n]` with `n = tanh(xWn + bxn + r ⊙ (hWn + bhn))` (Cho et al. 2014; PyTorch's form).
    case gru

    /// Gate blocks per unit: 4 for LSTM, 3 for GRU.
    public var gateCount: Int { self == .lstm ? 4 : 3 }
}

/// One LSTM or GRU layer, unidirectional or bidirectional, over a ``PackedSequences`` batch.
///
/// Notation: `N` packed rows (Σ lengths), `D` input size, `H` hidden size per direction,
/// `G = gateCount·H`, `S = directions·H` output width. Per direction the parameters are
/// `Wx [D × G]`, `Wh [H × G]`, `b [G]` (LSTM forget block initialised to 1) and, for GRU only,
/// `bhn [H]`; gates are `x·Wx + h·Wh + b`.
///
/// Forward: one GEMM `X[N × D]·Wx` for all steps, then per step `h·Wh` on the running rows only
/// plus one fused SIMD kernel. Backward: per step the fused kernel and `dGates·Whᵀ`, then one GEMM
/// each for `dWx`, `dWh` and `dX` over all steps. Output `Y [N × S]`: forward direction in columns
/// `0 ..< H`, reverse direction in `H ..< 2H`; the reverse direction starts at each word's own last
/// character. - Complexity: ≈ 2·N·G·(D + H) flops forward per direction, twice that backward.
public struct RecurrentLayer: Sendable {
    /// The parameter entries of one direction.
    public struct Direction: Sendable {
        public let reverse: Bool
        public let inputWeight: ParameterLayout.Entry
        public let recurrentWeight: ParameterLayout.Entry
        public let bias: ParameterLayout.Entry
        public let recurrentNewBias: ParameterLayout.Entry?

        /// Scalars of this direction; its entries are contiguous from `inputWeight.offset`.
        public var scalarCount: Int { (recurrentNewBias ?? bias).range.upperBound - inputWeight.offset }
    }

    public let cell: RecurrentCellKind
    public let inputDimensions: Int
    public let hiddenSize: Int
    public let directions: [Direction]

    /// Output width `directions · hiddenSize`.
    public var outputDimensions: Int { hiddenSize * directions.count }

    /// Declares `"<name>.{forward,reverse}.{inputWeight,recurrentWeight,bias[,recurrentNewBias]}"`.
    public init(cell: RecurrentCellKind, inputDimensions: Int, hiddenSize: Int, bidirectional: Bool,
                name: String, layout: inout ParameterLayout) {
        self.cell = cell
        self.inputDimensions = inputDimensions
        self.hiddenSize = hiddenSize
        let g = cell.gateCount * hiddenSize
        directions = (bidirectional ? [false, true] : [false]).map { reverse in
            let prefix = "\(name).\(reverse ? "reverse" : "forward")"
            return Direction(
                reverse: reverse,
                inputWeight: layout.add("\(prefix).inputWeight", rows: inputDimensions, columns: g),
                recurrentWeight: layout.add("\(prefix).recurrentWeight", rows: hiddenSize, columns: g),
                bias: layout.add("\(prefix).bias", rows: 1, columns: g),
                recurrentNewBias: cell == .gru ? layout.add("\(prefix).recurrentNewBias", rows: 1, columns: hiddenSize) : nil)
        }
    }

    /// Xavier-uniform `Wx` per gate block, orthogonal `Wh` per gate block, zero biases except the
    /// LSTM forget gate (1, Jozefowicz et al. 2015).
    ///
    /// With ``InitializationScheme/pytorch``: every weight `U(±1/√H)`; the bias is the sum of
    /// PyTorch's two (input and recurrent) `U(±1/√H)` vectors, except the GRU's new-gate pair,
    /// which stays split (`bias` holds b_in, `recurrentNewBias` b_hn).
    public func initialize(_ p: inout some ParameterSet, rng: inout SplitMix64, scheme: InitializationScheme = .xavier) {
        let h = hiddenSize
        if scheme == .pytorch {
            let bound = 1 / Scalar(h).squareRoot()
            for d in directions {
                Initialization.uniform(&p, d.inputWeight, bound: bound, rng: &rng)
                Initialization.uniform(&p, d.recurrentWeight, bound: bound, rng: &rng)
                Initialization.uniform(&p, d.bias, bound: bound, rng: &rng)
                let summed = cell == .lstm ? 0 ..< 4 * h : 0 ..< 2 * h
                Initialization.uniform(&p, d.bias, bound: bound, adding: true, range: summed, rng: &rng)
                if let bhn = d.recurrentNewBias { Initialization.uniform(&p, bhn, bound: bound, rng: &rng) }
            }
            return
        }
        for d in directions {
            for gate in 0..<cell.gateCount {
                let cols = gate * h ..< (gate + 1) * h
                Initialization.xavierUniform(&p, d.inputWeight, fanIn: inputDimensions, fanOut: h, columns: cols, rng: &rng)
                Initialization.orthogonal(&p, d.recurrentWeight, columns: cols, rng: &rng)
            }
            Initialization.fill(&p, d.bias, value: 0)
            if cell == .lstm { Initialization.fill(&p, d.bias, value: 1, range: h ..< 2 * h) }
            if let bhn = d.recurrentNewBias { Initialization.fill(&p, bhn, value: 0) }
        }
    }

    /// Runs the layer on packed input `x [N × D]`; the output `Y [N × S]` is `cache.output`.
    ///
    /// With `parallel` and two directions, the directions run on two threads (they are
    /// independent; each keeps the full batch, so per-step GEMMs stay as large as possible).
    public func forward(_ x: [Scalar], sequences: PackedSequences, parameters: some ParameterSet,
                        cache: RecurrentLayerCache, parallel: Bool = false) {
        let n = sequences.totalRows, s = outputDimensions, h = hiddenSize
        precondition(x.count >= n * inputDimensions, "input has \(x.count) scalars, need \(n) × \(inputDimensions)")
        cache._prepare(rows: n, batch: sequences.count, layer: self)
        let work = _LayerWork(layer: self, x: x, sequences: sequences, parameters: parameters.values, cache: cache)
        _forEachDirection(parallel: parallel) { index in
            work.layer._forward(direction: work.layer.directions[index], x: work.x, sequences: work.sequences,
                                parameters: work.parameters, work: work.cache.directions[index])
        }
        for index in directions.indices {
            Kernels.copyRows(cache.directions[index].hidden, 0, srcLd: h, into: &cache.output, index * h, dstLd: s,
                             rows: n, columns: h)
        }
    }

    func _forEachDirection(parallel: Bool, _ body: @Sendable (Int) -> Void) {
        if parallel && directions.count == 2 {
            SpinTeam.shared.run(body)
        } else {
            for index in directions.indices { body(index) }
        }
    }

    /// Backpropagates `dOutput [N × S]` (for the output of the last ``forward`` with this cache):
    /// accumulates parameter gradients into `gradients` and writes `dInput [N × D]` (overwrites).
    public func backward(dOutput: [Scalar], input x: [Scalar], sequences: PackedSequences,
                         parameters: some ParameterSet, cache: RecurrentLayerCache,
                         gradients: inout some ParameterSet, dInput: inout [Scalar], parallel: Bool = false) {
        let n = sequences.totalRows, s = outputDimensions
        precondition(dOutput.count >= n * s, "dOutput has \(dOutput.count) scalars, need \(n) × \(s)")
        if dInput.count < n * inputDimensions { dInput = [Scalar](repeating: 0, count: n * inputDimensions) }
        let work = _LayerWork(layer: self, x: x, sequences: sequences, parameters: parameters.values, cache: cache)
        _forEachDirection(parallel: parallel) { index in
            work.layer._backward(direction: work.layer.directions[index], column: index * work.layer.hiddenSize, stride: s,
                                 dOutput: dOutput, x: work.x, sequences: work.sequences, parameters: work.parameters,
                                 work: work.cache.directions[index])
        }
        // Each direction owned its gradient and dInput buffers; merge them.
        for (index, d) in directions.enumerated() {
            let w = cache.directions[index]
            Kernels.axpy(1, w.gradients, 0, &gradients.values, d.inputWeight.offset, count: d.scalarCount)
            if index == 0 {
                Kernels.copyRows(w.dInput, 0, srcLd: 1, into: &dInput, 0, dstLd: 1, rows: 1, columns: n * inputDimensions)
            } else {
                Kernels.axpy(1, w.dInput, 0, &dInput, 0, count: n * inputDimensions)
            }
        }
    }

    /// Time steps in processing order.
    @inline(__always)
    func _steps(_ d: Direction, _ t: Int) -> [Int] { d.reverse ? Array((0..<t).reversed()) : Array(0..<t) }

    /// Whether the step GEMMs may use ``PackedOperand`` (the weight packed once per batch) rather
    /// than BLAS. Atomic and process-wide: layers also run on worker threads.
    static let _packsRecurrentWeight = Atomic<Bool>(true)
    static var packsRecurrentWeight: Bool { _packsRecurrentWeight.load(ordering: .relaxed) && Kernels.usesNativeKernels }

    /// Runs `body` with the packed step GEMMs allowed or not, then restores the previous setting:
    /// how tests compare the packed and BLAS paths (calls must not overlap).
    static func withRecurrentWeightPacking<R>(_ packs: Bool, _ body: () throws -> R) rethrows -> R {
        let previous = _packsRecurrentWeight.exchange(packs, ordering: .relaxed)
        defer { _packsRecurrentWeight.store(previous, ordering: .relaxed) }
        return try body()
    }

    func _forward(direction d: Direction, x: [Scalar], sequences seq: PackedSequences,
                  parameters p: [Scalar], work w: RecurrentLayerCache.DirectionCache) {
        let h = hiddenSize, g = cell.gateCount * h, n = seq.totalRows
        let packed = Self.packsRecurrentWeight
        if packed { w.packedRecurrent.pack(p, d.recurrentWeight.offset, k: h, n: g, ldb: g, transposed: false) }
        // All input projections in one GEMM: gates = b + X·Wx.
        Kernels.broadcastRows(p, d.bias.offset, into: &w.gates, 0, rows: n, columns: g, ld: g)
        BLAS.gemm(m: n, n: g, k: inputDimensions, x, 0, lda: inputDimensions, p, d.inputWeight.offset, ldb: g,
                  beta: 1, &w.gates, 0, ldc: g)
        var previous: Int? = nil
        for t in _steps(d, seq.maxLength) {
            let rows = seq.batchSizes[t], row0 = seq.offsets[t]
            let withPrevious = previous.map { min(rows, seq.batchSizes[$0]) } ?? 0
            let previousRow0 = previous.map { seq.offsets[$0] } ?? 0
            // Packed copy of the previous state (zeros for words starting here): reused by backward.
            Kernels.copyRows(w.hidden, previousRow0 * h, srcLd: h, into: &w.hPrevious, row0 * h, dstLd: h,
                             rows: withPrevious, columns: h)
            Kernels.zero(&w.hPrevious, (row0 + withPrevious) * h, count: (rows - withPrevious) * h)
            /// c (+)= hPrevious[this step's rows] · Wh, on the packed weight or through BLAS.
            func recurrentProduct(into c: inout [Scalar], _ offset: Int, accumulate: Bool) {
                if packed {
                    w.packedRecurrent.multiply(m: withPrevious, w.hPrevious, row0 * h, lda: h, accumulate: accumulate,
                                               into: &c, offset, ldc: g)
                } else {
                    BLAS.gemm(m: withPrevious, n: g, k: h, w.hPrevious, row0 * h, lda: h, p, d.recurrentWeight.offset, ldb: g,
                              beta: accumulate ? 1 : 0, &c, offset, ldc: g)
                }
            }
            switch cell {
            case .lstm:
                Kernels.copyRows(w.cell, previousRow0 * h, srcLd: h, into: &w.cPrevious, row0 * h, dstLd: h,
                                 rows: withPrevious, columns: h)
                Kernels.zero(&w.cPrevious, (row0 + withPrevious) * h, count: (rows - withPrevious) * h)
                recurrentProduct(into: &w.gates, row0 * g, accumulate: true)
                RecurrentKernels.lstmForward(rows: rows, hiddenSize: h, gates: &w.gates, row0 * g,
                                             cPrevious: w.cPrevious, row0 * h, cell: &w.cell, row0 * h,
                                             tanhCell: &w.tanhCell, row0 * h,
                                             hidden: &w.hidden, row0 * h, hiddenStride: h)
            case .gru:
                recurrentProduct(into: &w.recurrent, 0, accumulate: false)
                Kernels.zero(&w.recurrent, withPrevious * g, count: (rows - withPrevious) * g)
                RecurrentKernels.gruForward(rows: rows, hiddenSize: h, gates: &w.gates, row0 * g, recurrent: w.recurrent,
                                            hiddenBias: p, d.recurrentNewBias!.offset,
                                            hPrevious: w.hPrevious, row0 * h, recurrentNew: &w.cell, row0 * h,
                                            hidden: &w.hidden, row0 * h, hiddenStride: h)
            }
            previous = t
        }
    }

    func _backward(direction d: Direction, column: Int, stride s: Int, dOutput: [Scalar], x: [Scalar],
                   sequences seq: PackedSequences, parameters p: [Scalar], work w: RecurrentLayerCache.DirectionCache) {
        let h = hiddenSize, g = cell.gateCount * h, n = seq.totalRows
        let base = d.inputWeight.offset  // this direction's gradients live in w.gradients from 0
        let packed = Self.packsRecurrentWeight
        if packed { w.packedRecurrent.pack(p, d.recurrentWeight.offset, k: g, n: h, ldb: g, transposed: true) }
        Kernels.zero(&w.gradients, 0, count: d.scalarCount)
        let steps = _steps(d, seq.maxLength)
        Kernels.zero(&w.dhCarry, 0, count: seq.count * h)
        Kernels.zero(&w.dcCarry, 0, count: seq.count * h)
        for position in steps.indices.reversed() {
            let t = steps[position]
            let previous: Int? = position > 0 ? steps[position - 1] : nil
            let rows = seq.batchSizes[t], row0 = seq.offsets[t]
            let previousRows = previous.map { seq.batchSizes[$0] } ?? 0
            let withPrevious = min(rows, previousRows)
            /// dhCarry (+)= dG[this step's rows] · Whᵀ, on the packed weight or through BLAS.
            func carry(_ dG: [Scalar], accumulate: Bool) {
                if packed {
                    w.packedRecurrent.multiply(m: withPrevious, dG, row0 * g, lda: g, accumulate: accumulate,
                                               into: &w.dhCarry, 0, ldc: h)
                } else {
                    BLAS.gemm(transposeB: true, m: withPrevious, n: h, k: g, dG, row0 * g, lda: g,
                              p, d.recurrentWeight.offset, ldb: g, beta: accumulate ? 1 : 0, &w.dhCarry, 0, ldc: h)
                }
            }
            switch cell {
            case .lstm:
                RecurrentKernels.lstmBackward(rows: rows, hiddenSize: h, gates: w.gates, row0 * g,
                                              cPrevious: w.cPrevious, row0 * h, tanhCell: w.tanhCell, row0 * h,
                                              dOutput: dOutput, row0 * s + column, dOutputStride: s,
                                              dhCarry: w.dhCarry, dcCarry: &w.dcCarry, dGates: &w.dGates, row0 * g)
                carry(w.dGates, accumulate: false)
            case .gru:
                RecurrentKernels.gruBackward(rows: rows, hiddenSize: h, gates: w.gates, row0 * g,
                                             recurrentNew: w.cell, row0 * h, hPrevious: w.hPrevious, row0 * h,
                                             dOutput: dOutput, row0 * s + column, dOutputStride: s,
                                             dhCarry: &w.dhCarry, dGatesInput: &w.dGates, row0 * g,
                                             dGatesRecurrent: &w.dGatesRecurrent, row0 * g)
                carry(w.dGatesRecurrent, accumulate: true)
            }
            // Words whose previous step exists but that did not run at step t get no recurrent gradient.
            if previousRows > withPrevious {
                Kernels.zero(&w.dhCarry, withPrevious * h, count: (previousRows - withPrevious) * h)
                Kernels.zero(&w.dcCarry, withPrevious * h, count: (previousRows - withPrevious) * h)
            }
        }
        // Whole-sequence GEMMs for the weight and input gradients.
        let dRecurrent = cell == .lstm ? w.dGates : w.dGatesRecurrent
        BLAS.gemm(transposeA: true, m: inputDimensions, n: g, k: n, x, 0, lda: inputDimensions, w.dGates, 0, ldb: g,
                  beta: 1, &w.gradients, d.inputWeight.offset - base, ldc: g)
        BLAS.gemm(transposeA: true, m: h, n: g, k: n, w.hPrevious, 0, lda: h, dRecurrent, 0, ldb: g,
                  beta: 1, &w.gradients, d.recurrentWeight.offset - base, ldc: g)
        Kernels.addColumnSums(w.dGates, 0, rows: n, columns: g, ld: g, into: &w.gradients, d.bias.offset - base)
        if let bhn = d.recurrentNewBias {
            Kernels.addColumnSums(dRecurrent, 2 * h, rows: n, columns: h, ld: g, into: &w.gradients, bhn.offset - base)
        }
        BLAS.gemm(transposeB: true, m: n, n: inputDimensions, k: g, w.dGates, 0, lda: g, p, d.inputWeight.offset, ldb: g,
                  beta: 0, &w.dInput, 0, ldc: inputDimensions)
    }
}

/// Scratch and cached activations of one ``RecurrentLayer`` (a per-thread workspace, like
/// fastText's `Model::State`). Buffers grow to the largest batch seen and are reused.
public final class RecurrentLayerCache {
    /// Per-direction buffers; names follow ``RecurrentLayer``'s notation.
    final class DirectionCache {
        var gates: [Scalar] = []            // [N × G] activations
        var hPrevious: [Scalar] = []        // [N × H]
        var cPrevious: [Scalar] = []        // [N × H] (LSTM)
        var cell: [Scalar] = []             // [N × H] LSTM c; GRU hWn + bhn
        var tanhCell: [Scalar] = []         // [N × H] (LSTM)
        var recurrent: [Scalar] = []        // [B × G] GRU h·Wh scratch
        var dGates: [Scalar] = []           // [N × G]
        var dGatesRecurrent: [Scalar] = []  // [N × G] (GRU)
        var dhCarry: [Scalar] = []          // [B × H]
        var dcCarry: [Scalar] = []          // [B × H]
        var hidden: [Scalar] = []           // [N × H] this direction's output
        var gradients: [Scalar] = []        // this direction's parameter gradients
        var packedRecurrent = PackedOperand()  // Wh (forward) or Whᵀ (backward) of this batch
        var dInput: [Scalar] = []           // [N × D]
    }

    /// The layer output `Y [N × S]` of the last forward pass.
    public internal(set) var output: [Scalar] = []
    var directions: [DirectionCache] = []

    public init() {}

    func _prepare(rows n: Int, batch b: Int, layer: RecurrentLayer) {
        let h = layer.hiddenSize, g = layer.cell.gateCount * h
        func grow(_ a: inout [Scalar], _ count: Int) {
            if a.count < count { a = [Scalar](repeating: 0, count: count) }
        }
        grow(&output, n * layer.outputDimensions)
        while directions.count < layer.directions.count { directions.append(DirectionCache()) }
        for w in directions {
            grow(&w.gates, n * g); grow(&w.hPrevious, n * h); grow(&w.cell, n * h)
            grow(&w.dGates, n * g); grow(&w.dhCarry, b * h); grow(&w.dcCarry, b * h)
            grow(&w.hidden, n * h); grow(&w.dInput, n * layer.inputDimensions)
            grow(&w.gradients, layer.directions[0].scalarCount)
            if layer.cell == .lstm {
                grow(&w.cPrevious, n * h); grow(&w.tanhCell, n * h)
            } else {
                grow(&w.recurrent, b * g); grow(&w.dGatesRecurrent, n * g)
            }
        }
    }
}

/// Carries one layer call into `concurrentPerform`; the two directions touch disjoint caches.
struct _LayerWork: @unchecked Sendable {
    let layer: RecurrentLayer
    let x: [Scalar]
    let sequences: PackedSequences
    let parameters: [Scalar]
    let cache: RecurrentLayerCache
}
