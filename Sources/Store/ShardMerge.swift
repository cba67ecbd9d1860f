import Simulation

/// `capsim runs merge`: the shards of one sweep, each run by its own process (a Kubernetes
/// Indexed Job's pods), gathered into the sweep they make together. Refuses anything short of
/// that — a shard missing, one present twice, one killed before it finished, or shards of
/// different sweeps — since a partial sweep's summaries would look like a whole one's.
public enum ShardMerge {
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The merged sweep: its definition, scenario text and every replication, in order.
    public static func gather(_ files: [(path: String, store: ResultsStore)]) throws -> (definition: SweepDefinition, scenarioText: String, replications: [SweepReplication]) {
        var shards: [(path: String, sweep: StoredSweep)] = []
        for (path, store) in files {
            let found = try store.sweeps().filter { $0.shard != nil }
            if found.isEmpty { throw Failure(description: "\(path): holds no shard of a sweep (was it written by `capsim sweep --shard`?)") }
            for info in found.reversed() { if let s = try store.sweep(info.id) { shards.append((path, s)) } }
        }
        let first = shards[0]
        for s in shards.dropFirst() where s.sweep.definition != first.sweep.definition || s.sweep.info.scenarioHash != first.sweep.info.scenarioHash
            || s.sweep.info.shard?.count != first.sweep.info.shard?.count {
            throw Failure(description: "\(s.path) (sweep \(s.sweep.info.id)) is a shard of another sweep than \(first.path) (sweep \(first.sweep.info.id)): "
                          + "their scenario, grid, replications, seed, run settings or shard count differ")
        }
        let count = first.sweep.info.shard!.count
        var byIndex: [Int: (path: String, sweep: StoredSweep)] = [:]
        for s in shards {
            let i = s.sweep.info.shard!.index
            if let other = byIndex[i] { throw Failure(description: "shard \(i) of \(count) is present twice: in \(other.path) (sweep \(other.sweep.info.id)) and \(s.path) (sweep \(s.sweep.info.id))") }
            if s.sweep.info.completedAt == nil {
                throw Failure(description: "\(s.path): shard \(i) of \(count) did not finish (\(s.sweep.info.stored) of \(s.sweep.info.expected) replications stored); run it again")
            }
            byIndex[i] = s
        }
        let missing = (0..<count).filter { byIndex[$0] == nil }
        if !missing.isEmpty {
            throw Failure(description: "shard\(missing.count == 1 ? "" : "s") \(missing.map(String.init).joined(separator: ", ")) of \(count) \(missing.count == 1 ? "is" : "are") missing; "
                          + "merge needs every shard's database")
        }
        let rows = byIndex.keys.sorted().flatMap { byIndex[$0]!.sweep.replications }.sorted { ($0.point, $0.replication) < ($1.point, $1.replication) }
        let d = first.sweep.definition
        guard rows.count == d.taskCount, Set(rows.map { $0.point * d.replications + $0.replication }).count == d.taskCount else {
            throw Failure(description: "the shards hold \(rows.count) replications where the sweep has \(d.taskCount)")
        }
        return (d, first.sweep.scenarioText, rows)
    }
}
