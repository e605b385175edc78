import XCTest
import TestSupport
@testable import Tensor
#if canImport(Glibc)
import Glibc
#endif

/// The C kernels, in every tier this CPU has (AVX-512 and AVX2 + FMA on an AVX-512 machine,
/// AVX2 + FMA on an AVX2 one), against the portable SIMD8 Swift kernels they replace, on the same
/// inputs: row tails of the 8- and 16-lane vectors (H = 1, 7, 8, 13, 16, 33, 50), several rows,
/// strided outputs, NaN. Their formulas are the same; only FMA rounding differs. (The gradient
/// checks elsewhere run whichever path this machine selects.)
final class NativeKernelTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(KernelImplementation.native.isAvailable,
                          "this CPU has neither AVX2 + FMA nor AVX-512: the portable kernels are the only path")
    }

    /// Hidden sizes whose rows end in every kind of tail of an 8- or 16-lane vector.
    let hiddenSizes = [1, 7, 8, 13, 16, 33, 50, 64]

    /// Runs `body` once on the portable path and once per C tier; returns the portable result and each tier's.
    func both<T>(_ body: () -> T) -> (portable: T, native: [(tier: NativeKernelLevel, value: T)]) {
        let portable = Kernels.withImplementation(.portable, body)
        var native: [(NativeKernelLevel, T)] = []
        forEachNativeTier { native.append(($0, body())) }
        XCTAssertFalse(native.isEmpty, "no C tier ran")
        return (portable, native)
    }

    func random(_ n: Int, seed: UInt64, scale: Float = 3) -> [Scalar] {
        var rng = SplitMix64(seed: seed)
        return (0..<n).map { _ in scale * (2 * rng.nextUnit() - 1) }
    }

    func assertClose(_ a: [Scalar], _ b: [Scalar], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, what, file: file, line: line)
        var worst: Float = 0
        for (x, y) in zip(a, b) { worst = max(worst, abs(x - y) / max(1, abs(x))) }
        XCTAssertLessThan(worst, 2e-6, "\(what): worst relative difference", file: file, line: line)
    }

    func testLSTMForwardAndBackwardMatchPortable() {
        for h in hiddenSizes {
            let rows = 5, stride = 2 * h
            let gates0 = random(rows * 4 * h, seed: 1), cPrev = random(rows * h, seed: 2)
            let dOut = random(rows * stride, seed: 3), dhCarry = random(rows * h, seed: 4), dc0 = random(rows * h, seed: 5)
            let r = both { () -> [[Scalar]] in
                var gates = gates0
                var cell = [Scalar](repeating: 0, count: rows * h), tanhCell = cell
                var hidden = [Scalar](repeating: -9, count: rows * stride)
                RecurrentKernels.lstmForward(rows: rows, hiddenSize: h, gates: &gates, 0, cPrevious: cPrev, 0, cell: &cell, 0,
                                             tanhCell: &tanhCell, 0, hidden: &hidden, 0, hiddenStride: stride)
                var dc = dc0, dGates = [Scalar](repeating: 0, count: rows * 4 * h)
                RecurrentKernels.lstmBackward(rows: rows, hiddenSize: h, gates: gates, 0, cPrevious: cPrev, 0,
                                              tanhCell: tanhCell, 0, dOutput: dOut, 0, dOutputStride: stride,
                                              dhCarry: dhCarry, dcCarry: &dc, dGates: &dGates, 0)
                return [gates, cell, tanhCell, hidden, dc, dGates]
            }
            for (tier, native) in r.native {
                for (i, name) in ["gates", "cell", "tanhCell", "hidden (stride untouched)", "dcCarry", "dGates"].enumerated() {
                    assertClose(r.portable[i], native[i], "\(tier) H=\(h) \(name)")
                }
            }
        }
    }

    func testGRUForwardAndBackwardMatchPortable() {
        for h in hiddenSizes {
            let rows = 4, stride = 2 * h
            let gates0 = random(rows * 3 * h, seed: 11), recurrent = random(rows * 3 * h, seed: 12)
            let bias = random(h, seed: 13), hPrev = random(rows * h, seed: 14, scale: 1)
            let dOut = random(rows * stride, seed: 15), dh0 = random(rows * h, seed: 16)
            let r = both { () -> [[Scalar]] in
                var gates = gates0
                var recurrentNew = [Scalar](repeating: 0, count: rows * h)
                var hidden = [Scalar](repeating: -9, count: rows * stride)
                RecurrentKernels.gruForward(rows: rows, hiddenSize: h, gates: &gates, 0, recurrent: recurrent,
                                            hiddenBias: bias, 0, hPrevious: hPrev, 0, recurrentNew: &recurrentNew, 0,
                                            hidden: &hidden, 0, hiddenStride: stride)
                var dh = dh0
                var dx = [Scalar](repeating: 0, count: rows * 3 * h), dr = dx
                RecurrentKernels.gruBackward(rows: rows, hiddenSize: h, gates: gates, 0, recurrentNew: recurrentNew, 0,
                                             hPrevious: hPrev, 0, dOutput: dOut, 0, dOutputStride: stride, dhCarry: &dh,
                                             dGatesInput: &dx, 0, dGatesRecurrent: &dr, 0)
                return [gates, recurrentNew, hidden, dh, dx, dr]
            }
            for (tier, native) in r.native {
                for (i, name) in ["gates", "recurrentNew", "hidden", "dhCarry", "dGatesInput", "dGatesRecurrent"].enumerated() {
                    assertClose(r.portable[i], native[i], "\(tier) H=\(h) \(name)")
                }
            }
        }
    }

    func testAdamColumnSumsAndTanhMatchPortable() {
        for n in [1, 7, 8, 13, 16, 1000 + 13] {
            checkAdam(count: n)
        }
        for (columns, ld) in [(147, 150), (5, 9), (64, 64), (71, 80), (200, 203)] {
            let x = random(37 * ld, seed: 25)
            let sums = both { () -> [Scalar] in
                var s = random(ld + 3, seed: 26)
                Kernels.addColumnSums(x, 2, rows: 36, columns: columns, ld: ld, into: &s, 3)
                return s
            }
            for (tier, native) in sums.native { assertClose(sums.portable, native, "\(tier) column sums, \(columns) columns") }
        }
        for count in [1, 2, 7, 10, 11, 77] {  // with the six specials: 7, 8, 13, 16, 17, 83 values
            let t = both { () -> [Scalar] in
                var y = [5] + [.infinity, -.infinity, 1e-30, -3e-4, 0, 1e30] + random(count, seed: 27, scale: 12) + [5, 5]
                Kernels.tanhInPlace(&y, 1, count: count + 6)  // the first and last two stay as they are
                return y
            }
            for (tier, native) in t.native { assertClose(t.portable, native, "\(tier) tanh, count \(count)") }
        }
    }

    func checkAdam(count n: Int) {
        let p0 = random(n, seed: 21), g = random(n, seed: 22), m0 = random(n, seed: 23, scale: 0.1)
        let v0 = random(n, seed: 24, scale: 0.1).map { abs($0) }
        let adam = both { () -> [[Scalar]] in
            var p = p0, m = m0, v = v0
            Kernels.adamStep(parameters: &p, gradients: g, firstMoment: &m, secondMoment: &v, stepSize: 1e-3,
                             beta1: 0.9, beta2: 0.999, epsilonHat: 1e-8, decay: 1e-4)
            return [p, m, v]
        }
        for (tier, native) in adam.native {
            for i in 0..<3 { assertClose(adam.portable[i], native[i], "\(tier) Adam buffer \(i), n \(n)") }
        }
    }

    func testNativeTanhPropagatesNaN() {
        forEachNativeTier { tier in
            for count in [3, 11, 19] {  // NaN in the body and in the tail
                var y = [Scalar](repeating: 1, count: count)
                y[0] = .nan; y[count - 1] = .nan
                Kernels.tanhInPlace(&y, 0, count: count)
                XCTAssertTrue(y[0].isNaN && y[count - 1].isNaN, "\(tier): NaN must reach the non-finite guard, not turn into ±1")
                XCTAssertEqual(y[1], Scalar(tanh(1.0)), accuracy: 1e-6, "\(tier)")
            }
        }
    }

    /// A NaN gate pre-activation reaches the step's outputs (sigmoid and tanh keep it), in body and tail lanes.
    func testGateKernelsPropagateNaN() {
        let h = 13, rows = 2
        forEachNativeTier { tier in
            var gates = random(rows * 4 * h, seed: 41)
            gates[2] = .nan              // input gate, lane 2 (body)
            gates[4 * h + 3 * h + 10] = .nan  // row 1, output gate, lane 10 (tail)
            let cPrev = random(rows * h, seed: 42)
            var cell = [Scalar](repeating: 0, count: rows * h), tanhCell = cell, hidden = cell
            RecurrentKernels.lstmForward(rows: rows, hiddenSize: h, gates: &gates, 0, cPrevious: cPrev, 0, cell: &cell, 0,
                                         tanhCell: &tanhCell, 0, hidden: &hidden, 0, hiddenStride: h)
            XCTAssertTrue(cell[2].isNaN && hidden[2].isNaN, "\(tier) LSTM input-gate NaN")
            XCTAssertTrue(hidden[h + 10].isNaN && !cell[h + 10].isNaN, "\(tier) LSTM output-gate NaN")
            XCTAssertEqual(hidden.filter(\.isNaN).count, 2, "\(tier) other lanes stay finite")

            var gru = random(rows * 3 * h, seed: 43)
            gru[h + 9] = .nan  // update gate, lane 9 (tail)
            let recurrent = random(rows * 3 * h, seed: 44), bias = random(h, seed: 45), hPrev = random(rows * h, seed: 46)
            var recurrentNew = [Scalar](repeating: 0, count: rows * h), out = recurrentNew
            RecurrentKernels.gruForward(rows: rows, hiddenSize: h, gates: &gru, 0, recurrent: recurrent, hiddenBias: bias, 0,
                                        hPrevious: hPrev, 0, recurrentNew: &recurrentNew, 0, hidden: &out, 0, hiddenStride: h)
            XCTAssertTrue(out[9].isNaN, "\(tier) GRU update-gate NaN")
            XCTAssertEqual(out.filter(\.isNaN).count, 1, "\(tier) other lanes stay finite")
        }
    }

    /// The softmax row: sum, maximum and every exponential within 1e-6 relative of expf, over
    /// row tails, large negative spreads (underflow to 0) and a small temperature.
    func testSoftmaxRowMatchesExpf() {
        for (n, spread, scale) in [(1, Float(1), Float(1)), (7, 1, 20), (17, 1, 20), (1000, 1, 20), (333, 100, 1000), (64, 0.5, 0.01)] {
            let x = random(n, seed: UInt64(n), scale: spread)
            let (portable, all) = both { () -> ([Scalar], Double, Scalar) in
                var row = x
                let (sum, maximum) = row.withUnsafeMutableBufferPointer { Kernels.softmaxRow($0.baseAddress!, count: n, scale: scale) }
                return (row, sum, maximum)
            }
            for (tier, native) in all {
                XCTAssertEqual(native.2, portable.2, "\(tier) maximum, n \(n)")
                XCTAssertEqual(native.1, portable.1, accuracy: 1e-6 * portable.1, "\(tier) sum, n \(n)")
                for j in 0 ..< n {
                    XCTAssertEqual(native.0[j], portable.0[j], accuracy: 1e-6 * max(portable.0[j], 1e-30), "\(tier) n \(n) j \(j)")
                }
            }
        }
    }

    /// Sparse Adam over rows: the C tiers and the portable path agree, untouched rows stay as they were.
    func testAdamRowsMatchesAcrossPaths() {
        let d = 37, n = 9
        let rows: [Int32] = [7, 2, 5]
        let start = random(n * d, seed: 31), g = random(rows.count * d, seed: 32)
        let (portable, all) = both { () -> [Scalar] in
            var p = start, m = random(n * d, seed: 33, scale: 0.1), v = random(n * d, seed: 34, scale: 0.1).map(abs)
            Kernels.adamRows(rows, dimensions: d, parameters: &p, gradients: g, firstMoment: &m, secondMoment: &v,
                             stepSize: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
            return p + m + v
        }
        for (tier, native) in all {
            for i in portable.indices { XCTAssertEqual(native[i], portable[i], accuracy: 1e-5, "\(tier) index \(i)") }
            for r in 0 ..< n where !rows.contains(Int32(r)) {
                XCTAssertEqual(Array(native[r * d ..< (r + 1) * d]), Array(start[r * d ..< (r + 1) * d]), "\(tier) row \(r) untouched")
            }
        }
    }
}
