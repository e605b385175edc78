import Dispatch
import Tensor

/// The char-to-vector regressor: character embedding → (Bi)LSTM/GRU stack → concatenated final
/// states → Linear → tanh → Linear; in the hybrid form, plus the mean of the word's hashed
/// character n-gram rows (``NgramTable``, sparse gradient ``ngramGradient``).
///
/// Shapes: a ``CharacterBatch`` of `B` words → predictions `[B × outputDimensions]` in batch order.
/// Usage per training step (the loss and optimiser live outside the model):
///
/// ```swift
/// model.zeroGradients()
/// let predictions = model.forward(batch)                 // [B × out]
/// let (loss, dPredictions) = loss(predictions, targets)
/// model.backward(dPredictions)                           // accumulates into model.gradients
/// GradientClipping.clipByGlobalNorm(&model.gradients, maxNorm: 5)
/// if let bad = NonFiniteGuard.check(model.gradients) { … skip the step … }
/// adam.step(&model.parameters, gradients: model.gradients)
/// ```
///
/// With ``threadCount`` > 1 the batch is split into that many contiguous parts, each run
/// (forward and backward) on its own thread with its own workspace; parameter gradients are summed.
/// Call `BLAS.setThreadCount(1)` in that mode so OpenBLAS does not compete for the cores.
/// - Complexity: per word of `L` characters, ≈ 6·L·Σ_layers directions·G·(D + H) + 6·(R·M + M·O) flops
///   for forward plus backward (see ``flopsPerStep(sequences:)``).
public final class CharToVectorModel {
    public let configuration: CharToVectorConfiguration
    public let embedding: CharEmbedding
    public let recurrentLayers: [RecurrentLayer]
    public let mlp: MLP
    let dropout: Dropout?

    /// All trainable parameters (flat; see ``ParameterSet``).
    public var parameters: FlatParameters
    /// Gradients, same layout as ``parameters``; ``backward(_:)`` adds into them.
    public var gradients: FlatParameters
    /// The hybrid model's n-gram table (nil for a purely recurrent model) and its sparse gradient.
    public var ngramTable: NgramTable?
    public var ngramGradient: SparseRowGradient?
    var lastNgrams: [[Int32]]?
    /// The recurrent part's output of the last ``forward(_:training:)`` before the n-gram mean was
    /// added (`[B × outputDimensions]`; nil for a purely recurrent model).
    public private(set) var lastRecurrentOutput: Matrix?

    /// Threads used to split each batch (1 = run on the caller's thread).
    public var threadCount: Int = 1 {
        didSet { precondition(threadCount >= 1, "thread count must be positive") }
    }

    /// Run the forward and reverse directions of each bidirectional layer on two threads.
    ///
    /// The other way to use 2 cores (see ``threadCount``): each thread keeps the whole batch, so the
    /// per-step GEMMs stay large. Combine with `BLAS.setThreadCount(1)`.
    public var parallelizesDirections = false

    /// Spreads the work over `threads` threads the way training does: two threads on a
    /// bidirectional model run the two directions side by side (the per-step GEMMs stay large);
    /// otherwise each thread takes a slice of the batch. A model used for prediction with the same
    /// count gives the same bits as during training.
    public func useThreads(_ threads: Int) {
        precondition(threads >= 1, "thread count must be positive")
        parallelizesDirections = threads == 2 && configuration.bidirectional
        threadCount = parallelizesDirections ? 1 : threads
    }

    var replicas: [_Replica] = []
    var splits: [Range<Int>] = []
    var forwardRows = -1
    var dropoutSeed: UInt64

    /// Names, shapes and offsets of the parameters.
    public var layout: ParameterLayout { parameters.layout }

    /// Builds and initialises a model (seeded by `configuration.seed`); traps on an invalid configuration.
    public init(configuration c: CharToVectorConfiguration) {
        let problems = c.problems()
        precondition(problems.isEmpty, "invalid model configuration: " + problems.joined(separator: "; "))
        configuration = c
        dropoutSeed = c.seed
        var layout = ParameterLayout()
        embedding = CharEmbedding(vocabularySize: c.vocabularySize, dimensions: c.characterDimensions,
                                  paddingIndex: c.paddingIndex, name: "embedding", layout: &layout)
        var layers: [RecurrentLayer] = []
        var input = c.characterDimensions
        for l in 0..<c.layers {
            let layer = RecurrentLayer(cell: c.cell, inputDimensions: input, hiddenSize: c.hiddenSize,
                                       bidirectional: c.bidirectional, name: "rnn\(l)", layout: &layout)
            layers.append(layer)
            input = layer.outputDimensions
        }
        recurrentLayers = layers
        mlp = MLP(inputDimensions: c.mlpInputDimensions, hiddenDimensions: c.mlpHiddenSize,
                  outputDimensions: c.outputDimensions, name: "mlp", layout: &layout)
        dropout = c.dropout > 0 ? Dropout(probability: c.dropout) : nil
        parameters = FlatParameters(layout: layout)
        gradients = FlatParameters(layout: layout)
        var rng = SplitMix64(seed: c.seed)
        embedding.initialize(&parameters, rng: &rng)
        let scheme = c.initialization ?? .xavier
        for layer in recurrentLayers { layer.initialize(&parameters, rng: &rng, scheme: scheme) }
        mlp.initialize(&parameters, rng: &rng, scheme: scheme)
        if let ngrams = c.ngrams {
            ngramTable = NgramTable(configuration: ngrams, dimensions: c.outputDimensions)
            ngramGradient = SparseRowGradient(buckets: ngrams.buckets, dimensions: c.outputDimensions)
        }
    }

    /// Sets every gradient (dense and n-gram) to zero.
    public func zeroGradients() {
        gradients.zero()
        ngramGradient?.reset()
    }

    /// One gradient computation: zeroes ``gradients``, runs ``forward(_:training:)``, applies `loss`
    /// to the predictions and backpropagates its gradient. Returns the loss value.
    ///
    /// ```swift
    /// let value = model.computeGradients(batch) { MSELoss()($0, targets) }
    /// ```
    @discardableResult
    public func computeGradients(_ batch: CharacterBatch, training: Bool = true,
                                 loss: (_ predictions: Matrix) -> (value: Double, gradient: Matrix)) -> Double {
        zeroGradients()
        let (value, dPredictions) = loss(forward(batch, training: training))
        backward(dPredictions)
        return value
    }

    /// Restarts the dropout masks' random stream (e.g. to replay a step exactly, or in gradient checks).
    public func reseedDropout(_ seed: UInt64) {
        for (i, r) in replicas.enumerated() { r.rng = SplitMix64(seed: seed &+ 0x5EED &* UInt64(i + 1)) }
        dropoutSeed = seed
    }

    /// Predictions `[B × outputDimensions]` for `batch`, in batch order.
    ///
    /// `training` enables dropout and keeps the activations that ``backward(_:)`` needs
    /// (they are kept either way; the flag only switches dropout).
    public func forward(_ batch: CharacterBatch, training: Bool = true) -> Matrix {
        let b = batch.count
        precondition(b > 0, "empty batch")
        let parts = min(threadCount, b)
        splits = (0..<parts).map { i in b * i / parts ..< b * (i + 1) / parts }
        while replicas.count < parts {
            replicas.append(_Replica(seed: dropoutSeed &+ 0x5EED &* UInt64(replicas.count + 1)))
        }
        let o = configuration.outputDimensions
        var out = Matrix(rows: b, columns: o)
        let p = parameters
        if parts == 1 {
            replicas[0].forward(self, batch, parameters: p, training: training)
            Kernels.copyRows(replicas[0].predictions, 0, srcLd: o, into: &out.storage, 0, dstLd: o, rows: b, columns: o)
        } else {
            let work = _Work(model: self, parameters: p)
            DispatchQueue.concurrentPerform(iterations: parts) { i in
                work.model.replicas[i].forward(work.model, batch.slice(work.model.splits[i]),
                                               parameters: work.parameters, training: training)
            }
            for (i, range) in splits.enumerated() {
                Kernels.copyRows(replicas[i].predictions, 0, srcLd: o, into: &out.storage, range.lowerBound * o,
                                 dstLd: o, rows: range.count, columns: o)
            }
        }
        if let table = ngramTable {
            precondition(batch.ngrams?.count == b, "a hybrid model needs the batch's n-gram ids")
            lastRecurrentOutput = out
            table.addBags(batch.ngrams!, into: &out.storage)
            lastNgrams = batch.ngrams
        } else {
            lastNgrams = nil
            lastRecurrentOutput = nil
        }
        forwardRows = b
        return out
    }

    /// Predictions without dropout (evaluation).
    public func predict(_ batch: CharacterBatch) -> Matrix { forward(batch, training: false) }

    /// Backpropagates `dPredictions [B × outputDimensions]` (the loss gradient for the predictions of
    /// the last ``forward(_:training:)``) and adds the parameter gradients into ``gradients``.
    /// `dRecurrent` (same shape, hybrid models only) is a gradient for ``lastRecurrentOutput`` alone,
    /// from a loss on the recurrent part's own prediction: it reaches the recurrent part and the MLP,
    /// not the n-gram table.
    public func backward(_ dPredictions: Matrix, dRecurrent: Matrix? = nil) {
        precondition(forwardRows >= 0, "backward without a forward pass")
        precondition(dPredictions.rows == forwardRows && dPredictions.columns == configuration.outputDimensions,
                     "dPredictions is \(dPredictions.rows) × \(dPredictions.columns), expected \(forwardRows) × \(configuration.outputDimensions)")
        let o = configuration.outputDimensions
        if let ids = lastNgrams { ngramGradient!.accumulate(ids, dOutput: dPredictions.storage) }
        var dTotal = dPredictions
        if let dRecurrent {
            precondition(lastRecurrentOutput != nil && dRecurrent.rows == forwardRows && dRecurrent.columns == o,
                         "dRecurrent needs a hybrid model's forward pass and the predictions' shape")
            Kernels.axpy(1, dRecurrent.storage, 0, &dTotal.storage, 0, count: forwardRows * o)
        }
        let dPredictions = dTotal
        if splits.count == 1 {
            replicas[0].backward(self, dPredictions.storage, parameters: parameters, gradients: &gradients)
            return
        }
        let work = _Work(model: self, parameters: parameters)
        DispatchQueue.concurrentPerform(iterations: splits.count) { i in
            let r = work.model.replicas[i], range = work.model.splits[i]
            if r.gradients == nil { r.gradients = FlatParameters(layout: work.parameters.layout) }
            r.gradients!.zero()
            let slice = Array(dPredictions.storage[range.lowerBound * o ..< range.upperBound * o])
            r.backward(work.model, slice, parameters: work.parameters, gradients: &r.gradients!)
        }
        for r in replicas.prefix(splits.count) { gradients.add(r.gradients!) }
    }

    /// Floating-point operations of one forward+backward pass over words packed as `sequences`
    /// (GEMMs and fused gate kernels; the benchmark divides by time for GFLOP/s).
    public func flopsPerStep(sequences: PackedSequences) -> Double {
        let n = Double(sequences.totalRows), b = Double(sequences.count)
        var total = 0.0
        for layer in recurrentLayers {
            let g = Double(layer.cell.gateCount * layer.hiddenSize)
            let perRow = 2 * g * Double(layer.inputDimensions + layer.hiddenSize)
            total += Double(layer.directions.count) * n * perRow * 3  // forward, dWx/dWh, dX/dh
        }
        let r = Double(mlp.hidden.inputDimensions), m = Double(mlp.hidden.outputDimensions)
        let o = Double(mlp.output.outputDimensions)
        total += 3 * 2 * b * (r * m + m * o)
        return total
    }
}

/// Carries the model into `concurrentPerform`; the parts touch disjoint replicas.
struct _Work: @unchecked Sendable {
    let model: CharToVectorModel
    let parameters: FlatParameters
}

/// One thread's workspace: packing, caches and (when splitting) its own gradient buffer.
final class _Replica: @unchecked Sendable {
    var sequences = PackedSequences(lengths: [])
    var ids: [Int32] = []
    var embedded: [Scalar] = []
    var caches: [RecurrentLayerCache] = []
    var layerInputs: [[Scalar]] = []      // dropout-masked inputs of layers 1...
    var layerMasks: [[Scalar]] = []
    var representation: [Scalar] = []    // [B × (R + C)], slot order: recurrent states, then the context
    var representationMask: [Scalar] = []
    let mlpCache = MLPCache()
    var predictions: [Scalar] = []       // [B × O], batch order
    var dOutput: [Scalar] = []
    var dRepresentation: [Scalar] = []
    var dY: [Scalar] = []
    var dX: [Scalar] = []
    var gradients: FlatParameters?
    var rng: SplitMix64
    var usedDropout = false

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    func input(of l: Int, _ model: CharToVectorModel) -> [Scalar] {
        l == 0 ? embedded : (usedDropout ? layerInputs[l] : caches[l - 1].output)
    }

    func forward(_ model: CharToVectorModel, _ batch: CharacterBatch, parameters p: FlatParameters, training: Bool) {
        let c = model.configuration
        sequences = PackedSequences(lengths: batch.lengths.map { Int($0) })
        ids = sequences.packedIDs(batch)
        let n = sequences.totalRows, b = sequences.count
        let d = c.characterDimensions, h = c.hiddenSize, r = c.mlpInputDimensions, o = c.outputDimensions
        let contextWidth = c.contextDimensions ?? 0
        precondition(contextWidth == 0 || batch.context?.count == batch.count * contextWidth,
                     "the model needs a context of \(contextWidth) values per word")
        if embedded.count < n * d { embedded = [Scalar](repeating: 0, count: n * d) }
        model.embedding.forward(ids: ids, parameters: p, into: &embedded)
        usedDropout = training && model.dropout != nil
        while caches.count < model.recurrentLayers.count { caches.append(RecurrentLayerCache()) }
        if layerInputs.count < model.recurrentLayers.count {
            layerInputs = Array(repeating: [], count: model.recurrentLayers.count)
            layerMasks = layerInputs
        }
        for (l, layer) in model.recurrentLayers.enumerated() {
            layer.forward(input(of: l, model), sequences: sequences, parameters: p, cache: caches[l],
                          parallel: model.parallelizesDirections)
            if usedDropout, l + 1 < model.recurrentLayers.count {
                let count = n * layer.outputDimensions
                layerInputs[l + 1] = Array(caches[l].output[0..<count])
                model.dropout!.forward(&layerInputs[l + 1], count: count, mask: &layerMasks[l + 1], rng: &rng)
            }
        }
        // Word representation: forward state after each word's last char, reverse state after its first.
        let top = caches[caches.count - 1].output, s = model.recurrentLayers[model.recurrentLayers.count - 1].outputDimensions
        if representation.count < b * r { representation = [Scalar](repeating: 0, count: b * r) }
        for slot in 0..<b {
            let last = sequences.row(time: sequences.lengths[slot] - 1, slot: slot)
            Kernels.copyRows(top, last * s, srcLd: s, into: &representation, slot * r, dstLd: r, rows: 1, columns: h)
            if c.bidirectional {
                Kernels.copyRows(top, slot * s + h, srcLd: s, into: &representation, slot * r + h, dstLd: r, rows: 1, columns: h)
            }
        }
        if contextWidth > 0 {
            let context = batch.context!, recurrent = c.representationDimensions
            for slot in 0..<b {
                Kernels.copyRows(context, sequences.order[slot] * contextWidth, srcLd: contextWidth, into: &representation,
                                 slot * r + recurrent, dstLd: r, rows: 1, columns: contextWidth)
            }
        }
        if usedDropout {
            model.dropout!.forward(&representation, count: b * r, mask: &representationMask, rng: &rng)
        }
        model.mlp.forward(representation, rows: b, parameters: p, cache: mlpCache)
        if predictions.count < b * o { predictions = [Scalar](repeating: 0, count: b * o) }
        for slot in 0..<b {
            Kernels.copyRows(mlpCache.output, slot * o, srcLd: o, into: &predictions, sequences.order[slot] * o,
                             dstLd: o, rows: 1, columns: o)
        }
    }

    func backward(_ model: CharToVectorModel, _ dPredictions: [Scalar], parameters p: FlatParameters,
                  gradients: inout FlatParameters) {
        let c = model.configuration
        let n = sequences.totalRows, b = sequences.count
        let h = c.hiddenSize, r = c.mlpInputDimensions, o = c.outputDimensions
        if dOutput.count < b * o { dOutput = [Scalar](repeating: 0, count: b * o) }
        for slot in 0..<b {
            Kernels.copyRows(dPredictions, sequences.order[slot] * o, srcLd: o, into: &dOutput, slot * o, dstLd: o,
                             rows: 1, columns: o)
        }
        model.mlp.backward(dOutput: dOutput, input: representation, rows: b, parameters: p, cache: mlpCache,
                           gradients: &gradients, dInput: &dRepresentation)
        if usedDropout { model.dropout!.backward(&dRepresentation, count: b * r, mask: representationMask) }
        let s = model.recurrentLayers[model.recurrentLayers.count - 1].outputDimensions
        if dY.count < n * s { dY = [Scalar](repeating: 0, count: n * s) } else { Kernels.zero(&dY, 0, count: n * s) }
        for slot in 0..<b {
            let last = sequences.row(time: sequences.lengths[slot] - 1, slot: slot)
            Kernels.copyRows(dRepresentation, slot * r, srcLd: r, into: &dY, last * s, dstLd: s, rows: 1, columns: h)
            if c.bidirectional {
                Kernels.copyRows(dRepresentation, slot * r + h, srcLd: r, into: &dY, slot * s + h, dstLd: s, rows: 1, columns: h)
            }
        }
        for l in model.recurrentLayers.indices.reversed() {
            let layer = model.recurrentLayers[l]
            layer.backward(dOutput: dY, input: input(of: l, model), sequences: sequences, parameters: p,
                           cache: caches[l], gradients: &gradients, dInput: &dX, parallel: model.parallelizesDirections)
            if l > 0 {
                if usedDropout { model.dropout!.backward(&dX, count: n * layer.inputDimensions, mask: layerMasks[l]) }
                swap(&dX, &dY)
            }
        }
        model.embedding.backward(ids: ids, dOutput: dX, gradients: &gradients)
    }
}
