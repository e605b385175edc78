#ifndef CHARVEC_CAUDITKERNELS_H
#define CHARVEC_CAUDITKERNELS_H
// The audit's row scan with AVX-512 or AVX2, used by EmbeddingAudit only (its Swift loop is the
// portable version and the reference). Call the plain functions only when CharvecRuntime's
// `CPUFeatures.vectorLevel` is 3 (AVX-512), the `_avx2` ones only when it is at least 2.

/// The audit's row scan over `blocks` × 8 little-endian float32 values at `raw` (unaligned):
/// adds v·v per lane into `sums`, ORs |bits| into `magnitude`, keeps the largest exponent field
/// in `exponent` and absorbs each 32-byte block into the 4 hash `lanes`, exactly as the Swift
/// loop in AuditState.rowNumbers does (bit-identical results).
void cv_audit_row_blocks(const void *raw, long blocks, float sums[8], unsigned *magnitude, unsigned *exponent,
                         unsigned long long lanes[4]);

/// `meanSum[i] += (double)x[i]` for the `n` float32 values at `raw` (unaligned).
void cv_audit_add_to_mean(const void *raw, long n, double *meanSum);

/// `cv_audit_row_blocks` with AVX2 (bit-identical).
void cv_audit_row_blocks_avx2(const void *raw, long blocks, float sums[8], unsigned *magnitude, unsigned *exponent,
                              unsigned long long lanes[4]);

/// `cv_audit_add_to_mean` with AVX2 (bit-identical).
void cv_audit_add_to_mean_avx2(const void *raw, long n, double *meanSum);

#endif
