import EmbeddingCore
import EmbeddingIO
import Foundation

extension AuditState {
    /// The checks of row `i`, whose word is `wordBytesRaw` (gathered by ``process(_:)``).
    mutating func processRow(_ batch: RecordBatch, _ i: Int, wordBytesRaw: UnsafeRawBufferPointer) {
        let record = batch.rows[i]
        let row = batch.firstRow + i
        var word: String { batch.word(i) } // decoded only for rows with findings
        report.rows += 1

        // Word checks. Duplicates and folding collisions are found in `finish`, once every
        // word is known (indexing a million words at once, on two threads, is ~5× cheaper).
        wordOffsets.append(wordOffsets.last! + wordBytesRaw.count)
        positions.append(record.position)
        if wordBytesRaw.isEmpty {
            add(Finding(kind: .emptyWord, location: location(record), row: row, word: word, detail: "the row has no word"))
        }
        if record.invalidUTF8Offset >= 0 {
            let bad = wordBytesRaw[Int(record.invalidUTF8Offset)]
            add(Finding(kind: .invalidUTF8, location: location(record, column: Int(record.invalidUTF8Offset) + 1), row: row,
                        word: word, detail: "byte 0x\(String(bad, radix: 16, uppercase: true)) at offset \(record.invalidUTF8Offset) of the word"))
        }
        var ascii = true
        var hasUpper = false
        var badByte: UInt8?
        for b in wordBytesRaw {
            if b >= 0x80 { ascii = false } else if b < 0x20 || b == 0x7F || b == 0x20 { badByte = badByte ?? b }
            if b >= 0x41 && b <= 0x5A { hasUpper = true }
        }
        if let badByte {
            add(Finding(kind: .whitespaceInWord, location: location(record), row: row, word: word,
                        detail: "contains \(badByte == 0x09 ? "a tab" : "control byte 0x\(String(badByte, radix: 16, uppercase: true))")"))
        } else if !ascii, record.invalidUTF8Offset < 0,
                  let scalar = WordCharacterPolicy.firstDisallowed(in: word) {
            add(Finding(kind: .whitespaceInWord, location: location(record), row: row, word: word,
                        detail: String(format: "contains U+%04X (%@)", scalar.value, scalar.properties.name ?? "unnamed")))
        }
        if options.checkNormalization && (hasUpper || !ascii) && record.invalidUTF8Offset < 0 { foldCandidates.append(row) }

        // Value checks.
        switch record.status {
        case .wrongCount(let found):
            add(Finding(kind: .wrongDimension, location: location(record), row: row, word: word,
                        detail: "\(found) values, expected \(batch.dimensions)"))
            return
        case .nonNumeric(let column):
            let token = batch.token(i, column: column)
            add(Finding(kind: .nonNumeric, location: location(record, column: column), row: row, word: word,
                        detail: "'\(token.prefix(40))' is not a number"))
            return
        case .ok:
            break
        }
        let numbers = self.numbers[i]
        if numbers.hasNonFinite {
            let raw = batch.rawValues(i)
            let values = (0 ..< batch.dimensions).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
            var nan: [Int] = [], posInf: [Int] = [], negInf: [Int] = []
            for d in 0 ..< values.count where !values[d].isFinite {
                if values[d].isNaN { nan.append(d) } else if values[d] > 0 { posInf.append(d) } else { negInf.append(d) }
            }
            var parts: [String] = []
            func list(_ dims: [Int]) -> String {
                dims.prefix(8).map(String.init).joined(separator: ", ") + (dims.count > 8 ? ", … (\(dims.count))" : "")
            }
            if !nan.isEmpty { parts.append("NaN at dim\(nan.count == 1 ? "" : "s") \(list(nan))") }
            if !posInf.isEmpty { parts.append("+Inf at dim\(posInf.count == 1 ? "" : "s") \(list(posInf))") }
            if !negInf.isEmpty { parts.append("-Inf at dim\(negInf.count == 1 ? "" : "s") \(list(negInf))") }
            add(Finding(kind: .nonFinite, location: location(record), row: row, word: word,
                        detail: parts.joined(separator: "; ") + " (0-based)"))
            return
        }
        norms.append(numbers.norm)
        if numbers.isZero {
            add(Finding(kind: .zeroRow, location: location(record), row: row, word: word, detail: "all \(batch.dimensions) values are 0"))
            return
        }
        if numbers.norm < options.nearZeroNorm {
            add(Finding(kind: .nearZeroNorm, location: location(record), row: row, word: word,
                        detail: "norm \(numbers.norm) < \(options.nearZeroNorm)"))
        }
        isFingerprinted[i] = true
    }
}
