import ArgumentParser
import Reporting
import Store

/// `capsim runs export ID`: a run's data in the format its renderer writes.
extension Runs {
    struct Export: ParsableCommand {
        enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }
        static let configuration = CommandConfiguration(abstract: "A run's data: simulations as timeline CSV or summary JSON, plans as CSV or JSON, load runs as latency-percentile CSV or the JSON capsim load prints.")
        @Argument(help: "Run ID.") var id: Int64
        @Option(help: "csv or json.") var format: Format = .json
        @Option(help: "Write to this file instead of standard output.") var out: String?
        @Option(help: "Results database (default: \(ResultsStore.defaultPathHelp)).") var db: String?

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
