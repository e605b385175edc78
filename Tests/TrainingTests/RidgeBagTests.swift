import EmbeddingCore
import Foundation
import NeuralNet
import Tensor
@testable import Training
import XCTest

/// The subword head's ridge fit: the sparse gram matrix, the solution of the normal equations,
/// the rows it leaves alone, and its use by a training run.
final class RidgeBagTests: XCTestCase {
    func testGramMatrixMergesRepeatsAndWeighsByTheMean() {
        // Grams of "<aaaa>" at 3...3: "<aa", "aaa", "aaa", "aa>" → "aaa" twice.
        let ngrams = NgramConfiguration(buckets: 1_000, minLength: 3, maxLength: 3)
        let ids = [ngrams.ids("aaaa"), ngrams.ids("ab")]
        let x = NgramBaseline.GramMatrix(ids: ids, bucketCount: ngrams.buckets)
        XCTAssertEqual(x.rows, 2)
        XCTAssertEqual(x.start, [0, 3, 5], "3 distinct grams, then <ab and ab>")
        XCTAssertEqual(x.weight[0 ..< 3].sorted(), [0.25, 0.25, 0.5])
        XCTAssertEqual(x.weight[3 ..< 5].map { $0 }, [0.5, 0.5])
        XCTAssertEqual(Set(x.buckets).count, x.columns, "each bucket once")
        // Row sums are 1: the mean bag.
        XCTAssertEqual(x.weight[0 ..< 3].reduce(0, +), 1, accuracy: 1e-6)
    }

    /// Enough conjugate-gradient steps reach the exact ridge solution `(XᵀX + λI)⁻¹XᵀT`, computed
    /// here densely; rows no word uses keep their start values.
    func testManyStepsSolveTheNormalEquations() throws {
        let data = TrainingData.prepare(table: TrainerTests.sample.prefix(40), validationFraction: 0.1, seed: 5)
        var settings = NgramBaseline.Settings()
        settings.ngrams = NgramConfiguration(buckets: 97, minLength: 3, maxLength: 4)
        let lambda: Scalar = 0.05
        settings.ridge = (lambda: lambda, iterations: 400)
        let table = NgramBaseline.fit(data: data, settings: settings)
        let d = data.dimensions, n = data.trainCount
        let x = NgramBaseline.GramMatrix(ids: data.trainWords.map { settings.ngrams.ids($0) }, bucketCount: 97)
        let f = x.columns
        // Dense normal equations in Double, solved by Gaussian elimination with partial pivoting.
        var a = [Double](repeating: 0, count: f * f), b = [Double](repeating: 0, count: f * d)
        for i in 0 ..< n {
            let entries = x.start[i] ..< x.start[i + 1]
            for k in entries {
                let g = Int(x.column[k]), wg = Double(x.weight[k])
                for l in entries { a[g * f + Int(x.column[l])] += wg * Double(x.weight[l]) }
                for j in 0 ..< d { b[g * d + j] += wg * Double(data.targets[i, j]) }
            }
        }
        for g in 0 ..< f { a[g * f + g] += Double(lambda) }
        for c in 0 ..< f {
            let pivot = (c ..< f).max { abs(a[$0 * f + c]) < abs(a[$1 * f + c]) }!
            if pivot != c {
                for k in 0 ..< f { a.swapAt(c * f + k, pivot * f + k) }
                for j in 0 ..< d { b.swapAt(c * d + j, pivot * d + j) }
            }
            for r in 0 ..< f where r != c {
                let factor = a[r * f + c] / a[c * f + c]
                guard factor != 0 else { continue }
                for k in c ..< f { a[r * f + k] -= factor * a[c * f + k] }
                for j in 0 ..< d { b[r * d + j] -= factor * b[c * d + j] }
            }
        }
        var worst = 0.0
        for (g, bucket) in x.buckets.enumerated() {
            for j in 0 ..< d {
                let exact = b[g * d + j] / a[g * f + g]
                worst = max(worst, abs(exact - Double(table.values[Int(bucket) * d + j])))
            }
        }
        XCTAssertLessThan(worst, 2e-4, "CG solution against the dense one")
        let start = NgramBaseline.startValues(count: 97 * d, seed: settings.seed)
        let used = Set(x.buckets.map(Int.init))
        for row in 0 ..< 97 where !used.contains(row) {
            XCTAssertEqual(Array(table.values[row * d ..< (row + 1) * d]), Array(start[row * d ..< (row + 1) * d]),
                           "unused row \(row) keeps its start values")
        }
        XCTAssertTrue(table.values.allSatisfy(\.isFinite))
    }

    /// On held-out words the head's ridge bags point closer to the true vectors than the Adam fit
    /// of the same grams does, and a fit is seeded (the same table twice, on any thread count).
    func testRidgeHeadGeneralisesBetterThanAdam() {
        let data = TrainingData.prepare(table: TrainerTests.sample, validationFraction: 0.1, seed: 3)
        let ridge = NgramBaseline.Settings.subwordHead(trainingWords: data.trainCount)
        let adam = NgramBaseline.Settings.subwordHead(trainingWords: data.trainCount, fit: .adam)
        let sample = Array(data.validationRows.indices)
        let r = NgramBaseline.validationMetrics(table: NgramBaseline.fit(data: data, settings: ridge), data: data, rankedSample: sample)!
        let m = NgramBaseline.validationMetrics(table: NgramBaseline.fit(data: data, settings: adam), data: data, rankedSample: sample)!
        XCTAssertGreaterThan(r.meanCosine, m.meanCosine, "ridge \(r) against adam \(m)")
        XCTAssertEqual(NgramBaseline.fit(data: data, settings: ridge), NgramBaseline.fit(data: data, settings: ridge))
        XCTAssertEqual(NgramBaseline.outOfFoldUnitBags(data: data, settings: ridge, folds: 3),
                       NgramBaseline.outOfFoldUnitBags(data: data, settings: ridge, folds: 3, threads: 2))
    }

    /// A checkpoint written before the fit could be chosen resumes with the Adam fit it was made
    /// with; new configurations fit by ridge regression, and the choice survives a round trip.
    func testCheckpointsWithoutTheChoiceResumeWithAdam() throws {
        var configuration = TrainingConfiguration(model: CharToVectorConfiguration(vocabularySize: 2))
        XCTAssertEqual(configuration.subwordFit, .ridge)
        let encoded = try JSONEncoder().encode(configuration)
        XCTAssertEqual(try JSONDecoder().decode(TrainingConfiguration.self, from: encoded).subwordFit, .ridge)
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        XCTAssertNotNil(object.removeValue(forKey: "subwordFit"))
        let old = try JSONSerialization.data(withJSONObject: object)
        XCTAssertEqual(try JSONDecoder().decode(TrainingConfiguration.self, from: old).subwordFit, .adam)
        configuration.subwordFit = .adam
        XCTAssertEqual(try JSONDecoder().decode(TrainingConfiguration.self, from: JSONEncoder().encode(configuration)), configuration)
    }
}
