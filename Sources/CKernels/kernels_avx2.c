// The AVX2 + FMA tier of the element-wise kernels: the operations of kernels.c, in the same order,
// on 8 lanes. Each kernel runs a step function over whole vectors, then once with a lane mask over
// the tail (masked stores are slow on some AMD cores, so only tails use them).
#include "CKernels.h"
#include "avx2.h"
#include "tiers.h"

#if defined(__x86_64__)

// `full`: all 8 lanes (a constant once the step is inlined); else the lanes of `m`.
#define LD(p) (full ? _mm256_loadu_ps(p) : _mm256_maskload_ps((p), m))
#define ST(p, v) (full ? _mm256_storeu_ps((p), (v)) : _mm256_maskstore_ps((p), m, (v)))

// Calls STEP(j, full, mask) over j in [0, n) by 8.
#define CV_OVER_LANES(n, STEP)                                                                      \
    do {                                                                                           \
        long j_ = 0;                                                                               \
        for (; j_ + 8 <= (n); j_ += 8) STEP(j_, 1, _mm256_setzero_si256());                        \
        if (j_ < (n)) STEP(j_, 0, cv_mask8((n) - j_));                                             \
    } while (0)

CV_AVX2_STEP void lstm_forward8(long H, long j, int full, __m256i m, float *g, const float *cp, float *c,
                                float *tc, float *h) {
    __m256 iv = sigmoid8(LD(g + j));
    __m256 fv = sigmoid8(LD(g + H + j));
    __m256 gv = tanh8(LD(g + 2 * H + j));
    __m256 ov = sigmoid8(LD(g + 3 * H + j));
    __m256 cv = _mm256_fmadd_ps(fv, LD(cp + j), _mm256_mul_ps(iv, gv));
    __m256 tcv = tanh8(cv);
    ST(g + j, iv); ST(g + H + j, fv); ST(g + 2 * H + j, gv); ST(g + 3 * H + j, ov);
    ST(c + j, cv); ST(tc + j, tcv); ST(h + j, _mm256_mul_ps(ov, tcv));
}

CV_AVX2 void cv256_lstm_forward(long rows, long H, float *gates, const float *cPrev, float *cell,
                                float *tanhCell, float *hidden, long hStride) {
    for (long r = 0; r < rows; r++) {
        float *g = gates + r * 4 * H;
        const float *cp = cPrev + r * H;
        float *c = cell + r * H, *tc = tanhCell + r * H, *h = hidden + r * hStride;
#define STEP(j, full, m) lstm_forward8(H, j, full, m, g, cp, c, tc, h)
        CV_OVER_LANES(H, STEP);
#undef STEP
    }
}

CV_AVX2_STEP void lstm_backward8(long H, long j, int full, __m256i m, const float *g, const float *cp,
                                 const float *tc, const float *dy, const float *dhc, float *dcc, float *dg) {
    const __m256 one = _mm256_set1_ps(1.0f);
    __m256 iv = LD(g + j), fv = LD(g + H + j), gv = LD(g + 2 * H + j), ov = LD(g + 3 * H + j);
    __m256 tcv = LD(tc + j);
    __m256 dh = _mm256_add_ps(LD(dhc + j), LD(dy + j));
    __m256 dc = _mm256_fmadd_ps(_mm256_mul_ps(dh, ov), _mm256_fnmadd_ps(tcv, tcv, one), LD(dcc + j));
    ST(dg + j, _mm256_mul_ps(_mm256_mul_ps(dc, gv), _mm256_mul_ps(iv, _mm256_sub_ps(one, iv))));
    ST(dg + H + j, _mm256_mul_ps(_mm256_mul_ps(dc, LD(cp + j)), _mm256_mul_ps(fv, _mm256_sub_ps(one, fv))));
    ST(dg + 2 * H + j, _mm256_mul_ps(_mm256_mul_ps(dc, iv), _mm256_fnmadd_ps(gv, gv, one)));
    ST(dg + 3 * H + j, _mm256_mul_ps(_mm256_mul_ps(dh, tcv), _mm256_mul_ps(ov, _mm256_sub_ps(one, ov))));
    ST(dcc + j, _mm256_mul_ps(dc, fv));
}

CV_AVX2 void cv256_lstm_backward(long rows, long H, const float *gates, const float *cPrev,
                                 const float *tanhCell, const float *dOutput, long dOutputStride,
                                 const float *dhCarry, float *dcCarry, float *dGates) {
    for (long r = 0; r < rows; r++) {
        const float *g = gates + r * 4 * H, *cp = cPrev + r * H, *tc = tanhCell + r * H;
        const float *dy = dOutput + r * dOutputStride, *dhc = dhCarry + r * H;
        float *dcc = dcCarry + r * H, *dg = dGates + r * 4 * H;
#define STEP(j, full, m) lstm_backward8(H, j, full, m, g, cp, tc, dy, dhc, dcc, dg)
        CV_OVER_LANES(H, STEP);
#undef STEP
    }
}

CV_AVX2_STEP void gru_forward8(long H, long j, int full, __m256i m, float *g, const float *rc,
                               const float *hiddenBias, const float *hp, float *rn, float *h) {
    const __m256 one = _mm256_set1_ps(1.0f);
    __m256 rv = sigmoid8(_mm256_add_ps(LD(g + j), LD(rc + j)));
    __m256 zv = sigmoid8(_mm256_add_ps(LD(g + H + j), LD(rc + H + j)));
    __m256 ghn = _mm256_add_ps(LD(rc + 2 * H + j), LD(hiddenBias + j));
    __m256 nv = tanh8(_mm256_fmadd_ps(rv, ghn, LD(g + 2 * H + j)));
    ST(g + j, rv); ST(g + H + j, zv); ST(g + 2 * H + j, nv); ST(rn + j, ghn);
    ST(h + j, _mm256_fmadd_ps(_mm256_sub_ps(one, zv), nv, _mm256_mul_ps(zv, LD(hp + j))));
}

CV_AVX2 void cv256_gru_forward(long rows, long H, float *gates, const float *recurrent, const float *hiddenBias,
                               const float *hPrev, float *recurrentNew, float *hidden, long hStride) {
    for (long r = 0; r < rows; r++) {
        float *g = gates + r * 3 * H, *rn = recurrentNew + r * H, *h = hidden + r * hStride;
        const float *rc = recurrent + r * 3 * H, *hp = hPrev + r * H;
#define STEP(j, full, m) gru_forward8(H, j, full, m, g, rc, hiddenBias, hp, rn, h)
        CV_OVER_LANES(H, STEP);
#undef STEP
    }
}

CV_AVX2_STEP void gru_backward8(long H, long j, int full, __m256i m, const float *g, const float *rn,
                                const float *hp, const float *dy, float *dhc, float *dx, float *dr) {
    const __m256 one = _mm256_set1_ps(1.0f);
    __m256 rv = LD(g + j), zv = LD(g + H + j), nv = LD(g + 2 * H + j);
    __m256 dh = _mm256_add_ps(LD(dhc + j), LD(dy + j));
    __m256 dan = _mm256_mul_ps(_mm256_mul_ps(dh, _mm256_sub_ps(one, zv)), _mm256_fnmadd_ps(nv, nv, one));
    __m256 dar = _mm256_mul_ps(_mm256_mul_ps(dan, LD(rn + j)), _mm256_mul_ps(rv, _mm256_sub_ps(one, rv)));
    __m256 daz = _mm256_mul_ps(_mm256_mul_ps(dh, _mm256_sub_ps(LD(hp + j), nv)),
                               _mm256_mul_ps(zv, _mm256_sub_ps(one, zv)));
    ST(dx + j, dar); ST(dx + H + j, daz); ST(dx + 2 * H + j, dan);
    ST(dr + j, dar); ST(dr + H + j, daz); ST(dr + 2 * H + j, _mm256_mul_ps(dan, rv));
    ST(dhc + j, _mm256_mul_ps(dh, zv));
}

CV_AVX2 void cv256_gru_backward(long rows, long H, const float *gates, const float *recurrentNew, const float *hPrev,
                                const float *dOutput, long dOutputStride, float *dhCarry, float *dGatesInput,
                                float *dGatesRecurrent) {
    for (long r = 0; r < rows; r++) {
        const float *g = gates + r * 3 * H, *rn = recurrentNew + r * H, *hp = hPrev + r * H;
        const float *dy = dOutput + r * dOutputStride;
        float *dhc = dhCarry + r * H, *dx = dGatesInput + r * 3 * H, *dr = dGatesRecurrent + r * 3 * H;
#define STEP(j, full, m) gru_backward8(H, j, full, m, g, rn, hp, dy, dhc, dx, dr)
        CV_OVER_LANES(H, STEP);
#undef STEP
    }
}

CV_AVX2_STEP void tanh_step8(long j, int full, __m256i m, const float *x, float *y) { ST(y + j, tanh8(LD(x + j))); }

CV_AVX2 void cv256_tanh(long n, const float *x, float *y) {
#define STEP(j, full, m) tanh_step8(j, full, m, x, y)
    CV_OVER_LANES(n, STEP);
#undef STEP
}

typedef struct { __m256 b1, c1, b2, c2, lr, eps, keep; } cv_adam_constants;

CV_AVX2_STEP void adam8(long j, int full, __m256i m, const cv_adam_constants *k, float *p, const float *g,
                        float *mo, float *vo) {
    __m256 gv = LD(g + j);
    __m256 mv = _mm256_fmadd_ps(k->b1, LD(mo + j), _mm256_mul_ps(k->c1, gv));
    __m256 vv = _mm256_fmadd_ps(k->b2, LD(vo + j), _mm256_mul_ps(k->c2, _mm256_mul_ps(gv, gv)));
    ST(mo + j, mv); ST(vo + j, vv);
    __m256 delta = _mm256_div_ps(_mm256_mul_ps(k->lr, mv), _mm256_add_ps(_mm256_sqrt_ps(vv), k->eps));
    ST(p + j, _mm256_fmsub_ps(k->keep, LD(p + j), delta));
}

CV_AVX2 void cv256_adam_step(long n, float *p, const float *g, float *mo, float *vo, float stepSize, float beta1,
                             float beta2, float epsilonHat, float decay) {
    const cv_adam_constants k = {
        _mm256_set1_ps(beta1), _mm256_set1_ps(1 - beta1), _mm256_set1_ps(beta2), _mm256_set1_ps(1 - beta2),
        _mm256_set1_ps(stepSize), _mm256_set1_ps(epsilonHat), _mm256_set1_ps(1 - decay),
    };
#define STEP(j, full, m) adam8(j, full, m, &k, p, g, mo, vo)
    CV_OVER_LANES(n, STEP);
#undef STEP
}

CV_AVX2 void cv256_add_column_sums(long rows, long columns, long ld, const float *x, float *sums) {
    long j = 0;
    // Eight accumulators per pass over the rows: enough independent adds to keep two loads a cycle busy.
    for (; j + 64 <= columns; j += 64) {
        __m256 a[8];
        _Pragma("GCC unroll 8") for (int v = 0; v < 8; v++) a[v] = _mm256_loadu_ps(sums + j + 8 * v);
        for (long r = 0; r < rows; r++) {
            const float *row = x + r * ld + j;
            _Pragma("GCC unroll 8") for (int v = 0; v < 8; v++) a[v] = _mm256_add_ps(a[v], _mm256_loadu_ps(row + 8 * v));
        }
        _Pragma("GCC unroll 8") for (int v = 0; v < 8; v++) _mm256_storeu_ps(sums + j + 8 * v, a[v]);
    }
    for (; j < columns; j += 8) {
        __m256i m = cv_mask8(columns - j);
        __m256 a = _mm256_maskload_ps(sums + j, m);
        for (long r = 0; r < rows; r++) a = _mm256_add_ps(a, _mm256_maskload_ps(x + r * ld + j, m));
        _mm256_maskstore_ps(sums + j, m, a);
    }
}

#endif
