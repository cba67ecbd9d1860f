import ArgumentParser
import Reporting
import Store

/// `capsim runs list`: every recorded run, newest first, as a table or JSON.
extension Runs {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every recorded run, newest first.")
        @Option(help: "Results database (default: \(ResultsStore.defaultPathHelp)).") var db: String?
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
}
