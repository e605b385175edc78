import EmbeddingCore
import NeuralNet
import Tensor

/// The bag-of-character-n-grams model (fastText-style subword vectors without a recurrent part):
/// a word's vector is the mean of its hashed 3–6-gram rows, fitted to the unit targets of the
/// training words by MSE with sparse Adam. Cheap to train. It is the bar a character model has to
/// clear on held-out words (training reports both on the same split), and the subword head of a
/// trained model (``SubwordHead``).
public enum NgramBaseline {
    /// Settings of the reference baseline (`tools/bench-quality/ngram_baseline.py`).
    public struct Settings: Sendable {
        public var ngrams = NgramConfiguration(buckets: 200_000)
        public var epochs = 20
        public var batchSize = 64
        public var learningRate: Scalar = 1e-2
        public var seed: UInt64 = 1
        /// Fit by ridge regression with this λ and number of conjugate-gradient steps instead of
        /// Adam (``epochs``, ``batchSize`` and ``learningRate`` then do not apply): see
        /// ``fitRidge(data:settings:maxLength:rows:)``.
        public var ridge: (lambda: Scalar, iterations: Int)?
        public init() {}
        /// The reference script's 200,000 buckets, fewer for small tables (12 per training word).
        public init(trainingWords: Int) {
            ngrams.buckets = min(200_000, max(10_000, 12 * trainingWords))
        }
        /// The bag of a ``SubwordHead``: the baseline's grams and buckets, fitted by ridge
        /// regression (λ 0.01, 16 preconditioned conjugate-gradient steps) or with `fit: .adam` by
        /// the baseline's Adam fit stopped at 5 epochs, where its held-out mean cosine and hit@10
        /// peak. On held-out words the ridge bags point closer to the true vectors (mean cosine
        /// 0.41 against 0.38 on `en-19k-384d`), at about twice the fitting time.
        public static func subwordHead(trainingWords: Int, fit: SubwordFit = .ridge) -> Settings {
            var settings = Settings(trainingWords: trainingWords)
            switch fit {
            case .ridge: settings.ridge = (lambda: 0.01, iterations: 16)
            case .adam: settings.epochs = 5
            }
            return settings
        }
    }

    /// The buffers of a finished fit (the table and its Adam moments, three `buckets × D` arrays),
    /// for the next fit of the same shape. Successive fits then overwrite the same pages instead of
    /// faulting in fresh ones — for the head's folds, several gigabytes per run.
    public struct FitStorage {
        var table: NgramTable?
        var adam: SparseAdam?
        public init() {}
        /// Hands a table that is no longer needed back for reuse.
        public mutating func recycle(_ table: consuming NgramTable) { self.table = table }
    }

    /// The start values of a fit's table of `count` values: N(0, 0.01²)-like (uniform with the same
    /// deviation), as the reference's EmbeddingBag, from `seed`. Model files regenerate the rows a
    /// fit never moved from these (``HeadRows``).
    public static func startValues(count: Int, seed: UInt64) -> [Scalar] {
        var values = [Scalar](repeating: 0, count: count)
        var rng = SplitMix64(seed: seed ^ 0xBA5E)
        fillStart(&values, rng: &rng)
        return values
    }

    /// Fills `values` with start values drawn from `rng` (which the fit then goes on using).
    static func fillStart(_ values: inout [Scalar], rng: inout SplitMix64) {
        let spread = Scalar(0.01 * 3.0.squareRoot())
        for i in values.indices { values[i] = (2 * rng.nextUnit() - 1) * spread }
    }

    /// Fits a table on `data`'s training words (only on training rows `rows` when given).
    /// - Complexity: O(epochs × Σ grams × D).
    public static func fit(data: TrainingData, settings: Settings, maxLength: Int = 0, rows: [Int]? = nil) -> NgramTable {
        var storage = FitStorage()
        return fit(data: data, settings: settings, maxLength: maxLength, rows: rows, storage: &storage)
    }

    /// ``fit(data:settings:maxLength:rows:)`` in the buffers of `storage` when they have the same
    /// shape (the result is the same bit for bit); leaves the fit's optimiser state in `storage`.
    public static func fit(data: TrainingData, settings: Settings, maxLength: Int = 0, rows: [Int]? = nil,
                           storage: inout FitStorage) -> NgramTable {
        if settings.ridge != nil { return fitRidge(data: data, settings: settings, maxLength: maxLength, rows: rows) }
        let d = data.dimensions
        var table = storage.table.take().flatMap { $0.configuration == settings.ngrams && $0.dimensions == d ? $0 : nil }
            ?? NgramTable(configuration: settings.ngrams, dimensions: d)
        var rng = SplitMix64(seed: settings.seed ^ 0xBA5E)
        Self.fillStart(&table.values, rng: &rng)
        guard data.trainCount > 0 else { return table }
        var adam: SparseAdam
        // Taken out of `storage` (so the moments are uniquely referenced and reset in place).
        if var reused = storage.adam.take(), reused.firstMoment.count == table.values.count {
            reused.reset(learningRate: settings.learningRate)
            adam = reused
        } else {
            adam = SparseAdam(count: table.values.count, learningRate: settings.learningRate)
        }
        defer { storage.adam = adam }
        var gradient = SparseRowGradient(buckets: settings.ngrams.buckets, dimensions: d)
        var order = rows ?? Array(0 ..< data.trainCount)
        var ids = [[Int32]](repeating: [], count: data.trainCount)
        for row in order { ids[row] = settings.ngrams.ids(data.trainWords[row], maxScalars: maxLength) }
        for _ in 0 ..< settings.epochs {
            for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, rng.nextIndex(i + 1)) }
            var start = 0
            while start < order.count {
                let batch = Array(order[start ..< min(start + settings.batchSize, order.count)])
                start += settings.batchSize
                let bags = batch.map { ids[$0] }
                var output = [Scalar](repeating: 0, count: batch.count * d)
                table.addBags(bags, into: &output)
                // L = (1/B) Σ ‖p − t‖², ∂L/∂p = 2(p − t)/B.
                let scale = 2 / Scalar(batch.count)
                data.targets.withUnsafeBufferPointer { targets in
                    for (k, row) in batch.enumerated() {
                        for j in 0 ..< d { output[k * d + j] = scale * (output[k * d + j] - targets[row * d + j]) }
                    }
                }
                gradient.reset()
                gradient.accumulate(bags, dOutput: output)
                adam.update(&table, gradient: gradient)
            }
        }
        return table
    }

    /// Out-of-fold predictions of the bag for every training word: the words are dealt into
    /// `folds` seeded folds, and each fold's words are predicted by a bag fitted on the others, so a
    /// training word's bag errs as a held-out word's does. Unit rows `[trainCount × D]` (a zero
    /// bag stays zero). The fits run on up to `threads` threads, with `alongside` (other work of
    /// the same size, such as the bag of all words) as one more job; the result does not depend on
    /// the thread count. `alongside` gets the buffers of the worker's earlier folds for its own fit.
    /// - Complexity: `folds` fits on `(folds − 1)/folds` of the words.
    public static func outOfFoldUnitBags(data: TrainingData, settings: Settings, folds: Int, maxLength: Int = 0,
                                         threads: Int = 1, alongside: ((inout FitStorage) -> Void)? = nil) -> [Scalar] {
        precondition(folds >= 2, "out-of-fold predictions need at least two folds")
        precondition(threads >= 1, "thread count must be positive")
        let d = data.dimensions, n = data.trainCount
        var rng = SplitMix64(seed: settings.seed ^ 0xF01D)
        var order = Array(0 ..< n)
        for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, rng.nextIndex(i + 1)) }
        var fold = [Int](repeating: 0, count: n)
        for (k, row) in order.enumerated() { fold[row] = k % folds }
        var out = [Scalar](repeating: 0, count: n * d)
        let jobs = folds + (alongside == nil ? 0 : 1), workers = min(threads, jobs)
        out.withUnsafeMutableBufferPointer { buffer in
            let shared = _UncheckedSendable(buffer)  // each fold writes its own rows
            parallelFor(workers) { worker in
                var storage = FitStorage()
                for f in stride(from: worker, to: jobs, by: workers) {
                    guard f < folds else { alongside?(&storage); continue }
                    let held = (0 ..< n).filter { fold[$0] == f }
                    guard !held.isEmpty else { continue }
                    let table = fit(data: data, settings: settings, maxLength: maxLength, rows: (0 ..< n).filter { fold[$0] != f },
                                    storage: &storage)
                    defer { storage.recycle(table) }
                    var bags = [Scalar](repeating: 0, count: held.count * d)
                    table.addBags(held.map { table.configuration.ids(data.trainWords[$0], maxScalars: maxLength) }, into: &bags)
                    bags.withUnsafeBufferPointer { bag in
                        for (k, row) in held.enumerated() {
                            let norm = L2.norm(UnsafeBufferPointer(rebasing: bag[k * d ..< (k + 1) * d]))
                            let inverse = norm > 0 && norm.isFinite ? Scalar(1 / norm) : 0
                            for j in 0 ..< d { shared.value[row * d + j] = bag[k * d + j] * inverse }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Validation metrics of a fitted table (ranked as ``Trainer/validate()`` ranks), or nil
    /// without validation words.
    public static func validationMetrics(table: NgramTable, data: TrainingData, maxLength: Int = 0,
                                         rankedSample: [Int]) -> ValidationMetrics? {
        guard data.validationCount > 0, data.trainCount > 0 else { return nil }
        let d = data.dimensions
        let validationIDs = data.validationWords.map { table.configuration.ids($0, maxScalars: maxLength) }
        var bags = [Scalar](repeating: 0, count: data.validationCount * d)
        table.addBags(validationIDs, into: &bags)
        let predictions = RowMatrix(rows: data.validationCount, columns: d, values: bags)
        return Evaluation.validationMetrics(predictions: predictions, data: data, rankedSample: rankedSample)
    }

    /// Trains the baseline and returns its validation metrics, or nil without validation words.
    public static func validationMetrics(data: TrainingData, settings: Settings? = nil, maxLength: Int = 0,
                                         rankedSample: [Int]) -> ValidationMetrics? {
        guard data.validationCount > 0, data.trainCount > 0 else { return nil }
        let table = fit(data: data, settings: settings ?? Settings(trainingWords: data.trainCount), maxLength: maxLength)
        return validationMetrics(table: table, data: data, maxLength: maxLength, rankedSample: rankedSample)
    }
}
