// What the CPU and OS support, from CPUID and the OS's saved register state (XGETBV): for choosing
// BLAS kernels and AVX-512 code paths by feature rather than by model number.
#include "CSupport.h"

#if defined(__x86_64__)
#include <cpuid.h>

int charvec_cpu_vector_level(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int sse3 = (c & 1u) != 0, osxsave = (c & (1u << 27)) != 0, avx = (c & (1u << 28)) != 0, fma = (c & (1u << 12)) != 0;
    if (!osxsave || !avx) return sse3 ? 1 : 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 0x6) != 0x6 || !__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 1;  // no YMM state
    int avx2 = (b & (1u << 5)) != 0;
    if (!(avx2 && fma)) return 1;
    unsigned need = (1u << 16) | (1u << 17) | (1u << 30) | (1u << 31);  // AVX-512 F, DQ, BW, VL
    if ((lo & 0xE6) == 0xE6 && (b & need) == need) return 3;
    return 2;
}

int charvec_cpu_has_avx512_bf16(void) {
    unsigned a, b, c, d;
    if (charvec_cpu_vector_level() < 3 || !__get_cpuid_count(7, 1, &a, &b, &c, &d)) return 0;
    return (a & (1u << 5)) != 0;
}

#else
int charvec_cpu_vector_level(void) { return 0; }
int charvec_cpu_has_avx512_bf16(void) { return 0; }
#endif
