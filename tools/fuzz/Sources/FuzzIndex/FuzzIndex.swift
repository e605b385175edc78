// libFuzzer target: HNSW index files (`charvec index`), memory-mapped by `neighbors --index`.
// A loaded index is also searched once, so that links pointing anywhere are exercised.
// Only typed errors may come out.
import FuzzSupport
import NeighborSearch

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIndex(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let path = FuzzInput.write(UnsafeRawBufferPointer(start: data, count: size))
    do {
        let index = try HNSWIndex.load(from: path)
        if index.rows > 0 && index.dimensions > 0 {
            var query = [Float](repeating: 0, count: index.dimensions)
            query[0] = 1
            _ = index.search(query: query, k: 3)
        }
    } catch is HNSWFileError {} catch {
        fatalError("untyped error from HNSWIndex.load: \(error)")
    }
    return 0
}
