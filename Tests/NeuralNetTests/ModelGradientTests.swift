import XCTest
import NeuralNet
import TestSupport

/// Finite-difference checks of the whole char-to-vector model (embedding → 2-layer BiLSTM/BiGRU →
/// MLP) with MSE to targets that include a zero vector, on a masked (variable-length) batch.
final class ModelGradientTests: XCTestCase {
    func check(_ configuration: CharToVectorConfiguration, lengths: [Int], threads: Int = 1, directions: Bool = false,
               file: StaticString = #filePath, line: UInt = #line) {
        var batch = ModelFixtures.batch(lengths: lengths)
        if let width = configuration.contextDimensions, width > 0 {
            batch.context = randomProjection(count: lengths.count * width, seed: 21)
        }
        check(configuration, batch: batch, threads: threads, directions: directions, file: file, line: line)
    }

    func check(_ configuration: CharToVectorConfiguration, batch: CharacterBatch, threads: Int = 1, directions: Bool = false,
               file: StaticString = #filePath, line: UInt = #line) {
        let lengths = batch.lengths.map { Int($0) }
        let model = CharToVectorModel(configuration: configuration)
        model.threadCount = threads
        model.parallelizesDirections = directions
        // Move biases and the padding row off their special initial values.
        var rng = SplitMix64(seed: 99)
        for i in model.parameters.values.indices { model.parameters.values[i] += 0.1 * rng.uniform(-1, 1) }
        var targets = ModelFixtures.targets(rows: lengths.count, columns: configuration.outputDimensions, seed: 3)
        for j in 0..<targets.columns { targets[1, j] = 0 }  // a zero target vector
        let mse = MSELoss()
        model.zeroGradients()
        let (_, dPredictions) = mse(model.forward(batch), targets)
        model.backward(dPredictions)
        let analytic = model.gradients.values
        var values = model.parameters.values
        let paddingRow = model.embedding.table.offset ..< model.embedding.table.offset + configuration.characterDimensions
        let indices = values.indices.filter { !paddingRow.contains($0) }
        let result = checkGradients(values: &values, analytic: analytic, indices: indices) { v in
            model.parameters.values = v
            return mse(model.forward(batch), targets).value
        }
        assertGradientsMatch(result, "\(configuration.cell) layers \(configuration.layers) lengths \(lengths) threads \(threads)",
                             file: file, line: line)
    }

    func testBiLSTMTwoLayersMaskedBatch() { check(ModelFixtures.configuration(.lstm, layers: 2), lengths: [3, 1, 4, 2]) }
    func testBiGRUTwoLayersMaskedBatch() { check(ModelFixtures.configuration(.gru, layers: 2), lengths: [3, 1, 4, 2]) }
    func testBiLSTMUniformBatch() { check(ModelFixtures.configuration(.lstm), lengths: [3, 3, 3]) }
    func testUnidirectionalGRU() { check(ModelFixtures.configuration(.gru, bidirectional: false), lengths: [2, 5, 1]) }
    func testBiGRUDirectionsOnTwoThreads() {
        var c = ModelFixtures.configuration(.gru, layers: 2)
        c.seed = 8
        check(c, lengths: [3, 1, 4, 2], directions: true)
    }
    func testBiLSTMSplitAcrossTwoThreads() {
        check(ModelFixtures.configuration(.lstm, layers: 2), lengths: [3, 1, 4, 2, 5], threads: 2)
    }

    /// A context vector per word beside the recurrent states (the subword head's bag): the MLP's
    /// first layer is wider, the context gets no gradient, and a split batch slices it along.
    func testContextInputBesideTheRecurrentStates() {
        var c = ModelFixtures.configuration(.lstm)
        c.contextDimensions = 3
        check(c, lengths: [3, 1, 4, 2])
        check(c, lengths: [3, 1, 4, 2, 5], threads: 2)
        check(c, lengths: [2, 2, 3], directions: true)
        XCTAssertEqual(CharToVectorModel(configuration: c).parameters.values.count, c.parameterCount)
        // The context changes the prediction, and only the context's own word.
        let model = CharToVectorModel(configuration: c)
        var batch = ModelFixtures.batch(lengths: [3, 1, 4])
        batch.context = [Float](repeating: 0.5, count: 9)
        let before = model.predict(batch).storage
        batch.context![3] = -2  // the second word's first context value
        let after = model.predict(batch).storage
        let o = c.outputDimensions
        XCTAssertEqual(Array(before[0 ..< o]), Array(after[0 ..< o]))
        XCTAssertNotEqual(Array(before[o ..< 2 * o]), Array(after[o ..< 2 * o]))
        XCTAssertEqual(Array(before[2 * o ..< 3 * o]), Array(after[2 * o ..< 3 * o]))
    }

    func testDropoutWithReplayedMasks() {
        var c = ModelFixtures.configuration(.lstm, layers: 2)
        c.dropout = 0.3
        let model = CharToVectorModel(configuration: c)
        let batch = ModelFixtures.batch(lengths: [3, 1, 4, 2])
        let targets = ModelFixtures.targets(rows: 4, columns: c.outputDimensions, seed: 3)
        let mse = MSELoss()
        model.reseedDropout(17)
        model.computeGradients(batch) { mse($0, targets) }
        let analytic = model.gradients.values
        var values = model.parameters.values
        let result = checkGradients(values: &values, analytic: analytic, indices: Array(stride(from: 0, to: values.count, by: 3))) { v in
            model.parameters.values = v
            model.reseedDropout(17)
            return mse(model.forward(batch), targets).value
        }
        assertGradientsMatch(result, "dropout 0.3")
        model.reseedDropout(18)
        XCTAssertNotEqual(model.forward(batch).storage, model.forward(batch).storage, "masks change between steps")
        XCTAssertEqual(model.predict(batch).storage, model.predict(batch).storage, "no dropout when predicting")
    }

    func testTwoThreadsGiveTheSameResultAsOne() {
        let c = ModelFixtures.configuration(.lstm, layers: 2)
        let batch = ModelFixtures.batch(lengths: [3, 1, 4, 2, 5, 2, 2])
        let targets = ModelFixtures.targets(rows: batch.count, columns: c.outputDimensions, seed: 4)
        var results: [([Float], [Float])] = []
        for (threads, directions) in [(1, false), (2, false), (1, true), (2, true)] {
            let model = CharToVectorModel(configuration: c)
            model.threadCount = threads
            model.parallelizesDirections = directions
            let predictions = model.forward(batch)
            model.backward(MSELoss()(predictions, targets).gradient)
            results.append((predictions.storage, model.gradients.values))
        }
        for k in 1..<results.count {
            assertClose(results[k].0, results[0].0, "predictions, variant \(k)")
            assertClose(results[k].1, results[0].1, absoluteTolerance: 1e-6, relativeTolerance: 1e-4, "gradients, variant \(k)")
        }
    }
}
