#ifndef CHARVEC_CSUPPORT_H
#define CHARVEC_CSUPPORT_H
#include <stddef.h>

/// mremap(2) with MREMAP_MAYMOVE (a GNU extension Swift's Glibc module does not expose).
/// Returns NULL on failure.
void *charvec_mremap(void *old_address, size_t old_size, size_t new_size);

/// A hint to load the cache line holding `address` (no fault, no effect on results).
static inline void charvec_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

#endif
