// The audit's per-row scan with AVX-512 (256-bit lanes), where Swift's baseline build would use
// SSE2 and emulate the hash's 64-bit multiplies. Same operations, lane for lane, as the Swift
// loop in AuditState.rowNumbers, so the sums, flags and fingerprints are bit-identical to it.
#include "CAuditKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

// Compiled for AVX-512 + FMA; called only when the CPU has them.
#define CV_NATIVE __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,fma")))

// The Swift loop multiplies, then adds: no fused multiply-add here either.
#pragma clang fp contract(off)
CV_NATIVE void cv_audit_row_blocks(const void *raw, long blocks, float sums[8], unsigned *magnitude, unsigned *exponent,
                                   unsigned long long lanes[4]) {
    const unsigned char *p = raw;
    __m256 sum = _mm256_loadu_ps(sums);
    __m256i mag = _mm256_setzero_si256(), ex = _mm256_setzero_si256();
    __m256i h = _mm256_loadu_si256((const __m256i *)lanes);
    const __m256i absMask = _mm256_set1_epi32(0x7FFFFFFF), expMask = _mm256_set1_epi32(0x7F800000);
    const __m256i k1 = _mm256_set1_epi64x((long long)0x9E3779B97F4A7C15ULL);
    for (long b = 0; b < blocks; b++) {
        __m256i bits = _mm256_loadu_si256((const __m256i *)(p + 32 * b));
        __m256 v = _mm256_castsi256_ps(bits);
        sum = _mm256_add_ps(sum, _mm256_mul_ps(v, v));
        mag = _mm256_or_si256(mag, _mm256_and_si256(bits, absMask));
        ex = _mm256_max_epu32(ex, _mm256_and_si256(bits, expMask));
        h = _mm256_rol_epi64(_mm256_mullo_epi64(_mm256_xor_si256(h, bits), k1), 31);
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

CV_NATIVE void cv_audit_add_to_mean(const void *raw, long n, double *meanSum) {
    const float *x = raw;
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        __m512d v = _mm512_cvtps_pd(_mm256_loadu_ps(x + i));
        _mm512_storeu_pd(meanSum + i, _mm512_add_pd(_mm512_loadu_pd(meanSum + i), v));
    }
    for (; i < n; i++) { float v; __builtin_memcpy(&v, x + i, 4); meanSum[i] += (double)v; }
}
#else
void cv_audit_row_blocks(const void *raw, long blocks, float sums[8], unsigned *magnitude, unsigned *exponent,
                         unsigned long long lanes[4]) {
    (void)raw; (void)blocks; (void)sums; (void)magnitude; (void)exponent; (void)lanes; __builtin_trap();
}
void cv_audit_add_to_mean(const void *raw, long n, double *meanSum) { (void)raw; (void)n; (void)meanSum; __builtin_trap(); }
#endif
