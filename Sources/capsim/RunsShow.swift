import ArgumentParser
import Reporting
import Store

/// `capsim runs show ID`: how a run was made and its results, re-rendered from the store.
extension Runs {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One run: how it was made and its results, re-rendered from the database.")
        @Argument(help: "Run ID.") var id: Int64
        @Option(help: "Results database (default: \(ResultsStore.defaultPathHelp)).") var db: String?

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
}
