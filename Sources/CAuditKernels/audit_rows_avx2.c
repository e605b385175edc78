// The audit's per-row scan with AVX2, for CPUs without AVX-512: the same operations, lane for
// lane, as audit_rows.c and the Swift loop in AuditState.rowNumbers (bit-identical results).
// AVX2 has no 64-bit multiply or rotate, so the hash's are built from 32-bit products and shifts.
#include "CAuditKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define CV_AVX2 __attribute__((target("avx2")))

// a·b mod 2^64 per 64-bit lane, with b's halves given: lo(a)·lo(b) + (hi(a)·lo(b) + lo(a)·hi(b)) << 32.
CV_AVX2 static inline __m256i mullo64(__m256i a, __m256i bLow, __m256i bHigh) {
    __m256i low = _mm256_mul_epu32(a, bLow);
    __m256i cross = _mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(a, 32), bLow), _mm256_mul_epu32(a, bHigh));
    return _mm256_add_epi64(low, _mm256_slli_epi64(cross, 32));
}

#pragma clang fp contract(off)
CV_AVX2 void cv_audit_row_blocks_avx2(const void *raw, long blocks, float sums[8], unsigned *magnitude,
                                      unsigned *exponent, unsigned long long lanes[4]) {
    const unsigned char *p = raw;
    __m256 sum = _mm256_loadu_ps(sums);
    __m256i mag = _mm256_setzero_si256(), ex = _mm256_setzero_si256();
    __m256i h = _mm256_loadu_si256((const __m256i *)lanes);
    const __m256i absMask = _mm256_set1_epi32(0x7FFFFFFF), expMask = _mm256_set1_epi32(0x7F800000);
    const unsigned long long k = 0x9E3779B97F4A7C15ULL;
    const __m256i kLow = _mm256_set1_epi64x((long long)(k & 0xFFFFFFFFu)), kHigh = _mm256_set1_epi64x((long long)(k >> 32));
    for (long b = 0; b < blocks; b++) {
        __m256i bits = _mm256_loadu_si256((const __m256i *)(p + 32 * b));
        __m256 v = _mm256_castsi256_ps(bits);
        sum = _mm256_add_ps(sum, _mm256_mul_ps(v, v));
        mag = _mm256_or_si256(mag, _mm256_and_si256(bits, absMask));
        ex = _mm256_max_epu32(ex, _mm256_and_si256(bits, expMask));
        __m256i x = mullo64(_mm256_xor_si256(h, bits), kLow, kHigh);
        h = _mm256_or_si256(_mm256_slli_epi64(x, 31), _mm256_srli_epi64(x, 33));
    }
    _mm256_storeu_ps(sums, sum);
    _mm256_storeu_si256((__m256i *)lanes, h);
    unsigned m[8], e[8], mo = 0, eo = 0;
    _mm256_storeu_si256((__m256i *)m, mag);
    _mm256_storeu_si256((__m256i *)e, ex);
    for (int i = 0; i < 8; i++) { mo |= m[i]; eo = e[i] > eo ? e[i] : eo; }
    *magnitude = mo;
    *exponent = eo;
}

CV_AVX2 void cv_audit_add_to_mean_avx2(const void *raw, long n, double *meanSum) {
    const float *x = raw;
    long i = 0;
    for (; i + 4 <= n; i += 4) {
        __m256d v = _mm256_cvtps_pd(_mm_loadu_ps(x + i));
        _mm256_storeu_pd(meanSum + i, _mm256_add_pd(_mm256_loadu_pd(meanSum + i), v));
    }
    for (; i < n; i++) { float v; __builtin_memcpy(&v, x + i, 4); meanSum[i] += (double)v; }
}
#else
void cv_audit_row_blocks_avx2(const void *raw, long blocks, float sums[8], unsigned *magnitude, unsigned *exponent,
                              unsigned long long lanes[4]) {
    (void)raw; (void)blocks; (void)sums; (void)magnitude; (void)exponent; (void)lanes; __builtin_trap();
}
void cv_audit_add_to_mean_avx2(const void *raw, long n, double *meanSum) { (void)raw; (void)n; (void)meanSum; __builtin_trap(); }
#endif
