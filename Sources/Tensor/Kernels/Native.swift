import CKernels

/// The C kernels (CKernels), one Swift wrapper each; the entry points in ``Kernels`` and
/// ``RecurrentKernels`` check extents and call these only when ``Kernels/implementation`` is
/// ``KernelImplementation/native``. Each C function runs the tier in ``level`` (AVX-512 or
/// AVX2 + FMA). Shapes and formulas are those of the portable versions (`Kernels/Portable`);
/// strides are in floats. Results agree with the portable versions to rounding (the C code uses
/// FMA), which `NativeKernelTests` checks for every tier the CPU has.
enum NativeKernels {
    /// The widest tier the CPU and OS support: 2 AVX-512, 1 AVX2 + FMA, 0 none (CKernels' own
    /// CPUID and XGETBV test, cached).
    static var cpuLevel: Int { Int(cv_kernels_cpu_level()) }

    /// Whether the CPU and OS can run some tier of these kernels.
    static var isSupported: Bool { cpuLevel > 0 }

    /// The tier the kernels run now: ``cpuLevel`` unless lowered by ``forceLevel(_:)``.
    static var level: Int { Int(cv_kernels_level()) }

    /// Caps the tier at `min(level, cpuLevel)`; -1 restores ``cpuLevel``. Process-wide.
    static func forceLevel(_ level: Int) { cv_kernels_force_level(Int32(level)) }

    /// `sums[j] += Σ_r x[r·ld + j]` for `j < columns`.
    @inline(__always)
    static func addColumnSums(rows: Int, columns: Int, ld: Int, _ x: UnsafePointer<Scalar>, into sums: UnsafeMutablePointer<Scalar>) {
        cv_add_column_sums(rows, columns, ld, x, sums)
    }

    /// `y[i] = tanh(x[i])` for `count` scalars; `x` may be `y`.
    @inline(__always)
    static func tanh(count: Int, _ x: UnsafePointer<Scalar>, _ y: UnsafeMutablePointer<Scalar>) {
        cv_tanh(count, x, y)
    }

    /// One Adam step over `count` scalars (see ``Kernels/adamStep(parameters:gradients:firstMoment:secondMoment:stepSize:beta1:beta2:epsilonHat:decay:twoThreads:)``).
    @inline(__always)
    static func adam(_ count: Int, _ p: UnsafeMutablePointer<Scalar>, _ g: UnsafePointer<Scalar>,
                     _ m: UnsafeMutablePointer<Scalar>, _ v: UnsafeMutablePointer<Scalar>, stepSize: Scalar,
                     beta1: Scalar, beta2: Scalar, epsilon: Scalar, decay: Scalar) {
        cv_adam_step(count, p, g, m, v, stepSize, beta1, beta2, epsilon, decay)
    }

    /// One softmax row in place; returns the sum (in Double) and stores the maximum.
    @inline(__always)
    static func softmaxRow(_ x: UnsafeMutablePointer<Scalar>, count: Int, scale: Scalar,
                           maximum: inout Scalar) -> Double {
        cv_softmax_row(count, x, scale, &maximum)
    }

    /// LSTM forward for one step over `rows` rows (see ``RecurrentKernels/lstmForward``).
    @inline(__always)
    static func lstmForward(rows: Int, H: Int, gates: UnsafeMutablePointer<Scalar>, cPrevious: UnsafePointer<Scalar>,
                            cell: UnsafeMutablePointer<Scalar>, tanhCell: UnsafeMutablePointer<Scalar>,
                            hidden: UnsafeMutablePointer<Scalar>, hiddenStride: Int) {
        cv_lstm_forward(rows, H, gates, cPrevious, cell, tanhCell, hidden, hiddenStride)
    }

    /// LSTM backward for one step (see ``RecurrentKernels/lstmBackward``).
    @inline(__always)
    static func lstmBackward(rows: Int, H: Int, gates: UnsafePointer<Scalar>, cPrevious: UnsafePointer<Scalar>,
                             tanhCell: UnsafePointer<Scalar>, dOutput: UnsafePointer<Scalar>, dOutputStride: Int,
                             dhCarry: UnsafePointer<Scalar>, dcCarry: UnsafeMutablePointer<Scalar>,
                             dGates: UnsafeMutablePointer<Scalar>) {
        cv_lstm_backward(rows, H, gates, cPrevious, tanhCell, dOutput, dOutputStride, dhCarry, dcCarry, dGates)
    }

    /// GRU forward for one step (see ``RecurrentKernels/gruForward``).
    @inline(__always)
    static func gruForward(rows: Int, H: Int, gates: UnsafeMutablePointer<Scalar>, recurrent: UnsafePointer<Scalar>,
                           hiddenBias: UnsafePointer<Scalar>, hPrevious: UnsafePointer<Scalar>,
                           recurrentNew: UnsafeMutablePointer<Scalar>, hidden: UnsafeMutablePointer<Scalar>,
                           hiddenStride: Int) {
        cv_gru_forward(rows, H, gates, recurrent, hiddenBias, hPrevious, recurrentNew, hidden, hiddenStride)
    }

    /// GRU backward for one step (see ``RecurrentKernels/gruBackward``).
    @inline(__always)
    static func gruBackward(rows: Int, H: Int, gates: UnsafePointer<Scalar>, recurrentNew: UnsafePointer<Scalar>,
                            hPrevious: UnsafePointer<Scalar>, dOutput: UnsafePointer<Scalar>, dOutputStride: Int,
                            dhCarry: UnsafeMutablePointer<Scalar>, dGatesInput: UnsafeMutablePointer<Scalar>,
                            dGatesRecurrent: UnsafeMutablePointer<Scalar>) {
        cv_gru_backward(rows, H, gates, recurrentNew, hPrevious, dOutput, dOutputStride, dhCarry, dGatesInput,
                        dGatesRecurrent)
    }
}
