import EmbeddingCore

/// A floating-point type as an array file stores it, decoded to ``Scalar`` while reading.
enum StoredValueType: Equatable, Sendable {
    case float16, bfloat16, float32, float64

    var byteWidth: Int {
        switch self {
        case .float16, .bfloat16: return 2
        case .float32: return 4
        case .float64: return 8
        }
    }

    /// Reads `rows × columns` values stored from byte `offset` of `file` into new rows of `matrix`,
    /// 8 MiB at a time (little-endian float32 lands in place; other types go through a buffer).
    /// The caller has checked that the file holds them.
    static func read(_ type: StoredValueType, bigEndian: Bool = false, from file: RandomAccessFile, at offset: Int,
                     rows: Int, into matrix: inout RowMatrix) throws {
        let columns = matrix.columns
        let rowBytes = columns * type.byteWidth
        let chunkRows = max(1, (8 << 20) / max(1, rowBytes))
        let direct = type == .float32 && !bigEndian && UInt32(1).littleEndian == 1
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: direct ? 0 : chunkRows * rowBytes, alignment: 16)
        defer { scratch.deallocate() }
        var done = 0
        while done < rows {
            let n = min(chunkRows, rows - done)
            let destination = matrix._uninitializedRows(n)
            let bytes = n * rowBytes
            let position = offset + done * rowBytes
            if direct {
                let got = try file.read(into: UnsafeMutableRawBufferPointer(start: destination, count: bytes), at: position)
                guard got == bytes else { throw TensorFileError.truncatedData(SourceLocation(path: file.path, byteOffset: position + got), expectedBytes: bytes, foundBytes: got) }
            } else {
                let window = UnsafeMutableRawBufferPointer(rebasing: scratch[..<bytes])
                let got = try file.read(into: window, at: position)
                guard got == bytes else { throw TensorFileError.truncatedData(SourceLocation(path: file.path, byteOffset: position + got), expectedBytes: bytes, foundBytes: got) }
                decode(type, bigEndian: bigEndian, UnsafeRawBufferPointer(window), into: destination, count: n * columns)
            }
            matrix._commitRows(n)
            done += n
        }
    }

    /// Every float16 bit pattern as a float32 (256 KiB, built on first use).
    static let halfToFloat: [Scalar] = (0 ... UInt16.max).map { Scalar(Float16(bitPattern: $0)) }

    /// Decodes `count` stored values from `raw` into `out`.
    static func decode(_ type: StoredValueType, bigEndian: Bool, _ raw: UnsafeRawBufferPointer,
                       into out: UnsafeMutablePointer<Scalar>, count: Int) {
        switch type {
        case .float16:
            // A table lookup: the runtime's float16 → float32 conversion is a library call per value.
            halfToFloat.withUnsafeBufferPointer { table in
                for i in 0 ..< count {
                    let bits = raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
                    out[i] = table[Int(bigEndian ? bits.byteSwapped : bits.littleEndian)]
                }
            }
        case .bfloat16:
            for i in 0 ..< count {
                let bits = raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
                out[i] = Scalar(bitPattern: UInt32(bigEndian ? bits.byteSwapped : bits.littleEndian) << 16)
            }
        case .float32:
            for i in 0 ..< count {
                let bits = raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)
                out[i] = Scalar(bitPattern: bigEndian ? bits.byteSwapped : bits.littleEndian)
            }
        case .float64:
            for i in 0 ..< count {
                let bits = raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)
                out[i] = Scalar(Double(bitPattern: bigEndian ? bits.byteSwapped : bits.littleEndian))
            }
        }
    }

    /// Appends the rows of `matrix` as little-endian float32 or float16 to `output`, a block at a time.
    static func write(_ matrix: RowMatrix, precision: ValuePrecision, to output: OutputFile) throws {
        let columns = matrix.columns
        let blockRows = max(1, (1 << 20) / max(1, columns * precision.byteWidth))
        var start = 0
        while start < matrix.rows {
            let n = min(blockRows, matrix.rows - start)
            try output.write(reserving: n * columns * precision.byteWidth) { buffer in
                matrix.withUnsafeBufferPointer { values in
                    for i in 0 ..< n * columns {
                        let v = values[start * columns + i]
                        switch precision {
                        case .float32: buffer.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
                        case .float16: buffer.storeBytes(of: Float16(v).bitPattern.littleEndian, toByteOffset: 2 * i, as: UInt16.self)
                        }
                    }
                }
                return n * columns * precision.byteWidth
            }
            start += n
        }
    }
}
