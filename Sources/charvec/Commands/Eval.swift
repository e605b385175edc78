import ArgumentParser
import EmbeddingCore
import NeighborSearch
import Training

extension CharVec {
    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score a table on word-similarity pairs (Spearman ρ) and analogy questions (accuracy), as gensim does.",
            discussion: """
            --pairs FILE: 'word1<TAB>word2<TAB>score' lines, '#' comments (WordSim-353, SimLex-999). \
            Reports Spearman's ρ and Pearson's r between the human scores and the cosines, and the \
            share of pairs skipped because a word is not among the first --restrict rows: the numbers \
            of gensim's KeyedVectors.evaluate_word_pairs. With --model, a second score is reported \
            where those words get vectors predicted by the model (lowercased first unless \
            --case-sensitive) and no pair is skipped.

            --analogies FILE: the questions-words.txt format (': section' lines, then 'a b c d'). \
            Reports 3CosAdd accuracy per section, semantic/syntactic (sections named 'gram…') and \
            total, skipping questions with a word outside the first --restrict rows: the numbers of \
            gensim's evaluate_word_analogies. The model is not used for analogies.

            Words are compared case-insensitively (as gensim's default) unless --case-sensitive.

            Examples:
              charvec eval vectors.vec --pairs ws353.tsv --analogies questions-words.txt
              charvec eval vectors.vec --pairs simlex999.tsv --model model.cvm --json
            """)

        @Argument(help: "The embedding file ('-' for standard input).")
        var file: String

        @Option(help: "A word-pair similarity file (repeatable).")
        var pairs: [String] = []

        @Option(help: "An analogy question file in the questions-words.txt format (repeatable).")
        var analogies: [String] = []

        @Option(help: "Use only the first N rows of the table (gensim's restrict_vocab).")
        var restrict: Int = 300_000

        @Flag(help: "Compare words exactly instead of in uppercase.")
        var caseSensitive = false

        @Option(help: "The field separator of --pairs files.")
        var delimiter: String = "\t"

        @Option(help: "A model written by 'charvec train': pairs with unknown words are scored with predicted vectors too.")
        var model: String?

        @Flag(help: "Print one JSON object instead of text.")
        var json = false

        @OptionGroup var input: InputOptions

        func validate() throws {
            guard !pairs.isEmpty || !analogies.isEmpty else {
                throw ValidationError("give at least one --pairs or --analogies file (e.g. wordsim353.tsv, questions-words.txt).")
            }
            try OptionValidation.positive(restrict, option: "--restrict")
            guard delimiter.count == 1 else { throw ValidationError("--delimiter must be one character (got '\(delimiter)').") }
        }

        func run() throws {
            // Read the evaluation files first: a wrong path should fail before a long load.
            let pairTexts = try pairs.map { try TableLoading.readText($0) }
            let analogyTexts = try analogies.map { try TableLoading.readText($0) }
            let table = try TableLoading.load(file, input: input)
            let predictor = try model.map { try TableLoading.predictor($0, dimensions: table.dimensions, threads: input.threads) }
            let evaluator = EmbeddingEvaluator(table: table, threads: input.threads)
            var report = EvalJSON(vectors: file, rows: table.count, dimensions: table.dimensions, restrict: restrict,
                                  caseInsensitive: !caseSensitive, model: model, pairs: [], analogies: [])

            for (path, text) in zip(pairs, pairTexts) {
                let (parsed, skipped) = WordPair.parse(text, delimiter: delimiter.first!)
                var entry = EvalJSON.Pairs(file: path, pairs: parsed.count, skippedLines: skipped)
                do {
                    let result = try evaluator.evaluateWordPairs(parsed, restrictVocab: restrict, caseInsensitive: !caseSensitive)
                    entry.scored = result.pairCount
                    entry.oovPairs = result.oovCount
                    entry.oovRatio = finite(result.oovRatio)
                    entry.pearson = finite(result.pearson)
                    entry.spearman = finite(result.spearman)
                } catch EvaluationError.noPairsInVocabulary where predictor != nil {
                    Diagnostics.printNote("\(path): no pair has both words in the vocabulary; only the model score is given")
                    entry.scored = 0
                    entry.oovPairs = parsed.count
                    entry.oovRatio = parsed.isEmpty ? nil : 100
                }
                if let predictor {
                    entry.model = try reportingErrors {
                        try ModelPairScorer(evaluator: evaluator, restrict: restrict, caseInsensitive: !caseSensitive)
                            .score(parsed, predictor: predictor)
                    }
                } else if entry.scored == nil {
                    // Only reached without a model, when no pair was in the vocabulary.
                    _ = try reportingErrors {
                        try evaluator.evaluateWordPairs(parsed, restrictVocab: restrict, caseInsensitive: !caseSensitive)
                    }
                }
                report.pairs.append(entry)
            }
            for (path, text) in zip(analogies, analogyTexts) {
                let (sections, skipped) = try reportingErrors { try AnalogySection.parse(text) }
                let result = evaluator.evaluateWordAnalogies(sections, restrictVocab: restrict, caseInsensitive: !caseSensitive)
                report.analogies.append(EvalJSON.Analogies(file: path, result: result, skippedLines: skipped))
            }
            if json { try printJSON(report) } else { printText(report) }
        }

        func printText(_ report: EvalJSON) {
            print("table: \(report.vectors), \(report.rows) rows × \(report.dimensions); first \(min(report.restrict, report.rows)) rows used, "
                  + (report.caseInsensitive ? "case-insensitive" : "case-sensitive"))
            func number(_ x: Double?) -> String { x.map { String(format: "%.4f", $0) } ?? "n/a" }
            for entry in report.pairs {
                print("")
                print("word pairs: \(entry.file) (\(entry.pairs) pairs"
                      + (entry.skippedLines.isEmpty ? ")" : ", \(entry.skippedLines.count) malformed lines skipped)"))
                print("  Spearman ρ \(number(entry.spearman))   Pearson r \(number(entry.pearson))   "
                      + "\(entry.scored ?? 0) pairs scored, \(entry.oovPairs ?? 0) with unknown words skipped ("
                      + String(format: "%.2f%%", entry.oovRatio ?? 0) + " OOV)")
                if let model = entry.model {
                    print("  with the model: Spearman ρ \(number(model.spearman))   Pearson r \(number(model.pearson))   "
                          + "\(model.scored) pairs scored, \(model.embeddedPairs) embedded by the model "
                          + "(\(model.predictedWords) word\(model.predictedWords == 1 ? "" : "s") predicted)")
                }
            }
            for entry in report.analogies {
                print("")
                print("analogies: \(entry.file) (\(entry.questions) questions, \(entry.answered) answered, "
                      + String(format: "%.2f%% OOV", entry.oovRatio) + ")")
                let rows = [entry.total, entry.semantic, entry.syntactic] + entry.sections
                let width = rows.map(\.name.count).max() ?? 0
                for (i, score) in rows.enumerated() {
                    if i == 3 { print("") }
                    print("  " + score.name + String(repeating: " ", count: width - score.name.count)
                          + String(format: "  %6.2f%%  %d / %d", score.accuracy * 100, score.correct, score.total))
                }
            }
        }
    }
}

/// `x`, or nil when it is NaN or infinite (JSON has no NaN; printed as null).
func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }

/// Scores word pairs where words outside the restricted vocabulary get predicted vectors.
///
/// Matches ``EmbeddingEvaluator/evaluateWordPairs(_:restrictVocab:caseInsensitive:)`` on pairs
/// whose words are known (same word → first-row map, same float32 cosines), so the only
/// difference is that no pair is skipped.
struct ModelPairScorer {
    let evaluator: EmbeddingEvaluator
    let restrict: Int
    let caseInsensitive: Bool

    func score(_ pairs: [WordPair], predictor: Predictor) throws -> EvalJSON.ModelPairs {
        let fold: (String) -> String = caseInsensitive ? { $0.uppercased() } : { $0 }
        var known: [String: Int] = [:]
        for row in 0 ..< min(restrict, evaluator.vocabulary.count) {
            let word = fold(evaluator.vocabulary[row])
            if known[word] == nil { known[word] = row }
        }
        // Unknown words, once each (by folded form); lowercase is what most tables hold.
        var predictedIndex: [String: Int] = [:], forms: [String] = []
        for pair in pairs {
            for word in [pair.first, pair.second] where known[fold(word)] == nil && predictedIndex[fold(word)] == nil {
                predictedIndex[fold(word)] = forms.count
                forms.append(caseInsensitive ? word.lowercased() : word)
            }
        }
        let predicted = predictor.predict(forms)
        let units: [[Scalar]] = (0 ..< forms.count).map { i in
            predicted.withRow(i) { L2.unitVector($0) } ?? [Scalar](repeating: 0, count: evaluator.index.dimensions)
        }
        func vector(_ word: String) -> (row: Int?, unit: [Scalar]?) {
            if let row = known[fold(word)] { return (row, nil) }
            return (nil, units[predictedIndex[fold(word)]!])
        }
        var gold: [Double] = [], cosines: [Double] = [], embedded = 0
        for pair in pairs {
            let a = vector(pair.first), b = vector(pair.second)
            gold.append(pair.score)
            if let ra = a.row, let rb = b.row {
                cosines.append(Double(evaluator.similarity(ra, rb)))
                continue
            }
            embedded += 1
            let x = a.unit ?? evaluator.index.normalizedMatrix.row(a.row!)
            let y = b.unit ?? evaluator.index.normalizedMatrix.row(b.row!)
            var dot: Scalar = 0
            for j in 0 ..< x.count { dot += x[j] * y[j] }
            cosines.append(Double(dot))
        }
        guard !gold.isEmpty else { throw EvaluationError.noPairsInVocabulary(pairs: 0) }
        return EvalJSON.ModelPairs(scored: gold.count, embeddedPairs: embedded, predictedWords: forms.count,
                                   pearson: finite(Correlation.pearson(gold, cosines)),
                                   spearman: finite(Correlation.spearman(gold, cosines)))
    }
}

/// The object printed by `eval --json` (keys in snake_case).
struct EvalJSON: Encodable {
    struct Pairs: Encodable {
        var file: String
        /// Pairs parsed from the file.
        var pairs: Int
        var skippedLines: [Int]
        var scored: Int?
        var oovPairs: Int?
        /// Percentage of pairs skipped for unknown words (gensim's oov ratio).
        var oovRatio: Double?
        var pearson: Double?
        var spearman: Double?
        var model: ModelPairs?

        init(file: String, pairs: Int, skippedLines: [Int]) {
            self.file = file
            self.pairs = pairs
            self.skippedLines = skippedLines
        }

        enum CodingKeys: String, CodingKey {
            case file, pairs, scored, pearson, spearman, model
            case skippedLines = "skipped_lines", oovPairs = "oov_pairs", oovRatio = "oov_ratio"
        }
    }

    struct ModelPairs: Encodable {
        var scored: Int
        /// Pairs with at least one word predicted by the model.
        var embeddedPairs: Int
        var predictedWords: Int
        var pearson: Double?
        var spearman: Double?

        enum CodingKeys: String, CodingKey {
            case scored, pearson, spearman, embeddedPairs = "embedded_pairs", predictedWords = "predicted_words"
        }
    }

    struct Score: Encodable {
        var name: String
        var correct: Int
        var total: Int
        var accuracy: Double

        init(_ score: AnalogyScore) {
            name = score.name
            correct = score.correct
            total = score.total
            accuracy = score.accuracy
        }
    }

    struct Analogies: Encodable {
        var file: String
        var questions: Int
        var answered: Int
        var oovRatio: Double
        var total: Score
        var semantic: Score
        var syntactic: Score
        var sections: [Score]
        var skippedLines: [Int]

        init(file: String, result: AnalogyEvaluation, skippedLines: [Int]) {
            self.file = file
            questions = result.questionCount
            answered = result.total.total
            oovRatio = result.oovRatio
            total = Score(result.total)
            semantic = Score(result.semantic)
            syntactic = Score(result.syntactic)
            sections = result.sections.map(Score.init)
            self.skippedLines = skippedLines
        }

        enum CodingKeys: String, CodingKey {
            case file, questions, answered, total, semantic, syntactic, sections
            case oovRatio = "oov_ratio", skippedLines = "skipped_lines"
        }
    }

    var vectors: String
    var rows: Int
    var dimensions: Int
    var restrict: Int
    var caseInsensitive: Bool
    var model: String?
    var pairs: [Pairs]
    var analogies: [Analogies]

    enum CodingKeys: String, CodingKey {
        case vectors, rows, dimensions, restrict, model, pairs, analogies
        case caseInsensitive = "case_insensitive"
    }
}
