import ArgumentParser
import Store

/// `capsim runs delete ID`: a run and everything recorded with it.
extension Runs {
    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a run and everything recorded with it.")
        @Argument(help: "Run ID.") var id: Int64
        @Option(help: "Results database (default: \(ResultsStore.defaultPathHelp)).") var db: String?

        func run() throws {
            guard try openStore(db).delete(id) else {
                printErr("error: no run \(id)")
                throw ExitCode(2)
            }
            print("deleted run \(id)")
        }
    }
}
