import XCTest
import Tensor
#if canImport(Glibc)
import Glibc
#endif

final class ActivationTests: XCTestCase {
    func testTanhAndSigmoidMatchLibmToOneMillionth() {
        var worstTanh = 0.0, worstSigmoid = 0.0
        var x = -20.0
        while x <= 20 {
            let t = Double(Activations.tanh(Float(x)))
            worstTanh = max(worstTanh, abs(t - tanh(Double(Float(x)))))
            let s = Double(Activations.sigmoid(Float(x)))
            worstSigmoid = max(worstSigmoid, abs(s - 1 / (1 + exp(-Double(Float(x))))))
            x += 0.001
        }
        XCTAssertLessThan(worstTanh, 1e-6, "worst tanh error")
        XCTAssertLessThan(worstSigmoid, 1e-6, "worst sigmoid error")
    }

    func testTanhIsExactForTinyInputsAndOdd() {
        for x: Float in [1e-30, 1e-8, 3e-4, -2e-5] { XCTAssertEqual(Activations.tanh(x), x) }
        for x: Float in [0.1, 0.5, 1, 3, 7] { XCTAssertEqual(Activations.tanh(-x), -Activations.tanh(x)) }
    }

    func testSaturationIsFiniteAndBounded() {
        for x: Float in [-.infinity, -1e30, -88, 88, 1e30, .infinity, .greatestFiniteMagnitude] {
            let t = Activations.tanh(x), s = Activations.sigmoid(x)
            XCTAssertTrue(t.isFinite && abs(t) <= 1, "tanh(\(x)) = \(t)")
            XCTAssertTrue(s.isFinite && s >= 0 && s <= 1, "sigmoid(\(x)) = \(s)")
        }
        XCTAssertEqual(Activations.tanh(Float.infinity), 1)
        XCTAssertEqual(Activations.sigmoid(-Float.infinity), 0)
    }
}
