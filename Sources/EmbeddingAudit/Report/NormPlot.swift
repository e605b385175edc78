import Foundation

extension NormStatistics {
    /// The histogram as text lines: `  lo – hi | ██████ count`, bars scaled to `width` characters.
    public func asciiHistogram(width: Int = 40) -> [String] {
        guard let top = histogram.max(), top > 0 else { return [] }
        let binWidth = (maximum - minimum) / Double(histogram.count)
        return histogram.enumerated().map { index, count in
            let lo = minimum + Double(index) * binWidth
            let bar = String(repeating: "█", count: count == 0 ? 0 : max(1, count * width / top))
            return String(format: "%9.4g – %-9.4g |%@ %d", lo, lo + binWidth, bar, count)
        }
    }

    /// A self-contained SVG bar chart of the norm histogram (log-scaled counts are not used:
    /// the shape matters more than the tail). - Returns: the SVG document.
    public func svgHistogram(title: String) -> String {
        let width = 640.0, height = 360.0, left = 60.0, bottom = 40.0, top = 40.0, right = 20.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let maxCount = Double(histogram.max() ?? 1)
        let barWidth = plotWidth / Double(max(1, histogram.count))
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(width / 2)" y="22" text-anchor="middle" font-size="14">\(escape(title))</text>

        """
        for (index, count) in histogram.enumerated() {
            let h = maxCount > 0 ? Double(count) / maxCount * plotHeight : 0
            let x = left + Double(index) * barWidth
            svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#4477aa\"><title>%d rows</title></rect>\n",
                          x + 1, top + plotHeight - h, barWidth - 2, h, count)
        }
        svg += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n",
                      left, top + plotHeight, left + plotWidth, top + plotHeight)
        svg += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n",
                      left, top, left, top + plotHeight)
        for tick in 0 ... 4 {
            let value = minimum + (maximum - minimum) * Double(tick) / 4
            let x = left + plotWidth * Double(tick) / 4
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.3g</text>\n", x, top + plotHeight + 16, value)
        }
        svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">L2 norm</text>\n", left + plotWidth / 2, height - 6)
        svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%d</text>\n", left - 6, top + 4, Int(maxCount))
        svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">0</text>\n", left - 6, top + plotHeight)
        svg += "</svg>\n"
        return svg
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
