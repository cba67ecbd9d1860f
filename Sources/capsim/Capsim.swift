import ArgumentParser
import CapsimModel
import Foundation
import Reporting
import Simulation

/// capsim's entry point. Exit codes are part of the interface: 0 ok, 1 a check failed,
/// 2 bad input or usage (ArgumentParser's own 64 is mapped to 2), 3 the engine broke its own
/// accounting (a bug in capsim, never a result to trust).
@main
struct Capsim: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "capsim",
        abstract: "Capacity planning and scaling simulation for microservice platforms on Kubernetes.",
        discussion: "Exit codes: 0 ok, 1 a check failed, 2 bad input or usage, 3 an engine error (a bug in capsim).",
        version: version,
        subcommands: [Validate.self, Plan.self, Simulate.self, Sweep.self, Optimize.self, Check.self, Replay.self, Runs.self, Report.self, CalendarCommand.self, Forecast.self, Serve.self, Load.self, Calibrate.self, Bench.self, StoreStress.self])

    static func main() {
        let code: Int32
        do {
            var command = try parseAsRoot()
            try command.run()
            code = 0
        } catch let exit as ExitCode {
            code = exit.rawValue
        } catch let errors as ScenarioErrors {
            printErr(errors.description)
            code = 2
        } catch let e as SimulationError {
            printErr(e.message(file: nil))
            code = e.exitCode
        } catch {
            if exitCode(for: error) == .success {
                print(fullMessage(for: error))
                code = 0
            } else {
                // ArgumentParser writes "Error: …"; every other message of capsim's is "error: …".
                let message = fullMessage(for: error)
                printErr(message.hasPrefix("Error: ") ? "error: " + message.dropFirst(7) : message)
                code = 2
            }
        }
        Outputs.announce()
        Foundation.exit(code)
    }
}

/// What a command wrote to files and recorded in the results store, said once on stderr when
/// it ends (whatever its exit code) as `OutputNotice` words it.
enum Outputs {
    // The command line runs its command on one thread; these are only touched from it.
    nonisolated(unsafe) static var files: [String] = []
    nonisolated(unsafe) static var runs: [Int64] = []
    nonisolated(unsafe) static var sweeps: [Int64] = []
    nonisolated(unsafe) static var calibrations: [Int64] = []

    static func wrote(_ path: String) { if !files.contains(path) { files.append(path) } }
    static func recorded(_ id: Int64) { runs.append(id) }
    static func recorded(sweep id: Int64) { sweeps.append(id) }
    static func recorded(calibration id: Int64) { calibrations.append(id) }
    static func announce() {
        if let line = OutputNotice.line(files: files, runs: runs, sweeps: sweeps, calibrations: calibrations) { printErr(line) }
    }
}

func printErr(_ text: String) {
    // stdout is buffered and stderr is not: flush first, or `capsim plan 2>&1` prints a
    // warning in the middle of a table line.
    fflush(nil)  // every output stream: stdout is the one with pending text
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
    Outputs.wrote(path)
}
