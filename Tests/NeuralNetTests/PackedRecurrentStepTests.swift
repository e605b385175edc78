import XCTest
@testable import NeuralNet
import Tensor
import TestSupport

/// The recurrent step GEMMs with the weight packed once per batch (C kernels) against the BLAS
/// path, on bidirectional LSTM and GRU layers with masked batches of more than 12 words (the
/// kernel's row block) and hidden sizes with panel tails. Both paths compute the same sums in a
/// different order, so they agree to rounding. (The gradient checks run the packed path on
/// AVX2 and AVX-512 machines.)
final class PackedRecurrentStepTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(Kernels.usesNativeKernels, "this CPU has neither AVX2 nor AVX-512: the step GEMMs use BLAS only")
    }

    func run(_ cell: RecurrentCellKind, hidden: Int, packed: Bool) -> (output: [Scalar], dInput: [Scalar], gradients: [Scalar]) {
        RecurrentLayer.withRecurrentWeightPacking(packed) {
            let (layer, p) = ModelFixtures.recurrentLayer(cell, inputDimensions: 6, hiddenSize: hidden, bidirectional: true,
                                                          seed: 5, jitter: 0.2)
            let lengths = (0..<29).map { 1 + ($0 * 7) % 9 }
            let seq = PackedSequences(lengths: lengths)
            let x = randomProjection(count: seq.totalRows * 6, seed: 2)
            let r = randomProjection(count: seq.totalRows * layer.outputDimensions, seed: 3)
            let cache = RecurrentLayerCache()
            layer.forward(x, sequences: seq, parameters: p, cache: cache)
            var g = FlatParameters(layout: p.layout)
            var dx: [Scalar] = []
            layer.backward(dOutput: r, input: x, sequences: seq, parameters: p, cache: cache, gradients: &g, dInput: &dx)
            return (cache.output, dx, g.values)
        }
    }

    func compare(_ cell: RecurrentCellKind) {
        for hidden in [5, 37] {
            let blas = run(cell, hidden: hidden, packed: false), packed = run(cell, hidden: hidden, packed: true)
            for (name, a, b) in [("output", blas.output, packed.output), ("dInput", blas.dInput, packed.dInput),
                                 ("gradients", blas.gradients, packed.gradients)] {
                XCTAssertEqual(a.count, b.count)
                var worst: Float = 0
                for (u, v) in zip(a, b) { worst = max(worst, abs(u - v) / max(1, abs(u))) }
                XCTAssertLessThan(worst, 1e-5, "\(cell) H=\(hidden) \(name)")
            }
        }
    }

    func testLSTMPackedStepsMatchBLAS() { compare(.lstm) }
    func testGRUPackedStepsMatchBLAS() { compare(.gru) }
}
