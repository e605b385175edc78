/// A human similarity judgement: two words and a score (WordSim-353, SimLex-999).
public struct WordPair: Hashable, Sendable {
    public var first: String
    public var second: String
    public var score: Double
    /// 1-based line in the source text.
    public var line: Int

    public init(first: String, second: String, score: Double, line: Int = 0) {
        self.first = first
        self.second = second
        self.score = score
        self.line = line
    }

    /// Parses `word1<delimiter>word2<delimiter>score` lines as gensim's `evaluate_word_pairs`:
    /// lines starting with `#` are comments; a line without exactly three fields or with a
    /// non-numeric score is skipped (its 1-based number is returned in `skippedLines`).
    /// Words are kept as written (case folding happens at evaluation).
    /// - Complexity: O(text length).
    public static func parse(_ text: String, delimiter: Character = "\t")
        -> (pairs: [WordPair], skippedLines: [Int]) {
        let (pairs, skipped) = parseListingSkips(text, delimiter: delimiter)
        return (pairs, skipped.map(\.line))
    }

    /// ``parse(_:delimiter:)`` with the reason each skipped line was skipped. Unlike gensim, a
    /// score that is not finite (`nan`, `inf`, `-1e400`) is skipped too: it would make every
    /// correlation NaN.
    public static func parseListingSkips(_ text: String, delimiter: Character = "\t")
        -> (pairs: [WordPair], skipped: [SkippedLine]) {
        var pairs: [WordPair] = [], skipped: [SkippedLine] = []
        for (number, line) in _lines(text) {
            if line.hasPrefix("#") { continue }
            let fields = line.split(separator: delimiter, omittingEmptySubsequences: false)
            guard fields.count == 3 else {
                skipped.append(SkippedLine(line: number, reason: "expected 3 fields separated by \(SkippedLine.name(of: delimiter)), found \(fields.count)"))
                continue
            }
            let token = fields[2].trimmingWhitespace()
            guard let score = Double(token) else {
                skipped.append(SkippedLine(line: number, reason: "the score '\(token.prefix(40))' is not a number"))
                continue
            }
            guard score.isFinite else {
                skipped.append(SkippedLine(line: number, reason: "the score '\(token.prefix(40))' is not a finite number"))
                continue
            }
            pairs.append(WordPair(first: String(fields[0]), second: String(fields[1]), score: score, line: number))
        }
        return (pairs, skipped)
    }
}

/// A line of an evaluation file that was not used, and why.
public struct SkippedLine: Equatable, Sendable {
    /// 1-based line number.
    public var line: Int
    /// Lowercase: what was expected and what was found.
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    /// How a delimiter is named in messages: `tab`, `space`, or the character quoted.
    public static func name(of delimiter: Character) -> String {
        switch delimiter {
        case "\t": return "tab"
        case " ": return "space"
        default: return "'\(delimiter)'"
        }
    }
}

/// One analogy question "a is to b as c is to expected".
public struct AnalogyQuestion: Hashable, Sendable {
    public var a: String, b: String, c: String, expected: String
    public init(_ a: String, _ b: String, _ c: String, _ expected: String) {
        self.a = a
        self.b = b
        self.c = c
        self.expected = expected
    }
}

/// A named group of analogy questions (`: capital-common-countries` in questions-words.txt).
public struct AnalogySection: Hashable, Sendable {
    public var name: String
    public var questions: [AnalogyQuestion]

    public init(name: String, questions: [AnalogyQuestion] = []) {
        self.name = name
        self.questions = questions
    }

    /// Whether gensim counts the section as syntactic (its name starts with `gram`).
    public var isSyntactic: Bool { name.hasPrefix("gram") }

    /// Parses the word2vec analogy format as gensim's `evaluate_word_analogies`: a line
    /// starting with `: ` opens a section (name = the rest, trimmed); other lines must have
    /// four whitespace-separated words, or are skipped (1-based numbers in `skippedLines`).
    /// - Throws: ``EvaluationError/questionBeforeSection(line:)`` if a question line comes
    ///   before the first section header.
    public static func parse(_ text: String) throws -> (sections: [AnalogySection], skippedLines: [Int]) {
        let (sections, skipped) = try parseListingSkips(text)
        return (sections, skipped.map(\.line))
    }

    /// ``parse(_:)`` with the reason each skipped line was skipped. A section header without a
    /// name is named after its line (`(unnamed, line 7)`) so its score can still be told apart.
    public static func parseListingSkips(_ text: String) throws -> (sections: [AnalogySection], skipped: [SkippedLine]) {
        var sections: [AnalogySection] = [], skipped: [SkippedLine] = []
        for (number, line) in _lines(text) {
            if line.hasPrefix(": ") || line == ":" {
                // gensim: line.lstrip(': ').strip()
                let name = line.drop { $0 == ":" || $0 == " " }.trimmingWhitespace()
                sections.append(AnalogySection(name: name.isEmpty ? "(unnamed, line \(number))" : String(name)))
                continue
            }
            guard !sections.isEmpty else { throw EvaluationError.questionBeforeSection(line: number) }
            let words = line.split(whereSeparator: { $0.isWhitespace })
            guard words.count == 4 else {
                skipped.append(SkippedLine(line: number, reason: "expected 4 words separated by spaces, found \(words.count)"))
                continue
            }
            sections[sections.count - 1].questions.append(
                AnalogyQuestion(String(words[0]), String(words[1]), String(words[2]), String(words[3])))
        }
        return (sections, skipped)
    }
}

/// Errors of the evaluation helpers.
public enum EvaluationError: Error, Equatable, CustomStringConvertible {
    /// An analogy question line came before any `: section` header.
    case questionBeforeSection(line: Int)
    /// No pair had both words in the (restricted) vocabulary.
    case noPairsInVocabulary(pairs: Int)
    /// The analogy text had no question with all four words in the vocabulary.
    case noQuestionsInVocabulary(questions: Int)

    public var description: String {
        switch self {
        case .questionBeforeSection(let line):
            return "line \(line): analogy question before the first ': section' header; add a header line"
        case .noPairsInVocabulary(let pairs):
            return "none of the \(pairs) word pairs has both words in the vocabulary"
        case .noQuestionsInVocabulary(let questions):
            return "none of the \(questions) analogy questions has all four words in the vocabulary"
        }
    }
}

/// Lines with 1-based numbers; `\n`, `\r\n` and `\r` end a line (Python's universal newlines).
/// (`\r\n` is one `Character` in Swift, so it is matched as such.)
func _lines(_ text: String) -> [(Int, Substring)] {
    var result: [(Int, Substring)] = []
    let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
    for (i, line) in lines.enumerated() {
        // A final newline does not open one more (empty) line.
        if line.isEmpty && line.endIndex == text.endIndex { continue }
        result.append((i + 1, line))
    }
    return result
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? start
        return self[start ..< Swift.max(start, end)]
    }
}
