/// The portable Swift versions of the fused LSTM and GRU step kernels (SIMD8, any CPU), the
/// reference for the C (AVX-512, AVX2) versions. Formulas, shapes and notation are those of
/// ``RecurrentKernels``, whose entry points check extents and pass base pointers that already
/// include each buffer's offset; row strides are the natural widths unless named.
extension PortableKernels {
    /// LSTM forward over `rows` rows: `gates` `[rows × 4H]` → activations in place, `c`, `tanh(c)`, `h`.
    @inline(__always)
    static func lstmForward(rows: Int, H: Int, gates pg: UnsafeMutablePointer<Scalar>, cPrevious pcp: UnsafePointer<Scalar>,
                            cell pc: UnsafeMutablePointer<Scalar>, tanhCell ptc: UnsafeMutablePointer<Scalar>,
                            hidden ph: UnsafeMutablePointer<Scalar>, hiddenStride: Int) {
        for r in 0..<rows {
            let g = pg + r &* (4 &* H)
            let cp = pcp + r &* H
            let c = pc + r &* H
            let tc = ptc + r &* H
            let h = ph + r &* hiddenStride
            var j = 0
            while j < H {
                let w = min(8, H &- j)
                let iv = Activations.sigmoid(load(g + j, w))
                let fv = Activations.sigmoid(load(g + (H &+ j), w))
                let gv = Activations.tanh(load(g + (2 &* H &+ j), w))
                let ov = Activations.sigmoid(load(g + (3 &* H &+ j), w))
                let cv = fv * load(cp + j, w) + iv * gv
                let tcv = Activations.tanh(cv)
                store(iv, g + j, w)
                store(fv, g + (H &+ j), w)
                store(gv, g + (2 &* H &+ j), w)
                store(ov, g + (3 &* H &+ j), w)
                store(cv, c + j, w)
                store(tcv, tc + j, w)
                store(ov * tcv, h + j, w)
                j &+= 8
            }
        }
    }

    /// LSTM backward for one step: writes `dGates` `[rows × 4H]`, replaces `dcCarry` by `dc⊙f`.
    @inline(__always)
    static func lstmBackward(rows: Int, H: Int, gates pg: UnsafePointer<Scalar>, cPrevious pcp: UnsafePointer<Scalar>,
                             tanhCell ptc: UnsafePointer<Scalar>, dOutput pdy: UnsafePointer<Scalar>, dOutputStride: Int,
                             dhCarry pdh: UnsafePointer<Scalar>, dcCarry pdc: UnsafeMutablePointer<Scalar>,
                             dGates pdg: UnsafeMutablePointer<Scalar>) {
        let one = Vector(repeating: 1)
        for r in 0..<rows {
            let g = pg + r &* (4 &* H)
            let cp = pcp + r &* H
            let tc = ptc + r &* H
            let dy = pdy + r &* dOutputStride
            let dhc = pdh + r &* H
            let dcc = pdc + r &* H
            let dg = pdg + r &* (4 &* H)
            var j = 0
            while j < H {
                let w = min(8, H &- j)
                let iv = load(g + j, w)
                let fv = load(g + (H &+ j), w)
                let gv = load(g + (2 &* H &+ j), w)
                let ov = load(g + (3 &* H &+ j), w)
                let tcv = load(tc + j, w)
                let dh = load(dhc + j, w) + load(dy + j, w)
                let dc = load(dcc + j, w) + dh * ov * (one - tcv * tcv)
                store(dc * gv * iv * (one - iv), dg + j, w)
                store(dc * load(cp + j, w) * fv * (one - fv), dg + (H &+ j), w)
                store(dc * iv * (one - gv * gv), dg + (2 &* H &+ j), w)
                store(dh * tcv * ov * (one - ov), dg + (3 &* H &+ j), w)
                store(dc * fv, dcc + j, w)
                j &+= 8
            }
        }
    }

    /// GRU forward for one step: `gates` `[rows × 3H]` → `[r z n]` in place, `hWn + bhn`, `h'`.
    @inline(__always)
    static func gruForward(rows: Int, H: Int, gates pg: UnsafeMutablePointer<Scalar>, recurrent prc: UnsafePointer<Scalar>,
                           hiddenBias bhn: UnsafePointer<Scalar>, hPrevious php: UnsafePointer<Scalar>,
                           recurrentNew prn: UnsafeMutablePointer<Scalar>, hidden ph: UnsafeMutablePointer<Scalar>,
                           hiddenStride: Int) {
        let one = Vector(repeating: 1)
        for r in 0..<rows {
            let g = pg + r &* (3 &* H)
            let rc = prc + r &* (3 &* H)
            let hp = php + r &* H
            let rn = prn + r &* H
            let h = ph + r &* hiddenStride
            var j = 0
            while j < H {
                let w = min(8, H &- j)
                let rv = Activations.sigmoid(load(g + j, w) + load(rc + j, w))
                let zv = Activations.sigmoid(load(g + (H &+ j), w) + load(rc + (H &+ j), w))
                let ghn = load(rc + (2 &* H &+ j), w) + load(bhn + j, w)
                let nv = Activations.tanh(load(g + (2 &* H &+ j), w) + rv * ghn)
                store(rv, g + j, w)
                store(zv, g + (H &+ j), w)
                store(nv, g + (2 &* H &+ j), w)
                store(ghn, rn + j, w)
                store((one - zv) * nv + zv * load(hp + j, w), h + j, w)
                j &+= 8
            }
        }
    }

    /// GRU backward for one step: writes `dGatesInput` and `dGatesRecurrent` `[rows × 3H]`,
    /// replaces `dhCarry` by `dh⊙z`.
    @inline(__always)
    static func gruBackward(rows: Int, H: Int, gates pg: UnsafePointer<Scalar>, recurrentNew prn: UnsafePointer<Scalar>,
                            hPrevious php: UnsafePointer<Scalar>, dOutput pdy: UnsafePointer<Scalar>, dOutputStride: Int,
                            dhCarry pdh: UnsafeMutablePointer<Scalar>, dGatesInput pdx: UnsafeMutablePointer<Scalar>,
                            dGatesRecurrent pdr: UnsafeMutablePointer<Scalar>) {
        let one = Vector(repeating: 1)
        for r in 0..<rows {
            let g = pg + r &* (3 &* H)
            let rn = prn + r &* H
            let hp = php + r &* H
            let dy = pdy + r &* dOutputStride
            let dhc = pdh + r &* H
            let dx = pdx + r &* (3 &* H)
            let dr = pdr + r &* (3 &* H)
            var j = 0
            while j < H {
                let w = min(8, H &- j)
                let rv = load(g + j, w)
                let zv = load(g + (H &+ j), w)
                let nv = load(g + (2 &* H &+ j), w)
                let dh = load(dhc + j, w) + load(dy + j, w)
                let dan = dh * (one - zv) * (one - nv * nv)
                let dar = dan * load(rn + j, w) * rv * (one - rv)
                let daz = dh * (load(hp + j, w) - nv) * zv * (one - zv)
                store(dar, dx + j, w)
                store(daz, dx + (H &+ j), w)
                store(dan, dx + (2 &* H &+ j), w)
                store(dar, dr + j, w)
                store(daz, dr + (H &+ j), w)
                store(dan * rv, dr + (2 &* H &+ j), w)
                store(dh * zv, dhc + j, w)
                j &+= 8
            }
        }
    }
}
