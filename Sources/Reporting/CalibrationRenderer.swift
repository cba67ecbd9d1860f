import Calibration
import CapsimModel
import Foundation

/// `capsim calibrate`'s table: the fitted model in words, then measured against simulated
/// percentiles per level with their 95 % intervals, and (when the server reported its cost
/// per request) the same levels simulated with that cost, which separates the queueing from
/// the capacity forecast; last, for each missed level, whether the miss is inside the
/// measurement's own noise.
public enum CalibrationRenderer {
    /// The table of a calibration as kept (`capsim calibrate` prints it from the record it
    /// stores, and `capsim runs calibration ID` from the stored copy, so the two are the same).
    public static func table(_ r: CalibrationRecord) -> String {
        table(model: r.model, target: r.target, scenarioPath: r.scenarioPath, comparisons: r.comparisons, utilization: r.utilization,
              given: r.givenMeasuredCost, costs: r.costs, saturation: r.saturation, cpuSaturation: r.cpuSaturation)
    }

    public static func table(model: RouteModel, target: String, scenarioPath: String, comparisons: [Calibration.Comparison], utilization: [Double?],
                       given: [Calibration.Comparison] = [], costs: [Double] = [], saturation: SaturationFinding? = nil, cpuSaturation: Double? = nil) -> String {
        func ms(_ v: Double) -> String { v < 0.01 ? String(format: "%.3fms", v * 1000) : String(format: "%.2fms", v * 1000) }
        func msCI(_ v: Double, _ h: Double?) -> String { h.map { ms(v) + " ±" + String(format: "%.0f%%", v > 0 ? 100 * $0 / v : 0) } ?? ms(v) }
        func rateCI(_ v: Double, _ h: Double?) -> String { String(format: "%.1f/s", v) + (h.map { String(format: " ±%.0f%%", v > 0 ? 100 * $0 / v : 0) } ?? "") }
        func pct(_ v: Double) -> String { String(format: "%+.1f%%", v * 100) }
        var lines: [String] = []
        lines.append(String(format: "%@ %@: saturation %.1f req/s", target, model.route, model.saturation))
        if let f = saturation {
            let held = f.steps.filter { $0.kind == .held }.count
            lines.append(String(format: "saturation search: kept up at %.1f/s, not at %.1f/s (bracket %.1f %%, target %.0f %%) after %d probes and %d held runs; the estimate is what the overloaded held runs served",
                                f.low, f.high, f.width * 100, f.precision * 100, f.steps.count - held, held))
        }
        if let cpu = cpuSaturation {
            let gap = (model.saturation - cpu) / cpu
            lines.append(String(format: "cross-check: the server's CPU says %.1f/s (cores busy when overloaded ÷ CPU per request at the fitting run): %+.1f %%%@", cpu, gap * 100,
                                abs(gap) > 0.10 ? " — they disagree by more than 10 %" : ""))
        }
        lines.append("fit: \(model.concurrency) slot\(model.concurrency == 1 ? "" : "s"), mean service \(ms(model.meanServiceTime))"
                     + (model.fitRate.map { String(format: " at %.1f/s", $0) } ?? "")
                     + " (\(model.shape.rawValue), " + (model.usedServerTiming ? "the server's handler time" : "no Server-Timing: the round trip at low load")
                     + "), p99 \(ms(model.p99ServiceTime)); constant overhead \(ms(model.overhead))")
        if let b = model.batch {
            lines.append(String(format: "timed batches (from /metrics): %.1f µs of batch work per request, one batch every %@ — a job of rate × %.1f µs × %@ at the station",
                                b.secondsPerRequest * 1e6, formatDuration(b.interval), b.secondsPerRequest * 1e6, formatDuration(b.interval)))
        }
        if let law = model.costLaw {
            lines.append(String(format: "cost per request: %@ at %.1f/s, %@ at %.1f/s — a line in the rate through the server's CPU over %d runs", ms(law.cost(at: law.minRate)), law.minRate,
                                ms(law.cost(at: law.maxRate)), law.maxRate, law.points.count))
        } else if model.fitRate != nil {
            lines.append("load-dependent: \(ms(model.meanServiceTime(at: model.saturation))) at saturation (slots ÷ saturation\(model.batch == nil ? "" : ", less the batches' share")), linear in the rate in between")
        }
        lines.append("calibrated scenario: \(scenarioPath)")
        lines.append("")
        let accuracy = AccuracyTable(comparisons)
        var t = TextTable(["level", "req/s", "server CPU", "model ρ", "measured p50", "simulated", "error", "measured p90", "simulated", "error",
                           "measured p99", "simulated", "error", "measured throughput", "simulated", "error", "targets"])
        for (i, (c, row)) in zip(comparisons, accuracy.rows).enumerated() {
            let u = i < utilization.count ? utilization[i] : nil
            t.add([Percent(fraction: c.level).description, String(format: "%.0f", c.measured.rate),
                   u.map { String(format: "%.0f%%", $0 * 100) } ?? "-", String(format: "%.0f%%", 100 * model.utilization(at: c.measured.rate)),
                   msCI(c.measured.p50, c.measured.p50HalfWidth), ms(c.simulated.p50), pct(c.p50Error),
                   msCI(c.measured.p90, c.measured.p90HalfWidth), ms(c.simulated.p90), pct(c.p90Error),
                   msCI(c.measured.p99, c.measured.p99HalfWidth), ms(c.simulated.p99), pct(c.p99Error),
                   rateCI(c.measured.throughput, c.measured.throughputHalfWidth), String(format: "%.1f/s", c.simulated.throughput), pct(c.throughputError),
                   AccuracyTable.meetsTargets(row) ? "met" : "missed"])
        }
        lines.append(t.render())
        lines.append("")
        if let all = accuracy.meanAbsoluteError {
            let per = AccuracyMetric.allCases.compactMap { m in accuracy.meanAbsoluteError(m).map { "\(m.rawValue) \(String(format: "%.1f", $0 * 100)) %" } }
            lines.append("mean absolute error: " + per.joined(separator: ", ") + String(format: "; %.1f %% over %d levels × %d metrics", all * 100, accuracy.rows.count, AccuracyMetric.allCases.count))
        }
        lines.append("± is the measurement's 95 % interval (batch means over 10 slices of the run): an error inside it cannot be told from noise.")
        if utilization.contains(where: { $0 != nil }) {
            lines.append("server CPU: the server's CPU seconds per second during the level (its /metrics); model ρ: the level's rate × the model's mean service time there ÷ slots.")
        }
        if !given.isEmpty && given.count == costs.count {
            lines.append("")
            lines.append("The same levels simulated with the cost per request the server measured at each (the queueing alone, apart from the capacity forecast):")
            lines.append("")
            var g = TextTable(["level", "cost/request", "model ρ", "simulated p50", "error", "simulated p99", "error", "targets"])
            for (c, cost) in zip(given, costs) {
                g.add([Percent(fraction: c.level).description, ms(cost), String(format: "%.0f%%", 100 * model.utilization(at: c.measured.rate, cost: cost)),
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
