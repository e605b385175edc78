/// The hashed character n-grams of a word (fastText's subword buckets), the second input of the
/// hybrid model.
///
/// A word's grams are every run of `minLength ... maxLength` Unicode scalars of `"<" + word + ">"`;
/// each gram's UTF-8 bytes are hashed with 32-bit FNV-1a (bytes taken as unsigned) into `buckets`
/// rows. Collisions are accepted, as in fastText: they cost a little accuracy and bound memory.
public struct NgramConfiguration: Sendable, Equatable, Codable {
    /// Rows of the n-gram table.
    public var buckets: Int
    /// Shortest and longest gram, in Unicode scalars (boundary markers included).
    public var minLength: Int
    public var maxLength: Int

    public init(buckets: Int = 100_000, minLength: Int = 3, maxLength: Int = 6) {
        self.buckets = buckets
        self.minLength = minLength
        self.maxLength = maxLength
    }

    /// User-facing sentences for what is wrong (empty when valid).
    public func problems() -> [String] {
        var out: [String] = []
        if buckets < 1 || buckets > 50_000_000 { out.append("--ngram-buckets must be in 1...50000000 (got \(buckets))") }
        if minLength < 1 || maxLength < minLength || maxLength > 32 {
            out.append("n-gram lengths must satisfy 1 ≤ min ≤ max ≤ 32 (got \(minLength)...\(maxLength))")
        }
        return out
    }

    /// 32-bit FNV-1a of `bytes`.
    @inline(__always)
    static func fnv1a<S: Sequence>(_ bytes: S) -> UInt32 where S.Element == UInt8 {
        var h: UInt32 = 2_166_136_261
        for b in bytes {
            h ^= UInt32(b)
            h = h &* 16_777_619
        }
        return h
    }

    /// Bucket ids of every gram of `word` (in gram order: by length, then position; repeats kept,
    /// so a gram occurring twice weighs twice in the mean). At least one id for any word.
    /// - Parameter maxScalars: the word is cut to this many scalars first (0 = no limit), as the
    ///   recurrent input is. - Complexity: O(scalars × (maxLength − minLength + 1) × maxLength).
    public func ids(_ word: String, maxScalars: Int = 0) -> [Int32] {
        var scalars: [Unicode.Scalar] = ["<"]
        for s in word.unicodeScalars {
            if maxScalars > 0 && scalars.count > maxScalars { break }
            scalars.append(s)
        }
        scalars.append(">")
        // UTF-8 bytes of each scalar, so a gram's bytes are a slice of `bytes`.
        var bytes: [UInt8] = []
        var starts: [Int] = []
        for s in scalars {
            starts.append(bytes.count)
            bytes.append(contentsOf: String(s).utf8)
        }
        starts.append(bytes.count)
        var out: [Int32] = []
        out.reserveCapacity(scalars.count * (maxLength - minLength + 1))
        let b = UInt32(buckets)
        for n in minLength ... maxLength where n <= scalars.count {
            for i in 0 ... scalars.count - n {
                out.append(Int32(Self.fnv1a(bytes[starts[i] ..< starts[i + n]]) % b))
            }
        }
        if out.isEmpty { out.append(Int32(Self.fnv1a(bytes) % b)) }
        return out
    }
}
