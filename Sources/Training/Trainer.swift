import Dispatch
import EmbeddingCore
import Foundation
import NeuralNet
import Tensor

/// One epoch's figures (also one JSON line of `charvec train --log`).
public struct EpochRecord: Sendable, Codable, Equatable {
    public var epoch: Int
    public var trainLoss: Double
    public var wordsPerSecond: Double
    public var seconds: Double
    public var learningRate: Double
    public var recoveries: Int
    public var validation: ValidationMetrics?
    /// The member (1-based) of a run of several (``TrainingConfiguration/members``); nil for one.
    public var member: Int?
}

extension EpochRecord {
    enum CodingKeys: String, CodingKey { case epoch, trainLoss, wordsPerSecond, seconds, learningRate, recoveries, validation, member }

    /// An epoch whose every step was rolled back has no loss: JSON `null` (read back as NaN).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(epoch, forKey: .epoch)
        try c.encode(trainLoss.isFinite ? trainLoss : nil, forKey: .trainLoss)
        try c.encode(wordsPerSecond, forKey: .wordsPerSecond)
        try c.encode(seconds, forKey: .seconds)
        try c.encode(learningRate, forKey: .learningRate)
        try c.encode(recoveries, forKey: .recoveries)
        try c.encodeIfPresent(validation, forKey: .validation)
        try c.encodeIfPresent(member, forKey: .member)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        epoch = try c.decode(Int.self, forKey: .epoch)
        trainLoss = (try? c.decodeIfPresent(Double.self, forKey: .trainLoss)) ?? .nan
        wordsPerSecond = try c.decode(Double.self, forKey: .wordsPerSecond)
        seconds = try c.decode(Double.self, forKey: .seconds)
        learningRate = try c.decode(Double.self, forKey: .learningRate)
        recoveries = try c.decode(Int.self, forKey: .recoveries)
        validation = try c.decodeIfPresent(ValidationMetrics.self, forKey: .validation)
        member = try c.decodeIfPresent(Int.self, forKey: .member)
    }
}

/// What happened during training, in order.
public enum TrainingEvent: Sendable {
    /// Steps done in the current epoch, of how many, and the running mean loss.
    case progress(epoch: Int, step: Int, steps: Int, loss: Double)
    case epoch(EpochRecord)
    /// A non-finite value, a spike or a collapse was caught; the last good state was restored and
    /// the learning rate halved.
    case recovery(step: Int, reason: String, restoredStep: Int, learningRate: Double, recoveries: Int)
    case earlyStop(epoch: Int, bestEpoch: Int, bestMRR: Double)
    /// Member `index` (0-based) of `count` starts, or resumes after `epochsDone` epochs (runs of
    /// several members only).
    case member(index: Int, count: Int, epochsDone: Int)
}

/// Why training stopped without a model.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case noTrainingWords(excluded: Int)
    case invalidConfiguration([String])
    /// Recovery failed `recoveries` times; `reason` is the last trouble.
    case diverged(reason: String, recoveries: Int, learningRate: Double)
    case checkpointMismatch(String)

    public var description: String {
        switch self {
        case .noTrainingWords(let excluded):
            return "no usable training words (\(excluded) rows excluded as zero, non-finite, duplicate or empty)"
        case .invalidConfiguration(let problems): return problems.joined(separator: "; ")
        case .diverged(let reason, let recoveries, let lr):
            return "training diverged: \(reason); gave up after \(recoveries) recoveries (learning rate down to \(lr))"
        case .checkpointMismatch(let reason): return "the checkpoint does not fit this run: \(reason)"
        }
    }

    public var hint: String {
        switch self {
        case .noTrainingWords: return "run 'charvec audit' on the table; 'charvec sanitize' repairs it"
        case .invalidConfiguration: return "see 'charvec train --help'"
        case .diverged:
            return "lower --lr (e.g. by 10×), tighten --clip, reduce --max-length, or check the table with 'charvec audit'"
        case .checkpointMismatch: return "resume with the same vectors file and the options of the original run"
        }
    }
}

/// Trains a ``CharToVectorModel`` on ``TrainingData`` and guards every step.
///
/// Each step: forward, loss, backward; then the loss and every gradient are checked for NaN/Inf,
/// the loss against `spikeFactor ×` the median of recent losses, and the predictions for collapse
/// (mean pairwise cosine above the threshold after they had been diverse). Trouble never reaches
/// the weights: the step is dropped, the last good snapshot (weights and Adam state) restored, the
/// learning rate halved. After `maxRecoveries` the run stops with ``TrainingError/diverged``.
///
/// Determinism: batches are bucketed by length and shuffled from `seed` and the epoch number,
/// dropout and negatives likewise, so a run resumed from an epoch checkpoint continues bit-identically.
public final class Trainer {
    public let configuration: TrainingConfiguration
    public let data: TrainingData
    public let characters: CharacterVocabulary
    public let model: CharToVectorModel
    var adam: Adam
    /// The n-gram table's optimiser (hybrid models).
    var sparseAdam: SparseAdam?
    /// The n-gram table's and its optimiser's rows as they were at the last snapshot (hybrid models).
    var journal: SparseTableJournal?
    /// Halved at each recovery.
    var learningRateScale: Scalar = 1
    var recoveries = 0
    var globalStep = 0
    var recentLosses: [Double] = []
    var diverseSeen = false
    public internal(set) var epochsDone = 0
    public internal(set) var history: [EpochRecord] = []
    var bestMRR = -Double.infinity
    var bestEpoch = 0
    var bestParameters: [Scalar] = []
    var bestNgramTable: [Scalar] = []
    /// The weight average (``TrainingConfiguration/weightAverage``): `Σ (1−β)·β^(t−i)·wᵢ` over the
    /// `averageSteps` steps so far (zero at start; ``averagedParameters`` corrects the bias).
    var averageSum: [Scalar] = []
    var averageSteps = 0
    var snapshot: Snapshot
    /// One example per training word (its characters and n-gram ids); typo copies are added per epoch.
    let baseExamples: [Example]
    let rankedSample: [Int]
    /// Unit targets of the training words, flat `[trainCount × D]` (the contrastive loss's table).
    let trainTargets: [Scalar]
    let contrastive: ContrastiveLoss?
    let typos: TypoGenerator
    /// The subword head the model trains through (``TrainingConfiguration/subwordFolds``), or nil.
    public let subwordHead: SubwordHead?
    /// Its out-of-fold offsets per training row, `[trainCount × D]` (empty without a head).
    let headOffsets: [Scalar]
    /// The members trained before this one (``TrainingConfiguration/members``), in order.
    public internal(set) var finishedMembers: [FinishedMember] = []

    /// A training example: the target row and the model's two inputs.
    struct Example {
        let target: Int
        let characters: [Int32]
        let ngrams: [Int32]
    }

    /// The last good dense weights and Adam state, restored after trouble (the n-gram table's rows
    /// come back from ``journal``).
    struct Snapshot {
        var parameters: [Scalar]
        var adam: Adam
        var step: Int
    }

    /// - Parameter head: the subword head and out-of-fold offsets of an earlier member of the same
    ///   run (fitted from the data alone, so every member's would be the same); nil fits them.
    public init(data: TrainingData, configuration: TrainingConfiguration,
                sharingHead head: (SubwordHead?, [Scalar])? = nil) throws {
        let problems = configuration.problems()
        guard problems.isEmpty else { throw TrainingError.invalidConfiguration(problems) }
        guard data.trainCount > 0 else { throw TrainingError.noTrainingWords(excluded: data.exclusions.excludedCount) }
        precondition(data.targets.withUnsafeBufferPointer { $0.allSatisfy(\.isFinite) }, "non-finite target reached the trainer")
        var configuration = configuration
        characters = CharacterVocabulary(words: data.trainWords)
        configuration.model.vocabularySize = characters.size
        configuration.model.outputDimensions = data.dimensions
        configuration.model.paddingIndex = CharacterVocabulary.paddingIndex
        configuration.model.unknownIndex = CharacterVocabulary.unknownIndex
        configuration.model.contextDimensions = configuration.headInput ? data.dimensions : nil
        configuration.model.seed = configuration.memberSeed
        let modelProblems = configuration.model.problems()
        guard modelProblems.isEmpty else { throw TrainingError.invalidConfiguration(modelProblems) }
        if configuration.loss == .contrastive && data.trainCount < 2 {
            throw TrainingError.invalidConfiguration(["--loss contrastive needs at least 2 training words"])
        }
        self.configuration = configuration
        self.data = data
        model = CharToVectorModel(configuration: configuration.model)
        model.useThreads(configuration.threads)
        // charvec's own threads do the parallel work (one thread means one thread).
        BLAS.setThreadCount(1)
        adam = Adam(parameterCount: model.parameters.values.count, learningRate: configuration.learningRate)
        if let table = model.ngramTable {
            sparseAdam = SparseAdam(count: table.values.count, learningRate: configuration.ngramLearningRate)
            journal = SparseTableJournal(buckets: table.configuration.buckets, dimensions: table.dimensions)
        }
        snapshot = Snapshot(parameters: model.parameters.values, adam: adam, step: 0)
        let characters = self.characters, maxLength = configuration.maxLength, ngrams = configuration.model.ngrams
        baseExamples = data.trainWords.enumerated().map { i, word in
            Example(target: i, characters: characters.encode(word, maxLength: maxLength),
                    ngrams: ngrams?.ids(word, maxScalars: maxLength) ?? [])
        }
        typos = TypoGenerator(words: data.trainWords)
        var rng = SplitMix64(seed: configuration.seed ^ 0xE7A1)
        var sample = Array(0 ..< data.validationCount)
        if sample.count > configuration.validationSample {
            for i in stride(from: sample.count - 1, to: 0, by: -1) { sample.swapAt(i, rng.nextIndex(i + 1)) }
            sample = Array(sample.prefix(configuration.validationSample)).sorted()
        }
        rankedSample = sample
        if configuration.loss == .contrastive {
            let count = data.trainCount * data.dimensions
            trainTargets = data.targets.withUnsafeBufferPointer { Array($0[0 ..< count]) }
            let loss = ContrastiveLoss(temperature: configuration.temperature, cosineWeight: configuration.cosineWeight)
            loss.threads = configuration.threads
            if data.trainCount <= configuration.fullTableLimit {
                loss.setTable(trainTargets, count: data.trainCount, dimensions: data.dimensions)
            }
            contrastive = loss
        } else {
            trainTargets = []
            contrastive = nil
        }
        (subwordHead, headOffsets) = head ?? Self.makeSubwordHead(data: data, configuration: configuration)
        if configuration.headInput && subwordHead == nil {
            throw TrainingError.invalidConfiguration(["--head-input needs at least --subword-folds training words (got \(data.trainCount))"])
        }
    }

    /// Current learning rate (schedule × per-epoch decay × recovery scale).
    var learningRate: Scalar {
        let decay = Scalar(pow(Double(configuration.epochDecay), Double(epochsDone)))
        return configuration.schedule.learningRate(base: configuration.learningRate, step: globalStep) * decay * learningRateScale
    }

    /// The n-gram table's learning rate, on the same schedule and recovery scale.
    var ngramLearningRate: Scalar {
        learningRate / configuration.learningRate * configuration.ngramLearningRate
    }

    /// One epoch's examples: every training word, plus (with `--augment typos`) a seeded typo copy
    /// of a `typoRate` share of them.
    func examples(epoch: Int) -> [Example] {
        guard configuration.augmentation == .typos, configuration.typoRate > 0 else { return baseExamples }
        var rng = SplitMix64(seed: configuration.memberSeed ^ (0x7F4A_7C15 &* UInt64(epoch + 1)))
        var out = baseExamples
        let threshold = UInt64(configuration.typoRate * Double(UInt64.max >> 11))
        let ngrams = configuration.model.ngrams, maxLength = configuration.maxLength
        for (i, word) in data.trainWords.enumerated() where rng.next() >> 11 <= threshold {
            guard let typo = typos.typo(of: word, rng: &rng) else { continue }
            out.append(Example(target: i, characters: characters.encode(typo, maxLength: maxLength),
                               ngrams: ngrams?.ids(typo, maxScalars: maxLength) ?? []))
        }
        return out
    }

    /// Batches of one epoch: example indices bucketed by length (no padding), shuffled within and across buckets.
    func batches(epoch: Int, examples: [Example]) -> [[Int]] {
        var rng = SplitMix64(seed: configuration.memberSeed &+ 0x9E37_79B9 &* UInt64(epoch + 1))
        var buckets: [Int: [Int]] = [:]
        for (i, e) in examples.enumerated() { buckets[e.characters.count, default: []].append(i) }
        var result: [[Int]] = []
        for length in buckets.keys.sorted() {
            var members = buckets[length]!
            for i in stride(from: members.count - 1, to: 0, by: -1) { members.swapAt(i, rng.nextIndex(i + 1)) }
            var start = 0
            while start < members.count {
                result.append(Array(members[start ..< min(start + configuration.batchSize, members.count)]))
                start += configuration.batchSize
            }
        }
        for i in stride(from: result.count - 1, to: 0, by: -1) { result.swapAt(i, rng.nextIndex(i + 1)) }
        return result
    }

    enum Outcome { case ok(Double), trouble(String) }

    /// Mean cosine between the rows of `predictions` over all distinct pairs, from the mean of the
    /// unit rows: `(B²‖m‖² − B) / (B(B − 1))`. - Complexity: O(B·D).
    static func meanPairwiseCosine(_ predictions: Matrix) -> Double {
        let b = predictions.rows, d = predictions.columns
        guard b > 1 else { return 0 }
        var mean = [Double](repeating: 0, count: d)
        predictions.storage.withUnsafeBufferPointer { storage in
            for r in 0 ..< b {
                let row = UnsafeBufferPointer(rebasing: storage[r * d ..< (r + 1) * d])
                let inverse = 1 / max(L2.norm(row), 1e-12)
                for j in 0 ..< d { mean[j] += Double(row[j]) * inverse }
            }
        }
        let sumSquares = mean.reduce(0) { $0 + $1 * $1 } // ‖Σ unit rows‖²
        return (sumSquares - Double(b)) / Double(b * (b - 1))
    }

    /// Runs until `configuration.epochs` epochs are done (or early stopping).
    /// - Parameters:
    ///   - onEvent: progress, epoch records, recoveries.
    ///   - onCheckpoint: called after every epoch with a checkpoint to save.
    /// - Throws: ``TrainingError/diverged(reason:recoveries:learningRate:)`` when recovery fails.
    public func run(onEvent: (TrainingEvent) -> Void = { _ in },
                    onCheckpoint: (Checkpoint) throws -> Void = { _ in }) throws {
        if bestParameters.isEmpty {
            bestParameters = model.parameters.values
            bestNgramTable = model.ngramTable?.values ?? []
        }
        while epochsDone < configuration.epochs {
            let epoch = epochsDone + 1
            let start = DispatchTime.now()
            model.reseedDropout(configuration.memberSeed &+ UInt64(epoch) &* 0x1000_0001)
            var negativesRNG = SplitMix64(seed: configuration.memberSeed ^ (UInt64(epoch) &* 0xD1B5_4A32_D192_ED03))
            let examples = examples(epoch: epoch)
            let plan = batches(epoch: epoch, examples: examples)
            var lossSum = 0.0, lossWords = 0, words = 0
            for (k, indices) in plan.enumerated() {
                // The last good state: at every epoch start (the previous epoch passed every guard) and every N steps.
                if k == 0 || globalStep % configuration.snapshotEvery == 0 { takeSnapshot() }
                switch step(indices.map { examples[$0] }, negativesRNG: &negativesRNG) {
                case .ok(let value):
                    lossSum += value * Double(indices.count)
                    lossWords += indices.count
                case .trouble(let reason):
                    recoveries += 1
                    if recoveries > configuration.maxRecoveries {
                        throw TrainingError.diverged(reason: reason, recoveries: recoveries - 1, learningRate: Double(learningRate))
                    }
                    restoreSnapshot()
                    learningRateScale *= 0.5
                    recentLosses.removeAll()
                    onEvent(.recovery(step: globalStep, reason: reason, restoredStep: snapshot.step,
                                      learningRate: Double(learningRate), recoveries: recoveries))
                }
                words += indices.count
                globalStep += 1
                if k % 20 == 0 || k == plan.count - 1 {
                    onEvent(.progress(epoch: epoch, step: k + 1, steps: plan.count, loss: lossWords > 0 ? lossSum / Double(lossWords) : .nan))
                }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            // The epoch is validated, and kept if best, with the averaged weights when there are any.
            let raw = model.parameters.values
            if let averaged = averagedParameters() { model.parameters.values = averaged }
            let validation = validate()
            let rate = learningRate  // the epoch's own rate (the per-epoch decay counts epochs done)
            epochsDone = epoch
            var record = EpochRecord(epoch: epoch, trainLoss: lossWords > 0 ? lossSum / Double(lossWords) : .nan,
                                     wordsPerSecond: Double(words) / max(seconds, 1e-9), seconds: seconds,
                                     learningRate: Double(rate), recoveries: recoveries, validation: validation)
            if configuration.members > 1 { record.member = configuration.member + 1 }
            history.append(record)
            // Without validation words the best epoch is the one with the lowest training loss.
            let score = validation?.meanReciprocalRank ?? (record.trainLoss.isFinite ? -record.trainLoss : -.infinity)
            if score > bestMRR || bestEpoch == 0 {
                bestMRR = score
                bestEpoch = epoch
                bestParameters = model.parameters.values
                bestNgramTable = model.ngramTable?.values ?? []
            }
            model.parameters.values = raw
            onEvent(.epoch(record))
            try onCheckpoint(makeCheckpoint())
            if configuration.patience > 0 && validation != nil && epoch - bestEpoch >= configuration.patience {
                onEvent(.earlyStop(epoch: epoch, bestEpoch: bestEpoch, bestMRR: bestMRR))
                break
            }
        }
    }

    /// Validation metrics of the current weights, or nil without validation words.
    public func validate() -> ValidationMetrics? {
        guard data.validationCount > 0 else { return nil }
        let predictor = Predictor(model: model, characters: characters, maxLength: configuration.maxLength, subword: subwordHead)
        let predictions = predictor.predict(data.validationWords)
        return Evaluation.validationMetrics(predictions: predictions, data: data, rankedSample: rankedSample)
    }

    /// The best model so far (by validation MRR; by training loss without validation words); with
    /// earlier members (``finishedMembers``), the ensemble of their best weights and this member's.
    public func bestModel(source: String) -> TrainedModel {
        let best = history.first { $0.epoch == bestEpoch }
        let own = TrainedModel(configuration: configuration.model, characters: characters, maxLength: configuration.maxLength,
                               lowercase: configuration.lowercase, parameters: bestWeights,
                               ngramTable: model.ngramTable.map { bestNgramTable.isEmpty ? $0.values : bestNgramTable }, subword: subwordHead,
                               metadata: TrainingMetadata(source: source, trainWords: data.trainCount, validationWords: data.validationCount,
                                                          epochs: epochsDone, bestEpoch: bestEpoch, loss: configuration.loss,
                                                          validation: best?.validation, exclusions: data.exclusions))
        return finishedMembers.isEmpty ? own : ensemble(adding: own)
    }
}
