// libFuzzer target: evaluation files (word-pair similarity files with tab, space and comma
// delimiters; questions-words.txt analogy files). Only typed errors may come out, and every
// parsed score must be finite.
import FuzzSupport
import NeighborSearch

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEval(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    for delimiter: Character in ["\t", " ", ","] {
        let (pairs, skipped) = WordPair.parseListingSkips(text, delimiter: delimiter)
        precondition(pairs.allSatisfy { $0.score.isFinite }, "a non-finite score was accepted")
        precondition(skipped.allSatisfy { $0.line >= 1 && !$0.reason.isEmpty }, "a skipped line without position or reason")
    }
    do { _ = try AnalogySection.parseListingSkips(text) } catch is EvaluationError {} catch {
        fatalError("untyped error from AnalogySection.parse: \(error)")
    }
    return 0
}
