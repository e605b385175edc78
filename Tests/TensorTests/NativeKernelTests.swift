import XCTest
import TestSupport
@testable import Tensor
#if canImport(Glibc)
import Glibc
#endif

/// The AVX-512 C kernels against the portable SIMD8 Swift kernels they replace, on the same inputs:
/// row tails (H = 7, 50), several rows, strided outputs. Their formulas are the same; only FMA
/// rounding differs. (The gradient checks elsewhere run whichever path this machine selects.)
final class NativeKernelTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(KernelImplementation.native.isAvailable, "this CPU lacks AVX-512: the portable kernels are the only path")
    }

    /// Runs `body` once on the portable path and once on the native path; returns both results.
    func both<T>(_ body: () -> T) -> (portable: T, native: T) {
        let portable = Kernels.withImplementation(.portable, body)
        return (portable, Kernels.withImplementation(.native, body))
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
        for h in [7, 50, 64] {
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
            for (i, name) in ["gates", "cell", "tanhCell", "hidden (stride untouched)", "dcCarry", "dGates"].enumerated() {
                assertClose(r.portable[i], r.native[i], "H=\(h) \(name)")
            }
        }
    }

    func testGRUForwardAndBackwardMatchPortable() {
        for h in [7, 50, 64] {
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
            for (i, name) in ["gates", "recurrentNew", "hidden", "dhCarry", "dGatesInput", "dGatesRecurrent"].enumerated() {
                assertClose(r.portable[i], r.native[i], "H=\(h) \(name)")
            }
        }
    }

    func testAdamColumnSumsAndTanhMatchPortable() {
        let n = 1000 + 13
        let p0 = random(n, seed: 21), g = random(n, seed: 22), m0 = random(n, seed: 23, scale: 0.1)
        let v0 = random(n, seed: 24, scale: 0.1).map { abs($0) }
        let adam = both { () -> [[Scalar]] in
            var p = p0, m = m0, v = v0
            Kernels.adamStep(parameters: &p, gradients: g, firstMoment: &m, secondMoment: &v, stepSize: 1e-3,
                             beta1: 0.9, beta2: 0.999, epsilonHat: 1e-8, decay: 1e-4)
            return [p, m, v]
        }
        for i in 0..<3 { assertClose(adam.portable[i], adam.native[i], "Adam buffer \(i)") }

        let x = random(37 * 150, seed: 25)
        let sums = both { () -> [Scalar] in
            var s = random(150 + 3, seed: 26)
            Kernels.addColumnSums(x, 2, rows: 36, columns: 147, ld: 150, into: &s, 3)
            return s
        }
        assertClose(sums.portable, sums.native, "column sums")

        let t = both { () -> [Scalar] in
            var y = random(77, seed: 27, scale: 12) + [.infinity, -.infinity, 1e-30, -3e-4, 0, 1e30]
            Kernels.tanhInPlace(&y, 1, count: y.count - 1)
            return y
        }
        assertClose(t.portable, t.native, "tanh")
    }

    func testNativeTanhPropagatesNaN() {
        Kernels.withImplementation(.native) {
            var y: [Scalar] = [.nan, 1, .nan]
            Kernels.tanhInPlace(&y, 0, count: 3)
            XCTAssertTrue(y[0].isNaN && y[2].isNaN, "NaN must reach the non-finite guard, not turn into ±1")
            XCTAssertEqual(y[1], Scalar(tanh(1.0)), accuracy: 1e-6)
        }
    }

    /// The softmax row: sum, maximum and every exponential within 1e-6 relative of expf, over
    /// row tails, large negative spreads (underflow to 0) and a small temperature.
    func testSoftmaxRowMatchesExpf() {
        for (n, spread, scale) in [(1, Float(1), Float(1)), (17, 1, 20), (1000, 1, 20), (333, 100, 1000), (64, 0.5, 0.01)] {
            let x = random(n, seed: UInt64(n), scale: spread)
            let (portable, native) = both { () -> ([Scalar], Double, Scalar) in
                var row = x
                let (sum, maximum) = row.withUnsafeMutableBufferPointer { Kernels.softmaxRow($0.baseAddress!, count: n, scale: scale) }
                return (row, sum, maximum)
            }
            XCTAssertEqual(native.2, portable.2, "maximum, n \(n)")
            XCTAssertEqual(native.1, portable.1, accuracy: 1e-6 * portable.1, "sum, n \(n)")
            for j in 0 ..< n {
                XCTAssertEqual(native.0[j], portable.0[j], accuracy: 1e-6 * max(portable.0[j], 1e-30), "n \(n) j \(j)")
            }
        }
    }

    /// Sparse Adam over rows: the AVX-512 and portable paths agree, untouched rows stay as they were.
    func testAdamRowsMatchesAcrossPaths() {
        let d = 37, n = 9
        let rows: [Int32] = [7, 2, 5]
        let start = random(n * d, seed: 31), g = random(rows.count * d, seed: 32)
        let (portable, native) = both { () -> [Scalar] in
            var p = start, m = random(n * d, seed: 33, scale: 0.1), v = random(n * d, seed: 34, scale: 0.1).map(abs)
            Kernels.adamRows(rows, dimensions: d, parameters: &p, gradients: g, firstMoment: &m, secondMoment: &v,
                             stepSize: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
            return p + m + v
        }
        for i in portable.indices { XCTAssertEqual(native[i], portable[i], accuracy: 1e-5, "index \(i)") }
        for r in 0 ..< n where !rows.contains(Int32(r)) {
            XCTAssertEqual(Array(native[r * d ..< (r + 1) * d]), Array(start[r * d ..< (r + 1) * d]), "row \(r) untouched")
        }
    }
}
