import struct CapsimModel.ShownCurrencies
import Foundation
import GRDB
import Histogram
import LoadGen
import Planning
import Simulation

/// Every `plan`, `simulate` and `load` run, kept in one SQLite file so any of them can be listed,
/// compared and re-rendered later without running it again; and beside the runs, sweeps
/// (`ResultsStore+Sweeps.swift`) and calibrations (`ResultsStore+Calibrations.swift`).
///
/// A class because it owns a connection pool (one writer, concurrent readers); `Sendable`
/// because GRDB's `DatabasePool` serialises writes itself, so commands and a future service
/// can share one store across threads. Another process may use the same file at the same
/// time: WAL mode lets readers run beside the writer, and a writer waits up to 10 s for the
/// lock rather than failing.
///
/// Each save is one transaction: a process killed mid-save leaves the whole run or nothing
/// (`StoreKillTests` kills a writer with SIGKILL to show it). See `Schema` for the tables.
public final class ResultsStore: Sendable {
    /// The schema's migrations, oldest first; the last is the version this build writes.
    public static let migrations = Schema.migrationNames

    /// The database file, as given to `init(path:)`.
    public let path: String
    /// Internal so tests can query SQLite directly; commands go through the methods.
    let dbPool: DatabasePool

    /// Opens (creating if needed, parent folders included) the store at `path` and brings its
    /// schema up to date. Refuses a database written by a newer capsim, whose schema this
    /// build doesn't know, rather than write rows that version can't read.
    public init(path: String) throws {
        self.path = path
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw StoreError.cannotOpen(path: path, reason: "cannot create \(parent.path): \(error.localizedDescription)")
        }
        var config = Configuration()
        config.label = "capsim results store"
        // SQLite ships with foreign keys off; the cascades from `run` depend on them.
        config.foreignKeysEnabled = true
        // Two capsim processes may save at once (CI jobs, a shell loop): wait for the lock.
        config.busyMode = .timeout(10)
        do {
            dbPool = try DatabasePool(path: path, configuration: config)  // WAL journal mode
        } catch {
            throw StoreError.cannotOpen(path: path, reason: "\(error)")
        }
        let migrator = Schema.migrator
        let unknown = try dbPool.read { db in try migrator.appliedIdentifiers(db).subtracting(Schema.migrationNames) }
        if !unknown.isEmpty {
            throw StoreError.cannotOpen(path: path, reason: "it was written by a newer capsim (schema \(unknown.sorted().joined(separator: ", "))); upgrade capsim")
        }
        try migrator.migrate(dbPool)
    }

    /// An ISO 8601 UTC timestamp for `createdAt`, to the second: `2025-09-11T06:00:00Z`.
    /// Sorts as text in time order, so SQL can `ORDER BY created_at`.
    public static func timestamp(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    // MARK: Saving

    /// Imports tracked history (one transaction); an observation already stored for the same
    /// metric, service and day is replaced, so re-importing a grown file is safe. Returns the
    /// number of rows written.
    @discardableResult
    public func saveHistory(_ points: [HistoryPoint], source: String, importedAt: String) throws -> Int {
        try dbPool.write { db in
            let st = try db.makeStatement(sql: "INSERT OR REPLACE INTO history (metric, service, day, value, source, imported_at) VALUES (?, ?, ?, ?, ?, ?)")
            for p in points {
                try st.execute(arguments: [p.metric, p.service, p.day, p.value, source, importedAt])
            }
            return points.count
        }
    }

    /// Every stored observation, by metric, service and day (optionally one metric).
    public func history(metric: String? = nil) throws -> [HistoryPoint] {
        try dbPool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT metric, service, day, value FROM history" + (metric == nil ? "" : " WHERE metric = ?") + " ORDER BY metric, service, day",
                                        arguments: metric.map { [$0] } ?? [])
            return rows.map { HistoryPoint(day: $0["day"], metric: $0["metric"], value: $0["value"], service: $0["service"]) }
        }
    }

    /// Stores a plan with the scenario text it came from; returns the new run's id.
    ///
    /// `parameters` is the run's resolved options as JSON text (horizons, draws, overrides …);
    /// `createdAt` is an ISO 8601 UTC time (`ResultsStore.timestamp()`), a parameter so tests
    /// are deterministic.
    public func savePlan(_ plan: CapacityPlan, scenarioText: String, parameters: String, capsimVersion: String, createdAt: String) throws -> Int64 {
        try Self.checkJSON(parameters)
        let json = try Self.encode(plan)
        let header = RunHeader(kind: .plan, scenarioName: plan.scenario, scenarioHash: SHA256.hex(scenarioText), scenarioText: scenarioText,
                               seed: plan.seed, parameters: parameters, capsimVersion: capsimVersion, createdAt: createdAt,
                               summary: RunSummary.plan(plan))
        return try dbPool.write { db in
            let id = try header.insert(db)
            try db.execute(sql: "INSERT INTO plan_result (run_id, plan_json) VALUES (?, ?)", arguments: [id, json])
            return id
        }
    }

    /// Stores a simulation — summaries, the full timeline, the route timeline and every
    /// scaling event — with the scenario text it came from; returns the new run's id.
    ///
    /// One transaction and one prepared statement per table reused for every row: about
    /// 10⁵ timeline rows in well under a second (see `StoreTests.saveSpeed`).
    public func saveSimulation(_ result: SimulationResult, scenarioText: String, parameters: String, capsimVersion: String, createdAt: String) throws -> Int64 {
        try Self.checkJSON(parameters)
        let servicesJSON = try Self.encode(result.services)
        let routesJSON = try Self.encode(result.routes)
        let windowsJSON = try result.windows.map { try Self.encode($0) }
        let effectsJSON = try result.scheduleEffects.map { try Self.encode($0) }
        let currenciesJSON = try Self.encode(result.currencies)
        let header = RunHeader(kind: .simulate, scenarioName: result.scenario, scenarioHash: SHA256.hex(scenarioText), scenarioText: scenarioText,
                               seed: result.seed, parameters: parameters, capsimVersion: capsimVersion, createdAt: createdAt,
                               summary: RunSummary.simulation(result))
        return try dbPool.write { db in
            let id = try header.insert(db)
            try db.execute(sql: """
                INSERT INTO simulation_result (run_id, duration, warmup, sample_period, events, services_json, routes_json,
                                               timeline_rows, route_timeline_rows, scaling_rows, windows_json,
                                               schedule_effects_json, currencies_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, result.duration, result.warmup, result.samplePeriod, Int64(bitPattern: result.events),
                                 servicesJSON, routesJSON, result.timeline.count, result.routeTimeline.count, result.scaling.count, windowsJSON,
                                 effectsJSON, currenciesJSON])
            try Self.insertTimeline(db, id: id, result.timeline)
            try Self.insertRouteTimeline(db, id: id, result.routeTimeline)
            try Self.insertScaling(db, id: id, result.scaling)
            return id
        }
    }

    /// Stores a load run: the result as JSON and its latency histograms (those the result has)
    /// in `HistogramCoding`'s form; returns the new run's id.
    ///
    /// `plan` is what was asked: its canonical text becomes the run's `scenario_text` (so runs of
    /// the same plan share a `scenario_hash`), its JSON the run's `parameters`, and the run is
    /// listed under the scenario whose traffic was replayed, else the target.
    public func saveLoad(_ result: LoadResult, plan: LoadPlanRecord, capsimVersion: String, createdAt: String) throws -> Int64 {
        let json = try Self.encode(result)
        let text = plan.canonicalText
        let header = RunHeader(kind: .load, scenarioName: plan.name, scenarioHash: SHA256.hex(text), scenarioText: text,
                               seed: result.seed, parameters: plan.json(), capsimVersion: capsimVersion, createdAt: createdAt,
                               summary: RunSummary.load(result))
        let histograms = [result.latencyHistogram, result.serviceTimeHistogram, result.serverQueueHistogram, result.serverAppHistogram]
            .map { $0.map { Data(HistogramCoding.encode($0)) } }
        return try dbPool.write { db in
            let id = try header.insert(db)
            try db.execute(sql: """
                INSERT INTO load_result (run_id, result_json, latency_histogram, service_time_histogram, server_queue_histogram, server_app_histogram)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [id, json, histograms[0], histograms[1], histograms[2], histograms[3]])
            return id
        }
    }

    private static func insertTimeline(_ db: Database, id: Int64, _ samples: [ServiceSample]) throws {
        var insert = try RowInserter(db, sql: """
            INSERT INTO service_sample (run_id, seq, time, service, replicas, ready, starting, cpu_utilization, in_flight, queue_length,
                                        arrival_rate, throughput, latency_mean, latency_p50, latency_p95, latency_p99, dropped, timed_out,
                                        blocked, wait_mean, blocked_wait_mean)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (seq, s) in samples.enumerated() {
            insert.bind(id); insert.bind(seq); insert.bind(s.time); insert.bind(s.service)
            insert.bind(s.replicas); insert.bind(s.ready); insert.bind(s.starting); insert.bind(s.cpuUtilization)
            insert.bind(s.inFlight); insert.bind(s.queueLength); insert.bind(s.arrivalRate); insert.bind(s.throughput)
            insert.bind(s.latencyMean); insert.bind(s.latencyP50); insert.bind(s.latencyP95); insert.bind(s.latencyP99)
            insert.bind(s.dropped); insert.bind(s.timedOut); insert.bind(s.blocked); insert.bind(s.waitMean); insert.bind(s.blockedWaitMean)
            try insert.insertRow()
        }
    }

    private static func insertRouteTimeline(_ db: Database, id: Int64, _ samples: [RouteSample]) throws {
        var insert = try RowInserter(db, sql: """
            INSERT INTO route_sample (run_id, seq, time, route, completed, latency_p50, latency_p99, in_flight) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (seq, s) in samples.enumerated() {
            insert.bind(id); insert.bind(seq); insert.bind(s.time); insert.bind(s.route)
            insert.bind(s.completed); insert.bind(s.latencyP50); insert.bind(s.latencyP99); insert.bind(s.inFlight)
            try insert.insertRow()
        }
    }

    private static func insertScaling(_ db: Database, id: Int64, _ events: [ScalingEvent]) throws {
        var insert = try RowInserter(db, sql: """
            INSERT INTO scaling_event (run_id, seq, time, service, policy, rule, metric_value, window_seconds, from_replicas, to_replicas, reason, alert)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (seq, e) in events.enumerated() {
            insert.bind(id); insert.bind(seq); insert.bind(e.time); insert.bind(e.service); insert.bind(e.policy); insert.bind(e.rule)
            insert.bind(e.metricValue); insert.bind(e.window); insert.bind(e.from); insert.bind(e.to); insert.bind(e.reason); insert.bind(e.alert)
            try insert.insertRow()
        }
    }

    // MARK: Reading

    /// Every run, newest first (by id: ids only grow, so a clock set back can't reorder them).
    /// Reads the `run` table only, never a timeline.
    public func list() throws -> [RunInfo] {
        try dbPool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(RunHeader.columns) FROM run ORDER BY id DESC").map(RunHeader.info)
        }
    }

    /// The run's header, or nil when there is no such run.
    public func info(_ id: Int64) throws -> RunInfo? {
        try dbPool.read { db in try RunHeader.fetch(db, id) }
    }

    /// The scenario file's text as it was when the run was saved, or nil when there is no such run.
    public func scenarioText(_ id: Int64) throws -> String? {
        try dbPool.read { db in try String.fetchOne(db, sql: "SELECT scenario_text FROM run WHERE id = ?", arguments: [id]) }
    }

    /// The stored plan, equal (`==`) to the one saved; nil when there is no such run.
    /// Throws `StoreError.wrongKind` when the run is a simulation.
    public func plan(_ id: Int64) throws -> CapacityPlan? {
        let found: (RunInfo, String?)? = try dbPool.read { db in
            guard let info = try RunHeader.fetch(db, id) else { return nil }
            return (info, try String.fetchOne(db, sql: "SELECT plan_json FROM plan_result WHERE run_id = ?", arguments: [id]))
        }
        guard let (info, json) = found else { return nil }
        guard info.kind == .plan else { throw StoreError.wrongKind(id: id, actual: info.kind, expected: .plan) }
        guard let json else { throw StoreError.incomplete(id: id, detail: "its plan is missing") }
        return try Self.decode(CapacityPlan.self, from: json, run: info)
    }

    /// The stored simulation, equal (`==`) to the one saved, timelines included; nil when there
    /// is no such run. Throws `StoreError.wrongKind` when the run is a plan.
    ///
    /// Reads in one transaction, so a concurrent delete can't leave it half a run.
    public func simulation(_ id: Int64) throws -> SimulationResult? {
        try dbPool.read { db -> SimulationResult? in
            guard let info = try RunHeader.fetch(db, id) else { return nil }
            guard info.kind == .simulate else { throw StoreError.wrongKind(id: id, actual: info.kind, expected: .simulate) }
            guard let row = try Row.fetchOne(db, sql: """
                SELECT duration, warmup, sample_period, events, services_json, routes_json, timeline_rows, route_timeline_rows, scaling_rows,
                       windows_json, schedule_effects_json, currencies_json
                FROM simulation_result WHERE run_id = ?
                """, arguments: [id])
            else { throw StoreError.incomplete(id: id, detail: "its simulation result is missing") }

            let timeline: [ServiceSample], routeTimeline: [RouteSample], scaling: [ScalingEvent]
            do {
                timeline = try RowReader.fetchAll(ServiceSample.self, db, sql: TimelineQueries.serviceSamples, runID: id)
                routeTimeline = try RowReader.fetchAll(RouteSample.self, db, sql: TimelineQueries.routeSamples, runID: id)
                scaling = try RowReader.fetchAll(ScalingEvent.self, db, sql: TimelineQueries.scalingEvents, runID: id)
            } catch let error as DecodingError {
                throw StoreError.undecodable(id: id, capsimVersion: info.capsimVersion, reason: "\(error)")
            }
            for (name, found, recorded) in [("timeline samples", timeline.count, row["timeline_rows"] as Int),
                                            ("route samples", routeTimeline.count, row["route_timeline_rows"] as Int),
                                            ("scaling events", scaling.count, row["scaling_rows"] as Int)] where found != recorded {
                throw StoreError.incomplete(id: id, detail: "\(found) of \(recorded) \(name) stored")
            }
            let services = try Self.decode([ServiceSummary].self, from: row["services_json"], run: info)
            let samplePeriod = row["sample_period"] as Double
            var fields: [String: Any] = [
                "scenario": info.scenarioName,
                "seed": info.seed,
                "duration": row["duration"] as Double,
                "warmup": row["warmup"] as Double,
                "samplePeriod": samplePeriod,
                // Runs saved before v7 recorded no currencies; they showed birr with dollars beside.
                "currencies": try (row["currencies_json"] as String?).map { try Self.decode(ShownCurrencies.self, from: $0, run: info) } ?? ShownCurrencies.beforeRecorded,
                "events": UInt64(bitPattern: row["events"] as Int64),
                "services": services,
                "routes": try Self.decode([RouteSummary].self, from: row["routes_json"], run: info),
                "timeline": timeline,
                "routeTimeline": routeTimeline,
                "scaling": scaling,
            ]
            if let windows = row["windows_json"] as String? { fields["windows"] = try Self.decode([WindowSummary].self, from: windows, run: info) }
            if let effects = row["schedule_effects_json"] as String? {
                fields["scheduleEffects"] = try Self.decode([ScheduleEffect].self, from: effects, run: info)
            }
            do {
                return try SimulationResult(from: FieldsDecoder(fields: fields))
            } catch {
                throw StoreError.undecodable(id: id, capsimVersion: info.capsimVersion, reason: "\(error)")
            }
        }
    }

    /// The stored load run, equal (`==`) to the one saved, histograms included (nil when it was
    /// saved without them); nil when there is no such run. Throws `StoreError.wrongKind` when
    /// the run is a plan or a simulation.
    public func load(_ id: Int64) throws -> LoadResult? {
        let found: (RunInfo, Row?)? = try dbPool.read { db in
            guard let info = try RunHeader.fetch(db, id) else { return nil }
            return (info, try Row.fetchOne(db, sql: """
                SELECT result_json, latency_histogram, service_time_histogram, server_queue_histogram, server_app_histogram
                FROM load_result WHERE run_id = ?
                """, arguments: [id]))
        }
        guard let (info, row) = found else { return nil }
        guard info.kind == .load else { throw StoreError.wrongKind(id: id, actual: info.kind, expected: .load) }
        guard let row else { throw StoreError.incomplete(id: id, detail: "its load result is missing") }
        var result = try Self.decode(LoadResult.self, from: row["result_json"], run: info)
        func histogram(_ column: String) throws -> Histogram<UInt64>? {
            guard let data = row[column] as Data? else { return nil }
            do { return try HistogramCoding.decode([UInt8](data)) } catch {
                throw StoreError.undecodable(id: id, capsimVersion: info.capsimVersion, reason: "\(column): \(error)")
            }
        }
        result.latencyHistogram = try histogram("latency_histogram")
        result.serviceTimeHistogram = try histogram("service_time_histogram")
        result.serverQueueHistogram = try histogram("server_queue_histogram")
        result.serverAppHistogram = try histogram("server_app_histogram")
        return result
    }

    // MARK: Maintenance

    /// Deletes a run and everything it stored (the foreign keys cascade to results, timelines
    /// and events); false when there was no such run. Ids are not reused.
    @discardableResult
    public func delete(_ id: Int64) throws -> Bool {
        try dbPool.write { db in
            try db.execute(sql: "DELETE FROM run WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    /// The migrations this database has applied, oldest first (`["v1"]`).
    public func appliedMigrations() throws -> [String] {
        let applied = try dbPool.read { db in try Schema.migrator.appliedIdentifiers(db) }
        return Schema.migrationNames.filter(applied.contains) + applied.subtracting(Schema.migrationNames).sorted()
    }

    /// Problems with the file, empty when it is sound: SQLite's `integrity_check` and
    /// `foreign_key_check`, every run having its result (a plan, a simulation or a load
    /// result, by its kind), every simulation having exactly the timeline rows it recorded,
    /// and every finished calibration the levels it counts. For `runs check` and the kill-safety test.
    public func check() throws -> [String] {
        try dbPool.read { db in
            var problems = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
            for row in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") {
                problems.append("foreign key: a row of \(row[0] as String) refers to a missing \(row[2] as String)")
            }
            for id in try Int64.fetchAll(db, sql: """
                SELECT id FROM run
                WHERE (kind = 'plan' AND id NOT IN (SELECT run_id FROM plan_result))
                   OR (kind = 'simulate' AND id NOT IN (SELECT run_id FROM simulation_result))
                   OR (kind = 'load' AND id NOT IN (SELECT run_id FROM load_result))
                """) {
                problems.append("run \(id) has no result")
            }
            let counts = try Row.fetchAll(db, sql: """
                SELECT r.run_id, r.timeline_rows, r.route_timeline_rows, r.scaling_rows,
                       (SELECT count(*) FROM service_sample s WHERE s.run_id = r.run_id),
                       (SELECT count(*) FROM route_sample s WHERE s.run_id = r.run_id),
                       (SELECT count(*) FROM scaling_event s WHERE s.run_id = r.run_id)
                FROM simulation_result r ORDER BY r.run_id
                """)
            for row in counts {
                let id: Int64 = row[0]
                for (name, column) in [("timeline samples", 1), ("route samples", 2), ("scaling events", 3)] {
                    let recorded: Int = row[column], found: Int = row[column + 3]
                    if recorded != found { problems.append("run \(id): \(found) of \(recorded) \(name) stored") }
                }
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT id, levels, (SELECT count(*) FROM calibration_level WHERE calibration_id = calibration.id) AS stored
                FROM calibration WHERE completed_at IS NOT NULL AND levels != stored ORDER BY id
                """) {
                problems.append("calibration \(row[0] as Int64): \(row[2] as Int) of \(row[1] as Int) levels stored")
            }
            return problems
        }
    }

    // MARK: JSON

    /// Swift property names as keys (not snake_case): `convertToSnakeCase` doesn't round-trip
    /// (`etbPerUSD` → `etb_per_usd` → `etbPerUsd`). Non-finite doubles, which plain JSON can't
    /// hold, are written as strings so a save never fails on one.
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "+inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from json: String, run: RunInfo) throws -> T {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "+inf", negativeInfinity: "-inf", nan: "nan")
        do {
            return try decoder.decode(type, from: Data(json.utf8))
        } catch {
            throw StoreError.undecodable(id: run.id, capsimVersion: run.capsimVersion, reason: "\(error)")
        }
    }

    static func checkJSON(_ text: String) throws {
        do {
            _ = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            throw StoreError.invalidParameters("\(text.prefix(60))")
        }
    }
}

/// The `run` row: what every run has, whatever its kind.
struct RunHeader {
    let kind: RunKind
    let scenarioName: String
    let scenarioHash: String
    let scenarioText: String
    let seed: UInt64
    let parameters: String
    let capsimVersion: String
    let createdAt: String
    let summary: String

    func insert(_ db: Database) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO run (kind, scenario_name, scenario_hash, scenario_text, seed, parameters, capsim_version, created_at, summary)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [kind.rawValue, scenarioName, scenarioHash, scenarioText, Int64(bitPattern: seed), parameters,
                             capsimVersion, createdAt, summary])
        return db.lastInsertedRowID
    }

    static let columns = "id, kind, scenario_name, scenario_hash, seed, parameters, capsim_version, created_at, summary"

    static func fetch(_ db: Database, _ id: Int64) throws -> RunInfo? {
        try Row.fetchOne(db, sql: "SELECT \(columns) FROM run WHERE id = ?", arguments: [id]).map(info)
    }

    static func info(_ row: Row) throws -> RunInfo {
        let kindText: String = row["kind"]
        guard let kind = RunKind(rawValue: kindText) else {
            throw StoreError.undecodable(id: row["id"], capsimVersion: row["capsim_version"], reason: "unknown run kind \"\(kindText)\"")
        }
        return RunInfo(id: row["id"], kind: kind, scenarioName: row["scenario_name"], scenarioHash: row["scenario_hash"],
                       seed: UInt64(bitPattern: row["seed"] as Int64), parameters: row["parameters"], capsimVersion: row["capsim_version"],
                       createdAt: row["created_at"], summary: row["summary"])
    }
}
