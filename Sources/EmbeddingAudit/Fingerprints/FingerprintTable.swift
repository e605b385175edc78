import EmbeddingCore

/// Open-addressing set of 128-bit vector fingerprints with the first row (and its position) of
/// each; rows whose fingerprint was already present are collected per first row. One slot is
/// one 32-byte struct, so a probe touches one cache line.
struct FingerprintTable {
    struct Slot {
        var a: UInt64 = 0
        var b: UInt64 = 0
        var position = 0
        /// `row + 1` of the first row with the fingerprint (0 = empty slot).
        var firstRow: Int32 = 0
    }

    var slots = [Slot](repeating: Slot(), count: 1 << 16)
    var count = 0
    /// First row → later rows with the same vector.
    var groups: [Int: [Int]] = [:]
    var positionOfFirst: [Int: Int] = [:]

    mutating func insert(_ fingerprint: (UInt64, UInt64), row: Int, position: Int) {
        if (count + 1) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: fingerprint.0) & mask
        while slots[slot].firstRow != 0 {
            if slots[slot].a == fingerprint.0 && slots[slot].b == fingerprint.1 {
                let first = Int(slots[slot].firstRow) - 1
                groups[first, default: []].append(row)
                positionOfFirst[first] = slots[slot].position
                return
            }
            slot = (slot + 1) & mask
        }
        slots[slot] = Slot(a: fingerprint.0, b: fingerprint.1, position: position, firstRow: Int32(truncatingIfNeeded: row + 1))
        count += 1
    }

    /// Inserts (fingerprint, row, position) entries in order. The table is far larger than the
    /// cache, so the slot of the entry a few places ahead is requested early.
    mutating func insert(_ entries: [((UInt64, UInt64), Int, Int)]) {
        while (count + entries.count) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        let lookahead = 8
        for k in entries.indices {
            if k + lookahead < entries.count {
                let slot = Int(truncatingIfNeeded: entries[k + lookahead].0.0) & mask
                slots.withUnsafeBufferPointer { prefetchForReading($0.baseAddress! + slot) }
            }
            insert(entries[k].0, row: entries[k].1, position: entries[k].2)
        }
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        let mask = slots.count - 1
        for entry in old where entry.firstRow != 0 {
            var slot = Int(truncatingIfNeeded: entry.a) & mask
            while slots[slot].firstRow != 0 { slot = (slot + 1) & mask }
            slots[slot] = entry
        }
    }
}

/// A 128-bit fingerprint of a vector's bytes: four independent multiply–rotate lanes over
/// 8-byte words (so the multiplies overlap), mixed two ways at the end. Two different vectors
/// share it with probability ~2⁻⁶⁴.
struct VectorHash {
    var lanes: (UInt64, UInt64, UInt64, UInt64) = (0x243F_6A88_85A3_08D3, 0x1319_8A2E_0370_7344,
                                                   0xA409_3822_299F_31D0, 0x082E_FA98_EC4E_6C89)
    var extra: UInt64 = 0x4528_21E6_38D0_1377
    static let k1: UInt64 = 0x9E37_79B9_7F4A_7C15, k2: UInt64 = 0xC2B2_AE3D_27D4_EB4F

    @inline(__always) mutating func absorb(_ words: SIMD4<UInt64>) {
        lanes.0 = ((lanes.0 ^ words[0]) &* Self.k1).rotated(31)
        lanes.1 = ((lanes.1 ^ words[1]) &* Self.k1).rotated(31)
        lanes.2 = ((lanes.2 ^ words[2]) &* Self.k1).rotated(31)
        lanes.3 = ((lanes.3 ^ words[3]) &* Self.k1).rotated(31)
    }

    /// A value after the last whole 8-value block.
    @inline(__always) mutating func absorb(_ word: UInt32) {
        extra = ((extra ^ UInt64(word)) &* Self.k2).rotated(27)
    }

    func finish(byteCount: Int) -> (UInt64, UInt64) {
        func mix(_ x: UInt64) -> UInt64 {
            var x = x ^ (x >> 33)
            x = x &* 0xFF51_AFD7_ED55_8CCD
            x ^= x >> 33
            x = x &* 0xC4CE_B9FE_1A85_EC53
            return x ^ (x >> 33)
        }
        let n = UInt64(truncatingIfNeeded: byteCount)
        let a = mix(lanes.0 &* 3 ^ lanes.1 &* 5 ^ lanes.2 &* 7 ^ lanes.3 &* 11 ^ extra ^ n)
        let b = mix(lanes.0.rotated(17) &+ lanes.1.rotated(29) &* 13 &+ lanes.2.rotated(41) &* 17
                    &+ lanes.3.rotated(53) &* 19 &+ extra.rotated(7) &+ n)
        return (a, b)
    }
}

extension UInt64 {
    @inline(__always) func rotated(_ k: UInt64) -> UInt64 { (self << k) | (self >> (64 - k)) }
}
