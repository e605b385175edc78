import EmbeddingCore
import Foundation

/// Word checks made once every word is known: duplicates and NFKC/case/normal-form collisions.
extension AuditState {
    /// Duplicate words and NFKC/case collisions, in row order.
    mutating func findWordCollisions() {
        vocabulary = Vocabulary(concatenatedBytes: wordBytes, offsets: wordOffsets)
        var collisions: [(row: Int, detail: String)] = []
        // A folded key's first row: an exact word equal to the key, or the first word folding to it.
        var folded: [String: Int] = [:]
        for row in foldCandidates {
            let word = vocabulary[row]
            let key = word.unicodeScalars.allSatisfy(\.isASCII) ? word.lowercased()
                                                                  : word.precomposedStringWithCompatibilityMapping.lowercased()
            // Bytes, not String ==: Swift strings compare canonically, so 'café' (NFC) equals
            // 'cafe' + U+0301 (NFD) and the NFD spelling would be taken for its own key.
            guard !key.utf8.elementsEqual(word.utf8) else { continue }
            let exact = vocabulary.index(of: key)
            let earlier = [folded[key], exact].compactMap { $0 }.min()
            if let earlier, earlier < row, vocabulary.bytes(at: earlier) != vocabulary.bytes(at: row) {
                collisions.append((row, Self.collisionDetail(word, vocabulary[earlier], row: earlier, key: key)))
            } else if let exact, exact > row {
                collisions.append((exact, Self.collisionDetail(key, word, row: row, key: key)))
            }
            if folded[key] == nil { folded[key] = row }
        }
        var pending = collisions.sorted { $0.row < $1.row }[...]
        for duplicate in vocabulary.duplicates {
            while let next = pending.first, next.row < duplicate.row {
                add(Finding(kind: .normalizationCollision, location: location(ofRow: next.row), row: next.row,
                            word: vocabulary[next.row], detail: next.detail))
                pending = pending.dropFirst()
            }
            add(Finding(kind: .duplicateWord, location: location(ofRow: duplicate.row), row: duplicate.row,
                        word: vocabulary[duplicate.row], detail: "first seen at row \(duplicate.firstRow + 1)"))
        }
        for next in pending {
            add(Finding(kind: .normalizationCollision, location: location(ofRow: next.row), row: next.row,
                        word: vocabulary[next.row], detail: next.detail))
        }
    }

    /// Why `word` collides with `other` (at 0-based `row`); words that differ only in their
    /// Unicode normal form look identical when printed, so that is said outright.
    static func collisionDetail(_ word: String, _ other: String, row: Int, key: String) -> String {
        guard word == other else { return "'\(word)' and '\(other)' (row \(row + 1)) both fold to '\(key)'" }
        func form(_ s: String) -> String {
            if s.utf8.elementsEqual(s.precomposedStringWithCanonicalMapping.utf8) { return "NFC" }
            if s.utf8.elementsEqual(s.decomposedStringWithCanonicalMapping.utf8) { return "NFD" }
            return "mixed"
        }
        return "'\(word)' (\(form(word))) and '\(other)' (\(form(other)), row \(row + 1)) are one word in two Unicode forms; both fold to '\(key)'"
    }
}
