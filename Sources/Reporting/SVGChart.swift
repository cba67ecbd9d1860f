import Foundation

/// A time-series chart drawn as one self-contained inline SVG: a title, a legend, a y axis
/// with nice ticks and its unit, a time axis (EAT clock times or offsets), shaded time bands
/// (warm-up, surges, faults), series (lines, steps, areas, bands between two curves), dashed
/// reference lines with their labels (SLOs, HPA targets, trigger thresholds) and markers with
/// tooltips (scaling decisions).
///
/// A value type with no behaviour but `render()`: reports build one per panel. Output is
/// deterministic (fixed-precision coordinates, arrays only) and every text is escaped.
struct SVGChart {
    enum Style: Sendable { case line, step, area, stepArea, stepBand }

    struct Series {
        var name: String
        var color: String
        var style: Style = .line
        var points: [ChartPoint]
        var dashed = false
        var width = 1.6
        var fillOpacity = 0.18
    }

    struct ReferenceLine {
        var value: Double
        var label: String
        var color: String
        var dash = "6 4"
    }

    /// A shaded stretch of time (the warm-up, a surge, a fault).
    struct Band {
        var from: Double
        var to: Double
        var label: String
        var color: String
        var opacity = 0.10
        /// An event's window (a fault) rather than a condition's: edged at both ends, its label
        /// in the band's colour on the second row and always drawn (past the band when it is
        /// narrow), so it reads apart from a surge it overlaps and is never left unnamed.
        var marked = false
        /// The tooltip; the label when nil.
        var title: String? = nil
    }

    struct Marker {
        enum Shape: Sendable { case up, down, diamond, circle }
        var x: Double
        var y: Double
        var shape: Shape
        var color: String
        /// Shown as the marker's tooltip (an SVG `<title>`).
        var title: String
    }

    /// Unique within the page: used for the clip path's id.
    var id: String
    var title: String
    /// The y axis's title with its unit: "latency (ms)".
    var yTitle: String
    var clock: ChartClock
    var xMax: Double
    var series: [Series] = []
    var references: [ReferenceLine] = []
    var bands: [Band] = []
    var markers: [Marker] = []
    /// Legend entries for marker kinds: (shape, colour, text).
    var markerLegend: [(Marker.Shape, String, String)] = []
    /// Tick labels on the y axis; defaults to nice decimals for the step.
    var yLabel: (Double, Double) -> String = { ChartTicks.label($0, step: $1) }
    /// Shown in the plot area when no series has a value.
    var emptyNote = "no data"
    /// A lower bound on the y axis's top (e.g. 100 % for utilisation, 1 replica).
    var minTop = 0.0
    /// The y axis fits the data from this time on (the warm-up's transients are drawn, clipped).
    var scaleFrom = 0.0
    /// Whole-number y ticks (counts).
    var integerY = false
    var width = 620.0
    var height = 270.0
    var maxPoints = 1000

    static let font = 11.0
    /// Average glyph width of the sans-serif fonts we expect, as a fraction of the size.
    static func textWidth(_ s: String, size: Double = font) -> Double { Double(s.count) * size * 0.6 }

    func render() -> String {
        let data = series.map { s in SVGChart.Series(name: s.name, color: s.color, style: s.style, points: ChartDownsample.minMax(s.points, maxPoints: maxPoints),
                                                      dashed: s.dashed, width: s.width, fillOpacity: s.fillOpacity) }
        // y domain: 0 … the largest value, reference line or floor, rounded to a nice tick.
        var top = minTop
        let fitted = data.contains { $0.points.contains { $0.x >= scaleFrom && $0.y != nil } } ? scaleFrom : -Double.infinity
        for s in data { for p in s.points where p.x >= fitted { if let y = p.y, y.isFinite { top = max(top, y) } } }
        for r in references where r.value.isFinite { top = max(top, r.value * 1.08) }
        for m in markers where m.y.isFinite { top = max(top, m.y) }
        let ticks = ChartTicks.nice(max: top * 1.04, integer: integerY)
        let yTop = ticks.top
        let yTicks = stride(from: 0.0, through: yTop + ticks.step * 1e-6, by: ticks.step).map { $0 }
        let yLabels = yTicks.map { yLabel($0, ticks.step) }

        // Legend entries, laid out in rows across the width.
        struct Entry { var swatch: String; var text: String; var w: Double }
        var entries: [Entry] = []
        for s in data {
            entries.append(Entry(swatch: swatch(s), text: s.name, w: 26 + SVGChart.textWidth(s.name)))
        }
        for (shape, color, text) in markerLegend {
            entries.append(Entry(swatch: SVGChart.markerPath(shape, x: 9, y: -4, r: 4.5, color: color), text: text, w: 26 + SVGChart.textWidth(text)))
        }
        var rows: [[(Entry, Double)]] = [[]]
        var cursor = 0.0
        for e in entries {
            if cursor > 0 && cursor + e.w > width - 24 { rows.append([]); cursor = 0 }
            rows[rows.count - 1].append((e, cursor))
            cursor += e.w + 12
        }
        let legendRows = entries.isEmpty ? 0 : rows.count

        let labelW = yLabels.map { SVGChart.textWidth($0) }.max() ?? 20
        let left = 26 + labelW + 8
        let right = 14.0
        let top0 = 26.0 + Double(legendRows) * 16 + 8
        let bottom = 40.0
        let plotW = width - left - right
        let plotH = height - top0 - bottom
        func px(_ x: Double) -> Double { left + (xMax > 0 ? min(max(x, 0), xMax) / xMax : 0) * plotW }
        func py(_ y: Double) -> Double { top0 + plotH - min(max(y, 0), yTop) / yTop * plotH }

        var o = ""
        o.reserveCapacity(4096 + data.reduce(0) { $0 + $1.points.count * 14 })
        o += "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(svgCoord(width)) \(svgCoord(height))\" width=\"\(svgCoord(width))\" height=\"\(svgCoord(height))\""
        o += " role=\"img\" aria-label=\"\(HTMLEscape.text(title))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"\(svgCoord(SVGChart.font))\">"
        o += "<rect class=\"bg\" x=\"0\" y=\"0\" width=\"\(svgCoord(width))\" height=\"\(svgCoord(height))\" fill=\"#fff\"/>"
        o += "<text class=\"ct\" x=\"\(svgCoord(left - 26 - labelW - 8 + 10))\" y=\"17\" font-size=\"13\" font-weight=\"600\" fill=\"#1f2937\">\(HTMLEscape.text(title))</text>"

        // Legend.
        for (r, row) in rows.enumerated() where !row.isEmpty {
            let y = 26.0 + Double(r) * 16 + 10
            for (e, x0) in row {
                o += "<g transform=\"translate(\(svgCoord(10 + x0)),\(svgCoord(y)))\">\(e.swatch)<text x=\"24\" y=\"0\" fill=\"#374151\">\(HTMLEscape.text(e.text))</text></g>"
            }
        }

        // Grid and y ticks.
        o += "<g class=\"grid\">"
        for (i, v) in yTicks.enumerated() {
            let y = py(v)
            o += "<line x1=\"\(svgCoord(left))\" y1=\"\(svgCoord(y))\" x2=\"\(svgCoord(left + plotW))\" y2=\"\(svgCoord(y))\" stroke=\"#e5e7eb\" stroke-width=\"1\"/>"
            o += "<text x=\"\(svgCoord(left - 6))\" y=\"\(svgCoord(y + 3.5))\" text-anchor=\"end\" fill=\"#6b7280\">\(HTMLEscape.text(yLabels[i]))</text>"
        }
        // Time ticks.
        let maxTicks = max(2, Int(plotW / (clock.anchored ? 78 : 70)))
        let (xt, step) = clock.ticks(duration: xMax, maxTicks: maxTicks)
        for (i, t) in xt.enumerated() {
            let x = px(t)
            var label = clock.tick(t, step: step)
            if i == 0 && clock.anchored && label.contains(":") { label += " EAT" }
            let anchor = x + SVGChart.textWidth(label) / 2 > width - 2 ? "end" : (x - SVGChart.textWidth(label) / 2 < 2 ? "start" : "middle")
            o += "<line x1=\"\(svgCoord(x))\" y1=\"\(svgCoord(top0))\" x2=\"\(svgCoord(x))\" y2=\"\(svgCoord(top0 + plotH))\" stroke=\"#f1f3f5\" stroke-width=\"1\"/>"
            o += "<line x1=\"\(svgCoord(x))\" y1=\"\(svgCoord(top0 + plotH))\" x2=\"\(svgCoord(x))\" y2=\"\(svgCoord(top0 + plotH + 4))\" stroke=\"#9ca3af\"/>"
            o += "<text x=\"\(svgCoord(x))\" y=\"\(svgCoord(top0 + plotH + 16))\" text-anchor=\"\(anchor)\" fill=\"#6b7280\">\(HTMLEscape.text(label))</text>"
        }
        o += "</g>"

        // Bands behind the data.
        for b in bands where b.to > b.from && b.from < xMax {
            let x0 = px(b.from), x1 = px(min(b.to, xMax))
            o += "<g class=\"\(b.marked ? "band marked" : "band")\"><title>\(HTMLEscape.text(b.title ?? b.label))</title>"
            o += "<rect x=\"\(svgCoord(x0))\" y=\"\(svgCoord(top0))\" width=\"\(svgCoord(max(x1 - x0, 0.5)))\" height=\"\(svgCoord(plotH))\" fill=\"\(b.color)\" fill-opacity=\"\(svgFrac(b.opacity))\"/>"
            if b.marked {
                o += bandEdges(b, x0: x0, x1: x1, top: top0, height: plotH, plotRight: left + plotW)
            } else if x1 - x0 > SVGChart.textWidth(b.label, size: 10) * 0.85 + 6 {
                o += "<text x=\"\(svgCoord(x0 + 4))\" y=\"\(svgCoord(top0 + 11))\" font-size=\"10\" fill=\"#6b7280\">\(HTMLEscape.text(b.label))</text>"
            }
            o += "</g>"
        }

        // Series, clipped to the plot.
        let hasData = data.contains { $0.points.contains { $0.y != nil } }
        o += "<clipPath id=\"\(id)-clip\"><rect x=\"\(svgCoord(left))\" y=\"\(svgCoord(top0 - 2))\" width=\"\(svgCoord(plotW))\" height=\"\(svgCoord(plotH + 4))\"/></clipPath>"
        o += "<g clip-path=\"url(#\(id)-clip)\">"
        for s in data { o += path(s, px: px, py: py, baseline: py(0)) }
        o += "</g>"
        if !hasData {
            o += "<text x=\"\(svgCoord(left + plotW / 2))\" y=\"\(svgCoord(top0 + plotH / 2))\" text-anchor=\"middle\" fill=\"#9ca3af\">\(HTMLEscape.text(emptyNote))</text>"
        }

        // Reference lines with labels that keep out of each other's way.
        var placed: [(y: Double, x0: Double, x1: Double)] = []
        for r in references.sorted(by: { $0.value > $1.value }) where r.value.isFinite {
            let y = py(r.value)
            o += "<line x1=\"\(svgCoord(left))\" y1=\"\(svgCoord(y))\" x2=\"\(svgCoord(left + plotW))\" y2=\"\(svgCoord(y))\" stroke=\"\(r.color)\" stroke-width=\"1.5\" stroke-dasharray=\"\(r.dash)\"/>"
            let w = SVGChart.textWidth(r.label, size: 10.5)
            var candidates: [(Double, Double, String)] = []   // (label baseline, x, anchor)
            for dy in [-4.0, 12.0, -17.0, 25.0] {
                candidates.append((y + dy, left + plotW - 4, "end"))
                candidates.append((y + dy, left + 4, "start"))
            }
            func span(_ c: (Double, Double, String)) -> (Double, Double) { c.2 == "end" ? (c.1 - w, c.1) : (c.1, c.1 + w) }
            let fits = candidates.first { c in
                let (a, b) = span(c)
                return c.0 - 9 >= top0 && c.0 + 2 <= top0 + plotH && !placed.contains { abs($0.y - c.0) < 12 && $0.x0 < b && a < $0.x1 }
            } ?? candidates[0]
            let (a, b) = span(fits)
            placed.append((fits.0, a, b))
            o += "<text x=\"\(svgCoord(fits.1))\" y=\"\(svgCoord(fits.0))\" text-anchor=\"\(fits.2)\" font-size=\"10.5\" font-weight=\"600\" fill=\"\(r.color)\""
            o += " stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">\(HTMLEscape.text(r.label))</text>"
        }

        // Markers with tooltips.
        for m in markers where m.x >= 0 && m.x <= xMax + 1e-9 {
            o += "<g class=\"mk\"><title>\(HTMLEscape.text(m.title))</title>\(SVGChart.markerPath(m.shape, x: px(m.x), y: py(m.y), r: 5, color: m.color))</g>"
        }

        // Axes and their titles.
        o += "<line x1=\"\(svgCoord(left))\" y1=\"\(svgCoord(top0 + plotH))\" x2=\"\(svgCoord(left + plotW))\" y2=\"\(svgCoord(top0 + plotH))\" stroke=\"#9ca3af\"/>"
        o += "<line x1=\"\(svgCoord(left))\" y1=\"\(svgCoord(top0))\" x2=\"\(svgCoord(left))\" y2=\"\(svgCoord(top0 + plotH))\" stroke=\"#9ca3af\"/>"
        o += "<text x=\"\(svgCoord(left + plotW / 2))\" y=\"\(svgCoord(height - 6))\" text-anchor=\"middle\" fill=\"#4b5563\">\(HTMLEscape.text(clock.axisTitle))</text>"
        o += "<text transform=\"rotate(-90)\" x=\"\(svgCoord(-(top0 + plotH / 2)))\" y=\"14\" text-anchor=\"middle\" fill=\"#4b5563\">\(HTMLEscape.text(yTitle))</text>"
        o += "</svg>"
        return o
    }
}
