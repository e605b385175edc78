import XCTest
import CharvecRuntime
import NeuralNet
import TestSupport

/// The hybrid model's n-gram part: hashing, the table's sparse gradient through the whole model,
/// and sparse Adam.
final class NgramTests: XCTestCase {
    func testIdsAreFNV1aOfTheGramsOfTheMarkedWord() {
        let c = NgramConfiguration(buckets: 1000, minLength: 3, maxLength: 6)
        // "<ab>": the 3-grams "<ab", "ab>" and the 4-gram "<ab>" (values from Python's FNV-1a).
        XCTAssertEqual(c.ids("ab"), [508, 756, 742])
        XCTAssertEqual(c.ids("é"), [559])  // UTF-8 bytes of "<é>"
        XCTAssertEqual(c.ids("kingdom").count, (9 - 2) + (9 - 3) + (9 - 4) + (9 - 5))
        XCTAssertEqual(c.ids(""), c.ids(""))
        XCTAssertFalse(c.ids("").isEmpty)
        XCTAssertEqual(c.ids("abcdefgh", maxScalars: 3), c.ids("abc"))
        XCTAssertFalse(NgramConfiguration(buckets: 0).problems().isEmpty)
        XCTAssertFalse(NgramConfiguration(buckets: 10, minLength: 4, maxLength: 3).problems().isEmpty)
    }

    /// The n-gram table's sparse gradient written out as a full `[buckets × D]` array.
    static func denseTableGradient(_ model: CharToVectorModel) -> [Float] {
        let sparse = model.ngramGradient!, d = model.configuration.outputDimensions
        var dense = [Float](repeating: 0, count: model.ngramTable!.values.count)
        for (k, row) in sparse.rows.enumerated() {
            for j in 0 ..< d { dense[Int(row) * d + j] = sparse.values[k * d + j] }
        }
        return dense
    }

    func testHybridModelGradientsMatchFiniteDifferences() {
        var c = ModelFixtures.configuration(.lstm)
        c.ngrams = NgramConfiguration(buckets: 13)
        let model = CharToVectorModel(configuration: c)
        var rng = SplitMix64(seed: 4)
        for i in model.parameters.values.indices { model.parameters.values[i] += 0.1 * rng.uniform(-1, 1) }
        for i in model.ngramTable!.values.indices { model.ngramTable!.values[i] = 0.3 * rng.uniform(-1, 1) }
        var batch = ModelFixtures.batch(lengths: [3, 1, 4])
        batch.ngrams = [[1, 5, 5, 12], [0], [7, 1, 3]]  // a repeated gram weighs twice
        let targets = ModelFixtures.targets(rows: 3, columns: c.outputDimensions, seed: 3)
        let mse = MSELoss()
        model.zeroGradients()
        model.backward(mse(model.forward(batch), targets).gradient)
        let analytic = Self.denseTableGradient(model)
        XCTAssertEqual(Set(model.ngramGradient!.rows), [0, 1, 3, 5, 7, 12])
        var table = model.ngramTable!.values
        assertGradientsMatch(checkGradients(values: &table, analytic: analytic) { v in
            model.ngramTable!.values = v
            return mse(model.forward(batch), targets).value
        }, "n-gram table")
        model.ngramTable!.values = table
        var values = model.parameters.values
        let dense = model.gradients.values
        let paddingRow = model.embedding.table.offset ..< model.embedding.table.offset + c.characterDimensions
        assertGradientsMatch(checkGradients(values: &values, analytic: dense, indices: values.indices.filter { !paddingRow.contains($0) }) { v in
            model.parameters.values = v
            return mse(model.forward(batch), targets).value
        }, "dense parameters of the hybrid model")
    }

    /// L = loss(r + g) + w · loss(r), with r the recurrent part's output: `backward(_:dRecurrent:)`
    /// must give the dense parameters both terms and the n-gram table the first only.
    func testAuxiliaryLossOnTheRecurrentPartMatchesFiniteDifferences() {
        var c = ModelFixtures.configuration(.gru)
        c.ngrams = NgramConfiguration(buckets: 11)
        let model = CharToVectorModel(configuration: c)
        var rng = SplitMix64(seed: 9)
        for i in model.parameters.values.indices { model.parameters.values[i] += 0.1 * rng.uniform(-1, 1) }
        for i in model.ngramTable!.values.indices { model.ngramTable!.values[i] = 0.3 * rng.uniform(-1, 1) }
        var batch = ModelFixtures.batch(lengths: [2, 4, 3])
        batch.ngrams = [[1, 4], [0, 10, 10], [6]]
        let targets = ModelFixtures.targets(rows: 3, columns: c.outputDimensions, seed: 5)
        let mse = MSELoss(), w: Float = 0.7
        func total() -> Double {
            let main = mse(model.forward(batch), targets).value
            return main + Double(w) * mse(model.lastRecurrentOutput!, targets).value
        }
        model.zeroGradients()
        let predictions = model.forward(batch)
        var dRecurrent = mse(model.lastRecurrentOutput!, targets).gradient
        for i in dRecurrent.storage.indices { dRecurrent.storage[i] *= w }
        model.backward(mse(predictions, targets).gradient, dRecurrent: dRecurrent)
        let analytic = Self.denseTableGradient(model)
        var table = model.ngramTable!.values
        assertGradientsMatch(checkGradients(values: &table, analytic: analytic) { v in
            model.ngramTable!.values = v
            return total()
        }, "n-gram table under the auxiliary loss")
        model.ngramTable!.values = table
        var values = model.parameters.values
        let dense = model.gradients.values
        let paddingRow = model.embedding.table.offset ..< model.embedding.table.offset + c.characterDimensions
        assertGradientsMatch(checkGradients(values: &values, analytic: dense, indices: values.indices.filter { !paddingRow.contains($0) }) { v in
            model.parameters.values = v
            return total()
        }, "dense parameters under the auxiliary loss")
    }

    func testSparseAdamUpdatesOnlyTouchedRowsByTheFormula() {
        let config = NgramConfiguration(buckets: 4)
        var table = NgramTable(configuration: config, dimensions: 2, values: [1, 2, 3, 4, 5, 6, 7, 8])
        var gradient = SparseRowGradient(buckets: 4, dimensions: 2)
        gradient.accumulate([[2, 2]], dOutput: [0.5, -1])  // mean of row 2 twice: dRow = dOut
        var adam = SparseAdam(count: 8, learningRate: 0.1)
        adam.update(&table, gradient: gradient)
        // Step 1: m = 0.1 g, v = 0.001 g², m̂/√v̂ = sign(g); p −= lr · g/(|g| + ε/…) ≈ lr · sign(g).
        XCTAssertEqual(table.values[4], 5 - 0.1, accuracy: 1e-5)
        XCTAssertEqual(table.values[5], 6 + 0.1, accuracy: 1e-5)
        XCTAssertEqual(Array(table.values[0 ..< 4]) + Array(table.values[6 ..< 8]), [1, 2, 3, 4, 7, 8])
        XCTAssertEqual(adam.firstMoment[4], 0.05, accuracy: 1e-7)
        XCTAssertEqual(adam.secondMoment[5], 0.001, accuracy: 1e-7)
        gradient.reset()
        XCTAssertTrue(gradient.rows.isEmpty)
    }

    func testJournalRestoresTheTableAndOptimiserAsTheyWereAtTheMark() {
        let buckets = 50, d = 3
        var rng = SplitMix64(seed: 9)
        var table = NgramTable(configuration: NgramConfiguration(buckets: buckets), dimensions: d,
                               values: (0 ..< buckets * d).map { _ in Float(rng.nextUnit()) })
        var adam = SparseAdam(count: buckets * d, learningRate: 0.05)
        var journal = SparseTableJournal(buckets: buckets, dimensions: d)
        func steps(_ count: Int) {
            for _ in 0 ..< count {
                var gradient = SparseRowGradient(buckets: buckets, dimensions: d)
                let ids = (0 ..< 4).map { _ in (0 ..< 3).map { _ in Int32(rng.nextIndex(buckets)) } }
                gradient.accumulate(ids, dOutput: (0 ..< 4 * d).map { _ in Float(rng.nextUnit()) - 0.5 })
                journal.record(gradient, table: table, adam: adam)
                adam.update(&table, gradient: gradient)
            }
        }
        steps(3)
        journal.mark(adam: adam)
        let (values, first, second, step) = (table.values, adam.firstMoment, adam.secondMoment, adam.step)
        steps(6)
        XCTAssertNotEqual(table.values, values)
        XCTAssertGreaterThan(journal.savedRows, 0)
        journal.restore(&table, adam: &adam)
        XCTAssertEqual(table.values, values)
        XCTAssertEqual(adam.firstMoment, first)
        XCTAssertEqual(adam.secondMoment, second)
        XCTAssertEqual(adam.step, step)
        XCTAssertEqual(journal.savedRows, 0, "a restore marks again")
        // The same steps again give the same state: nothing of the undone steps survived.
        steps(2)
        journal.restore(&table, adam: &adam)
        XCTAssertEqual(table.values, values)
    }
}
