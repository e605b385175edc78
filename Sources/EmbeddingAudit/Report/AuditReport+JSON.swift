import EmbeddingCore
import Foundation

/// Renders an ``AuditReport`` as JSON, schema `charvec-audit/1` (documented in docs/audit-json.md).
public enum AuditJSON {
    public static func object(_ report: AuditReport, exitStatus: Int) -> [String: Any] {
        func location(_ l: SourceLocation) -> [String: Any] {
            switch l.position {
            case .text(let line, let column): return ["path": l.path, "line": line, "column": column]
            case .byteOffset(let offset): return ["path": l.path, "byte_offset": offset]
            }
        }
        let findings: [[String: Any]] = report.orderedGroups.map { group in
            [
                "kind": group.kind.rawValue, "severity": group.kind.severity.rawValue, "title": group.kind.title,
                "count": group.count, "hint": group.kind.hint,
                "examples": group.examples.map { finding -> [String: Any] in
                    var object = location(finding.location)
                    object["detail"] = finding.detail
                    if let row = finding.row { object["row"] = row }
                    if let word = finding.word { object["word"] = word }
                    return object
                },
            ]
        }
        let n = report.norms
        var norms: [String: Any] = ["count": n.count]
        if n.count > 0 {
            norms["min"] = n.minimum
            norms["max"] = n.maximum
            norms["mean"] = n.mean
            norms["percentiles"] = Dictionary(uniqueKeysWithValues: n.percentiles.map { ("p\(Int($0.0))", $0.1) })
            norms["histogram"] = ["min": n.minimum, "max": n.maximum, "counts": n.histogram]
            norms["mean_vector_norm"] = n.meanVectorNorm
            norms["mean_vector_ratio"] = n.meanVectorRatio
        }
        var object: [String: Any] = [
            "schema": "charvec-audit/1",
            "row_numbering": "0-based, header excluded (the text report counts from 1)",
            "path": report.path, "format": report.format.rawValue, "gzip": report.isGzip,
            "rows": report.rows, "dimensions": report.dimensions, "bytes_read": report.bytesRead,
            "findings": findings, "norms": norms, "notes": report.notes,
            "shared_vector_groups": report.sharedVectorGroups.map { group in group.map { ["row": $0.row, "word": $0.word] } },
            "counts": Dictionary(uniqueKeysWithValues: FindingKind.allCases.map { ($0.rawValue, report.count($0)) }),
            "worst_severity": report.worstSeverity?.rawValue ?? NSNull(),
            "exit_status": exitStatus,
        ]
        object["header"] = report.header.map { ["count": $0.count, "dimensions": $0.dimensions] } ?? NSNull()
        return object
    }

    public static func render(_ report: AuditReport, exitStatus: Int) -> String {
        let data = try! JSONSerialization.data(withJSONObject: object(report, exitStatus: exitStatus), options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
