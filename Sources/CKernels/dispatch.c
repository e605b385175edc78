// The public cv_* functions: each runs the widest tier the CPU and OS support (CSupport's CPUID
// and XGETBV test, never a table of CPU models), or a lower one forced by `cv_kernels_force_level`.
#include "CKernels.h"
#include "tiers.h"

#if defined(__x86_64__)
#include "CSupport.h"

// The tier for CharvecRuntime's vector level (one CPUID + XGETBV test for the whole program):
// AVX-512 (level 3) runs the cv512_* code, AVX2 + FMA (level 2) the cv256_* code.
static int cv_detect_level(void) {
    int level = charvec_cpu_vector_level();
    return level >= 3 ? 2 : level == 2 ? 1 : 0;
}

static int cv_detected = -1;  // the CPU's level, once known
static int cv_active = -1;    // the level the cv_* functions run, once known

int cv_kernels_cpu_level(void) {
    int level = __atomic_load_n(&cv_detected, __ATOMIC_RELAXED);
    if (level < 0) {
        level = cv_detect_level();
        __atomic_store_n(&cv_detected, level, __ATOMIC_RELAXED);
    }
    return level;
}

int cv_kernels_level(void) {
    int level = __atomic_load_n(&cv_active, __ATOMIC_RELAXED);
    if (__builtin_expect(level >= 0, 1)) return level;
    int unset = -1;
    level = cv_kernels_cpu_level();
    // A concurrent cv_kernels_force_level wins over this first detection.
    if (!__atomic_compare_exchange_n(&cv_active, &unset, level, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) return unset;
    return level;
}

void cv_kernels_force_level(int level) {
    int detected = cv_kernels_cpu_level();
    __atomic_store_n(&cv_active, level < 0 || level > detected ? detected : level, __ATOMIC_RELAXED);
}

int cv_kernels_native(void) { return cv_kernels_level() > 0; }

// Runs the AVX-512 or the AVX2 version of a call; with neither (Tensor never calls then), traps.
#define CV_DISPATCH(call512, call256)                                                               \
    do {                                                                                           \
        int level_ = cv_kernels_level();                                                           \
        if (level_ == 2) call512;                                                                  \
        else if (level_ == 1) call256;                                                             \
        else __builtin_trap();                                                                     \
    } while (0)

void cv_lstm_forward(long rows, long H, float *gates, const float *cPrev, float *cell, float *tanhCell,
                     float *hidden, long hStride) {
    CV_DISPATCH(cv512_lstm_forward(rows, H, gates, cPrev, cell, tanhCell, hidden, hStride),
                cv256_lstm_forward(rows, H, gates, cPrev, cell, tanhCell, hidden, hStride));
}

void cv_lstm_backward(long rows, long H, const float *gates, const float *cPrev, const float *tanhCell,
                      const float *dOutput, long dOutputStride, const float *dhCarry, float *dcCarry,
                      float *dGates) {
    CV_DISPATCH(cv512_lstm_backward(rows, H, gates, cPrev, tanhCell, dOutput, dOutputStride, dhCarry, dcCarry, dGates),
                cv256_lstm_backward(rows, H, gates, cPrev, tanhCell, dOutput, dOutputStride, dhCarry, dcCarry, dGates));
}

void cv_gru_forward(long rows, long H, float *gates, const float *recurrent, const float *hiddenBias,
                    const float *hPrev, float *recurrentNew, float *hidden, long hStride) {
    CV_DISPATCH(cv512_gru_forward(rows, H, gates, recurrent, hiddenBias, hPrev, recurrentNew, hidden, hStride),
                cv256_gru_forward(rows, H, gates, recurrent, hiddenBias, hPrev, recurrentNew, hidden, hStride));
}

void cv_gru_backward(long rows, long H, const float *gates, const float *recurrentNew, const float *hPrev,
                     const float *dOutput, long dOutputStride, float *dhCarry, float *dGatesInput,
                     float *dGatesRecurrent) {
    CV_DISPATCH(cv512_gru_backward(rows, H, gates, recurrentNew, hPrev, dOutput, dOutputStride, dhCarry, dGatesInput,
                                   dGatesRecurrent),
                cv256_gru_backward(rows, H, gates, recurrentNew, hPrev, dOutput, dOutputStride, dhCarry, dGatesInput,
                                   dGatesRecurrent));
}

void cv_tanh(long n, const float *x, float *y) { CV_DISPATCH(cv512_tanh(n, x, y), cv256_tanh(n, x, y)); }

void cv_adam_step(long n, float *p, const float *g, float *m, float *v, float stepSize, float beta1,
                  float beta2, float epsilonHat, float decay) {
    CV_DISPATCH(cv512_adam_step(n, p, g, m, v, stepSize, beta1, beta2, epsilonHat, decay),
                cv256_adam_step(n, p, g, m, v, stepSize, beta1, beta2, epsilonHat, decay));
}

void cv_add_column_sums(long rows, long columns, long ld, const float *x, float *sums) {
    CV_DISPATCH(cv512_add_column_sums(rows, columns, ld, x, sums), cv256_add_column_sums(rows, columns, ld, x, sums));
}

double cv_softmax_row(long n, float *x, float scale, float *maximum) {
    double sum = 0;
    CV_DISPATCH(sum = cv512_softmax_row(n, x, scale, maximum), sum = cv256_softmax_row(n, x, scale, maximum));
    return sum;
}

void cv_contrastive_scan(long B, long D, long N, const float *U, const float *T, float scale,
                         const long *positives, float *maximum, double *sum, float *positive,
                         float *O, float *scratch) {
    CV_DISPATCH(cv512_contrastive_scan(B, D, N, U, T, scale, positives, maximum, sum, positive, O, scratch),
                cv256_contrastive_scan(B, D, N, U, T, scale, positives, maximum, sum, positive, O, scratch));
}

void cv_pack_b(long K, long N, const float *B, long ldb, int transposed, float *packed) {
    CV_DISPATCH(cv512_pack_b(K, N, B, ldb, transposed, packed), cv256_pack_b(K, N, B, ldb, transposed, packed));
}

void cv_gemm_packed(long M, long N, long K, const float *A, long lda, const float *packed,
                    int accumulate, float *C, long ldc) {
    CV_DISPATCH(cv512_gemm_packed(M, N, K, A, lda, packed, accumulate, C, ldc),
                cv256_gemm_packed(M, N, K, A, lda, packed, accumulate, C, ldc));
}

void cv_dot_rows(long rows, long D, const float *M, const float *q, float *out) {
    if (cv_kernels_level() >= 1) cv256_dot_rows(rows, D, M, q, out);
    else __builtin_trap();
}

#else  // Not x86-64: Tensor's portable kernels and BLAS run; the kernels are never called.

int cv_kernels_level(void) { return 0; }
int cv_kernels_cpu_level(void) { return 0; }
void cv_kernels_force_level(int level) { (void)level; }
int cv_kernels_native(void) { return 0; }
void cv_lstm_forward(long rows, long H, float *gates, const float *cPrev, float *cell, float *tanhCell,
                     float *hidden, long hStride) { (void)rows; (void)H; (void)gates; (void)cPrev; (void)cell;
    (void)tanhCell; (void)hidden; (void)hStride; __builtin_trap(); }
void cv_lstm_backward(long rows, long H, const float *gates, const float *cPrev, const float *tanhCell,
                      const float *dOutput, long dOutputStride, const float *dhCarry, float *dcCarry,
                      float *dGates) { (void)rows; (void)H; (void)gates; (void)cPrev; (void)tanhCell; (void)dOutput;
    (void)dOutputStride; (void)dhCarry; (void)dcCarry; (void)dGates; __builtin_trap(); }
void cv_gru_forward(long rows, long H, float *gates, const float *recurrent, const float *hiddenBias,
                    const float *hPrev, float *recurrentNew, float *hidden, long hStride) { (void)rows; (void)H;
    (void)gates; (void)recurrent; (void)hiddenBias; (void)hPrev; (void)recurrentNew; (void)hidden; (void)hStride;
    __builtin_trap(); }
void cv_gru_backward(long rows, long H, const float *gates, const float *recurrentNew, const float *hPrev,
                     const float *dOutput, long dOutputStride, float *dhCarry, float *dGatesInput,
                     float *dGatesRecurrent) { (void)rows; (void)H; (void)gates; (void)recurrentNew; (void)hPrev;
    (void)dOutput; (void)dOutputStride; (void)dhCarry; (void)dGatesInput; (void)dGatesRecurrent; __builtin_trap(); }
void cv_tanh(long n, const float *x, float *y) { (void)n; (void)x; (void)y; __builtin_trap(); }
void cv_adam_step(long n, float *p, const float *g, float *m, float *v, float stepSize, float beta1,
                  float beta2, float epsilonHat, float decay) { (void)n; (void)p; (void)g; (void)m; (void)v;
    (void)stepSize; (void)beta1; (void)beta2; (void)epsilonHat; (void)decay; __builtin_trap(); }
void cv_add_column_sums(long rows, long columns, long ld, const float *x, float *sums) { (void)rows; (void)columns;
    (void)ld; (void)x; (void)sums; __builtin_trap(); }
double cv_softmax_row(long n, float *x, float scale, float *maximum) { (void)n; (void)x; (void)scale; (void)maximum;
    __builtin_trap(); }
void cv_contrastive_scan(long B, long D, long N, const float *U, const float *T, float scale,
                         const long *positives, float *maximum, double *sum, float *positive, float *O, float *scratch) {
    (void)B; (void)D; (void)N; (void)U; (void)T; (void)scale; (void)positives; (void)maximum; (void)sum;
    (void)positive; (void)O; (void)scratch; __builtin_trap(); }
void cv_pack_b(long K, long N, const float *B, long ldb, int transposed, float *packed) {
    (void)K; (void)N; (void)B; (void)ldb; (void)transposed; (void)packed; __builtin_trap(); }
void cv_gemm_packed(long M, long N, long K, const float *A, long lda, const float *packed,
                    int accumulate, float *C, long ldc) {
    (void)M; (void)N; (void)K; (void)A; (void)lda; (void)packed; (void)accumulate; (void)C; (void)ldc;
    __builtin_trap(); }

void cv_dot_rows(long rows, long D, const float *M, const float *q, float *out) {
    (void)rows; (void)D; (void)M; (void)q; (void)out; __builtin_trap(); }

#endif
