import Foundation
import Training

/// An SVG with two panels: training loss per epoch, and validation MRR / hit@10 / mean cosine;
/// each member of an ensemble is a line of its own (the second dashed, and so on).
enum CurvePlot {
    static func svg(_ history: [EpochRecord], title: String) -> String {
        let width = 720.0, panelHeight = 220.0, left = 60.0, right = 150.0, top = 40.0, gap = 50.0
        let plotWidth = width - left - right
        let epochs = history.map { Double($0.epoch) }
        let members = Array(Set(history.map { $0.member ?? 1 })).sorted()
        let dashes = ["", "6,4", "2,3", "8,3,2,3"]
        let maxEpoch = max(epochs.max() ?? 1, 1)
        func x(_ epoch: Double) -> Double { left + plotWidth * (maxEpoch > 1 ? (epoch - 1) / (maxEpoch - 1) : 0.5) }
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(top + 2 * panelHeight + gap + 60))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(width / 2)" y="22" text-anchor="middle" font-size="14">\(escape(title))</text>

        """
        /// One line per member and measure: `value` of each of the member's records.
        func panel(_ y0: Double, _ label: String, _ measures: [(String, String, (EpochRecord) -> Double)]) {
            var series: [(String, String, String, [(Double, Double)])] = []
            for (k, member) in members.enumerated() {
                let records = history.filter { ($0.member ?? 1) == member }
                for (name, color, value) in measures {
                    series.append((members.count > 1 ? "\(name) (\(member))" : name, color, dashes[k % dashes.count],
                                   records.map { (Double($0.epoch), value($0)) }))
                }
            }
            let values = series.flatMap { $0.3.map(\.1) }.filter(\.isFinite)
            let lo = min(values.min() ?? 0, 0), hi = max(values.max() ?? 1, lo + 1e-9)
            func y(_ v: Double) -> Double { y0 + panelHeight - (v - lo) / (hi - lo) * panelHeight }
            svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#999\"/>\n", left, y0, plotWidth, panelHeight)
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.3g</text>\n", left - 6, y0 + 10, hi)
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.3g</text>\n", left - 6, y0 + panelHeight, lo)
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" font-weight=\"bold\">%@</text>\n", left, y0 - 6, label)
            for (index, (name, color, dash, points)) in series.enumerated() {
                let path = points.filter { $0.1.isFinite }
                    .map { String(format: "%.1f,%.1f", x($0.0), y($0.1)) }.joined(separator: " ")
                let style = dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\""
                svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(style) points=\"\(path)\"/>\n"
                for (e, v) in points where v.isFinite {
                    svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%@\"/>\n", x(e), y(v), color)
                }
                svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" fill=\"%@\">%@</text>\n", left + plotWidth + 10, y0 + 16 + 16 * Double(index), color, name)
            }
        }
        panel(top + 10, "training loss", [("loss", "#cc3311", { $0.trainLoss })])
        if history.contains(where: { $0.validation != nil }) {
            panel(top + 10 + panelHeight + gap, "validation", [
                ("MRR", "#0077bb", { $0.validation?.meanReciprocalRank ?? .nan }),
                ("hit@10", "#009988", { $0.validation?.hitAt10 ?? .nan }),
                ("mean cosine", "#ee7733", { $0.validation?.meanCosine ?? .nan }),
            ])
        }
        let axisY = top + 10 + 2 * panelHeight + gap + 16
        for e in Set(history.map(\.epoch)).sorted() {
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>\n", x(Double(e)), axisY, e)
        }
        svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">epoch</text>\n", left + plotWidth / 2, axisY + 16)
        return svg + "</svg>\n"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
