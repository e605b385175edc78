// Blocking constants shared by both tiers: the packed size and the scratch sizes must not depend
// on which tier runs (the layout inside a packed panel does: cv_pack_b).
#ifndef CHARVEC_CKERNELS_LAYOUT_H
#define CHARVEC_CKERNELS_LAYOUT_H

// Columns per packed panel of a right operand (`cv_pack_b`).
#define CV_PANEL 32
// Inner-dimension block of the GEMMs: a 256-row panel block (32 KB) stays in L1.
#define CV_KBLOCK 256
// Candidates per chunk of the contrastive scan.
#define CV_CHUNK 256
// Predictions per pass over the table: bounds the scratch and the per-lane state.
#define CV_ROWS 128

static inline long cv_round32(long n) { return (n + 31) / 32 * 32; }

#endif
