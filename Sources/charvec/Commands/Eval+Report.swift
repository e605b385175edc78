import EmbeddingCore
import NeighborSearch
import Training

/// `x`, or nil when it is NaN or infinite (JSON has no NaN; printed as null).
func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }

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

        /// Correlations that cannot be computed (one pair, constant scores) are `null`, not left out.
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(file, forKey: .file)
            try container.encode(pairs, forKey: .pairs)
            try container.encode(skippedLines, forKey: .skippedLines)
            try container.encode(scored, forKey: .scored)
            try container.encode(oovPairs, forKey: .oovPairs)
            try container.encode(oovRatio, forKey: .oovRatio)
            try container.encode(pearson, forKey: .pearson)
            try container.encode(spearman, forKey: .spearman)
            try container.encodeIfPresent(model, forKey: .model)
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

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(scored, forKey: .scored)
            try container.encode(embeddedPairs, forKey: .embeddedPairs)
            try container.encode(predictedWords, forKey: .predictedWords)
            try container.encode(pearson, forKey: .pearson)
            try container.encode(spearman, forKey: .spearman)
        }
    }

    struct Score: Encodable {
        var name: String
        var correct: Int
        var total: Int
        /// nil (JSON null, printed n/a) when no question of the group was answered.
        var accuracy: Double?

        init(_ score: AnalogyScore) {
            name = score.name
            correct = score.correct
            total = score.total
            accuracy = score.total == 0 ? nil : score.accuracy
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(correct, forKey: .correct)
            try container.encode(total, forKey: .total)
            try container.encode(accuracy, forKey: .accuracy)
        }

        enum CodingKeys: String, CodingKey { case name, correct, total, accuracy }
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
    var typos: Typos?

    struct Typos: Encodable {
        /// Misspelled words ranked.
        var words: Int
        var hitAt10: Double
        var hitAt1: Double
        /// The same typos snapped to the table's words one edit away (`--spelling-weight` > 0).
        var withTable: WithTable?

        struct WithTable: Encodable {
            var hitAt10: Double
            var hitAt1: Double
            var weight: Float
            enum CodingKeys: String, CodingKey { case hitAt10 = "hit_at_10", hitAt1 = "hit_at_1", weight }
        }

        enum CodingKeys: String, CodingKey { case words, hitAt10 = "hit_at_10", hitAt1 = "hit_at_1", withTable = "with_table" }
    }

    enum CodingKeys: String, CodingKey {
        case vectors, rows, dimensions, restrict, model, pairs, analogies, typos
        case caseInsensitive = "case_insensitive"
    }
}

/// Evaluation files that cannot be used, named with their path.
enum EvalFileError: Error, DiagnosableError {
    /// No line of a word-pair file parsed.
    case noPairsRead(path: String, delimiter: Character, skipped: [SkippedLine], spaceSeparated: Bool)
    /// No pair has both words among the first `restrict` rows.
    case noPairsInVocabulary(path: String, pairs: Int, restrict: Int)
    /// No line of an analogy file is a question.
    case noQuestionsRead(path: String, skipped: [SkippedLine])
    /// A question line before the first `: section` line.
    case questionBeforeSection(path: String, line: Int)

    var diagnostic: String {
        switch self {
        case .noPairsRead(let path, _, let skipped, _):
            let first = skipped.first.map { " (line \($0.line): \($0.reason))" } ?? ""
            return "\(path): error: no word pair could be read: \(skipped.isEmpty ? "the file has no pair lines" : "all \(skipped.count) lines are malformed")\(first)"
        case .noPairsInVocabulary(let path, let pairs, let restrict):
            return "\(path): error: none of the \(pairs) word pair\(pairs == 1 ? "" : "s") has both words among the first \(restrict) rows of the table"
        case .noQuestionsRead(let path, let skipped):
            let first = skipped.first.map { " (line \($0.line): \($0.reason))" } ?? ""
            return "\(path): error: no analogy question could be read\(first)"
        case .questionBeforeSection(let path, let line):
            return "\(path):\(line):1: error: analogy question before the first ': section' line"
        }
    }

    var note: String? {
        switch self {
        case .noPairsRead(_, let delimiter, _, let spaceSeparated):
            if spaceSeparated && delimiter != " " { return "the lines look separated by spaces: pass --delimiter ' '" }
            return "expected 'word1<\(SkippedLine.name(of: delimiter))>word2<\(SkippedLine.name(of: delimiter))>score' lines; --delimiter sets the separator"
        case .noPairsInVocabulary:
            return "check that the file matches the table's language and case (--case-sensitive is off by default); raise --restrict, or pass --model to embed unknown words"
        case .noQuestionsRead, .questionBeforeSection:
            return "questions-words.txt format: ': section-name' lines, then 'a b c d' lines"
        }
    }
}
