import EmbeddingCore

/// Intrinsic evaluation of a table with gensim 4.4's semantics
/// (`KeyedVectors.evaluate_word_pairs` and `evaluate_word_analogies`).
///
/// Only the first `restrictVocab` rows are used. With `caseInsensitive`, words are
/// compared in uppercase and an uppercase form maps to the *first* row having it.
public struct EmbeddingEvaluator: Sendable {
    public let index: ExactIndex
    public let vocabulary: Vocabulary

    /// - Parameters:
    ///   - index: an index over the table's matrix.
    ///   - vocabulary: the table's words, row for row.
    public init(index: ExactIndex, vocabulary: Vocabulary) {
        precondition(index.rows == vocabulary.count, "index has \(index.rows) rows, vocabulary \(vocabulary.count) words")
        self.index = index
        self.vocabulary = vocabulary
    }

    /// Builds the index from a table (normalises a copy of its matrix).
    public init(table: EmbeddingTable, threads: Int = 2) {
        self.init(index: ExactIndex(matrix: table.matrix, threads: threads), vocabulary: table.vocabulary)
    }

    /// Word → row over the first `restrictVocab` rows; the first row wins.
    func _restrictedVocabulary(_ restrictVocab: Int, caseInsensitive: Bool) -> [String: Int] {
        var map: [String: Int] = [:]
        for row in 0 ..< min(restrictVocab, vocabulary.count) {
            let word = caseInsensitive ? vocabulary[row].uppercased() : vocabulary[row]
            if map[word] == nil { map[word] = row }
        }
        return map
    }

    /// Correlation of model cosines with human scores.
    ///
    /// Pairs with a word outside the restricted vocabulary are skipped and counted in
    /// ``WordPairEvaluation/oovRatio``.
    /// - Throws: ``EvaluationError/noPairsInVocabulary(pairs:)`` if no pair can be scored.
    /// - Complexity: O(pairs × dimensions + restrictVocab).
    public func evaluateWordPairs(_ pairs: [WordPair], restrictVocab: Int = 300_000,
                                  caseInsensitive: Bool = true) throws -> WordPairEvaluation {
        let known = _restrictedVocabulary(restrictVocab, caseInsensitive: caseInsensitive)
        var gold: [Double] = [], model: [Double] = [], oov = 0
        for pair in pairs {
            let a = caseInsensitive ? pair.first.uppercased() : pair.first
            let b = caseInsensitive ? pair.second.uppercased() : pair.second
            guard let ra = known[a], let rb = known[b] else {
                oov += 1
                continue
            }
            gold.append(pair.score)
            model.append(Double(similarity(ra, rb)))
        }
        guard !gold.isEmpty else { throw EvaluationError.noPairsInVocabulary(pairs: pairs.count) }
        return WordPairEvaluation(pearson: Correlation.pearson(gold, model), spearman: Correlation.spearman(gold, model),
                                  pairCount: gold.count, oovCount: oov)
    }

    /// Cosine similarity of two rows (0 if either is unsearchable).
    public func similarity(_ a: Int, _ b: Int) -> Scalar {
        index.normalizedMatrix.withRow(a) { x in
            index.normalizedMatrix.withRow(b) { y in _dot(x.baseAddress!, y.baseAddress!, index.dimensions) }
        }
    }

    /// Analogy accuracy with 3CosAdd, as gensim's `evaluate_word_analogies`.
    ///
    /// A question is skipped if any of its four words is outside the restricted vocabulary.
    /// The prediction is the best of `most_similar(positive: [b, c], negative: [a], topn: 5)`
    /// over the restricted rows, excluding the rows of a, b, c, that is in the restricted
    /// vocabulary and differs from a, b, c (compared in uppercase when `caseInsensitive`);
    /// the question is correct when the prediction equals `expected`.
    /// Queries are answered in one blocked sgemm batch.
    /// - Complexity: O(questions × restrictVocab × dimensions) flops.
    public func evaluateWordAnalogies(_ sections: [AnalogySection], restrictVocab: Int = 300_000,
                                      caseInsensitive: Bool = true) -> AnalogyEvaluation {
        let known = _restrictedVocabulary(restrictVocab, caseInsensitive: caseInsensitive)
        let fold: (String) -> String = caseInsensitive ? { $0.uppercased() } : { $0 }
        // Collect the answerable questions with their section.
        var asked: [(section: Int, words: [String], rows: [Int])] = []
        var questionCount = 0
        for (s, section) in sections.enumerated() {
            for q in section.questions {
                questionCount += 1
                let words = [q.a, q.b, q.c, q.expected].map(fold)
                let rows = words.compactMap { known[$0] }
                if rows.count == 4 { asked.append((s, words, rows)) }
            }
        }
        // Queries: normalised mean of +b̂ + ĉ − â; a zero mean gets no prediction.
        var queries = RowMatrix(columns: index.dimensions, reservingRows: asked.count)
        let zero = [Scalar](repeating: 0, count: index.dimensions)
        for q in asked {
            queries.appendRow(index.meanQuery(positive: [q.rows[1], q.rows[2]], negative: [q.rows[0]]) ?? zero)
        }
        let results = index.search(queries: queries, k: 5, excluding: asked.map { Array($0.rows[0 ..< 3]) },
                                   rowLimit: restrictVocab)
        var correct = [Int](repeating: 0, count: sections.count)
        var incorrect = [Int](repeating: 0, count: sections.count)
        for (q, neighbours) in zip(asked, results) {
            var predicted: String? = nil
            let ignore = Set(q.words[0 ..< 3])
            for neighbour in neighbours {
                predicted = fold(vocabulary[neighbour.row])
                if known[predicted!] != nil && !ignore.contains(predicted!) { break }
            }
            if predicted == q.words[3] { correct[q.section] += 1 } else { incorrect[q.section] += 1 }
        }
        let results2 = sections.indices.map {
            AnalogyScore(name: sections[$0].name, correct: correct[$0], incorrect: incorrect[$0])
        }
        return AnalogyEvaluation(sections: results2, questionCount: questionCount)
    }
}

/// Result of ``EmbeddingEvaluator/evaluateWordPairs(_:restrictVocab:caseInsensitive:)``.
public struct WordPairEvaluation: Equatable, Sendable {
    /// Pearson's r between human scores and cosines.
    public var pearson: Double
    /// Spearman's ρ (average ranks for ties).
    public var spearman: Double
    /// Pairs scored.
    public var pairCount: Int
    /// Pairs skipped because a word is out of the restricted vocabulary.
    public var oovCount: Int
    /// Percentage of pairs skipped, `100 × oov / (scored + oov)` as gensim reports it.
    public var oovRatio: Double { 100 * Double(oovCount) / Double(pairCount + oovCount) }
}

/// Correct and incorrect answers of one section (or of a total).
public struct AnalogyScore: Equatable, Sendable {
    public var name: String
    public var correct: Int
    public var incorrect: Int
    public var total: Int { correct + incorrect }
    /// `correct / total`, 0 when nothing was answered (as gensim).
    public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }
}

/// Result of ``EmbeddingEvaluator/evaluateWordAnalogies(_:restrictVocab:caseInsensitive:)``.
public struct AnalogyEvaluation: Equatable, Sendable {
    /// One score per input section, in order.
    public var sections: [AnalogyScore]
    /// Questions read (answered or skipped).
    public var questionCount: Int

    private func _sum(_ name: String, _ include: (AnalogyScore) -> Bool) -> AnalogyScore {
        let chosen = sections.filter(include)
        return AnalogyScore(name: name, correct: chosen.map(\.correct).reduce(0, +),
                            incorrect: chosen.map(\.incorrect).reduce(0, +))
    }

    /// All sections ("Total accuracy", gensim's returned score).
    public var total: AnalogyScore { _sum("Total accuracy") { _ in true } }
    /// Sections whose name does not start with `gram`.
    public var semantic: AnalogyScore { _sum("semantic") { !$0.name.hasPrefix("gram") } }
    /// Sections whose name starts with `gram`.
    public var syntactic: AnalogyScore { _sum("syntactic") { $0.name.hasPrefix("gram") } }
    /// Percentage of questions skipped for out-of-vocabulary words.
    public var oovRatio: Double { questionCount == 0 ? 0 : 100 * Double(questionCount - total.total) / Double(questionCount) }
}
