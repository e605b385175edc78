// The AVX2 + FMA tier of the row softmax (softmax.c): max, exponentials and their sum, 8 lanes.
#include "CKernels.h"
#include "avx2.h"
#include "tiers.h"

#if defined(__x86_64__)

CV_AVX2 static inline float cv_reduce_max8(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

CV_AVX2 static inline double cv_reduce_add4d(__m256d v) {
    __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}

CV_AVX2 double cv256_softmax_row(long n, float *x, float scale, float *maximum) {
    __m256 mv = _mm256_set1_ps(-__builtin_inff());
    long j = 0;
    for (; j + 8 <= n; j += 8) mv = _mm256_max_ps(mv, _mm256_loadu_ps(x + j));
    if (j < n) {  // lanes past n keep their maximum
        __m256i m = cv_mask8(n - j);
        mv = _mm256_blendv_ps(mv, _mm256_max_ps(mv, _mm256_maskload_ps(x + j, m)), _mm256_castsi256_ps(m));
    }
    float mx = cv_reduce_max8(mv);
    *maximum = mx;
    const __m256 vmax = _mm256_set1_ps(mx), vscale = _mm256_set1_ps(scale);
    __m256d sum0 = _mm256_setzero_pd(), sum1 = _mm256_setzero_pd();
    for (j = 0; j + 8 <= n; j += 8) {
        __m256 e = exp8(_mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(x + j), vmax), vscale));
        _mm256_storeu_ps(x + j, e);
        sum0 = _mm256_add_pd(sum0, _mm256_cvtps_pd(_mm256_castps256_ps128(e)));
        sum1 = _mm256_add_pd(sum1, _mm256_cvtps_pd(_mm256_extractf128_ps(e, 1)));
    }
    if (j < n) {
        __m256i m = cv_mask8(n - j);
        __m256 e = exp8(_mm256_mul_ps(_mm256_sub_ps(_mm256_maskload_ps(x + j, m), vmax), vscale));
        e = _mm256_and_ps(e, _mm256_castsi256_ps(m));
        _mm256_maskstore_ps(x + j, m, e);
        sum0 = _mm256_add_pd(sum0, _mm256_cvtps_pd(_mm256_castps256_ps128(e)));
        sum1 = _mm256_add_pd(sum1, _mm256_cvtps_pd(_mm256_extractf128_ps(e, 1)));
    }
    return cv_reduce_add4d(_mm256_add_pd(sum0, sum1));
}

#endif
