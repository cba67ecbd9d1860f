import ArgumentParser
import CapsimModel
import Foundation
import LoadGen
import Planning
import Reporting
import Simulation
import Store

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
            if format == .json { print(RunInfo.listJSON(runs)); return }
            if runs.isEmpty { print("no runs recorded yet: run capsim plan, capsim simulate, capsim check or capsim load"); return }
            var t = TextTable(["id", "kind", "scenario", "seed", "created (UTC)", "summary"])
            for r in runs { t.add(["\(r.id)", r.kind.rawValue, r.scenarioName, "\(r.seed)", r.createdAt, r.summary]) }
            print(t.render())
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

