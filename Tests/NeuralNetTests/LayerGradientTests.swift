import XCTest
import NeuralNet
import TestSupport

/// Finite-difference checks of the embedding, Linear and MLP layers.
final class LayerGradientTests: XCTestCase {
    func testLinearParametersAndInput() {
        var layout = ParameterLayout()
        let linear = Linear(inputDimensions: 3, outputDimensions: 4, name: "fc", layout: &layout)
        var p = FlatParameters(layout: layout)
        var rng = SplitMix64(seed: 1)
        linear.initialize(&p, rng: &rng)
        Initialization.normal(&p, linear.bias!, std: 0.5, rng: &rng)
        let rows = 5
        var x = randomProjection(count: rows * 3, seed: 2)
        let r = randomProjection(count: rows * 4, seed: 3)
        var y = [Float](repeating: 0, count: rows * 4)
        var g = FlatParameters(layout: layout)
        var dx = [Float](repeating: 0, count: rows * 3)
        linear.backwardParameters(input: x, rows: rows, dOutput: r, gradients: &g)
        linear.backwardInput(rows: rows, dOutput: r, parameters: p, into: &dx)
        var values = p.values
        let input = x
        assertGradientsMatch(checkGradients(values: &values, analytic: g.values) { v in
            linear.forward(input, rows: rows, parameters: FlatParameters(layout: layout, values: v), into: &y)
            return project(y, r)
        }, "linear parameters")
        assertGradientsMatch(checkGradients(values: &x, analytic: dx) { v in
            linear.forward(v, rows: rows, parameters: p, into: &y)
            return project(y, r)
        }, "linear input")
    }

    func testMLPParametersAndInput() {
        var layout = ParameterLayout()
        let mlp = MLP(inputDimensions: 4, hiddenDimensions: 5, outputDimensions: 3, name: "mlp", layout: &layout)
        var p = FlatParameters(layout: layout)
        var rng = SplitMix64(seed: 4)
        mlp.initialize(&p, rng: &rng)
        for i in p.values.indices { p.values[i] += 0.2 * rng.uniform(-1, 1) }
        let rows = 3
        var x = randomProjection(count: rows * 4, seed: 5)
        let r = randomProjection(count: rows * 3, seed: 6)
        let cache = MLPCache()
        mlp.forward(x, rows: rows, parameters: p, cache: cache)
        var g = FlatParameters(layout: layout)
        var dx: [Float] = []
        mlp.backward(dOutput: r, input: x, rows: rows, parameters: p, cache: cache, gradients: &g, dInput: &dx)
        var values = p.values
        let input = x
        assertGradientsMatch(checkGradients(values: &values, analytic: g.values) { v in
            mlp.forward(input, rows: rows, parameters: FlatParameters(layout: layout, values: v), cache: cache)
            return project(cache.output, r)
        }, "MLP parameters")
        assertGradientsMatch(checkGradients(values: &x, analytic: Array(dx[0..<x.count])) { v in
            mlp.forward(v, rows: rows, parameters: p, cache: cache)
            return project(cache.output, r)
        }, "MLP input")
    }

    func testEmbeddingAccumulatesSharedRowsAndSkipsPadding() {
        var layout = ParameterLayout()
        let embedding = CharEmbedding(vocabularySize: 5, dimensions: 3, paddingIndex: 0, name: "emb", layout: &layout)
        var p = FlatParameters(layout: layout)
        var rng = SplitMix64(seed: 7)
        embedding.initialize(&p, rng: &rng)
        XCTAssertEqual(Array(p.values[0..<3]), [0, 0, 0], "padding row starts at zero")
        let ids: [Int32] = [1, 3, 1, 4, 0, 3]
        let r = randomProjection(count: ids.count * 3, seed: 8)
        var x = [Float](repeating: 0, count: ids.count * 3)
        var g = FlatParameters(layout: layout)
        embedding.backward(ids: ids, dOutput: r, gradients: &g)
        XCTAssertEqual(Array(g.values[0..<3]), [0, 0, 0], "padding row gets no gradient")
        var values = p.values
        let nonPadding = Array(3..<values.count)
        assertGradientsMatch(checkGradients(values: &values, analytic: g.values, indices: nonPadding) { v in
            embedding.forward(ids: ids, parameters: FlatParameters(layout: layout, values: v), into: &x)
            return project(x, r)
        }, "embedding")
    }

    func testDropoutMaskScalesKeptUnitsAndIsSeeded() {
        let dropout = Dropout(probability: 0.25)
        var x = [Float](repeating: 1, count: 4000), mask: [Float] = []
        var rng = SplitMix64(seed: 9)
        dropout.forward(&x, count: 4000, mask: &mask, rng: &rng)
        XCTAssertTrue(x.allSatisfy { $0 == 0 || abs($0 - 4 / 3) < 1e-6 })
        let dropped = Double(x.filter { $0 == 0 }.count) / 4000
        XCTAssertEqual(dropped, 0.25, accuracy: 0.03)
        var d = [Float](repeating: 2, count: 4000)
        dropout.backward(&d, count: 4000, mask: mask)
        XCTAssertEqual(d, x.map { 2 * $0 })
    }
}
