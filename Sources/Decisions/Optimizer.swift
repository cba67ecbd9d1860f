import CapsimModel
import Checks
import Foundation
import Simulation

/// `capsim optimize`: the cheapest setting of the knobs whose SLOs hold with the asked
/// confidence, found without running the whole grid.
///
/// - **Racing.** A candidate's replications run in order, a batch at a time; it is dropped at
///   the first replication after which some row has failed more often than its confidence
///   allows over the full count (95 % of 5 allows none), so a clearly short candidate costs one
///   or two runs, not five. Only replications up to that point are reported, so `--jobs`
///   changes the wall time, never the result.
/// - **Bisection on monotone knobs.** Each knob's values run from cheapest to safest; for each
///   setting of the other knobs the cheapest feasible value of the last one is bisected. A
///   candidate no safer than one already found infeasible is not run at all. With two knobs,
///   the first's safer settings bisect only below the previous answer (a staircase).
public struct Optimizer: Sendable {
    public let knobs: [Knob]
    public let constraints: [Expectation]
    public let confidence: Double
    public let replications: Int
    /// The currency costs are compared in (the scenario's reporting currency).
    public let currency: Currency
    let text: String, file: String, overrides: [String]
    let duration: Double?, seed: UInt64?

    /// Checks every knob value against the scenario (each alone), so a bad value is reported
    /// before anything runs.
    public init(text: String, file: String, overrides: [String], knobs: [Knob], constraints: [Expectation], confidence: Double,
                replications: Int, duration: Double?, seed: UInt64?, currency: Currency) throws(ScenarioErrors) {
        for k in knobs {
            let spec = SweepSpec(axes: [SweepAxis(path: k.path, values: k.values.map { SweepValue(text: $0) })])
            _ = try SweepPoints.load(text: text, file: file, overrides: overrides, spec: spec, flag: "--knob")
        }
        self.text = text; self.file = file; self.overrides = overrides; self.knobs = knobs; self.constraints = constraints
        self.confidence = confidence; self.replications = replications; self.currency = currency; self.duration = duration; self.seed = seed
    }

    /// The rows `--subject-to slos` means: the scenario's `expect:` rows, and each service's
    /// `slo:` as "its statistic over the run below the objective" unless a row already says so.
    public static func sloConstraints(_ s: Scenario) -> [Expectation] {
        var rows = s.expectations
        for name in s.serviceNames {
            guard let slo = s.services[name]?.slo else { continue }
            let kind = Expectation.Kind.metric(slo.metric, .below, slo.threshold)
            if rows.contains(where: { $0.target == name && $0.kind == kind && $0.route == nil && $0.during == nil }) { continue }
            rows.append(Expectation(name: "\(name) slo \(slo.metric.rawValue) below \(formatDuration(slo.threshold))", target: name, kind: kind))
        }
        return rows
    }

    /// Failures a row may have in `replications` runs and still hold with its confidence.
    func allowedFailures(_ row: Expectation) -> Int { Int(((1 - (row.holdsIn ?? confidence)) * Double(replications) + 1e-9).rounded(.down)) }

    public func run(jobs: Int, progress: (@Sendable (OptimizeProgress) -> Void)? = nil) throws -> OptimizeResult {
        var search = Search(optimizer: self, jobs: jobs, progress: progress)
        try search.explore()
        return search.result()
    }

    /// One candidate: its scenario, run replication by replication until it fails or passes.
    func evaluate(_ indices: [Int], jobs: Int) throws -> CandidateOutcome {
        let values = zip(knobs, indices).map { $0.values[$1] }
        // Each value loaded alone in init; together they may still contradict (min above max).
        let scenario = try ScenarioLoader.parse(text, file: file, overrides: overrides + zip(knobs, values).map { "\($0.path)=\($1)" })
        let rows = constraints, currency = scenario.currency.reportIn
        var runs: [Run] = []
        var failures = Array(repeating: 0, count: rows.count)
        var verdict: Bool?
        while verdict == nil {
            let start = runs.count, batch = min(jobs, replications - start)
            let done = try ParallelRuns.map(count: batch, jobs: jobs) { k in
                var o = SweepRunner.options(scenario, duration: duration, seed: seed)
                o.seed = Replications.seed(start + k, of: o.seed)
                let r = try Simulator(scenario: scenario, options: o).run()
                return Run(cost: ReplicationMetrics.platformCost(r, in: currency), verdicts: ExpectationChecker.check(rows, scenario: scenario, result: r))
            }
            for run in done where verdict == nil {
                runs.append(run)
                for (i, v) in run.verdicts.enumerated() where !v.passed && v.notMeasured == nil { failures[i] += 1 }
                if rows.indices.contains(where: { failures[$0] > allowedFailures(rows[$0]) }) { verdict = false } else if runs.count == replications { verdict = true }
            }
        }
        let broken = rows.indices.filter { failures[$0] > allowedFailures(rows[$0]) }.map { i in
            BrokenRow(row: rows[i], held: Proportion(successes: runs.count - failures[i], n: runs.count),
                      observed: runs.compactMap { $0.verdicts[i].observed }.isEmpty ? nil : Estimate(runs.compactMap { $0.verdicts[i].observed }))
        }
        return CandidateOutcome(values: values, indices: indices, replications: runs.count, cost: Estimate(runs.map(\.cost)), feasible: verdict!, broken: broken)
    }
}

/// One replication of a candidate: the platform's cost and each row's verdict.
struct Run: Sendable {
    let cost: Double
    let verdicts: [CheckOutcome]
}

/// How far a search has got: candidates run, replications run.
public struct OptimizeProgress: Sendable {
    public let candidates: Int
    public let replications: Int
}
