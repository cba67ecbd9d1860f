import ArgumentParser
import CapsimModel
import Foundation
import LoadGen
import Planning
import Reporting
import Simulation
import Store

/// Opens the results database for a command, mapping errors to exit code 2.
func openStore(_ db: String?) throws -> ResultsStore {
    let path = ResultsStore.resolvePath(explicit: db, environment: ProcessInfo.processInfo.environment)
    do { return try ResultsStore(path: path) } catch {
        printErr("\(path): error: cannot open the results database: \(error)")
        throw ExitCode(2)
    }
}

func nowISO() -> String { ResultsStore.timestamp(Date()) }

/// A stored run's scenario, rebuilt from its text and overrides.
func storedScenario(_ store: ResultsStore, _ info: RunInfo) throws -> Scenario {
    guard let text = try store.scenarioText(info.id) else {
        printErr("error: run \(info.id) has no scenario text")
        throw ExitCode(2)
    }
    let params = RunParameters.decode(info.parameters)
    return try ScenarioLoader.parse(text, file: "\(params?.file ?? info.scenarioName) (run \(info.id))", overrides: params?.overrides ?? [])
}

struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, show, compare, delete and export the runs recorded in the results database.",
        subcommands: [List.self, Show.self, Compare.self, Delete.self, Export.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every recorded run, newest first.")
        @Option(help: "Results database (default: $CAPSIM_DB, else reports/capsim.sqlite).") var db: String?
        @Option(help: "table, or json (an array of runs, newest first, for scripts and CI).") var format: ListFormat = .table

        enum ListFormat: String, ExpressibleByArgument { case table, json }

        func run() throws {
            let runs = try openStore(db).list()
            if format == .json { print(runs.isEmpty ? "[]" : Self.json(runs)); return }
            if runs.isEmpty { print("no runs recorded yet: run capsim plan, capsim simulate, capsim check or capsim load"); return }
            var t = TextTable(["id", "kind", "scenario", "seed", "created (UTC)", "summary"])
            for r in runs { t.add(["\(r.id)", r.kind.rawValue, r.scenarioName, "\(r.seed)", r.createdAt, r.summary]) }
            print(t.render())
        }

        /// One object per run with the table's fields under snake_case keys; `parameters` is the
        /// run's parameters as a JSON object, not a string to parse again.
        static func json(_ runs: [RunInfo]) -> String {
            let rows: [[String: Any]] = runs.map { r in
                ["id": r.id, "kind": r.kind.rawValue, "scenario": r.scenarioName, "scenario_sha256": r.scenarioHash,
                 "seed": NSNumber(value: r.seed), "capsim_version": r.capsimVersion, "created_at": r.createdAt, "summary": r.summary,
                 "parameters": (try? JSONSerialization.jsonObject(with: Data(r.parameters.utf8))) ?? r.parameters]
            }
            let data = (try? JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data("[]".utf8)
            return String(decoding: data, as: UTF8.self)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One run: how it was made and its results, re-rendered from the database.")
        @Argument(help: "Run ID.") var id: Int64
        @Option(help: "Results database (default: $CAPSIM_DB, else reports/capsim.sqlite).") var db: String?

        func run() throws {
            let store = try openStore(db)
            let info = try RunLookup.info(store, id)
            print("run \(info.id): \(info.kind.rawValue) of \(info.scenarioName) (scenario sha256 \(info.scenarioHash.prefix(12))…), seed \(info.seed), capsim \(info.capsimVersion), \(info.createdAt)")
            print("parameters: \(info.parameters)\n")
            switch info.kind {
            case .plan: print(PlanRenderer.table(try RunLookup.plan(store, id)), terminator: "")
            case .simulate: print(SimulationRenderer.table(try RunLookup.simulation(store, id)), terminator: "")
            case .load: print(LoadRenderer.table(try RunLookup.load(store, id)), terminator: "")
            }
        }
    }

    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deltas between two runs of the same kind, side by side: per service, per service and horizon, or per latency percentile.")
        @Argument(help: "Run A (the reference).") var a: Int64
        @Argument(help: "Run B.") var b: Int64
        @Option(help: "Results database (default: $CAPSIM_DB, else reports/capsim.sqlite).") var db: String?

        func run() throws {
            let store = try openStore(db)
            let ia = try RunLookup.info(store, a), ib = try RunLookup.info(store, b)
            guard ia.kind == ib.kind else {
                printErr("error: run \(a) is \(RunLookup.article(ia.kind)) and run \(b) \(RunLookup.article(ib.kind)): compare runs of the same kind")
                throw ExitCode(2)
            }
            switch ia.kind {
            case .plan: print(RunComparison.plans(try RunLookup.plan(store, a), try RunLookup.plan(store, b), labels: ("run \(a)", "run \(b)")), terminator: "")
            case .simulate: print(RunComparison.simulations(try RunLookup.simulation(store, a), try RunLookup.simulation(store, b), labels: ("run \(a)", "run \(b)")), terminator: "")
            case .load: print(RunComparison.loads(try RunLookup.load(store, a), try RunLookup.load(store, b), labels: ("run \(a)", "run \(b)")), terminator: "")
            }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a run and everything recorded with it.")
        @Argument(help: "Run ID.") var id: Int64
        @Option(help: "Results database (default: $CAPSIM_DB, else reports/capsim.sqlite).") var db: String?

        func run() throws {
            guard try openStore(db).delete(id) else {
                printErr("error: no run \(id)")
                throw ExitCode(2)
            }
            print("deleted run \(id)")
        }
    }

    struct Export: ParsableCommand {
        enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }
        static let configuration = CommandConfiguration(abstract: "A run's data: simulations as timeline CSV or summary JSON, plans as CSV or JSON, load runs as latency-percentile CSV or the JSON capsim load prints.")
        @Argument(help: "Run ID.") var id: Int64
        @Option(help: "csv or json.") var format: Format = .json
        @Option(help: "Write to this file instead of standard output.") var out: String?
        @Option(help: "Results database (default: $CAPSIM_DB, else reports/capsim.sqlite).") var db: String?

        func run() throws {
            let store = try openStore(db)
            let info = try RunLookup.info(store, id)
            let text: String
            switch (info.kind, format) {
            case (.plan, .csv): text = PlanRenderer.csv(try RunLookup.plan(store, id))
            case (.plan, .json): text = PlanRenderer.json(try RunLookup.plan(store, id))
            case (.simulate, .csv): text = SimulationRenderer.timelineCSV(try RunLookup.simulation(store, id))
            case (.simulate, .json): text = SimulationRenderer.summaryJSON(try RunLookup.simulation(store, id))
            case (.load, .csv): text = LoadRenderer.percentilesCSV(try RunLookup.load(store, id))
            case (.load, .json): text = LoadRenderer.json(try RunLookup.load(store, id))
            }
            try emit(text, to: out)
        }
    }
}

/// Lookups that turn "no such run" into exit code 2 with a message.
enum RunLookup {
    static func info(_ s: ResultsStore, _ id: Int64) throws -> RunInfo {
        guard let i = try s.info(id) else { printErr("error: no run \(id) (capsim runs list shows the recorded runs)"); throw ExitCode(2) }
        return i
    }
    static func plan(_ s: ResultsStore, _ id: Int64) throws -> CapacityPlan {
        do {
            guard let p = try s.plan(id) else { printErr("error: no run \(id) (capsim runs list shows the recorded runs)"); throw ExitCode(2) }
            return p
        } catch let e as StoreError { printErr("error: \(e)"); throw ExitCode(2) }
    }
    static func load(_ s: ResultsStore, _ id: Int64) throws -> LoadResult {
        do {
            guard let r = try s.load(id) else { printErr("error: no run \(id) (capsim runs list shows the recorded runs)"); throw ExitCode(2) }
            return r
        } catch let e as StoreError { printErr("error: \(e)"); throw ExitCode(2) }
    }
    /// "a plan", "a simulation", "a load run".
    static func article(_ kind: RunKind) -> String {
        switch kind {
        case .plan: return "a plan"
        case .simulate: return "a simulation"
        case .load: return "a load run"
        }
    }
    static func simulation(_ s: ResultsStore, _ id: Int64) throws -> SimulationResult {
        do {
            guard let r = try s.simulation(id) else { printErr("error: no run \(id) (capsim runs list shows the recorded runs)"); throw ExitCode(2) }
            return r
        } catch let e as StoreError { printErr("error: \(e)"); throw ExitCode(2) }
    }
}
