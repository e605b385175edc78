import NeuralNet
import TestSupport

/// Tiny model configurations and batches shared by the model-level tests.
enum ModelFixtures {
    static func configuration(_ cell: RecurrentCellKind, layers: Int = 1, bidirectional: Bool = true,
                              seed: UInt64 = 5) -> CharToVectorConfiguration {
        var c = CharToVectorConfiguration(vocabularySize: 7)
        c.cell = cell
        c.layers = layers
        c.bidirectional = bidirectional
        c.characterDimensions = 3
        c.hiddenSize = 4
        c.mlpHiddenSize = 5
        c.outputDimensions = 4
        c.seed = seed
        return c
    }

    /// Words of the given lengths with ids in 1..<vocabulary (1 is the unknown slot), padded with 0.
    static func batch(lengths: [Int], vocabulary: Int = 7, seed: UInt64 = 1, padding: Int32 = 0) -> CharacterBatch {
        var rng = SplitMix64(seed: seed)
        let words = lengths.map { l in (0..<l).map { _ in Int32(1 + rng.nextIndex(vocabulary - 1)) } }
        return CharacterBatch(sequences: words, paddingIndex: padding)
    }

    /// A recurrent layer named "rnn" and its parameters: the seeded default initialisation, then
    /// `U(±jitter)` added to every scalar (from the same random stream) so biases are non-trivial.
    static func recurrentLayer(_ cell: RecurrentCellKind, inputDimensions: Int, hiddenSize: Int, bidirectional: Bool,
                               seed: UInt64, jitter: Float) -> (layer: RecurrentLayer, parameters: FlatParameters) {
        var layout = ParameterLayout()
        let layer = RecurrentLayer(cell: cell, inputDimensions: inputDimensions, hiddenSize: hiddenSize,
                                   bidirectional: bidirectional, name: "rnn", layout: &layout)
        var p = FlatParameters(layout: layout)
        var rng = SplitMix64(seed: seed)
        layer.initialize(&p, rng: &rng)
        for i in p.values.indices { p.values[i] += jitter * rng.uniform(-1, 1) }
        return (layer, p)
    }

    static func targets(rows: Int, columns: Int, seed: UInt64) -> Matrix {
        Matrix(rows: rows, columns: columns, values: randomProjection(count: rows * columns, seed: seed))
    }
}
