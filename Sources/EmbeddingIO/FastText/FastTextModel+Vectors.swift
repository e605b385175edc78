import EmbeddingCore

extension FastTextModel {
    /// fastText's string hash (`Dictionary::hash`): 32-bit FNV-1a over the bytes, each byte
    /// sign-extended first (`uint32_t(int8_t(c))`), so bytes ≥ 0x80 (all of non-ASCII UTF-8)
    /// hash differently from textbook FNV-1a.
    @inlinable
    public static func hash(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        for byte in bytes {
            h ^= UInt32(bitPattern: Int32(Int8(bitPattern: byte)))
            h = h &* 16_777_619
        }
        return h
    }

    /// The input-matrix rows whose mean is the vector of `word`, in fastText's order
    /// (`Dictionary::getSubwords`): the word's own row when it is in the vocabulary, then one row
    /// per character n-gram of `<word>` with `minn ≤ n ≤ maxn` characters (UTF-8 sequences kept
    /// whole; the lone `<` and `>` excluded), at `words + hash(n-gram) % buckets`.
    /// `</s>` has only its own row.
    public func subwordRows(of word: [UInt8]) -> [Int] {
        subwordRows(of: word, ownRow: word.withUnsafeBytes { vocabulary.index(ofBytes: $0) })
    }

    /// ``subwordRows(of:)`` for a word whose row (nil: out of the vocabulary) is known.
    func subwordRows(of word: [UInt8], ownRow own: Int?) -> [Int] {
        var rows: [Int] = []
        if let own { rows.append(own) }
        guard word != Array("</s>".utf8) else { return rows }
        let minn = arguments.minimumNgramLength, maxn = arguments.maximumNgramLength
        let buckets = UInt32(truncatingIfNeeded: arguments.buckets)
        guard maxn > 0, buckets > 0 else { return rows }
        let text = [UInt8(ascii: "<")] + word + [UInt8(ascii: ">")]
        var ngram: [UInt8] = []
        for i in 0 ..< text.count where text[i] & 0xC0 != 0x80 {
            ngram.removeAll(keepingCapacity: true)
            var j = i, n = 1
            while j < text.count && n <= maxn {
                ngram.append(text[j])
                j += 1
                while j < text.count && text[j] & 0xC0 == 0x80 {
                    ngram.append(text[j])
                    j += 1
                }
                if n >= minn && !(n == 1 && (i == 0 || j == text.count)) {
                    let bucket = Int32(bitPattern: Self.hash(ngram) % buckets)
                    if let pruneIndex {
                        if let row = pruneIndex[bucket] { rows.append(wordCount + Int(row)) }
                    } else {
                        rows.append(wordCount + Int(bucket))
                    }
                }
                n += 1
            }
        }
        return rows
    }

    /// The vector of any word, as fastText's `getWordVector`: the float32 sum of its
    /// ``subwordRows(of:)`` times `float(1.0 / count)`; zeros when it has none.
    /// Out-of-vocabulary words get a vector from their n-gram buckets.
    /// - Returns: `dimensions` values.
    public func wordVector(_ word: String) -> [Scalar] {
        var out = [Scalar](repeating: 0, count: arguments.dimensions)
        out.withUnsafeMutableBufferPointer { accumulate(subwordRows(of: Array(word.utf8)), into: $0.baseAddress!) }
        return out
    }

    /// Writes the mean of input rows `rows` to `out` (`dimensions` floats), summing in fastText's order.
    ///
    /// A small kernel over the mapped matrix (rows are not 4-byte aligned in the file, so values
    /// are loaded unaligned); each row index is checked once.
    func accumulate(_ rows: [Int], into out: UnsafeMutablePointer<Scalar>) {
        let dim = arguments.dimensions
        out.initialize(repeating: 0, count: dim)
        let matrix = mapping.baseAddress! + inputOffset
        for row in rows {
            precondition(row >= 0 && row < inputRows, "subword row out of range")
            let source = matrix + row * dim * 4
            for j in 0 ..< dim {
                #if _endian(little)
                out[j] += source.loadUnaligned(fromByteOffset: 4 * j, as: Scalar.self)
                #else
                out[j] += Scalar(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * j, as: UInt32.self)))
                #endif
            }
        }
        guard !rows.isEmpty else { return }
        let scale = Scalar(1.0 / Double(rows.count))
        for j in 0 ..< dim { out[j] *= scale }
    }

    /// The vectors of the first `rows` words (fastText's `.vec` output), on two threads.
    ///
    /// Memory: the words are done in blocks of about 1 MB of their own input rows, in file order,
    /// and the mapped pages of each finished block are given back (``releasePages(_:)``): a word's
    /// own row is read by that word only. The n-gram bucket rows are read at random and stay
    /// mapped until the caller releases them. The peak is therefore the table, plus the bucket
    /// rows read, plus one block, not the table plus the whole input matrix.
    /// - Parameter blockRows: words per block (default: 1 MB of rows, at least 1024 words).
    /// - Complexity: O(rows × n-grams per word × dimensions).
    func wordVectors(rows: Int, blockRows: Int? = nil) -> RowMatrix {
        let dim = arguments.dimensions
        var matrix = RowMatrix(columns: dim, reservingRows: rows)
        let destination = _UncheckedSendable(matrix._uninitializedRows(rows))
        let threads = rows >= 4096 ? 2 : 1
        let block = max(1, blockRows ?? max(1024, (1 << 20) / (dim * 4)))
        var start = 0
        while start < rows {
            let end = min(rows, start + block)
            parallelFor(threads) { part in
                for row in (start + (end - start) * part / threads) ..< (start + (end - start) * (part + 1) / threads) {
                    let word = Array(wordBytes[wordOffsets[row] ..< wordOffsets[row + 1]])
                    accumulate(subwordRows(of: word, ownRow: row), into: destination.value + row * dim)
                }
            }
            releasePages(inputOffset + start * dim * 4 ..< inputOffset + end * dim * 4)
            start = end
        }
        matrix._commitRows(rows)
        return matrix
    }
}

extension FastTextModel {
    /// The vectors of `words` (in or out of the vocabulary), one row each, as ``wordVector(_:)``.
    public func wordVectors(of words: [String]) -> RowMatrix {
        var matrix = RowMatrix(columns: arguments.dimensions, reservingRows: words.count)
        for word in words { matrix.appendRow(wordVector(word)) }
        return matrix
    }
}
