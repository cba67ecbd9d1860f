import ArgumentParser
import Reporting
import Store

/// `capsim runs compare A B`: two runs of the same kind side by side (`RunComparison`).
extension Runs {
    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deltas between two runs of the same kind, side by side: per service, per service and horizon, or per latency percentile.")
        @Argument(help: "Run A (the reference).") var a: Int64
        @Argument(help: "Run B.") var b: Int64
        @Option(help: "Results database (default: \(ResultsStore.defaultPathHelp)).") var db: String?

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
}
