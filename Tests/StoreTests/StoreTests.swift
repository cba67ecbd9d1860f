import CapsimModel
import Foundation
import GRDB
import Planning
@testable import Simulation
@testable import Store
import Testing

/// Computed once for the whole suite: a real simulation takes a second or two.
extension SimulationResult {
    /// The run as a store older than "v4-waits" kept it: no waits in the timelines.
    var asStoredBeforeV4: SimulationResult {
        // Currencies came with v6: an older run reads as birr with dollars beside.
        var r = SimulationResult(scenario: scenario, seed: seed, duration: duration, warmup: warmup, samplePeriod: samplePeriod,
                                 currencies: .beforeRecorded, events: events, services: services, routes: routes, timeline: timeline,
                                 routeTimeline: routeTimeline, scaling: scaling, cdn: cdn, windows: windows)
        r.timeline = timeline.map { var s = $0; s.blocked = nil; s.waitMean = nil; s.blockedWaitMean = nil; return s }
        r.routeTimeline = routeTimeline.map { var s = $0; s.inFlight = nil; return s }
        r.windows = nil                      // windows came with v5, after v4
        return r
    }
}

enum Fixtures {
    static let simulation = Result { try realSimulation() }
    static let plan = Result { try realPlan() }
}

let createdAt = "2025-09-11T06:00:00Z"
let parametersJSON = #"{"duration":1800,"overrides":["services.payments-service.replicas.max=20"],"seed":11,"warmup":0}"#

@Suite("results store")
struct StoreTests {
    // MARK: Round trips

    @Test("a real plan reads back equal, with its scenario text, hash and parameters")
    func planRoundTrip() throws {
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let (text, plan) = try Fixtures.plan.get()
        #expect(plan.rows.contains { $0.uncertainty != nil }, "the fixture should exercise Monte Carlo percentiles")
        #expect(plan.rows.contains { $0.queueing != nil }, "the fixture should exercise Erlang C sizing")
        let store = try ResultsStore(path: dir.appendingPathComponent("runs.sqlite").path)
        let id = try store.savePlan(plan, scenarioText: text, parameters: #"{"draws":500,"horizons":[6,12]}"#, capsimVersion: "0.1.0", createdAt: createdAt)

        #expect(try store.plan(id) == plan)
        #expect(try store.scenarioText(id) == text)
        let info = try #require(try store.info(id))
        #expect(info == RunInfo(id: id, kind: .plan, scenarioName: "stan-store-et", scenarioHash: SHA256.hex(text), seed: plan.seed,
                                parameters: #"{"draws":500,"horizons":[6,12]}"#, capsimVersion: "0.1.0", createdAt: createdAt, summary: info.summary))
        #expect(info.summary.hasPrefix("horizons 6, 12 months; month 12: "), "\(info.summary)")
    }

    @Test("a real simulation reads back equal: summaries, timeline, route timeline, scaling events")
    func simulationRoundTrip() throws {
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let (text, result) = try Fixtures.simulation.get()
        #expect(!result.scaling.isEmpty && !result.routeTimeline.isEmpty && !result.timeline.isEmpty, "the fixture should scale")
        let store = try ResultsStore(path: dir.appendingPathComponent("runs.sqlite").path)
        let id = try store.saveSimulation(result, scenarioText: text, parameters: parametersJSON, capsimVersion: "0.1.0", createdAt: createdAt)

        let back = try #require(try store.simulation(id))
        #expect(back == result)
        #expect(back.timeline == result.timeline)
        #expect(back.scaling == result.scaling)
        let info = try #require(try store.info(id))
        #expect(info.kind == .simulate && info.seed == result.seed && info.scenarioName == "genna-eve-surge")
        #expect(info.summary.contains("\(RunSummary.grouped(result.timeline.count)) samples"), "\(info.summary)")
    }

    @Test("awkward doubles, nil optionals, non-ASCII text and UInt64 extremes survive bit for bit")
    func syntheticRoundTrip() throws {
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let result = syntheticResult(samples: 3000, base: try Fixtures.simulation.get().result, seed: .max)
        let store = try ResultsStore(path: dir.appendingPathComponent("runs.sqlite").path)
        let id = try store.saveSimulation(result, scenarioText: "name: ünïcode ✓\n", parameters: "{}", capsimVersion: "0.1.0", createdAt: createdAt)
        let back = try #require(try store.simulation(id))
        #expect(back == result)
        // `==` on Double treats 0 and -0 alike; compare bits too.
        #expect(zip(back.timeline, result.timeline).allSatisfy { $0.cpuUtilization.bitPattern == $1.cpuUtilization.bitPattern })
        #expect(back.events == UInt64.max - 7)
        #expect(try store.info(id)?.seed == UInt64.max)
        #expect(try store.scenarioText(id) == "name: ünïcode ✓\n")
    }

    @Test("non-finite doubles in the JSON summaries are stored as strings and read back")
    func nonFiniteJSON() throws {
        struct Box: Codable, Equatable { let values: [Double] }
        let json = try ResultsStore.encode(Box(values: [.infinity, -.infinity, 0.1, 1.0 / 3]))
        #expect(json == #"{"values":["+inf","-inf",0.1,0.3333333333333333]}"#)
        let info = RunInfo(id: 1, kind: .plan, scenarioName: "", scenarioHash: "", seed: 0, parameters: "{}", capsimVersion: "", createdAt: "", summary: "")
        #expect(try ResultsStore.decode(Box.self, from: json, run: info) == Box(values: [.infinity, -.infinity, 0.1, 1.0 / 3]))
    }

    // MARK: Listing, kinds, deleting

    @Test("list is newest first; each entry has its kind, hash and summary")
    func listOrder() throws {
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let (planText, plan) = try Fixtures.plan.get()
        let (simText, sim) = try Fixtures.simulation.get()
        let store = try ResultsStore(path: dir.appendingPathComponent("runs.sqlite").path)
        #expect(try store.list().isEmpty)
        let a = try store.savePlan(plan, scenarioText: planText, parameters: "{}", capsimVersion: "0.1.0", createdAt: "2025-09-11T06:00:00Z")
        let b = try store.saveSimulation(sim, scenarioText: simText, parameters: parametersJSON, capsimVersion: "0.1.0", createdAt: "2025-09-11T06:01:00Z")
        let c = try store.savePlan(plan, scenarioText: planText, parameters: "{}", capsimVersion: "0.2.0", createdAt: "2025-09-11T06:02:00Z")
        let runs = try store.list()
        #expect(runs.map(\.id) == [c, b, a])
        #expect(runs.map(\.kind) == [.plan, .simulate, .plan])
        #expect(runs.map(\.createdAt) == ["2025-09-11T06:02:00Z", "2025-09-11T06:01:00Z", "2025-09-11T06:00:00Z"])
        #expect(runs[0].scenarioHash == runs[2].scenarioHash && runs[0].scenarioHash != runs[1].scenarioHash)
        #expect(runs[0].capsimVersion == "0.2.0")
        #expect(runs[1].parameters == parametersJSON)
    }

    @Test("asking for the wrong kind or a missing run says so")
    func kindsAndMissing() throws {
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let (planText, plan) = try Fixtures.plan.get()
        let (simText, sim) = try Fixtures.simulation.get()
        let store = try ResultsStore(path: dir.appendingPathComponent("runs.sqlite").path)
        let p = try store.savePlan(plan, scenarioText: planText, parameters: "{}", capsimVersion: "0.1.0", createdAt: createdAt)
        let s = try store.saveSimulation(sim, scenarioText: simText, parameters: "{}", capsimVersion: "0.1.0", createdAt: createdAt)
        #expect(throws: StoreError.wrongKind(id: p, actual: .plan, expected: .simulate)) { try store.simulation(p) }
        #expect(throws: StoreError.wrongKind(id: s, actual: .simulate, expected: .plan)) { try store.plan(s) }
        #expect(StoreError.wrongKind(id: 12, actual: .plan, expected: .simulate).description == "run 12 is a plan, not a simulation")
        #expect(StoreError.wrongKind(id: 3, actual: .simulate, expected: .plan).description == "run 3 is a simulation, not a plan")
        #expect(StoreError.noRun(12).description == "no run 12")
        #expect(try store.info(999) == nil)
        #expect(try store.plan(999) == nil)
        #expect(try store.simulation(999) == nil)
        #expect(try store.scenarioText(999) == nil)
    }

    @Test("parameters that aren't JSON are refused and nothing is stored")
    func invalidParameters() throws {
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let (text, plan) = try Fixtures.plan.get()
        let store = try ResultsStore(path: dir.appendingPathComponent("runs.sqlite").path)
        #expect(throws: StoreError.self) {
            try store.savePlan(plan, scenarioText: text, parameters: "duration=1h", capsimVersion: "0.1.0", createdAt: createdAt)
        }
        #expect(try store.list().isEmpty)
    }

    @Test("delete removes the run and cascades to its result, timelines and events; ids are not reused")
    func deleteCascades() throws {
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let (text, sim) = try Fixtures.simulation.get()
        let store = try ResultsStore(path: dir.appendingPathComponent("runs.sqlite").path)
        let keep = try store.saveSimulation(sim, scenarioText: text, parameters: "{}", capsimVersion: "0.1.0", createdAt: createdAt)
        let gone = try store.saveSimulation(sim, scenarioText: text, parameters: "{}", capsimVersion: "0.1.0", createdAt: createdAt)
        let (planText, plan) = try Fixtures.plan.get()
        let goneToo = try store.savePlan(plan, scenarioText: planText, parameters: "{}", capsimVersion: "0.1.0", createdAt: createdAt)

        func rows(_ table: String, _ id: Int64) throws -> Int {
            try store.dbPool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE run_id = ?", arguments: [id])! }
        }
        #expect(try rows("service_sample", gone) == sim.timeline.count)
        #expect(try rows("scaling_event", gone) == sim.scaling.count)
        #expect(try store.delete(gone))
        #expect(try store.delete(goneToo))
        for table in ["simulation_result", "service_sample", "route_sample", "scaling_event"] {
            #expect(try rows(table, gone) == 0, "\(table) still has rows of the deleted run")
        }
        #expect(try rows("plan_result", goneToo) == 0)
        #expect(try store.info(gone) == nil && store.simulation(gone) == nil)
        #expect(try store.delete(gone) == false)
        #expect(try store.simulation(keep) == sim, "the other run is untouched")
        #expect(try store.check().isEmpty)
        let next = try store.savePlan(plan, scenarioText: planText, parameters: "{}", capsimVersion: "0.1.0", createdAt: createdAt)
        #expect(next > goneToo, "AUTOINCREMENT: a deleted id is never handed out again")
    }

    // MARK: Opening, paths, SQLite settings

    @Test("the store path: --db, then $CAPSIM_DB, then $XDG_DATA_HOME/capsim, then $HOME/.local/share/capsim; empty counts as absent")
    func resolvePathPrecedence() throws {
        let all = ["CAPSIM_DB": "/env/runs.sqlite", "XDG_DATA_HOME": "/xdg", "HOME": "/home/x"]
        #expect(try ResultsStore.resolvePath(explicit: "cli.sqlite", environment: all) == "cli.sqlite")
        #expect(try ResultsStore.resolvePath(explicit: nil, environment: all) == "/env/runs.sqlite")
        #expect(try ResultsStore.resolvePath(explicit: "", environment: all) == "/env/runs.sqlite")
        let noVariable = all.filter { $0.key != "CAPSIM_DB" }
        #expect(try ResultsStore.resolvePath(explicit: nil, environment: noVariable) == "/xdg/capsim/capsim.sqlite")
        #expect(try ResultsStore.resolvePath(explicit: nil, environment: ["CAPSIM_DB": "", "XDG_DATA_HOME": "/xdg/"]) == "/xdg/capsim/capsim.sqlite")
        #expect(try ResultsStore.resolvePath(explicit: nil, environment: ["HOME": "/home/x"]) == "/home/x/.local/share/capsim/capsim.sqlite")
        #expect(try ResultsStore.resolvePath(explicit: nil, environment: ["XDG_DATA_HOME": "", "HOME": "/home/x/"]) == "/home/x/.local/share/capsim/capsim.sqlite")
        #expect(try ResultsStore.resolvePath(explicit: nil, environment: ["HOME": "/"]) == "/.local/share/capsim/capsim.sqlite")
        #expect(ResultsStore.environmentVariable == "CAPSIM_DB")
    }

    /// The XDG Base Directory specification: "If an implementation encounters a relative path
    /// in any of these variables it should consider the path invalid and ignore it."
    @Test("a relative $XDG_DATA_HOME is ignored: the default falls back to $HOME/.local/share")
    func relativeXDGIgnored() throws {
        #expect(try ResultsStore.resolvePath(explicit: nil, environment: ["XDG_DATA_HOME": "data", "HOME": "/home/x"]) == "/home/x/.local/share/capsim/capsim.sqlite")
    }

    @Test("with no --db, $CAPSIM_DB, absolute $XDG_DATA_HOME or $HOME there is no default: an error saying what to set")
    func noDefaultWithoutHome() throws {
        for env in [[:], ["HOME": ""], ["HOME": "relative", "XDG_DATA_HOME": "also-relative"]] {
            #expect(throws: StoreError.noDataDirectory) { try ResultsStore.resolvePath(explicit: nil, environment: env) }
        }
        #expect(StoreError.noDataDirectory.description.contains("--db PATH") && StoreError.noDataDirectory.description.contains("$CAPSIM_DB"))
        #expect(try ResultsStore.resolvePath(explicit: "cli.sqlite", environment: [:]) == "cli.sqlite", "an explicit path needs no home")
    }

    @Test("opening creates missing parent folders")
    func createsFolders() throws {
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("a/b/c/runs.sqlite").path
        _ = try ResultsStore(path: path)
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test("WAL journal mode, and foreign keys on for the writer and readers, and enforced")
    func sqliteSettings() throws {
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ResultsStore(path: dir.appendingPathComponent("runs.sqlite").path)
        #expect(try store.dbPool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
        #expect(try store.dbPool.write { db in try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") } == true)
        #expect(try store.dbPool.read { db in try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") } == true)
        // A sample for a run that doesn't exist is refused by SQLite itself.
        let error = #expect(throws: DatabaseError.self) {
            try store.dbPool.write { db in
                try db.execute(sql: """
                    INSERT INTO service_sample (run_id, seq, time, service, replicas, ready, starting, cpu_utilization, in_flight, queue_length,
                                                arrival_rate, throughput, dropped, timed_out)
                    VALUES (999, 0, 0, 's', 1, 1, 0, 0.5, 0, 0, 1, 1, 0, 0)
                    """)
            }
        }
        #expect(error?.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY)
    }

    // MARK: Migrations

    @Test("migrations: recorded on first open, not re-applied on reopen; runs survive")
    func reopen() throws {
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("runs.sqlite").path
        let (text, plan) = try Fixtures.plan.get()
        let id: Int64
        do {
            let store = try ResultsStore(path: path)
            #expect(try store.appliedMigrations() == ResultsStore.migrations)
            id = try store.savePlan(plan, scenarioText: text, parameters: "{}", capsimVersion: "0.1.0", createdAt: createdAt)
        }  // the store, and its connections, close here
        let store = try ResultsStore(path: path)
        #expect(try store.appliedMigrations() == ResultsStore.migrations)
        // One row per migration: none recorded twice (re-applying v1 would also fail: CREATE TABLE run exists).
        #expect(try store.dbPool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM grdb_migrations") } == ResultsStore.migrations.count)
        #expect(try store.plan(id) == plan)
        #expect(ResultsStore.migrations.first == "v1")
    }

    @Test("a database made by the v1 schema, frozen here, opens and reads with the current store")
    func opensV1Database() throws {
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("v1.sqlite").path
        let (text, sim) = try Fixtures.simulation.get()
        // Build a v1 file without the store: the frozen DDL, recorded as GRDB records migrations,
        // and rows written by hand as a v1 capsim would.
        do {
            let queue = try DatabaseQueue(path: path)
            var v1 = DatabaseMigrator()
            v1.registerMigration("v1") { db in try db.execute(sql: frozenV1) }
            try v1.migrate(queue)
            try queue.write { db in try insertSimulationByHand(db, id: 7, text: text, sim: sim) }
        }
        let store = try ResultsStore(path: path)
        #expect(try store.appliedMigrations() == ResultsStore.migrations)
        #expect(try store.simulation(7) == sim.asStoredBeforeV4)
        #expect(try store.list().map(\.summary) == ["made by hand"])
        #expect(try store.check().isEmpty)
        // The store's own v1 is still the frozen one (edit v1 and this fails: add "v2" instead).
        #expect(Schema.v1 == frozenV1)
    }

    @Test("a simulation keeps the currencies it was shown in; one saved before v7 reads as birr with dollars beside")
    func simulationCurrencies() throws {
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let (text, sim) = try Fixtures.simulation.get()
        let store = try ResultsStore(path: dir.appendingPathComponent("runs.sqlite").path)
        let id = try store.saveSimulation(sim, scenarioText: text, parameters: "{}", capsimVersion: "0.1.0", createdAt: createdAt)
        #expect(try store.simulation(id)?.currencies == sim.currencies)
        try store.dbPool.write { db in try db.execute(sql: "UPDATE simulation_result SET currencies_json = NULL WHERE run_id = ?", arguments: [id]) }
        #expect(try store.simulation(id)?.currencies == ShownCurrencies(lead: .etb, other: .usd))
    }

    @Test("a plan saved before currencies were recorded reads its 0 rate as none and shows birr, with dollars when it had a rate")
    func planBeforeCurrencies() throws {
        let (_, plan) = try Fixtures.plan.get()
        func legacy(rate: Double) throws -> CapacityPlan {
            var json = try #require(try JSONSerialization.jsonObject(with: Data(try ResultsStore.encode(plan).utf8)) as? [String: Any])
            json["currencies"] = nil
            json["etbPerUSD"] = rate
            let text = String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
            return try JSONDecoder().decode(CapacityPlan.self, from: Data(text.utf8))
        }
        let none = try legacy(rate: 0)
        #expect(none.etbPerUSD == nil)
        #expect(none.currencies == ShownCurrencies(lead: .etb, other: nil))
        let rated = try legacy(rate: 155)
        #expect(rated.etbPerUSD == 155)
        #expect(rated.currencies == ShownCurrencies(lead: .etb, other: .usd))
        #expect(rated.rows == plan.rows && rated.totals == plan.totals)
    }

    @Test("a database from a newer capsim (an unknown migration) is refused, not written to")
    func refusesNewerSchema() throws {
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("runs.sqlite").path
        do {
            let store = try ResultsStore(path: path)
            try store.dbPool.write { db in try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99-from-the-future')") }
        }
        let error = #expect(throws: StoreError.self) { try ResultsStore(path: path) }
        #expect(error?.description.contains("newer capsim") == true, "\(String(describing: error))")
    }

    // MARK: Integrity, concurrency, speed

    @Test("check() finds a run whose timeline lost rows")
    func checkFindsMissingRows() throws {
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let (text, sim) = try Fixtures.simulation.get()
        let store = try ResultsStore(path: dir.appendingPathComponent("runs.sqlite").path)
        let id = try store.saveSimulation(sim, scenarioText: text, parameters: "{}", capsimVersion: "0.1.0", createdAt: createdAt)
        #expect(try store.check().isEmpty)
        try store.dbPool.write { db in try db.execute(sql: "DELETE FROM service_sample WHERE run_id = ? AND seq >= 10", arguments: [id]) }
        #expect(try store.check() == ["run \(id): 10 of \(sim.timeline.count) timeline samples stored"])
        #expect(throws: StoreError.incomplete(id: id, detail: "10 of \(sim.timeline.count) timeline samples stored")) { try store.simulation(id) }
    }

    @Test("two stores on one file save concurrently; every run lands whole")
    func concurrentWriters() async throws {
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("runs.sqlite").path
        let (text, sim) = try Fixtures.simulation.get()
        let stores = [try ResultsStore(path: path), try ResultsStore(path: path)]
        let ids = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for store in stores {
                group.addTask {
                    try (0..<4).map { _ in try store.saveSimulation(sim, scenarioText: text, parameters: "{}", capsimVersion: "0.1.0", createdAt: createdAt) }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(Set(ids).count == 8)
        #expect(try stores[0].list().count == 8)
        #expect(try stores[1].check().isEmpty)
    }

    @Test("saving a run with 10⁵ timeline rows takes well under a second")
    func saveSpeed() throws {
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let result = syntheticResult(samples: 100_000, base: try Fixtures.simulation.get().result)
        let store = try ResultsStore(path: dir.appendingPathComponent("runs.sqlite").path)
        _ = try store.saveSimulation(syntheticResult(samples: 10, base: result), scenarioText: "warm-up", parameters: "{}", capsimVersion: "0", createdAt: createdAt)
        let clock = ContinuousClock()
        var id: Int64 = 0
        let save = try clock.measure {
            id = try store.saveSimulation(result, scenarioText: "name: big", parameters: "{}", capsimVersion: "0.1.0", createdAt: createdAt)
        }
        var back: SimulationResult?
        let read = try clock.measure { back = try store.simulation(id) }
        print("store: saved \(result.timeline.count) timeline + \(result.routeTimeline.count) route + \(result.scaling.count) event rows in \(save); read back in \(read)")
        #expect(back == result)
        // Generous for a loaded CI machine and a debug build; the figure itself is printed above.
        #expect(save < .seconds(3), "saving 10⁵ timeline rows took \(save)")
    }

    @Test("SHA-256 matches the FIPS 180-2 test vectors")
    func sha256() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(String(repeating: "a", count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // 55, 56 and 64 bytes: the padding's edge cases.
        #expect(SHA256.hex(String(repeating: "a", count: 55)) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        #expect(SHA256.hex(String(repeating: "a", count: 56)) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        #expect(SHA256.hex(String(repeating: "a", count: 64)) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }
}

/// Schema v1 exactly as released. Never edit: a later schema is a new migration.
let frozenV1 = """
    CREATE TABLE run (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        kind           TEXT    NOT NULL CHECK (kind IN ('plan', 'simulate')),
        scenario_name  TEXT    NOT NULL,
        scenario_hash  TEXT    NOT NULL CHECK (length(scenario_hash) = 64),
        scenario_text  TEXT    NOT NULL,
        seed           INTEGER NOT NULL,
        parameters     TEXT    NOT NULL CHECK (json_valid(parameters)),
        capsim_version TEXT    NOT NULL,
        created_at     TEXT    NOT NULL,
        summary        TEXT    NOT NULL
    );
    CREATE INDEX run_by_scenario_hash ON run(scenario_hash);

    CREATE TABLE plan_result (
        run_id    INTEGER PRIMARY KEY REFERENCES run(id) ON DELETE CASCADE,
        plan_json TEXT    NOT NULL
    );

    CREATE TABLE simulation_result (
        run_id              INTEGER PRIMARY KEY REFERENCES run(id) ON DELETE CASCADE,
        duration            REAL    NOT NULL,
        warmup              REAL    NOT NULL,
        sample_period       REAL    NOT NULL,
        events              INTEGER NOT NULL,
        services_json       TEXT    NOT NULL,
        routes_json         TEXT    NOT NULL,
        timeline_rows       INTEGER NOT NULL,
        route_timeline_rows INTEGER NOT NULL,
        scaling_rows        INTEGER NOT NULL
    );

    CREATE TABLE service_sample (
        run_id          INTEGER NOT NULL REFERENCES simulation_result(run_id) ON DELETE CASCADE,
        seq             INTEGER NOT NULL,
        time            REAL    NOT NULL,
        service         TEXT    NOT NULL,
        replicas        INTEGER NOT NULL,
        ready           INTEGER NOT NULL,
        starting        INTEGER NOT NULL,
        cpu_utilization REAL    NOT NULL,
        in_flight       INTEGER NOT NULL,
        queue_length    INTEGER NOT NULL,
        arrival_rate    REAL    NOT NULL,
        throughput      REAL    NOT NULL,
        latency_mean    REAL,
        latency_p50     REAL,
        latency_p95     REAL,
        latency_p99     REAL,
        dropped         INTEGER NOT NULL,
        timed_out       INTEGER NOT NULL,
        PRIMARY KEY (run_id, seq)
    ) WITHOUT ROWID;

    CREATE TABLE route_sample (
        run_id      INTEGER NOT NULL REFERENCES simulation_result(run_id) ON DELETE CASCADE,
        seq         INTEGER NOT NULL,
        time        REAL    NOT NULL,
        route       TEXT    NOT NULL,
        completed   INTEGER NOT NULL,
        latency_p50 REAL,
        latency_p99 REAL,
        PRIMARY KEY (run_id, seq)
    ) WITHOUT ROWID;

    CREATE TABLE scaling_event (
        run_id        INTEGER NOT NULL REFERENCES simulation_result(run_id) ON DELETE CASCADE,
        seq           INTEGER NOT NULL,
        time          REAL    NOT NULL,
        service       TEXT    NOT NULL,
        policy        TEXT    NOT NULL,
        rule          TEXT    NOT NULL,
        metric_value  REAL,
        window_seconds REAL,
        from_replicas INTEGER NOT NULL,
        to_replicas   INTEGER NOT NULL,
        reason        TEXT    NOT NULL,
        alert         TEXT,
        PRIMARY KEY (run_id, seq)
    ) WITHOUT ROWID;
    """

@Suite("Tracked history in the store")
struct HistoryStoreTests {
    @Test("history imports replace the same metric, service and day instead of doubling")
    func reimport() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-history-\(ProcessInfo.processInfo.processIdentifier).sqlite").path
        for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) }
        let store = try ResultsStore(path: path)
        let a = [HistoryPoint(day: 20_000, metric: "dau", value: 100, service: ""), HistoryPoint(day: 20_001, metric: "dau", value: 110, service: "")]
        #expect(try store.saveHistory(a, source: "a.csv", importedAt: "2026-11-25T00:00:00Z") == 2)
        let b = [HistoryPoint(day: 20_001, metric: "dau", value: 111, service: ""), HistoryPoint(day: 20_001, metric: "tps", value: 5, service: "payments-service")]
        try store.saveHistory(b, source: "b.csv", importedAt: "2026-11-26T00:00:00Z")
        let all = try store.history()
        #expect(all.count == 3)
        #expect(all.first { $0.metric == "dau" && $0.day == 20_001 }?.value == 111)
        #expect(try store.history(metric: "tps").map(\.service) == ["payments-service"])
        #expect(try store.appliedMigrations().contains("v2-history"))
    }
}
