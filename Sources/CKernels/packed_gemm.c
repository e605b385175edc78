#include "CKernels.h"
#include "native.h"
#include "micro.h"
#include "tiers.h"

// A GEMM for the recurrent step: C[M × N] (+)= A[M × K] · B, with B packed once per batch into
// panels of 32 columns. OpenBLAS packs its operands on every call; at the step shapes
// (M ≤ 256 rows, K = H, N = 4H, or K = 4H, N = H) that repacking of the same weight matrix takes
// about a third of each call (sgemm_itcopy/incopy against sgemm_kernel). Here the weights
// are packed once per batch and reused by every time step.
//
// This file holds the packing of both tiers (AVX-512: panels of 32 columns; AVX2: of 16) and the
// AVX-512 tier (packed_gemm_avx2.c: AVX2 + FMA). Register block: 12 rows × 32 columns = 24 ZMM accumulators; per k, two
// loads of the panel row and 12 broadcasts of A. K is blocked by 256 so a panel block (32 KB)
// stays in L1.

#if defined(__x86_64__)
long cv_packed_size(long K, long N) { return ((N + CV_PANEL - 1) / CV_PANEL) * CV_PANEL * K; }

// Panels of `width` columns (32 for AVX-512, 16 for AVX2), zero-padded to a multiple of 32
// columns: panel n0 / width is [K × width] at packed + n0 · K, row k at + k · width.
CV_INTERNAL void cv_pack_panels(long K, long N, const float *B, long ldb, int transposed, long width,
                                float *packed) {
    for (long n0 = 0; n0 < cv_round32(N); n0 += width) {
        float *panel = packed + n0 * K;
        long nc = N - n0 < 0 ? 0 : N - n0 < width ? N - n0 : width;
        if (!transposed) {
            for (long k = 0; k < K; k++) {
                float *row = panel + k * width;
                const float *src = B + k * ldb + n0;
                for (long c = 0; c < nc; c++) row[c] = src[c];
                for (long c = nc; c < width; c++) row[c] = 0;
            }
        } else {
            // Column c of the panel is row n0 + c of B; 16 k at a time keeps the writes in few lines.
            for (long k0 = 0; k0 < K; k0 += 16) {
                long kc = K - k0 < 16 ? K - k0 : 16;
                for (long c = 0; c < width; c++) {
                    const float *src = B + (n0 + c) * ldb + k0;
                    for (long j = 0; j < kc; j++) panel[(k0 + j) * width + c] = c < nc ? src[j] : 0;
                }
            }
        }
    }
}

CV_INTERNAL void cv512_pack_b(long K, long N, const float *B, long ldb, int transposed, float *packed) {
    cv_pack_panels(K, N, B, ldb, transposed, CV_PANEL, packed);
}

CV_MICRO(12)
CV_MICRO(8)
CV_MICRO(4)
CV_MICRO(2)
CV_MICRO(1)

CV_NATIVE void cv512_gemm_packed(long M, long N, long K, const float *A, long lda, const float *packed,
                                 int accumulate, float *C, long ldc) {
    if (M <= 0 || N <= 0) return;
    for (long n0 = 0; n0 < N; n0 += CV_PANEL) {
        long nc = N - n0;
        __mmask16 m0 = CV_MASK(nc, 0), m1 = nc > 16 ? CV_MASK(nc, 16) : 0;
        const float *panel = packed + n0 * K;
        for (long k0 = 0; k0 < K; k0 += CV_KBLOCK) {
            long kc = K - k0 < CV_KBLOCK ? K - k0 : CV_KBLOCK;
            int acc = accumulate || k0 > 0;
            const float *pk = panel + k0 * CV_PANEL;
            long i = 0;
            for (; i + 12 <= M; i += 12) cv_micro_12(kc, A + i * lda + k0, lda, pk, C + i * ldc + n0, ldc, acc, m0, m1);
            for (; i + 8 <= M; i += 8) cv_micro_8(kc, A + i * lda + k0, lda, pk, C + i * ldc + n0, ldc, acc, m0, m1);
            for (; i + 4 <= M; i += 4) cv_micro_4(kc, A + i * lda + k0, lda, pk, C + i * ldc + n0, ldc, acc, m0, m1);
            for (; i + 2 <= M; i += 2) cv_micro_2(kc, A + i * lda + k0, lda, pk, C + i * ldc + n0, ldc, acc, m0, m1);
            for (; i < M; i++) cv_micro_1(kc, A + i * lda + k0, lda, pk, C + i * ldc + n0, ldc, acc, m0, m1);
        }
    }
}

#else  // Not x86-64: the step products stay on BLAS; these are never called.

long cv_packed_size(long K, long N) { (void)K; (void)N; __builtin_trap(); }

#endif
