// Shared by the AVX-512 C files (not part of the public header).
#ifndef CHARVEC_CKERNELS_NATIVE_H
#define CHARVEC_CKERNELS_NATIVE_H
#if defined(__x86_64__)
#include <immintrin.h>

// Compiled for AVX-512 + FMA; called only when cv_kernels_level() is 2.
#define CV_NATIVE __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,fma")))

// Lanes of a 16-wide block starting at j that lie below n (n > j).
#define CV_MASK(n, j) ((n) - (j) >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << ((n) - (j))) - 1u))

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

#endif
#endif
