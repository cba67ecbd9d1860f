/// Values against a continuous x, as one inline SVG: nice ticks on both axes, each series a
/// line, dots or both (dashed for a prediction), with a vertical error bar where a point has an
/// interval and a tooltip on every dot. The x axis starts at zero; the y axis too unless
/// `yFromZero` is off, when it fits the data (a cost that moves by a few per cent).
struct SVGXYChart {
    struct Point {
        var x: Double
        var y: Double
        /// The interval drawn as an error bar, when known.
        var interval: (low: Double, high: Double)? = nil
        var title: String
    }

    struct Series {
        var name: String
        var color: String
        var points: [Point]
        var line = true
        var dots = true
        var dashed = false
        /// Dots drawn as rings (a prediction beside filled measured dots).
        var hollow = false

        func dot(_ x: Double, _ y: Double, r: Double) -> String {
            "<circle cx=\"\(svgCoord(x))\" cy=\"\(svgCoord(y))\" r=\"\(svgCoord(r))\" fill=\"\(hollow ? "#fff" : color)\"\(hollow ? " stroke=\"\(color)\" stroke-width=\"1.5\"" : "")"
        }
    }

    var id: String
    var title: String
    var xTitle: String
    var yTitle: String
    var series: [Series]
    var xMax: Double? = nil
    var yFromZero = true
    var xLabel: (Double, Double) -> String = { ChartTicks.label($0, step: $1) }
    var yLabel: (Double, Double) -> String = { ChartTicks.label($0, step: $1) }
    var width = 620.0
    var height = 280.0

    /// Axis range and step: from zero (or a nice floor under the data) to a nice top, with a
    /// margin above the data unless `margin` is off (an x axis ends at its last value).
    static func axis(_ values: [Double], fromZero: Bool, margin: Bool = true) -> (low: Double, high: Double, step: Double) {
        let v = values.filter(\.isFinite)
        let hi = max(v.max() ?? 1, 1e-12), lo = fromZero ? 0 : (v.min() ?? 0)
        guard !fromZero, hi > lo else { let t = ChartTicks.nice(max: hi * (margin ? 1.05 : 1)); return (0, t.top, t.step) }
        let step = ChartTicks.nice(max: (hi - lo) * 1.1, target: 4).step
        let low = max(0, ((lo - (hi - lo) * 0.05) / step).rounded(.down) * step)
        return (low, max(low + step, ((hi + (hi - lo) * 0.05) / step).rounded(.up) * step), step)
    }

    func render() -> String {
        let pts = series.flatMap(\.points)
        let xs = Self.axis(pts.map(\.x) + (xMax.map { [$0] } ?? []), fromZero: true, margin: false)
        let ys = Self.axis(pts.flatMap { [$0.y] + ($0.interval.map { [$0.high] } ?? []) }, fromZero: yFromZero)
        let yTicks = stride(from: ys.low, through: ys.high + ys.step * 1e-6, by: ys.step).map { $0 }
        let xTicks = stride(from: xs.low, through: xs.high + xs.step * 1e-6, by: xs.step).map { $0 }
        let labels = yTicks.map { yLabel($0, ys.step) }
        let perRow = max(1, min(series.count, 4))
        let legendH = 18.0 * Double((series.count + perRow - 1) / perRow)
        let left = 30 + (labels.map { SVGChart.textWidth($0) }.max() ?? 20), right = 20.0, top0 = 30.0 + legendH, bottom = 44.0
        let plotW = width - left - right, plotH = height - top0 - bottom
        func px(_ v: Double) -> Double { left + (min(max(v, xs.low), xs.high) - xs.low) / (xs.high - xs.low) * plotW }
        func py(_ v: Double) -> Double { top0 + plotH - (min(max(v, ys.low), ys.high) - ys.low) / (ys.high - ys.low) * plotH }
        func xy(_ p: Point) -> String { "\(svgCoord(px(p.x))),\(svgCoord(py(p.y)))" }

        var o = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(svgCoord(width)) \(svgCoord(height))\" width=\"\(svgCoord(width))\" height=\"\(svgCoord(height))\""
        o += " role=\"img\" aria-label=\"\(HTMLEscape.text(title))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"\(svgCoord(SVGChart.font))\">"
        o += "<rect x=\"0\" y=\"0\" width=\"\(svgCoord(width))\" height=\"\(svgCoord(height))\" fill=\"#fff\"/>"
        o += "<text x=\"10\" y=\"17\" font-size=\"13\" font-weight=\"600\" fill=\"#1f2937\">\(HTMLEscape.text(title))</text>"
        for (k, s) in series.enumerated() {
            let x = 10 + Double(k % perRow) * (width - 20) / Double(perRow), y = 34 + Double(k / perRow) * 18
            if s.line {
                o += "<line x1=\"\(svgCoord(x))\" x2=\"\(svgCoord(x + 18))\" y1=\"\(svgCoord(y - 4))\" y2=\"\(svgCoord(y - 4))\" stroke=\"\(s.color)\" stroke-width=\"2\"\(s.dashed ? " stroke-dasharray=\"5 3\"" : "")/>"
            }
            if s.dots { o += s.dot(x + 9, y - 4, r: 3.2) + "/>" }
            o += "<text x=\"\(svgCoord(x + 24))\" y=\"\(svgCoord(y))\" fill=\"#374151\">\(HTMLEscape.text(s.name))</text>"
        }
        for (v, label) in zip(yTicks, labels) {
            o += "<line x1=\"\(svgCoord(left))\" x2=\"\(svgCoord(left + plotW))\" y1=\"\(svgCoord(py(v)))\" y2=\"\(svgCoord(py(v)))\" stroke=\"#e5e7eb\"/>"
            o += "<text x=\"\(svgCoord(left - 6))\" y=\"\(svgCoord(py(v) + 4))\" text-anchor=\"end\" fill=\"#4b5563\">\(HTMLEscape.text(label))</text>"
        }
        for v in xTicks {
            o += "<line x1=\"\(svgCoord(px(v)))\" x2=\"\(svgCoord(px(v)))\" y1=\"\(svgCoord(top0 + plotH))\" y2=\"\(svgCoord(top0 + plotH + 4))\" stroke=\"#9ca3af\"/>"
            o += "<text x=\"\(svgCoord(px(v)))\" y=\"\(svgCoord(top0 + plotH + 16))\" text-anchor=\"middle\" fill=\"#4b5563\">\(HTMLEscape.text(xLabel(v, xs.step)))</text>"
        }
        o += "<line x1=\"\(svgCoord(left))\" x2=\"\(svgCoord(left + plotW))\" y1=\"\(svgCoord(top0 + plotH))\" y2=\"\(svgCoord(top0 + plotH))\" stroke=\"#9ca3af\"/>"
        o += "<text transform=\"translate(12,\(svgCoord(top0 + plotH / 2))) rotate(-90)\" text-anchor=\"middle\" fill=\"#4b5563\">\(HTMLEscape.text(yTitle))</text>"
        o += "<text x=\"\(svgCoord(left + plotW / 2))\" y=\"\(svgCoord(height - 8))\" text-anchor=\"middle\" fill=\"#4b5563\">\(HTMLEscape.text(xTitle))</text>"
        for s in series {
            if s.line && s.points.count >= 2 {
                o += "<polyline points=\"\(s.points.map(xy).joined(separator: " "))\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"1.8\"\(s.dashed ? " stroke-dasharray=\"5 3\"" : "")/>"
            }
            for p in s.points {
                if let i = p.interval {
                    let x = svgCoord(px(p.x)), a = svgCoord(px(p.x) - 4), b = svgCoord(px(p.x) + 4), lo = svgCoord(py(i.low)), hi = svgCoord(py(i.high))
                    o += "<path d=\"M\(x) \(lo)V\(hi)M\(a) \(lo)H\(b)M\(a) \(hi)H\(b)\" stroke=\"\(s.color)\" stroke-width=\"1.2\" fill=\"none\"/>"
                }
                if s.dots {
                    o += s.dot(px(p.x), py(p.y), r: 3.4) + "><title>\(HTMLEscape.text(p.title))</title></circle>"
                }
            }
        }
        return o + "</svg>"
    }
}
