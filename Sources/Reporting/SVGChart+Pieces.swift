import Foundation

/// The pieces `SVGChart.render()` draws with: a marked band's edges and label, legend swatches,
/// marker shapes, and series as SVG path data (split at gaps, stepped, filled).
extension SVGChart {
    /// A marked band's edges and its label on the second row (the first holds surge and
    /// warm-up labels): from the band's start, or ending at the plot's right edge when the
    /// label would run past it.
    func bandEdges(_ b: Band, x0: Double, x1: Double, top: Double, height: Double, plotRight: Double) -> String {
        var o = ""
        for x in x1 - x0 > 1 ? [x0, x1] : [x0] {
            o += "<line x1=\"\(svgCoord(x))\" y1=\"\(svgCoord(top))\" x2=\"\(svgCoord(x))\" y2=\"\(svgCoord(top + height))\" stroke=\"\(b.color)\" stroke-width=\"1\" stroke-opacity=\"0.6\"/>"
        }
        let fits = x0 + 4 + SVGChart.textWidth(b.label, size: 10) * 0.85 <= plotRight
        let (x, anchor) = fits ? (x0 + 4, "start") : (plotRight - 4, "end")
        o += "<text x=\"\(svgCoord(x))\" y=\"\(svgCoord(top + 23))\" text-anchor=\"\(anchor)\" font-size=\"10\" font-weight=\"600\" fill=\"\(b.color)\""
        o += " stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">\(HTMLEscape.text(b.label))</text>"
        return o
    }

    func swatch(_ s: Series) -> String {
        switch s.style {
        case .area, .stepArea, .stepBand:
            let stroke = s.style == .stepBand ? "" : "<line x1=\"0\" y1=\"-9\" x2=\"18\" y2=\"-9\" stroke=\"\(s.color)\" stroke-width=\"2\"/>"
            return "<rect x=\"0\" y=\"-9\" width=\"18\" height=\"9\" fill=\"\(s.color)\" fill-opacity=\"\(svgFrac(max(s.fillOpacity, 0.3)))\"/>" + stroke
        case .line, .step:
            return "<line x1=\"0\" y1=\"-4\" x2=\"18\" y2=\"-4\" stroke=\"\(s.color)\" stroke-width=\"\(svgCoord(max(s.width, 2)))\"\(s.dashed ? " stroke-dasharray=\"4 3\"" : "")/>"
        }
    }

    static func markerPath(_ shape: Marker.Shape, x: Double, y: Double, r: Double, color: String) -> String {
        let d: String
        switch shape {
        case .up: d = "M\(svgCoord(x)) \(svgCoord(y - r))L\(svgCoord(x + r)) \(svgCoord(y + r * 0.8))L\(svgCoord(x - r)) \(svgCoord(y + r * 0.8))Z"
        case .down: d = "M\(svgCoord(x)) \(svgCoord(y + r))L\(svgCoord(x + r)) \(svgCoord(y - r * 0.8))L\(svgCoord(x - r)) \(svgCoord(y - r * 0.8))Z"
        case .diamond: d = "M\(svgCoord(x)) \(svgCoord(y - r))L\(svgCoord(x + r)) \(svgCoord(y))L\(svgCoord(x)) \(svgCoord(y + r))L\(svgCoord(x - r)) \(svgCoord(y))Z"
        case .circle: return "<circle cx=\"\(svgCoord(x))\" cy=\"\(svgCoord(y))\" r=\"\(svgCoord(r * 0.8))\" fill=\"\(color)\" stroke=\"#fff\" stroke-width=\"1\"/>"
        }
        return "<path d=\"\(d)\" fill=\"\(color)\" stroke=\"#fff\" stroke-width=\"1\"/>"
    }

    /// Splits a series at its gaps into runs of (x, y, base) in pixels.
    static func segments(_ pts: [ChartPoint], px: (Double) -> Double, py: (Double) -> Double) -> [[(Double, Double, Double?)]] {
        var out: [[(Double, Double, Double?)]] = []
        var cur: [(Double, Double, Double?)] = []
        for p in pts {
            if let y = p.y, y.isFinite {
                cur.append((px(p.x), py(y), p.base.map(py)))
            } else if !cur.isEmpty {
                out.append(cur); cur = []
            }
        }
        if !cur.isEmpty { out.append(cur) }
        return out
    }

    /// Vertices of a step-after line through the points (horizontal, then vertical).
    static func stepped(_ seg: [(Double, Double)]) -> [(Double, Double)] {
        var v: [(Double, Double)] = []
        v.reserveCapacity(seg.count * 2)
        for (i, p) in seg.enumerated() {
            if i > 0 { v.append((p.0, seg[i - 1].1)) }
            v.append(p)
        }
        return v
    }

    static func polyline(_ v: [(Double, Double)]) -> String {
        var d = ""
        d.reserveCapacity(v.count * 12)
        for (i, p) in v.enumerated() {
            // Repeated letters are implied in SVG path data: "M x y L x y x y …".
            d += i == 0 ? "M" : (i == 1 ? "L" : " ")
            d += svgCoord(p.0) + " " + svgCoord(p.1)
        }
        return d
    }

    func path(_ s: Series, px: (Double) -> Double, py: (Double) -> Double, baseline: Double) -> String {
        let segs = SVGChart.segments(s.points, px: px, py: py)
        guard !segs.isEmpty else { return "" }
        let stepping = s.style == .step || s.style == .stepArea || s.style == .stepBand
        var line = "", fill = ""
        for seg in segs {
            let upper = seg.map { ($0.0, $0.1) }
            let top = stepping ? SVGChart.stepped(upper) : upper
            switch s.style {
            case .line, .step:
                line += SVGChart.polyline(top)
            case .area, .stepArea:
                line += SVGChart.polyline(top)
                fill += SVGChart.polyline(top) + "L\(svgCoord(top.last!.0)) \(svgCoord(baseline))L\(svgCoord(top.first!.0)) \(svgCoord(baseline))Z"
            case .stepBand:
                let lowerPts = seg.map { ($0.0, $0.2 ?? baseline) }
                let lower = SVGChart.stepped(lowerPts)
                fill += SVGChart.polyline(top + lower.reversed()) + "Z"
            }
        }
        var o = "<g class=\"series\">"
        if !fill.isEmpty { o += "<path d=\"\(fill)\" fill=\"\(s.color)\" fill-opacity=\"\(svgFrac(s.fillOpacity))\" stroke=\"none\"/>" }
        if !line.isEmpty {
            o += "<path d=\"\(line)\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"\(svgCoord(s.width))\" stroke-linejoin=\"round\"\(s.dashed ? " stroke-dasharray=\"5 3\"" : "")/>"
        }
        return o + "</g>"
    }
}

/// Fixed one-decimal coordinates (the same bytes on every run), without a trailing ".0".
func svgCoord(_ v: Double) -> String {
    let r = (v * 10).rounded() / 10
    if r == r.rounded() && abs(r) < 1e12 { return String(Int64(r)) }
    return String(format: "%.1f", r)
}

func svgFrac(_ v: Double) -> String { String(format: "%.2f", v) }
