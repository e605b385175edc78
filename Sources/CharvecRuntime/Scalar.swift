/// The one floating-point type of every table, model and kernel (fastText's `real`).
public typealias Scalar = Float
