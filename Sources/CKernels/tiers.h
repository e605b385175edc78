// The two implementations behind each public cv_* function (dispatch.c picks one per call):
// cv512_* for AVX-512 (kernels.c, softmax.c, packed_gemm.c, contrastive.c) and cv256_* for
// AVX2 + FMA (the *_avx2.c files). Same arguments as the public functions in CKernels.h.
#ifndef CHARVEC_CKERNELS_TIERS_H
#define CHARVEC_CKERNELS_TIERS_H
#if defined(__x86_64__)

#define CV_INTERNAL __attribute__((visibility("hidden")))

#define CV_DECLARE_TIER(P)                                                                          \
    CV_INTERNAL void P##_lstm_forward(long rows, long H, float *gates, const float *cPrev, float *cell,    \
                                      float *tanhCell, float *hidden, long hStride);                \
    CV_INTERNAL void P##_lstm_backward(long rows, long H, const float *gates, const float *cPrev,         \
                                       const float *tanhCell, const float *dOutput, long dOutputStride, \
                                       const float *dhCarry, float *dcCarry, float *dGates);        \
    CV_INTERNAL void P##_gru_forward(long rows, long H, float *gates, const float *recurrent,            \
                                     const float *hiddenBias, const float *hPrev, float *recurrentNew, \
                                     float *hidden, long hStride);                                  \
    CV_INTERNAL void P##_gru_backward(long rows, long H, const float *gates, const float *recurrentNew,  \
                                      const float *hPrev, const float *dOutput, long dOutputStride,  \
                                      float *dhCarry, float *dGatesInput, float *dGatesRecurrent);   \
    CV_INTERNAL void P##_tanh(long n, const float *x, float *y);                                    \
    CV_INTERNAL void P##_adam_step(long n, float *p, const float *g, float *m, float *v, float stepSize, \
                                   float beta1, float beta2, float epsilonHat, float decay);         \
    CV_INTERNAL void P##_add_column_sums(long rows, long columns, long ld, const float *x, float *sums); \
    CV_INTERNAL double P##_softmax_row(long n, float *x, float scale, float *maximum);               \
    CV_INTERNAL void P##_contrastive_scan(long B, long D, long N, const float *U, const float *T,       \
                                          float scale, const long *positives, float *maximum,         \
                                          double *sum, float *positive, float *O, float *scratch);    \
    CV_INTERNAL void P##_gemm_packed(long M, long N, long K, const float *A, long lda,                \
                                     const float *packed, int accumulate, float *C, long ldc);        \
    CV_INTERNAL void P##_pack_b(long K, long N, const float *B, long ldb, int transposed, float *packed);

CV_DECLARE_TIER(cv512)
CV_DECLARE_TIER(cv256)
// Both tiers' packing (packed_gemm.c): panels of `width` columns.
CV_INTERNAL void cv_pack_panels(long K, long N, const float *B, long ldb, int transposed, long width,
                               float *packed);
// AVX2 only: the AVX-512 tier runs it too (see CKernels.h).
CV_INTERNAL void cv256_dot_rows(long rows, long D, const float *M, const float *q, float *out);

#endif
#endif
