import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress bar on stderr, redrawn at most 10 times a second; silent when disabled.
final class ProgressBar {
    let label: String
    let enabled: Bool
    let start = DispatchTime.now()
    var lastDraw: UInt64 = 0
    var drew = false

    init(label: String, enabled: Bool) {
        self.label = label
        self.enabled = enabled
    }

    /// Shows `done` of `total` bytes (a byte count alone when the total is unknown, e.g. gzip).
    func update(_ done: Int, _ total: Int?) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        if now - lastDraw < 100_000_000 { return }
        lastDraw = now
        let seconds = Double(now - start.uptimeNanoseconds) / 1e9
        let rate = Double(done) / 1e6 / max(seconds, 1e-9)
        var line: String
        if let total, total > 0 {
            let fraction = min(1, Double(done) / Double(total))
            line = "\(label) \(Self.bar(fraction)) \(Int(fraction * 100))% "
        } else {
            line = "\(label) "
        }
        line += "\(done / 1_000_000) MB, \(Int(rate)) MB/s"
        draw(line)
    }

    /// `[######        ]`: 30 cells, `fraction` (0…1) of them filled.
    static func bar(_ fraction: Double) -> String {
        let filled = Int(min(max(fraction, 0), 1) * 30)
        return "[" + String(repeating: "#", count: filled) + String(repeating: " ", count: 30 - filled) + "]"
    }

    /// Shows a free-form status line.
    func status(_ text: String) {
        guard enabled else { return }
        draw("\(label) \(text)")
    }

    private func draw(_ text: String) {
        var line = "\r\u{1B}[K" + text
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
        drew = true
    }

    /// Clears the bar.
    func finish() {
        guard enabled && drew else { return }
        var line = "\r\u{1B}[K"
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}
