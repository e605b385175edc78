import ArgumentParser
import EmbeddingCore
import NeighborSearch

extension CharVec {
    struct Analogy: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Solve 'A is to B as C is to ?' by 3CosAdd (default) or 3CosMul.",
            discussion: """
            3CosAdd ranks rows by cosine to the normalised mean of B̂ + Ĉ − Â (gensim's \
            most_similar(positive=[B, C], negative=[A])); --cosmul ranks by \
            cos'(x,B)·cos'(x,C) / (cos'(x,A) + 1e-6) with cos' = (1 + cos) / 2 (gensim's \
            most_similar_cosmul). A, B and C (all their rows) are never listed, nor are rows \
            with a zero or non-finite vector.

            Examples:
              charvec analogy vectors.vec man king woman
              charvec analogy vectors.vec man king woman --cosmul --top 5
            """)

        @Argument(help: "The embedding file ('-' for standard input).")
        var file: String

        @Argument(help: "A: the first word of the known pair (repelled).")
        var a: String

        @Argument(help: "B: the second word of the known pair (attracts).")
        var b: String

        @Argument(help: "C: the word whose counterpart is wanted (attracts).")
        var c: String

        @Option(help: "Answers listed.")
        var top: Int = 10

        @Flag(help: "Use 3CosMul (Levy & Goldberg 2014) instead of 3CosAdd.")
        var cosmul = false

        @Option(help: "Search only the first N rows (gensim's restrict_vocab).")
        var restrict: Int?

        @Flag(help: "Print one JSON object instead of text.")
        var json = false

        @OptionGroup var input: InputOptions

        func validate() throws {
            try OptionValidation.positive(top, option: "--top")
            if let restrict { try OptionValidation.positive(restrict, option: "--restrict") }
        }

        func run() throws {
            let table = try TableLoading.load(file, input: input)
            let words = [a, b, c].map { input.lowercase ? $0.lowercased() : $0 }
            let rows = words.map { table.vocabulary.index(of: $0) }
            let unknown = zip(words, rows).filter { $0.1 == nil }.map(\.0)
            let method = cosmul ? "3CosMul" : "3CosAdd"
            /// The failure as JSON on stdout too (scripts read one object either way), then on stderr.
            func fail(_ error: CommandError, kind: String, words failing: [String]) throws {
                if json {
                    try printJSON(AnalogyJSON(a: words[0], b: words[1], c: words[2], method: method, answers: nil,
                                              error: kind, unknown: failing))
                }
                try reportingErrors { throw error }
            }
            guard unknown.isEmpty else { return try fail(.unknownWords(unknown), kind: "unknown word", words: unknown) }
            let index = ExactIndex(matrix: table.matrix, threads: input.threads)
            let zero = zip(words, rows).filter { !index.isSearchable($0.1!) }.map(\.0)
            guard zero.isEmpty else { return try fail(.zeroVectors(zero), kind: "zero vector", words: zero) }
            let (rowA, rowB, rowC) = (rows[0]!, rows[1]!, rows[2]!)
            // Rows repeating A, B or C are excluded too: they would answer with the input itself.
            var repeats: [Int] = []
            for (row, first) in table.vocabulary.duplicates where [rowA, rowB, rowC].contains(first) { repeats.append(row) }
            let found = index.analogy(positive: [rowB, rowC], negative: [rowA], k: min(top, table.count) + repeats.count,
                                      method: cosmul ? .cosMul : .cosAdd, rowLimit: restrict)
                .filter { !repeats.contains($0.row) }.prefix(top)
            if json {
                try printJSON(AnalogyJSON(a: words[0], b: words[1], c: words[2], method: method, answers: found.enumerated().map {
                    .init(rank: $0.offset + 1, word: table.vocabulary[$0.element.row], row: $0.element.row, score: $0.element.score)
                }, error: nil, unknown: nil))
                return
            }
            let typed = words.map(DisplayText.word)
            print("\(typed[0]) : \(typed[1]) :: \(typed[2]) : ?   (\(method))")
            let shown = found.map { DisplayText.word(table.vocabulary[$0.row]) }
            let width = shown.map(\.count).max() ?? 0
            for (rank, (answer, word)) in zip(found, shown).enumerated() {
                print(String(format: "%4d  ", rank + 1) + word + String(repeating: " ", count: width - word.count)
                      + String(format: "  %.4f", answer.score))
            }
        }
    }
}

/// The object printed by `analogy --json`.
struct AnalogyJSON: Encodable {
    struct Answer: Encodable {
        var rank: Int
        var word: String
        var row: Int
        /// Cosine (3CosAdd) or the multiplicative objective (3CosMul).
        var score: Float
    }
    var a: String, b: String, c: String
    var method: String
    /// Absent when the question could not be asked (then `error` and `unknown` say why).
    var answers: [Answer]?
    /// "unknown word" or "zero vector".
    var error: String?
    /// The words that caused `error`.
    var unknown: [String]?
}
