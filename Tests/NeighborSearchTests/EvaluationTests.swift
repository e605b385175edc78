import EmbeddingCore
import XCTest

@testable import NeighborSearch

final class CorrelationTests: XCTestCase {
    func testAverageRanksMatchScipyRankdata() {
        // scipy.stats.rankdata([10, 20, 10, 30, 20, 10]) == [2, 4.5, 2, 6, 4.5, 2]
        XCTAssertEqual(Correlation.averageRanks([10, 20, 10, 30, 20, 10]), [2, 4.5, 2, 6, 4.5, 2])
        XCTAssertEqual(Correlation.averageRanks([]), [])
    }

    func testSpearmanByHand() {
        // Ranks of y: [1, 2, 3.5, 5, 3.5]; Σdxdy = 8, Σdx² = 10, Σdy² = 9.5 → ρ = 8 / √95.
        XCTAssertEqual(Correlation.spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]), 8 / 95.0.squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(Correlation.spearman([1, 2, 3], [30, 20, 10]), -1, accuracy: 1e-15)
        // scipy.stats.pearsonr([1, 2, 3, 4], [2, 4, 6, 8.5])[0] == 0.9983814394570298
        XCTAssertEqual(Correlation.pearson([1, 2, 3, 4], [2, 4, 6, 8.5]), 0.9983814394570298, accuracy: 1e-15)
        XCTAssertTrue(Correlation.pearson([1, 1, 1], [1, 2, 3]).isNaN, "constant input has no correlation")
    }
}

final class EvaluationParsingTests: XCTestCase {
    func testWordPairsSkipCommentsAndInvalidLines() {
        let text = "# header\r\nlove\tsex\t6.77\r\ntiger\tcat\nbad\tline\tx\n\nold\tnew\t 1.58 \n"
        let (pairs, skipped) = WordPair.parse(text)
        XCTAssertEqual(pairs.map(\.first), ["love", "old"])
        XCTAssertEqual(pairs.map(\.score), [6.77, 1.58])
        XCTAssertEqual(pairs.map(\.line), [2, 6])
        XCTAssertEqual(skipped, [3, 4, 5])
    }

    func testAnalogySections() throws {
        let text = ": capital-common-countries\nAthens Greece Baghdad Iraq\nshort line\n: gram1-x\na b c d\n"
        let (sections, skipped) = try AnalogySection.parse(text)
        XCTAssertEqual(sections.map(\.name), ["capital-common-countries", "gram1-x"])
        XCTAssertEqual(sections[0].questions, [AnalogyQuestion("Athens", "Greece", "Baghdad", "Iraq")])
        XCTAssertEqual(sections.map(\.isSyntactic), [false, true])
        XCTAssertEqual(skipped, [3])
        XCTAssertThrowsError(try AnalogySection.parse("a b c d\n")) { error in
            XCTAssertEqual(error as? EvaluationError, .questionBeforeSection(line: 1))
        }
    }
}

final class AnalogyTests: XCTestCase {
    func testCosAddAndCosMulMatchFormulas() {
        let matrix = randomMatrix(rows: 200, columns: 12, seed: 21)
        let index = ExactIndex(matrix: matrix)
        let (a, b, c) = (3, 17, 42)
        let unit = (0 ..< 200).map { i -> [Double] in
            let r = matrix.row(i).map(Double.init)
            let norm = r.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return r.map { $0 / norm }
        }
        func cos(_ x: [Double], _ y: [Double]) -> Double { zip(x, y).reduce(0) { $0 + $1.0 * $1.1 } }
        let mean = (0 ..< 12).map { unit[b][$0] + unit[c][$0] - unit[a][$0] }
        let add = (0 ..< 200).filter { ![a, b, c].contains($0) }.max { cos(unit[$0], mean) < cos(unit[$1], mean) }!
        let s = { (x: Int, y: Int) in (1 + cos(unit[x], unit[y])) / 2 }
        let mulScores = (0 ..< 200).filter { ![a, b, c].contains($0) }.map { ($0, s($0, b) * s($0, c) / (s($0, a) + 1e-6)) }
        let mul = mulScores.max { $0.1 < $1.1 }!
        let gotAdd = index.analogy(positive: [b, c], negative: [a], k: 3)
        let gotMul = index.analogy(positive: [b, c], negative: [a], k: 3, method: .cosMul)
        XCTAssertEqual(gotAdd.first?.row, add)
        XCTAssertEqual(gotMul.first?.row, mul.0)
        XCTAssertEqual(Double(gotMul[0].score), mul.1, accuracy: 1e-5)
        XCTAssertFalse((gotAdd + gotMul).contains { [a, b, c].contains($0.row) })
        XCTAssertNil(index.meanQuery(positive: [a], negative: [a]), "b − b has no direction")
    }
}
