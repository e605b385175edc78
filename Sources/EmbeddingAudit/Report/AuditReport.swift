import EmbeddingCore
import EmbeddingIO

/// Settings of an audit.
public struct AuditOptions: Sendable {
    /// Rows whose L2 norm is above 0 and below this are reported as near-zero.
    public var nearZeroNorm: Float = 1e-4
    /// How many example locations to keep per kind of finding.
    public var maxExamples = 10
    /// Report groups of at least this many words sharing one vector.
    public var minSharedGroup = 2
    /// Compare words after NFKC normalisation and case folding.
    public var checkNormalization = true
    /// Reader options (format, threads). `limit`, `lowercase` and `unicodeErrors` are ignored:
    /// the audit reads every row as it is.
    public var read = ReadOptions()

    public init() {}
}

/// Norm distribution and the common direction of a table.
public struct NormStatistics: Sendable {
    /// Rows that entered the statistics (finite, right length).
    public var count = 0
    public var minimum: Double = 0
    public var maximum: Double = 0
    public var mean: Double = 0
    /// (percentile 0…100, norm) for 1, 5, 25, 50, 75, 95, 99.
    public var percentiles: [(Double, Double)] = []
    /// Histogram over [minimum, maximum] in equal-width bins: counts.
    public var histogram: [Int] = []
    /// ‖mean of the rows‖.
    public var meanVectorNorm: Double = 0
    /// ‖mean of the rows‖ / mean ‖row‖: near 0 for isotropic tables, near 1 when all rows share a direction.
    public var meanVectorRatio: Double { mean > 0 ? meanVectorNorm / mean : 0 }
}

/// What an audit found.
public struct AuditReport: Sendable {
    public var path: String
    public var format: EmbeddingFormat
    public var isGzip: Bool
    public var header: FileHeader?
    /// Rows read (including bad ones).
    public var rows = 0
    public var dimensions: Int
    public var bytesRead = 0
    public var groups: [FindingKind: FindingGroup] = [:]
    public var norms = NormStatistics()
    /// The largest groups of words sharing one vector (rows, words), largest first (at most `maxExamples`).
    public var sharedVectorGroups: [[(row: Int, word: String)]] = []
    public var skippedByteOrderMark = false
    public var blankLines = 0
    /// Text rows whose fields are separated by tabs instead of spaces (accepted, noted).
    public var tabSeparatedRows = 0
    /// The line of the first of them.
    public var firstTabSeparatedLine: Int?

    /// Informational notes on what the reader tolerated (not findings: they never fail an audit).
    public var notes: [String] {
        var notes: [String] = []
        if skippedByteOrderMark { notes.append("a UTF-8 byte-order mark was skipped") }
        if blankLines > 0 { notes.append("\(blankLines) blank lines were skipped") }
        if tabSeparatedRows > 0, let line = firstTabSeparatedLine {
            notes.append("fields separated by tabs (accepted): \(tabSeparatedRows) row\(tabSeparatedRows == 1 ? "" : "s"), first at \(path):\(line)")
        }
        return notes
    }

    /// Number of findings of `kind`.
    public func count(_ kind: FindingKind) -> Int { groups[kind]?.count ?? 0 }

    /// The highest severity present, or nil when clean.
    public var worstSeverity: Severity? {
        groups.values.filter { $0.count > 0 }.map(\.kind.severity).max()
    }

    /// Groups in a stable order (by severity, then kind).
    public var orderedGroups: [FindingGroup] {
        let present = FindingKind.allCases.compactMap { groups[$0] }.filter { $0.count > 0 }
        // Stable sort: severity first, then the order of FindingKind.
        return Severity.allCases.reversed().flatMap { severity in present.filter { $0.kind.severity == severity } }
    }
}
