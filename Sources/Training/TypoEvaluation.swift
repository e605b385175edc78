import EmbeddingCore
import NeuralNet
import Tensor

/// How well a model maps misspellings to their word.
public struct TypoMetrics: Sendable, Codable, Equatable {
    /// Misspelled words evaluated (one seeded one-edit typo per word of at least
    /// ``TypoGenerator/minimumLength`` characters).
    public var count: Int
    /// Share whose own word's vector is among the 10 candidates nearest to the typo's prediction.
    public var hitAt10: Double
    /// Share with the own word first.
    public var hitAt1: Double
}

extension Predictor {
    /// Typo robustness: for each of `words` (long enough for a typo), one seeded one-edit typo is
    /// predicted and ranked by cosine among all `candidates` (unit rows); its true row is
    /// `trueRows[i]`. - Complexity: one prediction and one ranking pass per typo.
    public func typoMetrics(words: [String], trueRows: [Int], candidates: RowMatrix, typos: TypoGenerator,
                            seed: UInt64) -> TypoMetrics {
        typoMetrics(words: words, trueRows: trueRows, candidates: candidates, typos: typos, seed: seed, lexicon: nil).alone
    }

    /// ``typoMetrics(words:trueRows:candidates:typos:seed:)``, and with `lexicon` the same typos
    /// pulled toward the table's words, from the same predictions (one forward pass).
    public func typoMetrics(words: [String], trueRows: [Int], candidates: RowMatrix, typos: TypoGenerator,
                            seed: UInt64, lexicon: SpellingLexicon?) -> (alone: TypoMetrics, withTable: TypoMetrics?) {
        precondition(words.count == trueRows.count, "one true row per word")
        var rng = SplitMix64(seed: seed ^ 0x7790)
        var misspelled: [String] = [], rows: [Int] = []
        for (word, row) in zip(words, trueRows) {
            if let typo = typos.typo(of: word, rng: &rng) { misspelled.append(typo); rows.append(row) }
        }
        guard !misspelled.isEmpty else {
            let none = TypoMetrics(count: 0, hitAt10: 0, hitAt1: 0)
            return (none, lexicon.map { _ in none })
        }
        func ranked(_ predictions: RowMatrix) -> TypoMetrics {
            let metrics = Evaluation.metrics(predictions: predictions, trueRows: rows, candidates: candidates,
                                             rankedSample: Array(misspelled.indices))
            return TypoMetrics(count: misspelled.count, hitAt10: metrics.hitAt10, hitAt1: metrics.hitAt1)
        }
        let predictions = predict(misspelled)
        guard let lexicon else { return (ranked(predictions), nil) }
        var snapped = predictions
        lexicon.blend(&snapped, words: misspelled)
        return (ranked(predictions), ranked(snapped))
    }
}

extension Trainer {
    /// Typo robustness on the validation words with the best model so far (their own rows are
    /// among the candidates, as in validation), or nil without validation words.
    public func validationTypoMetrics(of trained: TrainedModel? = nil) -> TypoMetrics? {
        validationTypoMetrics(of: trained, spellingWeight: 0)?.alone
    }

    /// ``validationTypoMetrics(of:)``, and with `spellingWeight` > 0 the same typos snapped to the
    /// table's words (training and validation words, in table order: all of them are in the table
    /// a user queries; see ``SpellingLexicon``), from one forward pass.
    public func validationTypoMetrics(of trained: TrainedModel? = nil,
                                      spellingWeight: Scalar) -> (alone: TypoMetrics, withTable: TypoMetrics?)? {
        guard data.validationCount > 0 else { return nil }
        let predictor = (trained ?? bestModel(source: "")).makePredictor(threads: 1)
        let lexicon = spellingWeight > 0
            ? SpellingLexicon(words: data.trainWords + data.validationWords, vectors: data.targets,
                              weight: spellingWeight, rank: data.tableRows.isEmpty ? nil : data.tableRows)
            : nil
        return predictor.typoMetrics(words: data.validationWords, trueRows: data.validationRows,
                                     candidates: data.targets, typos: typos, seed: configuration.seed, lexicon: lexicon)
    }

    /// The n-gram baseline's validation metrics on this run's split and ranked sample (fitted
    /// here with the reference settings unless `table` is given).
    public func baselineMetrics(table: NgramTable? = nil) -> ValidationMetrics? {
        guard let table else {
            return NgramBaseline.validationMetrics(data: data, maxLength: configuration.maxLength, rankedSample: rankedSample)
        }
        return NgramBaseline.validationMetrics(table: table, data: data, maxLength: configuration.maxLength, rankedSample: rankedSample)
    }

    /// The bag of n-grams fitted on this run's training words, by default with the settings of a
    /// ``SubwordHead``'s table (``TrainingConfiguration/subwordFit``). - Complexity: one fit.
    public func fitNgramBag(settings: NgramBaseline.Settings? = nil) -> NgramTable {
        NgramBaseline.fit(data: data, settings: settings ?? .subwordHead(trainingWords: data.trainCount, fit: configuration.subwordFit),
                          maxLength: configuration.maxLength)
    }

    /// Validation metrics of a trained model (with its subword head, if any), ranked as
    /// ``validate()`` ranks; nil without validation words.
    public func validationMetrics(of trained: TrainedModel) -> ValidationMetrics? {
        guard data.validationCount > 0 else { return nil }
        let predictions = trained.makePredictor(threads: configuration.threads).predict(data.validationWords)
        return Evaluation.validationMetrics(predictions: predictions, data: data, rankedSample: rankedSample)
    }
}
