/// Fused per-timestep gate kernels for LSTM and GRU over a block of `rows` sequences.
///
/// Notation (llm.c style): `H` hidden size; LSTM gates per row are `[i f g o]` (4H, PyTorch
/// order), GRU gates `[r z n]` (3H). Each buffer is addressed by `(array, offset)` and, where
/// noted, a row stride; other row strides are the natural width (H, 3H, 4H). The recurrent GEMM
/// (`h·Wh`) is done by the caller through ``BLAS``; these kernels do the rest in one pass.
/// Each entry checks extents, then runs ``PortableKernels`` or ``NativeKernels`` as
/// ``Kernels/implementation`` says.
/// Nonlinearities are ``Activations`` (saturating, never NaN for finite input).
public enum RecurrentKernels {
    /// LSTM forward: gate pre-activations → activations (in place), then
    /// `c = f⊙c₋ + i⊙g`, `h = o⊙tanh(c)`.
    ///
    /// - Parameters:
    ///   - gates: `rows × 4H` pre-activations at `gatesOffset`; overwritten with `[σ(i) σ(f) tanh(g) σ(o)]`.
    ///   - cPrevious: `rows × H` previous cell states (zeros for a sequence's first step).
    ///   - cell, tanhCell: `rows × H` outputs `c` and `tanh(c)` (cached for backward).
    ///   - hidden: `rows × H` output `h`, row stride `hiddenStride` (lets both directions share one buffer).
    /// - Complexity: O(rows · H), ~100 flops per unit.
    public static func lstmForward(
        rows: Int, hiddenSize H: Int,
        gates: inout [Scalar], _ gatesOffset: Int,
        cPrevious: [Scalar], _ cPreviousOffset: Int,
        cell: inout [Scalar], _ cellOffset: Int,
        tanhCell: inout [Scalar], _ tanhCellOffset: Int,
        hidden: inout [Scalar], _ hiddenOffset: Int, hiddenStride: Int
    ) {
        if rows == 0 { return }
        Kernels._check(gates.count, gatesOffset, rows * 4 * H, "gates")
        Kernels._check(cPrevious.count, cPreviousOffset, rows * H, "cPrevious")
        Kernels._check(cell.count, cellOffset, rows * H, "cell")
        Kernels._check(tanhCell.count, tanhCellOffset, rows * H, "tanhCell")
        Kernels._check(hidden.count, hiddenOffset, (rows - 1) * hiddenStride + H, "hidden")
        gates.withUnsafeMutableBufferPointer { pg in
        cPrevious.withUnsafeBufferPointer { pcp in
        cell.withUnsafeMutableBufferPointer { pc in
        tanhCell.withUnsafeMutableBufferPointer { ptc in
        hidden.withUnsafeMutableBufferPointer { ph in
            let g = pg.baseAddress! + gatesOffset, cp = pcp.baseAddress! + cPreviousOffset
            let c = pc.baseAddress! + cellOffset, tc = ptc.baseAddress! + tanhCellOffset, h = ph.baseAddress! + hiddenOffset
            if Kernels._native {
                NativeKernels.lstmForward(rows: rows, H: H, gates: g, cPrevious: cp, cell: c, tanhCell: tc, hidden: h,
                                          hiddenStride: hiddenStride)
            } else {
                PortableKernels.lstmForward(rows: rows, H: H, gates: g, cPrevious: cp, cell: c, tanhCell: tc, hidden: h,
                                            hiddenStride: hiddenStride)
            }
        }}}}}
    }

    /// LSTM backward for one step.
    ///
    /// `dh = dhCarry + dOutput`; `dc = dcCarry + dh⊙o⊙(1−tanh²c)`; writes the gate
    /// pre-activation gradients `dGates` (`rows × 4H`) and replaces `dcCarry` by `dc⊙f`
    /// (the gradient for the previous cell state). The caller adds `dGates·Whᵀ` for `dh₋`.
    /// - Parameters:
    ///   - gates: `rows × 4H` activations cached by ``lstmForward``.
    ///   - dOutput: `rows × H` gradient arriving from above, row stride `dOutputStride`.
    ///   - dhCarry: `rows × H` recurrent gradient from the next step (read only).
    ///   - dcCarry: `rows × H` in: recurrent cell gradient; out: gradient for the previous cell.
    public static func lstmBackward(
        rows: Int, hiddenSize H: Int,
        gates: [Scalar], _ gatesOffset: Int,
        cPrevious: [Scalar], _ cPreviousOffset: Int,
        tanhCell: [Scalar], _ tanhCellOffset: Int,
        dOutput: [Scalar], _ dOutputOffset: Int, dOutputStride: Int,
        dhCarry: [Scalar], dcCarry: inout [Scalar],
        dGates: inout [Scalar], _ dGatesOffset: Int
    ) {
        if rows == 0 { return }
        Kernels._check(gates.count, gatesOffset, rows * 4 * H, "gates")
        Kernels._check(cPrevious.count, cPreviousOffset, rows * H, "cPrevious")
        Kernels._check(tanhCell.count, tanhCellOffset, rows * H, "tanhCell")
        Kernels._check(dOutput.count, dOutputOffset, (rows - 1) * dOutputStride + H, "dOutput")
        Kernels._check(dhCarry.count, 0, rows * H, "dhCarry")
        Kernels._check(dcCarry.count, 0, rows * H, "dcCarry")
        Kernels._check(dGates.count, dGatesOffset, rows * 4 * H, "dGates")
        gates.withUnsafeBufferPointer { pg in
        cPrevious.withUnsafeBufferPointer { pcp in
        tanhCell.withUnsafeBufferPointer { ptc in
        dOutput.withUnsafeBufferPointer { pdy in
        dhCarry.withUnsafeBufferPointer { pdh in
        dcCarry.withUnsafeMutableBufferPointer { pdc in
        dGates.withUnsafeMutableBufferPointer { pdg in
            let g = pg.baseAddress! + gatesOffset, cp = pcp.baseAddress! + cPreviousOffset
            let tc = ptc.baseAddress! + tanhCellOffset, dy = pdy.baseAddress! + dOutputOffset
            let dg = pdg.baseAddress! + dGatesOffset
            if Kernels._native {
                NativeKernels.lstmBackward(rows: rows, H: H, gates: g, cPrevious: cp, tanhCell: tc, dOutput: dy,
                                           dOutputStride: dOutputStride, dhCarry: pdh.baseAddress!, dcCarry: pdc.baseAddress!,
                                           dGates: dg)
            } else {
                PortableKernels.lstmBackward(rows: rows, H: H, gates: g, cPrevious: cp, tanhCell: tc, dOutput: dy,
                                             dOutputStride: dOutputStride, dhCarry: pdh.baseAddress!, dcCarry: pdc.baseAddress!,
                                             dGates: dg)
            }
        }}}}}}}
    }

    /// GRU forward (PyTorch's formulation):
    ///
    /// ```
    /// r = σ(xWr + bxr + hWr)   z = σ(xWz + bxz + hWz)
    /// n = tanh(xWn + bxn + r ⊙ (hWn + bhn))      h' = (1 − z) ⊙ n + z ⊙ h
    /// ```
    /// - Parameters:
    ///   - gates: `rows × 3H` input projections `xWx + bx` at `gatesOffset`; overwritten with `[r z n]`.
    ///   - recurrent: `rows × 3H` products `h·Wh` (zeros for a sequence's first step).
    ///   - hiddenBias: the `H` values `bhn`.
    ///   - hPrevious: `rows × H` previous states.
    ///   - recurrentNew: `rows × H` output `hWn + bhn` (cached for backward).
    ///   - hidden: `rows × H` output, row stride `hiddenStride`.
    public static func gruForward(
        rows: Int, hiddenSize H: Int,
        gates: inout [Scalar], _ gatesOffset: Int,
        recurrent: [Scalar],
        hiddenBias: [Scalar], _ hiddenBiasOffset: Int,
        hPrevious: [Scalar], _ hPreviousOffset: Int,
        recurrentNew: inout [Scalar], _ recurrentNewOffset: Int,
        hidden: inout [Scalar], _ hiddenOffset: Int, hiddenStride: Int
    ) {
        if rows == 0 { return }
        Kernels._check(gates.count, gatesOffset, rows * 3 * H, "gates")
        Kernels._check(recurrent.count, 0, rows * 3 * H, "recurrent")
        Kernels._check(hiddenBias.count, hiddenBiasOffset, H, "hiddenBias")
        Kernels._check(hPrevious.count, hPreviousOffset, rows * H, "hPrevious")
        Kernels._check(recurrentNew.count, recurrentNewOffset, rows * H, "recurrentNew")
        Kernels._check(hidden.count, hiddenOffset, (rows - 1) * hiddenStride + H, "hidden")
        gates.withUnsafeMutableBufferPointer { pg in
        recurrent.withUnsafeBufferPointer { prc in
        hiddenBias.withUnsafeBufferPointer { pb in
        hPrevious.withUnsafeBufferPointer { php in
        recurrentNew.withUnsafeMutableBufferPointer { prn in
        hidden.withUnsafeMutableBufferPointer { ph in
            let g = pg.baseAddress! + gatesOffset, bhn = pb.baseAddress! + hiddenBiasOffset
            let hp = php.baseAddress! + hPreviousOffset, rn = prn.baseAddress! + recurrentNewOffset
            let h = ph.baseAddress! + hiddenOffset
            if Kernels._native {
                NativeKernels.gruForward(rows: rows, H: H, gates: g, recurrent: prc.baseAddress!, hiddenBias: bhn, hPrevious: hp,
                                         recurrentNew: rn, hidden: h, hiddenStride: hiddenStride)
            } else {
                PortableKernels.gruForward(rows: rows, H: H, gates: g, recurrent: prc.baseAddress!, hiddenBias: bhn, hPrevious: hp,
                                           recurrentNew: rn, hidden: h, hiddenStride: hiddenStride)
            }
        }}}}}}
    }

    /// GRU backward for one step.
    ///
    /// `dh = dhCarry + dOutput`; writes input-side gradients `dGatesInput = [da_r da_z da_n]`
    /// and recurrent-side gradients `dGatesRecurrent = [da_r da_z da_n⊙r]` (`rows × 3H` each),
    /// and replaces `dhCarry` by the direct part `dh⊙z`; the caller adds `dGatesRecurrent·Whᵀ`.
    public static func gruBackward(
        rows: Int, hiddenSize H: Int,
        gates: [Scalar], _ gatesOffset: Int,
        recurrentNew: [Scalar], _ recurrentNewOffset: Int,
        hPrevious: [Scalar], _ hPreviousOffset: Int,
        dOutput: [Scalar], _ dOutputOffset: Int, dOutputStride: Int,
        dhCarry: inout [Scalar],
        dGatesInput: inout [Scalar], _ dGatesInputOffset: Int,
        dGatesRecurrent: inout [Scalar], _ dGatesRecurrentOffset: Int
    ) {
        if rows == 0 { return }
        Kernels._check(gates.count, gatesOffset, rows * 3 * H, "gates")
        Kernels._check(recurrentNew.count, recurrentNewOffset, rows * H, "recurrentNew")
        Kernels._check(hPrevious.count, hPreviousOffset, rows * H, "hPrevious")
        Kernels._check(dOutput.count, dOutputOffset, (rows - 1) * dOutputStride + H, "dOutput")
        Kernels._check(dhCarry.count, 0, rows * H, "dhCarry")
        Kernels._check(dGatesInput.count, dGatesInputOffset, rows * 3 * H, "dGatesInput")
        Kernels._check(dGatesRecurrent.count, dGatesRecurrentOffset, rows * 3 * H, "dGatesRecurrent")
        gates.withUnsafeBufferPointer { pg in
        recurrentNew.withUnsafeBufferPointer { prn in
        hPrevious.withUnsafeBufferPointer { php in
        dOutput.withUnsafeBufferPointer { pdy in
        dhCarry.withUnsafeMutableBufferPointer { pdh in
        dGatesInput.withUnsafeMutableBufferPointer { pdx in
        dGatesRecurrent.withUnsafeMutableBufferPointer { pdr in
            let g = pg.baseAddress! + gatesOffset, rn = prn.baseAddress! + recurrentNewOffset
            let hp = php.baseAddress! + hPreviousOffset, dy = pdy.baseAddress! + dOutputOffset
            let dx = pdx.baseAddress! + dGatesInputOffset, dr = pdr.baseAddress! + dGatesRecurrentOffset
            if Kernels._native {
                NativeKernels.gruBackward(rows: rows, H: H, gates: g, recurrentNew: rn, hPrevious: hp, dOutput: dy,
                                          dOutputStride: dOutputStride, dhCarry: pdh.baseAddress!, dGatesInput: dx,
                                          dGatesRecurrent: dr)
            } else {
                PortableKernels.gruBackward(rows: rows, H: H, gates: g, recurrentNew: rn, hPrevious: hp, dOutput: dy,
                                            dOutputStride: dOutputStride, dhCarry: pdh.baseAddress!, dGatesInput: dx,
                                            dGatesRecurrent: dr)
            }
        }}}}}}}
    }
}
