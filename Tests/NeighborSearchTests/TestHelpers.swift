import EmbeddingCore
import Foundation
import XCTest

/// EmbeddingCore's SplitMix64 with the Box–Muller sampler these tests' data was drawn with.
struct SeededGenerator: RandomNumberGenerator {
    var base: SplitMix64
    init(seed: UInt64) { base = SplitMix64(seed: seed) }
    mutating func next() -> UInt64 { base.next() }
    /// A standard normal sample (Box–Muller).
    mutating func normal() -> Float {
        let u = Double.random(in: Double.ulpOfOne ..< 1, using: &self)
        let v = Double.random(in: 0 ..< 1, using: &self)
        return Float((-2 * log(u)).squareRoot() * cos(2 * .pi * v))
    }
}

/// A `rows × columns` matrix of standard normal values.
func randomMatrix(rows: Int, columns: Int, seed: UInt64) -> RowMatrix {
    var rng = SeededGenerator(seed: seed)
    return RowMatrix(rows: rows, columns: columns, values: (0 ..< rows * columns).map { _ in rng.normal() })
}

/// `clusters` Gaussian centres, each row a centre plus noise of standard deviation `spread`.
func clusteredMatrix(rows: Int, columns: Int, clusters: Int, spread: Float, seed: UInt64) -> RowMatrix {
    var rng = SeededGenerator(seed: seed)
    let centres = (0 ..< clusters * columns).map { _ in rng.normal() }
    var values = [Float]()
    values.reserveCapacity(rows * columns)
    for _ in 0 ..< rows {
        let c = Int.random(in: 0 ..< clusters, using: &rng)
        for j in 0 ..< columns { values.append(centres[c * columns + j] + spread * rng.normal()) }
    }
    return RowMatrix(rows: rows, columns: columns, values: values)
}

/// Reference top-k by cosine in Double with a full sort (ties: lower row first).
func naiveTopK(_ matrix: RowMatrix, _ query: [Float], k: Int, excluding: Set<Int> = [], rowLimit: Int? = nil)
    -> [(row: Int, score: Double)] {
    let qn = query.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
    var all: [(row: Int, score: Double)] = []
    for i in 0 ..< min(rowLimit ?? matrix.rows, matrix.rows) where !excluding.contains(i) {
        let row = matrix.row(i)
        let norm = row.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        guard norm > 0 && norm.isFinite else { continue }
        let dot = zip(row, query).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        all.append((i, dot / (norm * qn)))
    }
    all.sort { $0.score > $1.score || ($0.score == $1.score && $0.row < $1.row) }
    return Array(all.prefix(k))
}

/// The shared data directory (`../shared/data` next to the package root), or skip.
func sharedDataDirectory(filePath: String = #filePath) throws -> URL {
    // Tests/NeighborSearchTests/File.swift → package root is three levels up.
    let root = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let data = root.deletingLastPathComponent().appendingPathComponent("shared/data")
    guard FileManager.default.fileExists(atPath: data.appendingPathComponent("en-19k-384d.bin").path) else {
        throw XCTSkip("shared data not found at \(data.path) (expected ../shared/data next to the package root)")
    }
    return data
}

/// A minimal word2vec binary reader for tests (the real one lives in EmbeddingIO).
func readWord2VecBinary(_ url: URL) throws -> EmbeddingTable {
    let data = try Data(contentsOf: url)
    return data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> EmbeddingTable in
        var p = 0
        func readToken(_ stop: UInt8) -> String {
            let start = p
            while raw[p] != stop { p += 1 }
            defer { p += 1 }
            return String(decoding: UnsafeRawBufferPointer(rebasing: raw[start ..< p]), as: UTF8.self)
        }
        let count = Int(readToken(32))!
        let dims = Int(readToken(10))!
        var table = EmbeddingTable(dimensions: dims)
        var row = [Float](repeating: 0, count: dims)
        for _ in 0 ..< count {
            while raw[p] == 10 { p += 1 }
            let word = readToken(32)
            for j in 0 ..< dims { row[j] = raw.loadUnaligned(fromByteOffset: p + 4 * j, as: Float.self) }
            p += 4 * dims
            table.append(word, row)
        }
        return table
    }
}
