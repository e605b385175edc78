import XCTest
import NeuralNet
import TestSupport

/// Padded steps must not change states or gradients: a word's prediction and gradient in a padded,
/// mixed-length batch equal those of the word alone, whatever the padding holds.
final class MaskingTests: XCTestCase {
    func testPaddedBatchEqualsWordsAlone() {
        for cell in RecurrentCellKind.allCases {
            let c = ModelFixtures.configuration(cell, layers: 2)
            let lengths = [2, 5, 1, 3]
            let batch = ModelFixtures.batch(lengths: lengths, seed: 8)
            let r = randomProjection(count: lengths.count * c.outputDimensions, seed: 2)
            let model = CharToVectorModel(configuration: c)
            let predictions = model.forward(batch)
            model.backward(Matrix(rows: lengths.count, columns: c.outputDimensions, values: r))
            let batchGradients = model.gradients.values
            var summed = [Float](repeating: 0, count: batchGradients.count)
            for w in lengths.indices {
                let single = CharacterBatch(sequences: [Array(batch.ids[w * batch.maxLength ..< w * batch.maxLength + lengths[w]])],
                                            paddingIndex: 0)
                model.zeroGradients()
                let p = model.forward(single)
                assertClose(p.storage, predictions.row(w), "\(cell) word \(w) prediction")
                model.backward(Matrix(rows: 1, columns: c.outputDimensions,
                                      values: Array(r[w * c.outputDimensions ..< (w + 1) * c.outputDimensions])))
                for i in summed.indices { summed[i] += model.gradients.values[i] }
            }
            assertClose(batchGradients, summed, absoluteTolerance: 1e-6, relativeTolerance: 1e-4, "\(cell) gradients")
        }
    }

    func testPaddingContentIsIgnored() {
        let c = ModelFixtures.configuration(.lstm)
        let a = ModelFixtures.batch(lengths: [4, 1, 2], seed: 3)
        var ids = a.ids
        for w in 0..<a.count { for t in Int(a.lengths[w]) ..< a.maxLength { ids[w * a.maxLength + t] = 5 } }
        let b = CharacterBatch(ids: ids, lengths: a.lengths, maxLength: a.maxLength)
        let model = CharToVectorModel(configuration: c)
        XCTAssertEqual(model.forward(a).storage, model.forward(b).storage)
    }

    func testPackingOfVariableLengths() {
        let seq = PackedSequences(lengths: [2, 4, 1, 4])
        XCTAssertEqual(seq.order, [1, 3, 0, 2])
        XCTAssertEqual(seq.batchSizes, [4, 3, 2, 2])
        XCTAssertEqual(seq.offsets, [0, 4, 7, 9])
        XCTAssertEqual(seq.totalRows, 11)
        XCTAssertFalse(seq.isUniform)
        XCTAssertTrue(PackedSequences(lengths: [3, 3]).isUniform)
    }
}
