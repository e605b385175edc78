// One-core timing of the recurrent step GEMM: OpenBLAS (which packs both operands on every
// call) against charvec's packed kernel (Sources/CKernels/packed_gemm.c, the weight packed
// once), plus the packing itself and the largest difference between the two results.
//
//   cc -O2 -I Sources/CKernels/include tools/bench-neural/packed_gemm_micro.c
//      Sources/CKernels/packed_gemm.c Sources/CKernels/kernels.c -lopenblas -lm -o /tmp/packed-gemm-micro
//   env -u OPENBLAS_CORETYPE /tmp/packed-gemm-micro 64 256 1024 0    # M K N transposed(0/1)
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "CKernels.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: %s M K N transposed\n", argv[0]); return 2; }
    int M = atoi(argv[1]), K = atoi(argv[2]), N = atoi(argv[3]), tr = atoi(argv[4]);
    if (!cv_kernels_native()) { fprintf(stderr, "this CPU lacks AVX-512\n"); return 2; }
    openblas_set_num_threads(1);
    int ldb = tr ? K : N;  // B is K × N, or (tr) stored N × K and used as Bᵀ
    float *A = malloc(sizeof(float) * M * K), *B = malloc(sizeof(float) * K * N);
    float *C1 = malloc(sizeof(float) * M * N), *C2 = malloc(sizeof(float) * M * N);
    float *P = malloc(sizeof(float) * cv_packed_size(K, N));
    srand(1);
    for (int i = 0; i < M * K; i++) A[i] = rand() / (float)RAND_MAX - 0.5f;
    for (int i = 0; i < K * N; i++) B[i] = rand() / (float)RAND_MAX - 0.5f;
    for (int i = 0; i < M * N; i++) C1[i] = C2[i] = (float)(i % 7);
    cv_pack_b(K, N, B, ldb, tr, P);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, tr ? CblasTrans : CblasNoTrans, M, N, K, 1, A, K, B, ldb, 1, C1, N);
    cv_gemm_packed(M, N, K, A, K, P, 1, C2, N);
    double err = 0;
    for (int i = 0; i < M * N; i++) err = fmax(err, fabs(C1[i] - C2[i]));
    int reps = 600;
    double blas = 1e9, packed = 1e9;
    for (int r = 0; r < 5; r++) {  // best of 5 blocks, alternating
        double t = now();
        for (int i = 0; i < reps; i++)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, tr ? CblasTrans : CblasNoTrans, M, N, K, 1, A, K, B, ldb, 1, C1, N);
        blas = fmin(blas, (now() - t) / reps);
        t = now();
        for (int i = 0; i < reps; i++) cv_gemm_packed(M, N, K, A, K, P, 1, C2, N);
        packed = fmin(packed, (now() - t) / reps);
    }
    double t = now();
    for (int i = 0; i < 100; i++) cv_pack_b(K, N, B, ldb, tr, P);
    double pack = (now() - t) / 100;
    double flop = 2.0 * M * N * K;
    printf("M=%d K=%d N=%d transposed=%d: OpenBLAS %.1f us (%.0f GFLOP/s), packed %.1f us (%.0f GFLOP/s), "
           "packing %.1f us, max |difference| %.2g\n",
           M, K, N, tr, blas * 1e6, flop / blas / 1e9, packed * 1e6, flop / packed / 1e9, pack * 1e6, err);
    return 0;
}
