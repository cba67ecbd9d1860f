import CapsimModel

/// The metrics a replication contributes, as (subject, metric, value) rows in a fixed order:
/// every service, the platform's totals, every route, then each window's routes. A value is absent when the
/// metric has nothing to measure in that run (no completions), not zero.
public struct ReplicationMetrics: Hashable, Sendable, Codable {
    public struct Row: Hashable, Sendable, Codable {
        /// "service NAME", "route NAME" or "route NAME during WINDOW".
        public let subject: String
        public let metric: String
        public let value: Double?
    }

    public let seed: UInt64
    public let rows: [Row]

    public init(_ r: SimulationResult) {
        seed = r.seed
        var rows: [Row] = []
        let lead = r.currencies.lead
        for s in r.services {
            let subject = "service \(s.service)"
            rows += [Row(subject: subject, metric: "latency_mean", value: s.latency?.mean), Row(subject: subject, metric: "latency_p50", value: s.latency?.p50),
                     Row(subject: subject, metric: "latency_p95", value: s.latency?.p95), Row(subject: subject, metric: "latency_p99", value: s.latency?.p99),
                     Row(subject: subject, metric: "completed", value: Double(s.completed)),
                     Row(subject: subject, metric: "dropped", value: Double(s.dropped)), Row(subject: subject, metric: "timed_out", value: Double(s.timedOut)),
                     Row(subject: subject, metric: "max_replicas", value: Double(s.maxReplicas)),
                     Row(subject: subject, metric: "instance_hours", value: s.instanceHours),
                     Row(subject: subject, metric: "cost_\(lead.rawValue.lowercased())", value: s.cost(in: lead)),
                     Row(subject: subject, metric: "slo_breaches", value: s.sloMetric == nil ? nil : Double(s.sloBreaches))]
        }
        // The platform as a whole: what a sweep or a search weighs configurations by.
        rows += [Row(subject: "platform", metric: "instance_hours", value: r.services.reduce(0) { $0 + $1.instanceHours }),
                 Row(subject: "platform", metric: "cost_\(lead.rawValue.lowercased())", value: Self.platformCost(r, in: lead))]
        for x in r.routes {
            let subject = "route \(x.route)"
            let failed = x.failedForGood
            rows += Self.latency(subject, x.latency)
            rows += [Row(subject: subject, metric: "failed", value: Double(failed)),
                     Row(subject: subject, metric: "error_rate", value: (x.arrivals ?? 0) > 0 ? Double(failed) / Double(x.arrivals!) : nil)]
        }
        for w in r.windows ?? [] where !w.intervals.isEmpty {
            for x in w.routes where x.arrivals > 0 {
                let subject = "route \(x.name) during \(w.window)"
                rows += Self.latency(subject, x.latency)
                rows += [Row(subject: subject, metric: "failed", value: Double(x.failures)),
                         Row(subject: subject, metric: "error_rate", value: Double(x.failures) / Double(x.arrivals))]
            }
        }
        self.rows = rows
    }

    /// The platform's instance cost of a run in `currency`, an unpriced station counting zero.
    public static func platformCost(_ r: SimulationResult, in currency: Currency) -> Double {
        r.services.reduce(0) { $0 + ($1.cost(in: currency) ?? 0) }
    }

    static func latency(_ subject: String, _ l: LatencySummary?) -> [Row] {
        [Row(subject: subject, metric: "latency_mean", value: l?.mean), Row(subject: subject, metric: "latency_p50", value: l?.p50),
         Row(subject: subject, metric: "latency_p95", value: l?.p95), Row(subject: subject, metric: "latency_p99", value: l?.p99)]
    }
}

/// Every metric's estimate over the replications, in the rows' order.
public struct ReplicationSummary: Hashable, Sendable, Codable {
    public struct Row: Hashable, Sendable, Codable {
        public let subject: String
        public let metric: String
        /// nil when no replication measured it.
        public let estimate: Estimate?
    }

    public let seeds: [UInt64]
    public let rows: [Row]

    public init(_ runs: [ReplicationMetrics]) {
        seeds = runs.map(\.seed)
        rows = ReplicationMetrics.series(runs).map { Row(subject: $0.subject, metric: $0.metric, estimate: Estimate($0.values)) }
    }
}

extension ReplicationMetrics {
    /// Each (subject, metric) across the runs, in the order first met, with the values the
    /// runs measured (a run where it was absent adds none).
    public static func series(_ runs: [ReplicationMetrics]) -> [(subject: String, metric: String, values: [Double])] {
        var order: [String] = []
        var found: [String: (subject: String, metric: String, values: [Double])] = [:]
        for run in runs {
            for row in run.rows {
                let key = row.subject + "\u{0}" + row.metric
                if found[key] == nil { order.append(key); found[key] = (row.subject, row.metric, []) }
                if let v = row.value { found[key]!.values.append(v) }
            }
        }
        return order.map { found[$0]! }
    }
}
