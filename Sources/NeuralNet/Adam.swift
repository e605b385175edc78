import Tensor

/// A first-order optimiser stepping a ``ParameterSet`` with gradients of the same layout.
public protocol Optimizer {
    /// Step size used by the next ``update(_:gradients:)`` (schedules set it each step).
    var learningRate: Scalar { get set }
    /// Applies one step. Gradients are only read: check them with ``NonFiniteGuard`` first.
    mutating func update<P: ParameterSet>(_ parameters: inout P, gradients: P)
}

/// Adam with bias correction always applied (Kingma & Ba 2015, Algorithm 1; as llm.c, unlike
/// mlx-swift's default), optional decoupled weight decay (AdamW, Loshchilov & Hutter 2019).
///
/// State for checkpoints: ``step``, ``firstMoment``, ``secondMoment`` (flat, parameter layout).
/// - Complexity: O(parameter count) per step, one SIMD pass.
public struct Adam: Optimizer, Sendable {
    public var learningRate: Scalar
    public var beta1: Scalar
    public var beta2: Scalar
    public var epsilon: Scalar
    public var weightDecay: Scalar
    /// Steps taken so far (t in the bias corrections).
    public private(set) var step: Int
    public private(set) var firstMoment: [Scalar]
    public private(set) var secondMoment: [Scalar]

    public init(parameterCount: Int, learningRate: Scalar = 1e-3, beta1: Scalar = 0.9, beta2: Scalar = 0.999,
                epsilon: Scalar = 1e-8, weightDecay: Scalar = 0) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        step = 0
        firstMoment = [Scalar](repeating: 0, count: parameterCount)
        secondMoment = firstMoment
    }

    /// Restores saved state (e.g. from a checkpoint); moment counts must match.
    public init(learningRate: Scalar, beta1: Scalar = 0.9, beta2: Scalar = 0.999, epsilon: Scalar = 1e-8,
                weightDecay: Scalar = 0, step: Int, firstMoment: [Scalar], secondMoment: [Scalar]) {
        precondition(firstMoment.count == secondMoment.count, "moment buffers differ in size")
        precondition(step >= 0)
        self.init(parameterCount: 0, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                  weightDecay: weightDecay)
        self.step = step
        self.firstMoment = firstMoment
        self.secondMoment = secondMoment
    }

    public mutating func update<P: ParameterSet>(_ parameters: inout P, gradients: P) {
        update(&parameters, gradients: gradients, twoThreads: false)
    }

    /// The same step; with `twoThreads`, large parameter sets are updated in two halves at once
    /// (each scalar's update is independent, so the result is the same).
    public mutating func update<P: ParameterSet>(_ parameters: inout P, gradients: P, twoThreads: Bool) {
        precondition(parameters.values.count == firstMoment.count,
                     "Adam state has \(firstMoment.count) scalars, parameters \(parameters.values.count)")
        step += 1
        let t = Double(step)
        let c1 = 1 - _pow(Double(beta1), t), c2 = 1 - _pow(Double(beta2), t)
        Kernels.adamStep(parameters: &parameters.values, gradients: gradients.values, firstMoment: &firstMoment,
                         secondMoment: &secondMoment, stepSize: Scalar(Double(learningRate) * c2.squareRoot() / c1),
                         beta1: beta1, beta2: beta2, epsilonHat: Scalar(Double(epsilon) * c2.squareRoot()),
                         decay: learningRate * weightDecay, twoThreads: twoThreads)
    }
}

/// SGD with momentum (`u ← μu + g; θ ← θ − lr·u`, PyTorch's form); momentum 0 is plain SGD.
public struct SGD: Optimizer, Sendable {
    public var learningRate: Scalar
    public var momentum: Scalar
    public private(set) var velocity: [Scalar]

    public init(parameterCount: Int, learningRate: Scalar, momentum: Scalar = 0.9, velocity: [Scalar]? = nil) {
        precondition(velocity.map { $0.count == parameterCount } ?? true, "velocity size differs")
        self.learningRate = learningRate
        self.momentum = momentum
        self.velocity = velocity ?? [Scalar](repeating: 0, count: parameterCount)
    }

    public mutating func update<P: ParameterSet>(_ parameters: inout P, gradients: P) {
        Kernels.momentumStep(parameters: &parameters.values, gradients: gradients.values, velocity: &velocity,
                             learningRate: learningRate, momentum: momentum)
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) func _pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
@inline(__always) func _cos(_ x: Double) -> Double { Glibc.cos(x) }
#else
import Darwin
@inline(__always) func _pow(_ x: Double, _ y: Double) -> Double { Darwin.pow(x, y) }
@inline(__always) func _cos(_ x: Double) -> Double { Darwin.cos(x) }
#endif
