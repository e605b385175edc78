import XCTest
import NeuralNet
import TestSupport

/// Finite-difference checks of LSTM and GRU layers (tiny sizes: D=3, H=4), uni- and bidirectional,
/// on uniform and masked (variable-length) batches, for parameters and inputs.
final class RecurrentLayerGradientTests: XCTestCase {
    func check(_ cell: RecurrentCellKind, bidirectional: Bool, lengths: [Int], file: StaticString = #filePath, line: UInt = #line) {
        let label = "\(cell) bidirectional \(bidirectional) lengths \(lengths)"
        let (layer, p) = ModelFixtures.recurrentLayer(cell, inputDimensions: 3, hiddenSize: 4,
                                                      bidirectional: bidirectional, seed: 3, jitter: 0.3)
        let layout = p.layout
        let seq = PackedSequences(lengths: lengths)
        var x = randomProjection(count: seq.totalRows * 3, seed: 9)
        let r = randomProjection(count: seq.totalRows * layer.outputDimensions, seed: 10)
        let cache = RecurrentLayerCache()

        layer.forward(x, sequences: seq, parameters: p, cache: cache)
        var g = FlatParameters(layout: layout)
        var dx: [Float] = []
        layer.backward(dOutput: r, input: x, sequences: seq, parameters: p, cache: cache, gradients: &g, dInput: &dx)

        var values = p.values
        let input = x
        let parameterResult = checkGradients(values: &values, analytic: g.values) { v in
            layer.forward(input, sequences: seq, parameters: FlatParameters(layout: layout, values: v), cache: cache)
            return project(cache.output, r)
        }
        assertGradientsMatch(parameterResult, "\(label) parameters", file: file, line: line)
        let inputResult = checkGradients(values: &x, analytic: Array(dx[0 ..< x.count])) { v in
            layer.forward(v, sequences: seq, parameters: p, cache: cache)
            return project(cache.output, r)
        }
        assertGradientsMatch(inputResult, "\(label) input", file: file, line: line)
    }

    func testLSTMUniformBatch() { check(.lstm, bidirectional: false, lengths: [3, 3]) }
    func testLSTMMaskedBatch() { check(.lstm, bidirectional: false, lengths: [2, 4, 1]) }
    func testBiLSTMMaskedBatch() { check(.lstm, bidirectional: true, lengths: [3, 1, 4, 2]) }
    func testGRUUniformBatch() { check(.gru, bidirectional: false, lengths: [3, 3]) }
    func testGRUMaskedBatch() { check(.gru, bidirectional: false, lengths: [2, 4, 1]) }
    func testBiGRUMaskedBatch() { check(.gru, bidirectional: true, lengths: [3, 1, 4, 2]) }

    /// The check must be able to fail: a corrupted analytic gradient is caught.
    func testGradientCheckDetectsAWrongGradient() {
        var values: [Float] = [0.3, -0.2]
        let result = checkGradients(values: &values, analytic: [2 * 0.3, -2 * 0.2 + 0.05]) { v in
            Double(v[0] * v[0] + v[1] * v[1])
        }
        XCTAssertEqual(result.failures, 1)
        XCTAssertEqual(result.worstIndex, 1)
    }
}
