import CapsimModel
import Foundation
import Simulation

/// Replications in words and files: the headline metrics as mean ± 95 % CI, how often each
/// expectation held, and every metric in replications.csv.
public enum ReplicationRenderer {
    /// The metrics the terminal shows; replications.csv has all of them.
    static let shown: Set<String> = ["latency_mean", "latency_p99", "failed", "error_rate", "max_replicas", "slo_breaches"]

    public static func table(_ s: ReplicationSummary, odds: [(name: String, held: Proportion)]) -> String {
        let n = s.seeds.count
        var out = ["", "Over \(n) replications (seeds \(s.seeds.prefix(3).map(String.init).joined(separator: ", "))\(n > 3 ? ", …" : "")): mean ± 95 % confidence interval (Student t, \(n - 1) degrees of freedom), min–max; all metrics in replications.csv"]
        var t = TextTable(["subject", "metric", "mean", "± 95 % CI", "min", "max"])
        for r in s.rows where shown.contains(r.metric) || r.metric.hasPrefix("cost_") {
            guard let e = r.estimate else { continue }
            // An unpriced station's cost is zero in every run: no row.
            if r.metric.hasPrefix("cost_") && e.max == 0 { continue }
            if r.subject.hasPrefix("service") && (r.metric == "failed" || r.metric == "error_rate") { continue }
            t.add([r.subject, r.metric, value(e.mean, r.metric), e.halfWidth.map { "± " + value($0, r.metric) } ?? "—", value(e.min, r.metric), value(e.max, r.metric)])
        }
        out.append(t.render())
        if !odds.isEmpty {
            out += ["", "Expectations: how often each held (95 % Wilson interval):"]
            for o in odds {
                let (lo, hi) = o.held.interval
                let mark = o.held.successes == o.held.n ? "✔" : (o.held.successes == 0 ? "✘" : "~")
                out.append("  \(mark) \(o.name): \(o.held.successes) of \(o.held.n) (\(pct(o.held.share)); \(pct(lo))–\(pct(hi)))")
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// Every metric: subject, metric, n, mean, CI low and high, min, max (SI units: seconds, counts, money).
    public static func csv(_ s: ReplicationSummary) -> String {
        func f(_ v: Double?) -> String { v.map { String(format: "%.6g", $0) } ?? "" }
        var lines = ["subject,metric,n,mean,ci_low,ci_high,min,max"]
        for r in s.rows {
            let e = r.estimate
            lines.append([csvField(r.subject), r.metric, e.map { "\($0.n)" } ?? "0", f(e?.mean), f(e?.low), f(e?.high), f(e?.min), f(e?.max)].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func csvField(_ s: String) -> String { s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }

    static func pct(_ v: Double) -> String { String(format: "%.0f%%", v * 100) }

    static func value(_ v: Double, _ metric: String) -> String {
        if metric.hasPrefix("latency") { return v < 1 ? String(format: "%.1fms", v * 1000) : String(format: "%.2fs", v) }
        if metric == "error_rate" { return String(format: "%.3f%%", v * 100) }
        if metric.hasPrefix("cost_") || metric == "instance_hours" { return String(format: "%.2f", v) }
        return String(format: v == v.rounded() ? "%.0f" : "%.1f", v)
    }
}
