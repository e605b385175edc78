import XCTest
import RealModule

/// Asserts element-wise closeness and reports the worst index (llm.c's `check_tensor` style).
public func assertClose(
    _ actual: [Float], _ expected: [Float], absoluteTolerance: Double = 1e-5, relativeTolerance: Double = 1e-4,
    _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line
) {
    guard actual.count == expected.count else {
        XCTFail("count \(actual.count) != expected \(expected.count). \(message())", file: file, line: line)
        return
    }
    var worst = -1, worstDiff = -1.0, failures = 0
    for i in actual.indices {
        let a = Double(actual[i]), e = Double(expected[i])
        let ok = a.isApproximatelyEqual(to: e, absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance)
        if !ok { failures += 1 }
        let diff = abs(a - e)
        if !ok && (diff > worstDiff || !diff.isFinite) { worst = i; worstDiff = diff.isFinite ? diff : .infinity }
    }
    if failures > 0 {
        XCTFail("\(failures) of \(actual.count) values differ; worst index \(worst): actual \(actual[worst]), "
                + "expected \(expected[worst]). \(message())", file: file, line: line)
    }
}

/// Asserts a gradient check passed, printing its worst index otherwise.
public func assertGradientsMatch(
    _ result: GradientCheckResult, _ label: @autoclosure () -> String,
    file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertGreaterThan(result.checked, 0, "\(label()): nothing checked", file: file, line: line)
    XCTAssertTrue(result.passed, "\(label()): \(result)", file: file, line: line)
}
