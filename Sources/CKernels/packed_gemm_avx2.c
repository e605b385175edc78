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

// Panels of 16 columns: the two halves of each 32-column panel, [K × 16] each.
void cv256_pack_b(long K, long N, const float *B, long ldb, int transposed, float *packed) {
    cv_pack_panels(K, N, B, ldb, transposed, 16, packed);
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
