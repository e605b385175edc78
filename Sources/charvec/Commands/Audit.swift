import ArgumentParser
import EmbeddingAudit
import EmbeddingCore
import EmbeddingIO
import Foundation

extension Severity: ExpressibleByArgument {}

extension CharVec {
    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find everything wrong in an embedding file, with the line (or byte offset) of each problem.",
            discussion: """
            Streams the file once (any size, gzip too). Reports all-zero rows, NaN/Inf values, near-zero \
            norms, duplicate words, NFKC/case collisions, rows of the wrong length, non-numeric values, \
            header counts that lie, invalid UTF-8, whitespace or control characters in words, empty words, \
            groups of words sharing one vector, the norm distribution and the common mean direction.

            Exit status: 0 = nothing at or above --fail-on, 1 = findings at or above --fail-on, \
            2 = the file could not be read at all. The --json schema is documented in docs/audit-json.md. \
            Rows are numbered from 1 after the header in the text report, from 0 in --json ("row_numbering").

            Examples:
              charvec audit vectors.vec.gz
              charvec audit vectors.bin --json --max-locations 100
              charvec audit vectors.vec --fail-on warning --plot norms.svg
            """)

        @Argument(help: "The embedding file ('-' for standard input).")
        var file: String

        @Option(help: "Force the input format instead of detecting it (text, binary, glove).")
        var format: EmbeddingFormat?

        @Option(help: "Report rows whose L2 norm is above 0 and below this value.")
        var nearZeroNorm: Float = 1e-4

        @Option(help: "Locations listed per kind of finding.")
        var maxLocations: Int = 10

        @Option(help: "Report groups of at least this many words sharing one bit-identical vector.")
        var minSharedGroup: Int = 2

        @Flag(help: "Skip the NFKC/case-folding collision check.")
        var noNormalizationCheck = false

        @Option(help: "Exit with status 1 when a finding is at least this severe (info, warning, error).")
        var failOn: Severity = .error

        @Option(help: "Write the norm histogram as an SVG plot to this file.")
        var plot: String?

        @Option(help: "Threads for parsing and checking.")
        var threads: Int = 2

        @Flag(help: "Print one JSON object (schema charvec-audit/1) instead of text.")
        var json = false

        func validate() throws {
            try OptionValidation.finite(nearZeroNorm, 0 ... Float.greatestFiniteMagnitude, option: "--near-zero-norm")
            try OptionValidation.range(maxLocations, 0 ... Int.max, option: "--max-locations")
            try OptionValidation.range(minSharedGroup, 2 ... Int.max, option: "--min-shared-group")
            try OptionValidation.threads(threads)
            // Checked before the (long) audit: a plot that cannot be written must not look like findings (exit 1).
            if let plot { try InputPath.checkOutputDirectory(plot, option: "--plot") }
        }

        func run() throws {
            var options = AuditOptions()
            options.nearZeroNorm = nearZeroNorm
            options.maxExamples = maxLocations
            options.minSharedGroup = minSharedGroup
            options.checkNormalization = !noNormalizationCheck
            options.read = ReadOptions(format: format, threads: threads)
            let progress = ProgressBar(label: "auditing", enabled: !json && Diagnostics.stderrIsTerminal)
            let report = try reportingErrors(exitCode: 2) {
                try Auditor.audit(file, options: options) { done, total in progress.update(done, total) }
            }
            progress.finish()
            if let plot {
                let output = try reportingErrors { try OutputFile(path: plot) }
                try reportingErrors {
                    try output.write(report.norms.svgHistogram(title: "L2 norms of \(file) (\(pluralized(report.norms.count, "row")))"))
                    try output.commit()
                }
            }
            let failing = report.worstSeverity.map { $0 >= failOn } ?? false
            if json {
                print(AuditJSON.render(report, exitStatus: failing ? 1 : 0))
            } else {
                printText(report)
            }
            if failing { throw ExitCode(1) }
        }

        /// A finding's detail (which may quote words) escaped and cut to 240 characters.
        static func shortened(_ detail: String) -> String {
            let safe = DisplayText.escaped(detail)
            return safe.count > 240 ? String(safe.prefix(239)) + "…" : safe
        }

        func printText(_ report: AuditReport) {
            print("audit of \(report.path): \(report.format)\(report.isGzip ? ", gzip" : ""), \(pluralized(report.rows, "row")) × \(report.dimensions)"
                  + (report.header.map { " (header says \($0.count) × \($0.dimensions))" } ?? ""))
            for note in report.notes { print("note: \(DisplayText.escaped(note))") }
            var totals: [Severity: Int] = [:]
            for group in report.orderedGroups {
                totals[group.kind.severity, default: 0] += group.count
                print("")
                print("\(group.kind.severity.rawValue): \(group.kind.title): \(group.count)")
                for example in group.examples {
                    let rowText = example.row.map { "row \($0 + 1)" } ?? ""
                    let wordText = example.word.map { " '\(DisplayText.word($0))'" } ?? ""
                    let subject = rowText.isEmpty && wordText.isEmpty ? "" : "\(rowText)\(wordText): "
                    print("  \(DisplayText.escaped("\(example.location)")): \(subject)\(Self.shortened(example.detail))")
                }
                if group.count > group.examples.count { print("  … and \(group.count - group.examples.count) more") }
                print("  note: \(group.kind.hint)")
            }
            let norms = report.norms
            print("")
            if norms.count > 0 {
                print(String(format: "norms of %d finite rows: min %.4g, mean %.4g, max %.4g", norms.count, norms.minimum, norms.mean, norms.maximum))
                print("  percentiles: " + norms.percentiles.map { String(format: "p%g %.4g", $0.0, $0.1) }.joined(separator: ", "))
                for line in norms.asciiHistogram() { print("  " + line) }
                print(String(format: "mean vector: ‖mean‖ = %.4g, %.1f%% of the mean row norm", norms.meanVectorNorm, norms.meanVectorRatio * 100))
            }
            let errors = totals[.error] ?? 0, warnings = totals[.warning] ?? 0, infos = totals[.info] ?? 0
            print("summary: \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s"), \(infos) note\(infos == 1 ? "" : "s")"
                  + (errors + warnings + infos == 0 ? " — clean" : ""))
        }
    }
}
