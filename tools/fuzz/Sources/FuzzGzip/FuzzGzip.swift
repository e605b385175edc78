// libFuzzer target: gzipped input through the auto-detecting loader (inflate, prefetch thread,
// and the paths where no file size bounds what a header may claim). Inputs that are not gzip
// are gzipped first (see FuzzTransform.gzipped). Only typed errors may come out.
import EmbeddingIO
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGzip(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = FuzzTransform.gzipped(UnsafeRawBufferPointer(start: data, count: size))
    let path = bytes.withUnsafeBytes { FuzzInput.write($0) }
    do { _ = try EmbeddingReader.load(path, options: ReadOptions(unicodeErrors: .replace, threads: 1)) }
    catch is EmbeddingFileError {} catch {
        fatalError("untyped error from the loader: \(error)")
    }
    return 0
}
