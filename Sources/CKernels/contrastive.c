// The contrastive loss's pass over a fixed candidate table T [N × D], fused (online softmax): for
// each chunk of candidates, the scores Sᵀ = T·Uᵀ, then each prediction's running maximum,
// exponentials and their sum, then Oᵀ += Tᵀ·Eᵀ with the chunk still in L2. The table is read from
// memory once per pass, in its own row-major layout (no packed copy), and the B × N scores are
// never stored. Batch rows run along the vector lanes (panels of 32), so the softmax's maxima and
// sums are lane-wise and a chunk row of T gives the broadcasts of the second product. This file:
// the AVX-512 tier and the scratch size (both tiers); contrastive_avx2.c: the AVX2 + FMA tier.
#include "CKernels.h"
#include "native.h"
#include "micro.h"
#include "tiers.h"

#if defined(__x86_64__)

CV_MICRO(12)
CV_MICRO(8)
CV_MICRO(4)
CV_MICRO(2)
CV_MICRO(1)
CV_MICRO_COLUMNS(12)
CV_MICRO_COLUMNS(8)
CV_MICRO_COLUMNS(4)
CV_MICRO_COLUMNS(2)
CV_MICRO_COLUMNS(1)

// Per block of rows (at most CV_ROWS): packed Uᵀ, the chunk's Sᵀ and Oᵀ.
long cv_contrastive_scratch_size(long B, long D) {
    long rows = B < CV_ROWS ? B : CV_ROWS, ld = cv_round32(rows);
    return cv_packed_size(D, rows) + CV_CHUNK * ld + D * ld;
}

// Sᵀ[nb × ld] = T[nb × D]·Uᵀ: 12 candidates at a time against every panel of the batch, so each
// row of T comes from memory once and the packed Uᵀ from L2.
CV_NATIVE static void cv_scores(long nb, long D, long B, const float *T, const float *packedU, float *St, long ld) {
    long i = 0;
    while (i < nb) {
        long mr = cv_micro_rows(nb - i);
        // The next 12 rows toward L2: a row is only D floats, too short a stream for the
        // hardware prefetchers to ramp up on when the table comes from memory.
        const char *next = (const char *)(T + (i + 12) * D), *end = (const char *)(T + nb * D);
        for (long b = 0; b < 12 * D * 4 && next + b < end; b += 64) _mm_prefetch(next + b, _MM_HINT_T1);
        for (long n0 = 0; n0 < B; n0 += CV_PANEL) {
            long nc = B - n0;
            __mmask16 m0 = CV_MASK(nc, 0), m1 = nc > 16 ? CV_MASK(nc, 16) : 0;
            for (long k0 = 0; k0 < D; k0 += CV_KBLOCK) {
                long kc = D - k0 < CV_KBLOCK ? D - k0 : CV_KBLOCK;
                const float *a = T + i * D + k0, *p = packedU + n0 * D + k0 * CV_PANEL;
                float *c = St + i * ld + n0;
                int acc = k0 > 0;
                switch (mr) {
                case 12: cv_micro_12(kc, a, D, p, c, ld, acc, m0, m1); break;
                case 8: cv_micro_8(kc, a, D, p, c, ld, acc, m0, m1); break;
                case 4: cv_micro_4(kc, a, D, p, c, ld, acc, m0, m1); break;
                case 2: cv_micro_2(kc, a, D, p, c, ld, acc, m0, m1); break;
                default: cv_micro_1(kc, a, D, p, c, ld, acc, m0, m1); break;
                }
            }
        }
        i += mr;
    }
}

// Oᵀ[D × ld] += Tᵀ[D × nb]·Eᵀ[nb × ld]: per panel of the batch the panel of Eᵀ stays in L1 while
// 12 dimensions at a time run down the chunk.
CV_NATIVE static void cv_weighted(long nb, long D, long B, const float *T, const float *Et, float *Ot, long ld) {
    for (long n0 = 0; n0 < B; n0 += CV_PANEL) {
        long nc = B - n0;
        __mmask16 m0 = CV_MASK(nc, 0), m1 = nc > 16 ? CV_MASK(nc, 16) : 0;
        long i = 0;
        while (i < D) {
            long mr = cv_micro_rows(D - i);
            const float *a = T + i, *p = Et + n0;
            float *c = Ot + i * ld + n0;
            switch (mr) {
            case 12: cv_micro_columns_12(nb, a, D, p, ld, c, ld, m0, m1); break;
            case 8: cv_micro_columns_8(nb, a, D, p, ld, c, ld, m0, m1); break;
            case 4: cv_micro_columns_4(nb, a, D, p, ld, c, ld, m0, m1); break;
            case 2: cv_micro_columns_2(nb, a, D, p, ld, c, ld, m0, m1); break;
            default: cv_micro_columns_1(nb, a, D, p, ld, c, ld, m0, m1); break;
            }
            i += mr;
        }
    }
}

// One block of at most CV_ROWS predictions.
CV_NATIVE static void cv_contrastive_block(long B, long D, long N, const float *U, const float *T, float scale,
                                           const long *positives, float *maximum, double *sum, float *positive,
                                           float *O, float *scratch) {
    long ld = cv_round32(B), lanes = ld / 16;
    float *packedU = scratch, *St = packedU + cv_packed_size(D, B), *Ot = St + CV_CHUNK * ld;
    cv512_pack_b(D, B, U, D, 1, packedU);
    for (long i = 0; i < D * ld; i++) Ot[i] = 0;
    for (long i = 0; i < CV_CHUNK * ld; i++) St[i] = 0;  // lanes past B stay 0
    for (long r = 0; r < B; r++) positive[r] = 0;
    __m512 top[CV_ROWS / 16];
    __m512d total[2 * CV_ROWS / 16];
    for (long v = 0; v < lanes; v++) {
        top[v] = _mm512_set1_ps(-__builtin_inff());
        total[2 * v] = total[2 * v + 1] = _mm512_setzero_pd();
    }
    const __m512 vscale = _mm512_set1_ps(scale);
    for (long j0 = 0; j0 < N; j0 += CV_CHUNK) {
        long nb = N - j0 < CV_CHUNK ? N - j0 : CV_CHUNK;
        const float *Tc = T + j0 * D;
        cv_scores(nb, D, B, Tc, packedU, St, ld);
        for (long r = 0; r < B; r++) {
            long y = positives[r] - j0;
            if (y >= 0 && y < nb) positive[r] = St[y * ld + r];
        }
        for (long v = 0; v < lanes; v++) {
            __mmask16 live = CV_MASK(B, v * 16);
            __m512 chunkTop = _mm512_set1_ps(-__builtin_inff());
            for (long j = 0; j < nb; j++) chunkTop = _mm512_max_ps(chunkTop, _mm512_loadu_ps(St + j * ld + v * 16));
            __m512 newTop = _mm512_max_ps(top[v], chunkTop);
            __mmask16 grew = _mm512_mask_cmp_ps_mask(live, newTop, top[v], _CMP_GT_OQ);
            if (grew && j0 > 0) {
                // A larger maximum: rescale what was summed under the old one.
                __m512 factor = exp16(_mm512_mul_ps(_mm512_sub_ps(top[v], newTop), vscale));
                factor = _mm512_mask_blend_ps(grew, _mm512_set1_ps(1), factor);
                for (long k = 0; k < D; k++) {
                    float *o = Ot + k * ld + v * 16;
                    _mm512_storeu_ps(o, _mm512_mul_ps(_mm512_loadu_ps(o), factor));
                }
                total[2 * v] = _mm512_mul_pd(total[2 * v], _mm512_cvtps_pd(_mm512_castps512_ps256(factor)));
                total[2 * v + 1] = _mm512_mul_pd(total[2 * v + 1], _mm512_cvtps_pd(_mm512_extractf32x8_ps(factor, 1)));
            }
            top[v] = newTop;
            __m512 chunkSum = _mm512_setzero_ps();
            for (long j = 0; j < nb; j++) {
                float *s = St + j * ld + v * 16;
                __m512 e = _mm512_maskz_mov_ps(live, exp16(_mm512_mul_ps(_mm512_sub_ps(_mm512_loadu_ps(s), newTop), vscale)));
                _mm512_storeu_ps(s, e);
                chunkSum = _mm512_add_ps(chunkSum, e);
            }
            total[2 * v] = _mm512_add_pd(total[2 * v], _mm512_cvtps_pd(_mm512_castps512_ps256(chunkSum)));
            total[2 * v + 1] = _mm512_add_pd(total[2 * v + 1], _mm512_cvtps_pd(_mm512_extractf32x8_ps(chunkSum, 1)));
        }
        cv_weighted(nb, D, B, Tc, St, Ot, ld);
    }
    for (long v = 0; v < lanes; v++) {
        float t[16];
        double s[16];
        _mm512_storeu_ps(t, top[v]);
        _mm512_storeu_pd(s, total[2 * v]);
        _mm512_storeu_pd(s + 8, total[2 * v + 1]);
        for (long l = 0; l < 16 && v * 16 + l < B; l++) {
            maximum[v * 16 + l] = t[l];
            sum[v * 16 + l] = s[l];
        }
    }
    for (long r = 0; r < B; r++)
        for (long k = 0; k < D; k++) O[r * D + k] = Ot[k * ld + r];
}

// Rows are independent: large batches run in blocks of CV_ROWS, each a pass over the table.
CV_NATIVE void cv512_contrastive_scan(long B, long D, long N, const float *U, const float *T, float scale,
                                      const long *positives, float *maximum, double *sum, float *positive,
                                      float *O, float *scratch) {
    for (long r0 = 0; r0 < B; r0 += CV_ROWS) {
        long rows = B - r0 < CV_ROWS ? B - r0 : CV_ROWS;
        cv_contrastive_block(rows, D, N, U + r0 * D, T, scale, positives + r0, maximum + r0, sum + r0, positive + r0,
                             O + r0 * D, scratch);
    }
}

#else
long cv_contrastive_scratch_size(long B, long D) { (void)B; (void)D; __builtin_trap(); }
#endif
