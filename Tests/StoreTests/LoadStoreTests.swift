import CapsimModel
import Foundation
import GRDB
import Histogram
@testable import LoadGen
import Planning
@testable import Simulation
@testable import Store
import Testing

/// A load result as the engine builds one, from histograms filled with 20,000 deterministic
/// latencies in the engine's configuration (1 µs … 1 h, 3 digits): a lognormal-ish body,
/// a stall's tail, the server's own queue and handler times (Server-Timing), two routes,
/// errors of both kinds and awkward doubles in the rates.
func loadResult(histograms: Bool = true) -> LoadResult {
    var latency = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    var service = latency, queue = latency, app = latency
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> Double {  // xorshift64*
        state ^= state >> 12; state ^= state << 25; state ^= state >> 27
        return Double((state &* 2685821657736338717) >> 11) / Double(1 << 53)
    }
    for i in 0..<20_000 {
        let body = 400 * exp(1.2 * (next() + next() + next() - 1.5))           // µs
        let queued = i % 500 < 40 ? Double(500 - i % 500) * 2_000 : next() * 50  // a stall every 500 requests
        service.record(UInt64(body) + 1)
        latency.record(UInt64(body + queued) + 1)
        queue.record(UInt64(body * 0.1))
        app.record(UInt64(body * 0.8) + 1)
    }
    var r = LoadResult(target: "http://127.0.0.1:8089/marketplace/products?q=ቡና", requestedRate: 1000.0 / 3, duration: 60, connections: 16, seed: 1 << 63 + 5,
                       scheduled: 20_003, sent: 20_001, completed: 20_000, connectionsOpened: 17, achievedRate: 20_000 / 60.000_123, elapsed: 60.000_123,
                       lateSends: 1_601, lateThreshold: 0.001, maxSendLag: 998.123_456, latency: LatencySummary(latency), serviceTime: LatencySummary(service),
                       statuses: ["200": 19_990, "503": 10], errors: ["503": 10, "timeout": 1, "unsent": 2],
                       routes: [RouteResult(route: "GET:/marketplace/products?q=ቡና", sent: 14_000, completed: 14_000, statuses: ["200": 14_000]),
                                RouteResult(route: "POST:/payments", sent: 6_001, completed: 6_000, statuses: ["200": 5_990, "503": 10])],
                       samples: nil)
    r.serverTime = ServerTimeSummary(queue: LatencySummary(queue), app: LatencySummary(app))
    if histograms {
        r.latencyHistogram = latency
        r.serviceTimeHistogram = service
        r.serverQueueHistogram = queue
        r.serverAppHistogram = app
    }
    return r
}

/// The plan that would have produced `loadResult()`.
func loadPlanRecord() -> LoadPlanRecord {
    var plan = LoadPlan(target: URL(string: "http://127.0.0.1:8089/marketplace/products?q=%E1%89%A1%E1%8A%93")!, rate: 1000.0 / 3, duration: 60,
                        mix: [MixEntry(path: "/marketplace/products?q=ቡና", share: 0.7), MixEntry(method: "POST", path: "/payments", body: #"{"amount":120}"#, share: 0.3)],
                        connections: 16, seed: 1 << 63 + 5)
    plan.drainTimeout = 5
    return LoadPlanRecord(plan)
}

@Suite("results store: load runs")
struct LoadStoreTests {
    @Test("a load run reads back equal, histograms included, and its JSON byte for byte")
    func roundTrip() throws {
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ResultsStore(path: dir.appendingPathComponent("runs.sqlite").path)
        let result = loadResult(), record = loadPlanRecord()
        let id = try store.saveLoad(result, plan: record, capsimVersion: "0.1.0", createdAt: createdAt)
        let back = try #require(try store.load(id))
        #expect(back == result)
        #expect(back.latencyHistogram == result.latencyHistogram && back.latencyHistogram != nil)
        #expect(LatencySummary(try #require(back.latencyHistogram)) == result.latency, "percentiles recomputed from the stored histogram agree")
        #expect(LatencySummary(try #require(back.serviceTimeHistogram)) == result.serviceTime)
        #expect(back.serverQueueHistogram == result.serverQueueHistogram && back.serverAppHistogram == result.serverAppHistogram)
        #expect(LatencySummary(try #require(back.serverAppHistogram)) == result.serverTime?.app)
        let stored = try store.dbPool.read { db in try String.fetchOne(db, sql: "SELECT result_json FROM load_result WHERE run_id = ?", arguments: [id]) }
        #expect(stored == (try ResultsStore.encode(result)))
        #expect((try ResultsStore.encode(back)) == (try ResultsStore.encode(result)))

        let info = try #require(try store.info(id))
        #expect(info.kind == .load)
        #expect(info.scenarioName == record.target)
        #expect(info.seed == UInt64(1) << 63 + 5)
        #expect(info.summary == "333.3/s for 1m → 333.3/s, p99 \(LoadFormat.ms(result.latency.p99)), 13 errors")
        #expect(try store.scenarioText(id) == record.canonicalText)
        #expect(info.scenarioHash == SHA256.hex(record.canonicalText))
        #expect(LoadPlanRecord.decode(info.parameters) == record, "the parameters are the plan, as JSON")
        #expect(try store.check().isEmpty)
    }

    @Test("histograms are stored compactly: a few bytes per non-empty bucket")
    func histogramSize() throws {
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ResultsStore(path: dir.appendingPathComponent("runs.sqlite").path)
        let result = loadResult()
        let id = try store.saveLoad(result, plan: loadPlanRecord(), capsimVersion: "0.1.0", createdAt: createdAt)
        let bytes = try store.dbPool.read { db in try Int.fetchOne(db, sql: "SELECT length(latency_histogram) FROM load_result WHERE run_id = ?", arguments: [id]) }
        let buckets = Array(try #require(result.latencyHistogram).recordedValues()).count
        #expect(buckets > 100)
        #expect(try #require(bytes) <= 16 + buckets * 6)
    }

    @Test("a result without its histograms is stored and read back without them")
    func withoutHistograms() throws {
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ResultsStore(path: dir.appendingPathComponent("runs.sqlite").path)
        let result = loadResult(histograms: false)
        let id = try store.saveLoad(result, plan: loadPlanRecord(), capsimVersion: "0.1.0", createdAt: createdAt)
        let back = try #require(try store.load(id))
        #expect(back == result)
        #expect(back.latencyHistogram == nil && back.serviceTimeHistogram == nil && back.serverQueueHistogram == nil && back.serverAppHistogram == nil)
    }

    @Test("the same plan shares a scenario hash; a different rate does not")
    func planHash() throws {
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ResultsStore(path: dir.appendingPathComponent("runs.sqlite").path)
        var other = loadPlanRecord()
        other.profile = .constant(perSecond: 500)
        let a = try store.saveLoad(loadResult(), plan: loadPlanRecord(), capsimVersion: "0.1.0", createdAt: createdAt)
        let b = try store.saveLoad(loadResult(), plan: loadPlanRecord(), capsimVersion: "0.1.0", createdAt: createdAt)
        let c = try store.saveLoad(loadResult(), plan: other, capsimVersion: "0.1.0", createdAt: createdAt)
        let hashes = try [a, b, c].map { try #require(try store.info($0)).scenarioHash }
        #expect(hashes[0] == hashes[1])
        #expect(hashes[0] != hashes[2])
    }

    @Test("kinds are checked both ways; a load run with no result is flagged by check()")
    func kindsAndCheck() throws {
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ResultsStore(path: dir.appendingPathComponent("runs.sqlite").path)
        let (text, plan) = try Fixtures.plan.get()
        let p = try store.savePlan(plan, scenarioText: text, parameters: "{}", capsimVersion: "0.1.0", createdAt: createdAt)
        let l = try store.saveLoad(loadResult(), plan: loadPlanRecord(), capsimVersion: "0.1.0", createdAt: createdAt)
        #expect(throws: StoreError.wrongKind(id: p, actual: .plan, expected: .load)) { try store.load(p) }
        #expect(throws: StoreError.wrongKind(id: l, actual: .load, expected: .simulate)) { try store.simulation(l) }
        #expect(throws: StoreError.wrongKind(id: l, actual: .load, expected: .plan)) { try store.plan(l) }
        #expect(StoreError.wrongKind(id: l, actual: .load, expected: .simulate).description == "run \(l) is a load run, not a simulation")
        #expect(try store.load(999) == nil)

        try store.dbPool.write { db in try db.execute(sql: "DELETE FROM load_result WHERE run_id = ?", arguments: [l]) }
        #expect(try store.check() == ["run \(l) has no result"])
        #expect(throws: StoreError.incomplete(id: l, detail: "its load result is missing")) { try store.load(l) }
    }

    @Test("a corrupt stored histogram is reported as undecodable, naming the column")
    func corruptHistogram() throws {
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ResultsStore(path: dir.appendingPathComponent("runs.sqlite").path)
        let id = try store.saveLoad(loadResult(), plan: loadPlanRecord(), capsimVersion: "0.1.0", createdAt: createdAt)
        try store.dbPool.write { db in
            try db.execute(sql: "UPDATE load_result SET service_time_histogram = substr(service_time_histogram, 1, 20) WHERE run_id = ?", arguments: [id])
        }
        let error = #expect(throws: StoreError.self) { try store.load(id) }
        #expect(error?.description.contains("service_time_histogram") == true, "\(String(describing: error))")
    }

    @Test("deleting a load run cascades to its result; the id is not reused")
    func deleteCascades() throws {
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ResultsStore(path: dir.appendingPathComponent("runs.sqlite").path)
        let id = try store.saveLoad(loadResult(), plan: loadPlanRecord(), capsimVersion: "0.1.0", createdAt: createdAt)
        #expect(try store.delete(id))
        #expect(try store.dbPool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM load_result") } == 0)
        let next = try store.saveLoad(loadResult(), plan: loadPlanRecord(), capsimVersion: "0.1.0", createdAt: createdAt)
        #expect(next > id)
    }

    // MARK: Upgrading

    /// A database as capsim wrote it at schema v2: a plan, a simulation, a deleted run (so the
    /// AUTOINCREMENT counter is ahead of the largest id) and tracked history.
    func makeV2Database(at path: String) throws -> (plan: CapacityPlan, sim: SimulationResult) {
        let (planText, plan) = try Fixtures.plan.get()
        let (simText, sim) = try Fixtures.simulation.get()
        let queue = try DatabaseQueue(path: path)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in try db.execute(sql: frozenV1) }
        migrator.registerMigration("v2-history") { db in try db.execute(sql: frozenV2History) }
        try migrator.migrate(queue)
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO run (kind, scenario_name, scenario_hash, scenario_text, seed, parameters, capsim_version, created_at, summary)
                VALUES ('plan', ?, ?, ?, ?, '{"draws":500}', '0.1.0', ?, 'a v2 plan')
                """, arguments: [plan.scenario, SHA256.hex(planText), planText, Int64(bitPattern: plan.seed), createdAt])
            try db.execute(sql: "INSERT INTO plan_result (run_id, plan_json) VALUES (1, ?)", arguments: [try ResultsStore.encode(plan)])
            try insertSimulationByHand(db, id: 2, text: simText, sim: sim, summary: "a v2 simulation")
            try db.execute(sql: """
                INSERT INTO run (id, kind, scenario_name, scenario_hash, scenario_text, seed, parameters, capsim_version, created_at, summary)
                VALUES (3, 'plan', 'doomed', ?, 'x', 1, '{}', '0.1.0', ?, 'deleted before the upgrade')
                """, arguments: [SHA256.hex("x"), createdAt])
            try db.execute(sql: "INSERT INTO plan_result (run_id, plan_json) VALUES (3, '{}')")
            // As `runs delete` does it (there, by the cascade).
            try db.execute(sql: "DELETE FROM plan_result WHERE run_id = 3")
            try db.execute(sql: "DELETE FROM run WHERE id = 3")
            try db.execute(sql: "INSERT INTO history VALUES ('dau', '', 20000, 100000, 'history.csv', ?)", arguments: [createdAt])
        }
        #expect(try queue.read { db in try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'run'") } == 3)
        return (plan, sim)
    }

    @Test("a v2 database with runs in it upgrades to the current schema: runs, ids, counter, index and foreign keys kept; it accepts a load run")
    func upgradesV2Database() throws {
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("v2.sqlite").path
        let (plan, sim) = try makeV2Database(at: path)

        let store = try ResultsStore(path: path)
        #expect(try store.appliedMigrations() == ["v1", "v2-history", "v3-load", "v4-waits", "v5-windows", "v6-schedule-effects", "v7-currencies", "v8-sweeps", "v9-calibrations"])
        #expect(try store.list().map(\.id) == [2, 1])
        #expect(try store.list().map(\.summary) == ["a v2 simulation", "a v2 plan"])
        #expect(try store.plan(1) == plan)
        #expect(try store.simulation(2) == sim.asStoredBeforeV4)
        #expect(try store.history().count == 1)
        try store.dbPool.read { db in
            #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
            #expect(try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'run'")?.contains("'plan', 'simulate', 'load'") == true)
            #expect(try String.fetchOne(db, sql: "SELECT tbl_name FROM sqlite_master WHERE type = 'index' AND name = 'run_by_scenario_hash'") == "run")
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE name = 'run_new'") == 0)
            for child in ["plan_result", "simulation_result", "load_result"] {
                let parents = try Row.fetchAll(db, sql: "SELECT \"table\" FROM pragma_foreign_key_list(?)", arguments: [child]).map { $0[0] as String }
                #expect(parents == ["run"], "\(child) should reference run")
            }
        }
        #expect(try store.check().isEmpty)

        // The upgraded table takes a load run, under a new id: the deleted run 3's id stays retired.
        let id = try store.saveLoad(loadResult(), plan: loadPlanRecord(), capsimVersion: "0.1.0", createdAt: createdAt)
        #expect(id == 4)
        #expect(try store.load(id) == loadResult())
        // The cascades still run from the rebuilt table to the old children.
        #expect(try store.delete(2))
        #expect(try store.dbPool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM service_sample") } == 0)
        #expect(try store.delete(1))
        #expect(try store.dbPool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM plan_result") } == 0)
        // A kind the CHECK does not know is still refused.
        #expect(throws: DatabaseError.self) {
            try store.dbPool.write { db in
                try db.execute(sql: "INSERT INTO run (kind, scenario_name, scenario_hash, scenario_text, seed, parameters, capsim_version, created_at, summary) VALUES ('sweep', 'x', ?, 'x', 1, '{}', '0', 'x', 'x')",
                               arguments: [SHA256.hex("x")])
            }
        }
        #expect(try store.check().isEmpty)
        // Reopening applies nothing again.
        let again = try ResultsStore(path: path)
        #expect(try again.load(id) == loadResult())
        #expect(try again.dbPool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM grdb_migrations") } == ResultsStore.migrations.count)
    }

    @Test("the released migrations are frozen: v2-history, v3-load, v4-waits, v5-windows, v6-schedule-effects, v7-currencies, v8-sweeps and v9-calibrations as written here")
    func frozenMigrations() {
        #expect(Schema.v2History == frozenV2History)
        #expect(Schema.v3Load == frozenV3Load)
        #expect(Schema.v4Waits == frozenV4Waits)
        #expect(Schema.v5Windows == frozenV5Windows)
        #expect(Schema.v6ScheduleEffects == frozenV6ScheduleEffects)
        #expect(Schema.v7Currencies == frozenV7Currencies)
        #expect(Schema.v8Sweeps == frozenV8Sweeps)
        #expect(Schema.v9Calibrations == frozenV9Calibrations)
        #expect(ResultsStore.migrations == ["v1", "v2-history", "v3-load", "v4-waits", "v5-windows", "v6-schedule-effects", "v7-currencies", "v8-sweeps", "v9-calibrations"])
    }
}

/// Schema v9 exactly as released. Never edit.
let frozenV9Calibrations = """
    CREATE TABLE calibration (
        id                 INTEGER PRIMARY KEY AUTOINCREMENT,
        target             TEXT    NOT NULL,
        route              TEXT    NOT NULL,
        scenario_path      TEXT    NOT NULL,
        saturation         REAL    NOT NULL CHECK (saturation > 0),
        bracket_low        REAL    NOT NULL CHECK (bracket_low >= 0),
        bracket_high       REAL    NOT NULL CHECK (bracket_high >= bracket_low),
        precision          REAL    NOT NULL CHECK (precision > 0),
        cpu_saturation     REAL,
        levels             INTEGER NOT NULL CHECK (levels >= 0),
        mae                REAL,
        mae_p50            REAL,
        mae_p90            REAL,
        mae_p99            REAL,
        mae_throughput     REAL,
        model_json         TEXT    NOT NULL CHECK (json_valid(model_json)),
        steps_json         TEXT    NOT NULL CHECK (json_valid(steps_json)),
        capsim_version     TEXT    NOT NULL,
        created_at         TEXT    NOT NULL,
        completed_at       TEXT
    );
    CREATE TABLE calibration_level (
        calibration_id                  INTEGER NOT NULL REFERENCES calibration(id) ON DELETE CASCADE,
        seq                             INTEGER NOT NULL CHECK (seq >= 0),
        level                           REAL    NOT NULL,
        offered_rate                    REAL    NOT NULL,
        measured_p50                    REAL    NOT NULL,
        measured_p90                    REAL    NOT NULL,
        measured_p95                    REAL    NOT NULL,
        measured_p99                    REAL    NOT NULL,
        measured_throughput             REAL    NOT NULL,
        measured_p50_half_width         REAL,
        measured_p90_half_width         REAL,
        measured_p99_half_width         REAL,
        measured_throughput_half_width  REAL,
        simulated_p50                   REAL    NOT NULL,
        simulated_p90                   REAL    NOT NULL,
        simulated_p95                   REAL    NOT NULL,
        simulated_p99                   REAL    NOT NULL,
        simulated_throughput            REAL    NOT NULL,
        simulated_p50_half_width        REAL,
        simulated_p90_half_width        REAL,
        simulated_p99_half_width        REAL,
        simulated_throughput_half_width REAL,
        error_p50                       REAL    NOT NULL,
        error_p90                       REAL    NOT NULL,
        error_p99                       REAL    NOT NULL,
        error_throughput                REAL    NOT NULL,
        server_cpu                      REAL,
        measured_cost                   REAL,
        simulated_at_measured_cost_json TEXT    CHECK (simulated_at_measured_cost_json IS NULL OR json_valid(simulated_at_measured_cost_json)),
        PRIMARY KEY (calibration_id, seq)
    ) WITHOUT ROWID;
    """

/// Schema v8 exactly as released. Never edit.
let frozenV8Sweeps = """
    CREATE TABLE sweep (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        scenario_name   TEXT    NOT NULL,
        scenario_hash   TEXT    NOT NULL CHECK (length(scenario_hash) = 64),
        scenario_text   TEXT    NOT NULL,
        definition_json TEXT    NOT NULL CHECK (json_valid(definition_json)),
        points          INTEGER NOT NULL CHECK (points >= 1),
        replications    INTEGER NOT NULL CHECK (replications >= 1),
        shard_index     INTEGER,
        shard_count     INTEGER,
        capsim_version  TEXT    NOT NULL,
        created_at      TEXT    NOT NULL,
        completed_at    TEXT,
        CHECK ((shard_index IS NULL) = (shard_count IS NULL)),
        CHECK (shard_count IS NULL OR (shard_index >= 0 AND shard_index < shard_count))
    );
    CREATE TABLE sweep_replication (
        sweep_id          INTEGER NOT NULL REFERENCES sweep(id) ON DELETE CASCADE,
        point             INTEGER NOT NULL CHECK (point >= 0),
        replication       INTEGER NOT NULL CHECK (replication >= 0),
        seed              INTEGER NOT NULL,
        metrics_json      TEXT    NOT NULL,
        expectations_json TEXT    NOT NULL,
        PRIMARY KEY (sweep_id, point, replication)
    ) WITHOUT ROWID;
    """

/// Schema v6 exactly as released. Never edit.
let frozenV6ScheduleEffects = """
    ALTER TABLE simulation_result ADD COLUMN schedule_effects_json TEXT;
    """

/// Schema v7 exactly as released. Never edit.
let frozenV7Currencies = """
    ALTER TABLE simulation_result ADD COLUMN currencies_json TEXT;
    """

/// Schema v5 exactly as released. Never edit.
let frozenV5Windows = """
    ALTER TABLE simulation_result ADD COLUMN windows_json TEXT;
    """

/// Schema v4 exactly as released. Never edit.
let frozenV4Waits = """
    ALTER TABLE service_sample ADD COLUMN blocked INTEGER;
    ALTER TABLE service_sample ADD COLUMN wait_mean REAL;
    ALTER TABLE service_sample ADD COLUMN blocked_wait_mean REAL;
    ALTER TABLE route_sample ADD COLUMN in_flight INTEGER;
    """

/// Schema v2 exactly as released. Never edit.
let frozenV2History = """
    CREATE TABLE history (
        metric       TEXT    NOT NULL,
        service      TEXT    NOT NULL DEFAULT '',
        day          INTEGER NOT NULL,   -- days since 1970-01-01
        value        REAL    NOT NULL CHECK (value > 0),
        source       TEXT    NOT NULL,
        imported_at  TEXT    NOT NULL,
        PRIMARY KEY (metric, service, day)
    ) WITHOUT ROWID;
    """

/// Schema v3 as released with load runs. Never edit.
let frozenV3Load = """
    CREATE TABLE run_new (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        kind           TEXT    NOT NULL CHECK (kind IN ('plan', 'simulate', 'load')),
        scenario_name  TEXT    NOT NULL,
        scenario_hash  TEXT    NOT NULL CHECK (length(scenario_hash) = 64),
        scenario_text  TEXT    NOT NULL,
        seed           INTEGER NOT NULL,
        parameters     TEXT    NOT NULL CHECK (json_valid(parameters)),
        capsim_version TEXT    NOT NULL,
        created_at     TEXT    NOT NULL,
        summary        TEXT    NOT NULL
    );
    INSERT INTO run_new (id, kind, scenario_name, scenario_hash, scenario_text, seed, parameters, capsim_version, created_at, summary)
        SELECT id, kind, scenario_name, scenario_hash, scenario_text, seed, parameters, capsim_version, created_at, summary FROM run;
    DROP TABLE run;
    ALTER TABLE run_new RENAME TO run;
    CREATE INDEX run_by_scenario_hash ON run(scenario_hash);

    CREATE TABLE load_result (
        run_id                 INTEGER PRIMARY KEY REFERENCES run(id) ON DELETE CASCADE,
        result_json            TEXT    NOT NULL CHECK (json_valid(result_json)),
        latency_histogram      BLOB,   -- µs from the intended send; HistogramCoding; NULL if not kept
        service_time_histogram BLOB,   -- µs from the actual send
        server_queue_histogram BLOB,   -- µs the server reported waiting for a worker (Server-Timing); NULL if it did not
        server_app_histogram   BLOB    -- µs the server reported holding a worker
    );
    """
