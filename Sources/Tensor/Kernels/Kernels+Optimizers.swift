import CharvecRuntime

extension Kernels {
    /// One bias-corrected Adam step over `count` scalars (Kingma & Ba 2015, Algorithm 1):
    ///
    /// ```
    /// m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
    /// θ ← θ − stepSize · m / (√v + ε̂)   with stepSize = lr·√(1−β2ᵗ)/(1−β1ᵗ), ε̂ = ε·√(1−β2ᵗ)
    /// ```
    /// (the ε̂ form equals `lr · m̂ / (√v̂ + ε)` exactly). `weightDecay` adds decoupled decay
    /// `θ ← θ − lr·λ·θ` (AdamW); 0 disables it.
    /// With `twoThreads`, the C kernel path updates large buffers in two halves on ``SpinTeam/shared``.
    public static func adamStep(parameters: inout [Scalar], gradients: [Scalar], firstMoment m: inout [Scalar],
                                secondMoment v: inout [Scalar], stepSize: Scalar, beta1: Scalar, beta2: Scalar,
                                epsilonHat: Scalar, decay: Scalar, twoThreads: Bool = false) {
        let count = parameters.count
        precondition(gradients.count == count && m.count == count && v.count == count, "Adam buffers differ in size")
        parameters.withUnsafeMutableBufferPointer { pp in
            gradients.withUnsafeBufferPointer { pg in
                m.withUnsafeMutableBufferPointer { pm in
                    v.withUnsafeMutableBufferPointer { pv in
                        if _native {
                            let p = _UncheckedSendable((pp.baseAddress!, pg.baseAddress!, pm.baseAddress!, pv.baseAddress!))
                            func half(_ part: Int, of parts: Int) {
                                let (a, b, c, d) = p.value
                                let start = (count / parts * part) & ~15, end = part == parts - 1 ? count : (count / parts * (part + 1)) & ~15
                                NativeKernels.adam(end - start, a + start, b + start, c + start, d + start, stepSize: stepSize,
                                                   beta1: beta1, beta2: beta2, epsilon: epsilonHat, decay: decay)
                            }
                            if twoThreads && count >= 1 << 16 { SpinTeam.shared.run { half($0, of: 2) } } else { half(0, of: 1) }
                            return
                        }
                        PortableKernels.adam(count, pp.baseAddress!, pg.baseAddress!, pm.baseAddress!, pv.baseAddress!,
                                             stepSize: stepSize, beta1: beta1, beta2: beta2, epsilon: epsilonHat, decay: decay)
                    }
                }
            }
        }
    }

    /// One SGD-with-momentum step: `u ← μ·u + g; θ ← θ − lr·u` (PyTorch's form).
    public static func momentumStep(parameters: inout [Scalar], gradients: [Scalar], velocity: inout [Scalar],
                                    learningRate: Scalar, momentum: Scalar) {
        let count = parameters.count
        precondition(gradients.count == count && velocity.count == count, "SGD buffers differ in size")
        parameters.withUnsafeMutableBufferPointer { pp in
            gradients.withUnsafeBufferPointer { pg in
                velocity.withUnsafeMutableBufferPointer { pu in
                    PortableKernels.momentum(count: count, pp.baseAddress!, pg.baseAddress!, pu.baseAddress!,
                                             learningRate: learningRate, momentum: momentum)
                }
            }
        }
    }

    /// Sparse Adam over whole rows (PyTorch's `SparseAdam` form): for each `k`, table row
    /// `rows[k]` of `parameters`, `m`, `v` (`[N × d]`) steps with gradient row `k` of `gradients`
    /// (`[rows.count × d]`): `m ← β1·m + (1−β1)·g`, `v ← β2·v + (1−β2)·g²`,
    /// `θ ← θ − stepSize · m / (√v + ε)`. Rows must be distinct. - Complexity: O(rows × d).
    /// With `twoThreads` the rows are split in two halves on ``SpinTeam/shared`` (rows are distinct,
    /// so the halves touch disjoint memory).
    public static func adamRows(_ rows: [Int32], dimensions d: Int, parameters: inout [Scalar], gradients: [Scalar],
                                firstMoment m: inout [Scalar], secondMoment v: inout [Scalar], stepSize: Scalar,
                                beta1: Scalar, beta2: Scalar, epsilon: Scalar, twoThreads: Bool = false) {
        precondition(gradients.count >= rows.count * d && m.count == parameters.count && v.count == parameters.count,
                     "sparse Adam buffers differ in size")
        precondition(rows.allSatisfy { $0 >= 0 && (Int($0) + 1) * d <= parameters.count }, "row outside the table")
        parameters.withUnsafeMutableBufferPointer { pp in
            gradients.withUnsafeBufferPointer { pg in
                m.withUnsafeMutableBufferPointer { pm in
                    v.withUnsafeMutableBufferPointer { pv in
                        let p = _UncheckedSendable((pp.baseAddress!, pg.baseAddress!, pm.baseAddress!, pv.baseAddress!))
                        let native = _native
                        func part(_ index: Int, of parts: Int) {
                            let (pp, pg, pm, pv) = p.value
                            for k in rows.count * index / parts ..< rows.count * (index + 1) / parts {
                                let base = Int(rows[k]) * d
                                let p = pp + base, g = pg + k * d, mp = pm + base, vp = pv + base
                                if native {
                                    NativeKernels.adam(d, p, g, mp, vp, stepSize: stepSize, beta1: beta1, beta2: beta2,
                                                       epsilon: epsilon, decay: 0)
                                } else {
                                    PortableKernels.adam(d, p, g, mp, vp, stepSize: stepSize, beta1: beta1, beta2: beta2,
                                                         epsilon: epsilon, decay: 0)
                                }
                            }
                        }
                        if twoThreads && rows.count * d >= 1 << 14 { SpinTeam.shared.run { part($0, of: 2) } } else { part(0, of: 1) }
                    }
                }
            }
        }
    }
}
