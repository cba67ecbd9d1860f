/// One metric against a swept value, as an inline SVG: the swept values evenly spaced on the
/// x axis (they are the grid's choices, not a continuum), a line through each series' means,
/// its 95 % confidence band shaded and a whisker at each point. A series per combination of
/// the other axes' values.
struct SVGSweepChart {
    struct Series {
        var name: String
        var color: String
        /// One per x value: (mean, CI low, CI high); nil where nothing was measured.
        var points: [(mean: Double, low: Double, high: Double)?]
    }

    var id: String
    var title: String
    var xTitle: String
    var yTitle: String
    var xValues: [String]
    var series: [Series]
    var yLabel: (Double, Double) -> String = { ChartTicks.label($0, step: $1) }
    var width = 620.0
    var height = 260.0

    func render() -> String {
        let top = series.flatMap { $0.points.compactMap { $0.map { max($0.high, $0.mean) } } }.filter(\.isFinite).max() ?? 1
        let ticks = ChartTicks.nice(max: max(top, 1e-12) * 1.05)
        let yTicks = stride(from: 0.0, through: ticks.top + ticks.step * 1e-6, by: ticks.step).map { $0 }
        let labels = yTicks.map { yLabel($0, ticks.step) }
        let legendH = series.count > 1 ? 18.0 * Double((series.count + 2) / 3) : 0
        let left = 30 + (labels.map { SVGChart.textWidth($0) }.max() ?? 20), right = 20.0, top0 = 30.0 + legendH, bottom = 44.0
        let plotW = width - left - right, plotH = height - top0 - bottom
        let n = max(xValues.count, 1)
        func px(_ i: Int) -> Double { left + plotW * (Double(i) + 0.5) / Double(n) }
        func py(_ v: Double) -> Double { top0 + plotH - min(max(v, 0), ticks.top) / ticks.top * plotH }

        var o = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(svgCoord(width)) \(svgCoord(height))\" width=\"\(svgCoord(width))\" height=\"\(svgCoord(height))\""
        o += " role=\"img\" aria-label=\"\(HTMLEscape.text(title))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"\(svgCoord(SVGChart.font))\">"
        o += "<rect x=\"0\" y=\"0\" width=\"\(svgCoord(width))\" height=\"\(svgCoord(height))\" fill=\"#fff\"/>"
        o += "<text x=\"10\" y=\"17\" font-size=\"13\" font-weight=\"600\" fill=\"#1f2937\">\(HTMLEscape.text(title))</text>"
        if series.count > 1 {
            for (k, s) in series.enumerated() {
                let x = 10 + Double(k % 3) * (width - 20) / 3, y = 34 + Double(k / 3) * 18
                o += "<rect x=\"\(svgCoord(x))\" y=\"\(svgCoord(y - 9))\" width=\"14\" height=\"10\" fill=\"\(s.color)\" opacity=\"0.6\"/>"
                o += "<text x=\"\(svgCoord(x + 20))\" y=\"\(svgCoord(y))\" fill=\"#374151\">\(HTMLEscape.text(s.name))</text>"
            }
        }
        for (v, label) in zip(yTicks, labels) {
            o += "<line x1=\"\(svgCoord(left))\" x2=\"\(svgCoord(left + plotW))\" y1=\"\(svgCoord(py(v)))\" y2=\"\(svgCoord(py(v)))\" stroke=\"#e5e7eb\"/>"
            o += "<text x=\"\(svgCoord(left - 6))\" y=\"\(svgCoord(py(v) + 4))\" text-anchor=\"end\" fill=\"#4b5563\">\(HTMLEscape.text(label))</text>"
        }
        o += "<text transform=\"translate(12,\(svgCoord(top0 + plotH / 2))) rotate(-90)\" text-anchor=\"middle\" fill=\"#4b5563\">\(HTMLEscape.text(yTitle))</text>"
        for (i, x) in xValues.enumerated() {
            o += "<text x=\"\(svgCoord(px(i)))\" y=\"\(svgCoord(top0 + plotH + 16))\" text-anchor=\"middle\" fill=\"#4b5563\">\(HTMLEscape.text(x))</text>"
        }
        o += "<text x=\"\(svgCoord(left + plotW / 2))\" y=\"\(svgCoord(height - 8))\" text-anchor=\"middle\" fill=\"#4b5563\">\(HTMLEscape.text(xTitle))</text>"
        for s in series {
            let pts = s.points.enumerated().compactMap { i, p in p.map { (i, $0) } }
            if pts.count >= 2 {
                let upper = pts.map { "\(svgCoord(px($0.0))),\(svgCoord(py($0.1.high)))" }, lower = pts.reversed().map { "\(svgCoord(px($0.0))),\(svgCoord(py($0.1.low)))" }
                o += "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(s.color)\" opacity=\"0.15\"/>"
                o += "<polyline points=\"\(pts.map { "\(svgCoord(px($0.0))),\(svgCoord(py($0.1.mean)))" }.joined(separator: " "))\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"1.8\"/>"
            }
            for (i, p) in pts {
                o += "<line x1=\"\(svgCoord(px(i)))\" x2=\"\(svgCoord(px(i)))\" y1=\"\(svgCoord(py(p.low)))\" y2=\"\(svgCoord(py(p.high)))\" stroke=\"\(s.color)\" stroke-width=\"1.2\"/>"
                o += "<circle cx=\"\(svgCoord(px(i)))\" cy=\"\(svgCoord(py(p.mean)))\" r=\"3.2\" fill=\"\(s.color)\"><title>\(HTMLEscape.text("\(s.name.isEmpty ? "" : s.name + ": ")\(xValues[i]): \(yLabel(p.mean, ticks.step / 100)) (95 % CI \(yLabel(p.low, ticks.step / 100))–\(yLabel(p.high, ticks.step / 100)))"))</title></circle>"
            }
        }
        return o + "</svg>"
    }
}
