/// What one replication of one sweep point leaves behind: its metrics and which expectations
/// held. The store keeps these rows (one per replication, streamed as they finish), and
/// every summary of a sweep is computed from them, so a merged set of shards summarises
/// exactly as the sweep run whole.
public struct SweepReplication: Hashable, Sendable, Codable {
    public let point: Int
    public let replication: Int
    public let metrics: ReplicationMetrics
    public let expectations: [ExpectationHeld]

    public init(point: Int, replication: Int, metrics: ReplicationMetrics, expectations: [ExpectationHeld]) {
        self.point = point; self.replication = replication; self.metrics = metrics; self.expectations = expectations
    }
}

/// One expectation's verdict on one run.
public struct ExpectationHeld: Hashable, Sendable, Codable {
    public enum Verdict: String, Hashable, Sendable, Codable {
        case held, broken
        /// The run could not judge it: its window lies outside the run.
        case notMeasured = "not-measured"
    }
    public let name: String
    public let verdict: Verdict
    /// What a metric row observed (SI units); nil for other rows.
    public var observed: Double? = nil
    public init(name: String, verdict: Verdict, observed: Double? = nil) { self.name = name; self.verdict = verdict; self.observed = observed }
}

/// What defines a sweep, apart from its scenario text: the grid, the replications, the run
/// settings. Two shards belong to one sweep exactly when their definitions are equal.
public struct SweepDefinition: Hashable, Sendable, Codable {
    public let scenario: String
    /// `--set` overrides applied to every point.
    public let overrides: [String]
    public let paths: [String]
    /// Each point's values, in axis order; the grid's order.
    public let points: [[String]]
    public let replications: Int
    public let seed: UInt64
    public let duration: Double
    public let warmup: Double

    public init(scenario: String, overrides: [String], paths: [String], points: [[String]], replications: Int, seed: UInt64, duration: Double, warmup: Double) {
        self.scenario = scenario; self.overrides = overrides; self.paths = paths; self.points = points
        self.replications = replications; self.seed = seed; self.duration = duration; self.warmup = warmup
    }

    /// Every (point, replication) pair, point-major: task t is point t / replications.
    public var taskCount: Int { points.count * replications }
    public func task(_ t: Int) -> (point: Int, replication: Int) { (t / replications, t % replications) }
}

/// Which share of a sweep's tasks one process runs: task t belongs to shard t mod count, so
/// every shard gets points from the whole grid (a grid's cheap and costly corners spread).
public struct Shard: Hashable, Sendable, Codable {
    public let index: Int
    public let count: Int

    public init?(index: Int, count: Int) {
        guard count >= 1, index >= 0, index < count else { return nil }
        self.index = index; self.count = count
    }

    public func owns(task t: Int) -> Bool { t % count == index }
    public func tasks(of total: Int) -> [Int] { Array(stride(from: index, to: total, by: count)) }
}

/// A sweep summarised: per point, every metric's estimate over its replications and how often
/// each expectation held.
public struct SweepSummary: Hashable, Sendable, Codable {
    public struct Point: Hashable, Sendable, Codable {
        public let index: Int
        public let values: [String]
        public let metrics: ReplicationSummary
        public let expectations: [ExpectationTally]
    }
    public struct ExpectationTally: Hashable, Sendable, Codable {
        public let name: String
        /// Over the replications that could judge the row.
        public let held: Proportion
        /// Replications whose run could not judge it (a window outside the run).
        public let notMeasured: Int
    }

    public let definition: SweepDefinition
    public let points: [Point]

    /// `rows` must hold every replication of every point (the store checks that first).
    public init(_ definition: SweepDefinition, rows: [SweepReplication]) {
        self.definition = definition
        var byPoint = Array(repeating: [SweepReplication](), count: definition.points.count)
        for r in rows.sorted(by: { ($0.point, $0.replication) < ($1.point, $1.replication) }) { byPoint[r.point].append(r) }
        points = byPoint.enumerated().map { i, reps in
            let names = reps.first?.expectations.map(\.name) ?? []
            let tallies = names.enumerated().map { k, name in
                let measured = reps.filter { $0.expectations[k].verdict != .notMeasured }
                return ExpectationTally(name: name, held: Proportion(successes: measured.filter { $0.expectations[k].verdict == .held }.count, n: measured.count),
                                        notMeasured: reps.count - measured.count)
            }
            return Point(index: i, values: definition.points[i], metrics: ReplicationSummary(reps.map(\.metrics)), expectations: tallies)
        }
    }
}
