#ifndef CHARVEC_CSUPPORT_H
#define CHARVEC_CSUPPORT_H
#include <stddef.h>

/// mremap(2) with MREMAP_MAYMOVE (a GNU extension Swift's Glibc module does not expose).
/// Returns NULL on failure.
void *charvec_mremap(void *old_address, size_t old_size, size_t new_size);

/// Temporary output files to delete if the process is interrupted (SIGINT, SIGTERM, SIGHUP)
/// before they are renamed into place. Returns a slot for `charvec_forget_temporary`, or -1
/// when all 64 slots are taken (the file is then simply not cleaned up).
int charvec_remember_temporary(const char *path);
void charvec_forget_temporary(int slot);
/// Installs the handlers: they delete the remembered files, then die of the same signal.
void charvec_remove_temporaries_on_interrupt(void);

/// A hint to load the cache line holding `address` (no fault, no effect on results).
static inline void charvec_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

/// The widest usable vector level: 3 AVX-512 (F/DQ/BW/VL, ZMM state), 2 AVX2 + FMA (YMM state),
/// 1 SSE3 or AVX without FMA, 0 older or not x86-64.
int charvec_cpu_vector_level(void);
/// 1 when the CPU has AVX-512 BF16 (Cooper Lake, Sapphire Rapids, Zen 4 and later).
int charvec_cpu_has_avx512_bf16(void);

#endif
