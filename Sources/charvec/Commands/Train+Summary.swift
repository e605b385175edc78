import EmbeddingCore
import Foundation
import NeuralNet
import Training

/// `charvec train`'s defaults: the best configuration measured on a 20k-word table within a few
/// minutes on 2 cores (docs/training.md describes the model; docs/performance.md has the figures).
enum TrainDefaults {
    /// GRU: ranks held-out words as well as an LSTM of the same width and trains faster
    /// (docs/performance.md).
    static let cell: RecurrentCellKind = .gru
    static let hidden = 256
    static let charDim = 32
    static let mlpHidden = 512
    /// No trainable n-gram table: with the subword head in place it ranked and pointed worse
    /// (docs/performance.md), and it costs a sparse table, its moments and larger checkpoints.
    static let ngramBuckets = 0
    static let ngramLearningRate: Float = 1e-3
    static let loss: LossKind = .contrastive
    static let temperature: Float = 0.03
    static let cosineWeight: Float = 15
    static let auxiliaryWeight: Float = 0
    static let augmentation: Augmentation = .none
    static let typoRate = 0.5
    static let epochs = 20
    /// Adam's learning rate (the n-gram table, when there is one, keeps its own `--ngram-lr`).
    static let learningRate: Float = 2e-3
    static let learningRateDecay: Float = 1
    /// Decay of the weight average the epochs are validated and saved with.
    static let weightAverage = 0.999
    static let dropout: Float = 0
    /// Weight of the fitted bag of n-grams added to the model's unit prediction.
    static let subwordWeight: Float = 1
    /// Out-of-fold bags the model trains on top of (0 = the head is fitted after training).
    static let subwordFolds = 5
    /// The MLP sees the head's bag (``TrainingConfiguration/headInput``).
    static let headInput = false
    /// Two networks averaged: at the same mean cosine their mean ranks the exact word first more
    /// often than either (docs/training.md), for twice the training time.
    static let members = 2
}

extension CharVec.Train {
    /// The model to save (with a ``SubwordHead`` of weight `--subword-weight`, 0.9× that for an ensemble, unless it is 0; its
    /// validation figures in the metadata) and the same model without its head (nil without a
    /// head). A head the model trained through comes from the trainer; otherwise it is fitted now.
    func withSubwordHead(_ trained: TrainedModel, trainer: Trainer) -> (TrainedModel, TrainedModel?) {
        if trained.subword != nil {
            var alone = trained
            // A model that takes the head's bags as input keeps them; only the blend goes.
            if (trained.configuration.contextDimensions ?? 0) > 0 { alone.subword!.weight = 0 } else { alone.subword = nil }
            alone.metadata.validation = trainer.validationMetrics(of: alone)
            return (trained, alone)
        }
        guard trained.metadata.trainWords > 0, subwordWeight > 0 else { return (trained, nil) }
        Diagnostics.printLine("fitting the subword head (a bag of character 3–6-grams, \(trainer.configuration.subwordFit.summary))")
        var model = trained
        model.subword = SubwordHead(table: trainer.fitNgramBag(), weight: subwordWeight * trained.headWeightFactor)
        model.metadata.validation = trainer.validationMetrics(of: model)
        return (model, trained)
    }

    /// After training: the model's validation figures beside the n-gram baseline's on the same split
    /// (and the character model's without its subword head), and how often a typo of a validation
    /// word finds its word.
    func printComparison(_ trainer: Trainer, best: TrainedModel, withoutHead: TrainedModel?) {
        guard let model = best.metadata.validation else { return }
        let both = trainer.validationTypoMetrics(of: best, spellingWeight: SpellingLexicon.defaultWeight)
        let typos = both?.alone, snapped = both?.withTable
        if baseline { Diagnostics.printLine("fitting the bag-of-n-grams baseline (20 epochs of MSE)") }
        let reference = baseline ? trainer.baselineMetrics() : nil
        let alone = withoutHead?.metadata.validation
        let reweighted = headWeightMetrics(trainer, best: best)
        if json {
            var object: [String: Any] = ["event": "summary", "bestEpoch": best.metadata.bestEpoch, "model": Self.dictionary(model)]
            if let epochs = best.metadata.memberBestEpochs { object["memberBestEpochs"] = epochs }
            if let alone { object["withoutSubwordHead"] = Self.dictionary(alone) }
            if !reweighted.isEmpty {
                object["headWeights"] = reweighted.map { weight, m in Self.dictionary(m).merging(["weight": weight]) { a, _ in a } }
            }
            if let reference { object["ngramBaseline"] = Self.dictionary(reference) }
            if let typos { object["typos"] = ["count": typos.count, "hitAt10": typos.hitAt10, "hitAt1": typos.hitAt1] }
            if let snapped {
                object["typosWithTable"] = ["count": snapped.count, "hitAt10": snapped.hitAt10, "hitAt1": snapped.hitAt1]
            }
            if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
                print(String(decoding: data, as: UTF8.self))
            }
            return
        }
        print("")
        print("validation words (\(model.ranked) ranked)      MRR   hit@1  hit@10  median rank  mean cos")
        print(Self.row("charvec model (\(Self.bestEpochs(best.metadata)))", model))
        if let alone { print(Self.row("  without its subword head", alone)) }
        for (weight, m) in reweighted { print(Self.row("  head weight \(weight) when predicting", m)) }
        if let reference { print(Self.row("bag of n-grams baseline", reference)) }
        if let typos, typos.count > 0 {
            print(String(format: "typos of validation words with their word in the top 10: %.1f%% (top 1: %.1f%%, %@)",
                         100 * typos.hitAt10, 100 * typos.hitAt1, pluralized(typos.count, "typo")))
            if let snapped {
                print(String(format: "  with the table's words one edit away (neighbors --model, eval --typos): %.1f%% (top 1: %.1f%%)",
                             100 * snapped.hitAt10, 100 * snapped.hitAt1))
            }
        }
    }

    /// The validation figures of `best` predicting with its subword head reweighted (0.7× and 1.3×
    /// the trained weight, as `embed --subword-weight` would): lower ranks the exact word first more
    /// often, higher points closer on average. Empty without a head.
    func headWeightMetrics(_ trainer: Trainer, best: TrainedModel) -> [(Float, ValidationMetrics)] {
        guard let head = best.subword, head.weight > 0, best.metadata.validation != nil else { return [] }
        return ([0.7, 1.3] as [Float]).compactMap { factor -> (Float, ValidationMetrics)? in
            let weight = (head.weight * factor * 100).rounded() / 100
            guard let model = best.reweighted(subwordWeight: weight), let m = trainer.validationMetrics(of: model) else { return nil }
            return (weight, m)
        }
    }

    /// "epoch 7", or each member's best epoch: "epochs 7 + 6".
    static func bestEpochs(_ metadata: TrainingMetadata) -> String {
        metadata.memberBestEpochs.map { "epochs " + $0.map(String.init).joined(separator: " + ") } ?? "epoch \(metadata.bestEpoch)"
    }

    static func row(_ label: String, _ m: ValidationMetrics) -> String {
        label.padding(toLength: 36, withPad: " ", startingAt: 0)
            + String(format: "%7.4f %7.4f %7.4f %12.1f %9.4f", m.meanReciprocalRank, m.hitAt1, m.hitAt10, m.medianRank, m.meanCosine)
    }

    static func dictionary(_ m: ValidationMetrics) -> [String: Any] {
        ["meanReciprocalRank": m.meanReciprocalRank, "hitAt1": m.hitAt1, "hitAt10": m.hitAt10, "medianRank": m.medianRank,
         "meanCosine": m.meanCosine, "ranked": m.ranked]
    }
}
