import ArgumentParser
import CapsimModel

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check scenario files and report every problem in each.",
        discussion: "Prints one summary line per valid file. Exits 2 if any file has a problem, after listing them all.")

    @Argument(help: "Scenario files (YAML).")
    var files: [String]

    @Option(name: .customLong("set"), help: "Override a scenario value as simulate, plan and check do, e.g. services.payments-service.replicas.max=20 (repeatable): the what-if is validated like the file.")
    var overrides: [String] = []

    func run() throws {
        var failed = false
        for file in files {
            do {
                let (s, text) = try ScenarioLoader.loadWithText(path: file, overrides: overrides)
                print(ScenarioSummary.line(s, file: file))
                // Valid, but not for every command: say which refuse it and why, located.
                for d in ScenarioLoader.unfitForSimulation(text, file: file, overrides: overrides) {
                    print(d.description.replacingOccurrences(of: ": error: ", with: ": note: ", options: [], range: d.description.range(of: ": error: "))
                          + " — simulate, check, sweep, optimize and plan --verify refuse it")
                }
            } catch {
                printErr(error.description)
                failed = true
            }
        }
        if failed { throw ExitCode(2) }
    }
}
