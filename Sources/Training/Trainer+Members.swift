import NeuralNet

/// A member of a run of several (``TrainingConfiguration/members``) that has finished training.
public struct FinishedMember: Sendable, Equatable {
    /// What a checkpoint's header records (the weights are an array of their own).
    public struct Record: Sendable, Codable, Equatable {
        public var bestEpoch: Int
        public var epochs: Int
        public var history: [EpochRecord]
    }

    public var record: Record
    /// The weights of its best epoch.
    public var parameters: [Scalar]
}

extension Trainer {
    /// The subword head of an ensemble is blended at this share of the weight its members trained
    /// with: the mean of several members' unit predictions already points closer to the targets
    /// than one member's, so less of the bag keeps the same closeness and ranks the exact word
    /// first more often (docs/training.md).
    public static let ensembleHeadFactor: Scalar = 0.9

    /// Trains this member to the end (``run(onEvent:onCheckpoint:)``), then each remaining member of
    /// the run in turn: a new network from its own seed that shares this one's subword head and
    /// validation words. After each member's last epoch the next member's fresh state is
    /// checkpointed, so `--resume` continues whichever member was training.
    /// - Returns: the last member's trainer, whose ``bestModel(source:)`` holds every member.
    public func runMembers(onEvent: (TrainingEvent) -> Void = { _ in },
                           onCheckpoint: (Checkpoint) throws -> Void = { _ in }) throws -> Trainer {
        var trainer = self
        while true {
            if trainer.configuration.members > 1 {
                onEvent(.member(index: trainer.configuration.member, count: trainer.configuration.members,
                                epochsDone: trainer.epochsDone))
            }
            try trainer.run(onEvent: onEvent, onCheckpoint: onCheckpoint)
            guard trainer.configuration.member + 1 < trainer.configuration.members else { return trainer }
            let next = try trainer.nextMember()
            try onCheckpoint(next.makeCheckpoint())
            trainer = next
        }
    }

    /// A trainer for the member after this one, carrying every finished member.
    func nextMember() throws -> Trainer {
        var configuration = self.configuration
        configuration.member += 1
        let next = try Trainer(data: data, configuration: configuration, sharingHead: (subwordHead, headOffsets))
        let finished = FinishedMember(record: .init(bestEpoch: bestEpoch, epochs: epochsDone, history: history),
                                      parameters: bestWeights)
        next.finishedMembers = finishedMembers + [finished]
        return next
    }

    /// `own` (this member's best model) joined by the finished members' weights: their unit
    /// predictions are averaged, the head blended at ``ensembleHeadFactor`` × its trained weight, and
    /// the validation figures are the ensemble's.
    func ensemble(adding own: TrainedModel) -> TrainedModel {
        var model = own
        let weights = finishedMembers.map(\.parameters) + [own.parameters]
        model.parameters = weights[0]
        model.additionalMembers = Array(weights.dropFirst())
        let factor = model.headWeightFactor
        model.subword?.weight *= factor
        model.metadata.memberBestEpochs = finishedMembers.map(\.record.bestEpoch) + [own.metadata.bestEpoch]
        model.metadata.validation = validationMetrics(of: model)
        return model
    }

    /// Every member's epochs in training order (each record names its member).
    public var allHistory: [EpochRecord] { finishedMembers.flatMap(\.record.history) + history }

    /// The best epoch's weights, or the current ones before any epoch has ended.
    var bestWeights: [Scalar] { bestParameters.isEmpty ? model.parameters.values : bestParameters }
}

extension TrainedModel {
    /// The share of its members' trained head weight a model blends its head at:
    /// ``Trainer/ensembleHeadFactor`` for an ensemble, 1 for one network.
    public var headWeightFactor: Scalar { memberCount > 1 ? Trainer.ensembleHeadFactor : 1 }
}
