import Tensor

/// Two-layer perceptron `y = tanh(x·W1 + b1)·W2 + b2`.
///
/// Shapes: x `[rows × in]`, hidden `[rows × hiddenDimensions]`, y `[rows × out]`.
public struct MLP: Sendable {
    public let hidden: Linear
    public let output: Linear

    /// Declares `"<name>.hidden.*"` and `"<name>.output.*"`.
    public init(inputDimensions: Int, hiddenDimensions: Int, outputDimensions: Int, name: String,
                layout: inout ParameterLayout) {
        hidden = Linear(inputDimensions: inputDimensions, outputDimensions: hiddenDimensions,
                        name: "\(name).hidden", layout: &layout)
        output = Linear(inputDimensions: hiddenDimensions, outputDimensions: outputDimensions,
                        name: "\(name).output", layout: &layout)
    }

    public func initialize(_ p: inout some ParameterSet, rng: inout SplitMix64, scheme: InitializationScheme = .xavier) {
        hidden.initialize(&p, rng: &rng, scheme: scheme)
        output.initialize(&p, rng: &rng, scheme: scheme)
    }

    /// Forward pass; caches the tanh activations in `cache.hidden` and the output in `cache.output`.
    public func forward(_ x: [Scalar], rows: Int, parameters: some ParameterSet, cache: MLPCache) {
        cache._prepare(rows: rows, self)
        hidden.forward(x, rows: rows, parameters: parameters, into: &cache.hidden)
        Kernels.tanhInPlace(&cache.hidden, 0, count: rows * hidden.outputDimensions)
        output.forward(cache.hidden, rows: rows, parameters: parameters, into: &cache.output)
    }

    /// Backward pass for `dOutput [rows × out]`: accumulates gradients and writes `dInput [rows × in]`.
    public func backward(dOutput: [Scalar], input x: [Scalar], rows: Int, parameters: some ParameterSet,
                         cache: MLPCache, gradients: inout some ParameterSet, dInput: inout [Scalar]) {
        output.backwardParameters(input: cache.hidden, rows: rows, dOutput: dOutput, gradients: &gradients)
        output.backwardInput(rows: rows, dOutput: dOutput, parameters: parameters, into: &cache.dHidden)
        Kernels.tanhBackward(output: cache.hidden, &cache.dHidden, count: rows * hidden.outputDimensions)
        hidden.backwardParameters(input: x, rows: rows, dOutput: cache.dHidden, gradients: &gradients)
        if dInput.count < rows * hidden.inputDimensions { dInput = [Scalar](repeating: 0, count: rows * hidden.inputDimensions) }
        hidden.backwardInput(rows: rows, dOutput: cache.dHidden, parameters: parameters, into: &dInput)
    }
}

/// Workspace of an ``MLP``: `hidden`, `dHidden` `[rows × hiddenDimensions]`, `output` `[rows × out]`.
public final class MLPCache {
    public internal(set) var hidden: [Scalar] = []
    public internal(set) var output: [Scalar] = []
    var dHidden: [Scalar] = []
    public init() {}

    func _prepare(rows: Int, _ mlp: MLP) {
        let m = rows * mlp.hidden.outputDimensions, o = rows * mlp.output.outputDimensions
        if hidden.count < m { hidden = [Scalar](repeating: 0, count: m); dHidden = hidden }
        if output.count < o { output = [Scalar](repeating: 0, count: o) }
    }
}
