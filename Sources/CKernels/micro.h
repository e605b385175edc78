// The register-blocked micro kernels shared by the packed GEMM and the contrastive scan.
#ifndef CHARVEC_CKERNELS_MICRO_H
#define CHARVEC_CKERNELS_MICRO_H
#if defined(__x86_64__)
#include "native.h"
#include "layout.h"

// The tallest block (12, 8, 4, 2 or 1 rows) that fits in the `left` rows that remain.
static inline long cv_micro_rows(long left) {
    return left >= 12 ? 12 : left >= 8 ? 8 : left >= 4 ? 4 : left >= 2 ? 2 : 1;
}

// MR rows × 32 columns over k in [0, kc): c[r] += A[r, k] · panel[k]. `accumulate`: add the
// result to C (else overwrite). `m0`, `m1`: column masks of the two 16-lane halves.
#define CV_MICRO(MR)                                                                               \
    CV_NATIVE __attribute__((noinline)) static void cv_micro_##MR(                                 \
        long kc, const float *A, long lda, const float *panel, float *C, long ldc,                 \
        int accumulate, __mmask16 m0, __mmask16 m1) {                                              \
        __m512 c0[MR], c1[MR];                                                                     \
        /* The unroll pragmas keep c0/c1 in registers; without them they stay in memory. */        \
        _Pragma("GCC unroll 16") for (int r = 0; r < MR; r++) {                                    \
            c0[r] = _mm512_setzero_ps();                                                           \
            c1[r] = _mm512_setzero_ps();                                                           \
        }                                                                                          \
        for (long k = 0; k < kc; k++) {                                                            \
            __m512 b0 = _mm512_loadu_ps(panel + k * CV_PANEL);                                     \
            __m512 b1 = _mm512_loadu_ps(panel + k * CV_PANEL + 16);                                \
            _Pragma("GCC unroll 16") for (int r = 0; r < MR; r++) {                                \
                __m512 a = _mm512_set1_ps(A[r * lda + k]);                                         \
                c0[r] = _mm512_fmadd_ps(a, b0, c0[r]);                                             \
                c1[r] = _mm512_fmadd_ps(a, b1, c1[r]);                                             \
            }                                                                                      \
        }                                                                                          \
        _Pragma("GCC unroll 16") for (int r = 0; r < MR; r++) {                                    \
            float *out = C + r * ldc;                                                              \
            if (accumulate) {                                                                      \
                c0[r] = _mm512_add_ps(_mm512_maskz_loadu_ps(m0, out), c0[r]);                      \
                c1[r] = _mm512_add_ps(_mm512_maskz_loadu_ps(m1, out + 16), c1[r]);                 \
            }                                                                                      \
            _mm512_mask_storeu_ps(out, m0, c0[r]);                                                 \
            _mm512_mask_storeu_ps(out + 16, m1, c1[r]);                                            \
        }                                                                                          \
    }

// The same block with A stored by columns: c[r] += A[r + k·lda] · panel[k·ldp], for A = Tᵀ of a
// row-major T (a row of T gives MR consecutive broadcasts) and a panel with row stride `ldp`.
#define CV_MICRO_COLUMNS(MR)                                                                       \
    CV_NATIVE __attribute__((noinline)) static void cv_micro_columns_##MR(                         \
        long kc, const float *A, long lda, const float *panel, long ldp, float *C, long ldc,       \
        __mmask16 m0, __mmask16 m1) {                                                              \
        __m512 c0[MR], c1[MR];                                                                     \
        _Pragma("GCC unroll 16") for (int r = 0; r < MR; r++) {                                    \
            c0[r] = _mm512_maskz_loadu_ps(m0, C + r * ldc);                                        \
            c1[r] = _mm512_maskz_loadu_ps(m1, C + r * ldc + 16);                                   \
        }                                                                                          \
        for (long k = 0; k < kc; k++) {                                                            \
            __m512 b0 = _mm512_loadu_ps(panel + k * ldp);                                          \
            __m512 b1 = _mm512_loadu_ps(panel + k * ldp + 16);                                     \
            const float *a = A + k * lda;                                                          \
            _Pragma("GCC unroll 16") for (int r = 0; r < MR; r++) {                                \
                __m512 x = _mm512_set1_ps(a[r]);                                                   \
                c0[r] = _mm512_fmadd_ps(x, b0, c0[r]);                                             \
                c1[r] = _mm512_fmadd_ps(x, b1, c1[r]);                                             \
            }                                                                                      \
        }                                                                                          \
        _Pragma("GCC unroll 16") for (int r = 0; r < MR; r++) {                                    \
            _mm512_mask_storeu_ps(C + r * ldc, m0, c0[r]);                                         \
            _mm512_mask_storeu_ps(C + r * ldc + 16, m1, c1[r]);                                    \
        }                                                                                          \
    }

#endif
#endif
