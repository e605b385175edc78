// Shared by the AVX-512 C files (not part of the public header).
#ifndef CHARVEC_CKERNELS_NATIVE_H
#define CHARVEC_CKERNELS_NATIVE_H
#if defined(__x86_64__)
#include <immintrin.h>

// Compiled for AVX-512 + FMA; called only when cv_kernels_native() says the CPU has them.
#define CV_NATIVE __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,fma")))

// Lanes of a 16-wide block starting at j that lie below n (n > j).
#define CV_MASK(n, j) ((n) - (j) >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << ((n) - (j))) - 1u))

#endif
#endif
