// libFuzzer target: the array and model formats (.npy, safetensors, fastText .bin), detected from
// the input's first bytes. A five-word vocabulary list lies beside the input so that .npy inputs
// of five rows (the seeds) reach the data reader. Only typed errors may come out.
import EmbeddingIO
import FuzzSupport
#if canImport(Glibc)
import Glibc
#endif

nonisolated(unsafe) var vocabularyWritten = false

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArray(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let path = FuzzInput.write(UnsafeRawBufferPointer(start: data, count: size))
    if !vocabularyWritten {
        let words = Array("the\nof\ncafé\n東京\nnew_york\nsay\"hi\\\n".utf8)
        let fd = open(path + ".vocab.txt", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        precondition(fd >= 0)
        _ = words.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        vocabularyWritten = true
    }
    for options in [ReadOptions(threads: 1), ReadOptions(limit: 2, lowercase: true, unicodeErrors: .replace, threads: 1)] {
        do { _ = try EmbeddingReader.load(path, options: options) }
        catch is EmbeddingFileError {} catch is TensorFileError {} catch {
            fatalError("untyped error from the loader: \(error)")
        }
    }
    return 0
}
