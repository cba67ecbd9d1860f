import Calibration
import CapsimModel
import Foundation

/// `capsim calibrate`'s table: the fitted model in words, then measured against simulated
/// percentiles per level with their 95 % intervals, and (when the server reported its cost
/// per request) the same levels simulated with that cost, which separates the queueing from
/// the capacity forecast; last, for each missed level, whether the miss is inside the
/// measurement's own noise.
public enum CalibrationRenderer {
    public static func table(model: RouteModel, target: String, scenarioPath: String, comparisons: [Calibration.Comparison], utilization: [Double?],
                       given: [Calibration.Comparison] = [], costs: [Double] = []) -> String {
        func ms(_ v: Double) -> String { v < 0.01 ? String(format: "%.3fms", v * 1000) : String(format: "%.2fms", v * 1000) }
        func msCI(_ v: Double, _ h: Double?) -> String { h.map { ms(v) + " ±" + String(format: "%.0f%%", v > 0 ? 100 * $0 / v : 0) } ?? ms(v) }
        func pct(_ v: Double) -> String { String(format: "%+.1f%%", v * 100) }
        var lines: [String] = []
        lines.append(String(format: "%@ %@: saturation %.1f req/s", target, model.route, model.saturation))
        lines.append("fit: \(model.concurrency) slot\(model.concurrency == 1 ? "" : "s"), mean service \(ms(model.meanServiceTime))"
                     + (model.fitRate.map { String(format: " at %.1f/s", $0) } ?? "")
                     + " (\(model.shape.rawValue), " + (model.usedServerTiming ? "the server's handler time" : "no Server-Timing: the round trip at low load")
                     + "), p99 \(ms(model.p99ServiceTime)); constant overhead \(ms(model.overhead))")
        if let b = model.batch {
            lines.append(String(format: "timed batches (from /metrics): %.1f µs of batch work per request, one batch every %@ — a job of rate × %.1f µs × %@ at the station",
                                b.secondsPerRequest * 1e6, formatDuration(b.interval), b.secondsPerRequest * 1e6, formatDuration(b.interval)))
        }
        if model.fitRate != nil {
            lines.append("load-dependent: \(ms(model.meanServiceTime(at: model.saturation))) at saturation (slots ÷ saturation\(model.batch == nil ? "" : ", less the batches' share")), linear in the rate in between")
        }
        lines.append("calibrated scenario: \(scenarioPath)")
        lines.append("")
        var t = TextTable(["level", "req/s", "server CPU", "model ρ", "measured p50", "simulated", "error", "measured p95", "simulated", "error", "measured p99", "simulated", "error", "throughput", "targets"])
        for (i, c) in comparisons.enumerated() {
            let u = i < utilization.count ? utilization[i] : nil
            t.add([Percent(fraction: c.level).description, String(format: "%.0f", c.measured.rate),
                   u.map { String(format: "%.0f%%", $0 * 100) } ?? "-", String(format: "%.0f%%", 100 * model.utilization(at: c.measured.rate)),
                   msCI(c.measured.p50, c.measured.p50HalfWidth), msCI(c.simulated.p50, c.simulated.p50HalfWidth), pct(c.p50Error),
                   ms(c.measured.p95), ms(c.simulated.p95), pct(c.p95Error),
                   msCI(c.measured.p99, c.measured.p99HalfWidth), msCI(c.simulated.p99, c.simulated.p99HalfWidth), pct(c.p99Error),
                   pct(c.throughputError), c.withinTargets ? "met" : "missed"])
        }
        lines.append(t.render())
        lines.append("")
        lines.append("± is a 95 % interval: measured, batch means over 10 slices of the run; simulated, over the replications.")
        if utilization.contains(where: { $0 != nil }) {
            lines.append("server CPU: the server's CPU seconds per second during the level (its /metrics); model ρ: the level's rate × the model's mean service time there ÷ slots.")
        }
        if !given.isEmpty && given.count == costs.count {
            lines.append("")
            lines.append("The same levels simulated with the cost per request the server measured at each (the queueing alone, apart from the capacity forecast):")
            lines.append("")
            var g = TextTable(["level", "cost/request", "model ρ", "simulated p50", "error", "simulated p99", "error", "targets"])
            for (c, cost) in zip(given, costs) {
                g.add([Percent(fraction: c.level).description, ms(cost), String(format: "%.0f%%", 100 * model.withMean(cost).utilization(at: c.measured.rate)),
                       msCI(c.simulated.p50, c.simulated.p50HalfWidth), pct(c.p50Error), msCI(c.simulated.p99, c.simulated.p99HalfWidth), pct(c.p99Error),
                       c.withinTargets ? "met" : "missed"])
            }
            lines.append(g.render())
        }
        lines.append("")
        for c in comparisons where !c.withinTargets {
            let p50Noise = c.measured.p50HalfWidth.map { c.measured.p50 > 0 ? $0 / c.measured.p50 : 0 } ?? 0
            let p99Noise = c.measuredP99Noise ?? 0
            if abs(c.p50Error) <= 0.10 + p50Noise && abs(c.p99Error) <= 0.20 + p99Noise {
                lines.append("\(Percent(fraction: c.level)): the miss is inside the measurement's own noise (p50 ±\(String(format: "%.0f", p50Noise * 100)) %, p99 ±\(String(format: "%.0f", p99Noise * 100)) %): measure longer to tell.")
            } else {
                lines.append("\(Percent(fraction: c.level)): missed beyond the measurement's noise: the one-station model leaves something out at that load (see BENCHMARKS.md).")
            }
        }
        return lines.joined(separator: "\n")
    }
}
