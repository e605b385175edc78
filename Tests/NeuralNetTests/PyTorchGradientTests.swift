import Foundation
@testable import NeuralNet
import TestSupport
import XCTest

/// The whole model's loss and gradients against PyTorch's, for the same weights and words:
/// `tools/bench-quality/torch_gradients.py` wrote them (in double precision) with the reference's
/// architecture and MSE loss, words of mixed lengths packed as the reference packs them, and LSTM
/// and GRU, one and two bidirectional layers. This pins the equations, gate order, bias layout,
/// masking and the concatenation of the final states to PyTorch's own, beyond the finite-difference
/// checks (which only show that the gradients match charvec's own forward pass).
final class PyTorchGradientTests: XCTestCase {
    struct Case: Decodable {
        let cell: String, layers: Int, vocabularySize: Int, characterDimensions: Int, hiddenSize: Int
        let mlpHiddenSize: Int, outputDimensions: Int
        let words: [[Int32]]
        let targets: [Double]
        let loss: Double
        let parameters: [String: [Double]]
        let gradients: [String: [Double]]
    }

    func check(_ file: String) throws {
        let url = Fixtures.packageRoot.appendingPathComponent("Tests/Corpus/pytorch/\(file)")
        let c = try JSONDecoder().decode(Case.self, from: Data(contentsOf: url))
        var configuration = CharToVectorConfiguration(vocabularySize: c.vocabularySize)
        configuration.cell = c.cell == "lstm" ? .lstm : .gru
        configuration.layers = c.layers
        configuration.characterDimensions = c.characterDimensions
        configuration.hiddenSize = c.hiddenSize
        configuration.mlpHiddenSize = c.mlpHiddenSize
        configuration.outputDimensions = c.outputDimensions
        let batch = CharacterBatch(sequences: c.words, paddingIndex: 0)
        let targets = Matrix(rows: c.words.count, columns: c.outputDimensions, values: c.targets.map { Scalar($0) })
        for (threads, parallelDirections, packs) in [(1, false, true), (2, false, true), (1, true, true), (1, false, false)] {
            try RecurrentLayer.withRecurrentWeightPacking(packs) {
                let model = CharToVectorModel(configuration: configuration)
                model.threadCount = threads
                model.parallelizesDirections = parallelDirections
                XCTAssertEqual(Set(model.layout.entries.map(\.name)), Set(c.parameters.keys), file)
                for entry in model.layout.entries {
                    let values = try XCTUnwrap(c.parameters[entry.name])
                    XCTAssertEqual(values.count, entry.count, entry.name)
                    for (i, v) in values.enumerated() { model.parameters.values[entry.offset + i] = Scalar(v) }
                }
                let loss = model.computeGradients(batch) { MSELoss()($0, targets) }
                let label = "\(file), \(threads) thread(s), directions in parallel \(parallelDirections), packed \(packs)"
                XCTAssertEqual(loss, c.loss, accuracy: 1e-5 * c.loss, label)
                for entry in model.layout.entries {
                    let expected = try XCTUnwrap(c.gradients[entry.name])
                    let scale = expected.map(abs).max() ?? 0
                    let worst = expected.indices.map { abs(Double(model.gradients.values[entry.offset + $0]) - expected[$0]) }.max() ?? 0
                    XCTAssertLessThanOrEqual(worst, 1e-5 * scale + 1e-7, "\(entry.name) in \(label)")
                }
            }
        }
    }

    func testLSTMOneLayer() throws { try check("gradients-lstm-1layer.json") }
    func testLSTMTwoLayers() throws { try check("gradients-lstm-2layer.json") }
    func testGRUOneLayer() throws { try check("gradients-gru-1layer.json") }
    func testGRUTwoLayers() throws { try check("gradients-gru-2layer.json") }
}
