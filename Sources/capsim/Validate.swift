import ArgumentParser
import CapsimModel

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check scenario files and report every problem in each.",
        discussion: "Prints one summary line per valid file. Exits 2 if any file has a problem, after listing them all.")

    @Argument(help: "Scenario files (YAML).")
    var files: [String]

    func run() throws {
        var failed = false
        for file in files {
            do {
                let s = try ScenarioLoader.load(path: file)
                print(ScenarioSummary.line(s, file: file))
            } catch {
                printErr(error.description)
                failed = true
            }
        }
        if failed { throw ExitCode(2) }
    }
}
