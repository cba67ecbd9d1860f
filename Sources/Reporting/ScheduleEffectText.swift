import CapsimModel
import Foundation
import Simulation

extension SimulationRenderer {
    /// The "what it cost and what it saved" section of a run with `autoscaling.schedule` rules.
    static func scheduleLines(_ r: SimulationResult) -> [String] {
        guard let effects = r.scheduleEffects, !effects.isEmpty else { return [] }
        var out = ["", "Scheduled scaling, against the same run without schedules (same seed, same arrivals):"]
        for e in effects {
            let span = e.intervals.map { "\(formatElapsed($0[0]))–\(formatElapsed($0[1]))" }.joined(separator: ", ")
            out.append("  \(e.service) \(e.rule) (\(e.replicas) replicas, in force \(span.isEmpty ? "never in this run" : span)): "
                       + "cost \(ScheduleEffect.signed(e.instanceHours.difference, "%.2f")) instance-hours, "
                       + "\(r.currencies.lead.rawValue) \(ScheduleEffect.signed(e.cost.difference, "%.2f")) over the run")
            var t = TextTable(["route in the window", "p99 with", "p99 without", "failed with", "failed without"])
            for x in e.routes { t.add([x.route, ms(x.p99With), ms(x.p99Without), String(format: "%.0f", x.failed.with), String(format: "%.0f", x.failed.without)]) }
            out.append(t.render())
        }
        return out
    }
}

extension ScheduleEffect {
    /// `+1.25` / `-0.50`: a difference always carries its sign.
    static func signed(_ v: Double, _ format: String) -> String { (v >= 0 ? "+" : "") + String(format: format, v) }
}

/// The schedule comparison as one table for the Markdown and HTML reports: a row per rule and
/// route; the rule's own columns are filled on its first row.
enum ScheduleEffectTable {
    static func header(_ r: SimulationResult) -> [String] {
        ["rule", "in force", "instance-h added", "\(r.currencies.lead.rawValue) added", "route in the window", "p99 with", "p99 without",
         "failed with", "failed without"]
    }
    static let intro = "What each `autoscaling.schedule` rule cost and saved, against the same run without schedules (same seed, same arrivals)."

    static func rows(_ r: SimulationResult, clock: ChartClock) -> [[String]] {
        var out: [[String]] = []
        for e in r.scheduleEffects ?? [] {
            let span = e.intervals.map { "\(clock.short($0[0]))–\(clock.short($0[1]))" }.joined(separator: ", ")
            let rule = ["\(e.service) \(e.rule) (\(e.replicas))", span.isEmpty ? "never" : span, ScheduleEffect.signed(e.instanceHours.difference, "%.2f"),
                        ScheduleEffect.signed(e.cost.difference, "%.2f")]
            for (i, x) in e.routes.enumerated() {
                out.append((i == 0 ? rule : rule.map { _ in "" }) + [x.route, ChartFormat.latency(x.p99With), ChartFormat.latency(x.p99Without),
                                                                      ChartFormat.grouped(Int(x.failed.with)), ChartFormat.grouped(Int(x.failed.without))])
            }
        }
        return out
    }
}
