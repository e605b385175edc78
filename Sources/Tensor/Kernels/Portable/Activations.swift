/// Fast tanh and sigmoid on `SIMD8<Float>`, safe for every finite and infinite input.
///
/// tanh uses the odd rational approximation `x · P(x²) / Q(x²)` (degree 13/6) with the
/// coefficients of Eigen's `ptanh_float`; its error is a few ulp (≤ 1e-6 relative on the
/// whole line, checked against libm in `ActivationTests`). The input is clamped to ±7.905,
/// beyond which `tanh` rounds to ±1 in Float, so no intermediate overflows.
/// `sigmoid(x) = ½ + ½·tanh(x/2)`, so it saturates to exactly 0 and 1 without `exp`.
public enum Activations {
    public typealias Vector = SIMD8<Float>

    @usableFromInline static let _clamp: Float = 7.905_311_107_635_498
    @usableFromInline static let _a1: Float = 4.893_524_558_917_86e-03
    @usableFromInline static let _a3: Float = 6.372_619_288_754_36e-04
    @usableFromInline static let _a5: Float = 1.485_722_357_179_79e-05
    @usableFromInline static let _a7: Float = 5.122_297_090_371_14e-08
    @usableFromInline static let _a9: Float = -8.604_671_522_137_35e-11
    @usableFromInline static let _a11: Float = 2.000_187_904_824_77e-13
    @usableFromInline static let _a13: Float = -2.760_768_477_423_55e-16
    @usableFromInline static let _b0: Float = 4.893_525_185_543_85e-03
    @usableFromInline static let _b2: Float = 2.268_434_632_439_00e-03
    @usableFromInline static let _b4: Float = 1.185_347_056_866_54e-04
    @usableFromInline static let _b6: Float = 1.198_258_394_667_02e-06

    /// Element-wise tanh. - Complexity: ~20 flops per lane.
    @inlinable @inline(__always)
    public static func tanh(_ x: Vector) -> Vector {
        // Clamp with explicit masks: the generic `clamped` is not specialised across modules.
        let c = Vector(repeating: _clamp)
        let xc = x.replacing(with: c, where: x .> c).replacing(with: -c, where: x .< -c)
        let x2 = xc * xc
        var p = Vector(repeating: _a13)
        p = p * x2 + _a11
        p = p * x2 + _a9
        p = p * x2 + _a7
        p = p * x2 + _a5
        p = p * x2 + _a3
        p = p * x2 + _a1
        p = p * xc
        var q = Vector(repeating: _b6)
        q = q * x2 + _b4
        q = q * x2 + _b2
        q = q * x2 + _b0
        let one = Vector(repeating: 1)
        let ratio = p / q
        let y = ratio.replacing(with: one, where: ratio .> one).replacing(with: -one, where: ratio .< -one)
        // Below 4e-4, tanh(x) == x in Float; keeps tiny inputs exact.
        return y.replacing(with: xc, where: xc .* xc .< Vector(repeating: 1.6e-7))
    }

    /// Element-wise logistic sigmoid `1 / (1 + e^(-x))`.
    @inlinable @inline(__always)
    public static func sigmoid(_ x: Vector) -> Vector {
        let half = Vector(repeating: 0.5)
        return half + half * tanh(half * x)
    }

    /// Scalar tanh with the same approximation (for reference code and tests).
    public static func tanh(_ x: Float) -> Float { tanh(Vector(repeating: x))[0] }

    /// Scalar sigmoid with the same approximation.
    public static func sigmoid(_ x: Float) -> Float { sigmoid(Vector(repeating: x))[0] }
}

extension SIMD8 where Scalar == Float {
    /// Element-wise product (`.*` reads better next to the comparison operators).
    @inlinable @inline(__always)
    static func .* (lhs: Self, rhs: Self) -> Self { lhs * rhs }
}

infix operator .* : MultiplicationPrecedence
