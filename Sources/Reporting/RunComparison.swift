import CapsimModel
import Foundation
import Planning
import Simulation

/// Side-by-side comparison of two stored runs (`capsim runs compare A B`).
public enum RunComparison {
    static func pct(_ a: Double, _ b: Double) -> String {
        guard a != 0 else { return b == 0 ? "0%" : "new" }
        let d = (b - a) / a * 100
        return (d >= 0 ? "+" : "") + String(format: "%.1f%%", d)
    }

    static func ms(_ v: Double?) -> String {
        guard let v else { return "—" }
        return v < 1 ? String(format: "%.1fms", v * 1000) : String(format: "%.2fs", v)
    }

    /// The currency to compare two runs' money in: A's reporting currency when B can state it
    /// too, else B's when A can, else A's (B's amounts then show as "—").
    static func common(_ a: Currency, _ b: Currency, aStates: (Currency) -> Bool, bStates: (Currency) -> Bool) -> Currency {
        if bStates(a) { return a }
        if aStates(b) { return b }
        return a
    }

    /// Per service: latency percentiles, drops, time-outs, instance-hours, cost and scale events, A → B.
    public static func simulations(_ a: SimulationResult, _ b: SimulationResult, labels: (String, String)) -> String {
        let money = common(a.currencies.lead, b.currencies.lead, aStates: { a.totalCost(in: $0) != nil }, bStates: { b.totalCost(in: $0) != nil })
        var t = TextTable(["service", "p50", "p95", "p99", "dropped", "timed out", "instance-h", "cost \(money.rawValue)", "scale ↑/↓"])
        let names = Array(Set(a.services.map(\.service) + b.services.map(\.service))).sorted()
        for n in names {
            let x = a.services.first { $0.service == n }, y = b.services.first { $0.service == n }
            func pair(_ f: (ServiceSummary) -> Double?) -> String {
                let u = x.flatMap(f), v = y.flatMap(f)
                if let u, let v { return "\(ms(u)) → \(ms(v)) (\(pct(u, v)))" }
                return "\(ms(u)) → \(ms(v))"
            }
            func num(_ f: (ServiceSummary) -> Double?, _ fmt: String) -> String {
                let u = x.flatMap(f), v = y.flatMap(f)
                let s = "\(u.map { String(format: fmt, $0) } ?? "—") → \(v.map { String(format: fmt, $0) } ?? "—")"
                if let u, let v { return s + " (\(pct(u, v)))" }
                return s
            }
            t.add([n, pair { $0.latency?.p50 }, pair { $0.latency?.p95 }, pair { $0.latency?.p99 },
                   "\(x.map { String($0.dropped) } ?? "—") → \(y.map { String($0.dropped) } ?? "—")",
                   "\(x.map { String($0.timedOut) } ?? "—") → \(y.map { String($0.timedOut) } ?? "—")",
                   num({ $0.instanceHours }, "%.2f"), num({ $0.cost(in: money) }, ChartFormat.costFormat(money)),
                   "\(x.map { "\($0.scaleUps)/\($0.scaleDowns)" } ?? "—") → \(y.map { "\($0.scaleUps)/\($0.scaleDowns)" } ?? "—")"])
        }
        var out = ["A = \(labels.0): \(a.scenario), seed \(a.seed), \(formatDuration(a.duration))",
                   "B = \(labels.1): \(b.scenario), seed \(b.seed), \(formatDuration(b.duration))", "", t.render()]
        if a.seed != b.seed || a.duration != b.duration {
            out += ["", "note: the runs differ in seed or duration, so differences include noise, not only the change"]
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// Per service and horizon: required load, instances and monthly cost, A → B.
    public static func plans(_ a: CapacityPlan, _ b: CapacityPlan, labels: (String, String)) -> String {
        let money = common(a.currencies.lead, b.currencies.lead, aStates: { c in a.rows.allSatisfy { $0.monthlyCost(in: c) != nil } },
                           bStates: { c in b.rows.allSatisfy { $0.monthlyCost(in: c) != nil } })
        var t = TextTable(["service", "months", "required", "instances", "\(money.rawValue)/month"])
        for ra in a.rows {
            guard let rb = b.rows.first(where: { $0.service == ra.service && $0.months == ra.months }) else { continue }
            let ca = ra.monthlyCost(in: money), cb = rb.monthlyCost(in: money)
            let cost = if let ca, let cb { String(format: "%.0f → %.0f (%@)", ca, cb, pct(ca, cb)) }
                else { "\(ca.map { String(format: "%.0f", $0) } ?? "—") → \(cb.map { String(format: "%.0f", $0) } ?? "—")" }
            t.add([ra.service, "\(ra.months)", "\(formatCount(ra.requiredRps.rounded()))/s → \(formatCount(rb.requiredRps.rounded()))/s (\(pct(ra.requiredRps, rb.requiredRps)))",
                   "\(ra.instancesRequired) → \(rb.instancesRequired)", cost])
        }
        return ["A = \(labels.0): \(a.scenario)", "B = \(labels.1): \(b.scenario)", "", t.render()].joined(separator: "\n") + "\n"
    }
}
