import CapsimModel
import Foundation
import Simulation

/// A sweep in words and files: a table of the chosen metrics per point (mean ± 95 % CI over
/// the point's replications), the expectations that did not hold everywhere, and every metric
/// of every point in sweep.csv and sweep.json.
public enum SweepRenderer {
    /// A metric of the summary: "route checkout" + "latency_p99".
    public struct Metric: Hashable, Sendable {
        public let subject: String
        public let metric: String
        public init(subject: String, metric: String) { self.subject = subject; self.metric = metric }

        /// `--metric "route checkout latency_p99"`: the last word is the metric.
        public init?(parsing s: String) {
            let words = s.split(separator: " ").map(String.init)
            guard words.count >= 2 else { return nil }
            subject = words.dropLast().joined(separator: " "); metric = words.last!
        }
        public var label: String { subject == "platform" ? metric : "\(subject.split(separator: " ").dropFirst().joined(separator: " ")) \(metric)" }
    }

    /// The columns shown when none are asked for: the platform's cost, and the p99 and peak
    /// replicas of each service the sweep varies (of every service when it varies none).
    public static func defaultMetrics(_ s: SweepSummary) -> [Metric] {
        let available = available(s)
        var seen = Set<String>()
        let services = (s.points.first?.metrics.rows ?? []).filter { $0.subject.hasPrefix("service ") && seen.insert($0.subject).inserted }.map(\.subject)
        var varied: [String] = []
        for p in s.definition.paths where p.hasPrefix("services.") {
            let name = "service " + (services.map { $0.dropFirst(8) }.filter { p.hasPrefix("services.\($0).") }.max { $0.count < $1.count } ?? "")
            if name != "service ", !varied.contains(name) { varied.append(name) }
        }
        var out = (s.points.first?.metrics.rows ?? []).filter { $0.subject == "platform" && $0.metric.hasPrefix("cost_") }.map { Metric(subject: $0.subject, metric: $0.metric) }
        for sv in varied.isEmpty ? services : varied {
            out += [Metric(subject: sv, metric: "latency_p99"), Metric(subject: sv, metric: "max_replicas")]
        }
        return out.filter { available.contains("\($0.subject)\u{0}\($0.metric)") }
    }

    /// Names every metric a `--metric` may ask for that the sweep does not have.
    public static func unknown(_ metrics: [Metric], in s: SweepSummary) -> [Metric] {
        let available = available(s)
        return metrics.filter { !available.contains("\($0.subject)\u{0}\($0.metric)") }
    }

    /// "subject\0metric" of every metric the sweep measured.
    static func available(_ s: SweepSummary) -> Set<String> {
        Set(s.points.first?.metrics.rows.map { "\($0.subject)\u{0}\($0.metric)" } ?? [])
    }

    public static func table(_ s: SweepSummary, metrics: [Metric]) -> String {
        let d = s.definition
        var out = ["Sweep of \(d.scenario): \(d.points.count) point\(d.points.count == 1 ? "" : "s") × \(d.replications) replications of \(formatDuration(d.duration)) "
                   + "(seed \(d.seed); every point runs the same replication seeds)",
                   "mean ± 95 % confidence interval over each point's replications; every metric in sweep.csv", ""]
        var t = TextTable(["#"] + d.paths.map(shortPath) + metrics.map(\.label) + ["expectations held"])
        for p in s.points {
            let cells = metrics.map { m -> String in
                guard let e = p.metrics.rows.first(where: { $0.subject == m.subject && $0.metric == m.metric })?.estimate else { return "—" }
                return ReplicationRenderer.value(e.mean, m.metric) + (e.halfWidth.map { " ± " + ReplicationRenderer.value($0, m.metric) } ?? "")
            }
            t.add(["\(p.index + 1)"] + p.values + cells + [held(p)])
        }
        out.append(t.render())
        let misses = s.points.flatMap { p in p.expectations.filter { $0.held.successes < $0.held.n }.map { (p, $0) } }
        let unmeasured = HTMLSweepReport.uniqueInOrder(s.points.flatMap { $0.expectations.filter { $0.notMeasured > 0 }.map(\.name) })
        if !unmeasured.isEmpty {
            out += ["", "Not judged in some runs (their window lies outside a \(formatDuration(d.duration)) run): " + unmeasured.joined(separator: "; ")]
        }
        if !misses.isEmpty {
            // A row per expectation that missed somewhere, a column per point: where it breaks reads across.
            let names = HTMLSweepReport.uniqueInOrder(misses.map(\.1.name))
            out += ["", "Expectations that did not hold in every replication: held in k of n per point (Wilson intervals in sweep.csv)"]
            var m = TextTable(["expectation"] + s.points.map { "#\($0.index + 1)" })
            for name in names {
                m.add([name] + s.points.map { p in p.expectations.first { $0.name == name }.map { $0.held.n == 0 ? "—" : "\($0.held.successes)/\($0.held.n)" } ?? "—" })
            }
            out.append(m.render())
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// How many rows held in every replication, of the rows the runs could judge.
    static func held(_ p: SweepSummary.Point) -> String {
        let judged = p.expectations.filter { $0.held.n > 0 }
        guard !judged.isEmpty else { return "—" }
        return "\(judged.filter { $0.held.successes == $0.held.n }.count) of \(judged.count) in every run"
    }

    /// A path short enough for a column header: without `services.`, and a long one as its
    /// first and last keys (`payments-service…target`); the files keep it whole.
    static func shortPath(_ p: String) -> String {
        let s = p.hasPrefix("services.") ? String(p.dropFirst(9)) : p
        let keys = s.split(separator: ".")
        guard s.count > 32, keys.count > 2 else { return s }
        return "\(keys.first!)…\(keys.last!)"
    }

    /// point, each path's value, subject, metric, n, mean, ci_low, ci_high, min, max — and each
    /// expectation as subject "expectation NAME", metric held_share, its Wilson interval as the CI.
    public static func csv(_ s: SweepSummary) -> String {
        func f(_ v: Double?) -> String { v.map { String(format: "%.6g", $0) } ?? "" }
        var lines = [csvLine(["point"] + s.definition.paths + ["subject", "metric", "n", "mean", "ci_low", "ci_high", "min", "max"])]
        for p in s.points {
            let lead = ["\(p.index + 1)"] + p.values
            for r in p.metrics.rows {
                let e = r.estimate
                lines.append(csvLine(lead + [r.subject, r.metric, e.map { "\($0.n)" } ?? "0", f(e?.mean), f(e?.low), f(e?.high), f(e?.min), f(e?.max)]))
            }
            for x in p.expectations {
                let (lo, hi) = x.held.interval
                lines.append(csvLine(lead + ["expectation " + x.name, "held_share", "\(x.held.n)", f(x.held.share), f(lo), f(hi), "", ""]))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(_ s: SweepSummary) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        e.keyEncodingStrategy = .convertToSnakeCase
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "+inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: (try? e.encode(s)) ?? Data(), as: UTF8.self) + "\n"
    }
}
