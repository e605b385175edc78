import Tensor

/// Gradient clipping by global norm (Pascanu et al. 2013; PyTorch's `clip_grad_norm_`).
public enum GradientClipping {
    /// Scales all gradients by `maxNorm / ‖g‖` when the global norm `‖g‖` exceeds `maxNorm`.
    ///
    /// - Returns: the norm before clipping. A non-finite norm leaves the gradients untouched
    ///   (the ``NonFiniteGuard`` reports it; scaling would only spread the NaN).
    /// - Complexity: two passes over the gradients.
    @discardableResult
    public static func clipByGlobalNorm(_ gradients: inout some ParameterSet, maxNorm: Double) -> Double {
        let norm = gradients.globalNorm
        clip(&gradients, globalNorm: norm, maxNorm: maxNorm)
        return norm
    }

    /// The same with the global norm already computed (``ParameterSet/globalNorm``), so a trainer
    /// that also hands it to ``NonFiniteGuard/check(_:globalNorm:source:)`` reads the gradients once.
    /// - Complexity: one pass when clipping, none otherwise.
    public static func clip(_ gradients: inout some ParameterSet, globalNorm norm: Double, maxNorm: Double) {
        precondition(maxNorm > 0, "max norm must be positive (got \(maxNorm))")
        if norm.isFinite, norm > maxNorm {
            Kernels.scale(&gradients.values, 0, count: gradients.values.count, by: Scalar(maxNorm / (norm + 1e-6)))
        }
    }
}
