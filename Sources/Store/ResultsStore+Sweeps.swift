import Foundation
import GRDB
import Simulation

/// A stored sweep (or shard of one), as `runs sweeps` lists it.
public struct SweepInfo: Hashable, Sendable {
    public let id: Int64
    public let scenarioName: String
    public let scenarioHash: String
    public let points: Int
    public let replications: Int
    public let shard: Shard?
    public let capsimVersion: String
    public let createdAt: String
    /// nil while the sweep runs, and forever if it was killed.
    public let completedAt: String?
    /// Replications stored so far.
    public let stored: Int
    /// Replications this sweep (or shard) runs in all.
    public var expected: Int { shard.map { $0.tasks(of: points * replications).count } ?? points * replications }
}

/// A stored sweep, whole: what it ran and every replication's record.
public struct StoredSweep: Sendable {
    public let info: SweepInfo
    public let definition: SweepDefinition
    public let scenarioText: String
    public let replications: [SweepReplication]
}

extension ResultsStore {
    /// Opens a sweep (or one shard of it) and returns its id; replications follow one by one.
    public func beginSweep(_ d: SweepDefinition, scenarioText: String, shard: Shard?, capsimVersion: String, createdAt: String) throws -> Int64 {
        let json = try Self.encode(d)
        return try dbPool.write { db in
            try db.execute(sql: """
                INSERT INTO sweep (scenario_name, scenario_hash, scenario_text, definition_json, points, replications, shard_index, shard_count, capsim_version, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [d.scenario, SHA256.hex(scenarioText), scenarioText, json, d.points.count, d.replications, shard?.index, shard?.count, capsimVersion, createdAt])
            return db.lastInsertedRowID
        }
    }

    /// Stores one replication as soon as it is done (safe from any thread: the pool serialises writes).
    public func saveSweepReplication(_ r: SweepReplication, sweep id: Int64) throws {
        let metrics = try Self.encode(r.metrics), verdicts = try Self.encode(r.expectations)
        try dbPool.write { db in
            try db.execute(sql: "INSERT INTO sweep_replication (sweep_id, point, replication, seed, metrics_json, expectations_json) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [id, r.point, r.replication, Int64(bitPattern: r.metrics.seed), metrics, verdicts])
        }
    }

    /// Marks a sweep finished, after checking that every replication it owes is stored.
    public func completeSweep(_ id: Int64, at: String) throws {
        try dbPool.write { db in
            guard let info = try Self.sweepInfo(db, id) else { throw StoreError.noRun(id) }
            guard info.stored == info.expected else { throw StoreError.incomplete(id: id, detail: "sweep has \(info.stored) of \(info.expected) replications") }
            try db.execute(sql: "UPDATE sweep SET completed_at = ? WHERE id = ?", arguments: [at, id])
        }
    }

    /// Every sweep, newest first.
    public func sweeps() throws -> [SweepInfo] {
        try dbPool.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM sweep ORDER BY id DESC").compactMap { try Self.sweepInfo(db, $0) }
        }
    }

    /// A sweep with every stored replication, in (point, replication) order; nil when there is none.
    public func sweep(_ id: Int64) throws -> StoredSweep? {
        try dbPool.read { db in
            guard let info = try Self.sweepInfo(db, id),
                  let row = try Row.fetchOne(db, sql: "SELECT definition_json, scenario_text, capsim_version FROM sweep WHERE id = ?", arguments: [id]) else { return nil }
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "+inf", negativeInfinity: "-inf", nan: "nan")
            func decode<T: Decodable>(_ t: T.Type, _ json: String) throws -> T {
                do { return try decoder.decode(t, from: Data(json.utf8)) } catch {
                    throw StoreError.undecodable(id: id, capsimVersion: row["capsim_version"], reason: "sweep: \(error)")
                }
            }
            let definition = try decode(SweepDefinition.self, row["definition_json"])
            let reps = try Row.fetchAll(db, sql: "SELECT point, replication, metrics_json, expectations_json FROM sweep_replication WHERE sweep_id = ? ORDER BY point, replication",
                                        arguments: [id]).map { r in
                SweepReplication(point: r["point"], replication: r["replication"], metrics: try decode(ReplicationMetrics.self, r["metrics_json"]),
                                 expectations: try decode([ExpectationHeld].self, r["expectations_json"]))
            }
            return StoredSweep(info: info, definition: definition, scenarioText: row["scenario_text"], replications: reps)
        }
    }

    /// Stores a sweep whole in one transaction (a merge of shards); returns its id.
    public func saveSweep(_ d: SweepDefinition, scenarioText: String, replications: [SweepReplication], capsimVersion: String, createdAt: String) throws -> Int64 {
        let rows = try replications.map { ($0, try Self.encode($0.metrics), try Self.encode($0.expectations)) }
        let json = try Self.encode(d)
        return try dbPool.write { db in
            try db.execute(sql: """
                INSERT INTO sweep (scenario_name, scenario_hash, scenario_text, definition_json, points, replications, capsim_version, created_at, completed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [d.scenario, SHA256.hex(scenarioText), scenarioText, json, d.points.count, d.replications, capsimVersion, createdAt, createdAt])
            let id = db.lastInsertedRowID
            let st = try db.makeStatement(sql: "INSERT INTO sweep_replication (sweep_id, point, replication, seed, metrics_json, expectations_json) VALUES (?, ?, ?, ?, ?, ?)")
            for (r, m, e) in rows { try st.execute(arguments: [id, r.point, r.replication, Int64(bitPattern: r.metrics.seed), m, e]) }
            return id
        }
    }

    static func sweepInfo(_ db: Database, _ id: Int64) throws -> SweepInfo? {
        guard let r = try Row.fetchOne(db, sql: """
            SELECT id, scenario_name, scenario_hash, points, replications, shard_index, shard_count, capsim_version, created_at, completed_at,
                   (SELECT count(*) FROM sweep_replication WHERE sweep_id = sweep.id) AS stored
            FROM sweep WHERE id = ?
            """, arguments: [id]) else { return nil }
        let index: Int? = r["shard_index"], count: Int? = r["shard_count"]
        return SweepInfo(id: r["id"], scenarioName: r["scenario_name"], scenarioHash: r["scenario_hash"], points: r["points"], replications: r["replications"],
                         shard: index.flatMap { i in count.flatMap { Shard(index: i, count: $0) } }, capsimVersion: r["capsim_version"],
                         createdAt: r["created_at"], completedAt: r["completed_at"], stored: r["stored"])
    }
}
