import Tensor

/// Learning rate as a function of the (0-based) step.
public enum LearningRateSchedule: Sendable, Equatable, Codable {
    /// `base` throughout.
    case constant
    /// `base · factor^⌊step / every⌋`.
    case stepDecay(every: Int, factor: Scalar)
    /// `base · rate^step`.
    case exponential(rate: Scalar)
    /// Cosine annealing with warm restarts (SGDR, Loshchilov & Hutter 2017): periods of
    /// `period · multiplier^i` steps, each from `base` down to `minimum`.
    case cosineWarmRestarts(period: Int, multiplier: Int, minimum: Scalar)

    /// The learning rate for `step` given the base rate.
    public func learningRate(base: Scalar, step: Int) -> Scalar {
        precondition(step >= 0)
        switch self {
        case .constant:
            return base
        case let .stepDecay(every, factor):
            precondition(every > 0)
            return base * Scalar(_pow(Double(factor), Double(step / every)))
        case let .exponential(rate):
            return base * Scalar(_pow(Double(rate), Double(step)))
        case let .cosineWarmRestarts(period, multiplier, minimum):
            precondition(period > 0 && multiplier >= 1)
            var length = period, position = step
            while position >= length { position -= length; length *= multiplier }
            let progress = Double(position) / Double(length)
            return minimum + (base - minimum) * Scalar(0.5 * (1 + _cos(Double.pi * progress)))
        }
    }
}
