import XCTest
import NeuralNet
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Compares the packed, batched layer with a naive per-word, per-step Double implementation
/// (libm tanh/exp): checks the equations, gate order and masking (the reverse direction starts
/// at each word's own last character).
final class RecurrentLayerReferenceTests: XCTestCase {
    func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    /// Naive forward of one direction for one word: returns h for each step in time order.
    func reference(_ cell: RecurrentCellKind, _ p: FlatParameters, _ d: RecurrentLayer.Direction, x: [[Double]],
                   hidden h: Int) -> [[Double]] {
        let inDim = x[0].count, g = cell.gateCount * h
        func wx(_ i: Int, _ j: Int) -> Double { Double(p.values[d.inputWeight.offset + i * g + j]) }
        func wh(_ i: Int, _ j: Int) -> Double { Double(p.values[d.recurrentWeight.offset + i * g + j]) }
        func b(_ j: Int) -> Double { Double(p.values[d.bias.offset + j]) }
        var state = [Double](repeating: 0, count: h), c = state
        var out = [[Double]](repeating: [], count: x.count)
        let times = d.reverse ? Array(x.indices.reversed()) : Array(x.indices)
        for t in times {
            var ax = [Double](repeating: 0, count: g), ah = ax
            for j in 0..<g {
                ax[j] = b(j)
                for i in 0..<inDim { ax[j] += x[t][i] * wx(i, j) }
                for i in 0..<h { ah[j] += state[i] * wh(i, j) }
            }
            var next = state
            for u in 0..<h {
                switch cell {
                case .lstm:
                    let i = sigmoid(ax[u] + ah[u]), f = sigmoid(ax[h + u] + ah[h + u])
                    let gg = tanh(ax[2 * h + u] + ah[2 * h + u]), o = sigmoid(ax[3 * h + u] + ah[3 * h + u])
                    c[u] = f * c[u] + i * gg
                    next[u] = o * tanh(c[u])
                case .gru:
                    let r = sigmoid(ax[u] + ah[u]), z = sigmoid(ax[h + u] + ah[h + u])
                    let n = tanh(ax[2 * h + u] + r * (ah[2 * h + u] + Double(p.values[d.recurrentNewBias!.offset + u])))
                    next[u] = (1 - z) * n + z * state[u]
                }
            }
            state = next
            out[t] = state
        }
        return out
    }

    func compare(_ cell: RecurrentCellKind) {
        let (inDim, h) = (3, 5)
        let (layer, p) = ModelFixtures.recurrentLayer(cell, inputDimensions: inDim, hiddenSize: h, bidirectional: true,
                                                      seed: 11, jitter: 0.2)
        let lengths = [2, 5, 1, 5, 3]
        let seq = PackedSequences(lengths: lengths)
        // Per-word inputs, then packed.
        let words: [[[Double]]] = lengths.enumerated().map { w, l in
            (0..<l).map { t in (0..<inDim).map { i in Double(Float(sin(Double(w * 31 + t * 7 + i)))) } }
        }
        var x = [Float](repeating: 0, count: seq.totalRows * inDim)
        for t in 0..<seq.maxLength {
            for slot in 0..<seq.batchSizes[t] {
                for i in 0..<inDim { x[seq.row(time: t, slot: slot) * inDim + i] = Float(words[seq.order[slot]][t][i]) }
            }
        }
        let cache = RecurrentLayerCache()
        layer.forward(x, sequences: seq, parameters: p, cache: cache)
        var worst = 0.0
        for (di, d) in layer.directions.enumerated() {
            for slot in 0..<seq.count {
                let ref = reference(cell, p, d, x: words[seq.order[slot]], hidden: h)
                for t in 0..<seq.lengths[slot] {
                    for u in 0..<h {
                        let got = Double(cache.output[seq.row(time: t, slot: slot) * 2 * h + di * h + u])
                        worst = max(worst, abs(got - ref[t][u]))
                    }
                }
            }
        }
        XCTAssertLessThan(worst, 2e-5, "\(cell): worst difference from the naive reference")
    }

    func testLSTMMatchesNaiveReference() { compare(.lstm) }
    func testGRUMatchesNaiveReference() { compare(.gru) }
}
