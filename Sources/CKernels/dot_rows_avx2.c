// Dot products of every row of a large row-major matrix with one vector (exact search of a single
// query). Bound by memory: the matrix streams from DRAM once. The rows are read strictly in order,
// one at a time, as one sequential stream, which the hardware prefetchers follow best (reading
// four rows side by side, or adding software prefetches, measured slower).
#include "CKernels.h"
#include "avx2.h"
#include "tiers.h"

#if defined(__x86_64__)

CV_AVX2 void cv256_dot_rows(long rows, long D, const float *M, const float *q, float *out) {
    for (long r = 0; r < rows; r++) {
        const float *a = M + r * D;
        // Four independent accumulators hide the FMA latency.
        __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
        long k = 0;
        for (; k + 32 <= D; k += 32) {
            s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k), _mm256_loadu_ps(q + k), s0);
            s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k + 8), _mm256_loadu_ps(q + k + 8), s1);
            s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k + 16), _mm256_loadu_ps(q + k + 16), s2);
            s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k + 24), _mm256_loadu_ps(q + k + 24), s3);
        }
        for (; k + 8 <= D; k += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k), _mm256_loadu_ps(q + k), s0);
        __m256 s = _mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3));
        __m128 h = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
        h = _mm_add_ps(h, _mm_movehl_ps(h, h));
        h = _mm_add_ss(h, _mm_shuffle_ps(h, h, 1));
        float t = _mm_cvtss_f32(h);
        for (; k < D; k++) t += a[k] * q[k];
        out[r] = t;
    }
}

#endif
