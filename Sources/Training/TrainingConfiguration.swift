import NeuralNet

/// The loss a model trains with.
public enum LossKind: String, Sendable, Codable, CaseIterable {
    /// Squared distance to the unit-norm target (Mimick's objective).
    case mse
    /// `Σ max(0, margin + cos(p, negative) − cos(p, target))` over sampled negatives.
    case margin
    /// `1 − cos(p, target)`.
    case cosine
    /// InfoNCE: softmax cross-entropy of `cos(p, t)/τ` over every training target (or sampled
    /// ones above ``TrainingConfiguration/fullTableLimit``), plus `λ·(1 − cos(p, target))`.
    case contrastive
}

/// Extra training examples made from the training words.
public enum Augmentation: String, Sendable, Codable, CaseIterable {
    case none
    /// One-edit misspellings (swap, drop, insert, keyboard neighbour) mapped to the word's target.
    case typos
}

/// How the subword head's bag is fitted (``NgramBaseline/Settings/subwordHead(trainingWords:fit:)``).
public enum SubwordFit: String, Sendable, Codable, CaseIterable {
    /// Ridge regression by preconditioned conjugate gradients.
    case ridge
    /// Sparse Adam on the squared error, 5 epochs.
    case adam

    /// How the fit is described in progress lines.
    public var summary: String { self == .ridge ? "16 steps of ridge regression" : "5 epochs of MSE" }
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
    /// Softmax temperature τ of the contrastive loss.
    public var temperature: Scalar = 0.03
    /// λ, weight of `1 − cos(p, target)` added to the contrastive loss.
    public var cosineWeight: Scalar = 0.5
    /// Weight of a second loss (the same kind) on the recurrent part's prediction alone, for hybrid
    /// models: the n-gram table can fit the training words within a few epochs, after which the
    /// main loss hardly reaches the recurrent part; this keeps it learning. 0 = off.
    public var auxiliaryWeight: Scalar = 0
    /// Weight of the subword head (``SubwordHead``) the model trains through, with
    /// ``subwordFolds`` ≥ 2; otherwise the trainer fits no head. 0 = none.
    public var subwordWeight: Scalar = 0
    /// Folds of the out-of-fold bags the model trains on top of: the loss sees each training word's
    /// prediction blended with a bag fitted without that word, as a new word's will be.
    public var subwordFolds = 0
    /// How the head's bags are fitted (checkpoints written before the choice existed resume with `.adam`).
    public var subwordFit: SubwordFit = .ridge
    /// Feed each word's unit bag from the subword head (out-of-fold in training) to the MLP
    /// beside the recurrent states (``CharToVectorConfiguration/contextDimensions``). Needs the
    /// head the model trains through (``subwordWeight`` > 0, ``subwordFolds`` ≥ 2).
    public var headInput = false
    /// Above this many training words the contrastive loss ranks against the batch's targets plus
    /// ``sampledCandidates`` random ones instead of the whole table.
    public var fullTableLimit = 200_000
    public var sampledCandidates = 16_384
    /// Adam learning rate of the sparse n-gram table (hybrid models).
    public var ngramLearningRate: Scalar = 1e-3
    public var augmentation: Augmentation = .none
    /// Share of the training words that get a misspelled copy each epoch (with `.typos`).
    public var typoRate: Double = 0.5
    /// Adam's base learning rate.
    public var learningRate: Scalar = 1e-3
    public var schedule: LearningRateSchedule = .constant
    /// Both learning rates are multiplied by this after every epoch (1 = constant).
    public var epochDecay: Scalar = 1
    /// Decay per step of an exponential moving average of the dense weights (bias-corrected),
    /// which epochs are validated and saved with; 0 = the raw weights.
    public var weightAverage: Double = 0
    public var batchSize = 64
    public var epochs = 10
    /// Global-norm gradient clipping threshold (0 = off).
    public var clip: Double = 5
    /// Words were lowercased before training (the model then lowercases its input too).
    public var lowercase = false
    /// Words longer than this many characters are truncated (0 = no limit).
    public var maxLength = 64
    public var seed: UInt64 = 1
    /// Networks trained one after another, each from its own seed (``memberSeed``), whose unit
    /// predictions are averaged (they share the subword head and the validation words).
    public var members = 1
    /// Which member this configuration trains (0-based; member 0 trains exactly as a single model).
    public var member = 0
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
        if !(epochDecay > 0 && epochDecay <= 1) { problems.append("--lr-decay must be in (0, 1] (got \(epochDecay))") }
        if !(weightAverage >= 0 && weightAverage < 1) { problems.append("--ema must be in [0, 1) (got \(weightAverage))") }
        if loss == .margin && negatives < 1 { problems.append("--negatives must be at least 1 (got \(negatives))") }
        if !(margin.isFinite && margin >= 0 && margin <= 2) { problems.append("--margin must be in [0, 2] (got \(margin))") }
        if !(temperature >= 0.001 && temperature <= 100) { problems.append("--temperature must be in [0.001, 100] (got \(temperature))") }
        if !(cosineWeight >= 0 && cosineWeight <= 100) { problems.append("--cos-weight must be in [0, 100] (got \(cosineWeight))") }
        if !(auxiliaryWeight >= 0 && auxiliaryWeight <= 100) { problems.append("--aux-weight must be in [0, 100] (got \(auxiliaryWeight))") }
        if !(subwordWeight >= 0 && subwordWeight <= 100) { problems.append("--subword-weight must be in [0, 100] (got \(subwordWeight))") }
        if subwordFolds == 1 || subwordFolds < 0 || subwordFolds > 100 {
            problems.append("--subword-folds must be 0 or in 2...100 (got \(subwordFolds))")
        }
        if headInput && !(subwordWeight > 0 && subwordFolds >= 2) {
            problems.append("--head-input needs the subword head the model trains through (--subword-weight > 0 and --subword-folds ≥ 2)")
        }
        if !(ngramLearningRate > 0 && ngramLearningRate.isFinite) { problems.append("--ngram-lr must be positive (got \(ngramLearningRate))") }
        if !(typoRate >= 0 && typoRate <= 1) { problems.append("--typo-rate must be in [0, 1] (got \(typoRate))") }
        if fullTableLimit < 1 || sampledCandidates < 1 { problems.append("contrastive candidate counts must be positive") }
        if let ngrams = model.ngrams { problems += ngrams.problems() }
        if !(spikeFactor > 1 && spikeFactor.isFinite) { problems.append("--spike-factor must be a finite number above 1 (got \(spikeFactor))") }
        if !(collapseThreshold > 0 && collapseThreshold <= 1) {
            problems.append("--collapse-threshold must be in (0, 1] (got \(collapseThreshold)); 1 switches collapse detection off")
        }
        if maxRecoveries < 0 || maxRecoveries > 1000 { problems.append("--max-recoveries must be in 0...1000 (got \(maxRecoveries))") }
        if negatives > 100_000 { problems.append("--negatives must be at most 100000 (got \(negatives))") }
        if batchSize > 1_000_000 { problems.append("--batch must be at most 1000000 (got \(batchSize))") }
        if !(clip.isFinite) { problems.append("--clip must be finite (got \(clip))") }
        if clip < 0 { problems.append("--clip must be ≥ 0 (got \(clip))") }
        if maxLength < 0 { problems.append("--max-length must be ≥ 0 (got \(maxLength))") }
        if threads < 1 { problems.append("--threads must be at least 1 (got \(threads))") }
        if members < 1 || members > 16 { problems.append("--members must be in 1...16 (got \(members))") }
        if member < 0 || member >= max(members, 1) { problems.append("member \(member) of \(members) does not exist") }
        if members > 1 && model.ngrams != nil {
            problems.append("--members above 1 needs --ngram-buckets 0 (each member would carry its own n-gram table)")
        }
        if model.dropout < 0 || model.dropout >= 1 { problems.append("--dropout must be in [0, 1) (got \(model.dropout))") }
        if model.hiddenSize < 1 || model.characterDimensions < 1 || model.mlpHiddenSize < 1 || model.layers < 1 {
            problems.append("--hidden, --char-dim, --mlp-hidden and --layers must be at least 1")
        }
        return problems
    }
}
extension TrainingConfiguration {
    /// The seed of this member's initialisation, batches, dropout, negatives and typos: `seed` for
    /// member 0, a seed mixed from `seed` and the member's index for the others.
    public var memberSeed: UInt64 {
        guard member > 0 else { return seed }
        var mixer = SplitMix64(seed: seed ^ (UInt64(member) &* 0x9E37_79B9_7F4A_7C15))
        return mixer.next()
    }

    /// Decodes every field that a checkpoint may lack (files written before the field existed) as
    /// its default, so older checkpoints still resume.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(model: try c.decode(CharToVectorConfiguration.self, forKey: .model))
        func read<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            if let v = try c.decodeIfPresent(T.self, forKey: key) { value = v }
        }
        try read(.loss, &loss)
        try read(.negatives, &negatives)
        try read(.margin, &margin)
        try read(.temperature, &temperature)
        try read(.cosineWeight, &cosineWeight)
        try read(.auxiliaryWeight, &auxiliaryWeight)
        try read(.subwordWeight, &subwordWeight)
        try read(.subwordFolds, &subwordFolds)
        subwordFit = .adam
        try read(.subwordFit, &subwordFit)
        try read(.headInput, &headInput)
        try read(.fullTableLimit, &fullTableLimit)
        try read(.sampledCandidates, &sampledCandidates)
        try read(.ngramLearningRate, &ngramLearningRate)
        try read(.augmentation, &augmentation)
        try read(.typoRate, &typoRate)
        try read(.learningRate, &learningRate)
        try read(.schedule, &schedule)
        try read(.epochDecay, &epochDecay)
        try read(.weightAverage, &weightAverage)
        try read(.batchSize, &batchSize)
        try read(.epochs, &epochs)
        try read(.clip, &clip)
        try read(.lowercase, &lowercase)
        try read(.maxLength, &maxLength)
        try read(.seed, &seed)
        try read(.members, &members)
        try read(.member, &member)
        try read(.threads, &threads)
        try read(.spikeFactor, &spikeFactor)
        try read(.collapseThreshold, &collapseThreshold)
        try read(.maxRecoveries, &maxRecoveries)
        try read(.patience, &patience)
        try read(.snapshotEvery, &snapshotEvery)
        try read(.validationSample, &validationSample)
        try read(.faults, &faults)
    }
}
