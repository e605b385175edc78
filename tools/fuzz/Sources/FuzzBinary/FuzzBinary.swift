// libFuzzer target: word2vec binary files. The format is forced so that the fuzzer spends its
// time in the binary row parser, not in format detection. Only typed errors may come out.
import EmbeddingAudit
import EmbeddingIO
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBinary(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let path = FuzzInput.write(UnsafeRawBufferPointer(start: data, count: size))
    let options = ReadOptions(format: .word2vecBinary, unicodeErrors: .replace, threads: 1)
    do { _ = try EmbeddingReader.load(path, options: options) } catch is EmbeddingFileError {} catch {
        fatalError("untyped error from the loader: \(error)")
    }
    var audit = AuditOptions()
    audit.read = ReadOptions(format: .word2vecBinary, threads: 1)
    do { _ = try Auditor.audit(path, options: audit) } catch is EmbeddingFileError {} catch {
        fatalError("untyped error from the auditor: \(error)")
    }
    return 0
}
