import Calibration
import CapsimModel

/// The calibration report's two charts.
enum CalibrationCharts {
    static let measuredColor = "#1d4ed8"
    static let lineColor = "#b45309"

    /// Cost per request against the rate: each run's measured cost (the server's CPU over its
    /// completed requests, or the handler time when longer) and the weighted line through them,
    /// drawn over the rates it was fitted on (outside them the model holds its end values).
    static func costLaw(_ law: CostLaw, saturation: Double) -> SVGXYChart {
        let points = law.points.sorted { ($0.rate, $0.cost) < ($1.rate, $1.cost) }.map { p in
            SVGXYChart.Point(x: p.rate, y: p.cost * 1000,
                             title: "\(ChartFormat.rps(p.rate)): \(ChartFormat.number(p.cost * 1000, sig: 4)) ms per request (\(ChartFormat.grouped(Int(p.weight.rounded()))) requests)")
        }
        let line = [law.minRate, law.maxRate].map { r in
            SVGXYChart.Point(x: r, y: law.cost(at: r) * 1000, title: "the line at \(ChartFormat.rps(r)): \(ChartFormat.number(law.cost(at: r) * 1000, sig: 4)) ms")
        }
        return SVGXYChart(id: "cost", title: "Cost per request against the rate", xTitle: "offered rate (req/s)", yTitle: "cost per request (ms)",
                          series: [SVGXYChart.Series(name: "measured runs", color: measuredColor, points: points, line: false),
                                   SVGXYChart.Series(name: "fitted line", color: lineColor, points: line, dots: false)],
                          xMax: max(saturation, law.maxRate), yFromZero: false)
    }

    /// Measured p50 and p99 (filled, with their 95 % intervals as error bars) and the model's
    /// (rings on a dashed line), against the load level.
    static func latency(_ levels: [CalibrationRecord.Level]) -> SVGXYChart {
        let sorted = levels.sorted { $0.fraction < $1.fraction }
        func series(_ name: String, _ color: String, measured: Bool, _ value: (LevelMeasurement) -> Double, _ halfWidth: (LevelMeasurement) -> Double?) -> SVGXYChart.Series {
            let points = sorted.map { l -> SVGXYChart.Point in
                let m = measured ? l.measured : l.simulated, v = value(m) * 1000
                let hw = measured ? halfWidth(m).map { $0 * 1000 } : nil
                return SVGXYChart.Point(x: l.fraction * 100, y: v, interval: hw.map { (max(0, v - $0), v + $0) },
                                        title: "\(name) at \(Percent(fraction: l.fraction)): \(ChartFormat.number(v, sig: 4)) ms" + (hw.map { " ± \(ChartFormat.number($0, sig: 3)) ms (95 %)" } ?? ""))
            }
            return SVGXYChart.Series(name: name, color: color, points: points, dashed: !measured, hollow: !measured)
        }
        return SVGXYChart(id: "latency", title: "Measured and simulated latency against load", xTitle: "load (% of saturation)", yTitle: "latency (ms)",
                          series: [series("measured p50", ChartPalette.p50, measured: true, \.p50, \.p50HalfWidth),
                                   series("simulated p50", ChartPalette.p50, measured: false, \.p50, \.p50HalfWidth),
                                   series("measured p99", ChartPalette.p99, measured: true, \.p99, \.p99HalfWidth),
                                   series("simulated p99", ChartPalette.p99, measured: false, \.p99, \.p99HalfWidth)],
                          xMax: 100)
    }
}
