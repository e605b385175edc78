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
        var asked = 0, answered = 0
        // A byte-order mark opening the input is not part of the first vector.
        var lines = QueryLines { readLine(strippingNewline: true) }
        while let line = lines.next() {
            let lineNumber = lines.lineNumber
            guard !line.allSatisfy({ $0.isWhitespace }) else { continue }
            asked += 1
            let query = "<stdin>:\(lineNumber)"
            switch QueryInput.parseVector(line, dimensions: engine.dimensions) {
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
                let found = engine.query.search(unit, k: top)
                answered += 1
                var noNotes = Set<String>()  // an answer carries no note
                try report(query: query, words: [], .answered(found, predicted: []), vocabulary: engine.vocabulary,
                           notesShown: &noNotes)
            }
            fflush(nil)
        }
        return (asked, answered)
    }
}
