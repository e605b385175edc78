// The AVX2 + FMA tier of the packed GEMM (packed_gemm.c): 32-column panels as for AVX-512, each
// stored as two [K × 16] halves, run by a 6 × 16 register block over one half at a time. Per k:
// two loads of the half's row, 6 broadcasts of A, 12 FMAs. K is blocked by 256, so a half block
// (16 KB, contiguous) stays in L1 while the row blocks of A run past it. (Rows of 32 floats would
// put a half's 256 rows 128 bytes apart, on half of L1's sets, which the rows of A then evict.)
#include "CKernels.h"
#include "micro_avx2.h"
#include "tiers.h"

#if defined(__x86_64__)

CV256_MICRO(6)
CV256_MICRO(4)
CV256_MICRO(2)
CV256_MICRO(1)

// Panel n0 / 32 at packed + n0 · K: columns n0 … n0 + 15 as [K × 16], then n0 + 16 … n0 + 31.
void cv256_pack_b(long K, long N, const float *B, long ldb, int transposed, float *packed) {
    for (long h0 = 0; h0 < cv_round32(N); h0 += 16) {
        float *half = packed + h0 * K;
        long nc = N - h0 < 0 ? 0 : N - h0 < 16 ? N - h0 : 16;
        if (!transposed) {
            for (long k = 0; k < K; k++) {
                const float *src = B + k * ldb + h0;
                for (long c = 0; c < nc; c++) half[k * 16 + c] = src[c];
                for (long c = nc; c < 16; c++) half[k * 16 + c] = 0;
            }
        } else {
            // Column c of the half is row h0 + c of B; 16 k at a time keeps the writes in 16 lines.
            for (long k0 = 0; k0 < K; k0 += 16) {
                long kc = K - k0 < 16 ? K - k0 : 16;
                for (long c = 0; c < 16; c++) {
                    const float *src = B + (h0 + c) * ldb + k0;
                    for (long j = 0; j < kc; j++) half[(k0 + j) * 16 + c] = c < nc ? src[j] : 0;
                }
            }
        }
    }
}

CV_AVX2 void cv256_gemm_packed(long M, long N, long K, const float *A, long lda, const float *packed,
                               int accumulate, float *C, long ldc) {
    if (M <= 0 || N <= 0) return;
    for (long n0 = 0; n0 < N; n0 += CV_PANEL) {
        const float *panel = packed + n0 * K;
        for (long k0 = 0; k0 < K; k0 += CV_KBLOCK) {
            long kc = K - k0 < CV_KBLOCK ? K - k0 : CV_KBLOCK;
            int acc = accumulate || k0 > 0;
            for (long h = 0; h < CV_PANEL && n0 + h < N; h += 16) {
                long nc = N - n0 - h < 16 ? N - n0 - h : 16;
                const float *half = panel + h * K + k0 * 16;
                const float *a = A + k0;
                float *c = C + n0 + h;
                long i = 0;
                for (; i + 6 <= M; i += 6) cv256_micro_6(kc, a + i * lda, lda, half, c + i * ldc, ldc, acc, nc);
                for (; i + 4 <= M; i += 4) cv256_micro_4(kc, a + i * lda, lda, half, c + i * ldc, ldc, acc, nc);
                for (; i + 2 <= M; i += 2) cv256_micro_2(kc, a + i * lda, lda, half, c + i * ldc, ldc, acc, nc);
                for (; i < M; i++) cv256_micro_1(kc, a + i * lda, lda, half, c + i * ldc, ldc, acc, nc);
            }
        }
    }
}

#endif
