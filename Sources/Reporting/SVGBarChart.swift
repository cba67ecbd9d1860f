import Foundation

/// A horizontal bar chart as one inline SVG: one row per category, bars that may float
/// (`from` > 0, for waterfalls), optional p10–p90 whiskers, marks per row (a limit tick, a
/// diamond for a second estimate), value labels, a legend and a value axis with nice ticks.
struct SVGBarChart {
    struct Mark {
        enum Shape: Sendable { case tick, diamond }
        var value: Double
        var shape: Shape
        var color: String
        var title: String
    }

    struct Bar {
        var label: String
        var from = 0.0
        var to: Double
        var color: String
        var valueLabel: String
        var title: String
        var whisker: (Double, Double)? = nil
        var marks: [Mark] = []
        var bold = false
    }

    enum LegendKind: Sendable { case box, whisker, tick, diamond }

    var id: String
    var title: String
    var xTitle: String
    var bars: [Bar]
    var legend: [(LegendKind, String, String)] = []
    var xLabel: (Double, Double) -> String = { ChartTicks.label($0, step: $1) }
    var width = 620.0
    var rowHeight = 24.0

    func render() -> String {
        let font = SVGChart.font
        var top = 1.0
        for b in bars {
            top = max(top, b.to, b.from)
            if let w = b.whisker { top = max(top, w.1) }
            for m in b.marks { top = max(top, m.value) }
        }
        let ticks = ChartTicks.nice(max: top * 1.02)
        let xTop = ticks.top

        // Legend rows.
        var rows: [[((LegendKind, String, String), Double)]] = [[]]
        var cursor = 0.0
        for e in legend {
            let w = 26 + SVGChart.textWidth(e.2)
            if cursor > 0 && cursor + w > width - 24 { rows.append([]); cursor = 0 }
            rows[rows.count - 1].append((e, cursor))
            cursor += w + 12
        }
        let legendRows = legend.isEmpty ? 0 : rows.count
        let left = min(width * 0.42, (bars.map { SVGChart.textWidth($0.label) }.max() ?? 40) + 18)
        let right = (bars.map { SVGChart.textWidth($0.valueLabel) }.max() ?? 30) + 14
        let top0 = 26.0 + Double(legendRows) * 16 + 8
        let plotW = max(60, width - left - right)
        let plotH = Double(bars.count) * rowHeight
        let height = top0 + plotH + 40
        func px(_ v: Double) -> Double { left + min(max(v, 0), xTop) / xTop * plotW }

        var o = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(svgCoord(width)) \(svgCoord(height))\" width=\"\(svgCoord(width))\" height=\"\(svgCoord(height))\""
        o += " role=\"img\" aria-label=\"\(HTMLEscape.text(title))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"\(svgCoord(font))\">"
        o += "<rect class=\"bg\" x=\"0\" y=\"0\" width=\"\(svgCoord(width))\" height=\"\(svgCoord(height))\" fill=\"#fff\"/>"
        o += "<text class=\"ct\" x=\"10\" y=\"17\" font-size=\"13\" font-weight=\"600\" fill=\"#1f2937\">\(HTMLEscape.text(title))</text>"
        for (r, row) in rows.enumerated() where !row.isEmpty {
            let y = 26.0 + Double(r) * 16 + 10
            for (e, x0) in row {
                o += "<g transform=\"translate(\(svgCoord(10 + x0)),\(svgCoord(y)))\">\(SVGBarChart.swatch(e.0, e.1))<text x=\"24\" y=\"0\" fill=\"#374151\">\(HTMLEscape.text(e.2))</text></g>"
            }
        }
        // Value grid.
        for v in stride(from: 0.0, through: xTop + ticks.step * 1e-6, by: ticks.step) {
            let x = px(v)
            o += "<line x1=\"\(svgCoord(x))\" y1=\"\(svgCoord(top0))\" x2=\"\(svgCoord(x))\" y2=\"\(svgCoord(top0 + plotH))\" stroke=\"#eceef1\"/>"
            o += "<text x=\"\(svgCoord(x))\" y=\"\(svgCoord(top0 + plotH + 15))\" text-anchor=\"middle\" fill=\"#6b7280\">\(HTMLEscape.text(xLabel(v, ticks.step)))</text>"
        }
        // Rows.
        for (i, b) in bars.enumerated() {
            let yMid = top0 + (Double(i) + 0.5) * rowHeight
            let h = rowHeight * 0.58
            let x0 = px(min(b.from, b.to)), x1 = px(max(b.from, b.to))
            o += "<text x=\"\(svgCoord(left - 8))\" y=\"\(svgCoord(yMid + 4))\" text-anchor=\"end\" fill=\"#1f2937\"\(b.bold ? " font-weight=\"600\"" : "")>\(HTMLEscape.text(b.label))</text>"
            o += "<g><title>\(HTMLEscape.text(b.title))</title><rect x=\"\(svgCoord(x0))\" y=\"\(svgCoord(yMid - h / 2))\" width=\"\(svgCoord(max(x1 - x0, 1)))\" height=\"\(svgCoord(h))\" rx=\"2\" fill=\"\(b.color)\"/></g>"
            if i > 0, bars[i - 1].to == b.from, b.from > 0 {
                // Waterfall connector from the previous bar's end.
                let xp = px(b.from)
                o += "<line x1=\"\(svgCoord(xp))\" y1=\"\(svgCoord(yMid - rowHeight + h / 2))\" x2=\"\(svgCoord(xp))\" y2=\"\(svgCoord(yMid - h / 2))\" stroke=\"#9ca3af\" stroke-dasharray=\"2 2\"/>"
            }
            var labelX = x1
            if let w = b.whisker {
                let a = px(w.0), z = px(w.1)
                o += "<g><title>\(HTMLEscape.text("p10–p90: " + xLabel(w.0, 0.001) + " – " + xLabel(w.1, 0.001)))</title>"
                o += "<line x1=\"\(svgCoord(a))\" y1=\"\(svgCoord(yMid))\" x2=\"\(svgCoord(z))\" y2=\"\(svgCoord(yMid))\" stroke=\"#111827\" stroke-width=\"1.4\"/>"
                o += "<line x1=\"\(svgCoord(a))\" y1=\"\(svgCoord(yMid - 5))\" x2=\"\(svgCoord(a))\" y2=\"\(svgCoord(yMid + 5))\" stroke=\"#111827\" stroke-width=\"1.4\"/>"
                o += "<line x1=\"\(svgCoord(z))\" y1=\"\(svgCoord(yMid - 5))\" x2=\"\(svgCoord(z))\" y2=\"\(svgCoord(yMid + 5))\" stroke=\"#111827\" stroke-width=\"1.4\"/></g>"
                labelX = max(labelX, z)
            }
            for m in b.marks {
                let x = px(m.value)
                switch m.shape {
                case .tick:
                    o += "<g><title>\(HTMLEscape.text(m.title))</title><line x1=\"\(svgCoord(x))\" y1=\"\(svgCoord(yMid - rowHeight / 2 + 1))\" x2=\"\(svgCoord(x))\" y2=\"\(svgCoord(yMid + rowHeight / 2 - 1))\" stroke=\"\(m.color)\" stroke-width=\"2.5\"/></g>"
                case .diamond:
                    o += "<g><title>\(HTMLEscape.text(m.title))</title>\(SVGChart.markerPath(.diamond, x: x, y: yMid, r: 5, color: m.color))</g>"
                }
                labelX = max(labelX, x)
            }
            o += "<text x=\"\(svgCoord(labelX + 6))\" y=\"\(svgCoord(yMid + 4))\" fill=\"#374151\" font-variant-numeric=\"tabular-nums\">\(HTMLEscape.text(b.valueLabel))</text>"
        }
        o += "<line x1=\"\(svgCoord(left))\" y1=\"\(svgCoord(top0))\" x2=\"\(svgCoord(left))\" y2=\"\(svgCoord(top0 + plotH))\" stroke=\"#9ca3af\"/>"
        o += "<text x=\"\(svgCoord(left + plotW / 2))\" y=\"\(svgCoord(height - 6))\" text-anchor=\"middle\" fill=\"#4b5563\">\(HTMLEscape.text(xTitle))</text>"
        return o + "</svg>"
    }

    static func swatch(_ kind: LegendKind, _ color: String) -> String {
        switch kind {
        case .box: return "<rect x=\"0\" y=\"-10\" width=\"18\" height=\"10\" rx=\"2\" fill=\"\(color)\"/>"
        case .whisker: return "<path d=\"M1 -5H17M1 -9V-1M17 -9V-1\" stroke=\"\(color)\" stroke-width=\"1.4\" fill=\"none\"/>"
        case .tick: return "<line x1=\"9\" y1=\"-12\" x2=\"9\" y2=\"2\" stroke=\"\(color)\" stroke-width=\"2.5\"/>"
        case .diamond: return SVGChart.markerPath(.diamond, x: 9, y: -5, r: 5, color: color)
        }
    }
}
