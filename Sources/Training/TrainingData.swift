import EmbeddingCore
import Foundation
import NeuralNet

/// Why rows of the input table were not used as training targets.
public struct TableExclusions: Sendable, Equatable, Codable {
    public var zeroRows: [String] = []
    public var nonFiniteRows: [String] = []
    /// Later occurrences of a word (the first is kept, as gensim does).
    public var duplicateRows: [String] = []
    /// Words longer than the maximum length (kept, truncated).
    public var truncatedWords = 0
    public var emptyWords = 0

    public var excludedCount: Int { zeroRows.count + nonFiniteRows.count + duplicateRows.count + emptyWords }
}

/// The words and unit-norm targets a model trains and validates on.
///
/// Built from any table: zero and non-finite rows are excluded (a zero target has no direction and
/// makes cosine divide by zero; a NaN target poisons every weight), duplicate words resolved,
/// every exclusion counted. Training never starts on a non-finite target.
public struct TrainingData: Sendable {
    public var trainWords: [String]
    public var validationWords: [String]
    /// Unit-norm targets: training rows first, then validation rows `[N × D]` (the ranking candidates).
    public var targets: RowMatrix
    public var exclusions: TableExclusions
    /// The table row each target row came from (empty when not built from a table): table order,
    /// which is frequency order in the usual formats.
    public var tableRows: [Int] = []

    public var dimensions: Int { targets.columns }
    public var trainCount: Int { trainWords.count }
    public var validationCount: Int { validationWords.count }
    /// Rows of ``targets`` holding the validation words' vectors (they follow the training rows).
    public var validationRows: [Int] { (0 ..< validationCount).map { trainCount + $0 } }

    /// Splits `table` into training and validation words.
    /// - Parameters:
    ///   - validationFraction: a seeded random fraction of the usable words held out.
    ///   - validationWords: words held out instead (those not in the table are ignored and counted).
    ///   - lowercase: fold words to lowercase first (the first of colliding words is kept).
    public static func prepare(table: EmbeddingTable, validationFraction: Double = 0.1,
                               validationWords heldOut: Set<String>? = nil, lowercase: Bool = false,
                               maxLength: Int = 0, seed: UInt64 = 1) -> TrainingData {
        var exclusions = TableExclusions()
        var seen = Set<String>()
        var usable: [(word: String, row: Int)] = []
        usable.reserveCapacity(table.count)
        for row in 0 ..< table.count {
            var word = table.vocabulary[row]
            if lowercase { word = word.lowercased() }
            if word.isEmpty { exclusions.emptyWords += 1; continue }
            let (finite, zero) = table.matrix.withRow(row) { values -> (Bool, Bool) in
                var finite = true, zero = true
                for v in values { if !v.isFinite { finite = false }; if v != 0 { zero = false } }
                return (finite, zero)
            }
            if !finite { exclusions.nonFiniteRows.append(word); continue }
            if zero { exclusions.zeroRows.append(word); continue }
            if !seen.insert(word).inserted { exclusions.duplicateRows.append(word); continue }
            if maxLength > 0 && word.unicodeScalars.count > maxLength { exclusions.truncatedWords += 1 }
            usable.append((word, row))
        }
        var isValidation = [Bool](repeating: false, count: usable.count)
        if let heldOut {
            for (i, entry) in usable.enumerated() where heldOut.contains(entry.word) { isValidation[i] = true }
        } else if validationFraction > 0 {
            var rng = SplitMix64(seed: seed ^ 0x5A11_D0_5EED)
            var order = Array(usable.indices)
            for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, rng.nextIndex(i + 1)) }
            let count = Int((validationFraction * Double(usable.count)).rounded())
            for i in order.prefix(count) { isValidation[i] = true }
        }
        var train: [String] = [], validation: [String] = []
        var trainRows: [Int] = [], validationRows: [Int] = []
        for (i, entry) in usable.enumerated() {
            if isValidation[i] { validation.append(entry.word); validationRows.append(entry.row) }
            else { train.append(entry.word); trainRows.append(entry.row) }
        }
        var targets = RowMatrix(columns: table.dimensions, reservingRows: usable.count)
        for row in trainRows + validationRows {
            // Usable rows have a finite, non-zero norm.
            targets.appendRow(table.matrix.withRow(row) { L2.unitVector($0)! })
        }
        var data = TrainingData(trainWords: train, validationWords: validation, targets: targets, exclusions: exclusions)
        data.tableRows = trainRows + validationRows
        return data
    }
}
