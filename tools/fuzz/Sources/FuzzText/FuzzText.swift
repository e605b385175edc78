// libFuzzer target: text embedding files (word2vec text, GloVe, and whatever format detection
// picks for the input) through the loader and the auditor. Only typed errors may come out.
import EmbeddingAudit
import EmbeddingIO
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzText(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let path = FuzzInput.write(UnsafeRawBufferPointer(start: data, count: size))
    // One thread: inputs are far below the 1 MiB that triggers parallel parsing anyway.
    // `replace` and `lowercase` let rows with bad UTF-8 reach the rest of the loader.
    for options in [ReadOptions(threads: 1), ReadOptions(lowercase: true, unicodeErrors: .replace, threads: 1)] {
        do { _ = try EmbeddingReader.load(path, options: options) } catch is EmbeddingFileError {} catch is TensorFileError {} catch {
            fatalError("untyped error from the loader: \(error)")
        }
    }
    var audit = AuditOptions()
    audit.read = ReadOptions(threads: 1)
    do { _ = try Auditor.audit(path, options: audit) } catch is EmbeddingFileError {} catch is TensorFileError {} catch {
        fatalError("untyped error from the auditor: \(error)")
    }
    return 0
}
