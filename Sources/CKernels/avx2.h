// Shared by the AVX2 + FMA C files (not part of the public header): the same approximations as
// native.h and kernels.c, on 8 lanes. min/max keep the AVX-512 operand order (x86 min/max return
// their second operand when either is NaN), so both tiers treat NaN alike.
#ifndef CHARVEC_CKERNELS_AVX2_H
#define CHARVEC_CKERNELS_AVX2_H
#if defined(__x86_64__)
#include <immintrin.h>
#include "layout.h"

// Compiled for AVX2 + FMA; called only when cv_kernels_level() is 1.
#define CV_AVX2 __attribute__((target("avx2,fma")))
// For the per-vector step functions: inlined, so their `full` argument folds to a constant.
#define CV_AVX2_STEP CV_AVX2 __attribute__((always_inline)) static inline

// The first `left` lanes of 8 (none when left ≤ 0, all when left ≥ 8), for maskload/maskstore.
CV_AVX2 static inline __m256i cv_mask8(long left) {
    int n = left < 8 ? (int)left : 8;
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// e^x for x ≤ 0, as exp16: Cephes' reduction x = n·ln2 + r, |r| ≤ ln2/2, degree-6 polynomial;
// 2^n from the exponent bits, since AVX2 has no scalef (x is clamped to 88.7 so n ≤ 128, whose
// bits are +inf). x below −87.3 gives 0; NaN gives what exp16 gives (max(x, low) returns low).
CV_AVX2 static inline __m256 exp8(__m256 x) {
    const __m256 low = _mm256_set1_ps(-87.33654f);
    __m256 tiny = _mm256_cmp_ps(x, low, _CMP_LT_OQ);
    x = _mm256_max_ps(x, low);
    x = _mm256_min_ps(x, _mm256_set1_ps(88.7f));
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    __m256 r2 = _mm256_mul_ps(r, r);
    p = _mm256_fmadd_ps(p, r2, _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_andnot_ps(tiny, _mm256_mul_ps(p, _mm256_castsi256_ps(bits)));
}

// tanh(x) = x·P(x²)/Q(x²) on x clamped to ±7.905 (Eigen's ptanh_float coefficients), as tanh16.
CV_AVX2 static inline __m256 tanh8(__m256 x) {
    const __m256 c = _mm256_set1_ps(7.905311107635498f);
    __m256 xc = _mm256_min_ps(c, _mm256_max_ps(_mm256_sub_ps(_mm256_setzero_ps(), c), x));
    __m256 x2 = _mm256_mul_ps(xc, xc);
    __m256 p = _mm256_set1_ps(-2.76076847742355e-16f);
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(2.00018790482477e-13f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-8.60467152213735e-11f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(5.12229709037114e-08f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(1.48572235717979e-05f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(6.37261928875436e-04f));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(4.89352455891786e-03f));
    p = _mm256_mul_ps(p, xc);
    __m256 q = _mm256_set1_ps(1.19825839466702e-06f);
    q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(1.18534705686654e-04f));
    q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(2.26843463243900e-03f));
    q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(4.89352518554385e-03f));
    const __m256 one = _mm256_set1_ps(1.0f);
    __m256 y = _mm256_div_ps(p, q);
    y = _mm256_min_ps(one, _mm256_max_ps(_mm256_set1_ps(-1.0f), y));
    __m256 tiny = _mm256_cmp_ps(x2, _mm256_set1_ps(1.6e-7f), _CMP_LT_OQ);
    return _mm256_blendv_ps(y, xc, tiny);
}

CV_AVX2 static inline __m256 sigmoid8(__m256 x) {
    const __m256 half = _mm256_set1_ps(0.5f);
    return _mm256_fmadd_ps(half, tanh8(_mm256_mul_ps(half, x)), half);
}

#endif
#endif
