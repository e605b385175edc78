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

            --typos N (with --model): typo robustness. N in-vocabulary words of at least 4 characters \
            (seeded sample of the first --restrict rows) each get one one-edit typo (swap, drop, insert, \
            keyboard neighbour); reported is the share whose own word is among the 10 nearest vectors \
            of the typo's prediction (and the share where it is the nearest).

            Words are compared case-insensitively (as gensim's default) unless --case-sensitive.

            Examples:
              charvec eval vectors.vec --pairs ws353.tsv --analogies questions-words.txt
              charvec eval vectors.vec --pairs simlex999.tsv --model model.cvm --json
              charvec eval vectors.vec --model model.cvm --typos 1000
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

        @Option(help: ArgumentHelp("The field separator of --pairs files (default: tab).", valueName: "character"))
        var delimiter: String?

        @Option(help: "A model written by 'charvec train': pairs with unknown words are scored with predicted vectors too.")
        var model: String?

        @Option(help: "With --model: measure how often a one-edit typo of N in-vocabulary words finds its word (0 = off).")
        var typos: Int = 0

        @Option(help: "With --typos: also rank the typos pulled toward the table word one edit away, with this weight (0 = model only).")
        var spellingWeight: Float = SpellingLexicon.defaultWeight

        @Option(help: "Seed of the --typos sample and edits.")
        var seed: UInt64 = 1

        @Flag(help: "Print one JSON object instead of text.")
        var json = false

        @OptionGroup var modelOptions: ModelOptions
        @OptionGroup var input: InputOptions

        func validate() throws {
            guard !pairs.isEmpty || !analogies.isEmpty || typos > 0 else {
                throw ValidationError("give at least one --pairs or --analogies file (e.g. wordsim353.tsv, questions-words.txt), or --typos N with --model.")
            }
            guard typos >= 0 && typos <= 10_000_000 else { throw ValidationError("--typos must be in 0...10000000 (got \(typos)).") }
            guard typos == 0 || model != nil else { throw ValidationError("--typos needs --model (the model predicts the misspelled words).") }
            try modelOptions.validate(model: model)
            try OptionValidation.positive(restrict, option: "--restrict")
            try OptionValidation.finite(spellingWeight, 0 ... 100, option: "--spelling-weight")
            if let delimiter, delimiter.count != 1 {
                throw ValidationError("--delimiter must be one character (got '\(DisplayText.escaped(delimiter))').")
            }
        }

        /// The --pairs field separator: --delimiter, or a tab.
        var separator: Character { delimiter?.first ?? "\t" }

        func run() throws {
            // Read the evaluation files first: a wrong path should fail before a long load.
            let pairTexts = try pairs.map { try TableLoading.readText($0) }
            let analogyTexts = try analogies.map { try TableLoading.readText($0) }
            let table = try TableLoading.load(file, input: input)
            let predictor = try model.map { try TableLoading.predictor($0, dimensions: table.dimensions, threads: input.threads, options: modelOptions) }
            let evaluator = EmbeddingEvaluator(table: table, threads: input.threads)
            var report = EvalJSON(vectors: file, rows: table.count, dimensions: table.dimensions, restrict: restrict,
                                  caseInsensitive: !caseSensitive, model: model, pairs: [], analogies: [])

            for (path, text) in zip(pairs, pairTexts) {
                let (parsed, skipped) = WordPair.parseListingSkips(text, delimiter: separator)
                warnAbout(skipped, in: path)
                if parsed.isEmpty {
                    try reportingErrors { throw EvalFileError.noPairsRead(path: path, delimiter: separator, skipped: skipped,
                                                                          spaceSeparated: Self.looksSpaceSeparated(text)) }
                }
                var entry = EvalJSON.Pairs(file: path, pairs: parsed.count, skippedLines: skipped.map(\.line))
                do {
                    let result = try evaluator.evaluateWordPairs(parsed, restrictVocab: restrict, caseInsensitive: !caseSensitive)
                    entry.scored = result.pairCount
                    entry.oovPairs = result.oovCount
                    entry.oovRatio = finite(result.oovRatio)
                    entry.pearson = finite(result.pearson)
                    entry.spearman = finite(result.spearman)
                } catch EvaluationError.noPairsInVocabulary {
                    guard predictor != nil else {
                        return try reportingErrors {
                            throw EvalFileError.noPairsInVocabulary(path: path, pairs: parsed.count, restrict: min(restrict, table.count))
                        }
                    }
                    Diagnostics.printNote("\(path): no pair has both words in the vocabulary; only the model score is given")
                    entry.scored = 0
                    entry.oovPairs = parsed.count
                    entry.oovRatio = parsed.isEmpty ? nil : 100
                }
                if let predictor {
                    entry.model = try reportingErrors {
                        let s = try evaluator.evaluateWordPairs(parsed, restrictVocab: restrict, caseInsensitive: !caseSensitive,
                                                                predicting: { predictor.predict($0) })
                        return EvalJSON.ModelPairs(scored: s.scored, embeddedPairs: s.embeddedPairs, predictedWords: s.predictedWords,
                                                   pearson: finite(s.pearson), spearman: finite(s.spearman))
                    }
                }
                report.pairs.append(entry)
            }
            for (path, text) in zip(analogies, analogyTexts) {
                let (sections, skipped) = try reportingErrors {
                    do { return try AnalogySection.parseListingSkips(text) } catch EvaluationError.questionBeforeSection(let line) {
                        throw EvalFileError.questionBeforeSection(path: path, line: line)
                    }
                }
                warnAbout(skipped, in: path)
                guard sections.contains(where: { !$0.questions.isEmpty }) else {
                    return try reportingErrors { throw EvalFileError.noQuestionsRead(path: path, skipped: skipped) }
                }
                let result = evaluator.evaluateWordAnalogies(sections, restrictVocab: restrict, caseInsensitive: !caseSensitive)
                report.analogies.append(EvalJSON.Analogies(file: path, result: result, skippedLines: skipped.map(\.line)))
            }
            if typos > 0, let predictor {
                report.typos = typoReport(table: table, evaluator: evaluator, predictor: predictor)
            }
            if json { try printJSON(report) } else { printText(report) }
        }

        /// Typo robustness over a seeded sample of in-vocabulary words (see the discussion).
        func typoReport(table: EmbeddingTable, evaluator: EmbeddingEvaluator, predictor: Predictor) -> EvalJSON.Typos {
            let rows = min(restrict, table.count)
            var eligible = (0 ..< rows).filter { table.vocabulary[$0].unicodeScalars.count >= TypoGenerator.minimumLength }
            var rng = SplitMix64(seed: seed ^ 0x5EED_7790)
            for i in stride(from: eligible.count - 1, to: 0, by: -1) { eligible.swapAt(i, rng.nextIndex(i + 1)) }
            let sample = Array(eligible.prefix(typos)).sorted()
            let words = sample.map { table.vocabulary[$0] }
            let candidates = evaluator.index.normalizedMatrix
            let lexicon = spellingWeight > 0
                ? SpellingLexicon(words: table.vocabulary.words, vectors: candidates, weight: spellingWeight) : nil
            let (metrics, snapped) = predictor.typoMetrics(words: words, trueRows: sample, candidates: candidates,
                                                           typos: TypoGenerator(words: words), seed: seed, lexicon: lexicon)
            var report = EvalJSON.Typos(words: metrics.count, hitAt10: metrics.hitAt10, hitAt1: metrics.hitAt1)
            if let snapped { report.withTable = .init(hitAt10: snapped.hitAt10, hitAt1: snapped.hitAt1, weight: spellingWeight) }
            return report
        }

        /// Lists skipped lines on stderr as warnings at their position (the first 10).
        func warnAbout(_ skipped: [SkippedLine], in path: String) {
            for line in skipped.prefix(10) { Diagnostics.printLine("\(path):\(line.line):1: warning: line skipped: \(line.reason)") }
            if skipped.count > 10 { Diagnostics.printLine("\(path): warning: \(skipped.count - 10) more malformed lines skipped") }
        }

        /// Whether most lines would be `word word score` if split at spaces (a wrong --delimiter).
        static func looksSpaceSeparated(_ text: String) -> Bool {
            let lines = text.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("#") }.prefix(20)
            let fitting = lines.filter { line in
                let fields = line.split(whereSeparator: \.isWhitespace)
                return fields.count == 3 && Double(fields[2]) != nil
            }
            return !lines.isEmpty && 2 * fitting.count > lines.count
        }

        func printText(_ report: EvalJSON) {
            print("table: \(report.vectors), \(pluralized(report.rows, "row")) × \(report.dimensions); first \(pluralized(min(report.restrict, report.rows), "row")) used, "
                  + (report.caseInsensitive ? "case-insensitive" : "case-sensitive"))
            func number(_ x: Double?) -> String { x.map { String(format: "%.4f", $0) } ?? "n/a" }
            for entry in report.pairs {
                print("")
                print("word pairs: \(entry.file) (\(pluralized(entry.pairs, "pair"))"
                      + (entry.skippedLines.isEmpty ? ")" : ", \(pluralized(entry.skippedLines.count, "malformed line")) skipped)"))
                print("  Spearman ρ \(number(entry.spearman))   Pearson r \(number(entry.pearson))   "
                      + "\(pluralized(entry.scored ?? 0, "pair")) scored, \(entry.oovPairs ?? 0) with unknown words skipped ("
                      + String(format: "%.2f%%", entry.oovRatio ?? 0) + " OOV)")
                if let model = entry.model {
                    print("  with the model: Spearman ρ \(number(model.spearman))   Pearson r \(number(model.pearson))   "
                          + "\(pluralized(model.scored, "pair")) scored, \(model.embeddedPairs) embedded by the model "
                          + "(\(model.predictedWords) word\(model.predictedWords == 1 ? "" : "s") predicted)")
                }
            }
            if let t = report.typos {
                print("")
                print(String(format: "typos: %d misspelled in-vocabulary words; own word in the top 10: %.1f%%, first: %.1f%%",
                             t.words, 100 * t.hitAt10, 100 * t.hitAt1))
                if let w = t.withTable {
                    print(String(format: "  pulled toward the table word one edit away (--spelling-weight %g): top 10: %.1f%%, first: %.1f%%",
                                 w.weight, 100 * w.hitAt10, 100 * w.hitAt1))
                }
            }
            for entry in report.analogies {
                print("")
                print("analogies: \(entry.file) (\(pluralized(entry.questions, "question")), \(entry.answered) answered, "
                      + String(format: "%.2f%% OOV", entry.oovRatio) + ")")
                let rows = [entry.total, entry.semantic, entry.syntactic] + entry.sections
                let width = rows.map(\.name.count).max() ?? 0
                for (i, score) in rows.enumerated() {
                    if i == 3 { print("") }
                    let accuracy = score.accuracy.map { String(format: "%6.2f%%", $0 * 100) } ?? "    n/a"
                    print("  " + score.name + String(repeating: " ", count: width - score.name.count)
                          + "  \(accuracy)  \(score.correct) / \(score.total)")
                }
            }
        }
    }
}

