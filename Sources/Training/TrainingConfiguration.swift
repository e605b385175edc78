import NeuralNet

/// The loss a model trains with.
public enum LossKind: String, Sendable, Codable, CaseIterable {
    /// Squared distance to the unit-norm target (Mimick's objective).
    case mse
    /// `Σ max(0, margin + cos(p, negative) − cos(p, target))` over sampled negatives.
    case margin
    /// `1 − cos(p, target)`.
    case cosine
}

/// A fault injected at a step, to test recovery (never set in normal use).
public enum InjectedFault: String, Sendable, Codable {
    case nanLoss = "nan-loss", nanGradient = "nan-gradient", spike, collapse
    /// Finite gradients whose sum of squares overflows (a diverging step that a NaN scan misses).
    case hugeGradient = "huge-gradient"
}

/// Everything that determines a training run. Same configuration + same data + same thread
/// count ⇒ the same losses, bit for bit.
public struct TrainingConfiguration: Sendable, Codable, Equatable {
    /// The network (its `vocabularySize` and `outputDimensions` are set from the data).
    public var model: CharToVectorConfiguration
    public var loss: LossKind = .mse
    /// Negatives per word for the margin loss.
    public var negatives = 10
    public var margin: Scalar = 0.5
    /// Adam's base learning rate.
    public var learningRate: Scalar = 1e-3
    public var schedule: LearningRateSchedule = .constant
    public var batchSize = 64
    public var epochs = 10
    /// Global-norm gradient clipping threshold (0 = off).
    public var clip: Double = 5
    /// Words were lowercased before training (the model then lowercases its input too).
    public var lowercase = false
    /// Words longer than this many characters are truncated (0 = no limit).
    public var maxLength = 64
    public var seed: UInt64 = 1
    public var threads = 2
    /// A batch loss above `spikeFactor ×` the median of the last 50 good losses is a spike.
    public var spikeFactor: Double = 10
    /// A batch whose predictions have mean pairwise cosine above this (after having been diverse) has collapsed.
    public var collapseThreshold: Double = 0.98
    /// Recoveries (restore + halve the learning rate) before giving up.
    public var maxRecoveries = 5
    /// Stop after this many epochs without a better validation MRR (0 = never).
    public var patience = 3
    /// Steps between snapshots of the last good state.
    public var snapshotEvery = 100
    /// Validation words ranked for hit@k/MRR (a seeded sample when there are more).
    public var validationSample = 5000
    /// Test hook: faults to inject at global steps.
    public var faults: [Int: InjectedFault] = [:]

    public init(model: CharToVectorConfiguration) { self.model = model }

    /// What is wrong with the configuration, as user-facing sentences (empty when valid).
    public func problems() -> [String] {
        var problems: [String] = []
        if batchSize < 1 { problems.append("--batch must be at least 1 (got \(batchSize))") }
        if epochs < 0 { problems.append("--epochs must be at least 0 (got \(epochs))") }
        if !(learningRate > 0) || !learningRate.isFinite { problems.append("--lr must be positive (got \(learningRate))") }
        if loss == .margin && negatives < 1 { problems.append("--negatives must be at least 1 (got \(negatives))") }
        if clip < 0 { problems.append("--clip must be ≥ 0 (got \(clip))") }
        if maxLength < 0 { problems.append("--max-length must be ≥ 0 (got \(maxLength))") }
        if threads < 1 { problems.append("--threads must be at least 1 (got \(threads))") }
        if model.dropout < 0 || model.dropout >= 1 { problems.append("--dropout must be in [0, 1) (got \(model.dropout))") }
        if model.hiddenSize < 1 || model.characterDimensions < 1 || model.mlpHiddenSize < 1 || model.layers < 1 {
            problems.append("--hidden, --char-dim, --mlp-hidden and --layers must be at least 1")
        }
        return problems
    }
}
