import CapsimModel
import Foundation
import Simulation

/// How a verification writes its numbers, in its explanations and in the renderers' tables.
public enum Wording {
    /// `78.7ms`, `1.25s`.
    public static func latency(_ v: Double) -> String { v < 1 ? String(format: "%.1fms", v * 1000) : String(format: "%.2fs", v) }

    /// `×1.25`: three significant digits.
    public static func ratio(_ v: Double) -> String { "×" + String(format: "%.3g", v) }

    /// `56%`.
    public static func percent(_ v: Double) -> String { String(format: "%.0f%%", v * 100) }

    /// `163.7k/s`.
    public static func rate(_ v: Double) -> String { formatCount((v * 10).rounded() / 10) + "/s" }

    /// A mean with its 95 % half-width: `78.7ms ± 3.1ms`, or the mean alone from one replication.
    public static func estimate(_ e: Estimate, _ f: (Double) -> String) -> String {
        e.halfWidth.map { "\(f(e.mean)) ± \(f($0))" } ?? f(e.mean)
    }

    /// Replicas: a whole number when every replication agreed, else one decimal.
    public static func count(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v) }

    /// `421,758`: a count of requests, whole and grouped.
    public static func requests(_ v: Double) -> String { formatGrouped(Int(v.rounded())) }

    /// `3 of 5 replications`.
    public static func share(_ p: Proportion) -> String { "\(p.successes) of \(p.n) replication\(p.n == 1 ? "" : "s")" }

    /// `p99`, `mean`: the SLO statistic's short name.
    public static func statistic(_ m: Metric) -> String { m == .latencyMean ? "mean" : m.rawValue.replacingOccurrences(of: "latency_", with: "") }
}
