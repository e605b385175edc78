// The AVX-512 tier of the element-wise kernels (kernels_avx2.c holds the AVX2 + FMA tier).
#include "CKernels.h"
#include "native.h"
#include "tiers.h"

#if defined(__x86_64__)
// tanh(x) = x·P(x²)/Q(x²) on x clamped to ±7.905 (Eigen's ptanh_float coefficients), as in
// Tensor.Activations. min/max take the NaN from their second operand, so NaN propagates.
CV_NATIVE static inline __m512 tanh16(__m512 x) {
    const __m512 c = _mm512_set1_ps(7.905311107635498f);
    __m512 xc = _mm512_min_ps(c, _mm512_max_ps(_mm512_sub_ps(_mm512_setzero_ps(), c), x));
    __m512 x2 = _mm512_mul_ps(xc, xc);
    __m512 p = _mm512_set1_ps(-2.76076847742355e-16f);
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(2.00018790482477e-13f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(-8.60467152213735e-11f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(5.12229709037114e-08f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(1.48572235717979e-05f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(6.37261928875436e-04f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(4.89352455891786e-03f));
    p = _mm512_mul_ps(p, xc);
    __m512 q = _mm512_set1_ps(1.19825839466702e-06f);
    q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(1.18534705686654e-04f));
    q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(2.26843463243900e-03f));
    q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(4.89352518554385e-03f));
    const __m512 one = _mm512_set1_ps(1.0f);
    __m512 y = _mm512_div_ps(p, q);
    y = _mm512_min_ps(one, _mm512_max_ps(_mm512_set1_ps(-1.0f), y));
    __mmask16 tiny = _mm512_cmp_ps_mask(x2, _mm512_set1_ps(1.6e-7f), _CMP_LT_OQ);
    return _mm512_mask_blend_ps(tiny, y, xc);
}

CV_NATIVE static inline __m512 sigmoid16(__m512 x) {
    const __m512 half = _mm512_set1_ps(0.5f);
    return _mm512_fmadd_ps(half, tanh16(_mm512_mul_ps(half, x)), half);
}

#define LD(p) _mm512_maskz_loadu_ps(m, (p))
#define ST(p, v) _mm512_mask_storeu_ps((p), m, (v))

CV_NATIVE void cv512_lstm_forward(long rows, long H, float *gates, const float *cPrev, float *cell,
                                  float *tanhCell, float *hidden, long hStride) {
    for (long r = 0; r < rows; r++) {
        float *g = gates + r * 4 * H;
        const float *cp = cPrev + r * H;
        float *c = cell + r * H, *tc = tanhCell + r * H, *h = hidden + r * hStride;
        for (long j = 0; j < H; j += 16) {
            __mmask16 m = CV_MASK(H, j);
            __m512 iv = sigmoid16(LD(g + j));
            __m512 fv = sigmoid16(LD(g + H + j));
            __m512 gv = tanh16(LD(g + 2 * H + j));
            __m512 ov = sigmoid16(LD(g + 3 * H + j));
            __m512 cv = _mm512_fmadd_ps(fv, LD(cp + j), _mm512_mul_ps(iv, gv));
            __m512 tcv = tanh16(cv);
            ST(g + j, iv); ST(g + H + j, fv); ST(g + 2 * H + j, gv); ST(g + 3 * H + j, ov);
            ST(c + j, cv); ST(tc + j, tcv); ST(h + j, _mm512_mul_ps(ov, tcv));
        }
    }
}

CV_NATIVE void cv512_lstm_backward(long rows, long H, const float *gates, const float *cPrev,
                                   const float *tanhCell, const float *dOutput, long dOutputStride,
                                   const float *dhCarry, float *dcCarry, float *dGates) {
    const __m512 one = _mm512_set1_ps(1.0f);
    for (long r = 0; r < rows; r++) {
        const float *g = gates + r * 4 * H, *cp = cPrev + r * H, *tc = tanhCell + r * H;
        const float *dy = dOutput + r * dOutputStride, *dhc = dhCarry + r * H;
        float *dcc = dcCarry + r * H, *dg = dGates + r * 4 * H;
        for (long j = 0; j < H; j += 16) {
            __mmask16 m = CV_MASK(H, j);
            __m512 iv = LD(g + j), fv = LD(g + H + j), gv = LD(g + 2 * H + j), ov = LD(g + 3 * H + j);
            __m512 tcv = LD(tc + j);
            __m512 dh = _mm512_add_ps(LD(dhc + j), LD(dy + j));
            __m512 dc = _mm512_fmadd_ps(_mm512_mul_ps(dh, ov), _mm512_fnmadd_ps(tcv, tcv, one), LD(dcc + j));
            ST(dg + j, _mm512_mul_ps(_mm512_mul_ps(dc, gv), _mm512_mul_ps(iv, _mm512_sub_ps(one, iv))));
            ST(dg + H + j, _mm512_mul_ps(_mm512_mul_ps(dc, LD(cp + j)), _mm512_mul_ps(fv, _mm512_sub_ps(one, fv))));
            ST(dg + 2 * H + j, _mm512_mul_ps(_mm512_mul_ps(dc, iv), _mm512_fnmadd_ps(gv, gv, one)));
            ST(dg + 3 * H + j, _mm512_mul_ps(_mm512_mul_ps(dh, tcv), _mm512_mul_ps(ov, _mm512_sub_ps(one, ov))));
            ST(dcc + j, _mm512_mul_ps(dc, fv));
        }
    }
}

CV_NATIVE void cv512_gru_forward(long rows, long H, float *gates, const float *recurrent, const float *hiddenBias,
                                 const float *hPrev, float *recurrentNew, float *hidden, long hStride) {
    const __m512 one = _mm512_set1_ps(1.0f);
    for (long r = 0; r < rows; r++) {
        float *g = gates + r * 3 * H, *rn = recurrentNew + r * H, *h = hidden + r * hStride;
        const float *rc = recurrent + r * 3 * H, *hp = hPrev + r * H;
        for (long j = 0; j < H; j += 16) {
            __mmask16 m = CV_MASK(H, j);
            __m512 rv = sigmoid16(_mm512_add_ps(LD(g + j), LD(rc + j)));
            __m512 zv = sigmoid16(_mm512_add_ps(LD(g + H + j), LD(rc + H + j)));
            __m512 ghn = _mm512_add_ps(LD(rc + 2 * H + j), LD(hiddenBias + j));
            __m512 nv = tanh16(_mm512_fmadd_ps(rv, ghn, LD(g + 2 * H + j)));
            ST(g + j, rv); ST(g + H + j, zv); ST(g + 2 * H + j, nv); ST(rn + j, ghn);
            ST(h + j, _mm512_fmadd_ps(_mm512_sub_ps(one, zv), nv, _mm512_mul_ps(zv, LD(hp + j))));
        }
    }
}

CV_NATIVE void cv512_gru_backward(long rows, long H, const float *gates, const float *recurrentNew, const float *hPrev,
                                  const float *dOutput, long dOutputStride, float *dhCarry, float *dGatesInput,
                                  float *dGatesRecurrent) {
    const __m512 one = _mm512_set1_ps(1.0f);
    for (long r = 0; r < rows; r++) {
        const float *g = gates + r * 3 * H, *rn = recurrentNew + r * H, *hp = hPrev + r * H;
        const float *dy = dOutput + r * dOutputStride;
        float *dhc = dhCarry + r * H, *dx = dGatesInput + r * 3 * H, *dr = dGatesRecurrent + r * 3 * H;
        for (long j = 0; j < H; j += 16) {
            __mmask16 m = CV_MASK(H, j);
            __m512 rv = LD(g + j), zv = LD(g + H + j), nv = LD(g + 2 * H + j);
            __m512 dh = _mm512_add_ps(LD(dhc + j), LD(dy + j));
            __m512 dan = _mm512_mul_ps(_mm512_mul_ps(dh, _mm512_sub_ps(one, zv)), _mm512_fnmadd_ps(nv, nv, one));
            __m512 dar = _mm512_mul_ps(_mm512_mul_ps(dan, LD(rn + j)), _mm512_mul_ps(rv, _mm512_sub_ps(one, rv)));
            __m512 daz = _mm512_mul_ps(_mm512_mul_ps(dh, _mm512_sub_ps(LD(hp + j), nv)),
                                       _mm512_mul_ps(zv, _mm512_sub_ps(one, zv)));
            ST(dx + j, dar); ST(dx + H + j, daz); ST(dx + 2 * H + j, dan);
            ST(dr + j, dar); ST(dr + H + j, daz); ST(dr + 2 * H + j, _mm512_mul_ps(dan, rv));
            ST(dhc + j, _mm512_mul_ps(dh, zv));
        }
    }
}

CV_NATIVE void cv512_tanh(long n, const float *x, float *y) {
    for (long j = 0; j < n; j += 16) { __mmask16 m = CV_MASK(n, j); ST(y + j, tanh16(LD(x + j))); }
}

CV_NATIVE void cv512_adam_step(long n, float *p, const float *g, float *mo, float *vo, float stepSize, float beta1,
                               float beta2, float epsilonHat, float decay) {
    const __m512 b1 = _mm512_set1_ps(beta1), c1 = _mm512_set1_ps(1 - beta1);
    const __m512 b2 = _mm512_set1_ps(beta2), c2 = _mm512_set1_ps(1 - beta2);
    const __m512 lr = _mm512_set1_ps(stepSize), eps = _mm512_set1_ps(epsilonHat), keep = _mm512_set1_ps(1 - decay);
    for (long j = 0; j < n; j += 16) {
        __mmask16 m = CV_MASK(n, j);
        __m512 gv = LD(g + j);
        __m512 mv = _mm512_fmadd_ps(b1, LD(mo + j), _mm512_mul_ps(c1, gv));
        __m512 vv = _mm512_fmadd_ps(b2, LD(vo + j), _mm512_mul_ps(c2, _mm512_mul_ps(gv, gv)));
        ST(mo + j, mv); ST(vo + j, vv);
        __m512 delta = _mm512_div_ps(_mm512_mul_ps(lr, mv), _mm512_add_ps(_mm512_sqrt_ps(vv), eps));
        ST(p + j, _mm512_fmsub_ps(keep, LD(p + j), delta));
    }
}

CV_NATIVE void cv512_add_column_sums(long rows, long columns, long ld, const float *x, float *sums) {
    long j = 0;
    for (; j + 64 <= columns; j += 64) {  // four accumulators per pass over the rows
        __m512 a0 = _mm512_loadu_ps(sums + j), a1 = _mm512_loadu_ps(sums + j + 16);
        __m512 a2 = _mm512_loadu_ps(sums + j + 32), a3 = _mm512_loadu_ps(sums + j + 48);
        for (long r = 0; r < rows; r++) {
            const float *row = x + r * ld + j;
            a0 = _mm512_add_ps(a0, _mm512_loadu_ps(row));
            a1 = _mm512_add_ps(a1, _mm512_loadu_ps(row + 16));
            a2 = _mm512_add_ps(a2, _mm512_loadu_ps(row + 32));
            a3 = _mm512_add_ps(a3, _mm512_loadu_ps(row + 48));
        }
        _mm512_storeu_ps(sums + j, a0); _mm512_storeu_ps(sums + j + 16, a1);
        _mm512_storeu_ps(sums + j + 32, a2); _mm512_storeu_ps(sums + j + 48, a3);
    }
    for (; j < columns; j += 16) {
        __mmask16 m = CV_MASK(columns, j);
        __m512 a = LD(sums + j);
        for (long r = 0; r < rows; r++) a = _mm512_add_ps(a, LD(x + r * ld + j));
        ST(sums + j, a);
    }
}

#endif
