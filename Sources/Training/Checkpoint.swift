import Foundation
import NeuralNet
import Tensor

/// Everything needed to continue a run exactly where an epoch ended: weights, Adam state, the
/// best weights so far, the recovery state and the history. Written atomically after every epoch.
public struct Checkpoint {
    struct State: Codable {
        var configuration: TrainingConfiguration
        var characters: CharacterVocabulary
        var trainWords: Int
        var validationWords: Int
        var epochsDone: Int
        var globalStep: Int
        var adamStep: Int
        var learningRateScale: Scalar
        var recoveries: Int
        var recentLosses: [Double]
        var diverseSeen: Bool
        var bestMRR: Double
        var bestEpoch: Int
        var history: [EpochRecord]
        var snapshotStep: Int
        var snapshotAdamStep: Int
        /// Steps of the n-gram table's optimiser (hybrid models; absent in older checkpoints).
        var sparseAdamStep: Int?
        /// Steps in the weight average (`--ema`; absent in older checkpoints).
        var averageSteps: Int?
        /// The members of the run finished before this one (absent: none).
        var finishedMembers: [FinishedMember.Record]?
    }

    var state: State
    var parameters: [Scalar]
    var firstMoment: [Scalar]
    var secondMoment: [Scalar]
    var bestParameters: [Scalar]
    var snapshotParameters: [Scalar]
    var snapshotFirstMoment: [Scalar]
    var snapshotSecondMoment: [Scalar]
    /// Hybrid models: the n-gram table, its optimiser moments and the best epoch's table. (No
    /// snapshot of them: the next epoch starts by taking one.)
    var ngram: (table: [Scalar], firstMoment: [Scalar], secondMoment: [Scalar], best: [Scalar])?
    /// The weight average's running sum (with `--ema`; stored after the n-gram arrays).
    var averageSum: [Scalar]?
    /// The best weights of each finished member (stored last, one array each).
    var finishedParameters: [[Scalar]] = []

    /// Epochs completed when the checkpoint was taken.
    public var epochsDone: Int { state.epochsDone }
    public var configuration: TrainingConfiguration { state.configuration }

    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // JSON cannot hold NaN: a history record with a NaN loss is stored as null by the encoder strategy.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try Container.write(kind: .checkpoint, header: try encoder.encode(state),
                            arrays: [parameters, firstMoment, secondMoment, bestParameters,
                                     snapshotParameters, snapshotFirstMoment, snapshotSecondMoment]
                                + (ngram.map { [$0.table, $0.firstMoment, $0.secondMoment, $0.best] } ?? [])
                                + (averageSum.map { [$0] } ?? []) + finishedParameters, to: path)
    }

    public static func read(_ path: String) throws -> Checkpoint {
        let (data, arrays) = try Container.read(path, expecting: .checkpoint)
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let state: State
        do { state = try decoder.decode(State.self, from: data) } catch {
            throw ModelFileError.malformed(path: path, reason: "header: \(error)")
        }
        // Checked, not built: the model's initialiser traps on an invalid configuration, and a
        // header claiming a hidden size of 10¹² must not allocate.
        let problems = state.configuration.model.problems()
        guard problems.isEmpty else { throw ModelFileError.malformed(path: path, reason: problems.joined(separator: "; ")) }
        guard let count = state.configuration.model.parameterCount else {
            throw ModelFileError.malformed(path: path, reason: "the network's parameter count overflows")
        }
        guard let tableCount = state.configuration.model.ngramTableCount else {
            throw ModelFileError.malformed(path: path, reason: "the n-gram table's size overflows")
        }
        let averaged = state.configuration.weightAverage > 0 && (state.averageSteps ?? 0) > 0
        let tables = tableCount > 0 ? 4 : 0
        let finished = state.finishedMembers?.count ?? 0
        guard finished == state.configuration.member, state.configuration.member < state.configuration.members else {
            throw ModelFileError.malformed(path: path, reason: "member \(state.configuration.member + 1) of \(state.configuration.members) after \(finished) finished")
        }
        let own = 7 + tables + (averaged ? 1 : 0)
        guard arrays.count == own + finished, arrays.prefix(7).allSatisfy({ $0.count == count }),
              arrays.dropFirst(7).prefix(tables).allSatisfy({ $0.count == tableCount }),
              !averaged || arrays[7 + tables].count == count, arrays.suffix(finished).allSatisfy({ $0.count == count }) else {
            throw ModelFileError.malformed(path: path, reason: "expected 7 arrays of \(count) values"
                + (tables > 0 ? ", 4 of \(tableCount)" : "") + (averaged ? " and the weight average's \(count)" : "")
                + (finished > 0 ? " and \(finished) finished member\(finished == 1 ? "'s" : "s'") \(count)" : ""))
        }
        return Checkpoint(state: state, parameters: arrays[0], firstMoment: arrays[1], secondMoment: arrays[2],
                          bestParameters: arrays[3], snapshotParameters: arrays[4], snapshotFirstMoment: arrays[5],
                          snapshotSecondMoment: arrays[6],
                          ngram: tableCount > 0 ? (arrays[7], arrays[8], arrays[9], arrays[10]) : nil,
                          averageSum: averaged ? arrays[7 + tables] : nil, finishedParameters: Array(arrays.suffix(finished)))
    }
}

extension Trainer {
    func makeCheckpoint() -> Checkpoint {
        Checkpoint(state: .init(configuration: configuration, characters: characters, trainWords: data.trainCount,
                                validationWords: data.validationCount, epochsDone: epochsDone, globalStep: globalStep,
                                adamStep: adam.step, learningRateScale: learningRateScale, recoveries: recoveries,
                                recentLosses: recentLosses, diverseSeen: diverseSeen, bestMRR: bestMRR, bestEpoch: bestEpoch,
                                history: history, snapshotStep: snapshot.step, snapshotAdamStep: snapshot.adam.step,
                                sparseAdamStep: sparseAdam?.step, averageSteps: averageSteps,
                                finishedMembers: finishedMembers.isEmpty ? nil : finishedMembers.map(\.record)),
                   parameters: model.parameters.values, firstMoment: adam.firstMoment, secondMoment: adam.secondMoment,
                   bestParameters: bestWeights, snapshotParameters: snapshot.parameters,
                   snapshotFirstMoment: snapshot.adam.firstMoment, snapshotSecondMoment: snapshot.adam.secondMoment,
                   ngram: sparseAdam.map { (model.ngramTable!.values, $0.firstMoment, $0.secondMoment,
                                            bestNgramTable.isEmpty ? model.ngramTable!.values : bestNgramTable) },
                   averageSum: averageSteps > 0 ? averageSum : nil, finishedParameters: finishedMembers.map(\.parameters))
    }

    /// Continues the run saved in `checkpoint` on the same data (checked by word counts and characters).
    /// `epochs` may raise the epoch target of the original configuration.
    public convenience init(resuming checkpoint: Checkpoint, data: TrainingData, epochs: Int? = nil) throws {
        var configuration = checkpoint.state.configuration
        if let epochs { configuration.epochs = epochs }
        try self.init(data: data, configuration: configuration)
        let state = checkpoint.state
        guard state.trainWords == data.trainCount, state.validationWords == data.validationCount,
              characters == state.characters else {
            throw TrainingError.checkpointMismatch(
                "it was made on \(state.trainWords) training and \(state.validationWords) validation words, this data has \(data.trainCount) and \(data.validationCount)")
        }
        model.parameters.values = checkpoint.parameters
        let rate = configuration.learningRate
        adam = Adam(learningRate: rate, step: state.adamStep, firstMoment: checkpoint.firstMoment, secondMoment: checkpoint.secondMoment)
        snapshot = Snapshot(parameters: checkpoint.snapshotParameters,
                            adam: Adam(learningRate: rate, step: state.snapshotAdamStep, firstMoment: checkpoint.snapshotFirstMoment,
                                       secondMoment: checkpoint.snapshotSecondMoment), step: state.snapshotStep)
        epochsDone = state.epochsDone
        globalStep = state.globalStep
        learningRateScale = state.learningRateScale
        recoveries = state.recoveries
        recentLosses = state.recentLosses
        diverseSeen = state.diverseSeen
        bestMRR = state.bestMRR
        bestEpoch = state.bestEpoch
        bestParameters = checkpoint.bestParameters
        history = state.history
        if let ngram = checkpoint.ngram {
            model.ngramTable!.values = ngram.table
            sparseAdam = SparseAdam(learningRate: configuration.ngramLearningRate, step: state.sparseAdamStep ?? 0,
                                    firstMoment: ngram.firstMoment, secondMoment: ngram.secondMoment)
            bestNgramTable = ngram.best
        }
        if let sum = checkpoint.averageSum {
            averageSum = sum
            averageSteps = state.averageSteps ?? 0
        }
        if let sparseAdam { journal?.mark(adam: sparseAdam) }
        finishedMembers = zip(state.finishedMembers ?? [], checkpoint.finishedParameters).map {
            FinishedMember(record: $0, parameters: $1)
        }
    }
}
