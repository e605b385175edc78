// The contrastive loss's row softmax: max, exponentials and their sum in one AVX-512 kernel.
#include "CKernels.h"
#include "native.h"
#include "tiers.h"

#if defined(__x86_64__)

CV_NATIVE double cv512_softmax_row(long n, float *x, float scale, float *maximum) {
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

#endif
