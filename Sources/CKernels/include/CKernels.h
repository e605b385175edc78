#ifndef CHARVEC_CKERNELS_H
#define CHARVEC_CKERNELS_H
// C versions of Tensor's element-wise kernels (gate nonlinearities, Adam, column sums, softmax
// row), its packed GEMM and the contrastive loss's fused scan, in two tiers: AVX-512 and
// AVX2 + FMA. Swift cannot select instructions per function at run time; C can (`target`
// attributes), so each cv_* function runs the widest tier `cv_kernels_level()` reports, and
// Tensor calls them only when `cv_kernels_native()` says one runs. Tensor keeps portable SIMD8
// versions for every other machine and checks both against each other. Shapes and formulas are
// those of the Swift kernels they replace (Sources/Tensor/Kernels/Portable); all strides are in
// floats. Only Tensor imports this module; other modules call Tensor's Swift API. The packed GEMM
// (Tensor's PackedOperand) and the scan (CandidateScanner) have no Swift twin: without a C tier
// the recurrent step products and the loss stay on OpenBLAS, and tests compare the two.

#include <stddef.h>

/// The tier the cv_* functions run: 2 AVX-512 (F/VL/DQ/BW with FMA and the OS's ZMM state),
/// 1 AVX2 + FMA (with the OS's YMM state), 0 neither (they must not be called).
int cv_kernels_level(void);

/// The widest tier the CPU and OS support (what `cv_kernels_level()` reports unless forced).
int cv_kernels_cpu_level(void);

/// Caps the tier at min(`level`, the CPU's level); -1 restores the CPU's level. For tests and
/// benchmarks; process-wide, so not while other threads run the kernels.
void cv_kernels_force_level(int level);

/// 1 when some tier runs (`cv_kernels_level() > 0`); 0 otherwise.
int cv_kernels_native(void);

/// LSTM forward for `rows` rows: gates (rows × 4H, [i f g o]) → activations in place;
/// c = f⊙cPrev + i⊙g, tanhCell = tanh(c), h = o⊙tanh(c) (row stride `hStride`).
void cv_lstm_forward(long rows, long H, float *gates, const float *cPrev, float *cell, float *tanhCell,
                     float *hidden, long hStride);

/// LSTM backward for one step (see RecurrentKernels.lstmBackward).
void cv_lstm_backward(long rows, long H, const float *gates, const float *cPrev, const float *tanhCell,
                      const float *dOutput, long dOutputStride, const float *dhCarry, float *dcCarry,
                      float *dGates);

/// GRU forward for one step (see RecurrentKernels.gruForward).
void cv_gru_forward(long rows, long H, float *gates, const float *recurrent, const float *hiddenBias,
                    const float *hPrev, float *recurrentNew, float *hidden, long hStride);

/// GRU backward for one step (see RecurrentKernels.gruBackward).
void cv_gru_backward(long rows, long H, const float *gates, const float *recurrentNew, const float *hPrev,
                     const float *dOutput, long dOutputStride, float *dhCarry, float *dGatesInput,
                     float *dGatesRecurrent);

/// Elementwise tanh of `n` floats (the same approximation as Tensor.Activations); `x` may be `y`.
void cv_tanh(long n, const float *x, float *y);

/// One Adam step over `n` scalars (see Kernels.adamStep).
void cv_adam_step(long n, float *p, const float *g, float *m, float *v, float stepSize, float beta1,
                  float beta2, float epsilonHat, float decay);

/// sums[j] += Σ_r x[r·ld + j] for j < columns.
void cv_add_column_sums(long rows, long columns, long ld, const float *x, float *sums);

/// One row of a softmax: m = max x, x[j] ← exp((x[j] − m)·scale) in place; returns Σ x[j]
/// (in double) and stores m in `maximum`. scale > 0.
double cv_softmax_row(long n, float *x, float scale, float *maximum);

/// Floats of scratch `cv_contrastive_scan` needs for B predictions of dimension D.
long cv_contrastive_scratch_size(long B, long D);

/// One pass of the contrastive loss over N candidates T [N × D] (row-major unit rows) for B unit
/// predictions U [B × D]: per row r, with s_j = U_r·T_j, `maximum[r]` = max_j s_j, `sum[r]` =
/// Σ_j exp((s_j − maximum[r])·scale), `O[r]` = Σ_j exp((s_j − maximum[r])·scale)·T_j [B × D], and
/// `positive[r]` = s at index `positives[r]` (0 when outside [0, N)). `scratch` holds
/// `cv_contrastive_scratch_size(B, D)` floats.
void cv_contrastive_scan(long B, long D, long N, const float *U, const float *T, float scale,
                         const long *positives, float *maximum, double *sum, float *positive,
                         float *O, float *scratch);

/// out[r] = M[r]·q for the `rows` rows of M [rows × D] (row-major), in one sequential pass
/// (exact search of one query). Each row's sum: four 8-lane FMA partial sums, their lanes, then the
/// D mod 8 tail in order. The same on every tier (it is bound by memory, not arithmetic).
void cv_dot_rows(long rows, long D, const float *M, const float *q, float *out);

/// Floats needed to pack a K × N right operand (N rounded up to panels of 32 columns).
long cv_packed_size(long K, long N);

/// Packs the right operand B of C = A·B, K × N, into 32-column panels (zero-padded), laid out for
/// the tier that runs now (AVX-512: rows of 32; AVX2: two [K × 16] halves): multiply it in the
/// same tier. With `transposed` the operand is Bᵀ of a stored N × K matrix: element (k, n) =
/// B[n·ldb + k].
void cv_pack_b(long K, long N, const float *B, long ldb, int transposed, float *packed);

/// C[M × N] = A[M × K]·B, or C += A·B with `accumulate`; B packed by `cv_pack_b` in this tier.
void cv_gemm_packed(long M, long N, long K, const float *A, long lda, const float *packed,
                    int accumulate, float *C, long ldc);

#endif
