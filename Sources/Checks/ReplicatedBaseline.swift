import CapsimModel
import Foundation
import Simulation

/// A baseline of replications (`check --replications N --write-baseline FILE`): each compared
/// metric's value in every replication, so a later run can ask "did this change move the
/// metric beyond noise?" with a significance test instead of a fixed tolerance.
public struct ReplicatedBaseline: Codable, Hashable, Sendable {
    public struct Series: Codable, Hashable, Sendable {
        public let subject: String
        public let metric: String
        public let values: [Double]
    }

    public var kind = "replications"
    public let scenario: String
    public let seeds: [UInt64]
    public let series: [Series]

    /// Metrics where higher is worse, compared between runs: latency, failures, error rate.
    static let compared: Set<String> = ["latency_mean", "latency_p99", "error_rate"]

    public init(scenario: String, seeds: [UInt64], series: [Series]) {
        self.scenario = scenario; self.seeds = seeds; self.series = series
    }

    public init(scenario: String, runs: [ReplicationMetrics]) {
        self.scenario = scenario
        seeds = runs.map(\.seed)
        // Every route's (and window's) latency and error rate; a service's p99.
        series = ReplicationMetrics.series(runs).filter { s in
            s.subject.hasPrefix("service ") ? s.metric == "latency_p99" : Self.compared.contains(s.metric)
        }.map { Series(subject: $0.subject, metric: $0.metric, values: $0.values) }
    }

    public func json() -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: (try? e.encode(self)) ?? Data(), as: UTF8.self) + "\n"
    }

    /// A file written by `--write-baseline` with `--replications`; nil when it is another kind.
    public static func read(_ text: String) -> ReplicatedBaseline? {
        guard let b = try? JSONDecoder().decode(ReplicatedBaseline.self, from: Data(text.utf8)), b.kind == "replications" else { return nil }
        return b
    }

    /// Welch's t-test per metric, one-sided in the worse direction (higher), with Holm's step-
    /// down correction over every compared metric so the chance of any false alarm stays at
    /// `alpha` however many metrics are compared. A metric fails when it got worse beyond noise.
    public func compare(_ now: ReplicatedBaseline, alpha: Double = 0.05) -> [CheckOutcome] {
        struct Test { let subject: String, metric: String, before: Estimate, after: Estimate, p: Double }
        var tests: [Test] = []
        for s in now.series {
            guard let old = series.first(where: { $0.subject == s.subject && $0.metric == s.metric }),
                  let a = Estimate(old.values), let b = Estimate(s.values), a.n >= 2, b.n >= 2 else { continue }
            tests.append(Test(subject: s.subject, metric: s.metric, before: a, after: b, p: Self.welchWorse(old.values, s.values)))
        }
        // Holm: the k-th smallest p (from 0) is judged against alpha / (m − k); once one holds, the rest hold.
        let m = tests.count
        var significant = Set<Int>()
        for (k, i) in tests.indices.sorted(by: { tests[$0].p < tests[$1].p }).enumerated() {
            guard tests[i].p <= alpha / Double(m - k) else { break }
            significant.insert(i)
        }
        func values(_ t: Test) -> String {
            let change = t.before.mean != 0 ? String(format: "%+.1f%%", (t.after.mean / t.before.mean - 1) * 100) : "from 0"
            return "\(Self.show(t.before.mean, t.metric)) → \(Self.show(t.after.mean, t.metric)) (\(change)), one-sided Welch p = \(String(format: "%.3g", t.p))"
        }
        let family = "Holm-corrected over \(m) metrics at \(Int(alpha * 100)) %"
        // Quiet when nothing moved: one line for the whole comparison, one per regression.
        guard !significant.isEmpty else {
            let closest = tests.min { $0.p < $1.p }.map { "; closest: \($0.subject) \($0.metric) \(values($0))" } ?? ""
            return [CheckOutcome(name: "no metric worse beyond noise than the baseline's \(seeds.count) replications", passed: true,
                                 detail: "\(m) metrics compared (\(family))\(closest)")]
        }
        return significant.sorted().map { i in
            let t = tests[i]
            return CheckOutcome(name: "\(t.subject) \(t.metric) against the baseline's \(t.before.n) replications", passed: false,
                                detail: "\(values(t)): worse beyond noise (\(family))")
        }
    }

    /// P(a mean at least this much higher | no change): Welch's t with Welch–Satterthwaite
    /// degrees of freedom. Two series with no spread differ for sure or not at all.
    static func welchWorse(_ before: [Double], _ after: [Double]) -> Double {
        let a = Estimate(before)!, b = Estimate(after)!
        func variance(_ xs: [Double], _ mean: Double) -> Double { xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(xs.count - 1) }
        let va = variance(before, a.mean) / Double(a.n), vb = variance(after, b.mean) / Double(b.n)
        let se = (va + vb).squareRoot()
        if se == 0 { return b.mean > a.mean ? 0 : 1 }
        let t = (b.mean - a.mean) / se
        let df = (va + vb) * (va + vb) / (va * va / Double(a.n - 1) + vb * vb / Double(b.n - 1))
        return 1 - StudentT.cdf(t, degreesOfFreedom: df)
    }

    static func show(_ v: Double, _ metric: String) -> String {
        metric == "error_rate" ? String(format: "%.3f%%", v * 100) : (v < 1 ? String(format: "%.1fms", v * 1000) : String(format: "%.2fs", v))
    }
}
