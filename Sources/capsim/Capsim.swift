import ArgumentParser
import CapsimModel
import Foundation

/// capsim's entry point. Exit codes are part of the interface: 0 ok, 1 a check failed,
/// 2 bad input or usage (ArgumentParser's own 64 is mapped to 2).
@main
struct Capsim: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "capsim",
        abstract: "Capacity planning and scaling simulation for the Stan Store creator platform.",
        discussion: "Exit codes: 0 ok, 1 a check failed, 2 bad input or usage.",
        version: version,
        subcommands: [Validate.self, Plan.self, Simulate.self, Check.self, Replay.self, Runs.self, Report.self, CalendarCommand.self, Forecast.self, Serve.self, Load.self, Calibrate.self, Bench.self, StoreStress.self])

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch let errors as ScenarioErrors {
            printErr(errors.description)
            Foundation.exit(2)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            printErr(fullMessage(for: error))
            Foundation.exit(2)
        }
    }
}

func printErr(_ text: String) {
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}

/// Writes `text` to `path`, or to standard output when `path` is nil or "-".
func emit(_ text: String, to path: String?) throws {
    guard let path, path != "-" else { print(text, terminator: ""); return }
    let url = URL(fileURLWithPath: path)
    try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    do { try text.write(to: url, atomically: true, encoding: .utf8) } catch {
        printErr("error: cannot write \(path): \(error.localizedDescription)")
        throw ExitCode(2)
    }
}
