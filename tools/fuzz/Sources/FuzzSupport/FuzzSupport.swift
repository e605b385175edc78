#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CFuzzZlib

/// The readers take a path (and the file's size feeds their plausibility checks), so each
/// input is written to one file per process: `$CHARVEC_FUZZ_INPUT` (run.sh sets it and removes
/// the file afterwards), else a per-process name in /dev/shm (no disk traffic) or /tmp.
public enum FuzzInput {
    nonisolated(unsafe) static var cachedPath: String?

    public static var path: String {
        if let cachedPath { return cachedPath }
        if let given = getenv("CHARVEC_FUZZ_INPUT"), given.pointee != 0 {
            cachedPath = String(cString: given)
            return cachedPath!
        }
        var directory = "/dev/shm"
        var info = stat()
        if stat(directory, &info) != 0 { directory = "/tmp" }
        let path = "\(directory)/charvec-fuzz-\(getpid()).input"
        cachedPath = path
        return path
    }

    /// Replaces the file's contents with `bytes` and returns its path.
    public static func write(_ bytes: UnsafeRawBufferPointer) -> String {
        let path = self.path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        precondition(fd >= 0, "cannot create \(path)")
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            precondition(n > 0 || errno == EINTR, "cannot write \(path)")
            if n > 0 { done += n }
        }
        close(fd)
        return path
    }
}

/// Transforms shared with the regression tests (they must stay idempotent so that a stored,
/// already transformed input replays through exactly the same reader call).
public enum FuzzTransform {
    /// Inputs that start with the gzip magic go to the reader as they are (damaged streams,
    /// several members, trailing bytes); anything else is gzipped first, so that text-like
    /// mutations reach the gzip-only paths (no file size to check a header against).
    public static func gzipped(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        if bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B { return Array(bytes) }
        var stream = z_stream()
        // 15 + 16: maximum window, gzip wrapper.
        guard deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else { fatalError("deflateInit2 failed") }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 32)
        let produced: Int = output.withUnsafeMutableBytes { out in
            stream.next_in = UnsafeMutablePointer(mutating: bytes.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = UInt32(bytes.count)
            stream.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = UInt32(out.count)
            let status = deflate(&stream, Z_FINISH)
            precondition(status == Z_STREAM_END, "deflate failed (\(status))")
            return out.count - Int(stream.avail_out)
        }
        deflateEnd(&stream)
        output.removeLast(output.count - produced)
        return output
    }

    /// Model containers end with a CRC-32 of everything before it; random mutations almost never
    /// keep it right, so the harness recomputes it (files shorter than the fixed header stay as
    /// they are) and the fuzzer reaches the header and array parsing.
    public static func withValidChecksum(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var out = Array(bytes)
        guard out.count >= 28 else { return out }
        let body = out.count - 4
        let crc = out.withUnsafeBytes { UInt32(crc32(0, $0.baseAddress!.assumingMemoryBound(to: Bytef.self), UInt32(body))) }
        withUnsafeBytes(of: crc.littleEndian) { for i in 0 ..< 4 { out[body + i] = $0[i] } }
        return out
    }
}
