import CKernels

/// Fused per-timestep gate kernels for LSTM and GRU over a block of `rows` sequences.
///
/// Notation (llm.c style): `H` hidden size; LSTM gates per row are `[i f g o]` (4H, PyTorch
/// order), GRU gates `[r z n]` (3H). Each buffer is addressed by `(array, offset)` and, where
/// noted, a row stride; other row strides are the natural width (H, 3H, 4H). The recurrent GEMM
/// (`h·Wh`) is done by the caller through ``BLAS``; these kernels do the rest in one pass.
/// Nonlinearities are ``Activations`` (saturating, never NaN for finite input).
public enum RecurrentKernels {
    typealias V = SIMD8<Float>

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
            if Kernels._native {
                cv_lstm_forward(rows, H, pg.baseAddress! + gatesOffset, pcp.baseAddress! + cPreviousOffset,
                                pc.baseAddress! + cellOffset, ptc.baseAddress! + tanhCellOffset,
                                ph.baseAddress! + hiddenOffset, hiddenStride)
                return
            }
            for r in 0..<rows {
                let g = pg.baseAddress! + (gatesOffset &+ r &* (4 &* H))
                let cp = pcp.baseAddress! + (cPreviousOffset &+ r &* H)
                let c = pc.baseAddress! + (cellOffset &+ r &* H)
                let tc = ptc.baseAddress! + (tanhCellOffset &+ r &* H)
                let h = ph.baseAddress! + (hiddenOffset &+ r &* hiddenStride)
                var j = 0
                while j < H {
                    let w = min(8, H &- j)
                    let iv = Activations.sigmoid(Kernels._load(g + j, w))
                    let fv = Activations.sigmoid(Kernels._load(g + (H &+ j), w))
                    let gv = Activations.tanh(Kernels._load(g + (2 &* H &+ j), w))
                    let ov = Activations.sigmoid(Kernels._load(g + (3 &* H &+ j), w))
                    let cv = fv * Kernels._load(cp + j, w) + iv * gv
                    let tcv = Activations.tanh(cv)
                    Kernels._store(iv, g + j, w)
                    Kernels._store(fv, g + (H &+ j), w)
                    Kernels._store(gv, g + (2 &* H &+ j), w)
                    Kernels._store(ov, g + (3 &* H &+ j), w)
                    Kernels._store(cv, c + j, w)
                    Kernels._store(tcv, tc + j, w)
                    Kernels._store(ov * tcv, h + j, w)
                    j &+= 8
                }
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
            if Kernels._native {
                cv_lstm_backward(rows, H, pg.baseAddress! + gatesOffset, pcp.baseAddress! + cPreviousOffset,
                                 ptc.baseAddress! + tanhCellOffset, pdy.baseAddress! + dOutputOffset, dOutputStride,
                                 pdh.baseAddress!, pdc.baseAddress!, pdg.baseAddress! + dGatesOffset)
                return
            }
            let one = V(repeating: 1)
            for r in 0..<rows {
                let g = pg.baseAddress! + (gatesOffset &+ r &* (4 &* H))
                let cp = pcp.baseAddress! + (cPreviousOffset &+ r &* H)
                let tc = ptc.baseAddress! + (tanhCellOffset &+ r &* H)
                let dy = pdy.baseAddress! + (dOutputOffset &+ r &* dOutputStride)
                let dhc = pdh.baseAddress! + r &* H
                let dcc = pdc.baseAddress! + r &* H
                let dg = pdg.baseAddress! + (dGatesOffset &+ r &* (4 &* H))
                var j = 0
                while j < H {
                    let w = min(8, H &- j)
                    let iv = Kernels._load(g + j, w)
                    let fv = Kernels._load(g + (H &+ j), w)
                    let gv = Kernels._load(g + (2 &* H &+ j), w)
                    let ov = Kernels._load(g + (3 &* H &+ j), w)
                    let tcv = Kernels._load(tc + j, w)
                    let dh = Kernels._load(dhc + j, w) + Kernels._load(dy + j, w)
                    let dc = Kernels._load(dcc + j, w) + dh * ov * (one - tcv * tcv)
                    Kernels._store(dc * gv * iv * (one - iv), dg + j, w)
                    Kernels._store(dc * Kernels._load(cp + j, w) * fv * (one - fv), dg + (H &+ j), w)
                    Kernels._store(dc * iv * (one - gv * gv), dg + (2 &* H &+ j), w)
                    Kernels._store(dh * tcv * ov * (one - ov), dg + (3 &* H &+ j), w)
                    Kernels._store(dc * fv, dcc + j, w)
                    j &+= 8
                }
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
            if Kernels._native {
                cv_gru_forward(rows, H, pg.baseAddress! + gatesOffset, prc.baseAddress!, pb.baseAddress! + hiddenBiasOffset,
                               php.baseAddress! + hPreviousOffset, prn.baseAddress! + recurrentNewOffset,
                               ph.baseAddress! + hiddenOffset, hiddenStride)
                return
            }
            let one = V(repeating: 1)
            let bhn = pb.baseAddress! + hiddenBiasOffset
            for r in 0..<rows {
                let g = pg.baseAddress! + (gatesOffset &+ r &* (3 &* H))
                let rc = prc.baseAddress! + r &* (3 &* H)
                let hp = php.baseAddress! + (hPreviousOffset &+ r &* H)
                let rn = prn.baseAddress! + (recurrentNewOffset &+ r &* H)
                let h = ph.baseAddress! + (hiddenOffset &+ r &* hiddenStride)
                var j = 0
                while j < H {
                    let w = min(8, H &- j)
                    let rv = Activations.sigmoid(Kernels._load(g + j, w) + Kernels._load(rc + j, w))
                    let zv = Activations.sigmoid(Kernels._load(g + (H &+ j), w) + Kernels._load(rc + (H &+ j), w))
                    let ghn = Kernels._load(rc + (2 &* H &+ j), w) + Kernels._load(bhn + j, w)
                    let nv = Activations.tanh(Kernels._load(g + (2 &* H &+ j), w) + rv * ghn)
                    Kernels._store(rv, g + j, w)
                    Kernels._store(zv, g + (H &+ j), w)
                    Kernels._store(nv, g + (2 &* H &+ j), w)
                    Kernels._store(ghn, rn + j, w)
                    Kernels._store((one - zv) * nv + zv * Kernels._load(hp + j, w), h + j, w)
                    j &+= 8
                }
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
            if Kernels._native {
                cv_gru_backward(rows, H, pg.baseAddress! + gatesOffset, prn.baseAddress! + recurrentNewOffset,
                                php.baseAddress! + hPreviousOffset, pdy.baseAddress! + dOutputOffset, dOutputStride,
                                pdh.baseAddress!, pdx.baseAddress! + dGatesInputOffset,
                                pdr.baseAddress! + dGatesRecurrentOffset)
                return
            }
            let one = V(repeating: 1)
            for r in 0..<rows {
                let g = pg.baseAddress! + (gatesOffset &+ r &* (3 &* H))
                let rn = prn.baseAddress! + (recurrentNewOffset &+ r &* H)
                let hp = php.baseAddress! + (hPreviousOffset &+ r &* H)
                let dy = pdy.baseAddress! + (dOutputOffset &+ r &* dOutputStride)
                let dhc = pdh.baseAddress! + r &* H
                let dx = pdx.baseAddress! + (dGatesInputOffset &+ r &* (3 &* H))
                let dr = pdr.baseAddress! + (dGatesRecurrentOffset &+ r &* (3 &* H))
                var j = 0
                while j < H {
                    let w = min(8, H &- j)
                    let rv = Kernels._load(g + j, w)
                    let zv = Kernels._load(g + (H &+ j), w)
                    let nv = Kernels._load(g + (2 &* H &+ j), w)
                    let dh = Kernels._load(dhc + j, w) + Kernels._load(dy + j, w)
                    let dan = dh * (one - zv) * (one - nv * nv)
                    let dar = dan * Kernels._load(rn + j, w) * rv * (one - rv)
                    let daz = dh * (Kernels._load(hp + j, w) - nv) * zv * (one - zv)
                    Kernels._store(dar, dx + j, w)
                    Kernels._store(daz, dx + (H &+ j), w)
                    Kernels._store(dan, dx + (2 &* H &+ j), w)
                    Kernels._store(dar, dr + j, w)
                    Kernels._store(daz, dr + (H &+ j), w)
                    Kernels._store(dan * rv, dr + (2 &* H &+ j), w)
                    Kernels._store(dh * zv, dhc + j, w)
                    j &+= 8
                }
            }
        }}}}}}}
    }
}
