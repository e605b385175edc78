import ArgumentParser
import EmbeddingCore
import EmbeddingIO
import Foundation
import NeighborSearch
import Training
#if canImport(Glibc)
import Glibc
#endif

extension CharVec {
    struct Neighbors: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the words most cosine-similar to a word, or to the mean of several words.",
            discussion: """
            Each WORD argument is one query; an argument holding several words ("new york") asks for \
            the neighbours of their normalised mean (gensim's most_similar(positive=[…])). Without \
            WORD arguments, queries are read from standard input, one per line; on a terminal this is \
            an interactive prompt (line editing with the arrow keys, Home/End, Ctrl-U/K; ↑/↓ recall earlier \
            queries) that ends at EOF, Ctrl-D or an empty line. The query words themselves (all \
            their rows) are never listed, nor are rows with a zero or non-finite vector.

            Words not in the table are predicted by --model when given (for a fastText .bin table, by its \
            character n-grams, as fastText does), otherwise reported as unknown. With --model, an unknown \
            word one edit from a table word (a likely typo: a letter dropped, added, changed or two swapped) \
            is pulled toward that word (--spelling-weight; among several, the likeliest given the model's \
            prediction, the kind of slip and the word's place in the table). \
            With --index, an HNSW index written by 'charvec index' answers instead of an exact scan.

            Exit status: 0 when at least one query was answered (or none was asked), 1 when every \
            query failed (unknown words, zero vectors) or a file could not be used.

            Examples:
              charvec neighbors vectors.vec king queen --top 5
              charvec neighbors vectors.vec "new york"
              charvec neighbors vectors.vec --model model.cvm goverment kingdomz
              charvec neighbors vectors.vec --index vectors.hnsw king
              echo "0.1 -0.3 0.7 …" | charvec neighbors vectors.vec --vector
            """)

        @Argument(help: "The embedding file ('-' for standard input; then queries must be arguments).")
        var file: String

        @Argument(help: "Query words; quote several words to query their mean. Omit to read queries from standard input.")
        var words: [String] = []

        @Option(help: "Neighbours listed per query.")
        var top: Int = 10

        @Option(help: "A model written by 'charvec train' that predicts vectors for words not in the table.")
        var model: String?

        @Option(help: "With --model: weight of the table word one edit from an unknown word (a likely typo), added to its prediction (0 = the model alone).")
        var spellingWeight: Float = SpellingLexicon.defaultWeight

        @Option(help: "An HNSW index written by 'charvec index' for this table (approximate, faster on large tables).")
        var index: String?

        @Option(help: "Candidate list size of HNSW searches (higher: better recall, slower; default 128); needs --index.")
        var efSearch: Int?

        @Flag(help: "Print one JSON object per query (one per line) instead of text.")
        var json = false

        @Flag(help: "Read query vectors from standard input (one per line, numbers separated by spaces or commas) instead of words.")
        var vector = false

        @OptionGroup var modelOptions: ModelOptions
        @OptionGroup var input: InputOptions

        func validate() throws {
            try OptionValidation.positive(top, option: "--top")
            try OptionValidation.finite(spellingWeight, 0 ... 100, option: "--spelling-weight")
            try modelOptions.validate(model: model)
            if let efSearch {
                try OptionValidation.range(efSearch, 1 ... 1_000_000, option: "--ef-search")
                guard index != nil else {
                    throw ValidationError("--ef-search applies to approximate searches only: add --index INDEX, or drop --ef-search.")
                }
            }
            if file == "-" && words.isEmpty {
                throw ValidationError("the table is read from standard input, so give the query words as arguments.")
            }
            if vector && (file == "-" || !words.isEmpty) {
                throw ValidationError("--vector reads the queries from standard input: give the table as a file and no words.")
            }
        }

        func run() throws {
            let engine = try NeighborEngine(file: file, input: input, modelPath: model, modelOptions: modelOptions, indexPath: index, efSearch: efSearch ?? 128,
                                            spellingWeight: spellingWeight)
            var asked = 0, answered = 0
            var notesShown = Set<String>()
            if vector {
                (asked, answered) = try answerVectors(engine)
                if asked > 0 && answered == 0 { throw ExitCode.failure }
                return
            }
            func answer(_ text: String) throws {
                let words = QueryInput.queryWords(text, lowercase: input.lowercase)
                guard !words.isEmpty else { return }
                asked += 1
                let outcome = engine.neighbors(of: words, k: min(top, engine.vocabulary.count))
                if case .answered = outcome { answered += 1 }
                try report(query: words.joined(separator: " "), words: words, outcome, vocabulary: engine.vocabulary,
                           pulledToward: engine.pulledToward, notesShown: &notesShown)
                fflush(nil)  // answer interactive and piped queries at once
            }

            if !words.isEmpty {
                for query in words { try answer(query) }
            } else if isatty(0) != 0 {
                Diagnostics.printLine("\(engine.vocabulary.count) words × \(engine.dimensions) dimensions"
                    + (!engine.predictsWithModel ? "" : ", unknown words predicted by \(model!)")
                    + ". Type a word (several words: their mean); an empty line or EOF quits.")
                let editor = LineEditor(prompt: "> ")
                while let line = editor.readLine(), !line.allSatisfy(\.isWhitespace) {
                    try answer(line)
                }
            } else {
                // A byte-order mark opening piped input is not part of the first query.
                for line in QueryLines({ readLine() }) { try answer(line) }
            }
            if asked > 0 && answered == 0 { throw ExitCode.failure }
        }

        /// Prints one query's answer or failure; a failure's note (how to fix it) only the first
        /// time it occurs, tracked in `notesShown`.
        func report(query: String, words: [String], _ outcome: NeighborEngine.Outcome, vocabulary: Vocabulary,
                    pulledToward: ([String]) -> [(String, String)] = { _ in [] }, notesShown: inout Set<String>) throws {
            switch outcome {
            case .answered(let neighbors, let predicted):
                let pulled = pulledToward(predicted)
                if json {
                    try printJSON(NeighborsJSON(query: query, words: words, predicted: predicted.isEmpty ? nil : predicted,
                                                 pulledToward: pulled.isEmpty ? nil : Dictionary(pulled, uniquingKeysWith: { a, _ in a }),
                                                 neighbors: neighbors.enumerated().map {
                                                     .init(rank: $0.offset + 1, word: vocabulary[$0.element.row], row: $0.element.row,
                                                           cosine: $0.element.score)
                                                 }, error: nil, unknown: nil))
                    return
                }
                let spelled = pulled.map { "; \($0.0) is one edit from \($0.1)" }.joined()
                let note = predicted.isEmpty ? "" : "  (predicted by the model: \(predicted.joined(separator: ", "))\(spelled))"
                print(DisplayText.word(query) + DisplayText.escaped(note))
                let shown = neighbors.map { DisplayText.word(vocabulary[$0.row]) }
                let width = shown.map(\.count).max() ?? 0
                for (rank, (neighbor, word)) in zip(neighbors, shown).enumerated() {
                    let padding = String(repeating: " ", count: width - word.count)
                    print(String(format: "%4d  ", rank + 1) + word + padding + String(format: "  %.4f", neighbor.score))
                }
                if neighbors.isEmpty { print("  (no searchable rows left)") }
            case .failed(let error, let words):
                // The note (how to fix it) once per run, not once per failed query.
                Diagnostics.printLine(error.diagnostic)
                if let note = error.note, notesShown.insert(note).inserted {
                    Diagnostics.printNote(note)
                }
                if json {
                    let kind: String
                    if case .zeroVectors = error { kind = "zero vector" } else { kind = "unknown word" }
                    try printJSON(NeighborsJSON(query: query, words: words, predicted: nil, neighbors: nil, error: kind,
                                                 unknown: error.words))
                }
            }
        }
    }
}

/// One line of `neighbors --json`.
struct NeighborsJSON: Encodable {
    struct Entry: Encodable {
        var rank: Int
        var word: String
        var row: Int
        var cosine: Float
    }
    var query: String
    var words: [String]
    /// Query words not in the table whose vectors the model predicted.
    var predicted: [String]?
    /// Predicted words pulled toward the table word one edit away (`--spelling-weight`), and that word.
    var pulledToward: [String: String]?
    var neighbors: [Entry]?
    /// "unknown word" or "zero vector" when the query could not be answered.
    var error: String?
    /// The words that caused `error`.
    var unknown: [String]?
}

extension CommandError {
    /// The words an unknown-word or zero-vector error is about.
    var words: [String]? {
        switch self {
        case .unknownWords(let words), .zeroVectors(let words): return words
        default: return nil
        }
    }
}

/// Loads what `neighbors` needs (table, model or fastText n-grams, exact or HNSW index) into a
/// ``NeighborQuery`` and turns its failures into command errors.
struct NeighborEngine {
    enum Outcome {
        case answered([Neighbor], predicted: [String])
        case failed(CommandError, words: [String])
    }

    let query: NeighborQuery
    /// Whether unknown words come from a model given with `--model`.
    let predictsWithModel: Bool
    /// The table's words for pulling typos toward them (with `--model` and `--spelling-weight` > 0),
    /// and the model's predictor without them (to name the word each typo was pulled toward).
    let lexicon: SpellingLexicon?
    let modelAlone: Predictor?
    var vocabulary: Vocabulary { query.vocabulary }
    var dimensions: Int { query.dimensions }

    init(file: String, input: InputOptions, modelPath: String?, modelOptions: ModelOptions, indexPath: String?, efSearch: Int,
         spellingWeight: Float = 0) throws {
        let table = try TableLoading.load(file, input: input)
        var predictor = try modelPath.map { try TableLoading.predictor($0, dimensions: table.dimensions, threads: input.threads, options: modelOptions) }
        if spellingWeight > 0, predictor != nil {
            predictor?.lexicon = SpellingLexicon(words: table.vocabulary.words, vectors: table.matrix, weight: spellingWeight)
        }
        lexicon = predictor?.lexicon
        modelAlone = predictor.map { var alone = $0; alone.lexicon = nil; return alone }
        let isFastText = modelPath == nil && TableFile.detectForeignFormat(file) == .fastText
        // A fastText model read as the table: out-of-vocabulary words get vectors from its n-gram buckets.
        let subwordModel = isFastText ? try reportingErrors { try FastTextModel(path: file) } : nil
        var predict: (([String]) -> RowMatrix)?
        if let predictor {
            predict = { predictor.predict($0) }
        } else if let subwordModel {
            predict = { subwordModel.wordVectors(of: $0) }
        }
        predictsWithModel = predictor != nil
        let searcher: NeighborQuery.Searcher
        if let indexPath {
            let index = try reportingErrors {
                try InputPath.check(indexPath)
                return try HNSWIndex.load(from: indexPath)
            }
            try reportingErrors { try Self.check(index, path: indexPath, belongsTo: table) }
            searcher = .approximate(index, efSearch: min(efSearch, max(table.count, 1)))
        } else {
            let progress = ProgressBar(label: "normalising", enabled: Diagnostics.stderrIsTerminal)
            progress.status("\(table.count) rows…")
            let index = ExactIndex(matrix: table.matrix, threads: input.threads)
            progress.finish()
            searcher = .exact(index)
        }
        query = NeighborQuery(table: table, searcher: searcher, predict: predict)
    }

    /// Refuses an index built from another table: the shape must match, and so must the
    /// stored unit vectors of 64 rows spread over the table (and which rows are left out).
    static func check(_ index: HNSWIndex, path: String, belongsTo table: EmbeddingTable) throws {
        guard index.rows == table.count && index.dimensions == table.dimensions else {
            throw CommandError.indexShapeMismatch(path: path, indexRows: index.rows, indexDimensions: index.dimensions,
                                                  tableRows: table.count, tableDimensions: table.dimensions)
        }
        let samples = Set((0 ..< min(64, table.count)).map { $0 * table.count / min(64, table.count) } + [table.count - 1])
        for row in samples.sorted() where row >= 0 {
            let expected = table.matrix.withRow(row) { L2.unitVector($0) }
            let stored = index.normalizedVector(row: row)
            let same: Bool
            switch (expected, stored) {
            case (nil, nil): same = true
            case (let e?, let s?): same = zip(e, s).allSatisfy { abs($0 - $1) <= 1e-5 }
            default: same = false
            }
            guard same else { throw CommandError.indexContentMismatch(path: path, row: row, word: table.vocabulary[row]) }
        }
    }

    /// Predicted words that were pulled toward a table word one edit away, and that word: the
    /// lexicon's choice from the same model prediction the search used.
    func pulledToward(_ predicted: [String]) -> [(String, String)] {
        guard let lexicon, let modelAlone, !predicted.isEmpty else { return [] }
        let predictions = modelAlone.predict(predicted)
        return predicted.indices.compactMap { i in
            lexicon.nearestRow(to: predicted[i], prediction: predictions.row(i)).map { (predicted[i], vocabulary[$0]) }
        }
    }

    /// The `k` nearest rows to the normalised mean of the words' unit vectors, excluding the words' rows.
    func neighbors(of words: [String], k: Int) -> Outcome {
        switch query.neighbors(of: words, k: k) {
        case .answered(let found, let predicted): return .answered(found, predicted: predicted)
        case .failed(.unknownWords(let unknown)): return .failed(.unknownWords(unknown), words: words)
        case .failed(.zeroVectors(let zero)): return .failed(.zeroVectors(zero), words: words)
        }
    }
}
