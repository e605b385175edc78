import Tensor

/// A fully connected layer `y = x·W + b`.
///
/// Shapes: x `[rows × in]`, W `[in × out]`, b `[out]`, y `[rows × out]` (row-major).
/// The layer stores only where its tensors live in a ``ParameterLayout``.
public struct Linear: Sendable {
    public let inputDimensions: Int
    public let outputDimensions: Int
    public let weight: ParameterLayout.Entry
    public let bias: ParameterLayout.Entry?

    /// Declares `"<name>.weight"` (and `"<name>.bias"`) in `layout`.
    public init(inputDimensions: Int, outputDimensions: Int, bias: Bool = true, name: String,
                layout: inout ParameterLayout) {
        self.inputDimensions = inputDimensions
        self.outputDimensions = outputDimensions
        weight = layout.add("\(name).weight", rows: inputDimensions, columns: outputDimensions)
        self.bias = bias ? layout.add("\(name).bias", rows: 1, columns: outputDimensions) : nil
    }

    /// Xavier-uniform weights and zero bias, or (PyTorch) weights and bias `U(±1/√in)`.
    public func initialize(_ p: inout some ParameterSet, rng: inout SplitMix64, scheme: InitializationScheme = .xavier) {
        switch scheme {
        case .xavier:
            Initialization.xavierUniform(&p, weight, fanIn: inputDimensions, fanOut: outputDimensions, rng: &rng)
            if let bias { Initialization.fill(&p, bias, value: 0) }
        case .pytorch:
            let bound = 1 / Scalar(inputDimensions).squareRoot()
            Initialization.uniform(&p, weight, bound: bound, rng: &rng)
            if let bias { Initialization.uniform(&p, bias, bound: bound, rng: &rng) }
        }
    }

    /// `y[0 ..< rows·out] = x·W + b`. - Complexity: 2·rows·in·out flops.
    public func forward(_ x: [Scalar], rows: Int, parameters: some ParameterSet, into y: inout [Scalar]) {
        if let bias {
            Kernels.broadcastRows(parameters.values, bias.offset, into: &y, 0, rows: rows,
                                  columns: outputDimensions, ld: outputDimensions)
        }
        BLAS.gemm(m: rows, n: outputDimensions, k: inputDimensions,
                  x, 0, lda: inputDimensions, parameters.values, weight.offset, ldb: outputDimensions,
                  beta: bias == nil ? 0 : 1, &y, 0, ldc: outputDimensions)
    }

    /// Accumulates `dW += xᵀ·dy`, `db += Σ_rows dy` into `gradients`.
    public func backwardParameters(input x: [Scalar], rows: Int, dOutput dy: [Scalar],
                                   gradients: inout some ParameterSet) {
        BLAS.gemm(transposeA: true, m: inputDimensions, n: outputDimensions, k: rows,
                  x, 0, lda: inputDimensions, dy, 0, ldb: outputDimensions,
                  beta: 1, &gradients.values, weight.offset, ldc: outputDimensions)
        if let bias {
            Kernels.addColumnSums(dy, 0, rows: rows, columns: outputDimensions, ld: outputDimensions,
                                  into: &gradients.values, bias.offset)
        }
    }

    /// `dx[0 ..< rows·in] = dy·Wᵀ` (overwrites).
    public func backwardInput(rows: Int, dOutput dy: [Scalar], parameters: some ParameterSet,
                              into dx: inout [Scalar]) {
        BLAS.gemm(transposeB: true, m: rows, n: inputDimensions, k: outputDimensions,
                  dy, 0, lda: outputDimensions, parameters.values, weight.offset, ldb: outputDimensions,
                  beta: 0, &dx, 0, ldc: inputDimensions)
    }
}
