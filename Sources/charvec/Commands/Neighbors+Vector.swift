import ArgumentParser
import EmbeddingCore
import Foundation
import NeighborSearch

/// `neighbors --vector`: the nearest words to arbitrary vectors read from standard input
/// (fastText's "nearest words to a vector", gensim's `similar_by_vector`).
extension CharVec.Neighbors {
    /// Answers one query per non-blank line of standard input: the values separated by
    /// whitespace or commas (numpy's `[0.1, -0.2, …]` as printed is accepted). A malformed line
    /// is reported with its `<stdin>:line:column` and skipped.
    func answerVectors(_ engine: NeighborEngine) throws -> (asked: Int, answered: Int) {
        var asked = 0, answered = 0, lineNumber = 0
        while let line = readLine(strippingNewline: true) {
            lineNumber += 1
            guard !line.allSatisfy({ $0.isWhitespace }) else { continue }
            asked += 1
            let query = "<stdin>:\(lineNumber)"
            switch Self.parseVector(line, dimensions: engine.dimensions) {
            case .failure(let problem):
                Diagnostics.printLine("\(query):\(problem.column): error: \(problem.message)")
                if json {
                    try printJSON(NeighborsJSON(query: query, words: [], predicted: nil, neighbors: nil,
                                                error: problem.message, unknown: nil))
                }
            case .success(let vector):
                guard let unit = L2.unitVector(vector) else {
                    Diagnostics.printLine("\(query):1: error: the vector is zero (or not finite) and has no direction")
                    continue
                }
                let found: [Neighbor]
                switch engine.searcher {
                case .exact(let index): found = index.search(query: unit, k: top, excluding: [])
                case .approximate(let index, let ef): found = index.search(query: unit, k: top, efSearch: ef, excluding: [])
                }
                answered += 1
                try report(query: query, words: [], .answered(found, predicted: []), vocabulary: engine.vocabulary)
            }
            fflush(nil)
        }
        return (asked, answered)
    }

    struct VectorProblem: Error {
        var column: Int
        var message: String
    }

    /// The values of one line, or the 1-based byte column and description of the first problem.
    static func parseVector(_ line: String, dimensions: Int) -> Result<[Scalar], VectorProblem> {
        let bytes = Array(line.utf8)
        var values: [Scalar] = []
        var index = 0
        func isSeparator(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == UInt8(ascii: ",") || b == UInt8(ascii: "[") || b == UInt8(ascii: "]") }
        while index < bytes.count {
            if isSeparator(bytes[index]) { index += 1; continue }
            let start = index
            while index < bytes.count, !isSeparator(bytes[index]) { index += 1 }
            let token = String(decoding: bytes[start ..< index], as: UTF8.self)
            guard let value = Scalar(token) else {
                return .failure(VectorProblem(column: start + 1, message: "expected a number, found '\(token.prefix(40))'"))
            }
            values.append(value)
        }
        guard values.count == dimensions else {
            return .failure(VectorProblem(column: 1, message: "the vector has \(values.count) value\(values.count == 1 ? "" : "s"), the table has \(dimensions) dimensions"))
        }
        return .success(values)
    }
}
