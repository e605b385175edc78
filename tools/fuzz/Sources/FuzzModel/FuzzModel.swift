// libFuzzer target: model files and checkpoints (one container format; each input is tried as
// both, the wrong kind is rejected after the fixed header). The trailing CRC-32 is recomputed
// (see FuzzTransform.withValidChecksum) so mutations get past it. Only typed errors may come out.
import FuzzSupport
import Training

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModel(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = FuzzTransform.withValidChecksum(UnsafeRawBufferPointer(start: data, count: size))
    let path = bytes.withUnsafeBytes { FuzzInput.write($0) }
    do { _ = try TrainedModel.read(path) } catch is ModelFileError {} catch {
        fatalError("untyped error from TrainedModel.read: \(error)")
    }
    do { _ = try Checkpoint.read(path) } catch is ModelFileError {} catch {
        fatalError("untyped error from Checkpoint.read: \(error)")
    }
    return 0
}
