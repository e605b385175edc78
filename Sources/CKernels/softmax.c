// The contrastive loss's row softmax: max, exponentials and their sum in one AVX-512 kernel.
#include "CKernels.h"
#include "native.h"

#if defined(__x86_64__)

// e^x for x ≤ 0 (Cephes' expf reduction: x = n·ln2 + r, |r| ≤ ln2/2, degree-6 polynomial,
// 2^n by scalef); x below −87.3 gives 0. Relative error about 2e-7.
CV_NATIVE static inline __m512 exp16(__m512 x) {
    const __m512 low = _mm512_set1_ps(-87.33654f);
    __mmask16 tiny = _mm512_cmp_ps_mask(x, low, _CMP_LT_OQ);
    x = _mm512_max_ps(x, low);
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    __m512 r2 = _mm512_mul_ps(r, r);
    p = _mm512_fmadd_ps(p, r2, _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    return _mm512_maskz_mov_ps(~tiny, _mm512_scalef_ps(p, n));
}

CV_NATIVE double cv_softmax_row(long n, float *x, float scale, float *maximum) {
    __m512 mv = _mm512_set1_ps(-__builtin_inff());
    for (long j = 0; j < n; j += 16) {
        __mmask16 m = CV_MASK(n, j);
        mv = _mm512_mask_max_ps(mv, m, mv, _mm512_maskz_loadu_ps(m, x + j));
    }
    float mx = _mm512_reduce_max_ps(mv);
    *maximum = mx;
    const __m512 vmax = _mm512_set1_ps(mx), vscale = _mm512_set1_ps(scale);
    __m512d sum0 = _mm512_setzero_pd(), sum1 = _mm512_setzero_pd();
    for (long j = 0; j < n; j += 16) {
        __mmask16 m = CV_MASK(n, j);
        __m512 e = exp16(_mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, x + j), vmax), vscale));
        e = _mm512_maskz_mov_ps(m, e);
        _mm512_mask_storeu_ps(x + j, m, e);
        sum0 = _mm512_add_pd(sum0, _mm512_cvtps_pd(_mm512_castps512_ps256(e)));
        sum1 = _mm512_add_pd(sum1, _mm512_cvtps_pd(_mm512_extractf32x8_ps(e, 1)));
    }
    return _mm512_reduce_add_pd(_mm512_add_pd(sum0, sum1));
}

#else
double cv_softmax_row(long n, float *x, float scale, float *maximum) { (void)n; (void)x; (void)scale; (void)maximum; __builtin_trap(); }
#endif
