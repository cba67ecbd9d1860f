import ArgumentParser
import CapsimModel
import Simulation

// The commands' runs of the simulator: its error becomes a located message and an exit code.

extension SimulationError {
    /// `FILE: error: …` for bad input, `FILE: engine error: …` for capsim's own faults.
    func message(file: String?) -> String {
        (file.map { $0 + ": " } ?? "") + (kind == .engine ? "engine error: " : "error: ") + description
    }
    var exitCode: Int32 { kind == .engine ? 3 : 2 }
}

/// Runs the simulation of `file`'s scenario; an error is printed and exits 2 (bad input) or 3
/// (an engine error).
func simulate(_ scenario: Scenario, _ options: SimulationOptions, file: String) throws -> SimulationResult {
    do { return try Simulator(scenario: scenario, options: options).run() } catch let e as SimulationError {
        printErr(e.message(file: file))
        throw ExitCode(e.exitCode)
    }
}
