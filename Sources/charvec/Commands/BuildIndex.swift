import ArgumentParser
import EmbeddingCore
import Foundation
import NeighborSearch

extension CharVec {
    /// `charvec index` (named BuildIndex so it does not shadow `Index` types inside `CharVec`).
    struct BuildIndex: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "index",
            abstract: "Build an HNSW graph over a table for fast approximate 'neighbors --index' searches.",
            discussion: """
            The index holds a unit-norm copy of every row plus the graph links, about \
            rows × (4 × dimensions + 8 × M + 20) bytes. It is written atomically and memory-mapped \
            when loaded. It belongs to the table it was built from (same --limit/--lowercase): \
            'neighbors --index' checks the shape and a sample of vectors and refuses another table. \
            Rows with a zero or non-finite vector are left out of the graph.

            Examples:
              charvec index vectors.vec --out vectors.hnsw --m 16 --ef-construction 200
              charvec neighbors vectors.vec --index vectors.hnsw king
            """)

        @Argument(help: "The embedding file ('-' for standard input).")
        var file: String

        @Option(help: "Where to write the index.")
        var out: String

        @Option(name: .customLong("m"), help: "Links per node on the upper layers (layer 0 keeps 2 × M).")
        var maxConnections: Int = 16

        @Option(help: "Candidate list size while inserting: higher is slower to build and more accurate.")
        var efConstruction: Int = 200

        @Option(help: "Seed of the random node levels (equal seeds give identical graphs).")
        var seed: UInt64 = 42

        @OptionGroup var input: InputOptions

        func validate() throws {
            try OptionValidation.range(maxConnections, 2 ... 256, option: "--m")
            try OptionValidation.range(efConstruction, 1 ... 1_000_000, option: "--ef-construction")
        }

        func run() throws {
            let table = try TableLoading.load(file, input: input)
            let start = DispatchTime.now()
            let progress = ProgressBar(label: "indexing", enabled: Diagnostics.stderrIsTerminal)
            progress.status("\(table.count) rows, M = \(maxConnections), efConstruction = \(efConstruction)…")
            let parameters = HNSWParameters(maxConnections: maxConnections, efConstruction: efConstruction, seed: seed)
            let index = HNSWIndex(matrix: table.matrix, parameters: parameters, threads: input.threads)
            progress.finish()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            try reportingErrors { try index.save(to: out) }
            let leftOut = (0 ..< table.count).filter { !index.contains(row: $0) }.count
            let bytes = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? nil
            print("indexed \(pluralized(table.count, "row")) × \(table.dimensions) (M = \(maxConnections), efConstruction = \(efConstruction))"
                  + String(format: " in %.2f s", seconds))
            if leftOut > 0 { print("left out \(leftOut) row\(leftOut == 1 ? "" : "s") with a zero or non-finite vector") }
            print("wrote \(out)" + (bytes.map { " (\(formatBytes($0)))" } ?? ""))
        }
    }
}
