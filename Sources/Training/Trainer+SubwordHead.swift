import EmbeddingCore
import NeuralNet
import Tensor

/// Training through the subword head: the loss sees `q = p̂ + o`, the model's unit prediction plus
/// a fixed offset per example (the weighted unit bag of its word, fitted without that word).
enum HeadBlend {
    /// `q` `[B × D]` with row r = `p_r/|p_r| + offsets[rows[r]]` (offsets flat `[· × D]`), and the
    /// inverse norms `1/|p_r|` (0 for a zero or non-finite row, which then contributes nothing).
    static func forward(_ p: Matrix, offsets: [Scalar], rows: [Int]) -> (q: Matrix, inverseNorms: [Scalar]) {
        let d = p.columns
        var q = Matrix(rows: p.rows, columns: d)
        var inverse = [Scalar](repeating: 0, count: p.rows)
        p.storage.withUnsafeBufferPointer { pv in
            for r in 0 ..< p.rows {
                let norm = L2.norm(UnsafeBufferPointer(rebasing: pv[r * d ..< (r + 1) * d]))
                let a = norm > 0 && norm.isFinite ? Scalar(1 / norm) : 0
                inverse[r] = a
                let o = rows[r] * d
                for j in 0 ..< d { q.storage[r * d + j] = a * pv[r * d + j] + offsets[o + j] }
            }
        }
        return (q, inverse)
    }

    /// `∂L/∂p` from `∂L/∂q`: through the normalisation, `(g − û(û·g))/|p|` per row.
    static func backward(_ dq: Matrix, predictions p: Matrix, inverseNorms: [Scalar]) -> Matrix {
        let d = p.columns
        var dp = Matrix(rows: p.rows, columns: d)
        for r in 0 ..< p.rows {
            let a = inverseNorms[r]
            guard a > 0 else { continue }
            var dot: Scalar = 0
            for j in 0 ..< d { dot += a * p.storage[r * d + j] * dq.storage[r * d + j] }
            for j in 0 ..< d { dp.storage[r * d + j] = (dq.storage[r * d + j] - a * p.storage[r * d + j] * dot) * a }
        }
        return dp
    }
}

extension Trainer {
    /// The head a configuration trains through, fitted on every training word, and the offsets
    /// `weight · b̂` per training row from out-of-fold bags (flat `[trainCount × D]`); nil and
    /// empty when the configuration trains no head.
    /// - Complexity: `subwordFolds + 1` bag fits.
    static func makeSubwordHead(data: TrainingData, configuration: TrainingConfiguration) -> (SubwordHead?, [Scalar]) {
        guard configuration.subwordWeight > 0, configuration.subwordFolds >= 2, data.trainCount >= configuration.subwordFolds else {
            return (nil, [])
        }
        let settings = NgramBaseline.Settings.subwordHead(trainingWords: data.trainCount, fit: configuration.subwordFit)
        let maxLength = configuration.maxLength
        // The bag of all words is fitted alongside the folds' bags, on the training threads.
        var table: NgramTable?
        var offsets = NgramBaseline.outOfFoldUnitBags(data: data, settings: settings, folds: configuration.subwordFolds,
                                                      maxLength: maxLength, threads: configuration.threads) { storage in
            table = NgramBaseline.fit(data: data, settings: settings, maxLength: maxLength, storage: &storage)
        }
        let w = configuration.subwordWeight
        for i in offsets.indices { offsets[i] *= w }
        return (SubwordHead(table: table!, weight: w), offsets)
    }

    /// The configured loss of the blend of `predictions` with the examples' head offsets, and its
    /// gradient with respect to `predictions`.
    func lossThroughHead(_ predictions: Matrix, targetRows: [Int], negativesRNG: inout SplitMix64) -> (value: Double, gradient: Matrix) {
        let (q, inverse) = HeadBlend.forward(predictions, offsets: headOffsets, rows: targetRows)
        let (value, dq) = loss(q, targetRows: targetRows, negativesRNG: &negativesRNG)
        return (value, HeadBlend.backward(dq, predictions: predictions, inverseNorms: inverse))
    }
}
