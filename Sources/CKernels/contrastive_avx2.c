// The AVX2 + FMA tier of the fused contrastive pass (contrastive.c): the same chunks of 256
// candidates, online-softmax rescaling, scratch size and outputs; batch rows run along 8-wide
// lanes (groups of 8 within the 32-row panels of the packed Uᵀ), both products use the 6 × 16
// micro kernels over each half of a panel, and the chunk's scores are stored by halves.
#include "CKernels.h"
#include "micro_avx2.h"
#include "tiers.h"

#if defined(__x86_64__)

CV256_MICRO(6)
CV256_MICRO(4)
CV256_MICRO(2)
CV256_MICRO(1)
CV256_MICRO_COLUMNS(6)
CV256_MICRO_COLUMNS(4)
CV256_MICRO_COLUMNS(2)
CV256_MICRO_COLUMNS(1)

// The chunk's scores (then exponentials) are stored by 16-column halves of the batch: half h is a
// contiguous [CV_CHUNK × 16] block, so the second product reads its slice of Eᵀ as one 16 KB run
// that stays in L1 (rows of a [nb × 64] layout are 256 bytes apart and fall into a quarter of
// L1's sets). This is the float offset of half `h`.
static inline long cv256_half(long h) { return h * CV_CHUNK * 16; }

// Sᵀ = T[nb × D]·Uᵀ in halves: 6 candidates at a time against every half-panel of the batch, so
// each row of T comes from memory once and the packed Uᵀ from L2.
CV_AVX2 static void cv256_scores(long nb, long D, long B, const float *T, const float *packedU, float *St) {
    long i = 0;
    while (i < nb) {
        long mr = cv256_micro_rows(nb - i);
        // The next 6 rows toward L2: a row is only D floats, too short a stream for the hardware
        // prefetchers to ramp up on when the table comes from memory.
        const char *next = (const char *)(T + (i + 6) * D), *end = (const char *)(T + nb * D);
        for (long b = 0; b < 6 * D * 4 && next + b < end; b += 64) _mm_prefetch(next + b, _MM_HINT_T1);
        for (long h0 = 0; h0 < B; h0 += 16) {
            long nc = B - h0 < 16 ? B - h0 : 16;
            // Columns h0 … h0 + 15 of the batch: panel h0 / 32, half (h0 % 32) / 16, at h0 · D.
            const float *half = packedU + h0 * D;
            for (long k0 = 0; k0 < D; k0 += CV_KBLOCK) {
                long kc = D - k0 < CV_KBLOCK ? D - k0 : CV_KBLOCK;
                const float *a = T + i * D + k0, *p = half + k0 * 16;
                float *c = St + cv256_half(h0 / 16) + i * 16;
                int acc = k0 > 0;
                switch (mr) {
                case 6: cv256_micro_6(kc, a, D, p, c, 16, acc, nc); break;
                case 4: cv256_micro_4(kc, a, D, p, c, 16, acc, nc); break;
                case 2: cv256_micro_2(kc, a, D, p, c, 16, acc, nc); break;
                default: cv256_micro_1(kc, a, D, p, c, 16, acc, nc); break;
                }
            }
        }
        i += mr;
    }
}

// Oᵀ[D × ld] += Tᵀ[D × nb]·Eᵀ (Eᵀ in halves): per 16 columns of the batch that half of Eᵀ
// (16 KB) stays in L1 while 6 dimensions at a time run down the chunk.
CV_AVX2 static void cv256_weighted(long nb, long D, long B, const float *T, const float *Et, float *Ot, long ld) {
    for (long h0 = 0; h0 < B; h0 += 16) {
        long nc = B - h0 < 16 ? B - h0 : 16;
        long i = 0;
        while (i < D) {
            long mr = cv256_micro_rows(D - i);
            const float *a = T + i, *p = Et + cv256_half(h0 / 16);
            float *c = Ot + i * ld + h0;
            switch (mr) {
            case 6: cv256_micro_columns_6(nb, a, D, p, 16, c, ld, nc); break;
            case 4: cv256_micro_columns_4(nb, a, D, p, 16, c, ld, nc); break;
            case 2: cv256_micro_columns_2(nb, a, D, p, 16, c, ld, nc); break;
            default: cv256_micro_columns_1(nb, a, D, p, 16, c, ld, nc); break;
            }
            i += mr;
        }
    }
}

// Widens the 8 floats of `f` to two 4-double halves.
#define CV_LOW_PD(f) _mm256_cvtps_pd(_mm256_castps256_ps128(f))
#define CV_HIGH_PD(f) _mm256_cvtps_pd(_mm256_extractf128_ps((f), 1))

// One block of at most CV_ROWS predictions.
CV_AVX2 static void cv256_contrastive_block(long B, long D, long N, const float *U, const float *T, float scale,
                                            const long *positives, float *maximum, double *sum, float *positive,
                                            float *O, float *scratch) {
    long ld = cv_round32(B), lanes = (B + 7) / 8;
    float *packedU = scratch, *St = packedU + cv_packed_size(D, B), *Ot = St + CV_CHUNK * ld;
    cv256_pack_b(D, B, U, D, 1, packedU);
    for (long i = 0; i < D * ld; i++) Ot[i] = 0;
    for (long i = 0; i < CV_CHUNK * ld; i++) St[i] = 0;  // lanes past B stay 0
    for (long r = 0; r < B; r++) positive[r] = 0;
    __m256 top[CV_ROWS / 8];
    __m256d total[2 * CV_ROWS / 8];
    for (long v = 0; v < lanes; v++) {
        top[v] = _mm256_set1_ps(-__builtin_inff());
        total[2 * v] = total[2 * v + 1] = _mm256_setzero_pd();
    }
    const __m256 vscale = _mm256_set1_ps(scale), one = _mm256_set1_ps(1);
    for (long j0 = 0; j0 < N; j0 += CV_CHUNK) {
        long nb = N - j0 < CV_CHUNK ? N - j0 : CV_CHUNK;
        const float *Tc = T + j0 * D;
        cv256_scores(nb, D, B, Tc, packedU, St);
        for (long r = 0; r < B; r++) {
            long y = positives[r] - j0;
            if (y >= 0 && y < nb) positive[r] = St[cv256_half(r / 16) + y * 16 + r % 16];
        }
        for (long v = 0; v < lanes; v++) {
            __m256 live = _mm256_castsi256_ps(cv_mask8(B - v * 8));
            __m256 chunkTop = _mm256_set1_ps(-__builtin_inff());
            for (long j = 0; j < nb; j++) chunkTop = _mm256_max_ps(chunkTop, _mm256_loadu_ps(St + cv256_half(v / 2) + j * 16 + v % 2 * 8));
            __m256 newTop = _mm256_max_ps(top[v], chunkTop);
            __m256 grew = _mm256_and_ps(live, _mm256_cmp_ps(newTop, top[v], _CMP_GT_OQ));
            if (!_mm256_testz_ps(grew, grew) && j0 > 0) {
                // A larger maximum: rescale what was summed under the old one.
                __m256 factor = exp8(_mm256_mul_ps(_mm256_sub_ps(top[v], newTop), vscale));
                factor = _mm256_blendv_ps(one, factor, grew);
                for (long k = 0; k < D; k++) {
                    float *o = Ot + k * ld + v * 8;
                    _mm256_storeu_ps(o, _mm256_mul_ps(_mm256_loadu_ps(o), factor));
                }
                total[2 * v] = _mm256_mul_pd(total[2 * v], CV_LOW_PD(factor));
                total[2 * v + 1] = _mm256_mul_pd(total[2 * v + 1], CV_HIGH_PD(factor));
            }
            top[v] = newTop;
            __m256 chunkSum = _mm256_setzero_ps();
            for (long j = 0; j < nb; j++) {
                float *s = St + cv256_half(v / 2) + j * 16 + v % 2 * 8;
                __m256 e = _mm256_and_ps(live, exp8(_mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(s), newTop), vscale)));
                _mm256_storeu_ps(s, e);
                chunkSum = _mm256_add_ps(chunkSum, e);
            }
            total[2 * v] = _mm256_add_pd(total[2 * v], CV_LOW_PD(chunkSum));
            total[2 * v + 1] = _mm256_add_pd(total[2 * v + 1], CV_HIGH_PD(chunkSum));
        }
        cv256_weighted(nb, D, B, Tc, St, Ot, ld);
    }
    for (long v = 0; v < lanes; v++) {
        float t[8];
        double s[8];
        _mm256_storeu_ps(t, top[v]);
        _mm256_storeu_pd(s, total[2 * v]);
        _mm256_storeu_pd(s + 4, total[2 * v + 1]);
        for (long l = 0; l < 8 && v * 8 + l < B; l++) {
            maximum[v * 8 + l] = t[l];
            sum[v * 8 + l] = s[l];
        }
    }
    for (long r = 0; r < B; r++)
        for (long k = 0; k < D; k++) O[r * D + k] = Ot[k * ld + r];
}

// Rows are independent: large batches run in blocks of CV_ROWS, each a pass over the table.
CV_AVX2 void cv256_contrastive_scan(long B, long D, long N, const float *U, const float *T, float scale,
                                    const long *positives, float *maximum, double *sum, float *positive,
                                    float *O, float *scratch) {
    for (long r0 = 0; r0 < B; r0 += CV_ROWS) {
        long rows = B - r0 < CV_ROWS ? B - r0 : CV_ROWS;
        cv256_contrastive_block(rows, D, N, U + r0 * D, T, scale, positives + r0, maximum + r0, sum + r0,
                                positive + r0, O + r0 * D, scratch);
    }
}

#endif
