// The AVX2 register-blocked micro kernels shared by packed_gemm_avx2.c and contrastive_avx2.c:
// 6 rows × 16 columns (one half of a 32-column panel) = 12 YMM accumulators, plus two panel
// loads and one broadcast per k: 15 of the 16 registers.
#ifndef CHARVEC_CKERNELS_MICRO_AVX2_H
#define CHARVEC_CKERNELS_MICRO_AVX2_H
#if defined(__x86_64__)
#include "avx2.h"

// The tallest block (6, 4, 2 or 1 rows) that fits in the `left` rows that remain.
static inline long cv256_micro_rows(long left) { return left >= 6 ? 6 : left >= 4 ? 4 : left >= 2 ? 2 : 1; }

// Stores MR rows of c0/c1 (16 columns; `nc` < 16 of them inside the matrix: masked), adding what
// C holds first with `accumulate`.
#define CV256_STORE_ROWS(MR, C, ldc, accumulate, nc)                                               \
    if ((nc) >= 16) {                                                                              \
        _Pragma("GCC unroll 8") for (int r = 0; r < MR; r++) {                                     \
            float *out = (C) + r * (ldc);                                                          \
            if (accumulate) {                                                                      \
                c0[r] = _mm256_add_ps(_mm256_loadu_ps(out), c0[r]);                                \
                c1[r] = _mm256_add_ps(_mm256_loadu_ps(out + 8), c1[r]);                            \
            }                                                                                      \
            _mm256_storeu_ps(out, c0[r]);                                                          \
            _mm256_storeu_ps(out + 8, c1[r]);                                                      \
        }                                                                                          \
    } else {                                                                                       \
        __m256i m0 = cv_mask8(nc), m1 = cv_mask8((nc) - 8);                                        \
        _Pragma("GCC unroll 8") for (int r = 0; r < MR; r++) {                                     \
            float *out = (C) + r * (ldc);                                                          \
            if (accumulate) {                                                                      \
                c0[r] = _mm256_add_ps(_mm256_maskload_ps(out, m0), c0[r]);                         \
                c1[r] = _mm256_add_ps(_mm256_maskload_ps(out + 8, m1), c1[r]);                     \
            }                                                                                      \
            _mm256_maskstore_ps(out, m0, c0[r]);                                                   \
            _mm256_maskstore_ps(out + 8, m1, c1[r]);                                               \
        }                                                                                          \
    }

// MR rows × 16 columns over k in [0, kc): c[r] += A[r, k] · half[k], `half` a [kc × 16] block of
// one half of a packed panel (cv256_pack_b: rows of 16, contiguous). `accumulate`: add the result
// to C (else overwrite).
// The unroll pragmas keep c0/c1 in registers; without them they stay in memory.
#define CV256_MICRO(MR)                                                                            \
    CV_AVX2 __attribute__((noinline)) static void cv256_micro_##MR(                                \
        long kc, const float *A, long lda, const float *half, float *C, long ldc, int accumulate,  \
        long nc) {                                                                                 \
        __m256 c0[MR], c1[MR];                                                                     \
        _Pragma("GCC unroll 8") for (int r = 0; r < MR; r++) {                                     \
            c0[r] = _mm256_setzero_ps();                                                           \
            c1[r] = _mm256_setzero_ps();                                                           \
        }                                                                                          \
        for (long k = 0; k < kc; k++) {                                                            \
            __m256 b0 = _mm256_loadu_ps(half + k * 16);                                            \
            __m256 b1 = _mm256_loadu_ps(half + k * 16 + 8);                                        \
            _Pragma("GCC unroll 8") for (int r = 0; r < MR; r++) {                                 \
                __m256 a = _mm256_broadcast_ss(A + r * lda + k);                                   \
                c0[r] = _mm256_fmadd_ps(a, b0, c0[r]);                                             \
                c1[r] = _mm256_fmadd_ps(a, b1, c1[r]);                                             \
            }                                                                                      \
        }                                                                                          \
        CV256_STORE_ROWS(MR, C, ldc, accumulate, nc)                                               \
    }

// The same block with A stored by columns, starting from C: c[r] += A[r + k·lda] · half[k·ldp], for
// A = Tᵀ of a row-major T (a row of T gives MR consecutive broadcasts) and rows of stride `ldp`.
#define CV256_MICRO_COLUMNS(MR)                                                                    \
    CV_AVX2 __attribute__((noinline)) static void cv256_micro_columns_##MR(                        \
        long kc, const float *A, long lda, const float *half, long ldp, float *C, long ldc,        \
        long nc) {                                                                                 \
        __m256 c0[MR], c1[MR];                                                                     \
        __m256i m0 = cv_mask8(nc), m1 = cv_mask8(nc - 8);                                          \
        _Pragma("GCC unroll 8") for (int r = 0; r < MR; r++) {                                     \
            c0[r] = _mm256_maskload_ps(C + r * ldc, m0);                                           \
            c1[r] = _mm256_maskload_ps(C + r * ldc + 8, m1);                                       \
        }                                                                                          \
        for (long k = 0; k < kc; k++) {                                                            \
            __m256 b0 = _mm256_loadu_ps(half + k * ldp);                                           \
            __m256 b1 = _mm256_loadu_ps(half + k * ldp + 8);                                       \
            const float *a = A + k * lda;                                                          \
            _Pragma("GCC unroll 8") for (int r = 0; r < MR; r++) {                                 \
                __m256 x = _mm256_broadcast_ss(a + r);                                             \
                c0[r] = _mm256_fmadd_ps(x, b0, c0[r]);                                             \
                c1[r] = _mm256_fmadd_ps(x, b1, c1[r]);                                             \
            }                                                                                      \
        }                                                                                          \
        CV256_STORE_ROWS(MR, C, ldc, 0, nc)                                                        \
    }

#endif
#endif
