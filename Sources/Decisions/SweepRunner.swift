import CapsimModel
import Checks
import Foundation
import Simulation
import Store

/// Runs a sweep: every point of the grid, each with the same replication seeds (common random
/// numbers: point A's replication 3 and point B's see the same arrivals, so their difference
/// is the knob's, not the seeds'), on up to `jobs` threads, streaming each replication to the
/// store as it finishes. With a shard, only that shard's share of the (point, replication)
/// tasks runs, into a sweep row marked with the shard.
public struct SweepRunner: Sendable {
    public let definition: SweepDefinition
    public let scenarios: [Scenario]
    public let scenarioText: String
    /// From `--duration`/`--seed`: nil keeps each point's own.
    let duration: Double?
    let seed: UInt64?

    /// `scenarios[i]` is point i's scenario (`SweepPoints.load`); the base's run settings, with
    /// `duration` and `seed` applied, define the sweep.
    public init(overrides: [String], spec: SweepSpec, scenarios: [Scenario], scenarioText: String,
                replications: Int, duration: Double?, seed: UInt64?) {
        precondition(scenarios.count == spec.points.count && !scenarios.isEmpty)
        self.scenarios = scenarios; self.scenarioText = scenarioText; self.duration = duration; self.seed = seed
        let o = Self.options(scenarios[0], duration: duration, seed: seed)
        definition = SweepDefinition(scenario: scenarios[0].name, overrides: overrides, paths: spec.axes.map(\.path), points: spec.points,
                                     replications: replications, seed: o.seed, duration: o.duration, warmup: o.warmup)
    }

    static func options(_ s: Scenario, duration: Double?, seed: UInt64?) -> SimulationOptions {
        var o = SimulationOptions(scenario: s)
        if let duration { o.duration = duration; if o.warmup >= duration { o.warmup = 0 } }
        if let seed { o.seed = seed }
        return o
    }

    /// Runs the shard's tasks (all of them without one). Returns the stored sweep's id (nil
    /// without a store) and the replications run, in (point, replication) order.
    public func run(jobs: Int, shard: Shard? = nil, store: ResultsStore?, capsimVersion: String, now: @escaping @Sendable () -> String,
                    progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> (id: Int64?, replications: [SweepReplication]) {
        let d = definition
        let tasks = shard?.tasks(of: d.taskCount) ?? Array(0..<d.taskCount)
        let id = try store?.beginSweep(d, scenarioText: scenarioText, shard: shard, capsimVersion: capsimVersion, createdAt: now())
        let report = progress.map { p in { @Sendable (n: Int) in p(n, tasks.count) } }
        let rows = try ParallelRuns.map(count: tasks.count, jobs: jobs, progress: report) { k in
            let row = try replicate(task: tasks[k])
            if let store, let id { try store.saveSweepReplication(row, sweep: id) }
            return row
        }
        if let store, let id { try store.completeSweep(id, at: now()) }
        return (id, rows)
    }

    /// One replication of one point: its seed is the replication's, whatever the point.
    public func replicate(task t: Int) throws -> SweepReplication {
        let (point, rep) = definition.task(t)
        let scenario = scenarios[point]
        var o = Self.options(scenario, duration: duration, seed: seed)
        o.seed = Replications.seed(rep, of: o.seed)
        let result = try Simulator(scenario: scenario, options: o).run()
        let verdicts = ExpectationChecker.check(scenario.expectations, scenario: scenario, result: result).map {
            ExpectationHeld(name: $0.name, verdict: $0.notMeasured != nil ? .notMeasured : ($0.passed ? .held : .broken), observed: $0.observed)
        }
        return SweepReplication(point: point, replication: rep, metrics: ReplicationMetrics(result), expectations: verdicts)
    }
}
